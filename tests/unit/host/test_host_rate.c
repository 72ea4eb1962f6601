/* host_rate: deltas and rates over the window, wraps and resets never
 * negative, interfaces appearing and disappearing between samples. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "host/host_rate.h"

static struct host_value val(uint64_t v)
{
	return (struct host_value){true, v};
}

static void rate_is_delta_over_window(void **state)
{
	(void)state;
	struct host_rate r = host_rate_of(val(100), val(1300), 2.0);
	assert_true(r.has);
	assert_false(r.reset);
	assert_true(r.delta == 1200);
	assert_true(r.per_s == 600.0);
	r = host_rate_of(val(5), val(5), 5.0);
	assert_true(r.has && r.delta == 0 && r.per_s == 0.0);
}

static void missing_either_side_has_no_rate(void **state)
{
	(void)state;
	struct host_value none = {false, 0};
	assert_false(host_rate_of(none, val(5), 1.0).has);
	assert_false(host_rate_of(val(5), none, 1.0).has);
	assert_false(host_rate_of(val(5), val(6), 0.0).has);
}

static void a_32_bit_counter_wraps(void **state)
{
	(void)state;
	struct host_rate r = host_rate_of(val(UINT32_MAX - 9), val(20), 1.0);
	assert_true(r.has && r.reset);
	assert_true(r.delta == 30);
	assert_true(r.per_s == 30.0);
}

static void a_decrease_otherwise_is_a_reset(void **state)
{
	(void)state;
	/* small counter going down: re-created interface, counted since */
	struct host_rate r = host_rate_of(val(1000), val(5), 1.0);
	assert_true(r.has && r.reset);
	assert_true(r.delta == 5);
	/* a 64-bit counter does not wrap in a lifetime: a reset */
	r = host_rate_of(val(UINT64_C(1) << 40), val(7), 1.0);
	assert_true(r.reset && r.delta == 7);
	assert_true(r.per_s >= 0.0);
}

static void nic(struct host_sample *s, const char *name, uint64_t rx_dropped)
{
	struct host_nic *n = &s->nics[s->n_nics++];
	snprintf(n->name, sizeof(n->name), "%s", name);
	for (size_t c = 0; c < HOST_NIC_COUNTERS; c++)
		n->c[c] = val(0);
	n->c[HOST_RX_DROPPED] = val(rx_dropped);
}

static void interfaces_appear_and_disappear(void **state)
{
	(void)state;
	static struct host_sample a, b;
	static struct host_rates r;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	nic(&a, "eth0", 10);
	nic(&a, "old0", 99);
	nic(&b, "eth0", 60);
	nic(&b, "new0", 5);
	host_rate_compute(&a, &b, 5.0, &r);
	assert_int_equal(r.n_nics, 3);
	assert_string_equal(r.nics[0].name, "eth0");
	assert_int_equal(r.nics[0].presence, HOST_NIC_BOTH);
	assert_true(r.nics[0].c[HOST_RX_DROPPED].per_s == 10.0);
	assert_string_equal(r.nics[1].name, "new0");
	assert_int_equal(r.nics[1].presence, HOST_NIC_APPEARED);
	assert_false(r.nics[1].c[HOST_RX_DROPPED].has);
	assert_string_equal(r.nics[2].name, "old0");
	assert_int_equal(r.nics[2].presence, HOST_NIC_GONE);
	assert_false(r.nics[2].c[HOST_RX_DROPPED].has);
}

static void levels_and_sysctls_come_from_the_later_sample(void **state)
{
	(void)state;
	static struct host_sample a, b;
	static struct host_rates r;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.g[HOST_CT_COUNT] = val(10);
	b.g[HOST_CT_COUNT] = val(900);
	b.sysctl[HOST_RMEM_MAX].has = true;
	snprintf(b.sysctl[HOST_RMEM_MAX].text, sizeof(b.sysctl[HOST_RMEM_MAX].text), "212992");
	a.c[HOST_TCP_OUT] = val(1);
	b.c[HOST_TCP_OUT] = val(11);
	host_rate_compute(&a, &b, 2.0, &r);
	assert_true(r.g[HOST_CT_COUNT].v == 900);
	assert_string_equal(r.sysctl[HOST_RMEM_MAX].text, "212992");
	assert_true(r.c[HOST_TCP_OUT].per_s == 5.0);
	assert_false(r.c[HOST_TCP_RETRANS].has);
	assert_true(r.window_s == 2.0);
}

static void softnet_rates_per_cpu_match_by_cpu(void **state)
{
	(void)state;
	static struct host_sample a, b;
	static struct host_rates r;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.softnet.rows = 2;
	a.softnet.cpu[0] = (struct host_cpu_softnet){0, 10, 1};
	a.softnet.cpu[1] = (struct host_cpu_softnet){3, 20, 2};
	b.softnet.rows = 2; /* CPU 3 is listed first now; CPU 5 is new */
	b.softnet.cpu[0] = (struct host_cpu_softnet){3, 120, 2};
	b.softnet.cpu[1] = (struct host_cpu_softnet){5, 7, 7};
	host_rate_compute(&a, &b, 2.0, &r);
	assert_int_equal(r.softnet_cpus, 2);
	assert_int_equal(r.n_softnet, 1);
	assert_int_equal(r.softnet[0].cpu, 3);
	assert_true(r.softnet[0].dropped.per_s == 50.0);
	assert_true(r.softnet[0].squeezed.delta == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rate_is_delta_over_window),
	    cmocka_unit_test(missing_either_side_has_no_rate),
	    cmocka_unit_test(a_32_bit_counter_wraps),
	    cmocka_unit_test(a_decrease_otherwise_is_a_reset),
	    cmocka_unit_test(interfaces_appear_and_disappear),
	    cmocka_unit_test(levels_and_sysctls_come_from_the_later_sample),
	    cmocka_unit_test(softnet_rates_per_cpu_match_by_cpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
