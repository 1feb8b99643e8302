/*
 * cmd_gen.c - 'huifang gen'. Not built yet: it says so and exits 70.
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "banned.h"

int cmd_gen(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		puts("usage: huifang gen [options]\n\n"
		     "'huifang gen' is not built yet.");
		return 0;
	}
	fputs("huifang gen: not built yet\n", stderr);
	return EX_SOFTWARE;
}
