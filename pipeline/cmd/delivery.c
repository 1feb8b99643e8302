/*
 * delivery.c - mails each issued revision's PDFs once (see delivery.h).
 *
 * The ledger, <output>/delivery.json, is the one record of what was
 * sent: a message is (week, revision, recipient group), the group being
 * the management or one centre. Its states: "sending" (written before
 * the command runs), "sent", "failed" (tried again every night while
 * that revision is the week's current one), "superseded" (it failed,
 * and a newer revision replaced it), "no_report" (the centre has no
 * report that week) and "unknown" (found "sending" at the start of a
 * night: the process died between handing the message over and
 * recording the result, so it may have gone; it is never retried by
 * itself, see docs/delivery.md). "recipients_since" holds, per group,
 * the as-of of the night it first appeared; older revisions are not
 * mailed to it, so that enabling delivery (or adding a centre) does not
 * mail the whole history.
 *
 * Everything a mail says comes from the issued metrics.json and the PDF
 * on disk; a centre's name is hostile text, and reaches the message only
 * through ops/mail.h's encoders or as UTF-8 text in a base64 body, with
 * its control characters made visible.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cJSON.h>

#include "cmd/delivery.h"
#include "cmd/pipeline.h"
#include "model/config.h"
#include "model/period.h"
#include "model/ticket.h"
#include "ops/mail.h"
#include "ops/paths.h"
#include "ops/retention.h"
#include "ops/weekdir.h"
#include "report/render.h"
#include "util/buf.h"
#include "util/chtime.h"
#include "util/jsonw.h"
#include "util/outfile.h"
#include "util/sha256.h"
#include "util/string_list.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define LEDGER "delivery.json"

struct entry {
	char week[16];
	unsigned revision;
	char *center;              /* NULL: management */
	char *status;
	char *file, *sha256, *message_id, *error;
	char *first_attempt, *last_attempt;
	struct string_list to;
	unsigned attempts;
};

struct ledger {
	struct entry *v;
	size_t n, alloc;
	/* recipients_since: "management" or a centre's name -> as-of */
	struct string_list since_key, since_at;
	char *path;
};

struct run {
	const struct pipeline *p;
	const struct config *cfg;
	const struct delivery_config *dc;
	struct ledger lg;
	char *templates;
	struct delivery_result *res;
	const char **argv;         /* the command, NULL-terminated */
	char now[CHTIME_BUF];      /* the wall clock, for the ledger */
	char as_of[CHTIME_BUF];
};

/* ---- messages ---------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void say(const struct pipeline *p, enum diag_level level,
		const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	struct diag_entry e;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	memset(&e, 0, sizeof(e));
	e.level = level;
	e.message = msg.s;
	e.code = "delivery";
	if (p->sink && p->sink->emit)
		p->sink->emit(p->sink->arg, PIPELINE_RUN, &e);
	buf_release(&msg);
}

/* A centre's name as it may appear in a log line or a body. */
static void add_name(struct buf *out, const char *name)
{
	text_escape_controls(out, name, strlen(name));
}

/* ---- the ledger -------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static struct entry *entry_add(struct ledger *lg)
{
	struct entry *e;

	if (lg->n == lg->alloc) {
		lg->alloc = lg->alloc ? 2 * lg->alloc : 16;
		lg->v = xrealloc(lg->v, lg->alloc * sizeof(*lg->v));
	}
	e = &lg->v[lg->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static void entry_set(char **field, const char *value)
{
	free(*field);
	*field = dup_or_null(value);
}

static void entry_release(struct entry *e)
{
	free(e->center);
	free(e->status);
	free(e->file);
	free(e->sha256);
	free(e->message_id);
	free(e->error);
	free(e->first_attempt);
	free(e->last_attempt);
	string_list_clear(&e->to);
}

/*
 * Drops the entries of weeks the retention deleted (weeks lists those
 * left, and the months and quarters): no message of theirs can be sent
 * again, and the file stays the size of the retained weeks.
 */
