#include "diag/diag_loss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/diag_ecmp.h"
#include "diag/diag_find.h"
#include "diag/diag_followup.h"
#include "diag/diag_hop.h"

#define LOSS_WARNING_PCT DIAG_LOSS_WARNING_PCT
#define LOSS_CRITICAL_PCT 10.0 /* R3: critical from 10% */
#define LOOP_MIN_CYCLES 2      /* a sequence seen twice is a loop, once is a path */
#define LOSS_Z 1.645           /* one-sided 95% */
#define LOSS_RUN_SHARE 0.25    /* a hop losing less than this share of the destination's loss
				  is not where the loss starts */
#define MAX_TTL_DEFAULT 30     /* mtr's and hopdoc's default -m */

/* ---- R6 ---- */

static size_t answering_hops(const struct diag_view *v, size_t *idx)
{
	size_t k = 0;
	for (size_t i = 0; i < diag_n_hops(v); i++)
		if (diag_hop_answers(diag_hop_at(v, i)))
			idx[k++] = i;
	return k;
}

/* Where the trailing repetition with period p starts (in answering order),
 * or k when the trace does not end in one. */
static size_t loop_start(const struct diag_view *v, const size_t *idx, size_t k, size_t p)
{
	size_t s = k;
	for (size_t j = k; j-- > p;) {
		if (!diag_hop_same_responder(diag_hop_at(v, idx[j]), diag_hop_at(v, idx[j - p])))
			break;
		s = j - p;
	}
	if (s == k || k - s < LOOP_MIN_CYCLES * p)
		return k;
	if (diag_hop_same_responder(diag_hop_at(v, idx[s]), diag_hop_at(v, idx[s + 1])))
		return k; /* one router repeating: not a loop of several */
	return s;
}

static void describe_loop(struct diag_draft *d, const struct diag_view *v, const size_t *idx,
                          size_t s, size_t k, size_t p)
{
	char label[MODEL_NAME_MAX + 32];
	for (size_t j = s; j < k; j++)
		diag_find_add_hop(&d->f, diag_hop_at(v, idx[j])->ttl);
	strbuf_appendf(&d->summary,
	               "Packets go round in a loop from hop %u on and never reach the destination: "
	               "a routing error %s.",
	               diag_hop_at(v, idx[s])->ttl, diag_find_segment_words(d->f.segment));
	strbuf_appendf(&d->evidence, "R6: the sequence");
	for (size_t j = s; j < s + p; j++)
		strbuf_appendf(&d->evidence, " %s",
		               diag_hop_label(diag_hop_at(v, idx[j]), label, sizeof(label)));
	strbuf_appendf(&d->evidence,
	               " repeats at increasing hop numbers up to hop %u and the target never "
	               "answers. R9: hop %u is in segment %s.",
	               diag_hop_at(v, idx[k - 1])->ttl, d->f.hop,
	               finding_segment_name(d->f.segment));
	strbuf_appendf(&d->advice,
	               "Contact the network that owns these routers; the route between them is "
	               "misconfigured. %s",
	               diag_find_segment_advice(d->f.segment));
}

int diag_loss_loop(const struct diag_view *v, struct finding_list *out, bool *found)
{
	size_t idx[MODEL_MAX_HOPS];
	size_t k = answering_hops(v, idx);
	/* No check that the target answered: imports name the last hop the
	 * target, and a target is never seen at several hop numbers (probing
	 * stops at it), so the repetition alone decides. */
	*found = false;
	for (size_t p = 2; p * LOOP_MIN_CYCLES <= k; p++) {
		size_t s = loop_start(v, idx, k, p);
		if (s == k)
			continue;
		struct diag_draft d;
		diag_find_init(&d, v, FINDING_ROUTING_LOOP, FINDING_CRITICAL, idx[s]);
		describe_loop(&d, v, idx, s, k, p);
		*found = true;
		return diag_find_add(out, &d);
	}
	return 0;
}

/* ---- R4, R5 ---- */

static int nothing_answers(const struct diag_view *v, struct finding_list *out)
{
	struct diag_draft d;
	diag_find_init(&d, v, FINDING_PATH_INTERRUPTED, FINDING_CRITICAL, 0);
	/* even when the only hop is the trace's last (mtr's empty hubs list):
	 * nothing is known beyond the client's own end */
	d.f.segment = FINDING_SEG_LOCAL;
	for (size_t i = 0; i <= v->last_probed && i < diag_n_hops(v); i++)
		diag_find_add_hop(&d.f, diag_hop_at(v, i)->ttl);
	strbuf_appendf(&d.summary,
	               "Nothing on the path answered, not even the first router: the connection is "
	               "cut close to where the trace started, or the probes are blocked there.");
	strbuf_appendf(
	    &d.evidence,
	    "R5: all %u probed hops are silent (100%% loss, no statistics) and the target "
	    "never answers.",
	    (unsigned)d.f.n_hops);
	strbuf_appendf(
	    &d.advice,
	    "Check the local connection and firewall first (can you reach your router?), "
	    "then try a TCP probe (hopdoc -T -P 443) in case ICMP is blocked. %s",
	    diag_find_segment_advice(d.f.segment));
	return diag_find_add(out, &d);
}

