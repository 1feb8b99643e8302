/*
 * worklist.c - the live worklists over every week (see worklist.h).
 *
 * One pass over the tickets classifies each one completed in the window;
 * the callback rules are the metrics stage's (SPEC §4, §8.13-§8.16): a
 * callback exists when it is no attempt and its time is at or before the
 * as-of, it is valid at or after completion, and a loop is closed by any
 * valid callback strictly later than the first. The lists are a pure
 * function of (set, cfg, as_of).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/chtime.h"
#include "util/csvout.h"
#include "util/mask.h"
#include "stages/metrics.h"
#include "stages/worklist.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const worklist_kind_name[WORKLIST_KINDS] = { "owed", "loops",
							 "unreachable" };

/* The first valid callback of t at as_of, and whether a later one
 * closes it. */
static const struct callback *first_callback(const struct ticket_set *set,
					     const struct ticket *t,
					     int64_t as_of, bool *later)
{
	const struct callback *cbs = ticket_callbacks(set, t), *first = NULL;
	uint32_t i;

	*later = false;
	for (i = 0; i < t->n_cb; i++) {
		const struct callback *cb = &cbs[i];

		if (cb->is_attempt || cb->at > as_of ||
		    cb->at < t->completed_at)
			continue;
		if (!first)
			first = cb;
		else if (cb->at > first->at)
			*later = true;
	}
	return first;
}

static struct worklist_item *push(struct worklist *wl, enum worklist_kind k,
				  size_t *alloc, const struct ticket *t)
{
	struct worklist_item *it;

	ALLOC_GROW(wl->items[k], wl->n[k] + 1, alloc[k]);
	it = &wl->items[k][wl->n[k]++];
	memset(it, 0, sizeof(*it));
	it->ticket = t;
	return it;
}

static int cmp_people(const struct ticket *a, const struct ticket *b)
{
	int c = strcmp(metrics_or_unspecified(a->center),
		       metrics_or_unspecified(b->center));

	return c ? c : strcmp(a->butler, b->butler);
}

static int cmp_due(const void *pa, const void *pb)
{
	const struct worklist_item *a = pa, *b = pb;
	int c = cmp_people(a->ticket, b->ticket);

	if (c)
		return c;
	if (a->due_at != b->due_at)
		return a->due_at < b->due_at ? -1 : 1;
	return strcmp(a->ticket->id, b->ticket->id);
}

static int cmp_loop(const void *pa, const void *pb)
{
	const struct worklist_item *a = pa, *b = pb;
	int c = cmp_people(a->ticket, b->ticket);

	if (c)
		return c;
	if (a->first->at != b->first->at)
		return a->first->at < b->first->at ? -1 : 1;
	return strcmp(a->ticket->id, b->ticket->id);
}

void worklist_compute(const struct ticket_set *set, const struct config *cfg,
		      int64_t as_of, struct worklist *wl)
{
	size_t alloc[WORKLIST_KINDS] = { 0 };
	size_t i;
	int k;

	memset(wl, 0, sizeof(*wl));
	wl->as_of = as_of;
	wl->since = as_of - (int64_t)cfg->worklist_window_days * SECONDS_PER_DAY;
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];
		const struct callback *first;
		struct worklist_item *it;
		bool later;

		if (t->cancelled || t->completed_at == TIME_NONE ||
		    t->completed_at > as_of || t->completed_at < wl->since ||
		    t->type < 0 || t->type >= TYPE_COUNT)
			continue;
		first = first_callback(set, t, as_of, &later);
		if (!first) {
			bool gone = metrics_unreachable(set, t, cfg, as_of);

			it = push(wl, gone ? WORKLIST_UNREACHABLE : WORKLIST_OWED,
				  alloc, t);
			it->due_at = t->completed_at + cfg->sla_seconds[t->type];
			it->overdue = as_of > it->due_at;
			continue;
		}
		if (first->satisfaction == SAT_NONE ||
		    first->satisfaction > SAT_DISSATISFIED || later)
			continue;
		it = push(wl, WORKLIST_LOOPS, alloc, t);
		it->first = first;
		it->days_open = (as_of - first->at) / SECONDS_PER_DAY;
	}
	/* An empty list has no array at all: qsort() wants one. */
	for (k = 0; k < WORKLIST_KINDS; k++)
		if (wl->n[k])
			qsort(wl->items[k], wl->n[k],
			      sizeof(struct worklist_item),
			      k == WORKLIST_LOOPS ? cmp_loop : cmp_due);
}

void worklist_release(struct worklist *wl)
{
	int k;

	for (k = 0; k < WORKLIST_KINDS; k++)
		free(wl->items[k]);
	memset(wl, 0, sizeof(*wl));
}

static void field(struct buf *b, bool *first, const char *s)
{
	if (!*first)
		buf_addch(b, ',');
	*first = false;
	csv_add_field(b, s, strlen(s));
}

const char *const worklist_columns[WORKLIST_KINDS][WORKLIST_MAX_COLUMNS + 1] = {
	{ "服务中心", "管家", "工单编号", "工单类型", "工单子类", "楼栋房号",
	  "业主", "联系电话", "完成时间", "应回访时间", "状态", NULL },
	{ "服务中心", "管家", "工单编号", "工单类型", "工单子类", "楼栋房号",
	  "业主", "联系电话", "首次回访时间", "满意度", "未闭环天数",
	  "整改完成时间", NULL },
	{ "服务中心", "管家", "工单编号", "工单类型", "工单子类", "楼栋房号",
	  "业主", "联系电话", "完成时间", "应回访时间", "状态", NULL },
};

size_t worklist_ncolumns(enum worklist_kind kind)
{
	size_t n = 0;

	while (worklist_columns[kind][n])
		n++;
	return n;
}

