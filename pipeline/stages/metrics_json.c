/*
 * metrics_json.c - metrics.json, schema huifang.metrics/1 (docs/metrics.md).
 *
 * Writes what metrics_compute() found as JSON text, and computes nothing
 * beyond formatting: every number comes from struct metrics or from the
 * ticket set's input counts. The text is a pure function of its inputs:
 * keys are written in a fixed order, lists in the order struct metrics
 * keeps them, ratios with buf_add_double() (the shortest text that reads
 * back to the same double, C locale), instants as "YYYY-MM-DD HH:MM:SS"
 * China time, dates as "YYYY-MM-DD". So the same input, config and as-of
 * give byte-identical files.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stages/metrics.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void write_ratio(struct jsonw *w, const char *key,
			const char *ci_key, const struct ratio *r)
{
	if (!r->valid) {
		jsonw_null(w, key);
		jsonw_null(w, ci_key);
		return;
	}
	jsonw_double(w, key, r->value);
	/* The interval stays on one line: [low, high]. */
	jsonw_open(w, ci_key, '[', JSONW_INLINE);
	jsonw_double(w, NULL, r->low);
	jsonw_double(w, NULL, r->high);
	jsonw_close(w);
}

/* Coverage with its interval, and the type's target where there is one. */
static void write_coverage(struct jsonw *w, const struct group_stats *s)
{
	write_ratio(w, "coverage", "coverage_ci", &s->coverage);
	if (s->has_target) {
		jsonw_double(w, "target", s->target);
		if (s->meets_target_valid)
			jsonw_bool(w, "meets_target", s->meets_target);
		else
			jsonw_null(w, "meets_target");
	}
}

/* The fields every group carries (SPEC §4 and docs/viewmodel.md). */
static void write_stats(struct jsonw *w, const struct group_stats *s)
{
	int i;

	jsonw_uint(w, "eligible", s->eligible);
	jsonw_uint(w, "called_back", s->called_back);
	write_coverage(w, s);
	jsonw_uint(w, "unreachable", s->unreachable);
	write_ratio(w, "coverage_reachable", "coverage_reachable_ci",
		    &s->coverage_reachable);
	jsonw_uint(w, "rated", s->rated);
	jsonw_uint(w, "satisfied", s->satisfied);
	write_ratio(w, "satisfaction", "satisfaction_ci", &s->satisfaction);
	jsonw_uint(w, "dissatisfied", s->dissatisfied);
	jsonw_uint(w, "loops_closed", s->loops_closed);
	jsonw_uint(w, "loops_open", s->loops_open);
	jsonw_uint(w, "timely", s->timely);
	jsonw_uint(w, "attempts", s->attempts);
	if (s->has_median)
		jsonw_double(w, "median_hours_to_callback",
			     s->median_hours_to_callback);
	else
		jsonw_null(w, "median_hours_to_callback");
	jsonw_uint(w, "owed", s->owed);
	jsonw_uint(w, "overdue", s->overdue);
	jsonw_open(w, "satisfaction_distribution", '{', JSONW_BLOCK);
	for (i = SAT_VERY_SATISFIED; i >= SAT_VERY_DISSATISFIED; i--)
		jsonw_uint(w, satisfaction_name[i], s->by_satisfaction[i]);
	jsonw_close(w);
}

static void write_group(struct jsonw *w, const struct metrics_group *g,
			bool ranking)
{
	jsonw_open(w, NULL, '{', JSONW_BLOCK);
	if (g->type >= 0 && g->type < TYPE_COUNT)
		jsonw_str(w, "type", ticket_type_name[g->type]);
	if (g->subtype)
		jsonw_str(w, "subtype", g->subtype);
	if (g->center)
		jsonw_str(w, "center", g->center);
	if (g->butler || ranking) {
		if (g->butler)
			jsonw_str(w, "butler", g->butler);
		jsonw_bool(w, "ranked", g->ranked);
		if (g->ranked)
			jsonw_uint(w, "rank", g->rank);
		else
			jsonw_null(w, "rank");
	}
	if (g->worst_rank) {
		jsonw_uint(w, "types_below_target", g->types_below_target);
		jsonw_uint(w, "worst_rank", g->worst_rank);
	}
	write_stats(w, &g->s);
	jsonw_close(w);
}

