/*
 * folder.c - opening folders one component at a time (see folder.h).
 *
 * Invariant: below the root, a folder descriptor is only ever obtained by
 * openat() with O_NOFOLLOW from the descriptor of the folder above it, so
 * a symlink swapped in at any moment is met as ELOOP (or ENOTDIR) on that
 * component and refused; it is never resolved. mkdirat() creates a
 * missing folder in the folder already held, and a folder someone else
 * made in between (EEXIST) is then opened with the same check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/folder.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_CLOEXEC)
#define FOLDER_MAX_DEPTH 32

static char *root;

void folder_set_root(const char *path)
{
	size_t n;

	free(root);
	root = NULL;
	if (!path || !*path)
		return;
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	root = xstrndup(path, n);
}

const char *folder_root(void)
{
	return root;
}

bool folder_below_root(const char *path)
{
	size_t n;

	if (!root)
		return false;
	if (!strcmp(root, "/"))
		return path[0] == '/';
	n = strlen(root);
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

static int fail(struct buf *err, const char *shown, int cause)
{
	buf_addf(err, "%s: %s", shown, strerror(cause));
	errno = cause;
	return -1;
}

/*
 * mkdir -p with the ordinary resolution of paths (links followed), for
 * the root itself and for paths outside it.
 */
static int make_path(const char *path, struct buf *err)
{
	char *p = xstrdup(path);
	char *s;
	struct stat st;
	int ret = 0;

	if (!*p) {
		free(p);
		return 0;
	}
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char saved = *s;

			*s = '\0';
			if (mkdir(p, 0777) < 0) {
				int cause = errno;

				/* EEXIST is fine for a folder (or a link to one). */
				if (cause == EEXIST &&
				    (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)))
					cause = ENOTDIR;
				if (cause != EEXIST) {
					ret = fail(err, p, cause);
					break;
				}
			}
			*s = saved;
			if (!saved)
				break;
		}
	}
	free(p);
	return ret;
}

/* Opens path the ordinary way, making it first with create. */
static int open_plain(const char *path, bool create, struct buf *err)
{
	int fd;

	if (create && make_path(path, err) < 0)
		return -1;
	fd = open(*path ? path : ".", DIR_FLAGS);
	if (fd < 0)
		return fail(err, path, errno);
	return fd;
}

/*
 * Opens the component name of the folder fd (shown is its full path for
 * messages); -1 with err set, fd left open.
 */
static int open_component(int fd, const char *name, const char *shown,
			  bool create, struct buf *err)
{
	struct stat st;
	int next, cause;

	if (!strcmp(name, ".."))
		return fail(err, shown, EINVAL);
	next = openat(fd, name, DIR_FLAGS | O_NOFOLLOW);
	if (next < 0 && errno == ENOENT && create) {
		if (mkdirat(fd, name, 0777) < 0 && errno != EEXIST)
			return fail(err, shown, errno);
		next = openat(fd, name, DIR_FLAGS | O_NOFOLLOW);
	}
	if (next >= 0)
		return next;
	cause = errno;
	if ((cause == ELOOP || cause == ENOTDIR) &&
	    fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode)) {
		buf_addf(err, "%s: a symbolic link below the output folder; "
			 "huifang does not follow it", shown);
		errno = ELOOP;
		return -1;
	}
	return fail(err, shown, cause);
}

int folder_open(const char *path, bool create, struct buf *err)
{
	struct buf shown = BUF_INIT;
	const char *p, *end;
	char *name;
	int fd, next, cause;

	if (!folder_below_root(path))
		return open_plain(path, create, err);
	fd = open_plain(root, create, err);
	if (fd < 0)
		return -1;
	buf_adds(&shown, root);
	for (p = path + strlen(root); *p; p = end) {
		while (*p == '/')
			p++;
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		if (end == p || (end - p == 1 && *p == '.'))
			continue;
		name = xstrndup(p, (size_t)(end - p));
		buf_addf(&shown, "%s%s", shown.len && shown.s[shown.len - 1] ==
			 '/' ? "" : "/", name);
		next = open_component(fd, name, shown.s, create, err);
		cause = errno;
		free(name);
		close(fd);
		if (next < 0) {
			buf_release(&shown);
			errno = cause;
			return -1;
		}
		fd = next;
	}
	buf_release(&shown);
	return fd;
}

int folder_open_parent(const char *path, const char **base, bool create,
		       struct buf *err)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	int fd;

	*base = slash ? slash + 1 : path;
	if (!**base)
		return fail(err, *path ? path : "''", EINVAL);
	if (!slash)
		return open_plain(".", false, err);
	parent = slash == path ? xstrdup("/") :
		 xstrndup(path, (size_t)(slash - path));
	fd = folder_open(parent, create, err);
	free(parent);
	return fd;
}

FILE *folder_fopen_read(const char *path, struct buf *err)
{
	struct buf local = BUF_INIT;
	const char *base;
	bool below = folder_below_root(path);
	int dir, fd, cause;
	FILE *fp;

	dir = folder_open_parent(path, &base, false, err ? err : &local);
	buf_release(&local);
	if (dir < 0)
		return NULL;
	/* The last component is guarded as the folders above it are. */
	fd = openat(dir, base, O_RDONLY | O_NOCTTY | O_CLOEXEC |
		    (below ? O_NOFOLLOW : 0));
	cause = errno;
	close(dir);
	if (fd < 0) {
		if (err && cause == ELOOP && below)
			buf_addf(err, "%s: a symbolic link below the output "
				 "folder; huifang does not follow it", path);
		else if (err)
			buf_addf(err, "%s: %s", path, strerror(cause));
		errno = cause;
		return NULL;
	}
	fp = fdopen(fd, "rb");
	if (!fp) {
		cause = errno;
		close(fd);
		if (err)
			buf_addf(err, "%s: %s", path, strerror(cause));
		errno = cause;
	}
	return fp;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Looks for a symlink in the open folder fd (closed here) and below, names
 * in byte order; depth bounds the recursion on a hostile tree (deeper
 * folders are still guarded by folder_open() when they are used).
 */
static int find_link(int fd, struct buf *shown, unsigned depth,
		     struct buf *err)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;
	struct stat st;
	char **names = NULL;
	size_t n = 0, cap = 0, i, len = shown->len;
	int ret = 0;

	if (!dir) {
		close(fd);
		return fail(err, shown->s, errno);
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n && ret == 0; i++) {
		buf_setlen(shown, len);
		buf_addf(shown, "/%s", names[i]);
		if (fstatat(dirfd(dir), names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* gone meanwhile: nothing to follow */
		if (S_ISLNK(st.st_mode)) {
			buf_addf(err, "%s: a symbolic link below the output "
				 "folder; huifang does not follow it", shown->s);
			errno = ELOOP;
			ret = -1;
		} else if (S_ISDIR(st.st_mode) && depth < FOLDER_MAX_DEPTH) {
			int sub = openat(dirfd(dir), names[i],
					 DIR_FLAGS | O_NOFOLLOW);

			if (sub >= 0)
				ret = find_link(sub, shown, depth + 1, err);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dir);
	buf_setlen(shown, len);
	return ret;
}

int folder_refuse_links(const char *path, struct buf *err)
{
	struct buf shown = BUF_INIT;
	int fd, ret;

	fd = open(path, DIR_FLAGS);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail(err, path, errno);
	buf_adds(&shown, path);
	while (shown.len > 1 && shown.s[shown.len - 1] == '/')
		buf_setlen(&shown, shown.len - 1);
	ret = find_link(fd, &shown, 0, err);
	buf_release(&shown);
	return ret;
}
