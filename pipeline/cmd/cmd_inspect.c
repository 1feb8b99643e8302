/*
 * cmd_inspect.c - 'huifang inspect FILE...': what huifang makes of an
 * export, for onboarding a new system (issue 14, docs/sources.md).
 *
 * For each file: its format, encoding and the source profile it matches;
 * the kind huifang would read it as; every header with the canonical
 * column it maps to (through the profile, the canonical name or an alias)
 * or none, with a "did you mean" hint for a header that resembles a
 * canonical column; up to five distinct values per column, masked as the
 * reports mask personal data, each with what it normalises to and the
 * unmatched ones marked; and a profile skeleton to paste into the config.
 * It writes nothing and reads the whole file; the output is a pure
 * function of the files and the config.
 *
 * Values are normalised here the way the normaliser does it (empty
 * values, value maps without a type, code tables, then the built-in and
 * configured matching), so the skeleton's `values` list exactly the
 * values that would not be understood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "input/csvread.h"
#include "input/reader.h"
#include "input/jsonread.h"
#include "model/config.h"
#include "model/source.h"
#include "util/buf.h"
#include "util/chtime.h"
#include "util/mask.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define SAMPLES 5

static const char usage[] =
	"usage: huifang inspect [--config FILE] [--encoding UTF-8|GB18030] "
	"FILE...\n"
	"\n"
	"Shows how huifang reads each export: its kind, format and encoding,\n"
	"the column each header maps to, sample values (masked) and what\n"
	"they normalise to, and a source profile skeleton for the config.\n"
	"\n"
	"exit status: 0 ok, 64 usage, 66 no such file, 78 bad config\n";

enum how { HOW_NONE, HOW_PROFILE, HOW_CANONICAL, HOW_ALIAS };

struct column_seen {
	char *header;
	int column;                  /* enum column or -1 */
	enum how how;
	struct string_list samples;  /* distinct non-empty values, first 5 */
	size_t filled;               /* rows with a non-empty value */
	bool more;                   /* more distinct values than shown */
};

struct inspection {
	const struct config *cfg;
	const struct source_profile *p;
	struct column_seen *cols;
	size_t ncols;
	size_t rows;
};

/* The canonical column of a header by name or alias (SPEC §2). */
static int default_column(const struct config *cfg, const char *header,
			  enum how *how)
{
	struct buf want = BUF_INIT, k = BUF_INIT;
	int c, found = -1;
	size_t i;

	text_header_key(&want, header, strlen(header));
	for (c = 0; c < COL_COUNT && found < 0; c++) {
		buf_reset(&k);
		text_header_key(&k, column_name[c], strlen(column_name[c]));
		if (!strcmp(k.s, want.s)) {
			found = c;
			*how = HOW_CANONICAL;
		}
		for (i = 0; found < 0 && i < cfg->column_aliases[c].nr; i++) {
			const char *a = cfg->column_aliases[c].items[i];

			buf_reset(&k);
			text_header_key(&k, a, strlen(a));
			if (!strcmp(k.s, want.s)) {
				found = c;
				*how = HOW_ALIAS;
			}
		}
	}
	buf_release(&want);
	buf_release(&k);
	return found;
}

static struct column_seen *column_for(struct inspection *in,
				      const char *header)
{
	struct column_seen *c;
	size_t i;
	int col;

	for (i = 0; i < in->ncols; i++)
		if (!strcmp(in->cols[i].header, header))
			return &in->cols[i];
	in->cols = xrealloc(in->cols, (in->ncols + 1) * sizeof(*in->cols));
	c = &in->cols[in->ncols++];
	memset(c, 0, sizeof(*c));
	c->header = xstrdup(header);
	c->column = -1;
	if (in->p && (col = source_map_header(in->p, header)) >= 0) {
		c->column = col;
		c->how = HOW_PROFILE;
	} else {
		c->column = default_column(in->cfg, header, &c->how);
	}
	return c;
}

static void see_value(struct column_seen *c, const char *value, size_t len)
{
	char *v;

	text_trim(&value, &len);
	if (!len)
		return;
	c->filled++;
	v = xstrndup(value, len);
	if (!string_list_has(&c->samples, v)) {
		if (c->samples.nr < SAMPLES)
			string_list_add(&c->samples, v);
		else
			c->more = true;
	}
	free(v);
}

