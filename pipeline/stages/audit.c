/*
 * audit.c - findings of the three-level audit: importing the filled-in
 * sheets, the findings artifact, and the results in metrics.json.
 *
 * Invariants: a struct findings is sorted by (level, ticket, date) and
 * holds each key once; an import adds nothing unless every row of the
 * sheet is good; the results are a pure function of (samples, findings,
 * week, as-of, config): no clock, the weeks' files read in name order.
 * The results of a ticket audited more than once are those of its latest
 * finding (by date); every finding stays in the artifact.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/csvread.h"
#include "input/xlsx.h"
#include "stages/audit.h"
#include "stages/issue.h"
#include "stages/metrics.h"
#include "model/ticket.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/folder.h"
#include "util/banned.h"

/* The columns of a sheet the import reads (sample_write_csv() writes them). */
enum sheet_col {
	COL_WEEK, COL_LEVEL, COL_TICKET, COL_GENUINE, COL_RECHECKED,
	COL_PROBLEM, COL_AUDITOR, COL_DATE, SHEET_NCOLS
};

static const char *const sheet_col_name[SHEET_NCOLS] = {
	"周次", "抽查级别", "工单编号", "是否真实回访", "复核满意度", "问题描述",
	"抽查人", "抽查日期",
};

void findings_init(struct findings *f)
{
	memset(f, 0, sizeof(*f));
}

static void finding_release(struct finding *x)
{
	free(x->level);
	free(x->ticket);
	free(x->date);
	free(x->auditor);
	free(x->note);
	free(x->center);
	free(x->butler);
	free(x->source);
}

void findings_release(struct findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		finding_release(&f->v[i]);
	free(f->v);
	findings_init(f);
}

static int compare_keys(const struct finding *x, const struct finding *y)
{
	int c;

	if ((c = strcmp(x->level, y->level)))
		return c;
	if ((c = strcmp(x->ticket, y->ticket)))
		return c;
	return strcmp(x->date, y->date);
}

static int compare_findings(const void *a, const void *b)
{
	return compare_keys(a, b);
}

/* qsort() of a set, which may be empty (and then its array NULL). */
static void findings_sort(struct findings *f)
{
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), compare_findings);
}

static struct finding *findings_add(struct findings *f)
{
	if (f->n == f->alloc) {
		f->alloc = f->alloc ? 2 * f->alloc : 16;
		f->v = xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	memset(&f->v[f->n], 0, sizeof(f->v[f->n]));
	return &f->v[f->n++];
}

static void finding_copy(struct finding *dst, const struct finding *src)
{
	dst->level = xstrdup(src->level);
	dst->ticket = xstrdup(src->ticket);
	dst->date = xstrdup(src->date);
	dst->auditor = xstrdup(src->auditor);
	dst->genuine = src->genuine;
	dst->unreachable = src->unreachable;
	dst->satisfaction = src->satisfaction;
	dst->recorded = src->recorded;
	dst->note = xstrdup(src->note);
	dst->center = xstrdup(src->center);
	dst->butler = xstrdup(src->butler);
	dst->source = xstrdup(src->source);
}

void findings_merge(struct findings *into, const struct findings *from)
{
	size_t i, j;

	for (i = 0; i < from->n; i++) {
		struct finding *x = NULL;

		for (j = 0; j < into->n && !x; j++)
			if (!compare_keys(&into->v[j], &from->v[i]))
				x = &into->v[j];
		if (x)
			finding_release(x);
		else
			x = findings_add(into);
		finding_copy(x, &from->v[i]);
	}
	findings_sort(into);
}

/* ---- the artifact ---- */

static int satisfaction_of(const char *text)
{
	int k;

	if (!text)
		return SAT_NONE;
	for (k = SAT_VERY_DISSATISFIED; k <= SAT_VERY_SATISFIED; k++)
		if (!strcmp(text, satisfaction_name[k]))
			return k;
	return SAT_NONE;
}

void findings_write_json(const struct findings *f, struct buf *out)
{
	struct jsonw w;
	char week[16];
	size_t i;

	chtime_format_week(f->week, week);
	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", FINDINGS_SCHEMA);
	jsonw_str(&w, "week", week);
	jsonw_open(&w, "findings", '[', JSONW_BLOCK);
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "level", x->level);
		jsonw_str(&w, "ticket", x->ticket);
		jsonw_str(&w, "audit_date", x->date);
		jsonw_str(&w, "auditor", x->auditor);
		if (x->unreachable)
			jsonw_null(&w, "genuine");
		else
			jsonw_bool(&w, "genuine", x->genuine);
		if (x->satisfaction)
			jsonw_str(&w, "satisfaction",
				  satisfaction_name[x->satisfaction]);
		else
			jsonw_null(&w, "satisfaction");
		if (x->recorded)
			jsonw_str(&w, "recorded_satisfaction",
				  satisfaction_name[x->recorded]);
		else
			jsonw_null(&w, "recorded_satisfaction");
		jsonw_str(&w, "note", x->note);
		jsonw_str(&w, "center", x->center);
		jsonw_str(&w, "butler", x->butler);
		jsonw_str(&w, "source", x->source);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
}

static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int findings_read(const char *path, struct iso_week week,
		  struct findings *f, struct diag *d)
{
	struct buf text = BUF_INIT;
	cJSON *root = NULL;
	const cJSON *list, *e;
	struct iso_week w;
	FILE *fp;
	int ret = -1;

