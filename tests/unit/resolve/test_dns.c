/* dns: names arrive as events on the loop, the cache asks each address once,
 * a stuck resolver stalls nothing, stale requests are dropped, the queue is
 * bounded. The resolver is injected, so no query ever leaves the machine; only
 * the last test uses the system resolver, for 127.0.0.1 (from /etc/hosts). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/evloop.h"
#include "resolve/dns.h"

/* The fake resolver: 10.0.0.N is "hN.lab"; 10.0.0.99 has no name;
 * 10.0.0.66 blocks until released. Static because the resolver type has no
 * context pointer; each test resets it. */
static atomic_uint resolver_calls;
static atomic_bool release_blocked;

static int fake_resolve(const struct model_addr *a, char *name, size_t len)
{
	atomic_fetch_add(&resolver_calls, 1);
	if (a->bytes[3] == 66)
		while (!atomic_load(&release_blocked))
			usleep(1000);
	if (a->bytes[3] == 99)
		return -1;
	snprintf(name, len, "h%u.lab", a->bytes[3]);
	return 0;
}

struct sink_ctx {
	struct evloop *loop;
	char names[8][MODEL_NAME_MAX];
	unsigned n;
	unsigned stop_after;
};

static int on_event(void *ctx, const struct event *ev)
{
	struct sink_ctx *s = ctx;
	assert_int_equal(ev->type, EVENT_NAME);
	if (s->n < 8)
		snprintf(s->names[s->n], MODEL_NAME_MAX, "%s", ev->name);
	s->n++;
	if (s->n >= s->stop_after)
		evloop_stop(s->loop);
	return 0;
}

static void stop_loop(void *ctx)
{
	evloop_stop(ctx);
}

/* Runs the loop until the consumer stops it or ms pass; returns elapsed ms. */
static double run_for(struct evloop *loop, int ms)
{
	int64_t t0 = evloop_now_ns();
	evloop_timer_id id = evloop_add_timer(loop, t0 + (int64_t)ms * 1000000, stop_loop, loop);
	assert_int_equal(evloop_run(loop), 0);
	evloop_cancel_timer(loop, id);
	return (double)(evloop_now_ns() - t0) / 1e6;
}

static struct model_addr addr(unsigned last)
{
	char text[32];
	struct model_addr a;
	snprintf(text, sizeof(text), "10.0.0.%u", last);
	assert_int_equal(model_addr_parse(text, &a), 0);
	return a;
}

static void reset_fake(void)
{
	atomic_store(&resolver_calls, 0);
	atomic_store(&release_blocked, false);
}

static void names_arrive_as_events_and_are_cached(void **state)
{
	(void)state;
	reset_fake();
	struct evloop *loop = evloop_new();
	struct sink_ctx s = {.loop = loop, .stop_after = 2};
	struct dns_params p = {.resolve = fake_resolve};
	char err[128];
	struct dns *d = dns_new(loop, on_event, &s, &p, err, sizeof(err));
	assert_non_null(d);
	struct model_addr a1 = addr(1), a2 = addr(2), a99 = addr(99);
	assert_int_equal(dns_lookup(d, &a1), 0);
	assert_int_equal(dns_lookup(d, &a2), 0);
	assert_int_equal(dns_lookup(d, &a99), 0);
	assert_int_equal(dns_lookup(d, &a1), 0); /* pending: not asked again */
	run_for(loop, 2000);
	assert_int_equal(s.n, 2);
	assert_string_equal(dns_cached(d, &a1), "h1.lab");
	assert_string_equal(dns_cached(d, &a2), "h2.lab");
	for (int i = 0; i < 200 && dns_pending(d) > 0; i++)
		run_for(loop, 5);
	assert_int_equal(dns_pending(d), 0);
	assert_null(dns_cached(d, &a99));
	assert_int_equal(dns_lookup(d, &a1), 0);
	assert_int_equal(dns_lookup(d, &a99), 0); /* failures are cached too */
	run_for(loop, 20);
	assert_int_equal(atomic_load(&resolver_calls), 3);
	assert_int_equal(s.n, 2);
	dns_free(d);
	evloop_free(loop);
}

