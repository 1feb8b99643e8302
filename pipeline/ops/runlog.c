/*
 * runlog.c - the day's log file and the progress line (see runlog.h).
 *
 * Invariant: rl->fd >= 0 exactly when rl->path is set. The progress line
 * is erased before a log line is written and at close, so what the
 * terminal shows at the end is the summary, not a stale "87%".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/chtime.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "ops/runlog.h"
#include "util/xalloc.h"
#include "util/banned.h"

int runlog_open(struct runlog *rl, const char *output, int64_t now,
		struct buf *err)
{
	struct buf path = BUF_INIT;
	char day[CHTIME_BUF];
	int dfd, ret = -1;

	rl->fd = -1;
	rl->path = NULL;
	rl->shown = 0;
	rl->last_percent = -1;
	rl->progress = isatty(STDERR_FILENO) ? stderr : NULL;
	buf_addf(&path, "%s/logs", output);
	/* Entered without following links (folder.h), made if missing. */
	dfd = folder_open(path.s, true, err);
	if (dfd < 0)
		goto out;
	chtime_format_date(now, day);
	buf_addf(&path, "/huifang-%s.log", day);
	rl->fd = openat(dfd, strrchr(path.s, '/') + 1, O_WRONLY | O_APPEND |
			O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	close(dfd);
	if (rl->fd < 0) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		goto out;
	}
	rl->path = buf_detach(&path, NULL);
	ret = 0;
out:
	buf_release(&path);
	return ret;
}

int runlog_line(struct runlog *rl, int64_t now, const char *fmt, ...)
{
	struct buf text = BUF_INIT, line = BUF_INIT;
	char when[CHTIME_BUF];
	const char *p, *nl;
	va_list ap;
	ssize_t n;
	int ret = 0;

	runlog_progress_end(rl);
	if (rl->fd < 0)
		return 0;
	va_start(ap, fmt);
	buf_vaddf(&text, fmt, ap);
	va_end(ap);
	chtime_format(now, when);
	for (p = text.s; ; p = nl + 1) {
		nl = strchr(p, '\n');
		buf_addf(&line, "%s %.*s\n", when,
			 (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		if (!nl || !nl[1])
			break;
	}
	/* One write: O_APPEND keeps the line whole even beside another writer. */
	n = write(rl->fd, line.s, line.len);
	if (n < 0 || (size_t)n != line.len)
		ret = -1;
	buf_release(&text);
	buf_release(&line);
	return ret;
}

void runlog_progress(struct runlog *rl, const char *stage, uint64_t done,
		     uint64_t total)
{
	int percent;

	if (!rl->progress)
		return;
	if (total) {
		percent = (int)(done >= total ? 100 : done * 100 / total);
		if (rl->shown && percent == rl->last_percent)
			return;
		fprintf(rl->progress, "\r%s: %d%% (%llu/%llu)\033[K", stage,
			percent, (unsigned long long)done,
			(unsigned long long)total);
	} else {
		percent = -1;
		fprintf(rl->progress, "\r%s: %llu\033[K", stage,
			(unsigned long long)done);
	}
	fflush(rl->progress);
	rl->last_percent = percent;
	rl->shown = 1;
}

void runlog_progress_end(struct runlog *rl)
{
	if (!rl->progress || !rl->shown)
		return;
	fputs("\r\033[K", rl->progress);
	fflush(rl->progress);
	rl->shown = 0;
	rl->last_percent = -1;
}

void runlog_close(struct runlog *rl)
{
	runlog_progress_end(rl);
	if (rl->fd >= 0)
		close(rl->fd);
	free(rl->path);
	rl->fd = -1;
	rl->path = NULL;
}
