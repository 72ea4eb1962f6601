/* monitor_episode (and monitor_html): episodes found in synthetic histories
 * whose truth is known, and the page drawn from one. */
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

#include "base/sink.h"
#include "monitor/monitor_episode.h"
#include "monitor/monitor_html.h"

#define N 120
#define LEN 6

/* A healthy 6-hop path, 1 round a second from t = 1,000,000 ms; hop k
 * answers from 10.0.0.k with 2k ms. */
static void healthy(struct monitor_round *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].t_ms = 1000000 + (int64_t)i * 1000;
		r[i].path_len = LEN;
		r[i].reached = true;
		for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
			r[i].hop[t].rtt_ms = NAN;
		for (unsigned t = 1; t <= LEN; t++) {
			char a[32];
			snprintf(a, sizeof(a), "10.0.0.%u", t);
			r[i].hop[t] = (struct monitor_hop){ .sent = 1, .recv = 1,
				                            .rtt_ms = 2.0 * t + 0.1 * (double)(i % 3) };
			assert_int_equal(model_addr_parse(a, &r[i].hop[t].from), 0);
		}
	}
}

/* Hops from `hop` on lose every probe in rounds [a, b]. */
static void lose(struct monitor_round *r, size_t a, size_t b, unsigned hop)
{
	for (size_t i = a; i <= b; i++) {
		for (unsigned t = hop; t <= LEN; t++) {
			r[i].hop[t].recv = 0;
			r[i].hop[t].rtt_ms = NAN;
			r[i].hop[t].from.family = AF_UNSPEC;
		}
		r[i].reached = false;
	}
}

static void slow_down(struct monitor_round *r, size_t a, size_t b, unsigned hop, double ms)
{
	for (size_t i = a; i <= b; i++)
		for (unsigned t = hop; t <= LEN; t++)
			r[i].hop[t].rtt_ms += ms;
}

static const struct monitor_episode *find(const struct monitor_episode *e, size_t n,
                                          enum monitor_episode_kind k)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].kind == k)
			return &e[i];
	return NULL;
}

static void a_healthy_history_has_no_episode(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	assert_int_equal(n, 0);
	monitor_episodes_free(e, n);
}

static void loss_latency_and_route_are_found_where_they_were_made(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	lose(r, 20, 49, 4);            /* 30 s of drops past hop 3 */
	slow_down(r, 70, 89, 3, 40.0); /* +40 ms from hop 3 on */
	for (size_t i = 100; i < N; i++) /* hop 2 answers from elsewhere */
		assert_int_equal(model_addr_parse("10.0.9.2", &r[i].hop[2].from), 0);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	assert_int_equal(n, 3);
	const struct monitor_episode *loss = find(e, n, MONITOR_EP_LOSS);
	const struct monitor_episode *lat = find(e, n, MONITOR_EP_LATENCY);
	const struct monitor_episode *route = find(e, n, MONITOR_EP_ROUTE);
	assert_non_null(loss);
	assert_int_equal(loss->start_ms, r[20].t_ms);
	assert_int_equal(loss->end_ms, r[49].t_ms);
	assert_int_equal(loss->hop, 4);
	assert_true(fabs(loss->size - 100.0) < 1e-9);
	assert_true(loss->diagnosis.n >= 1);
	/* the rounds of a cut path, cut at the normal length: interrupted after
	 * hop 3, not a target that filters */
	assert_string_equal(finding_kind_name(loss->diagnosis.items[0].kind), "path-interrupted");
	assert_int_equal(loss->diagnosis.items[0].hop, 3);
	assert_non_null(lat);
	assert_int_equal(lat->start_ms, r[70].t_ms);
	assert_int_equal(lat->end_ms, r[89].t_ms);
	assert_int_equal(lat->hop, 3);
	assert_true(fabs(lat->size - 40.0) < 1.0);
	assert_non_null(route);
	assert_int_equal(route->start_ms, r[99].t_ms);
	assert_int_equal(route->end_ms, r[100].t_ms);
	assert_int_equal(route->hop, 2);
	assert_true(e[0].start_ms <= e[1].start_ms && e[1].start_ms <= e[2].start_ms);
	monitor_episodes_free(e, n);
}

static void one_lost_round_is_no_episode_but_gaps_join(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	lose(r, 10, 10, 6);                 /* a single lost probe */
	lose(r, 40, 41, 5);                 /* two bursts two rounds apart: one episode */
	lose(r, 44, 45, 5);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].start_ms, r[40].t_ms);
	assert_int_equal(e[0].end_ms, r[45].t_ms);
	assert_int_equal(e[0].hop, 5);
	monitor_episodes_free(e, n);
}

