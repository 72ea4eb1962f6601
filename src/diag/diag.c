/* diag: the public entry points. Runs the per-trace rules (diag_loss,
 * diag_delay) over views whose segments diag_segment named, then combines:
 * R10 (pairs), R11 (clients), R12 (enough data), R13 (host counters), the
 * order of the findings and the `healthy` verdict. */
#include "diag/diag.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_delay.h"
#include "diag/diag_find.h"
#include "diag/diag_hop.h"
#include "diag/diag_loss.h"
#include "diag/diag_view.h"

#define MIN_PROBES 10 /* R12 */
#define RETRANS_WARNING_PCT 1.0
#define RETRANS_CRITICAL_PCT 5.0
#define CONNTRACK_FULL 0.9

/* ---- one trace ---- */

static int trace_rules(struct diag_view *v, struct finding_list *out)
{
	bool loop;
	if (diag_loss_loop(v, out, &loop) != 0)
		return -1;
	if (loop)
		return 0;
	if (diag_loss_rules(v, out) != 0)
		return -1;
	return diag_delay_rules(v, out);
}

static unsigned long probes_sent(const struct model_trace *t)
{
	unsigned long most = 0;
	for (size_t i = 0; i < t->n_hops; i++)
		if (t->hops[i].snt > most)
			most = t->hops[i].snt;
	return most;
}

static bool is_problem(const struct finding *f)
{
	switch (f->kind) {
	case FINDING_LOSS:
	case FINDING_LATENCY:
	case FINDING_JITTER:
	case FINDING_DESTINATION_FILTERED:
	case FINDING_PATH_INTERRUPTED:
	case FINDING_ROUTING_LOOP:
		return f->severity >= FINDING_WARNING;
	default:
		return false;
	}
}

static bool has_problem(const struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (is_problem(&l->items[i]))
			return true;
	return false;
}

/* ---- order ---- */

static int kind_rank(enum finding_kind k)
{
	static const enum finding_kind order[] = {
	    FINDING_ROUTING_LOOP,         FINDING_PATH_INTERRUPTED, FINDING_LOSS,
	    FINDING_DESTINATION_FILTERED, FINDING_LATENCY,          FINDING_JITTER,
	    FINDING_ASYMMETRIC,           FINDING_RATE_LIMITED_HOP, FINDING_DEPRIORITIZED_HOP,
	    FINDING_INSUFFICIENT_DATA,    FINDING_HEALTHY,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == k)
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

static bool before(const struct finding *a, const struct finding *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	if (kind_rank(a->kind) != kind_rank(b->kind))
		return kind_rank(a->kind) < kind_rank(b->kind);
	return a->hop < b->hop;
}

/* Insertion sort: stable, and diagnoses hold a handful of findings. */
static void sort_findings(struct finding *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct finding key = items[i];
		size_t j = i;
		for (; j > 0 && before(&key, &items[j - 1]); j--)
			items[j] = items[j - 1];
		items[j] = key;
	}
}

/* ---- R12 and healthy ---- */

static void blank(struct finding *f, enum finding_kind kind, enum finding_severity sev,
                  enum finding_direction dir)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = sev;
	f->segment = FINDING_SEG_UNKNOWN;
	f->direction = dir;
	f->loss_pct = NAN;
	f->latency_ms = NAN;
}

static int add_insufficient(struct finding_list *l, unsigned long probes,
                            enum finding_direction dir)
{
	struct finding f;
	blank(&f, FINDING_INSUFFICIENT_DATA, FINDING_INFO, dir);
	snprintf(f.summary, sizeof(f.summary),
	         "Only %lu probes per hop were sent: too few to judge small losses, so every "
	         "verdict here is tentative.",
	         probes);
	snprintf(f.evidence, sizeof(f.evidence),
	         "R12: %lu probes per hop, fewer than %d; one lost probe is already %.0f%% loss. "
	         "Every other finding's severity is lowered by one step.",
	         probes, MIN_PROBES, probes ? 100.0 / (double)probes : 100.0);
	snprintf(f.advice, sizeof(f.advice),
	         "Run longer: at least a minute, better 100 cycles (hopdoc -r -c 100 TARGET).");
	return finding_list_add(l, &f) ? 0 : -1;
}

