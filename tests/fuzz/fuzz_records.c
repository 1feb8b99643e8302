/*
 * fuzz_records.c - libFuzzer target for the records reader (records.h,
 * schema huifang.records/2), which reads output/records/ as another
 * command left it, damaged or not.
 *
 * records_read() reads files, so the input is cut into the files of one
 * artifact and written into a folder made once under $TMPDIR (or P_tmpdir)
 * and removed at exit; every input reuses it. The input is
 *
 *   byte 0      flags: bits 0-1 the number of files summary.json lists
 *               (0-3); bit 2 set: each part's header gets the payload
 *               length and checksums of the bytes that follow it, so that
 *               a mutated record is judged by its values, not refused by
 *               the checksum; bit 3 set: summary.json is taken from the
 *               input too (below) instead of being made
 *   bytes 1-4   u32 little-endian: the length of tickets.bin (cut to
 *               what is there)
 *   then        tickets.bin, then callbacks.bin: the rest of the input,
 *               or with bit 3 a u32 length, callbacks.bin and the rest as
 *               summary.json
 *
 * A summary.json that is made says "tickets" and "callbacks" as the two
 * headers do (0 for a header too short to say), so the reader gets past
 * its check of the counts and into the records. Checked beyond "no crash,
 * no leak": records_read() either returns 0 with no error, the counts of
 * the headers, tickets sorted by number and every callback in its
 * ticket's slice, or returns -1 with at least one error and the set left
 * empty.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "util/diag.h"
#include "model/records.h"
#include "model/ticket.h"
#include "util/banned.h"

#define HEADER_SIZE 48
#define FLAG_NFILES 3u
#define FLAG_FIX_SUMS 4u
#define FLAG_OWN_SUMMARY 8u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const artifact_file[] = { "summary.json", "tickets.bin",
					     "callbacks.bin" };
static const char *const file_kind[] = { "tickets", "callbacks",
					 "unrecognised" };

/* The folder every input is written to; "" until made. */
static char folder[4096];

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void remove_folder(void)
{
	struct buf path = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(artifact_file) / sizeof(*artifact_file); i++) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", folder, artifact_file[i]);
		(void)unlink(path.s);
	}
	(void)rmdir(folder);
	buf_release(&path);
}

static void make_folder(void)
{
	const char *tmp = getenv("TMPDIR");

	if (*folder)
		return;
	snprintf(folder, sizeof(folder), "%s/fuzz_records_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	if (!mkdtemp(folder)) {
		perror(folder);
		abort();
	}
	atexit(remove_folder);
}

static void write_file(const char *name, const void *bytes, size_t n)
{
	struct buf path = BUF_INIT;
	FILE *fp;

	buf_addf(&path, "%s/%s", folder, name);
	fp = fopen(path.s, "wb");
	if (!fp || fwrite(bytes, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path.s);
		abort();
	}
	buf_release(&path);
}

/*
 * Sets the payload length and the checksums of a part's header to what
 * the reader computes over the rest of it (docs/ingest.md: Fletcher's
 * sums over little-endian u64 words, the last one padded with zeros).
 */
static void fix_sums(unsigned char *part, size_t n)
{
	unsigned char word[8];
	uint64_t a = 0, b = 0;
	size_t at, k;

	if (n < HEADER_SIZE)
		return;
	for (at = HEADER_SIZE; at < n; at += 8) {
		k = n - at < 8 ? n - at : 8;
		memset(word, 0, sizeof(word));
		memcpy(word, part + at, k);
		a += get_u64(word);
		b += a;
	}
	put_u64(part + 24, n - HEADER_SIZE);
	put_u64(part + 32, a);
	put_u64(part + 40, b);
}

/* What the header of a part says its count is; 0 when it is too short. */
static uint64_t header_count(const unsigned char *part, size_t n)
{
	return n >= 24 ? get_u64(part + 16) : 0;
}

