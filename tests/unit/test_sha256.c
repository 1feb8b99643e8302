/*
 * test_sha256.c - SHA-256 against the FIPS 180-2 example vectors, the
 * padding boundaries (55, 56, 63, 64 bytes) and the incremental API fed in
 * awkward chunk sizes. The expected digests are the published ones (FIPS
 * 180-2 appendix B and the NIST long-message vector) or, for the padding
 * lengths, computed by an independent implementation (Python's hashlib).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/sha256.h"

static void assert_digest(const void *data, size_t len, const char *expected)
{
	unsigned char d[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE];

	sha256(data, len, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, expected);
}

static void test_sha256__matches_fips_180_2_one_block_vector(void **state)
{
	(void)state;
	assert_digest("abc", 3,
		      "ba7816bf8f01cfea414140de5dae2223"
		      "b00361a396177a9cb410ff61f20015ad");
}

static void test_sha256__matches_fips_180_2_two_block_vector(void **state)
{
	static const char msg[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_digest(msg, strlen(msg),
		      "248d6a61d20638b8e5c026930c3e6039"
		      "a33ce45964ff2167f6ecedd419db06c1");
}

static void test_sha256__matches_fips_180_2_million_a_vector(void **state)
{
	size_t len = 1000000;
	char *a = malloc(len);

	(void)state;
	assert_non_null(a);
	memset(a, 'a', len);
	assert_digest(a, len,
		      "cdc76e5c9914fb9281a1c7e284d73e67"
		      "f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

static void test_sha256__hashes_the_empty_message(void **state)
{
	(void)state;
	assert_digest(NULL, 0,
		      "e3b0c44298fc1c149afbf4c8996fb924"
		      "27ae41e4649b934ca495991b7852b855");
}

static void test_sha256__pads_correctly_at_block_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *hex;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	char a[128];
	size_t i;

	(void)state;
	memset(a, 'a', sizeof(a));
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_digest(a, cases[i].len, cases[i].hex);
}

static void test_sha256__incremental_equals_one_call(void **state)
{
	static const char msg[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	static const size_t chunks[] = { 1, 3, 7, 63, 64, 65, 200 };
	size_t len = strlen(msg), i;

	(void)state;
	assert_digest(msg, len,
		      "cf5b16a778af8380036ce59e7b049237"
		      "0b249b11e8f07a51afac45037afee9d1");
	for (i = 0; i < sizeof(chunks) / sizeof(*chunks); i++) {
		struct sha256_ctx c;
		unsigned char d[SHA256_DIGEST_SIZE];
		char hex[SHA256_HEX_SIZE];
		size_t off;

		sha256_init(&c);
		sha256_update(&c, NULL, 0);
		for (off = 0; off < len; off += chunks[i]) {
			size_t n = len - off < chunks[i] ? len - off : chunks[i];

			sha256_update(&c, msg + off, n);
		}
		sha256_final(&c, d);
		sha256_hex(d, hex);
		assert_string_equal(hex, "cf5b16a778af8380036ce59e7b049237"
					 "0b249b11e8f07a51afac45037afee9d1");
	}
}

static void test_sha256__hashes_a_file_or_gives_empty(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096], hex[SHA256_HEX_SIZE];
	FILE *fp;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/test_sha256_XXXXXX",
		 tmp && *tmp ? tmp : P_tmpdir);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite("abc", 1, 3, fp), 3);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(sha256_file(path, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sha256_file(path, hex), -1);
	assert_string_equal(hex, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256__matches_fips_180_2_one_block_vector),
		cmocka_unit_test(test_sha256__matches_fips_180_2_two_block_vector),
		cmocka_unit_test(test_sha256__matches_fips_180_2_million_a_vector),
		cmocka_unit_test(test_sha256__hashes_the_empty_message),
		cmocka_unit_test(test_sha256__pads_correctly_at_block_boundaries),
		cmocka_unit_test(test_sha256__incremental_equals_one_call),
		cmocka_unit_test(test_sha256__hashes_a_file_or_gives_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
