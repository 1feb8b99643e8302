/*
 * cmd_audit.c - 'huifang audit import FILE...': the auditors' filled-in
 * sheets back into the figures (docs/audit.md).
 *
 * Each sheet names its week (周次); its rows are checked against that
 * week's sample: the published <output>/weeks/<week>/samples.json when it
 * exists (the sample the auditors were given), else the sample drawn now
 * from --input, the config and the findings of earlier weeks, which is
 * the same function a run computes. All sheets are checked before
 * anything is written: one bad row anywhere and nothing is imported (exit
 * 65). Then each week's findings are merged into
 * <output>/findings/<week>.json (a repeated (level, ticket, 抽查日期)
 * replaces, other findings stay), written with audit.file_mode under the
 * run lock. The week folders are not touched: findings live beside the
 * issued record (SPEC §9.29) and the next run reports them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "input/ingest.h"
#include "model/config.h"
#include "ops/lock.h"
#include "stages/audit.h"
#include "stages/metrics.h"
#include "stages/sample.h"
#include "util/buf.h"
#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/folder.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang audit import [--input DIR] [--output DIR] [--config FILE]\n"
	"                            [--as-of 'YYYY-MM-DD HH:MM:SS'] [--quiet]\n"
	"                            FILE...\n"
	"\n"
	"Reads filled-in audit sheets (抽查表-<level>.csv, as 'huifang run'\n"
	"writes them, with 是否真实回访, 复核满意度, 问题描述, 抽查人 and 抽查日期\n"
	"filled in) and stores their findings in output/findings/<week>.json.\n"
	"Every row is checked against the week's sample (the published\n"
	"samples.json, else the sample drawn from --input): an unknown ticket,\n"
	"the wrong week or level, or an invalid value is an error naming the\n"
	"file, line and column, and then nothing is imported. Rows with the\n"
	"five finding columns blank are not audited yet and are skipped.\n"
	"Importing a (level, ticket, 抽查日期) again replaces that finding; a\n"
	"ticket audited on two dates keeps both. The next run reports them.\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 a bad row (nothing imported),\n"
	"66 a sheet or the input cannot be read, 73 cannot write output,\n"
	"75 another run holds the output folder, 78 bad config\n";

/* One week the sheets name, with its sample and the findings read. */
struct week_import {
	struct iso_week week;
	cJSON *samples;
	struct findings got;
	size_t sheets;
};

struct importer {
	const struct cmd_opts *o;
	const struct config *cfg;
	const struct pipeline *p;
	struct ticket_set set;
	bool ingested;
	struct week_import *weeks;
	size_t nweeks;
};

static cJSON *read_samples_file(const char *path)
{
	struct buf text = BUF_INIT;
	cJSON *j = NULL;
	FILE *fp = folder_fopen_read(path, NULL);

	if (!fp)
		return NULL;
	if (buf_read_stream(&text, fp) == 0)
		j = cJSON_ParseWithLength(text.s, text.len);
	fclose(fp);
	buf_release(&text);
	return j;
}

/*
 * The week's sample as drawn from the input now; 0 or a sysexits code.
 * The input's own rejected rows are the run's business, not the sheet's:
 * they go to a diag of their own, printed only when nothing can be drawn.
 */
static int draw_samples(struct importer *im, struct iso_week week,
			cJSON **out, struct diag *sheet_diag)
{
	struct metrics m;
	struct samples s;
	struct buf json = BUF_INIT;
	struct diag own, *d = &own;
	int ret = EX_NOINPUT;

	(void)sheet_diag;
	diag_init(&own);
	metrics_init(&m);
	sample_init(&s);
	if (!im->ingested) {
		struct ingest_opts io = { im->o->input, im->o->encoding };

		ticket_set_init(&im->set);
		im->ingested = true;
		if (ingest_run(&io, im->cfg, &im->set, d) < 0)
			goto out;
	}
	ret = EX_SOFTWARE;
	if (metrics_compute(&im->set, im->cfg, week, im->o->as_of, &m, d) < 0)
		goto out;
	ret = pipeline_draw_samples(im->p, &m, &im->set, &s, &json, NULL, d);
	if (ret)
		goto out;
	*out = cJSON_ParseWithLength(json.s, json.len);
	ret = *out ? 0 : EX_SOFTWARE;
out:
	if (ret) {
		diag_print(stderr, &own);
		fprintf(stderr, "huifang audit import: cannot draw the sample "
			"of the week from %s\n", im->o->input);
	}
	diag_release(&own);
	sample_release(&s);
	metrics_release(&m);
	buf_release(&json);
	return ret;
}

static struct week_import *week_of(struct importer *im, struct iso_week w,
				   struct diag *d, int *ret)
{
	struct week_import *wi;
	struct buf path = BUF_INIT;
	char week[16];
	size_t i;

	for (i = 0; i < im->nweeks; i++)
		if (im->weeks[i].week.year == w.year &&
		    im->weeks[i].week.week == w.week)
			return &im->weeks[i];
	im->weeks = xrealloc(im->weeks, (im->nweeks + 1) * sizeof(*im->weeks));
	wi = &im->weeks[im->nweeks];
	memset(wi, 0, sizeof(*wi));
	wi->week = w;
	findings_init(&wi->got);
	wi->got.week = w;
	chtime_format_week(w, week);
	buf_addf(&path, "%s/weeks/%s/samples.json", im->o->output, week);
	wi->samples = read_samples_file(path.s);
	buf_release(&path);
	if (!wi->samples) {
		*ret = draw_samples(im, w, &wi->samples, d);
		if (*ret) {
			findings_release(&wi->got);
			return NULL;
		}
	}
	im->nweeks++;
	return wi;
}

