/* R9: where a hop lives, from the client's point of view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_hop.h"
#include "diag/diag_view.h"
#include "diag_build.h"

static struct diag_view *view_of(struct model_trace *t, bool client_first)
{
	struct diag_view *v = malloc(sizeof(*v));
	assert_non_null(v);
	diag_view_init(v, t, client_first ? FINDING_DIR_OUTBOUND : FINDING_DIR_RETURN,
	                   client_first);
	return v;
}

/* Segments as letters, hop 1 first: l a t d. */
static void expect_segments(const struct model_trace *t, bool client_first, const char *want)
{
	struct diag_view *v = view_of((struct model_trace *)(uintptr_t)t, client_first);
	char got[MODEL_MAX_HOPS + 1] = "";
	for (size_t i = 0; i < t->n_hops; i++)
		got[i] = "latdu"[v->seg[i]];
	free(v);
	assert_string_equal(got, want);
}

static struct hs hop_at(const char *host, double avg)
{
	struct hs h = {host, 0.0, avg, avg - 0.5, avg + 1.0, 0.4};
	return h;
}

static void private_lan_then_fallbacks(void **state)
{
	(void)state;
	/* Seed 000's path: three private hops, no AS, hop 4 unnamed: access
	 * falls back to the first three hops, which are already local; the last
	 * two are the destination, the rest transit. */
	struct hs p[] = {hop_at("192.168.1.1", 1),           hop_at("10.0.0.1", 11),
	                 hop_at("172.16.0.1", 20),           hop_at("203.0.113.5", 30),
	                 hop_at("be1234.ccr42.isp.net", 50), hop_at("be5678.ccr21.isp.net", 60),
	                 hop_at("198.51.100.10", 70),        hop_at("Ziel-IP (Server)", 80)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "llltttdd");
	model_trace_free(t);
}

static void cgnat_is_access_and_public_first_hop_is_local(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("192.168.1.1", 1),   hop_at("100.64.3.1", 8),
	                 hop_at("203.0.113.5", 12),  hop_at("203.0.113.77", 20),
	                 hop_at("198.51.100.3", 30), hop_at("198.51.100.10", 40),
	                 hop_at("198.51.100.20", 45)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "laattdd");
	model_trace_free(t);
	struct hs q[] = {hop_at("203.0.113.1", 1),    hop_at("203.0.113.5", 12),
	                 hop_at("198.51.100.1", 20),  hop_at("198.51.100.3", 30),
	                 hop_at("198.51.100.10", 40), hop_at("198.51.100.20", 45)};
	t = BUILD(q, 20);
	expect_segments(t, true, "laatdd");
	model_trace_free(t);
}

static void as_numbers_decide(void **state)
{
	(void)state;
	struct hs p[] = {
	    hop_at("192.168.1.1", 1),  hop_at("203.0.113.1", 5),   hop_at("203.0.113.5", 8),
	    hop_at("203.0.113.9", 10), hop_at("198.51.100.1", 20), hop_at("198.51.100.5", 30),
	    hop_at("192.0.2.1", 40),   hop_at("192.0.2.2", 41),    hop_at("192.0.2.10", 42)};
	struct model_trace *t = BUILD(p, 20);
	static const uint32_t asn[] = {0, 64500, 64500, 64500, 64510, 64510, 64520, 64520, 64520};
	for (size_t i = 0; i < t->n_hops; i++)
		t->hops[i].resp[0].asn = asn[i];
	expect_segments(t, true, "laaattddd");
	/* R9: a fault names the network that owns it by its AS: loss from hop
	 * 5 (AS64510, transit) on */
	for (size_t i = 4; i < t->n_hops; i++) {
		t->hops[i].loss_pct = 20.0;
		t->hops[i].recv = 16;
	}
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_trace(t, &l), 0);
	assert_true(l.n >= 1);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].hop, 5);
	assert_non_null(strstr(l.items[0].summary, "Hop 5 is in AS64510's network."));
	assert_non_null(strstr(l.items[0].evidence, "R9: hop 5's origin AS is AS64510."));
	finding_list_free(&l);
	model_trace_free(t);
}

/* The client's own network ends at its NAT: hop 2 on quoted our probe
 * rewritten, so hop 1 is the NAT and the provider's private hops after it
 * are not local. Without the mark the private run would be. */
static void nat_ends_the_local_network(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("192.168.1.1", 1), hop_at("10.10.0.1", 5), hop_at("10.10.0.2", 8),
	                 hop_at("203.0.113.9", 10), hop_at("198.51.100.1", 20),
	                 hop_at("198.51.100.5", 30)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "llltdd");
	expect_segments(t, false, "ddtaal");
	for (size_t i = 1; i < t->n_hops; i++)
		t->hops[i].resp[0].nat = true;
	expect_segments(t, true, "laatdd");
	expect_segments(t, false, "ddtaal"); /* a return trace: the mark says nothing */
	model_trace_free(t);
}

