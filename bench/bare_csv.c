/*
 * bare_csv.c - the baseline of 'make bench': a libcsv parse of a file that
 * does nothing but count fields and records, read in 1 MiB blocks with
 * the same options ingest uses (CSV_STRICT | CSV_STRICT_FINI). Ingest's
 * target is at most 1.3 times this program's time on the same file.
 *
 * usage: bare_csv FILE...    prints "<records> records, <fields> fields"
 */
#include <stdio.h>
#include <stdlib.h>

#include <csv.h>

struct counts {
	unsigned long long fields, records;
};

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void on_record(int c, void *data)
{
	(void)c;
	((struct counts *)data)->records++;
}

int main(int argc, char **argv)
{
	static char block[1 << 20];
	struct counts n = { 0, 0 };
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: bare_csv FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct csv_parser p;
		size_t got;
		FILE *fp = fopen(argv[i], "rb");

		if (!fp) {
			perror(argv[i]);
			return 1;
		}
		csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
		while ((got = fread(block, 1, sizeof(block), fp)) > 0)
			if (csv_parse(&p, block, got, on_field, on_record, &n) !=
			    got) {
				fprintf(stderr, "bare_csv: %s: %s\n", argv[i],
					csv_strerror(csv_error(&p)));
				return 1;
			}
		csv_fini(&p, on_field, on_record, &n);
		csv_free(&p);
		fclose(fp);
	}
	printf("%llu records, %llu fields\n", n.records, n.fields);
	return 0;
}
