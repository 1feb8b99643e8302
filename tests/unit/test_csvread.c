/*
 * test_csvread.c - the CSV reader: lines as sed counts them, quoted
 * newlines, line endings, BOM, encodings, limits and syntax errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "input/csvread.h"
#include "../fuzz/csv_parts.h"

static struct csv_reader *open_text(const char *text, size_t len,
				    const char *enc)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r = csv_reader_open_mem(text, len, enc, 64, &err);

	if (!r)
		fail_msg("open: %s", err.s);
	buf_release(&err);
	return r;
}

static void next(struct csv_reader *r, struct csv_record *rec)
{
	struct buf err = BUF_INIT;

	assert_int_equal(csv_reader_next(r, rec, &err), 1);
	buf_release(&err);
}

static void at_end(struct csv_reader *r)
{
	struct csv_record rec;
	struct buf err = BUF_INIT;

	assert_int_equal(csv_reader_next(r, &rec, &err), 0);
	buf_release(&err);
}

static void test_csv__reports_the_line_where_a_record_starts(void **state)
{
	/* Line 3 is blank; record 3 spans lines 4-6 by quoted newlines. */
	static const char text[] = "a,b\r\n1,2\r\n\r\n\"x\r\ny\n\",3\r\n4,5";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	assert_int_equal(rec.line, 1);
	next(r, &rec);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.fields[1], "2");
	next(r, &rec);
	assert_int_equal(rec.line, 4);
	assert_int_equal(rec.nfields, 2);
	assert_string_equal(rec.fields[0], "x\r\ny\n");
	next(r, &rec);
	assert_int_equal(rec.line, 7);
	assert_string_equal(rec.fields[1], "5");
	at_end(r);
	csv_reader_free(r);
}

static void test_csv__counts_a_lone_cr_as_a_line_end(void **state)
{
	static const char text[] = "a,b\r1,2\r\r3,4\r";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	next(r, &rec);
	assert_int_equal(rec.line, 2);
	next(r, &rec);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[0], "3");
	at_end(r);
	csv_reader_free(r);
}

static void test_csv__strips_the_bom(void **state)
{
	static const char text[] = "\xef\xbb\xbf工单编号,x\n1,2\n";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	assert_string_equal(rec.fields[0], "工单编号");
	assert_string_equal(csv_reader_encoding(r), "UTF-8");
	csv_reader_free(r);
}

static void test_csv__reads_gb18030_when_utf8_is_implausible(void **state)
{
	/* 工单编号,类型 \r\n T1,投诉 in GB18030. */
	static const char text[] = "\xb9\xa4\xb5\xa5\xb1\xe0\xba\xc5,x\r\n"
				   "T1,\xcd\xb6\xcb\xdf\r\n";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	assert_string_equal(csv_reader_encoding(r), "GB18030");
	next(r, &rec);
	assert_string_equal(rec.fields[0], "工单编号");
	next(r, &rec);
	assert_int_equal(rec.line, 2);
	assert_string_equal(rec.fields[1], "投诉");
	assert_false(rec.bad_encoding);
	csv_reader_free(r);
}

static void test_csv__flags_the_row_with_an_invalid_byte(void **state)
{
	/* Mostly valid UTF-8 (many multi-byte characters), one bad byte. */
	struct buf text = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	int i;

	(void)state;
	buf_adds(&text, "工单编号,内容\n");
	for (i = 0; i < 30; i++)
		buf_adds(&text, "T,工单工单\n");
	buf_adds(&text, "T9,ab\xff\n");
	r = open_text(text.s, text.len, NULL);
	assert_string_equal(csv_reader_encoding(r), "UTF-8");
	for (i = 0; i < 31; i++) {
		next(r, &rec);
		assert_false(rec.bad_encoding);
	}
	next(r, &rec);
	assert_int_equal(rec.line, 32);
	assert_true(rec.bad_encoding);
	assert_int_equal(rec.bad_field, 2);
	assert_int_equal(rec.bad_offset, text.len - 2);
	csv_reader_free(r);
	buf_release(&text);
}

