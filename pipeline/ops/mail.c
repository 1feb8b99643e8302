/*
 * mail.c - MIME building and the hand-over to sendmail (see mail.h).
 *
 * Invariants: every line this file writes is at most 78 characters
 * (header lines and base64 alike), ends in LF, and holds no byte below
 * 0x20 but the LF and the folding space; a value the caller passes (a
 * subject, a file name) reaches the message only encoded, after its
 * control characters were made visible text (textio.h). The child that
 * runs the command gets the message on its standard input and nothing
 * else of ours: every other descriptor is closed before exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ops/mail.h"
#include "util/chtime.h"
#include "util/sha256.h"
#include "util/textio.h"
#include "util/banned.h"

/* The longest header line (RFC 5322 says SHOULD 78). */
#define LINE_MAX_CHARS 78

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_add(struct buf *out, const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		buf_addch(out, b64[s[i] >> 2]);
		buf_addch(out, b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		buf_addch(out, b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)]);
		buf_addch(out, b64[s[i + 2] & 63]);
	}
	if (n - i == 1) {
		buf_addch(out, b64[s[i] >> 2]);
		buf_addch(out, b64[(s[i] & 3) << 4]);
		buf_adds(out, "==");
	} else if (n - i == 2) {
		buf_addch(out, b64[s[i] >> 2]);
		buf_addch(out, b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)]);
		buf_addch(out, b64[(s[i + 1] & 15) << 2]);
		buf_addch(out, '=');
	}
}

void mail_base64_lines(struct buf *out, const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i;

	/* 57 bytes make 76 characters. */
	for (i = 0; i < n; i += 57) {
		base64_add(out, s + i, n - i < 57 ? n - i : 57);
		buf_addch(out, '\n');
	}
}

/* The length of the UTF-8 character at s (1 for a stray byte). */
static size_t char_len(const unsigned char *s)
{
	if (*s >= 0xF0)
		return 4;
	if (*s >= 0xE0)
		return 3;
	if (*s >= 0xC0)
		return 2;
	return 1;
}

void mail_header_encoded(struct buf *out, const char *name, const char *value)
{
	struct buf clean = BUF_INIT;
	const unsigned char *s;
	size_t col, i, n;

	/* Controls and invalid bytes become visible text first. */
	text_escape_controls(&clean, value, strlen(value));
	buf_addf(out, "%s:", name);
	col = strlen(name) + 1;
	s = (const unsigned char *)clean.s;
	n = clean.len;
	/*
	 * Each encoded-word holds whole characters only (RFC 2047 §5), at
	 * most 45 bytes (60 base64 characters), and as many as fit on the
	 * line: " =?UTF-8?B?" and "?=" take 13 characters, so a word after
	 * a fold is at most 73.
	 */
	i = 0;
	do {
		size_t max = 0, take = 0, c;

		if (col + 13 + 4 <= LINE_MAX_CHARS)
			max = (LINE_MAX_CHARS - col - 13) / 4 * 3;
		if (max > 45)
			max = 45;
		while (i + take < n && take + (c = char_len(s + i + take)) <= max)
			take += c;
		if (i + take > n)
			take = n - i;
		if (!take && i < n) {
			/* Not even one character fits: fold. */
			buf_addch(out, '\n');
			col = 0;
			continue;
		}
		buf_adds(out, " =?UTF-8?B?");
		base64_add(out, s + i, take);
		buf_adds(out, "?=");
		col += 13 + (take + 2) / 3 * 4;
		i += take;
	} while (i < n);
	buf_addch(out, '\n');
	buf_release(&clean);
}

void mail_param_2231(struct buf *out, const char *param, const char *value)
{
	struct buf clean = BUF_INIT, piece = BUF_INIT;
	const unsigned char *s;
	size_t i = 0, part = 0;

	text_escape_controls(&clean, value, strlen(value));
	s = (const unsigned char *)clean.s;
	do {
		buf_reset(&piece);
		buf_addf(&piece, " %s*%zu*=%s", param, part,
			 part ? "" : "UTF-8''");
		/*
		 * Whole characters only in each piece (some readers decode
		 * the pieces one by one), and room for ";" after it.
		 */
		while (i < clean.len) {
			size_t c = char_len(s + i), k;

			if (i + c > clean.len)
				c = clean.len - i;
			if (piece.len + c * 3 + 1 > LINE_MAX_CHARS)
				break;
			for (k = 0; k < c; k++) {
				unsigned char ch = s[i + k];

				if ((ch >= 'a' && ch <= 'z') ||
				    (ch >= 'A' && ch <= 'Z') ||
				    (ch >= '0' && ch <= '9') ||
				    ch == '-' || ch == '.' || ch == '_')
					buf_addch(&piece, ch);
				else
					buf_addf(&piece, "%%%02X", ch);
			}
			i += c;
		}
		buf_adds(out, ";\n");
		buf_add(out, piece.s, piece.len);
		part++;
	} while (i < clean.len);
	buf_release(&clean);
	buf_release(&piece);
}

/* RFC 5322's date, in China time: "Thu, 26 Nov 2026 08:00:00 +0800". */
static void add_date(struct buf *out, int64_t t)
{
	static const char *const days[] = { "Mon", "Tue", "Wed", "Thu",
					    "Fri", "Sat", "Sun" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
					      "May", "Jun", "Jul", "Aug",
					      "Sep", "Oct", "Nov", "Dec" };
	struct civil c;

	chtime_civil(t, &c);
	buf_addf(out, "Date: %s, %d %s %04d %02d:%02d:%02d +0800\n",
		 days[(c.weekday + 6) % 7], c.day, months[c.month - 1], c.year,
		 c.hour, c.minute, c.second);
}

