/*
 * test_sample.c - three-level audit sampling (SPEC §5) over weeks built by
 * hand: the size rule and its floating-point edges, the GB/T 2828.1 level
 * II sizes, keys recomputed from the documented formula, must-includes,
 * scope, disjointness across levels, determinism, stability when late
 * tickets arrive, and the samples.json and audit-sheet CSV output.
 *
 * A week is a struct metrics whose tickets[] are filled here directly, so
 * the tests need neither ingest nor the metrics stage.
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
#include <cJSON.h>

#include "util/arena.h"
#include "model/config.h"
#include "stages/metrics.h"
#include "model/source.h"
#include "stages/sample.h"

static char scratch[4096];   /* a config file beside the test binary */

/* ---- building a week by hand ---- */

struct week {
	struct arena arena;
	struct ticket *tickets;
	struct week_ticket *wt;
	size_t n, cap;
	struct callback cb;       /* every called-back ticket's first callback */
	struct metrics m;
};

static void week_init(struct week *w, size_t cap)
{
	memset(w, 0, sizeof(*w));
	arena_init(&w->arena);
	w->cap = cap;
	w->tickets = calloc(cap, sizeof(*w->tickets));
	w->wt = calloc(cap, sizeof(*w->wt));
	assert_non_null(w->tickets);
	assert_non_null(w->wt);
	w->cb.at = chtime_make(2026, 11, 18, 10, 0, 0);
	w->cb.recorder = "王管家";
	w->cb.channel = "电话";
	w->cb.result = "已解决";
	w->cb.remark = "";
	w->cb.satisfaction_text = "满意";
	w->cb.satisfaction = SAT_SATISFIED;
	w->m.week.year = 2026;
	w->m.week.week = 47;
	w->m.week_start = chtime_week_start(w->m.week);
	w->m.week_end = w->m.week_start + SECONDS_PER_WEEK;
	w->m.as_of = w->m.week_end;
	w->m.tickets = w->wt;
}

static void week_release(struct week *w)
{
	arena_release(&w->arena);
	free(w->tickets);
	free(w->wt);
}

/* Adds one eligible ticket; called_back gives it a first callback. */
static struct ticket *add(struct week *w, const char *id, int type,
			  const char *subtype, const char *center,
			  const char *butler, int called_back,
			  unsigned anomalies)
{
	struct ticket *t;

	assert_true(w->n < w->cap);
	t = &w->tickets[w->n];
	t->id = arena_strdup(&w->arena, id);
	t->type = (int8_t)type;
	t->type_text = "";
	t->subtype = subtype;
	t->center = center;
	t->butler = butler;
	t->unit = "3栋1单元502";
	t->owner = "张三丰";
	t->phone = "13812345678";
	t->content = "";
	t->status = "已完成";
	t->handler = "";
	t->completed_at = chtime_make(2026, 11, 17, 9, 30, 0);
	t->created_at = t->updated_at = t->rectified_at = TIME_NONE;
	w->wt[w->n].ticket = t;
	w->wt[w->n].first = called_back ? &w->cb : NULL;
	w->wt[w->n].anomalies = anomalies;
	w->n++;
	w->m.ntickets = w->n;
	return t;
}

static const struct sample_item *find_item(const struct samples *s,
					   const char *id, size_t *level)
{
	size_t i, j;

	for (i = 0; i < s->nlevels; i++)
		for (j = 0; j < s->levels[i].nitems; j++)
			if (!strcmp(s->levels[i].items[j].ticket->id, id)) {
				if (level)
					*level = i;
				return &s->levels[i].items[j];
			}
	return NULL;
}

/* A config with one level: per butler, the given rate and minimum. */
static void one_level(struct config *cfg, enum stratum stratum, double rate,
		      unsigned minimum)
{
	size_t i;

	config_init(cfg);
	for (i = 1; i < cfg->nlevels; i++)
		sampling_level_release(&cfg->levels[i]);
	cfg->nlevels = 1;
	cfg->levels[0].stratum = stratum;
	cfg->levels[0].rate = rate;
	cfg->levels[0].minimum = minimum;
	cfg->levels[0].risk_signals = 0;
}

