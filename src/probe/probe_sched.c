/* probe_sched: when probes go and when they are given up. Rounds start every
 * -i, their probes leave one rate-limit interval apart, a FIFO in send order
 * times them out after -Z, and after the last round -G bounds the wait.
 * Tests: tests/unit/probe/test_probe.c tests/lab/t_probe.sh. */
#include "probe/probe_int.h"

static bool round_complete(const struct probe *p, unsigned long r)
{
	if (r >= p->rounds_begun || (r == p->round && !p->round_sent))
		return false;
	return probe_table_waiting(p->table, r) == 0;
}

/* ROUND_END in round order, each once every probe of its round is settled. */
void probe_sched_end_rounds(struct probe *p)
{
	while (!p->finished && round_complete(p, p->next_end)) {
		struct event ev = { .type = EVENT_ROUND_END, .round = p->next_end++ };
		probe_emit(p, &ev);
	}
	/* Settled rounds may still hold timed-out probes; once this path has
	 * answered late, theirs may be on the way too, so -G decides the end. */
	if (p->sending_done && p->next_end >= p->rounds_begun && !p->seen_late)
		probe_finish(p);
}

/* ---- timeouts ------------------------------------------------------------- */

int64_t probe_sched_timeout_ns(const struct probe *p)
{
	return (int64_t)(p->prm.timeout_s * 1e9);
}

static const struct probe_slot *fifo_oldest(const struct probe *p, unsigned long *seq)
{
	*seq = p->fifo[p->fifo_head];
	return probe_table_slot(p->table, probe_wire_seq(*seq));
}

static void fifo_pop(struct probe *p)
{
	p->fifo_head = (p->fifo_head + 1) % p->fifo_cap;
	p->fifo_len--;
}

static void on_timeout_timer(void *ctx);

void probe_sched_arm_timeout(struct probe *p)
{
	if (p->timeout_timer || p->fifo_len == 0 || p->finished)
		return;
	unsigned long seq;
	const struct probe_slot *s = fifo_oldest(p, &seq);
	p->timeout_timer = evloop_add_timer(p->loop, s->sent_ns + probe_sched_timeout_ns(p), on_timeout_timer, p);
}

void probe_sched_expire(struct probe *p, uint16_t wseq)
{
	probe_table_resolve(p->table, wseq, PROBE_SLOT_TIMED_OUT);
	const struct probe_slot *s = probe_table_slot(p->table, wseq);
	if (!p->answered[s->ttl])
		p->silent[s->ttl] = true;
	probe_emit_slot(p, EVENT_TIMEOUT, s);
}

/* Expires every probe at the head of the FIFO that is due by now_ns; with
 * all, every one still waiting (the end of -G). */
static void expire_due(struct probe *p, int64_t now_ns, bool all)
{
	while (p->fifo_len > 0 && !p->finished) {
		unsigned long seq;
		const struct probe_slot *s = fifo_oldest(p, &seq);
		bool waiting = s->run_seq == seq && s->state == PROBE_SLOT_WAITING;
		if (!all && waiting && s->sent_ns + probe_sched_timeout_ns(p) > now_ns)
			break;
		fifo_pop(p);
		if (waiting)
			probe_sched_expire(p, probe_wire_seq(seq));
	}
}

static void on_timeout_timer(void *ctx)
{
	struct probe *p = ctx;
	p->timeout_timer = 0;
	expire_due(p, evloop_now_ns(), false);
	probe_sched_end_rounds(p);
	probe_sched_arm_timeout(p);
}

/* A probe went out (or was lost on the way): it waits in the FIFO. */
void probe_sched_track(struct probe *p, unsigned long seq)
{
	if (p->fifo_len == p->fifo_cap) /* drop the oldest; its slot is reused */
		fifo_pop(p);
	p->fifo[(p->fifo_head + p->fifo_len) % p->fifo_cap] = seq;
	p->fifo_len++;
}

/* ---- rounds ----------------------------------------------------------------- */

static unsigned round_limit(const struct probe *p)
{
	unsigned max = p->prm.max_ttl < MODEL_MAX_HOPS ? p->prm.max_ttl : MODEL_MAX_HOPS;
	return probe_ttl_limit(p->prm.first_ttl, max, p->path_len, p->prm.max_unknown, p->answered,
	                       p->silent);
}

static void on_send_timer(void *ctx);
static void round_sent(struct probe *p);

/* Flows a TTL is probed on: as many as the MDA stopping rule asks for what
 * it, or any TTL before it, has shown (one without --flows). Flows that
 * parted at a branch stay on to the end, so every hop past it is seen by
 * each branch's flows. */
