/*
 * textio.h - the text primitives ingest needs: UTF-8 validation and
 * statistics, GB18030 conversion through iconv, trimming and full-width
 * folding.
 *
 * Nothing here allocates except through a caller-owned struct buf, and
 * nothing replaces an invalid byte: a caller that finds one rejects the row
 * (SPEC §8 rule 2). Offsets are byte offsets into the text given.
 */
#ifndef HUIFANG_TEXTIO_H
#define HUIFANG_TEXTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

/* Counts for SPEC §8 rule 2's encoding decision. */
struct utf8_stats {
	size_t multibyte;  /* valid sequences of 2-4 bytes */
	size_t invalid;    /* maximal invalid subparts (Unicode §3.9) */
};

/*
 * Length of the valid UTF-8 sequence at s (1-4), or 0 if s starts an
 * invalid one; *bad (if not NULL) then receives the length of the maximal
 * invalid subpart (at least 1). n must be at least 1.
 */
size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad);

/*
 * Adds the counts of s[0..n) to st. When final is false, an incomplete
 * sequence at the very end is left uncounted and the number of bytes
 * consumed (n minus that tail) is returned, so a caller reading in chunks
 * carries the tail over; when final is true all n bytes are consumed.
 */
size_t utf8_stats_add(struct utf8_stats *st, const char *s, size_t n,
		      bool final);

/* SPEC §8 rule 2: a file with these counts is UTF-8. */
bool utf8_stats_is_utf8(const struct utf8_stats *st);

/* True if s[0..n) is valid UTF-8; else false and *bad = first bad offset. */
bool utf8_valid(const char *s, size_t n, size_t *bad);

/*
 * Converts n bytes of GB18030 at s to UTF-8, appending to out. An invalid
 * byte is copied through unchanged (so the result is not valid UTF-8 and
 * the caller's validation finds it) and, for the first one, *bad receives
 * its offset in s; returns the number of invalid bytes (0 when clean).
 * cd is an iconv descriptor from text_gb18030_open(). n should end on a
 * character boundary (a line ending is one).
 */
size_t text_gb18030_convert(void *cd, const char *s, size_t n,
			    struct buf *out, size_t *bad);
/* iconv_open("UTF-8", "GB18030"), or NULL when the system lacks it. */
void *text_gb18030_open(void);
void text_gb18030_close(void *cd);

/*
 * Narrows *s / *n to the value without surrounding white space: ASCII
 * white space, U+3000 (ideographic space), U+00A0 (NBSP) and U+FEFF.
 */
void text_trim(const char **s, size_t *n);

/*
 * Appends s with full-width forms U+FF01-U+FF5E folded to ASCII and U+3000
 * to a space; everything else is copied as is.
 */
void text_fold_width(struct buf *out, const char *s, size_t n);

/* As text_fold_width, but only full-width digits and U+3000 (values). */
void text_fold_digits(struct buf *out, const char *s, size_t n);

/*
 * The form header names are compared in (SPEC §2, §8 rule 4): width
 * folded, trimmed, ASCII letters lower-cased. Appends to out.
 */
void text_header_key(struct buf *out, const char *s, size_t n);

/*
 * Appends s with every byte that is not valid UTF-8, and NUL, written as
 * \xNN, so the result is a valid C string of valid UTF-8.
 */
void text_escape_invalid(struct buf *out, const char *s, size_t n);

/*
 * As text_escape_invalid(), and control characters too: newline, CR and
 * tab as \n \r \t, other C0 controls and DEL as \xNN, C1 controls as
 * \u00NN. For text that reaches a terminal or a log line: a value can
 * then neither forge a line nor send an escape sequence.
 */
void text_escape_controls(struct buf *out, const char *s, size_t n);

/*
 * Appends a file name made from s that stays inside its folder whatever
 * s holds: '/', '\\', control characters and invalid UTF-8 become '_',
 * leading dots and spaces go, the length is capped at 120 bytes on a
 * character boundary, and an empty result is "_". The renderers name
 * the files of a centre or a template with it.
 */
void text_safe_file_name(struct buf *out, const char *s);

/*
 * The length in bytes of the suffix all n names share, in whole UTF-8
 * characters; 0 when it would leave some name empty (or n < 2), so that
 * chart labels can drop it: "万象新城物业服务中心" and "东湖名邸物业服务中心"
 * share "物业服务中心". NULL names are skipped.
 */
size_t text_common_suffix(const char *const *names, size_t n);

/*
 * A hash of the n bytes at s for the string tables of ingest and
 * records, eight bytes at a time (values are mostly CJK text, 3 bytes a
 * character, so byte-wise FNV showed in profiles). Not stable across
 * versions: never store it.
 */
uint32_t text_hash(const char *s, size_t n);

/*
 * Opens path for reading when it is a regular file (links followed) and
 * returns the descriptor. A FIFO, a device, a socket or a folder is
 * refused without blocking and without reading from it (a FIFO would
 * hang, /dev/zero never end): -1 with errno EINVAL and "not a regular
 * file (a FIFO)" (or the open's own cause) appended to why.
 */
int text_open_regular(const char *path, struct buf *why);

/*
 * The same as a stream for fread(): NULL, with errno set and the cause in
 * why, when path cannot be opened or is not a regular file.
 */
FILE *text_fopen_regular(const char *path, struct buf *why);

#endif