static void silent_hops(struct diag_draft *d, const struct diag_view *v)
{
	for (size_t i = v->last_answering + 1; i <= v->last_probed; i++)
		diag_find_add_hop(&d->f, diag_hop_at(v, i)->ttl);
}

static int filtered(const struct diag_view *v, struct finding_list *out, bool named)
{
	struct diag_draft d;
	char last[MODEL_NAME_MAX + 32], target[MODEL_NAME_MAX + 32];
	diag_find_init(&d, v, FINDING_DESTINATION_FILTERED, FINDING_WARNING, v->last_probed);
	silent_hops(&d, v);
	d.f.loss_pct = 100.0;
	diag_hop_label(diag_hop_at(v, v->last_answering), last, sizeof(last));
	diag_hop_label(diag_hop_at(v, v->last_probed), target, sizeof(target));
	strbuf_appendf(
	    &d.summary,
	    "The destination does not answer these probes although every router up to it "
	    "does: the server or its firewall most likely ignores this kind of probe.");
	strbuf_appendf(&d.evidence,
	               "R4: the routers answer up to %s; %s loses 100%% of %lu probes.", last,
	               target, diag_hop_at(v, v->last_probed)->snt);
	if (diag_followup_has_target(v->fu))
		diag_followup_target_text(v->fu, &d.evidence);
	else if (!named)
		strbuf_appendf(&d.evidence,
		               " The silent hop may also be a router after a cut (R5): only one "
		               "silent hop follows the last answer, so the target is most likely "
		               "that hop.");
	strbuf_appendf(
	    &d.advice,
	    "Probe the service's own port instead (hopdoc -T -P 443, or -u for UDP); if that "
	    "answers, the path is fine and ICMP is filtered. Otherwise check the server's "
	    "firewall, or run a trace from the server back to you.");
	return diag_find_add(out, &d);
}

static int interrupted(const struct diag_view *v, struct finding_list *out)
{
	struct diag_draft d;
	char last[MODEL_NAME_MAX + 32];
	diag_find_init(&d, v, FINDING_PATH_INTERRUPTED, FINDING_CRITICAL, v->last_answering);
	diag_find_add_hop(&d.f, d.f.hop);
	silent_hops(&d, v);
	diag_hop_label(diag_hop_at(v, v->last_answering), last, sizeof(last));
	strbuf_appendf(&d.summary,
	               "Replies stop after hop %u: the path is broken at or just after %s, %s.",
	               d.f.hop, last, diag_find_segment_words(d.f.segment));
	size_t silent = v->last_probed - v->last_answering;
	strbuf_appendf(
	    &d.evidence,
	    "R5: the last answer comes from %s; the %zu hop%s after it %s silent (no "
	    "statistics) and the target never answers. R9: hop %u is in segment %s.",
	    last, silent, silent == 1 ? "" : "s", silent == 1 ? "is" : "are", d.f.hop,
	    finding_segment_name(d.f.segment));
	if (diag_followup_has_target(v->fu))
		diag_followup_target_text(v->fu, &d.evidence);
	else if (silent == 1 && v->t->proto != MODEL_PROTO_TCP)
		strbuf_appendf(&d.evidence,
		               " One silent hop would most likely be the target ignoring the probes "
		               "(R4), but the replies stop inside your own network or provider, "
		               "where no server sits right behind.");
	if (!diag_followup_has_target(v->fu))
		strbuf_appendf(&d.evidence, " If the target itself only filters the probes (R4), a "
		                            "TCP probe to its port answers.");
	strbuf_appendf(
	    &d.advice,
	    "Run a trace from the server back to you (return route) and contact the owner of "
	    "hop %u. %s",
	    d.f.hop, diag_find_segment_advice(d.f.segment));
	return diag_find_add(out, &d);
}

