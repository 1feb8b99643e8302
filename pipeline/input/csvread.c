/*
 * csvread.c - CSV records with lines, encodings and limits (see csvread.h).
 *
 * The file is cut into physical lines here (LF, CRLF or a lone CR ends
 * one) and each line is given to libcsv whole, converted to UTF-8 first
 * when the file is GB18030. Because a record can only end at a line end,
 * at most one record completes per line, and the line at which a record
 * starts is the first non-blank line fed while no record was open: that is
 * the whole of the line tracking. Blank lines (only spaces, tabs and line
 * ends) are not fed at all, which is also what libcsv would do with them.
 *
 * The encoding (SPEC §8 rule 2, a rule over the whole file) is decided
 * from the first block when that is the whole file or already rules UTF-8
 * out; otherwise the file is parsed as UTF-8 on trust ('speculative'),
 * counted (the first block once, at the open; the rest line by line as
 * it is fed), and judged at the end, where a wrong guess
 * restarts it as GB18030 (CSV_RESTART). Lines read again after a broken
 * quote are counted once ('counted'), as they are hashed once ('hashed').
 *
 * A plan (csv_plan_file()) cuts a file into parts by a scan that follows
 * libcsv's quoting without parsing; a part's reader is this reader with
 * the encoding given, a jump from the header to the part, and a stop at
 * the part's end (refill()).
 *
 * Invariants: buf[start..end) holds unread bytes whose first byte is at
 * file offset buf_off + start and on line 'line'; a record is open exactly
 * when in_record is set; the record's fields accumulate in 'data' with a
 * NUL after each, at offs[i] / lens[i].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "input/csvread.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BLOCK ((size_t)1 << 20)
#define ROW_NOT_BEGUN 0 /* libcsv's parser state between records */

enum encoding { ENC_UTF8, ENC_GB18030 };

struct csv_reader {
	int fd;                 /* -1 for memory */
	char *path;
	char *buf;
	size_t cap, start, end;
	bool owns_buf, eof, finished;
	uint64_t buf_off;
	uint32_t line;
	bool lf_valid;
	size_t lf_pos;          /* next LF at or after start, or end */

	enum encoding enc;
	bool check_utf8;        /* the file has invalid bytes somewhere */
	/*
	 * Read as UTF-8 on the guess that it is, counting as the lines go;
	 * at the end (or once the counts rule UTF-8 out) the guess is
	 * checked, and a wrong one restarts the file as GB18030.
	 */
	bool speculative;
	bool counting;          /* st is kept (speculative, or after a BOM) */
	struct utf8_stats st;
	uint64_t counted;       /* file bytes up to here are in st */
	uint64_t size;          /* of the file, 0 if unknown */
	bool bom;
	void *cd;
	struct buf conv;
	char why[96];

	struct csv_parser p;
	size_t max_field;
	size_t max_header;      /* bytes of the first record; 0: no limit */
	bool header_read, over_limit;
	struct sha256_ctx sha;  /* of the file's bytes 0 .. hashed */
	uint64_t hashed;

	/*
	 * A part of a plan (csv_reader_open_part()): the bytes from stop on
	 * are not read (0: read to the end); after the header the reading
	 * jumps to jump_off, line jump_line (0: it does not); the digest is
	 * the plan's.
	 */
	uint64_t stop, jump_off;
	uint32_t jump_line;
	bool part;

	/* the open record */
	bool in_record, rec_done;
	uint32_t rec_line;
	uint64_t rec_resume_off;   /* just after the record's first line */
	uint32_t rec_resume_line;
	bool rec_bad;
	uint64_t bad_off;
	size_t long_field;
	struct buf data;
	size_t *offs, *lens;
	size_t nf, af;
	char **fptr;
	size_t afptr;
};

