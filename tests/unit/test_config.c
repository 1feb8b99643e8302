/*
 * test_config.c - config_init() defaults, config_load() of the shipped
 * file, and every kind of error config_load() must name (SPEC §7, the
 * layout of docs/config.md).
 *
 * The error tests write small files next to this test binary and compare
 * the whole diagnostic, with the file's path replaced by "F", so the
 * expected strings below are exactly what an administrator reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "model/config.h"
#include "util/diag.h"
#include "stages/metrics.h"

static char scratch[4096];   /* a file beside the test binary */

static void write_scratch(const char *text, size_t len)
{
	FILE *fp = fopen(scratch, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/*
 * Loads text over the defaults; returns the number of errors and puts the
 * first message (path replaced by "F") in first.
 */
static int load_text_len(const char *text, size_t len, struct config *cfg,
			 char *first, size_t first_size)
{
	struct diag d;
	size_t n = strlen(scratch);
	int ret, errors;

	write_scratch(text, len);
	diag_init(&d);
	ret = config_load(cfg, scratch, &d);
	errors = (int)d.errors;
	if (ret == 0)
		assert_int_equal(errors, 0);
	else
		assert_true(errors > 0);
	if (first && d.nr) {
		const char *m = d.entries[0].message;

		assert_memory_equal(m, scratch, n);
		snprintf(first, first_size, "F%s", m + n);
	} else if (first) {
		first[0] = '\0';
	}
	diag_release(&d);
	unlink(scratch);
	return errors;
}

static int load_text(const char *text, struct config *cfg, char *first,
		     size_t first_size)
{
	return load_text_len(text, strlen(text), cfg, first, first_size);
}

/* Asserts that text is rejected with exactly one error, expected. */
static void assert_rejected(const char *text, const char *expected)
{
	struct config cfg;
	char first[1024];

	config_init(&cfg);
	if (load_text(text, &cfg, first, sizeof(first)) != 1)
		fail_msg("expected one error for %s, first: %s", text, first);
	assert_string_equal(first, expected);
	config_release(&cfg);
}

static void assert_lists_equal(const struct string_list *a,
			       const struct string_list *b)
{
	size_t i;

	assert_int_equal(a->nr, b->nr);
	for (i = 0; i < a->nr; i++)
		assert_string_equal(a->items[i], b->items[i]);
}

static void assert_opt_string_equal(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_scopes_equal(const struct scope_rule *a, size_t na,
				const struct scope_rule *b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(a[i].type, b[i].type);
		assert_opt_string_equal(a[i].subtype, b[i].subtype);
	}
}

/* Every setting of struct config except path. */
static void assert_configs_equal(const struct config *a,
				 const struct config *b)
{
	size_t i;
	int t;

	assert_string_equal(a->company, b->company);
	assert_string_equal(a->document_code, b->document_code);
	assert_string_equal(a->document_version, b->document_version);
	assert_string_equal(a->effective_date, b->effective_date);
	for (t = 0; t < TYPE_COUNT; t++) {
		assert_true(a->target[t] == b->target[t]);
		assert_int_equal(a->sla_seconds[t], b->sla_seconds[t]);
		assert_lists_equal(&a->type_aliases[t], &b->type_aliases[t]);
		assert_lists_equal(&a->subtypes[t], &b->subtypes[t]);
		assert_lists_equal(&a->subtype_alias_text[t],
				   &b->subtype_alias_text[t]);
		assert_lists_equal(&a->subtype_alias_target[t],
				   &b->subtype_alias_target[t]);
	}
	assert_lists_equal(&a->attempt_words, &b->attempt_words);
	assert_lists_equal(&a->cancelled_statuses, &b->cancelled_statuses);
	for (i = 0; i < COL_COUNT; i++)
		assert_lists_equal(&a->column_aliases[i], &b->column_aliases[i]);
	assert_lists_equal(&a->satisfaction_alias_text,
			   &b->satisfaction_alias_text);
	assert_memory_equal(a->satisfaction_alias_level,
			    b->satisfaction_alias_level,
			    a->satisfaction_alias_text.nr);
	assert_int_equal(a->max_field_bytes, b->max_field_bytes);
	assert_opt_string_equal(a->encoding, b->encoding);
	assert_string_equal(a->seed, b->seed);
	assert_int_equal(a->nlevels, b->nlevels);
	for (i = 0; i < a->nlevels; i++) {
		const struct sampling_level *x = &a->levels[i], *y = &b->levels[i];

		assert_string_equal(x->id, y->id);
		assert_string_equal(x->label, y->label);
		assert_scopes_equal(x->scope, x->nscope, y->scope, y->nscope);
		assert_int_equal(x->stratum, y->stratum);
		assert_int_equal(x->size, y->size);
		assert_true(x->rate == y->rate);
		assert_int_equal(x->minimum, y->minimum);
		assert_int_equal(x->risk_signals, y->risk_signals);
		assert_scopes_equal(x->must_include, x->nmust_include,
				    y->must_include, y->nmust_include);
	}
	assert_int_equal(a->mask_names, b->mask_names);
	assert_int_equal(a->mask_phones, b->mask_phones);
	assert_int_equal(a->mask_free_text, b->mask_free_text);
	assert_string_equal(a->font_path, b->font_path);
	assert_int_equal(a->font_index, b->font_index);
	assert_opt_string_equal(a->templates_dir, b->templates_dir);
	assert_int_equal(a->retention_weeks, b->retention_weeks);
	assert_int_equal(a->umask, b->umask);
	assert_int_equal(a->max_errors_per_file, b->max_errors_per_file);
	assert_int_equal(a->issue_grace_seconds, b->issue_grace_seconds);
	assert_memory_equal(&a->gates, &b->gates, sizeof(a->gates));
	assert_lists_equal(&a->accept_gates, &b->accept_gates);
	assert_int_equal(a->unreachable_attempts, b->unreachable_attempts);
	assert_int_equal(a->unreachable_days, b->unreachable_days);
	assert_lists_equal(&a->unreachable_results, &b->unreachable_results);
	assert_int_equal(a->unreachable_leaves_coverage,
			 b->unreachable_leaves_coverage);
	assert_int_equal(a->worklist_window_days, b->worklist_window_days);
	assert_int_equal(a->nsources, b->nsources);
}

static void test_config__issue_defaults_follow_the_issue(void **state)
{
	struct config cfg;

	(void)state;
	config_init(&cfg);
	assert_int_equal(cfg.issue_grace_seconds, 24 * 3600);
	assert_true(cfg.gates.rejected_share == 0.05);
	assert_int_equal(cfg.gates.unreadable_files, 0);
	assert_int_equal(cfg.gates.damaged_ids, 0);
	assert_true(cfg.gates.repeated_id_share == 0.20);
	assert_true(cfg.gates.untimed_rating_share == 0.05);
	assert_true(cfg.gates.require_butler);
	assert_true(cfg.gates.stale_days == 3);
	assert_true(cfg.gates.empty_week_average == 50);
	assert_true(cfg.gates.rejected_file_share == 0.25);
	assert_int_equal(cfg.accept_gates.nr, 0);
	assert_int_equal(cfg.unreachable_attempts, 3);
	assert_int_equal(cfg.unreachable_days, 2);
	assert_true(string_list_has(&cfg.unreachable_results, "空号"));
	assert_true(string_list_has(&cfg.unreachable_results, "停机"));
	assert_false(cfg.unreachable_leaves_coverage);
	assert_int_equal(cfg.worklist_window_days, 90);
	config_release(&cfg);
}

static void test_config__reads_the_issue_settings(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load_text(
		"{\"issue\": {\"grace_hours\": 12.5, \"accept_gates\": "
		"[\"stale_input\"], \"gates\": {\"rejected_share\": 0.1, "
		"\"require_butler\": false, \"stale_days\": 7}},\n"
		" \"unreachable\": {\"attempts\": 0, \"results\": [\"空号\"],"
		" \"exclude_from_coverage\": true},\n"
		" \"worklists\": {\"window_days\": 30}}",
		&cfg, first, sizeof(first)), 0);
	assert_int_equal(cfg.issue_grace_seconds, 12 * 3600 + 1800);
	assert_true(cfg.gates.rejected_share == 0.1);
	assert_false(cfg.gates.require_butler);
	assert_true(cfg.gates.stale_days == 7);
	/* Gates the file does not name keep their defaults. */
	assert_true(cfg.gates.repeated_id_share == 0.20);
	assert_string_equal(cfg.accept_gates.items[0], "stale_input");
	assert_int_equal(cfg.unreachable_attempts, 0);
	assert_int_equal(cfg.unreachable_results.nr, 1);
	assert_true(cfg.unreachable_leaves_coverage);
	assert_int_equal(cfg.worklist_window_days, 30);
	config_release(&cfg);
}

/*
 * The butlers' own lists are masked by role (the phone shown by default,
 * as on the audit sheets); the site keeps its own retention, which may
 * not exceed the weeks' (issue 16).
 */
static void test_config__worklist_masking_and_site_retention(void **state)
{
	struct config cfg;
	char first[256];

	(void)state;
	config_init(&cfg);
	assert_true(cfg.worklist_mask_names);
	assert_false(cfg.worklist_mask_phones);
	assert_int_equal(cfg.site_retention_weeks, 13);
	assert_int_equal(load_text(
		"{\"worklists\": {\"masking\": {\"names\": false, "
		"\"phones\": true}}, \"retention_weeks\": 20,"
		" \"site\": {\"retention_weeks\": 20}}",
		&cfg, first, sizeof(first)), 0);
	assert_false(cfg.worklist_mask_names);
	assert_true(cfg.worklist_mask_phones);
	assert_int_equal(cfg.site_retention_weeks, 20);
	config_release(&cfg);
	/* 0 keeps every week folder on the site: no conflict. */
	config_init(&cfg);
	assert_int_equal(load_text("{\"retention_weeks\": 4, \"site\": "
				   "{\"retention_weeks\": 0}}",
				   &cfg, first, sizeof(first)), 0);
	config_release(&cfg);
	assert_rejected("{\"retention_weeks\": 8, \"site\": "
			"{\"retention_weeks\": 9}}",
			"F: site.retention_weeks: 9 is more than retention_weeks "
			"(8): the site cannot show weeks whose folders are "
			"deleted");
	assert_rejected("{\"site\": {\"keep\": 9}}",
			"F: site.keep: unknown key");
	assert_rejected("{\"worklists\": {\"masking\": {\"ids\": true}}}",
			"F: worklists.masking.ids: unknown key");
	assert_rejected("{\"worklists\": {\"masking\": {\"phones\": 1}}}",
			"F: worklists.masking.phones: must be true or false, "
			"got 1");
}

static void test_config__names_a_bad_issue_setting(void **state)
{
	(void)state;
	assert_rejected("{\"issue\": {\"grace_hours\": -1}}",
			"F: issue.grace_hours: must be a number of hours from "
			"0 to 8760, got -1");
	assert_rejected("{\"issue\": {\"gates\": {\"stale_days\": -2}}}",
			"F: issue.gates.stale_days: must be between 0 and 365, "
			"got -2");
	assert_rejected("{\"issue\": {\"gates\": {\"rejected_share\": 5}}}",
			"F: issue.gates.rejected_share: must be between 0 and "
			"1, got 5");
	assert_rejected("{\"issue\": {\"gates\": {\"colour\": 1}}}",
			"F: issue.gates.colour: unknown key");
	assert_rejected("{\"issue\": {\"accept_gates\": [\"stale\"]}}",
			"F: issue.accept_gates[0]: not a gate: 'stale'");
	assert_rejected("{\"unreachable\": {\"results\": [\"没人\"]}}",
			"F: unreachable.results[0]: '没人' is not in "
			"attempt_words, so it can never apply");
	assert_rejected("{\"unreachable\": {\"days\": 0}}",
			"F: unreachable.days: must be a whole number between 1 "
			"and 1000, got 0");
	assert_rejected("{\"worklists\": {\"window_days\": 0}}",
			"F: worklists.window_days: must be a whole number "
			"between 1 and 3660, got 0");
}

static void test_config__defaults_follow_the_spec(void **state)
{
	struct config cfg;

	(void)state;
	config_init(&cfg);
	assert_true(cfg.target[TYPE_REPAIR] == 0.90);
	assert_true(cfg.target[TYPE_COMPLAINT] == 1.0);
	assert_true(cfg.target[TYPE_SPECIAL] == 1.0);
	assert_int_equal(cfg.sla_seconds[TYPE_REPAIR], 48 * 3600);
	assert_int_equal(config_match_type(&cfg, "报修"), TYPE_REPAIR);
	assert_int_equal(config_match_type(&cfg, "客诉"), TYPE_COMPLAINT);
	assert_int_equal(config_match_type(&cfg, "有偿特约服务"), TYPE_SPECIAL);
	assert_int_equal(config_match_type(&cfg, "报修 "), TYPE_UNKNOWN);
	assert_int_equal(config_match_satisfaction(&cfg, "基本满意"),
			 SAT_SATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "\xef\xbc\x95"),
			 SAT_VERY_SATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "1"),
			 SAT_VERY_DISSATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "6"), SAT_NONE);
	assert_true(config_is_attempt(&cfg, "拒访"));
	assert_true(config_is_cancelled(&cfg, "作废"));
	assert_false(config_is_cancelled(&cfg, "已完成"));
	assert_int_equal(cfg.nlevels, 3);
	assert_string_equal(cfg.levels[1].id, "engineering_manager");
	assert_int_equal(cfg.levels[0].risk_signals, (1u << ANOM_COUNT) - 1);
	config_release(&cfg);
}

