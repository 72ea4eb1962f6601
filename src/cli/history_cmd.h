/* history_cmd: `hopdoc history`: the episodes of a hopdoc monitor database
 * as text, JSON or an HTML page (docs/monitor.md). Reads only.
 * Tests: tests/lab/t_monitor.sh tests/unit/cli/test_monitor_cmd.c. */
#ifndef HOPDOC_HISTORY_CMD_H
#define HOPDOC_HISTORY_CMD_H

#include <stddef.h>
#include <stdint.h>

/* Returns the process exit status: 0, 1 runtime error, 2 usage. */
int history_cmd_main(int argc, char **argv);

/* A duration "90", "90s", "15m", "24h", "7d" in ms (1 s to 10 years); 0 or -1. */
int history_cmd_duration_ms(const char *s, int64_t *ms);

/* Unix ms as RFC 3339 UTC with milliseconds ("2026-12-03T12:00:00.123Z"). */
void history_cmd_rfc3339(int64_t ms, char *buf, size_t len);

#endif
