/*
 * test_xlsx.c - the .xlsx reader and the cell text it shares with the
 * .xls reader: packages built here with libzip, part by part, so each
 * case shows the XML it reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <cmocka.h>

#include "report/xlsxout.h"

#include "util/buf.h"
#include "input/sheet.h"
#include "input/xlsx.h"
#include "tmpdir.h"

static char root[512];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "test_xlsx");
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(root);
	return 0;
}

static const char content_types[] =
	"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats"
	".org/package/2006/content-types\"/>";
static const char root_rels[] =
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
	"openxmlformats.org/package/2006/relationships\"><Relationship "
	"Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument"
	"/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";
static const char wb_rels[] =
	"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
	"openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/worksheet\" "
	"Target=\"/xl/worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/"
	"officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
	"</Relationships>";
#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/" \
	"main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/" \
	"2006/relationships\""
static const char workbook_1900[] =
	"<workbook " NS "><workbookPr/><sheets>"
	"<sheet name=\"工单\" sheetId=\"1\" r:id=\"rId1\"/>"
	"<sheet name=\"回访\" sheetId=\"2\" r:id=\"rId2\"/>"
	"</sheets></workbook>";
static const char workbook_1904[] =
	"<workbook " NS "><workbookPr date1904=\"1\"/><sheets>"
	"<sheet name=\"工单\" sheetId=\"1\" r:id=\"rId1\"/>"
	"<sheet name=\"回访\" sheetId=\"2\" r:id=\"rId2\"/>"
	"</sheets></workbook>";
/* xf 0 General, 1 date (14), 2 custom datetime, 3 time (21), 4 [h]:mm:ss
 * (46), 5 the CJK date 31, 6 custom date-only with Chinese text. */
static const char styles[] =
	"<styleSheet " NS "><numFmts count=\"2\">"
	"<numFmt numFmtId=\"176\" formatCode=\"yyyy/m/d\\ h:mm\"/>"
	"<numFmt numFmtId=\"177\" formatCode=\"yyyy&quot;年&quot;m&quot;月"
	"&quot;d&quot;日&quot;\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"22\"/></cellStyleXfs>"
	"<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
	"<xf numFmtId=\"176\"/><xf numFmtId=\"21\"/><xf numFmtId=\"46\"/>"
	"<xf numFmtId=\"31\"/><xf numFmtId=\"177\"/></cellXfs></styleSheet>";
static const char sst[] =
	"<sst " NS " count=\"4\" uniqueCount=\"4\">"
	"<si><t>工单编号</t></si><si><t>满意度</t></si>"
	"<si><r><t>非常</t></r><r><rPr><b/></rPr><t>满意</t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ひ</t></rPh></si>"
	"<si><t xml:space=\"preserve\">line_x000D_\nbreak</t></si>"
	"</sst>";

struct part {
	const char *name;
	const char *text;
};

