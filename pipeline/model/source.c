/*
 * source.c - looking things up in a source profile (see source.h).
 *
 * Profiles are small (a few dozen names and map entries), so headers,
 * empty values and value maps are searched in order; code tables may hold
 * every member of staff and are kept sorted for a binary search. Nothing
 * here allocates except source_column_hint()'s scratch buffers, and
 * nothing changes a profile after config_load() built it.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "model/source.h"
#include "util/buf.h"
#include "util/textio.h"
#include "util/banned.h"

const struct source_profile *source_match(const struct config *cfg,
					  const char *file_name)
{
	size_t i, j;

	for (i = 0; i < cfg->nsources; i++) {
		const struct source_profile *p = &cfg->sources[i];

		for (j = 0; j < p->files.nr; j++)
			if (!fnmatch(p->files.items[j], file_name, FNM_PERIOD))
				return p;
	}
	return NULL;
}

const struct source_profile *source_by_name(const struct config *cfg,
					    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (!strcmp(cfg->sources[i].name, name))
			return &cfg->sources[i];
	return NULL;
}

int source_map_header(const struct source_profile *p, const char *header)
{
	struct buf want = BUF_INIT, key = BUF_INIT;
	int column = -1;
	size_t i;

	text_header_key(&want, header, strlen(header));
	for (i = 0; i < p->header.nr && column < 0; i++) {
		buf_setlen(&key, 0);
		text_header_key(&key, p->header.items[i],
				strlen(p->header.items[i]));
		if (!strcmp(key.s, want.s))
			column = p->header_column[i];
	}
	buf_release(&want);
	buf_release(&key);
	return column;
}

bool source_is_empty(const struct source_profile *p, const char *value)
{
	return string_list_has(&p->empty_values, value);
}

/* The map of p for (column, type); NULL when there is none. */
static const struct value_map *find_map(const struct source_profile *p,
					int column, int type)
{
	size_t i;

	for (i = 0; i < p->nmaps; i++)
		if (p->maps[i].column == column && p->maps[i].type == type)
			return &p->maps[i];
	return NULL;
}

static const char *lookup(const struct value_map *m, const char *value)
{
	size_t i;

	for (i = 0; m && i < m->from.nr; i++)
		if (!strcmp(m->from.items[i], value))
			return m->to.items[i];
	return NULL;
}

const char *source_map_value(const struct source_profile *p, int column,
			     int type, const char *value)
{
	const struct value_map *m = NULL;

	/* A map for the row's type replaces the map for every type. */
	if (type != TYPE_UNKNOWN)
		m = find_map(p, column, type);
	if (!m)
		m = find_map(p, column, TYPE_UNKNOWN);
	return m ? lookup(m, value) : value;
}

static int cmp_code(const void *key, const void *item)
{
	return strcmp((const char *)key, *(char *const *)item);
}

/* The name a code table of p gives value in column; NULL if none does. */
static const char *code_of(const struct source_profile *p, int column,
			   const char *value)
{
	size_t i;

	for (i = 0; i < p->ncodes; i++) {
		const struct code_table *t = &p->codes[i];
		char **hit;

		if (t->column != column)
			continue;
		hit = bsearch(value, t->code.items, t->code.nr,
			      sizeof(*t->code.items), cmp_code);
		if (hit)
			return t->name.items[hit - t->code.items];
	}
	return NULL;
}

const char *source_code(const struct source_profile *p, int column,
			const char *value)
{
	const char *name = code_of(p, column, value);

	return name ? name : value;
}

const char *source_value(const struct source_profile *p, int column,
			 int type, const char *value)
{
	const char *m = source_map_value(p, column, type, value);

	if (m)
		return strcmp(m, SOURCE_SKIP) ? source_code(p, column, m) : m;
	/* Unlisted: a code table may still name it; a time stays a time. */
	if ((m = code_of(p, column, value)))
		return m;
	return column_is_time(column) ? value : NULL;
}

bool source_maps_by_type(const struct source_profile *p, int column)
{
	size_t i;

	for (i = 0; i < p->nmaps; i++)
		if (p->maps[i].column == column &&
		    p->maps[i].type != TYPE_UNKNOWN)
			return true;
	return false;
}

bool source_is_attempt(const struct source_profile *p, const char *value)
{
	return p->attempt_column >= 0 &&
	       string_list_has(&p->attempt_values, value);
}