static void ledger_prune(struct ledger *lg, const struct string_list *weeks)
{
	size_t i, kept = 0;

	for (i = 0; i < lg->n; i++) {
		if (string_list_has(weeks, lg->v[i].week))
			lg->v[kept++] = lg->v[i];
		else
			entry_release(&lg->v[i]);
	}
	lg->n = kept;
}

static void ledger_release(struct ledger *lg)
{
	size_t i;

	for (i = 0; i < lg->n; i++)
		entry_release(&lg->v[i]);
	free(lg->v);
	string_list_clear(&lg->since_key);
	string_list_clear(&lg->since_at);
	free(lg->path);
	memset(lg, 0, sizeof(*lg));
}

/* Reads the file text into b: 1 when it exists, 0 when not, -1 on error. */
static int read_text(const char *path, struct buf *b, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	int r;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = buf_read_stream(b, f);
	if (r < 0)
		buf_addf(err, "%s: %s", path, strerror(errno));
	fclose(f);
	return r < 0 ? -1 : 1;
}

/* 0, or -1 with err set when the ledger exists and cannot be read. */
static int ledger_load(struct ledger *lg, const char *output, struct buf *err)
{
	struct buf text = BUF_INIT;
	cJSON *root = NULL;
	const cJSON *m, *s, *c;
	struct buf path = BUF_INIT;
	int r, ret = -1;

	buf_addf(&path, "%s/%s", output, LEDGER);
	lg->path = buf_detach(&path, NULL);
	r = read_text(lg->path, &text, err);
	if (r <= 0) {
		ret = r;
		goto out;
	}
	root = cJSON_ParseWithLength(text.s, text.len);
	m = cJSON_GetObjectItemCaseSensitive(root, "messages");
	s = cJSON_GetObjectItemCaseSensitive(root, "recipients_since");
	if (!root || !cJSON_IsArray(m) || !cJSON_IsObject(s) ||
	    !str_of(root, "schema") ||
	    strcmp(str_of(root, "schema"), "huifang.delivery/1")) {
		buf_addf(err, "%s: not a huifang.delivery/1 file", lg->path);
		goto out;
	}
	for (c = s->child; c; c = c->next)
		if (cJSON_IsString(c)) {
			string_list_add(&lg->since_key, c->string);
			string_list_add(&lg->since_at, c->valuestring);
		}
	cJSON_ArrayForEach(c, m) {
		const char *week = str_of(c, "week"), *status = str_of(c, "status");
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(c, "recipients"), *a;
		struct entry *e;

		if (!week || strlen(week) >= sizeof(e->week) || !status) {
			buf_addf(err, "%s: a message without its week or "
				 "status", lg->path);
			goto out;
		}
		e = entry_add(lg);
		snprintf(e->week, sizeof(e->week), "%s", week);
		e->revision = (unsigned)num_of(c, "revision", 1);
		e->center = dup_or_null(str_of(c, "center"));
		e->status = xstrdup(status);
		e->file = dup_or_null(str_of(c, "file"));
		e->sha256 = dup_or_null(str_of(c, "sha256"));
		e->message_id = dup_or_null(str_of(c, "message_id"));
		e->error = dup_or_null(str_of(c, "error"));
		e->first_attempt = dup_or_null(str_of(c, "first_attempt"));
		e->last_attempt = dup_or_null(str_of(c, "last_attempt"));
		e->attempts = (unsigned)num_of(c, "attempts", 0);
		cJSON_ArrayForEach(a, to)
			if (cJSON_IsString(a))
				string_list_add(&e->to, a->valuestring);
	}
	ret = 0;
out:
	cJSON_Delete(root);
	buf_release(&text);
	return ret;
}

