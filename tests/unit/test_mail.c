/*
 * test_mail.c - the MIME message of ops/mail.h: RFC 2047 subjects and
 * RFC 2231 file names that decode to what was given, hostile names that
 * cannot start a header, every line within 78 characters, the attachment
 * in base64 byte for byte; and the sendmail run: the message on the
 * command's standard input, a failing command's status and words, and a
 * command that hangs killed at the timeout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <unistd.h>

#include "ops/mail.h"
#include "util/buf.h"
#include "util/string_list.h"
#include "tmpdir.h"

/* ---- decoding, as a mail reader does ----------------------------------- */

static int b64_value(int c)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;

	return p ? (int)(p - a) : -1;
}

/* Decodes base64 text (line breaks skipped) onto out. */
static void b64_decode(struct buf *out, const char *s, size_t n)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (s[i] == '\n' || s[i] == '=')
			continue;
		assert_true(v >= 0);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (int)((acc >> bits) & 0xFF));
		}
	}
}

/* The text of the encoded-words of a header value (RFC 2047 B only). */
static void decode_2047(struct buf *out, const char *value)
{
	const char *p = value;

	while ((p = strstr(p, "=?UTF-8?B?"))) {
		const char *end = strstr(p + 10, "?=");

		assert_non_null(end);
		b64_decode(out, p + 10, (size_t)(end - p - 10));
		p = end + 2;
	}
}

/* The value of an RFC 2231 parameter written in continuations. */
static void decode_2231(struct buf *out, const char *text, const char *param)
{
	char key[64];
	unsigned part;

	for (part = 0;; part++) {
		const char *p;

		snprintf(key, sizeof(key), "%s*%u*=", param, part);
		p = strstr(text, key);
		if (!p)
			break;
		p += strlen(key);
		if (!part) {
			assert_memory_equal(p, "UTF-8''", 7);
			p += 7;
		}
		for (; *p && *p != ';' && *p != '\n'; p++) {
			if (*p == '%') {
				char hex[3] = { p[1], p[2], 0 };

				buf_addch(out, (int)strtoul(hex, NULL, 16));
				p += 2;
			} else {
				buf_addch(out, *p);
			}
		}
	}
	assert_true(part > 0);
}

/* Asserts every line of text is at most 78 characters, without CR. */
static void assert_short_lines(const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		if (n > 78)
			fail_msg("a line of %zu characters: %.*s", n, (int)n, p);
		assert_null(memchr(p, '\r', n));
		p += n + (p[n] == '\n');
	}
}

/* The header block of a message (up to the first empty line). */
static void headers_of(struct buf *out, const char *msg)
{
	const char *end = strstr(msg, "\n\n");

	assert_non_null(end);
	buf_add(out, msg, (size_t)(end - msg + 1));
}

/* ---- the encoders ------------------------------------------------------- */

static void test_mail__subject_is_encoded_words_that_decode_back(void **state)
{
	const char *subject = "服务中心回访周报 2026-W47 翠湖苑物业服务中心，"
			      "一个很长很长很长很长很长很长很长很长的名字";
	struct buf h = BUF_INIT, text = BUF_INIT;

	(void)state;
	mail_header_encoded(&h, "Subject", subject);
	assert_short_lines(h.s);
	assert_memory_equal(h.s, "Subject: =?UTF-8?B?", 19);
	/* Folded: the continuation lines start with a space. */
	assert_non_null(strstr(h.s, "\n =?UTF-8?B?"));
	assert_int_equal(h.s[h.len - 1], '\n');
	decode_2047(&text, h.s);
	assert_string_equal(text.s, subject);
	buf_release(&h);
	buf_release(&text);
}

