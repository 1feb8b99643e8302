/*
 * test_render_pdf.c - render_pdf_week() on the hand-made week in
 * tests/fixtures/pdf/: which files appear (and that none escapes the week
 * folder), and, through pdftotext, that the text holds the header, the
 * KPI figures of metrics.json, every butler, the rare characters, □ for a
 * non-BMP character and the 500-character comment unbroken, and the
 * provisional mark on every page of every form of a provisional week (and on none of a final one). Failure paths:
 * a missing font and a broken template leave no file and say why.
 *
 * With HUIFANG_PDF_KEEP=<dir> the fixture week is rendered into <dir> and
 * kept, for tests/e2e/pdf.sh and for looking at the pages;
 * HUIFANG_PDF_FIXTURES=<dir> then reads another week's three JSON files
 * (a large generated week, to measure the render).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <cJSON.h>

#include "util/buf.h"
#include "model/config.h"
#include "util/diag.h"
#include "report/render.h"
#include "pdftext.h"

#define FIXTURES "tests/fixtures/pdf"

static cJSON *metrics, *records, *samples;

static cJSON *load_json(const char *path)
{
	struct buf text = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");
	cJSON *j;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&text, chunk, n);
	fclose(fp);
	j = cJSON_Parse(text.s);
	buf_release(&text);
	return j;
}

/* What the PDF shows for s: characters above U+FFFF become □. */
static void as_drawn(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (((unsigned char)*s & 0xF8) == 0xF0) {
			buf_adds(out, "\xe2\x96\xa1");
			s += 3;
		} else {
			buf_addch(out, *s);
		}
	}
}

/* Whether the bytes of b contain s. */
static const char *has_bytes(const struct buf *b, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= b->len; i++)
		if (!memcmp(b->s + i, s, n))
			return b->s + i;
	return NULL;
}

static void read_file(const char *path, struct buf *out)
{
	char chunk[8192];
	size_t n;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
}

static int render_into(const char *dir, struct config *cfg, struct diag *d)
{
	struct week_view v = { metrics, samples, records, NULL };

	return render_pdf_week(&v, cfg, "templates", dir, d);
}

static void render_ok(const char *dir)
{
	struct config cfg;
	struct diag d;

	config_init(&cfg);
	diag_init(&d);
	if (render_into(dir, &cfg, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("render_pdf_week failed");
	}
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	config_release(&cfg);
}

static void test_render_pdf__writes_one_file_per_document(void **state)
{
	struct buf dir = BUF_INIT, names = BUF_INIT;

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	pdftext_list_dir(dir.s, &names);
	/*
	 * The report, one centre report and one form per centre (the
	 * hostile centre "../.隐藏/中心<BEL>" loses its leading dots, its
	 * slashes and its control character, so it stays in the folder); the
	 * audit sheets are render_audit_sheets()'s (test_render_audit.c); no
	 * temporary file or prepared font is left behind.
	 */
	assert_string_equal(names.s,
			    "中心周报-_.隐藏_中心_.pdf\n"
			    "中心周报-东山服务中心.pdf\n"
			    "中心周报-珠江新城服务中心.pdf\n"
			    "周报-2026-W47.pdf\n"
			    "回访记录表-_.隐藏_中心_.pdf\n"
			    "回访记录表-东山服务中心.pdf\n"
			    "回访记录表-珠江新城服务中心.pdf\n");
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&names);
}

