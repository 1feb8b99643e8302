/*
 * sheet.h - what the two spreadsheet readers (xlsx.c, xls.c) share: the
 * options a source profile may set, the row they yield, and the one way a
 * cell becomes text (SPEC §9.20).
 *
 *   struct sheet_rows rows;
 *   sheet_rows_init(&rows, &opts);
 *   for each row of the sheet:
 *           sheet_rows_begin(&rows, row_number);
 *           for each cell: sheet_rows_cell(&rows, column, text, len, flags);
 *           if (sheet_rows_end(&rows, &row) > 0) ... yield row ...
 *   sheet_rows_release(&rows);
 *
 * A row's fields are its cells from column A on: a gap is an empty
 * field, and every row is padded to the header's width (the header is
 * the first non-empty row at or after opts.header_row), so that a row
 * whose last cells are empty is not a wrong field count; a row with a
 * value beyond the header's width keeps its extra fields (and is
 * rejected for its field count, as in CSV). Rows above the header row
 * and rows whose cells are all empty are not rows (as blank lines in a
 * CSV). A row's line is its row number in the sheet.
 *
 * Cell text: a text cell is its text; a number stored exactly is its
 * decimal text ("42", "0.5", "822025112000000000"); a number Excel could
 * not hold exactly (more than 15 significant digits, or written in
 * E-notation) is shown as Excel shows it, rounded to 15 digits
 * ("8.22025112E+17"), and flagged SHEET_INEXACT; a number under a date
 * format is its date ("2026-11-20", "2026-11-20 14:05:00"), a time-only
 * format gives "14:05:00" (which no timestamp column takes) and a
 * duration ([h]:mm:ss, built-in 46) "26:30:00"; an error cell (#N/A ...)
 * is empty and flagged SHEET_ERROR; a boolean is TRUE or FALSE.
 *
 * Row contents belong to the struct sheet_rows and are valid until the
 * next sheet_rows_begin().
 */
#ifndef HUIFANG_SHEET_H
#define HUIFANG_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * What a source profile may say about a workbook; zeroed means the
 * defaults (the first sheet, the header on its first non-empty row).
 */
struct sheet_opts {
	const char *sheet;          /* the sheet's name; NULL: the first
				     * (several sheets are several readers,
				     * one per entry of input.files) */
	uint32_t header_row;        /* 1-based; 0: the first non-empty row */
	size_t max_field_bytes;     /* 0: 65536 (SPEC §8.3) */
};

/* Cell flags. */
#define SHEET_ERROR   0x01u     /* an error value (#N/A, #DIV/0! ...) */
#define SHEET_INEXACT 0x02u     /* a number Excel could not hold exactly */
#define SHEET_NUMBER  0x04u     /* a number cell (not a date) */
#define SHEET_DATE    0x08u     /* a number under a date format */
#define SHEET_BAD     0x10u     /* a character XML or UTF-8 cannot carry */

struct sheet_row {
	uint32_t line;              /* the row's number in the sheet */
	size_t nfields;
	char **fields;              /* NUL-terminated UTF-8 */
	size_t *lens;
	uint8_t *flags;             /* SHEET_* per field */
	size_t error_cells;         /* fields flagged SHEET_ERROR */
	size_t long_field;          /* 1-based first field over the limit */
	size_t bad_field;           /* 1-based first field flagged SHEET_BAD */
};

struct sheet_cell;

struct sheet_rows {
	struct sheet_opts opts;
	uint32_t line;
	bool have_header;
	size_t width;               /* the header's width, once known */
	struct buf text;            /* the row's cell texts */
	struct sheet_cell *cells;
	size_t ncells, alloc;
	char **fields;
	size_t *lens;
	uint8_t *flags;
	size_t falloc;
};

void sheet_rows_init(struct sheet_rows *r, const struct sheet_opts *opts);
void sheet_rows_release(struct sheet_rows *r);
void sheet_rows_begin(struct sheet_rows *r, uint32_t line);
/*
 * Adds the cell in 0-based column col; a later cell in the same column
 * replaces an earlier one. Text longer than the field limit is kept to
 * one byte over it (enough to say it is too long).
 */
void sheet_rows_cell(struct sheet_rows *r, uint32_t col, const char *text,
		     size_t len, unsigned flags);
/* 1 and the row in *out, or 0 when the row is not one (see above). */
int sheet_rows_end(struct sheet_rows *r, struct sheet_row *out);

/* How a number format shows a number. */
enum sheet_numfmt {
	NUMFMT_NUMBER,
	NUMFMT_DATE,            /* a date alone */
	NUMFMT_DATETIME,
	NUMFMT_TIME,            /* a time of day alone */
	NUMFMT_DURATION,        /* elapsed time: [h]:mm:ss */
};

/* Built-in format ids: 14-22, 27-36, 45-47 and 50-58 are dates or times. */
enum sheet_numfmt sheet_builtin_numfmt(unsigned id);
/*
 * A custom format code: a date when, outside quoted text, escapes and
 * [...] sections, it holds y, m, d, h or s (any case; also the Chinese
 * era e and the [h] [m] [s] of elapsed time, which make a duration).
 */
enum sheet_numfmt sheet_custom_numfmt(const char *code);

/*
 * Appends the text of a number cell whose stored text is raw[0..len)
 * (the <v> of an .xlsx cell) under format kind fmt, in the 1900 or 1904
 * date system. Returns the cell's flags (SHEET_NUMBER or SHEET_DATE, and
 * SHEET_INEXACT), or -1 when raw is not a number (nothing appended).
 */
int sheet_number_text(struct buf *out, const char *raw, size_t len,
		      enum sheet_numfmt fmt, bool date1904);
/* The same for a number held as a double (an .xls cell). */
int sheet_double_text(struct buf *out, double v, enum sheet_numfmt fmt,
		      bool date1904);

/* "C12": the cell in 0-based column col of row (1-based). */
#define SHEET_CELL_NAME 16
void sheet_cell_name(char out[SHEET_CELL_NAME], uint32_t col, uint32_t row);
/*
 * Parses a reference such as "C12" into a 0-based column and a 1-based
 * row (*row is 0 when the reference has no row). 0, or -1 when it is not
 * a reference inside Excel's limits (XFD, 1048576).
 */
int sheet_parse_ref(const char *s, uint32_t *col, uint32_t *row);

#define SHEET_MAX_COLUMNS 16384u
#define SHEET_MAX_ROWS 1048576u

#endif
