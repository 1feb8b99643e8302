/*
 * main.c - the huifang binary: a table of subcommands, as in git.
 *
 * Everything the program does lives in a cmd_*() function; this file only
 * finds the command, and answers --help and --version.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cJSON.h>

#include "cmd/cmd.h"
#include "ops/paths.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, "ingest, metrics, sample and render one week" },
	{ "nightly", cmd_nightly, "the cron entry point: lock, run, retain" },
	{ "backfill", cmd_backfill, "render every past week, month and quarter not issued" },
	{ "ingest", cmd_ingest, "read the exports into normalised records" },
	{ "metrics", cmd_metrics, "compute metrics.json for a week" },
	{ "sample", cmd_sample, "draw the three-level audit samples" },
	{ "render", cmd_render, "write the PDF reports and the HTML site" },
	{ "check", cmd_check, "validate export files or folders, write nothing" },
	{ "gen", cmd_gen, "generate realistic sample exports" },
	{ "inspect", cmd_inspect, "show how an export reads, and a profile for it" },
	{ "audit", cmd_audit, "import the auditors' filled-in sheets" },
};

static void usage(FILE *out)
{
	struct buf order = BUF_INIT;
	size_t i;

	fputs("usage: huifang <command> [options]\n"
	      "       huifang --version\n\ncommands:\n", out);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\n'huifang <command> --help' describes a command.\n"
	      "\nexit status:\n"
	      "  0 ok, 64 usage, 65 data error (--strict), 66 no input,\n"
	      "  70 internal error, 73 cannot write output, 75 lock held,\n"
	      "  78 bad config\n", out);
	paths_describe(&order);
	fprintf(out, "\n%s", order.s);
	buf_release(&order);
}

int main(int argc, char **argv)
{
	size_t i;
	/*
	 * One allocator for the libraries too: their exhaustion exits 71
	 * like ours, and the injection hook counts their allocations.
	 */
	static cJSON_Hooks hooks = { xmalloc, free };

	cJSON_InitHooks(&hooks);
	xalloc_init_from_env();
	/*
	 * A fixed threshold: every block of 1 MiB or more (the arenas'
	 * blocks, a file's rows on their way to the merge) is a mapping of
	 * its own, given back whole when freed. glibc's default raises the
	 * threshold after the first such free, and the blocks then come
	 * from the heap, where the freed ones leave holes that stay
	 * resident: 18 MB of a million-row ingest's peak (docs/bench.md,
	 * Memory).
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("huifang %s\n", HUIFANG_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "huifang: '%s' is not a command; see 'huifang --help'\n",
		argv[1]);
	return EX_USAGE;
}
