/*
 * delivery.h - nightly mails each issued revision's PDFs once
 * (docs/delivery.md).
 *
 *   struct delivery_result res;
 *   delivery_result_init(&res);
 *   delivery_run(p, set, &res);        -- with the run lock held
 *   delivery_run_json(&w, &res);       -- run.json's "delivery"
 *   delivery_result_release(&res);
 *
 * With the config's delivery section enabled, delivery_run() mails the
 * weekly PDF of every issued week revision to delivery.management and
 * each centre's PDF to its recipients, through the configured
 * sendmail-compatible command (ops/mail.h). What it sent is recorded in
 * <output>/delivery.json: an entry is written as "sending" before the
 * command runs and as "sent" or "failed" after, each time atomically
 * (outfile.h). A failed message is tried again the next night; one
 * found still "sending" (the process was killed between the two
 * writes) becomes "unknown" and is never sent again by itself, so that
 * no message goes out twice. A recipient gets only the revisions issued
 * on or after the night it first appeared in the config.
 *
 * A send that fails does not fail the night: delivery_run() returns 0
 * and lists the failures in res (and the log, through the sink); it
 * returns EX_CONFIG when a centre the config names has no ticket in the
 * data (the key is named), and EX_CANTCREAT when delivery.json cannot
 * be written (then nothing more is sent). res owns its strings.
 */
#ifndef HUIFANG_DELIVERY_H
#define HUIFANG_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct pipeline;
struct ticket_set;
struct jsonw;

/* One message this night tried, or found in doubt. */
struct delivery_note {
	char *week;          /* 2026-W47 */
	unsigned revision;
	char *center;        /* NULL: the management report */
	const char *status;  /* "sent", "failed", "unknown": static text */
	unsigned attempts;
	char *error;         /* "" unless failed or unknown */
};

struct delivery_result {
	bool enabled;
	size_t sent, failed, unknown;
	struct delivery_note *notes;
	size_t nnotes, alloc;
	/* One line for stderr per failed or unknown message, or "". */
	struct buf failures;
};

void delivery_result_init(struct delivery_result *res);
void delivery_result_release(struct delivery_result *res);

int delivery_run(const struct pipeline *p, const struct ticket_set *set,
		 struct delivery_result *res);

/* Adds "delivery": {...} to an open run.json object. */
void delivery_run_json(struct jsonw *w, const struct delivery_result *res);

#endif
