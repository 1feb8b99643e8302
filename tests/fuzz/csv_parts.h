/*
 * csv_parts.h - one CSV file read whole and read in parts (csvread.h's
 * plans, issue 20), compared record by record: the unit test
 * (test_csvread.c) and the fuzz target (fuzz_csvplan.c) share it.
 *
 *   rc = csv_parts_compare(path, chunk, &why);
 *
 * 1: the plan cut the file, and the parts gave the whole reading's
 * records (line, fields, every problem and its place), its encoding and
 * its note; 0: the plan refused the file (it is read whole); 2: the
 * pipeline would read it whole after all (an invalid sequence in a file
 * read as UTF-8 on trust); -1: they differ, why says how. Test code:
 * the functions are static, defined here.
 */
#ifndef HUIFANG_TESTS_CSV_PARTS_H
#define HUIFANG_TESTS_CSV_PARTS_H

#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "input/csvread.h"

static void csv_parts_describe(struct buf *out, const struct csv_record *rec)
{
	size_t i;

	buf_addf(out, "%u|%zu|%d|%zu|%llu|%zu|%d|%u|%u|%s|", rec->line,
		 rec->nfields, rec->bad_encoding, rec->bad_field,
		 (unsigned long long)rec->bad_offset, rec->long_field,
		 rec->malformed, rec->error_line, rec->error_column,
		 rec->error ? rec->error : "");
	for (i = 0; i < rec->nfields; i++) {
		buf_add(out, rec->fields[i], rec->lens[i]);
		buf_addch(out, '\x1f');
	}
	buf_addch(out, '\n');
}

/* Reads every part of plan after the first's header into out. */
static int csv_parts_read(const char *path, const struct csv_plan *plan,
			  struct buf *out, size_t *invalid, struct buf *why)
{
	struct buf err = BUF_INIT;
	struct csv_record rec;
	size_t k;
	int rc = 0;

	for (k = 0; k < plan->nparts && rc >= 0; k++) {
		struct csv_reader *p = csv_reader_open_part(path, plan, k, 64,
							    &err);
		bool first = true;

		if (!p || plan->parts[k].end <= plan->parts[k].off ||
		    (k + 1 < plan->nparts &&
		     plan->parts[k].end != plan->parts[k + 1].off)) {
			buf_addf(why, "part %zu: cannot open, or bad bounds", k);
			rc = -1;
			break;
		}
		while ((rc = csv_reader_next(p, &rec, &err)) == 1) {
			if (!first || !k)
				csv_parts_describe(out, &rec);
			first = false;
		}
		if (rc != 0) {
			buf_addf(why, "part %zu: read gave %d: %s", k, rc,
				 err.len ? err.s : "");
			rc = -1;
		}
		*invalid += csv_reader_invalid(p);
		csv_reader_free(p);
	}
	buf_release(&err);
	return rc;
}

static int csv_parts_compare(const char *path, uint64_t chunk,
			     struct buf *why)
{
	struct buf whole = BUF_INIT, parts = BUF_INIT, err = BUF_INIT;
	struct buf note = BUF_INIT;
	struct csv_plan plan;
	struct csv_reader *r;
	struct csv_record rec;
	size_t invalid = 0;
	int rc, ret = 1;

	memset(&plan, 0, sizeof(plan));
	r = csv_reader_open(path, NULL, 64, &err);
	if (!r) {
		buf_addf(why, "cannot open: %s", err.s);
		ret = -1;
		goto out;
	}
	while ((rc = csv_reader_next(r, &rec, &err)) > 0) {
		if (rc == CSV_RESTART)
			buf_reset(&whole);
		else
			csv_parts_describe(&whole, &rec);
	}
	if (!csv_plan_file(path, NULL, 64, 0, chunk, &plan)) {
		ret = 0;
		goto out;
	}
	if (rc < 0 || csv_parts_read(path, &plan, &parts, &invalid, why) < 0) {
		ret = -1;
		goto out;
	}
	if (plan.speculative && invalid) {
		ret = 2;
		goto out;
	}
	buf_adds(&note, plan.why);
	if (plan.counted && invalid)
		buf_addf(&note, ", %zu invalid sequences", invalid);
	if (whole.len != parts.len || memcmp(whole.s, parts.s, whole.len)) {
		buf_addf(why, "in parts of %llu the records differ:\n%s\n--\n%s",
			 (unsigned long long)chunk, whole.s, parts.s);
		ret = -1;
	} else if (strcmp(plan.encoding, csv_reader_encoding(r)) ||
		   strcmp(note.s, csv_reader_encoding_why(r))) {
		buf_addf(why, "in parts of %llu: read as %s (%s), whole %s (%s)",
			 (unsigned long long)chunk, plan.encoding, note.s,
			 csv_reader_encoding(r), csv_reader_encoding_why(r));
		ret = -1;
	}
out:
	csv_plan_release(&plan);
	csv_reader_free(r);
	buf_release(&whole);
	buf_release(&parts);
	buf_release(&err);
	buf_release(&note);
	return ret;
}

#endif
