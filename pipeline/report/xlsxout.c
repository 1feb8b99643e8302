/*
 * xlsxout.c - plain-table workbooks through libxlsxwriter (see xlsxout.h).
 *
 * libxlsxwriter keeps a workbook in memory (outside constant-memory mode)
 * until workbook_close(), so the widths and the drop-down lists, which
 * depend on every row, are set at commit. Two traps of version 1.1.4 are
 * avoided by construction: an inline list of 255 bytes or more overflows
 * a heap buffer (the lists here are fixed words, checked against
 * XLSXOUT_LIST_MAX before use), and LIST_FORMULA validations leak (never
 * used). Strings go through worksheet_write_string(), which never makes
 * a formula.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report/xlsxout.h"
#include "util/chtime.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define MAX_WIDTH 60
#define MAX_CELL_CHARS 32767

struct xlsxout_sheet {
	struct xlsxout *book;
	lxw_worksheet *ws;
	char *name;
	struct xlsxout_column *cols;
	size_t ncols;
	size_t *width;
	lxw_row_t rows;         /* data rows written */
};

struct xlsxout {
	char *path, *dir, *tmp_path;
	lxw_workbook *wb;
	lxw_format *bold, *datetime, *date, *percent;
	struct xlsxout_sheet **sheets;
	size_t nsheets, alloc;
	lxw_error error;        /* the first error libxlsxwriter reported */
};

static unsigned decode(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp;
	size_t n, i;

	if (*s < 0x80) {
		*p = s + 1;
		return *s;
	}
	n = *s >= 0xF0 ? 4 : *s >= 0xE0 ? 3 : *s >= 0xC0 ? 2 : 1;
	cp = n == 1 ? 0xFFFD : (unsigned)(*s & (0x7F >> n));
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + i;
			return 0xFFFD;
		}
		cp = cp << 6 | (s[i] & 0x3F);
	}
	*p = s + n;
	return cp;
}

static bool wide(unsigned cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t xlsxout_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t w = 0, line = 0;

	while (*p) {
		unsigned cp = decode(&p);

		if (cp == '\n') {
			line = 0;
			continue;
		}
		line += wide(cp) ? 2 : 1;
		if (line > w)
			w = line;
	}
	return w;
}

static int fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold((unsigned char)*a) != fold((unsigned char)*b))
			return false;
	return !*a && !*b;
}

/* Appends at most max characters of a valid sheet name made from s. */
static void clean_name(struct buf *out, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0, start = out->len;

	while (*p && n < max) {
		const unsigned char *c = p;
		unsigned cp = decode(&p);

		if (cp == 0xFFFD || cp < 0x20 || cp == 0x7F ||
		    (cp < 0x80 && strchr("[]:*?/\\", (int)cp)) ||
		    (cp == '\'' && (n == 0 || !*p || n + 1 == max)))
			buf_addch(out, '_');
		else
			buf_add(out, c, (size_t)(p - c));
		n++;
	}
	if (out->len == start)
		buf_adds(out, "Sheet");
}

void xlsxout_sheet_name_for(struct buf *out, const char *name,
			    const char *const *taken, size_t ntaken)
{
	size_t start = out->len, i, n = 1;
	bool clash;

	clean_name(out, name, XLSXOUT_SHEET_NAME_MAX);
	do {
		/* Excel reserves "History" (any case) for its own sheet. */
		clash = same_name(out->s + start, "History");
		for (i = 0; i < ntaken; i++)
			if (same_name(out->s + start, taken[i]))
				clash = true;
		if (clash) {
			char suffix[16];
			size_t slen;

			slen = (size_t)snprintf(suffix, sizeof(suffix), " (%zu)",
						++n);
			buf_setlen(out, start);
			clean_name(out, name, XLSXOUT_SHEET_NAME_MAX - slen);
			buf_adds(out, suffix);
		}
	} while (clash);
}

