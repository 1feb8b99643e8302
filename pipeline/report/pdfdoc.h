/*
 * pdfdoc.h - a thin layer over libharu 2.3.0 for huifang's PDF reports.
 *
 * Calling order:
 *
 *   struct pdffont font;                 -- once per render
 *   pdffont_prepare(&font, cfg->font_path, cfg->font_index, dir, err);
 *   struct pdfdoc pd;                    -- once per document
 *   pdfdoc_open(&pd, &font, "周报", as_of, err);
 *   pdfdoc_add_page(&pd, PDF_LANDSCAPE);  pdfdoc_text(...); a table ...
 *   pdfdoc_save(&pd, "output/weeks/2026-W47/周报-2026-W47.pdf", err);
 *   pdfdoc_close(&pd);
 *   pdffont_release(&font);              -- removes the prepared font file
 *
 * pdffont_prepare() copies the TrueType font (one face of a .ttc) into a
 * small temporary .ttf: only the glyphs of the characters the render can
 * draw, no table libharu does not need, and a glyph-name-free 'post'
 * (the subsetter itself is ttf_subset.h).
 *
 * Every document records the first libharu error through its error
 * handler; every function below returns -1 once an error is recorded, and
 * pdfdoc_save() refuses to write a document that had one, so a failed
 * document leaves no file. Text is UTF-8; pdfdoc_clean() replaces what the
 * font cannot draw (characters above U+FFFF, characters without a glyph,
 * invalid UTF-8) by a visible U+25A1 and counts them in pd->replaced.
 * Coordinates are PDF points from the bottom left of the page.
 */
#ifndef HUIFANG_PDFDOC_H
#define HUIFANG_PDFDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

#include "report/ttf_subset.h"
#include "util/buf.h"

#define PDF_A4_SHORT 595.276f
#define PDF_A4_LONG 841.89f
#define PDF_BOX "\xe2\x96\xa1"    /* U+25A1 WHITE SQUARE */

enum pdf_orientation { PDF_PORTRAIT, PDF_LANDSCAPE };
enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

struct pdffont {
	char *path;   /* the prepared .ttf, owned; removed by release */
	int subset;   /* 1: only the glyphs of the given characters */
	bool unnamed; /* path is /proc/self/fd/<fd>, a memory file */
	int fd;
};

/*
 * Prepares face index of the TrueType font (or collection) at src in an
 * unnamed memory file that path reaches through /proc/self/fd (so no
 * other user can swap it between its writing and libharu's loading), or,
 * on a system without memfd or /proc, in a temporary file inside dir. With chars (a bitmap of BMP code points,
 * PDFFONT_CHARS_SIZE bytes, bit cp & 7 of byte cp >> 3) the copy holds
 * only those characters' glyphs, renumbered, which makes every document
 * and its loading far smaller; a character outside chars then has no
 * glyph and is drawn as U+25A1. Should the font have a shape the subsetter
 * does not handle, the whole font is kept (subset stays 0). Returns 0, or
 * -1 with "<path>: <cause>" in err (no such file, not a TrueType font,
 * index out of range, CFF-based OpenType that libharu cannot embed).
 * pdffont_release() removes the file and frees the struct's contents; it
 * is safe on a zeroed struct.
 */
int pdffont_prepare(struct pdffont *f, const char *src, int index,
		    const char *dir, const unsigned char *chars,
		    struct buf *err);
/*
 * Checks that src holds font number index in a form pdffont_prepare()
 * can embed, without preparing it: for the commands that render, at
 * config load (issue 13), so that a bad font_path or font_index is a
 * config error before any work. 0, or -1 with err set as above.
 */
int pdffont_check(const char *src, int index, struct buf *err);
#define PDFFONT_CHARS_SIZE TTF_CHARS_SIZE
/* Marks the BMP characters of UTF-8 text s in chars. */
void pdffont_add_chars(unsigned char *chars, const char *s);
void pdffont_release(struct pdffont *f);

