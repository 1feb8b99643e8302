/*
 * test_issue.c - issue_at, the plausibility gates and the decision to
 * issue (SPEC §9.26-§9.28). Every gate has a test that trips it at its
 * default limit and one that passes it, on a gate_input built by hand
 * from a plausible week (plausible()), changed in one measure.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "stages/issue.h"
#include "stages/metrics.h"
#include "util/xalloc.h"

static struct gate_file files[2];

/* A week that passes every gate at the defaults. */
static void plausible(struct gate_input *in)
{
	size_t i;

	memset(in, 0, sizeof(*in));
	in->rows_read = 1000;
	in->rejected = 10;
	files[0].name = "tickets.csv";
	files[0].rows = 600;
	files[0].repeated_ids = 6;
	files[0].rejected = 6;
	files[1].name = "callbacks.csv";
	files[1].rows = 400;
	files[1].repeated_ids = 0;
	files[1].rejected = 4;
	in->files = files;
	in->nfiles = 2;
	in->ratings = 300;
	in->untimed_ratings = 3;
	in->eligible = 200;
	in->eligible_with_butler = 190;
	in->as_of = chtime_make(2026, 11, 26, 8, 0, 0);
	in->newest = chtime_make(2026, 11, 26, 7, 0, 0);
	for (i = 0; i < ISSUE_PRIOR_WEEKS; i++)
		in->prior_eligible[i] = 200;
	in->nprior = ISSUE_PRIOR_WEEKS;
}

struct fixture {
	struct config cfg;
	struct gate_input in;
	struct gate_result g[GATE_COUNT];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	config_init(&f->cfg);
	plausible(&f->in);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	config_release(&f->cfg);
	free(f);
	return 0;
}

/* Checks the gates; asserts that exactly `only` tripped (GATE_COUNT: none). */
static void check(struct fixture *f, int only)
{
	size_t n = issue_check_gates(&f->in, &f->cfg, f->g);
	int g;

	for (g = 0; g < GATE_COUNT; g++)
		if (f->g[g].tripped != (g == only))
			fail_msg("gate %s: tripped %d", issue_gate_name[g],
				 f->g[g].tripped);
	assert_int_equal(n, only == GATE_COUNT ? 0 : 1);
}

static void describe(struct fixture *f, int g, const char *want)
{
	struct buf b = BUF_INIT;

	issue_describe_gate((enum issue_gate)g, &f->g[g], &b);
	assert_string_equal(b.s, want);
	buf_release(&b);
}

static void test_issue__issue_at_is_monday_plus_sla_plus_grace(void **state)
{
	struct fixture *f = *state;
	struct iso_week w;

	assert_int_equal(chtime_parse_week("2026-W47", &w), 0);
	assert_int_equal(issue_at(w, &f->cfg),
			 chtime_make(2026, 11, 26, 0, 0, 0));
	/* The longest SLA of the types counts, and the grace. */
	f->cfg.sla_seconds[TYPE_COMPLAINT] = 72 * 3600;
	f->cfg.issue_grace_seconds = 0;
	assert_int_equal(issue_at(w, &f->cfg),
			 chtime_make(2026, 11, 26, 0, 0, 0));
	f->cfg.sla_seconds[TYPE_SPECIAL] = 96 * 3600;
	assert_int_equal(issue_at(w, &f->cfg),
			 chtime_make(2026, 11, 27, 0, 0, 0));
	/* ISO years: 2026-W53 does not exist; 2027-W01 starts 2027-01-04. */
	assert_int_equal(chtime_parse_week("2027-W01", &w), 0);
	config_release(&f->cfg);
	config_init(&f->cfg);
	assert_int_equal(issue_at(w, &f->cfg),
			 chtime_make(2027, 1, 14, 0, 0, 0));
}

static void test_issue__a_plausible_week_passes_every_gate(void **state)
{
	check(*state, GATE_COUNT);
}

static void test_issue__rejected_rows_trip_over_five_percent(void **state)
{
	struct fixture *f = *state;

	f->in.rejected = 50;   /* exactly 5 %: passes */
	check(f, GATE_COUNT);
	f->in.rejected = 51;
	check(f, GATE_REJECTED_ROWS);
	describe(f, GATE_REJECTED_ROWS, "rejected_rows: 5.1 % of the rows "
		 "read were rejected (limit 5.0 %)");
	/* A renamed header: every row rejected. */
	f->in.rejected = f->in.rows_read;
	check(f, GATE_REJECTED_ROWS);
}

