/*
 * pdfdoc.c - documents, text, wrapping and drawing over libharu (see
 * pdfdoc.h).
 *
 * Invariants: a struct pdfdoc's error is the first error libharu reported
 * through the handler, and once it is set every call returns -1 and
 * pdfdoc_save() writes nothing. Only clean text (pdfdoc_clean) reaches
 * libharu, so the UTF-8 encoder never sees a character the embedded font
 * lacks. Widths come from the TrueType font definition, cached per BMP
 * code point; they equal HPDF_Page_TextWidth because huifang sets no
 * character or word spacing.
 */
#define _GNU_SOURCE    /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/chtime.h"
#include "util/folder.h"
#include "util/outfile.h"
#include "report/pdfdoc.h"
#include "report/ttf_subset.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define BOX_CODE 0x25A1

/* ---- font preparation ---------------------------------------------- */

/*
 * The font file, read-only: mapped where the system allows it, so that
 * only the pages of the tables a subset needs are ever touched (the
 * bundled CJK font is 16 MB, and every PDF of a run reads it: reading it
 * whole each time was most of a small run's memory traffic), else read
 * into memory. A font is replaced by a package upgrade through a rename,
 * which leaves a mapping of the old file intact.
 */
struct font_file {
	const unsigned char *p;
	size_t len;
	void *map;              /* the mapping, or NULL */
	struct buf copy;        /* the bytes read, without one */
};

static int font_file_open(struct font_file *ff, const char *path,
			  struct buf *err)
{
	FILE *fp;
	struct stat st;
	struct buf why = BUF_INIT;
	int fd, ret = -1;

	ff->p = NULL;
	ff->len = 0;
	ff->map = NULL;
	buf_init(&ff->copy);
	/* A FIFO or a device named as the font is refused, not waited on. */
	fd = text_open_regular(path, &why);
	if (fd < 0) {
		buf_addf(err, "%s: %s", path, why.s);
		buf_release(&why);
		return -1;
	}
	buf_release(&why);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ,
			       MAP_PRIVATE, fd, 0);

		if (m != MAP_FAILED) {
			ff->map = m;
			ff->p = m;
			ff->len = (size_t)st.st_size;
			close(fd);
			return 0;
		}
	}
	/* Not a regular file, or no mapping: read it whole. */
	fp = fdopen(fd, "rb");
	if (!fp) {
		buf_addf(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (buf_read_stream(&ff->copy, fp) < 0) {
		buf_addf(err, "%s: read error", path);
		goto out;
	}
	ff->p = (const unsigned char *)ff->copy.s;
	ff->len = ff->copy.len;
	ret = 0;
out:
	fclose(fp);
	return ret;
}

static void font_file_close(struct font_file *ff)
{
	if (ff->map)
		munmap(ff->map, ff->len);
	buf_release(&ff->copy);
	ff->map = NULL;
	ff->p = NULL;
	ff->len = 0;
}

void pdffont_add_chars(unsigned char *chars, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp = *p;
		size_t len = 1;

		if (*p >= 0xE0 && *p <= 0xEF && (p[1] & 0xC0) == 0x80 &&
		    (p[2] & 0xC0) == 0x80) {
			cp = (uint32_t)(p[0] & 0x0F) << 12 |
			     (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			len = 3;
		} else if (*p >= 0xC2 && *p <= 0xDF && (p[1] & 0xC0) == 0x80) {
			cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			len = 2;
		} else if (*p >= 0x80) {
			p++;
			continue;
		}
		chars[cp >> 3] |= (unsigned char)(1u << (cp & 7));
		p += len;
	}
}

int pdffont_check(const char *src, int index, struct buf *err)
{
	struct font_file file;
	struct buf cause = BUF_INIT;
	size_t face;
	int ret = -1;

	if (font_file_open(&file, src, err) < 0)
		goto out;
	if (ttf_find_face(file.p, file.len, index, &face, &cause) < 0) {
		buf_addf(err, "%s: %s", src, cause.s);
		goto out;
	}
	ret = 0;
out:
	font_file_close(&file);
	buf_release(&cause);
	return ret;
}

/*
 * libharu loads a font by path only. The path it gets names a file no
 * one else can reach: an unnamed memory file (memfd_create), opened again
 * through /proc/self/fd/N. Nothing is ever in a folder, so nothing can
 * be swapped for a link or another font between the writing and the
 * loading, and nothing is left behind by a killed run. 0, or -1 when the
 * system has no memfd or no /proc (the caller falls back to a file).
 */
static int unnamed_copy(struct pdffont *f, const struct buf *ttf)
{
	struct buf path = BUF_INIT;
	int fd = memfd_create("huifang-font", MFD_CLOEXEC);
	size_t i;

	if (fd < 0)
		return -1;
	for (i = 0; i < ttf->len;) {
		ssize_t w = write(fd, ttf->s + i, ttf->len - i);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		i += (size_t)w;
	}
	buf_addf(&path, "/proc/self/fd/%d", fd);
	if (access(path.s, R_OK) < 0)
		goto fail;
	f->path = buf_detach(&path, NULL);
	f->fd = fd;
	f->unnamed = true;
	return 0;
fail:
	buf_release(&path);
	close(fd);
	return -1;
}

int pdffont_prepare(struct pdffont *f, const char *src, int index,
		    const char *dir, const unsigned char *chars,
		    struct buf *err)
{
	struct font_file file;
	struct buf ttf = BUF_INIT, tmp = BUF_INIT;
	struct buf cause = BUF_INIT;
	size_t i;
	unsigned n;
	int fd = -1, dfd, ret = -1;

	memset(f, 0, sizeof(*f));
	if (font_file_open(&file, src, err) < 0)
		goto out;
	if (ttf_subset_build(file.p, file.len, index, chars, &ttf,
			     &f->subset, &cause) < 0) {
		buf_addf(err, "%s: %s", src, cause.s);
		goto out;
	}

	if (unnamed_copy(f, &ttf) == 0) {
		ret = 0;
		goto out;
	}
	/*
	 * Without memfd or /proc: a named file, made with O_EXCL in the
	 * folder entered without following links (folder.h), and named
	 * like outfile.h's temporaries (".<x>.tmp-<pid>-<n>"), so that
	 * the week folder's cleanup recognises the leftover of a killed run.
	 */
	dfd = folder_open(dir, false, err);
	if (dfd < 0)
		goto out;
	for (n = 1;; n++) {
		buf_reset(&tmp);
		buf_addf(&tmp, "%s/.huifang-font.ttf.tmp-%ld-%u", dir,
			 (long)getpid(), n);
		fd = openat(dfd, strrchr(tmp.s, '/') + 1, O_WRONLY | O_CREAT |
			    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST || n >= 1000)
			break;
	}
	close(dfd);
	if (fd < 0) {
		buf_addf(err, "%s: %s", tmp.s, strerror(errno));
		goto out;
	}
	f->path = buf_detach(&tmp, NULL);
	for (i = 0; i < ttf.len;) {
		ssize_t w = write(fd, ttf.s + i, ttf.len - i);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			buf_addf(err, "%s: %s", f->path, strerror(errno));
			goto out;
		}
		i += (size_t)w;
	}
	if (close(fd) < 0) {
		fd = -1;
		buf_addf(err, "%s: %s", f->path, strerror(errno));
		goto out;
	}
	fd = -1;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		pdffont_release(f);
	font_file_close(&file);
	buf_release(&ttf);
	buf_release(&tmp);
	buf_release(&cause);
	return ret;
}

