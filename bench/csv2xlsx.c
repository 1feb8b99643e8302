/*
 * csv2xlsx.c - make bench's .xlsx copy of a CSV export: one sheet, every
 * cell written as text, in libxlsxwriter's constant-memory mode (one row
 * in memory at a time), so that a million-row book costs no more memory
 * to write than a row. huifang then ingests the same rows from .xlsx and
 * from CSV, for issue 20's "1M-row .xlsx ingest within 3 x the CSV".
 *
 * usage: csv2xlsx IN.csv OUT.xlsx
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <xlsxwriter.h>

struct sheet {
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_col_t col;
	char *text;
	size_t cap;
	int failed;
};

static void on_field(void *s, size_t len, void *data)
{
	struct sheet *sh = data;

	if (len + 1 > sh->cap) {
		sh->cap = (len + 1) * 2;
		sh->text = realloc(sh->text, sh->cap);
		if (!sh->text) {
			perror("csv2xlsx");
			exit(1);
		}
	}
	memcpy(sh->text, s, len);
	sh->text[len] = '\0';
	if (len > 0 && worksheet_write_string(sh->ws, sh->row, sh->col,
					      sh->text, NULL) != LXW_NO_ERROR)
		sh->failed = 1;
	sh->col++;
}

static void on_record(int c, void *data)
{
	struct sheet *sh = data;

	(void)c;
	sh->row++;
	sh->col = 0;
}

int main(int argc, char **argv)
{
	static char block[1 << 20];
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct sheet sh = { 0 };
	struct csv_parser p;
	lxw_workbook *wb;
	size_t got;
	FILE *fp;

	if (argc != 3) {
		fprintf(stderr, "usage: csv2xlsx IN.csv OUT.xlsx\n");
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	wb = workbook_new_opt(argv[2], &opt);
	if (!wb) {
		fprintf(stderr, "csv2xlsx: cannot create %s\n", argv[2]);
		return 1;
	}
	sh.ws = workbook_add_worksheet(wb, "Sheet1");
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
	while ((got = fread(block, 1, sizeof(block), fp)) > 0)
		if (csv_parse(&p, block, got, on_field, on_record, &sh) != got) {
			fprintf(stderr, "csv2xlsx: %s: %s\n", argv[1],
				csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, on_field, on_record, &sh);
	csv_free(&p);
	fclose(fp);
	if (sh.failed || workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "csv2xlsx: cannot write %s\n", argv[2]);
		return 1;
	}
	free(sh.text);
	return 0;
}
