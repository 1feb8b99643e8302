/*
 * weekdir.c - staging, publishing and cleaning up whole folders (see
 * weekdir.h).
 *
 * Invariants. Every name this file creates beside a final folder starts
 * with '.' and ends in ".tmp-<pid>" (work in progress, or a replaced folder
 * waiting to be removed after an exchange) or ".old-<pid>" (a replaced
 * folder that was renamed aside); at any moment, the final folder, or
 * failing that its ".old" folder, is a complete week. Nothing here follows
 * a symlink below the folder it was given: the walks use openat() with
 * O_NOFOLLOW and fstatat() with AT_SYMLINK_NOFOLLOW, and remove a symlink
 * itself rather than what it points to.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/chtime.h"
#include "model/period.h"
#include "util/folder.h"
#include "util/string_list.h"
#include "util/outfile.h"
#include "ops/weekdir.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define HF_RENAME_EXCHANGE (1 << 1)

enum leftover { NOT_LEFTOVER, LEFTOVER_TMP, LEFTOVER_OLD };

static enum leftover classify(const char *name, long *pid, char **base);

static bool exchange_disabled, links_disabled;

void weekdir_test_disable_exchange(bool disable)
{
	exchange_disabled = disable;
}

void weekdir_test_disable_links(bool disable)
{
	links_disabled = disable;
}

/*
 * Swaps two existing names of the folder dirfd atomically; -1 with errno
 * when not possible.
 */
static int exchange(int dirfd, const char *a, const char *b)
{
	if (exchange_disabled) {
		errno = EINVAL;
		return -1;
	}
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, dirfd, a, dirfd, b,
			    HF_RENAME_EXCHANGE);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Opens the directory fd (closed with the stream) and collects the names
 * of its entries but "." and "..": collect first, for removing or adding
 * while reading leaves readdir unspecified. NULL with "<shown>: <cause>"
 * appended to err, fd closed, when fd cannot be read as a directory.
 */
static DIR *read_names(int fd, const char *shown, struct string_list *names,
		       struct buf *err)
{
	struct dirent *de;
	DIR *dir = fdopendir(fd);

	if (!dir) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		close(fd);
		return NULL;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			string_list_add(names, de->d_name);
	return dir;
}

static int remove_at(int dirfd, const char *name, const char *shown,
		     struct buf *err);

/* Removes every entry of the open directory fd (which it closes). */
static int empty_dir(int fd, const char *shown, struct buf *err)
{
	struct string_list names = { 0 };
	struct buf child = BUF_INIT;
	DIR *dir = read_names(fd, shown, &names, err);
	size_t i;
	int ret = 0;

	if (!dir)
		return -1;
	for (i = 0; i < names.nr; i++) {
		buf_reset(&child);
		buf_addf(&child, "%s/%s", shown, names.items[i]);
		if (remove_at(dirfd(dir), names.items[i], child.s, err) < 0 &&
		    ret == 0)
			ret = -1;
	}
	closedir(dir);
	string_list_clear(&names);
	buf_release(&child);
	return ret;
}

static int remove_at(int dirfd, const char *name, const char *shown,
		     struct buf *err)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		buf_addf(err, "%s: %s", shown, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) {
			buf_addf(err, "%s: %s", shown, strerror(errno));
			return -1;
		}
		return 0;
	}
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		return -1;
	}
	if (empty_dir(fd, shown, err) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		return -1;
	}
	return 0;
}

int remove_tree(const char *path, struct buf *err)
{
	struct buf ignored = BUF_INIT;
	char *copy = xstrdup(path);
	size_t n = strlen(copy);
	const char *base;
	int fd, ret;

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	/* The folder holding it is entered as folder.h does, links refused. */
	fd = folder_open_parent(copy, &base, false, &ignored);
	if (fd < 0) {
		ret = errno == ENOENT ? 0 : -1;
		if (ret < 0)
			buf_add(err, ignored.s, ignored.len);
	} else {
		ret = remove_at(fd, base, copy, err);
		close(fd);
	}
	buf_release(&ignored);
	free(copy);
	return ret;
}

