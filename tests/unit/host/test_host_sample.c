/* host_sample: reading a fake /proc and /sys tree; missing files are "not
 * available", never a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host_sample.h"

static char root[64];

static void put_file(const char *path, const char *text)
{
	char full[256], dir[256];
	snprintf(full, sizeof(full), "%s/%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - full), full);
		mkdir(dir, 0700);
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_tree(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/hopdoc-host-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int remove_tree(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void an_empty_tree_has_nothing_available(void **state)
{
	(void)state;
	static struct host_sample s;
	assert_int_equal(host_sample_read(root, &s), 0);
	assert_int_equal(s.n_nics, 0);
	for (size_t c = 0; c < HOST_COUNTERS; c++)
		assert_false(s.c[c].has);
	assert_false(s.g[HOST_CT_MAX].has);
	assert_false(s.sysctl[HOST_RMEM_MAX].has);
}

static void a_missing_root_is_an_error(void **state)
{
	(void)state;
	static struct host_sample s;
	assert_int_equal(host_sample_read("/nonexistent/hopdoc-host", &s), -1);
}

static void reads_every_file_it_finds(void **state)
{
	(void)state;
	put_file("sys/class/net/eth0/statistics/rx_dropped", "17\n");
	put_file("sys/class/net/eth0/statistics/tx_errors", "2\n");
	put_file("sys/class/net/a0/statistics/rx_dropped", "1\n");
	put_file("proc/net/softnet_stat", "00000001 00000002 00000003\n00000001 00000002 00000003\n");
	put_file("proc/net/snmp", "Tcp: OutSegs RetransSegs\nTcp: 100 4\nUdp: InErrors RcvbufErrors\nUdp: 1 2\n");
	put_file("proc/net/stat/nf_conntrack", "entries insert_failed drop early_drop\n1 2 3 4\n");
	put_file("proc/sys/net/netfilter/nf_conntrack_max", "65536\n");
	put_file("proc/sys/net/ipv4/tcp_rmem", "4096\t87380\t6291456\n");
	static struct host_sample s;
	assert_int_equal(host_sample_read(root, &s), 0);
	assert_int_equal(s.n_nics, 2);
	assert_string_equal(s.nics[0].name, "a0"); /* sorted by name */
	assert_string_equal(s.nics[1].name, "eth0");
	assert_true(s.nics[1].c[HOST_RX_DROPPED].has && s.nics[1].c[HOST_RX_DROPPED].v == 17);
	assert_true(s.nics[1].c[HOST_TX_ERRORS].v == 2);
	assert_false(s.nics[1].c[HOST_RX_MISSED].has);
	assert_false(s.nics[1].ring.has); /* no ethtool under a fake root */
	assert_true(s.c[HOST_SOFTNET_DROPPED].v == 4 && s.c[HOST_SOFTNET_SQUEEZED].v == 6);
	assert_int_equal(s.softnet.rows, 2);
	assert_true(s.c[HOST_TCP_RETRANS].v == 4 && s.c[HOST_UDP_RCVBUF].v == 2);
	assert_false(s.c[HOST_LISTEN_DROPS].has); /* no netstat file */
	assert_true(s.c[HOST_CT_EARLY_DROP].v == 4);
	assert_false(s.g[HOST_CT_COUNT].has);
	assert_true(s.g[HOST_CT_MAX].v == 65536);
	assert_string_equal(s.sysctl[HOST_TCP_RMEM].text, "4096 87380 6291456");
}

static void names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(host_nic_counter_name(HOST_RX_MISSED), "rx_missed_errors");
	assert_string_equal(host_counter_name(HOST_SOFTNET_DROPPED), "softnet_dropped");
	assert_string_equal(host_gauge_name(HOST_CT_MAX), "conntrack_max");
	assert_string_equal(host_sysctl_name(HOST_NETDEV_MAX_BACKLOG), "net.core.netdev_max_backlog");
	assert_string_equal(host_counter_name(HOST_COUNTERS), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(an_empty_tree_has_nothing_available),
	    cmocka_unit_test(a_missing_root_is_an_error),
	    cmocka_unit_test(reads_every_file_it_finds),
	    cmocka_unit_test(names_are_stable),
	};
	return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