struct xlsxout *xlsxout_open(const char *path, int64_t created,
			     struct buf *err)
{
	struct xlsxout *b = xcalloc(1, sizeof(*b));
	struct buf dir = BUF_INIT, why = BUF_INIT;
	const char *slash = strrchr(path, '/');
	lxw_workbook_options opts = { 0 };
	lxw_doc_properties props = { 0 };
	int fd;

	if (slash)
		buf_add(&dir, path, (size_t)(slash - path));
	else
		buf_addch(&dir, '.');
	/*
	 * The folder is entered as folder.h does (no link below the output
	 * folder followed) before the private folder is made in it.
	 */
	fd = folder_open(dir.s, false, &why);
	if (fd < 0) {
		/* A refused link names itself; otherwise say what failed. */
		if (errno == ELOOP)
			buf_add(err, why.s, why.len);
		else
			buf_addf(err, "%s: cannot make a private folder: %s",
				 dir.s, strerror(errno));
		buf_release(&why);
		buf_release(&dir);
		free(b);
		return NULL;
	}
	buf_release(&why);
	close(fd);
	buf_adds(&dir, "/.xlsx-XXXXXX");
	/* mkdtemp makes the folder 0700: private to this run. */
	if (!mkdtemp(dir.s)) {
		buf_addf(err, "%s: cannot make a private folder: %s", dir.s,
			 strerror(errno));
		buf_release(&dir);
		free(b);
		return NULL;
	}
	b->path = xstrdup(path);
	b->dir = buf_detach(&dir, NULL);
	b->tmp_path = xmalloc(strlen(b->dir) + 16);
	snprintf(b->tmp_path, strlen(b->dir) + 16, "%s/book.xlsx", b->dir);
	opts.tmpdir = b->dir;
	b->wb = workbook_new_opt(b->tmp_path, &opts);
	if (!b->wb) {
		buf_addf(err, "%s: libxlsxwriter cannot start a workbook", path);
		rmdir(b->dir);
		free(b->path);
		free(b->dir);
		free(b->tmp_path);
		free(b);
		return NULL;
	}
	props.created = (time_t)created;
	workbook_set_properties(b->wb, &props);
	b->bold = workbook_add_format(b->wb);
	format_set_bold(b->bold);
	b->datetime = workbook_add_format(b->wb);
	format_set_num_format(b->datetime, "yyyy-mm-dd hh:mm:ss");
	b->date = workbook_add_format(b->wb);
	format_set_num_format(b->date, "yyyy-mm-dd");
	b->percent = workbook_add_format(b->wb);
	format_set_num_format(b->percent, "0.0%");
	return b;
}

static void note(struct xlsxout *b, lxw_error e)
{
	if (e != LXW_NO_ERROR && b->error == LXW_NO_ERROR)
		b->error = e;
}

static void write_text(struct xlsxout_sheet *s, lxw_row_t r, lxw_col_t c,
		       const char *text, lxw_format *fmt)
{
	lxw_error e = worksheet_write_string(s->ws, r, c, text, fmt);

	if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
		/* Excel's cell limit: keep what fits, at a character. */
		const unsigned char *p = (const unsigned char *)text;
		size_t n = 0;
		char *cut;

		while (*p && n < MAX_CELL_CHARS - 1) {
			decode(&p);
			n++;
		}
		cut = xstrndup(text, (size_t)((const char *)p - text));
		e = worksheet_write_string(s->ws, r, c, cut, fmt);
		free(cut);
	}
	note(s->book, e);
}