static void test_mail__a_hostile_subject_cannot_start_a_header(void **state)
{
	const char *hostile = "中心\r\nBcc: victim@example.com\r\n\r\nhi\x01";
	struct buf h = BUF_INIT, text = BUF_INIT;
	const char *p;

	(void)state;
	mail_header_encoded(&h, "Subject", hostile);
	assert_short_lines(h.s);
	/* One header: every line after the first is a continuation. */
	for (p = strchr(h.s, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
		assert_int_equal(p[1], ' ');
	assert_null(strstr(h.s, "Bcc"));
	decode_2047(&text, h.s);
	assert_string_equal(text.s,
			    "中心\\r\\nBcc: victim@example.com\\r\\n\\r\\nhi\\x01");
	buf_release(&h);
	buf_release(&text);
}

static void test_mail__file_name_is_rfc2231_in_short_pieces(void **state)
{
	const char *name = "中心周报-翠湖苑物业服务中心 (A; \"B\").pdf";
	struct buf p = BUF_INIT, text = BUF_INIT;

	(void)state;
	buf_adds(&p, "Content-Disposition: attachment");
	mail_param_2231(&p, "filename", name);
	assert_short_lines(p.s);
	assert_non_null(strstr(p.s, ";\n filename*0*=UTF-8''%E4%B8%AD"));
	assert_non_null(strstr(p.s, ";\n filename*1*="));
	/* No quote, space or semicolon of the name is written bare. */
	assert_null(strchr(strstr(p.s, "filename"), '"'));
	decode_2231(&text, p.s, "filename");
	assert_string_equal(text.s, name);
	buf_release(&p);
	buf_release(&text);
}

static void test_mail__file_name_with_a_newline_stays_one_parameter(void **state)
{
	struct buf p = BUF_INIT, text = BUF_INIT;

	(void)state;
	mail_param_2231(&p, "filename", "a\nContent-Type: text/html\n.pdf");
	assert_null(strstr(p.s, "\nContent-Type"));
	decode_2231(&text, p.s, "filename");
	assert_string_equal(text.s, "a\\nContent-Type: text/html\\n.pdf");
	buf_release(&p);
	buf_release(&text);
}

static void test_mail__base64_lines_are_76_and_round_trip(void **state)
{
	unsigned char data[1000];
	struct buf b = BUF_INIT, back = BUF_INIT;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	for (n = 0; n < 200; n += 67) {
		buf_reset(&b);
		buf_reset(&back);
		mail_base64_lines(&b, data, n);
		assert_short_lines(b.s);
		if (n > 57)
			assert_int_equal(strcspn(b.s, "\n"), 76);
		b64_decode(&back, b.s, b.len);
		assert_int_equal(back.len, n);
		assert_memory_equal(back.s, data, n);
	}
	buf_reset(&b);
	mail_base64_lines(&b, "Man", 3);
	assert_string_equal(b.s, "TWFu\n");
	buf_reset(&b);
	mail_base64_lines(&b, "Ma", 2);
	assert_string_equal(b.s, "TWE=\n");
	buf_release(&b);
	buf_release(&back);
}

/* ---- the message -------------------------------------------------------- */

static void build(struct buf *out, const char *subject, const void *file,
		  size_t len)
{
	struct string_list to = { 0 };
	struct mail_message m;

	string_list_add(&to, "boss@example.com");
	string_list_add(&to, "a-very-long-address-for-folding@example.com");
	string_list_add(&to, "third.person@example.com");
	memset(&m, 0, sizeof(m));
	m.from = "huifang@example.com";
	m.to = &to;
	m.subject = subject;
	m.body = "本周回访率 95.2%\n";
	m.file_name = "周报-2026-W47.pdf";
	m.file = file;
	m.file_len = len;
	m.file_type = "application/pdf";
	m.message_id = "<2026-W47.v1.abc.huifang@example.com>";
	m.date = 1795651200; /* 2026-11-26 08:00:00 China time */
	mail_build(out, &m);
	string_list_clear(&to);
}

static void test_mail__message_is_multipart_with_the_file_intact(void **state)
{
	unsigned char pdf[3000];
	struct buf msg = BUF_INIT, h = BUF_INIT, back = BUF_INIT;
	const char *start, *end;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pdf); i++)
		pdf[i] = (unsigned char)(i * 31 + i / 7);
	build(&msg, "周报", pdf, sizeof(pdf));
	assert_short_lines(msg.s);
	headers_of(&h, msg.s);
	assert_non_null(strstr(h.s, "\nDate: Thu, 26 Nov 2026 08:00:00 +0800\n"));
	assert_non_null(strstr(h.s, "\nMIME-Version: 1.0\n"));
	assert_non_null(strstr(h.s, "\nContent-Type: multipart/mixed;\n "
				    "boundary=\"=_huifang_"));
	assert_non_null(strstr(h.s, "To: boss@example.com,"));
	assert_non_null(strstr(h.s, "\nMessage-ID: <2026-W47.v1.abc.huifang@"
				    "example.com>\n"));
	assert_non_null(strstr(msg.s, "Content-Type: text/plain; charset=UTF-8"
				      "\nContent-Transfer-Encoding: base64\n"));
	/* The attachment's base64, from after its headers to the boundary. */
	start = strstr(msg.s, "filename*0*=");
	assert_non_null(start);
	start = strstr(start, "\n\n") + 2;
	end = strstr(start, "\n--=_huifang_");
	assert_non_null(end);
	b64_decode(&back, start, (size_t)(end - start));
	assert_int_equal(back.len, sizeof(pdf));
	assert_memory_equal(back.s, pdf, sizeof(pdf));
	/* The closing boundary ends the message. */
	assert_non_null(strstr(end, "--\n"));
	buf_release(&msg);
	buf_release(&h);
	buf_release(&back);
}

