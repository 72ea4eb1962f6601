/* R10 (pairs), R11 (several clients), R13 (host counters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag_build.h"

static const struct hs out8[] = {
    {"192.168.1.1", 0, 1.3, 1.1, 2.0, 0.3},      {"10.0.0.1", 0, 11.1, 10.0, 12.5, 0.7},
    {"172.16.0.1", 0, 20.5, 19.5, 21.0, 0.5},    {"203.0.113.5", 0, 30.3, 29.5, 31.5, 0.6},
    {"203.0.113.9", 0, 40.5, 39.5, 41.0, 0.4},   {"198.51.100.1", 0, 50.2, 49.5, 51.5, 0.7},
    {"198.51.100.10", 0, 60.5, 60.0, 61.3, 0.5}, {"198.51.100.20", 0, 70.0, 69.5, 71.2, 0.6},
};

/* The way back as measured from the server: its gateway first, the client's
 * router last, delays growing. */
static const struct hs ret8[] = {
    {"198.51.100.10", 0, 1.0, 0.8, 1.5, 0.2},  {"198.51.100.1", 0, 10.1, 9.5, 11.0, 0.4},
    {"203.0.113.9", 0, 20.2, 19.5, 21.0, 0.4}, {"203.0.113.5", 0, 30.1, 29.5, 31.0, 0.4},
    {"172.16.0.1", 0, 40.3, 39.5, 41.0, 0.4},  {"10.0.0.1", 0, 50.2, 49.5, 51.0, 0.5},
    {"192.168.1.1", 0, 60.1, 59.5, 61.0, 0.5}, {"192.168.1.20", 0, 61.0, 60.5, 62.0, 0.5},
};

static struct finding_list pair(const struct hs *o, const struct hs *r)
{
	struct model_trace *to = build_trace(o, 8, 100), *tr = build_trace(r, 8, 100);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_pair(to, tr, &l), 0);
	model_trace_free(to);
	model_trace_free(tr);
	return l;
}

static void lose_from(struct hs *p, size_t first, double pct)
{
	for (size_t i = first; i < 8; i++)
		p[i].loss = pct;
}

static void clean_pair_is_healthy_both_ways(void **state)
{
	(void)state;
	struct finding_list l = pair(out8, ret8);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HEALTHY);
	assert_int_equal(l.items[0].direction, FINDING_DIR_BOTH);
	finding_list_free(&l);
}

/* A problem at the client's end: first hops outbound, last hops of the return. */
static void client_side_problem_merges_into_both(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	lose_from(o, 0, 12.0);
	lose_from(r, 5, 12.0);
	struct finding_list l = pair(o, r);
	assert_int_equal(l.n, 1);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->kind, FINDING_LOSS);
	assert_int_equal(f->direction, FINDING_DIR_BOTH);
	assert_int_equal(f->segment, FINDING_SEG_LOCAL);
	assert_int_equal(f->hop, 1);
	assert_non_null(strstr(f->evidence, "R10"));
	finding_list_free(&l);
}

/* A problem at the server's end: last hops outbound, first hops of the return. */
static void server_side_problem_merges_into_both(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	lose_from(o, 6, 6.0); /* 6 of 100: warning (R3's bound, 3.2%, is past 2%) */
	lose_from(r, 0, 15.0);
	struct finding_list l = pair(o, r);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].direction, FINDING_DIR_BOTH);
	assert_int_equal(l.items[0].segment, FINDING_SEG_DESTINATION);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL); /* the worse of the two */
	assert_int_equal(l.items[0].hop, 7);
	finding_list_free(&l);
}

/* The same kind in different segments is two problems, not one. */
/* Both lose from mid-way to their ends, in different segments: the same
 * end-to-end loss seen from both sides, one finding whose direction round
 * trips cannot tell (it used to be two faults, outbound and return). */
static void end_losses_of_both_traces_are_one(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	lose_from(o, 4, 5.0);
	lose_from(r, 5, 5.0);
	struct finding_list l = pair(o, r);
	assert_int_equal(find_kind(&l, FINDING_ASYMMETRIC), -1);
	int i = find_kind(&l, FINDING_LOSS);
	assert_true(i >= 0);
	for (size_t j = 0; j < l.n; j++)
		assert_true(j == (size_t)i || l.items[j].kind != FINDING_LOSS);
	const struct finding *f = &l.items[i];
	assert_int_equal(f->direction, FINDING_DIR_BOTH);
	assert_int_equal(f->segment, FINDING_SEG_TRANSIT);
	assert_int_equal(f->hop, 5);
	assert_non_null(strstr(f->evidence, "not two faults"));
	assert_non_null(strstr(f->evidence, "return from its hop 6"));
	assert_non_null(strstr(f->summary, "from its hop 6"));
	finding_list_free(&l);
}

