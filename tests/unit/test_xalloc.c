/*
 * test_xalloc.c - the out-of-memory path (xalloc.h): exit 71 with one
 * line, the cleanup run; and, in the sanitized build, a leak check on that
 * path (it ends in _exit(), which skips LeakSanitizer's own check at
 * exit), so that a block lost before memory ran out is reported (issue
 * 13). Each case runs in a child process, since the path ends it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LSAN 1
#endif
#endif
#ifndef LSAN
#define LSAN 0
#endif

static int cleaned;

static void cleanup(void *arg)
{
	(void)arg;
	cleaned = 1;
	fputs("cleanup ran\n", stderr);
}

/* A block no pointer reaches once this returns. */
static void __attribute__((noinline)) lose_a_block(void)
{
	volatile char *p = malloc(4096);

	if (p)
		p[0] = 1;
	p = NULL;
}

/*
 * Runs the out-of-memory path in a child (leaking a block first when
 * leak is set); returns its wait status and its stderr in err.
 */
static int die_in_child(int leak, char *err, size_t size)
{
	int fds[2], status = 0;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		if (leak)
			lose_a_block();
		xalloc_on_exhaustion(cleanup, NULL);
		xalloc_fail_after(1);
		(void)xmalloc(64);
		_exit(0);       /* not reached */
	}
	close(fds[1]);
	while (got + 1 < size &&
	       (n = read(fds[0], err + got, size - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_xalloc__exhaustion_exits_71_after_the_cleanup(void **state)
{
	static char err[65536];
	int status;

	(void)state;
	status = die_in_child(0, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 71);
	assert_non_null(strstr(err, "huifang: out of memory allocating 64 "
			       "bytes"));
	assert_non_null(strstr(err, "cleanup ran"));
	assert_null(strstr(err, "LeakSanitizer"));
}

static void test_xalloc__exhaustion_path_is_leak_checked(void **state)
{
	static char err[65536];
	int status;

	(void)state;
	if (!LSAN)
		skip();         /* only the sanitized build has the check */
	status = die_in_child(1, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 71);
	assert_non_null(strstr(err, "LeakSanitizer: detected memory leaks"));
	assert_non_null(strstr(err, "4096 byte(s) leaked"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xalloc__exhaustion_exits_71_after_the_cleanup),
		cmocka_unit_test(test_xalloc__exhaustion_path_is_leak_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
