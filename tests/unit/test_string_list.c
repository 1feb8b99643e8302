/*
 * test_string_list.c - the list of owned strings: items are copies, a
 * lookup matches whole strings only, and a cleared list is empty and
 * usable again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/string_list.h"

static void test_string_list__owns_copies_and_matches_whole_strings(void **state)
{
	struct string_list l = { 0 };
	char word[16] = "未接通";
	size_t i;

	(void)state;
	assert_false(string_list_has(&l, ""));
	string_list_add(&l, word);
	word[0] = 'x'; /* the list holds its own copy */
	assert_true(string_list_has(&l, "未接通"));
	assert_false(string_list_has(&l, "未接"));
	assert_false(string_list_has(&l, "未接通了"));
	for (i = 0; i < 100; i++)
		string_list_add(&l, i % 2 ? "odd" : "even");
	assert_int_equal(l.nr, 101);
	assert_string_equal(l.items[0], "未接通");
	assert_string_equal(l.items[100], "odd");
	string_list_clear(&l);
	assert_int_equal(l.nr, 0);
	assert_null(l.items);
	assert_false(string_list_has(&l, "odd"));
	string_list_add(&l, "");
	assert_true(string_list_has(&l, ""));
	string_list_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_list__owns_copies_and_matches_whole_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
