#include "stats/collect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/epoch_detect.h"
#include "stats/flowstat.h"
#include "stats/hopstat.h"

/* Probe events kept for path epochs: a split rebuilds the statistics from
 * them. Past this many the oldest go (about 3 MiB); a split reaching
 * further back then starts from what is left. */
#define COLLECT_LOG_MAX (1u << 16)
/* Earlier epochs kept; a route flapping for hours drops the oldest (each
 * holds its hops, up to about 30 KiB). */
#define COLLECT_MAX_EPOCHS 100

/* The small fields fill the padding after `from`: 40 bytes, not 48 (a
 * monitored 30-hop target keeps 960 of them). */
struct logent {
	struct model_addr from;
	uint8_t type;   /* enum event_type */
	uint8_t ttl;
	uint8_t flow;   /* < FLOWSTAT_MAX_FLOWS, which is all flowstat counts */
	bool from_target : 1;
	bool nat : 1;
	double rtt_ms;
	unsigned long round;
};
_Static_assert(sizeof(struct logent) <= 40, "a log entry grew past 40 bytes");

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
	/* By TTL: 1 + the round of its latest target reply, and of the latest
	 * before that from another round (0 none). */
	unsigned long target_round[MODEL_MAX_HOPS + 1];
	unsigned long target_round2[MODEL_MAX_HOPS + 1];
	size_t shown;        /* hops in t */
	struct tap taps[COLLECT_MAX_TAPS];
	size_t n_taps;
	/* Path epochs: the current one's first round, its detector, and the
	 * events a split replays (a ring once full). */
	unsigned long epoch_first;
	struct epoch_detect *det;
	struct logent *log;
	size_t log_len, log_cap, log_head, log_max;
	bool log_wrapped;
	unsigned long log_lost_round; /* wrapped: the latest round with an event overwritten */
	unsigned long latest_round;   /* the latest round with an event counted */
	bool replaying;
	bool deferred; /* t is refreshed by collect_sync only */
	bool stale;    /* deferred, and events came since the last sync */
	struct flowstat *flows; /* each responder's own figures; NULL: none */
};

static int sync_all(struct collect *c);
static void fill_all(struct collect *c);

