/*
 * cmd_pipeline.c - ingest, metrics, sample and render, as 'run' and
 * 'nightly' drive them, and one step at a time, as the stage commands
 * drive them (see cmd_pipeline.h).
 *
 * Each step has one implementation: week_write() does the metrics, sample
 * and PDF steps of a week (all of them for a run, one for a stage
 * command), ingest_step() what 'huifang ingest' writes, render_site() the
 * site. That is what makes ingest; metrics; sample; render write the same
 * bytes as one run (tests/e2e/stages.sh).
 *
 * The order of work keeps the promise that a reader never sees half a
 * report: every week's files are written into a staging folder and the
 * folder is published whole (weekdir.h); rejects.csv, the site and run.json
 * go through outfile.h. A week that fails leaves its previous version in
 * place. Nothing here prints except through the diag stream and the
 * summary the command prints.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "util/buf.h"
#include "stages/callbacks_view.h"
#include "cmd/cmd_pipeline.h"
#include "util/csvout.h"
#include "input/ingest.h"
#include "ops/lock.h"
#include "stages/metrics.h"
#include "util/outfile.h"
#include "ops/paths.h"
#include "model/records.h"
#include "input/rejects.h"
#include "ops/retention.h"
#include "report/render.h"
#include "stages/audit.h"
#include "stages/sample.h"
#include "util/sha256.h"
#include "ops/weekdir.h"
#include "util/xalloc.h"
#include "util/banned.h"

static struct pipeline_hooks hooks;

void pipeline_set_hooks(const struct pipeline_hooks *h)
{
	if (h)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof(hooks));
}

static void progress(const char *stage, unsigned done, unsigned total)
{
	if (hooks.progress)
		hooks.progress(stage, done, total, hooks.arg);
}

double pipeline_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pipeline_load_config(const struct cmd_opts *o, struct config *cfg)
{
	struct diag d;
	struct buf err = BUF_INIT;
	char *path = NULL;
	int ret = 0;

	diag_init(&d);
	config_init(cfg);
	if (paths_config_file(o->config, &path, &err) < 0) {
		fprintf(stderr, "huifang: %s\n", err.s);
		ret = EX_CONFIG;
	} else if (config_load(cfg, path, &d) < 0) {
		ret = EX_CONFIG;
	}
	diag_print(stderr, &d);
	diag_release(&d);
	buf_release(&err);
	free(path);
	return ret;
}

/* Writes buf to dir/name atomically; reports a failure on stderr. */
/* Writes dir/name with mode (less the umask); 0 or -1, said on stderr. */
static int write_file_mode(const char *dir, const char *name,
			   const struct buf *b, unsigned mode)
{
	struct buf path = BUF_INIT, err = BUF_INIT;
	struct outfile of;
	int ret = -1;

	buf_addf(&path, "%s/%s", dir, name);
	if (outfile_open_mode(&of, path.s, mode, &err) == 0) {
		outfile_write(&of, b->s, b->len);
		ret = outfile_commit(&of, &err);
	}
	if (ret < 0)
		fprintf(stderr, "huifang: cannot write %s\n", err.s);
	buf_release(&path);
	buf_release(&err);
	return ret;
}

static int write_file(const char *dir, const char *name, const struct buf *b)
{
	return write_file_mode(dir, name, b, 0666);
}

static cJSON *parse_buf(const struct buf *b)
{
	return cJSON_ParseWithLength(b->s, b->len);
}

/* Reads dir/name as JSON; NULL if absent or unreadable. */
static cJSON *read_json(const char *dir, const char *name)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	cJSON *j = NULL;
	FILE *f;

	buf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.s, "rb");
	if (!f)
		goto out;
	if (buf_read_stream(&data, f) == 0)
		j = cJSON_ParseWithLength(data.s, data.len);
	fclose(f);
out:
	buf_release(&path);
	buf_release(&data);
	return j;
}

