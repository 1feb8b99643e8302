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
 * grouping and the words come from the view. The files are written with
 * cfg->audit_file_mode, as they hold unmasked phone numbers, and the site
 * never links or copies them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/chtime.h"
#include "report/pdfdoc.h"
#include "report/render.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MARGIN 28.0f
#define HEADER 64.0f        /* the page header's height below the margin */
#define FONT 7.5f

static const char *const title = "三级抽查回访表";
static const char *const provisional_mark = "临时 · 本周未结束，数据为临时";

enum col {
	C_SEQ, C_TICKET, C_UNIT, C_PHONE, C_CONTENT, C_CALLBACK, C_RESULT,
	C_GENUINE, C_RECHECKED, C_PROBLEM, C_DATE, C_AUDITOR, NCOLS
};

static const struct pdf_column sheet_cols[NCOLS] = {
	{ "序号", 16, PDF_CENTER },
	{ "工单编号 / 类别", 80, PDF_LEFT },
	{ "楼栋房号 / 业主", 58, PDF_LEFT },
	{ "联系电话", 60, PDF_LEFT },
	{ "内容", 116, PDF_LEFT },
	{ "回访时间 / 回访人", 62, PDF_LEFT },
	{ "回访结果 / 满意度 / 备注", 104, PDF_LEFT },
	{ "是否真实回访", 50, PDF_CENTER },
	{ "复核满意度", 78, PDF_LEFT },
	{ "问题描述", 88, PDF_LEFT },
	{ "抽查日期", 38, PDF_LEFT },
	{ "抽查人", 36, PDF_LEFT },
};

static const struct pdf_column key_cols[5] = {
	{ "序号", 24, PDF_CENTER },
	{ "工单编号", 90, PDF_LEFT },
	{ "分层", 150, PDF_LEFT },
	{ "抽样原因", 400, PDF_LEFT },
	{ "随机键（SHA-256 前 8 字节）", 110, PDF_LEFT },
};

static const struct pdf_column strata_cols[6] = {
	{ "分层", 200, PDF_LEFT },
	{ "总体 N", 60, PDF_RIGHT },
	{ "计划 n", 60, PDF_RIGHT },
	{ "实抽", 60, PDF_RIGHT },
	{ "上一级已抽", 70, PDF_RIGHT },
	{ "说明", 200, PDF_LEFT },
};

struct sheet {
	struct pdfdoc pd;
	const struct config *cfg;
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

		ret |= pdfdoc_use_page(pd, i);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 10, w - 2 * MARGIN, 10,
				      PDF_CENTER, sh->cfg->company ?
						  sh->cfg->company : "");
		buf_reset(&line);
		buf_addf(&line, "《%s》（%s）", title, sh->level_label);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 28, w - 2 * MARGIN, 14,
				      PDF_CENTER, line.s);
		buf_reset(&line);
		buf_addf(&line, "服务中心：%s    周次：%s    文件编号：%s    版本：%s",
			 i < sh->npage_center && sh->page_center[i] ?
				 sh->page_center[i] : "",
			 sh->week, doc_code(sh->cfg),
			 sh->cfg->document_version ?
				 sh->cfg->document_version : "");
		ret |= pdfdoc_text(pd, MARGIN, y - 46, 8, line.s);
		buf_reset(&line);
		buf_addf(&line, "第%zu页 共%zu页", i + 1, pd->npages);
		ret |= pdfdoc_text_in(pd, MARGIN, y - 46, w - 2 * MARGIN, 8,
				      PDF_RIGHT, line.s);
		ret |= pdfdoc_line(pd, MARGIN, y - 52, w - MARGIN, y - 52,
				   0x333333, 0.8f, 0);
		if (sh->provisional) {
			ret |= pdfdoc_rect(pd, w - MARGIN - 150, y - 16, 150, 15,
					   0xFDECEA, 0xC0392B, 1);
			ret |= pdfdoc_text_in(pd, w - MARGIN - 150, y - 12, 150,
					      8, PDF_CENTER, provisional_mark);
		}
		ret |= pdfdoc_text(pd, MARGIN, MARGIN - 12, 6.5f,
				   "本表含业主联系方式，仅供抽查人回访使用，不得外传；抽样原因与随机键见附录。");
	}
	buf_release(&line);
	return ret ? -1 : 0;
}

static void table_setup(struct sheet *sh, struct pdf_table *t,
			const struct pdf_column *cols, size_t ncols,
			float min_row)
{
	memset(t, 0, sizeof(*t));
	t->pd = &sh->pd;
	t->cols = cols;
	t->ncols = ncols;
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
	return pdfdoc_text(&sh->pd, MARGIN, sh->y, 9,
			   "抽查人（签字）：____________________        "
			   "日期：____________        服务中心负责人（签字）：____________________");
}

