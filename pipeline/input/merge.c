/*
 * merge.c - the ingest stage's merge: file_outs -> the ticket set.
 *
 * On the calling thread, the merge takes the normaliser's file_outs
 * strictly in file order, so that the result does not depend on the
 * number of threads or their timing: it applies the duplicate-ticket rule
 * (SPEC §8.7) as the rows arrive in (file, line) order, keeping one
 * candidate per ticket number with slots for its inline callbacks, joins
 * each callback row to the candidate of its number (a placeholder while
 * no ticket row has had it), and numbers the callback occurrences. Only
 * when every file is merged are the rules that need all rows applied:
 * callback identity (§8.8), the join by key, the orphans, and the
 * orderings that ticket.h promises (merge_resolve()).
 *
 * Invariants: rows_read == accepted + rejected + superseded for every
 * file and for the set (a row counted accepted by the normaliser moves to
 * superseded when it loses, never counted twice); rejected rows never
 * become candidates, so they supersede nothing; the inline callback
 * candidates of a ticket are consecutive (first_cb, n_cb of its candidate
 * until merge_resolve()), and those of a lost row are DEAD; a placeholder
 * is a candidate whose type is TYPE_UNKNOWN, which no ticket row has; the
 * merge reads a file_out only once it is done.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "input/ingest_int.h"
#include "model/source.h"
#include "util/chtime.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

static uint32_t id_rehash(const void *slot)
{
	return ((const struct id_slot *)slot)->hash;
}

void merge_init(struct merge *mg, const struct config *cfg,
		struct ticket_set *set)
{
	memset(mg, 0, sizeof(*mg));
	mg->cfg = cfg;
	mg->set = set;
	mg->ids = (struct hashtab)HASHTAB_INIT(sizeof(struct id_slot), 4096,
					       id_rehash);
}

void merge_release(struct merge *mg)
{
	free(mg->tc);
	free(mg->cc);
	free(mg->sat);
	free(mg->tc_key);
	free(mg->pend);
	hashtab_release(&mg->ids);
	memset(mg, 0, sizeof(*mg));
}

/* ---- the merge, in file order ---- */

static void supersede_row(struct merge *mg, uint32_t file)
{
	struct ticket_set *set = mg->set;

	set->accepted--;
	set->superseded++;
	set->files[file].accepted--;
	set->files[file].superseded++;
}

static struct cb_cand *new_cb(struct merge *mg)
{
	ALLOC_GROW(mg->cc, mg->ncc + 1, mg->acc);
	return &mg->cc[mg->ncc++];
}

/*
 * A candidate that holds a callback row's number until a ticket row has
 * it (then that row takes its place and its string), an orphan's number
 * if none ever does (merge_resolve() drops it).
 */
static bool placeholder(const struct ticket *t)
{
	return t->type == TYPE_UNKNOWN;
}

/*
 * A PENDING callback's k for s. Indices stay below 2^31 (PENDING's bit)
 * and so do the candidates' (new_candidate()): each is a record held in
 * memory, and 2^31 of them would be hundreds of gigabytes.
 */
static uint32_t new_pending(struct merge *mg, const char *s)
{
	if (mg->npend >= DEAD - PENDING)
		xalloc_die(mg->npend);
	ALLOC_GROW(mg->pend, mg->npend + 1, mg->apend);
	mg->pend[mg->npend] = s;
	return PENDING | (uint32_t)mg->npend++;
}

/*
 * The candidate that holds ticket number id (len bytes), or -1; *slot is
 * where the number is, or would go, in the id map.
 */
static long find_ticket(struct merge *mg, const char *id, size_t len,
			uint32_t hash, size_t *slot)
{
	struct hashtab *m = &mg->ids;
	const struct id_slot *e;
	size_t i;

	/* Three quarters full: the table is held at the peak of memory. */
	hashtab_reserve_dense(m);
	for (i = hashtab_start(m, hash); (e = hashtab_at(m, i))->idx;
	     i = hashtab_next(m, i)) {
		const struct ticket *t = &mg->tc[e->idx - 1];

		if (e->hash == hash && !strncmp(t->id, id, len) &&
		    !t->id[len]) {
			*slot = i;
			return (long)e->idx - 1;
		}
	}
	*slot = i;
	return -1;
}

/*
 * A string of a winning row, from its file's arena into the set's: the
 * kept row's copy when it is the same text (a ticket exported every week
 * keeps its unit, owner and phone), so that a number's strings are held
 * once however often it is exported.
 */
static const char *keep_string(struct merge *mg, const char *s,
			       const char *kept)
{
	if (kept && !strcmp(s, kept))
		return kept;
	return *s ? arena_strdup(&mg->set->arena, s) : "";
}

