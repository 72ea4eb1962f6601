/* probe_mda: how many flows a TTL is probed with under --flows N: the MDA
 * stopping rule (Augustin et al., "Multipath tracing with Paris traceroute",
 * 95% confidence), applied per TTL. Pure; internal to src/probe.
 * Tests: tests/unit/probe/test_probe.c. */
#ifndef HOPDOC_PROBE_MDA_H
#define HOPDOC_PROBE_MDA_H

#include <stdbool.h>

#include "model/model.h"

#define PROBE_MAX_FLOWS 64

/* Probes (each on a flow of its own) needed to rule out one more next hop
 * after `seen` distinct ones, at 95%: 6, 11, 16, 21, 27, 33, 38, 44, 51, 57
 * for seen = 1 .. 10; 0 counts as 1, beyond 10 the last step grows by 6. */
unsigned probe_mda_needed(unsigned seen);

/* The distinct responders seen at one TTL. */
struct probe_mda_ttl {
	struct model_addr addr[MODEL_MAX_RESPONDERS];
	unsigned n;
};

/* Notes a responder; returns whether it is new. Beyond MODEL_MAX_RESPONDERS
 * responders the set stays full (and the rule asks for the most flows). */
bool probe_mda_note(struct probe_mda_ttl *t, const struct model_addr *a);

/* Flows to probe a TTL with: the stopping number for what it has shown, at
 * most max_flows (--flows). */
unsigned probe_mda_flows(const struct probe_mda_ttl *t, unsigned max_flows);

#endif