void pdffont_release(struct pdffont *f)
{
	if (f->unnamed)
		close(f->fd);
	else if (f->path)
		unlink(f->path);
	f->unnamed = false;
	free(f->path);
	f->path = NULL;
}

/* ---- documents ------------------------------------------------------ */

static void error_handler(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct pdfdoc *pd = data;

	if (!pd->error) {
		pd->error = error;
		pd->detail = detail;
	}
}

void pdfdoc_describe_error(const struct pdfdoc *pd, struct buf *out)
{
	if (!pd->error) {
		buf_adds(out, "the document could not be laid out");
		return;
	}
	buf_addf(out, "libharu error 0x%04lX (detail %lu)",
		 (unsigned long)pd->error, (unsigned long)pd->detail);
}

static int failed(const struct pdfdoc *pd)
{
	return pd->error ? -1 : 0;
}

/*
 * libharu 2.3.0 gives the UTF-8 font a "ToUnicode" stream that is really
 * an encoding CMap (begincidrange), which poppler rejects ("Invalid
 * 'begincidrange' operator in ToUnicode CMap") and which maps nothing.
 * With the UTF-8 encoder and Identity-H the codes in the content streams
 * are the characters' UTF-16 code units, all in the BMP (pdfdoc_clean
 * replaces the rest), so the correct CMap is the identity: one bfrange
 * per high byte, the low byte varying as bfrange requires, surrogates
 * left out. The stream is rewritten in place; libharu still compresses
 * it when saving.
 */
static int write_to_unicode(struct pdfdoc *pd)
{
	HPDF_Dict cmap = HPDF_Dict_GetItem(pd->font, "ToUnicode",
					   HPDF_OCLASS_DICT);
	struct buf s = BUF_INIT;
	unsigned hi, in_block = 0, blocks_left;
	int ret = -1;

	if (!cmap || !cmap->stream)
		return -1;
	buf_adds(&s, "/CIDInit /ProcSet findresource begin\n"
		 "12 dict begin\n"
		 "begincmap\n"
		 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
		 "/Supplement 0 >> def\n"
		 "/CMapName /Adobe-Identity-UCS def\n"
		 "/CMapType 2 def\n"
		 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* 248 ranges (256 high bytes less 8 of surrogates), 100 a block. */
	blocks_left = 248;
	for (hi = 0; hi < 256; hi++) {
		if (hi >= 0xD8 && hi <= 0xDF)
			continue;
		if (in_block == 0)
			buf_addf(&s, "%u beginbfrange\n",
				 blocks_left < 100 ? blocks_left : 100);
		if (hi == 0)
			buf_adds(&s, "<0020> <00FF> <0020>\n");
		else
			buf_addf(&s, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
		blocks_left--;
		if (++in_block == 100 || blocks_left == 0) {
			buf_adds(&s, "endbfrange\n");
			in_block = 0;
		}
	}
	buf_adds(&s, "endcmap\n"
		 "CMapName currentdict /CMap defineresource pop\n"
		 "end\nend\n");
	HPDF_MemStream_FreeData(cmap->stream);
	if (HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)s.s,
			      (HPDF_UINT)s.len) != HPDF_OK)
		goto out;
	ret = 0;
out:
	buf_release(&s);
	return ret;
}

int pdfdoc_open(struct pdfdoc *pd, const struct pdffont *font,
		const char *title, int64_t as_of, struct buf *err)
{
	struct civil c;
	HPDF_Date date;
	const char *name;
	size_t i;

	memset(pd, 0, sizeof(*pd));
	pd->doc = HPDF_New(error_handler, pd);
	if (!pd->doc) {
		buf_adds(err, "libharu: cannot create a document");
		return -1;
	}
	HPDF_SetCompressionMode(pd->doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pd->doc);
	HPDF_SetCurrentEncoder(pd->doc, "UTF-8");
	pd->encoder = HPDF_GetEncoder(pd->doc, "UTF-8");
	name = HPDF_LoadTTFontFromFile(pd->doc, font->path, HPDF_TRUE);
	if (name)
		pd->font = HPDF_GetFont(pd->doc, name, "UTF-8");
	if (pd->error || !pd->font || !pd->encoder) {
		buf_adds(err, "cannot load the font: ");
		pdfdoc_describe_error(pd, err);
		goto fail;
	}
	pd->fontdef = ((HPDF_FontAttr)pd->font->attr)->fontdef;
	if (write_to_unicode(pd) < 0 || pd->error) {
		buf_adds(err, "cannot write the font's ToUnicode map: ");
		pdfdoc_describe_error(pd, err);
		goto fail;
	}

	chtime_civil(as_of, &c);
	memset(&date, 0, sizeof(date));
	date.year = c.year;
	date.month = c.month;
	date.day = c.day;
	date.hour = c.hour;
	date.minutes = c.minute;
	date.seconds = c.second;
	date.ind = '+';
	date.off_hour = 8;
	date.off_minutes = 0;
	HPDF_SetInfoDateAttr(pd->doc, HPDF_INFO_CREATION_DATE, date);
	HPDF_SetInfoDateAttr(pd->doc, HPDF_INFO_MOD_DATE, date);
	HPDF_SetInfoAttr(pd->doc, HPDF_INFO_CREATOR, "huifang");
	if (title)
		HPDF_SetInfoAttr(pd->doc, HPDF_INFO_TITLE, title);
	if (pd->error) {
		pdfdoc_describe_error(pd, err);
		goto fail;
	}
	pd->widths = xmalloc(65536 * sizeof(*pd->widths));
	for (i = 0; i < 65536; i++)
		pd->widths[i] = -1;
	return 0;
fail:
	pdfdoc_close(pd);
	return -1;
}

