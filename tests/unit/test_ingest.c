/*
 * test_ingest.c - the ingest stage over small hand-written exports: the
 * order of reject reasons, the duplicate-ticket rule, callback identity,
 * attempts and satisfaction, status, header matching, the accounting
 * invariant, and the records artifact read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "input/ingest.h"
#include "model/records.h"
#include "input/rejects.h"

struct fixture {
	char dir[4096];
	struct config cfg;
	struct ticket_set set;
	struct diag d;
	int nfiles;
	char names[16][64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/test_ingest_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	if (!mkdtemp(f->dir))
		return -1;
	config_init(&f->cfg);
	ticket_set_init(&f->set);
	diag_init(&f->d);
	*state = f;
	return 0;
}

static void remove_tree(const char *dir)
{
	struct buf cmd = BUF_INIT;

	/* Only our own mkdtemp folder and what the tests put in it. */
	buf_addf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.s) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	buf_release(&cmd);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	config_release(&f->cfg);
	ticket_set_release(&f->set);
	diag_release(&f->d);
	free(f);
	return 0;
}

static void put(struct fixture *f, const char *name, const char *text)
{
	struct buf path = BUF_INIT;
	FILE *fp;

	buf_addf(&path, "%s/%s", f->dir, name);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fwrite(text, 1, strlen(text), fp);
	assert_int_equal(fclose(fp), 0);
	buf_release(&path);
}

static void slurp(struct buf *out, const char *dir, const char *sub,
		  const char *name)
{
	struct buf path = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	buf_addf(&path, "%s/%s/%s", dir, sub, name);
	fp = fopen(path.s, "rb");
	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
	buf_release(&path);
}

static void ingest(struct fixture *f)
{
	struct ingest_opts o = { f->dir, NULL };

	assert_int_equal(ingest_run(&o, &f->cfg, &f->set, &f->d), 0);
	assert_int_equal(f->set.rows_read, f->set.accepted + f->set.rejected +
					   f->set.superseded + f->set.excluded);
}

static int64_t at(const char *s)
{
	int64_t t;

	assert_int_equal(chtime_parse(s, strlen(s), &t), 0);
	return t;
}

static const struct ticket *find(struct fixture *f, const char *id)
{
	const struct ticket *t = ticket_set_find(&f->set, id);

	if (!t)
		fail_msg("ticket %s missing", id);
	return t;
}

#define TICKETS "工单编号,工单类型,完成时间,更新时间,工单状态,回访时间,满意度,回访结果,回访人,二次回访时间,二次满意度\n"

/* The callbacks joined to ticket id (which must exist). */
static const struct callback *callbacks_of(struct fixture *f, const char *id)
{
	return ticket_callbacks(&f->set, find(f, id));
}

static void test_ingest__applies_reject_reasons_in_order(void **state)
{
	struct fixture *f = *state;

	put(f, "a.csv", TICKETS
	    /* 2: field_count beats everything else on the row */
	    ",咨询,2026-13-01\n"
	    /* 3: missing id beats an unknown type and a bad time */
	    "  　,咨询,2026-13-01,,,,,,,,\n"
	    /* 4: unknown type (empty) beats a bad time */
	    "T1,,2026-13-01,,,,,,,,\n"
	    /* 5: the first bad timestamp in column order is named */
	    "T2,投诉,2026-11-20,2026-11-31,,25:00,,,,,\n"
	    /* 6: fine */
	    "T3,投诉,2026-11-20,,,,,,,,\n");
	ingest(f);
	assert_int_equal(f->set.nrejects, 4);
	assert_int_equal(f->set.rejects[0].reason, REJECT_FIELD_COUNT);
	assert_int_equal(f->set.rejects[0].line, 2);
	assert_int_equal(f->set.rejects[0].column, 0);
	assert_int_equal(f->set.rejects[1].reason, REJECT_MISSING_TICKET_ID);
	assert_int_equal(f->set.rejects[1].column, 1);
	assert_int_equal(f->set.rejects[2].reason, REJECT_UNKNOWN_TYPE);
	assert_string_equal(f->set.rejects[2].message,
			    "empty ticket type in column '工单类型'");
	assert_int_equal(f->set.rejects[3].reason, REJECT_BAD_TIMESTAMP);
	assert_int_equal(f->set.rejects[3].column, 4);
	assert_string_equal(f->set.rejects[3].message,
			    "invalid timestamp '2026-11-31' in column '更新时间'");
	assert_int_equal(f->set.accepted, 1);
	assert_int_equal(f->set.quality.reasons[REJECT_BAD_TIMESTAMP], 1);
}

static void test_ingest__an_extra_empty_field_is_field_count(void **state)
{
	struct fixture *f = *state;

	/* SPEC §8.3: "more or fewer fields than the header". */
	put(f, "a.csv", "工单编号,工单类型,完成时间\n"
	    "A,投诉,2026-11-20,\n"           /* 4 fields of 3: field_count */
	    "B,投诉,2026-11-20\n");
	/* Blank header names as written may be filled, and no more. */
	put(f, "b.csv", "工单编号,工单类型,,\n"
	    "C,投诉,,\n"                     /* 4 of 4 as written */
	    "D,投诉,,,\n");                  /* 5 of 4 */
	ingest(f);
	assert_int_equal(f->set.nrejects, 2);
	assert_int_equal(f->set.rejects[0].reason, REJECT_FIELD_COUNT);
	assert_int_equal(f->set.rejects[0].line, 2);
	assert_string_equal(f->set.rejects[0].message,
			    "expected 3 fields, found 4");
	assert_int_equal(f->set.rejects[1].reason, REJECT_FIELD_COUNT);
	assert_int_equal(f->set.rejects[1].line, 3);
	assert_int_equal(f->set.ntickets, 2);
	find(f, "B");
	find(f, "C");
}

static void test_ingest__a_type_column_makes_a_ticket_export(void **state)
{
	struct fixture *f = *state;

	/*
	 * SPEC §2: "A file whose header has a ticket-type column is a
	 * ticket export", also without 工单编号: its rows are rejected.
	 */
	put(f, "a.csv", "工单类型,完成时间\n投诉,2026-11-20\n报修,2026-11-21\n");
	ingest(f);
	assert_int_equal(f->set.files[0].kind, FILE_TICKETS);
	assert_int_equal(f->set.files_recognised, 1);
	assert_int_equal(f->set.rows_read, 2);
	assert_int_equal(f->set.nrejects, 2);
	assert_int_equal(f->set.rejects[0].reason, REJECT_MISSING_TICKET_ID);
	assert_int_equal(f->set.rejects[0].column, 0);
	assert_int_equal(f->set.rejects[1].line, 3);
	assert_int_equal(f->set.ntickets, 0);
}

static void test_ingest__records_on_one_line_keep_their_order(void **state)
{
	struct fixture *f = *state;
	const struct callback *cb;

	/*
	 * A JSON array written on one line: every record starts on line 1.
	 * SPEC §8.8 "the later occurrence superseding the earlier" and §8.14
	 * "callback rows in file and line order" still follow the records'
	 * order in the file.
	 */
	put(f, "a.csv", "工单编号,工单类型,完成时间\nA,投诉,2026-11-20 10:00\n");
	put(f, "b.json", "[{\"工单编号\":\"A\",\"回访时间\":\"2026-11-21 10:00\","
	    "\"回访人\":\"甲\",\"满意度\":\"满意\"},"
	    "{\"工单编号\":\"A\",\"回访时间\":\"2026-11-21 10:00\","
	    "\"回访人\":\"甲\",\"满意度\":\"不满意\"},"
	    "{\"工单编号\":\"A\",\"回访时间\":\"2026-11-21 11:00\","
	    "\"回访人\":\"乙\",\"满意度\":\"一般\"},"
	    "{\"工单编号\":\"A\",\"回访时间\":\"2026-11-21 11:00\","
	    "\"回访人\":\"丙\",\"满意度\":\"非常满意\"},"
	    "{\"工单编号\":\"A\",\"回访时间\":\"2026-11-21 11:00\","
	    "\"回访人\":\"丁\",\"满意度\":\"非常不满意\"}]");
	ingest(f);
	assert_int_equal(f->set.ncallbacks, 4);
	cb = callbacks_of(f, "A");
	assert_string_equal(cb[0].recorder, "甲");
	assert_int_equal(cb[0].satisfaction, SAT_DISSATISFIED);
	assert_string_equal(cb[1].recorder, "乙");
	assert_string_equal(cb[2].recorder, "丙");
	assert_string_equal(cb[3].recorder, "丁");
	assert_int_equal(f->set.superseded, 1);
}