const char *csv_encoding_name(const char *name)
{
	if (!strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8"))
		return "UTF-8";
	if (!strcasecmp(name, "GB18030") || !strcasecmp(name, "GBK") ||
	    !strcasecmp(name, "GB2312") || !strcasecmp(name, "CP936"))
		return "GB18030";
	return NULL;
}

static void cb_field(void *s, size_t len, void *data)
{
	struct csv_reader *r = data;

	if (r->nf + 1 > r->af) {
		size_t n = r->af ? 2 * r->af : 32;

		r->offs = xreallocarray(r->offs, n, sizeof(*r->offs));
		r->lens = xreallocarray(r->lens, n, sizeof(*r->lens));
		r->af = n;
	}
	if (len > r->max_field && !r->long_field)
		r->long_field = r->nf + 1;
	r->offs[r->nf] = r->data.len;
	r->lens[r->nf] = len;
	/* One growth check and a copy: this runs for every field. */
	if (r->data.len + len + 2 > r->data.cap)
		buf_grow(&r->data, len + 1);
	if (len)
		memcpy(r->data.s + r->data.len, s, len);
	r->data.len += len + 1;
	r->data.s[r->data.len - 1] = '\0';
	r->data.s[r->data.len] = '\0';
	r->nf++;
}

static void cb_row(int c, void *data)
{
	struct csv_reader *r = data;

	(void)c;
	r->rec_done = true;
}

static void parser_reset(struct csv_reader *r)
{
	/* libcsv has no reset call; these are its documented fields. */
	r->p.pstate = ROW_NOT_BEGUN;
	r->p.quoted = 0;
	r->p.spaces = 0;
	r->p.entry_pos = 0;
	r->p.status = CSV_SUCCESS;
}

/*
 * Adds n bytes read at file offset off to the file's digest, those not
 * hashed yet: after a rewind the same bytes are read again.
 */
static void hash_bytes(struct csv_reader *r, uint64_t off, const char *data,
		       size_t n)
{
	uint64_t end = off + n;

	if (end <= r->hashed || off > r->hashed)
		return;
	sha256_update(&r->sha, data + (r->hashed - off),
		      (size_t)(end - r->hashed));
	r->hashed = end;
}

/* Moves unread bytes to the front and reads more. 0, or -1 with err. */
static int refill(struct csv_reader *r, struct buf *err)
{
	ssize_t n;
	size_t want;

	if (r->eof)
		return 0;
	if (r->start) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->buf_off += r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	r->lf_valid = false;
	want = r->cap - r->end;
	if (r->stop) {
		uint64_t at = r->buf_off + r->end;

		if (at >= r->stop) {
			r->eof = true;
			return 0;
		}
		if (r->stop - at < want)
			want = (size_t)(r->stop - at);
	}
	do
		n = read(r->fd, r->buf + r->end, want);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		buf_addf(err, "%s: %s", r->path, strerror(errno));
		return -1;
	}
	if (n == 0)
		r->eof = true;
	hash_bytes(r, r->buf_off + r->end, r->buf + r->end, (size_t)n);
	r->end += (size_t)n;
	return 0;
}

static int header_too_long(struct csv_reader *r, struct buf *err)
{
	buf_addf(err, "the header is longer than %zu bytes: over the limit "
		 "ingest.max_header_bytes (%zu)", r->max_header, r->max_header);
	r->over_limit = true;
	return -1;
}

/*
 * The next physical line: *len bytes at buf + start, including its line
 * end. 1, 0 at the end of the input, -1 on a read error.
 */
static int next_line(struct csv_reader *r, size_t *len, bool *ends_line,
		     struct buf *err)
{
	for (;;) {
		char *lf, *cr;
		size_t avail = r->end - r->start;

		if (!r->lf_valid || r->lf_pos < r->start) {
			lf = memchr(r->buf + r->start, '\n', avail);
			r->lf_pos = lf ? (size_t)(lf - r->buf) : r->end;
			r->lf_valid = true;
		}
		cr = memchr(r->buf + r->start, '\r', r->lf_pos - r->start);
		if (cr) {
			size_t t = (size_t)(cr - r->buf);

			if (t + 1 < r->end || r->eof) {
				*len = t + 1 - r->start;
				if (t + 1 < r->end && r->buf[t + 1] == '\n')
					(*len)++;
				*ends_line = true;
				return 1;
			}
		} else if (r->lf_pos < r->end) {
			*len = r->lf_pos + 1 - r->start;
			*ends_line = true;
			return 1;
		} else if (r->eof) {
			if (!avail)
				return 0;
			*len = avail;
			*ends_line = false;
			return 1;
		}
		/*
		 * A header line longer than the limit is refused before it
		 * is read whole: a 300 MB line would otherwise be buffered.
		 */
		if (!r->header_read && r->max_header && avail > r->max_header)
			return header_too_long(r, err);
		if (refill(r, err) < 0)
			return -1;
	}
}

