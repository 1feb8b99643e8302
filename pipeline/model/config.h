/*
 * config.h - the settings of a run, from config/huifang.json.
 *
 * config_init() fills in the built-in defaults (the same values the shipped
 * config/huifang.json spells out), so a program that loads no file still
 * behaves as SPEC says. config_load() reads a JSON file over those
 * defaults and validates it: an unknown key or a bad value is an error that
 * names the file, the key path and the value, e.g.
 *
 *   config/huifang.json: sampling.levels[1].rate: must be between 0 and 1, got 1.5
 *
 * reported through the diag; config_load() then returns -1 and the command
 * exits 78 (EX_CONFIG). config_release() frees everything the config owns.
 *
 * Each diag entry's message is that whole line (its file field is NULL, so
 * diag_print() shows "huifang: error: config/huifang.json: ..."); every
 * error in the file is reported, not only the first. After a failed load
 * cfg holds a mix of defaults and settings read; release it. The layout of
 * the file is in docs/config.md.
 */
#ifndef HUIFANG_CONFIG_H
#define HUIFANG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"
#include "util/string_list.h"
#include "model/ticket.h"

/* The canonical input columns of SPEC §2 (and the inline second callback). */
enum column {
	COL_TICKET_ID,        /* 工单编号 */
	COL_CENTER,           /* 服务中心 */
	COL_UNIT,             /* 楼栋房号 */
	COL_OWNER,            /* 业主姓名 */
	COL_PHONE,            /* 联系电话 */
	COL_TYPE,             /* 工单类型 */
	COL_SUBTYPE,          /* 工单子类 */
	COL_CONTENT,          /* 内容 */
	COL_BUTLER,           /* 责任人 */
	COL_STATUS,           /* 工单状态 */
	COL_CREATED,          /* 创建时间 */
	COL_COMPLETED,        /* 完成时间 */
	COL_UPDATED,          /* 更新时间 */
	COL_HANDLER,          /* 处理人 */
	COL_CB_TIME,          /* 回访时间 */
	COL_CB_CHANNEL,       /* 回访方式 */
	COL_CB_SATISFACTION,  /* 满意度 */
	COL_CB_RESULT,        /* 回访结果 */
	COL_CB_RECORDER,      /* 回访人 */
	COL_CB_REMARK,        /* 回访备注 */
	COL_CB_ROUND,         /* 回访轮次 */
	COL_RECTIFIED,        /* 整改完成时间 */
	COL_CB2_TIME,         /* 二次回访时间 */
	COL_CB2_SATISFACTION, /* 二次满意度 */
	COL_COUNT
};

extern const char *const column_name[COL_COUNT];

/* True for the six timestamp columns of SPEC §8 rule 3. */
bool column_is_time(int column);

struct source_profile;

enum stratum {
	STRATUM_BUTLER,
	STRATUM_CENTER,
	STRATUM_ALL
};

/* The audit sheet PDFs of a level: one per centre, or one with sections. */
enum sample_sheets {
	SHEETS_ONE,
	SHEETS_PER_CENTER
};

/* How a stratum's key places are spread (docs/sampling.md). */
enum sample_spread {
	SPREAD_NONE,      /* the stratum's smallest keys */
	SPREAD_BUTLER     /* round-robin over the butlers (or recorders) */
};

enum sample_size_method {
	SIZE_RATE,        /* n = min(N, max(minimum, ceil(rate * N))) */
	SIZE_GB2828_II    /* ISO 2859-1 / GB/T 2828.1 general level II */
};

/* A (type, sub-type) pair; subtype NULL means every sub-type of type. */
struct scope_rule {
	int type;         /* enum ticket_type */
	char *subtype;
};

/* Bits of enum anomaly_kind (ticket.h) used as must-include signals. */
struct sampling_level {
	char *id;                    /* cs_supervisor, engineering_manager, ... */
	char *label;                 /* 客户服务主管 */
	struct scope_rule *scope;    /* empty: every type */
	size_t nscope;
	enum stratum stratum;
	enum sample_size_method size;
	double rate;                 /* [0, 1] */
	unsigned minimum;            /* per stratum */
	enum sample_spread spread;
	unsigned minimum_per_butler; /* per butler (or recorder) of a stratum */
	unsigned risk_signals;       /* must-include: 1u << anomaly kind */
	struct scope_rule *must_include; /* must-include by sub-type */
	size_t nmust_include;
	enum sample_sheets sheets;   /* audit sheet PDFs */
	bool fake_followup;          /* must-include: butlers with a confirmed
				      * fake callback in the last
				      * audit_followup_weeks weeks */
};

