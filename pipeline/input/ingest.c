/*
 * ingest.c - exports -> normalised records + rejects (see ingest.h).
 *
 * Two halves. Workers (one thread each, ingest.threads of the config)
 * read whole files, each into a file_out of its own: every file is read
 * once (JSON twice: first for the union of its keys), row by row; a row
 * is checked against the reject reasons in the order of SPEC §8 rule 3,
 * and the first that applies quarantines it; otherwise its values are
 * normalised (trimmed, folded, timestamps parsed, the repeated ones
 * interned in the worker's table) into a ticket row, with its inline
 * callbacks, or a callback row. The merge, on the calling thread, takes
 * the file_outs strictly in file order, so that the result does not
 * depend on the number of threads or their timing: it applies the
 * duplicate-ticket rule (§8.7) as the rows arrive in (file, line) order,
 * keeping one candidate per ticket number with slots for its inline
 * callbacks, and numbers the callback occurrences. Only when every file
 * is merged are the rules that need all rows applied: callback identity
 * (§8.8), the join of callback rows to tickets, and the orderings that
 * ticket.h promises (resolve()). A worker reads at most 'window' files
 * ahead of the merge, so memory does not grow with the number of files.
 *
 * Invariants kept throughout: for every file and for the set,
 * rows_read == accepted + rejected + superseded (a row is counted accepted
 * when it passes the checks, and moved to superseded when it loses, never
 * counted twice); rejected rows never become candidates, so they supersede
 * nothing; the inline callback candidates of a ticket are consecutive
 * (first_cb, n_cb of its candidate until resolve()), and those of a lost
 * row are DEAD; a worker writes only its own file's input_file and
 * file_out, and the merge reads a file_out only once it is done; every
 * string a record holds lives in a worker's arena, which the set adopts
 * at the end, and the values that repeat (centres, butlers, types,
 * statuses, channels, recorders, contents) are interned per worker.
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

#include "util/chtime.h"
#include "util/csvout.h"
#include "input/csvread.h"
#include "input/ingest.h"
#include "input/jsonread.h"
#include "util/mask.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* The six timestamp columns of SPEC §8 rule 3, in canonical order. */
static const int time_columns[] = { COL_CREATED, COL_COMPLETED, COL_UPDATED,
				    COL_CB_TIME, COL_CB2_TIME, COL_RECTIFIED };

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

#define NOT_YET (-2)

struct intern {
	struct name *slot;
	size_t cap, n;
};

struct cb_cand {
	const char *ticket_id;
	uint32_t owner;        /* ticket candidate, NO_OWNER for a row, DEAD */
	uint32_t ticket;       /* its ticket, once resolve_tickets() ran */
	uint32_t seq;          /* order of occurrence in the whole input */
	struct callback cb;
};

#define NO_OWNER UINT32_MAX
#define DEAD (UINT32_MAX - 1)   /* an inline candidate of a lost row */

struct id_slot {
	uint32_t hash;
	uint32_t idx;           /* candidate + 1; 0 for an empty slot */
};

struct id_map {
	struct id_slot *e;
	size_t cap, n;
};

/* The header matchers, built once and shared read-only by the workers. */
struct matcher {
	struct buf canon_key[COL_COUNT];
	struct string_list alias_keys[COL_COUNT];
};

/*
 * What a worker makes of one file: its accepted ticket rows in order
 * (first_cb, n_cb index cb[], their inline callbacks), or its callback
 * rows in cb[], its rejects and its diagnostics.
 */
struct file_out {
	struct ticket *tk;
	uint32_t *tk_hash;      /* text_hash of each row's ticket number */
	size_t ntk, atk, ahash;
	struct cb_cand *cb;
	size_t ncb, acb;
	struct reject *rej;
	size_t nrej, arej;
	size_t reasons[REJECT_REASON_COUNT];
	const char *enc_why;    /* how the encoding was chosen, for the note */
	bool done;              /* written by the worker, under the pool lock */
	struct diag d;
};

/* A worker: reads files into file_outs. */
struct ingest {
	const struct ingest_opts *opts;
	const struct config *cfg;
	const struct matcher *m;
	struct intern names;
	struct arena arena;     /* every string of its rows; the set adopts it */
	struct file_out *out;   /* the file being read */
	struct buf fold;
};

/* The merge, on the calling thread. */
struct merge {
	const struct config *cfg;
	struct ticket_set *set;
	struct ticket *tc;      /* the winning row of each ticket number */
	size_t ntc, atc;
	struct id_map ids;      /* ticket number -> tc index */
	struct cb_cand *cc;
	size_t ncc, acc;
	uint32_t cb_seq;        /* the next callback occurrence's seq */
	size_t arejects;
	/* resolve(): the tickets are put in order on a thread of their own */
	uint32_t *tc_src;
	pthread_t tc_thread;
	bool tc_running;
};

/* One file's header and the row being looked at. */
struct file_ctx {
	uint32_t file;
	struct input_file *f;
	size_t ncols;
	size_t nwritten;        /* header fields as written, blank tail too */
	char **header;          /* as written, trimmed */
	int colmap[COL_COUNT];  /* file column of each canonical one, or -1 */
	int *time_col;          /* per file column: its timestamp column, or -1 */
	const char **val;       /* the row: ncols values, untrimmed */
	int64_t when[COL_COUNT]; /* timestamp columns, parsed by check_row */
	size_t *len;
	uint32_t line;
};

/* ---- interning ---- */

static const struct name empty_name = { "", 0, 0, NOT_YET, NOT_YET, NOT_YET,
					NOT_YET };

static struct name *intern_name(struct ingest *in, const char *s, size_t n)
{
	struct intern *t = &in->names;
	uint32_t h;
	size_t i;

	if (t->n * 2 >= t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024, j;
		struct name *slot = xcalloc(cap, sizeof(*slot));

		for (j = 0; j < t->cap; j++) {
			if (!t->slot[j].s)
				continue;
			i = t->slot[j].hash & (cap - 1);
			while (slot[i].s)
				i = (i + 1) & (cap - 1);
			slot[i] = t->slot[j];
		}
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	h = text_hash(s, n);
	i = h & (t->cap - 1);
	while (t->slot[i].s) {
		if (t->slot[i].hash == h && t->slot[i].len == n &&
		    !memcmp(t->slot[i].s, s, n))
			return &t->slot[i];
		i = (i + 1) & (t->cap - 1);
	}
	t->slot[i] = empty_name;
	t->slot[i].s = n ? arena_strndup(&in->arena, s, n) : "";
	t->slot[i].hash = h;
	t->slot[i].len = (uint32_t)n;
	t->n++;
	return &t->slot[i];
}

static const char *intern(struct ingest *in, const char *s, size_t n)
{
	return n ? intern_name(in, s, n)->s : "";
}

static int name_type(struct ingest *in, struct name *e)
{
	if (e->type == NOT_YET)
		e->type = (int8_t)config_match_type(in->cfg, e->s);
	return e->type;
}

static int name_satisfaction(struct ingest *in, struct name *e)
{
	if (e->satisfaction == NOT_YET)
		e->satisfaction =
			(int8_t)config_match_satisfaction(in->cfg, e->s);
	return e->satisfaction;
}

static bool name_attempt(struct ingest *in, struct name *e)
{
	if (e->attempt == NOT_YET)
		e->attempt = (int8_t)config_is_attempt(in->cfg, e->s);
	return e->attempt;
}

static bool name_cancelled(struct ingest *in, struct name *e)
{
	if (e->cancelled == NOT_YET)
		e->cancelled = (int8_t)config_is_cancelled(in->cfg, e->s);
	return e->cancelled;
}

/* ---- values ---- */

/* The trimmed value of canonical column c in the row ("" if absent). */
static const char *value(const struct file_ctx *fc, int c, size_t *n)
{
	const char *s;
	int j = fc->colmap[c];

	if (j < 0 || (size_t)j >= fc->ncols) {
		*n = 0;
		return "";
	}
	s = fc->val[j];
	*n = fc->len[j];
	text_trim(&s, n);
	return s;
}

static const char *interned(struct ingest *in, const struct file_ctx *fc,
			    int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	return intern(in, s, n);
}

static struct name *named(struct ingest *in, const struct file_ctx *fc,
			 int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	return intern_name(in, s, n);
}

/* A value with full-width digits folded (ticket numbers, phones). */
static const char *folded(struct ingest *in, const struct file_ctx *fc,
			  int c)
{
	size_t n;
	const char *s = value(fc, c, &n);

	if (!n)
		return "";
	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	return arena_strndup(&in->arena, in->fold.s, in->fold.len);
}

/* A timestamp column's value, as check_row() parsed it. */
static int64_t timestamp(const struct file_ctx *fc, int c)
{
	return fc->when[c];
}

static int32_t round_of(struct ingest *in, const struct file_ctx *fc)
{
	size_t n, i;
	const char *s = value(fc, COL_CB_ROUND, &n);
	long v = 0;

	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	if (!in->fold.len || in->fold.len > 6)
		return 0;
	for (i = 0; i < in->fold.len; i++) {
		if (in->fold.s[i] < '0' || in->fold.s[i] > '9')
			return 0;
		v = v * 10 + (in->fold.s[i] - '0');
	}
	return (int32_t)v;
}

/* ---- rejects ---- */

static const char *header_name(const struct file_ctx *fc, int c)
{
	int j = fc->colmap[c];

	return j >= 0 ? fc->header[j] : column_name[c];
}

static int match_column(const struct matcher *mt, const char *key);

/* The ticket statuses DOMAIN.md names: vocabulary, nobody's name. */
static bool is_status_word(const char *s)
{
	static const char *const words[] = {
		"待处理", "处理中", "已完成", "已关闭", "已取消", "作废",
		"已处理", "已回访", "待回访",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(s, words[i]))
			return true;
	return false;
}

/* How a JSON record's value under key is masked (mask_json_text()). */
static enum mask_kind key_mask(const char *key, void *ctx)
{
	struct ingest *in = ctx;
	const struct config *cfg = in->cfg;
	struct buf k = BUF_INIT;
	int c;

