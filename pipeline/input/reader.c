/*
 * reader.c - the readers behind reader.h: CSV, JSON / JSON Lines and
 * the sheets of .xlsx and .xls workbooks.
 *
 * Each reader is a thin layer over its format's record reader (csvread,
 * jsonread) that gives the rows reader.h's shape. The CSV reader's first
 * record is the header (again after a restart); the JSON reader reads the
 * records twice, first for the union of the records' keys (the header,
 * SPEC §8 rule 6), then for the records, each turned into one field per
 * key in header order (an absent key is empty); the second time from
 * what the first kept (json_reader_keep()), unless the file's records
 * are too many to keep. A workbook's reader reads one
 * sheet (sheet.h: rows padded to the header, a row's line its row
 * number): the one asked for, else the profile's, else the first; its
 * header row names the sheet. A profile's header_row skips the title
 * rows above it, in a sheet and in a CSV. The texts of the messages are
 * the ones the ingest stage has always printed, so that no output changes
 * with the interface.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "input/csvread.h"
#include "input/jsonread.h"
#include "input/reader.h"
#include "input/xls.h"
#include "input/xlsx.h"
#include "model/source.h"
#include "util/hashtab.h"
#include "util/sha256.h"
#include "util/string_list.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

enum reader_kind { READER_CSV, READER_JSON, READER_XLSX, READER_XLS };

struct reader {
	enum reader_kind kind;
	char *path;
	const struct source_profile *profile;
	size_t max_field_bytes;
	uint32_t *columns;      /* 1, 2, 3 ...: every field's source column */
	size_t acolumns;
	/* CSV */
	struct csv_reader *csv;
	bool seen_header;
	uint32_t header_row;    /* the profile's: rows above it are skipped */
	/* JSON: the keys of the first pass, then the records */
	bool lines;
	char **key;
	size_t *key_len;
	size_t nkeys, akeys;
	struct hashtab keys;    /* of struct hashtab_index into key[] */
	size_t max_columns;
	bool header_given;
	struct json_reader *json;
	uint32_t *col_of;       /* per key number of json: its column + 1 */
	size_t ncol_of;
	const char **val;
	size_t *len;
	/* workbooks */
	struct xlsx_reader *xlsx;
	struct xls_reader *xls;
	bool seen_sheet_header;
};

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcasecmp(name + n - k, suffix);
}

static enum reader_kind kind_of(const char *path, bool *lines)
{
	*lines = has_suffix(path, ".jsonl");
	if (*lines || has_suffix(path, ".json"))
		return READER_JSON;
	if (has_suffix(path, ".xlsx"))
		return READER_XLSX;
	if (has_suffix(path, ".xls"))
		return READER_XLS;
	return READER_CSV;
}

/* The source column of n fields: 1 .. n, for a file without gaps. */
static const uint32_t *columns(struct reader *r, size_t n)
{
	size_t i;

	if (n > r->acolumns) {
		ALLOC_GROW(r->columns, n, r->acolumns);
		for (i = 0; i < r->acolumns; i++)
			r->columns[i] = (uint32_t)i + 1;
	}
	return r->columns;
}

/* Replaces err's text with fmt around it ("%s" is the old text). */
static void wrap_error(struct buf *err, const char *before, const char *after)
{
	struct buf msg = BUF_INIT;

	buf_adds(&msg, before);
	buf_add(&msg, err->s, err->len);
	buf_adds(&msg, after);
	buf_reset(err);
	buf_add(err, msg.s, msg.len);
	buf_release(&msg);
}

/* ---- CSV ---- */

static int csv_next(struct reader *r, struct reader_row *row,
		    struct buf *err)
{
	struct csv_record rec;
	int rc;