/*
 * The plausibility gates, in the order they are checked and reported;
 * issue_gate_name[] holds their names as config, run.json and the
 * reports spell them.
 */
enum issue_gate {
	GATE_REJECTED_ROWS,        /* rejected_rows */
	GATE_UNREADABLE_FILES,     /* unreadable_files */
	GATE_DAMAGED_IDS,          /* damaged_ids */
	GATE_REPEATED_IDS,         /* repeated_ids */
	GATE_UNTIMED_RATINGS,      /* untimed_ratings */
	GATE_NO_BUTLER,            /* no_butler */
	GATE_STALE_INPUT,          /* stale_input */
	GATE_EMPTY_WEEK,           /* empty_week */
	GATE_REJECTED_FILE,        /* rejected_file */
	GATE_COUNT
};

extern const char *const issue_gate_name[GATE_COUNT];

/*
 * The plausibility gates checked before a week is issued (SPEC §9.28,
 * docs/operations.md); each trips when its measure exceeds its limit.
 */
struct issue_gates {
	double rejected_share;        /* rejected / rows read; 0.05 */
	unsigned unreadable_files;    /* files not read; 0 */
	unsigned damaged_ids;         /* Excel-damaged ticket numbers; 0 */
	double repeated_id_share;     /* a file's rows repeating a number
				       * within it / its rows; 0.20 */
	double untimed_rating_share;  /* ratings or results with no callback
				       * time / all of them; 0.05 */
	bool require_butler;          /* some eligible ticket has a butler */
	double stale_days;            /* newest input time before as-of; 3 */
	double empty_week_average;    /* 0 eligible while the 4 weeks before
				       * averaged at least this; 50 */
	double rejected_file_share;   /* one export's rejected rows / its
				       * rows, exports of 100 rows or more;
				       * 0.25 */
};

/*
 * delivery (docs/delivery.md): nightly mails the issued PDFs. Opt-in: off
 * unless the config has the section (and "enabled" is not false).
 */
struct delivery_config {
	bool enabled;
	char *from;                      /* a plain address */
	struct string_list command;      /* argv: /usr/sbin/sendmail -t -oi */
	unsigned timeout_seconds;        /* per message; 60 */
	struct string_list management;   /* the weekly report's recipients */
	struct string_list centers;      /* centre names, config order ... */
	struct string_list *center_to;   /* ... and each one's recipients */
};

struct config {
	char *path;                  /* the file loaded, or NULL */

	/* The document header of every report. */
	char *company;
	char *document_code;         /* WSWY-GZ-XM-KF-13 */
	/* company.document_codes: the other documents' codes, NULL: none. */
	char *code_weekly_report, *code_audit_sheet, *code_centre_report;
	char *document_version;      /* A/0 */
	char *effective_date;        /* YYYY-MM-DD */

	double target[TYPE_COUNT];   /* coverage targets */
	int64_t sla_seconds[TYPE_COUNT];

	struct string_list attempt_words;      /* 未接通 ... */
	struct string_list cancelled_statuses; /* 已取消, 作废, 取消 */
	struct string_list column_aliases[COL_COUNT];
	struct string_list type_aliases[TYPE_COUNT];
	struct string_list subtypes[TYPE_COUNT]; /* the known sub-types */
	/* sub-type aliases: text -> a known sub-type of the same type */
	struct string_list subtype_alias_text[TYPE_COUNT];
	struct string_list subtype_alias_target[TYPE_COUNT];
	/* satisfaction aliases: text -> enum satisfaction (1-5) */
	struct string_list satisfaction_alias_text;
	uint8_t *satisfaction_alias_level;

	size_t max_field_bytes;      /* 65536 */
	size_t max_columns;          /* ingest.max_columns, 16384 */
	size_t max_header_bytes;     /* ingest.max_header_bytes, 1 MiB */
	char *encoding;              /* NULL: detect per file */
	unsigned ingest_threads;     /* files read at once; 0: one per CPU */

	char *seed;                  /* sampling seed, printed in reports */
	struct sampling_level *levels;
	size_t nlevels;

	bool mask_names;
	bool mask_phones;
	bool mask_free_text;         /* phone / ID numbers inside free text */

