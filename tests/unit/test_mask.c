/*
 * test_mask.c - masking personal data (SPEC §6): names keep the surname,
 * phones keep 3 + 4 digits, phone and ID numbers inside free text are
 * masked, and the UTF-8 around them stays intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/mask.h"

static void assert_masks(void (*fn)(struct buf *, const char *),
			 const char *in, const char *expected)
{
	struct buf out = BUF_INIT;

	/* Masking appends: what is already in the buffer stays. */
	buf_adds(&out, "<");
	fn(&out, in);
	buf_adds(&out, ">");
	if (strlen(out.s) != strlen(expected) + 2 ||
	    strncmp(out.s + 1, expected, strlen(expected)) ||
	    out.s[0] != '<' || out.s[out.len - 1] != '>')
		fail_msg("'%s' masked to '%s', want <%s>", in, out.s, expected);
	buf_release(&out);
}

static void test_mask__names_keep_the_surname(void **state)
{
	(void)state;
	assert_masks(mask_name, "张三", "张*");
	assert_masks(mask_name, "李小龙", "李*");
	assert_masks(mask_name, "欧阳娜娜", "欧阳*");
	assert_masks(mask_name, "司马懿", "司马*");
	assert_masks(mask_name, "诸葛亮", "诸葛*");
	/* A single character is hidden whole; empty stays empty. */
	assert_masks(mask_name, "喆", "*");
	assert_masks(mask_name, "", "");
	/* A surname outside the BMP (4 bytes) is kept whole. */
	assert_masks(mask_name, "\xf0\xa0\xae\xb7玥", "\xf0\xa0\xae\xb7*");
	/* 欧阳 alone is not a compound surname plus a name. */
	assert_masks(mask_name, "欧阳", "欧*");
}

static void test_mask__phones_keep_three_and_four_digits(void **state)
{
	(void)state;
	assert_masks(mask_phone, "13812345678", "138****5678");
	assert_masks(mask_phone, "138-1234-5678", "138****5678");
	assert_masks(mask_phone, "+86 138 1234 5678", "138****5678");
	assert_masks(mask_phone, "0755-86001234", "075****1234");
	assert_masks(mask_phone, "12345", "****");
	/* Issue 13: a landline's 8 digits showed 7; now the last 4. */
	assert_masks(mask_phone, "87654321", "****4321");
	assert_masks(mask_phone, "(0851)87654321", "085****4321");
	assert_masks(mask_phone, "", "");
}

static void test_mask__numbers_in_free_text_are_masked(void **state)
{
	(void)state;
	assert_masks(mask_free_text, "业主电话13812345678，请回电",
		     "业主电话138****5678，请回电");
	/* An 18-character ID, with or without the final X. */
	assert_masks(mask_free_text, "身份证110105194912310021已核验",
		     "身份证110***********0021已核验");
	assert_masks(mask_free_text, "身份证11010519491231002X。",
		     "身份证110***********002X。");
	/* A mobile written in groups keeps its separators. */
	assert_masks(mask_free_text, "打138-1234-5678或139 8765 4321",
		     "打138-****-5678或139 **** 4321");
	/* Mixed separators are not a grouped mobile: groups stay short. */
	assert_masks(mask_free_text, "138-1234 5678", "138-1234 5678");
}

/* Issue 13: grouped IDs kept 17 of 18 digits, landlines 7 of 8. */
static void test_mask__grouped_ids_and_landlines_are_masked(void **state)
{
	(void)state;
	assert_masks(mask_free_text, "证件110105 19491231 0037。",
		     "证件110*** ******** 0037。");
	assert_masks(mask_free_text, "证件110105-19491231-003X",
		     "证件110***-********-003X");
	assert_masks(mask_free_text, "座机0851-12345678转", "座机085*-****5678转");
	assert_masks(mask_free_text, "座机(0851)87654321", "座机(0851)****4321");
	assert_masks(mask_free_text, "座机（0851）87654321",
		     "座机（0851）****4321");
	assert_masks(mask_free_text, "电话87654321", "电话****4321");
	/* A separator that leads to no digit ends the number before it. */
	assert_masks(mask_free_text, "138-1234-5678- 好", "138-****-5678- 好");
}

static void mask_owner_zhang(struct buf *out, const char *text)
{
	mask_free_text_of(out, text, "张三丰");
}

static void mask_owner_single(struct buf *out, const char *text)
{
	mask_free_text_of(out, text, "张");
}

/* Issue 13: the owner's full name in 内容 stayed visible. */
static void test_mask__the_owners_name_in_free_text_is_masked(void **state)
{
	(void)state;
	assert_masks(mask_owner_zhang, "业主张三丰来电，张三丰说13812345678",
		     "业主张*来电，张*说138****5678");
	assert_masks(mask_owner_zhang, "张三说", "张三说");
	/* A one-character name would hide every 张: it is not matched. */
	assert_masks(mask_owner_single, "张先生", "张先生");
}

static void test_mask__short_numbers_and_dates_are_kept(void **state)
{
	(void)state;
	assert_masks(mask_free_text, "3栋2单元1502室漏水，费用120元",
		     "3栋2单元1502室漏水，费用120元");
	assert_masks(mask_free_text, "已于2026-11-20 14:03上门，工单123456",
		     "已于2026-11-20 14:03上门，工单123456");
	assert_masks(mask_free_text, "", "");
}

static void test_mask__full_width_digits_are_digits_too(void **state)
{
	(void)state;
	/* １３８１２３４５６７８ typed by a Chinese input method. */
	assert_masks(mask_free_text,
		     "电话\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x91"
		     "\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95"
		     "\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98。",
		     "电话\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98****"
		     "\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98。");
}

static void test_mask__keeps_utf8_intact(void **state)
{
	static const char *const texts[] = {
		"“引号”，逗号,换行\n全角１２３",
		"\xf0\xa0\xae\xb7先生13812345678𠮷",
		"混合ａｂｃ１２３４５６７８９０末尾",
	};
	size_t i, j;

	(void)state;
	assert_masks(mask_free_text, "“引号”，逗号,换行\n", "“引号”，逗号,换行\n");
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct buf out = BUF_INIT;
		const unsigned char *p;

		mask_free_text(&out, texts[i]);
		/* Every lead byte is followed by its continuation bytes. */
		p = (const unsigned char *)out.s;
		for (j = 0; j < out.len;) {
			size_t n = p[j] < 0x80 ? 1 : p[j] < 0xE0 ? 2
				 : p[j] < 0xF0 ? 3 : 4;
			size_t k;

			assert_true(p[j] < 0x80 || p[j] >= 0xC2);
			for (k = 1; k < n; k++)
				assert_int_equal(p[j + k] & 0xC0, 0x80);
			j += n;
		}
		assert_int_equal(j, out.len);
		buf_release(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask__names_keep_the_surname),
		cmocka_unit_test(test_mask__phones_keep_three_and_four_digits),
		cmocka_unit_test(test_mask__numbers_in_free_text_are_masked),
		cmocka_unit_test(test_mask__grouped_ids_and_landlines_are_masked),
		cmocka_unit_test(test_mask__the_owners_name_in_free_text_is_masked),
		cmocka_unit_test(test_mask__short_numbers_and_dates_are_kept),
		cmocka_unit_test(test_mask__full_width_digits_are_digits_too),
		cmocka_unit_test(test_mask__keeps_utf8_intact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
