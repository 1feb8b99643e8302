/*
 * test_weekdir.c - week folders appear whole or not at all: staging and
 * publishing (with and without an atomic exchange), the ".issued" mark,
 * and the cleanup of what killed runs leave behind, which must restore a
 * week that only survives as ".old", and must never follow a symlink out
 * of the output folder.
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
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char output[300];
	char outside[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_weekdir") < 0)
		return -1;
	snprintf(f->output, sizeof(f->output), "%s/output", f->root);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->root);
	mkdir(f->output, 0777);
	mkdir(f->outside, 0777);
	weekdir_test_disable_exchange(false);
	weekdir_test_disable_links(false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	weekdir_test_disable_exchange(false);
	weekdir_test_disable_links(false);
	tmpdir_remove(f->root);
	free(f);
	return 0;
}

/* Formats a path under the fixture's output folder (static, reused). */
static const char *at(struct fixture *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *at(struct fixture *f, const char *fmt, ...)
{
	static struct buf path = BUF_INIT;
	va_list ap;

	buf_reset(&path);
	buf_addf(&path, "%s/", f->output);
	va_start(ap, fmt);
	buf_vaddf(&path, fmt, ap);
	va_end(ap);
	return path.s;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static const char *get(const char *path)
{
	static char text[256];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return "(missing)";
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return text;
}

/* A pid that belonged to a process which has exited. */
static long dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

static void stage_file(struct weekdir *wd, const char *name, const char *text)
{
	struct buf path = BUF_INIT, err = BUF_INIT;

	buf_addf(&path, "%s/%s", wd->stage_path, name);
	assert_int_equal(outfile_write_all(path.s, text, strlen(text), &err), 0);
	buf_release(&path);
	buf_release(&err);
}

static void test_weekdir__publishes_a_new_week_whole(void **state)
{
	struct fixture *f = *state;
	struct weekdir wd;
	struct buf err = BUF_INIT, stage = BUF_INIT;

	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	buf_addf(&stage, "%s/weeks/.2026-W47.tmp-%ld", f->output, (long)getpid());
	assert_string_equal(wd.stage_path, stage.s);
	stage_file(&wd, "metrics.json", "{\"week\":\"2026-W47\"}\n");
	stage_file(&wd, "samples.json", "{}\n");
	/* Until published, the week does not exist for a reader. */
	assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W47")), "(missing)");
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_string_equal(err.s, "");
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
	assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W47")), "metrics.json samples.json");
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")),
			    "{\"week\":\"2026-W47\"}\n");
	assert_null(wd.stage_path);
	buf_release(&err);
	buf_release(&stage);
}

static void replace_previous_week(struct fixture *f)
{
	struct weekdir wd;
	struct buf err = BUF_INIT;

	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/2026-W47"), 0777);
	put(at(f, "weeks/2026-W47/metrics.json"), "old");
	put(at(f, "weeks/2026-W47/stale.csv"), "gone after publish");
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	stage_file(&wd, "metrics.json", "new");
	/* Staging leaves the published week alone. */
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")), "old");
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_string_equal(err.s, "");
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
	assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W47")), "metrics.json");
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")), "new");
	buf_release(&err);
}

static void test_weekdir__replaces_the_previous_week_by_exchange(void **state)
{
	replace_previous_week(*state);
}

static void test_weekdir__replaces_the_previous_week_without_exchange(void **state)
{
	weekdir_test_disable_exchange(true);
	replace_previous_week(*state);
}

static void test_weekdir__abort_leaves_the_previous_week_untouched(void **state)
{
	struct fixture *f = *state;
	struct weekdir wd;
	struct buf err = BUF_INIT;

	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/2026-W47"), 0777);
	put(at(f, "weeks/2026-W47/metrics.json"), "old");
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	stage_file(&wd, "metrics.json", "half");
	weekdir_abort(&wd);
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")), "old");
	buf_release(&err);
}

static void carry_over(struct fixture *f)
{
	struct weekdir wd;
	struct buf err = BUF_INIT, p = BUF_INIT;
	long dead = dead_pid();

	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	/* Nothing published yet: nothing to carry, and that is fine. */
	assert_int_equal(weekdir_carry_over(&wd, &err), 0);
	assert_string_equal(tmpdir_ls(wd.stage_path), "");
	stage_file(&wd, "metrics.json", "m1");
	stage_file(&wd, "samples.json", "s1");
	buf_addf(&p, "%s/charts", wd.stage_path);
	assert_int_equal(mkdir(p.s, 0777), 0);
	stage_file(&wd, "charts/trend.svg", "t1");
	assert_int_equal(weekdir_mark_issued(&wd, 0, &err), 0);
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	/* Things that must not be carried: a symlink, a leftover. */
	assert_int_equal(symlink(f->outside, at(f, "weeks/2026-W47/link")), 0);
	put(at(f, "weeks/2026-W47/.samples.json.tmp-%ld-1", dead), "half");

	/* A render: rewrites samples.json only. */
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	assert_int_equal(weekdir_carry_over(&wd, &err), 0);
	assert_string_equal(tmpdir_ls(wd.stage_path), ".issued charts metrics.json samples.json");
	stage_file(&wd, "samples.json", "s2");
	/* Linked files are replaced, never written through. */
	assert_string_equal(get(at(f, "weeks/2026-W47/samples.json")), "s1");
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_string_equal(err.s, "");
	assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W47")),
			    ".issued charts metrics.json samples.json");
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")), "m1");
	assert_string_equal(get(at(f, "weeks/2026-W47/samples.json")), "s2");
	assert_string_equal(get(at(f, "weeks/2026-W47/charts/trend.svg")), "t1");
	assert_true(weekdir_is_issued(f->output, "2026-W47"));
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
	buf_release(&err);
	buf_release(&p);
}