void pdfdoc_close(struct pdfdoc *pd)
{
	if (pd->doc)
		HPDF_Free(pd->doc);
	free(pd->pages);
	free(pd->widths);
	memset(pd, 0, sizeof(*pd));
}

int pdfdoc_add_page(struct pdfdoc *pd, enum pdf_orientation o)
{
	HPDF_Page page;

	if (failed(pd))
		return -1;
	page = HPDF_AddPage(pd->doc);
	if (!page)
		return -1;
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4,
			  o == PDF_LANDSCAPE ? HPDF_PAGE_LANDSCAPE
					     : HPDF_PAGE_PORTRAIT);
	ALLOC_GROW(pd->pages, pd->npages + 1, pd->alloc);
	pd->pages[pd->npages++] = page;
	pd->page = page;
	pd->page_w = HPDF_Page_GetWidth(page);
	pd->page_h = HPDF_Page_GetHeight(page);
	return failed(pd);
}

int pdfdoc_use_page(struct pdfdoc *pd, size_t i)
{
	if (i >= pd->npages)
		return -1;
	pd->page = pd->pages[i];
	pd->page_w = HPDF_Page_GetWidth(pd->page);
	pd->page_h = HPDF_Page_GetHeight(pd->page);
	return failed(pd);
}

/* ---- text ----------------------------------------------------------- */

/*
 * Decodes one UTF-8 character at s (n bytes available). Returns its length
 * and sets *cp, or returns 0 for an invalid sequence (overlong forms,
 * surrogates and values above U+10FFFF included), as utf8_seq() judges.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = utf8_seq(s, n, NULL), i;
	uint32_t c;

	if (len == 0)
		return 0;
	/* The lead byte's payload: 7, 5, 4 or 3 bits. */
	c = len == 1 ? s[0] : s[0] & (0x7Fu >> len);
	for (i = 1; i < len; i++)
		c = c << 6 | (s[i] & 0x3F);
	*cp = c;
	return len;
}

/* The width of a BMP code point in 1/1000 em, or -2 without a glyph. */
static int char_width(struct pdfdoc *pd, uint32_t cp)
{
	int16_t w = pd->widths[cp];

	if (w == -1) {
		if (cp != 0x20 &&
		    HPDF_TTFontDef_GetGlyphid(pd->fontdef, (HPDF_UINT16)cp) == 0) {
			w = -2;
		} else {
			w = HPDF_TTFontDef_GetCharWidth(pd->fontdef,
							(HPDF_UINT16)cp);
			if (w < 0)
				w = 0;
		}
		pd->widths[cp] = w;
	}
	return w;
}

void pdfdoc_clean(struct pdfdoc *pd, const char *s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	while (n > 0) {
		uint32_t cp;
		size_t len = utf8_decode(p, n, &cp);

		if (len == 0) {
			/* Skip the whole damaged sequence as one character. */
			len = 1;
			while (len < n && (p[len] & 0xC0) == 0x80)
				len++;
			buf_adds(out, PDF_BOX);
			pd->replaced++;
		} else if (cp == '\n') {
			buf_addch(out, '\n');
		} else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			buf_addch(out, ' ');
		} else if (cp > 0xFFFF || char_width(pd, cp) == -2) {
			buf_adds(out, PDF_BOX);
			pd->replaced++;
		} else {
			buf_add(out, p, len);
		}
		p += len;
		n -= len;
	}
}

float pdfdoc_width(struct pdfdoc *pd, const char *s, size_t len, float size)
{
	const unsigned char *p = (const unsigned char *)s;
	long total = 0;

	while (len > 0) {
		uint32_t cp;
		size_t n = utf8_decode(p, len, &cp);
		int w;

		if (n == 0)
			n = 1, cp = BOX_CODE;
		if (cp <= 0xFFFF) {
			w = char_width(pd, cp);
			if (w > 0)
				total += w;
		}
		p += n;
		len -= n;
	}
	return (float)total * size / 1000.0f;
}

static int is_word_char(uint32_t cp)
{
	return cp < 0x80 && cp != ' ';
}

/* Punctuation that must not begin a line of Chinese text (避头点). */
static int no_line_start(uint32_t cp)
{
	static const uint32_t marks[] = {
		0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09,
		0x300B, 0x300D, 0x300F, 0x201D, 0x2019, 0x3011, 0xFF0E, 0x2026,
	};
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (cp == marks[i])
			return 1;
	return 0;
}

