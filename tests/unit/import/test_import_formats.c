/* Each importer on real-format fixtures (mtr 0.95 output, WinMTR exports
 * written from the format description, the seeds' listings), and malformed
 * input that must fail at the right line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "import/import.h"

static struct model_trace *load(const char *text, enum import_format want)
{
	struct model_trace *t = NULL;
	struct import_error err;
	char msg[600];
	assert_int_equal(import_detect(text, strlen(text)), want);
	if (import_buffer(text, strlen(text), "fixture", &t, &err) != 0)
		fail_msg("%s", import_error_text(&err, msg, sizeof(msg)));
	return t;
}

static void fails_at(const char *text, unsigned line, const char *needle)
{
	struct model_trace *t = NULL;
	struct import_error err;
	assert_int_equal(import_buffer(text, strlen(text), "bad", &t, &err), -1);
	assert_null(t);
	if (err.line != line || !strstr(err.msg, needle))
		fail_msg("line %u \"%s\"; wanted line %u \"%s\"", err.line, err.msg, line, needle);
}

static void near(double a, double b)
{
	if (fabs(a - b) > 1e-6)
		fail_msg("%f != %f", a, b);
}

/* ---- mtr text ---- */

static const char mtr_r[] =
	"Start: 2026-11-22T03:24:26+0000\n"
	"HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
	"  1.|-- 10.77.0.2                  0.0%     3    0.1   0.2   0.1   0.4   0.2\n"
	"  2.|-- 10.77.1.2                  0.0%     3    0.1   0.1   0.1   0.1   0.0\n"
	"  3.|-- ???                       100.0     3    0.0   0.0   0.0   0.0   0.0\n"
	"  4.|-- 10.77.3.2                 33.3%     3   11.0  11.0   9.5  12.6   1.5\n"
	"  5.|-- 10.77.4.2                 33.3%     3   10.6  11.1  10.6  11.9   0.8\n";

static void mtr_text_report(void **state)
{
	(void)state;
	struct model_trace *t = load(mtr_r, IMPORT_FMT_MTR_TEXT);
	assert_int_equal(t->n_hops, 5);
	assert_string_equal(t->src, "vm");
	assert_string_equal(t->dst, "10.77.4.2");
	assert_true(t->reached);
	assert_int_equal(t->start_time, 1795317866);
	const struct model_hop *h = &t->hops[3];
	assert_string_equal(h->resp[0].text, "10.77.3.2");
	near(h->loss_pct, 33.3);
	assert_int_equal(h->snt, 3);
	assert_int_equal(h->recv, 2);
	near(h->avg, 11.0);
	near(h->best, 9.5);
	near(h->wrst, 12.6);
	near(h->stdev, 1.5);
	assert_true(h->has & MODEL_HAS_STDEV);
	assert_true(h->has & MODEL_HAS_RECV);
	assert_int_equal(t->hops[2].n_resp, 0);
	assert_int_equal(t->hops[2].recv, 0);
	model_trace_free(t);
}

static void mtr_text_columns_and_responders(void **state)
{
	(void)state;
	static const char wzb[] =
		"HOST: client     Snt   Rcv  Avg  Best  Wrst  Loss% Jttr\n"
		"  1. AS???    gw.lan (192.168.1.1)    20    20   0.7   0.5   0.9   0.0%  0.1\n"
		"  2. AS64500  be1.isp.example (100.64.0.1)    20    18   8.5   8.0   9.9  10.0%  0.2\n"
		"        AS64500  be2.isp.example (100.64.0.2)\n"
		"       [MPLS: Lbl 21 TC 0 S u TTL 1]\n"
		"  3. AS64502  server.example (198.51.100.10)    20    18  30.3  30.0  31.0  10.0%  0.3\n"
		"\n"
		"Diagnosis\n"
		" 1. critical: loss at hop 2\n";
	struct model_trace *t = load(wzb, IMPORT_FMT_MTR_TEXT);
	assert_int_equal(t->n_hops, 3);
	const struct model_hop *h = &t->hops[1];
	assert_int_equal(h->n_resp, 2);
	assert_int_equal(h->latest, 0);
	assert_string_equal(h->resp[0].name, "be1.isp.example");
	assert_string_equal(h->resp[1].text, "100.64.0.2");
	assert_int_equal(h->resp[1].asn, 64500);
	assert_int_equal(h->recv, 18);
	near(h->loss_pct, 10.0);
	near(h->jttr, 0.2);
	assert_true(h->has & MODEL_HAS_JITTER);
	assert_false(h->has & MODEL_HAS_STDEV);
	assert_false(h->has & MODEL_HAS_LAST);
	model_trace_free(t);
}

