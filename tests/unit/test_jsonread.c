/*
 * test_jsonread.c - the JSON reader: the three layouts, record lines,
 * syntax errors with line and column, duplicate keys, NUL (raw and
 * \u0000, in both layouts), numbers beyond a double, bad UTF-8, the
 * records lost after a fault in the outer structure, and the duplicate
 * check of a record of 40,000 keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "input/jsonread.h"

static struct json_reader *open_text(const char *text, bool lines)
{
	struct buf err = BUF_INIT;
	struct json_reader *r = json_reader_open_mem(text, strlen(text), lines,
						     &err);

	assert_non_null(r);
	buf_release(&err);
	return r;
}

static int next(struct json_reader *r, struct json_record *rec)
{
	struct buf err = BUF_INIT;
	int rc = json_reader_next(r, rec, &err);

	buf_release(&err);
	return rc;
}

static const char *str(const struct json_record *rec, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec->obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_json__reads_an_array_with_record_lines(void **state)
{
	struct json_reader *r = open_text("[\n {\"工单编号\": \"T1\"},\n\n"
					  "  {\"工单编号\":\n \"T2\"}\n]\n", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.column, 2);
	assert_string_equal(str(&rec, "工单编号"), "T1");
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 4);
	assert_string_equal(str(&rec, "工单编号"), "T2");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

static void test_json__reads_the_records_wrapper(void **state)
{
	struct json_reader *r = open_text("{\"exported\": {\"by\": [1]}, "
					  "\"records\": [{\"a\": 1}], \"n\": 1}",
					  false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_non_null(rec.obj);
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

static void test_json__reads_json_lines_skipping_blank_ones(void **state)
{
	struct json_reader *r = open_text("{\"a\": \"1\"}\r\n\r\n  {\"a\": \"2\"}",
					  true);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 3);
	assert_string_equal(str(&rec, "a"), "2");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

static void test_json__reports_a_syntax_error_with_line_and_column(void **state)
{
	struct json_reader *r = open_text("[{\"a\": 1},\n {\"a\":\n   tru},\n"
					  " {\"a\": 3}]", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_non_null(rec.obj);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_null(rec.obj);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.error_line, 3);
	assert_int_equal(rec.error_column, 4);
	assert_string_equal(rec.error_context, "   tru}");
	/* The next record is read normally. */
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 4);
	assert_non_null(rec.obj);
	json_reader_free(r);
}