size_t pdfdoc_wrap(struct pdfdoc *pd, const char *text, float size,
		   float width, struct pdf_lines *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), start = 0, i = 0, count = 0;
	size_t last_space = (size_t)-1, prev = (size_t)-1;
	long limit = lroundf(width * 1000.0f / size), line_w = 0;

	while (i <= n) {
		uint32_t cp = 0;
		size_t len = 0;
		int w = 0;

		if (i < n) {
			len = utf8_decode(p + i, n - i, &cp);
			if (len == 0)
				len = 1, cp = BOX_CODE;
			if (cp <= 0xFFFF && cp != '\n') {
				w = char_width(pd, cp);
				if (w < 0)
					w = 0;
			}
		}
		if (i == n || cp == '\n') {
			ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			out->v[out->nr].off = start;
			out->v[out->nr++].len = i - start;
			count++;
			if (i == n)
				break;
			i += len;
			start = i;
			line_w = 0;
			last_space = (size_t)-1;
			prev = (size_t)-1;
			continue;
		}
		if (line_w + w > limit && i > start) {
			size_t end = i, next = i;

			/*
			 * Inside a Latin word, break at the line's last space
			 * (the space itself is dropped); CJK text breaks
			 * between any two characters.
			 */
			if (is_word_char(cp) && last_space != (size_t)-1 &&
			    last_space > start) {
				end = last_space;
				next = last_space + 1;
			} else if (cp == ' ') {
				next = i + 1;
			} else if (no_line_start(cp) && prev != (size_t)-1 &&
				   prev > start) {
				/* Take the previous character down with the
				 * comma rather than start a line with it. */
				end = prev;
				next = prev;
			}
			ALLOC_GROW(out->v, out->nr + 1, out->alloc);
			out->v[out->nr].off = start;
			out->v[out->nr++].len = end - start;
			count++;
			start = next;
			i = next;
			line_w = 0;
			last_space = (size_t)-1;
			prev = (size_t)-1;
			continue;
		}
		if (cp == ' ')
			last_space = i;
		line_w += w;
		prev = i;
		i += len;
	}
	return count;
}

