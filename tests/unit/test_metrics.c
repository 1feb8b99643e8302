/*
 * test_metrics.c - the metrics stage against SPEC §3-§4 and §8 rules
 * 12-19, on small ticket sets built by hand. Each test states the set and
 * the answer worked out by hand from the spec's definitions.
 *
 * All tests report on 2026-W47: Monday 2026-11-16 00:00 to Monday
 * 2026-11-23 00:00 (exclusive), China time; as-of is 2026-11-26 08:00
 * unless a test says otherwise. SLA is the default 48 hours.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/chtime.h"
#include "model/config.h"
#include "util/diag.h"
#include "stages/metrics.h"
#include "model/ticket.h"
#include "util/xalloc.h"

#define EPS 1e-12

/* cmocka's float comparison is single precision: this one is not. */
#define assert_double_equal(a, b, eps) \
	assert_near_(a, b, eps, #a, __FILE__, __LINE__)

static void assert_near_(double a, double b, double eps, const char *what,
			 const char *file, int line)
{
	if (!(a - b <= eps && b - a <= eps))
		fail_msg("%s:%d: %s is %.17g, expected %.17g", file, line,
			 what, a, b);
}

/* November 2026, China time. */
static int64_t nov(int day, int h, int mi, int s)
{
	return chtime_make(2026, 11, day, h, mi, s);
}

struct fixture {
	struct ticket_set set;
	struct config cfg;
	struct metrics m;
	struct diag d;
	size_t tcap, ccap;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	ticket_set_init(&f->set);
	config_init(&f->cfg);
	metrics_init(&f->m);
	diag_init(&f->d);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	metrics_release(&f->m);
	diag_release(&f->d);
	config_release(&f->cfg);
	ticket_set_release(&f->set);
	free(f);
	return 0;
}

/*
 * Appends a ticket; tickets must be added in ticket-number order and each
 * ticket's callbacks right after it, as ingest leaves them (ticket.h).
 */
static struct ticket *add_ticket(struct fixture *f, const char *id, int type,
				 const char *subtype, const char *center,
				 const char *butler, int64_t completed_at)
{
	struct ticket *t;

	ALLOC_GROW(f->set.tickets, f->set.ntickets + 1, f->tcap);
	t = &f->set.tickets[f->set.ntickets++];
	memset(t, 0, sizeof(*t));
	t->id = arena_strdup(&f->set.arena, id);
	t->center = center;
	t->unit = "1-101";
	t->owner = "";
	t->phone = "";
	t->type_text = ticket_type_name[type];
	t->subtype = subtype;
	t->content = "";
	t->butler = butler;
	t->status = "已完成";
	t->handler = "";
	t->type = (int8_t)type;
	t->created_at = TIME_NONE;
	t->completed_at = completed_at;
	t->updated_at = TIME_NONE;
	t->rectified_at = TIME_NONE;
	t->first_cb = (uint32_t)f->set.ncallbacks;
	return t;
}

/* The simplest ticket: 报事报修/公区维修 at 中心A, butler 李四. */
static struct ticket *add_repair(struct fixture *f, const char *id,
				 int64_t completed_at)
{
	return add_ticket(f, id, TYPE_REPAIR, "公区维修", "中心A", "李四",
			  completed_at);
}

/*
 * Appends a callback of the last ticket. sat is the text as an export
 * writes it (a label, alias or star) matched through the config, "" for
 * none; an attempt word makes it an attempt.
 */
static struct callback *add_cb_full(struct fixture *f, int64_t at,
				    const char *sat, const char *recorder,
				    int source)
{
	struct callback *cb;

	ALLOC_GROW(f->set.callbacks, f->set.ncallbacks + 1, f->ccap);
	cb = &f->set.callbacks[f->set.ncallbacks++];
	memset(cb, 0, sizeof(*cb));
	cb->at = at;
	cb->recorder = recorder;
	cb->channel = "电话";
	cb->result = "";
	cb->remark = "";
	cb->satisfaction_text = sat;
	cb->is_attempt = config_is_attempt(&f->cfg, sat);
	cb->satisfaction = cb->is_attempt ? SAT_NONE :
			   (uint8_t)config_match_satisfaction(&f->cfg, sat);
	cb->source = (uint8_t)source;
	f->set.tickets[f->set.ntickets - 1].n_cb++;
	return cb;
}

static struct callback *add_cb(struct fixture *f, int64_t at, const char *sat)
{
	return add_cb_full(f, at, sat, "", CB_ROW);
}

static struct iso_week w47(void)
{
	struct iso_week w;

	assert_int_equal(chtime_parse_week("2026-W47", &w), 0);
	return w;
}

static void compute_at(struct fixture *f, int64_t as_of)
{
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w47(), as_of, &f->m,
					 &f->d), 0);
}

static void compute(struct fixture *f)
{
	compute_at(f, nov(26, 8, 0, 0));
}

static const struct week_ticket *week_ticket(const struct fixture *f,
					     const char *id)
{
	size_t i;

	for (i = 0; i < f->m.ntickets; i++)
		if (!strcmp(f->m.tickets[i].ticket->id, id))
			return &f->m.tickets[i];
	return NULL;
}

static bool has_anomaly(const struct fixture *f, const char *id, int kind)
{
	size_t i;

	for (i = 0; i < f->m.nanomalies; i++)
		if (f->m.anomalies[i].kind == (enum anomaly_kind)kind &&
		    !strcmp(f->m.anomalies[i].ticket->id, id))
			return true;
	return false;
}

static void test_metrics__week_is_monday_to_sunday_in_china_time(void **state)
{
	struct fixture *f = *state;
	char s[CHTIME_BUF];

	/* Sunday 23:59:59 of W46, Monday 00:00 and Sunday 23:59:59 of W47,
	 * Monday 00:00 of W48. */
	add_repair(f, "T1", nov(15, 23, 59, 59));
	add_repair(f, "T2", nov(16, 0, 0, 0));
	add_repair(f, "T3", nov(22, 23, 59, 59));
	add_repair(f, "T4", nov(23, 0, 0, 0));
	compute(f);
	chtime_format(f->m.week_start, s);
	assert_string_equal(s, "2026-11-16 00:00:00");
	chtime_format(f->m.week_end, s);
	assert_string_equal(s, "2026-11-23 00:00:00");
	assert_false(f->m.provisional);
	assert_int_equal(f->m.totals.eligible, 2);
	assert_int_equal(f->m.ntickets, 2);
	assert_string_equal(f->m.tickets[0].ticket->id, "T2");
	assert_string_equal(f->m.tickets[1].ticket->id, "T3");
	/* T1 is in the trend's week before; T4 is after the report week. */
	assert_int_equal(f->m.trend[6].totals.eligible, 1);
	assert_int_equal(f->m.trend[7].totals.eligible, 2);
}

static void test_metrics__week_before_as_of_is_provisional(void **state)
{
	struct fixture *f = *state;

	add_repair(f, "T1", nov(16, 9, 0, 0));
	add_repair(f, "T2", nov(20, 9, 0, 0));
	/* As-of Friday noon: T2 (Friday 09:00) exists, the week is open. */
	compute_at(f, nov(20, 12, 0, 0));
	assert_true(f->m.provisional);
	assert_int_equal(f->m.totals.eligible, 2);
	/* As-of Monday 00:00 of the next week: the week is over. */
	compute_at(f, nov(23, 0, 0, 0));
	assert_false(f->m.provisional);
	/* As-of before T2's completion: T2 is not completed yet. */
	compute_at(f, nov(20, 8, 59, 59));
	assert_int_equal(f->m.totals.eligible, 1);
}