static void test_weekdir__carry_over_keeps_the_files_not_rewritten(void **state)
{
	carry_over(*state);
}

static void test_weekdir__carry_over_copies_without_hard_links(void **state)
{
	weekdir_test_disable_links(true);
	carry_over(*state);
}

static void test_weekdir__issued_mark_comes_with_the_reports(void **state)
{
	struct fixture *f = *state;
	struct weekdir wd;
	struct buf err = BUF_INIT;
	int64_t as_of = chtime_make(2026, 11, 30, 2, 0, 0);

	assert_false(weekdir_is_issued(f->output, "2026-W47"));
	/* A provisional week is published without the mark. */
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	stage_file(&wd, "metrics.json", "provisional");
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_false(weekdir_is_issued(f->output, "2026-W47"));
	/* The complete week: the mark is staged, so it appears with them. */
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	stage_file(&wd, "metrics.json", "complete");
	assert_int_equal(weekdir_mark_issued(&wd, as_of, &err), 0);
	assert_false(weekdir_is_issued(f->output, "2026-W47"));
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_true(weekdir_is_issued(f->output, "2026-W47"));
	assert_string_equal(get(at(f, "weeks/2026-W47/.issued")),
			    "as_of 2026-11-30 02:00:00\n");
	assert_false(weekdir_is_issued(f->output, "2026-W46"));
	buf_release(&err);
}

static void test_weekdir__symlinked_mark_does_not_count(void **state)
{
	struct fixture *f = *state;
	struct buf target = BUF_INIT;

	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/2026-W47"), 0777);
	buf_addf(&target, "%s/mark", f->outside);
	put(target.s, "as_of 2026-11-30 02:00:00\n");
	assert_int_equal(symlink(target.s, at(f, "weeks/2026-W47/.issued")), 0);
	assert_false(weekdir_is_issued(f->output, "2026-W47"));
	buf_release(&target);
}

/*
 * weekdir_exists() (nightly's check for a month's or quarter's folder):
 * a week's folder under weeks/, a period's under periods/; not a file,
 * not a missing folder, not a name that is no period's id, and, below
 * the output folder, not a symlink to a folder elsewhere.
 */
