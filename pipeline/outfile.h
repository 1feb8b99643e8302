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
 * outfile_open creates "<dir>/.<name>.tmp-<pid>-<n>" with O_EXCL|O_NOFOLLOW
 * and mode 0666 (the umask applies); commit flushes, fsyncs, closes checking
 * the result, renames over the final path and fsyncs the directory. On any
 * failure the temporary file is removed and the final path is untouched.
 * Errors are described in err (a buf the caller owns) as
 * "<path>: <cause>", and the call returns -1.
 */
#ifndef HUIFANG_OUTFILE_H
#define HUIFANG_OUTFILE_H

#include <stdio.h>
#include <stddef.h>

#include "buf.h"

struct outfile {
	FILE *fp;
	char *path;     /* final path, owned */
	char *tmp_path; /* owned */
	int failed;     /* a write failed; commit will refuse */
};

int outfile_open(struct outfile *of, const char *path, struct buf *err);
int outfile_write(struct outfile *of, const void *data, size_t len);
int outfile_commit(struct outfile *of, struct buf *err);
void outfile_rollback(struct outfile *of);

/* Writes data to path atomically in one call. */
int outfile_write_all(const char *path, const void *data, size_t len,
		      struct buf *err);

/* mkdir -p; 0 or -1 with err set. */
int mkdir_p(const char *path, struct buf *err);

/* fsyncs a directory; 0 or -1 with err set. */
int fsync_dir(const char *dir, struct buf *err);

#endif
