/*
 * metrics.c - SPEC §3-§4 and §8 rules 12-19 over one report period: a
 * week, or (SPEC §9.30) a calendar month or quarter, whose metrics are a
 * week's over its bounds.
 *
 * One pass over the tickets classifies every ticket completed in the
 * trend periods (the report period and the ones before it: eight weeks,
 * twelve months or four quarters): its first valid
 * callback, timeliness, loop, attempts and owed state. The trend figures
 * accumulate as the pass goes; the report week's eligible tickets are kept
 * in m->tickets (in the set's order, which is ticket-number order) and the
 * groups by sub-type, centre and butler are built from them by sorting
 * pointers, so no step is quadratic. Bursts need callbacks of every
 * ticket: they are grouped by sorting the callbacks whose minute can matter
 * by (minute, recorder) once.
 *
 * Invariants: nothing after as_of exists (rule 13): every callback and
 * attempt with a later time is skipped, and a completion after as_of is no
 * completion. A ticket's callbacks are ordered as rule 14 says (ticket.h),
 * so the first valid one met in its slice is the first callback. The set is
 * only read; m points into it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stages/metrics.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define WILSON_Z 1.96
#define RANK_MIN_RATED 10
#define TOO_FAST_SECONDS 60

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->issue_at = TIME_NONE;
}

void metrics_release(struct metrics *m)
{
	free(m->by_subtype);
	free(m->by_center);
	free(m->by_butler);
	free(m->by_center_type);
	free(m->window_butlers);
	free(m->window_centers);
	free(m->tickets);
	free(m->anomalies);
	free(m->owed);
	metrics_init(m);
}

const char *metrics_or_unspecified(const char *name)
{
	return *name ? name : METRICS_UNSPECIFIED;
}

const char *metrics_or_unclassified(const char *subtype)
{
	return *subtype ? subtype : METRICS_UNCLASSIFIED;
}

static const char *center_of(const struct ticket *t)
{
	return metrics_or_unspecified(t->center);
}

static const char *subtype_of(const struct ticket *t)
{
	return metrics_or_unclassified(t->subtype);
}

static int64_t sla_of(const struct config *cfg, int type)
{
	return cfg->sla_seconds[type];
}

/*
 * Whether recorder is one of the people in handler: the normaliser keeps a
 * 处理人 that a source profile splits as its people joined by
 * HANDLER_SEPARATOR (ticket.h), else the whole value is one person.
 */
static bool handled_by(const char *handler, const char *recorder)
{
	size_t n = strlen(recorder);
	const char *p = handler, *end;

	if (!n)
		return false;
	for (;;) {
		end = strchr(p, HANDLER_SEPARATOR);
		if (!end)
			return !strcmp(p, recorder);
		if ((size_t)(end - p) == n && !memcmp(p, recorder, n))
			return true;
		p = end + 1;
	}
}

/* A callback in the sense of SPEC §4: not an attempt, and it exists. */
static bool exists_callback(const struct callback *cb, int64_t as_of)
{
	return !cb->is_attempt && cb->at <= as_of;
}

/*
 * Fills wt for an eligible ticket t: first valid callback, timeliness,
 * whether a dissatisfied first callback is followed by a strictly later
 * valid one, the attempts, and the per-ticket anomalies that need no other
 * ticket (bursts are added later).
 */
static void classify(const struct ticket_set *set, const struct ticket *t,
		     const struct config *cfg, int64_t as_of,
		     struct week_ticket *wt)
{
	const struct callback *cbs = ticket_callbacks(set, t);
	uint32_t i;

