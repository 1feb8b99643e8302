/*
 * ttf_subset.c - a TrueType font cut down to the glyphs a render draws
 * (see ttf_subset.h).
 *
 * Invariants: every offset read from the input is checked against the
 * bytes that are there before it is followed, so a damaged or hostile
 * font ends in -1 ("not a TrueType font") or in the whole-font fallback,
 * never in a read out of bounds. The output's tables are written in the
 * tag order an sfnt wants, each padded to 4 bytes, with correct
 * checksums; 'head' keeps a zero checkSumAdjustment, which no reader
 * checks.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/ttf_subset.h"
#include "util/xalloc.h"
#include "util/banned.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { v >> 24, v >> 16 & 0xff, v >> 8 & 0xff,
			       v & 0xff };

	buf_add(b, c, 4);
}

static void put16(struct buf *b, unsigned v)
{
	unsigned char c[2] = { v >> 8 & 0xff, v & 0xff };

	buf_add(b, c, 2);
}

static uint32_t table_checksum(const unsigned char *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		sum += be32(p + i);
	if (i < len) {
		unsigned char last[4] = { 0, 0, 0, 0 };

		memcpy(last, p + i, len - i);
		sum += be32(last);
	}
	return sum;
}

/* The tables libharu reads or embeds, in the tag order an sfnt wants. */
static const char *const kept_tables[] = {
	"OS/2", "cmap", "cvt ", "fpgm", "glyf", "head", "hhea", "hmtx",
	"loca", "maxp", "name", "post", "prep",
};
#define NKEPT (sizeof(kept_tables) / sizeof(kept_tables[0]))

/*
 * The glyph of code point cp through a format 4 'cmap' subtable (the
 * Windows Unicode BMP one, which libharu uses too); 0 if none.
 */
static unsigned cmap4_lookup(const unsigned char *t, size_t len, unsigned cp)
{
	unsigned segs, i;

	if (len < 14 || be16(t) != 4)
		return 0;
	segs = be16(t + 6) / 2;
	if (14 + 8 * (size_t)segs + 2 > len)
		return 0;
	for (i = 0; i < segs; i++) {
		unsigned end = be16(t + 14 + 2 * i);
		unsigned start = be16(t + 16 + 2 * segs + 2 * i);
		unsigned delta = be16(t + 16 + 4 * segs + 2 * i);
		size_t ro_at = 16 + 6 * (size_t)segs + 2 * i;
		unsigned ro = be16(t + ro_at);
		size_t at;

		if (cp > end)
			continue;
		if (cp < start)
			return 0;
		if (ro == 0)
			return (cp + delta) & 0xFFFF;
		at = ro_at + ro + 2 * (size_t)(cp - start);
		if (at + 2 > len || be16(t + at) == 0)
			return 0;
		return (be16(t + at) + delta) & 0xFFFF;
	}
	return 0;
}

static const unsigned char *find_cmap4(const unsigned char *cmap, size_t len,
				       size_t *sublen)
{
	unsigned n, i;

	if (len < 4)
		return NULL;
	n = be16(cmap + 2);
	for (i = 0; i < n && 4 + 8 * (size_t)i + 8 <= len; i++) {
		const unsigned char *rec = cmap + 4 + 8 * i;
		uint32_t off = be32(rec + 4);

		if (be16(rec) == 3 && be16(rec + 2) == 1 &&
		    (size_t)off + 4 <= len &&
		    be16(cmap + off) == 4) {
			*sublen = len - off;
			if (be16(cmap + off + 2) < *sublen)
				*sublen = be16(cmap + off + 2);
			return cmap + off;
		}
	}
	return NULL;
}

struct subset {
	struct buf cmap, glyf, head, hhea, hmtx, loca, maxp;
};

static void subset_release(struct subset *s)
{
	buf_release(&s->cmap);
	buf_release(&s->glyf);
	buf_release(&s->head);
	buf_release(&s->hhea);
	buf_release(&s->hmtx);
	buf_release(&s->loca);
	buf_release(&s->maxp);
}

/*
 * Gaps of at most this many code points join two runs into one segment
 * read through the glyph array. libharu looks a character up by a linear
 * scan of the segments (HPDF_TTFontDef_GetGlyphid), once per character
 * drawn: with a segment per run of code points, the scattered CJK of a
 * 回访记录表 made some 1,500 segments and that scan 40 % of a run.
 */
#define CMAP_GAP 64

/*
 * Appends to cmap the table of one format 4 subtable mapping cp_of[i]
 * (ascending) to gid_of[i]: runs closer than gap code points share a
 * segment whose missing code points map to glyph 0; a segment without
 * gaps whose glyphs are consecutive uses idDelta alone. Then the final
 * 0xFFFF segment. Returns -1, appending nothing, when the subtable would
 * pass its 65,535 bytes.
 */
