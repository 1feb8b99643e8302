/*
 * render_pdf.c - the week's PDFs: the weekly management report and one
 * 《回访记录表》 per service centre (render_pdf_week() of render.h); the
 * audit sheets are render_audit.c's.
 *
 * Everything shown comes from the view model (metrics.json, records.json,
 * samples.json as cJSON trees); this file formats numbers (a ratio as a
 * percentage with one decimal) and lays them out, and computes no figure.
 * Wording, column titles, widths and order come from the JSON templates in
 * <templates_dir>/pdf/ (weekly.json, record_form.json), read at run
 * time through pdf_tmpl.h; a label missing from a template shows as
 * "[key]" so that whoever edits a template sees what is missing.
 *
 * Invariants: every page is laid out first and its running header and
 * footer ("第N页 共M页") drawn once the page count is known; every file name
 * derived from the input goes through text_safe_file_name() and stays inside
 * week_dir; a document that fails leaves no file (pdfdoc_save writes
 * aside, then renames). The font is subset once per render to the
 * characters of the view model, the templates, the config's header and
 * code_chars below, so every character this file draws must come from
 * one of those.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/chtime.h"
#include "report/pdfdoc.h"
#include "report/pdf_tmpl.h"
#include "model/ticket.h"
#include "report/render.h"
#include "util/xalloc.h"
#include "util/textio.h"
#include "util/banned.h"

#define MARGIN 36.0f
#define SIGNATURE_HEIGHT 40.0f

/* n empty buffers; xcalloc alone would leave their strings NULL. */
static struct buf *bufs_new(size_t n)
{
	struct buf *b = xcalloc(n, sizeof(*b));
	size_t i;

	for (i = 0; i < n; i++)
		buf_init(&b[i]);
	return b;
}

static const char *or_default(const char *s, const char *def)
{
	return s && *s ? s : def ? def : "";
}

/* ---- formatting ----------------------------------------------------- */

static void add_pct(struct buf *b, double v)
{
	buf_addf(b, "%.1f%%", v * 100.0);
}

static void add_number(struct buf *b, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(b, "%.0f", v);
	else
		buf_addf(b, "%g", v);
}

/*
 * Formats obj[key] for a table cell. Returns the text in out (reset), or
 * PDF_CELL_TICK / PDF_CELL_CROSS for a "mark" column.
 */
static const char *format_cell(struct buf *out, const cJSON *obj,
			       const struct pdf_tmpl_col *c, const struct pdf_tmpl *t)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, c->key);
	const char *f = c->format ? c->format : "text";

	buf_reset(out);
	if (!strcmp(f, "mark")) {
		if (cJSON_IsBool(v))
			return cJSON_IsTrue(v) ? PDF_CELL_TICK : PDF_CELL_CROSS;
		buf_adds(out, pdf_tmpl_label(t, "none"));
	} else if (!strcmp(f, "ranked")) {
		/* A ranked butler shows the rank metrics.json gives, an
		 * unranked one the template's words for "not ranked". */
		const cJSON *rank = cJSON_GetObjectItemCaseSensitive(obj, "rank");

		if (cJSON_IsFalse(v))
			buf_adds(out, pdf_tmpl_label(t, "not_ranked"));
		else if (cJSON_IsTrue(v) && cJSON_IsNumber(rank))
			add_number(out, rank->valuedouble);
	} else if (!strcmp(f, "anomaly") && cJSON_IsString(v)) {
		struct buf missing = BUF_INIT;
		const char *s = pdf_tmpl_section_label(t, "anomaly_kinds", v->valuestring,
					      &missing);

		buf_adds(out, s == missing.s ? v->valuestring : s);
		buf_release(&missing);
	} else if (!strcmp(f, "change") && cJSON_IsNumber(v)) {
		/* A change of a ratio, in points with an arrow: ▲ 1.2. */
		double pts = v->valuedouble * 100.0;

		if (fabs(pts) < 0.05)
			buf_adds(out, "＝ 0.0");
		else
			buf_addf(out, "%s %.1f", pts > 0 ? "▲" : "▼", fabs(pts));
	} else if (cJSON_IsNull(v) || !v) {
		buf_adds(out, pdf_tmpl_label(t, "none"));
	} else if (cJSON_IsNumber(v)) {
		if (!strcmp(f, "pct"))
			add_pct(out, v->valuedouble);
		else if (!strcmp(f, "hours"))
			buf_addf(out, "%.1f", v->valuedouble);
		else
			add_number(out, v->valuedouble);
	} else if (cJSON_IsArray(v) && !strcmp(f, "ci") &&
		   cJSON_GetArraySize(v) == 2 &&
		   cJSON_IsNumber(cJSON_GetArrayItem(v, 0)) &&
		   cJSON_IsNumber(cJSON_GetArrayItem(v, 1))) {
		buf_addf(out, "%.1f–%.1f%%",
			 cJSON_GetArrayItem(v, 0)->valuedouble * 100.0,
			 cJSON_GetArrayItem(v, 1)->valuedouble * 100.0);
	} else if (cJSON_IsString(v)) {
		buf_adds(out, v->valuestring);
	} else if (cJSON_IsBool(v)) {
		buf_adds(out, cJSON_IsTrue(v) ? "是" : "否");
	} else {
		buf_adds(out, pdf_tmpl_label(t, "none"));
	}
	return out->s;
}

/* ---- the render and its documents ---------------------------------- */

struct render {
	const struct week_view *v;
	const struct config *cfg;
	const char *templates_dir;
	const char *week_dir;
	struct diag *d;
	struct pdffont font;
	const char *company, *document_code, *version, *effective_date;
	const char *week, *week_start, *week_end, *as_of_text;
	const char *seed;           /* NULL: a month or quarter (no samples) */
	int64_t as_of;
	struct string_list names;   /* file names written, to keep unique */
	struct pdf_tmpl weekly, form, centre;   /* root NULL: not loaded */
	/* company.document_codes; "" when not configured. */
	const char *code_weekly, *code_audit, *code_centre;
	int failed;
};

struct doc {
	struct render *r;
	const struct pdf_tmpl *t;
	struct pdfdoc pd;
	enum pdf_orientation o;
	float top, bottom, left, width;   /* the body area */
	float y;                          /* the flow position */
	float size;                       /* body font size */
	float pad;                        /* cell padding; 0: the template's */
	const char *page_note;            /* drawn under the header */
	const char *doc_code;             /* a form's 文件编号 */
	struct buf note;
};

static int doc_new_page(struct pdfdoc *pd, void *ctx)
{
	struct doc *dc = ctx;

	if (pdfdoc_add_page(pd, dc->o) < 0)
		return -1;
	dc->left = MARGIN;
	dc->width = pd->page_w - 2 * MARGIN;
	dc->y = dc->top;
	if (dc->page_note && *dc->page_note) {
		pdfdoc_text(pd, dc->left, dc->y - 10, 9, dc->page_note);
		dc->y -= 16;
	}
	return pd->error ? -1 : 0;
}

static void report_error(struct render *r, const char *path,
			 const struct buf *err)
{
	diag_report(r->d, DIAG_ERROR, NULL, 0, 0, "%s",
		    err->len ? err->s : path);
	r->failed = 1;
}

static int doc_open(struct doc *dc, struct render *r, const struct pdf_tmpl *t,
		    const char *title)
{
	struct buf err = BUF_INIT;
	const char *o = cjson_str_of(t->root, "orientation");

	memset(dc, 0, sizeof(*dc));
	dc->r = r;
	dc->t = t;
	dc->o = o && !strcmp(o, "landscape") ? PDF_LANDSCAPE : PDF_PORTRAIT;
	dc->size = (float)cjson_num_of(t->root, "font_size", 8);
	if (dc->size < 5 || dc->size > 20)
		dc->size = 8;
	if (pdfdoc_open(&dc->pd, &r->font, title, r->as_of, &err) < 0) {
		report_error(r, title, &err);
		buf_release(&err);
		return -1;
	}
	dc->width = (dc->o == PDF_LANDSCAPE ? PDF_A4_LONG : PDF_A4_SHORT) -
		    2 * MARGIN;
	dc->left = MARGIN;
	buf_release(&err);
	return 0;
}

/* "<prefix>-<part>", both made safe as a file name. */
static void file_base_name(struct buf *name, const char *prefix,
			   const char *part)
{
	text_safe_file_name(name, prefix);
	buf_addch(name, '-');
	text_safe_file_name(name, part);
}

/*
 * Saves the document as <week_dir>/<prefix>-<safe part>.pdf, unique among
 * the files of this render; the prefix is the template's "file_prefix",
 * else its title.
 */
static int doc_save(struct doc *dc, const char *title, const char *part)
{
	struct render *r = dc->r;
	const char *prefix = cjson_str_of(dc->t->root, "file_prefix");
	struct buf name = BUF_INIT, path = BUF_INIT, err = BUF_INIT;
	size_t base_len;
	int n = 2, ret;

	file_base_name(&name, prefix ? prefix : title, part);
	base_len = name.len;
	buf_adds(&name, ".pdf");
	while (string_list_has(&r->names, name.s)) {
		buf_setlen(&name, base_len);
		buf_addf(&name, "-%d.pdf", n++);
	}
	string_list_add(&r->names, name.s);
	buf_addf(&path, "%s/%s", r->week_dir, name.s);
	ret = pdfdoc_save(&dc->pd, path.s, &err);
	if (ret < 0)
		report_error(r, path.s, &err);
	else if (dc->pd.replaced)
		diag_report(r->d, DIAG_WARNING, path.s, 0, 0,
			    "%zu characters the font cannot draw are shown "
			    "as \u25A1", dc->pd.replaced);
	buf_release(&name);
	buf_release(&path);
	buf_release(&err);
	return ret;
}

static void doc_close(struct doc *dc)
{
	pdfdoc_close(&dc->pd);
	buf_release(&dc->note);
}

/* Reports why the document what could not be drawn, as "what: cause". */
static void doc_fail(struct doc *dc, const char *what)
{
	struct buf err = BUF_INIT;

	buf_addf(&err, "%s: ", what);
	pdfdoc_describe_error(&dc->pd, &err);
	report_error(dc->r, what, &err);
	buf_release(&err);
}

/* The template's "title", else its label of that name. */
static const char *doc_title(const struct pdf_tmpl *t)
{
	const char *title = cjson_str_of(t->root, "title");

	return title ? title : pdf_tmpl_label(t, "title");
}

int render_pdf_file_name(struct buf *out, const char *templates_dir,
			 const char *template_name, const char *period_kind,
			 const char *part, struct diag *d)
{
	struct pdf_tmpl t;
	const char *prefix;

	memset(&t, 0, sizeof(t));
	if (pdf_tmpl_load(&t, templates_dir, template_name, d) < 0)
		return -1;
	/* A month's or quarter's own prefix (月报-, 中心季报-), as rendered. */
	if (period_kind && strcmp(period_kind, "week") &&
	    pdf_tmpl_apply_period(&t, period_kind, d) < 0) {
		pdf_tmpl_release(&t);
		return -1;
	}
	prefix = cjson_str_of(t.root, "file_prefix");
	file_base_name(out, prefix ? prefix : doc_title(&t), part);
	buf_adds(out, ".pdf");
	pdf_tmpl_release(&t);
	return 0;
}

/* Starts a new page when less than need points are left. */
static int ensure(struct doc *dc, float need)
{
	if (dc->pd.npages == 0 || dc->y - need < dc->bottom)
		return doc_new_page(&dc->pd, dc);
	return dc->pd.error ? -1 : 0;
}

