/*
 * test_records.c - the ingest artifact (records.h, schema
 * huifang.records/2): a hand-built set with every field set, empty
 * strings, TIME_NONE, attempts, rounds and a 65,536-byte string read back
 * equal and written again byte for byte; zero tickets; and every kind of
 * damage (truncation, bad magic, an enum out of range, a ticket index out
 * of range, invalid UTF-8, a NUL, a string-table reference out of range, a
 * flipped bit only the checksum sees, counts unlike summary.json's, a
 * count no size_t holds) reported with the file and the record. The byte
 * offsets used to damage the files are the layout docs/ingest.md
 * documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/chtime.h"
#include "util/diag.h"
#include "model/records.h"
#include "model/ticket.h"

/* The documented layout: a 48-byte header, then the records. */
#define HEADER 48
#define TICKET_FIXED 42
#define CALLBACK_FIXED 27

struct fixture {
	char dir[4096];
	char records[4200];
	struct ticket_set set;   /* the set written */
	struct ticket_set back;  /* the set read */
	struct diag d;
	const char *strings[64]; /* the test's interned strings */
	size_t nstrings;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	snprintf(f->dir, sizeof(f->dir), "%s/test_records_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->records, sizeof(f->records), "%s/records", f->dir);
	ticket_set_init(&f->set);
	ticket_set_init(&f->back);
	diag_init(&f->d);
	*state = f;
	return 0;
}

static void remove_tree(const char *dir)
{
	struct buf cmd = BUF_INIT;

	/* Only our own mkdtemp folder and what the tests put in it. */
	buf_addf(&cmd, "rm -rf '%s'", dir);
	if (system(cmd.s) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	buf_release(&cmd);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	ticket_set_release(&f->set);
	ticket_set_release(&f->back);
	diag_release(&f->d);
	free(f);
	return 0;
}

/* s in the set's arena, one copy per text, as ingest interns values. */
static const char *S(struct fixture *f, const char *s)
{
	size_t i;

	if (!*s)
		return "";
	for (i = 0; i < f->nstrings; i++)
		if (!strcmp(f->strings[i], s))
			return f->strings[i];
	assert_true(f->nstrings < 64);
	f->strings[f->nstrings] = arena_strdup(&f->set.arena, s);
	return f->strings[f->nstrings++];
}

static void add_file(struct fixture *f, const char *name, uint8_t kind,
		     const char *encoding)
{
	struct ticket_set *set = &f->set;
	struct input_file *in;
	struct buf path = BUF_INIT;

	set->files = realloc(set->files, (set->nfiles + 1) * sizeof(*in));
	in = &set->files[set->nfiles++];
	memset(in, 0, sizeof(*in));
	buf_addf(&path, "input/%s", name);
	in->name = S(f, name);
	in->path = S(f, path.s);
	in->kind = kind;
	in->encoding = S(f, encoding);
	in->why = kind == FILE_UNRECOGNISED ? S(f, "no 工单编号 column") : "";
	memset(in->sha256, 'a' + (int)set->nfiles, 64);
	in->size = 1000 + set->nfiles;
	in->rows_read = 10 * set->nfiles;
	in->accepted = 7;
	in->rejected = 2;
	in->superseded = 1;
	in->excluded = set->nfiles;
	in->damaged_ticket_ids = 3 + set->nfiles;
	buf_release(&path);
}

/*
 * Three tickets and four callbacks with every field of ticket.h set
 * somewhere: T1 every string and time, cancelled, two callbacks (an
 * inline first rated one, an inline second attempt); T2 only its number,
 * every time TIME_NONE, no callbacks; T3 a 65,536-byte content, extreme
 * instants, and two row callbacks with extreme rounds.
 */
static void build_set(struct fixture *f)
{
	struct ticket_set *set = &f->set;
	struct ticket *t;
	struct callback *c;
	struct buf big = BUF_INIT;
	size_t i;

	add_file(f, "工单-2026-W47.csv", FILE_TICKETS, "UTF-8");
	add_file(f, "回访.csv", FILE_CALLBACKS, "GB18030");
	add_file(f, "notes.csv", FILE_UNRECOGNISED, "");
	/* 21,845 three-byte characters and one ASCII byte: 65,536 bytes. */
	for (i = 0; i < 21845; i++)
		buf_adds(&big, "访");
	buf_addch(&big, 'x');
	assert_int_equal(big.len, 65536);

	set->tickets = calloc(3, sizeof(*set->tickets));
	set->ntickets = 3;
	t = &set->tickets[0];
	t->id = arena_strdup(&set->arena, "T1");
	t->center = S(f, "阳光花园服务中心");
	t->unit = arena_strdup(&set->arena, "3栋2单元1102");
	t->owner = arena_strdup(&set->arena, "欧阳娜娜");
	t->phone = arena_strdup(&set->arena, "13812345678");
	t->type_text = S(f, "客诉");
	t->subtype = S(f, "房屋管理类");
	t->content = S(f, "厨房漏水\n\"急\"\\");
	t->butler = S(f, "张三");
	t->status = S(f, "已取消");
	t->handler = S(f, "李四");
	t->type = TYPE_COMPLAINT;
	t->cancelled = true;
	t->created_at = -1;  /* 1970-01-01 07:59:59 China time */
	t->completed_at = 1763600000;
	t->updated_at = 1763600001;
	t->rectified_at = 1763700000;
	t->file = 0;
	t->line = 2;
	t->first_cb = 0;
	t->n_cb = 2;

	t = &set->tickets[1];
	t->id = arena_strdup(&set->arena, "T2");
	t->center = t->unit = t->owner = t->phone = t->type_text = "";
	t->subtype = t->content = t->butler = t->status = t->handler = "";
	t->type = TYPE_REPAIR;
	t->created_at = t->completed_at = TIME_NONE;
	t->updated_at = t->rectified_at = TIME_NONE;
	t->file = 0;
	t->line = 3;

	t = &set->tickets[2];
	t->id = arena_strdup(&set->arena, "T3");
	t->center = S(f, "阳光花园服务中心");  /* the same string as T1's */
	t->unit = t->owner = t->phone = "";
	t->type_text = S(f, "特约");
	t->subtype = "";
	t->content = arena_strdup(&set->arena, big.s);
	t->butler = S(f, "张三");
	t->status = S(f, "已完成");
	t->handler = "";
	t->type = TYPE_SPECIAL;
	t->created_at = INT64_MIN + 1;
	t->completed_at = INT64_MAX;
	t->updated_at = TIME_NONE;
	t->rectified_at = 0;
	t->file = 1;
	t->line = 4294967295u;
	t->first_cb = 2;
	t->n_cb = 2;

	set->callbacks = calloc(4, sizeof(*set->callbacks));
	set->ncallbacks = 4;
	c = &set->callbacks[0];
	c->at = 1763610000;
	c->recorder = S(f, "王五");
	c->channel = S(f, "电话");
	c->result = S(f, "已接通");
	c->remark = S(f, "业主很满意");
	c->satisfaction_text = S(f, "很满意");
	c->satisfaction = SAT_VERY_SATISFIED;
	c->source = CB_INLINE_FIRST;
	c->round = 1;
	c->file = 0;
	c->line = 2;
	c = &set->callbacks[1];
	c->at = 1763610000;
	c->recorder = c->channel = c->result = c->remark = "";
	c->satisfaction_text = S(f, "未接通");
	c->satisfaction = SAT_NONE;
	c->source = CB_INLINE_SECOND;
	c->is_attempt = true;
	c->file = 0;
	c->line = 2;
	c = &set->callbacks[2];
	c->at = INT64_MIN + 1;
	c->recorder = S(f, "王五");
	c->channel = S(f, "上门");
	c->result = S(f, "已接通");
	c->remark = arena_strdup(&set->arena, big.s);
	c->satisfaction_text = S(f, "1");
	c->satisfaction = SAT_VERY_DISSATISFIED;
	c->date_only = true;
	c->stand_in = true;
	c->source = CB_ROW;
	c->round = INT32_MAX;
	c->file = 1;
	c->line = 9;
	c = &set->callbacks[3];
	c->at = INT64_MAX;
	c->recorder = S(f, "赵六");
	c->channel = S(f, "电话");
	c->result = "";
	c->remark = "";
	c->satisfaction_text = S(f, "一般");
	c->satisfaction = SAT_NEUTRAL;
	c->source = CB_ROW;
	c->round = INT32_MIN;
	c->file = 1;
	c->line = 10;

	set->files_recognised = 2;
	set->rows_read = 31;
	set->accepted = 20;
	set->rejected = 8;
	set->superseded = 3;
	set->quality.orphan_callbacks = 4;
	set->quality.unrated_satisfaction = 5;
	set->quality.unknown_subtype = 6;
	set->quality.superseded_tickets = 2;
	set->quality.superseded_callbacks = 1;
	set->quality.date_only_callbacks = 7;
	set->quality.stand_in_callbacks = 8;
	set->quality.ratings_without_time = 10;
	set->excluded = 9;
	for (i = 0; i < REJECT_REASON_COUNT; i++)
		set->quality.reasons[i] = i + 1;
	buf_release(&big);
}

static void assert_sets_equal(const struct ticket_set *a,
			      const struct ticket_set *b)
{
	size_t i;

	assert_int_equal(a->nfiles, b->nfiles);
	for (i = 0; i < a->nfiles; i++) {
		const struct input_file *x = &a->files[i], *y = &b->files[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->path, y->path);
		assert_int_equal(x->kind, y->kind);
		assert_string_equal(x->encoding, y->encoding);
		assert_string_equal(x->why, y->why);
		assert_string_equal(x->sha256, y->sha256);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->rows_read, y->rows_read);
		assert_int_equal(x->accepted, y->accepted);
		assert_int_equal(x->rejected, y->rejected);
		assert_int_equal(x->superseded, y->superseded);
		assert_int_equal(x->excluded, y->excluded);
		assert_int_equal(x->damaged_ticket_ids, y->damaged_ticket_ids);
	}
	assert_int_equal(a->ntickets, b->ntickets);
	for (i = 0; i < a->ntickets; i++) {
		const struct ticket *x = &a->tickets[i], *y = &b->tickets[i];

		assert_string_equal(x->id, y->id);
		assert_string_equal(x->center, y->center);
		assert_string_equal(x->unit, y->unit);
		assert_string_equal(x->owner, y->owner);
		assert_string_equal(x->phone, y->phone);
		assert_string_equal(x->type_text, y->type_text);
		assert_string_equal(x->subtype, y->subtype);
		assert_string_equal(x->content, y->content);
		assert_string_equal(x->butler, y->butler);
		assert_string_equal(x->status, y->status);
		assert_string_equal(x->handler, y->handler);
		assert_int_equal(x->type, y->type);
		assert_int_equal(x->cancelled, y->cancelled);
		assert_true(x->created_at == y->created_at);
		assert_true(x->completed_at == y->completed_at);
		assert_true(x->updated_at == y->updated_at);
		assert_true(x->rectified_at == y->rectified_at);
		assert_int_equal(x->file, y->file);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->first_cb, y->first_cb);
		assert_int_equal(x->n_cb, y->n_cb);
	}
	assert_int_equal(a->ncallbacks, b->ncallbacks);
	for (i = 0; i < a->ncallbacks; i++) {
		const struct callback *x = &a->callbacks[i];
		const struct callback *y = &b->callbacks[i];

		assert_true(x->at == y->at);
		assert_string_equal(x->recorder, y->recorder);
		assert_string_equal(x->channel, y->channel);
		assert_string_equal(x->result, y->result);
		assert_string_equal(x->remark, y->remark);
		assert_string_equal(x->satisfaction_text, y->satisfaction_text);
		assert_int_equal(x->satisfaction, y->satisfaction);
		assert_int_equal(x->source, y->source);
		assert_int_equal(x->is_attempt, y->is_attempt);
		assert_int_equal(x->date_only, y->date_only);
		assert_int_equal(x->stand_in, y->stand_in);
		assert_int_equal(x->round, y->round);
		assert_int_equal(x->file, y->file);
		assert_int_equal(x->line, y->line);
	}
	assert_int_equal(a->files_recognised, b->files_recognised);
	assert_int_equal(a->rows_read, b->rows_read);
	assert_int_equal(a->accepted, b->accepted);
	assert_int_equal(a->rejected, b->rejected);
	assert_int_equal(a->superseded, b->superseded);
	assert_int_equal(a->excluded, b->excluded);
	assert_memory_equal(&a->quality, &b->quality, sizeof(a->quality));
}

