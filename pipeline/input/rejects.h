/*
 * rejects.h - output/rejects.csv: every quarantined row, readable.
 *
 * One row per reject of a ticket_set, in file and line order, after a
 * header: file, line, column, code, 原因, reason, then the row's original
 * fields, each in its own column. UTF-8 with a BOM, CRLF, every field
 * formula-neutralised (csvout.h), invalid bytes shown as \xNN. The column
 * is the 1-based field that caused the reject, 0 when no one field did.
 *
 * The original fields hold personal data, and rejects.csv is read by
 * whoever fixes the exports: it shows them masked as the reports do
 * (struct reject's masked; docs/ingest.md says how). The unmasked
 * originals go to rejects.original.csv beside it, mode 0600 whatever the
 * umask, for the administrator.
 */
#ifndef HUIFANG_REJECTS_H
#define HUIFANG_REJECTS_H

#include <stdbool.h>

#include "util/buf.h"
#include "model/ticket.h"

/* The readable reason of a code: Chinese and English labels. */
const char *reject_reason_zh(int reason);
const char *reject_reason_en(int reason);

#define REJECTS_FILE "rejects.csv"
#define REJECTS_ORIGINAL_FILE "rejects.original.csv"

/*
 * Appends the whole CSV (BOM, header, rows) to out, the original fields
 * masked or as they were.
 */
void rejects_format(const struct ticket_set *set, bool masked,
		    struct buf *out);

/*
 * Writes dir/rejects.csv (masked) and dir/rejects.original.csv (mode
 * 0600) atomically (outfile.h); 0, or -1 with err set.
 */
int rejects_write(const struct ticket_set *set, const char *dir,
		  struct buf *err);

#endif
