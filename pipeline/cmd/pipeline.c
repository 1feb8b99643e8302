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
#include <math.h>
#include <stddef.h>
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
#include "model/source.h"
#include "input/rejects.h"
#include "ops/retention.h"
#include "report/pdfdoc.h"
#include "report/render.h"
#include "report/render_xlsx.h"
#include "stages/audit.h"
#include "stages/backfill.h"
#include "stages/sample.h"
#include "stages/issue.h"
#include "stages/worklist.h"
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
	f = folder_fopen_read(path.s, NULL);
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

	buf_addf(&dir, "%s/%s/%s", o->output, pipeline_job_folder(job), week);
	buf_addf(&path, "%s/metrics.json", dir.s);
	if (access(path.s, F_OK) < 0) {
		say(p, "no %s; run 'huifang %s %s' first\n", path.s,
		    job->period.kind == PERIOD_WEEK ? "metrics --week" :
		    "run --period", week);
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

/* The counts of a metrics.json group; -1 when one is missing or bad. */
static int group_from_json(const cJSON *g, struct group_stats *s)
{
	static const struct {
		const char *key;
		size_t off;
	} f[] = {
		{ "eligible", offsetof(struct group_stats, eligible) },
		{ "called_back", offsetof(struct group_stats, called_back) },
		{ "rated", offsetof(struct group_stats, rated) },
		{ "satisfied", offsetof(struct group_stats, satisfied) },
		{ "dissatisfied", offsetof(struct group_stats, dissatisfied) },
		{ "loops_closed", offsetof(struct group_stats, loops_closed) },
		{ "loops_open", offsetof(struct group_stats, loops_open) },
		{ "timely", offsetof(struct group_stats, timely) },
		{ "attempts", offsetof(struct group_stats, attempts) },
		{ "owed", offsetof(struct group_stats, owed) },
		{ "overdue", offsetof(struct group_stats, overdue) },
	};
	const cJSON *v, *dist;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(g))
		return -1;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(g, f[i].key);
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
		    v->valuedouble > 1e12)
			return -1;
		*(size_t *)(void *)((char *)s + f[i].off) =
			(size_t)v->valuedouble;
	}
	/* Written before 无法联系 was counted: none. */
	v = cJSON_GetObjectItemCaseSensitive(g, "unreachable");
	if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble <= (double)s->eligible)
		s->unreachable = (size_t)v->valuedouble;
	v = cJSON_GetObjectItemCaseSensitive(g, "median_hours_to_callback");
	if (cJSON_IsNumber(v)) {
		s->has_median = true;
		s->median_hours_to_callback = v->valuedouble;
	}
	dist = cJSON_GetObjectItemCaseSensitive(g, "satisfaction_distribution");
	for (i = 1; i < 6; i++) {
		v = cJSON_GetObjectItemCaseSensitive(dist, satisfaction_name[i]);
		if (cJSON_IsNumber(v) && v->valuedouble >= 0)
			s->by_satisfaction[i] = (size_t)v->valuedouble;
	}
	return 0;
}

/*
 * SPEC §9.29, one week, one number: the issued figures of the report
 * period's past trend periods, from their issued metrics.json, into out
 * (TREND_MAX - 1 at most); returns how many. A week whose file cannot
 * be read is recomputed instead, as before it was issued.
 */
static size_t read_issued_trend(const char *output, struct period period,
				struct trend_point *out)
{
	size_t n = 0;
	int k, t;

	for (k = 1; k < (int)period_trend_len(period.kind); k++) {
		struct period w = period_add(period, -k);
		struct buf dir = BUF_INIT;
		const cJSON *bt, *e;
		char name[PERIOD_ID_SIZE];
		cJSON *j;
		int ok;

		period_format(w, name);
		if (!weekdir_is_issued(output, name))
			continue;
		buf_addf(&dir, "%s/%s/%s", output, weekdir_folder_of(name),
			 name);
		j = read_json(dir.s, "metrics.json");
		buf_release(&dir);
		memset(&out[n], 0, sizeof(out[n]));
		out[n].period = w;
		out[n].week = period_week(w);
		ok = group_from_json(cJSON_GetObjectItemCaseSensitive(j, "totals"),
				     &out[n].totals) == 0;
		bt = cJSON_GetObjectItemCaseSensitive(j, "by_type");
		for (t = 0; ok && t < TYPE_COUNT; t++) {
			ok = 0;
			cJSON_ArrayForEach(e, bt) {
				const cJSON *ty = cJSON_GetObjectItemCaseSensitive(
					e, "type");

				if (cJSON_IsString(ty) &&
				    !strcmp(ty->valuestring, ticket_type_name[t]))
					ok = group_from_json(e,
						&out[n].by_type[t]) == 0;
			}
		}
		cJSON_Delete(j);
		if (ok)
			n++;
	}
	return n;
}

/*
 * Whether the source profiles declare there is no butler column (the
 * no_butler gate's exception, SPEC §9.28): every ticket file was read
 * through a profile that maps no column, and no constant, to 责任人 (HC
 * has no butler). A file read without a profile has the canonical
 * columns, 责任人 among them.
 */
static bool profiles_have_no_butler(const struct config *cfg,
				    const struct ticket_set *set)
{
	struct buf name = BUF_INIT;
	size_t i, k, files = 0;
	bool none = true;

	for (i = 0; i < set->nfiles && none; i++) {
		const struct input_file *f = &set->files[i];
		const struct source_profile *sp;
		const char *sheet;

		if (f->kind != FILE_TICKETS)
			continue;
		files++;
		/* A workbook's sheet "book.xlsx[Sheet1]" matches as book.xlsx. */
		buf_reset(&name);
		sheet = strchr(f->name, '[');
		buf_add(&name, f->name, sheet ? (size_t)(sheet - f->name) :
						strlen(f->name));
		sp = source_match(cfg, name.s);
		if (!sp || sp->constant[COL_BUTLER]) {
			none = false;
			continue;
		}
		for (k = 0; k < sp->header.nr; k++)
			if (sp->header_column[k] == COL_BUTLER)
				none = false;
	}
	buf_release(&name);
	return files && none;
}

/*
 * The issue decision of a week (SPEC §9.26-§9.28) into job and m: the
 * gates over what this run read, then issue_at, --issue and
 * --accept-gates. A stage command over records/ gets the ingest's counts
 * (repeated ids per file, unlisted files) from the artifact.
 */
