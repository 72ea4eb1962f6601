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
 * The interactive view runs the same plan one step at a time (key f).
 * Tests: tests/unit/cli/test_followup.c tests/lab/t_followup.sh
 * tests/lab/t_diagnose.sh tests/lab/t_tui_followup.sh */
#ifndef HOPDOC_FOLLOWUP_H
#define HOPDOC_FOLLOWUP_H

#include <signal.h>
#include <stddef.h>

#include "cli/config.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/model.h"
#include "probe/probe.h"

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

/* The same follow-ups one trace at a time, for a caller that runs them on
 * its own loop (the interactive view): each step is a short trace of one
 * TTL on its sockets; what it heard is counted by followup_count_event and
 * recorded into the results with followup_record. */
#define FOLLOWUP_MAX_STEPS (DIAG_FOLLOWUP_TRIES + 2)

struct followup_step {
	struct probe_sockets *socks;
	struct probe_params params;
	bool rate;    /* a rate run (else a probe of the target) */
	unsigned k;   /* the rate run's index: 0 slower, 1 faster */
};

struct followup_plan {
	struct followup_step step[FOLLOWUP_MAX_STEPS];
	size_t n; /* 0: nothing the follow-ups can settle */
};

/* What one step heard (dst: the target, set by followup_count_init). */
struct followup_count {
	struct model_addr dst;
	unsigned sent, replies, from_target;
	double best_ms;
};

/* The steps followup_run would take for t and its findings main. */
void followup_plan(const struct config *cfg, const struct view_sockets *socks,
                   const struct model_trace *t, const struct finding_list *main,
                   struct followup_plan *plan);

void followup_count_init(struct followup_count *c, const struct model_trace *t);

/* An event_fn (ctx: a struct followup_count). Always 0. */
int followup_count_event(void *ctx, const struct event *ev);

/* Adds what step heard to out (zeroed before the first step). */
void followup_record(const struct followup_step *step, const struct followup_count *c,
                     struct diag_followup *out);

/* After the last step (or a stop): drops a rate follow-up missing one of
 * its two runs. */
void followup_finish(struct diag_followup *out);

#endif