static void test_issue__any_unreadable_file_trips(void **state)
{
	struct fixture *f = *state;

	f->in.unreadable_files = 1;
	f->in.unreadable_example = "week48.xlsx";
	check(f, GATE_UNREADABLE_FILES);
	describe(f, GATE_UNREADABLE_FILES, "unreadable_files: 1 file(s) in "
		 "the input folder were not read, such as 'week48.xlsx' "
		 "(limit 0)");
	f->cfg.gates.unreadable_files = 1;
	check(f, GATE_COUNT);
}

static void test_issue__any_damaged_id_trips(void **state)
{
	struct fixture *f = *state;

	f->in.damaged_ids = 1;
	f->in.damaged_example = "tickets.csv";
	check(f, GATE_DAMAGED_IDS);
	f->in.damaged_ids = 0;
	check(f, GATE_COUNT);
}

static void test_issue__a_file_of_repeated_ids_trips(void **state)
{
	struct fixture *f = *state;

	files[0].repeated_ids = 120;   /* exactly 20 %: passes */
	check(f, GATE_COUNT);
	files[0].repeated_ids = 121;
	check(f, GATE_REPEATED_IDS);
	describe(f, GATE_REPEATED_IDS, "repeated_ids: 20.2 % of the rows of "
		 "'tickets.csv' repeat a ticket number of the same file "
		 "(limit 20.0 %)");
}

/*
 * Half of one week's export lost is a few per cent of all the rows read:
 * the rejected_rows gate passes it, the per-file gate does not.
 */
static void test_issue__one_export_mostly_rejected_trips(void **state)
{
	struct fixture *f = *state;

	f->in.rows_read = 10000;   /* a season of weekly exports */
	files[1].rejected = 100;   /* exactly 25 %: passes */
	f->in.rejected = 106;
	check(f, GATE_COUNT);
	files[1].rejected = 201;   /* 50.25 %: 2.1 % of the rows read */
	f->in.rejected = 207;
	check(f, GATE_REJECTED_FILE);
	describe(f, GATE_REJECTED_FILE, "rejected_file: 50.2 % of the rows of "
		 "'callbacks.csv' were rejected (limit 25.0 %)");
	/* A file under ISSUE_FILE_MIN_ROWS rows is left to rejected_rows. */
	files[1].rows = ISSUE_FILE_MIN_ROWS - 1;
	files[1].rejected = ISSUE_FILE_MIN_ROWS - 1;
	check(f, GATE_COUNT);
	files[1].rows = ISSUE_FILE_MIN_ROWS;
	files[1].rejected = ISSUE_FILE_MIN_ROWS;
	check(f, GATE_REJECTED_FILE);
	f->cfg.gates.rejected_file_share = 1;
	check(f, GATE_COUNT);
}

static void test_issue__ratings_without_time_trip_over_five_percent(
	void **state)
{
	struct fixture *f = *state;

	f->in.ratings = 95;
	f->in.untimed_ratings = 5;     /* 5 %: passes */
	check(f, GATE_COUNT);
	f->in.untimed_ratings = 6;
	check(f, GATE_UNTIMED_RATINGS);
}

static void test_issue__no_butler_at_all_trips(void **state)
{
	struct fixture *f = *state;

	f->in.eligible_with_butler = 1;
	check(f, GATE_COUNT);
	f->in.eligible_with_butler = 0;
	check(f, GATE_NO_BUTLER);
	describe(f, GATE_NO_BUTLER, "no_butler: no eligible ticket of the "
		 "week has a butler (责任人)");
	/* A profile that declares no butler column, or the config, lets it
	 * pass. */
	f->in.no_butler_column = true;
	check(f, GATE_COUNT);
	f->in.no_butler_column = false;
	f->cfg.gates.require_butler = false;
	check(f, GATE_COUNT);
}

