/* retoneway: the stream's plan, the reflector's environment, the port, and
 * the remote command that asks for a reflector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/retoneway.h"
#include "cli/retvia.h"

static void plan_spreads_over_the_run(void **state)
{
	(void)state;
	struct config c;
	opts_defaults(&c);
	uint32_t n;
	double iv;
	c.probe.cycles = 30, c.probe.interval_s = 0.1;
	retoneway_plan(&c, &n, &iv);
	assert_int_equal(n, RETONEWAY_COUNT);
	assert_true(iv >= 0.0089 && iv <= 0.0091); /* 60% of 3 s over 200 */
	c.probe.cycles = 10, c.probe.interval_s = 1.0;
	retoneway_plan(&c, &n, &iv);
	assert_true(iv >= 0.0299 && iv <= 0.0301);
	c.probe.cycles = 1, c.probe.interval_s = 0.1;
	retoneway_plan(&c, &n, &iv);
	assert_true(iv >= 0.005 && iv < 0.0051); /* never faster than one per 5 ms */
	c.probe.cycles = 1000000, c.probe.interval_s = 60;
	retoneway_plan(&c, &n, &iv);
	assert_true(iv <= 0.05); /* nor slower than one per 50 ms */
}

static void env_is_checked(void **state)
{
	(void)state;
	char a[64];
	unsigned port = 0;
	assert_int_equal(retoneway_parse_env("203.0.113.10,50000", a, sizeof(a), &port), 0);
	assert_string_equal(a, "203.0.113.10");
	assert_int_equal(port, 50000);
	assert_int_equal(retoneway_parse_env("2001:db8::1,49152", a, sizeof(a), &port), 0);
	assert_string_equal(a, "2001:db8::1");
	const char *bad[] = { "", ",5", "203.0.113.10", "203.0.113.10,", "203.0.113.10,0",
		              "203.0.113.10,65536", "203.0.113.10,+5", "203.0.113.10,5x",
		              "server.example,5", "203.0.113.10,123456",
		              "203.0.113.10,53", "203.0.113.10,49151" /* below the dynamic range */ };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(retoneway_parse_env(bad[i], a, sizeof(a), &port), -1);
	assert_int_equal(retoneway_parse_env(NULL, a, sizeof(a), &port), -1);
	assert_int_equal(retoneway_parse_env("203.0.113.10,50000", a, 8, &port), -1); /* no room */
}

static void port_in_dynamic_range(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++) {
		unsigned p = retoneway_pick_port();
		assert_true(p >= 49152 && p <= 65535);
	}
}

static void remote_asks_for_a_reflector(void **state)
{
	(void)state;
	struct config c;
	opts_defaults(&c);
	c.no_dns = true;
	c.probe.cycles = 25;
	char s[RETVIA_SCRIPT_MAX];
	assert_int_equal(retvia_remote_script_oneway(&c, 50123, s, sizeof(s)), 0);
	assert_non_null(strstr(s, "s=${SSH_CONNECTION#* * }; s=${s%% *}; "));
	assert_non_null(strstr(s, "HOPDOC_ONEWAY_REFLECT=$s,50123 exec hopdoc -n -c 25"));
	assert_null(strstr(s, "REFLECT=$s,50123 exec mtr")); /* mtr is not told */
	assert_ptr_equal(strchr(s + 7, '\''), s + strlen(s) - 1); /* one quote, closing it */
	assert_int_equal(retvia_remote_script(&c, s, sizeof(s)), 0);
	assert_null(strstr(s, "REFLECT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_spreads_over_the_run),
		cmocka_unit_test(env_is_checked),
		cmocka_unit_test(port_in_dynamic_range),
		cmocka_unit_test(remote_asks_for_a_reflector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
