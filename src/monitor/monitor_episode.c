/* monitor_episode: loss, latency and route episodes (monitor_episode.h). */
#include "monitor/monitor_episode.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/diag.h"

#define LATENCY_MIN_RISE_MS 10.0
#define LATENCY_MIN_RISE_FRAC 0.5

struct ep_list {
	struct monitor_episode *e;
	size_t n, cap;
	bool oom;
};

static struct monitor_episode *ep_add(struct ep_list *l, enum monitor_episode_kind kind,
                                      const struct monitor_round *r, size_t first, size_t last)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct monitor_episode *e = realloc(l->e, cap * sizeof(*e));
		if (!e) {
			l->oom = true;
			return NULL;
		}
		l->e = e;
		l->cap = cap;
	}
	struct monitor_episode *e = &l->e[l->n++];
	*e = (struct monitor_episode){ .kind = kind, .first = first, .last = last,
		                       .start_ms = r[first].t_ms, .end_ms = r[last].t_ms };
	finding_list_init(&e->diagnosis);
	return e;
}

/* ---- small statistics ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n), sorted in place; NAN when n is 0. */
static double median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double target_rtt(const struct monitor_round *r)
{
	return r->reached ? r->hop[r->path_len].rtt_ms : NAN;
}

/* ---- spans of bad rounds ---------------------------------------------------------- */

typedef void (*span_fn)(void *ctx, size_t first, size_t last);

/* Runs of bad rounds, joined across fewer than MONITOR_EP_QUIET good ones;
 * a run of fewer than MONITOR_EP_MIN_ROUNDS bad rounds is no episode. */
static void spans(const bool *bad, size_t n, span_fn fn, void *ctx)
{
	size_t first = 0, last = 0, count = 0;
	for (size_t i = 0; i < n; i++) {
		if (count && !bad[i] && i - last >= MONITOR_EP_QUIET) {
			if (count >= MONITOR_EP_MIN_ROUNDS)
				fn(ctx, first, last);
			count = 0;
		}
		if (!bad[i])
			continue;
		if (count++ == 0)
			first = i;
		last = i;
	}
	if (count >= MONITOR_EP_MIN_ROUNDS)
		fn(ctx, first, last);
}

struct span_ctx {
	const struct monitor_round *r;
	size_t n;
	struct ep_list *out;
	enum monitor_episode_kind kind;
	const bool *bad;
};

/* ---- loss ----------------------------------------------------------------------------- */

/* The path length of the nearest answered round before first (else after last). */
static unsigned normal_len(const struct monitor_round *r, size_t n, size_t first, size_t last)
{
	for (size_t i = first; i-- > 0;)
		if (r[i].reached)
			return r[i].path_len;
	for (size_t i = last + 1; i < n; i++)
		if (r[i].reached)
			return r[i].path_len;
	return r[first].path_len;
}

static double hop_loss(const struct monitor_round *r, size_t first, size_t last, unsigned ttl)
{
	unsigned sent = 0, recv = 0;
	for (size_t i = first; i <= last; i++) {
		sent += r[i].hop[ttl].sent;
		recv += r[i].hop[ttl].recv < r[i].hop[ttl].sent ? r[i].hop[ttl].recv : r[i].hop[ttl].sent;
	}
	return sent ? (double)(sent - recv) / sent : 0.0;
}

static unsigned loss_hop(const struct monitor_round *r, size_t n, size_t first, size_t last)
{
	unsigned len = normal_len(r, n, first, last);
	unsigned hop = len;
	for (unsigned t = len; t >= 1 && hop_loss(r, first, last, t) >= 0.5; t--)
		hop = t;
	return hop;
}

static void on_loss_span(void *ctx, size_t first, size_t last)
{
	struct span_ctx *c = ctx;
	struct monitor_episode *e = ep_add(c->out, MONITOR_EP_LOSS, c->r, first, last);
	if (!e)
		return;
	e->hop = loss_hop(c->r, c->n, first, last);
	size_t lost = 0;
	for (size_t i = first; i <= last; i++)
		lost += !c->r[i].reached;
	e->size = 100.0 * (double)lost / (double)(last - first + 1);
}

static void find_loss(const struct monitor_round *r, size_t n, bool *bad, struct ep_list *out)
{
	size_t reached = 0;
	for (size_t i = 0; i < n; i++)
		reached += r[i].reached;
	if (reached * 2 < n) /* a target that does not answer has no loss episodes */
		return;
	for (size_t i = 0; i < n; i++)
		bad[i] = !r[i].reached;
	struct span_ctx c = { .r = r, .n = n, .out = out, .kind = MONITOR_EP_LOSS };
	spans(bad, n, on_loss_span, &c);
}

/* ---- latency ---------------------------------------------------------------------------- */

static bool slow(double rtt, double base)
{
	double rise = rtt - base;
	return rise > LATENCY_MIN_RISE_MS && rise > LATENCY_MIN_RISE_FRAC * base;
}

