/*
 * xlsx.c - one sheet of an .xlsx workbook, row by row (see xlsx.h).
 *
 * The small parts (relationships, workbook, styles) and the shared
 * strings are parsed whole when the reader opens; the sheet is parsed as
 * libzip inflates it, and expat is suspended at the end of every row
 * that is a row (sheet.h), so that xlsx_reader_next() hands out one row
 * per call without holding more than one chunk of the sheet.
 *
 * Names are compared by their local part: expat reports a namespaced
 * name as "uri\x01local", and transitional and strict OOXML (and
 * writers that use an "x:" prefix) differ only in the uri.
 *
 * Every byte inflated is counted against the part's declared size and
 * the limits in xlsx.h, so a zip that lies about its sizes is caught
 * while it is read, not after.
 */
#define _GNU_SOURCE    /* memmem */
#include <expat.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "input/xlsx.h"
#include "util/arena.h"
#include "util/string_list.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The fuzz target builds with tiny sizes, so that tokens cross reads. */
#ifndef XLSX_CHUNK
#define XLSX_CHUNK (64 * 1024)
#endif
#define CHUNK XLSX_CHUNK
#define NS_SEP '\x01'
#define SMALL_PART ((zip_uint64_t)1 << 20)
/* sheet_scan's limits: beyond any of them expat reads the sheet. */
#define SCAN_MAX_DEPTH 16
#define SCAN_MAX_NAME 32
#define SCAN_MAX_ATTS 16
#define SCAN_MAX_VALUE 256
#define SCAN_MAX_TOKEN ((size_t)1 << 20)
/* A sheet up to this size is inflated once, not twice (read_merges). */
#ifndef XLSX_KEEP_SHEET_BYTES
#define XLSX_KEEP_SHEET_BYTES ((zip_uint64_t)16 << 20)
#endif

struct rel {
	char *id, *type, *target;   /* target resolved to a part name */
};

struct rels {
	struct rel *v;
	size_t n, alloc;
};

struct wb_sheet {
	char *name, *rid;
	bool hidden;                /* state="hidden" or "veryHidden" */
};

struct merge {
	uint32_t r1, c1, r2, c2;
	bool seen;                  /* the top-left cell's value is known */
	char *text;
	size_t len;
	unsigned flags;
};

/* A cell's t attribute (ECMA-376 ST_CellType; absent is a number). */
enum cell_type { CELL_N, CELL_S, CELL_STR, CELL_B, CELL_E, CELL_D,
		 CELL_UNKNOWN };

static enum cell_type cell_type_of(const char *t)
{
	if (!t || !t[0])
		return CELL_N;
	if (!t[1]) {
		switch (t[0]) {
		case 'n': return CELL_N;
		case 's': return CELL_S;
		case 'b': return CELL_B;
		case 'e': return CELL_E;
		case 'd': return CELL_D;
		default: return CELL_UNKNOWN;
		}
	}
	return !strcmp(t, "inlineStr") || !strcmp(t, "str") ? CELL_STR :
		CELL_UNKNOWN;
}

struct numfmt {
	unsigned id;
	enum sheet_numfmt kind;
};

/* What a part's parse collects; one struct for every part's handlers. */
struct parse {
	struct xlsx_reader *x;
	XML_Parser p;
	const char *part;
	struct buf reason;          /* why a handler stopped the parse */
	struct buf text;            /* character data being collected */
	bool collect;
	bool fast;                  /* the handlers are called by sheet_scan */
	bool stopped;               /* a handler called stop() */
	int depth_rph;              /* inside <rPh> (phonetic runs) */
	bool in_cellxfs;
	/* relationships */
	struct rels *rels;
	const char *base;           /* the folder targets are relative to */
	/* workbook */
	struct wb_sheet *sheets;
	size_t nsheets, sheets_alloc;
	/* styles */
	struct numfmt *fmts;
	size_t nfmts, fmts_alloc;
};

struct xlsx_reader {
	zip_t *zip;
	struct sheet_opts opts;
	struct string_list *list;   /* xlsx_list_sheets(): the names, no rows */
	struct string_list *hidden; /* and the hidden ones' (may be NULL) */
	char *sheet_name;
	char *sheet_part;
	bool date1904;
	/* shared strings, in the arena */
	struct arena arena;
	const char **sst;
	uint32_t *sst_len;
	uint8_t *sst_flags;
	size_t nsst, sst_alloc;
	/* styles: the kind of number format of each cellXfs entry */
	uint8_t *xf_kind;
	size_t nxf, xf_alloc;
	/* merged ranges, by first row; active ones cover the current row */
	struct merge *merges;
	size_t nmerges, merges_alloc, next_merge;
	uint64_t merged_cells;      /* cells the ranges cover, in all */
	size_t *active;
	size_t nactive, active_alloc;
	/* the sheet's stream */
	zip_file_t *zf;
	zip_uint64_t declared, inflated;
	struct parse ps;
	bool suspended, at_eof, finished, failed, done;
	/* the row being read */
	bool in_data, in_row, in_cell, ready;
	uint32_t row, prev_row, col, next_col;
	enum cell_type cell_type;
	enum sheet_numfmt cell_fmt;
	struct sheet_rows rows;
	struct sheet_row out;
	struct buf cell;            /* a cell's text, decoded */
	size_t error_cells;
	/* the fast path (sheet_scan) and its window on the sheet's bytes */
	bool fast;
	zip_uint64_t keep_bytes;    /* a sheet up to this is read once */
	char *win;
	size_t win_len, win_pos, win_cap;
	bool win_eof;
	int depth;                  /* open elements */
	bool root_done;             /* the root element has ended */
	bool scanned;               /* past the first event */
	uint32_t given;             /* the last row given to the caller */
	char names[SCAN_MAX_DEPTH][SCAN_MAX_NAME + 1];
	uint8_t namelen[SCAN_MAX_DEPTH];
};

static const char *local(const char *name)
{
	const char *s = strrchr(name, NS_SEP);

	return s ? s + 1 : name;
}

/* An attribute by local name; ns says whether it must have a namespace. */
static const char *attr(const char **atts, const char *name, bool ns)
{
	for (; atts && *atts; atts += 2) {
		bool has_ns = strchr(atts[0], NS_SEP) != NULL;

		if (has_ns == ns && !strcmp(local(atts[0]), name))
			return atts[1];
	}
	return NULL;
}

/* The sheet's parser: a name as written, "x:c" or "c" (see new_parser). */
static const char *plain_local(const char *name)
{
	const char *s;

	/* Names are short: a loop beats a call per element. */
	for (s = name; *s; s++)
		if (*s == ':')
			return s + 1;
	return name;
}

/* a == b, for the sheet's short names. */
static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The sheet's parser: an attribute without a prefix, by name. */
static const char *plain_attr(const char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (same(atts[0], name))
			return atts[1];
	return NULL;
}

static void stop(struct parse *ps, const char *fmt, const char *arg)
{
	if (!ps->reason.len)
		buf_addf(&ps->reason, fmt, arg);
	/* The fast path (sheet_scan) is not expat: it checks stopped. */
	ps->stopped = true;
	if (!ps->fast)
		XML_StopParser(ps->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *data, const XML_Char *name,
			       const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	stop(data, "%s: a DOCTYPE is not allowed in a workbook part",
	     ((struct parse *)data)->part);
}

static void XMLCALL on_chars(void *data, const XML_Char *s, int len)
{
	struct parse *ps = data;
	size_t cap;

	if (!ps->collect || ps->depth_rph)
		return;
	/* Bounded: enough to tell a field is too long, even after _xHHHH_. */
	cap = ps->x ? ps->x->opts.max_field_bytes * 4 + 64 : SIZE_MAX;
	if (ps->text.len + (size_t)len > cap)
		len = ps->text.len < cap ? (int)(cap - ps->text.len) : 0;
	buf_add(&ps->text, s, (size_t)len);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80) {
		buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(b, (int)(0xC0 | cp >> 6));
		buf_addch(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		buf_addch(b, (int)(0xE0 | cp >> 12));
		buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3F)));
		buf_addch(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Decodes OOXML's _xHHHH_ escapes (ST_Xstring: how a writer stores a
 * character XML cannot carry, such as CR or a control character) from s
 * into out. Returns SHEET_BAD when the text holds a character no field
 * may (NUL, a lone surrogate), else 0.
 */