/* Removes a carried-over file from the staging folder, if it is there. */
static int drop_staged(const struct weekdir *wd, const char *name)
{
	struct buf path = BUF_INIT;
	int ret = 0;

	buf_addf(&path, "%s/%s", wd->stage_path, name);
	if (unlink(path.s) < 0 && errno != ENOENT) {
		fprintf(stderr, "huifang: cannot remove %s: %s\n", path.s,
			strerror(errno));
		ret = -1;
	}
	buf_release(&path);
	return ret;
}

/*
 * The week's artifacts a render step reads when metrics did not run in
 * this process: metrics.json (required), samples.json and records.json
 * from the published week folder. Fills job->provisional and *as_of from
 * metrics.json. Returns 0 or a sysexits code after saying why.
 */
static int load_week_artifacts(const struct cmd_opts *o, const char *week,
			       struct week_job *job, int64_t *as_of,
			       cJSON **jm, cJSON **js, cJSON **jr)
{
	struct buf dir = BUF_INIT, path = BUF_INIT;
	const cJSON *v;
	int ret = EX_NOINPUT;

	buf_addf(&dir, "%s/weeks/%s", o->output, week);
	buf_addf(&path, "%s/metrics.json", dir.s);
	if (access(path.s, F_OK) < 0) {
		fprintf(stderr, "huifang: no %s; run 'huifang metrics --week "
			"%s' first\n", path.s, week);
		goto out;
	}
	*jm = read_json(dir.s, "metrics.json");
	v = cJSON_GetObjectItemCaseSensitive(*jm, "as_of");
	if (!*jm || !cJSON_IsString(v) ||
	    chtime_parse(v->valuestring, strlen(v->valuestring), as_of) < 0) {
		fprintf(stderr, "huifang: %s: %s; run 'huifang metrics --week "
			"%s' again\n", path.s, *jm ? "no valid as_of" :
			"unreadable or not JSON", week);
		goto out;
	}
	job->provisional = cJSON_IsTrue(
		cJSON_GetObjectItemCaseSensitive(*jm, "provisional"));
	*js = read_json(dir.s, "samples.json");
	*jr = read_json(dir.s, "records.json");
	ret = 0;
out:
	buf_release(&dir);
	buf_release(&path);
	return ret;
}

int pipeline_draw_samples(const struct cmd_opts *o, const struct config *cfg,
			  const struct metrics *m, struct samples *s,
			  struct buf *samples_json, struct buf *metrics_json,
			  struct diag *d)
{
	struct findings *all = NULL;
	struct sample_followup *fu = NULL;
	struct buf dir = BUF_INIT, audit = BUF_INIT;
	size_t nall = 0, nfu = 0;
	cJSON *js = NULL;
	int ret = EX_DATAERR;

	buf_addf(&dir, "%s/findings", o->output);
	if (audit_read_all(dir.s, &all, &nall, d) < 0) {
		diag_report(d, DIAG_ERROR, dir.s, 0, 0,
			    "cannot read the audit findings");
		goto out;
	}
	audit_followups(all, nall, m->week, cfg, &fu, &nfu);
	if (sample_draw_followup(m, cfg, o->seed, fu, nfu, s, d) < 0) {
		ret = EX_CONFIG;
		goto out;
	}
	sample_write_json(s, m, samples_json);
	if (metrics_json) {
		js = cJSON_ParseWithLength(samples_json->s, samples_json->len);
		audit_results_json(js, all, nall, m->week, o->as_of, cfg,
				   &audit);
		if (!js || audit_append_to_metrics(metrics_json, &audit) < 0) {
			ret = EX_SOFTWARE;
			goto out;
		}
	}
	ret = 0;
out:
	cJSON_Delete(js);
	free(fu);
	audit_release_all(all, nall);
	buf_release(&dir);
	buf_release(&audit);
	return ret;
}

