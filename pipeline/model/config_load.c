/*
 * config_load.c - reading config/huifang.json over the defaults (config.h).
 *
 * The file is read whole, checked to be valid UTF-8 (cJSON would accept
 * anything), parsed with cJSON, checked for duplicate keys in every object
 * (cJSON keeps both and silently uses the first), and then walked against
 * the layout of docs/config.md. Every problem is reported, not only the
 * first, each as one diag error whose message is the whole line
 *
 *   config/huifang.json: sampling.levels[1].rate: must be between 0 and 1, got 1.5
 *
 * (the path as given, the key path, what is wrong, the value). Keys absent
 * from the file keep their defaults; a list or map that is present replaces
 * the default list or map as a whole. Sections are applied in a fixed order
 * (types before sampling) so that the checks that refer to other settings
 * do not depend on the order of keys in the file.
 *
 * Invariant: cfg stays a consistent, releasable config at every step, even
 * when loading fails half-way; the caller releases it either way.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "model/source.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The largest configuration file we are willing to read. */
#define CONFIG_MAX_BYTES ((size_t)4 << 20)

struct loader {
	const char *file;      /* the path as given, for messages */
	struct diag *d;
	struct buf path;       /* the key path of the value being checked */
	unsigned errors;
};

static size_t push_key(struct loader *L, const char *key)
{
	size_t saved = L->path.len;

	if (saved)
		buf_addch(&L->path, '.');
	buf_adds(&L->path, key);
	return saved;
}

static size_t push_index(struct loader *L, size_t i)
{
	size_t saved = L->path.len;

	buf_addf(&L->path, "[%zu]", i);
	return saved;
}

static void pop(struct loader *L, size_t saved)
{
	buf_setlen(&L->path, saved);
}

/* Describes a JSON value for "got ...": numbers bare, strings quoted. */
static void describe(struct buf *b, const cJSON *v)
{
	if (!v)
		buf_adds(b, "nothing");
	else if (cJSON_IsNumber(v))
		buf_add_double(b, v->valuedouble);
	else if (cJSON_IsString(v))
		buf_addf(b, "'%s'", v->valuestring);
	else if (cJSON_IsTrue(v))
		buf_adds(b, "true");
	else if (cJSON_IsFalse(v))
		buf_adds(b, "false");
	else if (cJSON_IsNull(v))
		buf_adds(b, "null");
	else if (cJSON_IsArray(v))
		buf_adds(b, "an array");
	else
		buf_adds(b, "an object");
}

static void verr(struct loader *L, const cJSON *got, const char *fmt,
		 va_list ap)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "%s: ", L->file);
	if (L->path.len)
		buf_addf(&msg, "%s: ", L->path.s);
	buf_vaddf(&msg, fmt, ap);
	if (got) {
		buf_adds(&msg, ", got ");
		describe(&msg, got);
	}
	diag_report(L->d, DIAG_ERROR, NULL, 0, 0, "%s", msg.s);
	buf_release(&msg);
	L->errors++;
}

/* Reports a problem with the value at the current key path. */
__attribute__((format(printf, 2, 3)))
static void fail(struct loader *L, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(L, NULL, fmt, ap);
	va_end(ap);
}

/* As fail(), followed by ", got <value>". */
__attribute__((format(printf, 3, 4)))
static void fail_got(struct loader *L, const cJSON *got, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(L, got, fmt, ap);
	va_end(ap);
}

/* ---- the raw file ---------------------------------------------------- */

static int read_file(const char *path, struct buf *out, struct buf *why)
{
	FILE *fp;
	char chunk[65536];
	size_t n;
	int ret = -1, fd;

	/* A FIFO or a device would hang the run or never end: refused. */
	buf_adds(why, "cannot open: ");
	fd = text_open_regular(path, why);
	if (fd < 0)
		return -1;
	buf_reset(why);
	fp = fdopen(fd, "rb");
	if (!fp) {
		buf_addf(why, "cannot open: %s", strerror(errno));
		close(fd);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + n > CONFIG_MAX_BYTES) {
			buf_addf(why, "larger than %zu bytes: not a "
				 "configuration file", CONFIG_MAX_BYTES);
			goto out;
		}
		buf_add(out, chunk, n);
	}
	if (ferror(fp)) {
		buf_addf(why, "cannot read: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	fclose(fp);
	return ret;
}

/* 1-based line and byte column of offset off in text. */
static void line_col(const char *text, size_t off, unsigned long *line,
		     unsigned long *col, size_t *line_start)
{
	size_t i;

	*line = 1;
	*line_start = 0;
	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			(*line)++;
			*line_start = i + 1;
		}
	*col = (unsigned long)(off - *line_start) + 1;
}

/* Reports an error at a byte offset, with the line for a caret. */
static void fail_at(struct loader *L, const char *text, size_t len,
		    size_t off, const char *what)
{
	unsigned long line, col;
	size_t start, end;
	char *context;

	line_col(text, off, &line, &col, &start);
	for (end = start; end < len && text[end] != '\n' && text[end] != '\r';
	     end++)
		;
	context = xstrndup(text + start, end - start);
	diag_report_context(L->d, DIAG_ERROR, NULL, 0, col, context,
			    "%s:%lu:%lu: %s", L->file, line, col, what);
	free(context);
	L->errors++;
}

/* textio's strict rules: no overlongs, no surrogates, nothing past U+10FFFF. */
static int check_utf8(struct loader *L, const char *text, size_t len)
{
	struct buf what = BUF_INIT;
	size_t bad;

	if (utf8_valid(text, len, &bad))
		return 0;
	buf_addf(&what, "invalid UTF-8 (byte 0x%02x)", (unsigned char)text[bad]);
	fail_at(L, text, len, bad, what.s);
	buf_release(&what);
	return -1;
}

/* Reports every duplicate key in every object of the tree. */
static void check_duplicates(struct loader *L, const cJSON *v)
{
	const cJSON *c, *e;
	size_t i = 0;

	for (c = v->child; c; c = c->next, i++) {
		size_t saved = cJSON_IsObject(v) ? push_key(L, c->string)
						 : push_index(L, i);

		if (cJSON_IsObject(v))
			for (e = v->child; e != c; e = e->next)
				if (!strcmp(e->string, c->string)) {
					fail(L, "duplicate key");
					break;
				}
		check_duplicates(L, c);
		pop(L, saved);
	}
}

/* ---- typed values ---------------------------------------------------- */

/* Reports every key of obj that is not in allowed (a NULL-ended list).
 * Returns false (after reporting) when obj is not an object. */
static bool check_object(struct loader *L, const cJSON *obj,
			 const char *const *allowed)
{
	const cJSON *c;

	if (!cJSON_IsObject(obj)) {
		fail_got(L, obj, "must be an object");
		return false;
	}
	for (c = obj->child; c; c = c->next) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, c->string))
				break;
		if (!*a) {
			size_t saved = push_key(L, c->string);

			fail(L, "unknown key");
			pop(L, saved);
		}
	}
	return true;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A non-empty string (or null when null_ok: *dst becomes NULL). */
static bool get_string(struct loader *L, const cJSON *v, char **dst,
		       bool null_ok)
{
	if (null_ok && cJSON_IsNull(v)) {
		free(*dst);
		*dst = NULL;
		return true;
	}
	if (!cJSON_IsString(v)) {
		fail_got(L, v, null_ok ? "must be a string or null"
				       : "must be a string");
		return false;
	}
	if (!*v->valuestring) {
		fail(L, "must not be empty");
		return false;
	}
	free(*dst);
	*dst = xstrdup(v->valuestring);
	return true;
}

static bool get_bool(struct loader *L, const cJSON *v, bool *dst)
{
	if (!cJSON_IsBool(v)) {
		fail_got(L, v, "must be true or false");
		return false;
	}
	*dst = cJSON_IsTrue(v);
	return true;
}

/* Member key of v, if present, into *dst as get_bool() reads it. */
static void member_bool(struct loader *L, const cJSON *v, const char *key,
			bool *dst)
{
	const cJSON *c = member(v, key);
	size_t saved;

	if (!c)
		return;
	saved = push_key(L, key);
	get_bool(L, c, dst);
	pop(L, saved);
}

static bool get_number(struct loader *L, const cJSON *v, double lo, double hi,
		       double *dst)
{
	if (!cJSON_IsNumber(v)) {
		fail_got(L, v, "must be a number");
		return false;
	}
	if (!(v->valuedouble >= lo && v->valuedouble <= hi)) {
		struct buf range = BUF_INIT;

		buf_add_double(&range, lo);
		buf_adds(&range, " and ");
		buf_add_double(&range, hi);
		fail_got(L, v, "must be between %s", range.s);
		buf_release(&range);
		return false;
	}
	*dst = v->valuedouble;
	return true;
}

static bool get_whole(struct loader *L, const cJSON *v, long lo, long hi,
		      long *dst)
{
	if (!cJSON_IsNumber(v)) {
		fail_got(L, v, "must be a whole number");
		return false;
	}
	if (!(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi) ||
	    v->valuedouble != floor(v->valuedouble)) {
		fail_got(L, v, "must be a whole number between %ld and %ld",
			 lo, hi);
		return false;
	}
	*dst = (long)v->valuedouble;
	return true;
}

/*
 * Member key of v with key pushed on the path (leave() pops it), or NULL
 * when v has no such member.
 */
