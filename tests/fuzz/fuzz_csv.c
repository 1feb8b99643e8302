/*
 * fuzz_csv.c - libFuzzer target for the CSV reader (csvread.h).
 *
 * Reads the input as an export, detected and then forced to GB18030, and
 * checks what every caller relies on: records come in line order, every
 * field is NUL-terminated at its length, and a flagged field exists.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "input/csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const uint8_t *data, size_t size, const char *enc)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	uint32_t last = 0;
	int rc;

	r = csv_reader_open_mem((const char *)data, size, enc, 64, &err);
	assert(r);
	while ((rc = csv_reader_next(r, &rec, &err)) > 0) {
		size_t i;

		assert(rec.line >= last);
		last = rec.line;
		assert(rec.bad_field <= rec.nfields);
		assert(rec.long_field <= rec.nfields);
		for (i = 0; i < rec.nfields; i++) {
			assert(rec.fields[i][rec.lens[i]] == '\0');
			if (rec.long_field == i + 1)
				assert(rec.lens[i] > 64);
		}
	}
	assert(rc == 0);
	csv_reader_free(r);
	buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size, NULL);
	read_all(data, size, "GB18030");
	return 0;
}
