/* Every importer on large hostile inputs: two million tags or table rows,
 * deep nesting, one huge line, hundreds of thousands of filler lines, padded
 * JSON hubs, and the size and JSON value limits. Each input is a few MiB: a
 * linear parser reads it in a fraction of a second (a few seconds for the
 * whole binary with sanitizers), while the quadratic scans these tests guard
 * against (a line count from the start of the file for each tag or row, a
 * search to the end of the table for each row) take far longer than the
 * guard. No timed assertion: a hang guard (alarm) ends the whole binary, and
 * run-unit.sh reports it failed. The error lines checked at
 * the end of long inputs also pin the incremental line counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import/import.h"

#ifndef HANG_GUARD_SECONDS /* for the whole binary; linear takes a few seconds under ASan */
#define HANG_GUARD_SECONDS 120
#endif
#define MANY 300000u  /* rows or lines, for every parser */
#define TAGS 2000000u /* tags or rows where XML and HTML were quadratic: 10^13 steps */

/* A growing text for building inputs (tests only). */
struct text {
	char *s;
	size_t len, cap;
};

static void add_n(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		t->s = realloc(t->s, cap);
		assert_non_null(t->s);
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void add(struct text *t, const char *s)
{
	add_n(t, s, strlen(s));
}

static void repeat(struct text *t, const char *s, size_t times)
{
	for (size_t i = 0; i < times; i++)
		add(t, s);
}

static void fill(struct text *t, char c, size_t n)
{
	char block[4096];
	memset(block, c, sizeof(block));
	for (; n > sizeof(block); n -= sizeof(block))
		add_n(t, block, sizeof(block));
	add_n(t, block, n);
}

static struct model_trace *parses(struct text *in, enum import_format want, size_t hops)
{
	struct model_trace *t = NULL;
	struct import_error err;
	char msg[600];
	assert_int_equal(import_detect(in->s, in->len), want);
	if (import_buffer(in->s, in->len, "hostile", &t, &err) != 0)
		fail_msg("%s", import_error_text(&err, msg, sizeof(msg)));
	assert_int_equal(t->n_hops, hops);
	free(in->s);
	return t;
}

static void fails_at(struct text *in, unsigned line, const char *needle)
{
	struct model_trace *t = NULL;
	struct import_error err;
	assert_int_equal(import_buffer(in->s, in->len, "hostile", &t, &err), -1);
	assert_null(t);
	if (err.line != line || !strstr(err.msg, needle))
		fail_msg("line %u \"%s\"; wanted line %u \"%s\"", err.line, err.msg, line, needle);
	free(in->s);
}

/* ---- XML ---- */

static const char xml_head[] =
	"<?xml version=\"1.0\"?>\n"
	"<MTR SRC=\"vm\" DST=\"10.0.0.1\" TESTS=\"10\">\n"
	"<HUB COUNT=\"1\" HOST=\"10.0.0.1\"><Loss%>0.0</Loss%><Snt>10</Snt><Avg>1.0</Avg></HUB>\n";

static void xml_many_tags(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, xml_head);
	repeat(&in, "<n/>\n", TAGS);
	add(&in, "</MTR>\n");
	model_trace_free(parses(&in, IMPORT_FMT_XML, 1));

	struct text bad = { 0 };
	add(&bad, xml_head);
	repeat(&bad, "<n/>\n", TAGS);
	add(&bad, "<HUB COUNT=\"1\"></HUB>\n</MTR>\n"); /* hop 1 again, on line 3 + TAGS + 1 */
	fails_at(&bad, 3 + TAGS + 1, "hop 2 or above");
}

static void xml_deep_nesting_and_huge_attribute(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, xml_head);
	repeat(&in, "<a>", TAGS); /* never closed, on one line */
	add(&in, "\n</MTR>\n");
	model_trace_free(parses(&in, IMPORT_FMT_XML, 1));

	struct text attr = { 0 };
	add(&attr, "<?xml version=\"1.0\"?>\n<MTR DST=\"10.0.0.1\">\n<HUB COUNT=\"1\" HOST=\"");
	fill(&attr, 'a', 4u << 20);
	add(&attr, "\"><Loss%>0.0</Loss%><Snt>10</Snt><Avg>1.0</Avg></HUB>\n</MTR>\n");
	model_trace_free(parses(&attr, IMPORT_FMT_XML, 1));
}

/* ---- WinMTR HTML ---- */

static const char html_head[] =
	"<html><body><table>\n"
	"<tr><td>Hostname</td><td>Nr</td><td>Loss %</td><td>Sent</td><td>Recv</td><td>Best</td>"
	"<td>Avrg</td><td>Worst</td><td>Last</td></tr>\n"
	"<tr><td>10.0.0.1</td><td>1</td><td>0</td><td>10</td><td>10</td><td>1</td><td>1</td>"
	"<td>1</td><td>1</td></tr>\n";

static void html_many_rows(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, html_head);
	repeat(&in, "<tr>\n", TAGS); /* empty rows, and no </table> */
	model_trace_free(parses(&in, IMPORT_FMT_WINMTR_HTML, 1));

	struct text bad = { 0 };
	add(&bad, html_head);
	repeat(&bad, "<tr>\n", TAGS);
	add(&bad, "<tr><td>10.0.0.2</td></tr>\n</table>\n"); /* line 3 + TAGS + 1 */
	fails_at(&bad, 3 + TAGS + 1, "expected 9 cells");
}

static void html_huge_cells(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, html_head);
	add(&in, "<tr><td>");
	repeat(&in, "<b>", MANY); /* a host cell of tags only */
	add(&in, "10.0.0.2</td><td>2</td><td>0</td><td>10</td><td>10</td><td>1</td><td>1</td>"
		 "<td>1</td><td>1</td></tr>\n<tr><td>");
	fill(&in, 'a', 4u << 20); /* a cell with no tag after it */
	add(&in, "\n");
	fails_at(&in, 5, "expected 9 cells");
}

