/*
 * replay_main.c - replays a fuzz target's saved corpus without libFuzzer,
 * so that 'make test' checks every saved input (and every crash once
 * fixed) with the ordinary compiler and sanitizers.
 *
 * usage: replay_<target> CORPUS_DIR
 * Calls LLVMFuzzerTestOneInput() on every regular file of the folder, in
 * name order; exits 1 if the folder cannot be read or holds no file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0, i, replayed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	dir = opendir(argv[1]);
	if (!dir) {
		perror(argv[1]);
		return 1;
	}
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct buf path = BUF_INIT, data = BUF_INIT;
		char chunk[65536];
		struct stat st;
		size_t k;
		FILE *fp;

		buf_addf(&path, "%s/%s", argv[1], names[i]);
		if (stat(path.s, &st) == 0 && S_ISREG(st.st_mode) &&
		    (fp = fopen(path.s, "rb"))) {
			while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
				buf_add(&data, chunk, k);
			fclose(fp);
			/* A copy of exactly the file's size, as libFuzzer gives. */
			{
				uint8_t *copy = xmalloc(data.len ? data.len : 1);

				memcpy(copy, data.s, data.len);
				LLVMFuzzerTestOneInput(copy, data.len);
				free(copy);
			}
			replayed++;
		}
		buf_release(&path);
		buf_release(&data);
		free(names[i]);
	}
	free(names);
	printf("%zu inputs replayed from %s\n", replayed, argv[1]);
	return replayed ? 0 : 1;
}
