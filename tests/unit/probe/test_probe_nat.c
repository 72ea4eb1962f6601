/* probe_nat: a quote that shows our probe rewritten (Dublin traceroute's
 * method): the UDP checksum or the source address is not what we sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/probe_nat.h"

static struct packet_flow udp_flow(void)
{
	struct packet_flow f = { .family = AF_INET, .proto = MODEL_PROTO_UDP, .ident = 40000, .psize = 64 };
	assert_int_equal(model_addr_parse("192.168.1.100", &f.src), 0);
	assert_int_equal(model_addr_parse("203.0.113.5", &f.dst), 0);
	return f;
}

/* The quote a hop sends back for probe seq, as it left us. */
static struct packet_reply quote_of(const struct packet_flow *f, uint16_t seq)
{
	uint8_t buf[256];
	assert_true(packet_build(f, seq, buf, sizeof(buf)) > 0);
	struct packet_reply r;
	memset(&r, 0, sizeof(r));
	r.has_quote = true;
	r.quote.proto = f->proto == MODEL_PROTO_UDP ? IPPROTO_UDP : IPPROTO_ICMP;
	r.quote.src = f->src;
	r.quote.dst = f->dst;
	r.quote.udp_sum = (uint16_t)(buf[6] << 8 | buf[7]);
	return r;
}

static void untouched_quote_is_no_nat(void **state)
{
	(void)state;
	struct packet_flow f = udp_flow();
	uint8_t scratch[256];
	struct packet_reply r = quote_of(&f, 7);
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	r.has_quote = false; /* an echo reply or TCP answer quotes nothing */
	r.quote.udp_sum ^= 0x1234;
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
}

static void rewritten_checksum_or_source_is_nat(void **state)
{
	(void)state;
	struct packet_flow f = udp_flow();
	uint8_t scratch[256];
	struct packet_reply r = quote_of(&f, 7);
	r.quote.udp_sum ^= 0x00ff; /* ports restored, checksum not */
	assert_true(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	r = quote_of(&f, 7);
	assert_int_equal(model_addr_parse("198.51.100.2", &r.quote.src), 0);
	assert_true(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	/* ICMP probes: only the source address can tell */
	f.proto = MODEL_PROTO_ICMP;
	r = quote_of(&f, 7);
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	assert_int_equal(model_addr_parse("198.51.100.2", &r.quote.src), 0);
	assert_true(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
}

/* Nothing to compare: the source unknown (the checksum was left 0), or both
 * ports fixed (the checksum carries the sequence number, mtr's trick). */
static void nothing_to_compare_is_no_nat(void **state)
{
	(void)state;
	struct packet_flow f = udp_flow();
	uint8_t scratch[256];
	f.local_port = 5000;
	f.remote_port = 33434;
	struct packet_reply r = quote_of(&f, 7);
	r.quote.udp_sum ^= 0x00ff;
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	f = udp_flow();
	r = quote_of(&f, 7);
	r.quote.udp_sum ^= 0x00ff;
	f.src.family = AF_UNSPEC;
	r.quote.src.family = AF_UNSPEC;
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
}

/* Constant flows: the checksum carries the seq, so a NAT that rewrites it
 * shows only against the payload word, which tells what was sent. */
static void constant_flow_checksum_rewritten_is_nat(void **state)
{
	(void)state;
	struct packet_flow f = udp_flow();
	f.constant = true;
	f.nflows = 4;
	uint8_t buf[256], scratch[256];
	assert_true(packet_build_flow(&f, 2, 7, buf, sizeof(buf)) > 0);
	struct packet_reply r = quote_of(&f, 7);
	r.quote.sport = (uint16_t)(buf[0] << 8 | buf[1]);
	r.quote.dport = (uint16_t)(buf[2] << 8 | buf[3]);
	r.quote.udp_sum = (uint16_t)(buf[6] << 8 | buf[7]);
	r.quote.has_udp_word = true;
	r.quote.udp_word = (uint16_t)(buf[8] << 8 | buf[9]);
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	r.quote.udp_sum ^= 0x00ff;
	assert_true(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
	r.quote.has_udp_word = false; /* an 8-byte quote: nothing to compare */
	assert_false(probe_nat_rewritten(&f, &r, 7, scratch, sizeof(scratch)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(untouched_quote_is_no_nat),
	    cmocka_unit_test(rewritten_checksum_or_source_is_nat),
	    cmocka_unit_test(nothing_to_compare_is_no_nat),
	    cmocka_unit_test(constant_flow_checksum_rewritten_is_nat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