static bool is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static void begin_record(struct csv_reader *r, size_t len, bool ends_line)
{
	r->in_record = true;
	r->rec_done = false;
	r->rec_line = r->line;
	r->rec_resume_off = r->buf_off + r->start + len;
	r->rec_resume_line = r->line + (ends_line ? 1 : 0);
	r->rec_bad = false;
	r->long_field = 0;
	r->nf = 0;
	buf_reset(&r->data);
}

static void mark_bad(struct csv_reader *r, uint64_t off)
{
	if (!r->rec_bad) {
		r->rec_bad = true;
		r->bad_off = off;
	}
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static void finish_record(struct csv_reader *r, struct csv_record *rec)
{
	size_t i;

	ALLOC_GROW(r->fptr, r->nf + 1, r->afptr);
	for (i = 0; i < r->nf; i++)
		r->fptr[i] = r->data.s + r->offs[i];
	r->fptr[r->nf] = NULL;
	memset(rec, 0, sizeof(*rec));
	rec->line = r->rec_line;
	rec->nfields = r->nf;
	rec->fields = r->fptr;
	rec->lens = r->lens;
	rec->long_field = r->long_field;
	if (r->rec_bad) {
		rec->bad_encoding = true;
		rec->bad_offset = r->bad_off;
		for (i = 0; i < r->nf; i++)
			if (!utf8_valid(r->fptr[i], r->lens[i], NULL) ||
			    memchr(r->fptr[i], '\0', r->lens[i])) {
				rec->bad_field = i + 1;
				break;
			}
	}
	r->in_record = false;
	r->rec_done = false;
}

/* Resumes reading at file offset off, line 'line' (after a broken quote). */
static int rewind_to(struct csv_reader *r, uint64_t off, uint32_t line,
		     struct buf *err)
{
	if (r->fd < 0) {
		r->start = (size_t)off;
	} else {
		if (lseek(r->fd, (off_t)off, SEEK_SET) < 0) {
			buf_addf(err, "%s: %s", r->path, strerror(errno));
			return -1;
		}
		r->buf_off = off;
		r->start = r->end = 0;
		r->eof = false;
	}
	r->lf_valid = false;
	r->line = line;
	r->finished = false;
	parser_reset(r);
	return 0;
}

/* SPEC §8 rule 2's "cannot be UTF-8 whatever the rest holds". */
static bool hopeless(const struct utf8_stats *st, uint64_t size,
		     uint64_t pos)
{
	return size > pos &&
	       st->invalid * 20 >= st->multibyte + (size - pos) / 2 + 1;
}

/* The converter a GB18030 file is read through. 0, or -1 with err. */
static int gb18030_ready(struct csv_reader *r, struct buf *err)
{
	if (r->cd || (r->cd = text_gb18030_open()))
		return 0;
	buf_addf(err, "%s: this system's iconv cannot read GB18030", r->path);
	return -1;
}

/*
 * The guess was wrong: reads the file again from its start as GB18030.
 * 0, or -1 with err.
 */
static int restart_gb18030(struct csv_reader *r, bool early, struct buf *err)
{
	snprintf(r->why, sizeof(r->why),
		 "detected: %s%zu invalid UTF-8 sequences",
		 early ? "at least " : "", r->st.invalid);
	r->speculative = r->counting = false;
	r->check_utf8 = false;
	r->enc = ENC_GB18030;
	if (gb18030_ready(r, err) < 0)
		return -1;
	r->in_record = false;
	return rewind_to(r, 0, 1, err);
}

/*
 * Counts a line fed at file offset off into the statistics (once: lines
 * are read again after a broken quote), and marks the record bad if the
 * line holds an invalid byte.
 */
static void count_line(struct csv_reader *r, uint64_t off, const char *seg,
		       size_t len)
{
	size_t bad;

	if (off + len > r->counted) {
		size_t before = r->st.invalid;
		size_t skip = r->counted > off ? (size_t)(r->counted - off) : 0;

		utf8_stats_add(&r->st, seg + skip, len - skip, true);
		r->counted = off + len;
		/* Its first skip bytes were counted with the first block. */
		if (r->st.invalid == before && (!skip || !before))
			return;
	} else if (!r->st.invalid) {
		return;         /* counted already, and nothing was invalid */
	}
	if (!r->rec_bad && !utf8_valid(seg, len, &bad))
		mark_bad(r, off + bad);
}

int csv_reader_next(struct csv_reader *r, struct csv_record *rec,
		    struct buf *err)
{
	for (;;) {
		size_t len, fed, done;
		const char *seg;
		bool ends_line;
		int rc;

		if (r->finished)
			return 0;
		rc = next_line(r, &len, &ends_line, err);
		if (rc < 0)
			return -1;
		if (rc == 0 && r->counting) {
			r->counting = false;
			if (r->speculative && !utf8_stats_is_utf8(&r->st)) {
				if (restart_gb18030(r, false, err) < 0)
					return -1;
				return CSV_RESTART;
			}
			if (r->st.invalid)
				snprintf(r->why, sizeof(r->why),
					 "%s, %zu invalid sequences",
					 r->speculative ? "detected"
							: "byte order mark",
					 r->st.invalid);
			r->speculative = false;
		}
		if (rc == 0) {
			if (!r->in_record) {
				r->finished = true;
				return 0;
			}
			/* The last record has no line end, or an open quote. */
			if (csv_fini(&r->p, cb_field, cb_row, r) == 0) {
				r->finished = true;
				finish_record(r, rec);
				return 1;
			}
			finish_record(r, rec);
			rec->malformed = true;
			rec->error = "unterminated quoted field";
			rec->error_line = rec->line;
			rec->error_column = 0;
			if (rewind_to(r, r->rec_resume_off, r->rec_resume_line,
				      err) < 0)
				return -1;
			return 1;
		}
		seg = r->buf + r->start;
		if (!r->in_record && is_blank(seg, len)) {
			r->start += len;
			r->line += ends_line;
			continue;
		}
		if (!r->in_record)
			begin_record(r, len, ends_line);
		if (memchr(seg, '\0', len))
			mark_bad(r, r->buf_off + r->start +
				 (size_t)((const char *)memchr(seg, '\0', len) - seg));
		if (r->enc == ENC_GB18030) {
			size_t bad = 0;

			buf_reset(&r->conv);
			if (text_gb18030_convert(r->cd, seg, len, &r->conv, &bad))
				mark_bad(r, r->buf_off + r->start + bad);
			seg = r->conv.s;
			fed = r->conv.len;
		} else if (r->counting) {
			count_line(r, r->buf_off + r->start, seg, len);
			if (r->speculative &&
			    hopeless(&r->st, r->size, r->counted)) {
				if (restart_gb18030(r, true, err) < 0)
					return -1;
				return CSV_RESTART;
			}
			fed = len;
		} else {
			size_t bad;

			if (r->check_utf8 && !r->rec_bad &&
			    !utf8_valid(seg, len, &bad))
				mark_bad(r, r->buf_off + r->start + bad);
			fed = len;
		}
		done = csv_parse(&r->p, seg, fed, cb_field, cb_row, r);
		if (done < fed) {
			uint32_t err_line = r->line;
			size_t col = utf8_chars(seg, done) + 1;

			r->start += len;
			r->line += ends_line;
			parser_reset(r);
			finish_record(r, rec);
			rec->malformed = true;
			rec->error = seg[done] == '"' ? "unexpected '\"'"
						      : "unexpected character after a closing quote";
			rec->error_line = err_line;
			rec->error_column = (uint32_t)col;
			/*
			 * A quote opened on an earlier line swallowed the
			 * lines up to this one: read them again as rows of
			 * their own, as for a quote that never closes, so
			 * that nothing disappears.
			 */
			if (err_line != rec->line &&
			    rewind_to(r, r->rec_resume_off, r->rec_resume_line,
				      err) < 0)
				return -1;
			return 1;
		}
		r->start += len;
		r->line += ends_line;
		/* A header spread over quoted line ends counts whole. */
		if (!r->header_read && r->max_header &&
		    r->data.len > r->max_header)
			return header_too_long(r, err);
		if (r->rec_done) {
			bool first = !r->header_read;

			r->header_read = true;
			finish_record(r, rec);
			/* A part's reader: from the header to the part. */
			if (first && r->jump_line) {
				if (rewind_to(r, r->jump_off, r->jump_line,
					      err) < 0)
					return -1;
				r->jump_line = 0;
				memset(&r->st, 0, sizeof(r->st));
				r->counted = r->jump_off;
			}
			return 1;
		}
	}
}

/* SPEC §8 rule 2 over the whole file, read in blocks. */
static int detect(struct csv_reader *r, struct utf8_stats *st, bool *early,
		  struct buf *err)
{
	char *block;
	size_t carry = 0;
	uint64_t pos = 0, size = 0;
	struct stat sb;
	int ret = -1;

	if (r->fd < 0) {
		utf8_stats_add(st, r->buf + r->start, r->end - r->start, true);
		return 0;
	}
	if (fstat(r->fd, &sb) == 0 && sb.st_size > 0)
		size = (uint64_t)sb.st_size;
	block = xmalloc(BLOCK + 4);
	for (;;) {
		ssize_t n;
		size_t used;

		/*
		 * The rest of the file can add at most one valid multi-byte
		 * character per two bytes: once even that could not make it
		 * UTF-8, it is not (a GB18030 file is decided early).
		 */
		if (size > pos && st->invalid * 20 >= st->multibyte +
						       (size - pos) / 2 + 1) {
			*early = true;
			break;
		}

		do
			n = pread(r->fd, block + carry, BLOCK, (off_t)pos);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			buf_addf(err, "%s: %s", r->path, strerror(errno));
			goto out;
		}
		used = utf8_stats_add(st, block, carry + (size_t)n, n == 0);
		if (n == 0)
			break;
		pos += (uint64_t)n;
		carry = carry + (size_t)n - used;
		memmove(block, block + used, carry);
	}
	ret = 0;
out:
	free(block);
	return ret;
}

