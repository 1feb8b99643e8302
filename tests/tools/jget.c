/*
 * jget - prints one value of a JSON file, for the end-to-end scripts (no
 * jq or python on a fresh machine).
 *
 *   jget FILE PATH...  PATH like  input.rows_read  or  by_type[0].coverage
 *
 * Prints each path's value on a line of its own. Strings print raw,
 * everything else as cJSON prints it unformatted; "." prints the whole
 * document; a path ending in '#' prints the length of the array (or
 * object) it names. Exits 1 if a path does not exist (with several paths,
 * its line reads "(no such path)", so that the lines stay in step), 2 if
 * the file is not JSON. Several paths in one call parse the file once,
 * which matters under the sanitizers, where each start costs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/banned.h"

/*
 * Prints the value at path in root, or "(no such path)" when there is
 * none; 0, or 1 when the path does not exist.
 */
static int print_path(cJSON *root, const char *arg, int many)
{
	const char *p;
	char path[1024];
	int want_length = 0;
	size_t plen;
	cJSON *node = root;
	char *text;

	plen = strlen(arg);
	if (plen >= sizeof(path))
		plen = sizeof(path) - 1;
	memcpy(path, arg, plen);
	path[plen] = '\0';
	if (plen && path[plen - 1] == '#') {
		want_length = 1;
		path[--plen] = '\0';
	}
	p = path;
	if (!strcmp(p, "."))
		p = "";
	while (*p && node) {
		if (*p == '.') {
			p++;
		} else if (*p == '[') {
			node = cJSON_GetArrayItem(node, atoi(p + 1));
			p = strchr(p, ']');
			p = p ? p + 1 : "";
		} else {
			size_t len = strcspn(p, ".[");
			char key[256];

			if (len >= sizeof(key))
				len = sizeof(key) - 1;
			memcpy(key, p, len);
			key[len] = '\0';
			node = cJSON_GetObjectItemCaseSensitive(node, key);
			p += len;
		}
	}
	if (!node) {
		/* One line per path, so that the lines stay in step. */
		if (many)
			puts("(no such path)");
		return 1;
	}
	if (want_length) {
		printf("%d\n", cJSON_GetArraySize(node));
	} else if (cJSON_IsString(node)) {
		puts(node->valuestring);
	} else {
		text = cJSON_PrintUnformatted(node);
		puts(text);
		free(text);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct buf data = BUF_INIT;
	char chunk[65536];
	cJSON *root;
	FILE *f;
	size_t n;
	int i, ret = 0;

	if (argc < 3) {
		fputs("usage: jget FILE PATH...\n", stderr);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	fclose(f);
	root = cJSON_ParseWithLength(data.s, data.len);
	buf_release(&data);
	if (!root) {
		fprintf(stderr, "%s: not JSON\n", argv[1]);
		return 2;
	}
	for (i = 2; i < argc; i++)
		if (print_path(root, argv[i], argc > 3))
			ret = 1;
	cJSON_Delete(root);
	return ret;
}
