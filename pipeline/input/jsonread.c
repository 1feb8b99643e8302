/*
 * jsonread.c - JSON and JSON Lines record by record (see jsonread.h).
 *
 * The outer structure ([ ... ] or {"records": [ ... ]}) is walked here by
 * hand; each record's extent is found by counting brackets outside strings
 * (in JSON Lines, by the line's end). A record is then read by
 * read_flat(): one pass that takes an object of scalar values written as
 * strict JSON straight into fields, its keys numbered through a table of
 * the file's keys (the previous record's key at the same place is tried
 * first, so a file of records alike hashes each key once). Whatever
 * read_flat() does not take, it leaves to read_tree(), the reference:
 * the record's text through cJSON_ParseWithLengthOpts(), its faults
 * found and described in a fixed order. read_flat() takes a record only
 * when read_tree() would find it good and give the same fields, so the
 * diagnostics are read_tree()'s alone (the fuzz target and the unit
 * tests compare the two, record by record). The buffer keeps
 * the bytes from 'mark' (the start of the record being read) on, and grows
 * only when one record is larger than it.
 *
 * Invariants: buf[pos] is at file offset buf_off + pos, on line 'line'
 * after 'col' characters of that line; bytes before mark may be dropped.
 * Lines are counted at LF (so CRLF files count right).
 */
#define _GNU_SOURCE    /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/jsonread.h"
#include "util/hashtab.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BLOCK ((size_t)1 << 20)
#define END_OF_INPUT (-1)
#define READ_ERROR (-2)

enum state {
	S_START, S_WRAPPER, S_WRAPPER_SEP, S_ARRAY_FIRST, S_ARRAY_NEXT,
	S_TRAIL, S_DONE
};

struct json_reader {
	int fd;
	char *path;
	char *buf;
	size_t cap, end, pos, mark;
	bool eof, owns_buf, lines, wrapped;
	bool in_records;        /* the records array has been entered */
	uint64_t buf_off;
	uint32_t line, col;
	enum state state;
	cJSON *cur;
	struct buf msg, ctx, key, lost;
	struct buf quoted;      /* a record with its long integers quoted */
	size_t *quote_end;      /* where each quoted literal ends in it */
	size_t nquote, aquote;
	/* The duplicate-key check of a record with many keys: its keys so
	 * far (names are cJSON's) and a table of struct hashtab_index into
	 * them, emptied after each record. */
	struct hashtab seen;
	const char **seen_key;
	size_t nseen, aseen;
	/* The keys leading to the records: "records" unless the caller set
	 * a path (json_reader_set_records); depth counts the objects the
	 * reader is inside. */
	char *records;          /* the path as given, for messages */
	char **seg;
	size_t nseg, depth;
	bool path_set, found;
	bool tree_only;         /* json_reader_use_tree() */
	/* The fields of the current record; their texts in 'text' (at
	 * key_off and text_off until the record is complete, since the
	 * buffer may move). */
	struct json_field *field;
	size_t *key_off, *text_off;
	size_t nfield, afield;
	struct buf text;
	/* The file's keys by number; stamp[id] is the last record holding
	 * the key (the duplicate check); prev_id[i] the previous record's
	 * i-th key. */
	struct hashtab kid;     /* of struct hashtab_index into kname[] */
	char **kname;
	size_t *klen;
	bool *kplain;           /* the key has no '"' or '\\' */
	uint64_t *stamp;
	size_t nk, ak;
	uint32_t *prev_id;
	size_t nprev, aprev;
	uint64_t recno;
	/* json_reader_keep(): the records read, encoded in 'kept' (see
	 * keep_record()), for json_reader_rewind() to give again; 'whole'
	 * once the first reading has ended (end_rc, and end_err its text). */
	size_t keep_max;
	bool keeping, whole, replaying;
	struct buf kept, end_err;
	size_t replay_at;
	int end_rc;
	/* The file's SHA-256 over its bytes in order, whatever reads them. */
	struct sha256_ctx sha;
	uint64_t hashed;
};

/*
 * buf_add() and buf_addch() without a call for each: the reader adds a
 * few bytes at a time, tens of millions of times a file.
 */
