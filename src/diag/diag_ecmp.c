#include "diag/diag_ecmp.h"

#include <math.h>

#include "diag/diag_find.h"
#include "diag/diag_hop.h"

#define ECMP_Z 1.645           /* one-sided 95%, as R3 */
#define ECMP_WARNING_PCT DIAG_LOSS_WARNING_PCT
#define ECMP_CRITICAL_PCT 10.0 /* R3: critical from 10% */
#define ECMP_SIBLING_SHARE 0.25 /* siblings losing a quarter of the member's: not one member */
#define ECMP_DEST_SHARE 0.25    /* the destination keeps this share of the member's part */

static double pct(unsigned long lost, unsigned long sent)
{
	return sent ? 100.0 * (double)lost / (double)sent : 0.0;
}

/* Wilson's score bound, one-sided 95%, as R3's. */
static double lower_bound_pct(unsigned long lost, unsigned long sent)
{
	if (sent == 0)
		return 0.0;
	double n = (double)sent, p = (double)lost / n, z2 = ECMP_Z * ECMP_Z;
	double centre = p + z2 / (2.0 * n);
	double half = ECMP_Z * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
	return 100.0 * fmax(0.0, (centre - half) / (1.0 + z2 / n));
}

/* Whether every responder of h has figures of its own, enough of them. */
static bool members_measured(const struct model_hop *h)
{
	if (h->n_resp < 2)
		return false;
	for (unsigned i = 0; i < h->n_resp; i++)
		if (!h->resp[i].stats.has || h->resp[i].stats.snt < DIAG_ECMP_MIN_SNT)
			return false;
	return true;
}

static void pick_worst(const struct model_hop *h, struct diag_ecmp *m)
{
	m->resp = 0;
	for (unsigned i = 1; i < h->n_resp; i++)
		if (h->resp[i].stats.loss_pct > h->resp[m->resp].stats.loss_pct)
			m->resp = i;
	m->snt = h->resp[m->resp].stats.snt;
	m->drop = h->resp[m->resp].stats.drop;
	m->o_snt = m->o_drop = 0;
	for (unsigned i = 0; i < h->n_resp; i++)
		if (i != m->resp) {
			m->o_snt += h->resp[i].stats.snt;
			m->o_drop += h->resp[i].stats.drop;
		}
}

/* The member loses for sure (R3's bound), its siblings clearly less. */
static bool member_stands_out(const struct diag_ecmp *m)
{
	double own = pct(m->drop, m->snt), low = lower_bound_pct(m->drop, m->snt);
	double others = pct(m->o_drop, m->o_snt);
	return m->drop >= 2 && low >= ECMP_WARNING_PCT && others < ECMP_SIBLING_SHARE * own &&
	       low > others;
}

/* Its flows' loss reaches the destination: a member that only answers
 * fewer probes (its own ICMP limit) leaves the destination clean. */
static bool loss_goes_on(const struct diag_view *v, const struct diag_ecmp *m)
{
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	double share = (double)m->snt / (double)(m->snt + m->o_snt);
	long lost = lround(dest->loss_pct * (double)dest->snt / 100.0); /* imports lack Drop */
	return lost >= 2 && dest->loss_pct >= ECMP_DEST_SHARE * share * pct(m->drop, m->snt);
}

bool diag_ecmp_lossy_member(const struct diag_view *v, struct diag_ecmp *m)
{
	if (!v->target_answered || v->last_answering >= diag_n_hops(v))
		return false;
	for (size_t i = 0; i < v->last_answering; i++) {
		const struct model_hop *h = diag_hop_at(v, i);
		if (!members_measured(h))
			continue;
		pick_worst(h, m);
		m->idx = i;
		if (member_stands_out(m) && loss_goes_on(v, m))
			return true;
	}
	return false;
}

static enum finding_severity member_severity(const struct diag_ecmp *m)
{
	return pct(m->drop, m->snt) >= ECMP_CRITICAL_PCT ? FINDING_CRITICAL : FINDING_WARNING;
}

static void describe_members(struct diag_draft *d, const struct model_hop *h)
{
	for (unsigned i = 0; i < h->n_resp; i++) {
		const struct model_resp_stats *s = &h->resp[i].stats;
		strbuf_appendf(&d->evidence, " %s lost %lu of %lu (%.1f%%%s", h->resp[i].text,
		               s->drop, s->snt, s->loss_pct, s->flows ? ", flows:" : "");
		for (unsigned k = 0; k < 64; k++) /* none known when read from a text report */
			if (s->flows >> k & 1)
				strbuf_appendf(&d->evidence, " %u", k);
		strbuf_appendf(&d->evidence, ")%s", i + 1 < h->n_resp ? ";" : ".");
	}
}

static void describe(struct diag_draft *d, const struct diag_view *v, const struct diag_ecmp *m)
{
	const struct model_hop *h = diag_hop_at(v, m->idx);
	const struct model_hop *dest = diag_hop_at(v, v->last_answering);
	const char *addr = h->resp[m->resp].text;
	strbuf_appendf(&d->summary,
	               "About %.1f%% of packets through %s, one of %u parallel routers at hop %u "
	               "(load-balanced, ECMP), are lost from there on; the other%s lose%s %.1f%%. "
	               "The problem is that router or its links, %s.",
	               d->f.loss_pct, addr, h->n_resp, h->ttl, h->n_resp > 2 ? "s" : "",
	               h->n_resp > 2 ? "" : "s", pct(m->o_drop, m->o_snt),
	               diag_find_segment_words(d->f.segment));
	strbuf_appendf(&d->evidence, "R3 (ECMP member): hop %u has %u responders, each with the "
	               "flows that reach it:", h->ttl, h->n_resp);
	describe_members(d, h);
	strbuf_appendf(&d->evidence,
	               " As one row (as mtr shows it) the hop loses %.1f%% of %lu. The loss goes on "
	               "to the destination (%.1f%% of %lu), about %s's share of the flows times its "
	               "loss. R9: hop %u is in segment %s.",
	               h->loss_pct, h->snt, dest->loss_pct, dest->snt, addr, h->ttl,
	               finding_segment_name(d->f.segment));
	strbuf_appendf(&d->advice,
	               "%s Name %s (hop %u) as the lossy member of the load-balanced pair; "
	               "connections whose flow hashes onto the other member are not affected.",
	               diag_find_segment_advice(d->f.segment), addr, h->ttl);
}

int diag_ecmp_finding(const struct diag_view *v, const struct diag_ecmp *m,
                      struct finding_list *out)
{
	struct diag_draft d;
	diag_find_init(&d, v, FINDING_LOSS, member_severity(m), m->idx);
	d.f.loss_pct = pct(m->drop, m->snt);
	for (size_t i = m->idx; i <= v->last_answering; i++)
		if (diag_hop_answers(diag_hop_at(v, i)))
			diag_find_add_hop(&d.f, diag_hop_at(v, i)->ttl);
	describe(&d, v, m);
	return diag_find_add(out, &d);
}