static int ledger_save(const struct ledger *lg, struct buf *err)
{
	struct buf b = BUF_INIT;
	struct jsonw w;
	size_t i, j;
	int ret;

	jsonw_init(&w, &b);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", "huifang.delivery/1");
	jsonw_open(&w, "recipients_since", '{', JSONW_BLOCK);
	for (i = 0; i < lg->since_key.nr; i++)
		jsonw_str(&w, lg->since_key.items[i], lg->since_at.items[i]);
	jsonw_close(&w);
	jsonw_open(&w, "messages", '[', JSONW_BLOCK);
	for (i = 0; i < lg->n; i++) {
		const struct entry *e = &lg->v[i];

		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		jsonw_str(&w, "week", e->week);
		jsonw_uint(&w, "revision", e->revision);
		if (e->center)
			jsonw_str(&w, "center", e->center);
		else
			jsonw_null(&w, "center");
		jsonw_str(&w, "status", e->status);
		jsonw_uint(&w, "attempts", e->attempts);
		jsonw_open(&w, "recipients", '[', JSONW_INLINE);
		for (j = 0; j < e->to.nr; j++)
			jsonw_str(&w, NULL, e->to.items[j]);
		jsonw_close(&w);
#define OPT(key) if (e->key) jsonw_str(&w, #key, e->key)
		OPT(file);
		OPT(sha256);
		OPT(message_id);
		OPT(first_attempt);
		OPT(last_attempt);
		OPT(error);
#undef OPT
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
	ret = outfile_write_all(lg->path, b.s, b.len, err);
	buf_release(&b);
	return ret;
}

static struct entry *ledger_find(struct ledger *lg, const char *week,
				 unsigned revision, const char *center)
{
	size_t i;

	for (i = 0; i < lg->n; i++) {
		struct entry *e = &lg->v[i];

		if (!strcmp(e->week, week) && e->revision == revision &&
		    (center ? e->center && !strcmp(e->center, center)
			    : !e->center))
			return e;
	}
	return NULL;
}

/* The as-of a group first appeared at, adding it (at as_of) if new. */
static const char *ledger_since(struct ledger *lg, const char *key,
				const char *as_of)
{
	size_t i;

	for (i = 0; i < lg->since_key.nr; i++)
		if (!strcmp(lg->since_key.items[i], key))
			return lg->since_at.items[i];
	string_list_add(&lg->since_key, key);
	string_list_add(&lg->since_at, as_of);
	return as_of;
}

/* ---- the result --------------------------------------------------------- */

void delivery_result_init(struct delivery_result *res)
{
	memset(res, 0, sizeof(*res));
	buf_init(&res->failures);
}

void delivery_result_release(struct delivery_result *res)
{
	size_t i;

	for (i = 0; i < res->nnotes; i++) {
		free(res->notes[i].week);
		free(res->notes[i].center);
		free(res->notes[i].error);
	}
	free(res->notes);
	buf_release(&res->failures);
	delivery_result_init(res);
}

/* Notes what happened to e this night, and says it. */
static void note(struct run *r, const struct entry *e, const char *status)
{
	struct delivery_result *res = r->res;
	struct delivery_note *n;
	struct buf what = BUF_INIT;

	if (res->nnotes == res->alloc) {
		res->alloc = res->alloc ? 2 * res->alloc : 8;
		res->notes = xrealloc(res->notes,
				      res->alloc * sizeof(*res->notes));
	}
	n = &res->notes[res->nnotes++];
	n->week = xstrdup(e->week);
	n->revision = e->revision;
	n->center = dup_or_null(e->center);
	n->status = status;
	n->attempts = e->attempts;
	n->error = xstrdup(e->error ? e->error : "");

	buf_addf(&what, "%s v%u, ", e->week, e->revision);
	if (e->center) {
		buf_adds(&what, "centre ");
		add_name(&what, e->center);
	} else {
		buf_adds(&what, "management");
	}
	if (!strcmp(status, "sent")) {
		res->sent++;
		say(r->p, DIAG_NOTE, "delivery: %s: sent to %zu address(es)",
		    what.s, e->to.nr);
	} else if (!strcmp(status, "failed")) {
		res->failed++;
		say(r->p, DIAG_WARNING, "delivery: %s: not sent (attempt %u, "
		    "tried again next night): %s", what.s, e->attempts,
		    e->error ? e->error : "");
		buf_addf(&res->failures, "huifang: delivery: %s not sent, "
			 "tried again next night: %s\n", what.s,
			 e->error ? e->error : "");
	} else {
		res->unknown++;
		say(r->p, DIAG_WARNING, "delivery: %s: %s", what.s,
		    e->error ? e->error : "");
		buf_addf(&res->failures, "huifang: delivery: %s: %s\n",
			 what.s, e->error ? e->error : "");
	}
	buf_release(&what);
}

/* ---- one message -------------------------------------------------------- */

static const cJSON *obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void add_pct(struct buf *b, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		buf_addf(b, "%.1f%%", v->valuedouble * 100);
	else
		buf_adds(b, "—");
}

/* The object of array whose member key equals value, or NULL. */
static const cJSON *find_by(const cJSON *array, const char *key,
			    const char *value)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, array) {
		const char *s = str_of(g, key);

		if (s && !strcmp(s, value))
			return g;
	}
	return NULL;
}