static void test_json__rejects_non_objects_duplicates_and_nul(void **state)
{
	struct json_reader *r = open_text("[5, {\"a\": 1, \"a\": 2},"
					  " {\"a\": \"x\\u0000y\"}]", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_string_equal(rec.error, "record is a number, not an object");
	assert_int_equal(next(r, &rec), 1);
	assert_string_equal(rec.error, "duplicate key 'a'");
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.bad_encoding);
	assert_int_equal(rec.bad_offset, 30);
	assert_string_equal(rec.error, "NUL character (\\u0000)");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

/*
 * Issue 20: comparing every key of a record with every other made one
 * record of 40,000 distinct keys take 25 s. The check is linear now: the
 * two records below take milliseconds. alarm() ends the test (SIGALRM
 * fails it) if they take 10 s, a bound no linear check comes near even
 * under the sanitizers, and the quadratic one never met.
 */
static void test_json__checks_40000_keys_for_duplicates_at_once(void **state)
{
	struct buf text = BUF_INIT;
	struct json_reader *r;
	struct json_record rec;
	int i;

	(void)state;
	/* 40,000 distinct keys; then the same with k3 and k7 repeated at
	 * the end, k7 first: k3 appeared first, so k3 is named. */
	for (i = 0; i < 2; i++) {
		int k;

		buf_addch(&text, '{');
		for (k = 0; k < 40000; k++)
			buf_addf(&text, "%s\"k%d\": \"v\"", k ? ", " : "", k);
		if (i)
			buf_adds(&text, ", \"k7\": 1, \"k3\": 2");
		buf_adds(&text, "}\n");
	}
	/* Few keys are compared pairwise: the same rule. */
	buf_adds(&text, "{\"x\": 1, \"y\": 2, \"y\": 3, \"x\": 4}\n");
	alarm(10);
	r = open_text(text.s, true);
	assert_int_equal(next(r, &rec), 1);
	assert_false(rec.malformed);
	assert_int_equal(cJSON_GetArraySize(rec.obj), 40000);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_string_equal(rec.error, "duplicate key 'k3'");
	assert_int_equal(next(r, &rec), 1);
	assert_string_equal(rec.error, "duplicate key 'x'");
	assert_int_equal(next(r, &rec), 0);
	alarm(0);
	json_reader_free(r);
	buf_release(&text);
}

/* Issue 13: JSON Lines cut the value at \u0000, merging two tickets. */
static void test_json__flags_an_escaped_nul_in_json_lines(void **state)
{
	struct json_reader *r = open_text("{\"a\": \"T1\\u0000T2\"}\n"
					  "{\"a\": \"x\\\\u0000\"}\n", true);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.bad_encoding);
	assert_null(rec.obj);
	assert_int_equal(rec.bad_offset, 9);
	assert_int_equal(rec.error_column, 10);
	/* An escaped backslash before "u0000" is text, not a NUL. */
	assert_int_equal(next(r, &rec), 1);
	assert_false(rec.bad_encoding);
	assert_string_equal(str(&rec, "a"), "x\\u0000");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

/* Issue 13: 1e400 read as the ticket "inf". */
static void test_json__rejects_a_number_beyond_a_double(void **state)
{
	struct json_reader *r = open_text("[{\"a\": 1e400}, {\"a\": -1E999},"
					  " {\"a\": 1e300}]", false);
	struct json_record rec;
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_non_null(strstr(rec.error, "too large"));
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_int_equal(next(r, &rec), 1);
	assert_non_null(rec.obj);
	assert_int_equal(json_value_text(cJSON_GetObjectItem(rec.obj, "a"), &out), 0);
	assert_null(strstr(out.s, "inf"));
	assert_int_equal(next(r, &rec), 0);
	buf_release(&out);
	json_reader_free(r);
}

static void test_json__flags_invalid_utf8_with_its_offset(void **state)
{
	struct json_reader *r = open_text("[{\"a\": \"\xff\"}]", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.bad_encoding);
	assert_int_equal(rec.bad_offset, 8);
	json_reader_free(r);
}

/*
 * Issue 13: the records after a fault in the outer structure were
 * counted nowhere; the fault is one malformed record saying how many.
 */
static void test_json__counts_the_records_lost_after_a_structure_error(void **state)
{
	struct json_reader *r = open_text("[{\"a\": 1} {\"a\": 2},\n"
					  "{\"a\": [3, {}]}, {\"a\": \"}\"}]", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_non_null(rec.obj);
	assert_int_equal(next(r, &rec), 1);
	assert_null(rec.obj);
	assert_true(rec.malformed);
	assert_int_equal(rec.error_line, 1);
	assert_int_equal(rec.error_column, 11);
	assert_string_equal(rec.error, "JSON syntax error: expected ',' or ']' "
			    "after a record; 3 records after it are lost");
	assert_string_equal(rec.error_context, "          {\"a\": 2},");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

/* Before the records begin, or at a cut, the file ends with an error. */
static void test_json__ends_the_file_on_an_error_outside_the_records(void **state)
{
	struct json_reader *r = open_text("[{\"a\": 1},", false);
	struct json_record rec;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(json_reader_next(r, &rec, &err), -1);
	assert_string_equal(err.s, "(memory):1:11: expected a record after ','");
	json_reader_free(r);
	buf_reset(&err);
	r = open_text("\"text\"", false);
	assert_int_equal(json_reader_next(r, &rec, &err), -1);
	assert_non_null(strstr(err.s, "expected an array of records"));
	buf_release(&err);
	json_reader_free(r);
}

static void test_json__writes_values_as_their_text(void **state)
{
	cJSON *o = cJSON_Parse("[5, 4.5, null, \"５\", true, 20261120, [1]]");
	struct buf out = BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 6; i++) {
		assert_int_equal(json_value_text(cJSON_GetArrayItem(o, i), &out), 0);
		buf_addch(&out, '|');
	}
	assert_string_equal(out.s, "5|4.5||５|true|20261120|");
	assert_int_equal(json_value_text(cJSON_GetArrayItem(o, 6), &out), -1);
	buf_release(&out);
	cJSON_Delete(o);
}

static void test_json__keeps_long_integers_digit_for_digit(void **state)
{
	struct json_reader *r = open_text(
		"[{\"id\": 1234567890123456789, \"b\": 1234567890123456788,\n"
		"  \"n\": -9007199254740993, \"s\": \"x 1234567890123456789\",\n"
		"  \"f\": 1234567890123456789.5, \"e\": 8.22025E+17,\n"
		"  \"k\": 123456789012345, \"q\": \"\\\"\"}]", false);
	struct json_record rec;
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_non_null(rec.obj);
	/* Two neighbouring ids stay two ids, digit for digit. */
	assert_string_equal(str(&rec, "id"), "1234567890123456789");
	assert_string_equal(str(&rec, "b"), "1234567890123456788");
	assert_string_equal(str(&rec, "n"), "-9007199254740993");
	assert_string_equal(str(&rec, "s"), "x 1234567890123456789");
	assert_string_equal(str(&rec, "q"), "\"");
	/*
	 * An exponent, or a fraction after 16 digits, keeps the text it was
	 * written with, so a damaged id is seen as one (§9.25) and not as
	 * its decimal expansion.
	 */
	assert_string_equal(str(&rec, "e"), "8.22025E+17");
	assert_string_equal(str(&rec, "f"), "1234567890123456789.5");
	assert_int_equal(json_value_text(
		cJSON_GetObjectItemCaseSensitive(rec.obj, "k"), &out), 0);
	assert_string_equal(out.s, "123456789012345");
	assert_int_equal(next(r, &rec), 0);
	buf_release(&out);
	json_reader_free(r);
}

static void test_json__places_errors_in_a_record_with_long_integers(void **state)
{
	struct json_reader *r = open_text(
		"[{\"id\": 1234567890123456789, \"x\": tru}]", false);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_int_equal(rec.error_line, 1);
	assert_int_equal(rec.error_column, 35);
	json_reader_free(r);
}

static void test_json__reads_records_at_a_profile_path(void **state)
{
	struct json_reader *r = open_text(
		"{\"code\": 200, \"msg\": \"ok\", \"data\": {\"pagination\": "
		"{\"total\": 2},\n \"list\": [{\"no\": \"WX1\"}, {\"no\": "
		"\"WX2\"}], \"list2\": [{\"no\": \"WX3\"}]}, \"records\": "
		"[{\"no\": \"X\"}]}", false);
	struct json_record rec;
	struct buf err = BUF_INIT;

	(void)state;
	assert_int_equal(json_reader_set_records(r, "data..list"), -1);
	assert_int_equal(json_reader_set_records(r, "data.list"), 0);
	assert_int_equal(next(r, &rec), 1);
	assert_string_equal(str(&rec, "no"), "WX1");
	assert_int_equal(rec.line, 2);
	assert_int_equal(next(r, &rec), 1);
	assert_string_equal(str(&rec, "no"), "WX2");
	/* Nothing else in the file is a record, "records" included. */
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);

	r = open_text("{\"code\": 500, \"data\": null}", false);
	assert_int_equal(json_reader_set_records(r, "data.list"), 0);
	assert_int_equal(json_reader_next(r, &rec, &err), -1);
	assert_string_equal(err.s, "(memory):1:23: \"data.list\" is not an "
			    "object");
	buf_reset(&err);
	json_reader_free(r);

	r = open_text("{\"code\": 0, \"rows\": []}", false);
	assert_int_equal(json_reader_set_records(r, "data.list"), 0);
	assert_int_equal(json_reader_next(r, &rec, &err), -1);
	assert_string_equal(err.s, "(memory):1:24: \"data.list\" is not in "
			    "the file");
	buf_release(&err);
	json_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__reads_an_array_with_record_lines),
		cmocka_unit_test(test_json__reads_the_records_wrapper),
		cmocka_unit_test(test_json__reads_json_lines_skipping_blank_ones),
		cmocka_unit_test(test_json__reports_a_syntax_error_with_line_and_column),
		cmocka_unit_test(test_json__rejects_non_objects_duplicates_and_nul),
		cmocka_unit_test(test_json__checks_40000_keys_for_duplicates_at_once),
		cmocka_unit_test(test_json__flags_invalid_utf8_with_its_offset),
		cmocka_unit_test(test_json__flags_an_escaped_nul_in_json_lines),
		cmocka_unit_test(test_json__rejects_a_number_beyond_a_double),
		cmocka_unit_test(test_json__counts_the_records_lost_after_a_structure_error),
		cmocka_unit_test(test_json__ends_the_file_on_an_error_outside_the_records),
		cmocka_unit_test(test_json__writes_values_as_their_text),
		cmocka_unit_test(test_json__keeps_long_integers_digit_for_digit),
		cmocka_unit_test(test_json__reads_records_at_a_profile_path),
		cmocka_unit_test(test_json__places_errors_in_a_record_with_long_integers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