/* Decodes s into code points; returns how many (at most cap). */
static size_t code_points(const char *s, unsigned *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;

	while (*u && n < cap) {
		size_t len = utf8_seq(u, strlen((const char *)u), NULL);
		unsigned c;

		if (!len)
			len = 1;
		c = len == 1 ? u[0]
		    : len == 2 ? (u[0] & 0x1Fu) << 6 | (u[1] & 0x3Fu)
		    : len == 3 ? (u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 |
				 (u[2] & 0x3Fu)
			       : (u[0] & 0x07u) << 18 | (u[1] & 0x3Fu) << 12 |
				 (u[2] & 0x3Fu) << 6 | (u[3] & 0x3Fu);
		out[n++] = c;
		u += len;
	}
	return n;
}

/* True when a and b (code points) are at most one insertion, deletion or
 * substitution apart. */
static bool one_edit(const unsigned *a, size_t na, const unsigned *b,
		     size_t nb)
{
	size_t i = 0, j = 0, edits = 0;

	if (na > nb + 1 || nb > na + 1)
		return false;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			i++, j++;
			continue;
		}
		if (++edits > 1)
			return false;
		if (na > nb)
			i++;
		else if (nb > na)
			j++;
		else
			i++, j++;
	}
	return edits + (na - i) + (nb - j) <= 1;
}

/* True when the code points of needle occur in hay, in a row. */
static bool contains(const unsigned *hay, size_t nh, const unsigned *needle,
		     size_t nn)
{
	size_t i;

	for (i = 0; nn && i + nn <= nh; i++)
		if (!memcmp(hay + i, needle, nn * sizeof(*hay)))
			return true;
	return false;
}

int source_column_hint(const char *header)
{
	struct buf key = BUF_INIT, canon = BUF_INIT;
	unsigned h[64], c[64];
	size_t nh, nc;
	int col, hint = -1;

	text_header_key(&key, header, strlen(header));
	nh = code_points(key.s, h, 64);
	/* One letter resembles too much to be worth a hint. */
	if (nh < 2 || nh == 64)
		goto out;
	for (col = 0; col < COL_COUNT && hint < 0; col++) {
		buf_setlen(&canon, 0);
		text_header_key(&canon, column_name[col],
				strlen(column_name[col]));
		nc = code_points(canon.s, c, 64);
		if (contains(h, nh, c, nc) || contains(c, nc, h, nh) ||
		    one_edit(h, nh, c, nc))
			hint = col;
	}
out:
	buf_release(&key);
	buf_release(&canon);
	return hint;
}

bool source_each_handler(const struct source_profile *p, const char *value,
			 bool (*fn)(const char *person, size_t len, void *arg),
			 void *arg)
{
	const char *s = value;

	if (!p || !p->handler_separators) {
		size_t n = strlen(value);

		text_trim(&s, &n);
		return n && fn(s, n, arg);
	}
	while (*s) {
		const char *end = s, *q;
		size_t n;

		/* The separators may be multi-byte (，、), so find the
		 * earliest place where any of them starts. */
		for (; *end; end++) {
			for (q = p->handler_separators; *q;) {
				size_t len = utf8_seq((const unsigned char *)q,
						      strlen(q), NULL);

				if (!len)
					len = 1;
				if (!strncmp(end, q, len))
					break;
				q += len;
			}
			if (*q)
				break;
		}
		n = (size_t)(end - s);
		{
			const char *person = s;

			text_trim(&person, &n);
			if (n && fn(person, n, arg))
				return true;
		}
		if (!*end)
			break;
		/* Step over the separator found at end. */
		s = end + utf8_seq((const unsigned char *)end, strlen(end),
				   NULL);
		if (s == end)
			s++;
	}
	return false;
}

void source_profile_release(struct source_profile *p)
{
	size_t i;
	int c;

	free(p->name);
	string_list_clear(&p->files);
	string_list_clear(&p->header);
	free(p->header_column);
	for (c = 0; c < COL_COUNT; c++)
		free(p->constant[c]);
	for (i = 0; i < p->nmaps; i++) {
		string_list_clear(&p->maps[i].from);
		string_list_clear(&p->maps[i].to);
	}
	free(p->maps);
	string_list_clear(&p->empty_values);
	free(p->records);
	free(p->encoding);
	free(p->sheet);
	string_list_clear(&p->sheets);
	string_list_clear(&p->attempt_values);
	free(p->handler_separators);
	free(p->key_column);
	free(p->join);
	for (i = 0; i < p->ncodes; i++) {
		free(p->codes[i].file);
		string_list_clear(&p->codes[i].code);
		string_list_clear(&p->codes[i].name);
	}
	free(p->codes);
	memset(p, 0, sizeof(*p));
}
