/*
 * normalise.c - the row normaliser: a reader's rows -> a file_out.
 *
 * One normaliser per worker thread (ingest.c). For each file it opens
 * the file's reader (reader.h), matches the header's names to the
 * canonical columns (SPEC §2, aliases from the config) and decides the
 * file's kind, then checks each row against the reject reasons in the
 * order of SPEC §8 rule 3: the first that applies quarantines it (a
 * reject with its reason and original fields, and a diagnostic);
 * otherwise its values are normalised (trimmed, folded, timestamps
 * parsed, the repeated ones interned in the worker's table) into a
 * ticket row, with its inline callbacks, or a callback row. The merge
 * (merge.c) takes the file_outs in file order.
 *
 * Invariants: for every file, rows_read == accepted + rejected (the
 * merge moves accepted rows to superseded); a normaliser writes only its
 * own file's input_file and file_out; the strings that are a row's own
 * (ticket numbers, unit, owner, phone) live in the file_out's arena,
 * which the merge copies from and frees, and every other string in the
 * normaliser's arena, which the set adopts at the end.
 */
#include <errno.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "input/ingest_int.h"
#include "input/reader.h"
#include "model/source.h"
#include "input/sheet.h"
#include "util/chtime.h"
#include "util/csvout.h"
#include "util/hashtab.h"
#include "util/mask.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The six timestamp columns of SPEC §8 rule 3, in canonical order. */
static const int time_columns[] = { COL_CREATED, COL_COMPLETED, COL_UPDATED,
				    COL_CB_TIME, COL_CB2_TIME, COL_RECTIFIED };

#define NOT_YET (-2)

/* One file's header and the row being looked at. */
struct file_ctx {
	uint32_t file;
	struct input_file *f;
	size_t ncols;
	size_t nwritten;        /* header fields as written, blank tail too */
	char **header;          /* as written, trimmed */
	int colmap[COL_COUNT];  /* file column of each canonical one, or -1 */
	int *time_col;          /* per file column: its timestamp column, or -1 */
	const char *const *val; /* the row: ncols values, untrimmed */
	int64_t when[COL_COUNT]; /* timestamp columns, parsed by check_row */
	bool date_only[COL_COUNT]; /* ... and which of them were a date alone */
	const size_t *len;
	uint32_t line;
	/*
	 * The file's source profile (source.h), or NULL for the default
	 * reading. With one, every value goes through profile_row() first:
	 * eff[] is what each column means for the row (constants, empty
	 * values, value maps, code tables), raw[] what it held, trimmed.
	 */
	const struct source_profile *p;
	const char *eff[COL_COUNT], *raw[COL_COUNT];
	size_t efflen[COL_COUNT], rawlen[COL_COUNT];
	/* SPEC §9.22: the column has a map that does not list its value, so
	 * the value has none of the built-in meanings (unlisted()). */
	bool unmapped[COL_COUNT];
	bool stand_in;          /* 回访时间 taken from p->callback_time_from */
	int key_col;            /* file column of p->key_column, or -1 */
	/*
	 * A ticket row's 工单类型 as check_row() interned and matched it,
	 * for accept_ticket(): the value is hashed and looked up once.
	 */
	const char *type_text;
	int type;
	struct string_list warned; /* values warned about in this file */
	bool sheet;             /* a workbook's sheet: its cells have names */
	size_t error_cells;     /* error values (#N/A ...) read as empty */
	struct stat opened;     /* the file as refuse_file() opened it */
	bool have_opened;
	unsigned long grown;    /* HUIFANG_TEST_GROW_INPUT's appends so far */
	const char *real_path, *real_name; /* before a sheet renames them */
};

/* ---- interning ---- */

static const struct name empty_name = { "", 0, 0, NOT_YET, NOT_YET, NOT_YET,
					NOT_YET };

static uint32_t name_rehash(const void *slot)
{
	return ((const struct name *)slot)->hash;
}

static struct name *intern_name(struct ingest *in, const char *s, size_t n)
{
	struct hashtab *t = &in->names;
	struct name *e;
	uint32_t h;
	size_t i;

	hashtab_reserve(t);
	h = text_hash(s, n);
	for (i = hashtab_start(t, h); (e = hashtab_at(t, i))->s;
	     i = hashtab_next(t, i))
		if (e->hash == h && e->len == n && !memcmp(e->s, s, n))
			return e;
	*e = empty_name;
	e->s = n ? arena_strndup(&in->arena, s, n) : "";
	e->hash = h;
	e->len = (uint32_t)n;
	t->n++;
	return e;
}

static const char *intern(struct ingest *in, const char *s, size_t n)
{
	return n ? intern_name(in, s, n)->s : "";
}

static int name_type(struct ingest *in, struct name *e)
{
	if (e->type == NOT_YET)
		e->type = (int8_t)config_match_type(in->cfg, e->s);
	return e->type;
}

static int name_satisfaction(struct ingest *in, struct name *e)
{
	if (e->satisfaction == NOT_YET)
		e->satisfaction =
			(int8_t)config_match_satisfaction(in->cfg, e->s);
	return e->satisfaction;
}

static bool name_attempt(struct ingest *in, struct name *e)
{
	if (e->attempt == NOT_YET)
		e->attempt = (int8_t)config_is_attempt(in->cfg, e->s);
	return e->attempt;
}

static bool name_cancelled(struct ingest *in, struct name *e)
{
	if (e->cancelled == NOT_YET)
		e->cancelled = (int8_t)config_is_cancelled(in->cfg, e->s);
	return e->cancelled;
}

/* ---- values ---- */

/* The trimmed value of canonical column c in the row ("" if absent). */
static const char *value(const struct file_ctx *fc, int c, size_t *n)
{
	const char *s;
	int j = fc->colmap[c];

	if (fc->p) {
		*n = fc->efflen[c];
		return fc->eff[c];
	}
	if (j < 0 || (size_t)j >= fc->ncols) {
		*n = 0;
		return "";
	}
	s = fc->val[j];
	*n = fc->len[j];
	text_trim(&s, n);
	return s;
}

static const char *interned(struct ingest *in, const struct file_ctx *fc,
			    int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	return intern(in, s, n);
}

static struct name *named(struct ingest *in, const struct file_ctx *fc,
			 int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	return intern_name(in, s, n);
}

/*
 * A value with full-width digits folded (ticket numbers, phones), in the
 * file's arena of row strings.
 */
static const char *folded(struct ingest *in, const struct file_ctx *fc,
			  int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	if (!n)
		return "";
	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	return arena_strndup(&in->out->strs, in->fold.s, in->fold.len);
}

/* A timestamp column's value, as check_row() parsed it. */
static int64_t timestamp(const struct file_ctx *fc, int c)
{
	return fc->when[c];
}

static int32_t round_of(struct ingest *in, const struct file_ctx *fc)
{
	size_t n, i;
	const char *s = value(fc, COL_CB_ROUND, &n);
	long v = 0;

	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	if (!in->fold.len || in->fold.len > 6)
		return 0;
	for (i = 0; i < in->fold.len; i++) {
		if (in->fold.s[i] < '0' || in->fold.s[i] > '9')
			return 0;
		v = v * 10 + (in->fold.s[i] - '0');
	}
	return (int32_t)v;
}

/* ---- rejects ---- */

static const char *header_name(const struct file_ctx *fc, int c)
{
	int j = fc->colmap[c];

	return j >= 0 ? fc->header[j] : column_name[c];
}

static int match_column(const struct matcher *mt, const char *key);

