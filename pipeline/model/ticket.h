/*
 * ticket.h - the data model every stage shares.
 *
 * The ingest stage fills a struct ticket_set from the exports; metrics,
 * sample and the renderers only read it. All strings and records live in
 * the set's arena and are freed together by ticket_set_release(); nothing
 * in a ticket_set is freed on its own. Strings are never NULL: an absent
 * value is "". Instants are seconds since the epoch (chtime.h), TIME_NONE
 * when absent.
 *
 * After ingest_run() returns:
 *  - tickets[] holds the accepted winner of every ticket number (SPEC §8
 *    rule 7), sorted by ticket number (byte-wise);
 *  - callbacks[] holds every distinct callback and attempt (rule 8) of those
 *    tickets, grouped by ticket in the same order as tickets[], and within a
 *    ticket ordered by (at, source, file, line) as rule 14 orders them;
 *    ticket->first_cb and ticket->n_cb give each ticket's slice;
 *  - callbacks on no accepted ticket (orphans) are counted, not kept.
 * Nothing here is filtered by as-of: that is the metrics stage's business.
 */
#ifndef HUIFANG_TICKET_H
#define HUIFANG_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

enum ticket_type {
	TYPE_UNKNOWN = -1,
	TYPE_REPAIR = 0,     /* 报事报修 */
	TYPE_COMPLAINT = 1,  /* 投诉 */
	TYPE_SPECIAL = 2,    /* 特约服务 */
	TYPE_COUNT = 3
};

/* Canonical Chinese names, indexed by enum ticket_type. */
extern const char *const ticket_type_name[TYPE_COUNT];
/* Stable ASCII keys ("repair", "complaint", "special"). */
extern const char *const ticket_type_key[TYPE_COUNT];

enum satisfaction {
	SAT_NONE = 0,              /* not rated (or an attempt) */
	SAT_VERY_DISSATISFIED = 1, /* 非常不满意, 1 star */
	SAT_DISSATISFIED = 2,      /* 不满意 */
	SAT_NEUTRAL = 3,           /* 一般 */
	SAT_SATISFIED = 4,         /* 满意 */
	SAT_VERY_SATISFIED = 5     /* 非常满意, 5 stars */
};

/* Canonical labels indexed by enum satisfaction ("" for SAT_NONE). */
extern const char *const satisfaction_name[6];
/*
 * The five labels in the order the reports list them, best first
 * (非常满意 … 非常不满意): satisfaction_scale[k] is
 * satisfaction_name[SAT_VERY_SATISFIED - k]; a NULL follows them, for the
 * lists that end at one (a drop-down's choices).
 */
extern const char *const satisfaction_scale[6];

/*
 * The risk signals of SPEC §8.18, which the metrics stage finds, the
 * sampling stage must include and the config names (sampling
 * must_include.risk_signals).
 */
enum anomaly_kind {
	ANOM_CALLBACK_BEFORE_COMPLETION,
	ANOM_CALLBACK_WITHOUT_COMPLETION,
	ANOM_CALLBACK_TOO_FAST,
	ANOM_BURST,
	ANOM_SELF_CALLBACK,
	ANOM_NO_BUTLER,
	ANOM_COUNT
};

/* "callback_before_completion", ... indexed by enum anomaly_kind: the
 * kinds' names in metrics.json, samples.json and the config. */
extern const char *const anomaly_kind_name[ANOM_COUNT];

/* Where a callback was recorded; also its rank among equal times (§8.14). */
enum callback_source {
	CB_INLINE_FIRST = 0,   /* 回访时间 … on the ticket row */
	CB_INLINE_SECOND = 1,  /* 二次回访时间 / 二次满意度 on the ticket row */
	CB_ROW = 2             /* a row of a callback export */
};

