/*
 * render_xlsx.c - the audit workbooks and the week's figures as .xlsx
 * (see render_xlsx.h).
 *
 * Every value comes from the view model as it is: strings as written,
 * numbers in their shortest decimal text (buf_add_double, as the JSON
 * holds them), true and false as 是 and 否, null as an empty cell. The
 * column's kind in xlsxout decides how the text is stored.
 */
#include <stdlib.h>
#include <string.h>

#include "model/ticket.h"
#include "report/render_xlsx.h"
#include "report/xlsxout.h"
#include "stages/metrics.h"
#include "stages/worklist.h"
#include "util/chtime.h"
#include "util/string_list.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *const genuine_choices[] = { "是", "否", "无法联系", NULL };

/* The audit sheet's columns; the CSV's, less its source column. */
static const struct xlsxout_column audit_cols[] = {
	{ "服务中心", XLSX_TEXT, NULL }, { "责任人", XLSX_TEXT, NULL },
	{ "工单编号", XLSX_TEXT, NULL }, { "工单类型", XLSX_TEXT, NULL },
	{ "工单子类", XLSX_TEXT, NULL }, { "楼栋房号", XLSX_TEXT, NULL },
	{ "业主姓名", XLSX_TEXT, NULL }, { "联系电话", XLSX_TEXT, NULL },
	{ "完成时间", XLSX_DATETIME, NULL },
	{ "首次回访时间", XLSX_DATETIME, NULL },
	{ "回访方式", XLSX_TEXT, NULL }, { "满意度", XLSX_TEXT, NULL },
	{ "回访人", XLSX_TEXT, NULL }, { "抽样原因", XLSX_TEXT, NULL },
	{ "是否真实回访", XLSX_TEXT, genuine_choices },
	{ "复核满意度", XLSX_TEXT, satisfaction_scale },
	{ "问题描述", XLSX_TEXT, NULL }, { "抽查人", XLSX_TEXT, NULL },
	{ "抽查日期", XLSX_DATE, NULL },
};
#define AUDIT_COLS (sizeof(audit_cols) / sizeof(audit_cols[0]))
#define AUDIT_COL_OWNER 6       /* 业主姓名 */
#define AUDIT_COL_PHONE 7       /* 联系电话 */
/* The item keys of samples.json for the filled columns, in order. */
static const char *const audit_keys[] = {
	"center", "butler", "ticket", "type", "subtype", "unit", "owner",
	"phone", "completed_at", "first_callback_at", "channel",
	"satisfaction", "recorder", "reason_zh",
};
#define AUDIT_FILLED (sizeof(audit_keys) / sizeof(audit_keys[0]))

