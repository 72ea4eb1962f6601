/* oneway_clock: the clock quality from adjtimex's answer, the boot_id
 * hash, and that reading this machine's clocks gives something sane. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/timex.h>

#include "oneway/oneway_clock.h"

static void from_timex(void **state)
{
	(void)state;
	struct oneway_clock c;
	oneway_clock_from_timex(TIME_OK, 0, 1200, &c);
	assert_true(c.known && !c.unsync);
	assert_int_equal(c.maxerror_us, 1200);
	oneway_clock_from_timex(TIME_ERROR, STA_UNSYNC, 16000000, &c);
	assert_true(c.known && c.unsync);
	oneway_clock_from_timex(TIME_OK, STA_UNSYNC | STA_PLL, 5, &c);
	assert_true(c.unsync); /* the flag alone is enough */
	oneway_clock_from_timex(-1, 0, 0, &c);
	assert_false(c.known); /* adjtimex refused (a seccomp filter) */
	oneway_clock_from_timex(TIME_OK, 0, -3, &c);
	assert_true(c.unsync);
	assert_int_equal(c.maxerror_us, 0);
}

static void boot_hash(void **state)
{
	(void)state;
	const char *a = "0b5e2f0c-2f5a-4e53-8a2e-4fb3b0c1d2e3\n";
	uint32_t h = oneway_clock_boot_hash(a, strlen(a));
	assert_true(h != 0);
	assert_int_equal(h, oneway_clock_boot_hash(a, strlen(a) - 1)); /* the newline ignored */
	assert_true(h != oneway_clock_boot_hash("0b5e2f0c-2f5a-4e53-8a2e-4fb3b0c1d2e4", 36));
	assert_int_equal(oneway_clock_boot_hash("\n", 1), 0);
	assert_int_equal(oneway_clock_boot_hash("", 0), 0);
}

/* Two readings on one machine: the same boot_id, wall time after 2020. */
/* The worse of two readings: the bound at a run's end is kept when it grew. */
static void worse(void **state)
{
	(void)state;
	struct oneway_clock a = { .known = true, .maxerror_us = 1000, .boot_hash = 7 };
	struct oneway_clock later = { .known = true, .maxerror_us = 16000, .boot_hash = 7 };
	oneway_clock_worse(&a, &later);
	assert_true(a.known && !a.unsync);
	assert_int_equal(a.maxerror_us, 16000);
	assert_int_equal(a.boot_hash, 7);
	struct oneway_clock lost = { .known = false, .unsync = true, .maxerror_us = 5, .boot_hash = 8 };
	oneway_clock_worse(&a, &lost);
	assert_false(a.known);
	assert_true(a.unsync);
	assert_int_equal(a.maxerror_us, 16000);
	assert_int_equal(a.boot_hash, 0); /* two kernels: unknown */
}

static void reads(void **state)
{
	(void)state;
	struct oneway_clock a, b;
	oneway_clock_read(&a);
	oneway_clock_read(&b);
	assert_int_equal(a.boot_hash, b.boot_hash);
	struct oneway_stamp s = oneway_clock_now(), t = oneway_clock_now();
	assert_true(s.wall_ns > 1577836800ull * 1000000000ull);
	assert_true(t.mono_ns >= s.mono_ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(from_timex),
		cmocka_unit_test(boot_hash),
		cmocka_unit_test(worse),
		cmocka_unit_test(reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
