/* Import toolkit and format detection: numbers, host cells, Recv derivation,
 * and the errors that must name the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "import/import.h"
#include "import/import_util.h"

static void numbers_are_range_checked(void **state)
{
	(void)state;
	double d = -1;
	unsigned long u = 0;
	assert_int_equal(import_double("25.1", 0, 100, &d), 0);
	assert_true(fabs(d - 25.1) < 1e-9);
	assert_int_equal(import_double("100.5", 0, 100, &d), -1);
	assert_int_equal(import_double("-1", 0, 100, &d), -1);
	assert_int_equal(import_double("nan", 0, 100, &d), -1);
	assert_int_equal(import_double("inf", 0, 1e9, &d), -1);
	assert_int_equal(import_double("0x10", 0, 100, &d), -1);
	assert_int_equal(import_double("1e3", 0, 1e9, &d), -1);
	assert_int_equal(import_double("12abc", 0, 100, &d), -1);
	assert_int_equal(import_double("", 0, 100, &d), -1);
	assert_int_equal(import_ulong("20", 100, &u), 0);
	assert_int_equal(u, 20);
	assert_int_equal(import_ulong("-1", 100, &u), -1);
	assert_int_equal(import_ulong("101", 100, &u), -1);
	assert_int_equal(import_ulong("99999999999999999999999", ~0ul, &u), -1);
	assert_int_equal(import_ulong("2.5", 100, &u), -1);
}

static void percent_cells_and_their_rounding(void **state)
{
	(void)state;
	double v, tol;
	assert_int_equal(import_percent("15.0%", &v, &tol), 0);
	assert_true(fabs(v - 15.0) < 1e-9 && fabs(tol - 0.05) < 1e-9);
	assert_int_equal(import_percent("5%", &v, &tol), 0);
	assert_true(fabs(v - 5.0) < 1e-9 && fabs(tol - 0.5) < 1e-9);
	assert_int_equal(import_percent("100.0", &v, &tol), 0);
	assert_int_equal(import_percent("0.00", &v, &tol), 0);
	assert_true(fabs(tol - 0.005) < 1e-9);
	assert_int_equal(import_percent("101%", &v, &tol), -1);
	assert_int_equal(import_percent("%", &v, &tol), -1);
	assert_int_equal(import_percent("abc%", &v, &tol), -1);
}

static void host_cells(void **state)
{
	(void)state;
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	bool ok;
	assert_null(import_add_host(&h, "???", &ok));
	assert_true(ok);
	assert_null(import_add_host(&h, "AS??? ???", &ok));
	assert_int_equal(h.n_resp, 0);
	struct model_responder *r = import_add_host(&h, "AS64500 be1.isp.example (100.64.0.1)", &ok);
	assert_non_null(r);
	assert_int_equal(r->asn, 64500);
	assert_int_equal(r->addr.family, AF_INET);
	assert_string_equal(r->text, "100.64.0.1");
	assert_string_equal(r->name, "be1.isp.example");
	r = import_add_host(&h, "Ziel-IP (Server)", &ok);
	assert_int_equal(r->addr.family, AF_UNSPEC);
	assert_string_equal(r->text, "Ziel-IP (Server)");
	assert_string_equal(r->name, ""); /* a name alone is the host string */
	assert_int_equal(h.latest, 1);
	r = import_add_host(&h, "fd00::1", &ok);
	assert_int_equal(r->addr.family, AF_INET6);
	r = import_add_host(&h, "b.core.lab.example (10.2.", &ok);
	assert_string_equal(r->text, "b.core.lab.example");
	assert_string_equal(r->name, "");
	assert_int_equal(h.n_resp, 4);
	model_hop_free(&h);
}

static void recv_is_derived_only_when_exact(void **state)
{
	(void)state;
	struct import_error err;
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	h.ttl = 1;
	h.snt = 20;
	h.loss_pct = 15.0;
	h.avg = h.best = h.wrst = 1.0;
	assert_int_equal(import_check_hop(&h, 0.05, &err, 1), 0);
	assert_int_equal(h.recv, 17);
	assert_true(h.has & MODEL_HAS_RECV);
	/* 0.1% of 5000 probes printed as "0.1%": 3 to 7 lost all fit */
	memset(&h, 0, sizeof(h));
	h.snt = 5000;
	h.loss_pct = 0.1;
	h.avg = h.best = h.wrst = 1.0;
	assert_int_equal(import_check_hop(&h, 0.05, &err, 1), 0);
	assert_int_equal(h.recv, 4995);
	assert_false(h.has & MODEL_HAS_RECV);
	/* counts given: Loss% follows them when the report has no Loss% */
	memset(&h, 0, sizeof(h));
	h.snt = 60;
	h.recv = 54;
	h.has = MODEL_HAS_RECV;
	h.avg = h.best = h.wrst = 1.0;
	assert_int_equal(import_check_hop(&h, -1, &err, 1), 0);
	assert_true(fabs(h.loss_pct - 10.0) < 1e-9);
	assert_int_equal(h.drop, 6);
	model_hop_free(&h);
}

