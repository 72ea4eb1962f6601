/* diag_host: R13, the host itself (seed 004). Each counter that moved over
 * the sampling window becomes a host-* finding naming the counter, its rate
 * and the fix the seed gives, as advice (hopdoc never applies it).
 * Thresholds: docs/diagnosis.md.
 * Tests: tests/unit/diag/test_diag_host.c tests/unit/diag/test_diag_pair.c. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "diag/diag.h"
#include "diag/diag_find.h"
#include "diag/diag_verdict.h"

#define NIC_WARNING_PER_S 1.0 /* below: a trickle, e.g. frames of unknown protocols */
#define DROPS_CRITICAL_PER_S 100.0
#define RETRANS_MIN_SEGS 100 /* fewer segments sent cannot give a share */
#define RETRANS_WARNING_PCT 1.0
#define RETRANS_CRITICAL_PCT 5.0
#define CONNTRACK_FULL 0.9

/* What one rule read from the counters. */
struct host_reading {
	enum finding_severity sev;
	const char *counter;   /* the identifier the finding names */
	unsigned long delta;   /* that counter's delta over the window */
	double loss_pct;       /* retransmissions as a share of segments */
	bool is_level;         /* the counter is a level (a table's fill): no rate */
	struct diag_draft *d;  /* summary and evidence are written here */
};

struct host_rule {
	enum finding_kind kind;
	bool (*read)(const struct diag_host *h, struct host_reading *r);
	const char *why; /* why it matters, after the summary */
	const char *advice;
};

static double rate_of(const struct diag_host *h, unsigned long delta)
{
	return h->window_s > 0.0 ? (double)delta / h->window_s : NAN;
}

/* Severity of drops at a rate: unknown window = warning. */
static enum finding_severity drop_severity(const struct diag_host *h, unsigned long delta,
                                           double warning_per_s)
{
	double rate = rate_of(h, delta);
	if (isnan(rate))
		return FINDING_WARNING;
	if (rate >= DROPS_CRITICAL_PER_S)
		return FINDING_CRITICAL;
	return rate >= warning_per_s ? FINDING_WARNING : FINDING_INFO;
}

static bool read_nic(const struct diag_host *h, struct host_reading *r)
{
	unsigned long all = h->nic_rx_drops + h->nic_rx_errors + h->nic_tx_drops;
	if (!h->has_nic_drops || all == 0)
		return false;
	r->sev = drop_severity(h, all, NIC_WARNING_PER_S);
	r->counter = "nic_drops";
	r->delta = all;
	strbuf_appendf(&r->d->summary, "The network card%s%s drops packets itself.",
	               h->nic_name[0] ? " " : "", h->nic_name);
	strbuf_appendf(&r->d->evidence,
	               "R13: %lu received packets dropped, %lu rejected as errors and %lu dropped "
	               "or failed on sending (ip -s link: RX dropped+missed+fifo, RX errors, TX "
	               "dropped+errors).",
	               h->nic_rx_drops, h->nic_rx_errors, h->nic_tx_drops);
	if (h->has_ring)
		strbuf_appendf(&r->d->evidence, " Its receive ring holds %lu of at most %lu (ethtool -g).",
		               h->rx_ring, h->rx_ring_max);
	return true;
}

static bool read_softnet(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_softnet || h->softnet_dropped + h->softnet_squeezed == 0)
		return false;
	bool drops = h->softnet_dropped > 0;
	r->sev = drops ? drop_severity(h, h->softnet_dropped, 0.0) : FINDING_INFO;
	r->counter = drops ? "softnet_dropped" : "softnet_time_squeeze";
	r->delta = drops ? h->softnet_dropped : h->softnet_squeezed;
	strbuf_append(&r->d->summary,
	              drops ? "The CPUs drop incoming packets: the backlog queue overflows."
	                    : "The CPUs ran out of time processing incoming packets (time squeeze).");
	strbuf_appendf(&r->d->evidence,
	               "R13: /proc/net/softnet_stat: %lu packets dropped from the backlog, %lu "
	               "time squeezes.",
	               h->softnet_dropped, h->softnet_squeezed);
	if (drops && h->has_softnet_cpu && h->softnet_top_dropped > 0)
		strbuf_appendf(&r->d->evidence, " CPU %u dropped %lu of them (%.0f%%).",
		               h->softnet_top_cpu, h->softnet_top_dropped,
		               100.0 * (double)h->softnet_top_dropped / (double)h->softnet_dropped);
	return true;
}

