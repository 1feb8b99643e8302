/*
 * string_list.h - a growable list of owned strings.
 *
 * For the small sets of words the config holds (aliases, attempt words,
 * known sub-types) and the names a module collects (a folder's entries,
 * the files a render wrote). A list starts zeroed ({ 0 }, which allocates
 * nothing); string_list_add() copies each string in; string_list_has()
 * compares whole strings, byte for byte, in a linear scan (the lists are
 * short; a long set wants a hash table). The list owns its copies:
 * string_list_clear() frees them and the array and leaves an empty list
 * that may be used again.
 */
#ifndef HUIFANG_STRING_LIST_H
#define HUIFANG_STRING_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct string_list {
	char **items;
	size_t nr, alloc;
};

/* Appends a copy of s (duplicates are kept). */
void string_list_add(struct string_list *l, const char *s);
/* Frees every item and the array; l is then empty. */
void string_list_clear(struct string_list *l);
/* Whether an item equals s. */
bool string_list_has(const struct string_list *l, const char *s);

#endif