/* The rows of one centre's items. */
static int draw_items(struct sheet *sh, const cJSON *items, size_t *seq)
{
	struct pdf_table t;
	struct buf cell[NCOLS];
	const char *texts[NCOLS];
	const cJSON *it;
	size_t i;
	int ret = -1;

	for (i = 0; i < NCOLS; i++)
		buf_init(&cell[i]);
	table_setup(sh, &t, sheet_cols, NCOLS, 46);
	if (pdf_table_start(&t, sh->y) < 0)
		goto out;
	cJSON_ArrayForEach(it, items) {
		for (i = 0; i < NCOLS; i++)
			buf_reset(&cell[i]);
		buf_addf(&cell[C_SEQ], "%zu", ++*seq);
		buf_addf(&cell[C_TICKET], "%s\n%s/%s", str_of(it, "ticket"),
			 str_of(it, "type"), str_of(it, "subtype"));
		buf_addf(&cell[C_UNIT], "%s\n%s", str_of(it, "unit"),
			 str_of(it, "owner"));
		buf_adds(&cell[C_PHONE], str_of(it, "phone"));
		buf_adds(&cell[C_CONTENT], str_of(it, "content"));
		buf_addf(&cell[C_CALLBACK], "%s\n%s · %s",
			 str_of(it, "callback_at"), str_of(it, "recorder"),
			 str_of(it, "channel"));
		buf_addf(&cell[C_RESULT], "满意度：%s\n结果：%s",
			 str_of(it, "satisfaction"), str_of(it, "result"));
		if (*str_of(it, "remark"))
			buf_addf(&cell[C_RESULT], "\n备注：%s",
				 str_of(it, "remark"));
		buf_adds(&cell[C_GENUINE], PDF_BOX "是  " PDF_BOX "否");
		buf_adds(&cell[C_RECHECKED],
			 PDF_BOX "非常满意 " PDF_BOX "满意\n" PDF_BOX "一般 "
			 PDF_BOX "不满意\n" PDF_BOX "非常不满意");
		for (i = 0; i < NCOLS; i++)
			texts[i] = cell[i].s;
		if (pdf_table_row(&t, texts, -1) < 0)
			goto out;
	}
	sh->y = t.y;
	ret = 0;
out:
	for (i = 0; i < NCOLS; i++)
		buf_release(&cell[i]);
	return ret;
}

/* The appendix of one centre: the sampling key and the strata. */
static int draw_appendix(struct sheet *sh, const cJSON *center,
			 size_t *seq)
{
	struct pdf_table t;
	struct buf cell[6];
	const char *texts[6];
	const cJSON *it, *st;
	size_t i;
	int ret = -1;

	for (i = 0; i < 6; i++)
		buf_init(&cell[i]);
	buf_addf(&cell[0], "%s · 抽样说明", str_of(center, "center"));
	if (heading(sh, cell[0].s, 10) < 0)
		goto out;
	table_setup(sh, &t, key_cols, 5, 0);
	if (pdf_table_start(&t, sh->y) < 0)
		goto out;
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(center, "items")) {
		for (i = 0; i < 6; i++)
			buf_reset(&cell[i]);
		buf_addf(&cell[0], "%zu", ++*seq);
		buf_adds(&cell[1], str_of(it, "ticket"));
		buf_adds(&cell[2], str_of(it, "stratum"));
		buf_adds(&cell[3], str_of(it, "reason_zh"));
		buf_adds(&cell[4], str_of(it, "key_hex"));
		for (i = 0; i < 5; i++)
			texts[i] = cell[i].s;
		if (pdf_table_row(&t, texts, -1) < 0)
			goto out;
	}
	sh->y = t.y - 6;
	table_setup(sh, &t, strata_cols, 6, 0);
	if (pdf_table_start(&t, sh->y) < 0)
		goto out;
	cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(center, "strata")) {
		for (i = 0; i < 6; i++)
			buf_reset(&cell[i]);
		buf_adds(&cell[0], str_of(st, "stratum"));
		buf_addf(&cell[1], "%.0f", num_of(st, "population"));
		buf_addf(&cell[2], "%.0f", num_of(st, "n"));
		buf_addf(&cell[3], "%.0f", num_of(st, "sampled"));
		buf_addf(&cell[4], "%.0f", num_of(st, "taken_earlier"));
		buf_adds(&cell[5], str_of(st, "short_zh"));
		for (i = 0; i < 6; i++)
			texts[i] = cell[i].s;
		if (pdf_table_row(&t, texts, -1) < 0)
			goto out;
	}
	sh->y = t.y - 10;
	ret = 0;
