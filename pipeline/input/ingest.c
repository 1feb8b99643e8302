/*
 * ingest.c - exports -> normalised records + rejects (see ingest.h).
 *
 * The stage's driver. It finds the export files (SPEC §8 rule 1), then
 * reads them with a pool of workers (ingest.threads of the config), one
 * file at a time each: a worker's normaliser (normalise.c) reads a file
 * through its reader (reader.h) into a file_out of its own. The merge
 * (merge.c), on the calling thread, takes the file_outs strictly in file
 * order, so the result does not depend on the number of threads or their
 * timing. A worker reads at most 'window' files ahead of the merge, so
 * memory does not grow with the number of files.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "input/ingest.h"
#include "input/ingest_int.h"
#include "model/source.h"
#include "input/reader.h"
#include "util/string_list.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* ---- entry points ---- */


static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && !strcasecmp(name + n - k, suffix);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * The workers and the merge share this. A worker takes the next file when
 * it is at most 'window' files ahead of the merge, reads it, and marks it
 * done; the merge waits for each file in turn.
 */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next;            /* the next file a worker takes */
	size_t merged;          /* files merged */
	size_t nfiles, window;
	struct file_out *outs;
	struct ticket_set *set;
};

struct worker {
	pthread_t thread;
	struct pool *pool;
	struct ingest in;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i;

		while (p->next < p->nfiles && p->next >= p->merged + p->window)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->next >= p->nfiles)
			break;
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		normalise_file(&w->in, p->set, (uint32_t)i, &p->outs[i]);
		pthread_mutex_lock(&p->lock);
		p->outs[i].done = true;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* How many files to read at once: the config's, or one per processor. */
static size_t thread_count(const struct config *cfg, size_t nfiles)
{
	long n = cfg->ingest_threads;

	if (!n) {
		n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n < 1)
			n = 1;
		if (n > 8)
			n = 8;
	}
	return (size_t)n < nfiles ? (size_t)n : nfiles;
}

/*
 * Reads every file and merges them in order: on this thread alone when
 * one thread is asked for (or there is one file), else with a pool of
 * workers (a worker that cannot be started leaves the work to the
 * others, and to this thread when none could).
 */
static void read_all(struct merge *mg, const struct ingest_opts *opts,
		     const struct matcher *m, struct diag *d)
{
	struct ticket_set *set = mg->set;
	size_t nthreads = thread_count(mg->cfg, set->nfiles), started = 0, i;
	struct file_out *outs = xcalloc(set->nfiles + 1, sizeof(*outs));
	struct worker *w = NULL;
	struct pool p;

	/* A reader that forks runs with no other thread (reader_forks). */
	for (i = 0; i < set->nfiles && nthreads > 1; i++) {
		const struct input_file *f = &set->files[i];

		if (reader_forks(f->disk_path ? f->disk_path : f->path))
			nthreads = 1;
	}
	if (nthreads > 1) {
		memset(&p, 0, sizeof(p));
		pthread_mutex_init(&p.lock, NULL);
		pthread_cond_init(&p.cond, NULL);
		p.nfiles = set->nfiles;
		p.window = 4 * nthreads;
		p.outs = outs;
		p.set = set;
		w = xcalloc(nthreads, sizeof(*w));
		for (i = 0; i < nthreads; i++) {
			w[i].pool = &p;
			normaliser_init(&w[i].in, opts, mg->cfg, m);
			if (pthread_create(&w[i].thread, NULL, worker_main,
					   &w[i]) != 0)
				break;
			started++;
		}
	}
	if (!started) {
		struct ingest in;

		normaliser_init(&in, opts, mg->cfg, m);
		for (i = 0; i < set->nfiles; i++) {
			normalise_file(&in, set, (uint32_t)i, &outs[i]);
			merge_file(mg, (uint32_t)i, &outs[i], d);
		}
		normaliser_release(&in, set);
	} else {
		for (i = 0; i < set->nfiles; i++) {
			pthread_mutex_lock(&p.lock);
			while (!outs[i].done)
				pthread_cond_wait(&p.cond, &p.lock);
			pthread_mutex_unlock(&p.lock);
			merge_file(mg, (uint32_t)i, &outs[i], d);
			pthread_mutex_lock(&p.lock);
			p.merged = i + 1;
			pthread_cond_broadcast(&p.cond);
			pthread_mutex_unlock(&p.lock);
		}
		for (i = 0; i < started; i++)
			pthread_join(w[i].thread, NULL);
		pthread_mutex_destroy(&p.lock);
		pthread_cond_destroy(&p.cond);
	}
	if (w) {
		for (i = 0; i < nthreads; i++)
			normaliser_release(&w[i].in, set);
		free(w);
	}
	free(outs);
}

