/*
 * fuzz_json.c - libFuzzer target for the JSON reader (jsonread.h).
 *
 * Reads the input both as a .json file and as JSON Lines: as the reader
 * reads (the one-pass reading of plain records), then again after
 * json_reader_rewind() (from the kept records, or, with a keep limit of
 * one byte, from the input again), and beside each reading a reader with
 * json_reader_use_tree() (every record through cJSON, the reference).
 * Checks that records come in line order, that a broken one says why,
 * that the reader always ends, and that every reading gives the same
 * records as the reference: the same fields, texts and key numbers, the
 * same faults at the same places with the same words, the same end.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "input/jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_string(const char *a, const char *b)
{
	assert((a == NULL) == (b == NULL));
	assert(!a || !strcmp(a, b));
}

static void same_record(const struct json_record *a,
			const struct json_record *b, bool replayed)
{
	size_t i;

	assert(a->line == b->line && a->column == b->column);
	assert(a->good == b->good && a->nfields == b->nfields);
	/* A good record replayed from memory has no text (jsonread.h). */
	if (!a->good || !replayed)
		assert(a->len == b->len && !memcmp(a->text, b->text, a->len));
	assert(a->bad_encoding == b->bad_encoding);
	assert(a->bad_offset == b->bad_offset);
	assert(a->malformed == b->malformed);
	assert(a->error_line == b->error_line);
	assert(a->error_column == b->error_column);
	same_string(a->error, b->error);
	same_string(a->error_context, b->error_context);
	for (i = 0; i < a->nfields; i++) {
		const struct json_field *f = &a->fields[i], *g = &b->fields[i];

		assert(f->key_len == g->key_len &&
		       !memcmp(f->key, g->key, f->key_len) && !f->key[f->key_len]);
		assert(f->key_id == g->key_id && f->kind == g->kind);
		assert(f->len == g->len && !memcmp(f->text, g->text, f->len) &&
		       !f->text[f->len]);
	}
}

/* Reads r to its end beside a new tree reader, comparing. */
static void compare(struct json_reader *r, const uint8_t *data, size_t size,
		    bool lines, bool replayed)
{
	struct buf err = BUF_INIT, terr = BUF_INIT;
	struct json_reader *t;
	struct json_record rec, ref;
	uint32_t last = 0;
	size_t n = 0;
	int rc, trc;

	t = json_reader_open_mem((const char *)data, size, lines, &terr);
	assert(t);
	json_reader_use_tree(t);
	for (;;) {
		rc = json_reader_next(r, &rec, &err);
		trc = json_reader_next(t, &ref, &terr);
		assert(rc == trc);
		if (rc <= 0)
			break;
		assert(rec.line >= last);
		last = rec.line;
		if (!rec.good)
			assert(rec.error && rec.error_line >= rec.line);
		same_record(&rec, &ref, replayed);
		/* Every record consumes input: no more than size of them. */
		assert(++n <= size);
	}
	assert(err.len == terr.len && (!err.len || !strcmp(err.s, terr.s)));
	/* An ended reader stays ended. */
	assert(json_reader_next(r, &rec, &err) == 0);
	assert(json_reader_next(t, &ref, &terr) == 0);
	json_reader_free(t);
	buf_release(&err);
	buf_release(&terr);
}

static void read_all(const uint8_t *data, size_t size, bool lines,
		     size_t keep)
{
	struct buf err = BUF_INIT;
	struct json_reader *r;

	r = json_reader_open_mem((const char *)data, size, lines, &err);
	assert(r);
	json_reader_keep(r, keep);
	compare(r, data, size, lines, false);
	assert(json_reader_rewind(r, &err) == 0);
	compare(r, data, size, lines, keep > 1);
	json_reader_free(r);
	buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, false, SIZE_MAX);
	read_all(data, size, true, SIZE_MAX);
	read_all(data, size, false, 1);
	read_all(data, size, true, 1);
	return 0;
}
