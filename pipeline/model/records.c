/*
 * records.c - writing and reading output/records/ (see records.h; the byte
 * layout is documented in docs/ingest.md, "The artifact").
 *
 * tickets.bin and callbacks.bin are a 48-byte header (magic, version,
 * record count, payload length, two checksums) and the records in set
 * order: integers little-endian and fixed width, instants int64 seconds,
 * strings a uint32 length and that many bytes of UTF-8. The values ingest
 * interns (centre, butler, content, recorder, ...) are written once per
 * file: the first time inline, which makes them the file's next string
 * table entry, and after that as a reference to the entry (the length
 * word's top bit set). Writing formats whole records into a 4 MiB buffer
 * that goes to the temporary file when full, asking the kernel to start
 * writeback each time; the header is written last, over a placeholder,
 * once the length and checksums are known. The two files are written by
 * two threads (the caller's and one more), each with its own buffer,
 * string map and outfile; they share only the set, which they read.
 *
 * Reading streams each file through a buffer that is refilled as records
 * are taken from it, so memory holds the set and one buffer, and checks
 * every value before it is used: a length that runs past the end, an enum
 * out of range, a ticket index out of range or going backwards, a
 * reference to a string-table entry not yet defined, a string that is not
 * UTF-8 or holds a NUL, counts that disagree with the header
 * or summary.json, bytes left over, and the checksums. The short strings
 * that repeat are interned just as ingest does, so a set read back costs
 * what an ingested one does.
 *
 * Invariant: records_read(records_write(set)) gives a set equal to set in
 * every field ticket.h documents, except rejects[] (only counted).
 */
/* For sync_file_range() (Linux): see start_writeback(). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "util/chtime.h"
#include "util/hashtab.h"
#include "util/jsonw.h"
#include "util/outfile.h"
#include "model/records.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/folder.h"
#include "util/banned.h"

#define HEADER_SIZE 48
#define WRITE_BUF ((size_t)4 << 20)
#define READ_BUF ((size_t)1 << 20)

#define TICKET_FIXED 42
#define TICKET_STRINGS 11
#define CALLBACK_FIXED 27
#define CALLBACK_STRINGS 5
/* In a string's length word: the rest is a string-table entry. */
#define REF_BIT ((uint32_t)1 << 31)

/* The first eight bytes: "HFTICKET" and "HFCALLBK", no NUL. */
static const char ticket_magic[8] = { 'H', 'F', 'T', 'I', 'C', 'K', 'E',
				      'T' };
static const char callback_magic[8] = { 'H', 'F', 'C', 'A', 'L', 'L', 'B',
					'K' };

static const char *const ticket_string_name[TICKET_STRINGS] = {
	"id", "type_text", "subtype", "center", "unit", "owner", "phone",
	"content", "butler", "status", "handler"
};
static const char *const callback_string_name[CALLBACK_STRINGS] = {
	"recorder", "channel", "result", "remark", "satisfaction_text"
};
/* Which strings repeat enough to be interned (the ones ingest interns). */
static const bool ticket_string_pooled[TICKET_STRINGS] = {
	false, true, true, true, false, false, false, true, true, true, true
};
static const bool callback_string_pooled[CALLBACK_STRINGS] = {
	true, true, true, true, true
};

static const char *const kind_name[] = { "tickets", "callbacks",
					 "unrecognised" };

/* ---- little-endian integers ---- */

static inline void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

/*
 * Signed values are stored in two's complement. The conversion to unsigned
 * is defined by C; the one back is spelled out, as C leaves it to the
 * implementation.
 */
static inline uint64_t from_i64(int64_t v)
{
	return (uint64_t)v;
}

static inline int64_t to_i64(uint64_t v)
{
	return v >> 63 ? -(int64_t)(~v) - 1 : (int64_t)v;
}

static inline int32_t to_i32(uint32_t v)
{
	return v >> 31 ? -(int32_t)(~v) - 1 : (int32_t)v;
}

/*
 * ---- the checksum ----
 *
 * Fletcher's sums over the payload read as little-endian 64-bit words
 * (the last one padded with zero bytes), modulo 2^64: a is the sum of the
 * words, b the sum of the running values of a. Not a defence against
 * anyone, a net for damage that leaves every value plausible: b changes
 * when two words swap, a when any bit flips. One add each per eight bytes.
 */
struct sum {
	uint64_t a, b;
	unsigned char tail[8];
	unsigned ntail;
};

static void sum_update(struct sum *s, const unsigned char *p, size_t n)
{
	uint64_t a = s->a, b = s->b;

	while (s->ntail && n) {
		s->tail[s->ntail++] = *p++;
		n--;
		if (s->ntail == 8) {
			a += get_u64(s->tail);
			b += a;
			s->ntail = 0;
		}
	}
	for (; n >= 8; p += 8, n -= 8) {
		a += get_u64(p);
		b += a;
	}
	while (n--)
		s->tail[s->ntail++] = *p++;
	s->a = a;
	s->b = b;
}

static void sum_final(struct sum *s)
{
	if (s->ntail) {
		memset(s->tail + s->ntail, 0, 8 - s->ntail);
		s->a += get_u64(s->tail);
		s->b += s->a;
		s->ntail = 0;
	}
}

/* ---- writing ---- */

/*
 * The strings of a file's pooled fields already written. Ingest and
 * records_read() intern those values, so one text is mostly one pointer:
 * a map by address answers most lookups without hashing the text. A new
 * address is then looked up by its text, so that equal text at two
 * addresses (ingest interns per worker thread) is still one entry: the
 * file's bytes depend on the set's contents only, never on which thread
 * read which export.
 */