static int unreachable_rules(const struct diag_view *v, struct finding_list *out)
{
	if (v->last_answering >= diag_n_hops(v))
		return nothing_answers(v, out);
	const struct model_hop *last = diag_hop_at(v, v->last_probed);
	size_t silent = v->last_probed - v->last_answering;
	/* One silent hop is most likely the target ignoring the probes (R4),
	 * unless the probes already went to a TCP port, R4's own remedy. */
	bool tcp = v->t->proto == MODEL_PROTO_TCP;
	/* ...unless replies stop inside the client's own network or provider:
	 * no server sits right behind the user's access router. */
	enum finding_segment seg = v->seg[v->last_answering];
	bool client_side = v->client_first && (seg == FINDING_SEG_LOCAL || seg == FINDING_SEG_ACCESS);
	/* A follow-up to the target settles it: an answer to any probe means
	 * the target is there and ignores only this kind. */
	if (diag_followup_has_target(v->fu))
		return diag_followup_reached(v->fu) ? filtered(v, out, true) : interrupted(v, out);
	if (last->n_resp > 0 || (silent == 1 && !tcp && !client_side))
		return filtered(v, out, last->n_resp > 0);
	return interrupted(v, out);
}

/* ---- R3 ---- */

/* The lower end of the loss rate a count supports: Wilson's score bound,
 * one-sided 95% (z = 1.645). 1 of 10 is 10% measured but may well be 0.5%. */
double diag_loss_lower_bound(unsigned long lost, unsigned long sent)
{
	if (sent == 0)
		return 0.0;
	double n = (double)sent, p = (double)lost / n, z2 = LOSS_Z * LOSS_Z;
	double centre = p + z2 / (2.0 * n);
	double half = LOSS_Z * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
	return fmax(0.0, (centre - half) / (1.0 + z2 / n));
}

static unsigned long lost_probes(const struct model_hop *h)
{
	return (unsigned long)lround(h->loss_pct * (double)h->snt / 100.0);
}

/* R3 with counts: warning or critical only when at least two probes were
 * lost and the bound reaches the warning line; then the measured loss
 * decides between them. */
static enum finding_severity loss_severity(const struct model_hop *dest)
{
	unsigned long lost = lost_probes(dest);
	if (lost < 2 || 100.0 * diag_loss_lower_bound(lost, dest->snt) < LOSS_WARNING_PCT)
		return FINDING_INFO;
	return dest->loss_pct >= LOSS_CRITICAL_PCT ? FINDING_CRITICAL : FINDING_WARNING;
}

/* The first index of the trailing run of answering hops whose loss is real:
 * walking back from the destination, each loses at least a quarter of what
 * the destination loses (2 of 2,639 before a 63% loss are not its start). */
static size_t persistent_start(const struct diag_view *v)
{
	size_t start = diag_n_hops(v);
	double dest = diag_hop_at(v, v->last_answering)->loss_pct;
	for (size_t i = v->last_answering + 1; i-- > 0;) {
		const struct model_hop *h = diag_hop_at(v, i);
		if (!diag_hop_answers(h))
			continue;
		if (h->loss_pct <= 0.0 || h->loss_pct < LOSS_RUN_SHARE * dest)
			break;
		start = i;
	}
	return start;
}

static void describe_loss(struct diag_draft *d, const struct diag_view *v, size_t start)
{
	char label[MODEL_NAME_MAX + 32];
	bool only_target = start == v->last_answering;
	diag_hop_label(diag_hop_at(v, start), label, sizeof(label));
	strbuf_appendf(&d->summary,
	               "About %.1f%% of packets are lost from %s on, all the way to the end of the "
	               "path: the problem starts %s.",
	               d->f.loss_pct, label, diag_find_segment_words(d->f.segment));
	strbuf_appendf(&d->evidence, "R3: loss persists to the destination:");
	for (size_t i = start; i <= v->last_answering; i++)
		if (diag_hop_answers(diag_hop_at(v, i))) {
			diag_find_add_hop(&d->f, diag_hop_at(v, i)->ttl);
			strbuf_appendf(&d->evidence, " hop %u %.1f%%,", diag_hop_at(v, i)->ttl,
			               diag_hop_at(v, i)->loss_pct);
		}
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	strbuf_appendf(&d->evidence,
	               " of %lu probes; the destination's %.1f%% (%lu lost) is the end-to-end loss "
	               "(R3: warning from 2%%, critical from 10%%, when at least 2 probes were "
	               "lost and the 95%% lower bound, %.1f%%, reaches 2%%). R9: hop %u is in "
	               "segment %s.",
	               dest->snt, d->f.loss_pct, lost_probes(dest),
	               100.0 * diag_loss_lower_bound(lost_probes(dest), dest->snt), d->f.hop,
	               finding_segment_name(d->f.segment));
	if (only_target) {
		strbuf_appendf(&d->summary,
		               " It may also be the server limiting its replies to probes.");
		strbuf_appendf(&d->evidence,
		               " Only the target loses: real loss on its last link or ICMP rate "
		               "limiting at the target; a slower probe rate (-i 2) or a TCP probe "
		               "separates them.");
	}
	strbuf_appendf(&d->advice,
	               "%s A trace measures round trips: run one from "
	               "the server back to you to see which direction loses.",
	               diag_find_segment_advice(d->f.segment));
}

