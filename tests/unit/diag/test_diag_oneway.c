/* diag_oneway: R10 with the one-way stream. The same round trips (loss from
 * hop 4 in both traces, merged into `both`) read as outbound, return or
 * both by what the stream measured; a stream that did not pass makes the
 * direction `unknown` and says why; loss the stream cannot see keeps its
 * direction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag_build.h"

static const struct hs out6[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},   {"198.51.100.2", 0, 3.1, 3.0, 3.5, 0.2},
    {"198.51.100.6", 0, 5.5, 5.0, 6.0, 0.2},  {"198.51.100.10", 30, 7.3, 7.0, 8.0, 0.3},
    {"198.51.100.14", 30, 9.5, 9.0, 10.0, 0.3}, {"203.0.113.10", 30, 11.2, 11.0, 12.0, 0.3},
};
static const struct hs ret6[] = {
    {"203.0.113.1", 0, 1.0, 0.8, 1.5, 0.2},    {"198.51.100.13", 0, 3.1, 3.0, 3.5, 0.2},
    {"198.51.100.9", 30, 5.2, 5.0, 6.0, 0.2},  {"198.51.100.5", 30, 7.1, 7.0, 8.0, 0.2},
    {"198.51.100.1", 30, 9.1, 9.0, 10.0, 0.2}, {"192.168.1.20", 30, 11.0, 10.5, 12.0, 0.3},
};

static struct diag_oneway stream(unsigned long out_lost, unsigned long ret_lost)
{
	struct diag_oneway ow = { .measured = true };
	ow.out = (struct diag_oneway_dir){ 200, out_lost, 0.4 };
	ow.ret = (struct diag_oneway_dir){ 200 - out_lost, ret_lost, 0.3 };
	return ow;
}

static struct finding_list run(const struct diag_oneway *ow)
{
	struct model_trace *to = BUILD(out6, 200), *tr = BUILD(ret6, 200);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_pair_oneway(to, tr, ow, &l), 0);
	model_trace_free(to);
	model_trace_free(tr);
	return l;
}

static const struct finding *loss(const struct finding_list *l)
{
	int i = find_kind(l, FINDING_LOSS);
	assert_true(i >= 0);
	return &l->items[i];
}

static void without_stream_both(void **state)
{
	(void)state;
	struct finding_list l = run(NULL);
	assert_int_equal(loss(&l)->direction, FINDING_DIR_BOTH);
	assert_int_equal(loss(&l)->hop, 4);
	finding_list_free(&l);
}

static void outbound_measured(void **state)
{
	(void)state;
	struct diag_oneway ow = stream(60, 0);
	struct finding_list l = run(&ow);
	const struct finding *f = loss(&l);
	assert_int_equal(f->direction, FINDING_DIR_OUTBOUND);
	assert_int_equal(f->hop, 4);
	assert_non_null(strstr(f->summary, "to the server only: 30.0% lost (60 of 200)"));
	assert_non_null(strstr(f->evidence, "One-way stream: to the server 60 of 200 lost"));
	finding_list_free(&l);
}

static void return_measured(void **state)
{
	(void)state;
	struct diag_oneway ow = stream(0, 58);
	struct finding_list l = run(&ow);
	assert_int_equal(loss(&l)->direction, FINDING_DIR_RETURN);
	assert_non_null(strstr(loss(&l)->summary, "back from the server only"));
	finding_list_free(&l);
}

static void both_measured(void **state)
{
	(void)state;
	struct diag_oneway ow = stream(60, 40);
	struct finding_list l = run(&ow);
	assert_int_equal(loss(&l)->direction, FINDING_DIR_BOTH);
	finding_list_free(&l);
}

/* One lost datagram is not a direction (the bound); nothing measured
 * either way keeps the round trips' reading. */
static void too_little_to_blame(void **state)
{
	(void)state;
	struct diag_oneway ow = stream(1, 0);
	assert_false(diag_oneway_loses(&ow.out));
	struct finding_list l = run(&ow);
	assert_int_equal(loss(&l)->direction, FINDING_DIR_BOTH);
	assert_non_null(strstr(loss(&l)->summary, "lost nothing either way"));
	finding_list_free(&l);
	ow = stream(3, 0);
	assert_false(diag_oneway_loses(&ow.out)); /* 3 of 200: bound 0.6% */
	ow = stream(8, 0);
	assert_true(diag_oneway_loses(&ow.out)); /* 8 of 200: bound 2.3% */
	ow.out.sent = 20;
	ow.out.lost = 2;
	assert_true(diag_oneway_loses(&ow.out));
	ow.out.sent = 2000;
	assert_false(diag_oneway_loses(&ow.out)); /* 2 of 2000: bound under 1% */
}

static void stream_blocked_unknown(void **state)
{
	(void)state;
	struct diag_oneway ow = { .measured = false };
	snprintf(ow.why, sizeof(ow.why), "UDP 203.0.113.10 port 8080 never answered");
	struct finding_list l = run(&ow);
	const struct finding *f = loss(&l);
	assert_int_equal(f->direction, FINDING_DIR_UNKNOWN);
	assert_non_null(strstr(f->summary, "unknown: the one-way stream could not pass (UDP"));
	assert_non_null(strstr(f->evidence, "none passed"));
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_stream_both), cmocka_unit_test(outbound_measured),
		cmocka_unit_test(return_measured),     cmocka_unit_test(both_measured),
		cmocka_unit_test(too_little_to_blame), cmocka_unit_test(stream_blocked_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
