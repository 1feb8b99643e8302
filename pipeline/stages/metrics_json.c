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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "stages/metrics.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * A small pretty-printing JSON writer: one element per line, two spaces of
 * indent per level, a value on the line of its key. first says whether
 * the current container has no element yet; after_key that the next
 * value follows a key on the same line.
 */
struct jw {
	struct buf *b;
	int depth;
	bool first;
	bool after_key;
};

static void jw_newline(struct jw *w)
{
	int i;

	buf_addch(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		buf_add(w->b, "  ", 2);
}

/* Before a value or a key: the comma and line break it needs. */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first)
			buf_addch(w->b, ',');
		jw_newline(w);
	}
	w->first = false;
}

static void jw_open(struct jw *w, int ch)
{
	jw_sep(w);
	buf_addch(w->b, ch);
	w->depth++;
	w->first = true;
}

static void jw_close(struct jw *w, int ch)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	buf_addch(w->b, ch);
	w->first = false;
}

static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	buf_add_json_string(w->b, key);
	buf_add(w->b, ": ", 2);
	w->after_key = true;
}

static void jw_str(struct jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_sep(w);
	buf_add_json_string(w->b, v);
}

static void jw_size(struct jw *w, const char *key, size_t v)
{
	jw_key(w, key);
	jw_sep(w);
	buf_addf(w->b, "%zu", v);
}

static void jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_sep(w);
	buf_adds(w->b, v ? "true" : "false");
}

static void jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_sep(w);
	buf_adds(w->b, "null");
}

static void jw_double(struct jw *w, const char *key, double v)
{
	jw_key(w, key);
	jw_sep(w);
	buf_add_double(w->b, v);
}

static void jw_time(struct jw *w, const char *key, int64_t t)
{
	char s[CHTIME_BUF];

	if (t == TIME_NONE) {
		jw_null(w, key);
		return;
	}
	chtime_format(t, s);
	jw_str(w, key, s);
}

static void jw_ratio(struct jw *w, const char *key, const char *ci_key,
		     const struct ratio *r)
{
	if (!r->valid) {
		jw_null(w, key);
		jw_null(w, ci_key);
		return;
	}
	jw_double(w, key, r->value);
	/* The interval stays on one line: [low, high]. */
	jw_key(w, ci_key);
	jw_sep(w);
	buf_addch(w->b, '[');
	buf_add_double(w->b, r->low);
	buf_add(w->b, ", ", 2);
	buf_add_double(w->b, r->high);
	buf_addch(w->b, ']');
}

/* The fields every group carries (SPEC §4 and docs/viewmodel.md). */
static void write_stats(struct jw *w, const struct group_stats *s)
{
	int i;

	jw_size(w, "eligible", s->eligible);
	jw_size(w, "called_back", s->called_back);
	jw_ratio(w, "coverage", "coverage_ci", &s->coverage);
	if (s->has_target) {
		jw_double(w, "target", s->target);
		if (s->meets_target_valid)
			jw_bool(w, "meets_target", s->meets_target);
		else
			jw_null(w, "meets_target");
	}
	jw_size(w, "rated", s->rated);
	jw_size(w, "satisfied", s->satisfied);
	jw_ratio(w, "satisfaction", "satisfaction_ci", &s->satisfaction);
	jw_size(w, "dissatisfied", s->dissatisfied);
	jw_size(w, "loops_closed", s->loops_closed);
	jw_size(w, "loops_open", s->loops_open);
	jw_size(w, "timely", s->timely);
	jw_size(w, "attempts", s->attempts);
	if (s->has_median)
		jw_double(w, "median_hours_to_callback",
			  s->median_hours_to_callback);
	else
		jw_null(w, "median_hours_to_callback");
	jw_size(w, "owed", s->owed);
	jw_size(w, "overdue", s->overdue);
	jw_key(w, "satisfaction_distribution");
	jw_open(w, '{');
	for (i = SAT_VERY_SATISFIED; i >= SAT_VERY_DISSATISFIED; i--)
		jw_size(w, satisfaction_name[i], s->by_satisfaction[i]);
	jw_close(w, '}');
}