static void test_issue__stale_exports_trip_after_three_days(void **state)
{
	struct fixture *f = *state;

	f->in.newest = f->in.as_of - 3 * SECONDS_PER_DAY;
	check(f, GATE_COUNT);
	f->in.newest -= 1;
	check(f, GATE_STALE_INPUT);
	f->in.newest = f->in.as_of - 7 * SECONDS_PER_DAY;
	check(f, GATE_STALE_INPUT);
	describe(f, GATE_STALE_INPUT, "stale_input: the newest time in the "
		 "input is 7.0 days before the as-of (limit 3.0 days)");
	f->in.newest = TIME_NONE;
	check(f, GATE_STALE_INPUT);
}

static void test_issue__an_empty_week_among_busy_ones_trips(void **state)
{
	struct fixture *f = *state;

	f->in.eligible = 0;
	f->in.eligible_with_butler = 0;
	f->in.prior_eligible[0] = 50;
	f->in.prior_eligible[1] = 50;
	f->in.prior_eligible[2] = 50;
	f->in.prior_eligible[3] = 49;   /* averages 49.75: passes */
	check(f, GATE_COUNT);
	f->in.prior_eligible[3] = 50;
	check(f, GATE_EMPTY_WEEK);
	describe(f, GATE_EMPTY_WEEK, "empty_week: no eligible ticket in the "
		 "week, while the 4 weeks before averaged 50.0 (limit 50.0)");
	/* A week with one ticket is not empty. */
	f->in.eligible = 1;
	f->in.eligible_with_butler = 1;
	check(f, GATE_COUNT);
}

/*
 * Every gate has a Chinese reason for the Chinese pages (page 1 of the
 * weekly PDF, the site): its Chinese name, its code, the measure and the
 * limit, and no English sentence.
 */
static void test_issue__every_gate_has_a_chinese_reason(void **state)
{
	struct fixture *f = *state;
	static const char *const want[GATE_COUNT] = {
		"拒收行比例（rejected_rows）：读入的行中被拒收的占 5.1%"
		"（上限 5.0%）",
		"未读取的文件（unreadable_files）：输入文件夹中有 1 个文件未能"
		"读取，如“week48.xlsx”（上限 0）",
		"被 Excel 损坏的工单编号（damaged_ids）：1 个工单编号被 Excel "
		"改成了科学计数法（如 8.22025E+17），见“tickets.csv”等文件"
		"（上限 0）",
		"文件内重复的工单编号（repeated_ids）：“tickets.csv”中重复本文件"
		"工单编号的行占 20.2%（上限 20.0%）",
		"无回访时间的评价（untimed_ratings）：没有回访时间的满意度或回访"
		"结果占 6.0%（上限 5.0%）",
		"无责任人（no_butler）：本周应回访的工单都没有责任人（管家）",
		"数据过旧（stale_input）：输入中最新的时间比数据截至时间早 7.0 "
		"天（上限 3.0 天）",
		"空周（empty_week）：本周没有应回访工单，而此前 4 周平均 50.0 单"
		"（阈值 50.0）",
		"单个文件拒收行比例（rejected_file）：“tickets.csv”中被拒收的行占 "
		"25.2%（上限 25.0%）",
	};
	struct buf b = BUF_INIT;
	int g, k;

	f->in.rejected = 51;
	f->in.unreadable_files = 1;
	f->in.unreadable_example = "week48.xlsx";
	f->in.damaged_ids = 1;
	f->in.damaged_example = "tickets.csv";
	files[0].repeated_ids = 121;
	files[0].rejected = 151;
	f->in.ratings = 94;
	f->in.untimed_ratings = 6;
	f->in.newest = f->in.as_of - 7 * SECONDS_PER_DAY;
	f->in.eligible = 0;
	f->in.eligible_with_butler = 0;
	for (k = 0; k < ISSUE_PRIOR_WEEKS; k++)
		f->in.prior_eligible[k] = 50;
	assert_int_equal(issue_check_gates(&f->in, &f->cfg, f->g),
			 GATE_COUNT - 1);   /* no_butler needs eligible > 0 */
	f->g[GATE_NO_BUTLER].tripped = true;
	for (g = 0; g < GATE_COUNT; g++) {
		buf_reset(&b);
		issue_describe_gate_zh((enum issue_gate)g, &f->g[g], &b);
		assert_string_equal(b.s, want[g]);
		assert_null(strstr(b.s, "limit"));
	}
	/* Acceptance is the templates' wording, not the reason's. */
	f->g[GATE_STALE_INPUT].accepted = true;
	buf_reset(&b);
	issue_describe_gate_zh(GATE_STALE_INPUT, &f->g[GATE_STALE_INPUT], &b);
	assert_string_equal(b.s, want[GATE_STALE_INPUT]);
	/* No time at all. */
	f->in.newest = TIME_NONE;
	issue_check_gates(&f->in, &f->cfg, f->g);
	buf_reset(&b);
	issue_describe_gate_zh(GATE_STALE_INPUT, &f->g[GATE_STALE_INPUT], &b);
	assert_string_equal(b.s, "数据过旧（stale_input）：输入中没有数据截至"
			    "时间之前的时间（上限 3.0 天）");
	buf_release(&b);
}

