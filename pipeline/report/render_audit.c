/*
 * render_audit.c - the audit sheet PDFs (三级抽查回访表) from
 * audit_sheets.json (sample_write_sheets_json(), docs/audit.md).
 *
 * A level with "per_center" gets one document per centre,
 * 抽查表-<level label>-<centre>.pdf, for that centre's supervisor; any
 * other level one document, 抽查表-<level label>.pdf, with a section per
 * centre starting on a new page. Each row carries what the audit call
 * needs (ticket, unit, masked owner, the phone as audit masking says,
 * 内容, the callback's time, recorder, result, satisfaction and remark)
 * and boxes for the findings; the sampling reasons and keys and the
 * strata (what was drawn, and why fewer) go to an appendix, so the wide
 * columns are the auditor's. Like every renderer it computes nothing: the
 * grouping comes from the view, and every word, column title, width and
 * cell pattern from templates/pdf/audit_sheet.json (pdf_tmpl.h; a cell's
 * "text" is a pattern of the item's members, {ticket}, {phone} ...). The
 * files are written with
 * cfg->audit_file_mode, as they hold unmasked phone numbers, and the site
 * never links or copies them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/chtime.h"
#include "report/pdf_tmpl.h"
#include "report/pdfdoc.h"
#include "report/render.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MARGIN 28.0f
#define HEADER 64.0f        /* the page header's height below the margin */
#define FONT 7.5f
/* The tables' widths in points: a landscape A4 page between the margins. */
#define TABLE_WIDTH 786.0f

/* The three tables of a sheet, from the template's column lists. */
enum table { T_ITEMS, T_KEYS, T_STRATA, NTABLES };

static const char *const table_member[NTABLES] = {
	"columns", "key_columns", "strata_columns"
};

struct sheet {
	struct pdfdoc pd;
	const struct config *cfg;
	const struct pdf_tmpl *t;
	const struct pdf_tmpl_cols *cols;  /* [NTABLES] */
	const char *level_label;
	const char *week;
	const char *seed;
	bool provisional;
	const char **page_center;    /* the centre of each page, for headers */
	size_t npage_center;
	const char *center;          /* the section being drawn */
	float y;
};

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *label(const struct sheet *sh, const char *key)
{
	return pdf_tmpl_label(sh->t, key);
}

/* Appends the template's label key with its {name}s from kv (n pairs). */
static void add_label(struct buf *out, const struct sheet *sh,
		      const char *key, const char *const *kv, size_t n)
{
	pdf_tmpl_fill(out, label(sh, key), kv, n);
}

/*
 * Appends pattern with each {member} replaced by that member of obj (a
 * string as it is, a number in whole units), {seq} by seq and
 * {remark_line} by the label remark when obj has a remark; an unknown
 * name stays as written, so whoever edits the template sees it.
 */
static void fill_cell(struct buf *out, const struct sheet *sh,
		      const char *pattern, const cJSON *obj, size_t seq)
{
	const char *p = pattern;

	while (*p) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		struct buf name = BUF_INIT;
		const cJSON *v;

		if (!end) {
			buf_addch(out, *p++);
			continue;
		}
		buf_add(&name, p + 1, (size_t)(end - p - 1));
		v = cJSON_GetObjectItemCaseSensitive(obj, name.s);
		if (!strcmp(name.s, "seq")) {
			buf_addf(out, "%zu", seq);
		} else if (!strcmp(name.s, "remark_line")) {
			const char *kv[2] = { "remark", str_of(obj, "remark") };

			if (*kv[1])
				add_label(out, sh, "remark", kv, 1);
		} else if (cJSON_IsString(v)) {
			buf_adds(out, v->valuestring);
		} else if (cJSON_IsNumber(v)) {
			buf_addf(out, "%.0f", v->valuedouble);
		} else {
			buf_add(out, p, (size_t)(end - p + 1));
		}
		buf_release(&name);
		p = end + 1;
	}
}

/* The cell pattern of column i of a table: its "text", else "{key}". */
static void cell_text(struct buf *out, const struct sheet *sh, enum table tb,
		      size_t i, const cJSON *obj, size_t seq)
{
	const cJSON *col = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(sh->t->root, table_member[tb]),
		(int)i);
	const char *text = cjson_str_of(col, "text");
	struct buf pattern = BUF_INIT;

	if (text)
		buf_adds(&pattern, text);
	else
		buf_addf(&pattern, "{%s}", sh->cols[tb].v[i].key);
	fill_cell(out, sh, pattern.s, obj, seq);
	buf_release(&pattern);
}

