/*
 * pending.c - nightly's earlier weeks (see pending.h).
 *
 * The weeks with data are found by marking, in one byte per week, the
 * week of every eligible ticket between the earliest such week and the
 * last complete week; folders mark theirs the same way. Only weeks
 * strictly before the last complete week are candidates: that one and
 * the as-of's are nightly's own jobs. A completion after the as-of does
 * not exist yet (SPEC §3), so a wrong future date never adds a week.
 */
#include <stdlib.h>

#include "model/period.h"
#include "stages/pending.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The week index of a folder name, or -1 when it names no week. */
static int folder_week(const char *name, int64_t *idx)
{
	struct period p;

	if (period_parse(name, &p) < 0 || p.kind != PERIOD_WEEK)
		return -1;
	*idx = period_index(p);
	return 0;
}

/* The week index of a ticket that counts (SPEC §4 eligible), or -1. */
static int ticket_week(const struct ticket *t, int64_t as_of, int64_t *idx)
{
	if (t->cancelled || t->completed_at == TIME_NONE ||
	    t->completed_at > as_of)
		return -1;
	*idx = period_index(period_of(t->completed_at, PERIOD_WEEK));
	return 0;
}

void pending_plan(const struct ticket_set *set, int64_t as_of,
		  unsigned window, const struct string_list *folders,
		  bool (*is_issued)(const char *week, void *arg), void *arg,
		  struct pending *pd)
{
	struct period last = period_from_week(chtime_default_week(as_of));
	int64_t last_idx = period_index(last), first = last_idx, idx, floor;
	size_t i, nw = 0, nb = 0, allocw = 0, allocb = 0;
	unsigned char *has;

	pd->weeks = pd->beyond = NULL;
	pd->nweeks = pd->nbeyond = 0;
	/* The span to mark: the earliest candidate week to the last one. */
	for (i = 0; i < set->ntickets; i++)
		if (!ticket_week(&set->tickets[i], as_of, &idx) && idx < first)
			first = idx;
	for (i = 0; folders && i < folders->nr; i++)
		if (!folder_week(folders->items[i], &idx) && idx < first)
			first = idx;
	if (first == last_idx)
		return;
	has = xcalloc((size_t)(last_idx - first), 1);
	for (i = 0; i < set->ntickets; i++)
		if (!ticket_week(&set->tickets[i], as_of, &idx) &&
		    idx < last_idx)
			has[idx - first] = 1;
	for (i = 0; folders && i < folders->nr; i++)
		if (!folder_week(folders->items[i], &idx) && idx < last_idx)
			has[idx - first] = 1;

	/* The window counts back from the as-of's week, as the retention. */
	floor = window ? period_index(period_of(as_of, PERIOD_WEEK)) -
			 (int64_t)window + 1 : first;
	for (idx = first; idx < last_idx; idx++) {
		struct period p;
		char id[PERIOD_ID_SIZE];

		if (!has[idx - first])
			continue;
		p = period_add(last, (int)(idx - last_idx));
		period_format(p, id);
		if (is_issued(id, arg))
			continue;
		if (idx >= floor) {
			ALLOC_GROW(pd->weeks, nw + 1, allocw);
			pd->weeks[nw++] = period_week(p);
		} else {
			ALLOC_GROW(pd->beyond, nb + 1, allocb);
			pd->beyond[nb++] = period_week(p);
		}
	}
	pd->nweeks = nw;
	pd->nbeyond = nb;
	free(has);
}

void pending_release(struct pending *pd)
{
	free(pd->weeks);
	free(pd->beyond);
	pd->weeks = pd->beyond = NULL;
	pd->nweeks = pd->nbeyond = 0;
}
