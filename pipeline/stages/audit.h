/*
 * audit.h - the three-level audit loop after the sample: the findings the
 * auditors bring back (SPEC §9.29), and the results computed from them
 * (docs/audit.md).
 *
 * Calling order, importing ('huifang audit import'):
 *
 *   struct findings f;
 *   findings_init(&f);
 *   audit_sheet_week(path, &week, &d);            -- which week a sheet is
 *   ... the samples.json of that week, parsed (cJSON) ...
 *   audit_import_csv(samples, path, as_of, cfg, &f, &d);  -- per sheet
 *   findings_read(<output>/findings/<week>.json, &old, &d);
 *   findings_merge(&old, &f);                     -- a repeated key replaces
 *   findings_write_json(&old, &out);              -- written 0600
 *   findings_release(&f);
 *
 * and reporting (the run, for one week W):
 *
 *   audit_read_all(<output>/findings, &all, &nall, &d);  -- every week
 *   audit_followups(all, nall, W, cfg, &fu, &nfu);  -- for sample_draw_followup()
 *   jsonw_reopen(&w, &metrics_json);             -- metrics.json's root
 *   audit_results_json(&w, samples, all, nall, W, as_of, issued_at, cfg);
 *   audit_problems_json(&w, samples, all, nall, W, as_of);
 *   jsonw_close(&w); jsonw_end(&w);
 *   audit_release_all(all, nall);
 *
 * A finding is keyed by (week, level, ticket, 抽查日期): importing a key
 * again replaces it; a ticket audited on two dates keeps both. An import
 * checks every row against the week's sample and is all or nothing: any
 * bad row is reported (file, line and column) into d and nothing is
 * returned. Ownership: struct findings owns its strings; the cJSON
 * samples belong to the caller.
 */
#ifndef HUIFANG_AUDIT_H
#define HUIFANG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "util/diag.h"
#include "model/config.h"
#include "stages/sample.h"

#define FINDINGS_SCHEMA "huifang.findings/1"

struct finding {
	char *level;          /* level id, e.g. cs_supervisor */
	char *ticket;
	char *date;           /* 抽查日期, YYYY-MM-DD */
	char *auditor;        /* 抽查人 */
	bool genuine;         /* 是否真实回访: the callback really happened */
	bool unreachable;     /* 无法联系: the owner could not be reached,
			       * so the audit is not done (genuine false) */
	int satisfaction;     /* 复核满意度: enum satisfaction, SAT_NONE if
			       * the owner gave none */
	int recorded;         /* the callback's recorded satisfaction, from
			       * the sample (SAT_NONE when not a rating) */
	char *note;           /* 问题描述 */
	char *center;         /* from the sample */
	char *butler;
	char *source;         /* "sheet.csv:12", where it was imported from */
};

struct findings {
	struct iso_week week; /* the week whose sample was audited */
	struct finding *v;    /* sorted by (level, ticket, date) */
	size_t n, alloc;
};

void findings_init(struct findings *f);
void findings_release(struct findings *f);

/*
 * Reads a findings artifact (FINDINGS_SCHEMA). A missing file is an empty
 * set and returns 0; a file that does not parse, or is of another schema
 * or week, is an error (-1, reported into d, f left empty).
 */
int findings_read(const char *path, struct iso_week week,
		  struct findings *f, struct diag *d);

/* Appends the artifact's JSON (docs/audit.md). Never fails. */
void findings_write_json(const struct findings *f, struct buf *out);

/*
 * Adds every finding of from to into, replacing those of the same
 * (level, ticket, date), and keeps into sorted.
 */
void findings_merge(struct findings *into, const struct findings *from);

/*
 * The week of an audit sheet: the 周次 of its first row with one (of a
 * workbook: its sheet 样本标识). 0, or -1 with the reason (no such
 * column, no row, not a week) in d.
 */
int audit_sheet_week(const char *path, struct iso_week *week,
		     struct diag *d);

/*
 * Reads one filled-in audit sheet (the CSV sample_write_csv() writes, or
 * the workbook render_xlsx.c writes, 抽查表-<level>.xlsx: its week and
 * level from the hidden sheet 样本标识, its rows from the sheet of each
 * centre the level sampled, messages naming "book.xlsx[centre]") and
 * checks every row against samples (the week's samples.json, parsed):
 * the week and level must be the sample's, the ticket sampled by that
 * level, 是否真实回访 是, 否 or 无法联系, 复核满意度 empty or a satisfaction cfg
 * knows, 抽查日期 a date from the week's start to as_of, 抽查人 given,
 * and no key twice. Rows whose five finding columns are all blank are
 * not audited yet and are skipped. Adds the findings to out and returns
 * 0; on any bad row reports every one into d (file, line, column) and
 * returns -1, out unchanged.
 */
