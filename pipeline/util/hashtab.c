/*
 * hashtab.c - growing the open-addressing tables of hashtab.h.
 *
 * Growth is the only part that is not the caller's inline probe loop: a
 * new zeroed array of twice the slots, and every full slot moved, in
 * slot order, to the first empty slot of its probe sequence.
 */
#include <stdlib.h>
#include <string.h>

#include "util/hashtab.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Whether a slot's bytes are all zero. */
static int slot_empty(const unsigned char *s, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (s[i])
			return 0;
	return 1;
}

static void grow(struct hashtab *t)
{
	struct hashtab grown = *t;
	size_t j, i;

	grown.cap = t->cap ? 2 * t->cap : t->min_cap;
	grown.slots = xcalloc(grown.cap, t->size);
	for (j = 0; j < t->cap; j++) {
		const unsigned char *s = hashtab_at(t, j);

		if (slot_empty(s, t->size))
			continue;
		i = hashtab_start(&grown, t->rehash(s));
		while (!slot_empty(hashtab_at(&grown, i), t->size))
			i = hashtab_next(&grown, i);
		memcpy(hashtab_at(&grown, i), s, t->size);
	}
	free(t->slots);
	*t = grown;
}

void hashtab_reserve(struct hashtab *t)
{
	if (t->n * 2 >= t->cap)
		grow(t);
}

void hashtab_reserve_dense(struct hashtab *t)
{
	/* n + 2: a table of one or two slots still keeps one empty. */
	while (t->n * 4 >= t->cap * 3 || t->n + 2 > t->cap)
		grow(t);
}

void hashtab_reserve_more(struct hashtab *t, size_t k)
{
	while ((t->n + k) * 2 >= t->cap)
		grow(t);
}

void hashtab_release(struct hashtab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = 0;
	t->n = 0;
}

uint32_t hashtab_index_rehash(const void *slot)
{
	return ((const struct hashtab_index *)slot)->hash;
}
