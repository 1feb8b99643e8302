/*
 * backfill.c - the plan of 'huifang backfill' (see backfill.h).
 *
 * The span starts at the earliest completion the as-of can see, so a
 * ticket completed "later" (a wrong clock, a future date) never widens
 * it, and at most the site's retention back (the as-of's week and the
 * site.retention_weeks - 1 before it, which is what the site shows; else
 * retention_weeks), so a backfill never renders what the site would
 * leave out or the nightly retention delete at once. A month or quarter is in
 * the span when it overlaps it: the first month holds the first week's
 * Monday even when the month began before the data.
 */
#include <stdlib.h>

#include "stages/backfill.h"
#include "stages/issue.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const enum period_kind kinds[PERIOD_KINDS] = {
	PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER
};

size_t backfill_plan(const struct ticket_set *set, const struct config *cfg,
		     int64_t as_of,
		     bool (*is_current)(const char *id, int64_t at, void *arg),
		     void *arg,
		     struct backfill_item **items)
{
	int64_t first = TIME_NONE, floor;
	size_t i, n = 0, alloc = 0;
	unsigned keep;
	int k;

	*items = NULL;
	for (i = 0; i < set->ntickets; i++) {
		int64_t t = set->tickets[i].completed_at;

		if (t != TIME_NONE && t <= as_of && (first == TIME_NONE ||
						     t < first))
			first = t;
	}
	if (first == TIME_NONE)
		return 0;
	keep = cfg->site_retention_weeks ? cfg->site_retention_weeks :
					   cfg->retention_weeks;
	if (keep) {
		floor = period_start(period_of(as_of, PERIOD_WEEK)) -
			(int64_t)(keep - 1) * SECONDS_PER_WEEK;
		if (first < floor)
			first = floor;
	}
	for (k = 0; k < PERIOD_KINDS; k++) {
		struct period p = period_of(first, kinds[k]);
		int64_t last = period_index(period_of(as_of, kinds[k]));

		for (; period_index(p) <= last; p = period_add(p, 1)) {
			char id[PERIOD_ID_SIZE];
			int64_t at = issue_at_period(p, cfg);
			struct backfill_item *it;

			period_format(p, id);
			if (at > as_of)
				at = as_of;
			if (is_current(id, at, arg))
				continue;
			ALLOC_GROW(*items, n + 1, alloc);
			it = &(*items)[n++];
			it->period = p;
			it->due = issue_at_period(p, cfg) <= as_of;
			it->as_of = at;
		}
	}
	return n;
}