/* mtr -y 2 (country) and -z reports: the IP information is not the host,
 * even when it overflows its column and runs into it. */
static void mtr_text_ipinfo_columns(void **state)
{
	(void)state;
	static const char y2[] =
		"HOST: vm                              Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"  1. ??? 10.77.0.2                     0.0%     3    0.1   0.1   0.1   0.1   0.0\n"
		"  2. US  r2.lab.example                0.0%     3    0.2   0.2   0.2   0.2   0.0\n"
		"     DE  r2b.lab.example\n"
		"  3. ??? ???                          100.0     3    0.0   0.0   0.0   0.0   0.0\n"
		"  4. DE  10.77.4.2                     0.0%     3    0.5   0.5   0.5   0.5   0.0\n";
	struct model_trace *t = load(y2, IMPORT_FMT_MTR_TEXT);
	assert_int_equal(t->n_hops, 4);
	assert_string_equal(t->hops[0].resp[0].text, "10.77.0.2");
	assert_int_equal(t->hops[0].resp[0].addr.family, AF_INET);
	assert_string_equal(t->hops[1].resp[0].text, "r2.lab.example");
	assert_string_equal(t->hops[1].resp[1].text, "r2b.lab.example");
	assert_int_equal(t->hops[2].n_resp, 0);
	assert_string_equal(t->hops[3].resp[0].text, "10.77.4.2");
	model_trace_free(t);
	static const char z[] =
		"HOST: vm                                    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"  1. AS???    10.77.0.2                      0.0%     3    0.1   0.1   0.1   0.1   0.0\n"
		"  2. AS4200000001r3.lab.example              0.0%     3    0.3   0.3   0.3   0.3   0.0\n"
		"  3. AS???    ???                           100.0     3    0.0   0.0   0.0   0.0   0.0\n";
	t = load(z, IMPORT_FMT_MTR_TEXT);
	assert_string_equal(t->hops[0].resp[0].text, "10.77.0.2");
	assert_int_equal(t->hops[0].resp[0].asn, 0);
	assert_string_equal(t->hops[1].resp[0].text, "r3.lab.example");
	assert_int_equal(t->hops[1].resp[0].asn, 4200000001u);
	assert_int_equal(t->hops[2].n_resp, 0);
	model_trace_free(t);
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1. AS420000000110.77.0.2  0.0%  3  0.1  0.1  0.1  0.1  0.0\n", 2,
		 "cannot tell the IP information from the host in 'AS420000000110.77.0.2'");
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1. 2001:db8:1234:5678::/64r1.example  0.0%  3  0.1  0.1  0.1  0.1  0.0\n", 2,
		 "cannot tell the IP information from the host");
	/* mtr 0.95's own form (report.c): another responder plainly, 8 spaces
	 * in, then again 5 spaces in with its IP information (-b: "name (ip)") */
	static const char twice[] =
		"HOST: vm                                    Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"  1. AS64500  a.example (10.0.0.1)            0.0%     3    0.1   0.1   0.1   0.1   0.0\n"
		"        b.example (10.0.0.2)\n"
		"     AS64501  b.example (10.0.0.2)\n";
	t = load(twice, IMPORT_FMT_MTR_TEXT);
	assert_int_equal(t->hops[0].n_resp, 2);
	assert_string_equal(t->hops[0].resp[1].text, "10.0.0.2");
	assert_int_equal(t->hops[0].resp[1].asn, 64501);
	model_trace_free(t);
}