static void test_weekdir__exists_only_for_a_real_folder(void **state)
{
	struct fixture *f = *state;

	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/2026-W47"), 0777);
	mkdir(at(f, "periods"), 0777);
	mkdir(at(f, "periods/2026-11"), 0777);
	put(at(f, "periods/2026-10"), "a file");
	mkdir(at(f, "periods/notes"), 0777);
	assert_int_equal(symlink(f->outside, at(f, "periods/2026-Q4")), 0);
	folder_set_root(f->output);
	assert_true(weekdir_exists(f->output, "2026-W47"));
	assert_true(weekdir_exists(f->output, "2026-11"));
	assert_false(weekdir_exists(f->output, "2026-W46"));
	assert_false(weekdir_exists(f->output, "2026-12"));
	assert_false(weekdir_exists(f->output, "2026-10"));
	assert_false(weekdir_exists(f->output, "notes"));
	assert_false(weekdir_exists(f->output, "2026-Q4"));
	/* A month's id is looked for under periods/, never under weeks/. */
	mkdir(at(f, "weeks/2026-09"), 0777);
	assert_false(weekdir_exists(f->output, "2026-09"));
	folder_set_root(NULL);
}

static void test_weekdir__refuses_names_that_are_not_weeks(void **state)
{
	static const char *const bad[] = {
		"2026-W54", "2026-W00", "2026-w47", "2026-W7", "2026-W47/..",
		"../2026-W47", "", "2026-W47x",
	};
	struct fixture *f = *state;
	struct weekdir wd;
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&err);
		assert_int_equal(weekdir_begin(&wd, f->output, bad[i], &err), -1);
		assert_non_null(strstr(err.s, "not a week"));
		assert_null(wd.stage_path);
	}
	assert_int_equal(stagedir_begin(&wd, f->output, ".hidden", &err), -1);
	assert_int_equal(stagedir_begin(&wd, f->output, "a/b", &err), -1);
	/* 2026 has 53 ISO weeks, so W53 exists. */
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W53", &err), 0);
	weekdir_abort(&wd);
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "");
	buf_release(&err);
}

static void test_weekdir__cleanup_removes_leftovers_of_killed_runs(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, p = BUF_INIT, live = BUF_INIT;
	long dead = dead_pid();

	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "site"), 0777);
	/* A complete week, and its replaced copy renamed aside: remove. */
	mkdir(at(f, "weeks/2026-W46"), 0777);
	put(at(f, "weeks/2026-W46/metrics.json"), "W46");
	mkdir(at(f, "weeks/.2026-W46.old-%ld", dead), 0777);
	put(at(f, "weeks/.2026-W46.old-%ld/metrics.json", dead), "W46 before");
	/* An outfile temporary inside a week folder: remove. */
	put(at(f, "weeks/2026-W46/.metrics.json.tmp-%ld-1", dead), "half");
	/* A staging folder, with a folder inside: remove. */
	mkdir(at(f, "weeks/.2026-W47.tmp-%ld", dead), 0777);
	mkdir(at(f, "weeks/.2026-W47.tmp-%ld/charts", dead), 0777);
	put(at(f, "weeks/.2026-W47.tmp-%ld/charts/a.svg", dead), "<svg");
	/* A site page half written: remove. */
	put(at(f, "site/.index.html.tmp-%ld-3", dead), "<html");
	put(at(f, "site/index.html"), "<html></html>");
	/* Work in progress of a live run (ours): keep. */
	buf_addf(&live, ".2026-W48.tmp-%ld", (long)getpid());
	mkdir(at(f, "weeks/%s", live.s), 0777);
	/* Dot files that are not leftovers: keep. */
	put(at(f, ".huifang.lock"), "");
	put(at(f, "weeks/2026-W46/.issued"), "as_of 2026-11-23 02:00:00\n");
	put(at(f, "site/.tmp-%ld", dead), "no base name");
	put(at(f, "site/.x.tmp-12a"), "not a pid");
	/* A symlink named like a leftover: the link goes, its target stays. */
	buf_addf(&p, "%s/precious", f->outside);
	put(p.s, "outside the output folder");
	assert_int_equal(symlink(f->outside, at(f, "site/.evil.tmp-%ld", dead)), 0);
	/* A symlink to a folder holding leftover-like names: not followed. */
	buf_reset(&p);
	buf_addf(&p, "%s/.report.pdf.tmp-%ld-1", f->outside, dead);
	put(p.s, "not ours to clean");
	assert_int_equal(symlink(f->outside, at(f, "weeks/link")), 0);

	assert_int_equal(weekdir_cleanup(f->output, &err), 5);
	assert_string_equal(err.s, "");
	buf_reset(&p);
	buf_addf(&p, "%s 2026-W46 link", live.s);
	assert_string_equal(tmpdir_ls(at(f, "weeks")), p.s);
	assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W46")), ".issued metrics.json");
	assert_string_equal(get(at(f, "weeks/2026-W46/metrics.json")), "W46");
	buf_reset(&p);
	buf_addf(&p, ".tmp-%ld .x.tmp-12a index.html", dead);
	assert_string_equal(tmpdir_ls(at(f, "site")), p.s);
	buf_reset(&p);
	buf_addf(&p, ".report.pdf.tmp-%ld-1 precious", dead);
	assert_string_equal(tmpdir_ls(f->outside), p.s);
	assert_string_equal(tmpdir_ls(f->output), ".huifang.lock site weeks");
	buf_release(&err);
	buf_release(&p);
	buf_release(&live);
}

