/* oneway_pkt: round trips, what is refused, reflections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "oneway/oneway_pkt.h"

static void round_trip(void **state)
{
	(void)state;
	struct oneway_pkt q = { .type = ONEWAY_REQUEST, .client_seq = 70000, .client_tx_ns = 1ull << 40 }, r, d;
	unsigned char b[ONEWAY_PKT_LEN];
	oneway_pkt_encode(&q, b);
	assert_int_equal(b[0], 'H');
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_int_equal(d.type, ONEWAY_REQUEST);
	assert_int_equal(d.client_seq, 70000);
	assert_true(d.client_tx_ns == 1ull << 40);
	oneway_pkt_reflect(&d, 7, 100, 200, &r);
	oneway_pkt_encode(&r, b);
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_int_equal(d.type, ONEWAY_REFLECT);
	assert_int_equal(d.of, ONEWAY_REQUEST);
	assert_int_equal(d.server_seq, 7);
	assert_int_equal(d.client_seq, 70000);
	assert_true(d.server_rx_ns == 100 && d.server_tx_ns == 200);
}

static void hello_not_numbered(void **state)
{
	(void)state;
	struct oneway_pkt q = { .type = ONEWAY_HELLO, .client_seq = 3 }, r;
	oneway_pkt_reflect(&q, 9, 1, 2, &r);
	assert_int_equal(r.of, ONEWAY_HELLO);
	assert_int_equal(r.server_seq, 0);
}

static void refused(void **state)
{
	(void)state;
	struct oneway_pkt q = { .type = ONEWAY_REQUEST, .client_seq = 1 }, d;
	unsigned char b[ONEWAY_PKT_LEN], c[ONEWAY_PKT_LEN];
	oneway_pkt_encode(&q, b);
	assert_int_equal(oneway_pkt_decode(b, sizeof(b) - 1, &d), -1); /* short */
	memcpy(c, b, sizeof(c)), c[0] ^= 1;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* magic */
	memcpy(c, b, sizeof(c)), c[4] = 2;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* version */
	memcpy(c, b, sizeof(c)), c[5] = 9;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* type */
	memcpy(c, b, sizeof(c)), c[6] = 1;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* a request "of" something */
	memcpy(c, b, sizeof(c)), c[15] = 1;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* a request with a server seq */
	memcpy(c, b, sizeof(c)), c[5] = ONEWAY_REFLECT, c[6] = ONEWAY_REFLECT;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* a reflection of a reflection */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(hello_not_numbered),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
