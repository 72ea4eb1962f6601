/* monitor_round: events to round records (monitor_round.h). */
#include "monitor/monitor_round.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define HOPS_BLOB_FORMAT 1

struct open_round {
	bool used;
	unsigned long round;
	struct monitor_round r;
};

/* Open rounds are allocated as they are first needed and reused after:
 * with -i 1 -Z 2 three or four are open at once, and a ring of all
 * MONITOR_OPEN_ROUNDS (42 KiB a target) would be touched round by round. */
struct monitor_acc {
	monitor_round_fn fn;
	void *ctx;
	struct open_round *open[MONITOR_OPEN_ROUNDS];
	unsigned n_open; /* slots allocated */
};

struct monitor_acc *monitor_acc_new(monitor_round_fn fn, void *ctx)
{
	struct monitor_acc *a = calloc(1, sizeof(*a));
	if (a) {
		a->fn = fn;
		a->ctx = ctx;
	}
	return a;
}

void monitor_acc_free(struct monitor_acc *a)
{
	if (!a)
		return;
	for (unsigned i = 0; i < a->n_open; i++)
		free(a->open[i]);
	free(a);
}

static void round_init(struct open_round *o, unsigned long round, int64_t now_ms)
{
	memset(o, 0, sizeof(*o));
	o->used = true;
	o->round = round;
	o->r.t_ms = now_ms;
	for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
		o->r.hop[t].rtt_ms = NAN;
}

/* A slot for a new round: rounds MONITOR_OPEN_ROUNDS older are given up
 * first (as the ring's slot once was); then a free slot, a new one, or
 * (rounds opened out of order) the oldest. NULL out of memory. */
static struct open_round *free_slot(struct monitor_acc *a, unsigned long round)
{
	struct open_round *oldest = NULL;
	for (unsigned i = 0; i < a->n_open; i++) {
		struct open_round *o = a->open[i];
		if (o->used && o->round + MONITOR_OPEN_ROUNDS <= round)
			o->used = false;
		if (!o->used)
			return o;
		if (!oldest || o->round < oldest->round)
			oldest = o;
	}
	if (a->n_open == MONITOR_OPEN_ROUNDS)
		return oldest;
	struct open_round *o = malloc(sizeof(*o));
	if (o)
		a->open[a->n_open++] = o;
	return o;
}

/* The open round `round`; a new one on its first probe, NULL for a round
 * that was dropped or never began (or out of memory: *oom). */
static struct open_round *open_round(struct monitor_acc *a, unsigned long round, bool create,
                                     int64_t now_ms, bool *oom)
{
	for (unsigned i = 0; i < a->n_open; i++)
		if (a->open[i]->used && a->open[i]->round == round)
			return a->open[i];
	if (!create)
		return NULL;
	struct open_round *o = free_slot(a, round);
	if (!o) {
		*oom = true;
		return NULL;
	}
	round_init(o, round, now_ms);
	return o;
}

static void note_reply(struct monitor_round *r, const struct event *ev)
{
	struct monitor_hop *h = &r->hop[ev->ttl];
	h->recv++;
	if (isnan(h->rtt_ms) || ev->rtt_ms < h->rtt_ms)
		h->rtt_ms = ev->rtt_ms;
	h->from = ev->from;
	if (ev->from_target && (!r->reached || ev->ttl < r->path_len)) {
		r->reached = true;
		r->path_len = ev->ttl;
	}
}

uint64_t monitor_path_hash(const struct monitor_round *r)
{
	uint64_t h = 1469598103934665603ULL;
	for (unsigned t = 1; t <= r->path_len && t <= MONITOR_MAX_TTL; t++) {
		const struct model_addr *a = &r->hop[t].from;
		h = (h ^ t) * 1099511628211ULL;
		h = (h ^ (uint64_t)a->family) * 1099511628211ULL;
		for (size_t i = 0; a->family != AF_UNSPEC && i < sizeof(a->bytes); i++)
			h = (h ^ a->bytes[i]) * 1099511628211ULL;
	}
	return h;
}

