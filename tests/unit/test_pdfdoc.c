/*
 * test_pdfdoc.c - the libharu layer: font preparation, clean text (□ for
 * what the font cannot draw), widths equal to libharu's, wrapping that
 * loses no character, and failed documents that leave no file.
 *
 * Scratch files go to a directory made next to the test binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "report/pdfdoc.h"

static char scratch[4096];
static struct pdffont font;

static size_t count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void open_doc(struct pdfdoc *pd)
{
	struct buf err = BUF_INIT;

	if (pdfdoc_open(pd, &font, "test", chtime_make(2026, 11, 26, 8, 0, 0),
			&err) < 0)
		fail_msg("open: %s", err.s);
	assert_int_equal(pdfdoc_add_page(pd, PDF_PORTRAIT), 0);
	buf_release(&err);
}

static void test_pdfdoc__saves_a_document_atomically(void **state)
{
	struct pdfdoc pd;
	struct buf err = BUF_INIT, path = BUF_INIT;
	char head[5] = { 0 };
	size_t before = count_files(scratch);
	FILE *fp;

	(void)state;
	open_doc(&pd);
	assert_int_equal(pdfdoc_text(&pd, 50, 700, 12, "回访记录表 喆堃玥"), 0);
	assert_int_equal(pdfdoc_mark(&pd, 50, 650, 10, 1), 0);
	assert_int_equal(pdfdoc_rect(&pd, 50, 600, 100, 20, 0xEEEEEE, 0, 1), 0);
	assert_non_null(pdfdoc_bookmark(&pd, NULL, "张喆"));
	buf_addf(&path, "%s/a.pdf", scratch);
	if (pdfdoc_save(&pd, path.s, &err) < 0)
		fail_msg("save: %s", err.s);
	pdfdoc_close(&pd);
	fp = fopen(path.s, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, 4, fp), 4);
	fclose(fp);
	assert_string_equal(head, "%PDF");
	/* Only the document itself appeared: no temporary left behind. */
	assert_int_equal(count_files(scratch), before + 1);
	unlink(path.s);
	buf_release(&err);
	buf_release(&path);
}

static void test_pdfdoc__replaces_what_the_font_cannot_draw(void **state)
{
	struct pdfdoc pd;
	struct buf out = BUF_INIT;

	(void)state;
	open_doc(&pd);
	/* A non-BMP emoji, a private-use character without a glyph, a stray
	 * byte: three boxes; 喆堃玥 are drawable; a bell becomes a space. */
	pdfdoc_clean(&pd, "A\xf0\x9f\x98\x80" "B\xee\x80\x80" "C\xff" "D\a喆堃玥\n",
		     &out);
	assert_string_equal(out.s, "A" PDF_BOX "B" PDF_BOX "C" PDF_BOX
			    "D 喆堃玥\n");
	assert_int_equal(pd.replaced, 3);
	buf_release(&out);
	pdfdoc_close(&pd);
}

static void test_pdfdoc__measures_like_libharu(void **state)
{
	static const char *const texts[] = {
		"回访记录表", "Coverage 95.0%", "喆堃玥 a b", "",
	};
	struct pdfdoc pd;
	size_t i;

	(void)state;
	open_doc(&pd);
	HPDF_Page_SetFontAndSize(pd.page, pd.font, 9);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		float ours = pdfdoc_width(&pd, texts[i], strlen(texts[i]), 9);
		float theirs = HPDF_Page_TextWidth(pd.page, texts[i]);

		assert_true(ours - theirs < 0.01f && theirs - ours < 0.01f);
	}
	/* Nine points of CJK are nine points wide per character. */
	assert_true(pdfdoc_width(&pd, "回访", 6, 9) > 17.9f);
	pdfdoc_close(&pd);
}