struct collect *collect_new(struct model_trace *t)
{
	struct collect *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->t = t;
	c->log_max = COLLECT_LOG_MAX;
	c->full = model_trace_new();
	c->det = epoch_detect_new(0);
	c->flows = flowstat_new();
	if (!c->full || !c->det || !c->flows) {
		collect_free(c);
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
	epoch_detect_free(c->det);
	free(c->log);
	flowstat_free(c->flows);
	free(c);
}

void collect_limit_log(struct collect *c, size_t entries)
{
	if (c->log_len == 0 && entries >= 1 && entries < COLLECT_LOG_MAX)
		c->log_max = entries;
}

void collect_defer_model(struct collect *c)
{
	c->deferred = true;
	c->stale = true;
}

int collect_sync(struct collect *c)
{
	if (!c->stale)
		return 0;
	c->stale = false;
	fill_all(c);
	return sync_all(c);
}

void collect_varying_flows(struct collect *c)
{
	flowstat_free(c->flows);
	c->flows = NULL;
}

/* The hop's figures from its statistics and its responders' (flowstat.h). */
static void fill_hop(const struct collect *c, const struct hopstat *s, struct model_hop *h)
{
	hopstat_fill(s, h);
	if (c->flows)
		flowstat_fill(c->flows, h);
}

/* Deferred: every hop's figures at once, before anything reads them. */
static void fill_all(struct collect *c)
{
	for (unsigned ttl = 1; ttl <= MODEL_MAX_HOPS && ttl <= c->full->n_hops; ttl++)
		if (c->stats[ttl])
			fill_hop(c, c->stats[ttl], &c->full->hops[ttl - 1]);
}

int collect_add_tap(struct collect *c, event_fn fn, void *ctx)
{
	if (c->n_taps >= COLLECT_MAX_TAPS)
		return -1;
	c->taps[c->n_taps++] = (struct tap){ fn, ctx };
	return 0;
}

/* The first TTL whose latest reply came from the target, unless the target
 * answered at a higher TTL in two later rounds: the path grew (a route
 * change) and that TTL now expires at a silent router. One later round is
 * not enough: when a lossy target misses its end TTL, the engine's
 * relearning round has it answer one TTL farther once. */
static unsigned target_end(const struct collect *c)
{
	unsigned end = 0;
	unsigned long newest = 0; /* the highest target_round2 above ttl */
	for (unsigned ttl = c->max_sent; ttl >= 1; ttl--) {
		if (!c->latest_is_target[ttl])
			continue;
		if (c->target_round[ttl] >= newest)
			end = ttl;
		if (c->target_round2[ttl] > newest)
			newest = c->target_round2[ttl];
	}
	return end;
}

/* mtr's net_max: the first hop whose latest reply came from the target (see
 * target_end), or one past the last hop that answered. The scan is over the
 * TTLs probed, a few dozen bytes. */
static size_t hops_to_show(const struct collect *c)
{
	unsigned end = target_end(c);
	if (end)
		return end;
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
	if (ev->from_target && ev->round + 1 > c->target_round[ev->ttl]) {
		c->target_round2[ev->ttl] = c->target_round[ev->ttl];
		c->target_round[ev->ttl] = ev->round + 1;
	}
	if (ev->from_target)
		c->t->reached = true;
}

static int apply(struct collect *c, const struct event *ev)
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
	if (c->flows && flowstat_event(c->flows, ev) != 0)
		return -1;
	if (!c->deferred || c->replaying) /* deferred: filled when read (fill_all) */
		fill_hop(c, s, h);
	return 0;
}

static int epoch_note(struct collect *c, const struct event *ev);

static int on_probe_event(struct collect *c, const struct event *ev)
{
	if (ev->round < c->epoch_first)
		return 0; /* a probe of an earlier epoch (or of none), whose figures are closed */
	if (!c->replaying && ev->round > c->latest_round)
		c->latest_round = ev->round;
	if (apply(c, ev) != 0 || (!c->replaying && epoch_note(c, ev) != 0))
		return -1;
	if (c->deferred) {
		c->stale = true; /* copied when the model is read (collect_sync) */
		return 0;
	}
	return sync_hop(c, ev->ttl);
}

/* ---- path epochs -------------------------------------------------------------
 * Each probe event is logged; answers go to the detector (epoch_detect.h).
 * On a route change the statistics are rebuilt from the log: once for the
 * closing epoch (kept in the trace's epochs with the hops it showed), once
 * for the new one, from its first round on. Names, AS records and MPLS labels, which the
 * log does not hold, are carried over from the hops as they were. */

static int log_add(struct collect *c, const struct event *ev)
{
	if (c->log_len == c->log_cap && c->log_cap < c->log_max) {
		size_t cap = c->log_cap ? 2 * c->log_cap : 256;
		if (cap > c->log_max)
			cap = c->log_max;
		struct logent *grown = realloc(c->log, cap * sizeof(*grown));
		if (!grown)
			return -1;
		c->log = grown;
		c->log_cap = cap;
	}
	struct logent e = { .from = ev->from, .rtt_ms = ev->rtt_ms, .round = ev->round,
		            .type = (uint8_t)ev->type, .ttl = (uint8_t)ev->ttl,
		            .flow = (uint8_t)(ev->flow < FLOWSTAT_MAX_FLOWS ? ev->flow : FLOWSTAT_MAX_FLOWS),
		            .from_target = ev->from_target, .nat = ev->nat };
	if (c->log_len < c->log_cap) {
		c->log[c->log_len++] = e;
		return 0;
	}
	/* Full: the oldest goes. Its round may still have events logged (a
	 * timeout comes rounds after its send), but no longer all of them. */
	if (!c->log_wrapped || c->log[c->log_head].round > c->log_lost_round)
		c->log_lost_round = c->log[c->log_head].round;
	c->log[c->log_head] = e;
	c->log_head = (c->log_head + 1) % c->log_len;
	c->log_wrapped = true;
	return 0;
}