/* Writes a package of the given parts (NULL text: leave it out). */
static void write_zip(const char *path, const struct part *parts, size_t n)
{
	int code = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);
	size_t i;

	assert_non_null(z);
	for (i = 0; i < n; i++) {
		zip_source_t *s;

		if (!parts[i].text)
			continue;
		s = zip_source_buffer(z, parts[i].text, strlen(parts[i].text),
				      0);
		assert_non_null(s);
		assert_true(zip_file_add(z, parts[i].name, s,
					 ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static const char *book(const char *name, const char *workbook,
			const char *sheet1, const char *sheet2)
{
	static char path[640];
	struct part parts[] = {
		{ "[Content_Types].xml", content_types },
		{ "_rels/.rels", root_rels },
		{ "xl/workbook.xml", workbook },
		{ "xl/_rels/workbook.xml.rels", wb_rels },
		{ "xl/styles.xml", styles },
		{ "xl/sharedStrings.xml", sst },
		{ "xl/worksheets/sheet1.xml", sheet1 },
		{ "xl/worksheets/sheet2.xml", sheet2 },
	};

	snprintf(path, sizeof(path), "%s/%s", root, name);
	write_zip(path, parts, sizeof(parts) / sizeof(parts[0]));
	return path;
}

static char *sheet_xml(const char *rows, const char *after)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		 "<worksheet " NS "><sheetData>%s</sheetData>%s</worksheet>",
		 rows, after ? after : "");
	return buf_detach(&b, NULL);
}

static struct xlsx_reader *open_ok(const char *path,
				   const struct sheet_opts *opts)
{
	struct buf err = BUF_INIT;
	struct xlsx_reader *x = xlsx_reader_open(path, opts, &err);

	if (!x)
		fail_msg("open: %s", err.s);
	buf_release(&err);
	return x;
}

static void next(struct xlsx_reader *x, struct sheet_row *row)
{
	struct buf err = BUF_INIT;
	int rc = xlsx_reader_next(x, row, &err);

	if (rc != 1)
		fail_msg("next: %d %s", rc, err.s);
	buf_release(&err);
}

static void at_end(struct xlsx_reader *x)
{
	struct buf err = BUF_INIT;
	struct sheet_row row;

	assert_int_equal(xlsx_reader_next(x, &row, &err), 0);
	buf_release(&err);
}

static void refused(const char *path, const char *why)
{
	struct buf err = BUF_INIT;
	struct xlsx_reader *x = xlsx_reader_open(path, NULL, &err);

	assert_null(x);
	if (!strstr(err.s, why))
		fail_msg("expected '%s' in '%s'", why, err.s);
	buf_release(&err);
}

static void test_xlsx__reads_strings_numbers_booleans_and_errors(void **s)
{
	char *sheet = sheet_xml(
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
		"<c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"inlineStr\">"
		"<is><t>备注</t></is></c><c r=\"D1\" t=\"inlineStr\"><is><t>x"
		"</t></is></c></row>"
		"<row r=\"2\"><c r=\"A2\"><v>202611200001</v></c>"
		"<c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v>"
		"</c><c r=\"D2\" t=\"b\"><v>1</v></c></row>"
		"<row r=\"3\"><c r=\"A3\"><v>1.50</v></c><c r=\"B3\" t=\"e\">"
		"<v>#N/A</v></c><c r=\"C3\" t=\"str\"><f>A1</f><v>=1+1</v></c>"
		"</row>"
		"<row r=\"4\"><c r=\"A4\" s=\"0\"/></row>"
		"<row r=\"5\"><c r=\"B5\"><v>-0</v></c></row>", NULL);
	const char *path = book("basic.xlsx", workbook_1900, sheet, sheet);
	struct xlsx_reader *x = open_ok(path, NULL);
	struct sheet_row row;

	(void)s;
	assert_string_equal(xlsx_reader_sheet(x), "工单");
	next(x, &row);
	assert_int_equal(row.line, 1);
	assert_int_equal(row.nfields, 4);
	assert_string_equal(row.fields[0], "工单编号");
	assert_string_equal(row.fields[2], "备注");
	next(x, &row);
	assert_int_equal(row.line, 2);
	assert_string_equal(row.fields[0], "202611200001");
	assert_int_equal(row.flags[0], SHEET_NUMBER);
	/* Rich text joins its runs; the phonetic run is not text. */
	assert_string_equal(row.fields[1], "非常满意");
	assert_string_equal(row.fields[2], "line\r\nbreak");
	assert_string_equal(row.fields[3], "TRUE");
	next(x, &row);
	assert_int_equal(row.line, 3);
	assert_int_equal(row.nfields, 4);   /* padded to the header */
	assert_string_equal(row.fields[0], "1.5");
	assert_string_equal(row.fields[1], "");
	assert_int_equal(row.flags[1], SHEET_ERROR);
	assert_int_equal(row.error_cells, 1);
	/* A formula's cached text stays text. */
	assert_string_equal(row.fields[2], "=1+1");
	assert_string_equal(row.fields[3], "");
	/* Row 4 holds only a styled blank: not a row. */
	next(x, &row);
	assert_int_equal(row.line, 5);
	assert_string_equal(row.fields[1], "0");
	at_end(x);
	assert_int_equal(xlsx_reader_error_cells(x), 1);
	xlsx_reader_free(x);
	free(sheet);
}

static void test_xlsx__dates_follow_the_number_format(void **s)
{
	char *sheet = sheet_xml(
		"<row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c></row>"
		"<row r=\"2\"><c s=\"1\"><v>46346</v></c>"
		"<c s=\"2\"><v>46346.5868055556</v></c>"
		"<c s=\"3\"><v>0.25</v></c><c s=\"4\"><v>1.1041666667</v></c>"
		"<c s=\"5\"><v>46346.99999</v></c><c s=\"6\"><v>46346</v></c>"
		"<c s=\"1\"><v>60</v></c><c s=\"1\"><v>59</v></c>"
		"<c s=\"2\"><v>46346.999999999</v></c></row>", NULL);
	const char *p1900 = book("d1900.xlsx", workbook_1900, sheet, sheet);
	struct xlsx_reader *x = open_ok(p1900, NULL);
	struct sheet_row row;

	(void)s;
	next(x, &row);
	next(x, &row);
	assert_string_equal(row.fields[0], "2026-11-20");
	assert_int_equal(row.flags[0], SHEET_DATE);
	assert_string_equal(row.fields[1], "2026-11-20 14:05:00");
	assert_string_equal(row.fields[2], "06:00:00");
	assert_string_equal(row.fields[3], "26:30:00");
	/* A date format without a time part gives the date alone. */
	assert_string_equal(row.fields[4], "2026-11-20");
	assert_string_equal(row.fields[5], "2026-11-20");
	/* Lotus's 1900-02-29 stays impossible; the day before it is real. */
	assert_string_equal(row.fields[6], "1900-02-29");
	assert_string_equal(row.fields[7], "1900-02-28");
	/* Rounded half up to the second, into the next day. */
	assert_string_equal(row.fields[8], "2026-11-21 00:00:00");
	at_end(x);
	xlsx_reader_free(x);

	x = open_ok(book("d1904.xlsx", workbook_1904, sheet, sheet), NULL);
	next(x, &row);
	next(x, &row);
	assert_string_equal(row.fields[0], "2030-11-21");
	assert_string_equal(row.fields[1], "2030-11-21 14:05:00");
	xlsx_reader_free(x);
	free(sheet);
}

static void test_xlsx__flags_ticket_numbers_excel_could_not_hold(void **s)
{
	char *sheet = sheet_xml(
		"<row r=\"1\"><c><v>822025110000000000</v></c>"
		"<c><v>822025112000000128</v></c><c><v>8.22025112E+17</v></c>"
		"<c><v>123456789012345</v></c><c><v>0.1</v></c></row>", NULL);
	struct xlsx_reader *x = open_ok(book("ids.xlsx", workbook_1900, sheet,
					     sheet), NULL);
	struct sheet_row row;

	(void)s;
	next(x, &row);
	/* Eight significant digits: stored exactly, kept exactly. */
	assert_string_equal(row.fields[0], "822025110000000000");
	assert_int_equal(row.flags[0], SHEET_NUMBER);
	assert_string_equal(row.fields[1], "8.22025112E+17");
	assert_int_equal(row.flags[1], SHEET_NUMBER | SHEET_INEXACT);
	assert_string_equal(row.fields[2], "8.22025112E+17");
	assert_int_equal(row.flags[2], SHEET_NUMBER | SHEET_INEXACT);
	assert_string_equal(row.fields[3], "123456789012345");
	assert_int_equal(row.flags[3], SHEET_NUMBER);
	assert_string_equal(row.fields[4], "0.1");
	xlsx_reader_free(x);
	free(sheet);
}

static void test_xlsx__merged_cells_and_header_row(void **s)
{
	char *sheet = sheet_xml(
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>回访登记</t>"
		"</is></c></row>"
		"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c>"
		"<c r=\"B2\" t=\"inlineStr\"><is><t>服务中心</t></is></c></row>"
		"<row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"B3\" "
		"t=\"inlineStr\"><is><t>东区</t></is></c></row>"
		"<row r=\"4\"><c r=\"A4\"><v>2</v></c></row>"
		"<row r=\"5\"><c r=\"A5\"><v>3</v></c></row>",
		"<mergeCells count=\"2\"><mergeCell ref=\"A1:D1\"/>"
		"<mergeCell ref=\"B3:B5\"/></mergeCells>");
	const char *path = book("ledger.xlsx", workbook_1900, sheet, sheet);
	struct sheet_opts opts = { NULL, 2, 0 };
	struct xlsx_reader *x = open_ok(path, &opts);
	struct sheet_row row;

	(void)s;
	next(x, &row);
	assert_int_equal(row.line, 2);
	assert_int_equal(row.nfields, 2);
	assert_string_equal(row.fields[0], "工单编号");
	next(x, &row);
	assert_string_equal(row.fields[1], "东区");
	next(x, &row);
	assert_int_equal(row.line, 4);
	assert_string_equal(row.fields[1], "东区");
	next(x, &row);
	assert_string_equal(row.fields[1], "东区");
	at_end(x);
	xlsx_reader_free(x);

	/* Without header_row the merged title is the header. */
	x = open_ok(path, NULL);
	next(x, &row);
	assert_int_equal(row.line, 1);
	assert_int_equal(row.nfields, 4);
	assert_string_equal(row.fields[3], "回访登记");
	xlsx_reader_free(x);
	free(sheet);
}

/*
 * The sheet's fast path reads rows 1-3 (entities, a character reference,
 * a self-closing cell, a merged range begun), then meets a comment,
 * which it does not read: expat reads the sheet again from its start
 * and gives rows 4 and 5 only, the merged value still given down, and
 * the error cell counted once.
 */
static void test_xlsx__the_fast_path_hands_over_to_expat(void **s)
{
	char *sheet = sheet_xml(
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a&amp;b"
		"&#x4E1C;&lt;</t></is></c><c r=\"B1\" t='inlineStr'><is><t>"
		"中心</t></is></c></row>\n"
		"<row r=\"2\"><c r=\"A2\"><v>2</v></c><c r=\"B2\" "
		"t=\"inlineStr\"><is><t>东区</t></is></c></row>"
		"<row r=\"3\"><c r=\"A3\" t=\"e\"><v>#N/A</v></c>"
		"<c r=\"B3\"/></row><!-- a note -->"
		"<row r=\"4\"><c r=\"A4\"><v>4</v></c></row>"
		"<row r=\"5\"><c r=\"A5\"><v>5</v></c></row>",
		"<mergeCells count=\"1\"><mergeCell ref=\"B2:B5\"/>"
		"</mergeCells>");
	const char *path = book("handover.xlsx", workbook_1900, sheet, sheet);
	struct xlsx_reader *x = open_ok(path, NULL);
	struct sheet_row row;
	uint32_t line;

	(void)s;
	next(x, &row);
	assert_int_equal(row.line, 1);
	assert_string_equal(row.fields[0], "a&b东<");
	assert_string_equal(row.fields[1], "中心");
	next(x, &row);
	assert_string_equal(row.fields[1], "东区");
	next(x, &row);
	assert_int_equal(row.line, 3);
	assert_string_equal(row.fields[1], "东区");
	for (line = 4; line <= 5; line++) {
		next(x, &row);
		assert_int_equal(row.line, line);
		assert_string_equal(row.fields[1], "东区");
	}
	at_end(x);
	assert_int_equal(xlsx_reader_error_cells(x), 1);
	xlsx_reader_free(x);
	free(sheet);
}

static void test_xlsx__reads_the_sheet_a_profile_names(void **s)
{
	char *one = sheet_xml("<row><c t=\"inlineStr\"><is><t>one</t></is>"
			      "</c></row>", NULL);
	char *two = sheet_xml("<row><c t=\"inlineStr\"><is><t>two</t></is>"
			      "</c></row>", NULL);
	const char *path = book("two.xlsx", workbook_1900, one, two);
	struct sheet_opts opts = { "回访", 0, 0 };
	struct xlsx_reader *x = open_ok(path, &opts);
	struct sheet_row row;
	struct buf err = BUF_INIT;

	(void)s;
	next(x, &row);
	assert_string_equal(row.fields[0], "two");
	xlsx_reader_free(x);
	opts.sheet = "Sheet9";
	assert_null(xlsx_reader_open(path, &opts, &err));
	assert_string_equal(err.s, "the workbook has no sheet named 'Sheet9' "
			    "(it has '工单', '回访')");
	buf_release(&err);
	free(one);
	free(two);
}

static void test_xlsx__refuses_hostile_packages(void **s)
{
	char *good = sheet_xml("<row><c><v>1</v></c></row>", NULL);
	char path[640];
	char *zeros = calloc(1, 8 << 20);
	struct buf err = BUF_INIT;
	struct xlsx_reader *x;
	struct sheet_row row;
	FILE *fp;

	(void)s;
	memset(zeros, ' ', 8 << 20);
	{
		struct part parts[] = {
			{ "_rels/.rels", root_rels },
			{ "xl/workbook.xml", workbook_1900 },
			{ "xl/_rels/workbook.xml.rels", wb_rels },
			{ "xl/worksheets/sheet1.xml", good },
			{ "../evil.xml", "x" },
		};

		snprintf(path, sizeof(path), "%s/path.xlsx", root);
		write_zip(path, parts, 5);
		refused(path, "climbs out with '..': '../evil.xml'");
	}
	{
		struct part parts[] = {
			{ "_rels/.rels", root_rels },
			{ "xl/workbook.xml", workbook_1900 },
			{ "xl/_rels/workbook.xml.rels", wb_rels },
			{ "xl/worksheets/sheet1.xml", zeros },
		};

		zeros[(8 << 20) - 1] = '\0';
		snprintf(path, sizeof(path), "%s/bomb.xlsx", root);
		write_zip(path, parts, 4);
		refused(path, "more than 100 to 1 (a zip bomb?)");
	}
	{
		struct part parts[] = {
			{ "_rels/.rels", root_rels },
			{ "xl/_rels/workbook.xml.rels", wb_rels },
		};

		snprintf(path, sizeof(path), "%s/missing.xlsx", root);
		write_zip(path, parts, 2);
		refused(path, "the workbook has no part xl/workbook.xml");
	}
	{
		struct part parts[] = {
			{ "_rels/.rels", root_rels },
			{ "xl/workbook.xml", "<!DOCTYPE x [<!ENTITY a \"aa\">]>"
			  "<workbook/>" },
			{ "xl/_rels/workbook.xml.rels", wb_rels },
		};

		snprintf(path, sizeof(path), "%s/doctype.xlsx", root);
		write_zip(path, parts, 3);
		refused(path, "xl/workbook.xml: a DOCTYPE is not allowed");
	}
	snprintf(path, sizeof(path), "%s/text.xlsx", root);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("工单编号,满意度\n", fp);
	fclose(fp);
	refused(path, "not a readable .xlsx package");

	/* Broken in the middle: the rows before it, then the reason. */
	free(good);
	good = sheet_xml("<row r=\"1\"><c><v>1</v></c></row>\n"
			 "<row r=\"2\"><c><v>2</v></c></row>\n<row r=\"3\"><c>"
			 "<v>3</v></c></rowx>", NULL);
	x = open_ok(book("broken.xlsx", workbook_1900, good, good), NULL);
	next(x, &row);
	next(x, &row);
	assert_int_equal(xlsx_reader_next(x, &row, &err), -1);
	assert_non_null(strstr(err.s, "xl/worksheets/sheet1.xml:3:"));
	assert_non_null(strstr(err.s, "malformed XML: mismatched tag"));
	assert_int_equal(xlsx_reader_next(x, &row, &err), -1);
	xlsx_reader_free(x);
	buf_release(&err);
	free(good);
	free(zeros);
}

static void test_sheet__classifies_number_formats(void **s)
{
	(void)s;
	assert_int_equal(sheet_builtin_numfmt(0), NUMFMT_NUMBER);
	assert_int_equal(sheet_builtin_numfmt(14), NUMFMT_DATE);
	assert_int_equal(sheet_builtin_numfmt(22), NUMFMT_DATETIME);
	assert_int_equal(sheet_builtin_numfmt(20), NUMFMT_TIME);
	assert_int_equal(sheet_builtin_numfmt(46), NUMFMT_DURATION);
	assert_int_equal(sheet_builtin_numfmt(57), NUMFMT_DATE);
	assert_int_equal(sheet_builtin_numfmt(49), NUMFMT_NUMBER);
	assert_int_equal(sheet_custom_numfmt("General"), NUMFMT_NUMBER);
	assert_int_equal(sheet_custom_numfmt("0.00E+00"), NUMFMT_NUMBER);
	assert_int_equal(sheet_custom_numfmt("#,##0.00;[Red]-#,##0.00"),
			 NUMFMT_NUMBER);
	assert_int_equal(sheet_custom_numfmt("\"d\"0"), NUMFMT_NUMBER);
	assert_int_equal(sheet_custom_numfmt("yyyy-mm-dd"), NUMFMT_DATE);
	assert_int_equal(sheet_custom_numfmt("[$-804]yyyy\"年\"m\"月\"d\"日\""),
			 NUMFMT_DATE);
	assert_int_equal(sheet_custom_numfmt("yyyy/m/d h:mm AM/PM"),
			 NUMFMT_DATETIME);
	assert_int_equal(sheet_custom_numfmt("h:mm AM/PM"), NUMFMT_TIME);
	assert_int_equal(sheet_custom_numfmt("mm:ss"), NUMFMT_TIME);
	assert_int_equal(sheet_custom_numfmt("[h]:mm"), NUMFMT_DURATION);
	assert_int_equal(sheet_custom_numfmt("m\"月\""), NUMFMT_DATE);
}

static void test_sheet__names_cells_like_excel(void **s)
{
	char name[SHEET_CELL_NAME];
	uint32_t col, row;

	(void)s;
	sheet_cell_name(name, 2, 12);
	assert_string_equal(name, "C12");
	sheet_cell_name(name, 26, 1);
	assert_string_equal(name, "AA1");
	sheet_cell_name(name, SHEET_MAX_COLUMNS - 1, SHEET_MAX_ROWS);
	assert_string_equal(name, "XFD1048576");
	assert_int_equal(sheet_parse_ref("$AB$7", &col, &row), 0);
	assert_int_equal(col, 27);
	assert_int_equal(row, 7);
	assert_int_equal(sheet_parse_ref("XFE1", &col, &row), -1);
	assert_int_equal(sheet_parse_ref("A0", &col, &row), -1);
	assert_int_equal(sheet_parse_ref("A1048577", &col, &row), -1);
}

/*
 * Regression: a CJK sheet name lost a character whose code point's low
 * byte is one of Excel's forbidden []:*?/\ (未 is U+672A: '*').
 */
static void test_xlsxout__keeps_cjk_sheet_names(void **s)
{
	struct buf out = BUF_INIT;

	(void)s;
	xlsxout_sheet_name_for(&out, "未闭环", NULL, 0);
	assert_string_equal(out.s, "未闭环");
	buf_reset(&out);
	xlsxout_sheet_name_for(&out, "a*b[c]", NULL, 0);
	assert_string_equal(out.s, "a_b_c_");
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx__reads_strings_numbers_booleans_and_errors),
		cmocka_unit_test(test_xlsx__dates_follow_the_number_format),
		cmocka_unit_test(test_xlsx__flags_ticket_numbers_excel_could_not_hold),
		cmocka_unit_test(test_xlsx__merged_cells_and_header_row),
		cmocka_unit_test(test_xlsx__the_fast_path_hands_over_to_expat),
		cmocka_unit_test(test_xlsx__reads_the_sheet_a_profile_names),
		cmocka_unit_test(test_xlsx__refuses_hostile_packages),
		cmocka_unit_test(test_sheet__classifies_number_formats),
		cmocka_unit_test(test_sheet__names_cells_like_excel),
		cmocka_unit_test(test_xlsxout__keeps_cjk_sheet_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
