/*
 * test_worklist.c - the live worklists and the 无法联系 rule, on small
 * ticket sets built by hand; as-of 2026-11-26 08:00 unless a test says
 * otherwise, default config (SLA 48 h, window 90 days, 3 attempts on 2
 * days, 空号 and 停机).
 */
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
#include "stages/metrics.h"
#include "stages/worklist.h"
#include "model/ticket.h"
#include "util/xalloc.h"

static int64_t nov(int day, int h, int mi)
{
	return chtime_make(2026, 11, day, h, mi, 0);
}

#define AS_OF nov(26, 8, 0)

struct fixture {
	struct ticket_set set;
	struct config cfg;
	struct worklist wl;
	size_t tcap, ccap;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	ticket_set_init(&f->set);
	config_init(&f->cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	worklist_release(&f->wl);
	config_release(&f->cfg);
	ticket_set_release(&f->set);
	free(f);
	return 0;
}

/* A ticket (in ticket-number order), its callbacks right after it. */
static struct ticket *tk(struct fixture *f, const char *id, const char *center,
			 const char *butler, int64_t completed_at)
{
	struct ticket *t;

	ALLOC_GROW(f->set.tickets, f->set.ntickets + 1, f->tcap);
	t = &f->set.tickets[f->set.ntickets++];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->center = center;
	t->butler = butler;
	t->unit = "1-101";
	t->owner = "欧阳娜娜";
	t->phone = "13812345678";
	t->subtype = t->content = t->status = t->handler = t->type_text = "";
	t->type = TYPE_REPAIR;
	t->created_at = t->updated_at = t->rectified_at = TIME_NONE;
	t->completed_at = completed_at;
	t->first_cb = (uint32_t)f->set.ncallbacks;
	return t;
}

/* A callback (or attempt, for an attempt word) of the last ticket. */
static void cb(struct fixture *f, int64_t at, const char *text)
{
	struct callback *c;

	ALLOC_GROW(f->set.callbacks, f->set.ncallbacks + 1, f->ccap);
	c = &f->set.callbacks[f->set.ncallbacks++];
	memset(c, 0, sizeof(*c));
	c->at = at;
	c->recorder = c->channel = c->remark = "";
	c->result = "";
	c->satisfaction_text = text;
	c->is_attempt = config_is_attempt(&f->cfg, text);
	if (!c->is_attempt)
		c->satisfaction = (uint8_t)config_match_satisfaction(&f->cfg,
								      text);
	c->source = CB_ROW;
	f->set.tickets[f->set.ntickets - 1].n_cb++;
}

static void compute(struct fixture *f, int64_t as_of)
{
	worklist_release(&f->wl);
	worklist_compute(&f->set, &f->cfg, as_of, &f->wl);
}

static const char *id_at(struct fixture *f, int k, size_t i)
{
	assert_true(i < f->wl.n[k]);
	return f->wl.items[k][i].ticket->id;
}

static void test_worklist__owed_spans_weeks_and_leaves_when_called(
	void **state)
{
	struct fixture *f = *state;

	/* Owed from W45, W47 and the current week; one called back. */
	tk(f, "A1", "中心A", "李四", nov(5, 9, 0));
	tk(f, "A2", "中心A", "李四", nov(20, 9, 0));
	tk(f, "A3", "中心A", "李四", nov(25, 9, 0));
	tk(f, "A4", "中心A", "李四", nov(24, 9, 0));
	cb(f, nov(26, 7, 0), "满意");
	/* A callback after the as-of does not exist yet. */
	tk(f, "A5", "中心A", "李四", nov(24, 9, 0));
	cb(f, nov(27, 9, 0), "满意");
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_OWED], 4);
	/* Oldest due first. */
	assert_string_equal(id_at(f, WORKLIST_OWED, 0), "A1");
	assert_string_equal(id_at(f, WORKLIST_OWED, 1), "A2");
	assert_string_equal(id_at(f, WORKLIST_OWED, 2), "A5");
	assert_string_equal(id_at(f, WORKLIST_OWED, 3), "A3");
	assert_true(f->wl.items[WORKLIST_OWED][0].overdue);
	assert_false(f->wl.items[WORKLIST_OWED][3].overdue);
	assert_int_equal(f->wl.items[WORKLIST_OWED][3].due_at, nov(27, 9, 0));
	/* The next night A5's callback exists: it leaves the list. */
	compute(f, nov(27, 10, 0));
	assert_int_equal(f->wl.n[WORKLIST_OWED], 3);
}

