/*
 * issue.c - issue_at, the plausibility gates and the decision to issue a
 * week (see issue.h and docs/operations.md).
 *
 * Everything here is arithmetic over structs: the measures come from the
 * ticket set and the metrics, the limits from the config. A gate compares
 * with '>' (a share exactly at its limit passes), so a limit of 0 means
 * "none at all". The descriptions are built in the C locale with fixed
 * precision, so the same run prints the same lines anywhere.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stages/issue.h"
#include "util/xalloc.h"
#include "util/banned.h"

int64_t issue_at(struct iso_week w, const struct config *cfg)
{
	return issue_at_period(period_from_week(w), cfg);
}

int64_t issue_at_period(struct period p, const struct config *cfg)
{
	int64_t sla = 0;
	int t;

	for (t = 0; t < TYPE_COUNT; t++)
		if (cfg->sla_seconds[t] > sla)
			sla = cfg->sla_seconds[t];
	return period_end(p) + sla + cfg->issue_grace_seconds;
}

/* The newest instant of a ticket or its callbacks that is <= as_of. */
static int64_t newest_of(const struct ticket_set *set, const struct ticket *t,
			 int64_t as_of, int64_t newest)
{
	const struct callback *cbs = ticket_callbacks(set, t);
	int64_t at[4] = { t->created_at, t->completed_at, t->updated_at,
			  t->rectified_at };
	size_t i;

	for (i = 0; i < 4; i++)
		if (at[i] != TIME_NONE && at[i] <= as_of && at[i] > newest)
			newest = at[i];
	for (i = 0; i < t->n_cb; i++)
		if (cbs[i].at <= as_of && cbs[i].at > newest)
			newest = cbs[i].at;
	return newest;
}

void issue_gather(const struct ticket_set *set, const struct metrics *m,
		  int64_t as_of, struct gate_input *in)
{
	size_t i;

	memset(in, 0, sizeof(*in));
	in->as_of = as_of;
	in->newest = TIME_NONE;
	in->rows_read = set->rows_read;
	in->rejected = set->rejected;
	in->files = xcalloc(set->nfiles ? set->nfiles : 1, sizeof(*in->files));
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		if (f->kind == FILE_UNRECOGNISED || f->partly_read) {
			in->unreadable_files++;
			if (!in->unreadable_example)
				in->unreadable_example = f->name;
		}
		if (f->kind == FILE_UNRECOGNISED)
			continue;
		in->damaged_ids += f->damaged_ticket_ids;
		if (f->damaged_ticket_ids && !in->damaged_example)
			in->damaged_example = f->name;
		in->files[in->nfiles].name = f->name;
		in->files[in->nfiles].rows = f->rows_read;
		in->files[in->nfiles].rejected = f->rejected;
		in->files[in->nfiles].repeated_ids =
			f->kind == FILE_TICKETS ? f->repeated_ids : 0;
		in->nfiles++;
	}
	/*
	 * Ratings or results without a callback time (ingest's count, issue
	 * 14) against every callback and attempt that has one.
	 */
	in->untimed_ratings = set->quality.ratings_without_time;
	in->ratings = set->ncallbacks;
	for (i = 0; i < set->ntickets; i++)
		in->newest = newest_of(set, &set->tickets[i], as_of, in->newest);
	in->eligible = m->totals.eligible;
	for (i = 0; i < m->ntickets; i++)
		if (*m->tickets[i].ticket->butler)
			in->eligible_with_butler++;
	for (i = 0; i < ISSUE_PRIOR_WEEKS && i + 1 < m->ntrend; i++)
		in->prior_eligible[in->nprior++] =
			m->trend[m->ntrend - 2 - i].totals.eligible;
}

void issue_input_release(struct gate_input *in)
{
	free(in->files);
	in->files = NULL;
	in->nfiles = 0;
}

