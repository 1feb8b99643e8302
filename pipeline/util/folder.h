/*
 * folder.h - folders below the output folder, entered without following
 * symbolic links.
 *
 * huifang runs on shared servers, where another user who can write into
 * the output folder could plant a symlink at output/weeks, output/records
 * or output/logs and have the reports (with their unmasked records)
 * written, or old weeks deleted, wherever it points. So every folder below
 * the output folder is opened one component at a time with
 * O_DIRECTORY | O_NOFOLLOW, relative to the folder above it, and the work
 * is then done relative to that descriptor (openat, mkdirat, renameat,
 * unlinkat): no path is resolved again between the check and the use. A
 * component that is a symlink is refused, naming it. The output folder
 * itself may be a symlink (an administrator may well put it on another
 * disk); only what lies below it is guarded.
 *
 * Calling order: a command calls folder_set_root(<--output>) once, before
 * any thread starts; from then on outfile.h, weekdir.h, retention.h,
 * runlog.h and lock.h open their folders through folder_open() and
 * folder_open_parent(), and the readers of what a run wrote (records/,
 * a week's JSON, the findings) open it with folder_fopen_read(). A path that does not lie below the root (a test's
 * scratch folder, a command that writes elsewhere) is opened as before,
 * following links, because nothing here can tell which links of an
 * arbitrary path are the administrator's. The root is a copy this module
 * owns; descriptors returned are the caller's to close().
 */
#ifndef HUIFANG_FOLDER_H
#define HUIFANG_FOLDER_H

#include <stdbool.h>
#include <stdio.h>

#include "util/buf.h"

/*
 * Makes root (the --output folder; trailing slashes ignored) the folder
 * below which no symlink is followed; NULL forgets it.
 */
void folder_set_root(const char *root);

/* The root set above, or NULL. */
const char *folder_root(void);

/*
 * Opens the folder path (O_RDONLY | O_DIRECTORY | O_CLOEXEC) and returns
 * its descriptor. With create, missing folders are made (mode 0777 less
 * the umask), like mkdir -p. Returns -1 with errno set and
 * "<path>: <cause>" appended to err when it cannot be opened; for a
 * symlink below the root the path is the link's and the cause reads
 * "a symbolic link below the output folder; huifang does not follow it"
 * (errno ELOOP). A component that exists but is not a folder gives
 * ENOTDIR. A ".." component below the root is refused (EINVAL).
 */
int folder_open(const char *path, bool create, struct buf *err);

/*
 * Opens the folder that holds path, as folder_open() does, and points
 * *base at path's last component (inside path). path must name something
 * in a folder: "" and a path ending in '/' are refused (EINVAL).
 */
int folder_open_parent(const char *path, const char **base, bool create,
		       struct buf *err);

/*
 * Opens the file path for reading ("rb") through folder_open_parent():
 * below the root no component is followed through a link, the file's
 * own name included (a link swapped in after folder_refuse_links()
 * fails with ELOOP and "<path>: a symbolic link below the output
 * folder; huifang does not follow it"); elsewhere links are followed, as
 * fopen() does. NULL with errno set and "<path>: <cause>" appended to
 * err (which may be NULL).
 */
FILE *folder_fopen_read(const char *path, struct buf *err);

/*
 * Walks the tree below path (the output folder) without following links
 * and refuses the first symlink it meets, names in byte order: -1 with
 * "<link>: a symbolic link below the output folder; huifang does not
 * follow it" appended to err (errno ELOOP). huifang itself never makes a
 * link there, so any link is someone else's. A missing path is fine (0).
 * Commands call it with the run lock held, before writing anything,
 * so a planted link stops the run at once, naming it, rather than half
 * way through; folder_open() still guards every later step.
 */
int folder_refuse_links(const char *path, struct buf *err);

/* True when path is the root or lies below it. */
bool folder_below_root(const char *path);

#endif