static inline void add_bytes(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void add_byte(struct buf *b, int c)
{
	if (b->len + 2 > b->cap)
		buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

static int refill(struct json_reader *r, struct buf *err)
{
	ssize_t n;

	if (r->eof)
		return 0;
	if (r->mark) {
		memmove(r->buf, r->buf + r->mark, r->end - r->mark);
		r->buf_off += r->mark;
		r->end -= r->mark;
		r->pos -= r->mark;
		r->mark = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		buf_addf(err, "%s: %s", r->path, strerror(errno));
		return -1;
	}
	if (!n)
		r->eof = true;
	/* Hash what has not been hashed (a rewound reader reads again). */
	if (r->buf_off + r->end + (uint64_t)n > r->hashed &&
	    r->buf_off + r->end <= r->hashed) {
		size_t skip = (size_t)(r->hashed - r->buf_off - r->end);

		sha256_update(&r->sha, r->buf + r->end + skip, (size_t)n - skip);
		r->hashed += (size_t)n - skip;
	}
	r->end += (size_t)n;
	return 0;
}

/* The byte k past pos, END_OF_INPUT, or READ_ERROR. */
static int peek(struct json_reader *r, size_t k, struct buf *err)
{
	while (r->pos + k >= r->end) {
		if (r->eof)
			return END_OF_INPUT;
		if (refill(r, err) < 0)
			return READ_ERROR;
	}
	return (unsigned char)r->buf[r->pos + k];
}

/* The characters in s[0..n): the bytes that do not continue one. */
static uint32_t count_chars(const char *s, size_t n)
{
	uint32_t k = 0;
	size_t i;

	/* No branch: the compiler does this many bytes at a time. */
	for (i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

static void advance(struct json_reader *r, size_t n)
{
	const char *s = r->buf + r->pos, *nl = memchr(s, '\n', n);

	if (!nl) {
		r->col += count_chars(s, n);
	} else {
		const char *last = nl;

		/* Count the line ends with memchr, not byte by byte. */
		do {
			r->line++;
			last = nl;
			nl = memchr(nl + 1, '\n', (size_t)(s + n - nl - 1));
		} while (nl);
		r->col = count_chars(last + 1, (size_t)(s + n - last - 1));
	}
	r->pos += n;
	if (r->mark < r->pos && r->state != S_DONE)
		r->mark = r->pos;
}

static int skip_space(struct json_reader *r, struct buf *err)
{
	for (;;) {
		int c = peek(r, 0, err);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			advance(r, 1);
		else
			return c;
	}
}

static int structure_error(struct json_reader *r, struct buf *err,
			   const char *what)
{
	buf_addf(err, "%s:%u:%u: %s", r->path, r->line, r->col + 1, what);
	r->state = S_DONE;
	return -1;
}

/*
 * The extent of the value at pos: *len bytes. Returns 0, or READ_ERROR.
 * Strings are crossed by memchr() to their quote or next escape, not
 * byte by byte; only the bytes between strings are looked at one by one.
 * Whether the value holds a NUL is read_record()'s question.
 */
static int scan_value(struct json_reader *r, size_t *len, struct buf *err)
{
	size_t k = 0;
	int depth = 0, c;
	bool in_str = false, esc = false;

	c = peek(r, 0, err);
	if (c == READ_ERROR)
		return READ_ERROR;
	if (c != '{' && c != '[' && c != '"') {
		/* A scalar: up to the next delimiter. */
		while ((c = peek(r, k, err)) >= 0 && c != ',' && c != ']' &&
		       c != '}' && c != ' ' && c != '\t' && c != '\r' &&
		       c != '\n')
			k++;
		*len = k;
		return c == READ_ERROR ? READ_ERROR : 0;
	}
	for (;;) {
		const char *p, *e;

		/* What is buffered from pos + k on; more when it is used up. */
		c = peek(r, k, err);
		if (c == READ_ERROR)
			return READ_ERROR;
		if (c == END_OF_INPUT)
			break;
		p = r->buf + r->pos + k;
		e = r->buf + r->end;
		if (in_str) {
			const char *q, *b;

			if (esc) {
				/* the escaped byte, in the block before */
				esc = false;
				k++;
				continue;
			}
			q = memchr(p, '"', (size_t)(e - p));
			b = memchr(p, '\\', (size_t)((q ? q : e) - p));
			if (b) {
				/* An escape: skip it and the byte it escapes. */
				if (b + 1 < e) {
					k += (size_t)(b + 2 - p);
				} else {
					esc = true;
					k += (size_t)(e - p);
				}
				continue;
			}
			if (!q) {
				k += (size_t)(e - p);
				continue;
			}
			k += (size_t)(q + 1 - p);
			in_str = false;
			if (!depth)
				break;
			continue;
		}
		k++;
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth <= 0)
				break;
		}
	}
	*len = k;
	return 0;
}

/* The line of text around p for a caret, from within the record. */
static void error_at(struct json_reader *r, struct json_record *rec,
		     const char *p, const char *what)
{
	const char *s = rec->text, *ls = s, *le;
	size_t i, n = (size_t)(p - s);
	uint32_t line = rec->line, col = rec->column - 1;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			line++;
			col = 0;
			ls = s + i + 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	le = memchr(p, '\n', rec->len - n);
	if (!le)
		le = s + rec->len;
	buf_reset(&r->msg);
	buf_adds(&r->msg, what);
	buf_reset(&r->ctx);
	/*
	 * The bytes before the record on its first line may be gone from the
	 * buffer; spaces stand in for them so that the caret lines up.
	 */
	if (ls == s)
		for (i = 1; i < rec->column; i++)
			buf_addch(&r->ctx, ' ');
	text_escape_invalid(&r->ctx, ls, (size_t)(le - ls));
	rec->malformed = true;
	rec->error = r->msg.s;
	rec->error_line = line;
	rec->error_column = col + 1;
	rec->error_context = r->ctx.s;
}

static const char *kind_of(const cJSON *v)
{
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "not an object";
}

/*
 * Where the first NUL of text lies: a raw NUL byte, or the escape \u0000
 * inside a string; text + len when there is none.
 */
static const char *find_nul(const char *text, size_t len)
{
	bool in_str = false, esc = false;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];

		if (!c)
			return text + i;
		if (!in_str) {
			in_str = c == '"';
		} else if (esc) {
			esc = false;
			if (c == 'u' && len - i > 4 && !memcmp(text + i + 1,
							       "0000", 4))
				return text + i - 1;
		} else if (c == '\\') {
			esc = true;
		} else if (c == '"') {
			in_str = false;
		}
	}
	return text + len;
}

/* True when v holds a number a double cannot hold (1e400). */
static bool out_of_range(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsNumber(v))
		return !isfinite(v->valuedouble);
	for (c = v->child; c; c = c->next)
		if (out_of_range(c))
			return true;
	return false;
}

/*
 * SPEC §9.25: an integer literal of 16 digits or more does not survive a
 * double (a 19-digit snowflake id loses its last digits, and neighbouring
 * ids merge into one ticket). Such literals outside strings are quoted
 * before cJSON sees them, so their text is kept exactly as written, and so
 * are numbers written with an exponent or with 16 or more digits before a
 * fraction: a ticket number Excel damaged (8.22025E+17) must reach the
 * normaliser as written to be counted damaged (§9.25). Shorter integers,
 * which a double holds exactly, and ordinary fractions stay numbers
 * (§8.6). Returns true, with the record in out, when anything was quoted.
 */
/* Whether the number literal s (not NUL-terminated) fits a double. */
static bool finite_literal(const char *s, size_t len)
{
	char tmp[64];

	if (len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return isfinite(strtod(tmp, NULL));
}

static bool quote_long_integers(const char *s, size_t len, struct buf *out,
				struct json_reader *r)
{
	size_t i = 0, from = 0;
	bool in_str = false, quoted = false;

	buf_reset(out);
	r->nquote = 0;
	while (i < len) {
		size_t start = i, ndigits = 0;
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			i++;
			continue;
		}
		if (c == '"') {
			in_str = true;
			i++;
			continue;
		}
		if (c != '-' && !(c >= '0' && c <= '9')) {
			i++;
			continue;
		}
		if (c == '-')
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, ndigits++;
		if (i < len && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
			bool expo = false;

			while (i < len && (s[i] == '.' || s[i] == 'e' ||
					   s[i] == 'E' || s[i] == '+' ||
					   s[i] == '-' ||
					   (s[i] >= '0' && s[i] <= '9'))) {
				expo |= s[i] == 'e' || s[i] == 'E';
				i++;
			}
			/*
			 * A fraction stays a number, as it was, unless its
			 * integer part is too long for a double. An exponent
			 * (8.22025E+17) keeps the text it was written with:
			 * in a ticket-number column that is the damaged id
			 * §9.25 counts, where its decimal expansion would be
			 * a plausible number that hides the damage.
			 */
			if (!expo && ndigits < 16)
				continue;
			/* Beyond a double (1e400) it stays a number: the
			 * record is malformed, as it always was. */
			if (expo && !finite_literal(s + start, i - start))
				continue;
		} else if (ndigits < 16) {
			continue;
		}
		buf_add(out, s + from, start - from);
		buf_addch(out, '"');
		buf_add(out, s + start, i - start);
		buf_addch(out, '"');
		ALLOC_GROW(r->quote_end, r->nquote + 1, r->aquote);
		r->quote_end[r->nquote++] = out->len;
		from = i;
		quoted = true;
	}
	if (quoted)
		buf_add(out, s + from, len - from);
	return quoted;
}

