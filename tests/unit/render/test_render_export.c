/* The exports' renderers (render_winmtr, render_html, render_chart) on
 * fixed models: what a reader relies on, checked piece by piece (the golden
 * files pin the whole layout). The round trip through the importer is in
 * tests/unit/cli/test_export.c (render/ may not include import/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "../trace_build.h"
#include "render/render_chart.h"
#include "render/render_html.h"
#include "render/render_winmtr.h"

static void set_hop(struct model_trace *t, unsigned ttl, const char *addr, unsigned long snt,
		    unsigned long recv, double avg)
{
	struct model_hop *h = model_trace_hop(t, ttl);
	h->snt = snt;
	h->recv = recv;
	h->drop = snt - recv;
	h->loss_pct = snt ? (double)(snt - recv) * 100.0 / (double)snt : 0;
	h->best = avg - 0.1;
	h->avg = avg;
	h->wrst = avg + 0.1;
	h->last = avg;
	h->has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_DROP | MODEL_HAS_STDEV;
	if (addr)
		add_responder(h, addr, recv);
}

static struct model_trace *three_hops(void)
{
	struct model_trace *t = model_trace_new();
	snprintf(t->src, sizeof(t->src), "vm");
	snprintf(t->dst, sizeof(t->dst), "10.9.5.2");
	t->tests = 10;
	set_hop(t, 1, "10.9.0.1", 10, 10, 0.5);
	set_hop(t, 2, NULL, 10, 0, 0);
	set_hop(t, 3, "10.9.5.2", 10, 7, 9.0);
	return t;
}

static char *render_page(const struct model_trace *t, const struct model_history *h,
			 const struct finding_list *l)
{
	struct render_html_page p = { t, NULL, h, l, "a test" };
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_html(&p, out), 0);
	char *page = strdup(sink_buffer(out, NULL));
	sink_free(out);
	return page;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void text_rows_are_winmtrs(void **state)
{
	(void)state;
	struct model_trace *t = three_hops();
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_winmtr_text(t, NULL, out), 0);
	const char *s = sink_buffer(out, NULL);
	assert_non_null(strstr(s, "WinMTR statistics"));
	assert_non_null(strstr(s, "| Sent   | Recv   | Best   | Avrg   | Wrst   | Last   |\r\n"));
	assert_non_null(strstr(s, "                   No response from host - 100.0 |     10 |      0 |"));
	assert_non_null(strstr(s, "10.9.5.2 -  30.0 |     10 |      7 |    8.9 |    9.0 |    9.1 |    9.0 |\r\n"));
	assert_null(strstr(s, "Nr"));
	assert_int_equal(count(s, "\r\n"), count(s, "\n"));
	sink_free(out);
	model_trace_free(t);
}

/* A DNS name is the remote's to choose: it may not cut the row or reach the
 * reader's terminal. */
static void text_cleans_names(void **state)
{
	(void)state;
	struct model_trace *t = three_hops();
	snprintf(t->hops[0].resp[0].name, MODEL_NAME_MAX, "a|b\x1b[2Jc");
	struct render_opts o = { .want_names = true };
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_winmtr_text(t, &o, out), 0);
	const char *s = sink_buffer(out, NULL);
	assert_non_null(strstr(s, " a?b?[2Jc - "));
	assert_null(strchr(s, '\x1b'));
	sink_free(out);
	model_trace_free(t);
}

/* Without hop 1 (-f 2), rows carry their numbers. */
static void text_numbers_rows_after_first_ttl(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	model_trace_hop(t, 1);
	set_hop(t, 2, "10.0.0.2", 4, 4, 1.0);
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_winmtr_text(t, NULL, out), 0);
	const char *s = sink_buffer(out, NULL);
	assert_non_null(strstr(s, "| Nr     |\r\n"));
	assert_non_null(strstr(s, "|      2 |\r\n"));
	sink_free(out);
	model_trace_free(t);
}

