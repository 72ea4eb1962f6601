/* cli: mtr's command line, parsed into a const config, then the live run.
 * Tests: tests/lab/t_cli.sh tests/lab/t_diagnose.sh tests/lab/t_probe.sh. */
#ifndef HOPDOC_CLI_H
#define HOPDOC_CLI_H

/* Returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
