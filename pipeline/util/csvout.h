/*
 * csvout.h - writing CSV for people who open it in Excel.
 *
 * Every CSV huifang writes starts with CSV_BOM (so Excel reads UTF-8),
 * ends rows with CRLF, quotes a field when it holds a comma, quote, CR or
 * LF, and neutralises a field that starts with = + - @ tab or CR by
 * prefixing a single quote, so that no export text becomes a formula
 * (SPEC §6). Functions append to a caller-owned buf.
 */
#ifndef HUIFANG_CSVOUT_H
#define HUIFANG_CSVOUT_H

#include <stddef.h>

#include "util/buf.h"

#define CSV_BOM "\xEF\xBB\xBF"

void csv_add_field(struct buf *b, const char *s, size_t len);
/*
 * A field quoted as above but never neutralised: for writing a file as
 * another program would (huifang gen's exports), not for people.
 */
void csv_add_plain_field(struct buf *b, const char *s, size_t len);
/* n fields separated by commas, then CRLF. */
void csv_add_row(struct buf *b, const char *const *fields, size_t n);

#endif