	/*
	 * A ledger's title rows above the profile's header_row are not
	 * rows, as in a sheet (sheet.h): the header is the first record
	 * that starts at or after it.
	 */
	do {
		rc = csv_reader_next(r->csv, &rec, err);
		if (rc < 0) {
			if (!csv_reader_over_limit(r->csv))
				wrap_error(err, "read error, the rest of the "
					   "file is skipped: ", "");
			return -1;
		}
		if (!rc)
			return 0;
		if (rc == CSV_RESTART) {
			r->seen_header = false;
			return READER_RESTART;
		}
	} while (!r->seen_header && rec.line < r->header_row);
	row->header = !r->seen_header;
	r->seen_header = true;
	row->line = rec.line;
	row->nfields = rec.nfields;
	row->fields = (const char *const *)rec.fields;
	row->lens = rec.lens;
	row->columns = columns(r, rec.nfields);
	if (rec.malformed) {
		row->problem = READER_UNSPLIT;
		row->error = rec.error;
		row->error_line = rec.error_line;
		row->error_column = rec.error_column;
	} else if (rec.bad_encoding) {
		row->problem = READER_BAD_ENCODING;
		row->bad_field = rec.bad_field;
		row->bad_offset = rec.bad_offset;
	} else if (rec.long_field) {
		row->problem = READER_LONG_FIELD;
		row->bad_field = rec.long_field;
	}
	return 1;
}

/* ---- JSON ---- */

/*
 * The index of key name, or -1; with add, a new key is added (the
 * caller checks the limit first). A hash table, so that 40,000 distinct
 * keys cost 40,000 lookups, not 800 million comparisons (issue 13).
 */
static ssize_t key_find(struct reader *r, const char *name, bool add)
{
	size_t len = strlen(name), i;
	uint32_t h = text_hash(name, len);
	struct hashtab_index *k;

	if (add)
		hashtab_reserve(&r->keys);
	else if (!r->keys.cap)
		return -1;
	for (i = hashtab_start(&r->keys, h);
	     (k = hashtab_at(&r->keys, i))->index1; i = hashtab_next(&r->keys, i))
		if (k->hash == h && r->key_len[k->index1 - 1] == len &&
		    !memcmp(r->key[k->index1 - 1], name, len))
			return (ssize_t)k->index1 - 1;
	if (!add)
		return -1;
	if (r->nkeys == r->akeys) {
		ALLOC_GROW(r->key, r->nkeys + 1, r->akeys);
		r->key_len = xreallocarray(r->key_len, r->akeys,
					   sizeof(*r->key_len));
	}
	r->key[r->nkeys] = xstrdup(name);
	r->key_len[r->nkeys] = len;
	k->hash = h;
	k->index1 = (uint32_t)++r->nkeys;
	r->keys.n++;
	return (ssize_t)r->nkeys - 1;
}

/* The first pass: the union of the keys, in order of first appearance. */
/* Opens the JSON file, at its profile's records path if it names one. */
static struct json_reader *json_open(struct reader *r, struct buf *err)
{
	struct json_reader *jr = json_reader_open(r->path, r->lines, err);

	if (jr && r->profile && r->profile->records && !r->lines)
		json_reader_set_records(jr, r->profile->records);
	return jr;
}

/*
 * The header column of a field's key: by the key's number in the JSON
 * reader, so that a key is looked up in the header once per file, not
 * once per record. -1 for a key not in the header; with add, a key not
 * in it is added (the caller checks the limit first).
 */
static ssize_t field_column(struct reader *r, const struct json_field *f,
			    bool add)
{
	ssize_t k;

	if (f->key_id < r->ncol_of && r->col_of[f->key_id])
		return (ssize_t)r->col_of[f->key_id] - 1;
	k = key_find(r, f->key, add);
	if (k < 0)
		return -1;
	if (f->key_id >= r->ncol_of) {
		size_t old = r->ncol_of;

		ALLOC_GROW(r->col_of, f->key_id + 1, r->ncol_of);
		memset(r->col_of + old, 0,
		       (r->ncol_of - old) * sizeof(*r->col_of));
	}
	r->col_of[f->key_id] = (uint32_t)k + 1;
	return k;
}