static void test_config__shipped_file_equals_the_defaults(void **state)
{
	struct config loaded, defaults;
	struct diag d;

	(void)state;
	config_init(&loaded);
	config_init(&defaults);
	diag_init(&d);
	if (config_load(&loaded, "config/huifang.json", &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("config/huifang.json did not load");
	}
	assert_int_equal(d.nr, 0);
	assert_string_equal(loaded.path, "config/huifang.json");
	assert_configs_equal(&loaded, &defaults);
	diag_release(&d);
	config_release(&loaded);
	config_release(&defaults);
}

static void test_config__file_overrides_only_what_it_names(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load_text(
		"{\"sla_hours\": {\"by_type\": {\"投诉\": 24}},\n"
		" \"targets\": {\"报事报修\": 0.95},\n"
		" \"ingest\": {\"encoding\": \"gbk\"},\n"
		" \"output\": {\"umask\": \"077\"},\n"
		" \"attempt_words\": [\"没人接\"],\n"
		" \"satisfaction_aliases\": {\"还行\": \"一般\"},\n"
		" \"sampling\": {\"levels\": [{\"id\": \"only\", \"label\": \"抽查\","
		" \"stratum\": \"all\", \"size\": \"gb2828-II\", \"rate\": 0,"
		" \"minimum\": 3, \"must_include\": {\"risk_signals\": [\"burst\"]}}]}}",
		&cfg, first, sizeof(first)), 0);
	assert_int_equal(cfg.sla_seconds[TYPE_COMPLAINT], 24 * 3600);
	assert_int_equal(cfg.sla_seconds[TYPE_REPAIR], 48 * 3600);
	assert_true(cfg.target[TYPE_REPAIR] == 0.95);
	assert_true(cfg.target[TYPE_SPECIAL] == 1.0);
	assert_string_equal(cfg.encoding, "GB18030");
	assert_int_equal(cfg.umask, 077);
	/* A list that is present replaces the default list. */
	assert_true(config_is_attempt(&cfg, "没人接"));
	assert_false(config_is_attempt(&cfg, "拒访"));
	assert_int_equal(config_match_satisfaction(&cfg, "还行"), SAT_NEUTRAL);
	assert_int_equal(config_match_satisfaction(&cfg, "很满意"), SAT_NONE);
	assert_int_equal(cfg.nlevels, 1);
	assert_string_equal(cfg.levels[0].id, "only");
	assert_int_equal(cfg.levels[0].stratum, STRATUM_ALL);
	assert_int_equal(cfg.levels[0].size, SIZE_GB2828_II);
	assert_int_equal(cfg.levels[0].minimum, 3);
	assert_int_equal(cfg.levels[0].risk_signals, 1u << ANOM_BURST);
	/* Untouched sections keep their defaults. */
	assert_string_equal(cfg.document_code, "WSWY-GZ-XM-KF-13");
	assert_int_equal(cfg.retention_weeks, 26);
	config_release(&cfg);
}

