/* monitor_episode: episodes in one target's history: loss bursts, latency
 * shifts and route changes, each with its start and end, the hop where it
 * starts and the diagnosis of the rounds inside it (diag_trace over a model
 * built from those rounds, less the first and last of a long episode: the
 * same rules as --diagnose). Pure.
 *
 * loss:        rounds where the target did not answer (while it does in
 *              normal rounds); an episode runs from the first such round to
 *              the last, and ends after MONITOR_EP_QUIET answered rounds. Its
 *              hop is the first TTL from which every hop up to the path's
 *              end lost at least half its probes during the episode.
 * latency:     rounds whose RTT at the target is above the baseline (median
 *              of the last normal rounds) by 10 ms and by half the baseline;
 *              its hop is the first whose median rise reaches half the
 *              target's.
 * route-change: a TTL answered by another responder than the one it had
 *              (both rounds answering there), or the target reached at
 *              another TTL; start is the last round of the old path, end the
 *              first of the new; hop the first TTL that differs.
 * An episode needs MONITOR_EP_MIN_ROUNDS bad rounds (route changes: one).
 * Tests: tests/unit/monitor/test_monitor_episode.c tests/lab/t_monitor.sh. */
#ifndef HOPDOC_MONITOR_EPISODE_H
#define HOPDOC_MONITOR_EPISODE_H

#include <stddef.h>
#include <stdint.h>

#include "model/finding.h"
#include "model/model.h"
#include "monitor/monitor_round.h"

#define MONITOR_EP_QUIET 3        /* normal rounds that end an episode */
#define MONITOR_EP_MIN_ROUNDS 2   /* bad rounds an episode needs */
#define MONITOR_EP_BASELINE 10    /* normal rounds the latency baseline takes */
#define MONITOR_EP_EDGE_MIN 5     /* rounds from which the diagnosis leaves out
                                     the first and the last */

enum monitor_episode_kind { MONITOR_EP_LOSS, MONITOR_EP_LATENCY, MONITOR_EP_ROUTE };

struct monitor_episode {
	enum monitor_episode_kind kind;
	int64_t start_ms, end_ms;       /* Unix ms of its first and last round */
	size_t first, last;             /* its rounds, as indices in the input */
	unsigned hop;                   /* where it starts; 0 unknown */
	double size;                    /* loss: % lost at the target; latency: ms
	                                   added at the target; route: 0 */
	struct finding_list diagnosis;  /* of rounds first..last */
};

/* The episodes of rounds r[0..n) (oldest first), ordered by start, into a new
 * array (*out; monitor_episodes_free), each diagnosed. 0, or -1 out of memory. */
int monitor_episodes(const struct monitor_round *r, size_t n, struct monitor_episode **out,
                     size_t *nout);
void monitor_episodes_free(struct monitor_episode *e, size_t n);

/* "loss", "latency", "route-change". */
const char *monitor_episode_kind_name(enum monitor_episode_kind k);

/* Per-hop statistics of rounds r[0..n) into t (emptied first; its header is
 * the caller's): what diag_trace reads. 0, or -1 out of memory. */
int monitor_rounds_model(const struct monitor_round *r, size_t n, struct model_trace *t);

#endif
