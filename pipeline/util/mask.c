/*
 * mask.c - masking of names, phone numbers and numbers in free text.
 *
 * Works on UTF-8 byte strings; a character is never cut in half because
 * only whole characters are copied and only digit characters (ASCII or
 * full-width) are replaced, each by one '*'.
 */
#include <string.h>

#include "util/mask.h"
#include "util/banned.h"

/* Chinese compound surnames (复姓) that keep two characters. */
static const char *const compound_surnames[] = {
	"欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟",
	"闻人", "夏侯", "诸葛", "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政",
	"濮阳", "公冶", "太叔", "申屠", "公孙", "慕容", "仲孙", "钟离", "长孙",
	"宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
	"公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋",
	"夹谷", "轩辕", "令狐", "段干", "百里", "呼延", "东郭", "南门", "羊舌",
	"微生", "梁丘", "左丘", "西门", "第五", "东里", "南荣", "即墨", "达奚",
	"褚师",
};

static size_t utf8_char_len(const unsigned char *p)
{
	if (*p < 0x80)
		return 1;
	if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80)
		return 2;
	if ((*p & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 &&
	    (p[2] & 0xC0) == 0x80)
		return 3;
	if ((*p & 0xF8) == 0xF0 && (p[1] & 0xC0) == 0x80 &&
	    (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80)
		return 4;
	return 1;
}

void mask_name(struct buf *out, const char *name)
{
	size_t i, len = strlen(name), keep;

	if (!len)
		return;
	for (i = 0; i < sizeof(compound_surnames) / sizeof(*compound_surnames);
	     i++) {
		size_t n = strlen(compound_surnames[i]);

		if (len > n && !strncmp(name, compound_surnames[i], n)) {
			buf_add(out, name, n);
			buf_addch(out, '*');
			return;
		}
	}
	keep = utf8_char_len((const unsigned char *)name);
	if (keep >= len) {
		/* A one-character name would be shown whole: hide it. */
		buf_addch(out, '*');
		return;
	}
	buf_add(out, name, keep);
	buf_addch(out, '*');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The byte length of the digit character at p: 1 for an ASCII digit, 3 for
 * a full-width one (U+FF10-U+FF19, as Chinese input methods type them), 0
 * for anything else.
 */
static size_t digit_len(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	if (is_digit(*p))
		return 1;
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
		return 3;
	return 0;
}

/* Skips n digit characters from p. */
static const char *skip_digits(const char *p, size_t n)
{
	while (n--)
		p += digit_len(p);
	return p;
}

/* Counts the digit characters of the run at p; *end is after the run. */
static size_t digit_run(const char *p, const char **end)
{
	size_t n = 0, k;

	while ((k = digit_len(p))) {
		p += k;
		n++;
	}
	*end = p;
	return n;
}

/* Appends a run of n digits masked as first 3, stars, last 4 (n >= 7). */
static void mask_digits(struct buf *out, const char *d, size_t n,
			const char *end)
{
	const char *p = skip_digits(d, 3);
	size_t i;

	buf_add(out, d, (size_t)(p - d));
	for (i = 3; i < n - 4; i++)
		buf_addch(out, '*');
	p = skip_digits(d, n - 4);
	buf_add(out, p, (size_t)(end - p));
}

void mask_phone(struct buf *out, const char *phone)
{
	char digits[64];
	size_t n = 0;
	const char *p, *d;

	for (p = phone; *p && n < sizeof(digits); p++)
		if (is_digit(*p))
			digits[n++] = *p;
	if (!*phone)
		return;
	if (n < 7) {
		buf_adds(out, "****");
		return;
	}
	/* +86 138 1234 5678 is the mobile 13812345678. */
	d = digits;
	if (n == 13 && d[0] == '8' && d[1] == '6' && d[2] == '1') {
		d += 2;
		n -= 2;
	}
	/* 11-digit mobiles read 138****5678; longer numbers keep 3 + 4. */
	buf_add(out, d, 3);
	buf_adds(out, "****");
	buf_add(out, d + n - 4, 4);
}

/*
 * A mobile number written in groups, 138-1234-5678 or 138 1234 5678 (one
 * separator, the same twice): returns the byte length of the whole number
 * at p, or 0. Only this shape is joined, so that dates (2026-11-20) and
 * amounts stay readable.
 */
static size_t grouped_mobile(const char *p)
{
	const char *q, *end;
	char sep;

	if (digit_run(p, &end) != 3)
		return 0;
	/* Mobile numbers start with 1 (or a full-width １). */
	if (!(*p == '1' || (digit_len(p) == 3 && (unsigned char)p[2] == 0x91)))
		return 0;
	sep = *end;
	if (sep != '-' && sep != ' ')
		return 0;
	q = end + 1;
	if (digit_run(q, &end) != 4 || *end != sep)
		return 0;
	q = end + 1;
	if (digit_run(q, &end) != 4)
		return 0;
	return (size_t)(end - p);
}

void mask_free_text(struct buf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		if (digit_len(p)) {
			const char *start = p, *end;
			size_t n, g = grouped_mobile(p);

			if (g) {
				/* Keep the groups' first and last parts. */
				const char *last = start + g;

				digit_run(start, &end);
				buf_add(out, start, (size_t)(end - start) + 1);
				buf_adds(out, "****");
				digit_run(end + 1, &end);
				buf_add(out, end, (size_t)(last - end));
				p = last;
				continue;
			}
			n = digit_run(p, &end);
			p = end;
			/* An 18-character ID number may end in X. */
			if (n == 17 && (*p == 'X' || *p == 'x')) {
				p++;
				n++;
				end = p;
			}
			if (n >= 7)
				mask_digits(out, start, n, end);
			else
				buf_add(out, start, (size_t)(end - start));
			continue;
		}
		buf_addch(out, *p++);
	}
}