static void lower_all(struct finding_list *l, size_t from)
{
	for (size_t i = from; i < l->n; i++)
		l->items[i].severity = diag_find_lower(l->items[i].severity);
}

static bool only_insufficient(const struct finding_list *l, size_t from)
{
	for (size_t i = from; i < l->n; i++)
		if (l->items[i].kind != FINDING_INSUFFICIENT_DATA)
			return false;
	return true;
}

static int add_healthy(struct finding_list *l, enum finding_direction dir, const char *notes)
{
	struct finding f;
	blank(&f, FINDING_HEALTHY, FINDING_OK, dir);
	snprintf(f.summary, sizeof(f.summary),
	         "The path is healthy: the destination answers without loss or lasting delay.");
	snprintf(
	    f.evidence, sizeof(f.evidence),
	    "R1: the destination answers with 0%% loss and no persistent latency step, jitter, "
	    "loop or interruption.%s",
	    notes ? notes : "");
	snprintf(f.advice, sizeof(f.advice),
	         "Nothing to do on the network. If problems persist, run the trace while they "
	         "happen, and a trace from the server back to you.");
	return finding_list_add(l, &f) ? 0 : -1;
}

/* Applies R12 to out[from..], adds `healthy` when nothing else, sorts. */
static int finish(struct finding_list *out, size_t from, unsigned long probes,
                  enum finding_direction dir, const char *notes)
{
	if (probes < MIN_PROBES) {
		lower_all(out, from);
		if (add_insufficient(out, probes, dir) != 0)
			return -1;
	}
	/* A verdict of nothing found names no direction, except for a pair,
	 * where both directions were measured and found clean. */
	enum finding_direction healthy_dir = dir == FINDING_DIR_BOTH ? dir : FINDING_DIR_UNKNOWN;
	/* Without a single probe there is nothing to call healthy. */
	if (probes > 0 && only_insufficient(out, from) && add_healthy(out, healthy_dir, notes) != 0)
		return -1;
	sort_findings(out->items + from, out->n - from);
	return 0;
}

int diag_trace(const struct model_trace *t, struct finding_list *out)
{
	struct diag_view *v = malloc(sizeof(*v));
	if (!v)
		return -1;
	diag_view_init(v, t, FINDING_DIR_OUTBOUND, true);
	size_t from = out->n;
	int rc = trace_rules(v, out);
	if (rc == 0)
		rc = finish(out, from, probes_sent(t), FINDING_DIR_OUTBOUND, v->notes);
	free(v);
	return rc;
}

/* ---- R10: pairs ---- */

static enum finding_severity worse(enum finding_severity a, enum finding_severity b)
{
	return a > b ? a : b;
}

static void merge_into(struct finding *f, const struct finding *g)
{
	char evidence[sizeof(f->evidence)];
	snprintf(evidence, sizeof(evidence),
	         "R10: the same in both directions. Outbound: %.440s "
	         "Return: %.440s",
	         f->evidence, g->evidence);
	memcpy(f->evidence, evidence, sizeof(evidence));
	f->direction = FINDING_DIR_BOTH;
	f->severity = worse(f->severity, g->severity);
	if (isnan(f->loss_pct) || g->loss_pct > f->loss_pct)
		f->loss_pct = g->loss_pct;
	if (isnan(f->latency_ms) || g->latency_ms > f->latency_ms)
		f->latency_ms = g->latency_ms;
	diag_find_append(f->summary, sizeof(f->summary),
	                 " The trace from the server back to you shows the same.");
}

