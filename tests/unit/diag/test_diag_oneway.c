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
	ow.out = (struct diag_oneway_dir){ 200, out_lost, 0.4, 5.0, 5.5 };
	ow.ret = (struct diag_oneway_dir){ 200 - out_lost, ret_lost, 0.3, 5.0, 5.5 };
	return ow;
}

/* The combined verdict of the two traces (freed here) with the stream. */
static struct finding_list pair_of(struct model_trace *to, struct model_trace *tr, const struct diag_oneway *ow)
{
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_pair_oneway(to, tr, ow, &l), 0);
	model_trace_free(to);
	model_trace_free(tr);
	return l;
}

static struct finding_list run(const struct diag_oneway *ow)
{
	return pair_of(BUILD(out6, 200), BUILD(ret6, 200), ow);
}

static const struct finding *first_of(const struct finding_list *l, enum finding_kind kind)
{
	int i = find_kind(l, kind);
	assert_true(i >= 0);
	return &l->items[i];
}

static const struct finding *loss(const struct finding_list *l)
{
	return first_of(l, FINDING_LOSS);
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

/* ---- latency: a +42 ms step with spread (not a steady long link) from
 * outbound hop 4 (return hop 3) in both traces, merged into `both`; the
 * one-way delays place it. ---- */

static const struct hs lout[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},    {"198.51.100.2", 0, 3.1, 3.0, 3.5, 0.2},
    {"198.51.100.6", 0, 5.5, 5.0, 6.0, 0.2},   {"198.51.100.10", 0, 47.3, 42.0, 70.0, 6.0},
    {"198.51.100.14", 0, 49.5, 44.0, 72.0, 6.0}, {"203.0.113.10", 0, 51.2, 46.0, 74.0, 6.0},
};
static const struct hs lret[] = {
    {"203.0.113.1", 0, 1.0, 0.8, 1.5, 0.2},     {"198.51.100.13", 0, 3.1, 3.0, 3.5, 0.2},
    {"198.51.100.9", 0, 45.2, 40.0, 68.0, 6.0}, {"198.51.100.5", 0, 47.1, 42.0, 70.0, 6.0},
    {"198.51.100.1", 0, 49.1, 44.0, 72.0, 6.0}, {"192.168.1.20", 0, 51.0, 46.0, 74.0, 6.0},
};

#define SYNCED(ms) ((struct diag_oneway_clock){ true, false, (ms) })
#define UNSYNCED ((struct diag_oneway_clock){ true, true, 16000.0 })

/* A stream that lost nothing, with these median one-way delays. */
static struct diag_oneway delays(double out_ms, double ret_ms, struct diag_oneway_clock client,
                                 struct diag_oneway_clock server, bool same)
{
	struct diag_oneway ow = { .measured = true, .has_delay = true, .same_clock = same,
		                  .client = client, .server = server };
	ow.out = (struct diag_oneway_dir){ 200, 0, 0.4, out_ms - 0.3, out_ms };
	ow.ret = (struct diag_oneway_dir){ 200, 0, 0.3, ret_ms - 0.3, ret_ms };
	return ow;
}

static enum finding_direction placed(const struct diag_oneway *ow, double step, const char *want)
{
	struct strbuf why = STRBUF_INIT;
	enum finding_direction d = diag_oneway_delay_direction(ow, step, &why);
	if (want && !strstr(strbuf_str(&why), want))
		fail_msg("'%s' not in '%s'", want, strbuf_str(&why));
	strbuf_free(&why);
	return d;
}

static struct finding_list run_latency(const struct diag_oneway *ow)
{
	return pair_of(BUILD(lout, 200), BUILD(lret, 200), ow);
}

static const struct finding *latency(const struct finding_list *l)
{
	return first_of(l, FINDING_LATENCY);
}

/* Round trips alone: both; the same host's clocks place it on the way back
 * (asymmetry 40 against +-12.2: base round trip 11.2 + margin). */