static void test_worklist__keeps_to_its_window(void **state)
{
	struct fixture *f = *state;

	tk(f, "B1", "中心A", "李四", AS_OF - 90 * (int64_t)SECONDS_PER_DAY);
	tk(f, "B2", "中心A", "李四", AS_OF - 90 * (int64_t)SECONDS_PER_DAY - 1);
	tk(f, "B3", "中心A", "李四", AS_OF + 1);
	tk(f, "B4", "中心A", "李四", nov(20, 9, 0));
	f->set.tickets[3].cancelled = true;
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_OWED], 1);
	assert_string_equal(id_at(f, WORKLIST_OWED, 0), "B1");
	f->cfg.worklist_window_days = 30;
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_OWED], 0);
}

static void test_worklist__open_loops_close_with_a_later_callback(
	void **state)
{
	struct fixture *f = *state;

	tk(f, "C1", "中心A", "王五", nov(2, 9, 0));
	cb(f, nov(3, 9, 0), "不满意");
	f->set.tickets[0].rectified_at = nov(10, 9, 0);
	tk(f, "C2", "中心A", "王五", nov(20, 9, 0));
	cb(f, nov(21, 9, 0), "非常不满意");
	cb(f, nov(27, 9, 0), "满意");      /* after the as-of */
	tk(f, "C3", "中心A", "王五", nov(20, 9, 0));
	cb(f, nov(21, 9, 0), "不满意");
	cb(f, nov(22, 9, 0), "");          /* closes it, rated or not */
	tk(f, "C4", "中心A", "王五", nov(20, 9, 0));
	cb(f, nov(21, 9, 0), "满意");
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_LOOPS], 2);
	assert_string_equal(id_at(f, WORKLIST_LOOPS, 0), "C1");
	assert_string_equal(id_at(f, WORKLIST_LOOPS, 1), "C2");
	assert_int_equal(f->wl.items[WORKLIST_LOOPS][0].days_open, 22);
	assert_int_equal(f->wl.n[WORKLIST_OWED], 0);
	compute(f, nov(28, 0, 0));
	assert_int_equal(f->wl.n[WORKLIST_LOOPS], 1);
}

static void test_worklist__unreachable_owners_leave_the_owed_list(
	void **state)
{
	struct fixture *f = *state;

	/* 空号 at once. */
	tk(f, "D1", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "空号");
	/* Three attempts on one day: still owed. */
	tk(f, "D2", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "未接通");
	cb(f, nov(20, 11, 0), "未接通");
	cb(f, nov(20, 12, 0), "无人接听");
	/* Three attempts on two days: 无法联系. */
	tk(f, "D3", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "未接通");
	cb(f, nov(20, 11, 0), "未接通");
	cb(f, nov(21, 10, 0), "关机");
	/* An attempt before completion does not count. */
	tk(f, "D4", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(19, 10, 0), "停机");
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_UNREACHABLE], 2);
	assert_string_equal(id_at(f, WORKLIST_UNREACHABLE, 0), "D1");
	assert_string_equal(id_at(f, WORKLIST_UNREACHABLE, 1), "D3");
	assert_int_equal(f->wl.n[WORKLIST_OWED], 2);
	/* attempts 0 turns the counting rule off; the results still apply. */
	f->cfg.unreachable_attempts = 0;
	compute(f, AS_OF);
	assert_int_equal(f->wl.n[WORKLIST_UNREACHABLE], 1);
	/* Judged before the third attempt, D3 is still owed. */
	f->cfg.unreachable_attempts = 3;
	compute(f, nov(21, 9, 0));
	assert_int_equal(f->wl.n[WORKLIST_UNREACHABLE], 1);
}

