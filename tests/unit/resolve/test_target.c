/* target: numeric targets are taken as they are, without asking a resolver.
 * Names go through getaddrinfo; they are tested in the lab only, where no
 * query can leave (a unit test must not send one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "model/model.h"
#include "resolve/target.h"

static void numeric_addresses_are_taken_as_given(void **state)
{
	(void)state;
	struct model_addr a, want;
	char err[128];
	assert_int_equal(target_resolve("192.0.2.7", AF_UNSPEC, TARGET_INET | TARGET_INET6, &a, err,
	                                sizeof(err)), 0);
	assert_int_equal(model_addr_parse("192.0.2.7", &want), 0);
	assert_true(model_addr_equal(&a, &want));
	assert_int_equal(target_resolve("fd00::5", AF_INET6, TARGET_INET6, &a, err, sizeof(err)), 0);
	assert_int_equal(a.family, AF_INET6);
}

static void no_target_is_an_error(void **state)
{
	(void)state;
	struct model_addr a;
	char err[128] = "";
	assert_int_equal(target_resolve("", AF_UNSPEC, TARGET_INET, &a, err, sizeof(err)), -1);
	assert_string_equal(err, "no target given");
	assert_int_equal(target_resolve(NULL, AF_UNSPEC, TARGET_INET, &a, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_addresses_are_taken_as_given),
		cmocka_unit_test(no_target_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
