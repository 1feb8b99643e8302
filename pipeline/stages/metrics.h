/*
 * metrics.h - the metrics stage: SPEC §3-§4 over one report week.
 *
 * Calling order:
 *
 *   struct metrics m;
 *   metrics_init(&m);
 *   metrics_compute(&set, cfg, week, as_of, &m, &diag);
 *   metrics_write_json(&m, &set, cfg, &out);   -- metrics.json text
 *   metrics_release(&m);
 *
 * metrics_compute() reads the ticket set (never changes it) and fills m;
 * m points into the set (tickets, callbacks, strings), so the set must
 * outlive m. Everything m allocates itself is freed by metrics_release().
 * It is a pure function of (set, cfg, week, as_of): nothing after as_of
 * exists (SPEC §8 rule 13).
 */
#ifndef HUIFANG_METRICS_H
#define HUIFANG_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "util/diag.h"
#include "model/ticket.h"

/*
 * What a group or a list shows for an empty centre or butler, and for an
 * empty sub-type; metrics.json, records.json and samples.json agree.
 */
#define METRICS_UNSPECIFIED "未指定"
#define METRICS_UNCLASSIFIED "未分类"

/* name (a centre or a butler), or METRICS_UNSPECIFIED when it is empty. */
const char *metrics_or_unspecified(const char *name);
/* subtype, or METRICS_UNCLASSIFIED when it is empty. */
const char *metrics_or_unclassified(const char *subtype);

/* A ratio with its 95 % Wilson interval; valid is false for a 0 denominator
 * (JSON null). */
struct ratio {
	bool valid;
	double value, low, high;
};

struct group_stats {
	size_t eligible, called_back, rated, satisfied, dissatisfied;
	size_t loops_closed, loops_open, timely, attempts;
	size_t owed, overdue;
	/* First-callback satisfaction of the rated ones, by enum
	 * satisfaction (index 0 unused). */
	size_t by_satisfaction[6];
	struct ratio coverage, satisfaction;
	bool has_median;
	double median_hours_to_callback;
	/* by_type and by_subtype only: */
	bool has_target;
	double target;
	bool meets_target_valid, meets_target;
};

struct metrics_group {
	int type;                /* enum ticket_type, or TYPE_UNKNOWN */
	const char *subtype;     /* by_subtype: "未分类" when empty */
	const char *center;      /* by_center, by_butler: "未指定" when empty */
	const char *butler;      /* by_butler */
	bool ranked;             /* by_butler: rated >= 10 */
	unsigned rank;           /* by_butler, ranked only: 1 = the highest
				  * satisfaction; equal ones share a rank */
	bool unknown_subtype;    /* by_subtype: not in cfg->subtypes */
	/* by_center only: of the centre's by_center_type groups, how many
	 * miss their type's target, and the centre's place when centres are
	 * listed worst first (1 = worst; see docs/metrics.md). */
	unsigned types_below_target, worst_rank;
	struct group_stats s;
};

/* One eligible ticket of the report week, as the later stages need it. */
struct week_ticket {
	const struct ticket *ticket;
	const struct callback *first;   /* first valid callback, or NULL */
	unsigned anomalies;             /* 1u << enum anomaly_kind */
	bool timely;
	bool loop_closed;               /* dissatisfied and closed */
	uint32_t attempts;              /* attempts with time <= as_of */
};

struct anomaly {
	const struct ticket *ticket;
	enum anomaly_kind kind;
};

struct owed_item {
	const struct ticket *ticket;
	int64_t due_at;
	bool overdue;
};

struct trend_point {
	struct iso_week week;
	struct group_stats totals;
	struct group_stats by_type[TYPE_COUNT];
};

#define TREND_WEEKS 8
#define COMPARE_WEEKS 4

struct metrics {
	struct iso_week week;
	int64_t week_start;          /* Monday 00:00 */
	int64_t week_end;            /* next Monday 00:00 (exclusive) */
	int64_t as_of;
	bool provisional;            /* the week is not over at as_of */

	struct group_stats totals;
	struct metrics_group by_type[TYPE_COUNT];
	struct metrics_group *by_subtype;   /* sorted by type, subtype */
	size_t nby_subtype;
	struct metrics_group *by_center;    /* sorted by center */
	size_t nby_center;
	struct metrics_group *by_butler;    /* sorted by center, butler */
	size_t nby_butler;
	/* Each centre against each type's target: sorted by center, type. */
	struct metrics_group *by_center_type;
	size_t nby_center_type;

	/*
	 * Rankings over the rolling window of window_weeks weeks that ends
	 * with the report week (rated >= 10 over the window): butlers sorted
	 * by center, butler and centres by center, like the week's lists.
	 */
	unsigned window_weeks;
	struct metrics_group *window_butlers;
	size_t nwindow_butlers;
	struct metrics_group *window_centers;
	size_t nwindow_centers;

	struct week_ticket *tickets;        /* eligible, sorted by ticket id */
	size_t ntickets;
	struct anomaly *anomalies;          /* sorted by kind, ticket */
	size_t nanomalies;
	struct owed_item *owed;             /* sorted by due_at, ticket */
	size_t nowed;
	struct trend_point trend[TREND_WEEKS]; /* oldest first; last = week */
	/*
	 * The COMPARE_WEEKS weeks before the report week pooled (their counts
	 * summed, then the ratios): what page 1's "against the 4-week
	 * average" compares with. The week before is trend[TREND_WEEKS - 2].
	 */
	struct trend_point prior;

	/* Data quality found while computing (ingest's are in the set). */
	size_t unknown_subtypes;
};

void metrics_init(struct metrics *m);
int metrics_compute(const struct ticket_set *set, const struct config *cfg,
		    struct iso_week week, int64_t as_of, struct metrics *m,
		    struct diag *d);
/* Appends metrics.json (schema huifang.metrics/1) to out. */
void metrics_write_json(const struct metrics *m, const struct ticket_set *set,
			const struct config *cfg, struct buf *out);
void metrics_release(struct metrics *m);

#endif