/* R10: the same finding (kind and segment) in both directions becomes one. */
static int merge_pair(const struct finding_list *o, const struct finding_list *r,
                      struct finding_list *out)
{
	bool used[FINDING_MAX_HOPS * 4] = {false};
	for (size_t i = 0; i < o->n; i++) {
		struct finding f = o->items[i];
		for (size_t j = 0; j < r->n && j < sizeof(used) / sizeof(used[0]); j++) {
			const struct finding *g = &r->items[j];
			if (!used[j] && g->kind == f.kind && g->segment == f.segment) {
				merge_into(&f, g);
				used[j] = true;
				break;
			}
		}
		if (!finding_list_add(out, &f))
			return -1;
	}
	for (size_t j = 0; j < r->n; j++)
		if (j >= sizeof(used) / sizeof(used[0]) || !used[j])
			if (!finding_list_add(out, &r->items[j]))
				return -1;
	return 0;
}

static const struct finding *worst_problem(const struct finding_list *l)
{
	const struct finding *w = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (is_problem(&l->items[i]) && (!w || before(&l->items[i], w)))
			w = &l->items[i];
	return w;
}

static const struct model_hop *hop_by_ttl(const struct model_trace *t, unsigned ttl)
{
	for (size_t i = 0; i < t->n_hops; i++)
		if (t->hops[i].ttl == ttl)
			return &t->hops[i];
	return NULL;
}

/* R10: "say which devices both point at": responders of the problem's hops
 * that the other direction's findings also name. */
static void shared_devices(char *buf, size_t size, const struct finding *p,
                           const struct model_trace *pt, const struct finding_list *other,
                           const struct model_trace *ot)
{
	char label[MODEL_NAME_MAX + 32];
	for (size_t i = 0; i < p->n_hops; i++) {
		const struct model_hop *a = hop_by_ttl(pt, p->hops[i]);
		bool shared = false;
		for (size_t j = 0; a && j < other->n && !shared; j++)
			for (size_t k = 0; k < other->items[j].n_hops && !shared; k++) {
				const struct model_hop *b = hop_by_ttl(ot, other->items[j].hops[k]);
				shared = b && diag_hop_same_responder(a, b);
			}
		if (shared)
			diag_find_append(buf, size, " %s", diag_hop_label(a, label, sizeof(label)));
	}
}

/* The asymmetric finding takes its place and figures from the problem. */
static void asymmetric_from(struct finding *f, const struct finding *p)
{
	blank(f, FINDING_ASYMMETRIC, FINDING_INFO, p->direction);
	f->segment = p->segment;
	f->hop = p->hop;
	f->n_hops = p->n_hops;
	memcpy(f->hops, p->hops, sizeof(f->hops));
	f->loss_pct = p->loss_pct;
	f->latency_ms = p->latency_ms;
}

static void explain_shared(struct finding *f, const char *devices, bool outbound)
{
	diag_find_append(f->evidence, sizeof(f->evidence),
	                 " Both directions point at:%s. The %s trace shows them only "
	                 "answering probes at low priority: a trace measures round trips, so "
	                 "had they lost or delayed traffic either way, every later hop of it "
	                 "would show it too. Either traffic towards the %s suffers there, or "
	                 "these devices limit their replies to the %s trace's probes; a "
	                 "slower rate (-i 2) or a TCP probe (-T) separates the two.",
	                 devices, outbound ? "return" : "outbound", outbound ? "server" : "client",
	                 outbound ? "outbound" : "return");
}

static int add_asymmetric(const struct finding_list *bad, const struct model_trace *bt,
                          const struct finding_list *good, const struct diag_view *gv,
                          struct finding_list *out)
{
	const struct finding *p = worst_problem(bad);
	bool outbound = p->direction == FINDING_DIR_OUTBOUND;
	struct finding f;
	asymmetric_from(&f, p);
	snprintf(f.summary, sizeof(f.summary),
	         "Only the way %s shows the problem (%s); the other direction is clean.",
	         outbound ? "to the server" : "back from the server", finding_kind_name(p->kind));
	snprintf(f.evidence, sizeof(f.evidence),
	         "R10: the %s trace has %s from hop %u (%s); the %s trace has no loss, latency, "
	         "jitter or interruption that persists.",
	         outbound ? "outbound" : "return", finding_kind_name(p->kind), p->hop,
	         finding_segment_name(p->segment), outbound ? "return" : "outbound");
	char devices[FINDING_TEXT_MAX] = "";
	shared_devices(devices, sizeof(devices), p, bt, good, gv->t);
	if (devices[0])
		explain_shared(&f, devices, outbound);
	diag_find_append(f.evidence, sizeof(f.evidence), "%s", gv->notes);
	snprintf(f.advice, sizeof(f.advice),
	         "Send both traces when you report it: the problem is one-directional. %s",
	         diag_find_segment_advice(p->segment));
	return finding_list_add(out, &f) ? 0 : -1;
}