static int heading(struct doc *dc, const char *text, float size)
{
	if (ensure(dc, size * 2 + 60) < 0)
		return -1;
	dc->y -= size * 1.6f;
	pdfdoc_text(&dc->pd, dc->left, dc->y, size, text);
	dc->y -= size * 0.8f;
	return dc->pd.error ? -1 : 0;
}

static int paragraph(struct doc *dc, const char *text, float size)
{
	struct buf clean = BUF_INIT;
	struct pdf_lines lines = { 0 };
	size_t i;

	pdfdoc_clean(&dc->pd, text, &clean);
	pdfdoc_wrap(&dc->pd, clean.s, size, dc->width, &lines);
	for (i = 0; i < lines.nr; i++) {
		if (ensure(dc, size * 1.5f) < 0)
			break;
		dc->y -= size * 1.5f;
		pdfdoc_text_clean(&dc->pd, dc->left, dc->y, size,
				  clean.s + lines.v[i].off, lines.v[i].len);
	}
	dc->y -= size * 0.5f;
	buf_release(&clean);
	pdf_lines_release(&lines);
	return dc->pd.error ? -1 : 0;
}

/* The padding inside a table's cells. */
static float doc_pad(const struct doc *dc)
{
	if (dc->pad > 0)
		return dc->pad;
	return (float)cjson_num_of(dc->t->root, "cell_padding", 2.5);
}

static void table_init(struct pdf_table *tb, struct doc *dc,
		       const struct pdf_tmpl_cols *cs, float min_row)
{
	memset(tb, 0, sizeof(*tb));
	tb->pd = &dc->pd;
	tb->cols = cs->pdf;
	tb->ncols = cs->n;
	tb->x = dc->left;
	tb->top = dc->top - (dc->page_note && *dc->page_note ? 16 : 0);
	tb->bottom = dc->bottom;
	tb->size = dc->size;
	tb->pad = doc_pad(dc);
	tb->min_row = min_row;
	tb->header_fill = 0xE4ECF4;
	tb->border = 0x8C8C8C;
	tb->new_page = doc_new_page;
	tb->ctx = dc;
}

/*
 * Widens column key of cs so that text fits on one line, taking the width
 * from the widest other column; nothing when it fits already or text is
 * NULL. The pdfdoc and the table both read cs->pdf, so the two agree.
 */
static void fit_column_to(struct doc *dc, struct pdf_tmpl_cols *cs,
			  const char *key, const char *text)
{
	struct buf clean = BUF_INIT;
	float pad = doc_pad(dc);
	float need;
	size_t i, col = cs->n, widest = cs->n;

	if (!text)
		return;
	for (i = 0; i < cs->n; i++) {
		if (!strcmp(cs->v[i].key, key))
			col = i;
		else if (widest == cs->n ||
			 cs->pdf[i].width > cs->pdf[widest].width)
			widest = i;
	}
	if (col == cs->n || widest == cs->n)
		return;
	pdfdoc_clean(&dc->pd, text, &clean);
	need = pdfdoc_width(&dc->pd, clean.s, clean.len, dc->size) +
	       2 * pad + 1;
	buf_release(&clean);
	if (need <= cs->pdf[col].width ||
	    cs->pdf[widest].width - (need - cs->pdf[col].width) < 20)
		return;
	cs->pdf[widest].width -= need - cs->pdf[col].width;
	cs->pdf[col].width = need;
	cs->v[widest].c.width = cs->pdf[widest].width;
	cs->v[col].c.width = need;
}

/*
 * A table of JSON objects with template columns; rows is an array (or
 * NULL). At most max rows are drawn (0: all); returns how many were.
 */
static long object_table(struct doc *dc, const char *table_key,
			 const cJSON *rows, size_t max, const cJSON *extra)
{
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(dc->t->root,
							       "tables");
	struct pdf_tmpl_cols cs;
	struct pdf_table tb;
	struct buf *cells;
	const char **texts;
	const cJSON *row;
	size_t i, drawn = 0;
	long ret = -1;

	if (pdf_tmpl_cols_load(&cs, dc->t, cJSON_GetObjectItemCaseSensitive(tables,
								   table_key),
		      table_key, dc->width, dc->r->d) < 0)
		return -1;
	cells = bufs_new(cs.n);
	texts = xcalloc(cs.n, sizeof(*texts));
	/*
	 * Ticket numbers and times are never broken: their columns widen to
	 * the longest value drawn (fit_column_to() takes the width from the
	 * widest column, whose text wraps instead).
	 */
	for (i = 0; i < cs.n; i++) {
		const char *key = cs.v[i].key;
		size_t len = strlen(key), longest = 0, k = 0;
		struct buf text = BUF_INIT;

		if (strcmp(key, "ticket") &&
		    (len < 3 || strcmp(key + len - 3, "_at")))
			continue;
		cJSON_ArrayForEach(row, rows) {
			if (max && k++ >= max)
				break;
			format_cell(&cells[i], row, &cs.v[i], dc->t);
			if (cells[i].len > longest) {
				longest = cells[i].len;
				buf_reset(&text);
				buf_add(&text, cells[i].s, cells[i].len);
			}
		}
		if (longest)
			fit_column_to(dc, &cs, key, text.s);
		buf_release(&text);
	}
	table_init(&tb, dc, &cs, 0);
	if (ensure(dc, 60) < 0 || pdf_table_start(&tb, dc->y) < 0)
		goto out;
	cJSON_ArrayForEach(row, rows) {
		if (max && drawn >= max)
			break;
		for (i = 0; i < cs.n; i++)
			texts[i] = format_cell(&cells[i], row, &cs.v[i], dc->t);
		if (pdf_table_row(&tb, texts, drawn % 2 ? 0xF6F6F6 : -1) < 0)
			goto out;
		drawn++;
	}
	if (extra) {
		for (i = 0; i < cs.n; i++)
			texts[i] = format_cell(&cells[i], extra, &cs.v[i], dc->t);
		if (pdf_table_row(&tb, texts, 0xEDEDED) < 0)
			goto out;
	}
	dc->y = tb.y - 6;
	ret = (long)drawn;
out:
	for (i = 0; i < cs.n; i++)
		buf_release(&cells[i]);
	free(cells);
	free(texts);
	pdf_tmpl_cols_release(&cs);
	return ret;
}

/*
 * The document header of the company's forms, on every page. For a
 * provisional week (metrics.json "provisional": true) the header's top
 * right corner carries the template's "provisional" label in a red box,
 * so that no page of the form can be mistaken for the week's final one.
 */
static int draw_form_headers(struct doc *dc, const char *title)
{
	struct render *r = dc->r;
	struct pdfdoc *pd = &dc->pd;
	struct buf line = BUF_INIT, page = BUF_INIT, num = BUF_INIT,
		   total = BUF_INIT;
	const char *mark = NULL;
	float mark_w = 0;
	size_t i;

	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r->v->metrics,
							  "provisional"))) {
		mark = pdf_tmpl_label(dc->t, "provisional");
		mark_w = pdfdoc_width(pd, mark, strlen(mark), 9) + 10;
	}

	buf_addf(&total, "%zu", pd->npages);
	for (i = 0; i < pd->npages; i++) {
		const char *kv[4];
		float w, y;

		if (pdfdoc_use_page(pd, i) < 0)
			break;
		w = pd->page_w;
		y = pd->page_h - MARGIN + 6;
		pdfdoc_text_in(pd, MARGIN, y - 12, w - 2 * MARGIN, 11,
			       PDF_CENTER, r->company);
		buf_reset(&line);
		buf_addf(&line, "《%s》", title);
		pdfdoc_text_in(pd, MARGIN, y - 32, w - 2 * MARGIN, 15,
			       PDF_CENTER, line.s);
		buf_reset(&num);
		buf_addf(&num, "%zu", i + 1);
		kv[0] = "n", kv[1] = num.s, kv[2] = "m", kv[3] = total.s;
		buf_reset(&page);
		pdf_tmpl_fill(&page, pdf_tmpl_label(dc->t, "page"), kv, 2);
		buf_reset(&line);
		buf_addf(&line, "%s：%s", pdf_tmpl_label(dc->t, "document_code"),
			 dc->doc_code ? dc->doc_code : r->document_code);
		pdfdoc_text(pd, MARGIN, y - 50, 8, line.s);
		buf_reset(&line);
		buf_addf(&line, "%s：%s", pdf_tmpl_label(dc->t, "version"), r->version);
		pdfdoc_text(pd, MARGIN + (w - 2 * MARGIN) * 0.3f, y - 50, 8,
			    line.s);
		buf_reset(&line);
		buf_addf(&line, "%s：%s", pdf_tmpl_label(dc->t, "effective_date"),
			 r->effective_date);
		pdfdoc_text(pd, MARGIN + (w - 2 * MARGIN) * 0.55f, y - 50, 8,
			    line.s);
		pdfdoc_text_in(pd, MARGIN, y - 50, w - 2 * MARGIN, 8,
			       PDF_RIGHT, page.s);
		pdfdoc_line(pd, MARGIN, y - 55, w - MARGIN, y - 55, 0x333333,
			    0.8f, 0);
		if (mark) {
			pdfdoc_rect(pd, w - MARGIN - mark_w, y - 16, mark_w, 15,
				    0xFDECEA, 0xC0392B, 1);
			pdfdoc_text_in(pd, w - MARGIN - mark_w, y - 12, mark_w,
				       9, PDF_CENTER, mark);
		}
	}
	buf_release(&line);
	buf_release(&page);
	buf_release(&num);
	buf_release(&total);
	return pd->error ? -1 : 0;
}

/* Signature lines at the end of a form. */
static int signatures(struct doc *dc, const char *left_key,
		      const char *right_key)
{
	struct pdfdoc *pd = &dc->pd;
	struct buf s = BUF_INIT;
	float half = dc->width / 2;

	if (ensure(dc, SIGNATURE_HEIGHT) < 0)
		return -1;
	dc->y -= 26;
	buf_addf(&s, "%s：________________    %s：____________",
		 pdf_tmpl_label(dc->t, left_key), pdf_tmpl_label(dc->t, "sign_date"));
	pdfdoc_text(pd, dc->left, dc->y, 9, s.s);
	if (right_key) {
		buf_reset(&s);
		buf_addf(&s, "%s：________________    %s：____________",
			 pdf_tmpl_label(dc->t, right_key), pdf_tmpl_label(dc->t, "sign_date"));
		pdfdoc_text(pd, dc->left + half, dc->y, 9, s.s);
	}
	dc->y -= 10;
	buf_release(&s);
	return pd->error ? -1 : 0;
}

/*
 * Opens a form: its pages start below the header draw_form_headers()
 * draws at the end, and its table has the template's "columns". Returns
 * 0, or -1 with the cause reported and nothing left to close.
 */
static int form_open(struct doc *dc, struct render *r, const struct pdf_tmpl *t,
		     const char *title, struct pdf_tmpl_cols *cs)
{
	if (doc_open(dc, r, t, title) < 0)
		return -1;
	dc->top = (dc->o == PDF_LANDSCAPE ? PDF_A4_SHORT : PDF_A4_LONG) -
		  MARGIN - 56;
	dc->bottom = MARGIN;
	if (pdf_tmpl_cols_load(cs, t, cJSON_GetObjectItemCaseSensitive(t->root,
							      "columns"),
		      "columns", dc->width, r->d) < 0) {
		r->failed = 1;
		doc_close(dc);
		return -1;
	}
	return 0;
}

/* ---- the 《回访记录表》 ---------------------------------------------- */