/* -e: each label line belongs to the responder the line before named;
 * hopdoc's [NAT: ...] line marks the hop it is under. */
static void mtr_text_mpls_and_nat_lines(void **state)
{
	(void)state;
	static const char e[] =
		"HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"  1.|-- 10.0.0.1                   0.0%     3    0.1   0.1   0.1   0.1   0.0\n"
		"       [MPLS: Lbl 24001 TC 0 S 1 TTL 1]\n"
		"        10.0.0.2\n"
		"       [MPLS: Lbl 24002 TC 5 S 0 TTL 2]\n"
		"       [MPLS: Lbl 16 TC 0 S 1 TTL 2]\n"
		"  2.|-- 10.0.1.1                   0.0%     3    0.2   0.2   0.2   0.2   0.0\n"
		"       [NAT: the probe came back rewritten; a NAT lies before hop 2]\n"
		"       [MPLS: Lbl bad TC 0 S 1 TTL 1]\n"
		"       [MPLS: Lbl 2000000 TC 0 S 1 TTL 1]\n";
	struct model_trace *t = load(e, IMPORT_FMT_MTR_TEXT);
	const struct model_hop *h = &t->hops[0];
	assert_int_equal(h->n_resp, 2);
	assert_int_equal(h->latest, 0);
	assert_int_equal(h->resp[0].n_mpls, 1);
	assert_int_equal(h->resp[0].mpls[0].label, 24001);
	assert_int_equal(h->resp[1].n_mpls, 2);
	assert_int_equal(h->resp[1].mpls[0].tc, 5);
	assert_int_equal(h->resp[1].mpls[1].label, 16);
	assert_false(h->resp[0].nat);
	assert_true(t->hops[1].resp[0].nat);
	assert_int_equal(t->hops[1].resp[0].n_mpls, 0); /* not numbers, or past 20 bits */
	model_trace_free(t);
}

static void mtr_text_errors(void **state)
{
	(void)state;
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n", 1, "hop rows");
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1.|-- 10.0.0.1  0.0%  3  0.1  0.1\n", 2, "7 figures");
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1.|-- 10.0.0.1  0.0%  3  0.1  0.1  0.1  0.1  0.0\n"
		 "  1.|-- 10.0.0.2  0.0%  3  0.1  0.1  0.1  0.1  0.0\n", 3, "hop 2 or above");
	fails_at("HOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1.|-- 10.0.0.1  0.0%  3x  0.1  0.1  0.1  0.1  0.0\n", 2, "Snt");
	/* titles in another language: mtr's default columns are assumed */
	fails_at("Start: x\nHOST: vm   Foo Bar\n", 2, "hop rows");
	fails_at("HOST: vm   Foo Bar\n 1.|-- a 0.0% 10 1.0 1.0\n", 2, "7 figures");
	fails_at("HOST:\n", 1, "column titles");
	fails_at("Here is my mtr:\nHOST: vm  Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		 "  1.|-- 10.0.0.1  0.0%  3  0.1  0.1  0.1  0.1  0.0\n\nand back:\n"
		 "HOST: srv  Loss%   Snt   Last   Avg  Best  Wrst StDev\n", 6, "one report per file");
	fails_at("HOST: vm   Loss% Last Avg\n  1.|-- a  0.0% 1 1\n", 1, "Snt");
}

/* ---- listings ---- */

static void listing_from_a_guide(void **state)
{
	(void)state;
	static const char seed[] =
		"**Uitgaande Route (Client -> Server)**\n\n```console {2-3}\n"
		"Host                               Loss%   Snt   Last   Avg  Best  Wrst StDev\n"
		"1. 192.168.1.1                     15.0%   20    1.1    3.4   1.0   10.2  2.8\n"
		"2. 10.0.0.1                        10.0%   20   12.3   15.7  10.5   30.8  5.5\n"
		"3. Doel-IP (Server)                 0.0%   20   80.2   80.0  79.5   81.2  0.6\n```\n";
	struct model_trace *t = load(seed, IMPORT_FMT_LISTING);
	assert_int_equal(t->n_hops, 3);
	assert_int_equal(t->hops[0].recv, 17);
	assert_string_equal(t->hops[2].resp[0].text, "Doel-IP (Server)");
	assert_string_equal(t->dst, "Doel-IP (Server)");
	near(t->hops[1].wrst, 30.8);
	model_trace_free(t);
}

