/*
 * textio.c - UTF-8 validation, GB18030 conversion, trimming and width
 * folding, and the string hash of the string tables (see textio.h).
 *
 * Validation follows RFC 3629 exactly: no overlong forms, no surrogates,
 * nothing above U+10FFFF. The statistics count invalid input in maximal
 * subparts, the unit Unicode §3.9 uses for U+FFFD substitution, so that a
 * truncated three-byte character counts once, not three times. The hot
 * loops skip ASCII eight bytes at a time: most export bytes are ASCII
 * digits, punctuation and time stamps.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fcntl.h>

#include "util/textio.h"
#include "util/banned.h"

#define HIGH_BITS UINT64_C(0x8080808080808080)

size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned c = s[0];
	size_t need, i;
	unsigned lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		if (bad)
			*bad = 1;
		return 0;
	}
	for (i = 1; i < need; i++) {
		unsigned t;

		if (i >= n)
			goto invalid;
		t = s[i];
		if (t < lo || t > hi)
			goto invalid;
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
invalid:
	if (bad)
		*bad = i;
	return 0;
}

/* Bytes at the start of s that are ASCII, a multiple of 8 at least. */
static size_t ascii_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i + 8 <= n) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & HIGH_BITS)
			break;
		i += 8;
	}
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

size_t utf8_stats_add(struct utf8_stats *st, const char *text, size_t n,
		      bool final)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len, bad;

		if (c < 0x80) {
			i += ascii_run(s + i, n - i);
			continue;
		}
		/*
		 * The common case of Chinese text, E1-EC and EE-EF leads with
		 * two plain continuation bytes, without the general checks.
		 */
		if (i + 2 < n && ((c >= 0xE1 && c <= 0xEC) || c >= 0xEE) &&
		    c <= 0xEF && (s[i + 1] & 0xC0) == 0x80 &&
		    (s[i + 2] & 0xC0) == 0x80) {
			st->multibyte++;
			i += 3;
			continue;
		}
		len = utf8_seq(s + i, n - i, &bad);
		if (len) {
			st->multibyte++;
			i += len;
			continue;
		}
		/* A sequence cut by the end of a chunk is not yet invalid. */
		if (!final && i + bad >= n && s[i] >= 0xC2 && s[i] <= 0xF4)
			return i;
		st->invalid++;
		i += bad;
	}
	return n;
}

bool utf8_stats_is_utf8(const struct utf8_stats *st)
{
	/* Fewer than one invalid sequence per 20 valid multi-byte ones. */
	return st->invalid == 0 || st->invalid * 20 < st->multibyte;
}

bool utf8_valid(const char *text, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		size_t len;

		i += ascii_run(s + i, n - i);
		if (i >= n)
			break;
		/* Chinese text: utf8_stats_add()'s fast path, the same test. */
		if (i + 2 < n && ((s[i] >= 0xE1 && s[i] <= 0xEC) ||
				  s[i] >= 0xEE) && s[i] <= 0xEF &&
		    (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
			i += 3;
			continue;
		}
		len = utf8_seq(s + i, n - i, NULL);
		if (!len) {
			if (bad)
				*bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

void *text_gb18030_open(void)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");

	return cd == (iconv_t)-1 ? NULL : (void *)cd;
}

void text_gb18030_close(void *cd)
{
	if (cd)
		iconv_close((iconv_t)cd);
}

size_t text_gb18030_convert(void *cd, const char *s, size_t n,
			    struct buf *out, size_t *bad)
{
	char *in = (char *)s;
	size_t left = n, invalid = 0;

	/*
	 * GB18030 has no shift state, so the descriptor needs no reset
	 * between calls, only after an error (below).
	 */
	while (left) {
		char *o;
		size_t room, r;

		/* UTF-8 needs at most 2 bytes per GB18030 byte; 4 per char. */
		buf_grow(out, left * 2 + 4);
		o = out->s + out->len;
		room = out->cap - out->len - 1;
		r = iconv((iconv_t)cd, &in, &left, &o, &room);
		buf_setlen(out, (size_t)(o - out->s));
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/*
		 * EILSEQ or EINVAL (a sequence cut short): keep the byte as
		 * it is, so the row is rejected with its true bytes.
		 */
		if (!invalid && bad)
			*bad = (size_t)(in - s);
		invalid++;
		buf_addch(out, *in);
		in++;
		left--;
		iconv((iconv_t)cd, NULL, NULL, NULL, NULL);
	}
	return invalid;
}

/* Length of a white space character at s, 0 if none. */
static size_t space_at(const unsigned char *s, size_t n)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return 3;
	return 0;
}

/* Length of a white space character ending at s + n, 0 if none. */
static size_t space_before(const unsigned char *s, size_t n)
{
	unsigned c = s[n - 1];

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (n >= 2 && s[n - 2] == 0xC2 && c == 0xA0)
		return 2;
	if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && c == 0x80)
		return 3;
	if (n >= 3 && s[n - 3] == 0xEF && s[n - 2] == 0xBB && c == 0xBF)
		return 3;
	return 0;
}

void text_trim(const char **text, size_t *n)
{
	const unsigned char *s = (const unsigned char *)*text;
	size_t len = *n, k;

	/*
	 * Almost every value starts and ends with a byte that cannot begin
	 * or end white space (a letter, a digit, a CJK lead or last byte
	 * other than the few below): then there is nothing to trim.
	 */
	if (len && s[0] > ' ' && s[0] != 0xC2 && s[0] != 0xE3 &&
	    s[0] != 0xEF && s[len - 1] > ' ' && s[len - 1] != 0xA0 &&
	    s[len - 1] != 0x80 && s[len - 1] != 0xBF)
		return;
	while (len && (k = space_at(s, len))) {
		s += k;
		len -= k;
	}
	while (len && (k = space_before(s, len)))
		len -= k;
	*text = (const char *)s;
	*n = len;
}

