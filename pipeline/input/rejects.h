/*
 * rejects.h - output/rejects.csv: every quarantined row, readable.
 *
 * One row per reject of a ticket_set, in file and line order, after a
 * header in Chinese: 文件 (file), 行 (line), 列 (column), 代码 (the
 * reason's code), 原因 (the reason), 说明 (what exactly, with the value),
 * then 原始字段: the row's original fields, each in its own column.
 * Before a file's first reject, one row gives that file's column names
 * (原因 is REJECTS_HEADER_ROW, 行, 列 and 代码 empty), so that the
 * original fields line up under their names; rows with a 代码 are the
 * rejects. UTF-8 with a BOM, CRLF, every field formula-neutralised
 * (csvout.h), invalid bytes shown as \xNN. The column is the 1-based
 * field that caused the reject, 0 when no one field did.
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

#define REJECTS_HEADER_ROW "原始表头"

/* The readable reason of a code: Chinese and English labels. */
const char *reject_reason_zh(int reason);
const char *reject_reason_en(int reason);

/*
 * Appends the whole CSV (BOM, header, rows) to out, the original fields
 * masked or as they were.
 */
void rejects_format(const struct ticket_set *set, bool masked,
		    struct buf *out);

#define REJECTS_FILE "rejects.csv"
#define REJECTS_ORIGINAL_FILE "rejects.original.csv"

/*
 * Writes dir/rejects.csv (masked) and dir/rejects.original.csv (mode
 * 0600) atomically (outfile.h); 0, or -1 with err set.
 */
int rejects_write(const struct ticket_set *set, const char *dir,
		  struct buf *err);

#endif
