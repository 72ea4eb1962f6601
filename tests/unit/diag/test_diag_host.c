/* diag_host: R13's host-* findings, their thresholds (docs/diagnosis.md),
 * counter and rate, segment by side, and the healthy verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag/diag.h"

static struct diag_host clean(void)
{
	struct diag_host h;
	memset(&h, 0, sizeof(h));
	h.window_s = 5.0;
	h.has_nic_drops = h.has_softnet = h.has_conntrack = h.has_tcp = true;
	h.has_listen = h.has_udp = true;
	h.conntrack_count = 10;
	h.conntrack_max = 262144;
	h.tcp_out_segs = 10000;
	h.tcp_retrans_segs = 5; /* 0.05% */
	snprintf(h.nic_name, sizeof(h.nic_name), "eth0");
	return h;
}

/* The findings of h as a list; asserts the call worked. */
static void run(const struct diag_host *h, struct finding_list *l)
{
	finding_list_init(l);
	assert_int_equal(diag_host(h, NULL, l), 0);
}

static void a_clean_host_gives_nothing_or_healthy(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	run(&h, &l);
	assert_int_equal(l.n, 0);
	assert_int_equal(diag_host_verdict(&h, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HEALTHY);
	assert_string_equal(l.items[0].counter, "");
	finding_list_free(&l);
}

static void healthy_names_what_was_not_available(void **state)
{
	(void)state;
	struct diag_host h = clean();
	h.has_conntrack = false;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_host_verdict(&h, &l), 0);
	assert_non_null(strstr(l.items[0].evidence, "Not available here: conntrack."));
	finding_list_free(&l);
}

static void nic_drops_rate_sets_severity(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.nic_rx_drops = 3; /* 0.6/s: a trickle */
	run(&h, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HOST_NIC_DROPS);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	assert_string_equal(l.items[0].counter, "nic_drops");
	assert_true(fabs(l.items[0].rate_per_s - 0.6) < 1e-9);
	assert_non_null(strstr(l.items[0].summary, "eth0"));
	finding_list_free(&l);
	h.nic_rx_drops = 50; /* 10/s */
	run(&h, &l);
	assert_int_equal(l.items[0].severity, FINDING_WARNING);
	finding_list_free(&l);
	h.nic_tx_drops = 1000; /* 210/s */
	h.has_ring = true;
	h.rx_ring = 256;
	h.rx_ring_max = 4096;
	run(&h, &l);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_non_null(strstr(l.items[0].evidence, "256 of at most 4096"));
	assert_non_null(strstr(l.items[0].advice, "ethtool -G"));
	finding_list_free(&l);
}

static void softnet_drops_warn_squeezes_inform(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.softnet_squeezed = 40;
	run(&h, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HOST_SOFTNET_DROPS);
	assert_int_equal(l.items[0].severity, FINDING_INFO);
	assert_string_equal(l.items[0].counter, "softnet_time_squeeze");
	finding_list_free(&l);
	h.softnet_dropped = 6000; /* 1,200/s */
	h.has_softnet_cpu = true;
	h.softnet_top_cpu = 1;
	h.softnet_top_dropped = 5700;
	run(&h, &l);
	assert_non_null(strstr(l.items[0].evidence, "CPU 1 dropped 5700 of them (95%)"));
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_string_equal(l.items[0].counter, "softnet_dropped");
	assert_true(fabs(l.items[0].rate_per_s - 1200.0) < 1e-9);
	assert_non_null(strstr(l.items[0].advice, "netdev_max_backlog"));
	assert_non_null(strstr(l.items[0].advice, "RPS/RFS"));
	finding_list_free(&l);
}

static void conntrack_full_or_dropping(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.conntrack_count = 235000; /* 89.6%: not yet */
	run(&h, &l);
	assert_int_equal(l.n, 0);
	h.conntrack_count = 236000; /* 90.03% */
	run(&h, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HOST_CONNTRACK_FULL);
	assert_int_equal(l.items[0].severity, FINDING_WARNING);
	assert_string_equal(l.items[0].counter, "conntrack_count");
	assert_true(isnan(l.items[0].rate_per_s)); /* a fill level has no rate */
	finding_list_free(&l);
	h.conntrack_count = 10;
	h.conntrack_drops = 25;
	run(&h, &l);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_string_equal(l.items[0].counter, "conntrack_drops");
	assert_true(fabs(l.items[0].rate_per_s - 5.0) < 1e-9);
	assert_non_null(strstr(l.items[0].advice, "nf_conntrack_max"));
	finding_list_free(&l);
}

