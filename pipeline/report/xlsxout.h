/*
 * xlsxout.h - writing .xlsx workbooks of plain tables with libxlsxwriter.
 *
 *   struct xlsxout *b = xlsxout_open("out/抽查表.xlsx", as_of, &err);
 *   struct xlsxout_sheet *s = xlsxout_sheet(b, "东区", cols, ncols);
 *   xlsxout_row(s, cells);  ...              -- one call per row
 *   xlsxout_hidden_sheet(b, "_identity", cols, ncols) ... rows ...
 *   xlsxout_commit(b, &err);                 -- or xlsxout_abort(b)
 *
 * Every sheet is a table: a header row (bold, frozen, repeated on every
 * printed page), then rows of cells given as text and written by their
 * column's kind: text is always a string, never a formula ("=1+1" stays
 * those four characters); a number column holds numbers (an empty or
 * "null" cell stays blank); a date-time or date column holds real Excel
 * dates parsed from "YYYY-MM-DD[ HH:MM:SS]" (text that does not parse is
 * kept as text rather than lost). A column with choices gets a drop-down
 * list over its data rows. Widths are fitted to the text, a CJK or
 * full-width character counting 2 (libxlsxwriter has no autofit). Pages
 * are A4 landscape, fitted to one page wide, with "第 N 页，共 M 页" in
 * the footer.
 *
 * Sheet names come from the data: xlsxout_sheet() makes any name valid
 * (at most 31 characters, []:*?/\ replaced by '_', no leading or
 * trailing apostrophe, never empty, never Excel's reserved "History")
 * and unique in the workbook (a repeated name is numbered "name (2)",
 * compared case-insensitively as Excel does).
 *
 * libxlsxwriter 1.1.4 writes only to a path: the workbook is written in
 * a private 0700 folder beside the final path, fsynced and renamed into
 * place by xlsxout_commit(), so a reader never sees half a workbook. The
 * document's created time is the given instant (the run's as-of), so a
 * workbook is a pure function of its content. The struct xlsxout owns
 * everything; commit and abort free it.
 */
#ifndef HUIFANG_XLSXOUT_H
#define HUIFANG_XLSXOUT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum xlsxout_kind {
	XLSX_TEXT,
	XLSX_NUMBER,
	XLSX_PERCENT,           /* a ratio in [0, 1], shown as 93.4% */
	XLSX_DATETIME,
	XLSX_DATE,
};

struct xlsxout_column {
	const char *title;
	enum xlsxout_kind kind;
	/* NULL, or the NULL-terminated choices of a drop-down list. */
	const char *const *choices;
};

struct xlsxout;
struct xlsxout_sheet;

/* The longest sheet name Excel takes, in characters. */
#define XLSXOUT_SHEET_NAME_MAX 31
/* Inline list bytes: libxlsxwriter 1.1.4 overflows at 255 (see .c). */
#define XLSXOUT_LIST_MAX 254

/* NULL with the reason in err when the private folder cannot be made. */
struct xlsxout *xlsxout_open(const char *path, int64_t created,
			     struct buf *err);
/* A new sheet; never NULL (a failure is reported by commit). */
struct xlsxout_sheet *xlsxout_sheet(struct xlsxout *b, const char *name,
				    const struct xlsxout_column *cols,
				    size_t ncols);
/* The same, hidden from the tabs (the sample identity). */
struct xlsxout_sheet *xlsxout_hidden_sheet(struct xlsxout *b,
					   const char *name,
					   const struct xlsxout_column *cols,
					   size_t ncols);
/* Writes one row of ncols cells (NULL is empty). */
void xlsxout_row(struct xlsxout_sheet *s, const char *const *cells);
/* The name the sheet was given (valid, unique). */
const char *xlsxout_sheet_name(const struct xlsxout_sheet *s);

/* Writes, fsyncs and renames the workbook; 0, or -1 with err. */
int xlsxout_commit(struct xlsxout *b, struct buf *err);
/* The same with the file's mode (less the umask), e.g. the audit 0600. */
int xlsxout_commit_mode(struct xlsxout *b, unsigned mode, struct buf *err);
/* Throws the workbook away; the final path is untouched. */
void xlsxout_abort(struct xlsxout *b);

/* For the tests: a valid, unique sheet name (see above) into out. */
void xlsxout_sheet_name_for(struct buf *out, const char *name,
			    const char *const *taken, size_t ntaken);
/* The display width of UTF-8 text: CJK and full-width count 2. */
size_t xlsxout_text_width(const char *s);

#endif