static int read_csv(struct inspection *in, const char *path,
		    const char *encoding, struct buf *format)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r = csv_reader_open(path, encoding, 1u << 26, &err);
	struct csv_record rec;
	size_t *by_field = NULL;     /* index into in->cols, which grows */
	size_t nfields = 0, i;
	int rc, ret = -1;

	if (!r) {
		fprintf(stderr, "huifang inspect: %s\n", err.s);
		goto out;
	}
	while ((rc = csv_reader_next(r, &rec, &err)) != 0) {
		if (rc < 0) {
			fprintf(stderr, "huifang inspect: %s\n", err.s);
			goto out;
		}
		if (rc == CSV_RESTART) {
			/* Read again as GB18030: forget what was seen. */
			for (i = 0; i < in->ncols; i++) {
				free(in->cols[i].header);
				string_list_clear(&in->cols[i].samples);
			}
			in->ncols = 0;
			in->rows = 0;
			free(by_field);
			by_field = NULL;
			nfields = 0;
			continue;
		}
		if (!by_field) {
			nfields = rec.nfields;
			by_field = xcalloc(nfields ? nfields : 1,
					   sizeof(*by_field));
			for (i = 0; i < nfields; i++)
				by_field[i] = (size_t)(column_for(in,
						rec.fields[i]) - in->cols);
			continue;
		}
		in->rows++;
		if (rec.bad_encoding || rec.malformed || rec.long_field)
			continue;
		for (i = 0; i < nfields && i < rec.nfields; i++)
			see_value(&in->cols[by_field[i]], rec.fields[i],
				  rec.lens[i]);
	}
	buf_addf(format, "CSV, %s (%s)", csv_reader_encoding(r),
		 csv_reader_encoding_why(r));
	ret = 0;
out:
	free(by_field);
	csv_reader_free(r);
	buf_release(&err);
	return ret;
}

static int read_json(struct inspection *in, const char *path, bool lines,
		     const char *records, struct buf *format)
{
	struct buf err = BUF_INIT;
	struct json_reader *r = json_reader_open(path, lines, &err);
	struct json_record rec;
	int rc, ret = -1;

	if (!r) {
		fprintf(stderr, "huifang inspect: %s\n", err.s);
		goto out;
	}
	if (records && !lines)
		json_reader_set_records(r, records);
	while ((rc = json_reader_next(r, &rec, &err)) > 0) {
		size_t i;

		in->rows++;
		if (!rec.good)
			continue;
		for (i = 0; i < rec.nfields; i++) {
			const struct json_field *f = &rec.fields[i];
			struct column_seen *c = column_for(in, f->key);

			if (f->kind == JSON_TEXT)
				see_value(c, f->text, f->len);
		}
	}
	if (rc < 0) {
		fprintf(stderr, "huifang inspect: %s\n", err.s);
		goto out;
	}
	buf_addf(format, "%s, UTF-8", lines ? "JSON Lines" : "JSON");
	if (records && !lines)
		buf_addf(format, ", records at %s", records);
	ret = 0;
out:
	json_reader_free(r);
	buf_release(&err);
	return ret;
}

/*
 * A workbook (issue 15): the sheet its profile names (or the first), the
 * header at or after the profile's header_row, through the same reader
 * as ingest, so that what inspect shows is what a run reads.
 */
static int read_sheet(struct inspection *in, const char *path,
		      struct buf *format)
{
	struct reader_opts ro = { NULL, 1u << 26, 0, 0, in->p, NULL };
	struct buf err = BUF_INIT;
	struct reader *r = reader_open(path, &ro, &err);
	struct reader_row row;
	size_t *by_field = NULL;
	size_t nfields = 0, i;
	int rc = 0, ret = -1;

