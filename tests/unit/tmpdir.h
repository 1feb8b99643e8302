/*
 * tmpdir.h - the scratch folder of the file-system unit tests.
 *
 * The tests of the operations modules (outfile, runlog, retention,
 * weekdir, paths, lock) each run their cases in a fresh folder under
 * $TMPDIR (else P_tmpdir): tmpdir_make() in the setup, tmpdir_remove() in
 * the teardown. tmpdir_ls() shows a folder's entries for an assertion.
 * Header-only, as each test is a program of its own; the functions are
 * static inline so that a test need not use them all.
 */
#ifndef HUIFANG_TESTS_TMPDIR_H
#define HUIFANG_TESTS_TMPDIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "ops/weekdir.h"

/*
 * Creates "<TMPDIR>/<name>.XXXXXX" into root (size bytes); 0, or -1 when
 * the folder cannot be made.
 */
static inline int tmpdir_make(char *root, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(root, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : P_tmpdir,
		 name);
	return mkdtemp(root) ? 0 : -1;
}

/* Removes root and everything below it, quietly. */
static inline void tmpdir_remove(const char *root)
{
	struct buf err = BUF_INIT;

	remove_tree(root, &err);
	buf_release(&err);
}

static inline int tmpdir_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The sorted entries of a folder (the first 64), joined by spaces, in a
 * static buffer the next call reuses; "(missing)" when it cannot be read.
 */
static inline const char *tmpdir_ls(const char *path)
{
	static struct buf out = BUF_INIT;
	char *names[64];
	size_t n = 0, i;
	struct dirent *de;
	DIR *dir = opendir(path);

	buf_reset(&out);
	if (!dir)
		return "(missing)";
	while ((de = readdir(dir)) && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), tmpdir_cmp_names);
	for (i = 0; i < n; i++) {
		buf_addf(&out, "%s%s", i ? " " : "", names[i]);
		free(names[i]);
	}
	return out.s;
}

#endif