/* The ticket statuses DOMAIN.md names: vocabulary, nobody's name. */
static bool is_status_word(const char *s)
{
	static const char *const words[] = {
		"待处理", "处理中", "已完成", "已关闭", "已取消", "作废",
		"已处理", "已回访", "待回访",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

/* How a JSON record's value under key is masked (mask_json_text()). */
static enum mask_kind key_mask(const char *key, void *ctx)
{
	struct ingest *in = ctx;
	const struct config *cfg = in->cfg;
	struct buf k = BUF_INIT;
	int c;

	text_header_key(&k, key, strlen(key));
	c = match_column(in->m, k.s);
	buf_release(&k);
	if (c == COL_OWNER)
		return cfg->mask_names ? MASK_NAME : MASK_KEEP;
	if (c == COL_PHONE)
		return cfg->mask_phones ? MASK_PHONE : MASK_KEEP;
	if (c == COL_CONTENT || c == COL_CB_REMARK)
		return cfg->mask_free_text ? MASK_TEXT : MASK_KEEP;
	return MASK_KEEP;
}

/*
 * Appends the row's field i to line as rejects.csv shows it when masked
 * (docs/ingest.md, "Masked by default"): the owner column as a name, the
 * phone column as a phone, the free-text columns as free text (the
 * owner's own name in them included), as the config's mask settings say;
 * other columns as they are. A row whose fields do not line up with the
 * header (aligned false: field_count) has every field masked as a guess,
 * but for the export's vocabulary.
 */
static void add_masked_field(struct ingest *in, const struct file_ctx *fc,
			     size_t i, bool aligned, const char *owner,
			     const struct buf *field, struct buf *line)
{
	const struct config *cfg = in->cfg;
	struct buf m = BUF_INIT, esc = BUF_INIT;
	const char *s;
	size_t n;

	if (!aligned) {
		s = field->s;
		n = field->len;
		text_trim(&s, &n);
		buf_add(&esc, s, n);
		if (!(cfg->mask_names || cfg->mask_phones ||
		      cfg->mask_free_text) ||
		    config_match_type(cfg, esc.s) >= 0 ||
		    config_match_satisfaction(cfg, esc.s) != SAT_NONE ||
		    config_is_attempt(cfg, esc.s) ||
		    config_is_cancelled(cfg, esc.s) || is_status_word(esc.s))
			buf_add(&m, field->s, field->len);
		else
			mask_guess(&m, field->s);
	} else if ((int)i == fc->colmap[COL_OWNER] && cfg->mask_names) {
		s = value(fc, COL_OWNER, &n);
		text_escape_invalid(&esc, s, n);
		mask_name(&m, esc.s);
	} else if ((int)i == fc->colmap[COL_PHONE] && cfg->mask_phones) {
		s = value(fc, COL_PHONE, &n);
		text_escape_invalid(&esc, s, n);
		mask_phone(&m, esc.s);
	} else if (((int)i == fc->colmap[COL_CONTENT] ||
		    (int)i == fc->colmap[COL_CB_REMARK]) && cfg->mask_free_text) {
		mask_free_text_of(&m, field->s, cfg->mask_names ? owner : NULL);
	} else {
		buf_add(&m, field->s, field->len);
	}
	csv_add_field(line, m.s, m.len);
	buf_release(&m);
	buf_release(&esc);
}

/*
 * The row's fields as one CSV line, invalid bytes written \xNN: as they
 * are, or (masked) as add_masked_field() shows them.
 */
static const char *original_line(struct ingest *in, const struct file_ctx *fc,
				 bool masked, bool aligned)
{
	struct buf line = BUF_INIT, field = BUF_INIT, owner = BUF_INIT;
	const char *s;
	size_t i, n;

	if (masked && aligned && fc->colmap[COL_OWNER] >= 0) {
		s = value(fc, COL_OWNER, &n);
		text_escape_invalid(&owner, s, n);
	}
	for (i = 0; i < fc->ncols; i++) {
		if (i)
			buf_addch(&line, ',');
		buf_reset(&field);
		text_escape_invalid(&field, fc->val[i], fc->len[i]);
		if (masked)
			add_masked_field(in, fc, i, aligned, owner.s, &field,
					 &line);
		else
			csv_add_field(&line, field.s, field.len);
	}
	s = arena_strndup(&in->arena, line.s, line.len);
	buf_release(&line);
	buf_release(&field);
	buf_release(&owner);
	return s;
}

/*
 * Quarantines the current row: its reject (the row's own fields, as they
 * are and masked, unless the record's text is given: a JSON record that
 * is no row) and one diagnostic, whose context line is shown masked.
 */
static void add_reject(struct ingest *in, struct file_ctx *fc,
		       enum reject_reason reason, uint32_t column,
		       const char *original, const char *masked,
		       uint32_t diag_line, uint32_t diag_column,
		       const char *context, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

static void add_reject(struct ingest *in, struct file_ctx *fc,
		       enum reject_reason reason, uint32_t column,
		       const char *original, const char *masked,
		       uint32_t diag_line, uint32_t diag_column,
		       const char *context, const char *fmt, ...)
{
	struct file_out *out = in->out;
	struct buf msg = BUF_INIT, ctx = BUF_INIT;
	struct reject *r;
	bool aligned = reason != REJECT_FIELD_COUNT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	ALLOC_GROW(out->rej, out->nrej + 1, out->arej);
	r = &out->rej[out->nrej++];
	r->file = fc->file;
	r->line = fc->line;
	r->column = column;
	r->reason = (uint8_t)reason;
	r->message = arena_strndup(&in->arena, msg.s, msg.len);
	r->original = original ? original : original_line(in, fc, false,
							   aligned);
	r->masked = masked ? masked : original_line(in, fc, true, aligned);
	fc->f->rejected++;
	out->reasons[reason]++;
	if (fc->sheet && column) {
		char cell[SHEET_CELL_NAME];

		/* SPEC §9.20: a sheet's problem names its cell. */
		sheet_cell_name(cell, column - 1, fc->line);
		buf_addf(&msg, " at %s!%s", fc->f->name, cell);
	}
	/* A context echoes values of any column: masked, char for char. */
	if (context)
		mask_json_text(&ctx, context, key_mask, in);
	diag_report_code(&in->out->d, DIAG_ERROR, fc->f->path,
			 diag_line ? diag_line : fc->line,
			 diag_line ? diag_column : column,
			 context ? ctx.s : NULL,
			 reject_reason_code[reason], "%s", msg.s);
	buf_release(&msg);
	buf_release(&ctx);
}

/* ---- source profiles ---- */

/* Column c's trimmed value as the file holds it, or the profile's constant. */
static void raw_value(const struct file_ctx *fc, int c, const char **s,
		      size_t *n)
{
	int j = fc->colmap[c];

	if (fc->p->constant[c]) {
		*s = fc->p->constant[c];
		*n = strlen(*s);
		return;
	}
	if (j < 0 || (size_t)j >= fc->ncols) {
		*s = "";
		*n = 0;
		return;
	}
	*s = fc->val[j];
	*n = fc->len[j];
	text_trim(s, n);
}

/*
 * What column c means for the row under the profile, for a row of type
 * (TYPE_UNKNOWN when not known): an empty value (p->empty_values) is
 * empty, then the value map, then the code table (source_value()). A
 * value the column's map does not list stays as written and is marked
 * unmapped: SPEC §9.22, the map replaces the built-in forms, so its
 * readers give it none (a 满意度 is not rated, a 工单类型 unknown ...).
 * Returns true when the map sends the row to skip.
 */
static bool map_column(struct ingest *in, struct file_ctx *fc, int c,
		       int type)
{
	const char *s, *m;
	size_t n;

	raw_value(fc, c, &s, &n);
	fc->raw[c] = fc->eff[c] = s;
	fc->rawlen[c] = fc->efflen[c] = n;
	fc->unmapped[c] = false;
	if (!n)
		return false;
	/* The lookups take NUL-terminated text; trimming may cut the end. */
	buf_reset(&in->fold);
	buf_add(&in->fold, s, n);
	if (source_is_empty(fc->p, in->fold.s)) {
		fc->raw[c] = fc->eff[c] = "";
		fc->rawlen[c] = fc->efflen[c] = 0;
		return false;
	}
	/* The profile's attempt codes mean themselves (the loader keeps
	 * them out of the maps). */
	if (c == fc->p->attempt_column && source_is_attempt(fc->p, in->fold.s))
		return false;
	m = source_value(fc->p, c, type, in->fold.s);
	if (!m) {
		/* A constant is the config's own value, not the source's. */
		fc->unmapped[c] = !fc->p->constant[c];
		return false;
	}
	if (!strcmp(m, SOURCE_SKIP))
		return true;
	if (m != in->fold.s) {
		/* A map's or a code table's text: the config's, long-lived. */
		fc->eff[c] = m;
		fc->efflen[c] = strlen(m);
	}
	return false;
}

static void warn_unmapped(struct ingest *in, struct file_ctx *fc, int c);

/*
 * Every column of the row through the profile (source.h): 工单类型 first,
 * since the other maps may depend on the type; then the stand-in for a
 * missing callback time, when the row records a callback (a satisfaction
 * or a result) and the profile names one. Returns true when the row is
 * excluded: a value map sent it to skip.
 */
static bool profile_row(struct ingest *in, struct file_ctx *fc)
{
	bool skip = map_column(in, fc, COL_TYPE, TYPE_UNKNOWN);
	int c, type = TYPE_UNKNOWN, from = fc->p->callback_time_from;

	if (fc->efflen[COL_TYPE]) {
		buf_reset(&in->fold);
		buf_add(&in->fold, fc->eff[COL_TYPE], fc->efflen[COL_TYPE]);
		type = config_match_type(in->cfg, in->fold.s);
	}
	for (c = 0; c < COL_COUNT; c++)
		if (c != COL_TYPE && map_column(in, fc, c, type))
			skip = true;
	/* 工单类型 is a reject reason, 满意度 is warned about with the
	 * callback (an attempt carries none); the rest are said here. */
	for (c = 0; c < COL_COUNT && !skip; c++)
		if (fc->unmapped[c] && c != COL_TYPE &&
		    c != COL_CB_SATISFACTION && c != COL_CB2_SATISFACTION)
			warn_unmapped(in, fc, c);
	fc->stand_in = false;
	if (from >= 0 && !fc->efflen[COL_CB_TIME] && fc->efflen[from] &&
	    (fc->efflen[COL_CB_SATISFACTION] || fc->efflen[COL_CB_RESULT])) {
		fc->eff[COL_CB_TIME] = fc->eff[from];
		fc->efflen[COL_CB_TIME] = fc->efflen[from];
		fc->stand_in = true;
	}
	return skip;
}

/*
 * A warning about a value huifang cannot normalise (SPEC §9, issue 14:
 * `check` names every one), once per distinct value and column in a file.
 */
static void warn_value(struct ingest *in, struct file_ctx *fc, int c,
		       const char *v, const char *what)
{
	struct buf key = BUF_INIT, esc = BUF_INIT;
	int j = fc->colmap[c];

	buf_addf(&key, "%d:%s", c, v);
	if (!string_list_has(&fc->warned, key.s)) {
		struct file_out *out = in->out;

		string_list_add(&fc->warned, key.s);
		text_escape_invalid(&esc, v, strlen(v));
		diag_report(&out->d, DIAG_WARNING, fc->f->path, fc->line,
			    j >= 0 ? (uint32_t)j + 1 : 0,
			    "'%s' in column '%s' %s", esc.s,
			    j >= 0 ? fc->header[j] : column_name[c], what);
		/* Once per file, not per part: the merge keeps the first. */
		if (out->part) {
			ALLOC_GROW(out->once, out->nonce + 1, out->aonce);
			out->once[out->nonce].key = xstrdup(key.s);
			out->once[out->nonce++].entry = out->d.nr - 1;
		}
	}
	buf_release(&key);
	buf_release(&esc);
}

/* Whether column c holds a value its profile's map does not list. */
static bool unlisted(const struct file_ctx *fc, int c)
{
	return fc->p && fc->unmapped[c];
}

/*
 * SPEC §9.22: a value the profile's map for column c does not list, said
 * once per file with what it is read as instead.
 */
static void warn_unmapped(struct ingest *in, struct file_ctx *fc, int c)
{
	struct buf what = BUF_INIT;
	const char *effect =
		c == COL_CB_SATISFACTION || c == COL_CB2_SATISFACTION ?
			"not rated" :
		c == COL_SUBTYPE ? "kept as written, matched to no sub-type" :
		c == COL_STATUS	 ? "kept as written, never cancelled" :
		c == COL_CB_RESULT ? "kept as written, never an attempt" :
				     "kept as written";

	buf_addf(&what, "is not in the value map of source '%s' for this "
		 "column: %s", fc->p->name, effect);
	warn_value(in, fc, c, intern(in, fc->raw[c], fc->rawlen[c]), what.s);
	buf_release(&what);
}

/*
 * SPEC §9.25: a ticket number Excel turned into a number with a fraction
 * or an exponent (8.22025E+17): digits, then '.' and digits and/or an
 * exponent, at least one of the two.
 */
static bool damaged_id(const char *id)
{
	const char *p = id;
	bool frac = false, expo = false;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		frac = true;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		expo = true;
	}
	return !*p && (frac || expo);
}

/*
 * SPEC §8 rule 3 from missing_ticket_id on (the readers have checked
 * field_count, bad_encoding and field_too_long). Returns true when the
 * row is rejected.
 */
static bool check_row(struct ingest *in, struct file_ctx *fc)
{
	size_t n, k, t;
	const char *s;

	s = value(fc, COL_TICKET_ID, &n);
	if (!n) {
		add_reject(in, fc, REJECT_MISSING_TICKET_ID,
			   (uint32_t)fc->colmap[COL_TICKET_ID] + 1, NULL, NULL, 0, 0,
			   NULL, "no ticket number in column '%s'",
			   header_name(fc, COL_TICKET_ID));
		return true;
	}
	if (fc->f->kind == FILE_TICKETS && !unlisted(fc, COL_TYPE)) {
		struct name *e = named(in, fc, COL_TYPE);

		fc->type_text = e->s;
		fc->type = name_type(in, e);
	}
	if (fc->f->kind == FILE_TICKETS &&
	    (unlisted(fc, COL_TYPE) || fc->type < 0)) {
		struct buf esc = BUF_INIT;

		s = value(fc, COL_TYPE, &n);
		text_escape_invalid(&esc, s, n);
		if (unlisted(fc, COL_TYPE))
			add_reject(in, fc, REJECT_UNKNOWN_TYPE,
				   (uint32_t)fc->colmap[COL_TYPE] + 1, NULL, NULL, 0,
				   0, NULL, "ticket type '%s' in column '%s' is not "
				   "in the value map of source '%s'", esc.s,
				   header_name(fc, COL_TYPE), fc->p->name);
		else if (esc.len)
			add_reject(in, fc, REJECT_UNKNOWN_TYPE,
				   (uint32_t)fc->colmap[COL_TYPE] + 1, NULL, NULL, 0,
				   0, NULL, "unknown ticket type '%s' in column '%s'",
				   esc.s, header_name(fc, COL_TYPE));
		else
			add_reject(in, fc, REJECT_UNKNOWN_TYPE,
				   (uint32_t)fc->colmap[COL_TYPE] + 1, NULL, NULL, 0,
				   0, NULL, "empty ticket type in column '%s'",
				   header_name(fc, COL_TYPE));
		buf_release(&esc);
		return true;
	}
	if (fc->f->kind == FILE_CALLBACKS) {
		value(fc, COL_CB_TIME, &n);
		if (!n) {
			add_reject(in, fc, REJECT_NO_CALLBACK_TIME,
				   (uint32_t)fc->colmap[COL_CB_TIME] + 1, NULL, NULL,
				   0, 0, NULL, "no callback time in column '%s'",
				   header_name(fc, COL_CB_TIME));
			return true;
		}
	}
	/*
	 * Timestamp columns in the order the file has them; the values are
	 * kept for the record so that each is parsed once.
	 */
	for (t = 0; t < sizeof(time_columns) / sizeof(time_columns[0]); t++) {
		fc->when[time_columns[t]] = TIME_NONE;
		fc->date_only[time_columns[t]] = false;
	}
	for (k = 0; k < fc->ncols; k++) {
		int c = fc->time_col[k];

		if (c < 0)
			continue;
		s = value(fc, c, &n);
		if (n && chtime_parse_as(s, n, fc->p ? fc->p->time_forms : 0,
					 &fc->when[c], &fc->date_only[c]) < 0) {
			struct buf esc = BUF_INIT;

			text_escape_invalid(&esc, s, n);
			add_reject(in, fc, REJECT_BAD_TIMESTAMP, (uint32_t)k + 1,
				   NULL, NULL, 0, 0, NULL,
				   "invalid timestamp '%s' in column '%s'", esc.s,
				   fc->header[k]);
			buf_release(&esc);
			return true;
		}
	}
	/* Issue 14: the stand-in column's instant, not a date alone. */
	if (fc->p && fc->stand_in) {
		fc->when[COL_CB_TIME] = fc->when[fc->p->callback_time_from];
		fc->date_only[COL_CB_TIME] = false;
	}
	return false;
}

/* ---- accepted rows ---- */

/* Whether the row's value of column c is one of the profile's attempts. */
static bool profile_attempt(struct ingest *in, const struct file_ctx *fc,
			    int c)
{
	return source_is_attempt(fc->p, named(in, fc, c)->s);
}

static void fill_callback(struct ingest *in, struct file_ctx *fc,
			  struct cb_cand *c, enum callback_source source)
{
	struct callback *cb = &c->cb;
	const struct source_profile *p = fc->p;
	bool rule = p && p->attempt_column >= 0;
	int sat_col = source == CB_INLINE_SECOND ? COL_CB2_SATISFACTION
						 : COL_CB_SATISFACTION;
	struct name *sat;
	bool attempt, by_type = false;

	/*
	 * result and sat point into the table of names, which moves when it
	 * grows: room for every value this function interns (at most 8:
	 * result, recorder, channel, remark, satisfaction, the profile's
	 * attempt column, the raw satisfaction, the header) is made first,
	 * so that none of them moves it.
	 */
	hashtab_reserve_more(&in->names, 8);
	memset(c, 0, sizeof(*c));
	cb->source = (uint8_t)source;
	cb->file = fc->file;
	cb->line = fc->line;
	if (source == CB_INLINE_SECOND) {
		cb->at = timestamp(fc, COL_CB2_TIME);
		cb->date_only = fc->date_only[COL_CB2_TIME];
		cb->recorder = cb->channel = cb->result = cb->remark = "";
		sat = named(in, fc, COL_CB2_SATISFACTION);
		/* A profile's rule reads its column; the second callback has
		 * only its satisfaction to read it from. */
		attempt = rule ? p->attempt_column == COL_CB_SATISFACTION &&
				 profile_attempt(in, fc, COL_CB2_SATISFACTION)
			       : !unlisted(fc, sat_col) && name_attempt(in, sat);
	} else {
		struct name *result = named(in, fc, COL_CB_RESULT);

		cb->at = timestamp(fc, COL_CB_TIME);
		cb->date_only = fc->date_only[COL_CB_TIME];
		cb->stand_in = p && fc->stand_in;
		cb->recorder = interned(in, fc, COL_CB_RECORDER);
		cb->channel = interned(in, fc, COL_CB_CHANNEL);
		cb->result = result->s;
		cb->remark = interned(in, fc, COL_CB_REMARK);
		cb->round = round_of(in, fc);
		sat = named(in, fc, COL_CB_SATISFACTION);
		/* Issue 14: a profile's attempt rule replaces the words. */
		attempt = rule ? profile_attempt(in, fc, p->attempt_column)
			       : (!unlisted(fc, sat_col) && name_attempt(in, sat)) ||
				 (!unlisted(fc, COL_CB_RESULT) &&
				  name_attempt(in, result));
	}
	/* As written: under a profile, the source's own code. */
	cb->satisfaction_text = p ? intern(in, fc->raw[sat_col],
					   fc->rawlen[sat_col])
				  : sat->s;
	cb->is_attempt = attempt;
	if (attempt)
		return;
	/*
	 * A callback row's type is its ticket's, known after the merge: when
	 * the profile maps 满意度 by type, merge_resolve() reads it again
	 * then and says what it cannot read.
	 */
	if (source == CB_ROW && p && source_maps_by_type(p, sat_col)) {
		struct file_sat *fs = &in->out->sat;

		by_type = true;
		if (!fs->header) {
			fs->profile = p;
			fs->header = intern(in, header_name(fc, sat_col),
					    strlen(header_name(fc, sat_col)));
			fs->column = fc->colmap[sat_col] >= 0 ?
					     (uint32_t)fc->colmap[sat_col] + 1 : 0;
		}
	}
	if (unlisted(fc, sat_col)) {
		cb->satisfaction = SAT_NONE;
		if (!by_type)
			warn_unmapped(in, fc, sat_col);
		return;
	}
	cb->satisfaction = (uint8_t)name_satisfaction(in, sat);
	if (*sat->s && cb->satisfaction == SAT_NONE && !by_type)
		warn_value(in, fc, sat_col, cb->satisfaction_text,
			   "is no satisfaction label or star: not rated");
}

/*
 * 处理人 for the self-callback comparison: under a profile that splits it,
 * its people joined by HANDLER_SEPARATOR (ticket.h), else as written.
 */
static bool add_person(const char *person, size_t len, void *arg)
{
	struct buf *b = arg;

	if (b->len)
		buf_addch(b, HANDLER_SEPARATOR);
	buf_add(b, person, len);
	return false;
}

static const char *handler_of(struct ingest *in, const struct file_ctx *fc)
{
	struct buf people = BUF_INIT;
	const char *s;
	size_t n;

	if (!fc->p || !fc->p->handler_separators)
		return interned(in, fc, COL_HANDLER);
	s = value(fc, COL_HANDLER, &n);
	buf_reset(&in->fold);
	buf_add(&in->fold, s, n);
	source_each_handler(fc->p, in->fold.s, add_person, &people);
	s = intern(in, people.s, people.len);
	buf_release(&people);
	return s;
}

/* A new callback slot at the end of the file's. */
static struct cb_cand *new_row_cb(struct file_out *out)
{
	ALLOC_GROW(out->cb, out->ncb + 1, out->acb);
	return &out->cb[out->ncb++];
}

/*
 * A ticket row that passed the checks, normalised into the file's rows,
 * its inline callbacks (SPEC §8 rule 8: one exists when its time does)
 * after those of the rows before it in cb[]. The duplicate rule is
 * the merge's (merge_ticket()).
 */
static void accept_ticket(struct ingest *in, struct file_ctx *fc)
{
	struct file_out *out = in->out;
	struct ticket *t;
	struct name *e;
	const char *s;
	size_t n, len;
	uint32_t m = 0;

	ALLOC_GROW(out->tk, out->ntk + 1, out->atk);
	ALLOC_GROW(out->tk_hash, out->ntk + 1, out->ahash);
	t = &out->tk[out->ntk];
	memset(t, 0, sizeof(*t));
	s = value(fc, COL_TICKET_ID, &n);
	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	out->tk_hash[out->ntk] = text_hash(in->fold.s, in->fold.len);
	t->id = arena_strndup(&out->strs, in->fold.s, in->fold.len);
	out->ntk++;
	if (damaged_id(t->id))
		fc->f->damaged_ticket_ids++;
	t->center = interned(in, fc, COL_CENTER);
	s = value(fc, COL_UNIT, &n);
	t->unit = n ? arena_strndup(&out->strs, s, n) : "";
	s = value(fc, COL_OWNER, &n);
	t->owner = n ? arena_strndup(&out->strs, s, n) : "";
	t->phone = folded(in, fc, COL_PHONE);
	t->type_text = fc->type_text;   /* check_row() looked it up */
	t->type = (int8_t)fc->type;
	t->subtype = interned(in, fc, COL_SUBTYPE);
	if (*t->subtype && !unlisted(fc, COL_SUBTYPE)) {
		/* SPEC §9.23: `2 房屋管理类` and aliases name a known one. */
		const char *known = config_match_subtype(in->cfg, t->type,
							 t->subtype);

		if (known && strcmp(known, t->subtype))
			t->subtype = intern(in, known, strlen(known));
		else if (!known)
			warn_value(in, fc, COL_SUBTYPE, t->subtype,
				   "is no known sub-type of its type: kept as "
				   "written");
	}
	/* Contents repeat more often than one would think: intern them. */
	t->content = interned(in, fc, COL_CONTENT);
	t->butler = interned(in, fc, COL_BUTLER);
	e = named(in, fc, COL_STATUS);
	t->status = e->s;
	t->cancelled = !unlisted(fc, COL_STATUS) && name_cancelled(in, e);
	t->handler = handler_of(in, fc);
	if (fc->key_col >= 0) {
		ALLOC_GROW(out->tk_key, out->ntk, out->akey);
		out->tk_key[out->ntk - 1] = "";
		if ((size_t)fc->key_col < fc->ncols) {
			s = fc->val[fc->key_col];
			len = fc->len[fc->key_col];
			text_trim(&s, &len);
			out->tk_key[out->ntk - 1] = intern(in, s, len);
		}
	}
	t->created_at = timestamp(fc, COL_CREATED);
	t->completed_at = timestamp(fc, COL_COMPLETED);
	t->updated_at = timestamp(fc, COL_UPDATED);
	t->rectified_at = timestamp(fc, COL_RECTIFIED);
	t->file = (uint16_t)fc->file;   /* < MAX_INPUT_FILES */
	t->line = fc->line;
	t->first_cb = (uint32_t)out->ncb;
	/*
	 * A rating or result with no callback time is no callback: counted
	 * and warned about (issue 14), never silently dropped.
	 */
	value(fc, COL_CB_TIME, &len);
	if (!len) {
		size_t ns, nr;

		value(fc, COL_CB_SATISFACTION, &ns);
		value(fc, COL_CB_RESULT, &nr);
		if (ns || nr) {
			int c = ns ? COL_CB_SATISFACTION : COL_CB_RESULT;

			out->untimed++;
			diag_report(&out->d, DIAG_WARNING, fc->f->path, fc->line,
				    fc->colmap[c] >= 0 ?
					    (uint32_t)fc->colmap[c] + 1 : 0,
				    "a %s without a %s: not counted as a "
				    "callback", column_name[c],
				    column_name[COL_CB_TIME]);
		}
	}
	for (n = 0; n < 2; n++) {
		struct cb_cand *c;

		value(fc, n ? COL_CB2_TIME : COL_CB_TIME, &len);
		if (!len)
			continue;
		c = new_row_cb(out);
		fill_callback(in, fc, c, n ? CB_INLINE_SECOND : CB_INLINE_FIRST);
		m++;
	}
	t->n_cb = m;
}

static void accept_callback_row(struct ingest *in, struct file_ctx *fc)
{
	struct file_out *out = in->out;
	struct cb_cand *c = new_row_cb(out);
	const char *id;

	fill_callback(in, fc, c, CB_ROW);
	id = folded(in, fc, COL_TICKET_ID);
	ALLOC_GROW(out->cb_id, out->ncb, out->acb_id);
	ALLOC_GROW(out->cb_hash, out->ncb, out->acb_hash);
	out->cb_id[out->ncb - 1] = id;
	out->cb_hash[out->ncb - 1] = text_hash(id, strlen(id));
	/* The ticket's internal id, joined in merge_resolve() (issue 14). */
	if (fc->p && fc->p->join)
		out->by_key = true;
	else if (damaged_id(id))
		fc->f->damaged_ticket_ids++;
}

/* Counts a row that passed every check as accepted, and keeps it. */
static void accept_row(struct ingest *in, struct file_ctx *fc)
{
	fc->f->accepted++;
	if (fc->f->kind == FILE_TICKETS)
		accept_ticket(in, fc);
	else
		accept_callback_row(in, fc);
}

/* ---- headers ---- */

void matcher_init(struct matcher *mt, const struct config *cfg)
{
	int c;
	size_t i;

	for (c = 0; c < COL_COUNT; c++) {
		const struct string_list *al = &cfg->column_aliases[c];

		buf_init(&mt->canon_key[c]);
		text_header_key(&mt->canon_key[c], column_name[c],
				strlen(column_name[c]));
		memset(&mt->alias_keys[c], 0, sizeof(mt->alias_keys[c]));
		for (i = 0; i < al->nr; i++) {
			struct buf k = BUF_INIT;

			text_header_key(&k, al->items[i], strlen(al->items[i]));
			string_list_add(&mt->alias_keys[c], k.s);
			buf_release(&k);
		}
	}
}

static int match_column(const struct matcher *mt, const char *key)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (!strcmp(key, mt->canon_key[c].s) ||
		    string_list_has(&mt->alias_keys[c], key))
			return c;
	return -1;
}

static void unrecognised(struct ingest *in, struct file_ctx *fc,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void unrecognised(struct ingest *in, struct file_ctx *fc,
			 const char *fmt, ...)
{
	struct buf why = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&why, fmt, ap);
	va_end(ap);
	fc->f->kind = FILE_UNRECOGNISED;
	fc->f->why = arena_strndup(&in->arena, why.s, why.len);
	diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 0, 0,
		    "unrecognised file, skipped: %s", why.s);
	buf_release(&why);
}

