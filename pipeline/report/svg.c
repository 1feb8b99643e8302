/*
 * svg.c - inline SVG charts (see svg.h).
 *
 * Geometry is in a fixed user space (400 units wide for the bar charts,
 * 640 for the trend); the viewBox lets the browser scale it to the page,
 * so a chart fits a phone as well as a laptop. Coordinates are written with one decimal in the C locale, so
 * the same data always gives the same bytes. Every piece of text goes
 * through tmpl_escape_html(), and labels are cut to a fixed number of
 * characters (on a UTF-8 boundary) so a long name cannot run over the bars.
 */
#include <stdio.h>
#include <string.h>

#include "report/svg.h"
#include "report/tmpl.h"
#include "util/banned.h"

#define WIDTH 640.0     /* the trend chart */
#define BARS_W 400.0    /* the bar charts */
#define ROW_H 46.0      /* a bar chart row: words, then the bar */
#define TEXT_Y 14.0
#define BAR_Y 20.0
#define BAR_H 16.0
#define TOP 4.0
#define LABEL_CHARS 11

static const char *const seg_fill[SVG_MAX_SEGMENTS] = {
	"#1a7f37", "#8cc98f", "#d0d0d0", "#f0a050", "#b03a2e",
	"#6b6b6b", "#9c9c9c", "#c8c8c8",
};
/* Text on each fill: light on dark fills, dark on light ones. */
static const char *const seg_text[SVG_MAX_SEGMENTS] = {
	"#ffffff", "#111111", "#111111", "#111111", "#ffffff",
	"#ffffff", "#111111", "#111111",
};

static const char *const series_stroke[SVG_MAX_SERIES] = {
	"#1f5fa8", "#1a7f37", "#8a4baf",
};
static const char *const series_dash[SVG_MAX_SERIES] = {
	"", " stroke-dasharray=\"7 4\"", " stroke-dasharray=\"2 3\"",
};

static double clamp01(double v)
{
	if (!(v >= 0.0))
		return 0.0;
	return v > 1.0 ? 1.0 : v;
}

void svg_add_percent(struct buf *out, double ratio)
{
	buf_addf(out, "%.1f%%", ratio * 100.0);
}

static void add_text(struct buf *out, const char *s)
{
	tmpl_escape_html(out, s ? s : "", s ? strlen(s) : 0);
}

/* s cut to at most max characters, "…" marking a cut. */
static void add_label(struct buf *out, const char *s)
{
	size_t i = 0, chars = 0, len;

	if (!s)
		return;
	len = strlen(s);
	while (i < len && chars < LABEL_CHARS) {
		unsigned char c = (unsigned char)s[i];

		i++;
		if (c >= 0x80)
			while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
				i++;
		chars++;
	}
	tmpl_escape_html(out, s, i);
	if (i < len)
		buf_adds(out, "\xe2\x80\xa6");
}

static void open_svg(struct buf *out, const char *cls, const char *title,
		     double width, double height)
{
	buf_addf(out, "<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" "
		 "viewBox=\"0 0 %.0f %.1f\" width=\"100%%\" role=\"img\" "
		 "aria-label=\"", cls, width, height);
	add_text(out, title);
	buf_adds(out, "\" font-size=\"13\" font-family=\"sans-serif\"><title>");
	add_text(out, title);
	buf_adds(out, "</title>");
}

/*
 * The bar charts put each row's words on one line and its bar on the next,
 * full width, so that a chart 400 units wide reads on a phone without
 * scrolling: the label at the left, the value (and total) at the right.
 */
