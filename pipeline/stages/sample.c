/*
 * sample.c - three-level audit samples by permanent random numbers.
 *
 * For each level, in config order, the level's population (the week's
 * called-back tickets inside its scope) is sorted by stratum and, inside a
 * stratum, by the 64-bit key and then the ticket number, so that the rank
 * of a key is well defined even for (astronomically unlikely) equal keys.
 * A stratum of N tickets then takes, in this order:
 *
 *   1. every must-include (risk signal or sub-type rule) not yet taken by
 *      an earlier level: they count against n first, and are all taken
 *      even when there are more of them than n;
 *   2. the tickets with the smallest keys that are neither must-includes
 *      nor taken by an earlier level, until the stratum holds n.
 *
 * Invariants: a ticket is taken by at most one level (the `taken` array
 * spans the levels of one draw); N and n count the whole in-scope
 * population, including tickets an earlier level took, so that n does not
 * depend on the order of the levels; nothing depends on the machine
 * (keys are compared as integers, the size rule is integer arithmetic,
 * strings are compared byte-wise).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csvout.h"
#include "util/mask.h"
#include "stages/sample.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define WHOLE_POPULATION "全部"

/*
 * The Chinese names of the risk signals, for the audit sheets; their
 * English names are metrics.json's anomaly kinds, anomaly_kind_name.
 */
static const char *const risk_label[ANOM_COUNT] = {
	"回访早于完成", "未完成即回访", "完成后一分钟内回访",
	"同一分钟集中回访", "处理人自行回访", "无责任人",
};
_Static_assert(ANOM_COUNT == 6,
	       "risk_label must name every enum anomaly_kind");

/* GB/T 2828.1-2012 table 1 (level II) and table 2-A sample sizes. */
static const struct {
	size_t max_lot;
	char letter;
	size_t size;
} gb2828_level_ii[] = {
	{ 8, 'A', 2 },        { 15, 'B', 3 },       { 25, 'C', 5 },
	{ 50, 'D', 8 },       { 90, 'E', 13 },      { 150, 'F', 20 },
	{ 280, 'G', 32 },     { 500, 'H', 50 },     { 1200, 'J', 80 },
	{ 3200, 'K', 125 },   { 10000, 'L', 200 },  { 35000, 'M', 315 },
	{ 150000, 'N', 500 }, { 500000, 'P', 800 }, { SIZE_MAX, 'Q', 1250 },
};

/* One in-scope ticket of the level being drawn. */
struct candidate {
	size_t index;              /* into m->tickets */
	const char *center;        /* stratum keys; "" when not stratified */
	const char *butler;
	const char *id;
	uint64_t key;
	unsigned risk;             /* must-include risk signals hit */
	const struct scope_rule *rule; /* must-include sub-type rule hit */
};

void sample_init(struct samples *s)
{
	memset(s, 0, sizeof(*s));
}

static void level_release(struct sample_level *l)
{
	size_t i;

	free(l->id);
	free(l->label);
	for (i = 0; i < l->nstrata; i++) {
		free(l->strata[i].name);
		free(l->strata[i].center);
		free(l->strata[i].butler);
	}
	free(l->strata);
	free(l->items);
}

void sample_release(struct samples *s)
{
	size_t i;

	for (i = 0; i < s->nlevels; i++)
		level_release(&s->levels[i]);
	free(s->levels);
	free(s->seed);
	sample_init(s);
}

uint64_t sample_key(const char *seed, const char *level_id,
		    const char *ticket)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	uint64_t key = 0;
	int i;

	sha256_init(&c);
	sha256_update(&c, seed, strlen(seed));
	sha256_update(&c, "\x1f", 1);
	sha256_update(&c, level_id, strlen(level_id));
	sha256_update(&c, "\x1f", 1);
	sha256_update(&c, ticket, strlen(ticket));
	sha256_final(&c, digest);
	for (i = 0; i < 8; i++)
		key = key << 8 | digest[i];
	return key;
}