static void test_ingest__rejects_a_field_over_the_limit(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_field_bytes = 8;
	/* Over the limit and a bad time: field_too_long comes first. */
	put(f, "a.csv", "工单编号,工单类型,内容,完成时间\n"
	    "T1,投诉,123456789,bad\nT2,投诉,12345678,\n");
	ingest(f);
	assert_int_equal(f->set.nrejects, 1);
	assert_int_equal(f->set.rejects[0].reason, REJECT_FIELD_TOO_LONG);
	assert_int_equal(f->set.rejects[0].column, 3);
	assert_int_equal(f->set.ntickets, 1);
}

static void test_ingest__later_update_time_wins_then_file_then_line(void **state)
{
	struct fixture *f = *state;

	put(f, "1.csv", "工单编号,工单类型,服务中心,更新时间\n"
	    "A,投诉,one,2026-11-20 10:00\n"   /* loses to 2.csv's later time */
	    "B,投诉,one,2026-11-20 10:00\n"   /* beats 2.csv's copy: it has a time */
	    "C,投诉,one,\n"                   /* loses to line 5 */
	    "C,投诉,two,\n");
	put(f, "2.csv", "工单编号,工单类型,服务中心,更新时间\n"
	    "A,投诉,three,2026-11-20 11:00\n"
	    "B,投诉,three,\n"
	    "C,投诉,three,\n");               /* the later file wins */
	ingest(f);
	assert_int_equal(f->set.ntickets, 3);
	assert_string_equal(find(f, "A")->center, "three");
	assert_string_equal(find(f, "B")->center, "one");
	assert_string_equal(find(f, "C")->center, "three");
	assert_int_equal(f->set.superseded, 4);
	assert_int_equal(f->set.quality.superseded_tickets, 4);
	assert_int_equal(f->set.files[0].superseded, 3);
	assert_int_equal(f->set.files[1].superseded, 1);
	assert_int_equal(f->set.files[0].accepted, 1);
	assert_int_equal(f->set.accepted, 3);
}

static void test_ingest__rejected_rows_supersede_nothing(void **state)
{
	struct fixture *f = *state;

	put(f, "a.csv", "工单编号,工单类型,服务中心,更新时间\n"
	    "A,投诉,kept,2026-11-20 10:00\n"
	    "A,投诉,rejected,2026-99-99\n");
	ingest(f);
	assert_string_equal(find(f, "A")->center, "kept");
	assert_int_equal(f->set.superseded, 0);
	assert_int_equal(f->set.rejected, 1);
}

static void test_ingest__a_losing_ticket_takes_its_callbacks(void **state)
{
	struct fixture *f = *state;

	put(f, "a.csv", TICKETS
	    "A,投诉,2026-11-20,,,2026-11-21 10:00,满意,,李四,,\n"
	    "A,投诉,2026-11-20,2026-11-22,,,,,,2026-11-23 09:00,不满意\n");
	ingest(f);
	assert_int_equal(f->set.ntickets, 1);
	assert_int_equal(f->set.ncallbacks, 1);
	assert_int_equal(f->set.callbacks[0].source, CB_INLINE_SECOND);
	assert_int_equal(f->set.callbacks[0].satisfaction, SAT_DISSATISFIED);
	assert_int_equal(f->set.callbacks[0].at, at("2026-11-23 09:00"));
	assert_int_equal(f->set.superseded, 1);
}

/*
 * Enough tickets for merge.c's key sort to partition (over 16), numbers
 * that agree in their first 16 bytes (compared as strings) and short
 * ones, in a scrambled order; callback rows, also scrambled, joined by
 * number. tickets[] must come out in strcmp() order, each row on its
 * ticket, the rows of no ticket counted as orphans.
 */
static void test_ingest__sorts_and_joins_many_ticket_numbers(void **state)
{
	struct fixture *f = *state;
	struct buf tk = BUF_INIT, cb = BUF_INIT;
	char id[64];
	size_t i, n = 3000;

	buf_adds(&tk, TICKETS);
	buf_adds(&cb, "工单编号,回访时间,回访人,满意度\n");
	for (i = 0; i < n; i++) {
		size_t k = i * 7919 % n;

		if (k % 5)
			snprintf(id, sizeof(id), "WO-2026-11-LONG-PREFIX-%04zu", k);
		else
			snprintf(id, sizeof(id), "%zu", k);
		buf_addf(&tk, "%s,投诉,2026-11-20,,,,,,,,\n", id);
		/* every third ticket has a row, named by its recorder */
		if (k % 3 == 0)
			buf_addf(&cb, "%s,2026-11-21 10:00,%s,满意\n", id, id);
	}
	buf_adds(&cb, "WO-2026-11-LONG-PREFIX-9999,2026-11-21 10:00,x,满意\n"
		      "99999,2026-11-21 10:00,x,满意\n");
	put(f, "t.csv", tk.s);
	put(f, "u.csv", cb.s);
	ingest(f);
	assert_int_equal(f->set.ntickets, n);
	for (i = 1; i < n; i++)
		assert_true(strcmp(f->set.tickets[i - 1].id,
				   f->set.tickets[i].id) < 0);
	for (i = 0; i < n; i++) {
		const struct ticket *t = &f->set.tickets[i];
		const char *num = strrchr(t->id, '-');
		size_t k = (size_t)atol(num ? num + 1 : t->id);

		assert_int_equal(t->n_cb, k % 3 == 0);
		if (t->n_cb)
			assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder,
					    t->id);
	}
	assert_int_equal(f->set.quality.orphan_callbacks, 2);
	buf_release(&tk);
	buf_release(&cb);
}

/*
 * Callback rows merged before any ticket row has their numbers (a.csv
 * sorts first): each waits on a placeholder of its number, which the
 * ticket row that has it later takes over, also when a later row
 * supersedes that one; the numbers no ticket row has are orphans,
 * repeated identities among them counted once. No placeholder is a
 * ticket, a superseded row or a repeated number.
 */
static void test_ingest__callback_rows_before_their_tickets(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;

	put(f, "a.csv", "工单编号,回访时间,回访人,满意度\n"
	    "T1,2026-11-21 10:00,甲,满意\n"
	    "Z9,2026-11-21 10:00,丙,满意\n"
	    "T2,2026-11-21 11:00,乙,一般\n"
	    "Z9,2026-11-21 10:00,丙,不满意\n"
	    "Z1,2026-11-21 10:00,丙,满意\n");
	put(f, "b.csv", TICKETS "T1,投诉,2026-11-20,2026-11-20 09:00,,,,,,,\n");
	put(f, "c.csv", TICKETS "T2,投诉,2026-11-20,,,,,,,,\n"
	    "T1,投诉,2026-11-20,2026-11-22 09:00,,,,,,,\n");
	ingest(f);
	assert_int_equal(f->set.ntickets, 2);
	assert_string_equal(f->set.tickets[0].id, "T1");
	assert_string_equal(f->set.tickets[1].id, "T2");
	t = find(f, "T1");
	assert_int_equal(t->file, 2);
	assert_int_equal(t->line, 3);
	assert_int_equal(t->type, TYPE_COMPLAINT);
	assert_int_equal(t->n_cb, 1);
	assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder, "甲");
	t = find(f, "T2");
	assert_int_equal(t->n_cb, 1);
	assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder, "乙");
	assert_int_equal(f->set.ncallbacks, 2);
	assert_int_equal(f->set.quality.orphan_callbacks, 2);
	assert_int_equal(f->set.quality.superseded_callbacks, 1);
	assert_int_equal(f->set.quality.superseded_tickets, 1);
	assert_int_equal(f->set.files[0].superseded, 1);
	assert_int_equal(f->set.files[0].accepted, 4);
	assert_int_equal(f->set.files[1].superseded, 1);
	assert_int_equal(f->set.files[2].accepted, 2);
	assert_int_equal(f->set.files[0].repeated_ids +
			 f->set.files[1].repeated_ids +
			 f->set.files[2].repeated_ids, 0);
	assert_null(ticket_set_find(&f->set, "Z9"));
	assert_null(ticket_set_find(&f->set, "Z1"));
}

