/* diag: the public entry points for one trace (diag_trace), several clients
 * (R11) and the host's own counters (R13). The per-trace rules (diag_loss,
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

#define RETRANS_WARNING_PCT 1.0
#define RETRANS_CRITICAL_PCT 5.0
#define CONNTRACK_FULL 0.9

int diag_trace(const struct model_trace *t, struct finding_list *out)
{
	return diag_one_trace(t, FINDING_DIR_OUTBOUND, true, out);
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

/* ---- R13: the host itself ---- */

/* What one host counter shows: a severity and figure, and its evidence. */
struct host_reading {
	enum finding_severity sev;
	double loss_pct;
	struct strbuf *evidence;
};

/* One R13 counter: `read` says whether it shows drops (filling the reading)
 * and the finding says the rest. */
struct host_rule {
	bool (*read)(const struct diag_host *h, struct host_reading *r);
	const char *summary;
	const char *advice;
};

static bool read_nic(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_nic_drops || h->nic_rx_drops + h->nic_rx_errors == 0)
		return false;
	r->sev = FINDING_WARNING;
	strbuf_appendf(r->evidence,
	               "R13: the server's network card dropped %lu and rejected %lu "
	               "received packets (ip -s link: RX dropped, errors).",
	               h->nic_rx_drops, h->nic_rx_errors);
	return true;
}

static bool read_softnet(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_softnet || h->softnet_dropped + h->softnet_squeezed == 0)
		return false;
	r->sev = h->softnet_dropped ? FINDING_WARNING : FINDING_INFO;
	strbuf_appendf(r->evidence,
	               "R13: /proc/net/softnet_stat shows %lu packets dropped from the "
	               "backlog and %lu time squeezes.",
	               h->softnet_dropped, h->softnet_squeezed);
	return true;
}

static bool read_conntrack(const struct diag_host *h, struct host_reading *r)
{
	bool full = h->conntrack_max &&
	            (double)h->conntrack_count >= CONNTRACK_FULL * (double)h->conntrack_max;
	if (!h->has_conntrack || (!full && h->conntrack_drops == 0))
		return false;
	r->sev = h->conntrack_drops ? FINDING_CRITICAL : FINDING_WARNING;
	strbuf_appendf(r->evidence,
	               "R13: the connection tracking table holds %lu of %lu entries and "
	               "dropped %lu.",
	               h->conntrack_count, h->conntrack_max, h->conntrack_drops);
	return true;
}

static bool read_tcp(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_tcp || h->tcp_out_segs == 0)
		return false;
	double pct = 100.0 * (double)h->tcp_retrans_segs / (double)h->tcp_out_segs;
	if (pct < RETRANS_WARNING_PCT)
		return false;
	r->sev = pct >= RETRANS_CRITICAL_PCT ? FINDING_CRITICAL : FINDING_WARNING;
	r->loss_pct = pct;
	strbuf_appendf(r->evidence,
	               "R13: the server retransmitted %lu of %lu TCP segments (%.1f%%).",
	               h->tcp_retrans_segs, h->tcp_out_segs, pct);
	return true;
}

static const struct host_rule host_rules[] = {
    {read_nic, "The server's own network card drops packets.",
     "Enlarge the card's receive ring (ethtool -G), check the cable or virtual NIC, and ask "
     "the hosting provider about the host."},
    {read_softnet, "The server's CPU cannot keep up with incoming packets.",
     "Raise net.core.netdev_max_backlog, spread the load (RPS/RFS), or give the server more "
     "CPU."},
    {read_conntrack, "The server's firewall connection table is full and drops new connections.",
     "Raise net.netfilter.nf_conntrack_max or shorten its timeouts."},
    {read_tcp, "The server resends many TCP segments: its connections lose packets.",
     "Check the server's counters above and a trace from the server back to the clients to "
     "find where they are lost."},
};

/* The counter's finding sits at the trace's destination hop, when given. */
static void at_destination(struct diag_draft *d, const struct model_trace *t)
{
	if (!t || t->n_hops == 0)
		return;
	const struct model_hop *dest = &t->hops[t->n_hops - 1];
	d->f.hop = dest->ttl;
	diag_find_add_hop(&d->f, dest->ttl);
	if (dest->loss_pct > 0.0)
		strbuf_appendf(&d->evidence, " It explains the %.1f%% loss at the destination hop.",
		               dest->loss_pct);
}

static int host_rule(const struct host_rule *rule, const struct diag_host *h,
                     const struct model_trace *t, struct finding_list *out)
{
	struct diag_draft d;
	diag_find_blank(&d, FINDING_LOSS, FINDING_OK, FINDING_DIR_UNKNOWN);
	struct host_reading r = {.loss_pct = NAN, .evidence = &d.evidence};
	if (!rule->read(h, &r)) {
		diag_find_free(&d);
		return 0;
	}
	d.f.severity = r.sev;
	d.f.segment = FINDING_SEG_DESTINATION;
	d.f.loss_pct = r.loss_pct;
	at_destination(&d, t);
	strbuf_append(&d.summary, rule->summary);
	strbuf_append(&d.advice, rule->advice);
	return diag_find_add(out, &d);
}

int diag_host(const struct diag_host *h, const struct model_trace *t, struct finding_list *out)
{
	for (size_t i = 0; i < sizeof(host_rules) / sizeof(host_rules[0]); i++)
		if (host_rule(&host_rules[i], h, t, out) != 0)
			return -1;
	return 0;
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
