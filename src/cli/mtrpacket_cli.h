/* mtrpacket_cli: hopdoc run as `mtr-packet` (argv[0]'s basename): opens the
 * raw sockets of each protocol, drops privileges, and serves mtr-packet(8)'s
 * protocol on stdin/stdout until stdin closes (src/mtrpacket/mtrpacket.h).
 * Tests: tests/lab/t_mtrpacket.sh. */
#ifndef HOPDOC_CLI_MTRPACKET_CLI_H
#define HOPDOC_CLI_MTRPACKET_CLI_H

#include <stdbool.h>

/* Whether argv0 names mtr-packet (its basename). */
bool mtrpacket_cli_is_me(const char *argv0);

/* The exit code: 0 when stdin closed, 1 when the sockets could not be opened
 * or privileges not dropped (the reason on stderr). */
int mtrpacket_cli_main(int argc, char **argv);

#endif