struct pdfdoc {
	HPDF_Doc doc;
	HPDF_Font font;
	HPDF_FontDef fontdef;
	HPDF_Encoder encoder;
	HPDF_Page page;              /* the current page */
	HPDF_Page *pages;            /* every page, in order */
	size_t npages, alloc;
	float page_w, page_h;
	HPDF_STATUS error, detail;   /* the first libharu error */
	size_t replaced;             /* characters drawn as U+25A1 */
	int16_t *widths;             /* per BMP code point: -1 unknown,
				      * -2 no glyph, else 1/1000 em */
};

/*
 * Starts a document using the prepared font: compression on, UTF-8
 * encoder, title in the document info, creation and modification dates
 * set to as_of (China time) so the bytes depend on the input only.
 * Returns 0, or -1 with the cause in err (the document is then closed).
 */
int pdfdoc_open(struct pdfdoc *pd, const struct pdffont *font,
		const char *title, int64_t as_of, struct buf *err);
/* Frees everything; safe after a failed open or save. */
void pdfdoc_close(struct pdfdoc *pd);

/* Appends an A4 page and makes it current. */
int pdfdoc_add_page(struct pdfdoc *pd, enum pdf_orientation o);
/* Makes page i (0-based) current again, e.g. to draw "第1页 共3页". */
int pdfdoc_use_page(struct pdfdoc *pd, size_t i);

/*
 * Appends to out the UTF-8 text s made drawable: U+25A1 for invalid UTF-8,
 * characters above U+FFFF and characters without a glyph (each counted in
 * pd->replaced); a space for control characters other than '\n', which
 * is kept as a line break. NULL is the empty string.
 */
void pdfdoc_clean(struct pdfdoc *pd, const char *s, struct buf *out);

/*
 * Width in points of len bytes of clean text at size. Equal to
 * HPDF_Page_TextWidth over the same text, but from a per-character cache,
 * so measuring every prefix of a line costs one addition per character.
 */
float pdfdoc_width(struct pdfdoc *pd, const char *s, size_t len, float size);

struct pdf_line {
	size_t off, len;   /* a slice of the text given to pdfdoc_wrap() */
};

struct pdf_lines {
	struct pdf_line *v;
	size_t nr, alloc;
};

/*
 * Breaks clean text into lines no wider than width at size: at '\n', else
 * before the first character that would overflow (between any two CJK
 * characters, at the last space of a Latin word when there is one, and
 * never before a closing mark such as ， 。 ） that may not begin a line).
 * No character is lost: the lines, joined, are the text minus the '\n'
 * and the spaces a line was broken at. An empty text gives one empty
 * line. Lines are appended to out (reset it yourself); returns their count.
 */
size_t pdfdoc_wrap(struct pdfdoc *pd, const char *text, float size,
		   float width, struct pdf_lines *out);
void pdf_lines_release(struct pdf_lines *l);

/* Draws raw (cleaned here) text with its baseline at (x, y). */
int pdfdoc_text(struct pdfdoc *pd, float x, float y, float size,
		const char *s);
/* Draws s inside [x, x + w], aligned; too long a text is not cut. */
int pdfdoc_text_in(struct pdfdoc *pd, float x, float y, float w, float size,
		   enum pdf_align align, const char *s);
/* Draws len bytes of already clean text. */
int pdfdoc_text_clean(struct pdfdoc *pd, float x, float y, float size,
		      const char *s, size_t len);

/* Colours are 0xRRGGBB; a negative fill or stroke means none. */
int pdfdoc_rect(struct pdfdoc *pd, float x, float y, float w, float h,
		long fill, long stroke, float line_width);
int pdfdoc_line(struct pdfdoc *pd, float x1, float y1, float x2, float y2,
		long stroke, float line_width, int dashed);
/* A tick (ok) or a cross (!ok) drawn with lines inside a size square. */
int pdfdoc_mark(struct pdfdoc *pd, float x, float y, float size, int ok);
/* A polyline through n points. */
int pdfdoc_polyline(struct pdfdoc *pd, const float *xs, const float *ys,
		    size_t n, long stroke, float line_width);

/*
 * Adds a bookmark titled title (UTF-8) under parent (NULL: top level)
 * pointing at the top of the current page. Returns the outline, or NULL
 * after an error.
 */
HPDF_Outline pdfdoc_bookmark(struct pdfdoc *pd, HPDF_Outline parent,
			     const char *title);

