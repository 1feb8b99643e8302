/*
 * records.h - the ingest artifact, output/records/: the normalised set on
 * disk, so that metrics and sample can be re-run without re-reading the
 * exports (schema huifang.records/1, described in docs/ingest.md).
 *
 *   records/summary.json    files, counts, data quality
 *   records/tickets.jsonl   one accepted ticket per line, in set order
 *   records/callbacks.jsonl one callback or attempt per line, in set order
 *
 * records_write() writes the three files atomically (outfile.h) under dir,
 * creating it. records_read() fills an empty ticket_set from them: the
 * same tickets, callbacks, files, counts and quality as were written; the
 * rejects themselves are in rejects.csv and are not read back (their
 * counts are). Instants are written as China time 'YYYY-MM-DD HH:MM:SS'.
 */
#ifndef HUIFANG_RECORDS_H
#define HUIFANG_RECORDS_H

#include "buf.h"
#include "diag.h"
#include "ticket.h"

#define RECORDS_SCHEMA "huifang.records/1"

/* 0, or -1 with err set ("<path>: <cause>"); nothing half-written. */
int records_write(const struct ticket_set *set, const char *dir,
		  struct buf *err);

/*
 * 0, or -1 when a file is missing or not in the schema (reported to d with
 * file and line). set must be freshly initialised; on failure it is left
 * empty again.
 */
int records_read(struct ticket_set *set, const char *dir, struct diag *d);

#endif