	text_header_key(&k, key, strlen(key));
	c = match_column(in->m, k.s);
	buf_release(&k);
	if (c == COL_OWNER)
		return cfg->mask_names ? MASK_NAME : MASK_KEEP;
	if (c == COL_PHONE)
		return cfg->mask_phones ? MASK_PHONE : MASK_KEEP;
	if (c == COL_CONTENT || c == COL_CB_REMARK)
		return cfg->mask_free_text ? MASK_TEXT : MASK_KEEP;
	return MASK_KEEP;
}

/*
 * Appends the row's field i to line as rejects.csv shows it when masked
 * (docs/ingest.md, "Rejects and masking"): the owner column as a name, the
 * phone column as a phone, the free-text columns as free text (the
 * owner's own name in them included), as the config's mask settings say;
 * other columns as they are. A row whose fields do not line up with the
 * header (aligned false: field_count) has every field masked as a guess.
 */
static void add_masked_field(struct ingest *in, const struct file_ctx *fc,
			     size_t i, bool aligned, const char *owner,
			     const struct buf *field, struct buf *line)
{
	const struct config *cfg = in->cfg;
	struct buf m = BUF_INIT, esc = BUF_INIT;
	const char *s;
	size_t n;

	if (!aligned) {
		/*
		 * The words of the export's vocabulary (a type, a
		 * satisfaction) are nobody's name: they stay readable.
		 */
		s = field->s;
		n = field->len;
		text_trim(&s, &n);
		buf_add(&esc, s, n);
		if (!(cfg->mask_names || cfg->mask_phones ||
		      cfg->mask_free_text) ||
		    config_match_type(cfg, esc.s) >= 0 ||
		    config_match_satisfaction(cfg, esc.s) != SAT_NONE ||
		    config_is_attempt(cfg, esc.s) ||
		    config_is_cancelled(cfg, esc.s) || is_status_word(esc.s))
			buf_add(&m, field->s, field->len);
		else
			mask_guess(&m, field->s);
	} else if ((int)i == fc->colmap[COL_OWNER] && cfg->mask_names) {
		s = value(fc, COL_OWNER, &n);
		text_escape_invalid(&esc, s, n);
		mask_name(&m, esc.s);
	} else if ((int)i == fc->colmap[COL_PHONE] && cfg->mask_phones) {
		s = value(fc, COL_PHONE, &n);
		text_escape_invalid(&esc, s, n);
		mask_phone(&m, esc.s);
	} else if (((int)i == fc->colmap[COL_CONTENT] ||
		    (int)i == fc->colmap[COL_CB_REMARK]) && cfg->mask_free_text) {
		mask_free_text_of(&m, field->s, cfg->mask_names ? owner : NULL);
	} else {
		buf_add(&m, field->s, field->len);
	}
	csv_add_field(line, m.s, m.len);
	buf_release(&m);
	buf_release(&esc);
}

/*
 * The row's fields as one CSV line, invalid bytes written \xNN: as they
 * are, or (masked) as add_masked_field() shows them.
 */
static const char *original_line(struct ingest *in, const struct file_ctx *fc,
				 bool masked, bool aligned)
{
	struct buf line = BUF_INIT, field = BUF_INIT, owner = BUF_INIT;
	const char *s;
	size_t i, n;

	if (masked && aligned && fc->colmap[COL_OWNER] >= 0) {
		s = value(fc, COL_OWNER, &n);
		text_escape_invalid(&owner, s, n);
	}
	for (i = 0; i < fc->ncols; i++) {
		if (i)
			buf_addch(&line, ',');
		buf_reset(&field);
		text_escape_invalid(&field, fc->val[i], fc->len[i]);
		if (masked)
			add_masked_field(in, fc, i, aligned, owner.s, &field,
					 &line);
		else
			csv_add_field(&line, field.s, field.len);
	}
	s = arena_strndup(&in->arena, line.s, line.len);
	buf_release(&line);
	buf_release(&field);
	buf_release(&owner);
	return s;
}

/*
 * Quarantines the current row: its reject (original and masked the row's
 * own fields unless given: a JSON record's text) and one diagnostic,
 * whose context line (JSON) is shown masked.
 */
static void add_reject(struct ingest *in, struct file_ctx *fc,
		       enum reject_reason reason, uint32_t column,
		       const char *original, const char *masked,
		       uint32_t diag_line, uint32_t diag_column,
		       const char *context, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

static void add_reject(struct ingest *in, struct file_ctx *fc,
		       enum reject_reason reason, uint32_t column,
		       const char *original, const char *masked,
		       uint32_t diag_line, uint32_t diag_column,
		       const char *context, const char *fmt, ...)
{
	struct file_out *out = in->out;
	struct buf msg = BUF_INIT, ctx = BUF_INIT;
	struct reject *r;
	bool aligned = reason != REJECT_FIELD_COUNT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	ALLOC_GROW(out->rej, out->nrej + 1, out->arej);
	r = &out->rej[out->nrej++];
	r->file = fc->file;
	r->line = fc->line;
	r->column = column;
	r->reason = (uint8_t)reason;
	r->message = arena_strndup(&in->arena, msg.s, msg.len);
	r->original = original ? original : original_line(in, fc, false,
							   aligned);
	r->masked = masked ? masked : original_line(in, fc, true, aligned);
	fc->f->rejected++;
	out->reasons[reason]++;
	/* A context echoes values of any column: mask it character for character. */
	if (context)
		mask_json_text(&ctx, context, key_mask, in);
	diag_report_context(&in->out->d, DIAG_ERROR, fc->f->path,
			    diag_line ? diag_line : fc->line,
			    diag_line ? diag_column : column,
			    context ? ctx.s : NULL,
			    "%s (%s)", msg.s, reject_reason_code[reason]);
	buf_release(&msg);
	buf_release(&ctx);
}

/*
 * SPEC §8 rule 3 from missing_ticket_id on (the readers have checked
 * field_count, bad_encoding and field_too_long). Returns true when the
 * row is rejected.
 */
static bool check_row(struct ingest *in, struct file_ctx *fc)
{
	size_t n, k, t;
	const char *s;

	s = value(fc, COL_TICKET_ID, &n);
	if (!n) {
		add_reject(in, fc, REJECT_MISSING_TICKET_ID,
			   (uint32_t)fc->colmap[COL_TICKET_ID] + 1, NULL, NULL, 0, 0,
			   NULL, "no ticket number in column '%s'",
			   header_name(fc, COL_TICKET_ID));
		return true;
	}
	if (fc->f->kind == FILE_TICKETS &&
	    name_type(in, named(in, fc, COL_TYPE)) < 0) {
		struct buf esc = BUF_INIT;

		s = value(fc, COL_TYPE, &n);
		text_escape_invalid(&esc, s, n);
		if (esc.len)
			add_reject(in, fc, REJECT_UNKNOWN_TYPE,
				   (uint32_t)fc->colmap[COL_TYPE] + 1, NULL, NULL, 0,
				   0, NULL, "unknown ticket type '%s' in column '%s'",
				   esc.s, header_name(fc, COL_TYPE));
		else
			add_reject(in, fc, REJECT_UNKNOWN_TYPE,
				   (uint32_t)fc->colmap[COL_TYPE] + 1, NULL, NULL, 0,
				   0, NULL, "empty ticket type in column '%s'",
				   header_name(fc, COL_TYPE));
		buf_release(&esc);
		return true;
	}
	if (fc->f->kind == FILE_CALLBACKS) {
		value(fc, COL_CB_TIME, &n);
		if (!n) {
			add_reject(in, fc, REJECT_NO_CALLBACK_TIME,
				   (uint32_t)fc->colmap[COL_CB_TIME] + 1, NULL, NULL,
				   0, 0, NULL, "no callback time in column '%s'",
				   header_name(fc, COL_CB_TIME));
			return true;
		}
	}
	/*
	 * Timestamp columns in the order the file has them; the values are
	 * kept for the record so that each is parsed once.
	 */
	for (t = 0; t < sizeof(time_columns) / sizeof(time_columns[0]); t++)
		fc->when[time_columns[t]] = TIME_NONE;
	for (k = 0; k < fc->ncols; k++) {
		int c = fc->time_col[k];

		if (c < 0)
			continue;
		s = value(fc, c, &n);
		if (n && chtime_parse(s, n, &fc->when[c]) < 0) {
			struct buf esc = BUF_INIT;

			text_escape_invalid(&esc, s, n);
			add_reject(in, fc, REJECT_BAD_TIMESTAMP, (uint32_t)k + 1,
				   NULL, NULL, 0, 0, NULL,
				   "invalid timestamp '%s' in column '%s'", esc.s,
				   fc->header[k]);
			buf_release(&esc);
			return true;
		}
	}
	return false;
}

/* ---- accepted rows ---- */

static void fill_callback(struct ingest *in, const struct file_ctx *fc,
			  struct cb_cand *c, enum callback_source source)
{
	struct callback *cb = &c->cb;
	struct name *sat;
	bool attempt;

	memset(c, 0, sizeof(*c));
	cb->source = (uint8_t)source;
	cb->file = fc->file;
	cb->line = fc->line;
	if (source == CB_INLINE_SECOND) {
		cb->at = timestamp(fc, COL_CB2_TIME);
		cb->recorder = cb->channel = cb->result = cb->remark = "";
		sat = named(in, fc, COL_CB2_SATISFACTION);
		attempt = name_attempt(in, sat);
	} else {
		struct name *result = named(in, fc, COL_CB_RESULT);

		cb->at = timestamp(fc, COL_CB_TIME);
		cb->recorder = interned(in, fc, COL_CB_RECORDER);
		cb->channel = interned(in, fc, COL_CB_CHANNEL);
		cb->result = result->s;
		cb->remark = interned(in, fc, COL_CB_REMARK);
		cb->round = round_of(in, fc);
		sat = named(in, fc, COL_CB_SATISFACTION);
		attempt = name_attempt(in, sat) || name_attempt(in, result);
	}
	cb->satisfaction_text = sat->s;
	cb->is_attempt = attempt;
	if (!attempt)
		cb->satisfaction = (uint8_t)name_satisfaction(in, sat);
}

/* A new callback slot at the end of the file's. */
static struct cb_cand *new_row_cb(struct file_out *out)
{
	ALLOC_GROW(out->cb, out->ncb + 1, out->acb);
	return &out->cb[out->ncb++];
}

/*
 * A ticket row that passed the checks, normalised into the file's rows,
 * its inline callbacks (SPEC §8 rule 8: one exists when its time does)
 * after those of the rows before it in cb[]. The duplicate rule is
 * the merge's (merge_ticket()).
 */
static void accept_ticket(struct ingest *in, const struct file_ctx *fc)
{
	struct file_out *out = in->out;
	struct ticket *t;
	struct name *e;
	const char *s;
	size_t n, len;
	uint32_t m = 0;

	ALLOC_GROW(out->tk, out->ntk + 1, out->atk);
	ALLOC_GROW(out->tk_hash, out->ntk + 1, out->ahash);
	t = &out->tk[out->ntk];
	memset(t, 0, sizeof(*t));
	s = value(fc, COL_TICKET_ID, &n);
	buf_reset(&in->fold);
	text_fold_digits(&in->fold, s, n);
	out->tk_hash[out->ntk] = text_hash(in->fold.s, in->fold.len);
	t->id = arena_strndup(&in->arena, in->fold.s, in->fold.len);
	out->ntk++;
	t->center = interned(in, fc, COL_CENTER);
	s = value(fc, COL_UNIT, &n);
	t->unit = n ? arena_strndup(&in->arena, s, n) : "";
	s = value(fc, COL_OWNER, &n);
	t->owner = n ? arena_strndup(&in->arena, s, n) : "";
	t->phone = folded(in, fc, COL_PHONE);
	e = named(in, fc, COL_TYPE);
	t->type_text = e->s;
	t->type = (int8_t)name_type(in, e);
	t->subtype = interned(in, fc, COL_SUBTYPE);
	/* Contents repeat more often than one would think: intern them. */
	t->content = interned(in, fc, COL_CONTENT);
	t->butler = interned(in, fc, COL_BUTLER);
	e = named(in, fc, COL_STATUS);
	t->status = e->s;
	t->cancelled = name_cancelled(in, e);
	t->handler = interned(in, fc, COL_HANDLER);
	t->created_at = timestamp(fc, COL_CREATED);
	t->completed_at = timestamp(fc, COL_COMPLETED);
	t->updated_at = timestamp(fc, COL_UPDATED);
	t->rectified_at = timestamp(fc, COL_RECTIFIED);
	t->file = fc->file;
	t->line = fc->line;
	t->first_cb = (uint32_t)out->ncb;
	for (n = 0; n < 2; n++) {
		struct cb_cand *c;

		value(fc, n ? COL_CB2_TIME : COL_CB_TIME, &len);
		if (!len)
			continue;
		c = new_row_cb(out);
		fill_callback(in, fc, c, n ? CB_INLINE_SECOND : CB_INLINE_FIRST);
		c->ticket_id = t->id;
		m++;
	}
	t->n_cb = m;
}

static void accept_callback_row(struct ingest *in, const struct file_ctx *fc)
{
	struct cb_cand *c = new_row_cb(in->out);

	fill_callback(in, fc, c, CB_ROW);
	c->ticket_id = folded(in, fc, COL_TICKET_ID);
	c->owner = NO_OWNER;
}

/* Counts a row that passed every check as accepted, and keeps it. */
static void accept_row(struct ingest *in, struct file_ctx *fc)
{
	fc->f->accepted++;
	if (fc->f->kind == FILE_TICKETS)
		accept_ticket(in, fc);
	else
		accept_callback_row(in, fc);
}

static void take_row(struct ingest *in, struct file_ctx *fc)
{
	if (!check_row(in, fc))
		accept_row(in, fc);
}

/* ---- headers ---- */

static void matcher_init(struct matcher *mt, const struct config *cfg)
{
	int c;
	size_t i;

	for (c = 0; c < COL_COUNT; c++) {
		const struct string_list *al = &cfg->column_aliases[c];

		buf_init(&mt->canon_key[c]);
		text_header_key(&mt->canon_key[c], column_name[c],
				strlen(column_name[c]));
		memset(&mt->alias_keys[c], 0, sizeof(mt->alias_keys[c]));
		for (i = 0; i < al->nr; i++) {
			struct buf k = BUF_INIT;

			text_header_key(&k, al->items[i], strlen(al->items[i]));
			string_list_add(&mt->alias_keys[c], k.s);
			buf_release(&k);
		}
	}
}

static int match_column(const struct matcher *mt, const char *key)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (!strcmp(key, mt->canon_key[c].s) ||
		    string_list_has(&mt->alias_keys[c], key))
			return c;
	return -1;
}

static void unrecognised(struct ingest *in, struct file_ctx *fc,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void unrecognised(struct ingest *in, struct file_ctx *fc,
			 const char *fmt, ...)
{
	struct buf why = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&why, fmt, ap);
	va_end(ap);
	fc->f->kind = FILE_UNRECOGNISED;
	fc->f->why = arena_strndup(&in->arena, why.s, why.len);
	diag_report(&in->out->d, DIAG_WARNING, fc->f->path, 0, 0,
		    "unrecognised file, skipped: %s", why.s);
	buf_release(&why);
}

/*
 * Reads a header of n names into fc and decides the file's kind. Trailing
 * blank names are dropped (Excel's habit); a blank name before them, or
 * two names for one column, makes the file unrecognised. Returns 0 when
 * the file is an export, -1 otherwise (already reported).
 */
static int read_header(struct ingest *in, struct file_ctx *fc,
		       const char *const *names, const size_t *lens, size_t n)
{
	struct buf *keys;
	size_t i, j;
	int c, ret = -1;

	fc->nwritten = n;
	while (n) {
		const char *s = names[n - 1];
		size_t len = lens[n - 1];

		text_trim(&s, &len);
		if (len)
			break;
		n--;
	}
	for (c = 0; c < COL_COUNT; c++)
		fc->colmap[c] = -1;
	fc->ncols = n;
	fc->header = arena_alloc(&in->arena, (n + 1) * sizeof(char *));
	keys = xcalloc(n + 1, sizeof(*keys));
	for (i = 0; i < n; i++) {
		const char *s = names[i];
		size_t len = lens[i];
		struct buf esc = BUF_INIT;

		text_trim(&s, &len);
		text_escape_invalid(&esc, s, len);
		fc->header[i] = arena_strndup(&in->arena, esc.s, esc.len);
		buf_release(&esc);
		buf_init(&keys[i]);
		text_header_key(&keys[i], fc->header[i], strlen(fc->header[i]));
	}
	for (i = 0; i < n; i++) {
		if (!keys[i].len) {
			unrecognised(in, fc, "column %zu of the header is blank",
				     i + 1);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(keys[i].s, keys[j].s)) {
				unrecognised(in, fc, "duplicate column '%s' "
					     "(columns %zu and %zu)",
					     fc->header[i], j + 1, i + 1);
				goto out;
			}
		c = match_column(in->m, keys[i].s);
		if (c < 0)
			continue;
		if (fc->colmap[c] >= 0) {
			unrecognised(in, fc, "columns '%s' and '%s' are both %s "
				     "(columns %d and %zu)",
				     fc->header[fc->colmap[c]], fc->header[i],
				     column_name[c], fc->colmap[c] + 1, i + 1);
			goto out;
		}
		fc->colmap[c] = (int)i;
	}
	fc->time_col = arena_alloc(&in->arena, (n + 1) * sizeof(int));
	for (i = 0; i < n; i++)
		fc->time_col[i] = -1;
	for (i = 0; i < sizeof(time_columns) / sizeof(time_columns[0]); i++)
		if (fc->colmap[time_columns[i]] >= 0)
			fc->time_col[fc->colmap[time_columns[i]]] = time_columns[i];
	/*
	 * SPEC §2: "A file whose header has a ticket-type column is a
	 * ticket export", with or without 工单编号: without it, every row
	 * is missing_ticket_id, so nothing of the file disappears.
	 */
	if (fc->colmap[COL_TYPE] >= 0) {
		fc->f->kind = FILE_TICKETS;
	} else if (fc->colmap[COL_TICKET_ID] >= 0 &&
		   fc->colmap[COL_CB_TIME] >= 0) {
		fc->f->kind = FILE_CALLBACKS;
	} else {
		unrecognised(in, fc, "no %s column, and not both %s and %s",
			     column_name[COL_TYPE], column_name[COL_TICKET_ID],
			     column_name[COL_CB_TIME]);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		buf_release(&keys[i]);
	free(keys);
	return ret;
}

/* ---- CSV files ---- */

/* Forgets what was read of the file so far, to read it again. */
static void forget_file(struct ingest *in, struct file_ctx *fc)
{
	struct file_out *out = in->out;

	out->ntk = out->ncb = out->nrej = 0;
	memset(out->reasons, 0, sizeof(out->reasons));
	diag_release(&out->d);
	fc->f->rows_read = fc->f->accepted = fc->f->rejected = 0;
	fc->f->kind = FILE_UNRECOGNISED;
	fc->f->why = "";
}

static void read_csv(struct ingest *in, struct file_ctx *fc)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	bool have_header = false;
	int rc;

	r = csv_reader_open(fc->f->path, in->opts->encoding,
			    in->cfg->max_field_bytes, &err);
	if (!r) {
		unrecognised(in, fc, "cannot read: %s", err.s);
		goto out;
	}
	fc->f->encoding = csv_reader_encoding(r);
	while ((rc = csv_reader_next(r, &rec, &err)) > 0) {
		size_t n = rec.nfields;

		if (rc == CSV_RESTART) {
			/* Read as UTF-8 on trust, it is GB18030: again. */
			forget_file(in, fc);
			fc->f->encoding = csv_reader_encoding(r);
			have_header = false;
			continue;
		}
		if (!have_header) {
			/*
			 * A header that is not what it should be may be one
			 * read as UTF-8 on trust: settle the encoding first.
			 */
			if (rec.malformed || rec.bad_encoding) {
				rc = csv_reader_decide(r, &err);
				if (rc < 0)
					break;
				if (rc == CSV_RESTART) {
					forget_file(in, fc);
					fc->f->encoding = csv_reader_encoding(r);
					continue;
				}
			}
			if (rec.malformed) {
				unrecognised(in, fc, "the header is not valid "
					     "CSV: %s at line %u, character %u",
					     rec.error, rec.error_line,
					     rec.error_column);
				goto out;
			}
			if (read_header(in, fc, (const char *const *)rec.fields,
					rec.lens, rec.nfields) < 0) {
				/* Perhaps it is a GB18030 header, read as UTF-8. */
				rc = csv_reader_decide(r, &err);
				if (rc < 0)
					break;
				if (rc == CSV_RESTART) {
					forget_file(in, fc);
					fc->f->encoding = csv_reader_encoding(r);
					continue;
				}
				goto out;
			}
			have_header = true;
			continue;
		}
		fc->f->rows_read++;
		fc->line = rec.line;
		fc->val = (const char **)rec.fields;
		fc->len = rec.lens;
		/*
		 * SPEC §8.3: field_count is "more or fewer fields than the
		 * header". The header as written may end in blank names
		 * (Excel's habit), dropped from ncols; a row may fill those
		 * with empty fields, and no more.
		 */
		while (n > fc->ncols && n <= fc->nwritten && !rec.lens[n - 1] &&
		       !rec.malformed)
			n--;
		if (rec.malformed) {
			size_t save = fc->ncols;

			fc->ncols = rec.nfields;
			/*
			 * SPEC §8.3 keeps malformed_record for JSON; a CSV
			 * row that cannot be split (a stray or unclosed
			 * quote) does not have the header's fields, so it
			 * is field_count, the first reason in precedence.
			 */
			add_reject(in, fc, REJECT_FIELD_COUNT,
				   (uint32_t)rec.nfields + 1, NULL, NULL,
				   rec.error_line, rec.error_column, NULL,
				   "malformed CSV: %s at line %u, character %u",
				   rec.error, rec.error_line, rec.error_column);
			fc->ncols = save;
			continue;
		}
		if (n != fc->ncols) {
			size_t save = fc->ncols;

			fc->ncols = rec.nfields;
			add_reject(in, fc, REJECT_FIELD_COUNT, 0, NULL, NULL, 0, 0, NULL,
				   "expected %zu fields, found %zu", save, n);
			fc->ncols = save;
			continue;
		}
		if (rec.bad_encoding) {
			size_t col = rec.bad_field;

			add_reject(in, fc, REJECT_BAD_ENCODING, (uint32_t)col,
				   NULL, NULL, 0, 0, NULL,
				   "invalid %s at byte offset %llu%s%s%s",
				   fc->f->encoding,
				   (unsigned long long)rec.bad_offset,
				   col ? " in column '" : "",
				   col ? fc->header[col - 1] : "", col ? "'" : "");
			continue;
		}
		if (rec.long_field) {
			size_t col = rec.long_field;

			add_reject(in, fc, REJECT_FIELD_TOO_LONG, (uint32_t)col,
				   NULL, NULL, 0, 0, NULL,
				   "field of %zu bytes in column '%s' is over "
				   "the limit of %zu", rec.lens[col - 1],
				   fc->header[col - 1], in->cfg->max_field_bytes);
			continue;
		}
		take_row(in, fc);
	}
	if (rc < 0)
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0,
			    "read error, the rest of the file is skipped: %s",
			    err.s);
	if (!have_header && !*fc->f->why)
		unrecognised(in, fc, "no header: the file is empty");
out:
	/* Stopped early: the note says what the file is. */
	if (r && csv_reader_decide(r, &err) < 0)
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0, "%s",
			    err.s);
	if (r) {
		fc->f->encoding = csv_reader_encoding(r);
		in->out->enc_why = arena_strdup(&in->arena,
						csv_reader_encoding_why(r));
	}
	if (r && csv_reader_sha256(r, fc->f->sha256) < 0)
		fc->f->sha256[0] = '\0';
	csv_reader_free(r);
	buf_release(&err);
}

