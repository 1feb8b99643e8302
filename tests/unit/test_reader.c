/*
 * test_reader.c - the reader contract (reader.h) over CSV and JSON: the
 * header first, then rows with their file, line, source columns and
 * fields; broken rows returned with their problem; the source profile
 * passed through; the encoding and the reason of an empty file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "input/reader.h"
#include "tmpdir.h"

static char root[4096];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "test_reader");
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(root);
	return 0;
}

/* Writes text to root/name and returns the path (static storage). */
static const char *put(const char *name, const char *text)
{
	static char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return path;
}

static struct reader *open_path(const char *path,
				const struct source_profile *profile)
{
	struct reader_opts ro = { NULL, 65536, 16384, 1 << 20, profile, NULL };
	struct buf err = BUF_INIT;
	struct reader *r = reader_open(path, &ro, &err);

	assert_non_null(r);
	buf_release(&err);
	return r;
}

static int next(struct reader *r, struct reader_row *row)
{
	struct buf err = BUF_INIT;
	int rc = reader_next_row(r, row, &err);

	buf_release(&err);
	return rc;
}

static void test_reader__csv_yields_the_header_then_rows(void **state)
{
	const char *path = put("t.csv", "工单编号,工单类型\n\nT1,投诉\n"
			       "T2,\"报\n修\",x\n");
	struct reader *r = open_path(path, NULL);
	struct reader_row row;

	(void)state;
	assert_int_equal(next(r, &row), 1);
	assert_true(row.header);
	assert_string_equal(row.file, path);
	assert_null(row.sheet);
	assert_int_equal(row.nfields, 2);
	assert_string_equal(row.fields[0], "工单编号");
	assert_int_equal(row.columns[1], 2);

	/* The blank line is not a row; the line is where the row starts. */
	assert_int_equal(next(r, &row), 1);
	assert_false(row.header);
	assert_false(row.keyed);
	assert_int_equal(row.line, 3);
	assert_int_equal(row.problem, READER_ROW_OK);
	assert_string_equal(row.fields[1], "投诉");
	assert_int_equal(row.lens[1], strlen("投诉"));

	/* Three fields: the normaliser, not the reader, counts them. */
	assert_int_equal(next(r, &row), 1);
	assert_int_equal(row.line, 4);
	assert_int_equal(row.nfields, 3);
	assert_string_equal(row.fields[1], "报\n修");
	assert_int_equal(row.columns[2], 3);

	assert_int_equal(next(r, &row), 0);
	assert_string_equal(reader_encoding(r), "UTF-8");
	assert_non_null(reader_encoding_why(r));
	reader_close(r);
}

static void test_reader__csv_returns_broken_rows_with_their_problem(void **state)
{
	const char *path = put("b.csv", "a,b\nx,\"y\"z\nv,w\xff\n");
	struct reader *r = open_path(path, NULL);
	struct reader_row row;

	(void)state;
	assert_int_equal(next(r, &row), 1);
	assert_true(row.header);
	assert_int_equal(next(r, &row), 1);
	assert_int_equal(row.problem, READER_UNSPLIT);
	assert_non_null(row.error);
	assert_int_equal(row.error_line, 2);
	while (next(r, &row) == 1 && row.problem != READER_BAD_ENCODING)
		;
	assert_int_equal(row.problem, READER_BAD_ENCODING);
	assert_int_equal(row.bad_field, 2);
	reader_close(r);
}

