/*
 * pdf_tmpl.c - the PDF layouts of templates/pdf/ (see pdf_tmpl.h).
 *
 * A template is a JSON object read whole at run time; nothing here keeps
 * state between renders except the rotating buffers of missing labels,
 * which pdf_tmpl_labels_release() frees at the end of a render.
 * Column widths in a template are relative; they are scaled to points
 * once, when the column list is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/pdf_tmpl.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

static void position_of(const char *text, const char *at, unsigned long *line,
			unsigned long *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = text; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

int pdf_tmpl_load(struct pdf_tmpl *t, const char *dir,
		      const char *name, struct diag *d)
{
	struct buf path = BUF_INIT, text = BUF_INIT, why = BUF_INIT;
	const char *end = NULL;
	FILE *fp;

	memset(t, 0, sizeof(*t));
	buf_addf(&path, "%s/pdf/%s", dir ? dir : "templates", name);
	fp = text_fopen_regular(path.s, &why);
	if (!fp) {
		diag_report(d, DIAG_ERROR, path.s, 0, 0,
			    "cannot read the PDF template: %s", why.s);
		buf_release(&why);
		goto fail;
	}
	(void)buf_read_stream(&text, fp);
	fclose(fp);
	t->root = cJSON_ParseWithOpts(text.s, &end, 1);
	if (!t->root || !cJSON_IsObject(t->root)) {
		unsigned long line, col;

		position_of(text.s, end ? end : text.s, &line, &col);
		diag_report(d, DIAG_ERROR, path.s, line, col,
			    "the template is not a JSON object");
		goto fail;
	}
	t->path = buf_detach(&path, NULL);
	buf_release(&text);
	return 0;
fail:
	cJSON_Delete(t->root);
	t->root = NULL;
	buf_release(&path);
	buf_release(&text);
	return -1;
}

/* Sets obj's member key to a copy of value, replacing one it has. */
static void set_member(cJSON *obj, const char *key, const cJSON *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddItemToObject(obj, key, cJSON_Duplicate(value, 1));
}

/* Replaces every string of tree that equals a key of words by its value. */
static void replace_words(cJSON *tree, const cJSON *words)
{
	cJSON *e;
	const cJSON *w;

	for (e = tree ? tree->child : NULL; e; e = e->next) {
		if (cJSON_IsString(e) && e->valuestring) {
			w = cJSON_GetObjectItemCaseSensitive(words,
							     e->valuestring);
			if (cJSON_IsString(w))
				cJSON_SetValuestring(e, w->valuestring);
		}
		replace_words(e, words);
	}
}

int pdf_tmpl_apply_period(struct pdf_tmpl *t, const char *kind,
			  struct diag *d)
{
	const cJSON *over, *e;
	cJSON *labels;

	if (!t->root || !kind)
		return 0;
	over = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(t->root, "periods"), kind);
	if (!over)
		return 0;
	if (!cJSON_IsObject(over)) {
		diag_report(d, DIAG_ERROR, t->path, 0, 0,
			    "periods.%s: want an object", kind);
		return -1;
	}
	/* The words first, so that they never rewrite a text given below. */
	replace_words(t->root, cJSON_GetObjectItemCaseSensitive(over, "words"));
	labels = cJSON_GetObjectItemCaseSensitive(t->root, "labels");
	cJSON_ArrayForEach(e, over) {
		/* "periods" would free the override being read. */
		if (!strcmp(e->string, "words") ||
		    !strcmp(e->string, "periods"))
			continue;
		if (!strcmp(e->string, "labels") && cJSON_IsObject(labels)) {
			const cJSON *l;

			cJSON_ArrayForEach(l, e)
				set_member(labels, l->string, l);
			continue;
		}
		set_member(t->root, e->string, e);
	}
	return 0;
}

void pdf_tmpl_release(struct pdf_tmpl *t)
{
	cJSON_Delete(t->root);
	free(t->path);
	memset(t, 0, sizeof(*t));
}

const char *cjson_str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double cjson_num_of(const cJSON *obj, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/*
 * The text at <section>.<key> of the template (anomaly kinds, reject
 * reasons), or "[key]" written into missing when the template lacks it;
 * the caller compares the result with missing->s to fall back to the key.
 */
const char *pdf_tmpl_section_label(const struct pdf_tmpl *t,
				       const char *section, const char *key,
				       struct buf *missing)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(t->root, section);
	const char *s = cjson_str_of(labels, key);

	if (s)
		return s;
	buf_reset(missing);
	buf_addf(missing, "[%s]", key);
	return missing->s;
}