static void latency_same_clock_return(void **state)
{
	(void)state;
	struct finding_list l = run_latency(NULL);
	assert_int_equal(latency(&l)->direction, FINDING_DIR_BOTH);
	double step = latency(&l)->latency_ms;
	assert_true(step > 38 && step < 44);
	finding_list_free(&l);
	struct diag_oneway ow = delays(5.6, 45.6, UNSYNCED, UNSYNCED, true);
	l = run_latency(&ow);
	const struct finding *f = latency(&l);
	assert_int_equal(f->direction, FINDING_DIR_RETURN);
	assert_int_equal(f->hop, 4);
	assert_non_null(strstr(f->evidence, "R10: one-way delay to the server 5.6 ms, back 45.6 ms "
	                                    "(clocks: same host"));
	assert_non_null(strstr(f->summary, "on the way back from the server"));
	finding_list_free(&l);
}

/* Two hosts, synchronised within 0.5 and 1 ms: +-3 ms on the difference. */
static void latency_synced_small_errors(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(5.6, 45.6, SYNCED(0.5), SYNCED(1.0), false);
	assert_int_equal(placed(&ow, 40, "error bounds +-0.5 ms here and +-1.0 ms at the server"),
	                 FINDING_DIR_RETURN);
	ow = delays(45.6, 5.6, SYNCED(0.5), SYNCED(1.0), false);
	assert_int_equal(placed(&ow, 40, "asymmetry -40.0 ms"), FINDING_DIR_OUTBOUND);
	assert_int_equal(placed(&ow, 40, "three quarters or more is on the way out"),
	                 FINDING_DIR_OUTBOUND);
	struct finding_list l = run_latency(&ow);
	assert_int_equal(latency(&l)->direction, FINDING_DIR_OUTBOUND);
	finding_list_free(&l);
}

/* A 12 ms bound at the server: +-25 ms on the difference hides which way. */
static void latency_errors_too_big(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(5.6, 45.6, SYNCED(0.5), SYNCED(12.0), false);
	assert_int_equal(placed(&ow, 40, "clock error +-12.5 ms"), FINDING_DIR_UNKNOWN);
	struct finding_list l = run_latency(&ow);
	assert_int_equal(latency(&l)->direction, FINDING_DIR_UNKNOWN);
	assert_non_null(strstr(latency(&l)->summary, "is unknown"));
	finding_list_free(&l);
	ow = delays(5.6, 45.6, SYNCED(0.5), SYNCED(2.0), false); /* 2.5: 9.1 <= 10 */
	assert_int_equal(placed(&ow, 40, NULL), FINDING_DIR_RETURN);
}

/* Two kernels and an unsynchronised clock at either end: no bound at all,
 * however clear the figures look. */
static void latency_unsynced(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(5.6, 45.6, SYNCED(0.5), UNSYNCED, false);
	assert_int_equal(placed(&ow, 40, "the server's clock is not synchronised (STA_UNSYNC)"),
	                 FINDING_DIR_UNKNOWN);
	ow = delays(5.6, 45.6, UNSYNCED, SYNCED(0.5), false);
	assert_int_equal(placed(&ow, 40, "this client's clock is not synchronised"),
	                 FINDING_DIR_UNKNOWN);
	ow.client.known = false, ow.client.unsync = false;
	assert_int_equal(placed(&ow, 40, "could not be read"), FINDING_DIR_UNKNOWN);
	ow.same_clock = true; /* one kernel: the flag says nothing about an offset */
	assert_int_equal(placed(&ow, 40, "same host"), FINDING_DIR_RETURN);
}

/* +20 ms each way: both. Mostly one way but not three quarters proven:
 * unknown. */
static void latency_split(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(25.6, 25.6, SYNCED(0.5), SYNCED(0.5), false);
	assert_int_equal(placed(&ow, 40, "asymmetry 0.0 ms"), FINDING_DIR_BOTH);
	struct finding_list l = run_latency(&ow);
	assert_int_equal(latency(&l)->direction, FINDING_DIR_BOTH);
	assert_non_null(strstr(latency(&l)->summary, "split between both ways"));
	finding_list_free(&l);
	ow = delays(15.6, 35.6, SYNCED(0.5), SYNCED(0.5), true); /* 10 out, 30 back */
	assert_int_equal(placed(&ow, 40, "too much either way"), FINDING_DIR_UNKNOWN);
}