static void listing_variants(void **state)
{
	(void)state;
	static const char hashed[] =
		"# Host Loss% Snt Last Avg Best Wrst StDev\n"
		"# 1. 10.0.0.1 0% 100 0.5 0.6 0.4 1.2 0.1 <- your gateway\n"
		"# 2. 198.51.100.1 5% 100 15.3 14.8 13.2 45.1 5.3 <- LOSS STARTS\n";
	struct model_trace *t = load(hashed, IMPORT_FMT_LISTING);
	assert_int_equal(t->hops[1].recv, 95);
	near(t->hops[1].stdev, 5.3);
	model_trace_free(t);
	static const char reordered[] =
		"Host  Snt  Loss%  Best  Avg  Wrst\n"
		"  1.|-- 10.0.0.1  10  10.0%  1.0  2.0  3.0\n";
	t = load(reordered, IMPORT_FMT_LISTING);
	near(t->hops[0].best, 1.0);
	near(t->hops[0].wrst, 3.0);
	assert_int_equal(t->hops[0].recv, 9);
	assert_false(t->hops[0].has & MODEL_HAS_STDEV);
	model_trace_free(t);
	static const char numbered_name[] = "1. Router 1  0.0%  20  1.2  1.3  1.1  2.0  0.3\n";
	t = load(numbered_name, IMPORT_FMT_LISTING);
	assert_string_equal(t->hops[0].resp[0].text, "Router 1");
	assert_int_equal(t->hops[0].snt, 20);
	model_trace_free(t);
	static const char foreign[] =
		"Host  Verlies%  Verz  Laatst  Gem  Best  Slechtst  StDev\n"
		"1. 10.0.0.1  0.0%  20  1.2  1.3  1.1  2.0  0.3\n";
	t = load(foreign, IMPORT_FMT_LISTING);
	near(t->hops[0].avg, 1.3);
	model_trace_free(t);
}

static void listing_errors(void **state)
{
	(void)state;
	fails_at("1. 10.0.0.1  0.0%  20  1.2  1.3  1.1  2.0  0.3\n"
		 "2. 10.0.1.1  0.0%  20  abc  11.1  10.0  12.5  0.7\n", 2, "\"abc\" is not a number");
	fails_at("1. 10.0.0.1  0.0%  20  1.2  1.3  1.1  2.0  0.3\n"
		 "1. 10.0.0.1  0.0%  20  1.2  1.3  1.1  2.0  0.3\n", 2, "one listing per file");
	fails_at("1. 10.0.0.1  0.0%  20  1.2  1.3  1.1\n", 1, "found 5");
	fails_at("1. 10.0.0.1  0.0%  20  1.2  1.3  3.1  2.0  0.3\n", 1, "Best <= Avg <= Wrst");
	/* the first line a listing was expected on, not the last */
	fails_at("1. Download the installer\n2. Run it\n", 1, "hop lines");
}

/* ---- JSON, CSV, XML, raw ---- */

static const char mtr_j[] =
	"{\n    \"report\": {\n        \"mtr\": {\n"
	"            \"src\": \"vm\", \"dst\": \"10.77.4.2\", \"tos\": 0, \"tests\": 3,\n"
	"            \"psize\": \"64\", \"bitpattern\": \"0x00\"\n        },\n"
	"        \"hubs\": [\n"
	"            {\n                \"count\": 1, \"host\": \"10.77.0.2\", \"Loss%\": 0.0, \"Snt\": 3,\n"
	"                \"Last\": 0.093, \"Avg\": 0.115, \"Best\": 0.093, \"Wrst\": 0.131, \"StDev\": 0.019\n"
	"            },\n"
	"            {\n                \"count\": \"2\", \"host\": \"10.77.4.2\", \"Loss%\": 33.3, \"Snt\": 3,\n"
	"                \"Last\": 0.2, \"Avg\": 0.143, \"Best\": 0.11, \"Wrst\": 0.209, \"StDev\": 0.056\n"
	"            }\n        ]\n    }\n}\n";