static void test_weekdir__cleanup_restores_a_week_killed_between_renames(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	long dead = dead_pid();

	/*
	 * Killed after renaming the final folder aside and before renaming
	 * the staged one in: the ".old" folder is the only complete copy.
	 */
	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/.2026-W47.old-%ld", dead), 0777);
	put(at(f, "weeks/.2026-W47.old-%ld/metrics.json", dead), "issued");
	put(at(f, "weeks/.2026-W47.old-%ld/.issued", dead), "as_of x\n");
	mkdir(at(f, "weeks/.2026-W47.tmp-%ld", dead), 0777);
	put(at(f, "weeks/.2026-W47.tmp-%ld/metrics.json", dead), "new");
	assert_int_equal(weekdir_cleanup(f->output, &err), 2);
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
	assert_string_equal(get(at(f, "weeks/2026-W47/metrics.json")), "issued");
	assert_true(weekdir_is_issued(f->output, "2026-W47"));
	/* A second cleanup finds nothing. */
	assert_int_equal(weekdir_cleanup(f->output, &err), 0);
	buf_release(&err);
}

static void test_weekdir__cleanup_of_a_missing_output_is_a_no_op(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, p = BUF_INIT;

	buf_addf(&p, "%s/none", f->root);
	assert_int_equal(weekdir_cleanup(p.s, &err), 0);
	assert_string_equal(err.s, "");
	buf_release(&err);
	buf_release(&p);
}

static void test_weekdir__remove_tree_does_not_follow_symlinks(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, p = BUF_INIT;

	buf_addf(&p, "%s/precious", f->outside);
	put(p.s, "keep");
	mkdir(at(f, "weeks"), 0777);
	mkdir(at(f, "weeks/2026-W01"), 0777);
	assert_int_equal(symlink(f->outside, at(f, "weeks/2026-W01/dir")), 0);
	assert_int_equal(symlink(p.s, at(f, "weeks/2026-W01/file")), 0);
	assert_int_equal(remove_tree(at(f, "weeks/2026-W01"), &err), 0);
	assert_string_equal(tmpdir_ls(at(f, "weeks")), "");
	assert_string_equal(get(p.s), "keep");
	/* Missing is fine. */
	assert_int_equal(remove_tree(at(f, "weeks/2026-W01"), &err), 0);
	assert_string_equal(err.s, "");
	buf_release(&err);
	buf_release(&p);
}

/*
 * The kill test of the mechanisms: a child publishes generation after
 * generation of a week (three 8 KiB files and the mark) in a loop, and is
 * sent SIGKILL after a different delay each time. After each kill, a
 * cleanup must leave the week complete and of one generation (never a mix,
 * never a short file), and nothing hidden behind.
 */
#define KILL_POINTS 60
#define WEEK_FILES 3
#define FILE_LINES 512

static void publish_forever(const char *output, int first_generation)
{
	static const char *const names[WEEK_FILES] = {
		"metrics.json", "samples.json", "report.pdf"
	};
	struct buf err = BUF_INIT, text = BUF_INIT, path = BUF_INIT;
	struct weekdir wd;
	int gen, i, k;

	for (gen = first_generation; ; gen++) {
		if (weekdir_begin(&wd, output, "2026-W47", &err) < 0)
			_exit(1);
		buf_reset(&text);
		for (k = 0; k < FILE_LINES; k++)
			buf_addf(&text, "generation %09d\n", gen);
		for (i = 0; i < WEEK_FILES; i++) {
			buf_reset(&path);
			buf_addf(&path, "%s/%s", wd.stage_path, names[i]);
			if (outfile_write_all(path.s, text.s, text.len, &err) < 0)
				_exit(1);
		}
		if (weekdir_mark_issued(&wd, 0, &err) < 0 ||
		    weekdir_publish(&wd, &err) < 0)
			_exit(1);
	}
}