static const struct xlsxout_column note_cols[] = {
	{ "项目", XLSX_TEXT, NULL }, { "内容", XLSX_TEXT, NULL },
};
static const struct xlsxout_column strata_cols[] = {
	{ "分层", XLSX_TEXT, NULL }, { "服务中心", XLSX_TEXT, NULL },
	{ "责任人", XLSX_TEXT, NULL }, { "总数 N", XLSX_NUMBER, NULL },
	{ "应抽 n", XLSX_NUMBER, NULL }, { "必抽", XLSX_NUMBER, NULL },
	{ "随机键抽取", XLSX_NUMBER, NULL },
	{ "已被上一层级抽取", XLSX_NUMBER, NULL },
	{ "实抽", XLSX_NUMBER, NULL },
};
static const char *const strata_keys[] = {
	"stratum", "center", "butler", "population", "n", "must_include",
	"by_key", "taken_earlier", "sampled",
};
static const struct xlsxout_column identity_cols[] = {
	{ "week", XLSX_TEXT, NULL }, { "level", XLSX_TEXT, NULL },
	{ "seed", XLSX_TEXT, NULL }, { "ticket", XLSX_TEXT, NULL },
	{ "key", XLSX_TEXT, NULL },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The text of item[key] (see the file's comment) into b; b->s returned. */
static const char *text_of(struct buf *b, const cJSON *item, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, key);

	buf_reset(b);
	if (cJSON_IsString(v))
		buf_adds(b, v->valuestring);
	else if (cJSON_IsNumber(v))
		buf_add_double(b, v->valuedouble);
	else if (cJSON_IsBool(v))
		buf_adds(b, cJSON_IsTrue(v) ? "是" : "否");
	return b->s;
}

/* Fills cells[0..n) from item by keys, using bufs[0..n). */
static void row_of(const cJSON *item, const char *const *keys, size_t n,
		   struct buf *bufs, const char **cells)
{
	size_t i;

	for (i = 0; i < n; i++)
		cells[i] = text_of(&bufs[i], item, keys[i]);
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static int64_t created_at(const struct week_view *v)
{
	const char *as_of = str(v->metrics, "as_of");
	int64_t t;

	return chtime_parse(as_of, strlen(as_of), &t) ? 0 : t;
}

static int commit(struct xlsxout *b, const char *path, unsigned mode,
		  struct diag *d)
{
	struct buf err = BUF_INIT;
	int ret = xlsxout_commit_mode(b, mode, &err);

	if (ret < 0)
		diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: %s",
			    err.s);
	buf_release(&err);
	return ret;
}

static struct xlsxout *open_book(const char *path, const struct week_view *v,
				 struct diag *d)
{
	struct buf err = BUF_INIT;
	struct xlsxout *b = xlsxout_open(path, created_at(v), &err);

	if (!b)
		diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: %s",
			    err.s);
	buf_release(&err);
	return b;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_note(struct xlsxout_sheet *s, const char *k, const char *v)
{
	const char *cells[2] = { k, v };

	xlsxout_row(s, cells);
}

static void audit_notes(struct xlsxout *b, const cJSON *samples,
			const cJSON *level)
{
	struct xlsxout_sheet *s = xlsxout_sheet(b, "说明", note_cols,
						N(note_cols));
	struct buf t = BUF_INIT, bufs[N(strata_keys)];
	const char *cells[N(strata_keys)];
	const cJSON *st;
	size_t i;

	add_note(s, "周", str(samples, "week"));
	add_note(s, "层级", str(level, "label"));
	add_note(s, "层级标识", str(level, "id"));
	add_note(s, "分层方式", str(level, "stratify_by"));
	add_note(s, "抽样规则", str(level, "size"));
	add_note(s, "抽样比例", text_of(&t, level, "rate"));
	add_note(s, "每层最少", text_of(&t, level, "minimum"));
	add_note(s, "总体", text_of(&t, level, "population"));
	add_note(s, "实抽", text_of(&t, level, "sampled"));
	add_note(s, "随机种子", str(samples, "seed"));
	add_note(s, "随机键", str(samples, "key"));
	add_note(s, "抽样原因", "每张工单的抽样原因见各服务中心工作表的"
		 "“抽样原因”列：必抽规则，或随机键及其在本分层的名次");
	add_note(s, "暂定", text_of(&t, samples, "provisional"));

	s = xlsxout_sheet(b, "分层", strata_cols, N(strata_cols));
	for (i = 0; i < N(strata_keys); i++)
		buf_init(&bufs[i]);
	cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(level,
								 "strata")) {
		row_of(st, strata_keys, N(strata_keys), bufs, cells);
		xlsxout_row(s, cells);
	}
	for (i = 0; i < N(strata_keys); i++)
		buf_release(&bufs[i]);
	buf_release(&t);
}

/*
 * The item of ticket in level id of audit_sheets.json (the audit view,
 * masked by audit.masking), or NULL.
 */
static const cJSON *audit_view_item(const cJSON *sheets, const char *id,
				    const char *ticket)
{
	const cJSON *l, *c, *it;

	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(sheets, "levels")) {
		if (strcmp(str(l, "id"), id))
			continue;
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(l, "centers"))
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(c, "items"))
				if (!strcmp(str(it, "ticket"), ticket))
					return it;
	}
	return NULL;
}

