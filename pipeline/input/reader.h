/*
 * reader.h - one interface over every kind of export: tables of rows.
 *
 * A reader turns one export file into rows of text fields; the row
 * normaliser (normalise.c) matches the header, checks and normalises the
 * rows, whatever the file's format. CSV (csvread.h), JSON / JSON Lines
 * (jsonread.h) and the first sheet of an .xlsx (xlsx.h) or .xls (xls.h)
 * workbook are readers today; a new format is a new reader, and nothing
 * after the reader changes.
 *
 *   struct reader_opts ro = { NULL, 65536, 16384, 1 << 20, NULL, NULL };
 *   struct reader *r = reader_open(path, &ro, &err);  -- NULL: see err
 *   struct reader_row row;
 *   while ((rc = reader_next_row(r, &row, &err)) > 0) {
 *           if (rc == READER_RESTART)   -- forget the file's rows so far
 *                   continue;
 *           if (row.header)  ... the table's column names ...
 *           else             ... one row: row.fields[0 .. row.nfields) ...
 *   }                                  -- rc < 0: err says what, and why
 *   reader_close(r);                   -- the rest of the file is skipped
 *
 * The first row of a table is its header; the rows after it, up to the
 * next header or the end, are its records. A file is one table (CSV,
 * JSON: the union of the records' keys, in order of first appearance);
 * a workbook may be one table per sheet, each header naming its sheet.
 * (The normaliser takes one table per file: a second header starts
 * the file's header matching again. SPEC §9.20 makes each sheet an
 * entry of input.files of its own, "book.xlsx[Sheet1]": a profile that
 * asks for several sheets gets one entry per sheet in ingest.c's file
 * list, each opened with its sheet in reader_opts.)
 * Blank lines are not rows. A row the reader finds broken is still
 * returned, with its problem, so that the normaliser quarantines it and
 * the run goes on; a fault that ends the file is a -1.
 *
 * Every row carries where it comes from (file, sheet, line, the source
 * column of each field) and the file's source profile (how its columns
 * and values are to be read), which is NULL until a profile applies.
 *
 * Ownership: the row, its fields and texts belong to the reader and are
 * valid until the next call; reader_close() frees everything. A reader
 * is used by one thread at a time.
 */
#ifndef HUIFANG_READER_H
#define HUIFANG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Defined by the source profiles; readers only pass it on. */
struct source_profile;
struct csv_plan;

struct reader_opts {
	const char *encoding;   /* NULL: detect; else "UTF-8" or "GB18030" */
	size_t max_field_bytes; /* a longer field is READER_LONG_FIELD */
	size_t max_columns;     /* a header (JSON: distinct keys) wider fails */
	size_t max_header_bytes; /* a longer CSV header line fails */
	const struct source_profile *profile;   /* may be NULL */
	/*
	 * A workbook's sheet to read; NULL: the profile's sheet, else the
	 * first. The header is the first row at or after the profile's
	 * header_row (workbooks and CSV).
	 */
	const char *sheet;
};

/* What is wrong with a row, in the order SPEC §8 rule 3 checks them. */
enum reader_problem {
	READER_ROW_OK,
	/*
	 * The row cannot be split into fields (a CSV syntax error): error,
	 * error_line and error_column say what and where; the fields are
	 * those read before it.
	 */
	READER_UNSPLIT,
	/*
	 * The record is not an object of fields (JSON): error says why,
	 * error_line, error_column and error_context where; no fields,
	 * text holds the record as written.
	 */
	READER_NOT_RECORD,
	/*
	 * A byte invalid in the file's encoding (or a NUL) at bad_offset,
	 * in field bad_field (1-based; 0 when the record could not be split
	 * into fields, then text holds it and error_line, error_column and
	 * error_context say where).
	 */
	READER_BAD_ENCODING,
	/* Field bad_field (1-based) is over max_field_bytes. */
	READER_LONG_FIELD,
};

