/*
 * test_pending.c - the earlier weeks nightly renders (SPEC §9.27): every
 * week before the last complete one with data or a folder that is not
 * issued, oldest first, within the window; older ones apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stages/pending.h"

static bool is_issued(const char *week, void *arg)
{
	const struct string_list *issued = arg;

	return string_list_has(issued, week);
}

static void names_of(const struct iso_week *w, size_t n, char *out,
		     size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len + 18 < size; i++) {
		char name[16];

		chtime_format_week(w[i], name);
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? " " : "", name);
	}
}

/* Completions in W38, W40 (twice), W41 (cancelled), W43, W46 (the last
 * complete week, nightly's own), after the as-of, and none. */
#define NTICKETS 8

static void setup_set(struct ticket_set *set, struct ticket *t)
{
	const int64_t at[NTICKETS] = {
		chtime_make(2026, 9, 16, 9, 0, 0),
		chtime_make(2026, 9, 28, 0, 0, 0),
		chtime_make(2026, 10, 4, 23, 59, 59),
		chtime_make(2026, 10, 6, 9, 0, 0),
		chtime_make(2026, 10, 20, 9, 0, 0),
		chtime_make(2026, 11, 10, 9, 0, 0),
		chtime_make(2026, 11, 20, 9, 0, 0),
		TIME_NONE,
	};
	size_t i;

	memset(set, 0, sizeof(*set));
	memset(t, 0, NTICKETS * sizeof(*t));
	for (i = 0; i < NTICKETS; i++)
		t[i].completed_at = at[i];
	t[3].cancelled = true;
	set->tickets = t;
	set->ntickets = NTICKETS;
}

static void test_pending__lists_every_week_with_data_not_issued(void **state)
{
	struct ticket t[NTICKETS];
	struct ticket_set set;
	struct string_list issued = { NULL, 0, 0 }, folders = { NULL, 0, 0 };
	struct pending pd;
	/* Thursday of 2026-W47: W46 is the last complete week. */
	int64_t as_of = chtime_make(2026, 11, 19, 2, 0, 0);
	char names[256];

	(void)state;
	setup_set(&set, t);
	string_list_add(&issued, "2026-W43");
	/* A week a gate kept provisional, with no data any more, and folders
	 * of the nightly's own weeks and of no week. */
	string_list_add(&folders, "2026-W44");
	string_list_add(&folders, "2026-W46");
	string_list_add(&folders, "2026-W47");
	string_list_add(&folders, "2026-11");
	string_list_add(&folders, "notes");
	pending_plan(&set, as_of, 0, &folders, is_issued, &issued, &pd);
	names_of(pd.weeks, pd.nweeks, names, sizeof(names));
	/* W41 has only a cancelled ticket; W43 is issued. */
	assert_string_equal(names, "2026-W38 2026-W40 2026-W44");
	assert_int_equal(pd.nbeyond, 0);
	pending_release(&pd);
	assert_null(pd.weeks);

	/* Everything issued: nothing to do. */
	string_list_add(&issued, "2026-W38");
	string_list_add(&issued, "2026-W40");
	string_list_add(&issued, "2026-W44");
	pending_plan(&set, as_of, 0, &folders, is_issued, &issued, &pd);
	assert_int_equal(pd.nweeks, 0);
	assert_int_equal(pd.nbeyond, 0);
	pending_release(&pd);
	string_list_clear(&issued);
	string_list_clear(&folders);
}

static void test_pending__keeps_older_weeks_apart(void **state)
{
	struct ticket t[NTICKETS];
	struct ticket_set set;
	struct string_list none = { NULL, 0, 0 };
	struct pending pd;
	int64_t as_of = chtime_make(2026, 11, 19, 2, 0, 0);
	char names[256];

	(void)state;
	setup_set(&set, t);
	/* 8 weeks: W40 to W47, the as-of's. */
	pending_plan(&set, as_of, 8, &none, is_issued, &none, &pd);
	names_of(pd.weeks, pd.nweeks, names, sizeof(names));
	assert_string_equal(names, "2026-W40 2026-W43");
	names_of(pd.beyond, pd.nbeyond, names, sizeof(names));
	assert_string_equal(names, "2026-W38");
	pending_release(&pd);
	/* 2 weeks: only nightly's own; every earlier one apart. */
	pending_plan(&set, as_of, 2, &none, is_issued, &none, &pd);
	assert_int_equal(pd.nweeks, 0);
	names_of(pd.beyond, pd.nbeyond, names, sizeof(names));
	assert_string_equal(names, "2026-W38 2026-W40 2026-W43");
	pending_release(&pd);
	/* No data: nothing at all. */
	set.ntickets = 0;
	pending_plan(&set, as_of, 2, &none, is_issued, &none, &pd);
	assert_int_equal(pd.nweeks + pd.nbeyond, 0);
	pending_release(&pd);
}

/*
 * A folder a year older than every ticket (2025-W50, across the turn of
 * the year and dozens of weeks back) comes first, and the weeks of the
 * tickets follow in order: each week is marked once, however far back.
 */
static void test_pending__reaches_back_past_the_year(void **state)
{
	struct ticket t[NTICKETS];
	struct ticket_set set;
	struct string_list none = { NULL, 0, 0 }, folders = { NULL, 0, 0 };
	struct pending pd;
	int64_t as_of = chtime_make(2026, 11, 19, 2, 0, 0);
	char names[256];

	(void)state;
	setup_set(&set, t);
	string_list_add(&folders, "2025-W50");
	string_list_add(&folders, "2026-W01");
	pending_plan(&set, as_of, 0, &folders, is_issued, &none, &pd);
	names_of(pd.weeks, pd.nweeks, names, sizeof(names));
	assert_string_equal(names,
			    "2025-W50 2026-W01 2026-W38 2026-W40 2026-W43");
	assert_int_equal(pd.nbeyond, 0);
	pending_release(&pd);
	string_list_clear(&folders);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending__lists_every_week_with_data_not_issued),
		cmocka_unit_test(test_pending__keeps_older_weeks_apart),
		cmocka_unit_test(test_pending__reaches_back_past_the_year),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
