/*
 * records.c - writing and reading output/records/ (see records.h).
 *
 * Writing streams: each line is formatted into a buffer that is flushed to
 * the temporary file every mebibyte, so a million tickets need no more
 * memory than the set already holds. Reading goes through the JSON Lines
 * reader, one line at a time, and interns the short strings that repeat
 * just as ingest does, so a set read back costs what an ingested one does.
 *
 * Invariant: records_read(records_write(set)) gives a set equal to set in
 * every field ticket.h documents, except rejects[] (only counted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "chtime.h"
#include "jsonread.h"
#include "outfile.h"
#include "records.h"
#include "textio.h"
#include "xalloc.h"
#include "banned.h"

#define FLUSH_AT ((size_t)1 << 20)

static const char *const kind_name[] = { "tickets", "callbacks",
					 "unrecognised" };
static const char *const source_name[] = { "inline_first", "inline_second",
					   "row" };

/* ---- writing ---- */

/* buf_add with the common case, room enough, inline. */
static inline void put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->s + b->len, data, n);
		b->len += n;
		b->s[b->len] = '\0';
	} else {
		buf_add(b, data, n);
	}
}

/* ,"key": with key a literal. */
#define ADD_KEY(b, key) put((b), ",\"" key "\":", sizeof(key) + 3)

static void add_uint(struct buf *b, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, tmp + i, sizeof(tmp) - i);
}

/* Keys with an empty value are left out: absent means "" (or none). */
#define add_key_str(b, key, s)                                              \
	do {                                                                \
		if (*(s)) {                                                 \
			ADD_KEY(b, key);                                    \
			buf_add_json_string(b, s);                                      \
		}                                                           \
	} while (0)

static void add_time(struct buf *b, int64_t t)
{
	char out[CHTIME_BUF + 2];
	size_t n;

	if (t == TIME_NONE) {
		buf_add(b, "null", 4);
		return;
	}
	out[0] = '"';
	chtime_format(t, out + 1);
	n = 1 + strlen(out + 1);
	out[n++] = '"';
	put(b, out, n);
}

#define add_key_time(b, key, t)                                             \
	do {                                                                \
		if ((t) != TIME_NONE) {                                     \
			ADD_KEY(b, key);                                    \
			add_time(b, t);                                     \
		}                                                           \
	} while (0)

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
		put(b, ",\"cancelled\":true", 17);
	add_key_time(b, "created_at", t->created_at);
	add_key_time(b, "completed_at", t->completed_at);
	add_key_time(b, "updated_at", t->updated_at);
	add_key_time(b, "rectified_at", t->rectified_at);
	ADD_KEY(b, "file");
	add_uint(b, t->file);
	ADD_KEY(b, "line");
	add_uint(b, t->line);
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
		put(b, ",\"attempt\":true", 15);
	if (c->round > 0) {
		ADD_KEY(b, "round");
		add_uint(b, (unsigned long long)c->round);
	}
	ADD_KEY(b, "file");
	add_uint(b, c->file);
	ADD_KEY(b, "line");
	add_uint(b, c->line);
	buf_add(b, "}\n", 2);
}

static int flush(struct outfile *of, struct buf *b, bool force)
{
	int rc = 0;

	if (b->len >= FLUSH_AT || (force && b->len)) {
		rc = outfile_write(of, b->s, b->len);
		buf_reset(b);
	}
	return rc;
}

static int write_lines(const struct ticket_set *set, const char *path,
		       bool callbacks, struct buf *err)
{
	struct outfile of;
	struct buf b = BUF_INIT;
	size_t i, k;

	if (outfile_open(&of, path, err) < 0)
		return -1;
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];

		if (!callbacks) {
			format_ticket(&b, t);
		} else {
			for (k = 0; k < t->n_cb; k++)
				format_callback(&b, t,
						&set->callbacks[t->first_cb + k]);
		}
		if (flush(&of, &b, false) < 0)
			break;
	}
	if (flush(&of, &b, true) < 0 || outfile_commit(&of, err) < 0) {
		if (of.fp)
			outfile_rollback(&of);
		if (!err->len)
			buf_addf(err, "%s: write failed", path);
		buf_release(&b);
		return -1;
	}
	buf_release(&b);
	return 0;
}