/* ---- the command -------------------------------------------------------- */

static char *slurp(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	buf_reset(b);
	assert_int_equal(buf_read_stream(b, f), 0);
	fclose(f);
	return b->s;
}

static void test_mail__send_writes_the_message_to_the_command(void **state)
{
	char root[256], path[300];
	struct buf msg = BUF_INIT, got = BUF_INIT, err = BUF_INIT;
	const char *argv[] = { "/usr/bin/tee", path, NULL };
	size_t i;

	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "test_mail"), 0);
	snprintf(path, sizeof(path), "%s/sent.eml", root);
	/* Larger than a pipe's buffer, so the writes must take turns. */
	for (i = 0; i < 20000; i++)
		buf_adds(&msg, "line of the message\n");
	assert_int_equal(mail_send(argv, &msg, 20, &err), 0);
	assert_int_equal(err.len, 0);
	slurp(path, &got);
	assert_int_equal(got.len, msg.len);
	assert_memory_equal(got.s, msg.s, msg.len);
	tmpdir_remove(root);
	buf_release(&msg);
	buf_release(&got);
	buf_release(&err);
}

static void test_mail__send_reports_the_exit_status_and_words(void **state)
{
	const char *argv[] = { "/bin/sh", "-c",
			       "cat >/dev/null; echo 'smtp: connection refused' >&2; exit 75",
			       NULL };
	const char *missing[] = { "/nonexistent/sendmail", "-t", NULL };
	const char *relative[] = { "sendmail", "-t", NULL };
	struct buf msg = BUF_INIT, err = BUF_INIT;

	(void)state;
	buf_adds(&msg, "Subject: x\n\nbody\n");
	assert_int_equal(mail_send(argv, &msg, 20, &err), -1);
	assert_string_equal(err.s, "/bin/sh exited 75: smtp: connection refused");
	buf_reset(&err);
	assert_int_equal(mail_send(missing, &msg, 20, &err), -1);
	assert_string_equal(err.s, "/nonexistent/sendmail exited 127: cannot "
			    "run /nonexistent/sendmail: No such file or "
			    "directory");
	buf_reset(&err);
	assert_int_equal(mail_send(relative, &msg, 20, &err), -1);
	assert_string_equal(err.s, "the mail command must be an absolute path");
	buf_release(&msg);
	buf_release(&err);
}

static void test_mail__send_kills_a_command_that_hangs(void **state)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct buf msg = BUF_INIT, err = BUF_INIT;
	time_t start = time(NULL);

	(void)state;
	buf_adds(&msg, "Subject: x\n\nbody\n");
	assert_int_equal(mail_send(argv, &msg, 1, &err), -1);
	assert_string_equal(err.s, "/bin/sleep timed out after 1 s");
	assert_true(time(NULL) - start < 10);
	buf_release(&msg);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mail__subject_is_encoded_words_that_decode_back),
		cmocka_unit_test(test_mail__a_hostile_subject_cannot_start_a_header),
		cmocka_unit_test(test_mail__file_name_is_rfc2231_in_short_pieces),
		cmocka_unit_test(test_mail__file_name_with_a_newline_stays_one_parameter),
		cmocka_unit_test(test_mail__base64_lines_are_76_and_round_trip),
		cmocka_unit_test(test_mail__message_is_multipart_with_the_file_intact),
		cmocka_unit_test(test_mail__send_writes_the_message_to_the_command),
		cmocka_unit_test(test_mail__send_reports_the_exit_status_and_words),
		cmocka_unit_test(test_mail__send_kills_a_command_that_hangs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
