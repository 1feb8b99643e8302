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
 * memory does not grow with the number of files. One big CSV export is
 * cut into parts (csv_plan_file()) that the workers read as tasks of
 * their own, merged in order as the file (merge_parts()).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "input/ingest.h"
#include "input/csvread.h"
#include "input/ingest_int.h"
#include "util/sha256.h"
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
 * One big CSV export is cut into parts read on several threads (issue
 * 20; docs/ingest.md, "One big export on several threads"): a file over
 * chunk_bytes() is planned (csv_plan_file(): record boundaries, the
 * encoding, the digest), each part is a task of its own, and the merge
 * takes the parts in order as if they were the file. The parts of at
 * least this many bytes; HUIFANG_TEST_CHUNK_BYTES=n sets it, a test hook
 * that makes small files split into many parts (and
 * HUIFANG_TEST_SPLIT_REPORT=1 says on stderr what became of each plan).
 */
#define CHUNK_BYTES ((uint64_t)8 << 20)

static uint64_t chunk_bytes(void)
{
	const char *hook = getenv("HUIFANG_TEST_CHUNK_BYTES");
	unsigned long long n;

	if (hook && (n = strtoull(hook, NULL, 10)) > 0)
		return (uint64_t)n;
	return CHUNK_BYTES;
}

/*
 * A worker's unit of work: a whole file, or for a planned one its
 * digest (SHA-256, taken beside the parts rather than before them) or
 * one of its parts. A file's tasks are consecutive ('group' of them: the
 * digest, then the parts in order); they share its plan, and each part
 * counts into f, a copy of the file's entry.
 */
struct task {
	uint32_t file;
	uint32_t part, group;
	const struct csv_plan *plan;    /* NULL: the whole file */
	bool digest;                    /* the digest task, into sha256 */
	char sha256[65];
	struct input_file f;
	struct stat opened;             /* the file as planned (digest task) */
	struct file_out out;
};

/*
 * The workers and the merge share this. A worker takes the next task
 * when its file is at most 'window' files ahead of the merge, reads it,
 * and marks it done; the merge waits for each file's tasks in turn.
 */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next;            /* the next task a worker takes */
	size_t merged;          /* files merged */
	size_t ntasks, window;
	struct task *tasks;
	struct ticket_set *set;
};

struct worker {
	pthread_t thread;
	struct pool *pool;
	struct ingest in;
};

static void run_task(struct ingest *in, struct ticket_set *set,
		     struct task *t)
{
	if (t->digest)
		t->out.failed = sha256_file(set->files[t->file].path,
					    t->sha256) < 0;
	else if (t->plan)
		normalise_part(in, t->file, t->plan, t->part, &t->f, &t->out);
	else
		normalise_file(in, set, t->file, &t->out);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct task *t;

		while (p->next < p->ntasks &&
		       p->tasks[p->next].file >= p->merged + p->window)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->next >= p->ntasks)
			break;
		t = &p->tasks[p->next++];
		pthread_mutex_unlock(&p->lock);
		run_task(&w->in, p->set, t);
		pthread_mutex_lock(&p->lock);
		t->out.done = true;
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
 * Plans file i when it is a CSV export over one part's size that a
 * reader of parts can read as the whole reader would: no sheet, and no
 * profile's header_row (title rows above the header). 1 when it is cut.
 */
static int plan_file(const struct ticket_set *set, uint32_t i,
		     const struct ingest_opts *opts, const struct config *cfg,
		     uint64_t chunk, struct csv_plan *plan,
		     struct stat *opened)
{
	const struct input_file *f = &set->files[i];
	const struct source_profile *p =
		source_match(cfg, f->name ? f->name : f->path);
	const char *enc = p && p->encoding ? p->encoding : opts->encoding;

	if (f->sheet || reader_is_workbook(f->path) ||
	    *reader_fixed_encoding(f->path) || f->size <= chunk ||
	    (p && p->header_row > 1))
		return 0;
	if (stat(f->path, opened) < 0 || !S_ISREG(opened->st_mode))
		return 0;
	return csv_plan_file(f->path, enc, cfg->max_field_bytes,
			     cfg->max_header_bytes, chunk, plan);
}

/* The tasks: one per file; for a planned file, its digest and parts. */
static struct task *make_tasks(const struct ticket_set *set,
			       const struct ingest_opts *opts,
			       const struct config *cfg, bool split,
			       struct csv_plan *plans, size_t *ntasks)
{
	struct task *tasks = NULL;
	size_t n = 0, alloc = 0, i, k, group;
	uint64_t chunk = chunk_bytes();
	struct stat opened;