/*
 * A file name is bytes, not necessarily UTF-8: invalid bytes are written
 * \xNN so that the JSON stays valid.
 */
static void add_safe(struct buf *b, const char *s)
{
	struct buf esc = BUF_INIT;

	text_escape_invalid(&esc, s, strlen(s));
	buf_add_json_string(b, esc.s);
	buf_release(&esc);
}

static void format_summary(const struct ticket_set *set, struct buf *b)
{
	const struct ingest_quality *q = &set->quality;
	size_t i;

	buf_addf(b, "{\n  \"schema\": \"%s\",\n  \"files\": [", RECORDS_SCHEMA);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		buf_adds(b, i ? ",\n    {" : "\n    {");
		buf_adds(b, "\"name\": ");
		add_safe(b, f->name);
		buf_adds(b, ", \"path\": ");
		add_safe(b, f->path);
		buf_adds(b, ", \"kind\": ");
		buf_add_json_string(b, kind_name[f->kind]);
		buf_adds(b, ", \"encoding\": ");
		buf_add_json_string(b, f->encoding ? f->encoding : "");
		buf_adds(b, ", \"why\": ");
		add_safe(b, f->why ? f->why : "");
		buf_adds(b, ", \"sha256\": ");
		buf_add_json_string(b, f->sha256);
		buf_addf(b, ", \"size\": %llu, \"rows_read\": %zu, "
			 "\"accepted\": %zu, \"rejected\": %zu, "
			 "\"superseded\": %zu}",
			 (unsigned long long)f->size, f->rows_read, f->accepted,
			 f->rejected, f->superseded);
	}
	buf_addf(b, "\n  ],\n  \"files_recognised\": %zu,\n"
		 "  \"rows_read\": %zu,\n  \"accepted\": %zu,\n"
		 "  \"rejected\": %zu,\n  \"superseded\": %zu,\n"
		 "  \"tickets\": %zu,\n  \"callbacks\": %zu,\n",
		 set->files_recognised, set->rows_read, set->accepted,
		 set->rejected, set->superseded, set->ntickets,
		 set->ncallbacks);
	buf_addf(b, "  \"quality\": {\"orphan_callbacks\": %zu, "
		 "\"unrated_satisfaction\": %zu, \"unknown_subtype\": %zu, "
		 "\"superseded_tickets\": %zu, \"superseded_callbacks\": %zu, "
		 "\"rejected_by_reason\": {",
		 q->orphan_callbacks, q->unrated_satisfaction,
		 q->unknown_subtype, q->superseded_tickets,
		 q->superseded_callbacks);
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		buf_addf(b, "%s\"%s\": %zu", i ? ", " : "",
			 reject_reason_code[i], q->reasons[i]);
	buf_adds(b, "}}\n}\n");
}

int records_write(const struct ticket_set *set, const char *dir,
		  struct buf *err)
{
	struct buf path = BUF_INIT, summary = BUF_INIT;
	int ret = -1;

	if (mkdir_p(dir, err) < 0)
		goto out;
	buf_addf(&path, "%s/tickets.jsonl", dir);
	if (write_lines(set, path.s, false, err) < 0)
		goto out;
	buf_reset(&path);
	buf_addf(&path, "%s/callbacks.jsonl", dir);
	if (write_lines(set, path.s, true, err) < 0)
		goto out;
	/* The summary last: its presence says the other two are whole. */
	buf_reset(&path);
	buf_addf(&path, "%s/summary.json", dir);
	format_summary(set, &summary);
	if (outfile_write_all(path.s, summary.s, summary.len, err) < 0)
		goto out;
	ret = 0;
out:
	buf_release(&path);
	buf_release(&summary);
	return ret;
}

/* ---- reading ---- */

struct pool {
	const char **slot;
	size_t cap, n;
};