/* bad[i]: round i's target RTT is above the median of the last normal rounds. */
static void mark_slow(const struct monitor_round *r, size_t n, bool *bad)
{
	double ring[MONITOR_EP_BASELINE], tmp[MONITOR_EP_BASELINE];
	size_t nring = 0, next = 0;
	for (size_t i = 0; i < n; i++) {
		double rtt = target_rtt(&r[i]);
		bad[i] = false;
		if (isnan(rtt))
			continue;
		memcpy(tmp, ring, nring * sizeof(*tmp));
		bad[i] = nring >= 3 && slow(rtt, median(tmp, nring));
		if (!bad[i]) {
			ring[next] = rtt;
			next = (next + 1) % MONITOR_EP_BASELINE;
			nring += nring < MONITOR_EP_BASELINE;
		}
	}
}

/* The median RTT at ttl over the rounds in [from, to) that `want` says. */
static double hop_median(const struct monitor_round *r, size_t from, size_t to, unsigned ttl,
                         const bool *bad, bool want_bad)
{
	double v[64];
	size_t k = 0;
	for (size_t i = to; i-- > from && k < 64;)
		if (bad[i] == want_bad && r[i].reached && !isnan(r[i].hop[ttl].rtt_ms))
			v[k++] = r[i].hop[ttl].rtt_ms;
	return median(v, k);
}

static void on_latency_span(void *ctx, size_t first, size_t last)
{
	struct span_ctx *c = ctx;
	struct monitor_episode *e = ep_add(c->out, MONITOR_EP_LATENCY, c->r, first, last);
	if (!e)
		return;
	size_t from = first > 4 * MONITOR_EP_BASELINE ? first - 4 * MONITOR_EP_BASELINE : 0;
	unsigned len = c->r[last].reached ? c->r[last].path_len : normal_len(c->r, c->n, first, last);
	double target_rise = hop_median(c->r, first, last + 1, len, c->bad, true) -
	                     hop_median(c->r, from, first, len, c->bad, false);
	e->size = target_rise;
	e->hop = len;
	for (unsigned t = 1; t <= len; t++) {
		double rise = hop_median(c->r, first, last + 1, t, c->bad, true) -
		              hop_median(c->r, from, first, t, c->bad, false);
		if (!isnan(rise) && rise >= 0.5 * target_rise) {
			e->hop = t;
			break;
		}
	}
}

static void find_latency(const struct monitor_round *r, size_t n, bool *bad, struct ep_list *out)
{
	mark_slow(r, n, bad);
	struct span_ctx c = { .r = r, .n = n, .out = out, .kind = MONITOR_EP_LATENCY, .bad = bad };
	spans(bad, n, on_latency_span, &c);
}

/* ---- route changes ------------------------------------------------------------------------ */

/* Round r reached the target beyond its known TTL, which was silent: the
 * probes up to there were lost (a drop that ended mid-round), not sent down
 * a longer path; a longer path would have a router answer at the old TTL,
 * which the responders show. Neither a change nor a length to learn. */
static bool lost_at_old_end(const struct monitor_round *r, unsigned known_len)
{
	return r->reached && known_len && r->path_len > known_len &&
	       r->hop[known_len].from.family == AF_UNSPEC;
}

/* The first TTL where round r answers from another responder than known[],
 * or where it reaches the target at another length; 0 when none. */
static unsigned route_diff(const struct monitor_round *r, const struct model_addr *known,
                           unsigned known_len)
{
	unsigned len = r->path_len < MONITOR_MAX_TTL ? r->path_len : MONITOR_MAX_TTL;
	for (unsigned t = 1; t <= len; t++) {
		const struct model_addr *a = &r->hop[t].from;
		if (a->family != AF_UNSPEC && known[t].family != AF_UNSPEC &&
		    !model_addr_equal(a, &known[t]))
			return t;
	}
	if (r->reached && known_len && r->path_len != known_len && !lost_at_old_end(r, known_len))
		return r->path_len < known_len ? r->path_len : known_len;
	return 0;
}

static void learn_route(const struct monitor_round *r, struct model_addr *known, unsigned *known_len)
{
	for (unsigned t = 1; t <= r->path_len && t <= MONITOR_MAX_TTL; t++)
		if (r->hop[t].from.family != AF_UNSPEC)
			known[t] = r->hop[t].from;
	if (!r->reached || lost_at_old_end(r, *known_len))
		return;
	*known_len = r->path_len;
	for (unsigned t = r->path_len + 1; t <= MONITOR_MAX_TTL; t++)
		known[t].family = AF_UNSPEC;
}

static void find_routes(const struct monitor_round *r, size_t n, struct ep_list *out)
{
	struct model_addr known[MONITOR_MAX_TTL + 1];
	memset(known, 0, sizeof(known));
	unsigned known_len = 0;
	struct monitor_episode *last = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned hop = i ? route_diff(&r[i], known, known_len) : 0;
		if (hop && last && i - last->last <= MONITOR_EP_QUIET) {
			last->last = i; /* one change seen over a few rounds */
			last->end_ms = r[i].t_ms;
			last->hop = hop < last->hop ? hop : last->hop;
		} else if (hop && (last = ep_add(out, MONITOR_EP_ROUTE, r, i - 1, i))) {
			last->hop = hop;
		}
		learn_route(&r[i], known, &known_len);
	}
}