struct string_map {
	struct hashtab by_address; /* of struct string_slot */
	struct hashtab by_text;    /* of struct string_slot: the first
				    * address of each entry */
	size_t ntext;
};

struct string_slot {
	const char *s;
	uint32_t index;
};

static uint32_t address_hash(const char *s)
{
	uint64_t h = (uint64_t)(uintptr_t)s * 0x9e3779b97f4a7c15u;

	return (uint32_t)(h >> 32);
}

static uint32_t address_rehash(const void *slot)
{
	return address_hash(((const struct string_slot *)slot)->s);
}

static uint32_t text_rehash(const void *slot)
{
	const char *s = ((const struct string_slot *)slot)->s;

	return text_hash(s, strlen(s));
}

static void string_map_init(struct string_map *m)
{
	m->by_address = (struct hashtab)HASHTAB_INIT(
		sizeof(struct string_slot), 4096, address_rehash);
	m->by_text = (struct hashtab)HASHTAB_INIT(sizeof(struct string_slot),
						  4096, text_rehash);
	m->ntext = 0;
}

/* The entry of s, or UINT32_MAX after making s the next one. */
static uint32_t string_map_find_or_add(struct string_map *m, const char *s)
{
	struct string_slot *a, *t;
	uint32_t found = UINT32_MAX;
	size_t i;

	hashtab_reserve(&m->by_address);
	for (i = hashtab_start(&m->by_address, address_hash(s));
	     (a = hashtab_at(&m->by_address, i))->s;
	     i = hashtab_next(&m->by_address, i))
		if (a->s == s)
			return a->index;
	hashtab_reserve(&m->by_text);
	for (i = hashtab_start(&m->by_text, text_hash(s, strlen(s)));
	     (t = hashtab_at(&m->by_text, i))->s;
	     i = hashtab_next(&m->by_text, i))
		if (!strcmp(t->s, s)) {
			found = t->index;
			break;
		}
	if (found == UINT32_MAX) {
		t->s = s;
		t->index = (uint32_t)m->ntext++;
		m->by_text.n++;
	}
	a->s = s;
	a->index = t->index;
	m->by_address.n++;
	return found;
}

static void string_map_release(struct string_map *m)
{
	hashtab_release(&m->by_address);
	hashtab_release(&m->by_text);
	m->ntext = 0;
}

struct bin_writer {
	const struct ticket_set *set;
	bool callbacks;
	struct outfile of;
	unsigned char *buf;
	size_t len, cap;
	uint64_t bytes;          /* payload bytes handed to the file */
	struct sum sum;
	struct string_map strings;
	bool too_long;           /* a string of 2 GiB or more */
	struct buf err;
	int rc;
};

/*
 * Asks the kernel to start writing what the file holds so far to disk,
 * without waiting. Then the fsync at the commit finds little left to do,
 * and the file's dirty pages never pile up far enough for the kernel to
 * throttle the writes: on the benchmark this halves records_write()'s
 * time (docs/ingest.md). Only a hint: an I/O error shows at the fsync.
 */
static void start_writeback(struct bin_writer *w)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (w->of.failed || !outfile_fsync_enabled())
		return;
	if (fflush(w->of.fp) != 0) {
		w->of.failed = errno ? errno : EIO;
		return;
	}
	(void)sync_file_range(fileno(w->of.fp), 0, 0, SYNC_FILE_RANGE_WRITE);
#else
	(void)w;
#endif
}

static void writer_flush(struct bin_writer *w)
{
	sum_update(&w->sum, w->buf, w->len);
	outfile_write(&w->of, w->buf, w->len);
	start_writeback(w);
	w->bytes += w->len;
	w->len = 0;
}

/* Room for n more bytes at w->buf + w->len. */
static unsigned char *writer_reserve(struct bin_writer *w, size_t n)
{
	if (w->len + n > w->cap) {
		writer_flush(w);
		if (n > w->cap) {
			w->buf = xrealloc(w->buf, n);
			w->cap = n;
		}
	}
	return w->buf + w->len;
}

/*
 * Appends the fixed part and the strings of one record. A string of a
 * pooled field is a reference (REF_BIT | entry) when the file holds it
 * already, else its length and bytes, which make it the file's next entry
 * (the empty string excepted: it is always inline and no entry).
 */
static void put_record(struct bin_writer *w, const unsigned char *fixed,
		       size_t nfixed, const char *const *s,
		       const bool *pooled, size_t ns)
{
	uint32_t word[TICKET_STRINGS];
	size_t len[TICKET_STRINGS], total = nfixed, i;
	unsigned char *p;

	for (i = 0; i < ns; i++) {
		len[i] = 0;
		if (pooled[i] && *s[i]) {
			word[i] = string_map_find_or_add(&w->strings, s[i]);
			if (word[i] != UINT32_MAX) {
				word[i] |= REF_BIT;
				total += 4;
				continue;
			}
		}
		len[i] = strlen(s[i]);
		if (len[i] >= REF_BIT)
			w->too_long = true;
		word[i] = (uint32_t)len[i];
		total += 4 + len[i];
	}
	p = writer_reserve(w, total);
	memcpy(p, fixed, nfixed);
	p += nfixed;
	for (i = 0; i < ns; i++) {
		put_u32(p, word[i]);
		memcpy(p + 4, s[i], len[i]);
		p += 4 + len[i];
	}
	w->len += total;
}

