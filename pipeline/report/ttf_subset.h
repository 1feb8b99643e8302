/*
 * ttf_subset.h - a TrueType subsetter for the fonts the PDFs embed.
 *
 * One call: ttf_subset_build() reads a TrueType font (or one face of a
 * collection) from memory and writes into a buffer a standalone .ttf that
 * keeps only the tables libharu reads or embeds, a glyph-name-free 'post'
 * and, given a set of characters, only their glyphs renumbered from 1.
 * The caller owns both the input bytes and the output buffer; nothing is
 * kept between calls and no file is touched, so the module can be fed
 * hostile bytes directly (tests/fuzz/fuzz_ttf_subset.c does).
 *
 * Why: libharu 2.3.0 embeds 'loca', 'hmtx' and 'post' whole, and for the
 * 30,000 glyphs of wqy-zenhei they made 500 KB of every PDF and most of
 * its loading time. pdffont_prepare() (pdfdoc.h) is the only caller.
 */
#ifndef HUIFANG_TTF_SUBSET_H
#define HUIFANG_TTF_SUBSET_H

#include <stddef.h>

#include "util/buf.h"

/* Bytes of a character set: bit cp & 7 of byte cp >> 3, BMP only. */
#define TTF_CHARS_SIZE 8192

/*
 * Appends to out a TrueType font made from face index of the font file
 * font[0..len). With chars (TTF_CHARS_SIZE bytes) the font holds only the
 * glyphs of those characters (and of the components of composite ones);
 * should the font have a shape the subsetter does not handle, or chars be
 * NULL, every glyph is kept. *subset says which (1: subset). Returns 0,
 * or -1 with the cause in err, without a path (not a TrueType font, no
 * such face in the collection, PostScript-flavoured OpenType); out is
 * then unspecified and the caller releases it.
 */
/*
 * Finds face index of the font file p[0..len): the offset of its table
 * directory in *face. 0, or -1 with the cause in err (as below). The
 * commands that render check the configured font with it before any work
 * (pdffont_check()).
 */
int ttf_find_face(const unsigned char *p, size_t len, int index,
		  size_t *face, struct buf *err);

int ttf_subset_build(const unsigned char *font, size_t len, int index,
		     const unsigned char *chars, struct buf *out,
		     int *subset, struct buf *err);

#endif