/*
 * Issue 14: a source profile whose globs match none of the files read is
 * a warning: a renamed export would otherwise fall back to the default
 * reading without a word.
 */
static void warn_unmatched_profiles(const struct config *cfg,
				    const struct ticket_set *set,
				    struct diag *d)
{
	size_t i, j;

	for (i = 0; i < cfg->nsources; i++) {
		const struct source_profile *p = &cfg->sources[i];

		for (j = 0; j < set->nfiles; j++)
			if (source_match(cfg, set->files[j].name) == p)
				break;
		if (j == set->nfiles)
			diag_report(d, DIAG_WARNING, NULL, 0, 0,
				    "%s: sources[%zu] '%s': no file read matches "
				    "its files", cfg->path ? cfg->path : "config",
				    i, p->name);
	}
}

/* Appends an entry for path (reading sheet, when not NULL). */
static void add_file(struct ticket_set *set, size_t *alloc, const char *path,
		     const char *sheet)
{
	struct input_file *f;
	struct stat st;

	ALLOC_GROW(set->files, set->nfiles + 2, *alloc);
	f = &set->files[set->nfiles++];
	memset(f, 0, sizeof(*f) * 2);
	f->name = arena_strdup(&set->arena, base_name(path));
	f->path = arena_strdup(&set->arena, path);
	f->disk_path = f->path;
	f->sheet = sheet ? arena_strdup(&set->arena, sheet) : NULL;
	f->encoding = "";
	f->why = "";
	f->kind = FILE_UNRECOGNISED;
	if (stat(path, &st) == 0)
		f->size = (uint64_t)st.st_size;
}

/*
 * SPEC §9.20: each sheet read is an entry of input.files of its own. A
 * workbook whose profile asks for several sheets (sources' sheets) gives
 * one entry per sheet: every visible one in the workbook's order (a note
 * names each hidden one left out), or the
 * ones named in the profile's order (a name the workbook lacks is still
 * an entry, which its reader refuses by name). A workbook that cannot
 * be listed is one entry, refused with the reason when it is read.
 */
static void add_sheets(struct ticket_set *set, size_t *alloc,
		       const char *path, const struct source_profile *p,
		       struct diag *d)
{
	struct string_list names = { NULL, 0, 0 }, hidden = { NULL, 0, 0 };
	struct buf err = BUF_INIT;
	size_t i;

	if (!p->all_sheets) {
		for (i = 0; i < p->sheets.nr; i++)
			add_file(set, alloc, path, p->sheets.items[i]);
		return;
	}
	if (reader_list_sheets(path, &names, &hidden, &err) < 0 ||
	    (!names.nr && !hidden.nr))
		add_file(set, alloc, path, NULL);
	else if (!names.nr)
		diag_report(d, DIAG_WARNING, path, 0, 0,
			    "every sheet is hidden: none is read");
	for (i = 0; i < names.nr; i++)
		add_file(set, alloc, path, names.items[i]);
	/* docs/sources.md: hidden sheets hold lookup lists, not tickets. */
	for (i = 0; i < hidden.nr; i++)
		diag_report(d, DIAG_NOTE, path, 0, 0,
			    "hidden sheet '%s' not read (sheets: \"all\" "
			    "reads the visible ones; a profile that names "
			    "it reads it)", hidden.items[i]);
	string_list_clear(&names);
	string_list_clear(&hidden);
	buf_release(&err);
}

