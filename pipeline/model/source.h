/*
 * source.h - source profiles: how one real system's exports read (issue 14,
 * SPEC §9.20-§9.25).
 *
 * A profile describes the files of one source: which files it applies to
 * (file-name globs), their kind, its own column names, constant columns,
 * value maps (which may depend on 工单类型 and may send a row to `skip`),
 * values meaning "empty", the profile-only time forms, the attempt rule of
 * its status column, how its 处理人 lists several people, the column that
 * stands in for a missing callback time, the join key of its callbacks and
 * its code tables. The config holds an ordered list of them (config.h's
 * sources); config_load() reads and checks them (docs/sources.md has the
 * layout), so every function here may trust its profile.
 *
 * Calling order: the reader asks source_match() once per file (NULL: the
 * default reading, today's behaviour); the normaliser then asks, for each
 * header, source_map_header(), and for each value source_is_empty() and
 * source_value() (source_map_value(), then source_code()). Everything a profile
 * holds is owned by it and freed by source_profile_release(); the strings
 * returned point into the profile (or are the value given) and live as long
 * as the config.
 */
#ifndef HUIFANG_SOURCE_H
#define HUIFANG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

enum source_kind {
	SOURCE_GUESS,      /* from the header, as SPEC §2 says */
	SOURCE_TICKETS,    /* a ticket export */
	SOURCE_CALLBACKS   /* a callback export */
};

/* A value map sends this text to `skip`: the row is excluded (§9.20ff). */
#define SOURCE_SKIP "skip"

/* One column's value map, for every type or for one type only. */
struct value_map {
	int column;                  /* enum column */
	int type;                    /* enum ticket_type; TYPE_UNKNOWN: all */
	struct string_list from;     /* the source's values, trimmed */
	struct string_list to;       /* what each means; SOURCE_SKIP */
};

/* A code table: a CSV file of (key, value) turning codes into names. */
struct code_table {
	int column;                  /* enum column it names */
	char *file;                  /* as given in the config */
	struct string_list code;     /* sorted byte-wise, for bsearch */
	struct string_list name;     /* name[i] belongs to code[i] */
};

struct source_profile {
	char *name;                  /* unique; used by joins and messages */
	struct string_list files;    /* fnmatch() globs on the file name */
	int kind;                    /* enum source_kind */
	struct string_list header;   /* the source's header names ... */
	int *header_column;          /* ... and the enum column of each */
	char *constant[COL_COUNT];   /* a value for every row; NULL: none */
	struct value_map *maps;
	size_t nmaps;
	struct string_list empty_values; /* values that mean "empty" */
	char *records;               /* JSON path of the records: data.list */
	char *encoding;              /* NULL: as ingest.encoding says */
	char *sheet;                 /* Excel: the one sheet to read; NULL:
				      * the first (or sheets, below) */
	struct string_list sheets;   /* Excel: these sheets, each a file of
				      * its own ("book.xlsx[Sheet2]") */
	bool all_sheets;             /* Excel: every visible sheet */
	uint32_t header_row;         /* 1-based row (line) at or after which
				      * the header starts; 0: the first
				      * non-empty one (Excel and CSV) */
	unsigned time_forms;         /* CHTIME_EPOCH_S | ... (chtime.h) */
	int attempt_column;          /* enum column; -1: the attempt words */
	struct string_list attempt_values;
	char *handler_separators;    /* 处理人 splits at these; NULL: never */
	int callback_time_from;      /* enum column standing in; -1: none */
	char *key_column;            /* tickets: the source header of the
				      * internal id callbacks join on */
	char *join;                  /* callbacks: the tickets profile whose
				      * key_column 工单编号 holds */
	struct code_table *codes;
	size_t ncodes;
};

/* The first profile whose glob matches file_name; NULL when none does. */
const struct source_profile *source_match(const struct config *cfg,
					  const char *file_name);

/* A profile by name; NULL when there is none of that name. */
const struct source_profile *source_by_name(const struct config *cfg,
					    const char *name);

/*
 * The enum column a header name means in profile p (compared as SPEC §8.4
 * compares headers), or -1 when p does not map it (the caller then tries
 * the canonical names and column_aliases).
 */
int source_map_header(const struct source_profile *p, const char *header);

/* True when value (trimmed) is one of p's empty values. */
bool source_is_empty(const struct source_profile *p, const char *value);

/*
 * What value (trimmed) in column means for a row of the given type
 * (TYPE_UNKNOWN when not known yet): a map for that type first, then a map
 * for every type. value itself when no map is for the column; NULL when
 * one is but does not list value (SPEC §9.22: the map replaces the
 * built-in forms of its column, so an unlisted value means nothing).
 * SOURCE_SKIP sends the row away.
 */
const char *source_map_value(const struct source_profile *p, int column,
			     int type, const char *value);

/* The name a code table gives value in column; value itself if none. */
const char *source_code(const struct source_profile *p, int column,
			const char *value);

/*
 * What value (trimmed, not empty, not one of p's empty values) in column
 * means under p for a row of type: the value map, then the code table.
 * NULL when the column has a map and neither it nor a code table lists
 * value: the caller reads such a value with none of the built-in forms
 * (SPEC §9.22; docs/sources.md says what each column makes of it) and
 * warns. A timestamp column keeps its forms: its map names only special
 * values, and a value it does not list is read as a time.
 */
const char *source_value(const struct source_profile *p, int column,
			 int type, const char *value);

/* True when p has a map for column chosen by 工单类型 (values_by_type). */
bool source_maps_by_type(const struct source_profile *p, int column);

/* True when p has an attempt rule and the value of its column is one. */
bool source_is_attempt(const struct source_profile *p, const char *value);

/*
 * SPEC §9 (issue 14): the canonical column a header not mapped by anything
 * resembles (one name contains the other, or they are one edit apart, in
 * characters, after text_header_key()), for a "did you mean" hint; -1 when
 * it resembles none. Short names (under two characters) resemble nothing.
 */
int source_column_hint(const char *header);

/*
 * Calls fn for each person named in a 处理人 value, split at p's
 * separators and trimmed (the whole value once when p has none); stops
 * and returns true when fn does.
 */
bool source_each_handler(const struct source_profile *p, const char *value,
			 bool (*fn)(const char *person, size_t len, void *arg),
			 void *arg);

void source_profile_release(struct source_profile *p);

#endif
