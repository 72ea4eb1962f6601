/* epoch_detect: tells a route change from ECMP alternation, answer by answer.
 * Pure; internal to src/stats (the collector splits its statistics on it).
 *
 * A route change is recognized when, in the current epoch, either
 *   - at one TTL, the last EPOCH_DETECT_K answers all came from addresses
 *     none of which answered there before them, after at least
 *     2 * EPOCH_DETECT_K answers from the earlier ones; or
 *   - in the last EPOCH_DETECT_K rounds the target answered, it answered at
 *     other TTLs than the lowest TTL it answered at before them (again
 *     after at least 2 * EPOCH_DETECT_K earlier such rounds; a round counts
 *     by the lowest TTL the target answered in it): the path grew or
 *     shrank, even behind routers that never answer.
 * ECMP alternation is not a change: once both branches have answered at a
 * TTL, an answer from either is one seen before. Only a path that began
 * with one branch 2K times in a row and then showed the other K times in a
 * row would read as a change (about 1 in 2^(3K-1), 1 in 16,000, per
 * alternating TTL for a fair coin).
 * The new epoch begins at the round after the last answer of the old path
 * (or at the first answer of the new one, if that is earlier), so the
 * rounds between the change and its recognition belong to the new path
 * (the collector still leaves out a round in between that straddles the
 * change: changed_round below).
 * Tests: tests/unit/stats/test_epoch_detect.c. */
#ifndef HOPDOC_EPOCH_DETECT_H
#define HOPDOC_EPOCH_DETECT_H

#include <stdbool.h>

#include "model/model.h"

#define EPOCH_DETECT_K 5

struct epoch_detect;

struct epoch_change {
	unsigned long first_round; /* the new epoch's first round */
	/* The round of the oldest answer that showed the change: every later
	 * round was probed on the new path only. Rounds before first_round - 1
	 * were probed on the old one only; those between may straddle the
	 * change (the collector sorts them out). */
	unsigned long changed_round;
	unsigned ttl;              /* the TTL whose responders changed, or the target's new end */
	bool end_moved;            /* the target's TTL changed */
};

/* A detector for an epoch that begins at first_round: answers to probes
 * of earlier rounds are ignored. NULL out of memory. */
struct epoch_detect *epoch_detect_new(unsigned long first_round);
void epoch_detect_free(struct epoch_detect *d);

/* One answer (in time or late) to the probe of `round` at ttl, from `from`
 * (the target when from_target). True, with *out filled, when it completes
 * a route change; the caller then starts a new detector for the new epoch.
 * The detector grows to the highest TTL answered; an answer at a TTL it
 * finds no memory for counts for the target's TTL only. */
bool epoch_detect_answer(struct epoch_detect *d, unsigned ttl, unsigned long round,
                         const struct model_addr *from, bool from_target, struct epoch_change *out);

#endif