void svg_bars_target(struct buf *out, const char *title,
		     const struct svg_bar *bars, size_t n)
{
	double height = TOP + ROW_H * (double)n + 16.0;
	size_t i;

	open_svg(out, "bars", title, BARS_W, height);
	for (i = 0; i < n; i++) {
		const struct svg_bar *b = &bars[i];
		double y = TOP + ROW_H * (double)i;
		double w = b->has_value ? BARS_W * clamp01(b->value) : 0.0;
		bool below = b->has_value && b->has_target &&
			     b->value < b->target;

		buf_addf(out, "<g class=\"row%s\"><text class=\"label\" "
			 "x=\"0\" y=\"%.1f\">", below ? " below" : "",
			 y + TEXT_Y);
		add_label(out, b->label);
		buf_addf(out, "</text><text class=\"value\" x=\"%.1f\" "
			 "y=\"%.1f\" text-anchor=\"end\">", BARS_W, y + TEXT_Y);
		if (b->has_value)
			svg_add_percent(out, b->value);
		else
			buf_adds(out, "无数据");
		if (b->has_target) {
			buf_adds(out, " 目标");
			svg_add_percent(out, b->target);
			if (b->has_value)
				buf_adds(out, below ? " 未达标" : " 达标");
		}
		/* The track shows where 100 % is. */
		buf_addf(out, "</text><rect class=\"track\" x=\"0\" y=\"%.1f\" "
			 "width=\"%.1f\" height=\"%.1f\" fill=\"#eceff3\"/>",
			 y + BAR_Y, BARS_W, BAR_H);
		if (b->has_value)
			buf_addf(out, "<rect class=\"bar\" x=\"0\" y=\"%.1f\" "
				 "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
				 y + BAR_Y, w, BAR_H,
				 below ? "#c0392b" : "#1f5fa8");
		if (b->has_target)
			buf_addf(out, "<line class=\"target\" x1=\"%.1f\" "
				 "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				 "stroke=\"#111\" stroke-width=\"2\" "
				 "stroke-dasharray=\"4 3\"/>",
				 BARS_W * clamp01(b->target), y + BAR_Y - 3,
				 BARS_W * clamp01(b->target), y + BAR_Y + BAR_H + 3);
		buf_adds(out, "</g>");
	}
	buf_addf(out, "<text class=\"tick\" x=\"0\" y=\"%.1f\" "
		 "font-size=\"11\">0%%</text><text class=\"tick\" x=\"%.1f\" "
		 "y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">100%%</text>",
		 TOP + ROW_H * (double)n + 8, BARS_W, TOP + ROW_H * (double)n + 8);
	buf_adds(out, "</svg>");
}

void svg_stacked(struct buf *out, const char *title,
		 const char *const *segment_names, size_t nseg,
		 const struct svg_stack *rows, size_t n)
{
	double legend_y = TOP + ROW_H * (double)n + 4;
	double height;
	size_t i, k;

	if (nseg > SVG_MAX_SEGMENTS)
		nseg = SVG_MAX_SEGMENTS;
	height = legend_y + 22.0 * (double)((nseg + 1) / 2) + 4;
	open_svg(out, "stacked", title, BARS_W, height);
	for (i = 0; i < n; i++) {
		const struct svg_stack *r = &rows[i];
		double y = TOP + ROW_H * (double)i, x = 0.0;
		size_t total = 0;

		for (k = 0; k < nseg; k++)
			total += r->counts[k];
		buf_addf(out, "<g class=\"row\"><text class=\"label\" x=\"0\" "
			 "y=\"%.1f\">", y + TEXT_Y);
		add_label(out, r->label);
		buf_addf(out, "</text><text class=\"value\" x=\"%.1f\" "
			 "y=\"%.1f\" text-anchor=\"end\">", BARS_W, y + TEXT_Y);
		if (!total) {
			buf_adds(out, "无评价</text></g>");
			continue;
		}
		buf_addf(out, "共 %zu</text>", total);
		for (k = 0; k < nseg; k++) {
			double w;

			if (!r->counts[k])
				continue;
			w = BARS_W * (double)r->counts[k] / (double)total;
			buf_addf(out, "<rect class=\"seg seg%zu\" x=\"%.1f\" "
				 "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				 "fill=\"%s\" stroke=\"#fff\"><title>",
				 k, x, y + BAR_Y, w, BAR_H, seg_fill[k]);
			add_text(out, segment_names[k]);
			buf_addf(out, " %zu</title></rect>", r->counts[k]);
			/* A count fits in a segment of 3 digits' width. */
			if (w >= 22.0)
				buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
					 "text-anchor=\"middle\" fill=\"%s\" "
					 "font-size=\"11\">%zu</text>",
					 x + w / 2, y + BAR_Y + BAR_H - 4,
					 seg_text[k], r->counts[k]);
			x += w;
		}
		buf_adds(out, "</g>");
	}
	/* The legend names the segments in bar order, two to a line. */
	for (k = 0; k < nseg; k++) {
		double lx = 200.0 * (double)(k % 2);
		double ly = legend_y + 22.0 * (double)(k / 2);

		buf_addf(out, "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" "
			 "width=\"14\" height=\"14\" fill=\"%s\" stroke=\"#333\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\">%zu. ",
			 lx, ly, seg_fill[k], lx + 20, ly + 12, k + 1);
		add_text(out, segment_names[k]);
		buf_adds(out, "</text></g>");
	}
	buf_adds(out, "</svg>");
}

