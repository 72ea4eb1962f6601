/* agent_limit: one trace per prefix (/24, /56; mapped IPv4 as IPv4), the
 * global cap, requests per minute with Retry-After, and a full table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "agent/agent_limit.h"

#define SEC 1000000000LL

static void key4(unsigned char k[AGENT_PREFIX_LEN], unsigned a, unsigned b, unsigned c, unsigned d)
{
	unsigned char ip[4] = { (unsigned char)a, (unsigned char)b, (unsigned char)c, (unsigned char)d };
	agent_limit_prefix(AF_INET, ip, k);
}

static void prefixes(void **state)
{
	(void)state;
	unsigned char a[AGENT_PREFIX_LEN], b[AGENT_PREFIX_LEN], m[AGENT_PREFIX_LEN];
	key4(a, 192, 0, 2, 1);
	key4(b, 192, 0, 2, 200);
	assert_memory_equal(a, b, AGENT_PREFIX_LEN);
	key4(b, 192, 0, 3, 1);
	assert_memory_not_equal(a, b, AGENT_PREFIX_LEN);
	unsigned char v6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 9 };
	agent_limit_prefix(AF_INET6, v6, m);
	assert_memory_equal(a, m, AGENT_PREFIX_LEN);
	unsigned char x[16] = { 0x20, 1, 0xd, 0xb8, 1, 2, 3, 4 }, y[16] = { 0x20, 1, 0xd, 0xb8, 1, 2, 3, 5 };
	unsigned char kx[AGENT_PREFIX_LEN], ky[AGENT_PREFIX_LEN];
	agent_limit_prefix(AF_INET6, x, kx);
	agent_limit_prefix(AF_INET6, y, ky);
	assert_memory_equal(kx, ky, AGENT_PREFIX_LEN); /* same /56 */
	y[6] = 4;
	agent_limit_prefix(AF_INET6, y, ky);
	assert_memory_not_equal(kx, ky, AGENT_PREFIX_LEN);
}

static void one_per_prefix_and_global_cap(void **state)
{
	(void)state;
	struct agent_limit *l = agent_limit_new(2, 100);
	unsigned char a[AGENT_PREFIX_LEN], b[AGENT_PREFIX_LEN], c[AGENT_PREFIX_LEN];
	unsigned retry;
	key4(a, 10, 0, 1, 1), key4(b, 10, 0, 2, 1), key4(c, 10, 0, 3, 1);
	assert_int_equal(agent_limit_admit(l, a, 0, &retry), AGENT_ADMIT_OK);
	assert_int_equal(agent_limit_admit(l, a, 1, &retry), AGENT_ADMIT_PREFIX_BUSY);
	assert_int_equal(agent_limit_admit(l, b, 2, &retry), AGENT_ADMIT_OK);
	assert_int_equal(agent_limit_admit(l, c, 3, &retry), AGENT_ADMIT_GLOBAL_BUSY);
	assert_true(retry >= 1);
	assert_int_equal(agent_limit_active(l), 2);
	agent_limit_done(l, a);
	assert_int_equal(agent_limit_admit(l, c, 4, &retry), AGENT_ADMIT_OK);
	assert_int_equal(agent_limit_admit(l, a, 5, &retry), AGENT_ADMIT_GLOBAL_BUSY);
	agent_limit_done(l, b), agent_limit_done(l, c);
	assert_int_equal(agent_limit_active(l), 0);
	agent_limit_free(l);
}

static void per_minute_with_retry_after(void **state)
{
	(void)state;
	struct agent_limit *l = agent_limit_new(10, 3);
	unsigned char a[AGENT_PREFIX_LEN];
	unsigned retry;
	key4(a, 10, 0, 1, 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(agent_limit_admit(l, a, i * SEC, &retry), AGENT_ADMIT_OK);
		agent_limit_done(l, a);
	}
	assert_int_equal(agent_limit_admit(l, a, 20 * SEC, &retry), AGENT_ADMIT_RATE);
	assert_int_equal(retry, 41);
	assert_int_equal(agent_limit_admit(l, a, 60 * SEC, &retry), AGENT_ADMIT_OK);
	agent_limit_free(l);
}

static void full_table_refuses_newcomers(void **state)
{
	(void)state;
	struct agent_limit *l = agent_limit_new(1000000, 100);
	unsigned char k[AGENT_PREFIX_LEN];
	unsigned retry;
	for (unsigned i = 0; i < AGENT_LIMIT_SLOTS; i++) {
		key4(k, 10, i >> 8, i & 255, 1);
		assert_int_equal(agent_limit_admit(l, k, 0, &retry), AGENT_ADMIT_OK);
	}
	key4(k, 11, 0, 0, 1);
	assert_int_equal(agent_limit_admit(l, k, 0, &retry), AGENT_ADMIT_GLOBAL_BUSY);
	key4(k, 10, 0, 0, 1);
	agent_limit_done(l, k);
	key4(k, 11, 0, 0, 1);
	assert_int_equal(agent_limit_admit(l, k, 61 * SEC, &retry), AGENT_ADMIT_OK);
	agent_limit_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(prefixes),
	    cmocka_unit_test(one_per_prefix_and_global_cap),
	    cmocka_unit_test(per_minute_with_retry_after),
	    cmocka_unit_test(full_table_refuses_newcomers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