static bool read_conntrack(const struct diag_host *h, struct host_reading *r)
{
	bool full = h->conntrack_max &&
	            (double)h->conntrack_count >= CONNTRACK_FULL * (double)h->conntrack_max;
	if (!h->has_conntrack || (!full && h->conntrack_drops == 0))
		return false;
	r->sev = h->conntrack_drops ? FINDING_CRITICAL : FINDING_WARNING;
	r->counter = h->conntrack_drops ? "conntrack_drops" : "conntrack_count";
	r->is_level = h->conntrack_drops == 0;
	r->delta = h->conntrack_drops;
	strbuf_append(&r->d->summary,
	              h->conntrack_drops
	                  ? "Connection tracking dropped entries: the table was full (nf_conntrack: "
	                    "table full) or inserts clashed."
	                  : "The connection tracking table is nearly full: new connections will be "
	                    "dropped.");
	strbuf_appendf(&r->d->evidence,
	               "R13: nf_conntrack holds %lu of %lu entries (%.0f%%); %lu dropped "
	               "(insert_failed + drop + early_drop).",
	               h->conntrack_count, h->conntrack_max,
	               h->conntrack_max ? 100.0 * (double)h->conntrack_count / (double)h->conntrack_max
	                                : 0.0,
	               h->conntrack_drops);
	return true;
}

static bool read_tcp(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_tcp || h->tcp_out_segs < RETRANS_MIN_SEGS)
		return false;
	double pct = 100.0 * (double)h->tcp_retrans_segs / (double)h->tcp_out_segs;
	if (pct < RETRANS_WARNING_PCT)
		return false;
	r->sev = pct >= RETRANS_CRITICAL_PCT ? FINDING_CRITICAL : FINDING_WARNING;
	r->counter = "tcp_retrans_segs";
	r->delta = h->tcp_retrans_segs;
	r->loss_pct = pct;
	strbuf_append(&r->d->summary, "TCP resends many segments: its connections lose packets.");
	strbuf_appendf(&r->d->evidence,
	               "R13: %lu of %lu TCP segments sent were retransmissions (%.1f%%; "
	               "/proc/net/snmp RetransSegs, OutSegs).",
	               h->tcp_retrans_segs, h->tcp_out_segs, pct);
	return true;
}

static bool read_listen(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_listen || h->listen_overflows + h->listen_drops == 0)
		return false;
	bool over = h->listen_overflows > 0;
	r->sev = FINDING_WARNING;
	r->counter = over ? "listen_overflows" : "listen_drops";
	r->delta = over ? h->listen_overflows : h->listen_drops;
	strbuf_append(&r->d->summary,
	              "A listening socket's accept queue overflows: connection attempts are dropped.");
	strbuf_appendf(&r->d->evidence,
	               "R13: /proc/net/netstat TcpExt: %lu listen overflows, %lu listen drops.",
	               h->listen_overflows, h->listen_drops);
	return true;
}

static bool read_udp(const struct diag_host *h, struct host_reading *r)
{
	if (!h->has_udp || h->udp_rcvbuf_errors == 0)
		return false;
	r->sev = FINDING_WARNING;
	r->counter = "udp_rcvbuf_errors";
	r->delta = h->udp_rcvbuf_errors;
	strbuf_append(&r->d->summary,
	              "UDP datagrams are dropped because a socket's receive buffer is full.");
	strbuf_appendf(&r->d->evidence, "R13: /proc/net/snmp Udp: %lu RcvbufErrors.",
	               h->udp_rcvbuf_errors);
	return true;
}