static const char *period_kind_of(const cJSON *m)
{
	return str_of(obj(m, "period"), "kind");
}

/* The kind of metrics.json m's period: a week when it names none. */
static enum period_kind kind_of(const cJSON *m)
{
	const char *kind = period_kind_of(m);

	if (kind && !strcmp(kind, period_kind_name(PERIOD_MONTH)))
		return PERIOD_MONTH;
	if (kind && !strcmp(kind, period_kind_name(PERIOD_QUARTER)))
		return PERIOD_QUARTER;
	return PERIOD_WEEK;
}

/*
 * What the report of a period kind is called (SPEC §9.30), and its "this
 * period", indexed by enum period_kind.
 */
static const char *const report_word[] = { "周报", "月报", "季报" };
static const char *const this_period[] = { "本周", "本月", "本季度" };

/*
 * The short Chinese summary of the week (or of one centre's week): the
 * coverage per type against its target, satisfaction, the exceptions
 * and the gates, from the issued metrics.json.
 */
static void summary(struct buf *b, const cJSON *m, const char *center,
		    const char *company, const char *file_name)
{
	const cJSON *types = obj(m, "by_type"), *g, *t, *a, *total;
	const char *reason = str_of(m, "revision_reason");
	unsigned rev = (unsigned)num_of(m, "revision", 1);
	size_t anomalies = 0, tripped = 0;

	buf_addf(b, "%s 回访%s %s（%s 至 %s）\n", company, report_word[kind_of(m)],
		 str_of(m, "week") ? str_of(m, "week") : "",
		 str_of(m, "week_start") ? str_of(m, "week_start") : "",
		 str_of(m, "week_end") ? str_of(m, "week_end") : "");
	if (center) {
		buf_adds(b, "服务中心：");
		add_name(b, center);
		buf_addch(b, '\n');
	}
	if (rev > 1) {
		buf_addf(b, "修订版 v%u，替代此前发出的版本", rev);
		if (reason) {
			buf_adds(b, "。修订原因：");
			add_name(b, reason);
		}
		buf_addch(b, '\n');
	}
	buf_adds(b, "\n回访率（目标）：\n");
	/* Every type, in by_type's order; a centre's row where it has one. */
	cJSON_ArrayForEach(g, types) {
		const char *type = str_of(g, "type");
		const cJSON *ok;

		if (!type)
			continue;
		t = g;
		if (center) {
			t = NULL;
			cJSON_ArrayForEach(a, obj(m, "by_center_type"))
				if (str_of(a, "center") && str_of(a, "type") &&
				    !strcmp(str_of(a, "center"), center) &&
				    !strcmp(str_of(a, "type"), type))
					t = a;
		}
		buf_addf(b, "  %s  ", type);
		if (!t || !num_of(t, "eligible", 0)) {
			buf_addf(b, "%s无应回访工单\n", this_period[kind_of(m)]);
			continue;
		}
		ok = obj(t, "meets_target");
		add_pct(b, obj(t, "coverage"));
		buf_adds(b, "（目标 ");
		add_pct(b, obj(t, "target"));
		buf_addf(b, "）%s，应回访 %.0f，已回访 %.0f\n",
			 cJSON_IsTrue(ok) ? "达标" : "未达标",
			 num_of(t, "eligible", 0), num_of(t, "called_back", 0));
	}
	total = center ? find_by(obj(m, "by_center"), "center", center)
		       : obj(m, "totals");
	buf_adds(b, "满意度：");
	add_pct(b, obj(total, "satisfaction"));
	buf_addf(b, "（已评价 %.0f 条，不满意未闭环 %.0f 条）\n",
		 num_of(total, "rated", 0), num_of(total, "loops_open", 0));
	cJSON_ArrayForEach(a, obj(m, "anomalies"))
		if (!center || (str_of(a, "center") &&
				!strcmp(str_of(a, "center"), center)))
			anomalies++;
	buf_addf(b, "异常工单：%zu 条\n", anomalies);
	cJSON_ArrayForEach(g, obj(m, "gates"))
		if (cJSON_IsTrue(obj(g, "tripped")))
			tripped++;
	if (!tripped)
		buf_adds(b, "发布检查：全部通过\n");
	else
		buf_addf(b, "发布检查：%zu 项未通过，已确认发布（详见报告第 1 页）\n",
			 tripped);
	buf_adds(b, "\n附件：");
	add_name(b, file_name);
	buf_adds(b, "\n\n本邮件由 huifang 在报告正式发布后自动发送，请勿直接回复。\n");
}

