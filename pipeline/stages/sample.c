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

#include "model/source.h"
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
	const char *group;         /* spread by: butler, else recorder */
	uint64_t key;
	unsigned risk;             /* must-include risk signals hit */
	const struct scope_rule *rule; /* must-include sub-type rule hit */
	const struct sample_followup *followup; /* fake_followup hit */
	bool must;                 /* any of the three */
	bool floor;                /* taken for minimum_per_butler */
	bool drawn;                /* taken by this level */
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
 * Does the ticket's file map a 责任人 column? Only then is an empty butler
 * a sign of anything (no_butler), and a must-include. A file maps it when
 * the source profile that reads it (source_match(), the first whose glob
 * matches the file's name) names a header for 责任人 or gives it a
 * constant. Without a profile, or without the set, nothing is known about
 * the source's columns, and the answer is no: a source without butlers
 * must not turn every ticket into a must-include.
 */
static bool file_maps_butler(const struct ticket_set *set,
			     const struct config *cfg, const struct ticket *t)
{
	const struct source_profile *p;
	size_t i;

	if (!set || t->file >= set->nfiles)
		return false;
	p = source_match(cfg, set->files[t->file].name);
	if (!p)
		return false;
	if (p->constant[COL_BUTLER])
		return true;
	for (i = 0; i < p->header.nr; i++)
		if (p->header_column[i] == COL_BUTLER)
			return true;
	return false;
}

/* The name a ticket is spread by: its butler, else its recorder. */
static const char *spread_name(const struct week_ticket *wt)
{
	if (wt->ticket->butler[0])
		return wt->ticket->butler;
	if (wt->first && wt->first->recorder[0])
		return wt->first->recorder;
	return METRICS_UNSPECIFIED;
}

static const struct sample_followup *
followup_of(const struct ticket *t, const struct sample_followup *fu,
	    size_t nfu)
{
	size_t i;

	if (!t->butler[0])
		return NULL;
	for (i = 0; i < nfu; i++)
		if (!strcmp(fu[i].center, t->center) &&
		    !strcmp(fu[i].butler, t->butler))
			return &fu[i];
	return NULL;
}

/* A stratum's place in the candidate array and its sizes while drawing. */
struct span {
	size_t start, end;      /* cand[start, end) */
	size_t musts;           /* must-include candidates */
	uint64_t quota;         /* rate x ordinary, in millionths */
	size_t places;          /* key places */
};

/* A key candidate while spreading: its round within its butler. */
struct spread_slot {
	size_t cand;            /* index into cand */
	const char *group;
	size_t round;
	uint64_t key;
};

static int compare_slots_by_group(const void *a, const void *b)
{
	const struct spread_slot *x = a, *y = b;
	int c;

	if ((c = strcmp(x->group, y->group)))
		return c;
	return x->cand < y->cand ? -1 : x->cand > y->cand;
}

static int compare_slots_by_round(const void *a, const void *b)
{
	const struct spread_slot *x = a, *y = b;

	if (x->round != y->round)
		return x->round < y->round ? -1 : 1;
	return x->cand < y->cand ? -1 : x->cand > y->cand;
}

static int compare_spans_by_remainder(const void *a, const void *b,
				      const struct span *sp)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t ri = sp[i].quota % 1000000, rj = sp[j].quota % 1000000;
	size_t ni = sp[i].end - sp[i].start - sp[i].musts;
	size_t nj = sp[j].end - sp[j].start - sp[j].musts;

	if (ri != rj)
		return ri > rj ? -1 : 1;
	if (ni != nj)
		return ni > nj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/*
 * Largest remainder: the level's key places, round(rate x ordinary) over
 * all strata, go first to every stratum's whole share, then one each to
 * the strata with the largest fractional shares (ties: the larger
 * stratum, then strata order). A stable insertion sort keeps it free of
 * qsort's instability and of a comparison context.
 */
static void allocate_by_remainder(struct span *sp, size_t nsp, uint64_t ppm)
{
	uint64_t ordinary = 0, total, given = 0;
	size_t *order, i, j;

	for (i = 0; i < nsp; i++) {
		size_t n = sp[i].end - sp[i].start - sp[i].musts;

		ordinary += n;
		sp[i].quota = ppm * n;
		sp[i].places = (size_t)(sp[i].quota / 1000000);
		given += sp[i].places;
	}
	total = (ppm * ordinary + 500000) / 1000000;
	order = xcalloc(nsp ? nsp : 1, sizeof(*order));
	for (i = 0; i < nsp; i++) {
		size_t v = i;

		for (j = i; j > 0 &&
			    compare_spans_by_remainder(&v, &order[j - 1], sp) < 0;
		     j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	for (i = 0; i < nsp && given < total; i++) {
		if (!(sp[order[i]].quota % 1000000))
			break;
		sp[order[i]].places++;
		given++;
	}
	free(order);
}

static uint64_t rate_ppm(double rate)
{
	if (rate >= 1)
		return 1000000;
	if (rate > 0)
		return (uint64_t)llround(rate * 1e6);
	return 0;
}

static struct sample_item *add_item(struct sample_level *l,
				    const struct metrics *m,
				    const struct candidate *c, size_t rank,
				    enum sample_reason reason)
{
	struct sample_item *it = &l->items[l->nitems++];

	it->reason = reason;
	it->rank = rank;
	it->key = c->key;
	it->stratum = l->nstrata;
	it->ticket = m->tickets[c->index].ticket;
	it->first = m->tickets[c->index].first;
	if (reason == SAMPLE_MUST_INCLUDE) {
		it->risk = c->risk;
		it->rule = c->rule;
		/* A copy: the caller's follow-up list need not outlive us. */
		if (c->followup) {
			it->followup = true;
			it->followup_week = c->followup->week;
		}
	}
	return it;
}

/*
 * The key places of one stratum: minimum_per_butler first (each butler's
 * smallest keys until it holds that many, its must-includes counted), then
 * the rest by smallest key, or round-robin over the butlers when spread.
 */
static void draw_keys(const struct metrics *m,
		      const struct sampling_level *cfg_level,
		      struct candidate *cand, const struct span *sp,
		      bool *taken, struct sample_level *l,
		      struct sample_stratum *s)
{
	struct spread_slot *slot;
	size_t nslot = 0, i, j, places = sp->places;

	slot = xcalloc(sp->end - sp->start + 1, sizeof(*slot));
	for (i = sp->start; i < sp->end; i++) {
		if (cand[i].must)
			continue;
		if (taken[cand[i].index]) {
			s->taken_earlier++;
			continue;
		}
		slot[nslot].cand = i;
		slot[nslot].group = cand[i].group;
		slot[nslot].key = cand[i].key;
		nslot++;
	}
	/* Rounds within each butler: slots are in key order already. */
	qsort(slot, nslot, sizeof(*slot), compare_slots_by_group);
	for (i = 0; i < nslot; i = j) {
		size_t held = 0, k;

		for (k = sp->start; k < sp->end; k++)
			if (cand[k].must && cand[k].drawn &&
			    !strcmp(cand[k].group, slot[i].group))
				held++;
		for (j = i; j < nslot && !strcmp(slot[j].group, slot[i].group);
		     j++) {
			if (held < cfg_level->minimum_per_butler) {
				/* Round 0 sorts first: taken below. */
				held++;
				slot[j].round = 0;
				cand[slot[j].cand].floor = true;
			} else {
				slot[j].round = j - i + 1;
			}
		}
	}
	if (cfg_level->spread == SPREAD_NONE)
		for (i = 0; i < nslot; i++)
			if (!cand[slot[i].cand].floor)
				slot[i].round = 1;
	qsort(slot, nslot, sizeof(*slot), compare_slots_by_round);
	for (i = 0; i < nslot; i++) {
		struct candidate *c = &cand[slot[i].cand];

		if (!c->floor && s->by_key >= places)
			break;
		taken[c->index] = true;
		c->drawn = true;
		add_item(l, m, c, slot[i].cand - sp->start + 1, SAMPLE_BY_KEY);
		s->by_key++;
	}
	free(slot);
}

/*
 * Draws one level: fills l and marks the tickets it takes in taken[]
 * (indexed like m->tickets).
 */
static void draw_level(const struct metrics *m, const struct ticket_set *set,
		       const struct config *cfg,
		       const struct sampling_level *cfg_level,
		       const char *seed, const struct sample_followup *fu,
		       size_t nfu, bool *taken, struct sample_level *l)
{
	struct candidate *cand;
	struct span *sp;
	size_t ncand = 0, nsp = 0, i, j;

	l->id = xstrdup(cfg_level->id);
	l->label = xstrdup(cfg_level->label ? cfg_level->label : "");
	l->stratum = cfg_level->stratum;
	l->spread = cfg_level->spread;
	l->size = cfg_level->size;
	l->rate = cfg_level->rate;
	l->minimum = cfg_level->minimum;
	l->minimum_per_butler = cfg_level->minimum_per_butler;

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
		c->group = spread_name(wt);
		c->key = sample_key(seed, cfg_level->id, t->id);
		c->risk = wt->anomalies & cfg_level->risk_signals;
		if (!file_maps_butler(set, cfg, t))
			c->risk &= ~(1u << ANOM_NO_BUTLER);
		for (j = 0; j < cfg_level->nmust_include && !c->rule; j++)
			if (rule_matches(&cfg_level->must_include[j], t))
				c->rule = &cfg_level->must_include[j];
		if (cfg_level->fake_followup)
			c->followup = followup_of(t, fu, nfu);
		c->must = c->risk || c->rule || c->followup;
	}
	l->population = ncand;
	qsort(cand, ncand, sizeof(*cand), compare_candidates);

	/* The strata and their must-includes. */
	sp = xcalloc(ncand ? ncand : 1, sizeof(*sp));
	for (i = 0; i < ncand; i = j) {
		sp[nsp].start = i;
		for (j = i; j < ncand && !strcmp(cand[j].center, cand[i].center) &&
			    !strcmp(cand[j].butler, cand[i].butler);
		     j++)
			if (cand[j].must)
				sp[nsp].musts++;
		sp[nsp].end = j;
		nsp++;
	}

	/* Key places: the rate by largest remainder, or GB/T 2828.1. */
	if (cfg_level->size == SIZE_RATE) {
		allocate_by_remainder(sp, nsp, rate_ppm(cfg_level->rate));
	} else {
		for (i = 0; i < nsp; i++) {
			size_t n = sample_size(cfg_level, sp[i].end - sp[i].start);

			sp[i].places = n > sp[i].musts ? n - sp[i].musts : 0;
		}
	}
	/* The minimum per stratum counts the must-includes; capped at N. */
	for (i = 0; i < nsp; i++) {
		size_t ordinary = sp[i].end - sp[i].start - sp[i].musts;

		if (sp[i].musts + sp[i].places < cfg_level->minimum)
			sp[i].places = cfg_level->minimum - sp[i].musts;
		if (sp[i].places > ordinary)
			sp[i].places = ordinary;
	}

	/* Items: must-includes, key places (at most ncand in all). */
	l->items = xcalloc(ncand ? ncand : 1, sizeof(*l->items));
	l->strata = xcalloc(nsp ? nsp : 1, sizeof(*l->strata));
	for (i = 0; i < nsp; i++) {
		struct sample_stratum *s = &l->strata[l->nstrata];
		const struct candidate *c0 = &cand[sp[i].start];
		size_t musts_from, k;

		s->center = cfg_level->stratum == STRATUM_ALL ?
				    NULL : xstrdup(c0->center);
		s->butler = cfg_level->stratum == STRATUM_BUTLER ?
				    xstrdup(c0->butler) : NULL;
		s->name = stratum_name(cfg_level->stratum, c0->center,
				       c0->butler);
		s->population = sp[i].end - sp[i].start;
		s->ordinary = s->population - sp[i].musts;
		s->quota = (double)sp[i].quota / 1e6;
		s->places = sp[i].places;
		s->n = sp[i].musts + sp[i].places;
		if (l->size == SIZE_GB2828_II)
			s->code_letter = sample_gb2828_letter(s->population,
							      NULL);

		/* Must-includes first: all of them, beyond n too. */
		musts_from = l->nitems;
		for (k = sp[i].start; k < sp[i].end; k++) {
			if (!cand[k].must)
				continue;
			if (taken[cand[k].index]) {
				s->taken_earlier++;
				continue;
			}
			taken[cand[k].index] = true;
			cand[k].drawn = true;
			add_item(l, m, &cand[k], k - sp[i].start + 1,
				 SAMPLE_MUST_INCLUDE);
			s->must_include++;
		}
		qsort(l->items + musts_from, l->nitems - musts_from,
		      sizeof(*l->items), compare_items_by_ticket);

		draw_keys(m, cfg_level, cand, &sp[i], taken, l, s);
		if (s->by_key > s->places)
			s->n = sp[i].musts + s->by_key; /* minimum_per_butler */
		l->ordinary += s->ordinary;
		l->by_key += s->by_key;
		l->nstrata++;
	}
	free(sp);
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
	return sample_draw_followup(m, NULL, cfg, seed, NULL, 0, out, d);
}

int sample_draw_followup(const struct metrics *m, const struct ticket_set *set,
			 const struct config *cfg, const char *seed,
			 const struct sample_followup *fu, size_t nfu,
			 struct samples *out, struct diag *d)
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
		draw_level(m, set, cfg, &cfg->levels[i], seed, fu, nfu, taken,
			   &out->levels[i]);
	ret = 0;
out:
	free(taken);
	return ret;
}

const char *sample_stratum_short(const struct sample_stratum *s)
{
	if (s->must_include + s->by_key >= s->n) {
		if (!s->n && s->population)
			return "below_one";
		return "";
	}
	return "taken_earlier";
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
	if (it->followup) {
		char week[16];

		chtime_format_week(it->followup_week, week);
		if (it->risk || it->rule)
			buf_adds(b, "; ");
		buf_addf(b, "fake_followup (a fake callback confirmed in %s)",
			 week);
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
		if (it->followup) {
			char week[16];

			chtime_format_week(it->followup_week, week);
			jsonw_str(w, "fake_followup", week);
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
	jsonw_uint(w, "ordinary", s->ordinary);
	if (!s->code_letter)
		jsonw_double(w, "quota", s->quota);
	jsonw_uint(w, "places", s->places);
	jsonw_uint(w, "n", s->n);
	if (s->code_letter)
		jsonw_str(w, "code_letter", letter);
	jsonw_uint(w, "must_include", s->must_include);
	jsonw_uint(w, "by_key", s->by_key);
	jsonw_uint(w, "taken_earlier", s->taken_earlier);
	jsonw_uint(w, "sampled", s->must_include + s->by_key);
	jsonw_str(w, "short", sample_stratum_short(s));
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
	jsonw_str(w, "spread", l->spread == SPREAD_BUTLER ? "butler" : "none");
	jsonw_uint(w, "minimum_per_butler", l->minimum_per_butler);
	jsonw_uint(w, "population", l->population);
	jsonw_uint(w, "sampled", l->nitems);
	jsonw_uint(w, "ordinary", l->ordinary);
	jsonw_uint(w, "by_key", l->by_key);
	jsonw_double(w, "realised_rate", l->population ?
			     (double)l->nitems / (double)l->population : 0);
	jsonw_double(w, "key_rate", l->ordinary ?
			(double)l->by_key / (double)l->ordinary : 0);
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
	if (it->followup) {
		char week[16];

		chtime_format_week(it->followup_week, week);
		if (!first || it->rule)
			buf_adds(b, "；");
		buf_addf(b, "虚假回访跟踪（%s 查实）", week);
	}
}

enum sheet_column {
	SHEET_WEEK, SHEET_LEVEL,
	SHEET_CENTER, SHEET_BUTLER, SHEET_TICKET, SHEET_TYPE, SHEET_SUBTYPE,
	SHEET_UNIT, SHEET_OWNER, SHEET_PHONE, SHEET_CONTENT, SHEET_COMPLETED,
	SHEET_FIRST_CALLBACK, SHEET_CHANNEL, SHEET_RESULT, SHEET_SATISFACTION,
	SHEET_REMARK, SHEET_RECORDER, SHEET_REASON, SHEET_SOURCE,
	SHEET_GENUINE, SHEET_RECHECKED, SHEET_PROBLEM, SHEET_AUDITOR,
	SHEET_AUDIT_DATE, SHEET_COLUMNS
};

/*
 * 周次 and 抽查级别 let 'huifang audit import' check a filled-in sheet
 * against the week's sample; the last five columns are the auditor's.
 */
static const char *const sheet_header[SHEET_COLUMNS] = {
	"周次", "抽查级别",
	"服务中心", "责任人", "工单编号", "工单类型", "工单子类", "楼栋房号",
	"业主姓名", "联系电话", "内容", "完成时间", "首次回访时间", "回访方式",
	"回访结果", "满意度", "回访备注", "回访人", "抽样原因", "来源",
	"是否真实回访", "复核满意度", "问题描述", "抽查人", "抽查日期",
};

static void write_sheet_row(struct buf *out, const struct samples *smp,
			    const struct sample_level *l,
			    const struct sample_item *it,
			    const struct ticket_set *set,
			    const struct config *cfg,
			    const char *const *finding)
{
	const struct ticket *t = it->ticket;
	const struct callback *cb = it->first;
	struct buf owner = BUF_INIT, phone = BUF_INIT, why = BUF_INIT;
	struct buf source = BUF_INIT, content = BUF_INIT;
	char completed[CHTIME_BUF] = "", first_at[CHTIME_BUF] = "", week[16];
	const char *f[SHEET_COLUMNS];
	int i;

	for (i = 0; i < SHEET_COLUMNS; i++)
		f[i] = "";
	/* The audit sheet's own masking: the auditor calls the owner. */
	add_owner(&owner, t->owner, cfg->audit_mask_names);
	add_phone(&phone, t->phone, cfg->audit_mask_phones);
	if (cfg->audit_mask_ids)
		mask_free_text(&content, t->content ? t->content : "");
	else
		buf_adds(&content, t->content ? t->content : "");
	item_why_zh(&why, l, it);
	if (set && t->file < set->nfiles)
		buf_addf(&source, "%s:%u", set->files[t->file].name, t->line);
	if (t->completed_at != TIME_NONE)
		chtime_format(t->completed_at, completed);
	if (cb)
		chtime_format(cb->at, first_at);
	chtime_format_week(smp->week, week);

	f[SHEET_WEEK] = week;
	f[SHEET_LEVEL] = l->id;
	f[SHEET_CENTER] = metrics_or_unspecified(t->center);
	f[SHEET_BUTLER] = t->butler;
	f[SHEET_TICKET] = t->id;
	f[SHEET_TYPE] = ticket_type_name[t->type];
	f[SHEET_SUBTYPE] = metrics_or_unclassified(t->subtype);
	f[SHEET_UNIT] = t->unit;
	f[SHEET_OWNER] = owner.s;
	f[SHEET_PHONE] = phone.s;
	f[SHEET_CONTENT] = content.s;
	f[SHEET_COMPLETED] = completed;
	f[SHEET_FIRST_CALLBACK] = first_at;
	if (cb) {
		f[SHEET_CHANNEL] = cb->channel;
		f[SHEET_RESULT] = cb->result ? cb->result : "";
		f[SHEET_SATISFACTION] = satisfaction_text(cb);
		f[SHEET_REMARK] = cb->remark ? cb->remark : "";
		f[SHEET_RECORDER] = cb->recorder;
	}
	f[SHEET_REASON] = why.s;
	f[SHEET_SOURCE] = source.s;
	for (i = 0; finding && i < SAMPLE_FINDING_COLUMNS; i++)
		f[SHEET_GENUINE + i] = finding[i] ? finding[i] : "";
	csv_add_row(out, f, SHEET_COLUMNS);

	buf_release(&owner);
	buf_release(&phone);
	buf_release(&why);
	buf_release(&source);
	buf_release(&content);
}

void sample_write_csv(const struct samples *s, size_t level,
		      const struct ticket_set *set, const struct config *cfg,
		      struct buf *out)
{
	sample_write_csv_filled(s, level, set, cfg, NULL, out);
}

void sample_write_csv_filled(const struct samples *s, size_t level,
			     const struct ticket_set *set,
			     const struct config *cfg,
			     const char *const *findings, struct buf *out)
{
	const struct sample_level *l;
	size_t i;

	_Static_assert(SHEET_COLUMNS - SHEET_GENUINE == SAMPLE_FINDING_COLUMNS,
		       "the auditor's columns close the sheet");
	buf_adds(out, CSV_BOM);
	csv_add_row(out, sheet_header, SHEET_COLUMNS);
	if (level >= s->nlevels)
		return;
	l = &s->levels[level];
	for (i = 0; i < l->nitems; i++)
		write_sheet_row(out, s, l, &l->items[i], set, cfg,
				findings ? findings + i * SAMPLE_FINDING_COLUMNS :
					   NULL);
}

/* ---- the audit sheets' view (audit_sheets.json) ---- */

/* Why a stratum drew fewer than n, in the sheet's words. */
static const char *short_zh(const struct sample_stratum *st)
{
	const char *why = sample_stratum_short(st);

	if (!strcmp(why, "taken_earlier"))
		return "部分工单已被上一级抽中";
	if (!strcmp(why, "below_one"))
		return "按比例不足1单";
	return "";
}

static void sheet_item_json(struct jsonw *w, const struct sample_level *l,
			    const struct sample_item *it,
			    const struct config *cfg)
{
	const struct ticket *t = it->ticket;
	const struct callback *cb = it->first;
	struct buf tmp = BUF_INIT;
	char when[CHTIME_BUF] = "", hex[17];

	jsonw_open(w, NULL, '{', JSONW_INLINE);
	jsonw_str(w, "ticket", t->id);
	jsonw_str(w, "stratum", l->strata[it->stratum].name);
	jsonw_str(w, "butler", t->butler);
	jsonw_str(w, "type", ticket_type_name[t->type]);
	jsonw_str(w, "subtype", metrics_or_unclassified(t->subtype));
	jsonw_str(w, "unit", t->unit);
	add_owner(&tmp, t->owner, cfg->audit_mask_names);
	jsonw_str(w, "owner", tmp.s);
	buf_reset(&tmp);
	add_phone(&tmp, t->phone, cfg->audit_mask_phones);
	jsonw_str(w, "phone", tmp.s);
	buf_reset(&tmp);
	if (cfg->audit_mask_ids)
		mask_free_text(&tmp, t->content ? t->content : "");
	else
		buf_adds(&tmp, t->content ? t->content : "");
	jsonw_str(w, "content", tmp.s);
	if (t->completed_at != TIME_NONE)
		chtime_format(t->completed_at, when);
	jsonw_str(w, "completed_at", when);
	when[0] = '\0';
	if (cb)
		chtime_format(cb->at, when);
	jsonw_str(w, "callback_at", when);
	jsonw_str(w, "channel", cb ? cb->channel : "");
	jsonw_str(w, "result", cb && cb->result ? cb->result : "");
	jsonw_str(w, "satisfaction", cb ? satisfaction_text(cb) : "");
	jsonw_str(w, "remark", cb && cb->remark ? cb->remark : "");
	jsonw_str(w, "recorder", cb ? cb->recorder : "");
	buf_reset(&tmp);
	item_why_zh(&tmp, l, it);
	jsonw_str(w, "reason_zh", tmp.s);
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)it->key);
	jsonw_str(w, "key_hex", hex);
	jsonw_close(w);
	buf_release(&tmp);
}

static int compare_centres(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The level's centres (of its items and strata), sorted, each once. */
static size_t level_centres(const struct sample_level *l, const char ***out)
{
	const char **v;
	size_t n = 0, i, j;

	v = xcalloc(l->nitems + l->nstrata + 1, sizeof(*v));
	for (i = 0; i < l->nitems; i++)
		v[n++] = metrics_or_unspecified(l->items[i].ticket->center);
	for (i = 0; i < l->nstrata; i++)
		if (l->strata[i].center)
			v[n++] = l->strata[i].center;
	qsort(v, n, sizeof(*v), compare_centres);
	for (i = j = 0; i < n; i++)
		if (!j || strcmp(v[j - 1], v[i]))
			v[j++] = v[i];
	*out = v;
	return j;
}

void sample_write_sheets_json(const struct samples *s,
			      const struct metrics *m,
			      const struct config *cfg, struct buf *out)
{
	char week[16], as_of[CHTIME_BUF];
	struct jsonw w;
	size_t i, c, k;

	chtime_format_week(s->week, week);
	chtime_format(m->as_of, as_of);
	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.audit_sheets/1");
	jsonw_str(&w, "week", week);
	jsonw_str(&w, "as_of", as_of);
	jsonw_bool(&w, "provisional", m->provisional);
	jsonw_str(&w, "seed", s->seed ? s->seed : "");
	jsonw_open(&w, "masking", '{', JSONW_INLINE);
	jsonw_bool(&w, "names", cfg->audit_mask_names);
	jsonw_bool(&w, "phones", cfg->audit_mask_phones);
	jsonw_bool(&w, "ids", cfg->audit_mask_ids);
	jsonw_close(&w);
	jsonw_open(&w, "levels", '[', JSONW_BLOCK);
	for (i = 0; i < s->nlevels; i++) {
		const struct sample_level *l = &s->levels[i];
		const char **centres;
		size_t nc = level_centres(l, &centres);

		jsonw_open(&w, NULL, '{', JSONW_BLOCK);
		jsonw_str(&w, "id", l->id);
		jsonw_str(&w, "label", l->label);
		jsonw_bool(&w, "per_center", i < cfg->nlevels &&
				 cfg->levels[i].sheets == SHEETS_PER_CENTER);
		jsonw_uint(&w, "sampled", l->nitems);
		jsonw_double(&w, "realised_rate", l->population ?
				     (double)l->nitems / (double)l->population : 0);
		jsonw_open(&w, "centers", '[', JSONW_BLOCK);
		for (c = 0; c < nc; c++) {
			jsonw_open(&w, NULL, '{', JSONW_BLOCK);
			jsonw_str(&w, "center", centres[c]);
			jsonw_open(&w, "items", '[', JSONW_BLOCK);
			for (k = 0; k < l->nitems; k++)
				if (!strcmp(metrics_or_unspecified(
						    l->items[k].ticket->center),
					    centres[c]))
					sheet_item_json(&w, l, &l->items[k], cfg);
			jsonw_close(&w);
			jsonw_open(&w, "strata", '[', JSONW_BLOCK);
			for (k = 0; k < l->nstrata; k++) {
				const struct sample_stratum *st = &l->strata[k];

				if (!st->center || strcmp(st->center, centres[c]))
					continue;
				jsonw_open(&w, NULL, '{', JSONW_INLINE);
				jsonw_str(&w, "stratum", st->name);
				jsonw_uint(&w, "population", st->population);
				jsonw_uint(&w, "n", st->n);
				jsonw_uint(&w, "sampled",
					   st->must_include + st->by_key);
				jsonw_uint(&w, "taken_earlier", st->taken_earlier);
				jsonw_str(&w, "short_zh", short_zh(st));
				jsonw_close(&w);
			}
			jsonw_close(&w);
			jsonw_close(&w);
		}
		jsonw_close(&w);
		jsonw_close(&w);
		free(centres);
	}
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
}
