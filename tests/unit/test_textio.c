/*
 * test_textio.c - UTF-8 validation and statistics, GB18030 conversion,
 * trimming and width folding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/textio.h"

static void test_textio__validates_utf8_strictly(void **state)
{
	size_t bad = 99;

	(void)state;
	assert_true(utf8_valid("abc 工单", strlen("abc 工单"), NULL));
	/* 0xFF can never appear; its offset is reported. */
	assert_false(utf8_valid("ab\xff", 3, &bad));
	assert_int_equal(bad, 2);
	/* An overlong '/' and a UTF-16 surrogate are not UTF-8. */
	assert_false(utf8_valid("\xc0\xaf", 2, &bad));
	assert_int_equal(bad, 0);
	assert_false(utf8_valid("x\xed\xa0\x80", 4, &bad));
	assert_int_equal(bad, 1);
	/* A character cut at the end of the text. */
	assert_false(utf8_valid("12345678\xe5\xb7", 10, &bad));
	assert_int_equal(bad, 8);
}

static void test_textio__counts_maximal_invalid_subparts(void **state)
{
	struct utf8_stats st = { 0, 0 };

	(void)state;
	/* 工 (3 bytes) valid, E5 B7 cut by 'x' counts once, then FF once. */
	utf8_stats_add(&st, "\xe5\xb7\xa5\xe5\xb7x\xff", 7, true);
	assert_int_equal(st.multibyte, 1);
	assert_int_equal(st.invalid, 2);
	assert_false(utf8_stats_is_utf8(&st));
}

static void test_textio__keeps_a_cut_sequence_for_the_next_chunk(void **state)
{
	struct utf8_stats st = { 0, 0 };
	size_t used;

	(void)state;
	used = utf8_stats_add(&st, "ab\xe5\xb7", 4, false);
	assert_int_equal(used, 2);
	assert_int_equal(st.invalid, 0);
	used = utf8_stats_add(&st, "\xe5\xb7\xa5", 3, true);
	assert_int_equal(used, 3);
	assert_int_equal(st.multibyte, 1);
}

static void test_textio__decides_utf8_at_one_invalid_per_20(void **state)
{
	struct utf8_stats st;

	(void)state;
	st.multibyte = 20;
	st.invalid = 1;
	assert_false(utf8_stats_is_utf8(&st)); /* 1 per 20 is not fewer */
	st.multibyte = 21;
	assert_true(utf8_stats_is_utf8(&st));
	st.multibyte = 0;
	st.invalid = 0;
	assert_true(utf8_stats_is_utf8(&st)); /* pure ASCII */
}

static void test_textio__converts_gb18030_and_keeps_bad_bytes(void **state)
{
	struct buf out = BUF_INIT;
	void *cd = text_gb18030_open();
	size_t bad = 0;

	(void)state;
	assert_non_null(cd);
	/* 工单 in GB18030 is B9 A4 B5 A5. */
	assert_int_equal(text_gb18030_convert(cd, "\xb9\xa4\xb5\xa5,1\r\n", 8,
					      &out, &bad), 0);
	assert_string_equal(out.s, "工单,1\r\n");
	buf_reset(&out);
	/* 0x80 and 0xFF are no GB18030 byte: kept as they are, counted. */
	assert_int_equal(text_gb18030_convert(cd, "a\x80\xb9\xa4\xff", 5, &out,
					      &bad), 2);
	assert_int_equal(bad, 1);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.s, "a\x80工\xff", 6);
	buf_release(&out);
	text_gb18030_close(cd);
}

static void test_textio__trims_ideographic_space_nbsp_and_bom(void **state)
{
	const char *s = "\xe3\x80\x80 \xc2\xa0T-1\xef\xbb\xbf\t\xe3\x80\x80";
	size_t n = strlen(s);

	(void)state;
	text_trim(&s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "T-1", 3);
	s = "\xe3\x80\x80";
	n = 3;
	text_trim(&s, &n);
	assert_int_equal(n, 0);
}

static void test_textio__folds_full_width_forms(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	text_fold_width(&out, "２０２６－１１ＡＢ　工", strlen("２０２６－１１ＡＢ　工"));
	assert_string_equal(out.s, "2026-11AB 工");
	buf_reset(&out);
	text_fold_digits(&out, "Ｔ１２　", strlen("Ｔ１２　"));
	assert_string_equal(out.s, "Ｔ12 ");
	buf_reset(&out);
	text_header_key(&out, "　Ticket ＮＯ ", strlen("　Ticket ＮＯ "));
	assert_string_equal(out.s, "ticket no");
	buf_release(&out);
}

static void test_textio__escapes_invalid_bytes(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	text_escape_invalid(&out, "张\xff\x00x", 6);
	assert_string_equal(out.s, "张\\xFF\\x00x");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_textio__validates_utf8_strictly),
		cmocka_unit_test(test_textio__counts_maximal_invalid_subparts),
		cmocka_unit_test(test_textio__keeps_a_cut_sequence_for_the_next_chunk),
		cmocka_unit_test(test_textio__decides_utf8_at_one_invalid_per_20),
		cmocka_unit_test(test_textio__converts_gb18030_and_keeps_bad_bytes),
		cmocka_unit_test(test_textio__trims_ideographic_space_nbsp_and_bom),
		cmocka_unit_test(test_textio__folds_full_width_forms),
		cmocka_unit_test(test_textio__escapes_invalid_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