/* The domain of the from address, for the Message-ID. */
static const char *domain_of(const char *address)
{
	const char *at = strrchr(address, '@');

	return at ? at + 1 : "localhost";
}

/*
 * Sends the message of e (its file in the week folder dir), recording
 * "sending" before and the result after. 0, or -1 when the ledger cannot
 * be written (then the message is not sent).
 */
static int send_one(struct run *r, struct entry *e, const char *dir,
		    const cJSON *m, const struct string_list *to)
{
	struct buf path = BUF_INIT, pdf = BUF_INIT, msg = BUF_INIT;
	struct buf subject = BUF_INIT, body = BUF_INIT, err = BUF_INIT;
	struct buf id = BUF_INIT;
	unsigned char digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];
	struct mail_message mm;
	int r2, ret = -1;
	size_t i;

	string_list_clear(&e->to);
	for (i = 0; i < to->nr; i++)
		string_list_add(&e->to, to->items[i]);
	buf_addf(&path, "%s/%s", dir, e->file);
	r2 = read_text(path.s, &pdf, &err);
	if (r2 <= 0) {
		if (!r2)
			buf_addf(&err, "%s: no such file", path.s);
		entry_set(&e->error, err.s);
		entry_set(&e->status, "failed");
		e->attempts++;
		entry_set(&e->last_attempt, r->now);
		if (!e->first_attempt)
			entry_set(&e->first_attempt, r->now);
		ret = ledger_save(&r->lg, &err) < 0 ? -1 : 0;
		note(r, e, "failed");
		goto out;
	}
	sha256(pdf.s, pdf.len, digest);
	sha256_hex(digest, hex);
	entry_set(&e->sha256, hex);
	buf_addf(&id, "<%s.v%u.%.16s.huifang@%s>", e->week, e->revision, hex,
		 domain_of(r->dc->from));
	entry_set(&e->message_id, id.s);

	if (e->revision > 1)
		buf_addf(&subject, "【修订版 v%u】", e->revision);
	if (e->center) {
		buf_addf(&subject, "服务中心回访%s %s ", report_word[kind_of(m)],
			 e->week);
		add_name(&subject, e->center);
	} else {
		buf_addf(&subject, "%s 回访管理%s %s", r->cfg->company,
			 report_word[kind_of(m)], e->week);
	}
	summary(&body, m, e->center, r->cfg->company, e->file);
	memset(&mm, 0, sizeof(mm));
	mm.from = r->dc->from;
	mm.to = &e->to;
	mm.subject = subject.s;
	mm.body = body.s;
	mm.file_name = e->file;
	mm.file = pdf.s;
	mm.file_len = pdf.len;
	mm.file_type = "application/pdf";
	mm.message_id = id.s;
	mm.date = (int64_t)time(NULL);
	mail_build(&msg, &mm);

	/* The intent first: a message is never handed over unrecorded. */
	e->attempts++;
	entry_set(&e->status, "sending");
	entry_set(&e->error, NULL);
	entry_set(&e->last_attempt, r->now);
	if (!e->first_attempt)
		entry_set(&e->first_attempt, r->now);
	if (ledger_save(&r->lg, &err) < 0)
		goto out;
	buf_reset(&err);
	if (mail_send(r->argv, &msg, r->dc->timeout_seconds, &err) == 0) {
		entry_set(&e->status, "sent");
	} else {
		entry_set(&e->status, "failed");
		entry_set(&e->error, err.s);
	}
	buf_reset(&err);
	if (ledger_save(&r->lg, &err) < 0)
		goto out;
	note(r, e, strcmp(e->status, "sent") ? "failed" : "sent");
	ret = 0;
