/*
 * cmd_pipeline.h - the pipeline as the commands run it.
 *
 * 'huifang run' and 'huifang nightly' both come here: load the config,
 * ingest the input folder, and for each requested week compute the
 * metrics, draw the samples and render the reports into output/weeks/<W>/
 * (staged, then published whole), then the HTML site and output/run.json.
 * Only the commands see exit codes, so these functions return sysexits
 * codes.
 */
#ifndef HUIFANG_CMD_PIPELINE_H
#define HUIFANG_CMD_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "chtime.h"
#include "cmd.h"
#include "config.h"
#include "diag.h"
#include "ticket.h"

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
