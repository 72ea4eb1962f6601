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
	assert_int_equal(d.version, ONEWAY_VERSION);
	struct oneway_clock k = { true, false, 1500, 0xdeadbeefu };
	oneway_pkt_reflect(&d, 7, (struct oneway_stamp){ 100, 1ull << 60 },
	                   (struct oneway_stamp){ 200, (1ull << 60) + 5 }, &k, &r);
	oneway_pkt_encode(&r, b);
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_int_equal(d.type, ONEWAY_REFLECT);
	assert_int_equal(d.of, ONEWAY_REQUEST);
	assert_int_equal(d.server_seq, 7);
	assert_int_equal(d.client_seq, 70000);
	assert_true(d.server_rx_ns == 100 && d.server_tx_ns == 200);
	assert_true(d.server_rx_wall_ns == 1ull << 60 && d.server_tx_wall_ns == (1ull << 60) + 5);
	assert_true(d.clock.known && !d.clock.unsync);
	assert_int_equal(d.clock.maxerror_us, 1500);
	assert_int_equal(d.clock.boot_hash, 0xdeadbeefu);
}

/* Version 2 requests carry the client's wall time and clock, unsynchronised
 * included. */
static void wall_and_clock(void **state)
{
	(void)state;
	struct oneway_pkt q = { .type = ONEWAY_REQUEST, .client_seq = 2, .client_tx_ns = 9,
		                .client_tx_wall_ns = 1796000000123456789ull,
		                .clock = { true, true, 16000000, 42 } }, d;
	unsigned char b[ONEWAY_PKT_LEN];
	oneway_pkt_encode(&q, b);
	assert_int_equal(b[4], 2);
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_true(d.client_tx_wall_ns == 1796000000123456789ull);
	assert_true(d.clock.known && d.clock.unsync);
	assert_int_equal(d.clock.maxerror_us, 16000000);
	assert_int_equal(d.clock.boot_hash, 42);
}

/* A version-1 peer: its datagrams decode (no wall times, clock unknown),
 * and a reflection of its request is version 1 again, with nothing it
 * would refuse; padding a version-1 decoder never read stays ignored. */
static void version_1(void **state)
{
	(void)state;
	unsigned char b[ONEWAY_PKT_LEN] = { 'H', 'D', 'O', 'W', 1, ONEWAY_REQUEST, 0, 0, 0, 0, 0, 5 };
	b[23] = 77, b[50] = 1;
	struct oneway_pkt d, r;
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_int_equal(d.version, 1);
	assert_int_equal(d.client_seq, 5);
	assert_true(d.client_tx_ns == 77 && d.client_tx_wall_ns == 0 && !d.clock.known);
	struct oneway_clock k = { true, false, 1, 2 };
	oneway_pkt_reflect(&d, 0, (struct oneway_stamp){ 1, 2 }, (struct oneway_stamp){ 3, 4 }, &k, &r);
	oneway_pkt_encode(&r, b);
	assert_int_equal(b[4], 1);
	assert_int_equal(b[7], 0);
	for (size_t i = 40; i < ONEWAY_PKT_LEN; i++)
		assert_int_equal(b[i], 0);
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), 0);
	assert_true(d.server_rx_ns == 1 && d.server_tx_ns == 3 && d.server_rx_wall_ns == 0);
	b[7] = 1;
	assert_int_equal(oneway_pkt_decode(b, sizeof(b), &d), -1); /* v1 has no clock flags */
}

static void hello_not_numbered(void **state)
{
	(void)state;
	struct oneway_pkt q = { .type = ONEWAY_HELLO, .client_seq = 3 }, r;
	struct oneway_clock k = { 0 };
	oneway_pkt_reflect(&q, 9, (struct oneway_stamp){ 1, 0 }, (struct oneway_stamp){ 2, 0 }, &k, &r);
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
	memcpy(c, b, sizeof(c)), c[4] = 3;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* version */
	memcpy(c, b, sizeof(c)), c[7] = 4;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* unknown clock flags */
	memcpy(c, b, sizeof(c)), c[55] = 1;
	assert_int_equal(oneway_pkt_decode(c, sizeof(c), &d), -1); /* a request with a server wall time */
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
		cmocka_unit_test(wall_and_clock),
		cmocka_unit_test(version_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