/* Round i reaches the target one TTL farther: its probe at the old end was
 * lost and the next TTL's reached the target. */
static void reach_one_farther(struct monitor_round *r, size_t i)
{
	r[i].hop[LEN].recv = 0;
	r[i].hop[LEN].rtt_ms = NAN;
	r[i].hop[LEN].from.family = AF_UNSPEC;
	r[i].hop[LEN + 1] = r[i].hop[LEN - 1];
	r[i].hop[LEN + 1].rtt_ms = 2.0 * (LEN + 1);
	assert_int_equal(model_addr_parse("10.0.0.6", &r[i].hop[LEN + 1].from), 0);
	r[i].path_len = LEN + 1;
}

/* When a fault ends mid-round, one round reaches the target a TTL too far:
 * that is no route change. A length that holds two rounds is one. */
static void one_round_of_another_length_is_no_route_change(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	reach_one_farther(r, 30);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	assert_null(find(e, n, MONITOR_EP_ROUTE));
	monitor_episodes_free(e, n);
	for (size_t i = 60; i < N; i++)
		reach_one_farther(r, i);
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	const struct monitor_episode *route = find(e, n, MONITOR_EP_ROUTE);
	assert_non_null(route);
	assert_int_equal(route->start_ms, r[59].t_ms);
	assert_int_equal(route->hop, LEN);
	monitor_episodes_free(e, n);
}

static void the_rounds_model_counts_every_probe(void **state)
{
	(void)state;
	static struct monitor_round r[10];
	healthy(r, 10);
	lose(r, 0, 4, 6);
	struct model_trace *t = model_trace_new();
	assert_int_equal(monitor_rounds_model(r, 10, t), 0);
	assert_int_equal(t->n_hops, LEN);
	assert_int_equal(t->hops[5].snt, 10);
	assert_int_equal(t->hops[5].recv, 5);
	assert_true(fabs(t->hops[5].loss_pct - 50.0) < 1e-9);
	assert_true(t->hops[0].best >= 2.0 && t->hops[0].wrst <= 2.3);
	assert_int_equal(t->hops[0].n_resp, 1);
	assert_true(t->reached);
	model_trace_free(t);
}

/* The round in which a drop ends: its probes up to the target's TTL went
 * before and were lost, a later one (TTL 7) after, and the target answered
 * it. A loss, not a longer path: the target's TTL was silent, not answered
 * by a router. (t_monitor.sh found a route change there in about half its
 * runs.) */
static void a_round_that_reaches_past_a_lost_end_is_no_route_change(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	lose(r, 20, 50, 4);
	r[50].path_len = LEN + 1;
	r[50].reached = true;
	r[50].hop[LEN + 1] = (struct monitor_hop){ .sent = 1, .recv = 1, .rtt_ms = 12.0 };
	assert_int_equal(model_addr_parse("10.0.0.6", &r[50].hop[LEN + 1].from), 0);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	assert_non_null(find(e, n, MONITOR_EP_LOSS));
	assert_null(find(e, n, MONITOR_EP_ROUTE));
	monitor_episodes_free(e, n);
}

static void the_page_marks_episodes(void **state)
{
	(void)state;
	static struct monitor_round r[N];
	healthy(r, N);
	lose(r, 20, 29, 4);
	struct monitor_episode *e;
	size_t n;
	assert_int_equal(monitor_episodes(r, N, &e, &n), 0);
	struct sink *s = sink_new_buffer();
	assert_int_equal(monitor_html_begin(s), 0);
	assert_int_equal(monitor_html_target(s, "<t&>", r, N, e, n), 0);
	assert_int_equal(monitor_html_end(s), 0);
	size_t len;
	const char *page = sink_buffer(s, &len);
	assert_non_null(strstr(page, "<svg"));
	assert_non_null(strstr(page, "&lt;t&amp;&gt;"));
	assert_non_null(strstr(page, "loss from hop 4"));
	assert_null(strstr(page, "http:/" "/www.w3.org/1999")); /* nothing fetched: no links */
	assert_null(strstr(page, "<script"));
	sink_free(s);
	monitor_episodes_free(e, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_healthy_history_has_no_episode),
		cmocka_unit_test(loss_latency_and_route_are_found_where_they_were_made),
		cmocka_unit_test(one_round_of_another_length_is_no_route_change),
		cmocka_unit_test(one_lost_round_is_no_episode_but_gaps_join),
		cmocka_unit_test(the_rounds_model_counts_every_probe),
		cmocka_unit_test(a_round_that_reaches_past_a_lost_end_is_no_route_change),
		cmocka_unit_test(the_page_marks_episodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
