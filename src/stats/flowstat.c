#include "stats/flowstat.h"

#include <stdlib.h>

#include "stats/hopstat.h"

struct fs_resp {
	struct model_addr addr;
	struct hopstat *s;
	uint64_t flows;        /* bit k: flow k belongs to it */
};

/* One TTL: its responders and which flow belongs to which. */
struct fs_ttl {
	struct fs_resp resp[MODEL_MAX_RESPONDERS];
	unsigned n;
	uint8_t owner[FLOWSTAT_MAX_FLOWS];          /* index in resp + 1; 0: none yet */
	unsigned long pending[FLOWSTAT_MAX_FLOWS];  /* timeouts before an owner */
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

/* Flow k reached r: it is r's from now on, with the timeouts it had before
 * anyone answered it. */
static void give_flow(struct fs_ttl *t, unsigned k, struct fs_resp *r)
{
	uint8_t idx = (uint8_t)(r - t->resp + 1);
	if (t->owner[k] != idx) {
		if (t->owner[k])
			t->resp[t->owner[k] - 1].flows &= ~((uint64_t)1 << k);
		t->owner[k] = idx;
		r->flows |= (uint64_t)1 << k;
	}
	count_lost(r->s, t->pending[k]);
	t->pending[k] = 0;
}

static struct fs_resp *owner_of(struct fs_ttl *t, unsigned k)
{
	return t->owner[k] ? &t->resp[t->owner[k] - 1] : NULL;
}

static int on_answer(struct fs_ttl *t, const struct event *ev)
{
	struct fs_resp *r = resp_for(t, &ev->from);
	if (!r)
		return t->n == MODEL_MAX_RESPONDERS ? 0 : -1;
	bool orphan_late = ev->type == EVENT_LATE && !owner_of(t, ev->flow) && t->pending[ev->flow];
	if (ev->type == EVENT_REPLY || orphan_late)
		give_flow(t, ev->flow, r);
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
	if (o)
		count_lost(o->s, 1);
	else
		t->pending[ev->flow]++;
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