/*
 * Issue 14: a header nothing maps that resembles a canonical column the
 * file lacks gets a hint (source_column_hint(): one name contains the
 * other, or they are one edit apart), so that a near miss is not a
 * silently unread column.
 */
static void hint_headers(struct ingest *in, struct file_ctx *fc)
{
	size_t i;
	int c, hint;

	for (i = 0; i < fc->ncols; i++) {
		for (c = 0; c < COL_COUNT; c++)
			if (fc->colmap[c] == (int)i)
				break;
		if (c < COL_COUNT || (fc->p && fc->p->key_column &&
				      !strcmp(fc->header[i], fc->p->key_column)))
			continue;
		hint = source_column_hint(fc->header[i]);
		if (hint < 0 || fc->colmap[hint] >= 0 ||
		    (fc->p && fc->p->constant[hint]))
			continue;
		diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 1,
			    (uint32_t)i + 1, "column '%s' is not read: did you "
			    "mean %s? add it to %s", fc->header[i],
			    column_name[hint],
			    fc->p ? "the profile's columns" : "column_aliases");
	}
}

/*
 * Reads a header of n names into fc and decides the file's kind. Trailing
 * blank names are dropped (Excel's habit); a blank name before them, or
 * two names for one column, makes the file unrecognised. Returns 0 when
 * the file is an export, -1 otherwise (already reported).
 */