static int new_page(struct pdfdoc *pd, void *ctx)
{
	struct sheet *sh = ctx;

	if (pdfdoc_add_page(pd, PDF_LANDSCAPE) < 0)
		return -1;
	sh->page_center = xrealloc(sh->page_center, (sh->npage_center + 1) *
							 sizeof(*sh->page_center));
	sh->page_center[sh->npage_center++] = sh->center;
	sh->y = pd->page_h - MARGIN - HEADER;
	return 0;
}

/* company.document_codes.audit_sheet, else the company's document code. */
static const char *doc_code(const struct config *cfg)
{
	if (cfg->code_audit_sheet && *cfg->code_audit_sheet)
		return cfg->code_audit_sheet;
	return cfg->document_code ? cfg->document_code : "";
}

/* The header of every page, once the page count is known. */
static int draw_headers(struct sheet *sh)
{
	struct pdfdoc *pd = &sh->pd;
	struct buf line = BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < pd->npages && !ret; i++) {
		float w = pd->page_w, y = pd->page_h - MARGIN;

		const char *head[4] = { "title", cjson_str_of(sh->t->root,
								 "title"),
					"level", sh->level_label };
		const char *line_kv[8] = {
			"center", i < sh->npage_center && sh->page_center[i] ?
					  sh->page_center[i] : "",
			"week", sh->week, "code", doc_code(sh->cfg),
			"version", sh->cfg->document_version ?
					   sh->cfg->document_version : ""
		};
		char n[24], m[24];
		const char *page_kv[4] = { "n", n, "m", m };

		if (!head[1])
			head[1] = "";
		snprintf(n, sizeof(n), "%zu", i + 1);
		snprintf(m, sizeof(m), "%zu", pd->npages);
		ret |= pdfdoc_use_page(pd, i);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 10, w - 2 * MARGIN, 10,
				      PDF_CENTER, sh->cfg->company ?
						  sh->cfg->company : "");
		buf_reset(&line);
		add_label(&line, sh, "heading", head, 2);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 28, w - 2 * MARGIN, 14,
				      PDF_CENTER, line.s);
		buf_reset(&line);
		add_label(&line, sh, "header_line", line_kv, 4);
		ret |= pdfdoc_text(pd, MARGIN, y - 46, 8, line.s);
		buf_reset(&line);
		add_label(&line, sh, "page", page_kv, 2);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 46, w - 2 * MARGIN, 8,
				      PDF_RIGHT, line.s);
		ret |= pdfdoc_line(pd, MARGIN, y - 52, w - MARGIN, y - 52,
				   0x333333, 0.8f, 0);
		if (sh->provisional) {
			ret |= pdfdoc_rect(pd, w - MARGIN - 150, y - 16, 150, 15,
					   0xFDECEA, 0xC0392B, 1);
			ret |= pdfdoc_text_in(pd, w - MARGIN - 150, y - 12, 150,
					      8, PDF_CENTER,
					      label(sh, "provisional"));
		}
		ret |= pdfdoc_text(pd, MARGIN, MARGIN - 12, 6.5f,
				   label(sh, "footer"));
	}
	buf_release(&line);
	return ret ? -1 : 0;
}

static void table_setup(struct sheet *sh, struct pdf_table *t, enum table tb,
			float min_row)
{
	memset(t, 0, sizeof(*t));
	t->pd = &sh->pd;
	t->cols = sh->cols[tb].pdf;
	t->ncols = sh->cols[tb].n;
	t->x = MARGIN;
	t->top = sh->pd.page_h - MARGIN - HEADER;
	t->bottom = MARGIN + 4;
	t->size = FONT;
	t->pad = 2.5f;
	t->min_row = min_row;
	t->header_fill = 0xE8EEF4;
	t->border = 0x555555;
	t->new_page = new_page;
	t->ctx = sh;
}

static int heading(struct sheet *sh, const char *text, float size)
{
	if (sh->y - size - 8 < MARGIN + 40 && new_page(&sh->pd, sh) < 0)
		return -1;
	if (pdfdoc_text(&sh->pd, MARGIN, sh->y - size, size, text) < 0)
		return -1;
	sh->y -= size + 8;
	return 0;
}

static int signature(struct sheet *sh)
{
	if (sh->y < MARGIN + 30 && new_page(&sh->pd, sh) < 0)
		return -1;
	sh->y -= 22;
	return pdfdoc_text(&sh->pd, MARGIN, sh->y, 9, label(sh, "signature"));
}

/*
 * The rows of obj's array member (the items of a centre, or its strata)
 * as table tb, each cell from its template pattern; seq numbers the rows.
 */