/* A new candidate, its number in the id map's slot (find_ticket()). */
static uint32_t new_candidate(struct merge *mg, size_t slot, uint32_t hash)
{
	struct id_slot *e;

	if (mg->ntc >= PENDING - 1)
		xalloc_die(mg->ntc);
	ALLOC_GROW(mg->tc, mg->ntc + 1, mg->atc);
	e = hashtab_at(&mg->ids, slot);
	e->hash = hash;
	e->idx = (uint32_t)mg->ntc + 1;
	mg->ids.n++;
	return (uint32_t)mg->ntc++;
}

/* Candidate idx's join key (issue 14), "" for none. */
static void set_join_key(struct merge *mg, size_t idx, const char *key)
{
	if (!mg->tc_key && !*key)
		return;
	if (mg->akey < mg->ntc) {
		size_t old = mg->akey;

		ALLOC_GROW(mg->tc_key, mg->ntc, mg->akey);
		memset(mg->tc_key + old, 0,
		       (mg->akey - old) * sizeof(*mg->tc_key));
	}
	mg->tc_key[idx] = key;
}

/*
 * SPEC §8.7 as the rows arrive. Rows come in (file, line) order, so a new
 * row beats the kept one of its number unless the kept one has the
 * greater (has 更新时间, 更新时间); the loser is superseded at once. The
 * winner takes the loser's place, and its inline callbacks the loser's
 * candidate slots (t->first_cb, t->n_cb until merge_resolve()), so that a
 * ticket exported every week holds one ticket and at most two inline
 * callbacks in memory, not one per export. Occurrences are numbered in
 * reading order (file, record, inline first before second), so seq
 * orders them even where file and line tie: the records of a JSON array
 * written on one line.
 */
static void merge_ticket(struct merge *mg, const struct file_out *out,
			 size_t r)
{
	const struct ticket *row = &out->tk[r];
	const struct ticket *kept = NULL;
	const char *id = NULL, *unit, *owner, *phone;
	struct ticket *t;
	size_t slot, n;
	uint32_t k = 0, old_n = 0, m = row->n_cb;
	long idx;

	idx = find_ticket(mg, row->id, strlen(row->id), out->tk_hash[r], &slot);
	if (idx >= 0 && placeholder(&mg->tc[idx])) {
		/* The first row of a number callback rows named first. */
		id = mg->tc[idx].id;
	} else if (idx >= 0) {
		t = &mg->tc[idx];
		/* Many of these in one file: ids Excel damaged (§9.28). */
		if (t->file == row->file)
			mg->set->files[row->file].repeated_ids++;
		if ((t->updated_at != TIME_NONE && row->updated_at == TIME_NONE) ||
		    (t->updated_at != TIME_NONE &&
		     row->updated_at < t->updated_at)) {
			/* The kept row wins: this one is superseded. */
			supersede_row(mg, row->file);
			mg->set->quality.superseded_tickets++;
			return;
		}
		supersede_row(mg, t->file);
		mg->set->quality.superseded_tickets++;
		old_n = t->n_cb;
		k = t->first_cb;
		kept = t;
	} else {
		idx = new_candidate(mg, slot, out->tk_hash[r]);
	}
	/* The same number: the kept row's copy is the winner's. */
	if (!id)
		id = kept ? kept->id : keep_string(mg, row->id, NULL);
	unit = keep_string(mg, row->unit, kept ? kept->unit : NULL);
	owner = keep_string(mg, row->owner, kept ? kept->owner : NULL);
	phone = keep_string(mg, row->phone, kept ? kept->phone : NULL);
	/*
	 * The winner's inline callbacks go into the loser's slots when they
	 * fit (a ticket's slots are consecutive), else into new ones, the
	 * old ones dropped.
	 */
	if (m > old_n) {
		for (n = 0; n < old_n; n++)
			mg->cc[k + n].ticket = DEAD;
		old_n = 0;
		k = (uint32_t)mg->ncc;
	}
	for (n = 0; n < m; n++) {
		struct cb_cand *c = n < old_n ? &mg->cc[k + n] : new_cb(mg);

		*c = out->cb[row->first_cb + n];
		c->seq = mg->cb_seq++;
		c->ticket = (uint32_t)idx;
	}
	for (n = m; n < old_n; n++)
		mg->cc[k + n].ticket = DEAD;
	t = &mg->tc[idx];
	*t = *row;
	t->id = id;
	t->unit = unit;
	t->owner = owner;
	t->phone = phone;
	set_join_key(mg, (size_t)idx, out->tk_key ? out->tk_key[r] : "");
	t->first_cb = k;
	t->n_cb = m > old_n ? m : old_n;
}

