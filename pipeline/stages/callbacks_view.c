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

/* ", "key": "value"" (or without the comma for the first key). */
static void field(struct buf *b, const char *key, const char *value,
		  int first)
{
	if (!first)
		buf_add(b, ", ", 2);
	buf_add_json_string(b, key);
	buf_add(b, ": ", 2);
	buf_add_json_string(b, value);
}

static void write_row(struct buf *out, const struct row *r,
		      const struct config *cfg, struct buf *tmp)
{
	const struct ticket *t = r->ticket;
	const struct callback *cb = r->cb;
	char when[CHTIME_BUF], minute[17];

	buf_adds(out, "    {");
	field(out, "center", metrics_or_unspecified(t->center), 1);
	field(out, "butler", t->butler, 0);
	/* "date" is the time to the minute: "YYYY-MM-DD HH:MM". */
	chtime_format(cb->at, when);
	memcpy(minute, when, 16);
	minute[16] = '\0';
	field(out, "date", minute, 0);
	field(out, "at", when, 0);
	field(out, "ticket", t->id, 0);
	field(out, "unit", t->unit, 0);
	buf_reset(tmp);
	if (cfg->mask_names)
		mask_name(tmp, t->owner);
	else
		buf_adds(tmp, t->owner);
	field(out, "owner", tmp->s, 0);
	field(out, "type", ticket_type_name[t->type], 0);
	buf_reset(tmp);
	buf_adds(tmp, ticket_type_name[t->type]);
	if (*t->subtype) {
		buf_addch(tmp, '/');
		buf_adds(tmp, t->subtype);
	}
	field(out, "category", tmp->s, 0);
	buf_reset(tmp);
	if (cfg->mask_free_text)
		mask_free_text_of(tmp, t->content,
				  cfg->mask_names ? t->owner : NULL);
	else
		buf_adds(tmp, t->content);
	field(out, "issue", tmp->s, 0);
	field(out, "channel", cb->channel, 0);
	field(out, "result", cb->result, 0);
	field(out, "satisfaction", satisfaction_name[cb->satisfaction], 0);
	buf_reset(tmp);
	if (cfg->mask_free_text)
		mask_free_text_of(tmp, cb->remark,
				  cfg->mask_names ? t->owner : NULL);
	else
		buf_adds(tmp, cb->remark);
	field(out, "remark", tmp->s, 0);
	field(out, "recorder", cb->recorder, 0);
	buf_addf(out, ", \"round\": %d}", r->round);
}

void callbacks_view_write_json(const struct metrics *m,
			       const struct ticket_set *set,
			       const struct config *cfg, struct buf *out)
{
	struct row *rows = NULL;
	struct buf tmp = BUF_INIT;
	size_t nrows = 0, alloc = 0, i;
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
	buf_adds(out, "{\n  \"schema\": \"huifang.callbacks/1\",\n  \"week\": ");
	buf_add_json_string(out, week);
	buf_adds(out, ",\n  \"masked\": ");
	buf_adds(out, cfg->mask_names || cfg->mask_free_text ? "true" : "false");
	buf_adds(out, ",\n  \"rows\": [");
	for (i = 0; i < nrows; i++) {
		buf_adds(out, i ? ",\n" : "\n");
		write_row(out, &rows[i], cfg, &tmp);
	}
	buf_adds(out, nrows ? "\n  ]\n}\n" : "]\n}\n");
	buf_release(&tmp);
	free(rows);
}
