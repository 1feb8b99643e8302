/*
 * sheetscan - reads every row of an export through the reader interface
 * (reader.h) and nothing else, for the memory and speed checks of the
 * Excel readers (tests/e2e/xlsx_memory.sh, docs/excel.md).
 *
 *   sheetscan FILE
 *
 * Prints "rows N bytes B maxrss_kb K": the rows read (the header
 * included), the bytes of their fields, and the process's peak resident
 * memory (getrusage) once the file is read. Exits 1 when the file cannot
 * be opened or read to its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "input/reader.h"
#include "util/buf.h"
#include "util/banned.h"

int main(int argc, char **argv)
{
	struct reader_opts ro = { NULL, 65536, 16384, 1 << 20, NULL, NULL };
	struct buf err = BUF_INIT;
	struct reader *r;
	struct reader_row row;
	struct rusage ru;
	unsigned long long rows = 0, bytes = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: sheetscan FILE\n");
		return 2;
	}
	r = reader_open(argv[1], &ro, &err);
	if (!r) {
		fprintf(stderr, "sheetscan: %s: %s\n", argv[1], err.s);
		return 1;
	}
	while ((rc = reader_next_row(r, &row, &err)) > 0) {
		size_t i;

		rows++;
		for (i = 0; i < row.nfields; i++)
			bytes += row.lens[i];
	}
	reader_close(r);
	if (rc < 0) {
		fprintf(stderr, "sheetscan: %s: %s\n", argv[1], err.s);
		buf_release(&err);
		return 1;
	}
	buf_release(&err);
	getrusage(RUSAGE_SELF, &ru);
	printf("rows %llu bytes %llu maxrss_kb %ld\n", rows, bytes,
	       ru.ru_maxrss);
	return 0;
}
