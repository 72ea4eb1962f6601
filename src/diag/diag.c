/* diag: the public entry points for one trace (diag_trace), several clients
 * (R11); the host's own counters (R13) are diag_host.c's. The per-trace rules (diag_loss,
 * diag_delay) run over views whose segments diag_segment named; R12, the
 * `healthy` verdict and the order are diag_verdict's; pairs (R10) are
 * diag_pair's. */
#include "diag/diag.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "diag/diag_find.h"
#include "diag/diag_hop.h"
#include "diag/diag_verdict.h"
#include "diag/diag_view.h"

int diag_trace(const struct model_trace *t, struct finding_list *out)
{
	return diag_one_trace(t, FINDING_DIR_OUTBOUND, true, NULL, out);
}

/* ---- R11: several clients ---- */

static int prefix_client(struct finding *f, size_t client)
{
	return diag_find_set(&f->summary, "Client %zu: %s", client + 1, f->summary);
}

/* How many clean clients' routes pass through hop h; their numbers go to names. */
static size_t clean_routes_through(const struct model_trace *const *t, size_t n, const bool *clean,
                                   const struct model_hop *h, struct strbuf *names)
{
	size_t count = 0;
	for (size_t c = 0; c < n; c++) {
		bool through = false;
		for (size_t i = 0; clean[c] && i < t[c]->n_hops && !through; i++)
			through = diag_hop_same_responder(h, &t[c]->hops[i]);
		if (through) {
			strbuf_appendf(names, "%s%zu", count ? ", " : "", c + 1);
			count++;
		}
	}
	return count;
}

/* No clean client's route passes the hop: the fault is on this route. */
static int blame_route(struct finding *f, const struct model_trace *t, const struct model_hop *h,
                       size_t c, size_t n_clean)
{
	bool is_target = h == &t->hops[t->n_hops - 1];
	if (f->segment == FINDING_SEG_DESTINATION && !is_target)
		f->segment = FINDING_SEG_TRANSIT;
	if (diag_find_set(&f->advice,
	                  "Report it to client %zu's internet provider with this trace; the "
	                  "server and the other clients' routes are fine.",
	                  c + 1) != 0)
		return -1;
	return diag_find_edit(&f->evidence,
	                      " R11: %zu other client(s) reach the server cleanly and none of "
	                      "their routes passes hop %u: the fault is in this route's ISP or "
	                      "transit, not the server.",
	                      n_clean, f->hop);
}

static int r11_annotate(struct finding *f, const struct model_trace *const *t, size_t n, size_t c,
                        const bool *clean, size_t n_clean)
{
	const struct model_hop *h = diag_hop_by_ttl(t[c], f->hop);
	if (!h || n_clean == 0)
		return 0;
	struct strbuf names = STRBUF_INIT;
	size_t through = clean_routes_through(t, n, clean, h, &names);
	int rc = strbuf_failed(&names) ? -1 : 0;
	if (rc == 0 && through == 0)
		rc = blame_route(f, t[c], h, c, n_clean);
	else if (rc == 0)
		rc = diag_find_edit(&f->evidence,
		                    " R11: hop %u is also on the route of client(s) %s, which are "
		                    "clean: the difference lies on client %zu's side or on the way "
		                    "back to it; run a trace from the server to client %zu.",
		                    f->hop, strbuf_str(&names), c + 1, c + 1);
	strbuf_free(&names);
	return rc;
}

static int client_findings(const struct model_trace *t, size_t c, struct finding_list *l,
                           struct diag_view *v)
{
	size_t from = l->n;
	int rc = diag_view_rules(v, t, FINDING_DIR_OUTBOUND, true, l);
	diag_view_free(v); /* the next client's view starts empty */
	if (rc != 0)
		return -1;
	if (diag_probes_sent(t) < DIAG_MIN_PROBES &&
	    diag_short_run(l, from, diag_probes_sent(t), FINDING_DIR_OUTBOUND) != 0)
		return -1;
	for (size_t i = from; i < l->n; i++)
		if (prefix_client(&l->items[i], c) != 0)
			return -1;
	return 0;
}