/*
 * Reads the first block of the file (all of it if it is smaller) and
 * counts it into st; *counted is the file offset the count reached (a
 * character cut by the block's end is left for later). 0, or -1 with err.
 */
static int first_block(struct csv_reader *r, struct utf8_stats *st,
		       uint64_t *counted, struct buf *err)
{
	struct stat sb;

	if (r->fd >= 0) {
		if (fstat(r->fd, &sb) == 0 && sb.st_size > 0)
			r->size = (uint64_t)sb.st_size;
		while (r->end < r->cap && !r->eof)
			if (refill(r, err) < 0)
				return -1;
	}
	*counted = r->buf_off + r->start +
		   utf8_stats_add(st, r->buf + r->start, r->end - r->start,
				  r->eof);
	return 0;
}

/*
 * libcsv, the buffers, line 1, and the BOM (skipped, *bom set): what
 * every reader starts with. 0, or -1 with err.
 */
static int parser_setup(struct csv_reader *r, bool *bom, struct buf *err)
{
	csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
	/* libcsv allocates through the xalloc family: exhaustion exits 71. */
	csv_set_realloc_func(&r->p, xrealloc);
	csv_set_free_func(&r->p, free);
	/*
	 * libcsv grows a field's buffer by this much at a time; its default
	 * of 128 bytes makes a long field cost one realloc per 128 bytes.
	 */
	csv_set_blk_size(&r->p, 4096);
	buf_init(&r->data);
	buf_init(&r->conv);
	r->line = 1;
	if (r->fd >= 0) {
		/* Enough for the BOM test; the rest comes line by line. */
		while (r->end < 3 && !r->eof)
			if (refill(r, err) < 0)
				return -1;
	}
	*bom = r->end >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3);
	if (*bom)
		r->start = 3;
	return 0;
}