static void slurp(struct buf *out, const char *dir, const char *name)
{
	struct buf path = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	buf_addf(&path, "%s/%s", dir, name);
	fp = fopen(path.s, "rb");
	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
	buf_release(&path);
}

/* Overwrites n bytes of records/name at offset. */
static void patch(struct fixture *f, const char *name, long offset,
		  const void *bytes, size_t n)
{
	struct buf path = BUF_INIT;
	FILE *fp;

	buf_addf(&path, "%s/%s", f->records, name);
	fp = fopen(path.s, "r+b");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
	assert_int_equal(fwrite(bytes, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	buf_release(&path);
}

static void patch_u32(struct fixture *f, const char *name, long offset,
		      uint32_t v)
{
	unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8),
				(unsigned char)(v >> 16),
				(unsigned char)(v >> 24) };

	patch(f, name, offset, le, 4);
}

static void write_set(struct fixture *f)
{
	struct buf err = BUF_INIT;

	build_set(f);
	assert_int_equal(records_write(&f->set, f->records, &err), 0);
	assert_int_equal(err.len, 0);
	buf_release(&err);
}

/*
 * records_read fails, leaves the set empty, and reports one error naming
 * records/<name> whose message starts with want.
 */
static void assert_fails_with(struct fixture *f, const char *name,
			      const char *want)
{
	const struct diag_entry *e;
	size_t nf = strlen(name);

	assert_int_equal(records_read(&f->back, f->records, &f->d), -1);
	assert_int_equal(f->back.ntickets, 0);
	assert_int_equal(f->back.ncallbacks, 0);
	assert_null(f->back.tickets);
	assert_int_equal(f->d.errors, 1);
	e = &f->d.entries[0];
	assert_non_null(e->file);
	assert_true(strlen(e->file) > nf);
	assert_string_equal(e->file + strlen(e->file) - nf, name);
	if (strncmp(e->message, want, strlen(want)))
		fail_msg("'%s' does not start with '%s'", e->message, want);
}