static void a_stuck_resolver_stalls_nothing(void **state)
{
	(void)state;
	reset_fake();
	struct evloop *loop = evloop_new();
	struct sink_ctx s = {.loop = loop, .stop_after = 1};
	struct dns_params p = {.resolve = fake_resolve, .workers = 2};
	char err[128];
	struct dns *d = dns_new(loop, on_event, &s, &p, err, sizeof(err));
	assert_non_null(d);
	struct model_addr stuck = addr(66), ok = addr(3);
	assert_int_equal(dns_lookup(d, &stuck), 0);
	assert_int_equal(dns_lookup(d, &ok), 0);
	double ms = run_for(loop, 2000);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "h3.lab");
	assert_true(ms < 1000);
	/* The loop's own timers still run while a worker is stuck. */
	s.stop_after = 100;
	ms = run_for(loop, 50);
	assert_true(ms >= 49 && ms < 500);
	assert_null(dns_cached(d, &stuck));
	/* dns_free does not wait for the stuck worker. */
	int64_t t0 = evloop_now_ns();
	dns_free(d);
	assert_true(evloop_now_ns() - t0 < 100 * 1000000LL);
	evloop_free(loop);
	atomic_store(&release_blocked, true);
	usleep(50 * 1000); /* let the worker finish and free the shared half */
}

static void stale_requests_are_dropped_unasked(void **state)
{
	(void)state;
	reset_fake();
	struct evloop *loop = evloop_new();
	struct sink_ctx s = {.loop = loop, .stop_after = 100};
	struct dns_params p = {.resolve = fake_resolve, .workers = 1, .timeout_s = 0.05};
	char err[128];
	struct dns *d = dns_new(loop, on_event, &s, &p, err, sizeof(err));
	assert_non_null(d);
	struct model_addr stuck = addr(66), later = addr(4);
	assert_int_equal(dns_lookup(d, &stuck), 0);
	assert_int_equal(dns_lookup(d, &later), 0);
	run_for(loop, 150); /* `later` waits behind `stuck` past its timeout */
	atomic_store(&release_blocked, true);
	for (int i = 0; i < 200 && dns_pending(d) > 0; i++)
		run_for(loop, 5);
	assert_int_equal(dns_pending(d), 0);
	assert_int_equal(atomic_load(&resolver_calls), 1); /* `later` never asked */
	assert_null(dns_cached(d, &later));
	assert_string_equal(dns_cached(d, &stuck), "h66.lab"); /* a late answer still counts */
	dns_free(d);
	evloop_free(loop);
}

static void the_queue_is_bounded(void **state)
{
	(void)state;
	reset_fake();
	struct evloop *loop = evloop_new();
	struct sink_ctx s = {.loop = loop, .stop_after = 100};
	struct dns_params p = {.resolve = fake_resolve, .workers = 1, .max_queue = 2};
	char err[128];
	struct dns *d = dns_new(loop, on_event, &s, &p, err, sizeof(err));
	assert_non_null(d);
	struct model_addr a = addr(66), b = addr(5), c = addr(6);
	assert_int_equal(dns_lookup(d, &a), 0);
	assert_int_equal(dns_lookup(d, &b), 0);
	assert_int_equal(dns_lookup(d, &c), -1);
	assert_int_equal(dns_pending(d), 2);
	atomic_store(&release_blocked, true);
	for (int i = 0; i < 200 && dns_pending(d) > 0; i++)
		run_for(loop, 5);
	assert_int_equal(dns_lookup(d, &c), 0); /* room again: asked now */
	for (int i = 0; i < 200 && dns_pending(d) > 0; i++)
		run_for(loop, 5);
	assert_string_equal(dns_cached(d, &c), "h6.lab");
	struct model_addr none = {.family = AF_UNSPEC};
	assert_int_equal(dns_lookup(d, &none), -1);
	dns_free(d);
	evloop_free(loop);
}

static void no_thread_before_the_first_lookup(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct sink_ctx s = {.loop = loop, .stop_after = 1};
	char err[128];
	struct dns *d = dns_new(loop, on_event, &s, NULL, err, sizeof(err));
	assert_non_null(d);
	assert_int_equal(dns_pending(d), 0);
	dns_free(d);
	evloop_free(loop);
}

static void system_resolver_reads_hosts_file(void **state)
{
	(void)state;
	struct model_addr lo;
	assert_int_equal(model_addr_parse("127.0.0.1", &lo), 0);
	char name[MODEL_NAME_MAX] = "";
	assert_int_equal(dns_resolve_system(&lo, name, sizeof(name)), 0);
	assert_string_equal(name, "localhost");
	struct model_addr none = {.family = AF_UNSPEC};
	assert_int_equal(dns_resolve_system(&none, name, sizeof(name)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_arrive_as_events_and_are_cached),
	    cmocka_unit_test(a_stuck_resolver_stalls_nothing),
	    cmocka_unit_test(stale_requests_are_dropped_unasked),
	    cmocka_unit_test(the_queue_is_bounded),
	    cmocka_unit_test(no_thread_before_the_first_lookup),
	    cmocka_unit_test(system_resolver_reads_hosts_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