static struct csv_reader *open_common(struct csv_reader *r,
				      const char *encoding,
				      size_t max_field_bytes, struct buf *err)
{
	struct utf8_stats st = { 0, 0 };
	const char *forced = NULL;
	bool bom = false, early = false;
	uint64_t counted = 0;

	if (encoding && !(forced = csv_encoding_name(encoding))) {
		buf_addf(err, "unknown encoding '%s' (want UTF-8 or GB18030)",
			 encoding);
		goto fail;
	}
	r->max_field = max_field_bytes;
	sha256_init(&r->sha);
	if (r->fd < 0)
		hash_bytes(r, 0, r->buf, r->end);
	if (parser_setup(r, &bom, err) < 0)
		goto fail;
	if (forced && !strcmp(forced, "GB18030")) {
		r->enc = ENC_GB18030;
		snprintf(r->why, sizeof(r->why), "--encoding");
	} else if (forced) {
		r->enc = ENC_UTF8;
		r->check_utf8 = true;
		snprintf(r->why, sizeof(r->why), "--encoding");
	} else if (bom) {
		/* UTF-8 whatever it holds; the count is for the note. */
		r->enc = ENC_UTF8;
		r->check_utf8 = true;
		r->counting = true;
		r->counted = 3;
		snprintf(r->why, sizeof(r->why), "byte order mark");
	} else {
		/*
		 * The first block decides when it is the whole file, or when
		 * it already rules UTF-8 out; else the file is read as UTF-8
		 * on trust, and checked as it goes (csv_reader_next()).
		 */
		if (first_block(r, &st, &counted, err) < 0)
			goto fail;
		early = hopeless(&st, r->size, r->end);
		if (!r->eof && !early) {
			r->enc = ENC_UTF8;
			r->speculative = true;
			r->counting = true;
			/*
			 * The first block is counted once: the lines in it
			 * are not counted again as they are fed
			 * (count_line()).
			 */
			r->st = st;
			r->counted = counted;
			r->check_utf8 = true;
			snprintf(r->why, sizeof(r->why), "detected");
			return r;
		}
		r->check_utf8 = st.invalid > 0;
		if (utf8_stats_is_utf8(&st)) {
			r->enc = ENC_UTF8;
			if (st.invalid)
				snprintf(r->why, sizeof(r->why),
					 "detected, %zu invalid sequences",
					 st.invalid);
			else
				snprintf(r->why, sizeof(r->why), "detected");
		} else {
			r->enc = ENC_GB18030;
			snprintf(r->why, sizeof(r->why),
				 "detected: %s%zu invalid UTF-8 sequences",
				 early ? "at least " : "", st.invalid);
		}
	}
	if (r->enc == ENC_GB18030 && gb18030_ready(r, err) < 0)
		goto fail;
	return r;
fail:
	csv_reader_free(r);
	return NULL;
}