/* The generation every file of the week holds, or -1 if they differ. */
static int week_generation(struct fixture *f)
{
	static const char *const names[WEEK_FILES] = {
		"metrics.json", "samples.json", "report.pdf"
	};
	char *text = malloc(FILE_LINES * 32);
	int gen = -1, i, k;

	for (i = 0; i < WEEK_FILES; i++) {
		FILE *fp = fopen(at(f, "weeks/2026-W47/%s", names[i]), "rb");
		size_t n;
		int file_gen;

		assert_non_null(fp);
		n = fread(text, 1, FILE_LINES * 32 - 1, fp);
		fclose(fp);
		text[n] = '\0';
		/* Complete: every line present and alike. */
		assert_int_equal(n, FILE_LINES * 21);
		assert_int_equal(sscanf(text, "generation %d", &file_gen), 1);
		for (k = 1; k < FILE_LINES; k++)
			assert_memory_equal(text, text + k * 21, 21);
		if (i == 0)
			gen = file_gen;
		else if (file_gen != gen)
			gen = -1;
	}
	free(text);
	return gen;
}

static void kill_at_many_points(struct fixture *f)
{
	struct buf err = BUF_INIT;
	int point, checks = 0, last = -1, complete = 0;

	for (point = 0; point < KILL_POINTS; point++) {
		/* Spread the kills over a few publish cycles, deterministically. */
		useconds_t delay = (useconds_t)((point * 7919) % 4000);
		pid_t pid = fork();
		int gen;

		assert_true(pid >= 0);
		if (pid == 0)
			publish_forever(f->output, (point + 1) * 100000);
		usleep(delay);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);

		assert_true(weekdir_cleanup(f->output, &err) >= 0);
		assert_string_equal(err.s, "");
		checks++;
		if (!strcmp(tmpdir_ls(at(f, "weeks")), "") ||
		    !strcmp(tmpdir_ls(at(f, "weeks")), "(missing)")) {
			/* Killed before the very first publish: nothing yet. */
			assert_int_equal(last, -1);
			continue;
		}
		assert_string_equal(tmpdir_ls(at(f, "weeks")), "2026-W47");
		assert_string_equal(tmpdir_ls(at(f, "weeks/2026-W47")),
				    ".issued metrics.json report.pdf samples.json");
		assert_true(weekdir_is_issued(f->output, "2026-W47"));
		gen = week_generation(f);
		assert_true(gen >= 0);
		/* Never older than what a reader saw before. */
		assert_true(gen >= last);
		if (gen != last)
			complete++;
		last = gen;
		checks++;
	}
	print_message("kill test: %d kill points, %d checks, %d new generations seen\n",
		      KILL_POINTS, checks, complete);
	buf_release(&err);
}

static void test_weekdir__sigkill_at_any_point_leaves_a_whole_week(void **state)
{
	kill_at_many_points(*state);
}

static void test_weekdir__sigkill_without_exchange_leaves_a_whole_week(void **state)
{
	weekdir_test_disable_exchange(true);
	kill_at_many_points(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_weekdir__publishes_a_new_week_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__replaces_the_previous_week_by_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__replaces_the_previous_week_without_exchange, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__abort_leaves_the_previous_week_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__carry_over_keeps_the_files_not_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__carry_over_copies_without_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__issued_mark_comes_with_the_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__symlinked_mark_does_not_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__exists_only_for_a_real_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__refuses_names_that_are_not_weeks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__cleanup_removes_leftovers_of_killed_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__cleanup_restores_a_week_killed_between_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__cleanup_of_a_missing_output_is_a_no_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__remove_tree_does_not_follow_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__sigkill_at_any_point_leaves_a_whole_week, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weekdir__sigkill_without_exchange_leaves_a_whole_week, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