static const cJSON *enter(struct loader *L, const cJSON *v, const char *key,
			  size_t *saved)
{
	const cJSON *c = member(v, key);

	*saved = c ? push_key(L, key) : 0;
	return c;
}

/* Pops what enter() pushed and passes ok on. */
static bool leave(struct loader *L, size_t saved, bool ok)
{
	pop(L, saved);
	return ok;
}

/*
 * The member_*() readers: member key of v, if present, read as its get_*()
 * reads it, with key on the path of any message. Each returns true when
 * the member is there and valid (*dst then holds it).
 */
static bool member_string(struct loader *L, const cJSON *v, const char *key,
			  char **dst, bool null_ok)
{
	size_t saved;
	const cJSON *c = enter(L, v, key, &saved);

	return c && leave(L, saved, get_string(L, c, dst, null_ok));
}

static bool member_number(struct loader *L, const cJSON *v, const char *key,
			  double lo, double hi, double *dst)
{
	size_t saved;
	const cJSON *c = enter(L, v, key, &saved);

	return c && leave(L, saved, get_number(L, c, lo, hi, dst));
}

static bool member_whole(struct loader *L, const cJSON *v, const char *key,
			 long lo, long hi, long *dst)
{
	size_t saved;
	const cJSON *c = enter(L, v, key, &saved);

	return c && leave(L, saved, get_whole(L, c, lo, hi, dst));
}

/* Member key of v, or NULL after saying it is missing, under key. */
static const cJSON *need(struct loader *L, const cJSON *v, const char *key)
{
	const cJSON *c = member(v, key);
	size_t saved;

	if (!c) {
		saved = push_key(L, key);
		fail(L, "missing");
		pop(L, saved);
	}
	return c;
}

/*
 * Member key of v, if present, as the index of its value among names
 * (NULL-terminated) into *dst; any other value fails "must be <expect>".
 */
static bool member_choice(struct loader *L, const cJSON *v, const char *key,
			  const char *const *names, const char *expect,
			  int *dst)
{
	const cJSON *c = member(v, key);
	size_t saved;
	int i;

	if (!c)
		return false;
	saved = push_key(L, key);
	for (i = 0; names[i]; i++)
		if (cJSON_IsString(c) && !strcmp(c->valuestring, names[i]))
			break;
	if (!names[i])
		fail_got(L, c, "must be %s", expect);
	else
		*dst = i;
	pop(L, saved);
	return names[i] != NULL;
}

/* An array of non-empty strings, no repeats, replacing *dst. */
static bool get_string_list(struct loader *L, const cJSON *v,
			    struct string_list *dst)
{
	struct string_list l = { NULL, 0, 0 };
	const cJSON *c;
	size_t i = 0;
	bool ok = true;

	if (!cJSON_IsArray(v)) {
		fail_got(L, v, "must be an array of strings");
		return false;
	}
	for (c = v->child; c; c = c->next, i++) {
		size_t saved = push_index(L, i);

		if (!cJSON_IsString(c)) {
			fail_got(L, c, "must be a string");
			ok = false;
		} else if (!*c->valuestring) {
			fail(L, "must not be empty");
			ok = false;
		} else if (string_list_has(&l, c->valuestring)) {
			fail_got(L, c, "repeats an earlier entry");
			ok = false;
		} else {
			string_list_add(&l, c->valuestring);
		}
		pop(L, saved);
	}
	if (!ok) {
		string_list_clear(&l);
		return false;
	}
	string_list_clear(dst);
	*dst = l;
	return true;
}

static bool member_string_list(struct loader *L, const cJSON *v,
			       const char *key, struct string_list *dst)
{
	size_t saved;
	const cJSON *c = enter(L, v, key, &saved);

	return c && leave(L, saved, get_string_list(L, c, dst));
}

static int type_of_name(const char *s)
{
	int t;

	for (t = 0; t < TYPE_COUNT; t++)
		if (!strcmp(s, ticket_type_name[t]))
			return t;
	return TYPE_UNKNOWN;
}

#define TYPE_CHOICES "报事报修, 投诉 or 特约服务"

/* The type named by a key of a map keyed by type (targets, types, ...). */
static int type_key(struct loader *L, const cJSON *c)
{
	int t = type_of_name(c->string);

	if (t == TYPE_UNKNOWN)
		fail(L, "not a ticket type (want " TYPE_CHOICES ")");
	return t;
}

/* ---- the sections, in the order they are applied ---------------------- */

static bool valid_date(const char *s)
{
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

static void load_company(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "name", "document_code", "version",
					    "effective_date", "document_codes",
					    NULL };
	static const char *const code_keys[] = { "weekly_report",
						 "audit_sheet",
						 "centre_report", NULL };
	char **codes[3];
	size_t k;
	const cJSON *c;
	size_t saved;

	if (!check_object(L, v, keys))
		return;
	member_string(L, v, "name", &cfg->company, false);
	member_string(L, v, "document_code", &cfg->document_code, false);
	/* The other documents' codes; the 回访记录表 keeps document_code. */
	codes[0] = &cfg->code_weekly_report;
	codes[1] = &cfg->code_audit_sheet;
	codes[2] = &cfg->code_centre_report;
	if ((c = member(v, "document_codes"))) {
		size_t saved2 = push_key(L, "document_codes");

		if (check_object(L, c, code_keys))
			for (k = 0; code_keys[k]; k++) {
				const cJSON *e = member(c, code_keys[k]);

				if (!e)
					continue;
				saved = push_key(L, code_keys[k]);
				get_string(L, e, codes[k], true);
				pop(L, saved);
			}
		pop(L, saved2);
	}
	member_string(L, v, "version", &cfg->document_version, false);
	if ((c = enter(L, v, "effective_date", &saved))) {
		if (cJSON_IsString(c) && !valid_date(c->valuestring))
			fail_got(L, c, "must be a date YYYY-MM-DD");
		else
			get_string(L, c, &cfg->effective_date, false);
		pop(L, saved);
	}
}

static void load_targets(struct loader *L, const cJSON *v, struct config *cfg)
{
	const cJSON *c;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);
		int t = type_key(L, c);
		double x;

		if (t != TYPE_UNKNOWN && get_number(L, c, 0, 1, &x))
			cfg->target[t] = x;
		pop(L, saved);
	}
}

static bool get_sla(struct loader *L, const cJSON *v, int64_t *seconds)
{
	if (!cJSON_IsNumber(v)) {
		fail_got(L, v, "must be a number of hours");
		return false;
	}
	/*
	 * Below a minute an SLA is a typing error (0.5 for 30 hours?), and
	 * every callback would read as late: refused (issue 13).
	 */
	if (!(v->valuedouble * 3600 >= 60 - 1e-9 && v->valuedouble <= 8760)) {
		fail_got(L, v, "must be at least one minute (0.0167 hours) and "
			 "at most 8760 hours");
		return false;
	}
	*seconds = (int64_t)llround(v->valuedouble * 3600);
	return true;
}

static void load_sla(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "default", "by_type", NULL };
	const cJSON *c, *e;
	size_t saved;
	int64_t s;
	int t;

	if (!check_object(L, v, keys))
		return;
	if ((c = enter(L, v, "default", &saved))) {
		if (get_sla(L, c, &s))
			for (t = 0; t < TYPE_COUNT; t++)
				cfg->sla_seconds[t] = s;
		pop(L, saved);
	}
	if ((c = enter(L, v, "by_type", &saved))) {
		if (!cJSON_IsObject(c))
			fail_got(L, c, "must be an object");
		else
			for (e = c->child; e; e = e->next) {
				size_t s2 = push_key(L, e->string);

				t = type_key(L, e);
				if (t != TYPE_UNKNOWN && get_sla(L, e, &s))
					cfg->sla_seconds[t] = s;
				pop(L, s2);
			}
		pop(L, saved);
	}
}

/*
 * A header name must lead to one column only: an alias may not be another
 * column's name or alias. Headers compare case-insensitively (SPEC §8.4),
 * so aliases do too; a clash is reported once, on the later column.
 */
static void check_column_aliases(struct loader *L, const struct config *cfg)
{
	int c, u;
	size_t i, j;

	for (c = 0; c < COL_COUNT; c++)
		for (i = 0; i < cfg->column_aliases[c].nr; i++) {
			const char *a = cfg->column_aliases[c].items[i];
			int clash = -1;

			for (u = 0; u < COL_COUNT && clash < 0; u++) {
				if (u != c && !strcasecmp(a, column_name[u]))
					clash = u;
				for (j = 0; u < c && clash < 0 &&
					    j < cfg->column_aliases[u].nr; j++)
					if (!strcasecmp(a,
						cfg->column_aliases[u].items[j]))
						clash = u;
			}
			if (clash >= 0) {
				size_t saved = push_key(L, column_name[c]);

				fail(L, "'%s' already names %s", a,
				     column_name[clash]);
				pop(L, saved);
			}
		}
}

static void load_column_aliases(struct loader *L, const cJSON *v,
				struct config *cfg)
{
	const cJSON *c;
	int col;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);

		for (col = 0; col < COL_COUNT; col++)
			if (!strcmp(c->string, column_name[col]))
				break;
		if (col == COL_COUNT)
			fail(L, "not a canonical column name (see "
			     "docs/config.md)");
		else
			get_string_list(L, c, &cfg->column_aliases[col]);
		pop(L, saved);
	}
	check_column_aliases(L, cfg);
}