static int draw(const struct week *w, const struct config *cfg,
		const char *seed, struct samples *s)
{
	struct diag d;
	int ret;

	diag_init(&d);
	ret = sample_draw(&w->m, cfg, seed, s, &d);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	return ret;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- the size rule ---- */

static size_t size_of(double rate, unsigned minimum, size_t population)
{
	struct sampling_level l;

	memset(&l, 0, sizeof(l));
	l.size = SIZE_RATE;
	l.rate = rate;
	l.minimum = minimum;
	return sample_size(&l, population);
}

static void test_sample__size_rule_is_exact_at_ceiling_edges(void **state)
{
	(void)state;
	/* The brief's case and the ones where rate * N in doubles lands just
	 * above an integer (0.07 * 100 == 7.000000000000001). */
	assert_int_equal(size_of(0.10, 1, 30), 3);
	assert_int_equal(size_of(0.07, 1, 100), 7);
	assert_int_equal(size_of(0.14, 1, 50), 7);
	assert_int_equal(size_of(0.28, 1, 25), 7);
	assert_int_equal(size_of(0.55, 1, 100), 55);
	/* Just above an integer does round up. */
	assert_int_equal(size_of(0.10, 1, 31), 4);
	assert_int_equal(size_of(0.05, 2, 41), 3);
	/* The minimum, and N caps everything. */
	assert_int_equal(size_of(0.10, 1, 9), 1);
	assert_int_equal(size_of(0.05, 2, 40), 2);
	assert_int_equal(size_of(0.05, 2, 1), 1);
	assert_int_equal(size_of(0.03, 1, 100), 3);
	assert_int_equal(size_of(1.00, 1, 17), 17);
	assert_int_equal(size_of(0.00, 0, 17), 0);
	/* An empty stratum samples nothing, whatever the minimum. */
	assert_int_equal(size_of(0.10, 5, 0), 0);
	/* Rates config_load() would refuse clamp instead of wrapping. */
	assert_int_equal(size_of(-0.5, 0, 10), 0);
	assert_int_equal(size_of(7.0, 0, 10), 10);
}

static void test_sample__gb2828_level_ii_sizes(void **state)
{
	static const struct {
		size_t lot;
		char letter;
		size_t size;
	} table[] = {
		{ 2, 'A', 2 },         { 8, 'A', 2 },        { 9, 'B', 3 },
		{ 15, 'B', 3 },        { 16, 'C', 5 },       { 25, 'C', 5 },
		{ 26, 'D', 8 },        { 50, 'D', 8 },       { 51, 'E', 13 },
		{ 90, 'E', 13 },       { 91, 'F', 20 },      { 150, 'F', 20 },
		{ 151, 'G', 32 },      { 280, 'G', 32 },     { 281, 'H', 50 },
		{ 500, 'H', 50 },      { 501, 'J', 80 },     { 1200, 'J', 80 },
		{ 1201, 'K', 125 },    { 3200, 'K', 125 },   { 3201, 'L', 200 },
		{ 10000, 'L', 200 },   { 10001, 'M', 315 },  { 35000, 'M', 315 },
		{ 35001, 'N', 500 },   { 150000, 'N', 500 }, { 150001, 'P', 800 },
		{ 500000, 'P', 800 },  { 500001, 'Q', 1250 },
		{ 10000000, 'Q', 1250 },
	};
	struct sampling_level l;
	size_t i, size;

	(void)state;
	for (i = 0; i < sizeof(table) / sizeof(*table); i++) {
		size = 0;
		assert_int_equal(sample_gb2828_letter(table[i].lot, &size),
				 table[i].letter);
		assert_int_equal(size, table[i].size);
	}
	memset(&l, 0, sizeof(l));
	l.size = SIZE_GB2828_II;
	l.rate = 0.5; /* ignored by this method */
	l.minimum = 1;
	assert_int_equal(sample_size(&l, 0), 0);
	assert_int_equal(sample_size(&l, 1), 1);   /* capped at N */
	assert_int_equal(sample_size(&l, 5), 2);
	assert_int_equal(sample_size(&l, 30), 8);
	assert_int_equal(sample_size(&l, 1000), 80);
	l.minimum = 10;                             /* the floor still holds */
	assert_int_equal(sample_size(&l, 30), 10);
	assert_int_equal(sample_size(&l, 6), 6);
}

static void test_sample__config_file_can_size_by_gb2828_level_ii(void **state)
{
	static const char text[] =
		"{\"sampling\": {\"seed\": \"iso\", \"levels\": [{\"id\": \"iso_audit\", "
		"\"label\": \"按标准抽检\", \"stratum\": \"center\", "
		"\"size\": \"gb2828-II\", \"rate\": 0, \"minimum\": 1}]}}";
	struct week w;
	struct config cfg;
	struct samples s;
	struct diag d;
	struct buf out = BUF_INIT;
	char id[32];
	FILE *fp;
	size_t i;

	(void)state;
	fp = fopen(scratch, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp), sizeof(text) - 1);
	assert_int_equal(fclose(fp), 0);
	config_init(&cfg);
	diag_init(&d);
	if (config_load(&cfg, scratch, &d) < 0) {
		diag_print(stderr, &d);
		fail_msg("the scratch config did not load");
	}
	diag_release(&d);
	unlink(scratch);
	assert_int_equal(cfg.nlevels, 1);

	/* Lots of 30 (D: 8), 3 (A: 2) and 1 (capped: 1). */
	week_init(&w, 40);
	for (i = 0; i < 34; i++) {
		snprintf(id, sizeof(id), "T%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修",
		    i < 30 ? "东区中心" : i < 33 ? "西区中心" : "北区中心",
		    "王芳", 1, 0);
	}
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, NULL, &s), 0);
	assert_string_equal(s.seed, "iso");
	assert_int_equal(s.levels[0].nstrata, 3);
	/* Byte order: 东 E4 B8 9C, 北 E5 8C 97, 西 E8 A5 BF. */
	assert_string_equal(s.levels[0].strata[0].name, "东区中心");
	assert_int_equal(s.levels[0].strata[0].n, 8);
	assert_int_equal(s.levels[0].strata[0].code_letter, 'D');
	assert_string_equal(s.levels[0].strata[1].name, "北区中心");
	assert_int_equal(s.levels[0].strata[1].n, 1);
	assert_string_equal(s.levels[0].strata[2].name, "西区中心");
	assert_int_equal(s.levels[0].strata[2].n, 2);
	assert_int_equal(s.levels[0].strata[2].code_letter, 'A');
	assert_int_equal(s.levels[0].nitems, 11);
	sample_write_json(&s, &w.m, &out);
	assert_non_null(strstr(out.s, "\"size\": \"gb2828-II\",\n"));
	assert_null(strstr(out.s, "\"rate\""));
	assert_non_null(strstr(out.s, "\"population\": 30, \"ordinary\": 30, "
				      "\"places\": 8, \"n\": 8, "
				      "\"code_letter\": \"D\""));
	buf_release(&out);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* ---- keys ---- */

static void test_sample__key_matches_the_documented_formula(void **state)
{
	uint64_t key;

	(void)state;
	/*
	 * docs/sampling.md's worked example, computed outside huifang:
	 * printf 'huifang\037cs_supervisor\037GD20261117001' | sha256sum
	 * starts 468a04088c803b0a = 5082879564204489482; / 2^64 = 0.27554...
	 */
	key = sample_key("huifang", "cs_supervisor", "GD20261117001");
	assert_true(key == UINT64_C(0x468a04088c803b0a));
	assert_true(key == UINT64_C(5082879564204489482));
	assert_true(sample_key_unit(key) == 0.27554345329963403);
	/* The level is part of the key: each level draws independently. */
	key = sample_key("huifang", "quality_dept", "GD20261117001");
	assert_true(key == UINT64_C(0xe31f930b9c770f4a));
	/* Units stay below 1 even for the largest key. */
	assert_true(sample_key_unit(UINT64_MAX) < 1.0);
	assert_true(sample_key_unit(0) == 0.0);
}