static void json_report(void **state)
{
	(void)state;
	struct model_trace *t = load(mtr_j, IMPORT_FMT_JSON);
	assert_int_equal(t->n_hops, 2);
	assert_string_equal(t->dst, "10.77.4.2");
	assert_int_equal(t->dst_addr.family, AF_INET);
	assert_int_equal(t->tests, 3);
	near(t->hops[0].avg, 0.115);
	assert_int_equal(t->hops[1].recv, 2);
	assert_true(t->hops[1].has & MODEL_HAS_RECV);
	model_trace_free(t);
}

static void json_errors(void **state)
{
	(void)state;
	char cut[200];
	snprintf(cut, sizeof(cut), "%.150s", mtr_j);
	fails_at(cut, 6, "valid JSON");
	/* an empty "hubs" list is mtr's "nothing answered": test_import_clean.c */
	fails_at("{\"hubs\": []}", 1, "\"report\"");
	fails_at("{\"report\": {\"hubs\": [\n{\"count\": 1, \"host\": \"a\", \"Loss%\": \"x\", \"Snt\": 3, \"Avg\": 1}]}}", 2,
		 "Loss%");
	fails_at("{\"report\": {\"hubs\": [\n{\"count\": 1, \"host\": \"a\", \"Loss%\": 0, \"Snt\": 3}]}}", 2, "Avg");
	fails_at("{\"report\": {\"hubs\": [\n{\"count\": 0, \"host\": \"a\", \"Loss%\": 0, \"Snt\": 3, \"Avg\": 1}]}}", 2,
		 "count");
}

static const char mtr_csv[] =
	"Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n"
	"MTR.0.95,1795317887,OK,10.77.4.2,1,10.77.0.2,0.00,3,0,0.17,0.12,0.07,0.17,0.05\n"
	"MTR.0.95,1795317887,OK,10.77.4.2,2,10.77.4.2,33.33,3,1,8.96,9.73,8.96,10.38,0.72\n";

static void csv_report(void **state)
{
	(void)state;
	struct model_trace *t = load(mtr_csv, IMPORT_FMT_CSV);
	assert_int_equal(t->n_hops, 2);
	assert_string_equal(t->dst, "10.77.4.2");
	assert_int_equal(t->hops[1].drop, 1);
	assert_true(t->hops[1].has & MODEL_HAS_DROP);
	assert_int_equal(t->hops[1].recv, 2);
	near(t->hops[1].avg, 9.73);
	model_trace_free(t);
	fails_at("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n"
		 "MTR.0.95,1,OK,h,1,10.0.0.1,0.00,3,0\n", 2, "cells");
	fails_at("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n", 2, "at least one");
	fails_at("Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,\n"
		 "MTR.0.95,1,OK,h,x,10.0.0.1,0.00,3,0,1,1,1,1,0\n", 2, "hop number");
}

static const char mtr_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<MTR SRC=\"vm\" DST=\"10.77.4.2\" TOS=\"0x0\" PSIZE=\"64\" BITPATTERN=\"0x00\" TESTS=\"3\">\n"
	"    <HUB COUNT=\"1\" HOST=\"a&amp;b.example\">\n"
	"        <Loss>  0.0%</Loss>\n        <Snt>     3</Snt>\n        <Last>   0.2</Last>\n"
	"        <Avg>   0.2</Avg>\n        <Best>   0.1</Best>\n        <Wrst>   0.2</Wrst>\n"
	"        <StDev>   0.0</StDev>\n    </HUB>\n"
	"    <HUB COUNT=\"2\" HOST=\"10.77.4.2\">\n"
	"        <Loss> 33.3%</Loss>\n        <Snt>     3</Snt>\n        <Last>  10.7</Last>\n"
	"        <Avg>  11.1</Avg>\n        <Best>  10.7</Best>\n        <Wrst>  11.4</Wrst>\n"
	"        <StDev>   0.4</StDev>\n    </HUB>\n</MTR>\n";