out:
	if (ret < 0)
		say(r->p, DIAG_ERROR, "delivery: cannot write %s: %s",
		    r->lg.path, err.s);
	buf_release(&path);
	buf_release(&pdf);
	buf_release(&msg);
	buf_release(&subject);
	buf_release(&body);
	buf_release(&err);
	buf_release(&id);
	return ret;
}

/* ---- one week ----------------------------------------------------------- */

/* The as-of in a week folder's .issued mark, or TIME_NONE. */
static int64_t issued_at(const char *dir)
{
	struct buf path = BUF_INIT, text = BUF_INIT, err = BUF_INIT;
	int64_t t = TIME_NONE;

	buf_addf(&path, "%s/%s", dir, WEEKDIR_ISSUED_MARK);
	if (read_text(path.s, &text, &err) > 0 &&
	    !strncmp(text.s, "as_of ", 6) &&
	    chtime_parse(text.s + 6, strcspn(text.s + 6, "\n"), &t) < 0)
		t = TIME_NONE;
	buf_release(&path);
	buf_release(&text);
	buf_release(&err);
	return t;
}

/*
 * The file of a centre's report, into name; 1 when found, 0 when the
 * centre has no report that week, -1 when its name is ambiguous (another
 * centre's report has the same file name) or the template is broken,
 * with the reason in err.
 */
static int centre_file(struct run *r, const cJSON *m, const char *center,
		       struct buf *name, struct buf *err)
{
	struct buf mine = BUF_INIT, other = BUF_INIT;
	struct diag d;
	const cJSON *g;
	int ret = 1;

	diag_init(&d);
	if (!find_by(obj(m, "by_center"), "center", center)) {
		ret = 0;
		goto out;
	}
	if (render_pdf_file_name(name, r->templates, "centre_report.json",
				 period_kind_of(m), center, &d) < 0) {
		buf_adds(err, "the centre report's template cannot be read");
		ret = -1;
		goto out;
	}
	/* Two centres' files share the prefix: their safe names decide. */
	text_safe_file_name(&mine, center);
	cJSON_ArrayForEach(g, obj(m, "by_center")) {
		const char *c = str_of(g, "center");

		if (!c || !strcmp(c, center))
			continue;
		buf_reset(&other);
		text_safe_file_name(&other, c);
		if (!strcmp(other.s, mine.s)) {
			buf_adds(err, "another centre's report has the same "
				 "file name, so which file is this centre's "
				 "is not certain");
			ret = -1;
			goto out;
		}
	}
out:
	diag_release(&d);
	buf_release(&mine);
	buf_release(&other);
	return ret;
}

