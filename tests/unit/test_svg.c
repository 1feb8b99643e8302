/*
 * test_svg.c - the inline SVG charts: geometry worked out by hand from the
 * fixed layout (bar charts 400 units wide, rows 46 high from y = 4 with
 * the bar 20 below the row's top; trend plot x 56-620, y 216 (the axis'
 * lowest value) to 36 (100 %)), the words that make a chart read without
 * colour, escaping of every label, and that no two texts of a chart
 * overlap (their boxes by the charts' width rule).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

static size_t assert_no_overlap(const char *svg);

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
	assert_no_overlap(out.s);
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
	/* The longest label beside the longest value still leaves a gap. */
	cjk.value = 0.999;
	cjk.has_target = true;
	cjk.target = 1.0;
	buf_reset(&out);
	svg_bars_target(&out, "t", &cjk, 1);
	assert_contains(out.s, ">99.9% 目标100.0% 未达标</text>");
	assert_no_overlap(out.s);
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

/*
 * The boxes of every <text> of an SVG, by the charts' own width rule
 * (svg_text_width(), 0.6 em an ASCII character, 1 em any other): x, y
 * (the baseline), text-anchor and font-size (13, the chart's, when the
 * element has none) as written.
 */
struct text_box {
	double x0, y0, x1, y1;
	char text[64];
};

static double attr(const char *tag, const char *end, const char *name,
		   double def)
{
	const char *p = strstr(tag, name);

	if (!p || p > end)
		return def;
	return strtod(p + strlen(name), NULL);
}

static size_t text_boxes(const char *svg, struct text_box *v, size_t max)
{
	const char *p = svg;
	size_t n = 0;

	while ((p = strstr(p, "<text")) != NULL && n < max) {
		const char *gt = strchr(p, '>'), *close = strstr(p, "</text>");
		const char *anchor = strstr(p, "text-anchor=\"");
		double x = attr(p, gt, " x=\"", 0), y = attr(p, gt, " y=\"", 0);
		double size = attr(p, gt, "font-size=\"", 13), w;
		size_t len = (size_t)(close - gt - 1);

		assert_non_null(gt);
		assert_non_null(close);
		if (len >= sizeof(v[n].text))
			len = sizeof(v[n].text) - 1;
		memcpy(v[n].text, gt + 1, len);
		v[n].text[len] = '\0';
		w = svg_text_width(v[n].text, size);
		if (anchor && anchor < gt && !strncmp(anchor + 13, "middle", 6))
			v[n].x0 = x - w / 2;
		else if (anchor && anchor < gt && !strncmp(anchor + 13, "end", 3))
			v[n].x0 = x - w;
		else
			v[n].x0 = x;
		v[n].x1 = v[n].x0 + w;
		v[n].y0 = y - 0.8 * size;
		v[n].y1 = y + 0.2 * size;
		n++;
		p = close;
	}
	return n;
}

/* No two texts of svg overlap; returns how many texts there are. */
static size_t assert_no_overlap(const char *svg)
{
	static struct text_box v[512];
	size_t n = text_boxes(svg, v, 512), i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[i].x0 < v[j].x1 && v[j].x0 < v[i].x1 &&
			    v[i].y0 < v[j].y1 && v[j].y0 < v[i].y1)
				fail_msg("'%s' at %.1f,%.1f overlaps '%s' at "
					 "%.1f,%.1f", v[i].text, v[i].x0, v[i].y1,
					 v[j].text, v[j].x0, v[j].y1);
	return n;
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
	struct svg_ref target = { 0.9, "目标 90%" };
	struct buf out = BUF_INIT;

	(void)state;
	svg_trend(&out, "8周趋势", weeks, 3, series, 2, &target, 1);
	/*
	 * A value of 0 puts the axis at 0-100 %: y 216 (0 %) to 36 (100 %),
	 * weeks at x 82, 338 and 594 (26 in from the plot's edges 56-620).
	 */
	assert_contains(out.s, "d=\"M82.0 216.0L338.0 126.0L594.0 36.0\"");
	/* The missing week breaks the line: a new subpath, no point. */
	assert_contains(out.s, "d=\"M82.0 126.0M594.0 36.0\"");
	assert_int_equal(count(out.s, "<rect x="), 2 + 1);
	/* Target 0.9: y = 216 - 180 * 0.9, named at the right end. */
	assert_contains(out.s, "y1=\"54.0\" x2=\"620.0\" y2=\"54.0\"");
	assert_contains(out.s, ">目标 90%</text>");
	assert_contains(out.s, ">&lt;W47&gt;</text>");
	assert_contains(out.s, ">回访率</text>");
	assert_contains(out.s, "stroke-dasharray=\"7 4\"");
	assert_contains(out.s, ">50.0%</text>");
	assert_contains(out.s, ">0%</text>");
	assert_no_overlap(out.s);
	buf_release(&out);
}