	char *font_path;
	int font_index;
	char *templates_dir;

	/* The audit loop (docs/audit.md). */
	unsigned audit_followup_weeks; /* fake_followup lasts this long */
	unsigned audit_overdue_days;   /* after the week is issued */
	bool audit_mask_names;         /* on the audit sheets (role-based) */
	bool audit_mask_phones;
	bool audit_mask_ids;           /* ID numbers inside 内容 */
	unsigned audit_file_mode;      /* audit sheets and findings, 0600 */

	unsigned retention_weeks;    /* 0: keep everything */
	unsigned rankings_window_weeks;  /* rankings.window_weeks, 1-8 */
	unsigned umask;              /* for output files, e.g. 0027 */
	unsigned max_errors_per_file; /* huifang check */

	/* Source profiles (source.h), in order: a file's first match wins. */
	struct source_profile *sources;
	size_t nsources;

	/* Issuing (SPEC §9.26-§9.28): issue_at adds this to the SLA. */
	int64_t issue_grace_seconds; /* issue.grace_hours, 24 h */
	struct issue_gates gates;
	struct string_list accept_gates; /* gate names issued over anyway */

	/* 无法联系 (docs/metrics.md): an owed ticket whose owner cannot be
	 * reached leaves the worklist. */
	unsigned unreachable_attempts;   /* attempts ... */
	unsigned unreachable_days;       /* ... on this many China days */
	struct string_list unreachable_results; /* 空号, 停机: at once */
	bool unreachable_leaves_coverage; /* out of coverage's denominator */

	unsigned worklist_window_days;   /* live worklists look back; 90 */
	/*
	 * The butlers' own lists (output/worklists/: CSVs, workbooks) are
	 * masked by role, as the audit sheets are (docs/operations.md): the
	 * owner's name masked, the phone shown, so the butler can call; a
	 * file that shows either is written with audit_file_mode. The site's
	 * worklist pages keep mask_names / mask_phones.
	 */
	bool worklist_mask_names;        /* worklists.masking.names, true */
	bool worklist_mask_phones;       /* worklists.masking.phones, false */

	/* The site's own retention: the newest N weeks; 0 all there are. */
	unsigned site_retention_weeks;   /* site.retention_weeks, 13 */

	struct delivery_config delivery;
};

void config_init(struct config *cfg);
int config_load(struct config *cfg, const char *path, struct diag *d);
/*
 * config_load() over len bytes of text already read, named path in the
 * messages (the fuzz target's entry; the file is read by config_load()).
 */
int config_load_text(struct config *cfg, const char *path, const char *text,
		     size_t len, struct diag *d);
void config_release(struct config *cfg);
/* Frees what the delivery settings own and empties them. */
void config_delivery_release(struct delivery_config *dc);
/* Frees the source profiles and empties the list. */
void config_sources_release(struct config *cfg);
/* Frees what one sampling level owns (not the level itself). */
void sampling_level_release(struct sampling_level *l);

/* The type whose canonical name or alias equals text exactly; -1 if none. */
int config_match_type(const struct config *cfg, const char *text);
/*
 * enum satisfaction of a built-in form (SPEC §8.9, §9.22): the five
 * labels, 很不满意, stars 1-5 as digits (also full-width), N星, N分, and ★
 * repeated 1-5 times. SAT_NONE if text is none of them.
 */
int config_builtin_satisfaction(const char *text);
/* The built-in forms, then the configured aliases; SAT_NONE if none. */
int config_match_satisfaction(const struct config *cfg, const char *text);
bool config_is_attempt(const struct config *cfg, const char *text);
bool config_is_cancelled(const struct config *cfg, const char *status);
bool config_known_subtype(const struct config *cfg, int type,
			  const char *subtype);
/*
 * SPEC §9.23: text without the work instruction's leading ordinal
 * (`2 房屋管理类`, `2)房屋管理类`, `2）`, `（2）`, `2、`, `2.`) and the white
 * space after it; text itself when it has none or nothing follows it.
 */
const char *config_strip_ordinal(const char *text);
/*
 * The known sub-type of type that text names, as written, by a configured
 * alias, or after config_strip_ordinal(); the returned string is the
 * config's. NULL when text names none (it then stays as written and counts
 * as unknown).
 */
const char *config_match_subtype(const struct config *cfg, int type,
				 const char *text);

void config_add_satisfaction_alias(struct config *cfg, const char *text,
				   int level);

#endif
