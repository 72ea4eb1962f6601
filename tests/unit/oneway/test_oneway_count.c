/* oneway_count: loss per direction from the two numbers, duplicates,
 * reordering, the tail, delay variation with a clock offset, one-way delay
 * on the wall clocks (version 2; none from version 1), the clocks, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "oneway/oneway_count.h"

#define MS 1000000ull
#define OFFSET (5000000000000ull) /* the server's monotonic clock, far from ours */
#define WALL0 (1796000000000000000ull) /* our wall clock less our monotonic one */

static int64_t skew_ns;          /* the server's wall clock less ours */
static unsigned version = 2;     /* the reflector's */
static struct oneway_clock server_clock = { true, false, 2000, 0xabcdu };

static struct oneway_stamp at(uint64_t mono)
{
	return (struct oneway_stamp){ mono, mono + WALL0 };
}

static struct oneway_count *sent(uint32_t n)
{
	struct oneway_count *c = oneway_count_new(n);
	assert_non_null(c);
	for (uint32_t i = 0; i < n; i++)
		oneway_count_sent(c, i, at(1000 * MS + i * 10 * MS));
	return c;
}

/* The reflection of request cseq, as the server's sseq-th, with one-way
 * delays out_ms and ret_ms; returns its arrival time at the client. */
static int back(struct oneway_count *c, uint32_t cseq, uint32_t sseq, double out_ms, double ret_ms)
{
	uint64_t tx = 1000 * MS + cseq * 10 * MS;
	uint64_t srx = tx + OFFSET + (uint64_t)(out_ms * MS);
	uint64_t wsrx = tx + WALL0 + (uint64_t)skew_ns + (uint64_t)(out_ms * MS);
	struct oneway_pkt r = { .version = version, .type = ONEWAY_REFLECT, .of = ONEWAY_REQUEST,
		                .client_seq = cseq, .server_seq = sseq, .client_tx_ns = tx,
		                .server_rx_ns = srx, .server_tx_ns = srx + MS };
	if (version >= 2)
		r.server_rx_wall_ns = wsrx, r.server_tx_wall_ns = wsrx + MS, r.clock = server_clock;
	return oneway_count_add(c, &r, at(srx + MS - OFFSET + (uint64_t)(ret_ms * MS)));
}

static void clean(void **state)
{
	(void)state;
	struct oneway_count *c = sent(100);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(back(c, i, i, 10 + (i % 2) * 4, 20), 0);
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.requests, 100);
	assert_int_equal(r.out.sent, 100);
	assert_int_equal(r.out.lost, 0);
	assert_int_equal(r.ret.lost, 0);
	assert_true(r.out.pdv_p95_ms > 3.9 && r.out.pdv_p95_ms < 4.1); /* offset cancelled */
	assert_true(r.ret.pdv_p95_ms < 0.1);
	oneway_count_free(c);
}

/* Every third request lost on the way out: the server's numbers stay
 * dense, the client's skip. */
static void outbound_loss(void **state)
{
	(void)state;
	struct oneway_count *c = sent(99);
	uint32_t s = 0;
	for (uint32_t i = 0; i < 99; i++)
		if (i % 3 != 1)
			back(c, i, s++, 10, 10);
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.out.sent, 99);
	assert_int_equal(r.out.lost, 33);
	assert_int_equal(r.ret.sent, 66);
	assert_int_equal(r.ret.lost, 0);
	oneway_count_free(c);
}

/* Every fourth reflection lost on the way back: the server's numbers skip. */
static void return_loss(void **state)
{
	(void)state;
	struct oneway_count *c = sent(100);
	for (uint32_t i = 0; i < 100; i++)
		if (i % 4 != 2)
			back(c, i, i, 10, 10);
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.out.lost, 0);
	assert_int_equal(r.ret.sent, 100);
	assert_int_equal(r.ret.lost, 25);
	oneway_count_free(c);
}

/* The tail: the last 10 requests came back at all: neither direction is
 * charged with them. */
static void tail_uncounted(void **state)
{
	(void)state;
	struct oneway_count *c = sent(50);
	for (uint32_t i = 0; i < 40; i++)
		back(c, i, i, 10, 10);
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.requests, 50);
	assert_int_equal(r.out.sent, 40);
	assert_int_equal(r.out.lost, 0);
	assert_int_equal(r.ret.lost, 0);
	oneway_count_free(c);
}