	if (!r) {
		fprintf(stderr, "huifang inspect: %s: %s\n", path, err.s);
		goto out;
	}
	while ((rc = reader_next_row(r, &row, &err)) > 0) {
		if (row.header) {
			nfields = row.nfields;
			by_field = xcalloc(nfields ? nfields : 1,
					   sizeof(*by_field));
			for (i = 0; i < nfields; i++)
				by_field[i] = (size_t)(column_for(in,
						row.fields[i]) - in->cols);
			buf_addf(format, "Excel %s, sheet '%s', %s",
				 strrchr(path, '.'), row.sheet,
				 reader_encoding(r));
			continue;
		}
		in->rows++;
		if (row.problem != READER_ROW_OK)
			continue;
		for (i = 0; i < nfields && i < row.nfields; i++)
			see_value(&in->cols[by_field[i]], row.fields[i],
				  row.lens[i]);
	}
	if (rc < 0) {
		fprintf(stderr, "huifang inspect: %s: %s\n", path, err.s);
		goto out;
	}
	if (!by_field) {
		fprintf(stderr, "huifang inspect: %s: %s\n", path,
			reader_empty_reason(r));
		goto out;
	}
	ret = 0;
out:
	free(by_field);
	reader_close(r);
	buf_release(&err);
	return ret;
}

/* A masked form of value as the reports would show it. */
static void masked(struct buf *out, int column, const char *value)
{
	size_t n = strlen(value), chars = 0;
	const char *s;

	switch (column) {
	case COL_OWNER:
	case COL_BUTLER:
	case COL_HANDLER:
	case COL_CB_RECORDER:
		mask_name(out, value);
		return;
	case COL_PHONE:
		mask_phone(out, value);
		return;
	case COL_CONTENT:
	case COL_CB_REMARK:
	case COL_CB_RESULT:
		mask_free_text(out, value);
		return;
	default:
		if (column >= 0) {
			/* Ids, codes, places and times: no personal data. */
			buf_adds(out, value);
			return;
		}
		break;
	}
	/*
	 * An unmapped column may hold anything, names included: a short
	 * run of Chinese characters is masked like a name.
	 */
	for (s = value; *s; chars++) {
		size_t len = utf8_seq((const unsigned char *)s, n, NULL);

		if (len != 3)
			break;
		s += len;
		n -= len;
	}
	if (!*s && chars >= 2 && chars <= 4)
		mask_name(out, value);
	else
		mask_free_text(out, value);
}

/*
 * What value means in column c: appends it to out; returns false when it
 * is not understood (an unknown type, sub-type or rating, a bad time).
 */
static bool normalise(const struct inspection *in, int c, const char *value,
		      struct buf *out)
{
	const struct config *cfg = in->cfg;
	const struct source_profile *p = in->p;
	const char *v = value, *sub;
	int64_t t;
	bool date_only;
	int s, type;

	if (p && source_is_empty(p, v)) {
		buf_adds(out, "empty (empty_values)");
		return true;
	}
	if (p && p->attempt_column == c && source_is_attempt(p, v)) {
		buf_adds(out, "attempt (the profile's attempt rule)");
		return true;
	}
	if (p) {
		v = source_value(p, c, TYPE_UNKNOWN, v);
		if (!v && p->constant[c]) {
			v = value;
		} else if (!v) {
			/* SPEC §9.22: the map replaces the built-in forms. */
			buf_adds(out, "not in the profile's value map");
			return false;
		} else if (!strcmp(v, SOURCE_SKIP)) {
			buf_adds(out, "skip: the row is excluded");
			return true;
		}
	}
	if (column_is_time(c)) {
		if (chtime_parse_as(v, strlen(v), p ? p->time_forms : 0, &t,
				    &date_only) < 0) {
			buf_adds(out, "not a time");
			return false;
		}
		{
			char when[CHTIME_BUF];

			chtime_format(t, when);
			buf_adds(out, when);
		}
		if (date_only)
			buf_adds(out, " (a date alone)");
		return true;
	}
	switch (c) {
	case COL_TYPE:
		if ((type = config_match_type(cfg, v)) < 0) {
			buf_adds(out, "unknown type: the row would be rejected");
			return false;
		}
		buf_adds(out, ticket_type_name[type]);
		return true;
	case COL_SUBTYPE:
		for (type = 0; type < TYPE_COUNT; type++)
			if ((sub = config_match_subtype(cfg, type, v))) {
				buf_addf(out, "%s (%s)", sub,
					 ticket_type_name[type]);
				return true;
			}
		buf_adds(out, "unknown sub-type: kept as written, warned");
		return false;
	case COL_CB_SATISFACTION:
	case COL_CB2_SATISFACTION:
		if ((!p || p->attempt_column < 0) && config_is_attempt(cfg, v)) {
			buf_adds(out, "attempt (attempt_words)");
			return true;
		}
		if ((s = config_match_satisfaction(cfg, v)) == SAT_NONE) {
			buf_adds(out, "not rated: counted in data quality");
			return false;
		}
		buf_adds(out, satisfaction_name[s]);
		return true;
	case COL_CB_RESULT:
		if ((!p || p->attempt_column < 0) && config_is_attempt(cfg, v))
			buf_adds(out, "attempt (attempt_words)");
		else
			masked(out, c, v);
		return true;
	case COL_STATUS:
		buf_adds(out, config_is_cancelled(cfg, v) ? "cancelled"
							  : "not cancelled");
		return true;
	default:
		masked(out, c, v);
		return true;
	}
}

