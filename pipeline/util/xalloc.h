/*
 * xalloc.h - allocation that cannot fail.
 *
 * Every allocation in huifang goes through this family (and so do
 * cJSON's, expat's and libcsv's, through their allocator hooks; libharu,
 * libzip and libxlsxwriter allocate on their own). On exhaustion it
 * prints one line to stderr, calls the cleanup the command registered
 * (which removes the run's temporary files) and exits 71 (EX_OSERR,
 * SPEC §9.31): there is no sensible way to go on with half a report, and
 * callers stay free of NULL checks. A second thread running out at the
 * same moment waits for the first to finish the exit. The caller owns
 * what it gets and frees it with free().
 *
 * Failure injection (SQLite's habit): xalloc_fail_after(n) makes the nth
 * allocation from now fail as if memory had run out, and every one after
 * it; the binary reads n from HUIFANG_TEST_ALLOC_FAIL at start
 * (xalloc_init_from_env()). tests/e2e/alloc.sh fails each allocation of a
 * small run in turn.
 */
#ifndef HUIFANG_XALLOC_H
#define HUIFANG_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array of nmemb elements of size bytes; checks the product. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Ends the process as out of memory (see above); never returns. */
_Noreturn void xalloc_die(size_t size);
/* Registers the cleanup xalloc_die() calls (one; the last one wins). */
void xalloc_on_exhaustion(void (*fn)(void *), void *arg);

/* malloc and realloc that count for the injection and may return NULL:
 * for the libraries' hooks that handle NULL themselves. */
void *xalloc_hook_malloc(size_t size);
void *xalloc_hook_realloc(void *ptr, size_t size);

/* The injection hook: fail allocation n from now on (0: never). */
void xalloc_fail_after(unsigned long n);
/* Allocations counted since the hook was last set. */
unsigned long xalloc_count(void);
/* Sets the hook from HUIFANG_TEST_ALLOC_FAIL, when that is a number. */
void xalloc_init_from_env(void);

/* Grow *cap so that it holds at least need elements (doubling). */
#define ALLOC_GROW(ptr, need, cap)                                          \
	do {                                                                \
		if ((need) > (cap)) {                                       \
			size_t alloc_grow_n_ = (cap) ? (cap) : 16;          \
			while (alloc_grow_n_ < (need))                      \
				alloc_grow_n_ *= 2;                         \
			(ptr) = xreallocarray((ptr), alloc_grow_n_,         \
					      sizeof(*(ptr)));              \
			(cap) = alloc_grow_n_;                              \
		}                                                           \
	} while (0)

#endif