static void put_ticket(struct bin_writer *w, const struct ticket *t)
{
	unsigned char fixed[TICKET_FIXED];
	const char *s[TICKET_STRINGS] = {
		t->id, t->type_text, t->subtype, t->center, t->unit, t->owner,
		t->phone, t->content, t->butler, t->status, t->handler
	};

	fixed[0] = (unsigned char)t->type;
	fixed[1] = t->cancelled ? 1 : 0;
	put_u64(fixed + 2, from_i64(t->created_at));
	put_u64(fixed + 10, from_i64(t->completed_at));
	put_u64(fixed + 18, from_i64(t->updated_at));
	put_u64(fixed + 26, from_i64(t->rectified_at));
	put_u32(fixed + 34, t->file);
	put_u32(fixed + 38, t->line);
	put_record(w, fixed, sizeof(fixed), s, ticket_string_pooled,
		   TICKET_STRINGS);
}

static void put_callback(struct bin_writer *w, uint32_t ticket,
			 const struct callback *c)
{
	unsigned char fixed[CALLBACK_FIXED];
	const char *s[CALLBACK_STRINGS] = {
		c->recorder, c->channel, c->result, c->remark,
		c->satisfaction_text
	};

	put_u32(fixed, ticket);
	put_u64(fixed + 4, from_i64(c->at));
	fixed[12] = c->source;
	fixed[13] = c->satisfaction;
	/* Bit 0 attempt, bit 1 a date alone, bit 2 a stand-in time. */
	fixed[14] = (unsigned char)((c->is_attempt ? 1 : 0) |
				    (c->date_only ? 2 : 0) |
				    (c->stand_in ? 4 : 0));
	put_u32(fixed + 15, (uint32_t)c->round);
	put_u32(fixed + 19, c->file);
	put_u32(fixed + 23, c->line);
	put_record(w, fixed, sizeof(fixed), s, callback_string_pooled,
		   CALLBACK_STRINGS);
}

/*
 * Writes one whole .bin file into w->of (opened by the caller) and
 * commits it; w->rc is 0 or -1 with w->err set. Runs on its own thread.
 */
static void *write_bin(void *arg)
{
	struct bin_writer *w = arg;
	const struct ticket_set *set = w->set;
	unsigned char header[HEADER_SIZE];
	size_t i, k;

	w->rc = -1;
	w->cap = WRITE_BUF;
	w->buf = xmalloc(w->cap);
	/* A placeholder: the length and the sums are known at the end. */
	memset(header, 0, sizeof(header));
	outfile_write(&w->of, header, sizeof(header));
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];

		if (!w->callbacks) {
			put_ticket(w, t);
			continue;
		}
		for (k = 0; k < t->n_cb; k++)
			put_callback(w, (uint32_t)i,
				     &set->callbacks[t->first_cb + k]);
	}
	writer_flush(w);
	sum_final(&w->sum);
	memcpy(header, w->callbacks ? callback_magic : ticket_magic, 8);
	put_u32(header + 8, RECORDS_VERSION);
	put_u32(header + 12, 0);
	put_u64(header + 16, w->callbacks ? set->ncallbacks : set->ntickets);
	put_u64(header + 24, w->bytes);
	put_u64(header + 32, w->sum.a);
	put_u64(header + 40, w->sum.b);
	if (w->too_long) {
		buf_addf(&w->err, "%s: a string of 2 GiB or more", w->of.path);
		outfile_rollback(&w->of);
		goto out;
	}
	if (!w->of.failed && fseek(w->of.fp, 0, SEEK_SET) != 0)
		w->of.failed = errno ? errno : EIO;
	outfile_write(&w->of, header, sizeof(header));
	if (outfile_commit(&w->of, &w->err) < 0)
		goto out;
	w->rc = 0;
out:
	string_map_release(&w->strings);
	free(w->buf);
	w->buf = NULL;
	return NULL;
}

/*
 * A file name is bytes, not necessarily UTF-8: invalid bytes are written
 * \xNN so that the JSON stays valid.
 */
static void add_safe(struct jsonw *w, const char *key, const char *s)
{
	struct buf esc = BUF_INIT;

	text_escape_invalid(&esc, s, strlen(s));
	jsonw_str(w, key, esc.s);
	buf_release(&esc);
}