static void test_records__read_back_every_field(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	assert_int_equal(records_read(&f->back, f->records, &f->d), 0);
	assert_int_equal(f->d.nr, 0);
	assert_sets_equal(&f->set, &f->back);
	assert_int_equal(strlen(f->back.tickets[2].content), 65536);
	assert_int_equal(strlen(f->back.callbacks[2].remark), 65536);
	/* Read back, the repeated values are one string, as ingest has it. */
	assert_ptr_equal(f->back.tickets[0].center, f->back.tickets[2].center);
	assert_ptr_equal(f->back.callbacks[0].recorder,
			 f->back.callbacks[2].recorder);
}

static void test_records__written_again_gives_the_same_bytes(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = { "summary.json", "tickets.bin",
					     "callbacks.bin" };
	struct buf again = BUF_INIT, err = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	size_t i;

	write_set(f);
	assert_int_equal(records_read(&f->back, f->records, &f->d), 0);
	buf_addf(&again, "%s/again", f->dir);
	assert_int_equal(records_write(&f->back, again.s, &err), 0);
	for (i = 0; i < 3; i++) {
		buf_reset(&a);
		buf_reset(&b);
		slurp(&a, f->records, names[i]);
		slurp(&b, again.s, names[i]);
		assert_true(a.len > HEADER);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
	}
	buf_release(&again);
	buf_release(&err);
	buf_release(&a);
	buf_release(&b);
}

