/*
 * fuzz_ttf_subset.c - libFuzzer entry point for the TrueType subsetter.
 *
 * The input is a font file (or collection). The first byte, when there is
 * one, picks the face index (0-3) and whether a character set is given;
 * the rest is the font. Checked beyond "no crash, no leak": a refused font
 * says why, a built font starts with the TrueType version 1.0 tag and has
 * a table directory that fits, and a built font is itself accepted by the
 * subsetter again (what pdffont_prepare() hands to libharu must be a font
 * the same reader calls well formed).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/ttf_subset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 回访 A□ and the digits: a few code points in three ranges. */
static void mark(unsigned char *chars, unsigned cp)
{
	chars[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char chars[TTF_CHARS_SIZE];
	struct buf out = BUF_INIT, again = BUF_INIT, err = BUF_INIT;
	int index = 0, use_chars = 1, subset = -1, subset2 = -1;
	unsigned cp, ntables;

	if (!chars['A' >> 3]) {
		for (cp = '0'; cp <= '9'; cp++)
			mark(chars, cp);
		mark(chars, 'A');
		mark(chars, 0x56DE);
		mark(chars, 0x8BBF);
		mark(chars, 0x25A1);
	}
	if (size > 0) {
		index = data[0] & 3;
		use_chars = !(data[0] & 4);
		data++;
		size--;
	}
	if (ttf_subset_build(data, size, index, use_chars ? chars : NULL,
			     &out, &subset, &err) < 0) {
		if (err.len == 0)
			abort();
		goto done;
	}
	if (subset != 0 && subset != 1)
		abort();
	if (out.len < 12 || memcmp(out.s, "\0\1\0\0", 4))
		abort();
	ntables = (unsigned)(unsigned char)out.s[4] << 8 |
		  (unsigned char)out.s[5];
	if (12 + 16 * (size_t)ntables > out.len)
		abort();
	if (ttf_subset_build((const unsigned char *)out.s, out.len, 0,
			     use_chars ? chars : NULL, &again, &subset2,
			     &err) < 0)
		abort();
done:
	buf_release(&out);
	buf_release(&again);
	buf_release(&err);
	return 0;
}