static void format_summary(const struct ticket_set *set, struct buf *b)
{
	const struct ingest_quality *q = &set->quality;
	struct jsonw w;
	size_t i;

	jsonw_init(&w, b);
	jsonw_open(&w, NULL, '{', JSONW_BLOCK);
	jsonw_str(&w, "schema", RECORDS_SCHEMA);
	jsonw_open(&w, "files", '[', JSONW_BLOCK);
	for (i = 0; i < set->nfiles; i++) {
		const struct input_file *f = &set->files[i];

		jsonw_open(&w, NULL, '{', JSONW_INLINE);
		add_safe(&w, "name", f->name);
		add_safe(&w, "path", f->path);
		jsonw_str(&w, "kind", kind_name[f->kind]);
		jsonw_str(&w, "encoding", f->encoding ? f->encoding : "");
		add_safe(&w, "why", f->why ? f->why : "");
		jsonw_str(&w, "sha256", f->sha256);
		jsonw_uint(&w, "size", f->size);
		jsonw_uint(&w, "rows_read", f->rows_read);
		jsonw_uint(&w, "accepted", f->accepted);
		jsonw_uint(&w, "rejected", f->rejected);
		jsonw_uint(&w, "superseded", f->superseded);
		jsonw_uint(&w, "excluded", f->excluded);
		jsonw_uint(&w, "damaged_ticket_ids", f->damaged_ticket_ids);
		jsonw_uint(&w, "repeated_ids", f->repeated_ids);
		if (f->partly_read)
			jsonw_uint(&w, "partly_read", 1);
		jsonw_close(&w);
	}
	jsonw_close(&w);
	jsonw_uint(&w, "files_recognised", set->files_recognised);
	jsonw_uint(&w, "unlisted_files", set->unlisted_files);
	add_safe(&w, "unlisted_example",
		 set->unlisted_example ? set->unlisted_example : "");
	jsonw_uint(&w, "rows_read", set->rows_read);
	jsonw_uint(&w, "accepted", set->accepted);
	jsonw_uint(&w, "rejected", set->rejected);
	jsonw_uint(&w, "superseded", set->superseded);
	jsonw_uint(&w, "excluded", set->excluded);
	jsonw_uint(&w, "tickets", set->ntickets);
	jsonw_uint(&w, "callbacks", set->ncallbacks);
	jsonw_open(&w, "quality", '{', JSONW_INLINE);
	jsonw_uint(&w, "orphan_callbacks", q->orphan_callbacks);
	jsonw_uint(&w, "unrated_satisfaction", q->unrated_satisfaction);
	jsonw_uint(&w, "unknown_subtype", q->unknown_subtype);
	jsonw_uint(&w, "superseded_tickets", q->superseded_tickets);
	jsonw_uint(&w, "superseded_callbacks", q->superseded_callbacks);
	jsonw_uint(&w, "date_only_callbacks", q->date_only_callbacks);
	jsonw_uint(&w, "stand_in_callbacks", q->stand_in_callbacks);
	jsonw_uint(&w, "ratings_without_time", q->ratings_without_time);
	jsonw_open(&w, "rejected_by_reason", '{', JSONW_INLINE);
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		jsonw_uint(&w, reject_reason_code[i], q->reasons[i]);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_close(&w);
	jsonw_end(&w);
}

/* Removes dir/name; a file that is not there is fine. */
static int remove_file(const char *dir, const char *name, struct buf *err)
{
	struct buf path = BUF_INIT;
	int ret = 0;

	buf_addf(&path, "%s/%s", dir, name);
	if (unlink(path.s) < 0 && errno != ENOENT) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		ret = -1;
	}
	buf_release(&path);
	return ret;
}

int records_write(const struct ticket_set *set, const char *dir,
		  struct buf *err)
{
	struct bin_writer w[2];
	struct buf path = BUF_INIT, summary = BUF_INIT;
	pthread_t thread;
	bool threaded = false;
	int i, ret = -1;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		w[i].set = set;
		w[i].callbacks = i == 1;
		string_map_init(&w[i].strings);
		buf_init(&w[i].err);
	}
	if (mkdir_p(dir, err) < 0)
		goto out;
	/* Until the new summary is written, the folder holds no artifact. */
	if (remove_file(dir, "summary.json", err) < 0)
		goto out;
	/*
	 * Both files are opened here, on one thread: outfile_open numbers
	 * its temporary files with a counter that is not thread-safe.
	 */
	for (i = 0; i < 2; i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir,
			 i ? "callbacks.bin" : "tickets.bin");
		if (outfile_open(&w[i].of, path.s, err) < 0) {
			if (i)
				outfile_rollback(&w[0].of);
			goto out;
		}
	}
	threaded = pthread_create(&thread, NULL, write_bin, &w[1]) == 0;
	write_bin(&w[0]);
	if (threaded)
		pthread_join(thread, NULL);
	else
		write_bin(&w[1]);
	for (i = 0; i < 2; i++) {
		if (w[i].rc < 0) {
			buf_add(err, w[i].err.s, w[i].err.len);
			goto out;
		}
	}
	/* The artifact of schema /1 would be 300 MB of stale data. */
	if (remove_file(dir, "tickets.jsonl", err) < 0 ||
	    remove_file(dir, "callbacks.jsonl", err) < 0)
		goto out;
	/* The summary last: its presence says the other two are whole. */
	buf_reset(&path);
	buf_addf(&path, "%s/summary.json", dir);
	format_summary(set, &summary);
	if (outfile_write_all(path.s, summary.s, summary.len, err) < 0)
		goto out;
	ret = 0;
out:
	for (i = 0; i < 2; i++)
		buf_release(&w[i].err);
	buf_release(&path);
	buf_release(&summary);
	return ret;
}

/* ---- reading ---- */

/* The reader's interned strings: a table of struct pool_slot. */
struct pool_slot {
	const char *s;
};

static uint32_t pool_rehash(const void *slot)
{
	const char *s = ((const struct pool_slot *)slot)->s;

	return text_hash(s, strlen(s));
}

/* The interned copy of s[0..n), a C string in a. */
static const char *pooled(struct hashtab *p, struct arena *a, const char *s,
			  size_t n)
{
	struct pool_slot *e;
	size_t i;

	if (!n)
		return "";
	hashtab_reserve(p);
	for (i = hashtab_start(p, text_hash(s, n)); (e = hashtab_at(p, i))->s;
	     i = hashtab_next(p, i))
		if (!memcmp(e->s, s, n) && !e->s[n])
			return e->s;
	e->s = arena_strndup(a, s, n);
	p->n++;
	return e->s;
}

/* One .bin file being read: a window of it in buf[pos..end). */
struct bin_file {
	FILE *fp;
	const char *path;
	unsigned char *buf;
	size_t cap, pos, end;
	uint64_t buf_off;        /* file offset of buf[0] */
	uint64_t size;           /* of the file */
	uint64_t count, bytes;   /* from the header */
	uint64_t sum_a, sum_b;   /* from the header */
	struct sum sum;          /* of the payload as read */
	const char **strings;    /* the file's string table so far */
	size_t nstrings, astrings;
};

