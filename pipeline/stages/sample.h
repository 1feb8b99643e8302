/*
 * sample.h - the sample stage: three-level audit samples (SPEC §5).
 *
 * Calling order:
 *
 *   struct samples s;
 *   sample_init(&s);
 *   sample_draw(&m, cfg, seed, &s, &diag);       -- after metrics_compute()
 *   sample_write_json(&s, &m, &out);             -- samples.json text
 *   sample_write_csv(&s, level, &set, cfg, &out); -- one audit sheet per level
 *   sample_release(&s);
 *
 * The population of every level is the report week's called-back tickets
 * (m->tickets[] entries with a first callback) inside the level's scope.
 * Levels are drawn in config order; within a level each stratum (butler,
 * centre or all) gets n = min(N, max(minimum, ceil(rate * N))), or the
 * GB/T 2828.1 level II size, of its N tickets. Must-includes (risk signals,
 * sub-type rules) are always taken and fill n first; the rest of n goes to
 * the smallest permanent random keys, key = the first 8 bytes of
 * SHA-256(seed 0x1F level-id 0x1F ticket-number) as a big-endian integer
 * over 2^64 (docs/sampling.md). A ticket taken by an earlier level is
 * skipped by the later ones, even when a later rule would force it in.
 * The result is a pure function of (metrics, config, seed).
 *
 * Ownership: struct samples owns its arrays and strings (freed by
 * sample_release()); items point at tickets and callbacks of the ticket
 * set, which must outlive the samples.
 */
#ifndef HUIFANG_SAMPLE_H
#define HUIFANG_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "model/config.h"
#include "util/diag.h"
#include "stages/metrics.h"
#include "model/ticket.h"

enum sample_reason {
	SAMPLE_MUST_INCLUDE,   /* a risk signal or a sub-type rule forced it */
	SAMPLE_BY_KEY          /* among the stratum's smallest keys */
};

struct sample_item {
	const struct ticket *ticket;     /* into the ticket set */
	const struct callback *first;    /* its first valid callback */
	size_t stratum;                  /* index into the level's strata */
	enum sample_reason reason;
	unsigned risk;                   /* must-include risk signals hit
					  * (1u << enum anomaly_kind) */
	const struct scope_rule *rule;   /* must-include sub-type rule hit,
					  * or NULL; points into the config */
	bool followup;                   /* fake_followup hit ... */
	struct iso_week followup_week;   /* ... for a fake of this week */
	uint64_t key;                    /* the full 64-bit key */
	size_t rank;                     /* 1-based rank of the key among the
					  * stratum's N tickets */
};

struct sample_stratum {
	char *name;            /* "全部", the centre, or "centre/butler" */
	char *center;          /* NULL for STRATUM_ALL */
	char *butler;          /* NULL unless STRATUM_BUTLER */
	size_t population;     /* N: in-scope called-back tickets */
	size_t ordinary;       /* N less the must-includes */
	double quota;          /* rate x ordinary (SIZE_RATE) */
	size_t places;         /* key places: largest remainder, minimum */
	size_t n;              /* planned: must-includes + places */
	char code_letter;      /* SIZE_GB2828_II: 'A'..'Q'; else 0 */
	size_t must_include;   /* taken by a must-include rule */
	size_t by_key;         /* taken by smallest key */
	size_t taken_earlier;  /* in N but sampled by an earlier level */
};

struct sample_level {
	char *id;              /* cs_supervisor ... */
	char *label;           /* 客户服务主管 ... */
	enum stratum stratum;
	enum sample_size_method size;
	double rate;
	unsigned minimum;
	enum sample_spread spread;
	unsigned minimum_per_butler;
	size_t population;     /* sum of the strata's N */
	size_t ordinary;       /* sum of the strata's ordinary */
	size_t by_key;         /* items taken by key */
	struct sample_stratum *strata;  /* sorted by (center, butler) bytes */
	size_t nstrata;
	/*
	 * Grouped by stratum (in strata order); within a stratum the
	 * must-includes by ticket number, then the rest by key.
	 */
	struct sample_item *items;
	size_t nitems;
};

struct samples {
	struct iso_week week;
	char *seed;
	/* cfg->mask_names / mask_phones at draw time, for samples.json. */
	bool mask_names, mask_phones;
	struct sample_level *levels;    /* config order */
	size_t nlevels;
};

/*
 * A butler with a confirmed fake callback in an earlier week: his
 * callbacks are must-includes (reason fake_followup) of every level that
 * sets must_include.fake_followup. The caller owns the strings.
 */
struct sample_followup {
	const char *center;    /* as in the ticket ("" for none) */
	const char *butler;    /* never empty */
	struct iso_week week;  /* the week of the fake callback */
};

/* Empties s; allocates nothing. */
void sample_init(struct samples *s);

/*
 * Draws every level of cfg->levels over the week of m. seed NULL means
 * cfg->seed. Fills out (which must be sample_init()ed or released) and
 * returns 0; on a configuration it cannot draw with (a rate outside [0, 1],
 * an empty or repeated level id) it reports an error into d, leaves out
 * empty and returns -1. A must-include rule that lies outside its level's
 * scope can never apply and is reported as a warning. m, and the ticket
 * set it points into, must outlive out.
 */