static void test_reader__json_header_is_the_union_of_keys(void **state)
{
	const char *path = put("t.jsonl",
			       "{\"工单编号\": \"T1\", \"满意度\": 5}\n"
			       "\n"
			       "[1]\n"
			       "{\"工单类型\": \"投诉\", \"工单编号\": \"T2\", "
			       "\"回访备注\": {\"x\": 1}}\n");
	struct reader *r = open_path(path, NULL);
	struct reader_row row;

	(void)state;
	assert_int_equal(next(r, &row), 1);
	assert_true(row.header);
	assert_int_equal(row.nfields, 4);
	assert_string_equal(row.fields[0], "工单编号");
	assert_string_equal(row.fields[1], "满意度");
	assert_string_equal(row.fields[2], "工单类型");
	assert_string_equal(row.fields[3], "回访备注");

	/* A number is its text; an absent key is empty. */
	assert_int_equal(next(r, &row), 1);
	assert_true(row.keyed);
	assert_int_equal(row.line, 1);
	assert_string_equal(row.fields[1], "5");
	assert_string_equal(row.fields[2], "");
	assert_int_equal(row.lens[2], 0);

	/* Not an object: no fields, the text as written. */
	assert_int_equal(next(r, &row), 1);
	assert_int_equal(row.line, 3);
	assert_int_equal(row.problem, READER_NOT_RECORD);
	assert_int_equal(row.nfields, 0);
	assert_int_equal(row.text_len, 3);
	assert_memory_equal(row.text, "[1]", 3);

	/* Fields in header order; a nested value is flagged, not text. */
	assert_int_equal(next(r, &row), 1);
	assert_int_equal(row.line, 4);
	assert_int_equal(row.problem, READER_ROW_OK);
	assert_string_equal(row.fields[0], "T2");
	assert_string_equal(row.fields[2], "投诉");
	assert_int_equal(row.not_text_field, 4);
	assert_string_equal(row.not_text, "an object");

	assert_int_equal(next(r, &row), 0);
	assert_string_equal(reader_encoding(r), "UTF-8");
	assert_null(reader_encoding_why(r));
	reader_close(r);
}

static void test_reader__an_empty_file_has_no_header_and_says_why(void **state)
{
	struct reader *csv = open_path(put("e.csv", "\n\n"), NULL);
	struct reader *json = open_path(put("e.json", "[]"), NULL);
	struct reader_row row;

	(void)state;
	assert_int_equal(next(csv, &row), 0);
	assert_string_equal(reader_empty_reason(csv),
			    "no header: the file is empty");
	assert_int_equal(next(json, &row), 0);
	assert_string_equal(reader_empty_reason(json), "no records with keys");
	reader_close(csv);
	reader_close(json);
}

static void test_reader__passes_the_source_profile_on(void **state)
{
	/* The profile is opaque to readers: any address will do. */
	static int profile_stand_in;
	const struct source_profile *profile =
		(const struct source_profile *)(void *)&profile_stand_in;
	struct reader *r = open_path(put("p.csv", "a\n1\n"), profile);
	struct reader_row row;

	(void)state;
	assert_ptr_equal(reader_profile(r), profile);
	assert_int_equal(next(r, &row), 1);
	assert_ptr_equal(row.profile, profile);
	assert_int_equal(next(r, &row), 1);
	assert_ptr_equal(row.profile, profile);
	reader_close(r);
}

static void test_reader__a_missing_file_cannot_be_opened(void **state)
{
	struct reader_opts ro = { NULL, 65536, 16384, 1 << 20, NULL, NULL };
	struct buf err = BUF_INIT, path = BUF_INIT;

	(void)state;
	buf_addf(&path, "%s/missing.json", root);
	assert_null(reader_open(path.s, &ro, &err));
	assert_true(err.len > 0);
	buf_reset(&err);
	buf_reset(&path);
	buf_addf(&path, "%s/missing.csv", root);
	assert_null(reader_open(path.s, &ro, &err));
	assert_true(err.len > 0);
	assert_string_equal(reader_fixed_encoding(path.s), "");
	assert_string_equal(reader_fixed_encoding("x.JSONL"), "UTF-8");
	buf_release(&err);
	buf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_reader__csv_yields_the_header_then_rows, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_reader__csv_returns_broken_rows_with_their_problem,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_reader__json_header_is_the_union_of_keys, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_reader__an_empty_file_has_no_header_and_says_why,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_reader__passes_the_source_profile_on, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_reader__a_missing_file_cannot_be_opened, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
