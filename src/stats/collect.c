#include "stats/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/hopstat.h"

struct tap {
	event_fn fn;
	void *ctx;
};

struct collect {
	struct model_trace *t;    /* the caller's view: the hops mtr would show */
	struct model_trace *full; /* every hop heard of */
	struct hopstat *stats[MODEL_MAX_HOPS + 1]; /* by TTL */
	unsigned max_sent;   /* highest TTL probed */
	unsigned max_heard;  /* highest TTL that answered */
	bool latest_is_target[MODEL_MAX_HOPS + 1]; /* by TTL: its latest reply came from the target */
	size_t shown;        /* hops in t */
	struct tap taps[COLLECT_MAX_TAPS];
	size_t n_taps;
};

struct collect *collect_new(struct model_trace *t)
{
	struct collect *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->t = t;
	c->full = model_trace_new();
	if (!c->full) {
		free(c);
		return NULL;
	}
	return c;
}

void collect_free(struct collect *c)
{
	if (!c)
		return;
	for (size_t i = 0; i <= MODEL_MAX_HOPS; i++)
		hopstat_free(c->stats[i]);
	model_trace_free(c->full);
	free(c);
}

int collect_add_tap(struct collect *c, event_fn fn, void *ctx)
{
	if (c->n_taps >= COLLECT_MAX_TAPS)
		return -1;
	c->taps[c->n_taps++] = (struct tap){ fn, ctx };
	return 0;
}

/* mtr's net_max: the first hop whose latest reply came from the target, or
 * one past the last hop that answered. The scan is over the TTLs probed,
 * a few dozen bytes. */
static size_t hops_to_show(const struct collect *c)
{
	for (unsigned ttl = 1; ttl <= c->max_sent; ttl++)
		if (c->latest_is_target[ttl])
			return ttl;
	unsigned n = c->max_heard + 1;
	return n < c->max_sent ? n : c->max_sent;
}

static int sync_all(struct collect *c)
{
	size_t n = hops_to_show(c);
	if (n > c->full->n_hops)
		n = c->full->n_hops;
	if (model_trace_copy_hops(c->t, c->full, n) != 0)
		return -1;
	c->shown = n;
	return 0;
}

/* Copies one hop when the set of hops shown is unchanged: the common case,
 * and cheap enough to run on every event. */
static int sync_hop(struct collect *c, unsigned ttl)
{
	if (hops_to_show(c) != c->shown || c->t->n_hops != c->shown)
		return sync_all(c);
	if (ttl <= c->shown)
		return model_hop_copy(&c->t->hops[ttl - 1], &c->full->hops[ttl - 1]);
	return 0;
}

static struct hopstat *stats_for(struct collect *c, unsigned ttl)
{
	if (!c->stats[ttl])
		c->stats[ttl] = hopstat_new();
	return c->stats[ttl];
}

/* A responder new at this hop may already be known at another (the target
 * answers at every TTL from the path's length on): its name and ipinfo came
 * once, as events, and are not asked again. */
static void inherit_lookups(const struct model_trace *t, struct model_responder *r)
{
	for (size_t i = 0; i < t->n_hops && !(r->name[0] && r->ipinfo[0]); i++) {
		const struct model_hop *o = &t->hops[i];
		for (unsigned j = 0; j < o->n_resp; j++) {
			const struct model_responder *k = &o->resp[j];
			if (k == r || !model_addr_equal(&k->addr, &r->addr))
				continue;
			if (!r->name[0] && k->name[0])
				memcpy(r->name, k->name, sizeof(r->name));
			if (!r->ipinfo[0] && k->ipinfo[0]) {
				memcpy(r->ipinfo, k->ipinfo, sizeof(r->ipinfo));
				r->asn = k->asn;
			}
		}
	}
}

