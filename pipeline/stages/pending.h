/*
 * pending.h - the earlier weeks 'huifang nightly' renders besides the
 * last complete week and the week of the as-of (SPEC §9.27,
 * docs/operations.md "Which weeks nightly writes").
 *
 *   struct pending pd;
 *   pending_plan(&set, as_of, window, &folders, is_issued, arg, &pd);
 *   ... render pd.weeks[0 .. pd.nweeks), report pd.beyond ...
 *   pending_release(&pd);
 *
 * A week before the last complete one (chtime_default_week(as_of)) is
 * pending when it has data (an eligible ticket: completed at or before
 * as_of, not cancelled) or a folder (its name in folders, "2026-W45"),
 * and is_issued(name, arg) says it is not issued. Those among the window
 * newest weeks (the as-of's week and the window - 1 before it; 0: no
 * limit) go to weeks, oldest first, for nightly to render; older ones go
 * to beyond, oldest first, which nightly reports and leaves alone (their
 * folders would fall to the retention the same night). A pure function
 * over its arguments; pd owns its two arrays until pending_release().
 */
#ifndef HUIFANG_PENDING_H
#define HUIFANG_PENDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/chtime.h"
#include "util/string_list.h"
#include "model/ticket.h"

struct pending {
	struct iso_week *weeks;   /* to render, oldest first */
	size_t nweeks;
	struct iso_week *beyond;  /* with data, not issued, older than window */
	size_t nbeyond;
};

void pending_plan(const struct ticket_set *set, int64_t as_of,
		  unsigned window, const struct string_list *folders,
		  bool (*is_issued)(const char *week, void *arg), void *arg,
		  struct pending *pd);
/* Frees the arrays; pd is then empty. */
void pending_release(struct pending *pd);

#endif
