#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "model/model.h"
#include "stats/hopstat.h"

/* cmocka has no double comparison; this one names both values on failure. */
#define assert_double_equal(a, b, eps) check_near((a), (b), (eps), #a, __LINE__)
static void check_near(double got, double want, double eps, const char *what, int line)
{
	if (!(fabs(got - want) <= eps)) {
		print_error("line %d: %s = %.12g, want %.12g (within %g)\n", line, what, got, want, eps);
		fail();
	}
}

static struct model_hop filled(const struct hopstat *s)
{
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	hopstat_fill(s, &h);
	return h;
}

static void feed(struct hopstat *s, const double *rtt, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hopstat_sent(s);
		hopstat_reply(s, rtt[i]);
	}
}

/* Figures worked out by hand for 10, 12, 11, 15 ms. */
static void small_set_matches_hand_computation(void **state)
{
	(void)state;
	static const double rtt[] = { 10, 12, 11, 15 };
	struct hopstat *s = hopstat_new();
	feed(s, rtt, 4);
	struct model_hop h = filled(s);
	assert_int_equal(h.snt, 4);
	assert_int_equal(h.recv, 4);
	assert_int_equal(h.drop, 0);
	assert_double_equal(h.loss_pct, 0.0, 1e-12);
	assert_double_equal(h.last, 15.0, 1e-12);
	assert_double_equal(h.best, 10.0, 1e-12);
	assert_double_equal(h.wrst, 15.0, 1e-12);
	assert_double_equal(h.avg, 12.0, 1e-12);
	assert_double_equal(h.stdev, sqrt(14.0 / 3.0), 1e-12);     /* 2.1602 */
	assert_double_equal(h.gmean, 11.862228829, 1e-8);          /* 19800^(1/4) */
	assert_double_equal(h.jttr, 4.0, 1e-12);                   /* |15 - 11| */
	assert_double_equal(h.jmax, 4.0, 1e-12);
	assert_double_equal(h.javg, (0 + 2 + 1 + 4) / 4.0, 1e-12); /* first reply has 0 */
	assert_double_equal(h.jint, 6.6953125, 1e-12);             /* 2, 2.875, 6.6953125 */
	hopstat_free(s);
}

static void single_reply_has_no_spread(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	hopstat_sent(s);
	hopstat_reply(s, 7.25);
	struct model_hop h = filled(s);
	assert_double_equal(h.avg, 7.25, 1e-12);
	assert_double_equal(h.best, 7.25, 1e-12);
	assert_double_equal(h.wrst, 7.25, 1e-12);
	assert_double_equal(h.gmean, 7.25, 1e-9);
	assert_double_equal(h.stdev, 0.0, 0.0);
	assert_double_equal(h.jttr, 0.0, 0.0);
	assert_double_equal(h.jint, 0.0, 0.0);
	hopstat_free(s);
}

static void in_flight_probes_are_not_lost(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	for (int i = 0; i < 6; i++)
		hopstat_sent(s);
	hopstat_reply(s, 1.0);
	hopstat_reply(s, 1.0);
	hopstat_reply(s, 1.0);
	hopstat_reply(s, 1.0);
	hopstat_timeout(s);
	assert_int_equal(hopstat_in_flight(s), 1);
	struct model_hop h = filled(s);
	assert_int_equal(h.drop, 1);
	assert_double_equal(h.loss_pct, 20.0, 1e-12); /* 1 of 5 settled, not 1 of 6 */
	hopstat_late(s);
	h = filled(s);
	assert_int_equal(h.drop, 0);
	assert_int_equal(h.late, 1);
	assert_double_equal(h.loss_pct, 0.0, 1e-12);
	hopstat_free(s);
}

static void all_lost_is_100_percent_with_zero_times(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	for (int i = 0; i < 3; i++) {
		hopstat_sent(s);
		hopstat_timeout(s);
	}
	struct model_hop h = filled(s);
	assert_double_equal(h.loss_pct, 100.0, 1e-12);
	assert_double_equal(h.avg, 0.0, 0.0);
	assert_double_equal(h.gmean, 0.0, 0.0);
	assert_double_equal(h.stdev, 0.0, 0.0);
	hopstat_free(s);
}

