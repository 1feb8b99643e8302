/*
 * cmd_ingest.c - 'huifang ingest': read the exports in --input into the
 * normalised records of --output/records/ and --output/rejects.csv.
 *
 * The ingest is the engine's (pipeline_ingest(), as in a run): the same
 * files, the same exit codes. Diagnostics go through the engine's capped
 * printer, at most max_errors_per_file (config) per file; encoding notes
 * only when stderr is a terminal, so cron stays quiet but for the summary
 * line and errors. The summary line on stdout holds SPEC §2's accounting,
 * rows read = accepted + rejected + superseded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "input/csvread.h"
#include "input/ingest.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang ingest [--input DIR] [--output DIR] [--config FILE]\n"
	"                      [--encoding UTF-8|GB18030] [--strict] [--quiet]\n"
	"\n"
	"Reads every *.csv, *.json, *.jsonl, *.xlsx and *.xls export in\n"
	"--input (default input/) and writes the normalised records to\n"
	"--output/records/ and the quarantined rows to --output/rejects.csv\n"
	"(default output/).\n"
	"--strict makes any rejected row or unrecognised file exit 65.\n"
	"\n"
	"  --quiet    print nothing but errors\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 data error (--strict), 66 no input\n"
	"(no readable folder, no export in it, or an export that cannot be\n"
	"read), 73 cannot write output, 75 another run holds the output\n"
	"folder, 78 bad config\n";

static size_t unrecognised_files(const struct ticket_set *set)
{
	size_t i, n = 0;

	for (i = 0; i < set->nfiles; i++)
		n += set->files[i].kind == FILE_UNRECOGNISED;
	return n;
}

int cmd_ingest(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct ticket_set set;
	struct run_summary sum;
	int rc, ret = 0;

	rc = cmd_parse_opts(argc, argv, &o, usage, NULL, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	ticket_set_init(&set);
	cmd_pipeline_begin(&o, &cp);
	/* Initialises cfg whatever it returns, so out: may release it. */
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	if (o.encoding && !csv_encoding_name(o.encoding)) {
		fprintf(stderr, "huifang ingest: unknown encoding '%s' "
			"(want UTF-8 or GB18030)\n%s", o.encoding, usage);
		ret = EX_USAGE;
		goto out;
	}
	/*
	 * The capped printer as 'check' uses it: max_errors_per_file per
	 * file; encoding notes only on a terminal, so that cron stays quiet.
	 */
	cp.pr.max_total = 0;
	cp.pr.max_per_file = cp.cfg.max_errors_per_file;
	cp.pr.notes = !o.quiet && isatty(2);
	ret = pipeline_ingest(&cp.p, NULL, 0,
			      PIPELINE_WRITE | PIPELINE_NEED_EXPORT, &set, &sum);
	if (ret)
		goto out;
	if (!o.quiet)
		printf("ingest: %zu files (%zu unrecognised), %zu rows read = "
		       "%zu accepted + %zu rejected + %zu superseded; %zu "
		       "tickets, %zu callbacks, %zu orphan callbacks\n",
		       set.files_recognised, unrecognised_files(&set),
		       set.rows_read, set.accepted, set.rejected,
		       set.superseded, set.ntickets, set.ncallbacks,
		       set.quality.orphan_callbacks);
	if (o.strict && (set.rejected || unrecognised_files(&set) ||
			 sum.errors))
		ret = EX_DATAERR;
out:
	ticket_set_release(&set);
	cmd_pipeline_end(&cp);
	return ret;
}