static void test_records__equal_text_at_two_addresses_is_one_entry(void **state)
{
	struct fixture *f = *state;
	struct ticket_set *set = &f->set;
	struct buf err = BUF_INIT, dir = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	static const char *const names[] = { "tickets.bin", "callbacks.bin" };
	size_t i;

	/*
	 * Ingest interns per worker thread, so one text may sit at two
	 * addresses; the files must not show it: the same bytes as with
	 * one address.
	 */
	build_set(f);
	assert_int_equal(records_write(set, f->records, &err), 0);
	set->tickets[2].center = arena_strdup(&set->arena,
					      set->tickets[0].center);
	set->callbacks[2].recorder = arena_strdup(&set->arena,
						  set->callbacks[0].recorder);
	assert_ptr_not_equal(set->tickets[2].center, set->tickets[0].center);
	buf_addf(&dir, "%s/copies", f->dir);
	assert_int_equal(records_write(set, dir.s, &err), 0);
	for (i = 0; i < 2; i++) {
		buf_reset(&a);
		buf_reset(&b);
		slurp(&a, f->records, names[i]);
		slurp(&b, dir.s, names[i]);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.s, b.s, a.len);
	}
	assert_int_equal(records_read(&f->back, dir.s, &f->d), 0);
	assert_sets_equal(set, &f->back);
	buf_release(&err);
	buf_release(&dir);
	buf_release(&a);
	buf_release(&b);
}

