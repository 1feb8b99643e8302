/*
 * rejects.h - output/rejects.csv: every quarantined row, readable.
 *
 * One row per reject of a ticket_set, in file and line order, after a
 * header: file, line, column, code, 原因, reason, then the row's original
 * fields, each in its own column. UTF-8 with a BOM, CRLF, every field
 * formula-neutralised (csvout.h), invalid bytes shown as \xNN. The column
 * is the 1-based field that caused the reject, 0 when no one field did.
 */
#ifndef HUIFANG_REJECTS_H
#define HUIFANG_REJECTS_H

#include "util/buf.h"
#include "model/ticket.h"

/* The readable reason of a code: Chinese and English labels. */
const char *reject_reason_zh(int reason);
const char *reject_reason_en(int reason);

/* Appends the whole CSV (BOM, header, rows) to out. */
void rejects_format(const struct ticket_set *set, struct buf *out);

/* Writes it atomically to path (outfile.h); 0, or -1 with err set. */
int rejects_write(const struct ticket_set *set, const char *path,
		  struct buf *err);

#endif
