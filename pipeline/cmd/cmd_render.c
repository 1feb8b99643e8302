/*
 * cmd_render.c - 'huifang render': the PDFs of one week and the HTML site,
 * from the artifacts the earlier stages wrote.
 *
 * It reads the week folder's metrics.json (required), samples.json and
 * records.json (optional: without them the audit sheets or the record
 * forms are left out), draws the week's PDFs into the folder (staged with
 * the other files carried over, published whole) and then the site over
 * every week under <output>/weeks/, the same code a run uses
 * (cmd_pipeline.h, pipeline_stage()). Nothing is computed here: the week's
 * as-of and provisional flag are metrics.json's, and a complete week is
 * marked issued with that as-of. An issued week is kept unless --force;
 * the site is rendered either way.
 */
#include <stdio.h>
#include <sysexits.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang render [--output DIR] [--config FILE]\n"
	"                      [--week YYYY-Www | --period YYYY-MM|YYYY-Qn]\n"
	"                      [--as-of 'YYYY-MM-DD HH:MM:SS'] [--force] [--quiet]\n"
	"\n"
	"Draws the week's PDF reports from the files 'huifang metrics' and\n"
	"'huifang sample' wrote into output/weeks/<week>/ (metrics.json is\n"
	"required; samples.json and records.json feed the audit sheets and the\n"
	"record forms), writes them into that folder, then renders the HTML\n"
	"site over every week to output/site/ (default output folder: output/).\n"
	"The week defaults to the last complete ISO week before --as-of, which\n"
	"defaults to now; the reports are judged at metrics.json's as-of.\n"
	"--period redraws a month's or quarter's PDFs in output/periods/<id>/\n"
	"from the metrics.json 'huifang run --period' wrote there.\n"
	"\n"
	"  --force    redraw a complete week that was already issued\n"
	"  --quiet    print nothing but errors\n"
	"\n"
	"exit status: 0 ok, 64 usage, 66 no metrics.json for the week (run\n"
	"'huifang metrics' first), 73 cannot write output, 75 another run holds\n"
	"the output folder, 78 bad config\n";

static void said(const struct cmd_opts *o, const struct cmd_pipeline *cp,
		 const struct week_job *job, const struct run_summary *sum,
		 const char *week)
{
	(void)cp;
	(void)sum;
	if (job->status == WEEK_KEPT)
		printf("huifang render: %s was issued before and is kept; "
		       "--force redraws it; site in %s/site/index.html\n", week,
		       o->output);
	else if (job->status == WEEK_ISSUED || job->status == WEEK_REISSUED)
		printf("huifang render: %s %s; reports in %s/%s/%s/, site "
		       "in %s/site/index.html\n", week,
		       pipeline_week_status(job), o->output,
		       pipeline_job_folder(job), week, o->output);
}

int cmd_render(int argc, char **argv)
{
	static const char *const not_read[] = { "input", "encoding", "seed",
						"strict", NULL };
	/* metrics.json says whether the week was provisional; an issued
	 * week is complete by definition. */
	static const struct cmd_stage st = {
		usage, STEP_PDF, not_read,
		"render reads only the week's metrics.json, samples.json and "
		"records.json", true, said
	};

	return cmd_run_stage(argc, argv, &st);
}
