#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../event_build.h"
#include "base/sink.h"
#include "model/model.h"
#include "model/finding.h"
#include "render/render.h"
#include "render/render_analysis.h"
#include "render/render_json.h"
#include "render/render_raw.h"

static void table_has_final_formats_only(void **state)
{
	(void)state;
	assert_non_null(render_for(RENDER_REPORT));
	assert_non_null(render_for(RENDER_JSON));
	assert_non_null(render_for(RENDER_CSV));
	assert_non_null(render_for(RENDER_XML));
	assert_null(render_for(RENDER_RAW));
	assert_null(render_for(RENDER_SPLIT));
}

/* Without options every format uses mtr's defaults. */
static void null_options_mean_defaults(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	model_trace_hop(t, 1)->snt = 1;
	snprintf(t->src, sizeof(t->src), "vm");
	enum render_format outs[] = { RENDER_REPORT, RENDER_JSON, RENDER_CSV, RENDER_XML };
	for (size_t i = 0; i < 4; i++) {
		struct sink *out = sink_new_buffer();
		assert_int_equal(render_for(outs[i])(t, NULL, out), 0);
		assert_non_null(strstr(sink_buffer(out, NULL), "Snt"));
		sink_free(out);
	}
	model_trace_free(t);
}

static void raw_prints_microseconds_and_new_hosts_twice(void **state)
{
	(void)state;
	struct sink *out = sink_new_buffer();
	struct render_raw *r = render_raw_new(out);
	struct event ev = probe(EVENT_SENT, 2, 0, NULL, 0); /* the engine counts from 0 */
	assert_int_equal(render_raw_event(r, &ev), 0);
	ev = probe(EVENT_REPLY, 2, 0, "fd00::2", 1.2345);
	assert_int_equal(render_raw_event(r, &ev), 0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	ev = probe(EVENT_LATE, 2, 0, "fd00::2", 9.0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	assert_string_equal(sink_buffer(out, NULL), "x 1 33000\nh 1 fd00::2\nh 1 fd00::2\np 1 1235 33000\np 1 1235 33000\n");
	render_raw_free(r);
	sink_free(out);
	/* mtr's numbers run 33000..65535, then start at 33000 again */
	out = sink_new_buffer();
	r = render_raw_new(out);
	ev = probe(EVENT_SENT, 1, 65535 - 33000, NULL, 0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	ev = probe(EVENT_SENT, 1, 65536 - 33000, NULL, 0);
	assert_int_equal(render_raw_event(r, &ev), 0);
	assert_string_equal(sink_buffer(out, NULL), "x 0 65535\nx 0 33000\n");
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

/* `hopdoc host --json`: the host part is embedded as given; a host finding
 * carries counter and rate_per_s, and text that is no JSON object writes
 * nothing. */
static void host_json_embeds_its_part_and_refuses_garbage(void **state)
{
	(void)state;
	struct finding_list l;
	finding_list_init(&l);
	struct finding f = {.kind = FINDING_HOST_NIC_DROPS, .severity = FINDING_WARNING,
			    .segment = FINDING_SEG_DESTINATION, .direction = FINDING_DIR_UNKNOWN,
			    .loss_pct = NAN, .latency_ms = NAN, .counter = "nic_drops",
			    .rate_per_s = 12.5};
	assert_non_null(finding_list_add(&l, &f));
	struct sink *out = sink_new_buffer();
	assert_int_equal(render_analysis_host_json("{\"window_s\": 5.0}", &l, out), 0);
	const char *text = sink_buffer(out, NULL);
	assert_non_null(strstr(text, "\"host\": {\n        \"window_s\": 5.0"));
	assert_non_null(strstr(text, "\"counter\": \"nic_drops\""));
	assert_non_null(strstr(text, "\"rate_per_s\": 12.5"));
	sink_free(out);
	out = sink_new_buffer();
	assert_int_equal(render_analysis_host_json("[1, 2]", &l, out), -1);
	assert_int_equal(render_analysis_host_json("{not json", &l, out), -1);
	size_t len = 1;
	sink_buffer(out, &len);
	assert_int_equal(len, 0);
	sink_free(out);
	finding_list_free(&l);
}

/* The path MTU shows only when a hop reported one: mtr's JSON stays as is. */
static void json_path_mtu_only_when_known(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	assert_non_null(model_trace_hop(t, 1));
	struct render_opts o = { .fields = "SAL" };
	json_t *root = render_json_trace(t, &o);
	json_t *report = json_object_get(root, "report");
	assert_null(json_object_get(report, "path_mtu"));
	json_decref(root);
	t->path_mtu = 1400;
	t->path_mtu_hop = 3;
	assert_int_equal(model_addr_parse("fd00:0:0:3::2", &t->path_mtu_from), 0);
	root = render_json_trace(t, &o);
	json_t *m = json_object_get(json_object_get(root, "report"), "path_mtu");
	assert_int_equal(json_integer_value(json_object_get(m, "mtu")), 1400);
	assert_int_equal(json_integer_value(json_object_get(m, "hop")), 3);
	assert_string_equal(json_string_value(json_object_get(m, "from")), "fd00:0:0:3::2");
	json_decref(root);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_has_final_formats_only),
		cmocka_unit_test(null_options_mean_defaults),
		cmocka_unit_test(raw_prints_microseconds_and_new_hosts_twice),
		cmocka_unit_test(json_trace_keeps_mtr_key_order),
		cmocka_unit_test(host_json_embeds_its_part_and_refuses_garbage),
		cmocka_unit_test(json_path_mtu_only_when_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
