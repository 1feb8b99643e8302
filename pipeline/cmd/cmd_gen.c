/*
 * cmd_gen.c - 'huifang gen': write realistic sample exports (gen.h).
 *
 * Parses the options, hands them to gen_write() and prints one summary
 * line on stderr. The output is a pure function of the options, so the
 * command line in docs/gen.md reproduces input/ byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "cmd/cmd.h"
#include "gen/gen.h"
#include "input/ingest.h"
#include "model/config.h"
#include "ops/paths.h"
#include "stages/audit.h"
#include "stages/metrics.h"
#include "stages/sample.h"
#include "util/outfile.h"
#include "util/banned.h"

static const char usage[] =
	"usage: huifang gen --seed S --weeks W --tickets-per-week N --out DIR\n"
	"                   [--end-week 2026-W48] [--encoding utf-8|gb18030]\n"
	"                   [--bom] [--crlf] [--bad-rows RATE]\n"
	"                   [--audit [--config FILE] [--audit-pending RATE]\n"
	"                    [--audit-fake RATE] [--audit-disagree RATE]]\n"
	"\n"
	"Writes realistic ERP exports into DIR: tickets-<week>.csv, one ticket\n"
	"export per ISO week, and callbacks.csv, the callback export. The same\n"
	"options always give the same bytes.\n"
	"\n"
	"  --seed S              a number, or any text (hashed)\n"
	"  --weeks W             weeks of data, 1-520, ending at --end-week\n"
	"  --tickets-per-week N  tickets created per full week, 1-10000000\n"
	"  --out DIR             where to write (created if missing)\n"
	"  --end-week W          the last (partial) week; the export is taken\n"
	"                        on its Thursday 08:00 (default 2026-W48)\n"
	"  --encoding E          utf-8 (default) or gb18030 (gbk is the same)\n"
	"  --bom                 start UTF-8 files with a byte-order mark\n"
	"  --crlf                end lines with CR LF\n"
	"  --bad-rows RATE       this fraction (0-0.5) of rows is bad, every\n"
	"                        reject kind of SPEC 8.3 in turn\n"
	"  --audit               also write DIR/audit/抽查表-<level>-<week>.csv:\n"
	"                        the samples of the week before the report\n"
	"                        week (as of the export, drawn with --config)\n"
	"                        filled in by auditors in the report week,\n"
	"                        for 'huifang audit import'\n"
	"  --audit-pending RATE  share of sampled callbacks not audited yet\n"
	"                        (default 0.1)\n"
	"  --audit-fake RATE     share found never made (default 0.05)\n"
	"  --audit-disagree RATE share whose owner rates lower than recorded\n"
	"                        (default 0.15)\n"
	"\n"
	"exit status: 0 ok, 64 usage, 65 the exports cannot be sampled,\n"
	"73 cannot write output, 78 bad config\n";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "huifang gen: %s '%s'\n%s", what, arg, usage);
	return EX_USAGE;
}

static int parse_count(const char *s, unsigned long lo, unsigned long hi,
		       unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* A rate 0-0.5 in parts per million, read without the locale: digits,
 * an optional point and up to six decimals. */
static int parse_rate(const char *s, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0, scale = 1000000;
	const char *p = s;

	if (!*p)
		return -1;
	while (*p >= '0' && *p <= '9' && whole < 10)
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p || p == s)
		return -1;
	frac += whole * 1000000;
	if (frac > 500000)
		return -1;
	*ppm = (uint32_t)frac;
	return 0;
}

/*
 * --audit: the week before the report week of the export (taken Thursday
 * 08:00 of the end week) read back, sampled as a run would, and each
 * level's sheet filled in, dated in the report week: the audits of last
 * week's sample made this week, which the report week's reports show
 * (SPEC §9.29: a finding is reported in the week it is dated). Returns 0
 * or a sysexits code.
 */
static int write_audit_sheets(const struct gen_opts *o, const char *out,
			      const char *config, struct audit_fill *fill)
{
	struct config cfg;
	struct ticket_set set;
	struct metrics m;
	struct samples s;
	struct diag d;
	struct buf err = BUF_INIT, dir = BUF_INIT, path = BUF_INIT;
	struct buf csv = BUF_INIT;
	struct ingest_opts io = { out, NULL };
	char *config_path = NULL, week[16];
	int64_t as_of = chtime_week_start(o->end_week) + 3 * 86400 + 8 * 3600;
	struct iso_week w = chtime_week_add(chtime_default_week(as_of), -1);
	size_t i;
	int ret = EX_CONFIG;

	config_init(&cfg);
	ticket_set_init(&set);
	metrics_init(&m);
	sample_init(&s);
	diag_init(&d);
	if (paths_config_file(config, &config_path, &err) < 0 ||
	    config_load(&cfg, config_path, &d) < 0) {
		diag_print(stderr, &d);
		if (err.len)
			fprintf(stderr, "huifang gen: %s\n", err.s);
		goto out;
	}
	ret = EX_DATAERR;
	if (ingest_run(&io, &cfg, &set, &d) < 0 ||
	    metrics_compute(&set, &cfg, w, as_of, &m, &d) < 0 ||
	    sample_draw_followup(&m, &set, &cfg, NULL, NULL, 0, &s, &d) < 0) {
		diag_print(stderr, &d);
		goto out;
	}
	ret = EX_CANTCREAT;
	fill->first_day = chtime_week_start(w) + 7 * 86400;
	chtime_format_week(w, week);
	buf_addf(&dir, "%s/audit", out);
	if (mkdir_p(dir.s, &err) < 0)
		goto fail;
	for (i = 0; i < s.nlevels; i++) {
		buf_reset(&csv);
		buf_reset(&path);
		audit_write_filled_sheet(&s, i, &set, &cfg, fill, &csv);
		buf_addf(&path, "%s/抽查表-%s-%s.csv", dir.s, s.levels[i].id,
			 week);
		if (outfile_write_all(path.s, csv.s, csv.len, &err) < 0)
			goto fail;
	}
	fprintf(stderr, "huifang gen: filled-in audit sheets of %s in %s\n",
		week, dir.s);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "huifang gen: %s\n", err.s);
