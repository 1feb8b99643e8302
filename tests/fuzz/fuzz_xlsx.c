/*
 * fuzz_xlsx.c - libFuzzer target for the .xlsx reader (xlsx.h).
 *
 * An input whose first byte is even is a whole package, as a file would
 * be; mutations of a zip rarely get past its checksums, so an odd first
 * byte makes the rest the parts of a package built here (stored, not
 * deflated): the sheet, the shared strings, the styles and the
 * workbook, separated by NUL bytes (a part left out is a default one).
 * Checks what every caller relies on: rows come in increasing order,
 * every field is NUL-terminated at its length, a flagged field exists,
 * and the reader ends with 0 or -1. Each input is read three times: by
 * the sheet's fast path from the sheet kept in memory, by the fast path
 * streaming it (HUIFANG_TEST_XLSX_KEEP=0), and by expat alone
 * (HUIFANG_TEST_XLSX_EXPAT): the rows, their flags, the error cells and
 * the ending must be the same.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util/buf.h"
#include "input/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char root_rels[] =
	"<Relationships><Relationship Id=\"r\" Type=\"x/officeDocument\" "
	"Target=\"xl/workbook.xml\"/></Relationships>";
static const char wb_rels[] =
	"<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
	"Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"styles.xml\"/>"
	"</Relationships>";
static const char workbook[] =
	"<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/>"
	"</sheets></workbook>";

/* Reads the package, writing what it gave into seen. */
static void read_once(const void *zip, size_t size, struct buf *seen)
{
	struct buf err = BUF_INIT;
	struct sheet_opts opts = { NULL, 0, 64 };
	struct xlsx_reader *x = xlsx_reader_open_mem(zip, size, &opts, &err);
	struct sheet_row row;
	uint32_t last = 0;
	int rc;

	if (!x) {
		assert(err.len);
		buf_addf(seen, "open: %s", err.s);
		buf_release(&err);
		return;
	}
	while ((rc = xlsx_reader_next(x, &row, &err)) > 0) {
		size_t i;

		assert(row.line > last);
		last = row.line;
		assert(row.nfields >= 1);
		assert(row.long_field <= row.nfields);
		assert(row.bad_field <= row.nfields);
		buf_addf(seen, "row %u %zu %zu %zu\n", (unsigned)row.line,
			 row.error_cells, row.long_field, row.bad_field);
		for (i = 0; i < row.nfields; i++) {
			assert(row.fields[i][row.lens[i]] == '\0');
			assert(row.lens[i] <= 65);
			buf_addf(seen, "%u %zu:", (unsigned)row.flags[i],
				 row.lens[i]);
			buf_add(seen, row.fields[i], row.lens[i]);
		}
	}
	assert(rc == 0 || (rc == -1 && err.len));
	buf_addf(seen, "end %d %zu %s", rc, xlsx_reader_error_cells(x),
		 err.len ? err.s : "");
	xlsx_reader_free(x);
	buf_release(&err);
}

static void read_all(const void *zip, size_t size)
{
	struct buf kept = BUF_INIT, streamed = BUF_INIT, slow = BUF_INIT;

	unsetenv("HUIFANG_TEST_XLSX_EXPAT");
	unsetenv("HUIFANG_TEST_XLSX_KEEP");
	read_once(zip, size, &kept);
	setenv("HUIFANG_TEST_XLSX_KEEP", "0", 1);
	read_once(zip, size, &streamed);
	unsetenv("HUIFANG_TEST_XLSX_KEEP");
	setenv("HUIFANG_TEST_XLSX_EXPAT", "1", 1);
	read_once(zip, size, &slow);
	unsetenv("HUIFANG_TEST_XLSX_EXPAT");
	assert(kept.len == slow.len && !memcmp(kept.s, slow.s, kept.len));
	assert(streamed.len == slow.len &&
	       !memcmp(streamed.s, slow.s, streamed.len));
	buf_release(&kept);
	buf_release(&streamed);
	buf_release(&slow);
}

static void add(zip_t *z, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, p, n, 0);
	zip_int64_t i = zip_file_add(z, name, s, ZIP_FL_OVERWRITE);

	assert(i >= 0);
	zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
}

static void from_parts(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
		"xl/styles.xml", "xl/workbook.xml",
	};
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	size_t part = 0, start = 0, i;
	char *bytes;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert(z);
	add(z, "_rels/.rels", root_rels, strlen(root_rels));
	add(z, "xl/_rels/workbook.xml.rels", wb_rels, strlen(wb_rels));
	add(z, "xl/workbook.xml", workbook, strlen(workbook));
	for (i = 0; i <= size && part < 4; i++) {
		if (i == size || data[i] == '\0') {
			add(z, names[part++], data + start, i - start);
			start = i + 1;
		}
	}
	assert(zip_close(z) == 0);
	assert(zip_source_stat(src, &st) == 0);
	bytes = malloc(st.size ? st.size : 1);
	assert(bytes);
	assert(zip_source_open(src) == 0);
	assert(zip_source_read(src, bytes, st.size) == (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	read_all(bytes, st.size);
	free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		from_parts(data + 1, size - 1);
	else
		read_all(data + 1, size - 1);
	return 0;
}