static int audit_book(const struct week_view *v, const cJSON *level,
		      const struct config *cfg, const char *week_dir,
		      struct diag *d)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(level, "items");
	const cJSON *it;
	struct buf path = BUF_INIT, bufs[AUDIT_FILLED];
	const char *cells[AUDIT_COLS];
	const char **centers = NULL;
	size_t ncenters = 0, acenters = 0, i;
	struct xlsxout *b;
	struct xlsxout_sheet *id;
	int ret = -1;

	buf_addf(&path, "%s/抽查表-%s.xlsx", week_dir, str(level, "id"));
	b = open_book(path.s, v, d);
	if (!b)
		goto out;
	audit_notes(b, v->samples, level);
	for (i = 0; i < AUDIT_FILLED; i++)
		buf_init(&bufs[i]);
	for (i = AUDIT_FILLED; i < AUDIT_COLS; i++)
		cells[i] = "";
	/* One sheet per centre, in byte order of the names. */
	cJSON_ArrayForEach(it, items) {
		const char *c = str(it, "center");
		size_t k;

		for (k = 0; k < ncenters && strcmp(centers[k], c); k++)
			;
		if (k == ncenters) {
			ALLOC_GROW(centers, ncenters + 1, acenters);
			centers[ncenters++] = c;
		}
	}
	if (ncenters)
		qsort(centers, ncenters, sizeof(*centers), cmp_str);
	for (i = 0; i < ncenters; i++) {
		struct xlsxout_sheet *s = xlsxout_sheet(b, centers[i],
							audit_cols, AUDIT_COLS);

		cJSON_ArrayForEach(it, items) {
			const cJSON *av;

			if (strcmp(str(it, "center"), centers[i]))
				continue;
			row_of(it, audit_keys, AUDIT_FILLED, bufs, cells);
			/*
			 * The auditor calls the owner: owner and phone as the
			 * audit masking has them, as on the PDF and the CSV.
			 */
			av = audit_view_item(v->audit_sheets, str(level, "id"),
					     str(it, "ticket"));
			if (av) {
				cells[AUDIT_COL_OWNER] = str(av, "owner");
				cells[AUDIT_COL_PHONE] = str(av, "phone");
			}
			xlsxout_row(s, cells);
		}
	}
	id = xlsxout_hidden_sheet(b, "样本标识", identity_cols,
				  N(identity_cols));
	cJSON_ArrayForEach(it, items) {
		const char *row[5];

		row[0] = str(v->samples, "week");
		row[1] = str(level, "id");
		row[2] = str(v->samples, "seed");
		row[3] = str(it, "ticket");
		row[4] = str(it, "key_hex");
		xlsxout_row(id, row);
	}
	for (i = 0; i < AUDIT_FILLED; i++)
		buf_release(&bufs[i]);
	/* An audit output: the phones are there (docs/audit.md). */
	ret = commit(b, path.s, cfg->audit_file_mode, d);
out:
	free(centers);
	buf_release(&path);
	return ret;
}

/* The week's figures: one flat table per grouping. */
static const struct xlsxout_column figure_cols[] = {
	{ "应回访", XLSX_NUMBER, NULL }, { "已回访", XLSX_NUMBER, NULL },
	{ "回访率", XLSX_PERCENT, NULL }, { "目标", XLSX_PERCENT, NULL },
	{ "达标", XLSX_TEXT, NULL }, { "有评价", XLSX_NUMBER, NULL },
	{ "满意", XLSX_NUMBER, NULL }, { "满意率", XLSX_PERCENT, NULL },
	{ "不满意", XLSX_NUMBER, NULL }, { "已闭环", XLSX_NUMBER, NULL },
	{ "未闭环", XLSX_NUMBER, NULL }, { "及时", XLSX_NUMBER, NULL },
	{ "未接通", XLSX_NUMBER, NULL },
	{ "回访用时中位数（小时）", XLSX_NUMBER, NULL },
	{ "待回访", XLSX_NUMBER, NULL }, { "已超时", XLSX_NUMBER, NULL },
};
static const char *const figure_keys[] = {
	"eligible", "called_back", "coverage", "target", "meets_target",
	"rated", "satisfied", "satisfaction", "dissatisfied", "loops_closed",
	"loops_open", "timely", "attempts", "median_hours_to_callback",
	"owed", "overdue",
};

