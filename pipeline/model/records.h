/*
 * records.h - the ingest artifact, output/records/: the normalised set on
 * disk, so that metrics and sample can be re-run without re-reading the
 * exports (schema huifang.records/2, byte layout in docs/ingest.md).
 *
 *   records/summary.json    files, counts, data quality (JSON)
 *   records/tickets.bin     every accepted ticket, in set order (binary)
 *   records/callbacks.bin   every callback or attempt, in set order, each
 *                           naming its ticket by index in tickets.bin
 *
 * records_write() writes the three files atomically (outfile.h) under dir,
 * creating it; the two .bin files are written by two threads at once, and
 * summary.json last, so that its presence says the other two are whole.
 * records_read() fills an empty ticket_set from them: the same tickets,
 * callbacks, files, counts and quality as were written; the rejects
 * themselves are in rejects.csv and are not read back (their counts are).
 * Every byte read is validated: a truncated or damaged file is an error,
 * never a wrong set. tests/tools/recdump prints the set as text.
 */
#ifndef HUIFANG_RECORDS_H
#define HUIFANG_RECORDS_H

#include "util/buf.h"
#include "util/diag.h"
#include "model/ticket.h"

#define RECORDS_SCHEMA "huifang.records/2"
/* The version number in the header of the .bin files. */
#define RECORDS_VERSION 2

/*
 * 0, or -1 with err set ("<path>: <cause>"). summary.json is removed
 * before the data files are replaced and written after them, so a failure
 * leaves either the old artifact untouched (dir cannot be made, the old
 * summary cannot be removed) or no summary.json: a reader never takes a
 * half-replaced artifact for a whole one. The files of the earlier schema
 * (tickets.jsonl, callbacks.jsonl) are removed on success.
 */
int records_write(const struct ticket_set *set, const char *dir,
		  struct buf *err);

/*
 * 0, or -1 when a file is missing, truncated, damaged or not in the
 * schema, reported to d as "<dir>/tickets.bin: record N (byte offset X):
 * <what>" (records and offsets count from 0; problems of the whole file
 * name no record). set must be freshly initialised; on failure it is left
 * empty again. Repeated short strings are interned in set's arena as
 * ingest does; the caller releases set with ticket_set_release().
 */
int records_read(struct ticket_set *set, const char *dir, struct diag *d);

#endif