static void test_metrics__cancelled_tickets_are_not_eligible(void **state)
{
	struct fixture *f = *state;
	struct ticket *t;

	add_repair(f, "T1", nov(17, 9, 0, 0));
	t = add_repair(f, "T2", nov(17, 9, 0, 0));
	t->cancelled = true;
	add_cb(f, nov(17, 10, 0, 0), "满意");
	add_repair(f, "T3", TIME_NONE);
	compute(f);
	assert_int_equal(f->m.totals.eligible, 1);
	assert_int_equal(f->m.totals.called_back, 0);
	assert_int_equal(f->m.nowed, 1);
	assert_string_equal(f->m.owed[0].ticket->id, "T1");
}

static void test_metrics__callback_validity_boundaries(void **state)
{
	struct fixture *f = *state;
	const int64_t as_of = nov(22, 12, 0, 0);
	const struct week_ticket *wt;

	/* T1: a callback exactly at completion is valid (and too fast). */
	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 0), "满意");
	/* T2: exactly at as-of is valid. */
	add_repair(f, "T2", nov(21, 9, 0, 0));
	add_cb(f, as_of, "满意");
	/* T3: one second after as-of does not exist: owed. */
	add_repair(f, "T3", nov(21, 9, 0, 0));
	add_cb(f, as_of + 1, "满意");
	/* T4: one second before completion is not valid: owed, anomaly. */
	add_repair(f, "T4", nov(18, 9, 0, 0));
	add_cb(f, nov(18, 8, 59, 59), "满意");
	/* T5: exactly 60 s after completion is not too fast. */
	add_repair(f, "T5", nov(18, 9, 0, 0));
	add_cb(f, nov(18, 9, 1, 0), "满意");
	/* T6: completed after as-of (Sunday 13:00): not eligible. */
	add_repair(f, "T6", nov(22, 13, 0, 0));
	compute_at(f, as_of);

	assert_int_equal(f->m.totals.eligible, 5);
	assert_int_equal(f->m.totals.called_back, 3);
	assert_int_equal(f->m.totals.owed, 2);
	wt = week_ticket(f, "T1");
	assert_non_null(wt->first);
	assert_true(has_anomaly(f, "T1", ANOM_CALLBACK_TOO_FAST));
	assert_non_null(week_ticket(f, "T2")->first);
	assert_null(week_ticket(f, "T3")->first);
	assert_null(week_ticket(f, "T4")->first);
	assert_true(has_anomaly(f, "T4", ANOM_CALLBACK_BEFORE_COMPLETION));
	assert_false(has_anomaly(f, "T4", ANOM_CALLBACK_TOO_FAST));
	assert_false(has_anomaly(f, "T5", ANOM_CALLBACK_TOO_FAST));
	assert_null(week_ticket(f, "T6"));
	assert_false(has_anomaly(f, "T3", ANOM_CALLBACK_BEFORE_COMPLETION));
}

static void test_metrics__timely_is_at_most_the_sla(void **state)
{
	struct fixture *f = *state;

	/* Complaints get a 24 h SLA here; repairs keep 48 h. */
	f->cfg.sla_seconds[TYPE_COMPLAINT] = 24 * 3600;
	add_repair(f, "T1", nov(16, 9, 0, 0));
	add_cb(f, nov(18, 9, 0, 0), "满意");           /* exactly 48 h */
	add_repair(f, "T2", nov(16, 9, 0, 0));
	add_cb(f, nov(18, 9, 0, 1), "满意");           /* 48 h + 1 s */
	add_ticket(f, "T3", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(16, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 0), "满意");           /* exactly 24 h */
	add_ticket(f, "T4", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(16, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 1), "满意");           /* 24 h + 1 s */
	compute(f);
	assert_int_equal(f->m.totals.called_back, 4);
	assert_int_equal(f->m.totals.timely, 2);
	assert_true(week_ticket(f, "T1")->timely);
	assert_false(week_ticket(f, "T2")->timely);
	assert_true(week_ticket(f, "T3")->timely);
	assert_false(week_ticket(f, "T4")->timely);
	assert_int_equal(f->m.by_type[TYPE_REPAIR].s.timely, 1);
	assert_int_equal(f->m.by_type[TYPE_COMPLAINT].s.timely, 1);
}

static void test_metrics__attempts_are_counted_not_callbacks(void **state)
{
	struct fixture *f = *state;

	/* Attempts only: before completion, after it, and after as-of. */
	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 8, 0, 0), "未接通");
	add_cb(f, nov(17, 10, 0, 0), "无人接听");
	add_cb(f, nov(27, 10, 0, 0), "关机");
	/* An attempt, then a real callback. */
	add_repair(f, "T2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "拒访");
	add_cb(f, nov(17, 11, 0, 0), "满意");
	compute(f);
	assert_int_equal(f->m.totals.attempts, 3);
	assert_int_equal(f->m.totals.called_back, 1);
	assert_int_equal(week_ticket(f, "T1")->attempts, 2);
	assert_null(week_ticket(f, "T1")->first);
	/* The attempt before completion is no callback_before_completion. */
	assert_false(has_anomaly(f, "T1", ANOM_CALLBACK_BEFORE_COMPLETION));
	assert_int_equal(f->m.nowed, 1);
	assert_int_equal(week_ticket(f, "T2")->first->at, nov(17, 11, 0, 0));
}

static void test_metrics__first_callback_is_earliest_valid(void **state)
{
	struct fixture *f = *state;
	const struct week_ticket *wt;

	/*
	 * The "second" callback (09:30, 非常不满意) is earlier than the
	 * completion: not valid, an anomaly, and it does not make the valid
	 * 12:00 one a loop-closing second callback. The first callback is
	 * the 12:00 不满意 one; nothing later: the loop is open.
	 */
	add_repair(f, "T1", nov(17, 10, 0, 0));
	add_cb(f, nov(17, 9, 30, 0), "非常不满意");
	add_cb(f, nov(17, 12, 0, 0), "不满意");
	compute(f);
	wt = week_ticket(f, "T1");
	assert_int_equal(wt->first->at, nov(17, 12, 0, 0));
	assert_int_equal(f->m.totals.dissatisfied, 1);
	assert_int_equal(f->m.totals.loops_open, 1);
	assert_int_equal(f->m.totals.loops_closed, 0);
	assert_true(has_anomaly(f, "T1", ANOM_CALLBACK_BEFORE_COMPLETION));
}