	findings_release(f);
	f->week = week;
	fp = folder_fopen_read(path, NULL);
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		diag_report(d, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		return -1;
	}
	if (buf_read_stream(&text, fp) < 0) {
		diag_report(d, DIAG_ERROR, path, 0, 0, "cannot read: %s",
			    strerror(errno));
		fclose(fp);
		goto out;
	}
	fclose(fp);
	root = cJSON_ParseWithLength(text.s, text.len);
	if (!root || !jstr(root, "schema") ||
	    strcmp(jstr(root, "schema"), FINDINGS_SCHEMA)) {
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "not a findings file (schema " FINDINGS_SCHEMA ")");
		goto out;
	}
	if (!jstr(root, "week") || chtime_parse_week(jstr(root, "week"), &w) ||
	    w.year != week.year || w.week != week.week) {
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "'week' is not the week of the file's name");
		goto out;
	}
	list = cJSON_GetObjectItemCaseSensitive(root, "findings");
	cJSON_ArrayForEach(e, list) {
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "genuine");
		struct finding *x;

		if (!jstr(e, "level") || !jstr(e, "ticket") ||
		    !jstr(e, "audit_date") || !(cJSON_IsBool(g) || cJSON_IsNull(g))) {
			diag_report(d, DIAG_ERROR, path, 0, 0,
				    "a finding lacks level, ticket, audit_date or genuine");
			findings_release(f);
			goto out;
		}
		x = findings_add(f);
		x->level = xstrdup(jstr(e, "level"));
		x->ticket = xstrdup(jstr(e, "ticket"));
		x->date = xstrdup(jstr(e, "audit_date"));
		x->auditor = xstrdup(jstr(e, "auditor") ? jstr(e, "auditor") : "");
		x->genuine = cJSON_IsTrue(g);
		x->unreachable = cJSON_IsNull(g);
		x->satisfaction = satisfaction_of(jstr(e, "satisfaction"));
		x->recorded = satisfaction_of(jstr(e, "recorded_satisfaction"));
		x->note = xstrdup(jstr(e, "note") ? jstr(e, "note") : "");
		x->center = xstrdup(jstr(e, "center") ? jstr(e, "center") : "");
		x->butler = xstrdup(jstr(e, "butler") ? jstr(e, "butler") : "");
		x->source = xstrdup(jstr(e, "source") ? jstr(e, "source") : "");
	}
	findings_sort(f);
	f->week = week;
	ret = 0;
out:
	cJSON_Delete(root);
	buf_release(&text);
	return ret;
}

/* ---- importing a sheet ---- */

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Trims ASCII and ideographic spaces in place; returns the start. */
static char *trim(char *s)
{
	char *e;

	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	e = s + strlen(s);
	for (;;) {
		if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		else if (e - s >= 3 && !strncmp(e - 3, "\xE3\x80\x80", 3))
			e -= 3;
		else
			break;
	}
	*e = '\0';
	return s;
}

/* A leading ' that csvout.h put before a formula-like cell goes again. */
static char *cell(struct csv_record *rec, const size_t *col, int which)
{
	char *s;

	if (col[which] == SIZE_MAX || col[which] >= rec->nfields)
		return (char *)"";
	s = trim(rec->fields[col[which]]);
	if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]))
		s++;
	return s;
}

/*
 * Finds the columns by their header names (a BOM before the first is
 * ignored); -1 with a diagnostic when one the import needs is missing.
 */
static int read_header(const char *path, unsigned long line,
		       char *const *fields, size_t nfields, bool want_ids,
		       size_t col[SHEET_NCOLS], struct diag *d)
{
	size_t i, k;
	int ret = 0;

	for (k = 0; k < SHEET_NCOLS; k++)
		col[k] = SIZE_MAX;
	for (i = 0; i < nfields; i++) {
		char *name = fields[i];

		if (!i && !strncmp(name, "\xEF\xBB\xBF", 3))
			name += 3;
		name = trim(name);
		for (k = 0; k < SHEET_NCOLS; k++)
			if (!strcmp(name, sheet_col_name[k]) && col[k] == SIZE_MAX)
				col[k] = i;
	}
	for (k = 0; k < SHEET_NCOLS; k++)
		if (col[k] == SIZE_MAX &&
		    (want_ids || (k != COL_WEEK && k != COL_LEVEL))) {
			diag_report(d, DIAG_ERROR, path, line, 0,
				    "no column '%s' in the header: not a filled-in audit sheet",
				    sheet_col_name[k]);
			ret = -1;
		}
	return ret;
}

static bool is_workbook(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, ".xlsx");
}

/*
 * The week and level of an audit workbook, from its hidden sheet 样本标识
 * (render_xlsx.c: week, level, seed, ticket, key): 0, or -1 with the
 * reason in d.
 */
static int workbook_identity(const char *path, char week[16], char *level,
			     size_t level_size, struct diag *d)
{
	struct sheet_opts opts = { "样本标识", 0, 0 };
	struct buf err = BUF_INIT;
	struct xlsx_reader *x = xlsx_reader_open(path, &opts, &err);
	struct sheet_row row;
	int rc, ret = -1;
	bool header = false;

	if (!x) {
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "not an audit workbook (no sheet 样本标识): %s", err.s);
		buf_release(&err);
		return -1;
	}
	while ((rc = xlsx_reader_next(x, &row, &err)) > 0) {
		if (!header) {
			header = true;
			continue;
		}
		if (row.nfields < 2)
			break;
		snprintf(week, 16, "%s", trim(row.fields[0]));
		snprintf(level, level_size, "%s", trim(row.fields[1]));
		ret = 0;
		break;
	}
	if (rc < 0)
		diag_report(d, DIAG_ERROR, path, 0, 0, "%s", err.s);
	else if (ret < 0)
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "sheet 样本标识 names no week and level");
	xlsx_reader_free(x);
	buf_release(&err);
	return ret;
}

int audit_sheet_week(const char *path, struct iso_week *week,
		     struct diag *d)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	size_t col[SHEET_NCOLS];
	bool header = false;
	int rc, ret = -1;

	if (is_workbook(path)) {
		char text[16], level[64];

		if (workbook_identity(path, text, level, sizeof(level), d) < 0)
			return -1;
		if (chtime_parse_week(text, week) < 0) {
			diag_report(d, DIAG_ERROR, path, 0, 0,
				    "sheet 样本标识: '%s' is not a week", text);
			return -1;
		}
		return 0;
	}
	r = csv_reader_open(path, NULL, 65536, &err);
	if (!r) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "%s", err.s);
		buf_release(&err);
		return -1;
	}
	while ((rc = csv_reader_next(r, &rec, &err)) != 0) {
		const char *w;

		if (rc < 0) {
			diag_report(d, DIAG_ERROR, path, 0, 0, "%s", err.s);
			break;
		}
		if (rc == CSV_RESTART) {
			header = false;
			continue;
		}
		if (!header) {
			if (read_header(path, rec.line, rec.fields, rec.nfields,
					true, col, d) < 0)
				break;
			header = true;
			continue;
		}
		w = cell(&rec, col, COL_WEEK);
		if (!*w)
			continue;
		if (chtime_parse_week(w, week) < 0) {
			diag_report(d, DIAG_ERROR, path, rec.line,
				    col[COL_WEEK] + 1,
				    "'%s' in column '周次' is not a week like 2026-W47",
				    w);
			break;
		}
		ret = 0;
		break;
	}
	if (rc == 0 && header)
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "no row names its week (column '周次')");
	csv_reader_free(r);
	buf_release(&err);
	return ret;
}