void mail_build(struct buf *out, const struct mail_message *m)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	char hex[SHA256_HEX_SIZE], boundary[48];
	size_t i, col;

	sha256(m->file, m->file_len, digest);
	sha256_hex(digest, hex);
	snprintf(boundary, sizeof(boundary), "=_huifang_%.24s.", hex);

	buf_addf(out, "From: %s\n", m->from);
	buf_adds(out, "To:");
	col = 3;
	for (i = 0; i < m->to->nr; i++) {
		const char *a = m->to->items[i];

		if (i) {
			buf_addch(out, ',');
			col++;
		}
		if (col + 1 + strlen(a) + 1 > LINE_MAX_CHARS) {
			buf_addch(out, '\n');
			col = 0;
		}
		buf_addf(out, " %s", a);
		col += 1 + strlen(a);
	}
	buf_addch(out, '\n');
	mail_header_encoded(out, "Subject", m->subject);
	add_date(out, m->date);
	if (m->message_id)
		buf_addf(out, "Message-ID: %s\n", m->message_id);
	buf_adds(out, "MIME-Version: 1.0\n");
	buf_addf(out, "Content-Type: multipart/mixed;\n boundary=\"%s\"\n",
		 boundary);
	buf_adds(out, "Auto-Submitted: auto-generated\n");
	buf_adds(out, "\nThis is a MIME message.\n");

	buf_addf(out, "\n--%s\n", boundary);
	buf_adds(out, "Content-Type: text/plain; charset=UTF-8\n"
		      "Content-Transfer-Encoding: base64\n\n");
	mail_base64_lines(out, m->body, strlen(m->body));

	buf_addf(out, "\n--%s\n", boundary);
	buf_addf(out, "Content-Type: %s", m->file_type);
	mail_param_2231(out, "name", m->file_name);
	buf_adds(out, "\nContent-Disposition: attachment");
	mail_param_2231(out, "filename", m->file_name);
	buf_adds(out, "\nContent-Transfer-Encoding: base64\n\n");
	mail_base64_lines(out, m->file, m->file_len);
	buf_addf(out, "\n--%s--\n", boundary);
}

/* ---- running the command ---------------------------------------------- */

/* Seconds on the monotonic clock. */
static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The child: stdin from in, stdout and stderr to out, then exec. */
static void child_exec(const char *const *argv, int in, int out)
{
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
	signal(SIGPIPE, SIG_DFL);
	execv(argv[0], (char *const *)argv);
	/* Said on the output pipe, which the parent reads. */
	{
		char msg[256];
		int n = snprintf(msg, sizeof(msg), "cannot run %s: %s\n",
				 argv[0], strerror(errno));

		if (n > 0 && write(1, msg, (size_t)n) < 0)
			_exit(127);
	}
	_exit(127);
}

int mail_send(const char *const *argv, const struct buf *message,
	      unsigned timeout_seconds, struct buf *err)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = 0;
	struct buf said = BUF_INIT;
	size_t sent = 0;
	double deadline = now_seconds() + timeout_seconds;
	bool timed_out = false, out_open = true;
	void (*old_pipe)(int);
	pid_t pid;
	int ret = -1;

	if (!argv || !argv[0] || argv[0][0] != '/') {
		buf_addf(err, "the mail command must be an absolute path");
		return -1;
	}
	if (pipe(in) < 0 || pipe(out) < 0) {
		buf_addf(err, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	/* A command that stops reading must not kill us. */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		buf_addf(err, "cannot fork: %s", strerror(errno));
		signal(SIGPIPE, old_pipe);
		goto out;
	}
	if (pid == 0)
		child_exec(argv, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (!message->len) {
		close(in[1]);
		in[1] = -1;
	}

	/* Write the message and read what it says, until it closes. */
	while (in[1] >= 0 || out_open) {
		struct pollfd fds[2];
		nfds_t nf = 0;
		double left = deadline - now_seconds();
		int r, wi = -1, ri = -1;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (in[1] >= 0) {
			fds[nf].fd = in[1];
			fds[nf].events = POLLOUT;
			wi = (int)nf++;
		}
		if (out_open) {
			fds[nf].fd = out[0];
			fds[nf].events = POLLIN;
			ri = (int)nf++;
		}
		r = poll(fds, nf, (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (wi >= 0 && fds[wi].revents) {
			ssize_t w = write(in[1], message->s + sent,
					  message->len - sent);

			if (w > 0)
				sent += (size_t)w;
			/* EPIPE: it stopped reading; its status says why. */
			if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
			    sent == message->len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (ri >= 0 && fds[ri].revents) {
			char chunk[512];
			ssize_t n = read(out[0], chunk, sizeof(chunk));

			if (n > 0 && said.len < 4096)
				buf_add(&said, chunk, (size_t)n);
			else if (n == 0 || (n < 0 && errno != EINTR &&
					    errno != EAGAIN))
				out_open = false;
		}
	}
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old_pipe);

	if (timed_out)
		buf_addf(err, "%s timed out after %u s", argv[0],
			 timeout_seconds);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		 sent == message->len)
		ret = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		buf_addf(err, "%s exited 0 before reading the whole message",
			 argv[0]);
	else if (WIFEXITED(status))
		buf_addf(err, "%s exited %d", argv[0], WEXITSTATUS(status));
	else
		buf_addf(err, "%s was killed by signal %d", argv[0],
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (ret < 0 && said.len) {
		size_t first = strcspn(said.s, "\n");

		buf_adds(err, ": ");
		text_escape_controls(err, said.s, first > 300 ? 300 : first);
	}
out:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	buf_release(&said);
	return ret;
}