static int clients_rules(const struct model_trace *const *t, size_t n, struct finding_list *lists,
                         bool *clean, struct diag_view *v)
{
	size_t n_clean = 0;
	for (size_t c = 0; c < n; c++) {
		if (client_findings(t[c], c, &lists[c], v) != 0)
			return -1;
		clean[c] = !diag_has_problem(&lists[c]);
		n_clean += clean[c];
	}
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < lists[c].n; i++)
			if (diag_is_problem(&lists[c].items[i]) &&
			    r11_annotate(&lists[c].items[i], t, n, c, clean, n_clean) != 0)
				return -1;
	return 0;
}

static int gather(struct finding_list *out, const struct finding_list *lists, size_t n)
{
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < lists[c].n; i++)
			if (!finding_list_add(out, &lists[c].items[i]))
				return -1;
	return 0;
}

int diag_clients(const struct model_trace *const *outbound, size_t n, struct finding_list *out)
{
	struct finding_list *lists = calloc(n ? n : 1, sizeof(*lists));
	bool *clean = calloc(n ? n : 1, sizeof(*clean));
	struct diag_view *v = calloc(1, sizeof(*v));
	size_t from = out->n;
	int rc = lists && clean && v ? 0 : -1;
	if (rc == 0)
		rc = clients_rules(outbound, n, lists, clean, v);
	if (rc == 0)
		rc = gather(out, lists, n);
	if (rc == 0 && diag_only_insufficient(out, from))
		rc = diag_add_healthy(out, FINDING_DIR_UNKNOWN, NULL);
	if (rc == 0)
		diag_sort(out->items + from, out->n - from);
	for (size_t c = 0; lists && c < n; c++)
		finding_list_free(&lists[c]);
	free(lists);
	free(clean);
	free(v);
	return rc;
}

/* Whether t ends in a silent hop after an answering one: the target never
 * answered, and follow-ups can tell why (R4, R5). */
static bool ends_silent(const struct model_trace *t)
{
	size_t last = t->n_hops;
	for (size_t i = 0; i < t->n_hops && i < MODEL_MAX_HOPS; i++)
		if (diag_hop_probed(&t->hops[i]))
			last = i;
	if (last >= t->n_hops || diag_hop_answers(&t->hops[last]))
		return false;
	for (size_t i = 0; i < last; i++)
		if (diag_hop_answers(&t->hops[i]))
			return true;
	return false;
}

void diag_followup_plan(const struct model_trace *t, const struct finding_list *l, bool *target,
                        unsigned *rate_ttl)
{
	*target = false;
	*rate_ttl = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		bool end = f->kind == FINDING_DESTINATION_FILTERED || f->kind == FINDING_PATH_INTERRUPTED;
		if (end && ends_silent(t))
			*target = true;
		if (f->kind == FINDING_RATE_LIMITED_HOP && *rate_ttl == 0)
			*rate_ttl = f->hop;
	}
}

int diag_trace_followup(const struct model_trace *t, const struct diag_followup *fu,
                        struct finding_list *out)
{
	return diag_one_trace(t, FINDING_DIR_OUTBOUND, true, fu, out);
}

double diag_loss_warning_pct(void)
{
	return DIAG_LOSS_WARNING_PCT;
}

unsigned long diag_probes_to_resolve(double loss_pct)
{
	if (!(loss_pct > 0.0) || loss_pct >= 100.0)
		return DIAG_MIN_PROBES;
	/* n probes make one loss 100/n percent: it must come out below loss_pct. */
	unsigned long n = (unsigned long)floor(100.0 / loss_pct) + 1;
	return n < DIAG_MIN_PROBES ? DIAG_MIN_PROBES : n;
}

unsigned long diag_rounds_short(const struct model_trace *t)
{
	unsigned long need = diag_probes_to_resolve(DIAG_LOSS_WARNING_PCT);
	unsigned long have = diag_probes_sent(t);
	return have >= need ? 0 : need - have;
}

int diag_pair_oneway(const struct model_trace *outbound, const struct model_trace *ret,
                     const struct diag_oneway *ow, struct finding_list *out)
{
	size_t from = out->n;
	int rc = diag_pair(outbound, ret, out);
	return rc == 0 && ow ? diag_oneway_apply(ow, out, from) : rc;
}
