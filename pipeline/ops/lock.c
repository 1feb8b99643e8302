/*
 * lock.c - the output folder's run lock (see lock.h).
 *
 * The file holds one line, "<pid> <YYYY-MM-DD HH:MM:SS>\n", written by the
 * holder right after flock() succeeds; it is only ever rewritten by a
 * process that holds the lock, so a reader that finds it non-empty reads a
 * line one holder wrote. A reader may come between the holder's flock()
 * and its write and find the file empty: it waits a little for the line,
 * then describes the holder without it rather than wait for ever.
 *
 * Invariant: lk->fd >= 0 exactly when this process holds the lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/chtime.h"
#include "ops/lock.h"
#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Reads the holder's line into out (at most size - 1 bytes); its length. */
static size_t read_holder(int fd, char *out, size_t size)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	ssize_t n = 0;
	int tries;

	for (tries = 0; tries < 10; tries++) {
		n = pread(fd, out, size - 1, 0);
		if (n > 0 && memchr(out, '\n', (size_t)n))
			break;
		nanosleep(&pause, NULL);
	}
	if (n < 0)
		n = 0;
	out[n] = '\0';
	return (size_t)n;
}

/* Describes the run holding path, from the line it wrote, into err. */
static void describe_holder(int fd, const char *path, struct buf *err)
{
	char line[128];
	char *end, *nl;
	long pid;

	read_holder(fd, line, sizeof(line));
	pid = strtol(line, &end, 10);
	nl = strchr(end, '\n');
	if (end != line && pid > 0 && *end == ' ' && nl) {
		*nl = '\0';
		buf_addf(err, "another huifang run (pid %ld, started %s) holds %s",
			 pid, end + 1, path);
	} else {
		buf_addf(err, "another huifang run holds %s", path);
	}
}

int lock_acquire(struct lock *lk, const char *output, int64_t started,
		 struct buf *err)
{
	struct buf path = BUF_INIT, line = BUF_INIT;
	char when[CHTIME_BUF];
	int fd = -1, ret = -1;

	lk->fd = -1;
	lk->path = NULL;
	lk->busy = false;
	if (mkdir_p(output, err) < 0)
		goto out;
	buf_addf(&path, "%s/%s", output, LOCK_FILE_NAME);
	fd = open(path.s, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			lk->busy = true;
			describe_holder(fd, path.s, err);
		} else {
			buf_addf(err, "%s: %s", path.s, strerror(errno));
		}
		goto out;
	}
	/*
	 * We hold it now: replace whatever a dead holder left with our line.
	 * A folder where this small write fails will not take the reports
	 * either, so the failure is the caller's "cannot write output".
	 */
	chtime_format(started, when);
	buf_addf(&line, "%ld %s\n", (long)getpid(), when);
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, line.s, line.len, 0) != (ssize_t)line.len) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		goto out;
	}
	lk->fd = fd;
	lk->path = buf_detach(&path, NULL);
	fd = -1;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	buf_release(&path);
	buf_release(&line);
	return ret;
}

void lock_release(struct lock *lk)
{
	if (lk->fd >= 0) {
		/* Empty it while still ours, so nobody reads a dead pid. */
		if (ftruncate(lk->fd, 0) < 0) {
			/* Harmless: the next holder rewrites the line. */
		}
		close(lk->fd);
	}
	free(lk->path);
	lk->fd = -1;
	lk->path = NULL;
}
