/*
 * ingest_int.h - the ingest stage's inside: the row normaliser and the
 * merge, shared by ingest.c, normalise.c and merge.c only.
 *
 * Calling order, for every file in order (ingest.c runs the first two on
 * worker threads, the merge on the calling thread):
 *
 *   matcher_init(&m, cfg);                   -- once, shared read-only
 *   normaliser_init(&in, opts, cfg, &m);     -- one per worker
 *   normalise_file(&in, set, i, &outs[i]);   -- a reader's rows -> outs[i]
 *   merge_file(&mg, i, &outs[i], d);         -- strictly in file order
 *   (a file read in parts: normalise_part() for each part, and each
 *   part's file_out merged in part order as a file's)
 *   ...
 *   merge_resolve(&mg, threads, d);          -- the rules that need all rows
 *   merge_release(&mg); normaliser_release(&in, set); matcher_release(&m);
 *
 * Ownership: a file_out's arrays and its arena of row strings belong to
 * it until merge_file() frees them (having copied what the set keeps);
 * every other string of a row (the interned values, rejects' texts)
 * lives in its normaliser's arena, which normaliser_release() gives to
 * the set; the merge's arrays become the set's in merge_resolve().
 */
#ifndef HUIFANG_INGEST_INT_H
#define HUIFANG_INGEST_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/ingest.h"
#include "model/ticket.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/hashtab.h"

/*
 * A callback occurrence on its way to the set: 72 bytes, one for every
 * occurrence until merge_resolve(), so what is the same for a whole
 * file is the merge's, by file, not here (docs/bench.md, Memory): its
 * profile and 满意度 column (file_sat: a callback-export row of a file
 * that has one, not an attempt, has its 满意度 read by type once its
 * ticket is known); a row that names the ticket's internal id (its
 * file's by_key) is PENDING, its key in merge.pend, until
 * merge_resolve() joins it (issue 14). A callback-export row is the one
 * whose cb.source is CB_ROW. No ticket number is held here: an inline
 * callback's is its row's, and a callback row's is looked up as it is
 * merged (merge.c, merge_file()).
 */
struct cb_cand {
	/*
	 * Unset in a file_out (a row's number is in its cb_id). In the
	 * merge, until merge_resolve(): the ticket candidate it belongs to
	 * (an inline callback's row; a callback row's number, a placeholder
	 * candidate while no ticket row has had it), DEAD for an inline one
	 * of a lost row, PENDING | k for a row that joins by key (the key
	 * in merge.pend[k]). Then its ticket's index in set->tickets, or
	 * PENDING | k for an orphan, whose number or key is pend[k].
	 */
	uint32_t ticket;
	uint32_t seq;          /* order of occurrence in the whole input */
	struct callback cb;
};
/* One a callback occurrence at the peak of memory: let it not grow. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct cb_cand) <= 72,
	       "struct cb_cand is more than 72 bytes (docs/bench.md, Memory)");

/*
 * PENDING | k: a callback candidate whose ticket is not a candidate's
 * index (above); DEAD, which is PENDING | (2^31 - 1), one of a lost row.
 * Candidates and pending rows stay below 2^31 each (merge.c).
 */
#define PENDING (UINT32_C(1) << 31)
#define DEAD UINT32_MAX

/*
 * A file whose profile maps 满意度 by type (issue 14): the profile, and
 * the header and column (from 1) merge_resolve() names when it cannot
 * read a value.
 */
struct file_sat {
	const struct source_profile *profile;
	const char *header;
	uint32_t column;
};


/* The header matchers, built once and shared read-only by the workers. */
struct matcher {
	struct buf canon_key[COL_COUNT];
	struct string_list alias_keys[COL_COUNT];
};

void matcher_init(struct matcher *mt, const struct config *cfg);
void matcher_release(struct matcher *mt);

/*
 * What a worker makes of one file: its accepted ticket rows in order
 * (first_cb, n_cb index cb[], their inline callbacks), or its callback
 * rows in cb[], its rejects and its diagnostics.
 */
struct file_out {
	struct ticket *tk;
	uint32_t *tk_hash;      /* text_hash of each row's ticket number */
	/*
	 * Issue 14: each row's internal id that callbacks join on (a source
	 * profile's key_column), when the file has that column; NULL when
	 * not. Beside tk, not in struct ticket, which every stage holds.
	 */
	const char **tk_key;
	size_t ntk, atk, ahash, akey;
	struct cb_cand *cb;
	size_t ncb, acb;
	/*
	 * A callback file's rows' ticket numbers (keys, when by_key) and
	 * their text_hash(), beside cb: the merge looks them up and keeps
	 * none it finds (merge_file()).
	 */
	const char **cb_id;
	uint32_t *cb_hash;
	size_t acb_id, acb_hash;
	struct reject *rej;
	size_t nrej, arej;
	/*
	 * The strings that are the row's own, not interned: a ticket row's
	 * number, unit, owner and phone, a callback row's ticket number.
	 * merge_file() copies those of the rows that win into the set's
	 * arena and frees the rest with this arena, so that a row another
	 * supersedes keeps nothing (docs/bench.md, Memory).
	 */
	struct arena strs;
	size_t reasons[REJECT_REASON_COUNT];
	const char *enc_why;    /* how the encoding was chosen, for the note */
	struct file_sat sat;    /* header NULL: no row's 满意度 by type */
	bool by_key;            /* its callback rows name the internal id */
	size_t untimed;         /* ratings or results without a callback time */
	bool done;              /* written by the worker, under the pool lock */
	struct diag d;
	/*
	 * A part of a file cut by csv_plan_file() (issue 20; ingest.c sets
	 * part): the "once per file" warnings it gave (warn_value()), each
	 * its key and its entry in d, so that the merge keeps the first
	 * part's only; the invalid sequences its reader counted; and
	 * whether a read error stopped it.
	 */
	bool part;
	struct once_warning {
		char *key;
		size_t entry;
	} *once;
	size_t nonce, aonce;
	size_t invalid;
	bool failed;
};