/*
 * struct ticket holds its file in 16 bits: more input files than that is
 * refused before any is read, named, not read with wrong file indices.
 */
static void test_ingest__refuses_more_files_than_it_can_name(void **state)
{
	struct fixture *f = *state;
	struct ingest_opts o = { f->dir, NULL };
	size_t i, n = (size_t)MAX_INPUT_FILES + 1;
	const char **paths = calloc(n, sizeof(*paths));
	char *names = calloc(n, 32);

	assert_non_null(paths);
	assert_non_null(names);
	for (i = 0; i < n; i++) {
		snprintf(names + 32 * i, 32, "%s/%06zu.csv", "no-such", i);
		paths[i] = names + 32 * i;
	}
	assert_int_equal(ingest_read_files(paths, n, &o, &f->cfg, &f->set,
					   &f->d), -1);
	assert_int_equal(f->d.errors, 1);
	assert_int_equal(f->set.rows_read, 0);
	/* One fewer is read (each file missing, so skipped). */
	ticket_set_release(&f->set);
	ticket_set_init(&f->set);
	assert_int_equal(ingest_read_files(paths + 1, n - 1, &o, &f->cfg,
					   &f->set, &f->d), 0);
	assert_int_equal(f->set.nfiles, MAX_INPUT_FILES);
	assert_int_equal(f->d.errors, 1);
	free(paths);
	free(names);
}

static void test_ingest__a_repeated_callback_counts_once(void **state)
{
	struct fixture *f = *state;

	put(f, "1.csv", TICKETS
	    "A,投诉,2026-11-20,,,2026-11-21 10:00,满意,,李四,,\n");
	put(f, "2.csv", "工单编号,回访时间,回访人,满意度\n"
	    /* repeats the inline callback: the row's values win */
	    "A,2026-11-21 10:00:00,李四,非常满意\n"
	    /* the same time by someone else is another callback */
	    "A,2026-11-21 10:00,王五,一般\n"
	    "Z,2026-11-21 10:00,王五,一般\n");
	put(f, "3.jsonl",
	    "{\"工单编号\": \"A\", \"回访时间\": \"2026-11-21T02:00:00Z\", "
	    "\"回访人\": \"王五\", \"满意度\": 2}\n");
	ingest(f);
	assert_int_equal(f->set.ncallbacks, 2);
	/* Same instant: the inline one first (gone), then rows by file. */
	assert_int_equal(f->set.callbacks[0].source, CB_ROW);
	assert_string_equal(f->set.callbacks[0].recorder, "李四");
	assert_int_equal(f->set.callbacks[0].satisfaction, SAT_VERY_SATISFIED);
	assert_string_equal(f->set.callbacks[1].recorder, "王五");
	assert_int_equal(f->set.callbacks[1].satisfaction, SAT_DISSATISFIED);
	assert_int_equal(f->set.callbacks[1].file, 2);
	assert_int_equal(f->set.quality.superseded_callbacks, 2);
	/*
	 * SPEC §8.8's accounting, as issue 14 clarified it: the ticket row
	 * stays accepted, and 2.csv line 2, which repeats its inline
	 * callback, is superseded though its content wins; 2.csv line 3 is
	 * superseded by 3.jsonl.
	 */
	assert_int_equal(f->set.superseded, 2);
	assert_int_equal(f->set.files[1].superseded, 2);
	assert_int_equal(f->set.files[1].accepted, 1);
	assert_int_equal(f->set.files[0].accepted, 1);
	assert_int_equal(f->set.quality.orphan_callbacks, 1);
	assert_int_equal(f->set.accepted, 3);
}

static void test_ingest__reads_attempts_and_satisfaction(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;
	const struct callback *cb;

	put(f, "a.csv", TICKETS
	    "A,特约,2026-11-20,,已取消,2026-11-21 10:00,５,,李四,2026-11-22,未接通\n"
	    "B,客诉,2026-11-20,,取消了,2026-11-21 10:00,满意,无人接听,李四,,\n"
	    "C,报修,2026-11-20,,,2026-11-21 10:00,还可以,,李四,,\n");
	ingest(f);
	t = find(f, "A");
	assert_int_equal(t->type, TYPE_SPECIAL);
	assert_true(t->cancelled);
	assert_int_equal(t->n_cb, 2);
	cb = ticket_callbacks(&f->set, t);
	assert_int_equal(cb[0].satisfaction, SAT_VERY_SATISFIED);
	assert_false(cb[0].is_attempt);
	assert_true(cb[1].is_attempt);
	assert_int_equal(cb[1].satisfaction, SAT_NONE);
	t = find(f, "B");
	assert_int_equal(t->type, TYPE_COMPLAINT);
	assert_false(t->cancelled); /* only the exact words cancel */
	cb = ticket_callbacks(&f->set, t);
	assert_true(cb[0].is_attempt);
	assert_int_equal(cb[0].satisfaction, SAT_NONE);
	t = find(f, "C");
	assert_int_equal(ticket_callbacks(&f->set, t)[0].satisfaction, SAT_NONE);
	assert_int_equal(f->set.quality.unrated_satisfaction, 1);
}

static void test_ingest__matches_headers_loosely_and_values_exactly(void **state)
{
	struct fixture *f = *state;

	string_list_add(&f->cfg.column_aliases[COL_TICKET_ID], "Ticket No");
	put(f, "a.csv", "\xef\xbb\xbf　TICKET NO ,工单类型　,服务中心\r\n"
	    "Ａ１,　投诉\xc2\xa0,\xef\xbb\xbf东区\r\n"
	    "A2,投 诉,东区\r\n");
	ingest(f);
	assert_int_equal(f->set.ntickets, 1);
	/* Full-width digits of a ticket number fold; letters do not. */
	assert_non_null(ticket_set_find(&f->set, "Ａ1"));
	assert_string_equal(f->set.tickets[0].center, "东区");
	assert_int_equal(f->set.rejects[0].reason, REJECT_UNKNOWN_TYPE);
}

static void test_ingest__reports_unusable_headers_and_goes_on(void **state)
{
	struct fixture *f = *state;

	put(f, "1.csv", "工单编号,,工单类型\nA,x,投诉\n");
	put(f, "2.csv", "工单编号,工单类型, 工单编号\nA,投诉,B\n");
	put(f, "3.csv", "回访时间,满意度\n2026-11-20,满意\n");
	put(f, "4.csv", "");
	put(f, "5.csv", "工单编号,工单类型,,\nB,投诉,,\nC,投诉\n");
	put(f, "6.csv", "工单编号,工单\"类型\nD,投诉\n");
	put(f, ".6.csv", "工单编号,工单类型\nD,投诉\n");
	put(f, "7.txt", "工单编号,工单类型\nE,投诉\n");
	ingest(f);
	assert_int_equal(f->set.nfiles, 6);
	assert_int_equal(f->set.files_recognised, 1);
	assert_int_equal(f->set.files[0].kind, FILE_UNRECOGNISED);
	assert_string_equal(f->set.files[0].why,
			    "column 2 of the header is blank");
	assert_string_equal(f->set.files[1].why,
			    "duplicate column '工单编号' (columns 1 and 3)");
	assert_int_equal(f->set.files[2].kind, FILE_UNRECOGNISED);
	assert_string_equal(f->set.files[3].why, "no header: the file is empty");
	/* Trailing blank header names are dropped, short rows are not. */
	assert_int_equal(f->set.files[4].kind, FILE_TICKETS);
	assert_int_equal(f->set.rows_read, 2);
	assert_int_equal(f->set.ntickets, 2);
	assert_string_equal(f->set.files[5].why, "the header is not valid CSV: "
			    "unexpected '\"' at line 1, character 8");
	assert_int_equal(f->d.warnings, 5);
}