/* The dotted path of the first array of objects below obj, into path. */
static bool search_records(const cJSON *obj, struct buf *path)
{
	const cJSON *c;

	for (c = obj->child; c; c = c->next) {
		size_t saved = path->len;

		/* A key with a dot cannot be named in a path. */
		if (!c->string || strchr(c->string, '.'))
			continue;
		if (saved)
			buf_addch(path, '.');
		buf_adds(path, c->string);
		if (cJSON_IsArray(c) && cJSON_IsObject(c->child))
			return true;
		if (cJSON_IsObject(c) && search_records(c, path))
			return true;
		buf_setlen(path, saved);
	}
	return false;
}

/*
 * A JSON file with no records at the top level or under "records" (an API
 * response, {"code", "data": {"list": [...]}}): the path of the first
 * array of objects in it, the profile's `records`, into path; false when
 * there is none, or the file is over 64 MiB (inspect holds it whole).
 */
static bool find_records(const char *file, struct buf *path)
{
	struct buf text = BUF_INIT;
	FILE *fp = fopen(file, "rb");
	cJSON *root = NULL;
	bool found = false;

	if (!fp)
		return false;
	if (buf_read_stream(&text, fp) == 0 && text.len < (64u << 20))
		root = cJSON_ParseWithLength(text.s, text.len);
	fclose(fp);
	if (cJSON_IsObject(root))
		found = search_records(root, path);
	cJSON_Delete(root);
	buf_release(&text);
	return found;
}

/* A glob for files like name: every run of digits becomes one '*'. */
static void glob_of(struct buf *out, const char *name)
{
	const char *base = strrchr(name, '/');

	for (base = base ? base + 1 : name; *base; base++) {
		if (*base >= '0' && *base <= '9') {
			if (!out->len || out->s[out->len - 1] != '*')
				buf_addch(out, '*');
			continue;
		}
		buf_addch(out, *base);
	}
}