/* The path is up to the target's hop, or else up to the last hop probed. */
static void finish(struct monitor_round *r)
{
	if (!r->reached) {
		r->path_len = 0;
		for (unsigned t = 1; t <= MONITOR_MAX_TTL; t++)
			if (r->hop[t].sent)
				r->path_len = t;
	}
	r->path_hash = monitor_path_hash(r);
}

int monitor_acc_event(struct monitor_acc *a, const struct event *ev, int64_t now_ms)
{
	if (ev->type != EVENT_ROUND_END && (ev->ttl == 0 || ev->ttl > MONITOR_MAX_TTL))
		return 0;
	bool oom = false;
	struct open_round *o = open_round(a, ev->round, ev->type == EVENT_SENT, now_ms, &oom);
	if (!o)
		return oom ? -1 : 0;
	switch (ev->type) {
	case EVENT_SENT: o->r.hop[ev->ttl].sent++; break;
	case EVENT_REPLY: note_reply(&o->r, ev); break;
	case EVENT_ROUND_END:
		finish(&o->r);
		o->used = false;
		return a->fn(a->ctx, &o->r);
	default: break;
	}
	return 0;
}

/* ---- packed hops (the history's rounds.hops) ------------------------------ */

static uint8_t count_byte(unsigned n)
{
	return (uint8_t)(n < 255 ? n : 255);
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static uint8_t family_byte(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

static void put_double(uint8_t *p, double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(u >> (8 * i));
}

static double get_double(const uint8_t *p)
{
	uint64_t u = 0;
	for (unsigned i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* One hop at p (room for MONITOR_HOP_PACKED_MAX); its length. */
static size_t pack_hop(uint8_t *p, unsigned ttl, const struct monitor_hop *h)
{
	size_t alen = addr_len(h->from.family);
	p[0] = (uint8_t)ttl;
	p[1] = count_byte(h->sent);
	p[2] = count_byte(h->recv);
	put_double(p + 3, h->rtt_ms);
	p[11] = alen ? family_byte(h->from.family) : 0;
	memcpy(p + 12, h->from.bytes, alen);
	return 12 + alen;
}

size_t monitor_round_pack_hops(const struct monitor_round *r, uint8_t *buf, size_t cap)
{
	if (cap < 1)
		return 0;
	size_t n = 0;
	buf[n++] = HOPS_BLOB_FORMAT;
	for (unsigned t = 1; t <= r->path_len && t <= MONITOR_MAX_TTL; t++) {
		if (!r->hop[t].sent)
			continue;
		if (cap - n < MONITOR_HOP_PACKED_MAX)
			return 0;
		n += pack_hop(buf + n, t, &r->hop[t]);
	}
	return n;
}

/* One hop from p (len bytes left); its length, or 0 when it is not one. */
static size_t unpack_hop(struct monitor_round *r, const uint8_t *p, size_t len)
{
	if (len < 12 || p[0] < 1 || p[0] > MONITOR_MAX_TTL)
		return 0;
	int family = p[11] == 4 ? AF_INET : p[11] == 6 ? AF_INET6 : AF_UNSPEC;
	if (p[11] != 0 && family == AF_UNSPEC)
		return 0;
	size_t alen = addr_len(family);
	if (len < 12 + alen)
		return 0;
	struct monitor_hop *h = &r->hop[p[0]];
	memset(h, 0, sizeof(*h));
	h->sent = p[1];
	h->recv = p[2];
	h->rtt_ms = get_double(p + 3);
	h->from.family = family;
	memcpy(h->from.bytes, p + 12, alen);
	return 12 + alen;
}

int monitor_round_unpack_hops(struct monitor_round *r, const uint8_t *buf, size_t len)
{
	if (len < 1 || buf[0] != HOPS_BLOB_FORMAT)
		return -1;
	for (size_t at = 1; at < len;) {
		size_t n = unpack_hop(r, buf + at, len - at);
		if (n == 0)
			return -1;
		at += n;
	}
	return 0;
}