static void test_config__accepts_a_bom_and_fractional_hours(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load_text("\xEF\xBB\xBF{\"sla_hours\": {\"default\": "
				   "1.5}, \"templates_dir\": \"tpl\"}",
				   &cfg, first, sizeof(first)), 0);
	assert_int_equal(cfg.sla_seconds[TYPE_SPECIAL], 5400);
	assert_string_equal(cfg.templates_dir, "tpl");
	config_release(&cfg);
}

static void test_config__names_an_unknown_key(void **state)
{
	(void)state;
	assert_rejected("{\"colour\": \"blue\"}", "F: colour: unknown key");
	assert_rejected("{\"masking\": {\"names\": true, \"emails\": true}}",
			"F: masking.emails: unknown key");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"colour\": \"x\"}]}}",
			"F: sampling.levels[0].colour: unknown key");
}

/* Issue 18: the other documents' codes and the rankings window. */
static void test_config__reads_document_codes_and_rankings(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_null(cfg.code_weekly_report);
	assert_int_equal(cfg.rankings_window_weeks, 4);
	assert_int_equal(load_text(
		"{\"company\": {\"document_codes\": {\"weekly_report\": \"ZB-1\","
		" \"audit_sheet\": null, \"centre_report\": \"ZX-2\"}},"
		" \"rankings\": {\"window_weeks\": 6}}",
		&cfg, first, sizeof(first)), 0);
	assert_string_equal(cfg.code_weekly_report, "ZB-1");
	assert_null(cfg.code_audit_sheet);
	assert_string_equal(cfg.code_centre_report, "ZX-2");
	assert_string_equal(cfg.document_code, "WSWY-GZ-XM-KF-13");
	assert_int_equal(cfg.rankings_window_weeks, 6);
	config_release(&cfg);
	assert_rejected("{\"company\": {\"document_codes\": {\"weekly\": \"x\"}}}",
			"F: company.document_codes.weekly: unknown key");
	assert_rejected("{\"rankings\": {\"window_weeks\": 9}}",
			"F: rankings.window_weeks: must be a whole number between 1 and 8, got 9");
}

