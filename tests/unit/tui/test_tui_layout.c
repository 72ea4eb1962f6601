/* The layout's rules that golden screens show only by example: the verdict
 * worded as --diagnose, its hops marked, the collecting line's number taken
 * from the input, scroll clamped, lost probes marked in the charts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "tui/tui_chart.h"
#include "tui/tui_grid.h"
#include "tui/tui_layout.h"
#include "tui/tui_state.h"

struct fixture {
	struct model_trace *t;
	struct model_history *h;
	struct finding_list l;
	struct tui_state s;
	struct tui_grid *g;
};

/* hops 1..n answer from 10.0.TTL.1 in TTL ms; hop 3 lost round 4. */
static void build(struct fixture *fx, unsigned n, int w, int h)
{
	fx->t = model_trace_new();
	fx->h = model_history_new(16);
	snprintf(fx->t->src, sizeof(fx->t->src), "me");
	snprintf(fx->t->dst, sizeof(fx->t->dst), "there");
	for (unsigned ttl = 1; ttl <= n; ttl++) {
		struct model_hop *hop = model_trace_hop(fx->t, ttl);
		struct model_addr a = { .family = AF_INET, .bytes = { 10, 0, (uint8_t)ttl, 1 } };
		struct model_responder *r = model_hop_responder(hop, &a);
		model_addr_text(&a, r->text, sizeof(r->text));
		hop->snt = 5;
		for (unsigned long round = 0; round < 5; round++)
			model_history_note(fx->h, ttl, round, ttl == 3 && round == 4 ? -1.0 : ttl);
	}
	finding_list_init(&fx->l);
	tui_state_init(&fx->s, NULL, false, false, MODEL_PROTO_ICMP, 0);
	fx->g = tui_grid_new(w, h);
}

static void add_finding(struct fixture *fx, enum finding_severity sev, unsigned hop)
{
	struct finding f = { .kind = FINDING_LOSS, .severity = sev, .segment = FINDING_SEG_TRANSIT,
		             .direction = FINDING_DIR_OUTBOUND, .hop = hop, .hops = { hop },
		             .n_hops = 1, .loss_pct = 20.0, .latency_ms = NAN,
		             .summary = (char *)(uintptr_t) "Loss starts here.", .evidence = NULL, .advice = NULL };
	assert_non_null(finding_list_add(&fx->l, &f));
}

static void teardown(struct fixture *fx)
{
	finding_list_free(&fx->l);
	model_history_free(fx->h);
	model_trace_free(fx->t);
	tui_grid_free(fx->g);
}

static void lay_out(struct fixture *fx, bool findings, unsigned long short_by)
{
	struct tui_input in = { .trace = fx->t, .history = fx->h,
		                .findings = findings ? &fx->l : NULL, .rounds_short = short_by };
	tui_layout(fx->g, &in, &fx->s);
}

static int row_with(const struct tui_grid *g, const char *text)
{
	for (int r = 0; r < tui_grid_height(g); r++)
		if (strstr(tui_grid_row(g, r), text))
			return r;
	return -1;
}

static void verdict_is_worded_as_diagnose_and_marks_its_hop(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 4, 80, 24);
	add_finding(&fx, FINDING_WARNING, 3);
	lay_out(&fx, true, 0);
	int r = row_with(fx.g, " 1. warning: loss at hop 3 (segment transit, direction outbound, loss 20.0%)");
	assert_true(r > 0);
	assert_true(tui_grid_attrs(fx.g, r)[1] & TUI_ATTR_BAD);
	assert_true(row_with(fx.g, "    Loss starts here.") == r + 1);
	int hop3 = row_with(fx.g, " 3. 10.0.3.1"), hop2 = row_with(fx.g, " 2. 10.0.2.1");
	assert_true(tui_grid_attrs(fx.g, hop3)[1] & TUI_ATTR_BAD);
	assert_false(tui_grid_attrs(fx.g, hop2)[1] & TUI_ATTR_BAD);
	assert_int_equal(row_with(fx.g, "collecting"), -1);
	teardown(&fx);
}

static void info_findings_mark_no_hop(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 4, 80, 24);
	add_finding(&fx, FINDING_INFO, 3);
	lay_out(&fx, true, 0);
	assert_false(tui_grid_attrs(fx.g, row_with(fx.g, " 3. 10.0.3.1"))[1] & TUI_ATTR_BAD);
	teardown(&fx);
}

static void collecting_names_the_rounds_it_is_given(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 4, 80, 24);
	add_finding(&fx, FINDING_INFO, 0);
	lay_out(&fx, true, 46);
	assert_true(row_with(fx.g, "collecting: 46 more rounds before loss below 2% can be told from chance") > 0);
	lay_out(&fx, false, 46); /* no verdict panel, no collecting line */
	assert_int_equal(row_with(fx.g, "collecting"), -1);
	assert_int_equal(row_with(fx.g, "Verdict"), -1);
	teardown(&fx);
}

static void a_small_terminal_gets_a_message(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 4, TUI_MIN_COLS - 1, 30);
	lay_out(&fx, false, 0);
	assert_int_equal(row_with(fx.g, "terminal too small"), 0);
	assert_int_equal(row_with(fx.g, "10.0.1.1"), -1);
	teardown(&fx);
}

static void scroll_is_clamped_to_the_hops(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 40, 80, 24);
	fx.s.scroll = 500;
	lay_out(&fx, false, 0);
	assert_true(fx.s.scroll > 0 && fx.s.scroll < 40);
	assert_true(row_with(fx.g, "40. 10.0.40.1") > 0);
	assert_int_equal(row_with(fx.g, " 1. 10.0.1.1"), -1);
	teardown(&fx);
}

static void charts_mark_the_lost_probe(void **state)
{
	(void)state;
	struct fixture fx;
	build(&fx, 4, 80, 24);
	fx.s.mode = TUI_MODE_HISTORY;
	lay_out(&fx, false, 0);
	int r = row_with(fx.g, " 3. 10.0.3.1");
	const char *x = strchr(tui_grid_row(fx.g, r), 'x');
	assert_non_null(x);
	int col = (int)(x - tui_grid_row(fx.g, r));
	assert_true(tui_grid_attrs(fx.g, r)[col] & TUI_ATTR_REVERSE);
	assert_int_equal(x[1], ' '); /* the loss is the newest round */
	fx.s.mode = TUI_MODE_STRIP;
	lay_out(&fx, false, 0);
	assert_non_null(strchr(tui_grid_row(fx.g, row_with(fx.g, " 3. 10.0.3.1")), '?'));
	assert_null(strchr(tui_grid_row(fx.g, row_with(fx.g, " 2. 10.0.2.1")), '?'));
	teardown(&fx);
}

static void levels_split_the_scale_in_tenths(void **state)
{
	(void)state;
	assert_int_equal(tui_chart_level(0.5, 10.0), 0);
	assert_int_equal(tui_chart_level(5.0, 10.0), 5);
	assert_int_equal(tui_chart_level(10.0, 10.0), 9);
	assert_int_equal(tui_chart_level(3.0, 0.0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_is_worded_as_diagnose_and_marks_its_hop),
		cmocka_unit_test(info_findings_mark_no_hop),
		cmocka_unit_test(collecting_names_the_rounds_it_is_given),
		cmocka_unit_test(a_small_terminal_gets_a_message),
		cmocka_unit_test(scroll_is_clamped_to_the_hops),
		cmocka_unit_test(charts_mark_the_lost_probe),
		cmocka_unit_test(levels_split_the_scale_in_tenths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
