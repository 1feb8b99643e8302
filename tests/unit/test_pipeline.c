/*
 * test_pipeline.c - the engine's capped printer, the one every command
 * prints its messages with: the caps per file and in all, the counts of
 * what was held back, notes, --quiet, and the engine's own messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmd/pipeline.h"

struct out {
	char *text;
	size_t len;
	FILE *f;
};

static void out_open(struct out *o)
{
	o->text = NULL;
	o->len = 0;
	o->f = open_memstream(&o->text, &o->len);
	assert_non_null(o->f);
}

static const char *out_text(struct out *o)
{
	fflush(o->f);
	return o->text;
}

static void out_close(struct out *o)
{
	fclose(o->f);
	free(o->text);
}

static void say(struct pipeline_printer *pr, enum pipeline_kind kind,
		enum diag_level level, const char *file, unsigned long line,
		const char *code, const char *text)
{
	struct diag_entry e;

	memset(&e, 0, sizeof(e));
	e.level = level;
	e.file = (char *)file;
	e.line = line;
	e.message = (char *)text;
	e.code = code;
	pr->sink.emit(pr->sink.arg, kind, &e);
}

static void test_pipeline__printer_caps_each_file_and_counts_the_rest(void **state)
{
	struct pipeline_printer pr;
	struct out o;

	(void)state;
	out_open(&o);
	pipeline_printer_init(&pr, o.f, 0, 2);
	say(&pr, PIPELINE_INPUT, DIAG_NOTE, "a.csv", 0, NULL, "read as UTF-8");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 2, "x", "one");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 3, "x", "two");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 4, "x", "three");
	say(&pr, PIPELINE_INPUT, DIAG_WARNING, "b.csv", 0, NULL, "odd");
	pr.sink.input_done(pr.sink.arg);
	assert_string_equal(out_text(&o),
		"a.csv:2: error: one (x)\n"
		"a.csv:3: error: two (x)\n"
		"a.csv: 1 more errors not shown\n"
		"b.csv: warning: odd\n");
	assert_int_equal(pr.problems, 4);
	pipeline_printer_finish(&pr);
	out_close(&o);
}

static void test_pipeline__printer_caps_in_all_as_run_does(void **state)
{
	struct pipeline_printer pr;
	struct out o;
	unsigned long i;

	(void)state;
	out_open(&o);
	pipeline_printer_init(&pr, o.f, 2, 0);
	for (i = 1; i <= 4; i++)
		say(&pr, PIPELINE_INPUT, DIAG_ERROR, i < 3 ? "a.csv" : "b.csv",
		    i, "x", "bad");
	pr.sink.input_done(pr.sink.arg);
	/* The engine's own messages are never capped, and have no level. */
	say(&pr, PIPELINE_RUN, DIAG_WARNING, NULL, 0, "rows_rejected",
	    "4 rows rejected; see output/rejects.csv");
	assert_string_equal(out_text(&o),
		"a.csv:1: error: bad (x)\n"
		"a.csv:2: error: bad (x)\n"
		"huifang: 2 more diagnostics not shown\n"
		"huifang: 4 rows rejected; see output/rejects.csv\n");
	pipeline_printer_finish(&pr);
	out_close(&o);
}

static void test_pipeline__quiet_prints_nothing_but_errors(void **state)
{
	struct pipeline_printer pr;
	struct out o;

	(void)state;
	out_open(&o);
	pipeline_printer_init(&pr, o.f, 10, 0);
	pr.quiet = true;
	pr.notes = true;
	say(&pr, PIPELINE_INPUT, DIAG_NOTE, "a.csv", 0, NULL, "read as UTF-8");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 2, "field_count",
	    "a row's reject: rejects.csv has it");
	say(&pr, PIPELINE_INPUT, DIAG_WARNING, "b.csv", 0, NULL,
	    "unrecognised file, skipped");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "c.csv", 0, NULL,
	    "read error, the rest of the file is skipped");
	pr.sink.input_done(pr.sink.arg);
	say(&pr, PIPELINE_RUN, DIAG_WARNING, NULL, 0, "rows_rejected",
	    "1 rows rejected");
	say(&pr, PIPELINE_STAGE, DIAG_WARNING, "t.html", 3, NULL, "unused");
	say(&pr, PIPELINE_STAGE, DIAG_ERROR, "t.html", 4, NULL, "broken");
	say(&pr, PIPELINE_RUN, DIAG_ERROR, NULL, 0, NULL, "cannot write x");
	assert_string_equal(out_text(&o),
		"c.csv: error: read error, the rest of the file is skipped\n"
		"t.html:4: error: broken\n"
		"huifang: cannot write x\n");
	pipeline_printer_finish(&pr);
	out_close(&o);
}

struct seen {
	size_t lines;
	size_t counts;      /* the printer's own lines (no entry) */
};

static void count(void *arg, enum pipeline_kind kind,
		  const struct diag_entry *e, const char *text)
{
	struct seen *s = arg;

	(void)kind;
	assert_non_null(text);
	s->lines++;
	s->counts += !e;
}

static void test_pipeline__printer_writes_through_a_writer(void **state)
{
	struct pipeline_printer pr;
	struct seen s = { 0, 0 };

	(void)state;
	pipeline_printer_init(&pr, NULL, 1, 0);
	pr.write = count;
	pr.write_arg = &s;
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 1, "x", "one");
	say(&pr, PIPELINE_INPUT, DIAG_ERROR, "a.csv", 2, "x", "two");
	pipeline_printer_finish(&pr);
	assert_int_equal(s.lines, 2);
	assert_int_equal(s.counts, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_pipeline__printer_caps_each_file_and_counts_the_rest),
		cmocka_unit_test(test_pipeline__printer_caps_in_all_as_run_does),
		cmocka_unit_test(test_pipeline__quiet_prints_nothing_but_errors),
		cmocka_unit_test(test_pipeline__printer_writes_through_a_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
