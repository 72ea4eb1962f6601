/* Placeholder until the probe engine lands: --version and --help only. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "version.h"

static void usage(FILE *out)
{
	fputs("usage: hopdoc [-hv] [options] HOST\n"
	      "       hopdoc analyze [--json] OUTBOUND [RETURN]\n"
	      "Network path diagnosis: an mtr-compatible prober that says where loss\n"
	      "and latency live.\n",
	      out);
}

int cli_main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-v"))) {
		printf("hopdoc %s\n", HOPDOC_VERSION);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 1;
}
