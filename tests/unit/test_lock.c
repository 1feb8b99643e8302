/*
 * test_lock.c - the run lock: one holder per output folder, a second run
 * refused at once with the holder's pid and start time, and a lock held
 * by a killed process released by the kernel. The "other run" is always a
 * real second process (fork), since flock() locks are per open file.
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
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "ops/lock.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char output[300];
	char lockfile[350];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (tmpdir_make(f->root, sizeof(f->root), "test_lock") < 0)
		return -1;
	snprintf(f->output, sizeof(f->output), "%s/output", f->root);
	snprintf(f->lockfile, sizeof(f->lockfile), "%s/.huifang.lock",
		 f->output);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[400];

	unlink(f->lockfile);
	rmdir(f->output);
	snprintf(path, sizeof(path), "%s/file", f->root);
	unlink(path);
	rmdir(f->root);
	free(f);
	return 0;
}

static int64_t nov26(void)
{
	return chtime_make(2026, 11, 26, 2, 0, 1);
}

static char *slurp(const char *path)
{
	static char text[256];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	return text;
}

/*
 * Runs lock_acquire in a child process; returns its result code, busy flag
 * and message through out ("<rc> <busy> <message>").
 */
static void try_in_child(const char *output, char *out, size_t size)
{
	int fds[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct lock lk;
		struct buf err = BUF_INIT, msg = BUF_INIT;
		int rc;

		close(fds[0]);
		rc = lock_acquire(&lk, output, chtime_make(2026, 11, 26, 3, 0, 0),
				  &err);
		buf_addf(&msg, "%d %d %s", rc, lk.busy ? 1 : 0, err.s);
		if (write(fds[1], msg.s, msg.len) < 0)
			_exit(2);
		lock_release(&lk);
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < size &&
	       (n = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void test_lock__creates_folder_and_records_pid_and_start(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, want = BUF_INIT;

	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), 0);
	assert_string_equal(err.s, "");
	assert_false(lk.busy);
	buf_addf(&want, "%ld 2026-11-26 02:00:01\n", (long)getpid());
	assert_string_equal(slurp(f->lockfile), want.s);
	lock_release(&lk);
	/* Released: the file stays, emptied, so no dead pid is shown. */
	assert_string_equal(slurp(f->lockfile), "");
	assert_int_equal(lk.fd, -1);
	buf_release(&err);
	buf_release(&want);
}

static void test_lock__second_run_is_refused_naming_the_holder(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, want = BUF_INIT;
	char got[512];

	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), 0);
	try_in_child(f->output, got, sizeof(got));
	buf_addf(&want, "-1 1 another huifang run (pid %ld, started "
		 "2026-11-26 02:00:01) holds %s", (long)getpid(), f->lockfile);
	assert_string_equal(got, want.s);
	/* The refused run did not disturb the holder's record. */
	buf_reset(&want);
	buf_addf(&want, "%ld 2026-11-26 02:00:01\n", (long)getpid());
	assert_string_equal(slurp(f->lockfile), want.s);
	lock_release(&lk);
	buf_release(&err);
	buf_release(&want);
}

static void test_lock__release_lets_the_next_run_in(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT;
	char got[512];

	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), 0);
	lock_release(&lk);
	try_in_child(f->output, got, sizeof(got));
	assert_string_equal(got, "0 0 ");
	buf_release(&err);
}

static void test_lock__killed_holder_does_not_block(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, want = BUF_INIT;
	int ready[2];
	pid_t holder;
	char c;

	assert_int_equal(pipe(ready), 0);
	holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		struct lock mine;
		struct buf e = BUF_INIT;

		close(ready[0]);
		if (lock_acquire(&mine, f->output, nov26(), &e) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);

	/* While it lives, we are refused and told who holds it. */
	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), -1);
	assert_true(lk.busy);
	buf_addf(&want, "another huifang run (pid %ld, started 2026-11-26 "
		 "02:00:01) holds %s", (long)holder, f->lockfile);
	assert_string_equal(err.s, want.s);

	/* SIGKILL gives it no chance to clean up; the kernel does. */
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	buf_reset(&err);
	assert_int_equal(lock_acquire(&lk, f->output,
				      chtime_make(2026, 11, 27, 2, 0, 0), &err), 0);
	buf_reset(&want);
	buf_addf(&want, "%ld 2026-11-27 02:00:00\n", (long)getpid());
	assert_string_equal(slurp(f->lockfile), want.s);
	lock_release(&lk);
	buf_release(&err);
	buf_release(&want);
}

static void test_lock__empty_lock_file_of_a_holder_still_refuses(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, want = BUF_INIT;
	char got[512];
	int fd;

	/*
	 * A holder that has locked but not yet written its line (simulated
	 * here by emptying the file behind our own lock's back) is described
	 * without pid and start rather than waited for.
	 */
	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), 0);
	fd = open(f->lockfile, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	close(fd);
	try_in_child(f->output, got, sizeof(got));
	buf_addf(&want, "-1 1 another huifang run holds %s", f->lockfile);
	assert_string_equal(got, want.s);
	lock_release(&lk);
	buf_release(&err);
	buf_release(&want);
}

static void test_lock__unusable_folder_is_an_error_not_busy(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, out = BUF_INIT;
	FILE *fp;

	/* The output "folder" lies under a regular file: ENOTDIR, even as root. */
	buf_addf(&out, "%s/file", f->root);
	fp = fopen(out.s, "w");
	assert_non_null(fp);
	fclose(fp);
	buf_adds(&out, "/output");
	assert_int_equal(lock_acquire(&lk, out.s, nov26(), &err), -1);
	assert_false(lk.busy);
	assert_non_null(strstr(err.s, "Not a directory"));
	assert_int_equal(lk.fd, -1);
	buf_release(&err);
	buf_release(&out);
}

static void test_lock__does_not_follow_a_symlinked_lock_file(void **state)
{
	struct fixture *f = *state;
	struct lock lk;
	struct buf err = BUF_INIT, target = BUF_INIT;

	/* A planted symlink must not make us truncate its target. */
	assert_int_equal(mkdir(f->output, 0777), 0);
	buf_addf(&target, "%s/file", f->root);
	fclose(fopen(target.s, "w"));
	assert_int_equal(symlink(target.s, f->lockfile), 0);
	assert_int_equal(lock_acquire(&lk, f->output, nov26(), &err), -1);
	assert_false(lk.busy);
	assert_non_null(strstr(err.s, f->lockfile));
	buf_release(&err);
	buf_release(&target);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lock__creates_folder_and_records_pid_and_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__second_run_is_refused_naming_the_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__release_lets_the_next_run_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__killed_holder_does_not_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__empty_lock_file_of_a_holder_still_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__unusable_folder_is_an_error_not_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock__does_not_follow_a_symlinked_lock_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
