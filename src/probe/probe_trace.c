/* probe_trace: a trace's lifecycle (setup on the shared sockets, free),
 * its events and its end.
 * Tests: tests/unit/probe/test_probe.c tests/lab/t_probe.sh. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe_int.h"

void probe_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void probe_fail(struct probe *p, const char *fmt, ...)
{
	p->status = -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

/* The sockets must be the ones these parameters ask for: a set opened for
 * another protocol or family would send the wrong probes. */
static bool sockets_fit(const struct probe_sockets *s, const struct probe_params *pp, char *err,
                        size_t errlen)
{
	if (s->proto != pp->proto) {
		probe_set_err(err, errlen, "the sockets were opened for another protocol");
		return false;
	}
	if (!probe_sockets_can(s, pp->dst.family)) {
		probe_set_err(err, errlen, "%s: no address of a family we can probe",
		              pp->target ? pp->target : "target");
		return false;
	}
	return true;
}

/* A trace of a group gets the group's TX stamp ring instead of its own
 * (probe_group_add): none is allocated here. Freeing one would also raise
 * malloc's mmap threshold, and the next traces' tables would then come from
 * the heap, zeroed page by page: hundreds of MiB for 1,000 targets. */
static struct probe *probe_alloc(struct probe_sockets *s, const struct probe_params *pp,
                                 bool in_group)
{
	struct probe *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->prm = *pp;
	p->socks = s;
	p->s = &s->fam[probe_fam_index(pp->dst.family)];
	p->seq_base = p->next_seq = s->next_seq;
	p->rate = &p->bucket;
	p->rate_burst = probe_burst(pp->max_pps);
	/* A group's traces each get a table for what they keep in flight:
	 * 1,000 of 1 MiB each would be most of a monitor's memory. */
	unsigned slots = in_group ? probe_table_slots_for(pp->max_ttl, pp->flows, pp->interval_s,
	                                                  pp->timeout_s)
	                          : PACKET_SEQ_SPACE;
	p->table = probe_table_new_sized(slots);
	p->fifo_cap = slots;
	p->fifo = calloc(slots, sizeof(*p->fifo));
	p->tx = in_group ? NULL : calloc(PACKET_SEQ_SPACE, sizeof(*p->tx));
	p->mda = pp->flows > 1 ? calloc(MODEL_MAX_HOPS + 1, sizeof(*p->mda)) : NULL;
	if (!p->table || !p->fifo || (!in_group && !p->tx) || (pp->flows > 1 && !p->mda)) {
		probe_free(p);
		return NULL;
	}
	return p;
}

static void fill_flow(struct probe *p)
{
	const struct probe_params *c = &p->prm;
	p->flow.dst = c->dst;
	p->flow.family = c->dst.family;
	p->flow.proto = c->proto;
	p->flow.ident = (uint16_t)(1024 + (unsigned)getpid() % (65536u - 1024u));
	p->flow.local_port = (uint16_t)c->local_port;
	p->flow.remote_port = (uint16_t)c->port;
	p->flow.psize = c->psize;
	p->flow.pattern = (uint8_t)c->bitpattern;
	p->flow.constant = c->flows > 0;
	p->flow.nflows = (uint16_t)(c->flows > 0 ? c->flows : 1);
}

