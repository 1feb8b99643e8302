/*
 * test_chtime.c - China time: civil conversions, SPEC §8 rule 5 parsing,
 * ISO weeks and the default report week (rule 12).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/chtime.h"

static int64_t parse(const char *s)
{
	int64_t t;

	if (chtime_parse(s, strlen(s), &t) < 0)
		return TIME_NONE;
	return t;
}

static void assert_parses_to(const char *s, const char *expected)
{
	char out[CHTIME_BUF];
	int64_t t = parse(s);

	if (t == TIME_NONE)
		fail_msg("'%s' did not parse", s);
	chtime_format(t, out);
	assert_string_equal(out, expected);
}

static void test_chtime__parses_every_spec_form(void **state)
{
	(void)state;
	assert_parses_to("2026-11-20 14:03:00", "2026-11-20 14:03:00");
	/* The 19-byte form (a fast path) agrees with the general parser. */
	assert_int_equal(parse("2024-02-29 23:59:59"),
			 parse("2024-02-29T23:59:59+08:00"));
	assert_int_equal(parse("2026/11/20 08:30:05"),
			 parse("2026-11-20T00:30:05Z"));
	assert_int_equal(parse("0001-01-01 00:00:00"),
			 parse("0001-01-01T00:00:00+08:00"));
	assert_parses_to("9999-12-31 23:59:59", "9999-12-31 23:59:59");
	assert_parses_to("2026/11/20 14:03", "2026-11-20 14:03:00");
	assert_parses_to("2026/1/5 9:07", "2026-01-05 09:07:00");
	assert_parses_to("2026-11-20", "2026-11-20 00:00:00");
	assert_parses_to("2026-11-20T14:03:00", "2026-11-20 14:03:00");
	assert_parses_to("  2026-11-20 14:03:00\xe3\x80\x80", "2026-11-20 14:03:00");
	/* Full-width digits and separators fold to ASCII first. */
	assert_parses_to("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96"
			 "\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x91\xef\xbc\x8d"
			 "\xef\xbc\x92\xef\xbc\x90", "2026-11-20 00:00:00");
}

static void test_chtime__converts_offsets_to_china_time(void **state)
{
	(void)state;
	assert_parses_to("2026-11-20T06:03:00Z", "2026-11-20 14:03:00");
	assert_parses_to("2026-11-20T14:03:00+08:00", "2026-11-20 14:03:00");
	assert_parses_to("2026-11-20T14:03:00+0800", "2026-11-20 14:03:00");
	assert_parses_to("2026-11-20T14:03:00+08", "2026-11-20 14:03:00");
	assert_parses_to("2026-11-20T00:30:00-05:00", "2026-11-20 13:30:00");
	assert_parses_to("2026-11-20 23:00:00Z", "2026-11-21 07:00:00");
}

static void test_chtime__rounds_fractions_half_up(void **state)
{
	(void)state;
	assert_parses_to("2026-11-20 14:03:00.5", "2026-11-20 14:03:01");
	assert_parses_to("2026-11-20 14:03:00.499", "2026-11-20 14:03:00");
	assert_parses_to("2026-12-31 23:59:59.5", "2027-01-01 00:00:00");
}

static void test_chtime__reads_excel_serials(void **state)
{
	(void)state;
	assert_parses_to("1", "1899-12-31 00:00:00");
	assert_parses_to("46346", "2026-11-20 00:00:00");
	assert_parses_to("46346.5", "2026-11-20 12:00:00");
	/* 1/86400 of a day is one second; half a second rounds up. */
	assert_parses_to("46346.0000057870370", "2026-11-20 00:00:00");
	assert_parses_to("46346.0000057871", "2026-11-20 00:00:01");
	assert_parses_to("2958465.99999", "9999-12-31 23:59:59");
	/* The largest serial rounds up past 9999; it prints five digits. */
	assert_parses_to("2958465.999999", "10000-01-01 00:00:00");
	assert_int_equal(parse("2958466"), TIME_NONE);
	assert_int_equal(parse("0"), TIME_NONE);
	assert_int_equal(parse("0.5"), TIME_NONE);
	assert_int_equal(parse("20261120"), TIME_NONE);
}

