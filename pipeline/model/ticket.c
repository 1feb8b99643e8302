/*
 * ticket.c - names and lifecycle of the shared data model (see ticket.h).
 */
#include <stdlib.h>
#include <string.h>

#include "model/ticket.h"
#include "util/banned.h"

const char *const ticket_type_name[TYPE_COUNT] = { "报事报修", "投诉",
						   "特约服务" };
const char *const ticket_type_key[TYPE_COUNT] = { "repair", "complaint",
						  "special" };
/* Each label spelled once, for the two orders below. */
#define SAT_LABEL_1 "非常不满意"
#define SAT_LABEL_2 "不满意"
#define SAT_LABEL_3 "一般"
#define SAT_LABEL_4 "满意"
#define SAT_LABEL_5 "非常满意"
const char *const satisfaction_name[6] = { "", SAT_LABEL_1, SAT_LABEL_2,
					   SAT_LABEL_3, SAT_LABEL_4,
					   SAT_LABEL_5 };
const char *const satisfaction_scale[6] = { SAT_LABEL_5, SAT_LABEL_4,
					    SAT_LABEL_3, SAT_LABEL_2,
					    SAT_LABEL_1, NULL };
const char *const anomaly_kind_name[ANOM_COUNT] = {
	"callback_before_completion",
	"callback_without_completion",
	"callback_too_fast",
	"burst",
	"self_callback",
	"no_butler",
};
const char *const reject_reason_code[REJECT_REASON_COUNT] = {
	"field_count",       "bad_encoding",     "field_too_long",
	"missing_ticket_id", "unknown_type",     "no_callback_time",
	"bad_timestamp",     "malformed_record",
};

void ticket_set_init(struct ticket_set *set)
{
	memset(set, 0, sizeof(*set));
	arena_init(&set->arena);
}

void ticket_set_release(struct ticket_set *set)
{
	/* The arrays are malloc'ed (they grow); records' strings are not. */
	free(set->files);
	free(set->tickets);
	free(set->callbacks);
	free(set->rejects);
	arena_release(&set->arena);
	ticket_set_init(set);
}

const struct ticket *ticket_set_find(const struct ticket_set *set,
				     const char *id)
{
	size_t lo = 0, hi = set->ntickets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->tickets[mid].id, id);

		if (c == 0)
			return &set->tickets[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