static void retransmissions_by_share_of_segments(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.tcp_retrans_segs = 99; /* 0.99% */
	run(&h, &l);
	assert_int_equal(l.n, 0);
	h.tcp_retrans_segs = 100;
	run(&h, &l);
	assert_int_equal(l.items[0].kind, FINDING_HOST_RETRANSMITS);
	assert_int_equal(l.items[0].severity, FINDING_WARNING);
	assert_true(fabs(l.items[0].loss_pct - 1.0) < 1e-9);
	assert_true(fabs(l.items[0].rate_per_s - 20.0) < 1e-9);
	finding_list_free(&l);
	h.tcp_retrans_segs = 500;
	run(&h, &l);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	finding_list_free(&l);
	/* 3 of 10 segments is no share to judge */
	h.tcp_out_segs = 10;
	h.tcp_retrans_segs = 3;
	run(&h, &l);
	assert_int_equal(l.n, 0);
}

static void listen_and_udp_buffer(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.listen_drops = 10;
	h.udp_rcvbuf_errors = 4;
	run(&h, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_HOST_UDP_BUFFER_ERRORS);
	assert_string_equal(l.items[0].counter, "udp_rcvbuf_errors");
	assert_int_equal(l.items[1].kind, FINDING_HOST_LISTEN_OVERFLOW);
	assert_string_equal(l.items[1].counter, "listen_drops");
	finding_list_free(&l);
}

static void unavailable_counters_are_not_read(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.softnet_dropped = 100;
	h.has_softnet = false;
	h.udp_rcvbuf_errors = 100;
	h.has_udp = false;
	run(&h, &l);
	assert_int_equal(l.n, 0);
}

static void client_side_is_local_and_at_no_hop(void **state)
{
	(void)state;
	struct diag_host h = clean();
	struct finding_list l;
	h.on_client = true;
	h.softnet_dropped = 10;
	run(&h, &l);
	assert_int_equal(l.items[0].segment, FINDING_SEG_LOCAL);
	assert_int_equal(l.items[0].hop, 0);
	assert_non_null(strstr(l.items[0].evidence, "Over 5.0 s: softnet_dropped at 2.0/s. Measured on the client"));
	finding_list_free(&l);
}

/* --return-via: the server's own --diagnose findings (measured "on the
 * client", from its side) become the server's in the combined verdict. */
static void server_findings_are_the_destinations(void **state)
{
	(void)state;
	struct diag_host h = clean();
	h.on_client = true; /* the server's hopdoc measured itself */
	h.softnet_dropped = 6000; /* 1,200/s over 5 s */
	struct finding_list server, out;
	finding_list_init(&server);
	finding_list_init(&out);
	assert_int_equal(diag_host(&h, NULL, &server), 0);
	assert_int_equal(server.n, 1);
	assert_non_null(strstr(server.items[0].evidence, "Measured on the client"));
	assert_int_equal(diag_host_server(&server, NULL, &out), 0);
	assert_int_equal(out.n, 1);
	const struct finding *f = &out.items[0];
	assert_int_equal(f->kind, FINDING_HOST_SOFTNET_DROPS);
	assert_int_equal(f->segment, FINDING_SEG_DESTINATION);
	assert_int_equal(f->severity, server.items[0].severity);
	char want[128];
	snprintf(want, sizeof(want), "The server drops them itself: %s at 1,200/s. ",
	         server.items[0].counter);
	assert_memory_equal(f->summary, want, strlen(want));
	assert_non_null(strstr(f->summary, server.items[0].summary));
	assert_null(strstr(f->evidence, "Measured on the client"));
	assert_non_null(strstr(f->evidence, "Measured on the server"));
	assert_string_equal(f->advice, server.items[0].advice);
	finding_list_free(&server);
	finding_list_free(&out);
}

static void no_server_findings_add_nothing(void **state)
{
	(void)state;
	struct finding_list server, out;
	finding_list_init(&server);
	finding_list_init(&out);
	assert_int_equal(diag_host_server(&server, NULL, &out), 0);
	assert_int_equal(out.n, 0);
	finding_list_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_clean_host_gives_nothing_or_healthy),
	    cmocka_unit_test(healthy_names_what_was_not_available),
	    cmocka_unit_test(nic_drops_rate_sets_severity),
	    cmocka_unit_test(softnet_drops_warn_squeezes_inform),
	    cmocka_unit_test(conntrack_full_or_dropping),
	    cmocka_unit_test(retransmissions_by_share_of_segments),
	    cmocka_unit_test(listen_and_udp_buffer),
	    cmocka_unit_test(unavailable_counters_are_not_read),
	    cmocka_unit_test(client_side_is_local_and_at_no_hop),
	    cmocka_unit_test(server_findings_are_the_destinations),
	    cmocka_unit_test(no_server_findings_add_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
