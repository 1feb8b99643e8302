/*
 * cmd_backfill.c - 'huifang backfill': every week, month and quarter of
 * the data that is not issued, each rendered at its issue_at (SPEC §9.30;
 * the plan is stages/backfill.h, the work pipeline_backfill()).
 *
 * It prints one line per period it rendered and nothing else on
 * success; the exports' own problems and the stages' warnings about the
 * data are run's and check's to print, so backfill keeps them to itself
 * (errors, and a gate that keeps a due period provisional, still print). Run twice with the same as-of, the
 * second run finds nothing to do and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "util/chtime.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang backfill [--input DIR] [--output DIR] [--config FILE]\n"
	"                        [--as-of 'YYYY-MM-DD HH:MM:SS'] [--encoding E]\n"
	"                        [--accept-gates] [--quiet]\n"
	"\n"
	"Renders every week, month and quarter the exports hold data for, from\n"
	"the first completion (at most site.retention_weeks back) to the period of\n"
	"--as-of (default: now), that is not issued yet, then the site. A\n"
	"period that is due is rendered at its issue_at (its end + the longest\n"
	"SLA + issue.grace_hours), so it shows the figures it would have been\n"
	"issued with; a later one at --as-of, provisional. Issued periods are\n"
	"never touched: a second backfill changes nothing.\n"
	"  output/weeks/<week>/     as 'huifang run --week' writes them\n"
	"  output/periods/<id>/     as 'huifang run --period' writes them\n"
	"\n"
	"  --accept-gates  issue over tripped plausibility gates\n"
	"  --quiet         print nothing but errors\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 a gate keeps a due period provisional,\n"
	"66 no input, 73 cannot write output, 75 another run holds the output\n"
	"folder, 78 bad config\n";

int cmd_backfill(int argc, char **argv)
{
	static const char *const not_here[] = { "week", "period", "force",
						"reason", "issue", "seed",
						"strict", NULL };
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct week_job *jobs = NULL;
	struct run_summary sum;
	size_t i, n = 0, rendered = 0;
	int ret;

	ret = cmd_parse_opts(argc, argv, &o, usage, NULL, NULL);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = cmd_refuse_opts(argc, argv, not_here, "backfill renders every "
			      "period that is not issued, each at its issue_at",
			      usage);
	if (ret)
		return ret;
	cmd_pipeline_begin(&o, &cp);
	/* The data's problems are run's and check's to print, once. */
	cp.pr.quiet_input = true;
	cp.pr.quiet = true;
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	ret = pipeline_backfill(&cp.p, &jobs, &n, &sum);
	for (i = 0; i < n; i++) {
		char id[PERIOD_ID_SIZE];

		if (jobs[i].status == WEEK_PENDING)
			continue;
		rendered++;
		if (o.quiet)
			continue;
		pipeline_job_id(&jobs[i], id);
		printf("huifang backfill: %s %s\n", id,
		       pipeline_week_status(&jobs[i]));
	}
	if (!o.quiet && !ret)
		printf("huifang backfill: %zu rendered, %.1f s%s%s%s\n",
		       rendered, sum.times.total,
		       rendered ? "; site in " : "",
		       rendered ? o.output : "",
		       rendered ? "/site/index.html" : "");
out:
	free(jobs);
	cmd_pipeline_end(&cp);
	return ret;
}