static const char *record_cell(struct buf *out, const cJSON *row,
			       const struct pdf_tmpl_col *c, size_t seq,
			       const struct pdf_tmpl *t)
{
	buf_reset(out);
	if (!strcmp(c->key, "seq")) {
		buf_addf(out, "%zu", seq);
	} else if (!strcmp(c->key, "result_satisfaction")) {
		const char *res = cjson_str_of(row, "result");
		const char *sat = cjson_str_of(row, "satisfaction");

		buf_adds(out, res ? res : "");
		if (sat && *sat) {
			if (out->len)
				buf_adds(out, "／");
			buf_adds(out, sat);
		}
	} else if (!strcmp(c->key, "round")) {
		/* 首次 or 二次 (records.json's round: 1, or 2 for any later). */
		double round = cjson_num_of(row, "round", 0);

		if (round >= 1 && t)
			buf_adds(out, pdf_tmpl_label(t, round >= 2 ? "round_2"
								 : "round_1"));
	} else if (!strcmp(c->key, "blank")) {
		/* left empty for the person filling in the paper form */
	} else {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, c->key);

		if (cJSON_IsString(v))
			buf_adds(out, v->valuestring);
		else if (cJSON_IsNumber(v))
			add_number(out, v->valuedouble);
	}
	return out->s;
}

/* A records.json row with its position, for a stable sort. */
struct record_ref {
	const cJSON *row;
	const char *center, *butler;
	size_t pos;
};

static int cmp_by_center_butler(const void *a, const void *b)
{
	const struct record_ref *x = a, *y = b;
	int c = strcmp(x->center, y->center);

	if (!c)
		c = strcmp(x->butler, y->butler);
	if (!c)
		c = (x->pos > y->pos) - (x->pos < y->pos);
	return c;
}

/*
 * One centre's form: refs[0..n) are its rows, sorted by butler and then
 * in records.json order (time, ticket).
 */
static int render_record_form(struct render *r, const struct pdf_tmpl *t,
			      const struct record_ref *refs, size_t n)
{
	const char *title = doc_title(t);
	const char *center = refs[0].center;
	struct doc dc;
	struct pdf_tmpl_cols cs;
	struct pdf_table tb;
	struct buf *cells = NULL, period = BUF_INIT;
	const char **texts = NULL;
	const char *kv[4];
	size_t i, k, start;
	int page_per_butler = cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(t->root, "page_per_butler"));
	int ret = -1;

	if (form_open(&dc, r, t, title, &cs) < 0)
		return -1;
	cells = bufs_new(cs.n);
	texts = xcalloc(cs.n, sizeof(*texts));
	kv[0] = "start", kv[1] = r->week_start, kv[2] = "end", kv[3] = r->week_end;
	pdf_tmpl_fill(&period, pdf_tmpl_label(t, "period"), kv, 2);

	/*
	 * Ticket numbers are never broken: the ticket column is widened to
	 * the longest number of the form, at the expense of the widest
	 * column (its text wraps instead); fit_column_to() stops taking
	 * width from a column that would fall under 20 points.
	 */
	for (i = 0; i < n; i++) {
		fit_column_to(&dc, &cs, "ticket",
			      cjson_str_of(refs[i].row, "ticket"));
		/* Dates and rooms read better unbroken too. */
		fit_column_to(&dc, &cs, "date",
			      cjson_str_of(refs[i].row, "date"));
		fit_column_to(&dc, &cs, "unit",
			      cjson_str_of(refs[i].row, "unit"));
	}

	/*
	 * One section per butler, flowing one after the other, each with a
	 * bookmark, its title, its own sequence numbers and its own
	 * signature lines; a page of its own only when the template asks
	 * (page_per_butler), for forms that are signed page by page.
	 */
	for (start = 0; start < n; start = k) {
		const char *butler = refs[start].butler;
		struct buf head = BUF_INIT;

		for (k = start; k < n && !strcmp(refs[k].butler, butler); k++)
			;
		/* A page that starts inside a section names its butler. */
		buf_reset(&dc.note);
		buf_addf(&dc.note, "%s：%s    %s：%s    %s：%s（%s）",
			 pdf_tmpl_label(t, "center"), *center ? center : "—",
			 pdf_tmpl_label(t, "butler"), *butler ? butler : "—",
			 pdf_tmpl_label(t, "week"), r->week, period.s);
		dc.page_note = dc.note.s;
		if (start == 0 || page_per_butler) {
			if (doc_new_page(&dc.pd, &dc) < 0)
				goto out;
		} else if (ensure(&dc, 3 * dc.size + 40 + SIGNATURE_HEIGHT) < 0) {
			goto out;
		}
		if (!pdfdoc_bookmark(&dc.pd, NULL, *butler ? butler : "—"))
			goto out;
		buf_addf(&head, "%s：%s（%zu）", pdf_tmpl_label(t, "butler"),
			 *butler ? butler : "—", k - start);
		dc.y -= 4;
		i = paragraph(&dc, head.s, 9) < 0;
		buf_release(&head);
		if (i)
			goto out;
		table_init(&tb, &dc, &cs, 0);
		if (pdf_table_start(&tb, dc.y) < 0)
			goto out;
		for (i = start; i < k; i++) {
			size_t c;
			int second = cjson_num_of(refs[i].row, "round", 1) >= 2;

			for (c = 0; c < cs.n; c++)
				texts[c] = record_cell(&cells[c], refs[i].row,
						       &cs.v[c], i - start + 1,
						       t);
			if (i + 1 == k)
				tb.keep_with_next = SIGNATURE_HEIGHT;
			/* A second callback's row is shaded as well as
			 * marked in its 轮次 cell. */
			if (pdf_table_row(&tb, texts,
					  second ? 0xFFF4DC : -1) < 0)
				goto out;
		}
		dc.y = tb.y;
		if (signatures(&dc, "butler_sign", "supervisor_sign") < 0)
			goto out;
	}
	if (draw_form_headers(&dc, title) < 0)
		goto out;
	ret = doc_save(&dc, title, *center ? center : "未指定");
	goto done;
out:
	doc_fail(&dc, center);
done:
	for (i = 0; cells && i < cs.n; i++)
		buf_release(&cells[i]);
	free(cells);
	free(texts);
	pdf_tmpl_cols_release(&cs);
	buf_release(&period);
	doc_close(&dc);
	return ret;
}

static int render_record_forms(struct render *r)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(r->v->records,
							     "rows");
	struct record_ref *refs;
	const cJSON *row;
	size_t n = 0, i, k;
	int ret = 0;

	if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) == 0)
		return 0;
	if (!r->form.root)
		return -1;
	refs = xcalloc((size_t)cJSON_GetArraySize(rows), sizeof(*refs));
	cJSON_ArrayForEach(row, rows) {
		refs[n].row = row;
		refs[n].center = or_default(cjson_str_of(row, "center"), "");
		refs[n].butler = or_default(cjson_str_of(row, "butler"), "");
		refs[n].pos = n;
		n++;
	}
	qsort(refs, n, sizeof(*refs), cmp_by_center_butler);
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && !strcmp(refs[k].center, refs[i].center); k++)
			;
		if (render_record_form(r, &r->form, refs + i, k - i) < 0)
			ret = -1;
	}
	free(refs);
	return ret;
}

/* The audit sheets are render_audit.c's, from audit_sheets.json. */

/* ---- the weekly management report ----------------------------------- */

static const cJSON *obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static int kpi_box(struct doc *dc, float x, float w, const char *title,
		   const char *value, const char *sub)
{
	struct pdfdoc *pd = &dc->pd;
	float h = 44, y = dc->y - h;

	pdfdoc_rect(pd, x, y, w, h, 0xF2F6FA, 0xB8C8D8, 0.6f);
	pdfdoc_text_in(pd, x + 4, y + h - 11, w - 8, 7.5f, PDF_LEFT, title);
	pdfdoc_text_in(pd, x + 4, y + 16, w - 8, 13, PDF_LEFT, value);
	if (sub)
		pdfdoc_text_in(pd, x + 4, y + 5, w - 8, 6.5f, PDF_LEFT, sub);
	return pd->error ? -1 : 0;
}

static void fmt_ratio(struct buf *b, const cJSON *v, const struct pdf_tmpl *t)
{
	buf_reset(b);
	if (cJSON_IsNumber(v))
		add_pct(b, v->valuedouble);
	else
		buf_adds(b, pdf_tmpl_label(t, "none"));
}

static void fmt_count(struct buf *b, const cJSON *v, const struct pdf_tmpl *t)
{
	if (cJSON_IsNumber(v))
		add_number(b, v->valuedouble);
	else
		buf_adds(b, pdf_tmpl_label(t, "none"));
}

/*
 * Under the cover's banner (SPEC §9.26-§9.28): each tripped gate in a red
 * box, the ones that keep the week provisional and the ones an
 * administrator accepted; a revision and its reason; an early issue.
 */
static int issue_notes(struct doc *dc, const cJSON *m)
{
	const struct pdf_tmpl *t = dc->t;
	struct pdfdoc *pd = &dc->pd;
	struct buf s = BUF_INIT, n = BUF_INIT;
	const cJSON *g, *msg, *reason = obj(m, "revision_reason");
	const char *kv[4];
	float w = dc->width;

	cJSON_ArrayForEach(g, obj(m, "gates")) {
		/* The Chinese reason on a Chinese page; the code's line else. */
		msg = obj(g, "message_zh");
		if (!cJSON_IsString(msg))
			msg = obj(g, "message");
		if (!cJSON_IsTrue(obj(g, "tripped")) || !cJSON_IsString(msg))
			continue;
		if (ensure(dc, 20) < 0)
			break;
		buf_reset(&s);
		kv[0] = "message", kv[1] = msg->valuestring;
		pdf_tmpl_fill(&s, pdf_tmpl_label(t, cJSON_IsTrue(obj(g, "accepted"))
						      ? "gate_accepted" : "gate_line"),
			      kv, 1);
		pdfdoc_rect(pd, dc->left, dc->y - 16, w, 14, 0xFDECEA, 0xC0392B,
			    1);
		pdfdoc_text_in(pd, dc->left + 4, dc->y - 12, w - 8, 8, PDF_LEFT,
			       s.s);
		dc->y -= 18;
	}
	if (cJSON_IsString(reason) && ensure(dc, 14) == 0) {
		buf_reset(&s);
		buf_reset(&n);
		buf_addf(&n, "%.0f", cjson_num_of(m, "revision", 0));
		kv[0] = "revision", kv[1] = n.s;
		kv[2] = "reason", kv[3] = reason->valuestring;
		pdf_tmpl_fill(&s, pdf_tmpl_label(t, "revision"), kv, 2);
		pdfdoc_text_in(pd, dc->left, dc->y - 10, w, 8, PDF_CENTER, s.s);
		dc->y -= 14;
		/* The figures the revision changed (issue 16). */
		buf_reset(&n);
		cJSON_ArrayForEach(g, obj(m, "revision_changes")) {
			char was[32], now[32];
			const char *ckv[6];

			snprintf(was, sizeof(was), "%.0f",
				 cjson_num_of(g, "was", 0));
			snprintf(now, sizeof(now), "%.0f",
				 cjson_num_of(g, "now", 0));
			ckv[0] = "label";
			ckv[1] = cJSON_IsString(obj(g, "label")) ?
				 obj(g, "label")->valuestring : "";
			ckv[2] = "was", ckv[3] = was;
			ckv[4] = "now", ckv[5] = now;
			if (n.len)
				buf_adds(&n, "；");
			pdf_tmpl_fill(&n, pdf_tmpl_label(t, "revision_change"),
				      ckv, 3);
		}
		if (cJSON_IsArray(obj(m, "revision_changes")) &&
		    ensure(dc, 14) == 0) {
			buf_reset(&s);
			kv[0] = "changes", kv[1] = n.s;
			pdf_tmpl_fill(&s, pdf_tmpl_label(t, n.len ?
				"revision_changes" : "revision_unchanged"),
				kv, 1);
			pdfdoc_text_in(pd, dc->left, dc->y - 10, w, 8,
				       PDF_CENTER, s.s);
			dc->y -= 14;
		}
	}
	if (cJSON_IsTrue(obj(m, "issue_forced")) && ensure(dc, 14) == 0) {
		buf_reset(&s);
		kv[0] = "issue_at";
		kv[1] = cJSON_IsString(obj(m, "issue_at")) ?
			obj(m, "issue_at")->valuestring : "";
		pdf_tmpl_fill(&s, pdf_tmpl_label(t, "issue_forced"), kv, 1);
		pdfdoc_text_in(pd, dc->left, dc->y - 10, w, 8, PDF_CENTER, s.s);
		dc->y -= 14;
	}
	buf_release(&s);
	buf_release(&n);
	return pd->error ? -1 : 0;
}