static const struct host_rule host_rules[] = {
    {FINDING_HOST_NIC_DROPS, read_nic,
     "To every peer this looks like loss in the network.",
     "Enlarge the NIC's receive ring towards its maximum (ethtool -G IF rx 4096 tx 4096), check "
     "the cable or virtual NIC, and ask the hosting provider about the host."},
    {FINDING_HOST_SOFTNET_DROPS, read_softnet,
     "Packets are lost or delayed before any application sees them; traces to this host "
     "show it as loss or jitter at its own hop.",
     "Raise net.core.netdev_max_backlog (e.g. 10000 in /etc/sysctl.d/99-network.conf), spread "
     "packet processing over the CPUs (RPS/RFS), or give the host more CPU."},
    {FINDING_HOST_CONNTRACK_FULL, read_conntrack,
     "New connections then fail or time out although the network is fine.",
     "Raise net.netfilter.nf_conntrack_max (and the hash size), shorten conntrack timeouts, or "
     "exempt busy traffic from tracking (notrack)."},
    {FINDING_HOST_RETRANSMITS, read_tcp,
     "Every resend costs at least a round trip, often a timeout: transfers slow down.",
     "Look for the loss: the host's other counters here, and a trace towards the peers (and "
     "back) to find where packets are lost."},
    {FINDING_HOST_LISTEN_OVERFLOW, read_listen,
     "Clients see slow or failed connections though the path is clean.",
     "The application accepts connections too slowly: raise its listen backlog and "
     "net.core.somaxconn, or give it more workers."},
    {FINDING_HOST_UDP_BUFFER_ERRORS, read_udp,
     "The datagrams are lost on the host, not in the network (DNS, voice, games).",
     "Raise net.core.rmem_max (e.g. 16777216) and the application's SO_RCVBUF, or read the "
     "socket faster."},
};

/* Server-side drops sit at the trace's destination hop, when given. */
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

static void window_evidence(const struct diag_host *h, const struct host_reading *r)
{
	double rate = r->is_level ? NAN : rate_of(h, r->delta);
	if (!isnan(rate))
		strbuf_appendf(&r->d->evidence, " Over %.1f s: %s at %.1f/s.", h->window_s, r->counter,
		               rate);
	if (h->on_client)
		strbuf_append(&r->d->evidence, " Measured on the client (this machine).");
}

static int host_rule(const struct host_rule *rule, const struct diag_host *h,
                     const struct model_trace *t, struct finding_list *out)
{
	struct diag_draft d;
	diag_find_blank(&d, rule->kind, FINDING_OK, FINDING_DIR_UNKNOWN);
	struct host_reading r = {.loss_pct = NAN, .d = &d};
	if (!rule->read(h, &r)) {
		diag_find_free(&d);
		return 0;
	}
	strbuf_appendf(&d.summary, " %s", rule->why);
	d.f.severity = r.sev;
	d.f.segment = h->on_client ? FINDING_SEG_LOCAL : FINDING_SEG_DESTINATION;
	d.f.loss_pct = r.loss_pct;
	d.f.rate_per_s = r.is_level ? NAN : rate_of(h, r.delta);
	snprintf(d.f.counter, sizeof(d.f.counter), "%s", r.counter);
	window_evidence(h, &r);
	if (!h->on_client)
		at_destination(&d, t);
	strbuf_append(&d.advice, rule->advice);
	strbuf_append(&d.advice, " (Advice only: hopdoc changes no setting.)");
	return diag_find_add(out, &d);
}

int diag_host(const struct diag_host *h, const struct model_trace *t, struct finding_list *out)
{
	for (size_t i = 0; i < sizeof(host_rules) / sizeof(host_rules[0]); i++)
		if (host_rule(&host_rules[i], h, t, out) != 0)
			return -1;
	diag_sort(out->items, out->n);
	return 0;
}

