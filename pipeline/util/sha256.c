/*
 * sha256.c - SHA-256 as specified in FIPS 180-4, section 6.2.
 *
 * Words are assembled from bytes explicitly (big-endian, as the standard
 * says) so the code does not depend on the host's byte order or on
 * unaligned loads. Invariant: c->used < 64 between calls; a full block is
 * compressed as soon as it is complete. The message length is counted in
 * bytes and written as bits in the final block, so messages up to 2^61 - 1
 * bytes hash correctly.
 *
 * Speed: on x86-64 processors with the SHA extensions (Intel since Ice
 * Lake and Goldmont, AMD since Zen), whole blocks go through
 * compress_shani(), which uses the sha256rnds2 / sha256msg1 / sha256msg2
 * instructions and is several times faster than the portable code; the
 * choice is made once, from CPUID, and both give the same state for the
 * same block (the unit test vectors run through whichever this machine
 * has). Ingest hashes every input file, so this showed in its profile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI_CODE 1
#endif

#include "util/sha256.h"
#include "util/banned.h"

static const uint32_t round_constants[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* FIPS 180-4 6.2.2: one 512-bit block into the hash state. */
static void compress(uint32_t state[8], const unsigned char block[64])
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(block + 4 * i);
	for (i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^
			      (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = state[0];
	b = state[1];
	c = state[2];
	d = state[3];
	e = state[4];
	f = state[5];
	g = state[6];
	h = state[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
		     ((e & f) ^ (~e & g)) + round_constants[i] + w[i];
		t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
		     ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

#ifdef HAVE_SHANI_CODE
/*
 * Four rounds g*4 .. g*4+3 (two sha256rnds2), then the schedule: the
 * words four groups ahead (next) get sha256msg2 over the current ones and
 * the previous group, and the previous group's sha256msg1 is started.
 * Written out for all sixteen groups so that the sixteen message words
 * stay in four registers.
 */
#define SHANI_GROUP(g, cur, next, prev)                                     \
	do {                                                                \
		if ((g) < 4)                                                \
			cur = _mm_shuffle_epi8(_mm_loadu_si128(             \
				(const __m128i *)(const void *)(data + 16 * (g))), \
				bswap);                                     \
		msg = _mm_add_epi32(cur, _mm_loadu_si128(                   \
			(const __m128i *)(const void *)&round_constants[4 * (g)])); \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);              \
		msg = _mm_shuffle_epi32(msg, 0x0E);                         \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);              \
		if ((g) >= 3 && (g) <= 14) {                                \
			tmp = _mm_alignr_epi8(cur, prev, 4);                \
			next = _mm_add_epi32(next, tmp);                    \
			next = _mm_sha256msg2_epu32(next, cur);             \
		}                                                           \
		if ((g) >= 1 && (g) <= 12)                                  \
			prev = _mm_sha256msg1_epu32(prev, cur);             \
	} while (0)

/*
 * FIPS 180-4 6.2.2 over n blocks with the SHA extensions. The state is
 * kept as the instructions want it, (A, B, E, F) and (C, D, G, H).
 */
__attribute__((target("sha,ssse3,sse4.1")))
static void compress_shani(uint32_t state[8], const unsigned char *data,
			   size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
					     0x0405060700010203ULL);
	__m128i abef, cdgh, tmp, msg, m0, m1, m2, m3, abef_save, cdgh_save;

	m0 = m1 = m2 = m3 = _mm_setzero_si128();
	tmp = _mm_loadu_si128((const __m128i *)(const void *)&state[0]);
	cdgh = _mm_loadu_si128((const __m128i *)(const void *)&state[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);          /* C D A B */
	cdgh = _mm_shuffle_epi32(cdgh, 0x1B);        /* E F G H */
	abef = _mm_alignr_epi8(tmp, cdgh, 8);        /* A B E F */
	cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);     /* C D G H */
	for (; n; n--, data += 64) {
		abef_save = abef;
		cdgh_save = cdgh;
		SHANI_GROUP(0, m0, m1, m3);
		SHANI_GROUP(1, m1, m2, m0);
		SHANI_GROUP(2, m2, m3, m1);
		SHANI_GROUP(3, m3, m0, m2);
		SHANI_GROUP(4, m0, m1, m3);
		SHANI_GROUP(5, m1, m2, m0);
		SHANI_GROUP(6, m2, m3, m1);
		SHANI_GROUP(7, m3, m0, m2);
		SHANI_GROUP(8, m0, m1, m3);
		SHANI_GROUP(9, m1, m2, m0);
		SHANI_GROUP(10, m2, m3, m1);
		SHANI_GROUP(11, m3, m0, m2);
		SHANI_GROUP(12, m0, m1, m3);
		SHANI_GROUP(13, m1, m2, m0);
		SHANI_GROUP(14, m2, m3, m1);
		SHANI_GROUP(15, m3, m0, m2);
		abef = _mm_add_epi32(abef, abef_save);
		cdgh = _mm_add_epi32(cdgh, cdgh_save);
	}
	tmp = _mm_shuffle_epi32(abef, 0x1B);         /* F E B A */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);        /* D C H G */
	abef = _mm_blend_epi16(tmp, cdgh, 0xF0);     /* D C B A */
	cdgh = _mm_alignr_epi8(cdgh, tmp, 8);        /* H G F E */
	_mm_storeu_si128((__m128i *)(void *)&state[0], abef);
	_mm_storeu_si128((__m128i *)(void *)&state[4], cdgh);
}

