#include "diag/diag_tunnel.h"

#include <math.h>

#include "diag/diag_hop.h"

static bool labelled(const struct diag_view *v, size_t i)
{
	const struct model_hop *h = diag_hop_at(v, i);
	if (!diag_hop_answers(h) || h->n_resp == 0)
		return false;
	return h->resp[h->latest < h->n_resp ? h->latest : 0].n_mpls > 0;
}

/* Hops first..last answer with one time: the far end's. */
static bool one_time(const struct diag_view *v, size_t first, size_t last, double *lowest)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = first; i <= last; i++) {
		lo = fmin(lo, diag_hop_at(v, i)->avg);
		hi = fmax(hi, diag_hop_at(v, i)->avg);
	}
	*lowest = lo;
	return hi - lo <= fmax(DIAG_TUNNEL_SAME_MS, DIAG_TUNNEL_SAME_REL * lo);
}

/* The labelled run from first on ends where labels or the time stop. */
static size_t run_end(const struct diag_view *v, size_t first)
{
	size_t last = first;
	double lowest;
	while (last + 1 < diag_n_hops(v) && labelled(v, last + 1) && one_time(v, first, last + 1, &lowest))
		last++;
	return last;
}

void diag_tunnel_scan(const struct diag_view *v, struct diag_tunnels *out)
{
	out->n = 0;
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		if (!labelled(v, i))
			continue;
		size_t last = run_end(v, i);
		if (last > i && out->n < sizeof(out->items) / sizeof(out->items[0])) {
			struct diag_tunnel *t = &out->items[out->n++];
			t->first = i;
			t->last = last;
			(void)one_time(v, i, last, &t->far_ms);
		}
		i = last;
	}
}

const struct diag_tunnel *diag_tunnel_at(const struct diag_tunnels *ts, size_t i)
{
	for (size_t k = 0; k < ts->n; k++)
		if (ts->items[k].first <= i && i <= ts->items[k].last)
			return &ts->items[k];
	return NULL;
}