static void xml_report(void **state)
{
	(void)state;
	struct model_trace *t = load(mtr_xml, IMPORT_FMT_XML);
	assert_int_equal(t->n_hops, 2);
	assert_string_equal(t->src, "vm");
	assert_string_equal(t->hops[0].resp[0].text, "a&b.example");
	assert_int_equal(t->hops[1].recv, 2);
	near(t->hops[1].wrst, 11.4);
	model_trace_free(t);
	char cut[sizeof(mtr_xml)];
	snprintf(cut, sizeof(cut), "%s", mtr_xml);
	*strstr(cut, "</MTR>") = '\0';
	fails_at(cut, 21, "</MTR>");
	snprintf(cut, sizeof(cut), "%s", mtr_xml);
	memcpy(strstr(cut, "  11.1"), "  1x.1", 6);
	fails_at(cut, 12, "Avg");
}

static const char mtr_raw[] =
	"x 0 33000\nh 0 10.77.0.2\nh 0 10.77.0.2\np 0 108 33000\n"
	"x 1 33001\nh 1 10.77.4.2\np 1 9000 33001\n"
	"x 2 33002\nh 2 10.77.4.2\np 2 8780 33002\n"
	"x 0 33003\np 0 92 33003\nx 1 33004\np 1 11000 33004\n"
	"x 0 33005\nx 1 33006\np 1 10000 33006\nd 1 server.example\n";

static void raw_stream(void **state)
{
	(void)state;
	struct model_trace *t = load(mtr_raw, IMPORT_FMT_RAW);
	assert_int_equal(t->n_hops, 2); /* the target's copy at TTL 3 is folded */
	const struct model_hop *h = &t->hops[0];
	assert_int_equal(h->snt, 3);
	assert_int_equal(h->recv, 2);
	near(h->loss_pct, 100.0 / 3.0);
	near(h->avg, 0.1);
	near(h->best, 0.092);
	near(h->last, 0.092);
	h = &t->hops[1];
	assert_int_equal(h->snt, 3);
	assert_int_equal(h->recv, 3);
	near(h->avg, 10.0);
	near(h->stdev, 1.0);
	assert_string_equal(h->resp[0].name, "server.example");
	model_trace_free(t);
	fails_at("x 0 1\nh 0 10.0.0.1\np 0 12x 1\n", 3, "MICROSECONDS");
	fails_at("x 0 1\nh 0 not-an-ip\n", 2, "IP address");
	fails_at("x 0 1\nq 0 1\n", 2, "raw line");
	fails_at("x 300 1\n", 1, "hop index");
}

/* ---- WinMTR ---- */

static const char winmtr_text[] =
	"|------------------------------------------------------------------------------------------|\r\n"
	"|                                      WinMTR statistics                                   |\r\n"
	"|                       Host              -   %  | Sent | Recv | Best | Avrg | Wrst | Last |\r\n"
	"|------------------------------------------------|------|------|------|------|------|------|\r\n"
	"|                             192.168.1.1 -    0 |   60 |   60 |    1 |    1 |    4 |    1 |\r\n"
	"|                   No response from host -  100 |   12 |    0 |    0 |    0 |    0 |    0 |\r\n"
	"|                     be-12.core1.isp.net -   10 |   60 |   54 |   10 |   12 |   25 |   11 |\r\n"
	"|________________________________________________|______|______|______|______|______|______|\r\n"
	"   WinMTR v0.92 GPL V2 by Appnor MSP - Fully Managed Hosting & Cloud Provider\r\n";