/* The sampled item of ticket in samples, and its level; NULL if none. */
static const cJSON *sampled_item(const cJSON *samples, const char *ticket,
				 const cJSON **level_out)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(samples, "levels");
	const cJSON *level, *item;

	cJSON_ArrayForEach(level, levels) {
		const cJSON *items = cJSON_GetObjectItemCaseSensitive(level,
								       "items");

		cJSON_ArrayForEach(item, items) {
			const char *t = jstr(item, "ticket");

			if (t && !strcmp(t, ticket)) {
				*level_out = level;
				return item;
			}
		}
	}
	return NULL;
}

/* The level of samples whose id or label is text; NULL if none. */
static const cJSON *level_named(const cJSON *samples, const char *text)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(samples, "levels");
	const cJSON *level;

	cJSON_ArrayForEach(level, levels) {
		const char *id = jstr(level, "id"), *label = jstr(level, "label");

		if ((id && !strcmp(id, text)) || (label && !strcmp(label, text)))
			return level;
	}
	return NULL;
}

/* 是否真实回访: 0 with *genuine / *unreachable set, or -1. */
static int parse_genuine(const char *s, bool *genuine, bool *unreachable)
{
	static const char *const yes[] = { "是", "真实", "已回访", "Y", "y",
					   NULL };
	static const char *const no[] = { "否", "虚假", "未回访", "N", "n",
					  NULL };
	/* The workbook's third choice: the owner could not be reached. */
	static const char *const unknown[] = { "无法联系", "联系不上", NULL };
	size_t i;

	*genuine = *unreachable = false;
	for (i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i])) {
			*genuine = true;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (!strcmp(s, no[i]))
			return 0;
	for (i = 0; unknown[i]; i++)
		if (!strcmp(s, unknown[i])) {
			*unreachable = true;
			return 0;
		}
	return -1;
}

/* A YYYY-MM-DD date (or a timestamp of that day); its 00:00, or -1. */
static int parse_date(const char *s, int64_t *day)
{
	int64_t t;
	char text[CHTIME_BUF];

	if (!*s || chtime_parse(s, strlen(s), &t) < 0)
		return -1;
	chtime_format_date(t, text);
	*day = chtime_make(atoi(text), atoi(text + 5), atoi(text + 8), 0, 0,
			   0);
	return 0;
}

struct row_check {
	const char *path;
	unsigned long line;
	struct diag *d;
	unsigned errors;
};

static void bad(struct row_check *rc, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct row_check *rc, size_t col, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_report(rc->d, DIAG_ERROR, rc->path, rc->line,
		    col == SIZE_MAX ? 0 : col + 1, "%s", msg.s);
	buf_release(&msg);
	rc->errors++;
}

/*
 * Checks one data row (v: its cells by enum sheet_col; damaged: why its
 * bytes cannot be trusted, or NULL) and, when it is good, fills x (which
 * the caller releases). 1 when it is a finding, 0 when the row is not
 * audited yet, -1 when it is bad (reported).
 */
static int check_row(struct row_check *rc, const char *const *v,
		     const size_t *col, const char *damaged,
		     const cJSON *samples, const char *sample_week,
		     int64_t as_of, const struct config *cfg,
		     struct finding *x)
{
	const char *week = v[COL_WEEK];
	const char *level_text = v[COL_LEVEL];
	const char *ticket = v[COL_TICKET];
	const char *genuine = v[COL_GENUINE];
	const char *rechecked = v[COL_RECHECKED];
	const char *problem = v[COL_PROBLEM];
	const char *auditor = v[COL_AUDITOR];
	const char *date = v[COL_DATE];
	const cJSON *level, *item, *item_level = NULL;
	unsigned before = rc->errors;
	struct iso_week w;
	int64_t day = 0, start;
	bool is_genuine = false, unreachable = false;
	int sat = SAT_NONE;