/*
 * The most a JSON file's records may take in memory between the two
 * passes (json_reader_keep()); a file whose records take more is read
 * twice. 64 MiB holds the values of some 400,000 records of 20 keys.
 */
#define JSON_KEEP_MAX ((size_t)64 << 20)

static int json_union(struct reader *r, struct buf *err)
{
	struct json_reader *jr = json_open(r, err);
	struct json_record rec;

	if (!jr)
		return -1;
	json_reader_keep(jr, JSON_KEEP_MAX);
	while (json_reader_next(jr, &rec, err) > 0) {
		size_t i;

		if (!rec.good)
			continue;
		for (i = 0; i < rec.nfields; i++) {
			if (field_column(r, &rec.fields[i], false) >= 0)
				continue;
			if (r->nkeys >= r->max_columns) {
				buf_reset(err);
				buf_addf(err, "more than %zu distinct keys: over "
					 "the limit ingest.max_columns (%zu)",
					 r->max_columns, r->max_columns);
				json_reader_free(jr);
				return -1;
			}
			field_column(r, &rec.fields[i], true);
		}
	}
	/*
	 * A fault in the structure is reported by the second pass, unless
	 * nothing was found before it: a profile's records path that is not
	 * in the file (issue 14) must say so, not read as an empty file.
	 */
	if (!r->nkeys && err->len && r->profile && r->profile->records) {
		json_reader_free(jr);
		return -1;
	}
	buf_reset(err);
	/* The second pass: the kept records, or the file read again. */
	if (json_reader_rewind(jr, err) < 0) {
		json_reader_free(jr);
		return -1;
	}
	r->json = jr;
	return 0;
}

static int json_next(struct reader *r, struct reader_row *row,
		     struct buf *err)
{
	struct json_record rec;
	const struct json_field *nested = NULL;
	size_t i, too_long = 0, nested_column = 0;
	int rc;

	if (!r->header_given) {
		if (!r->nkeys)
			return 0;
		r->header_given = true;
		row->header = true;
		row->line = 1;
		row->nfields = r->nkeys;
		row->fields = (const char *const *)r->key;
		row->lens = r->key_len;
		row->columns = columns(r, r->nkeys);
		return 1;
	}
	if (!r->val) {
		/* The first pass's reader, rewound: the same key numbers. */
		r->val = xcalloc(r->nkeys + 1, sizeof(*r->val));
		r->len = xcalloc(r->nkeys + 1, sizeof(*r->len));
	}
	rc = json_reader_next(r->json, &rec, err);
	if (rc < 0) {
		wrap_error(err, "", "; the rest of the file is skipped");
		return -1;
	}
	if (!rc)
		return 0;
	row->line = rec.line;
	if (!rec.good) {
		/* Keyed: a record has no field count to be wrong. */
		row->keyed = true;
		row->problem = rec.bad_encoding ? READER_BAD_ENCODING :
			READER_NOT_RECORD;
		row->bad_offset = rec.bad_offset;
		row->error = rec.error;
		row->error_line = rec.error_line;
		row->error_column = rec.error_column;
		row->error_context = rec.error_context;
		row->text = rec.text;
		row->text_len = rec.len;
		return 1;
	}
	/*
	 * The values in header order, pointing into the JSON reader's
	 * texts (valid until the next record); absent keys are empty.
	 */
	for (i = 0; i < r->nkeys; i++) {
		r->val[i] = "";
		r->len[i] = 0;
	}
	for (i = 0; i < rec.nfields; i++) {
		const struct json_field *f = &rec.fields[i];
		ssize_t k = field_column(r, f, false);

		if (k < 0)
			continue;
		if (f->kind != JSON_TEXT && !nested) {
			nested = f;
			nested_column = (size_t)k + 1;
		}
		r->val[k] = f->text;
		r->len[k] = f->len;
		if (f->len > r->max_field_bytes && !too_long)
			too_long = (size_t)k + 1;
	}
	row->keyed = true;
	row->nfields = r->nkeys;
	row->fields = r->val;
	row->lens = r->len;
	row->columns = columns(r, r->nkeys);
	if (too_long) {
		row->problem = READER_LONG_FIELD;
		row->bad_field = too_long;
	}
	if (nested) {
		row->not_text_field = nested_column;
		row->not_text = nested->kind == JSON_ARRAY ? "an array" :
			"an object";
	}
	return 1;
}

