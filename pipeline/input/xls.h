/*
 * xls.h - reading one sheet of an .xls (BIFF8) workbook row by row.
 *
 *   struct xls_reader *x = xls_reader_open(path, &opts, &err);
 *   struct sheet_row row;
 *   while ((rc = xls_reader_next(x, &row, &err)) > 0)
 *           ... row.fields[0 .. row.nfields) ...
 *   xls_reader_free(x);
 *
 * libfreexl (1.0.6 in Debian 12) opens a workbook by path only and loads
 * it whole, and it is old C over a hostile binary format; so it runs in a
 * forked child under resource limits (XLS_MAX_MEMORY of address space,
 * XLS_MAX_CPU seconds of CPU, XLS_MAX_WALL seconds in all), which sends
 * the sheet's cells back through a pipe. A crash, a limit or a hang in
 * the library refuses the file (err says which), never the run.
 *
 * Cells become text as sheet.h says. freexl converts text from the
 * workbook's CODEPAGE to UTF-8 and decides which numbers are dates (from
 * their formats, in the workbook's 1900 or 1904 system), giving
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "HH:MM:SS". It does not tell an
 * error or a boolean cell from a number and knows no merged ranges; the
 * child reads those from the sheet's records (biff.h), so that a boolean
 * reads TRUE or FALSE, an error value is empty and flagged SHEET_ERROR,
 * and a merged range gives its top-left value to every cell it covers,
 * as in an .xlsx. A sheet whose records cannot be read (a damaged file
 * freexl still reads) reads as freexl gives it, with a warning
 * (xls_reader_warning()).
 *
 * The reader owns its rows; a row is valid until the next call.
 */
#ifndef HUIFANG_XLS_H
#define HUIFANG_XLS_H

#include "input/sheet.h"
#include "util/buf.h"

/* The fuzz target builds with smaller limits (-DXLS_MAX_CPU=2 ...). */
#ifndef XLS_MAX_MEMORY
#define XLS_MAX_MEMORY ((unsigned long)1 << 30)
#endif
#ifndef XLS_MAX_CPU
#define XLS_MAX_CPU 20
#endif
#ifndef XLS_MAX_WALL
#define XLS_MAX_WALL 60
#endif

struct xls_reader;

/* NULL with the reason in err (not a BIFF8 file, no such sheet ...). */
struct xls_reader *xls_reader_open(const char *path,
				   const struct sheet_opts *opts,
				   struct buf *err);
/*
 * Appends the names of the workbook's visible sheets, in its order, to
 * names, and those of its hidden ones (hidden or very hidden, read from
 * their BOUNDSHEET records: freexl does not say) to hidden unless it is
 * NULL, through the same child. When the records cannot be read every
 * sheet counts as visible. 0, or -1 with the reason in err.
 */
struct string_list;
int xls_list_sheets(const char *path, struct string_list *names,
		    struct string_list *hidden, struct buf *err);
const char *xls_reader_sheet(const struct xls_reader *x);
/* The workbook's CODEPAGE as a name ("CP936 (GBK)", "UTF-16LE"): static. */
const char *xls_reader_encoding(const struct xls_reader *x);
/*
 * Why the sheet may have read other than Excel shows it (its BIFF
 * records could not be read, so merged ranges, booleans and error
 * values are as freexl gives them), or NULL; known once the first row
 * is read, final at the end. The reader owns it.
 */
const char *xls_reader_warning(const struct xls_reader *x);
/* 1 and a row, 0 at the end, -1 with the reason in err. */
int xls_reader_next(struct xls_reader *x, struct sheet_row *row,
		    struct buf *err);
void xls_reader_free(struct xls_reader *x);

#endif