static int cmap_build(struct buf *cmap, const unsigned *cp_of,
		      const unsigned *gid_of, size_t ncp, unsigned gap)
{
	struct buf ends = BUF_INIT, starts = BUF_INIT, deltas = BUF_INIT;
	struct buf ros = BUF_INIT, glyphs = BUF_INIT;
	size_t j = 0, segs = 0, sub_len, nglyph = 0, *first = NULL;
	size_t nfirst = 0, i;
	unsigned sel = 0;
	int ret = -1;

	first = xmalloc((ncp + 1) * sizeof(*first));
	while (j < ncp) {
		size_t k = j;
		bool plain = true;

		while (k + 1 < ncp && cp_of[k + 1] - cp_of[k] <= gap + 1) {
			if (cp_of[k + 1] != cp_of[k] + 1 ||
			    gid_of[k + 1] != gid_of[k] + 1)
				plain = false;
			k++;
		}
		put16(&ends, cp_of[k]);
		put16(&starts, cp_of[j]);
		if (plain) {
			put16(&deltas, (gid_of[j] - cp_of[j]) & 0xFFFF);
			first[nfirst++] = (size_t)-1;
		} else {
			unsigned cp;
			size_t at = j;

			put16(&deltas, 0);
			first[nfirst++] = nglyph;
			for (cp = cp_of[j]; cp <= cp_of[k]; cp++) {
				if (cp == cp_of[at])
					put16(&glyphs, gid_of[at++]);
				else
					put16(&glyphs, 0);
				nglyph++;
			}
		}
		segs++;
		j = k + 1;
	}
	put16(&ends, 0xFFFF);
	put16(&starts, 0xFFFF);
	put16(&deltas, 1);
	first[nfirst++] = (size_t)-1;
	segs++;
	/* An even count keeps the table a multiple of 4 bytes: libharu
	 * reads tables by 32-bit words when it embeds the font. */
	if (nglyph % 2) {
		put16(&glyphs, 0);
		nglyph++;
	}
	sub_len = 16 + 8 * segs + 2 * nglyph;
	if (sub_len > 0xFFFF)
		goto out;
	for (i = 0; i < segs; i++)
		put16(&ros, first[i] == (size_t)-1
			    ? 0 : (unsigned)(2 * (segs - i) + 2 * first[i]));
	while ((2u << sel) <= segs)
		sel++;
	put16(cmap, 0);
	put16(cmap, 1);
	put16(cmap, 3);
	put16(cmap, 1);
	put32(cmap, 12);
	put16(cmap, 4);
	put16(cmap, (unsigned)sub_len);
	put16(cmap, 0);
	put16(cmap, (unsigned)(2 * segs));
	put16(cmap, 2u << sel);
	put16(cmap, sel);
	put16(cmap, (unsigned)(2 * segs - (2u << sel)));
	buf_add(cmap, ends.s, ends.len);
	put16(cmap, 0);
	buf_add(cmap, starts.s, starts.len);
	buf_add(cmap, deltas.s, deltas.len);
	buf_add(cmap, ros.s, ros.len);
	buf_add(cmap, glyphs.s, glyphs.len);
	ret = 0;
out:
	free(first);
	buf_release(&ends);
	buf_release(&starts);
	buf_release(&deltas);
	buf_release(&ros);
	buf_release(&glyphs);
	return ret;
}

/*
 * Builds the tables of a font holding only the glyphs of the code points
 * in chars (a bitmap of the BMP), renumbered from 1 in code point order
 * (composite glyphs bring their components). Returns 0, or -1 when the
 * font has a shape this does not handle; the caller then embeds the whole
 * font, which is larger but equally correct.
 */
