/* pair: a live trace with its way back (--return-via). The outbound trace
 * runs here while cli/retpeer's remote runs on the server, both in one event
 * loop; then both reports and one combined verdict (diag_pair, R10) are
 * printed as `hopdoc analyze OUT RET` would, or with -j its JSON document.
 * When the remote fails, the outbound report and its verdict are printed all
 * the same and the failure comes back as one line.
 * Tests: tests/lab/t_return.sh. */
#ifndef HOPDOC_PAIR_H
#define HOPDOC_PAIR_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/config.h"
#include "cli/retpeer.h"

/* Whether cfg can run with --return-via: one target, a report or -j, a set
 * number of cycles. 0, or -1 with a message in err. */
int pair_check(const struct config *cfg, size_t n_targets, bool targets_file, char *err,
               size_t errlen);

/* Traces cfg->probe.target on socks with peer's return trace alongside.
 * Returns 0, or -1 with one line in err (the reports are written first). */
int pair_run(const struct config *cfg, const struct view_sockets *socks, struct retpeer *peer,
             const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen);

#endif
