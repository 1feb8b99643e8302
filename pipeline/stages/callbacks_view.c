/*
 * callbacks_view.c - records.json, the rows of the 《回访记录表》.
 *
 * One row per callback (attempts are not callbacks) on an accepted ticket
 * with its time in the report week [Monday 00:00, next Monday 00:00) and at
 * or before as-of, sorted by centre, butler, time, ticket (and, for two
 * callbacks of one ticket at one instant, in rule 14's order). A row's
 * round is 1 for the ticket's earliest callback that exists at as-of and 2
 * for every later one. Owner names and free text are masked unless the
 * config says otherwise. Everything written is a pure function of the set,
 * the config and m's week and as-of; each row is one line of the output.
 */
#include <stdlib.h>
#include <string.h>

#include "stages/callbacks_view.h"
#include "util/jsonw.h"
#include "util/mask.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct row {
	const struct ticket *ticket;
	const struct callback *cb;
	int round;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(metrics_or_unspecified(x->ticket->center),
		       metrics_or_unspecified(y->ticket->center));

	if (c)
		return c;
	c = strcmp(x->ticket->butler, y->ticket->butler);
	if (c)
		return c;
	if (x->cb->at != y->cb->at)
		return x->cb->at < y->cb->at ? -1 : 1;
	c = strcmp(x->ticket->id, y->ticket->id);
	if (c)
		return c;
	/* One ticket's callbacks are already in rule 14's order. */
	return (x->cb > y->cb) - (x->cb < y->cb);
}

static void write_row(struct jsonw *w, const struct row *r,
		      const struct config *cfg, struct buf *tmp)
{
	const struct ticket *t = r->ticket;
	const struct callback *cb = r->cb;
	char when[CHTIME_BUF], minute[17];

	jsonw_open(w, NULL, '{', JSONW_INLINE);
	jsonw_str(w, "center", metrics_or_unspecified(t->center));
	jsonw_str(w, "butler", t->butler);
	/* "date" is the time to the minute: "YYYY-MM-DD HH:MM". */
	chtime_format(cb->at, when);
	memcpy(minute, when, 16);
	minute[16] = '\0';
	jsonw_str(w, "date", minute);
	jsonw_str(w, "at", when);
	jsonw_str(w, "ticket", t->id);
	jsonw_str(w, "unit", t->unit);
	buf_reset(tmp);
	if (cfg->mask_names)
		mask_name(tmp, t->owner);
	else
		buf_adds(tmp, t->owner);
	jsonw_str(w, "owner", tmp->s);
	jsonw_str(w, "type", ticket_type_name[t->type]);
	buf_reset(tmp);
	buf_adds(tmp, ticket_type_name[t->type]);
	if (*t->subtype) {
		buf_addch(tmp, '/');
		buf_adds(tmp, t->subtype);
	}
	jsonw_str(w, "category", tmp->s);
	buf_reset(tmp);
	if (cfg->mask_free_text)
		mask_free_text_of(tmp, t->content,
				  cfg->mask_names ? t->owner : NULL);
	else
		buf_adds(tmp, t->content);
	jsonw_str(w, "issue", tmp->s);
	jsonw_str(w, "channel", cb->channel);
	jsonw_str(w, "result", cb->result);
	jsonw_str(w, "satisfaction", satisfaction_name[cb->satisfaction]);
	buf_reset(tmp);
	if (cfg->mask_free_text)
		mask_free_text_of(tmp, cb->remark,
				  cfg->mask_names ? t->owner : NULL);
	else
		buf_adds(tmp, cb->remark);
	jsonw_str(w, "remark", tmp->s);
	jsonw_str(w, "recorder", cb->recorder);
	jsonw_int(w, "round", r->round);
	jsonw_close(w);
}

void callbacks_view_write_json(const struct metrics *m,
			       const struct ticket_set *set,
			       const struct config *cfg, struct buf *out)
{
	struct row *rows = NULL;
	struct buf tmp = BUF_INIT;
	size_t nrows = 0, alloc = 0, i;
	struct jsonw w;
	char week[16];

	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];
		const struct callback *cbs = ticket_callbacks(set, t);
		int round = 1;
		uint32_t k;

		if (t->type < 0 || t->type >= TYPE_COUNT)
			continue;
		for (k = 0; k < t->n_cb; k++) {
			const struct callback *cb = &cbs[k];

			if (cb->is_attempt || cb->at > m->as_of)
				continue;
			if (cb->at >= m->week_start && cb->at < m->week_end) {
				ALLOC_GROW(rows, nrows + 1, alloc);
				rows[nrows].ticket = t;
				rows[nrows].cb = cb;
				rows[nrows].round = round;
				nrows++;
			}
			round = 2;
		}
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_row);

	chtime_format_week(m->week, week);
	jsonw_init(&w, out);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.callbacks/1");
	jsonw_str(&w, "week", week);
	jsonw_bool(&w, "masked", cfg->mask_names || cfg->mask_free_text);
	jsonw_open(&w, "rows", '[', JSONW_BLOCK);
	for (i = 0; i < nrows; i++)
		write_row(&w, &rows[i], cfg, &tmp);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
	buf_release(&tmp);
	free(rows);
}