struct callback {
	int64_t at;                 /* 回访时间 (never TIME_NONE) */
	const char *recorder;       /* 回访人; "" for none (inline second) */
	const char *channel;        /* 回访方式 */
	const char *result;         /* 回访结果 */
	const char *remark;         /* 回访备注 */
	const char *satisfaction_text; /* 满意度 as written */
	int32_t round;              /* 回访轮次, 0 when absent */
	uint32_t file;              /* index into ticket_set.files */
	uint32_t line;              /* line where its record starts */
	/*
	 * The small fields last, the flags one bit each: 64 bytes, not
	 * 72, for every callback ingest holds (docs/bench.md, Memory).
	 */
	uint8_t satisfaction;       /* enum satisfaction */
	uint8_t source;             /* enum callback_source */
	bool is_attempt : 1;        /* owner not reached: not a callback */
	/*
	 * SPEC §9.24: the time was a date alone ("that day, time unknown"):
	 * at is that day's 00:00:00, and the callback sorts after the timed
	 * callbacks of its day (callback_sort_at()).
	 */
	bool date_only : 1;
	/*
	 * Issue 14: the source has no callback time and a profile's
	 * callback_time_from column stands in for it: the callback counts
	 * for coverage, not for timeliness, the median or an anomaly.
	 */
	bool stand_in : 1;
};

struct ticket {
	const char *id;         /* 工单编号, trimmed, never empty */
	const char *center;     /* 服务中心; "" if empty */
	const char *unit;       /* 楼栋房号 */
	const char *owner;      /* 业主姓名 (personal data: mask on output) */
	const char *phone;      /* 联系电话 (personal data) */
	const char *type_text;  /* 工单类型 as written */
	const char *subtype;    /* 工单子类 as written, trimmed; "" if empty */
	const char *content;    /* 内容 */
	const char *butler;     /* 责任人 */
	const char *status;     /* 工单状态 */
	const char *handler;    /* 处理人: who did the work; several people
				 * joined by HANDLER_SEPARATOR when a
				 * source profile splits the value */
	int8_t type;            /* enum ticket_type, never TYPE_UNKNOWN */
	bool cancelled;         /* status is a cancelled word (§8.10) */
	/*
	 * Where the winning record starts: file is 16 bits (MAX_INPUT_FILES),
	 * which with type and cancelled fills the 8 bytes before the times:
	 * 136 bytes, not 144, for every ticket (docs/bench.md, Memory).
	 */
	uint16_t file;
	uint32_t line;
	int64_t created_at;     /* 创建时间 */
	int64_t completed_at;   /* 完成时间 */
	int64_t updated_at;     /* 更新时间 */
	int64_t rectified_at;   /* 整改完成时间 */
	uint32_t first_cb;      /* slice of ticket_set.callbacks */
	uint32_t n_cb;
};
/* Held for every ticket and callback at ingest's peak of memory. */
_Static_assert(sizeof(void *) != 8 || (sizeof(struct ticket) <= 136 &&
				       sizeof(struct callback) <= 64),
	       "struct ticket or callback grew (docs/bench.md, Memory)");

/*
 * The most input files (a sheet read counts as one) one run reads:
 * struct ticket's file is 16 bits. More is refused before any is read
 * (ingest_read_files()).
 */
#define MAX_INPUT_FILES UINT16_MAX

/* Between the people of a split 处理人 (a byte no export text holds). */
#define HANDLER_SEPARATOR '\x1f'

enum file_kind {
	FILE_TICKETS,
	FILE_CALLBACKS,
	FILE_UNRECOGNISED
};

struct input_file {
	const char *name;       /* as listed in the input folder */
	const char *path;       /* folder + name, for messages */
	/*
	 * The sheet this entry reads when a profile asks for several
	 * (sources' sheets: one entry per sheet); NULL: the profile's sheet
	 * or the first. Once read, name and path say "book.xlsx[Sheet2]".
	 */
	const char *sheet;
	const char *disk_path;  /* the file itself, whatever the sheet */
	uint8_t kind;           /* enum file_kind */
	const char *encoding;   /* "UTF-8", "GB18030" */
	const char *why;        /* for FILE_UNRECOGNISED: the reason */
	/* The header's names as one CSV line (for rejects.csv), or NULL. */
	const char *header;
	uint64_t size;          /* bytes */
	char sha256[65];        /* hex digest of the file's bytes */
	size_t rows_read, accepted, rejected, superseded;
	size_t excluded;        /* rows a profile's value map skips */
	size_t damaged_ticket_ids; /* 8.22025E+17: accepted, counted (§9.25) */
	/* For the plausibility gates (SPEC §9.28), ticket files only: */
	size_t repeated_ids;    /* rows repeating a number earlier in the file */
	/* A damaged .xls sheet read without its BIFF records (xls.h): its
	 * merged cells may have lost their values, so the unreadable_files
	 * gate counts it (never a silent wrong number). */
	bool partly_read;
	bool changed;           /* changed while read, and again when re-read:
				 * unreadable (the command exits 66) */
};