/*
 * The sample's 8 weeks (three types and the satisfaction, 74-100 %):
 * the axis starts at 70 %, not 0, both targets are drawn, and no two
 * labels touch; where the values crowd (投诉 and 特约服务 both at 100 %)
 * one is left out, but each week keeps at least two of its four.
 */
static void test_svg__trend_labels_never_overlap(void **state)
{
	static const char *const weeks[] = {
		"W40", "W41", "W42", "W43", "W44", "W45", "W46", "W47",
	};
	double repair[] = { .934, .930, .955, .942, .934, .943, .938, .943 };
	double complaint[] = { .976, .988, 1, .976, 1, .970, .970, .956 };
	double special[] = { .938, 1, 1, .962, .962, .938, 1, 1 };
	double sat[] = { .741, .831, .759, .809, .774, .737, .789, .761 };
	double same[] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	bool all[] = { true, true, true, true, true, true, true, true };
	struct svg_series series[] = {
		{ "报事报修", repair, all },
		{ "投诉", complaint, all },
		{ "特约服务", special, all },
		{ "满意率", sat, all },
	};
	struct svg_series crowd[] = {
		{ "a", same, all }, { "b", same, all },
		{ "c", same, all }, { "d", same, all },
	};
	struct svg_ref refs[] = {
		{ 0.9, "目标 90.0%（报事报修）" },
		{ 1.0, "目标 100.0%（投诉、特约服务）" },
	};
	static struct text_box v[512];
	struct buf out = BUF_INIT;
	size_t n, i, w, values;

	(void)state;
	svg_trend(&out, "近8周", weeks, 8, series, 4, refs, 2);
	assert_contains(out.s, ">70%</text>");
	assert_lacks(out.s, ">0%</text>");
	assert_lacks(out.s, ">65%</text>");
	assert_contains(out.s, ">目标 90.0%（报事报修）</text>");
	assert_contains(out.s, ">目标 100.0%（投诉、特约服务）</text>");
	/* 90 % on a 70-100 % axis: y = 216 - 180 * 2/3. */
	assert_contains(out.s, "y1=\"96.0\" x2=\"620.0\" y2=\"96.0\"");
	n = assert_no_overlap(out.s);
	/* Each week keeps at least two of its four values. */
	text_boxes(out.s, v, 512);
	for (w = 0; w < 8; w++) {
		double x = 82.0 + 512.0 * (double)w / 7.0;

		values = 0;
		for (i = 0; i < n; i++)
			if (strchr(v[i].text, '%') && v[i].y1 < 216 &&
			    (v[i].x0 + v[i].x1) / 2 > x - 1 &&
			    (v[i].x0 + v[i].x1) / 2 < x + 1)
				values++;
		if (values < 2)
			fail_msg("week %zu keeps %zu values", w, values);
	}
	/* The latest week's satisfaction is always there. */
	assert_contains(out.s, ">76.1%</text>");

	/*
	 * Four series on one point each week: what fits around it (above,
	 * below, beside), never two on top of each other.
	 */
	buf_reset(&out);
	svg_trend(&out, "t", weeks, 8, crowd, 4, NULL, 0);
	assert_no_overlap(out.s);
	assert_true(count(out.s, ">100.0%</text>") >= 16);
	assert_true(count(out.s, ">100.0%</text>") < 32);
	buf_release(&out);
}

/*
 * Every segment of a stacked bar carries its count: inside when it fits,
 * else under the bar, pulled apart so that the small ones side by side
 * (不满意 2, 非常不满意 1) do not touch, each with a leader to its
 * segment.
 */
static void test_svg__numbers_narrow_segments_outside(void **state)
{
	static const char *const names[] = {
		"非常满意", "满意", "一般", "不满意", "非常不满意",
	};
	struct svg_stack rows[] = {
		{ "合计", { 300, 50, 30, 2, 1 } },
		{ "投诉", { 40, 20, 15, 6, 2 } },
	};
	struct buf out = BUF_INIT;

	(void)state;
	svg_stacked(&out, "满意度分布", names, 5, rows, 2);
	assert_int_equal(count(out.s, "class=\"outside seg3\""), 1);
	assert_int_equal(count(out.s, "class=\"outside seg4\""), 2);
	assert_int_equal(count(out.s, "class=\"leader\""), 3);
	assert_contains(out.s, "font-size=\"11\">2</text>");
	assert_contains(out.s, "font-size=\"11\">1</text>");
	/* 300 fits inside its segment. */
	assert_contains(out.s, "font-size=\"11\">300</text>");
	assert_lacks(out.s, "class=\"outside seg0\"");
	assert_no_overlap(out.s);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg__draws_bars_against_their_targets),
		cmocka_unit_test(test_svg__escapes_and_shortens_labels),
		cmocka_unit_test(test_svg__stacks_counts_with_a_legend),
		cmocka_unit_test(test_svg__draws_trend_lines_with_gaps),
		cmocka_unit_test(test_svg__trend_labels_never_overlap),
		cmocka_unit_test(test_svg__numbers_narrow_segments_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
