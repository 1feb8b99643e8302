/*
 * reader_only.c - a floor for 'make bench': huifang's own CSV reader
 * (csvread.h: line tracking, the UTF-8 check and encoding decision,
 * libcsv, the field copies, SHA-256 of the bytes) over the same files
 * and on as many threads as ingest uses, doing nothing with the records
 * but counting them. What ingest costs beyond this is the row work:
 * checks, normalisation, interning, the duplicate rule, the sorts and
 * the artifact.
 *
 * usage: reader_only THREADS FILE...   prints "<records> records"
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"
#include "input/csvread.h"

struct job {
	pthread_mutex_t lock;
	char **files;
	int nfiles, next;
	unsigned long long records;
	int failed;
};

static void *work(void *arg)
{
	struct job *j = arg;
	unsigned long long n = 0;

	for (;;) {
		struct buf err = BUF_INIT;
		struct csv_reader *r;
		struct csv_record rec;
		char digest[65];
		int i, rc;

		pthread_mutex_lock(&j->lock);
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		if (i >= j->nfiles)
			break;
		r = csv_reader_open(j->files[i], NULL, 65536, &err);
		if (!r) {
			fprintf(stderr, "reader_only: %s\n", err.s);
			j->failed = 1;
			buf_release(&err);
			continue;
		}
		while ((rc = csv_reader_next(r, &rec, &err)) > 0)
			n += rc == 1;
		if (rc < 0 || csv_reader_sha256(r, digest) < 0)
			j->failed = 1;
		csv_reader_free(r);
		buf_release(&err);
	}
	pthread_mutex_lock(&j->lock);
	j->records += n;
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

int main(int argc, char **argv)
{
	struct job j = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0, 0 };
	pthread_t t[64];
	int n, i;

	if (argc < 3 || (n = atoi(argv[1])) < 1 || n > 64) {
		fprintf(stderr, "usage: reader_only THREADS FILE...\n");
		return 2;
	}
	j.files = argv + 2;
	j.nfiles = argc - 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, work, &j) != 0)
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%llu records\n", j.records);
	return j.failed;
}