/* ---- workbooks ---- */

static int sheet_next(struct reader *r, struct reader_row *row,
		      struct buf *err)
{
	struct sheet_row sr;
	int rc = r->xlsx ? xlsx_reader_next(r->xlsx, &sr, err)
			 : xls_reader_next(r->xls, &sr, err);

	if (rc < 0) {
		wrap_error(err, "cannot read the rest of the sheet, skipped: ",
			   "");
		return -1;
	}
	if (!rc)
		return 0;
	row->sheet = r->xlsx ? xlsx_reader_sheet(r->xlsx)
			     : xls_reader_sheet(r->xls);
	row->header = !r->seen_sheet_header;
	r->seen_sheet_header = true;
	row->line = sr.line;
	row->nfields = sr.nfields;
	row->fields = (const char *const *)sr.fields;
	row->lens = sr.lens;
	row->columns = columns(r, sr.nfields);
	row->cell_flags = sr.flags;
	row->error_cells = sr.error_cells;
	if (sr.bad_field) {
		row->problem = READER_BAD_ENCODING;
		row->bad_field = sr.bad_field;
	} else if (sr.long_field) {
		row->problem = READER_LONG_FIELD;
		row->bad_field = sr.long_field;
	}
	return 1;
}

/* ---- the interface ---- */

struct reader *reader_open(const char *path, const struct reader_opts *opts,
			   struct buf *err)
{
	return reader_open_part(path, opts, NULL, 0, err);
}

struct reader *reader_open_part(const char *path,
				const struct reader_opts *opts,
				const struct csv_plan *plan, size_t k,
				struct buf *err)
{
	struct reader *r = xcalloc(1, sizeof(*r));

	r->kind = kind_of(path, &r->lines);
	r->path = xstrdup(path);
	r->profile = opts->profile;
	r->max_field_bytes = opts->max_field_bytes;
	r->max_columns = opts->max_columns ? opts->max_columns : SIZE_MAX;
	r->keys = (struct hashtab)HASHTAB_INIT(sizeof(struct hashtab_index),
					       64, hashtab_index_rehash);
	if (r->kind == READER_CSV) {
		r->csv = plan ?
			csv_reader_open_part(path, plan, k,
					     opts->max_field_bytes, err) :
			csv_reader_open(path, opts->encoding,
					opts->max_field_bytes, err);
		if (!r->csv)
			goto fail;
		csv_reader_limit_header(r->csv, opts->max_header_bytes);
		if (opts->profile)
			r->header_row = opts->profile->header_row;
	} else if (r->kind == READER_XLSX || r->kind == READER_XLS) {
		/* The sheet asked for, the one the profile names, the first. */
		struct sheet_opts so = { opts->sheet, 0, opts->max_field_bytes };

		if (opts->profile && !so.sheet)
			so.sheet = opts->profile->sheet;
		if (opts->profile)
			so.header_row = opts->profile->header_row;

		if (r->kind == READER_XLSX)
			r->xlsx = xlsx_reader_open(path, &so, err);
		else
			r->xls = xls_reader_open(path, &so, err);
		if (!r->xlsx && !r->xls)
			goto fail;
	} else if (json_union(r, err) < 0) {
		goto fail;
	}
	return r;
fail:
	reader_close(r);
	return NULL;
}

