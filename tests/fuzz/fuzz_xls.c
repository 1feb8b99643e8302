/*
 * fuzz_xls.c - libFuzzer target for the .xls reader (xls.h).
 *
 * freexl opens by path only, so the input is written to a private
 * temporary file and read through the whole reader: the forked child,
 * its limits and the pipe protocol. A crash inside freexl is the child's
 * and refuses the file (as it should); what is checked here is the
 * parent: rows come in increasing order, every field is NUL-terminated
 * at its length, and the reader ends with 0 or -1 and a reason.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/buf.h"
#include "input/xls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz_xls.XXXXXX";
	struct buf err = BUF_INIT;
	struct sheet_opts opts = { NULL, 0, 64 };
	struct xls_reader *x;
	struct sheet_row row;
	uint32_t last = 0;
	int fd = mkstemp(path), rc;

	assert(fd >= 0);
	assert(write(fd, data, size) == (ssize_t)size);
	close(fd);
	x = xls_reader_open(path, &opts, &err);
	if (!x) {
		assert(err.len);
		goto out;
	}
	while ((rc = xls_reader_next(x, &row, &err)) > 0) {
		size_t i;

		assert(row.line > last);
		last = row.line;
		for (i = 0; i < row.nfields; i++) {
			assert(row.fields[i][row.lens[i]] == '\0');
			assert(row.lens[i] <= 65);
		}
	}
	assert(rc == 0 || (rc == -1 && err.len));
	xls_reader_free(x);
out:
	unlink(path);
	buf_release(&err);
	return 0;
}
