/*
 * test_audit.c - the audit loop after the sample (stages/audit.h): every
 * kind of bad row a filled-in sheet can hold, all-or-nothing imports,
 * re-import, a ticket audited twice, the findings artifact, fake_followup
 * butlers, Wilson intervals and the results in metrics.json.
 *
 * The week's sample is a small samples.json written here by hand, and the
 * sheets are CSV files in a scratch folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cJSON.h>

#include "model/config.h"
#include "stages/audit.h"
#include "util/jsonw.h"
#include "tmpdir.h"

static char root[512];

/* Two levels; cs_supervisor sampled T1 T2 T3, quality_dept Q1. */
static const char samples_text[] =
	"{\"schema\": \"huifang.samples/1\", \"week\": \"2026-W47\", \"levels\": ["
	"{\"id\": \"cs_supervisor\", \"label\": \"客户服务主管\", \"items\": ["
	"{\"ticket\": \"T1\", \"center\": \"东区中心\", \"butler\": \"王芳\", \"satisfaction\": \"非常满意\"},"
	"{\"ticket\": \"T2\", \"center\": \"东区中心\", \"butler\": \"李强\", \"satisfaction\": \"满意\"},"
	"{\"ticket\": \"T3\", \"center\": \"西区中心\", \"butler\": \"张伟\", \"satisfaction\": \"满意\"}]},"
	"{\"id\": \"quality_dept\", \"label\": \"品质管理部\", \"items\": ["
	"{\"ticket\": \"Q1\", \"center\": \"西区中心\", \"butler\": \"张伟\", \"satisfaction\": \"一般\"}]}]}";

static const char header[] =
	"\xEF\xBB\xBF周次,抽查级别,服务中心,工单编号,是否真实回访,复核满意度,问题描述,抽查人,抽查日期\r\n";

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "test_audit");
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(root);
	return 0;
}

static const char *sheet(const char *name, const char *rows)
{
	static char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(header, fp);
	fputs(rows, fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static int64_t as_of(void)
{
	return chtime_make(2026, 11, 30, 0, 0, 0);
}

/* Imports rows; returns the result, with the errors' text in msgs. */
static int import(const char *rows, struct findings *f, struct buf *msgs)
{
	struct config cfg;
	struct diag d;
	cJSON *samples = cJSON_Parse(samples_text);
	size_t i;
	int ret;

	assert_non_null(samples);
	config_init(&cfg);
	diag_init(&d);
	ret = audit_import_csv(samples, sheet("s.csv", rows), as_of(), &cfg,
			       f, &d);
	if (msgs)
		for (i = 0; i < d.nr; i++)
			buf_addf(msgs, "%lu:%lu %s\n", d.entries[i].line,
				 d.entries[i].column, d.entries[i].message);
	diag_release(&d);
	config_release(&cfg);
	cJSON_Delete(samples);
	return ret;
}

static void test_audit__imports_good_rows_and_skips_unaudited_ones(void **state)
{
	struct findings f;

	(void)state;
	findings_init(&f);
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T1,是,满意,,赵主管,2026-11-24\r\n"
				"2026-W47,客户服务主管,东区中心,T2,否,,从未接到电话,赵主管,2026-11-25\r\n"
				"2026-W47,cs_supervisor,西区中心,T3,,,,,\r\n",
				&f, NULL), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].ticket, "T1");
	assert_true(f.v[0].genuine);
	assert_int_equal(f.v[0].satisfaction, SAT_SATISFIED);
	assert_int_equal(f.v[0].recorded, SAT_VERY_SATISFIED);
	assert_string_equal(f.v[0].butler, "王芳");
	assert_string_equal(f.v[0].source, "s.csv:2");
	assert_string_equal(f.v[1].ticket, "T2");
	assert_false(f.v[1].genuine);
	assert_string_equal(f.v[1].note, "从未接到电话");
	assert_string_equal(f.v[1].level, "cs_supervisor");
	findings_release(&f);
}

/*
 * Every kind of bad row, each reported with its line and column, and
 * nothing imported although other rows are good.
 */
