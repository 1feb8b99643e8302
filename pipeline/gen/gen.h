/*
 * gen.h - a deterministic generator of realistic ERP exports.
 *
 * 'huifang gen' and the tests use it to make input folders of any size: a
 * ticket export per ISO week (tickets-2026-W47.csv, the rows an ERP's
 * incremental export carries: every ticket that changed that week, in its
 * state at the end of the week) and one callback export (callbacks.csv, one
 * row per callback or attempt, with 回访轮次). docs/gen.md describes the
 * files and the proportions of everything in them.
 *
 * Calling order:
 *
 *   struct gen_opts o;
 *   gen_opts_init(&o);           -- defaults; set seed, weeks, ...
 *   gen_write(&o, "input", &stats, &err);
 *
 * The output is a pure function of the options: same options, same bytes,
 * on any machine (an own xoshiro256** generator seeded by splitmix64, only
 * integer arithmetic, no clock, no locale). Good rows do not depend on the
 * layout options (encoding, BOM, CRLF) nor on the bad-row rate: bad rows are
 * drawn from a stream of their own and inserted between the good ones.
 * Nothing is kept between calls; gen_write() allocates and frees its own
 * memory.
 */
#ifndef HUIFANG_GEN_H
#define HUIFANG_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/ticket.h"

enum gen_encoding {
	GEN_UTF8,
	GEN_GB18030
};

struct gen_opts {
	uint64_t seed;
	unsigned weeks;              /* 1-520: weeks of data, ending at end_week */
	unsigned tickets_per_week;   /* 1-10000000 tickets created per full week */
	struct iso_week end_week;    /* the export is taken on its Thursday 08:00 */
	enum gen_encoding encoding;
	bool bom;                    /* UTF-8 byte-order mark (UTF-8 only) */
	bool crlf;                   /* CRLF line ends instead of LF */
	uint32_t bad_rows_ppm;       /* bad rows per million rows, <= 500000 */
};

/* What gen_write() wrote; counts are rows unless said otherwise. */
struct gen_stats {
	size_t files;
	size_t ticket_rows;          /* rows of ticket exports, bad ones included */
	size_t callback_rows;        /* rows of the callback export, same */
	size_t tickets;              /* distinct tickets created */
	size_t by_type[TYPE_COUNT];  /* distinct tickets per type */
	size_t bad_rows[REJECT_REASON_COUNT]; /* injected, by SPEC §8.3 reason */
	size_t bursts;               /* groups of 3-4 callbacks in one minute */
	uint64_t bytes;              /* bytes written, all files */
};

/* Defaults: seed 1, 9 weeks of 400 tickets ending 2026-W48, UTF-8, LF. */
void gen_opts_init(struct gen_opts *o);

/*
 * The seed for a --seed text: a decimal number is itself, anything else
 * is hashed (FNV-1a 64), so "--seed huifang" works too.
 */
uint64_t gen_seed_from_text(const char *text);

/*
 * The export moment: Thursday 08:00 China time of end_week. Nothing
 * generated happens after it.
 */
int64_t gen_export_time(struct iso_week end_week);

/*
 * Writes the exports into dir (created if missing), each file atomically
 * (outfile.h). Fills *stats when not NULL. Returns 0, or -1 with the cause
 * in err ("<path>: <why>") when a file cannot be written or the options
 * are out of range; files already committed stay.
 */
int gen_write(const struct gen_opts *o, const char *dir,
	      struct gen_stats *stats, struct buf *err);

#endif
