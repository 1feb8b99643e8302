/*
 * retention.h - keep the last N weeks of reports.
 *
 * The week folders are the entries of <output>/weeks/ whose name is
 * exactly "YYYY-Www" (four digits, "-W", two digits) and which are real
 * directories (a symlink or a file with such a name is neither counted nor
 * touched). Sorted by name, which is their order in time, the last keep
 * are kept and the older ones deleted; keep = 0 keeps everything.
 *
 * A folder to delete is first renamed to ".<week>.tmp-<pid>" and then
 * removed recursively, never following symlinks; killed in between, the
 * next weekdir_cleanup() finishes the job, and no reader ever sees a week
 * half deleted. Nothing outside <output>/weeks/ is touched (the HTML site
 * is rebuilt by the renderer from the weeks that remain).
 *
 * Run it with the run lock held, after the night's weeks are published.
 */
#ifndef HUIFANG_RETENTION_H
#define HUIFANG_RETENTION_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/string_list.h"

/*
 * Deletes all but the last keep week folders of <output>/weeks/. The
 * names deleted are appended to removed (if not NULL; the list owns its
 * strings), oldest first, for the run log. A missing weeks folder is fine.
 * Returns the number of folders deleted, or -1 with "<path>: <cause>" of
 * the first failure appended to err (after trying every folder; the ones
 * deleted are listed in removed all the same).
 */
int retention_apply(const char *output, unsigned keep,
		    struct string_list *removed, struct buf *err);

/*
 * Appends to weeks the names of the week folders of <output>/weeks/ (as
 * above: exact names, real directories), sorted by name, oldest first;
 * the list owns its strings. A missing weeks folder lists nothing.
 * Returns 0, or -1 with "<path>: <cause>" appended to err.
 */
int retention_list_weeks(const char *output, struct string_list *weeks,
			 struct buf *err);

/* True when name is exactly "YYYY-Www" (digits; the week is not checked). */
bool retention_is_week_name(const char *name);

#endif
