/*
 * svg.h - the inline SVG charts of the HTML site.
 *
 * Three charts, each appended to a caller-owned buf as one <svg> element
 * that scales to its container (viewBox, width 100%):
 *
 *   svg_bars_target  horizontal bars of a ratio (coverage) per row, each
 *                    against its own target drawn as a dashed line;
 *   svg_stacked      a stacked bar per row (the satisfaction distribution),
 *                    each segment numbered: inside when the number fits,
 *                    else under the bar with a leader to its segment;
 *   svg_trend        lines over weeks (coverage per type, satisfaction),
 *                    on an axis that shows movement, with target lines.
 *
 * The charts read without colour: every bar carries its value as text, a
 * bar below its target says so in words, stacked segments carry their
 * counts and a legend names them in order, and trend series differ by
 * marker shape and dash pattern as well as colour. Colours are presentation
 * attributes that the page's CSS may override through the class names.
 *
 * The charts draw what they are given and compute nothing beyond geometry:
 * values are ratios in [0, 1] (clamped when drawn), counts are counts. All
 * text (labels, titles) is escaped, so any string from an export is safe.
 * These functions never fail.
 */
#ifndef HUIFANG_SVG_H
#define HUIFANG_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct svg_bar {
	const char *label;
	bool has_value;   /* false: no data (ratio with a 0 denominator) */
	double value;     /* [0, 1] */
	bool has_target;
	double target;    /* [0, 1] */
};

/* title: the accessible name (<title>, aria-label). */
void svg_bars_target(struct buf *out, const char *title,
		     const struct svg_bar *bars, size_t n);

#define SVG_MAX_SEGMENTS 8

struct svg_stack {
	const char *label;
	size_t counts[SVG_MAX_SEGMENTS];
};

/*
 * One bar per row, split into nseg segments (at most SVG_MAX_SEGMENTS)
 * named by segment_names, in that order, left to right. A row whose counts
 * are all 0 says "无评价".
 */
void svg_stacked(struct buf *out, const char *title,
		 const char *const *segment_names, size_t nseg,
		 const struct svg_stack *rows, size_t n);

#define SVG_MAX_SERIES 4

struct svg_series {
	const char *name;
	const double *values;   /* nx values in [0, 1] */
	const bool *present;    /* nx flags: false leaves a gap */
};

/* A target drawn across the trend as a dashed line, named by label. */
struct svg_ref {
	double value;           /* [0, 1] */
	const char *label;      /* NULL: the line alone */
};

/*
 * Lines over nx points labelled xlabels (weeks, oldest first), for at most
 * SVG_MAX_SERIES series, with nrefs targets as dashed lines. The axis runs
 * from the 10 % step under the lowest value or target up to 100 %, so a
 * move from 74 % to 83 % shows; the targets are named in the legend. Every
 * point's value is written above it, or below, right or left of it, or
 * left out where it would touch other text or a marker (the latest week
 * is placed first): no two texts of the chart overlap, by the boxes
 * svg_text_width() gives them.
 */
void svg_trend(struct buf *out, const char *title,
	       const char *const *xlabels, size_t nx,
	       const struct svg_series *series, size_t nseries,
	       const struct svg_ref *refs, size_t nrefs);

/*
 * The width the charts reckon for s at font size size: 0.6 em for an
 * ASCII character, 1 em for any other (CJK is square), generous for
 * sans-serif digits so that boxes kept apart are apart on the page.
 */
double svg_text_width(const char *s, double size);

/* "92.3%" (one decimal, C locale) for a ratio. */
void svg_add_percent(struct buf *out, double ratio);

#endif