/* ---- JSON files ---- */

struct json_keys {
	char **name;
	size_t *len;
	size_t n, alloc;
};

static ssize_t key_index(const struct json_keys *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (!strcmp(k->name[i], name))
			return (ssize_t)i;
	return -1;
}

/* The first pass: the union of the keys, in order of first appearance. */
static int json_union(struct ingest *in, struct file_ctx *fc, bool lines,
		      struct json_keys *keys)
{
	struct buf err = BUF_INIT;
	struct json_reader *r = json_reader_open(fc->f->path, lines, &err);
	struct json_record rec;
	int rc = -1;

	if (!r) {
		unrecognised(in, fc, "cannot read: %s", err.s);
		goto out;
	}
	while (json_reader_next(r, &rec, &err) > 0) {
		const cJSON *item;

		if (!rec.obj)
			continue;
		for (item = rec.obj->child; item; item = item->next) {
			if (key_index(keys, item->string) >= 0)
				continue;
			ALLOC_GROW(keys->name, keys->n + 1, keys->alloc);
			keys->len = xreallocarray(keys->len, keys->alloc,
						  sizeof(*keys->len));
			keys->name[keys->n] = xstrdup(item->string);
			keys->len[keys->n] = strlen(item->string);
			keys->n++;
		}
	}
	rc = 0;
out:
	json_reader_free(r);
	buf_release(&err);
	return rc;
}

