/* probe_clock: the narrowest bracket sets the offset; a conversion of a
 * fresh realtime read lands on the monotonic clock's now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe/probe_clock.h"

#define MS 1000000LL

/* The real offset here is 1e12 ns; a read the scheduler interrupted for
 * 1.2 ms between the realtime and the second monotonic read would, used
 * alone, put the offset 0.6 ms low. */
static void narrowest_bracket_wins(void **state)
{
	(void)state;
	const struct probe_clock_read reads[] = {
		{ 5000 * MS, 5000 * MS + 1000000000000LL + 100, 5000 * MS + 1200000 },   /* interrupted */
		{ 5002 * MS, 5002 * MS + 1000000000000LL + 100, 5002 * MS + 200 },       /* tight */
		{ 5003 * MS, 5003 * MS + 1000000000000LL + 900000, 5003 * MS + 1800000 }, /* interrupted */
	};
	assert_int_equal(probe_clock_offset(reads, 3), 1000000000000LL);
	/* The interrupted read alone errs by half its bracket, less the 100 ns. */
	assert_int_equal(probe_clock_offset(reads, 1), 1000000000000LL - 600000 + 100);
}

static void first_of_equal_brackets(void **state)
{
	(void)state;
	const struct probe_clock_read reads[] = {
		{ 0, 700, 1000 },
		{ 2000, 2900, 3000 },
	};
	assert_int_equal(probe_clock_offset(reads, 2), 700 - 500);
}

static void fresh_stamp_converts_to_now(void **state)
{
	(void)state;
	struct timespec rt, m1, m2;
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &rt);
	int64_t mono = probe_clock_mono_ns(&rt);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	int64_t lo = (int64_t)m1.tv_sec * 1000000000 + m1.tv_nsec;
	int64_t hi = (int64_t)m2.tv_sec * 1000000000 + m2.tv_nsec;
	/* Between the two monotonic reads, give or take the offset's own error,
	 * which one bracket bounds (a generous 5 ms, for a busy machine). */
	assert_true(mono >= lo - 5 * MS);
	assert_true(mono <= hi + 5 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(narrowest_bracket_wins),
		cmocka_unit_test(first_of_equal_brackets),
		cmocka_unit_test(fresh_stamp_converts_to_now),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