/* Ranked ones by rank (ties by name, as the lists are), then the rest. */
static int cmp_by_rank(const void *a, const void *b)
{
	const struct metrics_group *x = *(const struct metrics_group *const *)a;
	const struct metrics_group *y = *(const struct metrics_group *const *)b;

	if (x->ranked != y->ranked)
		return x->ranked ? -1 : 1;
	if (x->ranked && x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void write_ranking(struct jsonw *w, const char *key,
			  const struct metrics_group *g, size_t n)
{
	const struct metrics_group **p = xreallocarray(NULL, n + 1,
						       sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &g[i];
	qsort(p, n, sizeof(*p), cmp_by_rank);
	jsonw_open(w, key, '[', JSONW_BLOCK);
	for (i = 0; i < n; i++)
		write_group(w, p[i], true);
	jsonw_close(w);
	free(p);
}

/* A month's or quarter's window is the period itself: from and to are
 * its id (docs/periods.md). */
static void write_rankings(struct jsonw *w, const struct metrics *m)
{
	char id[PERIOD_ID_SIZE];

	jsonw_open(w, "rankings", '{', JSONW_BLOCK);
	jsonw_uint(w, "window_weeks", m->window_weeks);
	period_format(m->trend[m->ntrend - m->window_weeks].period, id);
	jsonw_str(w, "from_week", id);
	period_format(m->period, id);
	jsonw_str(w, "to_week", id);
	jsonw_uint(w, "min_rated", 10);
	write_ranking(w, "butlers", m->window_butlers, m->nwindow_butlers);
	write_ranking(w, "centers", m->window_centers, m->nwindow_centers);
	jsonw_close(w);
}

/* b - a in points of a ratio, or null when either is null. */
static void write_change(struct jsonw *w, const char *key, const struct ratio *a,
			 const struct ratio *b)
{
	if (a->valid && b->valid)
		jsonw_double(w, key, b->value - a->value);
	else
		jsonw_null(w, key);
}

/*
 * Each type (and the totals) this week, the week before and the pooled
 * COMPARE_WEEKS weeks before it: coverage and satisfaction, and this
 * week's change against each (this week - then, a ratio difference).
 */
static void write_compared(struct jsonw *w, const struct group_stats *now,
			   const struct group_stats *last,
			   const struct group_stats *prior)
{
	write_coverage(w, now);
	write_ratio(w, "satisfaction", "satisfaction_ci", &now->satisfaction);
	write_change(w, "coverage_change_last_week", &last->coverage,
		     &now->coverage);
	write_change(w, "coverage_change_prior", &prior->coverage,
		     &now->coverage);
	write_change(w, "satisfaction_change_last_week", &last->satisfaction,
		     &now->satisfaction);
	write_change(w, "satisfaction_change_prior", &prior->satisfaction,
		     &now->satisfaction);
	jsonw_open(w, "last_week", '{', JSONW_BLOCK);
	write_ratio(w, "coverage", "coverage_ci", &last->coverage);
	write_ratio(w, "satisfaction", "satisfaction_ci", &last->satisfaction);
	jsonw_close(w);
	jsonw_open(w, "prior_average", '{', JSONW_BLOCK);
	write_ratio(w, "coverage", "coverage_ci", &prior->coverage);
	write_ratio(w, "satisfaction", "satisfaction_ci", &prior->satisfaction);
	jsonw_close(w);
}

static void write_comparison(struct jsonw *w, const struct metrics *m)
{
	const struct trend_point *last = &m->trend[m->ntrend - 2];
	int t;

	jsonw_open(w, "comparison", '{', JSONW_BLOCK);
	jsonw_uint(w, "prior_weeks", m->ncompare);
	jsonw_open(w, "totals", '{', JSONW_BLOCK);
	write_compared(w, &m->totals, &last->totals, &m->prior.totals);
	jsonw_close(w);
	jsonw_open(w, "by_type", '[', JSONW_BLOCK);
	for (t = 0; t < TYPE_COUNT; t++) {
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "type", ticket_type_name[t]);
		write_compared(w, &m->by_type[t].s, &last->by_type[t],
			       &m->prior.by_type[t]);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_close(w);
}

static void write_groups(struct jsonw *w, const char *key,
			 const struct metrics_group *g, size_t n)
{
	size_t i;

	jsonw_open(w, key, '[', JSONW_BLOCK);
	for (i = 0; i < n; i++)
		write_group(w, &g[i], false);
	jsonw_close(w);
}

static void write_type_stats(struct jsonw *w, const struct group_stats *by_type)
{
	int t;

	jsonw_open(w, "by_type", '[', JSONW_BLOCK);
	for (t = 0; t < TYPE_COUNT; t++) {
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "type", ticket_type_name[t]);
		write_stats(w, &by_type[t]);
		jsonw_close(w);
	}
	jsonw_close(w);
}

/* SPEC §9.26-§9.28: when the week is issued, its revision, its gates. */
static void write_issue(struct jsonw *w, const struct metrics *m)
{
	size_t i;

	jsonw_time(w, "issue_at", m->issue_at);
	jsonw_uint(w, "revision", m->revision);
	jsonw_bool(w, "issue_forced", m->issue_forced);
	jsonw_bool(w, "blocked", m->blocked);
	if (m->revision_reason) {
		jsonw_str(w, "revision_reason", m->revision_reason);
		jsonw_open(w, "revision_changes", '[', JSONW_BLOCK);
		for (i = 0; i < m->nrevision_changes; i++) {
			const struct metrics_change *c = &m->revision_changes[i];

			jsonw_open(w, NULL, '{', JSONW_INLINE);
			jsonw_str(w, "figure", c->figure);
			jsonw_str(w, "label", c->label);
			/* Counts: whole numbers (an absent figure was -1). */
			jsonw_int(w, "was", (int64_t)c->was);
			jsonw_int(w, "now", (int64_t)c->now);
			jsonw_close(w);
		}
		jsonw_close(w);
	}
	else
		jsonw_null(w, "revision_reason");
	jsonw_open(w, "gates", '[', JSONW_BLOCK);
	for (i = 0; i < m->ngates; i++) {
		const struct metrics_gate *g = &m->gates[i];

		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "name", g->name);
		jsonw_bool(w, "tripped", g->tripped);
		jsonw_bool(w, "accepted", g->accepted);
		if (isfinite(g->value))
			jsonw_double(w, "value", g->value);
		else
			jsonw_null(w, "value");
		jsonw_double(w, "limit", g->limit);
		jsonw_str(w, "message", g->message ? g->message : "");
		if (g->message_zh)
			jsonw_str(w, "message_zh", g->message_zh);
		jsonw_close(w);
	}
	jsonw_close(w);
}

static void write_header(struct jsonw *w, const struct metrics *m,
			 const struct config *cfg)
{
	char id[PERIOD_ID_SIZE], date[CHTIME_BUF];
	int t;

	jsonw_str(w, "schema", "huifang.metrics/1");
	/*
	 * "week" names the report period whatever its kind, so that every
	 * reader of metrics/1 finds its id where it always did; "period"
	 * says which kind it is (SPEC §9.30).
	 */
	period_format(m->period, id);
	jsonw_str(w, "week", id);
	chtime_format_date(m->week_start, date);
	jsonw_str(w, "week_start", date);
	chtime_format_date(m->week_end - 1, date);
	jsonw_str(w, "week_end", date);
	jsonw_open(w, "period", '{', JSONW_INLINE);
	jsonw_str(w, "kind", period_kind_name(m->period.kind));
	jsonw_str(w, "id", id);
	chtime_format_date(m->week_start, date);
	jsonw_str(w, "start", date);
	chtime_format_date(m->week_end - 1, date);
	jsonw_str(w, "end", date);
	jsonw_close(w);
	jsonw_time(w, "as_of", m->as_of);
	jsonw_bool(w, "provisional", m->provisional);
	if (m->issue_at != TIME_NONE)
		write_issue(w, m);

	jsonw_open(w, "company", '{', JSONW_BLOCK);
	jsonw_str(w, "name", cfg->company ? cfg->company : "");
	jsonw_str(w, "document_code", cfg->document_code ? cfg->document_code : "");
	jsonw_str(w, "version", cfg->document_version ? cfg->document_version : "");
	jsonw_str(w, "effective_date",
	       cfg->effective_date ? cfg->effective_date : "");
	jsonw_open(w, "document_codes", '{', JSONW_BLOCK);
	jsonw_str(w, "weekly_report",
		  cfg->code_weekly_report ? cfg->code_weekly_report : "");
	jsonw_str(w, "audit_sheet",
		  cfg->code_audit_sheet ? cfg->code_audit_sheet : "");
	jsonw_str(w, "centre_report",
		  cfg->code_centre_report ? cfg->code_centre_report : "");
	jsonw_close(w);
	jsonw_close(w);
	jsonw_str(w, "seed", cfg->seed ? cfg->seed : "");
	jsonw_open(w, "sla_hours", '{', JSONW_BLOCK);
	for (t = 0; t < TYPE_COUNT; t++)
		jsonw_double(w, ticket_type_name[t],
			  (double)cfg->sla_seconds[t] / 3600.0);
	jsonw_close(w);
	jsonw_open(w, "targets", '{', JSONW_BLOCK);
	for (t = 0; t < TYPE_COUNT; t++)
		jsonw_double(w, ticket_type_name[t], cfg->target[t]);
	jsonw_close(w);
	/* The 无法联系 rule in force, disclosed with the figures it moves. */
	jsonw_open(w, "unreachable_rule", '{', JSONW_BLOCK);
	jsonw_uint(w, "attempts", cfg->unreachable_attempts);
	jsonw_uint(w, "days", cfg->unreachable_days);
	jsonw_open(w, "results", '[', JSONW_BLOCK);
	for (t = 0; t < (int)cfg->unreachable_results.nr; t++)
		jsonw_str(w, NULL, cfg->unreachable_results.items[t]);
	jsonw_close(w);
	jsonw_bool(w, "exclude_from_coverage", cfg->unreachable_leaves_coverage);
	jsonw_close(w);
}

static void write_input(struct jsonw *w, const struct ticket_set *set)
{
	jsonw_open(w, "input", '{', JSONW_BLOCK);
	jsonw_uint(w, "files", set->files_recognised);
	jsonw_uint(w, "rows_read", set->rows_read);
	jsonw_uint(w, "accepted", set->accepted);
	jsonw_uint(w, "rejected", set->rejected);
	jsonw_uint(w, "superseded", set->superseded);
	jsonw_uint(w, "excluded", set->excluded);
	jsonw_close(w);
}

static void write_owed(struct jsonw *w, const struct metrics *m)
{
	size_t i;

	jsonw_open(w, "owed", '[', JSONW_BLOCK);
	for (i = 0; i < m->nowed; i++) {
		const struct owed_item *o = &m->owed[i];
		const struct ticket *t = o->ticket;

		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "ticket", t->id);
		jsonw_str(w, "type", ticket_type_name[t->type]);
		jsonw_str(w, "subtype", metrics_or_unclassified(t->subtype));
		jsonw_str(w, "center", metrics_or_unspecified(t->center));
		jsonw_str(w, "butler", t->butler);
		jsonw_time(w, "completed_at", t->completed_at);
		jsonw_time(w, "due_at", o->due_at);
		jsonw_bool(w, "overdue", o->overdue);
		jsonw_close(w);
	}
	jsonw_close(w);
}

