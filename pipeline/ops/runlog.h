/*
 * runlog.h - the run log and the terminal progress indicator.
 *
 * Under cron huifang prints one summary line and errors; everything else a
 * night's run has to say goes to a log file under the output folder:
 *
 *   <output>/logs/huifang-YYYY-MM-DD.log
 *
 * one file per day (China time), appended to, one line per event:
 *
 *   2026-11-26 02:00:03 nightly: 2026-W47 issued, 48213 rows, 12 rejected
 *
 * The caller passes the time of each line: the wall clock for a real run
 * (a log says when things happened, so it is the one output that is not a
 * function of --as-of; the run writes its as-of into its first line), a
 * fixed time in tests. Each line goes out in a single write() on an
 * O_APPEND descriptor, so a line is never torn, and it is on disk as soon
 * as runlog_line() returns (no stdio buffer to lose to a SIGKILL).
 * Personal data never goes into the log: callers log counts, week names
 * and file names, not ticket contents.
 *
 * Progress: when stderr is a terminal, runlog_progress() redraws one line
 * "\r<stage>: 45% (1234/5678)" there, and runlog_progress_end() erases it;
 * when it is not (cron, systemd, a pipe), both do nothing.
 *
 * Calling order: runlog_open(), any number of runlog_line() and
 * runlog_progress(), runlog_close(). A struct runlog that failed to open
 * (or was zeroed with RUNLOG_INIT) accepts every call and writes nothing,
 * so a run whose log cannot be written still runs and reports that once.
 */
#ifndef HUIFANG_RUNLOG_H
#define HUIFANG_RUNLOG_H

#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

struct runlog {
	int fd;            /* the log file; -1 when there is none */
	char *path;        /* owned; NULL when there is none */
	FILE *progress;    /* stderr when it is a terminal, else NULL */
	int shown;         /* a progress line is on the terminal */
	int last_percent;  /* of the progress line shown */
};

#define RUNLOG_INIT { -1, NULL, NULL, 0, -1 }

/*
 * Creates <output>/logs/ if needed and opens (appending, creating with mode
 * 0666 less the umask, never through a symlink) the log of the day of now
 * in China time. Sets rl->progress to stderr if stderr is a terminal.
 * Returns 0, or -1 with "<path>: <cause>" appended to err; rl is then
 * usable but writes no file (progress still works).
 */
int runlog_open(struct runlog *rl, const char *output, int64_t now,
		struct buf *err);

/*
 * Appends "YYYY-MM-DD HH:MM:SS <text>\n" (now in China time); a text of
 * several lines gets the time stamp on each. Erases a progress line first.
 * Returns 0, or -1 when the write failed (the caller may say so once).
 */
int runlog_line(struct runlog *rl, int64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Shows "<stage>: P% (done/total)" on the terminal, redrawing only when
 * the percentage changes. total 0 shows just the count.
 */
void runlog_progress(struct runlog *rl, const char *stage, uint64_t done,
		     uint64_t total);

/* Erases the progress line, if one is shown. */
void runlog_progress_end(struct runlog *rl);

/* Erases the progress line, closes the file, frees what rl owns. */
void runlog_close(struct runlog *rl);

#endif