static void test_chtime__is_strict_about_calendars(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", "2026-11-31", "2026-11-20 24:00",
		"2026-11-20 12:60", "2026-11-20 12:00:60", "2026-13-01",
		"2026-11-20 12", "2026-11-20  12:00", "26-11-20", "2026-11/20",
		"2026-11-20 12:00 +08:00", "tomorrow", "", "2026-11-20T", "46346.",
		"2026-00-10", "2026-11-00",
		/* the 19-byte form, which has a fast path of its own */
		"2026-02-29 10:00:00", "2026-11-31 10:00:00",
		"2026-11-20 24:00:00", "2026-11-20 12:60:00",
		"2026-11-20 12:00:60", "2026-13-01 00:00:00",
		"2026-00-10 00:00:00", "2026-11-00 00:00:00",
		"0000-11-20 00:00:00", "2026-11/20 00:00:00",
		"2026/11-20 00:00:00", "2026-11-20x00:00:00",
		"2026-11-2a 00:00:00", "2026-11-20 1:00:000",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i]) != TIME_NONE)
			fail_msg("'%s' parsed but must not", bad[i]);
	assert_parses_to("2024-02-29", "2024-02-29 00:00:00");
}

static void test_chtime__numbers_iso_weeks_by_the_iso_year(void **state)
{
	struct iso_week w;
	char out[16];

	(void)state;
	chtime_iso_week(parse("2024-12-30"), &w);
	chtime_format_week(w, out);
	assert_string_equal(out, "2025-W01");
	chtime_iso_week(parse("2021-01-03 23:59:59"), &w);
	chtime_format_week(w, out);
	assert_string_equal(out, "2020-W53");
	chtime_iso_week(parse("2026-11-22 23:59:59"), &w);
	chtime_format_week(w, out);
	assert_string_equal(out, "2026-W47");
	chtime_iso_week(parse("2026-11-23 00:00:00"), &w);
	chtime_format_week(w, out);
	assert_string_equal(out, "2026-W48");
	assert_int_equal(chtime_week_start(w), parse("2026-11-23"));
	assert_int_equal(iso_weeks_in_year(2020), 53);
	assert_int_equal(iso_weeks_in_year(2026), 53);
	assert_int_equal(iso_weeks_in_year(2025), 52);
	assert_int_equal(chtime_parse_week("2025-W53", &w), -1);
	assert_int_equal(chtime_parse_week("2026-W53", &w), 0);
}

static void test_chtime__default_week_ends_at_the_last_monday(void **state)
{
	struct iso_week w;
	char out[16];

	(void)state;
	w = chtime_default_week(parse("2026-11-23 00:00:00"));
	chtime_format_week(w, out);
	assert_string_equal(out, "2026-W47");
	w = chtime_default_week(parse("2026-11-22 23:59:59"));
	chtime_format_week(w, out);
	assert_string_equal(out, "2026-W46");
	w = chtime_default_week(parse("2026-11-26 10:00:00"));
	chtime_format_week(w, out);
	assert_string_equal(out, "2026-W47");
}

static int64_t parse_as(const char *s, unsigned forms, bool *date_only)
{
	int64_t t;

	if (chtime_parse_as(s, strlen(s), forms, &t, date_only) < 0)
		return TIME_NONE;
	return t;
}

static void test_chtime__reads_chinese_dates_built_in(void **state)
{
	bool date_only = false;

	(void)state;
	assert_parses_to("2025年11月27日 10:00", "2025-11-27 10:00:00");
	assert_parses_to("2025年11月27日 10:00:30", "2025-11-27 10:00:30");
	assert_parses_to("2025年1月7日10:05", "2025-01-07 10:05:00");
	assert_parses_to("2025年11月27日", "2025-11-27 00:00:00");
	/* Full-width digits fold first. */
	assert_parses_to("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95"
			 "年１１月２７日 １０：００",
			 "2025-11-27 10:00:00");
	assert_int_equal(parse_as("2025年11月27日", 0, &date_only),
			 parse("2025-11-27"));
	assert_true(date_only);
	/* Strict like every other form; no offset after a Chinese time. */
	assert_int_equal(parse("2026年2月29日"), TIME_NONE);
	assert_int_equal(parse("2025年11月27"), TIME_NONE);
	assert_int_equal(parse("2025年11月27日 24:00"), TIME_NONE);
	assert_int_equal(parse("2025年11月27日 10:00Z"), TIME_NONE);
	assert_int_equal(parse("2025年13月1日"), TIME_NONE);
}