static unsigned decode_xstring(struct buf *out, const char *s, size_t n)
{
	unsigned flags = 0;
	size_t i = 0;

	while (i < n) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' &&
		    s[i + 6] == '_' && hexval(s[i + 2]) >= 0 &&
		    hexval(s[i + 3]) >= 0 && hexval(s[i + 4]) >= 0 &&
		    hexval(s[i + 5]) >= 0) {
			unsigned cp = (unsigned)(hexval(s[i + 2]) << 12 |
						 hexval(s[i + 3]) << 8 |
						 hexval(s[i + 4]) << 4 |
						 hexval(s[i + 5]));

			if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
				flags |= SHEET_BAD;
			else
				add_utf8(out, cp);
			i += 7;
			continue;
		}
		{
			/* The text up to the next '_' (or the end) at once. */
			const char *u = memchr(s + i + 1, '_', n - i - 1);
			size_t run = u ? (size_t)(u - (s + i)) : n - i;

			buf_add(out, s + i, run);
			i += run;
		}
	}
	return flags;
}

/* expat allocates through the xmalloc family: exhaustion exits 71. */
static const XML_Memory_Handling_Suite xml_memory = {
	xmalloc, xrealloc, free
};

/*
 * A parser for part. The small parts are parsed with namespaces (names
 * arrive as "URI\x01local"); the sheet, which is nearly all of the
 * work, without (names arrive as written, "c" or "x:c"): expat then
 * neither binds prefixes nor copies the namespace's URI into every
 * element's name, and its handlers take the local name after ':'.
 */
static XML_Parser new_parser(struct parse *ps, const char *part, bool ns)
{
	XML_Parser p = ns ? XML_ParserCreate_MM(NULL, &xml_memory, "\x01") :
		XML_ParserCreate_MM(NULL, &xml_memory, NULL);

	if (!p)
		abort();        /* not reached: xmalloc does not fail */
	ps->p = p;
	ps->part = part;
	XML_SetUserData(p, ps);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	XML_SetCharacterDataHandler(p, on_chars);
	return p;
}

static void parse_init(struct parse *ps)
{
	memset(ps, 0, sizeof(*ps));
	buf_init(&ps->reason);
	buf_init(&ps->text);
}

static void parse_release(struct parse *ps)
{
	size_t i;

	if (ps->p)
		XML_ParserFree(ps->p);
	buf_release(&ps->reason);
	buf_release(&ps->text);
	for (i = 0; i < ps->nsheets; i++) {
		free(ps->sheets[i].name);
		free(ps->sheets[i].rid);
	}
	free(ps->sheets);
	free(ps->fmts);
	parse_init(ps);
}

static void zip_reason(struct buf *err, const char *what, zip_error_t *ze)
{
	buf_addf(err, "%s: %s", what, zip_error_strerror(ze));
}

/* Finds a part, case-insensitively as OPC names are; -1 when missing. */
static zip_int64_t find_part(zip_t *z, const char *name)
{
	return zip_name_locate(z, name, ZIP_FL_NOCASE);
}

/*
 * Opens a part for reading, after checking its sizes against limit and
 * the ratio. NULL with the reason in err.
 */
static zip_file_t *open_part(struct xlsx_reader *x, const char *name,
			     zip_uint64_t limit, zip_uint64_t *size,
			     struct buf *err)
{
	zip_int64_t i = find_part(x->zip, name);
	zip_stat_t st;
	zip_file_t *zf;

	if (i < 0) {
		buf_addf(err, "the workbook has no part %s", name);
		return NULL;
	}
	if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st) ||
	    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE)) {
		buf_addf(err, "cannot read the sizes of part %s", name);
		return NULL;
	}
	if (st.size > limit) {
		buf_addf(err, "part %s would inflate to %llu bytes, over the "
			 "limit of %llu", name, (unsigned long long)st.size,
			 (unsigned long long)limit);
		return NULL;
	}
	zf = zip_fopen_index(x->zip, (zip_uint64_t)i, 0);
	if (!zf) {
		zip_reason(err, name, zip_get_error(x->zip));
		return NULL;
	}
	*size = st.size;
	return zf;
}

/*
 * Reads up to CHUNK bytes of a part, counting them against its declared
 * size. The count, 0 at the end, or -1 with the reason in err.
 */
static zip_int64_t read_part(zip_file_t *zf, const char *name, char *chunk,
			     zip_uint64_t declared, zip_uint64_t *inflated,
			     struct buf *err)
{
	zip_int64_t n = zip_fread(zf, chunk, CHUNK);

	if (n < 0) {
		zip_reason(err, name, zip_file_get_error(zf));
		return -1;
	}
	*inflated += (zip_uint64_t)n;
	if (*inflated > declared) {
		buf_addf(err, "part %s inflates beyond its declared size of "
			 "%llu bytes", name, (unsigned long long)declared);
		return -1;
	}
	return n;
}

static void expat_reason(struct buf *err, struct parse *ps)
{
	if (ps->reason.len) {
		buf_add(err, ps->reason.s, ps->reason.len);
		return;
	}
	buf_addf(err, "%s:%lu:%lu: malformed XML: %s", ps->part,
		 (unsigned long)XML_GetCurrentLineNumber(ps->p),
		 (unsigned long)XML_GetCurrentColumnNumber(ps->p) + 1,
		 XML_ErrorString(XML_GetErrorCode(ps->p)));
}

/* Parses a whole (small) part with the handlers already set on ps. */
static int parse_part(struct xlsx_reader *x, struct parse *ps,
		      const char *name, zip_uint64_t limit, struct buf *err)
{
	zip_uint64_t declared = 0, inflated = 0;
	zip_file_t *zf = open_part(x, name, limit, &declared, err);
	char *chunk;
	int ret = -1;

	if (!zf)
		return -1;
	chunk = xmalloc(CHUNK);
	for (;;) {
		zip_int64_t n = read_part(zf, name, chunk, declared, &inflated,
					  err);

		if (n < 0)
			goto out;
		if (XML_Parse(ps->p, chunk, (int)n, n == 0) ==
		    XML_STATUS_ERROR) {
			expat_reason(err, ps);
			goto out;
		}
		if (n == 0)
			break;
	}
	ret = 0;
out:
	free(chunk);
	zip_fclose(zf);
	return ret;
}

/* Joins base and target and folds "." and ".."; NULL when it escapes. */
static char *resolve(const char *base, const char *target)
{
	struct buf path = BUF_INIT;
	const char *s;
	char *out = NULL;

	if (*target != '/')
		buf_adds(&path, base);
	else
		target++;
	for (s = target; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash;

			if (!path.len)
				goto out;
			buf_setlen(&path, path.len - 1);
			slash = strrchr(path.s, '/');
			buf_setlen(&path, slash ? (size_t)(slash - path.s) + 1 : 0);
		} else if (n && !(n == 1 && s[0] == '.')) {
			buf_add(&path, s, n);
			if (e)
				buf_addch(&path, '/');
		}
		s += n + (e != NULL);
	}
	out = buf_detach(&path, NULL);
out:
	buf_release(&path);
	return out;
}

