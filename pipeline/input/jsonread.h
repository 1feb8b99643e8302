/*
 * jsonread.h - reading JSON and JSON Lines exports record by record.
 *
 *   struct json_reader *r = json_reader_open(path, false, &err);
 *   while ((rc = json_reader_next(r, &rec, &err)) > 0)
 *           ... rec.fields[0 .. rec.nfields) when rec.good ...
 *   json_reader_free(r);
 *
 * A .json file holds an array of objects, or an object whose "records"
 * key holds that array (other keys are skipped); a .jsonl file holds one
 * value per non-blank line (SPEC §8 rule 6). The reader finds each
 * record's extent itself, so memory holds one record at a time however
 * large the file is. A record gives its fields as text, each key with a
 * number of its own: one pass over a record of scalar values, written
 * as strict JSON, reads it straight into the fields; any other record
 * (nested values, unusual numbers or white space, any fault) goes
 * through cJSON, which decides what it is and says what is wrong.
 *
 * A record that cannot be used is still returned, with its problem, so
 * the caller can quarantine it: bad_encoding (invalid UTF-8, with the file
 * offset), malformed (a syntax error with its line and column, a value
 * that is not an object, a duplicate key, a NUL). A fault in the file's
 * outer structure (no array, a missing comma between records) ends the
 * file: json_reader_next() returns -1 with "line:column: message" in err.
 *
 * rec.fields, their texts and the record's text belong to the reader and
 * are valid until the next call.
 */
#ifndef HUIFANG_JSONREAD_H
#define HUIFANG_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "util/buf.h"

enum json_kind {
	JSON_TEXT,              /* a string, number, true, false or null */
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_field {
	const char *key;        /* decoded, NUL-terminated */
	size_t key_len;
	/* The key's number in this reader: equal keys, equal numbers,
	 * 0, 1, 2 ... in order of first appearance in any record read. */
	uint32_t key_id;
	enum json_kind kind;
	/* NUL-terminated: the value as json_value_text() gives it; an
	 * array or object as compact JSON text. */
	const char *text;
	size_t len;
};

struct json_record {
	uint32_t line, column;  /* where the record starts, 1-based */
	bool good;              /* an object: its fields follow */
	const struct json_field *fields; /* in the order written */
	size_t nfields;
	const char *text;       /* the record's bytes as written */
	size_t len;
	bool bad_encoding;
	uint64_t bad_offset;    /* file offset of the first invalid byte */
	bool malformed;
	uint32_t error_line, error_column;
	const char *error;      /* what is wrong (reader-owned text) */
	const char *error_context; /* the line of the error, for a caret */
};

struct json_reader;

/* lines: read JSON Lines. NULL with err set if the file cannot be read. */
struct json_reader *json_reader_open(const char *path, bool lines,
				     struct buf *err);
/* The same over memory that outlives the reader. */
struct json_reader *json_reader_open_mem(const char *data, size_t len,
					 bool lines, struct buf *err);
/*
 * Reads the records from the array at path (keys joined by dots, such as
 * "data.list" for {"code": 0, "data": {"list": [...]}}) instead of
 * "records"; a source profile's `records`. Call before the first
 * json_reader_next(). A file without that path ends with a structure
 * error naming it. -1 (nothing changed) for a malformed path.
 */
int json_reader_set_records(struct json_reader *r, const char *path);

/* 1 a record, 0 the end, -1 a read or structure error (err). */
int json_reader_next(struct json_reader *r, struct json_record *rec,
		     struct buf *err);
void json_reader_free(struct json_reader *r);

/*
 * Keeps the records read, up to max_bytes of them (their fields' texts
 * and a few bytes each), so that json_reader_rewind() gives them again
 * without reading the file again. Call before the first record.
 */
void json_reader_keep(struct json_reader *r, size_t max_bytes);
/*
 * Starts again at the first record: the same records, fields, key
 * numbers, faults and end (the same -1 and message) as the first time.
 * From memory when they were all kept, else by reading the file again.
 * -1 (err) if the file cannot be read again.
 */
int json_reader_rewind(struct json_reader *r, struct buf *err);
/*
 * The SHA-256 of the file, as 64 hex digits: of the bytes read so far
 * and, when the reading ended before the end of the file, of the rest
 * read now. -1 for a reader over memory or a file that cannot be read.
 */
int json_reader_sha256(struct json_reader *r, char out[65]);

/*
 * For tests: every record goes through cJSON, as the one-pass reading
 * never happened, so that the two can be compared record by record.
 */
void json_reader_use_tree(struct json_reader *r);

/*
 * Appends the text of a record's value (SPEC §8 rule 6): a string as is,
 * null as "", a number as its shortest decimal text (5, not 5.0), true and
 * false as words. Returns -1 (appending nothing) for an array or object.
 */
int json_value_text(const cJSON *v, struct buf *out);

#endif
