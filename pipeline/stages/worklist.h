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
 * unreachable: so the overdue come first) or first callback (loops),
 * then ticket number; wl->people[] lists each (centre, butler) once, in
 * that order, with where its items are in each list.
 *
 * Who reads a list decides its masking (docs/operations.md, "Live
 * worklists"): WORKLIST_FOR_BUTLER, the butlers' own CSVs and workbooks,
 * follows worklists.masking (the phone shown by default, as on the audit
 * sheets); WORKLIST_FOR_SITE, the published site's view (worklists.json),
 * follows masking.* like every other page.
 *
 * Calling order:
 *
 *   struct worklist wl;
 *   worklist_compute(&set, cfg, as_of, &wl);
 *   worklist_write_csv(&wl, WORKLIST_OWED, WORKLIST_FOR_BUTLER, cfg, &buf);
 *   worklist_write_json(&wl, cfg, &buf);          -- the site's view
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

/* One (centre, butler) with items: items[k][first[k] .. first[k]+n[k]). */
struct worklist_person {
	const char *center;              /* 未指定 for none */
	const char *butler;              /* "" for none */
	size_t first[WORKLIST_KINDS], n[WORKLIST_KINDS];
	size_t overdue;                  /* of the owed */
};

struct worklist {
	int64_t as_of;
	int64_t since;                   /* completed at or after this */
	unsigned window_days;
	struct worklist_item *items[WORKLIST_KINDS];
	size_t n[WORKLIST_KINDS];
	struct worklist_person *people;  /* by centre, then butler */
	size_t npeople;
};

/* Whose list it is: which masking applies (see above). */
enum worklist_audience {
	WORKLIST_FOR_BUTLER,
	WORKLIST_FOR_SITE,
};

/*
 * Whether a list for the butlers shows a name or a phone unmasked under
 * cfg: then its files take cfg->audit_file_mode, as the audit sheets do.
 */
bool worklist_shows_personal_data(const struct config *cfg);

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
		      size_t i, enum worklist_audience who,
		      const struct config *cfg, struct buf *text,
		      const char *cells[WORKLIST_MAX_COLUMNS]);

/*
 * Appends list kind as CSV (UTF-8 BOM, CRLF, formula-neutralised, owners
 * and phones masked for who), one row per item in the list's order.
 */
void worklist_write_csv(const struct worklist *wl, enum worklist_kind kind,
			enum worklist_audience who, const struct config *cfg,
			struct buf *out);

/*
 * Appends the site's view of the lists as JSON (schema
 * huifang.worklists/1, docs/viewmodel.md), masked as masking.* says:
 * as_of, since, window_days, the counts of the whole (totals), of each
 * centre (centers[]) and of each person (people[]), and owed[], loops[],
 * unreachable[] in the lists' order. The renderer reads it and
 * computes nothing.
 */
void worklist_write_json(const struct worklist *wl, const struct config *cfg,
			 struct buf *out);

/*
 * Appends one CSV row per (centre, butler) with how many tickets each
 * list holds for them and how many owed are overdue: the summary the
 * site and a supervisor read first.
 */
void worklist_write_summary_csv(const struct worklist *wl, struct buf *out);

#endif