struct grouping {
	const char *sheet;      /* the sheet's name */
	const char *list;       /* the metrics.json list */
	const char *key_title[2];
	const char *key[2];
};

static const struct grouping groupings[] = {
	{ "按类型", "by_type", { "工单类型", NULL }, { "type", NULL } },
	{ "按子类", "by_subtype", { "工单类型", "工单子类" },
	  { "type", "subtype" } },
	{ "按服务中心", "by_center", { "服务中心", NULL }, { "center", NULL } },
	{ "服务中心×类型", "by_center_type", { "服务中心", "工单类型" },
	  { "center", "type" } },
	{ "按管家", "by_butler", { "服务中心", "责任人" },
	  { "center", "butler" } },
};

static void figure_sheet(struct xlsxout *b, const cJSON *metrics,
			 const struct grouping *g)
{
	struct xlsxout_column cols[2 + N(figure_cols)];
	const char *keys[2 + N(figure_keys)], *cells[2 + N(figure_keys)];
	struct buf bufs[2 + N(figure_keys)];
	size_t nkeys = g->key[1] ? 2 : 1, n = nkeys + N(figure_keys), i;
	struct xlsxout_sheet *s;
	const cJSON *row;

	for (i = 0; i < nkeys; i++) {
		cols[i].title = g->key_title[i];
		cols[i].kind = XLSX_TEXT;
		cols[i].choices = NULL;
		keys[i] = g->key[i];
	}
	for (i = 0; i < N(figure_keys); i++) {
		cols[nkeys + i] = figure_cols[i];
		keys[nkeys + i] = figure_keys[i];
	}
	s = xlsxout_sheet(b, g->sheet, cols, n);
	for (i = 0; i < n; i++)
		buf_init(&bufs[i]);
	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(metrics,
								  g->list)) {
		row_of(row, keys, n, bufs, cells);
		xlsxout_row(s, cells);
	}
	for (i = 0; i < n; i++)
		buf_release(&bufs[i]);
}

static int figures_book(const struct week_view *v, const char *week_dir,
			struct diag *d)
{
	struct buf path = BUF_INIT;
	struct xlsxout *b;
	size_t i;
	int ret = -1;

	buf_addf(&path, "%s/周指标.xlsx", week_dir);
	b = open_book(path.s, v, d);
	if (b) {
		for (i = 0; i < N(groupings); i++)
			figure_sheet(b, v->metrics, &groupings[i]);
		ret = commit(b, path.s, 0666, d);
	}
	buf_release(&path);
	return ret;
}

/*
 * The worklists: a workbook per centre with owed callbacks or open
 * loops, a sheet per butler (by byte order; no butler is 未指定责任人),
 * the owed tickets first in metrics.json's order (due time, ticket),
 * then the open loops.
 */
static const struct xlsxout_column work_cols[] = {
	{ "事项", XLSX_TEXT, NULL }, { "工单编号", XLSX_TEXT, NULL },
	{ "工单类型", XLSX_TEXT, NULL }, { "工单子类", XLSX_TEXT, NULL },
	{ "完成时间", XLSX_DATETIME, NULL }, { "应回访时间", XLSX_DATETIME, NULL },
	{ "已超时", XLSX_TEXT, NULL }, { "首次回访时间", XLSX_DATETIME, NULL },
	{ "满意度", XLSX_TEXT, NULL }, { "未闭环天数", XLSX_NUMBER, NULL },
};
static const char *const owed_keys[] = {
	NULL, "ticket", "type", "subtype", "completed_at", "due_at", "overdue",
};
static const char *const loop_keys[] = {
	NULL, "ticket", "type", "subtype", NULL, NULL, NULL,
	"first_callback_at", "satisfaction", "open_days",
};

static const char *butler_of(const cJSON *it)
{
	const char *b = str(it, "butler");

	return *b ? b : "未指定责任人";
}

