/*
 * test_jsonread.c - the JSON reader: the three layouts, record lines,
 * syntax errors with line and column, duplicate keys, NUL (raw and
 * \u0000, in both layouts), numbers beyond a double, bad UTF-8, the
 * records lost after a fault in the outer structure, the duplicate
 * check of a record of 40,000 keys, the one-pass reading of plain
 * records compared with cJSON's, and the records given again after a
 * rewind.
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

#include "util/buf.h"
#include "util/sha256.h"
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

/* The text of a record's scalar value at key, or NULL. */
static const char *str(const struct json_record *rec, const char *key)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (!strcmp(rec->fields[i].key, key))
			return rec->fields[i].kind == JSON_TEXT ?
			       rec->fields[i].text : NULL;
	return NULL;
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
	assert_true(rec.good);
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
	assert_true(rec.good);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_false(rec.good);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.error_line, 3);
	assert_int_equal(rec.error_column, 4);
	assert_string_equal(rec.error_context, "   tru}");
	/* The next record is read normally. */
	assert_int_equal(next(r, &rec), 1);
	assert_int_equal(rec.line, 4);
	assert_true(rec.good);
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
	assert_int_equal(rec.nfields, 40000);
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
	assert_false(rec.good);
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

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_non_null(strstr(rec.error, "too large"));
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.good);
	assert_non_null(str(&rec, "a"));
	assert_null(strstr(str(&rec, "a"), "inf"));
	assert_int_equal(next(r, &rec), 0);
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
	assert_true(rec.good);
	assert_int_equal(next(r, &rec), 1);
	assert_false(rec.good);
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

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.good);
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
	assert_string_equal(str(&rec, "k"), "123456789012345");
	assert_int_equal(next(r, &rec), 0);
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

/*
 * Issue 20: a plain record is read in one pass, not through cJSON. Each
 * record below is read both ways (the second reader through cJSON, as
 * before the one pass) and must come out the same: fields, texts, key
 * numbers, faults and their places, in both layouts.
 */
static void same_both_ways(const char *text, bool lines)
{
	struct json_reader *r = open_text(text, lines);
	struct json_reader *t = open_text(text, lines);
	struct json_record rec, ref;
	size_t i;
	int rc;

	json_reader_use_tree(t);
	do {
		rc = next(r, &rec);
		assert_int_equal(next(t, &ref), rc);
		if (rc <= 0)
			break;
		assert_int_equal(rec.line, ref.line);
		assert_int_equal(rec.column, ref.column);
		assert_int_equal(rec.good, ref.good);
		assert_int_equal(rec.bad_encoding, ref.bad_encoding);
		assert_int_equal(rec.bad_offset, ref.bad_offset);
		assert_int_equal(rec.error_line, ref.error_line);
		assert_int_equal(rec.error_column, ref.error_column);
		if (rec.error)
			assert_string_equal(rec.error, ref.error);
		else
			assert_null(ref.error);
		assert_int_equal(rec.nfields, ref.nfields);
		for (i = 0; i < rec.nfields; i++) {
			assert_string_equal(rec.fields[i].key,
					    ref.fields[i].key);
			assert_int_equal(rec.fields[i].key_id,
					 ref.fields[i].key_id);
			assert_int_equal(rec.fields[i].kind,
					 ref.fields[i].kind);
			assert_int_equal(rec.fields[i].len, ref.fields[i].len);
			assert_memory_equal(rec.fields[i].text,
					    ref.fields[i].text,
					    rec.fields[i].len + 1);
		}
	} while (rc > 0);
	json_reader_free(r);
	json_reader_free(t);
}