static int weekly_cover(struct doc *dc)
{
	struct render *r = dc->r;
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = r->v->metrics;
	const cJSON *prov = obj(m, "provisional");
	struct pdfdoc *pd = &dc->pd;
	struct buf s = BUF_INIT, period = BUF_INIT;
	const char *kv[4];
	const char *title = doc_title(t);
	float w = dc->width;

	if (ensure(dc, 10) < 0)
		return -1;
	kv[0] = "start", kv[1] = r->week_start, kv[2] = "end", kv[3] = r->week_end;
	pdf_tmpl_fill(&period, pdf_tmpl_label(t, "period"), kv, 2);
	/* Compact, so that page 1 holds the verdicts and the actions. */
	pdfdoc_text_in(pd, dc->left, dc->y - 16, w, 13, PDF_CENTER, r->company);
	pdfdoc_text_in(pd, dc->left, dc->y - 40, w, 18, PDF_CENTER,
		       title);
	buf_addf(&s, "%s：%s（%s）", pdf_tmpl_label(t, "week"), r->week, period.s);
	pdfdoc_text_in(pd, dc->left, dc->y - 58, w, 10, PDF_CENTER, s.s);
	buf_reset(&s);
	buf_addf(&s, "%s：%s", pdf_tmpl_label(t, "as_of"), r->as_of_text);
	/* A month or quarter draws no samples: no seed (SPEC §9.30). */
	if (r->seed)
		buf_addf(&s, "    %s：%s", pdf_tmpl_label(t, "seed"), r->seed);
	if (dc->doc_code && *dc->doc_code)
		buf_addf(&s, "    %s：%s", pdf_tmpl_label(t, "document_code"),
			 dc->doc_code);
	pdfdoc_text_in(pd, dc->left, dc->y - 72, w, 8, PDF_CENTER, s.s);
	if (cJSON_IsTrue(prov)) {
		const cJSON *at = obj(m, "issue_at");

		buf_reset(&s);
		kv[0] = "issue_at";
		kv[1] = cJSON_IsString(at) ? at->valuestring : "";
		pdf_tmpl_fill(&s, pdf_tmpl_label(t, cJSON_IsTrue(obj(m, "blocked"))
						      ? "blocked" : "provisional"),
			      kv, 1);
		pdfdoc_rect(pd, dc->left + w * 0.1f, dc->y - 95, w * 0.8f, 16,
			    0xFDECEA, 0xC0392B, 1);
		pdfdoc_text_in(pd, dc->left, dc->y - 90, w, 9, PDF_CENTER, s.s);
	} else {
		pdfdoc_text_in(pd, dc->left, dc->y - 90, w, 9, PDF_CENTER,
			       pdf_tmpl_label(t, "final"));
	}
	dc->y -= 98;
	if (issue_notes(dc, m) < 0)
		return -1;
	buf_release(&s);
	buf_release(&period);
	return pd->error ? -1 : 0;
}