/*
 * An interned string, with what the config's matchers say of it, worked
 * out once per distinct value instead of once per row.
 */
struct name {
	const char *s;
	uint32_t hash;
	uint32_t len;
	int8_t type;          /* config_match_type, or NOT_YET */
	int8_t satisfaction;  /* config_match_satisfaction, or NOT_YET */
	int8_t attempt;       /* config_is_attempt, or NOT_YET */
	int8_t cancelled;     /* config_is_cancelled, or NOT_YET */
};

/* A worker's normaliser: reads files into file_outs. */
struct ingest {
	const struct ingest_opts *opts;
	const struct config *cfg;
	const struct matcher *m;
	struct hashtab names;   /* of struct name: the interned strings */
	struct arena arena;     /* every string of its rows; the set adopts it */
	struct file_out *out;   /* the file being read */
	struct buf fold;
	const struct csv_plan *plan;    /* the part being read, or NULL */
	size_t part;
};

void normaliser_init(struct ingest *in, const struct ingest_opts *opts,
		     const struct config *cfg, const struct matcher *m);
/* Reads file i of the set through its reader into out. */
void normalise_file(struct ingest *in, struct ticket_set *set, uint32_t i,
		    struct file_out *out);
/*
 * Reads part k of file i (cut by plan, csvread.h) into out, counting
 * into f, the part's own copy of the file's entry (the merge sums the
 * parts): the header's diagnostics only for part 0, and no check that
 * the file changed (the caller checks once, for the file).
 */
struct csv_plan;
void normalise_part(struct ingest *in, uint32_t i, const struct csv_plan *plan,
		    size_t k, struct input_file *f, struct file_out *out);
/*
 * True when the file at path is not the one opened (its stat, *opened).
 * HUIFANG_TEST_GROW_INPUT=n first appends a line end to it while *grown
 * (the appends so far, counted up) is below n (docs/ingest.md).
 */
struct stat;
bool normalise_changed(const char *path, const struct stat *opened,
		       unsigned long *grown);
/*
 * Reads file i whole a second time: a first reading (in parts) saw it
 * change. If it changes again it is unreadable, as normalise_file()'s
 * second reading would find it; grown is normalise_changed()'s count.
 */
void normalise_reread(struct ingest *in, struct ticket_set *set, uint32_t i,
		      struct file_out *out, unsigned long grown);
/* Gives the normaliser's strings to the set, and frees the rest. */
void normaliser_release(struct ingest *in, struct ticket_set *set);

/* A slot of the merge's table of ticket numbers. */
struct id_slot {
	uint32_t hash;
	uint32_t idx;           /* candidate + 1; 0 for an empty slot */
};

/* The merge, on the calling thread; merge_init() allocates nothing. */
struct merge {
	const struct config *cfg;
	struct ticket_set *set;
	struct ticket *tc;      /* the winning row of each ticket number */
	size_t ntc, atc;
	struct hashtab ids;     /* of struct id_slot: number -> tc index */
	/* Each tc's join key (see file_out.tk_key), NULL for none; NULL
	 * until a file has keys, then akey >= ntc entries. */
	const char **tc_key;
	size_t akey;
	struct cb_cand *cc;
	size_t ncc, acc;
	/* What a PENDING candidate's k names: a key, or an orphan's number */
	const char **pend;
	size_t npend, apend;
	size_t nreal;           /* resolve: tc that are no placeholder */
	uint32_t cb_seq;        /* the next callback occurrence's seq */
	struct file_sat *sat;   /* by file, once one reads 满意度 by type */
	size_t arejects;
	/* resolve(): the tickets are put in order on a thread of their own */
	uint32_t *tc_src;
	pthread_t tc_thread;
	bool tc_running;
};

void merge_init(struct merge *mg, const struct config *cfg,
		struct ticket_set *set);
/*
 * Takes file i's rows into the set, after every file before it: counts,
 * rejects, diagnostics (into d), tickets through SPEC §8.7, callback
 * rows. Frees the file_out's arrays.
 */
void merge_file(struct merge *mg, uint32_t i, struct file_out *out,
		struct diag *d);
/* Frees a file_out's arrays and diagnostics (merge_file() does). */
void file_out_release(struct file_out *out);
/*
 * The rules that need every row (§8.8, the orderings of ticket.h); what
 * it cannot read (a satisfaction a by-type map does not list) goes to d.
 */
void merge_resolve(struct merge *mg, bool threads, struct diag *d);
void merge_release(struct merge *mg);

#endif