static void XMLCALL rels_start(void *data, const XML_Char *name,
			       const XML_Char **atts)
{
	struct parse *ps = data;
	const char *id, *type, *target, *mode;
	struct rel *r;
	char *path;

	if (strcmp(local(name), "Relationship"))
		return;
	id = attr(atts, "Id", false);
	type = attr(atts, "Type", false);
	target = attr(atts, "Target", false);
	mode = attr(atts, "TargetMode", false);
	if (!id || !type || !target || (mode && !strcmp(mode, "External")))
		return;
	path = resolve(ps->base, target);
	if (!path) {
		stop(ps, "a relationship points outside the package: '%s'",
		     target);
		return;
	}
	ALLOC_GROW(ps->rels->v, ps->rels->n + 1, ps->rels->alloc);
	r = &ps->rels->v[ps->rels->n++];
	r->id = xstrdup(id);
	r->type = xstrdup(type);
	r->target = path;
}

static void rels_release(struct rels *rels)
{
	size_t i;

	for (i = 0; i < rels->n; i++) {
		free(rels->v[i].id);
		free(rels->v[i].type);
		free(rels->v[i].target);
	}
	free(rels->v);
	memset(rels, 0, sizeof(*rels));
}

/* Reads the relationships of part (".../_rels/name.rels"). */
static int read_rels(struct xlsx_reader *x, const char *part,
		     struct rels *rels, bool required, struct buf *err)
{
	const char *slash = strrchr(part, '/');
	struct buf name = BUF_INIT, base = BUF_INIT;
	struct parse ps;
	int ret = -1;

	parse_init(&ps);
	if (slash)
		buf_add(&base, part, (size_t)(slash - part) + 1);
	buf_add(&name, base.s, base.len);
	buf_addf(&name, "_rels/%s.rels", slash ? slash + 1 : part);
	if (find_part(x->zip, name.s) < 0 && !required) {
		ret = 0;
		goto out;
	}
	ps.rels = rels;
	ps.base = base.s;
	new_parser(&ps, name.s, true);
	XML_SetStartElementHandler(ps.p, rels_start);
	ret = parse_part(x, &ps, name.s, XLSX_MAX_PART_BYTES, err);
out:
	parse_release(&ps);
	buf_release(&name);
	buf_release(&base);
	return ret;
}

/* The target of the first relationship whose type ends with suffix. */
static const struct rel *rel_by_type(const struct rels *rels,
				     const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < rels->n; i++) {
		size_t t = strlen(rels->v[i].type);

		if (t >= n && !strcmp(rels->v[i].type + t - n, suffix))
			return &rels->v[i];
	}
	return NULL;
}

static void XMLCALL workbook_start(void *data, const XML_Char *name,
				   const XML_Char **atts)
{
	struct parse *ps = data;
	const char *n = local(name);

	if (!strcmp(n, "workbookPr")) {
		const char *v = attr(atts, "date1904", false);

		if (v && (!strcmp(v, "1") || !strcmp(v, "true")))
			ps->x->date1904 = true;
	} else if (!strcmp(n, "sheet")) {
		const char *sname = attr(atts, "name", false);
		const char *rid = attr(atts, "id", true);
		struct wb_sheet *s;

		if (!sname || !rid)
			return;
		ALLOC_GROW(ps->sheets, ps->nsheets + 1, ps->sheets_alloc);
		s = &ps->sheets[ps->nsheets++];
		s->name = xstrdup(sname);
		s->rid = xstrdup(rid);
		sname = attr(atts, "state", false);
		s->hidden = sname && strcmp(sname, "visible");
	}
}

static unsigned parse_uint(const char *s, unsigned dflt)
{
	unsigned long v = 0;

	if (!s || !*s)
		return dflt;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return dflt;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return (unsigned)v;
}

static void XMLCALL styles_start(void *data, const XML_Char *name,
				 const XML_Char **atts)
{
	struct parse *ps = data;
	struct xlsx_reader *x = ps->x;
	const char *n = local(name);

	if (!strcmp(n, "numFmt")) {
		const char *code = attr(atts, "formatCode", false);
		struct numfmt *f;

		if (!code)
			return;
		ALLOC_GROW(ps->fmts, ps->nfmts + 1, ps->fmts_alloc);
		f = &ps->fmts[ps->nfmts++];
		f->id = parse_uint(attr(atts, "numFmtId", false), UINT32_MAX);
		f->kind = sheet_custom_numfmt(code);
	} else if (!strcmp(n, "cellXfs")) {
		ps->in_cellxfs = true;
	} else if (!strcmp(n, "xf") && ps->in_cellxfs) {
		unsigned id = parse_uint(attr(atts, "numFmtId", false), 0);
		enum sheet_numfmt kind = sheet_builtin_numfmt(id);
		size_t i;

		/* A workbook may redefine a built-in id; its code wins. */
		for (i = 0; i < ps->nfmts; i++)
			if (ps->fmts[i].id == id)
				kind = ps->fmts[i].kind;
		ALLOC_GROW(x->xf_kind, x->nxf + 1, x->xf_alloc);
		x->xf_kind[x->nxf++] = (uint8_t)kind;
	}
}

static void XMLCALL styles_end(void *data, const XML_Char *name)
{
	struct parse *ps = data;

	if (!strcmp(local(name), "cellXfs"))
		ps->in_cellxfs = false;
}

static void XMLCALL sst_start(void *data, const XML_Char *name,
			      const XML_Char **atts)
{
	struct parse *ps = data;
	const char *n = local(name);

	(void)atts;
	if (!strcmp(n, "si")) {
		buf_reset(&ps->text);
		ps->collect = false;
	} else if (!strcmp(n, "t")) {
		ps->collect = true;
	} else if (!strcmp(n, "rPh")) {
		ps->depth_rph++;
	}
}

static void XMLCALL sst_end(void *data, const XML_Char *name)
{
	struct parse *ps = data;
	struct xlsx_reader *x = ps->x;
	const char *n = local(name);

	if (!strcmp(n, "t")) {
		ps->collect = false;
	} else if (!strcmp(n, "rPh")) {
		if (ps->depth_rph)
			ps->depth_rph--;
	} else if (!strcmp(n, "si")) {
		unsigned flags;

		buf_reset(&x->cell);
		flags = decode_xstring(&x->cell, ps->text.s, ps->text.len);
		if (x->nsst >= UINT32_MAX - 1) {
			stop(ps, "%s: too many shared strings", ps->part);
			return;
		}
		ALLOC_GROW(x->sst, x->nsst + 1, x->sst_alloc);
		x->sst_len = xreallocarray(x->sst_len, x->sst_alloc,
					   sizeof(*x->sst_len));
		x->sst_flags = xreallocarray(x->sst_flags, x->sst_alloc,
					     sizeof(*x->sst_flags));
		x->sst[x->nsst] = arena_strndup(&x->arena, x->cell.s,
						x->cell.len);
		x->sst_len[x->nsst] = (uint32_t)x->cell.len;
		x->sst_flags[x->nsst] = (uint8_t)flags;
		x->nsst++;
	}
}

/* The merged ranges' first pass: a scan for <mergeCell ref="A1:C1">. */
static int add_merge(struct xlsx_reader *x, const char *ref, size_t n,
		     struct buf *err)
{
	char a[32], b[32];
	const char *colon = memchr(ref, ':', n);
	struct merge *m;
	uint32_t c1, r1, c2, r2;
	size_t la;

