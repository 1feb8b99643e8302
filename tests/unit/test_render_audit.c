/*
 * test_render_audit.c - render_audit_sheets(): the audit sheet PDFs from
 * a hand-made audit_sheets.json. One file per centre for a per_center
 * level, with Chinese names that stay inside the folder whatever the
 * centre is called; one file with a section per centre otherwise; what
 * the auditor needs on the sheet (phone, 内容, the recorded result, boxes
 * for the findings); the sampling key in the appendix; the stricter file
 * mode; the provisional mark.
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

static const char sheets_text[] =
	"{\"schema\": \"huifang.audit_sheets/1\", \"week\": \"2026-W47\","
	" \"as_of\": \"2026-11-26 08:00:00\", \"provisional\": false, \"seed\": \"huifang\","
	" \"levels\": ["
	"{\"id\": \"cs_supervisor\", \"label\": \"客户服务主管\", \"per_center\": true,"
	" \"sampled\": 2, \"realised_rate\": 0.1, \"centers\": ["
	"  {\"center\": \"../翠湖苑/中心\", \"items\": [{\"ticket\": \"GD001\", \"stratum\": \"../翠湖苑/中心\","
	"    \"butler\": \"王芳\", \"type\": \"报事报修\", \"subtype\": \"公区维修\", \"unit\": \"3栋1单元502\","
	"    \"owner\": \"张*\", \"phone\": \"13812345678\", \"content\": \"楼道灯不亮，业主说已经第二次了\","
	"    \"completed_at\": \"2026-11-17 09:30:00\", \"callback_at\": \"2026-11-18 10:00:00\","
	"    \"channel\": \"电话\", \"result\": \"已解决\", \"satisfaction\": \"满意\", \"remark\": \"业主认可\","
	"    \"recorder\": \"王管家\", \"reason_zh\": \"随机键 0.135471，第1小（本分层 N=12，抽 n=2）\","
	"    \"key_hex\": \"22ae3745b350cde0\"}],"
	"   \"strata\": [{\"stratum\": \"../翠湖苑/中心\", \"population\": 12, \"n\": 2, \"sampled\": 1,"
	"    \"taken_earlier\": 0, \"short_zh\": \"\"}]},"
	"  {\"center\": \"东区中心\", \"items\": [{\"ticket\": \"GD002\", \"stratum\": \"东区中心\","
	"    \"butler\": \"李强\", \"type\": \"投诉\", \"subtype\": \"环境管理类\", \"unit\": \"5栋2单元101\","
	"    \"owner\": \"李*\", \"phone\": \"13900001111\", \"content\": \"垃圾清运不及时\","
	"    \"completed_at\": \"2026-11-17 09:30:00\", \"callback_at\": \"2026-11-18 11:00:00\","
	"    \"channel\": \"上门\", \"result\": \"已回访\", \"satisfaction\": \"非常满意\", \"remark\": \"\","
	"    \"recorder\": \"李管家\", \"reason_zh\": \"必抽：风险信号（同一分钟集中回访）\","
	"    \"key_hex\": \"4f617a2f2bbc7042\"}],"
	"   \"strata\": [{\"stratum\": \"东区中心\", \"population\": 3, \"n\": 1, \"sampled\": 0,"
	"    \"taken_earlier\": 3, \"short_zh\": \"部分工单已被上一级抽中\"}]}]},"
	"{\"id\": \"quality_dept\", \"label\": \"品质管理部\", \"per_center\": false,"
	" \"sampled\": 0, \"realised_rate\": 0, \"centers\": ["
	"  {\"center\": \"东区中心\", \"items\": [], \"strata\": [{\"stratum\": \"东区中心\","
	"    \"population\": 3, \"n\": 1, \"sampled\": 0, \"taken_earlier\": 3,"
	"    \"short_zh\": \"部分工单已被上一级抽中\"}]}]}]}";

static void render_with(const char *templates, const char *dir,
			cJSON *sheets)
{
	struct config cfg;
	struct diag d;

	config_init(&cfg);
	diag_init(&d);
	if (render_audit_sheets(sheets, &cfg, templates, dir, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("render_audit_sheets failed");
	}
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	config_release(&cfg);
}

/* With the project's templates/. */
static void render_ok(const char *dir, cJSON *sheets)
{
	render_with(NULL, dir, sheets);
}

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(pdftext_root, sizeof(pdftext_root), "%s/test_render_audit.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(pdftext_root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(pdftext_root);
	return 0;
}

