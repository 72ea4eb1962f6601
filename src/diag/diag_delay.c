#include "diag/diag_delay.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag/diag_find.h"
#include "diag/diag_hop.h"
#include "diag/diag_tunnel.h"

#define STEP_MIN_MS 25.0   /* per hop: normal growth is a few ms a hop */
#define STEP_REL 0.25      /* and a quarter of what was there before */
#define DEPRIO_MIN_MS 15.0 /* a reply this much above what later hops keep */
#define DEPRIO_REL 0.25
#define STEADY_MIN_MS 5.0 /* StDev that still counts as steady */
#define STEADY_REL 0.10
#define STEADY_ADD_MS 1.5  /* spread a long link may add: distance adds delay, not variation */
#define STEADY_ADD_REL 0.05
#define BEST_FOLLOWS 0.8   /* Best rises with Avg: the whole distribution moved */
#define WHOLE_MS_ROUNDING 1.0 /* Avg - Best of whole-ms figures is off by up to 1 ms */
#define JITTER_MIN_REPLIES 10 /* a spread from fewer replies says nothing */
#define JITTER_STUTTER_MS 10.0 /* what a call's jitter buffer no longer hides */
#define LATENCY_CRITICAL_MS 100.0
#define JITTER_MIN_MS 2.0
#define JITTER_REL 0.10 /* seed 003: 25 ms is large at 30 ms, small at 325 ms */
#define JITTER_CRITICAL_REL 0.50
#define JITTER_CRITICAL_MS 20.0

struct delay_scan {
	double rounding; /* WHOLE_MS_ROUNDING for a report in whole ms without StDev */
	double floor[MODEL_MAX_HOPS]; /* the lowest Avg from this hop on: what persists */
	bool deprio[MODEL_MAX_HOPS];
	bool step[MODEL_MAX_HOPS];
	double step_ms[MODEL_MAX_HOPS];
	double base_ms[MODEL_MAX_HOPS]; /* the persistent latency before the step */
	struct diag_tunnels tunnels;    /* MPLS: hops that answer with a far end's time */
};

static bool timed(const struct diag_view *v, size_t i)
{
	return i < diag_n_hops(v) && diag_hop_answers(diag_hop_at(v, i));
}

static bool has_stdev(const struct model_hop *h)
{
	return (h->has & MODEL_HAS_STDEV) || h->stdev > 0.0;
}

/* StDev; without it (WinMTR) Avg - Best less the figures' rounding, and
 * nothing when Best is 0 (WinMTR's "no sample" on a lossy hop). */
static double spread(const struct delay_scan *s, const struct model_hop *h)
{
	if (has_stdev(h))
		return h->stdev;
	if (h->best <= 0.0)
		return 0.0;
	return fmax(0.0, h->avg - h->best - s->rounding);
}

/* A report printed in whole milliseconds without StDev (WinMTR). */
static bool whole_ms(const struct diag_view *v)
{
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		const struct model_hop *h = diag_hop_at(v, i);
		if (!timed(v, i))
			continue;
		if (has_stdev(h) || h->avg != floor(h->avg) || h->best != floor(h->best) ||
		    h->wrst != floor(h->wrst))
			return false;
	}
	return true;
}

static void scan_floor(const struct diag_view *v, struct delay_scan *s)
{
	double floor = INFINITY;
	for (size_t i = diag_n_hops(v); i-- > 0;)
		if (timed(v, i)) {
			floor = fmin(floor, diag_hop_at(v, i)->avg);
			s->floor[i] = floor;
			double excess = diag_hop_at(v, i)->avg - floor;
			/* a tunnel's hops answer with its far end's time, not slowly */
			s->deprio[i] = excess >= fmax(DEPRIO_MIN_MS, DEPRIO_REL * floor) &&
			               !diag_tunnel_at(&s->tunnels, i);
		}
}

static void scan_steps(const struct diag_view *v, struct delay_scan *s)
{
	double prev_floor = 0.0, prev_best = 0.0;
	unsigned prev_ttl = 0;
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		if (!timed(v, i) || s->deprio[i])
			continue;
		const struct model_hop *h = diag_hop_at(v, i);
		double step = s->floor[i] - prev_floor;
		unsigned spanned = h->ttl > prev_ttl ? h->ttl - prev_ttl : 1;
		bool best_moved = h->best <= 0.0 || h->best - prev_best >= STEP_MIN_MS / 2;
		if (step / spanned >= STEP_MIN_MS && step >= STEP_REL * prev_floor && best_moved) {
			s->step[i] = true;
			s->step_ms[i] = step;
			s->base_ms[i] = prev_floor;
		}
		prev_floor = s->floor[i];
		prev_best = h->best;
		prev_ttl = h->ttl;
	}
}

