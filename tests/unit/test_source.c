/*
 * test_source.c - source profiles (issue 14, SPEC §9.20-§9.25): how
 * config_load() reads them, the lookups of source.h (globs, per-profile
 * headers, value maps by type, empty values, code tables, attempt rules,
 * handler lists, header hints), and every loud error a profile that could
 * never apply must raise, with its exact message.
 *
 * Each case writes its config (and code tables) into a fresh scratch
 * folder, so relative code-table paths resolve as they would beside a real
 * config file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "model/source.h"
#include "util/chtime.h"
#include "util/diag.h"
#include "tmpdir.h"

static char root[4096];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "test_source");
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(root);
	return 0;
}

static void write_file(const char *name, const char *text)
{
	char path[4200];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/*
 * Loads text as <root>/huifang.json over the defaults; returns the number
 * of errors and puts the first message, with the folder replaced by "F",
 * in first.
 */
static int load(const char *text, struct config *cfg, char *first,
		size_t size)
{
	char path[4200];
	struct diag d;
	int errors;

	write_file("huifang.json", text);
	snprintf(path, sizeof(path), "%s/huifang.json", root);
	diag_init(&d);
	config_init(cfg);
	if (config_load(cfg, path, &d) == 0)
		assert_int_equal(d.errors, 0);
	errors = (int)d.errors;
	first[0] = '\0';
	if (d.nr) {
		size_t n = strlen(root);
		const char *m = d.entries[0].message;

		assert_memory_equal(m, root, n);
		snprintf(first, size, "F%s", m + n);
	}
	diag_release(&d);
	return errors;
}

static void assert_loads(const char *text, struct config *cfg)
{
	char first[1024];

	if (load(text, cfg, first, sizeof(first)))
		fail_msg("did not load: %s", first);
}

static void assert_refused(const char *text, const char *expected)
{
	struct config cfg;
	char first[1024];
	int n = load(text, &cfg, first, sizeof(first));

	if (n != 1)
		fail_msg("expected one error, got %d, first: %s", n, first);
	assert_string_equal(first, expected);
	config_release(&cfg);
}

/* Two profiles for the two tables of one system (the HC shape). */
static const char hc[] =
	"{\"sources\": [\n"
	" {\"name\": \"repair\", \"files\": [\"r_repair_pool*.csv\"],\n"
	"  \"kind\": \"tickets\",\n"
	"  \"columns\": {\"repair_id\": \"工单编号\", \"create_time\": \"创建时间\",\n"
	"              \"finish_time\": \"完成时间\", \"repair_type\": \"工单子类\",\n"
	"              \"type_cd\": \"工单类型\"},\n"
	"  \"empty_values\": [\"1900-01-01 00:00:00\", \"-\"],\n"
	"  \"values\": {\"工单类型\": {\"809001\": \"投诉\", \"809002\": \"skip\"}},\n"
	"  \"time_formats\": [\"epoch_milliseconds\"]},\n"
	" {\"name\": \"visit\", \"files\": \"r_repair_return_visit*.csv\",\n"
	"  \"kind\": \"callbacks\",\n"
	"  \"columns\": {\"repair_id\": \"工单编号\", \"create_time\": \"回访时间\",\n"
	"              \"visit_type\": \"满意度\"},\n"
	"  \"values\": {\"满意度\": {\"1001\": \"满意\", \"2002\": \"不满意\"}}},\n"
	" {\"name\": \"all\", \"files\": \"*.csv\"}\n"
	"]}\n";

static void test_source__first_matching_glob_wins(void **state)
{
	struct config cfg;

	(void)state;
	assert_loads(hc, &cfg);
	assert_int_equal(cfg.nsources, 3);
	assert_string_equal(source_match(&cfg, "r_repair_pool_2025.csv")->name,
			    "repair");
	assert_string_equal(
		source_match(&cfg, "r_repair_return_visit.csv")->name, "visit");
	assert_string_equal(source_match(&cfg, "other.csv")->name, "all");
	/* No profile: the default reading. Dot files never match a glob. */
	assert_null(source_match(&cfg, "tickets.json"));
	assert_null(source_match(&cfg, ".r_repair_pool.csv"));
	assert_int_equal(source_by_name(&cfg, "visit")->kind, SOURCE_CALLBACKS);
	assert_int_equal(source_by_name(&cfg, "all")->kind, SOURCE_GUESS);
	config_release(&cfg);
}

