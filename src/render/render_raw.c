#include "render/render_raw.h"

#include <math.h>
#include <stdlib.h>

struct raw_hop {
	struct model_addr latest;
	struct model_addr seen[MODEL_MAX_RESPONDERS];
	unsigned n_seen;
};

struct render_raw {
	struct sink *out;
	bool mpls;
	struct raw_hop hops[MODEL_MAX_HOPS + 1]; /* by TTL */
};

struct render_raw *render_raw_new(struct sink *out)
{
	struct render_raw *r = calloc(1, sizeof(*r));
	if (r)
		r->out = out;
	return r;
}

void render_raw_free(struct render_raw *r)
{
	free(r);
}

void render_raw_set_mpls(struct render_raw *r, bool on)
{
	r->mpls = on;
}

/* mtr numbers its probes from 33000 and wraps back to 33000 at 65536 (one
 * counter for the whole process); the engine counts from 0. */
enum { RAW_SEQ_FIRST = 33000, RAW_SEQ_END = 65536 };

static unsigned long mtr_seq(unsigned long seq)
{
	return RAW_SEQ_FIRST + seq % (RAW_SEQ_END - RAW_SEQ_FIRST);
}

static bool seen_at(const struct raw_hop *h, const struct model_addr *a)
{
	for (unsigned i = 0; i < h->n_seen; i++)
		if (model_addr_equal(&h->seen[i], a))
			return true;
	return false;
}

static void print_host(struct render_raw *r, const struct event *ev)
{
	char text[64];
	model_addr_text(&ev->from, text, sizeof(text));
	sink_printf(r->out, "h %u %s\n", ev->ttl - 1, text);
	for (unsigned i = 0; r->mpls && i < ev->n_mpls && i < MODEL_MAX_MPLS; i++)
		sink_printf(r->out, "m %u %lu %u %u %u\n", ev->ttl - 1, (unsigned long)ev->mpls[i].label,
			    ev->mpls[i].tc, ev->mpls[i].s, ev->mpls[i].ttl);
}

/* mtr prints a responder when it joins the hop's list and again whenever it
 * becomes the hop's latest. */
static void note_responder(struct render_raw *r, const struct event *ev)
{
	struct raw_hop *h = &r->hops[ev->ttl];
	if (h->n_seen && model_addr_equal(&h->latest, &ev->from))
		return;
	if (!seen_at(h, &ev->from) && h->n_seen < MODEL_MAX_RESPONDERS) {
		h->seen[h->n_seen++] = ev->from;
		print_host(r, ev);
	}
	h->latest = ev->from;
	print_host(r, ev);
}

static void print_name(struct render_raw *r, const struct event *ev)
{
	for (unsigned ttl = 1; ttl <= MODEL_MAX_HOPS; ttl++)
		if (seen_at(&r->hops[ttl], &ev->from))
			sink_printf(r->out, "d %u %s\n", ttl - 1, ev->name ? ev->name : "");
}

int render_raw_event(void *ctx, const struct event *ev)
{
	struct render_raw *r = ctx;
	if (ev->type == EVENT_NAME) {
		print_name(r, ev);
		return sink_error(r->out);
	}
	if (ev->ttl == 0 || ev->ttl > MODEL_MAX_HOPS)
		return 0;
	if (ev->type == EVENT_SENT) {
		sink_printf(r->out, "x %u %lu\n", ev->ttl - 1, mtr_seq(ev->seq));
	} else if (ev->type == EVENT_REPLY) {
		note_responder(r, ev);
		sink_printf(r->out, "p %u %ld %lu\n", ev->ttl - 1, lround(ev->rtt_ms * 1000.0),
			    mtr_seq(ev->seq));
	}
	return sink_error(r->out);
}