static void test_pdfdoc__wraps_500_characters_without_losing_one(void **state)
{
	static const char *const alphabet[] = { "业", "主", "反", "映", "喆",
						"堃", "玥", "漏", "水", "，" };
	struct pdfdoc pd;
	struct pdf_lines lines = { 0 };
	struct buf text = BUF_INIT, joined = BUF_INIT;
	size_t i, n;

	(void)state;
	open_doc(&pd);
	for (i = 0; i < 500; i++)
		buf_adds(&text, alphabet[(i * 7) % 10]);
	n = pdfdoc_wrap(&pd, text.s, 8, 100, &lines);
	/* 100 pt at 8 pt holds 12 full-width characters: at least 42
	 * lines, a few more where a line may not start with "，". */
	assert_true(n >= 42 && n <= 50);
	for (i = 0; i < n; i++) {
		assert_true(pdfdoc_width(&pd, text.s + lines.v[i].off,
					 lines.v[i].len, 8) <= 100.0f);
		assert_true(i == 0 || memcmp(text.s + lines.v[i].off, "，", 3));
		buf_add(&joined, text.s + lines.v[i].off, lines.v[i].len);
	}
	assert_string_equal(joined.s, text.s);
	pdf_lines_release(&lines);
	buf_release(&text);
	buf_release(&joined);
	pdfdoc_close(&pd);
}

static void test_pdfdoc__wraps_latin_at_spaces_and_newlines(void **state)
{
	struct pdfdoc pd;
	struct pdf_lines lines = { 0 };
	const char *text = "leak\nfixed on site";
	float w;

	(void)state;
	open_doc(&pd);
	w = pdfdoc_width(&pd, "fixed on", 8, 10) + 1;
	assert_int_equal(pdfdoc_wrap(&pd, text, 10, w, &lines), 3);
	assert_int_equal(lines.v[0].len, 4);                /* leak */
	assert_memory_equal(text + lines.v[1].off, "fixed on", 8);
	assert_int_equal(lines.v[1].len, 8);
	assert_memory_equal(text + lines.v[2].off, "site", 4);
	lines.nr = 0;
	assert_int_equal(pdfdoc_wrap(&pd, "", 10, w, &lines), 1);
	assert_int_equal(lines.v[0].len, 0);
	pdf_lines_release(&lines);
	pdfdoc_close(&pd);
}

static void test_pdfdoc__missing_font_is_a_clean_error(void **state)
{
	struct pdffont f;
	struct buf err = BUF_INIT;
	size_t before = count_files(scratch);

	(void)state;
	assert_int_equal(pdffont_prepare(&f, "no-such-font.ttc", 0, scratch,
					 NULL, &err), -1);
	assert_non_null(strstr(err.s, "no-such-font.ttc"));
	assert_null(f.path);
	assert_int_equal(count_files(scratch), before);
	buf_reset(&err);
	/* A file that is not a font at all. */
	assert_int_equal(pdffont_prepare(&f, "Makefile", 0, scratch, NULL,
					 &err), -1);
	assert_non_null(strstr(err.s, "not a TrueType font"));
	assert_int_equal(count_files(scratch), before);
	buf_release(&err);
}

/*
 * Issue 13: libharu opens the prepared font by path, so the path must
 * name nothing another user can swap for a link or another font before
 * it is loaded: no file is ever made in the (week) folder, and the path
 * libharu gets reaches the prepared bytes whatever is planted there.
 */
static void test_pdfdoc__font_copy_is_never_in_the_folder(void **state)
{
	struct pdffont f;
	struct pdfdoc pd;
	struct buf err = BUF_INIT, planted = BUF_INIT;
	struct config cfg;
	size_t before = count_files(scratch);
	int n;

	(void)state;
	config_init(&cfg);
	if (pdffont_prepare(&f, cfg.font_path, cfg.font_index, scratch, NULL,
			    &err) < 0)
		fail_msg("%s", err.s);
	assert_true(f.unnamed);
	assert_non_null(strstr(f.path, "/proc/self/fd/"));
	assert_int_equal(count_files(scratch), before);
	/* Every name the old temporary could have had is a link now. */
	for (n = 1; n <= 3; n++) {
		buf_reset(&planted);
		buf_addf(&planted, "%s/.huifang-font.ttf.tmp-%ld-%d", scratch,
			 (long)getpid(), n);
		assert_int_equal(symlink("Makefile", planted.s), 0);
	}
	if (pdfdoc_open(&pd, &f, "font", 0, &err) < 0)
		fail_msg("%s", err.s);
	assert_int_equal(pdfdoc_add_page(&pd, PDF_PORTRAIT), 0);
	assert_int_equal(pdfdoc_text(&pd, 50, 700, 12, "回访"), 0);
	pdfdoc_close(&pd);
	pdffont_release(&f);
	for (n = 1; n <= 3; n++) {
		buf_reset(&planted);
		buf_addf(&planted, "%s/.huifang-font.ttf.tmp-%ld-%d", scratch,
			 (long)getpid(), n);
		unlink(planted.s);
	}
	assert_int_equal(count_files(scratch), before);
	config_release(&cfg);
	buf_release(&err);
	buf_release(&planted);
}

