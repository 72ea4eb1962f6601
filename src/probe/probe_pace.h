/* probe_pace: how far a round probes and how fast its probes leave. Pure;
 * internal to src/probe.
 * Tests: tests/unit/probe/test_probe.c. */
#ifndef HOPDOC_PROBE_PACE_H
#define HOPDOC_PROBE_PACE_H

#include <stdbool.h>
#include <stdint.h>

/* The highest TTL a round probes: -m, cut at the path length once the target
 * answered, and at the end of the first run of max_unknown hops that are known
 * silent (probed, timed out, never answered) counting from first_ttl.
 * answered[ttl] and silent[ttl] are indexed by TTL (size max_ttl + 1).
 * max_unknown 0 means no such limit. */
unsigned probe_ttl_limit(unsigned first_ttl, unsigned max_ttl, unsigned path_len,
                         unsigned max_unknown, const bool *answered, const bool *silent);

/* How far apart a round's probes leave: the interval spread evenly over the
 * TTLs the round probes (first_ttl to limit), as mtr spreads its probes, so
 * a round is never a burst that trips routers' ICMP rate limits. Each probe
 * waits this long after the one before (and for the rate limit); the whole
 * round then takes (n-1)/n of the interval. */
int64_t probe_round_spacing_ns(int64_t interval_ns, unsigned first_ttl, unsigned limit);

/* Whether the path end stopped answering (a route change may have moved
 * the target farther away, docs/probing.md): `missed` probes went to it in
 * a row since the target last answered there, at least PROBE_END_MISSES,
 * and the oldest left at since_ns more than the patience ago: 4 times the
 * slowest target reply (target_rtt_max_ns), at least 0.5 s, at most -Z. */
#define PROBE_END_MISSES 3
bool probe_end_lost(unsigned missed, int64_t since_ns, int64_t now_ns, int64_t target_rtt_max_ns,
                    double timeout_s);

/* Rate limit: a token bucket of max_pps tokens per second holding at most
 * `burst` (a probe needs one). A round's probes leave at once while tokens
 * last and are spread only beyond that: one interval (1/max_pps) apart. */
struct probe_bucket {
	double tokens;
	int64_t last_ns;
};

/* The burst for a rate: 1, i.e. pure spacing (see probe_pace.c for why). */
double probe_burst(double max_pps);

/* A full bucket at now_ns. */
void probe_bucket_init(struct probe_bucket *b, double burst, int64_t now_ns);

/* The time the next probe may go: now_ns, taking a token, or later (taking
 * nothing; ask again then). max_pps <= 0: no limit. */
int64_t probe_bucket_take(struct probe_bucket *b, int64_t now_ns, double max_pps, double burst);

#endif
