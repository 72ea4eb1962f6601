#include "diag/diag_verdict.h"

#include <stdlib.h>
#include <sys/socket.h>

#include "base/strbuf.h"
#include "diag/diag_delay.h"
#include "diag/diag_epoch.h"
#include "diag/diag_find.h"
#include "diag/diag_loss.h"
#include "diag/diag_view.h"

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

int diag_view_rules(struct diag_view *v, const struct model_trace *t, enum finding_direction dir,
                    bool client_first, struct finding_list *out)
{
	const struct diag_followup *fu = v->fu; /* the caller's, kept over the init */
	diag_view_init(v, t, dir, client_first);
	v->fu = fu;
	int rc = trace_rules(v, out);
	return rc == 0 && strbuf_failed(&v->notes) ? -1 : rc;
}

unsigned long diag_probes_sent(const struct model_trace *t)
{
	unsigned long most = 0;
	for (size_t i = 0; i < t->n_hops; i++)
		if (t->hops[i].snt > most)
			most = t->hops[i].snt;
	return most;
}

bool diag_is_problem(const struct finding *f)
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

bool diag_has_problem(const struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (diag_is_problem(&l->items[i]))
			return true;
	return false;
}

static int kind_rank(enum finding_kind k)
{
	static const enum finding_kind order[] = {
	    FINDING_ROUTING_LOOP,         FINDING_PATH_INTERRUPTED, FINDING_LOSS,
	    FINDING_HOST_CONNTRACK_FULL,  FINDING_HOST_NIC_DROPS,   FINDING_HOST_SOFTNET_DROPS,
	    FINDING_HOST_UDP_BUFFER_ERRORS, FINDING_HOST_LISTEN_OVERFLOW, FINDING_HOST_RETRANSMITS,
	    FINDING_DESTINATION_FILTERED, FINDING_LATENCY,          FINDING_JITTER,
	    FINDING_ASYMMETRIC,           FINDING_RATE_LIMITED_HOP, FINDING_DEPRIORITIZED_HOP,
	    FINDING_INSUFFICIENT_DATA,    FINDING_PATH_MTU,         FINDING_ROUTE_CHANGE,
	    FINDING_HEALTHY,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == k)
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

bool diag_before(const struct finding *a, const struct finding *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	if (kind_rank(a->kind) != kind_rank(b->kind))
		return kind_rank(a->kind) < kind_rank(b->kind);
	return a->hop < b->hop;
}

/* Insertion sort: stable, and diagnoses hold a handful of findings. */
void diag_sort(struct finding *items, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct finding key = items[i];
		size_t j = i;
		for (; j > 0 && diag_before(&key, &items[j - 1]); j--)
			items[j] = items[j - 1];
		items[j] = key;
	}
}

static int add_insufficient(struct finding_list *l, unsigned long probes,
                            enum finding_direction dir)
{
	struct diag_draft d;
	diag_find_blank(&d, FINDING_INSUFFICIENT_DATA, FINDING_INFO, dir);
	strbuf_appendf(&d.summary,
	               "Only %lu probes per hop were sent: too few to judge small losses, so every "
	               "verdict here is tentative.",
	               probes);
	strbuf_appendf(&d.evidence,
	               "R12: %lu probes per hop, fewer than %d; one lost probe is already %.0f%% "
	               "loss. Every other finding's severity is lowered by one step.",
	               probes, DIAG_MIN_PROBES, probes ? 100.0 / (double)probes : 100.0);
	strbuf_append(
	    &d.advice,
	    "Run longer: at least a minute, better 100 cycles (hopdoc -r -c 100 TARGET).");
	return diag_find_add(l, &d);
}

int diag_short_run(struct finding_list *out, size_t from, unsigned long probes,
                   enum finding_direction dir)
{
	for (size_t i = from; i < out->n; i++)
		out->items[i].severity = diag_find_lower(out->items[i].severity);
	return add_insufficient(out, probes, dir);
}

bool diag_only_insufficient(const struct finding_list *l, size_t from)
{
	for (size_t i = from; i < l->n; i++)
		if (l->items[i].kind != FINDING_INSUFFICIENT_DATA)
			return false;
	return true;
}

int diag_add_healthy(struct finding_list *l, enum finding_direction dir, const char *notes)
{
	struct diag_draft d;
	diag_find_blank(&d, FINDING_HEALTHY, FINDING_OK, dir);
	strbuf_append(
	    &d.summary,
	    "The path is healthy: the destination answers without loss or lasting delay.");
	strbuf_appendf(&d.evidence,
	               "R1: the destination answers with 0%% loss and no persistent latency step, "
	               "jitter, loop or interruption.%s",
	               notes ? notes : "");
	strbuf_append(&d.advice,
	              "Nothing to do on the network. If problems persist, run the trace while they "
	              "happen, and a trace from the server back to you.");
	return diag_find_add(l, &d);
}

