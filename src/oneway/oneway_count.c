/* oneway_count: the stream's reflections -> loss, duplicates, order, PDV. */
#include "oneway/oneway_count.h"
#include "oneway/oneway_clock.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint32_t cseq, sseq;
	uint64_t ctx, srx, stx, crx;
	bool wall; /* the wall times below are all there */
	uint64_t wctx, wsrx, wstx, wcrx;
};

struct oneway_count {
	uint32_t n;
	unsigned long requests, ignored, dup_ret;
	uint64_t *tx;        /* per client_seq; 0: not sent */
	uint64_t *wtx;       /* per client_seq: its wall time; 0: unknown */
	struct oneway_clock mine, server;
	bool server_seen;
	unsigned char *by_s; /* per server_seq (< 2n): seen */
	struct entry *e;     /* counted reflections, in arrival order */
	size_t n_e;
};

struct oneway_count *oneway_count_new(uint32_t n)
{
	if (n == 0 || n > ONEWAY_MAX_COUNT)
		return NULL;
	struct oneway_count *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->n = n;
	c->tx = calloc(n, sizeof(*c->tx));
	c->wtx = calloc(n, sizeof(*c->wtx));
	c->by_s = calloc(2 * (size_t)n, 1);
	c->e = calloc(2 * (size_t)n, sizeof(*c->e));
	if (!c->tx || !c->wtx || !c->by_s || !c->e) {
		oneway_count_free(c);
		return NULL;
	}
	return c;
}

void oneway_count_free(struct oneway_count *c)
{
	if (!c)
		return;
	free(c->tx);
	free(c->wtx);
	free(c->by_s);
	free(c->e);
	free(c);
}

void oneway_count_clock(struct oneway_count *c, const struct oneway_clock *mine)
{
	c->mine = *mine;
}

void oneway_count_sent(struct oneway_count *c, uint32_t seq, struct oneway_stamp tx)
{
	if (seq < c->n && tx.mono_ns) {
		c->requests += !c->tx[seq];
		c->tx[seq] = tx.mono_ns;
		c->wtx[seq] = tx.wall_ns;
	}
}

/* The reflector's clock as the worst of what its reflections said: the
 * largest error, unsynchronised once any said so. */
static void note_server_clock(struct oneway_count *c, const struct oneway_clock *k)
{
	struct oneway_clock *s = &c->server;
	if (!c->server_seen) {
		*s = *k;
		c->server_seen = true;
		return;
	}
	oneway_clock_worse(s, k); /* one reflector, two kernels: boot hash unknown */
}

static struct entry entry_of(const struct oneway_count *c, const struct oneway_pkt *r,
                             struct oneway_stamp rx)
{
	struct entry e = { r->client_seq, r->server_seq, r->client_tx_ns, r->server_rx_ns,
		           r->server_tx_ns, rx.mono_ns, false, c->wtx[r->client_seq],
		           r->server_rx_wall_ns, r->server_tx_wall_ns, rx.wall_ns };
	e.wall = r->version >= 2 && e.wctx && e.wsrx && e.wstx && e.wcrx;
	return e;
}

