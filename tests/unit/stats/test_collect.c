/* collect: events into hop statistics and the model mtr shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../event_build.h"
#include "model/model.h"
#include "stats/collect.h"

static void feed(struct collect *c, struct event ev)
{
	assert_int_equal(collect_event(c, &ev), 0);
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

/* The target answered first past the path's length; its name and AS came
 * then, once. When it answers at its own hop later, the row has them too. */
static void lookups_reach_responders_that_come_later(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 3; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, "10.0.0.1", 1.0));
	struct event ev = probe(EVENT_REPLY, 3, 3, "10.0.0.9", 3.0);
	ev.from_target = true;
	feed(c, ev);
	struct event name = probe(EVENT_NAME, 0, 0, "10.0.0.9", 0);
	name.name = "target.example";
	feed(c, name);
	struct event info = probe(EVENT_IPINFO, 0, 0, "10.0.0.9", 0);
	info.name = "64496 | 10.0.0.0/24 | ZZ | lab | 2026-12-03";
	feed(c, info);
	assert_int_equal(t->n_hops, 3);
	assert_string_equal(t->hops[2].resp[0].name, "target.example");
	assert_int_equal(t->hops[2].resp[0].asn, 64496);
	feed(c, probe(EVENT_SENT, 2, 4, NULL, 0));
	ev.ttl = 2;
	ev.seq = 4;
	feed(c, ev); /* the target at TTL 2: the path is two hops long */
	assert_int_equal(t->n_hops, 2);
	assert_string_equal(t->hops[1].resp[0].text, "10.0.0.9");
	assert_string_equal(t->hops[1].resp[0].name, "target.example");
	assert_int_equal(t->hops[1].resp[0].asn, 64496);
	assert_string_equal(t->hops[1].resp[0].ipinfo, info.name);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unreached_path_shows_one_silent_hop),
		cmocka_unit_test(target_cuts_the_path_until_it_grows),
		cmocka_unit_test(responders_counted_and_latest_follows),
		cmocka_unit_test(late_answers_still_map_the_path),
		cmocka_unit_test(lookups_reach_responders_that_come_later),
		cmocka_unit_test(taps_see_every_event_and_can_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
