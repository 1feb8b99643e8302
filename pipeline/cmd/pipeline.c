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
#include <stdarg.h>
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
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "util/csvout.h"
#include "util/jsonw.h"
#include "input/ingest.h"
#include "ops/lock.h"
#include "stages/metrics.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "ops/paths.h"
#include "model/records.h"
#include "input/rejects.h"
#include "ops/retention.h"
#include "report/pdfdoc.h"
#include "report/render.h"
#include "report/render_xlsx.h"
#include "stages/audit.h"
#include "stages/sample.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "ops/weekdir.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- messages: every one goes to the sink ---- */

static void emit(const struct pipeline *p, enum pipeline_kind kind,
		 const struct diag_entry *e)
{
	if (p->sink && p->sink->emit)
		p->sink->emit(p->sink->arg, kind, e);
}

static void emit_stage(const struct diag_entry *e, void *arg)
{
	emit(arg, PIPELINE_STAGE, e);
}

static void emit_input(const struct diag_entry *e, void *arg)
{
	emit(arg, PIPELINE_INPUT, e);
}

/* A diag whose entries go to the sink as they arrive, of this kind. */
static void diag_to_sink(struct diag *d, const struct pipeline *p,
			 enum pipeline_kind kind)
{
	diag_init(d);
	d->emit = kind == PIPELINE_INPUT ? emit_input : emit_stage;
	d->emit_arg = (void *)p;
}

static void vsay(const struct pipeline_sink *s, enum diag_level level,
		 const char *code, const char *fmt, va_list ap)
{
	struct buf msg = BUF_INIT;
	struct diag_entry e;

	buf_vaddf(&msg, fmt, ap);
	memset(&e, 0, sizeof(e));
	e.level = level;
	e.message = msg.s;
	e.code = code;
	if (s && s->emit)
		s->emit(s->arg, PIPELINE_RUN, &e);
	buf_release(&msg);
}