static void marker(struct buf *out, size_t s, double x, double y)
{
	switch (s) {
	case 0:
		buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
			 "fill=\"%s\"/>", x, y, series_stroke[s]);
		break;
	case 1:
		buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
			 "height=\"8\" fill=\"%s\"/>", x - 4, y - 4,
			 series_stroke[s]);
		break;
	default:
		buf_addf(out, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" "
			 "fill=\"%s\"/>", x, y - 5, x + 5, y + 4, x - 5, y + 4,
			 series_stroke[s]);
		break;
	}
}

void svg_trend(struct buf *out, const char *title,
	       const char *const *xlabels, size_t nx,
	       const struct svg_series *series, size_t nseries,
	       double target)
{
	const double x0 = 100.0, x1 = 610.0, y0 = 30.0, y1 = 210.0;
	double height = y1 + 34.0 + 22.0;
	size_t i, s;

	if (nseries > SVG_MAX_SERIES)
		nseries = SVG_MAX_SERIES;
	open_svg(out, "trend", title, WIDTH, height);
	for (i = 0; i <= 4; i++) {
		double y = y1 - (y1 - y0) * (double)i / 4.0;

		buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			 "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			 "text-anchor=\"end\" font-size=\"11\">%zu%%</text>",
			 x0, y, x1, y, x0 - 6, y + 4, i * 25);
	}
	if (target >= 0.0) {
		double y = y1 - (y1 - y0) * clamp01(target);

		buf_addf(out, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" "
			 "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.1f\" "
			 "text-anchor=\"end\" font-size=\"11\">目标 ",
			 x0, y, x1, y, x1, y - 4);
		svg_add_percent(out, target);
		buf_adds(out, "</text>");
	}
	for (i = 0; i < nx; i++) {
		double x = nx > 1 ? x0 + (x1 - x0) * (double)i / (double)(nx - 1)
				  : (x0 + x1) / 2;

		buf_addf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
			 "text-anchor=\"middle\" font-size=\"11\">", x, y1 + 18);
		add_label(out, xlabels[i]);
		buf_adds(out, "</text>");
	}
	for (s = 0; s < nseries; s++) {
		const struct svg_series *sr = &series[s];
		bool pen = false;

		buf_addf(out, "<g class=\"series series%zu\"><path d=\"", s);
		for (i = 0; i < nx; i++) {
			double x = nx > 1 ? x0 + (x1 - x0) * (double)i /
					    (double)(nx - 1) : (x0 + x1) / 2;
			double y = y1 - (y1 - y0) * clamp01(sr->values[i]);

			if (!sr->present[i]) {
				pen = false;
				continue;
			}
			buf_addf(out, "%s%.1f %.1f", pen ? "L" : "M", x, y);
			pen = true;
		}
		buf_addf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
			 series_stroke[s], series_dash[s]);
		for (i = 0; i < nx; i++) {
			double x = nx > 1 ? x0 + (x1 - x0) * (double)i /
					    (double)(nx - 1) : (x0 + x1) / 2;
			double y = y1 - (y1 - y0) * clamp01(sr->values[i]);

			if (!sr->present[i])
				continue;
			marker(out, s, x, y);
			/* Labels of the first series above, others below. */
			buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
				 "text-anchor=\"middle\" font-size=\"10\">",
				 x, s == 0 ? y - 8 : y + 16);
			svg_add_percent(out, sr->values[i]);
			buf_adds(out, "</text>");
		}
		buf_adds(out, "</g>");
	}
	for (s = 0; s < nseries; s++) {
		double lx = x0 + 200.0 * (double)s, ly = y1 + 40.0;

		buf_addf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			 "stroke-width=\"2\"%s/>", lx, ly, lx + 30, ly,
			 series_stroke[s], series_dash[s]);
		marker(out, s, lx + 15, ly);
		buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\">", lx + 38, ly + 4);
		add_text(out, series[s].name);
		buf_adds(out, "</text></g>");
	}
	buf_adds(out, "</svg>");
}
