/*
 * tmpl.h - a small Mustache engine over cJSON, for the HTML site.
 *
 * Debian 12 packages no Mustache library for C, so this is our own, kept to
 * the part of Mustache the site needs:
 *
 *   {{name}}        the value, HTML-escaped (& < > " ' become entities)
 *   {{{name}}}      the value unescaped; {{& name}} the same. Only for
 *                   markup the program itself produced (the SVG charts):
 *                   never for text from an export
 *   {{#name}}..{{/name}}  a section: once per element of an array, once with
 *                   the value pushed on the context for any other truthy
 *                   value (an object's keys become visible), not at all for
 *                   a falsy one
 *   {{^name}}..{{/name}}  an inverted section: once when the value is falsy
 *   {{! comment}}   nothing
 *   {{> partial}}   the template "partial" of the same set, rendered with
 *                   the current context
 *   a.b.c           dotted names: a is looked up through the context stack,
 *                   b and c inside it
 *   {{.}}           the current context value
 *
 * Falsy are: a missing name, null, false, an empty array and an empty
 * string. Numbers, also 0, are truthy (they are counts to show). Numbers
 * print as integers when they are whole, else in their shortest decimal
 * form; true and false print as such; objects and arrays print nothing.
 * A section, inverted section, comment or partial tag alone on its line
 * (white space aside) takes the whole line with it, as the Mustache spec
 * says, so templates can be indented freely. Set-delimiter tags and lambdas
 * are not supported (a set-delimiter tag is a template error).
 *
 * Calling order: compile once, render many.
 *
 *   struct tmpl_set *ts = tmpl_set_new("templates/html");
 *   const struct tmpl *page = tmpl_set_get(ts, "week", &diag);
 *   tmpl_render(page, ctx, &out, &diag);     -- as often as needed
 *   tmpl_set_free(ts);
 *
 * A set owns every template it compiled; a template lives as long as its
 * set. Templates come from "<dir>/<name>.mustache" (on first use, with
 * every partial they name, recursively) or from memory (tmpl_set_add, for
 * tests and the fuzz target). A name is made of ASCII letters, digits, '_'
 * and '-' only, so a template can never name a file outside its folder.
 *
 * Errors go to the diag and name the template file, line and column (bytes,
 * 1-based) of the offending tag, with the line for a caret:
 *
 *   templates/html/week.mustache:12:5: error: unclosed section 'by_type'
 *
 * and the failing call returns NULL or -1. Nothing here prints or exits.
 */
#ifndef HUIFANG_TMPL_H
#define HUIFANG_TMPL_H

#include <stddef.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/diag.h"

struct tmpl;
struct tmpl_set;

/*
 * A new, empty set whose templates load from dir (NULL: memory only). The
 * caller frees it with tmpl_set_free(), which frees every template in it.
 */
struct tmpl_set *tmpl_set_new(const char *dir);
void tmpl_set_free(struct tmpl_set *ts);

/*
 * Limits that keep a hostile template finite: partials nest at most
 * max_depth deep (default 32), and one render writes at most max_output
 * bytes and visits at most max_output template nodes (default 256 Mi;
 * sections over partials can loop without writing). Exceeding any is a
 * render error.
 */
void tmpl_set_limits(struct tmpl_set *ts, unsigned max_depth,
		     size_t max_output);

/*
 * Compiles len bytes of text as the template called name (its file name in
 * messages is file, or name when file is NULL) and adds it to the set,
 * replacing nothing: a second template of the same name is an error. Its
 * partials are looked up in the set, then in the folder. Returns the
 * template (owned by the set) or NULL with the error in d.
 */
const struct tmpl *tmpl_set_add(struct tmpl_set *ts, const char *name,
				const char *file, const char *text, size_t len,
				struct diag *d);

/*
 * The template called name: already compiled, or read from
 * "<dir>/<name>.mustache" and compiled now. NULL with the error in d when
 * the name is invalid, the file cannot be read, or it does not compile.
 */
const struct tmpl *tmpl_set_get(struct tmpl_set *ts, const char *name,
				struct diag *d);

/*
 * Appends the template rendered against ctx (any cJSON value; NULL is an
 * empty context) to out. Returns 0, or -1 with the error in d when a limit
 * is exceeded (out then holds a partial result the caller discards).
 */
int tmpl_render(const struct tmpl *t, const cJSON *ctx, struct buf *out,
		struct diag *d);

/* Appends s with & < > " ' replaced by entities: the engine's escaping. */
void tmpl_escape_html(struct buf *out, const char *s, size_t len);

#endif
