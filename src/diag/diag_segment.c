#include "diag/diag_segment.h"

#include <string.h>

#include "diag/diag_hop.h"

#define ACCESS_FALLBACK_HOPS 3 /* seed 002: "the first three hops" */
#define DEST_FALLBACK_HOPS 2   /* diagnosis.md R9: "the last two hops" */

/* Positions count from the client's end: 0 is the client's first hop. */
static size_t hop_index(const struct diag_view *v, size_t pos, size_t n)
{
	return v->client_first ? pos : n - 1 - pos;
}

static bool hop_private(const struct model_hop *h)
{
	struct model_addr a;
	for (unsigned i = 0; i < h->n_resp && i < MODEL_MAX_RESPONDERS; i++)
		if (diag_hop_addr(&h->resp[i], &a))
			return diag_hop_is_private(&a);
	return false;
}

static bool hop_cgnat(const struct model_hop *h)
{
	struct model_addr a;
	return h->n_resp > 0 && diag_hop_addr(&h->resp[0], &a) && diag_hop_is_cgnat(&a);
}

/* Positions [0, end) are the leading private run (silent hops inside it do
 * not break it). *all is set when it covers every answering hop. */
static size_t private_run(const struct diag_view *v, size_t n, bool *all)
{
	size_t end = 0;
	*all = false;
	for (size_t pos = 0; pos < n; pos++) {
		const struct model_hop *h = &v->t->hops[hop_index(v, pos, n)];
		if (!diag_hop_answers(h))
			continue;
		if (!hop_private(h))
			return end;
		end = pos + 1;
	}
	*all = end > 0;
	return end;
}

static bool hop_nat(const struct model_hop *h)
{
	for (unsigned i = 0; i < h->n_resp && i < MODEL_MAX_RESPONDERS; i++)
		if (h->resp[i].nat)
			return true;
	return false;
}

/* The first position whose replies quoted our probe rewritten: the NAT is
 * the hop before it. n when none (or a trace not run from the client). */
static size_t nat_start(const struct diag_view *v, size_t n)
{
	for (size_t pos = 1; v->client_first && pos < n; pos++)
		if (hop_nat(&v->t->hops[hop_index(v, pos, n)]))
			return pos;
	return n;
}

static size_t local_end(const struct diag_view *v, size_t n)
{
	bool all;
	size_t end = private_run(v, n, &all);
	/* the client's own network ends at its NAT, even when private
	 * addresses (the provider's) go on after it */
	size_t nat = nat_start(v, n);
	if (nat < n && (end == 0 || all || nat < end))
		return nat;
	if (end > 0 && !all)
		return end;
	const struct model_hop *first = &v->t->hops[hop_index(v, 0, n)];
	return hop_cgnat(first) ? 0 : 1;
}

/* Access runs from `start` while the network stays the same. */
static size_t access_end(const struct diag_view *v, size_t n, size_t start)
{
	char first[MODEL_NAME_MAX] = "", net[MODEL_NAME_MAX];
	size_t pos = start;
	while (pos < n && !diag_hop_answers(&v->t->hops[hop_index(v, pos, n)]))
		pos++;
	if (pos < n)
		diag_hop_network(&v->t->hops[hop_index(v, pos, n)], first, sizeof(first));
	if (!first[0])
		return start > ACCESS_FALLBACK_HOPS ? start : ACCESS_FALLBACK_HOPS;
	size_t end = pos + 1;
	for (pos = end; pos < n; pos++) {
		const struct model_hop *h = &v->t->hops[hop_index(v, pos, n)];
		if (!diag_hop_answers(h))
			continue;
		diag_hop_network(h, net, sizeof(net));
		if (strcmp(net, first) != 0)
			break;
		end = pos + 1;
	}
	return end;
}

/* Destination is [start, n): the server's end of the path. */
static size_t destination_start(const struct diag_view *v, size_t n)
{
	if (v->client_first && !v->target_answered && v->last_answering < n)
		return v->last_answering + 1; /* only the silent target end */
	size_t last = n - 1;
	char key[MODEL_NAME_MAX], net[MODEL_NAME_MAX];
	diag_hop_network(&v->t->hops[hop_index(v, last, n)], key, sizeof(key));
	if (!key[0])
		return n > DEST_FALLBACK_HOPS ? n - DEST_FALLBACK_HOPS : 0;
	size_t start = last;
	for (size_t pos = last; pos-- > 0;) {
		const struct model_hop *h = &v->t->hops[hop_index(v, pos, n)];
		if (!diag_hop_answers(h))
			continue;
		diag_hop_network(h, net, sizeof(net));
		if (strcmp(net, key) != 0)
			break;
		start = pos;
	}
	return start;
}

void diag_segment_classify(struct diag_view *v)
{
	size_t n = v->last_probed < v->t->n_hops ? v->last_probed + 1 : 0;
	for (size_t i = 0; i < MODEL_MAX_HOPS; i++)
		v->seg[i] = FINDING_SEG_UNKNOWN;
	if (n == 0)
		return;
	size_t local = local_end(v, n);
	size_t access = access_end(v, n, local);
	size_t dest = destination_start(v, n);
	for (size_t pos = 0; pos < n; pos++) {
		enum finding_segment s = FINDING_SEG_TRANSIT;
		if (pos < local)
			s = FINDING_SEG_LOCAL;
		else if (pos >= dest)
			s = FINDING_SEG_DESTINATION;
		else if (pos < access)
			s = FINDING_SEG_ACCESS;
		v->seg[hop_index(v, pos, n)] = s;
	}
	/* The server's own end is the destination whatever it looks like. */
	v->seg[hop_index(v, n - 1, n)] = FINDING_SEG_DESTINATION;
}
