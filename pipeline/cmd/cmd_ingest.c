/*
 * cmd_ingest.c - 'huifang ingest': read the exports in --input into the
 * normalised records of --output/records/ and --output/rejects.csv.
 *
 * Both files appear atomically (outfile.h). Diagnostics go to stderr, at
 * most max_errors_per_file (config) per file; encoding notes only when
 * stderr is a terminal, so cron stays quiet but for the summary line and
 * errors. The summary line on stdout holds SPEC §2's accounting,
 * rows read = accepted + rejected + superseded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_pipeline.h"
#include "model/config.h"
#include "input/csvread.h"
#include "input/ingest.h"
#include "ops/lock.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "model/records.h"
#include "input/rejects.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang ingest [--input DIR] [--output DIR] [--config FILE]\n"
	"                      [--encoding UTF-8|GB18030] [--strict] [--quiet]\n"
	"\n"
	"Reads every *.csv, *.json and *.jsonl export in --input (default\n"
	"input/) and writes the normalised records to --output/records/ and\n"
	"the quarantined rows to --output/rejects.csv (default output/).\n"
	"--strict makes any rejected row or unrecognised file exit 65.\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 data error (--strict), 66 no input\n"
	"(no readable folder, or no export in it),\n"
	"73 cannot write output, 78 bad config\n";

/*
 * Prints the entries of d, at most max per file (0: no limit) and then a
 * count of the rest; notes only when notes is set.
 */
static void print_limited(FILE *out, const struct diag *d, unsigned max,
			  bool notes)
{
	size_t i, shown = 0, hidden = 0;
	const char *file = NULL;

	for (i = 0; i <= d->nr; i++) {
		const struct diag_entry *e = i < d->nr ? &d->entries[i] : NULL;

		if (!e || !file || !e->file || strcmp(e->file, file)) {
			if (hidden)
				fprintf(out, "%s: %zu more errors not shown\n",
					file, hidden);
			shown = hidden = 0;
			file = e ? e->file : NULL;
		}
		if (!e)
			break;
		if (e->level == DIAG_NOTE && !notes)
			continue;
		if (max && e->level == DIAG_ERROR && shown >= max) {
			hidden++;
			continue;
		}
		if (e->level == DIAG_ERROR)
			shown++;
		diag_print_entry(out, e);
	}
}

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
	struct config cfg;
	struct ingest_opts io;
	struct ticket_set set;
	struct diag d;
	struct buf path = BUF_INIT, err = BUF_INIT;
	struct lock lk = { -1, NULL, false };
	int rc, ret = 0;

	rc = cmd_parse_opts(argc, argv, &o, usage, NULL, NULL);
	if (rc)
		return rc < 0 ? 0 : rc;
	diag_init(&d);
	ticket_set_init(&set);
	/* Initialises cfg whatever it returns, so out: may release it. */
	ret = pipeline_load_config(&o, &cfg);
	if (ret)
		goto out;
	if (o.encoding && !csv_encoding_name(o.encoding)) {
		fprintf(stderr, "huifang ingest: unknown encoding '%s' "
			"(want UTF-8 or GB18030)\n%s", o.encoding, usage);
		ret = EX_USAGE;
		goto out;
	}
	/*
	 * records/ and rejects.csv are what the stage commands read: take
	 * the run lock, as they do, so that no run reads them half rewritten,
	 * and create them under the config's umask (they hold personal data).
	 */
	umask((mode_t)cfg.umask);
	if (lock_acquire(&lk, o.output, (int64_t)time(NULL), &err) < 0) {
		fprintf(stderr, "huifang ingest: %s\n", err.s);
		ret = lk.busy ? EX_TEMPFAIL : EX_CANTCREAT;
		goto out;
	}
	if (folder_refuse_links(o.output, &err) < 0) {
		fprintf(stderr, "huifang ingest: %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	io.input_dir = o.input;
	io.encoding = o.encoding ? o.encoding : cfg.encoding;
	if (ingest_run(&io, &cfg, &set, &d) < 0) {
		diag_print(stderr, &d);
		ret = EX_NOINPUT;
		goto out;
	}
	print_limited(stderr, &d, cfg.max_errors_per_file,
		      !o.quiet && isatty(2));
	if (!set.nfiles) {
		fprintf(stderr, "huifang ingest: no *.csv, *.json or *.jsonl "
			"exports in '%s'\n", o.input);
		ret = EX_NOINPUT;
		goto out;
	}
	buf_addf(&path, "%s/records", o.output);
	if (mkdir_p(o.output, &err) < 0 ||
	    records_write(&set, path.s, &err) < 0) {
		fprintf(stderr, "huifang ingest: %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	if (rejects_write(&set, o.output, &err) < 0) {
		fprintf(stderr, "huifang ingest: %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	buf_reset(&path);
	ingest_describe_skipped(&set, &path);
	printf("ingest: %zu files (%zu unrecognised), %zu rows read = "
	       "%zu accepted + %zu rejected + %zu superseded; %zu tickets, "
	       "%zu callbacks, %zu orphan callbacks%s%s\n",
	       set.files_recognised, unrecognised_files(&set), set.rows_read,
	       set.accepted, set.rejected, set.superseded, set.ntickets,
	       set.ncallbacks, set.quality.orphan_callbacks,
	       path.len ? "; " : "", path.s);
	if (o.strict && (set.rejected || unrecognised_files(&set) ||
			 d.errors))
		ret = EX_DATAERR;
out:
	lock_release(&lk);
	buf_release(&path);
	buf_release(&err);
	ticket_set_release(&set);
	diag_release(&d);
	config_release(&cfg);
	return ret;
}