static void test_audit__reports_every_bad_row_and_imports_nothing(void **state)
{
	static const struct {
		const char *row;
		const char *message;
	} cases[] = {
		{ "2026-W47,cs_supervisor,东区中心,NOPE,是,满意,,赵,2026-11-24",
		  "3:4 ticket 'NOPE' is not in the samples of 2026-W47" },
		{ "2026-W47,cs_supervisor,西区中心,Q1,是,满意,,赵,2026-11-24",
		  "3:4 ticket 'Q1' was sampled by 品质管理部, not by cs_supervisor" },
		{ "2026-W46,cs_supervisor,东区中心,T2,是,满意,,赵,2026-11-24",
		  "3:1 week '2026-W46' differs from the sheet's week 2026-W47" },
		{ "2026-W99,cs_supervisor,东区中心,T2,是,满意,,赵,2026-11-24",
		  "3:1 '2026-W99' in column '周次' is not a week" },
		{ "2026-W47,工程部,东区中心,T2,是,满意,,赵,2026-11-24",
		  "3:2 '工程部' in column '抽查级别' is no audit level" },
		{ "2026-W47,cs_supervisor,东区中心,T2,也许,满意,,赵,2026-11-24",
		  "3:5 '也许' in column '是否真实回访' is not 是, 否 or 无法联系" },
		{ "2026-W47,cs_supervisor,东区中心,T2,,满意,,赵,2026-11-24",
		  "3:5 empty '是否真实回访'" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,超级满意,,赵,2026-11-24",
		  "3:6 '超级满意' in column '复核满意度' is no satisfaction" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,满意,,,2026-11-24",
		  "3:8 empty '抽查人'" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,满意,,赵,",
		  "3:9 empty '抽查日期'" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,满意,,赵,2026-13-45",
		  "3:9 '2026-13-45' in column '抽查日期' is not a date" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,满意,,赵,2026-11-01",
		  "3:9 audit date '2026-11-01' is before the week 2026-W47 began" },
		{ "2026-W47,cs_supervisor,东区中心,T2,是,满意,,赵,2026-12-24",
		  "3:9 audit date '2026-12-24' is after the as-of time" },
		{ "2026-W47,cs_supervisor,东区中心,,是,满意,,赵,2026-11-24",
		  "3:4 empty ticket number" },
		{ "2026-W47,cs_supervisor,东区中心,T1,否,,,钱,2026-11-24",
		  "ticket 'T1' has two findings dated 2026-11-24 (s.csv:2 and s.csv:3)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct findings f;
		struct buf rows = BUF_INIT, msgs = BUF_INIT;

		findings_init(&f);
		buf_addf(&rows, "2026-W47,cs_supervisor,东区中心,T1,是,满意,,赵,2026-11-24\r\n"
				"%s\r\n", cases[i].row);
		assert_int_equal(import(rows.s, &f, &msgs), -1);
		if (!strstr(msgs.s, cases[i].message))
			fail_msg("case %zu: expected '%s' in:\n%s", i,
				 cases[i].message, msgs.s);
		/* The good first row is not imported either. */
		assert_int_equal(f.n, 0);
		buf_release(&rows);
		buf_release(&msgs);
		findings_release(&f);
	}
}

static void test_audit__a_sheet_without_the_finding_columns_is_refused(void **state)
{
	struct config cfg;
	struct diag d;
	struct findings f;
	cJSON *samples = cJSON_Parse(samples_text);
	char path[1024];
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/old.csv", root);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("工单编号,是否真实回访\r\nT1,是\r\n", fp);
	assert_int_equal(fclose(fp), 0);
	config_init(&cfg);
	diag_init(&d);
	findings_init(&f);
	assert_int_equal(audit_import_csv(samples, path, as_of(), &cfg, &f, &d),
			 -1);
	assert_true(d.errors >= 1);
	assert_non_null(strstr(d.entries[0].message, "no column '周次'"));
	assert_int_equal(f.n, 0);
	diag_release(&d);
	config_release(&cfg);
	cJSON_Delete(samples);
}

/*
 * Importing the same sheet twice gives the same artifact, byte for byte;
 * a later audit of a ticket on another date is kept beside the first; a
 * corrected row on the same date replaces it.
 */
static void test_audit__reimport_replaces_and_a_second_date_is_kept(void **state)
{
	static const char rows[] =
		"2026-W47,cs_supervisor,东区中心,T1,是,满意,,赵主管,2026-11-24\r\n"
		"2026-W47,cs_supervisor,东区中心,T2,否,,没打过,赵主管,2026-11-24\r\n";
	struct findings store, f;
	struct buf once = BUF_INIT, twice = BUF_INIT;

	(void)state;
	findings_init(&store);
	findings_init(&f);
	assert_int_equal(import(rows, &f, NULL), 0);
	findings_merge(&store, &f);
	findings_write_json(&store, &once);
	findings_release(&f);
	assert_int_equal(import(rows, &f, NULL), 0);
	findings_merge(&store, &f);
	findings_write_json(&store, &twice);
	assert_string_equal(once.s, twice.s);
	assert_int_equal(store.n, 2);
	findings_release(&f);

	/* T2 again on the 26th: both findings stay, with their dates. */
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T2,是,一般,,孙经理,2026-11-26\r\n",
				&f, NULL), 0);
	findings_merge(&store, &f);
	findings_release(&f);
	assert_int_equal(store.n, 3);
	assert_string_equal(store.v[1].date, "2026-11-24");
	assert_string_equal(store.v[2].date, "2026-11-26");
	/* T1 corrected on the same date: replaced. */
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T1,否,,改正,赵主管,2026-11-24\r\n",
				&f, NULL), 0);
	findings_merge(&store, &f);
	findings_release(&f);
	assert_int_equal(store.n, 3);
	assert_false(store.v[0].genuine);
	buf_release(&once);
	buf_release(&twice);
	findings_release(&store);
}