static const struct logent *log_at(const struct collect *c, size_t i)
{
	return &c->log[(c->log_head + i) % c->log_len];
}

static void reset_stats(struct collect *c, struct model_trace *fresh)
{
	for (size_t i = 0; i <= MODEL_MAX_HOPS; i++) {
		hopstat_free(c->stats[i]);
		c->stats[i] = NULL;
		c->latest_is_target[i] = false;
		c->target_round[i] = c->target_round2[i] = 0;
	}
	c->full = fresh;
	c->max_sent = c->max_heard = 0;
}

/* Each responder's own figures start again with the epoch, as the hops'. */
static int reset_flows(struct collect *c)
{
	if (!c->flows)
		return 0; /* varying flows: none kept */
	flowstat_free(c->flows);
	c->flows = flowstat_new();
	return c->flows ? 0 : -1;
}

/* Applies the logged events of rounds [first, end) to fresh statistics;
 * rounds that lost events to a wrapped log are left out whole, so a timeout
 * is never counted without its send. */
static int replay(struct collect *c, unsigned long first, unsigned long end)
{
	if (c->log_wrapped && first <= c->log_lost_round)
		first = c->log_lost_round + 1;
	struct model_trace *fresh = model_trace_new();
	if (!fresh || reset_flows(c) != 0) {
		model_trace_free(fresh);
		return -1;
	}
	reset_stats(c, fresh);
	for (size_t i = 0; i < c->log_len; i++) {
		const struct logent *e = log_at(c, i);
		if (e->round < first || e->round >= end)
			continue;
		struct event ev = { .type = (enum event_type)e->type, .ttl = e->ttl, .round = e->round,
			            .flow = e->flow, .from = e->from, .from_target = e->from_target,
			            .nat = e->nat, .rtt_ms = e->rtt_ms };
		if (apply(c, &ev) != 0)
			return -1;
	}
	return 0;
}

static void carry_labels(struct model_trace *to, const struct model_trace *from)
{
	for (size_t i = 0; i < to->n_hops && i < from->n_hops; i++) {
		struct model_hop *h = &to->hops[i];
		for (unsigned j = 0; j < h->n_resp; j++) {
			const struct model_hop *o = &from->hops[i];
			for (unsigned k = 0; k < o->n_resp; k++) {
				if (!model_addr_equal(&o->resp[k].addr, &h->resp[j].addr))
					continue;
				memcpy(h->resp[j].mpls, o->resp[k].mpls, sizeof(h->resp[j].mpls));
				h->resp[j].n_mpls = o->resp[k].n_mpls;
			}
			inherit_lookups(from, &h->resp[j]); /* name, AS: wherever it answered */
		}
	}
}

/* ---- the rounds a change straddles ------------------------------------------
 * The round in flight when the path changes has its first TTLs answered by
 * the old path and its later ones by the new, and may lose a probe in
 * between: it belongs to neither. The detector vouches for the rounds
 * before first_round - 1 (the old path's) and after changed_round (the new
 * one's); each round between fits a path when every answer in it came from
 * a responder that path showed at that TTL in the rounds vouched for.
 * Timeouts fit either, so silent rounds still go to the new epoch, as the
 * detector intends. The old epoch ends before the first round between that
 * does not fit it; the new one starts after the last that does not fit it. */

#define SIDE_MAX 16 /* responders per TTL; more is per-packet balancing: any fits */

struct side { /* what one path showed at each TTL */
	struct model_addr addr[MODEL_MAX_HOPS + 1][SIDE_MAX];
	uint8_t n[MODEL_MAX_HOPS + 1]; /* SIDE_MAX + 1: more than SIDE_MAX */
};

