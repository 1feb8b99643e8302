/*
 * pending.c - nightly's earlier weeks (see pending.h).
 *
 * The weeks with data are found by marking, in one byte per week counted
 * back from the week before the last complete one, the week of every
 * eligible ticket, each computed once; the array grows back to the
 * earliest such week. Folders mark theirs the same way. Only weeks
 * strictly before the last complete week are candidates: that one and
 * the as-of's are nightly's own jobs. A completion after the as-of does
 * not exist yet (SPEC §3), so a wrong future date never adds a week.
 */
#include <stdlib.h>
#include <string.h>

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

/*
 * Marks the week idx in has, one byte per week counted back from the
 * week before last_idx (has[0]); weeks from last_idx on are not
 * candidates and are left out. The array grows, zeroed, as far back as
 * needed; *n is its length.
 */
static void mark_week(unsigned char **has, size_t *n, size_t *alloc,
		      int64_t idx, int64_t last_idx)
{
	size_t back;

	if (idx >= last_idx)
		return;
	back = (size_t)(last_idx - 1 - idx);
	if (back >= *n) {
		ALLOC_GROW(*has, back + 1, *alloc);
		memset(*has + *n, 0, back + 1 - *n);
		*n = back + 1;
	}
	(*has)[back] = 1;
}

void pending_plan(const struct ticket_set *set, int64_t as_of,
		  unsigned window, const struct string_list *folders,
		  bool (*is_issued)(const char *week, void *arg), void *arg,
		  struct pending *pd)
{
	struct period last = period_from_week(chtime_default_week(as_of));
	int64_t last_idx = period_index(last), idx, floor;
	size_t i, back, nhas = 0, allochas = 0;
	size_t nw = 0, nb = 0, allocw = 0, allocb = 0;
	unsigned char *has = NULL;

	pd->weeks = pd->beyond = NULL;
	pd->nweeks = pd->nbeyond = 0;
	for (i = 0; i < set->ntickets; i++)
		if (!ticket_week(&set->tickets[i], as_of, &idx))
			mark_week(&has, &nhas, &allochas, idx, last_idx);
	for (i = 0; folders && i < folders->nr; i++)
		if (!folder_week(folders->items[i], &idx))
			mark_week(&has, &nhas, &allochas, idx, last_idx);

	/* The window counts back from the as-of's week, as the retention. */
	floor = window ? period_index(period_of(as_of, PERIOD_WEEK)) -
			 (int64_t)window + 1 : INT64_MIN;
	/* Oldest first: from the furthest back to has[0]. */
	for (back = nhas; back-- > 0;) {
		struct period p;
		char id[PERIOD_ID_SIZE];

		if (!has[back])
			continue;
		idx = last_idx - 1 - (int64_t)back;
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