	for (i = 0; i < set->nfiles; i++) {
		memset(&opened, 0, sizeof(opened));
		group = 1;
		if (split && plan_file(set, (uint32_t)i, opts, cfg, chunk,
				       &plans[i], &opened))
			group = 1 + plans[i].nparts;
		ALLOC_GROW(tasks, n + group, alloc);
		for (k = 0; k < group; k++) {
			struct task *t = &tasks[n++];

			memset(t, 0, sizeof(*t));
			t->file = (uint32_t)i;
			t->group = (uint32_t)group;
			if (group > 1) {
				t->plan = &plans[i];
				t->digest = !k;
				t->part = k ? (uint32_t)k - 1 : 0;
				t->f = set->files[i];
				t->opened = opened;
				t->out.part = true;
			}
		}
	}
	*ntasks = n;
	return tasks;
}

/*
 * A part's "once per file" warnings that an earlier part gave already
 * are dropped (seen holds the keys given so far).
 */
static void drop_repeated(struct file_out *out, struct string_list *seen)
{
	size_t k = out->nonce;

	/* From the last, so that the entries' indices stay right. */
	while (k--)
		if (string_list_has(seen, out->once[k].key))
			diag_drop(&out->d, out->once[k].entry);
	for (k = 0; k < out->nonce; k++)
		string_list_add(seen, out->once[k].key);
}

/*
 * Merges a part as merge_file() merges a file: file i's entry holds the
 * part's counts for the call (the merge adds them to the set's and
 * moves rows to superseded), then the sums of the parts so far.
 */
static void merge_part(struct merge *mg, struct task *t, struct diag *d)
{
	struct input_file *f = &mg->set->files[t->file];
	struct input_file sum = *f;
	size_t recognised = mg->set->files_recognised;

	f->rows_read = t->f.rows_read;
	f->accepted = t->f.accepted;
	f->rejected = t->f.rejected;
	f->excluded = t->f.excluded;
	f->damaged_ticket_ids = t->f.damaged_ticket_ids;
	f->superseded = f->repeated_ids = 0;
	merge_file(mg, t->file, &t->out, d);
	if (t->part)
		mg->set->files_recognised = recognised;
	f->rows_read += sum.rows_read;
	f->accepted += sum.accepted;
	f->rejected += sum.rejected;
	f->excluded += sum.excluded;
	f->damaged_ticket_ids += sum.damaged_ticket_ids;
	f->superseded += sum.superseded;
	f->repeated_ids += sum.repeated_ids;
}

/* What the merge of a planned file needs to read it again whole. */
struct reading {
	struct merge *mg;
	const struct ingest_opts *opts;
	const struct matcher *m;
	struct diag *d;
};

/*
 * Merges a planned file: its digest task t[0] and its n - 1 parts, all
 * done. What the parts cannot show as the whole reader would (the file
 * unrecognised, a read error, an invalid sequence in a file read as
 * UTF-8 on trust, the file changed since it was planned) makes the file
 * read again whole, on this thread, and the parts forgotten: the split
 * is an optimisation and never changes a result.
 */
