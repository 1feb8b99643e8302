/*
 * buf.c - growable byte buffers (see buf.h).
 *
 * Invariant: b->s[b->len] == '\0' at all times, and b->s points at the
 * shared empty string exactly when b->cap == 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"
#include "util/banned.h"

char buf_empty[1];

void buf_init(struct buf *b)
{
	b->s = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->s);
	buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s;

	if (!b->cap)
		buf_grow(b, 0);
	s = b->s;
	if (len)
		*len = b->len;
	buf_init(b);
	return s;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need < b->len)
		xalloc_die(SIZE_MAX);
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (b->cap) {
		b->s = xrealloc(b->s, cap);
	} else {
		b->s = xmalloc(cap);
		b->s[0] = '\0';
	}
	b->cap = cap;
}

void buf_reset(struct buf *b)
{
	buf_setlen(b, 0);
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->cap) {
		if (len)
			buf_grow(b, len);
		else
			return;
	}
	b->len = len;
	b->s[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow(b, len);
	memcpy(b->s + b->len, data, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->s + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n + 1 > (b->cap ? b->cap - b->len : 0)) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_add_double(struct buf *b, double v)
{
	char tmp[40];
	int prec;

	/* The shortest %.*g that round-trips; 17 digits always does. */
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	buf_adds(b, tmp);
}

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
/* Whether a byte of w is below c (c at most 128; exact as a yes / no). */
#define HAS_LESS(w, c) (((w) - ONES * (c)) & ~(w) & HIGHS)

/* Bytes a JSON string can hold as they are. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

/*
 * Bytes at the start of p[0..n) that need no escape: eight at a time while
 * no byte of the word is a control, '"' or '\\', which is the whole of most
 * values (CJK text, digits, time stamps); the records artifact of a million
 * rows spends its time here.
 */
static size_t json_plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (HAS_LESS(w, 0x20) || HAS_LESS(w ^ (ONES * '"'), 1) ||
		    HAS_LESS(w ^ (ONES * '\\'), 1))
			break;
	}
	while (i < n && json_plain(p[i]))
		i++;
	return i;
}

void buf_add_json_string(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	buf_addch(b, '"');
	for (;;) {
		size_t run = json_plain_run(p, left);

		buf_add(b, p, run);
		p += run;
		left -= run;
		if (!left)
			break;
		switch (*p) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			buf_add(b, "\\u00", 4);
			buf_addch(b, hex[*p >> 4]);
			buf_addch(b, hex[*p & 15]);
		}
		p++;
		left--;
	}
	buf_addch(b, '"');
}

int buf_read_stream(struct buf *b, FILE *fp)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(b, chunk, n);
	return ferror(fp) ? -1 : 0;
}
