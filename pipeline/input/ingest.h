/*
 * ingest.h - the ingest stage: exports -> normalised records + rejects.
 *
 * Calling order:
 *
 *   struct ticket_set set;
 *   ticket_set_init(&set);
 *   ingest_run(&opts, cfg, &set, &diag);   -- reads opts.input_dir
 *   ... metrics_compute(&set, ...) ...
 *   ticket_set_release(&set);
 *
 * ingest_run() implements SPEC §2 and §8 rules 1-11: file discovery, CSV
 * (libcsv, strict) and JSON / JSON Lines reading, encoding detection,
 * column matching, value normalisation, reject reasons in their order of
 * precedence, duplicate tickets, callback identity, attempts. Every row is
 * accounted for: set->rows_read == accepted + rejected + superseded.
 * Problems with rows go to set->rejects (and, as diagnostics, to d);
 * unreadable files and unrecognised files are reported to d and skipped.
 * Returns 0, or -1 when the input folder itself cannot be read (the caller
 * exits 66). The set owns everything it holds.
 *
 * ingest_read_files() is the same over an explicit list of files (for
 * 'huifang check' and the tests). ingest_list_files() lists the exports
 * of a folder as ingest_run() reads them (SPEC §8 rule 1), sorted; the
 * caller frees each path and the array; -1 (reported to d) when the
 * folder cannot be read.
 */
#ifndef HUIFANG_INGEST_H
#define HUIFANG_INGEST_H

#include <stddef.h>

#include "model/config.h"
#include "util/diag.h"
#include "model/ticket.h"

struct ingest_opts {
	const char *input_dir;
	const char *encoding;   /* NULL: detect per file; else "UTF-8"/"GB18030" */
};

int ingest_run(const struct ingest_opts *opts, const struct config *cfg,
	       struct ticket_set *set, struct diag *d);
int ingest_list_files(const char *dir, char ***paths, size_t *npaths,
		      struct diag *d);
int ingest_read_files(const char *const *paths, size_t npaths,
		      const struct ingest_opts *opts, const struct config *cfg,
		      struct ticket_set *set, struct diag *d);

/*
 * Appends "N files skipped: a.csv, b.json" naming every unrecognised or
 * refused file of set (names escaped for a terminal), or nothing when
 * there is none: every command's summary names them, so that a skipped
 * export is never lost behind the cap on diagnostics.
 */
void ingest_describe_skipped(const struct ticket_set *set, struct buf *out);

#endif