	if (!colon)
		return 0;
	la = (size_t)(colon - ref);
	if (la >= sizeof(a) || n - la - 1 >= sizeof(b))
		return 0;
	memcpy(a, ref, la);
	a[la] = '\0';
	memcpy(b, colon + 1, n - la - 1);
	b[n - la - 1] = '\0';
	if (sheet_parse_ref(a, &c1, &r1) || sheet_parse_ref(b, &c2, &r2) ||
	    !r1 || !r2 || r2 < r1 || c2 < c1 || (r1 == r2 && c1 == c2))
		return 0;
	x->merged_cells += (uint64_t)(r2 - r1 + 1) * (c2 - c1 + 1);
	if (x->nmerges >= XLSX_MAX_MERGES ||
	    x->merged_cells > XLSX_MAX_MERGED_CELLS) {
		buf_addf(err, "the sheet has more than %d merged ranges, or "
			 "they cover more than %d cells", XLSX_MAX_MERGES,
			 XLSX_MAX_MERGED_CELLS);
		return -1;
	}
	ALLOC_GROW(x->merges, x->nmerges + 1, x->merges_alloc);
	m = &x->merges[x->nmerges++];
	memset(m, 0, sizeof(*m));
	m->r1 = r1, m->c1 = c1, m->r2 = r2, m->c2 = c2;
	return 0;
}

static int cmp_merge(const void *a, const void *b)
{
	const struct merge *x = a, *y = b;

	if (x->r1 != y->r1)
		return x->r1 < y->r1 ? -1 : 1;
	return x->c1 < y->c1 ? -1 : x->c1 > y->c1;
}

/*
 * Scans window[0..n) for mergeCell tags; returns how many bytes at the
 * end may hold a tag cut by the chunk's end (to be carried over).
 */
static size_t scan_merges(struct xlsx_reader *x, const char *w, size_t n,
			  bool last, int *failed, struct buf *err)
{
	static const char key[] = "mergeCell";
	size_t klen = sizeof(key) - 1, pos = 0;

	for (;;) {
		const char *p = memmem(w + pos, n - pos, key, klen);
		const char *gt, *ref;
		size_t at;

		if (!p)
			break;
		at = (size_t)(p - w);
		if (at + klen >= n)
			return last ? 0 : n - at + 1;
		if (!(at && (w[at - 1] == '<' || w[at - 1] == ':')) ||
		    (w[at + klen] != ' ' && w[at + klen] != '\t' &&
		     w[at + klen] != '\n' && w[at + klen] != '\r')) {
			pos = at + klen;
			continue;
		}
		gt = memchr(p, '>', n - at);
		if (!gt)
			return last || n - at > 4096 ? 0 : n - at + 1;
		ref = memmem(p, (size_t)(gt - p), "ref=", 4);
		if (ref && ref + 5 < gt) {
			char q = ref[4];
			const char *v = ref + 5;
			const char *e = memchr(v, q, (size_t)(gt - v));

			if ((q == '"' || q == '\'') && e &&
			    add_merge(x, v, (size_t)(e - v), err)) {
				*failed = 1;
				return 0;
			}
		}
		pos = (size_t)(gt - w) + 1;
	}
	return n < klen ? n : klen;
}

/*
 * The merged ranges' scan, over the whole sheet. A sheet of at most
 * XLSX_KEEP_SHEET_BYTES read by the fast path is kept as it inflates
 * (x->win), so that the fast path reads it without inflating it again:
 * inflating was a third of the work once the fast path was in.
 */
static int read_merges(struct xlsx_reader *x, struct buf *err)
{
	zip_uint64_t declared = 0, inflated = 0;
	zip_file_t *zf = open_part(x, x->sheet_part, XLSX_MAX_SHEET_BYTES,
				   &declared, err);
	char *w, *mem = NULL;
	size_t carry = 0, mlen = 0;
	int failed = 0, ret = -1;

	if (!zf)
		return -1;
	if (x->fast && declared <= x->keep_bytes)
		mem = xmalloc((size_t)declared + 1);
	w = xmalloc(CHUNK + 8192);
	for (;;) {
		zip_int64_t n = read_part(zf, x->sheet_part, w + carry,
					  declared, &inflated, err);
		size_t total, keep;

		if (n < 0)
			goto out;
		/* read_part keeps inflated within declared. */
		if (mem) {
			memcpy(mem + mlen, w + carry, (size_t)n);
			mlen += (size_t)n;
		}
		total = carry + (size_t)n;
		keep = scan_merges(x, w, total, n == 0, &failed, err);
		if (failed)
			goto out;
		if (n == 0)
			break;
		if (keep > 8192)
			keep = 0;
		memmove(w, w + total - keep, keep);
		carry = keep;
	}
	if (x->nmerges)
		qsort(x->merges, x->nmerges, sizeof(*x->merges), cmp_merge);
	if (mem) {
		/* The fast path's window, whole: it never fills it again. */
		x->win = mem;
		x->win_len = mlen;
		x->win_cap = (size_t)declared + 1;
		x->win_eof = true;
		mem = NULL;
	}
	ret = 0;
out:
	free(mem);
	free(w);
	zip_fclose(zf);
	return ret;
}

/* Updates the active ranges for row r (rows come in increasing order). */
static void merges_enter_row(struct xlsx_reader *x, uint32_t r)
{
	size_t i, k = 0;

	for (i = 0; i < x->nactive; i++)
		if (x->merges[x->active[i]].r2 >= r)
			x->active[k++] = x->active[i];
	x->nactive = k;
	while (x->next_merge < x->nmerges &&
	       x->merges[x->next_merge].r1 <= r) {
		if (x->merges[x->next_merge].r2 >= r) {
			ALLOC_GROW(x->active, x->nactive + 1, x->active_alloc);
			x->active[x->nactive++] = x->next_merge;
		}
		x->next_merge++;
	}
}

static void merges_seen_cell(struct xlsx_reader *x, uint32_t r, uint32_t c,
			     const char *text, size_t len, unsigned flags)
{
	size_t i;

	for (i = 0; i < x->nactive; i++) {
		struct merge *m = &x->merges[x->active[i]];

		if (m->r1 == r && m->c1 == c && !m->seen) {
			size_t max = x->opts.max_field_bytes + 1;

			m->seen = true;
			m->len = len < max ? len : max;
			m->text = xstrndup(text, m->len);
			m->flags = flags;
		}
	}
}

/* Gives every covered cell of the row its range's top-left value. */
static void merges_fill_row(struct xlsx_reader *x, uint32_t r)
{
	size_t i;

	for (i = 0; i < x->nactive; i++) {
		const struct merge *m = &x->merges[x->active[i]];
		uint32_t c;

		if (!m->seen)
			continue;
		for (c = m->c1; c <= m->c2; c++)
			if (!(r == m->r1 && c == m->c1))
				sheet_rows_cell(&x->rows, c, m->text, m->len,
						m->flags);
	}
}

static void sheet_fail(struct xlsx_reader *x, const char *fmt)
{
	char ref[SHEET_CELL_NAME];

	sheet_cell_name(ref, x->col, x->row);
	stop(&x->ps, fmt, ref);
}