/* The trusted hop after i (the next hop that is timed and not slow). */
static size_t next_trusted(const struct diag_view *v, const struct delay_scan *s, size_t i)
{
	for (size_t j = i + 1; j < diag_n_hops(v); j++)
		if (timed(v, j) && !s->deprio[j])
			return j;
	return diag_n_hops(v);
}

static size_t prev_trusted(const struct diag_view *v, const struct delay_scan *s, size_t i)
{
	for (size_t j = i; j-- > 0;)
		if (timed(v, j) && !s->deprio[j])
			return j;
	return diag_n_hops(v);
}

/* R7: a step that adds delay but little variation, with Best rising with
 * Avg: the whole distribution moved, as distance moves it; congestion
 * spreads it. */
static bool steady_step(const struct diag_view *v, const struct delay_scan *s, size_t i)
{
	const struct model_hop *h = diag_hop_at(v, i);
	size_t p = prev_trusted(v, s, i);
	if (p >= diag_n_hops(v))
		return false;
	const struct model_hop *b = diag_hop_at(v, p);
	double sustained = (h->avg - h->best) - (b->avg - b->best);
	double added = has_stdev(h) ? fmax(spread(s, h) - spread(s, b), sustained) : sustained;
	bool low = spread(s, h) <= fmax(STEADY_MIN_MS, STEADY_REL * h->avg);
	bool calm = added <= fmax(STEADY_ADD_MS, STEADY_ADD_REL * s->step_ms[i]) + s->rounding;
	bool best_moved = h->best - b->best >= BEST_FOLLOWS * s->step_ms[i];
	return low && calm && best_moved;
}

/* R7's "both sides in one city": host names with one place word. */
static bool one_city(const struct diag_view *v, const struct delay_scan *s, size_t i)
{
	size_t p = prev_trusted(v, s, i);
	return p < diag_n_hops(v) && diag_hop_same_place(diag_hop_at(v, p), diag_hop_at(v, i));
}

/* R7: steady steps (one hop or several in a row) beyond the client's own
 * network and provider, not into the target, are a long-distance link at
 * any size: New York to London adds 63 ms. */
static bool long_link(const struct diag_view *v, const struct delay_scan *s, size_t first,
                      size_t last)
{
	if (v->target_answered && last == v->last_answering)
		return false; /* the target's own link is no ocean crossing */
	for (size_t i = first; i <= last && i < diag_n_hops(v); i++) {
		if (!s->step[i])
			continue;
		if (v->seg[i] == FINDING_SEG_LOCAL || v->seg[i] == FINDING_SEG_ACCESS ||
		    !steady_step(v, s, i) || one_city(v, s, i))
			return false;
	}
	return true;
}

static void note_long_link(struct diag_view *v, const struct delay_scan *s, size_t first,
                           size_t last)
{
	char label[MODEL_NAME_MAX + 32];
	strbuf_appendf(&v->notes, " R7: the steady %.1f ms step at %s",
	               s->floor[last] - s->base_ms[first],
	               diag_hop_label(diag_hop_at(v, first), label, sizeof(label)));
	if (last > first)
		strbuf_appendf(&v->notes, " (in steps up to hop %u)", diag_hop_at(v, last)->ttl);
	strbuf_appendf(&v->notes,
	               " persists to the destination with little added spread and Best rising "
	               "with Avg: a long-distance link, not a fault.");
}

static bool all_steady(const struct diag_view *v, const struct delay_scan *s, size_t first,
                       size_t last)
{
	for (size_t i = first; i <= last && i < diag_n_hops(v); i++)
		if (s->step[i] && !steady_step(v, s, i))
			return false;
	return true;
}

/* A step into an MPLS tunnel: its first hop shows the far end's time, so
 * the delay lies anywhere from the hop before the tunnel to its far end. */