static int draw_rows(struct sheet *sh, enum table tb, const cJSON *rows,
		     float min_row, size_t *seq)
{
	const struct pdf_tmpl_cols *cs = &sh->cols[tb];
	struct pdf_table t;
	struct buf *cell = xcalloc(cs->n, sizeof(*cell));
	const char **texts = xcalloc(cs->n, sizeof(*texts));
	const cJSON *row;
	size_t i;
	int ret = -1;

	table_setup(sh, &t, tb, min_row);
	if (pdf_table_start(&t, sh->y) < 0)
		goto out;
	cJSON_ArrayForEach(row, rows) {
		++*seq;
		for (i = 0; i < cs->n; i++) {
			buf_reset(&cell[i]);
			cell_text(&cell[i], sh, tb, i, row, *seq);
			texts[i] = cell[i].s ? cell[i].s : "";
		}
		if (pdf_table_row(&t, texts, -1) < 0)
			goto out;
	}
	sh->y = t.y;
	ret = 0;
out:
	for (i = 0; i < cs->n; i++)
		buf_release(&cell[i]);
	free(cell);
	free(texts);
	return ret;
}

/* The appendix of one centre: the sampling key and the strata. */
static int draw_appendix(struct sheet *sh, const cJSON *center,
			 size_t *seq)
{
	struct buf text = BUF_INIT;
	const char *kv[2] = { "center", str_of(center, "center") };
	size_t strata_seq = 0;
	int ret = -1;

	add_label(&text, sh, "appendix_centre", kv, 1);
	if (heading(sh, text.s, 10) < 0 ||
	    draw_rows(sh, T_KEYS, cJSON_GetObjectItemCaseSensitive(center,
								   "items"),
		      0, seq) < 0)
		goto out;
	sh->y -= 6;
	if (draw_rows(sh, T_STRATA, cJSON_GetObjectItemCaseSensitive(center,
								     "strata"),
		      0, &strata_seq) < 0)
		goto out;
	sh->y -= 10;
	ret = 0;
out:
	buf_release(&text);
	return ret;
}

/*
 * A centre or level name as part of a file name: '/' and control
 * characters become '_', and a leading '.' too, so that a hostile export
 * cannot name a file outside the week folder or a hidden one.
 */
static void add_file_part(struct buf *b, const char *s)
{
	if (*s == '.')
		buf_addch(b, '_'), s++;
	for (; *s; s++)
		buf_addch(b, *s == '/' || (unsigned char)*s < 0x20 ? '_' : *s);
}

static void add_tree_chars(unsigned char *chars, const cJSON *j)
{
	const cJSON *e;

	if (!j)
		return;
	if (cJSON_IsString(j) && j->valuestring)
		pdffont_add_chars(chars, j->valuestring);
	for (e = j->child; e; e = e->next)
		add_tree_chars(chars, e);
}

/*
 * One document: the centres of level given (all of them, or the one
 * named by only), then the appendix; saved to path.
 */
static int render_doc(const cJSON *sheets, const cJSON *level,
		      const cJSON *only, const struct pdffont *font,
		      const struct config *cfg, const struct pdf_tmpl *t,
		      const struct pdf_tmpl_cols *cols, const char *path,
		      int64_t as_of, struct diag *d)
{
	struct sheet sh;
	struct buf err = BUF_INIT, text = BUF_INIT;
	const cJSON *center;
	size_t seq = 0, key_seq = 0;
	int ret = -1;

	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	sh.t = t;
	sh.cols = cols;
	sh.level_label = str_of(level, "label");
	sh.week = str_of(sheets, "week");
	sh.seed = str_of(sheets, "seed");
	sh.provisional = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sheets,
								       "provisional"));
	buf_addf(&text, "%s（%s）", cjson_str_of(t->root, "title") ?
					   cjson_str_of(t->root, "title") : "",
		 sh.level_label);
	if (pdfdoc_open(&sh.pd, font, text.s, as_of, &err) < 0)
		goto fail;
	cJSON_ArrayForEach(center, cJSON_GetObjectItemCaseSensitive(level, "centers")) {
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(center,
								      "items");

		if (only && center != only)
			continue;
		sh.center = str_of(center, "center");
		if (new_page(&sh.pd, &sh) < 0)
			goto fail;
		pdfdoc_bookmark(&sh.pd, NULL, sh.center);
		{
			char n[24];
			const char *kv[6] = { "center", sh.center, "n", n,
					      "seed", sh.seed };

			snprintf(n, sizeof(n), "%d", cJSON_GetArraySize(items));
			buf_reset(&text);
			add_label(&text, &sh, "centre_heading", kv, 3);
		}
		if (heading(&sh, text.s, 10) < 0)
			goto fail;
		if (cJSON_GetArraySize(items) == 0) {
			if (heading(&sh, label(&sh, "centre_empty"), 9) < 0)
				goto fail;
		} else if (draw_rows(&sh, T_ITEMS, items, 46, &seq) < 0) {
			goto fail;
		}
		if (signature(&sh) < 0)
			goto fail;
	}
	sh.center = only ? str_of(only, "center") : label(&sh, "all_centres");
	if (new_page(&sh.pd, &sh) < 0)
		goto fail;
	pdfdoc_bookmark(&sh.pd, NULL, label(&sh, "appendix"));
	{
		char n[32], rate[32];
		const char *kv[4] = { "n", n, "rate", rate };

		snprintf(n, sizeof(n), "%.0f", num_of(level, "sampled"));
		snprintf(rate, sizeof(rate), "%.1f",
			 100 * num_of(level, "realised_rate"));
		buf_reset(&text);
		add_label(&text, &sh, "appendix_heading", kv, 2);
	}
	if (heading(&sh, text.s, 10) < 0)
		goto fail;
	cJSON_ArrayForEach(center, cJSON_GetObjectItemCaseSensitive(level, "centers")) {
		if (only && center != only)
			continue;
		if (draw_appendix(&sh, center, &key_seq) < 0)
			goto fail;
	}
	if (draw_headers(&sh) < 0 ||
	    pdfdoc_save_mode(&sh.pd, path, cfg->audit_file_mode, &err) < 0)
		goto fail;
	ret = 0;
	goto out;