static void merge_parts(struct reading *rd, struct task *t, size_t n)
{
	struct ticket_set *set = rd->mg->set;
	const struct csv_plan *plan = t[0].plan;
	struct input_file *f = &set->files[t[0].file];
	struct string_list seen = { NULL, 0, 0 };
	struct buf why = BUF_INIT;
	unsigned long grown = 0;
	/* Checked once for the file, as one reading of it. */
	bool changed = normalise_changed(f->path, &t[0].opened, &grown);
	bool whole = changed || t[0].out.failed;
	size_t k, invalid = 0;

	t++;
	n--;
	for (k = 0; k < n; k++) {
		whole |= t[k].f.kind == FILE_UNRECOGNISED || t[k].out.failed;
		invalid += t[k].out.invalid;
	}
	whole |= plan->speculative && invalid;
	/* The test hook says what became of the plan (tests/e2e/split.sh). */
	if (getenv("HUIFANG_TEST_SPLIT_REPORT"))
		fprintf(stderr, "huifang: test: %s: %zu parts%s\n", f->path, n,
			whole ? ", read again whole" : "");
	if (whole) {
		struct ingest in;
		struct file_out out;

		for (k = 0; k < n; k++)
			file_out_release(&t[k].out);
		memset(&out, 0, sizeof(out));
		normaliser_init(&in, rd->opts, rd->mg->cfg, rd->m);
		/* A change was the first reading's: one more, as ever. */
		if (changed)
			normalise_reread(&in, set, t[0].file, &out, grown);
		else
			normalise_file(&in, set, t[0].file, &out);
		merge_file(rd->mg, t[0].file, &out, rd->d);
		normaliser_release(&in, set);
		return;
	}
	f->kind = t[0].f.kind;
	f->why = t[0].f.why;
	f->header = t[0].f.header;
	f->encoding = plan->encoding;
	memcpy(f->sha256, t[-1].sha256, sizeof(f->sha256));
	/* The note the whole reader gives once it has read to the end. */
	buf_adds(&why, plan->why);
	if (plan->counted && invalid)
		buf_addf(&why, ", %zu invalid sequences", invalid);
	for (k = 0; k < n; k++) {
		t[k].out.enc_why = k ? NULL : why.s;
		drop_repeated(&t[k].out, &seen);
		merge_part(rd->mg, &t[k], rd->d);
	}
	string_list_clear(&seen);
	buf_release(&why);
}

/* Merges the tasks of one file (t, n of them, all done). */
static void merge_tasks(struct reading *rd, struct task *t, size_t n)
{
	if (t[0].plan)
		merge_parts(rd, t, n);
	else
		merge_file(rd->mg, t[0].file, &t[0].out, rd->d);
}

/*
 * Reads every file and merges them in order: on this thread alone when
 * one thread is asked for (or there is one task), else with a pool of
 * workers (a worker that cannot be started leaves the work to the
 * others, and to this thread when none could). Files are planned (cut
 * into parts) only when there are threads to read the parts.
 */
static void read_all(struct merge *mg, const struct ingest_opts *opts,
		     const struct matcher *m, struct diag *d)
{
	struct ticket_set *set = mg->set;
	size_t nthreads = thread_count(mg->cfg, SIZE_MAX), started = 0, i, k;
	size_t ntasks, n;
	struct csv_plan *plans = xcalloc(set->nfiles + 1, sizeof(*plans));
	struct reading rd = { mg, opts, m, d };
	struct task *tasks;
	struct worker *w = NULL;
	struct pool p;

	/* A reader that forks runs with no other thread (reader_forks). */
	for (i = 0; i < set->nfiles && nthreads > 1; i++) {
		const struct input_file *f = &set->files[i];

		if (reader_forks(f->disk_path ? f->disk_path : f->path))
			nthreads = 1;
	}
	tasks = make_tasks(set, opts, mg->cfg, nthreads > 1, plans, &ntasks);
	if (nthreads > ntasks)
		nthreads = ntasks;
	if (nthreads > 1) {
		memset(&p, 0, sizeof(p));
		pthread_mutex_init(&p.lock, NULL);
		pthread_cond_init(&p.cond, NULL);
		p.ntasks = ntasks;
		p.window = 4 * nthreads;
		p.tasks = tasks;
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
		for (i = 0; i < ntasks; i += n) {
			n = tasks[i].group;
			for (k = i; k < i + n; k++)
				run_task(&in, set, &tasks[k]);
			merge_tasks(&rd, &tasks[i], n);
		}
		normaliser_release(&in, set);
	} else {
		for (i = 0; i < ntasks; i += n) {
			n = tasks[i].group;
			pthread_mutex_lock(&p.lock);
			for (k = i; k < i + n; k++)
				while (!tasks[k].out.done)
					pthread_cond_wait(&p.cond, &p.lock);
			pthread_mutex_unlock(&p.lock);
			merge_tasks(&rd, &tasks[i], n);
			pthread_mutex_lock(&p.lock);
			p.merged = tasks[i].file + 1;
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
	for (i = 0; i < set->nfiles; i++)
		csv_plan_release(&plans[i]);
	free(plans);
	free(tasks);
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
	if (set->nfiles > MAX_INPUT_FILES) {
		diag_report(d, DIAG_ERROR, opts->input_dir, 0, 0,
			    "%zu input files and sheets: one run reads at most "
			    "%u; split the input folder",
			    set->nfiles, (unsigned)MAX_INPUT_FILES);
		merge_release(&mg);
		matcher_release(&m);
		return -1;
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
