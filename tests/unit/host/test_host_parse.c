/* host_parse: each parser over real-looking file contents, the variants
 * kernels print, and what it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "host/host_parse.h"

#define LEN(s) (sizeof(s) - 1)

static void uint_takes_one_number_with_blanks(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(host_parse_uint("12345\n", 6, &v), 0);
	assert_true(v == 12345);
	assert_int_equal(host_parse_uint("  0 \n", 5, &v), 0);
	assert_true(v == 0);
	assert_int_equal(host_parse_uint("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	/* not NUL-terminated: only len bytes count */
	assert_int_equal(host_parse_uint("42999", 2, &v), 0);
	assert_true(v == 42);
}

static void uint_refuses_garbage_and_overflow(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(host_parse_uint("", 0, &v), -1);
	assert_int_equal(host_parse_uint("\n", 1, &v), -1);
	assert_int_equal(host_parse_uint("-1", 2, &v), -1);
	assert_int_equal(host_parse_uint("12a", 3, &v), -1);
	assert_int_equal(host_parse_uint("1 2", 3, &v), -1);
	assert_int_equal(host_parse_uint("18446744073709551616", 20, &v), -1);
}

static void text_squeezes_blanks(void **state)
{
	(void)state;
	char out[64];
	static const char rmem[] = "4096\t87380\t16777216\n";
	assert_int_equal(host_parse_text(rmem, LEN(rmem), out, sizeof(out)), 0);
	assert_string_equal(out, "4096 87380 16777216");
	char small[8];
	assert_int_equal(host_parse_text(rmem, LEN(rmem), small, sizeof(small)), -1);
	assert_int_equal(host_parse_text("\x01", 1, out, sizeof(out)), -1);
	assert_int_equal(host_parse_text("  \n", 3, out, sizeof(out)), -1);
}

static void softnet_columns_two_and_three_per_cpu(void **state)
{
	(void)state;
	/* 5.10+ prints 13 or more columns, the 13th the CPU (here CPU 2 is
	 * offline: the rows are 0 and 3); old kernels 11, the row is the CPU */
	static const char stat[] =
	    "001fb092 00000010 00000003 00000000 00000000 00000000 00000000 00000000 00000000 "
	    "00000000 00000000 00000000 00000000 00000000 00000000\n"
	    "0020358a 000000f0 00000001 00000000 00000000 00000000 00000000 00000000 00000000 "
	    "00000000 00000000 00000000 00000003 00000000 00000000\n";
	static struct host_softnet sn;
	assert_int_equal(host_parse_softnet(stat, LEN(stat), &sn), 0);
	assert_true(sn.dropped == 0x100);
	assert_true(sn.squeezed == 4);
	assert_int_equal(sn.rows, 2);
	assert_int_equal(sn.cpu[0].cpu, 0);
	assert_int_equal(sn.cpu[1].cpu, 3);
	assert_true(sn.cpu[1].dropped == 0xf0 && sn.cpu[1].squeezed == 1);
	static const char old[] = "00000001 00000002 00000003 0 0 0 0 0 0 0 0\n"
	                          "00000001 00000005 00000006 0 0 0 0 0 0 0 0\n";
	assert_int_equal(host_parse_softnet(old, LEN(old), &sn), 0);
	assert_int_equal(sn.cpu[1].cpu, 1);
	assert_true(sn.dropped == 7 && sn.squeezed == 9);
}

static void softnet_keeps_the_first_rows_and_sums_all(void **state)
{
	(void)state;
	static char big[(HOST_MAX_CPUS + 4) * 12];
	size_t len = 0;
	for (int i = 0; i < HOST_MAX_CPUS + 4; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "0 1 2\n");
	static struct host_softnet sn;
	assert_int_equal(host_parse_softnet(big, len, &sn), 0);
	assert_int_equal(sn.rows, HOST_MAX_CPUS + 4);
	assert_true(sn.dropped == HOST_MAX_CPUS + 4);
	assert_int_equal(sn.cpu[HOST_MAX_CPUS - 1].cpu, HOST_MAX_CPUS - 1);
}

static void softnet_refuses_short_or_non_hex_lines(void **state)
{
	(void)state;
	static struct host_softnet sn;
	assert_int_equal(host_parse_softnet("00000001 00000002\n", 18, &sn), -1);
	assert_int_equal(host_parse_softnet("0000000g 0 0\n", 13, &sn), -1);
	assert_int_equal(host_parse_softnet("\n\n", 2, &sn), -1);
}