out:
	for (i = 0; i < 6; i++)
		buf_release(&cell[i]);
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
		      const struct config *cfg, const char *path,
		      int64_t as_of, struct diag *d)
{
	struct sheet sh;
	struct buf err = BUF_INIT, text = BUF_INIT;
	const cJSON *center;
	size_t seq = 0, key_seq = 0;
	int ret = -1;

	memset(&sh, 0, sizeof(sh));
	sh.cfg = cfg;
	sh.level_label = str_of(level, "label");
	sh.week = str_of(sheets, "week");
	sh.seed = str_of(sheets, "seed");
	sh.provisional = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sheets,
								       "provisional"));
	buf_addf(&text, "%s（%s）", title, sh.level_label);
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
		buf_reset(&text);
		buf_addf(&text, "%s：本周抽查 %d 单（抽样种子 %s）", sh.center,
			 cJSON_GetArraySize(items), sh.seed);
		if (heading(&sh, text.s, 10) < 0)
			goto fail;
		if (cJSON_GetArraySize(items) == 0) {
			if (heading(&sh, "本中心本周无抽样工单（见附录：分层说明）", 9) < 0)
				goto fail;
		} else if (draw_items(&sh, items, &seq) < 0) {
			goto fail;
		}
		if (signature(&sh) < 0)
			goto fail;
	}
	sh.center = only ? str_of(only, "center") : "全部";
	if (new_page(&sh.pd, &sh) < 0)
		goto fail;
	pdfdoc_bookmark(&sh.pd, NULL, "附录：抽样说明");
	buf_reset(&text);
	buf_addf(&text, "附录：抽样说明（本级实抽 %.0f 单，占本周已回访工单 %.1f%%；随机键按 docs/sampling.md 可复算）",
		 num_of(level, "sampled"), 100 * num_of(level, "realised_rate"));
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
			const char *week_dir, struct diag *d)
{
	struct pdffont font;
	struct buf err = BUF_INIT, path = BUF_INIT;
	unsigned char *chars;
	const cJSON *level, *center;
	int64_t as_of = 0;
	size_t i;
	int ret = 0;

	if (!sheets)
		return 0;
	memset(&font, 0, sizeof(font));
	chars = xcalloc(PDFFONT_CHARS_SIZE, 1);
	add_tree_chars(chars, sheets);
	pdffont_add_chars(chars, title);
	pdffont_add_chars(chars, provisional_mark);
	pdffont_add_chars(chars, cfg->company ? cfg->company : "");
	pdffont_add_chars(chars, doc_code(cfg));
	pdffont_add_chars(chars, cfg->document_version ?
					 cfg->document_version : "");
	for (i = 0; i < NCOLS; i++)
		pdffont_add_chars(chars, sheet_cols[i].title);
	for (i = 0; i < 5; i++)
		pdffont_add_chars(chars, key_cols[i].title);
	for (i = 0; i < 6; i++)
		pdffont_add_chars(chars, strata_cols[i].title);
	pdffont_add_chars(chars, "《》（）：；，第页共 0123456789.%·/_" PDF_BOX
				 "本周抽查单抽样种子中心无工单见附录分层说明签字日期负责人"
				 "结果满意度备注是否真实回访复核非常一般不满意级实占已可复算"
				 "随机键按含业主联系方式仅供人使用得外传与服务周次文件编号版全部"
				 "docs/sampling.md");
	if (pdffont_prepare(&font, cfg->font_path, cfg->font_index, week_dir,
			    chars, &err) < 0) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "audit sheets: %s", err.s);
		ret = -1;
		goto out;
	}
	{
		const char *t = str_of(sheets, "as_of");

		if (*t)
			chtime_parse(t, strlen(t), &as_of);
	}
	cJSON_ArrayForEach(level, cJSON_GetObjectItemCaseSensitive(sheets, "levels")) {
		const char *label = str_of(level, "label");

		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(level,
								   "per_center"))) {
			buf_reset(&path);
			buf_addf(&path, "%s/抽查表-", week_dir);
			add_file_part(&path, label);
			buf_adds(&path, ".pdf");
			if (render_doc(sheets, level, NULL, &font, cfg, path.s,
				       as_of, d) < 0)
				ret = -1;
			continue;
		}
		cJSON_ArrayForEach(center, cJSON_GetObjectItemCaseSensitive(level, "centers")) {
			buf_reset(&path);
			buf_addf(&path, "%s/抽查表-", week_dir);
			add_file_part(&path, label);
			buf_addch(&path, '-');
			add_file_part(&path, str_of(center, "center"));
			buf_adds(&path, ".pdf");
			if (render_doc(sheets, level, center, &font, cfg, path.s,
				       as_of, d) < 0)
				ret = -1;
		}
	}
out:
	pdffont_release(&font);
	free(chars);
	buf_release(&err);
	buf_release(&path);
	return ret;
}
