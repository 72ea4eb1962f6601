/* diag_pair: R10, an outbound and a return trace read together. The same
 * finding in both directions becomes one; a problem in one direction only
 * adds `asymmetric`, naming the devices both traces point at. Tested in
 * tests/unit/diag/test_diag_pair.c. */
#include "diag/diag.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "diag/diag_find.h"
#include "diag/diag_hop.h"
#include "diag/diag_verdict.h"
#include "diag/diag_view.h"

static enum finding_severity worse(enum finding_severity a, enum finding_severity b)
{
	return a > b ? a : b;
}

/* f (in the output list) takes g's figures where they are worse, and both
 * directions' evidence whole. */
static int merge_into(struct finding *f, const struct finding *g)
{
	if (diag_find_set(&f->evidence, "R10: the same in both directions. Outbound: %s Return: %s",
	                  f->evidence, g->evidence) != 0)
		return -1;
	f->direction = FINDING_DIR_BOTH;
	f->severity = worse(f->severity, g->severity);
	if (isnan(f->loss_pct) || g->loss_pct > f->loss_pct)
		f->loss_pct = g->loss_pct;
	if (isnan(f->latency_ms) || g->latency_ms > f->latency_ms)
		f->latency_ms = g->latency_ms;
	return diag_find_edit(&f->summary,
	                      " The trace from the server back to you shows the same.");
}

/* The first of r's findings not yet used with f's kind and segment, or r->n. */
static size_t match_in(const struct finding *f, const struct finding_list *r, const bool *used)
{
	for (size_t j = 0; j < r->n; j++)
		if (!used[j] && r->items[j].kind == f->kind && r->items[j].segment == f->segment)
			return j;
	return r->n;
}

/* R10: the same finding (kind and segment) in both directions becomes one. */
static int merge_pair(const struct finding_list *o, const struct finding_list *r,
                      struct finding_list *out)
{
	bool *used = calloc(r->n ? r->n : 1, sizeof(*used)); /* one per return finding */
	int rc = used ? 0 : -1;
	for (size_t i = 0; rc == 0 && i < o->n; i++) {
		struct finding *f = finding_list_add(out, &o->items[i]);
		size_t j = f ? match_in(f, r, used) : r->n;
		rc = !f ? -1 : j < r->n ? merge_into(f, &r->items[j]) : 0;
		if (j < r->n)
			used[j] = true;
	}
	for (size_t j = 0; rc == 0 && j < r->n; j++)
		if (!used[j] && !finding_list_add(out, &r->items[j]))
			rc = -1;
	free(used);
	return rc;
}

/* ---- R10: one end-to-end loss, seen from both ends ---- */

static unsigned last_ttl(const struct model_trace *t)
{
	return t->n_hops ? t->hops[t->n_hops - 1].ttl : 0;
}

/* A loss that persists to the trace's end (R3). Both traces' ends are the
 * same round trip, so two of them are one loss seen from both sides. */
static bool end_loss(const struct finding *f, enum finding_direction dir,
                     const struct model_trace *t)
{
	return f->kind == FINDING_LOSS && f->direction == dir && f->n_hops > 0 &&
	       f->hops[f->n_hops - 1] == last_ttl(t);
}

static size_t find_end_loss(const struct finding_list *l, size_t from,
                            enum finding_direction dir, const struct model_trace *t)
{
	for (size_t i = from; i < l->n; i++)
		if (end_loss(&l->items[i], dir, t))
			return i;
	return l->n;
}

static void drop_item(struct finding_list *l, size_t i)
{
	finding_free_texts(&l->items[i]);
	memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(l->items[0]));
	l->n--;
}

/* The other trace's loss is at its far end only: those are the far end's
 * replies, travelling the route that `keep` shows losing mid-way. */
static int explain_echo(struct finding *keep, const struct finding *echo, bool keep_return)
{
	const char *far = keep_return ? "the server" : "this client";
	if (diag_find_edit(&keep->evidence,
	                   " R10: the %s trace's loss at its hop %u (%s, %.1f%%) is this same "
	                   "loss, not a second fault: %s's replies travel the route this trace "
	                   "shows losing from hop %u, and no earlier hop of the %s trace loses. "
	                   "%s: %s",
	                   keep_return ? "outbound" : "return", echo->hop, far, echo->loss_pct, far,
	                   keep->hop, keep_return ? "outbound" : "return",
	                   keep_return ? "Outbound" : "Return", echo->evidence) != 0)
		return -1;
	return diag_find_edit(&keep->summary, " The %s trace's loss at %s is the same loss.",
	                      keep_return ? "outbound" : "return", far);
}

