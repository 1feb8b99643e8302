/*
 * cmd_nightly.c - 'huifang nightly', the cron entry point.
 *
 * One night's work is one pipeline_run(), so one lock and one ingest
 * serve every week: the last complete week (issued once, then kept:
 * job.force is false), the week that contains the as-of (always
 * rewritten, marked provisional), then the months and quarters
 * (period_jobs(), each issued at its own issue_at as a week is) and,
 * before all of them, chosen by a hook from what the ingest read, every
 * earlier week with data that is not issued yet, within retention_weeks
 * (stages/pending.h; SPEC §9.27): older ones are reported in the log and
 * run.json, not rendered. With the lock still held, after the weeks and
 * before the site, a hook applies the retention, so the site never lists
 * a week that was just deleted.
 *
 * Under cron the command prints exactly one line on stdout, the summary,
 * and nothing on stderr unless something failed. Everything else the run
 * has to say (the ingest diagnostics, warnings, per-week status, counts,
 * timings, retention removals) goes to the day's log under
 * <output>/logs/ (runlog.h). The engine's capped printer is the sink,
 * as for 'run', but its lines go to the log (nightly_write()); when the
 * run failed, the first line of each message that explains the failure
 * (by its kind, level and code: not a row's reject) is printed on
 * stderr afterwards, one line each.
 *
 * Invariants: the log never receives ticket contents beyond what the
 * pipeline's own diagnostics quote; the exit code is the pipeline's
 * (SPEC §7), or 73 when only the log could not be written.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/jsonw.h"
#include "util/chtime.h"
#include "util/folder.h"
#include "cmd/cmd.h"
#include "cmd/delivery.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "ops/retention.h"
#include "ops/runlog.h"
#include "ops/weekdir.h"
#include "model/ticket.h"
#include "stages/pending.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang nightly [--input DIR] [--output DIR] [--config FILE]\n"
	"                       [--as-of 'YYYY-MM-DD HH:MM:SS'] [--encoding NAME]\n"
	"                       [--seed TEXT] [--strict] [--accept-gates] [--quiet]\n"
	"\n"
	"The cron entry point. Takes the output folder's lock, then renders the\n"
	"last complete ISO week before --as-of (default now), the week that\n"
	"contains the as-of, and every earlier week with data not yet issued\n"
	"within retention_weeks (older ones are named in the log).\n"
	"A week is issued (正式) on the first night at or after its issue_at\n"
	"(its Monday after + the longest SLA + issue.grace_hours) when the\n"
	"plausibility gates pass; until then it is provisional (暂定). An\n"
	"issued week is never rewritten: 'huifang run --week W --force\n"
	"--reason TEXT' makes a revision. Months and quarters likewise: the\n"
	"one of the as-of, and the two before it while they are provisional,\n"
	"each when the data has a ticket in it (first nights: 'huifang\n"
	"backfill'). Writes the live worklists under\n"
	"<output>/worklists/. Deletes week folders beyond the config's\n"
	"retention_weeks (never the two it just wrote), rebuilds the site, logs\n"
	"the details to <output>/logs/huifang-YYYY-MM-DD.log and prints one line:\n"
	"\n"
	"  huifang: 2026-W47 issued, 2026-W48 provisional, 7569 rows, 21 rejected, 1.9 s\n"
	"\n"
	"A month or quarter is named there only when it was issued, blocked or\n"
	"failed. Nothing else is printed unless something failed; --quiet drops the\n"
	"summary line too when nothing did.\n"
	"\n"
	"With the config's delivery section, mails each issued revision's\n"
	"weekly, monthly and quarterly PDF to the management and each centre's\n"
	"PDF to its manager, once, recorded in <output>/delivery.json\n"
	"(docs/delivery.md). A message not sent is said on stderr and tried\n"
	"again the next night; it does not change the exit status.\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 data error (--strict, or a gate keeps\n"
	"a due week provisional: one line on stderr says which), 66 no input,\n"
	"73 cannot write output, 75 lock held (another run), 78 bad config\n";

/* What the retention hook needs, and what it found. */
struct nightly {
	const struct config *cfg;
	struct runlog *log;
	const char *oldest_job_week;     /* the complete week's name */
	struct string_list removed;
	struct string_list records_kept; /* weeks whose records were kept */
	struct buf retention_err;
	unsigned keep;                   /* the effective keep, for the log */
	int retention_failed;
	struct delivery_result delivery; /* docs/delivery.md */
	/* The night's weeks, once plan_weeks() chose them: */
	struct week_job *jobs;
	size_t njobs;
	char (*week)[PERIOD_ID_SIZE];    /* their names */
	struct pending pending;          /* and what it left out */
};