static int read_header(struct ingest *in, struct file_ctx *fc,
		       const char *const *names, const size_t *lens, size_t n)
{
	/* The header names seen, by index into keys[]. */
	struct hashtab seen = HASHTAB_INIT(sizeof(struct hashtab_index), 64,
					   hashtab_index_rehash);
	struct hashtab_index *slot;
	struct buf *keys;
	size_t i, j, k;
	uint32_t h;
	int c, ret = -1;

	fc->nwritten = n;
	while (n) {
		const char *s = names[n - 1];
		size_t len = lens[n - 1];

		text_trim(&s, &len);
		if (len)
			break;
		n--;
	}
	for (c = 0; c < COL_COUNT; c++)
		fc->colmap[c] = -1;
	/* A hostile width is refused before any work on it (issue 13). */
	if (n > in->cfg->max_columns) {
		fc->ncols = 0;
		unrecognised(in, fc, "the header has %zu columns, over the limit "
			     "ingest.max_columns (%zu)", n, in->cfg->max_columns);
		return -1;
	}
	fc->ncols = n;
	fc->header = arena_alloc(&in->arena, (n + 1) * sizeof(char *));
	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		const char *s = names[i];
		size_t len = lens[i];
		struct buf esc = BUF_INIT;

		text_trim(&s, &len);
		text_escape_invalid(&esc, s, len);
		fc->header[i] = arena_strndup(&in->arena, esc.s, esc.len);
		buf_release(&esc);
		buf_init(&keys[i]);
		text_header_key(&keys[i], fc->header[i], strlen(fc->header[i]));
	}
	for (i = 0; i < n; i++) {
		if (!keys[i].len) {
			unrecognised(in, fc, "column %zu of the header is blank",
				     i + 1);
			goto out;
		}
		/* Duplicates through a hash table: linear in the width. */
		h = text_hash(keys[i].s, keys[i].len);
		hashtab_reserve(&seen);
		for (k = hashtab_start(&seen, h);
		     (slot = hashtab_at(&seen, k))->index1;
		     k = hashtab_next(&seen, k)) {
			j = slot->index1 - 1;
			if (slot->hash == h && !strcmp(keys[i].s, keys[j].s)) {
				unrecognised(in, fc, "duplicate column '%s' "
					     "(columns %zu and %zu)",
					     fc->header[i], j + 1, i + 1);
				goto out;
			}
		}
		slot->hash = h;
		slot->index1 = (uint32_t)i + 1;
		seen.n++;
		/* A profile's own names first: they apply to its files only. */
		c = fc->p ? source_map_header(fc->p, fc->header[i]) : -1;
		if (c < 0)
			c = match_column(in->m, keys[i].s);
		if (c < 0)
			continue;
		if (fc->colmap[c] >= 0) {
			unrecognised(in, fc, "columns '%s' and '%s' are both %s "
				     "(columns %d and %zu)",
				     fc->header[fc->colmap[c]], fc->header[i],
				     column_name[c], fc->colmap[c] + 1, i + 1);
			goto out;
		}
		fc->colmap[c] = (int)i;
	}
	{
		/* The names as one CSV line, above the file's rejects. */
		struct buf line = BUF_INIT;

		for (i = 0; i < n; i++) {
			if (i)
				buf_addch(&line, ',');
			csv_add_field(&line, fc->header[i],
				      strlen(fc->header[i]));
		}
		fc->f->header = arena_strndup(&in->arena, line.s, line.len);
		buf_release(&line);
	}
	fc->time_col = arena_alloc(&in->arena, (n + 1) * sizeof(int));
	for (i = 0; i < n; i++)
		fc->time_col[i] = -1;
	for (i = 0; i < sizeof(time_columns) / sizeof(time_columns[0]); i++)
		if (fc->colmap[time_columns[i]] >= 0)
			fc->time_col[fc->colmap[time_columns[i]]] = time_columns[i];
	/*
	 * SPEC §2: "A file whose header has a ticket-type column is a
	 * ticket export", with or without 工单编号: without it, every row
	 * is missing_ticket_id, so nothing of the file disappears.
	 */
	hint_headers(in, fc);
	fc->key_col = -1;
	if (fc->p && fc->p->key_column) {
		struct buf k = BUF_INIT;

		text_header_key(&k, fc->p->key_column,
				strlen(fc->p->key_column));
		for (i = 0; i < n && fc->key_col < 0; i++)
			if (!strcmp(k.s, keys[i].s))
				fc->key_col = (int)i;
		buf_release(&k);
		if (fc->key_col < 0)
			diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 1, 0,
				    "no column '%s', the key_column of source "
				    "'%s': no callback can join these tickets",
				    fc->p->key_column, fc->p->name);
	}
	/* A profile may say what the file is (issue 14). */
	if (fc->p && fc->p->kind == SOURCE_TICKETS) {
		fc->f->kind = FILE_TICKETS;
	} else if (fc->p && fc->p->kind == SOURCE_CALLBACKS) {
		fc->f->kind = FILE_CALLBACKS;
	} else if (fc->colmap[COL_TYPE] >= 0 ||
		   (fc->p && fc->p->constant[COL_TYPE])) {
		fc->f->kind = FILE_TICKETS;
	} else if (fc->colmap[COL_TICKET_ID] >= 0 &&
		   fc->colmap[COL_CB_TIME] >= 0) {
		fc->f->kind = FILE_CALLBACKS;
	} else {
		unrecognised(in, fc, "no %s column, and not both %s and %s",
			     column_name[COL_TYPE], column_name[COL_TICKET_ID],
			     column_name[COL_CB_TIME]);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		buf_release(&keys[i]);
	free(keys);
	hashtab_release(&seen);
	return ret;
}