static void test_ingest__records_read_back_the_same(void **state)
{
	struct fixture *f = *state;
	struct ticket_set back;
	struct buf dir = BUF_INIT, err = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	size_t i;

	put(f, "a.csv", TICKETS
	    "A,投诉,2026-11-20,,,2026-11-21 10:00,满意,,\"李\"\"四\",2026-11-22,未接通\n"
	    "B,报修,,,作废,,,,,,\n"
	    "C,咨询,,,,,,,,,\n");
	put(f, "b.csv", "工单编号,回访时间,回访人,回访轮次\nA,2026-11-25 08:00,王五,２\n");
	ingest(f);
	buf_addf(&dir, "%s/records", f->dir);
	assert_int_equal(records_write(&f->set, dir.s, &err), 0);
	ticket_set_init(&back);
	assert_int_equal(records_read(&back, dir.s, &f->d), 0);
	assert_int_equal(back.ntickets, f->set.ntickets);
	assert_int_equal(back.ncallbacks, 3);
	assert_int_equal(back.rows_read, 4);
	assert_int_equal(back.rejected, 1);
	assert_int_equal(back.nfiles, 2);
	assert_int_equal(back.quality.reasons[REJECT_UNKNOWN_TYPE], 1);
	for (i = 0; i < back.ntickets; i++) {
		assert_string_equal(back.tickets[i].id, f->set.tickets[i].id);
		assert_int_equal(back.tickets[i].completed_at,
				 f->set.tickets[i].completed_at);
		assert_int_equal(back.tickets[i].cancelled,
				 f->set.tickets[i].cancelled);
		assert_int_equal(back.tickets[i].n_cb, f->set.tickets[i].n_cb);
	}
	for (i = 0; i < back.ncallbacks; i++) {
		assert_int_equal(back.callbacks[i].at, f->set.callbacks[i].at);
		assert_string_equal(back.callbacks[i].recorder,
				    f->set.callbacks[i].recorder);
		assert_int_equal(back.callbacks[i].is_attempt,
				 f->set.callbacks[i].is_attempt);
		assert_int_equal(back.callbacks[i].round,
				 f->set.callbacks[i].round);
	}
	assert_int_equal(back.callbacks[2].round, 2);
	/* Written again, the read-back set gives the same bytes. */
	buf_reset(&dir);
	buf_addf(&dir, "%s/again", f->dir);
	assert_int_equal(records_write(&back, dir.s, &err), 0);
	for (i = 0; i < 3; i++) {
		static const char *const names[] = { "summary.json",
						     "tickets.bin",
						     "callbacks.bin" };

		buf_reset(&a);
		buf_reset(&b);
		slurp(&a, f->dir, "records", names[i]);
		slurp(&b, f->dir, "again", names[i]);
		assert_true(a.len > 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
	}
	ticket_set_release(&back);
	buf_release(&dir);
	buf_release(&err);
	buf_release(&a);
	buf_release(&b);
}

static void test_ingest__rejects_csv_is_neutralised_with_bom(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT;

	put(f, "a.csv", "工单编号,工单类型\n\"=HYPERLINK(\"\"x\"\")\",@type\n");
	ingest(f);
	rejects_format(&f->set, false, &out);
	assert_string_equal(out.s,
		"\xef\xbb\xbf" "文件,行,列,代码,原因,说明,原始字段\r\n"
		"a.csv,,,,原始表头,,工单编号,工单类型\r\n"
		"a.csv,2,2,unknown_type,未知工单类型,unknown ticket type "
		"'@type' in column '工单类型',\"'=HYPERLINK(\"\"x\"\")\","
		"\"'@type\"\r\n");
	buf_release(&out);
}

/*
 * Issue 13: rejects.csv held names, phones and ID numbers verbatim. It is
 * masked now, column by column (and every field of a field_count row, and
 * the values of a JSON record that cannot be parsed); the originals go to
 * rejects.original.csv, mode 0600, and the diagnostics echo no value of
 * a personal column.
 */
static void test_ingest__rejects_are_masked_and_originals_kept_apart(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT, shown = BUF_INIT, err = BUF_INIT;
	struct stat st;
	size_t i;

	put(f, "a.csv", "工单编号,工单类型,业主姓名,联系电话,内容\n"
	    "T1,咨询,张三丰,13812345678,张三丰说身份证110105 19491231 0037\n"
	    "T2,投诉,李四,0851-12345678,多,一列\n");
	put(f, "b.jsonl", "{\"工单编号\": \"T4\", \"工单类型\": \"投诉\"}\n"
	    "{\"工单编号\": \"T3\", \"业主姓名\": \"王小明\", "
	    "\"联系电话\": 13912345678, \"内容\": x}\n");
	ingest(f);
	assert_int_equal(f->set.nrejects, 3);
	rejects_format(&f->set, true, &out);
	assert_non_null(strstr(out.s, ",T1,咨询,张*,138****5678,"
			       "张*说身份证110*** ******** 0037\r\n"));
	/* field_count: every field masked, the vocabulary (投诉) kept. */
	assert_non_null(strstr(out.s, ",T2,投诉,李*,085*-****5678,多,一*\r\n"));
	assert_non_null(strstr(out.s, "\"{\"\"工单编号\"\": \"\"T3\"\", "
			       "\"\"业主姓名\"\": \"\"王**\"\", \"\"联系电话\"\": "
			       "139****5678, \"\"内容\"\": x}\"\r\n"));
	assert_null(strstr(out.s, "张三丰"));
	assert_null(strstr(out.s, "13812345678"));
	assert_null(strstr(out.s, "王小明"));
	/* Every diagnostic's message and context echo no personal value. */
	for (i = 0; i < f->d.nr; i++) {
		buf_addf(&shown, "%s|%s\n", f->d.entries[i].message,
			 f->d.entries[i].context ? f->d.entries[i].context : "");
	}
	assert_non_null(strstr(shown.s, "\"业主姓名\": \"王**\""));
	assert_null(strstr(shown.s, "王小明"));
	assert_null(strstr(shown.s, "13912345678"));
	assert_null(strstr(shown.s, "张三丰"));
	buf_reset(&out);
	rejects_format(&f->set, false, &out);
	assert_non_null(strstr(out.s, "张三丰,13812345678,"));
	assert_int_equal(rejects_write(&f->set, f->dir, &err), 0);
	buf_reset(&out);
	slurp(&out, f->dir, ".", REJECTS_ORIGINAL_FILE);
	assert_non_null(strstr(out.s, "王小明"));
	buf_reset(&shown);
	buf_addf(&shown, "%s/%s", f->dir, REJECTS_ORIGINAL_FILE);
	assert_int_equal(stat(shown.s, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	buf_reset(&out);
	slurp(&out, f->dir, ".", REJECTS_FILE);
	assert_null(strstr(out.s, "王小明"));
	buf_release(&out);
	buf_release(&shown);
	buf_release(&err);
}

static void test_ingest__rejects_the_gb18030_row_with_a_bad_byte(void **state)
{
	struct fixture *f = *state;

	/*
	 * 工单编号,工单类型,内容 / T1,投诉,工单 / T2,投诉,0x80 in GB18030, with
	 * CRLF. Mostly GB18030 double bytes, so detection says GB18030.
	 */
	put(f, "gb.csv", "\xb9\xa4\xb5\xa5\xb1\xe0\xba\xc5,\xb9\xa4\xb5\xa5"
	    "\xc0\xe0\xd0\xcd,\xc4\xda\xc8\xdd\r\n"
	    "T1,\xcd\xb6\xcb\xdf,\xb9\xa4\xb5\xa5\r\n"
	    "T2,\xcd\xb6\xcb\xdf,a\x80" "b\r\n");
	ingest(f);
	assert_string_equal(f->set.files[0].encoding, "GB18030");
	assert_int_equal(f->set.ntickets, 1);
	assert_string_equal(f->set.tickets[0].content, "工单");
	assert_int_equal(f->set.nrejects, 1);
	assert_int_equal(f->set.rejects[0].reason, REJECT_BAD_ENCODING);
	assert_int_equal(f->set.rejects[0].line, 3);
	assert_int_equal(f->set.rejects[0].column, 3);
	assert_string_equal(f->set.rejects[0].message,
			    "invalid GB18030 at byte offset 47 in column '内容'");
	assert_string_equal(f->set.rejects[0].original, "T2,投诉,a\\x80b");
}

static void test_ingest__writes_a_non_utf8_file_name_safely(void **state)
{
	struct fixture *f = *state;
	struct buf out = BUF_INIT, dir = BUF_INIT, err = BUF_INIT;
	char *summary;
	FILE *fp;
	long n;

	put(f, "a\xff.csv", "工单编号,工单类型\nT1,咨询\n");
	ingest(f);
	rejects_format(&f->set, false, &out);
	assert_non_null(strstr(out.s, "\r\na\\xFF.csv,2,2,unknown_type,"));
	buf_addf(&dir, "%s/records", f->dir);
	assert_int_equal(records_write(&f->set, dir.s, &err), 0);
	buf_addf(&dir, "/summary.json");
	fp = fopen(dir.s, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	summary = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(summary, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	assert_non_null(strstr(summary, "\"name\": \"a\\\\xFF.csv\""));
	free(summary);
	buf_release(&out);
	buf_release(&dir);
	buf_release(&err);
}

static void same_string(const char *a, const char *b)
{
	assert_string_equal(a, b);
}

/*
 * Files merged in name order whatever the number of threads: the same
 * tickets, callbacks, rejects, counts and diagnostics, in the same order.
 */
static void test_ingest__the_same_whatever_the_threads(void **state)
{
	struct fixture *f = *state;
	struct ingest_opts o = { f->dir, NULL };
	struct ticket_set one, many;
	struct diag d1, dn;
	struct buf text = BUF_INIT, name = BUF_INIT;
	size_t i;
	int k, j;

	/*
	 * Twelve ticket exports and four callback exports: a ticket is
	 * exported again and again with and without 更新时间, callbacks
	 * repeat across files, every file has a row to reject.
	 */
	for (k = 0; k < 16; k++) {
		buf_reset(&text);
		buf_reset(&name);
		if (k < 12) {
			buf_addf(&name, "t%02d.csv", k);
			buf_adds(&text, TICKETS);
			for (j = 0; j < 30; j++)
				buf_addf(&text, "T%d,%s,2026-11-%02d 10:00,%s,,"
					 "2026-11-%02d 12:%02d,%s,,R%d,,\n",
					 (k * 7 + j) % 41, j % 3 ? "报修" : "投诉",
					 10 + j % 9, j % 4 ? "" : "2026-11-20 08:00",
					 11 + j % 9, k, j % 2 ? "满意" : "不满意",
					 j % 5);
			buf_addf(&text, "X%d,咨询,,,,,,,,,\n", k);
		} else {
			buf_addf(&name, "w%02d.csv", k);
			buf_adds(&text, "工单编号,回访时间,回访人,满意度\n");
			for (j = 0; j < 50; j++)
				buf_addf(&text, "T%d,2026-11-2%d 09:%02d,R%d,%s\n",
					 (j * 3 + k % 2) % 45, j % 3, j % 7, j % 4,
					 j % 6 ? "满意" : "未接通");
			buf_addf(&text, "T%d,2026-13-01 09:00,R0,满意\n", k);
		}
		put(f, name.s, text.s);
	}
	ticket_set_init(&one);
	ticket_set_init(&many);
	diag_init(&d1);
	diag_init(&dn);
	f->cfg.ingest_threads = 1;
	assert_int_equal(ingest_run(&o, &f->cfg, &one, &d1), 0);
	f->cfg.ingest_threads = 4;
	assert_int_equal(ingest_run(&o, &f->cfg, &many, &dn), 0);
	assert_true(one.ntickets > 30);
	assert_true(one.superseded > 100);
	assert_true(one.quality.superseded_callbacks > 0);
	assert_int_equal(one.nrejects, 16);
	assert_int_equal(many.rows_read, one.rows_read);
	assert_int_equal(many.accepted, one.accepted);
	assert_int_equal(many.rejected, one.rejected);
	assert_int_equal(many.superseded, one.superseded);
	assert_int_equal(many.quality.orphan_callbacks,
			 one.quality.orphan_callbacks);
	assert_int_equal(many.quality.superseded_callbacks,
			 one.quality.superseded_callbacks);
	assert_int_equal(many.ntickets, one.ntickets);
	for (i = 0; i < one.ntickets; i++) {
		const struct ticket *a = &one.tickets[i], *b = &many.tickets[i];

		same_string(a->id, b->id);
		same_string(a->type_text, b->type_text);
		same_string(a->butler, b->butler);
		assert_int_equal(a->updated_at, b->updated_at);
		assert_int_equal(a->file, b->file);
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->first_cb, b->first_cb);
		assert_int_equal(a->n_cb, b->n_cb);
	}
	assert_int_equal(many.ncallbacks, one.ncallbacks);
	for (i = 0; i < one.ncallbacks; i++) {
		const struct callback *a = &one.callbacks[i];
		const struct callback *b = &many.callbacks[i];

		assert_int_equal(a->at, b->at);
		same_string(a->recorder, b->recorder);
		same_string(a->satisfaction_text, b->satisfaction_text);
		assert_int_equal(a->source, b->source);
		assert_int_equal(a->file, b->file);
		assert_int_equal(a->line, b->line);
	}
	for (i = 0; i < one.nfiles; i++) {
		assert_int_equal(many.files[i].accepted, one.files[i].accepted);
		assert_int_equal(many.files[i].superseded,
				 one.files[i].superseded);
	}
	for (i = 0; i < one.nrejects; i++) {
		assert_int_equal(many.rejects[i].file, one.rejects[i].file);
		assert_int_equal(many.rejects[i].line, one.rejects[i].line);
		same_string(many.rejects[i].message, one.rejects[i].message);
	}
	assert_int_equal(dn.nr, d1.nr);
	for (i = 0; i < d1.nr; i++)
		same_string(dn.entries[i].message, d1.entries[i].message);
	ticket_set_release(&one);
	ticket_set_release(&many);
	diag_release(&d1);
	diag_release(&dn);
	buf_release(&text);
	buf_release(&name);
}

/*
 * Ticket numbers are sorted and joined by their first 16 bytes: longer
 * numbers that share those are told apart by the rest.
 */
static void test_ingest__orders_and_joins_long_ticket_numbers(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;

	put(f, "a.csv", TICKETS
	    "WX-2026-11-20-0001-B,投诉,,,,,,,,,\n"
	    "WX-2026-11-20-0001-A,投诉,,,,,,,,,\n"
	    "WX-2026-11-20-0001,投诉,,,,,,,,,\n"
	    "WX-2026-11-2,投诉,,,,,,,,,\n");
	put(f, "b.csv", "工单编号,回访时间,回访人\n"
	    "WX-2026-11-20-0001-A,2026-11-21 10:00,甲\n"
	    "WX-2026-11-20-0001-C,2026-11-21 11:00,乙\n"
	    "WX-2026-11-20-0001-B,2026-11-21 12:00,丙\n"
	    "WX-2026-11-20-0001,2026-11-21 13:00,丁\n");
	ingest(f);
	assert_int_equal(f->set.ntickets, 4);
	assert_string_equal(f->set.tickets[0].id, "WX-2026-11-2");
	assert_string_equal(f->set.tickets[1].id, "WX-2026-11-20-0001");
	assert_string_equal(f->set.tickets[2].id, "WX-2026-11-20-0001-A");
	assert_string_equal(f->set.tickets[3].id, "WX-2026-11-20-0001-B");
	t = find(f, "WX-2026-11-20-0001-A");
	assert_int_equal(t->n_cb, 1);
	assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder, "甲");
	t = find(f, "WX-2026-11-20-0001-B");
	assert_int_equal(t->n_cb, 1);
	assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder, "丙");
	t = find(f, "WX-2026-11-20-0001");
	assert_int_equal(t->n_cb, 1);
	assert_string_equal(ticket_callbacks(&f->set, t)[0].recorder, "丁");
	assert_int_equal(find(f, "WX-2026-11-2")->n_cb, 0);
	/* -C has no ticket. */
	assert_int_equal(f->set.quality.orphan_callbacks, 1);
}

/* Writes text (len bytes) as name in the fixture's folder. */
static void put_bytes(struct fixture *f, const char *name, const char *text,
		      size_t len)
{
	struct buf path = BUF_INIT;
	FILE *fp;

	buf_addf(&path, "%s/%s", f->dir, name);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	buf_release(&path);
}

/*
 * A big GB18030 export whose first mebibyte does not decide (mostly
 * ASCII rows): its header holds bytes that are not UTF-8, which settles
 * the encoding at once, and the file is read as GB18030 from the start.
 */
static void test_ingest__a_big_gb18030_export_with_ascii_rows(void **state)
{
	struct fixture *f = *state;
	struct buf text = BUF_INIT;
	int i;

	/* 工单编号,工单类型 in GB18030, then 120,000 rows of T<i>,投诉. */
	buf_adds(&text, "\xb9\xa4\xb5\xa5\xb1\xe0\xba\xc5,"
		 "\xb9\xa4\xb5\xa5\xc0\xe0\xd0\xcd\n");
	for (i = 0; i < 120000; i++)
		buf_addf(&text, "T%06d,%s\n", i,
			 i % 1000 ? "\xcd\xb6\xcb\xdf" : "x");
	put_bytes(f, "big.csv", text.s, text.len);
	ingest(f);
	assert_string_equal(f->set.files[0].encoding, "GB18030");
	assert_int_equal(f->set.files[0].kind, FILE_TICKETS);
	assert_int_equal(f->set.rows_read, 120000);
	/* Every thousandth row has type "x": unknown_type. */
	assert_int_equal(f->set.rejected, 120);
	assert_int_equal(f->set.ntickets, 119880);
	assert_string_equal(f->set.tickets[1].type_text, "投诉");
	buf_release(&text);
}

/*
 * A big file read as UTF-8 on trust whose end makes it GB18030: what was
 * read of it is forgotten (rows, rejects, diagnostics), and it is read
 * again as GB18030, where its UTF-8 header means nothing.
 */
static void test_ingest__forgets_a_file_read_on_a_wrong_guess(void **state)
{
	struct fixture *f = *state;
	struct buf text = BUF_INIT;
	size_t i;

	buf_adds(&text, "工单编号,工单类型\n");
	for (i = 0; i < 150000; i++)
		buf_addf(&text, "T%06zu,%s\n", i, i % 1000 ? "投诉" : "咨询");
	/* 20,000 invalid bytes: more than one per 20 multi-byte characters. */
	buf_adds(&text, "Z,");
	for (i = 0; i < 20000; i++)
		buf_addch(&text, '\xff');
	buf_addch(&text, '\n');
	put_bytes(f, "big.csv", text.s, text.len);
	put(f, "small.csv", TICKETS "A,投诉,,,,,,,,,\n");
	ingest(f);
	assert_string_equal(f->set.files[0].encoding, "GB18030");
	assert_int_equal(f->set.files[0].kind, FILE_UNRECOGNISED);
	assert_int_equal(f->set.files[0].rows_read, 0);
	assert_int_equal(f->set.files[0].rejected, 0);
	/* Only the small file's row is left. */
	assert_int_equal(f->set.rows_read, 1);
	assert_int_equal(f->set.rejected, 0);
	assert_int_equal(f->set.nrejects, 0);
	assert_int_equal(f->set.ntickets, 1);
	assert_int_equal(f->set.files_recognised, 1);
	buf_release(&text);
}

static void test_ingest__fails_only_on_a_missing_input_folder(void **state)
{
	struct fixture *f = *state;
	struct ingest_opts o = { "no/such/folder", NULL };

	assert_int_equal(ingest_run(&o, &f->cfg, &f->set, &f->d), -1);
	assert_int_equal(f->d.errors, 1);
}

/* The counts the plausibility gates read (SPEC §9.28), per file. */
static void test_ingest__counts_what_the_gates_read(void **state)
{
	struct fixture *f = *state;
	const struct input_file *a, *b;

	put(f, "a.csv", TICKETS
	    "8.22025E+17,投诉,2026-11-20,,,,,,,,\n"
	    "8.22025E+17,投诉,2026-11-21,,,,,,,,\n"
	    "T1,投诉,2026-11-20,,,,满意,,,,\n"
	    "T2,投诉,2026-11-20,,,2026-11-21,满意,,,,\n"
	    "T3,投诉,2026-11-20,,,,,未接通,,,\n"
	    "T4,投诉,2026-11-20,,,,,,,,非常满意\n");
	/* A number repeated in another file is an update, not damage. */
	put(f, "b.csv", TICKETS
	    "T2,投诉,2026-11-20,2026-11-22,,2026-11-21,满意,,,,\n"
	    "822025000000000001,投诉,2026-11-20,,,,,,,,\n");
	/*
	 * The same damage in JSON: a number with an exponent is a damaged id
	 * (§9.25), never its decimal expansion; a 19-digit integer is exact.
	 */
	put(f, "c.json", "[{\"工单编号\": 8.22025E+17, \"工单类型\": \"投诉\", "
	    "\"完成时间\": \"2026-11-20 10:00:00\"},\n"
	    " {\"工单编号\": 8220251120000000001, \"工单类型\": \"投诉\", "
	    "\"完成时间\": \"2026-11-20 10:00:00\"}]\n");
	ingest(f);
	a = &f->set.files[0];
	b = &f->set.files[1];
	assert_string_equal(f->set.files[2].name, "c.json");
	assert_int_equal(f->set.files[2].damaged_ticket_ids, 1);
	assert_string_equal(a->name, "a.csv");
	assert_int_equal(a->damaged_ticket_ids, 2);
	assert_int_equal(a->repeated_ids, 1);
	/* T1's rating and T3's result have no time (issue 14's count). */
	assert_int_equal(f->set.quality.ratings_without_time, 2);
	assert_int_equal(b->damaged_ticket_ids, 0);
	assert_int_equal(b->repeated_ids, 0);
}

/* ---- source profiles (issue 14) ---- */

/*
 * Loads json as the config, from a file the ingest does not read as an
 * export (its name has no export's ending); code tables beside it too.
 */
static void load_profiles(struct fixture *f, const char *json)
{
	struct buf path = BUF_INIT;
	struct diag d;

	put(f, "profiles.conf", json);
	buf_addf(&path, "%s/profiles.conf", f->dir);
	diag_init(&d);
	config_release(&f->cfg);
	config_init(&f->cfg);
	if (config_load(&f->cfg, path.s, &d) < 0)
		fail_msg("config: %s", d.nr ? d.entries[0].message : "?");
	diag_release(&d);
	buf_release(&path);
}

/* The first diagnostic whose message contains needle; NULL if none. */
static const struct diag_entry *find_diag(const struct fixture *f,
					  const char *needle)
{
	size_t i;

	for (i = 0; i < f->d.nr; i++)
		if (strstr(f->d.entries[i].message, needle))
			return &f->d.entries[i];
	return NULL;
}

static void test_ingest__reads_a_file_through_its_profile(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;
	const struct diag_entry *e;
	size_t i;

	put(f, "centers.txt", "code,name\nC1,东区服务中心\n");
	load_profiles(f, "{\"sources\": [{\"name\": \"pool\", \"files\": "
		      "\"pool*.csv\", \"kind\": \"tickets\",\n"
		      " \"columns\": {\"repair_id\": \"工单编号\", \"type_cd\": "
		      "\"工单类型\", \"center\": \"服务中心\", \"finish\": \"完成时间\","
		      " \"visit_time\": \"回访时间\", \"visit_type\": \"满意度\"},\n"
		      " \"values\": {\"工单类型\": {\"1\": \"投诉\", \"2\": \"skip\"},"
		      " \"满意度\": {\"1001\": \"满意\", \"2002\": \"不满意\"}},\n"
		      " \"empty_values\": [\"1900-01-01 00:00:00\"],\n"
		      " \"time_formats\": [\"epoch_milliseconds\"],\n"
		      " \"code_tables\": {\"服务中心\": {\"file\": "
		      "\"centers.txt\"}}}]}");
	put(f, "pool_1.csv", "repair_id,type_cd,center,finish,visit_time,"
	    "visit_type\n"
	    /* 2025-11-27 10:00 and 12:00 China time, in milliseconds */
	    "T1,1,C1,1764208800000,1764216000000,1001\n"
	    /* 建议: not a ticket */
	    "T2,2,C1,1764208800000,,\n"
	    /* Excel's damage; a rating without a callback time */
	    "8.22025E+17,1,C2,1900-01-01 00:00:00,,2002\n");
	/* The same header names mean nothing outside the profile's files. */
	put(f, "other.csv", "repair_id,type_cd\nX,1\n");
	ingest(f);
	assert_int_equal(f->set.ntickets, 2);
	assert_int_equal(f->set.files[1].rows_read, 3);
	assert_int_equal(f->set.files[1].accepted, 2);
	assert_int_equal(f->set.files[1].excluded, 1);
	assert_int_equal(f->set.files[1].damaged_ticket_ids, 1);
	assert_int_equal(f->set.excluded, 1);
	assert_int_equal(f->set.rows_read, f->set.accepted + f->set.rejected +
			 f->set.superseded + f->set.excluded);
	assert_int_equal(f->set.files[0].kind, FILE_UNRECOGNISED);
	t = find(f, "T1");
	assert_string_equal(t->center, "东区服务中心");
	assert_int_equal(t->type, TYPE_COMPLAINT);
	assert_int_equal(t->completed_at, at("2025-11-27 10:00"));
	assert_int_equal(t->n_cb, 1);
	assert_int_equal(ticket_callbacks(&f->set, t)[0].at,
			 at("2025-11-27 12:00"));
	assert_int_equal(ticket_callbacks(&f->set, t)[0].satisfaction,
			 SAT_SATISFIED);
	/* The source's own code, as written. */
	assert_string_equal(ticket_callbacks(&f->set, t)[0].satisfaction_text,
			    "1001");
	t = find(f, "8.22025E+17");
	assert_string_equal(t->center, "C2");
	assert_int_equal(t->completed_at, TIME_NONE);
	assert_int_equal(t->n_cb, 0);
	assert_int_equal(f->set.quality.ratings_without_time, 1);
	e = find_diag(f, "a 满意度 without a 回访时间: not counted as a "
		      "callback");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_WARNING);
	assert_int_equal(e->line, 4);
	for (i = 0; i < f->set.nfiles; i++)
		assert_int_equal(f->set.files[i].superseded, 0);
}

static void test_ingest__joins_on_an_internal_id_in_any_file_order(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;
	const struct callback *cb;

	load_profiles(f, "{\"sources\": [\n"
		      " {\"name\": \"rv\", \"files\": \"a_revisit.csv\", \"kind\":"
		      " \"callbacks\", \"join\": \"ws\",\n"
		      "  \"columns\": {\"ws_id\": \"工单编号\", \"at\": \"回访时间\","
		      " \"sat\": \"满意度\", \"state\": \"回访结果\"},\n"
		      "  \"attempt\": {\"column\": \"回访结果\", \"values\": [\"2\"]},\n"
		      "  \"values\": {\"满意度\": {\"1\": \"非常满意\", \"2\": \"满意\","
		      " \"3\": \"一般\"}},\n"
		      "  \"values_by_type\": {\"投诉\": {\"满意度\": {\"1\": \"满意\","
		      " \"3\": \"不满意\"}}}},\n"
		      " {\"name\": \"ws\", \"files\": \"b_ws.csv\", \"kind\": "
		      "\"tickets\", \"key_column\": \"id\",\n"
		      "  \"columns\": {\"no\": \"工单编号\", \"type\": \"工单类型\","
		      " \"done\": \"完成时间\", \"upd\": \"更新时间\"}}]}");
	/* The callbacks come first: joins wait until every file is read. */
	put(f, "a_revisit.csv", "ws_id,at,sat,state\n"
	    "9001,2026-11-18 10:00,3,1\n"
	    "9002,2026-11-18 11:00,3,1\n"
	    "9002,2026-11-18 09:00,2,2\n"
	    "9999,2026-11-18 12:00,1,1\n");
	/* WS2's key moves with its winning version (§8.7). */
	put(f, "b_ws.csv", "id,no,type,done,upd\n"
	    "9001,WS1,报事报修,2026-11-17 10:00,\n"
	    "1234,WS2,投诉,2026-11-17 10:00,2026-11-17 10:00\n"
	    "9002,WS2,投诉,2026-11-17 10:00,2026-11-18 00:00\n");
	ingest(f);
	t = find(f, "WS1");
	assert_int_equal(t->n_cb, 1);
	cb = ticket_callbacks(&f->set, t);
	/* 3 is 一般 on the scale for every type ... */
	assert_int_equal(cb[0].satisfaction, SAT_NEUTRAL);
	t = find(f, "WS2");
	assert_int_equal(t->n_cb, 2);
	cb = ticket_callbacks(&f->set, t);
	/* ... the attempt rule reads state, not the 满意度 2 ... */
	assert_true(cb[0].is_attempt);
	assert_false(cb[1].is_attempt);
	/* ... and complaints have their own scale: 3 is 不满意. */
	assert_int_equal(cb[1].satisfaction, SAT_DISSATISFIED);
	assert_int_equal(f->set.quality.orphan_callbacks, 1);
}

static void test_ingest__near_misses_and_idle_profiles_are_loud(void **state)
{
	struct fixture *f = *state;
	const struct diag_entry *e;

	load_profiles(f, "{\"sources\": [{\"name\": \"hc\", \"files\": "
		      "\"r_repair_pool*.csv\"}]}");
	put(f, "a.csv", "工单号,工单类型,工单子类,满意度,回访时间\n"
	    "A1,投诉,（2）房屋管理类,五星,2026-11-18 10:00\n");
	ingest(f);
	e = find_diag(f, "column '工单号' is not read: did you mean 工单编号? "
		      "add it to column_aliases");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_WARNING);
	assert_int_equal(e->column, 1);
	e = find_diag(f, "sources[0] 'hc': no file read matches its files");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_WARNING);
	/* Without 工单编号 every row is missing_ticket_id, nothing is lost. */
	assert_int_equal(f->set.rejected, 1);
}