double sample_key_unit(uint64_t key)
{
	/* 53 bits fit a double exactly; the division by 2^53 is exact too. */
	return (double)(key >> 11) / 9007199254740992.0;
}

char sample_gb2828_letter(size_t population, size_t *size)
{
	size_t i;

	for (i = 0; population > gb2828_level_ii[i].max_lot; i++)
		;
	if (size)
		*size = gb2828_level_ii[i].size;
	return gb2828_level_ii[i].letter;
}

size_t sample_size(const struct sampling_level *level, size_t population)
{
	uint64_t n;

	if (!population)
		return 0;
	if (level->size == SIZE_GB2828_II) {
		size_t size;

		sample_gb2828_letter(population, &size);
		n = size;
	} else {
		/*
		 * ceil(rate * N) in integers, with the rate in millionths:
		 * 0.1 is 100000/10^6 exactly, so ceil(0.1 * 30) is
		 * 3000000/10^6 = 3, where the double 0.1 * 30 would be
		 * 3.0000000000000004 and round up to 4.
		 */
		uint64_t ppm = 0;

		/* Out-of-range rates (config_load() refuses them) clamp. */
		if (level->rate >= 1)
			ppm = 1000000;
		else if (level->rate > 0)
			ppm = (uint64_t)llround(level->rate * 1e6);
		n = (ppm * (uint64_t)population + 999999) / 1000000;
	}
	if (n < level->minimum)
		n = level->minimum;
	if (n > population)
		n = population;
	return (size_t)n;
}

static bool rule_matches(const struct scope_rule *r, const struct ticket *t)
{
	if (r->type != t->type)
		return false;
	if (!r->subtype)
		return true;
	/* A rule may name the empty sub-type the way metrics shows it. */
	if (!t->subtype[0])
		return !strcmp(r->subtype, METRICS_UNCLASSIFIED);
	return !strcmp(r->subtype, t->subtype);
}

static bool in_scope(const struct sampling_level *l, const struct ticket *t)
{
	size_t i;

	if (!l->nscope)
		return true;
	for (i = 0; i < l->nscope; i++)
		if (rule_matches(&l->scope[i], t))
			return true;
	return false;
}

/*
 * Could a ticket matching must-include rule r ever be in l's scope? Two
 * rules overlap when their types agree and either covers the whole type or
 * both name the same sub-type.
 */
static bool rule_within_scope(const struct sampling_level *l,
			      const struct scope_rule *r)
{
	size_t i;

	if (!l->nscope)
		return true;
	for (i = 0; i < l->nscope; i++) {
		const struct scope_rule *s = &l->scope[i];

		if (s->type != r->type)
			continue;
		if (!s->subtype || !r->subtype || !strcmp(s->subtype, r->subtype))
			return true;
	}
	return false;
}

