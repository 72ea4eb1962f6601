/* agent_query: defaults, every parameter and its bounds, every way to name an
 * address refused, percent-decoding, and the forwarding headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "agent/agent_query.h"

static int parse(const char *qs, struct agent_trace_req *r, char *err)
{
	struct agent_bounds b;
	agent_bounds_default(&b);
	agent_query_init(r, &b);
	err[0] = '\0';
	return agent_query_parse(r, &b, qs, strlen(qs), err, 160);
}

static void defaults_and_good_queries(void **state)
{
	(void)state;
	struct agent_trace_req r;
	char err[160];
	assert_int_equal(parse("", &r, err), 0);
	assert_int_equal(r.cycles, 10);
	assert_true(r.interval_s == 1.0);
	assert_int_equal(r.proto, MODEL_PROTO_ICMP);
	assert_int_equal(r.port, 0);
	assert_int_equal(parse("cycles=60&interval=2.5&proto=tcp&port=443", &r, err), 0);
	assert_int_equal(r.cycles, 60);
	assert_true(r.interval_s == 2.5);
	assert_int_equal(r.proto, MODEL_PROTO_TCP);
	assert_int_equal(r.port, 443);
	assert_int_equal(parse("proto=udp&cycles=%31%32", &r, err), 0);
	assert_int_equal(r.cycles, 12);
	assert_int_equal(r.proto, MODEL_PROTO_UDP);
}

static void refused_queries(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"target=192.0.2.1", "host=example.net", "dst=::1", "cycles=10&ip=10.0.0.1", "Cycles=5",
		"cycles=0", "cycles=61", "cycles=-1", "cycles=+5", "cycles=5x", "cycles=", "cycles",
		"cycles=5&cycles=6", "interval=0.5", "interval=11", "interval=1e1", "interval=nan",
		"interval=inf", "interval=0x1", "proto=ICMP", "proto=sctp", "port=0", "port=65536",
		"port=%", "port=%4", "port=%zz", "cycles=1%00", "&", "cycles=5&", "&cycles=5",
		"cycles=5&&proto=udp", "a%3Db=1", "cycles=99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct agent_trace_req r;
		char err[160];
		if (parse(bad[i], &r, err) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(err[0] != '\0');
	}
	char big[AGENT_QUERY_MAX + 8];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	struct agent_trace_req r;
	char err[160];
	assert_int_equal(parse(big, &r, err), -1);
	assert_non_null(strstr(err, "too long"));
}

static void bounds_are_the_agents(void **state)
{
	(void)state;
	struct agent_bounds b = { .max_cycles = 5, .min_interval_s = 2, .max_interval_s = 3 };
	struct agent_trace_req r;
	char err[160];
	agent_query_init(&r, &b);
	assert_int_equal(r.cycles, 5);
	assert_true(r.interval_s == 2.0);
	assert_int_equal(agent_query_pair(&r, &b, "cycles", "6", err, sizeof(err)), -1);
	assert_int_equal(agent_query_pair(&r, &b, "interval", "1", err, sizeof(err)), -1);
	agent_query_init(&r, &b); /* a refused request is refused whole: start afresh */
	assert_int_equal(agent_query_pair(&r, &b, "interval", "3", err, sizeof(err)), 0);
	assert_int_equal(agent_query_pair(&r, &b, "proto", NULL, err, sizeof(err)), -1);
}

static void forwarding_headers(void **state)
{
	(void)state;
	assert_true(agent_header_names_address("X-Forwarded-For"));
	assert_true(agent_header_names_address("x-forwarded-for"));
	assert_true(agent_header_names_address("Forwarded"));
	assert_true(agent_header_names_address("X-Real-IP"));
	assert_false(agent_header_names_address("Accept"));
	assert_false(agent_header_names_address("Authorization"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_and_good_queries),
	    cmocka_unit_test(refused_queries),
	    cmocka_unit_test(bounds_are_the_agents),
	    cmocka_unit_test(forwarding_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
