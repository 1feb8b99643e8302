/*
 * diag.h - diagnostics about input and configuration.
 *
 * Stages never print; they report into a struct diag, and the command
 * decides what to show and whether errors are fatal (--strict). A message
 * prints as
 *
 *   input/2026-11.csv:123:7: error: invalid date '2026-13-01' in column '完成时间'
 *
 * lower case, no full stop, the value quoted. Line and column are 1-based;
 * 0 means "not known" and is left out. diag_init() allocates nothing;
 * diag_release() frees every message.
 */
#ifndef HUIFANG_DIAG_H
#define HUIFANG_DIAG_H

#include <stdio.h>
#include <stddef.h>

#include "util/buf.h"

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct diag_entry {
	enum diag_level level;
	char *file;     /* owned; may be NULL */
	unsigned long line, column;
	char *message;  /* owned */
	char *context;  /* owned; the offending line for a caret, may be NULL */
	/*
	 * What kind of problem, for a program to tell them apart (a reject
	 * reason's code), or NULL; static text. Printed after the message
	 * in parentheses.
	 */
	const char *code;
};

struct diag {
	struct diag_entry *entries;
	size_t nr, alloc;
	size_t errors, warnings;
	/*
	 * When set, entries are printed as they arrive instead of being kept
	 * (the counters still count).
	 */
	FILE *stream;
	/* With a stream: entries below this level are counted, not printed. */
	enum diag_level min_level;
	/*
	 * When set (it wins over stream), each entry is given to emit as it
	 * arrives, counted, and not kept: a sink that decides where it goes.
	 */
	void (*emit)(const struct diag_entry *e, void *arg);
	void *emit_arg;
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

void diag_report(struct diag *d, enum diag_level level, const char *file,
		 unsigned long line, unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* As diag_report, with the text of the line for a caret under column. */
void diag_report_context(struct diag *d, enum diag_level level,
			 const char *file, unsigned long line,
			 unsigned long column, const char *context,
			 const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* As diag_report_context, with the entry's code (static text). */
void diag_report_code(struct diag *d, enum diag_level level,
		      const char *file, unsigned long line,
		      unsigned long column, const char *context,
		      const char *code, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/*
 * Moves every entry of from into d in order, as if each were reported to
 * d now (counted, and printed when d has a stream); from is left empty.
 * For a worker thread that collects into a diag of its own.
 */
void diag_take(struct diag *d, struct diag *from);
/*
 * Removes the kept entry i (its counts too), the entries after it moving
 * up one: for a collector that learns later that a message was said
 * already (one file read in parts, ingest.c).
 */
void diag_drop(struct diag *d, size_t i);

/* Writes one entry in the format above (plus the caret lines, if any). */
void diag_print_entry(FILE *out, const struct diag_entry *e);
/* The same, appended to a buffer. */
void diag_format_entry(struct buf *out, const struct diag_entry *e);
void diag_print(FILE *out, const struct diag *d);

#endif
