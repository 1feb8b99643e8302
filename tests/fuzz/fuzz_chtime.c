/*
 * fuzz_chtime.c - libFuzzer target for the timestamp parser
 * (chtime_parse(), chtime.h; SPEC §8 rule 5 and §9.21).
 *
 * Whatever the bytes, the parser reads only the bytes it is given
 * (AddressSanitizer sees the exact buffer), and a value it accepts is an
 * instant between year 1 and 10000-01-01: formatted back as
 * "YYYY-MM-DD HH:MM:SS" and parsed again (years up to 9999), it is the
 * same instant, and its ISO week formats and parses back to itself.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/chtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[CHTIME_BUF], week[16];
	struct iso_week w, back;
	int64_t t, again;

	if (chtime_parse((const char *)data, size, &t) < 0)
		return 0;
	assert(t != TIME_NONE);
	/* Year 1 to the first instant of year 10000 (SPEC §8.5's serials). */
	assert(t >= chtime_make(1, 1, 1, 0, 0, 0));
	assert(t <= chtime_make(10000, 1, 1, 0, 0, 0));
	chtime_format(t, text);
	/* 10000-01-01 (the last serial, rounded up) has five year digits. */
	if (t < chtime_make(10000, 1, 1, 0, 0, 0)) {
		assert(chtime_parse(text, strlen(text), &again) == 0);
		assert(again == t);
	}
	chtime_iso_week(t, &w);
	chtime_format_week(w, week);
	assert(chtime_parse_week(week, &back) == 0 || w.year > 9999);
	return 0;
}
