/*
 * test_outfile.c - atomic output files: a committed file replaces the
 * previous one whole, with the umask's mode; a failed one (a full disk,
 * an over-long file, a rollback) leaves the previous file untouched and
 * no temporary file behind, and says why with the path.
 *
 * The full-disk case runs, alone, on a real full file system when
 * HUIFANG_FULLDISK_DIR names an empty, small one (tests/e2e/fulldisk.sh
 * mounts a tmpfs in a user namespace for it, and is skipped where it
 * cannot); without it the other cases run, and the same failure path is
 * exercised with a file size limit (RLIMIT_FSIZE, which makes write()
 * fail with EFBIG), which needs no privileges at all.
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
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/outfile.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_outfile") < 0)
		return -1;
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

/* Number of entries in dir other than . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_outfile__commit_replaces_the_file_whole(void **state)
{
	struct fixture *f = *state;
	struct outfile of;
	struct buf err = BUF_INIT, path = BUF_INIT;
	mode_t old = umask(027);
	struct stat st;

	buf_addf(&path, "%s/metrics.json", f->root);
	assert_int_equal(outfile_write_all(path.s, "old\n", 4, &err), 0);
	assert_int_equal(outfile_open(&of, path.s, &err), 0);
	/* The temporary file is a hidden sibling; the final file is as before. */
	assert_ptr_equal(strstr(of.tmp_path, f->root), of.tmp_path);
	assert_non_null(strstr(of.tmp_path, "/.metrics.json.tmp-"));
	assert_int_equal(outfile_write(&of, "new\n", 4), 0);
	assert_string_equal(slurp(path.s), "old\n");
	assert_int_equal(outfile_commit(&of, &err), 0);
	assert_string_equal(err.s, "");
	assert_string_equal(slurp(path.s), "new\n");
	assert_int_equal(entries(f->root), 1);
	assert_int_equal(stat(path.s, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	umask(old);
	buf_release(&err);
	buf_release(&path);
}

static void test_outfile__rollback_keeps_the_previous_file(void **state)
{
	struct fixture *f = *state;
	struct outfile of;
	struct buf err = BUF_INIT, path = BUF_INIT;

	buf_addf(&path, "%s/report.pdf", f->root);
	assert_int_equal(outfile_write_all(path.s, "v1", 2, &err), 0);
	assert_int_equal(outfile_open(&of, path.s, &err), 0);
	outfile_write(&of, "half", 4);
	outfile_rollback(&of);
	assert_string_equal(slurp(path.s), "v1");
	assert_int_equal(entries(f->root), 1);
	buf_release(&err);
	buf_release(&path);
}

static void test_outfile__replaces_a_symlink_not_its_target(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, path = BUF_INIT, target = BUF_INIT;
	struct stat st;

	buf_addf(&target, "%s/elsewhere", f->root);
	assert_int_equal(outfile_write_all(target.s, "precious", 8, &err), 0);
	buf_addf(&path, "%s/index.html", f->root);
	assert_int_equal(symlink(target.s, path.s), 0);
	assert_int_equal(outfile_write_all(path.s, "<html>", 6, &err), 0);
	assert_int_equal(lstat(path.s, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_string_equal(slurp(path.s), "<html>");
	assert_string_equal(slurp(target.s), "precious");
	buf_release(&err);
	buf_release(&path);
	buf_release(&target);
}

static void test_outfile__unwritable_folder_names_path_and_cause(void **state)
{
	struct fixture *f = *state;
	struct outfile of;
	struct buf err = BUF_INIT, path = BUF_INIT;

	buf_addf(&path, "%s/missing/metrics.json", f->root);
	assert_int_equal(outfile_open(&of, path.s, &err), -1);
	buf_addf(&path, ": No such file or directory");
	assert_string_equal(err.s, path.s);
	assert_null(of.fp);
	buf_release(&err);
	buf_release(&path);
}

static void test_outfile__mkdir_p_refuses_a_file_in_the_way(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, path = BUF_INIT;

	buf_addf(&path, "%s/a/b/c", f->root);
	assert_int_equal(mkdir_p(path.s, &err), 0);
	assert_int_equal(mkdir_p(path.s, &err), 0);
	buf_addf(&path, "/file");
	assert_int_equal(outfile_write_all(path.s, "x", 1, &err), 0);
	buf_addf(&path, "/d");
	assert_int_equal(mkdir_p(path.s, &err), -1);
	assert_non_null(strstr(err.s, "/c/file: Not a directory"));
	buf_release(&err);
	buf_release(&path);
}

/*
 * Writes a previous version, then 256 KiB through outfile into dir, which
 * is full (or size-limited); checks the failure is clean. Returns 0 when
 * every check held, else the number of the failed check.
 */
static int write_to_full(const char *dir, const char *cause)
{
	struct outfile of;
	struct buf err = BUF_INIT, path = BUF_INIT, want = BUF_INIT;
	static char chunk[4096];
	int i, before, rc = 0;

	buf_addf(&path, "%s/metrics.json", dir);
	memset(chunk, 'x', sizeof(chunk));
	before = entries(dir);
	if (outfile_open(&of, path.s, &err) == 0) {
		for (i = 0; i < 64; i++)
			outfile_write(&of, chunk, sizeof(chunk));
		if (outfile_commit(&of, &err) != -1)
			rc = 1;
	}
	buf_addf(&want, "%s: %s", path.s, cause);
	if (!rc && strcmp(err.s, want.s))
		rc = 2;
	if (!rc && strcmp(slurp(path.s), "previous\n"))
		rc = 3;
	if (!rc && entries(dir) != before)
		rc = 4;
	buf_release(&err);
	buf_release(&path);
	buf_release(&want);
	return rc;
}

static void test_outfile__size_limit_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, path = BUF_INIT;
	int status;
	pid_t pid;

	buf_addf(&path, "%s/metrics.json", f->root);
	assert_int_equal(outfile_write_all(path.s, "previous\n", 9, &err), 0);
	/* In a child, so the limit does not apply to cmocka's own output. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 64 * 1024, 64 * 1024 };

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
			_exit(100);
		_exit(write_to_full(f->root, strerror(EFBIG)));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	buf_release(&err);
	buf_release(&path);
}

static void test_outfile__full_disk_fails_cleanly(void **state)
{
	const char *dir = getenv("HUIFANG_FULLDISK_DIR");
	struct buf err = BUF_INIT, path = BUF_INIT;
	static char chunk[4096];
	int fd;

	(void)state;
	assert_non_null(dir);
	buf_addf(&path, "%s/metrics.json", dir);
	assert_int_equal(outfile_write_all(path.s, "previous\n", 9, &err), 0);
	/* Fill the file system to the last block. */
	buf_reset(&path);
	buf_addf(&path, "%s/filler", dir);
	fd = open(path.s, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	assert_true(fd >= 0);
	memset(chunk, 'f', sizeof(chunk));
	while (write(fd, chunk, sizeof(chunk)) > 0)
		;
	assert_int_equal(errno, ENOSPC);
	while (write(fd, chunk, 1) > 0)
		;
	close(fd);
	assert_int_equal(write_to_full(dir, strerror(ENOSPC)), 0);
	unlink(path.s);
	buf_release(&err);
	buf_release(&path);
}

/*
 * HUIFANG_TEST_FSYNC=0 turns the fsyncs off, and only that value: fsync on
 * a closed descriptor fails with EBADF exactly when it is really called.
 */
static void test_outfile__fsync_is_off_only_under_the_test_switch(void **state)
{
	static const char *const keeps[] = { NULL, "1", "", "no", "00" };
	const char *saved = getenv("HUIFANG_TEST_FSYNC");
	char *copy = saved ? strdup(saved) : NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keeps) / sizeof(keeps[0]); i++) {
		if (keeps[i])
			setenv("HUIFANG_TEST_FSYNC", keeps[i], 1);
		else
			unsetenv("HUIFANG_TEST_FSYNC");
		assert_true(outfile_fsync_enabled());
		errno = 0;
		assert_int_equal(outfile_fsync(-1), -1);
		assert_int_equal(errno, EBADF);
	}
	setenv("HUIFANG_TEST_FSYNC", "0", 1);
	assert_false(outfile_fsync_enabled());
	assert_int_equal(outfile_fsync(-1), 0);
	if (copy)
		setenv("HUIFANG_TEST_FSYNC", copy, 1);
	else
		unsetenv("HUIFANG_TEST_FSYNC");
	free(copy);
}

int main(void)
{
	const struct CMUnitTest full_disk[] = {
		cmocka_unit_test(test_outfile__full_disk_fails_cleanly),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outfile__commit_replaces_the_file_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outfile__rollback_keeps_the_previous_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outfile__replaces_a_symlink_not_its_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outfile__unwritable_folder_names_path_and_cause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outfile__mkdir_p_refuses_a_file_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outfile__size_limit_fails_cleanly, setup, teardown),
		cmocka_unit_test(test_outfile__fsync_is_off_only_under_the_test_switch),
	};
	const char *dir = getenv("HUIFANG_FULLDISK_DIR");

	if (dir && *dir)
		return cmocka_run_group_tests(full_disk, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