static void host_name_domains_decide(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("192.168.1.1", 1),
	                 hop_at("lo0.bras1.city.myisp.co.uk", 5),
	                 hop_at("xe-1.core2.myisp.co.uk", 8),
	                 hop_at("ae3.carrier.net", 20),
	                 hop_at("ae9.carrier.net", 30),
	                 hop_at("gw.hoster.de", 40),
	                 hop_at("www.hoster.de", 41)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "laattdd");
	model_trace_free(t);
}

/* The lab and corporate networks: every hop private, so position decides. */
static void all_private_uses_positions(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("10.0.1.1", 1), hop_at("10.0.2.1", 2), hop_at("10.0.3.1", 3),
	                 hop_at("10.0.4.1", 4), hop_at("10.0.5.1", 5), hop_at("10.0.6.1", 6),
	                 hop_at("10.0.7.2", 7)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "laattdd");
	model_trace_free(t);
	struct hs q[] = {hop_at("fd00:1::1", 1), hop_at("fd00:2::1", 2), hop_at("fd00:3::2", 3)};
	t = BUILD(q, 20);
	expect_segments(t, true, "ldd"); /* the target's gateway is among the last two */
	model_trace_free(t);
}

/* R10: a return trace is named from the client's side: its first hops are
 * the server's network, its last hops the client's. */
static void return_trace_is_seen_from_the_client(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("198.51.100.10", 1), hop_at("198.51.100.1", 5),
	                 hop_at("203.0.113.9", 10),  hop_at("203.0.113.5", 15),
	                 hop_at("10.0.0.1", 20),     hop_at("192.168.1.1", 21)};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, false, "ddtall");
	model_trace_free(t);
}

/* R9 with a silent target: only the silent end is the destination. */
static void silent_target_end(void **state)
{
	(void)state;
	struct hs p[] = {hop_at("192.168.1.1", 1), hop_at("203.0.113.1", 5),
	                 hop_at("203.0.113.5", 8), hop_at("198.51.100.1", 20),
	                 {NULL, 0, 0, 0, 0, 0},    {NULL, 0, 0, 0, 0, 0}};
	struct model_trace *t = BUILD(p, 20);
	expect_segments(t, true, "laatdd");
	model_trace_free(t);
}

static void hop_helpers(void **state)
{
	(void)state;
	struct model_addr a;
	assert_int_equal(model_addr_parse("172.31.255.1", &a), 0);
	assert_true(diag_hop_is_private(&a));
	assert_int_equal(model_addr_parse("172.32.0.1", &a), 0);
	assert_false(diag_hop_is_private(&a));
	assert_int_equal(model_addr_parse("100.127.0.1", &a), 0);
	assert_true(diag_hop_is_cgnat(&a));
	assert_false(diag_hop_is_private(&a));
	assert_int_equal(model_addr_parse("100.128.0.1", &a), 0);
	assert_false(diag_hop_is_cgnat(&a));
	assert_int_equal(model_addr_parse("fdab::1", &a), 0);
	assert_true(diag_hop_is_private(&a));
	assert_int_equal(model_addr_parse("2001:db8::1", &a), 0);
	assert_false(diag_hop_is_private(&a));
	struct hs p[] = {hop_at("ae-5.R01.Frankfurt.Carrier.NET", 1), hop_at("Ziel-IP (Server)", 2),
	                 hop_at("203.0.113.1", 3)};
	struct model_trace *t = BUILD(p, 20);
	char net[MODEL_NAME_MAX];
	diag_hop_network(&t->hops[0], net, sizeof(net));
	assert_string_equal(net, "carrier.net");
	diag_hop_network(&t->hops[1], net, sizeof(net));
	assert_string_equal(net, "");
	diag_hop_network(&t->hops[2], net, sizeof(net));
	assert_string_equal(net, "");
	model_trace_free(t);
}

static void same_place_words(void **state)
{
	(void)state;
	struct hs p[] = {
	    hop_at("xe-0.bras2.Frankfurt.isp.de", 1), hop_at("be3.core.frankfurt.carrier.net", 2),
	    hop_at("ae-1.core1.ams1.carrier.net", 3), hop_at("ae-2.core2.ams.carrier.net", 4),
	    hop_at("core1.lon.example.com", 5),       hop_at("198.51.100.1", 6)};
	struct model_trace *t = BUILD(p, 20);
	assert_true(diag_hop_same_place(&t->hops[0], &t->hops[1]));
	assert_true(diag_hop_same_place(&t->hops[2], &t->hops[3]));
	assert_false(diag_hop_same_place(&t->hops[1], &t->hops[2])); /* "core" is no place */
	assert_false(diag_hop_same_place(&t->hops[3], &t->hops[4]));
	assert_false(diag_hop_same_place(&t->hops[4], &t->hops[5]));
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(private_lan_then_fallbacks),
	    cmocka_unit_test(cgnat_is_access_and_public_first_hop_is_local),
	    cmocka_unit_test(as_numbers_decide),
	    cmocka_unit_test(host_name_domains_decide),
	    cmocka_unit_test(nat_ends_the_local_network),
	    cmocka_unit_test(all_private_uses_positions),
	    cmocka_unit_test(return_trace_is_seen_from_the_client),
	    cmocka_unit_test(silent_target_end),
	    cmocka_unit_test(hop_helpers),
	    cmocka_unit_test(same_place_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