static void decide_issue(const struct pipeline *p, const struct config *cfg,
			 const struct ticket_set *set, struct metrics *m,
			 const struct run_summary *sum, struct week_job *job)
{
	const struct pipeline_opts *o = p->opts;
	struct gate_input in;
	struct buf line = BUF_INIT;
	size_t g;

	issue_gather(set, m, o->as_of, &in);
	in.no_butler_column = profiles_have_no_butler(cfg, set);
	in.unreadable_files += sum->unlisted_files;
	if (!in.unreadable_example && sum->unlisted_files)
		in.unreadable_example = sum->unlisted_example;
	issue_check_gates(&in, cfg, job->gates);
	issue_decide(issue_at_period(pipeline_job_period(job), cfg), o->as_of,
		     job->gates, cfg,
		     o->issue, o->accept_gates, &job->decision);
	issue_input_release(&in);
	job->provisional = !job->decision.issued;
	m->provisional = job->provisional;
	m->issue_at = job->decision.issue_at;
	m->issue_forced = job->decision.forced;
	m->ngates = GATE_COUNT;
	for (g = 0; g < GATE_COUNT; g++) {
		struct metrics_gate *mg = &m->gates[g];

		buf_reset(&line);
		issue_describe_gate((enum issue_gate)g, &job->gates[g], &line);
		snprintf(job->gate_text[g], sizeof(job->gate_text[g]), "%s",
			 line.s);
		mg->name = issue_gate_name[g];
		mg->tripped = job->gates[g].tripped;
		mg->accepted = job->gates[g].accepted;
		mg->value = job->gates[g].value;
		mg->limit = job->gates[g].limit;
		mg->message = job->gate_text[g];
		buf_reset(&line);
		issue_describe_gate_zh((enum issue_gate)g, &job->gates[g],
				       &line);
		snprintf(job->gate_text_zh[g], sizeof(job->gate_text_zh[g]),
			 "%s", line.s);
		/* Only the pages' lines: a gate that passed shows nowhere. */
		mg->message_zh = mg->tripped ? job->gate_text_zh[g] : NULL;
	}
	m->blocked = job->decision.blocked;
	buf_release(&line);
}

/* Whether a ticket of set was completed within period. */
static bool period_has_data(const struct ticket_set *set, struct period period)
{
	int64_t start = period_start(period), end = period_end(period);
	size_t i;

	for (i = 0; i < set->ntickets; i++) {
		int64_t t = set->tickets[i].completed_at;

		if (t != TIME_NONE && t >= start && t < end)
			return true;
	}
	return false;
}

/*
 * One line on stderr, whatever --quiet says, for a week a gate keeps
 * provisional: cron mails it, the exit status is 65.
 */
static void say_blocked(const struct pipeline *p, const struct week_job *job,
			const char *week)
{
	struct buf line = BUF_INIT;
	size_t g, n = 0;

	buf_addf(&line, "%s not issued, kept provisional: ", week);
	for (g = 0; g < GATE_COUNT; g++) {
		if (!job->gates[g].tripped || job->gates[g].accepted)
			continue;
		buf_addf(&line, "%sgate %s", n++ ? "; " : "",
			 job->gate_text[g]);
	}
	buf_adds(&line, " (fix the input, or --accept-gates)");
	say_level(p, DIAG_ERROR, "gate", "%s", line.s);
	buf_release(&line);
}

/* The revision of an issued week's metrics.json (1 when it has none). */
static unsigned issued_revision(const char *output, const char *week)
{
	struct buf dir = BUF_INIT;
	cJSON *j;
	const cJSON *v;
	unsigned rev = 1;

	buf_addf(&dir, "%s/%s/%s", output, weekdir_folder_of(week), week);
	j = read_json(dir.s, "metrics.json");
	v = cJSON_GetObjectItemCaseSensitive(j, "revision");
	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 1e6)
		rev = (unsigned)v->valuedouble;
	cJSON_Delete(j);
	buf_release(&dir);
	return rev;
}

/* The figures a reader compares between an issue and now. */
#define NFIGURES 8
static const char *const figure_keys[NFIGURES] = {
	"eligible", "called_back", "rated", "satisfied", "dissatisfied",
	"loops_closed", "timely", "unreachable"
};
/* Their names on the reports' pages. */
static const char *const figure_labels[NFIGURES] = {
	"应回访", "已回访", "已评价", "满意", "不满意", "已闭环", "及时回访",
	"无法联系"
};

static void figures(const cJSON *totals, double out[NFIGURES])
{
	size_t i;

	for (i = 0; i < NFIGURES; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(
			totals, figure_keys[i]);

		out[i] = cJSON_IsNumber(v) ? v->valuedouble : -1;
	}
}

/*
 * An issued week is kept; when its figures at this as-of differ from the
 * issued ones, a warning says how, and how to make a revision (§9.27).
 */
/*
 * The totals of m that differ from the issued metrics.json of week, into
 * changes[NFIGURES]; returns how many. An unreadable issue compares as
 * nothing changed.
 */
static size_t changed_figures(const struct pipeline *p, const char *week,
			      const struct metrics *m,
			      struct metrics_change *changes)
{
	struct buf dir = BUF_INIT;
	const struct group_stats *s = &m->totals;
	const double now[NFIGURES] = {
		(double)s->eligible, (double)s->called_back, (double)s->rated,
		(double)s->satisfied, (double)s->dissatisfied,
		(double)s->loops_closed, (double)s->timely,
		(double)s->unreachable
	};
	double was[NFIGURES];
	cJSON *j;
	size_t i, n = 0;

	buf_addf(&dir, "%s/%s/%s", p->opts->output, weekdir_folder_of(week),
		 week);
	j = read_json(dir.s, "metrics.json");
	figures(cJSON_GetObjectItemCaseSensitive(j, "totals"), was);
	for (i = 0; j && i < NFIGURES; i++)
		if (was[i] != now[i]) {
			changes[n].figure = figure_keys[i];
			changes[n].label = figure_labels[i];
			changes[n].was = was[i];
			changes[n].now = now[i];
			n++;
		}
	cJSON_Delete(j);
	buf_release(&dir);
	return n;
}

static void warn_if_changed(const struct pipeline *p, const char *week,
			    const struct metrics *m, struct week_job *job)
{
	struct buf how = BUF_INIT;
	struct metrics_change changes[NFIGURES];
	size_t i, n = changed_figures(p, week, m, changes);

	for (i = 0; i < n; i++)
		buf_addf(&how, "%s%s %.0f -> %.0f", how.len ? ", " : "",
			 changes[i].figure, changes[i].was, changes[i].now);
	if (how.len) {
		job->changed = true;
		say_level(p, DIAG_WARNING, "changed_since_issue", "%s was "
			  "issued with other figures than it has at this as-of "
			  "(%s); the issue is kept ('huifang run --week %s "
			  "--force --reason TEXT' makes a revision)", week,
			  how.s, week);
	}
	buf_release(&how);
}

