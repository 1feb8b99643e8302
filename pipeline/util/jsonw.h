/*
 * jsonw.h - the one way huifang writes JSON text.
 *
 * Every JSON artifact (metrics.json, samples.json, records.json, the
 * records' summary.json, run.json) is written through a struct jsonw over
 * a caller's struct buf, so that escaping, number formats and layout are
 * decided in one place:
 *
 *   struct jsonw w;
 *   jsonw_init(&w, &out);
 *   jsonw_open(&w, NULL, '{', JSONW_BLOCK);
 *   jsonw_str(&w, "schema", "huifang.metrics/1");
 *   jsonw_open(&w, "ci", '[', JSONW_INLINE);
 *   jsonw_double(&w, NULL, 0.25); jsonw_double(&w, NULL, 0.5);
 *   jsonw_close(&w);                                -- "ci": [0.25, 0.5]
 *   jsonw_close(&w);
 *   jsonw_end(&w);                                  -- the final newline
 *
 * Each value function takes the member's key in an object and NULL in an
 * array (or for the document itself). A container is laid out JSONW_BLOCK
 * (one element per line, two spaces of indent per level, the closing
 * bracket on a line of its own unless the container is empty: "[]") or
 * JSONW_INLINE (all on one line, elements parted by ", "); a key is always
 * followed by ": ". jsonw_same_line() puts the next element of a block
 * container on the line of the previous one, for the few places where a
 * file groups short members. Strings are escaped as JSON requires (UTF-8
 * passes through; the caller makes sure it is valid); doubles are the
 * shortest text that reads back to the same value (buf_add_double), in
 * the C locale. So the same calls always give the same bytes.
 *
 * The writer allocates nothing; the text is appended to the caller's buf.
 * Nesting deeper than JSONW_MAX_DEPTH is a programming error (abort).
 */
#ifndef HUIFANG_JSONW_H
#define HUIFANG_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

#define JSONW_MAX_DEPTH 16

enum jsonw_layout {
	JSONW_BLOCK,
	JSONW_INLINE
};

struct jsonw {
	struct buf *b;
	int depth;
	bool first;     /* the current container has no element yet */
	bool same_line; /* the next element stays on the current line */
	/* Per open container (index: its depth): JSONW_INLINE's bit and
	 * whether it is an array. */
	unsigned char open[JSONW_MAX_DEPTH + 1];
};

/* Starts writing into b (appending to what it holds). */
void jsonw_init(struct jsonw *w, struct buf *b);

/* Opens an object ('{') or an array ('['), as member key (or NULL). */
void jsonw_open(struct jsonw *w, const char *key, int bracket,
		enum jsonw_layout layout);
/* Closes the innermost open container. */
void jsonw_close(struct jsonw *w);
/*
 * Continues a document jsonw wrote into b and ended, whose root is a block
 * object: takes its closing bracket and newline off and leaves w inside
 * the root, so that members can be added (then close and end as usual).
 * 0, or -1 when b does not end that way (b untouched). For a stage that
 * adds its own members to another stage's artifact (metrics.json's
 * "audit", stages/audit.h).
 */
int jsonw_reopen(struct jsonw *w, struct buf *b);
/* Ends the document: a newline after the closing bracket. */
void jsonw_end(struct jsonw *w);
/* The next element of the current block container continues this line. */
void jsonw_same_line(struct jsonw *w);

void jsonw_str(struct jsonw *w, const char *key, const char *value);
void jsonw_uint(struct jsonw *w, const char *key, uint64_t value);
void jsonw_int(struct jsonw *w, const char *key, int64_t value);
void jsonw_double(struct jsonw *w, const char *key, double value);
void jsonw_bool(struct jsonw *w, const char *key, bool value);
void jsonw_null(struct jsonw *w, const char *key);
/* An instant as "YYYY-MM-DD HH:MM:SS" China time; null for TIME_NONE. */
void jsonw_time(struct jsonw *w, const char *key, int64_t t);

#endif