/* types.<type>.subtype_aliases: {alias: known sub-type}, replacing. */
static void load_subtype_aliases(struct loader *L, const cJSON *v,
				 struct config *cfg, int t)
{
	struct string_list text = { NULL, 0, 0 }, target = { NULL, 0, 0 };
	const cJSON *c;
	bool ok = true;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);

		if (!*c->string) {
			fail(L, "an alias must not be empty");
			ok = false;
		} else if (config_known_subtype(cfg, t, c->string)) {
			fail(L, "'%s' is itself a sub-type of %s, so this alias "
			     "could never apply", c->string,
			     ticket_type_name[t]);
			ok = false;
		} else if (!cJSON_IsString(c) ||
			   !config_known_subtype(cfg, t, c->valuestring)) {
			fail_got(L, c, "must name a sub-type in types.%s.subtypes",
				 ticket_type_name[t]);
			ok = false;
		} else {
			string_list_add(&text, c->string);
			string_list_add(&target, c->valuestring);
		}
		pop(L, saved);
	}
	if (ok) {
		string_list_clear(&cfg->subtype_alias_text[t]);
		string_list_clear(&cfg->subtype_alias_target[t]);
		cfg->subtype_alias_text[t] = text;
		cfg->subtype_alias_target[t] = target;
		return;
	}
	string_list_clear(&text);
	string_list_clear(&target);
}

static void load_types(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "aliases", "subtypes",
					    "subtype_aliases", NULL };
	const cJSON *c, *e;
	size_t saved, s2;
	int t, u;
	size_t i;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		saved = push_key(L, c->string);
		t = type_key(L, c);
		if (t != TYPE_UNKNOWN && check_object(L, c, keys)) {
			if ((e = member(c, "aliases"))) {
				s2 = push_key(L, "aliases");
				get_string_list(L, e, &cfg->type_aliases[t]);
				pop(L, s2);
			}
			if ((e = member(c, "subtypes"))) {
				s2 = push_key(L, "subtypes");
				get_string_list(L, e, &cfg->subtypes[t]);
				pop(L, s2);
			}
			/* After subtypes: an alias names a known one. */
			if ((e = member(c, "subtype_aliases"))) {
				s2 = push_key(L, "subtype_aliases");
				load_subtype_aliases(L, e, cfg, t);
				pop(L, s2);
			}
		}
		pop(L, saved);
	}
	/*
	 * An alias must name one type only, or matching would be ambiguous;
	 * a clash between two alias lists is reported once, on the later type.
	 */
	for (t = 0; t < TYPE_COUNT; t++)
		for (i = 0; i < cfg->type_aliases[t].nr; i++) {
			const char *a = cfg->type_aliases[t].items[i];

			for (u = 0; u < TYPE_COUNT; u++)
				if ((u < t && string_list_has(
						       &cfg->type_aliases[u], a)) ||
				    !strcmp(a, ticket_type_name[u])) {
					saved = push_key(L, ticket_type_name[t]);
					push_key(L, "aliases");
					fail(L, "'%s' already names %s", a,
					     ticket_type_name[u]);
					pop(L, saved);
					break;
				}
		}
}

static void load_satisfaction_aliases(struct loader *L, const cJSON *v,
				      struct config *cfg)
{
	const cJSON *c;
	int s, ok = 1;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);

		if (!*c->string) {
			fail(L, "an alias must not be empty");
			ok = 0;
		} else if ((s = config_builtin_satisfaction(c->string))) {
			/* SPEC §9.22: config that can never apply is an error. */
			fail(L, "'%s' is always read as %s (a built-in form), so "
			     "this alias could never apply; map the column in a "
			     "source profile's values instead", c->string,
			     satisfaction_name[s]);
			ok = 0;
		}
		for (s = SAT_VERY_DISSATISFIED; s <= SAT_VERY_SATISFIED; s++)
			if (cJSON_IsString(c) &&
			    !strcmp(c->valuestring, satisfaction_name[s]))
				break;
		if (s > SAT_VERY_SATISFIED) {
			fail_got(L, c, "must be %s, %s, %s, %s or %s",
				 satisfaction_scale[0], satisfaction_scale[1],
				 satisfaction_scale[2], satisfaction_scale[3],
				 satisfaction_scale[4]);
			ok = 0;
		}
		pop(L, saved);
	}
	if (!ok)
		return;
	string_list_clear(&cfg->satisfaction_alias_text);
	free(cfg->satisfaction_alias_level);
	cfg->satisfaction_alias_level = NULL;
	for (c = v->child; c; c = c->next)
		config_add_satisfaction_alias(
			cfg, c->string,
			config_match_satisfaction(cfg, c->valuestring));
}

/*
 * SPEC §9.22 and issue 14: an attempt word that is also a satisfaction
 * (a label, an alias or a star such as `2`) would turn every such rating
 * into an attempt, as the attempt code `2` once did. Reported on the word.
 */
static void check_attempt_words(struct loader *L, const struct config *cfg)
{
	size_t i;
	int s;

	for (i = 0; i < cfg->attempt_words.nr; i++) {
		const char *w = cfg->attempt_words.items[i];

		if ((s = config_match_satisfaction(cfg, w)) == SAT_NONE)
			continue;
		{
			size_t saved = push_key(L, "attempt_words");

			push_index(L, i);
			fail(L, "'%s' is also the satisfaction %s; a status code "
			     "meaning \"not reached\" belongs in a source "
			     "profile's attempt rule", w, satisfaction_name[s]);
			pop(L, saved);
		}
	}
}

/* UTF-8 or GB18030 under any of their names, as ingest.encoding. */
static bool get_encoding(struct loader *L, const cJSON *c, char **dst)
{
	if (cJSON_IsNull(c)) {
		free(*dst);
		*dst = NULL;
	} else if (cJSON_IsString(c) && (!strcasecmp(c->valuestring, "UTF-8") ||
					 !strcasecmp(c->valuestring, "UTF8"))) {
		free(*dst);
		*dst = xstrdup("UTF-8");
	} else if (cJSON_IsString(c) &&
		   (!strcasecmp(c->valuestring, "GB18030") ||
		    !strcasecmp(c->valuestring, "GBK") ||
		    !strcasecmp(c->valuestring, "GB2312"))) {
		/* GB18030 is a superset of GBK and GB2312. */
		free(*dst);
		*dst = xstrdup("GB18030");
	} else {
		fail_got(L, c, "must be null (detect), UTF-8, GBK or GB18030");
		return false;
	}
	return true;
}

static void load_ingest(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "max_field_bytes", "encoding",
					    "threads", "max_columns",
					    "max_header_bytes", NULL };
	const cJSON *c;
	size_t saved;
	long n;

	if (!check_object(L, v, keys))
		return;
	if (member_whole(L, v, "max_field_bytes", 1024, 64L << 20, &n))
		cfg->max_field_bytes = (size_t)n;
	/*
	 * Bounds on a header (issue 13): a hostile export cannot hold the
	 * nightly lock for hours with two million columns.
	 */
	if (member_whole(L, v, "max_columns", 16, 1L << 20, &n))
		cfg->max_columns = (size_t)n;
	if (member_whole(L, v, "max_header_bytes", 1024, 64L << 20, &n))
		cfg->max_header_bytes = (size_t)n;
	if (member_whole(L, v, "threads", 0, 64, &n))
		cfg->ingest_threads = (unsigned)n;
	if ((c = enter(L, v, "encoding", &saved))) {
		get_encoding(L, c, &cfg->encoding);
		pop(L, saved);
	}
}

/* A scope rule {"type": ..., "subtype": ...}; subtype optional. */
static bool get_scope_rule(struct loader *L, const cJSON *v,
			   const struct config *cfg, bool need_subtype,
			   struct scope_rule *r)
{
	static const char *const keys[] = { "type", "subtype", NULL };
	const cJSON *c;
	size_t saved;
	bool ok = true;

	r->type = TYPE_UNKNOWN;
	r->subtype = NULL;
	if (!check_object(L, v, keys))
		return false;
	saved = push_key(L, "type");
	c = member(v, "type");
	if (!c) {
		fail(L, "missing");
		ok = false;
	} else if (!cJSON_IsString(c) ||
		   (r->type = type_of_name(c->valuestring)) == TYPE_UNKNOWN) {
		fail_got(L, c, "must be " TYPE_CHOICES);
		ok = false;
	}
	pop(L, saved);
	saved = push_key(L, "subtype");
	c = member(v, "subtype");
	if (!c) {
		if (need_subtype) {
			fail(L, "missing");
			ok = false;
		}
	} else if (!cJSON_IsString(c)) {
		fail_got(L, c, "must be a string");
		ok = false;
	} else if (r->type != TYPE_UNKNOWN &&
		   !config_known_subtype(cfg, r->type, c->valuestring)) {
		fail_got(L, c, "not a sub-type of %s in types.%s.subtypes",
			 ticket_type_name[r->type], ticket_type_name[r->type]);
		ok = false;
	} else {
		r->subtype = xstrdup(c->valuestring);
	}
	pop(L, saved);
	if (!ok) {
		free(r->subtype);
		r->subtype = NULL;
	}
	return ok;
}

static void get_scope_list(struct loader *L, const cJSON *v,
			   const struct config *cfg, bool need_subtype,
			   struct scope_rule **rules, size_t *n)
{
	const cJSON *c;
	size_t i = 0;

	if (!cJSON_IsArray(v)) {
		fail_got(L, v, "must be an array");
		return;
	}
	*rules = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(**rules));
	*n = 0;
	for (c = v->child; c; c = c->next, i++) {
		size_t saved = push_index(L, i);

		if (get_scope_rule(L, c, cfg, need_subtype, &(*rules)[*n]))
			(*n)++;
		pop(L, saved);
	}
}