/* One recipient group of one issued revision. */
static int deliver_group(struct run *r, const char *week, unsigned rev,
			 int64_t issued, const char *dir, const cJSON *m,
			 const char *center, const struct string_list *to)
{
	struct buf file = BUF_INIT, err = BUF_INIT;
	struct entry *e;
	const char *since;
	int64_t since_t;
	size_t i;
	int found, ret = 0;

	/* "center:<name>", so that no centre's name reads "management". */
	buf_addf(&file, "%s%s", center ? "center:" : "management",
		 center ? center : "");
	since = ledger_since(&r->lg, file.s, r->as_of);
	buf_reset(&file);
	if (chtime_parse(since, strlen(since), &since_t) < 0 ||
	    issued < since_t)
		goto out;
	/* A failed older revision is replaced by this one. */
	for (i = 0; i < r->lg.n; i++) {
		struct entry *o = &r->lg.v[i];

		if (!strcmp(o->week, week) && o->revision < rev &&
		    !strcmp(o->status, "failed") &&
		    (center ? o->center && !strcmp(o->center, center)
			    : !o->center))
			entry_set(&o->status, "superseded");
	}
	e = ledger_find(&r->lg, week, rev, center);
	if (e && strcmp(e->status, "failed"))
		goto out;       /* sent, unknown, no_report: done */
	if (center) {
		found = centre_file(r, m, center, &file, &err);
	} else {
		struct diag d;

		diag_init(&d);
		found = render_pdf_file_name(&file, r->templates,
					     "weekly.json", period_kind_of(m),
					     week, &d) < 0 ?
			-1 : 1;
		if (found < 0)
			buf_adds(&err, "the weekly report's template cannot "
				 "be read");
		diag_release(&d);
	}
	if (!e) {
		e = entry_add(&r->lg);
		snprintf(e->week, sizeof(e->week), "%s", week);
		e->revision = rev;
		e->center = dup_or_null(center);
	}
	if (found == 0) {
		entry_set(&e->status, "no_report");
		goto out;
	}
	entry_set(&e->file, file.s);
	if (found < 0) {
		e->attempts++;
		entry_set(&e->status, "failed");
		entry_set(&e->error, err.s);
		entry_set(&e->last_attempt, r->now);
		note(r, e, "failed");
		goto out;
	}
	ret = send_one(r, e, dir, m, to);
out:
	buf_release(&file);
	buf_release(&err);
	return ret;
}

static cJSON *read_metrics(const char *dir)
{
	struct buf path = BUF_INIT, text = BUF_INIT, err = BUF_INIT;
	cJSON *j = NULL;

	buf_addf(&path, "%s/metrics.json", dir);
	if (read_text(path.s, &text, &err) > 0)
		j = cJSON_ParseWithLength(text.s, text.len);
	buf_release(&path);
	buf_release(&text);
	buf_release(&err);
	return j;
}

/* ---- the night ---------------------------------------------------------- */

/* Whether any ticket of set is at centre name ("" reads 未指定). */
static int centre_in_data(const struct ticket_set *set, const char *name)
{
	size_t i;

	for (i = 0; i < set->ntickets; i++) {
		const char *c = set->tickets[i].center;

		if (!strcmp(c && *c ? c : "未指定", name))
			return 1;
	}
	return 0;
}

int delivery_run(const struct pipeline *p, const struct ticket_set *set,
		 struct delivery_result *res)
{
	struct run r;
	struct string_list weeks = { 0 };
	struct buf err = BUF_INIT, dir = BUF_INIT;
	size_t i, k, missing = 0;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.cfg = p->cfg;
	r.dc = &p->cfg->delivery;
	r.res = res;
	res->enabled = r.dc->enabled;
	if (!r.dc->enabled)
		return 0;
	/* A centre that is not in the data could never be mailed. */
	for (i = 0; i < r.dc->centers.nr; i++)
		if (!centre_in_data(set, r.dc->centers.items[i])) {
			struct buf name = BUF_INIT;

			add_name(&name, r.dc->centers.items[i]);
			say(p, DIAG_ERROR, "%s: delivery.centers.%s: no "
			    "service centre of that name in the data; nothing "
			    "was mailed", p->cfg->path ? p->cfg->path :
			    "config", name.s);
			buf_release(&name);
			missing++;
		}
	if (missing)
		return EX_CONFIG;
	r.argv = xcalloc(r.dc->command.nr + 1, sizeof(*r.argv));
	for (i = 0; i < r.dc->command.nr; i++)
		r.argv[i] = r.dc->command.items[i];
	chtime_format(p->opts->as_of, r.as_of);
	chtime_format((int64_t)time(NULL), r.now);
	if (paths_templates_dir(p->cfg->templates_dir, &r.templates, &err) < 0 ||
	    ledger_load(&r.lg, p->opts->output, &err) < 0) {
		say(p, DIAG_WARNING, "delivery: %s; nothing was mailed", err.s);
		buf_addf(&res->failures, "huifang: delivery: %s; nothing was "
			 "mailed\n", err.s);
		res->failed++;
		goto out;
	}
	/* Killed between the hand-over and the record: never resent. */
	for (i = 0; i < r.lg.n; i++)
		if (!strcmp(r.lg.v[i].status, "sending")) {
			entry_set(&r.lg.v[i].status, "unknown");
			entry_set(&r.lg.v[i].error, "the run was stopped while "
				  "this message was handed over; it may have "
				  "been sent. It is not sent again by itself "
				  "(docs/delivery.md)");
			note(&r, &r.lg.v[i], "unknown");
		}