/* A reader of the file at path, its first block not read yet; or NULL. */
static struct csv_reader *open_file(const char *path, struct buf *err)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));
	struct buf why = BUF_INIT;

	r->path = xstrdup(path);
	r->fd = text_open_regular(path, &why);
	if (r->fd < 0)
		buf_addf(err, "%s: %s", path, why.s);
	buf_release(&why);
	if (r->fd < 0) {
		csv_reader_free(r);
		return NULL;
	}
	r->cap = BLOCK;
	r->buf = xmalloc(r->cap);
	r->owns_buf = true;
	return r;
}

struct csv_reader *csv_reader_open(const char *path, const char *encoding,
				   size_t max_field_bytes, struct buf *err)
{
	struct csv_reader *r = open_file(path, err);

	return r ? open_common(r, encoding, max_field_bytes, err) : NULL;
}

struct csv_reader *csv_reader_open_mem(const char *data, size_t len,
				       const char *encoding,
				       size_t max_field_bytes,
				       struct buf *err)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));

	r->path = xstrdup("(memory)");
	r->fd = -1;
	r->buf = (char *)data;
	r->cap = r->end = len;
	r->eof = true;
	return open_common(r, encoding, max_field_bytes, err);
}

void csv_reader_limit_header(struct csv_reader *r, size_t max_bytes)
{
	r->max_header = max_bytes;
}

bool csv_reader_over_limit(const struct csv_reader *r)
{
	return r->over_limit;
}

int csv_reader_decide(struct csv_reader *r, struct buf *err)
{
	struct utf8_stats st = { 0, 0 };
	bool early = false;

	if (!r->speculative)
		return 0;
	if (detect(r, &st, &early, err) < 0)
		return -1;
	r->speculative = r->counting = false;
	if (utf8_stats_is_utf8(&st)) {
		if (st.invalid)
			snprintf(r->why, sizeof(r->why),
				 "detected, %zu invalid sequences", st.invalid);
		return 0;
	}
	r->st = st;
	if (restart_gb18030(r, early, err) < 0)
		return -1;
	return CSV_RESTART;
}

int csv_reader_sha256(struct csv_reader *r, char out[65])
{
	struct sha256_ctx c;
	unsigned char digest[SHA256_DIGEST_SIZE];
	char block[65536];

	if (r->part) {
		*out = '\0';
		return -1;
	}
	/* Whatever the reading left unread is hashed now. */
	while (r->fd >= 0) {
		ssize_t n;

		do
			n = pread(r->fd, block, sizeof(block), (off_t)r->hashed);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -1;
		if (!n)
			break;
		sha256_update(&r->sha, block, (size_t)n);
		r->hashed += (uint64_t)n;
	}
	c = r->sha;
	sha256_final(&c, digest);
	sha256_hex(digest, out);
	return 0;
}

const char *csv_reader_encoding(const struct csv_reader *r)
{
	return r->enc == ENC_GB18030 ? "GB18030" : "UTF-8";
}

