/*
 * fuzz_template.c - libFuzzer entry point for the Mustache engine.
 *
 * Compiles the input as a template (it may call itself and the partial
 * "row" as partials) and renders it against a fixed context that holds
 * markup, Chinese, numbers, nulls, nested objects and arrays. Tight limits
 * keep recursion finite. Checked beyond "no crash, no leak": a template
 * either compiles or reports exactly where it failed, and a render of a
 * template that holds no raw tag ({{{ or {{&), partial or '<' of its own
 * never lets a '<' from the context through.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char context_json[] =
	"{\"title\":\"<script>alert('x')</script>\","
	"\"week\":\"2026-W47\",\"n\":40,\"ratio\":0.8666666666666667,"
	"\"none\":null,\"yes\":true,\"no\":false,\"empty\":[],\"blank\":\"\","
	"\"center\":{\"name\":\"翠湖/\\\"东区\\\"\",\"butler\":{\"name\":\"../../etc\"}},"
	"\"rows\":[{\"name\":\"<img src=x onerror=alert(1)>\",\"v\":1},"
	"{\"name\":\"张伟\",\"v\":2,\"rows\":[{\"name\":\"&amp;\"}]},"
	"\"<b>\",3,null]}";

static int has(const uint8_t *data, size_t size, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= size; i++)
		if (!memcmp(data + i, s, n))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static cJSON *ctx;
	struct tmpl_set *ts;
	const struct tmpl *t;
	struct diag d;
	struct buf out = BUF_INIT;

	if (!ctx)
		ctx = cJSON_Parse(context_json);
	if (!ctx)
		abort();
	diag_init(&d);
	ts = tmpl_set_new(NULL);
	tmpl_set_limits(ts, 6, 1u << 16);
	if (!tmpl_set_add(ts, "row", NULL, "<td>{{name}}</td>", 17, &d))
		abort();
	t = tmpl_set_add(ts, "t", NULL, (const char *)data, size, &d);
	if (!t) {
		/* A refused template says why, and where. */
		if (d.errors == 0 || !d.entries[d.nr - 1].message)
			abort();
	} else if (tmpl_render(t, ctx, &out, &d) == 0) {
		/* '<' can come from the template text, never from the data. */
		if (!has(data, size, "{{{") && !has(data, size, "{{&") &&
		    !has(data, size, "{{>") && !has(data, size, "<") &&
		    memchr(out.s, '<', out.len))
			abort();
	}
	buf_release(&out);
	tmpl_set_free(ts);
	diag_release(&d);
	return 0;
}