int reader_next_row(struct reader *r, struct reader_row *row,
		    struct buf *err)
{
	memset(row, 0, sizeof(*row));
	row->file = r->path;
	row->profile = r->profile;
	if (r->kind == READER_CSV)
		return csv_next(r, row, err);
	if (r->kind == READER_JSON)
		return json_next(r, row, err);
	return sheet_next(r, row, err);
}

int reader_settle(struct reader *r, struct buf *err)
{
	int rc;

	if (r->kind != READER_CSV)
		return 0;
	rc = csv_reader_decide(r->csv, err);
	if (rc == CSV_RESTART) {
		r->seen_header = false;
		return READER_RESTART;
	}
	return rc;
}

const char *reader_encoding(const struct reader *r)
{
	if (r->kind == READER_XLS)
		return xls_reader_encoding(r->xls);
	return r->kind == READER_CSV ? csv_reader_encoding(r->csv) : "UTF-8";
}

const char *reader_encoding_why(const struct reader *r)
{
	return r->kind == READER_CSV ? csv_reader_encoding_why(r->csv) : NULL;
}

bool reader_is_workbook(const char *path)
{
	bool lines;
	enum reader_kind kind = kind_of(path, &lines);

	return kind == READER_XLSX || kind == READER_XLS;
}

bool reader_forks(const char *path)
{
	bool lines;

	return kind_of(path, &lines) == READER_XLS;
}

size_t reader_invalid(const struct reader *r)
{
	return r->kind == READER_CSV ? csv_reader_invalid(r->csv) : 0;
}

const char *reader_fixed_encoding(const char *path)
{
	bool lines;

	enum reader_kind kind = kind_of(path, &lines);

	/* An .xls has its CODEPAGE: known once the reader has opened it. */
	return kind == READER_JSON || kind == READER_XLSX ? "UTF-8" : "";
}

const char *reader_warning(const struct reader *r)
{
	return r->kind == READER_XLS ? xls_reader_warning(r->xls) : NULL;
}

const char *reader_empty_reason(const struct reader *r)
{
	if (r->kind == READER_XLSX || r->kind == READER_XLS)
		return "no header: the sheet is empty";
	return r->kind == READER_CSV ? "no header: the file is empty" :
		"no records with keys";
}

int reader_sha256(struct reader *r, char out[65])
{
	if (r->kind == READER_CSV) {
		if (csv_reader_sha256(r->csv, out) < 0) {
			out[0] = '\0';
			return -1;
		}
		return 0;
	}
	/* A JSON file is hashed as it is read, not read again for it. */
	if (r->kind == READER_JSON && r->json &&
	    !json_reader_sha256(r->json, out))
		return 0;
	return sha256_file(r->path, out);
}

int reader_list_sheets(const char *path, struct string_list *names,
		       struct string_list *hidden, struct buf *err)
{
	bool lines;
	enum reader_kind kind = kind_of(path, &lines);

	string_list_clear(names);
	if (hidden)
		string_list_clear(hidden);
	if (kind == READER_XLSX)
		return xlsx_list_sheets(path, names, hidden, err);
	if (kind == READER_XLS)
		return xls_list_sheets(path, names, hidden, err);
	buf_adds(err, "not a workbook: it has no sheets");
	return -1;
}

const struct source_profile *reader_profile(const struct reader *r)
{
	return r->profile;
}

void reader_close(struct reader *r)
{
	size_t i;

	if (!r)
		return;
	csv_reader_free(r->csv);
	json_reader_free(r->json);
	xlsx_reader_free(r->xlsx);
	xls_reader_free(r->xls);
	for (i = 0; i < r->nkeys; i++)
		free(r->key[i]);
	free(r->key);
	free(r->key_len);
	hashtab_release(&r->keys);
	free(r->col_of);
	free(r->val);
	free(r->len);
	free(r->columns);
	free(r->path);
	free(r);
}