static void load_must_include(struct loader *L, const cJSON *v,
			      const struct config *cfg,
			      struct sampling_level *l)
{
	static const char *const keys[] = { "risk_signals", "subtypes",
					    "fake_followup", NULL };
	const cJSON *c, *e;
	size_t saved, i = 0;
	unsigned k;

	if (!check_object(L, v, keys))
		return;
	if ((c = enter(L, v, "risk_signals", &saved))) {
		if (!cJSON_IsArray(c))
			fail_got(L, c, "must be an array of anomaly kinds");
		else
			for (e = c->child; e; e = e->next, i++) {
				size_t s2 = push_index(L, i);

				for (k = 0; k < ANOM_COUNT; k++)
					if (cJSON_IsString(e) &&
					    !strcmp(e->valuestring,
						    anomaly_kind_name[k]))
						break;
				if (k == ANOM_COUNT)
					fail_got(L, e, "not an anomaly kind "
						 "(see docs/config.md)");
				else
					l->risk_signals |= 1u << k;
				pop(L, s2);
			}
		pop(L, saved);
	}
	if ((c = enter(L, v, "subtypes", &saved))) {
		get_scope_list(L, c, cfg, true, &l->must_include,
			       &l->nmust_include);
		pop(L, saved);
	}
	member_bool(L, v, "fake_followup", &l->fake_followup);
}

static bool valid_level_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      *s == '_'))
			return false;
	return true;
}

static void load_level(struct loader *L, const cJSON *v,
		       const struct config *cfg, struct sampling_level *l)
{
	static const char *const keys[] = { "id",	"label",   "scope",
					    "stratum",	"size",	   "rate",
					    "minimum",	"must_include",
					    "spread",	"minimum_per_butler",
					    "sheets",	NULL };
	static const char *const strata[] = { "butler", "center", "all",
					      NULL };
	static const char *const sizes[] = { "rate", "gb2828-II", NULL };
	static const char *const spreads[] = { "none", "butler", NULL };
	static const char *const sheets[] = { "one", "per_center", NULL };
	const cJSON *c;
	size_t saved;
	double x;
	long n;
	int i;

	l->size = SIZE_RATE;
	if (!check_object(L, v, keys))
		return;
	saved = push_key(L, "id");
	if (!(c = member(v, "id")))
		fail(L, "missing");
	else if (cJSON_IsString(c) && !valid_level_id(c->valuestring))
		fail_got(L, c, "must be lower-case letters, digits and _");
	else
		get_string(L, c, &l->id, false);
	pop(L, saved);
	if (need(L, v, "label"))
		member_string(L, v, "label", &l->label, false);
	if ((c = enter(L, v, "scope", &saved))) {
		get_scope_list(L, c, cfg, false, &l->scope, &l->nscope);
		pop(L, saved);
	}
	if (need(L, v, "stratum") &&
	    member_choice(L, v, "stratum", strata, "butler, center or all", &i))
		l->stratum = (enum stratum)i;
	if (member_choice(L, v, "size", sizes, "rate or gb2828-II", &i))
		l->size = i ? SIZE_GB2828_II : SIZE_RATE;
	if (need(L, v, "rate") && member_number(L, v, "rate", 0, 1, &x))
		l->rate = x;
	if (need(L, v, "minimum") &&
	    member_whole(L, v, "minimum", 0, 1000000, &n))
		l->minimum = (unsigned)n;
	if (member_choice(L, v, "spread", spreads, "none or butler", &i))
		l->spread = i ? SPREAD_BUTLER : SPREAD_NONE;
	if (member_choice(L, v, "sheets", sheets, "one or per_center", &i))
		l->sheets = i ? SHEETS_PER_CENTER : SHEETS_ONE;
	if (member_whole(L, v, "minimum_per_butler", 0, 1000000, &n))
		l->minimum_per_butler = (unsigned)n;
	if ((c = enter(L, v, "must_include", &saved))) {
		load_must_include(L, c, cfg, l);
		pop(L, saved);
	}
}

static void free_levels(struct sampling_level *levels, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sampling_level_release(&levels[i]);
	free(levels);
}

static void load_levels(struct loader *L, const cJSON *v, struct config *cfg)
{
	struct sampling_level *levels;
	const cJSON *c;
	size_t i = 0, j, n;
	unsigned before = L->errors;

	if (!cJSON_IsArray(v)) {
		fail_got(L, v, "must be an array");
		return;
	}
	n = (size_t)cJSON_GetArraySize(v);
	if (!n) {
		fail(L, "must list at least one level");
		return;
	}
	levels = xcalloc(n, sizeof(*levels));
	for (c = v->child; c; c = c->next, i++) {
		size_t saved = push_index(L, i);

		load_level(L, c, cfg, &levels[i]);
		for (j = 0; j < i; j++)
			if (levels[i].id && levels[j].id &&
			    !strcmp(levels[i].id, levels[j].id)) {
				size_t s2 = push_key(L, "id");

				fail(L, "'%s' is already the id of "
				     "levels[%zu]", levels[i].id, j);
				pop(L, s2);
			}
		pop(L, saved);
	}
	if (L->errors != before) {
		free_levels(levels, n);
		return;
	}
	free_levels(cfg->levels, cfg->nlevels);
	cfg->levels = levels;
	cfg->nlevels = n;
}

static void load_sampling(struct loader *L, const cJSON *v,
			  struct config *cfg)
{
	static const char *const keys[] = { "seed", "levels", NULL };
	const cJSON *c;
	size_t saved;

	if (!check_object(L, v, keys))
		return;
	member_string(L, v, "seed", &cfg->seed, false);
	if ((c = enter(L, v, "levels", &saved))) {
		load_levels(L, c, cfg);
		pop(L, saved);
	}
}

static void load_masking(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "names", "phones", "free_text",
					    NULL };
	if (!check_object(L, v, keys))
		return;
	member_bool(L, v, "names", &cfg->mask_names);
	member_bool(L, v, "phones", &cfg->mask_phones);
	member_bool(L, v, "free_text", &cfg->mask_free_text);
}

static void load_pdf(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "font_path", "font_index", NULL };
	long n;

	if (!check_object(L, v, keys))
		return;
	member_string(L, v, "font_path", &cfg->font_path, false);
	if (member_whole(L, v, "font_index", 0, 255, &n))
		cfg->font_index = (int)n;
}

/* An octal file mode or umask written as a string, "0027". */
static bool get_octal(struct loader *L, const cJSON *v, unsigned *dst)
{
	size_t len, i;

	/* A string, so that nobody writes 27 meaning 027. */
	len = cJSON_IsString(v) ? strlen(v->valuestring) : 0;
	for (i = 0; i < len; i++)
		if (v->valuestring[i] < '0' || v->valuestring[i] > '7')
			break;
	if (!len || i < len || len < 3 || len > 4 ||
	    (len == 4 && v->valuestring[0] != '0')) {
		fail_got(L, v, "must be an octal string like \"0027\"");
		return false;
	}
	*dst = (unsigned)strtoul(v->valuestring, NULL, 8);
	return true;
}

static void load_output(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "umask", NULL };
	const cJSON *c;
	size_t saved;

	if (!check_object(L, v, keys))
		return;
	if (!(c = member(v, "umask")))
		return;
	saved = push_key(L, "umask");
	get_octal(L, c, &cfg->umask);
	pop(L, saved);
}

static void load_audit_masking(struct loader *L, const cJSON *v,
			       struct config *cfg)
{
	static const char *const keys[] = { "names", "phones", "ids", NULL };
	if (!check_object(L, v, keys))
		return;
	member_bool(L, v, "names", &cfg->audit_mask_names);
	member_bool(L, v, "phones", &cfg->audit_mask_phones);
	member_bool(L, v, "ids", &cfg->audit_mask_ids);
}

static void load_audit(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "fake_followup_weeks",
					    "overdue_days", "masking",
					    "file_mode", NULL };
	const cJSON *c;
	size_t saved;
	unsigned mode;
	long n;

	if (!check_object(L, v, keys))
		return;
	if (member_whole(L, v, "fake_followup_weeks", 0, 520, &n))
		cfg->audit_followup_weeks = (unsigned)n;
	if (member_whole(L, v, "overdue_days", 0, 3650, &n))
		cfg->audit_overdue_days = (unsigned)n;
	if ((c = enter(L, v, "masking", &saved))) {
		load_audit_masking(L, c, cfg);
		pop(L, saved);
	}
	if ((c = enter(L, v, "file_mode", &saved))) {
		if (get_octal(L, c, &mode)) {
			/* The owner must be able to read and rewrite it. */
			if ((mode & 0600) != 0600 || (mode & 0007))
				fail_got(L, c, "must let the owner read and write and give others nothing, like \"0640\"");
			else
				cfg->audit_file_mode = mode;
		}
		pop(L, saved);
	}
}

static void load_check(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "max_errors_per_file", NULL };
	long n;

	if (!check_object(L, v, keys))
		return;
	if (member_whole(L, v, "max_errors_per_file", 0, 1000000, &n))
		cfg->max_errors_per_file = (unsigned)n;
}

/* rankings.window_weeks: the weeks the rankings span, within the trend. */
static void load_rankings(struct loader *L, const cJSON *v,
			  struct config *cfg)
{
	static const char *const keys[] = { "window_weeks", NULL };
	long n;

