/*
 * pipeline.h - the one engine every command runs.
 *
 *   struct pipeline p;
 *   pipeline_init(&p, &opts, &cfg, &sink);   -- allocates nothing
 *   p.hooks = hooks;                         -- optional (nightly)
 *   pipeline_run(&p, jobs, n, &sum);         -- run, nightly
 *   pipeline_ingest(&p, paths, n, flags, &set, &sum); -- ingest, check
 *   pipeline_stage(&p, steps, &job, &sum);   -- metrics, sample, render
 *
 * A run is ingest, then each week job's metrics, sample and PDFs (staged,
 * published whole), the site and run.json; pipeline_ingest() is the one
 * ingest entry point, also inside a run; a stage command runs one step
 * over the records/ artifact, as one run would (docs/stages.md).
 *
 * Nothing is global: the options, the config, the sink and the hooks are
 * the caller's, read through p and never freed here. Every message goes
 * to the sink with its kind (PIPELINE_INPUT: about an export, capped when
 * printed; PIPELINE_STAGE: a stage's diagnostic; PIPELINE_RUN: the
 * engine's own, printed "huifang: text"), file, line, column, code and
 * text. pipeline_printer is the capped printer every command uses;
 * nightly's sink writes the run log instead. The functions return 0 or
 * a sysexits code; only commands print summaries and choose to exit.
 */
#ifndef HUIFANG_PIPELINE_H
#define HUIFANG_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "model/period.h"
#include "util/diag.h"
#include "model/ticket.h"
#include "stages/issue.h"

struct pipeline_opts {
	const char *input, *output;     /* folders */
	int64_t as_of;
	const char *seed;               /* NULL: the config's */
	const char *encoding;           /* NULL: the config's, else detect */
	bool strict;                    /* rejected rows exit 65 */
	bool quiet;                     /* stage notes and warnings dropped */
	/* Issuing (SPEC §9.26-§9.28, docs/operations.md): */
	bool issue;                     /* --issue: before issue_at */
	bool accept_gates;              /* --accept-gates: over any gate */
	const char *reason;             /* --reason of a revision, or NULL */
};

enum pipeline_kind { PIPELINE_INPUT, PIPELINE_STAGE, PIPELINE_RUN };

struct pipeline_sink {
	void (*emit)(void *arg, enum pipeline_kind kind,
		     const struct diag_entry *e);
	/* After the ingest's messages (the printer's cap ends there). */
	void (*input_done)(void *arg);
	void *arg;
};

struct pipeline;
struct jsonw;
struct week_job;

struct pipeline_hooks {
	/*
	 * After the ingest, before the weeks, over what it read: may put
	 * another array of jobs in *jobs and *njobs (nightly's earlier weeks
	 * not issued, SPEC §9.27), which the run then writes and reports;
	 * that array stays the hook's (arg) to free. Its non-zero return
	 * ends the run with that status.
	 */
	int (*plan)(const struct pipeline *p, const struct ticket_set *set,
		    struct week_job **jobs, size_t *njobs, void *arg);
	/* With the lock held, after every week, before the site. */
	int (*after_weeks)(const struct pipeline *p, void *arg);
	void (*progress)(const char *stage, unsigned done, unsigned total,
			 void *arg);
	/*
	 * With the lock held, after the site, before run.json, over the
	 * ingested set: nightly's delivery (cmd/delivery.h). Its non-zero
	 * return becomes the run's status, as after_weeks' does.
	 */
	int (*after_site)(const struct pipeline *p,
			  const struct ticket_set *set, void *arg);
	/* Adds members at the end of run.json's top object. */
	void (*run_json)(struct jsonw *w, void *arg);
	void *arg;
};

struct pipeline {
	const struct pipeline_opts *opts;
	const struct config *cfg;
	const struct pipeline_sink *sink;
	struct pipeline_hooks hooks;
};

/*
 * One week a command renders. provisional starts as "the week is not
 * over" (pipeline_week_job()) and ends as "not issued by this run", which
 * the issue decision settles (SPEC §9.26-§9.28): a week is issued at its
 * issue_at, and only when no gate blocks it; a blocked due week is
 * WEEK_BLOCKED (written as provisional, the command exits 65).
 */
struct week_job {
	/*
	 * The period: a week job sets week (period.kind stays PERIOD_WEEK,
	 * 0, so a zeroed job is a week's); a month or quarter job (SPEC
	 * §9.30) sets period, and week to period_week(period). A period's
	 * folder is output/periods/<id>/, with its metrics.json and its
	 * management and centre PDFs; it has no samples, no audit sheets and
	 * no 回访记录表.
	 */
	struct iso_week week;
	struct period period;
	bool provisional;   /* not issued */
	bool force;         /* reissue even if already issued */
	/*
	 * Only when the data has a ticket completed in the period, else
	 * nothing is written and the status is WEEK_NO_DATA (nightly's
	 * months and quarters).
	 */
	bool if_data;
	enum { WEEK_PENDING, WEEK_ISSUED, WEEK_REISSUED, WEEK_KEPT,
	       WEEK_FAILED, WEEK_BLOCKED, WEEK_NO_DATA } status; /* the engine's */
	/* Set by the engine when it computed the week: */
	struct issue_decision decision;
	struct gate_result gates[GATE_COUNT];
	char gate_text[GATE_COUNT][512];  /* issue_describe_gate()'s lines */
	char gate_text_zh[GATE_COUNT][512]; /* issue_describe_gate_zh()'s */
	unsigned revision;                /* the revision it wrote, 0: none */
	bool changed;       /* kept, but its figures would now differ */
};

struct stage_times {
	double ingest, metrics, sample, render_pdf, render_html, total;
};

