/*
 * fuzz_json.c - libFuzzer target for the JSON reader (jsonread.h).
 *
 * Reads the input both as a .json file and as JSON Lines and checks that
 * records come in line order, that a good record is an object, that a
 * broken one says why, and that the reader always ends.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "input/jsonread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const uint8_t *data, size_t size, bool lines)
{
	struct buf err = BUF_INIT, text = BUF_INIT;
	struct json_reader *r;
	struct json_record rec;
	uint32_t last = 0;
	size_t n = 0;

	r = json_reader_open_mem((const char *)data, size, lines, &err);
	assert(r);
	while (json_reader_next(r, &rec, &err) > 0) {
		assert(rec.line >= last);
		last = rec.line;
		if (rec.obj) {
			const cJSON *item;

			assert(cJSON_IsObject(rec.obj));
			for (item = rec.obj->child; item; item = item->next)
				json_value_text(item, &text);
		} else {
			assert(rec.error && rec.error_line >= rec.line);
		}
		/* Every record consumes input: no more than size of them. */
		assert(++n <= size);
	}
	json_reader_free(r);
	buf_release(&err);
	buf_release(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, false);
	read_all(data, size, true);
	return 0;
}