struct sides {
	struct side old, now;
};

/* The last round of the closing epoch and the first of the new one. */
struct bounds {
	unsigned long old_last, new_first;
};

static bool side_has(const struct side *s, unsigned ttl, const struct model_addr *a)
{
	if (s->n[ttl] > SIDE_MAX)
		return true;
	for (unsigned i = 0; i < s->n[ttl]; i++)
		if (model_addr_equal(&s->addr[ttl][i], a))
			return true;
	return false;
}

static void side_add(struct side *s, unsigned ttl, const struct model_addr *a)
{
	if (side_has(s, ttl, a))
		return;
	if (s->n[ttl] < SIDE_MAX)
		s->addr[ttl][s->n[ttl]] = *a;
	s->n[ttl]++;
}

static bool is_answer(const struct logent *e)
{
	return e->type == EVENT_REPLY || e->type == EVENT_LATE;
}

/* Each path's responders, from the logged rounds of the current epoch
 * before lo (the old path) and after hi (the new one). */
static void learn_sides(const struct collect *c, unsigned long lo, unsigned long hi,
                        struct sides *s)
{
	for (size_t i = 0; i < c->log_len; i++) {
		const struct logent *e = log_at(c, i);
		if (!is_answer(e) || e->round < c->epoch_first)
			continue;
		if (e->round < lo)
			side_add(&s->old, e->ttl, &e->from);
		else if (e->round > hi)
			side_add(&s->now, e->ttl, &e->from);
	}
}

/* Judges the answers of rounds [lo, hi] against both paths. */
static void judge_between(const struct collect *c, unsigned long lo, unsigned long hi,
                          const struct sides *s, struct bounds *b)
{
	unsigned long misfit_old = hi + 1; /* the first round the old path does not fit */
	for (size_t i = 0; i < c->log_len; i++) {
		const struct logent *e = log_at(c, i);
		if (!is_answer(e) || e->round < lo || e->round > hi)
			continue;
		if (!side_has(&s->now, e->ttl, &e->from) && e->round >= b->new_first)
			b->new_first = e->round + 1;
		if (!side_has(&s->old, e->ttl, &e->from) && e->round < misfit_old)
			misfit_old = e->round;
	}
	unsigned long end = misfit_old < b->new_first ? misfit_old : b->new_first;
	b->old_last = end ? end - 1 : 0;
}

/* Where the closing epoch ends and the new one begins: around the
 * detector's first round, leaving out the rounds that straddle the change.
 * 0, or -1 out of memory. */
static int straddle_bounds(const struct collect *c, const struct epoch_change *ch,
                           struct bounds *b)
{
	b->new_first = ch->first_round;
	b->old_last = ch->first_round ? ch->first_round - 1 : 0;
	unsigned long lo = b->old_last, hi = ch->changed_round;
	if (hi < lo)
		return 0; /* nothing between to judge */
	struct sides *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	learn_sides(c, lo, hi, s);
	judge_between(c, lo, hi, s, b);
	free(s);
	return 0;
}

/* Whether the log still holds every event of the rounds from first on:
 * once wrapped, it lost none of them when the latest round it lost is
 * older. A long run wraps its log once and for all; its later epochs are
 * each still rebuilt while the log reaches back to their start. */
static bool log_holds(const struct collect *c, unsigned long first)
{
	return !c->log_wrapped || c->log_lost_round < first;
}

/* The closing epoch: rebuilt from the log when it still holds its first
 * round, its rounds up to b->old_last; else its figures as they stand,
 * which run to the round the change was recognized in (its last_round
 * then says so). */
