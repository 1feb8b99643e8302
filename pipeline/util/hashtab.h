/*
 * hashtab.h - the one open-addressing hash table, over the caller's slots.
 *
 * huifang's tables (interned strings, the records' string tables, ticket
 * numbers, pages of the site, remarks) differ only in what a slot holds:
 * the array, its growth and the probe sequence are here; the slot type,
 * the hash and the comparison stay with the caller, so that the probe
 * loop is the caller's own inline code, with no call per step.
 *
 * A table is an array of cap slots of size bytes (cap a power of two,
 * kept at most half full, or three quarters, so a probe always ends at
 * an empty slot). A
 * slot whose bytes are all zero is empty: a full slot must never be all
 * zero (it holds a non-NULL pointer, or an index + 1). Linear probing:
 *
 *   static struct hashtab t = HASHTAB_INIT(sizeof(struct s), 1024, s_hash);
 *   hashtab_reserve(&t);                  -- before a lookup that may add
 *   for (i = hashtab_start(&t, h); (s = hashtab_at(&t, i))->key;
 *        i = hashtab_next(&t, i))
 *           if (equal(s, key)) return s;
 *   ... fill *s (the empty slot where the key goes) ... t.n++;
 *
 * hashtab_reserve() grows the array (double, or min_cap the first time)
 * when n reaches half of cap (hashtab_reserve_dense(): three quarters,
 * for a table big enough that its memory counts more than its probes), moving every slot to its place in the new
 * array by the hash that rehash() gives for it; slot pointers are then
 * stale. A table that was never reserved has cap 0: look nothing up in
 * it. hashtab_release() frees the array; the slots' contents are the
 * caller's.
 */
#ifndef HUIFANG_HASHTAB_H
#define HUIFANG_HASHTAB_H

#include <stddef.h>
#include <stdint.h>

struct hashtab {
	void *slots;
	size_t size;    /* bytes per slot */
	size_t cap;     /* slots: 0, or a power of two */
	size_t n;       /* full slots; the caller counts its adds */
	size_t min_cap; /* the first cap (a power of two) */
	uint32_t (*rehash)(const void *slot); /* the hash of a full slot */
};

#define HASHTAB_INIT(size, min_cap, rehash) \
	{ NULL, (size), 0, 0, (min_cap), (rehash) }

/*
 * The slot of a table that indexes an array kept by the caller: the
 * entry's hash and its index + 1 (0: an empty slot), with its rehash.
 * For tables of names whose strings live elsewhere (a header's names,
 * a JSON file's keys).
 */
struct hashtab_index {
	uint32_t hash;
	uint32_t index1;
};
uint32_t hashtab_index_rehash(const void *slot);

/* Makes room for one more slot, as above. */
void hashtab_reserve(struct hashtab *t);
/*
 * The same, for a table kept at most three quarters full: half the
 * memory of hashtab_reserve() at some sizes, for longer probes (ingest's
 * table of ticket numbers, docs/bench.md, Memory). Use one or the other
 * for a table, not both.
 */
void hashtab_reserve_dense(struct hashtab *t);
/*
 * Makes room for k more slots at once: the next k adds, each after its
 * hashtab_reserve(), leave the array where it is, so slot pointers taken
 * in between stay good.
 */
void hashtab_reserve_more(struct hashtab *t, size_t k);
/* Frees the slots; t is then empty, with the same slot type. */
void hashtab_release(struct hashtab *t);

/* The first slot to look at for hash h; cap must not be 0. */
static inline size_t hashtab_start(const struct hashtab *t, uint32_t h)
{
	return h & (t->cap - 1);
}

/* The slot after i, wrapping around. */
static inline size_t hashtab_next(const struct hashtab *t, size_t i)
{
	return (i + 1) & (t->cap - 1);
}

/* Slot i. */
static inline void *hashtab_at(const struct hashtab *t, size_t i)
{
	return (char *)t->slots + i * t->size;
}

#endif