static void describe_tunnel_step(struct diag_draft *d, const struct diag_view *v,
                                 const struct diag_tunnel *tn)
{
	unsigned a = diag_hop_at(v, tn->first)->ttl, b = diag_hop_at(v, tn->last)->ttl;
	for (size_t i = tn->first; i <= tn->last; i++) {
		bool named = false;
		for (size_t k = 0; k < d->f.n_hops; k++)
			named = named || d->f.hops[k] == diag_hop_at(v, i)->ttl;
		if (!named)
			diag_find_add_hop(&d->f, diag_hop_at(v, i)->ttl);
	}
	strbuf_appendf(&d->summary,
	               " Hops %u to %u are an MPLS tunnel: they answer through its far end, so "
	               "the delay lies somewhere between hop %u and the tunnel's end, not at "
	               "hop %u.",
	               a, b, a > 1 ? a - 1 : a, a);
	strbuf_appendf(&d->evidence,
	               " R7 (MPLS): hops %u-%u carried labels and answer within %.1f ms of each "
	               "other (about %.1f ms, the far end's time).",
	               a, b, fmax(DIAG_TUNNEL_SAME_MS, DIAG_TUNNEL_SAME_REL * tn->far_ms), tn->far_ms);
}

static void describe_latency(struct diag_draft *d, const struct diag_view *v,
                             const struct delay_scan *s, size_t first, size_t last)
{
	char label[MODEL_NAME_MAX + 32];
	diag_hop_label(diag_hop_at(v, first), label, sizeof(label));
	bool steady = all_steady(v, s, first, last);
	strbuf_appendf(&d->summary,
	               "Delay rises by about %.0f ms at %s and stays high all the way to the "
	               "destination: %s %s.",
	               d->f.latency_ms, label,
	               steady ? "a slow or long link (the delay is steady, so not congestion)"
	                      : "congestion or an overloaded link (the delay varies)",
	               diag_find_segment_words(d->f.segment));
	strbuf_appendf(&d->evidence, "R7: Avg before the step %.1f ms;", s->base_ms[first]);
	for (size_t i = first; i <= last && i < diag_n_hops(v); i++)
		if (s->step[i]) {
			const struct model_hop *h = diag_hop_at(v, i);
			diag_find_add_hop(&d->f, h->ttl);
			strbuf_appendf(&d->evidence, " +%.1f ms at hop %u (Avg %.1f, Best %.1f", s->step_ms[i],
			               h->ttl, h->avg, h->best);
			if (has_stdev(h))
				strbuf_appendf(&d->evidence, ", StDev %.1f", h->stdev);
			strbuf_appendf(&d->evidence, ");");
		}
	strbuf_appendf(&d->evidence,
	               " every later hop keeps it (destination Avg %.1f ms). R9: hop %u is in "
	               "segment %s.",
	               diag_hop_at(v, v->last_answering)->avg, d->f.hop,
	               finding_segment_name(d->f.segment));
	const struct diag_tunnel *tn = diag_tunnel_at(&s->tunnels, first);
	if (tn)
		describe_tunnel_step(d, v, tn);
	strbuf_appendf(&d->advice,
	               "%s A trace measures round trips: a trace from the server back to you shows "
	               "whether the delay is on the way there or back.",
	               diag_find_segment_advice(d->f.segment));
}

static int latency_steps(struct diag_view *v, const struct delay_scan *s, struct finding_list *out)
{
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		if (!s->step[i])
			continue;
		size_t last = i;
		while (next_trusted(v, s, last) < diag_n_hops(v) &&
		       s->step[next_trusted(v, s, last)])
			last = next_trusted(v, s, last);
		if (long_link(v, s, i, last)) {
			note_long_link(v, s, i, last);
			i = last;
			continue;
		}
		double total = s->floor[last] - s->base_ms[i];
		struct diag_draft d;
		diag_find_init(&d, v, FINDING_LATENCY,
		               total >= LATENCY_CRITICAL_MS ? FINDING_CRITICAL : FINDING_WARNING,
		               i);
		d.f.latency_ms = total;
		describe_latency(&d, v, s, i, last);
		if (diag_find_add(out, &d) != 0)
			return -1;
		i = last;
	}
	return 0;
}