struct run_summary {
	size_t files, rows_read, accepted, rejected, superseded;
	size_t errors;          /* the ingest's error diagnostics */
	/* Files of the input folder ingest did not list (an .xlsx before
	 * Excel is read, a stray document): the unreadable_files gate. */
	size_t unlisted_files;
	char unlisted_example[256];
	struct stage_times times;
};

void pipeline_init(struct pipeline *p, const struct pipeline_opts *o,
		   const struct config *cfg, const struct pipeline_sink *s);

/* Loads the config at path (NULL: the lookup order); 0 or EX_CONFIG. */
int pipeline_load_config(const struct pipeline_sink *s, const char *path,
			 struct config *cfg);

int pipeline_run(const struct pipeline *p, struct week_job *jobs,
		 size_t njobs, struct run_summary *sum);

/*
 * 'huifang backfill' (SPEC §9.30): reads the exports as a run does
 * (writing no records), then renders every week, month and quarter of
 * the data that is not issued, each at its own as-of (its issue_at when
 * due, else opts->as_of: stages/backfill.h), oldest first, and the site
 * when it rendered anything. *jobs (n of them, the caller frees) says
 * what became of each. 0, EX_DATAERR when a gate blocked a due period,
 * or another sysexits code.
 */
int pipeline_backfill(const struct pipeline *p, struct week_job **jobs,
		      size_t *njobs, struct run_summary *sum);

/*
 * Reads the exports of opts->input (paths NULL) or the files and folders
 * in paths into set: EX_NOINPUT when nothing can be read, an export
 * cannot be opened, or (PIPELINE_NEED_EXPORT) none is recognised; with
 * PIPELINE_WRITE, then rejects.csv and records/ under opts->output.
 */
enum { PIPELINE_WRITE = 1, PIPELINE_NEED_EXPORT = 2 };
int pipeline_ingest(const struct pipeline *p, const char *const *paths,
		    size_t npaths, unsigned flags, struct ticket_set *set,
		    struct run_summary *sum);

enum week_step {
	STEP_METRICS = 1u << 0,   /* metrics.json, records.json */
	STEP_SAMPLE = 1u << 1,    /* samples.json, the audit CSVs */
	STEP_PDF = 1u << 2,       /* the PDFs, then the site */
	STEP_ALL = STEP_METRICS | STEP_SAMPLE | STEP_PDF
};
int pipeline_stage(const struct pipeline *p, unsigned steps,
		   struct week_job *job, struct run_summary *sum);

/*
 * Issued 回访记录表 and 抽查表 are quality records, which the retention
 * never deletes: before retention_apply(output, keep) deletes the week
 * folders beyond keep, this copies (hard-links) the records of each
 * issued one, its revisions' too, to <output>/quality-records/<week>/
 * (published whole), and lists the weeks in kept. Run it with the lock
 * held. 0, or -1 with "<path>: <cause>" appended to err (then delete
 * nothing).
 */
int pipeline_keep_quality_records(const char *output, unsigned keep,
				  struct string_list *kept, struct buf *err);

/*
 * The week's samples as every command draws them: with the butlers under
 * fake_followup from <output>/findings/ (stages/audit.h), into s and its
 * samples.json text; when metrics_json is not NULL, the week's audit
 * results are added to it as "audit". 0 or a sysexits code (EX_DATAERR:
 * a damaged findings file, EX_CONFIG: levels it cannot draw), with the
 * reason in d.
 */
struct metrics;
struct samples;
struct buf;
int pipeline_draw_samples(const struct pipeline *p, const struct metrics *m,
			  const struct ticket_set *set, struct samples *s,
			  struct buf *samples_json, struct buf *metrics_json,
			  struct diag *d);

/* The week a command works on: week (NULL: the default of as_of), or
 * the month or quarter it names ("2026-11", "2026-Q4"). */
void pipeline_week_job(const char *week, int64_t as_of, bool force,
		       struct week_job *job);
/* The job's period (a week job's from its week) and its id. */
struct period pipeline_job_period(const struct week_job *j);
void pipeline_job_id(const struct week_job *j, char id[PERIOD_ID_SIZE]);
/* The job's folder below the output folder: "weeks" or "periods". */
const char *pipeline_job_folder(const struct week_job *j);
/* "issued", "provisional", "reissued", "kept", "failed", "blocked",
 * "no_data". */
const char *pipeline_week_status(const struct week_job *j);
/*
 * Appends to names the folders under <output>/<folder> ("weeks" or
 * "periods") whose names are periods of that folder, sorted oldest first
 * (a month sorts before its quarter's id: "2026-10" < "2026-Q4"). A
 * missing folder lists nothing; 0, or -1 with errno set.
 */
int pipeline_list_periods(const char *output, const char *folder,
			  struct string_list *names);
/* Seconds on a monotonic clock, for stage timings. */
double pipeline_clock(void);

/*
 * The capped printer: input messages (notes only when notes) at most
 * max_per_file per file and max_total in all (0: no cap), then a count
 * of the rest; stage and run messages always (quiet: errors only).
 */
struct pipeline_printer {
	FILE *out;
	unsigned max_total, max_per_file;
	bool notes, quiet;
	bool quiet_input;      /* no input messages at all (backfill) */
	size_t problems, shown, file_shown, file_hidden, hidden;
	char *file;
	/* Where the text goes (NULL: to out); e is NULL for the counts. */
	void (*write)(void *arg, enum pipeline_kind kind,
		      const struct diag_entry *e, const char *text);
	void *write_arg;
	struct pipeline_sink sink;      /* what pipeline_init() is given */
};
void pipeline_printer_init(struct pipeline_printer *pr, FILE *out,
			   unsigned max_total, unsigned max_per_file);
/* Prints the counts of what was not shown; frees what it holds. */
void pipeline_printer_finish(struct pipeline_printer *pr);

#endif
