/*
 * test_gen.c - the export generator: same options, same bytes; layout
 * options change only the layout; bad rows are exactly the injected kinds
 * and leave the good rows alone; the sample holds what docs/gen.md
 * promises (proportions, irregularities, names, free text).
 *
 * Each test writes into a folder beside the test binary and reads the
 * files back with a small CSV reader of its own, independent of ingest.
 */
#include <dirent.h>
#include <iconv.h>
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
#include "gen/gen.h"
#include "util/xalloc.h"

static char base[4096];

/* ---- files ----------------------------------------------------------- */

static void scratch_dir(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s-%s", base, name);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[8192];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void generate(const struct gen_opts *o, const char *dir,
		     struct gen_stats *st)
{
	struct buf err = BUF_INIT;

	remove_dir(dir);
	if (gen_write(o, dir, st, &err) < 0)
		fail_msg("gen_write: %s", err.s);
	buf_release(&err);
}

static void read_file(const char *dir, const char *name, struct buf *out)
{
	char path[8192];
	char chunk[65536];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
}

/* The sorted names of the files in dir (a NULL-ended array). */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t alloc = 0, i, j;

	assert_non_null(d);
	*n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, *n + 2, alloc);
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	for (i = 0; i < *n; i++)
		for (j = i + 1; j < *n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	return names;
}

static void free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---- a small CSV reader (RFC 4180; LF or CRLF) ------------------------- */

struct record {
	char **f;
	size_t n;
};

struct table {
	struct record *r;
	size_t n, alloc;
};

static void table_parse(struct table *t, const char *s, size_t len)
{
	struct buf field = BUF_INIT;
	struct record rec = { NULL, 0 };
	size_t i = 0, falloc = 0;
	int quoted = 0, in_quotes = 0;

	memset(t, 0, sizeof(*t));
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	for (; i <= len; i++) {
		char c = i < len ? s[i] : '\n';

		if (in_quotes) {
			if (c == '"' && i + 1 < len && s[i + 1] == '"') {
				buf_addch(&field, '"');
				i++;
			} else if (c == '"') {
				in_quotes = 0;
			} else {
				buf_addch(&field, c);
			}
			continue;
		}
		if (c == '"' && !field.len && !quoted) {
			in_quotes = quoted = 1;
			continue;
		}
		if (c == ',' || c == '\n' || c == '\r') {
			if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
				continue;
			if (c != ',' && !rec.n && !field.len && !quoted) {
				if (i == len)
					break;
				continue; /* a blank line */
			}
			ALLOC_GROW(rec.f, rec.n + 1, falloc);
			rec.f[rec.n++] = buf_detach(&field, NULL);
			quoted = 0;
			if (c != ',') {
				ALLOC_GROW(t->r, t->n + 1, t->alloc);
				t->r[t->n++] = rec;
				rec.f = NULL;
				rec.n = 0;
				falloc = 0;
			}
			continue;
		}
		buf_addch(&field, c);
	}
	buf_release(&field);
	free(rec.f);
}

static void table_release(struct table *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->r[i].n; j++)
			free(t->r[i].f[j]);
		free(t->r[i].f);
	}
	free(t->r);
}

static int col(const struct table *t, const char *name)
{
	size_t j;

	for (j = 0; j < t->r[0].n; j++)
		if (!strcmp(t->r[0].f[j], name))
			return (int)j;
	fail_msg("no column %s", name);
	return -1;
}

static bool records_equal(const struct record *a, const struct record *b)
{
	size_t j;

	if (a->n != b->n)
		return false;
	for (j = 0; j < a->n; j++)
		if (strcmp(a->f[j], b->f[j]))
			return false;
	return true;
}

/* ---- tests ----------------------------------------------------------- */

static void small_opts(struct gen_opts *o)
{
	gen_opts_init(o);
	o->seed = 42;
	o->weeks = 3;
	o->tickets_per_week = 200;
}

static void assert_dirs_equal(const char *a, const char *b, bool want_equal)
{
	struct buf x = BUF_INIT, y = BUF_INIT;
	size_t na, nb, i;
	char **fa = list_dir(a, &na), **fb = list_dir(b, &nb);
	bool equal = na == nb;

	for (i = 0; equal && i < na; i++) {
		equal = !strcmp(fa[i], fb[i]);
		if (!equal)
			break;
		read_file(a, fa[i], &x);
		read_file(b, fb[i], &y);
		equal = x.len == y.len && !memcmp(x.s, y.s, x.len);
	}
	assert_int_equal(equal, want_equal);
	free_names(fa, na);
	free_names(fb, nb);
	buf_release(&x);
	buf_release(&y);
}

static void test_gen__same_options_give_the_same_bytes(void **state)
{
	struct gen_opts o;
	struct gen_stats s1, s2;
	char a[8192], b[8192];

	(void)state;
	small_opts(&o);
	scratch_dir(a, sizeof(a), "same1");
	scratch_dir(b, sizeof(b), "same2");
	generate(&o, a, &s1);
	generate(&o, b, &s2);
	assert_dirs_equal(a, b, true);
	assert_memory_equal(&s1, &s2, sizeof(s1));
	/* 3 weekly ticket exports and the callback export. */
	assert_int_equal(s1.files, 4);
	o.seed = 43;
	generate(&o, b, &s2);
	assert_dirs_equal(a, b, false);
	remove_dir(a);
	remove_dir(b);
}

static void test_gen__reads_seeds_as_numbers_or_text(void **state)
{
	(void)state;
	assert_int_equal(gen_seed_from_text("42"), 42);
	assert_int_equal(gen_seed_from_text("18446744073709551615"),
			 UINT64_MAX);
	/* FNV-1a 64 of the bytes, worked out by hand (and by Python). */
	assert_int_equal(gen_seed_from_text("huifang"), 0x1f5ac338e477f077ull);
	assert_int_not_equal(gen_seed_from_text("42x"), 42);
}

static void test_gen__layout_options_change_only_the_layout(void **state)
{
	struct gen_opts o;
	char plain[8192], other[8192];
	struct buf x = BUF_INIT, y = BUF_INIT, z = BUF_INIT;
	size_t n, i, j;
	char **names;
	iconv_t cd = iconv_open("UTF-8", "GB18030");

	(void)state;
	assert_true(cd != (iconv_t)-1);
	small_opts(&o);
	scratch_dir(plain, sizeof(plain), "plain");
	scratch_dir(other, sizeof(other), "other");
	generate(&o, plain, NULL);
	o.encoding = GEN_GB18030;
	o.crlf = true;
	generate(&o, other, NULL);
	names = list_dir(plain, &n);
	for (i = 0; i < n; i++) {
		char *in, *out;
		size_t inleft, outleft;

		read_file(plain, names[i], &x);
		read_file(other, names[i], &y);
		/* GB18030 back to UTF-8, CRLF back to LF (fields hold LF
		 * only), gives the plain file again. */
		buf_reset(&z);
		buf_grow(&z, y.len * 2);
		in = y.s;
		inleft = y.len;
		out = z.s;
		outleft = z.cap - 1;
		assert_int_not_equal(iconv(cd, &in, &inleft, &out, &outleft),
				     (size_t)-1);
		buf_setlen(&z, (size_t)(out - z.s));
		for (j = 0; j < z.len; j++)
			if (z.s[j] == '\r') {
				assert_int_equal(z.s[j + 1], '\n');
				memmove(z.s + j, z.s + j + 1, z.len - j - 1);
				buf_setlen(&z, z.len - 1);
			}
		assert_int_equal(z.len, x.len);
		assert_memory_equal(z.s, x.s, x.len);
	}
	/* A BOM is three bytes in front, nothing else. */
	o.encoding = GEN_UTF8;
	o.crlf = false;
	o.bom = true;
	generate(&o, other, NULL);
	for (i = 0; i < n; i++) {
		read_file(plain, names[i], &x);
		read_file(other, names[i], &y);
		assert_int_equal(y.len, x.len + 3);
		assert_memory_equal(y.s, "\xEF\xBB\xBF", 3);
		assert_memory_equal(y.s + 3, x.s, x.len);
	}
	free_names(names, n);
	iconv_close(cd);
	buf_release(&x);
	buf_release(&y);
	buf_release(&z);
	remove_dir(plain);
	remove_dir(other);
}

static bool is_known_type(const char *s)
{
	static const char *const known[] = {
		"报事报修", "投诉", "特约服务", "报修", "报事", "维修", "客诉",
		"有偿服务", "有偿特约服务", "特约",
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i]))
			return true;
	return false;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && strncmp(s, "\xE3\x80\x80", 3))
			return false;
		else if (*s != ' ')
			s += 2;
	return true;
}

static bool bad_time(const char *s)
{
	int64_t t;

	return *s && chtime_parse(s, strlen(s), &t) < 0;
}

/*
 * Classifies a record of a generated file by SPEC §8.3 in order; -1 for
 * a good row.
 */
static int classify(const struct table *t, size_t i, bool callbacks)
{
	const struct record *r = &t->r[i];
	size_t j;

	if (r->n != t->r[0].n)
		return REJECT_FIELD_COUNT;
	for (j = 0; j < r->n; j++)
		if (strchr(r->f[j], '\xFF'))
			return REJECT_BAD_ENCODING;
	if (blank(r->f[0]))
		return REJECT_MISSING_TICKET_ID;
	if (!callbacks && !is_known_type(r->f[col(t, "工单类型")]))
		return REJECT_UNKNOWN_TYPE;
	if (callbacks && !*r->f[col(t, "回访时间")])
		return REJECT_NO_CALLBACK_TIME;
	for (j = 0; j < r->n; j++)
		if (strstr(t->r[0].f[j], "时间") && bad_time(r->f[j]))
			return REJECT_BAD_TIMESTAMP;
	return -1;
}

static void test_gen__bad_rows_are_the_injected_kinds_only(void **state)
{
	struct gen_opts o;
	struct gen_stats clean, dirty;
	char a[8192], b[8192];
	struct buf x = BUF_INIT, y = BUF_INIT;
	size_t found[REJECT_REASON_COUNT] = { 0 };
	size_t n, i, k, bad_total = 0, rows = 0;
	char **names;

	(void)state;
	small_opts(&o);
	scratch_dir(a, sizeof(a), "clean");
	scratch_dir(b, sizeof(b), "dirty");
	generate(&o, a, &clean);
	o.bad_rows_ppm = 100000;     /* 10 % */
	generate(&o, b, &dirty);
	names = list_dir(a, &n);
	for (i = 0; i < n; i++) {
		struct table tc, td;
		bool cb = !strcmp(names[i], "callbacks.csv");
		size_t p = 1, q;

		read_file(a, names[i], &x);
		read_file(b, names[i], &y);
		table_parse(&tc, x.s, x.len);
		table_parse(&td, y.s, y.len);
		/* Without the bad rows the file is the clean file, and each
		 * bad row follows the good row it was copied from. */
		assert_true(records_equal(&tc.r[0], &td.r[0]));
		for (q = 1; q < td.n; q++) {
			int kind = classify(&td, q, cb);

			rows++;
			if (kind >= 0) {
				found[kind]++;
				assert_true(p > 1);
				if (kind != REJECT_MISSING_TICKET_ID)
					assert_string_equal(td.r[q].f[0],
							    tc.r[p - 1].f[0]);
				continue;
			}
			assert_true(p < tc.n);
			assert_true(records_equal(&tc.r[p], &td.r[q]));
			p++;
		}
		assert_int_equal(p, tc.n);
		table_release(&tc);
		table_release(&td);
	}
	for (k = 0; k < REJECT_REASON_COUNT; k++) {
		assert_int_equal(found[k], dirty.bad_rows[k]);
		bad_total += found[k];
	}
	/* Every kind of SPEC §8.3 a CSV export can have. */
	assert_true(found[REJECT_FIELD_COUNT] > 0);
	assert_true(found[REJECT_BAD_ENCODING] > 0);
	assert_true(found[REJECT_MISSING_TICKET_ID] > 0);
	assert_true(found[REJECT_UNKNOWN_TYPE] > 0);
	assert_true(found[REJECT_BAD_TIMESTAMP] > 0);
	assert_true(found[REJECT_NO_CALLBACK_TIME] > 0);
	/* About 10 % of all rows. */
	assert_true(bad_total * 100 >= rows * 8 && bad_total * 100 <= rows * 12);
	assert_int_equal(rows, dirty.ticket_rows + dirty.callback_rows);
	free_names(names, n);
	buf_release(&x);
	buf_release(&y);
	remove_dir(a);
	remove_dir(b);
}

struct sample_facts {
	size_t rows, types[3], cancelled, no_butler, self_callback;
	size_t compound, rare, non_bmp, titled, quotes, newlines, commas;
	size_t superseding, second, rectified, excel, wide, slash, iso;
	size_t in_progress, callbacks, attempts, stars, bursts;
	int64_t min_t, max_t;
};

static void note_time(struct sample_facts *f, const char *s)
{
	int64_t t;

	if (!*s)
		return;
	if (chtime_parse(s, strlen(s), &t) < 0)
		fail_msg("timestamp '%s' does not parse", s);
	if (t < f->min_t)
		f->min_t = t;
	if (t > f->max_t)
		f->max_t = t;
	if (strchr(s, '/'))
		f->slash++;
	else if (strchr(s, 'T'))
		f->iso++;
	else if (!strchr(s, '-') && (unsigned char)s[0] < 0x80)
		f->excel++;
	else if ((unsigned char)s[0] >= 0x80)
		f->wide++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_gen__sample_looks_like_real_exports(void **state)
{
	struct gen_opts o;
	struct gen_stats st;
	struct sample_facts f;
	char dir[8192];
	struct buf x = BUF_INIT;
	char **names, **ids = NULL, **minutes = NULL;
	size_t n, i, q, nids = 0, aids = 0, nmin = 0, amin = 0, run;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.min_t = INT64_MAX;
	f.max_t = INT64_MIN;
	gen_opts_init(&o);           /* 9 weeks x 400 up to 2026-W48 */
	o.seed = 20261126;
	scratch_dir(dir, sizeof(dir), "sample");
	generate(&o, dir, &st);
	names = list_dir(dir, &n);
	assert_int_equal(n, 10);
	assert_string_equal(names[0], "callbacks.csv");
	assert_string_equal(names[1], "tickets-2026-W40.csv");
	assert_string_equal(names[9], "tickets-2026-W48.csv");
	for (i = 0; i < n; i++) {
		struct table t;
		bool cb = !strcmp(names[i], "callbacks.csv");

		read_file(dir, names[i], &x);
		table_parse(&t, x.s, x.len);
		for (q = 1; q < t.n; q++) {
			char **r = t.r[q].f;
			size_t j;

			assert_int_equal(t.r[q].n, t.r[0].n);
			for (j = 0; j < t.r[q].n; j++) {
				if (strstr(t.r[0].f[j], "时间"))
					note_time(&f, r[j]);
				f.quotes += !!strchr(r[j], '"');
				f.newlines += !!strchr(r[j], '\n');
				f.commas += !!strchr(r[j], ',');
			}
			if (cb) {
				const char *res = r[col(&t, "回访结果")];
				const char *sat = r[col(&t, "满意度")];

				if (!strcmp(res, "已回访") || !strcmp(res, "已复访"))
					f.callbacks++;
				else
					f.attempts++;
				f.stars += strlen(sat) == 1 && *sat >= '1' &&
					   *sat <= '5';
				/* recorder and minute, for bursts */
				ALLOC_GROW(minutes, nmin + 1, amin);
				minutes[nmin] = xmalloc(256);
				snprintf(minutes[nmin], 256, "%s|%.16s",
					 r[col(&t, "回访人")], r[col(&t, "回访时间")]);
				nmin++;
				continue;
			}
			f.rows++;
			{
				const char *type = r[col(&t, "工单类型")];
				const char *owner = r[col(&t, "业主姓名")];
				const char *status = r[col(&t, "工单状态")];
				const char *handler = r[col(&t, "处理人")];
				const char *recorder = r[col(&t, "回访人")];

				f.types[0] += !strcmp(type, "报事报修");
				f.types[1] += !strcmp(type, "投诉");
				f.types[2] += !strcmp(type, "特约服务");
				f.cancelled += !strcmp(status, "已取消") ||
					       !strcmp(status, "作废") ||
					       !strcmp(status, "取消");
				f.in_progress += !strcmp(status, "处理中");
				f.no_butler += !*r[col(&t, "责任人")];
				f.self_callback += *handler &&
						   !strcmp(handler, recorder);
				f.compound += !strncmp(owner, "欧阳", 6) ||
					      !strncmp(owner, "司马", 6);
				f.rare += strstr(owner, "喆") || strstr(owner, "堃") ||
					  strstr(owner, "玥");
				f.non_bmp += !!strstr(owner, "\xF0\xA0\xAE\xB7");
				f.titled += strstr(owner, "先生") ||
					    strstr(owner, "女士");
				f.second += !!*r[col(&t, "二次回访时间")];
				f.rectified += !!*r[col(&t, "整改完成时间")];
				ALLOC_GROW(ids, nids + 1, aids);
				ids[nids++] = xstrdup(r[0]);
			}
		}
		table_release(&t);
	}
	/* Ticket numbers that appear in more than one row. */
	qsort(ids, nids, sizeof(*ids), cmp_str);
	for (i = 1; i < nids; i++)
		f.superseding += !strcmp(ids[i], ids[i - 1]);
	/* Bursts: 3 or more callbacks of one recorder in one minute. */
	qsort(minutes, nmin, sizeof(*minutes), cmp_str);
	for (i = 0; i < nmin; i = q) {
		for (q = i + 1; q < nmin && !strcmp(minutes[q], minutes[i]); q++)
			;
		run = q - i;
		f.bursts += run >= 3;
	}
	/* Proportions of SPEC §2 / DOMAIN.md, within sampling noise. */
	assert_true(f.types[0] * 100 > f.rows * 60 && f.types[0] * 100 < f.rows * 75);
	assert_true(f.types[1] * 100 > f.rows * 15 && f.types[1] * 100 < f.rows * 25);
	assert_true(f.types[2] * 100 > f.rows * 6 && f.types[2] * 100 < f.rows * 14);
	assert_int_equal(st.by_type[0] + st.by_type[1] + st.by_type[2],
			 st.tickets);
	assert_true(f.cancelled * 100 > f.rows && f.cancelled * 100 < f.rows * 6);
	assert_true(f.in_progress > 0);
	assert_true(f.no_butler > 0);
	assert_true(f.self_callback > 0);
	assert_true(f.compound > 0 && f.rare > 0 && f.non_bmp > 0);
	assert_true(f.titled > 0);
	assert_true(f.quotes > 0 && f.newlines > 0 && f.commas > 0);
	assert_true(f.superseding > 0);
	assert_true(f.second > 0 && f.rectified > 0);
	assert_true(f.excel > 0 && f.wide > 0 && f.slash > 0 && f.iso > 0);
	assert_true(f.attempts > 0 && f.callbacks > f.attempts);
	assert_true(f.stars > 0);
	assert_true(f.bursts >= 9);
	assert_true(st.bursts >= 9);
	/* Everything lies in 2026-W40 .. the export moment, Thursday
	 * 2026-11-26 08:00 of the end week. */
	{
		int64_t lo, hi;

		assert_int_equal(chtime_parse("2026-09-28", 10, &lo), 0);
		assert_int_equal(chtime_parse("2026-11-26 08:00", 16, &hi), 0);
		assert_int_equal(gen_export_time(o.end_week), hi);
		assert_true(f.min_t >= lo);
		assert_true(f.max_t < hi);
	}
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	for (i = 0; i < nmin; i++)
		free(minutes[i]);
	free(minutes);
	free_names(names, n);
	buf_release(&x);
	remove_dir(dir);
}

static void test_gen__refuses_options_out_of_range(void **state)
{
	struct gen_opts o;
	struct buf err = BUF_INIT;
	char dir[8192];

	(void)state;
	small_opts(&o);
	o.weeks = 0;
	scratch_dir(dir, sizeof(dir), "range");
	assert_int_equal(gen_write(&o, dir, NULL, &err), -1);
	assert_non_null(strstr(err.s, "out of range"));
	buf_reset(&err);
	small_opts(&o);
	/* A folder that cannot be made is named in the error. */
	assert_int_equal(gen_write(&o, "/dev/null/gen", NULL, &err), -1);
	assert_non_null(strstr(err.s, "/dev/null"));
	buf_release(&err);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gen__same_options_give_the_same_bytes),
		cmocka_unit_test(test_gen__reads_seeds_as_numbers_or_text),
		cmocka_unit_test(test_gen__layout_options_change_only_the_layout),
		cmocka_unit_test(test_gen__bad_rows_are_the_injected_kinds_only),
		cmocka_unit_test(test_gen__sample_looks_like_real_exports),
		cmocka_unit_test(test_gen__refuses_options_out_of_range),
	};

	const char *slash = strrchr(argv[0], '/');
	int dirlen = slash ? (int)(slash - argv[0]) : 1;

	(void)argc;
	/* Beside the binary, but not named test_*: tests/run.sh runs
	 * everything called that. */
	snprintf(base, sizeof(base), "%.*s/scratch-gen-%ld", dirlen,
		 slash ? argv[0] : ".", (long)getpid());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