static void end_cell(struct xlsx_reader *x)
{
	struct parse *ps = &x->ps;
	enum cell_type t = x->cell_type;
	unsigned flags = 0;
	int rc;

	buf_reset(&x->cell);
	if (t == CELL_S) {
		unsigned idx;

		if (!ps->text.len)
			goto add;
		buf_addch(&ps->text, '\0');
		idx = parse_uint(ps->text.s, UINT32_MAX);
		if (idx >= x->nsst) {
			sheet_fail(x, "cell %s refers to a shared string "
				   "that does not exist");
			return;
		}
		buf_add(&x->cell, x->sst[idx], x->sst_len[idx]);
		flags = x->sst_flags[idx];
	} else if (t == CELL_STR) {
		flags = decode_xstring(&x->cell, ps->text.s, ps->text.len);
	} else if (t == CELL_B) {
		if (ps->text.len)
			buf_adds(&x->cell, ps->text.s[0] == '1' ? "TRUE" :
				 "FALSE");
	} else if (t == CELL_E) {
		flags = SHEET_ERROR;
		x->error_cells++;
	} else if (t == CELL_D) {
		buf_add(&x->cell, ps->text.s, ps->text.len);
	} else if (t == CELL_N) {
		if (ps->text.len) {
			rc = sheet_number_text(&x->cell, ps->text.s,
					       ps->text.len, x->cell_fmt,
					       x->date1904);
			if (rc < 0) {
				sheet_fail(x, "cell %s holds a number that "
					   "is not a number");
				return;
			}
			flags = (unsigned)rc;
		}
	} else {
		sheet_fail(x, "cell %s has an unknown type");
		return;
	}
add:
	sheet_rows_cell(&x->rows, x->col, x->cell.s, x->cell.len, flags);
	if (x->nactive)
		merges_seen_cell(x, x->row, x->col, x->cell.s, x->cell.len,
				 flags);
}

static void XMLCALL sheet_start(void *data, const XML_Char *name,
				const XML_Char **atts)
{
	struct parse *ps = data;
	struct xlsx_reader *x = ps->x;
	const char *n = plain_local(name);

	if (!x->in_data) {
		if (same(n, "sheetData"))
			x->in_data = true;
		return;
	}
	if (same(n, "row")) {
		unsigned r = parse_uint(plain_attr(atts, "r"), 0);

		if (!r)
			r = x->prev_row + 1;
		if (r > SHEET_MAX_ROWS || r <= x->prev_row) {
			stop(ps, "row %s is out of order or out of range",
			     plain_attr(atts, "r") ? plain_attr(atts, "r")
						   : "(unnumbered)");
			return;
		}
		x->row = x->prev_row = r;
		x->in_row = true;
		x->next_col = 0;
		sheet_rows_begin(&x->rows, r);
		if (x->nmerges)
			merges_enter_row(x, r);
	} else if (same(n, "c") && x->in_row) {
		const char *ref = plain_attr(atts, "r");
		const char *t = plain_attr(atts, "t");
		unsigned s = parse_uint(plain_attr(atts, "s"), 0);
		uint32_t col = x->next_col, row = 0;

		if (ref && (sheet_parse_ref(ref, &col, &row) ||
			    (row && row != x->row))) {
			stop(ps, "cell reference '%s' is not in its row", ref);
			return;
		}
		if (col >= SHEET_MAX_COLUMNS) {
			stop(ps, "a cell lies beyond column XFD%s", "");
			return;
		}
		x->col = col;
		x->next_col = col + 1;
		x->in_cell = true;
		x->cell_type = cell_type_of(t);
		x->cell_fmt = s < x->nxf ? (enum sheet_numfmt)x->xf_kind[s]
					 : NUMFMT_NUMBER;
		buf_reset(&ps->text);
		ps->collect = false;
		ps->depth_rph = 0;
	} else if (x->in_cell) {
		if (same(n, "v") || same(n, "t"))
			ps->collect = true;
		else if (same(n, "rPh"))
			ps->depth_rph++;
	}
}

static void XMLCALL sheet_end(void *data, const XML_Char *name)
{
	struct parse *ps = data;
	struct xlsx_reader *x = ps->x;
	const char *n = plain_local(name);

	if (!x->in_data)
		return;
	if (x->in_cell) {
		if (same(n, "v") || same(n, "t")) {
			ps->collect = false;
		} else if (same(n, "rPh")) {
			if (ps->depth_rph)
				ps->depth_rph--;
		} else if (same(n, "c")) {
			x->in_cell = false;
			end_cell(x);
		}
	} else if (same(n, "row") && x->in_row) {
		x->in_row = false;
		if (x->nactive)
			merges_fill_row(x, x->row);
		/* After falling back to expat, rows given already are not. */
		if (sheet_rows_end(&x->rows, &x->out) > 0 &&
		    x->out.line > x->given) {
			x->ready = true;
			if (!ps->fast)
				XML_StopParser(ps->p, XML_TRUE);
		}
	} else if (same(n, "sheetData")) {
		x->in_data = false;
	}
}

/*
 * sheet_scan: the sheet's fast path. expat spends most of an .xlsx
 * ingest on the sheet part, whose XML is of one plain kind: elements
 * with a few short attributes, text with the five entities and numeric
 * character references, UTF-8. sheet_scan reads that kind itself and
 * calls the handlers expat would call (sheet_start, sheet_end,
 * on_chars) with the same names, attributes and text. The moment it
 * meets anything else (a comment, CDATA, a processing instruction, a
 * DOCTYPE, an encoding other than UTF-8, a '\r', an entity it does not
 * know, a name or value over its limits, a byte that is not UTF-8 or
 * not an XML character, a tag that does not match ...) it gives up
 * (SCAN_EXPAT), and expat reads the sheet again from its start, the
 * rows given already not given again (sheet_restart). So it accepts
 * only XML that expat accepts, and reads it as expat does: whatever is
 * malformed, expat finds and reports.
 */
enum { SCAN_DONE, SCAN_MORE, SCAN_EXPAT };

static bool scan_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static bool scan_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':';
}

static bool scan_name_char(unsigned char c)
{
	return scan_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.';
}

/*
 * The length of the name at p (ASCII letters, digits, _ : - . and not
 * a digit, '-' or '.' first), 0 when there is none or it is over
 * SCAN_MAX_NAME, or SIZE_MAX when the window ends inside it.
 */
static size_t scan_name(const char *p, const char *end)
{
	size_t n = 0;

	if (p < end && !scan_name_start((unsigned char)*p))
		return 0;
	while (p + n < end && scan_name_char((unsigned char)p[n]))
		if (++n > SCAN_MAX_NAME)
			return 0;
	return p + n == end ? SIZE_MAX : n;
}

/*
 * The length of the UTF-8 sequence at p that is an XML character (not
 * U+FFFE or U+FFFF; surrogates and overlong forms are not UTF-8), or 0.
 */
static size_t scan_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp;
	size_t n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
			cp == 0xFFFE || cp == 0xFFFF)) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/*
 * The entity or character reference at p ('&'): its UTF-8 in out, its
 * length in *used; 0 when sheet_scan does not take it.
 */
