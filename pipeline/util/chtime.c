/*
 * chtime.c - civil-time arithmetic and timestamp parsing in China time.
 *
 * Invariants: no libc time function is called (no TZ, no locale); all
 * division of possibly negative values floors explicitly.
 */
#include <string.h>

#include "util/chtime.h"
#include "util/banned.h"

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

int64_t chtime_make(int y, int mo, int d, int h, int mi, int s)
{
	return days_from_civil(y, mo, d) * SECONDS_PER_DAY +
	       (int64_t)h * 3600 + mi * 60 + s - CHINA_OFFSET;
}

void chtime_civil(int64_t t, struct civil *c)
{
	int64_t local = t + CHINA_OFFSET;
	int64_t days = floor_div(local, SECONDS_PER_DAY);
	int64_t sec = local - days * SECONDS_PER_DAY;

	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(sec / 3600);
	c->minute = (int)(sec / 60 % 60);
	c->second = (int)(sec % 60);
	/* 1970-01-01 was a Thursday (ISO 4). */
	c->weekday = (int)(((days + 3) % 7 + 7) % 7) + 1;
}

/*
 * Folds full-width forms (U+FF01-U+FF5E) to ASCII and U+3000 to a space,
 * trims white space, and copies at most cap-1 bytes; returns the length or
 * -1 if the value does not fit (no timestamp is that long).
 */
static int fold(const char *s, size_t len, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	size_t n = 0;

	while (p < end) {
		unsigned c = *p;

		if (c == 0xEF && end - p >= 3 && (p[1] == 0xBC || p[1] == 0xBD)) {
			unsigned cp = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) |
				      (p[2] & 0x3F);

			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				c = cp - 0xFEE0;
				p += 3;
				goto put;
			}
		}
		if (c == 0xE3 && end - p >= 3 && p[1] == 0x80 && p[2] == 0x80) {
			c = ' ';
			p += 3;
			goto put;
		}
		/* NBSP and a stray BOM trim like spaces. */
		if (c == 0xC2 && end - p >= 2 && p[1] == 0xA0) {
			c = ' ';
			p += 2;
			goto put;
		}
		if (c == 0xEF && end - p >= 3 && p[1] == 0xBB && p[2] == 0xBF) {
			c = ' ';
			p += 3;
			goto put;
		}
		p++;
put:
		if (n + 1 >= cap)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	{
		size_t a = 0;

		while (a < n && (out[a] == ' ' || out[a] == '\t' ||
				 out[a] == '\r' || out[a] == '\n'))
			a++;
		while (n > a && (out[n - 1] == ' ' || out[n - 1] == '\t' ||
				 out[n - 1] == '\r' || out[n - 1] == '\n'))
			n--;
		memmove(out, out + a, n - a);
		n -= a;
		out[n] = '\0';
	}
	return (int)n;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads between min and max digits at *p; -1 if fewer than min. */