static int persistent_loss(const struct diag_view *v, struct finding_list *out)
{
	size_t start = persistent_start(v);
	if (start >= diag_n_hops(v))
		return 0;
	struct diag_ecmp m; /* the loss is one ECMP member's, not the hop's */
	if (diag_ecmp_lossy_member(v, &m) && m.idx <= start)
		return diag_ecmp_finding(v, &m, out);
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	struct diag_draft d;
	diag_find_init(&d, v, FINDING_LOSS, loss_severity(dest), start);
	d.f.loss_pct = dest->loss_pct;
	describe_loss(&d, v, start);
	return diag_find_add(out, &d);
}

/* ---- R2 ---- */

static bool later_clean_hop(const struct diag_view *v, size_t i)
{
	for (size_t j = i + 1; j <= v->last_answering; j++)
		if (diag_hop_answers(diag_hop_at(v, j)) && diag_hop_at(v, j)->loss_pct <= 0.0)
			return true;
	return false;
}

static void describe_rate_limited(struct diag_draft *d, const struct diag_view *v, const void *ctx,
                                  size_t clean)
{
	(void)ctx;
	char label[MODEL_NAME_MAX + 32];
	strbuf_appendf(&d->summary,
	               "%s some probes but later hops lose none: %s probes at low priority "
	               "(ICMP rate limiting); this is not packet loss and needs no action.",
	               d->f.n_hops > 1 ? "Some routers drop" : "A router drops",
	               d->f.n_hops > 1 ? "they answer" : "it answers");
	strbuf_appendf(&d->evidence, "R2:");
	for (size_t i = 0; i < d->f.n_hops; i++)
		for (size_t j = 0; j < diag_n_hops(v); j++)
			if (diag_hop_at(v, j)->ttl == d->f.hops[i])
				strbuf_appendf(&d->evidence, " hop %u loses %.1f%%,", d->f.hops[i],
				               diag_hop_at(v, j)->loss_pct);
	strbuf_appendf(&d->evidence,
	               " but %s loses 0.0%%: the loss does not persist, so it is in the "
	               "routers' own replies, not in forwarding. R9: hop %u is in segment %s.",
	               diag_hop_label(diag_hop_at(v, clean), label, sizeof(label)), d->f.hop,
	               finding_segment_name(d->f.segment));
	if (diag_followup_rate_covers(v->fu, d->f.hops, d->f.n_hops))
		diag_followup_rate_text(v->fu, &d->evidence);
	strbuf_appendf(
	    &d->advice,
	    "Nothing to fix. To be sure, probe more slowly (-i 2) or with TCP (-T); judge the "
	    "path by the destination's loss (R1).");
}

static size_t first_clean_after(const struct diag_view *v, size_t i)
{
	for (size_t j = i + 1; j <= v->last_answering; j++)
		if (diag_hop_answers(diag_hop_at(v, j)) && diag_hop_at(v, j)->loss_pct <= 0.0)
			return j;
	return v->last_answering;
}

static bool rate_limited_starts(const struct diag_view *v, const void *ctx, size_t i)
{
	(void)ctx;
	const struct model_hop *h = diag_hop_at(v, i);
	return diag_hop_answers(h) && h->loss_pct > 0.0 && later_clean_hop(v, i);
}

static size_t rate_limited_end(const struct diag_view *v, const void *ctx, size_t i)
{
	(void)ctx;
	return first_clean_after(v, i);
}

static double hop_loss(const struct diag_view *v, const void *ctx, size_t i)
{
	(void)ctx;
	return diag_hop_at(v, i)->loss_pct;
}

/* R2: loss at hops that a later hop does not keep. */
static const struct diag_run_rule rate_limited = {
    .kind = FINDING_RATE_LIMITED_HOP,
    .starts = rate_limited_starts,
    .end = rate_limited_end,
    .figure = hop_loss,
    .describe = describe_rate_limited,
};

static int rate_limited_rules(const struct diag_view *v, struct finding_list *out)
{
	return diag_find_runs(v, &rate_limited, NULL, out);
}

/* A router that answers for every TTL after its own (it reports the
 * destination unreachable) while the target, known by address, never does:
 * where the repetition starts, or n_hops when the trace does not end so. */