static void test_metrics__satisfaction_from_labels_aliases_and_stars(void **state)
{
	struct fixture *f = *state;
	const struct group_stats *s;

	/* First callbacks: 5 stars, 很满意, 较满意, 一般, 2 stars, 1 star,
	 * unrated text, and none at all. */
	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "5");
	add_repair(f, "T2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "很满意");
	add_repair(f, "T3", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "较满意");
	add_repair(f, "T4", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "一般");
	add_repair(f, "T5", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "2");
	add_repair(f, "T6", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "\xef\xbc\x91"); /* full-width 1 */
	/* A later 非常满意 on T6 closes its loop but is not its first. */
	add_cb(f, nov(17, 11, 0, 0), "非常满意");
	add_repair(f, "T7", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "还行吧");
	add_repair(f, "T8", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "");
	compute(f);
	s = &f->m.totals;
	assert_int_equal(s->called_back, 8);
	assert_int_equal(s->rated, 6);
	assert_int_equal(s->satisfied, 3);
	assert_int_equal(s->dissatisfied, 2);
	assert_int_equal(s->by_satisfaction[SAT_VERY_SATISFIED], 2);
	assert_int_equal(s->by_satisfaction[SAT_SATISFIED], 1);
	assert_int_equal(s->by_satisfaction[SAT_NEUTRAL], 1);
	assert_int_equal(s->by_satisfaction[SAT_DISSATISFIED], 1);
	assert_int_equal(s->by_satisfaction[SAT_VERY_DISSATISFIED], 1);
	assert_true(s->satisfaction.valid);
	assert_double_equal(s->satisfaction.value, 0.5, EPS);
	/* Wilson, 3 of 6: centre (0.5 + 3.8416/12) / (1 + 3.8416/6)
	 * = 0.5; half-width 1.96 / 1.640267 * sqrt(0.25/6 + 3.8416/144)
	 * = 1.194928 * 0.261426 = 0.3123872. */
	assert_double_equal(s->satisfaction.low, 0.5 - 0.3123872, 1e-7);
	assert_double_equal(s->satisfaction.high, 0.5 + 0.3123872, 1e-7);
	/* T6's loop (1 star) is closed by its 11:00 call; T5's (2 stars)
	 * stays open. */
	assert_int_equal(s->loops_closed, 1);
	assert_int_equal(s->loops_open, 1);
}

static void test_metrics__median_odd_and_even_counts(void **state)
{
	struct fixture *f = *state;

	/* Repairs: 1 h, 10 h, 3 h -> median 3 h (odd count). */
	add_repair(f, "R1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "");
	add_repair(f, "R2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 19, 0, 0), "");
	add_repair(f, "R3", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 12, 0, 0), "");
	/* Complaints: 1 h and 2 h 30 min -> median 1.75 h (even count). */
	add_ticket(f, "R4", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "");
	add_ticket(f, "R5", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(17, 9, 0, 0));
	add_cb(f, nov(17, 11, 30, 0), "");
	/* Not called back: not in any median. */
	add_repair(f, "R6", nov(17, 9, 0, 0));
	compute(f);
	assert_true(f->m.by_type[TYPE_REPAIR].s.has_median);
	assert_double_equal(f->m.by_type[TYPE_REPAIR].s.median_hours_to_callback,
			    3.0, EPS);
	assert_double_equal(
		f->m.by_type[TYPE_COMPLAINT].s.median_hours_to_callback, 1.75,
		EPS);
	/* Totals: 1, 1, 2.5, 3, 10 -> 2.5 h. */
	assert_double_equal(f->m.totals.median_hours_to_callback, 2.5, EPS);
	assert_false(f->m.by_type[TYPE_SPECIAL].s.has_median);
	/* One centre and one butler hold all five. */
	assert_int_equal(f->m.nby_center, 1);
	assert_double_equal(f->m.by_center[0].s.median_hours_to_callback, 2.5,
			    EPS);
}

static void test_metrics__median_is_seconds_over_3600(void **state)
{
	struct fixture *f = *state;

	/* 1 s and 2 s: median 1.5 s = 1.5 / 3600 h. */
	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 1), "");
	add_repair(f, "T2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 2), "");
	compute(f);
	assert_double_equal(f->m.totals.median_hours_to_callback, 1.5 / 3600,
			    1e-15);
}

static void test_metrics__wilson_at_zero_and_at_n(void **state)
{
	struct fixture *f = *state;
	const struct group_stats *s;
	int i;
	char id[8];

	/* Four repairs, none called back; four complaints, all called
	 * back. n = 4: z^2/n = 0.9604, so the interval at 0 is
	 * [0, 0.9604 / 1.9604] and at n is [1 - 0.9604 / 1.9604, 1]. */
	for (i = 0; i < 4; i++) {
		id[0] = 'A';
		id[1] = (char)('0' + i);
		id[2] = '\0';
		add_repair(f, id, nov(17, 9, 0, 0));
	}
	for (i = 0; i < 4; i++) {
		id[0] = 'B';
		id[1] = (char)('0' + i);
		id[2] = '\0';
		add_ticket(f, id, TYPE_COMPLAINT, "共性问题", "中心A", "李四",
			   nov(17, 9, 0, 0));
		add_cb(f, nov(17, 10, 0, 0), "满意");
	}
	compute(f);
	s = &f->m.by_type[TYPE_REPAIR].s;
	assert_true(s->coverage.valid);
	assert_double_equal(s->coverage.value, 0.0, 0);
	assert_double_equal(s->coverage.low, 0.0, 0);
	assert_double_equal(s->coverage.high, 0.9604 / 1.9604, 1e-12);
	assert_true(s->meets_target_valid);
	assert_false(s->meets_target);
	assert_false(s->satisfaction.valid);
	s = &f->m.by_type[TYPE_COMPLAINT].s;
	assert_double_equal(s->coverage.value, 1.0, 0);
	assert_double_equal(s->coverage.low, 1.0 - 0.9604 / 1.9604, 1e-12);
	assert_double_equal(s->coverage.high, 1.0, 0);
	assert_true(s->meets_target);
	assert_double_equal(s->satisfaction.high, 1.0, 0);
	/* Totals: 4 of 8, centre 0.5 exactly, inside (0, 1). */
	s = &f->m.totals;
	assert_double_equal(s->coverage.value, 0.5, 0);
	assert_true(s->coverage.low > 0.2 && s->coverage.low < 0.5);
	assert_double_equal(s->coverage.low + s->coverage.high, 1.0, 1e-12);
}

static void test_metrics__null_ratios_and_all_three_types(void **state)
{
	struct fixture *f = *state;
	int t;

	add_repair(f, "T1", nov(17, 9, 0, 0));
	compute(f);
	for (t = 0; t < TYPE_COUNT; t++) {
		assert_int_equal(f->m.by_type[t].type, t);
		assert_true(f->m.by_type[t].s.has_target);
	}
	/* 报事报修: 0 of 1 called back: coverage 0, satisfaction null. */
	assert_true(f->m.by_type[TYPE_REPAIR].s.coverage.valid);
	assert_false(f->m.by_type[TYPE_REPAIR].s.satisfaction.valid);
	assert_true(f->m.by_type[TYPE_REPAIR].s.meets_target_valid);
	/* 特约服务: nothing eligible: coverage null, meets_target null. */
	assert_int_equal(f->m.by_type[TYPE_SPECIAL].s.eligible, 0);
	assert_false(f->m.by_type[TYPE_SPECIAL].s.coverage.valid);
	assert_false(f->m.by_type[TYPE_SPECIAL].s.meets_target_valid);
	assert_double_equal(f->m.by_type[TYPE_SPECIAL].s.target, 1.0, 0);
	assert_false(f->m.by_type[TYPE_SPECIAL].s.has_median);
	/* Only groups with an eligible ticket are listed elsewhere. */
	assert_int_equal(f->m.nby_subtype, 1);
	assert_int_equal(f->m.nby_center, 1);
	assert_int_equal(f->m.nby_butler, 1);
}

