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

#include "util/folder.h"
#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

static unsigned long tmp_counter;

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
	fd = folder_open(dir, false, err);
	if (fd < 0)
		return -1;
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
	const char *base;
	struct buf tmp = BUF_INIT;
	int fd, dirfd;

	memset(of, 0, sizeof(*of));
	of->dirfd = -1;
	dirfd = folder_open_parent(path, &base, false, &tmp);
	if (dirfd < 0) {
		/* A refused link names itself; otherwise name the file. */
		if (errno == ELOOP)
			buf_add(err, tmp.s, tmp.len);
		else
			buf_addf(err, "%s: %s", path, strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	buf_reset(&tmp);
	buf_addf(&tmp, ".%s.tmp-%ld-%lu", base, (long)getpid(), ++tmp_counter);
	fd = openat(dirfd, tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	of->fp = fdopen(fd, "wb");
	if (!of->fp) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		close(fd);
		unlinkat(dirfd, tmp.s, 0);
		goto fail;
	}
	of->dirfd = dirfd;
	of->path = xstrdup(path);
	of->name = xstrdup(base);
	of->tmp_name = buf_detach(&tmp, NULL);
	buf_addf(&tmp, "%.*s%s", (int)(base - path), path, of->tmp_name);
	of->tmp_path = buf_detach(&tmp, NULL);
	return 0;
fail:
	close(dirfd);
	buf_release(&tmp);
	return -1;
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
	/* A struct outfile the caller zeroed holds no descriptor (not fd 0). */
	if (of->path && of->dirfd >= 0)
		close(of->dirfd);
	free(of->path);
	free(of->name);
	free(of->tmp_name);
	free(of->tmp_path);
	memset(of, 0, sizeof(*of));
	of->dirfd = -1;
}

void outfile_rollback(struct outfile *of)
{
	if (of->fp)
		fclose(of->fp);
	if (of->path && of->tmp_name && of->dirfd >= 0)
		unlinkat(of->dirfd, of->tmp_name, 0);
	outfile_free(of);
}

int outfile_commit(struct outfile *of, struct buf *err)
{
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
	if (renameat(of->dirfd, of->tmp_name, of->dirfd, of->name) != 0) {
		saved = errno;
		goto fail;
	}
	/* Some file systems refuse fsync on directories; that is not fatal. */
	if (outfile_fsync(of->dirfd) < 0 && errno != EINVAL && errno != EROFS) {
		buf_addf(err, "%s: %s", of->path, strerror(errno));
		outfile_free(of);
		return -1;
	}
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
	int fd;

	if (!*path)
		return 0;
	fd = folder_open(path, true, err);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}