static void json_reader_free_path(struct json_reader *r)
{
	size_t i;

	for (i = 0; i < r->nseg; i++)
		free(r->seg[i]);
	free(r->seg);
	free(r->records);
	r->seg = NULL;
	r->records = NULL;
	r->nseg = 0;
}

static void json_reader_set_path(struct json_reader *r, const char *path)
{
	const char *p = path, *dot;

	json_reader_free_path(r);
	r->records = xstrdup(path);
	for (;;) {
		dot = strchr(p, '.');
		r->seg = xrealloc(r->seg, (r->nseg + 1) * sizeof(*r->seg));
		r->seg[r->nseg++] = dot ? xstrndup(p, (size_t)(dot - p))
					: xstrdup(p);
		if (!dot)
			break;
		p = dot + 1;
	}
	r->path_set = true;
}

int json_reader_set_records(struct json_reader *r, const char *path)
{
	if (!*path || path[0] == '.' || path[strlen(path) - 1] == '.' ||
	    strstr(path, "..") || r->state != S_START)
		return -1;
	json_reader_set_path(r, path);
	return 0;
}

/* Whether key (a JSON string as written, quotes included) is name. */
static bool is_key(const struct buf *key, const char *name)
{
	size_t n = strlen(name);

	return key->len == n + 2 && !memcmp(key->s + 1, name, n);
}

/* A structure error about the records' path: "data.list" is not .... */
static int path_error(struct json_reader *r, struct buf *err,
		      const char *what)
{
	struct buf msg = BUF_INIT;
	int ret;

	buf_addf(&msg, "\"%s\" %s", r->records, what);
	ret = structure_error(r, err, msg.s);
	buf_release(&msg);
	return ret;
}

/*
 * The key of obj that is written twice, or NULL: of the keys that appear
 * again later in the record, the one whose first appearance comes first.
 * Up to eight keys are compared pairwise; more go through a hash table, so
 * that the check is linear: a record of 40,000 distinct keys costs 40,000
 * lookups, where comparing every pair took 25 s (issue 20).
 */