static void page_escapes_and_loads_nothing(void **state)
{
	(void)state;
	struct model_trace *t = three_hops();
	snprintf(t->src, sizeof(t->src), "<img src=x onerror=alert(1)>");
	snprintf(t->hops[0].resp[0].name, MODEL_NAME_MAX, "\"><script>alert(2)</script>");
	struct render_opts o = { .want_names = true };
	struct render_html_page p = { t, &o, NULL, NULL, "http://x" };
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_html(&p, out), 0);
	const char *s = sink_buffer(out, NULL);
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<img"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(2)&lt;/script&gt;"));
	assert_non_null(strstr(s, "<meta name=\"viewport\""));
	assert_non_null(strstr(s, "@media print"));
	/* the only "http" is the escaped source text the test put there */
	assert_int_equal(count(s, "http"), 1);
	assert_int_equal(count(s, "href="), 0);
	assert_int_equal(count(s, "url("), 0);
	assert_int_equal(count(s, "@import"), 0);
	assert_non_null(strstr(s, "No per-round data"));
	assert_non_null(strstr(s, "No diagnosis was made"));
	assert_int_equal(count(s, "<svg"), 0);
	sink_free(out);
	model_trace_free(t);
}

static void page_has_a_chart_per_hop_and_loss_marks(void **state)
{
	(void)state;
	struct model_trace *t = three_hops();
	struct model_history *h = model_history_new(100);
	for (unsigned long r = 0; r < 10; r++) {
		model_history_note(h, 1, r, 0.5);
		model_history_note(h, 2, r, -1);
		model_history_note(h, 3, r, r % 3 == 0 ? -1 : 9.0);
	}
	char *s = render_page(t, h, NULL);
	assert_int_equal(count(s, "<svg class=\"chart\""), 3);
	assert_int_equal(count(s, "<rect class=\"lost\""), 10 + 4);
	assert_int_equal(count(s, "<circle class=\"dot\""), 10 + 6);
	assert_non_null(strstr(s, "aria-label=\"hop 3: 10 rounds, 6 answered, 4 lost\""));
	assert_null(strstr(s, "No per-round data"));
	free(s);
	model_history_free(h);
	model_trace_free(t);
}

/* A long run is drawn in bins: never more columns than the chart holds. */
static void long_runs_are_binned(void **state)
{
	(void)state;
	struct model_history *h = model_history_new(1000);
	for (unsigned long r = 0; r < 1000; r++)
		model_history_note(h, 1, r, r == 500 ? -1 : 1.0 + (double)(r % 7));
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_chart_svg(h, 1, out), 0);
	const char *s = sink_buffer(out, NULL);
	assert_int_equal(count(s, "<circle"), RENDER_CHART_MAX_COLUMNS);
	assert_int_equal(count(s, "<rect class=\"band\""), RENDER_CHART_MAX_COLUMNS);
	assert_int_equal(count(s, "<rect class=\"lost\""), 1);
	assert_non_null(strstr(s, ">10 ms<")); /* 7 ms rounds up to the axis's 10 */
	struct render_chart_sums sum;
	render_chart_sum(h, 1, &sum);
	assert_int_equal(sum.rounds, 1000);
	assert_int_equal(sum.lost, 1);
	assert_int_equal(sum.answers, 999);
	sink_free(out);
	model_history_free(h);
}

static void verdict_uses_diagnose_wording(void **state)
{
	(void)state;
	struct model_trace *t = three_hops();
	struct finding_list l;
	finding_list_init(&l);
	struct finding f = { .kind = FINDING_LOSS, .severity = FINDING_CRITICAL, .segment = FINDING_SEG_ACCESS,
			     .direction = FINDING_DIR_OUTBOUND, .hop = 3, .hops = { 3 }, .n_hops = 1,
			     .loss_pct = 30.0, .latency_ms = NAN };
	f.summary = (char *)"Lost at <3>.";
	f.evidence = (char *)"R3";
	f.advice = (char *)"";
	assert_non_null(finding_list_add(&l, &f));
	char *s = render_page(t, NULL, &l);
	assert_non_null(strstr(s, "<p class=\"head\">critical: loss at hop 3 (segment access, direction "
				  "outbound, loss 30.0%)</p>"));
	assert_non_null(strstr(s, "Lost at &lt;3&gt;."));
	assert_non_null(strstr(s, "<strong>Evidence:</strong> R3"));
	assert_null(strstr(s, "Advice:"));
	assert_non_null(strstr(s, "<tr class=\"critical\"><td>3</td>"));
	free(s);
	finding_list_free(&l);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_rows_are_winmtrs),
		cmocka_unit_test(text_cleans_names),
		cmocka_unit_test(text_numbers_rows_after_first_ttl),
		cmocka_unit_test(page_escapes_and_loads_nothing),
		cmocka_unit_test(page_has_a_chart_per_hop_and_loss_marks),
		cmocka_unit_test(long_runs_are_binned),
		cmocka_unit_test(verdict_uses_diagnose_wording),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