void pdf_lines_release(struct pdf_lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int pdfdoc_text_clean(struct pdfdoc *pd, float x, float y, float size,
		      const char *s, size_t len)
{
	char small[256];
	char *text = small;

	if (failed(pd) || !pd->page)
		return -1;
	if (len == 0)
		return 0;
	if (len >= sizeof(small))
		text = xmalloc(len + 1);
	memcpy(text, s, len);
	text[len] = '\0';
	HPDF_Page_BeginText(pd->page);
	HPDF_Page_SetFontAndSize(pd->page, pd->font, size);
	HPDF_Page_TextOut(pd->page, x, y, text);
	HPDF_Page_EndText(pd->page);
	if (text != small)
		free(text);
	return failed(pd);
}

int pdfdoc_text(struct pdfdoc *pd, float x, float y, float size,
		const char *s)
{
	return pdfdoc_text_in(pd, x, y, 0, size, PDF_LEFT, s);
}

int pdfdoc_text_in(struct pdfdoc *pd, float x, float y, float w, float size,
		   enum pdf_align align, const char *s)
{
	struct buf clean = BUF_INIT;
	size_t i;
	int ret;

	pdfdoc_clean(pd, s, &clean);
	for (i = 0; i < clean.len; i++)
		if (clean.s[i] == '\n')
			clean.s[i] = ' ';
	if (align != PDF_LEFT) {
		float tw = pdfdoc_width(pd, clean.s, clean.len, size);

		x += align == PDF_CENTER ? (w - tw) / 2 : w - tw;
	}
	ret = pdfdoc_text_clean(pd, x, y, size, clean.s, clean.len);
	buf_release(&clean);
	return ret;
}

/* ---- drawing -------------------------------------------------------- */

static void set_fill(struct pdfdoc *pd, long rgb)
{
	HPDF_Page_SetRGBFill(pd->page, (float)(rgb >> 16 & 0xff) / 255.0f,
			     (float)(rgb >> 8 & 0xff) / 255.0f,
			     (float)(rgb & 0xff) / 255.0f);
}

static void set_stroke(struct pdfdoc *pd, long rgb)
{
	HPDF_Page_SetRGBStroke(pd->page, (float)(rgb >> 16 & 0xff) / 255.0f,
			       (float)(rgb >> 8 & 0xff) / 255.0f,
			       (float)(rgb & 0xff) / 255.0f);
}

int pdfdoc_rect(struct pdfdoc *pd, float x, float y, float w, float h,
		long fill, long stroke, float line_width)
{
	if (failed(pd) || !pd->page)
		return -1;
	if (fill < 0 && stroke < 0)
		return 0;
	HPDF_Page_GSave(pd->page);
	if (fill >= 0)
		set_fill(pd, fill);
	if (stroke >= 0) {
		set_stroke(pd, stroke);
		HPDF_Page_SetLineWidth(pd->page, line_width);
	}
	HPDF_Page_Rectangle(pd->page, x, y, w, h);
	if (fill >= 0 && stroke >= 0)
		HPDF_Page_FillStroke(pd->page);
	else if (fill >= 0)
		HPDF_Page_Fill(pd->page);
	else
		HPDF_Page_Stroke(pd->page);
	HPDF_Page_GRestore(pd->page);
	return failed(pd);
}

int pdfdoc_line(struct pdfdoc *pd, float x1, float y1, float x2, float y2,
		long stroke, float line_width, int dashed)
{
	static const HPDF_UINT16 dash[] = { 3, 2 };

	if (failed(pd) || !pd->page)
		return -1;
	HPDF_Page_GSave(pd->page);
	set_stroke(pd, stroke);
	HPDF_Page_SetLineWidth(pd->page, line_width);
	if (dashed)
		HPDF_Page_SetDash(pd->page, dash, 2, 0);
	HPDF_Page_MoveTo(pd->page, x1, y1);
	HPDF_Page_LineTo(pd->page, x2, y2);
	HPDF_Page_Stroke(pd->page);
	HPDF_Page_GRestore(pd->page);
	return failed(pd);
}

int pdfdoc_polyline(struct pdfdoc *pd, const float *xs, const float *ys,
		    size_t n, long stroke, float line_width)
{
	size_t i;

	if (failed(pd) || !pd->page)
		return -1;
	if (n < 2)
		return 0;
	HPDF_Page_GSave(pd->page);
	set_stroke(pd, stroke);
	HPDF_Page_SetLineWidth(pd->page, line_width);
	HPDF_Page_SetLineJoin(pd->page, HPDF_ROUND_JOIN);
	HPDF_Page_MoveTo(pd->page, xs[0], ys[0]);
	for (i = 1; i < n; i++)
		HPDF_Page_LineTo(pd->page, xs[i], ys[i]);
	HPDF_Page_Stroke(pd->page);
	HPDF_Page_GRestore(pd->page);
	return failed(pd);
}

int pdfdoc_mark(struct pdfdoc *pd, float x, float y, float size, int ok)
{
	float lw = size / 7.0f;

	if (failed(pd) || !pd->page)
		return -1;
	HPDF_Page_GSave(pd->page);
	set_stroke(pd, ok ? 0x1E7B34 : 0xC0392B);
	HPDF_Page_SetLineWidth(pd->page, lw);
	HPDF_Page_SetLineCap(pd->page, HPDF_ROUND_END);
	HPDF_Page_SetLineJoin(pd->page, HPDF_ROUND_JOIN);
	if (ok) {
		HPDF_Page_MoveTo(pd->page, x + size * 0.1f, y + size * 0.5f);
		HPDF_Page_LineTo(pd->page, x + size * 0.4f, y + size * 0.15f);
		HPDF_Page_LineTo(pd->page, x + size * 0.9f, y + size * 0.9f);
	} else {
		HPDF_Page_MoveTo(pd->page, x + size * 0.15f, y + size * 0.15f);
		HPDF_Page_LineTo(pd->page, x + size * 0.85f, y + size * 0.85f);
		HPDF_Page_MoveTo(pd->page, x + size * 0.15f, y + size * 0.85f);
		HPDF_Page_LineTo(pd->page, x + size * 0.85f, y + size * 0.15f);
	}
	HPDF_Page_Stroke(pd->page);
	HPDF_Page_GRestore(pd->page);
	return failed(pd);
}

HPDF_Outline pdfdoc_bookmark(struct pdfdoc *pd, HPDF_Outline parent,
			     const char *title)
{
	struct buf clean = BUF_INIT;
	HPDF_Outline o = NULL;
	HPDF_Destination dest;

	if (failed(pd) || !pd->page)
		return NULL;
	pdfdoc_clean(pd, title, &clean);
	o = HPDF_CreateOutline(pd->doc, parent, clean.s, pd->encoder);
	buf_release(&clean);
	if (!o)
		return NULL;
	dest = HPDF_Page_CreateDestination(pd->page);
	if (!dest)
		return NULL;
	HPDF_Outline_SetDestination(o, dest);
	HPDF_Outline_SetOpened(o, HPDF_FALSE);
	return failed(pd) ? NULL : o;
}

int pdfdoc_save(struct pdfdoc *pd, const char *path, struct buf *err)
{
	return pdfdoc_save_mode(pd, path, 0666, err);
}

int pdfdoc_save_mode(struct pdfdoc *pd, const char *path, unsigned mode,
		     struct buf *err)
{
	struct outfile of;
	unsigned char chunk[65536];
	HPDF_UINT32 remaining;

	if (!pd->doc || failed(pd)) {
		buf_addf(err, "%s: ", path);
		pdfdoc_describe_error(pd, err);
		return -1;
	}
	if (HPDF_SaveToStream(pd->doc) != HPDF_OK || failed(pd)) {
		buf_addf(err, "%s: ", path);
		pdfdoc_describe_error(pd, err);
		return -1;
	}
	HPDF_ResetStream(pd->doc);
	remaining = HPDF_GetStreamSize(pd->doc);
	if (outfile_open_mode(&of, path, mode, err) < 0)
		return -1;
	while (remaining > 0) {
		HPDF_UINT32 n = remaining < sizeof(chunk) ? remaining
							  : sizeof(chunk);
		HPDF_STATUS st = HPDF_ReadFromStream(pd->doc, chunk, &n);

		/*
		 * The last chunk may come with HPDF_STREAM_EOF, which the
		 * handler saw as an error; it is the normal end here.
		 */
		if (st == HPDF_STREAM_EOF && pd->error == HPDF_STREAM_EOF) {
			pd->error = 0;
			HPDF_ResetError(pd->doc);
		}
		if (n == 0 || n > remaining || outfile_write(&of, chunk, n) < 0)
			break;
		remaining -= n;
		if (st != HPDF_OK && st != HPDF_STREAM_EOF)
			break;
	}
	if (remaining > 0 && !of.failed && !pd->error)
		pd->error = HPDF_STREAM_EOF;
	if (failed(pd) || of.failed) {
		buf_addf(err, "%s: ", path);
		if (of.failed)
			buf_adds(err, "write error");
		else
			pdfdoc_describe_error(pd, err);
		outfile_rollback(&of);
		return -1;
	}
	return outfile_commit(&of, err);
}

/* ---- tables --------------------------------------------------------- */

float pdf_table_width(const struct pdf_table *t)
{
	float w = 0;
	size_t i;

	for (i = 0; i < t->ncols; i++)
		w += t->cols[i].width;
	return w;
}

static float leading(const struct pdf_table *t)
{
	return t->size * 1.3f;
}

static int is_mark(const char *s)
{
	return !strcmp(s, PDF_CELL_TICK) || !strcmp(s, PDF_CELL_CROSS);
}

/*
 * Draws lines [from, to) of every cell as one band of height h starting at
 * t->y, with the borders around it.
 */
static int draw_band(struct pdf_table *t, struct buf *texts,
		     struct pdf_lines *lines, size_t *first, size_t from,
		     size_t to, float h, long fill, const char *const *cells)
{
	struct pdfdoc *pd = t->pd;
	float x = t->x, lead = leading(t);
	size_t c, i;

	if (fill >= 0)
		pdfdoc_rect(pd, t->x, t->y - h, pdf_table_width(t), h, fill, -1,
			    0);
	for (c = 0; c < t->ncols; c++) {
		float cw = t->cols[c].width;

		if (cells && is_mark(cells[c])) {
			if (from == 0) {
				float m = t->size;

				pdfdoc_mark(pd, x + (cw - m) / 2,
					    t->y - t->pad - m, m,
					    !strcmp(cells[c], PDF_CELL_TICK));
			}
			x += cw;
			continue;
		}
		for (i = from; i < to && first[c] + i < first[c + 1]; i++) {
			const struct pdf_line *l = &lines->v[first[c] + i];
			const char *s = texts[c].s + l->off;
			float tx = x + t->pad;
			float baseline = t->y - t->pad - t->size * 0.88f -
					 (float)(i - from) * lead;
			float tw, room = cw - 2 * t->pad;

			if (t->cols[c].align != PDF_LEFT) {
				tw = pdfdoc_width(pd, s, l->len, t->size);
				tx += t->cols[c].align == PDF_CENTER
					      ? (room - tw) / 2
					      : room - tw;
			}
			pdfdoc_text_clean(pd, tx, baseline, t->size, s, l->len);
		}
		x += cw;
	}
	/* Borders: the band's outline and the column separators. */
	if (t->border >= 0 && !pd->error) {
		HPDF_Page_GSave(pd->page);
		set_stroke(pd, t->border);
		HPDF_Page_SetLineWidth(pd->page, 0.5f);
		HPDF_Page_Rectangle(pd->page, t->x, t->y - h,
				    pdf_table_width(t), h);
		x = t->x;
		for (c = 0; c + 1 < t->ncols; c++) {
			x += t->cols[c].width;
			HPDF_Page_MoveTo(pd->page, x, t->y);
			HPDF_Page_LineTo(pd->page, x, t->y - h);
		}
		HPDF_Page_Stroke(pd->page);
		HPDF_Page_GRestore(pd->page);
	}
	t->y -= h;
	return failed(pd);
}

/*
 * Lays out and draws one row (header or body), breaking pages as needed.
 */
static int table_row(struct pdf_table *t, const char *const *cells,
		     long fill, int is_header)
{
	struct pdfdoc *pd = t->pd;
	struct buf *texts = xcalloc(t->ncols, sizeof(*texts));
	size_t *first = xcalloc(t->ncols + 1, sizeof(*first));
	struct pdf_lines lines = { 0 };
	size_t c, nlines = 1, done = 0;
	float lead = leading(t);
	int fresh = 0, ret = -1;

	for (c = 0; c < t->ncols; c++)
		buf_init(&texts[c]);

	for (c = 0; c < t->ncols; c++) {
		size_t n;

		first[c] = lines.nr;
		if (is_mark(cells[c])) {
			first[c + 1] = lines.nr;
			continue;
		}
		pdfdoc_clean(pd, cells[c], &texts[c]);
		n = pdfdoc_wrap(pd, texts[c].s, t->size,
				t->cols[c].width - 2 * t->pad, &lines);
		if (n > nlines)
			nlines = n;
	}
	first[t->ncols] = lines.nr;

	while (done < nlines) {
		float avail = t->y - t->bottom - 2 * t->pad;
		size_t fit = avail > 0 ? (size_t)((avail + 0.01f) / lead) : 0;
		size_t left = nlines - done, chunk;
		float page_room = t->top - t->bottom - 2 * t->pad -
				  (is_header ? 0 : lead * 1.5f + 2 * t->pad);
		size_t page_fit = page_room > 0 ? (size_t)(page_room / lead) : 1;
		float h;

		/*
		 * Break the page when the rest of the row does not fit here
		 * but would fit on a fresh page, or when nothing fits here;
		 * a header never stays alone at the bottom of a page.
		 */
		/*
		 * A row that must keep room after it (the last row before the
		 * signatures) moves to a fresh page with what follows rather
		 * than leave it alone on the next page.
		 */
		int keep = done == 0 && t->keep_with_next > 0 &&
			   t->rows_on_page > 0 &&
			   (float)left * lead + 2 * t->pad + t->keep_with_next >
				   t->y - t->bottom &&
			   (float)left * lead + 2 * t->pad + t->keep_with_next <=
				   page_room;

		if (!fresh &&
		    (fit == 0 || keep ||
		     (fit < left && left <= page_fit && t->rows_on_page > 0) ||
		     (is_header && t->y - t->bottom < 3 * lead + 4 * t->pad))) {
			if (t->new_page(pd, t->ctx) < 0)
				goto out;
			t->y = t->top;
			t->rows_on_page = 0;
			fresh = 1;
			if (!is_header) {
				const char **titles =
					xcalloc(t->ncols, sizeof(*titles));

				for (c = 0; c < t->ncols; c++)
					titles[c] = t->cols[c].title;
				if (table_row(t, titles, t->header_fill, 1) < 0) {
					free(titles);
					goto out;
				}
				free(titles);
			}
			continue;
		}
		/* A page too small for one line still takes one: no endless
		 * page breaks. */
		if (fit == 0)
			fit = 1;
		fresh = 0;
		chunk = left < fit ? left : fit;
		h = (float)chunk * lead + 2 * t->pad;
		if (done == 0 && chunk == nlines && h < t->min_row)
			h = t->min_row;
		if (draw_band(t, texts, &lines, first, done, done + chunk, h,
			      fill, is_header ? NULL : cells) < 0)
			goto out;
		done += chunk;
		if (!is_header)
			t->rows_on_page++;
	}
	ret = failed(pd);
out:
	for (c = 0; c < t->ncols; c++)
		buf_release(&texts[c]);
	free(texts);
	free(first);
	pdf_lines_release(&lines);
	return ret;
}

int pdf_table_start(struct pdf_table *t, float y)
{
	const char **titles = xcalloc(t->ncols, sizeof(*titles));
	size_t c;
	int ret;

	for (c = 0; c < t->ncols; c++)
		titles[c] = t->cols[c].title;
	t->y = y;
	t->rows_on_page = 0;
	ret = table_row(t, titles, t->header_fill, 1);
	free(titles);
	return ret;
}

int pdf_table_row(struct pdf_table *t, const char *const *cells, long fill)
{
	int ret = table_row(t, cells, fill, 0);

	t->keep_with_next = 0;
	return ret;
}

/* ---- charts --------------------------------------------------------- */

static void pct_label(struct buf *b, double v)
{
	buf_reset(b);
	buf_addf(b, "%.0f%%", v * 100.0);
}

static void y_axis(struct pdfdoc *pd, float x, float y, float w, float h,
		   double ymin, double ymax)
{
	struct buf label = BUF_INIT;
	int i;

	for (i = 0; i <= 5; i++) {
		double v = ymin + (ymax - ymin) * i / 5.0;
		float ty = y + h * (float)i / 5.0f;

		pdfdoc_line(pd, x, ty, x + w, ty, i ? 0xDDDDDD : 0x888888,
			    0.4f, 0);
		pct_label(&label, v);
		pdfdoc_text_in(pd, x - 34, ty - 2.5f, 30, 7, PDF_RIGHT,
			       label.s);
	}
	buf_release(&label);
}

/* The size of the category labels under bars. */
#define AXIS_LABEL 6.5f

/* The boxes of the value labels drawn so far in one chart. */
struct placed_box {
	float x0, y0, x1, y1;
};

struct placed {
	struct placed_box *v;
	size_t n, alloc;
};

static int box_hits(const struct placed *p, const struct placed_box *b)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (b->x0 < p->v[i].x1 && p->v[i].x0 < b->x1 &&
		    b->y0 < p->v[i].y1 && p->v[i].y0 < b->y1)
			return 1;
	return 0;
}