	memset(wt, 0, sizeof(*wt));
	wt->ticket = t;
	for (i = 0; i < t->n_cb; i++) {
		const struct callback *cb = &cbs[i];

		if (cb->at > as_of)
			continue;
		if (cb->is_attempt) {
			wt->attempts++;
			continue;
		}
		/*
		 * SPEC §9.24: a date alone is "that day, time unknown", before
		 * a completion only when its day ends at or before it.
		 */
		if (cb->date_only ? cb->at + SECONDS_PER_DAY <= t->completed_at
				  : cb->at < t->completed_at) {
			wt->anomalies |= 1u << ANOM_CALLBACK_BEFORE_COMPLETION;
		} else if (!wt->first) {
			wt->first = cb;
		} else if (callback_sort_at(cb) > callback_sort_at(wt->first) &&
			   wt->first->satisfaction != SAT_NONE &&
			   wt->first->satisfaction <= SAT_DISSATISFIED) {
			wt->loop_closed = true;
		}
		if (*t->handler && handled_by(t->handler, cb->recorder))
			wt->anomalies |= 1u << ANOM_SELF_CALLBACK;
	}
	if (wt->first && wt->first->stand_in) {
		/* Timed by a stand-in column: no delay can be judged. */
	} else if (wt->first && wt->first->date_only) {
		/* Timely when that day's end is within the SLA; never too
		 * fast, whatever the hour of the completion. */
		wt->timely = wt->first->at + SECONDS_PER_DAY - t->completed_at <=
			     sla_of(cfg, t->type);
	} else if (wt->first) {
		int64_t delay = wt->first->at - t->completed_at;

		wt->timely = delay <= sla_of(cfg, t->type);
		if (delay < TOO_FAST_SECONDS)
			wt->anomalies |= 1u << ANOM_CALLBACK_TOO_FAST;
	}
	if (!*t->butler)
		wt->anomalies |= 1u << ANOM_NO_BUTLER;
	if (!wt->first)
		wt->unreachable = metrics_unreachable(set, t, cfg, as_of);
}

bool metrics_unreachable(const struct ticket_set *set,
			 const struct ticket *t, const struct config *cfg,
			 int64_t as_of)
{
	const struct callback *cbs = ticket_callbacks(set, t);
	int64_t last_day = INT64_MIN, day;
	unsigned attempts = 0, days = 0;
	uint32_t i;

	for (i = 0; i < t->n_cb; i++) {
		const struct callback *cb = &cbs[i];

		if (!cb->is_attempt || cb->at > as_of ||
		    (t->completed_at != TIME_NONE && cb->at < t->completed_at))
			continue;
		if (string_list_has(&cfg->unreachable_results, cb->result) ||
		    string_list_has(&cfg->unreachable_results,
				    cb->satisfaction_text))
			return true;
		attempts++;
		/* Callbacks are in time order: a new day is a change of day. */
		day = (cb->at + CHINA_OFFSET) / SECONDS_PER_DAY;
		if (day != last_day)
			days++;
		last_day = day;
	}
	return cfg->unreachable_attempts &&
	       attempts >= cfg->unreachable_attempts &&
	       days >= cfg->unreachable_days;
}

static void stats_add(struct group_stats *s, const struct week_ticket *wt,
		      const struct config *cfg, int64_t as_of)
{
	const struct ticket *t = wt->ticket;

	s->eligible++;
	s->attempts += wt->attempts;
	if (!wt->first && wt->unreachable) {
		s->unreachable++;
		return;
	}
	if (!wt->first) {
		s->owed++;
		if (as_of > t->completed_at + sla_of(cfg, t->type))
			s->overdue++;
		return;
	}
	s->called_back++;
	if (wt->timely)
		s->timely++;
	if (wt->first->satisfaction == SAT_NONE)
		return;
	s->rated++;
	s->by_satisfaction[wt->first->satisfaction]++;
	if (wt->first->satisfaction >= SAT_SATISFIED)
		s->satisfied++;
	if (wt->first->satisfaction <= SAT_DISSATISFIED) {
		s->dissatisfied++;
		if (wt->loop_closed)
			s->loops_closed++;
		else
			s->loops_open++;
	}
}

/*
 * The 95 % Wilson score interval of x successes in n, clamped to [0, 1].
 * At x = 0 the low end and at x = n the high end are exactly 0 and 1 in
 * real arithmetic; they are set so, rather than left to rounding.
 */
static void wilson(size_t x, size_t n, struct ratio *r)
{
	double p, z2, denom, center, half;

	memset(r, 0, sizeof(*r));
	if (!n)
		return;
	r->valid = true;
	p = (double)x / (double)n;
	z2 = WILSON_Z * WILSON_Z;
	denom = 1.0 + z2 / (double)n;
	center = (p + z2 / (2.0 * (double)n)) / denom;
	half = WILSON_Z / denom *
	       sqrt(p * (1.0 - p) / (double)n +
		    z2 / (4.0 * (double)n * (double)n));
	r->value = p;
	r->low = x == 0 ? 0.0 : center - half;
	r->high = x == n ? 1.0 : center + half;
	if (r->low < 0.0)
		r->low = 0.0;
	if (r->high > 1.0)
		r->high = 1.0;
}

/*
 * unreachable.exclude_from_coverage: coverage (and so meets_target) is
 * taken over the reachable tickets only. The default keeps them in, so
 * that a 100 % target stays honest (docs/metrics.md).
 */