static struct xlsxout_sheet *add_sheet(struct xlsxout *b, const char *name,
				       const struct xlsxout_column *cols,
				       size_t ncols)
{
	struct xlsxout_sheet *s = xcalloc(1, sizeof(*s));
	struct buf clean = BUF_INIT;
	const char **taken = xcalloc(b->nsheets + 1, sizeof(*taken));
	size_t i;

	for (i = 0; i < b->nsheets; i++)
		taken[i] = b->sheets[i]->name;
	xlsxout_sheet_name_for(&clean, name, taken, b->nsheets);
	free(taken);
	s->book = b;
	s->name = buf_detach(&clean, NULL);
	s->ws = workbook_add_worksheet(b->wb, s->name);
	if (!s->ws)
		abort();        /* not reached: the name is valid and unique */
	s->cols = xcalloc(ncols ? ncols : 1, sizeof(*s->cols));
	memcpy(s->cols, cols, ncols * sizeof(*cols));
	s->ncols = ncols;
	s->width = xcalloc(ncols ? ncols : 1, sizeof(*s->width));
	for (i = 0; i < ncols; i++) {
		write_text(s, 0, (lxw_col_t)i, cols[i].title, b->bold);
		s->width[i] = xlsxout_text_width(cols[i].title);
	}
	worksheet_freeze_panes(s->ws, 1, 0);
	worksheet_set_paper(s->ws, 9);          /* A4 */
	worksheet_set_landscape(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
	note(b, worksheet_repeat_rows(s->ws, 0, 0));
	note(b, worksheet_set_footer(s->ws, "&C第 &P 页，共 &N 页"));
	ALLOC_GROW(b->sheets, b->nsheets + 1, b->alloc);
	b->sheets[b->nsheets++] = s;
	return s;
}

struct xlsxout_sheet *xlsxout_sheet(struct xlsxout *b, const char *name,
				    const struct xlsxout_column *cols,
				    size_t ncols)
{
	return add_sheet(b, name, cols, ncols);
}

struct xlsxout_sheet *xlsxout_hidden_sheet(struct xlsxout *b,
					   const char *name,
					   const struct xlsxout_column *cols,
					   size_t ncols)
{
	struct xlsxout_sheet *s = add_sheet(b, name, cols, ncols);

	worksheet_hide(s->ws);
	return s;
}

const char *xlsxout_sheet_name(const struct xlsxout_sheet *s)
{
	return s->name;
}

static bool parse_number(const char *t, double *v)
{
	char *end;

	*v = strtod(t, &end);
	return !*end;
}

void xlsxout_row(struct xlsxout_sheet *s, const char *const *cells)
{
	struct xlsxout *b = s->book;
	lxw_row_t r;
	size_t i;

	if (s->rows + 1 >= 1048576)
		return;         /* Excel's last row: a sheet holds no more */
	r = ++s->rows;
	for (i = 0; i < s->ncols; i++) {
		const char *t = cells[i] ? cells[i] : "";
		lxw_col_t c = (lxw_col_t)i;
		size_t w = xlsxout_text_width(t);
		double v;
		int64_t at;

		if (!*t)
			continue;
		switch (s->cols[i].kind) {
		case XLSX_NUMBER: case XLSX_PERCENT:
			if (!strcmp(t, "null"))
				break;  /* a ratio over nothing: blank */
			if (parse_number(t, &v)) {
				note(b, worksheet_write_number(s->ws, r, c, v,
					s->cols[i].kind == XLSX_PERCENT ?
					b->percent : NULL));
				break;
			}
			write_text(s, r, c, t, NULL);
			break;
		case XLSX_DATETIME: case XLSX_DATE:
			if (chtime_parse(t, strlen(t), &at) == 0) {
				struct civil cv;
				lxw_datetime dt;

				chtime_civil(at, &cv);
				dt.year = cv.year, dt.month = cv.month;
				dt.day = cv.day, dt.hour = cv.hour;
				dt.min = cv.minute, dt.sec = cv.second;
				note(b, worksheet_write_datetime(s->ws, r, c, &dt,
					s->cols[i].kind == XLSX_DATE ? b->date :
					b->datetime));
				w = s->cols[i].kind == XLSX_DATE ? 10 : 19;
				break;
			}
			write_text(s, r, c, t, NULL);
			break;
		default:
			write_text(s, r, c, t, NULL);
			break;
		}
		if (w > s->width[i])
			s->width[i] = w;
	}
}

/* The drop-down list of a column, if its words fit libxlsxwriter. */
static void add_list(struct xlsxout_sheet *s, size_t col)
{
	const char *const *choices = s->cols[col].choices;
	lxw_data_validation dv;
	size_t bytes = 0, i;

	for (i = 0; choices[i]; i++)
		bytes += strlen(choices[i]) + 1;
	if (!i || bytes > XLSXOUT_LIST_MAX)
		return;
	memset(&dv, 0, sizeof(dv));
	dv.validate = LXW_VALIDATION_TYPE_LIST;
	dv.value_list = (char **)(uintptr_t)choices;
	dv.ignore_blank = LXW_VALIDATION_ON;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	note(s->book, worksheet_data_validation_range(s->ws, 1, (lxw_col_t)col,
		s->rows ? s->rows : 1, (lxw_col_t)col, &dv));
}

static void finish_sheet(struct xlsxout_sheet *s)
{
	size_t i;

	for (i = 0; i < s->ncols; i++) {
		size_t w = s->width[i] + 2;

		if (s->cols[i].choices) {
			size_t k;

			for (k = 0; s->cols[i].choices[k]; k++)
				if (xlsxout_text_width(s->cols[i].choices[k]) + 4 > w)
					w = xlsxout_text_width(
						s->cols[i].choices[k]) + 4;
			add_list(s, i);
		}
		note(s->book, worksheet_set_column(s->ws, (lxw_col_t)i,
			(lxw_col_t)i, (double)(w > MAX_WIDTH ? MAX_WIDTH : w),
			NULL));
	}
	if (s->ncols)
		note(s->book, worksheet_autofilter(s->ws, 0, 0, s->rows,
						   (lxw_col_t)(s->ncols - 1)));
}

static void book_free(struct xlsxout *b)
{
	size_t i;

	for (i = 0; i < b->nsheets; i++) {
		free(b->sheets[i]->name);
		free(b->sheets[i]->cols);
		free(b->sheets[i]->width);
		free(b->sheets[i]);
	}
	free(b->sheets);
	unlink(b->tmp_path);
	rmdir(b->dir);
	free(b->path);
	free(b->dir);
	free(b->tmp_path);
	free(b);
}

static int sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = outfile_fsync(fd);
	if (close(fd))
		ret = -1;
	return ret;
}