static const char *duplicate_key(struct json_reader *r, const cJSON *obj)
{
	const cJSON *a, *b;
	const char *dup = NULL;
	size_t n = 0, first = SIZE_MAX;

	for (a = obj->child; a; a = a->next)
		n++;
	if (n <= 8) {
		for (a = obj->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (!strcmp(a->string, b->string))
					return a->string;
		return NULL;
	}
	r->nseen = 0;
	for (a = obj->child; a; a = a->next) {
		size_t len = strlen(a->string), i;
		uint32_t h = text_hash(a->string, len);
		struct hashtab_index *k;

		hashtab_reserve(&r->seen);
		for (i = hashtab_start(&r->seen, h);
		     (k = hashtab_at(&r->seen, i))->index1;
		     i = hashtab_next(&r->seen, i))
			if (k->hash == h &&
			    !strcmp(r->seen_key[k->index1 - 1], a->string))
				break;
		if (k->index1) {
			/* A repeat: its first appearance may be the earliest. */
			if (k->index1 - 1 < first) {
				first = k->index1 - 1;
				dup = r->seen_key[first];
			}
			continue;
		}
		ALLOC_GROW(r->seen_key, r->nseen + 1, r->aseen);
		r->seen_key[r->nseen++] = a->string;
		k->hash = h;
		k->index1 = (uint32_t)r->nseen;
		r->seen.n++;
	}
	/*
	 * Empty the table for the next record; one sized for a far larger
	 * record than this goes, so that emptying stays linear in the keys.
	 */
	if (r->seen.cap > 8 * n)
		hashtab_release(&r->seen);
	else if (r->seen.cap)
		memset(r->seen.slots, 0, r->seen.cap * r->seen.size);
	r->seen.n = 0;
	return dup;
}

/*
 * The number of the key k (len bytes, NUL-terminated) of the i-th field
 * of a record: the previous record's i-th key when it is the same, else
 * looked up in (or added to) the file's keys.
 */
static uint32_t key_number(struct json_reader *r, const char *k, size_t len,
			   size_t i)
{
	struct hashtab_index *slot;
	uint32_t h;
	size_t at;

	if (i < r->nprev) {
		uint32_t id = r->prev_id[i];

		if (r->klen[id] == len && !memcmp(r->kname[id], k, len))
			return id;
	}
	h = text_hash(k, len);
	hashtab_reserve(&r->kid);
	for (at = hashtab_start(&r->kid, h);
	     (slot = hashtab_at(&r->kid, at))->index1;
	     at = hashtab_next(&r->kid, at))
		if (slot->hash == h && r->klen[slot->index1 - 1] == len &&
		    !memcmp(r->kname[slot->index1 - 1], k, len))
			return slot->index1 - 1;
	if (r->nk == r->ak) {
		/* The arrays beside kname grow with it, not at every key. */
		ALLOC_GROW(r->kname, r->nk + 1, r->ak);
		r->klen = xreallocarray(r->klen, r->ak, sizeof(*r->klen));
		r->stamp = xreallocarray(r->stamp, r->ak, sizeof(*r->stamp));
		r->kplain = xreallocarray(r->kplain, r->ak,
					  sizeof(*r->kplain));
	}
	r->kname[r->nk] = xstrndup(k, len);
	r->klen[r->nk] = len;
	r->kplain[r->nk] = !memchr(k, '"', len) && !memchr(k, '\\', len);
	r->stamp[r->nk] = 0;
	slot->hash = h;
	slot->index1 = (uint32_t)++r->nk;
	r->kid.n++;
	return (uint32_t)r->nk - 1;
}

/* A new field whose key starts at the end of r->text. */
static struct json_field *field_add(struct json_reader *r)
{
	if (r->nfield == r->afield) {
		ALLOC_GROW(r->field, r->nfield + 1, r->afield);
		r->key_off = xreallocarray(r->key_off, r->afield,
					   sizeof(*r->key_off));
		r->text_off = xreallocarray(r->text_off, r->afield,
					    sizeof(*r->text_off));
	}
	r->key_off[r->nfield] = r->text.len;
	return &r->field[r->nfield++];
}

/*
 * Numbers the keys of the fields read and points them and the values
 * into r->text. Returns -1 when a key is written twice (read_flat()
 * leaves that record to read_tree(), which names the key).
 */
static int fields_finish(struct json_reader *r)
{
	bool twice = false;
	size_t i;

	r->recno++;
	if (r->nfield > r->aprev)
		ALLOC_GROW(r->prev_id, r->nfield, r->aprev);
	for (i = 0; i < r->nfield; i++) {
		struct json_field *f = &r->field[i];
		uint32_t id;

		f->text = r->text.s + r->text_off[i];
		if (r->key_off[i] == SIZE_MAX) {
			/* read_flat() knew the key: the previous record's */
			id = r->prev_id[i];
			f->key = r->kname[id];
		} else {
			f->key = r->text.s + r->key_off[i];
			id = key_number(r, f->key, f->key_len, i);
		}
		/* All keys are numbered even so, as read_tree() numbers
		 * them, so that the numbers do not depend on the path. */
		twice |= r->stamp[id] == r->recno;
		r->stamp[id] = r->recno;
		f->key_id = id;
		r->prev_id[i] = id;
	}
	r->nprev = r->nfield;
	return twice ? -1 : 0;
}

/* Numbers the keys of a record that read_tree() found a key twice in,
 * as fields_finish() numbers them. */
static void tree_keys(struct json_reader *r)
{
	const cJSON *item;
	size_t i = 0;

	for (item = r->cur->child; item; item = item->next)
		key_number(r, item->string, strlen(item->string), i++);
}

static const char *skip_blank(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int hex4(const char *p)
{
	int v = 0, i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Whether s[0..n) is valid UTF-8 without a NUL: eight bytes at a time
 * for the ASCII and the NUL test, utf8_valid() only for text that is not
 * all ASCII.
 */
static bool plain_text(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = ones << 7;
	uint64_t high = 0, zero = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		high |= w;
		zero |= (w - ones) & ~w & highs;
	}
	for (; i < n; i++) {
		high |= (unsigned char)s[i];
		zero |= !s[i];
	}
	if (zero)
		return false;
	return !(high & highs) || utf8_valid(s, n, NULL);
}

/*
 * The string whose text starts at p (after its quote), decoded onto
 * r->text with a NUL after it; *len its decoded length. Returns the byte
 * after the closing quote, or NULL for anything cJSON might read
 * otherwise or reject: a bad escape, a surrogate not in a pair, \u0000,
 * invalid UTF-8 or a NUL byte. The bytes between escapes are copied as
 * they are, as cJSON copies them.
 */
static const char *flat_string(struct json_reader *r, const char *p,
			       const char *e, size_t *len)
{
	size_t start = r->text.len;

	for (;;) {
		const char *q = memchr(p, '"', (size_t)(e - p)), *b;
		int c;

		if (!q)
			return NULL;
		b = memchr(p, '\\', (size_t)(q - p));
		if (!plain_text(p, (size_t)((b ? b : q) - p)))
			return NULL;
		if (!b) {
			add_bytes(&r->text, p, (size_t)(q - p));
			*len = r->text.len - start;
			add_byte(&r->text, '\0');
			return q + 1;
		}
		add_bytes(&r->text, p, (size_t)(b - p));
		if (e - b < 2)
			return NULL;
		p = b + 2;
		switch (b[1]) {
		case '"': case '\\': case '/':
			add_byte(&r->text, b[1]);
			continue;
		case 'b': add_byte(&r->text, '\b'); continue;
		case 'f': add_byte(&r->text, '\f'); continue;
		case 'n': add_byte(&r->text, '\n'); continue;
		case 'r': add_byte(&r->text, '\r'); continue;
		case 't': add_byte(&r->text, '\t'); continue;
		case 'u': break;
		default: return NULL;
		}
		if (e - p < 4 || (c = hex4(p)) <= 0 ||
		    (c >= 0xD800 && c <= 0xDFFF))
			return NULL;
		p += 4;
		{
			char u[3];

			if (c < 0x80) {
				add_byte(&r->text, c);
			} else if (c < 0x800) {
				u[0] = (char)(0xC0 | c >> 6);
				u[1] = (char)(0x80 | (c & 0x3F));
				add_bytes(&r->text, u, 2);
			} else {
				u[0] = (char)(0xE0 | c >> 12);
				u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
				u[2] = (char)(0x80 | (c & 0x3F));
				add_bytes(&r->text, u, 3);
			}
		}
	}
}

/*
 * Whether the key at p (after its quote) is the previous record's key in
 * the same place, written as it was (a key without '"' or '\\' is its
 * own text): then it needs no decoding, checking or hashing, and the
 * field's key is the table's (key_off SIZE_MAX tells fields_finish()).
 */
static bool key_as_before(struct json_reader *r, const char *p,
			  const char *e, struct json_field *f)
{
	size_t i = r->nfield - 1, n;
	uint32_t id;

	if (i >= r->nprev)
		return false;
	id = r->prev_id[i];
	n = r->klen[id];
	if (!r->kplain[id] || (size_t)(e - p) <= n || p[n] != '"' ||
	    memcmp(p, r->kname[id], n))
		return false;
	f->key_len = n;
	r->key_off[i] = SIZE_MAX;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The number at p, written as strict JSON, as text onto r->text with a
 * NUL after it, as read_tree() gives it: one that quote_long_integers()
 * quotes (16 digits or more before any fraction, or an exponent) as
 * written; -0 as 0; a shorter integer as written; a fraction through
 * strtod() and add_number(), as cJSON and json_value_text() take it.
 * NULL for anything else (leading zeros, a lone '-', a number beyond a
 * double): read_tree() decides.
 */
static void add_number(struct buf *out, double v);

static const char *flat_number(struct json_reader *r, const char *p,
			       const char *e, size_t *len)
{
	const char *s = p;
	size_t ndigits = 0, start = r->text.len;
	bool frac = false, expo = false;

	if (*p == '-')
		p++;
	if (p == e || !is_digit(*p) || (*p == '0' && p + 1 < e &&
					  is_digit(p[1])))
		return NULL;
	while (p < e && is_digit(*p))
		p++, ndigits++;
	if (p < e && *p == '.') {
		frac = true;
		if (++p == e || !is_digit(*p))
			return NULL;
		while (p < e && is_digit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		expo = true;
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p == e || !is_digit(*p))
			return NULL;
		while (p < e && is_digit(*p))
			p++;
		if (!finite_literal(s, (size_t)(p - s)))
			return NULL;
	}
	if (expo || ndigits >= 16) {
		add_bytes(&r->text, s, (size_t)(p - s));
	} else if (!frac) {
		if (p - s == 2 && s[0] == '-' && s[1] == '0')
			add_byte(&r->text, '0');
		else
			add_bytes(&r->text, s, (size_t)(p - s));
	} else {
		char tmp[64];

		if ((size_t)(p - s) >= sizeof(tmp))
			return NULL;
		memcpy(tmp, s, (size_t)(p - s));
		tmp[p - s] = '\0';
		add_number(&r->text, strtod(tmp, NULL));
	}
	*len = r->text.len - start;
	add_byte(&r->text, '\0');
	return p;
}

/*
 * The one-pass reading of the record s[0..len): 0 with the fields in
 * r->field, or -1 when the record is not an object of scalar values
 * written as strict JSON without a key written twice (read_tree() then
 * reads it). The caller has found no NUL in it.
 */
static int read_flat(struct json_reader *r, const char *s, size_t len)
{
	const char *p, *e = s + len;

	r->nfield = 0;
	buf_reset(&r->text);
	p = skip_blank(s, e);
	if (p == e || *p != '{')
		return -1;
	p = skip_blank(p + 1, e);
	if (p < e && *p == '}') {
		p++;
		goto end;
	}
	for (;;) {
		struct json_field *f;

		if (p == e || *p != '"')
			return -1;
		f = field_add(r);
		p++;
		if (!key_as_before(r, p, e, f)) {
			p = flat_string(r, p, e, &f->key_len);
			if (!p)
				return -1;
		} else {
			p += f->key_len + 1;
		}
		p = skip_blank(p, e);
		if (p == e || *p != ':')
			return -1;
		p = skip_blank(p + 1, e);
		if (p == e)
			return -1;
		r->text_off[r->nfield - 1] = r->text.len;
		f->kind = JSON_TEXT;
		if (*p == '"') {
			p = flat_string(r, p + 1, e, &f->len);
		} else if (*p == '-' || is_digit(*p)) {
			p = flat_number(r, p, e, &f->len);
		} else {
			static const char *const word[] = {
				"true", "false", "null"
			};
			size_t w, n = 0;

			for (w = 0; w < 3; w++) {
				n = strlen(word[w]);
				if ((size_t)(e - p) >= n &&
				    !memcmp(p, word[w], n))
					break;
			}
			if (w == 3)
				return -1;
			/* null is empty (SPEC §8 rule 6) */
			f->len = w < 2 ? n : 0;
			add_bytes(&r->text, p, f->len);
			add_byte(&r->text, '\0');
			p += n;
		}
		if (!p)
			return -1;
		p = skip_blank(p, e);
		if (p == e)
			return -1;
		if (*p == '}') {
			p++;
			break;
		}
		if (*p != ',')
			return -1;
		p = skip_blank(p + 1, e);
	}
end:
	if (skip_blank(p, e) != e)
		return -1;
	return fields_finish(r);
}

/* The fields of a good record that read_tree() parsed. */
static void tree_fields(struct json_reader *r)
{
	const cJSON *item;

	r->nfield = 0;
	buf_reset(&r->text);
	for (item = r->cur->child; item; item = item->next) {
		struct json_field *f = field_add(r);

		f->key_len = strlen(item->string);
		add_bytes(&r->text, item->string, f->key_len);
		add_byte(&r->text, '\0');
		r->text_off[r->nfield - 1] = r->text.len;
		f->kind = JSON_TEXT;
		if (json_value_text(item, &r->text) < 0) {
			char *p = cJSON_PrintUnformatted(item);

			f->kind = cJSON_IsArray(item) ? JSON_ARRAY
						      : JSON_OBJECT;
			buf_adds(&r->text, p ? p : "");
			cJSON_free(p);
		}
		f->len = r->text.len - r->text_off[r->nfield - 1];
		add_byte(&r->text, '\0');
	}
	fields_finish(r);
}

/* Reads the value at pos as one record into rec. */
static int read_record(struct json_reader *r, struct json_record *rec,
		       size_t len)
{
	const char *end = NULL, *dup;
	bool nul;
	size_t bad;

	memset(rec, 0, sizeof(*rec));
	rec->line = r->line;
	rec->column = r->col + 1;
	rec->text = r->buf + r->pos;
	rec->len = len;
	cJSON_Delete(r->cur);
	r->cur = NULL;
	if (!r->tree_only && !read_flat(r, rec->text, len)) {
		rec->good = true;
		rec->fields = r->field;
		rec->nfields = r->nfield;
		goto out;
	}
	/* A NUL is rare: look for the escape at all before walking the
	 * strings to see whether it is one. */
	nul = memchr(rec->text, '\0', len) ||
	      (memmem(rec->text, len, "\\u0000", 6) &&
	       find_nul(rec->text, len) < rec->text + len);
	if (!utf8_valid(rec->text, len, &bad)) {
		rec->bad_encoding = true;
		rec->bad_offset = r->buf_off + r->pos + bad;
		error_at(r, rec, rec->text + bad, "invalid UTF-8");
		goto out;
	}
	if (nul) {
		const char *z = find_nul(rec->text, len);

		/*
		 * SPEC: a NUL cannot be stored in a value, and cutting the
		 * value there would merge two tickets: the row is
		 * bad_encoding, raw NUL byte or \u0000 escape alike.
		 */
		rec->bad_encoding = true;
		rec->bad_offset = r->buf_off + r->pos + (uint64_t)(z - rec->text);
		error_at(r, rec, z, "NUL character (\\u0000)");
		goto out;
	}
	if (quote_long_integers(rec->text, len, &r->quoted, r)) {
		/*
		 * The quoted copy parses exactly when the record does, and
		 * what follows the value is the same text; errors are found
		 * in the record as written, below, so their columns are true.
		 * The end of the value in the record is its end in the copy
		 * less the two quotes of each literal quoted before it (a
		 * value can end before the literals: "0 {... 1234...}").
		 */
		const char *qend = NULL;

		r->cur = cJSON_ParseWithLengthOpts(r->quoted.s, r->quoted.len,
						   &qend, 0);
		if (r->cur && qend) {
			size_t at = (size_t)(qend - r->quoted.s), k;

			for (k = 0; k < r->nquote && r->quote_end[k] <= at; k++)
				;
			end = rec->text + at - 2 * k;
		}
	}
	if (!r->cur)
		r->cur = cJSON_ParseWithLengthOpts(rec->text, len, &end, 0);
	if (!r->cur) {
		const char *p = end ? end : cJSON_GetErrorPtr();

		if (!p || p < rec->text || p > rec->text + len)
			p = rec->text;
		error_at(r, rec, p, "JSON syntax error");
		goto out;
	}
	for (; end < rec->text + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
			error_at(r, rec, end, "unexpected text after the record");
			goto out;
		}
	if (out_of_range(r->cur)) {
		error_at(r, rec, rec->text, "a number too large for any value "
			 "(it would read as infinity)");
		goto out;
	}
	if (!cJSON_IsObject(r->cur)) {
		buf_reset(&r->key);
		buf_addf(&r->key, "record is %s, not an object",
			 kind_of(r->cur));
		error_at(r, rec, rec->text, r->key.s);
		goto out;
	}
	dup = duplicate_key(r, r->cur);
	if (dup) {
		tree_keys(r);
		buf_reset(&r->key);
		buf_adds(&r->key, "duplicate key '");
		text_escape_invalid(&r->key, dup, strlen(dup));
		buf_addch(&r->key, '\'');
		error_at(r, rec, rec->text, r->key.s);
		goto out;
	}
	tree_fields(r);
	rec->good = true;
	rec->fields = r->field;
	rec->nfields = r->nfield;
out:
	return 1;
}

static int next_line_record(struct json_reader *r, struct json_record *rec,
			    struct buf *err)
{
	for (;;) {
		size_t k = 0, len, seen = 0;
		const char *nl, *s;
		bool blank = true;
		int c;

		/*
		 * The line's end by memchr over what is buffered, reading more
		 * until it is found or the input ends (refill keeps the bytes
		 * from mark, which is pos, at the start of the buffer).
		 */
		r->mark = r->pos;
		for (;;) {
			nl = memchr(r->buf + r->pos + seen, '\n',
				    r->end - r->pos - seen);
			if (nl || r->eof)
				break;
			seen = r->end - r->pos;
			if (refill(r, err) < 0)
				return -1;
		}
		s = r->buf + r->pos;
		k = nl ? (size_t)(nl - s) : r->end - r->pos;
		c = nl ? '\n' : END_OF_INPUT;
		if (!k && c == END_OF_INPUT) {
			r->state = S_DONE;
			return 0;
		}
		for (len = 0; len < k; len++)
			if (s[len] != ' ' && s[len] != '\t' && s[len] != '\r') {
				blank = false;
				break;
			}
		if (blank) {
			advance(r, k + (c == '\n'));
			continue;
		}
		/* The record is the line without its leading white space. */
		while (r->buf[r->pos] == ' ' || r->buf[r->pos] == '\t') {
			advance(r, 1);
			k--;
		}
		len = k;
		r->mark = r->pos;
		/* A NUL is looked for only when the record is not plain. */
		read_record(r, rec, len);
		if (c == '\n') {
			/* The next line starts at column 0: no need to count
			 * this one's characters. */
			r->line++;
			r->col = 0;
			r->pos += len + 1;
			r->mark = r->pos;
		} else {
			advance(r, len);
		}
		return 1;
	}
}

/*
 * A fault in the outer structure once the records have begun: the rest of
 * the file cannot be read as records, but it must not vanish uncounted.
 * The fault becomes one malformed record at its line and column whose
 * message says how many records follow it, counted by skipping over the
 * values that follow at any level and counting those that are objects.
 * Returns 1 with rec filled; the file ends there. Before the records
 * begin, or at the end of the input (a cut file loses nothing after the
 * cut), it is the plain structure error above (-1).
 */
static int lost_records(struct json_reader *r, struct json_record *rec,
			struct buf *err, const char *what)
{
	size_t k = 0, len, lost = 0;
	int c = peek(r, 0, err);

	if (!r->in_records || c == END_OF_INPUT || c == READ_ERROR)
		return structure_error(r, err, what);
	memset(rec, 0, sizeof(*rec));
	rec->line = r->line;
	rec->column = r->col + 1;
	/* The text of the record is the rest of the line at the fault. */
	buf_reset(&r->lost);
	while ((c = peek(r, k, err)) >= 0 && c != '\n' && c != '\r' && k < 256)
		k++;
	buf_add(&r->lost, r->buf + r->pos, k);
	rec->text = r->lost.s;
	rec->len = r->lost.len;
	for (;;) {
		c = skip_space(r, err);
		if (c < 0)
			break;
		if (c == '{' || c == '[' || c == '"' || (c != ',' && c != ':' &&
							 c != ']' && c != '}')) {
			r->mark = r->pos;
			if (scan_value(r, &len, err) < 0)
				break;
			lost += c == '{';
			advance(r, len ? len : 1);
		} else {
			advance(r, 1);
		}
	}
	buf_reset(&r->key);
	buf_addf(&r->key, "JSON syntax error: %s; %zu record%s after it %s "
		 "lost", what, lost, lost == 1 ? "" : "s",
		 lost == 1 ? "is" : "are");
	error_at(r, rec, rec->text, r->key.s);
	r->state = S_DONE;
	return 1;
}

static int next_record(struct json_reader *r, struct json_record *rec,
			struct buf *err)
{
	for (;;) {
		size_t len;
		int c;

		if (r->state == S_DONE)
			return 0;
		if (r->lines)
			return next_line_record(r, rec, err);
		c = skip_space(r, err);
		if (c == READ_ERROR)
			return -1;
		switch (r->state) {
		case S_START:
			if (c == END_OF_INPUT) {
				r->state = S_DONE;
				return 0;
			}
			advance(r, 1);
			if (c == '[') {
				r->state = S_ARRAY_FIRST;
				r->in_records = true;
			} else if (c == '{') {
				r->wrapped = true;
				r->depth = 1;
				r->state = S_WRAPPER;
			} else {
				return structure_error(r, err,
					"expected an array of records or {\"records\": [...]}");
			}
			break;
		case S_WRAPPER:
			if (c == '}') {
				advance(r, 1);
				r->state = --r->depth ? S_WRAPPER_SEP : S_TRAIL;
				break;
			}
			if (c != '"')
				return structure_error(r, err, "expected a key");
			r->mark = r->pos;
			if (scan_value(r, &len, err) < 0)
				return -1;
			buf_reset(&r->key);
			buf_add(&r->key, r->buf + r->pos, len);
			advance(r, len);
			if (skip_space(r, err) != ':')
				return structure_error(r, err, "expected ':'");
			advance(r, 1);
			c = skip_space(r, err);
			if (r->depth <= r->nseg && !r->found &&
			    is_key(&r->key, r->seg[r->depth - 1])) {
				if (r->depth < r->nseg) {
					if (c != '{')
						return path_error(r, err,
							"is not an object");
					advance(r, 1);
					r->depth++;
					r->state = S_WRAPPER;
					break;
				}
				if (c != '[')
					return path_error(r, err,
							  "is not an array");
				advance(r, 1);
				r->found = true;
				r->state = S_ARRAY_FIRST;
				r->in_records = true;
				break;
			}
			r->mark = r->pos;
			if (scan_value(r, &len, err) < 0)
				return -1;
			advance(r, len);
			r->state = S_WRAPPER_SEP;
			break;
		case S_WRAPPER_SEP:
			if (c != ',' && c != '}')
				return lost_records(r, rec, err,
						    "expected ',' or '}'");
			advance(r, 1);
			if (c == ',')
				r->state = S_WRAPPER;
			else
				r->state = --r->depth ? S_WRAPPER_SEP : S_TRAIL;
			break;
		case S_ARRAY_FIRST:
		case S_ARRAY_NEXT:
			if (c == ']') {
				advance(r, 1);
				r->state = r->wrapped ? S_WRAPPER_SEP : S_TRAIL;
				break;
			}
			if (r->state == S_ARRAY_NEXT) {
				if (c != ',')
					return lost_records(r, rec, err,
						"expected ',' or ']' after a record");
				advance(r, 1);
				c = skip_space(r, err);
				if (c == ']' || c == END_OF_INPUT)
					return lost_records(r, rec, err,
						"expected a record after ','");
			}
			if (c == END_OF_INPUT)
				return structure_error(r, err,
					"unexpected end of file in the array");
			r->mark = r->pos;
			if (scan_value(r, &len, err) < 0)
				return -1;
			r->state = S_ARRAY_NEXT;
			read_record(r, rec, len);
			advance(r, len);
			return 1;
		case S_TRAIL:
			if (c != END_OF_INPUT)
				return lost_records(r, rec, err,
					"unexpected text after the records");
			if (r->path_set && !r->found)
				return path_error(r, err, "is not in the file");
			r->state = S_DONE;
			return 0;
		case S_DONE:
			return 0;
		}
	}
}

/*
 * The kept records are a byte string of varints and texts: for each
 * record its line, column and flags (good, bad_encoding, malformed);
 * a good one its field count, then per field the key's number, the kind
 * and the text (its length, its bytes and a NUL); a bad one its offset,
 * the error's line and column, and its text, error and context (each a
 * length + 1, 0 for none, and the bytes with a NUL).
 */
static void put_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		add_byte(b, (int)(v & 0x7F) | 0x80);
		v >>= 7;
	}
	add_byte(b, (int)v);
}

static uint64_t get_varint(struct json_reader *r)
{
	const unsigned char *s = (const unsigned char *)r->kept.s;
	uint64_t v = 0;
	int shift = 0;

	for (;;) {
		unsigned c = s[r->replay_at++];

		v |= (uint64_t)(c & 0x7F) << shift;
		if (c < 0x80)
			return v;
		shift += 7;
	}
}

static void put_text(struct buf *b, const char *s, size_t n, bool none)
{
	put_varint(b, none ? 0 : n + 1);
	if (!none) {
		add_bytes(b, s, n);
		add_byte(b, '\0');
	}
}

static const char *get_text(struct json_reader *r, size_t *n)
{
	uint64_t len = get_varint(r);
	const char *s;

	*n = 0;
	if (!len)
		return NULL;
	s = r->kept.s + r->replay_at;
	*n = (size_t)len - 1;
	r->replay_at += (size_t)len;
	return s;
}

static void keep_record(struct json_reader *r, const struct json_record *rec)
{
	struct buf *b = &r->kept;
	size_t i;

	put_varint(b, rec->line);
	put_varint(b, rec->column);
	add_byte(b, rec->good | rec->bad_encoding << 1 | rec->malformed << 2);
	if (rec->good) {
		put_varint(b, rec->nfields);
		for (i = 0; i < rec->nfields; i++) {
			const struct json_field *f = &rec->fields[i];

			put_varint(b, f->key_id);
			add_byte(b, (int)f->kind);
			put_text(b, f->text, f->len, false);
		}
	} else {
		put_varint(b, rec->bad_offset);
		put_varint(b, rec->error_line);
		put_varint(b, rec->error_column);
		put_text(b, rec->text, rec->len, false);
		put_text(b, rec->error, rec->error ? strlen(rec->error) : 0,
			 !rec->error);
		put_text(b, rec->error_context, rec->error_context ?
			 strlen(rec->error_context) : 0, !rec->error_context);
	}
	if (b->len > r->keep_max) {
		/* Too many to keep: a rewind will read the file again. */
		r->keeping = false;
		buf_release(b);
	}
}

static int replay_record(struct json_reader *r, struct json_record *rec,
			 struct buf *err)
{
	size_t i, n;
	int flags;

	if (r->replay_at >= r->kept.len) {
		/* The end, once, as the first reading gave it; then 0, as
		 * a reader that has ended gives. */
		if (r->replay_at > r->kept.len)
			return 0;
		r->replay_at++;
		if (r->end_rc < 0)
			buf_add(err, r->end_err.s, r->end_err.len);
		return r->end_rc;
	}
	memset(rec, 0, sizeof(*rec));
	rec->line = (uint32_t)get_varint(r);
	rec->column = (uint32_t)get_varint(r);
	flags = (unsigned char)r->kept.s[r->replay_at++];
	rec->good = flags & 1;
	rec->bad_encoding = flags & 2;
	rec->malformed = flags & 4;
	if (!rec->good) {
		rec->bad_offset = get_varint(r);
		rec->error_line = (uint32_t)get_varint(r);
		rec->error_column = (uint32_t)get_varint(r);
		rec->text = get_text(r, &rec->len);
		rec->error = get_text(r, &n);
		rec->error_context = get_text(r, &n);
		return 1;
	}
	r->nfield = (size_t)get_varint(r);
	if (r->nfield > r->afield) {
		ALLOC_GROW(r->field, r->nfield, r->afield);
		r->key_off = xreallocarray(r->key_off, r->afield,
					   sizeof(*r->key_off));
		r->text_off = xreallocarray(r->text_off, r->afield,
					    sizeof(*r->text_off));
	}
	for (i = 0; i < r->nfield; i++) {
		struct json_field *f = &r->field[i];
		uint32_t id = (uint32_t)get_varint(r);

		f->key_id = id;
		f->key = r->kname[id];
		f->key_len = r->klen[id];
		f->kind = (enum json_kind)r->kept.s[r->replay_at++];
		f->text = get_text(r, &f->len);
	}
	rec->good = true;
	rec->fields = r->field;
	rec->nfields = r->nfield;
	return 1;
}

int json_reader_next(struct json_reader *r, struct json_record *rec,
		     struct buf *err)
{
	size_t before = err->len;
	int rc;

	if (r->replaying)
		return replay_record(r, rec, err);
	rc = next_record(r, rec, err);
	if (!r->keeping)
		return rc;
	if (rc > 0) {
		keep_record(r, rec);
	} else {
		r->keeping = false;
		r->whole = true;
		r->end_rc = rc;
		buf_reset(&r->end_err);
		buf_add(&r->end_err, err->s + before, err->len - before);
	}
	return rc;
}

void json_reader_keep(struct json_reader *r, size_t max_bytes)
{
	if (r->state != S_START || r->replaying)
		return;
	r->keep_max = max_bytes;
	r->keeping = max_bytes > 0;
}

int json_reader_rewind(struct json_reader *r, struct buf *err)
{
	cJSON_Delete(r->cur);
	r->cur = NULL;
	if (r->whole) {
		r->replaying = true;
		r->replay_at = 0;
		return 0;
	}
	r->keeping = r->whole = false;
	buf_release(&r->kept);
	if (r->fd >= 0) {
		if (lseek(r->fd, 0, SEEK_SET) < 0) {
			buf_addf(err, "%s: %s", r->path, strerror(errno));
			return -1;
		}
		r->buf_off = 0;
		r->end = 0;
		r->eof = false;
	}
	r->pos = r->mark = 0;
	r->line = 1;
	r->col = 0;
	r->state = S_START;
	r->depth = 0;
	r->wrapped = r->in_records = r->found = false;
	while (r->fd >= 0 && r->end < 3 && !r->eof)
		if (refill(r, err) < 0)
			return -1;
	if (r->end >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3))
		r->pos = r->mark = 3;
	return 0;
}