static size_t unreachable_repeat(const struct diag_view *v)
{
	const struct model_trace *t = v->t;
	size_t last = v->last_answering, first = last;
	if (t->dst_addr.family == AF_UNSPEC || !v->target_answered || t->reached)
		return diag_n_hops(v);
	while (first > 0 && diag_hop_answers(diag_hop_at(v, first - 1)) &&
	       diag_hop_same_responder(diag_hop_at(v, first - 1), diag_hop_at(v, last)))
		first--;
	struct model_addr a;
	const struct model_hop *h = diag_hop_at(v, last);
	for (unsigned i = 0; i < h->n_resp && i < MODEL_MAX_RESPONDERS; i++)
		if (diag_hop_addr(&h->resp[i], &a) && model_addr_equal(&a, &t->dst_addr))
			return diag_n_hops(v);
	return first < last ? first : diag_n_hops(v);
}

static int repeated_router(const struct diag_view *v, size_t first, struct finding_list *out)
{
	struct diag_draft d;
	char label[MODEL_NAME_MAX + 32];
	diag_find_init(&d, v, FINDING_PATH_INTERRUPTED, FINDING_CRITICAL, first);
	for (size_t i = first; i <= v->last_answering; i++)
		diag_find_add_hop(&d.f, diag_hop_at(v, i)->ttl);
	diag_hop_label(diag_hop_at(v, first), label, sizeof(label));
	strbuf_appendf(&d.summary,
	               "The path ends at %s: that router reports that it cannot reach the "
	               "destination, %s.",
	               label, diag_find_segment_words(d.f.segment));
	strbuf_appendf(&d.evidence,
	               "R5: %s answers for hops %u to %u as well (the same router at every later "
	               "TTL: it reports the destination unreachable) and the target never answers. "
	               "R9: hop %u is in segment %s.",
	               label, d.f.hop, diag_hop_at(v, v->last_answering)->ttl, d.f.hop,
	               finding_segment_name(d.f.segment));
	strbuf_appendf(&d.advice,
	               "Contact the owner of hop %u: it has no route to the destination. %s",
	               d.f.hop, diag_find_segment_advice(d.f.segment));
	return diag_find_add(out, &d);
}

/* The last hop answers but is not the target the report names: the trace
 * stopped short (a report cut off, or the maximum TTL reached). */
static int stops_short(const struct diag_view *v, struct finding_list *out)
{
	struct diag_draft d;
	char last[MODEL_NAME_MAX + 32];
	const struct model_trace *t = v->t;
	diag_find_init(&d, v, FINDING_PATH_INTERRUPTED, FINDING_CRITICAL, v->last_answering);
	diag_find_add_hop(&d.f, d.f.hop);
	diag_hop_label(diag_hop_at(v, v->last_answering), last, sizeof(last));
	bool max_ttl = diag_hop_at(v, v->last_answering)->ttl >= MAX_TTL_DEFAULT;
	if (max_ttl)
		d.f.severity = FINDING_WARNING;
	strbuf_appendf(&d.summary, "The trace ends at %s without reaching %s: %s.", last, t->dst,
	               max_ttl ? "the path is longer than the trace's hop limit, or loops beyond it"
	                       : "the path breaks after that hop, or the report was cut short");
	strbuf_appendf(&d.evidence,
	               "R5: the report names the target %s, but its last hop, %s, is another "
	               "address; the target never answers. R9: hop %u is in segment %s.",
	               t->dst, last, d.f.hop, finding_segment_name(d.f.segment));
	strbuf_appendf(&d.advice, "%s Run the whole trace again (hopdoc -r -m 64 %s).",
	               max_ttl ? "Raise the hop limit." : "Check that the report is complete.",
	               t->dst);
	return diag_find_add(out, &d);
}

int diag_loss_rules(const struct diag_view *v, struct finding_list *out)
{
	if (diag_n_hops(v) == 0 || v->last_probed >= diag_n_hops(v))
		return 0;
	size_t repeat = unreachable_repeat(v);
	if (repeat < diag_n_hops(v))
		return repeated_router(v, repeat, out) == 0 ? rate_limited_rules(v, out) : -1;
	if (!v->target_answered && unreachable_rules(v, out) != 0)
		return -1;
	if (v->target_answered && !v->t->reached && v->t->dst_addr.family != AF_UNSPEC)
		return stops_short(v, out) == 0 ? rate_limited_rules(v, out) : -1;
	if (v->target_answered && persistent_loss(v, out) != 0)
		return -1;
	return rate_limited_rules(v, out);
}
