/* export: files written whole, clear failures, the view's file names, and
 * the round trip: what the text export (and the page's table) says reads
 * back through `hopdoc analyze`'s importer as the same hops and figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/export.h"
#include "import/import.h"
#include "model/field.h"
#include "model/history.h"
#include "model/model.h"
#include "../trace_build.h"

static void set_hop(struct model_trace *t, unsigned ttl, const char *addr, unsigned long snt,
		    unsigned long recv, unsigned long late, double avg)
{
	struct model_hop *h = model_trace_hop(t, ttl);
	h->snt = snt;
	h->recv = recv;
	h->late = late;
	h->drop = snt - recv - late;
	h->loss_pct = snt ? (double)h->drop * 100.0 / (double)snt : 0; /* late replies are not lost */
	h->best = avg * 0.9;
	h->avg = avg;
	h->wrst = avg * 1.37;
	h->last = avg * 1.04;
	h->stdev = avg * 0.11;
	h->has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_DROP | MODEL_HAS_STDEV;
	if (addr)
		add_responder(h, addr, recv);
}

/* Figures with more digits than any report prints, a silent hop, a hop with
 * late replies (so Loss% is not (Sent - Recv) / Sent), two responders. */
static struct model_trace *sample_trace(void)
{
	struct model_trace *t = model_trace_new();
	snprintf(t->src, sizeof(t->src), "vm");
	snprintf(t->dst, sizeof(t->dst), "10.9.5.2");
	t->tests = 30;
	set_hop(t, 1, "10.9.0.1", 30, 30, 0, 0.23456);
	set_hop(t, 2, NULL, 30, 0, 0, 0);
	set_hop(t, 3, "10.9.2.1", 30, 19, 2, 12.3456);
	set_hop(t, 4, "10.9.3.7", 30, 20, 0, 1234.5678);
	set_hop(t, 4, "10.9.5.2", 30, 20, 0, 1234.5678);
	t->hops[3].latest = 1;
	return t;
}

static char tmpdir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hopdoc-test-export-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A figure as the export prints it: mtr's grain, then one decimal. */
static double printed(char letter, const struct model_hop *h)
{
	double v = field_get(field_for(letter), h);
	if (letter == 'L')
		v = floor(v * 1000.0 + 1e-6) / 1000.0;
	return round(v * 10.0) / 10.0;
}

static void same_hops(const struct model_trace *a, const struct model_trace *b)
{
	assert_int_equal(a->n_hops, b->n_hops);
	for (size_t i = 0; i < a->n_hops; i++) {
		const struct model_hop *x = &a->hops[i], *y = &b->hops[i];
		assert_int_equal(x->ttl, y->ttl);
		assert_int_equal(x->snt, y->snt);
		assert_int_equal(x->recv, y->recv);
		assert_int_equal(y->n_resp, x->n_resp ? 1 : 0);
		if (x->n_resp)
			assert_string_equal(x->resp[x->latest].text, y->resp[y->latest].text);
		for (const char *c = "LBAWN"; *c; c++)
			assert_true(fabs(printed(*c, x) - field_get(field_for(*c), y)) < 1e-9);
	}
}

static void text_round_trip(void **state)
{
	(void)state;
	struct model_trace *t = sample_trace(), *back = NULL;
	char path[128], msg[EXPORT_MSG_MAX];
	snprintf(path, sizeof(path), "%s/a.txt", tmpdir);
	const struct export_input in = { t, NULL, NULL, NULL, NULL };
	assert_int_equal(export_write_text(path, &in, msg, sizeof(msg)), 0);
	struct import_error err;
	assert_int_equal(import_file(path, &back, &err), 0);
	same_hops(t, back);
	assert_true(fabs(back->hops[2].loss_pct - 30.0) < 1e-9); /* 9 of 30 dropped; 2 late */
	model_trace_free(back);
	model_trace_free(t);
}

static void html_table_round_trip(void **state)
{
	(void)state;
	struct model_trace *t = sample_trace(), *back = NULL;
	struct model_history *h = model_history_new(EXPORT_HISTORY_ROUNDS);
	for (unsigned long r = 0; r < 30; r++)
		for (unsigned ttl = 1; ttl <= 4; ttl++)
			model_history_note(h, ttl, r, ttl == 2 ? -1 : 1.0);
	char path[128], msg[EXPORT_MSG_MAX];
	snprintf(path, sizeof(path), "%s/a.html", tmpdir);
	const struct export_input in = { t, NULL, h, NULL, "a test" };
	assert_int_equal(export_write_html(path, &in, msg, sizeof(msg)), 0);
	struct import_error err;
	assert_int_equal(import_file(path, &back, &err), 0);
	same_hops(t, back);
	model_trace_free(back);
	model_history_free(h);
	model_trace_free(t);
}

static void failures_name_the_file_and_why(void **state)
{
	(void)state;
	struct model_trace *t = sample_trace();
	char msg[EXPORT_MSG_MAX];
	const struct export_input in = { t, NULL, NULL, NULL, NULL };
	assert_int_equal(export_write_html("/nonexistent-dir/x.html", &in, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "cannot write /nonexistent-dir/x.html: No such file or directory");
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(export_write_text("/dev/full", &in, msg, sizeof(msg)), -1);
		assert_string_equal(msg, "cannot write /dev/full: No space left on device");
	}
	model_trace_free(t);
}

static void base_names_are_safe(void **state)
{
	(void)state;
	char buf[128];
	time_t when = 1795320000;
	setenv("TZ", "UTC", 1);
	tzset();
	assert_string_equal(export_base_name("fd00::1", when, buf, sizeof(buf)), "hopdoc-fd00__1-20261122-040000");
	assert_string_equal(export_base_name("../etc/x y", when, buf, sizeof(buf)), "hopdoc-.._etc_x_y-20261122-040000");
	assert_string_equal(export_base_name("", when, buf, sizeof(buf)), "hopdoc-host-20261122-040000");
}

static void both_files_at_once(void **state)
{
	(void)state;
	struct model_trace *t = sample_trace();
	char msg[EXPORT_MSG_MAX], expect[EXPORT_MSG_MAX], path[256];
	const struct export_input in = { t, NULL, NULL, NULL, NULL };
	assert_int_equal(export_write_both(&in, "10.9.5.2", 1795320000, tmpdir, msg, sizeof(msg)), 0);
	snprintf(expect, sizeof(expect), "wrote %s/hopdoc-10.9.5.2-20261122-040000.txt and %s/hopdoc-10.9.5.2-20261122-040000.html",
		 tmpdir, tmpdir);
	assert_string_equal(msg, expect);
	snprintf(path, sizeof(path), "%s/hopdoc-10.9.5.2-20261122-040000.html", tmpdir);
	assert_int_equal(access(path, R_OK), 0);
	assert_int_equal(export_write_both(&in, "h", 0, "/nonexistent-dir", msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "No such file or directory"));
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_round_trip),
		cmocka_unit_test(html_table_round_trip),
		cmocka_unit_test(failures_name_the_file_and_why),
		cmocka_unit_test(base_names_are_safe),
		cmocka_unit_test(both_files_at_once),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