static int64_t wall_clock(void)
{
	return (int64_t)time(NULL);
}

/*
 * Issued: its folder says so, or the retention kept its quality records
 * (a folder quality-records/<week>, opened as folder.h opens every
 * folder below the output: a symlink there does not count).
 */
static bool week_is_issued(const char *week, void *output)
{
	struct buf dir = BUF_INIT, ignored = BUF_INIT;
	int fd;

	if (weekdir_is_issued(output, week))
		return true;
	buf_addf(&dir, "%s/quality-records/%s", (const char *)output, week);
	fd = folder_open(dir.s, false, &ignored);
	buf_release(&dir);
	buf_release(&ignored);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Names the weeks with data nightly leaves alone, in the log. */
static void log_beyond(struct runlog *rl, const struct pending *pd,
		       unsigned window)
{
	struct buf names = BUF_INIT;
	char name[16];
	size_t i;

	if (!pd->nbeyond)
		return;
	for (i = 0; i < pd->nbeyond && i < 10; i++) {
		chtime_format_week(pd->beyond[i], name);
		buf_addf(&names, "%s%s", i ? ", " : "", name);
	}
	if (pd->nbeyond > 10) {
		chtime_format_week(pd->beyond[pd->nbeyond - 1], name);
		buf_addf(&names, " ... %s", name);
	}
	runlog_line(rl, wall_clock(), "nightly: warning: %zu week%s with data, "
		    "not issued, older than retention_weeks (%u): %s; nightly "
		    "leaves %s ('huifang run --week W' renders one)",
		    pd->nbeyond, pd->nbeyond == 1 ? "" : "s", window, names.s,
		    pd->nbeyond == 1 ? "it" : "them");
	buf_release(&names);
}

/*
 * The plan hook, after the ingest: the earlier weeks not issued yet
 * (stages/pending.h), oldest first, before the complete and the current
 * week the caller gave, so that each week's trend finds the weeks before
 * it issued. The window is retention_weeks: an older week's folder would
 * be deleted by this very night's retention.
 */
static int plan_weeks(const struct pipeline *p, const struct ticket_set *set,
		      struct week_job **jobs, size_t *njobs, void *arg)
{
	struct nightly *n = arg;
	struct string_list folders = { NULL, 0, 0 };
	struct buf err = BUF_INIT;
	size_t i, k;

	/* Unreadable counts as none: retention_apply() then says why. */
	retention_list_weeks(p->opts->output, &folders, &err);
	pending_plan(set, p->opts->as_of, n->cfg->retention_weeks, &folders,
		     week_is_issued, (void *)p->opts->output, &n->pending);
	string_list_clear(&folders);
	buf_release(&err);
	k = n->pending.nweeks;
	n->jobs = xcalloc(k + *njobs, sizeof(*n->jobs));
	n->week = xcalloc(k + *njobs, sizeof(*n->week));
	for (i = 0; i < k; i++)
		n->jobs[i].week = n->pending.weeks[i];
	for (i = 0; i < *njobs; i++)
		n->jobs[k + i] = (*jobs)[i];
	n->njobs = k + *njobs;
	for (i = 0; i < n->njobs; i++)
		pipeline_job_id(&n->jobs[i], n->week[i]);
	/* The retention keeps every week this night writes. */
	n->oldest_job_week = n->week[0];
	if (k)
		runlog_line(n->log, wall_clock(), "nightly: %zu earlier week%s "
			    "not issued: %s%s%s", k, k == 1 ? "" : "s",
			    n->week[0], k > 1 ? " to " : "",
			    k > 1 ? n->week[k - 1] : "");
	log_beyond(n->log, &n->pending, n->cfg->retention_weeks);
	*jobs = n->jobs;
	*njobs = n->njobs;
	return 0;
}

/*
 * Months and quarters (SPEC §9.30, docs/periods.md), after the weeks,
 * each kind oldest first: the period that contains the as-of, rendered
 * provisional every night, and the two before it when their folder is
 * there and not issued yet (the one just ended waits for its issue_at;
 * one a gate kept provisional is tried one period longer). Each only when
 * the data has a ticket completed in it. A period nightly never rendered
 * before (history, a first night) is backfill's: nightly would issue it
 * at tonight's figures instead of those of its issue_at.
 */
#define NIGHTLY_PERIOD_JOBS 6

static size_t period_jobs(const char *output, int64_t as_of,
			  struct week_job *jobs)
{
	static const enum period_kind kinds[] = { PERIOD_MONTH,
						  PERIOD_QUARTER };
	size_t k, n = 0;
	int back;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct period now = period_of(as_of, kinds[k]);

		for (back = 2; back >= 0; back--) {
			char id[PERIOD_ID_SIZE];

			period_format(period_add(now, -back), id);
			if (back && (!weekdir_exists(output, id) ||
				     weekdir_is_issued(output, id)))
				continue;
			pipeline_week_job(id, as_of, false, &jobs[n]);
			jobs[n++].if_data = true;
		}
	}
	return n;
}