	if (!check_object(L, v, keys))
		return;
	if (member_whole(L, v, "window_weeks", 1, 8, &n))
		cfg->rankings_window_weeks = (unsigned)n;
}

/* ---- source profiles (source.h, docs/sources.md) ---------------------- */

/* The enum column named exactly name; -1 if it is not a canonical name. */
static int column_of(const char *name)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (!strcmp(name, column_name[c]))
			return c;
	return -1;
}

static bool is_satisfaction_column(int c)
{
	return c == COL_CB_SATISFACTION || c == COL_CB2_SATISFACTION;
}

/* A key of a map keyed by canonical column; -1 (reported) if not one. */
static int column_key(struct loader *L, const cJSON *c)
{
	int col = column_of(c->string);

	if (col < 0)
		fail(L, "not a canonical column name (see docs/config.md)");
	return col;
}

/* A string or an array of strings, as a list (files). */
static bool get_one_or_more(struct loader *L, const cJSON *v,
			    struct string_list *dst)
{
	if (cJSON_IsString(v)) {
		if (!*v->valuestring) {
			fail(L, "must not be empty");
			return false;
		}
		string_list_clear(dst);
		string_list_add(dst, v->valuestring);
		return true;
	}
	if (!cJSON_IsArray(v) || !v->child) {
		fail_got(L, v, "must be a string or a non-empty array of "
			 "strings");
		return false;
	}
	return get_string_list(L, v, dst);
}

static void profile_columns(struct loader *L, const cJSON *v,
			    struct source_profile *p)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	const cJSON *c;
	size_t i, n = 0;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next)
		n++;
	p->header_column = xcalloc(n ? n : 1, sizeof(*p->header_column));
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);
		int col = -1;

		if (!*c->string)
			fail(L, "a header name must not be empty");
		else if (!cJSON_IsString(c) ||
			 (col = column_of(c->valuestring)) < 0)
			fail_got(L, c, "must be a canonical column name (see "
				 "docs/config.md)");
		for (i = 0; col >= 0 && i < p->header.nr; i++) {
			buf_setlen(&a, 0);
			buf_setlen(&b, 0);
			text_header_key(&a, c->string, strlen(c->string));
			text_header_key(&b, p->header.items[i],
					strlen(p->header.items[i]));
			if (!strcmp(a.s, b.s)) {
				fail(L, "'%s' is the same header as '%s' (headers "
				     "compare ignoring case and width)",
				     c->string, p->header.items[i]);
				col = -1;
			} else if (p->header_column[i] == col) {
				fail(L, "'%s' and '%s' both map to %s; a column "
				     "has one source", p->header.items[i],
				     c->string, column_name[col]);
				col = -1;
			}
		}
		if (col >= 0) {
			p->header_column[p->header.nr] = col;
			string_list_add(&p->header, c->string);
		}
		pop(L, saved);
	}
	buf_release(&a);
	buf_release(&b);
}

/* The source header p maps to column col; NULL if none. */
static const char *header_of(const struct source_profile *p, int col)
{
	size_t i;

	for (i = 0; i < p->header.nr; i++)
		if (p->header_column[i] == col)
			return p->header.items[i];
	return NULL;
}

/* What the members of a profile's maps are read into. */
struct profile_ctx {
	const struct config *cfg;
	struct source_profile *p;
	int type;                    /* values_by_type's type, else unknown */
};

/*
 * Calls fn for every member of the object v, with the member's key on the
 * key path; v itself is reported when it is not an object.
 */
static void each_member(struct loader *L, const cJSON *v,
			void (*fn)(struct loader *, const cJSON *,
				   struct profile_ctx *),
			struct profile_ctx *ctx)
{
	const cJSON *c;

	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);

		fn(L, c, ctx);
		pop(L, saved);
	}
}

/* constants: {column: value}. */
static void constant_member(struct loader *L, const cJSON *c,
			    struct profile_ctx *ctx)
{
	struct source_profile *p = ctx->p;
	int col = column_key(L, c);
	const char *from;

	if (col < 0)
		return;
	if (!cJSON_IsString(c) || !*c->valuestring) {
		fail_got(L, c, "must be a non-empty string");
	} else if ((from = header_of(p, col))) {
		fail(L, "the column '%s' is mapped to %s too; a constant "
		     "would hide it", from, column_name[col]);
	} else if (col == COL_TYPE &&
		   config_match_type(ctx->cfg, c->valuestring) < 0) {
		fail_got(L, c, "must be a ticket type or one of its aliases");
	} else {
		free(p->constant[col]);
		p->constant[col] = xstrdup(c->valuestring);
	}
}

/* Whether text has white space around it that trimming would remove. */
static bool untrimmed(const char *text)
{
	const char *s = text;
	size_t n = strlen(text);

	text_trim(&s, &n);
	return s != text || n != strlen(text);
}

/* One column's map {from: to} for type (TYPE_UNKNOWN: every type). */
static void profile_map(struct loader *L, const cJSON *v,
			const struct config *cfg, struct source_profile *p,
			int col, int type)
{
	struct value_map m;
	const cJSON *c;
	bool ok = true;

	memset(&m, 0, sizeof(m));
	m.column = col;
	m.type = type;
	if (!cJSON_IsObject(v)) {
		fail_got(L, v, "must be an object");
		return;
	}
	for (c = v->child; c; c = c->next) {
		size_t saved = push_key(L, c->string);
		const char *to = cJSON_IsString(c) ? c->valuestring : NULL;
		bool good = false;

		if (!*c->string)
			fail(L, "an empty value is empty; it cannot be mapped");
		else if (untrimmed(c->string))
			fail(L, "'%s' has white space around it, but values are "
			     "trimmed before they are mapped, so it could never "
			     "apply", c->string);
		else if (source_is_empty(p, c->string))
			fail(L, "'%s' is one of empty_values, which empty a value "
			     "before it is mapped, so it could never apply",
			     c->string);
		else if (col == p->attempt_column &&
			 string_list_has(&p->attempt_values, c->string))
			fail(L, "'%s' is also a value of the attempt rule, which "
			     "makes the row an attempt first", c->string);
		else if (!to || !*to)
			fail_got(L, c, "must be a non-empty string");
		else if (!strcmp(to, SOURCE_SKIP))
			good = true;
		else if (is_satisfaction_column(col) &&
			 (config_builtin_satisfaction(to) == SAT_NONE ||
			  strcmp(to, satisfaction_name[
					     config_builtin_satisfaction(to)])))
			fail_got(L, c, "must be 非常满意, 满意, 一般, 不满意, 非常不满意 "
				 "or skip");
		else if (col == COL_TYPE && config_match_type(cfg, to) < 0)
			fail_got(L, c, "must be a ticket type, one of its aliases, "
				 "or skip");
		else
			good = true;
		if (good) {
			string_list_add(&m.from, c->string);
			string_list_add(&m.to, to);
		} else {
			ok = false;
		}
		pop(L, saved);
	}
	if (!ok) {
		string_list_clear(&m.from);
		string_list_clear(&m.to);
		return;
	}
	p->maps = xrealloc(p->maps, (p->nmaps + 1) * sizeof(*p->maps));
	p->maps[p->nmaps++] = m;
}

/* values: {column: {from: to}}, for ctx->type. */
static void values_member(struct loader *L, const cJSON *c,
			  struct profile_ctx *ctx)
{
	int col = column_key(L, c);

	if (col == COL_TYPE && ctx->type != TYPE_UNKNOWN)
		fail(L, "a map chosen by 工单类型 cannot map 工单类型 itself; put "
		     "it under values");
	else if (col >= 0)
		profile_map(L, c, ctx->cfg, ctx->p, col, ctx->type);
}

/* values_by_type: {type: {column: {from: to}}}. */
static void by_type_member(struct loader *L, const cJSON *c,
			   struct profile_ctx *ctx)
{
	struct profile_ctx sub = *ctx;

	sub.type = type_key(L, c);
	if (sub.type != TYPE_UNKNOWN)
		each_member(L, c, values_member, &sub);
}


static void profile_time_formats(struct loader *L, const cJSON *v,
				 struct source_profile *p)
{
	static const struct {
		const char *name;
		unsigned form;
	} forms[] = {
		{ "epoch_seconds", CHTIME_EPOCH_S },
		{ "epoch_milliseconds", CHTIME_EPOCH_MS },
		{ "YYYYMMDDHHMMSS", CHTIME_COMPACT },
	};
	struct string_list names = { NULL, 0, 0 };
	size_t i, k;

	if (!get_string_list(L, v, &names))
		return;
	for (i = 0; i < names.nr; i++) {
		for (k = 0; k < sizeof(forms) / sizeof(forms[0]); k++)
			if (!strcmp(names.items[i], forms[k].name))
				break;
		if (k == sizeof(forms) / sizeof(forms[0])) {
			size_t saved = push_index(L, i);

			fail(L, "must be epoch_seconds, epoch_milliseconds or "
			     "YYYYMMDDHHMMSS, got '%s'", names.items[i]);
			pop(L, saved);
		} else {
			p->time_forms |= forms[k].form;
		}
	}
	string_list_clear(&names);
}

static void profile_attempt(struct loader *L, const cJSON *v,
			    struct source_profile *p)
{
	static const char *const keys[] = { "column", "values", NULL };
	const cJSON *c;
	size_t saved;