static void read_json(struct ingest *in, struct file_ctx *fc, bool lines)
{
	struct json_keys keys = { NULL, NULL, 0, 0 };
	struct buf err = BUF_INIT, vals = BUF_INIT, esc = BUF_INIT;
	struct json_reader *r = NULL;
	struct json_record rec;
	size_t *offs = NULL, i;
	int rc;

	fc->f->encoding = "UTF-8";
	if (json_union(in, fc, lines, &keys) < 0)
		goto out;
	if (!keys.n) {
		unrecognised(in, fc, "no records with keys");
		goto out;
	}
	if (read_header(in, fc, (const char *const *)keys.name, keys.len,
			keys.n) < 0)
		goto out;
	r = json_reader_open(fc->f->path, lines, &err);
	if (!r) {
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0, "%s",
			    err.s);
		goto out;
	}
	offs = xcalloc(keys.n + 1, sizeof(*offs));
	fc->val = xcalloc(keys.n + 1, sizeof(*fc->val));
	fc->len = xcalloc(keys.n + 1, sizeof(*fc->len));
	while ((rc = json_reader_next(r, &rec, &err)) > 0) {
		const cJSON *item, *nested = NULL;
		size_t too_long = 0;

		fc->f->rows_read++;
		fc->line = rec.line;
		if (!rec.obj) {
			/* The original is the record's text, as one field. */
			const char *original, *masked;

			buf_reset(&esc);
			text_escape_invalid(&esc, rec.text, rec.len);
			buf_reset(&vals);
			csv_add_field(&vals, esc.s, esc.len);
			original = arena_strndup(&in->arena, vals.s,
						 vals.len);
			buf_reset(&vals);
			mask_json_text(&vals, esc.s, key_mask, in);
			buf_reset(&esc);
			csv_add_field(&esc, vals.s, vals.len);
			masked = arena_strndup(&in->arena, esc.s, esc.len);
			if (rec.bad_encoding)
				add_reject(in, fc, REJECT_BAD_ENCODING, 0,
					   original, masked, rec.error_line,
					   rec.error_column, rec.error_context,
					   "%s at byte offset %llu", rec.error,
					   (unsigned long long)rec.bad_offset);
			else
				add_reject(in, fc, REJECT_MALFORMED_RECORD, 0,
					   original, masked, rec.error_line,
					   rec.error_column, rec.error_context,
					   "%s", rec.error);
			continue;
		}
		/* The values in header order; absent keys are empty. */
		buf_reset(&vals);
		for (i = 0; i < keys.n; i++)
			offs[i] = SIZE_MAX;
		for (item = rec.obj->child; item; item = item->next) {
			ssize_t k = key_index(&keys, item->string);
			size_t start = vals.len;

			if (k < 0)
				continue;
			if (json_value_text(item, &vals) < 0) {
				char *p = cJSON_PrintUnformatted(item);

				if (!nested)
					nested = item;
				buf_adds(&vals, p ? p : "");
				cJSON_free(p);
			}
			offs[k] = start;
			fc->len[k] = vals.len - start;
			if (fc->len[k] > in->cfg->max_field_bytes && !too_long)
				too_long = (size_t)k + 1;
			buf_addch(&vals, '\0');
		}
		for (i = 0; i < keys.n; i++) {
			if (offs[i] == SIZE_MAX) {
				fc->val[i] = "";
				fc->len[i] = 0;
			} else {
				fc->val[i] = vals.s + offs[i];
			}
		}
		if (too_long) {
			add_reject(in, fc, REJECT_FIELD_TOO_LONG, (uint32_t)too_long,
				   NULL, NULL, 0, 0, NULL,
				   "field of %zu bytes in column '%s' is over "
				   "the limit of %zu", fc->len[too_long - 1],
				   fc->header[too_long - 1],
				   in->cfg->max_field_bytes);
			continue;
		}
		if (check_row(in, fc))
			continue;
		if (nested) {
			ssize_t k = key_index(&keys, nested->string);

			add_reject(in, fc, REJECT_MALFORMED_RECORD, (uint32_t)k + 1,
				   NULL, NULL, 0, 0, NULL,
				   "value of '%s' is %s, not text",
				   fc->header[k], cJSON_IsArray(nested) ?
				   "an array" : "an object");
			continue;
		}
		accept_row(in, fc);
	}
	if (rc < 0)
		diag_report(&in->out->d, DIAG_ERROR, fc->f->path, 0, 0,
			    "%s; the rest of the file is skipped", err.s);
