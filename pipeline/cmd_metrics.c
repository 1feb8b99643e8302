/*
 * cmd_metrics.c - 'huifang metrics'. Not built yet: it says so and exits 70.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "banned.h"

int cmd_metrics(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: huifang metrics [options]\n\n"
		     "'huifang metrics' is not built yet.");
		return 0;
	}
	fputs("huifang metrics: not built yet\n", stderr);
	return EX_SOFTWARE;
}