	if (!check_object(L, v, keys))
		return;
	saved = push_key(L, "column");
	c = member(v, "column");
	if (!c || !cJSON_IsString(c) || column_of(c->valuestring) < 0)
		fail_got(L, c, "must be a canonical column name");
	else
		p->attempt_column = column_of(c->valuestring);
	pop(L, saved);
	saved = push_key(L, "values");
	c = member(v, "values");
	if (!c || !cJSON_IsArray(c) || !c->child)
		fail_got(L, c, "must be a non-empty array of strings");
	else
		get_string_list(L, c, &p->attempt_values);
	pop(L, saved);
}

/* The directory part of path with its slash ("" for none). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return xstrndup(path, slash ? (size_t)(slash - path) + 1 : 0);
}

/*
 * Splits one CSV record at text[*pos] (RFC 4180: quotes, doubled quotes,
 * CRLF or LF) into fields; -1 on an unterminated quote.
 */
static int csv_record(const char *text, size_t len, size_t *pos,
		      struct string_list *fields)
{
	struct buf f = BUF_INIT;
	size_t i = *pos;
	int ret = 0;

	string_list_clear(fields);
	for (;;) {
		buf_setlen(&f, 0);
		if (i < len && text[i] == '"') {
			for (i++;; i++) {
				if (i >= len) {
					ret = -1;
					goto out;
				}
				if (text[i] == '"') {
					if (i + 1 < len && text[i + 1] == '"')
						i++;
					else
						break;
				}
				buf_addch(&f, text[i]);
			}
			i++;
		}
		while (i < len && text[i] != ',' && text[i] != '\n' &&
		       text[i] != '\r')
			buf_addch(&f, text[i++]);
		string_list_add(fields, f.len ? f.s : "");
		if (i < len && text[i] == ',') {
			i++;
			continue;
		}
		if (i < len && text[i] == '\r')
			i++;
		if (i < len && text[i] == '\n')
			i++;
		break;
	}
out:
	*pos = i;
	buf_release(&f);
	return ret;
}

/* The index of name among fields (trimmed, as headers compare); -1. */
static int field_index(const struct string_list *fields, const char *name)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i;
	int at = -1;

	text_header_key(&a, name, strlen(name));
	for (i = 0; i < fields->nr && at < 0; i++) {
		buf_setlen(&b, 0);
		text_header_key(&b, fields->items[i], strlen(fields->items[i]));
		if (!strcmp(a.s, b.s))
			at = (int)i;
	}
	buf_release(&a);
	buf_release(&b);
	return at;
}

struct code_pair {
	char *code, *name;
	unsigned long line;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct code_pair *x = a, *y = b;
	int c = strcmp(x->code, y->code);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Reads the code table file (relative to the config file's folder) into
 * t: a header naming key and value, then one row per code. Every problem
 * names the table's key path, the file as given and the line.
 */
static void read_code_table(struct loader *L, struct code_table *t,
			    const char *key, const char *value)
{
	struct buf text = BUF_INIT, why = BUF_INIT, path = BUF_INIT;
	struct string_list fields = { NULL, 0, 0 };
	struct code_pair *pairs = NULL;
	size_t npairs = 0, alloc = 0, pos = 0, bad, i;
	unsigned long line = 1;
	int ki, vi;
	char *dir;

	dir = t->file[0] == '/' ? xstrdup("") : dir_of(L->file);
	buf_addf(&path, "%s%s", dir, t->file);
	free(dir);
	if (read_file(path.s, &text, &why) < 0) {
		fail(L, "'%s': %s", t->file, why.s);
		goto out;
	}
	if (!utf8_valid(text.s, text.len, &bad)) {
		fail(L, "'%s': invalid UTF-8 at byte %zu (a code table is "
		     "UTF-8)", t->file, bad);
		goto out;
	}
	if (text.len >= 3 && !memcmp(text.s, "\xEF\xBB\xBF", 3))
		pos = 3;
	if (csv_record(text.s, text.len, &pos, &fields) < 0 ||
	    (ki = field_index(&fields, key)) < 0 ||
	    (vi = field_index(&fields, value)) < 0 || ki == vi) {
		fail(L, "'%s': the first line must be a header naming the "
		     "columns '%s' and '%s'", t->file, key, value);
		goto out;
	}
	while (pos < text.len) {
		const char *code, *name;
		size_t n;

		line++;
		if (text.s[pos] == '\n' || text.s[pos] == '\r') {
			/* A blank line is not a row. */
			csv_record(text.s, text.len, &pos, &fields);
			continue;
		}
		if (csv_record(text.s, text.len, &pos, &fields) < 0) {
			fail(L, "'%s':%lu: unterminated quote", t->file, line);
			goto out;
		}
		if ((size_t)ki >= fields.nr || (size_t)vi >= fields.nr) {
			fail(L, "'%s':%lu: %zu fields, fewer than the header's",
			     t->file, line, fields.nr);
			continue;
		}
		code = fields.items[ki];
		n = strlen(code);
		text_trim(&code, &n);
		name = fields.items[vi];
		if (!n) {
			fail(L, "'%s':%lu: the code is empty", t->file, line);
			continue;
		}
		ALLOC_GROW(pairs, npairs + 1, alloc);
		pairs[npairs].code = xstrndup(code, n);
		n = strlen(name);
		text_trim(&name, &n);
		pairs[npairs].name = xstrndup(name, n);
		pairs[npairs].line = line;
		npairs++;
	}
	qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	for (i = 0; i < npairs; i++) {
		if (i && !strcmp(pairs[i].code, pairs[i - 1].code)) {
			fail(L, "'%s':%lu: the code '%s' repeats line %lu",
			     t->file, pairs[i].line, pairs[i].code,
			     pairs[i - 1].line);
			continue;
		}
		string_list_add(&t->code, pairs[i].code);
		string_list_add(&t->name, pairs[i].name);
	}
out:
	for (i = 0; i < npairs; i++) {
		free(pairs[i].code);
		free(pairs[i].name);
	}
	free(pairs);
	string_list_clear(&fields);
	buf_release(&text);
	buf_release(&why);
	buf_release(&path);
}

/*
 * code_tables: {column: {"file", "key", "value"}}; key and value name the
 * table's columns, "code" and "name" unless given.
 */
static void code_table_member(struct loader *L, const cJSON *c,
			      struct profile_ctx *ctx)
{
	static const char *const keys[] = { "file", "key", "value", NULL };
	struct source_profile *p = ctx->p;
	char *got[3] = { NULL, xstrdup("code"), xstrdup("name") };
	int col = column_key(L, c), k;
	bool ok = col >= 0 && check_object(L, c, keys);
	struct code_table *t;

	for (k = 0; ok && k < 3; k++) {
		const cJSON *e = member(c, keys[k]);
		size_t saved;

		/* The file is required; key and value have defaults. */
		if (!e && k)
			continue;
		saved = push_key(L, keys[k]);
		ok = get_string(L, e, &got[k], false);
		pop(L, saved);
	}
	if (ok) {
		p->codes = xrealloc(p->codes, (p->ncodes + 1) * sizeof(*p->codes));
		t = &p->codes[p->ncodes++];
		memset(t, 0, sizeof(*t));
		t->column = col;
		t->file = got[0];
		got[0] = NULL;
		read_code_table(L, t, got[1], got[2]);
	}
	for (k = 0; k < 3; k++)
		free(got[k]);
}

/*
 * SPEC §9.22: a key that could never apply is an error. The Excel keys
 * (sheet, sheets) apply to workbooks, header_row to workbooks and CSV; a
 * profile all of whose globs end in another extension (*.json) reads
 * none of those. A glob whose ending has a wildcard may match either.
 */
static void profile_never_applies(struct loader *L,
				  const struct source_profile *p, bool csv)
{
	size_t i;

	for (i = 0; i < p->files.nr; i++) {
		const char *g = p->files.items[i], *dot = strrchr(g, '.');

		if (!dot || strpbrk(dot, "*?[") || !strcasecmp(dot, ".xlsx") ||
		    !strcasecmp(dot, ".xls") ||
		    (csv && !strcasecmp(dot, ".csv")))
			return;
	}
	fail(L, "none of the profile's files is %s, so this could never "
	     "apply", csv ? "a workbook or a CSV" : "a workbook");
}

static void load_profile(struct loader *L, const cJSON *v,
			 const struct config *cfg, struct source_profile *p)
{
	static const char *const keys[] = {
		"name",		"files",	"kind",	      "columns",
		"constants",	"empty_values", "values",     "values_by_type",
		"records",	"encoding",	"sheet",      "time_formats",
		"attempt",	"split_handler", "callback_time_from",
		"key_column",	"join",		"code_tables", "sheets",
		"header_row",	NULL
	};
	struct profile_ctx ctx = { cfg, p, TYPE_UNKNOWN };
	const cJSON *c;
	size_t saved;

	p->attempt_column = -1;
	p->callback_time_from = -1;
	if (!check_object(L, v, keys))
		return;
	saved = push_key(L, "name");
	if (!(c = member(v, "name")))
		fail(L, "missing");
	else
		get_string(L, c, &p->name, false);
	pop(L, saved);
	saved = push_key(L, "files");
	if (!(c = member(v, "files")))
		fail(L, "missing");
	else
		get_one_or_more(L, c, &p->files);
	pop(L, saved);
#define STEP(key, stmt)                           \
	if ((c = member(v, key))) {               \
		saved = push_key(L, key);         \
		stmt;                             \
		pop(L, saved);                    \
	}
	STEP("kind", {
		if (cJSON_IsString(c) && !strcmp(c->valuestring, "tickets"))
			p->kind = SOURCE_TICKETS;
		else if (cJSON_IsString(c) &&
			 !strcmp(c->valuestring, "callbacks"))
			p->kind = SOURCE_CALLBACKS;
		else
			fail_got(L, c, "must be tickets or callbacks");
	});
	/* In this order: the checks of values read the others. */
	STEP("columns", profile_columns(L, c, p));
	STEP("constants", each_member(L, c, constant_member, &ctx));
	STEP("empty_values", get_string_list(L, c, &p->empty_values));
	STEP("attempt", profile_attempt(L, c, p));
	STEP("values", each_member(L, c, values_member, &ctx));
	STEP("values_by_type", each_member(L, c, by_type_member, &ctx));
	STEP("records", {
		if (get_string(L, c, &p->records, false) &&
		    (p->records[0] == '.' ||
		     p->records[strlen(p->records) - 1] == '.' ||
		     strstr(p->records, "..")))
			fail_got(L, c, "must be keys joined by dots, such as "
				 "data.list");
	});
	STEP("encoding", get_encoding(L, c, &p->encoding));
	STEP("sheet", {
		if (get_string(L, c, &p->sheet, false))
			profile_never_applies(L, p, false);
	});
	STEP("sheets", {
		if (p->sheet)
			fail(L, "give sheet (one sheet) or sheets, not both");
		else if (cJSON_IsString(c) && !strcmp(c->valuestring, "all"))
			p->all_sheets = true;
		else if (!cJSON_IsArray(c) || !c->child)
			fail_got(L, c, "must be \"all\" or a non-empty array "
				 "of sheet names");
		else
			get_string_list(L, c, &p->sheets);
		profile_never_applies(L, p, false);
	});
	STEP("header_row", {
		long n;

		if (get_whole(L, c, 1, 1048576, &n))   /* Excel's rows */
			p->header_row = (uint32_t)n;
		profile_never_applies(L, p, true);
	});
	STEP("time_formats", profile_time_formats(L, c, p));
	STEP("split_handler", get_string(L, c, &p->handler_separators, false));
	STEP("callback_time_from", {
		int col = cJSON_IsString(c) ? column_of(c->valuestring) : -1;

		if (col < 0 || !column_is_time(col) || col == COL_CB_TIME ||
		    col == COL_CB2_TIME)
			fail_got(L, c, "must be 创建时间, 完成时间, 更新时间 or "
				 "整改完成时间");
		else
			p->callback_time_from = col;
	});
	STEP("key_column", {
		if (get_string(L, c, &p->key_column, false) &&
		    p->kind == SOURCE_CALLBACKS)
			fail(L, "only a tickets profile has a key column; a "
			     "callbacks profile names it with join");
	});
	STEP("join", {
		if (get_string(L, c, &p->join, false) &&
		    p->kind != SOURCE_CALLBACKS) {
			fail(L, "only a profile of kind callbacks joins tickets");
			free(p->join);
			p->join = NULL;
		}
	});
	STEP("code_tables", each_member(L, c, code_table_member, &ctx));
#undef STEP
}

/* Checks across profiles: unique names, joins that name a key. */
static void check_profiles(struct loader *L, const struct config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->nsources; i++) {
		const struct source_profile *p = &cfg->sources[i], *t;
		size_t saved = push_index(L, i);

		for (j = 0; p->name && j < i; j++)
			if (cfg->sources[j].name &&
			    !strcmp(cfg->sources[j].name, p->name)) {
				push_key(L, "name");
				fail(L, "'%s' names sources[%zu] too", p->name,
				     j);
				break;
			}
		if (p->join) {
			t = source_by_name(cfg, p->join);
			if (!t || !t->key_column) {
				push_key(L, "join");
				fail(L, "'%s' must name a tickets profile that has "
				     "a key_column", p->join);
			}
		}
		pop(L, saved);
	}
}

static void load_sources(struct loader *L, const cJSON *v, struct config *cfg)
{
	const cJSON *c;
	size_t i = 0, n = 0;

	if (!cJSON_IsArray(v)) {
		fail_got(L, v, "must be an array of source profiles");
		return;
	}
	config_sources_release(cfg);
	for (c = v->child; c; c = c->next)
		n++;
	cfg->sources = xcalloc(n ? n : 1, sizeof(*cfg->sources));
	for (c = v->child; c; c = c->next, i++) {
		size_t saved = push_index(L, i);

		cfg->nsources++;
		load_profile(L, c, cfg, &cfg->sources[i]);
		pop(L, saved);
	}
	check_profiles(L, cfg);
}

static void load_count(struct loader *L, const cJSON *v, const char *key,
		       long lo, long hi, unsigned *dst)
{
	long n;

	if (member_whole(L, v, key, lo, hi, &n))
		*dst = (unsigned)n;
}

static void load_gates(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = {
		"rejected_share",      "unreadable_files", "damaged_ids",
		"repeated_id_share",   "untimed_rating_share",
		"require_butler",      "stale_days",	   "empty_week_average",
		"rejected_file_share", NULL
	};
	struct issue_gates *g = &cfg->gates;

	if (!check_object(L, v, keys))
		return;
	member_number(L, v, "rejected_share", 0, 1, &g->rejected_share);
	load_count(L, v, "unreadable_files", 0, 1000000, &g->unreadable_files);
	load_count(L, v, "damaged_ids", 0, 100000000, &g->damaged_ids);
	member_number(L, v, "repeated_id_share", 0, 1, &g->repeated_id_share);
	member_number(L, v, "untimed_rating_share", 0, 1, &g->untimed_rating_share);
	member_bool(L, v, "require_butler", &g->require_butler);
	member_number(L, v, "stale_days", 0, 365, &g->stale_days);
	member_number(L, v, "empty_week_average", 0, 100000, &g->empty_week_average);
	member_number(L, v, "rejected_file_share", 0, 1, &g->rejected_file_share);
}

/* issue: when a week is issued and what keeps it provisional (§9.26). */
static void load_issue(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "grace_hours", "gates",
					    "accept_gates", NULL };
	const cJSON *c;
	size_t saved, i, g;
	double h;

