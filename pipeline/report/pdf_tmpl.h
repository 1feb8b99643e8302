/*
 * pdf_tmpl.h - the PDF layouts of templates/pdf/: wording, column
 * titles, widths and order, read at run time.
 *
 * Calling order, per render: pdf_tmpl_load() each JSON template
 * (weekly.json, record_form.json, audit_sheet.json); look up wording with
 * pdf_tmpl_label() / pdf_tmpl_section_label() and substitute
 * "{name}" placeholders with pdf_tmpl_fill(); read a column list with
 * pdf_tmpl_cols_load(); at the end pdf_tmpl_cols_release(),
 * pdf_tmpl_release() and, once, pdf_tmpl_labels_release().
 *
 * Ownership: a loaded template owns its cJSON tree and path; every string
 * these functions return (labels, column keys and titles) points into the
 * tree, or for a missing label into a rotating buffer, and lives until the
 * template is released. A label missing from a template shows as "[key]",
 * so whoever edits a template sees what is missing. Problems with a
 * template go to a struct diag with its path (and line and column when the
 * JSON does not parse). Single-threaded, as the renderer is.
 */
#ifndef HUIFANG_PDF_TMPL_H
#define HUIFANG_PDF_TMPL_H

#include <stddef.h>

#include <cJSON.h>

#include "report/pdfdoc.h"
#include "util/buf.h"
#include "util/diag.h"

struct pdf_tmpl {
	cJSON *root;
	char *path;
};

struct pdf_tmpl_col {
	const char *key;
	const char *format;   /* int, pct, ci, hours, mark, ranked, anomaly */
	struct pdf_column c;
};

struct pdf_tmpl_cols {
	struct pdf_tmpl_col *v;
	struct pdf_column *pdf;   /* the same columns, as pdfdoc draws them */
	size_t n;
};

/*
 * Reads <dir>/pdf/<name> ("templates" when dir is NULL). Returns 0, or -1
 * with an error in d: the file cannot be read, or it is not a JSON object
 * (with the line and column where parsing stopped).
 */
int pdf_tmpl_load(struct pdf_tmpl *t, const char *dir,
		      const char *name, struct diag *d);
void pdf_tmpl_release(struct pdf_tmpl *t);

/*
 * A month's or quarter's wording (SPEC §9.30): the template's
 * "periods": {"<kind>": {...}} rewrites the loaded template in place. Its
 * "words" replace every string of the template equal to a key (column
 * titles such as 周次 → 月份); its "labels" replace or add labels one by
 * one; any other member replaces the template's member of that name
 * (title, file_prefix). A kind the template does not list changes
 * nothing. 0, or -1 with the reason in d when periods.<kind> is no object.
 */
int pdf_tmpl_apply_period(struct pdf_tmpl *t, const char *kind,
			  struct diag *d);

/* The string or number member key of obj (any cJSON object), or NULL/def. */
const char *cjson_str_of(const cJSON *obj, const char *key);
double cjson_num_of(const cJSON *obj, const char *key, double def);

/* The text at labels.<key>, or "[key]" when the template lacks it. */
const char *pdf_tmpl_label(const struct pdf_tmpl *t, const char *key);
/*
 * The text at <section>.<key> (anomaly kinds, reject reasons), or "[key]"
 * written into missing; the caller compares the result with missing->s to
 * fall back to the key.
 */
const char *pdf_tmpl_section_label(const struct pdf_tmpl *t,
				       const char *section, const char *key,
				       struct buf *missing);
/* Frees the buffers of missing labels; call once at the end of a render. */
void pdf_tmpl_labels_release(void);

/*
 * Appends fmt with each "{name}" replaced by its value from the
 * name/value pairs kv (n pairs); unknown placeholders stay as written.
 */
void pdf_tmpl_fill(struct buf *out, const char *fmt,
		       const char *const *kv, size_t n);

/*
 * Reads a column list (an array of {key, title, width, align, format};
 * what names it in errors) and scales the widths, which are relative, to
 * total points. Returns 0, or -1 with an error in d naming the template.
 */
int pdf_tmpl_cols_load(struct pdf_tmpl_cols *cs,
			   const struct pdf_tmpl *t, const cJSON *array,
			   const char *what, float total, struct diag *d);
void pdf_tmpl_cols_release(struct pdf_tmpl_cols *cs);

#endif