/* ret-policy's shape: the return trace loses from its hop 4 to the client,
 * the outbound trace only at the server (its replies come back that way):
 * one fault, `return`, at the return trace's hop, with both evidences. */
static void far_end_loss_is_the_other_directions_echo(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	o[7].loss = 30.0;
	lose_from(r, 3, 30.0);
	struct finding_list l = pair(o, r);
	int i = find_kind(&l, FINDING_LOSS);
	assert_true(i >= 0);
	for (size_t j = 0; j < l.n; j++)
		assert_true(j == (size_t)i || l.items[j].kind != FINDING_LOSS);
	const struct finding *f = &l.items[i];
	assert_int_equal(f->direction, FINDING_DIR_RETURN);
	assert_int_equal(f->hop, 4);
	assert_int_equal(f->severity, FINDING_CRITICAL);
	assert_non_null(strstr(f->evidence, "not a second fault"));
	assert_non_null(strstr(f->evidence, "outbound trace's loss at its hop 8 (the server"));
	assert_non_null(strstr(f->evidence, "Outbound: "));
	finding_list_free(&l);

	/* The mirror: the return trace loses at the client only. */
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	lose_from(o, 2, 30.0);
	r[7].loss = 30.0;
	l = pair(o, r);
	i = find_kind(&l, FINDING_LOSS);
	assert_true(i >= 0);
	for (size_t j = 0; j < l.n; j++)
		assert_true(j == (size_t)i || l.items[j].kind != FINDING_LOSS);
	assert_int_equal(l.items[i].direction, FINDING_DIR_OUTBOUND);
	assert_int_equal(l.items[i].hop, 3);
	assert_non_null(strstr(l.items[i].evidence, "return trace's loss at its hop 8 (this client"));
	finding_list_free(&l);
}

/* The live view's case: the outbound trace's far-end loss is a problem, the
 * return trace's loss from mid-way still too small to be one (few rounds
 * back yet). The echo is folded into the return's finding, which leaves the
 * outbound side no problem of its own to call asymmetric: one finding, no
 * crash (add_asymmetric once read a NULL worst problem). */
static void echo_of_a_small_return_loss_is_one_finding(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	o[7].loss = 30.0;
	lose_from(r, 3, 1.0);
	struct finding_list l = pair(o, r);
	int i = find_kind(&l, FINDING_LOSS);
	assert_true(i >= 0);
	for (size_t j = 0; j < l.n; j++)
		assert_true(j == (size_t)i || l.items[j].kind != FINDING_LOSS);
	assert_int_equal(l.items[i].direction, FINDING_DIR_RETURN);
	assert_int_equal(l.items[i].hop, 4);
	assert_int_equal(l.items[i].severity, FINDING_CRITICAL);
	assert_true(find_kind(&l, FINDING_ASYMMETRIC) < 0);
	finding_list_free(&l);

	/* The mirror: a small outbound loss from mid-way, the return's at the client. */
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	lose_from(o, 2, 1.0);
	r[7].loss = 30.0;
	l = pair(o, r);
	i = find_kind(&l, FINDING_LOSS);
	assert_true(i >= 0);
	assert_int_equal(l.items[i].direction, FINDING_DIR_OUTBOUND);
	assert_true(find_kind(&l, FINDING_ASYMMETRIC) < 0);
	finding_list_free(&l);
}

/* One direction only: that direction, plus asymmetric. */
static void one_direction_only_is_asymmetric(void **state)
{
	(void)state;
	struct hs r[8];
	memcpy(r, ret8, sizeof(r));
	lose_from(r, 3, 8.0);
	struct finding_list l = pair(out8, r);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].direction, FINDING_DIR_RETURN);
	assert_int_equal(l.items[0].hop, 4);
	assert_int_equal(l.items[0].segment, FINDING_SEG_TRANSIT);
	assert_int_equal(l.items[1].kind, FINDING_ASYMMETRIC);
	assert_int_equal(l.items[1].direction, FINDING_DIR_RETURN);
	assert_int_equal(l.items[1].hop, 4);
	finding_list_free(&l);
}

