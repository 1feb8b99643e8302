/*
 * cmd_check.c - 'huifang check FILE...': validate exports, write nothing.
 *
 * The files are read exactly as 'huifang ingest' reads them (the same
 * pipeline_ingest(), with the same capped printer), so check and ingest
 * never disagree about a row; a folder stands for its exports.
 * Every problem prints as 'file:line:column: error: message (code)', at
 * most max_errors_per_file per file (config) and then a count of the
 * rest; the last line counts everything, warnings included. Exit 0 when
 * every file is a recognised export without a rejected row or an error,
 * warnings or not; 65 otherwise.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "input/csvread.h"
#include "input/ingest.h"
#include "util/textio.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang check [--config FILE] [--encoding UTF-8|GB18030]\n"
	"                     FILE|FOLDER...\n"
	"\n"
	"Validates export files as 'huifang ingest' would read them and\n"
	"prints each problem as file:line:column: error: message. A folder\n"
	"stands for the exports in it, as --input reads them.\n"
	"\n"
	"exit status: 0 clean, 64 usage, 65 problems found, 66 no such file,\n"
	"78 bad config\n";

int cmd_check(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct ticket_set set;
	struct run_summary sum;
	char **rest = NULL;
	int nrest = 0, rc, ret = 0;
	size_t i, unrecognised = 0;

	rc = cmd_parse_opts(argc, argv, &o, usage, &rest, &nrest);
	if (rc) {
		free(rest);
		return rc < 0 ? 0 : rc;
	}
	ticket_set_init(&set);
	cmd_pipeline_begin(&o, &cp);
	/* Initialises cfg whatever it returns, so out: may release it. */
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	if (!nrest) {
		fputs(usage, stderr);
		ret = EX_USAGE;
		goto out;
	}
	if (o.encoding && !csv_encoding_name(o.encoding)) {
		fprintf(stderr, "huifang check: unknown encoding '%s' "
			"(want UTF-8 or GB18030)\n", o.encoding);
		ret = EX_USAGE;
		goto out;
	}
	for (i = 0; i < (size_t)nrest; i++) {
		struct buf why = BUF_INIT;
		struct stat st;
		int fd;

		/* A folder is read as an input folder (SPEC §8 rule 1). */
		if (stat(rest[i], &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		/* A FIFO or a device (/dev/zero) is refused, not read. */
		fd = text_open_regular(rest[i], &why);
		if (fd < 0) {
			fprintf(stderr, "huifang check: cannot read '%s': %s\n",
				rest[i], why.s);
			buf_release(&why);
			ret = EX_NOINPUT;
			goto out;
		}
		buf_release(&why);
		close(fd);
	}
	/* The problems are check's output: on stdout, all of them. */
	cp.pr.out = stdout;
	cp.pr.max_total = 0;
	cp.pr.max_per_file = cp.cfg.max_errors_per_file;
	cp.pr.quiet = false;
	ret = pipeline_ingest(&cp.p, (const char *const *)rest, (size_t)nrest,
			      0, &set, &sum);
	pipeline_printer_finish(&cp.pr);
	if (ret)
		goto out;
	for (i = 0; i < set.nfiles; i++)
		unrecognised += set.files[i].kind == FILE_UNRECOGNISED;
	printf("%zu problems in %zu files: %zu rows read, %zu would be "
	       "rejected, %zu unrecognised files\n", cp.pr.problems,
	       set.nfiles, set.rows_read, set.rejected, unrecognised);
	/*
	 * Warnings (a value nothing can read, a near-miss header, issue 14)
	 * are listed and counted, but only errors, rejected rows and
	 * unrecognised files make the exports fail the check.
	 */
	if (sum.errors || set.rejected || unrecognised)
		ret = EX_DATAERR;
out:
	free(rest);
	ticket_set_release(&set);
	cmd_pipeline_end(&cp);
	return ret;
}
