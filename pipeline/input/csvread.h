/*
 * csvread.h - reading CSV exports record by record.
 *
 *   struct csv_reader *r = csv_reader_open(path, NULL, 65536, &err);
 *   struct csv_record rec;
 *   while ((rc = csv_reader_next(r, &rec)) > 0)
 *           ... rec.fields[0 .. rec.nfields) ...
 *   csv_reader_free(r);
 *
 * Parsing is libcsv's, in CSV_STRICT | CSV_STRICT_FINI mode; this module
 * adds what libcsv does not know: the line where each record starts (the
 * line 'sed -n Np' shows: LF, CRLF and a lone CR each end a line), the
 * file's encoding (SPEC §8 rule 2: a UTF-8 BOM, else UTF-8 when valid or
 * nearly so, else GB18030 through iconv), the byte offset of the first
 * invalid byte of a record, and the field-size limit. The file is read in
 * blocks, never held whole, so memory does not grow with its size.
 *
 * Fields are returned as UTF-8 (converted from GB18030 when the file is),
 * NUL-terminated, exactly as libcsv unquotes them; blank lines are not
 * records. A record the reader finds broken is still returned, with its
 * problem described, so that the caller can quarantine it and go on:
 * bad_field for an invalid byte (or NUL), long_field for a field over the
 * limit, malformed for a CSV syntax error. After an unterminated quoted
 * field the reader resumes at the line after the broken record's first
 * line, so one stray quote costs one row, not the rest of the file.
 *
 * Record contents belong to the reader and are valid until the next call.
 */
#ifndef HUIFANG_CSVREAD_H
#define HUIFANG_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct csv_record {
	uint32_t line;          /* where the record starts, 1-based */
	size_t nfields;
	char **fields;          /* NUL-terminated UTF-8 (unless bad_field) */
	size_t *lens;
	size_t bad_field;       /* 1-based field with an invalid byte or NUL */
	bool bad_encoding;      /* the record's bytes hold an invalid byte */
	uint64_t bad_offset;    /* file offset of the first such byte */
	size_t long_field;      /* 1-based first field over the limit, or 0 */
	bool malformed;         /* a syntax error; fields are those read */
	uint32_t error_line;    /* where the syntax error is */
	uint32_t error_column;  /* character column of it, 1-based */
	const char *error;      /* what it is, static text */
};

struct csv_reader;

/*
 * Opens path. encoding is NULL (detect), "UTF-8" or "GB18030" (any case;
 * "GBK" and "GB2312" read as GB18030, their superset). Returns NULL with
 * a message in err when the file cannot be opened or read, or the
 * encoding is unknown.
 */
struct csv_reader *csv_reader_open(const char *path, const char *encoding,
				   size_t max_field_bytes, struct buf *err);
/* The same over len bytes of memory, which must outlive the reader. */
/*
 * Refuses a header (the first record) of more than max_bytes bytes
 * (ingest.max_header_bytes; 0: no limit) before it is buffered whole:
 * csv_reader_next() then returns -1 with the limit named in err, and
 * csv_reader_over_limit() says that this, not a read error, was why.
 */
void csv_reader_limit_header(struct csv_reader *r, size_t max_bytes);
bool csv_reader_over_limit(const struct csv_reader *r);
struct csv_reader *csv_reader_open_mem(const char *data, size_t len,
				       const char *encoding,
				       size_t max_field_bytes,
				       struct buf *err);

/* "UTF-8" or "GB18030": what the file is read as. */
const char *csv_reader_encoding(const struct csv_reader *r);
/* How the encoding was chosen, e.g. "detected, 2 invalid sequences". */
const char *csv_reader_encoding_why(const struct csv_reader *r);

/*
 * Reads the next record into rec: 1 when there is one, 0 at the end, -1
 * on a read error (described in err), or CSV_RESTART: the file, read as
 * UTF-8 on trust (its encoding detected, and its first mebibyte not
 * enough to decide), turned out to be GB18030 (SPEC §8 rule 2), and the
 * reader starts again from its first line; the caller forgets every
 * record it was given and goes on calling. It happens at most once per
 * reader, and csv_reader_encoding() and _why() are final only after the
 * last record (0).
 */
