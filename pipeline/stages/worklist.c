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
#include "util/jsonw.h"
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

/*
 * wl->people: every list is sorted by (centre, butler) first, so one
 * merge over the three lists finds each person once, in order, and the
 * run of items each list holds for them.
 */
static void find_people(struct worklist *wl)
{
	size_t at[WORKLIST_KINDS] = { 0 }, alloc = 0;
	int k;

	for (;;) {
		const struct ticket *who = NULL;
		struct worklist_person *p;

		for (k = 0; k < WORKLIST_KINDS; k++)
			if (at[k] < wl->n[k] &&
			    (!who || cmp_people(wl->items[k][at[k]].ticket,
						who) < 0))
				who = wl->items[k][at[k]].ticket;
		if (!who)
			break;
		ALLOC_GROW(wl->people, wl->npeople + 1, alloc);
		p = &wl->people[wl->npeople++];
		memset(p, 0, sizeof(*p));
		p->center = metrics_or_unspecified(who->center);
		p->butler = who->butler;
		for (k = 0; k < WORKLIST_KINDS; k++) {
			p->first[k] = at[k];
			while (at[k] < wl->n[k] &&
			       !cmp_people(wl->items[k][at[k]].ticket, who)) {
				if (k == WORKLIST_OWED &&
				    wl->items[k][at[k]].overdue)
					p->overdue++;
				at[k]++;
			}
			p->n[k] = at[k] - p->first[k];
		}
	}
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
	wl->window_days = cfg->worklist_window_days;
	find_people(wl);
}

void worklist_release(struct worklist *wl)
{
	int k;

	for (k = 0; k < WORKLIST_KINDS; k++)
		free(wl->items[k]);
	free(wl->people);
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

bool worklist_shows_personal_data(const struct config *cfg)
{
	return !cfg->worklist_mask_names || !cfg->worklist_mask_phones;
}

/* The owner's name and phone as who may see them. */
static void owner_cells(const struct ticket *t, enum worklist_audience who,
			const struct config *cfg, struct buf *name,
			struct buf *phone)
{
	bool butler = who == WORKLIST_FOR_BUTLER;

	if (butler ? cfg->worklist_mask_names : cfg->mask_names)
		mask_name(name, t->owner);
	else
		buf_adds(name, t->owner);
	if (butler ? cfg->worklist_mask_phones : cfg->mask_phones)
		mask_phone(phone, t->phone);
	else
		buf_adds(phone, t->phone);
}

size_t worklist_cells(const struct worklist *wl, enum worklist_kind kind,
		      size_t i, enum worklist_audience who,
		      const struct config *cfg, struct buf *text,
		      const char *cells[WORKLIST_MAX_COLUMNS])
{
	const struct worklist_item *it = &wl->items[kind][i];
	const struct ticket *t = it->ticket;
	struct buf name = BUF_INIT, phone = BUF_INIT;
	size_t off[WORKLIST_MAX_COLUMNS], n = 0, k;
	char days[24];

	buf_reset(text);
	cell(text, off, &n, metrics_or_unspecified(t->center));
	cell(text, off, &n, metrics_or_unspecified(t->butler));
	cell(text, off, &n, t->id);
	cell(text, off, &n, ticket_type_name[t->type]);
	cell(text, off, &n, metrics_or_unclassified(t->subtype));
	cell(text, off, &n, t->unit);
	owner_cells(t, who, cfg, &name, &phone);
	cell(text, off, &n, name.s ? name.s : "");
	cell(text, off, &n, phone.s ? phone.s : "");
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
	buf_release(&name);
	buf_release(&phone);
	return n;
}

void worklist_write_csv(const struct worklist *wl, enum worklist_kind kind,
			enum worklist_audience who, const struct config *cfg,
			struct buf *out)
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
		n = worklist_cells(wl, kind, i, who, cfg, &text, cells);
		first = true;
		for (k = 0; k < n; k++)
			field(out, &first, cells[k]);
		buf_adds(out, "\r\n");
	}
	buf_release(&text);
}

void worklist_write_summary_csv(const struct worklist *wl, struct buf *out)
{
	size_t i;
	int k;

	buf_adds(out, CSV_BOM "服务中心,管家,待回访,其中已超时,未闭环,无法联系\r\n");
	for (i = 0; i < wl->npeople; i++) {
		const struct worklist_person *p = &wl->people[i];
		bool first = true;
		char n[4][24];

		field(out, &first, p->center);
		field(out, &first, metrics_or_unspecified(p->butler));
		snprintf(n[0], sizeof(n[0]), "%zu", p->n[WORKLIST_OWED]);
		snprintf(n[1], sizeof(n[1]), "%zu", p->overdue);
		snprintf(n[2], sizeof(n[2]), "%zu", p->n[WORKLIST_LOOPS]);
		snprintf(n[3], sizeof(n[3]), "%zu", p->n[WORKLIST_UNREACHABLE]);
		for (k = 0; k < 4; k++)
			field(out, &first, n[k]);
		buf_adds(out, "\r\n");
	}
}

