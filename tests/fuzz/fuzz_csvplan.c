/*
 * fuzz_csvplan.c - libFuzzer target for the plans of csvread.h (issue
 * 20): the input, written to a file, is read whole and in parts of 1, 3
 * and 11 bytes, and the parts must give the whole reading's records,
 * encoding and note whenever the plan cuts the file (csv_parts.h).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "csv_parts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[4096];
	static const uint64_t chunks[] = { 1, 3, 11 };
	struct buf why = BUF_INIT;
	FILE *fp;
	size_t i;

	if (!*path) {
		const char *tmp = getenv("TMPDIR");
		int fd;

		snprintf(path, sizeof(path), "%s/fuzz_csvplan_XXXXXX",
			 tmp && *tmp ? tmp : P_tmpdir);
		fd = mkstemp(path);
		assert(fd >= 0);
		close(fd);
	}
	fp = fopen(path, "wb");
	assert(fp);
	assert(fwrite(data, 1, size, fp) == size);
	assert(fclose(fp) == 0);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		if (csv_parts_compare(path, chunks[i], &why) < 0) {
			fprintf(stderr, "%s\n", why.s);
			abort();
		}
	}
	buf_release(&why);
	return 0;
}