static void test_config__names_a_wrong_type(void **state)
{
	(void)state;
	assert_rejected("{\"masking\": {\"names\": \"yes\"}}",
			"F: masking.names: must be true or false, got 'yes'");
	assert_rejected("{\"retention_weeks\": \"26\"}",
			"F: retention_weeks: must be a whole number, got '26'");
	assert_rejected("{\"retention_weeks\": 2.5}",
			"F: retention_weeks: must be a whole number between 0 "
			"and 10000, got 2.5");
	assert_rejected("{\"attempt_words\": \"未接通\"}",
			"F: attempt_words: must be an array of strings, got "
			"'未接通'");
	assert_rejected("{\"cancelled_statuses\": [\"作废\", 3]}",
			"F: cancelled_statuses[1]: must be a string, got 3");
	assert_rejected("{\"company\": [1]}",
			"F: company: must be an object, got an array");
	assert_rejected("{\"company\": {\"effective_date\": \"2026-02-30\"}}",
			"F: company.effective_date: must be a date YYYY-MM-DD, "
			"got '2026-02-30'");
	assert_rejected("{\"output\": {\"umask\": 27}}",
			"F: output.umask: must be an octal string like "
			"\"0027\", got 27");
	assert_rejected("[]", "F: must be an object, got an array");
}

