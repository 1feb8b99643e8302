/*
 * callbacks_view.h - records.json: the week's callbacks for the
 * 《回访记录表》 (schema huifang.callbacks/1, docs/viewmodel.md).
 *
 * Calling order: after metrics_compute() has filled m for the report week,
 *
 *   callbacks_view_write_json(&m, &set, cfg, &out);
 *
 * appends the JSON text to out (a buf the caller owns). The rows are every
 * callback (attempts excluded) on an accepted ticket whose time is in the
 * report week and at or before as-of, sorted by centre, butler, time,
 * ticket; personal data is masked through mask.h as cfg->mask_names and
 * cfg->mask_free_text say. It reads m and the set only, allocates nothing
 * it keeps, and cannot fail (memory exhaustion aborts, as xalloc.h says).
 */
#ifndef HUIFANG_CALLBACKS_VIEW_H
#define HUIFANG_CALLBACKS_VIEW_H

#include "util/buf.h"
#include "model/config.h"
#include "stages/metrics.h"
#include "model/ticket.h"

void callbacks_view_write_json(const struct metrics *m,
			       const struct ticket_set *set,
			       const struct config *cfg, struct buf *out);

#endif