static void describe_deprio(struct diag_draft *d, const struct diag_view *v, const void *ctx,
                            size_t end)
{
	(void)end;
	const struct delay_scan *s = ctx;
	strbuf_appendf(
	    &d->summary,
	    "%s slowly (up to %.0f ms more) but later hops do not keep the delay: the "
	    "router%s answer%s probes at low priority; this is not a delay of your traffic.",
	    d->f.n_hops > 1 ? "Some routers answer" : "A router answers", d->f.latency_ms,
	    d->f.n_hops > 1 ? "s" : "", d->f.n_hops > 1 ? "" : "s");
	strbuf_appendf(&d->evidence, "R7: the jump does not persist:");
	for (size_t k = 0; k < d->f.n_hops; k++)
		for (size_t i = 0; i < diag_n_hops(v); i++)
			if (diag_hop_at(v, i)->ttl == d->f.hops[k] && timed(v, i))
				strbuf_appendf(
				    &d->evidence,
				    " hop %u Avg %.1f ms where later hops keep only %.1f ms;",
				    d->f.hops[k], diag_hop_at(v, i)->avg, s->floor[i]);
	strbuf_appendf(&d->evidence, " R9: hop %u is in segment %s.", d->f.hop,
	               finding_segment_name(d->f.segment));
	strbuf_appendf(&d->advice,
	               "Nothing to fix: judge latency by the destination's figures (R1, R7).");
}

static bool deprio_starts(const struct diag_view *v, const void *ctx, size_t i)
{
	const struct delay_scan *s = ctx;
	return timed(v, i) && s->deprio[i];
}

static size_t deprio_end(const struct diag_view *v, const void *ctx, size_t i)
{
	const struct delay_scan *s = ctx;
	size_t j = i;
	while (j < diag_n_hops(v) && (!timed(v, j) || s->deprio[j]))
		j++;
	return j;
}

static double deprio_excess(const struct diag_view *v, const void *ctx, size_t i)
{
	const struct delay_scan *s = ctx;
	return diag_hop_at(v, i)->avg - s->floor[i];
}

/* R7: hops slow to answer whose delay later hops do not keep. */
static const struct diag_run_rule deprioritized = {
    .kind = FINDING_DEPRIORITIZED_HOP,
    .figure_is_latency = true,
    .starts = deprio_starts,
    .end = deprio_end,
    .figure = deprio_excess,
    .describe = describe_deprio,
};

/* R8: a spread that is large for the hop's Avg and sustained: Avg well above
 * Best, which one spike in many probes does not do. */
static bool jittery(const struct delay_scan *s, const struct model_hop *h)
{
	double sd = spread(s, h);
	bool sustained = !has_stdev(h) || h->avg - h->best >= 0.5 * h->stdev;
	return sd >= JITTER_MIN_MS && sd >= JITTER_REL * h->avg && sustained;
}

/* "Will stutter" only for what a call's jitter buffer no longer hides. */
static void jitter_summary(struct diag_draft *d, double ms, const char *label)
{
	if (d->f.severity >= FINDING_WARNING && ms >= JITTER_STUTTER_MS)
		strbuf_appendf(&d->summary,
		               "Delay varies strongly from %s on, all the way to the destination "
		               "(jitter): calls, games and video will stutter; the cause is %s.",
		               label, diag_find_segment_words(d->f.segment));
	else
		strbuf_appendf(&d->summary,
		               "Delay varies by about %.1f ms from %s on, all the way to the "
		               "destination (jitter): noticeable for the path, but less than what a "
		               "call's jitter buffer absorbs; the cause is %s.",
		               ms, label, diag_find_segment_words(d->f.segment));
}

static void describe_jitter(struct diag_draft *d, const struct diag_view *v,
                            const struct delay_scan *s, size_t start)
{
	char label[MODEL_NAME_MAX + 32];
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	diag_hop_label(diag_hop_at(v, start), label, sizeof(label));
	jitter_summary(d, spread(s, dest), label);
	strbuf_appendf(&d->evidence, "R8: spread persists:");
	for (size_t i = start; i <= v->last_answering; i++)
		if (timed(v, i)) {
			const struct model_hop *h = diag_hop_at(v, i);
			diag_find_add_hop(&d->f, h->ttl);
			if (has_stdev(h))
				strbuf_appendf(&d->evidence, " hop %u StDev %.1f", h->ttl, h->stdev);
			else
				strbuf_appendf(&d->evidence, " hop %u Avg - Best %.1f", h->ttl,
				               h->avg - h->best);
			strbuf_appendf(&d->evidence, " / Avg %.1f ms (Best %.1f, Wrst %.1f);", h->avg,
			               h->best, h->wrst);
		}
	strbuf_appendf(&d->evidence,
	               " at the destination the spread is %.0f%% of Avg%s. R9: hop %u is in "
	               "segment %s.",
	               100.0 * spread(s, dest) / fmax(dest->avg, 1e-9),
	               s->rounding > 0.0 ? " (whole-ms figures: 1 ms of it is rounding)" : "",
	               d->f.hop, finding_segment_name(d->f.segment));
	strbuf_appendf(&d->advice, "%s", diag_find_segment_advice(d->f.segment));
}