static int compare_candidates(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c;

	if ((c = strcmp(x->center, y->center)))
		return c;
	if ((c = strcmp(x->butler, y->butler)))
		return c;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int compare_items_by_ticket(const void *a, const void *b)
{
	const struct sample_item *x = a, *y = b;

	return strcmp(x->ticket->id, y->ticket->id);
}

static char *stratum_name(enum stratum kind, const char *center,
			  const char *butler)
{
	struct buf b = BUF_INIT;

	switch (kind) {
	case STRATUM_ALL:
		buf_adds(&b, WHOLE_POPULATION);
		break;
	case STRATUM_CENTER:
		buf_adds(&b, center);
		break;
	case STRATUM_BUTLER:
		buf_addf(&b, "%s/%s", center, butler);
		break;
	}
	return buf_detach(&b, NULL);
}

/*
 * Draws one level: fills l and marks the tickets it takes in taken[]
 * (indexed like m->tickets).
 */
static void draw_level(const struct metrics *m,
		       const struct sampling_level *cfg_level,
		       const char *seed, bool *taken, struct sample_level *l)
{
	struct candidate *cand;
	size_t ncand = 0, i, start, end, j;

	l->id = xstrdup(cfg_level->id);
	l->label = xstrdup(cfg_level->label ? cfg_level->label : "");
	l->stratum = cfg_level->stratum;
	l->size = cfg_level->size;
	l->rate = cfg_level->rate;
	l->minimum = cfg_level->minimum;

	cand = xcalloc(m->ntickets ? m->ntickets : 1, sizeof(*cand));
	for (i = 0; i < m->ntickets; i++) {
		const struct week_ticket *wt = &m->tickets[i];
		const struct ticket *t = wt->ticket;
		struct candidate *c;

		if (!wt->first || !in_scope(cfg_level, t))
			continue;
		c = &cand[ncand++];
		c->index = i;
		c->id = t->id;
		c->center = cfg_level->stratum == STRATUM_ALL ?
				    "" : metrics_or_unspecified(t->center);
		c->butler = cfg_level->stratum == STRATUM_BUTLER ?
				    metrics_or_unspecified(t->butler) : "";
		c->key = sample_key(seed, cfg_level->id, t->id);
		c->risk = wt->anomalies & cfg_level->risk_signals;
		for (j = 0; j < cfg_level->nmust_include && !c->rule; j++)
			if (rule_matches(&cfg_level->must_include[j], t))
				c->rule = &cfg_level->must_include[j];
	}
	l->population = ncand;
	qsort(cand, ncand, sizeof(*cand), compare_candidates);

	/* Every candidate could be sampled: size items for that at once. */
	l->items = xcalloc(ncand ? ncand : 1, sizeof(*l->items));
	for (start = 0; start < ncand; start = end) {
		struct sample_stratum *s;
		size_t musts_from, sampled = 0;

		for (end = start + 1; end < ncand; end++)
			if (strcmp(cand[end].center, cand[start].center) ||
			    strcmp(cand[end].butler, cand[start].butler))
				break;
		l->strata = xreallocarray(l->strata, l->nstrata + 1,
					  sizeof(*l->strata));
		s = &l->strata[l->nstrata];
		memset(s, 0, sizeof(*s));
		s->name = stratum_name(l->stratum, cand[start].center,
				       cand[start].butler);
		if (l->stratum != STRATUM_ALL)
			s->center = xstrdup(cand[start].center);
		if (l->stratum == STRATUM_BUTLER)
			s->butler = xstrdup(cand[start].butler);
		s->population = end - start;
		s->n = sample_size(cfg_level, s->population);
		if (l->size == SIZE_GB2828_II)
			s->code_letter = sample_gb2828_letter(s->population,
							      NULL);

		/* Must-includes first: all of them, whatever n is. */
		musts_from = l->nitems;
		for (i = start; i < end; i++) {
			struct sample_item *it;

			if (!cand[i].risk && !cand[i].rule)
				continue;
			if (taken[cand[i].index]) {
				s->taken_earlier++;
				continue;
			}
			taken[cand[i].index] = true;
			it = &l->items[l->nitems++];
			it->reason = SAMPLE_MUST_INCLUDE;
			it->risk = cand[i].risk;
			it->rule = cand[i].rule;
			it->rank = i - start + 1;
			it->key = cand[i].key;
			it->stratum = l->nstrata;
			it->ticket = m->tickets[cand[i].index].ticket;
			it->first = m->tickets[cand[i].index].first;
			s->must_include++;
			sampled++;
		}
		qsort(l->items + musts_from, l->nitems - musts_from,
		      sizeof(*l->items), compare_items_by_ticket);

		/* Then the smallest keys fill what is left of n. */
		for (i = start; i < end; i++) {
			struct sample_item *it;

			if (cand[i].risk || cand[i].rule)
				continue;
			if (taken[cand[i].index]) {
				s->taken_earlier++;
				continue;
			}
			if (sampled >= s->n)
				continue;
			taken[cand[i].index] = true;
			it = &l->items[l->nitems++];
			it->reason = SAMPLE_BY_KEY;
			it->rank = i - start + 1;
			it->key = cand[i].key;
			it->stratum = l->nstrata;
			it->ticket = m->tickets[cand[i].index].ticket;
			it->first = m->tickets[cand[i].index].first;
			s->by_key++;
			sampled++;
		}
		l->nstrata++;
	}
	free(cand);
}

static int check_levels(const struct config *cfg, struct diag *d)
{
	const char *file = cfg->path;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < cfg->nlevels; i++) {
		const struct sampling_level *l = &cfg->levels[i];

		if (!l->id || !l->id[0]) {
			diag_report(d, DIAG_ERROR, file, 0, 0,
				    "sampling.levels[%zu].id: must not be empty",
				    i);
			ret = -1;
			continue;
		}
		if (!(l->rate >= 0 && l->rate <= 1)) {
			diag_report(d, DIAG_ERROR, file, 0, 0,
				    "sampling.levels[%zu].rate: must be between 0 and 1, got %g",
				    i, l->rate);
			ret = -1;
		}
		for (j = 0; j < i; j++)
			if (cfg->levels[j].id &&
			    !strcmp(cfg->levels[j].id, l->id)) {
				diag_report(d, DIAG_ERROR, file, 0, 0,
					    "sampling.levels[%zu].id: '%s' is used by level %zu too",
					    i, l->id, j);
				ret = -1;
			}
		for (j = 0; j < l->nmust_include; j++) {
			const struct scope_rule *r = &l->must_include[j];

			if (rule_within_scope(l, r))
				continue;
			diag_report(d, DIAG_WARNING, file, 0, 0,
				    "sampling.levels[%zu].must_include[%zu]: '%s/%s' is outside the level's scope and never applies",
				    i, j,
				    r->type >= 0 && r->type < TYPE_COUNT ?
					    ticket_type_name[r->type] : "?",
				    r->subtype ? r->subtype : "*");
		}
	}
	return ret;
}