/* The distinct values of f over the items of both lists, sorted. */
static size_t distinct(const cJSON *a, const cJSON *b, const char *center,
		       const char *(*f)(const cJSON *), const char ***out)
{
	const cJSON *lists[2] = { a, b }, *it;
	const char **v = NULL;
	size_t n = 0, alloc = 0, i, k;

	for (i = 0; i < 2; i++) {
		cJSON_ArrayForEach(it, lists[i]) {
			const char *x = f(it);

			if (center && strcmp(str(it, "center"), center))
				continue;
			for (k = 0; k < n && strcmp(v[k], x); k++)
				;
			if (k == n) {
				ALLOC_GROW(v, n + 1, alloc);
				v[n++] = x;
			}
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static const char *center_of(const cJSON *it)
{
	return str(it, "center");
}

static void work_rows(struct xlsxout_sheet *s, const cJSON *list,
		      const char *center, const char *butler, const char *what,
		      const char *const *keys, size_t nkeys)
{
	struct buf bufs[N(work_cols)];
	const char *cells[N(work_cols)];
	const cJSON *it;
	size_t i;

	for (i = 0; i < N(work_cols); i++)
		buf_init(&bufs[i]);
	cJSON_ArrayForEach(it, list) {
		if (strcmp(str(it, "center"), center) ||
		    strcmp(butler_of(it), butler))
			continue;
		for (i = 0; i < N(work_cols); i++)
			cells[i] = i < nkeys && keys[i] ?
				text_of(&bufs[i], it, keys[i]) : "";
		cells[0] = what;
		xlsxout_row(s, cells);
	}
	for (i = 0; i < N(work_cols); i++)
		buf_release(&bufs[i]);
}

static int worklists(const struct week_view *v, const char *week_dir,
		     struct diag *d)
{
	const cJSON *owed = cJSON_GetObjectItemCaseSensitive(v->metrics,
							     "owed");
	const cJSON *loops = cJSON_GetObjectItemCaseSensitive(v->metrics,
							      "loops_open_list");
	const char **centers, **butlers;
	size_t ncenters = distinct(owed, loops, NULL, center_of, &centers);
	size_t i, k, nbutlers;
	struct buf path = BUF_INIT;
	int ret = 0;

	for (i = 0; i < ncenters; i++) {
		struct xlsxout *b;

		buf_reset(&path);
		buf_addf(&path, "%s/回访工作单-", week_dir);
		text_safe_file_name(&path, centers[i]);
		buf_adds(&path, ".xlsx");
		b = open_book(path.s, v, d);
		if (!b) {
			ret = -1;
			continue;
		}
		nbutlers = distinct(owed, loops, centers[i], butler_of,
				    &butlers);
		for (k = 0; k < nbutlers; k++) {
			struct xlsxout_sheet *s = xlsxout_sheet(b, butlers[k],
				work_cols, N(work_cols));

			work_rows(s, owed, centers[i], butlers[k], "待回访",
				  owed_keys, N(owed_keys));
			work_rows(s, loops, centers[i], butlers[k], "不满意未闭环",
				  loop_keys, N(loop_keys));
		}
		free(butlers);
		if (commit(b, path.s, 0666, d) < 0)
			ret = -1;
	}
	free(centers);
	buf_release(&path);
	return ret;
}

/*
 * The live worklists' workbooks (render_xlsx_worklists()): the columns
 * of the three lists in one sheet, each cell found in its list's columns
 * by title (worklist_columns), 事项 from the list and the item's state.
 */
static const struct xlsxout_column live_cols[] = {
	{ "事项", XLSX_TEXT, NULL }, { "工单编号", XLSX_TEXT, NULL },
	{ "工单类型", XLSX_TEXT, NULL }, { "工单子类", XLSX_TEXT, NULL },
	{ "楼栋房号", XLSX_TEXT, NULL }, { "业主", XLSX_TEXT, NULL },
	{ "联系电话", XLSX_TEXT, NULL }, { "完成时间", XLSX_DATETIME, NULL },
	{ "应回访时间", XLSX_DATETIME, NULL },
	{ "首次回访时间", XLSX_DATETIME, NULL }, { "满意度", XLSX_TEXT, NULL },
	{ "未闭环天数", XLSX_NUMBER, NULL },
	{ "整改完成时间", XLSX_DATETIME, NULL },
};

static void live_rows(struct xlsxout_sheet *s, const struct worklist *wl,
		      const struct worklist_person *p, enum worklist_kind k,
		      const struct config *cfg, struct buf *text)
{
	const char *got[WORKLIST_MAX_COLUMNS], *cells[N(live_cols)];
	size_t i, c, j, n;

	for (i = p->first[k]; i < p->first[k] + p->n[k]; i++) {
		n = worklist_cells(wl, k, i, WORKLIST_FOR_BUTLER, cfg, text,
				   got);
		for (c = 0; c < N(live_cols); c++) {
			cells[c] = "";
			for (j = 0; j < n; j++)
				if (!strcmp(worklist_columns[k][j],
					    live_cols[c].title))
					cells[c] = got[j];
		}
		/* 状态 says 待回访, 已超时 or 无法联系; a loop is a loop. */
		cells[0] = k == WORKLIST_LOOPS ? "不满意未闭环" : got[n - 1];
		xlsxout_row(s, cells);
	}
}

int render_xlsx_worklists(const struct worklist *wl,
			  const struct config *cfg, const char *dir,
			  struct diag *d)
{
	unsigned mode = worklist_shows_personal_data(cfg) ?
			cfg->audit_file_mode : 0666;
	struct string_list names = { NULL, 0, 0 };
	struct buf path = BUF_INIT, name = BUF_INIT, text = BUF_INIT;
	struct buf err = BUF_INIT;
	struct xlsxout *b = NULL;
	size_t i, k, suffix;
	int ret = 0;

	for (i = 0; i < wl->npeople; i++) {
		const struct worklist_person *p = &wl->people[i];
		struct xlsxout_sheet *s;

		if (!i || strcmp(p->center, wl->people[i - 1].center)) {
			if (b && commit(b, path.s, mode, d) < 0)
				ret = -1;
			/* A file name per centre, unique among the centres. */
			buf_reset(&name);
			buf_adds(&name, "回访工作清单-");
			text_safe_file_name(&name, p->center);
			for (suffix = 1; string_list_has(&names, name.s);) {
				buf_setlen(&name, 0);
				buf_adds(&name, "回访工作清单-");
				text_safe_file_name(&name, p->center);
				buf_addf(&name, "-%zu", ++suffix);
			}
			string_list_add(&names, name.s);
			buf_reset(&path);
			buf_addf(&path, "%s/%s.xlsx", dir, name.s);
			b = xlsxout_open(path.s, wl->as_of, &err);
			if (!b) {
				diag_report(d, DIAG_ERROR, path.s, 0, 0,
					    "cannot write: %s", err.s);
				ret = -1;
				goto out;
			}
		}
		s = xlsxout_sheet(b, metrics_or_unspecified(p->butler),
				  live_cols, N(live_cols));
		for (k = 0; k < WORKLIST_KINDS; k++)
			live_rows(s, wl, p, (enum worklist_kind)k, cfg, &text);
	}
	if (b && commit(b, path.s, mode, d) < 0)
		ret = -1;
out:
	string_list_clear(&names);
	buf_release(&path);
	buf_release(&name);
	buf_release(&text);
	buf_release(&err);
	return ret;
}

int render_xlsx_week(const struct week_view *v, const struct config *cfg,
		     const char *week_dir, struct diag *d)
{
	const cJSON *level;
	int ret = 0;

	(void)cfg;
	if (figures_book(v, week_dir, d) < 0)
		ret = -1;
	if (worklists(v, week_dir, d) < 0)
		ret = -1;
	if (!v->samples)
		return ret;
	cJSON_ArrayForEach(level, cJSON_GetObjectItemCaseSensitive(v->samples,
								     "levels"))
		if (audit_book(v, level, cfg, week_dir, d) < 0)
			ret = -1;
	return ret;
}