/* The metrics count 无法联系 apart and keep them in coverage by default. */
static void test_worklist__metrics_count_unreachable_apart(void **state)
{
	struct fixture *f = *state;
	struct metrics m;
	struct diag d;
	struct iso_week w;

	tk(f, "E1", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "满意");
	tk(f, "E2", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "停机");
	tk(f, "E3", "中心A", "李四", nov(20, 9, 0));
	tk(f, "E4", "中心A", "李四", nov(20, 9, 0));
	cb(f, nov(20, 10, 0), "满意");
	metrics_init(&m);
	diag_init(&d);
	assert_int_equal(chtime_parse_week("2026-W47", &w), 0);
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w, AS_OF, &m, &d),
			 0);
	assert_int_equal(m.totals.eligible, 4);
	assert_int_equal(m.totals.unreachable, 1);
	assert_int_equal(m.totals.owed, 1);
	assert_int_equal(m.nowed, 1);
	assert_string_equal(m.owed[0].ticket->id, "E3");
	assert_true(m.totals.coverage.value == 0.5);
	assert_true(m.totals.coverage_reachable.value == 2.0 / 3.0);
	assert_false(m.by_type[TYPE_REPAIR].s.meets_target);
	/* The config's choice: out of the denominator. */
	f->cfg.unreachable_leaves_coverage = true;
	assert_int_equal(metrics_compute(&f->set, &f->cfg, w, AS_OF, &m, &d),
			 0);
	assert_true(m.totals.coverage.value == 2.0 / 3.0);
	assert_true(m.by_butler[0].s.coverage.value == 2.0 / 3.0);
	assert_false(m.by_type[TYPE_REPAIR].s.meets_target);
	metrics_release(&m);
	diag_release(&d);
}

static void test_worklist__csv_is_masked_sorted_and_neutralised(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	tk(f, "F1", "中心B", "=cmd", nov(20, 9, 0));
	tk(f, "F2", "中心A", "李四", nov(25, 9, 0));
	tk(f, "F3", "中心A", "王五", nov(2, 9, 0));
	cb(f, nov(3, 9, 0), "不满意");
	compute(f, AS_OF);
	worklist_write_csv(&f->wl, WORKLIST_OWED, WORKLIST_FOR_SITE, &f->cfg,
			   &b);
	assert_string_equal(b.s,
		"\xEF\xBB\xBF服务中心,管家,工单编号,工单类型,工单子类,楼栋房号,"
		"业主,联系电话,完成时间,应回访时间,状态\r\n"
		"中心A,李四,F2,报事报修,未分类,1-101,欧阳*,138****5678,"
		"2026-11-25 09:00:00,2026-11-27 09:00:00,待回访\r\n"
		"中心B,\"'=cmd\",F1,报事报修,未分类,1-101,欧阳*,138****5678,"
		"2026-11-20 09:00:00,2026-11-22 09:00:00,已超时\r\n");
	buf_reset(&b);
	worklist_write_csv(&f->wl, WORKLIST_LOOPS, WORKLIST_FOR_SITE, &f->cfg,
			   &b);
	assert_non_null(strstr(b.s, "\r\n中心A,王五,F3,报事报修,未分类,1-101,"
			       "欧阳*,138****5678,2026-11-03 09:00:00,不满意,"
			       "22,\r\n"));
	buf_reset(&b);
	worklist_write_summary_csv(&f->wl, &b);
	assert_string_equal(b.s,
		"\xEF\xBB\xBF服务中心,管家,待回访,其中已超时,未闭环,无法联系\r\n"
		"中心A,李四,1,0,0,0\r\n"
		"中心A,王五,0,0,1,0\r\n"
		"中心B,\"'=cmd\",1,1,0,0\r\n");
	buf_release(&b);
}

/*
 * Masking is by role (issue 16): the butler's own list shows the phone
 * (worklists.masking, as on the audit sheets) and masks the name; the
 * site's view follows masking.* and never shows a whole phone.
 */