static const char *pooled(struct pool *p, struct arena *a, const char *s)
{
	uint32_t h = 2166136261u;
	const unsigned char *q;
	size_t i;

	if (!*s)
		return "";
	if (p->n * 2 >= p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024, j;
		const char **slot = xcalloc(cap, sizeof(*slot));

		for (j = 0; j < p->cap; j++) {
			uint32_t g = 2166136261u;

			if (!p->slot[j])
				continue;
			for (q = (const unsigned char *)p->slot[j]; *q; q++)
				g = (g ^ *q) * 16777619u;
			i = g & (cap - 1);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = p->slot[j];
		}
		free(p->slot);
		p->slot = slot;
		p->cap = cap;
	}
	for (q = (const unsigned char *)s; *q; q++)
		h = (h ^ *q) * 16777619u;
	i = h & (p->cap - 1);
	while (p->slot[i]) {
		if (!strcmp(p->slot[i], s))
			return p->slot[i];
		i = (i + 1) & (p->cap - 1);
	}
	p->slot[i] = arena_strdup(a, s);
	p->n++;
	return p->slot[i];
}

struct reader {
	struct ticket_set *set;
	struct pool pool;
	struct diag *d;
	const char *path;
	uint32_t line;
	int bad;
	size_t alloc_tickets, alloc_callbacks;
};

/* A key that must be there (absent keys elsewhere mean "" or none). */
static const cJSON *item(struct reader *r, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v && !r->bad) {
		diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
			    "missing key '%s'", key);
		r->bad = 1;
	}
	return v;
}

static const char *get_str(struct reader *r, const cJSON *o, const char *key,
			   bool pool)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		return "";
	if (!cJSON_IsString(v)) {
		if (v && !r->bad) {
			diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
				    "key '%s' is not a string", key);
			r->bad = 1;
		}
		return "";
	}
	return pool ? pooled(&r->pool, &r->set->arena, v->valuestring)
		    : arena_strdup(&r->set->arena, v->valuestring);
}

static int64_t get_time(struct reader *r, const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	int64_t t;

	if (cJSON_IsNull(v) || !v)
		return TIME_NONE;
	if (!cJSON_IsString(v) ||
	    chtime_parse(v->valuestring, strlen(v->valuestring), &t) < 0) {
		if (!r->bad)
			diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
				    "key '%s' is not a time", key);
		r->bad = 1;
		return TIME_NONE;
	}
	return t;
}

static double get_num(struct reader *r, const cJSON *o, const char *key)
{
	const cJSON *v = item(r, o, key);

	if (!cJSON_IsNumber(v)) {
		if (v && !r->bad)
			diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
				    "key '%s' is not a number", key);
		r->bad = 1;
		return 0;
	}
	return v->valuedouble;
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static void read_ticket(struct reader *r, const cJSON *o, struct ticket *t)
{
	const char *type;

	memset(t, 0, sizeof(*t));
	t->id = get_str(r, o, "id", false);
	type = get_str(r, o, "type", true);
	t->type = (int8_t)name_index(ticket_type_name, TYPE_COUNT, type);
	if (t->type < 0 && !r->bad) {
		diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
			    "unknown type '%s'", type);
		r->bad = 1;
	}
	t->type_text = get_str(r, o, "type_text", true);
	t->subtype = get_str(r, o, "subtype", true);
	t->center = get_str(r, o, "center", true);
	t->unit = get_str(r, o, "unit", false);
	t->owner = get_str(r, o, "owner", false);
	t->phone = get_str(r, o, "phone", false);
	t->content = get_str(r, o, "content", false);
	t->butler = get_str(r, o, "butler", true);
	t->status = get_str(r, o, "status", true);
	t->handler = get_str(r, o, "handler", true);
	t->cancelled = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
								      "cancelled"));
	t->created_at = get_time(r, o, "created_at");
	t->completed_at = get_time(r, o, "completed_at");
	t->updated_at = get_time(r, o, "updated_at");
	t->rectified_at = get_time(r, o, "rectified_at");
	t->file = (uint32_t)get_num(r, o, "file");
	t->line = (uint32_t)get_num(r, o, "line");
}