/* ---- CSV files ---- */

/* Forgets what was read of the file so far, to read it again. */
static void forget_file(struct ingest *in, struct file_ctx *fc)
{
	struct file_out *out = in->out;

	out->ntk = out->ncb = out->nrej = 0;
	arena_release(&out->strs);
	out->by_key = false;
	memset(out->reasons, 0, sizeof(out->reasons));
	diag_release(&out->d);
	fc->f->rows_read = fc->f->accepted = fc->f->rejected = 0;
	fc->f->excluded = fc->f->damaged_ticket_ids = 0;
	out->untimed = 0;
	memset(&out->sat, 0, sizeof(out->sat));
	string_list_clear(&fc->warned);
	fc->f->kind = FILE_UNRECOGNISED;
	fc->f->why = "";
	fc->f->header = NULL;
}

/*
 * The row's text, when it has no fields, as one escaped CSV field; masked,
 * the values of its keys as mask_json_text() shows them.
 */
static const char *original_text(struct ingest *in,
				 const struct reader_row *row, bool masked)
{
	struct buf esc = BUF_INIT, field = BUF_INIT;
	const char *s;

	text_escape_invalid(&esc, row->text, row->text_len);
	if (masked) {
		mask_json_text(&field, esc.s, key_mask, in);
		buf_reset(&esc);
		buf_add(&esc, field.s, field.len);
		buf_reset(&field);
	}
	csv_add_field(&field, esc.s, esc.len);
	s = arena_strndup(&in->arena, field.s, field.len);
	buf_release(&esc);
	buf_release(&field);
	return s;
}