/* ---- JSON ---- */

static void json_padded_hubs(void **state)
{
	(void)state;
	struct text in = { 0 };
	char hub[200];
	add(&in, "{\"report\": {\"mtr\": {\"dst\": \"10.0.0.1\"}, \"hubs\": [\n");
	for (unsigned i = 1; i <= MODEL_MAX_HOPS; i++) {
		snprintf(hub, sizeof(hub), "%s{\"count\": %u, \"host\": \"10.0.%u.1\", \"Loss%%\": 0.0, "
			 "\"Snt\": 10, \"Avg\": %s, \"pad\": \"", i > 1 ? ",\n" : "", i, i,
			 i == 200 ? "\"x\"" : "1.0"); /* hub 200's Avg is no number */
		add(&in, hub);
		fill(&in, 'p', 16384);
		add(&in, "\"}");
	}
	add(&in, "\n]}}\n");
	fails_at(&in, 1 + 200, "expected a non-negative number for \"Avg\"");
}

static void json_value_limit(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, "{\"report\": {\"hubs\": [{\"count\": 1, \"host\": \"10.0.0.1\", \"Loss%\": 0.0, "
		 "\"Snt\": 10, \"Avg\": 1.0}],\n\"pad\": [");
	repeat(&in, "0,", 1000000);
	add(&in, "0]}}\n");
	fails_at(&in, 2, "at most 1000000 JSON values");

	struct text deep = { 0 };
	add(&deep, "{\"report\": ");
	repeat(&deep, "[", 3 * MANY);
	fails_at(&deep, 1, "JSON");
}

/* ---- text formats ---- */

static void mtr_text_many_lines(void **state)
{
	(void)state;
	struct text in = { 0 };
	repeat(&in, "we see loss, the output:\n", MANY);
	add(&in, "HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1.|-- 10.77.0.2  0.0%  3  0.1  0.2  0.1  0.4  0.2\n");
	repeat(&in, "    10.77.0.3\n", MANY);
	struct model_trace *t = parses(&in, IMPORT_FMT_MTR_TEXT, 1);
	assert_int_equal(t->hops[0].n_resp, 2);
	model_trace_free(t);

	struct text huge = { 0 };
	add(&huge, "HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n  1.|-- ");
	fill(&huge, 'a', 4u << 20);
	add(&huge, "  0.0%  3  0.1  0.2  0.1  0.4  0.2\n");
	model_trace_free(parses(&huge, IMPORT_FMT_MTR_TEXT, 1));
}

static void listing_many_lines(void **state)
{
	(void)state;
	struct text in = { 0 };
	repeat(&in, "1. open a terminal and type:\n", MANY);
	add(&in, "1. 10.0.0.1  0.0%  10  1.0  1.0  1.0  1.0  0.0\n");
	model_trace_free(parses(&in, IMPORT_FMT_LISTING, 1));
}

static void raw_many_probes(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, "h 0 10.0.0.1\n");
	repeat(&in, "x 0 1\np 0 1000 1\n", MANY);
	struct model_trace *t = parses(&in, IMPORT_FMT_RAW, 1);
	assert_int_equal(t->hops[0].snt, MANY);
	assert_int_equal(t->hops[0].recv, MANY);
	model_trace_free(t);
}

static void winmtr_and_csv_long_lines(void **state)
{
	(void)state;
	struct text in = { 0 };
	add(&in, "|                       Host              -   %  | Sent | Recv | Best | Avrg | Wrst | Last |\n"
		 "|                10.0.0.1 -    0 |   10 |   10 |    1 |    1 |    1 |    1 |\n");
	repeat(&in, "|-----------------|------|\n", MANY);
	model_trace_free(parses(&in, IMPORT_FMT_WINMTR_TEXT, 1));

	struct text csv = { 0 };
	add(&csv, "Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n"
		  "MTR.0.95,1700000000,OK,10.0.0.1,1,");
	fill(&csv, 'a', 4u << 20);
	add(&csv, ",0.00,10,0,1.0,1.0,1.0,1.0,0.0,\n");
	model_trace_free(parses(&csv, IMPORT_FMT_CSV, 1));
}

/* ---- the size limit ---- */

static void size_limit(void **state)
{
	(void)state;
	const char hop[] = "1. 10.0.0.1  0.0%  10  1.0  1.0  1.0  1.0  0.0\n";
	struct text in = { 0 };
	fill(&in, '\n', IMPORT_MAX_BYTES - (sizeof(hop) - 1));
	add(&in, hop);
	assert_int_equal(in.len, IMPORT_MAX_BYTES);
	struct text over = { 0 };
	add_n(&over, in.s, in.len);
	model_trace_free(parses(&in, IMPORT_FMT_LISTING, 1));
	add(&over, "\n");
	fails_at(&over, 0, "at most 16 MiB");
}

int main(void)
{
	alarm(HANG_GUARD_SECONDS); /* a parser gone quadratic ends the binary here */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xml_many_tags),
		cmocka_unit_test(xml_deep_nesting_and_huge_attribute),
		cmocka_unit_test(html_many_rows),
		cmocka_unit_test(html_huge_cells),
		cmocka_unit_test(json_padded_hubs),
		cmocka_unit_test(json_value_limit),
		cmocka_unit_test(mtr_text_many_lines),
		cmocka_unit_test(listing_many_lines),
		cmocka_unit_test(raw_many_probes),
		cmocka_unit_test(winmtr_and_csv_long_lines),
		cmocka_unit_test(size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