static void test_issue__a_week_is_issued_only_when_due(void **state)
{
	struct fixture *f = *state;
	struct issue_decision d;
	int64_t when = chtime_make(2026, 11, 26, 0, 0, 0);

	issue_check_gates(&f->in, &f->cfg, f->g);
	issue_decide(when, when - 1, f->g, &f->cfg, false, false, &d);
	assert_false(d.due);
	assert_false(d.issued);
	assert_false(d.blocked);
	issue_decide(when, when, f->g, &f->cfg, false, false, &d);
	assert_true(d.due);
	assert_true(d.issued);
	assert_false(d.forced);
	/* --issue forces it early, and says so. */
	issue_decide(when, when - 1, f->g, &f->cfg, true, false, &d);
	assert_true(d.issued);
	assert_true(d.forced);
}

static void test_issue__a_tripped_gate_blocks_until_accepted(void **state)
{
	struct fixture *f = *state;
	struct issue_decision d;
	int64_t when = chtime_make(2026, 11, 26, 0, 0, 0);

	f->in.newest = TIME_NONE;
	f->in.rejected = 500;
	assert_int_equal(issue_check_gates(&f->in, &f->cfg, f->g), 2);
	/* Not yet due: provisional, not blocked (nothing to block yet). */
	issue_decide(when, when - 1, f->g, &f->cfg, false, false, &d);
	assert_false(d.issued);
	assert_false(d.blocked);
	assert_int_equal(d.tripped, 2);
	issue_decide(when, when, f->g, &f->cfg, false, false, &d);
	assert_false(d.issued);
	assert_true(d.blocked);
	/* --issue does not pass a gate. */
	issue_decide(when, when - 1, f->g, &f->cfg, true, false, &d);
	assert_true(d.blocked);
	/* The config accepts one gate by name: the other still blocks. */
	string_list_add(&f->cfg.accept_gates, "stale_input");
	issue_decide(when, when, f->g, &f->cfg, false, false, &d);
	assert_true(d.blocked);
	assert_int_equal(d.accepted, 1);
	assert_true(f->g[GATE_STALE_INPUT].accepted);
	assert_false(f->g[GATE_REJECTED_ROWS].accepted);
	/* --accept-gates accepts them all, and the line says so. */
	issue_decide(when, when, f->g, &f->cfg, false, true, &d);
	assert_true(d.issued);
	assert_int_equal(d.accepted, 2);
	describe(f, GATE_STALE_INPUT, "stale_input: the input holds no time "
		 "at or before the as-of (limit 3.0 days); accepted by the "
		 "administrator");
}