	if (!*genuine && !*rechecked && !*problem && !*auditor && !*date)
		return 0;
	if (damaged) {
		bad(rc, SIZE_MAX, "the row is damaged (%s)", damaged);
		return -1;
	}
	if (chtime_parse_week(week, &w) < 0)
		bad(rc, col[COL_WEEK], "'%s' in column '周次' is not a week like 2026-W47",
		    week);
	else if (strcmp(week, sample_week))
		bad(rc, col[COL_WEEK],
		    "week '%s' differs from the sheet's week %s: one sheet, one week",
		    week, sample_week);
	level = level_named(samples, level_text);
	if (!level)
		bad(rc, col[COL_LEVEL], "'%s' in column '抽查级别' is no audit level of the config",
		    level_text);
	item = *ticket ? sampled_item(samples, ticket, &item_level) : NULL;
	if (!*ticket)
		bad(rc, col[COL_TICKET], "empty ticket number in column '工单编号'");
	else if (!item)
		bad(rc, col[COL_TICKET], "ticket '%s' is not in the samples of %s",
		    ticket, sample_week);
	else if (level && item_level != level)
		bad(rc, col[COL_TICKET],
		    "ticket '%s' was sampled by %s, not by %s", ticket,
		    jstr(item_level, "label") ? jstr(item_level, "label") : "?",
		    level_text);
	if (!*genuine)
		bad(rc, col[COL_GENUINE], "empty '是否真实回访': write 是 or 否");
	else if (parse_genuine(genuine, &is_genuine, &unreachable) < 0)
		bad(rc, col[COL_GENUINE], "'%s' in column '是否真实回访' is not 是, 否 or 无法联系",
		    genuine);
	if (*rechecked) {
		sat = config_match_satisfaction(cfg, rechecked);
		if (sat == SAT_NONE)
			bad(rc, col[COL_RECHECKED],
			    "'%s' in column '复核满意度' is no satisfaction (非常满意 满意 一般 不满意 非常不满意)",
			    rechecked);
	}
	if (!*auditor)
		bad(rc, col[COL_AUDITOR], "empty '抽查人': who made the audit call");
	start = chtime_week_start(w);
	if (!*date)
		bad(rc, col[COL_DATE], "empty '抽查日期'");
	else if (parse_date(date, &day) < 0)
		bad(rc, col[COL_DATE], "'%s' in column '抽查日期' is not a date like 2026-11-24",
		    date);
	else if (day < start)
		bad(rc, col[COL_DATE],
		    "audit date '%s' is before the week %s began", date, week);
	else if (day > as_of)
		bad(rc, col[COL_DATE], "audit date '%s' is after the as-of time",
		    date);
	if (rc->errors != before)
		return -1;
	{
		char text[CHTIME_BUF];
		struct buf src = BUF_INIT;

		chtime_format_date(day, text);
		buf_addf(&src, "%s:%lu", basename_of(rc->path), rc->line);
		x->level = xstrdup(jstr(level, "id"));
		x->ticket = xstrdup(ticket);
		x->date = xstrdup(text);
		x->auditor = xstrdup(auditor);
		x->genuine = is_genuine;
		x->unreachable = unreachable;
		x->satisfaction = sat;
		x->recorded = satisfaction_of(jstr(item, "satisfaction"));
		x->note = xstrdup(problem);
		x->center = xstrdup(jstr(item, "center") ? jstr(item, "center") : "");
		x->butler = xstrdup(jstr(item, "butler") ? jstr(item, "butler") : "");
		x->source = buf_detach(&src, NULL);
	}
	return 1;
}

/*
 * The end of an import: a key twice in it is an error too (which one is
 * right is not ours to say); with no error, got goes into out. 0 or -1.
 */
static int finish_import(const char *path, struct findings *got,
			 unsigned errors, const char *sample_week,
			 struct findings *out, struct diag *d)
{
	size_t i;

	findings_sort(got);
	for (i = 1; i < got->n; i++)
		if (!compare_keys(&got->v[i - 1], &got->v[i])) {
			diag_report(d, DIAG_ERROR, path, 0, 0,
				    "ticket '%s' has two findings dated %s (%s and %s); keep one",
				    got->v[i].ticket, got->v[i].date,
				    got->v[i - 1].source, got->v[i].source);
			errors++;
		}
	if (errors)
		return -1;
	chtime_parse_week(sample_week, &out->week);
	findings_merge(out, got);
	return 0;
}

static int import_workbook(const cJSON *samples, const char *path,
			   int64_t as_of, const struct config *cfg,
			   struct findings *out, struct diag *d);

int audit_import_csv(const cJSON *samples, const char *path, int64_t as_of,
		     const struct config *cfg, struct findings *out,
		     struct diag *d)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	struct findings got;
	struct row_check rc = { path, 0, d, 0 };
	size_t col[SHEET_NCOLS], k;
	const char *v[SHEET_NCOLS];
	const char *sample_week = jstr(samples, "week");
	bool header = false;
	int n, ret = -1;

	findings_init(&got);
	if (!sample_week) {
		diag_report(d, DIAG_ERROR, path, 0, 0, "internal: samples without a week");
		return -1;
	}
	if (is_workbook(path))
		return import_workbook(samples, path, as_of, cfg, out, d);
	r = csv_reader_open(path, NULL, 65536, &err);
	if (!r) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "%s", err.s);
		goto out;
	}
	for (;;) {
		struct finding x;

		n = csv_reader_next(r, &rec, &err);
		if (!n)
			break;
		if (n < 0) {
			diag_report(d, DIAG_ERROR, path, 0, 0, "%s", err.s);
			rc.errors++;
			break;
		}
		if (n == CSV_RESTART) {
			findings_release(&got);
			rc.errors = 0;
			header = false;
			continue;
		}
		if (!header) {
			if (read_header(path, rec.line, rec.fields, rec.nfields,
					true, col, d) < 0) {
				rc.errors++;
				break;
			}
			header = true;
			continue;
		}
		rc.line = rec.line;
		memset(&x, 0, sizeof(x));
		for (k = 0; k < SHEET_NCOLS; k++)
			v[k] = cell(&rec, col, (int)k);
		if (check_row(&rc, v, col,
			      rec.malformed ? rec.error :
			      rec.bad_encoding ? "invalid UTF-8 or GB18030 bytes" :
			      rec.long_field ? "a field is too long" : NULL,
			      samples, sample_week, as_of, cfg, &x) > 0)
			*findings_add(&got) = x;
	}
	if (!header && !rc.errors) {
		diag_report(d, DIAG_ERROR, path, 0, 0, "empty: no header row");
		rc.errors++;
	}
	ret = finish_import(path, &got, rc.errors, sample_week, out, d);
out:
	if (r)
		csv_reader_free(r);
	findings_release(&got);
	buf_release(&err);
	return ret;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * A returned audit workbook (render_xlsx.c): its week and level from the
 * hidden sheet 样本标识, then the sheet of each centre the level sampled
 * (named after the centre), every row checked as a CSV row is; messages
 * name the sheet as "book.xlsx[centre]". A centre's sheet that is gone
 * (or renamed) is an error: its audits would silently be lost.
 */
static int import_workbook(const cJSON *samples, const char *path,
			   int64_t as_of, const struct config *cfg,
			   struct findings *out, struct diag *d)
{
	struct findings got;
	struct buf err = BUF_INIT, where = BUF_INIT;
	const char *sample_week = jstr(samples, "week");
	const char **centres = NULL;
	const cJSON *level, *item;
	char week[16], level_id[64];
	size_t ncentres = 0, c, k;
	unsigned errors = 0;
	int ret = -1;

