/*
 * biff.c - booleans, error values and merged ranges of an .xls sheet,
 * read from the compound file and its BIFF8 records (see biff.h).
 *
 * Every offset read comes from the file, so every one is checked before
 * use: sectors against the file's length, chains against the number of
 * sectors (a chain longer than that loops), records against the stream's
 * length. The layouts are those of [MS-CFB] 2.2-2.6 and [MS-XLS] 2.4
 * (BOUNDSHEET8 2.4.28, its hsState the sheet's visibility, BOOLERR 2.4.24, FORMULA 2.4.127, MERGECELLS
 * 2.4.168).
 */
#include <stdlib.h>
#include <string.h>

#include "input/biff.h"
#include "util/banned.h"

#define END_OF_CHAIN 0xFFFFFFFEu
#define CFB_DIFAT_IN_HEADER 109

struct cfb {
	const unsigned char *file;
	size_t len;
	size_t ssz;             /* sector size: 512 or 4096 */
	size_t nsect;           /* sectors after the header */
	uint32_t *fat;
	size_t nfat;
};

struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static uint16_t u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static const unsigned char *sector(const struct cfb *c, uint32_t n)
{
	if (n >= c->nsect)
		return NULL;
	return c->file + ((size_t)n + 1) * c->ssz;
}

static int bytes_add(struct bytes *b, const unsigned char *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *q;

		while (cap < b->len + n)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			return -1;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

/* The FAT: the sectors the header's and the DIFAT chain's entries name. */
static int load_fat(struct cfb *c)
{
	const unsigned char *h = c->file;
	uint32_t nfatsect = u32(h + 0x2C), difat = u32(h + 0x44);
	size_t per = c->ssz / 4, i, got = 0, steps = 0;
	struct bytes fat = { NULL, 0, 0 };

	if (nfatsect > c->nsect)
		return -1;
	for (i = 0; i < CFB_DIFAT_IN_HEADER && got < nfatsect; i++, got++) {
		const unsigned char *s = sector(c, u32(h + 0x4C + 4 * i));

		if (!s || bytes_add(&fat, s, c->ssz))
			goto fail;
	}
	while (got < nfatsect) {
		const unsigned char *d = sector(c, difat);

		if (!d || ++steps > c->nsect)
			goto fail;
		for (i = 0; i + 1 < per && got < nfatsect; i++, got++) {
			const unsigned char *s = sector(c, u32(d + 4 * i));

			if (!s || bytes_add(&fat, s, c->ssz))
				goto fail;
		}
		difat = u32(d + 4 * (per - 1));
	}
	c->nfat = fat.len / 4;
	c->fat = malloc((c->nfat ? c->nfat : 1) * sizeof(*c->fat));
	if (!c->fat)
		goto fail;
	for (i = 0; i < c->nfat; i++)
		c->fat[i] = u32(fat.p + 4 * i);
	free(fat.p);
	return 0;
fail:
	free(fat.p);
	return -1;
}

/*
 * The sectors of the chain from start, up to its end or max bytes, into
 * out; -1 when it leaves the file or loops.
 */
static int read_chain(const struct cfb *c, uint32_t start, size_t max,
		      struct bytes *out)
{
	uint32_t n = start;
	size_t steps = 0;

	while (n != END_OF_CHAIN && out->len < max) {
		const unsigned char *s = sector(c, n);

		if (!s || n >= c->nfat || ++steps > c->nsect)
			return -1;
		if (bytes_add(out, s, c->ssz))
			return -1;
		n = c->fat[n];
	}
	if (out->len > max)
		out->len = max;
	return 0;
}

/* A stream under the mini-stream cutoff: 64-byte sectors of the root's. */
static int read_mini(const struct cfb *c, const unsigned char *root,
		     uint32_t start, size_t size, struct bytes *out)
{
	const unsigned char *h = c->file;
	struct bytes minifat = { NULL, 0, 0 }, ministream = { NULL, 0, 0 };
	size_t rootsize = u32(root + 0x78), steps = 0, nmini;
	uint32_t n = start;
	int ret = -1;

	if (rootsize > c->len ||
	    read_chain(c, u32(root + 0x74), rootsize, &ministream) ||
	    ministream.len < rootsize ||
	    (size_t)u32(h + 0x40) > c->nsect ||
	    read_chain(c, u32(h + 0x3C), (size_t)u32(h + 0x40) * c->ssz,
		       &minifat))
		goto out;
	nmini = minifat.len / 4;
	while (n != END_OF_CHAIN && out->len < size) {
		size_t off = (size_t)n * 64;

		if (n >= nmini || off + 64 > ministream.len ||
		    ++steps > nmini || bytes_add(out, ministream.p + off, 64))
			goto out;
		n = u32(minifat.p + 4 * (size_t)n);
	}
	if (out->len < size)
		goto out;
	out->len = size;
	ret = 0;
out:
	free(minifat.p);
	free(ministream.p);
	return ret;
}

/* The Workbook stream of the compound file, into out. */
static int workbook_stream(struct cfb *c, struct bytes *out)
{
	static const char want[] = "Workbook";
	const unsigned char *h = c->file;
	struct bytes dir = { NULL, 0, 0 };
	size_t i, k;
	int ret = -1;

	if (c->len < 512 || u16(h + 0x20) != 6)
		return -1;
	if (u16(h + 0x1E) == 9)
		c->ssz = 512;
	else if (u16(h + 0x1E) == 12)
		c->ssz = 4096;
	else
		return -1;
	if (c->len < c->ssz)
		return -1;
	c->nsect = c->len / c->ssz - 1;
	if (load_fat(c) || read_chain(c, u32(h + 0x30), c->nsect * c->ssz,
				      &dir))
		goto out;
	for (i = 0; i + 128 <= dir.len; i += 128) {
		const unsigned char *e = dir.p + i;
		size_t nlen = u16(e + 0x40), size = u32(e + 0x78);
		uint32_t start = u32(e + 0x74);

		if (e[0x42] != 2 || nlen != 2 * sizeof(want))
			continue;
		for (k = 0; k < sizeof(want) - 1; k++)
			if (u16(e + 2 * k) != (unsigned char)want[k])
				break;
		if (k < sizeof(want) - 1 || size > c->len)
			continue;
		if (size < u32(h + 0x38))
			ret = dir.len >= 128 && dir.p[0x42] == 5 ?
				read_mini(c, dir.p, start, size, out) : -1;
		else
			ret = read_chain(c, start, size, out) ||
			      out->len < size ? -1 : 0;
		break;
	}
out:
	free(dir.p);
	return ret;
}

/* Appends the UTF-8 of code point cp (a BMP one; surrogates as U+FFFD). */
static void put_utf8(struct bytes *b, unsigned cp)
{
	unsigned char s[3];

	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		(void)bytes_add(b, s, 1);
	} else if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		(void)bytes_add(b, s, 2);
	} else {
		s[0] = (unsigned char)(0xE0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		(void)bytes_add(b, s, 3);
	}
}

