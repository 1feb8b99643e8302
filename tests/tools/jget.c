/*
 * jget - prints one value of a JSON file, for the end-to-end scripts (no
 * jq or python on a fresh machine).
 *
 *   jget FILE PATH     PATH like  input.rows_read  or  by_type[0].coverage
 *
 * Strings print raw, everything else as cJSON prints it unformatted; "."
 * prints the whole document; a path ending in '#' prints the length of
 * the array (or object) it names. Exits 1 if the path does not exist, 2 if the
 * file is not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/buf.h"
#include "util/banned.h"

int main(int argc, char **argv)
{
	struct buf data = BUF_INIT;
	char chunk[65536], *text;
	const char *p;
	char path[1024];
	int want_length = 0;
	size_t plen;
	cJSON *root, *node;
	FILE *f;
	size_t n;

	if (argc != 3) {
		fputs("usage: jget FILE PATH\n", stderr);
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
	node = root;
	plen = strlen(argv[2]);
	if (plen >= sizeof(path))
		plen = sizeof(path) - 1;
	memcpy(path, argv[2], plen);
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
		cJSON_Delete(root);
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
	cJSON_Delete(root);
	return 0;
}
