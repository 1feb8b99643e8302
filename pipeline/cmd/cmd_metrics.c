/*
 * cmd_metrics.c - 'huifang metrics': the metrics step of one week over
 * the records 'huifang ingest' wrote.
 *
 * It reads <output>/records/ (never the exports), computes the week as a
 * run does and writes metrics.json and records.json into
 * <output>/weeks/<week>/; the week folder is published whole with the
 * week's other files carried over (cmd_pipeline.h, pipeline_stage()), so
 * a reader never sees half a week. An issued week is kept unless --force.
 */
#include <stdio.h>
#include <sysexits.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang metrics [--output DIR] [--config FILE]\n"
	"                       [--as-of 'YYYY-MM-DD HH:MM:SS'] [--week YYYY-Www]\n"
	"                       [--force] [--strict] [--quiet]\n"
	"\n"
	"Computes the metrics of the report week (default: the last complete\n"
	"ISO week before --as-of, which defaults to now) from the normalised\n"
	"records that 'huifang ingest' wrote to output/records/, and writes\n"
	"  output/weeks/<week>/metrics.json   the figures (huifang.metrics/1)\n"
	"  output/weeks/<week>/records.json   the week's callbacks, for the\n"
	"                                     record forms (huifang.callbacks/1)\n"
	"leaving the week's other files in place (default output folder:\n"
	"output/). The week's PDFs are not redrawn: run 'huifang render'.\n"
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
	(void)cp;
	if (job->status == WEEK_KEPT)
		printf("huifang metrics: %s was issued before and is kept; "
		       "--force rewrites it\n", week);
	else if (job->status == WEEK_ISSUED || job->status == WEEK_REISSUED)
		printf("huifang metrics: %s%s, %zu rows = %zu accepted + %zu "
		       "rejected + %zu superseded; wrote %s/weeks/%s/"
		       "metrics.json and records.json\n", week,
		       job->provisional ? " (provisional)" : "", sum->rows_read,
		       sum->accepted, sum->rejected, sum->superseded, o->output,
		       week);
}

int cmd_metrics(int argc, char **argv)
{
	static const char *const not_read[] = { "input", "encoding", "seed",
						NULL };
	static const struct cmd_stage st = {
		usage, STEP_METRICS, not_read,
		"metrics reads the records of 'huifang ingest'", false, said
	};

	return cmd_run_stage(argc, argv, &st);
}