	findings_init(&got);
	if (workbook_identity(path, week, level_id, sizeof(level_id), d) < 0)
		return -1;
	level = level_named(samples, level_id);
	if (!level) {
		diag_report(d, DIAG_ERROR, path, 0, 0,
			    "sheet 样本标识: '%s' is no audit level of the config",
			    level_id);
		return -1;
	}
	centres = xcalloc((size_t)cJSON_GetArraySize(
				  cJSON_GetObjectItemCaseSensitive(level, "items")) + 1,
			  sizeof(*centres));
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(level, "items")) {
		const char *centre = jstr(item, "center") ? jstr(item, "center") : "";

		for (k = 0; k < ncentres && strcmp(centres[k], centre); k++)
			;
		if (k == ncentres)
			centres[ncentres++] = centre;
	}
	qsort(centres, ncentres, sizeof(*centres), compare_strings);
	for (c = 0; c < ncentres; c++) {
		struct sheet_opts opts = { centres[c], 0, 0 };
		struct xlsx_reader *x;
		struct sheet_row row;
		struct row_check rc;
		size_t col[SHEET_NCOLS];
		const char *v[SHEET_NCOLS];
		bool header = false;
		int n;

		buf_reset(&where);
		buf_addf(&where, "%s[%s]", path, centres[c]);
		buf_reset(&err);
		x = xlsx_reader_open(path, &opts, &err);
		if (!x) {
			diag_report(d, DIAG_ERROR, where.s, 0, 0,
				    "no sheet for this centre's sampled tickets: %s",
				    err.s);
			errors++;
			continue;
		}
		rc.path = where.s;
		rc.line = 0;
		rc.d = d;
		rc.errors = 0;
		while ((n = xlsx_reader_next(x, &row, &err)) > 0) {
			struct finding f;

			if (!header) {
				if (read_header(where.s, row.line, row.fields,
						row.nfields, false, col, d) < 0) {
					rc.errors++;
					break;
				}
				header = true;
				continue;
			}
			rc.line = row.line;
			for (k = 0; k < SHEET_NCOLS; k++)
				v[k] = col[k] < row.nfields ?
					       trim(row.fields[col[k]]) : "";
			v[COL_WEEK] = week;
			v[COL_LEVEL] = level_id;
			memset(&f, 0, sizeof(f));
			if (check_row(&rc, v, col,
				      row.bad_field ? "a character that cannot be read" :
				      row.long_field ? "a field is too long" : NULL,
				      samples, sample_week, as_of, cfg, &f) > 0)
				*findings_add(&got) = f;
		}
		if (n < 0) {
			diag_report(d, DIAG_ERROR, where.s, 0, 0, "%s", err.s);
			rc.errors++;
		}
		errors += rc.errors;
		xlsx_reader_free(x);
	}
	/* Sources name the workbook's sheet and row: 抽查表-x.xlsx[中心]:5. */
	ret = finish_import(path, &got, errors, sample_week, out, d);
	free(centres);
	findings_release(&got);
	buf_release(&err);
	buf_release(&where);
	return ret;
}

/* ---- every week's findings ---- */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int audit_read_all(const char *dir, struct findings **all, size_t *nall,
		   struct diag *d)
{
	DIR *dp;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int ret = 0;

