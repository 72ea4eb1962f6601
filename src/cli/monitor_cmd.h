/* monitor_cmd: `hopdoc monitor`, the command line of src/monitor
 * (docs/monitor.md); `hopdoc history` is history_cmd.h.
 * Tests: tests/lab/t_monitor.sh tests/unit/cli/test_monitor_cmd.c. */
#ifndef HOPDOC_MONITOR_CMD_H
#define HOPDOC_MONITOR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the process exit status: 0, 1 runtime error, 2 usage. */
int monitor_cmd_main(int argc, char **argv);

/* Pure helpers, for their tests. */

/* Whether line (no newline) is a plausible target: an address or a host
 * name (letters, digits, . - _ : %), at most 253 bytes. */
bool monitor_cmd_target_ok(const char *line);

#endif
