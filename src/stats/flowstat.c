#include "stats/flowstat.h"

#include <stdlib.h>
#include <string.h>

#include "stats/hopstat.h"

struct fs_resp {
	struct model_addr addr;
	struct hopstat *s;
	uint64_t flows;        /* bit k: flow k belongs to it */
};

struct fs_flow {
	unsigned long pending;  /* timeouts before an owner */
	uint8_t owner;          /* index in resp + 1; 0: none yet */
};

/* One TTL: its responders and which flow belongs to which. The flows are
 * grown to the highest one seen: one without --flows, where room for all
 * FLOWSTAT_MAX_FLOWS took 0.6 KiB a TTL (18 KiB a monitored target). */
struct fs_ttl {
	struct fs_resp resp[MODEL_MAX_RESPONDERS];
	unsigned n;
	unsigned n_flows;
	struct fs_flow *flow;   /* by flow; flows from n_flows on have none */
};

struct flowstat {
	struct fs_ttl *ttl[MODEL_MAX_HOPS + 1];
};

struct flowstat *flowstat_new(void)
{
	return calloc(1, sizeof(struct flowstat));
}

void flowstat_free(struct flowstat *f)
{
	if (!f)
		return;
	for (size_t i = 0; i <= MODEL_MAX_HOPS; i++) {
		if (!f->ttl[i])
			continue;
		for (unsigned j = 0; j < f->ttl[i]->n; j++)
			hopstat_free(f->ttl[i]->resp[j].s);
		free(f->ttl[i]->flow);
		free(f->ttl[i]);
	}
	free(f);
}

/* The index of the responder with address a; t->n when there is none. */
static unsigned find_resp(const struct fs_ttl *t, const struct model_addr *a)
{
	unsigned i = 0;
	while (i < t->n && !model_addr_equal(&t->resp[i].addr, a))
		i++;
	return i;
}

/* The responder with address a, added when new; NULL when the TTL already
 * has MODEL_MAX_RESPONDERS others (as the model) or memory runs out. */
static struct fs_resp *resp_for(struct fs_ttl *t, const struct model_addr *a)
{
	unsigned i = find_resp(t, a);
	if (i < t->n)
		return &t->resp[i];
	if (t->n == MODEL_MAX_RESPONDERS)
		return NULL;
	struct fs_resp *r = &t->resp[t->n];
	r->s = hopstat_new();
	if (!r->s)
		return NULL;
	r->addr = *a;
	r->flows = 0;
	t->n++;
	return r;
}

static void count_lost(struct hopstat *s, unsigned long n)
{
	for (; n > 0; n--) {
		hopstat_sent(s);
		hopstat_timeout(s);
	}
}

/* Flow k's entry, the flows grown to it; NULL out of memory. */
static struct fs_flow *flow_for(struct fs_ttl *t, unsigned k)
{
	if (k < t->n_flows)
		return &t->flow[k];
	unsigned n = k + 1;
	struct fs_flow *grown = realloc(t->flow, n * sizeof(*grown));
	if (!grown)
		return NULL;
	memset(grown + t->n_flows, 0, (n - t->n_flows) * sizeof(*grown));
	t->flow = grown;
	t->n_flows = n;
	return &t->flow[k];
}

/* Flow k reached r: it is r's from now on, with the timeouts it had before
 * anyone answered it. 0, or -1 out of memory. */
static int give_flow(struct fs_ttl *t, unsigned k, struct fs_resp *r)
{
	struct fs_flow *fl = flow_for(t, k);
	if (!fl)
		return -1;
	uint8_t idx = (uint8_t)(r - t->resp + 1);
	if (fl->owner != idx) {
		if (fl->owner)
			t->resp[fl->owner - 1].flows &= ~((uint64_t)1 << k);
		fl->owner = idx;
		r->flows |= (uint64_t)1 << k;
	}
	count_lost(r->s, fl->pending);
	fl->pending = 0;
	return 0;
}

static struct fs_resp *owner_of(struct fs_ttl *t, unsigned k)
{
	return k < t->n_flows && t->flow[k].owner ? &t->resp[t->flow[k].owner - 1] : NULL;
}

static unsigned long pending_of(const struct fs_ttl *t, unsigned k)
{
	return k < t->n_flows ? t->flow[k].pending : 0;
}

static int on_answer(struct fs_ttl *t, const struct event *ev)
{
	struct fs_resp *r = resp_for(t, &ev->from);
	if (!r)
		return t->n == MODEL_MAX_RESPONDERS ? 0 : -1;
	bool orphan_late = ev->type == EVENT_LATE && !owner_of(t, ev->flow) &&
	                   pending_of(t, ev->flow);
	if ((ev->type == EVENT_REPLY || orphan_late) && give_flow(t, ev->flow, r) != 0)
		return -1;
	struct fs_resp *o = owner_of(t, ev->flow);
	if (ev->type == EVENT_LATE && o) {
		hopstat_late(o->s);
	} else if (ev->type == EVENT_REPLY) {
		hopstat_sent(r->s);
		hopstat_reply(r->s, ev->rtt_ms);
	}
	return 0;
}

static struct fs_ttl *ttl_for(struct flowstat *f, unsigned ttl)
{
	if (!f->ttl[ttl])
		f->ttl[ttl] = calloc(1, sizeof(struct fs_ttl));
	return f->ttl[ttl];
}

int flowstat_event(struct flowstat *f, const struct event *ev)
{
	bool probe_event = ev->type == EVENT_REPLY || ev->type == EVENT_TIMEOUT ||
	                   ev->type == EVENT_LATE;
	if (!probe_event || ev->ttl == 0 || ev->ttl > MODEL_MAX_HOPS ||
	    ev->flow >= FLOWSTAT_MAX_FLOWS)
		return 0;
	struct fs_ttl *t = ttl_for(f, ev->ttl);
	if (!t)
		return -1;
	if (ev->type != EVENT_TIMEOUT)
		return on_answer(t, ev);
	struct fs_resp *o = owner_of(t, ev->flow);
	if (o) {
		count_lost(o->s, 1);
		return 0;
	}
	struct fs_flow *fl = flow_for(t, ev->flow);
	if (!fl)
		return -1;
	fl->pending++;
	return 0;
}

static void fill_one(const struct fs_resp *fr, struct model_resp_stats *st)
{
	struct model_hop tmp = { .ttl = 0 };
	hopstat_fill(fr->s, &tmp);
	*st = (struct model_resp_stats){ .has = true, .snt = tmp.snt, .recv = tmp.recv,
		                         .drop = tmp.drop, .late = tmp.late,
		                         .loss_pct = tmp.loss_pct, .last = tmp.last,
		                         .avg = tmp.avg, .best = tmp.best, .wrst = tmp.wrst,
		                         .stdev = tmp.stdev, .flows = fr->flows };
}

void flowstat_fill(const struct flowstat *f, struct model_hop *h)
{
	const struct fs_ttl *t = h->ttl <= MODEL_MAX_HOPS ? f->ttl[h->ttl] : NULL;
	for (unsigned i = 0; i < h->n_resp; i++) {
		unsigned j = t ? find_resp(t, &h->resp[i].addr) : 0;
		if (t && j < t->n)
			fill_one(&t->resp[j], &h->resp[i].stats);
		else
			h->resp[i].stats.has = false;
	}
}