/*
 * One week, the steps asked for: metrics.json and records.json
 * (STEP_METRICS), samples.json and the audit CSVs (STEP_SAMPLE), the PDFs
 * (STEP_PDF); all into a staging folder that is then published. When not
 * every step runs, the staging folder starts as a copy of the week folder
 * (weekdir_carry_over), so the files of the other steps stay. set may be
 * NULL when only STEP_PDF is asked for: the PDFs are then drawn from the
 * artifacts in the week folder. A complete week is marked issued only
 * together with its PDFs; rewriting metrics or samples of a week drops a
 * carried-over mark, since the PDFs no longer vouch for them.
 */
static int week_write(const struct cmd_opts *o, const struct config *cfg,
		      const struct ticket_set *set, const char *templates,
		      unsigned steps, struct week_job *job,
		      struct run_summary *sum)
{
	struct metrics m;
	struct samples s;
	struct diag d;
	struct buf metrics_json = BUF_INIT, records_json = BUF_INIT;
	struct buf samples_json = BUF_INIT, csv = BUF_INIT, name = BUF_INIT;
	struct buf sheets_json = BUF_INIT;
	struct buf err = BUF_INIT;
	struct week_view view = { NULL, NULL, NULL };
	cJSON *jm = NULL, *js = NULL, *jr = NULL, *ja = NULL;
	struct weekdir wd;
	bool staged = false, computed = steps & (STEP_METRICS | STEP_SAMPLE);
	int64_t as_of = o->as_of;
	char week[16];
	double t0;
	size_t i;
	int ret = EX_SOFTWARE;

	chtime_format_week(job->week, week);
	diag_init(&d);
	/* --quiet keeps errors: a failed PDF must still say why. */
	d.stream = stderr;
	d.min_level = o->quiet ? DIAG_ERROR : DIAG_NOTE;
	metrics_init(&m);
	sample_init(&s);

	if (!job->force && !job->provisional &&
	    weekdir_is_issued(o->output, week)) {
		job->status = WEEK_KEPT;
		ret = 0;
		goto out;
	}

	if (computed) {
		t0 = pipeline_clock();
		if (metrics_compute(set, cfg, job->week, o->as_of, &m, &d) < 0)
			goto out;
		m.provisional = job->provisional || m.provisional;
		metrics_write_json(&m, set, cfg, &metrics_json);
		callbacks_view_write_json(&m, set, cfg, &records_json);
		sum->times.metrics += pipeline_clock() - t0;
		/*
		 * The samples depend on earlier weeks' findings (fake_followup)
		 * and metrics.json reports this week's audits: both steps
		 * draw, so that metrics then sample writes what a run writes.
		 */
		t0 = pipeline_clock();
		ret = pipeline_draw_samples(o, cfg, &m, &s, &samples_json,
					    &metrics_json, &d);
		if (ret)
			goto out;
		sample_write_sheets_json(&s, &m, cfg, &sheets_json);
		ret = EX_SOFTWARE;
		sum->times.sample += pipeline_clock() - t0;
	}
	if (!computed) {
		ret = load_week_artifacts(o, week, job, &as_of, &jm, &js, &jr);
		if (ret)
			goto out;
		ret = EX_SOFTWARE;
	}