static int weekly_kpis(struct doc *dc)
{
	struct render *r = dc->r;
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = r->v->metrics;
	const cJSON *tot = obj(m, "totals");
	struct buf v = BUF_INIT, sub = BUF_INIT;
	const char *kv[2];
	float bw, gap = 6;
	int ret = -1;

	if (ensure(dc, 60) < 0)
		goto out;
	dc->y -= 8;
	bw = (dc->width - 4 * gap) / 5;

	fmt_ratio(&v, obj(tot, "satisfaction"), t);
	buf_reset(&sub);
	fmt_count(&sub, obj(tot, "rated"), t);
	kv[0] = "n", kv[1] = sub.s;
	{
		struct buf s2 = BUF_INIT;

		pdf_tmpl_fill(&s2, pdf_tmpl_label(t, "kpi_rated"), kv, 1);
		kpi_box(dc, dc->left, bw, pdf_tmpl_label(t, "kpi_satisfaction"), v.s,
			s2.s);
		buf_release(&s2);
	}
	buf_reset(&v);
	fmt_count(&v, obj(tot, "timely"), t);
	buf_adds(&v, " / ");
	fmt_count(&v, obj(tot, "called_back"), t);
	kpi_box(dc, dc->left + (bw + gap), bw, pdf_tmpl_label(t, "kpi_timely"), v.s,
		NULL);
	buf_reset(&v);
	buf_reset(&sub);
	if (cJSON_IsNumber(obj(tot, "median_hours_to_callback"))) {
		buf_addf(&sub, "%.1f",
			 obj(tot, "median_hours_to_callback")->valuedouble);
		kv[0] = "h", kv[1] = sub.s;
		pdf_tmpl_fill(&v, pdf_tmpl_label(t, "kpi_hours"), kv, 1);
	} else {
		buf_adds(&v, pdf_tmpl_label(t, "none"));
	}
	kpi_box(dc, dc->left + 2 * (bw + gap), bw, pdf_tmpl_label(t, "kpi_median"),
		v.s, NULL);
	buf_reset(&v);
	fmt_count(&v, obj(tot, "loops_open"), t);
	kpi_box(dc, dc->left + 3 * (bw + gap), bw, pdf_tmpl_label(t, "kpi_loops_open"),
		v.s, NULL);
	buf_reset(&v);
	fmt_count(&v, obj(tot, "owed"), t);
	buf_adds(&v, "（");
	fmt_count(&v, obj(tot, "overdue"), t);
	buf_adds(&v, "）");
	buf_reset(&sub);
	buf_adds(&sub, pdf_tmpl_label(t, "kpi_attempts"));
	buf_adds(&sub, " ");
	fmt_count(&sub, obj(tot, "attempts"), t);
	kpi_box(dc, dc->left + 4 * (bw + gap), bw, pdf_tmpl_label(t, "kpi_owed"), v.s,
		sub.s);
	dc->y -= 50;

	/*
	 * Issue 14: callbacks timed from a profile's stand-in column count
	 * for coverage only; page 1 says how many, so that a timely figure
	 * of 0 is read for what it is.
	 */
	{
		const cJSON *dq = obj(m, "data_quality");
		const cJSON *si = obj(dq, "stand_in_callbacks");

		if (cJSON_IsNumber(si) && si->valuedouble > 0) {
			buf_reset(&v);
			buf_reset(&sub);
			fmt_count(&sub, si, t);
			kv[0] = "n", kv[1] = sub.s;
			pdf_tmpl_fill(&v, pdf_tmpl_label(t, "stand_in_note"), kv, 1);
			if (paragraph(dc, v.s, 8) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	buf_release(&v);
	buf_release(&sub);
	return ret;
}

#define TREND_SERIES 4

/*
 * The length in bytes of the suffix every list[].key shares (whole UTF-8
 * characters; 0 if it is some name whole), so that chart labels drop it
 * (text_common_suffix()).
 */
static size_t common_suffix(const cJSON *list, const char *key)
{
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0, len;
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	const cJSON *e;

	cJSON_ArrayForEach(e, list)
		names[i++] = cjson_str_of(e, key);
	len = text_common_suffix(names, i);
	free(names);
	return len;
}

static int weekly_charts(struct doc *dc)
{
	struct render *r = dc->r;
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = r->v->metrics;
	const cJSON *g, *ty, *by_type = obj(m, "by_type");
	const cJSON *trend = obj(m, "trend");
	static const long colours[5] = { 0x2E7D32, 0x81C784, 0xBDBDBD,
					 0xEF9A9A, 0xC62828 };
	struct pdf_bar *bars = NULL;
	const char **row_labels = NULL, **xlabels = NULL;
	double *counts = NULL, *values = NULL;
	cJSON *rows = NULL;
	size_t n, i, k;
	float half = (dc->width - 20) / 2, ch = 140;
	int ret = -1;

	if (heading(dc, pdf_tmpl_label(t, "charts"), 13) < 0)
		goto out;
	if (ensure(dc, ch + 20) < 0)
		goto out;

	/* Coverage by type, each bar with its own target. */
	n = (size_t)cJSON_GetArraySize(by_type);
	bars = xcalloc(n + 1, sizeof(*bars));
	i = 0;
	cJSON_ArrayForEach(g, by_type) {
		bars[i].label = cjson_str_of(g, "type") ? cjson_str_of(g, "type") : "—";
		bars[i].has_value = cJSON_IsNumber(obj(g, "coverage"));
		bars[i].value = cjson_num_of(g, "coverage", 0);
		bars[i].has_target = cJSON_IsNumber(obj(g, "target"));
		bars[i].target = cjson_num_of(g, "target", 0);
		i++;
	}
	pdfdoc_text(&dc->pd, dc->left, dc->y - 12, 9, pdf_tmpl_label(t, "chart_type"));
	pdfdoc_bar_chart(&dc->pd, dc->left + 34, dc->y - ch, half - 34,
			 ch - 20, bars, n, 1.0);

	/* Satisfaction distribution: the total, then each type. */
	row_labels = xcalloc(n + 1, sizeof(*row_labels));
	counts = xcalloc((n + 1) * 5, sizeof(*counts));
	row_labels[0] = pdf_tmpl_label(t, "total");
	for (k = 0; k < 5; k++)
		counts[k] = cjson_num_of(obj(obj(m, "totals"),
				       "satisfaction_distribution"),
				   satisfaction_scale[k], 0);
	i = 1;
	cJSON_ArrayForEach(g, by_type) {
		row_labels[i] = bars[i - 1].label;
		for (k = 0; k < 5; k++)
			counts[i * 5 + k] = cjson_num_of(obj(g,
						       "satisfaction_distribution"),
						   satisfaction_scale[k], 0);
		i++;
	}
	pdfdoc_text(&dc->pd, dc->left + half + 20, dc->y - 12, 9,
		    pdf_tmpl_label(t, "chart_satisfaction"));
	pdfdoc_stacked_bars(&dc->pd, dc->left + half + 20, dc->y - ch, half,
			    ch - 22, row_labels, n + 1, counts, 5, satisfaction_scale,
			    colours);
	dc->y -= ch + 14;
	free(bars);
	bars = NULL;

	/*
	 * Coverage by centre, one chart per type against that type's target
	 * (by_center_type): a blended rate says nothing about 投诉 100 %.
	 * Centre names lose the suffix they all share, so they are not cut.
	 */
	n = (size_t)cJSON_GetArraySize(obj(m, "by_center_type"));
	if (n > 0) {
		float x0 = dc->left + 34, w = dc->width - 34, cch = 96;
		size_t suffix = common_suffix(obj(m, "by_center"), "center");
		struct buf *names = bufs_new(n);

		bars = xcalloc(n, sizeof(*bars));
		cJSON_ArrayForEach(ty, by_type) {
			const char *type = cjson_str_of(ty, "type");
			struct buf title = BUF_INIT;
			const char *kv[4];
			char target[16];

			if (!type)
				continue;
			i = 0;
			cJSON_ArrayForEach(g, obj(m, "by_center_type")) {
				const char *c = cjson_str_of(g, "center");
				const char *y = cjson_str_of(g, "type");

				if (!c || !y || strcmp(y, type))
					continue;
				buf_reset(&names[i]);
				buf_add(&names[i], c, strlen(c) > suffix ?
					strlen(c) - suffix : strlen(c));
				bars[i].label = names[i].s;
				bars[i].has_value =
					cJSON_IsNumber(obj(g, "coverage"));
				bars[i].value = cjson_num_of(g, "coverage", 0);
				bars[i].has_target =
					cJSON_IsNumber(obj(g, "target"));
				bars[i].target = cjson_num_of(g, "target", 0);
				i++;
			}
			if (i == 0)
				continue;
			if (ensure(dc, cch + 16) < 0) {
				for (k = 0; k < n; k++)
					buf_release(&names[k]);
				free(names);
				goto out;
			}
			snprintf(target, sizeof(target), "%.0f%%",
				 cjson_num_of(ty, "target", 0) * 100);
			kv[0] = "type", kv[1] = type;
			kv[2] = "target", kv[3] = target;
			pdf_tmpl_fill(&title, pdf_tmpl_label(t, "chart_center"),
				      kv, 2);
			pdfdoc_text(&dc->pd, dc->left, dc->y - 10, 8.5f,
				    title.s);
			buf_release(&title);
			pdfdoc_bar_chart(&dc->pd, x0, dc->y - cch, w, cch - 14,
					 bars, i, 1.0);
			dc->y -= cch + 4;
		}
		for (k = 0; k < n; k++)
			buf_release(&names[k]);
		free(names);
		free(bars);
		bars = NULL;
	}

	/*
	 * The 8-week trend: each type's coverage and the satisfaction, on an
	 * axis from just under the lowest figure or target to 100 %, so
	 * that a move from 74 % to 83 % shows; the targets are dashed lines.
	 */
	n = (size_t)cJSON_GetArraySize(trend);
	if (n > 0) {
		const char *legend[TREND_SERIES], *ref_labels[TREND_SERIES];
		double refs[TREND_SERIES], lowest = 1;
		size_t nseries = 0, nrefs = 0, s2;
		static const long line_colours[TREND_SERIES] = {
			0x3C78B4, 0xE08A3C, 0x8E44AD, 0x2E7D32
		};
		struct buf ref_text[TREND_SERIES] = { BUF_INIT, BUF_INIT,
						      BUF_INIT, BUF_INIT };

		if (ensure(dc, ch + 20) < 0)
			goto out;
		values = xcalloc(TREND_SERIES * n, sizeof(*values));
		xlabels = xcalloc(n, sizeof(*xlabels));
		for (k = 0; k < TREND_SERIES * n; k++)
			values[k] = NAN;
		i = 0;
		cJSON_ArrayForEach(g, trend) {
			xlabels[i] = cjson_str_of(g, "week") ? cjson_str_of(g, "week") : "";
			i++;
		}
		/* One coverage line per type, then the satisfaction. */
		cJSON_ArrayForEach(ty, by_type) {
			const char *type = cjson_str_of(ty, "type");
			int seen = 0;

			if (!type || nseries + 1 >= TREND_SERIES)
				continue;
			i = 0;
			cJSON_ArrayForEach(g, trend) {
				const cJSON *e;

				cJSON_ArrayForEach(e, obj(g, "by_type")) {
					const char *y = cjson_str_of(e, "type");
					const cJSON *cov = obj(e, "coverage");

					if (y && !strcmp(y, type) &&
					    cJSON_IsNumber(cov))
						values[nseries * n + i] =
							cov->valuedouble;
				}
				i++;
			}
			legend[nseries++] = type;
			if (!cJSON_IsNumber(obj(ty, "target")))
				continue;
			for (s2 = 0; s2 < nrefs; s2++)
				if (refs[s2] == obj(ty, "target")->valuedouble)
					seen = 1;
			if (!seen) {
				refs[nrefs] = obj(ty, "target")->valuedouble;
				buf_addf(&ref_text[nrefs], "%s %.0f%%",
					 pdf_tmpl_label(t, "target"),
					 refs[nrefs] * 100);
				ref_labels[nrefs] = ref_text[nrefs].s;
				nrefs++;
			}
		}
		i = 0;
		cJSON_ArrayForEach(g, trend) {
			const cJSON *sat = obj(obj(g, "totals"), "satisfaction");

			if (cJSON_IsNumber(sat))
				values[nseries * n + i] = sat->valuedouble;
			i++;
		}
		legend[nseries++] = pdf_tmpl_label(t, "trend_satisfaction");
		for (k = 0; k < nseries * n; k++)
			if (!isnan(values[k]) && values[k] < lowest)
				lowest = values[k];
		for (k = 0; k < nrefs; k++)
			if (refs[k] < lowest)
				lowest = refs[k];
		/* Down to the 10 % step under the lowest, at least 0. */
		lowest = floor(lowest * 10 - 0.2) / 10;
		if (lowest < 0)
			lowest = 0;
		pdfdoc_text(&dc->pd, dc->left, dc->y - 12, 9,
			    pdf_tmpl_label(t, "chart_trend"));
		pdfdoc_line_chart(&dc->pd, dc->left + 34, dc->y - ch,
				  dc->width - 34, ch - 18, xlabels, n, values,
				  nseries, legend, line_colours, lowest, 1,
				  refs, ref_labels, nrefs);
		dc->y -= ch + 10;
		for (k = 0; k < TREND_SERIES; k++)
			buf_release(&ref_text[k]);

		/* The chart's figures, one row per week. */
		rows = cJSON_CreateArray();
		cJSON_ArrayForEach(g, trend) {
			cJSON *row = cJSON_Duplicate(obj(g, "totals"), 1);

			if (!row)
				row = cJSON_CreateObject();
			cJSON_DeleteItemFromObjectCaseSensitive(row, "week");
			cJSON_AddStringToObject(row, "week",
						cjson_str_of(g, "week") ? cjson_str_of(g, "week")
								  : "");
			cJSON_AddItemToArray(rows, row);
		}
		if (object_table(dc, "trend", rows, 0, NULL) < 0)
			goto out;
	}
	ret = dc->pd.error ? -1 : 0;
out:
	free(bars);
	free(row_labels);
	free(counts);
	free(xlabels);
	free(values);
	cJSON_Delete(rows);
	return ret;
}

/* A list section: its table, or a sentence when the list is empty. */
/*
 * At most max rows (0: all) of a template table, then the template's
 * more_key sentence ("{n}" the rows left out) when some were.
 */
static int rows_then_more(struct doc *dc, const char *table,
			  const cJSON *rows, size_t max, const char *more_key)
{
	size_t total = (size_t)cJSON_GetArraySize(rows);
	struct buf n = BUF_INIT, s = BUF_INIT;
	const char *kv[2];
	long drawn;
	int ret;

	drawn = object_table(dc, table, rows, max, NULL);
	if (drawn < 0)
		return -1;
	if ((size_t)drawn >= total)
		return 0;
	buf_addf(&n, "%zu", total - (size_t)drawn);
	kv[0] = "n", kv[1] = n.s;
	pdf_tmpl_fill(&s, pdf_tmpl_label(dc->t, more_key), kv, 1);
	ret = paragraph(dc, s.s, 8);
	buf_release(&n);
	buf_release(&s);
	return ret;
}

static int list_section(struct doc *dc, const char *title_key,
			const char *none_key, const char *table,
			const cJSON *rows)
{
	const struct pdf_tmpl *t = dc->t;
	size_t max = (size_t)cjson_num_of(t->root, "max_list_rows", 0);
	size_t total = (size_t)cJSON_GetArraySize(rows);

	if (heading(dc, pdf_tmpl_label(t, title_key), 13) < 0)
		return -1;
	if (total == 0)
		return paragraph(dc, pdf_tmpl_label(t, none_key), 9);
	return rows_then_more(dc, table, rows, max, "more_rows");
}

static int weekly_quality(struct doc *dc)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = dc->r->v->metrics;
	const cJSON *in = obj(m, "input"), *dq = obj(m, "data_quality");
	const cJSON *e;
	struct buf s = BUF_INIT, n = BUF_INIT;
	static const char *const input_keys[5] = { "files", "rows_read",
						   "accepted", "rejected",
						   "superseded" };
	static const char *const input_labels[5] = {
		"quality_file_count", "quality_rows", "quality_accepted",
		"quality_rejected", "quality_superseded"
	};
	static const char *const dq_counts[4][2] = {
		{ "orphan_callbacks", "quality_orphans" },
		{ "unrated_satisfaction", "quality_unrated" },
		{ "superseded_tickets", "quality_superseded_tickets" },
		{ "superseded_callbacks", "quality_superseded_callbacks" },
	};
	float bw = (dc->width - 24) / 5;
	size_t i;
	int ret = -1;

	if (ensure(dc, 240) < 0)
		goto out;
	if (heading(dc, pdf_tmpl_label(t, "quality"), 13) < 0)
		goto out;
	for (i = 0; i < 5; i++) {
		buf_reset(&s);
		fmt_count(&s, obj(in, input_keys[i]), t);
		kpi_box(dc, dc->left + (bw + 6) * (float)i, bw,
			pdf_tmpl_label(t, input_labels[i]), s.s, NULL);
	}
	dc->y -= 62;
	if (cJSON_IsArray(obj(dq, "files")) &&
	    cJSON_GetArraySize(obj(dq, "files")) > 0) {
		if (heading(dc, pdf_tmpl_label(t, "quality_files"), 10) < 0 ||
		    object_table(dc, "files", obj(dq, "files"), 0, NULL) < 0)
			goto out;
	}
	if (heading(dc, pdf_tmpl_label(t, "quality_reasons"), 10) < 0)
		goto out;
	buf_reset(&s);
	cJSON_ArrayForEach(e, obj(dq, "rejected_by_reason")) {
		struct buf missing = BUF_INIT;
		const char *l;

		/* metrics.json lists every reason; show those that occurred. */
		if (cJSON_IsNumber(e) && e->valuedouble == 0)
			continue;
		l = pdf_tmpl_section_label(t, "reject_reasons", e->string, &missing);

		if (s.len)
			buf_adds(&s, "；");
		buf_addf(&s, "%s（%s）：", l == missing.s ? e->string : l,
			 e->string);
		fmt_count(&s, e, t);
		buf_release(&missing);
	}
	if (!s.len)
		buf_adds(&s, pdf_tmpl_label(t, "none"));
	if (paragraph(dc, s.s, 9) < 0)
		goto out;
	buf_reset(&s);
	for (i = 0; i < 4; i++) {
		if (s.len)
			buf_adds(&s, "；");
		buf_addf(&s, "%s：", pdf_tmpl_label(t, dq_counts[i][1]));
		fmt_count(&s, obj(dq, dq_counts[i][0]), t);
	}
	if (paragraph(dc, s.s, 9) < 0)
		goto out;
	buf_reset(&s);
	cJSON_ArrayForEach(e, obj(dq, "unrecognised_files")) {
		if (s.len)
			buf_adds(&s, "；");
		buf_addf(&s, "%s（%s）", cjson_str_of(e, "name") ? cjson_str_of(e, "name")
							   : "—",
			 cjson_str_of(e, "why") ? cjson_str_of(e, "why") : "—");
	}
	if (s.len) {
		buf_reset(&n);
		buf_addf(&n, "%s：%s", pdf_tmpl_label(t, "quality_unrecognised"), s.s);
		if (paragraph(dc, n.s, 9) < 0)
			goto out;
	}
	buf_reset(&s);
	cJSON_ArrayForEach(e, obj(dq, "unknown_subtypes")) {
		if (s.len)
			buf_adds(&s, "；");
		buf_addf(&s, "%s/%s（", cjson_str_of(e, "type") ? cjson_str_of(e, "type")
							  : "—",
			 cjson_str_of(e, "subtype") ? cjson_str_of(e, "subtype") : "—");
		fmt_count(&s, obj(e, "tickets"), t);
		buf_adds(&s, "）");
	}
	if (s.len) {
		buf_reset(&n);
		buf_addf(&n, "%s：%s", pdf_tmpl_label(t, "quality_unknown_subtypes"),
			 s.s);
		if (paragraph(dc, n.s, 9) < 0)
			goto out;
	}
	ret = dc->pd.error ? -1 : 0;
out:
	buf_release(&s);
	buf_release(&n);
	return ret;
}

/* Running header and footer of the weekly report, from page 2 on. */
static int weekly_headers(struct doc *dc)
{
	struct render *r = dc->r;
	struct pdfdoc *pd = &dc->pd;
	struct buf page = BUF_INIT, num = BUF_INIT, total = BUF_INIT,
		   head = BUF_INIT;
	const char *title = cjson_str_of(dc->t->root, "title");
	size_t i;

	buf_addf(&total, "%zu", pd->npages);
	buf_addf(&head, "%s · %s · %s", r->company,
		 title ? title : pdf_tmpl_label(dc->t, "title"), r->week);
	if (cJSON_IsTrue(obj(r->v->metrics, "provisional")))
		buf_addf(&head, " · %s", pdf_tmpl_label(dc->t, "provisional_short"));
	for (i = 0; i < pd->npages; i++) {
		const char *kv[4];

		if (pdfdoc_use_page(pd, i) < 0)
			break;
		buf_reset(&num);
		buf_addf(&num, "%zu", i + 1);
		kv[0] = "n", kv[1] = num.s, kv[2] = "m", kv[3] = total.s;
		buf_reset(&page);
		pdf_tmpl_fill(&page, pdf_tmpl_label(dc->t, "page"), kv, 2);
		if (i > 0) {
			pdfdoc_text(pd, MARGIN, pd->page_h - MARGIN + 12, 7.5f,
				    head.s);
			pdfdoc_line(pd, MARGIN, pd->page_h - MARGIN + 8,
				    pd->page_w - MARGIN, pd->page_h - MARGIN + 8,
				    0x999999, 0.5f, 0);
		}
		pdfdoc_text_in(pd, MARGIN, MARGIN - 20, pd->page_w - 2 * MARGIN,
			       7.5f, PDF_CENTER, page.s);
	}
	buf_release(&page);
	buf_release(&num);
	buf_release(&total);
	buf_release(&head);
	return pd->error ? -1 : 0;
}

/*
 * A titled list of at most max rows of a template table, then "及其他 N
 * 项" for the rest (the full lists are in metrics.json and on the site),
 * or the template's "none" sentence when there is nothing.
 */
static int short_list(struct doc *dc, const char *title_key,
		      const char *none_key, const char *table,
		      const cJSON *rows, size_t max)
{
	const struct pdf_tmpl *t = dc->t;
	size_t total = (size_t)cJSON_GetArraySize(rows);

	if (ensure(dc, 40) < 0)
		return -1;
	dc->y -= 2;
	if (paragraph(dc, pdf_tmpl_label(t, title_key), 9) < 0)
		return -1;
	if (total == 0)
		return paragraph(dc, pdf_tmpl_label(t, none_key), 8);
	return rows_then_more(dc, table, rows, max, "and_more");
}

static size_t tmpl_count(const struct pdf_tmpl *t, const char *key,
			 size_t def)
{
	double v = cjson_num_of(t->root, key, (double)def);

	return v >= 1 && v < 1000 ? (size_t)v : def;
}

/* Page 1: each type's verdict against its target, with ▲▼. */
static int weekly_verdict(struct doc *dc)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *cmp = obj(dc->r->v->metrics, "comparison");
	cJSON *total_row;
	int ret;

	if (heading(dc, pdf_tmpl_label(t, "verdict"), 13) < 0)
		return -1;
	total_row = cJSON_IsObject(obj(cmp, "totals")) ?
			    cJSON_Duplicate(obj(cmp, "totals"), 1) :
			    cJSON_CreateObject();
	if (!total_row)
		return -1;
	cJSON_AddStringToObject(total_row, "type", pdf_tmpl_label(t, "total"));
	ret = object_table(dc, "verdict", obj(cmp, "by_type"), 0, total_row) < 0
		      ? -1 : 0;
	cJSON_Delete(total_row);
	if (ret == 0)
		ret = paragraph(dc, pdf_tmpl_label(t, "verdict_note"), 7.5f);
	return ret;
}

/* The items of list whose key is true (or, with want_false, false). */
static cJSON *select_bool(const cJSON *list, const char *key, int want)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, list) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

		if (cJSON_IsBool(v) && !!cJSON_IsTrue(v) == want)
			cJSON_AddItemReferenceToArray(out, (cJSON *)e);
	}
	return out;
}

