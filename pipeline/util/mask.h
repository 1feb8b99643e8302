/*
 * mask.h - masking personal data for reports (SPEC §6, PIPL).
 *
 * Names keep the surname (张* , 欧阳* for the known compound surnames),
 * phone numbers keep the first 3 and last 4 digits (138****5678), and runs
 * of 7 or more digits inside free text (phone, ID numbers) are masked the
 * same way. In free text, full-width digits (１３８…) count as digits, and
 * a mobile written in groups (138-1234-5678, 138 1234 5678) reads
 * 138-****-5678; mask_phone() reads +86 13812345678 as 138****5678. Each function appends to out; it never fails and never
 * produces invalid UTF-8 from valid input.
 */
#ifndef HUIFANG_MASK_H
#define HUIFANG_MASK_H

#include "util/buf.h"

void mask_name(struct buf *out, const char *name);
void mask_phone(struct buf *out, const char *phone);
void mask_free_text(struct buf *out, const char *text);

#endif
