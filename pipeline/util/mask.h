/*
 * mask.h - masking personal data for reports (SPEC §6, PIPL).
 *
 * Names keep the surname (张* , 欧阳* for the known compound surnames),
 * phone numbers keep the first 3 and last 4 digits (138****5678) when
 * they have 11 or more, only the last 4 when shorter (a landline's
 * 87654321 reads ****4321), and runs of 7 or more digits inside free text
 * (phone, ID numbers) are masked the same way. In free text, full-width
 * digits (１３８…) count as digits, and a number written in groups of one
 * separator (138-1234-5678, 139 8765 4321, an ID 110105 19491231 0037, a
 * landline 0851-12345678) is one number whose separators stay;
 * mask_phone() reads +86 13812345678 as 138****5678. mask_free_text_of()
 * also masks the owner's own name where the text repeats it. Each
 * function appends to out; it never fails and never produces invalid
 * UTF-8 from valid input.
 */
#ifndef HUIFANG_MASK_H
#define HUIFANG_MASK_H

#include "util/buf.h"

void mask_name(struct buf *out, const char *name);
void mask_phone(struct buf *out, const char *phone);
void mask_free_text(struct buf *out, const char *text);
/* mask_free_text(), and owner's full name (when not NULL) as mask_name(). */
void mask_free_text_of(struct buf *out, const char *text, const char *owner);

#endif
