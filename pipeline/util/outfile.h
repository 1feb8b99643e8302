/*
 * outfile.h - atomic output files.
 *
 * Every file huifang writes goes through here, so that a reader (a person,
 * a web server serving output/site/) never sees half a file:
 *
 *   struct outfile of;
 *   if (outfile_open(&of, "output/weeks/2026-W47/metrics.json", err) < 0) ...
 *   fwrite(..., of.fp);            -- or outfile_write()
 *   if (outfile_commit(&of, err) < 0) ...   -- or outfile_rollback(&of)
 *
 * outfile_open opens the file's folder through folder.h (so no symlink
 * below the output folder is followed), creates ".<name>.tmp-<pid>-<n>" in
 * it with O_EXCL|O_NOFOLLOW and mode 0666 (the umask applies); commit
 * flushes, fsyncs, closes checking the result, renames over the final name
 * within the same folder descriptor and fsyncs the folder. On any
 * failure before the rename the temporary file is removed and the final
 * path is untouched; the cause is the failing step's errno (a full disk
 * reads "No space left on device" whether the write, the flush, the fsync
 * or the close noticed it). Only a failed fsync of the folder after the
 * rename leaves the new file in place while returning -1. Errors are
 * described in err (a buf the caller owns) as "<path>: <cause>", and the
 * call returns -1.
 *
 * Every fsync of huifang goes through outfile_fsync(). The environment
 * switch HUIFANG_TEST_FSYNC=0 turns them all off, for the test suite only
 * (as git's GIT_TEST_FSYNC): the suite writes thousands of files whose
 * durability nobody needs, and waiting for the disk made up much of its
 * time. Unset, or any other value, keeps every fsync: the product's
 * default never changes.
 */
#ifndef HUIFANG_OUTFILE_H
#define HUIFANG_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

#include "util/buf.h"

struct outfile {
	FILE *fp;
	int dirfd;      /* the folder both names live in (folder.h), owned */
	char *path;     /* final path, owned */
	char *name;     /* its last component, owned */
	char *tmp_name; /* the temporary file's name in dirfd, owned */
	char *tmp_path; /* the same as a path, for messages and tests; owned */
	int failed;     /* errno of the first failed write; commit refuses */
};

/* Opens the temporary file for path; 0, or -1 with err set and of empty. */
int outfile_open(struct outfile *of, const char *path, struct buf *err);
/*
 * The same with mode instead of 0666 (the umask still applies), for files
 * that must be stricter than the reports, like the audit sheets (0600).
 */
int outfile_open_mode(struct outfile *of, const char *path, unsigned mode,
		      struct buf *err);
/*
 * Writes len bytes; 0, or -1 once any write has failed (the error is kept
 * for outfile_commit to report, so callers may write on unchecked).
 */
int outfile_write(struct outfile *of, const void *data, size_t len);
/* Publishes the file as described above and frees of; 0 or -1. */
int outfile_commit(struct outfile *of, struct buf *err);
/* Removes the temporary file and frees of; the final path is untouched. */
void outfile_rollback(struct outfile *of);

/* Writes data to path atomically in one call. */
int outfile_write_all(const char *path, const void *data, size_t len,
		      struct buf *err);

/*
 * mkdir -p (mode 0777 less the umask) through folder_open(), so below the
 * output folder a symlink is refused rather than followed; 0 or -1 with
 * err set, also when a component exists but is not a folder.
 */
int mkdir_p(const char *path, struct buf *err);

/* fsyncs a directory; 0 or -1 with err set. */
int fsync_dir(const char *dir, struct buf *err);

/* Whether fsyncs happen: false only when HUIFANG_TEST_FSYNC is "0". */
bool outfile_fsync_enabled(void);
/* fsync(fd) when they happen, else 0; -1 with errno set on failure. */
int outfile_fsync(int fd);

#endif
