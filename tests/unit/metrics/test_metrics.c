/* metrics: the endpoint on loopback (127.0.0.1, a port the kernel picks):
 * what it serves before and after a publish, its paths and methods, and the
 * addresses it refuses. Nothing is probed; the only peer is this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "metrics/metrics.h"
#include "model/model.h"
#include "../http_get.h"

static void serves_the_latest_snapshot(void **state)
{
	(void)state;
	char err[256] = "", buf[16384];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	assert_non_null(m);
	assert_true(metrics_port(m) > 0);
	http_exchange(metrics_port(m), "GET /metrics HTTP/1.0\r\n\r\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	assert_non_null(strstr(buf, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(buf, "# TYPE hopdoc_probes_sent_total counter"));
	assert_null(strstr(buf, "hopdoc_probes_sent_total{")); /* nothing published yet */

	struct model_trace *t = model_trace_new();
	model_trace_hop(t, 1)->snt = 7;
	struct render_prom_target one = { .target = "lab", .trace = t };
	assert_int_equal(metrics_publish(m, &one, 1), 0);
	model_trace_hop(t, 1)->snt = 8; /* the served text is the one published */
	http_exchange(metrics_port(m), "GET /metrics HTTP/1.0\r\n\r\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "hopdoc_probes_sent_total{target=\"lab\",ttl=\"1\"} 7\n"));
	metrics_free(m);
	model_trace_free(t);
}

static void other_paths_and_methods(void **state)
{
	(void)state;
	char err[256] = "", buf[4096];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	assert_non_null(m);
	http_exchange(metrics_port(m), "GET /nothing HTTP/1.0\r\n\r\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 404"));
	http_exchange(metrics_port(m), "POST /metrics HTTP/1.0\r\nContent-Length: 2\r\n\r\nab", buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 405"));
	http_exchange(metrics_port(m), "GET / HTTP/1.0\r\n\r\n", buf, sizeof(buf));
	assert_non_null(strstr(buf, "/metrics"));
	metrics_free(m);
}

static void refuses_wildcards_and_names(void **state)
{
	(void)state;
	const char *bad[] = { "0.0.0.0:9100", "[::]:9100", "[::ffff:0.0.0.0]:9100", "localhost:9100", "127.0.0.1",
		              "127.0.0.1:", ":9100", "127.0.0.1:http" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		assert_null(metrics_new(bad[i], err, sizeof(err)));
		assert_non_null(strstr(err, "--metrics"));
	}
	char err[256] = "";
	assert_null(metrics_new("0.0.0.0:9100", err, sizeof(err)));
	assert_non_null(strstr(err, "wildcard"));
}

static void a_port_in_use_is_an_error(void **state)
{
	(void)state;
	char err[256] = "", spec[64];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	assert_non_null(m);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", metrics_port(m));
	/* SO_REUSEADDR does not let a second listener share a listening port. */
	assert_null(metrics_new(spec, err, sizeof(err)));
	assert_non_null(strstr(err, "in use"));
	metrics_free(m);
}

/* ---- a publisher and a scraper at once ------------------------------------- */

#define PUBLISHES 300

static void *publish_many(void *ctx)
{
	struct metrics *m = ctx;
	struct model_trace *t = model_trace_new();
	struct render_prom_target one = { .target = "lab", .trace = t };
	for (unsigned long k = 1; k <= PUBLISHES; k++) {
		model_trace_hop(t, 1)->snt = k;
		if (metrics_publish(m, &one, 1) != 0)
			abort();
		struct timespec ts = { 0, 200000 }; /* let scrapes fall between publishes */
		nanosleep(&ts, NULL);
	}
	model_trace_free(t);
	return NULL;
}

/* The sent count of hop 1 in a scraped answer, after checking that the
 * answer is one whole snapshot: status 200, its body as long as its
 * Content-Length says, the sample once. 0 before the first publish. */
static unsigned long whole_snapshot(const char *buf)
{
	const char *line = "hopdoc_probes_sent_total{target=\"lab\",ttl=\"1\"} ";
	assert_non_null(strstr(buf, "HTTP/1.1 200"));
	const char *cl = strstr(buf, "Content-Length: "), *body = strstr(buf, "\r\n\r\n");
	assert_non_null(cl);
	assert_non_null(body);
	assert_int_equal(strtoul(cl + 16, NULL, 10), strlen(body + 4));
	assert_non_null(strstr(body, "# TYPE hopdoc_probes_sent_total counter"));
	const char *at = strstr(body, line);
	if (!at)
		return 0;
	assert_null(strstr(at + 1, line));
	return strtoul(at + strlen(line), NULL, 10);
}

/* Scrapes while another thread publishes: each answer is one whole
 * snapshot, never older than the one before. The texts are shared by
 * reference between the publisher and the responses being sent: under
 * unit-san, a text freed while a response still sends it, or never freed,
 * fails here. */
static void scrapes_meet_publishes(void **state)
{
	(void)state;
	char err[256] = "", buf[16384];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	assert_non_null(m);
	pthread_t pub;
	assert_int_equal(pthread_create(&pub, NULL, publish_many, m), 0);
	unsigned long last = 0, seen = 0;
	for (int i = 0; i < 400 && last < PUBLISHES; i++, seen++) {
		http_scrape(metrics_port(m), buf, sizeof(buf));
		unsigned long k = whole_snapshot(buf);
		assert_true(k >= last);
		last = k;
	}
	assert_int_equal(pthread_join(pub, NULL), 0);
	http_scrape(metrics_port(m), buf, sizeof(buf));
	assert_int_equal(whole_snapshot(buf), PUBLISHES);
	assert_true(seen > 0);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serves_the_latest_snapshot),
		cmocka_unit_test(other_paths_and_methods),
		cmocka_unit_test(refuses_wildcards_and_names),
		cmocka_unit_test(a_port_in_use_is_an_error),
		cmocka_unit_test(scrapes_meet_publishes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