static void test_csv__flags_a_field_over_the_limit(void **state)
{
	struct buf text = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	int i;

	(void)state;
	buf_adds(&text, "a,b,c\n1,");
	for (i = 0; i < 65; i++)
		buf_addch(&text, 'x');
	buf_adds(&text, ",3\n");
	r = open_text(text.s, text.len, NULL);
	next(r, &rec);
	assert_int_equal(rec.long_field, 0);
	next(r, &rec);
	assert_int_equal(rec.long_field, 2);
	csv_reader_free(r);
	buf_release(&text);
}

static void test_csv__quarantines_a_stray_quote_and_goes_on(void **state)
{
	static const char text[] = "a,b\n1,x\"y\n2,z\n";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	next(r, &rec);
	assert_true(rec.malformed);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.error_line, 2);
	assert_int_equal(rec.error_column, 4);
	next(r, &rec);
	assert_false(rec.malformed);
	assert_int_equal(rec.line, 3);
	assert_string_equal(rec.fields[1], "z");
	at_end(r);
	csv_reader_free(r);
}

static void test_csv__quarantines_unterminated_quote(void **state)
{
	/* The quote on line 2 never closes: only that row is lost. */
	static const char text[] = "a,b\n1,\"open\n2,z\n3,w";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	next(r, &rec);
	assert_true(rec.malformed);
	assert_int_equal(rec.line, 2);
	next(r, &rec);
	assert_false(rec.malformed);
	assert_int_equal(rec.line, 3);
	next(r, &rec);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[1], "w");
	at_end(r);
	csv_reader_free(r);
}

static void test_csv__rereads_the_lines_a_late_closing_quote_swallowed(void **state)
{
	/*
	 * The quote opened on line 2 closes on line 4 and is followed by
	 * more text there: line 2 is quarantined, lines 3 and 4 are read
	 * again as rows of their own (line 4 is then malformed by itself).
	 */
	static const char text[] = "a,b\n1,\"x\n2,z\n3,\"q\"w\n4,v\n";
	struct csv_reader *r = open_text(text, sizeof(text) - 1, NULL);
	struct csv_record rec;

	(void)state;
	next(r, &rec);
	next(r, &rec);
	assert_true(rec.malformed);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.error_line, 4);
	next(r, &rec);
	assert_false(rec.malformed);
	assert_int_equal(rec.line, 3);
	assert_string_equal(rec.fields[1], "z");
	next(r, &rec);
	assert_true(rec.malformed);
	assert_int_equal(rec.line, 4);
	next(r, &rec);
	assert_false(rec.malformed);
	assert_int_equal(rec.line, 5);
	assert_string_equal(rec.fields[1], "v");
	at_end(r);
	csv_reader_free(r);
}

static void test_csv__reads_a_file_in_blocks(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	int fd, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_csvread_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	/* Three mebibytes, so that lines cross the reader's blocks. */
	buf_adds(&text, "\xef\xbb\xbfid,text\r\n");
	for (i = 0; i < 100000; i++)
		buf_addf(&text, "%d,\"工单 %d\r\n第二行\"\r\n", i, i);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text.s, text.len), (ssize_t)text.len);
	close(fd);
	r = csv_reader_open(path, NULL, 65536, &err);
	assert_non_null(r);
	next(r, &rec);
	assert_string_equal(rec.fields[0], "id");
	for (i = 0; i < 100000; i++) {
		next(r, &rec);
		assert_int_equal(rec.line, 2 + 2 * i);
		assert_int_equal(atoi(rec.fields[0]), i);
	}
	at_end(r);
	csv_reader_free(r);
	unlink(path);
	buf_release(&text);
	buf_release(&err);
}

