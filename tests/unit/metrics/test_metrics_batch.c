/* metrics_batch: targets gathered one at a time are served together, from
 * copies (the caller's traces may change or go once added). The endpoint
 * listens on 127.0.0.1 (a port the kernel picks); nothing is probed. */
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
#include "metrics/metrics_batch.h"
#include "model/finding.h"
#include "model/model.h"
#include "../http_get.h"

static void targets_are_served_together_from_copies(void **state)
{
	(void)state;
	char err[256] = "", buf[32768];
	struct metrics *m = metrics_new("127.0.0.1:0", err, sizeof(err));
	struct metrics_batch *b = metrics_batch_new();
	assert_non_null(m);
	assert_non_null(b);
	struct model_trace *t = model_trace_new();
	model_trace_hop(t, 1)->snt = 5;
	struct finding_list f;
	finding_list_init(&f);
	struct finding loss = { .kind = FINDING_LOSS, .severity = FINDING_WARNING,
		                .segment = FINDING_SEG_ACCESS, .hop = 1 };
	assert_non_null(finding_list_add(&f, &loss));
	assert_int_equal(metrics_batch_add(b, "one", t, &f), 0);
	model_trace_hop(t, 1)->snt = 9; /* the caller's trace moves on */
	finding_list_free(&f);
	assert_int_equal(metrics_batch_add(b, "two", t, NULL), 0);
	model_trace_free(t); /* and goes */
	assert_int_equal(metrics_batch_count(b), 2);

	assert_int_equal(metrics_batch_publish(b, m), 0);
	assert_int_equal(metrics_batch_count(b), 0);
	http_scrape(metrics_port(m), buf, sizeof(buf));
	assert_non_null(strstr(buf, "hopdoc_probes_sent_total{target=\"one\",ttl=\"1\"} 5\n"
	                            "hopdoc_probes_sent_total{target=\"two\",ttl=\"1\"} 9\n"));
	assert_non_null(strstr(buf, "hopdoc_finding{target=\"one\",kind=\"loss\""));
	assert_null(strstr(buf, "hopdoc_finding{target=\"two\""));

	assert_int_equal(metrics_batch_publish(b, m), 0); /* an empty batch: no targets left */
	http_scrape(metrics_port(m), buf, sizeof(buf));
	assert_null(strstr(buf, "target=\"one\""));
	metrics_batch_free(b);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targets_are_served_together_from_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