static int attach(struct probe *p, char *err, size_t errlen)
{
	fill_flow(p);
	if (probe_sock_learn_source(p, err, errlen) < 0)
		return -1;
	if (p->s->dgram && probe_sock_dgram_ident(p) < 0) {
		probe_set_err(err, errlen, "datagram ICMP socket: %s", strerror(errno));
		return -1;
	}
	p->txlen = packet_probe_len(&p->flow);
	p->txbuf = calloc(1, p->txlen ? p->txlen : 1);
	if (!p->group) /* a group drains once, before its first trace */
		probe_sock_drain(p->s);
	probe_sock_learn_mtu(p, false);
	if (!p->txbuf || (!p->group && probe_rx_register(p) < 0)) {
		probe_set_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

struct probe *probe_setup(struct probe_sockets *s, const struct probe_params *pp,
                          struct evloop *loop, event_fn on_event, void *ctx, char *err,
                          size_t errlen)
{
	return probe_setup_in(s, pp, loop, on_event, ctx, NULL, err, errlen);
}

struct probe *probe_setup_in(struct probe_sockets *s, const struct probe_params *pp,
                             struct evloop *loop, event_fn on_event, void *ctx,
                             struct probe_group *g, char *err, size_t errlen)
{
	if (probe_params_check(pp, err, errlen) < 0 || !sockets_fit(s, pp, err, errlen))
		return NULL;
	struct probe *p = probe_alloc(s, pp, g != NULL);
	if (!p) {
		probe_set_err(err, errlen, "out of memory");
		return NULL;
	}
	p->loop = loop;
	p->group = g;
	p->on_event = on_event;
	p->ctx = ctx;
	if (attach(p, err, errlen) < 0) {
		probe_free(p);
		return NULL;
	}
	return p;
}

static void cancel_timers(struct probe *p)
{
	evloop_timer_id *timers[3] = { &p->send_timer, &p->timeout_timer, &p->grace_timer };
	for (int i = 0; i < 3; i++) {
		if (*timers[i])
			evloop_cancel_timer(p->loop, *timers[i]);
		*timers[i] = 0;
	}
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	p->socks->next_seq = p->next_seq;
	if (p->fds_added) {
		evloop_del_fd(p->loop, p->s->icmp);
		if (p->s->send >= 0)
			evloop_del_fd(p->loop, p->s->send);
	}
	if (p->loop)
		cancel_timers(p);
	probe_table_free(p->table);
	free(p->fifo);
	if (!p->group) /* a group's traces share its ring */
		free(p->tx);
	free(p->txbuf);
	free(p->mda);
	free(p);
}

bool probe_path_mtu(const struct probe *p, struct probe_mtu *out)
{
	if (p->mtu.mtu == 0)
		return false;
	*out = p->mtu;
	return true;
}

unsigned probe_path_len(const struct probe *p)
{
	return p->path_len;
}

/* ---- the path end ------------------------------------------------------------
 * Rounds probe no further than the lowest TTL the target answered. When a
 * route change moves the target farther away, that TTL now expires at a
 * router (which answers, or not): left alone, the engine would never probe
 * the new hops and the old end would read as the target's loss (mtr's #361).
 * So the end is relearned (path_len 0: the next round probes on until the
 * target answers again) when a router answers at or past it, or when it has
 * missed MISSES probes in a row and the oldest is overdue. */

static void relearn_end(struct probe *p)
{
	p->path_len = 0;
	p->end_missed = 0;
}

void probe_path_sent(struct probe *p, unsigned ttl, int64_t now_ns)
{
	if (p->path_len == 0 || ttl != p->path_len)
		return;
	if (p->end_missed++ == 0)
		p->end_missed_since_ns = now_ns;
}

void probe_path_answer(struct probe *p, unsigned ttl, bool from_target, int64_t rtt_ns)
{
	if (!from_target) {
		if (p->path_len != 0 && ttl >= p->path_len)
			relearn_end(p); /* a router where the target was: the path grew */
		return;
	}
	if (rtt_ns > p->target_rtt_max_ns)
		p->target_rtt_max_ns = rtt_ns;
	if (p->path_len == 0 || ttl < p->path_len) {
		p->path_len = ttl;
		p->end_missed = 0;
	} else if (ttl == p->path_len) {
		p->end_missed = 0;
	}
}

void probe_path_check(struct probe *p, int64_t now_ns)
{
	if (p->path_len != 0 && probe_end_lost(p->end_missed, p->end_missed_since_ns, now_ns,
	                                       p->target_rtt_max_ns, p->prm.timeout_s))
		relearn_end(p);
}

bool probe_done(const struct probe *p)
{
	return p->finished;
}

int probe_status(const struct probe *p)
{
	return p->status;
}

const char *probe_error(const struct probe *p)
{
	return p->error;
}

/* ---- events and the end ---------------------------------------------------- */

void probe_emit(struct probe *p, struct event *ev)
{
	if (p->finished && ev->type != EVENT_ROUND_END)
		return;
	if (p->on_event(p->ctx, ev) < 0 && !p->finished) {
		probe_fail(p, "stopped by the consumer");
		probe_finish(p);
	}
}

void probe_emit_slot(struct probe *p, enum event_type type, const struct probe_slot *s)
{
	struct event ev = { .type = type, .ttl = s->ttl, .seq = s->run_seq - p->seq_base,
			    .round = s->round, .flow = s->flow };
	probe_emit(p, &ev);
}

void probe_finish(struct probe *p)
{
	if (p->finished)
		return;
	p->finished = true;
	cancel_timers(p);
	if (!p->group) /* a group's other traces go on */
		evloop_stop(p->loop);
}
