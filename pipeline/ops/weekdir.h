/*
 * weekdir.h - week folders that appear whole or not at all.
 *
 * A run writes every file of a week into a staging folder beside the final
 * one and then publishes the staging folder in one step:
 *
 *   struct weekdir wd;
 *   weekdir_begin(&wd, "output", "2026-W47", err);
 *       -- creates output/weeks/.2026-W47.tmp-<pid>/ (wd.stage_path)
 *   weekdir_carry_over(&wd, err);           -- only to rewrite a few files
 *   ... outfile_open("<wd.stage_path>/metrics.json") ... for every file
 *   weekdir_mark_issued(&wd, as_of, err);   -- complete weeks only
 *   weekdir_publish(&wd, err);              -- or weekdir_abort(&wd)
 *
 * Publishing swaps the staged folder with the final one atomically
 * (renameat2 RENAME_EXCHANGE) where the file system can, so a reader
 * always finds either the previous week folder or the new one; elsewhere
 * it renames the final folder aside to ".<week>.old-<pid>", renames the
 * staged folder in, and removes the old one (a reader may then find the
 * week missing for an instant, never half written). The parent folder is
 * fsynced after the renames.
 *
 * A run killed half way leaves ".<week>.tmp-<pid>" or ".<week>.old-<pid>"
 * behind; weekdir_cleanup() removes them at the start of the next run (and
 * puts an ".old" folder back when its final folder is missing, which is
 * the one state in which the old folder is the only copy of the week).
 *
 * "Issued": a complete week's reports, once issued, are not rewritten by
 * later nightly runs. A week is issued when its folder holds the file
 * ".issued", which weekdir_mark_issued() writes into the staging folder,
 * so the mark appears together with the reports it vouches for (never
 * before them, never without them). A provisional week is simply not
 * marked. "huifang run --week W --force" stages and publishes the week
 * again, marking it anew.
 *
 * The same mechanism serves any folder that must change as a whole (for
 * instance output/site): stagedir_begin() takes the parent and the name.
 * weekdir_release() frees what a struct weekdir owns; publish and abort
 * call it.
 */
#ifndef HUIFANG_WEEKDIR_H
#define HUIFANG_WEEKDIR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

#define WEEKDIR_ISSUED_MARK ".issued"

struct weekdir {
	char *parent;      /* "<output>/weeks", owned */
	char *name;        /* "2026-W47", owned */
	char *final_path;  /* "<output>/weeks/2026-W47", owned */
	char *stage_path;  /* "<output>/weeks/.2026-W47.tmp-<pid>", owned */
};

/*
 * Creates <output>/weeks/ if needed and an empty staging folder for week
 * (which must be exactly "YYYY-Www" and an existing ISO week); a month
 * "YYYY-MM" or quarter "YYYY-Qn" (model/period.h) is staged the same way
 * under <output>/periods/ (SPEC §9.30). A staging
 * folder of the same name left by an earlier process with our pid is
 * removed first. Returns 0, or -1 with "<path>: <cause>" (or the bad week
 * name) appended to err and nothing owned by wd.
 */
int weekdir_begin(struct weekdir *wd, const char *output, const char *week,
		  struct buf *err);

/*
 * As weekdir_begin() for the folder <parent>/<name>; name must be one
 * plain path component that does not start with '.'. parent is created if
 * needed.
 */
int stagedir_begin(struct weekdir *wd, const char *parent, const char *name,
		   struct buf *err);

/*
 * For a command that rewrites only some files of a week (huifang render
 * after huifang metrics): fills the staging folder with the files the
 * final folder holds now, subfolders included, so that publishing
 * replaces just the files the command writes. Files are hard-linked,
 * which is safe because outfile.h never modifies a file in place (it
 * renames a new one over it); where the file system has no hard links,
 * they are copied. Symlinks, other special files and leftovers of killed
 * runs are not carried over; the ".issued" mark is. A missing final
 * folder is fine (nothing to carry). 0, or -1 with err set.
 */
int weekdir_carry_over(struct weekdir *wd, struct buf *err);

/*
 * Writes the ".issued" mark (atomically, through outfile.h) into the
 * staging folder; its one line records the as-of the reports were judged
 * at ("as_of 2026-11-30 02:00:00"), which keeps reruns byte-identical.
 * 0, or -1 with err set.
 */
int weekdir_mark_issued(struct weekdir *wd, int64_t as_of, struct buf *err);

/*
 * Publishes the staging folder as the final folder, replacing what was
 * there, and fsyncs the parent. Returns 0 when the new folder is in place
 * (a failure to remove the replaced folder afterwards is left to the next
 * weekdir_cleanup()); -1 with err set when it is not, in which case the
 * previous folder is in place again and the staging folder is removed.
 * Either way wd is released.
 */
int weekdir_publish(struct weekdir *wd, struct buf *err);

/* Removes the staging folder and releases wd; the final folder is untouched. */
void weekdir_abort(struct weekdir *wd);

/* Frees what wd owns without touching the file system. */
void weekdir_release(struct weekdir *wd);

/*
 * True when <output>/weeks/<week>/.issued is a regular file (a symlink
 * does not count); for a month or quarter, <output>/periods/<id>/.issued.
 */
bool weekdir_is_issued(const char *output, const char *week);

/*
 * True when <output>/weeks/<id> (a week) or <output>/periods/<id> (a
 * month or quarter) is a folder, opened through folder.h: a symlink
 * below the output folder does not count.
 */
bool weekdir_exists(const char *output, const char *id);

/* "weeks" for a week's id, "periods" for a month's or a quarter's, NULL
 * for anything that is not exactly a period's canonical id. */
const char *weekdir_folder_of(const char *id);

/*
 * Removes what killed runs left anywhere under output: staging folders
 * ".<name>.tmp-<pid>", replaced folders ".<name>.old-<pid>" (restored to
 * <name> instead when <name> is missing), and outfile.h's temporary files
 * ".<name>.tmp-<pid>-<n>". Leftovers whose pid is a live process (this one
 * included) are left alone, as they may be another run's work in
 * progress. Symlinks are never followed: the walk stays inside output.
 * Call it with the run lock held, after folder_refuse_links(), before
 * staging anything. Returns the
 * number of leftovers removed or restored, or -1 with err set (the walk
 * goes on past an entry it cannot remove, and reports the first failure).
 */
int weekdir_cleanup(const char *output, struct buf *err);

/*
 * The same for this process's own leftovers (its staging folders and
 * temporary files under output, a char *), quietly: the cleanup a command
 * registers with xalloc_on_exhaustion(), so that a run that runs out of
 * memory leaves nothing half written behind.
 */
void weekdir_remove_own(void *output);

/*
 * Removes path and, if it is a directory, everything below it, never
 * following symlinks (a symlink is removed, not its target). A missing
 * path is not an error. 0, or -1 with "<path>: <cause>" appended to err.
 */
int remove_tree(const char *path, struct buf *err);

/* Test hooks: pretend the file system cannot exchange two names, or has
 * no hard links (as some network file systems). */
void weekdir_test_disable_exchange(bool disable);
void weekdir_test_disable_links(bool disable);

#endif
