/* followup: see followup.h. Each follow-up is a short trace of one TTL
 * (first = max TTL), so the engine sends one probe per round and its -c is
 * the probe count. */
#include "cli/followup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "base/evloop.h"
#include "probe/probe.h"

#define FOLLOWUP_MAX_GRACE_S 2.0    /* a silent target is not waited for longer */
#define FOLLOWUP_MAX_INTERVAL_S 0.5 /* between the target's probes */
#define FOLLOWUP_SLOWER 2.0         /* the slower rate: the main run's interval times this */
#define FOLLOWUP_FASTER 0.25        /* the faster one */
/* The faster rate's floor: 20 probes a second to one router at most. The
 * faster run goes to one TTL only, so even at mtr's unprivileged -i 1 (a
 * probe every 0.25 s) it sends fewer packets a second than the main run did
 * on any path of four hops or more. */
#define FOLLOWUP_MIN_INTERVAL_S 0.05

void followup_count_init(struct followup_count *c, const struct model_trace *t)
{
	*c = (struct followup_count){ .dst = t->dst_addr, .best_ms = NAN };
}

int followup_count_event(void *ctx, const struct event *ev)
{
	struct followup_count *c = ctx;
	if (ev->type == EVENT_SENT) {
		c->sent++;
	} else if (ev->type == EVENT_REPLY) {
		c->replies++;
		if (ev->from_target || model_addr_equal(&ev->from, &c->dst)) {
			c->from_target++;
			if (isnan(c->best_ms) || ev->rtt_ms < c->best_ms)
				c->best_ms = ev->rtt_ms;
		}
	}
	return 0;
}

static int trace_once(struct probe_sockets *s, const struct probe_params *pp,
                      const volatile sig_atomic_t *stop, struct followup_count *c, char *err,
                      size_t errlen)
{
	struct evloop *loop = evloop_new();
	if (!loop) {
		snprintf(err, errlen, "follow-up: out of memory");
		return -1;
	}
	if (stop)
		evloop_watch_flag(loop, stop);
	struct probe *p = probe_setup(s, pp, loop, followup_count_event, c, err, errlen);
	int rc = p ? 0 : -1;
	if (rc == 0 && (probe_start(p) < 0 || evloop_run(loop) < 0)) {
		snprintf(err, errlen, "follow-up: the probes could not run");
		rc = -1;
	}
	if (rc == 0 && probe_status(p) < 0) {
		snprintf(err, errlen, "follow-up: %s", probe_error(p));
		rc = -1;
	}
	probe_free(p);
	evloop_free(loop);
	return rc;
}

/* The main run's settings, narrowed to one TTL of t's target. */
static struct probe_params one_ttl(const struct config *cfg, const struct model_trace *t,
                                   unsigned ttl, unsigned long probes)
{
	struct probe_params pp = cfg->probe;
	pp.dst = t->dst_addr;
	pp.first_ttl = pp.max_ttl = ttl;
	pp.cycles = probes;
	pp.max_unknown = 0;
	pp.gracetime_s = fmin(pp.gracetime_s, FOLLOWUP_MAX_GRACE_S);
	return pp;
}

bool followup_wanted(const struct config *cfg)
{
	return cfg->diagnose && !cfg->no_follow_up;
}

static void plan_target(const struct config *cfg, const struct view_sockets *socks,
                        const struct model_trace *t, struct followup_plan *plan)
{
	static const struct {
		enum model_proto proto;
		unsigned port;
	} kinds[DIAG_FOLLOWUP_TRIES] = {
	    {MODEL_PROTO_TCP, 443}, {MODEL_PROTO_TCP, 80}, {MODEL_PROTO_UDP, 0}};
	for (size_t i = 0; i < DIAG_FOLLOWUP_TRIES; i++) {
		struct probe_sockets *s = socks->by_proto[kinds[i].proto];
		if (!s)
			continue; /* that protocol's sockets could not be opened */
		struct probe_params pp = one_ttl(cfg, t, cfg->probe.max_ttl, FOLLOWUP_TARGET_PROBES);
		pp.proto = kinds[i].proto;
		pp.port = kinds[i].port;
		pp.local_port = 0;
		pp.interval_s = fmin(pp.interval_s, FOLLOWUP_MAX_INTERVAL_S);
		plan->step[plan->n++] = (struct followup_step){ .socks = s, .params = pp };
	}
}

static void plan_rates(const struct config *cfg, const struct view_sockets *socks,
                       const struct model_trace *t, unsigned ttl, struct followup_plan *plan)
{
	struct probe_sockets *s = socks->by_proto[cfg->probe.proto];
	const double factor[2] = { FOLLOWUP_SLOWER, FOLLOWUP_FASTER };
	for (unsigned k = 0; k < 2 && s; k++) {
		struct probe_params pp = one_ttl(cfg, t, ttl, FOLLOWUP_RATE_PROBES);
		pp.interval_s = fmax(cfg->probe.interval_s * factor[k], FOLLOWUP_MIN_INTERVAL_S);
		plan->step[plan->n++] = (struct followup_step){ .socks = s, .params = pp, .rate = true,
			                                        .k = k };
	}
}

void followup_plan(const struct config *cfg, const struct view_sockets *socks,
                   const struct model_trace *t, const struct finding_list *main,
                   struct followup_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	bool target;
	unsigned rate_ttl;
	diag_followup_plan(t, main, &target, &rate_ttl);
	if (t->dst_addr.family == AF_UNSPEC)
		return; /* no address: nothing to probe */
	/* TCP probes were R4's remedy already: the main run answered it. */
	if (target && cfg->probe.proto != MODEL_PROTO_TCP)
		plan_target(cfg, socks, t, plan);
	if (rate_ttl)
		plan_rates(cfg, socks, t, rate_ttl, plan);
}

void followup_record(const struct followup_step *step, const struct followup_count *c,
                     struct diag_followup *out)
{
	if (!step->rate) {
		if (out->n_target < DIAG_FOLLOWUP_TRIES)
			out->target[out->n_target++] = (struct diag_followup_try){
			    .proto = step->params.proto, .port = step->params.port, .sent = c->sent,
			    .answered = c->from_target, .best_ms = c->best_ms};
		return;
	}
	struct diag_followup_rate *r = &out->rate;
	r->ttl = step->params.first_ttl;
	r->interval_s[step->k] = step->params.interval_s;
	r->sent[step->k] = c->sent;
	r->lost[step->k] = c->sent - (c->replies < c->sent ? c->replies : c->sent);
}

void followup_finish(struct diag_followup *out)
{
	if (!out->rate.sent[0] || !out->rate.sent[1])
		memset(&out->rate, 0, sizeof(out->rate));
}

int followup_run(const struct config *cfg, const struct view_sockets *socks,
                 const struct model_trace *t, const struct finding_list *main,
                 const volatile sig_atomic_t *stop, struct diag_followup *out, char *err,
                 size_t errlen)
{
	memset(out, 0, sizeof(*out));
	struct followup_plan plan;
	followup_plan(cfg, socks, t, main, &plan);
	int rc = 0;
	for (size_t i = 0; i < plan.n && rc == 0 && !(stop && *stop); i++) {
		struct followup_count c;
		followup_count_init(&c, t);
		rc = trace_once(plan.step[i].socks, &plan.step[i].params, stop, &c, err, errlen);
		if (rc == 0)
			followup_record(&plan.step[i], &c, out);
	}
	followup_finish(out);
	return rc;
}