static void read_callback(struct reader *r, const cJSON *o,
			  struct callback *c)
{
	const char *s;
	int k;

	memset(c, 0, sizeof(*c));
	c->at = get_time(r, o, "at");
	s = get_str(r, o, "source", true);
	k = name_index(source_name, 3, s);
	c->source = (uint8_t)(k < 0 ? CB_ROW : k);
	c->recorder = get_str(r, o, "recorder", true);
	c->channel = get_str(r, o, "channel", true);
	c->result = get_str(r, o, "result", true);
	c->remark = get_str(r, o, "remark", false);
	c->satisfaction_text = get_str(r, o, "satisfaction_text", true);
	s = get_str(r, o, "satisfaction", true);
	k = *s ? name_index(satisfaction_name, 6, s) : SAT_NONE;
	c->satisfaction = (uint8_t)(k < 0 ? SAT_NONE : k);
	c->is_attempt = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o,
								       "attempt"));
	c->round = cJSON_GetObjectItemCaseSensitive(o, "round") ?
		   (int32_t)get_num(r, o, "round") : 0;
	c->file = (uint32_t)get_num(r, o, "file");
	c->line = (uint32_t)get_num(r, o, "line");
	if (c->at == TIME_NONE && !r->bad) {
		diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
			    "a callback without a time");
		r->bad = 1;
	}
}

/* Reads every line of path, calling fn on each object. */
static int read_jsonl(struct reader *r, const char *path,
		      void (*fn)(struct reader *, const cJSON *))
{
	struct buf err = BUF_INIT;
	struct json_reader *jr = json_reader_open(path, true, &err);
	struct json_record rec;
	int rc;

	r->path = path;
	if (!jr) {
		diag_report(r->d, DIAG_ERROR, NULL, 0, 0, "%s", err.s);
		buf_release(&err);
		return -1;
	}
	while (!r->bad && (rc = json_reader_next(jr, &rec, &err)) > 0) {
		r->line = rec.line;
		if (!rec.obj) {
			diag_report(r->d, DIAG_ERROR, path, rec.error_line,
				    rec.error_column, "%s", rec.error);
			r->bad = 1;
			break;
		}
		fn(r, rec.obj);
	}
	json_reader_free(jr);
	buf_release(&err);
	return r->bad ? -1 : 0;
}

static void on_ticket(struct reader *r, const cJSON *o)
{
	struct ticket_set *set = r->set;

	ALLOC_GROW(set->tickets, set->ntickets + 1, r->alloc_tickets);
	read_ticket(r, o, &set->tickets[set->ntickets]);
	if (set->ntickets &&
	    strcmp(set->tickets[set->ntickets - 1].id,
		   set->tickets[set->ntickets].id) >= 0 && !r->bad) {
		diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
			    "tickets are not sorted by number");
		r->bad = 1;
	}
	set->ntickets++;
}

static void on_callback(struct reader *r, const cJSON *o)
{
	struct ticket_set *set = r->set;
	const cJSON *id = item(r, o, "ticket");
	struct ticket *t;

	if (!cJSON_IsString(id))
		return;
	t = (struct ticket *)ticket_set_find(set, id->valuestring);
	if (!t) {
		if (!r->bad)
			diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
				    "callback on unknown ticket '%s'",
				    id->valuestring);
		r->bad = 1;
		return;
	}
	if (t->n_cb && t->first_cb + t->n_cb != set->ncallbacks) {
		if (!r->bad)
			diag_report(r->d, DIAG_ERROR, r->path, r->line, 0,
				    "callbacks of ticket '%s' are not together",
				    id->valuestring);
		r->bad = 1;
		return;
	}
	ALLOC_GROW(set->callbacks, set->ncallbacks + 1, r->alloc_callbacks);
	read_callback(r, o, &set->callbacks[set->ncallbacks]);
	if (!t->n_cb)
		t->first_cb = (uint32_t)set->ncallbacks;
	t->n_cb++;
	set->ncallbacks++;
}