static void test_csv__decides_gb18030_before_the_end(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	int fd, i;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_csvread_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	/* 工单编号,内容 then 100000 rows of T<i>,投诉 in GB18030: 2.2 MB. */
	buf_adds(&text, "\xb9\xa4\xb5\xa5\xb1\xe0\xba\xc5,x\r\n");
	for (i = 0; i < 100000; i++)
		buf_addf(&text, "T%d,\xcd\xb6\xcb\xdf\r\n", i);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text.s, text.len), (ssize_t)text.len);
	close(fd);
	r = csv_reader_open(path, NULL, 65536, &err);
	assert_non_null(r);
	assert_string_equal(csv_reader_encoding(r), "GB18030");
	/* Decided after the first block of the scan, not at the end. */
	assert_true(!strncmp(csv_reader_encoding_why(r), "detected: at least ",
			     19));
	next(r, &rec);
	for (i = 0; i < 100000; i++) {
		next(r, &rec);
		assert_string_equal(rec.fields[1], "投诉");
	}
	at_end(r);
	csv_reader_free(r);
	unlink(path);
	buf_release(&text);
	buf_release(&err);
}

/* Writes text to a new temporary file; its path into path. */
static void write_temp(char *path, size_t size, const struct buf *text)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/test_csvread_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text->s, text->len), (ssize_t)text->len);
	close(fd);
}

static void test_csv__rereads_a_big_file_that_turns_out_gb18030(void **state)
{
	char path[4096];
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	int i, rc, before = 0;

	(void)state;
	/*
	 * 1.5 MB of ASCII rows, so that the first mebibyte cannot decide,
	 * then a last row of 200 bytes 0xFF: not UTF-8 by the file's counts
	 * (200 invalid, no multi-byte), known only at the end.
	 */
	buf_adds(&text, "id,text\n");
	for (i = 0; i < 150000; i++)
		buf_addf(&text, "%d,abc\n", i);
	buf_adds(&text, "last,");
	for (i = 0; i < 200; i++)
		buf_addch(&text, '\xff');
	buf_addch(&text, '\n');
	write_temp(path, sizeof(path), &text);
	r = csv_reader_open(path, NULL, 65536, &err);
	assert_non_null(r);
	assert_string_equal(csv_reader_encoding(r), "UTF-8");
	while ((rc = csv_reader_next(r, &rec, &err)) == 1)
		before++;
	/* Every record was given once as UTF-8, the bad one flagged. */
	assert_int_equal(rc, CSV_RESTART);
	assert_int_equal(before, 150002);
	assert_string_equal(csv_reader_encoding(r), "GB18030");
	assert_string_equal(csv_reader_encoding_why(r),
			    "detected: 200 invalid UTF-8 sequences");
	/* Then again from the first line, as GB18030. */
	next(r, &rec);
	assert_int_equal(rec.line, 1);
	assert_string_equal(rec.fields[0], "id");
	for (i = 0; i < 150000; i++) {
		next(r, &rec);
		assert_int_equal(rec.line, 2 + i);
		assert_int_equal(atoi(rec.fields[0]), i);
		assert_false(rec.bad_encoding);
	}
	next(r, &rec);
	assert_int_equal(rec.line, 150002);
	assert_true(rec.bad_encoding);
	assert_int_equal(rec.bad_offset, text.len - 201);
	at_end(r);
	csv_reader_free(r);
	unlink(path);
	buf_release(&text);
	buf_release(&err);
}

/*
 * The first mebibyte is counted once, when the file is opened: a bad byte
 * in it, also in a line that the block's end cuts in two, still flags its
 * record, and the count at the end is the file's.
 */
