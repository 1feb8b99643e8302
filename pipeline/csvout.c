/*
 * csvout.c - CSV fields that are safe to open in a spreadsheet.
 */
#include <string.h>

#include "csvout.h"
#include "banned.h"

void csv_add_field(struct buf *b, const char *s, size_t len)
{
	int neutralise = len && strchr("=+-@\t\r", s[0]) != NULL;
	int quote = neutralise || memchr(s, ',', len) || memchr(s, '"', len) ||
		    memchr(s, '\r', len) || memchr(s, '\n', len);
	size_t i;

	if (!quote) {
		buf_add(b, s, len);
		return;
	}
	buf_addch(b, '"');
	if (neutralise)
		buf_addch(b, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_addch(b, '"');
		buf_addch(b, s[i]);
	}
	buf_addch(b, '"');
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