static void contradictions_are_errors(void **state)
{
	(void)state;
	struct import_error err;
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	h.ttl = 2;
	h.snt = 10;
	h.recv = 11;
	h.has = MODEL_HAS_RECV;
	assert_int_equal(import_check_hop(&h, -1, &err, 7), -1);
	assert_int_equal(err.line, 7);
	assert_non_null(strstr(err.msg, "Rcv <= Snt"));
	memset(&h, 0, sizeof(h));
	h.snt = 10;
	h.recv = 10;
	h.has = MODEL_HAS_RECV;
	h.best = 13.0;
	h.avg = 11.1;
	h.wrst = 10.5;
	assert_int_equal(import_check_hop(&h, -1, &err, 3), -1);
	assert_non_null(strstr(err.msg, "Best <= Avg <= Wrst"));
	model_hop_free(&h);
}

static void detection(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum import_format f;
	} cases[] = {
		{ "{\"report\": {}}", IMPORT_FMT_JSON },
		{ "\xef\xbb\xbf  {\"report\": {}}", IMPORT_FMT_JSON },
		{ "<?xml version=\"1.0\"?>\n<MTR>", IMPORT_FMT_XML },
		{ "<html><table><tr><td>Hostname</td></tr></table>", IMPORT_FMT_WINMTR_HTML },
		{ "Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt\n", IMPORT_FMT_CSV },
		{ "x 0 33000\nh 0 10.0.0.1\n", IMPORT_FMT_RAW },
		{ "|  WinMTR statistics |\r\n|  Host  -  %  | Sent | Recv |\r\n", IMPORT_FMT_WINMTR_TEXT },
		{ "Made with WinMTR? No, mtr:\nHOST: vm  Loss%  Snt\n", IMPORT_FMT_MTR_TEXT },
		{ "Start: 2026\nHOST: vm  Loss%  Snt\n", IMPORT_FMT_MTR_TEXT },
		{ "some prose\n```\n1. 10.0.0.1 0.0% 20 1 1 1 1 0\n", IMPORT_FMT_LISTING },
		{ "# 1. 10.0.0.1 0% 100 0.5 0.6 0.4 1.2 0.1", IMPORT_FMT_LISTING },
		{ "hello world\n", IMPORT_FMT_UNKNOWN },
		{ "", IMPORT_FMT_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(import_detect(cases[i].text, strlen(cases[i].text)), cases[i].f);
	assert_string_equal(import_format_name(IMPORT_FMT_WINMTR_HTML), "WinMTR HTML");
}

static void buffer_errors_name_file_and_line(void **state)
{
	(void)state;
	struct model_trace *t = (struct model_trace *)1;
	struct import_error err;
	char msg[600];
	assert_int_equal(import_buffer("", 0, "empty.txt", &t, &err), -1);
	assert_null(t);
	assert_string_equal(err.file, "empty.txt");
	assert_int_equal(err.line, 1);
	static const char nul[] = "1. 10.0.0.1 0.0% 20 1 1 1 1 0\n2. \0";
	assert_int_equal(import_buffer(nul, sizeof(nul) - 1, "nul.txt", &t, &err), -1);
	assert_int_equal(err.line, 2);
	assert_string_equal(import_error_text(&err, msg, sizeof(msg)), "nul.txt:2: expected text, found a NUL byte");
	assert_int_equal(import_file("/nonexistent/x", &t, &err), -1);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(import_error_text(&err, msg, sizeof(msg)), "/nonexistent/x: cannot open"));
}

static void column_titles(void **state)
{
	(void)state;
	assert_int_equal(import_column_letter("Loss%"), 'L');
	assert_int_equal(import_column_letter("loss %"), 'L');
	assert_int_equal(import_column_letter("Avrg"), 'A');
	assert_int_equal(import_column_letter("Worst"), 'W');
	assert_int_equal(import_column_letter("Recv"), 'R');
	assert_int_equal(import_column_letter("Jint"), 'I');
	assert_int_equal(import_column_letter("Verlies"), 0);
	char buf[64];
	assert_string_equal(import_column_titles("LSA", buf, sizeof(buf)), "Loss% Snt Avg");
	struct import_error err;
	assert_int_equal(import_check_columns("LSNABWV", &err, 1), 0);
	assert_int_equal(import_check_columns("LNABWV", &err, 4), -1);
	assert_int_equal(err.line, 4);
	assert_int_equal(import_check_columns("SA", &err, 1), -1);
	assert_int_equal(import_check_columns("SRA", &err, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_range_checked),
		cmocka_unit_test(percent_cells_and_their_rounding),
		cmocka_unit_test(host_cells),
		cmocka_unit_test(recv_is_derived_only_when_exact),
		cmocka_unit_test(contradictions_are_errors),
		cmocka_unit_test(detection),
		cmocka_unit_test(buffer_errors_name_file_and_line),
		cmocka_unit_test(column_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