/* SPEC §8 rule 3, in order of precedence. */
enum reject_reason {
	REJECT_FIELD_COUNT,
	REJECT_BAD_ENCODING,
	REJECT_FIELD_TOO_LONG,
	REJECT_MISSING_TICKET_ID,
	REJECT_UNKNOWN_TYPE,
	REJECT_NO_CALLBACK_TIME,
	REJECT_BAD_TIMESTAMP,
	REJECT_MALFORMED_RECORD,
	REJECT_REASON_COUNT
};

extern const char *const reject_reason_code[REJECT_REASON_COUNT];

struct reject {
	uint32_t file, line, column;  /* column: 1-based field, 0 if none */
	uint8_t reason;               /* enum reject_reason */
	const char *message;          /* readable reason, names the value */
	const char *original;         /* the record's original fields as one
				       * CSV line (valid UTF-8: invalid bytes
				       * shown as \xNN) */
	const char *masked;           /* the same with personal data masked
				       * (rejects.csv; docs/ingest.md) */
};

/* Data-quality counters gathered by ingest (metrics adds its own). */
struct ingest_quality {
	size_t orphan_callbacks;      /* callback rows on no accepted ticket */
	size_t unrated_satisfaction;  /* 满意度 text that is no label/star */
	size_t unknown_subtype;       /* sub-type not in the configured list */
	size_t superseded_tickets;    /* ticket rows that lost (§8.7) */
	size_t superseded_callbacks;  /* repeated callback identities (§8.8) */
	size_t date_only_callbacks;   /* callbacks timed by a date alone */
	size_t ratings_without_time;  /* 满意度 / 回访结果, no 回访时间 */
	size_t stand_in_callbacks;    /* timed from a stand-in column */
	size_t reasons[REJECT_REASON_COUNT];
};

struct ticket_set {
	struct arena arena;
	struct input_file *files;
	size_t nfiles;                /* every file seen, recognised or not */
	struct ticket *tickets;
	size_t ntickets;
	struct callback *callbacks;
	size_t ncallbacks;
	struct reject *rejects;       /* in file, line order */
	size_t nrejects;
	/*
	 * SPEC §2: rows_read = accepted + rejected + superseded + excluded
	 * (excluded: rows a source profile sends to skip, issue 14).
	 */
	size_t files_recognised;
	size_t rows_read, accepted, rejected, superseded, excluded;
	struct ingest_quality quality;
	/*
	 * Regular files of the input folder that ingest did not list (an
	 * unsupported kind): the command counts them after the ingest, the
	 * records artifact keeps them, so that a stage command's
	 * unreadable_files gate sees what the ingest saw (SPEC §9.28). The
	 * example (the first by name) is in the arena, or NULL.
	 */
	size_t unlisted_files;
	const char *unlisted_example;
};

void ticket_set_init(struct ticket_set *set);
void ticket_set_release(struct ticket_set *set);

/* Binary search by ticket number; NULL if absent. */
const struct ticket *ticket_set_find(const struct ticket_set *set,
				     const char *id);

/*
 * The instant a callback sorts and compares at (SPEC §9.24): a date alone
 * sorts after the timed callbacks of its day, at its last second.
 */
static inline int64_t callback_sort_at(const struct callback *cb)
{
	return cb->date_only ? cb->at + 86400 - 1 : cb->at;
}

/* The callbacks of t (a slice of set->callbacks). */
static inline const struct callback *
ticket_callbacks(const struct ticket_set *set, const struct ticket *t)
{
	return set->callbacks + t->first_cb;
}

#endif