static void test_records__read_back_zero_tickets(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, a = BUF_INIT;

	assert_int_equal(records_write(&f->set, f->records, &err), 0);
	slurp(&a, f->records, "tickets.bin");
	assert_int_equal(a.len, HEADER);
	assert_memory_equal(a.s, "HFTICKET\2\0\0\0\0\0\0\0", 16);
	assert_int_equal(records_read(&f->back, f->records, &f->d), 0);
	assert_int_equal(f->back.ntickets, 0);
	assert_int_equal(f->back.ncallbacks, 0);
	assert_int_equal(f->back.nfiles, 0);
	buf_release(&err);
	buf_release(&a);
}

static void test_records__reports_a_truncated_file(void **state)
{
	struct fixture *f = *state;
	struct buf path = BUF_INIT, a = BUF_INIT;

	write_set(f);
	slurp(&a, f->records, "callbacks.bin");
	buf_addf(&path, "%s/callbacks.bin", f->records);
	assert_int_equal(truncate(path.s, (off_t)a.len - 3), 0);
	assert_fails_with(f, "records/callbacks.bin", "record 3 (byte offset ");
	assert_non_null(strstr(f->d.entries[0].message, "truncated"));
	buf_release(&path);
	buf_release(&a);
}

static void test_records__reports_a_file_cut_inside_its_header(void **state)
{
	struct fixture *f = *state;
	struct buf path = BUF_INIT;

	write_set(f);
	buf_addf(&path, "%s/tickets.bin", f->records);
	assert_int_equal(truncate(path.s, 20), 0);
	assert_fails_with(f, "records/tickets.bin",
			  "the file is 20 bytes, shorter than the 48-byte header");
	buf_release(&path);
}

static void test_records__reports_bad_magic(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch(f, "tickets.bin", 0, "HFCALLBK", 8);
	assert_fails_with(f, "records/tickets.bin", "bad magic");
}

static void test_records__reports_an_enum_out_of_range(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch(f, "tickets.bin", HEADER, "\3", 1);
	assert_fails_with(f, "records/tickets.bin",
			  "record 0 (byte offset 48): ticket type 3 out of range");
}

static void test_records__reports_a_source_out_of_range(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch(f, "callbacks.bin", HEADER + 12, "\7", 1);
	assert_fails_with(f, "records/callbacks.bin",
			  "record 0 (byte offset 48): source 7 out of range");
}

static void test_records__reports_a_ticket_index_out_of_range(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch_u32(f, "callbacks.bin", HEADER, 3);
	assert_fails_with(f, "records/callbacks.bin",
			  "record 0 (byte offset 48): ticket index 3 out of "
			  "range (3 tickets)");
}

static void test_records__reports_invalid_utf8(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	/* The second byte of T1's number, after its 4-byte length. */
	patch(f, "tickets.bin", HEADER + TICKET_FIXED + 4 + 1, "\xff", 1);
	assert_fails_with(f, "records/tickets.bin",
			  "record 0 (byte offset 48): string 'id' is not "
			  "valid UTF-8 (byte 1 of 2)");
}

static void test_records__reports_a_nul_in_a_string(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch(f, "tickets.bin", HEADER + TICKET_FIXED + 4 + 1, "", 1);
	assert_fails_with(f, "records/tickets.bin",
			  "record 0 (byte offset 48): string 'id' holds a NUL");
}

static void test_records__reports_a_length_past_the_end(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	patch(f, "tickets.bin", HEADER + TICKET_FIXED + 3, "\1", 1);
	assert_fails_with(f, "records/tickets.bin",
			  "record 0 (byte offset 48): string 'id' of 16777218 "
			  "bytes runs past the end of the file");
}

static void test_records__reports_a_string_reference_out_of_range(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	/*
	 * T1's type_text (after the 2-byte number "T1") is the file's first
	 * string-table entry; entry 0 is its first possible reference.
	 */
	patch_u32(f, "tickets.bin", HEADER + TICKET_FIXED + 6,
		  0x80000000u);
	assert_fails_with(f, "records/tickets.bin",
			  "record 0 (byte offset 48): string 'type_text' "
			  "refers to entry 0 of a string table of 0 so far");
}