/* One list of page 1: its title, none sentence and table are one key. */
struct act_list {
	const char *key;
	const cJSON *rows;
};

/*
 * The height a short_list() of at most max rows will take, when each row
 * is one line: to decide whether lists fit side by side.
 */
static float short_list_height(const struct doc *dc, const cJSON *rows,
			       size_t max)
{
	size_t n = (size_t)cJSON_GetArraySize(rows);
	float pad = doc_pad(dc);
	float row = dc->size * 1.3f + 2 * pad;

	if (n == 0)
		return 2 + 9 * 2 + 8 * 2;
	return 2 + 9 * 2 + (float)((n < max ? n : max) + 1) * row + 6 +
	       (n > max ? 12 : 0);
}

/*
 * The lists of left in a column at the left half of the page and those of
 * right at the right half, when both columns fit on what is left of the
 * page (a page break inside a column would break the layout); else one
 * under the other at full width. Either way the flow goes on under the
 * longer column.
 */
static int act_columns(struct doc *dc, const struct act_list *left,
		       size_t nleft, const struct act_list *right,
		       size_t nright, size_t max)
{
	float gap = 14, x = dc->left, width = dc->width;
	float half = (width - gap) / 2, y0 = dc->y, hl = 0, hr = 0, yl;
	size_t i, pages = dc->pd.npages;

	for (i = 0; i < nleft; i++)
		hl += short_list_height(dc, left[i].rows, max);
	for (i = 0; i < nright; i++)
		hr += short_list_height(dc, right[i].rows, max);
	if (hl > y0 - dc->bottom || hr > y0 - dc->bottom) {
		for (i = 0; i < nleft + nright; i++) {
			const struct act_list *a = i < nleft ? &left[i]
							     : &right[i - nleft];

			if (short_list(dc, a->key, "act_none", a->key, a->rows,
				       max) < 0)
				return -1;
		}
		return 0;
	}
	dc->width = half;
	for (i = 0; i < nleft; i++)
		if (short_list(dc, left[i].key, "act_none", left[i].key,
			       left[i].rows, max) < 0)
			return -1;
	yl = dc->y;
	if (dc->pd.npages == pages) {
		/* The right column, beside the left one. */
		dc->y = y0;
		dc->left = x + half + gap;
		dc->width = half;
	} else {
		/* The estimate was wrong (a row wrapped): go on below. */
		dc->left = x;
		dc->width = width;
	}
	for (i = 0; i < nright; i++)
		if (short_list(dc, right[i].key, "act_none", right[i].key,
			       right[i].rows, max) < 0)
			return -1;
	dc->left = x;
	dc->width = width;
	if (dc->pd.npages == pages && yl < dc->y)
		dc->y = yl;
	return dc->pd.error ? -1 : 0;
}

/*
 * Page 1: what to act on. Each list is a selection of metrics.json's
 * lists (no figure is computed): centre and type pairs below target,
 * overdue complaints, loops open for at least open_loop_days, audit
 * findings and tripped gates (each when the view model has them). The
 * first three stand in two columns (the centres at the left, the tickets
 * at the right), the findings and gates under them at full width; each
 * shows at most max rows, then "及其他 N 项".
 */
static int weekly_actions(struct doc *dc, size_t max)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = dc->r->v->metrics;
	size_t days = tmpl_count(t, "open_loop_days", 3);
	cJSON *below = select_bool(obj(m, "by_center_type"), "meets_target", 0);
	cJSON *overdue = cJSON_CreateArray(), *loops = cJSON_CreateArray();
	cJSON *gates = NULL;
	struct act_list left[1], right[2];
	const cJSON *e;
	float size = dc->size, pad;
	int ret = -1;

	cJSON_ArrayForEach(e, obj(m, "owed")) {
		const char *type = cjson_str_of(e, "type");

		if (cJSON_IsTrue(obj(e, "overdue")) && type &&
		    !strcmp(type, "投诉"))
			cJSON_AddItemReferenceToArray(overdue, (cJSON *)e);
	}
	cJSON_ArrayForEach(e, obj(m, "loops_open_list"))
		if (cjson_num_of(e, "open_days", 0) >= (double)days)
			cJSON_AddItemReferenceToArray(loops, (cJSON *)e);
	if (heading(dc, pdf_tmpl_label(t, "actions"), 13) < 0)
		goto out;
	/* The lists' own, smaller type, so that two columns fit. */
	size = dc->size;
	dc->size = (float)cjson_num_of(t->root, "action_font_size", size);
	if (dc->size < 5 || dc->size > size)
		dc->size = size;
	pad = (float)cjson_num_of(t->root, "action_cell_padding", 0);
	if (pad >= 0.5f && pad < doc_pad(dc))
		dc->pad = pad;
	left[0].key = "act_below_target", left[0].rows = below;
	right[0].key = "act_overdue", right[0].rows = overdue;
	right[1].key = "act_loops", right[1].rows = loops;
	if (act_columns(dc, left, 1, right, 2, max) < 0)
		goto out;
	/* Audit findings (SPEC §9.29) and plausibility gates (§9.28). */
	if (cJSON_IsArray(obj(m, "findings")) &&
	    short_list(dc, "act_findings", "act_none", "act_findings",
		       obj(m, "findings"), max) < 0)
		goto out;
	if (cJSON_IsArray(obj(m, "gates"))) {
		gates = select_bool(obj(m, "gates"), "tripped", 1);
		if (short_list(dc, "act_gates", "act_none", "act_gates", gates,
			       max) < 0)
			goto out;
	}
	ret = 0;
out:
	dc->size = size;
	dc->pad = 0;
	cJSON_Delete(below);
	cJSON_Delete(overdue);
	cJSON_Delete(loops);
	cJSON_Delete(gates);
	return ret;
}

/* Puts v (owned by the view model) into row under key; nothing if NULL. */
static void add_ref(cJSON *row, const char *key, const cJSON *v)
{
	if (v)
		cJSON_AddItemReferenceToObject(row, key, (cJSON *)v);
}

