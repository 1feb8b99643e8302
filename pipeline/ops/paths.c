/*
 * paths.c - the search for templates and the default config (see paths.h).
 *
 * A candidate counts when it is what it should be after following
 * symlinks (an administrator may well link /etc/huifang.json into place):
 * a folder for templates, a readable regular file for the config. An
 * explicitly named path is never replaced by a default: a typo in
 * --config or templates_dir is an error, not a quiet change of settings.
 */
#ifndef HUIFANG_DATADIR
#define HUIFANG_DATADIR "/usr/local/share/huifang"
#endif
#ifndef HUIFANG_SRCDIR
#define HUIFANG_SRCDIR ""       /* built outside the Makefile: no tree */
#endif

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/paths.h"
#include "util/xalloc.h"
#include "util/banned.h"

/*
 * The folder beside the running binary, appended to dirs at *n: for a
 * binary in "<prefix>/bin/" (an install, perhaps relocated) the folder
 * "<prefix>/share/huifang"; for a binary inside the source tree it was
 * built in (build/huifang, build/san/huifang: HUIFANG_SRCDIR, the
 * Makefile's folder) that tree, which keeps config/ and templates/; for
 * any other, the binary's own folder.
 */
static void exe_datadirs(const char **dirs, size_t *n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t src = strlen(HUIFANG_SRCDIR);
	char *slash;
	struct buf dir = BUF_INIT;

	if (len <= 0)
		return;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	if (src > 1 && !strncmp(exe, HUIFANG_SRCDIR, src) &&
	    (exe[src] == '/' || !exe[src])) {
		dirs[(*n)++] = HUIFANG_SRCDIR;
		return;
	}
	slash = strrchr(exe, '/');
	if (slash && !strcmp(slash, "/bin")) {
		*slash = '\0';
		buf_addf(&dir, "%s/share/huifang", exe);
		dirs[(*n)++] = buf_detach(&dir, NULL);
		return;
	}
	dirs[(*n)++] = xstrdup(exe);
}

const char *const *paths_datadirs(void)
{
	static const char *dirs[3];
	static bool done;

	if (!done) {
		size_t n = 0;

		/* Beside the binary first, then the installed data folder. */
		exe_datadirs(dirs, &n);
		if (!n || strcmp(dirs[n - 1], HUIFANG_DATADIR))
			dirs[n++] = HUIFANG_DATADIR;
		dirs[n] = NULL;
		done = true;
	}
	return dirs;
}

void paths_describe(struct buf *out)
{
	const char *const *dirs = paths_datadirs();
	size_t i;

	buf_adds(out, "config and templates are looked up in this order, the "
		 "first found wins:\n"
		 "  1. --config FILE, and templates_dir in the config\n"
		 "  2. ./config/huifang.json and ./templates\n");
	for (i = 0; dirs[i]; i++)
		buf_addf(out, "  %zu. %s/config/huifang.json and %s/templates%s\n",
			 i + 3, dirs[i], dirs[i], dirs[i + 1] ? "" :
			 " (the data folder)");
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_readable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, R_OK) == 0;
}

/*
 * Tries local, then "<dir>/<sub>" for each data folder; the first for
 * which ok() holds goes to *out. Otherwise err lists where it looked.
 */
static int search(const char *local, const char *sub,
		  const char *const *datadirs, bool (*ok)(const char *),
		  const char *what, char **out, struct buf *err)
{
	struct buf tried = BUF_INIT, path = BUF_INIT;
	size_t i;

	if (ok(local)) {
		*out = xstrdup(local);
		return 0;
	}
	buf_adds(&tried, local);
	for (i = 0; datadirs && datadirs[i]; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", datadirs[i], sub);
		if (ok(path.s)) {
			*out = buf_detach(&path, NULL);
			buf_release(&tried);
			return 0;
		}
		buf_addf(&tried, ", %s", path.s);
	}
	buf_addf(err, "no %s (looked in %s)", what, tried.s);
	buf_release(&tried);
	buf_release(&path);
	*out = NULL;
	return -1;
}

int paths_find_templates(const char *configured,
			 const char *const *datadirs, char **out,
			 struct buf *err)
{
	struct stat st;

	*out = NULL;
	if (configured && *configured) {
		if (stat(configured, &st) < 0) {
			buf_addf(err, "templates_dir '%s': %s", configured,
				 strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			buf_addf(err, "templates_dir '%s': %s", configured,
				 strerror(ENOTDIR));
			return -1;
		}
		*out = xstrdup(configured);
		return 0;
	}
	return search("templates", "templates", datadirs, is_dir,
		      "templates folder", out, err);
}

int paths_find_config(const char *given, const char *const *datadirs,
		      char **out, struct buf *err)
{
	struct stat st;

	*out = NULL;
	if (given) {
		if (stat(given, &st) < 0 || access(given, R_OK) < 0) {
			buf_addf(err, "%s: %s", given, strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			buf_addf(err, "%s: %s", given, strerror(EISDIR));
			return -1;
		}
		/* A FIFO or a device would hang the run or never end. */
		if (!S_ISREG(st.st_mode)) {
			buf_addf(err, "%s: not a regular file", given);
			return -1;
		}
		*out = xstrdup(given);
		return 0;
	}
	return search("config/huifang.json", "config/huifang.json", datadirs,
		      is_readable_file, "config file", out, err);
}

int paths_templates_dir(const char *configured, char **out,
			struct buf *err)
{
	return paths_find_templates(configured, paths_datadirs(), out, err);
}

int paths_config_file(const char *given, char **out, struct buf *err)
{
	return paths_find_config(given, paths_datadirs(), out, err);
}