const char *csv_reader_encoding_why(const struct csv_reader *r)
{
	return r->why;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	if (r->owns_buf)
		free(r->buf);
	csv_free(&r->p);
	text_gb18030_close(r->cd);
	buf_release(&r->conv);
	buf_release(&r->data);
	free(r->offs);
	free(r->lens);
	free(r->fptr);
	free(r->path);
	free(r);
}

/* ---- plans: one file read by several threads (csvread.h) ---- */

/*
 * The boundary scan's state. It follows libcsv's quoting with three
 * facts: a quote opens a field only at its start (after a comma or at a
 * line start), "" inside quotes is one quote, and a record can end only
 * at a line end outside quotes.
 */
struct scan {
	uint64_t chunk;         /* the least bytes of a part */
	uint32_t line;          /* of the byte looked at */
	bool odd;               /* inside a quoted field */
	bool line_odd;          /* ... when the line began */
	bool skip;              /* after a syntax error: to the line's end */
	bool failed;            /* something the plan cannot vouch for */
	unsigned char prev;     /* the byte before; '\n' at a line start */
	struct csv_part *parts;
	size_t nparts, aparts;
};

static size_t next_of(const unsigned char *b, size_t from, size_t n, int c)
{
	const unsigned char *p = from < n ? memchr(b + from, c, n - from)
					  : NULL;

	return p ? (size_t)(p - b) : n;
}

/*
 * A syntax error libcsv reports at this byte (CSV_STRICT): the reader
 * drops the rest of the line and goes on at the next one, unless the
 * record began on an earlier line (it would read those lines again).
 */
static void scan_error(struct scan *sc)
{
	if (sc->line_odd)
		sc->failed = true;
	sc->odd = false;
	sc->skip = true;
}

/*
 * Scans the n bytes at b (file offset off); final when nothing follows.
 * Returns how many were scanned: a quote or a CR at the end waits for
 * the byte after it, in the next call.
 */
static size_t scan_block(struct scan *sc, const unsigned char *b, size_t n,
			 uint64_t off, bool final)
{
	size_t i = 0, q, lf, cr, j;

	q = next_of(b, 0, n, '"');
	lf = next_of(b, 0, n, '\n');
	cr = next_of(b, 0, n, '\r');
	while (!sc->failed) {
		int next;
		unsigned char prev;

		if (q < i)
			q = next_of(b, i, n, '"');
		if (lf < i)
			lf = next_of(b, i, n, '\n');
		if (cr < i)
			cr = next_of(b, i, n, '\r');
		j = q < lf ? q : lf;
		j = cr < j ? cr : j;
		if (j >= n)
			break;
		if (j + 1 >= n && !final && b[j] != '\n') {
			sc->prev = j ? b[j - 1] : sc->prev;
			return j;
		}
		next = j + 1 < n ? b[j + 1] : -1;
		prev = j ? b[j - 1] : sc->prev;
		i = j + 1;
		if (b[j] == '"') {
			if (sc->skip)
				continue;
			if (!sc->odd) {
				if (prev == ',' || prev == '\n' || prev == '\r')
					sc->odd = true;
				else if (prev == ' ' || prev == '\t')
					sc->failed = true;      /* libcsv may open it */
				else
					scan_error(sc);         /* a stray quote */
			} else if (next == '"') {
				i = j + 2;                      /* "" */
			} else if (next == ',' || next == '\r' || next == '\n' ||
				   next < 0) {
				sc->odd = false;
			} else if (next == ' ' || next == '\t') {
				sc->failed = true;
			} else {
				scan_error(sc); /* a character after the quote */
			}
			continue;
		}
		if (b[j] == '\r' && next == '\n')
			i = j + 2;
		sc->line++;
		sc->skip = false;
		sc->line_odd = sc->odd;
		if (!sc->odd && off + i - sc->parts[sc->nparts - 1].off >=
				       sc->chunk) {
			ALLOC_GROW(sc->parts, sc->nparts + 1, sc->aparts);
			sc->parts[sc->nparts].off = off + i;
			sc->parts[sc->nparts].line = sc->line;
			sc->nparts++;
		}
	}
	sc->prev = n ? b[n - 1] : sc->prev;
	return n;
}

void csv_plan_release(struct csv_plan *plan)
{
	free(plan->parts);
	memset(plan, 0, sizeof(*plan));
}