static void test_source__one_header_means_two_columns_in_two_tables(void **state)
{
	struct config cfg;
	const struct source_profile *pool, *visit;

	(void)state;
	assert_loads(hc, &cfg);
	pool = source_by_name(&cfg, "repair");
	visit = source_by_name(&cfg, "visit");
	assert_int_equal(source_map_header(pool, "create_time"), COL_CREATED);
	assert_int_equal(source_map_header(visit, "create_time"), COL_CB_TIME);
	/* Headers compare as SPEC §8.4 says: case and white space. */
	assert_int_equal(source_map_header(pool, " Repair_ID "), COL_TICKET_ID);
	assert_int_equal(source_map_header(pool, "tel"), -1);
	assert_int_equal(pool->time_forms, CHTIME_EPOCH_MS);
	config_release(&cfg);
}

static void test_source__maps_values_by_type_and_skips(void **state)
{
	static const char text[] =
		"{\"sources\": [{\"name\": \"siyuan\", \"files\": \"*.csv\",\n"
		" \"values\": {\"满意度\": {\"1\": \"非常满意\", \"2\": \"满意\",\n"
		"   \"3\": \"一般\", \"4\": \"不满意\", \"5\": \"非常不满意\"},\n"
		"   \"工单类型\": {\"1\": \"投诉\", \"2\": \"报事报修\",\n"
		"   \"9\": \"skip\"}},\n"
		" \"values_by_type\": {\"投诉\": {\"满意度\": {\"1\": \"满意\",\n"
		"   \"2\": \"一般\", \"3\": \"不满意\"}}}}]}";
	struct config cfg;
	const struct source_profile *p;

	(void)state;
	assert_loads(text, &cfg);
	p = &cfg.sources[0];
	/* The reversed 1-5 scale, as the source means it. */
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_REPAIR, "1"), "非常满意");
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_REPAIR, "5"), "非常不满意");
	/* Complaints have a 3-level scale of their own, which replaces the
	 * map for every type (so 4 is no longer 不满意 there). */
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_COMPLAINT, "1"), "满意");
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_COMPLAINT, "3"), "不满意");
	/* SPEC §9.22: a map replaces the built-ins, so a value it does not
	 * list means nothing (not built-in 4 stars). */
	assert_null(source_map_value(p, COL_CB_SATISFACTION, TYPE_COMPLAINT,
				     "4"));
	assert_null(source_value(p, COL_CB_SATISFACTION, TYPE_REPAIR, "5分"));
	assert_null(source_value(p, COL_CB_SATISFACTION, TYPE_REPAIR,
				 "非常满意"));
	assert_string_equal(source_map_value(p, COL_TYPE, TYPE_UNKNOWN, "9"),
			    SOURCE_SKIP);
	/* ... even a canonical name: the map is the column's vocabulary. */
	assert_null(source_map_value(p, COL_TYPE, TYPE_UNKNOWN, "投诉"));
	/* An unmapped column keeps its value. */
	assert_string_equal(source_map_value(p, COL_CENTER, TYPE_REPAIR, "1"),
			    "1");
	config_release(&cfg);
}

static void test_source__empties_sentinels_and_reads_attempt_rules(void **state)
{
	static const char text[] =
		"{\"sources\": [{\"name\": \"v\", \"files\": \"*.csv\",\n"
		" \"kind\": \"callbacks\",\n"
		" \"empty_values\": [\"1900-01-01 00:00:00\", "
		"\"0000-00-00 00:00:00\"],\n"
		" \"attempt\": {\"column\": \"回访结果\", \"values\": [\"2\"]},\n"
		" \"split_handler\": \",，\",\n"
		" \"callback_time_from\": \"完成时间\"}]}";
	struct config cfg;
	const struct source_profile *p;

	(void)state;
	assert_loads(text, &cfg);
	p = &cfg.sources[0];
	assert_true(source_is_empty(p, "1900-01-01 00:00:00"));
	assert_true(source_is_empty(p, "0000-00-00 00:00:00"));
	assert_false(source_is_empty(p, "2025-11-27 10:00:00"));
	assert_int_equal(p->attempt_column, COL_CB_RESULT);
	assert_true(source_is_attempt(p, "2"));
	assert_false(source_is_attempt(p, "1"));
	assert_int_equal(p->callback_time_from, COL_COMPLETED);
	config_release(&cfg);
}