static void test_metrics__targets_and_meets_target(void **state)
{
	struct fixture *f = *state;
	int i;
	char id[8];

	/* 10 repairs, 9 called back: 0.9 meets the 0.90 target exactly;
	 * sub-type 整改类 holds 2 of them with 1 called back: 0.5, fails. */
	for (i = 0; i < 10; i++) {
		id[0] = 'T';
		id[1] = (char)('0' + i);
		id[2] = '\0';
		add_ticket(f, id, TYPE_REPAIR, i < 2 ? "整改类" : "公区维修",
			   "中心A", "李四", nov(17, 9, 0, 0));
		if (i != 0)
			add_cb(f, nov(17, 10, 0, 0), "满意");
	}
	compute(f);
	assert_double_equal(f->m.by_type[TYPE_REPAIR].s.coverage.value, 0.9, 0);
	assert_true(f->m.by_type[TYPE_REPAIR].s.meets_target);
	assert_int_equal(f->m.nby_subtype, 2);
	/* Sorted by type, then sub-type byte-wise: 公区维修 (E5 85) before
	 * 整改类 (E6 95). */
	assert_string_equal(f->m.by_subtype[0].subtype, "公区维修");
	assert_string_equal(f->m.by_subtype[1].subtype, "整改类");
	assert_double_equal(f->m.by_subtype[1].s.target, 0.9, 0);
	assert_double_equal(f->m.by_subtype[1].s.coverage.value, 0.5, 0);
	assert_false(f->m.by_subtype[1].s.meets_target);
	assert_true(f->m.by_subtype[0].s.meets_target);
}

static void test_metrics__groups_name_empty_and_unknown_values(void **state)
{
	struct fixture *f = *state;
	const struct metrics_group *g;

	add_ticket(f, "T1", TYPE_COMPLAINT, "", "", "王五", nov(17, 9, 0, 0));
	add_ticket(f, "T2", TYPE_COMPLAINT, "外星人类", "中心B", "",
		   nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "满意");
	add_ticket(f, "T3", TYPE_COMPLAINT, "外星人类", "中心B", "赵六",
		   nov(17, 9, 0, 0));
	compute(f);
	assert_int_equal(f->m.nby_subtype, 2);
	/* 外星人类 (E5 A4 96) sorts before 未分类 (E6 9C AA). */
	g = &f->m.by_subtype[0];
	assert_string_equal(g->subtype, "外星人类");
	assert_true(g->unknown_subtype);
	assert_int_equal(g->s.eligible, 2);
	assert_int_equal(g->s.called_back, 1);
	g = &f->m.by_subtype[1];
	assert_string_equal(g->subtype, "未分类");
	assert_false(g->unknown_subtype);
	assert_int_equal(f->m.unknown_subtypes, 1);
	assert_int_equal(f->d.warnings, 1);
	/* Centres: 中心B (E4 B8 AD E5 BF 83 42) before 未指定. */
	assert_int_equal(f->m.nby_center, 2);
	assert_string_equal(f->m.by_center[0].center, "中心B");
	assert_int_equal(f->m.by_center[0].s.eligible, 2);
	assert_string_equal(f->m.by_center[1].center, "未指定");
	/* T2 has no butler: in totals and centre, not in by_butler. */
	assert_int_equal(f->m.totals.eligible, 3);
	assert_int_equal(f->m.nby_butler, 2);
	assert_string_equal(f->m.by_butler[0].center, "中心B");
	assert_string_equal(f->m.by_butler[0].butler, "赵六");
	assert_string_equal(f->m.by_butler[1].center, "未指定");
	assert_string_equal(f->m.by_butler[1].butler, "王五");
	assert_true(has_anomaly(f, "T2", ANOM_NO_BUTLER));
	assert_false(has_anomaly(f, "T1", ANOM_NO_BUTLER));
}

static void test_metrics__butler_ranked_from_ten_rated(void **state)
{
	struct fixture *f = *state;
	int i;
	char id[8];

	/* 张三 has 10 rated first callbacks, 李四 9 rated and 1 unrated. */
	for (i = 0; i < 20; i++) {
		id[0] = 'T';
		id[1] = (char)('A' + i);
		id[2] = '\0';
		add_ticket(f, id, TYPE_REPAIR, "公区维修", "中心A",
			   i % 2 ? "李四" : "张三", nov(17, 9, 0, 0));
		add_cb(f, nov(17, 10, 0, 0), i == 19 ? "" : "满意");
	}
	compute(f);
	assert_int_equal(f->m.nby_butler, 2);
	/* 张 (E5 BC A0) sorts before 李 (E6 9D 8E). */
	assert_string_equal(f->m.by_butler[0].butler, "张三");
	assert_int_equal(f->m.by_butler[0].s.rated, 10);
	assert_true(f->m.by_butler[0].ranked);
	assert_string_equal(f->m.by_butler[1].butler, "李四");
	assert_int_equal(f->m.by_butler[1].s.rated, 9);
	assert_int_equal(f->m.by_butler[1].s.called_back, 10);
	assert_false(f->m.by_butler[1].ranked);
}

static void test_metrics__ranks_butlers_by_satisfaction_sharing_ties(void **state)
{
	struct fixture *f = *state;
	/* Per butler: rated, satisfied. 甲 9 of 10 = 0.9, 乙 10 of 10 = 1,
	 * 丙 18 of 20 = 0.9, 丁 9 of 9 (not ranked). Ranks: 乙 1, 甲 and
	 * 丙 2 (equal), 丁 none. */
	static const struct {
		const char *name;
		int rated, satisfied;
	} b[] = { { "甲", 10, 9 }, { "乙", 10, 10 }, { "丙", 20, 18 },
		  { "丁", 9, 9 } };
	char id[16];
	int i, k, n = 0;
	size_t g;

	for (i = 0; i < 4; i++)
		for (k = 0; k < b[i].rated; k++) {
			snprintf(id, sizeof(id), "T%03d", n++);
			add_ticket(f, id, TYPE_REPAIR, "公区维修", "中心A",
				   b[i].name, nov(17, 9, 0, 0));
			add_cb(f, nov(17, 10, 0, 0),
			       k < b[i].satisfied ? "满意" : "不满意");
		}
	compute(f);
	assert_int_equal(f->m.nby_butler, 4);
	for (g = 0; g < f->m.nby_butler; g++) {
		const struct metrics_group *bg = &f->m.by_butler[g];

		if (!strcmp(bg->butler, "乙"))
			assert_int_equal(bg->rank, 1);
		else if (!strcmp(bg->butler, "甲") || !strcmp(bg->butler, "丙"))
			assert_int_equal(bg->rank, 2);
		else
			assert_false(bg->ranked);
	}
}

