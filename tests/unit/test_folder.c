/*
 * test_folder.c - no folder below the output folder is followed through a
 * symlink: folder_open() itself, and every module that creates, enters,
 * writes or deletes folders there (outfile, mkdir_p, weekdir, retention,
 * runlog). Each case plants a link to a folder outside the output folder
 * and checks that the call fails naming the link and that nothing
 * appeared in, or vanished from, the link's target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/records.h"
#include "model/ticket.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "ops/retention.h"
#include "ops/runlog.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char output[300];
	char outside[300];
	struct buf path;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_folder") < 0)
		return -1;
	snprintf(f->output, sizeof(f->output), "%s/output", f->root);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->root);
	mkdir(f->output, 0777);
	mkdir(f->outside, 0777);
	buf_init(&f->path);
	folder_set_root(f->output);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	folder_set_root(NULL);
	tmpdir_remove(f->root);
	buf_release(&f->path);
	free(f);
	return 0;
}

/* "<output>/<rel>" in the fixture's buffer (reused by the next call). */
static const char *out(struct fixture *f, const char *rel)
{
	buf_reset(&f->path);
	buf_addf(&f->path, "%s/%s", f->output, rel);
	return f->path.s;
}

static void plant(struct fixture *f, const char *rel)
{
	assert_int_equal(symlink(f->outside, out(f, rel)), 0);
}

/* The message names the link and says it was not followed. */
static void assert_refused(struct fixture *f, const struct buf *err,
			   const char *rel)
{
	struct buf want = BUF_INIT;

	buf_addf(&want, "%s/%s: a symbolic link below the output folder",
		 f->output, rel);
	if (!strstr(err->s, want.s))
		fail_msg("message '%s' does not name '%s'", err->s, want.s);
	buf_release(&want);
	assert_string_equal(tmpdir_ls(f->outside), "");
}

static void test_folder__opens_and_creates_below_the_root(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	int fd;

	fd = folder_open(out(f, "weeks/2026-W47"), true, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(tmpdir_ls(out(f, "weeks")), "2026-W47");
	fd = folder_open(out(f, "missing"), false, &err);
	assert_int_equal(fd, -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err.s, "missing: No such file"));
	buf_release(&err);
}

static void test_folder__refuses_a_link_at_any_depth(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	plant(f, "weeks");
	assert_int_equal(folder_open(out(f, "weeks"), false, &err), -1);
	assert_int_equal(errno, ELOOP);
	assert_refused(f, &err, "weeks");
	buf_reset(&err);
	assert_int_equal(folder_open(out(f, "weeks/2026-W47"), true, &err), -1);
	assert_refused(f, &err, "weeks");
	buf_reset(&err);
	mkdir(out(f, "site"), 0777);
	plant(f, "site/butler");
	assert_int_equal(folder_open(out(f, "site/butler/x"), true, &err), -1);
	assert_refused(f, &err, "site/butler");
	buf_reset(&err);
	/* ".." cannot climb out of the root either. */
	assert_int_equal(folder_open(out(f, "site/../.."), false, &err), -1);
	assert_int_equal(errno, EINVAL);
	buf_release(&err);
}