int audit_import_csv(const cJSON *samples, const char *path, int64_t as_of,
		     const struct config *cfg, struct findings *out,
		     struct diag *d);

/*
 * Reads every <dir>/YYYY-Www.json (a missing dir is none). *all is an
 * array of *nall sets in week order, owned by the caller
 * (audit_release_all()). -1 with the reason in d when one is damaged.
 */
int audit_read_all(const char *dir, struct findings **all, size_t *nall,
		   struct diag *d);
void audit_release_all(struct findings *all, size_t nall);

/*
 * The butlers with a fake callback confirmed in the sample of one of the
 * cfg->audit_followup_weeks weeks before week, as sample_draw_followup()
 * takes them: *fu is allocated (free()), its strings point into all.
 */
void audit_followups(const struct findings *all, size_t nall,
		     struct iso_week week, const struct config *cfg,
		     struct sample_followup **fu, size_t *nfu);

/*
 * Writes the member "audit" of metrics.json for week into w (inside the
 * root object, jsonw_reopen()), per level, centre and butler, and the
 * levels together (docs/audit.md):
 * - the week's own sample (the week its tickets were completed in):
 *   sampled, done (audited by as_of, whatever the date) and overdue
 *   (sampled - done once due: the week's issue time + audit.overdue_days;
 *   issued_at is the issue time the week's folder records, TIME_NONE when
 *   none is, and then SPEC §9.26's issue_at from cfg stands in);
 * - the audits dated in the week (SPEC §9.29: a finding is reported in
 *   the week it is dated), whatever sample they audit: audited,
 *   unreachable, 真实回访率 and the fakes, satisfaction agreement and how
 *   many were recorded better than the owner said, each rate with its
 *   95 % Wilson interval (rate_ci);
 * and the trend of the audits dated in each week of the trend window.
 * Findings dated after as_of do not exist yet.
 */
struct jsonw;
void audit_results_json(struct jsonw *w, const cJSON *samples,
			const struct findings *all, size_t nall,
			struct iso_week week, int64_t as_of, int64_t issued_at,
			const struct config *cfg);

/*
 * Writes the member "findings" of metrics.json (SPEC §9.29): the problems
 * the audits dated in week found (up to as_of), for the report's page 1:
 * every callback found not made, then every one whose owner rated lower
 * than recorded, as {ticket, level (label), center, butler, audit_date,
 * genuine, finding (the words)}, each part in (sample week, level,
 * ticket) order. Returns 1, or 0 with nothing written when no finding is
 * dated in the week (an empty list would say the audits found nothing).
 */
int audit_problems_json(struct jsonw *w, const cJSON *samples,
			const struct findings *all, size_t nall,
			struct iso_week week, int64_t as_of);

/*
 * How 'huifang gen --audit' fills in a sample's sheets: shares in
 * millionths of the items that stay blank (not audited yet), that the
 * owner says were never called (fake), and whose owner gives another
 * satisfaction (one level lower than recorded); audit dates spread over
 * the three days from first_day. Drawn from SHA-256 of (seed, ticket), so
 * the same sample gives the same findings.
 */
struct audit_fill {
	const char *seed;
	uint32_t pending_ppm, fake_ppm, disagree_ppm;
	int64_t first_day;
};

/*
 * Appends the level's audit sheet (sample_write_csv_filled()) filled in
 * as fill says, as an auditor would return it. Never fails.
 */
void audit_write_filled_sheet(const struct samples *s, size_t level,
			      const struct ticket_set *set,
			      const struct config *cfg,
			      const struct audit_fill *fill, struct buf *out);

/* The 95 % Wilson score interval of k successes in n trials. */
void audit_wilson(size_t k, size_t n, double *low, double *high);

/*
 * When the week's audits are due: its issue time + audit.overdue_days.
 * issued_at: the time its folder records it was issued, or TIME_NONE
 * when none is recorded (SPEC §9.26's issue_at from cfg stands in).
 */
int64_t audit_due_at(struct iso_week week, int64_t issued_at,
		     const struct config *cfg);

#endif