/* The counter groups the check could not read, as "softnet, conntrack". */
static void missing_groups(const struct diag_host *h, struct strbuf *sb)
{
	const struct {
		bool has;
		const char *name;
	} groups[] = {
	    {h->has_nic_drops, "NIC statistics"}, {h->has_softnet, "softnet_stat"},
	    {h->has_conntrack, "conntrack"},      {h->has_tcp, "TCP (snmp)"},
	    {h->has_listen, "listen queues (netstat)"}, {h->has_udp, "UDP (snmp)"},
	};
	const char *sep = " Not available here: ";
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!groups[i].has) {
			strbuf_appendf(sb, "%s%s", sep, groups[i].name);
			sep = ", ";
		}
	if (sep[0] == ',')
		strbuf_append(sb, ".");
}

int diag_host_verdict(const struct diag_host *h, struct finding_list *out)
{
	size_t before = out->n;
	if (diag_host(h, NULL, out) != 0)
		return -1;
	if (out->n > before)
		return 0;
	struct diag_draft d;
	diag_find_blank(&d, FINDING_HEALTHY, FINDING_OK, FINDING_DIR_UNKNOWN);
	d.f.segment = h->on_client ? FINDING_SEG_LOCAL : FINDING_SEG_DESTINATION;
	strbuf_append(&d.summary, "The host's own counters are healthy: it does not drop packets itself.");
	strbuf_appendf(&d.evidence,
	               "R13: over %.1f s no NIC drops or errors, no softnet drops or time squeezes, "
	               "conntrack below %.0f%% full without drops, TCP retransmissions below "
	               "%.0f%% (or under %d segments sent), no listen overflows, no UDP buffer "
	               "errors.",
	               h->window_s, CONNTRACK_FULL * 100.0, RETRANS_WARNING_PCT, RETRANS_MIN_SEGS);
	missing_groups(h, &d.evidence);
	return diag_find_add(out, &d);
}

/* "1,200": a rate as the summary says it, grouped by thousands. */
static void grouped(struct strbuf *sb, double v)
{
	char digits[32];
	snprintf(digits, sizeof(digits), "%.0f", v);
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		strbuf_appendf(sb, "%c", digits[i]);
		if ((n - 1 - i) % 3 == 0 && i + 1 < n)
			strbuf_append(sb, ",");
	}
}

/* The server measured itself as "this machine": say whose counters they are. */
static void server_evidence(struct diag_draft *d, const char *evidence)
{
	static const char client_note[] = " Measured on the client (this machine).";
	const char *cut = strstr(evidence, client_note);
	size_t keep = cut ? (size_t)(cut - evidence) : strlen(evidence);
	strbuf_appendf(&d->evidence, "%.*s%s", (int)keep, evidence, cut ? cut + strlen(client_note) : "");
	strbuf_append(&d->evidence, " Measured on the server by its hopdoc, over its return trace.");
}

static int server_finding(const struct finding *s, const struct model_trace *t,
                          struct finding_list *out)
{
	struct diag_draft d;
	diag_find_blank(&d, s->kind, s->severity, FINDING_DIR_UNKNOWN);
	d.f.segment = FINDING_SEG_DESTINATION;
	d.f.loss_pct = s->loss_pct;
	d.f.rate_per_s = s->rate_per_s;
	snprintf(d.f.counter, sizeof(d.f.counter), "%s", s->counter);
	strbuf_append(&d.summary, "The server drops them itself");
	if (!isnan(s->rate_per_s)) {
		strbuf_appendf(&d.summary, ": %s at ", s->counter);
		grouped(&d.summary, s->rate_per_s);
		strbuf_append(&d.summary, "/s");
	}
	strbuf_appendf(&d.summary, ". %s", s->summary);
	server_evidence(&d, s->evidence);
	at_destination(&d, t);
	strbuf_append(&d.advice, s->advice);
	return diag_find_add(out, &d);
}

int diag_host_server(const struct finding_list *server, const struct model_trace *outbound,
                     struct finding_list *out)
{
	for (size_t i = 0; i < server->n; i++)
		if (server_finding(&server->items[i], outbound, out) != 0)
			return -1;
	diag_sort(out->items, out->n);
	return 0;
}