int sample_draw(const struct metrics *m, const struct config *cfg,
		const char *seed, struct samples *out, struct diag *d)
{
	bool *taken = NULL;
	size_t i;
	int ret = -1;

	sample_release(out);
	if (check_levels(cfg, d) < 0)
		goto out;
	if (!seed)
		seed = cfg->seed ? cfg->seed : "";
	out->week = m->week;
	out->seed = xstrdup(seed);
	out->mask_names = cfg->mask_names;
	out->mask_phones = cfg->mask_phones;
	out->nlevels = cfg->nlevels;
	out->levels = xcalloc(cfg->nlevels ? cfg->nlevels : 1,
			      sizeof(*out->levels));
	taken = xcalloc(m->ntickets ? m->ntickets : 1, sizeof(*taken));
	for (i = 0; i < cfg->nlevels; i++)
		draw_level(m, &cfg->levels[i], seed, taken, &out->levels[i]);
	ret = 0;
out:
	free(taken);
	return ret;
}

/* ---- samples.json ---- */

static const char *stratum_kind_name(enum stratum s)
{
	switch (s) {
	case STRATUM_BUTLER:
		return "butler";
	case STRATUM_CENTER:
		return "center";
	case STRATUM_ALL:
		break;
	}
	return "all";
}

static void rule_text(struct buf *b, const struct scope_rule *r)
{
	buf_adds(b, r->type >= 0 && r->type < TYPE_COUNT ?
			    ticket_type_name[r->type] : "?");
	if (r->subtype) {
		buf_addch(b, '/');
		buf_adds(b, r->subtype);
	}
}

/* The English explanation of an item, as samples.json gives it. */
static void item_why(struct buf *b, const struct sample_level *l,
		     const struct sample_item *it)
{
	const struct sample_stratum *s = &l->strata[it->stratum];
	int k, first = 1;

	if (it->reason == SAMPLE_BY_KEY) {
		buf_addf(b, "smallest keys: rank %zu, n %zu of N %zu", it->rank,
			 s->n, s->population);
		return;
	}
	buf_adds(b, "must include: ");
	if (it->risk) {
		buf_adds(b, "risk signal ");
		for (k = 0; k < ANOM_COUNT; k++) {
			if (!(it->risk & 1u << k))
				continue;
			if (!first)
				buf_adds(b, ", ");
			buf_adds(b, anomaly_kind_name[k]);
			first = 0;
		}
	}
	if (it->rule) {
		if (it->risk)
			buf_adds(b, "; ");
		rule_text(b, it->rule);
	}
}

