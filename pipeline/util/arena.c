/*
 * arena.c - bump allocation in blocks of at least 1 MiB.
 *
 * A request larger than a quarter block gets a block of its own, inserted
 * behind the head so that the head's free space is not wasted.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BLOCK_SIZE ((size_t)1 << 20)

struct arena_block {
	struct arena_block *next;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	arena_init(a);
}

static struct arena_block *new_block(size_t size)
{
	struct arena_block *b = xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->size = size;
	return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	size_t off;

	size = (size + align - 1) & ~(align - 1);
	if (!size)
		size = align;
	a->total += size;
	if (size > BLOCK_SIZE / 4) {
		struct arena_block *b = new_block(size);

		if (a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			a->head = b;
			a->used = size;
		}
		return b->data;
	}
	off = (a->used + align - 1) & ~(align - 1);
	if (!a->head || off + size > a->head->size) {
		struct arena_block *b = new_block(BLOCK_SIZE);

		b->next = a->head;
		a->head = b;
		off = 0;
	}
	a->used = off + size;
	return a->head->data + off;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p;

	/* Strings need no alignment: take them byte-exact from the head. */
	if (a->head && a->used + n + 1 <= a->head->size) {
		p = (char *)a->head->data + a->used;
		a->used += n + 1;
		a->total += n + 1;
	} else {
		p = arena_alloc(a, n + 1);
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_adopt(struct arena *a, struct arena *from)
{
	struct arena_block *b = from->head, *tail;

	if (!b)
		return;
	if (!a->head) {
		*a = *from;
		arena_init(from);
		return;
	}
	/* Behind a's head, so that the head's free space stays in use. */
	for (tail = b; tail->next; tail = tail->next)
		;
	tail->next = a->head->next;
	a->head->next = b;
	a->total += from->total;
	arena_init(from);
}
