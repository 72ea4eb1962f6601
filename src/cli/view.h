/* view: a live trace shown in the interactive view (`hopdoc HOST` on a
 * terminal, or -t). Wires the engine, the collector, the history and the
 * view, and carries out what the view's keys ask of the engine: pause and
 * resume, reset, and switching protocol restart the engine (the engine has
 * no live switch; its public API is probe_setup/probe_start/probe_free).
 * Tests: tests/unit/cli/test_view.c tests/lab/t_tui.sh tests/lab/t_tui_followup.sh */
#ifndef HOPDOC_VIEW_H
#define HOPDOC_VIEW_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli/config.h"
#include "cli/retpeer.h"

/* struct view_sockets: config.h (run.c and followup.c use it too). */

/* Whether the run uses the view: -t, or no output flag with a terminal on
 * stdin and stdout. *note gets a line to print when a terminal was wanted
 * but is missing ("" otherwise). */
bool view_wanted(const struct config *cfg, bool stdin_tty, bool stdout_tty, const char **note);

/* Shows cfg->probe.target live until `q`, the -c rounds (when given), or
 * *stop; *quit tells whether it was `q` (which ends every target). After `q`
 * with --diagnose, prints the verdict as it stood to stdout. With peer
 * (--return-via, started by retpeer_start_live), the way back is a second
 * table under the outbound one and the verdict panel the combined verdict;
 * after the outbound rounds the view waits for the way back, then prints the
 * combined verdict (a way back that failed: -1 with "return trace: ..."
 * after it). 0, or -1 with a message in err. */
int view_run(const struct config *cfg, const struct view_sockets *socks, struct retpeer *peer,
             const volatile sig_atomic_t *stop, bool *quit, char *err, size_t errlen);

#endif
