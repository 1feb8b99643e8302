/*
 * issue.h - when a week may be issued, and whether its data is plausible
 * enough to issue it (SPEC §9.26-§9.28, docs/operations.md).
 *
 * A week is issued (正式) at issue_at: the Monday 00:00 after it, plus the
 * longest SLA of its types, plus issue.grace_hours; before that every run
 * renders it provisional (暂定). Before issuing, the plausibility gates are
 * checked over what ingest and metrics measured; a tripped gate that no
 * one accepted keeps the week provisional and the command exits 65.
 *
 * Calling order, all pure functions over structs (no file is touched):
 *
 *   struct gate_input in;
 *   issue_gather(&set, &m, as_of, &in);       -- measures (set, m: read)
 *   in.unreadable_files = ...;                -- what the command saw
 *   issue_check_gates(&in, cfg, gates);       -- gates[GATE_COUNT]
 *   issue_decide(issue_at(week, cfg), as_of, gates, cfg, force, accept,
 *                &decision);
 *   issue_describe_gate(g, &gates[g], &line); -- "rejected_rows: ..."
 *
 * struct gate_input points into the set (file names) and owns nothing;
 * issue_gather() allocates in->files, freed by issue_input_release().
 */
#ifndef HUIFANG_ISSUE_H
#define HUIFANG_ISSUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "model/period.h"
#include "model/ticket.h"
#include "stages/metrics.h"

/* How many weeks before the report week the empty_week gate averages. */
#define ISSUE_PRIOR_WEEKS 4
/*
 * The rejected_file gate looks at exports of at least this many rows: a
 * few bad rows in a small file are the rejected_rows gate's to weigh.
 */
#define ISSUE_FILE_MIN_ROWS 100

/*
 * issue_at of the week w: its Monday 00:00 + 7 days + the longest SLA of
 * the three types + cfg->issue_grace_seconds. For 2026-W47 with 48 h SLAs
 * and 24 h grace: Thursday 2026-11-26 00:00.
 */
int64_t issue_at(struct iso_week w, const struct config *cfg);
/*
 * issue_at of any period (SPEC §9.30): its end + the longest SLA + the
 * grace, so a month or quarter is issued when its last week's tickets had
 * their SLA window; 2026-11 with 48 h SLAs: 2026-12-04 00:00.
 */
int64_t issue_at_period(struct period p, const struct config *cfg);

/* One recognised ticket or callback export, for the per-file gates. */
struct gate_file {
	const char *name;
	size_t rows;            /* rows read */
	size_t rejected;        /* of those, rejected */
	size_t repeated_ids;    /* rows repeating a number within the file
				 * (ticket exports; 0 for callbacks) */
};

/* What the gates measure; see issue_check_gates() for each gate. */
struct gate_input {
	size_t rows_read, rejected;
	size_t unreadable_files;      /* unrecognised, unreadable, unsupported */
	const char *unreadable_example; /* one of their names, or NULL */
	size_t damaged_ids;
	const char *damaged_example;  /* a file holding one, or NULL */
	struct gate_file *files;      /* ticket and callback files (owned) */
	size_t nfiles;
	size_t ratings;               /* callbacks and attempts (with a time) */
	size_t untimed_ratings;       /* a rating or result, no callback time */
	size_t eligible;              /* the report week's */
	size_t eligible_with_butler;
	bool no_butler_column;        /* a profile declares there is none */
	int64_t newest;               /* newest time in the input, TIME_NONE */
	int64_t as_of;
	size_t prior_eligible[ISSUE_PRIOR_WEEKS]; /* the weeks before */
	size_t nprior;
};

struct gate_result {
	bool tripped;
	bool accepted;       /* tripped, and issued over by an administrator */
	double value;        /* the measure, in the unit of the limit */
	double limit;
	const char *file;    /* the file a per-file gate names, or NULL */
};

/*
 * Fills in from the set (rows, rejects, per-file counts, newest time
 * at or before as_of) and from m (the report week's eligible tickets and
 * the ISSUE_PRIOR_WEEKS weeks before it, from m's trend). The command
 * adds unreadable_files and no_butler_column, which the set cannot know.
 */
void issue_gather(const struct ticket_set *set, const struct metrics *m,
		  int64_t as_of, struct gate_input *in);
void issue_input_release(struct gate_input *in);

/*
 * Checks every gate against its limit in cfg->gates, filling
 * out[GATE_COUNT]; returns the number tripped. A gate trips when:
 *   rejected_rows     rejected / rows_read > rejected_share
 *   unreadable_files  unreadable files > unreadable_files
 *   damaged_ids       damaged ticket numbers > damaged_ids
 *   repeated_ids      in some ticket file, repeated / rows >
 *                     repeated_id_share (the worst file is named)
 *   untimed_ratings   untimed / (ratings + untimed) > untimed_rating_share
 *   no_butler         require_butler, no profile says there is no butler
 *                     column, eligible > 0 and none has a butler
 *   stale_input       as_of - newest > stale_days (no time at all trips)
 *   empty_week        eligible = 0 while the ISSUE_PRIOR_WEEKS weeks
 *                     before averaged at least empty_week_average
 *   rejected_file     in some export of ISSUE_FILE_MIN_ROWS rows or more,
 *                     rejected / rows > rejected_file_share (the worst
 *                     file is named): half of one week's export lost is
 *                     a few per cent of a season's rows
 */
size_t issue_check_gates(const struct gate_input *in,
			 const struct config *cfg,
			 struct gate_result out[GATE_COUNT]);

struct issue_decision {
	int64_t issue_at;
	bool due;            /* as_of >= issue_at */
	bool forced;         /* --issue before issue_at */
	bool issued;         /* the week is issued by this run */
	bool blocked;        /* due or forced, kept provisional by a gate */
	size_t tripped;      /* gates tripped */
	size_t accepted;     /* of those, accepted (config or --accept-gates) */
};

/*
 * The week is issued when it is due (or force_issue) and every tripped
 * gate is accepted: by accept_all (--accept-gates) or by name in
 * cfg->accept_gates. Marks gates[g].accepted accordingly.
 */
void issue_decide(int64_t when, int64_t as_of,
		  struct gate_result gates[GATE_COUNT],
		  const struct config *cfg, bool force_issue, bool accept_all,
		  struct issue_decision *out);

/*
 * One line for a person, appended to out, e.g.
 *   rejected_rows: 12.5 % of the rows read were rejected (limit 5 %)
 * C locale, deterministic.
 */
void issue_describe_gate(enum issue_gate g, const struct gate_result *r,
			 struct buf *out);

/*
 * The same in Chinese for the reports' pages (page 1 of the weekly PDF,
 * the site), naming the gate in Chinese and by its code, e.g.
 *   拒收行比例（rejected_rows）：读入的行中被拒收的占 12.5%（上限 5.0%）
 * Acceptance is not part of the text: the templates word it.
 */
void issue_describe_gate_zh(enum issue_gate g, const struct gate_result *r,
			    struct buf *out);

#endif
