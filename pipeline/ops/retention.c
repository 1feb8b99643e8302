/*
 * retention.c - delete week folders beyond the last N (see retention.h).
 *
 * The name test is deliberately textual and strict (SPEC: ^\d{4}-W\d{2}$):
 * "2026-W47-old", "2026-W47 (copy)" or ".2026-W47.tmp-1" are never taken
 * for weeks, so a folder an administrator parked beside the weeks is safe.
 * Only real directories count, judged with lstat(), so a symlink named
 * like a week cannot make us delete what it points to.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/retention.h"
#include "ops/weekdir.h"
#include "util/folder.h"
#include "util/xalloc.h"
#include "util/banned.h"

bool retention_is_week_name(const char *name)
{
	static const char shape[] = "dddd-Wdd";
	size_t i;

	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd') {
			if (name[i] < '0' || name[i] > '9')
				return false;
		} else if (name[i] != shape[i]) {
			return false;
		}
	}
	return name[i] == '\0';
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Renames weeks/<week> aside, then removes it; 0 or -1 with err set. The
 * rename is relative to the weeks folder's descriptor, opened without
 * following links (folder.h), and remove_tree() enters it the same way.
 */
static int delete_week(const char *weeks, const char *week, struct buf *err)
{
	struct buf path = BUF_INIT, aside = BUF_INIT;
	int fd, ret = -1;

	buf_addf(&path, "%s/%s", weeks, week);
	buf_addf(&aside, "%s/.%s.tmp-%ld", weeks, week, (long)getpid());
	if (remove_tree(aside.s, err) < 0)
		goto out;
	fd = folder_open(weeks, false, err);
	if (fd < 0)
		goto out;
	if (renameat(fd, week, fd, strrchr(aside.s, '/') + 1) < 0) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	if (remove_tree(aside.s, err) < 0)
		goto out;
	ret = 0;
out:
	buf_release(&path);
	buf_release(&aside);
	return ret;
}

int retention_list_weeks(const char *output, struct string_list *weeks,
			 struct buf *err)
{
	struct buf dir_path = BUF_INIT, why = BUF_INIT;
	struct dirent *de;
	struct stat st;
	DIR *dir;
	size_t first = weeks->nr;
	int fd, ret = -1;

	buf_addf(&dir_path, "%s/weeks", output);
	fd = folder_open(dir_path.s, false, &why);
	if (fd < 0) {
		if (errno == ENOENT)
			ret = 0;
		else
			buf_add(err, why.s, why.len);
		goto out;
	}
	dir = fdopendir(fd);
	if (!dir) {
		buf_addf(err, "%s: %s", dir_path.s, strerror(errno));
		close(fd);
		goto out;
	}
	while ((de = readdir(dir))) {
		if (!retention_is_week_name(de->d_name))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			string_list_add(weeks, de->d_name);
	}
	closedir(dir);
	if (weeks->nr > first)
		qsort(weeks->items + first, weeks->nr - first,
		      sizeof(char *), by_name);
	ret = 0;
out:
	buf_release(&dir_path);
	buf_release(&why);
	return ret;
}

int retention_apply(const char *output, unsigned keep,
		    struct string_list *removed, struct buf *err)
{
	struct string_list weeks_found = { 0 };
	struct buf weeks = BUF_INIT, later = BUF_INIT;
	size_t i;
	int ret = -1, deleted = 0, failed = 0;

	if (keep == 0) {
		ret = 0;
		goto out;
	}
	if (retention_list_weeks(output, &weeks_found, err) < 0)
		goto out;
	if (weeks_found.nr <= keep) {
		ret = 0;
		goto out;
	}
	buf_addf(&weeks, "%s/weeks", output);
	for (i = 0; i < weeks_found.nr - keep; i++) {
		if (delete_week(weeks.s, weeks_found.items[i],
				failed ? &later : err) < 0) {
			failed = 1;
			continue;
		}
		deleted++;
		if (removed)
			string_list_add(removed, weeks_found.items[i]);
	}
	ret = failed ? -1 : deleted;
out:
	string_list_clear(&weeks_found);
	buf_release(&weeks);
	buf_release(&later);
	return ret;
}
