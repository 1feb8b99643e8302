/*
 * test_runlog.c - the run log: one file per China-time day under
 * output/logs, appended line by line with time stamps, created under the
 * umask; and the progress line, drawn only on a terminal and erased before
 * a log line or at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "ops/runlog.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char output[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_runlog") < 0)
		return -1;
	snprintf(f->output, sizeof(f->output), "%s/output", f->root);
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

static const char *slurp(const char *path)
{
	static char text[1024];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return "(missing)";
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return text;
}

static const char *stream_text(FILE *fp)
{
	static char text[1024];
	size_t n;

	rewind(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	return text;
}

static void test_runlog__appends_time_stamped_lines_to_the_days_file(void **state)
{
	struct fixture *f = *state;
	struct runlog rl = RUNLOG_INIT;
	struct buf err = BUF_INIT, want = BUF_INIT;
	/* 18:30 UTC on the 25th is 02:30 on the 26th in China. */
	int64_t t = chtime_make(2026, 11, 26, 2, 30, 0);
	mode_t old = umask(027);
	struct stat st;

	assert_int_equal(runlog_open(&rl, f->output, t, &err), 0);
	buf_addf(&want, "%s/logs/huifang-2026-11-26.log", f->output);
	assert_string_equal(rl.path, want.s);
	assert_int_equal(runlog_line(&rl, t, "nightly: as of %s", "2026-11-26 02:30:00"), 0);
	assert_int_equal(runlog_line(&rl, t + 3, "ingest: %d rows\nrejects: %d", 48213, 12), 0);
	runlog_close(&rl);
	/* A second run the same day appends to the same file. */
	assert_int_equal(runlog_open(&rl, f->output, t + 60, &err), 0);
	assert_int_equal(runlog_line(&rl, t + 61, "done\n"), 0);
	runlog_close(&rl);
	assert_string_equal(slurp(want.s),
			    "2026-11-26 02:30:00 nightly: as of 2026-11-26 02:30:00\n"
			    "2026-11-26 02:30:03 ingest: 48213 rows\n"
			    "2026-11-26 02:30:03 rejects: 12\n"
			    "2026-11-26 02:31:01 done\n");
	/* Reports and logs carry personal data: the umask applies. */
	assert_int_equal(stat(want.s, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	umask(old);
	assert_null(rl.path);
	buf_release(&err);
	buf_release(&want);
}

static void test_runlog__a_new_day_starts_a_new_file(void **state)
{
	struct fixture *f = *state;
	struct runlog rl = RUNLOG_INIT;
	struct buf err = BUF_INIT;

	assert_int_equal(runlog_open(&rl, f->output,
				     chtime_make(2026, 11, 26, 23, 59, 59), &err), 0);
	runlog_close(&rl);
	assert_int_equal(runlog_open(&rl, f->output,
				     chtime_make(2026, 11, 27, 0, 0, 0), &err), 0);
	assert_non_null(strstr(rl.path, "/logs/huifang-2026-11-27.log"));
	runlog_close(&rl);
	buf_release(&err);
}

static void test_runlog__unwritable_log_is_reported_and_harmless(void **state)
{
	struct fixture *f = *state;
	struct runlog rl = RUNLOG_INIT;
	struct buf err = BUF_INIT, p = BUF_INIT;
	FILE *fp;

	/* output/logs is a file: ENOTDIR, even as root. */
	assert_int_equal(mkdir(f->output, 0777), 0);
	buf_addf(&p, "%s/logs", f->output);
	fp = fopen(p.s, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(runlog_open(&rl, f->output, 0, &err), -1);
	assert_non_null(strstr(err.s, "Not a directory"));
	assert_int_equal(runlog_line(&rl, 0, "ignored"), 0);
	runlog_close(&rl);
	buf_release(&err);
	buf_release(&p);
}

static void test_runlog__progress_only_on_a_terminal(void **state)
{
	struct fixture *f = *state;
	struct runlog rl = RUNLOG_INIT;
	struct buf err = BUF_INIT;

	assert_int_equal(runlog_open(&rl, f->output, 0, &err), 0);
	if (isatty(STDERR_FILENO))
		assert_ptr_equal(rl.progress, stderr);
	else
		assert_null(rl.progress);
	/* Without a terminal nothing is drawn, and nothing breaks. */
	rl.progress = NULL;
	runlog_progress(&rl, "ingest", 1, 2);
	runlog_progress_end(&rl);
	assert_int_equal(rl.shown, 0);
	runlog_close(&rl);
	buf_release(&err);
}

static void test_runlog__progress_redraws_on_change_and_is_erased(void **state)
{
	struct fixture *f = *state;
	struct runlog rl = RUNLOG_INIT;
	struct buf err = BUF_INIT, p = BUF_INIT;
	FILE *tty = tmpfile();

	assert_non_null(tty);
	assert_int_equal(runlog_open(&rl, f->output, 0, &err), 0);
	rl.progress = tty;
	runlog_progress(&rl, "ingest", 1, 4);
	runlog_progress(&rl, "ingest", 1, 4);   /* same percentage: no redraw */
	runlog_progress(&rl, "ingest", 4, 4);
	runlog_progress(&rl, "render", 7, 0);
	assert_int_equal(runlog_line(&rl, 0, "render: started"), 0);
	runlog_progress(&rl, "render", 9, 10);
	runlog_close(&rl);
	assert_string_equal(stream_text(tty),
			    "\ringest: 25% (1/4)\033[K"
			    "\ringest: 100% (4/4)\033[K"
			    "\rrender: 7\033[K"
			    "\r\033[K"
			    "\rrender: 90% (9/10)\033[K"
			    "\r\033[K");
	/* The log file gets the line, never the progress. */
	buf_addf(&p, "%s/logs/huifang-1970-01-01.log", f->output);
	assert_string_equal(slurp(p.s), "1970-01-01 08:00:00 render: started\n");
	fclose(tty);
	buf_release(&err);
	buf_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runlog__appends_time_stamped_lines_to_the_days_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runlog__a_new_day_starts_a_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runlog__unwritable_log_is_reported_and_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runlog__progress_only_on_a_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runlog__progress_redraws_on_change_and_is_erased, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