static void test_config__names_a_rate_out_of_range(void **state)
{
	(void)state;
	assert_rejected(
		"{\"sampling\": {\"levels\": [\n"
		"  {\"id\": \"a\", \"label\": \"A\", \"stratum\": \"butler\", "
		"\"rate\": 0.1, \"minimum\": 1},\n"
		"  {\"id\": \"b\", \"label\": \"B\", \"stratum\": \"center\", "
		"\"rate\": 1.5, \"minimum\": 1}]}}",
		"F: sampling.levels[1].rate: must be between 0 and 1, got 1.5");
	assert_rejected("{\"targets\": {\"投诉\": -0.1}}",
			"F: targets.投诉: must be between 0 and 1, got -0.1");
}

static void assert_accepted_sla(const char *text, int64_t seconds)
{
	struct config cfg;
	char first[1024];

	config_init(&cfg);
	assert_int_equal(load_text(text, &cfg, first, sizeof(first)), 0);
	assert_int_equal(cfg.sla_seconds[0], seconds);
	config_release(&cfg);
}

static void test_config__names_a_negative_sla(void **state)
{
	(void)state;
	assert_rejected("{\"sla_hours\": {\"default\": -4}}",
			"F: sla_hours.default: must be at least one minute "
			"(0.0167 hours) and at most 8760 hours, got -4");
	assert_rejected("{\"sla_hours\": {\"by_type\": {\"特约服务\": 0}}}",
			"F: sla_hours.by_type.特约服务: must be at least one "
			"minute (0.0167 hours) and at most 8760 hours, got 0");
	/* Issue 13: below a minute was accepted. */
	assert_rejected("{\"sla_hours\": {\"default\": 0.01}}",
			"F: sla_hours.default: must be at least one minute "
			"(0.0167 hours) and at most 8760 hours, got 0.01");
	assert_accepted_sla("{\"sla_hours\": {\"default\": 0.0167}}", 60);
}