int csv_plan_file(const char *path, const char *encoding,
		  size_t max_field_bytes, size_t max_header_bytes,
		  uint64_t chunk_bytes, struct csv_plan *plan)
{
	struct buf err = BUF_INIT;
	struct csv_reader *r;
	struct csv_record rec;
	struct scan sc;
	unsigned char *block = NULL;
	uint64_t base = 0, hdr_end, size = 0;
	size_t carry = 0, k;
	int ret = 0;

	memset(plan, 0, sizeof(*plan));
	memset(&sc, 0, sizeof(sc));
	r = csv_reader_open(path, encoding, max_field_bytes, &err);
	if (!r)
		goto out;
	/* The header as the reader takes it, and the encoding as settled. */
	csv_reader_limit_header(r, max_header_bytes);
	if (csv_reader_next(r, &rec, &err) != 1 || rec.malformed)
		goto out;
	hdr_end = r->buf_off + r->start;
	sc.line = r->line;
	if (rec.bad_encoding && csv_reader_decide(r, &err) < 0)
		goto out;
	plan->encoding = csv_reader_encoding(r);
	plan->check_utf8 = r->check_utf8;
	plan->speculative = r->speculative;
	plan->counted = r->counting && !r->speculative;
	memcpy(plan->why, r->why, sizeof(plan->why));

	sc.chunk = chunk_bytes ? chunk_bytes : 1;
	sc.prev = '\n';
	ALLOC_GROW(sc.parts, 1, sc.aparts);
	sc.parts[0].off = 0;
	sc.parts[0].line = 1;
	sc.nparts = 1;
	block = xmalloc(BLOCK + 1);
	for (;;) {
		ssize_t n;
		size_t len, s, done;

		do
			n = pread(r->fd, block + carry, BLOCK,
				  (off_t)(base + carry));
		while (n < 0 && errno == EINTR);
		if (n < 0)
			goto out;
		len = carry + (size_t)n;
		s = hdr_end > base ? (size_t)(hdr_end - base < len ?
					      hdr_end - base : len) : 0;
		if (s == len && n)
			done = 0;
		else
			done = scan_block(&sc, block + s, len - s, base + s,
					  n == 0);
		if (sc.failed)
			goto out;
		if (n == 0) {
			size = base + len;
			break;
		}
		carry = len - s - done;
		memmove(block, block + s + done, carry);
		base += s + done;
	}
	/* A quote that never closes: the reader's recovery decides. */
	if (sc.odd)
		goto out;
	if (sc.parts[sc.nparts - 1].off >= size)
		sc.nparts--;
	for (k = 0; k < sc.nparts; k++)
		sc.parts[k].end = k + 1 < sc.nparts ? sc.parts[k + 1].off
						    : size;
	if (sc.nparts > 1) {
		plan->parts = sc.parts;
		plan->nparts = sc.nparts;
		sc.parts = NULL;
		ret = 1;
	}
out:
	free(sc.parts);
	free(block);
	csv_reader_free(r);
	buf_release(&err);
	if (!ret)
		csv_plan_release(plan);
	return ret;
}

struct csv_reader *csv_reader_open_part(const char *path,
					const struct csv_plan *plan,
					size_t k, size_t max_field_bytes,
					struct buf *err)
{
	struct csv_reader *r = open_file(path, err);
	const struct csv_part *pt = &plan->parts[k];
	uint64_t len = pt->end - pt->off;
	bool bom;

	if (!r)
		return NULL;
	/* A small part needs no mebibyte: refill() grows it if need be. */
	if (len + 4096 < r->cap) {
		r->cap = (size_t)len + 4096;
		r->buf = xrealloc(r->buf, r->cap);
	}
	r->max_field = max_field_bytes;
	r->hashed = UINT64_MAX;         /* the plan's caller takes the digest */
	r->part = true;
	r->stop = pt->end;
	if (k) {
		r->jump_off = pt->off;
		r->jump_line = pt->line;
	}
	if (parser_setup(r, &bom, err) < 0)
		goto fail;
	r->enc = strcmp(plan->encoding, "GB18030") ? ENC_UTF8 : ENC_GB18030;
	r->check_utf8 = plan->check_utf8;
	/* Counted, never restarted: the plan's caller judges the counts. */
	r->counting = plan->counted || plan->speculative;
	r->counted = bom ? 3 : 0;
	snprintf(r->why, sizeof(r->why), "%s", plan->why);
	if (r->enc == ENC_GB18030 && gb18030_ready(r, err) < 0)
		goto fail;
	return r;
fail:
	csv_reader_free(r);
	return NULL;
}

size_t csv_reader_invalid(const struct csv_reader *r)
{
	return r->st.invalid;
}