struct people {
	char seen[256];
	const char *stop_at;
};

static bool collect(const char *person, size_t len, void *arg)
{
	struct people *pp = arg;
	size_t n = strlen(pp->seen);

	snprintf(pp->seen + n, sizeof(pp->seen) - n, "[%.*s]", (int)len,
		 person);
	return pp->stop_at && strlen(pp->stop_at) == len &&
	       !memcmp(pp->stop_at, person, len);
}

static void test_source__splits_a_multi_person_handler(void **state)
{
	static const char text[] =
		"{\"sources\": [{\"name\": \"ry\", \"files\": \"*.json\",\n"
		" \"split_handler\": \",，、\"}]}";
	struct config cfg;
	struct people pp;

	(void)state;
	assert_loads(text, &cfg);
	memset(&pp, 0, sizeof(pp));
	assert_false(source_each_handler(&cfg.sources[0],
					 "物业公司,王伟， 李娜、", collect, &pp));
	assert_string_equal(pp.seen, "[物业公司][王伟][李娜]");
	memset(&pp, 0, sizeof(pp));
	pp.stop_at = "王伟";
	assert_true(source_each_handler(&cfg.sources[0], "物业公司,王伟,李娜",
					collect, &pp));
	assert_string_equal(pp.seen, "[物业公司][王伟]");
	/* Without a profile (or separators) the value is one person. */
	memset(&pp, 0, sizeof(pp));
	assert_false(source_each_handler(NULL, " 物业公司,王伟 ", collect, &pp));
	assert_string_equal(pp.seen, "[物业公司,王伟]");
	config_release(&cfg);
}

static void test_source__code_tables_resolve_beside_the_config(void **state)
{
	static const char text[] =
		"{\"sources\": [{\"name\": \"ws\", \"files\": \"*.csv\",\n"
		" \"code_tables\": {\"服务中心\": {\"file\": \"centers.csv\"},\n"
		"   \"工单子类\": {\"file\": \"types.csv\", \"key\": \"id\",\n"
		"   \"value\": \"label\"}}}]}";
	struct config cfg;
	const struct source_profile *p;

	(void)state;
	write_file("centers.csv", "\xEF\xBB\xBF" "code,name\r\n"
		   "C01,东区服务中心\r\n\r\nC02,\"西区, 二期\"\r\n");
	write_file("types.csv", "label,id\n房屋管理类,2\n设备管理类,3\n");
	assert_loads(text, &cfg);
	p = &cfg.sources[0];
	assert_string_equal(source_code(p, COL_CENTER, "C01"), "东区服务中心");
	assert_string_equal(source_code(p, COL_CENTER, "C02"), "西区, 二期");
	assert_string_equal(source_code(p, COL_CENTER, "C03"), "C03");
	assert_string_equal(source_code(p, COL_SUBTYPE, "2"), "房屋管理类");
	/* A table names one column only. */
	assert_string_equal(source_code(p, COL_BUTLER, "C01"), "C01");
	config_release(&cfg);
}

static void test_source__hints_a_header_that_resembles_a_column(void **state)
{
	(void)state;
	assert_int_equal(source_column_hint("工单编码"), COL_TICKET_ID);
	assert_int_equal(source_column_hint("工单号"), COL_TICKET_ID);
	assert_int_equal(source_column_hint("回访满意度"), COL_CB_SATISFACTION);
	assert_int_equal(source_column_hint("工单编号(系统)"), COL_TICKET_ID);
	assert_int_equal(source_column_hint("repair_id"), -1);
	assert_int_equal(source_column_hint("号"), -1);
}

