/* The CLI layer: the only place that prints diagnostics and exits.
 * `hopdoc analyze ...` diagnoses reports made elsewhere, `hopdoc host ...`
 * checks this host's own counters, `hopdoc agent ...` serves return traces,
 * `hopdoc monitor ...` watches many targets and `hopdoc history ...` reads
 * what it kept; run as `mtr-packet` (a link) it speaks mtr-packet(8)'s
 * protocol on stdin;
 * everything else is a live run with mtr's command line.
 * Tests: tests/lab/t_cli.sh tests/golden/analyze. */
#include <stdio.h>
#include <string.h>

#include "cli/agent_cmd.h"
#include "cli/analyze.h"
#include "cli/cli.h"
#include "cli/history_cmd.h"
#include "cli/hostcheck.h"
#include "cli/mtrpacket_cli.h"
#include "cli/monitor_cmd.h"
#include "probe/privdrop.h"

/* Reading reports, counters and the history needs no privilege: a setuid
 * or cap_net_raw install must not lend its own to them. */
static int as_caller(int (*cmd)(int, char **), int argc, char **argv)
{
	char err[256];
	if (privdrop_to_caller(err, sizeof(err)) < 0) {
		fprintf(stderr, "hopdoc: %s\n", err);
		return 1;
	}
	return cmd(argc, argv);
}

int main(int argc, char **argv)
{
	if (argc >= 1 && mtrpacket_cli_is_me(argv[0]))
		return mtrpacket_cli_main(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "analyze") == 0)
		return as_caller(analyze_main, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "host") == 0)
		return as_caller(hostcheck_main, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "agent") == 0)
		return agent_cmd_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "monitor") == 0)
		return monitor_cmd_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "history") == 0)
		return as_caller(history_cmd_main, argc - 1, argv + 1);
	return cli_main(argc, argv);
}
