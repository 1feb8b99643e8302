/*
 * recdump - prints an ingest artifact (records/, schema huifang.records/2)
 * as the JSON Lines text of schema huifang.records/1, for people and for
 * the golden tests (tests/e2e/golden_ingest.sh).
 *
 *   recdump [--tickets | --callbacks] DIR     DIR is the records/ folder
 *
 * The folder is read with records_read(), so what prints is what the later
 * stages see: one line per ticket (tickets.jsonl's lines), then one line
 * per callback or attempt (callbacks.jsonl's); --tickets or --callbacks
 * prints only the one. Keys with an empty value are left out (absent means
 * "", no time, false or 0); instants are China time. Exits 0, 1 when the
 * artifact cannot be read (the diagnostics on stderr), 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "util/diag.h"
#include "model/records.h"
#include "model/ticket.h"
#include "util/banned.h"

static const char *const source_name[] = { "inline_first", "inline_second",
					   "row" };

/* ,"key": with key a literal. */
#define ADD_KEY(b, key) buf_add((b), ",\"" key "\":", sizeof(key) + 3)

/* Keys with an empty value are left out: absent means "" (or none). */
#define add_key_str(b, key, s)                                              \
	do {                                                                \
		if (*(s)) {                                                 \
			ADD_KEY(b, key);                                    \
			buf_add_json_string(b, s);                          \
		}                                                           \
	} while (0)

#define add_key_time(b, key, t)                                             \
	do {                                                                \
		if ((t) != TIME_NONE) {                                     \
			ADD_KEY(b, key);                                    \
			add_time(b, t);                                     \
		}                                                           \
	} while (0)

static void add_time(struct buf *b, int64_t t)
{
	char out[CHTIME_BUF];

	chtime_format(t, out);
	buf_addch(b, '"');
	buf_adds(b, out);
	buf_addch(b, '"');
}

static void format_ticket(struct buf *b, const struct ticket *t)
{
	buf_add(b, "{\"id\":", 6);
	buf_add_json_string(b, t->id);
	add_key_str(b, "type", ticket_type_name[t->type]);
	add_key_str(b, "type_text", t->type_text);
	add_key_str(b, "subtype", t->subtype);
	add_key_str(b, "center", t->center);
	add_key_str(b, "unit", t->unit);
	add_key_str(b, "owner", t->owner);
	add_key_str(b, "phone", t->phone);
	add_key_str(b, "content", t->content);
	add_key_str(b, "butler", t->butler);
	add_key_str(b, "status", t->status);
	add_key_str(b, "handler", t->handler);
	if (t->cancelled)
		buf_adds(b, ",\"cancelled\":true");
	add_key_time(b, "created_at", t->created_at);
	add_key_time(b, "completed_at", t->completed_at);
	add_key_time(b, "updated_at", t->updated_at);
	add_key_time(b, "rectified_at", t->rectified_at);
	ADD_KEY(b, "file");
	buf_addf(b, "%lu", (unsigned long)t->file);
	ADD_KEY(b, "line");
	buf_addf(b, "%lu", (unsigned long)t->line);
	buf_add(b, "}\n", 2);
}

static void format_callback(struct buf *b, const struct ticket *t,
			    const struct callback *c)
{
	buf_add(b, "{\"ticket\":", 10);
	buf_add_json_string(b, t->id);
	add_key_time(b, "at", c->at);
	add_key_str(b, "source", source_name[c->source]);
	add_key_str(b, "recorder", c->recorder);
	add_key_str(b, "channel", c->channel);
	add_key_str(b, "result", c->result);
	add_key_str(b, "remark", c->remark);
	add_key_str(b, "satisfaction_text", c->satisfaction_text);
	add_key_str(b, "satisfaction", satisfaction_name[c->satisfaction]);
	if (c->is_attempt)
		buf_adds(b, ",\"attempt\":true");
	if (c->date_only)
		buf_adds(b, ",\"date_only\":true");
	if (c->stand_in)
		buf_adds(b, ",\"stand_in\":true");
	if (c->round > 0) {
		ADD_KEY(b, "round");
		buf_addf(b, "%ld", (long)c->round);
	}
	ADD_KEY(b, "file");
	buf_addf(b, "%lu", (unsigned long)c->file);
	ADD_KEY(b, "line");
	buf_addf(b, "%lu", (unsigned long)c->line);
	buf_add(b, "}\n", 2);
}

/* Writes and empties b once it holds a mebibyte, or at the end. */
static void flush(struct buf *b, int force)
{
	if (b->len >= ((size_t)1 << 20) || (force && b->len)) {
		fwrite(b->s, 1, b->len, stdout);
		buf_reset(b);
	}
}

int main(int argc, char **argv)
{
	struct ticket_set set;
	struct diag d;
	struct buf b = BUF_INIT;
	int tickets = 1, callbacks = 1, ret = 1;
	size_t i, k;

	if (argc == 3 && !strcmp(argv[1], "--tickets")) {
		callbacks = 0;
	} else if (argc == 3 && !strcmp(argv[1], "--callbacks")) {
		tickets = 0;
	} else if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: recdump [--tickets | --callbacks] DIR\n", stderr);
		return 2;
	}
	ticket_set_init(&set);
	diag_init(&d);
	if (records_read(&set, argv[argc - 1], &d) < 0) {
		diag_print(stderr, &d);
		goto out;
	}
	for (i = 0; tickets && i < set.ntickets; i++) {
		format_ticket(&b, &set.tickets[i]);
		flush(&b, 0);
	}
	for (i = 0; callbacks && i < set.ntickets; i++) {
		const struct ticket *t = &set.tickets[i];

		for (k = 0; k < t->n_cb; k++)
			format_callback(&b, t, &ticket_callbacks(&set, t)[k]);
		flush(&b, 0);
	}
	flush(&b, 1);
	ret = fflush(stdout) || ferror(stdout) ? 1 : 0;
out:
	buf_release(&b);
	diag_release(&d);
	ticket_set_release(&set);
	return ret;
}
