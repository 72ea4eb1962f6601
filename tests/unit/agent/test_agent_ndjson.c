/* agent_ndjson: rounds from raw lines, late replies in their own round,
 * silent hops, junk and overlong lines skipped, lines split across feeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_ndjson.h"

static char *run(const char *const *chunks, size_t n)
{
	struct agent_ndjson *a = agent_ndjson_new();
	struct strbuf out = STRBUF_INIT;
	assert_non_null(a);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(agent_ndjson_feed(a, chunks[i], strlen(chunks[i]), &out), 0);
	assert_int_equal(agent_ndjson_finish(a, &out), 0);
	agent_ndjson_free(a);
	return strbuf_take(&out);
}

static void rounds_and_late_replies(void **state)
{
	(void)state;
	const char *in[] = {
		"x 0 1\nh 0 192.0.2.1\nh 0 192.0.2.1\np 0 2104 1\nx 1 2\n",
		"x 0 3\nh 1 198.51.100.2\np 1 4000 2\n", /* round 1's hop 2 answers late */
		"p 0 2000 3\nx 1 4\n",
	};
	char *s = run(in, 3);
	assert_string_equal(s,
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"host\":\"192.0.2.1\",\"sent\":1,\"recv\":1,\"rtt_ms\":2.104},"
	    "{\"hop\":2,\"host\":\"198.51.100.2\",\"sent\":1,\"recv\":1,\"rtt_ms\":4.000}]}\n"
	    "{\"round\":2,\"hops\":[{\"hop\":1,\"host\":\"192.0.2.1\",\"sent\":1,\"recv\":1,\"rtt_ms\":2.000},"
	    "{\"hop\":2,\"host\":\"198.51.100.2\",\"sent\":1,\"recv\":0}]}\n"
	    "{\"done\":true,\"rounds\":2}\n");
	free(s);
}

static void written_two_rounds_behind(void **state)
{
	(void)state;
	struct agent_ndjson *a = agent_ndjson_new();
	struct strbuf out = STRBUF_INIT;
	const char *three = "x 0 1\nx 0 2\nx 0 3\n";
	assert_int_equal(agent_ndjson_feed(a, three, strlen(three), &out), 0);
	assert_string_equal(strbuf_str(&out), "{\"round\":1,\"hops\":[{\"hop\":1,\"host\":\"???\",\"sent\":1,\"recv\":0}]}\n");
	strbuf_free(&out);
	agent_ndjson_free(a);
}

static void junk_is_skipped(void **state)
{
	(void)state;
	char big[400];
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	const char *in[] = {
		"garbage\nx 99 1\np 0 5 77\nh 0 <script>\nx 0 1\nh 0 \"quoted\"\n", big, "p 0 -5 1\nx 0", " 2\n",
	};
	char *s = run(in, 4);
	assert_string_equal(s, "{\"round\":1,\"hops\":[{\"hop\":1,\"host\":\"???\",\"sent\":1,\"recv\":0}]}\n"
	                       "{\"round\":2,\"hops\":[{\"hop\":1,\"host\":\"???\",\"sent\":1,\"recv\":0}]}\n"
	                       "{\"done\":true,\"rounds\":2}\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(rounds_and_late_replies),
	    cmocka_unit_test(written_two_rounds_behind),
	    cmocka_unit_test(junk_is_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