out:
	(void)sha256_file(fc->f->path, fc->f->sha256);
	json_reader_free(r);
	for (i = 0; i < keys.n; i++)
		free(keys.name[i]);
	free(keys.name);
	free(keys.len);
	free(offs);
	free(fc->val);
	free(fc->len);
	fc->val = NULL;
	fc->len = NULL;
	buf_release(&err);
	buf_release(&vals);
	buf_release(&esc);
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
 * The candidate that holds ticket number id (len bytes), or -1; *slot is
 * where the number is, or would go, in the id map.
 */
static long find_ticket(struct merge *mg, const char *id, size_t len,
			uint32_t hash, size_t *slot)
{
	struct id_map *m = &mg->ids;
	size_t i;

	if (m->n * 2 >= m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 4096, j;
		struct id_slot *e = xcalloc(cap, sizeof(*e));

		for (j = 0; j < m->cap; j++) {
			if (!m->e[j].idx)
				continue;
			i = m->e[j].hash & (cap - 1);
			while (e[i].idx)
				i = (i + 1) & (cap - 1);
			e[i] = m->e[j];
		}
		free(m->e);
		m->e = e;
		m->cap = cap;
	}
	i = hash & (m->cap - 1);
	while (m->e[i].idx) {
		const struct ticket *t = &mg->tc[m->e[i].idx - 1];

		if (m->e[i].hash == hash && !strncmp(t->id, id, len) &&
		    !t->id[len]) {
			*slot = i;
			return (long)m->e[i].idx - 1;
		}
		i = (i + 1) & (m->cap - 1);
	}
	*slot = i;
	return -1;
}