static void test_ingest__warns_about_values_it_cannot_read(void **state)
{
	struct fixture *f = *state;
	const struct ticket *t;

	put(f, "a.csv", "工单编号,工单类型,工单子类,完成时间,回访时间,满意度\n"
	    "A1,投诉,（2）房屋管理类,2026-11-17 10:00,2026-11-18 10:00,五星\n"
	    "A2,投诉,屋顶类,2026-11-17 10:00,2026-11-18 10:00,五星\n"
	    "A3,投诉,2)设备管理类,2026-11-17 10:00,2026年11月18日 10:00,★★★★\n");
	ingest(f);
	assert_string_equal(find(f, "A1")->subtype, "房屋管理类");
	assert_string_equal(find(f, "A3")->subtype, "设备管理类");
	t = find(f, "A3");
	assert_int_equal(ticket_callbacks(&f->set, t)[0].satisfaction,
			 SAT_SATISFIED);
	assert_int_equal(ticket_callbacks(&f->set, t)[0].at,
			 at("2026-11-18 10:00"));
	/* Once per value and file, at its first row. */
	assert_non_null(find_diag(f, "'五星' in column '满意度' is no "
				  "satisfaction label or star: not rated"));
	assert_non_null(find_diag(f, "'屋顶类' in column '工单子类' is no known "
				  "sub-type of its type: kept as written"));
	assert_int_equal(f->set.quality.unrated_satisfaction, 2);
	assert_int_equal(f->d.warnings, 2);
}

