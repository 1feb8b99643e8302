/*
 * period.h - report periods: ISO weeks, calendar months and quarters, all
 * in China time (SPEC §9.30).
 *
 * A period is a value: { kind, year, n } with n the ISO week (1-53), the
 * month (1-12) or the quarter (1-4); a week's year is its ISO year. Every
 * stage that works over "the report week" works over a period, and a week
 * is simply the period of kind PERIOD_WEEK, so the metrics, the issue
 * policy and the renderers have one code path for the three kinds.
 *
 *   struct period p;
 *   period_parse("2026-Q4", &p);           -- or period_of(t, PERIOD_MONTH)
 *   period_start(p), period_end(p);        -- [start, end), instants
 *   period_format(p, id);                  -- "2026-W47", "2026-11", "2026-Q4"
 *   period_add(p, -1);                     -- the period before, same kind
 *
 * Nothing here allocates; the functions are pure arithmetic over chtime.h.
 */
#ifndef HUIFANG_PERIOD_H
#define HUIFANG_PERIOD_H

#include <stdbool.h>
#include <stdint.h>

#include "util/chtime.h"

enum period_kind { PERIOD_WEEK, PERIOD_MONTH, PERIOD_QUARTER };
#define PERIOD_KINDS 3

struct period {
	enum period_kind kind;
	int year;    /* the ISO year for a week, else the calendar year */
	int n;       /* week 1-53, month 1-12, quarter 1-4 */
};

/* "2026-W47" is 8 bytes; 16 leaves room for any int year. */
#define PERIOD_ID_SIZE 16

/* "week", "month", "quarter": the kind as artifacts write it. */
const char *period_kind_name(enum period_kind kind);

/*
 * Parses "YYYY-Www" (an existing ISO week), "YYYY-MM" (01-12) or
 * "YYYY-Qn" (1-4), years 1970-9999, nothing before or after. 0, or -1
 * when s is none of them.
 */
int period_parse(const char *s, struct period *p);
void period_format(struct period p, char out[PERIOD_ID_SIZE]);

/* The first instant of p (Monday 00:00, the 1st 00:00) and the first
 * instant after it, China time. */
int64_t period_start(struct period p);
int64_t period_end(struct period p);

/* The period of kind containing instant t. */
struct period period_of(int64_t t, enum period_kind kind);
/* The period k periods after p (k may be negative), of p's kind. */
struct period period_add(struct period p, int k);
/* A consecutive number: period_index(period_add(p, k)) ==
 * period_index(p) + k. */
int64_t period_index(struct period p);
bool period_equal(struct period a, struct period b);

struct period period_from_week(struct iso_week w);
/* The ISO week of a week period (a month or quarter gives its first
 * day's week, which callers of weeks alone never ask for). */
struct iso_week period_week(struct period p);

/*
 * How many periods a trend shows, the report period last: 8 weeks, 12
 * months, 4 quarters (a year of months or quarters: docs/periods.md).
 */
unsigned period_trend_len(enum period_kind kind);
/* How many periods before the report one "the prior average" pools:
 * 4 weeks, 3 months, 3 quarters. */
unsigned period_compare_len(enum period_kind kind);

#endif
