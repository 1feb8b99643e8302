/*
 * xalloc.h - allocation that cannot fail.
 *
 * Every allocation in huifang goes through this family. On exhaustion it
 * prints one line to stderr and aborts: there is no sensible way to go on
 * with half a report, and callers stay free of NULL checks. The caller owns
 * what it gets and frees it with free().
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
