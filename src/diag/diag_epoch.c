/* diag_epoch: route changes as a finding (diag_epoch.h). */
#include "diag/diag_epoch.h"

#include "base/strbuf.h"
#include "diag/diag_find.h"

/* The last hop an epoch showed, as text ("???" when silent). */
static const char *end_text(const struct model_epoch *e, char *buf, size_t len)
{
	if (!e->path || e->path->n_hops == 0)
		return "nothing";
	const struct model_hop *h = &e->path->hops[e->path->n_hops - 1];
	if (h->n_resp == 0)
		return "???";
	return model_addr_text(&h->resp[h->latest].addr, buf, len);
}

static void describe(struct diag_draft *d, const struct model_epoch *e, size_t i)
{
	char end[64];
	size_t hops = e->path ? e->path->n_hops : 0;
	strbuf_appendf(&d->evidence, "%sepoch %zu: rounds %lu-%lu, %zu hops ending at %s; then ",
	               i ? " " : "", i + 1, e->first_round + 1, e->last_round + 1, hops,
	               end_text(e, end, sizeof(end)));
	if (e->end_moved)
		strbuf_appendf(&d->evidence, "the destination answered at TTL %u instead.",
		               e->change_ttl);
	else
		strbuf_appendf(&d->evidence, "other routers answered at hop %u.", e->change_ttl);
}

int diag_add_route_change(struct finding_list *out, const struct model_trace *t,
                          enum finding_direction dir)
{
	if (t->n_epochs == 0)
		return 0;
	struct diag_draft d;
	diag_find_blank(&d, FINDING_ROUTE_CHANGE, FINDING_INFO, dir);
	d.f.hop = t->epochs[0].change_ttl;
	for (size_t i = 0; i < t->n_epochs; i++) {
		diag_find_add_hop(&d.f, t->epochs[i].change_ttl);
		describe(&d, &t->epochs[i], i);
	}
	strbuf_appendf(&d.summary,
	               "The route changed %zu time%s during the run; the figures are the "
	               "latest path's, from round %lu on.",
	               t->n_epochs, t->n_epochs == 1 ? "" : "s", t->epoch_first_round + 1);
	strbuf_append(&d.advice,
	              "Nothing from before a change is counted as loss. One change is a "
	              "failover or a routing update; if they keep coming, the route flaps: "
	              "compare the epochs' paths (JSON report.epochs) and show them to the "
	              "network that changes.");
	return diag_find_add(out, &d);
}