static unsigned long replies(const struct model_hop *h)
{
	if (h->has & MODEL_HAS_RECV)
		return h->recv;
	return (unsigned long)lround((double)h->snt * (100.0 - h->loss_pct) / 100.0);
}

static int jitter(const struct diag_view *v, const struct delay_scan *s, struct finding_list *out)
{
	size_t start = diag_n_hops(v);
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	if (replies(dest) < JITTER_MIN_REPLIES)
		return 0; /* R8 needs about ten samples */
	for (size_t i = v->last_answering + 1; i-- > 0;) {
		if (!timed(v, i))
			continue;
		if (!jittery(s, diag_hop_at(v, i)))
			break;
		start = i;
	}
	if (start >= diag_n_hops(v))
		return 0;
	bool bad = spread(s, dest) >= JITTER_CRITICAL_REL * dest->avg &&
	           spread(s, dest) >= JITTER_CRITICAL_MS;
	bool only_target = start == v->last_answering;
	enum finding_severity sev = bad ? FINDING_CRITICAL : FINDING_WARNING;
	struct diag_draft d;
	diag_find_init(&d, v, FINDING_JITTER, only_target ? FINDING_INFO : sev, start);
	d.f.latency_ms = spread(s, dest);
	describe_jitter(&d, v, s, start);
	if (only_target)
		strbuf_appendf(&d.evidence,
		               " Only the target varies: its last link, or the target answering "
		               "probes irregularly itself; a TCP probe (-T) or a trace from the "
		               "other end separates them.");
	return diag_find_add(out, &d);
}

/* A listing whose delays fall along the path is not a trace as measured
 * (guides print the outbound listing upside down as the "return route"):
 * every hop but the last would look slow to answer, which says nothing. */
static bool falls_along_path(const struct diag_view *v, size_t *first)
{
	size_t pairs = 0, falls = 0, prev = diag_n_hops(v);
	double lowest = INFINITY;
	*first = diag_n_hops(v);
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		if (!timed(v, i))
			continue;
		lowest = fmin(lowest, diag_hop_at(v, i)->avg);
		if (prev < diag_n_hops(v)) {
			pairs++;
			falls += diag_hop_at(v, i)->avg < diag_hop_at(v, prev)->avg;
		} else {
			*first = i;
		}
		prev = i;
	}
	if (pairs < 3 || 3 * falls < 2 * pairs)
		return false;
	return diag_hop_at(v, *first)->avg - lowest >= STEP_MIN_MS;
}

/* For `healthy`: the equal times of a tunnel's hops are no fault. */
static void note_tunnels(struct diag_view *v, const struct delay_scan *s)
{
	for (size_t k = 0; k < s->tunnels.n; k++) {
		const struct diag_tunnel *tn = &s->tunnels.items[k];
		strbuf_appendf(&v->notes,
		               " R7: hops %u to %u are an MPLS tunnel and answer with its far end's "
		               "time (about %.1f ms): not delays of their own.",
		               diag_hop_at(v, tn->first)->ttl, diag_hop_at(v, tn->last)->ttl,
		               tn->far_ms);
	}
}

int diag_delay_rules(struct diag_view *v, struct finding_list *out)
{
	if (v->last_answering >= diag_n_hops(v))
		return 0;
	size_t first;
	bool falls = falls_along_path(v, &first);
	if (falls)
		strbuf_appendf(&v->notes,
		               " R7: the %s listing's delays fall along the path (%.1f ms at its "
		               "first hop, then mostly lower), so it is not a trace as measured "
		               "from its start (printed upside down?); its slow-answering hops "
		               "are not reported.",
		               finding_direction_name(v->dir), diag_hop_at(v, first)->avg);
	struct delay_scan s;
	memset(&s, 0, sizeof(s));
	s.rounding = whole_ms(v) ? WHOLE_MS_ROUNDING : 0.0;
	diag_tunnel_scan(v, &s.tunnels);
	note_tunnels(v, &s);
	scan_floor(v, &s);
	scan_steps(v, &s);
	if (latency_steps(v, &s, out) != 0 ||
	    (!falls && diag_find_runs(v, &deprioritized, &s, out) != 0))
		return -1;
	return jitter(v, &s, out);
}