/* ---- the model of some rounds, and the whole ---------------------------------------------- */

static void hop_times(struct model_hop *h, const struct monitor_round *r, size_t n, unsigned ttl)
{
	double sum = 0, sq = 0;
	h->best = INFINITY;
	for (size_t i = 0; i < n; i++) {
		const struct monitor_hop *m = &r[i].hop[ttl];
		h->snt += m->sent;
		h->recv += m->recv < m->sent ? m->recv : m->sent;
		if (isnan(m->rtt_ms))
			continue;
		sum += m->rtt_ms;
		sq += m->rtt_ms * m->rtt_ms;
		h->last = m->rtt_ms;
		h->best = m->rtt_ms < h->best ? m->rtt_ms : h->best;
		h->wrst = m->rtt_ms > h->wrst ? m->rtt_ms : h->wrst;
	}
	unsigned long k = h->recv;
	h->avg = k ? sum / (double)k : 0;
	h->best = k ? h->best : 0;
	h->stdev = k > 1 ? sqrt(fmax(0, (sq - sum * sum / (double)k) / (double)(k - 1))) : 0;
	h->drop = h->snt - h->recv;
	h->loss_pct = h->snt ? 100.0 * (double)h->drop / (double)h->snt : 0;
	h->has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_STDEV | MODEL_HAS_DROP;
}

static int hop_responders(struct model_hop *h, const struct monitor_round *r, size_t n,
                          unsigned ttl)
{
	for (size_t i = 0; i < n; i++) {
		const struct monitor_hop *m = &r[i].hop[ttl];
		if (m->from.family == AF_UNSPEC || m->recv == 0)
			continue;
		struct model_responder *p = model_hop_responder(h, &m->from);
		if (!p)
			return -1;
		p->replies += m->recv;
		h->latest = (unsigned)(p - h->resp);
	}
	return 0;
}

int monitor_rounds_model(const struct monitor_round *r, size_t n, struct model_trace *t)
{
	model_trace_truncate(t, 0);
	unsigned len = 0;
	t->reached = false;
	for (size_t i = 0; i < n; i++) {
		len = r[i].path_len > len ? r[i].path_len : len;
		t->reached = t->reached || r[i].reached;
	}
	t->tests = n;
	for (unsigned ttl = 1; ttl <= len && ttl <= MONITOR_MAX_TTL; ttl++) {
		struct model_hop *h = model_trace_hop(t, ttl);
		if (!h || hop_responders(h, r, n, ttl) < 0)
			return -1;
		hop_times(h, r, n, ttl);
	}
	return 0;
}

/* The rounds inside the episode, cut at the path's normal length: rounds
 * that did not reach the target probed to -m, and 30 silent hops would read
 * as a filtering target rather than a path cut after the last hop that
 * answers. The first and last bad rounds are left out when there are
 * MONITOR_EP_EDGE_MIN or more: the fault came or went while their probes
 * were out, so early hops may answer there that never do inside. */
static int diagnose(const struct monitor_round *r, size_t n, struct monitor_episode *e)
{
	struct model_trace *t = model_trace_new();
	if (!t)
		return -1;
	size_t first = e->first, last = e->last;
	if (last - first + 1 >= MONITOR_EP_EDGE_MIN) {
		first++;
		last--;
	}
	int rc = monitor_rounds_model(r + first, last - first + 1, t);
	unsigned len = normal_len(r, n, e->first, e->last);
	if (rc == 0 && len && t->n_hops > len)
		model_trace_truncate(t, len);
	if (rc == 0)
		rc = diag_trace(t, &e->diagnosis);
	model_trace_free(t);
	return rc;
}

static int by_start(const void *a, const void *b)
{
	const struct monitor_episode *x = a, *y = b;
	return (x->start_ms > y->start_ms) - (x->start_ms < y->start_ms);
}

int monitor_episodes(const struct monitor_round *r, size_t n, struct monitor_episode **out,
                     size_t *nout)
{
	struct ep_list l = { 0 };
	bool *bad = calloc(n ? n : 1, sizeof(*bad));
	if (!bad)
		return -1;
	find_loss(r, n, bad, &l);
	find_latency(r, n, bad, &l);
	find_routes(r, n, &l);
	free(bad);
	for (size_t i = 0; i < l.n && !l.oom; i++)
		l.oom = diagnose(r, n, &l.e[i]) < 0;
	if (l.oom) {
		monitor_episodes_free(l.e, l.n);
		return -1;
	}
	if (l.n)
		qsort(l.e, l.n, sizeof(*l.e), by_start);
	*out = l.e;
	*nout = l.n;
	return 0;
}

void monitor_episodes_free(struct monitor_episode *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		finding_list_free(&e[i].diagnosis);
	free(e);
}

const char *monitor_episode_kind_name(enum monitor_episode_kind k)
{
	switch (k) {
	case MONITOR_EP_LOSS: return "loss";
	case MONITOR_EP_LATENCY: return "latency";
	case MONITOR_EP_ROUTE: return "route-change";
	}
	return "?";
}