static void leave_unreachable_out(struct group_stats *s)
{
	s->coverage = s->coverage_reachable;
	if (s->has_target) {
		s->meets_target_valid = s->coverage.valid;
		s->meets_target = s->coverage.valid &&
				  s->coverage.value >= s->target;
	}
}

static void leave_unreachable_out_of(struct metrics_group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		leave_unreachable_out(&g[i].s);
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Completes a group from its counts: ratios, intervals, the median of the
 * n delays (seconds; sorted here) and, when target >= 0, the target.
 */
static void stats_finish(struct group_stats *s, int64_t *delays, size_t n,
			 double target)
{
	wilson(s->called_back, s->eligible, &s->coverage);
	wilson(s->called_back, s->eligible - s->unreachable,
	       &s->coverage_reachable);
	wilson(s->satisfied, s->rated, &s->satisfaction);
	if (n) {
		qsort(delays, n, sizeof(*delays), cmp_int64);
		s->has_median = true;
		if (n % 2)
			s->median_hours_to_callback =
				(double)delays[n / 2] / 3600.0;
		else
			s->median_hours_to_callback =
				((double)delays[n / 2 - 1] / 3600.0 +
				 (double)delays[n / 2] / 3600.0) / 2.0;
	}
	if (target >= 0) {
		s->has_target = true;
		s->target = target;
		s->meets_target_valid = s->coverage.valid;
		s->meets_target = s->coverage.valid &&
				  s->coverage.value >= target;
	}
}

/*
 * Whether a called-back ticket has a delay to the second: not when its
 * first callback is a date alone or stand-in timed (SPEC §9.24, issue 14).
 */
static bool has_delay(const struct week_ticket *wt)
{
	return wt->first && !wt->first->date_only && !wt->first->stand_in;
}

/* Adds the counts of from to s (before stats_finish). */
static void stats_sum(struct group_stats *s, const struct group_stats *from)
{
	int i;

	s->eligible += from->eligible;
	s->called_back += from->called_back;
	s->rated += from->rated;
	s->satisfied += from->satisfied;
	s->dissatisfied += from->dissatisfied;
	s->loops_closed += from->loops_closed;
	s->loops_open += from->loops_open;
	s->timely += from->timely;
	s->attempts += from->attempts;
	s->owed += from->owed;
	s->overdue += from->overdue;
	for (i = 0; i < 6; i++)
		s->by_satisfaction[i] += from->by_satisfaction[i];
}

/* Delays of the called-back tickets among wts[0..n), into out. */
static size_t gather_delays(const struct week_ticket *const *wts, size_t n,
			    int64_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (has_delay(wts[i]))
			out[k++] = wts[i]->first->at -
				   wts[i]->ticket->completed_at;
	return k;
}

/* Grouping of the report week's tickets by sorting pointers to them. */
enum grouping { BY_SUBTYPE, BY_CENTER, BY_BUTLER, BY_CENTER_TYPE };

static int cmp_subtype(const void *a, const void *b)
{
	const struct ticket *x = (*(const struct week_ticket *const *)a)->ticket;
	const struct ticket *y = (*(const struct week_ticket *const *)b)->ticket;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(subtype_of(x), subtype_of(y));
}

static int cmp_center(const void *a, const void *b)
{
	const struct ticket *x = (*(const struct week_ticket *const *)a)->ticket;
	const struct ticket *y = (*(const struct week_ticket *const *)b)->ticket;

	return strcmp(center_of(x), center_of(y));
}

static int cmp_center_type(const void *a, const void *b)
{
	const struct ticket *x = (*(const struct week_ticket *const *)a)->ticket;
	const struct ticket *y = (*(const struct week_ticket *const *)b)->ticket;
	int c = strcmp(center_of(x), center_of(y));

	if (c)
		return c;
	return (x->type > y->type) - (x->type < y->type);
}

static int cmp_butler(const void *a, const void *b)
{
	const struct ticket *x = (*(const struct week_ticket *const *)a)->ticket;
	const struct ticket *y = (*(const struct week_ticket *const *)b)->ticket;
	int c = strcmp(center_of(x), center_of(y));

	return c ? c : strcmp(x->butler, y->butler);
}

/*
 * Builds one list of groups. The sort is not stable, but members of a
 * group only add counts and delays, which do not depend on their order.
 */
static void build_groups(struct metrics *m, const struct config *cfg,
			 enum grouping how, const struct week_ticket *tickets,
			 size_t ntickets, const struct week_ticket **ptrs,
			 int64_t *delays, struct metrics_group **out,
			 size_t *nout, struct diag *d)
{
	int (*cmp)(const void *, const void *) =
		how == BY_SUBTYPE ? cmp_subtype :
		how == BY_CENTER ? cmp_center :
		how == BY_CENTER_TYPE ? cmp_center_type : cmp_butler;
	struct metrics_group *groups = NULL;
	size_t ngroups = 0, alloc = 0, n = 0, i, j;

	for (i = 0; i < ntickets; i++)
		if (how != BY_BUTLER || *tickets[i].ticket->butler)
			ptrs[n++] = &tickets[i];
	qsort(ptrs, n, sizeof(*ptrs), cmp);
	for (i = 0; i < n; i = j) {
		const struct ticket *t = ptrs[i]->ticket;
		struct metrics_group *g;
		size_t k, nd;

		for (j = i + 1; j < n && !cmp(&ptrs[i], &ptrs[j]); j++)
			;
		ALLOC_GROW(groups, ngroups + 1, alloc);
		g = &groups[ngroups++];
		memset(g, 0, sizeof(*g));
		g->type = TYPE_UNKNOWN;
		for (k = i; k < j; k++)
			stats_add(&g->s, ptrs[k], cfg, m->as_of);
		nd = gather_delays(ptrs + i, j - i, delays);
		switch (how) {
		case BY_SUBTYPE:
			g->type = t->type;
			g->subtype = subtype_of(t);
			g->unknown_subtype =
				*t->subtype &&
				!config_known_subtype(cfg, t->type, t->subtype);
			if (g->unknown_subtype) {
				m->unknown_subtypes++;
				diag_report(d, DIAG_WARNING, NULL, 0, 0,
					    "unknown sub-type '%s' of type "
					    "'%s' on %zu tickets",
					    t->subtype,
					    ticket_type_name[t->type],
					    j - i);
			}
			stats_finish(&g->s, delays, nd, cfg->target[t->type]);
			break;
		case BY_CENTER:
			g->center = center_of(t);
			g->ranked = g->s.rated >= RANK_MIN_RATED;
			stats_finish(&g->s, delays, nd, -1);
			break;
		case BY_CENTER_TYPE:
			g->center = center_of(t);
			g->type = t->type;
			stats_finish(&g->s, delays, nd, cfg->target[t->type]);
			break;
		case BY_BUTLER:
			g->center = center_of(t);
			g->butler = t->butler;
			g->ranked = g->s.rated >= RANK_MIN_RATED;
			stats_finish(&g->s, delays, nd, -1);
			break;
		}
	}
	*out = groups;
	*nout = ngroups;
}

static int cmp_satisfaction_desc(const void *a, const void *b)
{
	const struct metrics_group *x = *(const struct metrics_group *const *)a;
	const struct metrics_group *y = *(const struct metrics_group *const *)b;

	if (x->s.satisfaction.value != y->s.satisfaction.value)
		return x->s.satisfaction.value > y->s.satisfaction.value ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Ranks the ranked groups (butlers, or centres over the window) by
 * satisfaction, highest first, in competition style (1, 2, 2, 4): groups
 * with equal satisfaction share a rank. A ranked group has rated >= 10,
 * so the satisfaction is never null.
 */
static void rank_groups(struct metrics_group *groups, size_t ngroups)
{
	struct metrics_group **r = xreallocarray(NULL, ngroups + 1,
						 sizeof(*r));
	size_t i, n = 0;

	for (i = 0; i < ngroups; i++)
		if (groups[i].ranked)
			r[n++] = &groups[i];
	qsort(r, n, sizeof(*r), cmp_satisfaction_desc);
	for (i = 0; i < n; i++)
		r[i]->rank = i && r[i]->s.satisfaction.value ==
					  r[i - 1]->s.satisfaction.value ?
				     r[i - 1]->rank : (unsigned)i + 1;
	free(r);
}

/*
 * Worst first: the centres that miss the most types' targets, then the one
 * whose worst type falls furthest below its target, then by name. Counts
 * the misses into types_below_target and numbers the order in worst_rank
 * (1 = worst); by_center keeps its name order.
 */
struct center_order {
	struct metrics_group *g;
	double worst_gap;   /* the least coverage - target over its types */
};

static int cmp_worst_first(const void *a, const void *b)
{
	const struct center_order *x = a, *y = b;

	if (x->g->types_below_target != y->g->types_below_target)
		return x->g->types_below_target > y->g->types_below_target ?
			       -1 : 1;
	if (x->worst_gap != y->worst_gap)
		return x->worst_gap < y->worst_gap ? -1 : 1;
	return strcmp(x->g->center, y->g->center);
}

static void rank_centers_worst_first(struct metrics *m)
{
	struct center_order *o = xreallocarray(NULL, m->nby_center + 1,
					       sizeof(*o));
	size_t i, j = 0;

	for (i = 0; i < m->nby_center; i++) {
		struct metrics_group *g = &m->by_center[i];

		o[i].g = g;
		o[i].worst_gap = 2.0;
		/* Both lists are sorted by centre name. */
		while (j < m->nby_center_type &&
		       strcmp(m->by_center_type[j].center, g->center) < 0)
			j++;
		for (; j < m->nby_center_type &&
		       !strcmp(m->by_center_type[j].center, g->center); j++) {
			const struct group_stats *s = &m->by_center_type[j].s;

			if (!s->meets_target_valid)
				continue;
			if (!s->meets_target)
				g->types_below_target++;
			if (s->coverage.value - s->target < o[i].worst_gap)
				o[i].worst_gap = s->coverage.value - s->target;
		}
	}
	qsort(o, m->nby_center, sizeof(*o), cmp_worst_first);
	for (i = 0; i < m->nby_center; i++)
		o[i].g->worst_rank = (unsigned)i + 1;
	free(o);
}

/* The report week's entry for ticket t, by address (both are in set order). */
static struct week_ticket *find_week_ticket(struct metrics *m,
					    const struct ticket *t)
{
	size_t lo = 0, hi = m->ntickets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->tickets[mid].ticket == t)
			return &m->tickets[mid];
		if (m->tickets[mid].ticket < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct burst_key {
	int64_t minute;          /* floor(at / 60): China minutes too */
	const char *recorder;
	const struct ticket *ticket;
};

static int cmp_burst(const void *a, const void *b)
{
	const struct burst_key *x = a, *y = b;

	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return strcmp(x->recorder, y->recorder);
}

static int64_t minute_of(int64_t at)
{
	/* China is UTC+8 exactly, so China's minutes start where UTC's do. */
	return at >= 0 ? at / 60 : -((-at + 59) / 60);
}

/*
 * The calendar minute of a callback that can be part of a burst (one that
 * exists at as-of and names its recorder): true and *minute, else false.
 */
static bool burst_minute(const struct callback *cb, int64_t as_of,
			 int64_t *minute)
{
	/* A date alone or a stand-in time has no minute to share. */
	if (!exists_callback(cb, as_of) || !*cb->recorder || cb->date_only ||
	    cb->stand_in)
		return false;
	*minute = minute_of(cb->at);
	return true;
}

/*
 * Rule 18 burst: callbacks with a recorder grouped by (recorder, calendar
 * minute) across all tickets; a group of 3 or more flags its tickets that
 * are eligible in the report week. Only minutes between the earliest and
 * the latest minute of a report-week callback can flag anything, so only
 * callbacks in that range are sorted.
 */
static void find_bursts(const struct ticket_set *set, struct metrics *m)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	struct burst_key *keys = NULL;
	size_t nkeys = 0, alloc = 0, i, j;

	for (i = 0; i < m->ntickets; i++) {
		const struct ticket *t = m->tickets[i].ticket;
		const struct callback *cbs = ticket_callbacks(set, t);
		uint32_t k;

		for (k = 0; k < t->n_cb; k++) {
			int64_t mi;

			if (!burst_minute(&cbs[k], m->as_of, &mi))
				continue;
			if (mi < lo)
				lo = mi;
			if (mi > hi)
				hi = mi;
		}
	}
	if (lo > hi)
		return;
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];
		const struct callback *cbs = ticket_callbacks(set, t);
		uint32_t k;

		for (k = 0; k < t->n_cb; k++) {
			int64_t mi;

			if (!burst_minute(&cbs[k], m->as_of, &mi) ||
			    mi < lo || mi > hi)
				continue;
			ALLOC_GROW(keys, nkeys + 1, alloc);
			keys[nkeys].minute = mi;
			keys[nkeys].recorder = cbs[k].recorder;
			keys[nkeys].ticket = t;
			nkeys++;
		}
	}
	qsort(keys, nkeys, sizeof(*keys), cmp_burst);
	for (i = 0; i < nkeys; i = j) {
		for (j = i + 1; j < nkeys && !cmp_burst(&keys[i], &keys[j]); j++)
			;
		if (j - i < 3)
			continue;
		for (; i < j; i++) {
			struct week_ticket *wt =
				find_week_ticket(m, keys[i].ticket);

			if (wt)
				wt->anomalies |= 1u << ANOM_BURST;
		}
	}
	free(keys);
}