	if (weekdir_begin(&wd, o->output, week, &err) < 0) {
		fprintf(stderr, "huifang: cannot write %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	staged = true;
	ret = EX_CANTCREAT;
	if (steps != STEP_ALL && weekdir_carry_over(&wd, &err) < 0) {
		fprintf(stderr, "huifang: cannot carry %s over: %s\n", week,
			err.s);
		goto out;
	}
	if (computed && drop_staged(&wd, WEEKDIR_ISSUED_MARK) < 0)
		goto out;
	if ((steps & STEP_METRICS) &&
	    (write_file(wd.stage_path, "metrics.json", &metrics_json) < 0 ||
	     write_file(wd.stage_path, "records.json", &records_json) < 0))
		goto out;
	if (steps & STEP_SAMPLE) {
		if (write_file(wd.stage_path, "samples.json", &samples_json) < 0)
			goto out;
		/* The audit sheets' view holds the phones: the audit mode. */
		if (write_file_mode(wd.stage_path, "audit_sheets.json",
				    &sheets_json, cfg->audit_file_mode) < 0)
			goto out;
		for (i = 0; i < s.nlevels; i++) {
			buf_reset(&csv);
			buf_reset(&name);
			sample_write_csv(&s, i, set, cfg, &csv);
			buf_addf(&name, "抽查表-%s.csv", cfg->levels[i].id);
			/* Unmasked phones: the audit outputs' own mode. */
			if (write_file_mode(wd.stage_path, name.s, &csv,
					    cfg->audit_file_mode) < 0)
				goto out;
		}
	}

	if (steps & STEP_PDF) {
		t0 = pipeline_clock();
		if (computed) {
			jm = parse_buf(&metrics_json);
			js = parse_buf(&samples_json);
			jr = parse_buf(&records_json);
			ja = parse_buf(&sheets_json);
			if (!jm || !js || !jr) {
				fprintf(stderr, "huifang: internal error: an "
					"artifact of %s does not parse\n", week);
				ret = EX_SOFTWARE;
				goto out;
			}
		}
		view.metrics = jm;
		view.samples = js;
		view.records = jr;
		if (!computed)
			ja = read_json(wd.stage_path, "audit_sheets.json");
		if (render_pdf_week(&view, cfg, templates, wd.stage_path,
				    &d) < 0 ||
		    render_audit_sheets(ja, cfg, wd.stage_path, &d) < 0) {
			ret = EX_CANTCREAT;
			goto out;
		}
		sum->times.render_pdf += pipeline_clock() - t0;
		if (!job->provisional &&
		    weekdir_mark_issued(&wd, as_of, &err) < 0) {
			fprintf(stderr, "huifang: cannot write %s\n", err.s);
			goto out;
		}
	}
	staged = false;
	if (weekdir_publish(&wd, &err) < 0) {
		fprintf(stderr, "huifang: cannot publish %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	job->status = job->force ? WEEK_REISSUED : WEEK_ISSUED;
	ret = 0;
out:
	if (ret && job->status == WEEK_PENDING)
		job->status = WEEK_FAILED;
	if (staged)
		weekdir_abort(&wd);
	cJSON_Delete(jm);
	cJSON_Delete(js);
	cJSON_Delete(jr);
	cJSON_Delete(ja);
	sample_release(&s);
	metrics_release(&m);
	diag_release(&d);
	buf_release(&metrics_json);
	buf_release(&records_json);
	buf_release(&samples_json);
	buf_release(&sheets_json);
	buf_release(&csv);
	buf_release(&name);
	buf_release(&err);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the published week folders, sorted oldest first. */
static int list_weeks(const char *output, struct string_list *weeks)
{
	struct buf dir = BUF_INIT;
	struct dirent *e;
	DIR *dp;

	buf_addf(&dir, "%s/weeks", output);
	dp = opendir(dir.s);
	buf_release(&dir);
	if (!dp)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dp)))
		if (retention_is_week_name(e->d_name))
			string_list_add(weeks, e->d_name);
	closedir(dp);
	if (weeks->nr)
		qsort(weeks->items, weeks->nr, sizeof(char *), cmp_names);
	return 0;
}

/* The site covers every published week under output/weeks, newest first,
 * and is published whole like a week folder. */
static int render_site(const struct cmd_opts *o, const struct config *cfg,
		       const char *templates)
{
	struct string_list weeks = { NULL, 0, 0 };
	struct week_view *views = NULL;
	cJSON **trees = NULL;
	struct buf wdir = BUF_INIT, err = BUF_INIT;
	struct weekdir sd;
	bool staged = false;
	struct diag d;
	size_t i, n = 0;
	int ret = EX_CANTCREAT;

	diag_init(&d);
	d.stream = stderr;
	if (list_weeks(o->output, &weeks) < 0) {
		fprintf(stderr, "huifang: cannot read %s/weeks: %s\n",
			o->output, strerror(errno));
		goto out;
	}
	views = xcalloc(weeks.nr + 1, sizeof(*views));
	trees = xcalloc(3 * weeks.nr + 1, sizeof(*trees));
	for (i = weeks.nr; i-- > 0;) {
		buf_reset(&wdir);
		buf_addf(&wdir, "%s/weeks/%s", o->output, weeks.items[i]);
		trees[3 * n] = read_json(wdir.s, "metrics.json");
		if (!trees[3 * n])
			continue;
		trees[3 * n + 1] = read_json(wdir.s, "samples.json");
		trees[3 * n + 2] = read_json(wdir.s, "records.json");
		views[n].metrics = trees[3 * n];
		views[n].samples = trees[3 * n + 1];
		views[n].records = trees[3 * n + 2];
		n++;
	}
	if (stagedir_begin(&sd, o->output, "site", &err) < 0) {
		fprintf(stderr, "huifang: cannot write %s\n", err.s);
		goto out;
	}
	staged = true;
	if (render_html_site(views, n, cfg, templates, sd.stage_path, &d) < 0)
		goto out;
	staged = false;
	if (weekdir_publish(&sd, &err) < 0) {
		fprintf(stderr, "huifang: cannot publish %s\n", err.s);
		goto out;
	}
	ret = 0;
out:
	if (staged)
		weekdir_abort(&sd);
	for (i = 0; trees && i < 3 * n; i++)
		cJSON_Delete(trees[i]);
	free(trees);
	free(views);
	string_list_clear(&weeks);
	buf_release(&wdir);
	buf_release(&err);
	diag_release(&d);
	return ret;
}

const char *pipeline_week_status(const struct week_job *j)
{
	switch (j->status) {
	case WEEK_ISSUED:
		return j->provisional ? "provisional" : "issued";
	case WEEK_REISSUED:
		return "reissued";
	case WEEK_KEPT:
		return "kept";
	case WEEK_FAILED:
		return "failed";
	default:
		return "pending";
	}
}

/* output/run.json: what this run read, wrote, and how long it took. */
static int write_run_json(const struct cmd_opts *o, const struct config *cfg,
			  const struct ticket_set *set,
			  const struct week_job *jobs, size_t njobs,
			  const struct run_summary *sum)
{
	struct buf b = BUF_INIT;
	char as_of[CHTIME_BUF], week[16], cfg_digest[65];
	size_t i;
	int ret;

	chtime_format(o->as_of, as_of);
	/* "" when there is no config file or it cannot be read. */
	(void)sha256_file(cfg->path ? cfg->path : "", cfg_digest);
	buf_adds(&b, "{\n  \"schema\": \"huifang.run/1\",\n  \"version\": ");
	buf_add_json_string(&b, HUIFANG_VERSION);
	buf_addf(&b, ",\n  \"as_of\": \"%s\",\n  \"seed\": ", as_of);
	buf_add_json_string(&b, o->seed ? o->seed : cfg->seed);
	buf_adds(&b, ",\n  \"config\": {\"path\": ");
	buf_add_json_string(&b, cfg->path ? cfg->path : "");
	buf_adds(&b, ", \"sha256\": ");
	buf_add_json_string(&b, cfg_digest);
	buf_adds(&b, "},\n  \"weeks\": [");
	for (i = 0; i < njobs; i++) {
		chtime_format_week(jobs[i].week, week);
		buf_addf(&b, "%s\n    {\"week\": \"%s\", \"provisional\": %s, "
			 "\"status\": \"%s\"}", i ? "," : "", week,
			 jobs[i].provisional ? "true" : "false",
			 pipeline_week_status(&jobs[i]));
	}
	buf_adds(&b, "\n  ],\n  \"input\": {\n    \"folder\": ");
	buf_add_json_string(&b, o->input);
	buf_addf(&b, ",\n    \"files\": %zu, \"rows_read\": %zu, "
		 "\"accepted\": %zu, \"rejected\": %zu, \"superseded\": %zu,\n"
		 "    \"list\": [", sum->files, sum->rows_read, sum->accepted,
		 sum->rejected, sum->superseded);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];
		static const char *const kinds[] = { "tickets", "callbacks",
						     "unrecognised" };

		buf_addf(&b, "%s\n      {\"name\": ", i ? "," : "");
		buf_add_json_string(&b, f->name);
		buf_addf(&b, ", \"kind\": \"%s\", \"encoding\": ",
			 kinds[f->kind < 3 ? f->kind : 2]);
		buf_add_json_string(&b, f->encoding ? f->encoding : "");
		buf_addf(&b, ", \"size\": %llu, \"sha256\": \"%s\", "
			 "\"rows_read\": %zu, \"accepted\": %zu, "
			 "\"rejected\": %zu, \"superseded\": %zu}",
			 (unsigned long long)f->size, f->sha256, f->rows_read,
			 f->accepted, f->rejected, f->superseded);
	}
	buf_adds(&b, "\n    ],\n    \"rejected_by_reason\": {");
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		buf_addf(&b, "%s\"%s\": %zu", i ? ", " : "",
			 reject_reason_code[i], set->quality.reasons[i]);
	buf_adds(&b, "}\n  },\n  \"timings_seconds\": {");
	buf_adds(&b, "\"ingest\": ");
	buf_add_double(&b, sum->times.ingest);
	buf_adds(&b, ", \"metrics\": ");
	buf_add_double(&b, sum->times.metrics);
	buf_adds(&b, ", \"sample\": ");
	buf_add_double(&b, sum->times.sample);
	buf_adds(&b, ", \"render_pdf\": ");
	buf_add_double(&b, sum->times.render_pdf);
	buf_adds(&b, ", \"render_html\": ");
	buf_add_double(&b, sum->times.render_html);
	buf_adds(&b, ", \"total\": ");
	buf_add_double(&b, sum->times.total);
	buf_adds(&b, "}\n}\n");
	ret = write_file(o->output, "run.json", &b);
	buf_release(&b);
	return ret;
}

