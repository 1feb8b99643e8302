/*
 * csvout.c - CSV fields that are safe to open in a spreadsheet.
 */
#include <string.h>

#include "util/csvout.h"
#include "util/banned.h"

static void add_quoted(struct buf *b, const char *prefix, const char *s,
		       size_t len)
{
	size_t i;

	buf_addch(b, '"');
	buf_adds(b, prefix);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, s[i]);
	}
	buf_addch(b, '"');
}

void csv_add_plain_field(struct buf *b, const char *s, size_t len)
{
	if (memchr(s, ',', len) || memchr(s, '"', len) ||
	    memchr(s, '\r', len) || memchr(s, '\n', len))
		add_quoted(b, "", s, len);
	else
		buf_add(b, s, len);
}

void csv_add_field(struct buf *b, const char *s, size_t len)
{
	if (len && strchr("=+-@\t\r", s[0]) != NULL)
		add_quoted(b, "'", s, len);
	else
		csv_add_plain_field(b, s, len);
}

void csv_add_row(struct buf *b, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(b, ',');
		csv_add_field(b, fields[i], strlen(fields[i]));
	}
	buf_adds(b, "\r\n");
}
