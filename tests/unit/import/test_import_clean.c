/* The paste cleaner: what it removes, what it joins, what it keeps, and that
 * every cleaned line still knows its line in the paste; several reports in
 * one paste. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "import/import.h"
#include "import/import_clean.h"

static void check_clean(const char *in, const char *want, const unsigned *origin)
{
	struct import_clean c;
	assert_int_equal(import_clean_text(in, strlen(in), &c), 0);
	assert_string_equal(c.text, want);
	for (size_t i = 0; i < c.n_lines; i++)
		assert_int_equal(c.origin[i], origin[i]);
	import_clean_free(&c);
}

static void quotes_fences_and_backticks_go(void **state)
{
	(void)state;
	static const unsigned o1[] = { 2, 3 };
	check_clean("> ```\n> HOST: a  Loss%\n>  1.|-- x  0.0%`\n> ```\n", "HOST: a  Loss%\n 1.|-- x  0.0%\n",
		    o1);
	static const unsigned o2[] = { 1, 2 };
	check_clean("```HOST: a\n 1. b 2```", "HOST: a\n 1. b 2\n", o2);
	check_clean(">> > deep\n", "deep\n", o2);
	/* a row wrapped over several lines, decimal commas in every part */
	static const unsigned o3[] = { 1 };
	check_clean(" 1. a 0,0%\n10\n1,5 2,5\n", "1. a 0.0% 10 1.5 2.5\n", o3);
}

static void prompts_and_command_lines_go(void **state)
{
	(void)state;
	assert_true(import_clean_is_command("[root@host ~]#"));
	assert_true(import_clean_is_command("[me@box tmp]$ mtr -r x"));
	assert_true(import_clean_is_command("user@host:~$ mtr -j x"));
	assert_true(import_clean_is_command("$ mtr -r x"));
	assert_true(import_clean_is_command("# mtr -r x"));
	assert_true(import_clean_is_command("sudo mtr -rw x"));
	assert_true(import_clean_is_command("C:\\Users\\me>"));
	assert_true(import_clean_is_command("PS C:\\> winmtr"));
	assert_false(import_clean_is_command("# 1. 10.0.0.1 0.0% 10"));
	assert_false(import_clean_is_command("[MPLS: Lbl 24001 TC 0 S 1 TTL 1]"));
	assert_false(import_clean_is_command("<HOST>fe80::1</HOST>"));
	assert_false(import_clean_is_command("100.0%"));
	assert_false(import_clean_is_command("{"));
	static const unsigned o[] = { 2 };
	check_clean("[root@host ~]# mtr -r x\nHOST: a\n[root@host ~]#\n", "HOST: a\n", o);
}

static void bytes_are_plain_text(void **state)
{
	(void)state;
	static const unsigned o[] = { 1, 2 };
	check_clean("\xef\xbb\xbfHOST: a\r\n\t1.\xc2\xa0x\xe2\x80\xaf" "0,5%\r\n",
		    "HOST: a\n 1. x 0.5%\n", o);
	static const unsigned o2[] = { 1, 2, 3, 4 };
	check_clean("    a\n      b\n\n    c", "a\n  b\n\nc\n", o2); /* common indentation */
}

static void wrapped_lines_are_joined(void **state)
{
	(void)state;
	static const unsigned o[] = { 1, 3 };
	check_clean("HOST: a  Loss%  Snt\nLast  Avg\n  2.|-- long.name.example\n 0.0%  10  1.0  1.0\n",
		    "HOST: a  Loss%  Snt Last  Avg\n  2.|-- long.name.example  0.0%  10  1.0  1.0\n", o);
	/* an address on its own line is another responder, not figures */
	static const unsigned o2[] = { 1, 2 };
	check_clean(" 2.|-- a  0.0%  10\n        10.0.1.3\n", "2.|-- a  0.0%  10\n       10.0.1.3\n", o2);
	/* a new hop row is never glued to the one before */
	check_clean(" 1. a 1\n 2. b 2\n", "1. a 1\n2. b 2\n", o2);
}

static void origin_past_the_end(void **state)
{
	(void)state;
	struct import_clean c;
	assert_int_equal(import_clean_text("a\n```\n", 6, &c), 0);
	assert_int_equal(import_clean_origin(&c, 0), 0);
	assert_int_equal(import_clean_origin(&c, 1), 1);
	assert_int_equal(import_clean_origin(&c, 5), c.last_line);
	import_clean_free(&c);
}

static const char two_reports[] =
	"mine:\n"
	"HOST: a  Loss%  Snt  Avg\n"
	"  1.|-- 10.0.0.1  0.0%  10  1.0\n"
	"\n"
	"theirs:\n"
	"Start: 2026-11-22T03:24:26+0000\n"
	"HOST: b  Loss%  Snt  Avg\n"
	"  1.|-- 10.0.0.9  0.0%  10  2.0\n"
	"  2.|-- 10.0.0.8  x  10  2.0\n";

static void several_reports_one_each(void **state)
{
	(void)state;
	struct model_trace *t[IMPORT_MAX_REPORTS];
	struct import_error err;
	size_t n = 9;
	size_t len = strlen(two_reports) - strlen("  2.|-- 10.0.0.8  x  10  2.0\n");
	assert_int_equal(import_buffer_all(two_reports, len, "p", t, IMPORT_MAX_REPORTS, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[1]->src, "b");
	assert_true(t[1]->start_time > 0);
	model_trace_free(t[0]);
	model_trace_free(t[1]);
	/* the second report's bad row is named by its line in the paste */
	assert_int_equal(import_buffer_all(two_reports, strlen(two_reports), "p", t,
					   IMPORT_MAX_REPORTS, &n, &err), -1);
	assert_int_equal(n, 0);
	assert_int_equal(err.line, 9);
	/* one report per file when only one is asked for */
	assert_int_equal(import_buffer(two_reports, len, "p", t, &err), -1);
	assert_int_equal(err.line, 7);
}

static void json_after_a_prompt(void **state)
{
	(void)state;
	static const char in[] = "[root@h ~]# mtr -j x\n"
				 "  {\"report\": {\"mtr\": {\"dst\": \"192.0.2.1\", \"tests\": 5},\n"
				 "   \"hubs\": []}}\n"
				 "[root@h ~]#\n";
	struct model_trace *t;
	struct import_error err;
	assert_int_equal(import_detect(in, strlen(in)), IMPORT_FMT_JSON);
	assert_int_equal(import_buffer(in, strlen(in), "j", &t, &err), 0);
	assert_int_equal(t->n_hops, 1); /* nothing answered: one silent hop */
	assert_int_equal(t->hops[0].snt, 5);
	assert_int_equal(t->hops[0].n_resp, 0);
	assert_false(t->reached);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quotes_fences_and_backticks_go),
		cmocka_unit_test(prompts_and_command_lines_go),
		cmocka_unit_test(bytes_are_plain_text),
		cmocka_unit_test(wrapped_lines_are_joined),
		cmocka_unit_test(origin_past_the_end),
		cmocka_unit_test(several_reports_one_each),
		cmocka_unit_test(json_after_a_prompt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
