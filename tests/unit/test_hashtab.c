/*
 * test_hashtab.c - the open-addressing table: entries survive growth
 * (the table stays at most half full, or three quarters when dense), colliding hashes probe on and wrap
 * around the end, a released table is empty, and room made for several
 * adds at once keeps the slots in place while they are made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/hashtab.h"

struct slot {
	uint32_t key;   /* 0: empty */
	uint32_t value;
};

/* Few distinct hashes, so that most keys collide. */
static uint32_t key_hash(uint32_t key)
{
	return key % 7 + 0xfffffff7u;
}

static uint32_t slot_rehash(const void *s)
{
	return key_hash(((const struct slot *)s)->key);
}

/* The slot of key: its own, or the empty one where it would go. */
static struct slot *probe(struct hashtab *t, uint32_t key)
{
	struct slot *s;
	size_t i;

	for (i = hashtab_start(t, key_hash(key)); (s = hashtab_at(t, i))->key;
	     i = hashtab_next(t, i))
		if (s->key == key)
			return s;
	return s;
}

static void test_hashtab__keeps_every_entry_through_growth(void **state)
{
	struct hashtab t = HASHTAB_INIT(sizeof(struct slot), 4, slot_rehash);
	struct slot *s;
	uint32_t k;

	(void)state;
	assert_int_equal(t.cap, 0);
	for (k = 1; k <= 1000; k++) {
		hashtab_reserve(&t);
		s = probe(&t, k);
		assert_int_equal(s->key, 0);
		s->key = k;
		s->value = k * 3;
		t.n++;
		assert_true(t.n * 2 <= t.cap);
	}
	assert_int_equal(t.cap, 2048);
	for (k = 1; k <= 1000; k++) {
		s = probe(&t, k);
		assert_int_equal(s->key, k);
		assert_int_equal(s->value, k * 3);
	}
	assert_int_equal(probe(&t, 1001)->key, 0);
	hashtab_release(&t);
	assert_null(t.slots);
	assert_int_equal(t.cap, 0);
	assert_int_equal(t.n, 0);
	/* Usable again, from its first size. */
	hashtab_reserve(&t);
	assert_int_equal(t.cap, 4);
	hashtab_release(&t);
}

static void test_hashtab__probes_wrap_around_the_end(void **state)
{
	struct hashtab t = HASHTAB_INIT(sizeof(struct slot), 8, slot_rehash);
	struct slot *s;

	(void)state;
	hashtab_reserve(&t);
	/* 7, 14 and 21 hash alike, to the last slot of eight. */
	assert_int_equal(hashtab_start(&t, key_hash(7)), 7);
	for (uint32_t k = 7; k <= 21; k += 7) {
		s = probe(&t, k);
		s->key = k;
		t.n++;
	}
	assert_int_equal(((struct slot *)hashtab_at(&t, 7))->key, 7);
	assert_int_equal(((struct slot *)hashtab_at(&t, 0))->key, 14);
	assert_int_equal(((struct slot *)hashtab_at(&t, 1))->key, 21);
	assert_int_equal(probe(&t, 21)->key, 21);
	hashtab_release(&t);
}

/*
 * A dense table holds 700 entries in 1,024 slots (hashtab_reserve() takes
 * 2,048), never more than three quarters full, every entry found after
 * each growth; one slot is always left empty, even in a table of one.
 */
static void test_hashtab__dense_table_is_at_most_three_quarters_full(
	void **state)
{
	struct hashtab t = HASHTAB_INIT(sizeof(struct slot), 1, slot_rehash);
	struct slot *s;
	uint32_t k, j;

	(void)state;
	for (k = 1; k <= 700; k++) {
		hashtab_reserve_dense(&t);
		s = probe(&t, k);
		assert_int_equal(s->key, 0);
		s->key = k;
		s->value = k * 3;
		t.n++;
		assert_true(t.n * 4 <= t.cap * 3 || t.n < 2);
		assert_true(t.n < t.cap);
		for (j = 1; j <= k; j += 97)
			assert_int_equal(probe(&t, j)->value, j * 3);
	}
	assert_int_equal(t.cap, 1024);
	for (k = 1; k <= 700; k++)
		assert_int_equal(probe(&t, k)->value, k * 3);
	assert_int_equal(probe(&t, 701)->key, 0);
	hashtab_release(&t);
}

/*
 * After hashtab_reserve_more(t, k), k adds (each after its own
 * hashtab_reserve()) leave the array where it is: a slot pointer taken
 * before them still holds its entry. Checked at every fill from empty.
 */
static void test_hashtab__reserve_more_keeps_slots_in_place(void **state)
{
	struct hashtab t = HASHTAB_INIT(sizeof(struct slot), 4, slot_rehash);
	struct slot *held;
	uint32_t k = 1, j;

	(void)state;
	hashtab_reserve(&t);
	held = probe(&t, k);
	held->key = k++;
	t.n++;
	while (k < 600) {
		void *slots;

		hashtab_reserve_more(&t, 8);
		assert_true((t.n + 8) * 2 < t.cap);
		slots = t.slots;
		held = probe(&t, 1);
		for (j = 0; j < 8; j++) {
			struct slot *s;

			hashtab_reserve(&t);
			s = probe(&t, k);
			s->key = k++;
			t.n++;
		}
		assert_ptr_equal(t.slots, slots);
		assert_int_equal(held->key, 1);
	}
	hashtab_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashtab__keeps_every_entry_through_growth),
		cmocka_unit_test(test_hashtab__probes_wrap_around_the_end),
		cmocka_unit_test(test_hashtab__dense_table_is_at_most_three_quarters_full),
		cmocka_unit_test(test_hashtab__reserve_more_keeps_slots_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