int xlsxout_commit(struct xlsxout *b, struct buf *err)
{
	return xlsxout_commit_mode(b, 0666, err);
}

int xlsxout_commit_mode(struct xlsxout *b, unsigned mode, struct buf *err)
{
	mode_t mask = umask(0);
	const char *base;
	lxw_error e;
	size_t i;
	int ret = -1, pfd = -1, dfd = -1;

	/* Read, not changed: the umask is put back at once. */
	umask(mask);
	for (i = 0; i < b->nsheets; i++)
		finish_sheet(b->sheets[i]);
	e = workbook_close(b->wb);
	b->wb = NULL;
	if (e == LXW_NO_ERROR)
		e = b->error;
	if (e != LXW_NO_ERROR) {
		buf_addf(err, "%s: %s", b->path, lxw_strerror(e));
		goto out;
	}
	/*
	 * Renamed from the private folder into place relative to both
	 * folders' descriptors, each opened without following a link below
	 * the output folder (folder.h).
	 */
	pfd = folder_open_parent(b->path, &base, false, err);
	if (pfd < 0)
		goto out;
	dfd = folder_open(b->dir, false, err);
	if (dfd < 0)
		goto out;
	/* The mode the file is meant to have, less the umask, as outfile.h. */
	if (fchmodat(dfd, "book.xlsx", (mode_t)mode & ~mask, 0) ||
	    sync_file(b->tmp_path) ||
	    renameat(dfd, "book.xlsx", pfd, base)) {
		buf_addf(err, "%s: %s", b->path, strerror(errno));
		goto out;
	}
	if (outfile_fsync(pfd) < 0 && errno != EINVAL && errno != EROFS) {
		buf_addf(err, "%s: %s", b->path, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (pfd >= 0)
		close(pfd);
	if (dfd >= 0)
		close(dfd);
	book_free(b);
	return ret;
}

void xlsxout_abort(struct xlsxout *b)
{
	if (!b)
		return;
	if (b->wb) {
		/* Closing is the one way to free it; the file is then thrown. */
		workbook_close(b->wb);
		b->wb = NULL;
	}
	book_free(b);
}