/*
 * What a sheet's cells say beyond their text: error values read as
 * empty (counted, and reported once per sheet), and a ticket number
 * Excel could not hold exactly (more than 15 significant digits, or
 * E-notation), which is damaged and said so, naming its cell.
 */
static void sheet_cells(struct ingest *in, struct file_ctx *fc,
			const struct reader_row *row)
{
	int id = fc->colmap[COL_TICKET_ID];

	fc->error_cells += row->error_cells;
	if (id >= 0 && (size_t)id < row->nfields &&
	    (row->cell_flags[id] & SHEET_INEXACT)) {
		char cell[SHEET_CELL_NAME];

		sheet_cell_name(cell, (uint32_t)id, row->line);
		diag_report(&in->out->d, DIAG_WARNING, fc->f->path, row->line,
			    (unsigned long)id + 1, "ticket number '%s' at %s!%s "
			    "is a number Excel could not hold exactly (more "
			    "than 15 digits, or E-notation): the export "
			    "damaged it", row->fields[id], fc->f->name, cell);
	}
}

/*
 * SPEC §8 rule 3 for one row of the table: the reader's problems in
 * their order of precedence, field_count between them, then check_row()
 * and a value that is not text; a row that passes is accepted.
 */
static void take_row(struct ingest *in, struct file_ctx *fc,
		     const struct reader_row *row, const char *encoding)
{
	size_t n = row->nfields, col;

	fc->f->rows_read++;
	fc->line = row->line;
	fc->val = row->fields;
	fc->len = row->lens;
	if (row->problem == READER_UNSPLIT) {
		size_t save = fc->ncols;

		fc->ncols = row->nfields;
		/*
		 * SPEC §8.3 keeps malformed_record for JSON; a CSV row that
		 * cannot be split (a stray or unclosed quote) does not have
		 * the header's fields, so it is field_count, the first
		 * reason in precedence.
		 */
		add_reject(in, fc, REJECT_FIELD_COUNT,
			   (uint32_t)row->nfields + 1, NULL, NULL, row->error_line,
			   row->error_column, NULL,
			   "malformed CSV: %s at line %u, character %u",
			   row->error, row->error_line, row->error_column);
		fc->ncols = save;
		return;
	}
	if (row->problem == READER_NOT_RECORD) {
		add_reject(in, fc, REJECT_MALFORMED_RECORD, 0,
			   original_text(in, row, false),
			   original_text(in, row, true), row->error_line,
			   row->error_column, row->error_context, "%s",
			   row->error);
		return;
	}
	/*
	 * SPEC §8.3: field_count is "more or fewer fields than the header".
	 * The header as written may end in blank names (Excel's habit),
	 * dropped from ncols; a row may fill those with empty fields, and
	 * no more.
	 */
	while (!row->keyed && n > fc->ncols && n <= fc->nwritten &&
	       !row->lens[n - 1])
		n--;
	if (!row->keyed && n != fc->ncols) {
		size_t save = fc->ncols;

		fc->ncols = row->nfields;
		add_reject(in, fc, REJECT_FIELD_COUNT, 0, NULL, NULL, 0, 0, NULL,
			   "expected %zu fields, found %zu", save, n);
		fc->ncols = save;
		return;
	}
	col = row->bad_field;
	if (row->problem == READER_BAD_ENCODING) {
		add_reject(in, fc, REJECT_BAD_ENCODING, (uint32_t)col,
			   row->text ? original_text(in, row, false) : NULL,
			   row->text ? original_text(in, row, true) : NULL,
			   row->error_line, row->error_column,
			   row->error_context,
			   "%s%s at byte offset %llu%s%s%s",
			   row->error ? "" : "invalid ",
			   row->error ? row->error : encoding,
			   (unsigned long long)row->bad_offset,
			   col ? " in column '" : "",
			   col ? fc->header[col - 1] : "", col ? "'" : "");
		return;
	}
	if (row->problem == READER_LONG_FIELD) {
		add_reject(in, fc, REJECT_FIELD_TOO_LONG, (uint32_t)col, NULL, NULL,
			   0, 0, NULL, "field of %zu bytes in column '%s' is "
			   "over the limit of %zu", row->lens[col - 1],
			   fc->header[col - 1], in->cfg->max_field_bytes);
		return;
	}
	if (row->cell_flags)
		sheet_cells(in, fc, row);
	/* A row a profile's value map skips is excluded, not a ticket. */
	if (fc->p && profile_row(in, fc)) {
		fc->f->excluded++;
		return;
	}
	if (check_row(in, fc))
		return;
	if (row->not_text_field) {
		col = row->not_text_field;
		add_reject(in, fc, REJECT_MALFORMED_RECORD, (uint32_t)col, NULL, NULL,
			   0, 0, NULL, "value of '%s' is %s, not text",
			   fc->header[col - 1], row->not_text);
		return;
	}
	accept_row(in, fc);
}