static size_t get_count(struct reader *r, const cJSON *o, const char *key)
{
	double v = get_num(r, o, key);

	return v > 0 ? (size_t)v : 0;
}

static int read_summary(struct reader *r, const char *path)
{
	struct ticket_set *set = r->set;
	struct buf text = BUF_INIT;
	const cJSON *files, *f, *q, *by;
	cJSON *root = NULL;
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n, i;
	int ret = -1;

	r->path = path;
	r->line = 0;
	if (!fp) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0,
			    "cannot read: no ingest artifact here (run "
			    "'huifang ingest' first)");
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&text, chunk, n);
	fclose(fp);
	root = cJSON_ParseWithLength(text.s, text.len);
	if (!root || !cJSON_IsObject(root)) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0, "not JSON");
		goto out;
	}
	f = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsString(f) || strcmp(f->valuestring, RECORDS_SCHEMA)) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0,
			    "schema is not '%s'", RECORDS_SCHEMA);
		goto out;
	}
	files = item(r, root, "files");
	set->files = xcalloc((size_t)cJSON_GetArraySize(files) + 1,
			     sizeof(*set->files));
	cJSON_ArrayForEach(f, files) {
		struct input_file *in = &set->files[set->nfiles++];
		const char *kind;
		const cJSON *sha;
		int k;

		in->name = get_str(r, f, "name", false);
		in->path = get_str(r, f, "path", false);
		kind = get_str(r, f, "kind", true);
		k = name_index(kind_name, 3, kind);
		in->kind = (uint8_t)(k < 0 ? FILE_UNRECOGNISED : k);
		in->encoding = get_str(r, f, "encoding", true);
		in->why = get_str(r, f, "why", false);
		sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
		if (cJSON_IsString(sha) && strlen(sha->valuestring) < 65)
			memcpy(in->sha256, sha->valuestring,
			       strlen(sha->valuestring) + 1);
		in->size = (uint64_t)get_num(r, f, "size");
		in->rows_read = get_count(r, f, "rows_read");
		in->accepted = get_count(r, f, "accepted");
		in->rejected = get_count(r, f, "rejected");
		in->superseded = get_count(r, f, "superseded");
	}
	set->files_recognised = get_count(r, root, "files_recognised");
	set->rows_read = get_count(r, root, "rows_read");
	set->accepted = get_count(r, root, "accepted");
	set->rejected = get_count(r, root, "rejected");
	set->superseded = get_count(r, root, "superseded");
	q = item(r, root, "quality");
	if (q) {
		set->quality.orphan_callbacks = get_count(r, q, "orphan_callbacks");
		set->quality.unrated_satisfaction =
			get_count(r, q, "unrated_satisfaction");
		set->quality.unknown_subtype = get_count(r, q, "unknown_subtype");
		set->quality.superseded_tickets =
			get_count(r, q, "superseded_tickets");
		set->quality.superseded_callbacks =
			get_count(r, q, "superseded_callbacks");
		by = item(r, q, "rejected_by_reason");
		for (i = 0; by && i < REJECT_REASON_COUNT; i++)
			set->quality.reasons[i] =
				get_count(r, by, reject_reason_code[i]);
	}
	ret = r->bad ? -1 : 0;
out:
	cJSON_Delete(root);
	buf_release(&text);
	return ret;
}

int records_read(struct ticket_set *set, const char *dir, struct diag *d)
{
	struct reader r;
	struct buf path = BUF_INIT;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	r.set = set;
	r.d = d;
	buf_addf(&path, "%s/summary.json", dir);
	if (read_summary(&r, path.s) < 0)
		goto out;
	buf_reset(&path);
	buf_addf(&path, "%s/tickets.jsonl", dir);
	if (read_jsonl(&r, path.s, on_ticket) < 0)
		goto out;
	buf_reset(&path);
	buf_addf(&path, "%s/callbacks.jsonl", dir);
	if (read_jsonl(&r, path.s, on_callback) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		ticket_set_release(set);
	free(r.pool.slot);
	buf_release(&path);
	return ret;
}