static void test_source__refuses_maps_that_can_never_apply(void **state)
{
	(void)state;
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"empty_values\": [\"0\"],\n"
		" \"values\": {\"满意度\": {\"0\": \"一般\"}}}]}",
		"F/huifang.json: sources[0].values.满意度.0: '0' is one of "
		"empty_values, which empty a value before it is mapped, so it "
		"could never apply");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"attempt\": {\"column\": \"满意度\", \"values\": [\"2\"]},\n"
		" \"values\": {\"满意度\": {\"2\": \"满意\"}}}]}",
		"F/huifang.json: sources[0].values.满意度.2: '2' is also a value "
		"of the attempt rule, which makes the row an attempt first");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"values\": {\"满意度\": {\" 1\": \"满意\"}}}]}",
		"F/huifang.json: sources[0].values.满意度. 1: ' 1' has white "
		"space around it, but values are trimmed before they are "
		"mapped, so it could never apply");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"values\": {\"满意度\": {\"100\": \"很满意\"}}}]}",
		"F/huifang.json: sources[0].values.满意度.100: must be 非常满意, "
		"满意, 一般, 不满意, 非常不满意 or skip, got '很满意'");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"values\": {\"工单类型\": {\"809001\": \"complaint\"}}}]}",
		"F/huifang.json: sources[0].values.工单类型.809001: must be a "
		"ticket type, one of its aliases, or skip, got 'complaint'");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"values_by_type\": {\"投诉\": {\"工单类型\": {\"1\": \"投诉\"}}}}]}",
		"F/huifang.json: sources[0].values_by_type.投诉.工单类型: a map "
		"chosen by 工单类型 cannot map 工单类型 itself; put it under "
		"values");
}

/* Issue 15: a profile chooses sheets and the header row of a ledger. */
static void test_source__reads_the_sheet_keys(void **state)
{
	struct config cfg;
	const struct source_profile *p;

	(void)state;
	assert_loads("{\"sources\": [\n"
		     " {\"name\": \"a\", \"files\": \"台账*.xlsx\",\n"
		     "  \"sheets\": \"all\", \"header_row\": 3},\n"
		     " {\"name\": \"b\", \"files\": [\"*.xls\", \"*.csv\"],\n"
		     "  \"sheets\": [\"一月\", \"二月\"]},\n"
		     " {\"name\": \"c\", \"files\": \"登记*\", \"sheet\": \"工单\"}\n"
		     "]}", &cfg);
	p = source_by_name(&cfg, "a");
	assert_true(p->all_sheets);
	assert_int_equal(p->header_row, 3);
	p = source_by_name(&cfg, "b");
	assert_false(p->all_sheets);
	assert_int_equal(p->sheets.nr, 2);
	assert_string_equal(p->sheets.items[1], "二月");
	assert_int_equal(p->header_row, 0);
	assert_string_equal(source_by_name(&cfg, "c")->sheet, "工单");
	config_release(&cfg);

	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*.xlsx\",\n"
		       " \"sheet\": \"工单\", \"sheets\": \"all\"}]}",
		       "F/huifang.json: sources[0].sheets: give sheet (one "
		       "sheet) or sheets, not both");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*.xlsx\",\n"
		       " \"sheets\": \"every\"}]}",
		       "F/huifang.json: sources[0].sheets: must be \"all\" or "
		       "a non-empty array of sheet names, got 'every'");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*.xlsx\",\n"
		       " \"header_row\": 0}]}",
		       "F/huifang.json: sources[0].header_row: must be a whole "
		       "number between 1 and 1048576, got 0");
	/* Keys that could never apply to the profile's files. */
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": "
		       "[\"*.json\", \"*.csv\"], \"sheets\": \"all\"}]}",
		       "F/huifang.json: sources[0].sheets: none of the "
		       "profile's files is a workbook, so this could never "
		       "apply");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": "
		       "\"*.jsonl\", \"header_row\": 2}]}",
		       "F/huifang.json: sources[0].header_row: none of the "
		       "profile's files is a workbook or a CSV, so this could "
		       "never apply");
}