static double share(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

static void gate(struct gate_result *r, double value, double limit,
		 bool tripped)
{
	memset(r, 0, sizeof(*r));
	r->value = value;
	r->limit = limit;
	r->tripped = tripped;
}

static size_t repeated_of(const struct gate_file *f)
{
	return f->repeated_ids;
}

static size_t rejected_of(const struct gate_file *f)
{
	return f->rejected;
}

/*
 * A per-file gate: the highest share count(f) / rows among the files of
 * min_rows rows or more, against limit; the file is named only where
 * the gate trips, since that is where to look.
 */
static void file_gate(struct gate_result *r, const struct gate_input *in,
		      size_t (*count)(const struct gate_file *),
		      size_t min_rows, double limit)
{
	const char *name = NULL;
	double v, worst = 0.0;
	size_t i;

	for (i = 0; i < in->nfiles; i++) {
		if (in->files[i].rows < min_rows)
			continue;
		v = share(count(&in->files[i]), in->files[i].rows);
		if (v > worst || !name) {
			worst = v;
			name = in->files[i].name;
		}
	}
	gate(r, worst, limit, worst > limit);
	r->file = r->tripped ? name : NULL;
}

size_t issue_check_gates(const struct gate_input *in,
			 const struct config *cfg,
			 struct gate_result out[GATE_COUNT])
{
	const struct issue_gates *g = &cfg->gates;
	struct gate_result *r;
	double v, sum = 0.0;
	size_t i, n = 0;

	v = share(in->rejected, in->rows_read);
	gate(&out[GATE_REJECTED_ROWS], v, g->rejected_share,
	     v > g->rejected_share);

	/* A file is named only where a gate trips: that is where to look. */
	r = &out[GATE_UNREADABLE_FILES];
	gate(r, (double)in->unreadable_files, g->unreadable_files,
	     in->unreadable_files > g->unreadable_files);
	r->file = r->tripped ? in->unreadable_example : NULL;

	r = &out[GATE_DAMAGED_IDS];
	gate(r, (double)in->damaged_ids, g->damaged_ids,
	     in->damaged_ids > g->damaged_ids);
	r->file = r->tripped ? in->damaged_example : NULL;

	file_gate(&out[GATE_REPEATED_IDS], in, repeated_of, 0,
		  g->repeated_id_share);

	v = share(in->untimed_ratings, in->ratings + in->untimed_ratings);
	gate(&out[GATE_UNTIMED_RATINGS], v, g->untimed_rating_share,
	     v > g->untimed_rating_share);

	gate(&out[GATE_NO_BUTLER], (double)in->eligible_with_butler, 1,
	     g->require_butler && !in->no_butler_column && in->eligible &&
		     !in->eligible_with_butler);

	/* No time at all is as stale as it gets. */
	v = in->newest == TIME_NONE ? HUGE_VAL :
	    (double)(in->as_of - in->newest) / SECONDS_PER_DAY;
	gate(&out[GATE_STALE_INPUT], v, g->stale_days, v > g->stale_days);

	for (i = 0; i < in->nprior; i++)
		sum += (double)in->prior_eligible[i];
	v = in->nprior ? sum / (double)in->nprior : 0.0;
	gate(&out[GATE_EMPTY_WEEK], v, g->empty_week_average,
	     !in->eligible && in->nprior == ISSUE_PRIOR_WEEKS &&
		     v >= g->empty_week_average);

	file_gate(&out[GATE_REJECTED_FILE], in, rejected_of,
		  ISSUE_FILE_MIN_ROWS, g->rejected_file_share);

	for (i = 0; i < GATE_COUNT; i++)
		n += out[i].tripped;
	return n;
}

void issue_decide(int64_t when, int64_t as_of,
		  struct gate_result gates[GATE_COUNT],
		  const struct config *cfg, bool force_issue, bool accept_all,
		  struct issue_decision *out)
{
	size_t g;

	memset(out, 0, sizeof(*out));
	out->issue_at = when;
	out->due = as_of >= when;
	out->forced = force_issue && !out->due;
	for (g = 0; g < GATE_COUNT; g++) {
		gates[g].accepted = false;
		if (!gates[g].tripped)
			continue;
		out->tripped++;
		if (accept_all || string_list_has(&cfg->accept_gates,
						  issue_gate_name[g])) {
			gates[g].accepted = true;
			out->accepted++;
		}
	}
	if (!out->due && !force_issue)
		return;
	if (out->accepted < out->tripped)
		out->blocked = true;
	else
		out->issued = true;
}

/* "<value> %<what> (limit <limit> %)", one decimal: 12.5 % */
static void add_share(struct buf *out, const struct gate_result *r,
		      const char *what)
{
	buf_addf(out, "%.1f %%%s (limit %.1f %%)", r->value * 100.0, what,
		 r->limit * 100.0);
}

/* A per-file gate's share: "<share> of the rows of '<file>'<what> (limit)". */
static void add_file_share(struct buf *out, const struct gate_result *r,
			   const char *what)
{
	struct buf of = BUF_INIT;

	buf_adds(&of, " of the rows");
	if (r->file)
		buf_addf(&of, " of '%s'", r->file);
	buf_adds(&of, what);
	add_share(out, r, of.s);
	buf_release(&of);
}

void issue_describe_gate(enum issue_gate g, const struct gate_result *r,
			 struct buf *out)
{
	buf_addf(out, "%s: ", issue_gate_name[g]);
	switch (g) {
	case GATE_REJECTED_ROWS:
		add_share(out, r, " of the rows read were rejected");
		break;
	case GATE_UNREADABLE_FILES:
		buf_addf(out, "%.0f file(s) in the input folder were not read",
			 r->value);
		if (r->file)
			buf_addf(out, ", such as '%s'", r->file);
		buf_addf(out, " (limit %.0f)", r->limit);
		break;
	case GATE_DAMAGED_IDS:
		buf_addf(out, "%.0f ticket number(s) damaged by Excel "
			 "(like 8.22025E+17)", r->value);
		if (r->file)
			buf_addf(out, " in '%s' and maybe others", r->file);
		buf_addf(out, " (limit %.0f)", r->limit);
		break;
	case GATE_REPEATED_IDS:
		add_file_share(out, r, " repeat a ticket number of the same "
			       "file");
		break;
	case GATE_UNTIMED_RATINGS:
		add_share(out, r, " of the ratings and results have no "
			  "callback time");
		break;
	case GATE_NO_BUTLER:
		buf_adds(out, "no eligible ticket of the week has a butler "
			 "(责任人)");
		break;
	case GATE_STALE_INPUT:
		if (isinf(r->value))
			buf_adds(out, "the input holds no time at or before "
				 "the as-of");
		else
			buf_addf(out, "the newest time in the input is %.1f "
				 "days before the as-of", r->value);
		buf_addf(out, " (limit %.1f days)", r->limit);
		break;
	case GATE_EMPTY_WEEK:
		buf_addf(out, "no eligible ticket in the week, while the %d "
			 "weeks before averaged %.1f (limit %.1f)",
			 ISSUE_PRIOR_WEEKS, r->value, r->limit);
		break;
	case GATE_REJECTED_FILE:
		add_file_share(out, r, " were rejected");
		break;
	default:
		break;
	}
	if (r->accepted)
		buf_adds(out, "; accepted by the administrator");
}

/* The gates' names in Chinese, in enum order, for the Chinese pages. */
static const char *const gate_label_zh[GATE_COUNT] = {
	"拒收行比例", "未读取的文件", "被 Excel 损坏的工单编号",
	"文件内重复的工单编号", "无回访时间的评价", "无责任人",
	"数据过旧", "空周", "单个文件拒收行比例",
};

/* "<value>%<what>（上限 <limit>%）", one decimal: 12.5% */
static void add_share_zh(struct buf *out, const struct gate_result *r)
{
	buf_addf(out, "%.1f%%（上限 %.1f%%）", r->value * 100.0,
		 r->limit * 100.0);
}

/* A per-file gate's share: "“<file>”中<what><share>", or <anyfile>. */
static void add_file_share_zh(struct buf *out, const struct gate_result *r,
			      const char *anyfile, const char *what)
{
	if (r->file)
		buf_addf(out, "“%s”中", r->file);
	else
		buf_adds(out, anyfile);
	buf_adds(out, what);
	add_share_zh(out, r);
}

void issue_describe_gate_zh(enum issue_gate g, const struct gate_result *r,
			    struct buf *out)
{
	if ((unsigned)g >= GATE_COUNT)
		return;
	buf_addf(out, "%s（%s）：", gate_label_zh[g], issue_gate_name[g]);
	switch (g) {
	case GATE_REJECTED_ROWS:
		buf_adds(out, "读入的行中被拒收的占 ");
		add_share_zh(out, r);
		break;
	case GATE_UNREADABLE_FILES:
		buf_addf(out, "输入文件夹中有 %.0f 个文件未能读取", r->value);
		if (r->file)
			buf_addf(out, "，如“%s”", r->file);
		buf_addf(out, "（上限 %.0f）", r->limit);
		break;
	case GATE_DAMAGED_IDS:
		buf_addf(out, "%.0f 个工单编号被 Excel 改成了科学计数法"
			 "（如 8.22025E+17）", r->value);
		if (r->file)
			buf_addf(out, "，见“%s”等文件", r->file);
		buf_addf(out, "（上限 %.0f）", r->limit);
		break;
	case GATE_REPEATED_IDS:
		add_file_share_zh(out, r, "某个工单文件中",
				  "重复本文件工单编号的行占 ");
		break;
	case GATE_UNTIMED_RATINGS:
		buf_adds(out, "没有回访时间的满意度或回访结果占 ");
		add_share_zh(out, r);
		break;
	case GATE_NO_BUTLER:
		buf_adds(out, "本周应回访的工单都没有责任人（管家）");
		break;
	case GATE_STALE_INPUT:
		if (isinf(r->value))
			buf_adds(out, "输入中没有数据截至时间之前的时间");
		else
			buf_addf(out, "输入中最新的时间比数据截至时间早 %.1f 天",
				 r->value);
		buf_addf(out, "（上限 %.1f 天）", r->limit);
		break;
	case GATE_EMPTY_WEEK:
		buf_addf(out, "本周没有应回访工单，而此前 %d 周平均 %.1f 单"
			 "（阈值 %.1f）", ISSUE_PRIOR_WEEKS, r->value, r->limit);
		break;
	case GATE_REJECTED_FILE:
		add_file_share_zh(out, r, "某个导出文件中", "被拒收的行占 ");
		break;
	default:
		break;
	}
}
