/* The follow-ups as a plan of steps (the view runs them one at a time, a
 * report run all at once): what each step probes, within the budget, and
 * how what a step heard becomes the results the diagnosis reads. No probe is
 * sent: the socket sets are stand-ins the plan never opens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "../diag/diag_build.h"
#include "cli/followup.h"
#include "cli/opts.h"

/* Public hops, then a silent 9th: over ICMP alone, a target dropping echo. */
static const struct hs silent_end[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},      {"10.0.0.1", 0, 11.1, 10.0, 12.5, 0.7},
    {"172.16.0.1", 0, 20.5, 19.5, 21.0, 0.5},    {"203.0.113.5", 0, 30.3, 29.5, 31.5, 0.6},
    {"203.0.113.9", 0, 40.5, 39.5, 41.0, 0.4},   {"198.51.100.1", 0, 50.2, 49.5, 51.5, 0.7},
    {"198.51.100.10", 0, 60.5, 60.0, 61.3, 0.5}, {"198.51.100.20", 0, 70.0, 69.5, 71.2, 0.6},
    {NULL, 100, 0, 0, 0, 0},
};

static char stand_in[3]; /* never dereferenced: the plan only hands them on */

static struct view_sockets all_sockets(void)
{
	struct view_sockets vs;
	memset(&vs, 0, sizeof(vs));
	for (int p = MODEL_PROTO_ICMP; p <= MODEL_PROTO_TCP; p++)
		vs.by_proto[p] = (struct probe_sockets *)(void *)&stand_in[p];
	return vs;
}

static struct config diagnose_cfg(enum model_proto proto)
{
	struct config c;
	opts_defaults(&c);
	c.diagnose = true;
	c.probe.proto = proto;
	return c;
}

static void plan_of(struct model_trace *t, const struct config *c, const struct view_sockets *vs,
                    struct followup_plan *plan)
{
	assert_int_equal(model_addr_parse("198.51.100.99", &t->dst_addr), 0);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	followup_plan(c, vs, t, &l, plan);
	finding_list_free(&l);
}

static unsigned long probes_of(const struct followup_plan *plan)
{
	unsigned long n = 0;
	for (size_t i = 0; i < plan->n; i++)
		n += plan->step[i].params.cycles;
	return n;
}

static void a_silent_target_gets_tcp_443_80_and_udp_at_the_max_ttl(void **state)
{
	(void)state;
	struct config c = diagnose_cfg(MODEL_PROTO_ICMP);
	struct view_sockets vs = all_sockets();
	struct model_trace *t = BUILD(silent_end, 50);
	struct followup_plan plan;
	plan_of(t, &c, &vs, &plan);
	assert_int_equal(plan.n, 3);
	const unsigned port[3] = { 443, 80, 0 };
	const enum model_proto proto[3] = { MODEL_PROTO_TCP, MODEL_PROTO_TCP, MODEL_PROTO_UDP };
	for (size_t i = 0; i < 3; i++) {
		const struct probe_params *pp = &plan.step[i].params;
		assert_false(plan.step[i].rate);
		assert_int_equal(pp->proto, proto[i]);
		assert_int_equal(pp->port, port[i]);
		assert_int_equal(pp->first_ttl, c.probe.max_ttl);
		assert_int_equal(pp->max_ttl, c.probe.max_ttl);
		assert_true(model_addr_equal(&pp->dst, &t->dst_addr));
		assert_ptr_equal(plan.step[i].socks, vs.by_proto[proto[i]]);
	}
	assert_true(probes_of(&plan) <= DIAG_FOLLOWUP_BUDGET);
	model_trace_free(t);
}

static void a_protocol_without_sockets_is_left_out(void **state)
{
	(void)state;
	struct config c = diagnose_cfg(MODEL_PROTO_ICMP);
	struct view_sockets vs = all_sockets();
	vs.by_proto[MODEL_PROTO_UDP] = NULL;
	struct model_trace *t = BUILD(silent_end, 50);
	struct followup_plan plan;
	plan_of(t, &c, &vs, &plan);
	assert_int_equal(plan.n, 2);
	model_trace_free(t);
}

