/*
 * test_render_html.c - the HTML site over the hand-made view model in
 * tests/fixtures/html/ (two weeks, with hostile strings: a remark holding
 * <img onerror> and <script>, a butler called "../../etc", a centre with
 * '/' and quotes, an unknown sub-type with markup).
 *
 * The expected figures are worked by hand from the fixture: totals 36 of
 * 40 called back (90.0 %, Wilson 76.9 %-96.0 %), 报事报修 26 of 30
 * (86.7 %, below its 90 % target), satisfaction 30 of 34 (88.2 %).
 * With 2026-W47 flipped to provisional, each of its 7 pages carries the
 * banner and the index marks its row.
 *
 * Besides the cmocka cases, the binary has two modes for the scripts:
 *   test_render_html --render FIXTURE_DIR SITE_DIR   render the fixture
 *   test_render_html --bench TICKETS SITE_DIR        time a large week
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "model/config.h"
#include "report/render.h"
#include "util/xalloc.h"

#define FIXTURE "tests/fixtures/html"

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b, NULL);
}

static cJSON *read_json(const char *dir, const char *week, const char *name)
{
	char path[512];
	char *text;
	cJSON *j;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, week, name);
	text = read_text(path);
	if (!text)
		return NULL;
	j = cJSON_Parse(text);
	free(text);
	return j;
}

struct fixture {
	struct week_view weeks[2];
	cJSON *worklists;       /* worklists.json, the live lists */
	char site[300];
};

static void fixture_load(struct fixture *f, const char *dir)
{
	static const char *const names[2] = { "2026-W47", "2026-W46" };
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 2; i++) {
		f->weeks[i].metrics = read_json(dir, names[i], "metrics.json");
		f->weeks[i].samples = read_json(dir, names[i], "samples.json");
		f->weeks[i].records = read_json(dir, names[i], "records.json");
	}
	f->worklists = read_json(dir, ".", "worklists.json");
}

static void fixture_release(struct fixture *f)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		cJSON_Delete((cJSON *)f->weeks[i].metrics);
		cJSON_Delete((cJSON *)f->weeks[i].samples);
		cJSON_Delete((cJSON *)f->weeks[i].records);
	}
	cJSON_Delete(f->worklists);
}