/*
 * metrics.json's members as the run adds them (jsonw_reopen() on a small
 * document), parsed; *has_list says whether "findings" was written.
 */
static cJSON *results_issued(const cJSON *samples, const struct findings *f,
			     struct iso_week week, int64_t at, int64_t issued,
			     const struct config *cfg, int *has_list)
{
	struct buf text = BUF_INIT;
	struct jsonw w;
	cJSON *j;
	int listed;

	buf_adds(&text, "{\n  \"schema\": \"x\"\n}\n");
	assert_int_equal(jsonw_reopen(&w, &text), 0);
	audit_results_json(&w, samples, f, 1, week, at, issued, cfg);
	listed = audit_problems_json(&w, samples, f, 1, week, at);
	jsonw_close(&w);
	jsonw_end(&w);
	j = cJSON_Parse(text.s);
	if (!j)
		fail_msg("does not parse:\n%s", text.s);
	if (has_list)
		*has_list = listed;
	buf_release(&text);
	return j;
}

/* As results_issued(), with no issue time recorded. */
static cJSON *results(const cJSON *samples, const struct findings *f,
		      struct iso_week week, int64_t at,
		      const struct config *cfg, int *has_list)
{
	return results_issued(samples, f, week, at, TIME_NONE, cfg, has_list);
}

static const cJSON *level_of(const cJSON *root, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "audit"),
						      "levels"), i);
}

static int num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	assert_non_null(v);
	return v->valueint;
}

