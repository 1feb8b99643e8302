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
/* How a value is masked where its column is known only by a key. */
enum mask_kind { MASK_KEEP, MASK_NAME, MASK_PHONE, MASK_TEXT, MASK_GUESS };

/*
 * A value whose column is not known (a row whose fields do not line up
 * with its header): two or three CJK ideographs (four after a compound
 * surname) read as a name and keep the first (张**), anything else is
 * masked as free text. Character for character, so a caret under a
 * masked line still points right.
 */
void mask_guess(struct buf *out, const char *text);
/*
 * The text of a JSON record (or a line of one), character for
 * character: keys as they are, each key's value as kind_of(key, ctx)
 * says (a name keeps its first character, a phone or free text its
 * digits masked), values without a key (or kind_of NULL) by
 * mask_guess().
 */
void mask_json_text(struct buf *out, const char *text,
		    enum mask_kind (*kind_of)(const char *key, void *ctx),
		    void *ctx);
/* mask_free_text(), and owner's full name (when not NULL) as mask_name(). */
void mask_free_text_of(struct buf *out, const char *text, const char *owner);

#endif