	*all = NULL;
	*nall = 0;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dp))) {
		struct iso_week w;
		size_t len = strlen(e->d_name);
		char week[16];

		if (len != 13 || strcmp(e->d_name + 8, ".json"))
			continue;
		memcpy(week, e->d_name, 8);
		week[8] = '\0';
		if (chtime_parse_week(week, &w) < 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			names = xrealloc(names, alloc * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	*all = xcalloc(n ? n : 1, sizeof(**all));
	for (i = 0; i < n; i++) {
		struct buf path = BUF_INIT;
		char week[16];
		struct iso_week w;

		memcpy(week, names[i], 8);
		week[8] = '\0';
		chtime_parse_week(week, &w);
		buf_addf(&path, "%s/%s", dir, names[i]);
		findings_init(&(*all)[*nall]);
		if (findings_read(path.s, w, &(*all)[*nall], d) < 0)
			ret = -1;
		else
			(*nall)++;
		buf_release(&path);
		free(names[i]);
	}
	free(names);
	return ret;
}

void audit_release_all(struct findings *all, size_t nall)
{
	size_t i;

	for (i = 0; i < nall; i++)
		findings_release(&all[i]);
	free(all);
}

static int week_index(struct iso_week w)
{
	return w.year * 54 + w.week;
}

/* Weeks from a to b, b later; computed by stepping (few weeks at most). */
static int weeks_between(struct iso_week a, struct iso_week b)
{
	int64_t d = chtime_week_start(b) - chtime_week_start(a);

	return (int)(d / SECONDS_PER_WEEK);
}

void audit_followups(const struct findings *all, size_t nall,
		     struct iso_week week, const struct config *cfg,
		     struct sample_followup **fu, size_t *nfu)
{
	size_t i, j, k, alloc = 0;

	*fu = NULL;
	*nfu = 0;
	for (i = 0; i < nall; i++) {
		int ago = weeks_between(all[i].week, week);

		if (ago < 1 || ago > (int)cfg->audit_followup_weeks)
			continue;
		for (j = 0; j < all[i].n; j++) {
			const struct finding *x = &all[i].v[j];
			bool seen = false;

			if (x->genuine || x->unreachable || !x->butler[0] ||
			    !strcmp(x->butler, METRICS_UNSPECIFIED))
				continue;
			/* The latest fake week of a butler is the one named. */
			for (k = 0; k < *nfu && !seen; k++)
				if (!strcmp((*fu)[k].center, x->center) &&
				    !strcmp((*fu)[k].butler, x->butler)) {
					seen = true;
					if (week_index(all[i].week) >
					    week_index((*fu)[k].week))
						(*fu)[k].week = all[i].week;
				}
			if (seen)
				continue;
			if (*nfu == alloc) {
				alloc = alloc ? 2 * alloc : 8;
				*fu = xrealloc(*fu, alloc * sizeof(**fu));
			}
			(*fu)[*nfu].center = x->center;
			(*fu)[*nfu].butler = x->butler;
			(*fu)[*nfu].week = all[i].week;
			(*nfu)++;
		}
	}
}

/* ---- results ---- */

void audit_wilson(size_t k, size_t n, double *low, double *high)
{
	const double z = 1.959963984540054;
	double p, denom, centre, half;

	if (!n) {
		*low = 0;
		*high = 1;
		return;
	}
	p = (double)k / (double)n;
	denom = 1 + z * z / (double)n;
	centre = (p + z * z / (2.0 * (double)n)) / denom;
	half = z / denom * sqrt(p * (1 - p) / (double)n +
				z * z / (4.0 * (double)n * (double)n));
	*low = centre - half < 0 ? 0 : centre - half;
	*high = centre + half > 1 ? 1 : centre + half;
}

int64_t audit_due_at(struct iso_week week, int64_t issued_at,
		     const struct config *cfg)
{
	/* Unrecorded: when SPEC §9.26 says the week is issued. */
	if (issued_at == TIME_NONE)
		issued_at = issue_at(week, cfg);
	return issued_at + (int64_t)cfg->audit_overdue_days * 86400;
}

/*
 * The counts of one group (a level, a centre or a butler of a level): the
 * progress of the week's own sample (sampled, done), and the audits dated
 * in the week (audited and the rest), whatever sample they audit.
 */
struct tally {
	size_t sampled, done;
	size_t audited, unreachable, genuine, fake, rated, agree;
	size_t recorded_better;
};

/* "key": k/n, "key_ci": [low, high] (null, null when n is 0). */
static void add_rate(struct jsonw *w, const char *key, size_t k, size_t n)
{
	struct buf ci = BUF_INIT;
	double low, high;

	buf_addf(&ci, "%s_ci", key);
	if (!n) {
		jsonw_null(w, key);
		jsonw_null(w, ci.s);
		buf_release(&ci);
		return;
	}
	audit_wilson(k, n, &low, &high);
	jsonw_double(w, key, (double)k / (double)n);
	jsonw_open(w, ci.s, '[', JSONW_INLINE);
	jsonw_double(w, NULL, low);
	jsonw_double(w, NULL, high);
	jsonw_close(w);
	buf_release(&ci);
}

static void write_tally(struct jsonw *w, const struct tally *t, bool overdue)
{
	jsonw_uint(w, "sampled", t->sampled);
	jsonw_uint(w, "done", t->done);
	jsonw_uint(w, "overdue", overdue ? t->sampled - t->done : 0);
	jsonw_uint(w, "audited", t->audited);
	jsonw_uint(w, "unreachable", t->unreachable);
	jsonw_uint(w, "genuine", t->genuine);
	jsonw_uint(w, "fake", t->fake);
	jsonw_uint(w, "rated", t->rated);
	jsonw_uint(w, "agree", t->agree);
	jsonw_uint(w, "recorded_better", t->recorded_better);
	add_rate(w, "genuine_rate", t->genuine, t->audited);
	add_rate(w, "agreement", t->agree, t->rated);
	add_rate(w, "recorded_better_rate", t->recorded_better, t->rated);
	/* Something to follow up: a fake, a rating recorded too high, or
	 * audits overdue (the report lists only these centres). */
	jsonw_bool(w, "attention", t->fake || t->recorded_better ||
				   (overdue && t->sampled > t->done));
}

/*
 * The latest finding of (level, ticket) in f dated on or before last_day
 * (YYYY-MM-DD: dates compare as text), or NULL.
 */
static const struct finding *latest(const struct findings *f,
				    const char *level, const char *ticket,
				    const char *last_day)
{
	const struct finding *best = NULL;
	size_t i;

	for (i = 0; f && i < f->n; i++)
		if (!strcmp(f->v[i].level, level) &&
		    !strcmp(f->v[i].ticket, ticket) &&
		    strcmp(f->v[i].date, last_day) <= 0)
			best = &f->v[i];     /* sorted by date: the last wins */
	return best;
}

/* An item of the week's sample, and its latest finding so far (or NULL). */
static void count_sampled(struct tally *t, const struct finding *x)
{
	t->sampled++;
	/* 无法联系: tried, but the audit is still to do. */
	if (x && !x->unreachable)
		t->done++;
}

/* An audit dated in the week (SPEC §9.29). */
static void count_audit(struct tally *t, const struct finding *x)
{
	if (x->unreachable) {
		t->unreachable++;
		return;
	}
	t->audited++;
	if (x->genuine)
		t->genuine++;
	else
		t->fake++;
	if (x->genuine && x->satisfaction && x->recorded) {
		t->rated++;
		if (x->satisfaction == x->recorded)
			t->agree++;
		else if (x->recorded > x->satisfaction)
			t->recorded_better++;
	}
}

/* A named group's tally in a small growing list (centres, butlers). */
struct group {
	const char *center, *butler;
	struct tally t;
};

static struct tally *group_of(struct group **g, size_t *n, size_t *alloc,
			      const char *center, const char *butler)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*g)[i].center, center) &&
		    (!butler || !strcmp((*g)[i].butler, butler)))
			return &(*g)[i].t;
	if (*n == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 16;
		*g = xrealloc(*g, *alloc * sizeof(**g));
	}
	memset(&(*g)[*n], 0, sizeof(**g));
	(*g)[*n].center = center;
	(*g)[*n].butler = butler ? butler : "";
	return &(*g)[(*n)++].t;
}

static int compare_groups(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->center, y->center);

	return c ? c : strcmp(x->butler, y->butler);
}

static const struct findings *findings_of(const struct findings *all,
					  size_t nall, struct iso_week w)
{
	size_t i;

	for (i = 0; i < nall; i++)
		if (all[i].week.year == w.year && all[i].week.week == w.week)
			return &all[i];
	return NULL;
}

/*
 * The findings dated in week (SPEC §9.29: a finding is reported in the
 * week it is dated), whatever sample they audit, none after as_of: of
 * each (sample week, level, ticket) the latest dated in the week, in
 * (sample week, level, ticket) order. *out is allocated (free()).
 */
struct dated {
	const struct finding **v;
	size_t n;
};

static void dated_in(const struct findings *all, size_t nall,
		     struct iso_week week, int64_t as_of, struct dated *out)
{
	char first[CHTIME_BUF], last[CHTIME_BUF], limit[CHTIME_BUF];
	size_t i, j, alloc = 0;

