/* probe_mda: the MDA stopping rule per TTL (probe_mda.h). */
#include "probe/probe_mda.h"

static const unsigned stopping[] = { 6, 11, 16, 21, 27, 33, 38, 44, 51, 57 };
#define N_STOPPING (sizeof(stopping) / sizeof(stopping[0]))

unsigned probe_mda_needed(unsigned seen)
{
	if (seen == 0)
		seen = 1;
	if (seen <= N_STOPPING)
		return stopping[seen - 1];
	return stopping[N_STOPPING - 1] + 6 * (seen - (unsigned)N_STOPPING);
}

bool probe_mda_note(struct probe_mda_ttl *t, const struct model_addr *a)
{
	for (unsigned i = 0; i < t->n; i++)
		if (model_addr_equal(&t->addr[i], a))
			return false;
	if (t->n == MODEL_MAX_RESPONDERS)
		return false;
	t->addr[t->n++] = *a;
	return true;
}

unsigned probe_mda_flows(const struct probe_mda_ttl *t, unsigned max_flows)
{
	unsigned want = probe_mda_needed(t->n);
	if (max_flows == 0)
		max_flows = 1;
	return want < max_flows ? want : max_flows;
}
