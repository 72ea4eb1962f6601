/* diag_oneway: a live --return-via run's one-way stream as data (struct
 * diag_oneway; diag.h includes this header for the CLI), and how R10 reads
 * it: which direction of the path loses, and how much, where round trips
 * cannot tell (the same route both ways: loss on one direction of a link
 * shows in both traces); and which direction a latency step is in, from
 * the one-way delays on the two ends' wall clocks, only where the clocks'
 * error and the base path's possible asymmetry cannot explain it
 * (diag_oneway_delay_direction). Pure: the stream was sent by cli/
 * (src/oneway).
 * Tests: tests/unit/diag/test_diag_oneway.c tests/lab/t_return.sh */
#ifndef HOPDOC_DIAG_ONEWAY_H
#define HOPDOC_DIAG_ONEWAY_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "model/finding.h"

struct diag_oneway_dir {
	unsigned long sent, lost;
	double pdv_p95_ms; /* delay variation, 95th percentile */
	double delay_min_ms, delay_p50_ms; /* one-way delay on the wall clocks (has_delay) */
};

/* One end's wall clock as its kernel reports it (adjtimex). */
struct diag_oneway_clock {
	bool known;      /* false: its bound could not be read */
	bool unsync;     /* STA_UNSYNC: no bound at all */
	double error_ms; /* maxerror: |clock - true time| at most this */
};

struct diag_oneway {
	bool measured;     /* false: the stream did not pass; why says why */
	char why[256];
	struct diag_oneway_dir out, ret; /* to the server, back from it */
	bool has_delay;    /* the reflections carried wall times (false: an older hopdoc) */
	bool same_clock;   /* both ends on one kernel (same boot_id): no clock error */
	struct diag_oneway_clock client, server;
};

/* Whether a direction loses: at least 2 lost and the Wilson bound (one-sided
 * 95%) of the loss rate reaches DIAG_ONEWAY_LOSS_PCT. */
#define DIAG_ONEWAY_LOSS_PCT 1.0
bool diag_oneway_loses(const struct diag_oneway_dir *d);

/* The direction the stream blames: OUTBOUND, RETURN or BOTH; UNKNOWN when
 * it was not measured or neither direction loses. */
enum finding_direction diag_oneway_direction(const struct diag_oneway *ow);

/* R10 for a latency step of step_ms (the traces'): which way it is added,
 * from the one-way delays' medians, out and back. A one-way delay is off by
 * at most E = client bound + server bound (0 on one kernel; none when an
 * end of two is unsynchronised). The base path's share of each direction
 * is unknown (a standing asymmetry may be anything) but never negative, so
 * the step's part on a direction is at most that direction's delay + E
 * (+ DIAG_ONEWAY_DELAY_MARGIN_MS): its "share". RETURN when the outbound
 * share is at most step/4 (three quarters or more proven on the way back:
 * then back - out >= step/2 + 2E, the asymmetry beyond both bounds and at
 * least half the step); OUTBOUND the mirror image; BOTH when each share is
 * at most 3/4 of the step (each way holds a quarter or more); else UNKNOWN.
 * UNKNOWN too when a delay is below zero by more than E (a clock off beyond
 * its bound) or out + back is shorter than the step (the stream does not
 * meet it). Appends to why the figures and the reason. */
#define DIAG_ONEWAY_DELAY_MARGIN_MS 1.0
enum finding_direction diag_oneway_delay_direction(const struct diag_oneway *ow, double step_ms,
                                                   struct strbuf *why);

/* " One-way stream: to the server 45 of 150 lost (30.0%), back 0 of 105
 * (0.0%); delay variation (p95) 0.4 ms out, 0.3 ms back." or, not
 * measured, " One-way stream: none passed (why)." */
void diag_oneway_text(const struct diag_oneway *ow, struct strbuf *sb);

/* R10 with the stream: each loss finding of l (from index from) takes the
 * direction the stream measured; with a stream that did not pass, a loss
 * found in both traces becomes `unknown`. Each latency finding takes
 * diag_oneway_delay_direction's; where that is unknown, one found in both
 * traces becomes `unknown`. Each quotes the stream. 0, or -1 out of
 * memory. */
int diag_oneway_apply(const struct diag_oneway *ow, struct finding_list *l, size_t from);

#endif