static void test_json__reads_plain_records_as_cjson_does(void **state)
{
	static const char *const records[] = {
		"{\"工单编号\": \"T1\", \"n\": 5, \"t\": true, \"f\": false, "
		"\"z\": null}",
		"{}", "{ }", "\t{\"a\":\"\"}\r",
		"{\"e\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"u\": \"\\u00e9\\u4E2D"
		"\\u0041\", \"p\": \"\\ud83d\\ude00\"}",
		/* surrogates not in a pair, bad escapes, \u0000 */
		"{\"a\": \"\\udc00\"}", "{\"a\": \"\\ud800x\"}",
		"{\"a\": \"\\ud800\\u0041\"}", "{\"a\": \"\\x\"}",
		"{\"a\": \"\\u12g4\"}", "{\"a\": \"x\\u0000\"}",
		"{\"a\": \"tab\there\"}",
		/* numbers: each as read_tree() gives it */
		"{\"a\": -0, \"b\": 0, \"c\": 4.50, \"d\": -1.5e-3, \"e\": 1E5, "
		"\"f\": 123456789012345, \"g\": 1234567890123456, "
		"\"h\": 12345678901234567.25, \"i\": 0.1, \"j\": -0.0}",
		"{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -}", "{\"a\": 1e}",
		"{\"a\": 1e400}", "{\"a\": +1}", "{\"a\": .5}", "{\"a\": 1-2}",
		"{\"a\": 0.1234567890123456789012345678901234567890123456789"
		"01234567890123}",
		/* words, nesting, faults */
		"{\"a\": tru}", "{\"a\": nul}", "{\"a\": truex}",
		"{\"a\": [1, {\"b\": 2}], \"c\": {\"d\": null}, \"e\": \"x\"}",
		"{\"a\": 1, \"b\": 2, \"a\": 3, \"new\": 4}", "{\"new\": 1}",
		"{\"a\": 1,}", "{\"a\" 1}", "{\"a\": 1} x", "{\"a\": 1}}",
		"[1]", "\"s\"", "5", "{\"a\": \"\xe4\xb8\"}",
		"{\x0b\"a\": 1}", "{\"a\":\x0c" "1}", "{\"\\u0061\": 1, \"a\": 2}",
		"{\"a\": \"open}",
	};
	struct buf json = BUF_INIT, jsonl = BUF_INIT;
	size_t i;

	(void)state;
	buf_addch(&json, '[');
	for (i = 0; i < sizeof(records) / sizeof(*records); i++) {
		buf_addf(&jsonl, "%s\n", records[i]);
		/* Each alone as a .json file too: a fault ends the array. */
		same_both_ways(records[i], true);
		if (records[i][0] != '\t') {
			struct buf one = BUF_INIT;

			buf_addf(&one, "[%s]", records[i]);
			same_both_ways(one.s, false);
			buf_release(&one);
		}
		if (i < 5)
			buf_addf(&json, "%s%s", i ? ",\n " : "", records[i]);
	}
	buf_addch(&json, ']');
	same_both_ways(jsonl.s, true);
	same_both_ways(json.s, false);
	buf_release(&json);
	buf_release(&jsonl);
}

/* What the one pass gives, value by value, and the keys' numbers. */
static void test_json__gives_values_as_text_and_keys_numbers(void **state)
{
	struct json_reader *r = open_text(
		"{\"b\": -0, \"a\": 4.50, \"c\": \"\\u00e9\\ud83d\\ude00\", "
		"\"d\": null, \"e\": 1E5}\n"
		"{\"a\": true, \"b\": [1, 2], \"c\": {\"x\": 1}}\n", true);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.good);
	assert_int_equal(rec.nfields, 5);
	assert_string_equal(str(&rec, "b"), "0");
	assert_string_equal(str(&rec, "a"), "4.5");
	assert_string_equal(str(&rec, "c"), "\xc3\xa9\xf0\x9f\x98\x80");
	assert_string_equal(str(&rec, "d"), "");
	assert_string_equal(str(&rec, "e"), "1E5");
	assert_int_equal(rec.fields[0].key_id, 0);
	assert_int_equal(rec.fields[1].key_id, 1);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.good);
	/* "a" and "b" keep their numbers in another place of the record */
	assert_int_equal(rec.fields[0].key_id, 1);
	assert_int_equal(rec.fields[1].key_id, 0);
	assert_int_equal(rec.fields[1].kind, JSON_ARRAY);
	assert_string_equal(rec.fields[1].text, "[1,2]");
	assert_int_equal(rec.fields[2].kind, JSON_OBJECT);
	assert_string_equal(rec.fields[2].text, "{\"x\":1}");
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

