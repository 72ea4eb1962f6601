/* Placeholder until the importers land. */
#include "analyze.h"

#include <stdio.h>

int analyze_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("hopdoc analyze: not implemented yet\n", stderr);
	return 2;
}