static void item_why_zh(struct buf *b, const struct sample_level *l,
			const struct sample_item *it);
static void add_owner(struct buf *b, const char *owner, bool mask);
static void add_phone(struct buf *b, const char *phone, bool mask);
static const char *satisfaction_text(const struct callback *cb);

/*
 * The ticket's details as the audit sheet shows them, so that the PDF
 * renderer reads them from samples.json and computes nothing.
 */
static void write_item_details(struct jsonw *w, const struct samples *smp,
			       const struct sample_level *l,
			       const struct sample_item *it)
{
	const struct ticket *t = it->ticket;
	const struct callback *cb = it->first;
	struct buf tmp = BUF_INIT;

	jsonw_str(w, "center", metrics_or_unspecified(t->center));
	jsonw_str(w, "butler", t->butler);
	jsonw_str(w, "unit", t->unit);
	add_owner(&tmp, t->owner, smp->mask_names);
	jsonw_str(w, "owner", tmp.s);
	buf_reset(&tmp);
	add_phone(&tmp, t->phone, smp->mask_phones);
	jsonw_str(w, "phone", tmp.s);
	jsonw_time(w, "completed_at", t->completed_at);
	jsonw_time(w, "first_callback_at", cb ? cb->at : TIME_NONE);
	jsonw_str(w, "channel", cb ? cb->channel : "");
	jsonw_str(w, "satisfaction", cb ? satisfaction_text(cb) : "");
	jsonw_str(w, "recorder", cb ? cb->recorder : "");
	buf_reset(&tmp);
	item_why_zh(&tmp, l, it);
	jsonw_str(w, "reason_zh", tmp.s);
	buf_release(&tmp);
}

static void write_item(struct jsonw *w, const struct samples *smp,
		       const struct sample_level *l,
		       const struct sample_item *it)
{
	const struct sample_stratum *s = &l->strata[it->stratum];
	struct buf why = BUF_INIT;
	char hex[17];
	int k;

	jsonw_open(w, NULL, '{', JSONW_INLINE);
	jsonw_str(w, "ticket", it->ticket->id);
	jsonw_str(w, "stratum", s->name);
	jsonw_str(w, "type", ticket_type_name[it->ticket->type]);
	jsonw_str(w, "subtype", metrics_or_unclassified(it->ticket->subtype));
	item_why(&why, l, it);
	jsonw_str(w, "reason", why.s);
	jsonw_str(w, "rule",
		  it->reason == SAMPLE_BY_KEY ? "key" : "must_include");
	if (it->reason == SAMPLE_MUST_INCLUDE) {
		jsonw_open(w, "signals", '[', JSONW_INLINE);
		for (k = 0; k < ANOM_COUNT; k++)
			if (it->risk & 1u << k)
				jsonw_str(w, NULL, anomaly_kind_name[k]);
		jsonw_close(w);
		if (it->rule) {
			buf_reset(&why);
			rule_text(&why, it->rule);
			jsonw_str(w, "must_include", why.s);
		}
	}
	jsonw_uint(w, "rank", it->rank);
	jsonw_uint(w, "n", s->n);
	jsonw_uint(w, "N", s->population);
	jsonw_double(w, "key", sample_key_unit(it->key));
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)it->key);
	jsonw_str(w, "key_hex", hex);
	write_item_details(w, smp, l, it);
	jsonw_close(w);
	buf_release(&why);
}

static void write_stratum(struct jsonw *w, const struct sample_stratum *s)
{
	char letter[2] = { s->code_letter, '\0' };

	jsonw_open(w, NULL, '{', JSONW_INLINE);
	jsonw_str(w, "stratum", s->name);
	if (s->center)
		jsonw_str(w, "center", s->center);
	if (s->butler)
		jsonw_str(w, "butler", s->butler);
	jsonw_uint(w, "population", s->population);
	jsonw_uint(w, "n", s->n);
	if (s->code_letter)
		jsonw_str(w, "code_letter", letter);
	jsonw_uint(w, "must_include", s->must_include);
	jsonw_uint(w, "by_key", s->by_key);
	jsonw_uint(w, "taken_earlier", s->taken_earlier);
	jsonw_uint(w, "sampled", s->must_include + s->by_key);
	jsonw_close(w);
}