static unsigned active_flows(const struct probe *p, unsigned ttl)
{
	unsigned most = 1;
	for (unsigned t = p->prm.first_ttl; p->mda && t <= ttl; t++) {
		unsigned n = probe_mda_flows(&p->mda[t], p->prm.flows);
		most = n > most ? n : most;
	}
	return most;
}

/* The TTL's next flow, or the next TTL. */
static void next_probe(struct probe *p)
{
	unsigned flows = active_flows(p, p->next_ttl);
	if (++p->next_flow < flows)
		return;
	p->next_flow = 0;
	p->next_ttl++;
}

static int64_t interval_ns(const struct probe *p)
{
	return (int64_t)(p->prm.interval_s * 1e9);
}

/* When the round's next probe may leave by its pacing: the first at once,
 * each other one spacing after the one before; the spacing grows as the path
 * is learned (fewer TTLs share the interval), and --flows N shares it N
 * ways. */
static int64_t paced_ns(const struct probe *p, unsigned limit, int64_t now)
{
	if (p->next_ttl <= p->prm.first_ttl && p->next_flow == 0)
		return now;
	int64_t spacing = probe_round_spacing_ns(interval_ns(p), p->prm.first_ttl, limit);
	return p->last_send_ns + spacing / (p->prm.flows > 1 ? p->prm.flows : 1);
}

/* Sends the round's remaining TTLs, each when its pacing and the rate limit
 * allow. */
static void send_due(struct probe *p)
{
	double pps = p->prm.max_pps;
	while (!p->finished && !p->round_sent) {
		unsigned limit = round_limit(p);
		if (p->next_ttl > limit) { /* the limit shrinks as the path is learned */
			round_sent(p);
			return;
		}
		int64_t now = evloop_now_ns();
		int64_t due = paced_ns(p, limit, now);
		if (due <= now)
			due = probe_bucket_take(p->rate, now, pps, p->rate_burst);
		if (due > now) {
			p->send_timer = evloop_add_timer(p->loop, due, on_send_timer, p);
			return;
		}
		p->last_send_ns = now;
		probe_path_sent(p, p->next_ttl, now);
		if (probe_send(p, p->next_ttl, p->next_flow) < 0) {
			probe_finish(p);
			return;
		}
		next_probe(p);
	}
}

static void on_send_timer(void *ctx)
{
	struct probe *p = ctx;
	p->send_timer = 0;
	send_due(p);
}

static void on_round_timer(void *ctx);

static void begin_round(struct probe *p)
{
	if (p->rounds_begun - p->next_end >= PROBE_ROUND_RING) { /* too many open rounds: wait */
		p->send_timer = evloop_add_timer(p->loop, evloop_now_ns() + 10000000, on_round_timer, p);
		return;
	}
	p->round = p->rounds_begun++;
	p->round_sent = false;
	probe_path_check(p, evloop_now_ns());
	p->next_ttl = p->prm.first_ttl;
	p->next_flow = 0;
	send_due(p);
}

static void on_grace_timer(void *ctx)
{
	struct probe *p = ctx;
	p->grace_timer = 0;
	/* -G is how long the run waits for its last replies: a probe still
	 * unanswered now is lost, whatever -Z says (as in mtr). */
	expire_due(p, 0, true);
	probe_sched_end_rounds(p);
	probe_finish(p);
}

static void on_round_timer(void *ctx)
{
	struct probe *p = ctx;
	p->send_timer = 0;
	/* Rounds keep to their schedule (no drift from wake-up latency) unless
	 * one started a whole interval late. */
	int64_t now = evloop_now_ns();
	p->round_start_ns = now - p->next_round_ns < interval_ns(p) ? p->next_round_ns : now;
	begin_round(p);
}

static void round_sent(struct probe *p)
{
	p->round_sent = true;
	unsigned long cycles = p->prm.cycles;
	if (cycles == 0 || p->rounds_begun < cycles) {
		p->next_round_ns = p->round_start_ns + interval_ns(p);
		p->send_timer = evloop_add_timer(p->loop, p->next_round_ns, on_round_timer, p);
	} else {
		p->sending_done = true;
		int64_t grace = (int64_t)(p->prm.gracetime_s * 1e9);
		p->grace_timer = evloop_add_timer(p->loop, evloop_now_ns() + grace, on_grace_timer, p);
	}
	probe_sched_end_rounds(p);
}

int probe_sched_start_at(struct probe *p, int64_t when_ns)
{
	p->round_start_ns = p->next_round_ns = when_ns;
	probe_bucket_init(&p->bucket, probe_burst(p->prm.max_pps), when_ns);
	p->send_timer = evloop_add_timer(p->loop, when_ns, on_round_timer, p);
	return p->send_timer ? 0 : -1;
}

int probe_start(struct probe *p)
{
	return probe_sched_start_at(p, evloop_now_ns());
}