static void test_metrics__loops_close_by_any_strictly_later_call(void **state)
{
	struct fixture *f = *state;

	/* T1: 不满意, then an unrated call a day later: closed. */
	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "不满意");
	add_cb(f, nov(18, 10, 0, 0), "");
	/* T2: 非常不满意, and an attempt later: an attempt closes nothing. */
	add_repair(f, "T2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "非常不满意");
	add_cb(f, nov(18, 10, 0, 0), "未接通");
	/* T3: 不满意, another call at the same instant: not later. */
	add_repair(f, "T3", nov(17, 9, 0, 0));
	add_cb_full(f, nov(17, 10, 0, 0), "不满意", "", CB_INLINE_FIRST);
	add_cb_full(f, nov(17, 10, 0, 0), "满意", "", CB_ROW);
	/* T4: 不满意; the second call is after as-of: open. */
	add_repair(f, "T4", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "不满意");
	add_cb(f, nov(27, 10, 0, 0), "满意");
	/* T5: 满意 then 不满意: not dissatisfied at all. */
	add_repair(f, "T5", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "满意");
	add_cb(f, nov(18, 10, 0, 0), "不满意");
	compute(f);
	assert_int_equal(f->m.totals.dissatisfied, 4);
	assert_int_equal(f->m.totals.loops_closed, 1);
	assert_int_equal(f->m.totals.loops_open, 3);
	assert_true(week_ticket(f, "T1")->loop_closed);
	assert_false(week_ticket(f, "T3")->loop_closed);
	/* T3's first callback is the inline one (rule 14). */
	assert_int_equal(week_ticket(f, "T3")->first->satisfaction,
			 SAT_DISSATISFIED);
	assert_int_equal(f->m.totals.satisfied, 1);
}

static void test_metrics__bursts_span_tickets_in_one_minute(void **state)
{
	struct fixture *f = *state;

	/* 王五 records three callbacks in 2026-11-18 10:05: on T1, T2 and on
	 * T9, which was completed in W46 (a burst still, but only eligible
	 * tickets of the week are listed). */
	add_repair(f, "T1", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 5, 0), "满意", "王五", CB_ROW);
	add_repair(f, "T2", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 5, 59), "满意", "王五", CB_ROW);
	/* 赵六: 10:06:59 and 10:07:00 / 10:07:01 on T3, T4: minutes 06 and
	 * 07 hold 1 and 2: no burst. */
	add_repair(f, "T3", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 6, 59), "满意", "赵六", CB_ROW);
	add_cb_full(f, nov(18, 10, 7, 0), "满意", "赵六", CB_ROW);
	add_repair(f, "T4", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 7, 1), "满意", "赵六", CB_ROW);
	/* Three attempts by 孙七 in one minute on T5: attempts are not
	 * callbacks; and two callbacks without a recorder. */
	add_repair(f, "T5", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 11, 0, 0), "未接通", "孙七", CB_ROW);
	add_cb_full(f, nov(18, 11, 0, 1), "未接通", "孙七", CB_ROW);
	add_cb_full(f, nov(18, 11, 0, 2), "未接通", "孙七", CB_ROW);
	add_repair(f, "T9", nov(14, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 5, 30), "满意", "王五", CB_ROW);
	compute(f);
	assert_true(has_anomaly(f, "T1", ANOM_BURST));
	assert_true(has_anomaly(f, "T2", ANOM_BURST));
	assert_false(has_anomaly(f, "T9", ANOM_BURST));
	assert_false(has_anomaly(f, "T3", ANOM_BURST));
	assert_false(has_anomaly(f, "T4", ANOM_BURST));
	assert_false(has_anomaly(f, "T5", ANOM_BURST));
}

static void test_metrics__burst_of_three_calls_on_one_ticket(void **state)
{
	struct fixture *f = *state;
	size_t i, n = 0;

	add_repair(f, "T1", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 5, 0), "满意", "王五", CB_ROW);
	add_cb_full(f, nov(18, 10, 5, 10), "", "王五", CB_ROW);
	add_cb_full(f, nov(18, 10, 5, 20), "", "王五", CB_ROW);
	compute(f);
	/* Listed once for the ticket. */
	for (i = 0; i < f->m.nanomalies; i++)
		if (f->m.anomalies[i].kind == ANOM_BURST)
			n++;
	assert_int_equal(n, 1);
}

static void test_metrics__self_callback_by_the_handler(void **state)
{
	struct fixture *f = *state;
	struct ticket *t;

	t = add_repair(f, "T1", nov(18, 9, 0, 0));
	t->handler = "王五";
	add_cb_full(f, nov(18, 10, 0, 0), "满意", "赵六", CB_ROW);
	add_cb_full(f, nov(18, 11, 0, 0), "满意", "王五", CB_ROW);
	t = add_repair(f, "T2", nov(18, 9, 0, 0));
	t->handler = "王五";
	add_cb_full(f, nov(18, 10, 0, 0), "满意", "赵六", CB_ROW);
	/* No 处理人: an empty recorder matches nothing. */
	add_repair(f, "T3", nov(18, 9, 0, 0));
	add_cb_full(f, nov(18, 10, 0, 0), "满意", "", CB_INLINE_SECOND);
	compute(f);
	assert_true(has_anomaly(f, "T1", ANOM_SELF_CALLBACK));
	assert_false(has_anomaly(f, "T2", ANOM_SELF_CALLBACK));
	assert_false(has_anomaly(f, "T3", ANOM_SELF_CALLBACK));
}

static void test_metrics__callback_without_completion(void **state)
{
	struct fixture *f = *state;
	struct ticket *t;

	/* C1: never completed, callback in the week. */
	add_repair(f, "C1", TIME_NONE);
	add_cb(f, nov(18, 10, 0, 0), "满意");
	/* C2: completed after as-of, callback before as-of in the week. */
	add_repair(f, "C2", nov(27, 9, 0, 0));
	add_cb(f, nov(20, 10, 0, 0), "满意");
	/* C3: cancelled, never completed, callback in the week. */
	t = add_repair(f, "C3", TIME_NONE);
	t->cancelled = true;
	add_cb(f, nov(22, 23, 59, 59), "满意");
	/* C4: never completed, callback in the week before. */
	add_repair(f, "C4", TIME_NONE);
	add_cb(f, nov(15, 23, 59, 59), "满意");
	/* C5: never completed, only an attempt in the week. */
	add_repair(f, "C5", TIME_NONE);
	add_cb(f, nov(18, 10, 0, 0), "未接通");
	/* C6: completed last week, callback this week: fine. */
	add_repair(f, "C6", nov(14, 9, 0, 0));
	add_cb(f, nov(18, 10, 0, 0), "满意");
	/* C7: never completed; its callback is in the week but after as-of. */
	add_repair(f, "C7", TIME_NONE);
	add_cb(f, nov(22, 10, 0, 0), "满意");
	compute_at(f, nov(21, 12, 0, 0));
	assert_int_equal(f->m.nanomalies, 2);
	assert_string_equal(f->m.anomalies[0].ticket->id, "C1");
	assert_string_equal(f->m.anomalies[1].ticket->id, "C2");
	assert_int_equal(f->m.anomalies[0].kind,
			 ANOM_CALLBACK_WITHOUT_COMPLETION);
	/* C3's callback is after this as-of; at a later one it counts. */
	compute(f);
	assert_true(has_anomaly(f, "C3", ANOM_CALLBACK_WITHOUT_COMPLETION));
	assert_true(has_anomaly(f, "C7", ANOM_CALLBACK_WITHOUT_COMPLETION));
	assert_true(has_anomaly(f, "C2", ANOM_CALLBACK_WITHOUT_COMPLETION));
	assert_false(has_anomaly(f, "C4", ANOM_CALLBACK_WITHOUT_COMPLETION));
	assert_false(has_anomaly(f, "C5", ANOM_CALLBACK_WITHOUT_COMPLETION));
	assert_false(has_anomaly(f, "C6", ANOM_CALLBACK_WITHOUT_COMPLETION));
}