/* A JSON string literal of s (quotes, backslashes and controls escaped). */
static void json_string(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			buf_addf(out, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

static const char *kind_of(const struct inspection *in, int *kind)
{
	bool has[COL_COUNT] = { false };
	size_t i;

	for (i = 0; i < in->ncols; i++)
		if (in->cols[i].column >= 0)
			has[in->cols[i].column] = true;
	if (in->p && in->p->constant[COL_TYPE])
		has[COL_TYPE] = true;
	if (in->p && in->p->kind != SOURCE_GUESS) {
		*kind = in->p->kind;
		return in->p->kind == SOURCE_TICKETS
			       ? "ticket export (the profile says so)"
			       : "callback export (the profile says so)";
	}
	if (has[COL_TYPE]) {
		*kind = SOURCE_TICKETS;
		return "ticket export (it has 工单类型)";
	}
	if (has[COL_TICKET_ID] && has[COL_CB_TIME]) {
		*kind = SOURCE_CALLBACKS;
		return "callback export (工单编号 and 回访时间, no 工单类型)";
	}
	*kind = SOURCE_GUESS;
	return "unrecognised: no 工单类型, and not both 工单编号 and 回访时间";
}

static void print_skeleton(const struct inspection *in, const char *file,
			   int kind, const char *records, struct buf *out)
{
	bool first = true;
	size_t i, j;

	buf_adds(out, "{\"name\": ");
	{
		struct buf name = BUF_INIT;
		const char *base = strrchr(file, '/');
		const char *dot;

		base = base ? base + 1 : file;
		dot = strrchr(base, '.');
		buf_add(&name, base, dot ? (size_t)(dot - base) : strlen(base));
		json_string(out, name.s);
		buf_release(&name);
	}
	buf_adds(out, ",\n  \"files\": ");
	{
		struct buf g = BUF_INIT;

		glob_of(&g, file);
		json_string(out, g.s);
		buf_release(&g);
	}
	if (records) {
		buf_adds(out, ",\n  \"records\": ");
		json_string(out, records);
	}
	buf_addf(out, ",\n  \"kind\": \"%s\"",
		 kind == SOURCE_CALLBACKS ? "callbacks" :
		 kind == SOURCE_TICKETS ? "tickets" : "?");
	buf_adds(out, ",\n  \"columns\": {");
	for (i = 0; i < in->ncols; i++) {
		const struct column_seen *c = &in->cols[i];
		int hint;

		if (c->how == HOW_CANONICAL)
			continue;
		buf_adds(out, first ? "\n    " : ",\n    ");
		first = false;
		json_string(out, c->header);
		buf_adds(out, ": ");
		if (c->column >= 0)
			json_string(out, column_name[c->column]);
		else if ((hint = source_column_hint(c->header)) >= 0)
			json_string(out, column_name[hint]);
		else
			buf_adds(out, "\"?\"");
	}
	buf_adds(out, first ? "}" : "\n  }");
	/* The values nothing understands, for the administrator to map. */
	first = true;
	for (i = 0; i < in->ncols; i++) {
		const struct column_seen *c = &in->cols[i];
		bool opened = false;

		if (c->column != COL_TYPE && c->column != COL_SUBTYPE &&
		    c->column != COL_CB_SATISFACTION &&
		    c->column != COL_CB2_SATISFACTION)
			continue;
		for (j = 0; j < c->samples.nr; j++) {
			struct buf norm = BUF_INIT;

			if (!normalise(in, c->column, c->samples.items[j],
				       &norm)) {
				if (first)
					buf_adds(out, ",\n  \"values\": {");
				if (!opened) {
					buf_adds(out, first ? "\n    " : ",\n    ");
					json_string(out,
						    column_name[c->column]);
					buf_adds(out, ": {");
				} else {
					buf_adds(out, ", ");
				}
				json_string(out, c->samples.items[j]);
				buf_adds(out, ": \"?\"");
				first = false;
				opened = true;
			}
			buf_release(&norm);
		}
		if (opened)
			buf_adds(out, "}");
	}
	if (!first)
		buf_adds(out, "\n  }");
	buf_adds(out, "}\n");
}

static int inspect_one(const struct config *cfg, const char *path,
		       const char *encoding)
{
	struct inspection in;
	struct buf format = BUF_INIT, out = BUF_INIT, found = BUF_INIT;
	const char *base = strrchr(path, '/'), *ext, *kind_text;
	const char *records = NULL;
	size_t i, j;
	int kind, ret = 0;

	base = base ? base + 1 : path;
	ext = strrchr(base, '.');
	memset(&in, 0, sizeof(in));
	in.cfg = cfg;
	in.p = source_match(cfg, base);
	if (!encoding && in.p && in.p->encoding)
		encoding = in.p->encoding;
	if (ext && !strcasecmp(ext, ".jsonl")) {
		ret = read_json(&in, path, true, NULL, &format);
	} else if (ext && !strcasecmp(ext, ".json")) {
		records = in.p ? in.p->records : NULL;
		ret = read_json(&in, path, false, records, &format);
		/* No records where the default reading looks: find them. */
		if (ret == 0 && !in.rows && !records &&
		    find_records(path, &found)) {
			records = found.s;
			buf_reset(&format);
			ret = read_json(&in, path, false, records, &format);
			buf_adds(&format, " (found; the profile needs "
				 "\"records\")");
		}
	} else if (ext && !strcasecmp(ext, ".csv"))
		ret = read_csv(&in, path, encoding, &format);
	else if (ext && (!strcasecmp(ext, ".xlsx") || !strcasecmp(ext, ".xls")))
		ret = read_sheet(&in, path, &format);
	else {
		fprintf(stderr, "huifang inspect: %s: not a .csv, .json, "
			".jsonl, .xlsx or .xls file\n", path);
		ret = -1;
	}
	if (ret < 0)
		goto out;
	kind_text = kind_of(&in, &kind);
	buf_addf(&out, "== %s\nformat:  %s\nprofile: %s\nkind:    %s\n"
		 "rows:    %zu\ncolumns:\n", path, format.s,
		 in.p ? in.p->name : "none (the default reading)", kind_text,
		 in.rows);
	for (i = 0; i < in.ncols; i++) {
		const struct column_seen *c = &in.cols[i];
		static const char *const how[] = { "", "the profile",
						   "canonical", "an alias" };
		int hint;

		buf_addf(&out, "  %s -> ", c->header);
		if (c->column >= 0)
			buf_addf(&out, "%s (%s)", column_name[c->column],
				 how[c->how]);
		else if ((hint = source_column_hint(c->header)) >= 0)
			buf_addf(&out, "none: did you mean %s? add it to the "
				 "profile's columns", column_name[hint]);
		else
			buf_adds(&out, "none");
		buf_addf(&out, "; %zu of %zu rows filled\n", c->filled, in.rows);
		for (j = 0; j < c->samples.nr; j++) {
			struct buf shown = BUF_INIT, norm = BUF_INIT;
			bool ok = true;

			masked(&shown, c->column, c->samples.items[j]);
			if (c->column >= 0)
				ok = normalise(&in, c->column,
					       c->samples.items[j], &norm);
			buf_addf(&out, "    %s '%s'", ok ? " " : "!", shown.s);
			if (c->column >= 0)
				buf_addf(&out, " -> %s", norm.s);
			buf_addch(&out, '\n');
			buf_release(&shown);
			buf_release(&norm);
		}
		if (c->more)
			buf_adds(&out, "      ...\n");
	}
	if (in.p)
		for (i = 0; i < COL_COUNT; i++)
			if (in.p->constant[i])
				buf_addf(&out, "  (constant) -> %s = '%s'\n",
					 column_name[i], in.p->constant[i]);
	buf_adds(&out, "profile skeleton (edit every \"?\", then add it to "
		 "the config's sources):\n");
	/* A profile that already names them needs no new "records". */
	print_skeleton(&in, path, kind,
		       in.p && in.p->records == records ? NULL : records, &out);
	fwrite(out.s, 1, out.len, stdout);
out:
	for (i = 0; i < in.ncols; i++) {
		free(in.cols[i].header);
		string_list_clear(&in.cols[i].samples);
	}
	free(in.cols);
	buf_release(&format);
	buf_release(&out);
	buf_release(&found);
	return ret;
}

int cmd_inspect(int argc, char **argv)
{
	struct cmd_opts o;
	struct cmd_pipeline cp;
	char **rest = NULL;
	int nrest = 0, rc, ret, i;

	rc = cmd_parse_opts(argc, argv, &o, usage, &rest, &nrest);
	if (rc) {
		free(rest);
		return rc < 0 ? 0 : rc;
	}
	cmd_pipeline_begin(&o, &cp);
	/* Initialises cp.cfg whatever it returns, so out: may release it. */
	ret = cmd_pipeline_config(&o, &cp);
	if (ret)
		goto out;
	if (!nrest) {
		fputs(usage, stderr);
		ret = EX_USAGE;
		goto out;
	}
	if (o.encoding && !csv_encoding_name(o.encoding)) {
		fprintf(stderr, "huifang inspect: unknown encoding '%s' "
			"(want UTF-8 or GB18030)\n", o.encoding);
		ret = EX_USAGE;
		goto out;
	}
	for (i = 0; i < nrest; i++) {
		if (i)
			putchar('\n');
		if (inspect_one(&cp.cfg, rest[i], o.encoding ? o.encoding
							     : cp.cfg.encoding) < 0)
			ret = EX_NOINPUT;
	}
out:
	free(rest);
	cmd_pipeline_end(&cp);
	return ret;
}
