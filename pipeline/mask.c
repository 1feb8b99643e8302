/*
 * mask.c - masking of names, phone numbers and numbers in free text.
 *
 * Works on UTF-8 byte strings; a character is never cut in half because
 * only whole characters are copied and only ASCII digits are replaced.
 */
#include <string.h>

#include "mask.h"
#include "banned.h"

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

/* Appends a run of n digits masked as first 3, stars, last 4. */
static void mask_digits(struct buf *out, const char *d, size_t n)
{
	size_t i;

	if (n < 7) {
		for (i = 0; i < n; i++)
			buf_addch(out, '*');
		return;
	}
	buf_add(out, d, 3);
	for (i = 3; i < n - 4; i++)
		buf_addch(out, '*');
	buf_add(out, d + n - 4, 4);
}

void mask_phone(struct buf *out, const char *phone)
{
	char digits[64];
	size_t n = 0;
	const char *p;

	for (p = phone; *p && n < sizeof(digits); p++)
		if (is_digit(*p))
			digits[n++] = *p;
	if (!*phone)
		return;
	if (n < 7) {
		buf_adds(out, "****");
		return;
	}
	/* 11-digit mobiles read 138****5678; longer numbers keep 3 + 4. */
	buf_add(out, digits, 3);
	buf_adds(out, "****");
	buf_add(out, digits + n - 4, 4);
}

void mask_free_text(struct buf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		if (is_digit(*p)) {
			const char *start = p;
			size_t n;

			while (is_digit(*p))
				p++;
			n = (size_t)(p - start);
			/* An 18-character ID number may end in X. */
			if (n == 17 && (*p == 'X' || *p == 'x')) {
				p++;
				n++;
			}
			if (n >= 7)
				mask_digits(out, start, n);
			else
				buf_add(out, start, n);
			continue;
		}
		buf_addch(out, *p++);
	}
}