static void test_render_pdf__report_shows_header_kpis_and_rankings(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT,
		   want = BUF_INIT;
	const cJSON *g, *company = cJSON_GetObjectItem(metrics, "company");
	const cJSON *totals = cJSON_GetObjectItem(metrics, "totals");

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_addf(&path, "%s/周报-2026-W47.pdf", dir.s);
	pdftext_read(path.s, 0, 0, 0, &text);

	assert_non_null(strstr(text.s, cJSON_GetObjectItem(company, "name")
						->valuestring));
	assert_non_null(strstr(text.s, "2026-W47"));
	assert_non_null(strstr(text.s, "2026-11-16 至 2026-11-22"));
	assert_non_null(strstr(text.s, "正式报告"));
	/* Every type's coverage, as metrics.json has it, one decimal. */
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(metrics, "by_type")) {
		buf_reset(&want);
		buf_addf(&want, "%.1f%%",
			 cJSON_GetObjectItem(g, "coverage")->valuedouble * 100);
		if (!strstr(text.s, want.s))
			fail_msg("coverage %s of %s missing", want.s,
				 cJSON_GetObjectItem(g, "type")->valuestring);
	}
	buf_reset(&want);
	buf_addf(&want, "%.1f%%",
		 cJSON_GetObjectItem(totals, "satisfaction")->valuedouble * 100);
	assert_non_null(strstr(text.s, want.s));
	buf_reset(&want);
	buf_addf(&want, "%d / %d",
		 cJSON_GetObjectItem(totals, "timely")->valueint,
		 cJSON_GetObjectItem(totals, "called_back")->valueint);
	assert_non_null(strstr(text.s, want.s));
	/*
	 * The butler table left the weekly report (3.5 pages of 样本不足 at
	 * real volumes): it shows the rankings over the window instead. Here
	 * fewer than 2 x ranking_rows butlers are ranked, so every ranked one
	 * is listed, in rank order, each row starting with the rank
	 * metrics.json gives; an unranked butler is not listed.
	 */
	buf_reset(&text);
	pdftext_read(path.s, 1, 0, 0, &text);
	{
		const char *section = strstr(text.s, "物业管家：前几名与后几名");
		const char *end = section ? strstr(section, "六、") : NULL;
		const char *prev = section;

		assert_non_null(section);
		assert_non_null(end);
		cJSON_ArrayForEach(g, cJSON_GetObjectItem(
				       cJSON_GetObjectItem(metrics, "rankings"),
				       "butlers")) {
			const char *butler =
				cJSON_GetObjectItem(g, "butler")->valuestring;
			const char *line;

			buf_reset(&want);
			if (!cJSON_IsTrue(cJSON_GetObjectItem(g, "ranked"))) {
				const char *at;

				as_drawn(&want, butler);
				at = strstr(section, want.s);
				if (at && at < end)
					fail_msg("unranked %s listed", want.s);
				continue;
			}
			buf_addf(&want, "\n%d %s %s %d %.1f%% ",
				 cJSON_GetObjectItem(g, "rank")->valueint,
				 cJSON_GetObjectItem(g, "center")->valuestring,
				 butler,
				 cJSON_GetObjectItem(g, "rated")->valueint,
				 cJSON_GetObjectItem(g, "satisfaction")
						 ->valuedouble * 100);
			line = strstr(prev, want.s);
			if (!line || line > end)
				fail_msg("no ranking row '%s' after the last",
					 want.s + 1);
			prev = line + 1;
		}
	}
	/* Page 1's verdict: each type's change against last week, as ▲/▼. */
	assert_non_null(strstr(text.s, "\xe2\x96\xb2 1.3"));   /* ▲ 1.3 */
	assert_non_null(strstr(text.s, "\xe2\x96\xbc 3.1"));   /* ▼ 3.1 */
	/* The centre x type matrix lists the worst centre first. */
	{
		const char *worst = strstr(text.s, "\n珠江新城服务中心 ");
		const char *best = strstr(text.s, "\n东山服务中心 ");

		assert_non_null(worst);
		assert_non_null(best);
		assert_true(worst < best);
	}
	/* The data-quality page: rows read and a rejection reason. */
	buf_reset(&want);
	buf_addf(&want, "%d", cJSON_GetObjectItem(cJSON_GetObjectItem(metrics,
								      "input"),
						  "rows_read")->valueint);
	assert_non_null(strstr(text.s, want.s));
	assert_non_null(strstr(text.s, "时间无法解析"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	buf_release(&want);
}

/*
 * A centre's report shows its own figures per type against each target,
 * its butlers with their 4-week rank, and no other centre's butler.
 */
static void test_render_pdf__centre_report_shows_its_own_figures(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT,
		   want = BUF_INIT;
	const cJSON *g;

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_addf(&path, "%s/中心周报-东山服务中心.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	assert_non_null(strstr(text.s, "服务中心：东山服务中心"));
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(metrics, "by_center_type")) {
		if (strcmp(cJSON_GetObjectItem(g, "center")->valuestring,
			   "东山服务中心"))
			continue;
		buf_reset(&want);
		buf_addf(&want, "\n%s %d %d %.1f%% %.1f%% ",
			 cJSON_GetObjectItem(g, "type")->valuestring,
			 cJSON_GetObjectItem(g, "eligible")->valueint,
			 cJSON_GetObjectItem(g, "called_back")->valueint,
			 cJSON_GetObjectItem(g, "coverage")->valuedouble * 100,
			 cJSON_GetObjectItem(g, "target")->valuedouble * 100);
		if (!strstr(text.s, want.s))
			fail_msg("no type row '%s'", want.s + 1);
	}
	cJSON_ArrayForEach(g, cJSON_GetObjectItem(metrics, "by_butler")) {
		const char *center = cJSON_GetObjectItem(g, "center")->valuestring;

		buf_reset(&want);
		as_drawn(&want, cJSON_GetObjectItem(g, "butler")->valuestring);
		if (!strcmp(center, "东山服务中心") != !!strstr(text.s, want.s))
			fail_msg("butler %s of %s %s", want.s, center,
				 strcmp(center, "东山服务中心") ? "listed"
								: "missing");
	}
	/* 李喆 is ranked first over the window. */
	assert_non_null(strstr(text.s, "\n李喆 "));
	assert_non_null(strstr(text.s, "% 1 "));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	buf_release(&want);
}

/*
 * A centre's report carries its audit results from metrics.json's
 * "audit" as they are there (a row per level that sampled it, then the
 * levels together), the findings on its own tickets and no other
 * centre's; a centre no level sampled says so; and a week without
 * "audit" says there is no audit data.
 */
static void test_render_pdf__centre_report_shows_its_audit_results(void **state)
{
	static const char audit[] =
		"{\"due_at\": \"2026-12-10 00:00:00\", \"levels\": ["
		"{\"id\": \"cs_supervisor\", \"label\": \"客户服务主管\", \"centers\": ["
		"{\"center\": \"东山服务中心\", \"sampled\": 7, \"done\": 6, \"overdue\": 1, \"audited\": 6,"
		" \"fake\": 1, \"genuine_rate\": 0.8333333333333334,"
		" \"genuine_rate_ci\": [0.43649, 0.96994], \"agreement\": 0.6,"
		" \"recorded_better\": 2}]},"
		"{\"id\": \"quality_dept\", \"label\": \"品质管理部\", \"centers\": ["
		"{\"center\": \"东山服务中心\", \"sampled\": 3, \"done\": 3, \"overdue\": 0, \"audited\": 2,"
		" \"fake\": 0, \"genuine_rate\": 1, \"genuine_rate_ci\": [0.4385, 1],"
		" \"agreement\": 1, \"recorded_better\": 0}]}],"
		" \"all_levels\": {\"centers\": ["
		"{\"center\": \"东山服务中心\", \"sampled\": 10, \"done\": 9, \"overdue\": 1, \"audited\": 8,"
		" \"fake\": 1, \"genuine_rate\": 0.8888888888888888,"
		" \"genuine_rate_ci\": [0.5650, 0.9801], \"agreement\": 0.75,"
		" \"recorded_better\": 2}]}}";
	static const char findings[] =
		"[{\"ticket\": \"BS2026111600901\", \"level\": \"客户服务主管\","
		" \"center\": \"东山服务中心\", \"finding\": \"未真实回访（业主称未接到回访电话）\"},"
		" {\"ticket\": \"BS2026111600902\", \"level\": \"品质管理部\","
		" \"center\": \"珠江新城服务中心\", \"finding\": \"满意度记录偏高\"}]";
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;

	(void)state;
	/* No leftovers of a case that failed before its clean-up. */
	cJSON_DeleteItemFromObject(metrics, "audit");
	cJSON_DeleteItemFromObject(metrics, "findings");
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_addf(&path, "%s/中心周报-东山服务中心.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	assert_non_null(strstr(text.s, "三级抽查结果"));
	assert_non_null(strstr(text.s, "本周没有抽查数据。"));
	pdftext_remove_dir(dir.s);

	cJSON_AddItemToObject(metrics, "audit", cJSON_Parse(audit));
	cJSON_AddItemToObject(metrics, "findings", cJSON_Parse(findings));
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_reset(&path);
	buf_addf(&path, "%s/中心周报-东山服务中心.pdf", dir.s);
	buf_reset(&text);
	pdftext_read(path.s, 1, 0, 0, &text);
	assert_non_null(strstr(text.s, "（截止 2026-12-10"));
	assert_non_null(strstr(text.s,
			       "\n客户服务主管 6 83.3% 43.6–97.0% 1 60.0% 2 7 6 1\n"));
	assert_non_null(strstr(text.s,
			       "\n品质管理部 2 100.0% 43.9–100.0% 0 100.0% 0 3 3 0\n"));
	assert_non_null(strstr(text.s,
			       "\n三级合计 8 88.9% 56.5–98.0% 1 75.0% 2 10 9 1\n"));
	assert_non_null(strstr(text.s, "BS2026111600901"));
	assert_null(strstr(text.s, "BS2026111600902"));
	buf_reset(&path);
	buf_addf(&path, "%s/中心周报-珠江新城服务中心.pdf", dir.s);
	buf_reset(&text);
	pdftext_read(path.s, 1, 0, 0, &text);
	assert_non_null(strstr(text.s, "本周样本中也没有本中心的工单。"));
	cJSON_DeleteItemFromObject(metrics, "audit");
	cJSON_DeleteItemFromObject(metrics, "findings");
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
}

/*
 * Page 1 of the weekly report is one page whatever the lists hold: with
 * 40 findings and 8 tripped gates it still ends with the gates, each list
 * cut short with "及其他 N 项", and page 2 begins with the charts.
 */
static void test_render_pdf__page_one_holds_every_list(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	cJSON *findings = cJSON_CreateArray(), *gates = cJSON_CreateArray();
	char ticket[32], name[32];
	const char *gates_at, *p;
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		cJSON *f = cJSON_CreateObject();

		snprintf(ticket, sizeof(ticket), "BS20261116%05d", 900 + i);
		cJSON_AddStringToObject(f, "ticket", ticket);
		cJSON_AddStringToObject(f, "level", "客户服务主管");
		cJSON_AddStringToObject(f, "center", "东山服务中心");
		cJSON_AddStringToObject(f, "finding",
					"满意度记录偏高：记录非常满意，业主复核满意（业主评价低于回访记录）");
		cJSON_AddItemToArray(findings, f);
	}
	for (i = 0; i < 8; i++) {
		cJSON *g = cJSON_CreateObject();

		snprintf(name, sizeof(name), "gate_%d", i);
		cJSON_AddStringToObject(g, "name", name);
		cJSON_AddBoolToObject(g, "tripped", 1);
		cJSON_AddBoolToObject(g, "accepted", 0);
		cJSON_AddStringToObject(g, "message",
					"a gate that did not pass, said at some length so that its line is long");
		cJSON_AddStringToObject(g, "message_zh",
					"未通过的检查，说明写得比较长，好让这一行足够长，需要折行或截断才能放下");
		cJSON_AddItemToArray(gates, g);
	}
	cJSON_DeleteItemFromObject(metrics, "findings");
	cJSON_DeleteItemFromObject(metrics, "gates");
	cJSON_AddItemToObject(metrics, "findings", findings);
	cJSON_AddItemToObject(metrics, "gates", gates);
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_addf(&path, "%s/周报-2026-W47.pdf", dir.s);
	pdftext_read(path.s, 1, 1, 1, &text);
	assert_non_null(strstr(text.s, "二、需要处理"));
	assert_non_null(strstr(text.s, "抽查发现的问题"));
	gates_at = strstr(text.s, "未通过的合理性检查");
	assert_non_null(gates_at);
	/* The findings and the gates are cut short, and say how many more. */
	assert_non_null(strstr(text.s, "BS2026111600900"));
	assert_null(strstr(text.s, "BS2026111600939"));
	p = strstr(text.s, "及其他 ");
	assert_non_null(p);
	assert_non_null(strstr(gates_at, "及其他 "));
	assert_non_null(strstr(gates_at, "gate_0"));
	assert_null(strstr(gates_at, "gate_7"));
	buf_reset(&text);
	pdftext_read(path.s, 1, 2, 2, &text);
	assert_non_null(strstr(text.s, "三、图表"));
	cJSON_DeleteItemFromObject(metrics, "findings");
	cJSON_DeleteItemFromObject(metrics, "gates");
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
}

static void test_render_pdf__form_keeps_long_and_rare_text(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT,
		   want = BUF_INIT;
	const cJSON *row, *long_row = NULL;

	(void)state;
	cJSON_ArrayForEach(row, cJSON_GetObjectItem(records, "rows"))
		if (strlen(cJSON_GetObjectItem(row, "remark")->valuestring) >
		    1000)
			long_row = row;
	assert_non_null(long_row);
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	buf_addf(&path, "%s/回访记录表-%s.pdf", dir.s,
		 cJSON_GetObjectItem(long_row, "center")->valuestring);
	pdftext_read(path.s, 1, 0, 0, &text);
	pdftext_strip_space(&text);
	/* 500 characters without a space, wrapped over many lines, come back
	 * whole once the line breaks are removed. */
	if (!strstr(text.s, cJSON_GetObjectItem(long_row, "remark")->valuestring))
		fail_msg("the 500-character comment lost a character");
	assert_non_null(strstr(text.s, "喆"));
	assert_non_null(strstr(text.s, "堃"));
	assert_non_null(strstr(text.s, "玥"));
	assert_non_null(strstr(text.s, "笑脸\xe2\x96\xa1表情"));
	assert_non_null(strstr(text.s, "WSWY-GZ-XM-KF-13"));
	/* The document header on every page: 第i页共M页 for each i. */
	{
		const char *m = strstr(text.s, "第1页共");
		int pages, i;

		assert_non_null(m);
		pages = atoi(m + strlen("第1页共"));
		assert_true(pages >= 2);
		for (i = 1; i <= pages; i++) {
			buf_reset(&want);
			buf_addf(&want, "第%d页共%d页", i, pages);
			if (!strstr(text.s, want.s))
				fail_msg("%s missing", want.s);
		}
	}
	assert_non_null(strstr(text.s, "物业管家（签字）"));
	/* A bookmark per butler: outline titles are UTF-16BE in hex, so
	 * 李喆 王堃 陈玥 are FEFF 674E 5586, 738B 5803, 9648 73A5. */
	buf_reset(&want);
	read_file(path.s, &want);
	assert_non_null(has_bytes(&want, "/Title <FEFF674E5586>"));
	assert_non_null(has_bytes(&want, "/Title <FEFF738B5803>"));
	assert_non_null(has_bytes(&want, "/Title <FEFF964873A5>"));
	assert_non_null(strstr(text.s, "客户服务主管（签字）"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	buf_release(&want);
}

static void test_render_pdf__provisional_week_is_marked(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;

	(void)state;
	cJSON_ReplaceItemInObject(metrics, "provisional", cJSON_CreateTrue());
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	cJSON_ReplaceItemInObject(metrics, "provisional", cJSON_CreateFalse());
	buf_addf(&path, "%s/周报-2026-W47.pdf", dir.s);
	pdftext_read(path.s, 0, 0, 0, &text);
	assert_non_null(strstr(text.s, "暂定报告"));
	assert_null(strstr(text.s, "正式报告"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
}

/*
 * Checks every form of dir (回访记录表-*.pdf, 抽查表-*.pdf): each page of
 * its text holds the provisional mark when want, and none does otherwise.
 * Returns the number of pages seen.
 */
static size_t forms_marked(const char *dir, int want)
{
	static const char mark[] = "暂定·尚未正式发布，数据会随后续回访变化";
	struct buf names = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	char *name, *save = NULL;
	size_t pages = 0, forms = 0;

	pdftext_list_dir(dir, &names);
	for (name = strtok_r(names.s, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		char *pg, *psave = NULL;
		size_t n = 0;

		if (strncmp(name, "回访记录表-", strlen("回访记录表-")) &&
		    strncmp(name, "抽查表-", strlen("抽查表-")))
			continue;
		forms++;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, name);
		buf_reset(&text);
		pdftext_read(path.s, 1, 0, 0, &text);
		/* pdftotext ends every page with a form feed. */
		for (pg = strtok_r(text.s, "\f", &psave); pg;
		     pg = strtok_r(NULL, "\f", &psave)) {
			struct buf one = BUF_INIT;

			buf_adds(&one, pg);
			pdftext_strip_space(&one);
			if (!one.len) {
				buf_release(&one);
				continue;
			}
			n++;
			if (want && !strstr(one.s, mark))
				fail_msg("%s page %zu lacks the mark", name, n);
			if (!want && strstr(one.s, "尚未正式发布"))
				fail_msg("%s page %zu is marked", name, n);
			buf_release(&one);
		}
		assert_true(n >= 1);
		pages += n;
	}
	assert_true(forms >= 2);
	buf_release(&names);
	buf_release(&path);
	buf_release(&text);
	return pages;
}

static void test_render_pdf__provisional_mark_on_every_form_page(void **state)
{
	struct buf dir = BUF_INIT;
	size_t marked, plain;

	(void)state;
	cJSON_ReplaceItemInObject(metrics, "provisional", cJSON_CreateTrue());
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	cJSON_ReplaceItemInObject(metrics, "provisional", cJSON_CreateFalse());
	marked = forms_marked(dir.s, 1);
	pdftext_remove_dir(dir.s);
	pdftext_new_dir(&dir);
	render_ok(dir.s);
	plain = forms_marked(dir.s, 0);
	pdftext_remove_dir(dir.s);
	/* The mark takes no room from the body: the same pages either way. */
	assert_int_equal(marked, plain);
	/* The fixture's forms run to more than one page each on average. */
	assert_true(marked > 2);
	buf_release(&dir);
}

static void test_render_pdf__missing_font_leaves_no_file(void **state)
{
	struct buf dir = BUF_INIT, names = BUF_INIT;
	struct config cfg;
	struct diag d;

	(void)state;
	config_init(&cfg);
	free(cfg.font_path);
	cfg.font_path = strdup("fonts/no-such-font.ttc");
	diag_init(&d);
	pdftext_new_dir(&dir);
	assert_int_equal(render_into(dir.s, &cfg, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.entries[0].message, "fonts/no-such-font.ttc"));
	pdftext_list_dir(dir.s, &names);
	assert_string_equal(names.s, "");
	pdftext_remove_dir(dir.s);
	diag_release(&d);
	config_release(&cfg);
	buf_release(&dir);
	buf_release(&names);
}

static void test_render_pdf__broken_template_names_file_and_line(void **state)
{
	struct buf dir = BUF_INIT, tdir = BUF_INIT, path = BUF_INIT;
	struct week_view v = { metrics, samples, records, NULL };
	struct config cfg;
	struct diag d;
	size_t i;
	int found = 0;
	FILE *fp;

	(void)state;
	config_init(&cfg);
	diag_init(&d);
	pdftext_new_dir(&dir);
	pdftext_new_dir(&tdir);
	buf_addf(&path, "%s/pdf", tdir.s);
	assert_int_equal(mkdir(path.s, 0777), 0);
	buf_adds(&path, "/weekly.json");
	fp = fopen(path.s, "w");
	assert_non_null(fp);
	fputs("{\n  \"title\": \"周报\",\n  \"labels\": oops\n}\n", fp);
	fclose(fp);
	assert_int_equal(render_pdf_week(&v, &cfg, tdir.s, dir.s, &d), -1);
	for (i = 0; i < d.nr; i++)
		if (d.entries[i].file && strstr(d.entries[i].file, "weekly.json") &&
		    d.entries[i].line == 3)
			found = 1;
	assert_true(found);
	unlink(path.s);
	buf_setlen(&path, path.len - strlen("/weekly.json"));
	rmdir(path.s);
	/* The other documents had no template either: nothing was written. */
	pdftext_remove_dir(tdir.s);
	buf_reset(&path);
	pdftext_list_dir(dir.s, &path);
	assert_string_equal(path.s, "");
	pdftext_remove_dir(dir.s);
	diag_release(&d);
	config_release(&cfg);
	buf_release(&dir);
	buf_release(&tdir);
	buf_release(&path);
}

static void test_render_pdf__same_week_gives_the_same_bytes(void **state)
{
	struct buf a = BUF_INIT, b = BUF_INIT, names = BUF_INIT, pa = BUF_INIT,
		   pb = BUF_INIT, x = BUF_INIT, y = BUF_INIT;
	char *name, *save = NULL;

	(void)state;
	pdftext_new_dir(&a);
	pdftext_new_dir(&b);
	render_ok(a.s);
	render_ok(b.s);
	pdftext_list_dir(a.s, &names);
	/* The dates inside come from as-of, not the clock: every document
	 * is byte for byte the same. */
	for (name = strtok_r(names.s, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		buf_reset(&pa);
		buf_reset(&pb);
		buf_reset(&x);
		buf_reset(&y);
		buf_addf(&pa, "%s/%s", a.s, name);
		buf_addf(&pb, "%s/%s", b.s, name);
		read_file(pa.s, &x);
		read_file(pb.s, &y);
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.s, y.s, x.len);
	}
	pdftext_remove_dir(a.s);
	pdftext_remove_dir(b.s);
	buf_release(&a);
	buf_release(&b);
	buf_release(&names);
	buf_release(&pa);
	buf_release(&pb);
	buf_release(&x);
	buf_release(&y);
}

static void test_render_pdf__sparse_metrics_show_dashes(void **state)
{
	struct buf dir = BUF_INIT, names = BUF_INIT, path = BUF_INIT,
		   text = BUF_INIT;
	cJSON *m = cJSON_Parse("{\"week\": \"2026-W47\", \"by_type\": "
			       "[{\"type\": \"投诉\", \"eligible\": 0, "
			       "\"coverage\": null, \"target\": 1, "
			       "\"meets_target\": null}], \"trend\": [], "
			       "\"by_center\": 7, \"anomalies\": \"x\"}");
	struct week_view v = { m, NULL, NULL, NULL };
	struct config cfg;
	struct diag d;

	(void)state;
	/* Keys missing, nulls, wrong types: the report still renders, with
	 * "—" where a figure is missing, and nothing else is written. */
	config_init(&cfg);
	diag_init(&d);
	pdftext_new_dir(&dir);
	if (render_pdf_week(&v, &cfg, "templates", dir.s, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("render_pdf_week failed");
	}
	pdftext_list_dir(dir.s, &names);
	assert_string_equal(names.s, "周报-2026-W47.pdf\n");
	buf_addf(&path, "%s/周报-2026-W47.pdf", dir.s);
	pdftext_read(path.s, 0, 0, 0, &text);
	assert_non_null(strstr(text.s, "投诉"));
	assert_non_null(strstr(text.s, "—"));
	assert_non_null(strstr(text.s, cfg.company));
	pdftext_remove_dir(dir.s);
	cJSON_Delete(m);
	diag_release(&d);
	config_release(&cfg);
	buf_release(&dir);
	buf_release(&names);
	buf_release(&path);
	buf_release(&text);
}

static cJSON *record_row(const char *center, const char *butler,
			 const char *ticket)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "center", center);
	cJSON_AddStringToObject(r, "butler", butler);
	cJSON_AddStringToObject(r, "date", "2026-11-18 10:00");
	cJSON_AddStringToObject(r, "ticket", ticket);
	cJSON_AddStringToObject(r, "remark", "");
	return r;
}

static void test_render_pdf__colliding_centre_names_stay_apart(void **state)
{
	struct buf dir = BUF_INIT, names = BUF_INIT;
	cJSON *recs = cJSON_CreateObject(), *rows = cJSON_CreateArray();
	struct week_view v = { metrics, NULL, recs, NULL };
	struct config cfg;
	struct diag d;

	(void)state;
	/* Three centres whose names come out alike once made safe, and an
	 * empty one. */
	cJSON_AddItemToArray(rows, record_row("东区/一", "张三", "T1"));
	cJSON_AddItemToArray(rows, record_row("东区_一", "李四", "T2"));
	cJSON_AddItemToArray(rows, record_row("东区\\一", "王五", "T3"));
	cJSON_AddItemToArray(rows, record_row("...", "赵六", "T4"));
	cJSON_AddItemToArray(rows, record_row("", "", "T5"));
	cJSON_AddItemToObject(recs, "rows", rows);
	config_init(&cfg);
	diag_init(&d);
	pdftext_new_dir(&dir);
	assert_int_equal(render_pdf_week(&v, &cfg, "templates", dir.s, &d), 0);
	pdftext_list_dir(dir.s, &names);
	/* Sorted by centre: "" (未指定), "...", then the three 东区; the
	 * centre reports follow metrics.json's centres. */
	assert_string_equal(names.s,
			    "中心周报-_.隐藏_中心_.pdf\n"
			    "中心周报-东山服务中心.pdf\n"
			    "中心周报-珠江新城服务中心.pdf\n"
			    "周报-2026-W47.pdf\n"
			    "回访记录表-_.pdf\n"
			    "回访记录表-东区_一-2.pdf\n"
			    "回访记录表-东区_一-3.pdf\n"
			    "回访记录表-东区_一.pdf\n"
			    "回访记录表-未指定.pdf\n");
	pdftext_remove_dir(dir.s);
	cJSON_Delete(recs);
	diag_release(&d);
	config_release(&cfg);
	buf_release(&dir);
	buf_release(&names);
}

static void test_render_pdf__missing_week_folder_is_a_clean_error(void **state)
{
	struct buf dir = BUF_INIT;
	struct config cfg;
	struct diag d;

	(void)state;
	config_init(&cfg);
	diag_init(&d);
	buf_addf(&dir, "%s/no-such-week", pdftext_root);
	assert_int_equal(render_into(dir.s, &cfg, &d), -1);
	assert_true(d.errors >= 1);
	assert_non_null(strstr(d.entries[0].message, "no-such-week"));
	diag_release(&d);
	config_release(&cfg);
	buf_release(&dir);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_pdf__writes_one_file_per_document),
		cmocka_unit_test(test_render_pdf__report_shows_header_kpis_and_rankings),
		cmocka_unit_test(test_render_pdf__centre_report_shows_its_own_figures),
		cmocka_unit_test(test_render_pdf__centre_report_shows_its_audit_results),
		cmocka_unit_test(test_render_pdf__page_one_holds_every_list),
		cmocka_unit_test(test_render_pdf__form_keeps_long_and_rare_text),
		cmocka_unit_test(test_render_pdf__provisional_week_is_marked),
		cmocka_unit_test(test_render_pdf__provisional_mark_on_every_form_page),
		cmocka_unit_test(test_render_pdf__missing_font_leaves_no_file),
		cmocka_unit_test(test_render_pdf__broken_template_names_file_and_line),
		cmocka_unit_test(test_render_pdf__same_week_gives_the_same_bytes),
		cmocka_unit_test(test_render_pdf__sparse_metrics_show_dashes),
		cmocka_unit_test(test_render_pdf__colliding_centre_names_stay_apart),
		cmocka_unit_test(test_render_pdf__missing_week_folder_is_a_clean_error),
	};
	const char *keep = getenv("HUIFANG_PDF_KEEP");
	const char *slash = strrchr(argv[0], '/');
	const char *fixtures = FIXTURES;
	char path[4096];
	int ret;

	(void)argc;
	if (keep && getenv("HUIFANG_PDF_FIXTURES"))
		fixtures = getenv("HUIFANG_PDF_FIXTURES");
	snprintf(path, sizeof(path), "%s/metrics.json", fixtures);
	metrics = load_json(path);
	snprintf(path, sizeof(path), "%s/records.json", fixtures);
	records = load_json(path);
	snprintf(path, sizeof(path), "%s/samples.json", fixtures);
	samples = load_json(path);
	if (!metrics || !records || !samples) {
		fprintf(stderr, "cannot read the fixtures in %s\n", fixtures);
		return 1;
	}
	if (keep) {
		struct config cfg;
		struct diag d;

		config_init(&cfg);
		diag_init(&d);
		ret = render_into(keep, &cfg, &d) < 0;
		diag_print(stderr, &d);
		diag_release(&d);
		config_release(&cfg);
	} else {
		snprintf(pdftext_root, sizeof(pdftext_root),
			 "%.*s/render_pdf-XXXXXX",
			 slash ? (int)(slash - argv[0]) : 1,
			 slash ? argv[0] : ".");
		if (!mkdtemp(pdftext_root)) {
			perror(pdftext_root);
			return 1;
		}
		ret = cmocka_run_group_tests(tests, NULL, NULL);
		rmdir(pdftext_root);
	}
	cJSON_Delete(metrics);
	cJSON_Delete(records);
	cJSON_Delete(samples);
	return ret;
}
