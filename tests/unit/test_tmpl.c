/*
 * test_tmpl.c - the Mustache engine: escaping by default, raw only when
 * asked, sections over arrays / objects / truthy values, inverted sections,
 * comments, dotted names, partials from memory and from a folder,
 * standalone lines, errors that name file, line and column, and the limits
 * that keep a hostile template finite.
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

#include "report/tmpl.h"
#include "util/xalloc.h"

/* Renders text against the JSON ctx; returns the output (caller frees). */
static char *render_with(struct tmpl_set *ts, const char *text,
			 const char *json)
{
	struct diag d;
	struct buf out = BUF_INIT;
	cJSON *ctx = json ? cJSON_Parse(json) : NULL;
	const struct tmpl *t;

	diag_init(&d);
	if (json && !ctx)
		fail_msg("bad test JSON: %s", json);
	t = tmpl_set_add(ts, "t", NULL, text, strlen(text), &d);
	if (!t) {
		diag_print(stderr, &d);
		fail_msg("template did not compile: %s", text);
	}
	if (tmpl_render(t, ctx, &out, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("template did not render: %s", text);
	}
	cJSON_Delete(ctx);
	diag_release(&d);
	return buf_detach(&out, NULL);
}

static void assert_renders(const char *text, const char *json,
			   const char *expected)
{
	struct tmpl_set *ts = tmpl_set_new(NULL);
	char *got = render_with(ts, text, json);

	assert_string_equal(got, expected);
	free(got);
	tmpl_set_free(ts);
}

/* Compiles text expecting an error; checks the message's location. */
static void assert_compile_error(const char *text, unsigned long line,
				 unsigned long column, const char *message)
{
	struct tmpl_set *ts = tmpl_set_new(NULL);
	struct diag d;

	diag_init(&d);
	assert_null(tmpl_set_add(ts, "page", "templates/html/page.mustache",
				 text, strlen(text), &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.entries[0].file, "templates/html/page.mustache");
	assert_int_equal(d.entries[0].line, line);
	assert_int_equal(d.entries[0].column, column);
	assert_string_equal(d.entries[0].message, message);
	diag_release(&d);
	tmpl_set_free(ts);
}

static void test_tmpl__escapes_variables_by_default(void **state)
{
	(void)state;
	assert_renders("<p>{{c}}</p>",
		       "{\"c\":\"<img src=x onerror=\\\"a('b')\\\"> & co\"}",
		       "<p>&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; &amp; co</p>");
	/* Chinese passes through untouched. */
	assert_renders("{{c}}", "{\"c\":\"回访 满意\"}", "回访 满意");
}

static void test_tmpl__writes_raw_only_when_asked(void **state)
{
	(void)state;
	assert_renders("{{{svg}}}|{{& svg}}|{{svg}}",
		       "{\"svg\":\"<svg/>\"}",
		       "<svg/>|<svg/>|&lt;svg/&gt;");
}

static void test_tmpl__prints_numbers_and_booleans(void **state)
{
	(void)state;
	assert_renders("{{a}} {{b}} {{c}} {{d}} {{e}} [{{f}}] [{{g}}]",
		       "{\"a\":12,\"b\":0.925,\"c\":-3,\"d\":true,"
		       "\"e\":false,\"f\":null,\"g\":{\"x\":1}}",
		       "12 0.925 -3 true false [] []");
}

static void test_tmpl__iterates_sections_over_arrays(void **state)
{
	(void)state;
	assert_renders("<ul>{{#rows}}<li>{{name}}={{n}}</li>{{/rows}}</ul>",
		       "{\"rows\":[{\"name\":\"甲\",\"n\":1},{\"name\":\"乙\",\"n\":2}]}",
		       "<ul><li>甲=1</li><li>乙=2</li></ul>");
	/* {{.}} is the element itself. */
	assert_renders("{{#xs}}[{{.}}]{{/xs}}", "{\"xs\":[\"a\",\"<b>\",3]}",
		       "[a][&lt;b&gt;][3]");
}

static void test_tmpl__pushes_objects_and_skips_falsy_values(void **state)
{
	(void)state;
	assert_renders("{{#w}}{{week}} {{title}}{{/w}}",
		       "{\"title\":\"T\",\"w\":{\"week\":\"2026-W47\"}}",
		       "2026-W47 T");
	assert_renders("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}"
		       "{{#e}}E{{/e}}{{#f}}F{{/f}}{{#zero}}0{{/zero}}",
		       "{\"a\":false,\"b\":null,\"c\":[],\"d\":\"\","
		       "\"f\":true,\"zero\":0}",
		       "F0");
}

static void test_tmpl__renders_inverted_sections_for_falsy_values(void **state)
{
	(void)state;
	assert_renders("{{^rows}}无{{/rows}}{{^x}}X{{/x}}{{^t}}T{{/t}}",
		       "{\"rows\":[],\"t\":true}", "无X");
}

static void test_tmpl__drops_comments(void **state)
{
	(void)state;
	assert_renders("a{{! a comment, even with {{ braces }}b", "{}", "ab");
}

static void test_tmpl__resolves_dotted_names_through_the_stack(void **state)
{
	(void)state;
	assert_renders("{{a.b.c}}|{{#rows}}{{site.name}}:{{v}} {{/rows}}|{{a.x.y}}",
		       "{\"a\":{\"b\":{\"c\":\"deep\"}},\"site\":{\"name\":\"S\"},"
		       "\"rows\":[{\"v\":1},{\"v\":2}]}",
		       "deep|S:1 S:2 |");
	/* A dotted name that fails inside its first match does not fall back
	 * to outer frames (Mustache's rule). */
	assert_renders("{{#inner}}{{a.b}}{{/inner}}",
		       "{\"a\":{\"b\":\"outer\"},\"inner\":{\"a\":{\"c\":1}}}", "");
}

static void test_tmpl__strips_standalone_block_lines(void **state)
{
	(void)state;
	assert_renders("<ul>\n  {{#xs}}\n  <li>{{.}}</li>\n  {{/xs}}\n</ul>\n",
		       "{\"xs\":[1,2]}", "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
	/* A tag sharing its line with text keeps the line. */
	assert_renders("a {{#t}}b{{/t}}\n", "{\"t\":true}", "a b\n");
	assert_renders("x\r\n{{! note }}\r\ny", "{}", "x\r\ny");
}

static void test_tmpl__renders_partials_from_memory(void **state)
{
	struct tmpl_set *ts = tmpl_set_new(NULL);
	struct diag d;
	char *got;

	(void)state;
	diag_init(&d);
	assert_non_null(tmpl_set_add(ts, "row", NULL,
				     "<td>{{name}}</td>", 17, &d));
	got = render_with(ts, "{{#rows}}<tr>{{> row}}</tr>{{/rows}}",
			  "{\"rows\":[{\"name\":\"<x>\"}]}");
	assert_string_equal(got, "<tr><td>&lt;x&gt;</td></tr>");
	free(got);
	diag_release(&d);
	tmpl_set_free(ts);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_tmpl__loads_templates_and_partials_from_a_folder(void **state)
{
	char dir[256];
	char path[300];
	struct tmpl_set *ts;
	const struct tmpl *t;
	struct diag d;
	struct buf out = BUF_INIT;
	cJSON *ctx = cJSON_Parse("{\"title\":\"周报\",\"n\":3}");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_tmpl.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/page.mustache", dir);
	write_file(path, "{{> head}}<p>{{n}}</p>\n");
	snprintf(path, sizeof(path), "%s/head.mustache", dir);
	write_file(path, "<title>{{title}}</title>");
	snprintf(path, sizeof(path), "%s/bad.mustache", dir);
	write_file(path, "ok\n  {{> nowhere}}\n");

	ts = tmpl_set_new(dir);
	diag_init(&d);
	t = tmpl_set_get(ts, "page", &d);
	assert_non_null(t);
	/* Compiled once: a second get returns the same template. */
	assert_ptr_equal(tmpl_set_get(ts, "page", &d), t);
	assert_int_equal(tmpl_render(t, ctx, &out, &d), 0);
	assert_string_equal(out.s, "<title>周报</title><p>3</p>\n");

	/* A missing partial names the including file, line and column. */
	assert_null(tmpl_set_get(ts, "bad", &d));
	assert_true(d.errors >= 1);
	snprintf(path, sizeof(path), "%s/bad.mustache", dir);
	assert_string_equal(d.entries[d.nr - 1].file, path);
	assert_int_equal(d.entries[d.nr - 1].line, 2);
	assert_int_equal(d.entries[d.nr - 1].column, 3);
	/* A name that could leave the folder is refused before any I/O. */
	assert_null(tmpl_set_get(ts, "../etc/passwd", &d));

	buf_release(&out);
	diag_release(&d);
	tmpl_set_free(ts);
	cJSON_Delete(ctx);
	snprintf(path, sizeof(path), "%s/page.mustache", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/head.mustache", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bad.mustache", dir);
	unlink(path);
	rmdir(dir);
}

static void test_tmpl__reports_errors_with_file_line_and_column(void **state)
{
	(void)state;
	assert_compile_error("<h1>{{title}}</h1>\n<ul>\n  {{#rows}}\n<li>\n",
			     3, 3, "unclosed section 'rows'");
	assert_compile_error("a\nb {{#x}}{{/y}}", 2, 9,
			     "closing tag 'y' does not match the open section 'x'");
	assert_compile_error("{{/x}}", 1, 1,
			     "closing tag 'x' without an open section");
	assert_compile_error("line\n  xx {{name", 2, 6,
			     "unclosed tag: no '}}' after '{{'");
	assert_compile_error("{{{raw}}", 1, 1,
			     "unclosed tag: no '}}}' after '{{{'");
	assert_compile_error("\n\n{{bad name}}", 3, 1, "invalid name 'bad name'");
	assert_compile_error("{{}}", 1, 1, "invalid name ''");
	assert_compile_error("{{a..b}}", 1, 1, "invalid name 'a..b'");
	assert_compile_error("{{> ../x}}", 1, 1, "invalid partial name '../x'");
	assert_compile_error("{{=<% %>=}}", 1, 1,
			     "set-delimiter tags are not supported");
	assert_compile_error("{{> missing}}", 1, 1, "partial 'missing' not found");
}

static void test_tmpl__stops_runaway_partial_recursion(void **state)
{
	struct tmpl_set *ts = tmpl_set_new(NULL);
	const struct tmpl *t;
	struct diag d;
	struct buf out = BUF_INIT;

	(void)state;
	diag_init(&d);
	t = tmpl_set_add(ts, "loop", NULL, "x{{> loop}}{{> loop}}", 21, &d);
	assert_non_null(t);
	tmpl_set_limits(ts, 8, 1 << 20);
	assert_int_equal(tmpl_render(t, NULL, &out, &d), -1);
	assert_string_equal(d.entries[0].message, "partials nested more than 8 deep");
	buf_reset(&out);
	tmpl_set_limits(ts, 2000, 1000);
	assert_int_equal(tmpl_render(t, NULL, &out, &d), -1);
	assert_string_equal(d.entries[1].message, "output larger than 1000 bytes");
	buf_release(&out);
	diag_release(&d);
	tmpl_set_free(ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpl__escapes_variables_by_default),
		cmocka_unit_test(test_tmpl__writes_raw_only_when_asked),
		cmocka_unit_test(test_tmpl__prints_numbers_and_booleans),
		cmocka_unit_test(test_tmpl__iterates_sections_over_arrays),
		cmocka_unit_test(test_tmpl__pushes_objects_and_skips_falsy_values),
		cmocka_unit_test(test_tmpl__renders_inverted_sections_for_falsy_values),
		cmocka_unit_test(test_tmpl__drops_comments),
		cmocka_unit_test(test_tmpl__resolves_dotted_names_through_the_stack),
		cmocka_unit_test(test_tmpl__strips_standalone_block_lines),
		cmocka_unit_test(test_tmpl__renders_partials_from_memory),
		cmocka_unit_test(test_tmpl__loads_templates_and_partials_from_a_folder),
		cmocka_unit_test(test_tmpl__reports_errors_with_file_line_and_column),
		cmocka_unit_test(test_tmpl__stops_runaway_partial_recursion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
