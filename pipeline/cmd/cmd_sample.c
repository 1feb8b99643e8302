/*
 * cmd_sample.c - 'huifang sample': the sample step of one week over the
 * records 'huifang ingest' wrote.
 *
 * The samples are a pure function of the week's metrics, the config and
 * the seed; the metrics are recomputed in memory from <output>/records/
 * (so metrics.json need not exist, and is not rewritten). It writes
 * samples.json and one audit CSV per level into <output>/weeks/<week>/,
 * published whole with the week's other files carried over
 * (cmd_pipeline.h, pipeline_stage()). An issued week is kept unless
 * --force.
 */
#include <stdio.h>
#include <sysexits.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang sample [--output DIR] [--config FILE]\n"
	"                      [--as-of 'YYYY-MM-DD HH:MM:SS'] [--week YYYY-Www]\n"
	"                      [--seed TEXT] [--force] [--strict] [--quiet]\n"
	"\n"
	"Draws the three-level audit samples of the report week (default: the\n"
	"last complete ISO week before --as-of, which defaults to now) from the\n"
	"normalised records that 'huifang ingest' wrote to output/records/,\n"
	"and writes\n"
	"  output/weeks/<week>/samples.json        the samples and why each\n"
	"                                          ticket was drawn\n"
	"  output/weeks/<week>/抽查表-<level>.csv  one audit sheet per level\n"
	"leaving the week's other files in place (default output folder:\n"
	"output/). The seed is --seed, else the config's. The audit sheet PDFs\n"
	"are not redrawn: run 'huifang render'.\n"
	"\n"
	"  --force    rewrite a complete week that was already issued (its\n"
	"             PDFs are then no longer marked issued until rendered)\n"
	"  --strict   exit 65 when the records hold rejected rows\n"
	"  --quiet    print nothing but errors\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 data error (--strict), 66 no records\n"
	"(run 'huifang ingest' first), 73 cannot write output, 75 another run\n"
	"holds the output folder, 78 bad config\n";

static void said(const struct cmd_opts *o, const struct cmd_pipeline *cp,
		 const struct week_job *job, const struct run_summary *sum,
		 const char *week)
{
	(void)sum;
	if (job->status == WEEK_KEPT)
		printf("huifang sample: %s was issued before and is kept; "
		       "--force rewrites it\n", week);
	else if (job->status == WEEK_ISSUED || job->status == WEEK_REISSUED)
		printf("huifang sample: %s%s, seed '%s'; wrote %s/weeks/%s/"
		       "samples.json and the audit CSVs\n", week,
		       job->provisional ? " (provisional)" : "",
		       o->seed ? o->seed : cp->cfg.seed, o->output, week);
}

int cmd_sample(int argc, char **argv)
{
	static const char *const not_read[] = { "input", "encoding", NULL };
	static const struct cmd_stage st = {
		usage, STEP_SAMPLE, not_read,
		"sample reads the records of 'huifang ingest'", false, said
	};

	return cmd_run_stage(argc, argv, &st);
}
