/* monitor: many targets, their rounds into the history (monitor.h). */
#include "monitor/monitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/monitor_round.h"
#include "probe/probe_group.h"
#include "stats/collect.h"

#define COMMIT_EVERY_NS 1000000000LL
/* Rounds of probe events each target's collector keeps for path epochs:
 * enough for the detector's 2 x 5 answers and the rounds a change takes to
 * be recognized; the default (65,536 events, 3 MiB) per target would be GBs
 * with 1,000 targets. */
#define EPOCH_LOG_ROUNDS 16

struct monitor_target {
	struct monitor *m;
	char name[MODEL_NAME_MAX];
	int64_t id;
	struct monitor_acc *acc;
	struct model_trace *trace;
	struct collect *collect;
};

struct monitor {
	struct evloop *loop;
	struct probe_group *group;
	struct monitor_db *db;
	monitor_notice_fn notice;
	void *ctx;
	struct monitor_target **t;
	size_t n, cap;
	evloop_timer_id commit_timer;
	unsigned long rounds;
	bool told_stopped;
};

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct monitor *monitor_new(struct evloop *loop, struct probe_sockets *s, double rate_pps,
                            struct monitor_db *db, monitor_notice_fn notice, void *ctx,
                            char *err, size_t errlen)
{
	struct monitor *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*m = (struct monitor){ .loop = loop, .db = db, .notice = notice, .ctx = ctx };
	m->group = probe_group_new(s, loop, rate_pps, err, errlen);
	if (!m->group) {
		free(m);
		return NULL;
	}
	return m;
}

static void tell_if_stopped(struct monitor *m)
{
	if (m->told_stopped || !monitor_db_stopped(m->db))
		return;
	m->told_stopped = true;
	if (m->notice)
		m->notice(m->ctx, monitor_db_error(m->db));
}

static int on_round(void *ctx, const struct monitor_round *r)
{
	struct monitor_target *t = ctx;
	t->m->rounds++;
	if (monitor_db_add_round(t->m->db, t->id, r) < 0)
		tell_if_stopped(t->m);
	return 0; /* probing goes on whatever became of the write */
}

static int on_event(void *ctx, const struct event *ev)
{
	struct monitor_target *t = ctx;
	if (collect_event(t->collect, ev) < 0)
		return -1;
	/* Only a SENT can open a round, so only a SENT reads the wall clock
	 * (one vDSO read per probe; replies and timeouts read none). */
	return monitor_acc_event(t->acc, ev, ev->type == EVENT_SENT ? wall_ms() : 0);
}

static void target_free(struct monitor_target *t)
{
	if (!t)
		return;
	monitor_acc_free(t->acc);
	collect_free(t->collect);
	model_trace_free(t->trace);
	free(t);
}

static struct monitor_target *target_new(struct monitor *m, const struct probe_params *pp)
{
	struct monitor_target *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->m = m;
	snprintf(t->name, sizeof(t->name), "%s", pp->target ? pp->target : "");
	t->acc = monitor_acc_new(on_round, t);
	t->trace = model_trace_new();
	if (t->trace)
		t->collect = collect_new(t->trace);
	if (!t->acc || !t->collect) {
		target_free(t);
		return NULL;
	}
	/* A sent and an answer or timeout per TTL and round */
	collect_limit_log(t->collect, 2u * (pp->max_ttl ? pp->max_ttl : 1) * EPOCH_LOG_ROUNDS);
	/* read by the metrics walk only: copied then, not on every event */
	collect_defer_model(t->collect);
	snprintf(t->trace->dst, sizeof(t->trace->dst), "%s", t->name);
	t->trace->dst_addr = pp->dst;
	t->trace->proto = pp->proto;
	t->trace->psize = pp->psize;
	return t;
}

static int keep_target(struct monitor *m, struct monitor_target *t)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct monitor_target **a = realloc(m->t, cap * sizeof(*a));
		if (!a)
			return -1;
		m->t = a;
		m->cap = cap;
	}
	m->t[m->n++] = t;
	return 0;
}

int monitor_add(struct monitor *m, const struct probe_params *params, char *err, size_t errlen)
{
	char addr[64];
	struct monitor_target *t = target_new(m, params);
	if (!t || keep_target(m, t) < 0) {
		target_free(t);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (monitor_db_target(m->db, t->name, model_addr_text(&params->dst, addr, sizeof(addr)),
	                      &t->id, err, errlen) < 0 ||
	    !probe_group_add(m->group, params, on_event, t, err, errlen)) {
		target_free(m->t[--m->n]);
		return -1;
	}
	return 0;
}

static void on_commit(void *ctx)
{
	struct monitor *m = ctx;
	if (monitor_db_commit(m->db) < 0)
		tell_if_stopped(m);
	m->commit_timer = evloop_add_timer(m->loop, evloop_now_ns() + COMMIT_EVERY_NS, on_commit, m);
}

int monitor_start(struct monitor *m)
{
	if (probe_group_start(m->group) < 0)
		return -1;
	m->commit_timer = evloop_add_timer(m->loop, evloop_now_ns() + COMMIT_EVERY_NS, on_commit, m);
	return m->commit_timer ? 0 : -1;
}

void monitor_free(struct monitor *m)
{
	if (!m)
		return;
	if (m->commit_timer)
		evloop_cancel_timer(m->loop, m->commit_timer);
	/* Replies already queued end their rounds, which then go in the
	 * last commit: the loop may have stopped up to a wake window after
	 * they came. */
	probe_group_read_pending(m->group);
	probe_group_free(m->group); /* no event after this */
	monitor_db_commit(m->db);
	for (size_t i = 0; i < m->n; i++)
		target_free(m->t[i]);
	free(m->t);
	free(m);
}

unsigned long monitor_rounds(const struct monitor *m)
{
	return m->rounds;
}

void monitor_each_trace(const struct monitor *m, monitor_trace_fn fn, void *ctx)
{
	for (size_t i = 0; i < m->n; i++) {
		(void)collect_sync(m->t[i]->collect); /* out of memory: the figures as last synced */
		fn(ctx, m->t[i]->name, m->t[i]->trace);
	}
}