/* Both lose from mid-way to their ends: one loss, direction unknown. */
static int explain_round_trip(struct finding *o, const struct finding *r)
{
	if (diag_find_set(&o->evidence,
	                  "R10: both traces lose from a hop to their end (outbound from hop %u, "
	                  "return from its hop %u): one end-to-end loss seen from both sides, not "
	                  "two faults. Round trips cannot tell whether it is lost on the way out "
	                  "(from outbound hop %u) or on the way back (from return hop %u). "
	                  "Outbound: %s Return: %s",
	                  o->hop, r->hop, o->hop, r->hop, o->evidence, r->evidence) != 0)
		return -1;
	o->direction = FINDING_DIR_BOTH;
	return diag_find_edit(&o->summary, " The trace from the server back to you shows the same "
	                                   "loss from its hop %u.", r->hop);
}

/* R10: one trace loses at its far end only, the other from mid-way to its
 * end: the far end's replies meet the loss the other trace places, so it is
 * one fault in that trace's direction. Both leave lo and lr; the one that
 * places it goes to out. */
static int link_echo(struct finding_list *lo, struct finding_list *lr, const struct model_trace *o,
                     const struct model_trace *r, struct finding_list *out)
{
	size_t io = find_end_loss(lo, 0, FINDING_DIR_OUTBOUND, o);
	size_t ir = find_end_loss(lr, 0, FINDING_DIR_RETURN, r);
	if (io == lo->n || ir == lr->n)
		return 0;
	struct finding *fo = &lo->items[io], *fr = &lr->items[ir];
	bool o_far_only = fo->n_hops == 1 && fr->n_hops > 1;
	bool r_far_only = fr->n_hops == 1 && fo->n_hops > 1;
	if (!o_far_only && !r_far_only)
		return 0;
	struct finding *keep = o_far_only ? fr : fo;
	const struct finding *echo = o_far_only ? fo : fr;
	keep->severity = worse(keep->severity, echo->severity);
	if (explain_echo(keep, echo, o_far_only) != 0 || !finding_list_add(out, keep))
		return -1;
	drop_item(lo, io);
	drop_item(lr, ir);
	return 0;
}

/* R10: an outbound and a return loss that both persist from mid-way to their
 * ends, and were not merged as the same kind and segment, become one. */
static int link_end_losses(struct finding_list *out, size_t from, const struct model_trace *o,
                           const struct model_trace *r)
{
	size_t io = find_end_loss(out, from, FINDING_DIR_OUTBOUND, o);
	size_t ir = find_end_loss(out, from, FINDING_DIR_RETURN, r);
	if (io == out->n || ir == out->n)
		return 0;
	struct finding *fo = &out->items[io];
	const struct finding *fr = &out->items[ir];
	fo->severity = worse(fo->severity, fr->severity);
	if (explain_round_trip(fo, fr) != 0)
		return -1;
	drop_item(out, ir);
	return 0;
}

static const struct finding *worst_problem(const struct finding_list *l)
{
	const struct finding *w = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (diag_is_problem(&l->items[i]) && (!w || diag_before(&l->items[i], w)))
			w = &l->items[i];
	return w;
}

static bool named_by(const struct model_hop *a, const struct finding_list *other,
                     const struct model_trace *ot)
{
	for (size_t j = 0; j < other->n; j++)
		for (size_t k = 0; k < other->items[j].n_hops; k++) {
			const struct model_hop *b = diag_hop_by_ttl(ot, other->items[j].hops[k]);
			if (b && diag_hop_same_responder(a, b))
				return true;
		}
	return false;
}

/* R10: "say which devices both point at": responders of the problem's hops
 * that the other direction's findings also name. */
static void shared_devices(struct strbuf *buf, const struct finding *p,
                           const struct model_trace *pt, const struct finding_list *other,
                           const struct model_trace *ot)
{
	char label[MODEL_NAME_MAX + 32];
	for (size_t i = 0; i < p->n_hops; i++) {
		const struct model_hop *a = diag_hop_by_ttl(pt, p->hops[i]);
		if (a && named_by(a, other, ot))
			strbuf_appendf(buf, " %s", diag_hop_label(a, label, sizeof(label)));
	}
}

/* The asymmetric finding takes its place and figures from the problem. */
static void asymmetric_from(struct diag_draft *d, const struct finding *p)
{
	diag_find_blank(d, FINDING_ASYMMETRIC, FINDING_INFO, p->direction);
	d->f.segment = p->segment;
	d->f.hop = p->hop;
	d->f.n_hops = p->n_hops;
	memcpy(d->f.hops, p->hops, sizeof(d->f.hops));
	d->f.loss_pct = p->loss_pct;
	d->f.latency_ms = p->latency_ms;
}

static void explain_shared(struct diag_draft *d, const char *devices, bool outbound)
{
	strbuf_appendf(&d->evidence,
	               " Both directions point at:%s. The %s trace shows them only "
	               "answering probes at low priority: a trace measures round trips, so "
	               "had they lost or delayed traffic either way, every later hop of it "
	               "would show it too. Either traffic towards the %s suffers there, or "
	               "these devices limit their replies to the %s trace's probes; a "
	               "slower rate (-i 2) or a TCP probe (-T) separates the two.",
	               devices, outbound ? "return" : "outbound", outbound ? "server" : "client",
	               outbound ? "outbound" : "return");
}

