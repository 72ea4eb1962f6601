/* followup: the follow-up probes of a live run with --diagnose (issue 13).
 * After the main run, what its diagnosis could not settle is probed again:
 *   - the target silent while earlier hops answer (R4 or R5): a few TCP
 *     probes to ports 443 and 80 and UDP probes, to the target alone;
 *   - loss at a middle hop that later hops do not keep (R2): that hop's TTL
 *     at a slower and a faster rate than the main run's.
 * At most DIAG_FOLLOWUP_BUDGET probes per finding, only to the target and
 * TTLs the main run probed. Each follow-up is a trace of its own on the
 * socket sets opened before privileges went (one per protocol, as the
 * view's), so nothing here needs privileges. The results are data for
 * diag_trace_followup (diag/diag.h).
 * Tests: tests/lab/t_followup.sh tests/lab/t_diagnose.sh */
#ifndef HOPDOC_FOLLOWUP_H
#define HOPDOC_FOLLOWUP_H

#include <signal.h>
#include <stddef.h>

#include "cli/config.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/model.h"

#define FOLLOWUP_TARGET_PROBES 3 /* per kind of probe: TCP 443, TCP 80, UDP */
#define FOLLOWUP_RATE_PROBES 20  /* per rate */

/* Whether follow-ups run for cfg: --diagnose without --no-follow-up. */
bool followup_wanted(const struct config *cfg);

/* Probes what main (the main run's findings of t) leaves open, to t's
 * target address, and fills *out (zeroed first; what was not probed stays
 * empty). Stops early when *stop becomes non-zero (may be NULL). 0, or -1
 * with a message in err when a follow-up could not run (out then holds the
 * ones that did). */
int followup_run(const struct config *cfg, const struct view_sockets *socks,
                 const struct model_trace *t, const struct finding_list *main,
                 const volatile sig_atomic_t *stop, struct diag_followup *out, char *err,
                 size_t errlen);

#endif
