/*
 * test_period.c - weeks, months and quarters in China time: parsing,
 * bounds, stepping across years, the period of an instant, and the issue
 * time of a month and a quarter (SPEC §9.30).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "model/period.h"
#include "stages/issue.h"

static const char *id_of(struct period p)
{
	static char id[PERIOD_ID_SIZE];

	period_format(p, id);
	return id;
}

static const char *date_of(int64_t t)
{
	static char out[CHTIME_BUF];

	chtime_format(t, out);
	return out;
}

static void test_period__parses_the_three_kinds_and_nothing_else(void **state)
{
	struct period p;

	(void)state;
	assert_int_equal(period_parse("2026-W47", &p), 0);
	assert_int_equal(p.kind, PERIOD_WEEK);
	assert_string_equal(id_of(p), "2026-W47");
	assert_int_equal(period_parse("2026-11", &p), 0);
	assert_int_equal(p.kind, PERIOD_MONTH);
	assert_int_equal(p.n, 11);
	assert_string_equal(id_of(p), "2026-11");
	assert_int_equal(period_parse("2026-Q4", &p), 0);
	assert_int_equal(p.kind, PERIOD_QUARTER);
	assert_string_equal(id_of(p), "2026-Q4");
	assert_string_equal(period_kind_name(p.kind), "quarter");

	assert_int_equal(period_parse("2026-13", &p), -1);
	assert_int_equal(period_parse("2026-00", &p), -1);
	assert_int_equal(period_parse("2026-Q5", &p), -1);
	assert_int_equal(period_parse("2026-Q0", &p), -1);
	assert_int_equal(period_parse("2026-1", &p), -1);
	assert_int_equal(period_parse("2026-011", &p), -1);
	assert_int_equal(period_parse("2026-W54", &p), -1);
	assert_int_equal(period_parse("2025-W53", &p), -1);
	assert_int_equal(period_parse("26-11", &p), -1);
	assert_int_equal(period_parse("../2026-11", &p), -1);
	assert_int_equal(period_parse("2026-11/", &p), -1);
	assert_int_equal(period_parse("", &p), -1);
	assert_int_equal(period_parse(NULL, &p), -1);
}

static void test_period__bounds_are_china_midnights(void **state)
{
	struct period p;

	(void)state;
	period_parse("2026-11", &p);
	assert_string_equal(date_of(period_start(p)), "2026-11-01 00:00:00");
	assert_string_equal(date_of(period_end(p)), "2026-12-01 00:00:00");
	/* 00:00 China time is 16:00 UTC the day before. */
	assert_int_equal(period_start(p), 1793462400);
	period_parse("2026-Q4", &p);
	assert_string_equal(date_of(period_start(p)), "2026-10-01 00:00:00");
	assert_string_equal(date_of(period_end(p)), "2027-01-01 00:00:00");
	period_parse("2024-02", &p);
	assert_int_equal(period_end(p) - period_start(p), 29 * 86400);
	period_parse("2026-W47", &p);
	assert_string_equal(date_of(period_start(p)), "2026-11-16 00:00:00");
	assert_string_equal(date_of(period_end(p)), "2026-11-23 00:00:00");
}

static void test_period__steps_across_years(void **state)
{
	struct period p;

	(void)state;
	period_parse("2026-11", &p);
	assert_string_equal(id_of(period_add(p, 2)), "2027-01");
	assert_string_equal(id_of(period_add(p, -11)), "2025-12");
	assert_string_equal(id_of(period_add(p, -23)), "2024-12");
	period_parse("2026-Q4", &p);
	assert_string_equal(id_of(period_add(p, 1)), "2027-Q1");
	assert_string_equal(id_of(period_add(p, -4)), "2025-Q4");
	assert_string_equal(id_of(period_add(p, -7)), "2025-Q1");
	period_parse("2026-W01", &p);
	assert_string_equal(id_of(period_add(p, -1)), "2025-W52");
	period_parse("2026-W53", &p);
	assert_int_equal(period_parse("2026-W53", &p), 0);
	assert_string_equal(id_of(period_add(p, 1)), "2027-W01");
	/* period_index() is consecutive for every kind. */
	assert_int_equal(period_index(period_add(p, 9)), period_index(p) + 9);
	period_parse("2026-11", &p);
	assert_int_equal(period_index(period_add(p, -13)), period_index(p) - 13);
}

static void test_period__of_an_instant_uses_china_time(void **state)
{
	/* 2026-09-30 16:00 UTC is 2026-10-01 00:00 in China. */
	int64_t t = chtime_make(2026, 10, 1, 0, 0, 0);

	(void)state;
	assert_string_equal(id_of(period_of(t, PERIOD_MONTH)), "2026-10");
	assert_string_equal(id_of(period_of(t, PERIOD_QUARTER)), "2026-Q4");
	assert_string_equal(id_of(period_of(t - 1, PERIOD_MONTH)), "2026-09");
	assert_string_equal(id_of(period_of(t - 1, PERIOD_QUARTER)), "2026-Q3");
	assert_string_equal(id_of(period_of(t, PERIOD_WEEK)), "2026-W40");
	assert_string_equal(id_of(period_of(chtime_make(2024, 12, 30, 0, 0, 0),
					    PERIOD_WEEK)), "2025-W01");
}

static void test_period__issue_at_is_end_plus_longest_sla_plus_grace(void **state)
{
	struct config cfg;
	struct period p;
	int t;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	for (t = 0; t < TYPE_COUNT; t++)
		cfg.sla_seconds[t] = 24 * 3600;
	cfg.sla_seconds[0] = 48 * 3600;
	cfg.issue_grace_seconds = 24 * 3600;
	period_parse("2026-11", &p);
	assert_string_equal(date_of(issue_at_period(p, &cfg)),
			    "2026-12-04 00:00:00");
	period_parse("2026-Q4", &p);
	assert_string_equal(date_of(issue_at_period(p, &cfg)),
			    "2027-01-04 00:00:00");
	/* A week as a period is issued exactly as issue_at() says. */
	period_parse("2026-W47", &p);
	assert_string_equal(date_of(issue_at_period(p, &cfg)),
			    "2026-11-26 00:00:00");
	assert_int_equal(issue_at_period(p, &cfg),
			 issue_at(period_week(p), &cfg));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period__parses_the_three_kinds_and_nothing_else),
		cmocka_unit_test(test_period__bounds_are_china_midnights),
		cmocka_unit_test(test_period__steps_across_years),
		cmocka_unit_test(test_period__of_an_instant_uses_china_time),
		cmocka_unit_test(test_period__issue_at_is_end_plus_longest_sla_plus_grace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
