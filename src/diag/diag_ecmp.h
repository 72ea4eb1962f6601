/* diag_ecmp: R3's ECMP case, a lossy member of a load-balanced set.
 *
 * With constant flows (--flows N) the responders of a hop have figures of
 * their own (model_resp_stats): the probes of the flows that reach each. When
 * one member loses and its siblings do not, and the loss goes on to the
 * destination, the fault is that member (or its links), not "loss at hop N":
 * mtr's merged row shows it as a smaller loss spread over the whole hop.
 * docs/diagnosis.md ("R3, ECMP member") has the thresholds.
 * Tests: tests/unit/diag/test_diag_ecmp.c. */
#ifndef HOPDOC_DIAG_ECMP_H
#define HOPDOC_DIAG_ECMP_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag_int.h"
#include "model/finding.h"

#define DIAG_ECMP_MIN_SNT 10 /* probes a responder needs for its loss to count */

/* A lossy member: hop index idx, responder resp of it; its counts and the
 * pooled counts of its siblings. */
struct diag_ecmp {
	size_t idx;
	unsigned resp;
	unsigned long snt, drop;        /* the member's own */
	unsigned long o_snt, o_drop;    /* its siblings', pooled */
};

/* The first hop (before the destination) with a lossy member whose loss
 * goes on to the destination: true and *m; false when there is none. */
bool diag_ecmp_lossy_member(const struct diag_view *v, struct diag_ecmp *m);

/* Appends R3's finding for it: loss at the member's hop, with the member's
 * own loss. 0, or -1 out of memory. */
int diag_ecmp_finding(const struct diag_view *v, const struct diag_ecmp *m,
                      struct finding_list *out);

#endif
