#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/model.h"

static void hop_creates_every_earlier_hop(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct model_hop *h = model_trace_hop(t, 5);
	assert_non_null(h);
	assert_int_equal(t->n_hops, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(t->hops[i].ttl, i + 1);
	assert_null(model_trace_hop(t, 0));
	assert_null(model_trace_hop(t, MODEL_MAX_HOPS + 1));
	assert_non_null(model_trace_hop(t, MODEL_MAX_HOPS));
	assert_int_equal(t->n_hops, MODEL_MAX_HOPS);
	model_trace_free(t);
}

static void responders_are_unique_and_bounded(void **state)
{
	(void)state;
	struct model_hop h;
	memset(&h, 0, sizeof(h));
	struct model_addr a;
	assert_int_equal(model_addr_parse("10.0.0.1", &a), 0);
	struct model_responder *r1 = model_hop_responder(&h, &a);
	assert_ptr_equal(model_hop_responder(&h, &a), r1);
	assert_string_equal(r1->text, "10.0.0.1");
	for (int i = 2; i <= MODEL_MAX_RESPONDERS; i++) {
		a.bytes[3] = (uint8_t)i;
		assert_non_null(model_hop_responder(&h, &a));
	}
	a.bytes[3] = 200;
	assert_null(model_hop_responder(&h, &a));
	assert_int_equal(h.n_resp, MODEL_MAX_RESPONDERS);
	model_hop_free(&h);
}

static void addresses_round_trip(void **state)
{
	(void)state;
	struct model_addr a;
	char buf[64];
	assert_int_equal(model_addr_parse("fd00::1", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(model_addr_text(&a, buf, sizeof(buf)), "fd00::1");
	assert_int_equal(model_addr_parse("be1234.ccr42.isp.net", &a), -1);
	struct model_addr none = { .family = AF_UNSPEC };
	assert_string_equal(model_addr_text(&none, buf, sizeof(buf)), "???");
}

static void buffer_sink_grows(void **state)
{
	(void)state;
	struct sink *s = sink_new_buffer();
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sink_printf(s, "%04d\n", i), 0);
	size_t len = 0;
	const char *b = sink_buffer(s, &len);
	assert_int_equal(len, 5000);
	assert_memory_equal(b + 4995, "0999\n", 5);
	sink_free(s);
}

static void sockaddrs_round_trip(void **state)
{
	(void)state;
	const char *texts[] = { "198.51.100.7", "fd00::7" };
	for (size_t i = 0; i < 2; i++) {
		struct model_addr a, back;
		struct sockaddr_storage ss;
		assert_int_equal(model_addr_parse(texts[i], &a), 0);
		unsigned len = model_addr_to_sockaddr(&a, 33434, &ss);
		assert_int_equal(len, a.family == AF_INET ? sizeof(struct sockaddr_in)
		                                          : sizeof(struct sockaddr_in6));
		assert_int_equal(ss.ss_family, a.family);
		assert_int_equal(ntohs(a.family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
		                                           : ((struct sockaddr_in6 *)&ss)->sin6_port),
		                 33434);
		model_addr_from_sockaddr((const struct sockaddr *)&ss, &back);
		assert_true(model_addr_equal(&a, &back));
	}
	struct model_addr none = { .family = AF_UNSPEC };
	struct sockaddr_storage ss;
	assert_int_equal(model_addr_to_sockaddr(&none, 0, &ss), 0);
	ss.ss_family = AF_UNIX;
	model_addr_from_sockaddr((const struct sockaddr *)&ss, &none);
	assert_int_equal(none.family, AF_UNSPEC);
}

static void finding_names_match_the_spec(void **state)
{
	(void)state;
	assert_string_equal(finding_kind_name(FINDING_RATE_LIMITED_HOP), "rate-limited-hop");
	assert_string_equal(finding_kind_name(FINDING_INSUFFICIENT_DATA), "insufficient-data");
	assert_string_equal(finding_kind_name(FINDING_HOST_NIC_DROPS), "host-nic-drops");
	assert_string_equal(finding_kind_name(FINDING_HOST_UDP_BUFFER_ERRORS), "host-udp-buffer-errors");
	assert_string_equal(finding_severity_name(FINDING_CRITICAL), "critical");
	assert_string_equal(finding_segment_name(FINDING_SEG_DESTINATION), "destination");
	assert_string_equal(finding_direction_name(FINDING_DIR_BOTH), "both");
}

static void text_clean_keeps_utf8_and_marks_the_rest(void **state)
{
	(void)state;
	char ok[] = "Ziel-IP \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 (Server)";
	char want_ok[sizeof(ok)];
	memcpy(want_ok, ok, sizeof(ok));
	model_text_clean(ok);
	assert_string_equal(ok, want_ok);
	char latin1[] = "r\xe9seau-\xe9.net"; /* Latin-1 e-acute: a lone lead byte */
	model_text_clean(latin1);
	assert_string_equal(latin1, "r?seau-?.net");
	char bad[] = "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82"; /* overlong, surrogate, >U+10FFFF, cut */
	model_text_clean(bad);
	assert_string_equal(bad, "??|???|????|??");
}

/* A trace with a few hops, the second with three responders. */
static struct model_trace *sample_trace(void)
{
	struct model_trace *t = model_trace_new();
	assert_non_null(t);
	snprintf(t->dst, sizeof(t->dst), "target.example");
	for (unsigned ttl = 1; ttl <= 3; ttl++) {
		struct model_hop *h = model_trace_hop(t, ttl);
		assert_non_null(h);
		h->snt = 10 * ttl;
		for (unsigned k = 0; k < (ttl == 2 ? 3u : 1u); k++) {
			struct model_addr a = { .family = AF_INET, .bytes = { 10, 0, (uint8_t)ttl, (uint8_t)k } };
			assert_non_null(model_hop_responder(h, &a));
		}
	}
	return t;
}

static void trace_copy_is_independent_of_its_source(void **state)
{
	(void)state;
	struct model_trace *src = sample_trace();
	struct model_trace *copy = model_trace_dup(src);
	assert_non_null(copy);
	assert_ptr_not_equal(copy->hops, src->hops);
	assert_ptr_not_equal(copy->hops[1].resp, src->hops[1].resp);
	/* Change and grow the source, then free it: the copy keeps what it had. */
	snprintf(src->hops[1].resp[0].text, sizeof(src->hops[1].resp[0].text), "changed");
	struct model_addr a = { .family = AF_INET, .bytes = { 10, 9, 9, 9 } };
	assert_non_null(model_hop_responder(&src->hops[1], &a));
	assert_non_null(model_trace_hop(src, 5));
	model_trace_free(src);
	assert_string_equal(copy->dst, "target.example");
	assert_int_equal(copy->n_hops, 3);
	assert_int_equal(copy->hops[1].n_resp, 3);
	assert_int_equal(copy->hops[2].snt, 30);
	assert_string_equal(copy->hops[1].resp[0].text, "10.0.2.0");
	assert_string_equal(copy->hops[1].resp[2].text, "10.0.2.2");
	model_trace_free(copy); /* ASan (make unit-san): no leak, no double free */
}

/* collect's case: the shown trace follows the full one as it grows and shrinks. */
static void copy_hops_follows_the_source(void **state)
{
	(void)state;
	struct model_trace *src = sample_trace(), *dst = model_trace_new();
	assert_int_equal(model_trace_copy_hops(dst, src, 3), 0);
	assert_int_equal(dst->n_hops, 3);
	assert_int_equal(dst->hops[1].n_resp, 3);
	assert_int_equal(model_trace_copy_hops(dst, src, 1), 0);
	assert_int_equal(dst->n_hops, 1);
	assert_int_equal(model_trace_copy_hops(dst, src, 3), 0);
	assert_string_equal(dst->hops[1].resp[1].text, "10.0.2.1");
	model_trace_free(src);
	model_trace_free(dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hop_creates_every_earlier_hop),
		cmocka_unit_test(responders_are_unique_and_bounded),
		cmocka_unit_test(trace_copy_is_independent_of_its_source),
		cmocka_unit_test(copy_hops_follows_the_source),
		cmocka_unit_test(addresses_round_trip),
		cmocka_unit_test(sockaddrs_round_trip),
		cmocka_unit_test(buffer_sink_grows),
		cmocka_unit_test(finding_names_match_the_spec),
		cmocka_unit_test(text_clean_keeps_utf8_and_marks_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
