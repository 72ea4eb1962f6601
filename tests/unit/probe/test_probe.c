/* The probe engine's pure parts (probe_pace: TTL limit, pacing; probe_table:
 * the in-flight table) and, where the process may open raw sockets, whole
 * runs against loopback, two in turn on one socket set. Covers probe.c,
 * probe_sock.c, probe_sched.c, probe_send.c and probe_rx.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "base/evloop.h"
#include "probe/packet.h"
#include "probe/probe.h"
#include "probe/probe_mda.h"
#include "probe/probe_pace.h"
#include "probe/probe_table.h"

static bool answered[MODEL_MAX_HOPS + 1], silent[MODEL_MAX_HOPS + 1];

static void reset_hops(void)
{
	memset(answered, 0, sizeof(answered));
	memset(silent, 0, sizeof(silent));
}

static void limit_is_max_ttl_until_something_is_known(void **state)
{
	(void)state;
	reset_hops();
	assert_int_equal(probe_ttl_limit(1, 30, 0, 10, answered, silent), 30);
	assert_int_equal(probe_ttl_limit(1, 30, 0, 0, answered, silent), 30);
}

static void limit_stops_at_the_path_length(void **state)
{
	(void)state;
	reset_hops();
	assert_int_equal(probe_ttl_limit(1, 30, 7, 10, answered, silent), 7);
	assert_int_equal(probe_ttl_limit(1, 5, 7, 10, answered, silent), 5);
}

static void limit_stops_after_max_unknown_silent_hops(void **state)
{
	(void)state;
	reset_hops();
	answered[1] = answered[2] = true;
	silent[3] = silent[4] = true; /* a run of 2, then an answer */
	answered[5] = true;
	for (unsigned t = 6; t <= 30; t++)
		silent[t] = true;
	assert_int_equal(probe_ttl_limit(1, 30, 0, 3, answered, silent), 8);
	assert_int_equal(probe_ttl_limit(1, 30, 0, 2, answered, silent), 4);
	assert_int_equal(probe_ttl_limit(1, 30, 0, 0, answered, silent), 30);
	/* A hop that answered once is not silent even if it timed out since. */
	answered[3] = true;
	assert_int_equal(probe_ttl_limit(1, 30, 0, 2, answered, silent), 7);
	/* Counting starts at -f. */
	assert_int_equal(probe_ttl_limit(6, 30, 0, 2, answered, silent), 7);
}

/* The path end counts as lost after 3 misses in a row, once the oldest is
 * overdue: 4 x the slowest target reply, 0.5 s at least, -Z at most. */
static void path_end_lost_after_misses_and_patience(void **state)
{
	(void)state;
	const int64_t s = 1000000000;
	assert_false(probe_end_lost(2, 0, 5 * s, 1000000, 10.0));     /* 2 misses */
	assert_false(probe_end_lost(3, 0, s / 2 - 1, 1000000, 10.0)); /* under 0.5 s */
	assert_true(probe_end_lost(3, 0, s / 2, 1000000, 10.0));
	assert_false(probe_end_lost(3, 0, s, 300000000, 10.0));        /* 4 x 300 ms */
	assert_true(probe_end_lost(3, 0, 6 * s / 5, 300000000, 10.0));
	assert_true(probe_end_lost(3, 0, 2 * s, 3 * s, 2.0));          /* -Z caps it */
	assert_true(probe_end_lost(3, 10 * s, 10 * s + s / 2, 0, 10.0));
}

