/*
 * diag.c - collecting and printing diagnostics (see diag.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/diag.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

static const char *level_name[] = { "note", "warning", "error" };

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

static void entry_release(struct diag_entry *e)
{
	free(e->file);
	free(e->message);
	free(e->context);
}

void diag_release(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		entry_release(&d->entries[i]);
	free(d->entries);
	d->entries = NULL;
	d->nr = d->alloc = d->errors = d->warnings = 0;
}

/* Counts e and prints it (with a stream) or keeps it; d then owns it. */
static void add_entry(struct diag *d, struct diag_entry e)
{
	if (e.level == DIAG_ERROR)
		d->errors++;
	else if (e.level == DIAG_WARNING)
		d->warnings++;
	if (d->emit) {
		d->emit(&e, d->emit_arg);
		entry_release(&e);
		return;
	}
	if (d->stream) {
		if (e.level >= d->min_level)
			diag_print_entry(d->stream, &e);
		entry_release(&e);
		return;
	}
	ALLOC_GROW(d->entries, d->nr + 1, d->alloc);
	d->entries[d->nr++] = e;
}

void diag_take(struct diag *d, struct diag *from)
{
	size_t i;

	for (i = 0; i < from->nr; i++)
		add_entry(d, from->entries[i]);
	free(from->entries);
	from->entries = NULL;
	from->nr = from->alloc = from->errors = from->warnings = 0;
}

void diag_drop(struct diag *d, size_t i)
{
	if (i >= d->nr)
		return;
	if (d->entries[i].level == DIAG_ERROR)
		d->errors--;
	else if (d->entries[i].level == DIAG_WARNING)
		d->warnings--;
	entry_release(&d->entries[i]);
	memmove(d->entries + i, d->entries + i + 1,
		(d->nr - i - 1) * sizeof(*d->entries));
	d->nr--;
}

/*
 * A copy of text safe for a terminal and a log line: file names and
 * values come from the exports, and a newline or an escape sequence in
 * them must neither forge a line nor reach the terminal raw.
 */
static char *shown(const char *text)
{
	struct buf b = BUF_INIT;

	text_escape_controls(&b, text, strlen(text));
	return buf_detach(&b, NULL);
}

static void vreport(struct diag *d, enum diag_level level, const char *file,
		    unsigned long line, unsigned long column,
		    const char *context, const char *code, const char *fmt,
		    va_list ap)
{
	struct buf msg = BUF_INIT;
	struct diag_entry e;

	buf_vaddf(&msg, fmt, ap);
	e.level = level;
	e.file = file ? shown(file) : NULL;
	e.line = line;
	e.column = column;
	e.message = shown(msg.s);
	e.context = context ? shown(context) : NULL;
	e.code = code;
	buf_release(&msg);
	add_entry(d, e);
}

void diag_report(struct diag *d, enum diag_level level, const char *file,
		 unsigned long line, unsigned long column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, level, file, line, column, NULL, NULL, fmt, ap);
	va_end(ap);
}

void diag_report_context(struct diag *d, enum diag_level level,
			 const char *file, unsigned long line,
			 unsigned long column, const char *context,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, level, file, line, column, context, NULL, fmt, ap);
	va_end(ap);
}

void diag_report_code(struct diag *d, enum diag_level level,
		      const char *file, unsigned long line,
		      unsigned long column, const char *context,
		      const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, level, file, line, column, context, code, fmt, ap);
	va_end(ap);
}

void diag_format_entry(struct buf *out, const struct diag_entry *e)
{
	if (e->file) {
		buf_adds(out, e->file);
		if (e->line) {
			buf_addf(out, ":%lu", e->line);
			if (e->column)
				buf_addf(out, ":%lu", e->column);
		}
		buf_adds(out, ": ");
	} else {
		buf_adds(out, "huifang: ");
	}
	buf_addf(out, "%s: %s", level_name[e->level], e->message);
	if (e->code)
		buf_addf(out, " (%s)", e->code);
	buf_addch(out, '\n');
	if (e->context) {
		unsigned long i;

		buf_addf(out, "    %s\n    ", e->context);
		/* The column counts bytes; the caret is good for ASCII lines. */
		for (i = 1; i < e->column; i++)
			buf_addch(out, ' ');
		buf_adds(out, "^\n");
	}
}

void diag_print_entry(FILE *out, const struct diag_entry *e)
{
	struct buf b = BUF_INIT;

	diag_format_entry(&b, e);
	fwrite(b.s, 1, b.len, out);
	buf_release(&b);
}

void diag_print(FILE *out, const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		diag_print_entry(out, &d->entries[i]);
}