	if (!check_object(L, v, keys))
		return;
	if ((c = enter(L, v, "grace_hours", &saved))) {
		h = cJSON_IsNumber(c) ? c->valuedouble : -1;
		if (!(h >= 0 && h <= 8760))
			fail_got(L, c, "must be a number of hours from 0 to "
				 "8760");
		else
			cfg->issue_grace_seconds = (int64_t)llround(h * 3600);
		pop(L, saved);
	}
	if ((c = enter(L, v, "gates", &saved))) {
		load_gates(L, c, cfg);
		pop(L, saved);
	}
	if ((c = enter(L, v, "accept_gates", &saved))) {
		if (get_string_list(L, c, &cfg->accept_gates))
			for (i = 0; i < cfg->accept_gates.nr; i++) {
				for (g = 0; g < GATE_COUNT; g++)
					if (!strcmp(cfg->accept_gates.items[i],
						    issue_gate_name[g]))
						break;
				if (g == GATE_COUNT) {
					size_t s2 = push_index(L, i);

					fail(L, "not a gate: '%s'",
					     cfg->accept_gates.items[i]);
					pop(L, s2);
				}
			}
		pop(L, saved);
	}
}

/* unreachable: when an owed ticket's owner counts as 无法联系. */
static void load_unreachable(struct loader *L, const cJSON *v,
			     struct config *cfg)
{
	static const char *const keys[] = { "attempts", "days", "results",
					    "exclude_from_coverage", NULL };
	const cJSON *c;
	size_t saved, i;

	if (!check_object(L, v, keys))
		return;
	load_count(L, v, "attempts", 0, 1000, &cfg->unreachable_attempts);
	load_count(L, v, "days", 1, 1000, &cfg->unreachable_days);
	if ((c = enter(L, v, "results", &saved))) {
		if (get_string_list(L, c, &cfg->unreachable_results))
			for (i = 0; i < cfg->unreachable_results.nr; i++)
				/* Only an attempt's result is ever looked at. */
				if (!string_list_has(&cfg->attempt_words,
						     cfg->unreachable_results
							     .items[i])) {
					size_t s2 = push_index(L, i);

					fail(L, "'%s' is not in attempt_words, "
					     "so it can never apply",
					     cfg->unreachable_results.items[i]);
					pop(L, s2);
				}
		pop(L, saved);
	}
	member_bool(L, v, "exclude_from_coverage", &cfg->unreachable_leaves_coverage);
}

static void load_worklists(struct loader *L, const cJSON *v,
			   struct config *cfg)
{
	static const char *const keys[] = { "window_days", "masking", NULL };
	static const char *const mask_keys[] = { "names", "phones", NULL };
	const cJSON *c;
	size_t saved;

	if (!check_object(L, v, keys))
		return;
	load_count(L, v, "window_days", 1, 3660, &cfg->worklist_window_days);
	if ((c = enter(L, v, "masking", &saved))) {
		if (check_object(L, c, mask_keys)) {
			member_bool(L, c, "names", &cfg->worklist_mask_names);
			member_bool(L, c, "phones", &cfg->worklist_mask_phones);
		}
		pop(L, saved);
	}
}