	chtime_format_date(chtime_week_start(week), first);
	chtime_format_date(chtime_week_start(week) + SECONDS_PER_WEEK - 1,
			   last);
	chtime_format_date(as_of, limit);
	if (strcmp(limit, last) < 0)
		memcpy(last, limit, sizeof(last));
	out->v = NULL;
	out->n = 0;
	for (i = 0; i < nall; i++)
		for (j = 0; j < all[i].n; j++) {
			const struct finding *x = &all[i].v[j], *y;

			if (strcmp(x->date, first) < 0 ||
			    strcmp(x->date, last) > 0)
				continue;
			/* A later one of the same key in the week wins. */
			y = j + 1 < all[i].n ? &all[i].v[j + 1] : NULL;
			if (y && !strcmp(y->level, x->level) &&
			    !strcmp(y->ticket, x->ticket) &&
			    strcmp(y->date, last) <= 0)
				continue;
			if (out->n == alloc) {
				alloc = alloc ? 2 * alloc : 32;
				out->v = xrealloc(out->v,
						  alloc * sizeof(*out->v));
			}
			out->v[out->n++] = x;
		}
}

/* Tallies of a level's items (or several levels'), whole and grouped. */
struct tallies {
	struct tally all;
	struct group *centres, *butlers;
	size_t nc, ac, nb, ab;
};

static const char *or_unspecified(const char *s)
{
	return s && *s ? s : METRICS_UNSPECIFIED;
}

/* The week's sample of a level: sampled, and done by last_day. */
static void collect_sample(struct tallies *t, const cJSON *level,
			   const struct findings *f, const char *last_day)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(level, "items");
	const cJSON *item;
	const char *id = jstr(level, "id") ? jstr(level, "id") : "";

	cJSON_ArrayForEach(item, items) {
		const char *ticket = jstr(item, "ticket");
		const char *center = or_unspecified(jstr(item, "center"));
		const char *butler = or_unspecified(jstr(item, "butler"));
		const struct finding *x;

		if (!ticket)
			continue;
		x = latest(f, id, ticket, last_day);
		count_sampled(&t->all, x);
		count_sampled(group_of(&t->centres, &t->nc, &t->ac, center,
				       NULL), x);
		count_sampled(group_of(&t->butlers, &t->nb, &t->ab, center,
				       butler), x);
	}
}

/* The audits dated in the week of level id (NULL: every level). */
static void collect_dated(struct tallies *t, const struct dated *dt,
			  const char *id)
{
	size_t i;

	for (i = 0; i < dt->n; i++) {
		const struct finding *x = dt->v[i];
		const char *center = or_unspecified(x->center);

		if (id && strcmp(x->level, id))
			continue;
		count_audit(&t->all, x);
		count_audit(group_of(&t->centres, &t->nc, &t->ac, center,
				     NULL), x);
		count_audit(group_of(&t->butlers, &t->nb, &t->ab, center,
				     or_unspecified(x->butler)), x);
	}
}