/* Seed 000 example 1's shape: outbound loss that does not persist, return
 * loss that persists at the client's end: each direction says what it
 * proves, and the devices both point at are named. */
static void different_stories_name_shared_devices(void **state)
{
	(void)state;
	struct hs o[8], r[8];
	memcpy(o, out8, sizeof(o));
	memcpy(r, ret8, sizeof(r));
	o[0].loss = 15.0;
	o[1].loss = 10.0;
	lose_from(r, 5, 10.0);
	struct finding_list l = pair(o, r);
	int loss = find_kind(&l, FINDING_LOSS), asym = find_kind(&l, FINDING_ASYMMETRIC);
	int rl = find_kind(&l, FINDING_RATE_LIMITED_HOP);
	assert_true(loss >= 0 && asym >= 0 && rl >= 0);
	assert_int_equal(l.items[loss].direction, FINDING_DIR_RETURN);
	assert_int_equal(l.items[loss].segment, FINDING_SEG_LOCAL);
	assert_int_equal(l.items[rl].direction, FINDING_DIR_OUTBOUND);
	assert_non_null(strstr(l.items[asym].evidence, "10.0.0.1"));
	assert_non_null(strstr(l.items[asym].evidence, "round trips"));
	finding_list_free(&l);
}

static void single_trace_through_pair(void **state)
{
	(void)state;
	struct hs r[8];
	memcpy(r, ret8, sizeof(r));
	lose_from(r, 2, 5.0);
	struct model_trace *t = build_trace(r, 8, 100);
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_pair(NULL, t, &l), 0);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].direction, FINDING_DIR_RETURN);
	finding_list_free(&l);
	assert_int_equal(diag_pair(t, NULL, &l), 0);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_int_equal(l.items[0].direction, FINDING_DIR_OUTBOUND);
	finding_list_free(&l);
	model_trace_free(t);
}

/* ---- R11 ---- */

static struct finding_list clients(const struct hs *a, const struct hs *b)
{
	struct model_trace *t[2] = {build_trace(a, 8, 100), build_trace(b, 8, 100)};
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_clients((const struct model_trace *const *)t, 2, &l), 0);
	model_trace_free(t[0]);
	model_trace_free(t[1]);
	return l;
}

static void route_only_one_client_uses(void **state)
{
	(void)state;
	struct hs y[8];
	memcpy(y, out8, sizeof(y));
	static const char *const own[] = {"192.0.2.1", "192.0.2.5", "192.0.2.9", "192.0.2.13"};
	for (size_t i = 3; i < 7; i++)
		y[i].host = own[i - 3];
	lose_from(y, 4, 6.0);
	y[7].loss = 6.0;
	struct finding_list l = clients(out8, y);
	assert_int_equal(l.n, 1);
	const struct finding *f = &l.items[0];
	assert_int_equal(f->kind, FINDING_LOSS);
	assert_int_equal(f->hop, 5);
	assert_int_not_equal(f->segment, FINDING_SEG_DESTINATION);
	assert_non_null(strstr(f->summary, "Client 2"));
	assert_non_null(strstr(f->evidence, "R11"));
	assert_non_null(strstr(f->evidence, "not the server"));
	finding_list_free(&l);
}

static void shared_hop_points_at_the_clients_side(void **state)
{
	(void)state;
	struct hs y[8];
	memcpy(y, out8, sizeof(y));
	lose_from(y, 4, 6.0);
	struct finding_list l = clients(out8, y);
	assert_int_equal(l.items[0].kind, FINDING_LOSS);
	assert_non_null(strstr(l.items[0].evidence, "also on the route of client(s) 1"));
	finding_list_free(&l);
}

static void all_clients_clean(void **state)
{
	(void)state;
	struct finding_list l = clients(out8, out8);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].kind, FINDING_HEALTHY);
	finding_list_free(&l);
}

/* ---- R13 ---- */

