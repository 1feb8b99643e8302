/*
 * xalloc.c - the allocation family of xalloc.h.
 *
 * Exhaustion ends the process with exit 71 (SPEC §9.31) through one path,
 * xalloc_die(): the first thread to get there takes a lock that it never
 * releases, so a second thread running out at the same moment (an ingest
 * worker beside the merge) waits instead of racing it; the command's
 * cleanup removes the run's temporary files; then (under LeakSanitizer,
 * after a leak check) _exit(71) ends every thread at once, running no
 * atexit handler beside threads that still run. Nothing half written is left behind: outfile.h only ever renames
 * a complete file into place, and the cleanup removes the temporaries.
 *
 * The injection hook counts allocations with an atomic counter, so that
 * it means the same with worker threads (the Nth allocation of the
 * process, whichever thread makes it).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define HF_HAS_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define HF_HAS_LSAN 1
#endif
#endif
#ifndef HF_HAS_LSAN
#define HF_HAS_LSAN 0
#endif
#if HF_HAS_LSAN
#include <sanitizer/lsan_interface.h>
#endif

#include "util/xalloc.h"
#include "util/banned.h"

static atomic_ulong allocations;
static atomic_ulong fail_after;          /* 0: never */
static void (*cleanup_fn)(void *);
static void *cleanup_arg;
static pthread_mutex_t dying = PTHREAD_MUTEX_INITIALIZER;
static pthread_t dying_thread;
static atomic_bool is_dying;

void xalloc_fail_after(unsigned long n)
{
	atomic_store(&allocations, 0);
	atomic_store(&fail_after, n);
}

unsigned long xalloc_count(void)
{
	return atomic_load(&allocations);
}

void xalloc_init_from_env(void)
{
	const char *v = getenv("HUIFANG_TEST_ALLOC_FAIL");
	char *end;
	unsigned long n;

	if (!v || !*v)
		return;
	n = strtoul(v, &end, 10);
	if (!*end)
		xalloc_fail_after(n);
}

void xalloc_on_exhaustion(void (*fn)(void *), void *arg)
{
	cleanup_fn = fn;
	cleanup_arg = arg;
}

/*
 * Under LeakSanitizer (the sanitized build), the out-of-memory path is
 * checked for leaks like any other exit: _exit() runs no atexit handler,
 * so the check is asked for here. What the dying run still holds is
 * reachable from its stacks and globals and is not a leak; a block
 * nothing points to is, and the sanitizer then reports it and exits 23,
 * which the allocation-failure tests (tests/e2e/alloc.sh) catch.
 */
static void leak_check(void)
{
#if HF_HAS_LSAN
	__lsan_do_leak_check();
#endif
}

_Noreturn void xalloc_die(size_t size)
{
	/*
	 * The cleanup itself allocates: should that fail too, on the same
	 * thread, there is nothing left to try but the exit.
	 */
	if (atomic_load(&is_dying) &&
	    pthread_equal(dying_thread, pthread_self()))
		_exit(71);
	pthread_mutex_lock(&dying);
	dying_thread = pthread_self();
	atomic_store(&is_dying, true);
	fprintf(stderr, "huifang: out of memory allocating %zu bytes; "
		"nothing was published, the run's temporary files are "
		"removed\n", size);
	fflush(stderr);
	if (cleanup_fn)
		cleanup_fn(cleanup_arg);
	leak_check();
	_exit(71);
}

/*
 * True when this allocation is the one the hook fails. Allocations made
 * while dying are never failed on purpose: the cleanup should run.
 */
static bool injected(void)
{
	unsigned long n = atomic_load(&fail_after);

	if (!n || atomic_load(&is_dying))
		return false;
	return atomic_fetch_add(&allocations, 1) + 1 >= n;
}

void *xalloc_hook_malloc(size_t size)
{
	return injected() ? NULL : malloc(size ? size : 1);
}

void *xalloc_hook_realloc(void *ptr, size_t size)
{
	return injected() ? NULL : realloc(ptr, size ? size : 1);
}

void *xmalloc(size_t size)
{
	void *p = xalloc_hook_malloc(size);

	if (!p)
		xalloc_die(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = injected() ? NULL : calloc(nmemb ? nmemb : 1,
					     size ? size : 1);

	if (!p)
		xalloc_die(nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = xalloc_hook_realloc(ptr, size);

	if (!p)
		xalloc_die(size);
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	return xrealloc(ptr, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