#define CSV_RESTART 2

/*
 * Settles the encoding now, reading the whole file for SPEC §8 rule 2's
 * counts if it is still read on trust: for a caller that cannot go on
 * with what it was given (a header with an invalid byte), or that stops
 * early and wants the true encoding. 0 when nothing changes, CSV_RESTART
 * as for csv_reader_next(), -1 on a read error (in err).
 */
int csv_reader_decide(struct csv_reader *r, struct buf *err);
int csv_reader_next(struct csv_reader *r, struct csv_record *rec,
		    struct buf *err);

/*
 * The SHA-256 of the file's bytes as 64 hex digits: hashed as the file is
 * read, the part not read yet (if the caller stopped early) read now.
 * 0, or -1 on a read error. May be called at any point, more than once.
 */
int csv_reader_sha256(struct csv_reader *r, char out[65]);

void csv_reader_free(struct csv_reader *r);

/*
 * One big file read by several threads (issue 20; docs/ingest.md, "One
 * big export on several threads"): csv_plan_file() reads the file once,
 * ahead of the parse, and cuts it into parts at record boundaries, each
 * of at least chunk_bytes, with the line where each part starts; it
 * decides the encoding as csv_reader_next() would. Each part is then
 * read by a reader of its own
 * (csv_reader_open_part()), on any thread: it gives the file's header
 * first, then the part's records, with the lines and file offsets of the
 * whole file, so that the parts' records, in order, are the file's.
 *
 * The plan only vouches for what it can prove: quotes that open a field
 * and close it, "" inside them, and the syntax errors whose end is the
 * end of their line (a stray quote on a record's first line). Anything
 * else (a quote that never closes, a fault in a record that spans lines,
 * white space beside a quote, a header over the limit or not valid CSV,
 * an encoding the reader would settle only at the end) leaves the file
 * unsplit: csv_plan_file() returns 0 and the file is read whole.
 *
 *   struct csv_plan plan;
 *   if (csv_plan_file(path, enc, max_field, max_header, 8 << 20, &plan))
 *           ... csv_reader_open_part(path, &plan, k, max_field, &err) ...
 *   csv_plan_release(&plan);
 *
 * The plan owns its parts; it must outlive the readers of its parts.
 */
struct csv_part {
	uint64_t off, end;      /* the part's bytes: [off, end) */
	uint32_t line;          /* the line at off, 1-based */
};

struct csv_plan {
	const char *encoding;   /* "UTF-8" or "GB18030" */
	bool check_utf8;        /* the parts' readers check every line */
	/*
	 * The parts count invalid sequences (csv_reader_invalid()): after a
	 * BOM, for the note ("byte order mark, N invalid sequences"); read
	 * as UTF-8 on trust ('speculative'), any invalid sequence voids the
	 * plan, and the file is read whole, as SPEC §8 rule 2 then needs.
	 */
	bool counted, speculative;
	char why[96];           /* csv_reader_encoding_why(), before counts */
	struct csv_part *parts;
	size_t nparts;
};

/* 1 when the file is cut in two parts or more, else 0 (read it whole). */
int csv_plan_file(const char *path, const char *encoding,
		  size_t max_field_bytes, size_t max_header_bytes,
		  uint64_t chunk_bytes, struct csv_plan *plan);
void csv_plan_release(struct csv_plan *plan);
/*
 * A reader of part k of plan: the header, then the part's records. NULL
 * with a message in err when the file cannot be opened. It takes no
 * digest (csv_reader_sha256() fails): the file is hashed once, whole.
 */
struct csv_reader *csv_reader_open_part(const char *path,
					const struct csv_plan *plan,
					size_t k, size_t max_field_bytes,
					struct buf *err);
/* The invalid sequences a counting reader met in its part (plan). */
size_t csv_reader_invalid(const struct csv_reader *r);

/* Normalises an --encoding name: "UTF-8", "GB18030", or NULL if unknown. */
const char *csv_encoding_name(const char *name);

#endif
