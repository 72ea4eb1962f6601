#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "collect.h"
#include "model.h"
#include "render.h"
#include "render_raw.h"
#include "sink.h"

static struct event probe(enum event_type type, unsigned ttl, unsigned long seq, const char *from, double rtt)
{
	struct event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ttl = ttl;
	ev.seq = seq;
	ev.rtt_ms = rtt;
	if (from)
		assert_int_equal(model_addr_parse(from, &ev.from), 0);
	return ev;
}

static void feed(struct collect *c, struct event ev)
{
	assert_int_equal(collect_event(c, &ev), 0);
}

static void table_has_final_formats_only(void **state)
{
	(void)state;
	assert_non_null(render_for(CONFIG_OUT_REPORT));
	assert_non_null(render_for(CONFIG_OUT_JSON));
	assert_non_null(render_for(CONFIG_OUT_CSV));
	assert_non_null(render_for(CONFIG_OUT_XML));
	assert_null(render_for(CONFIG_OUT_RAW));
	assert_null(render_for(CONFIG_OUT_SPLIT));
}

/* Without options every format uses mtr's defaults. */
static void null_options_mean_defaults(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	model_trace_hop(t, 1)->snt = 1;
	snprintf(t->src, sizeof(t->src), "vm");
	enum config_output outs[] = { CONFIG_OUT_REPORT, CONFIG_OUT_JSON, CONFIG_OUT_CSV, CONFIG_OUT_XML };
	for (size_t i = 0; i < 4; i++) {
		struct sink *out = sink_new_buffer();
		assert_int_equal(render_for(outs[i])(t, NULL, out), 0);
		assert_non_null(strstr(sink_buffer(out, NULL), "Snt"));
		sink_free(out);
	}
	model_trace_free(t);
}

/* mtr's rule: an unreached path shows one hop past the last that answered. */
static void unreached_path_shows_one_silent_hop(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 6; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, "10.0.0.1", 1.0));
	feed(c, probe(EVENT_REPLY, 3, 3, "10.0.0.3", 3.0));
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[1].n_resp, 0);
	assert_int_equal(t->hops[2].recv, 1);
	assert_false(t->reached);
	collect_free(c);
	model_trace_free(t);
}

static void target_cuts_the_path_until_it_grows(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 5; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	struct event ev = probe(EVENT_REPLY, 4, 4, "10.0.0.9", 4.0);
	ev.from_target = true;
	feed(c, ev);
	ev.ttl = 5;
	feed(c, ev);
	assert_true(t->reached);
	assert_int_equal(t->n_hops, 4); /* the TTL 5 answer is the target again */
	feed(c, probe(EVENT_REPLY, 2, 2, "10.0.0.2", 2.0));
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[1].recv, 1);
	assert_string_equal(t->hops[1].resp[0].text, "10.0.0.2");
	feed(c, probe(EVENT_REPLY, 4, 4, "10.0.0.4", 4.0)); /* the path got longer */
	assert_int_equal(t->n_hops, 5);
	assert_string_equal(t->hops[4].resp[0].text, "10.0.0.9");
	collect_free(c);
	model_trace_free(t);
}

static void responders_counted_and_latest_follows(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	const char *seen[] = { "10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1" };
	for (unsigned long i = 0; i < 4; i++) {
		feed(c, probe(EVENT_SENT, 1, i, NULL, 0));
		feed(c, probe(EVENT_REPLY, 1, i, seen[i], 1.0 + (double)i));
	}
	struct event name = probe(EVENT_NAME, 0, 0, "10.0.0.2", 0);
	name.name = "b.example";
	feed(c, name);
	const struct model_hop *h = &t->hops[0];
	assert_int_equal(h->n_resp, 2);
	assert_int_equal(h->resp[0].replies, 3);
	assert_int_equal(h->resp[1].replies, 1);
	assert_int_equal(h->latest, 0);
	assert_string_equal(h->resp[1].name, "b.example");
	assert_int_equal(h->recv, 4);
	collect_free(c);
	model_trace_free(t);
}

/* With a short -Z every answer past hop 1 comes late: the hops must still be
 * listed, and the target counted as reached, though no reply was in time. */