static void test_metrics__anomalies_sorted_by_kind_then_ticket(void **state)
{
	struct fixture *f = *state;
	size_t i;

	add_ticket(f, "A1", TYPE_REPAIR, "公区维修", "中心A", "",
		   nov(17, 9, 0, 0));
	add_cb(f, nov(17, 9, 0, 30), "满意");
	add_ticket(f, "A2", TYPE_REPAIR, "公区维修", "中心A", "",
		   nov(17, 9, 0, 0));
	add_cb(f, nov(17, 8, 0, 0), "满意");
	add_repair(f, "A3", TIME_NONE);
	add_cb(f, nov(17, 8, 0, 0), "满意");
	compute(f);
	/* before_completion A2; without_completion A3; too_fast A1;
	 * no_butler A1, A2. */
	assert_int_equal(f->m.nanomalies, 5);
	for (i = 1; i < f->m.nanomalies; i++)
		assert_true(f->m.anomalies[i - 1].kind <
				    f->m.anomalies[i].kind ||
			    (f->m.anomalies[i - 1].kind ==
				     f->m.anomalies[i].kind &&
			     strcmp(f->m.anomalies[i - 1].ticket->id,
				    f->m.anomalies[i].ticket->id) < 0));
	assert_string_equal(f->m.anomalies[0].ticket->id, "A2");
	assert_string_equal(f->m.anomalies[1].ticket->id, "A3");
	assert_string_equal(f->m.anomalies[2].ticket->id, "A1");
	assert_int_equal(f->m.anomalies[3].kind, ANOM_NO_BUTLER);
}

static void test_metrics__owed_by_due_time_then_ticket(void **state)
{
	struct fixture *f = *state;

	/* Complaint SLA 24 h, repairs 48 h. As-of 2026-11-19 09:00.
	 * O1 repair done 17 09:00: due 19 09:00 = as-of: not overdue.
	 * O2 complaint done 18 09:00: due 19 09:00 too; sorts after O1.
	 * O3 repair done 16 09:00: due 18 09:00: overdue, first.
	 * O0 complaint done 18 10:00: due 19 10:00, last, not overdue. */
	f->cfg.sla_seconds[TYPE_COMPLAINT] = 24 * 3600;
	add_ticket(f, "O0", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(18, 10, 0, 0));
	add_repair(f, "O1", nov(17, 9, 0, 0));
	add_ticket(f, "O2", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   nov(18, 9, 0, 0));
	add_repair(f, "O3", nov(16, 9, 0, 0));
	add_repair(f, "O4", nov(16, 9, 0, 0));
	add_cb(f, nov(16, 10, 0, 0), "满意");
	compute_at(f, nov(19, 9, 0, 0));
	assert_int_equal(f->m.nowed, 4);
	assert_string_equal(f->m.owed[0].ticket->id, "O3");
	assert_true(f->m.owed[0].overdue);
	assert_string_equal(f->m.owed[1].ticket->id, "O1");
	assert_false(f->m.owed[1].overdue);
	assert_int_equal(f->m.owed[1].due_at, nov(19, 9, 0, 0));
	assert_string_equal(f->m.owed[2].ticket->id, "O2");
	assert_int_equal(f->m.owed[2].due_at, nov(19, 9, 0, 0));
	assert_string_equal(f->m.owed[3].ticket->id, "O0");
	assert_false(f->m.owed[3].overdue);
	assert_int_equal(f->m.totals.owed, 4);
	assert_int_equal(f->m.totals.overdue, 1);
	/* One second later O1 and O2 are overdue too. */
	compute_at(f, nov(19, 9, 0, 1));
	assert_int_equal(f->m.totals.overdue, 3);
}

static void test_metrics__trend_holds_eight_weeks_up_to_the_report_week(void **state)
{
	struct fixture *f = *state;
	char s[16];

	/* The trend is W40 (from 2026-09-28) to W47. T1 (W39, 09-21) and
	 * T3 (W38, Sunday 09-20) are outside it; T2 (W40) is its first
	 * week's only ticket, not called back; T4 is the report week's. */
	add_ticket(f, "T1", TYPE_COMPLAINT, "共性问题", "中心A", "李四",
		   chtime_make(2026, 9, 21, 0, 0, 0));
	add_cb(f, chtime_make(2026, 9, 21, 2, 0, 0), "满意");
	add_repair(f, "T2", chtime_make(2026, 9, 28, 9, 0, 0));
	add_repair(f, "T3", chtime_make(2026, 9, 20, 23, 59, 59));
	add_cb(f, chtime_make(2026, 9, 21, 1, 0, 0), "满意");
	add_repair(f, "T4", nov(20, 9, 0, 0));
	add_cb(f, nov(20, 10, 0, 0), "不满意");
	compute(f);
	chtime_format_week(f->m.trend[0].week, s);
	assert_string_equal(s, "2026-W40");
	chtime_format_week(f->m.trend[7].week, s);
	assert_string_equal(s, "2026-W47");
	assert_int_equal(f->m.trend[0].totals.eligible, 1);
	assert_int_equal(f->m.trend[0].totals.owed, 1);
	assert_int_equal(f->m.trend[0].by_type[TYPE_REPAIR].eligible, 1);
	assert_false(f->m.trend[0].totals.satisfaction.valid);
	assert_int_equal(f->m.trend[3].totals.eligible, 0);
	assert_false(f->m.trend[3].totals.coverage.valid);
	assert_int_equal(f->m.trend[7].totals.eligible, 1);
	assert_int_equal(f->m.trend[7].totals.dissatisfied, 1);
	assert_double_equal(f->m.trend[7].totals.median_hours_to_callback, 1.0,
			    EPS);
	assert_true(f->m.trend[7].by_type[TYPE_REPAIR].has_target);
	/* The report week's groups are the trend's last point. */
	assert_int_equal(f->m.totals.eligible, 1);
	assert_int_equal(f->m.totals.loops_open, 1);
	assert_double_equal(f->m.totals.median_hours_to_callback, 1.0, EPS);
	assert_int_equal(f->m.by_type[TYPE_REPAIR].s.eligible,
			 f->m.trend[7].by_type[TYPE_REPAIR].eligible);
}

static void test_metrics__trend_crosses_the_iso_year(void **state)
{
	struct fixture *f = *state;
	struct iso_week w = { 2025, 1 };
	char s[16];

	/* 2024-12-30 is Monday of 2025-W01; 2024-12-29 is in 2024-W52. */
	add_repair(f, "T1", chtime_make(2024, 12, 29, 12, 0, 0));
	add_repair(f, "T2", chtime_make(2024, 12, 30, 0, 0, 0));
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w,
					 chtime_make(2025, 1, 6, 0, 0, 0),
					 &f->m, &f->d), 0);
	assert_int_equal(f->m.totals.eligible, 1);
	assert_string_equal(f->m.tickets[0].ticket->id, "T2");
	chtime_format_week(f->m.trend[6].week, s);
	assert_string_equal(s, "2024-W52");
	assert_int_equal(f->m.trend[6].totals.eligible, 1);
	chtime_format_week(f->m.trend[0].week, s);
	assert_string_equal(s, "2024-W46");
}

