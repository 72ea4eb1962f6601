/* Follow-up probes read by the diagnosis (issue 13): the target probed
 * again settles R4 against R5; a hop probed at two rates confirms R2's rate
 * limiting or says it is not; the plan asks for what the main run left open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "diag/diag_followup.h"
#include "diag_build.h"

/* Public hops, then a silent 9th: over ICMP alone, a target dropping echo (R4). */
static const struct hs silent_end[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},      {"10.0.0.1", 0, 11.1, 10.0, 12.5, 0.7},
    {"172.16.0.1", 0, 20.5, 19.5, 21.0, 0.5},    {"203.0.113.5", 0, 30.3, 29.5, 31.5, 0.6},
    {"203.0.113.9", 0, 40.5, 39.5, 41.0, 0.4},   {"198.51.100.1", 0, 50.2, 49.5, 51.5, 0.7},
    {"198.51.100.10", 0, 60.5, 60.0, 61.3, 0.5}, {"198.51.100.20", 0, 70.0, 69.5, 71.2, 0.6},
    {NULL, 100, 0, 0, 0, 0},
};

/* Replies stop right after the client's own router: ICMP alone reads a cut. */
static const struct hs silent_after_lan[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},
    {NULL, 100, 0, 0, 0, 0},
};

static struct diag_followup target_followup(unsigned answered)
{
	struct diag_followup fu;
	memset(&fu, 0, sizeof(fu));
	const enum model_proto proto[3] = { MODEL_PROTO_TCP, MODEL_PROTO_TCP, MODEL_PROTO_UDP };
	const unsigned port[3] = { 443, 80, 0 };
	for (size_t i = 0; i < 3; i++)
		fu.target[i] = (struct diag_followup_try){ proto[i], port[i], 3, 0, NAN };
	fu.target[0].answered = answered;
	fu.target[0].best_ms = answered ? 12.14 : NAN;
	fu.n_target = 3;
	return fu;
}

static struct finding_list diagnose(struct model_trace *t, const struct diag_followup *fu)
{
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace_followup(t, fu, &l), 0);
	assert_true(l.n >= 1);
	model_trace_free(t);
	return l;
}

static struct finding_list diagnose_kept(const struct model_trace *t)
{
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	return l;
}

static void without_followup_icmp_alone_reads_a_filter(void **state)
{
	(void)state;
	struct finding_list l = diagnose(BUILD(silent_end, 50), NULL);
	assert_int_equal(l.items[0].kind, FINDING_DESTINATION_FILTERED);
	assert_int_equal(l.items[0].hop, 9);
	assert_null(strstr(l.items[0].evidence, "follow-up"));
	finding_list_free(&l);
}

static void target_silent_to_every_followup_is_a_cut(void **state)
{
	(void)state;
	struct diag_followup fu = target_followup(0);
	struct finding_list l = diagnose(BUILD(silent_end, 50), &fu);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->kind, FINDING_PATH_INTERRUPTED);
	assert_int_equal(f->hop, 8);
	assert_non_null(strstr(f->evidence, "follow-up: TCP 443 no answer from the target (0 of 3); "
	                                    "TCP 80 no answer from the target (0 of 3); UDP no "
	                                    "answer from the target (0 of 3); 9 probes."));
	assert_non_null(strstr(f->evidence, "(R5)"));
	finding_list_free(&l);
}

static void target_answering_tcp_filters_only_icmp(void **state)
{
	(void)state;
	struct diag_followup fu = target_followup(2);
	struct finding_list l = diagnose(BUILD(silent_end, 50), &fu);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->kind, FINDING_DESTINATION_FILTERED);
	assert_int_equal(f->hop, 9);
	assert_non_null(strstr(f->evidence, "follow-up: TCP 443 answered in 12.1 ms (2 of 3)"));
	assert_null(strstr(f->evidence, "may also be a router after a cut"));
	finding_list_free(&l);
}

/* The client-side rule (issue 15) calls this a cut; an answer says otherwise. */
static void answer_overrides_the_client_side_cut(void **state)
{
	(void)state;
	struct finding_list l = diagnose(BUILD(silent_after_lan, 50), NULL);
	assert_int_equal(l.items[0].kind, FINDING_PATH_INTERRUPTED);
	finding_list_free(&l);
	struct diag_followup fu = target_followup(3);
	l = diagnose(BUILD(silent_after_lan, 50), &fu);
	assert_int_equal(l.items[0].kind, FINDING_DESTINATION_FILTERED);
	assert_int_equal(l.items[0].hop, 2);
	finding_list_free(&l);
}

static struct diag_followup rate_followup(unsigned ttl, unsigned lost_slow, unsigned lost_fast)
{
	struct diag_followup fu;
	memset(&fu, 0, sizeof(fu));
	fu.rate = (struct diag_followup_rate){ ttl, { 2.0, 0.25 }, { 20, 20 }, { lost_slow, lost_fast } };
	return fu;
}