static void pacing_spreads_only_as_needed(void **state)
{
	(void)state;
	const int64_t now = 5000000000LL;
	struct probe_bucket b;
	assert_true(probe_burst(1000) == 1.0);
	/* 30 probes at 1000 pps, burst 10: 10 at once, then one a millisecond. */
	probe_bucket_init(&b, 10, now);
	int64_t t = now;
	for (int i = 0; i < 10; i++)
		assert_true(probe_bucket_take(&b, t, 1000, 10) == now);
	for (int i = 10; i < 30; i++) {
		int64_t due = probe_bucket_take(&b, t, 1000, 10);
		assert_true(due > t);         /* not yet: nothing taken */
		t = due;
		assert_true(probe_bucket_take(&b, t, 1000, 10) == t);
	}
	assert_true(t - now >= 19900000 && t - now <= 20100000);
	/* Burst 1: a round of 30 leaves within 29 ms, 1 ms apart. */
	struct probe_bucket one;
	probe_bucket_init(&one, 1, now);
	int64_t u = now;
	for (int i = 0; i < 30; i++) {
		int64_t due = probe_bucket_take(&one, u, 1000, 1);
		if (due > u) {
			assert_true(due - u <= 1000000);
			u = due;
			assert_true(probe_bucket_take(&one, u, 1000, 1) == u);
		}
	}
	assert_true(u - now >= 28900000 && u - now <= 29100000);
	/* Over any long stretch the rate holds: 1000 more probes take ~1 s. */
	int64_t start = t;
	for (int i = 0; i < 1000; i++) {
		int64_t due = probe_bucket_take(&b, t, 1000, 10);
		if (due > t) {
			t = due;
			assert_true(probe_bucket_take(&b, t, 1000, 10) == t);
		}
	}
	assert_true(t - start >= 990000000 && t - start <= 1001000000);
	/* A quiet bucket refills to its burst only. */
	int64_t later = t + 10000000000LL;
	for (int i = 0; i < 10; i++)
		assert_true(probe_bucket_take(&b, later, 1000, 10) == later);
	assert_true(probe_bucket_take(&b, later, 1000, 10) > later);
	/* No limit. */
	assert_true(probe_bucket_take(&b, later, 0, 1) == later);
}

/* A round's probes share the interval (mtr spreads them too): the spacing
 * grows as the path is learned, and a round never takes a whole interval. */
static void rounds_spread_over_the_interval(void **state)
{
	(void)state;
	const int64_t sec = 1000000000;
	assert_true(probe_round_spacing_ns(sec, 1, 30) == sec / 30);
	assert_true(probe_round_spacing_ns(sec, 1, 6) == sec / 6);
	assert_true(probe_round_spacing_ns(sec, 3, 6) == sec / 4);
	assert_true(probe_round_spacing_ns(sec, 1, 1) == sec);
	assert_true(probe_round_spacing_ns(sec, 5, 3) == sec); /* nothing left to probe */
	assert_true(probe_round_spacing_ns(0, 1, 6) == 0);
	for (unsigned limit = 1; limit <= 255; limit++) {
		int64_t gap = probe_round_spacing_ns(sec / 10, 1, limit);
		assert_true(gap > 0);
		assert_true(gap * (int64_t)(limit - 1) < sec / 10);
	}
}

static void table_tracks_states_and_rounds(void **state)
{
	(void)state;
	struct probe_table *t = probe_table_new();
	assert_non_null(t);
	for (unsigned long s = 0; s < 3; s++)
		probe_table_sent(t, s, 0, (unsigned)s + 1, 100 + (int64_t)s);
	probe_table_sent(t, 3, 1, 1, 200);
	assert_int_equal(probe_table_waiting(t, 0), 3);
	assert_int_equal(probe_table_waiting(t, 1), 1);
	const struct probe_slot *s1 = probe_table_slot(t, probe_wire_seq(1));
	assert_int_equal(s1->ttl, 2);
	assert_int_equal(s1->run_seq, 1);
	assert_int_equal(s1->state, PROBE_SLOT_WAITING);
	probe_table_resolve(t, probe_wire_seq(1), PROBE_SLOT_ANSWERED);
	probe_table_resolve(t, probe_wire_seq(1), PROBE_SLOT_ANSWERED); /* a duplicate changes nothing */
	assert_int_equal(s1->state, PROBE_SLOT_ANSWERED);
	assert_int_equal(probe_table_waiting(t, 0), 2);
	probe_table_resolve(t, probe_wire_seq(2), PROBE_SLOT_TIMED_OUT);
	assert_int_equal(probe_table_waiting(t, 0), 1);
	/* A late answer to a timed-out probe does not count twice. */
	probe_table_resolve(t, probe_wire_seq(2), PROBE_SLOT_ANSWERED);
	assert_int_equal(probe_table_waiting(t, 0), 1);
	/* A TX stamp moves the send time of a waiting probe only. */
	probe_table_restamp(t, 0, 150);
	assert_true(probe_table_slot(t, 0)->sent_ns == 150);
	probe_table_restamp(t, 2, 150);
	assert_true(probe_table_slot(t, 2)->sent_ns == 102);
	probe_table_restamp(t, PACKET_SEQ_SPACE, 150); /* another probe of slot 0 */
	assert_true(probe_table_slot(t, 0)->sent_ns == 150);
	probe_table_resolve(t, PACKET_SEQ_SPACE, PROBE_SLOT_ANSWERED); /* outside: ignored */
	/* A never-used sequence is free; one outside the wire space is none. */
	assert_int_equal(probe_table_slot(t, 1000)->state, PROBE_SLOT_FREE);
	assert_null(probe_table_slot(t, PACKET_SEQ_SPACE));
	probe_table_free(t);
}