static struct model_responder *note_responder(const struct model_trace *t, struct model_hop *h,
					      const struct event *ev, bool in_time)
{
	unsigned before = h->n_resp;
	struct model_responder *r = model_hop_responder(h, &ev->from);
	if (!r)
		return NULL; /* more than mtr's 8 at one hop: counted in the statistics only */
	if (h->n_resp > before)
		inherit_lookups(t, r);
	if (in_time) {
		r->replies++;
		h->latest = (unsigned)(r - h->resp);
	}
	r->nat = r->nat || ev->nat;
	if (ev->n_mpls) {
		r->n_mpls = ev->n_mpls < MODEL_MAX_MPLS ? ev->n_mpls : MODEL_MAX_MPLS;
		memcpy(r->mpls, ev->mpls, r->n_mpls * sizeof(r->mpls[0]));
	}
	return r;
}

/* Any answer, in time or late, tells how long the path is and whether the
 * target was reached; only in-time answers count as replies. */
static void note_answer(struct collect *c, struct model_hop *h, const struct event *ev)
{
	bool in_time = ev->type == EVENT_REPLY;
	note_responder(c->full, h, ev, in_time);
	if (ev->ttl > c->max_heard)
		c->max_heard = ev->ttl;
	if (in_time || ev->from_target)
		c->latest_is_target[ev->ttl] = ev->from_target;
	if (ev->from_target)
		c->t->reached = true;
}

static int on_probe_event(struct collect *c, const struct event *ev)
{
	struct hopstat *s = stats_for(c, ev->ttl);
	struct model_hop *h = model_trace_hop(c->full, ev->ttl);
	if (!s || !h)
		return -1;
	if (ev->type == EVENT_SENT) {
		hopstat_sent(s);
		if (ev->ttl > c->max_sent)
			c->max_sent = ev->ttl;
	} else if (ev->type == EVENT_REPLY) {
		hopstat_reply(s, ev->rtt_ms);
		note_answer(c, h, ev);
	} else if (ev->type == EVENT_TIMEOUT) {
		hopstat_timeout(s);
	} else {
		hopstat_late(s);
		note_answer(c, h, ev);
	}
	hopstat_fill(s, h);
	return sync_hop(c, ev->ttl);
}

static int on_name(struct collect *c, const struct event *ev)
{
	if (!ev->name)
		return 0;
	for (size_t i = 0; i < c->full->n_hops; i++) {
		struct model_hop *h = &c->full->hops[i];
		for (unsigned j = 0; j < h->n_resp; j++)
			if (model_addr_equal(&h->resp[j].addr, &ev->from)) {
				snprintf(h->resp[j].name, sizeof(h->resp[j].name), "%s", ev->name);
				model_text_clean(h->resp[j].name);
			}
	}
	return sync_all(c);
}

static int on_ipinfo(struct collect *c, const struct event *ev)
{
	if (!ev->name)
		return 0;
	for (size_t i = 0; i < c->full->n_hops; i++) {
		struct model_hop *h = &c->full->hops[i];
		for (unsigned j = 0; j < h->n_resp; j++)
			if (model_addr_equal(&h->resp[j].addr, &ev->from)) {
				struct model_responder *r = &h->resp[j];
				snprintf(r->ipinfo, sizeof(r->ipinfo), "%s", ev->name);
				model_text_clean(r->ipinfo);
				r->asn = model_ipinfo_asn(r->ipinfo);
			}
	}
	return sync_all(c);
}

static int update(struct collect *c, const struct event *ev)
{
	switch (ev->type) {
	case EVENT_NAME:
		return on_name(c, ev);
	case EVENT_IPINFO:
		return on_ipinfo(c, ev);
	case EVENT_ROUND_END:
		return 0;
	case EVENT_SENT:
	case EVENT_REPLY:
	case EVENT_TIMEOUT:
	case EVENT_LATE:
		if (ev->ttl == 0 || ev->ttl > MODEL_MAX_HOPS)
			return 0; /* not a hop: ignore rather than stop the run */
		return on_probe_event(c, ev);
	}
	return 0;
}

int collect_event(void *ctx, const struct event *ev)
{
	struct collect *c = ctx;
	if (update(c, ev) != 0)
		return -1;
	for (size_t i = 0; i < c->n_taps; i++)
		if (c->taps[i].fn(c->taps[i].ctx, ev) != 0)
			return -1;
	return 0;
}
