/*
 * sheet.c - rows and cell text shared by the spreadsheet readers (see
 * sheet.h).
 *
 * Numbers are never read through the C library's locale: the decimal text
 * of a cell is checked by hand, copied when it is exact, and only turned
 * into a double (strtod, in the "C" locale huifang never leaves) when it
 * must be rounded or is a date. Dates are computed with chtime's civil
 * arithmetic, not the machine's time zone.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/sheet.h"
#include "util/chtime.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DEFAULT_MAX_FIELD 65536

struct sheet_cell {
	uint32_t col;
	uint32_t seq;           /* order of arrival, for a stable sort */
	size_t off, len;
	unsigned flags;
};

void sheet_rows_init(struct sheet_rows *r, const struct sheet_opts *opts)
{
	memset(r, 0, sizeof(*r));
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_field_bytes)
		r->opts.max_field_bytes = DEFAULT_MAX_FIELD;
	buf_init(&r->text);
}

void sheet_rows_release(struct sheet_rows *r)
{
	buf_release(&r->text);
	free(r->cells);
	free(r->fields);
	free(r->lens);
	free(r->flags);
	memset(r, 0, sizeof(*r));
}

void sheet_rows_begin(struct sheet_rows *r, uint32_t line)
{
	r->line = line;
	r->ncells = 0;
	buf_reset(&r->text);
}

void sheet_rows_cell(struct sheet_rows *r, uint32_t col, const char *text,
		     size_t len, unsigned flags)
{
	struct sheet_cell *c;
	size_t max = r->opts.max_field_bytes;

	if (len > max) {
		/* Keep one byte over the limit, cut at a character's start. */
		len = max + 1;
		while (len > 1 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	ALLOC_GROW(r->cells, r->ncells + 1, r->alloc);
	c = &r->cells[r->ncells];
	c->col = col;
	c->seq = (uint32_t)r->ncells;
	c->off = r->text.len;
	c->len = len;
	c->flags = flags;
	r->ncells++;
	buf_add(&r->text, text, len);
	buf_addch(&r->text, '\0');
}

static int cmp_cell(const void *a, const void *b)
{
	const struct sheet_cell *x = a, *y = b;

	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int sheet_rows_end(struct sheet_rows *r, struct sheet_row *out)
{
	size_t i, n = 0, last = 0, nfields;
	bool sorted = true, any = false;
	static char empty[] = "";

	for (i = 0; i < r->ncells; i++) {
		const struct sheet_cell *c = &r->cells[i];

		if (i && c->col <= r->cells[i - 1].col)
			sorted = false;
		if (c->len || (c->flags & SHEET_ERROR)) {
			any = true;
			if (c->col + 1 > last)
				last = c->col + 1;
		}
	}
	if (!any || (r->opts.header_row && r->line < r->opts.header_row))
		return 0;
	if (!sorted)
		qsort(r->cells, r->ncells, sizeof(*r->cells), cmp_cell);
	if (!r->have_header) {
		r->have_header = true;
		r->width = last;
	}
	nfields = last > r->width ? last : r->width;
	if (nfields > r->falloc) {
		r->fields = xreallocarray(r->fields, nfields, sizeof(*r->fields));
		r->lens = xreallocarray(r->lens, nfields, sizeof(*r->lens));
		r->flags = xreallocarray(r->flags, nfields, sizeof(*r->flags));
		r->falloc = nfields;
	}
	for (i = 0; i < nfields; i++) {
		r->fields[i] = empty;
		r->lens[i] = 0;
		r->flags[i] = 0;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->ncells; i++) {
		const struct sheet_cell *c = &r->cells[i];

		if (c->col >= nfields)
			continue;
		/* A later cell in the same column replaces the earlier. */
		r->fields[c->col] = r->text.s + c->off;
		r->lens[c->col] = c->len;
		r->flags[c->col] = (uint8_t)c->flags;
	}
	for (i = 0; i < nfields; i++) {
		if (r->flags[i] & SHEET_ERROR)
			out->error_cells++;
		if (!out->long_field && r->lens[i] > r->opts.max_field_bytes)
			out->long_field = i + 1;
		if (!out->bad_field && (r->flags[i] & SHEET_BAD))
			out->bad_field = i + 1;
		n++;
	}
	out->line = r->line;
	out->nfields = n;
	out->fields = r->fields;
	out->lens = r->lens;
	out->flags = r->flags;
	return 1;
}

enum sheet_numfmt sheet_builtin_numfmt(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return NUMFMT_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || id == 45 ||
	    id == 47 || id == 55 || id == 56)
		return NUMFMT_TIME;
	if (id == 22)
		return NUMFMT_DATETIME;
	if (id == 46)
		return NUMFMT_DURATION;
	return NUMFMT_NUMBER;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool prefix_nocase(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (lower((unsigned char)*s) != *p)
			return false;
	return true;
}

enum sheet_numfmt sheet_custom_numfmt(const char *code)
{
	bool date = false, time = false, month = false, elapsed = false;
	const char *s = code;

	if (prefix_nocase(s, "general") && (!s[7] || s[7] == ';'))
		return NUMFMT_NUMBER;
	/* Only the first section (positive numbers) matters. */
	for (; *s && *s != ';'; s++) {
		switch (*s) {
		case '"':
			s++;
			while (*s && *s != '"')
				s++;
			if (!*s)
				s--;
			continue;
		case '\\': case '_': case '*':
			if (s[1])
				s++;
			continue;
		case '[': {
			const char *e = strchr(s, ']');
			size_t n;

			if (!e)
				goto done;
			n = (size_t)(e - s - 1);
			if (n >= 1 && n <= 2 && (lower((unsigned char)s[1]) == 'h' ||
				lower((unsigned char)s[1]) == 'm' ||
				lower((unsigned char)s[1]) == 's') &&
			    lower((unsigned char)s[n]) == lower((unsigned char)s[1]))
				elapsed = true;
			s = e;
			continue;
		}
		default:
			break;
		}
		switch (lower((unsigned char)*s)) {
		case 'y': case 'd':
			date = true;
			break;
		case 'h': case 's':
			time = true;
			break;
		case 'm':
			month = true;
			break;
		case 'a':
			/* AM/PM and A/P are not months. */
			if (prefix_nocase(s, "am/pm"))
				s += 4;
			else if (prefix_nocase(s, "a/p"))
				s += 2;
			break;
		default:
			break;
		}
	}
done:
	if (elapsed)
		return NUMFMT_DURATION;
	if (month && !time)
		date = true;
	if (date && time)
		return NUMFMT_DATETIME;
	if (date)
		return NUMFMT_DATE;
	if (time)
		return NUMFMT_TIME;
	return NUMFMT_NUMBER;
}

/*
 * Checks that raw is a decimal number ([+-]digits[.digits][E[+-]digits])
 * and counts its significant digits. Returns 0, or -1 when it is not one.
 */
static int scan_number(const char *s, size_t n, size_t *sig, bool *exp)
{
	size_t i = 0, digits = 0, first = SIZE_MAX, last = 0, pos = 0;
	bool point = false;

	*exp = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (s[i] != '0') {
				if (first == SIZE_MAX)
					first = pos;
				last = pos;
			}
			pos++;
			digits++;
		} else if (s[i] == '.' && !point) {
			point = true;
		} else {
			break;
		}
	}
	if (!digits)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		*exp = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return -1;
	}
	if (i != n)
		return -1;
	*sig = first == SIZE_MAX ? 0 : last - first + 1;
	return 0;
}