static void test_folder__the_root_itself_may_be_a_link(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, link = BUF_INIT;
	int fd;

	buf_addf(&link, "%s/output-link", f->root);
	assert_int_equal(symlink(f->output, link.s), 0);
	folder_set_root(link.s);
	buf_adds(&link, "/weeks/");
	fd = folder_open(link.s, true, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(tmpdir_ls(f->output), "weeks");
	buf_release(&link);
	buf_release(&err);
}

static void test_folder__paths_outside_the_root_resolve_as_before(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, path = BUF_INIT;
	int fd;

	buf_addf(&path, "%s/elsewhere", f->root);
	assert_int_equal(symlink(f->outside, path.s), 0);
	buf_adds(&path, "/sub");
	fd = folder_open(path.s, true, &err);
	assert_true(fd >= 0);
	close(fd);
	assert_string_equal(tmpdir_ls(f->outside), "sub");
	buf_release(&path);
	buf_release(&err);
}

static void test_folder__outfile_and_mkdir_p_refuse_links(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	struct outfile of;

	plant(f, "records");
	assert_int_equal(outfile_open(&of, out(f, "records/tickets.bin"), &err),
			 -1);
	assert_refused(f, &err, "records");
	buf_reset(&err);
	assert_int_equal(outfile_write_all(out(f, "records/summary.json"), "{}",
					   2, &err), -1);
	assert_refused(f, &err, "records");
	buf_reset(&err);
	assert_int_equal(mkdir_p(out(f, "records/sub"), &err), -1);
	assert_refused(f, &err, "records");
	/* A regular file at the top is still fine. */
	buf_reset(&err);
	assert_int_equal(outfile_write_all(out(f, "run.json"), "{}", 2, &err), 0);
	buf_release(&err);
}

static void test_folder__weekdir_refuses_links(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	struct weekdir wd;

	plant(f, "weeks");
	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), -1);
	assert_refused(f, &err, "weeks");
	buf_reset(&err);
	assert_int_equal(stagedir_begin(&wd, out(f, "weeks"), "x", &err), -1);
	assert_refused(f, &err, "weeks");
	buf_reset(&err);
	/* remove_tree never reaches into a linked folder. */
	assert_int_equal(mkdir(out(f, "../outside/2026-W01"), 0777), 0);
	assert_int_equal(remove_tree(out(f, "weeks/2026-W01"), &err), -1);
	assert_non_null(strstr(err.s, "a symbolic link below the output"));
	assert_string_equal(tmpdir_ls(f->outside), "2026-W01");
	assert_false(weekdir_is_issued(f->output, "2026-W01"));
	buf_release(&err);
}

static void test_folder__weekdir_publish_renames_within_the_parent(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, name = BUF_INIT;
	struct weekdir wd;

	assert_int_equal(weekdir_begin(&wd, f->output, "2026-W47", &err), 0);
	buf_addf(&name, "%s/metrics.json", wd.stage_path);
	assert_int_equal(outfile_write_all(name.s, "x", 1, &err), 0);
	assert_int_equal(weekdir_mark_issued(&wd, 0, &err), 0);
	assert_int_equal(weekdir_publish(&wd, &err), 0);
	assert_true(weekdir_is_issued(f->output, "2026-W47"));
	/* The week folder swapped for a link: is_issued does not look through. */
	buf_reset(&name);
	buf_addf(&name, "%s/2026-W47", f->outside);
	assert_int_equal(rename(out(f, "weeks/2026-W47"), name.s), 0);
	plant(f, "weeks/2026-W47");
	assert_false(weekdir_is_issued(f->output, "2026-W47"));
	assert_string_equal(tmpdir_ls(name.s), ".issued metrics.json");
	buf_release(&name);
	buf_release(&err);
}

static void test_folder__retention_never_deletes_through_a_link(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	struct string_list removed = { 0 };
	static const char *const weeks[] = { "2026-W01", "2026-W02", "2026-W03" };
	size_t i;

	for (i = 0; i < 3; i++) {
		buf_reset(&err);
		buf_addf(&err, "%s/%s", f->outside, weeks[i]);
		assert_int_equal(mkdir(err.s, 0777), 0);
	}
	buf_reset(&err);
	plant(f, "weeks");
	assert_int_equal(retention_apply(f->output, 1, &removed, &err), -1);
	assert_non_null(strstr(err.s, "weeks: a symbolic link below the output"));
	assert_int_equal(removed.nr, 0);
	assert_string_equal(tmpdir_ls(f->outside), "2026-W01 2026-W02 2026-W03");
	string_list_clear(&removed);
	buf_release(&err);
}