static size_t scan_entity(const char *p, const char *end, char out[4],
			  size_t *used)
{
	static const struct { const char *name; char c; } named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	const char *semi = memchr(p, ';', (size_t)(end - p) < 12 ?
				  (size_t)(end - p) : 12);
	unsigned long cp = 0;
	const char *q;
	size_t i;

	if (!semi)
		return 0;
	*used = (size_t)(semi - p) + 1;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (*used - 1 == strlen(named[i].name) &&
		    !memcmp(p + 1, named[i].name, *used - 1)) {
			out[0] = named[i].c;
			return 1;
		}
	}
	if (p[1] != '#' || semi - p < 3)
		return 0;
	if (p[2] == 'x') {
		if (semi - p < 4)
			return 0;
		for (q = p + 3; q < semi; q++) {
			int v = hexval(*q);

			if (v < 0)
				return 0;
			cp = cp * 16 + (unsigned)v;
		}
	} else {
		for (q = p + 2; q < semi; q++) {
			if (*q < '0' || *q > '9')
				return 0;
			cp = cp * 10 + (unsigned)(*q - '0');
		}
	}
	if (!(cp == 0x9 || cp == 0xA || cp == 0xD ||
	      (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
	      (cp >= 0x10000 && cp <= 0x10FFFF)))
		return 0;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Character data up to the next '<' (or the end of the part). */
static int scan_text(struct xlsx_reader *x, const char *p, const char *end)
{
	const char *q = memchr(p, '<', (size_t)(end - p)), *run, *s;

	if (!q) {
		if (!x->win_eof)
			return SCAN_MORE;
		q = end;
	}
	if (!x->depth) {
		/* Outside the root: white space only. */
		for (s = p; s < q; s++)
			if (!scan_space(*s))
				return SCAN_EXPAT;
		x->win_pos += (size_t)(q - p);
		return SCAN_DONE;
	}
	run = p;
	for (s = p; s < q;) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80) {
			size_t n;

			/* Chinese text: U+1000-U+CFFF, U+E000-U+FFFD at once. */
			if (q - s >= 3 && ((c >= 0xE1 && c <= 0xEC) ||
					   c == 0xEE ||
					   (c == 0xEF && !((unsigned char)s[1] ==
							   0xBF &&
							   (unsigned char)s[2] >=
							   0xBE))) &&
			    ((unsigned char)s[1] & 0xC0) == 0x80 &&
			    ((unsigned char)s[2] & 0xC0) == 0x80) {
				s += 3;
				continue;
			}
			n = scan_utf8((const unsigned char *)s,
				      (const unsigned char *)q);

			if (!n)
				return SCAN_EXPAT;
			s += n;
		} else if (c == '&') {
			char out[4];
			size_t used, n = scan_entity(s, q, out, &used);

			if (!n)
				return SCAN_EXPAT;
			if (s > run)
				on_chars(&x->ps, run, (int)(s - run));
			on_chars(&x->ps, out, (int)n);
			s += used;
			run = s;
		} else if (c < 0x20 ? c != '\t' && c != '\n' :
			   c == ']' && q - s >= 3 && s[1] == ']' &&
			   s[2] == '>') {
			return SCAN_EXPAT;
		} else {
			s++;
		}
	}
	if (q > run)
		on_chars(&x->ps, run, (int)(q - run));
	x->win_pos += (size_t)(q - p);
	return SCAN_DONE;
}

/*
 * The XML declaration at the part's start, as every writer writes it:
 * <?xml version="1.0" encoding="UTF-8" standalone="yes"?>, the last two
 * optional, single spaces, either quote.
 */
static int scan_decl(struct xlsx_reader *x, const char *p, const char *end)
{
	static const char *const parts[][3] = {
		{ " version=", "1.0", NULL },
		{ " encoding=", "UTF-8", "utf-8" },
		{ " standalone=", "yes", "no" },
	};
	const char *close = NULL, *s;
	size_t i, k, n;

	for (s = p; s + 1 < end && s - p < 256; s++)
		if (s[0] == '?' && s[1] == '>') {
			close = s;
			break;
		}
	if (!close)
		return s + 1 >= end && !x->win_eof ? SCAN_MORE : SCAN_EXPAT;
	if (close - p < 5 || memcmp(p, "<?xml", 5))
		return SCAN_EXPAT;
	s = p + 5;
	for (i = 0; i < 3; i++) {
		n = strlen(parts[i][0]);
		if ((size_t)(close - s) < n || memcmp(s, parts[i][0], n)) {
			if (!i)
				return SCAN_EXPAT;
			continue;
		}
		s += n;
		if (s >= close || (*s != '"' && *s != '\''))
			return SCAN_EXPAT;
		for (k = 1; k < 3 && parts[i][k]; k++) {
			n = strlen(parts[i][k]);
			if ((size_t)(close - s) >= n + 2 &&
			    !memcmp(s + 1, parts[i][k], n) && s[n + 1] == *s)
				break;
		}
		if (k == 3 || !parts[i][k])
			return SCAN_EXPAT;
		s += n + 2;
	}
	if (s < close && *s == ' ')
		s++;
	if (s != close)
		return SCAN_EXPAT;
	x->win_pos += (size_t)(close + 2 - p);
	return SCAN_DONE;
}

/* An end tag </name>. */
static int scan_end_tag(struct xlsx_reader *x, const char *p, const char *end)
{
	const char *s = p + 2;
	size_t n = scan_name(s, end);

	if (n == SIZE_MAX)
		return SCAN_MORE;
	if (!n || !x->depth || x->namelen[x->depth - 1] != n ||
	    memcmp(x->names[x->depth - 1], s, n))
		return SCAN_EXPAT;
	for (s += n; s < end && scan_space(*s); s++)
		;
	if (s == end)
		return SCAN_MORE;
	if (*s != '>')
		return SCAN_EXPAT;
	x->win_pos += (size_t)(s + 1 - p);
	x->depth--;
	if (!x->depth)
		x->root_done = true;
	sheet_end(&x->ps, x->names[x->depth]);
	return SCAN_DONE;
}

/* A start tag <name a="v" ...> or <name .../>. */
static int scan_start_tag(struct xlsx_reader *x, const char *p,
			  const char *end)
{
	char anames[SCAN_MAX_ATTS][SCAN_MAX_NAME + 1];
	char values[SCAN_MAX_ATTS][SCAN_MAX_VALUE + 1];
	const char *atts[2 * SCAN_MAX_ATTS + 1];
	const char *s = p + 1;
	size_t n = scan_name(s, end), natts = 0, i;
	bool empty;
	char *name;

	if (n == SIZE_MAX)
		return SCAN_MORE;
	if (!n || x->root_done || x->depth >= SCAN_MAX_DEPTH)
		return SCAN_EXPAT;
	name = x->names[x->depth];
	memcpy(name, s, n);
	name[n] = '\0';
	x->namelen[x->depth] = (uint8_t)n;
	s += n;
	for (;;) {
		const char *v;
		bool space = false;
		char q;

		for (; s < end && scan_space(*s); s++)
			space = true;
		if (s == end)
			return SCAN_MORE;
		if (*s == '>' || *s == '/')
			break;
		n = scan_name(s, end);
		if (n == SIZE_MAX)
			return SCAN_MORE;
		if (!n || !space || natts == SCAN_MAX_ATTS)
			return SCAN_EXPAT;
		memcpy(anames[natts], s, n);
		anames[natts][n] = '\0';
		for (i = 0; i < natts; i++)
			if (!strcmp(anames[i], anames[natts]))
				return SCAN_EXPAT;
		for (s += n; s < end && scan_space(*s); s++)
			;
		if (s == end)
			return SCAN_MORE;
		if (*s != '=')
			return SCAN_EXPAT;
		for (s++; s < end && scan_space(*s); s++)
			;
		if (s >= end)
			return SCAN_MORE;
		q = *s;
		if (q != '"' && q != '\'')
			return SCAN_EXPAT;
		for (v = ++s; s < end && *s != q; s++)
			if ((unsigned char)*s < 0x20 ||
			    (unsigned char)*s >= 0x80 || *s == '<' ||
			    *s == '&' || s - v >= SCAN_MAX_VALUE)
				return SCAN_EXPAT;
		if (s == end)
			return SCAN_MORE;
		memcpy(values[natts], v, (size_t)(s - v));
		values[natts][s - v] = '\0';
		atts[2 * natts] = anames[natts];
		atts[2 * natts + 1] = values[natts];
		natts++;
		s++;
	}
	empty = *s == '/';
	if (empty) {
		if (s + 1 == end)
			return SCAN_MORE;
		if (s[1] != '>')
			return SCAN_EXPAT;
		s++;
	}
	atts[2 * natts] = NULL;
	x->win_pos += (size_t)(s + 1 - p);
	x->depth++;
	sheet_start(&x->ps, name, atts);
	if (empty) {
		/* As expat: the end handler follows at once, stopped or not. */
		x->depth--;
		if (!x->depth)
			x->root_done = true;
		sheet_end(&x->ps, name);
	}
	return SCAN_DONE;
}