/*
 * Rule 18 callback_without_completion: a ticket with no completion at
 * as_of (none, or after as_of; cancelled or not) with a callback that
 * exists and falls in the report week.
 */
static bool callback_without_completion(const struct ticket_set *set,
					const struct ticket *t,
					const struct metrics *m)
{
	const struct callback *cbs = ticket_callbacks(set, t);
	uint32_t k;

	if (t->completed_at != TIME_NONE && t->completed_at <= m->as_of)
		return false;
	for (k = 0; k < t->n_cb; k++)
		if (exists_callback(&cbs[k], m->as_of) &&
		    cbs[k].at >= m->week_start && cbs[k].at < m->week_end)
			return true;
	return false;
}

static void add_anomaly(struct metrics *m, size_t *alloc,
			const struct ticket *t, enum anomaly_kind kind)
{
	ALLOC_GROW(m->anomalies, m->nanomalies + 1, *alloc);
	m->anomalies[m->nanomalies].ticket = t;
	m->anomalies[m->nanomalies].kind = kind;
	m->nanomalies++;
}

static int cmp_owed(const void *a, const void *b)
{
	const struct owed_item *x = a, *y = b;

	if (x->due_at != y->due_at)
		return x->due_at < y->due_at ? -1 : 1;
	return strcmp(x->ticket->id, y->ticket->id);
}