static int digits(const char **p, int min, int max)
{
	int v = 0, n = 0;

	while (n < max && is_digit(**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n < min ? -1 : v;
}

/*
 * An Excel serial: digits with an optional fraction. The fraction of a day
 * is multiplied by 86400 exactly (decimal long multiplication), so the
 * half-up rounding to the second is exact whatever the number of digits.
 */
static int parse_serial(const char *s, int64_t *out)
{
	const char *p = s;
	int64_t days = 0;
	const char *frac = NULL;
	size_t nfrac = 0;
	int64_t seconds = 0;

	if (!is_digit(*p))
		return -1;
	while (is_digit(*p)) {
		days = days * 10 + (*p - '0');
		if (days >= 2958466)
			return -1;
		p++;
	}
	if (*p == '.') {
		p++;
		frac = p;
		while (is_digit(*p))
			p++;
		nfrac = (size_t)(p - frac);
		if (!nfrac)
			return -1;
	}
	if (*p || days < 1)
		return -1;
	if (nfrac) {
		/*
		 * value = 0.f1f2...fk; product = value * 86400. Multiply the
		 * digit string by 86400 from the right; the carry out of the
		 * leftmost digit is the whole seconds, the first digit after
		 * the point decides half-up rounding.
		 */
		unsigned char prod[128] = { 0 };
		size_t k = nfrac < sizeof(prod) ? nfrac : sizeof(prod);
		uint64_t carry = 0;
		size_t i;

		for (i = k; i-- > 0;) {
			uint64_t v = (uint64_t)(frac[i] - '0') * 86400 + carry;

			prod[i] = (unsigned char)(v % 10);
			carry = v / 10;
		}
		seconds = (int64_t)carry;
		if (prod[0] >= 5)
			seconds++;
	}
	*out = (days_from_civil(1899, 12, 30) + days) * SECONDS_PER_DAY +
	       seconds - CHINA_OFFSET;
	return 0;
}

/*
 * The form nearly every export uses, "YYYY-MM-DD HH:MM:SS" (or with
 * slashes), straight from its 19 bytes: 1 when it is one, with the same
 * checks and the same result as the general parser below; 0 when the
 * text is any other form, for the general parser to judge.
 */
static int parse_common(const char *s, size_t len, int64_t *out)
{
	static const signed char digit_at[19] = {
		1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1
	};
	int v[19], y, mo, d, h, mi, sec, i;

	if (len != 19 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
	    s[10] != ' ' || s[13] != ':' || s[16] != ':')
		return 0;
	for (i = 0; i < 19; i++) {
		if (!digit_at[i])
			continue;
		if (!is_digit(s[i]))
			return 0;
		v[i] = s[i] - '0';
	}
	y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	mo = v[5] * 10 + v[6];
	d = v[8] * 10 + v[9];
	h = v[11] * 10 + v[12];
	mi = v[14] * 10 + v[15];
	sec = v[17] * 10 + v[18];
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	*out = days_from_civil(y, mo, d) * SECONDS_PER_DAY +
	       (int64_t)h * 3600 + mi * 60 + sec - CHINA_OFFSET;
	return 1;
}

/* The UTF-8 bytes of 年, 月 and 日 (SPEC §9.21). */
#define NIAN "\xe5\xb9\xb4"
#define YUE "\xe6\x9c\x88"
#define RI "\xe6\x97\xa5"

/* Steps over the literal lit at *p; 0 if it is not there. */
static int take(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n))
		return 0;
	*p += n;
	return 1;
}

/*
 * The profile-only forms of SPEC §9.21 on a value of digits alone: 14
 * digits as YYYYMMDDHHMMSS, then epoch milliseconds or seconds. With both
 * epoch forms allowed, 13 or more digits are milliseconds (1973 onwards)
 * and fewer are seconds. Returns 1 when a form applied (*out set, or -1
 * from *status on a bad calendar), 0 when none did.
 */
