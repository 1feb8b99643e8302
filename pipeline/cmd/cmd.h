/*
 * cmd.h - the subcommands of the huifang binary and what they share.
 *
 * main.c dispatches argv[1] through a git-style table to one cmd_*()
 * function; only main.c and cmd_*.c see argv, exit codes and the layout of
 * output/. Each command returns a sysexits code:
 *
 *   0 ok · 64 usage · 65 data error (--strict) · 66 no input ·
 *   70 internal error · 71 out of memory (xalloc.h) · 73 cannot write
 *   output · 75 lock held · 78 bad config
 */
#ifndef HUIFANG_CMD_H
#define HUIFANG_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd/pipeline.h"

#define HUIFANG_VERSION "0.1.0"

struct cmd_opts {
	const char *input;     /* --input, default "input" */
	const char *output;    /* --output, default "output" */
	const char *config;    /* --config; NULL: paths_config_file() finds it */
	const char *as_of_text;
	int64_t as_of;         /* --as-of, SOURCE_DATE_EPOCH, or now */
	const char *week;      /* --week YYYY-Www or NULL */
	const char *period;    /* --period YYYY-MM or YYYY-Qn, or NULL */
	const char *encoding;  /* --encoding */
	const char *seed;      /* --seed (sampling) */
	const char *reason;    /* --reason: why a revision is made */
	bool strict;
	bool force;
	bool quiet;
	bool issue;            /* --issue: issue before issue_at */
	bool accept_gates;     /* --accept-gates: issue over tripped gates */
};

/*
 * Parses the options every pipeline command shares. argv[0] is the command
 * name. Unknown options or a bad value print a usage error and return 64;
 * --help prints usage (stdout) and returns -1 so that the caller returns 0;
 * otherwise 0. rest/nrest receive the non-option arguments when not NULL
 * (else they are a usage error).
 */
int cmd_parse_opts(int argc, char **argv, struct cmd_opts *o,
		   const char *usage, char ***rest, int *nrest);

/*
 * For a stage command: EX_USAGE, after printing why and the usage, when
 * argv (argv[0] the command name) holds one of the NULL-terminated long
 * option names (without "--") before a "--"; else 0. Options a stage
 * does not read are refused rather than ignored, so that nobody believes
 * 'huifang metrics --input new/' re-read the exports.
 */
int cmd_refuse_opts(int argc, char **argv, const char *const *names,
		    const char *why, const char *usage);

/*
 * What a pipeline command holds while it runs: cmd_pipeline_begin()
 * takes the options (the printer on stderr, capped as 'run' prints),
 * cmd_pipeline_config() loads the config through the printer (cfg is
 * initialised whatever it returns) and makes p, cmd_pipeline_end()
 * prints what the cap held back and frees the config.
 */
struct cmd_pipeline {
	struct pipeline_opts po;
	struct pipeline_printer pr;
	struct config cfg;
	struct pipeline p;
};
void cmd_pipeline_begin(const struct cmd_opts *o, struct cmd_pipeline *cp);
int cmd_pipeline_config(const struct cmd_opts *o, struct cmd_pipeline *cp);
void cmd_pipeline_end(struct cmd_pipeline *cp);

/*
 * One stage command (metrics, sample, render): parse the options, refuse
 * those the stage does not read, run pipeline_stage() with steps on the
 * week, then, unless --quiet on success, let said() print the one line
 * that says what became of the week (week is its "2026-W47"). The three
 * commands differ only in these fields.
 */
struct cmd_stage {
	const char *usage;
	unsigned steps;                 /* STEP_* of pipeline.h */
	const char *const *not_read;    /* options refused, NULL-ended */
	const char *why_not_read;
	/* render: the provisional flag is metrics.json's, not the as-of's */
	bool provisional_from_artifact;
	void (*said)(const struct cmd_opts *o, const struct cmd_pipeline *cp,
		     const struct week_job *job, const struct run_summary *sum,
		     const char *week);
};
int cmd_run_stage(int argc, char **argv, const struct cmd_stage *st);

int cmd_run(int argc, char **argv);
int cmd_backfill(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_nightly(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif
