/*
 * xls.c - one sheet of an .xls workbook through libfreexl in a child
 * process (see xls.h).
 *
 * The child opens the workbook, picks the sheet and writes, through a
 * pipe, one message per record:
 *
 *   'H' codepage:u32 date1904:u8 name_len:u32 name    the sheet, first
 *   'R' line:u32 ncells:u32 { col:u32 flags:u8 len:u32 text }
 *   'E'                                               the end
 *   'X' len:u32 text                                  why it gave up
 *
 * (integers in the machine's byte order: both ends are this program).
 * The parent trusts nothing it reads: lengths are checked against the
 * field limit and Excel's sizes, and a short message is a failure. The
 * child allocates nothing through the xmalloc family, whose exhaustion
 * path belongs to the parent, and leaves by _exit().
 *
 * fork() and threads: a child forked beside other threads can find a
 * lock held by one of them (iconv's, or a sanitizer allocator's; glibc's
 * atfork handlers reset only the malloc and loader locks) and hang, as a
 * sanitized make test once saw. So ingest reads on one thread when any
 * input is an .xls (reader_forks() in reader.h); a child that hangs
 * anyway is killed after XLS_MAX_WALL seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "input/biff.h"
#include "input/xls.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HF_HAS_ASAN 1
#endif
#endif
#ifndef HF_HAS_ASAN
#define HF_HAS_ASAN 0
#endif
#include "util/string_list.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct xls_reader {
	pid_t pid;
	int fd;
	struct sheet_opts opts;
	char *sheet;
	const char *encoding;
	bool date1904, done, failed;
	struct timespec deadline;
	struct sheet_rows rows;
	struct buf text;
};

/* The child's side. */

static void put(FILE *out, const void *p, size_t n)
{
	if (fwrite(p, 1, n, out) != n)
		_exit(3);       /* the parent went away */
}

static void put_u32(FILE *out, uint32_t v)
{
	put(out, &v, sizeof(v));
}

static void put_text(FILE *out, const char *s, size_t n)
{
	put_u32(out, (uint32_t)n);
	put(out, s, n);
}

static void child_fail(FILE *out, const char *what, int code)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "%s (freexl error %d)", what, code);

	put(out, "X", 1);
	put_text(out, msg, (size_t)n);
	fflush(out);
	_exit(0);
}

static void limit(int resource, rlim_t v)
{
	struct rlimit rl = { v, v };

	setrlimit(resource, &rl);
}

/*
 * Sends cell col of the row: v as freexl read it, unless the sheet's
 * records say it is a boolean or an error value (bc; freexl reads both
 * as the number they are stored as), which read as in an .xlsx.
 */
static void child_cell(FILE *out, uint32_t col, const FreeXL_CellValue *v,
		       const struct biff_cell *bc, bool date1904,
		       struct buf *num)
{
	const char *text = "";
	size_t len = 0;
	unsigned flags = 0;

	buf_reset(num);
	if (bc && v->type != FREEXL_CELL_TEXT &&
	    v->type != FREEXL_CELL_SST_TEXT) {
		if (bc->kind == BIFF_BOOL)
			text = bc->value ? "TRUE" : "FALSE";
		else
			flags = SHEET_ERROR;
		put_u32(out, col);
		put(out, &(uint8_t){ (uint8_t)flags }, 1);
		put_text(out, text, strlen(text));
		return;
	}
	switch (v->type) {
	case FREEXL_CELL_INT:
		buf_addf(num, "%d", v->value.int_value);
		text = num->s, len = num->len, flags = SHEET_NUMBER;
		break;
	case FREEXL_CELL_DOUBLE: {
		int rc = sheet_double_text(num, v->value.double_value,
					   NUMFMT_NUMBER, date1904);

		text = num->s, len = num->len;
		flags = rc < 0 ? SHEET_ERROR : (unsigned)rc;
		break;
	}
	case FREEXL_CELL_DATE: case FREEXL_CELL_DATETIME:
	case FREEXL_CELL_TIME:
		flags = SHEET_DATE;
		/* fall through */
	case FREEXL_CELL_TEXT: case FREEXL_CELL_SST_TEXT:
		text = v->value.text_value ? v->value.text_value : "";
		len = strlen(text);
		if (!utf8_valid(text, len, NULL))
			flags |= SHEET_BAD;
		break;
	default:
		return;
	}
	put_u32(out, col);
	put(out, &(uint8_t){ (uint8_t)flags }, 1);
	put_text(out, text, len);
}

/*
 * The sheet's booleans, errors and merged ranges (biff.h), from the file
 * read whole (freexl holds it whole too, under the same limits).
 */
static int scan_records(const char *path, unsigned index, const char *name,
			struct biff_sheet *bs)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0;
	int ret = -1;

	memset(bs, 0, sizeof(*bs));
	if (!fp)
		return -1;
	for (;;) {
		size_t n;

		if (len == cap) {
			unsigned char *p = realloc(data, cap ? cap * 2 : 65536);

			if (!p)
				goto out;
			data = p;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (!ferror(fp))
		ret = biff_scan(data, len, index, name, bs);
out:
	free(data);
	fclose(fp);
	return ret;
}

/*
 * For row r: every cell a merged range covers, other than the range's
 * top-left one, reads the top-left cell (as in an .xlsx: a ledger's
 * 服务中心 written once for a block of rows). Ranges are sorted by first
 * row; active[0 .. *nactive) holds the ones that reached row r so far.
 */
static void merged_sources(const struct biff_sheet *bs, size_t *next,
			   size_t *active, size_t *nactive, uint32_t r,
			   uint32_t width, uint32_t *src_row,
			   uint32_t *src_col)
{
	size_t k, kept = 0;

	while (*next < bs->nmerges && bs->merges[*next].r1 <= r)
		active[(*nactive)++] = (*next)++;
	for (k = 0; k < *nactive; k++) {
		const struct biff_merge *m = &bs->merges[active[k]];
		uint32_t c;

		if (m->r2 < r)
			continue;
		active[kept++] = active[k];
		for (c = m->c1; c <= m->c2 && c < width; c++) {
			if (r == m->r1 && c == m->c1)
				continue;
			src_row[c] = m->r1;
			src_col[c] = m->c1;
		}
	}
	*nactive = kept;
}

static void child_main(const char *path, const char *sheet, bool list,
		       int fd)
{
	struct biff_sheet bs;
	size_t next_merge = 0, nactive = 0, *active = NULL;
	bool have_biff;
	const void *h = NULL;
	FILE *out = fdopen(fd, "w");
	unsigned int i, nsheets = 0, codepage = 0, datemode = 0, rows = 0;
	unsigned short cols = 0;
	const char *name = NULL;
	struct buf num = BUF_INIT;
	int rc;

	if (!out)
		_exit(4);
	/*
	 * AddressSanitizer reserves terabytes of address space for its
	 * shadow: under it the memory limit would fail every allocation.
	 */
#if !defined(__SANITIZE_ADDRESS__) && !HF_HAS_ASAN
	limit(RLIMIT_AS, XLS_MAX_MEMORY);
#endif
	limit(RLIMIT_CPU, XLS_MAX_CPU);
#if !defined(__SANITIZE_ADDRESS__) && !HF_HAS_ASAN
	/* Under a sanitizer its report must reach the log: no file limit. */
	limit(RLIMIT_FSIZE, 0);
#endif
	limit(RLIMIT_CORE, 0);
	/* Number texts are short: one allocation now, none later. */
	buf_grow(&num, 256);
	rc = freexl_open(path, &h);
	if (rc != FREEXL_OK)
		child_fail(out, "not a readable .xls (BIFF) workbook", rc);
	freexl_get_info(h, FREEXL_BIFF_CODEPAGE, &codepage);
	freexl_get_info(h, FREEXL_BIFF_DATEMODE, &datemode);
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
	if (list) {
		for (i = 0; i < nsheets; i++) {
			if (freexl_get_worksheet_name(h, (unsigned short)i,
						      &name) != FREEXL_OK ||
			    !name)
				continue;
			put(out, "S", 1);
			put_text(out, name, strlen(name));
		}
		put(out, "E", 1);
		if (fflush(out))
			_exit(3);
		_exit(0);
	}
	for (i = 0; i < nsheets; i++) {
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) !=
		    FREEXL_OK || !name)
			continue;
		if (!sheet || !strcmp(sheet, name))
			break;
	}
	if (i == nsheets) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "the workbook has no sheet named '%s'",
			 sheet ? sheet : "");
		if (!nsheets)
			buf_adds(&msg, " (it has no sheets)");
		put(out, "X", 1);
		put_text(out, msg.s, msg.len);
		fflush(out);
		_exit(0);
	}
	rc = freexl_select_active_worksheet(h, (unsigned short)i);
	if (rc == FREEXL_OK)
		rc = freexl_worksheet_dimensions(h, &rows, &cols);
	if (rc != FREEXL_OK)
		child_fail(out, "cannot read the sheet", rc);
	put(out, "H", 1);
	put_u32(out, codepage);
	put(out, &(uint8_t){ datemode == FREEXL_BIFF_DATEMODE_1904 }, 1);
	put_text(out, name, strlen(name));
	/* What freexl does not say: booleans, errors, merged ranges. */
	have_biff = scan_records(path, i, name, &bs) == 0;
	if (have_biff && bs.nmerges) {
		active = malloc(bs.nmerges * sizeof(*active));
		if (!active)
			child_fail(out, "out of memory for the merged ranges",
				   0);
	}
	for (i = 0; i < rows && i < SHEET_MAX_ROWS; i++) {
		FreeXL_CellValue v[256];
		const struct biff_cell *bc[256];
		uint32_t n = 0, c, src_row[256], src_col[256];

		for (c = 0; c < cols && c < 256; c++) {
			src_row[c] = i;
			src_col[c] = c;
		}
		if (have_biff)
			merged_sources(&bs, &next_merge, active, &nactive, i,
				       cols < 256 ? cols : 256, src_row,
				       src_col);
		for (c = 0; c < cols && c < 256; c++) {
			rc = freexl_get_cell_value(h, src_row[c],
						   (unsigned short)src_col[c],
						   &v[c]);
			if (rc != FREEXL_OK)
				child_fail(out, "cannot read a cell", rc);
			bc[c] = have_biff ? biff_cell_at(&bs, src_row[c],
							 src_col[c]) : NULL;
			if (v[c].type != FREEXL_CELL_NULL || bc[c])
				n++;
		}
		if (!n)
			continue;
		put(out, "R", 1);
		put_u32(out, i + 1);
		put_u32(out, n);
		for (c = 0; c < cols && c < 256; c++)
			if (v[c].type != FREEXL_CELL_NULL || bc[c])
				child_cell(out, c, &v[c], bc[c], datemode ==
					   FREEXL_BIFF_DATEMODE_1904, &num);
	}
	put(out, "E", 1);
	if (fflush(out))
		_exit(3);
	_exit(0);
}

/* The parent's side. */

static void kill_child(struct xls_reader *x)
{
	if (x->pid > 0) {
		kill(x->pid, SIGKILL);
		while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
			;
		x->pid = 0;
	}
}

/* Why the child stopped writing: how it ended. */
static void child_gone(struct xls_reader *x, struct buf *err)
{
	int status = 0;
	pid_t r;

	do
		r = waitpid(x->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	x->pid = 0;
	if (r > 0 && WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (sig == SIGXCPU)
			buf_addf(err, "the .xls reader used more than %d s of "
				 "CPU on this file", XLS_MAX_CPU);
		else
			buf_addf(err, "the .xls reader crashed on this file "
				 "(signal %d)", sig);
	} else {
		buf_adds(err, "the .xls reader stopped in the middle of the "
			 "file (out of memory?)");
	}
}

static int remaining_ms(const struct xls_reader *x)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(x->deadline.tv_sec - now.tv_sec) * 1000 +
	     (x->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* Reads exactly n bytes; 0, or -1 with the reason in err. */
static int get(struct xls_reader *x, void *p, size_t n, struct buf *err)
{
	char *s = p;

	while (n) {
		struct pollfd pfd = { x->fd, POLLIN, 0 };
		ssize_t r;
		int ms = remaining_ms(x), ready = ms ? poll(&pfd, 1, ms) : 0;

		/*
		 * A signal (a timer, SIGCHLD) interrupts poll: wait again,
		 * never fall through to a read that could block past the
		 * deadline (the descriptor is non-blocking besides).
		 */
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0) {
			kill_child(x);
			buf_addf(err, "cannot wait for the .xls reader: %s",
				 strerror(errno));
			return -1;
		}
		if (ready == 0) {
			if (remaining_ms(x))
				continue;
			kill_child(x);
			buf_addf(err, "the .xls reader took more than %d s on "
				 "this file", XLS_MAX_WALL);
			return -1;
		}
		r = read(x->fd, s, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			child_gone(x, err);
			return -1;
		}
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

static int get_u32(struct xls_reader *x, uint32_t *v, struct buf *err)
{
	return get(x, v, sizeof(*v), err);
}

/* A length-prefixed text into x->text (at most max bytes). */
static int get_text(struct xls_reader *x, size_t max, struct buf *err)
{
	uint32_t n;

	if (get_u32(x, &n, err))
		return -1;
	if (n > max) {
		buf_addf(err, "the .xls reader sent a text of %lu bytes",
			 (unsigned long)n);
		return -1;
	}
	buf_reset(&x->text);
	buf_grow(&x->text, n);
	if (get(x, x->text.s, n, err))
		return -1;
	buf_setlen(&x->text, n);
	return 0;
}

static int get_failure(struct xls_reader *x, struct buf *err)
{
	if (get_text(x, 4096, err))
		return -1;
	buf_add(err, x->text.s, x->text.len);
	return -1;
}

/*
 * The workbook's CODEPAGE by name; static text, so that it outlives the
 * reader (an input file's encoding is kept after its reader closes).
 */
static const char *codepage_name(unsigned cp)
{
	static const struct { unsigned cp; const char *name; } names[] = {
		{ FREEXL_BIFF_UTF16LE, "UTF-16LE" },
		{ FREEXL_BIFF_CP936, "CP936 (GBK)" },
		{ FREEXL_BIFF_CP950, "CP950 (Big5)" },
		{ FREEXL_BIFF_CP932, "CP932" },
		{ FREEXL_BIFF_CP949, "CP949" },
		{ FREEXL_BIFF_CP1250, "CP1250" },
		{ FREEXL_BIFF_CP1251, "CP1251" },
		{ FREEXL_BIFF_CP1252, "CP1252" },
		{ FREEXL_BIFF_ASCII, "ASCII" },
		{ FREEXL_BIFF_MACROMAN, "MacRoman" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].cp == cp)
			return names[i].name;
	return "another codepage";
}

static bool is_cfbf(const char *path, struct buf *err)
{
	static const unsigned char magic[8] = {
		0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1
	};
	unsigned char head[8];
	struct buf why = BUF_INIT;
	/* A FIFO or a device is refused here, before freexl waits on it. */
	int fd = text_open_regular(path, &why);
	ssize_t n;

	if (fd < 0) {
		buf_addf(err, "cannot open: %s", why.s);
		buf_release(&why);
		return false;
	}
	buf_release(&why);
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, sizeof(head))) {
		buf_adds(err, "not an .xls workbook (no OLE2 compound-file "
			 "header)");
		return false;
	}
	return true;
}

/*
 * A reader with its child started on path: reading the sheet x->opts
 * names, or listing the sheets. NULL with the reason in err.
 */
static struct xls_reader *spawn(const char *path,
				const struct sheet_opts *opts, bool list,
				struct buf *err)
{
	struct xls_reader *x;
	int fds[2];

	if (!is_cfbf(path, err))
		return NULL;
	if (pipe(fds)) {
		buf_addf(err, "cannot make a pipe: %s", strerror(errno));
		return NULL;
	}
	x = xcalloc(1, sizeof(*x));
	if (opts)
		x->opts = *opts;
	sheet_rows_init(&x->rows, &x->opts);
	x->opts = x->rows.opts;
	buf_init(&x->text);
	fflush(NULL);
	x->pid = fork();
	if (x->pid < 0) {
		buf_addf(err, "cannot fork the .xls reader: %s",
			 strerror(errno));
		close(fds[0]);
		close(fds[1]);
		x->pid = 0;
		xls_reader_free(x);
		return NULL;
	}
	if (x->pid == 0) {
		close(fds[0]);
		child_main(path, x->opts.sheet, list, fds[1]);
		_exit(5);
	}
	close(fds[1]);
	x->fd = fds[0];
	fcntl(x->fd, F_SETFD, FD_CLOEXEC);
	fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) | O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &x->deadline);
	x->deadline.tv_sec += XLS_MAX_WALL;
	return x;
}

int xls_list_sheets(const char *path, struct string_list *names,
		    struct buf *err)
{
	struct xls_reader *x = spawn(path, NULL, true, err);
	int ret = -1;

	if (!x)
		return -1;
	for (;;) {
		char tag;

		if (get(x, &tag, 1, err))
			break;
		if (tag == 'E') {
			ret = 0;
			break;
		}
		if (tag == 'X') {
			get_failure(x, err);
			break;
		}
		if (tag != 'S' || get_text(x, 4096, err)) {
			if (!err->len)
				buf_adds(err, "the .xls reader sent nonsense");
			break;
		}
		string_list_add(names, x->text.s ? x->text.s : "");
	}
	xls_reader_free(x);
	return ret;
}

struct xls_reader *xls_reader_open(const char *path,
				   const struct sheet_opts *opts,
				   struct buf *err)
{
	struct xls_reader *x = spawn(path, opts, false, err);
	char tag;
	uint32_t cp;
	uint8_t d1904;

	if (!x)
		return NULL;
	if (get(x, &tag, 1, err))
		goto fail;
	if (tag == 'X') {
		get_failure(x, err);
		goto fail;
	}
	if (tag != 'H' || get_u32(x, &cp, err) || get(x, &d1904, 1, err) ||
	    get_text(x, 4096, err)) {
		if (!err->len)
			buf_adds(err, "the .xls reader sent nonsense");
		goto fail;
	}
	x->encoding = codepage_name(cp);
	x->date1904 = d1904 != 0;
	x->sheet = xstrndup(x->text.s, x->text.len);
	return x;
fail:
	xls_reader_free(x);
	return NULL;
}

const char *xls_reader_sheet(const struct xls_reader *x)
{
	return x->sheet;
}

const char *xls_reader_encoding(const struct xls_reader *x)
{
	return x->encoding;
}

static int read_row(struct xls_reader *x, struct sheet_row *row,
		    struct buf *err)
{
	uint32_t line, n, i;

	if (get_u32(x, &line, err) || get_u32(x, &n, err))
		return -1;
	if (!line || line > SHEET_MAX_ROWS || n > 256) {
		buf_adds(err, "the .xls reader sent a row out of range");
		return -1;
	}
	sheet_rows_begin(&x->rows, line);
	for (i = 0; i < n; i++) {
		uint32_t col;
		uint8_t flags;

		if (get_u32(x, &col, err) || get(x, &flags, 1, err) ||
		    get_text(x, 1u << 30, err))
			return -1;
		if (col >= 256) {
			buf_adds(err, "the .xls reader sent a cell out of range");
			return -1;
		}
		sheet_rows_cell(&x->rows, col, x->text.s, x->text.len, flags);
	}
	return sheet_rows_end(&x->rows, row);
}

int xls_reader_next(struct xls_reader *x, struct sheet_row *row,
		    struct buf *err)
{
	if (x->failed)
		return -1;
	if (x->done)
		return 0;
	for (;;) {
		char tag;
		int rc;

		if (get(x, &tag, 1, err))
			goto fail;
		if (tag == 'E') {
			x->done = true;
			return 0;
		}
		if (tag == 'X') {
			get_failure(x, err);
			goto fail;
		}
		if (tag != 'R') {
			buf_adds(err, "the .xls reader sent nonsense");
			goto fail;
		}
		rc = read_row(x, row, err);
		if (rc < 0)
			goto fail;
		if (rc > 0)
			return 1;
	}
fail:
	x->failed = true;
	return -1;
}

void xls_reader_free(struct xls_reader *x)
{
	if (!x)
		return;
	if (x->fd > 0)
		close(x->fd);
	kill_child(x);
	free(x->sheet);
	sheet_rows_release(&x->rows);
	buf_release(&x->text);
	free(x);
}