/*
 * SPEC §8.7 as the rows arrive. Rows come in (file, line) order, so a new
 * row beats the kept one of its number unless the kept one has the
 * greater (has 更新时间, 更新时间); the loser is superseded at once. The
 * winner takes the loser's place, and its inline callbacks the loser's
 * candidate slots (t->first_cb, t->n_cb until resolve()), so that a
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
	struct ticket *t;
	size_t slot, n;
	uint32_t k = 0, old_n = 0, m = row->n_cb;
	long idx;

	idx = find_ticket(mg, row->id, strlen(row->id), out->tk_hash[r], &slot);
	if (idx >= 0) {
		t = &mg->tc[idx];
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
	} else {
		ALLOC_GROW(mg->tc, mg->ntc + 1, mg->atc);
		idx = (long)mg->ntc++;
		mg->ids.e[slot].hash = out->tk_hash[r];
		mg->ids.e[slot].idx = (uint32_t)idx + 1;
		mg->ids.n++;
	}
	/*
	 * The winner's inline callbacks go into the loser's slots when they
	 * fit (a ticket's slots are consecutive), else into new ones, the
	 * old ones dropped.
	 */
	if (m > old_n) {
		for (n = 0; n < old_n; n++)
			mg->cc[k + n].owner = DEAD;
		old_n = 0;
		k = (uint32_t)mg->ncc;
	}
	for (n = 0; n < m; n++) {
		struct cb_cand *c = n < old_n ? &mg->cc[k + n] : new_cb(mg);

		*c = out->cb[row->first_cb + n];
		c->seq = mg->cb_seq++;
		c->owner = (uint32_t)idx;
	}
	for (n = m; n < old_n; n++)
		mg->cc[k + n].owner = DEAD;
	t = &mg->tc[idx];
	*t = *row;
	t->first_cb = k;
	t->n_cb = m > old_n ? m : old_n;
}

/*
 * Takes file i's rows into the set, after every file before it: counts,
 * rejects, diagnostics (in d), tickets through §8.7, callback rows.
 * Frees the file_out's arrays; the strings stay in the worker's arena.
 */
static void merge_file(struct merge *mg, uint32_t i, struct file_out *out,
		       struct diag *d)
{
	struct ticket_set *set = mg->set;
	const struct input_file *f = &set->files[i];
	size_t r;