static int close_epoch(struct collect *c, const struct epoch_change *ch,
                       const struct bounds *b, const struct model_trace *before)
{
	bool whole = log_holds(c, c->epoch_first);
	if (whole && replay(c, c->epoch_first, b->old_last + 1) != 0)
		return -1;
	struct model_epoch e = { .first_round = c->epoch_first,
		                 .last_round = whole ? b->old_last : c->latest_round,
		                 .change_ttl = ch->ttl, .end_moved = ch->end_moved,
		                 .path = model_trace_new() };
	const struct model_trace *src = whole ? c->full : before;
	size_t n = whole ? hops_to_show(c) : c->shown;
	if (n > src->n_hops)
		n = src->n_hops;
	if (!e.path || model_trace_copy_hops(e.path, src, n) != 0) {
		model_trace_free(e.path);
		return -1;
	}
	carry_labels(e.path, before);
	if (c->t->n_epochs >= COLLECT_MAX_EPOCHS)
		model_epoch_drop_oldest(c->t);
	return model_epoch_add(c->t, &e);
}

/* A fresh detector for the new epoch, taught its answers so far. */
static int restart_detector(struct collect *c)
{
	epoch_detect_free(c->det);
	c->det = epoch_detect_new(c->epoch_first);
	if (!c->det)
		return -1;
	struct epoch_change ignored;
	for (size_t i = 0; i < c->log_len; i++) {
		const struct logent *e = log_at(c, i);
		if (e->type == EVENT_REPLY || e->type == EVENT_LATE)
			(void)epoch_detect_answer(c->det, e->ttl, e->round, &e->from, e->from_target,
			                          &ignored);
	}
	return 0;
}

static int split(struct collect *c, const struct epoch_change *ch)
{
	struct bounds b;
	if (straddle_bounds(c, ch, &b) != 0)
		return -1;
	struct model_trace *before = c->full;
	int rc = close_epoch(c, ch, &b, before);
	if (c->full != before)
		model_trace_free(c->full);
	c->full = before;
	c->epoch_first = c->t->epoch_first_round = b.new_first;
	if (rc == 0)
		rc = replay(c, c->epoch_first, (unsigned long)-1);
	if (rc == 0)
		carry_labels(c->full, before);
	if (c->full != before)
		model_trace_free(before);
	if (rc != 0 || restart_detector(c) != 0)
		return -1;
	return sync_all(c);
}

static int epoch_note(struct collect *c, const struct event *ev)
{
	if (log_add(c, ev) != 0)
		return -1;
	if (ev->type != EVENT_REPLY && ev->type != EVENT_LATE)
		return 0;
	struct epoch_change ch;
	if (!epoch_detect_answer(c->det, ev->ttl, ev->round, &ev->from, ev->from_target, &ch))
		return 0;
	if (c->deferred)
		fill_all(c); /* the closing epoch may keep the figures as they stand */
	c->replaying = true;
	int rc = split(c, &ch);
	c->replaying = false;
	return rc;
}

static void set_name(struct model_responder *r, const char *text)
{
	snprintf(r->name, sizeof(r->name), "%s", text);
	model_text_clean(r->name);
}

static void set_ipinfo(struct model_responder *r, const char *text)
{
	snprintf(r->ipinfo, sizeof(r->ipinfo), "%s", text);
	model_text_clean(r->ipinfo);
	r->asn = model_ipinfo_asn(r->ipinfo);
}

/* A lookup's answer (NAME, IPINFO) goes to every responder with its address,
 * at whatever hops it answered. */
static int on_lookup(struct collect *c, const struct event *ev,
                     void (*set)(struct model_responder *, const char *))
{
	if (!ev->name)
		return 0;
	for (size_t i = 0; i < c->full->n_hops; i++) {
		struct model_hop *h = &c->full->hops[i];
		for (unsigned j = 0; j < h->n_resp; j++)
			if (model_addr_equal(&h->resp[j].addr, &ev->from))
				set(&h->resp[j], ev->name);
	}
	return sync_all(c);
}

static int update(struct collect *c, const struct event *ev)
{
	switch (ev->type) {
	case EVENT_NAME:
		return on_lookup(c, ev, set_name);
	case EVENT_IPINFO:
		return on_lookup(c, ev, set_ipinfo);
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