static void test_config__names_an_unknown_type(void **state)
{
	(void)state;
	assert_rejected("{\"targets\": {\"报修类\": 0.9}}",
			"F: targets.报修类: not a ticket type (want 报事报修, "
			"投诉 or 特约服务)");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"scope\": [{\"type\": \"维修单\"}]}]}}",
			"F: sampling.levels[0].scope[0].type: must be 报事报修, "
			"投诉 or 特约服务, got '维修单'");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"scope\": [{\"type\": \"投诉\", "
			"\"subtype\": \"噪音\"}]}]}}",
			"F: sampling.levels[0].scope[0].subtype: not a sub-type "
			"of 投诉 in types.投诉.subtypes, got '噪音'");
	/* A header name may lead to one column only. */
	assert_rejected("{\"column_aliases\": {\"工单编号\": [\"单号\"], "
			"\"回访人\": [\"单号\"]}}",
			"F: column_aliases.回访人: '单号' already names 工单编号");
	assert_rejected("{\"column_aliases\": {\"内容\": [\"回访备注\"]}}",
			"F: column_aliases.内容: '回访备注' already names 回访备注");
	assert_rejected("{\"column_aliases\": {\"工单号\": []}}",
			"F: column_aliases.工单号: not a canonical column name "
			"(see docs/config.md)");
	/* An alias may name one type only. */
	assert_rejected("{\"types\": {\"投诉\": {\"aliases\": [\"报修\"]}}}",
			"F: types.投诉.aliases: '报修' already names 报事报修");
	/* A satisfaction alias names one of the five labels, best first. */
	assert_rejected("{\"satisfaction_aliases\": {\"还行\": \"中等\"}}",
			"F: satisfaction_aliases.还行: must be 非常满意, 满意, "
			"一般, 不满意 or 非常不满意, got '中等'");
	/* A risk signal is one of the anomaly kinds. */
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"must_include\": {\"risk_signals\": "
			"[\"no_butler\", \"fast\"]}}]}}",
			"F: sampling.levels[0].must_include.risk_signals[1]: not "
			"an anomaly kind (see docs/config.md), got 'fast'");
}

static void test_config__names_an_unknown_stratum(void **state)
{
	(void)state;
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"team\", \"rate\": 0.1, "
			"\"minimum\": 1}]}}",
			"F: sampling.levels[0].stratum: must be butler, center "
			"or all, got 'team'");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"must_include\": {\"risk_signals\": "
			"[\"late\"]}}]}}",
			"F: sampling.levels[0].must_include.risk_signals[0]: not "
			"an anomaly kind (see docs/config.md), got 'late'");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"rate\": 0.1, \"minimum\": 1}]}}",
			"F: sampling.levels[0].stratum: missing");
	/* The other choices and required members of a level. */
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"size\": \"aql\"}]}}",
			"F: sampling.levels[0].size: must be rate or gb2828-II, "
			"got 'aql'");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"spread\": 1}]}}",
			"F: sampling.levels[0].spread: must be none or butler, "
			"got 1");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1, \"sheets\": \"each\"}]}}",
			"F: sampling.levels[0].sheets: must be one or "
			"per_center, got 'each'");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", "
			"\"minimum\": 1}]}}",
			"F: sampling.levels[0].rate: missing");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"stratum\": \"all\", \"rate\": 0.1, \"minimum\": 1}]}}",
			"F: sampling.levels[0].label: missing");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"minimum\": 1.5}]}}",
			"F: sampling.levels[0].minimum: must be a whole number "
			"between 0 and 1000000, got 1.5");
}

static void test_config__names_a_duplicate_key(void **state)
{
	(void)state;
	assert_rejected("{\"retention_weeks\": 4, \"retention_weeks\": 5}",
			"F: retention_weeks: duplicate key");
	assert_rejected("{\"sampling\": {\"levels\": [{\"id\": \"a\", "
			"\"label\": \"A\", \"stratum\": \"all\", \"rate\": 0.1, "
			"\"rate\": 0.2, \"minimum\": 1}]}}",
			"F: sampling.levels[0].rate: duplicate key");
	assert_rejected("{\"sampling\": {\"levels\": ["
			"{\"id\": \"a\", \"label\": \"A\", \"stratum\": \"all\", "
			"\"rate\": 0.1, \"minimum\": 1},"
			"{\"id\": \"a\", \"label\": \"B\", \"stratum\": \"all\", "
			"\"rate\": 0.1, \"minimum\": 1}]}}",
			"F: sampling.levels[1].id: 'a' is already the id of "
			"levels[0]");
}

static void test_config__rejects_invalid_utf8_with_its_place(void **state)
{
	(void)state;
	assert_rejected("{\n  \"company\": {\"name\": \"\xff\"}\n}",
			"F:2:24: invalid UTF-8 (byte 0xff)");
	/* An overlong encoding of '/' and a lone surrogate are invalid too. */
	assert_rejected("{\"company\": {\"name\": \"\xc0\xaf\"}}",
			"F:1:23: invalid UTF-8 (byte 0xc0)");
	assert_rejected("{\"company\": {\"name\": \"\xed\xa0\x80\"}}",
			"F:1:23: invalid UTF-8 (byte 0xed)");
}

