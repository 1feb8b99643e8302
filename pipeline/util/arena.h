/*
 * arena.h - one bump allocator per run for records and their strings.
 *
 * Records live as long as the run, so they are carved from large blocks and
 * freed all at once by arena_release(). arena_init() allocates nothing.
 * Nothing allocated from an arena may be passed to free().
 */
#ifndef HUIFANG_ARENA_H
#define HUIFANG_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;   /* bytes used in head */
	size_t total;  /* bytes handed out, for run statistics */
};

#define ARENA_INIT { NULL, 0, 0 }

void arena_init(struct arena *a);
void arena_release(struct arena *a);
/* Memory aligned for any type; never NULL (aborts on exhaustion). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/*
 * Moves every block of from into a, which then owns (and releases) what
 * was allocated from from; from is left empty, ready for reuse.
 */
void arena_adopt(struct arena *a, struct arena *from);

#endif
