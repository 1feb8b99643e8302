/*
 * mask.c - masking of names, phone numbers and numbers in free text.
 *
 * Works on UTF-8 byte strings; a character is never cut in half because
 * only whole characters are copied and only digit characters (ASCII or
 * full-width) are replaced, each by one '*'.
 */
#include <stdbool.h>
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

/* True when name starts with a compound surname. */
static bool compound_surname(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(compound_surnames) / sizeof(*compound_surnames);
	     i++)
		if (!strncmp(name, compound_surnames[i],
			     strlen(compound_surnames[i])))
			return true;
	return false;
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

/*
 * How many leading digits a number of n digits shows: 3 for 11 or more (a
 * mobile reads 138****5678, as SPEC §6 says), none for shorter ones (a
 * landline's 8 digits would otherwise show 7). The last 4 always show.
 */
static size_t shown_head(size_t n)
{
	return n >= 11 ? 3 : 0;
}

/*
 * Appends the number from p to end, whose digit characters (an ID's
 * final X counts as one) number n >= 7: digits outside the first
 * shown_head(n) and the last 4 become '*'; separators are copied.
 */
static void mask_digits(struct buf *out, const char *p, size_t n,
			const char *end)
{
	size_t i = 0, k, head = shown_head(n);

	while (p < end) {
		k = digit_len(p);
		if (!k && (*p == 'X' || *p == 'x'))
			k = 1;
		if (!k) {
			buf_addch(out, *p++);
			continue;
		}
		if (i < head || i >= n - 4)
			buf_add(out, p, k);
		else
			buf_addch(out, '*');
		p += k;
		i++;
	}
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
	/*
	 * 11-digit mobiles read 138****5678, longer numbers keep 3 + 4;
	 * a landline without its area code (87654321) shows its last 4.
	 */
	buf_add(out, d, shown_head(n));
	buf_adds(out, "****");
	buf_add(out, d + n - 4, 4);
}

/*
 * A number written in groups: runs of digits joined by one separator,
 * ' ' or '-', the same throughout, 11 or more digits in all; the last
 * group of an 18-character ID may end in X. So 138-1234-5678, 139 8765
 * 4321, 110105 19491231 0037 and 0851-12345678 are one number each, while
 * dates (2026-11-20) and mixed separators (138-1234 5678) are not.
 * Returns the byte length of the whole number at p with its digit count
 * in *n, or 0.
 */
static size_t grouped_number(const char *p, size_t *n)
{
	const char *q = p, *end;
	size_t total = 0, groups = 0, run;
	char sep = 0;

	for (;;) {
		run = digit_run(q, &end);
		if (!run)
			break;
		total += run;
		groups++;
		q = end;
		if (total == 17 && (*q == 'X' || *q == 'x')) {
			total++;
			q++;
			break;
		}
		if (!(*q == ' ' || *q == '-') || (sep && *q != sep) ||
		    !digit_len(q + 1))
			break;
		sep = *q;
		q++;
	}
	if (groups < 2 || total < 11)
		return 0;
	/* q may sit after a separator that led nowhere: not part of it. */
	*n = total;
	return (size_t)(q - p);
}

void mask_free_text_of(struct buf *out, const char *text, const char *owner)
{
	const char *p = text;
	size_t owner_len = owner ? strlen(owner) : 0;

	/*
	 * The owner's own name, where the text repeats it, is masked as the
	 * owner column is; a one-character "name" would match too much.
	 */
	if (owner_len && utf8_char_len((const unsigned char *)owner) ==
			 owner_len)
		owner_len = 0;
	while (*p) {
		if (owner_len && !strncmp(p, owner, owner_len)) {
			mask_name(out, owner);
			p += owner_len;
			continue;
		}
		if (digit_len(p)) {
			const char *start = p, *end;
			size_t n, g = grouped_number(p, &n);

			if (g) {
				mask_digits(out, start, n, start + g);
				p = start + g;
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

void mask_free_text(struct buf *out, const char *text)
{
	mask_free_text_of(out, text, NULL);
}

/* True for a CJK ideograph of the basic block (U+4E00-U+9FFF) at p. */
static bool is_ideograph(const unsigned char *p)
{
	return p[0] >= 0xE4 && p[0] <= 0xE9 && (p[1] & 0xC0) == 0x80 &&
	       (p[2] & 0xC0) == 0x80 && (p[0] != 0xE4 || p[1] >= 0xB8);
}

/* The first character of a name and a '*' for each of the others. */
static bool mask_name_chars(struct buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t k;

	if (!*p)
		return false;
	k = utf8_char_len(p);
	buf_add(out, text, k);
	for (p += k; *p; p += utf8_char_len(p))
		buf_addch(out, '*');
	return true;
}

void mask_guess(struct buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t chars = 0;

	/*
	 * Two or three ideographs and nothing else read as a name, and so
	 * do four that start with a compound surname; longer words (东区中心,
	 * 户内维修) are not names.
	 */
	while (*p && is_ideograph(p)) {
		p += 3;
		chars++;
	}
	if (!*p && ((chars >= 2 && chars <= 3) ||
		    (chars == 4 && compound_surname(text)))) {
		mask_name_chars(out, text);
		return;
	}
	mask_free_text(out, text);
}

/* Masks one JSON string's content (or a scalar) as kind says. */
static void mask_json_value(struct buf *out, const char *text,
			    enum mask_kind kind)
{
	switch (kind) {
	case MASK_KEEP:
		buf_adds(out, text);
		break;
	case MASK_NAME:
		mask_name_chars(out, text);
		break;
	case MASK_GUESS:
		mask_guess(out, text);
		break;
	case MASK_PHONE:
	case MASK_TEXT:
		mask_free_text(out, text);
		break;
	}
}

void mask_json_text(struct buf *out, const char *text,
		    enum mask_kind (*kind_of)(const char *key, void *ctx),
		    void *ctx)
{
	struct buf value = BUF_INIT, key = BUF_INIT;
	enum mask_kind kind = MASK_GUESS;
	const char *p = text;

	while (*p) {
		const char *start = p, *q;

		if (*p != '"') {
			/*
			 * Outside strings: structure, and numbers (a phone
			 * written as one), masked as the key's values are.
			 */
			while (*p && *p != '"')
				p++;
			buf_reset(&value);
			buf_add(&value, start, (size_t)(p - start));
			if (kind == MASK_KEEP)
				buf_add(out, value.s, value.len);
			else
				mask_free_text(out, value.s);
			if (memchr(start, ',', (size_t)(p - start)) ||
			    memchr(start, '{', (size_t)(p - start)))
				kind = MASK_GUESS;
			continue;
		}
		buf_addch(out, *p++);
		start = p;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		buf_reset(&value);
		buf_add(&value, start, (size_t)(p - start));
		for (q = *p ? p + 1 : p; *q == ' ' || *q == '\t'; q++)
			;
		if (*q == ':') {
			/* A key: shown, and it says how its value is masked. */
			buf_add(out, value.s, value.len);
			buf_reset(&key);
			buf_add(&key, value.s, value.len);
			kind = kind_of ? kind_of(key.s, ctx) : MASK_GUESS;
		} else {
			mask_json_value(out, value.s, kind);
			kind = MASK_GUESS;
		}
		if (*p)
			buf_addch(out, *p++);
	}
	buf_release(&value);
	buf_release(&key);
}
