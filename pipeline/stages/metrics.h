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
#include "model/period.h"
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
	size_t unreachable;   /* 无法联系: not called back, owner unreachable;
			       * not owed (docs/metrics.md) */
	/* First-callback satisfaction of the rated ones, by enum
	 * satisfaction (index 0 unused). */
	size_t by_satisfaction[6];
	struct ratio coverage, satisfaction;
	/* called_back / (eligible - unreachable); coverage itself is this
	 * only when unreachable.exclude_from_coverage is set. */
	struct ratio coverage_reachable;
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
	bool unreachable;               /* no callback, owner 无法联系 */
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
	struct period period;   /* of the report period's kind */
	struct iso_week week;   /* period_week(period) */
	struct group_stats totals;
	struct group_stats by_type[TYPE_COUNT];
	bool issued;      /* the figures the week was issued with (§9.29) */
};

#define TREND_WEEKS 8
#define COMPARE_WEEKS 4
/* The longest trend of any period kind (12 months: period_trend_len()). */
#define TREND_MAX 12

/* A plausibility gate as metrics.json records it (set by the command). */
struct metrics_gate {
	const char *name;
	bool tripped, accepted;
	double value, limit;     /* an infinite value is written as null */
	const char *message;     /* one line for a person; owned by caller */
	const char *message_zh;  /* the same in Chinese, or NULL; the same */
};

struct metrics {
	/*
	 * The report period (model/period.h): a week, a month or a quarter.
	 * week_start and week_end are its bounds whatever its kind; week is
	 * the ISO week of a week period (of a month's or quarter's first
	 * day otherwise, which only the week-only stages read).
	 */
	struct period period;
	struct iso_week week;
	int64_t week_start;          /* the period's first instant */
	int64_t week_end;            /* the first instant after it */
	int64_t as_of;
	bool provisional;            /* the period is not over at as_of */

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
	unsigned window_weeks;       /* periods: 1, the report period */
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
	/* ntrend = period_trend_len() periods, oldest first; the last is
	 * the report period (a week's is trend[TREND_WEEKS - 1]). */
	struct trend_point trend[TREND_MAX];
	size_t ntrend;
	/*
	 * The ncompare (period_compare_len()) periods before the report one
	 * pooled (their counts summed, then the ratios): what page 1's
	 * "against the 4-week average" compares with. The period before is
	 * trend[ntrend - 2].
	 */
	struct trend_point prior;
	unsigned ncompare;

	/* Data quality found while computing (ingest's are in the set). */
	size_t unknown_subtypes;

	/*
	 * How the week stands (SPEC §9.26-§9.28), set by the command before
	 * metrics_write_json(); issue_at TIME_NONE writes none of it.
	 * provisional (above) then means "not issued".
	 */
	int64_t issue_at;
	unsigned revision;          /* 1, 2 ... once issued; 0 provisional */
	bool issue_forced;          /* issued before issue_at by --issue */
	bool blocked;               /* due, but a gate keeps it provisional */
	const char *revision_reason; /* --reason of a revision, or NULL */
	/*
	 * A revision's totals that differ from the issue it replaces (issue
	 * 16): the figure's key and Chinese name, before and now. Written
	 * as revision_changes beside revision_reason.
	 */
	struct metrics_change {
		const char *figure, *label;
		double was, now;
	} revision_changes[16];
	size_t nrevision_changes;
	struct metrics_gate gates[16];
	size_t ngates;
};

void metrics_init(struct metrics *m);
int metrics_compute(const struct ticket_set *set, const struct config *cfg,
		    struct iso_week week, int64_t as_of, struct metrics *m,
		    struct diag *d);
/*
 * As metrics_compute(), with the issued figures of past weeks (SPEC
 * §9.29: one week, one number): a trend week found in issued[] (by week)
 * shows those counts and median instead of its figures at as_of, and so
 * do the comparisons built on the trend (last week, the prior average).
 * Only the counts, the median and the satisfaction distribution of each
 * totals and by_type group are read; ratios are recomputed from them.
 * The report week itself is always computed.
 */
int metrics_compute_issued(const struct ticket_set *set,
			   const struct config *cfg, struct iso_week week,
			   int64_t as_of, const struct trend_point *issued,
			   size_t nissued, struct metrics *m, struct diag *d);
/*
 * metrics_compute_issued() over any period (model/period.h): a month's
 * or a quarter's metrics are a week's over its bounds, with a trend of
 * period_trend_len() periods of its kind and rankings over the period
 * itself. issued[] is matched by period.
 */
int metrics_compute_period(const struct ticket_set *set,
			   const struct config *cfg, struct period period,
			   int64_t as_of, const struct trend_point *issued,
			   size_t nissued, struct metrics *m, struct diag *d);
/* Appends metrics.json (schema huifang.metrics/1) to out. */
void metrics_write_json(const struct metrics *m, const struct ticket_set *set,
			const struct config *cfg, struct buf *out);
void metrics_release(struct metrics *m);

/*
 * 无法联系 (docs/metrics.md): whether the owner of t counts as unreachable
 * at as_of by the config's rule: an attempt (at or after completion, at
 * or before as_of) whose result or satisfaction text is one of
 * cfg->unreachable_results, or at least cfg->unreachable_attempts
 * attempts (0: never) on at least cfg->unreachable_days China days.
 * Says nothing of callbacks: the caller asks only for a ticket without
 * a valid one.
 */
bool metrics_unreachable(const struct ticket_set *set,
			 const struct ticket *t, const struct config *cfg,
			 int64_t as_of);

#endif