static void test_folder__runlog_refuses_a_linked_logs_folder(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;
	struct runlog rl;

	plant(f, "logs");
	assert_int_equal(runlog_open(&rl, f->output, 0, &err), -1);
	assert_refused(f, &err, "logs");
	runlog_close(&rl);
	buf_release(&err);
}

static void test_folder__refuse_links_finds_the_first_link_in_order(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT;

	assert_int_equal(folder_refuse_links(f->output, &err), 0);
	mkdir(out(f, "weeks"), 0777);
	mkdir(out(f, "weeks/2026-W47"), 0777);
	assert_int_equal(outfile_write_all(out(f, "weeks/2026-W47/a.pdf"), "x",
					   1, &err), 0);
	assert_int_equal(folder_refuse_links(f->output, &err), 0);
	plant(f, "weeks/2026-W47/z");
	plant(f, "weeks/2026-W47/b");
	assert_int_equal(folder_refuse_links(f->output, &err), -1);
	assert_int_equal(errno, ELOOP);
	assert_refused(f, &err, "weeks/2026-W47/b");
	buf_reset(&err);
	assert_int_equal(folder_refuse_links(out(f, "missing"), &err), 0);
	buf_release(&err);
}

/*
 * Issue 13: what a command reads back from the output folder (records/,
 * a week's JSON) is opened without following a link, also one swapped
 * in after the up-front folder_refuse_links(): its last component too.
 */
static void test_folder__reads_records_through_no_link(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, target = BUF_INIT;
	struct ticket_set set;
	struct diag d;
	FILE *fp;

	buf_addf(&target, "%s/secret.json", f->root);
	assert_int_equal(outfile_write_all(target.s, "{}", 2, &err), 0);
	mkdir(out(f, "weeks"), 0777);
	assert_int_equal(outfile_write_all(out(f, "weeks/m.json"), "{}", 2,
					   &err), 0);
	fp = folder_fopen_read(out(f, "weeks/m.json"), &err);
	assert_non_null(fp);
	fclose(fp);
	mkdir(out(f, "records"), 0777);
	assert_int_equal(symlink(target.s, out(f, "records/summary.json")), 0);
	assert_null(folder_fopen_read(out(f, "records/summary.json"), &err));
	assert_int_equal(errno, ELOOP);
	assert_non_null(strstr(err.s, "records/summary.json: a symbolic link "
			       "below the output folder"));
	buf_reset(&err);
	/* records_read() says so, and reads nothing of the target. */
	ticket_set_init(&set);
	diag_init(&d);
	assert_int_equal(records_read(&set, out(f, "records"), &d), -1);
	assert_true(d.nr >= 1);
	assert_non_null(strstr(d.entries[0].message, "a symbolic link below "
			       "the output folder; huifang does not follow it"));
	diag_release(&d);
	ticket_set_release(&set);
	/* A linked folder above the file is refused as well. */
	plant(f, "findings");
	assert_null(folder_fopen_read(out(f, "findings/summary.json"), &err));
	assert_int_equal(errno, ELOOP);
	assert_refused(f, &err, "findings");
	buf_reset(&err);
	/* Outside the root a link is followed, as fopen() does. */
	buf_reset(&f->path);
	buf_addf(&f->path, "%s/link.json", f->root);
	assert_int_equal(symlink(target.s, f->path.s), 0);
	fp = folder_fopen_read(f->path.s, &err);
	assert_non_null(fp);
	fclose(fp);
	buf_release(&target);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_folder__opens_and_creates_below_the_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__refuses_a_link_at_any_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__the_root_itself_may_be_a_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__paths_outside_the_root_resolve_as_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__outfile_and_mkdir_p_refuse_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__weekdir_refuses_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__weekdir_publish_renames_within_the_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__retention_never_deletes_through_a_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__runlog_refuses_a_linked_logs_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__refuse_links_finds_the_first_link_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder__reads_records_through_no_link, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