static void test_render_audit__one_sheet_per_centre_and_one_per_level(void **state)
{
	struct buf dir = BUF_INIT, names = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);

	(void)state;
	assert_non_null(sheets);
	pdftext_new_dir(&dir);
	render_ok(dir.s, sheets);
	pdftext_list_dir(dir.s, &names);
	/* The hostile centre loses its leading dot and its slashes. */
	assert_string_equal(names.s,
			    "抽查表-品质管理部.pdf\n"
			    "抽查表-客户服务主管-_._翠湖苑_中心.pdf\n"
			    "抽查表-客户服务主管-东区中心.pdf\n");
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&names);
	cJSON_Delete(sheets);
}

static void test_render_audit__the_sheet_carries_the_call_and_the_boxes(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s, sheets);
	buf_addf(&path, "%s/抽查表-客户服务主管-东区中心.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	pdftext_strip_space(&text);
	/* Its own centre's ticket only, with everything the call needs. */
	assert_non_null(strstr(text.s, "GD002"));
	assert_null(strstr(text.s, "GD001"));
	assert_non_null(strstr(text.s, "13900001111"));
	assert_non_null(strstr(text.s, "5栋2单元101"));
	assert_non_null(strstr(text.s, "李*"));
	assert_non_null(strstr(text.s, "垃圾清运不及时"));
	assert_non_null(strstr(text.s, "满意度：非常满意"));
	assert_non_null(strstr(text.s, "李管家"));
	assert_non_null(strstr(text.s, "2026-11-18"));
	assert_non_null(strstr(text.s, "□是□否"));
	assert_non_null(strstr(text.s, "□非常满意"));
	assert_non_null(strstr(text.s, "抽查日期"));
	assert_non_null(strstr(text.s, "抽查人"));
	assert_non_null(strstr(text.s, "第1页共2页"));
	/* The appendix: the reason, the key, the strata and why fewer. */
	assert_non_null(strstr(text.s, "必抽：风险信号（同一分钟集中回访）"));
	assert_non_null(strstr(text.s, "4f617a2f2bbc7042"));
	assert_non_null(strstr(text.s, "部分工单已被上一级抽中"));
	assert_null(strstr(text.s, "临时"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	cJSON_Delete(sheets);
}

static void test_render_audit__a_level_document_has_a_section_per_centre(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s, sheets);
	buf_addf(&path, "%s/抽查表-品质管理部.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	pdftext_strip_space(&text);
	assert_non_null(strstr(text.s, "东区中心：本周抽查0单"));
	assert_non_null(strstr(text.s, "本中心本周无抽样工单"));
	assert_non_null(strstr(text.s, "部分工单已被上一级抽中"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	cJSON_Delete(sheets);
}

static void test_render_audit__files_get_the_audit_mode(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);
	struct stat st;
	mode_t old = umask(022);

	(void)state;
	pdftext_new_dir(&dir);
	render_ok(dir.s, sheets);
	umask(old);
	buf_addf(&path, "%s/抽查表-品质管理部.pdf", dir.s);
	assert_int_equal(stat(path.s, &st), 0);
	/* config_init()'s audit.file_mode 0600, not the reports' 0644. */
	assert_int_equal(st.st_mode & 0777, 0600);
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	cJSON_Delete(sheets);
}

static void test_render_audit__a_provisional_week_is_marked(void **state)
{
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);

	(void)state;
	cJSON_ReplaceItemInObject(sheets, "provisional", cJSON_CreateTrue());
	pdftext_new_dir(&dir);
	render_ok(dir.s, sheets);
	buf_addf(&path, "%s/抽查表-客户服务主管-东区中心.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	pdftext_strip_space(&text);
	assert_non_null(strstr(text.s, "暂定·尚未正式发布"));
	pdftext_remove_dir(dir.s);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	cJSON_Delete(sheets);
}

/*
 * The wording is the template's (templates/pdf/audit_sheet.json), looked
 * up in the templates folder given: a word changed there, and a column's
 * cell pattern, show in the sheet; a template that is not JSON is an
 * error naming it.
 */
static void test_render_audit__the_words_come_from_the_template(void **state)
{
	struct buf dir = BUF_INIT, tdir = BUF_INIT, path = BUF_INIT;
	struct buf text = BUF_INIT, json = BUF_INIT;
	cJSON *sheets = cJSON_Parse(sheets_text);
	struct config cfg;
	struct diag d;
	FILE *fp;
	char *p;

	(void)state;
	pdftext_new_dir(&dir);
	pdftext_new_dir(&tdir);
	buf_addf(&path, "%s/pdf", tdir.s);
	assert_int_equal(mkdir(path.s, 0700), 0);
	fp = fopen("templates/pdf/audit_sheet.json", "rb");
	assert_non_null(fp);
	(void)buf_read_stream(&json, fp);
	fclose(fp);
	/* Two words and a cell pattern, as an editor would change them. */
	p = strstr(json.s, "\"是否真实回访\"");
	assert_non_null(p);
	memcpy(p + 1, "确有回访吗？", strlen("确有回访吗？"));
	p = strstr(json.s, "抽查人（签字）");
	assert_non_null(p);
	memcpy(p, "复核人", strlen("复核人"));
	p = strstr(json.s, "\"□是  □否\"");
	assert_non_null(p);
	memcpy(p + 1, "□真  □假", strlen("□真  □假"));
	buf_reset(&path);
	buf_addf(&path, "%s/pdf/audit_sheet.json", tdir.s);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fwrite(json.s, 1, json.len, fp);
	assert_int_equal(fclose(fp), 0);
	render_with(tdir.s, dir.s, sheets);
	buf_reset(&path);
	buf_addf(&path, "%s/抽查表-客户服务主管-东区中心.pdf", dir.s);
	pdftext_read(path.s, 1, 0, 0, &text);
	pdftext_strip_space(&text);
	assert_non_null(strstr(text.s, "确有回访吗？"));
	assert_null(strstr(text.s, "是否真实回访"));
	assert_non_null(strstr(text.s, "复核人（签字）"));
	assert_null(strstr(text.s, "抽查人（签字）"));
	assert_non_null(strstr(text.s, "□真□假"));
	pdftext_remove_dir(dir.s);

	/* A damaged template: an error naming it, no sheet. */
	buf_reset(&path);
	buf_addf(&path, "%s/pdf/audit_sheet.json", tdir.s);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fputs("{\"title\": ", fp);
	assert_int_equal(fclose(fp), 0);
	pdftext_new_dir(&dir);
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_audit_sheets(sheets, &cfg, tdir.s, dir.s, &d),
			 -1);
	assert_true(d.errors >= 1);
	assert_non_null(strstr(d.entries[0].file, "audit_sheet.json"));
	diag_release(&d);
	config_release(&cfg);
	pdftext_remove_dir(dir.s);
	buf_reset(&path);
	buf_addf(&path, "%s/pdf", tdir.s);
	pdftext_remove_dir(path.s);
	pdftext_remove_dir(tdir.s);
	buf_release(&dir);
	buf_release(&tdir);
	buf_release(&path);
	buf_release(&text);
	buf_release(&json);
	cJSON_Delete(sheets);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_audit__one_sheet_per_centre_and_one_per_level),
		cmocka_unit_test(test_render_audit__the_sheet_carries_the_call_and_the_boxes),
		cmocka_unit_test(test_render_audit__a_level_document_has_a_section_per_centre),
		cmocka_unit_test(test_render_audit__files_get_the_audit_mode),
		cmocka_unit_test(test_render_audit__a_provisional_week_is_marked),
		cmocka_unit_test(test_render_audit__the_words_come_from_the_template),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