static int build_subset(const unsigned char *const *tab, const uint32_t *len,
			const unsigned char *chars, struct subset *out)
{
	const unsigned char *cmap4, *glyf = tab[4], *loca = tab[8];
	size_t cmap4_len = 0, nglyphs, nnew = 0, i;
	unsigned *new_of = NULL, *old_of = NULL, *cp_of = NULL, *gid_of = NULL;
	unsigned long_loca, nhm, cp, ncp = 0;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	buf_init(&out->cmap);
	buf_init(&out->glyf);
	buf_init(&out->head);
	buf_init(&out->hhea);
	buf_init(&out->hmtx);
	buf_init(&out->loca);
	buf_init(&out->maxp);
	if (!tab[6] || !tab[7] || len[5] < 54 || len[6] < 36 || len[9] < 6)
		return -1;
	cmap4 = find_cmap4(tab[1], len[1], &cmap4_len);
	if (!cmap4)
		return -1;
	nglyphs = be16(tab[9] + 4);
	long_loca = be16(tab[5] + 50);
	nhm = be16(tab[6] + 34);
	if (nhm == 0 || nhm > nglyphs || len[7] < 4 * nhm + 2 * (nglyphs - nhm) ||
	    len[8] < (long_loca ? 4 : 2) * (nglyphs + 1))
		return -1;
	new_of = xmalloc(nglyphs * sizeof(*new_of));
	old_of = xmalloc((nglyphs + 1) * sizeof(*old_of));
	cp_of = xmalloc(65536 * sizeof(*cp_of));
	gid_of = xmalloc(65536 * sizeof(*gid_of));
	for (i = 0; i < nglyphs; i++)
		new_of[i] = 0xFFFFFFFF;
	new_of[0] = 0;
	old_of[nnew++] = 0;
	for (cp = 1; cp < 65536; cp++) {
		unsigned g;

		if (!(chars[cp >> 3] & (1u << (cp & 7))))
			continue;
		g = cmap4_lookup(cmap4, cmap4_len, cp);
		if (g == 0 || g >= nglyphs)
			continue;
		if (new_of[g] == 0xFFFFFFFF) {
			new_of[g] = (unsigned)nnew;
			old_of[nnew++] = g;
		}
		cp_of[ncp] = cp;
		gid_of[ncp++] = new_of[g];
	}

	/* glyf and loca; components join the list as they are found. */
	for (i = 0; i < nnew; i++) {
		unsigned g = old_of[i];
		uint32_t from = long_loca ? be32(loca + 4 * g) : 2u * be16(loca + 2 * g);
		uint32_t to = long_loca ? be32(loca + 4 * g + 4)
					: 2u * be16(loca + 2 * g + 2);
		size_t at = out->glyf.len;

		if (to < from || to > len[4])
			goto out;
		put32(&out->loca, (uint32_t)at);
		buf_add(&out->glyf, glyf + from, to - from);
		if (to - from >= 10 && (int16_t)be16(glyf + from) < 0) {
			/* A composite glyph: renumber its components. */
			unsigned char *q = (unsigned char *)out->glyf.s + at + 10;
			unsigned char *end = (unsigned char *)out->glyf.s +
					     out->glyf.len;
			unsigned flags;

			do {
				unsigned comp;

				if (q + 4 > end)
					goto out;
				flags = be16(q);
				comp = be16(q + 2);
				if (comp >= nglyphs)
					goto out;
				if (new_of[comp] == 0xFFFFFFFF) {
					new_of[comp] = (unsigned)nnew;
					old_of[nnew++] = comp;
				}
				q[2] = (unsigned char)(new_of[comp] >> 8);
				q[3] = (unsigned char)(new_of[comp] & 0xFF);
				q += 4 + ((flags & 1) ? 4 : 2);
				if (flags & 8)
					q += 2;
				else if (flags & 0x40)
					q += 4;
				else if (flags & 0x80)
					q += 8;
			} while (flags & 0x20);
		}
		while (out->glyf.len % 4)
			buf_addch(&out->glyf, 0);
	}
	put32(&out->loca, (uint32_t)out->glyf.len);

	/* hmtx: a full metric per glyph. */
	for (i = 0; i < nnew; i++) {
		unsigned g = old_of[i];
		unsigned adv = be16(tab[7] + 4 * (g < nhm ? g : nhm - 1));
		unsigned lsb = g < nhm ? be16(tab[7] + 4 * g + 2)
				       : be16(tab[7] + 4 * nhm + 2 * (g - nhm));

		put16(&out->hmtx, adv);
		put16(&out->hmtx, lsb);
	}

	/* cmap: one format 4 subtable (cmap_build). */
	if (cmap_build(&out->cmap, cp_of, gid_of, ncp, CMAP_GAP) < 0 &&
	    cmap_build(&out->cmap, cp_of, gid_of, ncp, 0) < 0)
		goto out;

	buf_add(&out->head, tab[5], len[5]);
	memset(out->head.s + 8, 0, 4);       /* checkSumAdjustment */
	out->head.s[50] = 0, out->head.s[51] = 1;   /* long loca */
	buf_add(&out->hhea, tab[6], len[6]);
	out->hhea.s[34] = (char)(nnew >> 8), out->hhea.s[35] = (char)(nnew & 0xFF);
	buf_add(&out->maxp, tab[9], len[9]);
	out->maxp.s[4] = (char)(nnew >> 8), out->maxp.s[5] = (char)(nnew & 0xFF);
	ret = nnew <= 0xFFFF ? 0 : -1;
out:
	free(new_of);
	free(old_of);
	free(cp_of);
	free(gid_of);
	if (ret < 0)
		subset_release(out);
	return ret;
}