static void test_config__reports_syntax_errors_by_line_and_column(void **state)
{
	struct config cfg;
	struct diag d;
	const char *text = "{\n  \"retention_weeks\": 26\n  \"pdf\": {}\n}\n";

	(void)state;
	assert_rejected(text, "F:3:3: syntax error");
	assert_rejected("{\"retention_weeks\": 26,}", "F:1:24: syntax error");
	assert_rejected("", "F:1:1: syntax error");
	/* The line is kept for a caret under the column. */
	write_scratch(text, strlen(text));
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(config_load(&cfg, scratch, &d), -1);
	assert_int_equal(d.nr, 1);
	assert_string_equal(d.entries[0].context, "  \"pdf\": {}");
	assert_int_equal(d.entries[0].column, 3);
	diag_release(&d);
	config_release(&cfg);
	unlink(scratch);
}

static void test_config__reports_every_error_not_just_the_first(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load_text("{\"retention_weeks\": -1, \"pdf\": "
				   "{\"font_index\": 300}, \"x\": 1}",
				   &cfg, first, sizeof(first)), 3);
	assert_string_equal(first, "F: x: unknown key");
	config_release(&cfg);
}

static void test_config__names_a_missing_file(void **state)
{
	struct config cfg;
	struct diag d;

	(void)state;
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(config_load(&cfg, "no/such/huifang.json", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.entries[0].message,
			    "no/such/huifang.json: cannot open: No such file "
			    "or directory");
	/* The defaults are intact after a failed load. */
	assert_int_equal(cfg.retention_weeks, 26);
	assert_null(cfg.path);
	diag_release(&d);
	config_release(&cfg);
}

static void test_config__reads_the_satisfaction_people_write(void **state)
{
	struct config cfg;

	(void)state;
	config_init(&cfg);
	assert_int_equal(config_match_satisfaction(&cfg, "很不满意"),
			 SAT_VERY_DISSATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "非常不满意"),
			 SAT_VERY_DISSATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "★★★★★"),
			 SAT_VERY_SATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "★"),
			 SAT_VERY_DISSATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "★★★"), SAT_NEUTRAL);
	assert_int_equal(config_match_satisfaction(&cfg, "★★★★★★"), SAT_NONE);
	assert_int_equal(config_match_satisfaction(&cfg, "5星"),
			 SAT_VERY_SATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "4分"), SAT_SATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "\xef\xbc\x92星"),
			 SAT_DISSATISFIED);
	assert_int_equal(config_match_satisfaction(&cfg, "6星"), SAT_NONE);
	assert_int_equal(config_match_satisfaction(&cfg, "0分"), SAT_NONE);
	assert_int_equal(config_match_satisfaction(&cfg, "五星"), SAT_NONE);
	assert_int_equal(config_match_satisfaction(&cfg, "55"), SAT_NONE);
	assert_int_equal(config_match_satisfaction(&cfg, "5 星"), SAT_NONE);
	config_release(&cfg);
}

static void test_config__matches_numbered_subtypes(void **state)
{
	static const char *const written[] = {
		"房屋管理类", "2 房屋管理类", "2)房屋管理类", "2）房屋管理类",
		"（2）房屋管理类", "(2) 房屋管理类", "2、房屋管理类",
		"12.房屋管理类", "\xef\xbc\x92\xe3\x80\x80房屋管理类",
	};
	struct config cfg;
	size_t i;

	(void)state;
	config_init(&cfg);
	for (i = 0; i < sizeof(written) / sizeof(written[0]); i++) {
		const char *m = config_match_subtype(&cfg, TYPE_COMPLAINT,
						     written[i]);

		if (!m || strcmp(m, "房屋管理类"))
			fail_msg("'%s' did not match 房屋管理类", written[i]);
	}
	/* Only a whole ordinal goes, and only before a known sub-type. */
	assert_null(config_match_subtype(&cfg, TYPE_COMPLAINT, "2房屋管理类"));
	assert_null(config_match_subtype(&cfg, TYPE_COMPLAINT, "2 屋顶"));
	assert_null(config_match_subtype(&cfg, TYPE_REPAIR, "2 房屋管理类"));
	assert_null(config_match_subtype(&cfg, TYPE_COMPLAINT, "(2 房屋管理类"));
	assert_string_equal(config_strip_ordinal("3 "), "3 ");
	assert_string_equal(config_strip_ordinal("2)"), "2)");
	config_release(&cfg);
}