/* One item of the site's view, masked as masking.* says. */
static void json_item(struct jsonw *w, const struct worklist *wl,
		      enum worklist_kind kind, const struct worklist_item *it,
		      const struct config *cfg)
{
	const struct ticket *t = it->ticket;
	struct buf name = BUF_INIT, phone = BUF_INIT;

	owner_cells(t, WORKLIST_FOR_SITE, cfg, &name, &phone);
	jsonw_open(w, NULL, '{', JSONW_INLINE);
	jsonw_str(w, "ticket", t->id);
	jsonw_str(w, "type", ticket_type_name[t->type]);
	jsonw_str(w, "subtype", metrics_or_unclassified(t->subtype));
	jsonw_str(w, "center", metrics_or_unspecified(t->center));
	jsonw_str(w, "butler", t->butler);
	jsonw_str(w, "unit", t->unit);
	jsonw_str(w, "owner", name.s ? name.s : "");
	jsonw_str(w, "phone", phone.s ? phone.s : "");
	jsonw_time(w, "completed_at", t->completed_at);
	if (kind == WORKLIST_LOOPS) {
		jsonw_time(w, "first_callback_at", it->first->at);
		jsonw_str(w, "satisfaction",
			  satisfaction_name[it->first->satisfaction]);
		jsonw_int(w, "days_open", it->days_open);
		jsonw_time(w, "rectified_at", t->rectified_at <= wl->as_of ?
			   t->rectified_at : TIME_NONE);
	} else {
		jsonw_time(w, "due_at", it->due_at);
		jsonw_bool(w, "overdue", it->overdue);
	}
	jsonw_close(w);
	buf_release(&name);
	buf_release(&phone);
}

/* The counts of n people summed, as an object (with its centre). */
static void json_counts(struct jsonw *w, const char *key, const char *center,
			const struct worklist_person *p, size_t n)
{
	size_t sum[WORKLIST_KINDS] = { 0 }, overdue = 0, i;
	int k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < WORKLIST_KINDS; k++)
			sum[k] += p[i].n[k];
		overdue += p[i].overdue;
	}
	jsonw_open(w, key, '{', JSONW_INLINE);
	if (center)
		jsonw_str(w, "center", center);
	jsonw_uint(w, "owed", sum[WORKLIST_OWED]);
	jsonw_uint(w, "overdue", overdue);
	jsonw_uint(w, "loops", sum[WORKLIST_LOOPS]);
	jsonw_uint(w, "unreachable", sum[WORKLIST_UNREACHABLE]);
	jsonw_close(w);
}

void worklist_write_json(const struct worklist *wl, const struct config *cfg,
			 struct buf *out)
{
	struct jsonw w;
	size_t i, j;
	int k;

	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.worklists/1");
	jsonw_time(&w, "as_of", wl->as_of);
	jsonw_time(&w, "since", wl->since);
	jsonw_uint(&w, "window_days", wl->window_days);
	/* The sums the pages show: the whole company, then each centre. */
	json_counts(&w, "totals", NULL, wl->people, wl->npeople);
	jsonw_open(&w, "centers", '[', JSONW_BLOCK);
	for (i = 0; i < wl->npeople; i = j) {
		for (j = i + 1; j < wl->npeople &&
		     !strcmp(wl->people[j].center, wl->people[i].center); j++)
			;
		json_counts(&w, NULL, wl->people[i].center, &wl->people[i],
			    j - i);
	}
	jsonw_close(&w);
	jsonw_open(&w, "people", '[', JSONW_BLOCK);
	for (i = 0; i < wl->npeople; i++) {
		const struct worklist_person *p = &wl->people[i];

		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "center", p->center);
		jsonw_str(&w, "butler", p->butler);
		jsonw_uint(&w, "owed", p->n[WORKLIST_OWED]);
		jsonw_uint(&w, "overdue", p->overdue);
		jsonw_uint(&w, "loops", p->n[WORKLIST_LOOPS]);
		jsonw_uint(&w, "unreachable", p->n[WORKLIST_UNREACHABLE]);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	for (k = 0; k < WORKLIST_KINDS; k++) {
		jsonw_open(&w, worklist_kind_name[k], '[', JSONW_BLOCK);
		for (i = 0; i < wl->n[k]; i++)
			json_item(&w, wl, (enum worklist_kind)k,
				  &wl->items[k][i], cfg);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_end(&w);
}