static void write_anomalies(struct jsonw *w, const struct metrics *m)
{
	size_t i;

	jsonw_open(w, "anomalies", '[', JSONW_BLOCK);
	for (i = 0; i < m->nanomalies; i++) {
		const struct ticket *t = m->anomalies[i].ticket;

		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "ticket", t->id);
		jsonw_str(w, "kind", anomaly_kind_name[m->anomalies[i].kind]);
		jsonw_str(w, "center", metrics_or_unspecified(t->center));
		jsonw_str(w, "butler", t->butler);
		jsonw_close(w);
	}
	jsonw_close(w);
}

static void write_open_loops(struct jsonw *w, const struct metrics *m)
{
	size_t i;

	jsonw_open(w, "loops_open_list", '[', JSONW_BLOCK);
	for (i = 0; i < m->ntickets; i++) {
		const struct week_ticket *wt = &m->tickets[i];
		const struct ticket *t = wt->ticket;

		if (!wt->first || wt->first->satisfaction == SAT_NONE ||
		    wt->first->satisfaction > SAT_DISSATISFIED ||
		    wt->loop_closed)
			continue;
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "ticket", t->id);
		jsonw_str(w, "type", ticket_type_name[t->type]);
		jsonw_str(w, "subtype", metrics_or_unclassified(t->subtype));
		jsonw_str(w, "center", metrics_or_unspecified(t->center));
		jsonw_str(w, "butler", t->butler);
		jsonw_time(w, "first_callback_at", wt->first->at);
		/* Whole days the loop has been open at as-of. */
		jsonw_uint(w, "open_days",
			m->as_of > wt->first->at ?
				(size_t)((m->as_of - wt->first->at) / 86400) : 0);
		jsonw_str(w, "satisfaction",
		       satisfaction_name[wt->first->satisfaction]);
		jsonw_close(w);
	}
	jsonw_close(w);
}

