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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "report/tmpl.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define WIDTH 640.0     /* the trend chart */
#define BARS_W 400.0    /* the bar charts */
#define ROW_H 46.0      /* a bar chart row: words, then the bar */
#define TEXT_Y 14.0
#define BAR_Y 20.0
#define BAR_H 16.0
#define TOP 4.0
#define LABEL_CHARS 11
#define OUTSIDE_H 14.0  /* under a stacked bar: the counts that do not fit */
#define STACK_ROW_H (ROW_H + OUTSIDE_H)

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
	"#1f5fa8", "#d9822b", "#8a4baf", "#1a7f37",
};
static const char *const series_dash[SVG_MAX_SERIES] = {
	"", " stroke-dasharray=\"7 4\"", " stroke-dasharray=\"2 3\"",
	" stroke-dasharray=\"9 3 2 3\"",
};

static double clamp01(double v)
{
	if (!(v >= 0.0))
		return 0.0;
	return v > 1.0 ? 1.0 : v;
}

double svg_text_width(const char *s, double size)
{
	double w = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x80)
			w += 0.6 * size;
		else if ((c & 0xC0) != 0x80)
			w += size;   /* a CJK character is a square */
	}
	return w;
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

/*
 * The counts of segments too narrow to hold them, under the bar, each
 * with a leader up to its segment: centred under the segment where there
 * is room, pushed right (then back left at the bar's end) so that no two
 * overlap.
 */
#define OUT_GAP 4.0

static void outside_counts(struct buf *out, double bar_bottom,
			   const double *centre, const size_t *count,
			   const size_t *seg, size_t n)
{
	double x[SVG_MAX_SEGMENTS], w[SVG_MAX_SEGMENTS];
	char text[32];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(text, sizeof(text), "%zu", count[i]);
		w[i] = svg_text_width(text, 11.0);
		x[i] = centre[i];
		if (x[i] < w[i] / 2)
			x[i] = w[i] / 2;
		if (i > 0 && x[i] < x[i - 1] + (w[i - 1] + w[i]) / 2 + OUT_GAP)
			x[i] = x[i - 1] + (w[i - 1] + w[i]) / 2 + OUT_GAP;
	}
	for (i = n; i-- > 0;) {
		double limit = i + 1 < n ? x[i + 1] - (w[i + 1] + w[i]) / 2 -
						   OUT_GAP
					 : BARS_W - w[i] / 2;

		if (x[i] > limit)
			x[i] = limit;
	}
	for (i = 0; i < n; i++)
		buf_addf(out, "<line class=\"leader\" x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
			 "stroke-width=\"0.8\"/><text class=\"outside seg%zu\" "
			 "x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			 "font-size=\"11\">%zu</text>",
			 centre[i], bar_bottom, x[i], bar_bottom + 5, seg[i],
			 x[i], bar_bottom + OUTSIDE_H - 1, count[i]);
}

void svg_stacked(struct buf *out, const char *title,
		 const char *const *segment_names, size_t nseg,
		 const struct svg_stack *rows, size_t n)
{
	double legend_y = TOP + STACK_ROW_H * (double)n + 4;
	double height;
	size_t i, k;

	if (nseg > SVG_MAX_SEGMENTS)
		nseg = SVG_MAX_SEGMENTS;
	height = legend_y + 22.0 * (double)((nseg + 1) / 2) + 4;
	open_svg(out, "stacked", title, BARS_W, height);
	for (i = 0; i < n; i++) {
		const struct svg_stack *r = &rows[i];
		double y = TOP + STACK_ROW_H * (double)i, x = 0.0;
		double centre[SVG_MAX_SEGMENTS];
		size_t total = 0, nout = 0, count[SVG_MAX_SEGMENTS],
		       seg[SVG_MAX_SEGMENTS];

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
			char text[32];
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
			/* Inside when it fits, else under the bar. */
			snprintf(text, sizeof(text), "%zu", r->counts[k]);
			if (w >= svg_text_width(text, 11.0) + 4) {
				buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" "
					 "text-anchor=\"middle\" fill=\"%s\" "
					 "font-size=\"11\">%zu</text>",
					 x + w / 2, y + BAR_Y + BAR_H - 4,
					 seg_text[k], r->counts[k]);
			} else {
				centre[nout] = x + w / 2;
				count[nout] = r->counts[k];
				seg[nout++] = k;
			}
			x += w;
		}
		outside_counts(out, y + BAR_Y + BAR_H, centre, count, seg,
			       nout);
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
	case 2:
		buf_addf(out, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" "
			 "fill=\"%s\"/>", x, y - 5, x + 5, y + 4, x - 5, y + 4,
			 series_stroke[s]);
		break;
	default:
		buf_addf(out, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f "
			 "%.1fZ\" fill=\"%s\"/>", x, y - 5, x + 5, y, x, y + 5,
			 x - 5, y, series_stroke[s]);
		break;
	}
}