static void test_source__refuses_columns_that_collide(void **state)
{
	(void)state;
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"columns\": {\"id\": \"工单编号\", \"no\": \"工单编号\"}}]}",
		"F/huifang.json: sources[0].columns.no: 'id' and 'no' both map "
		"to 工单编号; a column has one source");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"columns\": {\"ID\": \"工单编号\", \"id\": \"服务中心\"}}]}",
		"F/huifang.json: sources[0].columns.id: 'id' is the same header "
		"as 'ID' (headers compare ignoring case and width)");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"columns\": {\"no\": \"ticket\"}}]}",
		"F/huifang.json: sources[0].columns.no: must be a canonical "
		"column name (see docs/config.md), got 'ticket'");
	assert_refused(
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"columns\": {\"type\": \"工单类型\"},\n"
		" \"constants\": {\"工单类型\": \"投诉\"}}]}",
		"F/huifang.json: sources[0].constants.工单类型: the column 'type' "
		"is mapped to 工单类型 too; a constant would hide it");
}

static void test_source__refuses_bad_profiles(void **state)
{
	(void)state;
	assert_refused("{\"sources\": [{\"files\": \"*.csv\"}]}",
		       "F/huifang.json: sources[0].name: missing");
	assert_refused("{\"sources\": [{\"name\": \"a\"}]}",
		       "F/huifang.json: sources[0].files: missing");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\", "
		       "\"kind\": \"ticket\"}]}",
		       "F/huifang.json: sources[0].kind: must be tickets or "
		       "callbacks, got 'ticket'");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\", "
		       "\"colour\": 1}]}",
		       "F/huifang.json: sources[0].colour: unknown key");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\"}, "
		       "{\"name\": \"a\", \"files\": \"*.json\"}]}",
		       "F/huifang.json: sources[1].name: 'a' names sources[0] "
		       "too");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\", "
		       "\"time_formats\": [\"epoch\"]}]}",
		       "F/huifang.json: sources[0].time_formats[0]: must be "
		       "epoch_seconds, epoch_milliseconds or YYYYMMDDHHMMSS, got "
		       "'epoch'");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\", "
		       "\"callback_time_from\": \"回访时间\"}]}",
		       "F/huifang.json: sources[0].callback_time_from: must be "
		       "创建时间, 完成时间, 更新时间 or 整改完成时间, got '回访时间'");
	assert_refused("{\"sources\": [{\"name\": \"a\", \"files\": \"*\", "
		       "\"records\": \"data..list\"}]}",
		       "F/huifang.json: sources[0].records: must be keys joined "
		       "by dots, such as data.list, got 'data..list'");
}

static void test_source__refuses_joins_without_a_key(void **state)
{
	(void)state;
	assert_refused(
		"{\"sources\": [{\"name\": \"ws\", \"files\": \"ws*.csv\",\n"
		" \"kind\": \"tickets\"},\n"
		" {\"name\": \"rv\", \"files\": \"rv*.csv\", \"kind\": "
		"\"callbacks\", \"join\": \"ws\"}]}",
		"F/huifang.json: sources[1].join: 'ws' must name a tickets "
		"profile that has a key_column");
	assert_refused(
		"{\"sources\": [{\"name\": \"rv\", \"files\": \"rv*.csv\",\n"
		" \"join\": \"ws\"}]}",
		"F/huifang.json: sources[0].join: only a profile of kind "
		"callbacks joins tickets");
}

static void test_source__reads_a_join(void **state)
{
	struct config cfg;

	(void)state;
	assert_loads(
		"{\"sources\": [{\"name\": \"ws\", \"files\": \"ws*.csv\",\n"
		" \"kind\": \"tickets\", \"key_column\": \"id\"},\n"
		" {\"name\": \"rv\", \"files\": \"rv*.csv\", \"kind\": "
		"\"callbacks\", \"join\": \"ws\"}]}", &cfg);
	assert_string_equal(source_by_name(&cfg, "ws")->key_column, "id");
	assert_string_equal(source_by_name(&cfg, "rv")->join, "ws");
	config_release(&cfg);
}

