/*
 * test_jsonw.c - the JSON writer: block and inline layouts, empty
 * containers, members kept on one line, escaping, numbers and instants,
 * text that parses back to what was written, and a reopened document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <cJSON.h>

#include "util/chtime.h"
#include "util/jsonw.h"

static void test_jsonw__lays_out_blocks_and_inline_containers(void **state)
{
	struct buf b = BUF_INIT;
	struct jsonw w;

	(void)state;
	jsonw_init(&w, &b);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "x/1");
	jsonw_open(&w, "ci", '[', JSONW_INLINE);
	jsonw_double(&w, NULL, 0.25);
	jsonw_double(&w, NULL, 1);
	jsonw_close(&w);
	jsonw_open(&w, "empty", '[', JSONW_BLOCK);
	jsonw_close(&w);
	jsonw_open(&w, "none", '{', JSONW_INLINE);
	jsonw_close(&w);
	jsonw_open(&w, "rows", '[', JSONW_BLOCK);
	jsonw_open(&w, NULL, '{', JSONW_INLINE);
	jsonw_uint(&w, "n", 18446744073709551615u);
	jsonw_int(&w, "d", -3);
	jsonw_open(&w, "q", '{', JSONW_INLINE);
	jsonw_bool(&w, "ok", true);
	jsonw_null(&w, "none");
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_uint(&w, "files", 2);
	jsonw_same_line(&w);
	jsonw_uint(&w, "rows", 3);
	jsonw_bool(&w, "last", false);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
	assert_string_equal(b.s,
		"{\n"
		"  \"schema\": \"x/1\",\n"
		"  \"ci\": [0.25, 1],\n"
		"  \"empty\": [],\n"
		"  \"none\": {},\n"
		"  \"rows\": [\n"
		"    {\"n\": 18446744073709551615, \"d\": -3, "
		"\"q\": {\"ok\": true, \"none\": null}},\n"
		"    {\n"
		"      \"files\": 2, \"rows\": 3,\n"
		"      \"last\": false\n"
		"    }\n"
		"  ]\n"
		"}\n");
	buf_release(&b);
}

static void test_jsonw__escapes_strings_and_keys(void **state)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	cJSON *root;

	(void)state;
	jsonw_init(&w, &b);
	jsonw_open(&w, NULL, '{', JSONW_INLINE);
	jsonw_str(&w, "满意度\"\\", "a\"b\\c\n\t\x01 非常满意");
	jsonw_close(&w);
	assert_string_equal(b.s, "{\"满意度\\\"\\\\\": "
			    "\"a\\\"b\\\\c\\n\\t\\u0001 非常满意\"}");
	root = cJSON_Parse(b.s);
	assert_non_null(root);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root,
							     "满意度\"\\")
				    ->valuestring,
			    "a\"b\\c\n\t\x01 非常满意");
	cJSON_Delete(root);
	buf_release(&b);
}

static void test_jsonw__writes_instants_in_china_time_or_null(void **state)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	int64_t t;

	(void)state;
	assert_int_equal(chtime_parse("2026-11-26 08:00:00", 19, &t), 0);
	jsonw_init(&w, &b);
	jsonw_open(&w, NULL, '[', JSONW_INLINE);
	jsonw_time(&w, NULL, t);
	jsonw_time(&w, NULL, TIME_NONE);
	jsonw_close(&w);
	assert_string_equal(b.s, "[\"2026-11-26 08:00:00\", null]");
	buf_release(&b);
}

/* A stage adds members to another's document: the same bytes as one go. */
static void test_jsonw__reopens_an_ended_document(void **state)
{
	struct buf one = BUF_INIT, two = BUF_INIT;
	struct jsonw w;

	(void)state;
	jsonw_init(&w, &one);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "a", "x");
	jsonw_open(&w, "b", '[', JSONW_INLINE);
	jsonw_uint(&w, NULL, 1);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);

	jsonw_init(&w, &two);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "a", "x");
	jsonw_close(&w);
	jsonw_end(&w);
	assert_int_equal(jsonw_reopen(&w, &two), 0);
	jsonw_open(&w, "b", '[', JSONW_INLINE);
	jsonw_uint(&w, NULL, 1);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
	assert_string_equal(one.s, two.s);

	/* An empty root, and text that is no ended object. */
	buf_reset(&two);
	buf_adds(&two, "{}\n");
	assert_int_equal(jsonw_reopen(&w, &two), 0);
	jsonw_uint(&w, "n", 2);
	jsonw_close(&w);
	jsonw_end(&w);
	assert_string_equal(two.s, "{\n  \"n\": 2\n}\n");
	buf_reset(&two);
	buf_adds(&two, "[1]\n");
	assert_int_equal(jsonw_reopen(&w, &two), -1);
	assert_string_equal(two.s, "[1]\n");
	buf_release(&one);
	buf_release(&two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonw__lays_out_blocks_and_inline_containers),
		cmocka_unit_test(test_jsonw__escapes_strings_and_keys),
		cmocka_unit_test(test_jsonw__writes_instants_in_china_time_or_null),
		cmocka_unit_test(test_jsonw__reopens_an_ended_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