/*
 * Whether the summary line names the job: every week; a month or
 * quarter only when it was issued, or failed or was blocked.
 */
static bool in_summary(const struct week_job *j)
{
	if (j->period.kind == PERIOD_WEEK)
		return true;
	return j->status == WEEK_FAILED || j->status == WEEK_BLOCKED ||
	       ((j->status == WEEK_ISSUED || j->status == WEEK_REISSUED) &&
		!j->provisional);
}

/* One log line per week: its status, and why when it is not issued. */
static void log_week(struct runlog *rl, const struct week_job *j,
		     const char *week)
{
	char when[CHTIME_BUF];
	size_t g;

	if (j->status == WEEK_KEPT) {
		runlog_line(rl, wall_clock(), "nightly: %s kept (issued "
			    "before; run --%s %s --force --reason TEXT makes "
			    "a revision)%s", week, j->period.kind == PERIOD_WEEK ?
			    "week" : "period", week, j->changed ?
			    "; its figures would now differ" : "");
		return;
	}
	if (!j->decision.issue_at) {
		runlog_line(rl, wall_clock(), "nightly: %s %s", week,
			    pipeline_week_status(j));
		return;
	}
	chtime_format(j->decision.issue_at, when);
	runlog_line(rl, wall_clock(), "nightly: %s %s (issue_at %s, revision "
		    "%u)", week, pipeline_week_status(j), when, j->revision);
	for (g = 0; g < GATE_COUNT; g++)
		if (j->gates[g].tripped)
			runlog_line(rl, wall_clock(), "nightly: %s gate %s%s",
				    week, j->gate_text[g], j->decision.due ?
				    "" : " (not due yet)");
}

/*
 * The number of week folders (real directories named YYYY-Www, as
 * retention.h counts them) whose name sorts at or after week: the ones
 * this night wrote, and any later one a run with a later as-of wrote.
 */
static unsigned count_weeks_from(const char *output, const char *week)
{
	struct string_list weeks = { 0 };
	struct buf err = BUF_INIT;
	unsigned n = 0;
	size_t i;

	/* Unreadable counts as none: retention_apply() then says why. */
	retention_list_weeks(output, &weeks, &err);
	for (i = 0; i < weeks.nr; i++)
		if (strcmp(weeks.items[i], week) >= 0)
			n++;
	string_list_clear(&weeks);
	buf_release(&err);
	return n;
}