	/* The weeks, then the months and quarters (SPEC §9.30). */
	buf_reset(&err);
	if (retention_list_weeks(p->opts->output, &weeks, &err) == 0 &&
	    pipeline_list_periods(p->opts->output, "periods", &weeks) < 0)
		buf_addf(&err, "%s/periods: %s", p->opts->output,
			 strerror(errno));
	if (err.len) {
		say(p, DIAG_WARNING, "delivery: %s; nothing was mailed", err.s);
		buf_addf(&res->failures, "huifang: delivery: %s; nothing was "
			 "mailed\n", err.s);
		res->failed++;
		goto save;
	}
	for (k = 0; k < weeks.nr && ret == 0; k++) {
		const char *week = weeks.items[k];
		cJSON *m;
		unsigned rev;
		int64_t issued;

		if (!weekdir_is_issued(p->opts->output, week))
			continue;
		buf_reset(&dir);
		buf_addf(&dir, "%s/%s/%s", p->opts->output,
			 weekdir_folder_of(week), week);
		issued = issued_at(dir.s);
		m = read_metrics(dir.s);
		if (!m || issued == TIME_NONE) {
			cJSON_Delete(m);
			continue;
		}
		rev = (unsigned)num_of(m, "revision", 1);
		if (r.dc->management.nr)
			ret = deliver_group(&r, week, rev, issued, dir.s, m,
					    NULL, &r.dc->management);
		for (i = 0; i < r.dc->centers.nr && ret == 0; i++)
			ret = deliver_group(&r, week, rev, issued, dir.s, m,
					    r.dc->centers.items[i],
					    &r.dc->center_to[i]);
		cJSON_Delete(m);
	}
	if (ret < 0) {
		/* send_one() said why. */
		ret = EX_CANTCREAT;
		goto out;
	}
	ledger_prune(&r.lg, &weeks);
save:
	buf_reset(&err);
	if (ledger_save(&r.lg, &err) < 0) {
		say(p, DIAG_ERROR, "delivery: cannot write %s", err.s);
		ret = EX_CANTCREAT;
	}
out:
	string_list_clear(&weeks);
	ledger_release(&r.lg);
	free(r.templates);
	free(r.argv);
	buf_release(&err);
	buf_release(&dir);
	return ret;
}

void delivery_run_json(struct jsonw *w, const struct delivery_result *res)
{
	size_t i;

	jsonw_open(w, "delivery", '{', JSONW_BLOCK);
	jsonw_bool(w, "enabled", res->enabled);
	jsonw_uint(w, "sent", res->sent);
	jsonw_same_line(w);
	jsonw_uint(w, "failed", res->failed);
	jsonw_same_line(w);
	jsonw_uint(w, "unknown", res->unknown);
	jsonw_open(w, "messages", '[', JSONW_BLOCK);
	for (i = 0; i < res->nnotes; i++) {
		const struct delivery_note *n = &res->notes[i];

		jsonw_open(w, NULL, '{', JSONW_INLINE);
		jsonw_str(w, "week", n->week);
		jsonw_uint(w, "revision", n->revision);
		if (n->center)
			jsonw_str(w, "center", n->center);
		else
			jsonw_null(w, "center");
		jsonw_str(w, "status", n->status);
		jsonw_uint(w, "attempts", n->attempts);
		jsonw_str(w, "error", n->error);
		jsonw_close(w);
	}
	jsonw_close(w);
	jsonw_close(w);
}