void weekdir_release(struct weekdir *wd)
{
	free(wd->parent);
	free(wd->name);
	free(wd->final_path);
	free(wd->stage_path);
	memset(wd, 0, sizeof(*wd));
}

int stagedir_begin(struct weekdir *wd, const char *parent, const char *name,
		   struct buf *err)
{
	struct buf path = BUF_INIT;
	const char *stage_name;
	int pfd;

	memset(wd, 0, sizeof(*wd));
	if (!*name || name[0] == '.' || strchr(name, '/')) {
		buf_addf(err, "'%s': not a plain folder name", name);
		return -1;
	}
	pfd = folder_open(parent, true, err);
	if (pfd < 0)
		return -1;
	wd->parent = xstrdup(parent);
	wd->name = xstrdup(name);
	buf_addf(&path, "%s/%s", parent, name);
	wd->final_path = buf_detach(&path, NULL);
	buf_addf(&path, "%s/.%s.tmp-%ld", parent, name, (long)getpid());
	wd->stage_path = buf_detach(&path, NULL);
	stage_name = strrchr(wd->stage_path, '/') + 1;
	/* Ours by pid, so a leftover of an earlier process: not a live run. */
	if (remove_at(pfd, stage_name, wd->stage_path, err) < 0)
		goto fail;
	if (mkdirat(pfd, stage_name, 0777) < 0) {
		buf_addf(err, "%s: %s", wd->stage_path, strerror(errno));
		goto fail;
	}
	close(pfd);
	return 0;
fail:
	close(pfd);
	weekdir_release(wd);
	return -1;
}

/*
 * The folder of a period's id below output ("weeks" or "periods"), or
 * NULL when id is not exactly the canonical text of a week, a month or a
 * quarter.
 */
const char *weekdir_folder_of(const char *id)
{
	struct period p;
	char canon[PERIOD_ID_SIZE];

	if (period_parse(id, &p) < 0)
		return NULL;
	period_format(p, canon);
	if (strcmp(canon, id))
		return NULL;
	return p.kind == PERIOD_WEEK ? "weeks" : "periods";
}

int weekdir_begin(struct weekdir *wd, const char *output, const char *week,
		  struct buf *err)
{
	struct buf parent = BUF_INIT;
	int ret;

	const char *folder = weekdir_folder_of(week);

	if (!folder) {
		memset(wd, 0, sizeof(*wd));
		buf_addf(err, "'%s': not a week (want YYYY-Www, YYYY-MM or "
			 "YYYY-Qn)", week);
		return -1;
	}
	buf_addf(&parent, "%s/%s", output, folder);
	ret = stagedir_begin(wd, parent.s, week, err);
	buf_release(&parent);
	return ret;
}

/* Copies the regular file name from sfd to dfd (for file systems without links). */
static int copy_file_at(int sfd, int dfd, const char *name, const char *shown,
			struct buf *err)
{
	char chunk[65536];
	ssize_t n = 0;
	struct stat st;
	int in, out, ret = -1;

