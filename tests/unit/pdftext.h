/*
 * pdftext.h - the scratch folders and PDF reading of the render unit tests.
 *
 * test_render_pdf and test_render_audit render into a fresh folder per
 * case under one scratch root, list what was written, and read the PDFs
 * back through poppler's pdftotext. The test sets pdftext_root (mkdtemp)
 * before its cases run and removes it after; pdftext_new_dir() gives each
 * case a folder below it and pdftext_remove_dir() empties and removes one.
 * Header-only, as each test is a program of its own; the functions are
 * static inline so that a test need not use them all.
 */
#ifndef HUIFANG_TESTS_PDFTEXT_H
#define HUIFANG_TESTS_PDFTEXT_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"

static char pdftext_root[4096];
static unsigned pdftext_n;

/* A new empty folder "<root>/wN" in dir. */
static inline void pdftext_new_dir(struct buf *dir)
{
	buf_reset(dir);
	buf_addf(dir, "%s/w%u", pdftext_root, ++pdftext_n);
	assert_int_equal(mkdir(dir->s, 0777), 0);
}

/* Removes the files in dir, then dir (the render writes no subfolder). */
static inline void pdftext_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct buf p = BUF_INIT;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, e->d_name);
		unlink(p.s);
	}
	closedir(d);
	rmdir(dir);
	buf_release(&p);
}

/* The names in dir, sorted, joined by '\n'. */
static inline void pdftext_list_dir(const char *dir, struct buf *out)
{
	struct dirent **names;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			buf_adds(out, names[i]->d_name);
			buf_addch(out, '\n');
		}
		free(names[i]);
	}
	free(names);
}

/*
 * Appends the text of path to out through pdftotext: in raw order when
 * raw, and of pages first to last when first > 0 (every page otherwise).
 */
static inline void pdftext_read(const char *path, int raw, int first,
				int last, struct buf *out)
{
	int fds[2], status;
	pid_t pid;
	char chunk[8192], f[16], l[16];
	const char *argv[12];
	int argc = 0;
	ssize_t n;

	argv[argc++] = "pdftotext";
	argv[argc++] = "-q";
	argv[argc++] = "-enc";
	argv[argc++] = "UTF-8";
	if (raw)
		argv[argc++] = "-raw";
	if (first > 0) {
		snprintf(f, sizeof(f), "%d", first);
		snprintf(l, sizeof(l), "%d", last);
		argv[argc++] = "-f";
		argv[argc++] = f;
		argv[argc++] = "-l";
		argv[argc++] = l;
	}
	argv[argc++] = path;
	argv[argc++] = "-";
	argv[argc] = NULL;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		execvp("pdftotext", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		buf_add(out, chunk, (size_t)n);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Drops spaces, newlines and form feeds: pdftotext breaks lines freely. */
static inline void pdftext_strip_space(struct buf *b)
{
	size_t i, j = 0;

	for (i = 0; i < b->len; i++)
		if (b->s[i] != ' ' && b->s[i] != '\n' && b->s[i] != '\r' &&
		    b->s[i] != '\f')
			b->s[j++] = b->s[i];
	buf_setlen(b, j);
}

#endif