static void test_pdfdoc__subset_keeps_only_the_given_characters(void **state)
{
	static unsigned char chars[PDFFONT_CHARS_SIZE];
	struct pdffont small;
	struct pdfdoc pd;
	struct buf err = BUF_INIT, out = BUF_INIT, path = BUF_INIT;
	struct config cfg;
	struct stat st;
	float w_full, w_small;

	(void)state;
	config_init(&cfg);
	pdffont_add_chars(chars, "回访 A□");
	if (pdffont_prepare(&small, cfg.font_path, cfg.font_index, scratch,
			    chars, &err) < 0)
		fail_msg("%s", err.s);
	assert_int_equal(small.subset, 1);
	/* Five glyphs and .notdef instead of 30,000: a few kilobytes. */
	assert_int_equal(stat(small.path, &st), 0);
	assert_true(st.st_size < 20000);

	open_doc(&pd);
	w_full = pdfdoc_width(&pd, "回访 A", strlen("回访 A"), 10);
	pdfdoc_close(&pd);
	if (pdfdoc_open(&pd, &small, "subset", 0, &err) < 0)
		fail_msg("%s", err.s);
	assert_int_equal(pdfdoc_add_page(&pd, PDF_PORTRAIT), 0);
	/* Same metrics as the whole font; 喆 was not asked for: a box. */
	w_small = pdfdoc_width(&pd, "回访 A", strlen("回访 A"), 10);
	assert_true(w_full - w_small < 0.01f && w_small - w_full < 0.01f);
	pdfdoc_clean(&pd, "回访喆A", &out);
	assert_string_equal(out.s, "回访" PDF_BOX "A");
	assert_int_equal(pd.replaced, 1);
	assert_int_equal(pdfdoc_text(&pd, 50, 700, 12, "回访 A"), 0);
	buf_addf(&path, "%s/subset.pdf", scratch);
	if (pdfdoc_save(&pd, path.s, &err) < 0)
		fail_msg("%s", err.s);
	pdfdoc_close(&pd);
	assert_int_equal(stat(path.s, &st), 0);
	assert_true(st.st_size < 20000);
	unlink(path.s);
	pdffont_release(&small);
	config_release(&cfg);
	buf_release(&err);
	buf_release(&out);
	buf_release(&path);
}

static int count_pages(struct pdfdoc *pd, void *ctx)
{
	(*(int *)ctx)++;
	return pdfdoc_add_page(pd, PDF_PORTRAIT);
}