	in = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	/* The copy is no more open than the file: audit sheets stay 0600. */
	out = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, st.st_mode & 0666);
	if (out < 0) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		close(in);
		return -1;
	}
	errno = 0;
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		if (write(out, chunk, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n < 0 || outfile_fsync(out) < 0) {
		buf_addf(err, "%s: %s", shown, strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	if (close(out) < 0 && ret == 0) {
		buf_addf(err, "%s: %s", shown, strerror(errno));
		ret = -1;
	}
	close(in);
	return ret;
}

/* Links (or copies) the tree of the open folder sfd into dfd; closes both. */
static int carry_dir(int sfd, int dfd, const char *shown, struct buf *err)
{
	struct string_list names = { 0 };
	struct buf child = BUF_INIT;
	struct stat st;
	DIR *dir = read_names(sfd, shown, &names, err);
	size_t i;
	int ret = 0;

	if (!dir) {
		close(dfd);
		return -1;
	}
	for (i = 0; i < names.nr && ret == 0; i++) {
		const char *name = names.items[i];
		char *base = NULL;
		long pid;

		if (classify(name, &pid, &base) != NOT_LEFTOVER) {
			free(base);
			continue;
		}
		buf_reset(&child);
		buf_addf(&child, "%s/%s", shown, name);
		if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			buf_addf(err, "%s: %s", child.s, strerror(errno));
			ret = -1;
		} else if (S_ISREG(st.st_mode)) {
			if (links_disabled ||
			    linkat(dirfd(dir), name, dfd, name, 0) < 0)
				ret = copy_file_at(dirfd(dir), dfd, name,
						   child.s, err);
		} else if (S_ISDIR(st.st_mode)) {
			int s2, d2;

			if (mkdirat(dfd, name, 0777) < 0) {
				buf_addf(err, "%s: %s", child.s, strerror(errno));
				ret = -1;
				continue;
			}
			s2 = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			d2 = openat(dfd, name, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0) {
				buf_addf(err, "%s: %s", child.s, strerror(errno));
				if (s2 >= 0)
					close(s2);
				if (d2 >= 0)
					close(d2);
				ret = -1;
				continue;
			}
			ret = carry_dir(s2, d2, child.s, err);
		}
	}
	closedir(dir);
	close(dfd);
	string_list_clear(&names);
	buf_release(&child);
	return ret;
}

int weekdir_carry_over(struct weekdir *wd, struct buf *err)
{
	int sfd, dfd;

	struct buf missing = BUF_INIT;

	sfd = folder_open(wd->final_path, false, &missing);
	if (sfd < 0) {
		if (errno != ENOENT)
			buf_add(err, missing.s, missing.len);
		buf_release(&missing);
		return errno == ENOENT ? 0 : -1;
	}
	buf_release(&missing);
	dfd = folder_open(wd->stage_path, false, err);
	if (dfd < 0) {
		close(sfd);
		return -1;
	}
	return carry_dir(sfd, dfd, wd->final_path, err);
}

int weekdir_mark_issued(struct weekdir *wd, int64_t as_of, struct buf *err)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	char when[CHTIME_BUF];
	int ret;

	chtime_format(as_of, when);
	buf_addf(&text, "as_of %s\n", when);
	buf_addf(&path, "%s/%s", wd->stage_path, WEEKDIR_ISSUED_MARK);
	ret = outfile_write_all(path.s, text.s, text.len, err);
	buf_release(&path);
	buf_release(&text);
	return ret;
}

void weekdir_abort(struct weekdir *wd)
{
	struct buf ignored = BUF_INIT;

	if (wd->stage_path)
		remove_tree(wd->stage_path, &ignored);
	buf_release(&ignored);
	weekdir_release(wd);
}

/* fsyncs the folder fd; some file systems refuse, which is not fatal. */
static void sync_folder(int fd)
{
	if (outfile_fsync(fd) < 0) {
		/* The names are in place; only their durability is unsure. */
	}
}