static int view_rules(struct diag_view *v, const struct model_trace *t, enum finding_direction dir,
                      bool client_first, struct finding_list *out)
{
	diag_view_init(v, t, dir, client_first);
	return trace_rules(v, out);
}

static int pair_rules(struct diag_view *vo, struct diag_view *vr, const struct model_trace *o,
                      const struct model_trace *r, struct finding_list *out)
{
	struct finding_list lo, lr;
	finding_list_init(&lo);
	finding_list_init(&lr);
	int rc = view_rules(vo, o, FINDING_DIR_OUTBOUND, true, &lo);
	if (rc == 0)
		rc = view_rules(vr, r, FINDING_DIR_RETURN, false, &lr);
	if (rc == 0)
		rc = merge_pair(&lo, &lr, out);
	if (rc == 0 && has_problem(&lo) && !has_problem(&lr))
		rc = add_asymmetric(&lo, o, &lr, vr, out);
	else if (rc == 0 && has_problem(&lr) && !has_problem(&lo))
		rc = add_asymmetric(&lr, r, &lo, vo, out);
	finding_list_free(&lo);
	finding_list_free(&lr);
	return rc;
}

int diag_pair(const struct model_trace *outbound, const struct model_trace *ret,
              struct finding_list *out)
{
	if (!ret)
		return diag_trace(outbound, out);
	struct diag_view *v = calloc(2, sizeof(*v));
	if (!v)
		return -1;
	size_t from = out->n;
	int rc;
	if (!outbound) {
		rc = view_rules(&v[1], ret, FINDING_DIR_RETURN, false, out);
		if (rc == 0)
			rc = finish(out, from, probes_sent(ret), FINDING_DIR_RETURN, v[1].notes);
		free(v);
		return rc;
	}
	rc = pair_rules(&v[0], &v[1], outbound, ret, out);
	unsigned long po = probes_sent(outbound), pr = probes_sent(ret);
	enum finding_direction short_dir = po < MIN_PROBES && pr < MIN_PROBES ? FINDING_DIR_BOTH
	                                   : po < pr                          ? FINDING_DIR_OUTBOUND
	                                                                      : FINDING_DIR_RETURN;
	char notes[2 * DIAG_NOTES_MAX];
	snprintf(notes, sizeof(notes), "%s%s", v[0].notes, v[1].notes);
	if (rc == 0)
		rc = finish(out, from, po < pr ? po : pr, short_dir, notes);
	for (size_t i = from; rc == 0 && i < out->n; i++)
		if (out->items[i].kind == FINDING_HEALTHY)
			out->items[i].direction = FINDING_DIR_BOTH;
	free(v);
	return rc;
}

/* ---- R11: several clients ---- */

static void prefix_client(struct finding *f, size_t client)
{
	char summary[sizeof(f->summary)] = "";
	diag_find_append(summary, sizeof(summary), "Client %zu: %s", client + 1, f->summary);
	memcpy(f->summary, summary, sizeof(summary));
}

/* How many clean clients' routes pass through hop h; their numbers go to names. */
static size_t clean_routes_through(const struct model_trace *const *t, size_t n, const bool *clean,
                                   const struct model_hop *h, char *names, size_t size)
{
	size_t count = 0;
	for (size_t c = 0; c < n; c++) {
		bool through = false;
		for (size_t i = 0; clean[c] && i < t[c]->n_hops && !through; i++)
			through = diag_hop_same_responder(h, &t[c]->hops[i]);
		if (through) {
			diag_find_append(names, size, "%s%zu", count ? ", " : "", c + 1);
			count++;
		}
	}
	return count;
}