static void test_pdfdoc__table_repeats_header_and_splits_tall_rows(void **state)
{
	static const struct pdf_column cols[2] = {
		{ "序号", 30, PDF_CENTER }, { "业主意见", 60, PDF_LEFT },
	};
	struct pdfdoc pd;
	struct pdf_table t;
	struct buf text = BUF_INIT;
	const char *cells[2];
	int pages = 0;
	size_t i;

	(void)state;
	open_doc(&pd);
	memset(&t, 0, sizeof(t));
	t.pd = &pd;
	t.cols = cols;
	t.ncols = 2;
	t.x = 40;
	t.top = 800;
	t.bottom = 40;
	t.size = 10;
	t.pad = 2;
	t.header_fill = 0xEEEEEE;
	t.border = 0;
	t.new_page = count_pages;
	t.ctx = &pages;
	assert_int_equal(pdf_table_start(&t, 800), 0);
	/* 300 characters at 5 per line: 60 lines of 13 pt, more than one
	 * page holds, so the row is split over two pages. */
	for (i = 0; i < 300; i++)
		buf_adds(&text, "漏");
	cells[0] = "1";
	cells[1] = text.s;
	assert_int_equal(pdf_table_row(&t, cells, -1), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(pd.npages, 2);
	assert_true(t.y < 800 && t.y > 40);

	/* A row that fits, but not with the room it must keep after it,
	 * moves to a new page; without that room it stays. */
	t.y = 40 + 2 * 2 + 13 + 10;
	cells[1] = "漏水";
	assert_int_equal(pdf_table_row(&t, cells, -1), 0);
	assert_int_equal(pages, 1);
	t.y = 40 + 2 * 2 + 13 + 10;
	t.keep_with_next = 40;
	assert_int_equal(pdf_table_row(&t, cells, -1), 0);
	assert_int_equal(pages, 2);
	assert_true(t.keep_with_next == 0);

	/* A body too small for a single line still makes progress. */
	t.top = 60;
	t.bottom = 55;
	t.y = 60;
	cells[1] = "漏水漏水漏水漏水";
	assert_int_equal(pdf_table_row(&t, cells, -1), 0);
	assert_true(pages < 20);
	buf_release(&text);
	pdfdoc_close(&pd);
}

static void test_pdfdoc__failed_document_leaves_no_file(void **state)
{
	struct pdfdoc pd;
	struct buf err = BUF_INIT, path = BUF_INIT;
	size_t before = count_files(scratch);

	(void)state;
	open_doc(&pd);
	/* A negative line width is refused by libharu: the handler records
	 * it and every later call fails. */
	HPDF_Page_SetLineWidth(pd.page, -1);
	assert_int_not_equal(pd.error, 0);
	assert_int_equal(pdfdoc_text(&pd, 10, 10, 10, "x"), -1);
	buf_addf(&path, "%s/failed.pdf", scratch);
	assert_int_equal(pdfdoc_save(&pd, path.s, &err), -1);
	assert_non_null(strstr(err.s, "libharu error"));
	pdfdoc_close(&pd);
	assert_int_equal(count_files(scratch), before);
	buf_release(&err);
	buf_release(&path);
}

static void test_pdfdoc__unwritable_folder_names_the_path(void **state)
{
	struct pdfdoc pd;
	struct buf err = BUF_INIT, path = BUF_INIT;

	(void)state;
	open_doc(&pd);
	buf_addf(&path, "%s/missing-folder/x.pdf", scratch);
	assert_int_equal(pdfdoc_save(&pd, path.s, &err), -1);
	assert_non_null(strstr(err.s, "missing-folder/x.pdf"));
	pdfdoc_close(&pd);
	buf_release(&err);
	buf_release(&path);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pdfdoc__saves_a_document_atomically),
		cmocka_unit_test(test_pdfdoc__replaces_what_the_font_cannot_draw),
		cmocka_unit_test(test_pdfdoc__measures_like_libharu),
		cmocka_unit_test(test_pdfdoc__wraps_500_characters_without_losing_one),
		cmocka_unit_test(test_pdfdoc__wraps_latin_at_spaces_and_newlines),
		cmocka_unit_test(test_pdfdoc__missing_font_is_a_clean_error),
		cmocka_unit_test(test_pdfdoc__font_copy_is_never_in_the_folder),
		cmocka_unit_test(test_pdfdoc__subset_keeps_only_the_given_characters),
		cmocka_unit_test(test_pdfdoc__table_repeats_header_and_splits_tall_rows),
		cmocka_unit_test(test_pdfdoc__failed_document_leaves_no_file),
		cmocka_unit_test(test_pdfdoc__unwritable_folder_names_the_path),
	};
	struct config cfg;
	struct buf err = BUF_INIT;
	const char *slash = strrchr(argv[0], '/');
	int ret;

	(void)argc;
	snprintf(scratch, sizeof(scratch), "%.*s/pdfdoc-XXXXXX",
		 slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	if (!mkdtemp(scratch)) {
		perror(scratch);
		return 1;
	}
	config_init(&cfg);
	if (pdffont_prepare(&font, cfg.font_path, cfg.font_index, scratch,
			    NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.s);
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	pdffont_release(&font);
	config_release(&cfg);
	buf_release(&err);
	rmdir(scratch);
	return ret;
}
