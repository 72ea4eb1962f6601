/* render_split: mtr's -p stream prints only lines that changed, and retracts
 * lines when the path gets shorter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/sink.h"
#include "model/event.h"
#include "model/model.h"
#include "render/render_split.h"

static void answer(struct model_trace *t, unsigned ttl, const char *addr, double avg)
{
	struct model_hop *h = model_trace_hop(t, ttl);
	struct model_addr a;
	assert_int_equal(model_addr_parse(addr, &a), 0);
	struct model_responder *r = model_hop_responder(h, &a);
	assert_non_null(r);
	r->replies++;
	h->snt++;
	h->recv++;
	h->best = h->wrst = h->avg = avg;
}

/* What the printer wrote since the last call; *seen counts bytes taken. */
static const char *take(struct sink *out, size_t *seen)
{
	size_t len;
	const char *all = sink_buffer(out, &len);
	const char *news = all + *seen;
	*seen = len;
	return news;
}

static void prints_changes_and_retracts(void **state)
{
	(void)state;
	size_t seen = 0;
	struct model_trace *t = model_trace_new();
	struct sink *out = sink_new_buffer();
	struct render_opts o = { .want_names = false };
	struct render_split *s = render_split_new(out, t, &o);
	struct event round_end = { .type = EVENT_ROUND_END };

	answer(t, 1, "10.0.0.1", 1.4);
	answer(t, 2, "10.0.0.2", 2.6);
	assert_int_equal(render_split_event(s, &round_end), 0);
	assert_string_equal(take(out, &seen), "1 10.0.0.1 0 1 1 1 1 1\n2 10.0.0.2 0 1 1 2 2 2\n");

	model_trace_hop(t, 2)->snt++; /* hop 2 lost one: only its line changes */
	model_trace_hop(t, 2)->loss_pct = 50.0;
	assert_int_equal(render_split_event(s, &round_end), 0);
	assert_string_equal(take(out, &seen), "2 10.0.0.2 50000 1 2 2 2 2\n");

	struct event sent = { .type = EVENT_SENT, .ttl = 1 }; /* not a redraw */
	assert_int_equal(render_split_event(s, &sent), 0);
	assert_string_equal(take(out, &seen), "");

	model_trace_truncate(t, 1);
	assert_int_equal(render_split_redraw(s), 0);
	assert_string_equal(take(out, &seen), "-2\n");

	render_split_free(s);
	sink_free(out);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prints_changes_and_retracts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