/*
 * Issue 20: the second pass over a JSON file (reader.c) is the records
 * kept from the first, or, over the keep limit, the file read again;
 * either way the same records, faults and end. The file's SHA-256 comes
 * from the reading, also when a fault ended it before the file's end.
 */
static void test_json__gives_the_records_again_after_a_rewind(void **state)
{
	static const char text[] =
		"[{\"a\": \"1\", \"b\": 2},\n {\"a\": tru},\n {\"c\": [1]},\n"
		" {\"a\": \"\\u0000\"}, {\"b\": \"x\"}\n {\"a\": \"lost\"}]\n";
	const char *tmp = getenv("TMPDIR");
	char path[4096], hex[65], want[65];
	size_t keep[] = { SIZE_MAX, 1 };
	int fd, k;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_jsonread_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
			 (ssize_t)sizeof(text) - 1);
	close(fd);
	assert_int_equal(sha256_file(path, want), 0);
	for (k = 0; k < 2; k++) {
		struct buf err = BUF_INIT, first = BUF_INIT, again = BUF_INIT;
		struct json_reader *r = json_reader_open(path, false, &err);
		struct buf *out[] = { &first, &again };
		int pass;

		assert_non_null(r);
		json_reader_keep(r, keep[k]);
		for (pass = 0; pass < 2; pass++) {
			struct json_record rec;
			size_t i;
			int rc;

			while ((rc = json_reader_next(r, &rec, &err)) > 0) {
				buf_addf(out[pass], "%u:%u %d %s|", rec.line,
					 rec.column, rec.good,
					 rec.error ? rec.error : "");
				for (i = 0; i < rec.nfields; i++)
					buf_addf(out[pass], "%s=%s(%u) ",
						 rec.fields[i].key,
						 rec.fields[i].text,
						 rec.fields[i].key_id);
			}
			buf_addf(out[pass], "end %d %s", rc, err.s);
			buf_reset(&err);
			if (!pass)
				assert_int_equal(json_reader_rewind(r, &err), 0);
		}
		assert_non_null(strstr(first.s, "a=1(0) b=2(1) "));
		assert_non_null(strstr(first.s, "1 record after it is lost"));
		assert_string_equal(first.s, again.s);
		/* The fault ended the reading before the end of the file. */
		assert_int_equal(json_reader_sha256(r, hex), 0);
		assert_string_equal(hex, want);
		json_reader_free(r);
		buf_release(&err);
		buf_release(&first);
		buf_release(&again);
	}
	unlink(path);
}

/*
 * Found by the fuzzer: a value that ends before a long integer the
 * reader quoted ("0 {... 12345678901234567}") had its end placed before
 * the record's start (a read before the buffer, and the fault at the
 * wrong column). The fault is the '{' after the value.
 */
static void test_json__places_text_after_a_value_before_a_quoted_integer(void **state)
{
	struct json_reader *r = open_text(
		"{\"a\": 1}\n0 {\"b\": 12345678901234567}\n", true);
	struct json_record rec;

	(void)state;
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.good);
	assert_int_equal(next(r, &rec), 1);
	assert_true(rec.malformed);
	assert_string_equal(rec.error, "unexpected text after the record");
	assert_int_equal(rec.error_line, 2);
	assert_int_equal(rec.error_column, 3);
	assert_int_equal(next(r, &rec), 0);
	json_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json__reads_an_array_with_record_lines),
		cmocka_unit_test(test_json__reads_plain_records_as_cjson_does),
		cmocka_unit_test(test_json__gives_values_as_text_and_keys_numbers),
		cmocka_unit_test(test_json__gives_the_records_again_after_a_rewind),
		cmocka_unit_test(test_json__places_text_after_a_value_before_a_quoted_integer),
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