static void test_sample__draw_carries_the_documented_key(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	const struct sample_item *it;

	(void)state;
	week_init(&w, 1);
	add(&w, "GD20261117001", TYPE_REPAIR, "公区维修", "东区中心", "王芳",
	    1, 0);
	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	it = find_item(&s, "GD20261117001", NULL);
	assert_non_null(it);
	assert_true(it->key == UINT64_C(0x468a04088c803b0a));
	assert_int_equal(it->reason, SAMPLE_BY_KEY);
	assert_int_equal(it->rank, 1);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__reproduces_the_documented_worked_example(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct buf out = BUF_INIT;
	const struct sample_level *l;
	char id[32];
	size_t i;

	(void)state;
	/* docs/sampling.md: stratum 东区中心/王芳, N 12, n 2, 006 a burst. */
	week_init(&w, 12);
	for (i = 1; i <= 12; i++) {
		snprintf(id, sizeof(id), "GD202611170%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心", "王芳", 1,
		    i == 6 ? 1u << ANOM_BURST : 0);
	}
	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	cfg.levels[0].risk_signals = (1u << ANOM_COUNT) - 1;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	l = &s.levels[0];
	assert_int_equal(l->nstrata, 1);
	assert_int_equal(l->strata[0].population, 12);
	assert_int_equal(l->strata[0].n, 2);
	assert_int_equal(l->nitems, 2);
	assert_string_equal(l->items[0].ticket->id, "GD20261117006");
	assert_int_equal(l->items[0].reason, SAMPLE_MUST_INCLUDE);
	assert_int_equal(l->items[0].rank, 4);
	assert_true(l->items[0].key == UINT64_C(0x4f617a2f2bbc7042));
	assert_string_equal(l->items[1].ticket->id, "GD20261117009");
	assert_int_equal(l->items[1].reason, SAMPLE_BY_KEY);
	assert_int_equal(l->items[1].rank, 1);
	assert_true(l->items[1].key == UINT64_C(0x22ae3745b350cde0));
	sample_write_json(&s, &w.m, &out);
	assert_non_null(strstr(out.s, "\"reason\": \"must include: risk signal burst\""));
	assert_non_null(strstr(out.s, "\"reason\": \"smallest keys: rank 1, n 2 of N 12\""));
	assert_non_null(strstr(out.s, "\"key_hex\": \"22ae3745b350cde0\""));
	buf_reset(&out);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_non_null(strstr(out.s, "必抽：风险信号（同一分钟集中回访）"));
	assert_non_null(strstr(out.s, "随机键 0.135471，第1小（本分层 N=12，抽 n=2）"));
	buf_release(&out);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* ---- selection ---- */

static void test_sample__takes_the_smallest_keys_of_each_stratum(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	uint64_t keys_a[30], keys_b[12];
	char id[32];
	size_t i, na = 0, nb = 0;

	(void)state;
	week_init(&w, 60);
	for (i = 0; i < 42; i++) {
		snprintf(id, sizeof(id), "T%03zu", i);
		if (i % 7 < 5 && na < 30) {
			add(&w, id, TYPE_REPAIR, "公区维修", "东区中心", "王芳",
			    1, 0);
			keys_a[na++] = sample_key("s1", "cs_supervisor", id);
		} else {
			add(&w, id, TYPE_COMPLAINT, "环境管理类", "东区中心",
			    "李强", 1, 0);
			keys_b[nb++] = sample_key("s1", "cs_supervisor", id);
		}
	}
	/* A ticket not called back is in no population. */
	add(&w, "T999", TYPE_REPAIR, "公区维修", "东区中心", "王芳", 0, 0);
	assert_int_equal(na, 30);
	assert_int_equal(nb, 12);
	qsort(keys_a, na, sizeof(*keys_a), compare_u64);
	qsort(keys_b, nb, sizeof(*keys_b), compare_u64);

	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "s1", &s), 0);
	assert_int_equal(s.nlevels, 1);
	assert_int_equal(s.levels[0].population, 42);
	/* Strata in byte order of (centre, butler): 李 (E6 9D) < 王 (E7 8E). */
	assert_int_equal(s.levels[0].nstrata, 2);
	/*
	 * Largest remainder: round(0.1 x 42) = 4 places; shares 1.2 and 3.0
	 * give 1 and 3 and nothing is left over (ceil in every stratum would
	 * have given 2 + 3 = 5, 12 % instead of 10 %).
	 */
	assert_string_equal(s.levels[0].strata[0].name, "东区中心/李强");
	assert_int_equal(s.levels[0].strata[0].population, 12);
	assert_int_equal(s.levels[0].strata[0].n, 1);
	assert_string_equal(s.levels[0].strata[1].name, "东区中心/王芳");
	assert_int_equal(s.levels[0].strata[1].population, 30);
	assert_int_equal(s.levels[0].strata[1].n, 3);
	assert_int_equal(s.levels[0].nitems, 4);
	/* Items come stratum by stratum, each by ascending key. */
	assert_true(s.levels[0].items[0].key == keys_b[0]);
	assert_true(s.levels[0].items[1].key == keys_a[0]);
	assert_true(s.levels[0].items[2].key == keys_a[1]);
	assert_true(s.levels[0].items[3].key == keys_a[2]);
	for (i = 0; i < 4; i++)
		assert_int_equal(s.levels[0].items[i].rank, i < 1 ? i + 1 : i);
	assert_null(find_item(&s, "T999", NULL));
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__must_includes_fill_n_first_and_may_exceed_it(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	char id[32];
	size_t i, musts = 0, by_key = 0;
	const struct sample_item *it;

	(void)state;
	week_init(&w, 40);
	/* 王芳: 20 tickets (n = 2), one of them a burst. */
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "A%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心", "王芳", 1,
		    i == 7 ? 1u << ANOM_BURST : 0);
	}
	/* 李强: 10 tickets (n = 1), four of them self callbacks. */
	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "B%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心", "李强", 1,
		    i % 3 == 0 ? 1u << ANOM_SELF_CALLBACK : 0);
	}
	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	cfg.levels[0].risk_signals = 1u << ANOM_BURST |
				     1u << ANOM_SELF_CALLBACK;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);

	it = find_item(&s, "A07", NULL);
	assert_non_null(it);
	assert_int_equal(it->reason, SAMPLE_MUST_INCLUDE);
	assert_int_equal(it->risk, 1u << ANOM_BURST);
	/*
	 * The rate applies to the 25 ordinary tickets: round(2.5) = 3 key
	 * places; shares 0.6 (李强, 6 ordinary) and 1.9 (王芳, 19) give 0 and
	 * 1, and the two places left go to the larger remainders, one each.
	 * 李强's stratum: its 4 must-includes on top of its 1 key place.
	 */
	assert_string_equal(s.levels[0].strata[0].name, "东区中心/李强");
	assert_int_equal(s.levels[0].strata[0].n, 5);
	assert_int_equal(s.levels[0].strata[0].must_include, 4);
	assert_int_equal(s.levels[0].strata[0].by_key, 1);
	/* 王芳's: the burst, and 2 key places. */
	assert_int_equal(s.levels[0].strata[1].n, 3);
	assert_int_equal(s.levels[0].strata[1].must_include, 1);
	assert_int_equal(s.levels[0].strata[1].by_key, 2);
	for (i = 0; i < s.levels[0].nitems; i++) {
		if (s.levels[0].items[i].reason == SAMPLE_MUST_INCLUDE)
			musts++;
		else
			by_key++;
	}
	assert_int_equal(musts, 5);
	assert_int_equal(by_key, 3);
	/* Must-includes come first in a stratum, by ticket number. */
	assert_string_equal(s.levels[0].items[0].ticket->id, "B00");
	assert_string_equal(s.levels[0].items[3].ticket->id, "B09");
	assert_int_equal(s.levels[0].items[4].reason, SAMPLE_BY_KEY);
	assert_string_equal(s.levels[0].items[5].ticket->id, "A07");
	assert_int_equal(s.levels[0].items[6].reason, SAMPLE_BY_KEY);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__subtype_rule_forces_government_complaints(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	size_t level = 99, i;
	char id[32];
	const struct sample_item *it;

	(void)state;
	week_init(&w, 80);
	for (i = 0; i < 70; i++) {
		snprintf(id, sizeof(id), "R%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "南区中心", "赵六", 1, 0);
	}
	add(&w, "G01", TYPE_COMPLAINT, "政府相关部门移送类", "南区中心",
	    "赵六", 1, 0);
	config_init(&cfg);
	/* Keep cs_supervisor and engineering_manager away from G01. */
	cfg.levels[0].rate = 0;
	cfg.levels[0].minimum = 0;
	cfg.levels[1].rate = 0;
	cfg.levels[1].minimum = 0;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	it = find_item(&s, "G01", &level);
	assert_non_null(it);
	assert_int_equal(level, 2);
	assert_int_equal(it->reason, SAMPLE_MUST_INCLUDE);
	assert_non_null(it->rule);
	assert_string_equal(it->rule->subtype, "政府相关部门移送类");
	/* quality_dept: N 71, n = max(1, ceil(0.03 * 71)) = 3. */
	assert_int_equal(s.levels[2].strata[0].population, 71);
	assert_int_equal(s.levels[2].strata[0].n, 3);
	assert_int_equal(s.levels[2].nitems, 3);
	assert_int_equal(s.levels[0].nitems, 0);
	assert_int_equal(s.levels[1].nitems, 0);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__earlier_level_wins_over_later_must_include(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	size_t level = 99;
	const struct sample_item *it;

	(void)state;
	week_init(&w, 4);
	/* A government complaint with a risk signal: cs_supervisor must take
	 * it, quality_dept's rule would too, and the earlier level wins. */
	add(&w, "G01", TYPE_COMPLAINT, "政府相关部门移送类", "南区中心",
	    "赵六", 1, 1u << ANOM_CALLBACK_TOO_FAST);
	config_init(&cfg);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	it = find_item(&s, "G01", &level);
	assert_non_null(it);
	assert_int_equal(level, 0);
	assert_int_equal(it->risk, 1u << ANOM_CALLBACK_TOO_FAST);
	assert_int_equal(s.levels[2].nitems, 0);
	assert_int_equal(s.levels[2].strata[0].population, 1);
	assert_int_equal(s.levels[2].strata[0].taken_earlier, 1);
	assert_int_equal(s.levels[2].strata[0].must_include, 0);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/*
 * A week of `count` called-back tickets over 4 centres and 12 butlers and
 * all types, with risk signals on a few; the ids are "W" + a number. The
 * sequence is fixed: fill_week(w, 0, 420) starts with the 400 tickets of
 * fill_week(w, 0, 400) and adds 20.
 */
static void fill_week(struct week *w, size_t first, size_t count)
{
	static const char *const centers[] = { "东区中心", "西区中心",
					       "南区中心", "北区中心" };
	static const char *const butlers[] = { "王芳", "李强", "张伟" };
	static const struct {
		int type;
		const char *subtype;
	} kinds[] = {
		{ TYPE_REPAIR, "公区维修" },       { TYPE_REPAIR, "整改类" },
		{ TYPE_REPAIR, "户内维修" },       { TYPE_COMPLAINT, "房屋管理类" },
		{ TYPE_COMPLAINT, "环境管理类" },  { TYPE_SPECIAL, "家政服务" },
		{ TYPE_COMPLAINT, "设备管理类" },  { TYPE_COMPLAINT, "综合服务类" },
	};
	uint32_t x = 2463534242u;
	char id[32];
	size_t i;

	for (i = 0; i < first + count; i++) {
		size_t c, b, k;
		unsigned risk = 0;

		/* xorshift32: a fixed pseudo-random mix, the same on every
		 * machine, so that strata and types interleave. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		c = x % 4;
		b = (x >> 8) % 3;
		k = (x >> 16) % 8;
		if ((x >> 24) % 50 == 0)
			risk = 1u << ANOM_BURST;
		if (i < first)
			continue;
		snprintf(id, sizeof(id), "W%05zu", i * 7919 % 100000);
		/* About 2 % are government complaints (quality_dept's rule). */
		if ((x >> 24) % 50 == 1)
			add(w, id, TYPE_COMPLAINT, "政府相关部门移送类",
			    centers[c], butlers[b], 1, risk);
		else
			add(w, id, kinds[k].type, kinds[k].subtype,
			    centers[c], butlers[b], 1, risk);
	}
}

static void test_sample__a_ticket_is_sampled_by_one_level_at_most(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	size_t i, j, total = 0, *seen;

	(void)state;
	week_init(&w, 400);
	fill_week(&w, 0, 400);
	config_init(&cfg);
	/* Generous rates, so that the levels would overlap if allowed to. */
	cfg.levels[0].rate = 0.5;
	cfg.levels[1].rate = 0.5;
	cfg.levels[2].rate = 0.5;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	seen = calloc(w.n, sizeof(*seen));
	assert_non_null(seen);
	for (i = 0; i < s.nlevels; i++) {
		assert_true(s.levels[i].nitems > 0);
		for (j = 0; j < s.levels[i].nitems; j++) {
			size_t idx = (size_t)(s.levels[i].items[j].ticket -
					      w.tickets);

			assert_true(idx < w.n);
			seen[idx]++;
			total++;
		}
	}
	for (i = 0; i < w.n; i++)
		assert_true(seen[i] <= 1);
	/* The later levels did lose tickets to the earlier ones. */
	for (i = 0, j = 0; i < s.levels[2].nstrata; i++)
		j += s.levels[2].strata[i].taken_earlier;
	assert_true(j > 0);
	assert_true(total <= w.n);
	free(seen);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__scope_limits_the_population(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	const struct sample_level *em;
	size_t i;

	(void)state;
	week_init(&w, 10);
	add(&w, "C1", TYPE_COMPLAINT, "房屋管理类", "东区中心", "王芳", 1, 0);
	add(&w, "C2", TYPE_COMPLAINT, "秩序管理类", "东区中心", "王芳", 1, 0);
	add(&w, "C3", TYPE_COMPLAINT, "设备管理类", "东区中心", "王芳", 1, 0);
	add(&w, "R1", TYPE_REPAIR, "", "东区中心", "王芳", 1, 0);
	add(&w, "S1", TYPE_SPECIAL, "家政服务", "东区中心", "王芳", 1, 0);
	add(&w, "S2", TYPE_SPECIAL, "家政服务", "西区中心", "李强", 1, 0);
	config_init(&cfg);
	/* Only engineering_manager draws: 报事报修 + 投诉 房屋/设备管理类. */
	cfg.levels[0].rate = 0;
	cfg.levels[0].minimum = 0;
	cfg.levels[1].minimum = 10;
	cfg.levels[2].rate = 0;
	cfg.levels[2].minimum = 0;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	em = &s.levels[1];
	assert_string_equal(em->id, "engineering_manager");
	assert_int_equal(em->population, 3);
	/* 西区中心 has nothing in scope: no stratum at all. */
	assert_int_equal(em->nstrata, 1);
	assert_string_equal(em->strata[0].name, "东区中心");
	assert_int_equal(em->strata[0].n, 3);
	assert_int_equal(em->nitems, 3);
	for (i = 0; i < em->nitems; i++) {
		const char *id = em->items[i].ticket->id;

		assert_true(!strcmp(id, "C1") || !strcmp(id, "C3") ||
			    !strcmp(id, "R1"));
	}
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__empty_centre_and_butler_are_unspecified(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;

	(void)state;
	week_init(&w, 2);
	add(&w, "N1", TYPE_REPAIR, "公区维修", "", "", 1, 0);
	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	assert_int_equal(s.levels[0].nstrata, 1);
	assert_string_equal(s.levels[0].strata[0].name, "未指定/未指定");
	assert_string_equal(s.levels[0].strata[0].center, "未指定");
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__same_input_and_seed_give_the_same_sample(void **state)
{
	struct week w;
	struct config cfg;
	struct samples a, b, c;
	struct buf ja = BUF_INIT, jb = BUF_INIT, jc = BUF_INIT;

	(void)state;
	week_init(&w, 300);
	fill_week(&w, 0, 300);
	config_init(&cfg);
	sample_init(&a);
	sample_init(&b);
	sample_init(&c);
	assert_int_equal(draw(&w, &cfg, NULL, &a), 0);
	assert_int_equal(draw(&w, &cfg, "huifang", &b), 0);
	assert_int_equal(draw(&w, &cfg, "another seed", &c), 0);
	sample_write_json(&a, &w.m, &ja);
	sample_write_json(&b, &w.m, &jb);
	sample_write_json(&c, &w.m, &jc);
	/* NULL means the config's seed, "huifang" by default. */
	assert_string_equal(ja.s, jb.s);
	assert_true(strcmp(ja.s, jc.s) != 0);
	/* Drawing again into a used struct gives the same again. */
	assert_int_equal(draw(&w, &cfg, "huifang", &a), 0);
	buf_reset(&ja);
	sample_write_json(&a, &w.m, &ja);
	assert_string_equal(ja.s, jb.s);
	buf_release(&ja);
	buf_release(&jb);
	buf_release(&jc);
	sample_release(&a);
	sample_release(&b);
	sample_release(&c);
	config_release(&cfg);
	week_release(&w);
}

/*
 * SPEC §5: tickets added late disturb an issued sample as little as
 * possible. Add 5 % more tickets to a week of 400: at least 85 % of the
 * tickets each level sampled before are still sampled by it, for several
 * seeds.
 */
static void test_sample__adding_five_percent_keeps_most_of_the_sample(void **state)
{
	static const char *const seeds[] = { "huifang", "2026-W47", "seed-3",
					     "x", "品质" };
	size_t si;

	(void)state;
	for (si = 0; si < sizeof(seeds) / sizeof(*seeds); si++) {
		struct week before, after;
		struct config cfg;
		struct samples s0, s1;
		size_t i, j, kept = 0, total = 0;

		week_init(&before, 400);
		fill_week(&before, 0, 400);
		week_init(&after, 420);
		fill_week(&after, 0, 420);
		config_init(&cfg);
		sample_init(&s0);
		sample_init(&s1);
		assert_int_equal(draw(&before, &cfg, seeds[si], &s0), 0);
		assert_int_equal(draw(&after, &cfg, seeds[si], &s1), 0);
		for (i = 0; i < s0.nlevels; i++) {
			for (j = 0; j < s0.levels[i].nitems; j++) {
				size_t level = 99;

				total++;
				if (find_item(&s1, s0.levels[i].items[j].ticket->id,
					      &level) && level == i)
					kept++;
			}
		}
		assert_true(total >= 40);
		if (kept * 100 < total * 85)
			fail_msg("seed '%s': kept %zu of %zu", seeds[si], kept,
				 total);
		sample_release(&s0);
		sample_release(&s1);
		config_release(&cfg);
		week_release(&before);
		week_release(&after);
	}
}

static void test_sample__rejects_a_config_it_cannot_draw(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct diag d;

	(void)state;
	week_init(&w, 1);
	add(&w, "T1", TYPE_REPAIR, "公区维修", "东区中心", "王芳", 1, 0);
	config_init(&cfg);
	cfg.levels[1].rate = 1.5;
	free(cfg.levels[2].id);
	cfg.levels[2].id = strdup("cs_supervisor");
	sample_init(&s);
	diag_init(&d);
	assert_int_equal(sample_draw(&w.m, &cfg, NULL, &s, &d), -1);
	assert_int_equal(d.errors, 2);
	assert_non_null(strstr(d.entries[0].message, "sampling.levels[1].rate"));
	assert_non_null(strstr(d.entries[1].message, "'cs_supervisor'"));
	assert_int_equal(s.nlevels, 0);
	diag_release(&d);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__warns_of_a_must_include_outside_scope(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct diag d;
	struct sampling_level *em;

	(void)state;
	week_init(&w, 1);
	add(&w, "T1", TYPE_REPAIR, "公区维修", "东区中心", "王芳", 1, 0);
	config_init(&cfg);
	em = &cfg.levels[1];
	em->nmust_include = 3;
	em->must_include = calloc(3, sizeof(*em->must_include));
	em->must_include[0].type = TYPE_SPECIAL;
	em->must_include[0].subtype = strdup("家政服务");
	/* Overlapping the scope in part is fine: no warning for these. */
	em->must_include[1].type = TYPE_COMPLAINT;
	em->must_include[1].subtype = NULL;
	em->must_include[2].type = TYPE_REPAIR;
	em->must_include[2].subtype = strdup("整改类");
	sample_init(&s);
	diag_init(&d);
	assert_int_equal(sample_draw(&w.m, &cfg, NULL, &s, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.warnings, 1);
	assert_non_null(strstr(d.entries[0].message, "特约服务/家政服务"));
	diag_release(&d);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__an_empty_week_draws_nothing(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct buf out = BUF_INIT;
	cJSON *root;
	size_t i;

	(void)state;
	week_init(&w, 2);
	/* Eligible but not called back: no population anywhere. */
	add(&w, "T1", TYPE_REPAIR, "公区维修", "东区中心", "王芳", 0,
	    1u << ANOM_NO_BUTLER);
	config_init(&cfg);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, NULL, &s), 0);
	assert_int_equal(s.nlevels, 3);
	for (i = 0; i < s.nlevels; i++) {
		assert_int_equal(s.levels[i].population, 0);
		assert_int_equal(s.levels[i].nstrata, 0);
		assert_int_equal(s.levels[i].nitems, 0);
	}
	sample_write_json(&s, &w.m, &out);
	root = cJSON_Parse(out.s);
	assert_non_null(root);
	cJSON_Delete(root);
	buf_reset(&out);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_int_equal(strstr(out.s, "\r\n") + 2 - out.s, (long)out.len);
	buf_release(&out);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* ---- output ---- */

static void test_sample__json_explains_every_item(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct buf out = BUF_INIT;
	cJSON *root, *levels, *level, *strata, *items, *item;
	char id[32];
	size_t i;

	(void)state;
	week_init(&w, 40);
	for (i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "GD2026111700%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心", "王\"芳", 1,
		    i == 4 ? 1u << ANOM_SELF_CALLBACK | 1u << ANOM_NO_BUTLER : 0);
	}
	config_init(&cfg);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	sample_write_json(&s, &w.m, &out);
	root = cJSON_Parse(out.s);
	if (!root)
		fail_msg("samples.json does not parse:\n%s", out.s);
	assert_string_equal(cJSON_GetObjectItem(root, "schema")->valuestring,
			    "huifang.samples/1");
	assert_string_equal(cJSON_GetObjectItem(root, "week")->valuestring,
			    "2026-W47");
	assert_string_equal(cJSON_GetObjectItem(root, "week_start")->valuestring,
			    "2026-11-16");
	assert_string_equal(cJSON_GetObjectItem(root, "week_end")->valuestring,
			    "2026-11-22");
	assert_string_equal(cJSON_GetObjectItem(root, "seed")->valuestring,
			    "huifang");
	levels = cJSON_GetObjectItem(root, "levels");
	assert_int_equal(cJSON_GetArraySize(levels), 3);
	level = cJSON_GetArrayItem(levels, 0);
	assert_string_equal(cJSON_GetObjectItem(level, "id")->valuestring,
			    "cs_supervisor");
	assert_string_equal(cJSON_GetObjectItem(level, "label")->valuestring,
			    "客户服务主管");
	strata = cJSON_GetObjectItem(level, "strata");
	/* Per centre, spread over butlers; 1 must-include + round(2.9). */
	assert_int_equal(cJSON_GetArraySize(strata), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(strata, 0),
						"stratum")->valuestring,
			    "东区中心");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(strata, 0),
					     "population")->valueint, 30);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(strata, 0),
					     "n")->valueint, 4);
	items = cJSON_GetObjectItem(level, "items");
	assert_int_equal(cJSON_GetArraySize(items), 4);
	item = cJSON_GetArrayItem(items, 0);
	assert_string_equal(cJSON_GetObjectItem(item, "ticket")->valuestring,
			    "GD202611170004");
	assert_string_equal(cJSON_GetObjectItem(item, "rule")->valuestring,
			    "must_include");
	assert_string_equal(cJSON_GetObjectItem(item, "reason")->valuestring,
			    "must include: risk signal self_callback");
	item = cJSON_GetArrayItem(items, 1);
	assert_string_equal(cJSON_GetObjectItem(item, "rule")->valuestring, "key");
	assert_non_null(strstr(cJSON_GetObjectItem(item, "reason")->valuestring,
			       ", n 4 of N 30"));
	assert_true(cJSON_GetObjectItem(item, "key")->valuedouble >= 0 &&
		    cJSON_GetObjectItem(item, "key")->valuedouble < 1);
	assert_int_equal(strlen(cJSON_GetObjectItem(item, "key_hex")->valuestring),
			 16);
	/* The details a renderer needs, personal data masked. */
	assert_string_equal(cJSON_GetObjectItem(item, "center")->valuestring,
			    "东区中心");
	assert_string_equal(cJSON_GetObjectItem(item, "owner")->valuestring,
			    "张*");
	assert_string_equal(cJSON_GetObjectItem(item, "phone")->valuestring,
			    "138****5678");
	assert_string_equal(cJSON_GetObjectItem(item, "completed_at")->valuestring,
			    "2026-11-17 09:30:00");
	assert_string_equal(cJSON_GetObjectItem(item, "first_callback_at")->valuestring,
			    "2026-11-18 10:00:00");
	assert_string_equal(cJSON_GetObjectItem(item, "satisfaction")->valuestring,
			    "满意");
	assert_string_equal(cJSON_GetObjectItem(item, "recorder")->valuestring,
			    "王管家");
	assert_non_null(strstr(cJSON_GetObjectItem(item, "reason_zh")->valuestring,
			       "（本分层 N=30，抽 n=4）"));
	item = cJSON_GetArrayItem(items, 0);
	assert_string_equal(cJSON_GetObjectItem(item, "reason_zh")->valuestring,
			    "必抽：风险信号（处理人自行回访）");
	cJSON_Delete(root);

	/* Unmasked when the config said so at draw time. */
	cfg.mask_names = false;
	cfg.mask_phones = false;
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	buf_reset(&out);
	sample_write_json(&s, &w.m, &out);
	assert_non_null(strstr(out.s, "\"owner\": \"张三丰\", \"phone\": \"13812345678\""));
	buf_release(&out);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

static void test_sample__csv_neutralises_a_formula_ticket_number(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct buf out = BUF_INIT;
	char *row;

	(void)state;
	week_init(&w, 1);
	add(&w, "=HYPERLINK(\"http://x\")", TYPE_REPAIR, "公区维修", "东区中心",
	    "王芳", 1, 0);
	one_level(&cfg, STRATUM_BUTLER, 0.10, 1);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_memory_equal(out.s, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out.s, "周次,抽查级别,服务中心,责任人,工单编号,"));
	assert_non_null(strstr(out.s, ",是否真实回访,复核满意度,问题描述,抽查人,"
				      "抽查日期\r\n"));
	row = strstr(out.s, "\r\n") + 2;
	/* The formula is quoted and prefixed with a single quote. */
	assert_non_null(strstr(row, ",\"'=HYPERLINK(\"\"http://x\"\")\","));
	/* The week and level, for the import. */
	assert_non_null(strstr(row, "2026-W47,cs_supervisor,"));
	/*
	 * The audit sheet's masking: name masked, the phone shown for the
	 * auditor's call; the first callback shown, blanks left.
	 */
	assert_non_null(strstr(row, ",张*,13812345678,,2026-11-17 09:30:00,"
				    "2026-11-18 10:00:00,电话,已解决,满意,,王管家,"));
	assert_non_null(strstr(row, "随机键 "));
	assert_non_null(strstr(row, ",,,,,\r\n"));

	/* The reports' masking does not apply to the sheet, audit's does. */
	cfg.mask_names = true;
	cfg.mask_phones = true;
	cfg.audit_mask_names = false;
	buf_reset(&out);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_non_null(strstr(out.s, ",张三丰,13812345678,"));
	cfg.audit_mask_names = true;
	cfg.audit_mask_phones = true;
	buf_reset(&out);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_non_null(strstr(out.s, ",张*,138****5678,"));
	/* A level out of range has the header only. */
	buf_reset(&out);
	sample_write_csv(&s, 7, NULL, &cfg, &out);
	assert_int_equal(strstr(out.s, "\r\n") + 2 - out.s, (long)out.len);
	buf_release(&out);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* ---- realised rates, spread, sources without butlers, follow-up ---- */

/*
 * A realistic week of `count` tickets: 8 centres, `per_butler` tickets a
 * butler on average, every type; 2 % bursts, 1 % government complaints.
 */
static void fill_volume(struct week *w, size_t count, size_t per_butler)
{
	static const char *const centers[] = {
		"翠湖苑物业服务中心", "东区中心", "西区中心", "南区中心",
		"北区中心", "滨江中心", "山景中心", "花园中心"
	};
	static const char *const subtypes[] = { "公区维修", "户内维修",
						"房屋管理类", "环境管理类" };
	static char names[64][16];
	size_t nbutlers = count / 8 / per_butler + 1, i;
	uint32_t x = 88172645u;
	char id[32];

	if (nbutlers > 64)
		nbutlers = 64;
	for (i = 0; i < 64; i++)
		snprintf(names[i], sizeof(names[i]), "管家%02zu", i);
	for (i = 0; i < count; i++) {
		const char *sub;
		int type;
		unsigned risk = 0;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		snprintf(id, sizeof(id), "V%06zu", i);
		type = x % 4 < 2 ? TYPE_REPAIR : x % 4 == 2 ? TYPE_COMPLAINT :
							  TYPE_SPECIAL;
		sub = type == TYPE_REPAIR ? subtypes[(x >> 4) % 2] :
		      type == TYPE_COMPLAINT ?
				(x >> 20) % 100 == 0 ? "政府相关部门移送类" :
						       subtypes[2 + (x >> 4) % 2] :
				"家政服务";
		if ((x >> 24) % 50 == 0)
			risk = 1u << ANOM_BURST;
		add(w, id, type, sub, centers[(x >> 8) % 8],
		    names[(x >> 12) % nbutlers], 1, risk);
	}
}

/*
 * The settled tolerance: at 500, 4,000 and 20,000 tickets a week, each
 * level's tickets sampled by key are within 0.7-1.3 x its rate of the
 * tickets that are not must-includes, with dense (two a butler) and
 * sparse (thirty a butler) butlers alike.
 */
static void test_sample__realised_rate_is_within_tolerance_at_three_volumes(void **state)
{
	static const size_t volumes[] = { 500, 4000, 20000 };
	static const size_t per_butler[] = { 2, 30 };
	size_t v, p, i;

	(void)state;
	for (v = 0; v < 3; v++) {
		for (p = 0; p < 2; p++) {
			struct week w;
			struct config cfg;
			struct samples s;

			week_init(&w, volumes[v]);
			fill_volume(&w, volumes[v], per_butler[p]);
			config_init(&cfg);
			sample_init(&s);
			assert_int_equal(draw(&w, &cfg, "huifang", &s), 0);
			for (i = 0; i < s.nlevels; i++) {
				const struct sample_level *l = &s.levels[i];
				double realised = (double)l->by_key /
						  (double)l->ordinary;

				assert_true(l->ordinary > 0);
				if (realised < 0.7 * l->rate ||
				    realised > 1.3 * l->rate)
					fail_msg("%zu tickets, %zu a butler, %s: %zu of %zu by key = %.4f, rate %.2f",
						 volumes[v], per_butler[p],
						 l->id, l->by_key, l->ordinary,
						 realised, l->rate);
			}
			sample_release(&s);
			config_release(&cfg);
			week_release(&w);
		}
	}
}

/* Per centre, spread: every butler gets one before any gets two. */
static void test_sample__spread_takes_round_robin_over_butlers(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	char id[32];
	size_t i, count[4] = { 0 };
	static const char *const butlers[] = { "甲", "乙", "丙", "丁" };

	(void)state;
	week_init(&w, 80);
	/* 甲 has 50 tickets, the others 10 each: 8 places. */
	for (i = 0; i < 80; i++) {
		snprintf(id, sizeof(id), "S%03zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心",
		    butlers[i < 50 ? 0 : 1 + (i - 50) / 10], 1, 0);
	}
	one_level(&cfg, STRATUM_CENTER, 0.10, 1);
	cfg.levels[0].spread = SPREAD_BUTLER;
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "spread", &s), 0);
	assert_int_equal(s.levels[0].nstrata, 1);
	assert_int_equal(s.levels[0].nitems, 8);
	for (i = 0; i < 8; i++) {
		size_t b;

		for (b = 0; b < 4; b++)
			if (!strcmp(s.levels[0].items[i].ticket->butler,
				    butlers[b]))
				count[b]++;
	}
	/* 8 places over 4 butlers: two rounds, two each. */
	for (i = 0; i < 4; i++)
		assert_int_equal(count[i], 2);
	/* Within one round, by ascending key. */
	for (i = 1; i < 4; i++)
		assert_true(s.levels[0].items[i - 1].key <
			    s.levels[0].items[i].key);
	sample_release(&s);

	/* minimum_per_butler: 3 each, 12 in all although the rate says 8. */
	cfg.levels[0].minimum_per_butler = 3;
	assert_int_equal(draw(&w, &cfg, "spread", &s), 0);
	assert_int_equal(s.levels[0].nitems, 12);
	assert_int_equal(s.levels[0].strata[0].n, 12);
	assert_int_equal(s.levels[0].strata[0].places, 8);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/*
 * A source without butlers: every ticket has no_butler, but no profile
 * maps 责任人, so none is a must-include; the default config samples each
 * centre at its rate, spread over the recorders, and the later levels
 * still get their share.
 */
static void test_sample__a_source_without_butlers_samples_by_centre(void **state)
{
	static const char *const recorders[] = { "客服甲", "客服乙" };
	struct week w;
	struct config cfg;
	struct samples s;
	struct callback cbs[2];
	char id[32];
	size_t i, j, by_recorder[2] = { 0 };

	(void)state;
	week_init(&w, 400);
	for (i = 0; i < 2; i++) {
		cbs[i] = w.cb;
		cbs[i].recorder = recorders[i];
	}
	for (i = 0; i < 400; i++) {
		snprintf(id, sizeof(id), "NB%04zu", i);
		add(&w, id, i % 3 ? TYPE_REPAIR : TYPE_COMPLAINT,
		    i % 3 ? "公区维修" : "房屋管理类",
		    i % 2 ? "东区中心" : "西区中心", "", 1,
		    1u << ANOM_NO_BUTLER);
		w.wt[i].first = &cbs[i % 4 < 2];
	}
	config_init(&cfg);
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "nb", &s), 0);
	for (i = 0; i < s.nlevels; i++) {
		const struct sample_level *l = &s.levels[i];

		assert_int_equal(l->ordinary, l->population);
		assert_true(l->nitems > 0);
		for (j = 0; j < l->nitems; j++)
			assert_int_equal(l->items[j].reason, SAMPLE_BY_KEY);
	}
	/* cs_supervisor: 2 centres, 200 each: 20 + 20, spread by recorder. */
	assert_int_equal(s.levels[0].nstrata, 2);
	assert_int_equal(s.levels[0].nitems, 40);
	for (j = 0; j < s.levels[0].nitems; j++)
		by_recorder[s.levels[0].items[j].first == &cbs[1]]++;
	assert_int_equal(by_recorder[0], 20);
	assert_int_equal(by_recorder[1], 20);
	/* engineering_manager: 5 % of 400 in scope = 20. */
	assert_int_equal(s.levels[1].population, 400);
	assert_int_equal(s.levels[1].nitems, 20);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* A confirmed fake makes every callback of that butler a must-include. */
static void test_sample__fake_followup_forces_the_butlers_callbacks(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct diag d;
	struct sample_followup fu = { "东区中心", "王芳", { 2026, 45 } }, *heap;
	struct buf out = BUF_INIT;
	char id[32];
	size_t i, wang = 0;

	(void)state;
	week_init(&w, 60);
	for (i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "F%03zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "东区中心",
		    i % 6 ? "李强" : "王芳", 1, 0);
	}
	config_init(&cfg);
	sample_init(&s);
	diag_init(&d);
	/*
	 * The list is the caller's and may go before the samples do (the run
	 * frees it, then writes the sheets): a regression under ASan.
	 */
	heap = malloc(sizeof(*heap));
	assert_non_null(heap);
	*heap = fu;
	assert_int_equal(sample_draw_followup(&w.m, NULL, &cfg, "fu", heap, 1, &s, &d),
			 0);
	free(heap);
	assert_int_equal(d.errors, 0);
	for (i = 0; i < s.levels[0].nitems; i++) {
		const struct sample_item *it = &s.levels[0].items[i];

		if (strcmp(it->ticket->butler, "王芳"))
			continue;
		wang++;
		assert_int_equal(it->reason, SAMPLE_MUST_INCLUDE);
		assert_true(it->followup);
		assert_int_equal(it->followup_week.week, 45);
	}
	assert_int_equal(wang, 10);
	/* The 50 others give 5 key places. */
	assert_int_equal(s.levels[0].by_key, 5);
	sample_write_json(&s, &w.m, &out);
	assert_non_null(strstr(out.s, "fake_followup (a fake callback confirmed in 2026-W45)"));
	assert_non_null(strstr(out.s, "\"fake_followup\": \"2026-W45\""));
	buf_reset(&out);
	sample_write_csv(&s, 0, NULL, &cfg, &out);
	assert_non_null(strstr(out.s, "必抽：虚假回访跟踪（2026-W45 查实）"));
	buf_release(&out);
	sample_release(&s);
	/* Without the follow-up, 王芳's callbacks are drawn like any. */
	assert_int_equal(draw(&w, &cfg, "fu", &s), 0);
	for (i = 0; i < s.levels[0].nitems; i++)
		assert_int_equal(s.levels[0].items[i].reason, SAMPLE_BY_KEY);
	diag_release(&d);
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/* A stratum an earlier level emptied says so, and draws what is left. */
static void test_sample__strata_say_why_they_drew_fewer(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct sampling_level *l2;
	char id[32];
	size_t i;

	(void)state;
	week_init(&w, 10);
	for (i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "E%02zu", i);
		add(&w, id, TYPE_REPAIR, "公区维修", "小中心", "王芳", 1,
		    1u << ANOM_BURST);
	}
	config_init(&cfg);
	l2 = &cfg.levels[2];
	sample_init(&s);
	assert_int_equal(draw(&w, &cfg, "short", &s), 0);
	/* cs_supervisor took all three as must-includes. */
	assert_int_equal(s.levels[0].nitems, 3);
	assert_int_equal(s.levels[2].strata[0].n, l2->minimum);
	assert_int_equal(s.levels[2].strata[0].must_include +
			 s.levels[2].strata[0].by_key, 0);
	assert_int_equal(s.levels[2].strata[0].taken_earlier, 3);
	assert_string_equal(sample_stratum_short(&s.levels[2].strata[0]),
			    "taken_earlier");
	assert_string_equal(sample_stratum_short(&s.levels[0].strata[0]), "");
	sample_release(&s);
	config_release(&cfg);
	week_release(&w);
}