/* 无法联系: kept, but not an audit done, not a fake, no follow-up. */
static void test_audit__an_unreachable_owner_is_no_audit_yet(void **state)
{
	struct findings f;
	struct config cfg;
	struct buf out = BUF_INIT;
	struct sample_followup *fu;
	size_t nfu;
	cJSON *samples = cJSON_Parse(samples_text), *root_j;

	(void)state;
	findings_init(&f);
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T2,无法联系,,三次未接,赵,2026-11-24\r\n",
				&f, NULL), 0);
	assert_int_equal(f.n, 1);
	assert_true(f.v[0].unreachable);
	config_init(&cfg);
	root_j = results(samples, &f, (struct iso_week){ 2026, 47 }, as_of(),
			 &cfg, NULL);
	assert_int_equal(num(level_of(root_j, 0), "sampled"), 3);
	assert_int_equal(num(level_of(root_j, 0), "done"), 0);
	cJSON_Delete(root_j);
	/* Reported in the week it is dated (SPEC §9.29). */
	root_j = results(samples, &f, (struct iso_week){ 2026, 48 }, as_of(),
			 &cfg, NULL);
	assert_int_equal(num(level_of(root_j, 0), "audited"), 0);
	assert_int_equal(num(level_of(root_j, 0), "unreachable"), 1);
	assert_int_equal(num(level_of(root_j, 0), "fake"), 0);
	/* Nothing to act on: an unreachable owner is no problem found. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root_j, "findings")), 0);
	cJSON_Delete(root_j);
	audit_followups(&f, 1, (struct iso_week){ 2026, 48 }, &cfg, &fu, &nfu);
	assert_int_equal(nfu, 0);
	free(fu);
	buf_reset(&out);
	findings_write_json(&f, &out);
	assert_non_null(strstr(out.s, "\"genuine\": null"));
	buf_release(&out);
	config_release(&cfg);
	cJSON_Delete(samples);
	findings_release(&f);
}

static void test_audit__the_artifact_reads_back(void **state)
{
	struct findings f, back;
	struct buf json = BUF_INIT, again = BUF_INIT;
	struct diag d;
	char path[1024];
	FILE *fp;

	(void)state;
	findings_init(&f);
	findings_init(&back);
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T1,是,满意,\"说\"\"好\"\"了\",赵,2026-11-24\r\n"
				"2026-W47,品质管理部,西区中心,Q1,否,,,钱,2026-11-25\r\n"
				"2026-W47,cs_supervisor,东区中心,T2,无法联系,,,钱,2026-11-25\r\n",
				&f, NULL), 0);
	findings_write_json(&f, &json);
	snprintf(path, sizeof(path), "%s/2026-W47.json", root);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(json.s, fp);
	assert_int_equal(fclose(fp), 0);
	diag_init(&d);
	assert_int_equal(findings_read(path, f.week, &back, &d), 0);
	findings_write_json(&back, &again);
	assert_string_equal(json.s, again.s);
	/* Another week's name is refused. */
	assert_int_equal(findings_read(path, (struct iso_week){ 2026, 46 },
				       &back, &d), -1);
	/* A missing file is no findings. */
	snprintf(path, sizeof(path), "%s/2026-W40.json", root);
	assert_int_equal(findings_read(path, (struct iso_week){ 2026, 40 },
				       &back, &d), 0);
	assert_int_equal(back.n, 0);
	diag_release(&d);
	buf_release(&json);
	buf_release(&again);
	findings_release(&f);
	findings_release(&back);
}

static void test_audit__a_fake_puts_the_butler_under_followup(void **state)
{
	struct findings all[2];
	struct config cfg;
	struct sample_followup *fu;
	size_t nfu;

	(void)state;
	findings_init(&all[0]);
	findings_init(&all[1]);
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T2,否,,没打过,赵,2026-11-24\r\n"
				"2026-W47,cs_supervisor,东区中心,T1,是,满意,,赵,2026-11-24\r\n",
				&all[0], NULL), 0);
	config_init(&cfg);
	cfg.audit_followup_weeks = 4;
	/* The four weeks after 2026-W47: 李强 (T2's butler) is followed. */
	audit_followups(all, 1, (struct iso_week){ 2026, 48 }, &cfg, &fu, &nfu);
	assert_int_equal(nfu, 1);
	assert_string_equal(fu[0].butler, "李强");
	assert_string_equal(fu[0].center, "东区中心");
	assert_int_equal(fu[0].week.week, 47);
	free(fu);
	audit_followups(all, 1, (struct iso_week){ 2026, 51 }, &cfg, &fu, &nfu);
	assert_int_equal(nfu, 1);
	free(fu);
	/* Not in the week itself, nor after N weeks. */
	audit_followups(all, 1, (struct iso_week){ 2026, 47 }, &cfg, &fu, &nfu);
	assert_int_equal(nfu, 0);
	free(fu);
	audit_followups(all, 1, (struct iso_week){ 2026, 52 }, &cfg, &fu, &nfu);
	assert_int_equal(nfu, 0);
	free(fu);
	config_release(&cfg);
	findings_release(&all[0]);
	findings_release(&all[1]);
}