/* Appends s and its NUL to text, remembering where it starts. */
static void cell(struct buf *text, size_t *off, size_t *n, const char *s)
{
	off[(*n)++] = text->len;
	buf_adds(text, s);
	buf_addch(text, '\0');
}

static void time_cell(struct buf *text, size_t *off, size_t *n, int64_t t)
{
	char s[CHTIME_BUF];

	if (t == TIME_NONE)
		s[0] = '\0';
	else
		chtime_format(t, s);
	cell(text, off, n, s);
}

size_t worklist_cells(const struct worklist *wl, enum worklist_kind kind,
		      size_t i, const struct config *cfg, struct buf *text,
		      const char *cells[WORKLIST_MAX_COLUMNS])
{
	const struct worklist_item *it = &wl->items[kind][i];
	const struct ticket *t = it->ticket;
	struct buf tmp = BUF_INIT;
	size_t off[WORKLIST_MAX_COLUMNS], n = 0, k;
	char days[24];

	buf_reset(text);
	cell(text, off, &n, metrics_or_unspecified(t->center));
	cell(text, off, &n, metrics_or_unspecified(t->butler));
	cell(text, off, &n, t->id);
	cell(text, off, &n, ticket_type_name[t->type]);
	cell(text, off, &n, metrics_or_unclassified(t->subtype));
	cell(text, off, &n, t->unit);
	if (cfg->mask_names)
		mask_name(&tmp, t->owner);
	else
		buf_adds(&tmp, t->owner);
	cell(text, off, &n, tmp.s ? tmp.s : "");
	buf_reset(&tmp);
	if (cfg->mask_phones)
		mask_phone(&tmp, t->phone);
	else
		buf_adds(&tmp, t->phone);
	cell(text, off, &n, tmp.s ? tmp.s : "");
	if (kind == WORKLIST_LOOPS) {
		time_cell(text, off, &n, it->first->at);
		cell(text, off, &n, satisfaction_name[it->first->satisfaction]);
		snprintf(days, sizeof(days), "%lld", (long long)it->days_open);
		cell(text, off, &n, days);
		/* 整改完成时间 that has not happened yet is unknown. */
		time_cell(text, off, &n, t->rectified_at <= wl->as_of ?
			  t->rectified_at : TIME_NONE);
	} else {
		time_cell(text, off, &n, t->completed_at);
		time_cell(text, off, &n, it->due_at);
		cell(text, off, &n, kind == WORKLIST_UNREACHABLE ? "无法联系" :
			  it->overdue ? "已超时" : "待回访");
	}
	/* The text may have moved while it grew: point into it last. */
	for (k = 0; k < n; k++)
		cells[k] = text->s + off[k];
	buf_release(&tmp);
	return n;
}

void worklist_write_csv(const struct worklist *wl, enum worklist_kind kind,
			const struct config *cfg, struct buf *out)
{
	struct buf text = BUF_INIT;
	const char *cells[WORKLIST_MAX_COLUMNS];
	size_t i, k, n;
	bool first = true;

	buf_adds(out, CSV_BOM);
	for (k = 0; worklist_columns[kind][k]; k++)
		field(out, &first, worklist_columns[kind][k]);
	buf_adds(out, "\r\n");
	for (i = 0; i < wl->n[kind]; i++) {
		n = worklist_cells(wl, kind, i, cfg, &text, cells);
		first = true;
		for (k = 0; k < n; k++)
			field(out, &first, cells[k]);
		buf_adds(out, "\r\n");
	}
	buf_release(&text);
}

/* One (centre, butler) row of the summary. */
struct person {
	const struct ticket *who;
	size_t n[WORKLIST_KINDS];
	size_t overdue;
};

static int cmp_person(const void *pa, const void *pb)
{
	const struct person *a = pa, *b = pb;

	return cmp_people(a->who, b->who);
}

void worklist_write_summary_csv(const struct worklist *wl, struct buf *out)
{
	struct person *p = NULL;
	size_t np = 0, ap = 0, i, j;
	int k;

	for (k = 0; k < WORKLIST_KINDS; k++)
		for (i = 0; i < wl->n[k]; i++) {
			const struct worklist_item *it = &wl->items[k][i];

			for (j = 0; j < np; j++)
				if (!cmp_people(p[j].who, it->ticket))
					break;
			if (j == np) {
				ALLOC_GROW(p, np + 1, ap);
				memset(&p[np], 0, sizeof(*p));
				p[np++].who = it->ticket;
			}
			p[j].n[k]++;
			if (k == WORKLIST_OWED && it->overdue)
				p[j].overdue++;
		}
	if (np)
		qsort(p, np, sizeof(*p), cmp_person);
	buf_adds(out, CSV_BOM "服务中心,管家,待回访,其中已超时,未闭环,无法联系\r\n");
	for (i = 0; i < np; i++) {
		bool first = true;
		char n[4][24];

		field(out, &first, metrics_or_unspecified(p[i].who->center));
		field(out, &first, metrics_or_unspecified(p[i].who->butler));
		snprintf(n[0], sizeof(n[0]), "%zu", p[i].n[WORKLIST_OWED]);
		snprintf(n[1], sizeof(n[1]), "%zu", p[i].overdue);
		snprintf(n[2], sizeof(n[2]), "%zu", p[i].n[WORKLIST_LOOPS]);
		snprintf(n[3], sizeof(n[3]), "%zu",
			 p[i].n[WORKLIST_UNREACHABLE]);
		for (k = 0; k < 4; k++)
			field(out, &first, n[k]);
		buf_adds(out, "\r\n");
	}
	free(p);
}