/*
 * The trend's label placement: boxes already taken (axis labels, target
 * labels, markers, placed value labels); a value label goes above its
 * point, else below it, else right or left of it, else it is left out
 * (the page's table has every figure), so no two pieces of text ever
 * overlap.
 */
struct box {
	double x0, y0, x1, y1;
};

struct boxes {
	struct box *v;
	size_t n, cap;
};

static void boxes_add(struct boxes *b, double x0, double y0, double x1,
		      double y1)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->v = xrealloc(b->v, b->cap * sizeof(*b->v));
	}
	b->v[b->n].x0 = x0, b->v[b->n].y0 = y0;
	b->v[b->n].x1 = x1, b->v[b->n].y1 = y1;
	b->n++;
}

/* The box of a text of that size at (x, baseline y), by its anchor. */
static struct box text_box(const char *s, double size, double x, double y,
			   int anchor /* -1 start, 0 middle, 1 end */)
{
	double w = svg_text_width(s, size);
	struct box b;

	b.x0 = anchor < 0 ? x : anchor == 0 ? x - w / 2 : x - w;
	b.x1 = b.x0 + w;
	b.y0 = y - 0.8 * size;
	b.y1 = y + 0.2 * size;
	return b;
}

static bool boxes_hit(const struct boxes *b, const struct box *t)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (t->x0 < b->v[i].x1 + 1 && b->v[i].x0 < t->x1 + 1 &&
		    t->y0 < b->v[i].y1 + 1 && b->v[i].y0 < t->y1 + 1)
			return true;
	return false;
}

/* A text at (x, y) whose box is taken; anchor as in text_box(). */
static void put_text(struct buf *out, struct boxes *taken, const char *s,
		     double size, double x, double y, int anchor,
		     const char *cls)
{
	struct box b = text_box(s, size, x, y, anchor);

	boxes_add(taken, b.x0, b.y0, b.x1, b.y1);
	buf_addf(out, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" "
		 "text-anchor=\"%s\" font-size=\"%.0f\">", cls, x, y,
		 anchor < 0 ? "start" : anchor == 0 ? "middle" : "end", size);
	add_text(out, s);
	buf_adds(out, "</text>");
}

#define T_X0 56.0    /* the plot's left edge (the axis labels left of it) */
#define T_X1 620.0
#define T_Y0 36.0    /* 100 % */
#define T_Y1 216.0   /* the axis' lowest value */
#define T_INSET 26.0 /* the first and last week stand in from the edges */

/* The axis' lowest value: the 10 % step under the lowest figure. */
static double trend_floor(const struct svg_series *series, size_t nseries,
			  size_t nx, const struct svg_ref *refs, size_t nrefs)
{
	double lowest = 1.0;
	size_t s, i;

	for (s = 0; s < nseries; s++)
		for (i = 0; i < nx; i++)
			if (series[s].present[i] &&
			    clamp01(series[s].values[i]) < lowest)
				lowest = clamp01(series[s].values[i]);
	for (i = 0; i < nrefs; i++)
		if (clamp01(refs[i].value) < lowest)
			lowest = clamp01(refs[i].value);
	lowest = floor(lowest * 10.0 - 0.2) / 10.0;
	return lowest < 0 ? 0 : lowest;
}

