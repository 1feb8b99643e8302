/*
 * sha256.h - SHA-256 (FIPS 180-4), portable and dependency-free.
 *
 * Used for the permanent random keys of audit sampling (sample.h) and for
 * the digests of input files in run.json. The result depends only on the
 * bytes hashed, never on the machine's byte order, word size or locale.
 *
 * One call:       sha256(data, len, digest);
 * Incrementally:  struct sha256_ctx c;
 *                 sha256_init(&c);
 *                 sha256_update(&c, part1, len1); ...
 *                 sha256_final(&c, digest);
 *
 * A whole file:   sha256_file(path, hex);
 *
 * Nothing here allocates, and only sha256_file() can fail; the context is
 * a plain value the caller owns (on the stack is fine) and may reuse
 * after sha256_init().
 */
#ifndef HUIFANG_SHA256_H
#define HUIFANG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_HEX_SIZE 65 /* 64 hex digits and the NUL */

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bytes;            /* bytes hashed so far */
	unsigned char block[64];   /* the partial block */
	size_t used;               /* bytes in block */
};

/* Starts a new digest in c (any previous content is forgotten). */
void sha256_init(struct sha256_ctx *c);
/* Hashes len more bytes; data may be NULL when len is 0. */
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/*
 * Writes the 32-byte digest of everything hashed since sha256_init() to
 * out. The context is spent afterwards: call sha256_init() to reuse it.
 */
void sha256_final(struct sha256_ctx *c, unsigned char out[SHA256_DIGEST_SIZE]);

/* The digest of len bytes at data, in one call. */
void sha256(const void *data, size_t len,
	    unsigned char out[SHA256_DIGEST_SIZE]);

/* Writes the digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_SIZE],
		char out[SHA256_HEX_SIZE]);

/*
 * Writes the digest of the file at path as hex, as sha256_hex() does.
 * Returns 0, or -1 with out set to "" when the file cannot be opened or
 * read to its end.
 */
int sha256_file(const char *path, char out[SHA256_HEX_SIZE]);

#endif
