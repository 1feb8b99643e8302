/*
 * cmd_check.c - 'huifang check FILE...': validate exports, write nothing.
 *
 * The files are read exactly as 'huifang ingest' reads them (the same
 * ingest_read_files()), so check and ingest never disagree about a row.
 * Every problem prints as 'file:line:column: error: message (code)', at
 * most max_errors_per_file per file (config) and then a count of the
 * rest; the last line counts everything. Exit 0 when every file is a
 * recognised export without a rejected row, 65 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "cmd/cmd_pipeline.h"
#include "model/config.h"
#include "input/csvread.h"
#include "input/ingest.h"
#include "util/textio.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang check [--config FILE] [--encoding UTF-8|GB18030] FILE...\n"
	"\n"
	"Validates export files as 'huifang ingest' would read them and\n"
	"prints each problem as file:line:column: error: message.\n"
	"\n"
	"exit status: 0 clean, 64 usage, 65 problems found, 66 no such file,\n"
	"78 bad config\n";

int cmd_check(int argc, char **argv)
{
	struct cmd_opts o;
	struct config cfg;
	struct ingest_opts io;
	struct ticket_set set;
	struct diag d;
	char **rest = NULL;
	int nrest = 0, rc, ret = 0;
	size_t i, shown = 0, hidden = 0, problems = 0, unrecognised = 0;
	struct buf skipped = BUF_INIT;
	const char *file = NULL;

	rc = cmd_parse_opts(argc, argv, &o, usage, &rest, &nrest);
	if (rc) {
		free(rest);
		return rc < 0 ? 0 : rc;
	}
	diag_init(&d);
	ticket_set_init(&set);
	/* Initialises cfg whatever it returns, so out: may release it. */
	ret = pipeline_load_config(&o, &cfg);
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
		int fd = text_open_regular(rest[i], &why);

		/* A FIFO or a device (/dev/zero) is refused, not read. */
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
	io.input_dir = NULL;
	io.encoding = o.encoding ? o.encoding : cfg.encoding;
	ingest_read_files((const char *const *)rest, (size_t)nrest, &io, &cfg,
			  &set, &d);
	for (i = 0; i <= d.nr; i++) {
		const struct diag_entry *e = i < d.nr ? &d.entries[i] : NULL;

		if (!e || !file || !e->file || strcmp(e->file, file)) {
			if (hidden)
				printf("%s: %zu more errors not shown\n", file,
				       hidden);
			shown = hidden = 0;
			file = e ? e->file : NULL;
		}
		if (!e)
			break;
		if (e->level == DIAG_NOTE)
			continue;
		problems++;
		if (cfg.max_errors_per_file && shown >= cfg.max_errors_per_file) {
			hidden++;
			continue;
		}
		shown++;
		diag_print_entry(stdout, e);
	}
	for (i = 0; i < set.nfiles; i++)
		unrecognised += set.files[i].kind == FILE_UNRECOGNISED;
	ingest_describe_skipped(&set, &skipped);
	printf("%zu problems in %d files: %zu rows read, %zu would be "
	       "rejected, %zu unrecognised files%s%s\n", problems, nrest,
	       set.rows_read, set.rejected, unrecognised,
	       skipped.len ? "; " : "", skipped.s);
	buf_release(&skipped);
	if (problems)
		ret = EX_DATAERR;
out:
	free(rest);
	ticket_set_release(&set);
	diag_release(&d);
	config_release(&cfg);
	return ret;
}