/* Hard-links (or copies) the regular file from into to. */
static int keep_file(const char *from, const char *to, struct buf *err)
{
	struct buf data = BUF_INIT;
	FILE *f;
	int ret = -1;

	if (link(from, to) == 0)
		return 0;
	f = fopen(from, "rb");
	if (!f || buf_read_stream(&data, f) < 0) {
		buf_addf(err, "%s: %s", from, strerror(errno));
		goto out;
	}
	if (outfile_write_all(to, data.s, data.len, err) < 0)
		goto out;
	ret = 0;
out:
	if (f)
		fclose(f);
	buf_release(&data);
	return ret;
}

/*
 * Keeps the revision history of a week being reissued: the staged folder
 * gets revisions/ with every earlier revision (vN/ folders carried from
 * the published week) and vprev/ with the PDFs, CSVs and metrics.json of
 * the issue now being replaced. Symlinks and anything but regular files
 * are left behind.
 */
static int keep_revisions(const struct weekdir *wd, unsigned prev,
			  struct buf *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT, sub = BUF_INIT;
	struct dirent *e, *e2;
	DIR *dp = NULL, *dp2;
	struct stat st;
	int ret = -1;

	buf_addf(&to, "%s/revisions", wd->stage_path);
	if (mkdir(to.s, 0777) < 0 && errno != EEXIST) {
		buf_addf(err, "%s: %s", to.s, strerror(errno));
		goto out;
	}
	/* The earlier revisions, as they are. */
	buf_addf(&from, "%s/revisions", wd->final_path);
	dp = opendir(from.s);
	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] != 'v')
			continue;
		buf_reset(&sub);
		buf_addf(&sub, "%s/%s", from.s, e->d_name);
		if (lstat(sub.s, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		buf_reset(&to);
		buf_addf(&to, "%s/revisions/%s", wd->stage_path, e->d_name);
		if (mkdir(to.s, 0777) < 0 && errno != EEXIST) {
			buf_addf(err, "%s: %s", to.s, strerror(errno));
			goto out;
		}
		dp2 = opendir(sub.s);
		while (dp2 && (e2 = readdir(dp2))) {
			struct buf a = BUF_INIT, b = BUF_INIT;
			int r = 0;

			buf_addf(&a, "%s/%s", sub.s, e2->d_name);
			buf_addf(&b, "%s/%s", to.s, e2->d_name);
			if (e2->d_name[0] != '.' && lstat(a.s, &st) == 0 &&
			    S_ISREG(st.st_mode))
				r = keep_file(a.s, b.s, err);
			buf_release(&a);
			buf_release(&b);
			if (r < 0) {
				closedir(dp2);
				goto out;
			}
		}
		if (dp2)
			closedir(dp2);
	}
	if (dp)
		closedir(dp);
	dp = NULL;
	/* The issue being replaced. */
	buf_reset(&to);
	buf_addf(&to, "%s/revisions/v%u", wd->stage_path, prev);
	if (mkdir(to.s, 0777) < 0 && errno != EEXIST) {
		buf_addf(err, "%s: %s", to.s, strerror(errno));
		goto out;
	}
	dp = opendir(wd->final_path);
	while (dp && (e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		struct buf a = BUF_INIT, b = BUF_INIT;
		int r = 0;
		bool kept = n > 4 && (!strcmp(e->d_name + n - 4, ".pdf") ||
				      !strcmp(e->d_name + n - 4, ".csv"));

		if (e->d_name[0] == '.' ||
		    (!kept && strcmp(e->d_name, "metrics.json")))
			continue;
		buf_addf(&a, "%s/%s", wd->final_path, e->d_name);
		buf_addf(&b, "%s/%s", to.s, e->d_name);
		if (lstat(a.s, &st) == 0 && S_ISREG(st.st_mode))
			r = keep_file(a.s, b.s, err);
		buf_release(&a);
		buf_release(&b);
		if (r < 0)
			goto out;
	}
	ret = 0;
out:
	if (dp)
		closedir(dp);
	buf_release(&from);
	buf_release(&to);
	buf_release(&sub);
	return ret;
}

/* Whether name is a quality record: an issued week's form or audit sheet. */
static bool quality_record(const char *name)
{
	return !strncmp(name, "回访记录表", strlen("回访记录表")) ||
	       !strncmp(name, "抽查表", strlen("抽查表"));
}

/* Links (or copies) the quality records of folder from into to. */
static int keep_records_of(const char *from, const char *to, struct buf *err)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *dp = opendir(from);
	int ret = 0;

	while (dp && !ret && (e = readdir(dp))) {
		if (!quality_record(e->d_name))
			continue;
		buf_reset(&a);
		buf_reset(&b);
		buf_addf(&a, "%s/%s", from, e->d_name);
		buf_addf(&b, "%s/%s", to, e->d_name);
		if (lstat(a.s, &st) == 0 && S_ISREG(st.st_mode))
			ret = keep_file(a.s, b.s, err);
	}
	if (dp)
		closedir(dp);
	buf_release(&a);
	buf_release(&b);
	return ret;
}

int pipeline_keep_quality_records(const char *output, unsigned keep,
				  struct string_list *kept, struct buf *err)
{
	struct string_list weeks = { NULL, 0, 0 };
	struct buf parent = BUF_INIT, from = BUF_INIT, to = BUF_INIT;
	struct weekdir sd;
	struct dirent *e;
	struct stat st;
	size_t i;
	int ret = -1;

	if (retention_list_weeks(output, &weeks, err) < 0)
		goto out;
	buf_addf(&parent, "%s/quality-records", output);
	for (i = 0; keep && i + keep < weeks.nr; i++) {
		const char *week = weeks.items[i];
		DIR *dp;
		int r;

		if (!weekdir_is_issued(output, week))
			continue;
		if (stagedir_begin(&sd, parent.s, week, err) < 0)
			goto out;
		buf_reset(&from);
		buf_addf(&from, "%s/weeks/%s", output, week);
		r = keep_records_of(from.s, sd.stage_path, err);
		/* Each revision's records, under revisions/vN/ as in the week. */
		buf_addf(&from, "/revisions");
		dp = opendir(from.s);
		while (dp && !r && (e = readdir(dp))) {
			struct buf sub = BUF_INIT;

			buf_addf(&sub, "%s/%s", from.s, e->d_name);
			if (e->d_name[0] == 'v' && lstat(sub.s, &st) == 0 &&
			    S_ISDIR(st.st_mode)) {
				buf_reset(&to);
				buf_addf(&to, "%s/revisions", sd.stage_path);
				if (mkdir(to.s, 0777) < 0 && errno != EEXIST)
					r = -1;
				buf_addf(&to, "/%s", e->d_name);
				if (!r && mkdir(to.s, 0777) < 0 && errno != EEXIST)
					r = -1;
				if (r)
					buf_addf(err, "%s: %s", to.s,
						 strerror(errno));
				else
					r = keep_records_of(sub.s, to.s, err);
			}
			buf_release(&sub);
		}
		if (dp)
			closedir(dp);
		if (r) {
			weekdir_abort(&sd);
			goto out;
		}
		if (weekdir_publish(&sd, err) < 0)
			goto out;
		if (kept)
			string_list_add(kept, week);
	}
	ret = 0;
out:
	string_list_clear(&weeks);
	buf_release(&parent);
	buf_release(&from);
	buf_release(&to);
	return ret;
}