/* Findings that say nothing is wrong with the path itself (a path MTU is a
 * fact about it, not a fault). */
static bool harmless(const struct finding *f)
{
	return f->kind == FINDING_RATE_LIMITED_HOP || f->kind == FINDING_DEPRIORITIZED_HOP ||
	       f->kind == FINDING_INSUFFICIENT_DATA || f->kind == FINDING_PATH_MTU ||
	       f->kind == FINDING_ROUTE_CHANGE || f->kind == FINDING_HEALTHY;
}

/* A clean path whose only findings are routers answering probes slowly or
 * rarely: the first line the user reads says the path is fine. */
static int headline_fine(struct finding_list *out, size_t from)
{
	for (size_t i = from; i < out->n; i++)
		if (!harmless(&out->items[i]))
			return 0;
	struct finding *first = &out->items[from];
	if (from >= out->n || first->kind == FINDING_HEALTHY ||
	    first->kind == FINDING_INSUFFICIENT_DATA)
		return 0;
	return diag_find_set(&first->summary,
	                     "The path is fine: the destination answers without loss or lasting "
	                     "delay. %s",
	                     first->summary);
}

int diag_finish(struct finding_list *out, size_t from, unsigned long probes,
                enum finding_direction dir, const char *notes)
{
	if (probes < DIAG_MIN_PROBES && diag_short_run(out, from, probes, dir) != 0)
		return -1;
	/* A verdict of nothing found names no direction, except for a pair,
	 * where both directions were measured and found clean. */
	enum finding_direction healthy_dir = dir == FINDING_DIR_BOTH ? dir : FINDING_DIR_UNKNOWN;
	/* Without a single probe there is nothing to call healthy. */
	if (probes > 0 && diag_only_insufficient(out, from) &&
	    diag_add_healthy(out, healthy_dir, notes) != 0)
		return -1;
	diag_sort(out->items + from, out->n - from);
	return headline_fine(out, from);
}

const struct model_hop *diag_hop_by_ttl(const struct model_trace *t, unsigned ttl)
{
	for (size_t i = 0; i < t->n_hops; i++)
		if (t->hops[i].ttl == ttl)
			return &t->hops[i];
	return NULL;
}

/* A fact, not a fault: it explains "connects but hangs" (an MTU black hole)
 * and never stops the path being called healthy. */
static int add_path_mtu(struct finding_list *l, const struct model_trace *t,
                        enum finding_direction dir)
{
	struct diag_draft d;
	char from[64];
	model_addr_text(&t->path_mtu_from, from, sizeof(from));
	diag_find_blank(&d, FINDING_PATH_MTU, FINDING_INFO, dir);
	d.f.hop = t->path_mtu_hop;
	if (t->path_mtu_hop)
		diag_find_add_hop(&d.f, t->path_mtu_hop);
	strbuf_appendf(&d.summary, "The path MTU is %u bytes: the link after ", t->path_mtu);
	if (t->path_mtu_hop)
		strbuf_appendf(&d.summary, "hop %u ", t->path_mtu_hop);
	strbuf_appendf(&d.summary, "(%s) takes no larger packet.", from);
	strbuf_appendf(&d.evidence, "%s answered a %u-byte probe with \"%s\" naming an MTU of %u.",
	               from, t->psize,
	               t->dst_addr.family == AF_INET6 ? "packet too big" : "fragmentation needed",
	               t->path_mtu);
	strbuf_append(&d.advice,
	              "If connections open but hang on large transfers, the path drops big "
	              "packets somewhere (an MTU black hole): let ICMP \"too big\" through, or "
	              "clamp the TCP MSS to fit this MTU.");
	return diag_find_add(l, &d);
}

int diag_one_trace(const struct model_trace *t, enum finding_direction dir, bool client_first,
                   const struct diag_followup *fu, struct finding_list *out)
{
	struct diag_view *v = calloc(1, sizeof(*v));
	if (!v)
		return -1;
	v->fu = fu;
	size_t from = out->n;
	int rc = diag_view_rules(v, t, dir, client_first, out);
	if (rc == 0)
		rc = diag_finish(out, from, diag_probes_sent(t), dir, strbuf_str(&v->notes));
	if (rc == 0 && t->path_mtu && (rc = add_path_mtu(out, t, dir)) == 0)
		diag_sort(out->items + from, out->n - from);
	if (rc == 0 && t->n_epochs && (rc = diag_add_route_change(out, t, dir)) == 0)
		diag_sort(out->items + from, out->n - from);
	diag_view_free(v);
	free(v);
	return rc;
}
