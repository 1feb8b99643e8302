/*
 * period.c - weeks, months and quarters in China time (see period.h).
 *
 * Weeks defer to chtime.h's ISO weeks; months and quarters are civil
 * arithmetic on (year, month). period_index() numbers periods of one kind
 * consecutively (weeks by their Monday's day number / 7, months as
 * year * 12 + month - 1, quarters as year * 4 + quarter - 1), which is
 * what period_add() and the trend's bucketing rely on.
 */
#include <string.h>

#include "model/period.h"
#include "util/buf.h"
#include "util/banned.h"

static const char *const kind_names[PERIOD_KINDS] = {
	"week", "month", "quarter"
};

const char *period_kind_name(enum period_kind kind)
{
	return (unsigned)kind < PERIOD_KINDS ? kind_names[kind] : "week";
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int period_parse(const char *s, struct period *p)
{
	struct iso_week w;
	size_t len;
	int year, n;

	if (!s)
		return -1;
	len = strlen(s);
	if (len < 7 || s[4] != '-' || (year = digits(s, 4)) < 1970)
		return -1;
	if (s[5] == 'W') {
		if (chtime_parse_week(s, &w) < 0)
			return -1;
		*p = period_from_week(w);
		return 0;
	}
	if (s[5] == 'Q') {
		if (len != 7 || (n = digits(s + 6, 1)) < 1 || n > 4)
			return -1;
		p->kind = PERIOD_QUARTER;
	} else {
		if (len != 7 || (n = digits(s + 5, 2)) < 1 || n > 12)
			return -1;
		p->kind = PERIOD_MONTH;
	}
	p->year = year;
	p->n = n;
	return 0;
}

void period_format(struct period p, char out[PERIOD_ID_SIZE])
{
	struct buf b = BUF_INIT;

	switch (p.kind) {
	case PERIOD_MONTH:
		buf_addf(&b, "%04d-%02d", p.year, p.n);
		break;
	case PERIOD_QUARTER:
		buf_addf(&b, "%04d-Q%d", p.year, p.n);
		break;
	default:
		chtime_format_week(period_week(p), out);
		return;
	}
	memcpy(out, b.s, b.len < PERIOD_ID_SIZE ? b.len + 1 : PERIOD_ID_SIZE);
	out[PERIOD_ID_SIZE - 1] = '\0';
	buf_release(&b);
}

/* The first month of p (a month's own, a quarter's first). */
static int first_month(struct period p)
{
	return p.kind == PERIOD_QUARTER ? 3 * (p.n - 1) + 1 : p.n;
}

int64_t period_start(struct period p)
{
	if (p.kind == PERIOD_WEEK)
		return chtime_week_start(period_week(p));
	return chtime_make(p.year, first_month(p), 1, 0, 0, 0);
}

int64_t period_end(struct period p)
{
	if (p.kind == PERIOD_WEEK)
		return period_start(p) + SECONDS_PER_WEEK;
	return period_start(period_add(p, 1));
}

struct period period_of(int64_t t, enum period_kind kind)
{
	struct period p;
	struct iso_week w;
	struct civil c;

	if (kind == PERIOD_WEEK) {
		chtime_iso_week(t, &w);
		return period_from_week(w);
	}
	chtime_civil(t, &c);
	p.kind = kind;
	p.year = c.year;
	p.n = kind == PERIOD_QUARTER ? (c.month - 1) / 3 + 1 : c.month;
	return p;
}

int64_t period_index(struct period p)
{
	int64_t days;

	switch (p.kind) {
	case PERIOD_MONTH:
		return (int64_t)p.year * 12 + p.n - 1;
	case PERIOD_QUARTER:
		return (int64_t)p.year * 4 + p.n - 1;
	default:
		/* Monday 00:00 China time is a whole number of days after
		 * the epoch's China midnight, and Mondays are 7 apart. */
		days = (period_start(p) + CHINA_OFFSET) / SECONDS_PER_DAY;
		return (days + 3) / 7;
	}
}

struct period period_add(struct period p, int k)
{
	int64_t i, per;

	if (p.kind == PERIOD_WEEK)
		return period_from_week(chtime_week_add(period_week(p), k));
	per = p.kind == PERIOD_QUARTER ? 4 : 12;
	i = period_index(p) + k;
	p.year = (int)(i / per);
	p.n = (int)(i % per) + 1;
	return p;
}

bool period_equal(struct period a, struct period b)
{
	return a.kind == b.kind && a.year == b.year && a.n == b.n;
}

struct period period_from_week(struct iso_week w)
{
	struct period p;

	p.kind = PERIOD_WEEK;
	p.year = w.year;
	p.n = w.week;
	return p;
}

struct iso_week period_week(struct period p)
{
	struct iso_week w;

	if (p.kind != PERIOD_WEEK) {
		chtime_iso_week(period_start(p), &w);
		return w;
	}
	w.year = p.year;
	w.week = p.n;
	return w;
}

unsigned period_trend_len(enum period_kind kind)
{
	return kind == PERIOD_MONTH ? 12 : kind == PERIOD_QUARTER ? 4 : 8;
}

unsigned period_compare_len(enum period_kind kind)
{
	return kind == PERIOD_WEEK ? 4 : 3;
}
