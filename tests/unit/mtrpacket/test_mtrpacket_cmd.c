/* mtrpacket_cmd: the lines mtr 0.95 sends, mtr-packet's defaults, every
 * argument and its bounds, and every malformed line (parse error, unknown
 * command, invalid argument, missing address, sctp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "mtrpacket/mtrpacket_cmd.h"

static enum mtrpacket_verdict parse(const char *line, struct mtrpacket_cmd *c)
{
	return mtrpacket_parse(line, strlen(line), c);
}

static void what_mtr_sends(void **state)
{
	(void)state;
	struct mtrpacket_cmd c;
	const char *l = "33000 send-probe ip-4 203.0.113.5 local-ip-4 192.168.1.100 protocol udp "
	                "size 64 bit-pattern 0 tos 0 ttl 3 timeout 10 port 33434 local-port 40000";
	assert_int_equal(parse(l, &c), MTRPACKET_SEND_PROBE);
	assert_int_equal(c.token, 33000);
	assert_int_equal(c.probe.dst.family, AF_INET);
	assert_int_equal(c.probe.dst.bytes[0], 203);
	assert_int_equal(c.probe.dst.bytes[3], 5);
	assert_int_equal(c.probe.src.family, AF_INET);
	assert_int_equal(c.probe.src.bytes[3], 100);
	assert_int_equal(c.probe.proto, MODEL_PROTO_UDP);
	assert_int_equal(c.probe.size, 64);
	assert_int_equal(c.probe.ttl, 3);
	assert_int_equal(c.probe.timeout_s, 10);
	assert_int_equal(c.probe.port, 33434);
	assert_int_equal(c.probe.local_port, 40000);
	l = "7 send-probe ip-6 fd00:0:0:6::5 local-ip-6 fd00:0:0:1::100 protocol tcp size 84 "
	    "bit-pattern 255 tos 16 ttl 255 timeout 0 mark 4294967295 local-device eth0";
	assert_int_equal(parse(l, &c), MTRPACKET_SEND_PROBE);
	assert_int_equal(c.probe.dst.family, AF_INET6);
	assert_int_equal(c.probe.proto, MODEL_PROTO_TCP);
	assert_int_equal(c.probe.bit_pattern, 255);
	assert_int_equal(c.probe.tos, 16);
	assert_int_equal(c.probe.timeout_s, 0);
	assert_true(c.probe.mark == 4294967295ul);
	assert_string_equal(c.probe.device, "eth0");
}

static void defaults(void **state)
{
	(void)state;
	struct mtrpacket_cmd c;
	assert_int_equal(parse("42 send-probe ip-4 127.0.0.1", &c), MTRPACKET_SEND_PROBE);
	assert_int_equal(c.token, 42);
	assert_int_equal(c.probe.proto, MODEL_PROTO_ICMP);
	assert_int_equal(c.probe.ttl, 255);
	assert_int_equal(c.probe.size, 64);
	assert_int_equal(c.probe.timeout_s, 10);
	assert_int_equal(c.probe.src.family, AF_UNSPEC);
	assert_int_equal(c.probe.port, 0);
	assert_int_equal(c.probe.device[0], '\0');
	/* White space of every kind, a trailing CR, a negative token. */
	assert_int_equal(parse(" \t-5\tsend-probe  ip-4 127.0.0.1 ttl 1\r", &c),
	                 MTRPACKET_SEND_PROBE);
	assert_int_equal(c.token, -5);
	assert_int_equal(c.probe.ttl, 1);
}

static void check_support(void **state)
{
	(void)state;
	struct mtrpacket_cmd c;
	assert_int_equal(parse("1 check-support feature send-probe", &c), MTRPACKET_CHECK_SUPPORT);
	assert_int_equal(c.token, 1);
	assert_string_equal(c.feature, "send-probe");
	assert_int_equal(parse("1 check-support", &c), MTRPACKET_INVALID_ARGUMENT);
	assert_int_equal(parse("1 check-support other ip-4", &c), MTRPACKET_INVALID_ARGUMENT);
	char big[200];
	memset(big, 'x', sizeof(big));
	memcpy(big, "1 check-support feature ", 24);
	assert_int_equal(mtrpacket_parse(big, sizeof(big), &c), MTRPACKET_INVALID_ARGUMENT);
}