static void test_csv__flags_bad_bytes_around_the_first_block(void **state)
{
	char path[4096];
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	size_t bad_at[3], nbad = 0, k = 0;
	int i, row = 0;

	(void)state;
	buf_adds(&text, "id,text\n");
	for (i = 0; i < 120000; i++) {
		buf_addf(&text, "%d,", i);
		/*
		 * Row 10: inside the block. The row that reaches 1 MiB is
		 * padded so that its bad byte is the block's last byte and
		 * the rest of the line comes after it.
		 */
		if (nbad == 1 && text.len + 64 > (1u << 20))
			while (text.len < (1u << 20) - 4)
				buf_addch(&text, 'x');
		if (i == 10 || (nbad == 1 && text.len + 64 > (1u << 20))) {
			bad_at[nbad++] = text.len + 3;
			buf_adds(&text, "投\xff诉诉诉\n");
			continue;
		}
		if (i == 100000) {
			bad_at[nbad++] = text.len + 3;
			buf_adds(&text, "投\xfe诉\n");
			continue;
		}
		buf_adds(&text, "投诉\n");
	}
	assert_int_equal(nbad, 3);
	assert_int_equal(bad_at[1], (1u << 20) - 1);
	write_temp(path, sizeof(path), &text);
	r = csv_reader_open(path, NULL, 65536, &err);
	assert_non_null(r);
	next(r, &rec);
	while (csv_reader_next(r, &rec, &err) == 1) {
		if (rec.bad_encoding) {
			assert_true(k < 3);
			assert_int_equal(rec.bad_offset, bad_at[k]);
			assert_int_equal(rec.bad_field, 2);
			k++;
		}
		row++;
	}
	assert_int_equal(row, 120000);
	assert_int_equal(k, 3);
	assert_string_equal(csv_reader_encoding(r), "UTF-8");
	assert_string_equal(csv_reader_encoding_why(r),
			    "detected, 3 invalid sequences");
	csv_reader_free(r);
	unlink(path);
	buf_release(&text);
	buf_release(&err);
}

static void test_csv__keeps_a_big_utf8_file_with_one_bad_byte(void **state)
{
	char path[4096];
	struct buf text = BUF_INIT, err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	size_t bad_at = 0;
	int i;

	(void)state;
	buf_adds(&text, "id,text\n");
	for (i = 0; i < 60000; i++) {
		if (i == 50000) {
			buf_addf(&text, "%d,", i);
			bad_at = text.len + 3;
			buf_adds(&text, "投\xff诉\n");
		} else {
			buf_addf(&text, "%d,投诉\n", i);
		}
	}
	write_temp(path, sizeof(path), &text);
	r = csv_reader_open(path, NULL, 65536, &err);
	assert_non_null(r);
	next(r, &rec);
	for (i = 0; i < 60000; i++) {
		next(r, &rec);
		assert_int_equal(rec.line, 2 + i);
		assert_int_equal(rec.bad_encoding, i == 50000);
		if (i == 50000) {
			assert_int_equal(rec.bad_offset, bad_at);
			assert_int_equal(rec.bad_field, 2);
		} else {
			assert_string_equal(rec.fields[1], "投诉");
		}
	}
	at_end(r);
	assert_string_equal(csv_reader_encoding(r), "UTF-8");
	assert_string_equal(csv_reader_encoding_why(r),
			    "detected, 1 invalid sequences");
	csv_reader_free(r);
	unlink(path);
	buf_release(&text);
	buf_release(&err);
}

/* ---- parts (csv_plan_file): the same records as the whole file ---- */

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* csv_parts_compare(), failing the test when the readings differ. */
static int compare_parts(const char *path, uint64_t chunk)
{
	struct buf why = BUF_INIT;
	int rc = csv_parts_compare(path, chunk, &why);

	if (rc < 0)
		fail_msg("%s: %s", path, why.s);
	buf_release(&why);
	return rc;
}