static void fold(struct buf *out, const char *text, size_t n,
		 bool digits_only)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, start = 0;

	while (i < n) {
		unsigned cp;

		if (s[i] != 0xEF && s[i] != 0xE3) {
			i++;
			continue;
		}
		if (i + 3 > n) {
			i++;
			continue;
		}
		cp = ((s[i] & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) |
		     (s[i + 2] & 0x3Fu);
		if ((s[i + 1] & 0xC0) != 0x80 || (s[i + 2] & 0xC0) != 0x80) {
			i++;
			continue;
		}
		if (cp == 0x3000 ||
		    (!digits_only && cp >= 0xFF01 && cp <= 0xFF5E) ||
		    (digits_only && cp >= 0xFF10 && cp <= 0xFF19)) {
			buf_add(out, s + start, i - start);
			buf_addch(out, cp == 0x3000 ? ' ' : (int)(cp - 0xFEE0));
			i += 3;
			start = i;
			continue;
		}
		i++;
	}
	buf_add(out, s + start, n - start);
}

void text_fold_width(struct buf *out, const char *s, size_t n)
{
	fold(out, s, n, false);
}

void text_fold_digits(struct buf *out, const char *s, size_t n)
{
	fold(out, s, n, true);
}

void text_header_key(struct buf *out, const char *s, size_t n)
{
	struct buf tmp = BUF_INIT;
	const char *p;
	size_t len, i;

	text_fold_width(&tmp, s, n);
	p = tmp.s;
	len = tmp.len;
	text_trim(&p, &len);
	for (i = 0; i < len; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf_addch(out, c);
	}
	buf_release(&tmp);
}

void text_escape_invalid(struct buf *out, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		size_t len = s[i] ? utf8_seq(s + i, n - i, NULL) : 0;

		if (len) {
			buf_add(out, s + i, len);
			i += len;
		} else {
			buf_addf(out, "\\x%02X", s[i]);
			i++;
		}
	}
}

void text_escape_controls(struct buf *out, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		size_t len = s[i] ? utf8_seq(s + i, n - i, NULL) : 0;

		if (len == 1 && (s[i] < 0x20 || s[i] == 0x7F)) {
			if (s[i] == '\n')
				buf_adds(out, "\\n");
			else if (s[i] == '\r')
				buf_adds(out, "\\r");
			else if (s[i] == '\t')
				buf_adds(out, "\\t");
			else
				buf_addf(out, "\\x%02X", s[i]);
		} else if (len == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) {
			/* C1 controls (U+0080-U+009F): CSI is one of them. */
			buf_addf(out, "\\u%04X", s[i + 1]);
		} else if (len) {
			buf_add(out, s + i, len);
		} else {
			buf_addf(out, "\\x%02X", s[i]);
			len = 1;
		}
		i += len;
	}
}

uint32_t text_hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
	}
	if (i < n) {
		uint64_t w = 0;

		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	return (uint32_t)h;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

int text_open_regular(const char *path, struct buf *why)
{
	struct stat st;
	int fd, flags;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		buf_adds(why, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		buf_adds(why, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_addf(why, "not a regular file (%s)", file_kind(st.st_mode));
		close(fd);
		errno = EINVAL;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

FILE *text_fopen_regular(const char *path, struct buf *why)
{
	int fd = text_open_regular(path, why);
	FILE *fp;
	int saved;

	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "rb");
	if (!fp) {
		saved = errno;
		buf_adds(why, strerror(errno));
		close(fd);
		errno = saved;
	}
	return fp;
}

/*
 * A file name that stays inside the week folder whatever the input holds
 * (see textio.h):
 * '/', '\\', control characters and invalid UTF-8 become '_', leading dots
 * and spaces go, the length is capped at a character boundary, and an
 * empty result becomes "_".
 */
size_t text_common_suffix(const char *const *names, size_t n)
{
	const char *first = NULL;
	size_t len = 0, shortest = 0, flen = 0, i, seen = 0;

	for (i = 0; i < n; i++) {
		const char *s = names[i];
		size_t sl, k;

		if (!s)
			continue;
		sl = strlen(s);
		seen++;
		if (!first) {
			first = s;
			flen = len = shortest = sl;
			continue;
		}
		if (sl < shortest)
			shortest = sl;
		for (k = 0; k < len && k < sl &&
			    first[flen - 1 - k] == s[sl - 1 - k]; k++)
			;
		len = k;
	}
	if (seen < 2 || len >= shortest)
		return 0;   /* one name would be left empty: keep them whole */
	/* Back to a character boundary. */
	while (len > 0 && ((unsigned char)first[flen - len] & 0xC0) == 0x80)
		len--;
	return len;
}

void text_safe_file_name(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t start = out->len;

	while (*p == '.' || *p == ' ')
		p++;
	while (*p && out->len - start < 120) {
		size_t len = 1, i;

		if (*p >= 0xC2 && *p <= 0xF4) {
			len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
			for (i = 1; i < len; i++)
				if ((p[i] & 0xC0) != 0x80)
					break;
			if (i < len) {
				buf_addch(out, '_');
				p++;
				continue;
			}
			buf_add(out, p, len);
		} else if (*p < 0x20 || *p == 0x7F || *p >= 0x80 || *p == '/' ||
			   *p == '\\') {
			buf_addch(out, '_');
		} else {
			buf_addch(out, (char)*p);
		}
		p += len;
	}
	if (out->len == start)
		buf_addch(out, '_');
}