/*
 * Settles the reader's encoding when the header is not what it should
 * be: it may be a GB18030 header read as UTF-8 on trust. Returns
 * READER_RESTART (the file's rows so far forgotten), 0, or -1 with the
 * read error's message in err.
 */
static int settle(struct ingest *in, struct file_ctx *fc, struct reader *r,
		  struct buf *err)
{
	int rc = reader_settle(r, err);

	if (rc == READER_RESTART) {
		forget_file(in, fc);
		fc->f->encoding = reader_encoding(r);
	} else if (rc < 0) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "read error, the rest of the file is skipped: %s",
			 err->s);
		buf_reset(err);
		buf_add(err, msg.s, msg.len);
		buf_release(&msg);
	}
	return rc;
}

/*
 * True when the first n bytes look like UTF-16 without a byte-order mark:
 * UTF-8 and GB18030 text holds no NUL, while in UTF-16 every ASCII
 * character (the commas, the line ends) has a zero byte, always in the
 * same half of its unit. So: at least 3 zero bytes, at least one unit in
 * 8, all on one side.
 */
static bool looks_utf16(const unsigned char *b, size_t n)
{
	size_t i, zero[2] = { 0, 0 }, units = n / 2;

	for (i = 0; i < 2 * units; i++)
		zero[i & 1] += !b[i];
	for (i = 0; i < 2; i++)
		if (!zero[1 - i] && zero[i] >= 3 && zero[i] * 8 >= units)
			return true;
	return false;
}

/*
 * Refuses, by name, a file no reader should open (issue 13): not a
 * regular file (a FIFO would hang the run, a device never end), or a
 * text export in UTF-16, which would otherwise read as a header without
 * a 工单类型 column. Returns true when the file is refused (and reported).
 */
static bool refuse_file(struct ingest *in, struct file_ctx *fc)
{
	struct buf why = BUF_INIT;
	unsigned char head[256];
	ssize_t n;
	int fd = text_open_regular(fc->f->path, &why);

	fc->have_opened = fd >= 0 && fstat(fd, &fc->opened) == 0;
	if (fd < 0) {
		int cause = errno;

		/* A plain read failure is the reader's to report. */
		if (cause == EINVAL)
			unrecognised(in, fc, "%s", why.s);
		buf_release(&why);
		return cause == EINVAL;
	}
	buf_release(&why);
	/* Workbooks are binary: only the text exports can be UTF-16. */
	if (reader_is_workbook(fc->f->path)) {
		close(fd);
		return false;
	}
	do
		n = read(fd, head, sizeof(head));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) ||
		       (head[0] == 0xFE && head[1] == 0xFF) ||
		       looks_utf16(head, (size_t)n))) {
		unrecognised(in, fc, "UTF-16 text: huifang reads UTF-8 and "
			     "GB18030; save the file as UTF-8 and run again");
		return true;
	}
	return false;
}

/* SPEC §9.20: each sheet is "book.xlsx[Sheet1]", in every message. */
static void name_sheet(struct ingest *in, struct file_ctx *fc,
		       const char *sheet)
{
	struct buf name = BUF_INIT;

	fc->sheet = true;
	buf_addf(&name, "%s[%s]", fc->f->name, sheet);
	fc->f->name = arena_strndup(&in->arena, name.s, name.len);
	buf_reset(&name);
	buf_addf(&name, "%s[%s]", fc->f->path, sheet);
	fc->f->path = arena_strndup(&in->arena, name.s, name.len);
	buf_release(&name);
}