/*
 * SPEC §9.22: a profile's value map replaces the built-in forms of its
 * column. A reversed 1-5 scale (1 = 非常满意) must not read an unlisted
 * `5分` as built-in 5 stars; every mapped column keeps to its map.
 */
static void test_ingest__a_value_map_replaces_the_built_ins(void **state)
{
	struct fixture *f = *state;
	const struct diag_entry *e;
	const struct ticket *t;
	const struct callback *cb;

	load_profiles(f, "{\"sources\": [{\"name\": \"rev\", \"files\": "
		      "\"rev*.csv\",\n"
		      " \"values\": {\"满意度\": {\"1\": \"非常满意\", \"2\": "
		      "\"满意\", \"3\": \"一般\", \"4\": \"不满意\", \"5\": "
		      "\"非常不满意\"},\n"
		      "  \"工单类型\": {\"R\": \"报事报修\", \"C\": \"投诉\"},\n"
		      "  \"工单状态\": {\"9\": \"已取消\", \"4\": \"已完成\"},\n"
		      "  \"工单子类\": {\"p\": \"公区维修\"}}}]}");
	put(f, "rev.csv", "工单编号,工单类型,工单子类,工单状态,完成时间,"
	    "回访时间,满意度\n"
	    "A1,R,p,4,2026-11-17 10:00,2026-11-18 10:00,1\n"
	    "A2,R,p,4,2026-11-17 10:00,2026-11-18 10:00,5\n"
	    /* Unlisted: none of these is a star or a label here. */
	    "A3,R,p,4,2026-11-17 10:00,2026-11-18 10:00,5分\n"
	    "A4,R,p,4,2026-11-17 10:00,2026-11-18 10:00,非常满意\n"
	    "A5,R,p,4,2026-11-17 10:00,2026-11-18 10:00,★★★★★\n"
	    /* An unlisted status is no cancel word; a sub-type no ordinal. */
	    "A6,R,2 公区维修,已取消,2026-11-17 10:00,,\n"
	    /* A type the map does not list is unknown, even a canonical one. */
	    "A7,投诉,p,4,2026-11-17 10:00,,\n"
	    "A8,C,,9,2026-11-17 10:00,,\n");
	/* The same values outside the profile keep the built-in forms. */
	put(f, "std.csv", "工单编号,工单类型,工单状态,完成时间,回访时间,满意度\n"
	    "B1,报事报修,已完成,2026-11-17 10:00,2026-11-18 10:00,5分\n");
	ingest(f);
	assert_int_equal(callbacks_of(f, "A1")[0].satisfaction,
			 SAT_VERY_SATISFIED);
	assert_int_equal(callbacks_of(f, "A2")[0].satisfaction,
			 SAT_VERY_DISSATISFIED);
	cb = callbacks_of(f, "A3");
	assert_int_equal(cb[0].satisfaction, SAT_NONE);
	assert_false(cb[0].is_attempt);
	assert_string_equal(cb[0].satisfaction_text, "5分");
	assert_int_equal(callbacks_of(f, "A4")[0].satisfaction,
			 SAT_NONE);
	assert_int_equal(callbacks_of(f, "A5")[0].satisfaction,
			 SAT_NONE);
	assert_int_equal(f->set.quality.unrated_satisfaction, 3);
	t = find(f, "A6");
	assert_false(t->cancelled);
	assert_string_equal(t->status, "已取消");
	assert_string_equal(t->subtype, "2 公区维修");
	assert_true(find(f, "A8")->cancelled);
	assert_null(ticket_set_find(&f->set, "A7"));
	assert_int_equal(f->set.files[0].rejected, 1);
	assert_int_equal(callbacks_of(f, "B1")[0].satisfaction,
			 SAT_VERY_SATISFIED);
	/* Each is said once, naming file, line, column and value. */
	e = find_diag(f, "'5分' in column '满意度' is not in the value map of "
		      "source 'rev' for this column: not rated");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_WARNING);
	assert_int_equal(e->line, 4);
	assert_int_equal(e->column, 7);
	assert_non_null(strstr(e->file, "rev.csv"));
	assert_non_null(find_diag(f, "'已取消' in column '工单状态' is not in the "
				  "value map of source 'rev' for this column: "
				  "kept as written, never cancelled"));
	assert_non_null(find_diag(f, "'2 公区维修' in column '工单子类' is not "
				  "in the value map of source 'rev' for this "
				  "column: kept as written, matched to no "
				  "sub-type"));
	e = find_diag(f, "ticket type '投诉' in column '工单类型' is not in the "
		      "value map of source 'rev'");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_ERROR);
	assert_int_equal(e->line, 8);
	assert_int_equal(e->column, 2);
}