/*
 * The retention, run by pipeline_run() with the lock held. retention_weeks
 * counts week folders by name; the weeks this night wrote are never
 * deleted, so the effective keep is at least their number (a config of 1
 * still keeps the complete and the provisional week).
 */
static int apply_retention(const struct pipeline *p, void *arg)
{
	struct nightly *n = arg;
	unsigned own;

	n->keep = n->cfg->retention_weeks;
	if (!n->keep)
		return 0;
	own = count_weeks_from(p->opts->output, n->oldest_job_week);
	if (n->keep < own)
		n->keep = own;
	/* The issued forms and audit sheets outlive their week folder. */
	if (pipeline_keep_quality_records(p->opts->output, n->keep,
					  &n->records_kept,
					  &n->retention_err) < 0) {
		n->retention_failed = 1;
		return EX_CANTCREAT;
	}
	if (retention_apply(p->opts->output, n->keep, &n->removed,
			    &n->retention_err) < 0) {
		n->retention_failed = 1;
		return EX_CANTCREAT;
	}
	return 0;
}

/* After the site, with the lock held: mail what was issued. */
static int deliver(const struct pipeline *p, const struct ticket_set *set,
		   void *arg)
{
	struct nightly *n = arg;

	return delivery_run(p, set, &n->delivery);
}

/* nightly's members of run.json: the weeks it left alone, the mail. */
static void nightly_json(struct jsonw *w, void *arg)
{
	struct nightly *n = arg;
	char name[16];
	size_t i;

	jsonw_open(w, "weeks_not_rendered", '[', JSONW_INLINE);
	for (i = 0; i < n->pending.nbeyond; i++) {
		chtime_format_week(n->pending.beyond[i], name);
		jsonw_str(w, NULL, name);
	}
	jsonw_close(w);
	if (n->delivery.enabled)
		delivery_run_json(w, &n->delivery);
}

/* The progress hook: a line on the terminal, nothing under cron. */
static void show_progress(const char *stage, unsigned done, unsigned total,
			  void *arg)
{
	struct nightly *n = arg;

	runlog_progress(n->log, stage, done, total);
}

/*
 * The printer's output under nightly: every line to the log; the first
 * line of each message that explains a failure (an error that is not a
 * row's reject: rejects.csv has those) kept for stderr, and the count of
 * rejected rows apart, which explains only a --strict failure.
 */
struct nightly_out {
	struct runlog *log;
	struct buf failure;
	struct buf rejected;
};

/*
 * Whether b holds the line text[0..len) already: one cause that fails
 * every week, month and quarter of the night (a broken template, a full
 * disk) is said once on stderr; the log has each.
 */
static bool has_line(const struct buf *b, const char *text, size_t len)
{
	const char *p, *nl;

	for (p = b->s; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		if ((size_t)(nl - p) == len && !memcmp(p, text, len))
			return true;
	}
	return false;
}

static void nightly_write(void *arg, enum pipeline_kind kind,
			  const struct diag_entry *e, const char *text)
{
	struct nightly_out *no = arg;
	const char *p, *nl;
	size_t len;

	for (p = text; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			runlog_line(no->log, wall_clock(), "%.*s", (int)len, p);
	}
	if (!e)
		return;
	len = strcspn(text, "\n");
	if (e->code && !strcmp(e->code, "rows_rejected")) {
		buf_add(&no->rejected, text, len);
		buf_addch(&no->rejected, '\n');
	} else if (e->level == DIAG_ERROR &&
		   !(kind == PIPELINE_INPUT && e->code) &&
		   !has_line(&no->failure, text, len)) {
		buf_add(&no->failure, text, len);
		buf_addch(&no->failure, '\n');
	}
}