static void describe_asymmetric(struct diag_draft *d, const struct finding *p, bool outbound)
{
	strbuf_appendf(
	    &d->summary, "Only the way %s shows the problem (%s); the other direction is clean.",
	    outbound ? "to the server" : "back from the server", finding_kind_name(p->kind));
	strbuf_appendf(&d->evidence,
	               "R10: the %s trace has %s from hop %u (%s); the %s trace has no loss, "
	               "latency, jitter or interruption that persists.",
	               outbound ? "outbound" : "return", finding_kind_name(p->kind), p->hop,
	               finding_segment_name(p->segment), outbound ? "return" : "outbound");
	strbuf_appendf(&d->advice,
	               "Send both traces when you report it: the problem is one-directional. %s",
	               diag_find_segment_advice(p->segment));
}

static int add_asymmetric(const struct finding_list *bad, const struct model_trace *bt,
                          const struct finding_list *good, const struct diag_view *gv,
                          struct finding_list *out)
{
	const struct finding *p = worst_problem(bad);
	if (!p) /* its one problem was the other's loss echoed (link_echo took it) */
		return 0;
	bool outbound = p->direction == FINDING_DIR_OUTBOUND;
	struct diag_draft d;
	asymmetric_from(&d, p);
	describe_asymmetric(&d, p, outbound);
	struct strbuf devices = STRBUF_INIT;
	shared_devices(&devices, p, bt, good, gv->t);
	if (devices.len)
		explain_shared(&d, strbuf_str(&devices), outbound);
	if (strbuf_failed(&devices))
		d.evidence.failed = true; /* the devices are part of the evidence */
	strbuf_free(&devices);
	strbuf_append(&d.evidence, strbuf_str(&gv->notes));
	return diag_find_add(out, &d);
}

static int pair_rules(struct diag_view *vo, struct diag_view *vr, const struct model_trace *o,
                      const struct model_trace *r, struct finding_list *out)
{
	struct finding_list lo, lr;
	finding_list_init(&lo);
	finding_list_init(&lr);
	int rc = diag_view_rules(vo, o, FINDING_DIR_OUTBOUND, true, &lo);
	if (rc == 0)
		rc = diag_view_rules(vr, r, FINDING_DIR_RETURN, false, &lr);
	bool po = rc == 0 && diag_has_problem(&lo), pr = rc == 0 && diag_has_problem(&lr);
	size_t from = out->n;
	if (rc == 0)
		rc = link_echo(&lo, &lr, o, r, out);
	if (rc == 0)
		rc = merge_pair(&lo, &lr, out);
	if (rc == 0)
		rc = link_end_losses(out, from, o, r);
	if (rc == 0 && po && !pr)
		rc = add_asymmetric(&lo, o, &lr, vr, out);
	else if (rc == 0 && pr && !po)
		rc = add_asymmetric(&lr, r, &lo, vo, out);
	finding_list_free(&lo);
	finding_list_free(&lr);
	return rc;
}

/* R12 for a pair names the direction that ran short, or both. */
static enum finding_direction short_direction(unsigned long po, unsigned long pr)
{
	if (po < DIAG_MIN_PROBES && pr < DIAG_MIN_PROBES)
		return FINDING_DIR_BOTH;
	return po < pr ? FINDING_DIR_OUTBOUND : FINDING_DIR_RETURN;
}

/* Both directions were measured and found clean: `healthy` says so. */
static void mark_healthy_both(struct finding_list *out, size_t from)
{
	for (size_t i = from; i < out->n; i++)
		if (out->items[i].kind == FINDING_HEALTHY)
			out->items[i].direction = FINDING_DIR_BOTH;
}

static int finish_pair(struct finding_list *out, size_t from, const struct diag_view *v,
                       const struct model_trace *o, const struct model_trace *r)
{
	unsigned long po = diag_probes_sent(o), pr = diag_probes_sent(r);
	struct strbuf notes = STRBUF_INIT;
	strbuf_append(&notes, strbuf_str(&v[0].notes));
	strbuf_append(&notes, strbuf_str(&v[1].notes));
	int rc = strbuf_failed(&notes) ? -1 : 0;
	if (rc == 0)
		rc = diag_finish(out, from, po < pr ? po : pr, short_direction(po, pr),
		                 strbuf_str(&notes));
	if (rc == 0)
		mark_healthy_both(out, from);
	strbuf_free(&notes);
	return rc;
}

int diag_pair(const struct model_trace *outbound, const struct model_trace *ret,
              struct finding_list *out)
{
	if (!ret)
		return diag_trace(outbound, out);
	if (!outbound)
		return diag_one_trace(ret, FINDING_DIR_RETURN, false, NULL, out); /* named `return` */
	struct diag_view *v = calloc(2, sizeof(*v));
	if (!v)
		return -1;
	size_t from = out->n;
	int rc = pair_rules(&v[0], &v[1], outbound, ret, out);
	if (rc == 0)
		rc = finish_pair(out, from, v, outbound, ret);
	diag_view_free(&v[0]);
	diag_view_free(&v[1]);
	free(v);
	return rc;
}
