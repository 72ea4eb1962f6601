/* probe_pace: the TTL limit and the rate limit (probe_pace.h). */
#include "probe/probe_pace.h"

#include <math.h>

unsigned probe_ttl_limit(unsigned first_ttl, unsigned max_ttl, unsigned path_len,
                         unsigned max_unknown, const bool *answered, const bool *silent)
{
	unsigned limit = max_ttl;
	if (path_len > 0 && path_len < limit)
		limit = path_len;
	if (max_unknown == 0)
		return limit;
	unsigned run = 0;
	for (unsigned ttl = first_ttl; ttl <= limit; ttl++) {
		run = (silent[ttl] && !answered[ttl]) ? run + 1 : 0;
		if (run >= max_unknown)
			return ttl;
	}
	return limit;
}

#define PROBE_END_MIN_WAIT_NS 500000000 /* 0.5 s */
#define PROBE_END_RTT_FACTOR 4

/* Waiting for -Z itself (10 s by default) would leave a short run on the
 * old path length to its end. */
static int64_t end_patience_ns(int64_t target_rtt_max_ns, double timeout_s)
{
	int64_t wait = PROBE_END_RTT_FACTOR * target_rtt_max_ns;
	if (wait < PROBE_END_MIN_WAIT_NS)
		wait = PROBE_END_MIN_WAIT_NS;
	int64_t timeout = (int64_t)(timeout_s * 1e9);
	return wait < timeout ? wait : timeout;
}

bool probe_end_lost(unsigned missed, int64_t since_ns, int64_t now_ns, int64_t target_rtt_max_ns,
                    double timeout_s)
{
	return missed >= PROBE_END_MISSES &&
	       now_ns - since_ns >= end_patience_ns(target_rtt_max_ns, timeout_s);
}

int64_t probe_round_spacing_ns(int64_t interval_ns, unsigned first_ttl, unsigned limit)
{
	if (interval_ns <= 0)
		return 0;
	unsigned hops = limit >= first_ttl ? limit - first_ttl + 1 : 1;
	return interval_ns / hops;
}

/* Measured in the lab: 10-probe bursts queue behind each other in the links
 * and routers and raise Avg by up to 0.2 ms at hop 6; probes one interval
 * apart do not. A wake-up per probe costs less than that error. */
double probe_burst(double max_pps)
{
	(void)max_pps;
	return 1.0;
}

void probe_bucket_init(struct probe_bucket *b, double burst, int64_t now_ns)
{
	b->tokens = burst;
	b->last_ns = now_ns;
}

int64_t probe_bucket_take(struct probe_bucket *b, int64_t now_ns, double max_pps, double burst)
{
	if (max_pps <= 0)
		return now_ns;
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * max_pps / 1e9;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_ns = now_ns;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return now_ns;
	}
	return now_ns + (int64_t)ceil((1.0 - b->tokens) * 1e9 / max_pps);
}
