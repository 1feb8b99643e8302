/*
 * biff.h - what freexl does not say about an .xls sheet: which cells are
 * booleans or error values, and which ranges are merged.
 *
 *   struct biff_sheet s;
 *   if (biff_scan(bytes, len, index, name, &s) == 0)
 *           ... s.cells (sorted by row, column), s.merges ...
 *   biff_sheet_release(&s);
 *
 * freexl 1.0.6 reads a BOOLERR cell (and a formula's cached boolean or
 * error) as the number it is stored as, and has no merged ranges at all.
 * This module reads the workbook's compound file (OLE2: header, FAT,
 * mini FAT, directory) for its Workbook stream, finds the sheet's BIFF8
 * substream by its BOUNDSHEET record (the index-th one, whose name must
 * be name, so that it is the sheet freexl read), and collects its
 * BOOLERR, FORMULA (boolean or error result) and MERGEDCELLS records.
 * biff_sheet_states() reads whether each sheet is hidden, which freexl
 * does not say either.
 * Everything is checked against the file's length: a chain that loops or
 * leaves the file, a record that overruns its stream, more than
 * BIFF_MAX_CELLS or BIFF_MAX_MERGES entries, all end the scan with -1 and
 * nothing kept (the sheet then reads as freexl gives it).
 *
 * It runs in the .xls reader's child process (xls.c), so it allocates
 * with plain malloc, never the xmalloc family; the struct's arrays are
 * freed by biff_sheet_release().
 */
#ifndef HUIFANG_BIFF_H
#define HUIFANG_BIFF_H

#include <stddef.h>
#include <stdint.h>

#define BIFF_MAX_CELLS 1000000
#define BIFF_MAX_MERGES 100000

enum biff_kind { BIFF_BOOL = 1, BIFF_ERROR = 2 };

struct biff_cell {
	uint32_t row, col;      /* 0-based */
	uint8_t kind;           /* enum biff_kind */
	uint8_t value;          /* the boolean (0, 1) or the error code */
};

struct biff_merge {
	uint32_t r1, r2, c1, c2;        /* 0-based, inclusive */
};

struct biff_sheet {
	struct biff_cell *cells;        /* sorted by row, then column */
	size_t ncells;
	struct biff_merge *merges;      /* sorted by first row */
	size_t nmerges;
};

/*
 * Scans sheet number index (0-based, in BOUNDSHEET order), which must be
 * named name (UTF-8; NULL: whatever its name), of the .xls file in
 * file[0 .. len). 0 and the
 * sheet's cells and merges in *out, or -1 (out empty) when the file or
 * the sheet cannot be read this way.
 */
int biff_scan(const unsigned char *file, size_t len, unsigned index,
	      const char *name, struct biff_sheet *out);

/*
 * The visibility of the workbook's sheets, in BOUNDSHEET order: states[i]
 * is BIFF_VISIBLE, BIFF_HIDDEN or BIFF_VERY_HIDDEN for the first max
 * sheets. Returns the number of sheets (which may exceed max), or -1
 * when the file cannot be read this way.
 */
enum { BIFF_VISIBLE = 0, BIFF_HIDDEN = 1, BIFF_VERY_HIDDEN = 2 };
long biff_sheet_states(const unsigned char *file, size_t len,
		       unsigned char *states, size_t max);

/* The cell at (row, col) among s's cells, or NULL. */
const struct biff_cell *biff_cell_at(const struct biff_sheet *s,
				     uint32_t row, uint32_t col);

void biff_sheet_release(struct biff_sheet *s);

#endif
