/* import_host_findings: the server's host-* findings read back from a -j
 * document; everything else in it is ignored, garbage is refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "import/import_findings.h"

static int read_doc(const char *doc, struct finding_list *l)
{
	return import_host_findings(doc, strlen(doc), l);
}

static void host_findings_are_taken_others_left(void **state)
{
	(void)state;
	const char *doc =
	    "{\"report\": {\"mtr\": {}, \"hubs\": [], \"diagnosis\": ["
	    "{\"finding\": \"loss\", \"severity\": \"critical\", \"summary\": \"x\"},"
	    "{\"finding\": \"host-softnet-drops\", \"severity\": \"critical\", \"counter\": "
	    "\"softnet_dropped\", \"rate_per_s\": 1200.5, \"loss_pct\": null, \"summary\": \"S\", "
	    "\"evidence\": \"E\", \"advice\": \"A\"},"
	    "{\"finding\": \"host-nic-drops\", \"severity\": \"warning\", \"counter\": \"rx_dropped\","
	    " \"rate_per_s\": null}]}}";
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc(doc, &l), 1);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_HOST_SOFTNET_DROPS);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_string_equal(l.items[0].counter, "softnet_dropped");
	assert_true(fabs(l.items[0].rate_per_s - 1200.5) < 1e-9);
	assert_string_equal(l.items[0].summary, "S");
	assert_string_equal(l.items[0].evidence, "E");
	assert_string_equal(l.items[0].advice, "A");
	assert_int_equal(l.items[1].kind, FINDING_HOST_NIC_DROPS);
	assert_true(isnan(l.items[1].rate_per_s));
	assert_string_equal(l.items[1].summary, ""); /* absent text: empty, never NULL */
	finding_list_free(&l);
}

static void a_diagnosis_without_host_findings_is_a_healthy_host(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc("{\"report\": {\"diagnosis\": [{\"finding\": \"healthy\", "
	                          "\"severity\": \"ok\"}]}}", &l), 1);
	assert_int_equal(l.n, 0);
	finding_list_free(&l);
}

static void no_diagnosis_means_no_host_checks(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc("{\"report\": {\"mtr\": {}, \"hubs\": []}}", &l), 0);
	assert_int_equal(read_doc("{\"report\": {\"diagnosis\": {}}}", &l), 0);
	assert_int_equal(l.n, 0);
	finding_list_free(&l);
}

static void garbage_and_odd_values_are_refused(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc("not json", &l), -1);
	assert_int_equal(read_doc("{\"report\": {\"diagnosis\": [1, \"x\", {\"finding\": "
	                          "\"host-nic-drops\"}, {\"finding\": \"host-nic-drops\", "
	                          "\"severity\": \"dreadful\"}, {\"finding\": \"host-retransmits\", "
	                          "\"severity\": \"info\", \"rate_per_s\": -4, \"loss_pct\": \"7\", "
	                          "\"counter\": 5}]}}", &l), 1);
	assert_int_equal(l.n, 1); /* only the last is a host finding with a severity */
	assert_true(isnan(l.items[0].rate_per_s));
	assert_true(isnan(l.items[0].loss_pct));
	assert_string_equal(l.items[0].counter, "");
	finding_list_free(&l);
}

/* The server's words reach the user's terminal: no escape sequence passes. */
static void control_bytes_become_spaces(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc("{\"report\": {\"diagnosis\": [{\"finding\": \"host-nic-drops\", "
	                          "\"severity\": \"warning\", \"counter\": \"a\\u001b[2Jb\", "
	                          "\"summary\": \"x\\u001b]0;owned\\u0007y\", \"evidence\": "
	                          "\"e\\r\\nf\\u007f\", \"advice\": \"ok\"}]}}", &l), 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].counter, "a [2Jb");
	assert_string_equal(l.items[0].summary, "x ]0;owned y");
	assert_string_equal(l.items[0].evidence, "e  f ");
	finding_list_free(&l);
}

/* C1 controls (CSI as U+009B, NEL), the line separator and the bidi
 * overrides and isolates become spaces; other non-ASCII text stays. */
static void c1_and_bidi_controls_become_spaces(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc("{\"report\": {\"diagnosis\": [{\"finding\": \"host-nic-drops\", "
	                          "\"severity\": \"warning\", \"counter\": \"a\\u009b2Jb\", "
	                          "\"summary\": \"x\\u0085y\\u0080z\\u009f!\", \"evidence\": "
	                          "\"\\u202e0% lost\\u202c \\u2066i\\u2069\\u200f\\u061c\\u2028\", "
	                          "\"advice\": \"caf\\u00e9 \\u2192 \\u00a0\\u20ac \\ud83d\\ude00\"}]}}", &l), 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].counter, "a 2Jb");
	assert_string_equal(l.items[0].summary, "x y z !");
	assert_string_equal(l.items[0].evidence, " 0% lost   i    ");
	assert_string_equal(l.items[0].advice, "caf\xc3\xa9 \xe2\x86\x92 \xc2\xa0\xe2\x82\xac \xf0\x9f\x98\x80");
	finding_list_free(&l);
}

static void at_most_the_cap_is_taken(void **state)
{
	(void)state;
	char doc[8192] = "{\"report\": {\"diagnosis\": [";
	for (int i = 0; i < IMPORT_HOST_FINDINGS_MAX + 5; i++)
		strcat(doc, i ? ",{\"finding\": \"host-nic-drops\", \"severity\": \"info\"}"
		              : "{\"finding\": \"host-nic-drops\", \"severity\": \"info\"}");
	strcat(doc, "]}}");
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(read_doc(doc, &l), 1);
	assert_int_equal(l.n, IMPORT_HOST_FINDINGS_MAX);
	finding_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(host_findings_are_taken_others_left),
	    cmocka_unit_test(a_diagnosis_without_host_findings_is_a_healthy_host),
	    cmocka_unit_test(no_diagnosis_means_no_host_checks),
	    cmocka_unit_test(garbage_and_odd_values_are_refused),
	    cmocka_unit_test(at_most_the_cap_is_taken),
	    cmocka_unit_test(control_bytes_become_spaces),
	    cmocka_unit_test(c1_and_bidi_controls_become_spaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