static int cmp_worst_rank(const void *a, const void *b)
{
	double x = cjson_num_of(*(const cJSON *const *)a, "worst_rank", 1e9);
	double y = cjson_num_of(*(const cJSON *const *)b, "worst_rank", 1e9);

	return (x > y) - (x < y);
}

/*
 * Each centre against each type's target, worst first (by_center's
 * worst_rank): a row per centre with, per type, its coverage and a
 * ✓/✗ (cells cov_<i> and ok_<i>, i in the order of by_type).
 */
static int weekly_matrix(struct doc *dc)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = dc->r->v->metrics;
	const cJSON *centers = obj(m, "by_center"), *ct = obj(m, "by_center_type");
	const cJSON *types = obj(m, "by_type");
	size_t n = (size_t)cJSON_GetArraySize(centers), i = 0;
	const cJSON **order = xcalloc(n + 1, sizeof(*order));
	cJSON *rows = cJSON_CreateArray();
	const cJSON *e;
	int ret = -1;

	cJSON_ArrayForEach(e, centers)
		order[i++] = e;
	qsort(order, n, sizeof(*order), cmp_worst_rank);
	for (i = 0; i < n; i++) {
		cJSON *row = cJSON_CreateObject();
		const char *center = cjson_str_of(order[i], "center");
		const cJSON *ty;
		int k = 0;

		cJSON_AddItemToArray(rows, row);
		add_ref(row, "center",
					       obj(order[i], "center"));
		add_ref(row, "coverage",
					       obj(order[i], "coverage"));
		add_ref(row, "satisfaction",
					       obj(order[i], "satisfaction"));
		add_ref(row, "types_below_target",
					       obj(order[i], "types_below_target"));
		cJSON_ArrayForEach(ty, types) {
			const char *type = cjson_str_of(ty, "type");
			char cov[16], ok[16];

			snprintf(cov, sizeof(cov), "cov_%d", k);
			snprintf(ok, sizeof(ok), "ok_%d", k);
			k++;
			cJSON_ArrayForEach(e, ct) {
				const char *c = cjson_str_of(e, "center");
				const char *y = cjson_str_of(e, "type");

				if (c && y && center && type &&
				    !strcmp(c, center) && !strcmp(y, type)) {
					add_ref(row, cov, obj(e, "coverage"));
					add_ref(row, ok, obj(e, "meets_target"));
					break;
				}
			}
		}
	}
	if (heading(dc, pdf_tmpl_label(t, "matrix"), 13) < 0 ||
	    object_table(dc, "matrix", rows, 0, NULL) < 0)
		goto out;
	ret = paragraph(dc, pdf_tmpl_label(t, "matrix_note"), 7);
out:
	cJSON_Delete(rows);
	free(order);
	return ret;
}

/*
 * The top and bottom ranking_rows of a rankings list (sorted by rank in
 * metrics.json, ranked ones first), or every ranked one when they are
 * few; the full table is on the site.
 */
static int ranking_table(struct doc *dc, const char *title_key,
			 const char *table, const cJSON *list, size_t nshow)
{
	cJSON *top = cJSON_CreateArray(), *bottom = cJSON_CreateArray();
	const cJSON *e;
	size_t ranked = 0, i = 0;
	int ret = -1;

	cJSON_ArrayForEach(e, list)
		if (cJSON_IsTrue(obj(e, "ranked")))
			ranked++;
	cJSON_ArrayForEach(e, list) {
		if (!cJSON_IsTrue(obj(e, "ranked")))
			break;
		if (ranked <= 2 * nshow || i < nshow)
			cJSON_AddItemReferenceToArray(top, (cJSON *)e);
		else if (i >= ranked - nshow)
			cJSON_AddItemReferenceToArray(bottom, (cJSON *)e);
		i++;
	}
	if (short_list(dc, title_key, "ranking_none", table, top, 0) < 0)
		goto out;
	if (cJSON_GetArraySize(bottom) > 0) {
		/* The bottom rows under the top ones, after a small gap. */
		dc->y -= 4;
		if (object_table(dc, table, bottom, 0, NULL) < 0)
			goto out;
	}
	ret = 0;
out:
	cJSON_Delete(top);
	cJSON_Delete(bottom);
	return ret;
}

static int weekly_rankings(struct doc *dc)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *rk = obj(dc->r->v->metrics, "rankings");
	size_t nshow = tmpl_count(t, "ranking_rows", 5);
	struct buf s = BUF_INIT;
	const char *kv[6];
	char n[16], min[16];
	int ret = -1;

	snprintf(n, sizeof(n), "%.0f", cjson_num_of(rk, "window_weeks", 0));
	snprintf(min, sizeof(min), "%.0f", cjson_num_of(rk, "min_rated", 0));
	kv[0] = "n", kv[1] = n;
	kv[2] = "from", kv[3] = cjson_str_of(rk, "from_week") ?
				       cjson_str_of(rk, "from_week") : "";
	kv[4] = "min", kv[5] = min;
	if (heading(dc, pdf_tmpl_label(t, "rankings"), 13) < 0)
		goto out;
	pdf_tmpl_fill(&s, pdf_tmpl_label(t, "rankings_note"), kv, 3);
	if (paragraph(dc, s.s, 7.5f) < 0)
		goto out;
	if (ranking_table(dc, "ranking_centers", "ranking_centers",
			  obj(rk, "centers"), nshow) < 0 ||
	    ranking_table(dc, "ranking_butlers", "ranking_butlers",
			  obj(rk, "butlers"), nshow) < 0)
		goto out;
	ret = 0;
out:
	buf_release(&s);
	return ret;
}

/*
 * 三级抽查结果: metrics.json's "audit" (stages/audit.h): per level, per
 * centre (all levels together) and over the weeks, as they are there.
 */
static int weekly_audit(struct doc *dc)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *a = obj(dc->r->v->metrics, "audit");
	cJSON *centres = NULL;
	struct buf s = BUF_INIT;
	const char *kv[2];
	int ret = -1;

	if (!cJSON_IsObject(a))
		return 0;
	if (heading(dc, pdf_tmpl_label(t, "audit"), 13) < 0)
		goto out;
	kv[0] = "due";
	kv[1] = cjson_str_of(a, "due_at") ? cjson_str_of(a, "due_at") : "";
	pdf_tmpl_fill(&s, pdf_tmpl_label(t, "audit_note"), kv, 1);
	if (paragraph(dc, s.s, 7.5f) < 0 ||
	    object_table(dc, "audit_levels", obj(a, "levels"), 0, NULL) < 0)
		goto out;
	/* The centres to follow up only; the site has every centre. */
	centres = select_bool(obj(obj(a, "all_levels"), "centers"),
			      "attention", 1);
	if (short_list(dc, "audit_centers", "audit_centers_none",
		       "audit_centers", centres,
		       tmpl_count(t, "action_rows", 10)) < 0)
		goto out;
	if (cJSON_GetArraySize(obj(a, "trend")) > 0 &&
	    (paragraph(dc, pdf_tmpl_label(t, "audit_trend"), 9) < 0 ||
	     object_table(dc, "audit_trend", obj(a, "trend"), 0, NULL) < 0))
		goto out;
	ret = 0;
out:
	cJSON_Delete(centres);
	buf_release(&s);
	return ret;
}

/*
 * Page 1 of the weekly report with at most rows rows per list; returns
 * the number of pages it took (1 when it fits), or -1.
 */
static long weekly_page1(struct doc *dc, struct render *r, size_t rows)
{
	dc->top = PDF_A4_LONG - MARGIN;
	dc->bottom = MARGIN;
	dc->doc_code = r->code_weekly;
	if (weekly_cover(dc) < 0 || weekly_verdict(dc) < 0 ||
	    weekly_kpis(dc) < 0 || weekly_actions(dc, rows) < 0)
		return -1;
	return (long)dc->pd.npages;
}

static int render_weekly(struct render *r)
{
	const cJSON *m = r->v->metrics;
	const struct pdf_tmpl *t = &r->weekly;
	size_t rows = tmpl_count(t, "action_rows", 10);
	struct doc dc;
	const char *title;
	long pages;
	int ret = -1;

	if (!t->root)
		return -1;
	title = doc_title(t);
	/*
	 * Page 1: verdicts, the KPIs and what to act on, on one page. When
	 * the lists do not fit (many tripped gates, say), each shows a row
	 * fewer, down to 3, and says how many more there are.
	 */
	for (;;) {
		if (doc_open(&dc, r, t, title) < 0)
			return -1;
		pages = weekly_page1(&dc, r, rows);
		if (pages < 0)
			goto out;
		if (pages == 1 || rows <= 3)
			break;
		doc_close(&dc);
		rows--;
	}
	if (doc_new_page(&dc.pd, &dc) < 0 || weekly_charts(&dc) < 0)
		goto out;
	if (doc_new_page(&dc.pd, &dc) < 0 || weekly_matrix(&dc) < 0 ||
	    weekly_rankings(&dc) < 0)
		goto out;
	if (doc_new_page(&dc.pd, &dc) < 0 ||
	    heading(&dc, pdf_tmpl_label(t, "detail"), 13) < 0)
		goto out;
	if (paragraph(&dc, pdf_tmpl_label(t, "by_subtype"), 10) < 0 ||
	    object_table(&dc, "by_subtype", obj(m, "by_subtype"), 0, NULL) < 0)
		goto out;
	if (list_section(&dc, "loops", "loops_none", "loops",
			 obj(m, "loops_open_list")) < 0)
		goto out;
	if (list_section(&dc, "anomalies", "anomalies_none", "anomalies",
			 obj(m, "anomalies")) < 0)
		goto out;
	if (weekly_quality(&dc) < 0 || weekly_audit(&dc) < 0)
		goto out;
	if (weekly_headers(&dc) < 0)
		goto out;
	ret = doc_save(&dc, title, r->week);
	goto done;
out:
	doc_fail(&dc, title);
done:
	doc_close(&dc);
	return ret;
}

/* ---- the weekly report per centre ------------------------------------ */

/* The entries of list whose key equals value (references). */
static cJSON *select_str(const cJSON *list, const char *key,
			 const char *value)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	cJSON_ArrayForEach(e, list) {
		const char *s = cjson_str_of(e, key);

		if (s && !strcmp(s, value))
			cJSON_AddItemReferenceToArray(out, (cJSON *)e);
	}
	return out;
}

/*
 * The centre's butlers this week, each with its rank and satisfaction
 * over the rankings window (rankings.butlers) when it has one.
 */
static cJSON *centre_butlers(const cJSON *m, const char *center)
{
	cJSON *rows = cJSON_CreateArray();
	const cJSON *g, *w;

	cJSON_ArrayForEach(g, obj(m, "by_butler")) {
		const char *c = cjson_str_of(g, "center");
		const char *b = cjson_str_of(g, "butler");
		cJSON *row;

		if (!c || !b || strcmp(c, center))
			continue;
		row = cJSON_CreateObject();
		cJSON_AddItemToArray(rows, row);
		add_ref(row, "butler", obj(g, "butler"));
		add_ref(row, "eligible", obj(g, "eligible"));
		add_ref(row, "coverage", obj(g, "coverage"));
		add_ref(row, "rated", obj(g, "rated"));
		add_ref(row, "satisfaction", obj(g, "satisfaction"));
		add_ref(row, "loops_open", obj(g, "loops_open"));
		add_ref(row, "owed", obj(g, "owed"));
		cJSON_ArrayForEach(w, obj(obj(m, "rankings"), "butlers")) {
			const char *wc = cjson_str_of(w, "center");
			const char *wb = cjson_str_of(w, "butler");

			if (wc && wb && !strcmp(wc, c) && !strcmp(wb, b)) {
				add_ref(row, "window_rank", obj(w, "rank"));
				add_ref(row, "window_satisfaction",
					obj(w, "satisfaction"));
				break;
			}
		}
	}
	return rows;
}