static int parse_digits(const char *v, size_t n, unsigned forms,
			int64_t *out, int *status)
{
	int64_t x = 0;
	size_t i;

	if ((forms & CHTIME_COMPACT) && n == 14) {
		const char *p = v;
		int y = digits(&p, 4, 4), mo = digits(&p, 2, 2),
		    d = digits(&p, 2, 2), h = digits(&p, 2, 2),
		    mi = digits(&p, 2, 2), sec = digits(&p, 2, 2);

		*status = 0;
		if (y < 1 || mo < 1 || mo > 12 || d < 1 ||
		    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
			*status = -1;
		else
			*out = chtime_make(y, mo, d, h, mi, sec);
		return 1;
	}
	if (!(forms & (CHTIME_EPOCH_S | CHTIME_EPOCH_MS)))
		return 0;
	/* 16 digits of milliseconds reach past year 9999: nothing longer. */
	if (n > 16)
		return *status = -1, 1;
	for (i = 0; i < n; i++)
		x = x * 10 + (v[i] - '0');
	*status = 0;
	if ((forms & CHTIME_EPOCH_MS) &&
	    (!(forms & CHTIME_EPOCH_S) || n >= 13))
		*out = x / 1000 + (x % 1000 >= 500);
	else
		*out = x;
	/* Up to 9999-12-31 23:59:59 China time, like every other form. */
	if (*out > chtime_make(9999, 12, 31, 23, 59, 59))
		*status = -1;
	return 1;
}

int chtime_parse(const char *s, size_t len, int64_t *out)
{
	return chtime_parse_as(s, len, 0, out, NULL);
}

int chtime_parse_as(const char *s, size_t len, unsigned forms, int64_t *out,
		    bool *date_only)
{
	char v[96];
	const char *p;
	int y, mo, d, h = 0, mi = 0, sec = 0, round_up = 0, n;
	int64_t offset = CHINA_OFFSET;
	bool cjk;

	if (date_only)
		*date_only = false;
	switch (parse_common(s, len, out)) {
	case 1:
		return 0;
	case -1:
		return -1;
	}
	if ((n = fold(s, len, v, sizeof(v))) <= 0)
		return -1;
	p = v;
	/*
	 * Digits alone: a profile's compact or epoch form, else an Excel
	 * serial (so that `20261120` stays an out-of-range serial, §8.5).
	 */
	{
		const char *q = v;
		int status;

		while (is_digit(*q))
			q++;
		if (*q == '\0' && parse_digits(v, (size_t)n, forms, out,
					       &status))
			return status;
		if (*q == '.' || *q == '\0')
			return parse_serial(v, out);
	}
	y = digits(&p, 4, 4);
	if (y < 0 || is_digit(*p))
		return -1;
	cjk = take(&p, NIAN);
	if (!cjk) {
		char sep = *p;

		if (sep != '-' && sep != '/')
			return -1;
		p++;
		mo = digits(&p, 1, 2);
		if (mo < 0 || is_digit(*p) || *p != sep)
			return -1;
		p++;
		d = digits(&p, 1, 2);
		if (d < 0 || is_digit(*p))
			return -1;
	} else {
		mo = digits(&p, 1, 2);
		if (mo < 0 || is_digit(*p) || !take(&p, YUE))
			return -1;
		d = digits(&p, 1, 2);
		if (d < 0 || is_digit(*p) || !take(&p, RI))
			return -1;
	}
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*p == ' ' || *p == 'T' || (cjk && is_digit(*p))) {
		/* 2025年11月27日10:00 is written with or without a space. */
		if (!is_digit(*p))
			p++;
		h = digits(&p, 1, 2);
		if (h < 0 || is_digit(*p) || *p != ':')
			return -1;
		p++;
		mi = digits(&p, 2, 2);
		if (mi < 0 || is_digit(*p))
			return -1;
		if (*p == ':') {
			p++;
			sec = digits(&p, 2, 2);
			if (sec < 0 || is_digit(*p))
				return -1;
			if (*p == '.') {
				p++;
				if (!is_digit(*p))
					return -1;
				round_up = *p >= '5';
				while (is_digit(*p))
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
		/* A time written the Chinese way carries no offset. */
		if (!cjk && *p == 'Z') {
			offset = 0;
			p++;
		} else if (!cjk && (*p == '+' || *p == '-')) {
			int sign = *p == '-' ? -1 : 1;
			int oh, om = 0;

			p++;
			oh = digits(&p, 2, 2);
			if (oh < 0)
				return -1;
			if (*p == ':') {
				p++;
				om = digits(&p, 2, 2);
				if (om < 0)
					return -1;
			} else if (is_digit(*p)) {
				om = digits(&p, 2, 2);
				if (om < 0)
					return -1;
			}
			if (is_digit(*p) || oh > 23 || om > 59)
				return -1;
			offset = sign * ((int64_t)oh * 3600 + om * 60);
		}
	} else if (date_only && !*p) {
		*date_only = true;
	}
	if (*p)
		return -1;
	*out = days_from_civil(y, mo, d) * SECONDS_PER_DAY +
	       (int64_t)h * 3600 + mi * 60 + sec + round_up - offset;
	return 0;
}

/* Writes n decimal digits of v (taken modulo 10^n) at p. */
static char *put_digits(char *p, int v, int n)
{
	int i;

	if (v < 0)
		v = -v;
	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

static char *put_date(char *p, const struct civil *c)
{
	/* The largest Excel serial rounds up to 10000-01-01: five digits. */
	p = put_digits(p, c->year, c->year > 9999 ? 5 : 4);
	*p++ = '-';
	p = put_digits(p, c->month, 2);
	*p++ = '-';
	return put_digits(p, c->day, 2);
}

static char *put_time(char *p, const struct civil *c)
{
	p = put_digits(p, c->hour, 2);
	*p++ = ':';
	p = put_digits(p, c->minute, 2);
	*p++ = ':';
	return put_digits(p, c->second, 2);
}

void chtime_format(int64_t t, char out[CHTIME_BUF])
{
	struct civil c;
	char *p;

	chtime_civil(t, &c);
	p = put_date(out, &c);
	*p++ = ' ';
	p = put_time(p, &c);
	*p = '\0';
}

void chtime_format_date(int64_t t, char out[CHTIME_BUF])
{
	struct civil c;

	chtime_civil(t, &c);
	*put_date(out, &c) = '\0';
}

void chtime_format_iso(int64_t t, char out[CHTIME_BUF])
{
	struct civil c;
	char *p;

	chtime_civil(t, &c);
	p = put_date(out, &c);
	*p++ = 'T';
	p = put_time(p, &c);
	memcpy(p, "+08:00", 7);
}

/* Days since the epoch of Monday of ISO week 1 of ISO year y. */
static int64_t week1_monday(int y)
{
	int64_t jan4 = days_from_civil(y, 1, 4);
	int64_t wd = ((jan4 + 3) % 7 + 7) % 7; /* Monday = 0 */

	return jan4 - wd;
}

void chtime_iso_week(int64_t t, struct iso_week *w)
{
	int64_t days = floor_div(t + CHINA_OFFSET, SECONDS_PER_DAY);
	int64_t wd = ((days + 3) % 7 + 7) % 7; /* Mon = 0 */
	int64_t thursday = days - wd + 3;
	int y, m, d;

	civil_from_days(thursday, &y, &m, &d);
	w->year = y;
	w->week = (int)((thursday - days_from_civil(y, 1, 1)) / 7 + 1);
}

int64_t chtime_week_start(struct iso_week w)
{
	int64_t monday = week1_monday(w.year) + (int64_t)(w.week - 1) * 7;

	return monday * SECONDS_PER_DAY - CHINA_OFFSET;
}

int iso_weeks_in_year(int y)
{
	return (int)((week1_monday(y + 1) - week1_monday(y)) / 7);
}

int chtime_parse_week(const char *s, struct iso_week *w)
{
	const char *p = s;
	int y, wk;

	y = digits(&p, 4, 4);
	if (y < 1 || *p != '-' || (p[1] != 'W' && p[1] != 'w'))
		return -1;
	p += 2;
	wk = digits(&p, 2, 2);
	if (wk < 1 || *p || wk > iso_weeks_in_year(y))
		return -1;
	w->year = y;
	w->week = wk;
	return 0;
}

void chtime_format_week(struct iso_week w, char out[16])
{
	char *p = put_digits(out, w.year, 4);

	*p++ = '-';
	*p++ = 'W';
	p = put_digits(p, w.week, 2);
	*p = '\0';
}

struct iso_week chtime_week_add(struct iso_week w, int n)
{
	struct iso_week r;

	chtime_iso_week(chtime_week_start(w) + (int64_t)n * SECONDS_PER_WEEK,
			&r);
	return r;
}

struct iso_week chtime_default_week(int64_t as_of)
{
	struct iso_week w;

	/* The week containing as_of started at the last Monday 00:00 at or
	 * before as_of; the report week is the one before it. */
	chtime_iso_week(as_of, &w);
	return chtime_week_add(w, -1);
}