static void write_level(struct jsonw *w, const struct samples *smp,
			const struct sample_level *l)
{
	size_t i;

	jsonw_open(w, NULL, '{', JSONW_BLOCK);
	jsonw_str(w, "id", l->id);
	jsonw_str(w, "label", l->label);
	jsonw_str(w, "stratify_by", stratum_kind_name(l->stratum));
	if (l->size == SIZE_GB2828_II) {
		jsonw_str(w, "size", "gb2828-II");
	} else {
		jsonw_str(w, "size", "rate");
		jsonw_double(w, "rate", l->rate);
	}
	jsonw_uint(w, "minimum", l->minimum);
	jsonw_uint(w, "population", l->population);
	jsonw_uint(w, "sampled", l->nitems);
	jsonw_open(w, "strata", '[', JSONW_BLOCK);
	for (i = 0; i < l->nstrata; i++)
		write_stratum(w, &l->strata[i]);
	jsonw_close(w);
	jsonw_open(w, "items", '[', JSONW_BLOCK);
	for (i = 0; i < l->nitems; i++)
		write_item(w, smp, l, &l->items[i]);
	jsonw_close(w);
	jsonw_close(w);
}

void sample_write_json(const struct samples *s, const struct metrics *m,
		       struct buf *out)
{
	char week[16], start[CHTIME_BUF], end[CHTIME_BUF];
	struct jsonw w;
	size_t i;

	chtime_format_week(m->week, week);
	chtime_format_date(m->week_start, start);
	/* week_end in the artifacts is the Sunday, inclusive (SPEC §8.12). */
	chtime_format_date(m->week_end - 1, end);
	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.samples/1");
	jsonw_str(&w, "week", week);
	jsonw_str(&w, "week_start", start);
	jsonw_str(&w, "week_end", end);
	jsonw_bool(&w, "provisional", m->provisional);
	jsonw_str(&w, "seed", s->seed ? s->seed : "");
	jsonw_str(&w, "key", "first 8 bytes of SHA-256(seed 0x1F level id "
		  "0x1F ticket) as a big-endian integer / 2^64");
	jsonw_open(&w, "levels", '[', JSONW_BLOCK);
	for (i = 0; i < s->nlevels; i++)
		write_level(&w, s, &s->levels[i]);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
}

/* ---- audit sheets ---- */

static void add_owner(struct buf *b, const char *owner, bool mask)
{
	if (mask)
		mask_name(b, owner);
	else
		buf_adds(b, owner);
}

static void add_phone(struct buf *b, const char *phone, bool mask)
{
	if (mask)
		mask_phone(b, phone);
	else
		buf_adds(b, phone);
}

/* The canonical label, or the text as written when it was no rating. */
static const char *satisfaction_text(const struct callback *cb)
{
	if (cb->satisfaction >= SAT_VERY_DISSATISFIED &&
	    cb->satisfaction <= SAT_VERY_SATISFIED)
		return satisfaction_name[cb->satisfaction];
	return cb->satisfaction_text;
}

/* The Chinese explanation of an item, for the auditor's sheet. */
static void item_why_zh(struct buf *b, const struct sample_level *l,
			const struct sample_item *it)
{
	const struct sample_stratum *s = &l->strata[it->stratum];
	int k, first = 1;

	if (it->reason == SAMPLE_BY_KEY) {
		buf_addf(b, "随机键 %.6f，第%zu小（本分层 N=%zu，抽 n=%zu）",
			 sample_key_unit(it->key), it->rank, s->population,
			 s->n);
		return;
	}
	buf_adds(b, "必抽：");
	for (k = 0; k < ANOM_COUNT; k++) {
		if (!(it->risk & 1u << k))
			continue;
		buf_adds(b, first ? "风险信号（" : "、");
		buf_adds(b, risk_label[k]);
		first = 0;
	}
	if (!first)
		buf_adds(b, "）");
	if (it->rule) {
		if (!first)
			buf_adds(b, "；");
		rule_text(b, it->rule);
	}
}