static void write_group(struct jw *w, const struct metrics_group *g,
			bool ranking)
{
	jw_open(w, '{');
	if (g->type >= 0 && g->type < TYPE_COUNT)
		jw_str(w, "type", ticket_type_name[g->type]);
	if (g->subtype)
		jw_str(w, "subtype", g->subtype);
	if (g->center)
		jw_str(w, "center", g->center);
	if (g->butler || ranking) {
		if (g->butler)
			jw_str(w, "butler", g->butler);
		jw_bool(w, "ranked", g->ranked);
		if (g->ranked)
			jw_size(w, "rank", g->rank);
		else
			jw_null(w, "rank");
	}
	if (g->worst_rank) {
		jw_size(w, "types_below_target", g->types_below_target);
		jw_size(w, "worst_rank", g->worst_rank);
	}
	write_stats(w, &g->s);
	jw_close(w, '}');
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

static void write_ranking(struct jw *w, const char *key,
			  const struct metrics_group *g, size_t n)
{
	const struct metrics_group **p = xreallocarray(NULL, n + 1,
						       sizeof(*p));
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = &g[i];
	qsort(p, n, sizeof(*p), cmp_by_rank);
	jw_key(w, key);
	jw_open(w, '[');
	for (i = 0; i < n; i++)
		write_group(w, p[i], true);
	jw_close(w, ']');
	free(p);
}

static void write_rankings(struct jw *w, const struct metrics *m)
{
	char week[16];

	jw_key(w, "rankings");
	jw_open(w, '{');
	jw_size(w, "window_weeks", m->window_weeks);
	chtime_format_week(m->trend[TREND_WEEKS - m->window_weeks].week, week);
	jw_str(w, "from_week", week);
	chtime_format_week(m->week, week);
	jw_str(w, "to_week", week);
	jw_size(w, "min_rated", 10);
	write_ranking(w, "butlers", m->window_butlers, m->nwindow_butlers);
	write_ranking(w, "centers", m->window_centers, m->nwindow_centers);
	jw_close(w, '}');
}

/* b - a in points of a ratio, or null when either is null. */
static void write_change(struct jw *w, const char *key, const struct ratio *a,
			 const struct ratio *b)
{
	if (a->valid && b->valid)
		jw_double(w, key, b->value - a->value);
	else
		jw_null(w, key);
}

/*
 * Each type (and the totals) this week, the week before and the pooled
 * COMPARE_WEEKS weeks before it: coverage and satisfaction, and this
 * week's change against each (this week - then, a ratio difference).
 */
static void write_compared(struct jw *w, const struct group_stats *now,
			   const struct group_stats *last,
			   const struct group_stats *prior)
{
	jw_ratio(w, "coverage", "coverage_ci", &now->coverage);
	if (now->has_target) {
		jw_double(w, "target", now->target);
		if (now->meets_target_valid)
			jw_bool(w, "meets_target", now->meets_target);
		else
			jw_null(w, "meets_target");
	}
	jw_ratio(w, "satisfaction", "satisfaction_ci", &now->satisfaction);
	write_change(w, "coverage_change_last_week", &last->coverage,
		     &now->coverage);
	write_change(w, "coverage_change_prior", &prior->coverage,
		     &now->coverage);
	write_change(w, "satisfaction_change_last_week", &last->satisfaction,
		     &now->satisfaction);
	write_change(w, "satisfaction_change_prior", &prior->satisfaction,
		     &now->satisfaction);
	jw_key(w, "last_week");
	jw_open(w, '{');
	jw_ratio(w, "coverage", "coverage_ci", &last->coverage);
	jw_ratio(w, "satisfaction", "satisfaction_ci", &last->satisfaction);
	jw_close(w, '}');
	jw_key(w, "prior_average");
	jw_open(w, '{');
	jw_ratio(w, "coverage", "coverage_ci", &prior->coverage);
	jw_ratio(w, "satisfaction", "satisfaction_ci", &prior->satisfaction);
	jw_close(w, '}');
}

static void write_comparison(struct jw *w, const struct metrics *m)
{
	const struct trend_point *last = &m->trend[TREND_WEEKS - 2];
	int t;

	jw_key(w, "comparison");
	jw_open(w, '{');
	jw_size(w, "prior_weeks", COMPARE_WEEKS);
	jw_key(w, "totals");
	jw_open(w, '{');
	write_compared(w, &m->totals, &last->totals, &m->prior.totals);
	jw_close(w, '}');
	jw_key(w, "by_type");
	jw_open(w, '[');
	for (t = 0; t < TYPE_COUNT; t++) {
		jw_open(w, '{');
		jw_str(w, "type", ticket_type_name[t]);
		write_compared(w, &m->by_type[t].s, &last->by_type[t],
			       &m->prior.by_type[t]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_groups(struct jw *w, const char *key,
			 const struct metrics_group *g, size_t n)
{
	size_t i;

	jw_key(w, key);
	jw_open(w, '[');
	for (i = 0; i < n; i++)
		write_group(w, &g[i], false);
	jw_close(w, ']');
}

static void write_type_stats(struct jw *w, const struct group_stats *by_type)
{
	int t;

	jw_key(w, "by_type");
	jw_open(w, '[');
	for (t = 0; t < TYPE_COUNT; t++) {
		jw_open(w, '{');
		jw_str(w, "type", ticket_type_name[t]);
		write_stats(w, &by_type[t]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_header(struct jw *w, const struct metrics *m,
			 const struct config *cfg)
{
	char week[16], date[CHTIME_BUF];
	int t;

	jw_str(w, "schema", "huifang.metrics/1");
	chtime_format_week(m->week, week);
	jw_str(w, "week", week);
	chtime_format_date(m->week_start, date);
	jw_str(w, "week_start", date);
	chtime_format_date(m->week_end - 1, date);
	jw_str(w, "week_end", date);
	jw_time(w, "as_of", m->as_of);
	jw_bool(w, "provisional", m->provisional);

	jw_key(w, "company");
	jw_open(w, '{');
	jw_str(w, "name", cfg->company ? cfg->company : "");
	jw_str(w, "document_code", cfg->document_code ? cfg->document_code : "");
	jw_str(w, "version", cfg->document_version ? cfg->document_version : "");
	jw_str(w, "effective_date",
	       cfg->effective_date ? cfg->effective_date : "");
	jw_close(w, '}');
	jw_str(w, "seed", cfg->seed ? cfg->seed : "");
	jw_key(w, "sla_hours");
	jw_open(w, '{');
	for (t = 0; t < TYPE_COUNT; t++)
		jw_double(w, ticket_type_name[t],
			  (double)cfg->sla_seconds[t] / 3600.0);
	jw_close(w, '}');
	jw_key(w, "targets");
	jw_open(w, '{');
	for (t = 0; t < TYPE_COUNT; t++)
		jw_double(w, ticket_type_name[t], cfg->target[t]);
	jw_close(w, '}');
}

static void write_input(struct jw *w, const struct ticket_set *set)
{
	jw_key(w, "input");
	jw_open(w, '{');
	jw_size(w, "files", set->files_recognised);
	jw_size(w, "rows_read", set->rows_read);
	jw_size(w, "accepted", set->accepted);
	jw_size(w, "rejected", set->rejected);
	jw_size(w, "superseded", set->superseded);
	jw_close(w, '}');
}

static void write_owed(struct jw *w, const struct metrics *m)
{
	size_t i;

	jw_key(w, "owed");
	jw_open(w, '[');
	for (i = 0; i < m->nowed; i++) {
		const struct owed_item *o = &m->owed[i];
		const struct ticket *t = o->ticket;

		jw_open(w, '{');
		jw_str(w, "ticket", t->id);
		jw_str(w, "type", ticket_type_name[t->type]);
		jw_str(w, "subtype", metrics_or_unclassified(t->subtype));
		jw_str(w, "center", metrics_or_unspecified(t->center));
		jw_str(w, "butler", t->butler);
		jw_time(w, "completed_at", t->completed_at);
		jw_time(w, "due_at", o->due_at);
		jw_bool(w, "overdue", o->overdue);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_anomalies(struct jw *w, const struct metrics *m)
{
	size_t i;

	jw_key(w, "anomalies");
	jw_open(w, '[');
	for (i = 0; i < m->nanomalies; i++) {
		const struct ticket *t = m->anomalies[i].ticket;

		jw_open(w, '{');
		jw_str(w, "ticket", t->id);
		jw_str(w, "kind", anomaly_kind_name[m->anomalies[i].kind]);
		jw_str(w, "center", metrics_or_unspecified(t->center));
		jw_str(w, "butler", t->butler);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_open_loops(struct jw *w, const struct metrics *m)
{
	size_t i;

	jw_key(w, "loops_open_list");
	jw_open(w, '[');
	for (i = 0; i < m->ntickets; i++) {
		const struct week_ticket *wt = &m->tickets[i];
		const struct ticket *t = wt->ticket;

		if (!wt->first || wt->first->satisfaction == SAT_NONE ||
		    wt->first->satisfaction > SAT_DISSATISFIED ||
		    wt->loop_closed)
			continue;
		jw_open(w, '{');
		jw_str(w, "ticket", t->id);
		jw_str(w, "type", ticket_type_name[t->type]);
		jw_str(w, "subtype", metrics_or_unclassified(t->subtype));
		jw_str(w, "center", metrics_or_unspecified(t->center));
		jw_str(w, "butler", t->butler);
		jw_time(w, "first_callback_at", wt->first->at);
		/* Whole days the loop has been open at as-of. */
		jw_size(w, "open_days",
			m->as_of > wt->first->at ?
				(size_t)((m->as_of - wt->first->at) / 86400) : 0);
		jw_str(w, "satisfaction",
		       satisfaction_name[wt->first->satisfaction]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_trend(struct jw *w, const struct metrics *m)
{
	char week[16], date[CHTIME_BUF];
	size_t i;

	jw_key(w, "trend");
	jw_open(w, '[');
	for (i = 0; i < TREND_WEEKS; i++) {
		const struct trend_point *tp = &m->trend[i];

		jw_open(w, '{');
		chtime_format_week(tp->week, week);
		jw_str(w, "week", week);
		chtime_format_date(chtime_week_start(tp->week), date);
		jw_str(w, "week_start", date);
		jw_key(w, "totals");
		jw_open(w, '{');
		write_stats(w, &tp->totals);
		jw_close(w, '}');
		write_type_stats(w, tp->by_type);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static void write_quality(struct jw *w, const struct metrics *m,
			  const struct ticket_set *set)
{
	size_t i;
	int r;

	jw_key(w, "data_quality");
	jw_open(w, '{');
	jw_key(w, "files");
	jw_open(w, '[');
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		if (f->kind == FILE_UNRECOGNISED)
			continue;
		jw_open(w, '{');
		jw_str(w, "name", f->name ? f->name : "");
		jw_str(w, "kind",
		       f->kind == FILE_TICKETS ? "tickets" : "callbacks");
		jw_str(w, "encoding", f->encoding ? f->encoding : "");
		jw_size(w, "rows_read", f->rows_read);
		jw_size(w, "accepted", f->accepted);
		jw_size(w, "rejected", f->rejected);
		jw_size(w, "superseded", f->superseded);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_key(w, "unrecognised_files");
	jw_open(w, '[');
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		if (f->kind != FILE_UNRECOGNISED)
			continue;
		jw_open(w, '{');
		jw_str(w, "name", f->name ? f->name : "");
		jw_str(w, "why", f->why ? f->why : "");
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_key(w, "rejected_by_reason");
	jw_open(w, '{');
	for (r = 0; r < REJECT_REASON_COUNT; r++)
		jw_size(w, reject_reason_code[r], set->quality.reasons[r]);
	jw_close(w, '}');
	jw_size(w, "orphan_callbacks", set->quality.orphan_callbacks);
	jw_size(w, "unrated_satisfaction", set->quality.unrated_satisfaction);
	jw_size(w, "unknown_subtype_records", set->quality.unknown_subtype);
	jw_key(w, "unknown_subtypes");
	jw_open(w, '[');
	for (i = 0; i < m->nby_subtype; i++) {
		const struct metrics_group *g = &m->by_subtype[i];

		if (!g->unknown_subtype)
			continue;
		jw_open(w, '{');
		jw_str(w, "type", ticket_type_name[g->type]);
		jw_str(w, "subtype", g->subtype);
		jw_size(w, "tickets", g->s.eligible);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_size(w, "superseded_tickets", set->quality.superseded_tickets);
	jw_size(w, "superseded_callbacks", set->quality.superseded_callbacks);
	jw_close(w, '}');
}

void metrics_write_json(const struct metrics *m, const struct ticket_set *set,
			const struct config *cfg, struct buf *out)
{
	struct jw w = { out, 0, true, false };

	jw_open(&w, '{');
	write_header(&w, m, cfg);
	write_input(&w, set);
	jw_key(&w, "totals");
	jw_open(&w, '{');
	write_stats(&w, &m->totals);
	jw_close(&w, '}');
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
	jw_close(&w, '}');
	buf_addch(out, '\n');
}