/* The entry of groups (a list of centres) for center, or NULL. */
static const cJSON *centre_entry(const cJSON *groups, const char *center)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, groups) {
		const char *c = cjson_str_of(e, "center");

		if (c && !strcmp(c, center))
			return e;
	}
	return NULL;
}

/*
 * The centre's audit results: a row per level that sampled its tickets
 * and one for the levels together, as metrics.json's "audit" has them
 * (levels[].centers[], all_levels.centers[]; stages/audit.h counts them,
 * in the week SPEC §9.29 reports them), then the findings on its tickets
 * (metrics.json "findings", selected by centre). Without "audit" in the
 * view model (no samples, or metrics written before the audit loop) the
 * section says so.
 */
static int centre_audit(struct doc *dc, const char *center)
{
	const struct pdf_tmpl *t = dc->t;
	const cJSON *m = dc->r->v->metrics, *a = obj(m, "audit"), *l, *g;
	cJSON *rows = cJSON_CreateArray(), *findings = NULL;
	struct buf s = BUF_INIT;
	const char *kv[2];
	int ret = -1;

	if (heading(dc, pdf_tmpl_label(t, "audit"), 12) < 0)
		goto out;
	if (!cJSON_IsObject(a)) {
		ret = paragraph(dc, pdf_tmpl_label(t, "audit_none"), 9);
		goto out;
	}
	cJSON_ArrayForEach(l, obj(a, "levels")) {
		cJSON *row;

		if (!(g = centre_entry(obj(l, "centers"), center)))
			continue;
		row = cJSON_Duplicate(g, 1);
		if (!row)
			goto out;
		cJSON_AddItemToArray(rows, row);
		add_ref(row, "label", obj(l, "label"));
	}
	if (cJSON_GetArraySize(rows) == 0) {
		ret = paragraph(dc, pdf_tmpl_label(t, "audit_not_sampled"), 9);
		goto out;
	}
	if (cJSON_GetArraySize(rows) > 1 &&
	    (g = centre_entry(obj(obj(a, "all_levels"), "centers"), center))) {
		cJSON *row = cJSON_Duplicate(g, 1);

		if (!row)
			goto out;
		cJSON_AddItemToArray(rows, row);
		cJSON_AddStringToObject(row, "label",
					pdf_tmpl_label(t, "audit_all_levels"));
	}
	kv[0] = "due";
	kv[1] = cjson_str_of(a, "due_at") ? cjson_str_of(a, "due_at") : "";
	pdf_tmpl_fill(&s, pdf_tmpl_label(t, "audit_note"), kv, 1);
	if (paragraph(dc, s.s, 7.5f) < 0 ||
	    object_table(dc, "audit", rows, 0, NULL) < 0)
		goto out;
	findings = select_str(obj(m, "findings"), "center", center);
	ret = short_list(dc, "findings", "findings_none", "findings",
			 findings, 0);
out:
	cJSON_Delete(rows);
	cJSON_Delete(findings);
	buf_release(&s);
	return ret;
}

/*
 * One centre's weekly report for its 项目经理, at most 2 pages on the
 * sample: its figures per type against each target, its butlers, what it
 * still owes and its open loops, and (once the view model has them) the
 * audit findings on its tickets.
 */
static int render_centre_report(struct render *r, const char *center)
{
	const cJSON *m = r->v->metrics;
	const struct pdf_tmpl *t = &r->centre;
	cJSON *types = select_str(obj(m, "by_center_type"), "center", center);
	cJSON *owed = select_str(obj(m, "owed"), "center", center);
	cJSON *loops = select_str(obj(m, "loops_open_list"), "center", center);
	cJSON *butlers = centre_butlers(m, center);
	struct buf note = BUF_INIT;
	const char *title = doc_title(t);
	struct doc dc;
	int ret = -1;

	if (doc_open(&dc, r, t, title) < 0)
		goto done_free;
	dc.top = PDF_A4_LONG - MARGIN;
	dc.bottom = MARGIN;
	dc.doc_code = r->code_centre;
	if (weekly_cover(&dc) < 0)
		goto out;
	buf_addf(&note, "%s：%s", pdf_tmpl_label(t, "center"), center);
	pdfdoc_text_in(&dc.pd, dc.left, dc.y - 12, dc.width, 12, PDF_CENTER,
		       note.s);
	dc.y -= 20;
	dc.page_note = note.s;
	if (heading(&dc, pdf_tmpl_label(t, "types"), 12) < 0 ||
	    object_table(&dc, "types", types, 0, NULL) < 0 ||
	    paragraph(&dc, pdf_tmpl_label(t, "types_note"), 7.5f) < 0)
		goto out;
	if (heading(&dc, pdf_tmpl_label(t, "butlers"), 12) < 0 ||
	    paragraph(&dc, pdf_tmpl_label(t, "butlers_note"), 7.5f) < 0 ||
	    object_table(&dc, "butlers", butlers, 0, NULL) < 0)
		goto out;
	if (list_section(&dc, "owed", "owed_none", "owed", owed) < 0 ||
	    list_section(&dc, "loops", "loops_none", "loops", loops) < 0)
		goto out;
	if (centre_audit(&dc, center) < 0)
		goto out;
	if (weekly_headers(&dc) < 0)
		goto out;
	ret = doc_save(&dc, title, center);
	goto done;
out:
	doc_fail(&dc, center);
done:
	doc_close(&dc);
done_free:
	cJSON_Delete(types);
	cJSON_Delete(owed);
	cJSON_Delete(loops);
	cJSON_Delete(butlers);
	buf_release(&note);
	return ret;
}

static void render_centre_reports(struct render *r)
{
	const cJSON *g;

	if (!r->centre.root)
		return;
	cJSON_ArrayForEach(g, obj(r->v->metrics, "by_center")) {
		const char *center = cjson_str_of(g, "center");

		if (center)
			render_centre_report(r, center);
	}
}

/* ---- entry point ---------------------------------------------------- */

/*
 * The non-ASCII characters this file and pdfdoc.c draw themselves (the
 * satisfaction levels of the chart legend, punctuation, □); keep in step
 * with the string literals.
 */
static const char code_chars[] =
	"·–—…《》（）／：；□" "非常满意不一般" "是否未指定第页共" "▲▼＝";

static void add_tree_chars(unsigned char *chars, const cJSON *j)
{
	const cJSON *e;

	if (!j)
		return;
	if (j->string)
		pdffont_add_chars(chars, j->string);
	if (cJSON_IsString(j) && j->valuestring)
		pdffont_add_chars(chars, j->valuestring);
	for (e = j->child; e; e = e->next)
		add_tree_chars(chars, e);
}

int render_pdf_week(const struct week_view *v, const struct config *cfg,
		    const char *templates_dir, const char *week_dir,
		    struct diag *d)
{
	struct render r;
	struct buf err = BUF_INIT;
	const cJSON *company;
	const char *period_kind;
	unsigned char *chars = NULL;
	unsigned c;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	if (!v || !v->metrics) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0,
			    "no metrics to render the PDFs from");
		return -1;
	}
	r.v = v;
	r.cfg = cfg;
	r.templates_dir = templates_dir;
	r.week_dir = week_dir;
	r.d = d;
	company = obj(v->metrics, "company");
	r.company = or_default(cjson_str_of(company, "name"), cfg->company);
	r.document_code = or_default(cjson_str_of(company, "document_code"),
				     cfg->document_code);
	r.version = or_default(cjson_str_of(company, "version"),
			       cfg->document_version);
	r.effective_date = or_default(cjson_str_of(company, "effective_date"),
				      cfg->effective_date);
	r.code_weekly = or_default(cjson_str_of(obj(company, "document_codes"),
						"weekly_report"),
				   cfg->code_weekly_report);
	r.code_audit = or_default(cjson_str_of(obj(company, "document_codes"),
					       "audit_sheet"),
				  cfg->code_audit_sheet);
	r.code_centre = or_default(cjson_str_of(obj(company, "document_codes"),
						"centre_report"),
				   cfg->code_centre_report);
	r.week = or_default(cjson_str_of(v->metrics, "week"), "week");
	r.week_start = or_default(cjson_str_of(v->metrics, "week_start"), "");
	r.week_end = or_default(cjson_str_of(v->metrics, "week_end"), "");
	r.as_of_text = or_default(cjson_str_of(v->metrics, "as_of"), "");
	r.seed = or_default(cjson_str_of(v->samples, "seed"),
			    or_default(cjson_str_of(v->metrics, "seed"), cfg->seed));
	if (chtime_parse(r.as_of_text, strlen(r.as_of_text), &r.as_of) < 0)
		r.as_of = 0;

	if (pdf_tmpl_load(&r.weekly, r.templates_dir, "weekly.json", d) < 0)
		r.failed = 1;
	if (pdf_tmpl_load(&r.form, r.templates_dir, "record_form.json", d) < 0)
		r.failed = 1;
	if (pdf_tmpl_load(&r.centre, r.templates_dir, "centre_report.json",
			  d) < 0)
		r.failed = 1;
	if (!r.weekly.root && !r.form.root && !r.centre.root)
		goto out;
	/* A month or quarter: its wording, and no record forms (§9.30). */
	period_kind = cjson_str_of(obj(v->metrics, "period"), "kind");
	if (period_kind && strcmp(period_kind, "week")) {
		if (pdf_tmpl_apply_period(&r.weekly, period_kind, d) < 0 ||
		    pdf_tmpl_apply_period(&r.centre, period_kind, d) < 0)
			r.failed = 1;
		pdf_tmpl_release(&r.form);
		r.seed = NULL;
	}

	/*
	 * The font is cut down to the characters this render can draw: those
	 * of the view model and the templates, printable ASCII, and the few
	 * this file writes itself.
	 */
	chars = xcalloc(PDFFONT_CHARS_SIZE, 1);
	for (c = 0x20; c < 0x7F; c++)
		chars[c >> 3] |= (unsigned char)(1u << (c & 7));
	pdffont_add_chars(chars, code_chars);
	add_tree_chars(chars, v->metrics);
	add_tree_chars(chars, v->records);
	add_tree_chars(chars, v->samples);
	add_tree_chars(chars, r.weekly.root);
	add_tree_chars(chars, r.form.root);
	add_tree_chars(chars, r.centre.root);
	/* The header may come from the config when metrics.json lacks it. */
	pdffont_add_chars(chars, r.company);
	pdffont_add_chars(chars, r.document_code);
	pdffont_add_chars(chars, r.version);
	pdffont_add_chars(chars, r.effective_date);
	if (r.seed)
		pdffont_add_chars(chars, r.seed);
	if (pdffont_prepare(&r.font, cfg->font_path, cfg->font_index, week_dir,
			    chars, &err) < 0) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "font: %s", err.s);
		r.failed = 1;
		goto out;
	}
	if (r.weekly.root)
		render_weekly(&r);
	render_centre_reports(&r);
	render_record_forms(&r);
out:
	ret = r.failed ? -1 : 0;
	pdf_tmpl_labels_release();
	pdffont_release(&r.font);
	pdf_tmpl_release(&r.weekly);
	pdf_tmpl_release(&r.form);
	pdf_tmpl_release(&r.centre);
	free(chars);
	string_list_clear(&r.names);
	buf_release(&err);
	return ret;
}