static void late_answers_still_map_the_path(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	const char *from[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
	for (unsigned ttl = 1; ttl <= 3; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, from[0], 1.0));
	for (unsigned ttl = 2; ttl <= 3; ttl++) {
		feed(c, probe(EVENT_TIMEOUT, ttl, ttl, NULL, 0));
		struct event late = probe(EVENT_LATE, ttl, ttl, from[ttl - 1], 50.0);
		late.from_target = ttl == 3;
		feed(c, late);
	}
	assert_int_equal(t->n_hops, 3);
	assert_true(t->reached);
	assert_string_equal(t->hops[2].resp[0].text, "10.0.0.3");
	assert_int_equal(t->hops[2].recv, 0);
	assert_int_equal(t->hops[2].late, 1);
	assert_int_equal(t->hops[2].resp[0].replies, 0);
	collect_free(c);
	model_trace_free(t);
}

static int count_tap(void *ctx, const struct event *ev)
{
	(void)ev;
	(*(int *)ctx)++;
	return 0;
}

static int stop_tap(void *ctx, const struct event *ev)
{
	(void)ctx;
	(void)ev;
	return -1;
}

static void taps_see_every_event_and_can_stop(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	int seen = 0;
	for (int i = 0; i < COLLECT_MAX_TAPS - 1; i++)
		assert_int_equal(collect_add_tap(c, count_tap, &seen), 0);
	feed(c, probe(EVENT_SENT, 1, 1, NULL, 0));
	feed(c, probe(EVENT_ROUND_END, 0, 0, NULL, 0));
	assert_int_equal(seen, 2 * (COLLECT_MAX_TAPS - 1));
	assert_int_equal(collect_add_tap(c, stop_tap, NULL), 0);
	assert_int_equal(collect_add_tap(c, stop_tap, NULL), -1);
	struct event ev = probe(EVENT_SENT, 1, 2, NULL, 0);
	assert_int_equal(collect_event(c, &ev), -1);
	ev.ttl = 0; /* not a hop: ignored, but still passed to the taps */
	assert_int_equal(collect_event(c, &ev), -1);
	collect_free(c);
	model_trace_free(t);
}

static void raw_prints_microseconds_and_new_hosts_twice(void **state)
{
	(void)state;
	struct sink *out = sink_new_buffer();
	struct render_raw *r = render_raw_new(out);
	struct event ev = probe(EVENT_SENT, 2, 33000, NULL, 0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	ev = probe(EVENT_REPLY, 2, 33000, "fd00::2", 1.2345);
	assert_int_equal(render_raw_event(r, &ev), 0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	ev = probe(EVENT_LATE, 2, 33000, "fd00::2", 9.0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	assert_string_equal(sink_buffer(out, NULL), "x 1 33000\nh 1 fd00::2\nh 1 fd00::2\np 1 1235 33000\np 1 1235 33000\n");
	render_raw_free(r);
	sink_free(out);
}

static void json_trace_keeps_mtr_key_order(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct model_hop *h = model_trace_hop(t, 1);
	h->snt = 2;
	h->avg = 1.23449;
	struct render_opts o = { .fields = "SAL" };
	json_t *root = render_json_trace(t, &o);
	json_t *hub = json_array_get(json_object_get(json_object_get(root, "report"), "hubs"), 0);
	const char *want[] = { "count", "host", "Snt", "Avg", "Loss%", "hosts" };
	size_t i = 0;
	const char *key;
	json_t *value;
	json_object_foreach(hub, key, value) {
		assert_true(i < 6);
		assert_string_equal(key, want[i++]);
	}
	assert_true(json_real_value(json_object_get(hub, "Avg")) == 1.234); /* mtr's microsecond grain */
	assert_true(json_is_integer(json_object_get(hub, "Snt")));
	json_decref(root);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_has_final_formats_only),
		cmocka_unit_test(null_options_mean_defaults),
		cmocka_unit_test(unreached_path_shows_one_silent_hop),
		cmocka_unit_test(target_cuts_the_path_until_it_grows),
		cmocka_unit_test(responders_counted_and_latest_follows),
		cmocka_unit_test(late_answers_still_map_the_path),
		cmocka_unit_test(taps_see_every_event_and_can_stop),
		cmocka_unit_test(raw_prints_microseconds_and_new_hosts_twice),
		cmocka_unit_test(json_trace_keeps_mtr_key_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