static void wire_seq_wraps_and_reuse_forgets_the_old_probe(void **state)
{
	(void)state;
	assert_int_equal(probe_wire_seq(5), 5);
	assert_int_equal(probe_wire_seq(PACKET_SEQ_SPACE + 5), 5);
	struct probe_table *t = probe_table_new();
	probe_table_sent(t, 5, 0, 1, 1);
	probe_table_sent(t, PACKET_SEQ_SPACE + 5, 9, 4, 2);
	assert_int_equal(probe_table_waiting(t, 0), 0);
	assert_int_equal(probe_table_waiting(t, 9), 1);
	assert_int_equal(probe_table_slot(t, 5)->run_seq, PACKET_SEQ_SPACE + 5);
	probe_table_free(t);
}

/* A sized table (a monitor's trace): wire seqs 1024 apart share a slot; the
 * newer probe takes it, the older one's reply finds nothing, and its round
 * stops waiting for it. */
static void sized_table_shares_slots_and_forgets_the_older_probe(void **state)
{
	(void)state;
	assert_null(probe_table_new_sized(1000)); /* not a power of two */
	assert_null(probe_table_new_sized(2 * PACKET_SEQ_SPACE));
	struct probe_table *t = probe_table_new_sized(1024);
	assert_non_null(t);
	assert_int_equal(probe_table_slots(t), 1024);
	probe_table_sent(t, 7, 0, 3, 10);
	assert_int_equal(probe_table_holder(t, 7 + 1024)->run_seq, 7);
	assert_int_equal(probe_table_slot(t, 7 + 1024)->state, PROBE_SLOT_FREE); /* not its probe */
	probe_table_resolve(t, 7 + 1024, PROBE_SLOT_ANSWERED); /* a stray: nothing changes */
	assert_int_equal(probe_table_waiting(t, 0), 1);
	assert_int_equal(probe_table_slot(t, 7)->state, PROBE_SLOT_WAITING);
	probe_table_sent(t, 7 + 1024, 2, 4, 20);
	assert_int_equal(probe_table_waiting(t, 0), 0);
	assert_int_equal(probe_table_waiting(t, 2), 1);
	assert_int_equal(probe_table_slot(t, 7)->state, PROBE_SLOT_FREE);
	assert_int_equal(probe_table_slot(t, 7 + 1024)->ttl, 4);
	probe_table_resolve(t, 7, PROBE_SLOT_ANSWERED); /* the older probe's late reply */
	assert_int_equal(probe_table_waiting(t, 2), 1);
	probe_table_free(t);
}

static void table_size_follows_what_is_in_flight(void **state)
{
	(void)state;
	/* monitor's defaults: 30 TTLs a second, -Z 2: 480 wanted, the least given */
	assert_int_equal(probe_table_slots_for(30, 1, 1.0, 2.0), PROBE_TABLE_MIN_SLOTS);
	/* 64 TTLs on 4 flows every 0.1 s: 4 x 2,560 x 3.1 = 31,744 */
	assert_int_equal(probe_table_slots_for(64, 4, 0.1, 2.0), 32768);
	assert_int_equal(probe_table_slots_for(30, 1, 0.1, 2.0), 4096); /* 3,720 */
	assert_int_equal(probe_table_slots_for(255, 16, 0.01, 60.0), PACKET_SEQ_SPACE);
	assert_int_equal(probe_table_slots_for(30, 1, 0.0, 2.0), PACKET_SEQ_SPACE);
}

/* ---- a whole run against 127.0.0.1 (skipped without raw sockets) ---------- */