/* Per trend week and type: the delays of its called-back tickets. */
struct delay_list {
	int64_t *v;
	size_t n, alloc;
};

static void delay_push(struct delay_list *l, int64_t v)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = v;
}

int metrics_compute(const struct ticket_set *set, const struct config *cfg,
		    struct iso_week week, int64_t as_of, struct metrics *m,
		    struct diag *d)
{
	return metrics_compute_issued(set, cfg, week, as_of, NULL, 0, m, d);
}

/* A past trend week's issued figures in place of the recomputed ones. */
static void use_issued(struct trend_point *tp, const struct trend_point *is,
		       const struct config *cfg)
{
	int t;

	tp->totals = is->totals;
	stats_finish(&tp->totals, NULL, 0, -1);
	for (t = 0; t < TYPE_COUNT; t++) {
		tp->by_type[t] = is->by_type[t];
		stats_finish(&tp->by_type[t], NULL, 0, cfg->target[t]);
	}
	tp->issued = true;
}

int metrics_compute_issued(const struct ticket_set *set,
			   const struct config *cfg, struct iso_week week,
			   int64_t as_of, const struct trend_point *issued,
			   size_t nissued, struct metrics *m, struct diag *d)
{
	if (week.week < 1 || week.week > 53) {
		metrics_release(m);
		diag_report(d, DIAG_ERROR, NULL, 0, 0,
			    "metrics: no valid as-of time or report week");
		return -1;
	}
	return metrics_compute_period(set, cfg, period_from_week(week), as_of,
				      issued, nissued, m, d);
}