static void test_config__reads_subtype_aliases(void **state)
{
	struct config cfg;
	char first[512];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load_text("{\"types\": {\"投诉\": {\"subtype_aliases\": "
				   "{\"房屋类\": \"房屋管理类\"}}}}",
				   &cfg, first, sizeof(first)), 0);
	assert_string_equal(config_match_subtype(&cfg, TYPE_COMPLAINT,
						 "房屋类"), "房屋管理类");
	assert_string_equal(config_match_subtype(&cfg, TYPE_COMPLAINT,
						 "（2）房屋类"), "房屋管理类");
	config_release(&cfg);
	assert_rejected("{\"types\": {\"投诉\": {\"subtype_aliases\": "
			"{\"房屋类\": \"屋顶类\"}}}}",
			"F: types.投诉.subtype_aliases.房屋类: must name a sub-type "
			"in types.投诉.subtypes, got '屋顶类'");
	assert_rejected("{\"types\": {\"投诉\": {\"subtype_aliases\": "
			"{\"共性问题\": \"房屋管理类\"}}}}",
			"F: types.投诉.subtype_aliases.共性问题: '共性问题' is "
			"itself a sub-type of 投诉, so this alias could never "
			"apply");
}

static void test_config__refuses_aliases_that_can_never_apply(void **state)
{
	(void)state;
	/* The reversed scale of issue 14: the built-in stars always won. */
	assert_rejected("{\"satisfaction_aliases\": {\"1\": \"非常满意\"}}",
			"F: satisfaction_aliases.1: '1' is always read as "
			"非常不满意 (a built-in form), so this alias could never "
			"apply; map the column in a source profile's values "
			"instead");
	assert_rejected("{\"satisfaction_aliases\": {\"★★\": \"满意\"}}",
			"F: satisfaction_aliases.★★: '★★' is always read as "
			"不满意 (a built-in form), so this alias could never "
			"apply; map the column in a source profile's values "
			"instead");
	/* The attempt code 2 that also matched 满意度 2. */
	assert_rejected("{\"attempt_words\": [\"未接通\", \"2\"]}",
			"F: attempt_words[1]: '2' is also the satisfaction 不满意; "
			"a status code meaning \"not reached\" belongs in a source "
			"profile's attempt rule");
	assert_rejected("{\"attempt_words\": [\"还行\"], "
			"\"satisfaction_aliases\": {\"还行\": \"一般\"}}",
			"F: attempt_words[0]: '还行' is also the satisfaction 一般; "
			"a status code meaning \"not reached\" belongs in a source "
			"profile's attempt rule");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__defaults_follow_the_spec),
		cmocka_unit_test(test_config__reads_the_satisfaction_people_write),
		cmocka_unit_test(test_config__matches_numbered_subtypes),
		cmocka_unit_test(test_config__reads_subtype_aliases),
		cmocka_unit_test(test_config__refuses_aliases_that_can_never_apply),
		cmocka_unit_test(test_config__shipped_file_equals_the_defaults),
		cmocka_unit_test(test_config__file_overrides_only_what_it_names),
		cmocka_unit_test(test_config__accepts_a_bom_and_fractional_hours),
		cmocka_unit_test(test_config__names_an_unknown_key),
		cmocka_unit_test(test_config__reads_document_codes_and_rankings),
		cmocka_unit_test(test_config__names_a_wrong_type),
		cmocka_unit_test(test_config__names_a_rate_out_of_range),
		cmocka_unit_test(test_config__names_a_negative_sla),
		cmocka_unit_test(test_config__names_an_unknown_type),
		cmocka_unit_test(test_config__names_an_unknown_stratum),
		cmocka_unit_test(test_config__names_a_duplicate_key),
		cmocka_unit_test(test_config__rejects_invalid_utf8_with_its_place),
		cmocka_unit_test(test_config__reports_syntax_errors_by_line_and_column),
		cmocka_unit_test(test_config__reports_every_error_not_just_the_first),
		cmocka_unit_test(test_config__names_a_missing_file),
		cmocka_unit_test(test_config__issue_defaults_follow_the_issue),
		cmocka_unit_test(test_config__reads_the_issue_settings),
		cmocka_unit_test(test_config__names_a_bad_issue_setting),
		cmocka_unit_test(test_config__worklist_masking_and_site_retention),
	};

	const char *slash = strrchr(argv[0], '/');
	int dirlen = slash ? (int)(slash - argv[0]) : 1;

	(void)argc;
	/* Beside the binary, but not named test_*: tests/run.sh runs
	 * everything called that. */
	snprintf(scratch, sizeof(scratch), "%.*s/scratch-config-%ld.json",
		 dirlen, slash ? argv[0] : ".", (long)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