/*
 * Saves the document to memory, then to path through outfile.h (aside,
 * then renamed). Refuses (-1, nothing written) if any libharu call
 * failed. err receives "<path>: <cause>".
 */
int pdfdoc_save(struct pdfdoc *pd, const char *path, struct buf *err);
/* The same with the file's mode (less the umask), e.g. 0600. */
int pdfdoc_save_mode(struct pdfdoc *pd, const char *path, unsigned mode,
		     struct buf *err);

/* The first error as text ("libharu error 0x1025 (detail 0)"). */
void pdfdoc_describe_error(const struct pdfdoc *pd, struct buf *out);

/* ---- tables --------------------------------------------------------- */

/* A cell whose text is exactly PDF_CELL_TICK or PDF_CELL_CROSS is drawn as
 * pdfdoc_mark() in the middle of the cell instead of text. */
#define PDF_CELL_TICK "\x01"
#define PDF_CELL_CROSS "\x02"

struct pdf_column {
	const char *title;
	float width;               /* points */
	enum pdf_align align;
};

/*
 * A table that flows over pages: the caller fills in the fields, calls
 * pdf_table_start() where the table begins and pdf_table_row() per row.
 * When a row does not fit above bottom, new_page is called (it must add a
 * page and may draw on it); the table then goes on at top with its header
 * repeated. Cells wrap inside their column; a row taller than a page is
 * split across pages, so no text is ever cut.
 */
struct pdf_table {
	struct pdfdoc *pd;
	const struct pdf_column *cols;
	size_t ncols;
	float x, top, bottom;      /* every page's body area */
	float size;                /* font size */
	float pad;                 /* inside each cell */
	float min_row;             /* minimum row height, e.g. to write in */
	long header_fill, border;
	float keep_with_next;      /* room the next row must leave below it
				    * (e.g. for signature lines), reset by
				    * pdf_table_row() */
	int (*new_page)(struct pdfdoc *pd, void *ctx);
	void *ctx;
	float y;                   /* where the next row starts */
	size_t rows_on_page;
};

int pdf_table_start(struct pdf_table *t, float y);
int pdf_table_row(struct pdf_table *t, const char *const *cells, long fill);
/* The table's total width. */
float pdf_table_width(const struct pdf_table *t);

/* ---- charts --------------------------------------------------------- */

/* A bar chart's bar: value and target in [0, ymax]; has_* false: none. */
struct pdf_bar {
	const char *label;
	double value, target;
	int has_value, has_target;
};

/*
 * Vertical bars in the box (x, y, w, h) with y ticks every 20 % of ymax,
 * the value as a percentage above each bar and above its target line, the
 * target as a dashed line across its bar (a bar below its target is drawn
 * in the warning colour), and the label (wrapped) under it. Value labels
 * never overlap: one that would is lifted a line, or else left out.
 */
int pdfdoc_bar_chart(struct pdfdoc *pd, float x, float y, float w, float h,
		     const struct pdf_bar *bars, size_t n, double ymax);

/*
 * Horizontal stacked bars, one per row label; counts is nrows x nseg,
 * each row drawn as shares of its own sum, the count written inside a
 * segment wide enough and beside the bar (after a swatch of the
 * segment's colour) otherwise; a legend of nseg entries goes above.
 */
int pdfdoc_stacked_bars(struct pdfdoc *pd, float x, float y, float w, float h,
			const char *const *row_labels, size_t nrows,
			const double *counts, size_t nseg,
			const char *const *legend, const long *colors);

/*
 * Lines over n x labels: values is nseries x n, NAN for a missing point
 * (the line breaks there). The y axis runs from ymin to ymax, labelled as
 * percentages; refs are nrefs dashed reference lines (targets), each with
 * its label (or NULL) at the right.
 */
int pdfdoc_line_chart(struct pdfdoc *pd, float x, float y, float w, float h,
		      const char *const *xlabels, size_t n,
		      const double *values, size_t nseries,
		      const char *const *legend, const long *colors,
		      double ymin, double ymax, const double *refs,
		      const char *const *ref_labels, size_t nrefs);

#endif
