/*
 * outfile.c - write aside, then rename (see outfile.h).
 *
 * The temporary name starts with a dot and ends in ".tmp-<pid>-<n>" so that
 * a later run can recognise and remove leftovers of a killed one
 * (weekdir_cleanup), and so that a static web server's directory listing
 * does not show them. It lies in the final file's folder, so the rename is
 * within one file system and atomic; O_EXCL|O_NOFOLLOW mean a planted file
 * or symlink at the temporary name makes the open fail rather than write
 * through it. Renaming over a final path that is a symlink replaces the
 * link, never its target. Files get mode 0666 less the umask: the command
 * sets a restrictive umask (config "umask", default 027), as the reports
 * carry personal data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

static unsigned long tmp_counter;

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

bool outfile_fsync_enabled(void)
{
	/* Read each time: getenv is safe beside the writer threads, and one
	 * lookup costs nothing next to an fsync. */
	const char *v = getenv("HUIFANG_TEST_FSYNC");

	return !(v && strcmp(v, "0") == 0);
}

int outfile_fsync(int fd)
{
	return outfile_fsync_enabled() ? fsync(fd) : 0;
}

int fsync_dir(const char *dir, struct buf *err)
{
	int fd;

	if (!outfile_fsync_enabled())
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* Some file systems refuse fsync on directories; that is not fatal. */
	if (outfile_fsync(fd) < 0 && errno != EINVAL && errno != EROFS) {
		buf_addf(err, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int outfile_open(struct outfile *of, const char *path, struct buf *err)
{
	return outfile_open_mode(of, path, 0666, err);
}

int outfile_open_mode(struct outfile *of, const char *path, unsigned mode,
		      struct buf *err)
{
	const char *base = strrchr(path, '/');
	char *dir = dir_of(path);
	struct buf tmp = BUF_INIT;
	int fd;

	memset(of, 0, sizeof(*of));
	base = base ? base + 1 : path;
	buf_addf(&tmp, "%s/.%s.tmp-%ld-%lu", dir, base, (long)getpid(),
		 ++tmp_counter);
	free(dir);
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  (mode_t)mode);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	of->fp = fdopen(fd, "wb");
	if (!of->fp) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.s);
		buf_release(&tmp);
		return -1;
	}
	of->path = xstrdup(path);
	of->tmp_path = buf_detach(&tmp, NULL);
	return 0;
}

int outfile_write(struct outfile *of, const void *data, size_t len)
{
	if (of->failed)
		return -1;
	errno = 0;
	if (len && fwrite(data, 1, len, of->fp) != len) {
		of->failed = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static void outfile_free(struct outfile *of)
{
	free(of->path);
	free(of->tmp_path);
	memset(of, 0, sizeof(*of));
}

void outfile_rollback(struct outfile *of)
{
	if (of->fp)
		fclose(of->fp);
	if (of->tmp_path)
		unlink(of->tmp_path);
	outfile_free(of);
}

int outfile_commit(struct outfile *of, struct buf *err)
{
	char *dir;
	int saved;

	if (!of->fp) {
		saved = EBADF;
		goto fail;
	}
	/*
	 * Each step's own errno is the cause to report: a full disk shows as
	 * ENOSPC from the write, the flush, the fsync or even the close (NFS
	 * reports late), and the message must say so, not "Success".
	 */
	if (of->failed) {
		saved = of->failed;
		goto fail;
	}
	errno = 0;
	if (ferror(of->fp)) {
		saved = EIO;
		goto fail;
	}
	if (fflush(of->fp) != 0 || outfile_fsync(fileno(of->fp)) != 0) {
		saved = errno ? errno : EIO;
		goto fail;
	}
	if (fclose(of->fp) != 0) {
		of->fp = NULL;
		saved = errno ? errno : EIO;
		goto fail;
	}
	of->fp = NULL;
	if (rename(of->tmp_path, of->path) != 0) {
		saved = errno;
		goto fail;
	}
	dir = dir_of(of->path);
	if (fsync_dir(dir, err) < 0) {
		free(dir);
		outfile_free(of);
		return -1;
	}
	free(dir);
	outfile_free(of);
	return 0;
fail:
	buf_addf(err, "%s: %s", of->path ? of->path : "(not open)",
		 strerror(saved));
	outfile_rollback(of);
	return -1;
}

int outfile_write_all(const char *path, const void *data, size_t len,
		      struct buf *err)
{
	struct outfile of;

	if (outfile_open(&of, path, err) < 0)
		return -1;
	outfile_write(&of, data, len);
	return outfile_commit(&of, err);
}

int mkdir_p(const char *path, struct buf *err)
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
					buf_addf(err, "%s: %s", p,
						 strerror(cause));
					ret = -1;
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
