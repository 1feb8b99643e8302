/*
 * test_xlsxout.c - workbooks written through libxlsxwriter, read back
 * with huifang's own .xlsx reader: text stays text (never a formula),
 * dates are dates, sheet names are valid and unique, widths count CJK
 * as 2, and nothing is left beside the workbook.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "input/xlsx.h"
#include "report/xlsxout.h"
#include "util/buf.h"
#include "util/chtime.h"
#include "tmpdir.h"

static char root[512];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "test_xlsxout");
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(root);
	return 0;
}

static const char *const choices[] = { "是", "否", "无法联系", NULL };
static const struct xlsxout_column cols[] = {
	{ "工单编号", XLSX_TEXT, NULL },
	{ "完成时间", XLSX_DATETIME, NULL },
	{ "应回访", XLSX_NUMBER, NULL },
	{ "是否真实回访", XLSX_TEXT, choices },
};

static void name_for(const char *name, const char *const *taken, size_t n,
		     const char *want)
{
	struct buf b = BUF_INIT;

	xlsxout_sheet_name_for(&b, name, taken, n);
	assert_string_equal(b.s, want);
	buf_release(&b);
}

static void test_xlsxout__makes_sheet_names_valid_and_unique(void **s)
{
	const char *const taken[] = { "东区", "东区 (2)", "Sheet" };

	(void)s;
	name_for("a[b]:c*d?e/f\\g", NULL, 0, "a_b__c_d_e_f_g");
	name_for("", NULL, 0, "Sheet");
	name_for("'quoted'", NULL, 0, "_quoted_");
	/* 31 characters, counted as characters, not bytes. */
	name_for("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
		 NULL, 0, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一");
	name_for("东区", taken, 3, "东区 (3)");
	name_for("sheet", taken, 3, "sheet (2)");
	name_for("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
		 (const char *const[]){
			 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一" }, 1,
		 "一二三四五六七八九十一二三四五六七八九十一二三四五六七 (2)");
	/* Excel keeps "History" for itself, in any case. */
	name_for("History", NULL, 0, "History (2)");
	name_for("hiSTORY", NULL, 0, "hiSTORY (2)");
	name_for("History (2)", NULL, 0, "History (2)");
}

static void test_xlsxout__counts_cjk_as_two_columns(void **s)
{
	(void)s;
	assert_int_equal(xlsxout_text_width("abc"), 3);
	assert_int_equal(xlsxout_text_width("服务中心"), 8);
	assert_int_equal(xlsxout_text_width("Ａ1"), 3);
	assert_int_equal(xlsxout_text_width("长一行\nab"), 6);
}

static void test_xlsxout__text_is_never_a_formula(void **s)
{
	char path[640];
	struct buf err = BUF_INIT;
	struct xlsxout *b;
	struct xlsxout_sheet *sh;
	struct xlsx_reader *x;
	struct sheet_row row;
	struct sheet_opts opts = { "东区", 0, 0 };
	const char *r1[] = { "=1+1", "2026-11-20 14:05:00", "42", "是" };
	const char *r2[] = { "822025112000000001", "not a time", "null", NULL };
	int64_t as_of;

	(void)s;
	snprintf(path, sizeof(path), "%s/book.xlsx", root);
	assert_int_equal(chtime_parse("2026-11-26 08:00:00", 19, &as_of), 0);
	b = xlsxout_open(path, as_of, &err);
	assert_non_null(b);
	sh = xlsxout_sheet(b, "东区", cols, 4);
	assert_string_equal(xlsxout_sheet_name(sh), "东区");
	xlsxout_row(sh, r1);
	xlsxout_row(sh, r2);
	sh = xlsxout_hidden_sheet(b, "东区", cols, 1);
	assert_string_equal(xlsxout_sheet_name(sh), "东区 (2)");
	assert_int_equal(xlsxout_commit(b, &err), 0);
	/* Nothing but the workbook is left in the folder. */
	assert_string_equal(tmpdir_ls(root), "book.xlsx");

	x = xlsx_reader_open(path, &opts, &err);
	if (!x)
		fail_msg("%s", err.s);
	assert_int_equal(xlsx_reader_next(x, &row, &err), 1);
	assert_string_equal(row.fields[0], "工单编号");
	assert_int_equal(xlsx_reader_next(x, &row, &err), 1);
	assert_string_equal(row.fields[0], "=1+1");
	assert_int_equal(row.flags[0], 0);
	assert_string_equal(row.fields[1], "2026-11-20 14:05:00");
	assert_int_equal(row.flags[1], SHEET_DATE);
	assert_string_equal(row.fields[2], "42");
	assert_int_equal(row.flags[2], SHEET_NUMBER);
	assert_string_equal(row.fields[3], "是");
	assert_int_equal(xlsx_reader_next(x, &row, &err), 1);
	/* A ticket number is text; text that is no date stays text. */
	assert_string_equal(row.fields[0], "822025112000000001");
	assert_int_equal(row.flags[0], 0);
	assert_string_equal(row.fields[1], "not a time");
	assert_string_equal(row.fields[2], "");
	assert_int_equal(xlsx_reader_next(x, &row, &err), 0);
	xlsx_reader_free(x);
	buf_release(&err);
}

static void test_xlsxout__refuses_an_unwritable_folder(void **s)
{
	struct buf err = BUF_INIT;

	(void)s;
	assert_null(xlsxout_open("/nonexistent-folder/book.xlsx", 0, &err));
	assert_non_null(strstr(err.s, "cannot make a private folder"));
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsxout__makes_sheet_names_valid_and_unique),
		cmocka_unit_test(test_xlsxout__counts_cjk_as_two_columns),
		cmocka_unit_test(test_xlsxout__text_is_never_a_formula),
		cmocka_unit_test(test_xlsxout__refuses_an_unwritable_folder),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