/*
 * The same for a map chosen by 工单类型 in a callback export, read once
 * the join knows the ticket's type: the complaints' 3-level scale does
 * not list 4, which is then no built-in 4 stars.
 */
static void test_ingest__a_by_type_map_replaces_the_built_ins(void **state)
{
	struct fixture *f = *state;
	const struct diag_entry *e;
	const struct callback *cb;

	load_profiles(f, "{\"sources\": [{\"name\": \"rv\", \"files\": "
		      "\"rv.csv\", \"kind\": \"callbacks\",\n"
		      "  \"columns\": {\"no\": \"工单编号\", \"at\": \"回访时间\","
		      " \"sat\": \"满意度\"},\n"
		      "  \"values\": {\"满意度\": {\"1\": \"非常满意\", \"2\": "
		      "\"满意\", \"3\": \"一般\", \"4\": \"不满意\", \"5\": "
		      "\"非常不满意\"}},\n"
		      "  \"values_by_type\": {\"投诉\": {\"满意度\": {\"1\": "
		      "\"满意\", \"2\": \"一般\", \"3\": \"不满意\"}}}}]}");
	put(f, "rv.csv", "no,at,sat\n"
	    "C1,2026-11-18 10:00,4\n"
	    "C2,2026-11-18 10:00,3\n"
	    "R1,2026-11-18 10:00,4\n"
	    "C3,2026-11-18 10:00,5分\n");
	put(f, "tk.csv", "工单编号,工单类型,完成时间\n"
	    "C1,投诉,2026-11-17 10:00\n"
	    "C2,投诉,2026-11-17 10:00\n"
	    "R1,报事报修,2026-11-17 10:00\n"
	    "C3,投诉,2026-11-17 10:00\n");
	ingest(f);
	cb = callbacks_of(f, "C1");
	assert_int_equal(cb[0].satisfaction, SAT_NONE);
	assert_string_equal(cb[0].satisfaction_text, "4");
	cb = callbacks_of(f, "C2");
	assert_int_equal(cb[0].satisfaction, SAT_DISSATISFIED);
	cb = callbacks_of(f, "R1");
	assert_int_equal(cb[0].satisfaction, SAT_DISSATISFIED);
	cb = callbacks_of(f, "C3");
	assert_int_equal(cb[0].satisfaction, SAT_NONE);
	assert_int_equal(f->set.quality.unrated_satisfaction, 2);
	e = find_diag(f, "'4' in column 'sat' is not in the value map of "
		      "source 'rv' for 投诉: not rated");
	assert_non_null(e);
	assert_int_equal(e->level, DIAG_WARNING);
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 3);
	assert_non_null(strstr(e->file, "rv.csv"));
	assert_non_null(find_diag(f, "'5分' in column 'sat' is not in the "
				  "value map of source 'rv' for 投诉"));
	/* Said once each, and nothing else (no built-in reading). */
	assert_int_equal(f->d.warnings, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_ingest__reads_a_file_through_its_profile),
		T(test_ingest__joins_on_an_internal_id_in_any_file_order),
		T(test_ingest__near_misses_and_idle_profiles_are_loud),
		T(test_ingest__warns_about_values_it_cannot_read),
		T(test_ingest__a_value_map_replaces_the_built_ins),
		T(test_ingest__a_by_type_map_replaces_the_built_ins),
		T(test_ingest__applies_reject_reasons_in_order),
		T(test_ingest__an_extra_empty_field_is_field_count),
		T(test_ingest__a_type_column_makes_a_ticket_export),
		T(test_ingest__records_on_one_line_keep_their_order),
		T(test_ingest__rejects_a_field_over_the_limit),
		T(test_ingest__later_update_time_wins_then_file_then_line),
		T(test_ingest__rejected_rows_supersede_nothing),
		T(test_ingest__a_losing_ticket_takes_its_callbacks),
		T(test_ingest__sorts_and_joins_many_ticket_numbers),
		T(test_ingest__callback_rows_before_their_tickets),
		T(test_ingest__refuses_more_files_than_it_can_name),
		T(test_ingest__a_repeated_callback_counts_once),
		T(test_ingest__reads_attempts_and_satisfaction),
		T(test_ingest__matches_headers_loosely_and_values_exactly),
		T(test_ingest__reports_unusable_headers_and_goes_on),
		T(test_ingest__records_read_back_the_same),
		T(test_ingest__rejects_csv_is_neutralised_with_bom),
		T(test_ingest__rejects_are_masked_and_originals_kept_apart),
		T(test_ingest__rejects_the_gb18030_row_with_a_bad_byte),
		T(test_ingest__writes_a_non_utf8_file_name_safely),
		T(test_ingest__the_same_whatever_the_threads),
		T(test_ingest__orders_and_joins_long_ticket_numbers),
		T(test_ingest__a_big_gb18030_export_with_ascii_rows),
		T(test_ingest__forgets_a_file_read_on_a_wrong_guess),
		T(test_ingest__fails_only_on_a_missing_input_folder),
		T(test_ingest__counts_what_the_gates_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
