/* import_agent: the agent's NDJSON rounds back into raw lines that import as
 * the trace the agent saw; anything else gives nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "import/import.h"
#include "import/import_agent.h"

static int line(struct import_agent *st, const char *l, struct strbuf *raw)
{
	return import_agent_line(st, l, strlen(l), raw);
}

static void a_round_becomes_raw_lines(void **state)
{
	(void)state;
	struct import_agent st = {0};
	struct strbuf raw = STRBUF_INIT;
	assert_int_equal(line(&st, "{\"round\":1,\"hops\":[{\"hop\":1,\"host\":\"192.0.2.1\","
	                           "\"sent\":1,\"recv\":1,\"rtt_ms\":2.5},{\"hop\":2,\"host\":\"???\","
	                           "\"sent\":1,\"recv\":0}]}\n", &raw), 1);
	assert_string_equal(strbuf_str(&raw), "x 0 0\nh 0 192.0.2.1\np 0 2500 0\nx 1 1\n");
	strbuf_free(&raw);
}

/* Rounds in, a trace out with the agent's counts: 4 rounds, hop 2 lost one. */
static void rounds_import_as_the_trace(void **state)
{
	(void)state;
	struct import_agent st = {0};
	struct strbuf raw = STRBUF_INIT;
	for (int r = 1; r <= 4; r++) {
		char l[512];
		snprintf(l, sizeof(l),
		         "{\"round\":%d,\"hops\":[{\"hop\":1,\"host\":\"192.0.2.1\",\"sent\":1,\"recv\":1,"
		         "\"rtt_ms\":1.0},{\"hop\":2,\"host\":\"198.51.100.7\",\"sent\":1,\"recv\":%d%s}]}",
		         r, r == 3 ? 0 : 1, r == 3 ? "" : ",\"rtt_ms\":3.0");
		assert_int_equal(line(&st, l, &raw), 1);
	}
	assert_int_equal(line(&st, "{\"done\":true,\"rounds\":4}", &raw), 0);
	struct model_trace *t = NULL;
	struct import_error e;
	assert_int_equal(import_buffer(strbuf_str(&raw), raw.len, "agent", &t, &e), 0);
	assert_int_equal(t->n_hops, 2);
	assert_int_equal(t->hops[0].snt, 4);
	assert_int_equal(t->hops[1].snt, 4);
	assert_int_equal(t->hops[1].recv, 3);
	model_trace_free(t);
	strbuf_free(&raw);
}

static void anything_else_gives_nothing(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "", "garbage", "{\"round\":1}", "{\"round\":1,\"hops\":[]}",
	    "{\"round\":-1,\"hops\":[{\"hop\":1,\"sent\":1,\"recv\":0}]}",
	    "{\"round\":1,\"hops\":[{\"hop\":0,\"sent\":1,\"recv\":0}]}",
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"sent\":1,\"recv\":2,\"host\":\"192.0.2.1\",\"rtt_ms\":1}]}",
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"sent\":1,\"recv\":1,\"host\":\"1.2.3.4\\nh 0 x\",\"rtt_ms\":1}]}",
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"sent\":1,\"recv\":1,\"host\":\"192.0.2.1\",\"rtt_ms\":-1}]}",
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"sent\":99,\"recv\":0}]}",
	    /* one bad hop spoils the round: nothing of it is written */
	    "{\"round\":1,\"hops\":[{\"hop\":1,\"sent\":1,\"recv\":0},{\"hop\":2}]}",
	};
	struct import_agent st = {0};
	struct strbuf raw = STRBUF_INIT;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(line(&st, bad[i], &raw), 0);
	assert_int_equal(raw.len, 0);
	strbuf_free(&raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_round_becomes_raw_lines),
	    cmocka_unit_test(rounds_import_as_the_trace),
	    cmocka_unit_test(anything_else_gives_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
