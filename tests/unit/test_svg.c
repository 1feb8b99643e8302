/*
 * test_svg.c - the inline SVG charts: geometry worked out by hand from the
 * fixed layout (bar charts 400 units wide, rows 46 high from y = 4 with
 * the bar 20 below the row's top; trend plot x 100-610, y 210 (0 %) to
 * 30 (100 %)), the words that make a
 * chart read without colour, and escaping of every label.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "report/svg.h"

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find\n  %s\nin\n  %s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("did not expect\n  %s\nin\n  %s", needle, hay);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_svg__draws_bars_against_their_targets(void **state)
{
	struct svg_bar bars[] = {
		{ "报事报修", true, 0.5, true, 0.9 },
		{ "投诉", true, 1.0, true, 1.0 },
		{ "特约服务", false, 0.0, true, 1.0 },
	};
	struct buf out = BUF_INIT;

	(void)state;
	svg_bars_target(&out, "回访率 对比 目标", bars, 3);
	assert_true(!strncmp(out.s, "<svg ", 5));
	assert_contains(out.s, "viewBox=\"0 0 400 158.0\"");
	assert_contains(out.s, "<title>回访率 对比 目标</title>");
	/* 0.5 of 400 units; the target 0.9 at 360, 3 beyond the bar. */
	assert_contains(out.s, "x=\"0\" y=\"24.0\" width=\"200.0\" height=\"16.0\" fill=\"#c0392b\"");
	assert_contains(out.s, "x1=\"360.0\" y1=\"21.0\" x2=\"360.0\" y2=\"43.0\"");
	assert_contains(out.s, ">50.0% 目标90.0% 未达标</text>");
	assert_contains(out.s, "y=\"70.0\" width=\"400.0\" height=\"16.0\" fill=\"#1f5fa8\"");
	assert_contains(out.s, ">100.0% 目标100.0% 达标</text>");
	/* No data: no bar, and it says so. */
	assert_contains(out.s, ">无数据 目标100.0%</text>");
	assert_int_equal(count(out.s, "class=\"bar\""), 2);
	assert_true(!strcmp(out.s + out.len - 6, "</svg>"));
	buf_release(&out);
}

static void test_svg__escapes_and_shortens_labels(void **state)
{
	struct svg_bar bar = { "<script>alert('x')</script>", true, 0.25,
			       false, 0 };
	struct svg_bar cjk = { "一二三四五六七八九十甲乙", true, 0.25, false, 0 };
	struct buf out = BUF_INIT;

	(void)state;
	svg_bars_target(&out, "\"title\" & <x>", &bar, 1);
	assert_lacks(out.s, "<script");
	assert_contains(out.s, "aria-label=\"&quot;title&quot; &amp; &lt;x&gt;\"");
	/* Cut to 11 characters, the cut marked. */
	assert_contains(out.s, ">&lt;script&gt;ale…</text>");
	assert_contains(out.s, ">25.0%</text>");
	buf_reset(&out);
	svg_bars_target(&out, "t", &cjk, 1);
	assert_contains(out.s, ">一二三四五六七八九十甲…</text>");
	buf_release(&out);
}

static void test_svg__stacks_counts_with_a_legend(void **state)
{
	static const char *const names[] = {
		"非常满意", "满意", "一般", "不满意", "非常不满意",
	};
	struct svg_stack rows[] = {
		{ "合计", { 3, 1, 0, 0, 0 } },
		{ "<b>", { 0, 0, 0, 0, 0 } },
	};
	struct buf out = BUF_INIT;

	(void)state;
	svg_stacked(&out, "满意度分布", names, 5, rows, 2);
	/* 3 of 4 of 400 units, then 1 of 4 from x = 300. */
	assert_contains(out.s, "x=\"0.0\" y=\"24.0\" width=\"300.0\"");
	assert_contains(out.s, "x=\"300.0\" y=\"24.0\" width=\"100.0\"");
	assert_contains(out.s, "<title>非常满意 3</title>");
	assert_contains(out.s, "<title>满意 1</title>");
	assert_lacks(out.s, "<title>一般");
	assert_contains(out.s, ">共 4</text>");
	assert_contains(out.s, ">&lt;b&gt;</text>");
	assert_contains(out.s, ">无评价</text>");
	/* The legend names all five in order. */
	assert_contains(out.s, ">1. 非常满意</text>");
	assert_contains(out.s, ">5. 非常不满意</text>");
	assert_true(strstr(out.s, ">1. 非常满意") < strstr(out.s, ">2. 满意"));
	buf_release(&out);
}

static void test_svg__draws_trend_lines_with_gaps(void **state)
{
	static const char *const weeks[] = { "W45", "W46", "<W47>" };
	double cov[] = { 0.0, 0.5, 1.0 };
	bool all[] = { true, true, true };
	double sat[] = { 0.5, 0.0, 1.0 };
	bool gap[] = { true, false, true };
	struct svg_series series[] = {
		{ "回访率", cov, all },
		{ "满意率", sat, gap },
	};
	struct buf out = BUF_INIT;

	(void)state;
	svg_trend(&out, "8周趋势", weeks, 3, series, 2, 0.9);
	assert_contains(out.s, "d=\"M100.0 210.0L355.0 120.0L610.0 30.0\"");
	/* The missing week breaks the line: a new subpath, no point. */
	assert_contains(out.s, "d=\"M100.0 120.0M610.0 30.0\"");
	assert_int_equal(count(out.s, "<rect x="), 2 + 1);
	/* Target 0.9: y = 210 - 180 * 0.9. */
	assert_contains(out.s, "y1=\"48.0\" x2=\"610.0\" y2=\"48.0\"");
	assert_contains(out.s, ">目标 90.0%</text>");
	assert_contains(out.s, ">&lt;W47&gt;</text>");
	assert_contains(out.s, ">回访率</text>");
	assert_contains(out.s, "stroke-dasharray=\"7 4\"");
	assert_contains(out.s, ">50.0%</text>");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg__draws_bars_against_their_targets),
		cmocka_unit_test(test_svg__escapes_and_shortens_labels),
		cmocka_unit_test(test_svg__stacks_counts_with_a_legend),
		cmocka_unit_test(test_svg__draws_trend_lines_with_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