static void tcp_probes_already_answered_r4(void **state)
{
	(void)state;
	struct config c = diagnose_cfg(MODEL_PROTO_TCP);
	struct view_sockets vs = all_sockets();
	struct model_trace *t = BUILD(silent_end, 50);
	struct followup_plan plan;
	plan_of(t, &c, &vs, &plan);
	assert_int_equal(plan.n, 0);
	model_trace_free(t);
}

static void loss_that_does_not_persist_gets_two_rates_at_its_ttl(void **state)
{
	(void)state;
	struct config c = diagnose_cfg(MODEL_PROTO_ICMP);
	c.probe.interval_s = 0.2;
	struct view_sockets vs = all_sockets();
	struct hs p[8];
	memcpy(p, silent_end, sizeof(p)); /* the 8 answering hops */
	p[3].loss = 30.0;
	struct model_trace *t = BUILD(p, 50);
	struct followup_plan plan;
	plan_of(t, &c, &vs, &plan);
	assert_int_equal(plan.n, 2);
	for (unsigned k = 0; k < 2; k++) {
		assert_true(plan.step[k].rate);
		assert_int_equal(plan.step[k].k, k);
		assert_int_equal(plan.step[k].params.first_ttl, 4);
		assert_int_equal(plan.step[k].params.max_ttl, 4);
		assert_int_equal(plan.step[k].params.cycles, FOLLOWUP_RATE_PROBES);
	}
	assert_true(fabs(plan.step[0].params.interval_s - 0.4) < 1e-9);
	assert_true(fabs(plan.step[1].params.interval_s - 0.05) < 1e-9);
	assert_true(probes_of(&plan) <= DIAG_FOLLOWUP_BUDGET);
	model_trace_free(t);
}

static void what_a_step_heard_is_counted(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	assert_int_equal(model_addr_parse("198.51.100.99", &t->dst_addr), 0);
	struct followup_count c;
	followup_count_init(&c, t);
	struct event ev = { .type = EVENT_SENT };
	for (int i = 0; i < 3; i++)
		assert_int_equal(followup_count_event(&c, &ev), 0);
	ev = (struct event){ .type = EVENT_REPLY, .rtt_ms = 7.5 };
	assert_int_equal(model_addr_parse("203.0.113.5", &ev.from), 0); /* a router */
	followup_count_event(&c, &ev);
	ev.from = t->dst_addr;
	ev.rtt_ms = 9.25;
	followup_count_event(&c, &ev);
	assert_int_equal(c.sent, 3);
	assert_int_equal(c.replies, 2);
	assert_int_equal(c.from_target, 1);
	assert_true(fabs(c.best_ms - 9.25) < 1e-9);
	model_trace_free(t);
}

static void steps_record_into_the_results_and_a_half_rate_is_dropped(void **state)
{
	(void)state;
	struct diag_followup fu;
	memset(&fu, 0, sizeof(fu));
	struct followup_step target = { .params = { .proto = MODEL_PROTO_TCP, .port = 443 } };
	struct followup_count heard = { .sent = 3, .replies = 3, .from_target = 2, .best_ms = 4.0 };
	followup_record(&target, &heard, &fu);
	assert_int_equal(fu.n_target, 1);
	assert_int_equal(fu.target[0].port, 443);
	assert_int_equal(fu.target[0].answered, 2);
	struct followup_step slow = { .params = { .first_ttl = 3, .interval_s = 0.4 }, .rate = true };
	struct followup_count lost = { .sent = 20, .replies = 15 };
	followup_record(&slow, &lost, &fu);
	assert_int_equal(fu.rate.ttl, 3);
	assert_int_equal(fu.rate.lost[0], 5);
	followup_finish(&fu); /* stopped before the faster run */
	assert_int_equal(fu.rate.ttl, 0);
	assert_int_equal(fu.n_target, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_silent_target_gets_tcp_443_80_and_udp_at_the_max_ttl),
		cmocka_unit_test(a_protocol_without_sockets_is_left_out),
		cmocka_unit_test(tcp_probes_already_answered_r4),
		cmocka_unit_test(loss_that_does_not_persist_gets_two_rates_at_its_ttl),
		cmocka_unit_test(what_a_step_heard_is_counted),
		cmocka_unit_test(steps_record_into_the_results_and_a_half_rate_is_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
