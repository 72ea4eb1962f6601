/* num: whole numbers in range are read; everything else is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>

#include "base/num.h"

static void reads_integers_in_range(void **state)
{
	(void)state;
	unsigned long v = 0;
	assert_int_equal(num_ulong("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(num_ulong("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(num_ulong("007", 1, 10, &v), 0);
	assert_int_equal(v, 7);
}

static void refuses_integers_out_of_range_or_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = { "11", "", " 1", "-1", "+1", "1x", "1 ", "1.0", "0x1",
		                           "99999999999999999999999" };
	unsigned long v = 42;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(num_ulong(bad[i], 0, 10, &v), -1);
		assert_int_equal(v, 42); /* untouched */
	}
	assert_int_equal(num_ulong(NULL, 0, 10, &v), -1);
	assert_int_equal(num_ulong("0", 1, 10, &v), -1);
	assert_int_equal(num_ulong("99999999999999999999999", 0, ULONG_MAX, &v), -1);
}

static void reads_decimals_in_range(void **state)
{
	(void)state;
	double v = 0;
	assert_int_equal(num_double(".5", 0, 10, &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(num_double("2.25", 0, 10, &v), 0);
	assert_true(v == 2.25);
	assert_int_equal(num_double("1e1", 0, 10, &v), 0);
	assert_true(v == 10.0);
}

static void refuses_decimals_out_of_range_or_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = { "10.5", "", " 1", "-1", "+1", "nan", "inf", "1s", "1e999",
		                           "." };
	double v = 42;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(num_double(bad[i], 0, 10, &v), -1);
		assert_true(v == 42);
	}
	assert_int_equal(num_double(NULL, 0, 10, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_integers_in_range),
		cmocka_unit_test(refuses_integers_out_of_range_or_malformed),
		cmocka_unit_test(reads_decimals_in_range),
		cmocka_unit_test(refuses_decimals_out_of_range_or_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
