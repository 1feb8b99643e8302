/*
 * xlsx.h - reading one sheet of an .xlsx workbook row by row (and
 * listing its sheets).
 *
 *   struct xlsx_reader *x = xlsx_reader_open(path, &opts, &err);
 *   struct sheet_row row;
 *   while ((rc = xlsx_reader_next(x, &row, &err)) > 0)
 *           ... row.fields[0 .. row.nfields) ...
 *   xlsx_reader_free(x);
 *
 * The package is opened with libzip and its parts parsed with expat:
 * _rels/.rels leads to the workbook, the workbook's relationships to its
 * sheets, shared strings and styles. Shared strings are kept in an arena
 * (they are the one part a sheet needs at random); the sheet itself is
 * parsed as it is inflated, one row at a time, so memory does not grow
 * with the sheet. Cells become text as sheet.h says (numbers, dates in
 * the 1900 or 1904 system by their number format, error cells empty).
 * A merged range gives its top-left cell's value to every cell it covers
 * (the ranges are found by a quick first pass over the sheet, since the
 * file lists them after the rows).
 *
 * A workbook is treated as hostile: it is refused, with a reason in err,
 * when an entry's path is absolute or climbs out with "..", when a part
 * inflates beyond its limit or by more than XLSX_MAX_RATIO to 1, when
 * the package has too many entries, when a part is missing or is not
 * well-formed XML (a DOCTYPE is refused outright: no entities), or when a
 * relationship points outside the package. A problem found in the middle
 * of the sheet ends the reading with -1 and the reason.
 *
 * The reader owns its rows; a row is valid until the next call.
 */
#ifndef HUIFANG_XLSX_H
#define HUIFANG_XLSX_H

#include <stddef.h>

#include "input/sheet.h"
#include "util/buf.h"

/* Limits on what a workbook may inflate to. */
#define XLSX_MAX_ENTRIES 10000
#define XLSX_MAX_SHEET_BYTES ((unsigned long long)4 << 30)
#define XLSX_MAX_PART_BYTES ((unsigned long long)512 << 20)
#define XLSX_MAX_RATIO 100
#define XLSX_MAX_MERGES 100000
/* Each covered cell is filled in: a bound on the work merges cause. */
#define XLSX_MAX_MERGED_CELLS 10000000

struct xlsx_reader;

/*
 * Opens the workbook at path and the sheet opts names (the first sheet
 * when opts is NULL or names none). NULL with the reason in err.
 */
struct xlsx_reader *xlsx_reader_open(const char *path,
				     const struct sheet_opts *opts,
				     struct buf *err);
/* The same over len bytes of memory, which must outlive the reader. */
struct xlsx_reader *xlsx_reader_open_mem(const void *data, size_t len,
					 const struct sheet_opts *opts,
					 struct buf *err);

/*
 * Appends the names of the workbook's visible sheets, in its order, to
 * names, and those of its hidden ones (state "hidden" or "veryHidden":
 * they hold lookup lists, and a profile may still name one) to hidden
 * unless it is NULL. 0, or -1 with the reason in err.
 */
struct string_list;
int xlsx_list_sheets(const char *path, struct string_list *names,
		     struct string_list *hidden, struct buf *err);

/* The name of the sheet being read. */
const char *xlsx_reader_sheet(const struct xlsx_reader *x);
/* Error cells (#N/A ...) met so far; they read as empty. */
size_t xlsx_reader_error_cells(const struct xlsx_reader *x);

/*
 * The next row: 1, 0 at the end of the sheet, or -1 when the sheet turns
 * out to be broken (the reason in err, naming the part, line and column).
 */
int xlsx_reader_next(struct xlsx_reader *x, struct sheet_row *row,
		     struct buf *err);

void xlsx_reader_free(struct xlsx_reader *x);

#endif