int json_reader_sha256(struct json_reader *r, char out[65])
{
	struct sha256_ctx c = r->sha;
	unsigned char digest[SHA256_DIGEST_SIZE];
	uint64_t at = r->hashed;
	char *block;

	if (r->fd < 0)
		return -1;
	/* The bytes after what was read: the reading ended early. */
	block = xmalloc(BLOCK);
	for (;;) {
		ssize_t n = pread(r->fd, block, BLOCK, (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(block);
			return -1;
		}
		if (!n)
			break;
		sha256_update(&c, block, (size_t)n);
		at += (uint64_t)n;
	}
	free(block);
	sha256_final(&c, digest);
	sha256_hex(digest, out);
	return 0;
}

static struct json_reader *open_common(struct json_reader *r, bool lines)
{
	r->lines = lines;
	json_reader_set_path(r, "records");
	r->path_set = false;
	r->line = 1;
	buf_init(&r->msg);
	buf_init(&r->ctx);
	buf_init(&r->key);
	buf_init(&r->lost);
	/* A byte order mark is tolerated; it is no part of a record. */
	if (r->end - r->pos >= 3 && !memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3))
		r->pos = r->mark = 3;
	return r;
}

static struct json_reader *reader_new(void)
{
	struct json_reader *r = xcalloc(1, sizeof(*r));