/* Merges a week's findings into its file; 0 or a sysexits code. */
static int store_week(struct importer *im, struct week_import *wi,
		      struct diag *d, struct buf *written)
{
	struct findings old;
	struct buf dir = BUF_INIT, path = BUF_INIT, text = BUF_INIT;
	struct buf err = BUF_INIT;
	struct outfile of;
	char week[16];
	int ret = EX_CANTCREAT;

	findings_init(&old);
	chtime_format_week(wi->week, week);
	buf_addf(&dir, "%s/findings", im->o->output);
	buf_addf(&path, "%s/%s.json", dir.s, week);
	if (findings_read(path.s, wi->week, &old, d) < 0) {
		ret = EX_DATAERR;
		goto out;
	}
	findings_merge(&old, &wi->got);
	findings_write_json(&old, &text);
	if (mkdir_p(dir.s, &err) < 0 ||
	    outfile_open_mode(&of, path.s, im->cfg->audit_file_mode, &err) < 0)
		goto fail;
	outfile_write(&of, text.s, text.len);
	if (outfile_commit(&of, &err) < 0)
		goto fail;
	buf_addf(written, "%s%s (%zu findings)", written->len ? ", " : "",
		 path.s, old.n);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "huifang: cannot write %s\n", err.s);
out:
	findings_release(&old);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&text);
	buf_release(&err);
	return ret;
}

static int audit_import(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	const struct config *cfg = &cp.cfg;
	struct importer im;
	struct diag d;
	struct lock lk = { -1, NULL, false };
	struct buf err = BUF_INIT, written = BUF_INIT;
	char **files = NULL;
	int nfiles = 0, i, ret;
	size_t k, imported = 0;

	ret = cmd_parse_opts(argc, argv, &o, usage, &files, &nfiles);
	if (ret) {
		free(files);
		return ret < 0 ? 0 : ret;
	}
	if (!nfiles) {
		fprintf(stderr, "huifang audit import: no sheet named\n%s", usage);
		free(files);
		return EX_USAGE;
	}
	memset(&im, 0, sizeof(im));
	diag_init(&d);
	d.stream = stderr;
	d.min_level = o.quiet ? DIAG_ERROR : DIAG_WARNING;
	cmd_pipeline_begin(&o, &cp);
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	im.o = &o;
	im.cfg = cfg;
	im.p = &cp.p;
	umask((mode_t)cfg->umask);
	if (lock_acquire(&lk, o.output, (int64_t)time(NULL), &err) < 0) {
		fprintf(stderr, "huifang: %s\n", err.s);
		ret = lk.busy ? EX_TEMPFAIL : EX_CANTCREAT;
		goto out;
	}

	/* Check every sheet first: all or nothing. */
	for (i = 0; i < nfiles; i++) {
		struct iso_week w;
		struct week_import *wi;
		size_t before = d.errors;

		if (access(files[i], R_OK) < 0) {
			diag_report(&d, DIAG_ERROR, files[i], 0, 0,
				    "cannot read the sheet");
			ret = EX_NOINPUT;
			continue;
		}
		if (audit_sheet_week(files[i], &w, &d) < 0)
			continue;
		wi = week_of(&im, w, &d, &ret);
		if (!wi)
			goto out;
		if (audit_import_csv(wi->samples, files[i], o.as_of, cfg,
				     &wi->got, &d) < 0 || d.errors != before)
			continue;
		wi->sheets++;
	}
	if (d.errors) {
		fprintf(stderr, "huifang audit import: %zu error%s; nothing "
			"imported\n", d.errors, d.errors == 1 ? "" : "s");
		if (!ret)
			ret = EX_DATAERR;
		goto out;
	}
	for (k = 0; k < im.nweeks; k++) {
		ret = store_week(&im, &im.weeks[k], &d, &written);
		if (ret)
			goto out;
		imported += im.weeks[k].got.n;
	}
	if (!o.quiet)
		printf("huifang audit import: %zu findings from %d sheet%s; "
		       "wrote %s\n", imported, nfiles, nfiles == 1 ? "" : "s",
		       written.len ? written.s : "nothing");
	ret = 0;
out:
	lock_release(&lk);
	for (k = 0; k < im.nweeks; k++) {
		cJSON_Delete(im.weeks[k].samples);
		findings_release(&im.weeks[k].got);
	}
	free(im.weeks);
	if (im.ingested)
		ticket_set_release(&im.set);
	cmd_pipeline_end(&cp);
	diag_release(&d);
	buf_release(&err);
	buf_release(&written);
	free(files);
	return ret;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE : 0;
	}
	if (!strcmp(argv[1], "import"))
		return audit_import(argc - 1, argv + 1);
	fprintf(stderr, "huifang audit: '%s' is not an audit command\n%s",
		argv[1], usage);
	return EX_USAGE;
}