/*
 * True when the BOUNDSHEET8 record's name (a ShortXLUnicodeString at p,
 * n bytes left) is name. Pairs of surrogates are compared as two U+FFFD,
 * which is enough to tell sheets apart in practice: freexl's name must
 * then hold the same.
 */
static int same_name(const unsigned char *p, size_t n, const char *name)
{
	struct bytes u = { NULL, 0, 0 };
	size_t cch, i;
	int high, same;

	if (n < 2)
		return 0;
	cch = p[0];
	high = p[1] & 1;
	if (n < 2 + cch * (high ? 2 : 1))
		return 0;
	for (i = 0; i < cch; i++)
		put_utf8(&u, high ? u16(p + 2 + 2 * i) : p[2 + i]);
	same = u.len == strlen(name) && (!u.len || !memcmp(u.p, name, u.len));
	free(u.p);
	return same;
}

static int by_cell(const void *a, const void *b)
{
	const struct biff_cell *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

static int by_first_row(const void *a, const void *b)
{
	const struct biff_merge *x = a, *y = b;

	if (x->r1 != y->r1)
		return x->r1 < y->r1 ? -1 : 1;
	return x->c1 < y->c1 ? -1 : x->c1 > y->c1;
}

static int add_cell(struct biff_sheet *s, size_t *cap, const unsigned char *d,
		    uint8_t kind, uint8_t value)
{
	struct biff_cell *c;

	if (s->ncells >= BIFF_MAX_CELLS)
		return -1;
	if (s->ncells == *cap) {
		size_t n = *cap ? *cap * 2 : 64;

		c = realloc(s->cells, n * sizeof(*c));
		if (!c)
			return -1;
		s->cells = c;
		*cap = n;
	}
	c = &s->cells[s->ncells++];
	c->row = u16(d);
	c->col = u16(d + 2);
	c->kind = kind;
	c->value = value;
	return 0;
}

static int add_merges(struct biff_sheet *s, size_t *cap,
		      const unsigned char *d, size_t n)
{
	size_t count, i;

	if (n < 2)
		return -1;
	count = u16(d);
	if (n < 2 + 8 * count || s->nmerges + count > BIFF_MAX_MERGES)
		return -1;
	if (s->nmerges + count > *cap) {
		size_t c = *cap ? *cap : 64;
		struct biff_merge *m;

		while (c < s->nmerges + count)
			c *= 2;
		m = realloc(s->merges, c * sizeof(*m));
		if (!m)
			return -1;
		s->merges = m;
		*cap = c;
	}
	for (i = 0; i < count; i++) {
		const unsigned char *r = d + 2 + 8 * i;
		struct biff_merge *m = &s->merges[s->nmerges];

		m->r1 = u16(r);
		m->r2 = u16(r + 2);
		m->c1 = u16(r + 4);
		m->c2 = u16(r + 6);
		/* A range of one cell, or upside down, merges nothing. */
		if (m->r2 < m->r1 || m->c2 < m->c1 ||
		    (m->r1 == m->r2 && m->c1 == m->c2))
			continue;
		s->nmerges++;
	}
	return 0;
}

/* The records of the sheet substream at off: its cells and merges. */
static int scan_sheet(const struct bytes *wb, size_t off,
		      struct biff_sheet *s)
{
	size_t ccap = 0, mcap = 0;
	int depth = 0;

	while (off + 4 <= wb->len) {
		unsigned type = u16(wb->p + off), n = u16(wb->p + off + 2);
		const unsigned char *d = wb->p + off + 4;

		if (off + 4 + n > wb->len)
			return -1;
		off += 4 + (size_t)n;
		if (type == 0x0809) {           /* BOF: a substream opens */
			depth++;
			continue;
		}
		if (!depth)
			return -1;              /* not at a sheet's BOF */
		if (type == 0x000A) {           /* EOF */
			if (--depth == 0)
				break;
			continue;
		}
		if (depth != 1)
			continue;               /* a chart inside the sheet */
		if (type == 0x0205 && n >= 8) { /* BOOLERR */
			if (add_cell(s, &ccap, d, d[7] ? BIFF_ERROR : BIFF_BOOL,
				     d[6]))
				return -1;
		} else if (type == 0x0006 && n >= 14 &&
			   d[12] == 0xFF && d[13] == 0xFF &&
			   (d[6] == 1 || d[6] == 2)) {  /* FORMULA */
			if (add_cell(s, &ccap, d, d[6] == 1 ? BIFF_BOOL :
				     BIFF_ERROR, d[8]))
				return -1;
		} else if (type == 0x00E5) {    /* MERGEDCELLS */
			if (add_merges(s, &mcap, d, n))
				return -1;
		}
	}
	if (s->ncells)
		qsort(s->cells, s->ncells, sizeof(*s->cells), by_cell);
	if (s->nmerges)
		qsort(s->merges, s->nmerges, sizeof(*s->merges),
		      by_first_row);
	return 0;
}

/*
 * The next BOUNDSHEET8 record of the globals substream from *off (its
 * data in *d, *n bytes): 1, or 0 at the globals' EOF, at a FILEPASS
 * (encrypted, unreadable) or where a record overruns the stream.
 */
static int next_boundsheet(const struct bytes *wb, size_t *off,
			   const unsigned char **d, unsigned *n)
{
	while (*off + 4 <= wb->len) {
		unsigned type = u16(wb->p + *off), len = u16(wb->p + *off + 2);

		if (*off + 4 + len > wb->len || type == 0x000A ||
		    type == 0x002F)
			return 0;
		*d = wb->p + *off + 4;
		*off += 4 + (size_t)len;
		if (type == 0x0085 && len >= 8) {
			*n = len;
			return 1;
		}
	}
	return 0;
}

int biff_scan(const unsigned char *file, size_t len, unsigned index,
	      const char *name, struct biff_sheet *out)
{
	struct cfb c = { file, len, 0, 0, NULL, 0 };
	struct bytes wb = { NULL, 0, 0 };
	const unsigned char *d;
	size_t off = 0;
	unsigned seen = 0, n;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (workbook_stream(&c, &wb))
		goto out;
	while (next_boundsheet(&wb, &off, &d, &n)) {
		if (seen++ != index)
			continue;
		if ((!name || same_name(d + 6, n - 6, name)) &&
		    scan_sheet(&wb, u32(d), out) == 0)
			ret = 0;
		break;
	}
out:
	if (ret < 0)
		biff_sheet_release(out);
	free(c.fat);
	free(wb.p);
	return ret;
}

long biff_sheet_states(const unsigned char *file, size_t len,
		       unsigned char *states, size_t max)
{
	struct cfb c = { file, len, 0, 0, NULL, 0 };
	struct bytes wb = { NULL, 0, 0 };
	const unsigned char *d;
	size_t off = 0;
	unsigned n;
	long count = -1;

	if (workbook_stream(&c, &wb) == 0) {
		count = 0;
		while (next_boundsheet(&wb, &off, &d, &n)) {
			/* hsState: the low two bits of the fifth byte. */
			if ((size_t)count < max)
				states[count] = d[4] & 3;
			count++;
		}
	}
	free(c.fat);
	free(wb.p);
	return count;
}

const struct biff_cell *biff_cell_at(const struct biff_sheet *s,
				     uint32_t row, uint32_t col)
{
	struct biff_cell key = { row, col, 0, 0 };

	if (!s->ncells)
		return NULL;
	return bsearch(&key, s->cells, s->ncells, sizeof(key), by_cell);
}

void biff_sheet_release(struct biff_sheet *s)
{
	free(s->cells);
	free(s->merges);
	memset(s, 0, sizeof(*s));
}