/*
 * The candidate of callback row r's number (of file i): the ticket row's
 * that had it, or a placeholder that holds the number (its one copy,
 * which the ticket row that has it later keeps), so that no callback row
 * holds a number of its own (docs/bench.md, Memory).
 */
static uint32_t row_ticket(struct merge *mg, const struct file_out *out,
			   size_t r, uint32_t i)
{
	const char *id = out->cb_id[r];
	size_t slot;
	long idx;
	uint32_t k;
	struct ticket *t;

	idx = find_ticket(mg, id, strlen(id), out->cb_hash[r], &slot);
	if (idx >= 0)
		return (uint32_t)idx;
	k = new_candidate(mg, slot, out->cb_hash[r]);
	t = &mg->tc[k];
	memset(t, 0, sizeof(*t));
	t->id = keep_string(mg, id, NULL);
	t->type = TYPE_UNKNOWN;
	t->file = (uint16_t)i;            /* < MAX_INPUT_FILES */
	t->line = out->cb[r].cb.line;
	set_join_key(mg, k, "");
	return k;
}

/*
 * Takes file i's rows into the set, after every file before it: counts,
 * rejects, diagnostics (in d), tickets through §8.7, callback rows.
 * Frees the file_out's arrays; the strings stay in the worker's arena.
 */
void merge_file(struct merge *mg, uint32_t i, struct file_out *out,
		struct diag *d)
{
	struct ticket_set *set = mg->set;
	const struct input_file *f = &set->files[i];
	size_t r;

	set->files_recognised += f->kind != FILE_UNRECOGNISED;
	set->rows_read += f->rows_read;
	set->accepted += f->accepted;
	set->rejected += f->rejected;
	set->excluded += f->excluded;
	set->quality.ratings_without_time += out->untimed;
	for (r = 0; r < REJECT_REASON_COUNT; r++)
		set->quality.reasons[r] += out->reasons[r];
	if (out->nrej) {
		ALLOC_GROW(set->rejects, set->nrejects + out->nrej,
			   mg->arejects);
		memcpy(set->rejects + set->nrejects, out->rej,
		       out->nrej * sizeof(*out->rej));
		set->nrejects += out->nrej;
	}
	if (out->enc_why)
		diag_report(d, DIAG_NOTE, f->path, 0, 0, "read as %s (%s)",
			    f->encoding, out->enc_why);
	diag_take(d, &out->d);
	if (out->sat.header) {
		if (!mg->sat)
			mg->sat = xcalloc(set->nfiles + 1, sizeof(*mg->sat));
		mg->sat[i] = out->sat;
	}
	for (r = 0; r < out->ntk; r++)
		merge_ticket(mg, out, r);
	if (f->kind == FILE_CALLBACKS) {
		for (r = 0; r < out->ncb; r++) {
			struct cb_cand *c = new_cb(mg);

			*c = out->cb[r];
			c->seq = mg->cb_seq++;
			c->ticket = out->by_key ?
				new_pending(mg, keep_string(mg, out->cb_id[r],
							    NULL)) :
				row_ticket(mg, out, r, i);
		}
	}
	file_out_release(out);
}

void file_out_release(struct file_out *out)
{
	size_t i;

	for (i = 0; i < out->nonce; i++)
		free(out->once[i].key);
	free(out->once);
	arena_release(&out->strs);
	free(out->tk);
	free(out->tk_hash);
	free(out->tk_key);
	free(out->cb);
	free(out->cb_id);
	free(out->cb_hash);
	free(out->rej);
	diag_release(&out->d);
	memset(out, 0, sizeof(*out));
}

/* ---- the rules that need every row ---- */