int sample_draw(const struct metrics *m, const struct config *cfg,
		const char *seed, struct samples *out, struct diag *d);

/*
 * As sample_draw(), with the butlers under fake_followup (fu[0..nfu),
 * copied as needed), and the ticket set m was computed from (or
 * NULL), whose files' source profiles say whether a file maps 责任人:
 * only then is no_butler a must-include. The samples are a function of
 * (metrics, findings, config, seed).
 */
int sample_draw_followup(const struct metrics *m, const struct ticket_set *set,
			 const struct config *cfg, const char *seed,
			 const struct sample_followup *fu, size_t nfu,
			 struct samples *out, struct diag *d);

/* Frees everything s owns and leaves it empty. */
void sample_release(struct samples *s);

/*
 * The permanent random key of a ticket for a level: the first 8 bytes of
 * SHA-256 over the UTF-8 bytes seed, 0x1F, level_id, 0x1F, ticket, read
 * as a big-endian unsigned integer. Never fails.
 */
uint64_t sample_key(const char *seed, const char *level_id,
		    const char *ticket);
/*
 * The key as a number in [0, 1): its top 53 bits over 2^53, which is
 * key / 2^64 rounded down to a double (so it never rounds up to 1).
 */
double sample_key_unit(uint64_t key);

/*
 * n for a stratum of N tickets under the level's size rule:
 * SIZE_RATE: min(N, max(minimum, ceil(rate * N))), with rate taken to the
 * nearest millionth and the ceiling computed in integers, so that
 * ceil(0.1 * 30) is 3; SIZE_GB2828_II: min(N, max(minimum, the sample size
 * of the level II code letter for lot size N)). 0 when N is 0.
 */
size_t sample_size(const struct sampling_level *level, size_t population);

/*
 * The GB/T 2828.1 (ISO 2859-1) general inspection level II code letter
 * for lot size N ('A' for 2-8 ... 'Q' for 500001 and more; 'A' also for
 * N < 2) and its sample size (*size).
 */
char sample_gb2828_letter(size_t population, size_t *size);

/*
 * Why the stratum drew fewer than one might expect: "taken_earlier" when
 * it holds fewer than n because an earlier level took tickets it would
 * have drawn; "below_one" when its share of the rate rounded to no place
 * (and the minimum is 0); "" otherwise.
 */
const char *sample_stratum_short(const struct sample_stratum *s);

/*
 * Appends samples.json (schema huifang.samples/1, docs/sampling.md) to out:
 * week, week_start, week_end, provisional (from m), seed, and per level its
 * id, label, size rule, strata (name, center, butler, population, n, ...)
 * and items (ticket, stratum, reason, key, ..., and the ticket's details
 * the audit sheet shows, so that a renderer needs nothing else; owner and
 * phone masked as the config said at draw time). Never fails.
 */
void sample_write_json(const struct samples *s, const struct metrics *m,
		       struct buf *out);

/*
 * Appends the audit sheet of level index `level` as CSV (csvout.h: BOM,
 * CRLF, formula-neutralised) to out: a header row, then one row per item
 * in item order: the week and level id (for 'huifang audit import'), the
 * ticket's details with 内容 and the first callback's result and remark,
 * owner, phone and ID numbers in 内容 masked as cfg's audit masking says
 * (default: name and IDs masked, phone shown: the auditor calls), why it
 * was sampled, its source file and line in the set, and blank columns for
 * the auditor: 是否真实回访, 复核满意度, 问题描述, 抽查人, 抽查日期. A level
 * index out of range appends the header row only.
 */
void sample_write_csv(const struct samples *s, size_t level,
		      const struct ticket_set *set, const struct config *cfg,
		      struct buf *out);

/*
 * The same sheet filled in: findings holds SAMPLE_FINDING_COLUMNS cells
 * per item of the level, in item order (是否真实回访, 复核满意度, 问题描述,
 * 抽查人, 抽查日期; NULL cells are blank), or is NULL for a blank sheet.
 * 'huifang gen --audit' writes the sample's findings with it.
 */
#define SAMPLE_FINDING_COLUMNS 5
void sample_write_csv_filled(const struct samples *s, size_t level,
			     const struct ticket_set *set,
			     const struct config *cfg,
			     const char *const *findings, struct buf *out);

/*
 * Appends audit_sheets.json (schema huifang.audit_sheets/1, docs/audit.md),
 * the view the audit sheet PDFs are drawn from: per level and per centre
 * (byte order) the items with everything the auditor's call needs, masked
 * as cfg's audit masking says (so the file is written with the audit
 * file mode and never published), and the centre's strata with what was
 * drawn and why fewer. Never fails.
 */
void sample_write_sheets_json(const struct samples *s,
			      const struct metrics *m,
			      const struct config *cfg, struct buf *out);

#endif