static void r11_annotate(struct finding *f, const struct model_trace *const *t, size_t n, size_t c,
                         const bool *clean, size_t n_clean)
{
	const struct model_hop *h = hop_by_ttl(t[c], f->hop);
	if (!h || n_clean == 0)
		return;
	char names[FINDING_TEXT_MAX] = "";
	size_t through = clean_routes_through(t, n, clean, h, names, sizeof(names));
	if (through == 0) {
		bool is_target = h == &t[c]->hops[t[c]->n_hops - 1];
		if (f->segment == FINDING_SEG_DESTINATION && !is_target)
			f->segment = FINDING_SEG_TRANSIT;
		diag_find_append(f->evidence, sizeof(f->evidence),
		                 " R11: %zu other client(s) reach the server cleanly and none of "
		                 "their routes passes hop %u: the fault is in this route's ISP or "
		                 "transit, not the server.",
		                 n_clean, f->hop);
		snprintf(f->advice, sizeof(f->advice),
		         "Report it to client %zu's internet provider with this trace; the server "
		         "and the other clients' routes are fine.",
		         c + 1);
		return;
	}
	diag_find_append(f->evidence, sizeof(f->evidence),
	                 " R11: hop %u is also on the route of client(s) %s, which are clean: the "
	                 "difference lies on client %zu's side or on the way back to it; run a "
	                 "trace from the server to client %zu.",
	                 f->hop, names, c + 1, c + 1);
}

static int client_findings(const struct model_trace *t, size_t c, struct finding_list *l,
                           struct diag_view *v)
{
	size_t from = l->n;
	if (view_rules(v, t, FINDING_DIR_OUTBOUND, true, l) != 0)
		return -1;
	if (probes_sent(t) < MIN_PROBES) {
		lower_all(l, from);
		if (add_insufficient(l, probes_sent(t), FINDING_DIR_OUTBOUND) != 0)
			return -1;
	}
	for (size_t i = from; i < l->n; i++)
		prefix_client(&l->items[i], c);
	return 0;
}

static int clients_rules(const struct model_trace *const *t, size_t n, struct finding_list *lists,
                         bool *clean, struct diag_view *v)
{
	size_t n_clean = 0;
	for (size_t c = 0; c < n; c++) {
		if (client_findings(t[c], c, &lists[c], v) != 0)
			return -1;
		clean[c] = !has_problem(&lists[c]);
		n_clean += clean[c];
	}
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < lists[c].n; i++)
			if (is_problem(&lists[c].items[i]))
				r11_annotate(&lists[c].items[i], t, n, c, clean, n_clean);
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
	struct diag_view *v = malloc(sizeof(*v));
	size_t from = out->n;
	int rc = lists && clean && v ? 0 : -1;
	if (rc == 0)
		rc = clients_rules(outbound, n, lists, clean, v);
	if (rc == 0)
		rc = gather(out, lists, n);
	if (rc == 0 && only_insufficient(out, from))
		rc = add_healthy(out, FINDING_DIR_UNKNOWN, NULL);
	if (rc == 0)
		sort_findings(out->items + from, out->n - from);
	for (size_t c = 0; lists && c < n; c++)
		finding_list_free(&lists[c]);
	free(lists);
	free(clean);
	free(v);
	return rc;
}

/* ---- R13: the host itself ---- */

static int host_finding(struct finding_list *out, const struct model_trace *t,
                        enum finding_severity sev, double loss, const char *summary,
                        const char *evidence, const char *advice)
{
	struct finding f;
	blank(&f, FINDING_LOSS, sev, FINDING_DIR_UNKNOWN);
	f.segment = FINDING_SEG_DESTINATION;
	f.loss_pct = loss;
	if (t && t->n_hops > 0) {
		const struct model_hop *d = &t->hops[t->n_hops - 1];
		f.hop = d->ttl;
		diag_find_add_hop(&f, d->ttl);
	}
	snprintf(f.summary, sizeof(f.summary), "%s", summary);
	snprintf(f.evidence, sizeof(f.evidence), "%s", evidence);
	if (t && t->n_hops > 0 && t->hops[t->n_hops - 1].loss_pct > 0.0)
		diag_find_append(f.evidence, sizeof(f.evidence),
		                 " It explains the %.1f%% loss at the destination hop.",
		                 t->hops[t->n_hops - 1].loss_pct);
	snprintf(f.advice, sizeof(f.advice), "%s", advice);
	return finding_list_add(out, &f) ? 0 : -1;
}