/* "centers": [...], "butlers": [...] of t; frees the groups. */
static void write_groups(struct jsonw *w, struct tallies *t, bool overdue)
{
	size_t i;

	/* qsort() wants an array, even of none (UBSan: NULL for no rows). */
	if (t->nc)
		qsort(t->centres, t->nc, sizeof(*t->centres), compare_groups);
	if (t->nb)
		qsort(t->butlers, t->nb, sizeof(*t->butlers), compare_groups);
	jsonw_open(w, "centers", '[', JSONW_BLOCK);
	for (i = 0; i < t->nc; i++) {
		jsonw_open(w, NULL, '{', JSONW_INLINE);
		jsonw_str(w, "center", t->centres[i].center);
		write_tally(w, &t->centres[i].t, overdue);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_open(w, "butlers", '[', JSONW_BLOCK);
	for (i = 0; i < t->nb; i++) {
		jsonw_open(w, NULL, '{', JSONW_INLINE);
		jsonw_str(w, "center", t->butlers[i].center);
		jsonw_str(w, "butler", t->butlers[i].butler);
		write_tally(w, &t->butlers[i].t, overdue);
		jsonw_close(w);
	}
	jsonw_close(w);
	free(t->centres);
	free(t->butlers);
	memset(t, 0, sizeof(*t));
}

/* A level, or the levels together (level NULL: label given). */
static void write_level(struct jsonw *w, const char *key, const cJSON *level,
			struct tallies *t, bool overdue)
{
	jsonw_open(w, key, '{', JSONW_BLOCK);
	if (level) {
		jsonw_str(w, "id", jstr(level, "id") ? jstr(level, "id") : "");
		jsonw_same_line(w);
		jsonw_str(w, "label",
			  jstr(level, "label") ? jstr(level, "label") : "");
	}
	write_tally(w, &t->all, overdue);
	write_groups(w, t, overdue);
	jsonw_close(w);
}

void audit_results_json(struct jsonw *w, const cJSON *samples,
			const struct findings *all, size_t nall,
			struct iso_week week, int64_t as_of, int64_t issued_at,
			const struct config *cfg)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(samples, "levels");
	const cJSON *level;
	const struct findings *f = findings_of(all, nall, week);
	int64_t due = audit_due_at(week, issued_at, cfg);
	bool overdue = as_of >= due;
	struct tallies t;
	struct dated dt;
	char wk[16], last_day[CHTIME_BUF];
	int k;

	chtime_format_date(as_of, last_day);
	dated_in(all, nall, week, as_of, &dt);
	jsonw_open(w, "audit", '{', JSONW_BLOCK);
	jsonw_time(w, "issued_at", issued_at != TIME_NONE ? issued_at
							  : issue_at(week, cfg));
	jsonw_bool(w, "issued_at_recorded", issued_at != TIME_NONE);
	jsonw_time(w, "due_at", due);
	jsonw_bool(w, "overdue", overdue);
	jsonw_uint(w, "findings", dt.n);
	jsonw_open(w, "levels", '[', JSONW_BLOCK);
	cJSON_ArrayForEach(level, levels) {
		memset(&t, 0, sizeof(t));
		collect_sample(&t, level, f, last_day);
		collect_dated(&t, &dt, jstr(level, "id") ? jstr(level, "id")
							 : "");
		write_level(w, NULL, level, &t, overdue);
	}
	jsonw_close(w);

	/* Every level together, per centre and per butler (the site's pages). */
	memset(&t, 0, sizeof(t));
	cJSON_ArrayForEach(level, levels)
		collect_sample(&t, level, f, last_day);
	collect_dated(&t, &dt, NULL);
	write_level(w, "all_levels", NULL, &t, overdue);
	free(dt.v);

	/* The trend: the audits dated in each week of the window. */
	jsonw_open(w, "trend", '[', JSONW_BLOCK);
	for (k = TREND_WEEKS - 1; k >= 0; k--) {
		struct iso_week wk_k = chtime_week_add(week, -k);

		memset(&t, 0, sizeof(t));
		dated_in(all, nall, wk_k, as_of, &dt);
		collect_dated(&t, &dt, NULL);
		free(t.centres);
		free(t.butlers);
		free(dt.v);
		if (!dt.n)
			continue;
		chtime_format_week(wk_k, wk);
		jsonw_open(w, NULL, '{', JSONW_INLINE);
		jsonw_str(w, "week", wk);
		jsonw_uint(w, "audited", t.all.audited);
		jsonw_uint(w, "genuine", t.all.genuine);
		jsonw_uint(w, "fake", t.all.fake);
		add_rate(w, "genuine_rate", t.all.genuine, t.all.audited);
		add_rate(w, "agreement", t.all.agree, t.all.rated);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_close(w);
}

int audit_problems_json(struct jsonw *w, const cJSON *samples,
			const struct findings *all, size_t nall,
			struct iso_week week, int64_t as_of)
{
	const cJSON *levels = cJSON_GetObjectItemCaseSensitive(samples, "levels");
	struct dated dt;
	size_t i;
	int pass;

	dated_in(all, nall, week, as_of, &dt);
	if (!dt.n) {
		free(dt.v);
		return 0;
	}
	jsonw_open(w, "findings", '[', JSONW_BLOCK);
	/* The callbacks never made first, then the ratings recorded higher. */
	for (pass = 0; pass < 2; pass++)
	for (i = 0; i < dt.n; i++) {
		const struct finding *x = dt.v[i];
		const char *label = x->level;
		const cJSON *level;
		struct buf what = BUF_INIT;

		if (pass == 0 && (x->genuine || x->unreachable))
			continue;
		if (pass == 1 && !(x->genuine && x->satisfaction &&
				   x->recorded && x->recorded > x->satisfaction))
			continue;
		cJSON_ArrayForEach(level, levels)
			if (jstr(level, "id") && !strcmp(jstr(level, "id"), x->level) &&
			    jstr(level, "label"))
				label = jstr(level, "label");
		if (!x->genuine)
			buf_adds(&what, "未真实回访");
		else
			buf_addf(&what, "满意度记录偏高：记录%s，业主复核%s",
				 satisfaction_name[x->recorded],
				 satisfaction_name[x->satisfaction]);
		if (x->note[0])
			buf_addf(&what, "（%s）", x->note);
		jsonw_open(w, NULL, '{', JSONW_INLINE);
		jsonw_str(w, "ticket", x->ticket);
		jsonw_str(w, "level", label);
		jsonw_str(w, "center", x->center);
		jsonw_str(w, "butler", x->butler);
		jsonw_str(w, "audit_date", x->date);
		jsonw_bool(w, "genuine", x->genuine);
		jsonw_str(w, "finding", what.s);
		jsonw_close(w);
		buf_release(&what);
	}
	jsonw_close(w);
	free(dt.v);
	return 1;
}

/* ---- generated findings (huifang gen --audit) ---- */

/* A draw in [0, 10^6) for (seed, what, ticket). */
static uint32_t fill_draw(const char *seed, const char *what,
			  const char *ticket)
{
	return (uint32_t)(sample_key(seed, what, ticket) % 1000000);
}

void audit_write_filled_sheet(const struct samples *s, size_t level,
			      const struct ticket_set *set,
			      const struct config *cfg,
			      const struct audit_fill *fill, struct buf *out)
{
	static const char *const auditors[] = { "周主管", "吴经理", "郑专员" };
	const struct sample_level *l;
	const char **cells;
	char (*dates)[CHTIME_BUF];
	size_t i;

	if (level >= s->nlevels) {
		sample_write_csv_filled(s, level, set, cfg, NULL, out);
		return;
	}
	l = &s->levels[level];
	cells = xcalloc(l->nitems * SAMPLE_FINDING_COLUMNS + 1, sizeof(*cells));
	dates = xcalloc(l->nitems + 1, sizeof(*dates));
	for (i = 0; i < l->nitems; i++) {
		const struct sample_item *it = &l->items[i];
		const char *id = it->ticket->id;
		const char **c = cells + i * SAMPLE_FINDING_COLUMNS;
		int recorded = it->first ? it->first->satisfaction : SAT_NONE;

		if (fill_draw(fill->seed, "pending", id) < fill->pending_ppm)
			continue;
		chtime_format_date(fill->first_day +
					   (int64_t)(fill_draw(fill->seed, "day", id) % 3) *
						   86400,
				   dates[i]);
		c[3] = auditors[level % 3];
		c[4] = dates[i];
		if (fill_draw(fill->seed, "fake", id) < fill->fake_ppm) {
			c[0] = "否";
			c[2] = "业主称未接到回访电话";
			continue;
		}
		c[0] = "是";
		if (recorded < SAT_VERY_DISSATISFIED || recorded > SAT_VERY_SATISFIED)
			continue;
		if (recorded > SAT_VERY_DISSATISFIED &&
		    fill_draw(fill->seed, "disagree", id) < fill->disagree_ppm) {
			c[1] = satisfaction_name[recorded - 1];
			c[2] = "业主评价低于回访记录";
		} else {
			c[1] = satisfaction_name[recorded];
		}
	}
	sample_write_csv_filled(s, level, set, cfg, cells, out);
	free(cells);
	free(dates);
}
