/*
 * mail.h - one MIME message with one attachment, and its hand-over to a
 * sendmail-compatible command.
 *
 *   struct mail_message m = { .from = ..., .to = ..., ... };
 *   mail_build(&text, &m);                       -- the whole message
 *   mail_send(argv, &text, timeout, &err);       -- fork/exec, no shell
 *
 * The message is multipart/mixed: a text/plain UTF-8 body (base64, so no
 * line of it is long and no byte of it is read as a header) and the
 * attachment (application/pdf, base64 in 76-character lines). Every
 * header line is at most 78 characters: the subject is RFC 2047
 * encoded-words (UTF-8, "B"), folded between words; the attachment's
 * name is an RFC 2231 parameter (filename*0*=UTF-8''...) in
 * continuations. The subject and the file name are hostile input (a
 * centre's name): a control character, CR and LF included, is written as
 * visible text before it is encoded, so no value can start a header of
 * its own. Addresses are not encoded: the config accepts only plain
 * addresses (config_load.c). Lines end in LF, as a sendmail
 * command reads them from a pipe.
 *
 * Everything here writes into a caller's struct buf and owns nothing;
 * mail_send() forks, writes the message to the command's standard
 * input, and waits at most timeout seconds before it kills the command.
 */
#ifndef HUIFANG_MAIL_H
#define HUIFANG_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/string_list.h"

/*
 * Appends "Name: " and value as RFC 2047 encoded-words, folded so that no
 * line exceeds 78 characters, and the final LF. Pure ASCII printable text
 * is encoded too (the simplest rule that is always right).
 */
void mail_header_encoded(struct buf *out, const char *name, const char *value);

/*
 * Appends "; param*0*=UTF-8''%E5..." continuations (RFC 2231) for value,
 * each on a line of its own (LF and a space before it), at most 78
 * characters a line. Only letters, digits and "-._" stay unescaped.
 */
void mail_param_2231(struct buf *out, const char *param, const char *value);

/* Appends the base64 of n bytes at data in lines of 76 and an LF each. */
void mail_base64_lines(struct buf *out, const void *data, size_t n);

struct mail_message {
	const char *from;              /* a plain address */
	const struct string_list *to;  /* plain addresses, at least one */
	const char *subject;           /* UTF-8, any content */
	const char *body;              /* UTF-8 text, LF line ends */
	const char *file_name;         /* the attachment's name, UTF-8 */
	const void *file;              /* its bytes */
	size_t file_len;
	const char *file_type;         /* "application/pdf" */
	const char *message_id;        /* "<...@...>", or NULL */
	int64_t date;                  /* seconds since the epoch */
};

/*
 * Appends the whole message. The MIME boundary is derived from the
 * attachment's SHA-256, which a base64 text cannot contain (it holds
 * '=' '_' and '.', which base64 never does in that order).
 */
void mail_build(struct buf *out, const struct mail_message *m);

/*
 * Runs argv[0] (an absolute path; no shell, no PATH search) with argv
 * (NULL-terminated),
 * writes message to its standard input and waits for it, at most
 * timeout_seconds in all, after which it is killed. 0 when it exits 0;
 * else -1 with the reason appended to err: "exit N", "killed by signal
 * N", "timed out after N s", or why it could not run, followed by the
 * first line the command wrote (its stdout and stderr, control
 * characters escaped).
 */
int mail_send(const char *const *argv, const struct buf *message,
	      unsigned timeout_seconds, struct buf *err);

#endif