	set->files_recognised += f->kind != FILE_UNRECOGNISED;
	set->rows_read += f->rows_read;
	set->accepted += f->accepted;
	set->rejected += f->rejected;
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
	for (r = 0; r < out->ntk; r++)
		merge_ticket(mg, out, r);
	if (f->kind == FILE_CALLBACKS) {
		for (r = 0; r < out->ncb; r++) {
			struct cb_cand *c = new_cb(mg);

			*c = out->cb[r];
			c->seq = mg->cb_seq++;
		}
	}
	free(out->tk);
	free(out->tk_hash);
	free(out->cb);
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

struct sort_job {
	void *base;
	size_t n, size;
	int (*cmp)(const void *, const void *);
};

static void *sort_main(void *arg)
{
	struct sort_job *j = arg;

	sort(j->base, j->n, j->size, j->cmp);
	return NULL;
}

/*
 * Sorts two arrays with one comparator, the second on a thread of its own
 * when both are big enough for that to pay (else, or when no thread can
 * be started, one after the other). The comparator must be safe to call
 * from two threads at once.
 */
static void sort_two(void *a, size_t na, void *b, size_t nb, size_t size,
		     int (*cmp)(const void *, const void *), bool threads)
{
	struct sort_job j = { b, nb, size, cmp };
	pthread_t t;

	if (threads && na > 10000 && nb > 10000 &&
	    pthread_create(&t, NULL, sort_main, &j) == 0) {
		sort(a, na, size, cmp);
		pthread_join(t, NULL);
		return;
	}
	sort(a, na, size, cmp);
	sort(b, nb, size, cmp);
}

/*
 * A ticket number as a sort key: its first 16 bytes as two big-endian
 * integers (zero-padded), which order as strcmp() does; only numbers that
 * agree in all 16 are compared as strings, found through idx: a ticket
 * candidate, or with ROW_KEY set a callback candidate (sorting_tc and
 * sorting_cc, set for the duration of the sort). 24 bytes, not 32 with a
 * pointer: a million keys and qsort's copy of them are the peak of memory.
 */
struct id_key {
	uint64_t hi, lo;
	uint32_t idx;
};

#define ROW_KEY (UINT32_C(1) << 31)

static const struct ticket *sorting_tc;
static const struct cb_cand *sorting_cc;

static const char *id_key_text(const struct id_key *k)
{
	return k->idx & ROW_KEY ? sorting_cc[k->idx & ~ROW_KEY].ticket_id
				: sorting_tc[k->idx].id;
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

/*
 * Callback candidates are sorted through these keys, and the candidates
 * then moved once; comparators reach the candidates through sorting_cc,
 * set only for the duration of the sort (read by both sorting threads).
 */
struct cb_key {
	uint32_t ticket;
	uint32_t seq;
	int64_t at;
	uint32_t idx;
};

/*
 * Identity (ticket, time, recorder), then the order of occurrence. The
 * ticket is its index in set->tickets; orphans (NO_OWNER) sort last, by
 * their ticket number. Equal recorders are mostly one interned string.
 */
static int cmp_cb_identity(const void *a, const void *b)
{
	const struct cb_key *x = a, *y = b;
	const struct cb_cand *cx = &sorting_cc[x->idx], *cy = &sorting_cc[y->idx];
	int c;

	if (x->ticket != y->ticket)
		return x->ticket < y->ticket ? -1 : 1;
	if (x->ticket == NO_OWNER && cx->ticket_id != cy->ticket_id) {
		c = strcmp(cx->ticket_id, cy->ticket_id);
		if (c)
			return c;
	}
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (cx->cb.recorder != cy->cb.recorder) {
		c = strcmp(cx->cb.recorder, cy->cb.recorder);
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
	return x->ticket == y->ticket && x->cb.at == y->cb.at &&
	       (x->ticket != NO_OWNER || !strcmp(x->ticket_id, y->ticket_id)) &&
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
 * Moves the ticket candidates into number order (mg->tc_src) and clears
 * first_cb and n_cb, used for candidate slots until now. Runs on a thread
 * of its own beside resolve_callbacks(), which touches neither.
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

/*
 * The tickets, one per number already (merge_ticket() applied §8.7), go
 * into number order in place: keys are sorted, and the permutation is
 * applied by cycles, so no second copy of a million tickets is made.
 * Each callback candidate is given its ticket's final index: an inline
 * one through its owner, a callback row by joining the rows, sorted by
 * number too (on a second thread), with the sorted tickets. The tickets
 * themselves are moved by order_tickets(), on a thread of its own while
 * resolve_callbacks() works when threads is set; tickets_ordered() waits
 * for it and hands the array to the set.
 */
static void resolve_tickets(struct merge *mg, bool threads)
{
	struct id_key *keys, *rows;
	uint32_t *perm, *src;
	size_t i, j, nrows = 0;

	keys = xcalloc(mg->ntc + 1, sizeof(*keys));
	for (i = 0; i < mg->ntc; i++)
		id_key_set(&keys[i], mg->tc[i].id, (uint32_t)i);
	for (i = 0; i < mg->ncc; i++)
		nrows += mg->cc[i].owner == NO_OWNER;
	rows = xcalloc(nrows + 1, sizeof(*rows));
	for (i = j = 0; i < mg->ncc; i++)
		if (mg->cc[i].owner == NO_OWNER)
			id_key_set(&rows[j++], mg->cc[i].ticket_id,
				   (uint32_t)i | ROW_KEY);
	sorting_tc = mg->tc;
	sorting_cc = mg->cc;
	sort_two(keys, mg->ntc, rows, nrows, sizeof(*keys), cmp_id_key,
		 threads);
	perm = xcalloc(mg->ntc + 1, sizeof(*perm));
	src = xcalloc(mg->ntc + 1, sizeof(*src));
	for (i = 0; i < mg->ntc; i++) {
		perm[keys[i].idx] = (uint32_t)i;
		src[i] = keys[i].idx;
	}
	for (i = j = 0; i < nrows; i++) {
		while (j < mg->ntc && cmp_id(&keys[j], &rows[i]) < 0)
			j++;
		mg->cc[rows[i].idx & ~ROW_KEY].ticket =
			j < mg->ntc && !cmp_id(&keys[j], &rows[i]) ?
			(uint32_t)j : NO_OWNER;
	}
	sorting_tc = NULL;
	sorting_cc = NULL;
	for (i = 0; i < mg->ncc; i++)
		if (mg->cc[i].owner != DEAD && mg->cc[i].owner != NO_OWNER)
			mg->cc[i].ticket = perm[mg->cc[i].owner];
	free(keys);
	free(rows);
	free(perm);
	mg->tc_src = src;
	if (!threads ||
	    pthread_create(&mg->tc_thread, NULL, order_tickets, mg) != 0) {
		order_tickets(mg);
		return;
	}
	mg->tc_running = true;
}

/* Waits for order_tickets(); the array becomes set->tickets. */
static void tickets_ordered(struct merge *mg)
{
	struct ticket_set *set = mg->set;

	if (mg->tc_running)
		pthread_join(mg->tc_thread, NULL);
	mg->tc_running = false;
	set->tickets = mg->tc ? xreallocarray(mg->tc, mg->ntc + 1,
					      sizeof(*mg->tc))
			      : xcalloc(1, sizeof(*set->tickets));
	set->ntickets = mg->ntc;
	mg->tc = NULL;
	mg->ntc = mg->atc = 0;
}

/* Insertion sort: a ticket's callbacks are a handful. */
static void sort_few(struct cb_key *k, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct cb_key x = k[i];

		for (j = i; j > 0 && cmp_cb_identity(&k[j - 1], &x) > 0; j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/*
 * The candidates' keys in identity order (cmp_cb_identity()): counted
 * out by ticket, which needs no comparison, then each ticket's few
 * sorted in place; orphans, whose ticket is their number, last, by qsort.
 */
static struct cb_key *sort_cb_keys(struct merge *mg)
{
	uint32_t *start = xcalloc(mg->ntc + 2, sizeof(*start));
	struct cb_key *keys = xcalloc(mg->ncc + 1, sizeof(*keys));
	size_t i, t;

	for (i = 0; i < mg->ncc; i++) {
		uint32_t tk = mg->cc[i].ticket;

		start[(tk == NO_OWNER ? mg->ntc : tk) + 1]++;
	}
	for (t = 1; t <= mg->ntc + 1; t++)
		start[t] += start[t - 1];
	for (i = 0; i < mg->ncc; i++) {
		const struct cb_cand *c = &mg->cc[i];
		uint32_t tk = c->ticket == NO_OWNER ? (uint32_t)mg->ntc
						    : c->ticket;
		struct cb_key *k = &keys[start[tk]++];

		k->ticket = c->ticket;
		k->seq = c->seq;
		k->at = c->cb.at;
		k->idx = (uint32_t)i;
	}
	/* start[t] is now where ticket t + 1 begins. */
	sorting_cc = mg->cc;
	for (t = 0; t < mg->ntc; t++) {
		size_t from = t ? start[t - 1] : 0;

		sort_few(keys + from, start[t] - from);
	}
	t = mg->ntc ? start[mg->ntc - 1] : 0;
	sort(keys + t, mg->ncc - t, sizeof(*keys), cmp_cb_identity);
	sorting_cc = NULL;
	free(start);
	return keys;
}

/*
 * Callbacks (§8.8), sorted by identity and occurrence: keys are sorted
 * (sort_cb_keys()), and the candidates moved once.
 * An inline callback of a row that lost (§8.7) was dropped when it lost
 * (DEAD), so it supersedes nothing; among the rest, each identity keeps
 * its last occurrence. Orphans are counted and dropped. The survivors
 * are converted in place to struct callback, which is smaller, and the
 * array becomes set->callbacks.
 */
static void resolve_callbacks(struct merge *mg)
{
	struct ticket_set *set = mg->set;
	struct callback *out;
	struct cb_key *keys;
	uint32_t *src;
	size_t i, j, n = 0;

	/* Dead slots first out, so that the sort has less to do. */
	for (i = 0; i < mg->ncc; i++)
		if (mg->cc[i].owner != DEAD)
			mg->cc[n++] = mg->cc[i];
	mg->ncc = n;
	keys = sort_cb_keys(mg);
	src = xcalloc(mg->ncc + 1, sizeof(*src));
	for (i = 0; i < mg->ncc; i++)
		src[i] = keys[i].idx;
	free(keys);
	permute(mg->cc, mg->ncc, sizeof(*mg->cc), src);
	free(src);
	n = 0;
	for (i = 0; i < mg->ncc; i++) {
		struct cb_cand c = mg->cc[i];

		if (n && same_identity(&mg->cc[n - 1], &c)) {
			set->quality.superseded_callbacks++;
			if (mg->cc[n - 1].owner == NO_OWNER)
				supersede_row(mg, mg->cc[n - 1].cb.file);
			n--;
		}
		mg->cc[n++] = c;
	}
	/* Orphans: accepted rows, counted, used by nothing. */
	for (i = j = 0; i < n; i++) {
		if (mg->cc[i].ticket == NO_OWNER) {
			set->quality.orphan_callbacks++;
			continue;
		}
		/* Text that is no label, on a callback: not rated (§8.9). */
		if (!mg->cc[i].cb.is_attempt && *mg->cc[i].cb.satisfaction_text &&
		    mg->cc[i].cb.satisfaction == SAT_NONE)
			set->quality.unrated_satisfaction++;
		mg->cc[j++] = mg->cc[i];
	}
	n = j;
	/* Equal (ticket, instant) runs are short: sort each in rule 14's order. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && mg->cc[j].ticket == mg->cc[i].ticket &&
		     mg->cc[j].cb.at == mg->cc[i].cb.at; j++)
			;
		sort(mg->cc + i, j - i, sizeof(*mg->cc), cmp_cb_final);
	}
	/* Element i moves down to an offset below every later element's. */
	tickets_ordered(mg);
	out = (struct callback *)(void *)mg->cc;
	for (i = 0; i < n; i++) {
		struct cb_cand c = mg->cc[i];
		struct ticket *tk = &set->tickets[c.ticket];

		if (!tk->n_cb)
			tk->first_cb = (uint32_t)i;
		tk->n_cb++;
		memcpy(&out[i], &c.cb, sizeof(c.cb));
	}
	set->callbacks = mg->cc ? xreallocarray(mg->cc, n + 1, sizeof(*out))
				: xcalloc(1, sizeof(*out));
	set->ncallbacks = n;
	mg->cc = NULL;
	mg->ncc = mg->acc = 0;
}

static void resolve(struct merge *mg, bool threads)
{
	struct ticket_set *set = mg->set;
	size_t i;

	resolve_tickets(mg, threads);
	resolve_callbacks(mg);
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];

		if (*t->subtype && !config_known_subtype(mg->cfg, t->type,
							 t->subtype))
			set->quality.unknown_subtype++;
	}
}

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
 * True when the first n bytes look like UTF-16 without a byte-order mark:
 * UTF-8 and GB18030 text holds no NUL, while in UTF-16 every ASCII
 * character (the commas, the line ends) has a zero byte, always in the
 * same half of its unit. So: at least 3 zero bytes, at least one unit in
 * 8, all on one side.
 */
static bool looks_utf16(const unsigned char *b, size_t n)
{
	size_t i, zero[2] = { 0, 0 }, units = n / 2;

	for (i = 0; i < 2 * units; i++)
		zero[i & 1] += !b[i];
	for (i = 0; i < 2; i++)
		if (!zero[1 - i] && zero[i] >= 3 && zero[i] * 8 >= units)
			return true;
	return false;
}

/*
 * Refuses, by name, a file no reader should open (issue 13): not a
 * regular file (a FIFO would hang the run, a device never end), or
 * UTF-16 text, which would otherwise read as a header without a 工单类型
 * column. Returns true when the file is refused (and reported).
 */
static bool refuse_file(struct ingest *in, struct file_ctx *fc)
{
	struct buf why = BUF_INIT;
	unsigned char head[256];
	ssize_t n;
	int fd = text_open_regular(fc->f->path, &why);

	if (fd < 0) {
		/* A plain read failure is the reader's to report. */
		if (errno == EINVAL)
			unrecognised(in, fc, "%s", why.s);
		buf_release(&why);
		return errno == EINVAL;
	}
	buf_release(&why);
	do
		n = read(fd, head, sizeof(head));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) ||
		       (head[0] == 0xFE && head[1] == 0xFF) ||
		       looks_utf16(head, (size_t)n))) {
		unrecognised(in, fc, "UTF-16 text: huifang reads UTF-8 and "
			     "GB18030; save the file as UTF-8 and run again");
		return true;
	}
	return false;
}

/* Reads file i of the set into out, on whichever thread calls it. */
static void read_file(struct ingest *in, struct ticket_set *set, uint32_t i,
		      struct file_out *out)
{
	struct file_ctx fc;