/* The exact decimal text: no '+', no leading or trailing zeros. */
static void add_exact(struct buf *out, const char *s, size_t n)
{
	size_t start = out->len, i = 0, end = n;
	const char *dot = memchr(s, '.', n);

	if (s[0] == '+' || s[0] == '-')
		i = 1;
	if (s[0] == '-')
		buf_addch(out, '-');
	while (i + 1 < n && s[i] == '0' && s[i + 1] != '.')
		i++;
	if (dot) {
		while (end > i && s[end - 1] == '0')
			end--;
		if (end > i && s[end - 1] == '.')
			end--;
	}
	if (end == i || (s[i] == '.' && end == i + 1))
		buf_addch(out, '0');
	else if (s[i] == '.')
		buf_addch(out, '0');
	buf_add(out, s + i, end - i);
	/* "-0" is 0. */
	if (out->len == start + 2 && out->s[start] == '-' &&
	    out->s[start + 1] == '0')
		buf_setlen(out, start + 1), out->s[start] = '0';
}

/* As Excel's General format shows a number: 15 significant digits. */
static void add_general(struct buf *out, double v)
{
	if (v == 0) {
		buf_addch(out, '0');
		return;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(out, "%.0f", v);
	else
		buf_addf(out, "%.15G", v);
}

static void add_serial(struct buf *out, double v, enum sheet_numfmt fmt,
		       bool date1904)
{
	double whole = floor(v);
	int64_t days = (int64_t)whole;
	int64_t secs = (int64_t)floor((v - whole) * SECONDS_PER_DAY + 0.5);
	int y, m, d;

	if (secs >= SECONDS_PER_DAY) {
		days++;
		secs -= SECONDS_PER_DAY;
	}
	if (fmt == NUMFMT_DURATION) {
		buf_addf(out, "%lld:%02d:%02d",
			 (long long)(days * 24 + secs / 3600),
			 (int)(secs / 60 % 60), (int)(secs % 60));
		return;
	}
	if (fmt != NUMFMT_TIME) {
		if (date1904) {
			civil_from_days(days_from_civil(1904, 1, 1) + days,
					&y, &m, &d);
		} else if (days == 0) {
			/* Excel shows serial 0 as 1900-01-00; nothing parses it. */
			y = 1900, m = 1, d = 0;
		} else if (days == 60) {
			/* Lotus's 1900-02-29, which never was. */
			y = 1900, m = 2, d = 29;
		} else {
			civil_from_days(days_from_civil(1899, 12, days < 60 ?
							31 : 30) + days,
					&y, &m, &d);
		}
		buf_addf(out, "%04d-%02d-%02d", y, m, d);
		if (fmt == NUMFMT_DATE)
			return;
		buf_addch(out, ' ');
	}
	buf_addf(out, "%02d:%02d:%02d", (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60));
}

/* Serials Excel can show as dates: 0 <= v < 10000-01-01. */
static bool is_serial(double v)
{
	return isfinite(v) && v >= 0 && v < 2958466;
}

int sheet_double_text(struct buf *out, double v, enum sheet_numfmt fmt,
		      bool date1904)
{
	if (!isfinite(v))
		return -1;
	if (fmt != NUMFMT_NUMBER && is_serial(v)) {
		add_serial(out, v, fmt, date1904);
		return SHEET_DATE;
	}
	{
		char probe[64];
		bool exact;

		/* Excel holds 15 significant digits: does the double? */
		snprintf(probe, sizeof(probe), "%.15G", v);
		exact = strtod(probe, NULL) == v;
		if (exact && v == floor(v) && fabs(v) < 1e20) {
			buf_addf(out, "%.0f", v);
			return SHEET_NUMBER;
		}
		buf_adds(out, probe);
		return SHEET_NUMBER | (exact ? 0 : SHEET_INEXACT);
	}
}

int sheet_number_text(struct buf *out, const char *raw, size_t len,
		      enum sheet_numfmt fmt, bool date1904)
{
	size_t sig;
	bool exp;
	char tmp[128];
	double v;

	while (len && (*raw == ' ' || *raw == '\t' || *raw == '\n' ||
		       *raw == '\r'))
		raw++, len--;
	while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t' ||
		       raw[len - 1] == '\n' || raw[len - 1] == '\r'))
		len--;
	if (!len || len >= sizeof(tmp) || scan_number(raw, len, &sig, &exp))
		return -1;
	memcpy(tmp, raw, len);
	tmp[len] = '\0';
	v = strtod(tmp, NULL);
	if (fmt != NUMFMT_NUMBER && is_serial(v)) {
		add_serial(out, v, fmt, date1904);
		return SHEET_DATE;
	}
	if (!exp && sig <= 15) {
		add_exact(out, raw, len);
		return SHEET_NUMBER;
	}
	if (!isfinite(v))
		return -1;
	add_general(out, v);
	return SHEET_NUMBER | SHEET_INEXACT;
}

void sheet_cell_name(char out[SHEET_CELL_NAME], uint32_t col, uint32_t row)
{
	char letters[8];
	size_t n = 0, i = 0;

	col++;
	while (col && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n)
		out[i++] = letters[--n];
	snprintf(out + i, SHEET_CELL_NAME - i, "%lu", (unsigned long)row);
}

int sheet_parse_ref(const char *s, uint32_t *col, uint32_t *row)
{
	uint64_t c = 0, r = 0;
	size_t letters = 0, digits = 0;

	if (*s == '$')
		s++;
	for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++) {
		c = c * 26 + (uint64_t)(lower((unsigned char)*s) - 'a' + 1);
		if (++letters > 3)
			return -1;
	}
	if (*s == '$')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		r = r * 10 + (uint64_t)(*s - '0');
		if (++digits > 7)
			return -1;
	}
	if (*s || !letters || c > SHEET_MAX_COLUMNS || r > SHEET_MAX_ROWS ||
	    (digits && !r))
		return -1;
	*col = (uint32_t)(c - 1);
	*row = (uint32_t)r;
	return 0;
}