static void remove_tree(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	char sub[1024];

	if (!dir) {
		unlink(path);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(dir);
	rmdir(path);
}

/* Renders the fixture into a fresh temporary site folder. */
static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct config cfg;
	struct diag d;
	char tmp[256];

	fixture_load(f, FIXTURE);
	assert_non_null(f->weeks[0].metrics);
	assert_non_null(f->weeks[1].metrics);
	snprintf(tmp, sizeof(tmp), "%s/test_render_html.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	snprintf(f->site, sizeof(f->site), "%s/site", tmp);
	config_init(&cfg);
	diag_init(&d);
	if (render_html_site(f->weeks, 2, &cfg, "templates", f->site, &d) < 0 ||
	    render_html_worklists(f->worklists, f->weeks, 2, &cfg, "templates",
				  f->site, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("render_html_site failed");
	}
	diag_release(&d);
	config_release(&cfg);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *slash = strrchr(f->site, '/');

	*slash = '\0';
	remove_tree(f->site);
	fixture_release(f);
	free(f);
	return 0;
}

static char *page(const struct fixture *f, const char *rel)
{
	struct buf path = BUF_INIT;
	char *text;

	buf_addf(&path, "%s/%s", f->site, rel);
	text = read_text(path.s);
	buf_release(&path);
	if (!text)
		fail_msg("no page %s", rel);
	return text;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find '%s'", needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("did not expect '%s'", needle);
}

/* The file a link with the given text points at: href="X">text</a>. */
static char *link_to(const char *html, const char *text)
{
	struct buf tail = BUF_INIT;
	const char *end, *start;
	char *href;

	buf_addf(&tail, "\">%s</a>", text);
	end = strstr(html, tail.s);
	buf_release(&tail);
	if (!end)
		fail_msg("no link to '%s'", text);
	start = end;
	while (start > html && start[-1] != '"')
		start--;
	href = xstrndup(start, (size_t)(end - start));
	return href;
}

/* Collects every file under dir (relative names) into out, one per line. */
static void list_tree(const char *root, const char *rel, struct buf *out)
{
	char path[1024];
	DIR *dir;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	dir = opendir(path);
	if (!dir) {
		buf_addf(out, "%s\n", rel);
		return;
	}
	while ((e = readdir(dir)) != NULL) {
		char sub[1024];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		list_tree(root, sub, out);
	}
	closedir(dir);
}

static bool safe_name(const char *line)
{
	const char *p;

	for (p = line; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      strchr("-./W", *p)))
			return false;
	return !strstr(line, "..");
}

static void test_render_html__writes_every_page_inside_the_site(void **state)
{
	const struct fixture *f = *state;
	struct buf files = BUF_INIT;
	char *line, *save = NULL;
	size_t pages = 0, csvs = 0, live_pages = 0, live_csvs = 0;

	list_tree(f->site, "", &files);
	for (line = strtok_r(files.s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool live = !strncmp(line, "worklists/", 10);

		if (!safe_name(line))
			fail_msg("unsafe file name '%s'", line);
		if (strstr(line, ".html"))
			(live ? &live_pages : &pages)[0]++;
		else if (strstr(line, ".csv"))
			(live ? &live_csvs : &csvs)[0]++;
		else
			fail_msg("unexpected file '%s'", line);
	}
	/* index + per week: the week, 2 centres, 4 butlers. */
	assert_int_equal(pages, 1 + 2 * (1 + 2 + 4));
	assert_int_equal(csvs, 2 * 4);
	/*
	 * The live lists: an index, 3 centres, 7 butlers (the weeks' 4 and
	 * 3 more in the lists), and the page two hashing alike share.
	 */
	assert_int_equal(live_pages, 1 + 3 + 7 + 1);
	assert_int_equal(live_csvs, 7);
	buf_release(&files);
}

static void test_render_html__pages_are_self_contained_and_script_free(void **state)
{
	const struct fixture *f = *state;
	char *html = page(f, "weeks/2026-W47/index.html");
	char *butler = link_to(html, "../../etc");
	char *pages[3];
	char rel[256];
	size_t i;

	snprintf(rel, sizeof(rel), "weeks/2026-W47/%s", butler);
	pages[0] = html;
	pages[1] = page(f, "index.html");
	pages[2] = page(f, rel);
	for (i = 0; i < 3; i++) {
		assert_true(!strncmp(pages[i], "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35));
		assert_contains(pages[i], "<meta http-equiv=\"Content-Security-Policy\" "
				"content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
		assert_contains(pages[i], "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
		assert_contains(pages[i], "@media print");
		assert_lacks(pages[i], "<script");
		assert_lacks(pages[i], "<img");
		assert_lacks(pages[i], "<link");
		assert_lacks(pages[i], "https:");
		assert_lacks(pages[i], "<iframe");
		assert_lacks(pages[i], "<object");
		assert_lacks(pages[i], "url(");
	}
	free(butler);
	for (i = 0; i < 3; i++)
		free(pages[i]);
}

static void test_render_html__escapes_every_string_from_the_data(void **state)
{
	const struct fixture *f = *state;
	char *html = page(f, "weeks/2026-W47/index.html");

	/* The remark of the open loop, shown escaped. */
	assert_contains(html, "&lt;img src=x onerror=&quot;document.title=&#39;x&#39;&quot;&gt;"
			"&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;");
	assert_contains(html, "翠湖/&quot;东区&quot;服务中心");
	assert_contains(html, "其它&lt;b&gt;未知&lt;/b&gt;");
	assert_lacks(html, "<b>未知");
	assert_contains(html, "<title>2026-W47 回访周报</title>");
	free(html);
}

static void test_render_html__shows_the_view_model_formatted(void **state)
{
	const struct fixture *f = *state;
	char *html = page(f, "weeks/2026-W47/index.html");
	char *index = page(f, "index.html");

	/* Totals: 36 / 40 and its Wilson interval; 30 / 34 satisfied. */
	assert_contains(html, "<div class=\"v\">90.0%</div><div class=\"s\">95% 区间 76.9%–96.0%</div>");
	assert_contains(html, "<div class=\"v\">88.2%</div><div class=\"s\">评价 34 单 · 区间 73.4%–95.3%</div>");
	/* 报事报修 misses its target, in a marked row, in words. */
	assert_contains(html, "<tr class=\"below\"><th scope=\"row\">报事报修</th><td>90.0% <span class=\"bad\">✗ 未达标</span>");
	assert_contains(html, "<td class=\"num\">86.7%<small>70.3%–94.7%</small></td>");
	assert_contains(html, "<th scope=\"row\">投诉</th><td>100.0% <span class=\"ok\">✓ 达标</span>");
	/* Unranked butlers are marked; 张伟 (12 rated) is not. */
	assert_contains(html, ">李娜</a></th><td class=\"num\"><span class=\"badge\">不排名</span></td>");
	assert_contains(html, ">张伟</a></th><td class=\"num\">1</td>");
	/* A trend week without complaints shows a dash, not 0 %. */
	assert_contains(html, "<span class=\"pair\">投诉 —</span>");
	/* Anomaly kinds in words, sample reasons in words. */
	assert_contains(html, "<td>同一分钟内集中回访</td>");
	/* The sample stage's own wording when samples.json has it, else
	 * the template's. */
	assert_contains(html, "<td>必抽：风险信号（完成后一分钟内回访）</td>");
	assert_contains(html, "随机键 0.037100，本层排第 1（共 N=13，抽 n=2）");
	assert_contains(html, "本级本周没有抽中的工单。");
	assert_contains(html, "<li>时间无法解析（<code>bad_timestamp</code>）：3 行</li>");
	/* The charts are inline SVG with their words. */
	assert_contains(html, "<svg class=\"chart bars\"");
	assert_contains(html, ">86.7% 目标90.0% 未达标</text>");
	/* The index: newest week first, then the older one. */
	assert_true(strstr(index, ">2026-W47</a>") < strstr(index, ">2026-W46</a>"));
	assert_contains(index, "<a href=\"weeks/2026-W46/index.html\">2026-W46</a>");
	assert_contains(index, "最新正式周报：<a href=\"weeks/2026-W47/index.html\">2026-W47</a>");
	/* Both weeks are issued: no provisional week beside the headline. */
	assert_lacks(index, "id=\"current\"");
	free(html);
	free(index);
}

static void test_render_html__gives_each_butler_a_worklist(void **state)
{
	const struct fixture *f = *state;
	char *week = page(f, "weeks/2026-W47/index.html");
	char *href = link_to(week, "张伟");
	char rel[512], *html, *csv, *a, *b, *dash;

	assert_true(!strncmp(href, "butler-", 7));
	snprintf(rel, sizeof(rel), "weeks/2026-W47/%s", href);
	html = page(f, rel);
	/* Oldest first as metrics.json gives it; the overdue one marked. */
	a = strstr(html, ">BX20261117001</td>");
	b = strstr(html, ">BX20261122003</td>");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	assert_contains(html, "<tr class=\"overdue\"><td data-label=\"工单编号\">BX20261117001</td>");
	assert_contains(html, "<tr><td data-label=\"工单编号\">BX20261122003</td>");
	assert_lacks(html, "BX20261118005");   /* another butler's */
	assert_contains(html, ">2026-11-19 10:00:00</td><td data-label=\"状态\"><strong>⚠ 已超时</strong>");
	/* The breadcrumbs lead back to the week and the centre. */
	assert_contains(html, "<a href=\"../../index.html\">首页</a>");
	assert_contains(html, "<a href=\"index.html\">2026-W47</a>");
	assert_contains(html, "<span aria-current=\"page\">张伟</span>");
	/* The CSV beside it: BOM, CRLF, the same two rows. */
	dash = strchr(href, '-');
	snprintf(rel, sizeof(rel), "weeks/2026-W47/owed-%.*s.csv",
		 (int)(strlen(dash + 1) - 5), dash + 1);
	assert_contains(html, strrchr(rel, '/') + 1);
	/* Saved under the butler's name; the file keeps its neutral one. */
	assert_contains(html, "download=\"待回访-张伟.csv\"");
	csv = page(f, rel);
	assert_string_equal(csv,
		"\xEF\xBB\xBF" "工单编号,工单类型,服务中心,责任人,完成时间,应回访时间,是否超时\r\n"
		"BX20261117001,报事报修,阳光花园服务中心,张伟,2026-11-17 10:00:00,2026-11-19 10:00:00,是\r\n"
		"BX20261122003,报事报修,阳光花园服务中心,张伟,2026-11-22 15:30:00,2026-11-24 15:30:00,否\r\n");
	free(csv);
	free(html);
	free(href);
	free(week);
}

static void test_render_html__keeps_hostile_names_inside_the_site(void **state)
{
	const struct fixture *f = *state;
	char *week = page(f, "weeks/2026-W47/index.html");
	char *href = link_to(week, "../../etc");
	char rel[512], *html, *csv;
	const char *dash;

	snprintf(rel, sizeof(rel), "weeks/2026-W47/%s", href);
	html = page(f, rel);
	assert_contains(html, "<title>../../etc · 翠湖/&quot;东区&quot;服务中心 · 2026-W47</title>");
	assert_contains(html, "<tr class=\"overdue\"><td data-label=\"工单编号\">BX20261118005</td>");
	/* His records, with the hostile remark escaped and a formula cell. */
	assert_contains(html, "&lt;script&gt;");
	assert_contains(html, "=HYPERLINK(&quot;http://x&quot;)");
	dash = strchr(href, '-');
	snprintf(rel, sizeof(rel), "weeks/2026-W47/owed-%.*s.csv",
		 (int)(strlen(dash + 1) - 5), dash + 1);
	csv = page(f, rel);
	assert_contains(csv, "BX20261118005,报事报修,\"翠湖/\"\"东区\"\"服务中心\",../../etc,");
	free(csv);
	free(html);
	free(href);
	free(week);
}

static void test_render_html__renders_a_week_without_samples_or_records(void **state)
{
	const struct fixture *f = *state;
	char *html = page(f, "weeks/2026-W46/index.html");

	assert_contains(html, "<title>2026-W46 回访周报</title>");
	assert_contains(html, "本周尚未抽样。");
	assert_contains(html, "没有未闭环的不满意回访。");
	assert_contains(html, "没有待回访的工单。");
	assert_contains(html, "本周没有发现异常。");
	free(html);
}

static void test_render_html__neutralises_formulas_in_the_worklist_csv(void **state)
{
	struct fixture f;
	struct config cfg;
	struct diag d;
	char tmp[256];
	struct buf path = BUF_INIT;
	cJSON *owed;
	char *week, *href, *csv;

	(void)state;
	fixture_load(&f, FIXTURE);
	owed = cJSON_GetArrayItem(cJSON_GetObjectItem(f.weeks[0].metrics, "owed"), 0);
	cJSON_ReplaceItemInObjectCaseSensitive(owed, "ticket",
		cJSON_CreateString("=HYPERLINK(\"http://x\",\"y\")"));
	snprintf(tmp, sizeof(tmp), "%s/test_render_csv.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site(f.weeks, 1, &cfg, "templates", tmp, &d), 0);
	buf_addf(&path, "%s/weeks/2026-W47/index.html", tmp);
	week = read_text(path.s);
	href = link_to(week, "张伟");
	buf_reset(&path);
	buf_addf(&path, "%s/weeks/2026-W47/owed-%.*s.csv", tmp,
		 (int)(strlen(href) - strlen("butler-") - strlen(".html")),
		 href + strlen("butler-"));
	csv = read_text(path.s);
	assert_non_null(csv);
	assert_contains(csv, "\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",报事报修,");
	/* On the page it is text. */
	assert_contains(week, "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)");
	free(csv);
	free(href);
	free(week);
	buf_release(&path);
	diag_release(&d);
	config_release(&cfg);
	remove_tree(tmp);
	fixture_release(&f);
}

static void test_render_html__reports_template_errors_with_position(void **state)
{
	struct fixture f;
	struct config cfg;
	struct diag d;
	char tmp[256], path[600];
	static const char *const names[] = { "index", "center", "butler" };
	FILE *fp;
	size_t i;

	(void)state;
	fixture_load(&f, FIXTURE);
	snprintf(tmp, sizeof(tmp), "%s/test_render_tmpl.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	snprintf(path, sizeof(path), "%s/html", tmp);
	assert_int_equal(mkdir(path, 0777), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/html/%s.mustache", tmp, names[i]);
		fp = fopen(path, "w");
		fputs("ok", fp);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/html/week.mustache", tmp);
	fp = fopen(path, "w");
	fputs("<h1>{{week}}</h1>\n<ul>{{#rows}}<li>{{name}}</li>\n", fp);
	fclose(fp);
	config_init(&cfg);
	diag_init(&d);
	snprintf(path, sizeof(path), "%s/site", tmp);
	assert_int_equal(render_html_site(f.weeks, 2, &cfg, tmp, path, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.entries[0].file, "/html/week.mustache"));
	assert_int_equal(d.entries[0].line, 2);
	assert_int_equal(d.entries[0].column, 5);
	assert_string_equal(d.entries[0].message, "unclosed section 'rows'");
	/* Nothing was written. */
	assert_int_equal(access(path, F_OK), -1);
	diag_release(&d);
	config_release(&cfg);
	remove_tree(tmp);
	fixture_release(&f);
}

static void test_render_html__refuses_a_week_that_is_not_an_iso_week(void **state)
{
	struct fixture f;
	struct config cfg;
	struct diag d;
	char tmp[256];

	(void)state;
	fixture_load(&f, FIXTURE);
	cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)f.weeks[1].metrics, "week",
					       cJSON_CreateString("../../x"));
	snprintf(tmp, sizeof(tmp), "%s/test_render_week.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site(f.weeks, 2, &cfg, "templates", tmp, &d), -1);
	assert_string_equal(d.entries[0].message, "week '../../x' is not an ISO week");
	assert_int_equal(rmdir(tmp), 0);   /* still empty */
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
}

static void test_render_html__reports_an_unwritable_site(void **state)
{
	struct fixture f;
	struct config cfg;
	struct diag d;

	(void)state;
	fixture_load(&f, FIXTURE);
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site(f.weeks, 2, &cfg, "templates",
					  "/dev/null/site", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.entries[0].message, "/dev/null"));
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
}

/*
 * A provisional week (2026-W47 flipped to "provisional": true): every one
 * of its pages carries the banner under the breadcrumbs, no page of the
 * finished 2026-W46 does, and the index marks W47's row and not W46's.
 */
static void test_render_html__marks_every_page_of_a_provisional_week(void **state)
{
	static const char banner[] =
		"</nav>\n  <p class=\"provisional\" role=\"note\">"
		"<strong>暂定</strong>尚未正式发布；数字会随后续回访变化</p>";
	struct fixture f;
	struct config cfg;
	struct diag d;
	struct buf files = BUF_INIT;
	char tmp[256], *line, *save = NULL, *html, *row;
	size_t w47 = 0, w46 = 0;

	(void)state;
	fixture_load(&f, FIXTURE);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(f.weeks[0].metrics,
						      "provisional")));
	cJSON_ReplaceItemInObject((cJSON *)f.weeks[0].metrics, "provisional",
				  cJSON_CreateTrue());
	snprintf(tmp, sizeof(tmp), "%s/test_render_html.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	snprintf(f.site, sizeof(f.site), "%s/site", tmp);
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site(f.weeks, 2, &cfg, "templates",
					  f.site, &d), 0);
	list_tree(f.site, "", &files);
	for (line = strtok_r(files.s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, ".html") || !strcmp(line, "index.html"))
			continue;
		html = page(&f, line);
		if (!strncmp(line, "weeks/2026-W47/", 15)) {
			if (!strstr(html, banner))
				fail_msg("%s lacks the banner", line);
			w47++;
		} else {
			if (strstr(html, "尚未正式发布") ||
			    strstr(html, "class=\"provisional\""))
				fail_msg("%s is marked", line);
			w46 += !strncmp(line, "weeks/2026-W46/", 15);
		}
		free(html);
	}
	/* The week page, 2 centres and 4 butlers of each week. */
	assert_int_equal(w47, 7);
	assert_int_equal(w46, 7);

	html = page(&f, "index.html");
	row = strstr(html, "<a href=\"weeks/2026-W47/index.html\">2026-W47</a>"
			   " <span class=\"badge provisional\">暂定</span></th>");
	assert_non_null(row);
	assert_lacks(html, "<a href=\"weeks/2026-W46/index.html\">2026-W46</a> <span");
	/*
	 * Issue 19: the headline is the newest issued week (W46), with the
	 * provisional W47 beside it, never the other way round.
	 */
	assert_contains(html, "最新正式周报：<a href=\"weeks/2026-W46/index.html\">2026-W46</a>");
	assert_contains(html, "<aside id=\"current\" aria-label=\"本周暂定数字\">\n"
			"  <h2>本周（暂定）：<a href=\"weeks/2026-W47/index.html\">2026-W47</a></h2>");
	assert_true(strstr(html, "id=\"latest\"") < strstr(html, "id=\"current\""));
	/* The index is no page of a week: the badges, not the banner. */
	assert_lacks(html, "<p class=\"provisional\"");
	free(html);

	*strrchr(f.site, '/') = '\0';
	remove_tree(f.site);
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
	buf_release(&files);
}

/*
 * A reissued week lists its earlier revisions, newest first, under 早先的版本:
 * each one's number, when it was issued, its reason (escaped) or 首次发布,
 * its weekly PDF and its other files, linked under revisions/vN/ with
 * the names percent-encoded; a week never reissued has no such section.
 */
static void test_render_html__lists_the_earlier_revisions_of_a_week(
	void **state)
{
	static const char *const v2_files[] = { "周报-2026-W47.pdf",
						"中心周报-a\"<b>#?.pdf" };
	static const char *const v1_files[] = { "周报-2026-W47.pdf" };
	struct fixture f;
	struct site_period sp[2];
	struct site_revision revs[2];
	cJSON *m2, *m1;
	struct config cfg;
	struct diag d;
	char tmp[256], *html, *v2, *v1;

	(void)state;
	fixture_load(&f, FIXTURE);
	m2 = cJSON_CreateObject();
	cJSON_AddStringToObject(m2, "as_of", "2026-11-27 09:00:00");
	cJSON_AddStringToObject(m2, "revision_reason",
				"<script>alert(1)</script>&补录");
	m1 = cJSON_CreateObject();
	cJSON_AddStringToObject(m1, "as_of", "2026-11-26 02:00:00");
	cJSON_AddNullToObject(m1, "revision_reason");
	memset(sp, 0, sizeof(sp));
	memset(revs, 0, sizeof(revs));
	revs[0] = (struct site_revision){ 2, m2, v2_files, 2 };
	revs[1] = (struct site_revision){ 1, m1, v1_files, 1 };
	sp[0].view = f.weeks[0];
	sp[0].revisions = revs;
	sp[0].nrevisions = 2;
	sp[1].view = f.weeks[1];
	snprintf(tmp, sizeof(tmp), "%s/test_render_html.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	snprintf(f.site, sizeof(f.site), "%s/site", tmp);
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site_periods(sp, 2, NULL, 0, &cfg,
						  "templates", f.site, &d), 0);
	html = page(&f, "weeks/2026-W47/index.html");
	assert_contains(html, "<a href=\"#revisions\">早先版本</a>");
	assert_contains(html, "<section id=\"revisions\">");
	v2 = strstr(html, "<li><strong>v2</strong> 发布于 2026-11-27 09:00:00"
			  "（修订原因：&lt;script&gt;alert(1)&lt;/script&gt;"
			  "&amp;补录）：<a href=\"revisions/v2/"
			  "%E5%91%A8%E6%8A%A5-2026-W47.pdf\" download>"
			  "周报-2026-W47.pdf</a>");
	v1 = strstr(html, "<li><strong>v1</strong> 发布于 2026-11-26 02:00:00"
			  "（首次发布）：<a href=\"revisions/v1/"
			  "%E5%91%A8%E6%8A%A5-2026-W47.pdf\" download>");
	assert_non_null(v2);
	assert_non_null(v1);
	assert_true(v2 < v1);
	/* v2's other file: its hostile name encoded in the link, escaped. */
	assert_contains(html, "该版本的其他文件（1）");
	assert_contains(html, "<a href=\"revisions/v2/%E4%B8%AD%E5%BF%83%E5%91%A8"
			"%E6%8A%A5-a%22%3Cb%3E%23%3F.pdf\" download>中心周报-a&quot;"
			"&lt;b&gt;#?.pdf</a>");
	assert_lacks(html, "<script>alert");
	free(html);
	html = page(&f, "weeks/2026-W46/index.html");
	assert_lacks(html, "id=\"revisions\"");
	assert_lacks(html, "早先版本");
	free(html);

	*strrchr(f.site, '/') = '\0';
	remove_tree(f.site);
	cJSON_Delete(m1);
	cJSON_Delete(m2);
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
}

/* The value of the first attribute attr="…" after at, or fails. */
static char *attr_after(const char *at, const char *attr)
{
	struct buf key = BUF_INIT;
	const char *start, *end;

	buf_addf(&key, "%s=\"", attr);
	start = at ? strstr(at, key.s) : NULL;
	if (!start)
		fail_msg("no %s", key.s);
	start += key.len;
	end = strchr(start, '"');
	buf_release(&key);
	return xstrndup(start, (size_t)(end - start));
}

/*
 * Issue 16: every butler's page on the site is his live list first
 * (overdue first), then his figures; a page per centre; each week's
 * butler page links to it; hostile names stay text and never a path.
 */
static void test_render_html__a_butler_page_shows_his_live_list_first(
	void **state)
{
	struct fixture *f = *state;
	char *week, *href, *live, *path, *center, *dl;
	const char *owed, *figures, *a, *b;

	week = page(f, "weeks/2026-W47/index.html");
	href = link_to(week, "张伟");
	path = xstrdup("weeks/2026-W47/");
	free(week);
	week = NULL;
	{
		struct buf rel = BUF_INIT;

		buf_addf(&rel, "weeks/2026-W47/%s", href);
		week = page(f, rel.s);
		buf_release(&rel);
	}
	/* The week's page: its owed list is a snapshot, the live one linked. */
	assert_contains(week, "本周快照");
	free(href);
	href = attr_after(strstr(week, "<a class=\"more\" href=\"../../worklists/"),
			  "href");
	assert_true(!strncmp(href, "../../worklists/butler-", 23));
	free(path);
	path = xstrdup(href + strlen("../../"));
	live = page(f, path);
	owed = strstr(live, "<section id=\"owed\">");
	figures = strstr(live, "<section id=\"figures\">");
	assert_non_null(owed);
	assert_non_null(figures);
	assert_true(owed < figures);
	/* Overdue first: LW-Z1 (已超时) before LW-Z2 (待回访), both before
	 * the loops and his figures. */
	a = strstr(live, "LW-Z1");
	b = strstr(live, "LW-Z2");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b && b < strstr(live, "<section id=\"loops\">"));
	assert_contains(live, "<tr class=\"overdue\"><td data-label=\"工单编号\">LW-Z1</td>");
	assert_contains(live, "LW-Z3");
	assert_contains(live, "2026-11-20 09:00:00");   /* 整改完成时间 */
	assert_contains(live, "136****0005");
	/* His figures, week by week, linking the weeks' pages. */
	assert_contains(figures, "href=\"../weeks/2026-W47/butler-");
	assert_contains(figures, "href=\"../weeks/2026-W46/butler-");
	dl = attr_after(strstr(live, "<a class=\"more\" href=\"owed-"), "download");
	assert_string_equal(dl, "待回访-张伟.csv");
	free(dl);
	/* His centre's page lists every butler and the unassigned ticket. */
	center = attr_after(strstr(live, "<h1>"), "href");
	free(path);
	path = xcalloc(1, strlen(center) + 16);
	memcpy(path, "worklists/", 10);
	memcpy(path + 10, center, strlen(center));
	free(live);
	live = page(f, path);
	assert_contains(live, "LW-N1");
	assert_contains(live, "<em>无责任人</em>");
	assert_contains(live, ">张伟</a>");
	free(center);
	free(live);
	free(path);
	free(href);
	free(week);
}

static void test_render_html__live_pages_keep_hostile_names_as_text(
	void **state)
{
	struct fixture *f = *state;
	struct buf files = BUF_INIT;
	char *index, *href, *live, *dl;
	const char *line, *end;

	index = page(f, "worklists/index.html");
	assert_lacks(index, "<script>");
	assert_contains(index, "&lt;script&gt;alert(1)&lt;/script&gt;");
	href = link_to(index, "../../etc");
	{
		struct buf rel = BUF_INIT;

		buf_addf(&rel, "worklists/%s", href);
		live = page(f, rel.s);
		buf_release(&rel);
	}
	assert_contains(live, "LW-E1");
	assert_contains(live, "&lt;b&gt;未分类&lt;/b&gt;");
	assert_contains(live, "LW-E2");   /* 无法联系, apart */
	dl = attr_after(strstr(live, "<a class=\"more\" href=\"owed-"), "download");
	assert_null(strchr(dl, '/'));
	assert_true(!strncmp(dl, "待回访-", strlen("待回访-")));
	free(dl);
	free(live);
	free(href);
	free(index);
	/* Only names the renderer made, inside the site. */
	list_tree(f->site, "worklists", &files);
	for (line = files.s; *line; line = end + 1) {
		end = strchr(line, '\n');
		{
			char *one = xstrndup(line, (size_t)(end - line));

			if (!safe_name(one))
				fail_msg("unsafe file name %s", one);
			free(one);
		}
	}
	buf_release(&files);
}

/*
 * Two butlers whose names hash alike (FNV-1a, low 40 bits 43e57fb4d5):
 * each gets a page of his own, and the name both would have is a page
 * naming them, so a link to it never lands on the wrong person.
 */
static void test_render_html__live_pages_of_a_hash_collision(void **state)
{
	struct fixture *f = *state;
	char *shared, *one, *two;

	shared = page(f, "worklists/butler-43e57fb4d5.html");
	assert_contains(shared, "href=\"butler-43e57fb4d5-1.html\">东区 · 管家11723038</a>");
	assert_contains(shared, "href=\"butler-43e57fb4d5-2.html\">东区 · 管家23335016</a>");
	one = page(f, "worklists/butler-43e57fb4d5-1.html");
	two = page(f, "worklists/butler-43e57fb4d5-2.html");
	assert_contains(one, "<h1>管家11723038 ");
	assert_contains(one, "LW-C1");
	assert_lacks(one, "LW-C2");
	assert_contains(two, "<h1>管家23335016 ");
	assert_contains(two, "LW-C2");
	free(shared);
	free(one);
	free(two);
}

/* Without worklists.json the pages say so; the weeks' links still hold. */
static void test_render_html__live_pages_without_lists(void **state)
{
	struct fixture f;
	struct config cfg;
	struct diag d;
	char tmp[256], *week, *href, *live;
	struct buf rel = BUF_INIT;

	(void)state;
	fixture_load(&f, FIXTURE);
	snprintf(tmp, sizeof(tmp), "%s/test_render_html.XXXXXX", P_tmpdir);
	assert_non_null(mkdtemp(tmp));
	config_init(&cfg);
	diag_init(&d);
	assert_int_equal(render_html_site(f.weeks, 2, &cfg, "templates", tmp,
					  &d), 0);
	assert_int_equal(render_html_worklists(NULL, f.weeks, 2, &cfg,
					       "templates", tmp, &d), 0);
	buf_addf(&rel, "%s/weeks/2026-W46/index.html", tmp);
	week = read_text(rel.s);
	assert_non_null(week);
	href = link_to(week, "王芳");
	buf_reset(&rel);
	buf_addf(&rel, "%s/weeks/2026-W46/%s", tmp, href);
	free(week);
	week = read_text(rel.s);
	assert_non_null(week);
	free(href);
	href = attr_after(strstr(week, "<a class=\"more\" href=\"../../worklists/"),
			  "href");
	buf_reset(&rel);
	buf_addf(&rel, "%s/weeks/2026-W46/%s", tmp, href);
	live = read_text(rel.s);
	assert_non_null(live);
	assert_contains(live, "尚未生成实时工作清单");
	free(live);
	free(href);
	free(week);
	buf_release(&rel);
	remove_tree(tmp);
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
}

/* ---- modes for the scripts ---- */

static int render_fixture(const char *dir, const char *site)
{
	struct fixture f;
	struct config cfg;
	struct diag d;
	int ret;

	fixture_load(&f, dir);
	if (!f.weeks[0].metrics || !f.weeks[1].metrics) {
		fprintf(stderr, "cannot read the fixture in %s\n", dir);
		return 1;
	}
	config_init(&cfg);
	diag_init(&d);
	ret = render_html_site(f.weeks, 2, &cfg, "templates", site, &d);
	if (ret == 0)
		ret = render_html_worklists(f.worklists, f.weeks, 2, &cfg,
					    "templates", site, &d);
	diag_print(stderr, &d);
	diag_release(&d);
	config_release(&cfg);
	fixture_release(&f);
	return ret < 0;
}

static cJSON *synthetic_group(size_t eligible, size_t salt)
{
	cJSON *g = cJSON_CreateObject();
	size_t called = eligible - eligible / 12 - salt % 2;
	size_t rated = called - called / 10, sat = rated - rated / 8;
	cJSON *dist = cJSON_CreateObject();

	cJSON_AddNumberToObject(g, "eligible", (double)eligible);
	cJSON_AddNumberToObject(g, "called_back", (double)called);
	cJSON_AddNumberToObject(g, "coverage", (double)called / (double)eligible);
	cJSON_AddItemToObject(g, "coverage_ci", cJSON_Parse("[0.81, 0.95]"));
	cJSON_AddNumberToObject(g, "rated", (double)rated);
	cJSON_AddNumberToObject(g, "satisfied", (double)sat);
	cJSON_AddNumberToObject(g, "satisfaction", (double)sat / (double)rated);
	cJSON_AddItemToObject(g, "satisfaction_ci", cJSON_Parse("[0.8, 0.93]"));
	cJSON_AddNumberToObject(g, "dissatisfied", (double)(rated - sat) / 2);
	cJSON_AddNumberToObject(g, "loops_closed", 1);
	cJSON_AddNumberToObject(g, "loops_open", 1);
	cJSON_AddNumberToObject(g, "timely", (double)called);
	cJSON_AddNumberToObject(g, "attempts", 3);
	cJSON_AddNumberToObject(g, "median_hours_to_callback", 7.5);
	cJSON_AddNumberToObject(g, "owed", (double)(eligible - called));
	cJSON_AddNumberToObject(g, "overdue", 1);
	cJSON_AddNumberToObject(dist, "非常满意", (double)sat / 2);
	cJSON_AddNumberToObject(dist, "满意", (double)(sat - sat / 2));
	cJSON_AddNumberToObject(dist, "一般", (double)(rated - sat));
	cJSON_AddItemToObject(g, "satisfaction_distribution", dist);
	return g;
}

/*
 * A week of n tickets shaped like a large company's: 12 centres, 20
 * butlers each, 8 % owed, one callback record per ticket, 2 % anomalies.
 */
static cJSON *synthetic_week(size_t n, cJSON **records)
{
	cJSON *m = cJSON_CreateObject(), *list, *rows;
	static const char *const types[3] = { "报事报修", "投诉", "特约服务" };
	char center[64], butler[64], ticket[32];
	size_t i;

	cJSON_AddStringToObject(m, "schema", "huifang.metrics/1");
	cJSON_AddStringToObject(m, "week", "2026-W47");
	cJSON_AddStringToObject(m, "week_start", "2026-11-16");
	cJSON_AddStringToObject(m, "week_end", "2026-11-22");
	cJSON_AddStringToObject(m, "as_of", "2026-11-24 10:00:00");
	cJSON_AddItemToObject(m, "totals", synthetic_group(n, 0));
	list = cJSON_AddArrayToObject(m, "by_type");
	for (i = 0; i < 3; i++) {
		cJSON *g = synthetic_group(n / 3, i);

		cJSON_AddStringToObject(g, "type", types[i]);
		cJSON_AddNumberToObject(g, "target", i ? 1.0 : 0.9);
		cJSON_AddBoolToObject(g, "meets_target", i == 0);
		cJSON_AddItemToArray(list, g);
	}
	list = cJSON_AddArrayToObject(m, "by_subtype");
	for (i = 0; i < 12; i++) {
		cJSON *g = synthetic_group(n / 12, i);

		cJSON_AddStringToObject(g, "type", types[i % 3]);
		snprintf(ticket, sizeof(ticket), "子类%zu", i);
		cJSON_AddStringToObject(g, "subtype", ticket);
		cJSON_AddItemToArray(list, g);
	}
	list = cJSON_AddArrayToObject(m, "by_center");
	for (i = 0; i < 12; i++) {
		cJSON *g = synthetic_group(n / 12, i);

		snprintf(center, sizeof(center), "第%zu服务中心", i);
		cJSON_AddStringToObject(g, "center", center);
		cJSON_AddItemToArray(list, g);
	}
	list = cJSON_AddArrayToObject(m, "by_butler");
	for (i = 0; i < 240; i++) {
		cJSON *g = synthetic_group(n / 240, i);

		snprintf(center, sizeof(center), "第%zu服务中心", i / 20);
		snprintf(butler, sizeof(butler), "管家%zu", i);
		cJSON_AddStringToObject(g, "center", center);
		cJSON_AddStringToObject(g, "butler", butler);
		cJSON_AddBoolToObject(g, "ranked", i % 3 != 0);
		cJSON_AddItemToArray(list, g);
	}
	list = cJSON_AddArrayToObject(m, "owed");
	for (i = 0; i < n * 8 / 100; i++) {
		cJSON *o = cJSON_CreateObject();

		snprintf(ticket, sizeof(ticket), "BX%08zu", i);
		snprintf(center, sizeof(center), "第%zu服务中心", (i % 240) / 20);
		snprintf(butler, sizeof(butler), "管家%zu", i % 240);
		cJSON_AddStringToObject(o, "ticket", ticket);
		cJSON_AddStringToObject(o, "type", "报事报修");
		cJSON_AddStringToObject(o, "center", center);
		cJSON_AddStringToObject(o, "butler", butler);
		cJSON_AddStringToObject(o, "completed_at", "2026-11-17 10:00:00");
		cJSON_AddStringToObject(o, "due_at", "2026-11-19 10:00:00");
		cJSON_AddBoolToObject(o, "overdue", i % 2);
		cJSON_AddItemToArray(list, o);
	}
	list = cJSON_AddArrayToObject(m, "anomalies");
	for (i = 0; i < n / 50; i++) {
		cJSON *o = cJSON_CreateObject();

		snprintf(ticket, sizeof(ticket), "BX%08zu", i * 7);
		snprintf(center, sizeof(center), "第%zu服务中心", (i % 240) / 20);
		snprintf(butler, sizeof(butler), "管家%zu", i % 240);
		cJSON_AddStringToObject(o, "ticket", ticket);
		cJSON_AddStringToObject(o, "kind", "burst");
		cJSON_AddStringToObject(o, "center", center);
		cJSON_AddStringToObject(o, "butler", butler);
		cJSON_AddItemToArray(list, o);
	}
	list = cJSON_AddArrayToObject(m, "loops_open_list");
	for (i = 0; i < n / 100; i++) {
		cJSON *o = cJSON_CreateObject();

		snprintf(ticket, sizeof(ticket), "BX%08zu", i * 13);
		snprintf(center, sizeof(center), "第%zu服务中心", (i % 240) / 20);
		snprintf(butler, sizeof(butler), "管家%zu", i % 240);
		cJSON_AddStringToObject(o, "ticket", ticket);
		cJSON_AddStringToObject(o, "type", "报事报修");
		cJSON_AddStringToObject(o, "subtype", "公区维修");
		cJSON_AddStringToObject(o, "center", center);
		cJSON_AddStringToObject(o, "butler", butler);
		cJSON_AddStringToObject(o, "first_callback_at", "2026-11-18 10:00:00");
		cJSON_AddStringToObject(o, "satisfaction", "不满意");
		cJSON_AddItemToArray(list, o);
	}
	*records = cJSON_CreateObject();
	rows = cJSON_AddArrayToObject(*records, "rows");
	for (i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();

		snprintf(ticket, sizeof(ticket), "BX%08zu", i);
		snprintf(center, sizeof(center), "第%zu服务中心", (i % 240) / 20);
		snprintf(butler, sizeof(butler), "管家%zu", i % 240);
		cJSON_AddStringToObject(r, "center", center);
		cJSON_AddStringToObject(r, "butler", butler);
		cJSON_AddStringToObject(r, "date", "2026-11-18 10:00");
		cJSON_AddStringToObject(r, "ticket", ticket);
		cJSON_AddStringToObject(r, "unit", "3栋1单元502");
		cJSON_AddStringToObject(r, "owner", "陈*");
		cJSON_AddStringToObject(r, "category", "报事报修/公区维修");
		cJSON_AddStringToObject(r, "issue", "楼道灯不亮，已更换灯管");
		cJSON_AddStringToObject(r, "channel", "电话");
		cJSON_AddStringToObject(r, "result", "已解决");
		cJSON_AddStringToObject(r, "satisfaction", "满意");
		cJSON_AddStringToObject(r, "remark", "师傅很及时");
		cJSON_AddStringToObject(r, "recorder", butler);
		cJSON_AddNumberToObject(r, "round", 1);
		cJSON_AddItemToArray(rows, r);
	}
	return m;
}

static int bench(size_t n, const char *site)
{
	struct week_view w;
	cJSON *records;
	struct config cfg;
	struct diag d;
	struct timespec t0, t1;
	int ret;

	memset(&w, 0, sizeof(w));
	w.metrics = synthetic_week(n, &records);
	w.records = records;
	config_init(&cfg);
	diag_init(&d);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = render_html_site(&w, 1, &cfg, "templates", site, &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag_print(stderr, &d);
	printf("html site for a week of %zu tickets (12 centres, 240 butlers, "
	       "%zu records): %.0f ms\n", n, n,
	       (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	diag_release(&d);
	config_release(&cfg);
	cJSON_Delete((cJSON *)w.metrics);
	cJSON_Delete(records);
	return ret < 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_render_html__writes_every_page_inside_the_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__pages_are_self_contained_and_script_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__escapes_every_string_from_the_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__shows_the_view_model_formatted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__gives_each_butler_a_worklist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__a_butler_page_shows_his_live_list_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__live_pages_keep_hostile_names_as_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__live_pages_of_a_hash_collision, setup, teardown),
		cmocka_unit_test(test_render_html__live_pages_without_lists),
		cmocka_unit_test_setup_teardown(test_render_html__keeps_hostile_names_inside_the_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_html__renders_a_week_without_samples_or_records, setup, teardown),
		cmocka_unit_test(test_render_html__neutralises_formulas_in_the_worklist_csv),
		cmocka_unit_test(test_render_html__reports_template_errors_with_position),
		cmocka_unit_test(test_render_html__refuses_a_week_that_is_not_an_iso_week),
		cmocka_unit_test(test_render_html__reports_an_unwritable_site),
		cmocka_unit_test(test_render_html__marks_every_page_of_a_provisional_week),
		cmocka_unit_test(test_render_html__lists_the_earlier_revisions_of_a_week),
	};

	if (argc == 4 && !strcmp(argv[1], "--render"))
		return render_fixture(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "--bench"))
		return bench((size_t)strtoul(argv[2], NULL, 10), argv[3]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