static void make_summary(struct buf *b, unsigned nfiles, uint64_t tickets,
			 uint64_t callbacks)
{
	unsigned i;

	buf_addf(b, "{\"schema\": \"%s\", \"files\": [", RECORDS_SCHEMA);
	for (i = 0; i < nfiles; i++)
		buf_addf(b, "%s{\"name\": \"f%u.csv\", \"path\": "
			 "\"input/f%u.csv\", \"kind\": \"%s\", \"encoding\": "
			 "\"UTF-8\", \"why\": \"\", \"sha256\": \"\", "
			 "\"size\": 1, \"rows_read\": 1, \"accepted\": 1, "
			 "\"rejected\": 0, \"superseded\": 0}", i ? ", " : "",
			 i, i, file_kind[i % 3]);
	buf_addf(b, "], \"files_recognised\": %u, \"rows_read\": 0, "
		 "\"accepted\": 0, \"rejected\": 0, \"superseded\": 0, "
		 "\"tickets\": %llu, \"callbacks\": %llu, \"quality\": "
		 "{\"orphan_callbacks\": 0, \"unrated_satisfaction\": 0, "
		 "\"unknown_subtype\": 0, \"superseded_tickets\": 0, "
		 "\"superseded_callbacks\": 0, \"rejected_by_reason\": {",
		 nfiles, (unsigned long long)tickets,
		 (unsigned long long)callbacks);
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		buf_addf(b, "%s\"%s\": 0", i ? ", " : "",
			 reject_reason_code[i]);
	buf_adds(b, "}}}\n");
}

/* The contract of a read that succeeded. */
static void check_set(const struct ticket_set *set, uint64_t tickets,
		      uint64_t callbacks)
{
	size_t i, k, next_cb = 0;

	assert(set->ntickets == tickets && set->ncallbacks == callbacks);
	for (i = 0; i < set->ntickets; i++) {
		const struct ticket *t = &set->tickets[i];

		assert(t->id && *t->id && t->center && t->unit && t->owner &&
		       t->phone && t->type_text && t->subtype && t->content &&
		       t->butler && t->status && t->handler);
		assert(t->type >= 0 && t->type < TYPE_COUNT);
		assert(t->file < set->nfiles);
		assert(!i || strcmp(set->tickets[i - 1].id, t->id) < 0);
		if (!t->n_cb)
			continue;
		/* The slices are in ticket order and cover callbacks[]. */
		assert(t->first_cb == next_cb);
		next_cb += t->n_cb;
		assert(next_cb <= set->ncallbacks);
		for (k = t->first_cb; k < next_cb; k++) {
			const struct callback *c = &set->callbacks[k];

			assert(c->at != TIME_NONE);
			assert(c->recorder && c->channel && c->result &&
			       c->remark && c->satisfaction_text);
			assert(c->source <= CB_ROW);
			assert(c->satisfaction <= SAT_VERY_SATISFIED);
			assert(c->file < set->nfiles);
		}
	}
	assert(next_cb == set->ncallbacks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ticket_set set;
	struct diag d;
	struct buf summary = BUF_INIT;
	unsigned char *copy;
	unsigned char *tickets, *callbacks;
	size_t ntickets, ncallbacks, rest;
	unsigned flags;
	int ret;

	if (size < 5)
		return 0;
	make_folder();
	/* The parts are patched (FLAG_FIX_SUMS): a copy of the input. */
	copy = malloc(size);
	assert(copy);
	memcpy(copy, data, size);
	flags = copy[0];
	rest = size - 5;
	ntickets = get_u32(copy + 1);
	if (ntickets > rest)
		ntickets = rest;
	tickets = copy + 5;
	rest -= ntickets;
	callbacks = tickets + ntickets;
	ncallbacks = rest;
	if (flags & FLAG_OWN_SUMMARY) {
		if (rest < 4) {
			free(copy);
			return 0;
		}
		ncallbacks = get_u32(callbacks);
		callbacks += 4;
		rest -= 4;
		if (ncallbacks > rest)
			ncallbacks = rest;
		buf_add(&summary, callbacks + ncallbacks, rest - ncallbacks);
	}
	if (flags & FLAG_FIX_SUMS) {
		fix_sums(tickets, ntickets);
		fix_sums(callbacks, ncallbacks);
	}
	if (!(flags & FLAG_OWN_SUMMARY))
		make_summary(&summary, flags & FLAG_NFILES,
			     header_count(tickets, ntickets),
			     header_count(callbacks, ncallbacks));
	write_file("tickets.bin", tickets, ntickets);
	write_file("callbacks.bin", callbacks, ncallbacks);
	write_file("summary.json", summary.s, summary.len);

	ticket_set_init(&set);
	diag_init(&d);
	ret = records_read(&set, folder, &d);
	if (ret == 0) {
		assert(d.errors == 0);
		check_set(&set, header_count(tickets, ntickets),
			  header_count(callbacks, ncallbacks));
		if (!(flags & FLAG_OWN_SUMMARY))
			assert(set.nfiles == (flags & FLAG_NFILES));
	} else {
		assert(ret == -1);
		assert(d.errors >= 1);
		assert(!set.ntickets && !set.ncallbacks && !set.nfiles);
		assert(!set.tickets && !set.callbacks && !set.files);
	}
	ticket_set_release(&set);
	diag_release(&d);
	buf_release(&summary);
	free(copy);
	return 0;
}