static void test_records__reports_damage_only_the_checksum_sees(void **state)
{
	struct fixture *f = *state;

	write_set(f);
	/* T1's completed_at, one second later: a valid value. */
	patch(f, "tickets.bin", HEADER + 10, "\x81", 1);
	assert_fails_with(f, "records/tickets.bin", "checksum mismatch");
}

static void test_records__reports_counts_unlike_the_summary(void **state)
{
	struct fixture *f = *state;
	struct buf text = BUF_INIT, path = BUF_INIT;
	char *at;
	FILE *fp;

	write_set(f);
	slurp(&text, f->records, "summary.json");
	at = strstr(text.s, "\"callbacks\": 4,");
	assert_non_null(at);
	at[13] = '5';
	buf_addf(&path, "%s/summary.json", f->records);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fwrite(text.s, 1, text.len, fp);
	assert_int_equal(fclose(fp), 0);
	assert_fails_with(f, "records/callbacks.bin",
			  "4 records, summary.json says 5");
	buf_release(&text);
	buf_release(&path);
}

/*
 * A count too large for a size_t was converted all the same, which C
 * leaves undefined (UBSan: "1e+30 is outside the range of representable
 * values"); found by tests/fuzz/fuzz_records.c.
 */
static void test_records__reports_a_count_out_of_range(void **state)
{
	struct fixture *f = *state;
	struct buf text = BUF_INIT, path = BUF_INIT;
	char *at;
	FILE *fp;

	write_set(f);
	slurp(&text, f->records, "summary.json");
	at = strstr(text.s, "\"tickets\": 3,");
	assert_non_null(at);
	buf_addf(&path, "%s/summary.json", f->records);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fwrite(text.s, 1, (size_t)(at - text.s), fp);
	fputs("\"tickets\": 1e30,", fp);
	fputs(at + strlen("\"tickets\": 3,"), fp);
	assert_int_equal(fclose(fp), 0);
	assert_fails_with(f, "records/summary.json",
			  "key 'tickets' is out of range");
	buf_release(&text);
	buf_release(&path);
}

static void test_records__refuses_the_schema_before(void **state)
{
	struct fixture *f = *state;
	struct buf path = BUF_INIT;
	FILE *fp;

	assert_int_equal(mkdir(f->records, 0700), 0);
	buf_addf(&path, "%s/summary.json", f->records);
	fp = fopen(path.s, "wb");
	assert_non_null(fp);
	fputs("{\"schema\": \"huifang.records/1\"}\n", fp);
	assert_int_equal(fclose(fp), 0);
	assert_fails_with(f, "records/summary.json",
			  "schema is not 'huifang.records/2'");
	buf_release(&path);
}

static void test_records__a_failed_write_leaves_no_summary(void **state)
{
	struct fixture *f = *state;
	struct buf err = BUF_INIT, path = BUF_INIT;

	write_set(f);
	/* A folder where callbacks.bin goes: its rename fails. */
	buf_addf(&path, "%s/callbacks.bin", f->records);
	assert_int_equal(unlink(path.s), 0);
	assert_int_equal(mkdir(path.s, 0700), 0);
	assert_int_equal(records_write(&f->set, f->records, &err), -1);
	assert_non_null(strstr(err.s, "callbacks.bin"));
	buf_reset(&path);
	buf_addf(&path, "%s/summary.json", f->records);
	assert_int_equal(access(path.s, F_OK), -1);
	assert_fails_with(f, "records/summary.json", "cannot read");
	buf_release(&err);
	buf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_records__read_back_every_field),
		T(test_records__written_again_gives_the_same_bytes),
		T(test_records__equal_text_at_two_addresses_is_one_entry),
		T(test_records__read_back_zero_tickets),
		T(test_records__reports_a_truncated_file),
		T(test_records__reports_a_file_cut_inside_its_header),
		T(test_records__reports_bad_magic),
		T(test_records__reports_an_enum_out_of_range),
		T(test_records__reports_a_source_out_of_range),
		T(test_records__reports_a_ticket_index_out_of_range),
		T(test_records__reports_invalid_utf8),
		T(test_records__reports_a_nul_in_a_string),
		T(test_records__reports_a_length_past_the_end),
		T(test_records__reports_a_string_reference_out_of_range),
		T(test_records__reports_damage_only_the_checksum_sees),
		T(test_records__reports_counts_unlike_the_summary),
		T(test_records__reports_a_count_out_of_range),
		T(test_records__refuses_the_schema_before),
		T(test_records__a_failed_write_leaves_no_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