static const char snmp[] =
    "Ip: Forwarding DefaultTTL InReceives\n"
    "Ip: 1 64 1234\n"
    "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens OutSegs RetransSegs\n"
    "Tcp: 1 200 120000 -1 10 5000 75\n"
    "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n"
    "Udp: 100 2 9 100 8 0\n";

static void snmp_finds_the_field_of_its_group(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Tcp", "RetransSegs", &v), 0);
	assert_true(v == 75);
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Tcp", "OutSegs", &v), 0);
	assert_true(v == 5000);
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Udp", "RcvbufErrors", &v), 0);
	assert_true(v == 8);
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Udp", "InErrors", &v), 0);
	assert_true(v == 9);
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Tcp", "MaxConn", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void snmp_refuses_missing_fields_and_groups(void **state)
{
	(void)state;
	uint64_t v;
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Tcp", "NoSuch", &v), -1);
	assert_int_equal(host_parse_snmp(snmp, LEN(snmp), "Icmp", "InMsgs", &v), -1);
	/* "Udp" must not match "UdpLite:" */
	static const char lite[] = "UdpLite: InErrors\nUdpLite: 5\n";
	assert_int_equal(host_parse_snmp(lite, LEN(lite), "Udp", "InErrors", &v), -1);
	static const char cut[] = "TcpExt: ListenOverflows ListenDrops\n";
	assert_int_equal(host_parse_snmp(cut, LEN(cut), "TcpExt", "ListenDrops", &v), -1);
	static const char short_values[] = "TcpExt: ListenOverflows ListenDrops\nTcpExt: 3\n";
	assert_int_equal(host_parse_snmp(short_values, LEN(short_values), "TcpExt", "ListenDrops", &v),
	                 -1);
}

static void netstat_listen_counters(void **state)
{
	(void)state;
	static const char netstat[] =
	    "TcpExt: SyncookiesSent ListenOverflows ListenDrops\n"
	    "TcpExt: 0 12 15\n"
	    "IpExt: InNoRoutes\n"
	    "IpExt: 0\n";
	uint64_t v = 0;
	assert_int_equal(host_parse_snmp(netstat, LEN(netstat), "TcpExt", "ListenOverflows", &v), 0);
	assert_true(v == 12);
	assert_int_equal(host_parse_snmp(netstat, LEN(netstat), "TcpExt", "ListenDrops", &v), 0);
	assert_true(v == 15);
}

static const char ct[] =
    "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop "
    "early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
    "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
    "00000002 0000000a 00000001 00000000  00000000 00000000 00000000 00000000\n"
    "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
    "00000003 00000010 00000000 00000000  00000000 00000000 00000000 00000000\n";

static void ct_stat_sums_a_column_over_cpus(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(host_parse_ct_stat(ct, LEN(ct), "insert_failed", &v), 0);
	assert_true(v == 5);
	assert_int_equal(host_parse_ct_stat(ct, LEN(ct), "drop", &v), 0);
	assert_true(v == 0x1a);
	assert_int_equal(host_parse_ct_stat(ct, LEN(ct), "early_drop", &v), 0);
	assert_true(v == 1);
	assert_int_equal(host_parse_ct_stat(ct, LEN(ct), "nosuch", &v), -1);
	static const char header_only[] = "entries drop\n";
	assert_int_equal(host_parse_ct_stat(header_only, LEN(header_only), "drop", &v), -1);
	static const char short_row[] = "entries drop\n00000001\n";
	assert_int_equal(host_parse_ct_stat(short_row, LEN(short_row), "drop", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uint_takes_one_number_with_blanks),
	    cmocka_unit_test(uint_refuses_garbage_and_overflow),
	    cmocka_unit_test(text_squeezes_blanks),
	    cmocka_unit_test(softnet_columns_two_and_three_per_cpu),
	    cmocka_unit_test(softnet_keeps_the_first_rows_and_sums_all),
	    cmocka_unit_test(softnet_refuses_short_or_non_hex_lines),
	    cmocka_unit_test(snmp_finds_the_field_of_its_group),
	    cmocka_unit_test(snmp_refuses_missing_fields_and_groups),
	    cmocka_unit_test(netstat_listen_counters),
	    cmocka_unit_test(ct_stat_sums_a_column_over_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