static struct buf missing_labels[8] = { BUF_INIT, BUF_INIT, BUF_INIT,
					BUF_INIT, BUF_INIT, BUF_INIT,
					BUF_INIT, BUF_INIT };
static unsigned next_missing;

const char *pdf_tmpl_label(const struct pdf_tmpl *t, const char *key)
{
	const cJSON *labels = cJSON_GetObjectItemCaseSensitive(t->root, "labels");
	const char *s = cjson_str_of(labels, key);
	struct buf *b;

	if (s)
		return s;
	/*
	 * A few rotating buffers, so that several missing labels can be used
	 * in one statement (no caller holds more than eight at once); they
	 * are released at the end of render_pdf_week(). This makes the
	 * renderer single-threaded, as huifang is.
	 */
	b = &missing_labels[next_missing++ % 8];
	buf_reset(b);
	buf_addf(b, "[%s]", key);
	return b->s;
}

void pdf_tmpl_labels_release(void)
{
	size_t i;

	for (i = 0; i < 8; i++)
		buf_release(&missing_labels[i]);
}

/*
 * Appends fmt with each "{name}" replaced by its value from the
 * name/value pairs kv (n pairs); unknown placeholders stay as written.
 */
void pdf_tmpl_fill(struct buf *out, const char *fmt,
		       const char *const *kv, size_t n)
{
	const char *p = fmt;

	while (*p) {
		size_t i;
		int done = 0;

		if (*p == '{') {
			for (i = 0; i < n; i++) {
				size_t len = strlen(kv[2 * i]);

				if (!strncmp(p + 1, kv[2 * i], len) &&
				    p[1 + len] == '}') {
					buf_adds(out, kv[2 * i + 1]);
					p += len + 2;
					done = 1;
					break;
				}
			}
		}
		if (!done)
			buf_addch(out, *p++);
	}
}

static enum pdf_align align_of(const char *s)
{
	if (s && !strcmp(s, "right"))
		return PDF_RIGHT;
	if (s && !strcmp(s, "center"))
		return PDF_CENTER;
	return PDF_LEFT;
}

/*
 * Reads a column list (an array of {key, title, width, align, format})
 * and scales the widths, which are relative, to total points.
 */
int pdf_tmpl_cols_load(struct pdf_tmpl_cols *cs,
			   const struct pdf_tmpl *t, const cJSON *array,
			   const char *what, float total, struct diag *d)
{
	const cJSON *c;
	double sum = 0;
	size_t i = 0;

	memset(cs, 0, sizeof(*cs));
	if (!cJSON_IsArray(array) || cJSON_GetArraySize(array) == 0) {
		diag_report(d, DIAG_ERROR, t->path, 0, 0,
			    "'%s' must be a non-empty array of columns", what);
		return -1;
	}
	cs->n = (size_t)cJSON_GetArraySize(array);
	cs->v = xcalloc(cs->n, sizeof(*cs->v));
	cs->pdf = xcalloc(cs->n, sizeof(*cs->pdf));
	cJSON_ArrayForEach(c, array) {
		const char *key = cjson_str_of(c, "key");
		double w = cjson_num_of(c, "width", -1);

		if (!key || w <= 0) {
			diag_report(d, DIAG_ERROR, t->path, 0, 0,
				    "'%s' column %zu needs a key and a "
				    "positive width", what, i + 1);
			free(cs->v);
			free(cs->pdf);
			memset(cs, 0, sizeof(*cs));
			return -1;
		}
		cs->v[i].key = key;
		cs->v[i].format = cjson_str_of(c, "format");
		cs->v[i].c.title = cjson_str_of(c, "title") ? cjson_str_of(c, "title") : "";
		cs->v[i].c.width = (float)w;
		cs->v[i].c.align = align_of(cjson_str_of(c, "align"));
		sum += w;
		i++;
	}
	for (i = 0; i < cs->n; i++) {
		cs->v[i].c.width = (float)(cs->v[i].c.width / sum * total);
		cs->pdf[i] = cs->v[i].c;
	}
	return 0;
}

void pdf_tmpl_cols_release(struct pdf_tmpl_cols *cs)
{
	free(cs->v);
	free(cs->pdf);
	memset(cs, 0, sizeof(*cs));
}

