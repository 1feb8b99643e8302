/*
 * cmd_run.c - 'huifang run': the whole pipeline for one week.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang run [--input DIR] [--output DIR] [--config FILE]\n"
	"                   [--as-of 'YYYY-MM-DD HH:MM:SS']\n"
	"                   [--week YYYY-Www | --period YYYY-MM|YYYY-Qn]\n"
	"                   [--encoding utf-8|gb18030] [--seed TEXT]\n"
	"                   [--force [--reason TEXT]] [--issue] [--accept-gates]\n"
	"                   [--strict] [--quiet]\n"
	"\n"
	"Reads every export in the input folder (default input/), computes the\n"
	"metrics of the report week (default: the last complete ISO week before\n"
	"--as-of, which defaults to now), draws the audit samples and writes the\n"
	"reports under the output folder (default output/):\n"
	"  output/weeks/<week>/   metrics.json, samples.json, records.json,\n"
	"                         the PDFs and the audit CSVs\n"
	"  output/periods/<id>/   with --period: a month's (2026-11) or a\n"
	"                         quarter's (2026-Q4) metrics.json, management\n"
	"                         PDF and centre PDFs (no samples, no record\n"
	"                         forms)\n"
	"  output/site/           the HTML site\n"
	"  output/worklists/      live owed callbacks, open loops, 无法联系\n"
	"  output/rejects.csv     rows that could not be used, with the reason\n"
	"  output/run.json        what this run read and wrote\n"
	"\n"
	"The week is issued (正式) at its issue_at (its Monday after + the\n"
	"longest SLA + issue.grace_hours; a month or quarter: its end + the\n"
	"same) when the plausibility gates pass;\n"
	"before that, or when a gate trips, it is provisional (暂定).\n"
	"\n"
	"  --force         reissue an issued week as its next revision, keeping\n"
	"                  the earlier one under revisions/; a provisional week\n"
	"                  is rewritten on every run anyway\n"
	"  --reason TEXT   why the revision is made (recorded in the report)\n"
	"  --issue         issue before issue_at (a warning; the report says so)\n"
	"  --accept-gates  issue over tripped gates (the report lists them)\n"
	"  --strict        exit 65 when any row was rejected\n"
	"  --quiet         print nothing but errors\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 data error (--strict, or a gate keeps\n"
	"a due week provisional), 66 no input, 73 cannot write output, 75\n"
	"another run holds the output folder, 78 bad config\n";

int cmd_run(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct week_job job;
	struct run_summary sum;
	char week[PERIOD_ID_SIZE];
	int ret;

	ret = cmd_parse_opts(argc, argv, &o, usage, NULL, NULL);
	if (ret)
		return ret < 0 ? 0 : ret;
	cmd_pipeline_begin(&o, &cp);
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	/* An issued complete week is kept unless --force reissues it. */
	pipeline_week_job(o.week, o.as_of, o.force, &job);
	ret = pipeline_run(&cp.p, &job, 1, &sum);
	pipeline_job_id(&job, week);
	/* A run that never reached its week has said why on stderr. */
	if (job.status == WEEK_PENDING || (o.quiet && !ret))
		goto out;
	printf("huifang: %s %s, %zu rows, %zu rejected, %.1f s\n", week,
	       pipeline_week_status(&job), sum.rows_read, sum.rejected,
	       sum.times.total);
	if (job.status == WEEK_KEPT && !o.quiet)
		printf("huifang: %s was issued before and is kept; "
		       "--force reissues it\n", week);
	if (!ret && !o.quiet)
		printf("huifang: reports in %s/%s/%s/, site in %s/site/"
		       "index.html\n", o.output, pipeline_job_folder(&job),
		       week, o.output);
out:
	cmd_pipeline_end(&cp);
	return ret;
}