struct reader {
	struct ticket_set *set;
	struct hashtab pool;    /* of struct pool_slot */
	struct diag *d;
	size_t summary_tickets, summary_callbacks;
	int bad;
};

static void file_problem(struct reader *r, const struct bin_file *f,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void file_problem(struct reader *r, const struct bin_file *f,
			 const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_report(r->d, DIAG_ERROR, f->path, 0, 0, "%s", msg.s);
	buf_release(&msg);
	r->bad = 1;
}

static void record_problem(struct reader *r, const struct bin_file *f,
			   uint64_t record, uint64_t offset,
			   const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void record_problem(struct reader *r, const struct bin_file *f,
			   uint64_t record, uint64_t offset,
			   const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_report(r->d, DIAG_ERROR, f->path, 0, 0,
		    "record %llu (byte offset %llu): %s",
		    (unsigned long long)record, (unsigned long long)offset,
		    msg.s);
	buf_release(&msg);
	r->bad = 1;
}

static uint64_t file_offset(const struct bin_file *f)
{
	return f->buf_off + f->pos;
}

/*
 * n bytes at the current position, or NULL when the file ends first (or
 * cannot be read: ferror tells). Every byte read passes through the sum.
 */
static const unsigned char *need(struct bin_file *f, size_t n)
{
	size_t got;

	if (f->end - f->pos >= n)
		return f->buf + f->pos;
	memmove(f->buf, f->buf + f->pos, f->end - f->pos);
	f->buf_off += f->pos;
	f->end -= f->pos;
	f->pos = 0;
	if (n > f->cap) {
		f->cap = n > 2 * f->cap ? n : 2 * f->cap;
		f->buf = xrealloc(f->buf, f->cap);
	}
	while (f->end < n) {
		got = fread(f->buf + f->end, 1, f->cap - f->end, f->fp);
		if (!got)
			break;
		sum_update(&f->sum, f->buf + f->end, got);
		f->end += got;
	}
	return f->end >= n ? f->buf + f->pos : NULL;
}

/*
 * Opens path and checks its header against magic and the count that
 * summary.json gives; 0 or -1 (reported).
 */
static int bin_open(struct reader *r, struct bin_file *f, const char *path,
		    const char *magic, size_t want_count, size_t min_record)
{
	unsigned char header[HEADER_SIZE];
	struct stat st;
	uint32_t version;

	memset(f, 0, sizeof(*f));
	f->path = path;
	/* Not through a link swapped in since the up-front check. */
	f->fp = folder_fopen_read(path, NULL);
	if (!f->fp || fstat(fileno(f->fp), &st) < 0) {
		file_problem(r, f, "cannot read: %s", errno == ELOOP ?
			     "a symbolic link below the output folder; "
			     "huifang does not follow it" : strerror(errno));
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	if (fread(header, 1, sizeof(header), f->fp) != sizeof(header)) {
		file_problem(r, f, "the file is %llu bytes, shorter than the "
			     "%d-byte header", (unsigned long long)f->size,
			     HEADER_SIZE);
		return -1;
	}
	f->buf_off = HEADER_SIZE;
	if (memcmp(header, magic, 8)) {
		file_problem(r, f, "bad magic: not a huifang.records/2 %s file",
			     magic == ticket_magic ? "tickets" : "callbacks");
		return -1;
	}
	version = get_u32(header + 8);
	if (version != RECORDS_VERSION || get_u32(header + 12)) {
		file_problem(r, f, "version %lu, expected %d (re-run "
			     "'huifang ingest')", (unsigned long)version,
			     RECORDS_VERSION);
		return -1;
	}
	f->count = get_u64(header + 16);
	f->bytes = get_u64(header + 24);
	f->sum_a = get_u64(header + 32);
	f->sum_b = get_u64(header + 40);
	if (f->count != want_count) {
		file_problem(r, f, "%llu records, summary.json says %zu",
			     (unsigned long long)f->count, want_count);
		return -1;
	}
	/* Before allocating for them: could the file hold that many? */
	if (f->count > (f->size - HEADER_SIZE) / min_record) {
		file_problem(r, f, "truncated: %llu bytes cannot hold %llu "
			     "records", (unsigned long long)f->size,
			     (unsigned long long)f->count);
		return -1;
	}
	f->cap = READ_BUF;
	f->buf = xmalloc(f->cap);
	return 0;
}

/*
 * After the last record: nothing may be left, and the sums must agree.
 * 0 or -1 (reported).
 */
static int bin_finish(struct reader *r, struct bin_file *f)
{
	uint64_t at = file_offset(f);

	if (ferror(f->fp)) {
		file_problem(r, f, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (need(f, 1)) {
		record_problem(r, f, f->count, at, "%llu bytes after the "
			       "last record (the header says %llu records)",
			       (unsigned long long)(f->size - at),
			       (unsigned long long)f->count);
		return -1;
	}
	if (at - HEADER_SIZE != f->bytes) {
		file_problem(r, f, "the records take %llu bytes, the header "
			     "says %llu", (unsigned long long)(at - HEADER_SIZE),
			     (unsigned long long)f->bytes);
		return -1;
	}
	sum_final(&f->sum);
	if (f->sum.a != f->sum_a || f->sum.b != f->sum_b) {
		file_problem(r, f, "checksum mismatch: the file is damaged");
		return -1;
	}
	return 0;
}

static void bin_close(struct bin_file *f)
{
	if (f->fp)
		fclose(f->fp);
	free(f->buf);
	free(f->strings);
	f->fp = NULL;
	f->buf = NULL;
	f->strings = NULL;
}

/* Reports a record that the file ends inside of. */
static void truncated(struct reader *r, struct bin_file *f, uint64_t record,
		      uint64_t offset)
{
	if (ferror(f->fp))
		file_problem(r, f, "cannot read: %s", strerror(errno));
	else
		record_problem(r, f, record, offset,
			       "truncated: the file ends at byte %llu, inside "
			       "or before this record (of %llu)",
			       (unsigned long long)f->size,
			       (unsigned long long)f->count);
}

/*
 * Reads the record's strings into out[]: for a pooled field a reference
 * to the file's string table or a new entry (interned), for the others
 * the text itself. 0 or -1 (reported).
 */
static int read_strings(struct reader *r, struct bin_file *f,
			uint64_t record, uint64_t offset,
			const char *const *name, const bool *pool, size_t ns,
			const char **out)
{
	const unsigned char *p;
	size_t i, bad;
	uint32_t len;

	for (i = 0; i < ns; i++) {
		p = need(f, 4);
		if (!p) {
			truncated(r, f, record, offset);
			return -1;
		}
		len = get_u32(p);
		f->pos += 4;
		if (len & REF_BIT) {
			len &= ~REF_BIT;
			if (!pool[i]) {
				record_problem(r, f, record, offset,
					       "string '%s' is a string-table "
					       "reference, which '%s' cannot be",
					       name[i], name[i]);
				return -1;
			}
			if (len >= f->nstrings) {
				record_problem(r, f, record, offset,
					       "string '%s' refers to entry %lu "
					       "of a string table of %zu so far",
					       name[i], (unsigned long)len,
					       f->nstrings);
				return -1;
			}
			out[i] = f->strings[len];
			continue;
		}
		if ((uint64_t)len > f->size - file_offset(f)) {
			if (f->size < HEADER_SIZE + f->bytes) {
				truncated(r, f, record, offset);
				return -1;
			}
			record_problem(r, f, record, offset,
				       "string '%s' of %lu bytes runs past the "
				       "end of the file", name[i],
				       (unsigned long)len);
			return -1;
		}
		p = need(f, len);
		if (!p) {
			truncated(r, f, record, offset);
			return -1;
		}
		if (memchr(p, 0, len)) {
			record_problem(r, f, record, offset,
				       "string '%s' holds a NUL byte", name[i]);
			return -1;
		}
		if (!utf8_valid((const char *)p, len, &bad)) {
			record_problem(r, f, record, offset,
				       "string '%s' is not valid UTF-8 (byte "
				       "%zu of %lu)", name[i], bad,
				       (unsigned long)len);
			return -1;
		}
		if (!len) {
			out[i] = "";
		} else if (!pool[i]) {
			out[i] = arena_strndup(&r->set->arena, (const char *)p,
					       len);
		} else {
			out[i] = pooled(&r->pool, &r->set->arena,
					(const char *)p, len);
			ALLOC_GROW(f->strings, f->nstrings + 1, f->astrings);
			f->strings[f->nstrings++] = out[i];
		}
		f->pos += len;
	}
	return 0;
}

static int read_tickets(struct reader *r, const char *path)
{
	struct ticket_set *set = r->set;
	struct bin_file f;
	const unsigned char *p;
	const char *s[TICKET_STRINGS];
	uint64_t i, at;
	int ret = -1;

	if (bin_open(r, &f, path, ticket_magic, r->summary_tickets,
		     TICKET_FIXED + 4 * TICKET_STRINGS + 1) < 0)
		goto out;
	set->tickets = xcalloc((size_t)f.count, sizeof(*set->tickets));
	for (i = 0; i < f.count; i++) {
		struct ticket *t = &set->tickets[i];
		uint32_t file;

		at = file_offset(&f);
		p = need(&f, TICKET_FIXED);
		if (!p) {
			truncated(r, &f, i, at);
			goto out;
		}
		if (p[0] >= TYPE_COUNT) {
			record_problem(r, &f, i, at, "ticket type %u out of "
				       "range (0-%d)", p[0], TYPE_COUNT - 1);
			goto out;
		}
		if (p[1] > 1) {
			record_problem(r, &f, i, at, "cancelled flag %u is "
				       "not 0 or 1", p[1]);
			goto out;
		}
		t->type = (int8_t)p[0];
		t->cancelled = p[1];
		t->created_at = to_i64(get_u64(p + 2));
		t->completed_at = to_i64(get_u64(p + 10));
		t->updated_at = to_i64(get_u64(p + 18));
		t->rectified_at = to_i64(get_u64(p + 26));
		file = get_u32(p + 34);
		t->line = get_u32(p + 38);
		f.pos += TICKET_FIXED;
		if (file >= set->nfiles || file > MAX_INPUT_FILES) {
			record_problem(r, &f, i, at, "file index %lu out of "
				       "range (%zu files)",
				       (unsigned long)file, set->nfiles);
			goto out;
		}
		t->file = (uint16_t)file;
		if (read_strings(r, &f, i, at, ticket_string_name,
				 ticket_string_pooled, TICKET_STRINGS, s) < 0)
			goto out;
		t->id = s[0];
		t->type_text = s[1];
		t->subtype = s[2];
		t->center = s[3];
		t->unit = s[4];
		t->owner = s[5];
		t->phone = s[6];
		t->content = s[7];
		t->butler = s[8];
		t->status = s[9];
		t->handler = s[10];
		if (!*t->id) {
			record_problem(r, &f, i, at, "empty ticket number");
			goto out;
		}
		if (i && strcmp(set->tickets[i - 1].id, t->id) >= 0) {
			record_problem(r, &f, i, at, "ticket '%s' is not after "
				       "'%s': tickets are not sorted by number",
				       t->id, set->tickets[i - 1].id);
			goto out;
		}
		set->ntickets++;
	}
	ret = bin_finish(r, &f);
out:
	bin_close(&f);
	return ret;
}

static int read_callbacks(struct reader *r, const char *path)
{
	struct ticket_set *set = r->set;
	struct bin_file f;
	const unsigned char *p;
	const char *s[CALLBACK_STRINGS];
	uint64_t i, at;
	uint32_t ticket, last = 0;
	int ret = -1;

	if (bin_open(r, &f, path, callback_magic, r->summary_callbacks,
		     CALLBACK_FIXED + 4 * CALLBACK_STRINGS) < 0)
		goto out;
	set->callbacks = xcalloc((size_t)f.count, sizeof(*set->callbacks));
	for (i = 0; i < f.count; i++) {
		struct callback *c = &set->callbacks[i];
		struct ticket *t;

		at = file_offset(&f);
		p = need(&f, CALLBACK_FIXED);
		if (!p) {
			truncated(r, &f, i, at);
			goto out;
		}
		ticket = get_u32(p);
		if (ticket >= set->ntickets) {
			record_problem(r, &f, i, at, "ticket index %lu out of "
				       "range (%zu tickets)",
				       (unsigned long)ticket, set->ntickets);
			goto out;
		}
		if (ticket < last) {
			record_problem(r, &f, i, at, "ticket index %lu after "
				       "%lu: callbacks are not grouped by "
				       "ticket in ticket order",
				       (unsigned long)ticket,
				       (unsigned long)last);
			goto out;
		}
		c->at = to_i64(get_u64(p + 4));
		if (c->at == TIME_NONE) {
			record_problem(r, &f, i, at, "a callback without a "
				       "time");
			goto out;
		}
		if (p[12] > CB_ROW || p[13] > SAT_VERY_SATISFIED ||
		    p[14] > 7) {
			record_problem(r, &f, i, at, "%s %u out of range",
				       p[12] > CB_ROW ? "source" :
				       p[13] > SAT_VERY_SATISFIED ?
				       "satisfaction" : "flags",
				       p[12] > CB_ROW ? p[12] :
				       p[13] > SAT_VERY_SATISFIED ? p[13] :
				       p[14]);
			goto out;
		}
		c->source = p[12];
		c->satisfaction = p[13];
		c->is_attempt = p[14] & 1;
		c->date_only = (p[14] & 2) != 0;
		c->stand_in = (p[14] & 4) != 0;
		c->round = to_i32(get_u32(p + 15));
		c->file = get_u32(p + 19);
		c->line = get_u32(p + 23);
		f.pos += CALLBACK_FIXED;
		if (c->file >= set->nfiles) {
			record_problem(r, &f, i, at, "file index %lu out of "
				       "range (%zu files)",
				       (unsigned long)c->file, set->nfiles);
			goto out;
		}
		if (read_strings(r, &f, i, at, callback_string_name,
				 callback_string_pooled, CALLBACK_STRINGS,
				 s) < 0)
			goto out;
		c->recorder = s[0];
		c->channel = s[1];
		c->result = s[2];
		c->remark = s[3];
		c->satisfaction_text = s[4];
		t = &set->tickets[ticket];
		if (!t->n_cb)
			t->first_cb = (uint32_t)i;
		t->n_cb++;
		last = ticket;
		set->ncallbacks++;
	}
	ret = bin_finish(r, &f);
out:
	bin_close(&f);
	return ret;
}

/* ---- summary.json ---- */

/* A key that must be there. */
static const cJSON *item(struct reader *r, const char *path, const cJSON *o,
			 const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v && !r->bad) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0, "missing key '%s'",
			    key);
		r->bad = 1;
	}
	return v;
}

static const char *get_str(struct reader *r, const char *path,
			   const cJSON *o, const char *key, bool pool)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v)
		return "";
	if (!cJSON_IsString(v)) {
		if (!r->bad)
			diag_report(r->d, DIAG_ERROR, path, 0, 0,
				    "key '%s' is not a string", key);
		r->bad = 1;
		return "";
	}
	return pool ? pooled(&r->pool, &r->set->arena, v->valuestring,
			     strlen(v->valuestring))
		    : arena_strdup(&r->set->arena, v->valuestring);
}