int ttf_find_face(const unsigned char *p, size_t len, int index,
		  size_t *face, struct buf *err)
{
	if (len < 12)
		goto not_ttf;
	if (!memcmp(p, "ttcf", 4)) {
		if (index < 0 || (uint32_t)index >= be32(p + 8) ||
		    12 + 4 * (size_t)index + 4 > len) {
			buf_addf(err, "no font number %d in the collection",
				 index);
			return -1;
		}
		*face = be32(p + 12 + 4 * (size_t)index);
	} else {
		if (index != 0) {
			buf_addf(err, "not a font collection, so font "
				 "number %d does not exist", index);
			return -1;
		}
		*face = 0;
	}
	if (*face + 12 > len)
		goto not_ttf;
	if (!memcmp(p + *face, "OTTO", 4)) {
		buf_addf(err, "PostScript-flavoured OpenType; libharu "
			 "embeds TrueType outlines only");
		return -1;
	}
	if (be32(p + *face) != 0x00010000 && memcmp(p + *face, "true", 4))
		goto not_ttf;
	return 0;
not_ttf:
	buf_adds(err, "not a TrueType font");
	return -1;
}

int ttf_subset_build(const unsigned char *font, size_t len, int index,
		     const unsigned char *chars, struct buf *out,
		     int *subset, struct buf *err)
{
	struct buf body = BUF_INIT;
	struct subset sub;
	const unsigned char *p;
	const unsigned char *found[NKEPT];
	uint32_t found_len[NKEPT];
	unsigned char post[32];
	size_t face, ntables, i, k, nkept = 0;
	int ret = -1;

	*subset = 0;
	memset(&sub, 0, sizeof(sub));
	buf_init(&sub.cmap);
	buf_init(&sub.glyf);
	buf_init(&sub.head);
	buf_init(&sub.hhea);
	buf_init(&sub.hmtx);
	buf_init(&sub.loca);
	buf_init(&sub.maxp);
	p = font;
	if (ttf_find_face(font, len, index, &face, err) < 0)
		goto out;
	ntables = be16(p + face + 4);
	if (face + 12 + 16 * ntables > len)
		goto not_ttf;
	memset(found, 0, sizeof(found));
	for (i = 0; i < ntables; i++) {
		const unsigned char *rec = p + face + 12 + 16 * i;
		uint32_t off = be32(rec + 8), tlen = be32(rec + 12);

		if ((uint64_t)off + tlen > len)
			goto not_ttf;
		for (k = 0; k < NKEPT; k++)
			if (!memcmp(rec, kept_tables[k], 4)) {
				found[k] = p + off;
				found_len[k] = tlen;
			}
	}
	for (k = 0; k < NKEPT; k++)
		if (found[k])
			nkept++;
	if (!found[1] || !found[4] || !found[5] || !found[8] || !found[9])
		goto not_ttf;

	/*
	 * 'post' version 3.0 keeps the metrics and drops the glyph names,
	 * which PDF viewers never use (libharu maps through 'cmap').
	 */
	memset(post, 0, sizeof(post));
	if (found[11])
		memcpy(post, found[11], found_len[11] < 32 ? found_len[11] : 32);
	post[0] = 0, post[1] = 3, post[2] = 0, post[3] = 0;
	found[11] = post;
	found_len[11] = 32;

	if (chars && build_subset(found, found_len, chars, &sub) == 0) {
		static const int idx[7] = { 1, 4, 5, 6, 7, 8, 9 };
		struct buf *tabs[7] = { &sub.cmap, &sub.glyf, &sub.head,
					&sub.hhea, &sub.hmtx, &sub.loca,
					&sub.maxp };

		for (k = 0; k < 7; k++) {
			found[idx[k]] = (const unsigned char *)tabs[k]->s;
			found_len[idx[k]] = (uint32_t)tabs[k]->len;
		}
		*subset = 1;
	}

	put32(out, 0x00010000);
	put16(out, (unsigned)nkept);
	for (i = 1, k = 0; i * 2 <= nkept; i *= 2, k++)
		;
	put16(out, (unsigned)(i * 16));
	put16(out, (unsigned)k);
	put16(out, (unsigned)(nkept * 16 - i * 16));
	for (k = 0; k < NKEPT; k++) {
		if (!found[k])
			continue;
		buf_add(out, kept_tables[k], 4);
		put32(out, table_checksum(found[k], found_len[k]));
		put32(out, (uint32_t)(12 + 16 * nkept + body.len));
		put32(out, found_len[k]);
		buf_add(&body, found[k], found_len[k]);
		while (body.len % 4)
			buf_addch(&body, 0);
	}
	buf_add(out, body.s, body.len);
	ret = 0;
	goto out;
not_ttf:
	buf_adds(err, "not a TrueType font");
out:
	buf_release(&body);
	subset_release(&sub);
	return ret;
}