static void bad_rtts_are_ignored(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	hopstat_sent(s);
	hopstat_reply(s, -1.0);
	hopstat_reply(s, NAN);
	hopstat_reply(s, INFINITY);
	assert_int_equal(filled(s).recv, 0);
	hopstat_late(s); /* nothing timed out: no effect */
	assert_int_equal(filled(s).late, 0);
	hopstat_free(s);
}

/* A large offset with a tiny spread: the naive sum of squares loses every
 * digit here, Welford keeps them. */
static void large_offset_variance_is_stable(void **state)
{
	(void)state;
	const size_t n = 100000;
	struct hopstat *s = hopstat_new();
	for (size_t i = 0; i < n; i++) {
		hopstat_sent(s);
		hopstat_reply(s, 1e6 + (i % 2 ? 0.5 : -0.5));
	}
	struct model_hop h = filled(s);
	assert_double_equal(h.avg, 1e6, 1e-6);
	double want = sqrt(0.25 * (double)n / (double)(n - 1));
	assert_double_equal(h.stdev, want, 1e-6);
	hopstat_free(s);
}

/* formats.md: 2,000 samples uniform on 1-2 ms. mtr's integer truncation
 * prints about 1.1; the true mean must come out. */
static void uniform_2000_gives_true_mean(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	uint32_t x = 12345;
	long double sum = 0, sumsq = 0;
	double lo = 3, hi = 0;
	for (int i = 0; i < 2000; i++) {
		x = x * 1664525u + 1013904223u;
		double rtt = 1.0 + (double)x / 4294967296.0;
		sum += rtt;
		sumsq += (long double)rtt * rtt;
		lo = rtt < lo ? rtt : lo;
		hi = rtt > hi ? rtt : hi;
		hopstat_sent(s);
		hopstat_reply(s, rtt);
	}
	struct model_hop h = filled(s);
	double mean = (double)(sum / 2000);
	double var = (double)((sumsq - sum * sum / 2000) / 1999);
	assert_true(mean > 1.45 && mean < 1.55);
	assert_double_equal(h.avg, mean, 1e-9);
	assert_double_equal(h.stdev, sqrt(var), 1e-6);
	assert_double_equal(h.best, lo, 0.0);
	assert_double_equal(h.wrst, hi, 0.0);
	hopstat_free(s);

	s = hopstat_new(); /* evenly spread: the mean is exactly 1.5 */
	for (int i = 0; i < 2000; i++) {
		hopstat_sent(s);
		hopstat_reply(s, 1.0 + (i + 0.5) / 2000.0);
	}
	assert_double_equal(filled(s).avg, 1.5, 1e-12);
	hopstat_free(s);
}

/* The histogram exporters show: in-time replies only, each in the first
 * bucket whose bound holds it, the sum of their RTTs alongside. */
static void replies_fill_the_rtt_histogram(void **state)
{
	(void)state;
	struct hopstat *s = hopstat_new();
	const double rtt[] = { 0.1, 0.25, 3.0, 9000.0 };
	feed(s, rtt, 4);
	hopstat_sent(s);
	hopstat_timeout(s);
	hopstat_late(s); /* a late reply is in no bucket */
	struct model_hop h = filled(s);
	assert_true(h.has & MODEL_HAS_BUCKETS);
	assert_int_equal(h.rtt_bucket[0], 2);
	assert_int_equal(h.rtt_bucket[model_rtt_bucket_of(3.0)], 1);
	unsigned long in_buckets = 0;
	for (unsigned i = 0; i < MODEL_RTT_BUCKETS; i++)
		in_buckets += h.rtt_bucket[i];
	assert_int_equal(in_buckets, 3); /* 9000 ms is above the last bound */
	assert_int_equal(h.recv, 4);
	assert_double_equal(h.rtt_sum, 9003.35, 1e-9);
	hopstat_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replies_fill_the_rtt_histogram),
		cmocka_unit_test(small_set_matches_hand_computation),
		cmocka_unit_test(single_reply_has_no_spread),
		cmocka_unit_test(in_flight_probes_are_not_lost),
		cmocka_unit_test(all_lost_is_100_percent_with_zero_times),
		cmocka_unit_test(bad_rtts_are_ignored),
		cmocka_unit_test(large_offset_variance_is_stable),
		cmocka_unit_test(uniform_2000_gives_true_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
