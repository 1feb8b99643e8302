/*
 * fuzz_biff.c - libFuzzer target for biff.c: the compound file and the
 * BIFF8 records of an .xls (booleans, errors, merged ranges).
 *
 * The .xls reader runs biff_scan() in its child process, where a fault
 * would only refuse the file; this target runs it in-process, so that
 * AddressSanitizer sees every read. Whatever the bytes: biff_scan()
 * returns 0 or -1, on -1 holds nothing, on 0 its cells are sorted and
 * distinct and within Excel's .xls limits, and its merged ranges are
 * sorted by first row, each the right way up and more than one cell.
 * Each of the first three sheets is tried. biff_sheet_states() counts
 * the sheets and writes at most max states, each a two-bit value.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "input/biff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char states[4] = { 0xAA, 0xAA, 0xAA, 0xAA };
	unsigned index;
	long nstates = biff_sheet_states(data, size, states, 3);

	assert(nstates >= -1);
	for (index = 0; index < 3; index++)
		assert(states[index] <= 3 || states[index] == 0xAA);
	assert(states[3] == 0xAA);
	for (index = 0; index < 3; index++) {
		struct biff_sheet s;
		size_t i;

		if (biff_scan(data, size, index, NULL, &s) < 0) {
			assert(!s.cells && !s.ncells && !s.merges &&
			       !s.nmerges);
			continue;
		}
		for (i = 0; i < s.ncells; i++) {
			const struct biff_cell *c = &s.cells[i];

			assert(c->row < 65536 && c->col < 65536);
			assert(c->kind == BIFF_BOOL || c->kind == BIFF_ERROR);
			if (i)
				assert(c[-1].row < c->row ||
				       (c[-1].row == c->row &&
					c[-1].col <= c->col));
			assert(biff_cell_at(&s, c->row, c->col) != NULL);
		}
		for (i = 0; i < s.nmerges; i++) {
			const struct biff_merge *m = &s.merges[i];

			assert(m->r1 <= m->r2 && m->c1 <= m->c2);
			assert(m->r1 < m->r2 || m->c1 < m->c2);
			if (i)
				assert(m[-1].r1 <= m->r1);
		}
		biff_sheet_release(&s);
	}
	return 0;
}