struct tally {
	unsigned sent, reply, timeout, late, rounds;
	unsigned sent_in_round[8];
	unsigned long max_seq;
	unsigned long last_round_end;
	bool rounds_in_order;
	bool reply_after_sent;
	unsigned long seen_sent[64];
};

static int count_event(void *ctx, const struct event *ev)
{
	struct tally *t = ctx;
	switch (ev->type) {
	case EVENT_SENT:
		if (ev->seq < 64)
			t->seen_sent[ev->seq] = 1;
		if (ev->seq > t->max_seq || t->sent == 0)
			t->max_seq = ev->seq;
		t->sent++;
		if (ev->round < 8)
			t->sent_in_round[ev->round]++;
		break;
	case EVENT_REPLY:
		t->reply++;
		if (ev->seq >= 64 || !t->seen_sent[ev->seq] || !ev->from_target || ev->rtt_ms < 0 ||
		    ev->rtt_ms > 1000)
			t->reply_after_sent = false;
		break;
	case EVENT_TIMEOUT: t->timeout++; break;
	case EVENT_LATE: t->late++; break;
	case EVENT_ROUND_END:
		if (ev->round != t->rounds)
			t->rounds_in_order = false;
		t->rounds++;
		break;
	case EVENT_NAME: break;
	case EVENT_IPINFO: break;
	}
	return 0;
}

/* One trace of c->dst on socks, checked from its events. */
static void check_run(struct probe_sockets *socks, struct probe_params *c)
{
	char err[256];
	struct evloop *loop = evloop_new();
	struct tally t = { .rounds_in_order = true, .reply_after_sent = true };
	struct probe *p = probe_setup(socks, c, loop, count_event, &t, err, sizeof(err));
	assert_non_null(p);
	assert_int_equal(probe_start(p), 0);
	int64_t t0 = evloop_now_ns();
	assert_int_equal(evloop_run(loop), 0);
	assert_true(evloop_now_ns() - t0 < 2000000000LL); /* finished, did not wait for grace */
	assert_true(probe_done(p));
	assert_int_equal(probe_status(p), 0);
	assert_int_equal(probe_path_len(p), 1); /* loopback: the target is hop 1 */
	/* The first round's burst may pass the target before its answer is in;
	 * afterwards one probe a round, hops past the target never. */
	assert_true(t.sent_in_round[0] >= 1 && t.sent_in_round[0] <= 30);
	for (int r = 1; r < 5; r++)
		assert_int_equal(t.sent_in_round[r], 1);
	assert_int_equal(t.reply, t.sent);
	assert_int_equal(t.timeout + t.late, 0);
	assert_int_equal(t.rounds, 5);
	assert_true(t.rounds_in_order);
	assert_true(t.reply_after_sent);
	probe_free(p);
	evloop_free(loop);
}

/* Two traces in turn on one socket set: the second must not see the first's
 * replies (same target, same wire sequences) and must get its own stamps. */
static void loopback_run(enum model_proto proto, int family, const char *target)
{
	struct probe_params c = { .target = target, .family = family, .proto = proto,
		                  .interval_s = 0.02, .cycles = 5, .first_ttl = 1, .max_ttl = 30,
		                  .max_unknown = 10, .timeout_s = 1, .gracetime_s = 1, .psize = 64,
		                  .port = proto == MODEL_PROTO_TCP ? 9 : 0, .max_pps = 1000 };
	assert_int_equal(model_addr_parse(target, &c.dst), 0);
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	assert_true(probe_sockets_can(socks, family));
	for (int i = 0; i < 2; i++)
		check_run(socks, &c);
	probe_sockets_close(socks);
}

static void setup_refuses_what_the_sockets_cannot_probe(void **state)
{
	(void)state;
	struct probe_params c;
	probe_params_init(&c);
	c.family = AF_INET;
	c.target = "::1";
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	struct evloop *loop = evloop_new();
	assert_int_equal(model_addr_parse("::1", &c.dst), 0);
	assert_false(probe_sockets_can(socks, AF_INET6));
	assert_null(probe_setup(socks, &c, loop, count_event, NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "no address of a family we can probe"));
	c.proto = MODEL_PROTO_UDP; /* the sockets are ICMP ones */
	assert_int_equal(model_addr_parse("127.0.0.1", &c.dst), 0);
	assert_null(probe_setup(socks, &c, loop, count_event, NULL, err, sizeof(err)));
	evloop_free(loop);
	probe_sockets_close(socks);
}

