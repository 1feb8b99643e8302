/*
 * chtime.h - China time (Asia/Shanghai: UTC+8, no daylight saving).
 *
 * Every instant in huifang is an int64_t count of seconds since
 * 1970-01-01 00:00:00 UTC; TIME_NONE marks "no value". The machine's TZ
 * and locale play no part: civil dates and ISO weeks are computed here with
 * plain arithmetic (Howard Hinnant's days-from-civil algorithms).
 *
 * chtime_parse() implements SPEC §8 rule 5 exactly: full-width folding,
 * YYYY-MM-DD or YYYY/MM/DD (one- or two-digit month and day), an optional
 * time H:MM[:SS] after a space or 'T' with an optional fraction of a second
 * rounded half up, an optional offset (Z, +HH, +HHMM, +HH:MM), and Excel
 * serials 1 <= s < 2958466 on the 1899-12-30 epoch with the day fraction
 * rounded half up to the second. Calendars are strict. SPEC §9.21 adds
 * `YYYY年M月D日` with an optional time (built in), and the profile-only
 * forms that chtime_parse_as() reads when a source profile asks for them.
 */
#ifndef HUIFANG_CHTIME_H
#define HUIFANG_CHTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_NONE INT64_MIN
#define CHINA_OFFSET (8 * 3600)
#define SECONDS_PER_DAY 86400
#define SECONDS_PER_WEEK (7 * 86400)

struct civil {
	int year, month, day;      /* month 1-12, day 1-31 */
	int hour, minute, second;
	int weekday;               /* 1 = Monday ... 7 = Sunday (ISO) */
};

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);
int days_in_month(int y, int m);

/* The instant at which China's clocks read the given civil time. */
int64_t chtime_make(int y, int mo, int d, int h, int mi, int s);
/* China's civil time at instant t. */
void chtime_civil(int64_t t, struct civil *c);

/*
 * Parses len bytes of s (not necessarily NUL-terminated; surrounding white
 * space, also U+3000, is ignored). Returns 0 and sets *out, or -1 when the
 * text is not a timestamp. An empty value is -1 too: callers decide what
 * "empty" means before calling.
 */
int chtime_parse(const char *s, size_t len, int64_t *out);

/* The profile-only forms of SPEC §9.21, as bits of chtime_parse_as()'s
 * forms: they apply to a value of digits alone, which is otherwise an
 * Excel serial. */
#define CHTIME_EPOCH_S  0x1u  /* seconds since 1970-01-01 00:00:00 UTC */
#define CHTIME_EPOCH_MS 0x2u  /* milliseconds, rounded half up */
#define CHTIME_COMPACT  0x4u  /* 14 digits YYYYMMDDHHMMSS, China time */

/*
 * chtime_parse() with the profile-only forms in forms (0: none). With both
 * epoch forms, 13 or more digits are milliseconds and fewer are seconds;
 * 14 digits are YYYYMMDDHHMMSS first when CHTIME_COMPACT is set. When
 * date_only is not NULL it is set to whether the value was a written date
 * without a time (SPEC §9.24: a callback on "that day, time unknown"); the
 * instant is that day's 00:00:00 either way.
 */
int chtime_parse_as(const char *s, size_t len, unsigned forms, int64_t *out,
		    bool *date_only);

/*
 * "YYYY-MM-DD HH:MM:SS" (20 bytes with the NUL). The one instant past year
 * 9999 that parses (serial 2958465.99999..., rounded up to 10000-01-01)
 * takes a fifth year digit, so callers give these one byte more than the
 * four-digit size: CHTIME_BUF.
 */
#define CHTIME_BUF 32
void chtime_format(int64_t t, char out[CHTIME_BUF]);
/* "YYYY-MM-DD" (11 bytes with the NUL; see above). */
void chtime_format_date(int64_t t, char out[CHTIME_BUF]);
/* "YYYY-MM-DDTHH:MM:SS+08:00" (26 bytes with the NUL; see above). */
void chtime_format_iso(int64_t t, char out[CHTIME_BUF]);

/* ISO 8601 weeks, in China time. */
struct iso_week {
	int year;   /* the ISO year (%G) */
	int week;   /* 1-53 (%V) */
};

void chtime_iso_week(int64_t t, struct iso_week *w);
/* Monday 00:00 China time of the week; the week ends 7 days later. */
int64_t chtime_week_start(struct iso_week w);
/* Number of ISO weeks (52 or 53) in ISO year y. */
int iso_weeks_in_year(int y);
/* "2026-W47"; returns 0, or -1 on a malformed or nonexistent week. */
int chtime_parse_week(const char *s, struct iso_week *w);
/* "2026-W47" (9 bytes with the NUL; 10 for years past 9999 never occur). */
void chtime_format_week(struct iso_week w, char out[16]);
/* The week n weeks after w (n may be negative). */
struct iso_week chtime_week_add(struct iso_week w, int n);
/*
 * SPEC §8 rule 12: the default report week is the one that ends at the last
 * Monday 00:00 at or before as_of.
 */
struct iso_week chtime_default_week(int64_t as_of);

#endif