	r->seen = (struct hashtab)HASHTAB_INIT(sizeof(struct hashtab_index),
					       64, hashtab_index_rehash);
	r->kid = (struct hashtab)HASHTAB_INIT(sizeof(struct hashtab_index),
					      64, hashtab_index_rehash);
	buf_init(&r->text);
	buf_init(&r->kept);
	buf_init(&r->end_err);
	sha256_init(&r->sha);
	return r;
}

struct json_reader *json_reader_open(const char *path, bool lines,
				     struct buf *err)
{
	struct json_reader *r = reader_new();
	struct buf why = BUF_INIT;

	r->path = xstrdup(path);
	r->fd = text_open_regular(path, &why);
	r->cap = BLOCK;
	r->buf = xmalloc(r->cap);
	r->owns_buf = true;
	if (r->fd < 0) {
		buf_addf(err, "%s: %s", path, why.s);
		buf_release(&why);
		json_reader_free(r);
		return NULL;
	}
	while (r->end < 3 && !r->eof)
		if (refill(r, err) < 0) {
			json_reader_free(r);
			return NULL;
		}
	return open_common(r, lines);
}

struct json_reader *json_reader_open_mem(const char *data, size_t len,
					 bool lines, struct buf *err)
{
	struct json_reader *r = reader_new();

	(void)err;
	r->path = xstrdup("(memory)");
	r->fd = -1;
	r->buf = (char *)data;
	r->cap = r->end = len;
	r->eof = true;
	return open_common(r, lines);
}

