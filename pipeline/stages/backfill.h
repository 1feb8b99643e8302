/*
 * backfill.h - which weeks, months and quarters 'huifang backfill'
 * renders, and at which as-of (SPEC §9.30, docs/periods.md).
 *
 *   struct backfill_item *items;
 *   size_t n = backfill_plan(&set, cfg, as_of, is_issued, arg, &items);
 *   ... render items[i].period at items[i].as_of ...
 *   free(items);
 *
 * The plan covers the periods of the data: from the period of the
 * earliest completion at or before as_of (but not before the site's
 * retention: as_of's week and the cfg->site_retention_weeks - 1 weeks
 * before it, or cfg->retention_weeks when the site keeps everything; 0
 * and 0 keep everything) to the period containing as_of, for each kind. A period
 * that is due (issue_at <= as_of) is rendered at its issue_at, so it
 * shows the figures it would have been issued with; one that is not is
 * rendered at as_of, provisional. A period is left out when
 * is_current(id, at, arg) says it is issued, or was rendered at that
 * very as-of already: so a second backfill at the same as-of plans
 * nothing, and a later one refreshes only what is still provisional. Items are ordered weeks, then months, then
 * quarters, each oldest first, so a period's trend finds the earlier
 * ones issued. A pure function: the caller owns items (free()).
 */
#ifndef HUIFANG_BACKFILL_H
#define HUIFANG_BACKFILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/period.h"
#include "model/ticket.h"

struct backfill_item {
	struct period period;
	int64_t as_of;       /* its issue_at when due, else the as-of */
	bool due;
};

size_t backfill_plan(const struct ticket_set *set, const struct config *cfg,
		     int64_t as_of,
		     bool (*is_current)(const char *id, int64_t at, void *arg),
		     void *arg,
		     struct backfill_item **items);

#endif