static int scan_event(struct xlsx_reader *x)
{
	const char *p, *end;
	int rc;

	/* Nothing read yet: no window (and no pointer to offset). */
	if (x->win_pos == x->win_len)
		return SCAN_MORE;
	p = x->win + x->win_pos;
	end = x->win + x->win_len;
	if (*p != '<')
		rc = scan_text(x, p, end);
	else if (p + 1 == end)
		rc = SCAN_MORE;
	else if (p[1] == '/')
		rc = scan_end_tag(x, p, end);
	else if (p[1] == '?' && !x->scanned)
		rc = scan_decl(x, p, end);
	else if (p[1] == '?' || p[1] == '!')
		rc = SCAN_EXPAT;
	else
		rc = scan_start_tag(x, p, end);
	/* The declaration only at the very start of the part. */
	if (rc == SCAN_DONE)
		x->scanned = true;
	return rc;
}

/* More of the part into the window: 0, or -1 with the reason in err. */
static int scan_fill(struct xlsx_reader *x, struct buf *err)
{
	zip_int64_t n;

	if (x->win_pos) {
		memmove(x->win, x->win + x->win_pos, x->win_len - x->win_pos);
		x->win_len -= x->win_pos;
		x->win_pos = 0;
	}
	if (x->win_cap - x->win_len < CHUNK) {
		x->win_cap = x->win_cap ? x->win_cap * 2 : 4 * CHUNK;
		x->win = xrealloc(x->win, x->win_cap);
	}
	n = read_part(x->zf, x->sheet_part, x->win + x->win_len, x->declared,
		      &x->inflated, err);
	if (n < 0)
		return -1;
	if (n == 0)
		x->win_eof = true;
	x->win_len += (size_t)n;
	return 0;
}

/*
 * The next row by the fast path: 1 (x->out), 0 at the end, -1 with the
 * reason in err, or SCAN_EXPAT when expat must read the sheet.
 */
static int sheet_scan(struct xlsx_reader *x, struct buf *err)
{
	x->ready = false;
	for (;;) {
		int rc;

		rc = scan_event(x);
		if (rc == SCAN_EXPAT)
			return SCAN_EXPAT;
		if (rc == SCAN_MORE) {
			if (x->win_eof)
				return x->win_pos == x->win_len &&
				       x->root_done ? 0 : SCAN_EXPAT;
			if (x->win_len - x->win_pos > SCAN_MAX_TOKEN)
				return SCAN_EXPAT;
			if (scan_fill(x, err) < 0)
				return -1;
			continue;
		}
		if (x->ps.stopped) {
			buf_add(err, x->ps.reason.s, x->ps.reason.len);
			return -1;
		}
		if (x->ready)
			return 1;
	}
}

/*
 * Gives the sheet to expat from its start: the part opened again, the
 * reading's state as load() left it; rows up to x->given are read but
 * not given again. 0, or -1 with the reason in err.
 */
static int sheet_restart(struct xlsx_reader *x, struct buf *err)
{
	size_t i;

	zip_fclose(x->zf);
	x->inflated = 0;
	x->zf = open_part(x, x->sheet_part, XLSX_MAX_SHEET_BYTES, &x->declared,
			  err);
	if (!x->zf)
		return -1;
	x->fast = x->ps.fast = x->ps.stopped = false;
	x->in_data = x->in_row = x->in_cell = x->ready = false;
	x->row = x->prev_row = x->col = x->next_col = 0;
	x->error_cells = 0;
	x->next_merge = x->nactive = 0;
	for (i = 0; i < x->nmerges; i++) {
		free(x->merges[i].text);
		x->merges[i].text = NULL;
		x->merges[i].seen = false;
		x->merges[i].len = 0;
		x->merges[i].flags = 0;
	}
	sheet_rows_release(&x->rows);
	sheet_rows_init(&x->rows, &x->opts);
	buf_reset(&x->ps.text);
	buf_reset(&x->ps.reason);
	x->ps.collect = false;
	x->ps.depth_rph = 0;
	free(x->win);
	x->win = NULL;
	x->win_len = x->win_pos = x->win_cap = 0;
	return 0;
}

/* Checks every entry's name and sizes before anything is read. */
static int check_package(zip_t *z, struct buf *err)
{
	zip_int64_t n = zip_get_num_entries(z, 0), i;

	if (n < 0 || n > XLSX_MAX_ENTRIES) {
		buf_addf(err, "the package has %lld entries, more than %d",
			 (long long)n, XLSX_MAX_ENTRIES);
		return -1;
	}
	for (i = 0; i < n; i++) {
		zip_stat_t st;
		const char *name, *s;

		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) ||
		    !(st.valid & ZIP_STAT_NAME)) {
			zip_reason(err, "cannot read the package",
				   zip_get_error(z));
			return -1;
		}
		name = st.name;
		if (name[0] == '/' || name[0] == '\\' ||
		    (name[0] && name[1] == ':')) {
			buf_addf(err, "the package holds an entry with an "
				 "absolute path: '%s'", name);
			return -1;
		}
		for (s = name; *s; s++) {
			if (s[0] == '.' && s[1] == '.' &&
			    (s == name || s[-1] == '/' || s[-1] == '\\') &&
			    (!s[2] || s[2] == '/' || s[2] == '\\')) {
				buf_addf(err, "the package holds an entry that "
					 "climbs out with '..': '%s'", name);
				return -1;
			}
		}
		if ((st.valid & ZIP_STAT_SIZE) &&
		    (st.valid & ZIP_STAT_COMP_SIZE) && st.size > SMALL_PART &&
		    st.size / XLSX_MAX_RATIO >
		    (st.comp_size ? st.comp_size : 1)) {
			buf_addf(err, "entry '%s' would inflate %llu bytes to "
				 "%llu, more than %d to 1 (a zip bomb?)", name,
				 (unsigned long long)st.comp_size,
				 (unsigned long long)st.size, XLSX_MAX_RATIO);
			return -1;
		}
	}
	return 0;
}