static void test_audit__wilson_interval_matches_the_formula(void **state)
{
	double low, high;

	(void)state;
	/* 34 of 40: the textbook 95 % Wilson interval is 0.7093-0.9294. */
	audit_wilson(34, 40, &low, &high);
	assert_true(low > 0.7092 && low < 0.7094);
	assert_true(high > 0.9293 && high < 0.9295);
	/* 0 of 10: from 0 to 0.2775. */
	audit_wilson(0, 10, &low, &high);
	assert_true(low == 0);
	assert_true(high > 0.2775 && high < 0.2776);
	audit_wilson(0, 0, &low, &high);
	assert_true(low == 0 && high == 1);
}

/*
 * SPEC §9.29: a finding is reported in the week it is dated. The sample
 * of 2026-W47 audited on 2026-11-24 (W48) is progress of W47's sample
 * (done), but its results (真实回访率, fakes, agreement, the problems on
 * page 1) are W48's.
 */
static void test_audit__results_count_done_fakes_and_agreement(void **state)
{
	struct findings f;
	struct config cfg;
	cJSON *samples = cJSON_Parse(samples_text), *root_j, *levels, *cs;
	const cJSON *audit;
	int listed;

	(void)state;
	findings_init(&f);
	/* T1 recorded 非常满意, the owner says 满意: recorded better. */
	assert_int_equal(import("2026-W47,cs_supervisor,东区中心,T1,是,满意,,赵,2026-11-24\r\n"
				"2026-W47,cs_supervisor,东区中心,T2,否,,,赵,2026-11-24\r\n"
				"2026-W47,cs_supervisor,西区中心,T3,是,满意,,赵,2026-11-24\r\n",
				&f, NULL), 0);
	config_init(&cfg);
	/* The sample's own week: all three done, none of them dated in it. */
	root_j = results(samples, &f, (struct iso_week){ 2026, 47 }, as_of(),
			 &cfg, &listed);
	assert_int_equal(listed, 0);
	assert_null(cJSON_GetObjectItem(root_j, "findings"));
	cs = (cJSON *)level_of(root_j, 0);
	assert_int_equal(num(cs, "sampled"), 3);
	assert_int_equal(num(cs, "done"), 3);
	assert_int_equal(num(cs, "audited"), 0);
	assert_int_equal(num(cs, "fake"), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(cs, "genuine_rate")));
	audit = cJSON_GetObjectItem(root_j, "audit");
	assert_int_equal(num(audit, "findings"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(audit, "trend")),
			 0);
	/* All levels together: the same three, and Q1 not done. */
	assert_int_equal(num(cJSON_GetObjectItem(audit, "all_levels"),
			     "sampled"), 4);
	assert_int_equal(num(cJSON_GetObjectItem(audit, "all_levels"),
			     "done"), 3);
	/* quality_dept: nothing done, not yet overdue at the as-of. */
	assert_int_equal(num(level_of(root_j, 1), "overdue"), 0);
	cJSON_Delete(root_j);

	/* The week they are dated in: the results, whatever the sample. */
	root_j = results(samples, &f, (struct iso_week){ 2026, 48 }, as_of(),
			 &cfg, &listed);
	assert_int_equal(listed, 1);
	audit = cJSON_GetObjectItem(root_j, "audit");
	assert_int_equal(num(audit, "findings"), 3);
	levels = cJSON_GetObjectItem(audit, "levels");
	cs = cJSON_GetArrayItem(levels, 0);
	/* (W48's own sample is not W47's: none of its items is done.) */
	assert_int_equal(num(cs, "done"), 0);
	assert_int_equal(num(cs, "audited"), 3);
	assert_int_equal(num(cs, "fake"), 1);
	assert_int_equal(num(cs, "rated"), 2);
	assert_int_equal(num(cs, "agree"), 1);
	assert_int_equal(num(cs, "recorded_better"), 1);
	assert_true(fabs(cJSON_GetObjectItem(cs, "genuine_rate")->valuedouble -
			 2.0 / 3) < 1e-12);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cs, "genuine_rate_ci")), 2);
	/* Per centre, from the finding's sample item. */
	assert_int_equal(num(cJSON_GetArrayItem(cJSON_GetObjectItem(cs,
								    "centers"),
						0), "audited"), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
				cJSON_GetObjectItem(cs, "centers"), 0),
				"center")->valuestring, "东区中心");
	/* The trend counts by the week dated in. */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(audit, "trend")),
			 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(
				cJSON_GetObjectItem(audit, "trend"), 0),
				"week")->valuestring, "2026-W48");
	/* The problems for page 1: T2 never called, T1 recorded better. */
	{
		const cJSON *list = cJSON_GetObjectItem(root_j, "findings");

		assert_int_equal(cJSON_GetArraySize(list), 2);
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "ticket")->valuestring, "T2");
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "finding")->valuestring,
				    "未真实回访");
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "finding")->valuestring,
				    "满意度记录偏高：记录非常满意，业主复核满意");
		assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "level")->valuestring,
				    "客户服务主管");
	}
	cJSON_Delete(root_j);
	/* Judged before the audits were made, they do not exist yet. */
	root_j = results(samples, &f, (struct iso_week){ 2026, 48 },
			 chtime_make(2026, 11, 23, 12, 0, 0), &cfg, &listed);
	assert_int_equal(listed, 0);
	assert_int_equal(num(level_of(root_j, 0), "audited"), 0);
	cJSON_Delete(root_j);
	config_release(&cfg);
	cJSON_Delete(samples);
	findings_release(&f);
}