out:
	sample_release(&s);
	metrics_release(&m);
	ticket_set_release(&set);
	config_release(&cfg);
	diag_release(&d);
	free(config_path);
	buf_release(&err);
	buf_release(&dir);
	buf_release(&path);
	buf_release(&csv);
	return ret;
}

int cmd_gen(int argc, char **argv)
{
	struct gen_opts o;
	struct gen_stats st;
	struct buf err = BUF_INIT;
	const char *out = NULL, *config = NULL, *seed_text = NULL;
	struct audit_fill fill = { NULL, 100000, 50000, 150000, 0 };
	bool have_seed = false, have_weeks = false, have_n = false;
	bool audit = false;
	int i, ret;

	gen_opts_init(&o);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const char *eq = strchr(a, '=');
		char name[32];
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return 0;
		}
		if (!strcmp(a, "--bom")) {
			o.bom = true;
			continue;
		}
		if (!strcmp(a, "--crlf")) {
			o.crlf = true;
			continue;
		}
		if (!strcmp(a, "--audit")) {
			audit = true;
			continue;
		}
		if (strncmp(a, "--", 2) || nlen >= sizeof(name))
			return usage_error("unknown option", a);
		memcpy(name, a, nlen);
		name[nlen] = '\0';
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return usage_error("missing value for", a);
		if (!strcmp(name, "--seed")) {
			if (!*v)
				return usage_error("invalid --seed", v);
			o.seed = gen_seed_from_text(v);
			seed_text = v;
			have_seed = true;
		} else if (!strcmp(name, "--weeks")) {
			if (parse_count(v, 1, 520, &o.weeks) < 0)
				return usage_error("invalid --weeks (1-520)", v);
			have_weeks = true;
		} else if (!strcmp(name, "--tickets-per-week")) {
			if (parse_count(v, 1, 10000000, &o.tickets_per_week) < 0)
				return usage_error("invalid --tickets-per-week "
						   "(1-10000000)", v);
			have_n = true;
		} else if (!strcmp(name, "--out")) {
			if (!*v)
				return usage_error("invalid --out", v);
			out = v;
		} else if (!strcmp(name, "--end-week")) {
			if (chtime_parse_week(v, &o.end_week) < 0)
				return usage_error("invalid --end-week (want "
						   "YYYY-Www)", v);
		} else if (!strcmp(name, "--encoding")) {
			if (!strcasecmp(v, "utf-8") || !strcasecmp(v, "utf8"))
				o.encoding = GEN_UTF8;
			else if (!strcasecmp(v, "gb18030") ||
				 !strcasecmp(v, "gbk"))
				o.encoding = GEN_GB18030;
			else
				return usage_error("invalid --encoding (want "
						   "utf-8 or gb18030)", v);
		} else if (!strcmp(name, "--config")) {
			config = v;
		} else if (!strcmp(name, "--audit-pending")) {
			if (parse_rate(v, &fill.pending_ppm) < 0)
				return usage_error("invalid --audit-pending "
						   "(want 0 to 0.5)", v);
		} else if (!strcmp(name, "--audit-fake")) {
			if (parse_rate(v, &fill.fake_ppm) < 0)
				return usage_error("invalid --audit-fake (want "
						   "0 to 0.5)", v);
		} else if (!strcmp(name, "--audit-disagree")) {
			if (parse_rate(v, &fill.disagree_ppm) < 0)
				return usage_error("invalid --audit-disagree "
						   "(want 0 to 0.5)", v);
		} else if (!strcmp(name, "--bad-rows")) {
			if (parse_rate(v, &o.bad_rows_ppm) < 0)
				return usage_error("invalid --bad-rows (want "
						   "0 to 0.5)", v);
		} else {
			return usage_error("unknown option", a);
		}
	}
	if (!have_seed || !have_weeks || !have_n || !out) {
		fprintf(stderr, "huifang gen: --seed, --weeks, "
			"--tickets-per-week and --out are required\n%s", usage);
		return EX_USAGE;
	}
	if (o.bom && o.encoding != GEN_UTF8) {
		fprintf(stderr, "huifang gen: --bom is for UTF-8 only (a "
			"GB18030 file has no byte-order mark)\n%s", usage);
		return EX_USAGE;
	}
	if (gen_write(&o, out, &st, &err) < 0) {
		fprintf(stderr, "huifang gen: %s\n", err.s);
		ret = EX_CANTCREAT;
	} else {
		size_t bad = 0, k;

		for (k = 0; k < REJECT_REASON_COUNT; k++)
			bad += st.bad_rows[k];
		fprintf(stderr, "huifang gen: %zu files, %zu tickets, %zu ticket "
			"rows, %zu callback rows, %zu bad rows, %llu bytes in "
			"%s\n", st.files, st.tickets, st.ticket_rows,
			st.callback_rows, bad, (unsigned long long)st.bytes,
			out);
		ret = 0;
		fill.seed = seed_text;
		if (audit)
			ret = write_audit_sheets(&o, out, config, &fill);
	}
	buf_release(&err);
	return ret;
}
