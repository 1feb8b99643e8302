/*
 * worklist.h - the live worklists: what the butlers owe tonight, across
 * all weeks (issue 16, docs/metrics.md "Live worklists").
 *
 * A week's report freezes its owed list as a snapshot; these lists do
 * not belong to a week. Every night they are computed afresh over the
 * tickets completed in the last cfg->worklist_window_days days before the
 * as-of, so a ticket called back since last night is gone tonight:
 *
 *   owed         completed, not cancelled, no valid callback, owner not
 *                无法联系; with its due time (completion + SLA of its type)
 *                and whether it is overdue
 *   open loops   the first callback was 不满意 or 非常不满意 and no valid
 *                callback came strictly later (SPEC §8.15); with the days
 *                open since that callback and 整改完成时间 where known
 *   unreachable  owed but 无法联系 (metrics_unreachable()): shown apart
 *
 * Each list is sorted by centre, butler, then due time (owed,
 * unreachable) or first callback (loops), then ticket number.
 *
 * Calling order:
 *
 *   struct worklist wl;
 *   worklist_compute(&set, cfg, as_of, &wl);
 *   worklist_write_csv(&wl, WORKLIST_OWED, cfg, &buf);   -- for each list
 *   worklist_release(&wl);
 *
 * Items point into the set, which must outlive wl; worklist_release()
 * frees the arrays wl allocated.
 */
#ifndef HUIFANG_WORKLIST_H
#define HUIFANG_WORKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "model/config.h"
#include "model/ticket.h"

enum worklist_kind {
	WORKLIST_OWED,
	WORKLIST_LOOPS,
	WORKLIST_UNREACHABLE,
	WORKLIST_KINDS
};

/* "owed", "loops", "unreachable": the CSV names' stems. */
extern const char *const worklist_kind_name[WORKLIST_KINDS];

struct worklist_item {
	const struct ticket *ticket;
	int64_t due_at;                  /* owed, unreachable */
	bool overdue;                    /* as_of > due_at */
	const struct callback *first;    /* loops: the dissatisfied one */
	int64_t days_open;               /* loops: whole days since first */
};

struct worklist {
	int64_t as_of;
	int64_t since;                   /* completed at or after this */
	struct worklist_item *items[WORKLIST_KINDS];
	size_t n[WORKLIST_KINDS];
};

void worklist_compute(const struct ticket_set *set, const struct config *cfg,
		      int64_t as_of, struct worklist *wl);
void worklist_release(struct worklist *wl);

/* The columns of each list, NULL-terminated: the CSVs' header. */
#define WORKLIST_MAX_COLUMNS 12
extern const char *const
	worklist_columns[WORKLIST_KINDS][WORKLIST_MAX_COLUMNS + 1];
size_t worklist_ncolumns(enum worklist_kind kind);

/*
 * The cells of item i of list kind as text, one per column (owners and
 * phones masked as cfg says): cells[] points into text, which the caller
 * owns and which the next call reuses. Returns the number of cells.
 */
size_t worklist_cells(const struct worklist *wl, enum worklist_kind kind,
		      size_t i, const struct config *cfg, struct buf *text,
		      const char *cells[WORKLIST_MAX_COLUMNS]);

/*
 * Appends list kind as CSV (UTF-8 BOM, CRLF, formula-neutralised, owners
 * and phones masked as cfg says), one row per item in the list's order.
 */
void worklist_write_csv(const struct worklist *wl, enum worklist_kind kind,
			const struct config *cfg, struct buf *out);

/*
 * Appends one CSV row per (centre, butler) with how many tickets each
 * list holds for them and how many owed are overdue: the summary the
 * site and a supervisor read first.
 */
void worklist_write_summary_csv(const struct worklist *wl, struct buf *out);

#endif