/*
 * CPUID: SSSE3 and SSE4.1 (leaf 1, ECX bits 9, 19), SHA (leaf 7, EBX 29).
 * Ingest hashes on several threads: the answer is stored atomically, and
 * two threads that both ask first store the same answer.
 */
static int have_shani(void)
{
	static atomic_int known = -1;
	unsigned a, b, c, d;
	int v = atomic_load_explicit(&known, memory_order_relaxed);

	if (v >= 0)
		return v;
	v = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) &&
	    (c & (1u << 19)) && __get_cpuid_count(7, 0, &a, &b, &c, &d) &&
	    (b & (1u << 29));
	atomic_store_explicit(&known, v, memory_order_relaxed);
	return v;
}
#endif

/* n whole blocks at data, with the fastest code this machine runs. */
static void compress_blocks(uint32_t state[8], const unsigned char *data,
			    size_t n)
{
#ifdef HAVE_SHANI_CODE
	if (have_shani()) {
		compress_shani(state, data, n);
		return;
	}
#endif
	for (; n; n--, data += 64)
		compress(state, data);
}

void sha256_init(struct sha256_ctx *c)
{
	static const uint32_t initial[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->state, initial, sizeof(initial));
	c->bytes = 0;
	c->used = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;

	/* memcpy from a NULL pointer is undefined even for 0 bytes. */
	if (!len)
		return;
	c->bytes += len;
	/* Top up a partial block first, then hash whole blocks in place. */
	if (c->used) {
		size_t take = 64 - c->used;

		if (take > len)
			take = len;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used < 64)
			return;
		compress_blocks(c->state, c->block, 1);
		c->used = 0;
	}
	compress_blocks(c->state, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	if (len) {
		memcpy(c->block, p, len);
		c->used = len;
	}
}

void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_SIZE])
{
	uint64_t bits = c->bytes * 8;
	int i;

	/* Padding: a 1 bit, zeros up to 56 mod 64, the bit length (BE). */
	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		compress_blocks(c->state, c->block, 1);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress_blocks(c->state, c->block, 1);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, c->state[i]);
	c->used = 0;
}

void sha256(const void *data, size_t len, unsigned char out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

void sha256_hex(const unsigned char digest[SHA256_DIGEST_SIZE],
		char out[SHA256_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[2 * SHA256_DIGEST_SIZE] = '\0';
}

int sha256_file(const char *path, char out[SHA256_HEX_SIZE])
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	char block[65536];
	ssize_t n;
	int fd, ret = -1;

	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	sha256_init(&c);
	while ((n = read(fd, block, sizeof(block))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		sha256_update(&c, block, (size_t)n);
	}
	sha256_final(&c, digest);
	sha256_hex(digest, out);
	ret = 0;
out:
	close(fd);
	return ret;
}