static void test_metrics__is_a_pure_function_of_its_input(void **state)
{
	struct fixture *f = *state;
	struct metrics again;
	struct buf a = BUF_INIT, b = BUF_INIT;

	add_repair(f, "T1", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "满意");
	add_repair(f, "T2", nov(18, 9, 0, 0));
	compute(f);
	metrics_init(&again);
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w47(),
					 nov(26, 8, 0, 0), &again, &f->d), 0);
	metrics_write_json(&f->m, &f->set, &f->cfg, &a);
	metrics_write_json(&again, &f->set, &f->cfg, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.s, b.s, a.len);
	/* Computing into a used struct replaces its contents. */
	compute(f);
	buf_reset(&b);
	metrics_write_json(&f->m, &f->set, &f->cfg, &b);
	assert_string_equal(a.s, b.s);
	metrics_release(&again);
	buf_release(&a);
	buf_release(&b);
}

static void test_metrics__empty_set(void **state)
{
	struct fixture *f = *state;

	compute(f);
	assert_int_equal(f->m.totals.eligible, 0);
	assert_false(f->m.totals.coverage.valid);
	assert_int_equal(f->m.nby_subtype, 0);
	assert_int_equal(f->m.nowed, 0);
	assert_int_equal(f->m.nanomalies, 0);
}

static void test_metrics__refuses_a_missing_as_of(void **state)
{
	struct fixture *f = *state;

	add_repair(f, "T1", nov(17, 9, 0, 0));
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w47(), TIME_NONE,
					 &f->m, &f->d), -1);
	assert_int_equal(f->d.errors, 1);
	assert_int_equal(f->m.ntickets, 0);
}

/* SPEC §9.24: a date alone is "that day, time unknown". */
static void test_metrics__a_date_alone_is_that_day_time_unknown(void **state)
{
	struct fixture *f = *state;
	struct callback *cb;

	/* Same day as the completion: not before it, never too fast. */
	add_repair(f, "D1", nov(17, 15, 0, 0));
	cb = add_cb_full(f, nov(17, 0, 0, 0), "满意", "王五", CB_ROW);
	cb->date_only = true;
	/* The day before the completion's: before it. */
	add_repair(f, "D2", nov(18, 9, 0, 0));
	cb = add_cb(f, nov(17, 0, 0, 0), "满意");
	cb->date_only = true;
	/* Timely when the day's end is within the SLA (48 h): 11-20 24:00
	 * is 45 h after 11-19 03:00, 11-21 24:00 is 69 h. */
	add_repair(f, "D3", nov(19, 3, 0, 0));
	cb = add_cb(f, nov(20, 0, 0, 0), "不满意");
	cb->date_only = true;
	add_repair(f, "D4", nov(19, 3, 0, 0));
	cb = add_cb(f, nov(21, 0, 0, 0), "满意");
	cb->date_only = true;
	/* A timed callback: the only delay in the median (2 h). */
	add_repair(f, "D5", nov(19, 10, 0, 0));
	add_cb(f, nov(19, 12, 0, 0), "满意");
	compute(f);
	assert_int_equal(f->m.totals.eligible, 5);
	assert_int_equal(f->m.totals.called_back, 4);
	assert_non_null(week_ticket(f, "D1")->first);
	assert_false(has_anomaly(f, "D1", ANOM_CALLBACK_BEFORE_COMPLETION));
	assert_false(has_anomaly(f, "D1", ANOM_CALLBACK_TOO_FAST));
	assert_null(week_ticket(f, "D2")->first);
	assert_true(has_anomaly(f, "D2", ANOM_CALLBACK_BEFORE_COMPLETION));
	assert_true(week_ticket(f, "D1")->timely);
	assert_true(week_ticket(f, "D3")->timely);
	assert_false(week_ticket(f, "D4")->timely);
	assert_int_equal(f->m.totals.timely, 3);
	assert_true(f->m.totals.has_median);
	assert_double_equal(f->m.totals.median_hours_to_callback, 2.0, EPS);
}

static void test_metrics__a_date_alone_closes_a_loop_after_a_timed_one(void **state)
{
	struct fixture *f = *state;
	struct callback *cb;

	/* 不满意 at 11-18 10:00, then a date-alone callback on 11-18: it
	 * sorts after the timed ones of its day, so it closes the loop. */
	add_repair(f, "L1", nov(17, 15, 0, 0));
	add_cb(f, nov(18, 10, 0, 0), "不满意");
	cb = add_cb(f, nov(18, 0, 0, 0), "满意");
	cb->date_only = true;
	compute(f);
	assert_int_equal(f->m.totals.dissatisfied, 1);
	assert_int_equal(f->m.totals.loops_closed, 1);
}

static void test_metrics__dates_alone_make_no_burst(void **state)
{
	struct fixture *f = *state;
	struct callback *cb;
	int i;
	char id[16];

	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "B%d", i);
		add_repair(f, id, nov(17, 10, 0, 0));
		cb = add_cb_full(f, nov(18, 0, 0, 0), "满意", "陈静", CB_ROW);
		cb->date_only = true;
	}
	compute(f);
	assert_false(has_anomaly(f, "B0", ANOM_BURST));
	assert_int_equal(f->m.totals.called_back, 3);
}

/* Issue 14: a callback timed from a stand-in column (no callback time). */
static void test_metrics__stand_in_times_count_for_coverage_only(void **state)
{
	struct fixture *f = *state;
	struct callback *cb;

	add_repair(f, "S1", nov(17, 12, 0, 0));
	cb = add_cb(f, nov(17, 12, 0, 0), "非常满意");
	cb->stand_in = true;
	add_repair(f, "S2", nov(18, 12, 0, 0));
	cb = add_cb(f, nov(18, 12, 0, 0), "不满意");
	cb->stand_in = true;
	compute(f);
	assert_int_equal(f->m.totals.called_back, 2);
	assert_int_equal(f->m.totals.rated, 2);
	assert_int_equal(f->m.totals.satisfied, 1);
	assert_int_equal(f->m.totals.timely, 0);
	assert_false(f->m.totals.has_median);
	/* Zero seconds after completion, but no delay is judged. */
	assert_false(has_anomaly(f, "S1", ANOM_CALLBACK_TOO_FAST));
}

