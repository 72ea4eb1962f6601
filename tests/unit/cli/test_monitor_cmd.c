/* monitor_cmd's pure helpers: target lines, durations, RFC 3339 times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli/history_cmd.h"
#include "cli/monitor_cmd.h"

static void target_lines(void **state)
{
	(void)state;
	assert_true(monitor_cmd_target_ok("203.0.113.5"));
	assert_true(monitor_cmd_target_ok("fd00:0:0:6::5"));
	assert_true(monitor_cmd_target_ok("fe80::1%eth0"));
	assert_true(monitor_cmd_target_ok("host-1.example.net"));
	assert_false(monitor_cmd_target_ok(""));
	assert_false(monitor_cmd_target_ok("two words"));
	assert_false(monitor_cmd_target_ok("a\x01" "b"));
	assert_false(monitor_cmd_target_ok("h\xc3\xa9.example"));
	char big[300];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(monitor_cmd_target_ok(big));
}

static void durations(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(history_cmd_duration_ms("24h", &ms), 0);
	assert_int_equal(ms, 86400000);
	assert_int_equal(history_cmd_duration_ms("90", &ms), 0);
	assert_int_equal(ms, 90000);
	assert_int_equal(history_cmd_duration_ms("15m", &ms), 0);
	assert_int_equal(ms, 900000);
	assert_int_equal(history_cmd_duration_ms("2d", &ms), 0);
	assert_int_equal(ms, 172800000);
	assert_int_equal(history_cmd_duration_ms("10s", &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(history_cmd_duration_ms("0", &ms), -1);
	assert_int_equal(history_cmd_duration_ms("-5m", &ms), -1);
	assert_int_equal(history_cmd_duration_ms("5w", &ms), -1);
	assert_int_equal(history_cmd_duration_ms("99999d", &ms), -1);
	assert_int_equal(history_cmd_duration_ms("1e400", &ms), -1);
	assert_int_equal(history_cmd_duration_ms(NULL, &ms), -1);
}

static void rfc3339(void **state)
{
	(void)state;
	char buf[40];
	history_cmd_rfc3339(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	history_cmd_rfc3339(1796300153431LL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-12-03T12:15:53.431Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target_lines),
		cmocka_unit_test(durations),
		cmocka_unit_test(rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