void json_reader_use_tree(struct json_reader *r)
{
	r->tree_only = true;
}

void json_reader_free(struct json_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->owns_buf)
		free(r->buf);
	cJSON_Delete(r->cur);
	buf_release(&r->msg);
	buf_release(&r->ctx);
	buf_release(&r->key);
	buf_release(&r->lost);
	buf_release(&r->quoted);
	free(r->quote_end);
	hashtab_release(&r->seen);
	free(r->seen_key);
	free(r->field);
	free(r->key_off);
	free(r->text_off);
	buf_release(&r->text);
	for (i = 0; i < r->nk; i++)
		free(r->kname[i]);
	free(r->kname);
	free(r->klen);
	free(r->kplain);
	free(r->stamp);
	hashtab_release(&r->kid);
	free(r->prev_id);
	buf_release(&r->kept);
	buf_release(&r->end_err);
	json_reader_free_path(r);
	free(r->path);
	free(r);
}

/* Decimal text without an exponent: 20261120, 45000.5, 0.25. */
static void add_number(struct buf *out, double v)
{
	struct buf tmp = BUF_INIT;
	size_t n;

	if (v > -9.0e15 && v < 9.0e15 && v == (double)(long long)v) {
		buf_addf(out, "%lld", (long long)v);
		return;
	}
	buf_add_double(&tmp, v);
	if (!strchr(tmp.s, 'e')) {
		buf_add(out, tmp.s, tmp.len);
		buf_release(&tmp);
		return;
	}
	buf_reset(&tmp);
	buf_addf(&tmp, "%.17f", v);
	n = tmp.len;
	while (n > 1 && tmp.s[n - 1] == '0')
		n--;
	if (tmp.s[n - 1] == '.')
		n--;
	buf_add(out, tmp.s, n);
	buf_release(&tmp);
}

int json_value_text(const cJSON *v, struct buf *out)
{
	if (cJSON_IsString(v)) {
		buf_adds(out, v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		add_number(out, v->valuedouble);
	} else if (cJSON_IsTrue(v)) {
		buf_adds(out, "true");
	} else if (cJSON_IsFalse(v)) {
		buf_adds(out, "false");
	} else if (!cJSON_IsNull(v)) {
		return -1;
	}
	return 0;
}