/*
 * Ingest diagnostics: the first few go to stderr, the rest are in
 * rejects.csv, so a bad export does not flood a cron mail.
 */
static void report_ingest(const struct cmd_opts *o,
			  const struct ticket_set *set, const struct diag *d)
{
	size_t i, shown = 0, problems = 0;

	if (o->quiet)
		return;
	/* Notes (which encoding a file was read as) go to the log only. */
	for (i = 0; i < d->nr; i++) {
		if (d->entries[i].level == DIAG_NOTE)
			continue;
		problems++;
		if (shown < 10) {
			diag_print_entry(stderr, &d->entries[i]);
			shown++;
		}
	}
	if (problems > shown)
		fprintf(stderr, "huifang: %zu more diagnostics not shown\n",
			problems - shown);
	if (set->rejected)
		fprintf(stderr, "huifang: %zu rows rejected; see %s/rejects.csv\n",
			set->rejected, o->output);
}

/*
 * What every command that writes under o->output does first: find the
 * templates (when it renders), set the umask, take the run lock and clear
 * what killed runs left. 0 or a sysexits code after saying why; lk and
 * *templates are the caller's to release either way.
 */
static int begin_output(const struct cmd_opts *o, const struct config *cfg,
			bool renders, struct lock *lk, char **templates)
{
	struct buf err = BUF_INIT;
	int ret = 0;

	if (renders && paths_templates_dir(cfg, templates, &err) < 0) {
		fprintf(stderr, "huifang: %s\n", err.s);
		ret = EX_CONFIG;
		goto out;
	}
	/*
	 * A font that is not there would fail every PDF after the lock and
	 * the ingest: say so at once, as the configuration error it is.
	 */
	if (renders && cfg->font_path && access(cfg->font_path, R_OK) < 0) {
		fprintf(stderr, "huifang: pdf.font_path '%s': %s\n",
			cfg->font_path, strerror(errno));
		ret = EX_CONFIG;
		goto out;
	}
	/* Reports carry personal data: files are created under cfg->umask. */
	umask((mode_t)cfg->umask);
	if (lock_acquire(lk, o->output, (int64_t)time(NULL), &err) < 0) {
		fprintf(stderr, "huifang: %s\n", err.s);
		ret = lk->busy ? EX_TEMPFAIL : EX_CANTCREAT;
		goto out;
	}
	if (weekdir_cleanup(o->output, &err) < 0) {
		fprintf(stderr, "huifang: cannot clean up %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
out:
	buf_release(&err);
	return ret;
}

/*
 * The ingest step of a run: the exports into set, then rejects.csv and
 * the records/ artifact, the same files 'huifang ingest' writes, so that a
 * later stage command can re-run one step over what this run read.
 */
static int ingest_step(const struct cmd_opts *o, const struct config *cfg,
		       struct ticket_set *set, struct run_summary *sum)
{
	struct ingest_opts io;
	struct diag d;
	struct buf b = BUF_INIT, err = BUF_INIT;
	double t0 = pipeline_clock();
	size_t i;
	int ret = EX_NOINPUT;

	diag_init(&d);
	io.input_dir = o->input;
	io.encoding = o->encoding ? o->encoding : cfg->encoding;
	if (ingest_run(&io, cfg, set, &d) < 0) {
		diag_print(stderr, &d);
		goto out;
	}
	sum->times.ingest = pipeline_clock() - t0;
	report_ingest(o, set, &d);
	sum->files = set->files_recognised;
	sum->rows_read = set->rows_read;
	sum->accepted = set->accepted;
	sum->rejected = set->rejected;
	sum->superseded = set->superseded;
	/*
	 * An export that exists but cannot be read would leave the reports
	 * silently short of its rows: that is an input failure, reported
	 * before anything is written, not an unrecognised file.
	 */
	for (i = 0; i < set->nfiles; i++) {
		int fd;

		if (set->files[i].kind != FILE_UNRECOGNISED)
			continue;
		fd = open(set->files[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "huifang: cannot read %s: %s\n",
				set->files[i].path, strerror(errno));
			goto out;
		}
		close(fd);
	}
	if (!set->files_recognised) {
		fprintf(stderr, "huifang: no ticket or callback export in %s\n",
			o->input);
		goto out;
	}
	ret = EX_CANTCREAT;
	rejects_format(set, &b);
	if (write_file(o->output, "rejects.csv", &b) < 0)
		goto out;
	buf_reset(&b);
	buf_addf(&b, "%s/records", o->output);
	if (records_write(set, b.s, &err) < 0) {
		fprintf(stderr, "huifang: cannot write %s\n", err.s);
		goto out;
	}
	ret = 0;
out:
	diag_release(&d);
	buf_release(&b);
	buf_release(&err);
	return ret;
}

int pipeline_run(const struct cmd_opts *o, const struct config *cfg,
		 struct week_job *jobs, size_t njobs, struct run_summary *sum)
{
	struct ticket_set set;
	char *templates = NULL;
	struct lock lk = { -1, NULL, false };
	double start = pipeline_clock(), t0;
	size_t i;
	int ret, r;

	memset(sum, 0, sizeof(*sum));
	ticket_set_init(&set);

	ret = begin_output(o, cfg, true, &lk, &templates);
	if (ret)
		goto out;
	progress("ingest", 0, (unsigned)njobs + 2);
	ret = ingest_step(o, cfg, &set, sum);
	if (ret)
		goto out;

	for (i = 0; i < njobs; i++) {
		progress("weeks", (unsigned)i + 1, (unsigned)njobs + 2);
		r = week_write(o, cfg, &set, templates, STEP_ALL, &jobs[i],
			       sum);
		if (r && !ret)
			ret = r;
	}
	if (hooks.after_weeks) {
		r = hooks.after_weeks(o, hooks.arg);
		if (r && !ret)
			ret = r;
	}
	progress("site", (unsigned)njobs + 1, (unsigned)njobs + 2);
	t0 = pipeline_clock();
	r = render_site(o, cfg, templates);
	sum->times.render_html += pipeline_clock() - t0;
	if (r && !ret)
		ret = r;
	sum->times.total = pipeline_clock() - start;
	if (write_run_json(o, cfg, &set, jobs, njobs, sum) < 0 && !ret)
		ret = EX_CANTCREAT;
	if (!ret && o->strict && set.rejected)
		ret = EX_DATAERR;
out:
	ticket_set_release(&set);
	free(templates);
	lock_release(&lk);
	return ret;
}

/*
 * The records 'huifang ingest' (or a run) left in o->output/records/.
 * 0, or EX_NOINPUT after saying what is missing or broken.
 */
static int read_records(const struct cmd_opts *o, struct ticket_set *set,
			struct run_summary *sum)
{
	struct buf dir = BUF_INIT, path = BUF_INIT;
	struct diag d;
	int ret = EX_NOINPUT;

	diag_init(&d);
	buf_addf(&dir, "%s/records", o->output);
	buf_addf(&path, "%s/summary.json", dir.s);
	if (access(path.s, F_OK) < 0) {
		fprintf(stderr, "huifang: no ingested records in %s/; run "
			"'huifang ingest --output %s' first\n", dir.s,
			o->output);
		goto out;
	}
	if (records_read(set, dir.s, &d) < 0) {
		diag_print(stderr, &d);
		fprintf(stderr, "huifang: cannot use the records in %s/; run "
			"'huifang ingest --output %s' again\n", dir.s,
			o->output);
		goto out;
	}
	sum->files = set->files_recognised;
	sum->rows_read = set->rows_read;
	sum->accepted = set->accepted;
	sum->rejected = set->rejected;
	sum->superseded = set->superseded;
	ret = 0;
out:
	diag_release(&d);
	buf_release(&dir);
	buf_release(&path);
	return ret;
}

int pipeline_stage(const struct cmd_opts *o, const struct config *cfg,
		   unsigned steps, struct week_job *job,
		   struct run_summary *sum)
{
	struct ticket_set set;
	char *templates = NULL;
	struct lock lk = { -1, NULL, false };
	bool renders = steps & STEP_PDF;
	double start = pipeline_clock(), t0;
	int ret, r;

	memset(sum, 0, sizeof(*sum));
	ticket_set_init(&set);

	ret = begin_output(o, cfg, renders, &lk, &templates);
	if (ret)
		goto out;
	if (steps & (STEP_METRICS | STEP_SAMPLE)) {
		t0 = pipeline_clock();
		ret = read_records(o, &set, sum);
		if (ret)
			goto out;
		sum->times.ingest = pipeline_clock() - t0;
	}
	ret = week_write(o, cfg, renders && steps == STEP_PDF ? NULL : &set,
			 templates, steps, job, sum);
	if (renders) {
		t0 = pipeline_clock();
		r = render_site(o, cfg, templates);
		sum->times.render_html += pipeline_clock() - t0;
		if (r && !ret)
			ret = r;
	}
	sum->times.total = pipeline_clock() - start;
	if (!ret && o->strict && set.rejected)
		ret = EX_DATAERR;
out:
	ticket_set_release(&set);
	free(templates);
	lock_release(&lk);
	return ret;
}

void pipeline_week_job(const struct cmd_opts *o, struct week_job *job)
{
	memset(job, 0, sizeof(*job));
	if (!o->week || chtime_parse_week(o->week, &job->week) < 0)
		job->week = chtime_default_week(o->as_of);
	job->provisional = chtime_week_start(job->week) + SECONDS_PER_WEEK >
			   o->as_of;
	job->force = o->force;
}

int pipeline_refuse_opts(int argc, char **argv, const char *const *names,
			 const char *why, const char *usage)
{
	int i;
	size_t k, n;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (strncmp(argv[i], "--", 2))
			continue;
		for (k = 0; names[k]; k++) {
			n = strlen(names[k]);
			if (strncmp(argv[i] + 2, names[k], n) ||
			    (argv[i][2 + n] && argv[i][2 + n] != '='))
				continue;
			fprintf(stderr, "huifang %s: --%s does not apply: %s\n%s",
				argv[0], names[k], why, usage);
			return EX_USAGE;
		}
	}
	return 0;
}