int weekdir_publish(struct weekdir *wd, struct buf *err)
{
	struct buf old = BUF_INIT, ignored = BUF_INIT;
	const char *stage = strrchr(wd->stage_path, '/') + 1;
	const char *final = wd->name;
	struct stat st;
	int pfd, ret = -1;

	/*
	 * Every rename below is relative to the parent's descriptor, opened
	 * once without following links (folder.h): the names cannot be
	 * redirected between the checks and the renames.
	 */
	pfd = folder_open(wd->parent, false, err);
	if (pfd < 0) {
		weekdir_release(wd);
		return -1;
	}
	/* The files are synced by outfile; their names live in the folder. */
	if (fsync_dir(wd->stage_path, err) < 0)
		goto out;
	if (fstatat(pfd, final, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) {
			buf_addf(err, "%s: %s", wd->final_path, strerror(errno));
			goto out;
		}
		if (renameat(pfd, stage, pfd, final) < 0) {
			buf_addf(err, "%s: %s", wd->final_path, strerror(errno));
			goto out;
		}
		/* In place: a failed directory sync cannot undo that. */
		sync_folder(pfd);
		ret = 0;
		goto out;
	}
	if (exchange(pfd, stage, final) == 0) {
		/* The stage name now holds the previous folder, removed below. */
		sync_folder(pfd);
		ret = 0;
		goto out;
	}
	/*
	 * No exchange here (an old kernel, NFS): rename the previous folder
	 * aside, then the new one in. Killed in between, the next cleanup
	 * finds the final name missing and puts ".old" back.
	 */
	buf_addf(&old, ".%s.old-%ld", wd->name, (long)getpid());
	if (remove_at(pfd, old.s, old.s, err) < 0)
		goto out;
	if (renameat(pfd, final, pfd, old.s) < 0) {
		buf_addf(err, "%s: %s", wd->final_path, strerror(errno));
		goto out;
	}
	if (renameat(pfd, stage, pfd, final) < 0) {
		buf_addf(err, "%s: %s", wd->final_path, strerror(errno));
		if (renameat(pfd, old.s, pfd, final) < 0) {
			/* Left for weekdir_cleanup(), which restores it. */
		}
		goto out;
	}
	sync_folder(pfd);
	remove_at(pfd, old.s, old.s, &ignored);
	ret = 0;
out:
	/*
	 * Whatever the stage name holds now is not published: the new folder
	 * after a failure, the previous one after an exchange. A failure to
	 * remove it leaves a leftover for the next cleanup, nothing worse.
	 */
	remove_at(pfd, stage, wd->stage_path, &ignored);
	close(pfd);
	buf_release(&old);
	buf_release(&ignored);
	weekdir_release(wd);
	return ret;
}

/*
 * Opens <output>/<weeks|periods>/<id> through folder.h (no symlink
 * followed below the output); -1 when id is no period's id or the folder
 * cannot be opened (missing, not a folder, a link).
 */
static int open_period_folder(const char *output, const char *id)
{
	struct buf path = BUF_INIT, ignored = BUF_INIT;
	const char *folder = weekdir_folder_of(id);
	int fd;

	if (!folder)
		return -1;
	buf_addf(&path, "%s/%s/%s", output, folder, id);
	fd = folder_open(path.s, false, &ignored);
	buf_release(&path);
	buf_release(&ignored);
	return fd;
}