static void test_source__names_a_broken_code_table(void **state)
{
	static const char text[] =
		"{\"sources\": [{\"name\": \"a\", \"files\": \"*.csv\",\n"
		" \"code_tables\": {\"责任人\": {\"file\": \"staff.csv\"}}}]}";

	(void)state;
	assert_refused(text, "F/huifang.json: sources[0].code_tables.责任人: "
		       "'staff.csv': cannot open: No such file or directory");
	write_file("staff.csv", "code,name\nS1,王伟\nS2,李娜\nS1,张三\n");
	assert_refused(text, "F/huifang.json: sources[0].code_tables.责任人: "
		       "'staff.csv':4: the code 'S1' repeats line 2");
	write_file("staff.csv", "id,name\nS1,王伟\n");
	assert_refused(text, "F/huifang.json: sources[0].code_tables.责任人: "
		       "'staff.csv': the first line must be a header naming the "
		       "columns 'code' and 'name'");
	write_file("staff.csv", "code,name\nS1,\"王伟\n");
	assert_refused(text, "F/huifang.json: sources[0].code_tables.责任人: "
		       "'staff.csv':2: unterminated quote");
}

/* Loads a shipped example (run from the top of the tree, as make test does). */
static void load_example(const char *path, struct config *cfg)
{
	struct diag d;

	diag_init(&d);
	config_init(cfg);
	if (config_load(cfg, path, &d) < 0) {
		if (d.nr)
			fail_msg("%s: %s", path, d.entries[0].message);
		fail_msg("%s did not load", path);
	}
	diag_release(&d);
}

static void test_source__shipped_examples_load(void **state)
{
	struct config cfg;
	const struct source_profile *p;

	(void)state;
	load_example("config/examples/hc.json", &cfg);
	assert_int_equal(cfg.nsources, 4);
	p = source_match(&cfg, "r_repair_pool.csv");
	assert_string_equal(p->name, "pool");
	assert_string_equal(source_code(p, COL_CENTER, "2023062100001"),
			    "翠湖小区");
	assert_string_equal(source_code(p, COL_SUBTYPE, "102023062100012"),
			    "公区维修");
	assert_string_equal(source_match(&cfg, "r_repair_return_visit.csv")->name,
			    "visit");
	assert_string_equal(source_map_value(source_by_name(&cfg, "complaint"),
					     COL_TYPE, TYPE_UNKNOWN, "809002"),
			    SOURCE_SKIP);
	config_release(&cfg);

	load_example("config/examples/ruoyi.json", &cfg);
	p = source_match(&cfg, "flow_complaints_2025.json");
	assert_string_equal(p->name, "complaints");
	assert_string_equal(p->records, "data.list");
	assert_string_equal(p->constant[COL_TYPE], "投诉");
	assert_int_equal(p->time_forms, CHTIME_EPOCH_MS);
	assert_int_equal(p->callback_time_from, COL_COMPLETED);
	config_release(&cfg);

	load_example("config/examples/siyuan.json", &cfg);
	/* The revisit table's profile comes first: its glob is narrower. */
	assert_string_equal(source_match(&cfg, "t_was_worksheet_revisit.csv")->name,
			    "revisit");
	assert_string_equal(source_match(&cfg, "t_was_worksheet.csv")->name,
			    "worksheet");
	p = source_by_name(&cfg, "revisit");
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_COMPLAINT, "3"), "不满意");
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_REPAIR, "3"), "一般");
	assert_true(source_is_attempt(p, "2"));
	assert_true(config_is_cancelled(&cfg, "无效投诉"));
	config_release(&cfg);

	load_example("config/examples/ledger.json", &cfg);
	p = source_match(&cfg, "回访登记表-2026-11.csv");
	assert_string_equal(p->encoding, "GB18030");
	assert_string_equal(source_map_value(p, COL_CB_SATISFACTION,
					     TYPE_UNKNOWN, "B"), "满意");
	config_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_source__first_matching_glob_wins),
		T(test_source__one_header_means_two_columns_in_two_tables),
		T(test_source__maps_values_by_type_and_skips),
		T(test_source__empties_sentinels_and_reads_attempt_rules),
		T(test_source__splits_a_multi_person_handler),
		T(test_source__code_tables_resolve_beside_the_config),
		T(test_source__hints_a_header_that_resembles_a_column),
		T(test_source__refuses_maps_that_can_never_apply),
		T(test_source__reads_the_sheet_keys),
		T(test_source__refuses_columns_that_collide),
		T(test_source__refuses_bad_profiles),
		T(test_source__refuses_joins_without_a_key),
		T(test_source__reads_a_join),
		T(test_source__names_a_broken_code_table),
		T(test_source__shipped_examples_load),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