/* The site's own retention (issue 16), within the weeks' retention. */
static void load_site(struct loader *L, const cJSON *v, struct config *cfg)
{
	static const char *const keys[] = { "retention_weeks", NULL };

	if (!check_object(L, v, keys))
		return;
	load_count(L, v, "retention_weeks", 0, 10000,
		   &cfg->site_retention_weeks);
}

/* ---- delivery (docs/delivery.md) --------------------------------------- */

/*
 * A plain address local@domain: printable ASCII without white space,
 * quotes, brackets, commas or semicolons before the @, letters, digits,
 * hyphens and dots after it; at most 254 bytes. No display names: an
 * address goes into a header as it is written, so it must not be able to
 * carry anything but an address.
 */
static bool valid_address(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t len = strlen(s);

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || len > 254)
		return false;
	for (p = s; p < at; p++)
		if (*p <= ' ' || *p >= 0x7F || strchr("\"(),:;<>[\\]", *p))
			return false;
	if (at[1] == '.' || s[len - 1] == '.' || strstr(at, ".."))
		return false;
	for (p = at + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
			return false;
	return true;
}


/* Says s is no plain address, its control characters made visible. */
static void fail_address(struct loader *L, const char *s)
{
	struct buf shown = BUF_INIT;

	text_escape_controls(&shown, s, strlen(s));
	fail(L, "'%s' is not a plain address like name@example.com",
	     shown.s);
	buf_release(&shown);
}

/* A non-empty array of addresses, no repeats, into *dst. */
static void get_addresses(struct loader *L, const cJSON *v,
			  struct string_list *dst)
{
	size_t i;

	if (!get_string_list(L, v, dst))
		return;
	if (!dst->nr)
		fail(L, "must name at least one address");
	for (i = 0; i < dst->nr; i++)
		if (!valid_address(dst->items[i])) {
			size_t saved = push_index(L, i);

			fail_address(L, dst->items[i]);
			pop(L, saved);
		}
}

static void load_delivery(struct loader *L, const cJSON *v,
			  struct config *cfg)
{
	static const char *const keys[] = { "enabled", "from", "command",
					    "timeout_seconds", "management",
					    "centers", NULL };
	struct delivery_config *dc = &cfg->delivery;
	const cJSON *c, *e;
	size_t saved, saved2, n = 0;
	long secs;

	if (!check_object(L, v, keys))
		return;
	/* Having the section opts in; "enabled": false pauses it. */
	dc->enabled = true;
	member_bool(L, v, "enabled", &dc->enabled);
	saved = push_key(L, "from");
	if (!(c = member(v, "from")))
		fail(L, "is required: the address the reports are sent from");
	else if (get_string(L, c, &dc->from, false) &&
		 !valid_address(dc->from))
		fail_address(L, dc->from);
	pop(L, saved);
	if ((c = enter(L, v, "command", &saved))) {
		if (get_string_list(L, c, &dc->command)) {
			if (!dc->command.nr)
				fail(L, "must name the program, like "
				     "[\"/usr/sbin/sendmail\", \"-t\", \"-oi\"]");
			else if (dc->command.items[0][0] != '/')
				fail(L, "'%s' must be an absolute path (no "
				     "shell runs it, and cron's PATH is short)",
				     dc->command.items[0]);
		}
		pop(L, saved);
	}
	if (member_whole(L, v, "timeout_seconds", 1, 3600, &secs))
		dc->timeout_seconds = (unsigned)secs;
	if ((c = enter(L, v, "management", &saved))) {
		get_addresses(L, c, &dc->management);
		pop(L, saved);
	}
	if ((c = enter(L, v, "centers", &saved))) {
		if (!cJSON_IsObject(c)) {
			fail_got(L, c, "must be an object of centre names and "
				 "their recipients");
		} else {
			for (e = c->child; e; e = e->next)
				n++;
			dc->center_to = xcalloc(n ? n : 1,
						sizeof(*dc->center_to));
			for (e = c->child; e; e = e->next) {
				saved2 = push_key(L, e->string);
				if (!*e->string)
					fail(L, "a centre's name must not be "
					     "empty");
				get_addresses(L, e,
					      &dc->center_to[dc->centers.nr]);
				string_list_add(&dc->centers, e->string);
				pop(L, saved2);
			}
		}
		pop(L, saved);
	}
	/* Delivery to no one could never apply. */
	c = member(v, "centers");
	if (dc->enabled && !member(v, "management") && !dc->centers.nr &&
	    (!c || cJSON_IsObject(c)))
		fail(L, "names no recipient: add \"management\" or "
		     "\"centers\"");
}

static void load_root(struct loader *L, const cJSON *root, struct config *cfg)
{
	static const char *const keys[] = {
		"company",	    "targets",		   "sla_hours",
		"attempt_words",    "cancelled_statuses",  "column_aliases",
		"types",	    "satisfaction_aliases", "ingest",
		"sampling",	    "masking",		   "pdf",
		"templates_dir",    "retention_weeks",	   "output",
		"check",	    "rankings",		   "sources",
		"issue",	    "unreachable",	   "worklists",
		"audit",	    "site",		   "delivery",
		NULL
	};
	const cJSON *c;
	size_t saved;
	long n;

	if (!check_object(L, root, keys))
		return;
#define SECTION(key, fn)                                \
	if ((c = member(root, key))) {                  \
		saved = push_key(L, key);               \
		fn(L, c, cfg);                          \
		pop(L, saved);                          \
	}
	SECTION("company", load_company);
	SECTION("targets", load_targets);
	SECTION("sla_hours", load_sla);
	member_string_list(L, root, "attempt_words", &cfg->attempt_words);
	member_string_list(L, root, "cancelled_statuses", &cfg->cancelled_statuses);
	SECTION("column_aliases", load_column_aliases);
	SECTION("types", load_types);
	SECTION("satisfaction_aliases", load_satisfaction_aliases);
	check_attempt_words(L, cfg);
	SECTION("ingest", load_ingest);
	/* After types: sampling scopes name sub-types. */
	SECTION("sampling", load_sampling);
	SECTION("masking", load_masking);
	SECTION("pdf", load_pdf);
	member_string(L, root, "templates_dir", &cfg->templates_dir, true);
	if (member_whole(L, root, "retention_weeks", 0, 10000, &n))
		cfg->retention_weeks = (unsigned)n;
	SECTION("output", load_output);
	SECTION("check", load_check);
	SECTION("rankings", load_rankings);
	/* After types and satisfaction_aliases: value maps check against
	 * them. */
	SECTION("sources", load_sources);
	SECTION("issue", load_issue);
	/* After attempt_words: the results must be attempt words. */
	SECTION("unreachable", load_unreachable);
	SECTION("worklists", load_worklists);
	SECTION("audit", load_audit);
	SECTION("site", load_site);
	SECTION("delivery", load_delivery);
#undef SECTION
	/*
	 * The site is built from the week folders: keeping more weeks on it
	 * than retention_weeks keeps folders could never apply.
	 */
	c = member(root, "site");
	if (cfg->retention_weeks && cJSON_IsObject(c) &&
	    member(c, "retention_weeks") &&
	    cfg->site_retention_weeks > cfg->retention_weeks) {
		saved = push_key(L, "site");
		push_key(L, "retention_weeks");
		fail(L, "%u is more than retention_weeks (%u): the site cannot "
		     "show weeks whose folders are deleted",
		     cfg->site_retention_weeks, cfg->retention_weeks);
		pop(L, saved);
	}
}

int config_load(struct config *cfg, const char *path, struct diag *d)
{
	struct buf text = BUF_INIT, why = BUF_INIT;
	int ret = -1;

	if (read_file(path, &text, &why) < 0)
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "%s: %s", path, why.s);
	else
		ret = config_load_text(cfg, path, text.s, text.len, d);
	buf_release(&text);
	buf_release(&why);
	return ret;
}

int config_load_text(struct config *cfg, const char *path, const char *data,
		     size_t len, struct diag *d)
{
	struct loader L;
	struct buf text = BUF_INIT;
	cJSON *root = NULL;
	const char *start, *err_at = NULL;
	size_t skip = 0;
	int ret = -1;

	memset(&L, 0, sizeof(L));
	L.file = path;
	L.d = d;
	buf_init(&L.path);
	/* A copy, NUL-terminated: the checks below read up to the NUL. */
	buf_add(&text, data, len);
	if (check_utf8(&L, text.s, text.len) < 0)
		goto out;
	/* A byte-order mark is harmless; cJSON does not expect one. */
	if (text.len >= 3 && !memcmp(text.s, "\xEF\xBB\xBF", 3))
		skip = 3;
	start = text.s + skip;
	/*
	 * cJSON's own trailing-data check misfires when a length is given,
	 * so the rest after the value is checked here to be white space.
	 */
	root = cJSON_ParseWithLengthOpts(start, text.len - skip, &err_at, 0);
	if (root && err_at) {
		while (*err_at == ' ' || *err_at == '\t' || *err_at == '\n' ||
		       *err_at == '\r')
			err_at++;
		if (err_at < text.s + text.len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (!root) {
		size_t off = err_at ? (size_t)(err_at - text.s) : text.len;

		if (off > text.len)
			off = text.len;
		fail_at(&L, text.s, text.len, off, "syntax error");
		goto out;
	}
	check_duplicates(&L, root);
	load_root(&L, root, cfg);
	if (L.errors)
		goto out;
	free(cfg->path);
	cfg->path = xstrdup(path);
	ret = 0;
out:
	cJSON_Delete(root);
	buf_release(&text);
	buf_release(&L.path);
	return ret;
}