bool weekdir_exists(const char *output, const char *id)
{
	int fd = open_period_folder(output, id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool weekdir_is_issued(const char *output, const char *week)
{
	struct stat st;
	bool issued = false;
	int fd = open_period_folder(output, week);

	if (fd >= 0) {
		issued = fstatat(fd, WEEKDIR_ISSUED_MARK, &st,
				 AT_SYMLINK_NOFOLLOW) == 0 &&
			 S_ISREG(st.st_mode);
		close(fd);
	}
	return issued;
}

/*
 * Classifies a directory entry name: ".<x>.tmp-<pid>" and
 * ".<x>.tmp-<pid>-<n>" are LEFTOVER_TMP, ".<x>.old-<pid>" LEFTOVER_OLD; the
 * pid goes to *pid, and for an ".old" folder <x> to *base (owned by the
 * caller).
 */
static enum leftover classify(const char *name, long *pid, char **base)
{
	const char *dot, *p;
	enum leftover kind;
	int dashes = 0;

	if (name[0] != '.')
		return NOT_LEFTOVER;
	dot = strrchr(name, '.');
	if (dot == name)
		return NOT_LEFTOVER;
	if (!strncmp(dot, ".tmp-", 5))
		kind = LEFTOVER_TMP;
	else if (!strncmp(dot, ".old-", 5))
		kind = LEFTOVER_OLD;
	else
		return NOT_LEFTOVER;
	p = dot + 5;
	if (!isdigit((unsigned char)*p))
		return NOT_LEFTOVER;
	for (; *p; p++) {
		if (*p == '-' && isdigit((unsigned char)p[1]) && !dashes &&
		    kind == LEFTOVER_TMP)
			dashes++;
		else if (!isdigit((unsigned char)*p))
			return NOT_LEFTOVER;
	}
	if (dot - name < 2)
		return NOT_LEFTOVER;
	*pid = strtol(dot + 5, NULL, 10);
	if (kind == LEFTOVER_OLD)
		*base = xstrndup(name + 1, (size_t)(dot - name - 1));
	return kind;
}

static bool process_alive(long pid)
{
	if (pid <= 0 || pid != (long)(pid_t)pid)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/*
 * Whether a leftover of process pid is to be cleaned: a dead process's
 * (own false), or this process's own (own true: after running out of
 * memory, xalloc.h).
 */
static bool to_clean(long pid, bool own)
{
	return own ? pid == (long)getpid() : !process_alive(pid);
}

/* Cleans the open directory fd (closed here) and below; count in *done. */
static int cleanup_dir(int fd, const char *shown, bool own, int *done,
		       struct buf *err)
{
	struct string_list names = { 0 };
	struct buf child = BUF_INIT;
	struct stat st;
	DIR *dir = read_names(fd, shown, &names, err);
	size_t i;
	int ret = 0;

	if (!dir)
		return -1;
	/*
	 * Restore before removing: an ".old" folder whose final name is
	 * missing is the only copy of that week, whatever else lies around.
	 */
	for (i = 0; i < names.nr; i++) {
		const char *name = names.items[i];
		char *base = NULL;
		long pid;
		int rc = 0;

		buf_reset(&child);
		buf_addf(&child, "%s/%s", shown, name);
		switch (classify(name, &pid, &base)) {
		case LEFTOVER_OLD:
			if (!to_clean(pid, own))
				break;
			if (fstatat(dirfd(dir), base, &st,
				    AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT) {
				if (renameat(dirfd(dir), name, dirfd(dir),
					     base) < 0) {
					buf_addf(err, "%s: %s", child.s,
						 strerror(errno));
					rc = -1;
				}
			} else {
				rc = remove_at(dirfd(dir), name, child.s, err);
			}
			if (rc == 0)
				(*done)++;
			break;
		case LEFTOVER_TMP:
			if (!to_clean(pid, own))
				break;
			rc = remove_at(dirfd(dir), name, child.s, err);
			if (rc == 0)
				(*done)++;
			break;
		case NOT_LEFTOVER:
			break;
		}
		free(base);
		if (rc < 0 && ret == 0)
			ret = -1;
	}
	/* Then walk down into the real folders (restored ones included). */
	for (i = 0; i < names.nr; i++) {
		int sub;

		if (fstatat(dirfd(dir), names.items[i], &st,
			    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		sub = openat(dirfd(dir), names.items[i],
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		buf_reset(&child);
		buf_addf(&child, "%s/%s", shown, names.items[i]);
		if (cleanup_dir(sub, child.s, own, done, err) < 0 && ret == 0)
			ret = -1;
	}
	closedir(dir);
	string_list_clear(&names);
	buf_release(&child);
	return ret;
}

static int cleanup(const char *output, bool own, struct buf *err)
{
	int done = 0;
	int fd = open(output, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		buf_addf(err, "%s: %s", output, strerror(errno));
		return -1;
	}
	if (cleanup_dir(fd, output, own, &done, err) < 0)
		return -1;
	return done;
}

int weekdir_cleanup(const char *output, struct buf *err)
{
	return cleanup(output, false, err);
}

void weekdir_remove_own(void *output)
{
	struct buf ignored = BUF_INIT;

	cleanup(output, true, &ignored);
	buf_release(&ignored);
}