static void test_csv__parts_read_as_the_whole_file_does(void **state)
{
#define TEXT(s) { s, sizeof(s) - 1 }
	static const struct {
		const char *s;
		size_t len;
	} texts[] = {
		/* quoted LF, CRLF and lone CR; "" inside quotes; CRLF ends */
		TEXT("id,text\r\n1,\"a\nb\"\r\n2,\"c\r\nd\"\r\n3,\"e\rf\"\r\n"
		     "4,\"say \"\"hi\"\"\"\r\n\r\n  \r\n5,\"\"\r\n6,x\r\n"),
		/* a BOM, lone-CR line ends, a stray quote on a first line */
		TEXT("\xef\xbb\xbfid,text\r1,ab\"c\r2,\"ok\"x\r3,\"x\ny\"\r4,z\r"),
		/* no line end at the end; an invalid byte; a NUL */
		TEXT("id,text\n1,\xff\n2,a\0b\n3,\"q\n\"\n4,last"),
		/* GB18030 (a header with invalid UTF-8) */
		TEXT("\xb9\xa4\xb5\xa5,\xc4\xda\xc8\xdd\n1,\"\xb2\xe2\n\xca\xd4\"\n"
		     "2,\xb2\xe2\xca\xd4\n3,\"\xca\xd4\"\"\"\n4,ab\"c\n5,x\n"),
	};
#undef TEXT
	/* Refused: a quote that never closes; a fault inside a record
	 * spanning lines; spaces beside a quote. */
	static const char *const refused[] = {
		"id,text\n1,a\n2,\"never\n3,b\n4,c\n",
		"id,text\n1,a\n2,\"two\nlines\"x\n3,b\n4,c\n",
		"id,text\n1,a\n2, \"sp\"\n3,b\n4,c\n",
	};
	static const uint64_t chunks[] = { 1, 5, 11, 17 };
	const char *tmp = getenv("TMPDIR");
	char path[4096], file[8192];
	size_t i, j, cut = 0, corpus = 0;
	DIR *dir;
	struct dirent *e;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_csvread_parts.csv",
		 tmp && *tmp ? tmp : P_tmpdir);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		write_file(path, texts[i].s, texts[i].len);
		for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++)
			if (compare_parts(path, chunks[j]) != 1)
				fail_msg("text %zu in parts of %llu: refused", i,
					 (unsigned long long)chunks[j]);
		cut++;
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		write_file(path, refused[i], strlen(refused[i]));
		assert_int_equal(compare_parts(path, 1), 0);
	}
	/* The fuzz target's seeds (make test runs from the top folder). */
	dir = opendir("tests/fuzz/corpus/fuzz_csv");
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "tests/fuzz/corpus/fuzz_csv/%s",
			 e->d_name);
		corpus++;
		for (j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++)
			cut += compare_parts(file, chunks[j]) == 1;
	}
	closedir(dir);
	assert_true(corpus >= 7);
	/*
	 * The seeds of more than one record are cut, but for the one with
	 * a quote that never closes (refused, read whole).
	 */
	assert_true(cut >= 4 + 12);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv__reports_the_line_where_a_record_starts),
		cmocka_unit_test(test_csv__counts_a_lone_cr_as_a_line_end),
		cmocka_unit_test(test_csv__strips_the_bom),
		cmocka_unit_test(test_csv__reads_gb18030_when_utf8_is_implausible),
		cmocka_unit_test(test_csv__flags_the_row_with_an_invalid_byte),
		cmocka_unit_test(test_csv__flags_a_field_over_the_limit),
		cmocka_unit_test(test_csv__quarantines_a_stray_quote_and_goes_on),
		cmocka_unit_test(test_csv__quarantines_unterminated_quote),
		cmocka_unit_test(test_csv__rereads_the_lines_a_late_closing_quote_swallowed),
		cmocka_unit_test(test_csv__reads_a_file_in_blocks),
		cmocka_unit_test(test_csv__rereads_a_big_file_that_turns_out_gb18030),
		cmocka_unit_test(test_csv__keeps_a_big_utf8_file_with_one_bad_byte),
		cmocka_unit_test(test_csv__flags_bad_bytes_around_the_first_block),
		cmocka_unit_test(test_csv__decides_gb18030_before_the_end),
		cmocka_unit_test(test_csv__parts_read_as_the_whole_file_does),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