static void test_chtime__tells_a_date_alone_from_a_time(void **state)
{
	bool date_only = true;

	(void)state;
	assert_int_equal(parse_as("2026-11-20", 0, &date_only),
			 parse("2026-11-20 00:00:00"));
	assert_true(date_only);
	assert_int_equal(parse_as("2026/11/20 00:00", 0, &date_only),
			 parse("2026-11-20 00:00:00"));
	assert_false(date_only);
	assert_int_equal(parse_as("2026-11-20 00:00:00", 0, &date_only),
			 parse("2026-11-20 00:00:00"));
	assert_false(date_only);
	/* An Excel serial is a number, not a written date. */
	assert_int_equal(parse_as("46346", 0, &date_only),
			 parse("2026-11-20"));
	assert_false(date_only);
}

static void test_chtime__reads_epochs_only_when_asked(void **state)
{
	(void)state;
	/* 1764208800 is 2025-11-27 10:00:00 China time. */
	assert_int_equal(parse_as("1764208800", CHTIME_EPOCH_S, NULL),
			 parse("2025-11-27 10:00:00"));
	assert_int_equal(parse_as("1764208800499", CHTIME_EPOCH_MS, NULL),
			 parse("2025-11-27 10:00:00"));
	assert_int_equal(parse_as("1764208800500", CHTIME_EPOCH_MS, NULL),
			 parse("2025-11-27 10:00:01"));
	/* Both allowed: the number of digits decides. */
	assert_int_equal(parse_as("1764208800",
				  CHTIME_EPOCH_S | CHTIME_EPOCH_MS, NULL),
			 parse("2025-11-27 10:00:00"));
	assert_int_equal(parse_as("1764208800000",
				  CHTIME_EPOCH_S | CHTIME_EPOCH_MS, NULL),
			 parse("2025-11-27 10:00:00"));
	/* Without the option ten digits are an out-of-range Excel serial. */
	assert_int_equal(parse("1764208800"), TIME_NONE);
	assert_int_equal(parse_as("12345678901234567", CHTIME_EPOCH_MS, NULL),
			 TIME_NONE);
	/* Other forms still parse under the option. */
	assert_int_equal(parse_as("2025-11-27 10:00:00", CHTIME_EPOCH_S, NULL),
			 parse("2025-11-27 10:00:00"));
}

static void test_chtime__reads_compact_times_only_when_asked(void **state)
{
	(void)state;
	assert_int_equal(parse_as("20251127100005", CHTIME_COMPACT, NULL),
			 parse("2025-11-27 10:00:05"));
	assert_int_equal(parse_as("20251127100005",
				  CHTIME_COMPACT | CHTIME_EPOCH_MS, NULL),
			 parse("2025-11-27 10:00:05"));
	assert_int_equal(parse_as("20260229100000", CHTIME_COMPACT, NULL),
			 TIME_NONE);
	assert_int_equal(parse_as("20251127240000", CHTIME_COMPACT, NULL),
			 TIME_NONE);
	assert_int_equal(parse("20251127100005"), TIME_NONE);
	/* Eight digits are not a compact date: a serial, out of range. */
	assert_int_equal(parse_as("20261120", CHTIME_COMPACT, NULL),
			 TIME_NONE);
}

static void test_chtime__reads_iso_offsets_with_fractions(void **state)
{
	(void)state;
	assert_parses_to("2025-11-27T10:00:00.123+0800", "2025-11-27 10:00:00");
	assert_parses_to("2025-11-27T02:00:00.500Z", "2025-11-27 10:00:01");
	assert_parses_to("2025-11-27T10:00:00.999999+08:00",
			 "2025-11-27 10:00:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chtime__parses_every_spec_form),
		cmocka_unit_test(test_chtime__converts_offsets_to_china_time),
		cmocka_unit_test(test_chtime__rounds_fractions_half_up),
		cmocka_unit_test(test_chtime__reads_excel_serials),
		cmocka_unit_test(test_chtime__is_strict_about_calendars),
		cmocka_unit_test(test_chtime__numbers_iso_weeks_by_the_iso_year),
		cmocka_unit_test(test_chtime__default_week_ends_at_the_last_monday),
		cmocka_unit_test(test_chtime__reads_chinese_dates_built_in),
		cmocka_unit_test(test_chtime__tells_a_date_alone_from_a_time),
		cmocka_unit_test(test_chtime__reads_epochs_only_when_asked),
		cmocka_unit_test(test_chtime__reads_compact_times_only_when_asked),
		cmocka_unit_test(test_chtime__reads_iso_offsets_with_fractions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
