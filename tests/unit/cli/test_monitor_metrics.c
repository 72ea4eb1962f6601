/* monitor_metrics: each target goes to the endpoint with diag_trace's
 * current finding, every target of a walk in one snapshot; a wildcard
 * address is refused. The endpoint listens on 127.0.0.1 (a port the kernel
 * picks); nothing is probed. */
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

#include "base/evloop.h"
#include "cli/monitor_metrics.h"
#include "metrics/metrics.h"
#include "metrics/metrics_batch.h"
#include "model/model.h"
#include "../http_get.h"

/* A target that answers at hop 2 in every one of n rounds, or never. */
static struct model_trace *trace_of(const char *dst, unsigned long n, bool answers)
{
	struct model_trace *t = model_trace_new();
	assert_non_null(t);
	snprintf(t->dst, sizeof(t->dst), "%s", dst);
	for (unsigned ttl = 1; ttl <= 2; ttl++) {
		struct model_hop *h = model_trace_hop(t, ttl);
		h->snt = n;
		h->recv = answers || ttl == 1 ? n : 0;
		h->drop = n - h->recv;
		h->loss_pct = 100.0 * (double)h->drop / (double)n;
	}
	return t;
}

static void each_target_with_its_finding(void **state)
{
	(void)state;
	char err[256] = "", buf[65536];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	struct metrics_batch *b = metrics_batch_new();
	assert_non_null(m);
	assert_non_null(b);
	struct model_trace *one = trace_of("192.0.2.1", 30, true);
	struct model_trace *two = trace_of("192.0.2.2", 30, false);
	assert_int_equal(monitor_metrics_add(b, "one", one), 0);
	assert_int_equal(monitor_metrics_add(b, "two", two), 0);
	model_trace_free(one);
	model_trace_free(two);
	assert_int_equal(metrics_batch_publish(b, m), 0);
	http_scrape(metrics_port(m), buf, sizeof(buf));
	assert_non_null(strstr(buf, "hopdoc_probes_sent_total{target=\"one\",ttl=\"2\"} 30\n"));
	assert_non_null(strstr(buf, "hopdoc_probes_sent_total{target=\"two\",ttl=\"2\"} 30\n"));
	/* Every target carries a finding gauge, and the one that never answers
	 * beyond hop 1 is not said to be healthy. */
	assert_non_null(strstr(buf, "hopdoc_finding{target=\"one\",kind="));
	const char *f2 = strstr(buf, "hopdoc_finding{target=\"two\",kind=\"");
	assert_non_null(f2);
	assert_int_not_equal(strncmp(f2 + strlen("hopdoc_finding{target=\"two\",kind=\""),
	                             "healthy\"", 8), 0);
	metrics_batch_free(b);
	metrics_free(m);
}

static void a_wildcard_is_refused(void **state)
{
	(void)state;
	char err[256] = "";
	struct evloop *loop = evloop_new();
	assert_non_null(loop);
	assert_null(monitor_metrics_new(loop, NULL, "0.0.0.0:0", 2.0, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_target_with_its_finding),
		cmocka_unit_test(a_wildcard_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