/* The trend slot of an instant in [trend[0] start, report end). */
static size_t trend_slot(const struct metrics *m, int64_t trend_start,
			 int64_t t)
{
	if (m->period.kind == PERIOD_WEEK)
		return (size_t)((t - trend_start) / SECONDS_PER_WEEK);
	return (size_t)(period_index(period_of(t, m->period.kind)) -
			period_index(m->trend[0].period));
}

int metrics_compute_period(const struct ticket_set *set,
			   const struct config *cfg, struct period period,
			   int64_t as_of, const struct trend_point *issued,
			   size_t nissued, struct metrics *m, struct diag *d)
{
	struct delay_list delays[TREND_MAX][TYPE_COUNT];
	const struct week_ticket **ptrs = NULL;
	int64_t *scratch = NULL;
	int64_t trend_start;
	size_t ticket_alloc = 0, anomaly_alloc = 0, cwc_alloc = 0, ncwc = 0;
	const struct ticket **cwc = NULL;
	struct week_ticket *window = NULL;
	size_t nwindow = 0, window_alloc = 0;
	size_t i, w;
	int t, kind, ret = -1;

	memset(delays, 0, sizeof(delays));
	metrics_release(m);
	if (as_of == TIME_NONE) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0,
			    "metrics: no valid as-of time or report week");
		goto out;
	}
	m->period = period;
	m->week = period_week(period);
	m->week_start = period_start(period);
	m->week_end = period_end(period);
	m->as_of = as_of;
	m->provisional = as_of < m->week_end;
	m->ntrend = period_trend_len(period.kind);
	m->ncompare = period_compare_len(period.kind);
	/* A month's or quarter's rankings are over the period itself. */
	m->window_weeks = period.kind == PERIOD_WEEK ?
			  cfg->rankings_window_weeks : 1;
	if (m->window_weeks < 1 || m->window_weeks > m->ntrend)
		m->window_weeks = 4;
	for (w = 0; w < m->ntrend; w++) {
		m->trend[w].period = period_add(period,
						(int)w - (int)(m->ntrend - 1));
		m->trend[w].week = period_week(m->trend[w].period);
	}
	trend_start = period_start(m->trend[0].period);

	/* The one pass: classify what was completed in the trend weeks. */
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *tk = &set->tickets[i];
		struct week_ticket wt;
		struct trend_point *tp;

		if (callback_without_completion(set, tk, m)) {
			ALLOC_GROW(cwc, ncwc + 1, cwc_alloc);
			cwc[ncwc++] = tk;
		}
		if (tk->type < 0 || tk->type >= TYPE_COUNT ||
		    tk->cancelled || tk->completed_at == TIME_NONE ||
		    tk->completed_at > as_of || tk->completed_at < trend_start ||
		    tk->completed_at >= m->week_end)
			continue;
		classify(set, tk, cfg, as_of, &wt);
		w = trend_slot(m, trend_start, tk->completed_at);
		tp = &m->trend[w];
		stats_add(&tp->totals, &wt, cfg, as_of);
		stats_add(&tp->by_type[tk->type], &wt, cfg, as_of);
		if (has_delay(&wt))
			delay_push(&delays[w][tk->type],
				   wt.first->at - tk->completed_at);
		if (w == m->ntrend - 1) {
			ALLOC_GROW(m->tickets, m->ntickets + 1, ticket_alloc);
			m->tickets[m->ntickets++] = wt;
		}
		if (w >= m->ntrend - m->window_weeks) {
			ALLOC_GROW(window, nwindow + 1, window_alloc);
			window[nwindow++] = wt;
		}
	}

	/* Medians of the trend groups; the last is the report period. */
	for (w = 0; w < m->ntrend; w++) {
		size_t n = 0;

		for (t = 0; t < TYPE_COUNT; t++)
			n += delays[w][t].n;
		scratch = xreallocarray(scratch, n ? n : 1, sizeof(*scratch));
		n = 0;
		for (t = 0; t < TYPE_COUNT; t++) {
			if (delays[w][t].n)
				memcpy(scratch + n, delays[w][t].v,
				       delays[w][t].n * sizeof(*scratch));
			n += delays[w][t].n;
		}
		stats_finish(&m->trend[w].totals, scratch, n, -1);
		for (t = 0; t < TYPE_COUNT; t++)
			stats_finish(&m->trend[w].by_type[t], delays[w][t].v,
				     delays[w][t].n, cfg->target[t]);
	}
	for (i = 0; i < nissued; i++)
		for (w = 0; w + 1 < m->ntrend; w++)
			if (period_equal(m->trend[w].period, issued[i].period))
				use_issued(&m->trend[w], &issued[i], cfg);
	if (cfg->unreachable_leaves_coverage)
		for (w = 0; w < m->ntrend; w++) {
			leave_unreachable_out(&m->trend[w].totals);
			for (t = 0; t < TYPE_COUNT; t++)
				leave_unreachable_out(&m->trend[w].by_type[t]);
		}
	m->totals = m->trend[m->ntrend - 1].totals;
	for (w = m->ntrend - 1 - m->ncompare; w < m->ntrend - 1; w++) {
		stats_sum(&m->prior.totals, &m->trend[w].totals);
		for (t = 0; t < TYPE_COUNT; t++)
			stats_sum(&m->prior.by_type[t],
				  &m->trend[w].by_type[t]);
	}
	stats_finish(&m->prior.totals, NULL, 0, -1);
	for (t = 0; t < TYPE_COUNT; t++)
		stats_finish(&m->prior.by_type[t], NULL, 0, cfg->target[t]);
	for (t = 0; t < TYPE_COUNT; t++) {
		m->by_type[t].type = t;
		m->by_type[t].s = m->trend[m->ntrend - 1].by_type[t];
	}

	find_bursts(set, m);

	ptrs = xreallocarray(NULL, m->ntickets ? m->ntickets : 1,
			     sizeof(*ptrs));
	scratch = xreallocarray(scratch, m->ntickets ? m->ntickets : 1,
				sizeof(*scratch));
	build_groups(m, cfg, BY_SUBTYPE, m->tickets, m->ntickets, ptrs,
		     scratch, &m->by_subtype, &m->nby_subtype, d);
	build_groups(m, cfg, BY_CENTER, m->tickets, m->ntickets, ptrs,
		     scratch, &m->by_center, &m->nby_center, d);
	build_groups(m, cfg, BY_BUTLER, m->tickets, m->ntickets, ptrs,
		     scratch, &m->by_butler, &m->nby_butler, d);
	build_groups(m, cfg, BY_CENTER_TYPE, m->tickets, m->ntickets, ptrs,
		     scratch, &m->by_center_type, &m->nby_center_type, d);
	if (cfg->unreachable_leaves_coverage) {
		leave_unreachable_out_of(m->by_subtype, m->nby_subtype);
		leave_unreachable_out_of(m->by_center, m->nby_center);
		leave_unreachable_out_of(m->by_butler, m->nby_butler);
		leave_unreachable_out_of(m->by_center_type,
					 m->nby_center_type);
	}
	rank_groups(m->by_butler, m->nby_butler);
	rank_centers_worst_first(m);

	ptrs = xreallocarray(ptrs, nwindow ? nwindow : 1, sizeof(*ptrs));
	scratch = xreallocarray(scratch, nwindow ? nwindow : 1,
				sizeof(*scratch));
	build_groups(m, cfg, BY_BUTLER, window, nwindow, ptrs, scratch,
		     &m->window_butlers, &m->nwindow_butlers, d);
	build_groups(m, cfg, BY_CENTER, window, nwindow, ptrs, scratch,
		     &m->window_centers, &m->nwindow_centers, d);
	if (cfg->unreachable_leaves_coverage) {
		leave_unreachable_out_of(m->window_butlers,
					 m->nwindow_butlers);
		leave_unreachable_out_of(m->window_centers,
					 m->nwindow_centers);
	}
	rank_groups(m->window_butlers, m->nwindow_butlers);
	rank_groups(m->window_centers, m->nwindow_centers);

	/* Owed callbacks: rule 19's order; 无法联系 ones are not owed. */
	for (i = 0; i < m->ntickets; i++)
		if (!m->tickets[i].first && !m->tickets[i].unreachable)
			m->nowed++;
	m->owed = xreallocarray(NULL, m->nowed ? m->nowed : 1,
				sizeof(*m->owed));
	m->nowed = 0;
	for (i = 0; i < m->ntickets; i++) {
		const struct ticket *tk = m->tickets[i].ticket;
		struct owed_item *o;

		if (m->tickets[i].first || m->tickets[i].unreachable)
			continue;
		o = &m->owed[m->nowed++];
		o->ticket = tk;
		o->due_at = tk->completed_at + sla_of(cfg, tk->type);
		o->overdue = as_of > o->due_at;
	}
	qsort(m->owed, m->nowed, sizeof(*m->owed), cmp_owed);

	/*
	 * Anomalies by kind, then ticket: m->tickets and cwc are both in
	 * ticket-number order already.
	 */
	for (kind = 0; kind < ANOM_COUNT; kind++) {
		if (kind == ANOM_CALLBACK_WITHOUT_COMPLETION) {
			for (i = 0; i < ncwc; i++)
				add_anomaly(m, &anomaly_alloc, cwc[i],
					    ANOM_CALLBACK_WITHOUT_COMPLETION);
			continue;
		}
		for (i = 0; i < m->ntickets; i++)
			if (m->tickets[i].anomalies & (1u << kind))
				add_anomaly(m, &anomaly_alloc,
					    m->tickets[i].ticket,
					    (enum anomaly_kind)kind);
	}
	ret = 0;
out:
	for (w = 0; w < TREND_MAX; w++)
		for (t = 0; t < TYPE_COUNT; t++)
			free(delays[w][t].v);
	free(ptrs);
	free(scratch);
	free(cwc);
	free(window);
	return ret;
}
