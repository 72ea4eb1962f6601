/* render_prom: the Prometheus exposition's labels, caps and histogram. The
 * whole output is golden-tested (tests/golden/render/prom-*) and checked by
 * promtool (tests/golden/promtool); these pin the rules one at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/model.h"
#include "render/render_prom.h"

static struct model_responder *answer(struct model_trace *t, unsigned ttl, const char *addr,
                                      unsigned long replies)
{
	struct model_hop *h = model_trace_hop(t, ttl);
	struct model_addr a;
	assert_int_equal(model_addr_parse(addr, &a), 0);
	struct model_responder *r = model_hop_responder(h, &a);
	assert_non_null(r);
	snprintf(r->text, sizeof(r->text), "%s", addr);
	r->replies += replies;
	h->latest = (unsigned)(r - h->resp);
	h->snt += replies;
	h->recv += replies;
	return r;
}

/* The exposition of one target, in a buffer the caller frees. */
static char *expose(const struct model_trace *t, const char *target, const struct finding_list *f)
{
	struct render_prom_target one = { .target = target, .trace = t, .findings = f };
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_prom(&one, 1, out), 0);
	char *text = strdup(sink_buffer(out, NULL));
	sink_free(out);
	return text;
}

static void labels_are_escaped(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	answer(t, 1, "10.0.0.1", 1);
	char *text = expose(t, "a\"b\\c\nd", NULL);
	assert_non_null(strstr(text, "hopdoc_probes_sent_total{target=\"a\\\"b\\\\c\\nd\",ttl=\"1\"} 1\n"));
	free(text);
	text = expose(t, "caf\xc3\xa9-\xe9", NULL); /* UTF-8 kept, a Latin-1 byte not */
	assert_non_null(strstr(text, "{target=\"caf\xc3\xa9-?\",ttl=\"1\"}"));
	free(text);
	model_trace_free(t);
}

static void responders_beyond_the_cap_add_up_as_other(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	const char *addrs[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6" };
	for (unsigned i = 0; i < 6; i++)
		answer(t, 2, addrs[i], i + 1);
	char *text = expose(t, "x", NULL);
	assert_non_null(strstr(text, "ttl=\"2\",responder=\"10.0.0.4\"} 4\n"));
	assert_null(strstr(text, "responder=\"10.0.0.5\""));
	assert_non_null(strstr(text, "ttl=\"2\",responder=\"other\"} 11\n")); /* 5 + 6 */
	assert_null(strstr(text, "hopdoc_responder_replies_total{target=\"x\",ttl=\"1\""));
	free(text);
	model_trace_free(t);
}

static void histogram_is_cumulative_and_in_seconds(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	answer(t, 1, "10.0.0.1", 3);
	struct model_hop *h = model_trace_hop(t, 1);
	h->has |= MODEL_HAS_BUCKETS;
	h->rtt_bucket[model_rtt_bucket_of(0.25)] = 1;  /* a bound is inclusive */
	h->rtt_bucket[model_rtt_bucket_of(0.26)] = 1;
	h->rtt_sum = 0.25 + 0.26 + 9000.0;             /* the third is above every bound */
	char *text = expose(t, "x", NULL);
	assert_non_null(strstr(text, "ttl=\"1\",le=\"0.00025\"} 1\n"));
	assert_non_null(strstr(text, "ttl=\"1\",le=\"0.0005\"} 2\n"));
	assert_non_null(strstr(text, "ttl=\"1\",le=\"5\"} 2\n"));
	assert_non_null(strstr(text, "ttl=\"1\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(text, "hopdoc_rtt_seconds_sum{target=\"x\",ttl=\"1\"} 9.00051\n"));
	assert_non_null(strstr(text, "hopdoc_rtt_seconds_count{target=\"x\",ttl=\"1\"} 3\n"));
	free(text);
	model_trace_free(t);
}

static void imports_have_no_histogram(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	answer(t, 1, "10.0.0.1", 3); /* no MODEL_HAS_BUCKETS */
	char *text = expose(t, "x", NULL);
	assert_non_null(strstr(text, "# TYPE hopdoc_rtt_seconds histogram\n"));
	assert_null(strstr(text, "hopdoc_rtt_seconds_bucket"));
	free(text);
	model_trace_free(t);
}

static void bucket_bounds(void **state)
{
	(void)state;
	assert_int_equal(model_rtt_bucket_of(0.0), 0);
	assert_int_equal(model_rtt_bucket_of(0.25), 0);
	assert_int_equal(model_rtt_bucket_of(0.2501), 1);
	assert_int_equal(model_rtt_bucket_of(5000.0), MODEL_RTT_BUCKETS - 1);
	assert_int_equal(model_rtt_bucket_of(5000.1), MODEL_RTT_BUCKETS);
	for (unsigned i = 1; i < MODEL_RTT_BUCKETS; i++)
		assert_true(model_rtt_bucket_ms(i) > model_rtt_bucket_ms(i - 1));
}

static void path_hash_follows_the_route(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	assert_int_equal(render_prom_path_hash(t), 0);
	answer(t, 1, "10.0.0.1", 1);
	answer(t, 2, "10.0.1.1", 1);
	uint32_t before = render_prom_path_hash(t);
	assert_int_equal(render_prom_path_hash(t), before); /* a function of the path alone */
	answer(t, 2, "10.0.2.1", 1); /* hop 2 now answers from elsewhere */
	uint32_t after = render_prom_path_hash(t);
	assert_int_not_equal(after, before);
	answer(t, 2, "10.0.1.1", 1); /* back on the first route */
	assert_int_equal(render_prom_path_hash(t), before);
	model_trace_free(t);
}

static void the_first_finding_is_the_target_s(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	answer(t, 1, "10.0.0.1", 1);
	struct finding_list l;
	finding_list_init(&l);
	struct finding loss = { .kind = FINDING_LOSS, .severity = FINDING_CRITICAL,
		                .segment = FINDING_SEG_TRANSIT, .hop = 3 };
	struct finding jitter = { .kind = FINDING_JITTER, .severity = FINDING_WARNING,
		                  .segment = FINDING_SEG_ACCESS, .hop = 2 };
	assert_non_null(finding_list_add(&l, &loss));
	assert_non_null(finding_list_add(&l, &jitter));
	char *text = expose(t, "x", &l);
	assert_non_null(strstr(text, "hopdoc_finding{target=\"x\",kind=\"loss\",severity=\"critical\","
	                             "segment=\"transit\",hop=\"3\"} 1\n"));
	assert_null(strstr(text, "kind=\"jitter\""));
	free(text);
	text = expose(t, "x", NULL); /* no diagnosis: the family, no sample */
	assert_non_null(strstr(text, "# TYPE hopdoc_finding gauge\n"));
	assert_null(strstr(text, "hopdoc_finding{"));
	free(text);
	finding_list_free(&l);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_are_escaped),
		cmocka_unit_test(responders_beyond_the_cap_add_up_as_other),
		cmocka_unit_test(histogram_is_cumulative_and_in_seconds),
		cmocka_unit_test(imports_have_no_histogram),
		cmocka_unit_test(bucket_bounds),
		cmocka_unit_test(path_hash_follows_the_route),
		cmocka_unit_test(the_first_finding_is_the_target_s),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