/*
 * no_butler forces a ticket in only when its file's source profile maps
 * 责任人: the same week, drawn with a set whose file a profile reads with
 * a 负责人 column, and with one whose profile does not name the column.
 */
static void test_sample__no_butler_is_a_must_include_only_where_mapped(void **state)
{
	struct week w;
	struct config cfg;
	struct samples s;
	struct diag d;
	struct ticket_set set;
	struct input_file files[2];
	struct source_profile prof;
	int columns[1] = { COL_BUTLER };
	char id[32];
	size_t i, musts;

	(void)state;
	week_init(&w, 40);
	for (i = 0; i < 40; i++) {
		struct ticket *t;

		snprintf(id, sizeof(id), "NB%02zu", i);
		t = add(&w, id, TYPE_REPAIR, "公区维修", "东区中心",
			i < 5 ? "" : "王芳", 1, i < 5 ? 1u << ANOM_NO_BUTLER : 0);
		t->file = 0;
	}
	memset(&set, 0, sizeof(set));
	memset(files, 0, sizeof(files));
	files[0].name = "erp-工单.csv";
	set.files = files;
	set.nfiles = 1;
	memset(&prof, 0, sizeof(prof));
	prof.name = (char *)"erp";
	string_list_add(&prof.files, "erp-*.csv");
	string_list_add(&prof.header, "负责人");
	prof.header_column = columns;
	config_init(&cfg);
	cfg.sources = &prof;
	cfg.nsources = 1;
	diag_init(&d);
	sample_init(&s);

	/* The profile maps 责任人: the five empty butlers are forced in. */
	assert_int_equal(sample_draw_followup(&w.m, &set, &cfg, "nb", NULL, 0,
					      &s, &d), 0);
	for (i = musts = 0; i < s.levels[0].nitems; i++)
		if (s.levels[0].items[i].reason == SAMPLE_MUST_INCLUDE) {
			musts++;
			assert_int_equal(s.levels[0].items[i].risk,
					 1u << ANOM_NO_BUTLER);
		}
	assert_int_equal(musts, 5);
	sample_release(&s);

	/* A profile that does not name the column: nothing forced in. */
	columns[0] = COL_HANDLER;
	assert_int_equal(sample_draw_followup(&w.m, &set, &cfg, "nb", NULL, 0,
					      &s, &d), 0);
	for (i = 0; i < s.levels[0].nitems; i++)
		assert_int_equal(s.levels[0].items[i].reason, SAMPLE_BY_KEY);
	sample_release(&s);

	/* A file no profile reads: nothing forced in either. */
	files[0].name = "other.csv";
	columns[0] = COL_BUTLER;
	assert_int_equal(sample_draw_followup(&w.m, &set, &cfg, "nb", NULL, 0,
					      &s, &d), 0);
	for (i = 0; i < s.levels[0].nitems; i++)
		assert_int_equal(s.levels[0].items[i].reason, SAMPLE_BY_KEY);
	sample_release(&s);
	assert_int_equal(d.errors, 0);
	diag_release(&d);
	cfg.sources = NULL;
	cfg.nsources = 0;
	string_list_clear(&prof.files);
	string_list_clear(&prof.header);
	config_release(&cfg);
	week_release(&w);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample__size_rule_is_exact_at_ceiling_edges),
		cmocka_unit_test(test_sample__gb2828_level_ii_sizes),
		cmocka_unit_test(test_sample__config_file_can_size_by_gb2828_level_ii),
		cmocka_unit_test(test_sample__key_matches_the_documented_formula),
		cmocka_unit_test(test_sample__draw_carries_the_documented_key),
		cmocka_unit_test(test_sample__reproduces_the_documented_worked_example),
		cmocka_unit_test(test_sample__takes_the_smallest_keys_of_each_stratum),
		cmocka_unit_test(test_sample__must_includes_fill_n_first_and_may_exceed_it),
		cmocka_unit_test(test_sample__subtype_rule_forces_government_complaints),
		cmocka_unit_test(test_sample__earlier_level_wins_over_later_must_include),
		cmocka_unit_test(test_sample__a_ticket_is_sampled_by_one_level_at_most),
		cmocka_unit_test(test_sample__scope_limits_the_population),
		cmocka_unit_test(test_sample__empty_centre_and_butler_are_unspecified),
		cmocka_unit_test(test_sample__an_empty_week_draws_nothing),
		cmocka_unit_test(test_sample__same_input_and_seed_give_the_same_sample),
		cmocka_unit_test(test_sample__adding_five_percent_keeps_most_of_the_sample),
		cmocka_unit_test(test_sample__rejects_a_config_it_cannot_draw),
		cmocka_unit_test(test_sample__warns_of_a_must_include_outside_scope),
		cmocka_unit_test(test_sample__json_explains_every_item),
		cmocka_unit_test(test_sample__csv_neutralises_a_formula_ticket_number),
		cmocka_unit_test(test_sample__realised_rate_is_within_tolerance_at_three_volumes),
		cmocka_unit_test(test_sample__spread_takes_round_robin_over_butlers),
		cmocka_unit_test(test_sample__a_source_without_butlers_samples_by_centre),
		cmocka_unit_test(test_sample__fake_followup_forces_the_butlers_callbacks),
		cmocka_unit_test(test_sample__strata_say_why_they_drew_fewer),
		cmocka_unit_test(test_sample__no_butler_is_a_must_include_only_where_mapped),
	};

	const char *slash = strrchr(argv[0], '/');
	int dirlen = slash ? (int)(slash - argv[0]) : 1;

	(void)argc;
	/* Beside the binary, but not named test_*: tests/run.sh runs
	 * everything called that. */
	snprintf(scratch, sizeof(scratch), "%.*s/scratch-sample-%ld.json",
		 dirlen, slash ? argv[0] : ".", (long)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