	memset(&fc, 0, sizeof(fc));
	fc.file = i;
	fc.f = &set->files[i];
	in->out = out;
	if (refuse_file(in, &fc))
		;
	else if (has_suffix(fc.f->name, ".jsonl"))
		read_json(in, &fc, true);
	else if (has_suffix(fc.f->name, ".json"))
		read_json(in, &fc, false);
	else
		read_csv(in, &fc);
	in->out = NULL;
}

static void worker_init(struct ingest *in, const struct ingest_opts *opts,
			const struct config *cfg, const struct matcher *m)
{
	memset(in, 0, sizeof(*in));
	in->opts = opts;
	in->cfg = cfg;
	in->m = m;
	arena_init(&in->arena);
	buf_init(&in->fold);
}

/* Gives the worker's strings to the set, and frees the rest. */
static void worker_release(struct ingest *in, struct ticket_set *set)
{
	arena_adopt(&set->arena, &in->arena);
	free(in->names.slot);
	buf_release(&in->fold);
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
		read_file(&w->in, p->set, (uint32_t)i, &p->outs[i]);
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
			worker_init(&w[i].in, opts, mg->cfg, m);
			if (pthread_create(&w[i].thread, NULL, worker_main,
					   &w[i]) != 0)
				break;
			started++;
		}
	}
	if (!started) {
		struct ingest in;

		worker_init(&in, opts, mg->cfg, m);
		for (i = 0; i < set->nfiles; i++) {
			read_file(&in, set, (uint32_t)i, &outs[i]);
			merge_file(mg, (uint32_t)i, &outs[i], d);
		}
		worker_release(&in, set);
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
			worker_release(&w[i].in, set);
		free(w);
	}
	free(outs);
}

int ingest_read_files(const char *const *paths, size_t npaths,
		      const struct ingest_opts *opts, const struct config *cfg,
		      struct ticket_set *set, struct diag *d)
{
	struct merge mg;
	struct matcher m;
	size_t i;
	int c;

	memset(&mg, 0, sizeof(mg));
	mg.cfg = cfg;
	mg.set = set;
	matcher_init(&m, cfg);
	set->files = xcalloc(npaths + 1, sizeof(*set->files));
	for (i = 0; i < npaths; i++) {
		struct input_file *f = &set->files[set->nfiles++];
		struct stat st;

		f->name = arena_strdup(&set->arena, base_name(paths[i]));
		f->path = arena_strdup(&set->arena, paths[i]);
		f->encoding = "";
		f->why = "";
		f->kind = FILE_UNRECOGNISED;
		if (stat(paths[i], &st) == 0)
			f->size = (uint64_t)st.st_size;
	}
	read_all(&mg, opts, &m, d);
	resolve(&mg, thread_count(cfg, 2) > 1);
	free(mg.tc);
	free(mg.cc);
	free(mg.ids.e);
	for (c = 0; c < COL_COUNT; c++) {
		buf_release(&m.canon_key[c]);
		string_list_clear(&m.alias_keys[c]);
	}
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

int ingest_run(const struct ingest_opts *opts, const struct config *cfg,
	       struct ticket_set *set, struct diag *d)
{
	DIR *dir = opendir(opts->input_dir);
	struct dirent *e;
	char **paths = NULL;
	size_t n = 0, alloc = 0, i;
	int ret = -1;

	if (!dir) {
		diag_report(d, DIAG_ERROR, opts->input_dir, 0, 0,
			    "cannot read the input folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dir))) {
		struct buf path = BUF_INIT;
		struct stat st;

		/* SPEC §8 rule 1. */
		if (e->d_name[0] == '.' ||
		    !(has_suffix(e->d_name, ".csv") ||
		      has_suffix(e->d_name, ".json") ||
		      has_suffix(e->d_name, ".jsonl")))
			continue;
		buf_addf(&path, "%s/%s", opts->input_dir, e->d_name);
		/*
		 * Anything else by an export's name (a FIFO, a device, a
		 * folder) is listed too, so that it is named as skipped
		 * (refuse_file()); only what has vanished is not.
		 */
		if (stat(path.s, &st) < 0) {
			buf_release(&path);
			continue;
		}
		ALLOC_GROW(paths, n + 1, alloc);
		paths[n++] = buf_detach(&path, NULL);
	}
	closedir(dir);
	/* One folder: the paths sort as the names do. */
	sort(paths, n, sizeof(*paths), cmp_names);
	ret = ingest_read_files((const char *const *)paths, n, opts, cfg, set,
				d);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return ret;
}
