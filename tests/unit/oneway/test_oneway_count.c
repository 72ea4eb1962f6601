/* oneway_count: loss per direction from the two numbers, duplicates,
 * reordering, the tail, delay variation with a clock offset, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oneway/oneway_count.h"

#define MS 1000000ull
#define OFFSET (5000000000000ull) /* the server's clock, far from ours */

static struct oneway_count *sent(uint32_t n)
{
	struct oneway_count *c = oneway_count_new(n);
	assert_non_null(c);
	for (uint32_t i = 0; i < n; i++)
		oneway_count_sent(c, i, 1000 * MS + i * 10 * MS);
	return c;
}

/* The reflection of request cseq, as the server's sseq-th, with one-way
 * delays out_ms and ret_ms; returns its arrival time at the client. */
static int back(struct oneway_count *c, uint32_t cseq, uint32_t sseq, double out_ms, double ret_ms)
{
	uint64_t tx = 1000 * MS + cseq * 10 * MS;
	uint64_t srx = tx + OFFSET + (uint64_t)(out_ms * MS);
	struct oneway_pkt r = { .type = ONEWAY_REFLECT, .of = ONEWAY_REQUEST, .client_seq = cseq,
		                .server_seq = sseq, .client_tx_ns = tx, .server_rx_ns = srx,
		                .server_tx_ns = srx + MS };
	return oneway_count_add(c, &r, srx + MS - OFFSET + (uint64_t)(ret_ms * MS));
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
	assert_int_equal(oneway_count_add(c, &r, 1), -1); /* not our send time */
	r.client_seq = 10;
	assert_int_equal(oneway_count_add(c, &r, 1), -1); /* never sent */
	r.client_seq = 1, r.client_tx_ns = 1000 * MS + 10 * MS, r.server_seq = 20;
	assert_int_equal(oneway_count_add(c, &r, 1), -1); /* more than 10 requests can number */
	r.server_seq = 0, r.of = ONEWAY_HELLO;
	assert_int_equal(oneway_count_add(c, &r, 1), -1);
	struct oneway_result res;
	oneway_count_result(c, &res);
	assert_int_equal(res.reflections, 0);
	assert_int_equal(res.ignored, 4);
	assert_null(oneway_count_new(0));
	assert_null(oneway_count_new(ONEWAY_MAX_COUNT + 1));
	oneway_count_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean),          cmocka_unit_test(outbound_loss),
		cmocka_unit_test(return_loss),    cmocka_unit_test(tail_uncounted),
		cmocka_unit_test(dup_and_order),  cmocka_unit_test(garbage_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
