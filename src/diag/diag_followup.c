/* diag_followup: see diag_followup.h. diag_trace_followup and the plan,
 * the public side of the same data, are diag.c's (they run the rules). */
#include "diag/diag_followup.h"

#include <math.h>
#include <stdio.h>


#define RATE_Z 2.326 /* one-sided 99%: a steady 15% loss must not pass for a limit */

bool diag_followup_has_target(const struct diag_followup *fu)
{
	return fu && fu->n_target > 0;
}

bool diag_followup_reached(const struct diag_followup *fu)
{
	for (size_t i = 0; fu && i < fu->n_target && i < DIAG_FOLLOWUP_TRIES; i++)
		if (fu->target[i].answered > 0)
			return true;
	return false;
}

static const char *proto_word(enum model_proto p)
{
	return p == MODEL_PROTO_TCP ? "TCP" : p == MODEL_PROTO_UDP ? "UDP" : "ICMP";
}

static void try_text(const struct diag_followup_try *t, struct strbuf *sb)
{
	if (t->port)
		strbuf_appendf(sb, "%s %u ", proto_word(t->proto), t->port);
	else
		strbuf_appendf(sb, "%s ", proto_word(t->proto));
	if (t->answered > 0 && !isnan(t->best_ms))
		strbuf_appendf(sb, "answered in %.1f ms (%u of %u)", t->best_ms, t->answered, t->sent);
	else if (t->answered > 0)
		strbuf_appendf(sb, "answered (%u of %u)", t->answered, t->sent);
	else
		strbuf_appendf(sb, "no answer from the target (0 of %u)", t->sent);
}

void diag_followup_target_text(const struct diag_followup *fu, struct strbuf *sb)
{
	unsigned total = 0;
	strbuf_appendf(sb, " follow-up: ");
	for (size_t i = 0; i < fu->n_target && i < DIAG_FOLLOWUP_TRIES; i++) {
		strbuf_appendf(sb, "%s", i ? "; " : "");
		try_text(&fu->target[i], sb);
		total += fu->target[i].sent;
	}
	strbuf_appendf(sb, "; %u probes. %s", total,
	               diag_followup_reached(fu)
	                   ? "The target answers other probes: it filters only these (R4)."
	                   : "The target answers none of them: the path stops after the last "
	                     "answering hop (R5).");
}

static double share(unsigned part, unsigned whole)
{
	return whole ? (double)part / (double)whole : 0.0;
}

bool diag_followup_rate_moves(const struct diag_followup_rate *r)
{
	if (r->ttl == 0 || r->sent[0] == 0 || r->sent[1] == 0)
		return false;
	double slow = share(r->lost[0], r->sent[0]), fast = share(r->lost[1], r->sent[1]);
	if (100.0 * (fast - slow) < DIAG_FOLLOWUP_RATE_GAP)
		return false;
	double n0 = r->sent[0], n1 = r->sent[1];
	double pooled = share(r->lost[0] + r->lost[1], r->sent[0] + r->sent[1]);
	double se = sqrt(pooled * (1.0 - pooled) * (1.0 / n0 + 1.0 / n1));
	return se > 0.0 && (fast - slow) / se >= RATE_Z;
}

bool diag_followup_rate_covers(const struct diag_followup *fu, const unsigned *hops, size_t n)
{
	for (size_t i = 0; fu && fu->rate.ttl && i < n; i++)
		if (hops[i] == fu->rate.ttl)
			return true;
	return false;
}

static void rate_part(const struct diag_followup_rate *r, int k, struct strbuf *sb)
{
	strbuf_appendf(sb, "at one probe per %.2f s lost %u of %u (%.0f%%)", r->interval_s[k],
	               r->lost[k], r->sent[k], 100.0 * share(r->lost[k], r->sent[k]));
}

void diag_followup_rate_text(const struct diag_followup *fu, struct strbuf *sb)
{
	const struct diag_followup_rate *r = &fu->rate;
	strbuf_appendf(sb, " follow-up: hop %u ", r->ttl);
	rate_part(r, 0, sb);
	strbuf_appendf(sb, ", ");
	rate_part(r, 1, sb);
	strbuf_appendf(sb, "; %u probes. %s", r->sent[0] + r->sent[1],
	               diag_followup_rate_moves(r)
	                   ? "The loss moves with the rate: rate limiting confirmed (R2)."
	                   : "The loss does not move with the rate: not rate limiting; the "
	                     "router drops a steady share of the probes meant for it, and "
	                     "later hops show that forwarding is not affected (R2).");
}
