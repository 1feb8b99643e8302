/*
 * cmd_common.c - option parsing shared by the pipeline commands.
 *
 * Options are long-only (--input DIR or --input=DIR), as the README and
 * crontab lines spell them; a "--" ends the options.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "util/chtime.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "ops/paths.h"
#include "util/folder.h"
#include "util/xalloc.h"
#include "util/banned.h"

static int usage_error(const char *cmd, const char *usage, const char *what,
		       const char *arg)
{
	fprintf(stderr, "huifang %s: %s '%s'\n%s", cmd, what, arg, usage);
	return EX_USAGE;
}

/* Resolves --as-of, else SOURCE_DATE_EPOCH, else the clock. */
static int resolve_as_of(struct cmd_opts *o, const char *cmd,
			 const char *usage)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (o->as_of_text) {
		if (chtime_parse(o->as_of_text, strlen(o->as_of_text),
				 &o->as_of) < 0)
			return usage_error(cmd, usage, "invalid --as-of",
					   o->as_of_text);
		return 0;
	}
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end || v < 0) {
			fprintf(stderr, "huifang %s: invalid SOURCE_DATE_EPOCH "
				"'%s'\n", cmd, sde);
			return EX_USAGE;
		}
		o->as_of = v;
		return 0;
	}
	o->as_of = (int64_t)time(NULL);
	return 0;
}

int cmd_parse_opts(int argc, char **argv, struct cmd_opts *o,
		   const char *usage, char ***rest, int *nrest)
{
	static const struct {
		const char *name;
		size_t off;
	} valued[] = {
		{ "input", offsetof(struct cmd_opts, input) },
		{ "output", offsetof(struct cmd_opts, output) },
		{ "config", offsetof(struct cmd_opts, config) },
		{ "as-of", offsetof(struct cmd_opts, as_of_text) },
		{ "week", offsetof(struct cmd_opts, week) },
		{ "period", offsetof(struct cmd_opts, period) },
		{ "encoding", offsetof(struct cmd_opts, encoding) },
		{ "seed", offsetof(struct cmd_opts, seed) },
		{ "reason", offsetof(struct cmd_opts, reason) },
	};
	const char *cmd = argv[0];
	int i, only_args = 0;

	memset(o, 0, sizeof(*o));
	o->input = "input";
	o->output = "output";
	if (rest) {
		*rest = xcalloc((size_t)argc + 1, sizeof(char *));
		*nrest = 0;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t k;
		int matched = 0;

		if (only_args || a[0] != '-' || !a[1]) {
			if (!rest)
				return usage_error(cmd, usage,
						   "unexpected argument", a);
			(*rest)[(*nrest)++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			struct buf order = BUF_INIT;

			paths_describe(&order);
			fputs(usage, stdout);
			printf("\n%s", order.s);
			buf_release(&order);
			return -1;
		}
		if (!strcmp(a, "--strict")) {
			o->strict = true;
			continue;
		}
		if (!strcmp(a, "--force")) {
			o->force = true;
			continue;
		}
		if (!strcmp(a, "--issue")) {
			o->issue = true;
			continue;
		}
		if (!strcmp(a, "--accept-gates")) {
			o->accept_gates = true;
			continue;
		}
		if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++) {
			size_t n = strlen(valued[k].name);
			const char **slot = (const char **)((char *)o +
							    valued[k].off);

			if (strncmp(a, "--", 2) || strncmp(a + 2, valued[k].name, n))
				continue;
			if (a[2 + n] == '=') {
				*slot = a + 3 + n;
			} else if (a[2 + n] == '\0') {
				if (i + 1 >= argc)
					return usage_error(cmd, usage,
							   "missing value for",
							   a);
				*slot = argv[++i];
			} else {
				continue;
			}
			matched = 1;
			break;
		}
		if (!matched)
			return usage_error(cmd, usage, "unknown option", a);
	}
	if (o->week) {
		struct iso_week w;

		if (chtime_parse_week(o->week, &w) < 0)
			return usage_error(cmd, usage,
					   "invalid --week (want YYYY-Www)",
					   o->week);
	}
	if (o->period) {
		struct period p;

		if (period_parse(o->period, &p) < 0 || p.kind == PERIOD_WEEK)
			return usage_error(cmd, usage, "invalid --period (want "
					   "YYYY-MM or YYYY-Qn)", o->period);
		if (o->week)
			return usage_error(cmd, usage, "--week and --period "
					   "together:", o->period);
		/* The job takes the period where it takes a week. */
		o->week = o->period;
	}
	if (o->reason && !*o->reason)
		return usage_error(cmd, usage, "empty value for", "--reason");
	/* No symlink below --output is followed from here on (folder.h). */
	folder_set_root(o->output);
	return resolve_as_of(o, cmd, usage);
}

int cmd_refuse_opts(int argc, char **argv, const char *const *names,
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

void cmd_pipeline_begin(const struct cmd_opts *o, struct cmd_pipeline *cp)
{
	memset(&cp->po, 0, sizeof(cp->po));
	cp->po.input = o->input;
	cp->po.output = o->output;
	cp->po.as_of = o->as_of;
	cp->po.seed = o->seed;
	cp->po.encoding = o->encoding;
	cp->po.strict = o->strict;
	cp->po.quiet = o->quiet;
	cp->po.issue = o->issue;
	cp->po.accept_gates = o->accept_gates;
	cp->po.reason = o->reason;
	/* What 'run' has always shown: the first ten input problems. */
	pipeline_printer_init(&cp->pr, stderr, 10, 0);
	cp->pr.quiet = o->quiet;
}

int cmd_pipeline_config(const struct cmd_opts *o, struct cmd_pipeline *cp)
{
	int ret = pipeline_load_config(&cp->pr.sink, o->config, &cp->cfg);

	pipeline_init(&cp->p, &cp->po, &cp->cfg, &cp->pr.sink);
	return ret;
}

void cmd_pipeline_end(struct cmd_pipeline *cp)
{
	pipeline_printer_finish(&cp->pr);
	config_release(&cp->cfg);
}

int cmd_run_stage(int argc, char **argv, const struct cmd_stage *st)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	struct week_job job;
	struct run_summary sum;
	char week[PERIOD_ID_SIZE];
	int ret;

	ret = cmd_parse_opts(argc, argv, &o, st->usage, NULL, NULL);
	if (ret)
		return ret < 0 ? 0 : ret;
	ret = cmd_refuse_opts(argc, argv, st->not_read, st->why_not_read,
			      st->usage);
	if (ret)
		return ret;
	if (o.period && (st->steps & STEP_SAMPLE) && st->steps != STEP_ALL) {
		fprintf(stderr, "huifang %s: --period does not apply: a month "
			"or quarter has no samples (SPEC §9.30)\n%s", argv[0],
			st->usage);
		return EX_USAGE;
	}
	cmd_pipeline_begin(&o, &cp);
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	pipeline_week_job(o.week, o.as_of, o.force, &job);
	if (st->provisional_from_artifact)
		job.provisional = false;
	ret = pipeline_stage(&cp.p, st->steps, &job, &sum);
	pipeline_job_id(&job, week);
	if (!o.quiet || ret)
		st->said(&o, &cp, &job, &sum, week);
out:
	cmd_pipeline_end(&cp);
	return ret;
}