static void say(const struct pipeline *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say_level(const struct pipeline *p, enum diag_level level,
		      const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The engine's own error: "huifang: text" on a terminal. */
static void say(const struct pipeline *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(p->sink, DIAG_ERROR, NULL, fmt, ap);
	va_end(ap);
}

static void say_level(const struct pipeline *p, enum diag_level level,
		      const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(p->sink, level, code, fmt, ap);
	va_end(ap);
}

static void progress(const struct pipeline *p, const char *stage,
		     unsigned done, unsigned total)
{
	if (p->hooks.progress)
		p->hooks.progress(stage, done, total, p->hooks.arg);
}

void pipeline_init(struct pipeline *p, const struct pipeline_opts *o,
		   const struct config *cfg, const struct pipeline_sink *s)
{
	memset(p, 0, sizeof(*p));
	p->opts = o;
	p->cfg = cfg;
	p->sink = s;
}

double pipeline_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int pipeline_load_config(const struct pipeline_sink *s, const char *path,
			 struct config *cfg)
{
	struct pipeline p;
	struct diag d;
	struct buf err = BUF_INIT;
	char *found = NULL;
	int ret = 0;

	pipeline_init(&p, NULL, NULL, s);
	diag_to_sink(&d, &p, PIPELINE_STAGE);
	config_init(cfg);
	if (paths_config_file(path, &found, &err) < 0) {
		say(&p, "%s", err.s);
		ret = EX_CONFIG;
	} else if (config_load(cfg, found, &d) < 0) {
		ret = EX_CONFIG;
	}
	diag_release(&d);
	buf_release(&err);
	free(found);
	return ret;
}

/*
 * Writes b to dir/name atomically with mode (less the umask); reports a
 * failure to the sink.
 */
static int write_file_mode(const struct pipeline *p, const char *dir,
			   const char *name, const struct buf *b,
			   unsigned mode)
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
		say(p, "cannot write %s\n", err.s);
	buf_release(&path);
	buf_release(&err);
	return ret;
}

/* Writes buf to dir/name atomically; reports a failure to the sink. */
static int write_file(const struct pipeline *p, const char *dir,
		      const char *name, const struct buf *b)
{
	return write_file_mode(p, dir, name, b, 0666);
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
static int drop_staged(const struct pipeline *p, const struct weekdir *wd, const char *name)
{
	struct buf path = BUF_INIT;
	int ret = 0;

	buf_addf(&path, "%s/%s", wd->stage_path, name);
	if (unlink(path.s) < 0 && errno != ENOENT) {
		say(p, "cannot remove %s: %s\n", path.s,
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
static int load_week_artifacts(const struct pipeline *p, const char *week,
			       struct week_job *job, int64_t *as_of,
			       cJSON **jm, cJSON **js, cJSON **jr)
{
	const struct pipeline_opts *o = p->opts;
	struct buf dir = BUF_INIT, path = BUF_INIT;
	const cJSON *v;
	int ret = EX_NOINPUT;

	buf_addf(&dir, "%s/weeks/%s", o->output, week);
	buf_addf(&path, "%s/metrics.json", dir.s);
	if (access(path.s, F_OK) < 0) {
		say(p, "no %s; run 'huifang metrics --week "
			"%s' first\n", path.s, week);
		goto out;
	}
	*jm = read_json(dir.s, "metrics.json");
	v = cJSON_GetObjectItemCaseSensitive(*jm, "as_of");
	if (!*jm || !cJSON_IsString(v) ||
	    chtime_parse(v->valuestring, strlen(v->valuestring), as_of) < 0) {
		say(p, "%s: %s; run 'huifang metrics --week "
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

int pipeline_draw_samples(const struct pipeline *p, const struct metrics *m,
			  const struct ticket_set *set, struct samples *s,
			  struct buf *samples_json, struct buf *metrics_json,
			  struct diag *d)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct findings *all = NULL;
	struct sample_followup *fu = NULL;
	struct buf dir = BUF_INIT;
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
	if (sample_draw_followup(m, set, cfg, o->seed, fu, nfu, s, d) < 0) {
		ret = EX_CONFIG;
		goto out;
	}
	sample_write_json(s, m, samples_json);
	if (metrics_json) {
		struct jsonw w;

		js = cJSON_ParseWithLength(samples_json->s, samples_json->len);
		if (!js || jsonw_reopen(&w, metrics_json) < 0) {
			ret = EX_SOFTWARE;
			goto out;
		}
		audit_results_json(&w, js, all, nall, m->week, o->as_of, cfg);
		audit_problems_json(&w, js, all, nall, m->week);
		jsonw_close(&w);
		jsonw_end(&w);
	}
	ret = 0;
out:
	cJSON_Delete(js);
	free(fu);
	audit_release_all(all, nall);
	buf_release(&dir);
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
static int week_write(const struct pipeline *p, const struct config *cfg,
		      const struct ticket_set *set, const char *templates,
		      unsigned steps, struct week_job *job,
		      struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	struct metrics m;
	struct samples s;
	struct diag d;
	struct buf metrics_json = BUF_INIT, records_json = BUF_INIT;
	struct buf samples_json = BUF_INIT, csv = BUF_INIT, name = BUF_INIT;
	struct buf sheets_json = BUF_INIT;
	struct buf err = BUF_INIT;
	struct week_view view = { NULL, NULL, NULL, NULL };
	cJSON *jm = NULL, *js = NULL, *jr = NULL, *ja = NULL;
	struct weekdir wd;
	bool staged = false, computed = steps & (STEP_METRICS | STEP_SAMPLE);
	int64_t as_of = o->as_of;
	char week[16];
	double t0;
	size_t i;
	int ret = EX_SOFTWARE;

	chtime_format_week(job->week, week);
	/* --quiet keeps errors: a failed PDF must still say why. */
	diag_to_sink(&d, p, PIPELINE_STAGE);
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
		ret = pipeline_draw_samples(p, &m, set, &s, &samples_json,
					    &metrics_json, &d);
		if (ret)
			goto out;
		sample_write_sheets_json(&s, &m, cfg, &sheets_json);
		ret = EX_SOFTWARE;
		sum->times.sample += pipeline_clock() - t0;
	}
	if (!computed) {
		ret = load_week_artifacts(p, week, job, &as_of, &jm, &js, &jr);
		if (ret)
			goto out;
		ret = EX_SOFTWARE;
	}

	if (weekdir_begin(&wd, o->output, week, &err) < 0) {
		say(p, "cannot write %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	staged = true;
	ret = EX_CANTCREAT;
	if (steps != STEP_ALL && weekdir_carry_over(&wd, &err) < 0) {
		say(p, "cannot carry %s over: %s\n", week,
			err.s);
		goto out;
	}
	if (computed && drop_staged(p, &wd, WEEKDIR_ISSUED_MARK) < 0)
		goto out;
	if ((steps & STEP_METRICS) &&
	    (write_file(p, wd.stage_path, "metrics.json", &metrics_json) < 0 ||
	     write_file(p, wd.stage_path, "records.json", &records_json) < 0))
		goto out;
	if (steps & STEP_SAMPLE) {
		if (write_file(p, wd.stage_path, "samples.json", &samples_json) < 0)
			goto out;
		/* The audit sheets' view holds the phones: the audit mode. */
		if (write_file_mode(p, wd.stage_path, "audit_sheets.json",
				    &sheets_json, cfg->audit_file_mode) < 0)
			goto out;
		for (i = 0; i < s.nlevels; i++) {
			buf_reset(&csv);
			buf_reset(&name);
			sample_write_csv(&s, i, set, cfg, &csv);
			buf_addf(&name, "抽查表-%s.csv", cfg->levels[i].id);
			/* Unmasked phones: the audit outputs' own mode. */
			if (write_file_mode(p, wd.stage_path, name.s, &csv,
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
				say(p, "internal error: an "
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
		view.audit_sheets = ja;
		if (render_pdf_week(&view, cfg, templates, wd.stage_path,
				    &d) < 0 ||
		    render_audit_sheets(ja, cfg, wd.stage_path, &d) < 0 ||
		    render_xlsx_week(&view, cfg, wd.stage_path, &d) < 0) {
			ret = EX_CANTCREAT;
			goto out;
		}
		sum->times.render_pdf += pipeline_clock() - t0;
		if (!job->provisional &&
		    weekdir_mark_issued(&wd, as_of, &err) < 0) {
			say(p, "cannot write %s\n", err.s);
			goto out;
		}
	}
	staged = false;
	if (weekdir_publish(&wd, &err) < 0) {
		say(p, "cannot publish %s\n", err.s);
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
static int render_site(const struct pipeline *p, const struct config *cfg,
		       const char *templates)
{
	const struct pipeline_opts *o = p->opts;
	struct string_list weeks = { NULL, 0, 0 };
	struct week_view *views = NULL;
	cJSON **trees = NULL;
	struct buf wdir = BUF_INIT, err = BUF_INIT;
	struct weekdir sd;
	bool staged = false;
	struct diag d;
	size_t i, n = 0;
	int ret = EX_CANTCREAT;

	diag_to_sink(&d, p, PIPELINE_STAGE);
	if (list_weeks(o->output, &weeks) < 0) {
		say(p, "cannot read %s/weeks: %s\n",
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
		say(p, "cannot write %s\n", err.s);
		goto out;
	}
	staged = true;
	if (render_html_site(views, n, cfg, templates, sd.stage_path, &d) < 0)
		goto out;
	staged = false;
	if (weekdir_publish(&sd, &err) < 0) {
		say(p, "cannot publish %s\n", err.s);
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
static int write_run_json(const struct pipeline *p, const struct config *cfg,
			  const struct ticket_set *set,
			  const struct week_job *jobs, size_t njobs,
			  const struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	struct buf b = BUF_INIT;
	struct jsonw w;
	char as_of[CHTIME_BUF], week[16], cfg_digest[65];
	size_t i;
	int ret;

	chtime_format(o->as_of, as_of);
	/* "" when there is no config file or it cannot be read. */
	(void)sha256_file(cfg->path ? cfg->path : "", cfg_digest);
	jsonw_init(&w, &b);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.run/1");
	jsonw_str(&w, "version", HUIFANG_VERSION);
	jsonw_str(&w, "as_of", as_of);
	jsonw_str(&w, "seed", o->seed ? o->seed : cfg->seed);
	jsonw_open(&w, "config", '{', JSONW_INLINE);
	jsonw_str(&w, "path", cfg->path ? cfg->path : "");
	jsonw_str(&w, "sha256", cfg_digest);
	jsonw_close(&w);
	jsonw_open(&w, "weeks", '[', JSONW_BLOCK);
	for (i = 0; i < njobs; i++) {
		chtime_format_week(jobs[i].week, week);
		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "week", week);
		jsonw_bool(&w, "provisional", jobs[i].provisional);
		jsonw_str(&w, "status", pipeline_week_status(&jobs[i]));
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_open(&w, "input", '{', JSONW_BLOCK);
	jsonw_str(&w, "folder", o->input);
	/* The counts share a line. */
	jsonw_uint(&w, "files", sum->files);
	jsonw_same_line(&w);
	jsonw_uint(&w, "rows_read", sum->rows_read);
	jsonw_same_line(&w);
	jsonw_uint(&w, "accepted", sum->accepted);
	jsonw_same_line(&w);
	jsonw_uint(&w, "rejected", sum->rejected);
	jsonw_same_line(&w);
	jsonw_uint(&w, "superseded", sum->superseded);
	jsonw_open(&w, "list", '[', JSONW_BLOCK);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];
		static const char *const kinds[] = { "tickets", "callbacks",
						     "unrecognised" };

		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "name", f->name);
		jsonw_str(&w, "kind", kinds[f->kind < 3 ? f->kind : 2]);
		jsonw_str(&w, "encoding", f->encoding ? f->encoding : "");
		jsonw_uint(&w, "size", f->size);
		jsonw_str(&w, "sha256", f->sha256);
		jsonw_uint(&w, "rows_read", f->rows_read);
		jsonw_uint(&w, "accepted", f->accepted);
		jsonw_uint(&w, "rejected", f->rejected);
		jsonw_uint(&w, "superseded", f->superseded);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_open(&w, "rejected_by_reason", '{', JSONW_INLINE);
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		jsonw_uint(&w, reject_reason_code[i], set->quality.reasons[i]);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_open(&w, "timings_seconds", '{', JSONW_INLINE);
	jsonw_double(&w, "ingest", sum->times.ingest);
	jsonw_double(&w, "metrics", sum->times.metrics);
	jsonw_double(&w, "sample", sum->times.sample);
	jsonw_double(&w, "render_pdf", sum->times.render_pdf);
	jsonw_double(&w, "render_html", sum->times.render_html);
	jsonw_double(&w, "total", sum->times.total);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
	ret = write_file(p, o->output, "run.json", &b);
	buf_release(&b);
	return ret;
}

/*
 * What every command that writes under o->output does first: find the
 * templates (when it renders), set the umask, take the run lock and clear
 * what killed runs left. 0 or a sysexits code after saying why; lk and
 * *templates are the caller's to release either way.
 */
static int begin_output(const struct pipeline *p, const struct config *cfg,
			bool renders, struct lock *lk, char **templates)
{
	const struct pipeline_opts *o = p->opts;
	struct buf err = BUF_INIT;
	int ret = 0;

	if (renders && paths_templates_dir(cfg->templates_dir, templates, &err) < 0) {
		say(p, "%s\n", err.s);
		ret = EX_CONFIG;
		goto out;
	}
	/*
	 * A font that is not there would fail every PDF after the lock and
	 * the ingest: say so at once, as the configuration error it is.
	 */
	if (renders && cfg->font_path && access(cfg->font_path, R_OK) < 0) {
		say(p, "pdf.font_path '%s': %s\n",
			cfg->font_path, strerror(errno));
		ret = EX_CONFIG;
		goto out;
	}
	/* The font itself, and its number in a collection (issue 13). */
	if (renders && cfg->font_path &&
	    pdffont_check(cfg->font_path, cfg->font_index, &err) < 0) {
		say(p, "pdf.font_path, pdf.font_index %d: %s",
		    cfg->font_index, err.s);
		ret = EX_CONFIG;
		goto out;
	}
	/* Reports carry personal data: files are created under cfg->umask. */
	umask((mode_t)cfg->umask);
	if (lock_acquire(lk, o->output, (int64_t)time(NULL), &err) < 0) {
		say(p, "%s\n", err.s);
		ret = lk->busy ? EX_TEMPFAIL : EX_CANTCREAT;
		goto out;
	}
	/*
	 * From here on the run makes temporary files: running out of
	 * memory removes them before it exits 71 (xalloc.h).
	 */
	xalloc_on_exhaustion(weekdir_remove_own, (void *)o->output);
	if (folder_refuse_links(o->output, &err) < 0) {
		say(p, "%s", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
	if (weekdir_cleanup(o->output, &err) < 0) {
		say(p, "cannot clean up %s\n", err.s);
		ret = EX_CANTCREAT;
		goto out;
	}
out:
	buf_release(&err);
	return ret;
}


/* Adds path to paths, or, for a folder, its exports (SPEC §8 rule 1). */
static int add_path(const struct pipeline *p, const char *path,
		    struct string_list *paths, struct diag *d)
{
	struct stat st;
	char **found = NULL;
	size_t n = 0, i;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		string_list_add(paths, path);
		return 0;
	}
	if (ingest_list_files(path, &found, &n, d) < 0)
		return -1;
	if (!n)
		say(p, "no *.csv, *.json or *.jsonl exports in %s", path);
	for (i = 0; i < n; i++) {
		string_list_add(paths, found[i]);
		free(found[i]);
	}
	free(found);
	return n ? 0 : -1;
}

/*
 * The ingest step: the exports into set, its messages to the sink, then
 * (PIPELINE_WRITE) rejects.csv and the records/ artifact, which a later
 * stage command re-runs one step over. The caller holds the lock when
 * it writes.
 */
static int ingest_step(const struct pipeline *p, const char *const *paths,
		       size_t npaths, unsigned flags, struct ticket_set *set,
		       struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct string_list files = { NULL, 0, 0 };
	struct ingest_opts io;
	struct diag d;
	struct buf b = BUF_INIT, err = BUF_INIT;
	double t0 = pipeline_clock();
	size_t i;
	int ret = EX_NOINPUT;

	diag_to_sink(&d, p, PIPELINE_INPUT);
	io.input_dir = o->input;
	io.encoding = o->encoding ? o->encoding : cfg->encoding;
	if (paths) {
		for (i = 0; i < npaths; i++)
			if (add_path(p, paths[i], &files, &d) < 0)
				goto out;
		ingest_read_files((const char *const *)files.items, files.nr,
				  &io, cfg, set, &d);
	} else if (ingest_run(&io, cfg, set, &d) < 0) {
		goto out;
	}
	sum->times.ingest = pipeline_clock() - t0;
	if (p->sink && p->sink->input_done)
		p->sink->input_done(p->sink->arg);
	if (set->rejected && (flags & PIPELINE_WRITE))
		say_level(p, DIAG_WARNING, "rows_rejected",
			  "%zu rows rejected; see %s/rejects.csv",
			  set->rejected, o->output);
	sum->files = set->files_recognised;
	sum->rows_read = set->rows_read;
	sum->accepted = set->accepted;
	sum->rejected = set->rejected;
	sum->superseded = set->superseded;
	sum->errors = d.errors;
	/*
	 * An export that exists but cannot be read would leave the reports
	 * silently short of its rows: that is an input failure, reported
	 * before anything is written, not an unrecognised file.
	 */
	for (i = 0; i < set->nfiles; i++) {
		struct buf why = BUF_INIT;
		int fd;

		if (set->files[i].kind != FILE_UNRECOGNISED)
			continue;
		if (set->files[i].changed) {
			say(p, "cannot read %s: %s", set->files[i].path,
			    set->files[i].why);
			goto out;
		}
		/* A FIFO or a device is skipped and named, not opened. */
		fd = text_open_regular(set->files[i].path, &why);
		if (fd < 0 && errno != EINVAL) {
			say(p, "cannot read %s: %s", set->files[i].path, why.s);
			buf_release(&why);
			goto out;
		}
		buf_release(&why);
		if (fd >= 0)
			close(fd);
	}
	/*
	 * A skipped export is named whatever the cap on diagnostics and
	 * --quiet: its rows are missing from every report (issue 13).
	 */
	ingest_describe_skipped(set, &b);
	if (b.len)
		say(p, "%s", b.s);
	buf_reset(&b);
	if ((flags & PIPELINE_NEED_EXPORT) && !set->files_recognised) {
		say(p, "no ticket or callback export in %s",
		    paths && npaths == 1 ? paths[0] : o->input);
		goto out;
	}
	ret = 0;
	if (!(flags & PIPELINE_WRITE))
		goto out;
	ret = EX_CANTCREAT;
	if (rejects_write(set, o->output, &err) < 0) {
		say(p, "cannot write %s", err.s);
		goto out;
	}
	buf_reset(&b);
	buf_addf(&b, "%s/records", o->output);
	if (records_write(set, b.s, &err) < 0) {
		say(p, "cannot write %s", err.s);
		goto out;
	}
	ret = 0;
out:
	string_list_clear(&files);
	diag_release(&d);
	buf_release(&b);
	buf_release(&err);
	return ret;
}

int pipeline_ingest(const struct pipeline *p, const char *const *paths,
		    size_t npaths, unsigned flags, struct ticket_set *set,
		    struct run_summary *sum)
{
	struct lock lk = { -1, NULL, false };
	char *templates = NULL;
	int ret;

	memset(sum, 0, sizeof(*sum));
	/*
	 * records/ and rejects.csv are what the stage commands read: take
	 * the run lock, as they do, so that no run reads them half rewritten.
	 */
	if (flags & PIPELINE_WRITE) {
		ret = begin_output(p, p->cfg, false, &lk, &templates);
		if (ret)
			goto out;
	}
	ret = ingest_step(p, paths, npaths, flags, set, sum);
out:
	free(templates);
	lock_release(&lk);
	return ret;
}

int pipeline_run(const struct pipeline *p, struct week_job *jobs,
		 size_t njobs, struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct ticket_set set;
	char *templates = NULL;
	struct lock lk = { -1, NULL, false };
	double start = pipeline_clock(), t0;
	size_t i;
	int ret, r;

	memset(sum, 0, sizeof(*sum));
	ticket_set_init(&set);

	ret = begin_output(p, cfg, true, &lk, &templates);
	if (ret)
		goto out;
	progress(p, "ingest", 0, (unsigned)njobs + 2);
	ret = ingest_step(p, NULL, 0, PIPELINE_WRITE | PIPELINE_NEED_EXPORT,
			  &set, sum);
	if (ret)
		goto out;

	for (i = 0; i < njobs; i++) {
		progress(p, "weeks", (unsigned)i + 1, (unsigned)njobs + 2);
		r = week_write(p, cfg, &set, templates, STEP_ALL, &jobs[i],
			       sum);
		if (r && !ret)
			ret = r;
	}
	if (p->hooks.after_weeks) {
		r = p->hooks.after_weeks(p, p->hooks.arg);
		if (r && !ret)
			ret = r;
	}
	progress(p, "site", (unsigned)njobs + 1, (unsigned)njobs + 2);
	t0 = pipeline_clock();
	r = render_site(p, cfg, templates);
	sum->times.render_html += pipeline_clock() - t0;
	if (r && !ret)
		ret = r;
	sum->times.total = pipeline_clock() - start;
	if (write_run_json(p, cfg, &set, jobs, njobs, sum) < 0 && !ret)
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
static int read_records(const struct pipeline *p, struct ticket_set *set,
			struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	struct buf dir = BUF_INIT, path = BUF_INIT;
	struct diag d;
	int ret = EX_NOINPUT;

	diag_to_sink(&d, p, PIPELINE_STAGE);
	buf_addf(&dir, "%s/records", o->output);
	buf_addf(&path, "%s/summary.json", dir.s);
	if (access(path.s, F_OK) < 0) {
		say(p, "no ingested records in %s/; run 'huifang ingest "
		    "--output %s' first", dir.s, o->output);
		goto out;
	}
	if (records_read(set, dir.s, &d) < 0) {
		say(p, "cannot use the records in %s/; run 'huifang ingest "
		    "--output %s' again", dir.s, o->output);
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

int pipeline_stage(const struct pipeline *p, unsigned steps,
		   struct week_job *job, struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct ticket_set set;
	char *templates = NULL;
	struct lock lk = { -1, NULL, false };
	bool renders = steps & STEP_PDF;
	double start = pipeline_clock(), t0;
	int ret, r;

	memset(sum, 0, sizeof(*sum));
	ticket_set_init(&set);

	ret = begin_output(p, cfg, renders, &lk, &templates);
	if (ret)
		goto out;
	if (steps & (STEP_METRICS | STEP_SAMPLE)) {
		t0 = pipeline_clock();
		ret = read_records(p, &set, sum);
		if (ret)
			goto out;
		sum->times.ingest = pipeline_clock() - t0;
	}
	ret = week_write(p, cfg, renders && steps == STEP_PDF ? NULL : &set,
			 templates, steps, job, sum);
	if (renders) {
		t0 = pipeline_clock();
		r = render_site(p, cfg, templates);
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

void pipeline_week_job(const char *week, int64_t as_of, bool force,
		       struct week_job *job)
{
	memset(job, 0, sizeof(*job));
	if (!week || chtime_parse_week(week, &job->week) < 0)
		job->week = chtime_default_week(as_of);
	job->provisional = chtime_week_start(job->week) + SECONDS_PER_WEEK >
			   as_of;
	job->force = force;
}

/* ---- the capped printer ---- */

static void printer_write(struct pipeline_printer *pr,
			  enum pipeline_kind kind, const struct diag_entry *e,
			  const char *text)
{
	if (pr->write)
		pr->write(pr->write_arg, kind, e, text);
	else
		fputs(text, pr->out);
}

/* The count of a file's messages past the cap, when it has some. */
static void printer_file_done(struct pipeline_printer *pr)
{
	struct buf b = BUF_INIT;

	if (pr->file_hidden) {
		buf_addf(&b, "%s: %zu more errors not shown\n", pr->file,
			 pr->file_hidden);
		printer_write(pr, PIPELINE_INPUT, NULL, b.s);
	}
	pr->file_shown = pr->file_hidden = 0;
	buf_release(&b);
}

static void printer_emit(void *arg, enum pipeline_kind kind,
			 const struct diag_entry *e)
{
	struct pipeline_printer *pr = arg;
	struct buf b = BUF_INIT;

	if (kind == PIPELINE_INPUT) {
		if (!pr->file || !e->file || strcmp(pr->file, e->file)) {
			printer_file_done(pr);
			free(pr->file);
			pr->file = e->file ? xstrdup(e->file) : NULL;
		}
		if (e->level == DIAG_NOTE && !pr->notes)
			return;
		/* --quiet: only the errors that are not a row's reject. */
		if (pr->quiet && (e->level < DIAG_ERROR || e->code))
			return;
		if (e->level != DIAG_NOTE) {
			pr->problems++;
			if (pr->max_per_file &&
			    pr->file_shown >= pr->max_per_file) {
				pr->file_hidden++;
				return;
			}
			if (pr->max_total && pr->shown >= pr->max_total) {
				pr->hidden++;
				return;
			}
			pr->file_shown++;
			pr->shown++;
		}
		diag_format_entry(&b, e);
	} else {
		if (pr->quiet && e->level < DIAG_ERROR)
			return;
		if (kind == PIPELINE_RUN)
			buf_addf(&b, "huifang: %s\n", e->message);
		else
			diag_format_entry(&b, e);
	}
	printer_write(pr, kind, e, b.s);
	buf_release(&b);
}

static void printer_input_done(void *arg)
{
	struct pipeline_printer *pr = arg;
	struct buf b = BUF_INIT;

	printer_file_done(pr);
	free(pr->file);
	pr->file = NULL;
	if (pr->hidden) {
		buf_addf(&b, "huifang: %zu more diagnostics not shown\n",
			 pr->hidden);
		printer_write(pr, PIPELINE_RUN, NULL, b.s);
	}
	pr->hidden = 0;
	buf_release(&b);
}

void pipeline_printer_init(struct pipeline_printer *pr, FILE *out,
			   unsigned max_total, unsigned max_per_file)
{
	memset(pr, 0, sizeof(*pr));
	pr->out = out;
	pr->max_total = max_total;
	pr->max_per_file = max_per_file;
	pr->sink.emit = printer_emit;
	pr->sink.input_done = printer_input_done;
	pr->sink.arg = pr;
}

void pipeline_printer_finish(struct pipeline_printer *pr)
{
	printer_input_done(pr);
}