static int load(struct xlsx_reader *x, struct buf *err)
{
	struct rels root = { 0 }, wb = { 0 };
	struct parse ps;
	const struct rel *r;
	const char *workbook;
	size_t i, k;
	int ret = -1;

	parse_init(&ps);
	if (check_package(x->zip, err))
		goto out;
	if (read_rels(x, "", &root, true, err))
		goto out;
	r = rel_by_type(&root, "/officeDocument");
	if (!r) {
		buf_adds(err, "the package names no workbook (_rels/.rels has "
			 "no officeDocument)");
		goto out;
	}
	workbook = r->target;
	if (read_rels(x, workbook, &wb, true, err))
		goto out;

	ps.x = x;
	new_parser(&ps, workbook, true);
	XML_SetStartElementHandler(ps.p, workbook_start);
	if (parse_part(x, &ps, workbook, XLSX_MAX_PART_BYTES, err))
		goto out;
	if (!ps.nsheets) {
		buf_adds(err, "the workbook has no sheets");
		goto out;
	}
	if (x->list) {
		/* Every visible sheet: hidden ones are lookup lists. */
		for (i = 0; i < ps.nsheets; i++)
			if (!ps.sheets[i].hidden)
				string_list_add(x->list, ps.sheets[i].name);
			else if (x->hidden)
				string_list_add(x->hidden, ps.sheets[i].name);
		ret = 0;
		goto out;
	}
	for (i = 0; i < ps.nsheets; i++)
		if (!x->opts.sheet || !strcmp(ps.sheets[i].name, x->opts.sheet))
			break;
	if (i == ps.nsheets) {
		buf_addf(err, "the workbook has no sheet named '%s' (it has ",
			 x->opts.sheet);
		for (k = 0; k < ps.nsheets; k++)
			buf_addf(err, "%s'%s'", k ? ", " : "",
				 ps.sheets[k].name);
		buf_addch(err, ')');
		goto out;
	}
	x->sheet_name = xstrdup(ps.sheets[i].name);
	r = NULL;
	for (k = 0; k < wb.n; k++) {
		if (!strcmp(wb.v[k].id, ps.sheets[i].rid)) {
			r = &wb.v[k];
			break;
		}
	}
	if (!r) {
		buf_addf(err, "sheet '%s' has no relationship to a part",
			 x->sheet_name);
		goto out;
	}
	{
		size_t t = strlen(r->type);

		if (t < 10 || strcmp(r->type + t - 10, "/worksheet")) {
			buf_addf(err, "sheet '%s' is not a worksheet (a chart "
				 "or dialog sheet holds no rows)",
				 x->sheet_name);
			goto out;
		}
	}
	x->sheet_part = xstrdup(r->target);
	parse_release(&ps);

	r = rel_by_type(&wb, "/styles");
	if (r) {
		ps.x = x;
		new_parser(&ps, r->target, true);
		XML_SetElementHandler(ps.p, styles_start, styles_end);
		if (parse_part(x, &ps, r->target, XLSX_MAX_PART_BYTES, err))
			goto out;
		parse_release(&ps);
	}
	r = rel_by_type(&wb, "/sharedStrings");
	if (r) {
		ps.x = x;
		new_parser(&ps, r->target, true);
		XML_SetElementHandler(ps.p, sst_start, sst_end);
		if (parse_part(x, &ps, r->target, XLSX_MAX_PART_BYTES, err))
			goto out;
		parse_release(&ps);
	}
	/*
	 * Tests compare the ways a sheet is read: HUIFANG_TEST_XLSX_EXPAT=1
	 * reads with expat alone, HUIFANG_TEST_XLSX_KEEP=N keeps sheets of
	 * at most N bytes (0: every sheet streams through the fast path).
	 */
	x->fast = !getenv("HUIFANG_TEST_XLSX_EXPAT");
	x->keep_bytes = getenv("HUIFANG_TEST_XLSX_KEEP") ?
		strtoull(getenv("HUIFANG_TEST_XLSX_KEEP"), NULL, 10) :
		XLSX_KEEP_SHEET_BYTES;
	if (read_merges(x, err))
		goto out;

	x->zf = open_part(x, x->sheet_part, XLSX_MAX_SHEET_BYTES, &x->declared,
			  err);
	if (!x->zf)
		goto out;
	x->ps.x = x;
	new_parser(&x->ps, x->sheet_part, false);
	x->ps.fast = x->fast;
	XML_SetElementHandler(x->ps.p, sheet_start, sheet_end);
	ret = 0;
out:
	parse_release(&ps);
	rels_release(&root);
	rels_release(&wb);
	return ret;
}

static struct xlsx_reader *reader_new(const struct sheet_opts *opts)
{
	struct xlsx_reader *x = xcalloc(1, sizeof(*x));

	if (opts)
		x->opts = *opts;
	if (!x->opts.max_field_bytes)
		x->opts.max_field_bytes = 65536;
	arena_init(&x->arena);
	parse_init(&x->ps);
	buf_init(&x->cell);
	sheet_rows_init(&x->rows, &x->opts);
	return x;
}

static struct xlsx_reader *finish_open(struct xlsx_reader *x,
				       struct buf *err)
{
	if (load(x, err)) {
		xlsx_reader_free(x);
		return NULL;
	}
	return x;
}

/* The package at path, or NULL with the reason in err. */
static zip_t *open_package(const char *path, struct buf *err)
{
	int code = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);

	if (!z) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, code);
		zip_reason(err, "not a readable .xlsx package", &ze);
		zip_error_fini(&ze);
	}
	return z;
}

struct xlsx_reader *xlsx_reader_open(const char *path,
				     const struct sheet_opts *opts,
				     struct buf *err)
{
	struct xlsx_reader *x;
	zip_t *z = open_package(path, err);

	if (!z)
		return NULL;
	x = reader_new(opts);
	x->zip = z;
	return finish_open(x, err);
}

int xlsx_list_sheets(const char *path, struct string_list *names,
		     struct string_list *hidden, struct buf *err)
{
	struct xlsx_reader *x;
	zip_t *z = open_package(path, err);
	int code;

	if (!z)
		return -1;
	x = reader_new(NULL);
	x->zip = z;
	x->list = names;
	x->hidden = hidden;
	code = load(x, err);
	xlsx_reader_free(x);
	return code;
}

struct xlsx_reader *xlsx_reader_open_mem(const void *data, size_t len,
					 const struct sheet_opts *opts,
					 struct buf *err)
{
	struct xlsx_reader *x;
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_reason(err, "not a readable .xlsx package", &ze);
		zip_error_fini(&ze);
		return NULL;
	}
	z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z) {
		zip_reason(err, "not a readable .xlsx package", &ze);
		zip_source_free(src);
		zip_error_fini(&ze);
		return NULL;
	}
	zip_error_fini(&ze);
	x = reader_new(opts);
	x->zip = z;
	return finish_open(x, err);
}

const char *xlsx_reader_sheet(const struct xlsx_reader *x)
{
	return x->sheet_name;
}

size_t xlsx_reader_error_cells(const struct xlsx_reader *x)
{
	return x->error_cells;
}

int xlsx_reader_next(struct xlsx_reader *x, struct sheet_row *row,
		     struct buf *err)
{
	if (x->failed)
		return -1;
	if (x->done)
		return 0;
	if (x->fast) {
		int rc = sheet_scan(x, err);

		if (rc == 1) {
			*row = x->out;
			x->given = x->out.line;
			return 1;
		}
		if (rc == 0) {
			x->done = true;
			return 0;
		}
		if (rc < 0 || sheet_restart(x, err)) {
			x->failed = true;
			return -1;
		}
	}
	x->ready = false;
	for (;;) {
		enum XML_Status st;

		if (x->suspended) {
			x->suspended = false;
			st = XML_ResumeParser(x->ps.p);
		} else if (x->at_eof) {
			if (x->finished) {
				x->done = true;
				return 0;
			}
			x->finished = true;
			st = XML_Parse(x->ps.p, "", 0, 1);
		} else {
			/* Inflated straight into expat's buffer: no copy. */
			void *chunk = XML_GetBuffer(x->ps.p, CHUNK);
			zip_int64_t n;

			if (!chunk) {
				expat_reason(err, &x->ps);
				x->failed = true;
				return -1;
			}
			n = read_part(x->zf, x->sheet_part, chunk, x->declared,
				      &x->inflated, err);
			if (n < 0) {
				x->failed = true;
				return -1;
			}
			if (n == 0) {
				x->at_eof = true;
				continue;
			}
			st = XML_ParseBuffer(x->ps.p, (int)n, 0);
		}
		if (st == XML_STATUS_ERROR) {
			expat_reason(err, &x->ps);
			x->failed = true;
			return -1;
		}
		if (st == XML_STATUS_SUSPENDED)
			x->suspended = true;
		if (x->ready) {
			*row = x->out;
			x->given = x->out.line;
			return 1;
		}
	}
}

void xlsx_reader_free(struct xlsx_reader *x)
{
	size_t i;

	if (!x)
		return;
	if (x->zf)
		zip_fclose(x->zf);
	if (x->zip)
		zip_discard(x->zip);
	parse_release(&x->ps);
	for (i = 0; i < x->nmerges; i++)
		free(x->merges[i].text);
	free(x->merges);
	free(x->active);
	free(x->win);
	free(x->sheet_name);
	free(x->sheet_part);
	free(x->sst);
	free(x->sst_len);
	free(x->sst_flags);
	free(x->xf_kind);
	arena_release(&x->arena);
	sheet_rows_release(&x->rows);
	buf_release(&x->cell);
	free(x);
}