static void icmp4_loopback(void **state)
{
	(void)state;
	loopback_run(MODEL_PROTO_ICMP, AF_INET, "127.0.0.1");
}

static void udp6_loopback(void **state)
{
	(void)state;
	loopback_run(MODEL_PROTO_UDP, AF_INET6, "::1");
}

static void tcp4_loopback(void **state)
{
	(void)state;
	loopback_run(MODEL_PROTO_TCP, AF_INET, "127.0.0.1");
}

/* ---- --flows: the MDA stopping rule ---- */

static void mda_stopping_numbers_are_the_95_percent_table(void **state)
{
	(void)state;
	static const unsigned want[] = { 6, 11, 16, 21, 27, 33, 38, 44, 51, 57 };
	for (unsigned k = 1; k <= 10; k++)
		assert_int_equal(probe_mda_needed(k), want[k - 1]);
	assert_int_equal(probe_mda_needed(0), 6);
	assert_true(probe_mda_needed(11) > 57);
}

static void mda_flows_grow_with_responders_up_to_the_cap(void **state)
{
	(void)state;
	struct probe_mda_ttl t = { .n = 0 };
	struct model_addr a, b;
	assert_int_equal(model_addr_parse("10.0.0.1", &a), 0);
	assert_int_equal(model_addr_parse("10.0.0.2", &b), 0);
	assert_int_equal(probe_mda_flows(&t, 1), 1);   /* no --flows: one flow */
	assert_int_equal(probe_mda_flows(&t, 16), 6);  /* nothing seen: rule out a 2nd */
	assert_true(probe_mda_note(&t, &a));
	assert_false(probe_mda_note(&t, &a));
	assert_int_equal(probe_mda_flows(&t, 16), 6);
	assert_true(probe_mda_note(&t, &b));
	assert_int_equal(probe_mda_flows(&t, 16), 11); /* two seen: rule out a 3rd */
	assert_int_equal(probe_mda_flows(&t, 8), 8);
	assert_int_equal(probe_mda_flows(&t, 0), 1);
}

static void flows_need_a_free_port(void **state)
{
	(void)state;
	struct probe_params pp;
	char err[128];
	probe_params_init(&pp);
	assert_int_equal(pp.flows, 1);
	pp.flows = 16;
	assert_int_equal(probe_params_check(&pp, err, sizeof(err)), 0);
	pp.flows = PROBE_MAX_FLOWS + 1;
	assert_int_equal(probe_params_check(&pp, err, sizeof(err)), -1);
	pp.flows = 4;
	pp.proto = MODEL_PROTO_UDP;
	pp.port = 53;
	assert_int_equal(probe_params_check(&pp, err, sizeof(err)), 0);
	pp.local_port = 5000;
	assert_int_equal(probe_params_check(&pp, err, sizeof(err)), -1);
	pp.flows = 1;
	assert_int_equal(probe_params_check(&pp, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_is_max_ttl_until_something_is_known),
		cmocka_unit_test(limit_stops_at_the_path_length),
		cmocka_unit_test(path_end_lost_after_misses_and_patience),
		cmocka_unit_test(limit_stops_after_max_unknown_silent_hops),
		cmocka_unit_test(pacing_spreads_only_as_needed),
		cmocka_unit_test(rounds_spread_over_the_interval),
		cmocka_unit_test(table_tracks_states_and_rounds),
		cmocka_unit_test(sized_table_shares_slots_and_forgets_the_older_probe),
		cmocka_unit_test(table_size_follows_what_is_in_flight),
		cmocka_unit_test(mda_stopping_numbers_are_the_95_percent_table),
		cmocka_unit_test(mda_flows_grow_with_responders_up_to_the_cap),
		cmocka_unit_test(flows_need_a_free_port),
		cmocka_unit_test(wire_seq_wraps_and_reuse_forgets_the_old_probe),
		cmocka_unit_test(icmp4_loopback),
		cmocka_unit_test(udp6_loopback),
		cmocka_unit_test(tcp4_loopback),
		cmocka_unit_test(setup_refuses_what_the_sockets_cannot_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