/*
 * When the week of m was first issued, as its folder records it: the
 * as-of of its first revision's metrics.json (revisions/v1/ once it was
 * reissued, else the issued metrics.json), or this run's as-of when this
 * run issues it. TIME_NONE when the week is not issued: the audits' due
 * time then falls back to the config's issue_at (docs/audit.md).
 */
static int64_t recorded_issue_time(const char *output, const struct metrics *m)
{
	static const char *const where[] = { "revisions/v1/metrics.json",
					     "metrics.json" };
	struct buf dir = BUF_INIT;
	char week[16];
	int64_t at = TIME_NONE;
	size_t i;

	if (!m->revision)
		return TIME_NONE;
	chtime_format_week(m->week, week);
	for (i = 0; i < 2 && at == TIME_NONE; i++) {
		cJSON *j;
		const cJSON *v;
		const char *text;

		if (i == 1 && !weekdir_is_issued(output, week))
			break;
		buf_reset(&dir);
		buf_addf(&dir, "%s/weeks/%s", output, week);
		j = read_json(dir.s, where[i]);
		v = cJSON_GetObjectItemCaseSensitive(j, "as_of");
		text = cJSON_IsString(v) ? v->valuestring : NULL;
		if (text && chtime_parse(text, strlen(text), &at) < 0)
			at = TIME_NONE;
		cJSON_Delete(j);
	}
	buf_release(&dir);
	return at == TIME_NONE ? m->as_of : at;
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
		audit_results_json(&w, js, all, nall, m->week, o->as_of,
				   recorded_issue_time(o->output, m), cfg);
		audit_problems_json(&w, js, all, nall, m->week, o->as_of);
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
	bool issued_before;
	int64_t as_of = o->as_of;
	struct period period = pipeline_job_period(job);
	/* A month or quarter: no samples, no audit sheets (SPEC §9.30). */
	bool is_week = period.kind == PERIOD_WEEK;
	/*
	 * A run asks for every step (a new revision of an issued period), a
	 * stage command for some (a rewrite of the current revision); taken
	 * before a month's or quarter's sample step is dropped below.
	 */
	bool every_step = steps == STEP_ALL;
	char week[PERIOD_ID_SIZE];
	double t0;
	size_t i;
	int ret = EX_SOFTWARE;

	pipeline_job_id(job, week);
	if (!is_week)
		steps &= ~(unsigned)STEP_SAMPLE;
	/* --quiet keeps errors: a failed PDF must still say why. */
	diag_to_sink(&d, p, PIPELINE_STAGE);
	metrics_init(&m);
	sample_init(&s);

	if (job->if_data && set && !period_has_data(set, period)) {
		job->status = WEEK_NO_DATA;
		ret = 0;
		goto out;
	}
	issued_before = weekdir_is_issued(o->output, week);
	if (!job->force && issued_before) {
		/* Never reissued (§9.27); but say when it would now differ. */
		if (set && metrics_compute_period(set, cfg, period, o->as_of,
						  NULL, 0, &m, &d) == 0)
			warn_if_changed(p, week, &m, job);
		job->status = WEEK_KEPT;
		ret = 0;
		goto out;
	}

	if (computed) {
		struct trend_point issued[TREND_MAX];
		size_t nissued = read_issued_trend(o->output, period, issued);

		t0 = pipeline_clock();
		if (metrics_compute_period(set, cfg, period, o->as_of,
					   issued, nissued, &m, &d) < 0)
			goto out;
		decide_issue(p, cfg, set, &m, sum, job);
		if (job->decision.blocked)
			say_blocked(p, job, week);
		if (issued_before && job->provisional) {
			/* A blocked revision leaves the issued week alone. */
			job->status = WEEK_BLOCKED;
			ret = 0;
			goto out;
		}
		/*
		 * A run's --force on an issued week makes a new revision; a
		 * stage command rewrites its step of the current one.
		 */
		if (!job->provisional && every_step) {
			job->revision = issued_before ?
				issued_revision(o->output, week) + 1 : 1;
			if (issued_before && !o->reason)
				say_level(p, DIAG_WARNING, NULL, "%s: a revision "
					  "without --reason; the report says so",
					  week);
			if (issued_before) {
				m.revision_reason = o->reason ? o->reason :
						    "(no --reason given)";
				/* What the revision changes (issue 16). */
				m.nrevision_changes = changed_figures(p, week,
					&m, m.revision_changes);
			}
		} else if (!job->provisional) {
			job->revision = issued_revision(o->output, week);
		}
		m.revision = job->revision;
		if (job->decision.forced)
			say_level(p, DIAG_WARNING, NULL, "%s issued before its "
				  "issue_at by --issue; the report says so",
				  week);
		metrics_write_json(&m, set, cfg, &metrics_json);
		callbacks_view_write_json(&m, set, cfg, &records_json);
		sum->times.metrics += pipeline_clock() - t0;
		/*
		 * The samples depend on earlier weeks' findings (fake_followup)
		 * and metrics.json reports this week's audits: both steps
		 * draw, so that metrics then sample writes what a run writes.
		 */
		t0 = pipeline_clock();
		if (is_week) {
			ret = pipeline_draw_samples(p, &m, set, &s,
						    &samples_json,
						    &metrics_json, &d);
			if (ret)
				goto out;
			sample_write_sheets_json(&s, &m, cfg, &sheets_json);
		}
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
	if (!every_step && weekdir_carry_over(&wd, &err) < 0) {
		say(p, "cannot carry %s over: %s\n", week,
			err.s);
		goto out;
	}
	if (computed && drop_staged(p, &wd, WEEKDIR_ISSUED_MARK) < 0)
		goto out;
	/* A revision keeps the issue it replaces (v1, v2 ...). */
	if (every_step && issued_before && !job->provisional &&
	    keep_revisions(&wd, job->revision - 1, &err) < 0) {
		say(p, "cannot keep the earlier revision of %s: %s", week,
		    err.s);
		goto out;
	}
	/* A period's PDFs read no callback records: it has no record forms. */
	if ((steps & STEP_METRICS) &&
	    (write_file(p, wd.stage_path, "metrics.json", &metrics_json) < 0 ||
	     (is_week && write_file(p, wd.stage_path, "records.json",
				    &records_json) < 0)))
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
			js = is_week ? parse_buf(&samples_json) : NULL;
			jr = is_week ? parse_buf(&records_json) : NULL;
			ja = is_week ? parse_buf(&sheets_json) : NULL;
			if (!jm || (is_week && (!js || !jr))) {
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
		    render_audit_sheets(ja, cfg, templates, wd.stage_path,
					&d) < 0 ||
		    (is_week &&
		     render_xlsx_week(&view, cfg, wd.stage_path, &d) < 0)) {
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
	job->status = job->decision.blocked ? WEEK_BLOCKED :
		      job->force && issued_before ? WEEK_REISSUED : WEEK_ISSUED;
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

int pipeline_list_periods(const char *output, const char *folder,
			  struct string_list *names)
{
	struct buf dir = BUF_INIT;
	struct dirent *e;
	const char *f;
	DIR *dp;

	buf_addf(&dir, "%s/%s", output, folder);
	dp = opendir(dir.s);
	buf_release(&dir);
	if (!dp)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dp)))
		if ((f = weekdir_folder_of(e->d_name)) && !strcmp(f, folder))
			string_list_add(names, e->d_name);
	closedir(dp);
	if (names->nr)
		qsort(names->items, names->nr, sizeof(char *), cmp_names);
	return 0;
}

