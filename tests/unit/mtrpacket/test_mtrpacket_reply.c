/* mtrpacket_reply: every reply line word for word, MPLS label lists, the
 * errno words, and lines that do not fit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "mtrpacket/mtrpacket_cmd.h"
#include "mtrpacket/mtrpacket_reply.h"

static void answers(void **state)
{
	(void)state;
	char b[MTRPACKET_LINE_MAX];
	struct model_addr a;
	assert_int_equal(model_addr_parse("203.0.113.5", &a), 0);
	int n = mtrpacket_fmt_answer(b, sizeof(b), 42, MTRPACKET_W_REPLY, &a, 126, NULL, 0);
	assert_string_equal(b, "42 reply ip-4 203.0.113.5 round-trip-time 126\n");
	assert_int_equal(n, (int)strlen(b));
	assert_int_equal(model_addr_parse("fd00:0:0:2::2", &a), 0);
	struct model_mpls m[2] = { { 16001, 0, 0, 255 }, { 1048575, 7, 1, 1 } };
	mtrpacket_fmt_answer(b, sizeof(b), 12, MTRPACKET_W_TTL_EXPIRED, &a, 7609, m, 2);
	assert_string_equal(b, "12 ttl-expired ip-6 fd00:0:0:2::2 round-trip-time 7609 "
	                       "mpls 16001,0,0,255,1048575,7,1,1\n");
	mtrpacket_fmt_answer(b, sizeof(b), 3, MTRPACKET_W_NO_ROUTE, &a, 0, m, 1);
	assert_string_equal(b, "3 no-route ip-6 fd00:0:0:2::2 round-trip-time 0 mpls 16001,0,0,255\n");
	struct model_addr none = { .family = AF_UNSPEC };
	assert_int_equal(mtrpacket_fmt_answer(b, sizeof(b), 3, MTRPACKET_W_REPLY, &none, 1, NULL, 0),
	                 -1);
}

static void words(void **state)
{
	(void)state;
	char b[128];
	static const char *const want[] = {
		"reply", "ttl-expired", "no-route", "no-reply", "network-down", "probes-exhausted",
		"permission-denied", "address-in-use", "address-not-available", "invalid-argument",
		"unknown-command",
	};
	for (int w = MTRPACKET_W_REPLY; w <= MTRPACKET_W_UNKNOWN_COMMAND; w++)
		assert_string_equal(mtrpacket_word_text((enum mtrpacket_word)w), want[w]);
	mtrpacket_fmt_word(b, sizeof(b), 9, MTRPACKET_W_NO_REPLY);
	assert_string_equal(b, "9 no-reply\n");
	mtrpacket_fmt_invalid(b, sizeof(b), 9, "protocol-not-supported");
	assert_string_equal(b, "9 invalid-argument reason protocol-not-supported\n");
	mtrpacket_fmt_feature(b, sizeof(b), 1, "ok");
	assert_string_equal(b, "1 feature-support support ok\n");
	mtrpacket_fmt_parse_error(b, sizeof(b));
	assert_string_equal(b, "0 command-parse-error\n");
	mtrpacket_fmt_overflow(b, sizeof(b));
	assert_string_equal(b, "0 command-buffer-overflow\n");
}

static void errnos(void **state)
{
	(void)state;
	char b[128];
	static const struct {
		int e;
		const char *line;
	} cases[] = {
		{ EINVAL, "5 invalid-argument\n" }, { ENETDOWN, "5 network-down\n" },
		{ ENETUNREACH, "5 no-route\n" }, { EHOSTUNREACH, "5 no-route\n" },
		{ EPERM, "5 permission-denied\n" }, { EACCES, "5 permission-denied\n" },
		{ EADDRINUSE, "5 address-in-use\n" },
		{ EADDRNOTAVAIL, "5 address-not-available\n" },
		{ ENODEV, "5 unexpected-error errno 19\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mtrpacket_fmt_errno(b, sizeof(b), 5, cases[i].e);
		assert_string_equal(b, cases[i].line);
	}
}

static void does_not_fit(void **state)
{
	(void)state;
	char b[12];
	struct model_addr a;
	assert_int_equal(model_addr_parse("203.0.113.5", &a), 0);
	assert_int_equal(mtrpacket_fmt_answer(b, sizeof(b), 42, MTRPACKET_W_REPLY, &a, 1, NULL, 0),
	                 -1);
	assert_int_equal(mtrpacket_fmt_word(b, 5, 42, MTRPACKET_W_NO_REPLY), -1);
	/* "42 no-reply\n" is 12 bytes: it needs 13 with its NUL. */
	char c[13];
	assert_int_equal(mtrpacket_fmt_word(c, 12, 42, MTRPACKET_W_NO_REPLY), -1);
	assert_int_equal(mtrpacket_fmt_word(c, sizeof(c), 42, MTRPACKET_W_NO_REPLY), 12);
	assert_string_equal(c, "42 no-reply\n");
	assert_int_equal(mtrpacket_fmt_word(b, 0, 42, MTRPACKET_W_NO_REPLY), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers), cmocka_unit_test(words), cmocka_unit_test(errnos),
		cmocka_unit_test(does_not_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