/* A base path 5 ms out and 55 back (a standing 50 ms asymmetry) with the
 * step split 20/20: the 50 ms asymmetry is the base path's, not the step's;
 * a rule that looked only at the asymmetry and the clocks would say return. */
static void latency_standing_base_asymmetry(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(25.0, 75.0, SYNCED(0.1), SYNCED(0.1), false);
	assert_int_equal(placed(&ow, 40, "too much either way"), FINDING_DIR_UNKNOWN);
	/* a standing asymmetry the same way as the step does not hide it: base
	 * 5 out, 35 back, +80 ms back */
	ow = delays(5.0, 115.0, SYNCED(0.1), SYNCED(0.1), false);
	assert_int_equal(placed(&ow, 80, "at most 6.2 ms on the way to the server"), FINDING_DIR_RETURN);
	/* nor the other way round when the step is large enough: base 15/5 */
	ow = delays(15.0, 85.0, SYNCED(0.1), SYNCED(0.1), false);
	assert_int_equal(placed(&ow, 80, NULL), FINDING_DIR_RETURN);
}

/* Delays no path with this step can give: below zero beyond the clocks'
 * error, or a stream round trip shorter than the step (its datagrams do
 * not meet the delay: it hits the probes only, or another route). */
static void latency_inconsistent(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(-5.0, 50.0, SYNCED(1.0), SYNCED(1.0), false);
	assert_int_equal(placed(&ow, 40, "a clock is off beyond its bound"), FINDING_DIR_UNKNOWN);
	ow = delays(-2.5, 50.0, SYNCED(1.0), SYNCED(1.0), false); /* within 2 + margin */
	assert_int_equal(placed(&ow, 40, NULL), FINDING_DIR_RETURN);
	ow = delays(3.0, 6.0, UNSYNCED, UNSYNCED, true);
	assert_int_equal(placed(&ow, 40, "shorter than the step"), FINDING_DIR_UNKNOWN);
}

/* An older reflector (no wall times) and no stream: unknown, saying so;
 * the loss logic is untouched. */
static void latency_v1_and_no_stream(void **state)
{
	(void)state;
	struct diag_oneway ow = delays(5.6, 45.6, SYNCED(0.5), SYNCED(0.5), false);
	ow.has_delay = false;
	struct finding_list l = run_latency(&ow);
	assert_int_equal(latency(&l)->direction, FINDING_DIR_UNKNOWN);
	assert_non_null(strstr(latency(&l)->evidence, "one-way delay unknown (older reflector"));
	finding_list_free(&l);
	ow.measured = false;
	assert_int_equal(placed(&ow, 40, "(no stream)"), FINDING_DIR_UNKNOWN);
	snprintf(ow.why, sizeof(ow.why), "the server ran mtr, which has no one-way reflector");
	assert_int_equal(placed(&ow, 40, "(no stream: the server ran mtr, which"), FINDING_DIR_UNKNOWN);
	ow.why[0] = '\0';
	assert_int_equal(placed(&ow, NAN, "(no stream)"), FINDING_DIR_UNKNOWN);
	ow.measured = true, ow.has_delay = true;
	assert_int_equal(placed(&ow, NAN, "no latency step"), FINDING_DIR_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_stream_both), cmocka_unit_test(outbound_measured),
		cmocka_unit_test(return_measured),     cmocka_unit_test(both_measured),
		cmocka_unit_test(too_little_to_blame), cmocka_unit_test(stream_blocked_unknown),
		cmocka_unit_test(latency_same_clock_return),
		cmocka_unit_test(latency_synced_small_errors),
		cmocka_unit_test(latency_errors_too_big),
		cmocka_unit_test(latency_unsynced),
		cmocka_unit_test(latency_split),
		cmocka_unit_test(latency_standing_base_asymmetry),
		cmocka_unit_test(latency_inconsistent),
		cmocka_unit_test(latency_v1_and_no_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
