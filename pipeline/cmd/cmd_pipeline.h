/*
 * cmd_pipeline.h - the pipeline as the commands run it.
 *
 * 'huifang run' and 'huifang nightly' both come here: load the config,
 * ingest the input folder, and for each requested week compute the
 * metrics, draw the samples and render the reports into output/weeks/<W>/
 * (staged, then published whole), then the HTML site and output/run.json.
 * Only the commands see exit codes, so these functions return sysexits
 * codes.
 *
 * The stage commands ('huifang metrics', 'sample', 'render') come here
 * too, through pipeline_stage(): the same code for each step as a run,
 * over the records/ artifact of 'huifang ingest' instead of the input
 * folder, so that ingest; metrics; sample; render writes what one run
 * writes (docs/stages.md).
 */
#ifndef HUIFANG_CMD_PIPELINE_H
#define HUIFANG_CMD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "model/config.h"
#include "util/buf.h"
#include "util/diag.h"
#include "model/ticket.h"

struct week_job {
	struct iso_week week;
	bool provisional;   /* the week is not over at as-of */
	bool force;         /* reissue even if already issued */
	/* Filled in by pipeline_run(): */
	enum { WEEK_PENDING, WEEK_ISSUED, WEEK_REISSUED, WEEK_KEPT,
	       WEEK_FAILED } status;
};

struct stage_times {
	double ingest, metrics, sample, render_pdf, render_html, total;
	/* seconds */
};

struct run_summary {
	size_t files, rows_read, accepted, rejected, superseded;
	struct stage_times times;
};

/*
 * Loads the config named by o->config (reporting to stderr); returns 0 or
 * EX_CONFIG.
 */
int pipeline_load_config(const struct cmd_opts *o, struct config *cfg);

/*
 * Runs ingest and then every job in turn; writes rejects.csv, the week
 * folders, the site and run.json under o->output. Returns 0 or a sysexits
 * code; diagnostics go to stderr unless o->quiet.
 */
int pipeline_run(const struct cmd_opts *o, const struct config *cfg,
		 struct week_job *jobs, size_t njobs, struct run_summary *sum);

/* The steps of one week, for pipeline_stage(). */
enum week_step {
	STEP_METRICS = 1u << 0,   /* metrics.json, records.json */
	STEP_SAMPLE = 1u << 1,    /* samples.json, the audit CSVs */
	STEP_PDF = 1u << 2,       /* the PDFs, then the site */
	STEP_ALL = STEP_METRICS | STEP_SAMPLE | STEP_PDF
};

/*
 * Runs the given steps of one week under the run lock: STEP_METRICS and
 * STEP_SAMPLE compute the week from o->output/records/ (EX_NOINPUT with a
 * hint to run 'huifang ingest' when it is absent); STEP_PDF alone draws
 * the PDFs from the week folder's metrics.json (required, else
 * EX_NOINPUT), samples.json and records.json (optional), takes the
 * week's provisional flag and as-of from metrics.json, and then renders
 * the site over every week. The week folder is staged as a copy of the
 * published one (weekdir_carry_over) and published whole, so the files of
 * the other steps stay. An issued week is kept (job->status WEEK_KEPT,
 * nothing written) unless job->force; rewriting metrics or samples drops
 * the week's issued mark, which only a render puts back. Returns 0 or a
 * sysexits code (EX_DATAERR under o->strict when the records hold
 * rejected rows, after writing); messages go to stderr.
 */
int pipeline_stage(const struct cmd_opts *o, const struct config *cfg,
		   unsigned steps, struct week_job *job,
		   struct run_summary *sum);

/*
 * Fills job for the one week a command works on: --week, else the default
 * week of --as-of; provisional when the week is not over at as-of; force
 * from --force.
 */
void pipeline_week_job(const struct cmd_opts *o, struct week_job *job);

/*
 * For a stage command: EX_USAGE, after printing why and the usage, when
 * argv (argv[0] the command name) holds one of the NULL-terminated long
 * option names (without "--") before a "--"; else 0. Options a stage
 * does not read are refused rather than ignored, so that nobody believes
 * 'huifang metrics --input new/' re-read the exports.
 */
int pipeline_refuse_opts(int argc, char **argv, const char *const *names,
			 const char *why, const char *usage);

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
int pipeline_draw_samples(const struct cmd_opts *o, const struct config *cfg,
			  const struct metrics *m, struct samples *s,
			  struct buf *samples_json, struct buf *metrics_json,
			  struct diag *d);

/* "issued", "provisional", "reissued", "kept", "failed" for summaries. */
const char *pipeline_week_status(const struct week_job *j);

/*
 * Hooks for 'nightly' (cmd_nightly.c); pipeline_run() without hooks set
 * behaves as before. after_weeks is called with the run lock held, after
 * every week job and before the site is rendered (so the site lists what
 * it leaves); it returns 0 or a sysexits code, which pipeline_run returns
 * if nothing failed before. progress is called at each stage with the
 * stage's name and how many of total stages are done. The struct is
 * copied; NULL clears the hooks.
 */
struct pipeline_hooks {
	int (*after_weeks)(const struct cmd_opts *o, void *arg);
	void (*progress)(const char *stage, unsigned done, unsigned total,
			 void *arg);
	void *arg;
};

void pipeline_set_hooks(const struct pipeline_hooks *h);

/* Seconds on a monotonic clock, for stage timings. */
double pipeline_clock(void);

#endif