static void test_worklist__butler_sees_the_phone_the_site_never(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;

	tk(f, "G1", "中心A", "李四", nov(25, 9, 0));
	compute(f, AS_OF);
	assert_true(worklist_shows_personal_data(&f->cfg));
	worklist_write_csv(&f->wl, WORKLIST_OWED, WORKLIST_FOR_BUTLER, &f->cfg,
			   &b);
	assert_non_null(strstr(b.s, ",欧阳*,13812345678,"));
	buf_reset(&b);
	worklist_write_json(&f->wl, &f->cfg, &b);
	assert_null(strstr(b.s, "13812345678"));
	assert_non_null(strstr(b.s, "\"phone\": \"138****5678\""));
	assert_non_null(strstr(b.s, "\"owner\": \"欧阳*\""));
	/* Masked for the butlers too: the files need no audit mode. */
	f->cfg.worklist_mask_phones = true;
	assert_false(worklist_shows_personal_data(&f->cfg));
	buf_reset(&b);
	worklist_write_csv(&f->wl, WORKLIST_OWED, WORKLIST_FOR_BUTLER, &f->cfg,
			   &b);
	assert_null(strstr(b.s, "13812345678"));
	/* The site unmasked only when masking.* says so. */
	f->cfg.mask_phones = false;
	buf_reset(&b);
	worklist_write_json(&f->wl, &f->cfg, &b);
	assert_non_null(strstr(b.s, "13812345678"));
	buf_release(&b);
}

/* people[]: each (centre, butler) once, in order, with its runs. */
static void test_worklist__people_index_every_list(void **state)
{
	struct fixture *f = *state;
	const struct worklist_person *p;
	struct buf b = BUF_INIT;

	tk(f, "H1", "中心B", "赵六", nov(20, 9, 0));   /* overdue */
	tk(f, "H2", "中心A", "李四", nov(25, 9, 0));
	tk(f, "H3", "中心A", "李四", nov(2, 9, 0));
	cb(f, nov(3, 9, 0), "不满意");
	tk(f, "H4", "中心A", "", nov(24, 9, 0));       /* no butler */
	compute(f, AS_OF);
	assert_int_equal(f->wl.npeople, 3);
	p = &f->wl.people[0];
	assert_string_equal(p->center, "中心A");
	assert_string_equal(p->butler, "");
	assert_int_equal(p->n[WORKLIST_OWED], 1);
	p = &f->wl.people[1];
	assert_string_equal(p->butler, "李四");
	assert_int_equal(p->n[WORKLIST_OWED], 1);
	assert_int_equal(p->n[WORKLIST_LOOPS], 1);
	assert_string_equal(
		f->wl.items[WORKLIST_OWED][p->first[WORKLIST_OWED]].ticket->id,
		"H2");
	assert_string_equal(
		f->wl.items[WORKLIST_LOOPS][p->first[WORKLIST_LOOPS]].ticket->id,
		"H3");
	p = &f->wl.people[2];
	assert_string_equal(p->center, "中心B");
	assert_int_equal(p->overdue, 1);
	worklist_write_json(&f->wl, &f->cfg, &b);
	assert_non_null(strstr(b.s, "\"schema\": \"huifang.worklists/1\""));
	assert_non_null(strstr(b.s, "{\"center\": \"中心B\", \"butler\": "
			       "\"赵六\", \"owed\": 1, \"overdue\": 1, "
			       "\"loops\": 0, \"unreachable\": 0}"));
	assert_non_null(strstr(b.s, "\"days_open\": 22"));
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_worklist__owed_spans_weeks_and_leaves_when_called),
		T(test_worklist__butler_sees_the_phone_the_site_never),
		T(test_worklist__people_index_every_list),
		T(test_worklist__keeps_to_its_window),
		T(test_worklist__open_loops_close_with_a_later_callback),
		T(test_worklist__unreachable_owners_leave_the_owed_list),
		T(test_worklist__metrics_count_unreachable_apart),
		T(test_worklist__csv_is_masked_sorted_and_neutralised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
