/*
 * test_backfill.c - the plan of 'huifang backfill': the periods of the
 * data, due ones at their issue_at and later ones at the as-of, within
 * the retention, without what is issued or already rendered at that
 * as-of (SPEC §9.30).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "stages/backfill.h"
#include "stages/issue.h"

struct done {
	const char *ids[8];
	int64_t at[8];
	size_t n;
};

static bool is_current(const char *id, int64_t at, void *arg)
{
	const struct done *d = arg;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->ids[i], id) && (d->at[i] == TIME_NONE ||
					       d->at[i] == at))
			return true;
	return false;
}

static void setup_set(struct ticket_set *set, struct ticket *t, size_t n,
		      const int64_t *completed)
{
	size_t i;

	memset(set, 0, sizeof(*set));
	memset(t, 0, n * sizeof(*t));
	for (i = 0; i < n; i++)
		t[i].completed_at = completed[i];
	set->tickets = t;
	set->ntickets = n;
}

static void ids_of(const struct backfill_item *it, size_t n, char *out,
		   size_t size)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len + PERIOD_ID_SIZE + 2 < size; i++) {
		char id[PERIOD_ID_SIZE];

		period_format(it[i].period, id);
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? " " : "", id);
	}
}

static void test_backfill__plans_every_period_of_the_data(void **state)
{
	const int64_t completed[] = {
		chtime_make(2026, 10, 20, 9, 0, 0),    /* 2026-W43 */
		chtime_make(2026, 11, 3, 9, 0, 0),     /* 2026-W45 */
		chtime_make(2027, 3, 1, 9, 0, 0),      /* after the as-of */
		TIME_NONE,
	};
	struct ticket t[4];
	struct ticket_set set;
	struct config cfg;
	struct backfill_item *it;
	struct done done = { { "2026-W44" }, { TIME_NONE }, 1 };
	int64_t as_of = chtime_make(2026, 11, 12, 8, 0, 0);   /* W46 Thu */
	char ids[512];
	size_t n;

	(void)state;
	config_init(&cfg);
	cfg.site_retention_weeks = 0;
	cfg.retention_weeks = 0;
	setup_set(&set, t, 4, completed);
	n = backfill_plan(&set, &cfg, as_of, is_current, &done, &it);
	ids_of(it, n, ids, sizeof(ids));
	/* W44 is issued; the future ticket widens nothing. */
	assert_string_equal(ids, "2026-W43 2026-W45 2026-W46 2026-10 2026-11 "
			    "2026-Q4");
	/* W43 is due: at its issue_at, issued; W46 and November later. */
	assert_true(it[0].due);
	assert_int_equal(it[0].as_of,
			 issue_at_period(it[0].period, &cfg));
	assert_true(it[1].due);
	assert_false(it[2].due);
	assert_int_equal(it[2].as_of, as_of);
	assert_true(it[3].due);                 /* October: Nov 3 + SLA */
	assert_false(it[4].due);
	assert_int_equal(it[4].as_of, as_of);
	free(it);

	/* Rendered at these very as-ofs: a second backfill plans nothing. */
	done.ids[1] = "2026-W43", done.at[1] = issue_at_period(
		period_of(completed[0], PERIOD_WEEK), &cfg);
	done.ids[2] = "2026-W45", done.at[2] = TIME_NONE;
	done.ids[3] = "2026-W46", done.at[3] = as_of;
	done.ids[4] = "2026-10", done.at[4] = TIME_NONE;
	done.ids[5] = "2026-11", done.at[5] = as_of;
	done.ids[6] = "2026-Q4", done.at[6] = as_of;
	done.n = 7;
	n = backfill_plan(&set, &cfg, as_of, is_current, &done, &it);
	assert_int_equal(n, 0);
	free(it);
	/* A day later the provisional ones are rendered again. */
	n = backfill_plan(&set, &cfg, as_of + 86400, is_current, &done, &it);
	ids_of(it, n, ids, sizeof(ids));
	assert_string_equal(ids, "2026-W46 2026-11 2026-Q4");
	free(it);
	config_release(&cfg);
}

static void test_backfill__stays_within_the_retention(void **state)
{
	const int64_t completed[] = { chtime_make(2025, 1, 6, 9, 0, 0) };
	struct ticket t[1];
	struct ticket_set set;
	struct config cfg;
	struct backfill_item *it;
	struct done done = { { NULL }, { 0 }, 0 };
	int64_t as_of = chtime_make(2026, 11, 26, 8, 0, 0);   /* W48 */
	char id[PERIOD_ID_SIZE];
	size_t n;

	(void)state;
	config_init(&cfg);
	cfg.retention_weeks = 26;
	cfg.site_retention_weeks = 3;     /* the site shows W46-W48 */
	setup_set(&set, t, 1, completed);
	n = backfill_plan(&set, &cfg, as_of, is_current, &done, &it);
	/* W46, W47, W48; November; Q4. */
	assert_int_equal(n, 5);
	period_format(it[0].period, id);
	assert_string_equal(id, "2026-W46");
	free(it);
	/* No data at all: nothing. */
	set.ntickets = 0;
	assert_int_equal(backfill_plan(&set, &cfg, as_of, is_current, &done,
				       &it), 0);
	free(it);
	config_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backfill__plans_every_period_of_the_data),
		cmocka_unit_test(test_backfill__stays_within_the_retention),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
