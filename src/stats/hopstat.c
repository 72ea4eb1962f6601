#include "stats/hopstat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Below this an RTT is treated as this, so the geometric mean's logarithm
 * stays finite (a 0 ms reply happens on loopback with coarse clocks). */
#define HOPSTAT_MIN_LOG_RTT_MS 1e-6

struct hopstat {
	unsigned long snt, recv, drop, late;
	double last, best, wrst;
	double mean, m2;     /* Welford: running mean and sum of squared deviations */
	double sum_log;      /* for the geometric mean */
	double jttr, jmax;   /* |rtt - previous rtt|, and its largest value */
	double javg;         /* running mean of jttr over every reply */
	double jint;         /* RFC 1889 A.8 estimator, kept 16 times scaled as mtr shows it */
	unsigned long bucket[MODEL_RTT_BUCKETS]; /* the histogram exporters show */
	double sum;                              /* of every in-time RTT, ms */
};

struct hopstat *hopstat_new(void)
{
	return calloc(1, sizeof(struct hopstat));
}

void hopstat_free(struct hopstat *s)
{
	free(s);
}

void hopstat_sent(struct hopstat *s)
{
	s->snt++;
}

unsigned long hopstat_in_flight(const struct hopstat *s)
{
	unsigned long done = s->recv + s->drop + s->late;
	return done < s->snt ? s->snt - done : 0;
}

static void update_jitter(struct hopstat *s, double rtt_ms)
{
	/* mtr's definitions: the first reply has no jitter; later ones compare
	 * with the previous reply whatever was lost in between. */
	s->jttr = s->recv == 1 ? 0.0 : fabs(rtt_ms - s->last);
	if (s->jttr > s->jmax)
		s->jmax = s->jttr;
	s->javg += (s->jttr - s->javg) / (double)s->recv;
	s->jint += s->jttr - s->jint / 16.0;
}

static void update_rtt(struct hopstat *s, double rtt_ms)
{
	if (s->recv == 1 || rtt_ms < s->best)
		s->best = rtt_ms;
	if (s->recv == 1 || rtt_ms > s->wrst)
		s->wrst = rtt_ms;
	double delta = rtt_ms - s->mean;
	s->mean += delta / (double)s->recv;
	s->m2 += delta * (rtt_ms - s->mean);
	s->sum_log += log(rtt_ms > HOPSTAT_MIN_LOG_RTT_MS ? rtt_ms : HOPSTAT_MIN_LOG_RTT_MS);
}

void hopstat_reply(struct hopstat *s, double rtt_ms)
{
	if (!isfinite(rtt_ms) || rtt_ms < 0)
		return;
	s->recv++;
	update_jitter(s, rtt_ms);
	update_rtt(s, rtt_ms);
	s->last = rtt_ms;
	unsigned b = model_rtt_bucket_of(rtt_ms);
	if (b < MODEL_RTT_BUCKETS)
		s->bucket[b]++;
	s->sum += rtt_ms;
}

void hopstat_timeout(struct hopstat *s)
{
	s->drop++;
}

void hopstat_late(struct hopstat *s)
{
	if (s->drop == 0)
		return; /* no timed-out probe to account it to */
	s->drop--;
	s->late++;
}

static double loss_pct(const struct hopstat *s)
{
	unsigned long done = s->snt - hopstat_in_flight(s);
	return done ? 100.0 * (double)s->drop / (double)done : 0.0;
}

static void fill_rtt(const struct hopstat *s, struct model_hop *h)
{
	h->last = s->last;
	h->best = s->best;
	h->wrst = s->wrst;
	h->avg = s->mean;
	h->stdev = s->recv > 1 ? sqrt(s->m2 / (double)(s->recv - 1)) : 0.0;
	h->gmean = s->recv ? exp(s->sum_log / (double)s->recv) : 0.0;
	h->jttr = s->jttr;
	h->javg = s->javg;
	h->jmax = s->jmax;
	h->jint = s->jint;
	memcpy(h->rtt_bucket, s->bucket, sizeof(h->rtt_bucket));
	h->rtt_sum = s->sum;
}

void hopstat_fill(const struct hopstat *s, struct model_hop *h)
{
	h->snt = s->snt;
	h->recv = s->recv;
	h->drop = s->drop;
	h->late = s->late;
	h->loss_pct = loss_pct(s);
	fill_rtt(s, h);
	h->has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_STDEV | MODEL_HAS_GMEAN |
		 MODEL_HAS_JITTER | MODEL_HAS_DROP | MODEL_HAS_BUCKETS;
}
