/* cli: mtr's command line, parsed into a const config, then the live run. */
#ifndef HOPDOC_CLI_H
#define HOPDOC_CLI_H

/* Returns the process exit status. */
int cli_main(int argc, char **argv);

#endif