/*
 * Draws a value label centred on cx with its baseline at y, unless it
 * would touch a label already drawn: then one line higher, and if that
 * collides too (or leaves the chart's top), the label is dropped. Labels
 * never overlap, so none is ever unreadable.
 */
static void place_label(struct pdfdoc *pd, struct placed *p, float cx,
			float y, const char *text, float size, float top)
{
	float w = pdfdoc_width(pd, text, strlen(text), size);
	struct placed_box b;
	int tries;

	for (tries = 0; tries < 2; tries++, y += size + 1) {
		b.x0 = cx - w / 2 - 0.5f;
		b.x1 = cx + w / 2 + 0.5f;
		b.y0 = y - size * 0.25f;
		b.y1 = y + size;
		if (b.y1 > top + size)
			return;
		if (box_hits(p, &b))
			continue;
		pdfdoc_text(pd, cx - w / 2, y, size, text);
		ALLOC_GROW(p->v, p->n + 1, p->alloc);
		p->v[p->n++] = b;
		return;
	}
}

int pdfdoc_bar_chart(struct pdfdoc *pd, float x, float y, float w, float h,
		     const struct pdf_bar *bars, size_t n, double ymax)
{
	struct buf label = BUF_INIT, clean = BUF_INIT;
	struct pdf_lines lines = { 0 };
	struct placed placed = { NULL, 0, 0 };
	float slot, bw, label_h = 20;
	size_t i, k;

	if (failed(pd) || n == 0)
		return failed(pd);
	if (ymax <= 0)
		ymax = 1;
	y_axis(pd, x, y + label_h, w, h - label_h - 10, 0, ymax);
	slot = w / (float)n;
	bw = slot * 0.5f;
	if (bw > 40)
		bw = 40;
	for (i = 0; i < n; i++) {
		float bx = x + slot * (float)i + (slot - bw) / 2;
		float base = y + label_h, ph = h - label_h - 10;

		if (bars[i].has_target) {
			float ty = base + (float)(bars[i].target / ymax) * ph;

			pdfdoc_line(pd, bx - 4, ty, bx + bw + 4, ty, 0xC0392B,
				    1.2f, 1);
		}
		if (bars[i].has_value) {
			double v = bars[i].value < 0 ? 0 : bars[i].value;
			float bh = (float)(v / ymax) * ph;
			long colour = bars[i].has_target &&
					      bars[i].value < bars[i].target
				      ? 0xE08A3C
				      : 0x3C78B4;
			float top = base + bh;

			pdfdoc_rect(pd, bx, base, bw, bh, colour, -1, 0);
			/* The label sits above the bar and above its target
			 * line, never across either. */
			if (bars[i].has_target) {
				float ty = base +
					   (float)(bars[i].target / ymax) * ph;

				if (ty + 1 > top)
					top = ty + 1;
			}
			buf_reset(&label);
			buf_addf(&label, "%.1f%%", bars[i].value * 100.0);
			if (pdfdoc_width(pd, label.s, label.len, 7) > slot - 2)
				pct_label(&label, bars[i].value);
			place_label(pd, &placed, x + slot * (float)i + slot / 2,
				    top + 2, label.s, 7, y + h);
		} else {
			place_label(pd, &placed, x + slot * (float)i + slot / 2,
				    base + 2, "—", 7, y + h);
		}
		buf_reset(&clean);
		pdfdoc_clean(pd, bars[i].label, &clean);
		lines.nr = 0;
		pdfdoc_wrap(pd, clean.s, AXIS_LABEL, slot - 2, &lines);
		/* Two lines of label; a longer one ends in "…" (the tables
		 * beside the chart carry the full name). */
		for (k = 0; k < lines.nr && k < 2; k++) {
			const struct pdf_line *l = &lines.v[k];
			float tw;

			buf_reset(&label);
			buf_add(&label, clean.s + l->off, l->len);
			if (k == 1 && lines.nr > 2) {
				while (label.len > 0 &&
				       pdfdoc_width(pd, label.s, label.len,
						    AXIS_LABEL) +
						       AXIS_LABEL > slot - 2) {
					do
						label.len--;
					while (label.len > 0 &&
					       ((unsigned char)label.s[label.len] &
						0xC0) == 0x80);
				}
				buf_setlen(&label, label.len);
				buf_adds(&label, "…");
			}
			tw = pdfdoc_width(pd, label.s, label.len, AXIS_LABEL);
			/* Lines 1.3 em apart, so their boxes do not touch. */
			pdfdoc_text_clean(pd, x + slot * (float)i + (slot - tw) / 2,
					  y + label_h - 8 -
						  AXIS_LABEL * 1.3f * (float)k,
					  AXIS_LABEL,
					  label.s, label.len);
		}
	}
	buf_release(&label);
	buf_release(&clean);
	pdf_lines_release(&lines);
	free(placed.v);
	return failed(pd);
}