static int host_nic(const struct diag_host *h, const struct model_trace *t,
                    struct finding_list *out)
{
	if (!h->has_nic_drops || h->nic_rx_drops + h->nic_rx_errors == 0)
		return 0;
	char ev[FINDING_TEXT_MAX];
	snprintf(ev, sizeof(ev),
	         "R13: the server's network card dropped %lu and rejected %lu "
	         "received packets (ip -s link: RX dropped, errors).",
	         h->nic_rx_drops, h->nic_rx_errors);
	return host_finding(out, t, FINDING_WARNING, NAN,
	                    "The server's own network card drops packets.", ev,
	                    "Enlarge the card's receive ring (ethtool -G), check the cable or "
	                    "virtual NIC, and ask the hosting provider about the host.");
}

static int host_softnet(const struct diag_host *h, const struct model_trace *t,
                        struct finding_list *out)
{
	if (!h->has_softnet || h->softnet_dropped + h->softnet_squeezed == 0)
		return 0;
	char ev[FINDING_TEXT_MAX];
	snprintf(ev, sizeof(ev),
	         "R13: /proc/net/softnet_stat shows %lu packets dropped from the "
	         "backlog and %lu time squeezes.",
	         h->softnet_dropped, h->softnet_squeezed);
	return host_finding(out, t, h->softnet_dropped ? FINDING_WARNING : FINDING_INFO, NAN,
	                    "The server's CPU cannot keep up with incoming packets.", ev,
	                    "Raise net.core.netdev_max_backlog, spread the load (RPS/RFS), or give "
	                    "the server more CPU.");
}

static int host_conntrack(const struct diag_host *h, const struct model_trace *t,
                          struct finding_list *out)
{
	bool full = h->conntrack_max &&
	            (double)h->conntrack_count >= CONNTRACK_FULL * (double)h->conntrack_max;
	if (!h->has_conntrack || (!full && h->conntrack_drops == 0))
		return 0;
	char ev[FINDING_TEXT_MAX];
	snprintf(ev, sizeof(ev),
	         "R13: the connection tracking table holds %lu of %lu entries and "
	         "dropped %lu.",
	         h->conntrack_count, h->conntrack_max, h->conntrack_drops);
	return host_finding(out, t, h->conntrack_drops ? FINDING_CRITICAL : FINDING_WARNING, NAN,
	                    "The server's firewall connection table is full and drops new "
	                    "connections.",
	                    ev, "Raise net.netfilter.nf_conntrack_max or shorten its timeouts.");
}

static int host_tcp(const struct diag_host *h, const struct model_trace *t,
                    struct finding_list *out)
{
	if (!h->has_tcp || h->tcp_out_segs == 0)
		return 0;
	double pct = 100.0 * (double)h->tcp_retrans_segs / (double)h->tcp_out_segs;
	if (pct < RETRANS_WARNING_PCT)
		return 0;
	char ev[FINDING_TEXT_MAX];
	snprintf(ev, sizeof(ev), "R13: the server retransmitted %lu of %lu TCP segments (%.1f%%).",
	         h->tcp_retrans_segs, h->tcp_out_segs, pct);
	return host_finding(out, t,
	                    pct >= RETRANS_CRITICAL_PCT ? FINDING_CRITICAL : FINDING_WARNING, pct,
	                    "The server resends many TCP segments: its connections lose "
	                    "packets.",
	                    ev,
	                    "Check the server's counters above and a trace from the server back "
	                    "to the clients to find where they are lost.");
}

int diag_host(const struct diag_host *h, const struct model_trace *t, struct finding_list *out)
{
	if (host_nic(h, t, out) != 0 || host_softnet(h, t, out) != 0 ||
	    host_conntrack(h, t, out) != 0 || host_tcp(h, t, out) != 0)
		return -1;
	return 0;
}