/* qsort, which must not be given NULL even for nothing to sort. */
static void sort(void *base, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/*
 * A ticket number as a sort key: its first 16 bytes as two big-endian
 * integers (zero-padded), which order as strcmp() does; only numbers that
 * agree in all 16 are compared as strings, found through idx, a ticket
 * candidate (sorting_tc, set for the duration of the sort). 20 bytes,
 * packed, not 24 aligned or 32 with a pointer: the keys are held at the
 * peak of memory (docs/bench.md, Memory).
 */
struct __attribute__((packed, aligned(4))) id_key {
	uint64_t hi, lo;
	uint32_t idx;
};
_Static_assert(sizeof(struct id_key) == 20, "struct id_key is not packed");

static const struct ticket *sorting_tc;

static const char *id_key_text(const struct id_key *k)
{
	return sorting_tc[k->idx].id;
}

static uint64_t load_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void id_key_set(struct id_key *k, const char *id, uint32_t idx)
{
	unsigned char b[16] = { 0 };

	memcpy(b, id, strnlen(id, sizeof(b)));
	k->hi = load_be64(b);
	k->lo = load_be64(b + 8);
	k->idx = idx;
}

static int cmp_id(const struct id_key *x, const struct id_key *y)
{
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	/* The first 16 bytes hold a NUL: the numbers are equal. */
	if (!(x->lo & 0xFF) || !(y->lo & 0xFF))
		return 0;
	return strcmp(id_key_text(x), id_key_text(y));
}

/* By number, then index (qsort is not stable). */
static int cmp_id_key(const void *a, const void *b)
{
	const struct id_key *x = a, *y = b;
	int c = cmp_id(x, y);

	if (c)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Heapsort of n keys: the fallback that bounds sort_id_range()'s time. */
static void heap_id_keys(struct id_key *k, size_t n)
{
	size_t start = n / 2, end = n;

	while (end > 1) {
		size_t root, child;
		struct id_key t;

		if (start > 0) {
			start--;
		} else {
			end--;
			t = k[0]; k[0] = k[end]; k[end] = t;
		}
		for (root = start; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && cmp_id_key(&k[child], &k[child + 1]) < 0)
				child++;
			if (cmp_id_key(&k[root], &k[child]) >= 0)
				break;
			t = k[root]; k[root] = k[child]; k[child] = t;
		}
	}
}

/*
 * Quicksort (the middle of three as pivot, the smaller side first so
 * the stack stays shallow) down to runs of 16, which insertion sort
 * finishes; past depth levels, heapsort, so that no export, however
 * made, makes it quadratic (introsort).
 */
static void sort_id_range(struct id_key *k, size_t n, unsigned depth)
{
	while (n > 16) {
		struct id_key pivot, t;
		size_t i = 0, j = n - 1, m = n / 2;

		if (!depth--) {
			heap_id_keys(k, n);
			return;
		}
		/* k[0] <= k[m] <= k[n - 1]; k[m] is the pivot */
		if (cmp_id_key(&k[m], &k[0]) < 0) {
			t = k[m]; k[m] = k[0]; k[0] = t;
		}
		if (cmp_id_key(&k[n - 1], &k[m]) < 0) {
			t = k[m]; k[m] = k[n - 1]; k[n - 1] = t;
			if (cmp_id_key(&k[m], &k[0]) < 0) {
				t = k[m]; k[m] = k[0]; k[0] = t;
			}
		}
		pivot = k[m];
		/* Hoare's partition: k[0 .. j] <= pivot <= k[j + 1 .. n) */
		for (;;) {
			while (cmp_id_key(&k[i], &pivot) < 0)
				i++;
			while (cmp_id_key(&pivot, &k[j]) < 0)
				j--;
			if (i >= j)
				break;
			t = k[i]; k[i] = k[j]; k[j] = t;
			i++;
			j--;
		}
		if (j + 1 < n - j - 1) {
			sort_id_range(k, j + 1, depth);
			k += j + 1;
			n -= j + 1;
		} else {
			sort_id_range(k + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct id_key x = k[i];
		size_t j = i;

		for (; j > 0 && cmp_id_key(&k[j - 1], &x) > 0; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/*
 * Sorts n keys by cmp_id_key() in place. glibc's qsort() would copy the
 * keys to a second array of the same size (a merge sort) and call the
 * comparator through a pointer: 20 MB more at the peak of memory on a
 * million rows, and slower. The order is total (ties go by idx), so it
 * is the one qsort() gave.
 */
static void sort_id_keys(struct id_key *k, size_t n)
{
	unsigned depth = 0;
	size_t m;

	for (m = n; m > 1; m >>= 1)
		depth += 2;
	sort_id_range(k, n, depth);
}

/* What PENDING | k names, for the comparators (set around their use). */
static const char *const *sorting_pend;

/* A candidate's ticket for the order: every orphan is PENDING. */
static uint32_t owner_of(const struct cb_cand *c)
{
	return c->ticket >= PENDING ? PENDING : c->ticket;
}

/* Whether two orphans name the same number (or key). */
static int cmp_orphan(const struct cb_cand *x, const struct cb_cand *y)
{
	const char *a = sorting_pend[x->ticket & ~PENDING];
	const char *b = sorting_pend[y->ticket & ~PENDING];

	return a == b ? 0 : strcmp(a, b);
}

/*
 * Identity (ticket, time, recorder), then the order of occurrence, over
 * the candidates themselves (sorted in place: no array of keys beside
 * them at the peak of memory). The ticket is its index in set->tickets;
 * orphans (PENDING) sort last, by their ticket number. Equal recorders
 * are mostly one interned string.
 */
static int cmp_cb_identity(const void *a, const void *b)
{
	const struct cb_cand *x = a, *y = b;
	uint32_t ox = owner_of(x), oy = owner_of(y);
	int64_t ax, ay;
	int c;

	if (ox != oy)
		return ox < oy ? -1 : 1;
	if (ox == PENDING) {
		c = cmp_orphan(x, y);
		if (c)
			return c;
	}
	/* A date alone sorts after the timed callbacks of its day. */
	ax = callback_sort_at(&x->cb);
	ay = callback_sort_at(&y->cb);
	if (ax != ay)
		return ax < ay ? -1 : 1;
	if (x->cb.recorder != y->cb.recorder) {
		c = strcmp(x->cb.recorder, y->cb.recorder);
		if (c)
			return c;
	}
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Within one ticket and instant, ticket.h's order: (source, file, line),
 * and the order of occurrence where those tie (qsort is not stable).
 */
static int cmp_cb_final(const void *a, const void *b)
{
	const struct cb_cand *x = a, *y = b;

	if (x->cb.source != y->cb.source)
		return (int)x->cb.source - (int)y->cb.source;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static bool same_identity(const struct cb_cand *x, const struct cb_cand *y)
{
	return owner_of(x) == owner_of(y) && x->cb.at == y->cb.at &&
	       x->cb.date_only == y->cb.date_only &&
	       (owner_of(x) != PENDING || !cmp_orphan(x, y)) &&
	       (x->cb.recorder == y->cb.recorder ||
		!strcmp(x->cb.recorder, y->cb.recorder));
}

/*
 * Reorders n elements of size bytes in place so that position j receives
 * the element that was at src[j], cycle by cycle, each element copied
 * once, with one element of scratch: no second copy of the array. The
 * reads are random, so the element a few steps ahead on the cycle is
 * prefetched. src is consumed (left as the identity).
 */
static void permute(void *base, size_t n, size_t size, uint32_t *src)
{
	enum { AHEAD = 6 };
	unsigned char *a = base, *tmp = xmalloc(size);
	size_t i;

	for (i = 0; i < n; i++) {
		size_t j = i, ahead = i;
		int k;

		if (src[i] == i)
			continue;
		memcpy(tmp, a + i * size, size);
		for (k = 0; k < AHEAD && src[ahead] != i; k++)
			ahead = src[ahead];
		while (src[j] != i) {
			size_t from = src[j];

			if (src[ahead] != i) {
				ahead = src[ahead];
				__builtin_prefetch(a + ahead * size);
				__builtin_prefetch(a + ahead * size + size - 1);
			}
			memcpy(a + j * size, a + from * size, size);
			src[j] = (uint32_t)j;
			j = from;
		}
		memcpy(a + j * size, tmp, size);
		src[j] = (uint32_t)j;
	}
	free(tmp);
}

/*
 * Moves the ticket candidates into number order (mg->tc_src), the
 * placeholders last, and clears first_cb and n_cb, used for candidate
 * slots until now. Runs on a thread of its own beside sort_cb_cands(),
 * which touches neither.
 */
static void *order_tickets(void *arg)
{
	struct merge *mg = arg;
	size_t i;

	permute(mg->tc, mg->ntc, sizeof(*mg->tc), mg->tc_src);
	free(mg->tc_src);
	mg->tc_src = NULL;
	for (i = 0; i < mg->ntc; i++)
		mg->tc[i].first_cb = mg->tc[i].n_cb = 0;
	return NULL;
}

/* A ticket's join key and its candidate, for join_by_key(). */
struct join_entry {
	const char *key;
	uint32_t tc;
};

static int cmp_join(const void *a, const void *b)
{
	return strcmp(((const struct join_entry *)a)->key,
		      ((const struct join_entry *)b)->key);
}

/*
 * Issue 14: callback rows of a profile that joins on the tickets' internal
 * id (source.h's join and key_column) wait, PENDING, with that id. After
 * every file is merged, whatever their order, each joins the winning
 * ticket that carries the key (§8.7: the key travels with the winner); a
 * key no ticket holds stays as it is and is an orphan's.
 */
static void join_by_key(struct merge *mg)
{
	struct join_entry *e, want, *hit;
	size_t i, n = 0;

	if (!mg->npend)
		return;
	e = xcalloc(mg->ntc + 1, sizeof(*e));
	for (i = 0; i < mg->ntc && mg->tc_key; i++)
		if (mg->tc_key[i] && *mg->tc_key[i]) {
			e[n].key = mg->tc_key[i];
			e[n].tc = (uint32_t)i;
			n++;
		}
	sort(e, n, sizeof(*e), cmp_join);
	for (i = 0; i < mg->ncc && n; i++) {
		struct cb_cand *c = &mg->cc[i];

		if (c->ticket < PENDING)
			continue;
		want.key = mg->pend[c->ticket & ~PENDING];
		hit = bsearch(&want, e, n, sizeof(*e), cmp_join);
		if (hit)
			c->ticket = hit->tc;
	}
	free(e);
}

/*
 * A callback row whose number no ticket row had is an orphan: it is
 * given PENDING and its number, the placeholder's string, which stays.
 */
static void find_orphans(struct merge *mg)
{
	size_t i;

	for (i = 0; i < mg->ncc; i++) {
		struct cb_cand *c = &mg->cc[i];

		if (c->ticket < PENDING && placeholder(&mg->tc[c->ticket]))
			c->ticket = new_pending(mg, mg->tc[c->ticket].id);
	}
}

/*
 * The order of the tickets by number, as src (position j receives
 * candidate src[j]), the placeholders after them (mg->nreal is how many
 * are tickets), and each callback candidate's final ticket index. The
 * 20-byte keys are the largest thing here, so what follows them is made
 * in their own array: the sorted keys' indices become src (4 bytes a
 * key, written below the keys still to be read), then the inverse
 * permutation (the candidate's position, for the callbacks' owners)
 * after it, and the array shrinks to src when that is done: 20 bytes a
 * ticket at the peak, not 20 + 8.
 */
static uint32_t *sort_tickets(struct merge *mg)
{
	struct id_key *keys;
	uint32_t *src, *pos;
	size_t i, n = 0, m;

	keys = xcalloc(mg->ntc + 1, sizeof(*keys));
	for (i = 0; i < mg->ntc; i++)
		if (!placeholder(&mg->tc[i]))
			id_key_set(&keys[n++], mg->tc[i].id, (uint32_t)i);
	mg->nreal = n;
	for (i = 0, m = n; i < mg->ntc; i++)
		if (placeholder(&mg->tc[i]))
			keys[m++].idx = (uint32_t)i;
	sorting_tc = mg->tc;
	sort_id_keys(keys, n);
	sorting_tc = NULL;
	/* src[i] overwrites bytes of keys[0 .. i] only, already read. */
	src = (uint32_t *)(void *)keys;
	for (i = 0; i < mg->ntc; i++) {
		uint32_t idx = keys[i].idx;

		src[i] = idx;
	}
	pos = src + mg->ntc;
	for (i = 0; i < mg->ntc; i++)
		pos[src[i]] = (uint32_t)i;
	for (i = 0; i < mg->ncc; i++)
		if (mg->cc[i].ticket < PENDING)
			mg->cc[i].ticket = pos[mg->cc[i].ticket];
	return xreallocarray(src, mg->ntc + 1, sizeof(*src));
}

/*
 * Waits for order_tickets(); the array, the placeholders cut off the
 * end, becomes set->tickets.
 */
static void tickets_ordered(struct merge *mg)
{
	struct ticket_set *set = mg->set;

	if (mg->tc_running)
		pthread_join(mg->tc_thread, NULL);
	mg->tc_running = false;
	set->tickets = mg->tc ? xreallocarray(mg->tc, mg->nreal + 1,
					      sizeof(*mg->tc))
			      : xcalloc(1, sizeof(*set->tickets));
	set->ntickets = mg->nreal;
	mg->tc = NULL;
	mg->ntc = mg->atc = 0;
}

/*
 * The tickets, one per number already (merge_ticket() applied §8.7),
 * go into number order in place: keys are sorted (sort_tickets()), and
 * the permutation is applied by cycles, so no second copy of the tickets
 * is made; that runs on a thread of its own (order_tickets()) when
 * threads is set, and tickets_ordered() waits for it. Each callback
 * candidate is given its ticket's final index, through the candidate it
 * was joined to as it was merged, or by key (join_by_key()).
 */
static void resolve_tickets(struct merge *mg, bool threads)
{
	join_by_key(mg);
	free(mg->tc_key);
	mg->tc_key = NULL;
	find_orphans(mg);
	mg->tc_src = sort_tickets(mg);
	if (!threads ||
	    pthread_create(&mg->tc_thread, NULL, order_tickets, mg) != 0)
		order_tickets(mg);
	else
		mg->tc_running = true;
}

/* Insertion sort: a ticket's callbacks are a handful. */
static void sort_few(struct cb_cand *c, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct cb_cand x = c[i];

		for (j = i; j > 0 && cmp_cb_identity(&c[j - 1], &x) > 0; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

/*
 * The candidates in identity order (cmp_cb_identity()): counted out by
 * ticket, which needs no comparison, and moved once along that order;
 * then each ticket's few sorted where they are, and the orphans, whose
 * ticket is their number, last, by qsort. 4 bytes a candidate and a
 * ticket beside the candidates, where keys took 24 a candidate. Needs
 * only the callback candidates: it runs while order_tickets() moves the
 * tickets.
 */
static void sort_cb_cands(struct merge *mg)
{
	size_t ntc = mg->nreal;
	uint32_t *start = xcalloc(ntc + 2, sizeof(*start));
	uint32_t *src = xcalloc(mg->ncc + 1, sizeof(*src));
	size_t i, j, t;

	for (i = 0; i < mg->ncc; i++) {
		uint32_t tk = owner_of(&mg->cc[i]);

		start[(tk == PENDING ? ntc : tk) + 1]++;
	}
	for (t = 1; t <= ntc + 1; t++)
		start[t] += start[t - 1];
	for (i = 0; i < mg->ncc; i++) {
		uint32_t tk = owner_of(&mg->cc[i]);

		src[start[tk == PENDING ? ntc : tk]++] = (uint32_t)i;
	}
	free(start);
	permute(mg->cc, mg->ncc, sizeof(*mg->cc), src);
	free(src);
	for (i = 0; i < mg->ncc; i = j) {
		for (j = i + 1; j < mg->ncc &&
		     owner_of(&mg->cc[j]) == owner_of(&mg->cc[i]); j++)
			;
		if (owner_of(&mg->cc[i]) == PENDING || j - i > 16)
			sort(mg->cc + i, j - i, sizeof(*mg->cc),
			     cmp_cb_identity);
		else
			sort_few(mg->cc + i, j - i);
	}
}

/*
 * Callbacks (§8.8), sorted by identity and occurrence (sort_cb_cands()).
 * An inline callback of a row that lost (§8.7) was dropped when it lost
 * (DEAD, and out since drop_dead()), so it supersedes nothing; among the rest, each identity keeps
 * its last occurrence. Orphans are counted and dropped. The survivors
 * are converted in place to struct callback, which is smaller, and the
 * array becomes set->callbacks.
 */
/*
 * Issue 14: a callback-export row of a profile whose satisfaction map
 * depends on 工单类型 is read once its ticket, and so its type, is known
 * (the normaliser used the map for every type and said nothing). A value
 * the type's map does not list is not rated (SPEC §9.22: the map replaces
 * the built-ins); each value that cannot be read is warned about once per
 * file (warned holds "file:value"). satisfaction_text holds the source's
 * own value.
 */
static void remap_satisfaction(const struct merge *mg, struct cb_cand *c,
			       int type, struct string_list *warned,
			       struct diag *d)
{
	const char *label;
	const struct file_sat *fs;
	struct buf key = BUF_INIT, esc = BUF_INIT;

	if (c->cb.source != CB_ROW || !mg->sat || !mg->sat[c->cb.file].header ||
	    c->cb.is_attempt || !*c->cb.satisfaction_text)
		return;
	fs = &mg->sat[c->cb.file];
	label = source_value(fs->profile, COL_CB_SATISFACTION, type,
			     c->cb.satisfaction_text);
	c->cb.satisfaction = label ? (uint8_t)config_match_satisfaction(
						     mg->cfg, label)
				   : SAT_NONE;
	if (c->cb.satisfaction != SAT_NONE)
		return;
	buf_addf(&key, "%u:%s", (unsigned)c->cb.file, c->cb.satisfaction_text);
	if (!string_list_has(warned, key.s)) {
		string_list_add(warned, key.s);
		text_escape_invalid(&esc, c->cb.satisfaction_text,
				    strlen(c->cb.satisfaction_text));
		if (label)
			diag_report(d, DIAG_WARNING,
				    mg->set->files[c->cb.file].path, c->cb.line,
				    fs->column, "'%s' in column '%s' is no "
				    "satisfaction label or star: not rated",
				    esc.s, fs->header);
		else
			diag_report(d, DIAG_WARNING,
				    mg->set->files[c->cb.file].path, c->cb.line,
				    fs->column, "'%s' in column '%s' is not "
				    "in the value map of source '%s' for %s: "
				    "not rated", esc.s, fs->header,
				    fs->profile->name, ticket_type_name[type]);
	}
	buf_release(&key);
	buf_release(&esc);
}

static void resolve_callbacks(struct merge *mg, struct diag *d)
{
	struct ticket_set *set = mg->set;
	struct string_list warned = { NULL, 0, 0 };
	struct callback *out;
	size_t i, j, n = 0;
	bool inline_seen = false, counted = false;

	sorting_pend = mg->pend;
	sort_cb_cands(mg);
	tickets_ordered(mg);
	/*
	 * §8.8's accounting: a group of R occurrences on distinct rows adds
	 * R - 1 to superseded. When an inline occurrence is in the group, the
	 * ticket row stays accepted and every callback-export row of the
	 * group is superseded, the last one too, though its content wins;
	 * otherwise every callback-export row but the last is. counted marks
	 * a kept row already moved to superseded.
	 */
	n = 0;
	for (i = 0; i < mg->ncc; i++) {
		struct cb_cand c = mg->cc[i];

		if (n && same_identity(&mg->cc[n - 1], &c)) {
			set->quality.superseded_callbacks++;
			if (mg->cc[n - 1].cb.source == CB_ROW && !counted)
				supersede_row(mg, mg->cc[n - 1].cb.file);
			inline_seen |= c.cb.source != CB_ROW;
			n--;
			counted = false;
			if (inline_seen && c.cb.source == CB_ROW) {
				supersede_row(mg, c.cb.file);
				counted = true;
			}
		} else {
			inline_seen = c.cb.source != CB_ROW;
			counted = false;
		}
		mg->cc[n++] = c;
	}
	/* Orphans: accepted rows, counted, used by nothing. */
	for (i = j = 0; i < n; i++) {
		if (mg->cc[i].ticket >= PENDING) {
			set->quality.orphan_callbacks++;
			continue;
		}
		mg->cc[j++] = mg->cc[i];
	}
	n = j;
	/* Equal (ticket, instant) runs are short: sort each in rule 14's order. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && mg->cc[j].ticket == mg->cc[i].ticket &&
		     callback_sort_at(&mg->cc[j].cb) ==
			     callback_sort_at(&mg->cc[i].cb); j++)
			;
		sort(mg->cc + i, j - i, sizeof(*mg->cc), cmp_cb_final);
	}
	/* Element i moves down to an offset below every later element's. */
	out = (struct callback *)(void *)mg->cc;
	for (i = 0; i < n; i++) {
		struct cb_cand c = mg->cc[i];
		struct ticket *tk = &set->tickets[c.ticket];

		remap_satisfaction(mg, &c, tk->type, &warned, d);
		/* Text that is no label, on a callback: not rated (§8.9). */
		if (!c.cb.is_attempt && *c.cb.satisfaction_text &&
		    c.cb.satisfaction == SAT_NONE)
			set->quality.unrated_satisfaction++;
		if (!c.cb.is_attempt) {
			set->quality.date_only_callbacks += c.cb.date_only;
			set->quality.stand_in_callbacks += c.cb.stand_in;
		}
		if (!tk->n_cb)
			tk->first_cb = (uint32_t)i;
		tk->n_cb++;
		memcpy(&out[i], &c.cb, sizeof(c.cb));
	}
	string_list_clear(&warned);
	sorting_pend = NULL;
	set->callbacks = mg->cc ? xreallocarray(mg->cc, n + 1, sizeof(*out))
				: xcalloc(1, sizeof(*out));
	set->ncallbacks = n;
	mg->cc = NULL;
	mg->ncc = mg->acc = 0;
}

/*
 * The inline candidates of rows that lost (DEAD) out, before anything is
 * sorted, and the array shrunk to what is left (the pages they held are
 * given back).
 */
static void drop_dead(struct merge *mg)
{
	size_t i, n = 0;

	for (i = 0; i < mg->ncc; i++)
		if (mg->cc[i].ticket != DEAD)
			mg->cc[n++] = mg->cc[i];
	if (mg->cc && n < mg->ncc) {
		mg->cc = xreallocarray(mg->cc, n + 1, sizeof(*mg->cc));
		mg->acc = n + 1;
	}
	mg->ncc = n;
}

void merge_resolve(struct merge *mg, bool threads, struct diag *d)
{
	struct ticket_set *set = mg->set;
	size_t i;

	/* Only merge_file() looks numbers up: not held over the peak. */
	hashtab_release(&mg->ids);
	drop_dead(mg);
	resolve_tickets(mg, threads);
	resolve_callbacks(mg, d);
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];

		if (*t->subtype && !config_known_subtype(mg->cfg, t->type,
							 t->subtype))
			set->quality.unknown_subtype++;
	}
}

/* ---- entry points ---- */