static void host_counters_explain_destination_loss(void **state)
{
	(void)state;
	struct hs o[8];
	memcpy(o, out8, sizeof(o));
	o[7].loss = 3.0;
	struct model_trace *t = build_trace(o, 8, 100);
	struct diag_host h;
	memset(&h, 0, sizeof(h));
	struct finding_list l;
	finding_list_init(&l);
	assert_int_equal(diag_host(&h, t, &l), 0);
	assert_int_equal(l.n, 0);
	h.has_nic_drops = true;
	h.nic_rx_drops = 1200;
	h.has_tcp = true;
	h.tcp_retrans_segs = 600;
	h.tcp_out_segs = 10000;
	h.has_conntrack = true;
	h.conntrack_count = 1000;
	h.conntrack_max = 65536;
	assert_int_equal(diag_host(&h, t, &l), 0);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.items[i].segment, FINDING_SEG_DESTINATION);
		assert_int_equal(l.items[i].hop, 8);
		assert_non_null(strstr(l.items[i].evidence, "R13"));
		assert_non_null(strstr(l.items[i].evidence, "3.0% loss at the destination"));
		assert_true(isnan(l.items[i].rate_per_s)); /* no window given */
	}
	/* most important first: 6% retransmitted is critical */
	assert_int_equal(l.items[0].kind, FINDING_HOST_RETRANSMITS);
	assert_int_equal(l.items[0].severity, FINDING_CRITICAL);
	assert_string_equal(l.items[0].counter, "tcp_retrans_segs");
	assert_true(fabs(l.items[0].loss_pct - 6.0) < 1e-9);
	assert_int_equal(l.items[1].kind, FINDING_HOST_NIC_DROPS);
	assert_int_equal(l.items[1].severity, FINDING_WARNING);
	assert_non_null(strstr(l.items[1].evidence, "RX dropped"));
	finding_list_free(&l);
	model_trace_free(t);
}

/* 40 hops losing both ways: each direction's R3 evidence names every hop
 * (about 700 characters), and R10 keeps both whole, as the single traces
 * would print them (it once cut each at 440 characters). */
static void long_evidence_of_both_directions_kept_whole(void **state)
{
	(void)state;
	struct hs o[40], r[40];
	char names[80][32];
	for (size_t i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "10.1.0.%zu", i + 1);
		snprintf(names[40 + i], sizeof(names[40 + i]), "10.2.0.%zu", i + 1);
		o[i] = (struct hs){ names[i], i >= 4 ? 5.0 : 0.0, 2.0 * (double)(i + 1),
		                    2.0 * (double)(i + 1) - 0.5, 2.0 * (double)(i + 1) + 1, 0.3 };
		r[i] = o[i];
		r[i].host = names[40 + i];
	}
	struct model_trace *to = build_trace(o, 40, 100), *tr = build_trace(r, 40, 100);
	struct finding_list single_o, single_r, l;
	finding_list_init(&single_o);
	finding_list_init(&single_r);
	finding_list_init(&l);
	assert_int_equal(diag_trace(to, &single_o), 0);
	assert_int_equal(diag_pair(NULL, tr, &single_r), 0);
	assert_int_equal(diag_pair(to, tr, &l), 0);
	int io = find_kind(&single_o, FINDING_LOSS), ir = find_kind(&single_r, FINDING_LOSS);
	int ib = find_kind(&l, FINDING_LOSS);
	assert_true(io >= 0 && ir >= 0 && ib >= 0);
	const char *eo = single_o.items[io].evidence, *er = single_r.items[ir].evidence;
	assert_true(strlen(eo) > 600 && strlen(er) > 600);
	const char *merged = l.items[ib].evidence;
	assert_int_equal(l.items[ib].direction, FINDING_DIR_BOTH);
	char want[4096];
	assert_true((size_t)snprintf(want, sizeof(want),
	                             "R10: the same in both directions. Outbound: %s Return: %s",
	                             eo, er) < sizeof(want));
	assert_string_equal(merged, want);
	assert_non_null(strstr(merged, "hop 40 5.0%"));
	finding_list_free(&single_o);
	finding_list_free(&single_r);
	finding_list_free(&l);
	model_trace_free(to);
	model_trace_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clean_pair_is_healthy_both_ways),
	    cmocka_unit_test(client_side_problem_merges_into_both),
	    cmocka_unit_test(server_side_problem_merges_into_both),
	    cmocka_unit_test(end_losses_of_both_traces_are_one),
	    cmocka_unit_test(far_end_loss_is_the_other_directions_echo),
	    cmocka_unit_test(echo_of_a_small_return_loss_is_one_finding),
	    cmocka_unit_test(one_direction_only_is_asymmetric),
	    cmocka_unit_test(different_stories_name_shared_devices),
	    cmocka_unit_test(single_trace_through_pair),
	    cmocka_unit_test(route_only_one_client_uses),
	    cmocka_unit_test(shared_hop_points_at_the_clients_side),
	    cmocka_unit_test(all_clients_clean),
	    cmocka_unit_test(host_counters_explain_destination_loss),
	    cmocka_unit_test(long_evidence_of_both_directions_kept_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