fail:
	if (!err.len) {
		buf_addf(&err, "%s: ", path);
		pdfdoc_describe_error(&sh.pd, &err);
	}
	diag_report(d, DIAG_ERROR, NULL, 0, 0, "cannot render %s", err.s);
out:
	pdfdoc_close(&sh.pd);
	free(sh.page_center);
	buf_release(&err);
	buf_release(&text);
	return ret;
}

int render_audit_sheets(const cJSON *sheets, const struct config *cfg,
			const char *templates_dir, const char *week_dir,
			struct diag *d)
{
	struct pdffont font;
	struct pdf_tmpl t;
	struct pdf_tmpl_cols cols[NTABLES];
	struct buf err = BUF_INIT, path = BUF_INIT;
	unsigned char *chars = NULL;
	const cJSON *level, *center;
	int64_t as_of = 0;
	size_t i;
	int ret = -1;

	if (!sheets)
		return 0;
	memset(&font, 0, sizeof(font));
	memset(cols, 0, sizeof(cols));
	if (pdf_tmpl_load(&t, templates_dir, "audit_sheet.json", d) < 0)
		return -1;
	for (i = 0; i < NTABLES; i++)
		if (pdf_tmpl_cols_load(&cols[i], &t,
				       cJSON_GetObjectItemCaseSensitive(
					       t.root, table_member[i]),
				       table_member[i], TABLE_WIDTH, d) < 0)
			goto out;
	chars = xcalloc(PDFFONT_CHARS_SIZE, 1);
	add_tree_chars(chars, sheets);
	/* Every word of the template, whatever its editor wrote. */
	add_tree_chars(chars, t.root);
	pdffont_add_chars(chars, cfg->company ? cfg->company : "");
	pdffont_add_chars(chars, doc_code(cfg));
	pdffont_add_chars(chars, cfg->document_version ?
					 cfg->document_version : "");
	pdffont_add_chars(chars, "0123456789.%[]");
	if (pdffont_prepare(&font, cfg->font_path, cfg->font_index, week_dir,
			    chars, &err) < 0) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "audit sheets: %s", err.s);
		goto out;
	}
	{
		const char *text = str_of(sheets, "as_of");

		if (*text)
			chtime_parse(text, strlen(text), &as_of);
	}
	ret = 0;
	cJSON_ArrayForEach(level, cJSON_GetObjectItemCaseSensitive(sheets, "levels")) {
		const char *name = str_of(level, "label");

		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(level,
								   "per_center"))) {
			buf_reset(&path);
			buf_addf(&path, "%s/抽查表-", week_dir);
			add_file_part(&path, name);
			buf_adds(&path, ".pdf");
			if (render_doc(sheets, level, NULL, &font, cfg, &t, cols,
				       path.s, as_of, d) < 0)
				ret = -1;
			continue;
		}
		cJSON_ArrayForEach(center, cJSON_GetObjectItemCaseSensitive(level, "centers")) {
			buf_reset(&path);
			buf_addf(&path, "%s/抽查表-", week_dir);
			add_file_part(&path, name);
			buf_addch(&path, '-');
			add_file_part(&path, str_of(center, "center"));
			buf_adds(&path, ".pdf");
			if (render_doc(sheets, level, center, &font, cfg, &t,
				       cols, path.s, as_of, d) < 0)
				ret = -1;
		}
	}
out:
	pdffont_release(&font);
	for (i = 0; i < NTABLES; i++)
		pdf_tmpl_cols_release(&cols[i]);
	pdf_tmpl_release(&t);
	pdf_tmpl_labels_release();
	free(chars);
	buf_release(&err);
	buf_release(&path);
	return ret;
}