/*
 * Overdue counts from the issue time the week's folder records; the
 * config's issue_at (SPEC §9.26: 2026-11-26 00:00 for W47) only stands in
 * when none is recorded. audit.overdue_days is 14.
 */
static void test_audit__overdue_counts_from_the_recorded_issue(void **state)
{
	struct findings f;
	struct config cfg;
	cJSON *samples = cJSON_Parse(samples_text), *root_j;
	const cJSON *audit;
	int64_t at = chtime_make(2026, 12, 10, 12, 0, 0);

	(void)state;
	findings_init(&f);
	config_init(&cfg);
	/* Not recorded: due 11-26 + 14 days = 12-10 00:00, so overdue. */
	root_j = results(samples, &f, (struct iso_week){ 2026, 47 }, at, &cfg,
			 NULL);
	audit = cJSON_GetObjectItem(root_j, "audit");
	assert_string_equal(cJSON_GetObjectItem(audit, "due_at")->valuestring,
			    "2026-12-10 00:00:00");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(audit,
						      "issued_at_recorded")));
	assert_int_equal(num(level_of(root_j, 1), "overdue"), 1);
	assert_int_equal(num(level_of(root_j, 0), "overdue"), 3);
	cJSON_Delete(root_j);
	/* Issued a day late (a gate held it): due a day later, not yet. */
	root_j = results_issued(samples, &f, (struct iso_week){ 2026, 47 }, at,
				chtime_make(2026, 11, 27, 2, 0, 0), &cfg, NULL);
	audit = cJSON_GetObjectItem(root_j, "audit");
	assert_string_equal(cJSON_GetObjectItem(audit, "issued_at")->valuestring,
			    "2026-11-27 02:00:00");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(audit,
						     "issued_at_recorded")));
	assert_string_equal(cJSON_GetObjectItem(audit, "due_at")->valuestring,
			    "2026-12-11 02:00:00");
	assert_int_equal(num(level_of(root_j, 1), "overdue"), 0);
	cJSON_Delete(root_j);
	config_release(&cfg);
	cJSON_Delete(samples);
	findings_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit__imports_good_rows_and_skips_unaudited_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__reports_every_bad_row_and_imports_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__a_sheet_without_the_finding_columns_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__reimport_replaces_and_a_second_date_is_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__an_unreachable_owner_is_no_audit_yet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__the_artifact_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__a_fake_puts_the_butler_under_followup, setup, teardown),
		cmocka_unit_test(test_audit__wilson_interval_matches_the_formula),
		cmocka_unit_test_setup_teardown(test_audit__results_count_done_fakes_and_agreement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__overdue_counts_from_the_recorded_issue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