int cmd_nightly(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct nightly_out no;
	struct week_job base[2 + NIGHTLY_PERIOD_JOBS], *jobs;
	struct run_summary sum;
	struct runlog rl = RUNLOG_INIT;
	struct nightly n;
	struct buf err = BUF_INIT, line = BUF_INIT;
	char as_of[CHTIME_BUF];
	char base_week[2 + NIGHTLY_PERIOD_JOBS][PERIOD_ID_SIZE];
	char (*week)[PERIOD_ID_SIZE];
	double start = pipeline_clock(), took;
	int log_ok, ran = 0, ret;
	bool quiet;
	size_t i, njobs, nbase;

	memset(&n, 0, sizeof(n));
	buf_init(&n.retention_err);
	delivery_result_init(&n.delivery);
	ret = cmd_parse_opts(argc, argv, &o, usage, NULL, NULL);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (o.week || o.force || o.issue || o.reason) {
		fprintf(stderr, "huifang nightly: %s: nightly chooses its weeks "
			"and issues each at its issue_at; 'huifang run --week W "
			"--issue' issues one early, '--force --reason TEXT' "
			"makes a revision\n%s", o.week ? "--week" : o.force ?
			"--force" : o.issue ? "--issue" : "--reason", usage);
		return EX_USAGE;
	}
	/*
	 * --quiet is nightly's own: it drops the summary line of a run that
	 * succeeded. The pipeline always speaks, into the log, so that no
	 * error is lost.
	 */
	quiet = o.quiet;
	o.quiet = false;
	buf_init(&no.failure);
	buf_init(&no.rejected);
	no.log = &rl;
	cmd_pipeline_begin(&o, &cp);
	/* This initialises cfg, also when it fails. */
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;

	/*
	 * The log is created under the same umask as the reports (which
	 * pipeline_run() sets again); a log that cannot be opened is
	 * reported only if the run itself succeeds, as the run's own error
	 * says more about an unwritable output folder.
	 */
	umask((mode_t)cp.cfg.umask);
	log_ok = runlog_open(&rl, o.output, wall_clock(), &err) == 0;
	chtime_format(o.as_of, as_of);

	/*
	 * The two weeks of every night, then the months and quarters;
	 * plan_weeks() puts the earlier weeks not issued before them once
	 * the ingest has read the exports.
	 */
	memset(base, 0, sizeof(base));
	base[0].week = chtime_default_week(o.as_of);
	base[1].provisional = true;
	chtime_iso_week(o.as_of, &base[1].week);
	nbase = 2 + period_jobs(o.output, o.as_of, base + 2);
	for (i = 0; i < nbase; i++)
		pipeline_job_id(&base[i], base_week[i]);
	runlog_line(&rl, wall_clock(), "nightly: start (pid %ld): as-of %s, "
		    "input %s, output %s, config %s, weeks %s (complete) and "
		    "%s (current), %zu months and quarters", (long)getpid(),
		    as_of, o.input, o.output, cp.cfg.path ? cp.cfg.path : "",
		    base_week[0], base_week[1], nbase - 2);

	n.cfg = &cp.cfg;
	n.log = &rl;
	n.jobs = base;
	n.njobs = nbase;
	n.week = base_week;
	/* The last complete week is the oldest the retention must keep. */
	n.oldest_job_week = base_week[0];
	cp.p.hooks.plan = plan_weeks;
	cp.p.hooks.after_weeks = apply_retention;
	cp.p.hooks.progress = show_progress;
	cp.p.hooks.after_site = deliver;
	cp.p.hooks.run_json = nightly_json;
	cp.p.hooks.arg = &n;
	/* From here on, what the pipeline says goes to the log. */
	cp.pr.write = nightly_write;
	cp.pr.write_arg = &no;
	ret = pipeline_run(&cp.p, base, nbase, &sum);
	jobs = n.jobs;
	njobs = n.njobs;
	week = n.week;
	runlog_progress_end(&rl);
	if (ret) {
		fputs(no.failure.s, stderr);
		/* The reject count explains only a --strict failure. */
		if (ret == EX_DATAERR && o.strict)
			fputs(no.rejected.s, stderr);
	}

	for (i = 0; i < njobs; i++)
		if (jobs[i].status != WEEK_PENDING)
			ran = 1;
	if (ran) {
		for (i = 0; i < njobs; i++)
			log_week(&rl, &jobs[i], week[i]);
		runlog_line(&rl, wall_clock(), "nightly: input %zu files, %zu rows "
			    "read, %zu accepted, %zu rejected, %zu superseded",
			    sum.files, sum.rows_read, sum.accepted,
			    sum.rejected, sum.superseded);
		runlog_line(&rl, wall_clock(), "nightly: seconds: ingest %.3f, "
			    "metrics %.3f, sample %.3f, render_pdf %.3f, "
			    "render_html %.3f, pipeline %.3f", sum.times.ingest,
			    sum.times.metrics, sum.times.sample,
			    sum.times.render_pdf, sum.times.render_html,
			    sum.times.total);
		if (!cp.cfg.retention_weeks)
			runlog_line(&rl, wall_clock(), "nightly: retention: "
				    "retention_weeks 0 keeps every week");
		else if (n.keep)
			runlog_line(&rl, wall_clock(), "nightly: retention: keep "
				    "%u weeks, removed %zu%s", n.keep,
				    n.removed.nr, n.removed.nr ? ":" : "");
		for (i = 0; i < n.records_kept.nr; i++)
			runlog_line(&rl, wall_clock(), "nightly: retention: "
				    "kept the quality records of %s in "
				    "quality-records/%s", n.records_kept.items[i],
				    n.records_kept.items[i]);
		for (i = 0; i < n.removed.nr; i++)
			runlog_line(&rl, wall_clock(), "nightly: retention: "
				    "removed weeks/%s", n.removed.items[i]);
	}
	/*
	 * A message not sent does not fail the night (it is tried again
	 * the next one), but it is said on stderr even under --quiet.
	 */
	if (n.delivery.enabled) {
		fputs(n.delivery.failures.s, stderr);
		runlog_line(&rl, wall_clock(), "nightly: delivery: %zu sent, "
			    "%zu not sent (tried again next night), %zu in "
			    "doubt", n.delivery.sent, n.delivery.failed,
			    n.delivery.unknown);
	}
	if (n.retention_failed) {
		fprintf(stderr, "huifang: cannot delete an old week: %s\n",
			n.retention_err.s);
		runlog_line(&rl, wall_clock(), "nightly: cannot delete an old "
			    "week: %s", n.retention_err.s);
	}

	took = pipeline_clock() - start;
	if (ran) {
		buf_reset(&line);
		buf_adds(&line, "huifang: ");
		for (i = 0; i < njobs; i++)
			if (in_summary(&jobs[i]))
				buf_addf(&line, "%s %s, ", week[i],
					 pipeline_week_status(&jobs[i]));
		buf_addf(&line, "%zu rows, %zu rejected, %.1f s", sum.rows_read,
			 sum.rejected, took);
		if (!quiet || ret)
			printf("%s\n", line.s);
		runlog_line(&rl, wall_clock(), "%s", line.s);
	}
	if (!ret && !log_ok) {
		fprintf(stderr, "huifang: cannot write the log %s\n", err.s);
		ret = EX_CANTCREAT;
	}
	runlog_line(&rl, wall_clock(), "nightly: exit %d", ret);
out:
	runlog_close(&rl);
	if (n.jobs != base) {
		free(n.jobs);
		free(n.week);
	}
	pending_release(&n.pending);
	string_list_clear(&n.removed);
	string_list_clear(&n.records_kept);
	buf_release(&n.retention_err);
	delivery_result_release(&n.delivery);
	buf_release(&err);
	buf_release(&line);
	cmd_pipeline_end(&cp);
	buf_release(&no.failure);
	buf_release(&no.rejected);
	return ret;
}