int oneway_count_add(struct oneway_count *c, const struct oneway_pkt *r, struct oneway_stamp rx)
{
	bool ours = r->type == ONEWAY_REFLECT && r->of == ONEWAY_REQUEST && r->client_seq < c->n &&
	            r->server_seq < 2 * c->n && c->tx[r->client_seq] &&
	            c->tx[r->client_seq] == r->client_tx_ns;
	if (!ours) {
		c->ignored++;
		return -1;
	}
	if (c->by_s[r->server_seq]) {
		c->dup_ret++; /* the same reflection twice: the way back duplicated it */
		return 0;
	}
	c->by_s[r->server_seq] = 1;
	c->e[c->n_e++] = entry_of(c, r, rx);
	if (r->version >= 2)
		note_server_clock(c, &r->clock);
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* d[i] - d[j] for d[i] >= d[j], in ms; the reflector's times are
 * untrusted, so the difference may exceed int64's range (unsigned wraps). */
static double span_ms(int64_t hi, int64_t lo)
{
	return (double)((uint64_t)hi - (uint64_t)lo) / 1e6;
}

/* PDV percentiles of d[0..n) (sorted here), in ms. Differences of unsigned
 * times on two clocks wrap alike, so d - min is right whatever the offset. */
static void pdv(int64_t *d, size_t n, struct oneway_dir *o)
{
	if (n < 2)
		return;
	qsort(d, n, sizeof(*d), cmp_i64);
	o->pdv_p50_ms = span_ms(d[(n - 1) / 2], d[0]);
	o->pdv_p95_ms = span_ms(d[(n - 1) * 95 / 100], d[0]);
}

static double signed_ms(uint64_t later, uint64_t earlier)
{
	return (double)(int64_t)(later - earlier) / 1e6; /* untrusted: wraps, never UB */
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Min and median of v[0..n) (sorted here), n >= 1. */
static void min_median(double *v, size_t n, struct oneway_dir *o)
{
	qsort(v, n, sizeof(*v), cmp_double);
	o->delay_min_ms = v[0];
	o->delay_p50_ms = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One-way delays on the two wall clocks, from the reflections that carry
 * them. */
static void wall_delays(const struct oneway_count *c, struct oneway_result *r)
{
	double *out = malloc((c->n_e ? c->n_e : 1) * sizeof(*out));
	double *ret = malloc((c->n_e ? c->n_e : 1) * sizeof(*ret));
	size_t n = 0;
	for (size_t i = 0; out && ret && i < c->n_e; i++)
		if (c->e[i].wall) {
			out[n] = signed_ms(c->e[i].wsrx, c->e[i].wctx);
			ret[n++] = signed_ms(c->e[i].wcrx, c->e[i].wstx);
		}
	if (n > 0) {
		min_median(out, n, &r->out);
		min_median(ret, n, &r->ret);
		r->delays = n;
	}
	free(out), free(ret);
}

static void delays(const struct oneway_count *c, struct oneway_result *r)
{
	int64_t *d = malloc((c->n_e ? c->n_e : 1) * sizeof(*d));
	if (!d)
		return;
	for (size_t i = 0; i < c->n_e; i++)
		d[i] = (int64_t)(c->e[i].srx - c->e[i].ctx);
	pdv(d, c->n_e, &r->out);
	for (size_t i = 0; i < c->n_e; i++)
		d[i] = (int64_t)(c->e[i].crx - c->e[i].stx);
	pdv(d, c->n_e, &r->ret);
	free(d);
}

/* Outbound order: walking server_seqs upwards, a client_seq below one the
 * reflector had already received arrived out of order; requests counted
 * twice by the reflector are its duplicates. */
static void outbound_order(const struct oneway_count *c, uint32_t s_max, struct oneway_dir *o)
{
	uint32_t *c_of_s = malloc(((size_t)s_max + 1) * sizeof(*c_of_s));
	unsigned char *seen_c = calloc(c->n, 1);
	if (!c_of_s || !seen_c) {
		free(c_of_s), free(seen_c);
		return;
	}
	memset(c_of_s, 0xff, ((size_t)s_max + 1) * sizeof(*c_of_s));
	for (size_t i = 0; i < c->n_e; i++)
		c_of_s[c->e[i].sseq] = c->e[i].cseq;
	int64_t hi = -1;
	for (uint32_t s = 0; s <= s_max; s++) {
		if (c_of_s[s] == UINT32_MAX)
			continue; /* its reflection was lost */
		o->duplicates += seen_c[c_of_s[s]]++ ? 1 : 0;
		if ((int64_t)c_of_s[s] < hi)
			o->reordered++;
		else
			hi = c_of_s[s];
	}
	free(c_of_s), free(seen_c);
}

static void counts(const struct oneway_count *c, struct oneway_result *r)
{
	uint32_t s_max = 0, c_max = 0, s_hi = 0;
	for (size_t i = 0; i < c->n_e; i++) {
		s_max = c->e[i].sseq > s_max ? c->e[i].sseq : s_max;
		c_max = c->e[i].cseq > c_max ? c->e[i].cseq : c_max;
		if (i > 0 && c->e[i].sseq < s_hi)
			r->ret.reordered++;
		s_hi = c->e[i].sseq > s_hi ? c->e[i].sseq : s_hi;
	}
	outbound_order(c, s_max, &r->out);
	r->out.sent = (unsigned long)c_max + 1;
	unsigned long got = (unsigned long)s_max + 1 - r->out.duplicates;
	r->out.received = got < r->out.sent ? got : r->out.sent;
	r->out.lost = r->out.sent - r->out.received;
	r->ret.sent = (unsigned long)s_max + 1;
	r->ret.received = c->n_e;
	r->ret.lost = r->ret.sent - r->ret.received;
	r->ret.duplicates = c->dup_ret;
}

void oneway_count_result(const struct oneway_count *c, struct oneway_result *r)
{
	memset(r, 0, sizeof(*r));
	r->requests = c->requests;
	r->reflections = c->n_e;
	r->ignored = c->ignored;
	r->client_clock = c->mine;
	r->server_clock = c->server;
	r->same_clock = c->server_seen && c->mine.boot_hash && c->mine.boot_hash == c->server.boot_hash;
	if (c->n_e == 0)
		return;
	counts(c, r);
	delays(c, r);
	wall_delays(c, r);
}
