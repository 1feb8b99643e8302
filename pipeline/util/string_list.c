/*
 * string_list.c - a growable list of owned strings (see string_list.h).
 */
#include <stdlib.h>
#include <string.h>

#include "util/string_list.h"
#include "util/xalloc.h"
#include "util/banned.h"

void string_list_add(struct string_list *l, const char *s)
{
	ALLOC_GROW(l->items, l->nr + 1, l->alloc);
	l->items[l->nr++] = xstrdup(s);
}

void string_list_clear(struct string_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

bool string_list_has(const struct string_list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i], s))
			return true;
	return false;
}
