/*
 * test_retention.c - keeping the last N weeks: by ISO week name, only
 * folders named exactly YYYY-Www, N = 0 keeps all, and never a step
 * outside output/weeks (symlinks are not followed, nor counted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "model/config.h"
#include "ops/retention.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char output[300];
	char weeks[320];
	char outside[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_retention") < 0)
		return -1;
	snprintf(f->output, sizeof(f->output), "%s/output", f->root);
	snprintf(f->weeks, sizeof(f->weeks), "%s/weeks", f->output);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->root);
	mkdir(f->output, 0777);
	mkdir(f->weeks, 0777);
	mkdir(f->outside, 0777);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->root);
	free(f);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* Creates weeks/<name>/ with a metrics.json and a nested folder. */
static void week(struct fixture *f, const char *name)
{
	struct buf p = BUF_INIT;

	buf_addf(&p, "%s/%s", f->weeks, name);
	assert_int_equal(mkdir(p.s, 0777), 0);
	buf_adds(&p, "/charts");
	assert_int_equal(mkdir(p.s, 0777), 0);
	buf_adds(&p, "/trend.svg");
	put(p.s, "<svg/>");
	buf_reset(&p);
	buf_addf(&p, "%s/%s/metrics.json", f->weeks, name);
	put(p.s, "{}");
	buf_release(&p);
}

static const char *joined(const struct string_list *l)
{
	static struct buf out = BUF_INIT;
	size_t i;

	buf_reset(&out);
	for (i = 0; i < l->nr; i++)
		buf_addf(&out, "%s%s", i ? " " : "", l->items[i]);
	return out.s;
}

static void test_retention__keeps_the_last_n_weeks_by_name(void **state)
{
	struct fixture *f = *state;
	struct string_list removed = { 0 };
	struct buf err = BUF_INIT;

	/* Created out of order: the name, not the age of the folder, counts. */
	week(f, "2026-W10");
	week(f, "2025-W52");
	week(f, "2026-W47");
	week(f, "2026-W01");
	week(f, "2026-W09");
	assert_int_equal(retention_apply(f->output, 3, &removed, &err), 2);
	assert_string_equal(err.s, "");
	assert_string_equal(joined(&removed), "2025-W52 2026-W01");
	assert_string_equal(tmpdir_ls(f->weeks), "2026-W09 2026-W10 2026-W47");
	/* Applying it again changes nothing. */
	assert_int_equal(retention_apply(f->output, 3, NULL, &err), 0);
	assert_string_equal(tmpdir_ls(f->weeks), "2026-W09 2026-W10 2026-W47");
	string_list_clear(&removed);
	buf_release(&err);
}

static void test_retention__zero_keeps_every_week(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	week(f, "2020-W01");
	week(f, "2026-W47");
	assert_int_equal(retention_apply(f->output, 0, NULL, &err), 0);
	assert_string_equal(tmpdir_ls(f->weeks), "2020-W01 2026-W47");
	buf_release(&err);
}

static void test_retention__fewer_weeks_than_n_is_a_no_op(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	week(f, "2026-W46");
	week(f, "2026-W47");
	assert_int_equal(retention_apply(f->output, 2, NULL, &err), 0);
	assert_int_equal(retention_apply(f->output, 26, NULL, &err), 0);
	assert_string_equal(tmpdir_ls(f->weeks), "2026-W46 2026-W47");
	buf_release(&err);
}

static void test_retention__touches_only_exact_week_folders(void **state)
{
	struct fixture *f = *state;
	struct string_list removed = { 0 };
	struct buf err = BUF_INIT, p = BUF_INIT, q = BUF_INIT;

	week(f, "2019-W01");
	week(f, "2026-W47");
	/* Week-like names that are not weeks: never counted, never deleted. */
	week(f, "2018-W1");
	week(f, "2018-W011");
	week(f, "2018-w02");
	week(f, "2018-W03-old");
	week(f, "notes");
	buf_addf(&p, "%s/2018-W04", f->weeks);
	put(p.s, "a file, not a folder");
	/* A symlink named like an old week: not deleted, nor its target. */
	buf_reset(&p);
	buf_addf(&p, "%s/precious", f->outside);
	put(p.s, "keep");
	buf_reset(&q);
	buf_addf(&q, "%s/2018-W05", f->weeks);
	assert_int_equal(symlink(f->outside, q.s), 0);
	/* A symlink inside an old week: the link goes, the target stays. */
	buf_reset(&q);
	buf_addf(&q, "%s/2019-W01/link", f->weeks);
	assert_int_equal(symlink(f->outside, q.s), 0);

	assert_int_equal(retention_apply(f->output, 1, &removed, &err), 1);
	assert_string_equal(joined(&removed), "2019-W01");
	assert_string_equal(tmpdir_ls(f->weeks), "2018-W011 2018-W03-old 2018-W04 "
			    "2018-W05 2018-W1 2018-w02 2026-W47 notes");
	assert_string_equal(tmpdir_ls(f->outside), "precious");
	assert_string_equal(tmpdir_ls(f->output), "weeks");
	string_list_clear(&removed);
	buf_release(&err);
	buf_release(&p);
	buf_release(&q);
}

static void test_retention__missing_weeks_folder_is_fine(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	rmdir(f->weeks);
	assert_int_equal(retention_apply(f->output, 4, NULL, &err), 0);
	assert_string_equal(err.s, "");
	buf_release(&err);
}

static void test_retention__recognises_week_names_exactly(void **state)
{
	(void)state;
	assert_true(retention_is_week_name("2026-W47"));
	assert_true(retention_is_week_name("2025-W01"));
	/* Textual: the shape is checked, not the calendar. */
	assert_true(retention_is_week_name("2026-W99"));
	assert_false(retention_is_week_name("2026-W4"));
	assert_false(retention_is_week_name("2026-W470"));
	assert_false(retention_is_week_name("2026-w47"));
	assert_false(retention_is_week_name("226-W47"));
	assert_false(retention_is_week_name("2026W47"));
	assert_false(retention_is_week_name(".2026-W47.tmp-12"));
	assert_false(retention_is_week_name("2026-W47\n"));
	assert_false(retention_is_week_name("２026-W47"));
	assert_false(retention_is_week_name(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_retention__keeps_the_last_n_weeks_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__zero_keeps_every_week, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__fewer_weeks_than_n_is_a_no_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__touches_only_exact_week_folders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__missing_weeks_folder_is_fine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention__recognises_week_names_exactly, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
