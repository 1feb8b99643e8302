/*
 * buf.h - growable byte buffers, in the manner of git's strbuf.
 *
 * A struct buf always holds a NUL-terminated string in buf.s (possibly with
 * embedded NULs in binary use; buf.len is authoritative). BUF_INIT or
 * buf_init() gives an empty buffer that owns no memory; buf_release() frees
 * what it owns and leaves it empty again; buf_detach() hands the string to
 * the caller, who frees it with free().
 *
 * Formatting uses vsnprintf in the "C" locale (huifang never calls
 * setlocale), so numbers are written the same on every machine.
 */
#ifndef HUIFANG_BUF_H
#define HUIFANG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
void buf_grow(struct buf *b, size_t extra);
void buf_reset(struct buf *b);
void buf_setlen(struct buf *b, size_t len);

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);

/*
 * Appends a double as the shortest decimal text that reads back to the
 * same value ("0.9", "0.123456789", "1"): the form metrics.json uses.
 */
void buf_add_double(struct buf *b, double v);

/*
 * Appends what fp holds from where it stands to its end. 0, or -1 when a
 * read failed (ferror(fp); errno says why); what was read stays in b.
 */
int buf_read_stream(struct buf *b, FILE *fp);

/*
 * Appends s (UTF-8, NUL-terminated) as a JSON string literal with its
 * quotes: " and \ escaped, \n \r \t by name, other control characters
 * as \u00XX. Every JSON artifact huifang writes uses this one escaper.
 */
void buf_add_json_string(struct buf *b, const char *s);

#endif