enum sheet_column {
	SHEET_CENTER, SHEET_BUTLER, SHEET_TICKET, SHEET_TYPE, SHEET_SUBTYPE,
	SHEET_UNIT, SHEET_OWNER, SHEET_PHONE, SHEET_COMPLETED,
	SHEET_FIRST_CALLBACK, SHEET_CHANNEL, SHEET_SATISFACTION,
	SHEET_RECORDER, SHEET_REASON, SHEET_SOURCE, SHEET_GENUINE,
	SHEET_RECHECKED, SHEET_PROBLEM, SHEET_AUDITOR, SHEET_AUDIT_DATE,
	SHEET_COLUMNS
};

static const char *const sheet_header[SHEET_COLUMNS] = {
	"服务中心", "责任人", "工单编号", "工单类型", "工单子类", "楼栋房号",
	"业主姓名", "联系电话", "完成时间", "首次回访时间", "回访方式",
	"满意度", "回访人", "抽样原因", "来源", "是否真实回访", "复核满意度",
	"问题描述", "抽查人", "抽查日期",
};

static void write_sheet_row(struct buf *out, const struct sample_level *l,
			    const struct sample_item *it,
			    const struct ticket_set *set,
			    const struct config *cfg)
{
	const struct ticket *t = it->ticket;
	const struct callback *cb = it->first;
	struct buf owner = BUF_INIT, phone = BUF_INIT, why = BUF_INIT;
	struct buf source = BUF_INIT;
	char completed[CHTIME_BUF] = "", first_at[CHTIME_BUF] = "";
	const char *f[SHEET_COLUMNS];
	int i;

	for (i = 0; i < SHEET_COLUMNS; i++)
		f[i] = "";
	add_owner(&owner, t->owner, cfg->mask_names);
	add_phone(&phone, t->phone, cfg->mask_phones);
	item_why_zh(&why, l, it);
	if (set && t->file < set->nfiles)
		buf_addf(&source, "%s:%u", set->files[t->file].name, t->line);
	if (t->completed_at != TIME_NONE)
		chtime_format(t->completed_at, completed);
	if (cb)
		chtime_format(cb->at, first_at);

	f[SHEET_CENTER] = metrics_or_unspecified(t->center);
	f[SHEET_BUTLER] = t->butler;
	f[SHEET_TICKET] = t->id;
	f[SHEET_TYPE] = ticket_type_name[t->type];
	f[SHEET_SUBTYPE] = metrics_or_unclassified(t->subtype);
	f[SHEET_UNIT] = t->unit;
	f[SHEET_OWNER] = owner.s;
	f[SHEET_PHONE] = phone.s;
	f[SHEET_COMPLETED] = completed;
	f[SHEET_FIRST_CALLBACK] = first_at;
	if (cb) {
		f[SHEET_CHANNEL] = cb->channel;
		f[SHEET_SATISFACTION] = satisfaction_text(cb);
		f[SHEET_RECORDER] = cb->recorder;
	}
	f[SHEET_REASON] = why.s;
	f[SHEET_SOURCE] = source.s;
	csv_add_row(out, f, SHEET_COLUMNS);

	buf_release(&owner);
	buf_release(&phone);
	buf_release(&why);
	buf_release(&source);
}

void sample_write_csv(const struct samples *s, size_t level,
		      const struct ticket_set *set, const struct config *cfg,
		      struct buf *out)
{
	const struct sample_level *l;
	size_t i;

	buf_adds(out, CSV_BOM);
	csv_add_row(out, sheet_header, SHEET_COLUMNS);
	if (level >= s->nlevels)
		return;
	l = &s->levels[level];
	for (i = 0; i < l->nitems; i++)
		write_sheet_row(out, l, &l->items[i], set, cfg);
}
