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
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serves_the_latest_snapshot),
		cmocka_unit_test(other_paths_and_methods),
		cmocka_unit_test(refuses_wildcards_and_names),
		cmocka_unit_test(a_port_in_use_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