static void read_table(struct ingest *in, struct file_ctx *fc)
{
	struct reader_opts ro = { in->opts->encoding, in->cfg->max_field_bytes,
				  in->cfg->max_columns,
				  in->cfg->max_header_bytes, fc->p, NULL };
	struct buf err = BUF_INIT;
	struct reader *r;
	struct reader_row row;
	bool have_header = false;
	int rc;

	if (refuse_file(in, fc))
		return;
	/* The profile knows its files' encoding (docs/sources.md). */
	if (fc->p && fc->p->encoding)
		ro.encoding = fc->p->encoding;
	ro.sheet = fc->f->sheet;
	fc->f->encoding = reader_fixed_encoding(fc->f->path);
	r = reader_open_part(fc->f->path, &ro, in->plan, in->part, &err);
	/* One of several sheets: named so from the start, errors included. */
	if (fc->f->sheet)
		name_sheet(in, fc, fc->f->sheet);
	if (!r) {
		unrecognised(in, fc, "cannot read: %s", err.s);
		goto out;
	}
	fc->f->encoding = reader_encoding(r);
	while ((rc = reader_next_row(r, &row, &err)) > 0) {
		if (rc == READER_RESTART) {
			/* Read as UTF-8 on trust, it is GB18030: again. */
			forget_file(in, fc);
			fc->f->encoding = reader_encoding(r);
			have_header = false;
			continue;
		}
		if (row.header && row.sheet && !fc->sheet)
			name_sheet(in, fc, row.sheet);
		if (row.header) {
			/*
			 * A header that is not what it should be may be one
			 * read as UTF-8 on trust: settle the encoding first.
			 */
			have_header = false;
			if (row.problem == READER_UNSPLIT ||
			    row.problem == READER_BAD_ENCODING) {
				rc = settle(in, fc, r, &err);
				if (rc < 0)
					break;
				if (rc == READER_RESTART)
					continue;
			}
			if (row.problem == READER_UNSPLIT) {
				unrecognised(in, fc, "the header is not valid "
					     "CSV: %s at line %u, character %u",
					     row.error, row.error_line,
					     row.error_column);
				goto out;
			}
			if (read_header(in, fc, row.fields, row.lens,
					row.nfields) < 0) {
				/* Perhaps it is a GB18030 header, read as UTF-8. */
				rc = settle(in, fc, r, &err);
				if (rc < 0)
					break;
				if (rc == READER_RESTART)
					continue;
				goto out;
			}
			have_header = true;
			/* Part 0 said what the header's names call for. */
			if (in->plan && in->part)
				diag_release(&in->out->d);
			continue;
		}
		take_row(in, fc, &row, reader_encoding(r));
	}
	/* A header refused (ingest.max_header_bytes): the file is skipped. */
	if (rc < 0)
		in->out->failed = true;
	if (r)
		in->out->invalid = reader_invalid(r);
	if (rc < 0 && !have_header && !*fc->f->why)
		unrecognised(in, fc, "%s", err.s);
	else if (rc < 0)
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0, "%s",
			    err.s);
	if (fc->error_cells)
		diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 0, 0,
			    "%zu error cells (#N/A, #DIV/0! ...) read as empty",
			    fc->error_cells);
	if (reader_warning(r)) {
		diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 0, 0,
			    "%s", reader_warning(r));
		fc->f->partly_read = true;
	}
	if (!have_header && !*fc->f->why)
		unrecognised(in, fc, "%s", reader_empty_reason(r));
out:
	/* Stopped early: the note says what the file is. */
	if (r && reader_settle(r, &err) < 0)
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0, "%s",
			    err.s);
	if (r) {
		const char *why = reader_encoding_why(r);

		fc->f->encoding = reader_encoding(r);
		if (why)
			in->out->enc_why = arena_strdup(&in->arena, why);
		(void)reader_sha256(r, fc->f->sha256);
	} else if (!strcmp(fc->f->encoding, "UTF-8")) {
		/* A file of a fixed encoding is hashed even when unread. */
		(void)sha256_file(fc->real_path, fc->f->sha256);
	}
	reader_close(r);
	buf_release(&err);
}

/* ---- the normaliser's life ---- */

/*
 * True when the file at fc's path is no longer the one read: its size,
 * modification time or inode differ from when refuse_file() opened it.
 * HUIFANG_TEST_GROW_INPUT=n appends a line end to the file after each of
 * its first n readings, to test this (tests/e2e/hostile.sh).
 */
static bool changed_since_open(struct file_ctx *fc)
{
	if (!fc->have_opened)
		return false;
	return normalise_changed(fc->real_path, &fc->opened, &fc->grown);
}

bool normalise_changed(const char *path, const struct stat *opened,
		       unsigned long *grown)
{
	const char *grow = getenv("HUIFANG_TEST_GROW_INPUT");
	struct stat now;

	if (grow && *grown < strtoul(grow, NULL, 10)) {
		FILE *fp = fopen(path, "ab");

		(*grown)++;
		if (fp) {
			fputc('\n', fp);
			fclose(fp);
		}
	}
	if (stat(path, &now) < 0)
		return true;
	return now.st_size != opened->st_size ||
	       now.st_ino != opened->st_ino ||
	       now.st_mtim.tv_sec != opened->st_mtim.tv_sec ||
	       now.st_mtim.tv_nsec != opened->st_mtim.tv_nsec;
}

static void ctx_init(struct ingest *in, struct file_ctx *fc, uint32_t i,
		     struct input_file *f, struct file_out *out)
{
	memset(fc, 0, sizeof(*fc));
	fc->file = i;
	fc->f = f;
	fc->key_col = -1;
	fc->p = source_match(in->cfg, f->name ? f->name : f->path);
	in->out = out;
	/* A sheet renames the file "book.xlsx[Sheet1]": keep the real one. */
	fc->real_path = f->path;
	fc->real_name = f->name;
}

void normalise_part(struct ingest *in, uint32_t i, const struct csv_plan *plan,
		    size_t k, struct input_file *f, struct file_out *out)
{
	struct file_ctx fc;

	ctx_init(in, &fc, i, f, out);
	in->plan = plan;
	in->part = k;
	read_table(in, &fc);
	in->plan = NULL;
	in->part = 0;
	in->out = NULL;
	string_list_clear(&fc.warned);
}

/*
 * Reads file i whole; 'again' when this is its second reading (the first
 * was in parts, and the file changed during it), 'grown' the test hook's
 * appends so far.
 */
static void read_file(struct ingest *in, struct ticket_set *set, uint32_t i,
		      struct file_out *out, bool again, unsigned long grown)
{
	struct file_ctx fc;

	ctx_init(in, &fc, i, &set->files[i], out);
	fc.grown = grown;
	read_table(in, &fc);
	/*
	 * A file rewritten while it was read (an export still being copied
	 * in) gives a mix of two versions or half of one: it is read once
	 * more, and if it changes again it is unreadable (exit 66).
	 */
	if (!again && changed_since_open(&fc)) {
		forget_file(in, &fc);
		fc.error_cells = 0;
		fc.f->path = fc.real_path;
		fc.f->name = fc.real_name;
		fc.sheet = false;
		read_table(in, &fc);
		again = true;
	}
	if (again && changed_since_open(&fc)) {
		forget_file(in, &fc);
		fc.f->changed = true;
		fc.f->why = "it changed while it was read, twice";
		diag_report(&out->d, DIAG_ERROR, fc.f->path, 0, 0,
			    "cannot read: %s", fc.f->why);
	}
	in->out = NULL;
	string_list_clear(&fc.warned);
}

void normalise_file(struct ingest *in, struct ticket_set *set, uint32_t i,
		    struct file_out *out)
{
	read_file(in, set, i, out, false, 0);
}

void normalise_reread(struct ingest *in, struct ticket_set *set, uint32_t i,
		      struct file_out *out, unsigned long grown)
{
	read_file(in, set, i, out, true, grown);
}

void normaliser_init(struct ingest *in, const struct ingest_opts *opts,
		     const struct config *cfg, const struct matcher *m)
{
	memset(in, 0, sizeof(*in));
	in->opts = opts;
	in->cfg = cfg;
	in->m = m;
	in->names = (struct hashtab)HASHTAB_INIT(sizeof(struct name), 1024,
						 name_rehash);
	arena_init(&in->arena);
	buf_init(&in->fold);
}

void normaliser_release(struct ingest *in, struct ticket_set *set)
{
	arena_adopt(&set->arena, &in->arena);
	hashtab_release(&in->names);
	buf_release(&in->fold);
}

void matcher_release(struct matcher *mt)
{
	int c;

	for (c = 0; c < COL_COUNT; c++) {
		buf_release(&mt->canon_key[c]);
		string_list_clear(&mt->alias_keys[c]);
	}
}