static void write_trend(struct jsonw *w, const struct metrics *m)
{
	char id[PERIOD_ID_SIZE], date[CHTIME_BUF];
	size_t i;

	jsonw_open(w, "trend", '[', JSONW_BLOCK);
	for (i = 0; i < m->ntrend; i++) {
		const struct trend_point *tp = &m->trend[i];

		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		period_format(tp->period, id);
		jsonw_str(w, "week", id);
		chtime_format_date(period_start(tp->period), date);
		jsonw_str(w, "week_start", date);
		jsonw_bool(w, "issued", tp->issued);
		jsonw_open(w, "totals", '{', JSONW_BLOCK);
		write_stats(w, &tp->totals);
		jsonw_close(w);
		write_type_stats(w, tp->by_type);
		jsonw_close(w);
	}
	jsonw_close(w);
}

static void write_quality(struct jsonw *w, const struct metrics *m,
			  const struct ticket_set *set)
{
	size_t i;
	int r;

	jsonw_open(w, "data_quality", '{', JSONW_BLOCK);
	jsonw_open(w, "files", '[', JSONW_BLOCK);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		if (f->kind == FILE_UNRECOGNISED)
			continue;
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "name", f->name ? f->name : "");
		jsonw_str(w, "kind",
		       f->kind == FILE_TICKETS ? "tickets" : "callbacks");
		jsonw_str(w, "encoding", f->encoding ? f->encoding : "");
		jsonw_uint(w, "rows_read", f->rows_read);
		jsonw_uint(w, "accepted", f->accepted);
		jsonw_uint(w, "rejected", f->rejected);
		jsonw_uint(w, "superseded", f->superseded);
		jsonw_uint(w, "excluded", f->excluded);
		jsonw_uint(w, "damaged_ticket_ids", f->damaged_ticket_ids);
		jsonw_uint(w, "repeated_ticket_ids", f->repeated_ids);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_open(w, "unrecognised_files", '[', JSONW_BLOCK);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		if (f->kind != FILE_UNRECOGNISED)
			continue;
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "name", f->name ? f->name : "");
		jsonw_str(w, "why", f->why ? f->why : "");
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_open(w, "rejected_by_reason", '{', JSONW_BLOCK);
	for (r = 0; r < REJECT_REASON_COUNT; r++)
		jsonw_uint(w, reject_reason_code[r], set->quality.reasons[r]);
	jsonw_close(w);
	jsonw_uint(w, "orphan_callbacks", set->quality.orphan_callbacks);
	jsonw_uint(w, "unrated_satisfaction", set->quality.unrated_satisfaction);
	jsonw_uint(w, "unknown_subtype_records", set->quality.unknown_subtype);
	jsonw_open(w, "unknown_subtypes", '[', JSONW_BLOCK);
	for (i = 0; i < m->nby_subtype; i++) {
		const struct metrics_group *g = &m->by_subtype[i];

		if (!g->unknown_subtype)
			continue;
		jsonw_open(w, NULL, '{', JSONW_BLOCK);
		jsonw_str(w, "type", ticket_type_name[g->type]);
		jsonw_str(w, "subtype", g->subtype);
		jsonw_uint(w, "tickets", g->s.eligible);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_uint(w, "superseded_tickets", set->quality.superseded_tickets);
	jsonw_uint(w, "superseded_callbacks", set->quality.superseded_callbacks);
	jsonw_uint(w, "date_only_callbacks", set->quality.date_only_callbacks);
	jsonw_uint(w, "stand_in_callbacks", set->quality.stand_in_callbacks);
	jsonw_uint(w, "ratings_without_time", set->quality.ratings_without_time);
	jsonw_close(w);
}

void metrics_write_json(const struct metrics *m, const struct ticket_set *set,
			const struct config *cfg, struct buf *out)
{
	struct jsonw w;

	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	write_header(&w, m, cfg);
	write_input(&w, set);
	jsonw_open(&w, "totals", '{', JSONW_BLOCK);
	write_stats(&w, &m->totals);
	jsonw_close(&w);
	write_groups(&w, "by_type", m->by_type, TYPE_COUNT);
	write_groups(&w, "by_subtype", m->by_subtype, m->nby_subtype);
	write_groups(&w, "by_center", m->by_center, m->nby_center);
	write_groups(&w, "by_butler", m->by_butler, m->nby_butler);
	write_groups(&w, "by_center_type", m->by_center_type,
		     m->nby_center_type);
	write_rankings(&w, m);
	write_comparison(&w, m);
	write_owed(&w, m);
	write_anomalies(&w, m);
	write_open_loops(&w, m);
	write_trend(&w, m);
	write_quality(&w, m, set);
	jsonw_close(&w);
	jsonw_end(&w);
}