/*
 * Whether the site publishes a file of a period's folder (docs/site.md):
 * its PDFs, CSVs and workbooks, never an audit output (抽查表-*: the full
 * phone) nor anything hidden, temporary or original (rejects.original).
 */
static bool site_publishes(const char *name)
{
	static const char audit_prefix[] = "抽查表";
	const char *dot = strrchr(name, '.');

	if (name[0] == '.' || !dot || strstr(name, ".original") ||
	    !strncmp(name, audit_prefix, sizeof(audit_prefix) - 1))
		return false;
	return !strcmp(dot, ".pdf") || !strcmp(dot, ".csv") ||
	       !strcmp(dot, ".xlsx");
}

/* The files of dir the site publishes, sorted, into files. */
static int list_published(const char *dir, struct string_list *files)
{
	struct dirent *e;
	struct stat st;
	DIR *dp = opendir(dir);
	int dfd;

	if (!dp)
		return -1;
	dfd = dirfd(dp);
	while ((e = readdir(dp)))
		if (site_publishes(e->d_name) &&
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			string_list_add(files, e->d_name);
	closedir(dp);
	if (files->nr)
		qsort(files->items, files->nr, sizeof(char *), cmp_names);
	return 0;
}

/* An earlier revision's metrics.json and published files, for the site. */
struct site_entry_revision {
	unsigned number;
	cJSON *metrics;
	struct string_list files;
};

/* One week's or period's view and what it owns, for the site. */
struct site_entry {
	cJSON *metrics, *samples, *records;
	struct string_list files;
	struct site_entry_revision *revisions;  /* newest first */
	struct site_revision *revision_views;   /* views of the above */
	size_t nrevisions;
	const char *folder;     /* "weeks" or "periods" */
	const char *name;
};

static void site_entry_release(struct site_entry *e)
{
	size_t i;

	cJSON_Delete(e->metrics);
	cJSON_Delete(e->samples);
	cJSON_Delete(e->records);
	string_list_clear(&e->files);
	for (i = 0; i < e->nrevisions; i++) {
		cJSON_Delete(e->revisions[i].metrics);
		string_list_clear(&e->revisions[i].files);
	}
	free(e->revisions);
	free(e->revision_views);
}

/* The N of a revision folder's name "vN" (N from 1, no leading 0), or 0. */
static unsigned revision_number(const char *name)
{
	unsigned long n = 0;
	const char *c;

	if (name[0] != 'v' || name[1] < '1' || name[1] > '9')
		return 0;
	for (c = name + 1; *c; c++) {
		if (*c < '0' || *c > '9' || n > 99999)
			return 0;
		n = n * 10 + (unsigned long)(*c - '0');
	}
	return (unsigned)n;
}

static int cmp_revisions_newest_first(const void *a, const void *b)
{
	unsigned x = ((const struct site_entry_revision *)a)->number;
	unsigned y = ((const struct site_entry_revision *)b)->number;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Reads the earlier revisions kept in dir/revisions/vN/ (keep_revisions())
 * into e, newest first: each one's metrics.json and the files the site
 * publishes. Anything but a folder named vN is left out; a week never
 * reissued has none.
 */
static void read_site_revisions(const char *dir, struct site_entry *e)
{
	struct buf path = BUF_INIT;
	struct dirent *de;
	struct stat st;
	size_t i, alloc = 0;
	DIR *dp;

	buf_addf(&path, "%s/revisions", dir);
	dp = opendir(path.s);
	while (dp && (de = readdir(dp))) {
		unsigned number = revision_number(de->d_name);
		struct site_entry_revision *r;

		if (!number || fstatat(dirfd(dp), de->d_name, &st,
				       AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		ALLOC_GROW(e->revisions, e->nrevisions + 1, alloc);
		r = &e->revisions[e->nrevisions++];
		memset(r, 0, sizeof(*r));
		r->number = number;
		buf_reset(&path);
		buf_addf(&path, "%s/revisions/%s", dir, de->d_name);
		r->metrics = read_json(path.s, "metrics.json");
		(void)list_published(path.s, &r->files);
	}
	if (dp)
		closedir(dp);
	buf_release(&path);
	if (!e->nrevisions)
		return;
	qsort(e->revisions, e->nrevisions, sizeof(*e->revisions),
	      cmp_revisions_newest_first);
	e->revision_views = xcalloc(e->nrevisions, sizeof(*e->revision_views));
	for (i = 0; i < e->nrevisions; i++) {
		e->revision_views[i].number = e->revisions[i].number;
		e->revision_views[i].metrics = e->revisions[i].metrics;
		e->revision_views[i].files =
			(const char *const *)e->revisions[i].files.items;
		e->revision_views[i].nfiles = e->revisions[i].files.nr;
	}
}

/*
 * Reads the published periods of folder, newest first, into entries (at
 * *n on) and views, the newest keep of them (0: all); a folder without a
 * readable metrics.json is left out.
 */
static void read_site_entries(const char *output, const char *folder,
			      const struct string_list *names, unsigned keep,
			      struct site_entry *entries,
			      struct site_period *views, size_t *n)
{
	struct buf dir = BUF_INIT;
	size_t i, first = *n;

	for (i = names->nr; i-- > 0;) {
		struct site_entry *e = &entries[*n];

		if (keep && *n - first == keep)
			break;
		buf_reset(&dir);
		buf_addf(&dir, "%s/%s/%s", output, folder, names->items[i]);
		memset(e, 0, sizeof(*e));
		e->metrics = read_json(dir.s, "metrics.json");
		if (!e->metrics)
			continue;
		e->samples = read_json(dir.s, "samples.json");
		e->records = read_json(dir.s, "records.json");
		e->folder = folder;
		e->name = names->items[i];
		(void)list_published(dir.s, &e->files);
		read_site_revisions(dir.s, e);
		memset(&views[*n], 0, sizeof(views[*n]));
		views[*n].view.metrics = e->metrics;
		views[*n].view.samples = e->samples;
		views[*n].view.records = e->records;
		views[*n].files = (const char *const *)e->files.items;
		views[*n].nfiles = e->files.nr;
		views[*n].revisions = e->revision_views;
		views[*n].nrevisions = e->nrevisions;
		(*n)++;
	}
	buf_release(&dir);
}

/*
 * Copies (hard-links) the named files of output/rel into site/rel, which
 * it makes when missing (folder.h: no symlink followed below the output).
 */
static int copy_files(const char *output, const char *site, const char *rel,
		      const struct string_list *files, struct buf *err)
{
	struct buf from = BUF_INIT, to = BUF_INIT;
	size_t k;
	int fd, ret = -1;

	buf_addf(&to, "%s/%s", site, rel);
	if ((fd = folder_open(to.s, true, err)) < 0)
		goto out;
	close(fd);
	for (k = 0; k < files->nr; k++) {
		buf_reset(&from);
		buf_reset(&to);
		buf_addf(&from, "%s/%s/%s", output, rel, files->items[k]);
		buf_addf(&to, "%s/%s/%s", site, rel, files->items[k]);
		if (keep_file(from.s, to.s, err) < 0)
			goto out;
	}
	ret = 0;
out:
	buf_release(&from);
	buf_release(&to);
	return ret;
}

/*
 * Copies (hard-links) each entry's published files beside its page in
 * the staged site, and each earlier revision's to revisions/vN/ there,
 * so that the site folder is whole by itself.
 */
static int copy_site_files(const char *output, const char *site,
			   const struct site_entry *entries, size_t n,
			   struct buf *err)
{
	struct buf rel = BUF_INIT;
	size_t i, k;
	int ret = -1;

	for (i = 0; i < n; i++) {
		const struct site_entry *e = &entries[i];

		buf_reset(&rel);
		buf_addf(&rel, "%s/%s", e->folder, e->name);
		if (copy_files(output, site, rel.s, &e->files, err) < 0)
			goto out;
		for (k = 0; k < e->nrevisions; k++) {
			buf_reset(&rel);
			buf_addf(&rel, "%s/%s/revisions/v%u", e->folder,
				 e->name, e->revisions[k].number);
			if (copy_files(output, site, rel.s,
				       &e->revisions[k].files, err) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	buf_release(&rel);
	return ret;
}

/*
 * The site covers every published week under output/weeks and month and
 * quarter under output/periods, newest first, with their published
 * files beside their pages, and is published whole like a week folder.
 */
static int render_site(const struct pipeline *p, const struct config *cfg,
		       const char *templates)
{
	const struct pipeline_opts *o = p->opts;
	struct string_list weeks = { NULL, 0, 0 }, periods = { NULL, 0, 0 };
	struct site_entry *entries = NULL;
	struct site_period *views = NULL;
	struct week_view *week_views = NULL;
	cJSON *lists = NULL;
	struct buf wdir = BUF_INIT, err = BUF_INIT;
	struct weekdir sd;
	bool staged = false;
	struct diag d;
	size_t i, nweeks = 0, n = 0;
	int ret = EX_CANTCREAT;

	diag_to_sink(&d, p, PIPELINE_STAGE);
	if (pipeline_list_periods(o->output, "weeks", &weeks) < 0 ||
	    pipeline_list_periods(o->output, "periods", &periods) < 0) {
		say(p, "cannot read %s/weeks or %s/periods: %s\n",
			o->output, o->output, strerror(errno));
		goto out;
	}
	entries = xcalloc(weeks.nr + periods.nr + 1, sizeof(*entries));
	views = xcalloc(weeks.nr + periods.nr + 1, sizeof(*views));
	/* The site's own retention: the newest weeks only (issue 16). */
	read_site_entries(o->output, "weeks", &weeks, cfg->site_retention_weeks,
			  entries, views, &n);
	nweeks = n;
	read_site_entries(o->output, "periods", &periods, 0, entries, views,
			  &n);
	if (stagedir_begin(&sd, o->output, "site", &err) < 0) {
		say(p, "cannot write %s\n", err.s);
		goto out;
	}
	staged = true;
	if (render_html_site_periods(views, nweeks, views + nweeks, n - nweeks,
				     cfg, templates, sd.stage_path, &d) < 0)
		goto out;
	if (copy_site_files(o->output, sd.stage_path, entries, n, &err) < 0) {
		say(p, "cannot copy a report into the site: %s\n", err.s);
		goto out;
	}
	/* The live worklists, as the last run wrote them (issue 16). */
	buf_reset(&wdir);
	buf_addf(&wdir, "%s/worklists", o->output);
	lists = read_json(wdir.s, "worklists.json");
	week_views = xcalloc(nweeks + 1, sizeof(*week_views));
	for (i = 0; i < nweeks; i++)
		week_views[i] = views[i].view;
	if (nweeks && render_html_worklists(lists, week_views, nweeks, cfg,
					    templates, sd.stage_path, &d) < 0)
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
	for (i = 0; entries && i < n; i++)
		site_entry_release(&entries[i]);
	free(entries);
	free(week_views);
	cJSON_Delete(lists);
	free(views);
	string_list_clear(&weeks);
	string_list_clear(&periods);
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
	case WEEK_BLOCKED:
		return "blocked";
	case WEEK_NO_DATA:
		return "no_data";
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
	char as_of[CHTIME_BUF], week[PERIOD_ID_SIZE], cfg_digest[65];
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
		const struct week_job *j = &jobs[i];
		size_t g;

		pipeline_job_id(j, week);
		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "week", week);
		jsonw_bool(&w, "provisional", j->provisional);
		jsonw_str(&w, "status", pipeline_week_status(j));
		/* SPEC §9.28: the gates, by name, value and limit. */
		if (j->decision.issue_at) {
			jsonw_time(&w, "issue_at", j->decision.issue_at);
			jsonw_bool(&w, "due", j->decision.due);
			jsonw_bool(&w, "forced", j->decision.forced);
			jsonw_bool(&w, "blocked", j->decision.blocked);
			jsonw_uint(&w, "revision", j->revision);
			jsonw_bool(&w, "changed_since_issue", j->changed);
			jsonw_open(&w, "gates_tripped", '[', JSONW_INLINE);
			for (g = 0; g < GATE_COUNT; g++) {
				if (!j->gates[g].tripped)
					continue;
				jsonw_open(&w, NULL, '{', JSONW_INLINE);
				jsonw_str(&w, "name", issue_gate_name[g]);
				jsonw_bool(&w, "accepted", j->gates[g].accepted);
				if (isfinite(j->gates[g].value))
					jsonw_double(&w, "value",
						     j->gates[g].value);
				else
					jsonw_null(&w, "value");
				jsonw_double(&w, "limit", j->gates[g].limit);
				jsonw_str(&w, "message", j->gate_text[g]);
				jsonw_close(&w);
			}
			jsonw_close(&w);
		}
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
	if (p->hooks.run_json)
		p->hooks.run_json(&w, p->hooks.arg);
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
		say(p, "no *.csv, *.json, *.jsonl, *.xlsx or *.xls exports "
		    "in %s", path);
	for (i = 0; i < n; i++) {
		string_list_add(paths, found[i]);
		free(found[i]);
	}
	free(found);
	return n ? 0 : -1;
}

/*
 * Regular files of the input folder that ingest did not list: not hidden
 * (".name"), not an Excel lock file ("~$name"), and not among set's
 * files. They are not read, so the unreadable_files gate counts them.
 */
static void count_unlisted(const char *dir, struct ticket_set *set,
			   struct run_summary *sum)
{
	struct string_list names = { NULL, 0, 0 };
	struct buf path = BUF_INIT;
	struct dirent *e;
	struct stat st;
	DIR *dp;
	size_t i;

	sum->unlisted_files = 0;
	sum->unlisted_example[0] = '\0';
	dp = opendir(dir);
	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "~$", 2))
			continue;
		/* A workbook is listed once per sheet: "book.xlsx[Sheet1]". */
		for (i = 0; i < set->nfiles; i++) {
			const char *n = set->files[i].name;
			size_t len = strlen(e->d_name);

			if (!strncmp(n, e->d_name, len) &&
			    (!n[len] || n[len] == '['))
				break;
		}
		if (i < set->nfiles)
			continue;
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, e->d_name);
		if (stat(path.s, &st) == 0 && S_ISREG(st.st_mode))
			string_list_add(&names, e->d_name);
	}
	if (dp)
		closedir(dp);
	/* The first by name, so that the message is the same every run. */
	if (names.nr) {
		qsort(names.items, names.nr, sizeof(char *), cmp_names);
		snprintf(sum->unlisted_example, sizeof(sum->unlisted_example),
			 "%s", names.items[0]);
	}
	sum->unlisted_files = names.nr;
	/* Kept in records/ for the stage commands' gates. */
	set->unlisted_files = names.nr;
	set->unlisted_example = names.nr ?
		arena_strdup(&set->arena, sum->unlisted_example) : NULL;
	string_list_clear(&names);
	buf_release(&path);
}

/*
 * The live worklists (stages/worklist.h), written every run whatever the
 * weeks, into <output>/worklists/, published whole like a week folder:
 * the butlers' own lists (CSVs, a workbook per centre; masked by role,
 * with the audit mode when they show a phone), the summary, and the
 * site's masked view worklists.json, which render_site() reads.
 */
static int write_worklists(const struct pipeline *p, const struct config *cfg,
			   const struct ticket_set *set)
{
	const struct pipeline_opts *o = p->opts;
	static const char *const names[WORKLIST_KINDS] = {
		"待回访.csv", "未闭环.csv", "无法联系.csv"
	};
	unsigned mode = worklist_shows_personal_data(cfg) ?
			cfg->audit_file_mode : 0666;
	struct worklist wl;
	struct weekdir sd;
	struct diag d;
	struct buf b = BUF_INIT, err = BUF_INIT;
	int k, ret = EX_CANTCREAT;

	diag_to_sink(&d, p, PIPELINE_STAGE);
	worklist_compute(set, cfg, o->as_of, &wl);
	if (stagedir_begin(&sd, o->output, "worklists", &err) < 0) {
		say(p, "cannot write %s", err.s);
		goto out;
	}
	for (k = 0; k < WORKLIST_KINDS; k++) {
		buf_reset(&b);
		worklist_write_csv(&wl, (enum worklist_kind)k,
				   WORKLIST_FOR_BUTLER, cfg, &b);
		if (write_file_mode(p, sd.stage_path, names[k], &b, mode) < 0) {
			weekdir_abort(&sd);
			goto out;
		}
	}
	buf_reset(&b);
	worklist_write_summary_csv(&wl, &b);
	if (write_file(p, sd.stage_path, "汇总.csv", &b) < 0) {
		weekdir_abort(&sd);
		goto out;
	}
	buf_reset(&b);
	worklist_write_json(&wl, cfg, &b);
	if (write_file(p, sd.stage_path, "worklists.json", &b) < 0 ||
	    render_xlsx_worklists(&wl, cfg, sd.stage_path, &d) < 0) {
		weekdir_abort(&sd);
		goto out;
	}
	if (weekdir_publish(&sd, &err) < 0) {
		say(p, "cannot publish %s", err.s);
		goto out;
	}
	ret = 0;
out:
	worklist_release(&wl);
	diag_release(&d);
	buf_release(&b);
	buf_release(&err);
	return ret;
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
		if (ingest_read_files((const char *const *)files.items,
				      files.nr, &io, cfg, set, &d) < 0)
			goto out;
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
		/*
		 * A FIFO or a device is skipped and named, not opened. (A
		 * sheet's path names it, "book.xlsx[Sheet1]": open the file.)
		 */
		fd = text_open_regular(set->files[i].disk_path ?
				       set->files[i].disk_path :
				       set->files[i].path, &why);
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
	if (!paths)
		count_unlisted(o->input, set, sum);
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

/*
 * What a rendering run holds from its start to its end: the ingested set,
 * the templates' folder and the output folder's lock.
 */
struct run_state {
	struct ticket_set set;
	char *templates;
	struct lock lk;
	double start;
};

/*
 * The prologue of pipeline_run() and pipeline_backfill(): find the
 * templates, take the lock (begin_output()), then read the exports
 * (ingest_step() with flags; the progress hook first hears of the ingest
 * when steps, the run's count of steps, is not 0). 0 or a sysexits code;
 * run_close() releases rs either way.
 */
static int run_open(const struct pipeline *p, unsigned flags, unsigned steps,
		    struct run_state *rs, struct run_summary *sum)
{
	int ret;

	memset(sum, 0, sizeof(*sum));
	memset(rs, 0, sizeof(*rs));
	rs->start = pipeline_clock();
	rs->lk.fd = -1;
	ticket_set_init(&rs->set);
	ret = begin_output(p, p->cfg, true, &rs->lk, &rs->templates);
	if (ret)
		return ret;
	if (steps)
		progress(p, "ingest", 0, steps);
	return ingest_step(p, NULL, 0, flags, &rs->set, sum);
}

static void run_close(struct run_state *rs)
{
	ticket_set_release(&rs->set);
	free(rs->templates);
	rs->templates = NULL;
	lock_release(&rs->lk);
}

int pipeline_run(const struct pipeline *p, struct week_job *jobs,
		 size_t njobs, struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct run_state rs;
	double t0;
	size_t i;
	int ret, r;

	ret = run_open(p, PIPELINE_WRITE | PIPELINE_NEED_EXPORT,
		       (unsigned)njobs + 2, &rs, sum);
	if (ret)
		goto out;
	if (p->hooks.plan) {
		ret = p->hooks.plan(p, &rs.set, &jobs, &njobs, p->hooks.arg);
		if (ret)
			goto out;
	}

	for (i = 0; i < njobs; i++) {
		progress(p, "weeks", (unsigned)i + 1, (unsigned)njobs + 2);
		r = week_write(p, cfg, &rs.set, rs.templates, STEP_ALL,
			       &jobs[i], sum);
		if (r && !ret)
			ret = r;
	}
	/* Every night, whatever the weeks (issue 16). */
	r = write_worklists(p, cfg, &rs.set);
	if (r && !ret)
		ret = r;
	if (p->hooks.after_weeks) {
		r = p->hooks.after_weeks(p, p->hooks.arg);
		if (r && !ret)
			ret = r;
	}
	progress(p, "site", (unsigned)njobs + 1, (unsigned)njobs + 2);
	t0 = pipeline_clock();
	r = render_site(p, cfg, rs.templates);
	sum->times.render_html += pipeline_clock() - t0;
	if (r && !ret)
		ret = r;
	if (p->hooks.after_site) {
		r = p->hooks.after_site(p, &rs.set, p->hooks.arg);
		if (r && !ret)
			ret = r;
	}
	sum->times.total = pipeline_clock() - rs.start;
	if (write_run_json(p, cfg, &rs.set, jobs, njobs, sum) < 0 && !ret)
		ret = EX_CANTCREAT;
	if (!ret && o->strict && rs.set.rejected)
		ret = EX_DATAERR;
	/* A due week a gate keeps provisional is a data error (§9.31). */
	for (i = 0; i < njobs && !ret; i++)
		if (jobs[i].status == WEEK_BLOCKED)
			ret = EX_DATAERR;
out:
	run_close(&rs);
	return ret;
}

/* Whether the period id is issued, or its metrics.json is at as_of. */
static bool published_current(const char *id, int64_t as_of, void *output)
{
	struct buf dir = BUF_INIT;
	const cJSON *v;
	int64_t t;
	bool current = false;
	cJSON *j;

	if (weekdir_is_issued(output, id))
		return true;
	buf_addf(&dir, "%s/%s/%s", (const char *)output, weekdir_folder_of(id),
		 id);
	j = read_json(dir.s, "metrics.json");
	v = cJSON_GetObjectItemCaseSensitive(j, "as_of");
	if (cJSON_IsString(v) &&
	    chtime_parse(v->valuestring, strlen(v->valuestring), &t) == 0)
		current = t == as_of;
	cJSON_Delete(j);
	buf_release(&dir);
	return current;
}

int pipeline_backfill(const struct pipeline *p, struct week_job **jobs_out,
		      size_t *njobs, struct run_summary *sum)
{
	const struct pipeline_opts *o = p->opts;
	const struct config *cfg = p->cfg;
	struct backfill_item *items = NULL;
	struct week_job *jobs = NULL;
	struct run_state rs;
	double t0;
	size_t i, n = 0;
	int ret, r;

	/* The exports as a run reads them; their records are run's to write. */
	ret = run_open(p, PIPELINE_NEED_EXPORT, 0, &rs, sum);
	if (ret)
		goto out;
	n = backfill_plan(&rs.set, cfg, o->as_of, published_current,
			  (void *)o->output, &items);
	jobs = xcalloc(n ? n : 1, sizeof(*jobs));
	for (i = 0; i < n; i++) {
		/* Each period at its own as-of: what it was issued with. */
		struct pipeline_opts po = *o;
		struct pipeline pj = *p;
		struct week_job *j = &jobs[i];

		po.as_of = items[i].as_of;
		po.issue = false;
		po.reason = NULL;
		pj.opts = &po;
		j->week = period_week(items[i].period);
		if (items[i].period.kind != PERIOD_WEEK)
			j->period = items[i].period;
		j->provisional = period_end(items[i].period) > po.as_of;
		progress(p, "periods", (unsigned)i + 1, (unsigned)n + 1);
		r = week_write(&pj, cfg, &rs.set, rs.templates, STEP_ALL, j,
			       sum);
		if (r && !ret)
			ret = r;
	}
	/* Nothing rendered, nothing rewritten: a second backfill is a no-op. */
	if (n) {
		progress(p, "site", (unsigned)n + 1, (unsigned)n + 1);
		t0 = pipeline_clock();
		r = render_site(p, cfg, rs.templates);
		sum->times.render_html += pipeline_clock() - t0;
		if (r && !ret)
			ret = r;
	}
	for (i = 0; i < n && !ret; i++)
		if (jobs[i].status == WEEK_BLOCKED)
			ret = EX_DATAERR;
	sum->times.total = pipeline_clock() - rs.start;
out:
	*jobs_out = jobs;
	*njobs = n;
	free(items);
	run_close(&rs);
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
	/* What the ingest found beside the exports, for the gates. */
	sum->unlisted_files = set->unlisted_files;
	snprintf(sum->unlisted_example, sizeof(sum->unlisted_example), "%s",
		 set->unlisted_example ? set->unlisted_example : "");
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
	/* The live worklists, as a run writes them (issue 16). */
	if (!ret && (steps & STEP_METRICS))
		ret = write_worklists(p, cfg, &set);
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
	if (!ret && job->status == WEEK_BLOCKED)
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
	struct period p;

	memset(job, 0, sizeof(*job));
	if (week && period_parse(week, &p) == 0 && p.kind != PERIOD_WEEK) {
		job->period = p;
		job->week = period_week(p);
	} else if (!week || chtime_parse_week(week, &job->week) < 0) {
		job->week = chtime_default_week(as_of);
	}
	job->provisional = period_end(pipeline_job_period(job)) > as_of;
	job->force = force;
}

struct period pipeline_job_period(const struct week_job *j)
{
	return j->period.kind == PERIOD_WEEK ? period_from_week(j->week) :
	       j->period;
}

void pipeline_job_id(const struct week_job *j, char id[PERIOD_ID_SIZE])
{
	period_format(pipeline_job_period(j), id);
}

const char *pipeline_job_folder(const struct week_job *j)
{
	return j->period.kind == PERIOD_WEEK ? "weeks" : "periods";
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
		/* A command that reads the exports after run told of them. */
		if (pr->quiet_input)
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