struct reader_row {
	const char *file;       /* the path as opened */
	const char *sheet;      /* the sheet of a workbook, else NULL */
	const struct source_profile *profile;   /* may be NULL */
	bool header;            /* the column names of a new table */
	uint32_t line;          /* where the row starts, 1-based */
	size_t nfields;
	const char *const *fields;  /* UTF-8, NUL-terminated */
	const size_t *lens;     /* each field's length in bytes */
	const uint32_t *columns;    /* each field's column in the source, 1-based */
	/*
	 * The fields were found by name (JSON keys), one per header name,
	 * so their number cannot disagree with the header's.
	 */
	bool keyed;
	enum reader_problem problem;
	size_t bad_field;
	uint64_t bad_offset;
	const char *error;      /* static or reader-owned text */
	uint32_t error_line, error_column;
	const char *error_context;  /* the line of the error, for a caret */
	const char *text;       /* the record as written, when it has no fields */
	size_t text_len;
	/*
	 * A field whose value is not text (a JSON array or object, given as
	 * its JSON text), 1-based, or 0; not_text says which ("an array").
	 * It is a malformed record, checked after the other reasons.
	 */
	size_t not_text_field;
	const char *not_text;
	/*
	 * A sheet's cells (sheet.h): SHEET_* flags per field (a number
	 * Excel could not hold exactly, an error value read as empty ...),
	 * else NULL; error_cells counts the row's error values.
	 */
	const uint8_t *cell_flags;
	size_t error_cells;
};

struct reader;

/*
 * Opens path, choosing the reader by its name's ending (.json, .jsonl,
 * .xlsx, .xls, else CSV). Returns NULL with a message in err when the file cannot be
 * opened or read, or opts->encoding is unknown.
 */
struct reader *reader_open(const char *path, const struct reader_opts *opts,
			   struct buf *err);
/*
 * The same for part k of a CSV file cut by csv_plan_file() (csvread.h):
 * the file's header, then the part's rows (issue 20).
 */
struct reader *reader_open_part(const char *path,
				const struct reader_opts *opts,
				const struct csv_plan *plan, size_t k,
				struct buf *err);

/*
 * Reads the next row: 1 a row, 0 the end, -1 a fault that ends the file
 * (err holds the whole message, saying that the rest is skipped), or
 * READER_RESTART: the reader found the file's encoding to be other than
 * the one it read so far in and starts again from its first row; the
 * caller forgets every row of the file it was given. It happens at most
 * once per file.
 */
#define READER_RESTART 2
int reader_next_row(struct reader *r, struct reader_row *row,
		    struct buf *err);

/*
 * Settles the encoding now (a CSV read as UTF-8 on trust, SPEC §8 rule
 * 2), for a caller that cannot go on with what it was given (a header
 * that does not match) or that stops early: 0 when nothing changes,
 * READER_RESTART as above, -1 on a read error (err).
 */
int reader_settle(struct reader *r, struct buf *err);

/* The invalid sequences a part's reader counted (csv_reader_invalid()). */
size_t reader_invalid(const struct reader *r);
/* "UTF-8" or "GB18030": what the file is read as (final after the end). */
const char *reader_encoding(const struct reader *r);
/* How the encoding was chosen, for a note; NULL when there is no choice. */
const char *reader_encoding_why(const struct reader *r);
/* True when path names a workbook (.xlsx, .xls): binary, not text. */
bool reader_is_workbook(const char *path);
/*
 * True when reading path forks a child (.xls: freexl runs in one). A
 * child forked beside other threads may find a lock (iconv's, the
 * sanitizers' allocator's) held by a thread that does not exist in it,
 * and hang: ingest reads such inputs on one thread.
 */
bool reader_forks(const char *path);
/*
 * The encoding a file of path's kind has by definition ("UTF-8" for
 * JSON, SPEC §8 rule 2), or "" when it is detected per file.
 */
const char *reader_fixed_encoding(const char *path);
/*
 * A problem met reading the file that did not stop it but may make its
 * values differ from what the file shows (an .xls whose records could
 * not be read), for a warning; NULL when none. Final at the end.
 */
const char *reader_warning(const struct reader *r);
/* Why a file that ended without a header has none, for the warning. */
const char *reader_empty_reason(const struct reader *r);
/* The SHA-256 of the file's bytes, 64 hex digits: 0, or -1 (out is ""). */
int reader_sha256(struct reader *r, char out[65]);
/*
 * The names of the sheets of the workbook at path that a profile's
 * sheets: "all" asks for: every visible sheet in the workbook's order,
 * into *names; the hidden ones (hidden or very hidden, in an .xlsx or an
 * .xls alike) into *hidden unless it is NULL (both cleared first). 0, or
 * -1 with the reason in err (not a workbook, unreadable).
 */
struct string_list;
int reader_list_sheets(const char *path, struct string_list *names,
		       struct string_list *hidden, struct buf *err);
/* The source profile the reader was opened with (may be NULL). */
const struct source_profile *reader_profile(const struct reader *r);

void reader_close(struct reader *r);

#endif