static size_t get_count(struct reader *r, const char *path, const cJSON *o,
			const char *key)
{
	const cJSON *v = item(r, path, o, key);

	if (!cJSON_IsNumber(v)) {
		if (v && !r->bad)
			diag_report(r->d, DIAG_ERROR, path, 0, 0,
				    "key '%s' is not a number", key);
		r->bad = 1;
		return 0;
	}
	/*
	 * A count no size_t holds (1e30, a digit too many) is damage; its
	 * conversion would be undefined. The test is written so that a NaN
	 * fails it too.
	 */
	if (!(v->valuedouble < (double)SIZE_MAX)) {
		if (!r->bad)
			diag_report(r->d, DIAG_ERROR, path, 0, 0,
				    "key '%s' is out of range", key);
		r->bad = 1;
		return 0;
	}
	return v->valuedouble > 0 ? (size_t)v->valuedouble : 0;
}

/* A count added after the first artifacts (issue 14): absent is 0. */
static size_t get_count_opt(struct reader *r, const char *path,
			    const cJSON *o, const char *key)
{
	if (!cJSON_GetObjectItemCaseSensitive(o, key))
		return 0;
	return get_count(r, path, o, key);
}

static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int read_summary(struct reader *r, const char *path)
{
	struct ticket_set *set = r->set;
	struct buf text = BUF_INIT;
	const cJSON *files, *f, *q, *by;
	cJSON *root = NULL;
	FILE *fp = folder_fopen_read(path, NULL);
	size_t i;
	int ret = -1;

	if (!fp && errno == ELOOP) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0,
			    "cannot read: a symbolic link below the output "
			    "folder; huifang does not follow it");
		return -1;
	}
	if (!fp) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0,
			    "cannot read: no ingest artifact here (run "
			    "'huifang ingest' first)");
		return -1;
	}
	(void)buf_read_stream(&text, fp);
	fclose(fp);
	root = cJSON_ParseWithLength(text.s, text.len);
	if (!root || !cJSON_IsObject(root)) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0, "not JSON");
		goto out;
	}
	f = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsString(f) || strcmp(f->valuestring, RECORDS_SCHEMA)) {
		diag_report(r->d, DIAG_ERROR, path, 0, 0,
			    "schema is not '%s' (re-run 'huifang ingest')",
			    RECORDS_SCHEMA);
		goto out;
	}
	files = item(r, path, root, "files");
	set->files = xcalloc((size_t)cJSON_GetArraySize(files) + 1,
			     sizeof(*set->files));
	cJSON_ArrayForEach(f, files) {
		struct input_file *in = &set->files[set->nfiles++];
		const char *kind;
		const cJSON *sha;
		int k;

		in->name = get_str(r, path, f, "name", false);
		in->path = get_str(r, path, f, "path", false);
		kind = get_str(r, path, f, "kind", true);
		k = name_index(kind_name, 3, kind);
		in->kind = (uint8_t)(k < 0 ? FILE_UNRECOGNISED : k);
		in->encoding = get_str(r, path, f, "encoding", true);
		in->why = get_str(r, path, f, "why", false);
		sha = cJSON_GetObjectItemCaseSensitive(f, "sha256");
		if (cJSON_IsString(sha) && strlen(sha->valuestring) < 65)
			memcpy(in->sha256, sha->valuestring,
			       strlen(sha->valuestring) + 1);
		in->size = (uint64_t)get_count(r, path, f, "size");
		in->rows_read = get_count(r, path, f, "rows_read");
		in->accepted = get_count(r, path, f, "accepted");
		in->rejected = get_count(r, path, f, "rejected");
		in->superseded = get_count(r, path, f, "superseded");
		in->excluded = get_count_opt(r, path, f, "excluded");
		in->damaged_ticket_ids = get_count_opt(r, path, f,
						       "damaged_ticket_ids");
		in->repeated_ids = get_count_opt(r, path, f, "repeated_ids");
		in->partly_read = get_count_opt(r, path, f, "partly_read") != 0;
	}
	set->files_recognised = get_count(r, path, root, "files_recognised");
	/* Counts for the gates (issue 16): absent in older artifacts. */
	set->unlisted_files = get_count_opt(r, path, root, "unlisted_files");
	if (set->unlisted_files)
		set->unlisted_example = get_str(r, path, root,
						"unlisted_example", false);
	set->rows_read = get_count(r, path, root, "rows_read");
	set->accepted = get_count(r, path, root, "accepted");
	set->rejected = get_count(r, path, root, "rejected");
	set->superseded = get_count(r, path, root, "superseded");
	set->excluded = get_count_opt(r, path, root, "excluded");
	r->summary_tickets = get_count(r, path, root, "tickets");
	r->summary_callbacks = get_count(r, path, root, "callbacks");
	q = item(r, path, root, "quality");
	if (q) {
		struct ingest_quality *iq = &set->quality;

		iq->orphan_callbacks = get_count(r, path, q,
						 "orphan_callbacks");
		iq->unrated_satisfaction = get_count(r, path, q,
						     "unrated_satisfaction");
		iq->unknown_subtype = get_count(r, path, q, "unknown_subtype");
		iq->superseded_tickets = get_count(r, path, q,
						   "superseded_tickets");
		iq->superseded_callbacks = get_count(r, path, q,
						     "superseded_callbacks");
		iq->date_only_callbacks = get_count_opt(r, path, q,
							"date_only_callbacks");
		iq->stand_in_callbacks = get_count_opt(r, path, q,
						       "stand_in_callbacks");
		iq->ratings_without_time = get_count_opt(r, path, q,
							 "ratings_without_time");
		by = item(r, path, q, "rejected_by_reason");
		for (i = 0; by && i < REJECT_REASON_COUNT; i++)
			iq->reasons[i] = get_count(r, path, by,
						   reject_reason_code[i]);
	}
	ret = r->bad ? -1 : 0;
out:
	cJSON_Delete(root);
	buf_release(&text);
	return ret;
}

int records_read(struct ticket_set *set, const char *dir, struct diag *d)
{
	struct reader r;
	struct buf path = BUF_INIT;
	int ret = -1;

	memset(&r, 0, sizeof(r));
	r.set = set;
	r.d = d;
	r.pool = (struct hashtab)HASHTAB_INIT(sizeof(struct pool_slot), 1024,
					      pool_rehash);
	buf_addf(&path, "%s/summary.json", dir);
	if (read_summary(&r, path.s) < 0)
		goto out;
	buf_reset(&path);
	buf_addf(&path, "%s/tickets.bin", dir);
	if (read_tickets(&r, path.s) < 0)
		goto out;
	buf_reset(&path);
	buf_addf(&path, "%s/callbacks.bin", dir);
	if (read_callbacks(&r, path.s) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		ticket_set_release(set);
	hashtab_release(&r.pool);
	buf_release(&path);
	return ret;
}