static void dup_and_order(void **state)
{
	(void)state;
	struct oneway_count *c = sent(10);
	back(c, 0, 0, 1, 1);
	back(c, 2, 1, 1, 1); /* request 2 overtook 1 on the way out */
	back(c, 1, 2, 1, 1);
	back(c, 3, 3, 1, 1);
	back(c, 3, 4, 1, 1); /* request 3 duplicated on the way out */
	back(c, 4, 6, 1, 1); /* reflection 6 overtook 5 on the way back */
	back(c, 4, 5, 1, 1); /* (5: a second copy of 4, also an outbound dup) */
	back(c, 4, 6, 1, 1); /* reflection 6 duplicated on the way back */
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.out.reordered, 1);
	assert_int_equal(r.out.duplicates, 2);
	assert_int_equal(r.out.sent, 5);
	assert_int_equal(r.out.lost, 0);
	assert_int_equal(r.ret.reordered, 1);
	assert_int_equal(r.ret.duplicates, 1);
	assert_int_equal(r.ret.lost, 0);
	oneway_count_free(c);
}

static void garbage_ignored(void **state)
{
	(void)state;
	struct oneway_count *c = sent(10);
	struct oneway_pkt r = { .type = ONEWAY_REFLECT, .of = ONEWAY_REQUEST, .client_seq = 3,
		                .client_tx_ns = 12345 };
	assert_int_equal(oneway_count_add(c, &r, at(1)), -1); /* not our send time */
	r.client_seq = 10;
	assert_int_equal(oneway_count_add(c, &r, at(1)), -1); /* never sent */
	r.client_seq = 1, r.client_tx_ns = 1000 * MS + 10 * MS, r.server_seq = 20;
	assert_int_equal(oneway_count_add(c, &r, at(1)), -1); /* more than 10 requests can number */
	r.server_seq = 0, r.of = ONEWAY_HELLO;
	assert_int_equal(oneway_count_add(c, &r, at(1)), -1);
	struct oneway_result res;
	oneway_count_result(c, &res);
	assert_int_equal(res.reflections, 0);
	assert_int_equal(res.ignored, 4);
	assert_null(oneway_count_new(0));
	assert_null(oneway_count_new(ONEWAY_MAX_COUNT + 1));
	oneway_count_free(c);
}

/* 40 ms more on the way back; the server's wall clock 3 ms ahead of ours:
 * the delays carry the offset (out + 3, back - 3), and the median sits
 * above the minimum that queueing never lowers. */
static void one_way_delays(void **state)
{
	(void)state;
	skew_ns = 3 * (int64_t)MS;
	struct oneway_count *c = sent(100);
	struct oneway_clock mine = { true, false, 1000, 0x1234u };
	oneway_count_clock(c, &mine);
	for (uint32_t i = 0; i < 100; i++)
		assert_int_equal(back(c, i, i, 10 + (i % 4 == 0) * 2, 50), 0);
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.delays, 100);
	assert_true(fabs(r.out.delay_min_ms - 13.0) < 0.01 && fabs(r.out.delay_p50_ms - 13.0) < 0.01);
	assert_true(fabs(r.ret.delay_p50_ms - 47.0) < 0.01);
	assert_false(r.same_clock);
	assert_int_equal(r.server_clock.maxerror_us, 2000);
	assert_int_equal(r.client_clock.maxerror_us, 1000);
	oneway_count_free(c);
	skew_ns = 0;
}

/* Two ends that report one boot_id run on one kernel: same_clock. A
 * server whose clock turns unsynchronised mid-stream counts as such. */
static void same_clock_and_worst(void **state)
{
	(void)state;
	struct oneway_count *c = sent(10);
	struct oneway_clock mine = { true, true, 16000000, 0xabcdu };
	oneway_count_clock(c, &mine);
	for (uint32_t i = 0; i < 10; i++) {
		server_clock.unsync = i == 5;
		assert_int_equal(back(c, i, i, 1, 41), 0);
	}
	server_clock.unsync = false;
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_true(r.same_clock);
	assert_true(r.server_clock.unsync);
	assert_true(fabs(r.ret.delay_p50_ms - 41.0) < 0.01);
	oneway_count_free(c);
}

/* A version-1 reflector: loss and delay variation, no one-way delay. */
static void v1_no_delay(void **state)
{
	(void)state;
	version = 1;
	struct oneway_count *c = sent(10);
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(back(c, i, i, 1, 41), 0);
	version = 2;
	struct oneway_result r;
	oneway_count_result(c, &r);
	assert_int_equal(r.out.received, 10);
	assert_int_equal(r.delays, 0);
	assert_true(r.ret.delay_p50_ms == 0.0);
	assert_false(r.same_clock);
	assert_false(r.server_clock.known);
	oneway_count_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean),          cmocka_unit_test(outbound_loss),
		cmocka_unit_test(return_loss),    cmocka_unit_test(tail_uncounted),
		cmocka_unit_test(dup_and_order),  cmocka_unit_test(garbage_ignored),
		cmocka_unit_test(one_way_delays), cmocka_unit_test(same_clock_and_worst),
		cmocka_unit_test(v1_no_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