/* issue_gather() over a set built by hand and its metrics. */
static void test_issue__gathers_the_measures_from_set_and_metrics(
	void **state)
{
	struct fixture *f = *state;
	struct ticket_set set;
	struct input_file in_files[3];
	struct ticket tk[2];
	struct callback cb;
	struct metrics m;
	struct diag d;
	struct iso_week w;
	struct gate_input in;

	(void)f;
	ticket_set_init(&set);
	memset(in_files, 0, sizeof(in_files));
	in_files[0].name = "a.csv";
	in_files[0].kind = FILE_TICKETS;
	in_files[0].rows_read = 10;
	in_files[0].repeated_ids = 3;
	in_files[0].damaged_ticket_ids = 2;
	in_files[1].name = "notes.txt.csv";
	in_files[1].kind = FILE_UNRECOGNISED;
	in_files[2].name = "cb.csv";
	in_files[2].kind = FILE_CALLBACKS;
	in_files[2].rows_read = 5;
	in_files[2].rejected = 2;
	set.files = in_files;
	set.nfiles = 3;
	set.rows_read = 15;
	set.rejected = 2;
	set.quality.ratings_without_time = 1;
	memset(tk, 0, sizeof(tk));
	memset(&cb, 0, sizeof(cb));
	tk[0].id = "T1";
	tk[0].butler = "李四";
	tk[1].id = "T2";
	tk[1].butler = "";
	tk[0].center = tk[1].center = tk[0].subtype = tk[1].subtype = "";
	tk[0].handler = tk[1].handler = "";
	tk[0].type = tk[1].type = TYPE_REPAIR;
	tk[0].created_at = tk[1].created_at = TIME_NONE;
	tk[0].updated_at = tk[1].updated_at = TIME_NONE;
	tk[0].rectified_at = tk[1].rectified_at = TIME_NONE;
	tk[0].completed_at = chtime_make(2026, 11, 20, 9, 0, 0);
	tk[1].completed_at = chtime_make(2026, 11, 21, 9, 0, 0);
	/* A callback after the as-of does not exist yet (§8.13). */
	cb.at = chtime_make(2026, 11, 27, 9, 0, 0);
	cb.recorder = "";
	tk[1].first_cb = 0;
	tk[1].n_cb = 1;
	set.tickets = tk;
	set.ntickets = 2;
	set.callbacks = &cb;
	set.ncallbacks = 1;

	metrics_init(&m);
	diag_init(&d);
	assert_int_equal(chtime_parse_week("2026-W47", &w), 0);
	assert_int_equal(metrics_compute(&set, &f->cfg, w,
					 chtime_make(2026, 11, 26, 8, 0, 0),
					 &m, &d), 0);
	issue_gather(&set, &m, chtime_make(2026, 11, 26, 8, 0, 0), &in);
	assert_int_equal(in.rows_read, 15);
	assert_int_equal(in.rejected, 2);
	assert_int_equal(in.unreadable_files, 1);
	assert_string_equal(in.unreadable_example, "notes.txt.csv");
	assert_int_equal(in.damaged_ids, 2);
	assert_int_equal(in.nfiles, 2);   /* the unrecognised one is not */
	assert_int_equal(in.files[0].repeated_ids, 3);
	assert_int_equal(in.files[0].rejected, 0);
	assert_string_equal(in.files[1].name, "cb.csv");
	assert_int_equal(in.files[1].rows, 5);
	assert_int_equal(in.files[1].rejected, 2);
	assert_int_equal(in.ratings, 1);
	assert_int_equal(in.untimed_ratings, 1);
	assert_int_equal(in.eligible, 2);
	assert_int_equal(in.eligible_with_butler, 1);
	assert_int_equal(in.newest, tk[1].completed_at);
	assert_int_equal(in.nprior, ISSUE_PRIOR_WEEKS);
	assert_int_equal(in.prior_eligible[0], 0);
	issue_input_release(&in);
	metrics_release(&m);
	diag_release(&d);
	/* The set's arrays are on the stack: release only its arena. */
	arena_release(&set.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_issue__issue_at_is_monday_plus_sla_plus_grace),
		T(test_issue__a_plausible_week_passes_every_gate),
		T(test_issue__rejected_rows_trip_over_five_percent),
		T(test_issue__any_unreadable_file_trips),
		T(test_issue__any_damaged_id_trips),
		T(test_issue__a_file_of_repeated_ids_trips),
		T(test_issue__one_export_mostly_rejected_trips),
		T(test_issue__ratings_without_time_trip_over_five_percent),
		T(test_issue__no_butler_at_all_trips),
		T(test_issue__stale_exports_trip_after_three_days),
		T(test_issue__an_empty_week_among_busy_ones_trips),
		T(test_issue__every_gate_has_a_chinese_reason),
	T(test_issue__a_week_is_issued_only_when_due),
		T(test_issue__a_tripped_gate_blocks_until_accepted),
		T(test_issue__gathers_the_measures_from_set_and_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