int pdfdoc_stacked_bars(struct pdfdoc *pd, float x, float y, float w, float h,
			const char *const *row_labels, size_t nrows,
			const double *counts, size_t nseg,
			const char *const *legend, const long *colors)
{
	struct buf label = BUF_INIT;
	float label_w = 70, legend_h = 16, lx = x, beside_w = 48;
	float row_h, bar_h;
	size_t r, s;

	if (failed(pd) || nrows == 0)
		return failed(pd);
	for (s = 0; s < nseg; s++) {
		pdfdoc_rect(pd, lx, y + h - 9, 8, 8, colors[s], -1, 0);
		pdfdoc_text(pd, lx + 11, y + h - 8, 7, legend[s]);
		lx += 11 + pdfdoc_width(pd, legend[s], strlen(legend[s]), 7) + 8;
	}
	row_h = (h - legend_h) / (float)nrows;
	bar_h = row_h * 0.6f;
	for (r = 0; r < nrows; r++) {
		float by = y + h - legend_h - row_h * (float)(r + 1) +
			   (row_h - bar_h) / 2;
		double sum = 0;
		float bx = x + label_w, full = w - label_w - beside_w;
		float side = x + w - beside_w + 4;

		pdfdoc_text_in(pd, x, by + bar_h / 2 - 3, label_w - 6, 8,
			       PDF_RIGHT, row_labels[r]);
		for (s = 0; s < nseg; s++)
			sum += counts[r * nseg + s];
		if (sum <= 0) {
			pdfdoc_rect(pd, bx, by, full, bar_h, -1, 0xBBBBBB, 0.5f);
			pdfdoc_text(pd, bx + 4, by + bar_h / 2 - 3, 7, "—");
			continue;
		}
		for (s = 0; s < nseg; s++) {
			float sw = (float)(counts[r * nseg + s] / sum) * full;

			if (sw <= 0)
				continue;
			pdfdoc_rect(pd, bx, by, sw, bar_h, colors[s], 0xFFFFFF,
				    0.5f);
			buf_reset(&label);
			buf_addf(&label, "%.0f", counts[r * nseg + s]);
			if (sw > pdfdoc_width(pd, label.s, label.len, 7) + 4) {
				pdfdoc_text_in(pd, bx, by + bar_h / 2 - 2.5f, sw,
					       7, PDF_CENTER, label.s);
			} else {
				/* Too narrow for its number: the number goes
				 * beside the bar, after a swatch of its
				 * colour, so every segment has its figure. */
				pdfdoc_rect(pd, side, by + bar_h / 2 - 2.5f, 5,
					    5, colors[s], -1, 0);
				pdfdoc_text(pd, side + 6, by + bar_h / 2 - 2.5f,
					    7, label.s);
				side += 8 + pdfdoc_width(pd, label.s,
							 label.len, 7) + 3;
			}
			bx += sw;
		}
	}
	buf_release(&label);
	return failed(pd);
}