static void winmtr_text_export(void **state)
{
	(void)state;
	struct model_trace *t = load(winmtr_text, IMPORT_FMT_WINMTR_TEXT);
	assert_int_equal(t->n_hops, 3);
	assert_int_equal(t->hops[1].n_resp, 0);
	near(t->hops[1].loss_pct, 100.0);
	const struct model_hop *h = &t->hops[2];
	assert_string_equal(h->resp[0].text, "be-12.core1.isp.net");
	assert_int_equal(h->recv, 54);
	near(h->loss_pct, 10.0);
	near(h->avg, 12.0);
	assert_false(h->has & MODEL_HAS_STDEV);
	model_trace_free(t);
	char bad[sizeof(winmtr_text)];
	snprintf(bad, sizeof(bad), "%s", winmtr_text);
	memcpy(strstr(bad, "|   54 |"), "|   5a |", 8);
	fails_at(bad, 7, "for Rcv");
}

/* WinMTR numbers rows itself; a 256th cannot be a hop (it once said "out of
 * memory"). */
static void winmtr_more_than_255_rows(void **state)
{
	(void)state;
	size_t cap = 300 * 100, used = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	const char *rows = strstr(winmtr_text, "|                             192");
	assert_non_null(rows);
	used = (size_t)(rows - winmtr_text); /* the 4 lines before the first row */
	memcpy(text, winmtr_text, used);
	for (int i = 1; i <= 256; i++)
		used += (size_t)snprintf(text + used, cap - used,
					 "|  10.0.%d.%d -    0 |   60 |   60 |    1 |    1 |    4 |    1 |\r\n",
					 i / 256, i % 256);
	fails_at(text, 4 + 256, "expected at most 255 hops (the TTL is 8 bits), found a row 256");
	free(text);
}

static const char winmtr_html[] =
	"<html><head><title>WinMTR Statistics</title></head><body>\n"
	"<table border=\"1\">\n"
	"<tr><td>Hostname</td> <td>Nr</td> <td>Loss %</td> <td>Sent</td> <td>Recv</td> <td>Best</td> "
	"<td>Avrg</td> <td>Worst</td> <td>Last</td></tr>\n"
	"<tr><td>192.168.1.1</td> <td>1</td> <td>0</td> <td>60</td> <td>60</td> <td>1</td> <td>1</td> "
	"<td>4</td> <td>1</td></tr>\n"
	"<tr><td>No response from host</td> <td>2</td> <td>100</td> <td>12</td> <td>0</td> <td>0</td> "
	"<td>0</td> <td>0</td> <td>0</td></tr>\n"
	"<tr><td>203.0.113.5</td> <td>3</td> <td><font color=\"red\">10</font></td> <td>60</td> "
	"<td>54</td> <td>30</td> <td>33</td> <td>60</td> <td>31</td></tr>\n"
	"</table></body></html>\n";

static void winmtr_html_export(void **state)
{
	(void)state;
	struct model_trace *t = load(winmtr_html, IMPORT_FMT_WINMTR_HTML);
	assert_int_equal(t->n_hops, 3);
	assert_int_equal(t->hops[1].n_resp, 0);
	assert_int_equal(t->hops[2].recv, 54);
	near(t->hops[2].wrst, 60.0);
	assert_string_equal(t->hops[2].resp[0].text, "203.0.113.5");
	model_trace_free(t);
	char bad[sizeof(winmtr_html)];
	snprintf(bad, sizeof(bad), "%s", winmtr_html);
	memcpy(strstr(bad, "<td>3</td>"), "<td>1</td>", 10);
	fails_at(bad, 6, "hop 3 or above");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mtr_text_report),
		cmocka_unit_test(mtr_text_columns_and_responders),
		cmocka_unit_test(mtr_text_errors),
		cmocka_unit_test(listing_from_a_guide),
		cmocka_unit_test(listing_variants),
		cmocka_unit_test(listing_errors),
		cmocka_unit_test(json_report),
		cmocka_unit_test(json_errors),
		cmocka_unit_test(csv_report),
		cmocka_unit_test(xml_report),
		cmocka_unit_test(raw_stream),
		cmocka_unit_test(mtr_text_ipinfo_columns),
		cmocka_unit_test(mtr_text_mpls_and_nat_lines),
		cmocka_unit_test(winmtr_text_export),
		cmocka_unit_test(winmtr_more_than_255_rows),
		cmocka_unit_test(winmtr_html_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