void svg_trend(struct buf *out, const char *title,
	       const char *const *xlabels, size_t nx,
	       const struct svg_series *series, size_t nseries,
	       const struct svg_ref *refs, size_t nrefs)
{
	double height = T_Y1 + (nrefs ? 80.0 : 58.0), low, step;
	struct boxes taken = { NULL, 0, 0 };
	char text[64];
	double *px;
	size_t i, s, k, nticks;

	if (nseries > SVG_MAX_SERIES)
		nseries = SVG_MAX_SERIES;
	low = trend_floor(series, nseries, nx, refs, nrefs);
	step = 1.0 - low <= 0.3 + 1e-9 ? 0.05 : 1.0 - low <= 0.6 + 1e-9
							 ? 0.1 : 0.2;
	px = xcalloc(nx ? nx : 1, sizeof(*px));
	for (i = 0; i < nx; i++)
		px[i] = nx > 1 ? T_X0 + T_INSET + (T_X1 - T_X0 - 2 * T_INSET) *
				 (double)i / (double)(nx - 1)
			       : (T_X0 + T_X1) / 2;
#define TY(v) (T_Y1 - (T_Y1 - T_Y0) * (clamp01(v) - low) / (1.0 - low))
	open_svg(out, "trend", title, WIDTH, height);
	/* The axis: from low to 100 %, a grid line and a label per step. */
	nticks = (size_t)floor((1.0 - low) / step + 0.5);
	for (k = 0; k <= nticks; k++) {
		double tick = 1.0 - step * (double)k;
		double y = TY(tick);

		buf_addf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>",
			 T_X0, y, T_X1, y);
		snprintf(text, sizeof(text), "%.0f%%", tick * 100.0);
		put_text(out, &taken, text, 11, T_X0 - 6, y + 4, 1, "tick");
	}
	for (i = 0; i < nx; i++)
		put_text(out, &taken, xlabels[i], 11, px[i], T_Y1 + 18, 0,
			 "tick");
	/* The targets, dashed (named in the legend, so the plot is free). */
	for (i = 0; i < nrefs; i++) {
		double y = TY(refs[i].value);

		buf_addf(out, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" "
			 "stroke-dasharray=\"4 3\"/>", T_X0, y, T_X1, y);
	}
	/* The lines and their markers, which value labels keep clear of. */
	for (s = 0; s < nseries; s++) {
		const struct svg_series *sr = &series[s];
		bool pen = false;

		buf_addf(out, "<g class=\"series series%zu\"><path d=\"", s);
		for (i = 0; i < nx; i++) {
			if (!sr->present[i]) {
				pen = false;
				continue;
			}
			buf_addf(out, "%s%.1f %.1f", pen ? "L" : "M", px[i],
				 TY(sr->values[i]));
			pen = true;
		}
		buf_addf(out, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>",
			 series_stroke[s], series_dash[s]);
		for (i = 0; i < nx; i++) {
			if (!sr->present[i])
				continue;
			marker(out, s, px[i], TY(sr->values[i]));
			boxes_add(&taken, px[i] - 5, TY(sr->values[i]) - 5,
				  px[i] + 5, TY(sr->values[i]) + 5);
		}
		buf_adds(out, "</g>");
	}
	/*
	 * Value labels, the latest week first (it matters most), above the
	 * point, else below, else left out.
	 */
	for (i = nx; i-- > 0;) {
		for (s = 0; s < nseries; s++) {
			const struct svg_series *sr = &series[s];
			double y = TY(sr->values[i]);

			if (!sr->present[i])
				continue;
			snprintf(text, sizeof(text), "%.1f%%",
				 sr->values[i] * 100.0);
			for (k = 0; k < 4; k++) {
				static const double dx[4] = { 0, 0, 8, -8 };
				static const double dy[4] = { -8, 16, 4, 4 };
				static const int anchor[4] = { 0, 0, -1, 1 };
				struct box b = text_box(text, 10, px[i] + dx[k],
							y + dy[k], anchor[k]);

				if (b.y0 < 2 || b.y1 > T_Y1 + 6 ||
				    b.x0 < T_X0 || b.x1 > WIDTH - 2 ||
				    boxes_hit(&taken, &b))
					continue;
				put_text(out, &taken, text, 10, px[i] + dx[k],
					 y + dy[k], anchor[k], "value");
				break;
			}
		}
	}
	/* The legend: each series' line, marker and name, then the targets. */
	for (i = 0; i < nrefs; i++) {
		double lx = T_X0 + 280.0 * (double)i, ly = T_Y1 + 62.0;

		if (!refs[i].label)
			continue;
		buf_addf(out, "<g class=\"legend\"><line x1=\"%.1f\" "
			 "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" "
			 "stroke-dasharray=\"4 3\"/>", lx, ly, lx + 30, ly);
		put_text(out, &taken, refs[i].label, 12, lx + 38, ly + 4, -1,
			 "legend");
		buf_adds(out, "</g>");
	}
	for (s = 0; s < nseries; s++) {
		double lx = T_X0 + 140.0 * (double)s, ly = T_Y1 + 40.0;

		buf_addf(out, "<g class=\"legend\"><line x1=\"%.1f\" y1=\"%.1f\" "
			 "x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			 "stroke-width=\"2\"%s/>", lx, ly, lx + 30, ly,
			 series_stroke[s], series_dash[s]);
		marker(out, s, lx + 15, ly);
		put_text(out, &taken, series[s].name, 12, lx + 38, ly + 4, -1,
			 "legend");
		buf_adds(out, "</g>");
	}
#undef TY
	buf_adds(out, "</svg>");
	free(px);
	free(taken.v);
}