static void test_metrics__self_callback_reads_a_split_handler(void **state)
{
	struct fixture *f = *state;
	struct ticket *t;

	t = add_repair(f, "H1", nov(17, 12, 0, 0));
	t->handler = "物业公司\x1f王伟";
	add_cb_full(f, nov(18, 12, 0, 0), "满意", "王伟", CB_ROW);
	t = add_repair(f, "H2", nov(17, 12, 0, 0));
	t->handler = "物业公司\x1f王伟";
	add_cb_full(f, nov(18, 12, 0, 0), "满意", "物业", CB_ROW);
	t = add_repair(f, "H3", nov(17, 12, 0, 0));
	t->handler = "物业公司,王伟";
	add_cb_full(f, nov(18, 12, 0, 0), "满意", "王伟", CB_ROW);
	compute(f);
	assert_true(has_anomaly(f, "H1", ANOM_SELF_CALLBACK));
	assert_false(has_anomaly(f, "H2", ANOM_SELF_CALLBACK));
	/* Unsplit, the value is one person's name. */
	assert_false(has_anomaly(f, "H3", ANOM_SELF_CALLBACK));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/*
 * SPEC §9.29: a past week that was issued shows its issued figures in the
 * trend and the comparisons, whatever its tickets say now; the report
 * week and the weeks not issued are computed.
 */
static void test_metrics__trend_shows_a_past_week_as_issued(void **state)
{
	struct fixture *f = *state;
	struct trend_point issued;
	struct iso_week w46;

	/* W46: one ticket, not called back at the as-of. */
	add_repair(f, "T1", nov(10, 9, 0, 0));
	/* W47: one ticket, called back. */
	add_repair(f, "T2", nov(17, 9, 0, 0));
	add_cb(f, nov(17, 10, 0, 0), "满意");
	assert_int_equal(chtime_parse_week("2026-W46", &w46), 0);
	memset(&issued, 0, sizeof(issued));
	issued.week = w46;
	issued.period = period_from_week(w46);
	issued.totals.eligible = 4;
	issued.totals.called_back = 3;
	issued.by_type[TYPE_REPAIR].eligible = 4;
	issued.by_type[TYPE_REPAIR].called_back = 3;
	issued.by_type[TYPE_REPAIR].has_median = true;
	issued.by_type[TYPE_REPAIR].median_hours_to_callback = 5.5;
	assert_int_equal(metrics_compute_issued(&f->set, &f->cfg, w47(),
						nov(26, 8, 0, 0), &issued, 1,
						&f->m, &f->d), 0);
	assert_true(f->m.trend[TREND_WEEKS - 2].issued);
	assert_int_equal(f->m.trend[TREND_WEEKS - 2].totals.eligible, 4);
	assert_double_equal(f->m.trend[TREND_WEEKS - 2].totals.coverage.value,
			    0.75, EPS);
	assert_true(f->m.trend[TREND_WEEKS - 2].by_type[TYPE_REPAIR]
			    .meets_target_valid);
	assert_false(f->m.trend[TREND_WEEKS - 2].by_type[TYPE_REPAIR]
			     .meets_target);
	assert_double_equal(f->m.trend[TREND_WEEKS - 2].by_type[TYPE_REPAIR]
				    .median_hours_to_callback, 5.5, EPS);
	/* The prior average pools the issued counts too. */
	assert_int_equal(f->m.prior.totals.eligible, 4);
	/* The report week and an unissued week are computed. */
	assert_false(f->m.trend[TREND_WEEKS - 1].issued);
	assert_int_equal(f->m.totals.eligible, 1);
	assert_int_equal(f->m.totals.called_back, 1);
	assert_false(f->m.trend[TREND_WEEKS - 3].issued);
	/* Without issued figures, W46 is what its ticket says now. */
	compute(f);
	assert_false(f->m.trend[TREND_WEEKS - 2].issued);
	assert_int_equal(f->m.trend[TREND_WEEKS - 2].totals.eligible, 1);
	assert_int_equal(f->m.trend[TREND_WEEKS - 2].totals.called_back, 0);
}

/*
 * SPEC §9.30: a month is a week's metrics over the calendar month in
 * China time, with a trend of twelve months and a quarter's of four; a
 * ticket completed at 23:59 on the last day of October (China time,
 * 15:59 UTC) is October's, one at 00:00 on the 1st November's.
 */
static void test_metrics__a_month_and_a_quarter_are_periods(void **state)
{
	struct fixture *f = *state;
	struct period p;
	char id[PERIOD_ID_SIZE];

	add_repair(f, "M1", chtime_make(2026, 10, 31, 23, 59, 0));
	add_cb(f, chtime_make(2026, 11, 1, 9, 0, 0), "满意");
	add_repair(f, "M2", chtime_make(2026, 11, 1, 0, 0, 0));
	add_repair(f, "M3", chtime_make(2026, 11, 30, 23, 59, 59));
	add_cb(f, chtime_make(2026, 12, 1, 10, 0, 0), "不满意");
	add_repair(f, "M4", chtime_make(2026, 12, 1, 0, 0, 0));
	assert_int_equal(period_parse("2026-11", &p), 0);
	assert_int_equal(metrics_compute_period(&f->set, &f->cfg, p,
						chtime_make(2026, 12, 5, 0, 0,
							    0),
						NULL, 0, &f->m, &f->d), 0);
	assert_int_equal(f->m.ntrend, 12);
	period_format(f->m.trend[0].period, id);
	assert_string_equal(id, "2025-12");
	assert_int_equal(f->m.totals.eligible, 2);
	assert_int_equal(f->m.totals.called_back, 1);
	assert_int_equal(f->m.totals.dissatisfied, 1);
	assert_int_equal(f->m.trend[10].totals.eligible, 1);
	assert_int_equal(f->m.trend[10].totals.called_back, 1);
	assert_false(f->m.provisional);
	/* Its rankings are over the month itself. */
	assert_int_equal(f->m.window_weeks, 1);

	assert_int_equal(period_parse("2026-Q4", &p), 0);
	assert_int_equal(metrics_compute_period(&f->set, &f->cfg, p,
						chtime_make(2026, 12, 5, 0, 0,
							    0),
						NULL, 0, &f->m, &f->d), 0);
	assert_int_equal(f->m.ntrend, 4);
	period_format(f->m.trend[0].period, id);
	assert_string_equal(id, "2026-Q1");
	/* M4 (December) is in the quarter; all four are. */
	assert_int_equal(f->m.totals.eligible, 4);
	assert_true(f->m.provisional);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_metrics__week_is_monday_to_sunday_in_china_time),
		T(test_metrics__a_month_and_a_quarter_are_periods),
		T(test_metrics__a_date_alone_is_that_day_time_unknown),
		T(test_metrics__a_date_alone_closes_a_loop_after_a_timed_one),
		T(test_metrics__dates_alone_make_no_burst),
		T(test_metrics__stand_in_times_count_for_coverage_only),
		T(test_metrics__self_callback_reads_a_split_handler),
		T(test_metrics__week_before_as_of_is_provisional),
		T(test_metrics__cancelled_tickets_are_not_eligible),
		T(test_metrics__callback_validity_boundaries),
		T(test_metrics__timely_is_at_most_the_sla),
		T(test_metrics__attempts_are_counted_not_callbacks),
		T(test_metrics__first_callback_is_earliest_valid),
		T(test_metrics__satisfaction_from_labels_aliases_and_stars),
		T(test_metrics__median_odd_and_even_counts),
		T(test_metrics__median_is_seconds_over_3600),
		T(test_metrics__wilson_at_zero_and_at_n),
		T(test_metrics__null_ratios_and_all_three_types),
		T(test_metrics__targets_and_meets_target),
		T(test_metrics__groups_name_empty_and_unknown_values),
		T(test_metrics__butler_ranked_from_ten_rated),
		T(test_metrics__ranks_butlers_by_satisfaction_sharing_ties),
		T(test_metrics__loops_close_by_any_strictly_later_call),
		T(test_metrics__bursts_span_tickets_in_one_minute),
		T(test_metrics__burst_of_three_calls_on_one_ticket),
		T(test_metrics__self_callback_by_the_handler),
		T(test_metrics__callback_without_completion),
		T(test_metrics__anomalies_sorted_by_kind_then_ticket),
		T(test_metrics__owed_by_due_time_then_ticket),
		T(test_metrics__trend_holds_eight_weeks_up_to_the_report_week),
		T(test_metrics__trend_crosses_the_iso_year),
		T(test_metrics__is_a_pure_function_of_its_input),
		T(test_metrics__empty_set),
		T(test_metrics__refuses_a_missing_as_of),
		T(test_metrics__trend_shows_a_past_week_as_issued),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
