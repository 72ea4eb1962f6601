/* diag_tunnel: MPLS tunnels as the delay rules (R7) see them. With ICMP
 * tunnelling (RFC 3032 section 2.3.2) a router inside a label-switched path
 * sends its time-exceeded forward to the tunnel's far end, which routes it
 * back: every hop of the tunnel shows the far end's round trip. A run of
 * such hops with the same time is the tunnel's length, not a delay of its
 * first hop, and none of them answers slowly. Internal to src/diag.
 * Tests: tests/unit/diag/test_diag_tunnel.c */
#ifndef HOPDOC_DIAG_TUNNEL_H
#define HOPDOC_DIAG_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag_int.h"

#define DIAG_TUNNEL_SAME_MS 5.0 /* Avg this close (or DIAG_TUNNEL_SAME_REL) is one far end */
#define DIAG_TUNNEL_SAME_REL 0.10

/* One tunnel: hops first..last (indexes into the trace) answered with
 * labels and with Avg within the bounds above; far_ms is their lowest Avg. */
struct diag_tunnel {
	size_t first, last;
	double far_ms;
};

struct diag_tunnels {
	struct diag_tunnel items[MODEL_MAX_HOPS / 2];
	size_t n;
};

/* Finds the trace's tunnels: runs of two or more consecutive answering hops
 * whose latest responder's replies carried labels, with one time. */
void diag_tunnel_scan(const struct diag_view *v, struct diag_tunnels *out);

/* The tunnel hop i is inside, or NULL. */
const struct diag_tunnel *diag_tunnel_at(const struct diag_tunnels *ts, size_t i);

#endif