static struct model_trace *lossy_hop4(void)
{
	struct hs p[8];
	memcpy(p, silent_end, sizeof(p)); /* the 8 answering hops */
	p[3].loss = 30.0;
	return BUILD(p, 50);
}

static void loss_moving_with_the_rate_confirms_rate_limiting(void **state)
{
	(void)state;
	struct diag_followup fu = rate_followup(4, 0, 18);
	struct finding_list l = diagnose(lossy_hop4(), &fu);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->kind, FINDING_RATE_LIMITED_HOP);
	assert_non_null(strstr(f->evidence, "follow-up: hop 4 at one probe per 2.00 s lost 0 of 20 "
	                                    "(0%), at one probe per 0.25 s lost 18 of 20 (90%); "
	                                    "40 probes."));
	assert_non_null(strstr(f->evidence, "rate limiting confirmed"));
	finding_list_free(&l);
}

static void steady_loss_is_not_rate_limiting(void **state)
{
	(void)state;
	struct diag_followup fu = rate_followup(4, 7, 3);
	struct finding_list l = diagnose(lossy_hop4(), &fu);
	assert_non_null(strstr(l.items[0].evidence, "does not move with the rate"));
	finding_list_free(&l);
}

/* A rate follow-up of another hop says nothing about this one. */
static void rate_followup_of_another_hop_is_not_quoted(void **state)
{
	(void)state;
	struct diag_followup fu = rate_followup(6, 0, 18);
	struct finding_list l = diagnose(lossy_hop4(), &fu);
	assert_null(strstr(l.items[0].evidence, "follow-up"));
	finding_list_free(&l);
}

static void rate_test_edges(void **state)
{
	(void)state;
	struct diag_followup_rate r = { 3, { 0.4, 0.05 }, { 20, 20 }, { 0, 4 } };
	assert_false(diag_followup_rate_moves(&r)); /* 20 points: under the gap */
	r.lost[1] = 6;
	assert_true(diag_followup_rate_moves(&r)); /* 30 points, z = 2.6 */
	r.lost[0] = 3;
	r.lost[1] = 9;
	assert_false(diag_followup_rate_moves(&r)); /* 30 points, but z = 2.1: chance */
	r.sent[0] = 0;
	assert_false(diag_followup_rate_moves(&r));
	r = (struct diag_followup_rate){ 0, { 0.4, 0.05 }, { 20, 20 }, { 0, 20 } };
	assert_false(diag_followup_rate_moves(&r)); /* ttl 0: not probed */
}

static void plan_asks_for_what_is_open(void **state)
{
	(void)state;
	bool target;
	unsigned ttl;
	struct model_trace *t = BUILD(silent_end, 50);
	struct finding_list l = diagnose_kept(t);
	diag_followup_plan(t, &l, &target, &ttl);
	assert_true(target);
	assert_int_equal(ttl, 0);
	finding_list_free(&l);
	model_trace_free(t);
	t = lossy_hop4();
	l = diagnose_kept(t);
	diag_followup_plan(t, &l, &target, &ttl);
	assert_false(target);
	assert_int_equal(ttl, 4);
	finding_list_free(&l);
	model_trace_free(t);
}

/* A path-interrupted finding over answering hops (the target named, the
 * last hop another address) leaves nothing for the target's follow-up. */
static void plan_skips_a_trace_ending_in_an_answer(void **state)
{
	(void)state;
	bool target;
	unsigned ttl;
	struct model_trace *t = BUILD(silent_end, 50);
	t->n_hops = 8; /* hop 8 answers last */
	assert_int_equal(model_addr_parse("192.0.2.99", &t->dst_addr), 0);
	struct finding_list l = diagnose_kept(t);
	assert_int_equal(l.items[0].kind, FINDING_PATH_INTERRUPTED);
	diag_followup_plan(t, &l, &target, &ttl);
	assert_false(target);
	finding_list_free(&l);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(without_followup_icmp_alone_reads_a_filter),
	    cmocka_unit_test(target_silent_to_every_followup_is_a_cut),
	    cmocka_unit_test(target_answering_tcp_filters_only_icmp),
	    cmocka_unit_test(answer_overrides_the_client_side_cut),
	    cmocka_unit_test(loss_moving_with_the_rate_confirms_rate_limiting),
	    cmocka_unit_test(steady_loss_is_not_rate_limiting),
	    cmocka_unit_test(rate_followup_of_another_hop_is_not_quoted),
	    cmocka_unit_test(rate_test_edges),
	    cmocka_unit_test(plan_asks_for_what_is_open),
	    cmocka_unit_test(plan_skips_a_trace_ending_in_an_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
