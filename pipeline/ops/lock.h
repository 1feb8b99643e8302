/*
 * lock.h - one huifang run at a time per output folder.
 *
 * A run that writes under an output folder first takes the lock
 * "<output>/.huifang.lock": a file locked with flock(LOCK_EX | LOCK_NB)
 * that records the holder's pid and start time. Taking it never waits; a
 * second run is refused at once with a description of the holder, e.g.
 *
 *   another huifang run (pid 1234, started 2026-11-26 02:00:01) holds output/.huifang.lock
 *
 * and the command exits 75 (EX_TEMPFAIL). The lock belongs to the open
 * file, so when the holder dies (even by SIGKILL) the kernel releases it:
 * a stale lock file never blocks anyone, and the next run simply takes it
 * over and writes its own pid. The file itself is never removed (removing
 * a flock()ed file lets two runs hold locks on two different files).
 *
 * Calling order: lock_acquire() once, do the work, lock_release(). The
 * descriptor is close-on-exec, so programs the run starts do not inherit it.
 * Locks are per open file description: a child forked after lock_acquire()
 * shares its parent's lock; a process that opens the file itself does not.
 */
#ifndef HUIFANG_LOCK_H
#define HUIFANG_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"

#define LOCK_FILE_NAME ".huifang.lock"

struct lock {
	int fd;        /* -1 when not held */
	char *path;    /* "<output>/.huifang.lock", owned; NULL when not held */
	bool busy;     /* after a failed lock_acquire: another run holds it */
};

/*
 * Creates the output folder if needed and takes its lock without waiting.
 * started is the holder's start time (seconds since the epoch, written in
 * China time as "YYYY-MM-DD HH:MM:SS"); callers pass the wall clock, tests
 * a fixed value.
 *
 * Returns 0 with the lock held. Returns -1 with lk->busy set when another
 * run holds it: err then receives the sentence above (the holder's pid and
 * start time are read from the file; if the holder has not written them
 * yet, the sentence leaves them out). Returns -1 with lk->busy clear when
 * the folder or the file cannot be created or locked: err receives
 * "<path>: <cause>". err is appended to, and owned by the caller.
 */
int lock_acquire(struct lock *lk, const char *output, int64_t started,
		 struct buf *err);

/*
 * Releases the lock and frees what lk owns. The lock file stays, emptied.
 * Safe to call on a lock that is not held.
 */
void lock_release(struct lock *lk);

#endif