static void parse_errors(void **state)
{
	(void)state;
	struct mtrpacket_cmd c;
	const char *bad[] = {
		"", "   ", "42", "x send-probe", "4.2 send-probe", "99999999999 send-probe",
		"42 send-probe ip-4", "42 send-probe ip-4 127.0.0.1 ttl",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &c), MTRPACKET_PARSE_ERROR);
		assert_int_equal(c.token, 0);
	}
	/* 17 pairs: one more than mtr-packet takes. */
	char line[512] = "1 send-probe";
	for (int i = 0; i < 17; i++)
		strcat(line, " ttl 3");
	assert_int_equal(parse(line, &c), MTRPACKET_PARSE_ERROR);
	line[strlen(line) - 6] = '\0';
	assert_int_equal(parse(line, &c), MTRPACKET_NO_IP_VERSION);
	/* A NUL inside the line. */
	assert_int_equal(mtrpacket_parse("1 send-probe\0ip-4 1.2.3.4", 25, &c), MTRPACKET_PARSE_ERROR);
}

static void invalid_arguments(void **state)
{
	(void)state;
	struct mtrpacket_cmd c;
	const char *bad[] = {
		"1 send-probe ip-4 ::1", "1 send-probe ip-6 127.0.0.1", "1 send-probe ip-4 1.2",
		"1 send-probe ip-4 127.0.0.1 ttl 0", "1 send-probe ip-4 127.0.0.1 ttl 256",
		"1 send-probe ip-4 127.0.0.1 ttl 3x", "1 send-probe ip-4 127.0.0.1 ttl -1",
		"1 send-probe ip-4 127.0.0.1 ttl +3", "1 send-probe ip-4 127.0.0.1 size 65536",
		"1 send-probe ip-4 127.0.0.1 timeout 86401", "1 send-probe ip-4 127.0.0.1 port 65536",
		"1 send-probe ip-4 127.0.0.1 local-port 1023",
		"1 send-probe ip-4 127.0.0.1 local-port 65536", "1 send-probe ip-4 127.0.0.1 tos 256",
		"1 send-probe ip-4 127.0.0.1 bit-pattern 256",
		"1 send-probe ip-4 127.0.0.1 bit-pattern -1",
		"1 send-probe ip-4 127.0.0.1 mark 4294967296",
		"1 send-probe ip-4 127.0.0.1 protocol raw", "1 send-probe ip-4 127.0.0.1 tll 3",
		"1 send-probe ip-4 127.0.0.1 local-ip-6 ::1",
		"1 send-probe ip-4 127.0.0.1 local-device 0123456789abcdefg",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &c), MTRPACKET_INVALID_ARGUMENT);
		assert_int_equal(c.token, 1);
	}
	assert_int_equal(parse("3 send-probe ttl 3", &c), MTRPACKET_NO_IP_VERSION);
	assert_int_equal(parse("3 send-probe ip-4 127.0.0.1 protocol sctp", &c),
	                 MTRPACKET_NO_PROTOCOL);
	assert_int_equal(parse("3 send-probe protocol sctp ip-4 127.0.0.1", &c),
	                 MTRPACKET_NO_PROTOCOL);
	assert_int_equal(parse("3 bogus ip-4 127.0.0.1", &c), MTRPACKET_UNKNOWN_COMMAND);
	assert_int_equal(c.token, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(what_mtr_sends), cmocka_unit_test(defaults),
		cmocka_unit_test(check_support), cmocka_unit_test(parse_errors),
		cmocka_unit_test(invalid_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
