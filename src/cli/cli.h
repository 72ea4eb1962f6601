/* cli: mtr's command line, parsed into a const config, then the live run.
 * Tests: tests/lab/t_cli.sh tests/lab/t_diagnose.sh tests/lab/t_probe.sh. */
#ifndef HOPDOC_CLI_H
#define HOPDOC_CLI_H

#include <signal.h>

/* Returns the process exit status. */
int cli_main(int argc, char **argv);

/* Installs the SIGINT/SIGTERM handlers and returns the flag they set (the
 * one mutable global), for the other commands that run until stopped. */
const volatile sig_atomic_t *cli_stop_flag(void);

#endif