int ingest_read_files(const char *const *paths, size_t npaths,
		      const struct ingest_opts *opts, const struct config *cfg,
		      struct ticket_set *set, struct diag *d)
{
	struct merge mg;
	struct matcher m;
	size_t i, alloc = 0;

	merge_init(&mg, cfg, set);
	matcher_init(&m, cfg);
	ALLOC_GROW(set->files, npaths + 1, alloc);
	memset(set->files, 0, sizeof(*set->files));
	for (i = 0; i < npaths; i++) {
		const struct source_profile *p =
			source_match(cfg, base_name(paths[i]));

		if (p && (p->all_sheets || p->sheets.nr) &&
		    reader_is_workbook(paths[i]))
			add_sheets(set, &alloc, paths[i], p, d);
		else
			add_file(set, &alloc, paths[i], NULL);
	}
	warn_unmatched_profiles(cfg, set, d);
	read_all(&mg, opts, &m, d);
	merge_resolve(&mg, thread_count(cfg, 2) > 1, d);
	merge_release(&mg);
	matcher_release(&m);
	return 0;
}

void ingest_describe_skipped(const struct ticket_set *set, struct buf *out)
{
	size_t i, n = 0;

	for (i = 0; i < set->nfiles; i++)
		n += set->files[i].kind == FILE_UNRECOGNISED;
	if (!n)
		return;
	buf_addf(out, "%zu file%s skipped:", n, n == 1 ? "" : "s");
	for (i = 0, n = 0; i < set->nfiles; i++) {
		const char *name = set->files[i].name;

		if (set->files[i].kind != FILE_UNRECOGNISED)
			continue;
		buf_adds(out, n++ ? ", " : " ");
		text_escape_controls(out, name, strlen(name));
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ingest_list_files(const char *dir_path, char ***paths, size_t *npaths,
		      struct diag *d)
{
	DIR *dir = opendir(dir_path);
	struct dirent *e;
	size_t n = 0, alloc = 0;

	*paths = NULL;
	*npaths = 0;
	if (!dir) {
		diag_report(d, DIAG_ERROR, dir_path, 0, 0,
			    "cannot read the input folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dir))) {
		struct buf path = BUF_INIT;
		struct stat st;

		/* SPEC §8 rule 1 and §9.20 (~$ is an Excel lock file). */
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "~$", 2) ||
		    !(has_suffix(e->d_name, ".csv") ||
		      has_suffix(e->d_name, ".json") ||
		      has_suffix(e->d_name, ".jsonl") ||
		      has_suffix(e->d_name, ".xlsx") ||
		      has_suffix(e->d_name, ".xls")))
			continue;
		buf_addf(&path, "%s/%s", dir_path, e->d_name);
		/*
		 * Anything else by an export's name (a FIFO, a device, a
		 * folder) is listed too, so that it is named as skipped
		 * (normalise.c refuses it); only what has vanished is not.
		 */
		if (stat(path.s, &st) < 0) {
			buf_release(&path);
			continue;
		}
		ALLOC_GROW(*paths, n + 1, alloc);
		(*paths)[n++] = buf_detach(&path, NULL);
	}
	closedir(dir);
	/* One folder: the paths sort as the names do. */
	if (n)
		qsort(*paths, n, sizeof(**paths), cmp_names);
	*npaths = n;
	return 0;
}

int ingest_run(const struct ingest_opts *opts, const struct config *cfg,
	       struct ticket_set *set, struct diag *d)
{
	char **paths;
	size_t n, i;
	int ret;

	if (ingest_list_files(opts->input_dir, &paths, &n, d) < 0)
		return -1;
	ret = ingest_read_files((const char *const *)paths, n, opts, cfg, set,
				d);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return ret;
}