int pdfdoc_line_chart(struct pdfdoc *pd, float x, float y, float w, float h,
		      const char *const *xlabels, size_t n,
		      const double *values, size_t nseries,
		      const char *const *legend, const long *colors,
		      double ymin, double ymax, const double *refs,
		      const char *const *ref_labels, size_t nrefs)
{
	float *xs = xcalloc(n ? n : 1, sizeof(*xs));
	float *ys = xcalloc(n ? n : 1, sizeof(*ys));
	float plot_y = y + 18, plot_h = h - 18 - 16, lx = x;
	size_t i, s;

	if (failed(pd) || n == 0)
		goto out;
	if (ymax <= ymin)
		ymax = ymin + 1;
	y_axis(pd, x, plot_y, w, plot_h, ymin, ymax);
	/* Targets: dashed lines, labelled at the right inside the plot. */
	for (s = 0; s < nrefs; s++) {
		float ry;

		if (refs[s] < ymin || refs[s] > ymax)
			continue;
		ry = plot_y + (float)((refs[s] - ymin) / (ymax - ymin)) * plot_h;
		pdfdoc_line(pd, x, ry, x + w, ry, 0xC0392B, 0.8f, 1);
		if (ref_labels && ref_labels[s])
			pdfdoc_text_in(pd, x + w - 80, ry + 2, 78, 6.5f,
				       PDF_RIGHT, ref_labels[s]);
	}
	for (s = 0; s < nseries; s++) {
		pdfdoc_line(pd, lx, y + h - 5, lx + 14, y + h - 5, colors[s],
			    1.5f, 0);
		pdfdoc_text(pd, lx + 17, y + h - 8, 7, legend[s]);
		lx += 30 + pdfdoc_width(pd, legend[s], strlen(legend[s]), 7);
	}
	for (i = 0; i < n; i++) {
		float px = n > 1 ? x + 10 + (w - 20) * (float)i / (float)(n - 1)
				 : x + w / 2;

		pdfdoc_text_in(pd, px - 25, y + 6, 50, 6.5f, PDF_CENTER,
			       xlabels[i]);
		xs[i] = px;
	}
	for (s = 0; s < nseries; s++) {
		size_t run = 0;

		for (i = 0; i <= n; i++) {
			double v = i < n ? values[s * n + i] : NAN;

			if (!isnan(v)) {
				double c = v < ymin ? ymin : v > ymax ? ymax : v;

				ys[run] = plot_y +
					  (float)((c - ymin) / (ymax - ymin)) *
						  plot_h;
				xs[run] = n > 1 ? x + 10 + (w - 20) * (float)i /
							       (float)(n - 1)
						: x + w / 2;
				pdfdoc_rect(pd, xs[run] - 1.5f, ys[run] - 1.5f,
					    3, 3, colors[s], -1, 0);
				run++;
				continue;
			}
			pdfdoc_polyline(pd, xs, ys, run, colors[s], 1.5f);
			run = 0;
		}
	}
out:
	free(xs);
	free(ys);
	return failed(pd);
}
