/*
 * jsonw.c - the JSON text writer of jsonw.h.
 *
 * The state is the depth, whether the current container is still empty,
 * and each open container's layout and bracket; every element starts with
 * element_start(), which writes the comma and the line break (or space)
 * that separate it from the previous one, then the key.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/chtime.h"
#include "util/jsonw.h"
#include "util/banned.h"

#define OPEN_INLINE 1
#define OPEN_ARRAY 2

void jsonw_init(struct jsonw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->first = true;
	w->same_line = false;
	w->open[0] = 0;
}

static void newline(struct jsonw *w)
{
	int i;

	buf_addch(w->b, '\n');
	for (i = 0; i < w->depth; i++)
		buf_add(w->b, "  ", 2);
}

/* The separator before an element of the current container, and its key. */
static void element_start(struct jsonw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first)
			buf_addch(w->b, ',');
		if ((w->open[w->depth] & OPEN_INLINE) || w->same_line) {
			if (!w->first)
				buf_addch(w->b, ' ');
		} else {
			newline(w);
		}
	}
	w->first = false;
	w->same_line = false;
	if (key) {
		buf_add_json_string(w->b, key);
		buf_add(w->b, ": ", 2);
	}
}

void jsonw_open(struct jsonw *w, const char *key, int bracket,
		enum jsonw_layout layout)
{
	element_start(w, key);
	if (w->depth >= JSONW_MAX_DEPTH)
		abort();
	buf_addch(w->b, bracket);
	w->depth++;
	w->open[w->depth] = (layout == JSONW_INLINE ? OPEN_INLINE : 0) |
			    (bracket == '[' ? OPEN_ARRAY : 0);
	w->first = true;
}

void jsonw_close(struct jsonw *w)
{
	unsigned char open = w->open[w->depth];

	w->depth--;
	/* A block container's closing bracket has a line of its own, unless
	 * the container is empty. */
	if (!w->first && !(open & OPEN_INLINE))
		newline(w);
	buf_addch(w->b, open & OPEN_ARRAY ? ']' : '}');
	w->first = false;
	w->same_line = false;
}

int jsonw_reopen(struct jsonw *w, struct buf *b)
{
	jsonw_init(w, b);
	if (b->len >= 3 && !memcmp(b->s + b->len - 3, "{}\n", 3)) {
		buf_setlen(b, b->len - 2);
	} else if (b->len >= 3 && !memcmp(b->s + b->len - 3, "\n}\n", 3)) {
		buf_setlen(b, b->len - 3);
		w->first = false;
	} else {
		return -1;
	}
	w->depth = 1;
	w->open[1] = 0;
	if (b->len >= 2 && !memcmp(b->s + b->len - 2, "{\n", 2))
		w->first = true;
	return 0;
}

void jsonw_end(struct jsonw *w)
{
	buf_addch(w->b, '\n');
}

void jsonw_same_line(struct jsonw *w)
{
	w->same_line = true;
}

void jsonw_str(struct jsonw *w, const char *key, const char *value)
{
	element_start(w, key);
	buf_add_json_string(w->b, value);
}

void jsonw_uint(struct jsonw *w, const char *key, uint64_t value)
{
	element_start(w, key);
	buf_addf(w->b, "%" PRIu64, value);
}

void jsonw_int(struct jsonw *w, const char *key, int64_t value)
{
	element_start(w, key);
	buf_addf(w->b, "%" PRId64, value);
}

void jsonw_double(struct jsonw *w, const char *key, double value)
{
	element_start(w, key);
	buf_add_double(w->b, value);
}

void jsonw_bool(struct jsonw *w, const char *key, bool value)
{
	element_start(w, key);
	buf_adds(w->b, value ? "true" : "false");
}

void jsonw_null(struct jsonw *w, const char *key)
{
	element_start(w, key);
	buf_adds(w->b, "null");
}

void jsonw_time(struct jsonw *w, const char *key, int64_t t)
{
	char text[CHTIME_BUF];

	if (t == TIME_NONE) {
		jsonw_null(w, key);
		return;
	}
	chtime_format(t, text);
	jsonw_str(w, key, text);
}
