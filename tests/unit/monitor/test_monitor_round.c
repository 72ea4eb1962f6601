/* monitor_round: engine events to round records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include "monitor/monitor_round.h"

struct got {
	struct monitor_round last;
	unsigned count;
};

static int keep(void *ctx, const struct monitor_round *r)
{
	struct got *g = ctx;
	g->last = *r;
	g->count++;
	return 0;
}

static struct model_addr addr(const char *s)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(s, &a), 0);
	return a;
}

static void ev(struct monitor_acc *a, enum event_type type, unsigned long round, unsigned ttl,
               const char *from, bool target, double rtt, int64_t now)
{
	struct event e = { .type = type, .round = round, .ttl = ttl, .from_target = target,
		           .rtt_ms = rtt };
	if (from)
		e.from = addr(from);
	monitor_acc_event(a, &e, now);
}

/* Round 0: hops 1..4 probed, 3 silent, the target answers at 4 and (too
 * early in the round) at 5. */
static void one_round(struct monitor_acc *a, unsigned long round, const char *hop2)
{
	int64_t t = 1000 + (int64_t)round * 1000;
	for (unsigned ttl = 1; ttl <= 5; ttl++)
		ev(a, EVENT_SENT, round, ttl, NULL, false, 0, t + ttl);
	ev(a, EVENT_REPLY, round, 1, "10.0.0.1", false, 1.5, t + 10);
	ev(a, EVENT_REPLY, round, 2, hop2, false, 2.5, t + 10);
	ev(a, EVENT_TIMEOUT, round, 3, NULL, false, 0, t + 10);
	ev(a, EVENT_REPLY, round, 5, "10.0.0.9", true, 4.7, t + 10);
	ev(a, EVENT_REPLY, round, 4, "10.0.0.9", true, 4.5, t + 10);
	ev(a, EVENT_ROUND_END, round, 0, NULL, false, 0, t + 20);
}

static void a_round_is_recorded_to_the_target(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct monitor_acc *a = monitor_acc_new(keep, &g);
	one_round(a, 0, "10.0.0.2");
	assert_int_equal(g.count, 1);
	assert_int_equal(g.last.t_ms, 1001);
	assert_true(g.last.reached);
	assert_int_equal(g.last.path_len, 4);
	assert_int_equal(g.last.hop[1].sent, 1);
	assert_int_equal(g.last.hop[1].recv, 1);
	assert_true(fabs(g.last.hop[2].rtt_ms - 2.5) < 1e-9);
	assert_int_equal(g.last.hop[3].recv, 0);
	assert_true(isnan(g.last.hop[3].rtt_ms));
	assert_int_equal(g.last.hop[3].from.family, AF_UNSPEC);
	assert_int_equal(g.last.path_hash, monitor_path_hash(&g.last));
	monitor_acc_free(a);
}

static void the_path_hash_follows_the_responders(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct monitor_acc *a = monitor_acc_new(keep, &g);
	one_round(a, 0, "10.0.0.2");
	uint64_t h0 = g.last.path_hash;
	one_round(a, 1, "10.0.0.2");
	assert_int_equal(g.last.path_hash, h0);
	one_round(a, 2, "10.0.1.2");
	assert_int_not_equal(g.last.path_hash, h0);
	assert_int_equal(g.count, 3);
	monitor_acc_free(a);
}

static void events_of_unknown_rounds_are_ignored(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct monitor_acc *a = monitor_acc_new(keep, &g);
	ev(a, EVENT_REPLY, 7, 1, "10.0.0.1", false, 1, 5);  /* never sent */
	ev(a, EVENT_ROUND_END, 7, 0, NULL, false, 0, 6);
	ev(a, EVENT_SENT, 8, 200, NULL, false, 0, 6);        /* past MONITOR_MAX_TTL */
	assert_int_equal(g.count, 0);
	monitor_acc_free(a);
}

/* Rounds open at once keep their own hops (the slots are reused as rounds
 * end), and a round still open MONITOR_OPEN_ROUNDS rounds later is given
 * up while one open a round less still ends. */
static void overlapping_rounds_and_the_oldest_given_up(void **state)
{
	(void)state;
	struct got g = { 0 };
	struct monitor_acc *a = monitor_acc_new(keep, &g);
	ev(a, EVENT_SENT, 0, 1, NULL, false, 0, 100); /* never ends: given up */
	ev(a, EVENT_SENT, 1, 2, NULL, false, 0, 200); /* ends 15 rounds on */
	for (unsigned long r = 2; r < 2 + 40; r++) {
		ev(a, EVENT_SENT, r, 1, NULL, false, 0, (int64_t)r * 100);
		ev(a, EVENT_SENT, r, 1, NULL, false, 0, (int64_t)r * 100 + 1);
		if (r >= 4) { /* three rounds open at once */
			ev(a, EVENT_REPLY, r - 2, 1, "10.0.0.1", false, (double)r, 0);
			ev(a, EVENT_ROUND_END, r - 2, 0, NULL, false, 0, 0);
			assert_int_equal(g.last.t_ms, (int64_t)(r - 2) * 100);
			assert_int_equal(g.last.hop[1].sent, 2);
			assert_int_equal(g.last.hop[1].recv, 1);
			assert_true(fabs(g.last.hop[1].rtt_ms - (double)r) < 1e-9);
		}
		if (r == MONITOR_OPEN_ROUNDS) {
			unsigned before = g.count;
			ev(a, EVENT_ROUND_END, 1, 0, NULL, false, 0, 0);
			assert_int_equal(g.count, before + 1);
			assert_int_equal(g.last.hop[2].sent, 1);
			ev(a, EVENT_ROUND_END, 0, 0, NULL, false, 0, 0);
			assert_int_equal(g.count, before + 1);
		}
	}
	assert_int_equal(g.count, 1 + 38);
	monitor_acc_free(a);
}

static void empty_round(struct monitor_round *r, unsigned len)
{
	memset(r, 0, sizeof(*r));
	r->path_len = len;
	for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
		r->hop[t].rtt_ms = NAN;
}

/* Packed hops (the history's rounds.hops) come back as they went, for both
 * families, a silent hop and a hop never probed. */
static void hops_pack_and_unpack(void **state)
{
	(void)state;
	struct monitor_round r, back;
	empty_round(&r, MONITOR_MAX_TTL);
	for (unsigned t = 1; t <= MONITOR_MAX_TTL; t++) {
		r.hop[t] = (struct monitor_hop){ .sent = 1, .recv = 1, .rtt_ms = t * 0.123456789 };
		r.hop[t].from = addr(t % 2 ? "192.0.2.7" : "2001:db8::7");
	}
	r.hop[3] = (struct monitor_hop){ .sent = 2, .rtt_ms = NAN }; /* silent */
	r.hop[5].sent = 300; /* kept as 255 */
	r.hop[9] = (struct monitor_hop){ .rtt_ms = NAN };  /* not probed: not packed */
	uint8_t buf[MONITOR_HOPS_BLOB_MAX];
	size_t n = monitor_round_pack_hops(&r, buf, sizeof(buf));
	assert_true(n > 1 && n <= sizeof(buf));
	empty_round(&back, MONITOR_MAX_TTL);
	assert_int_equal(monitor_round_unpack_hops(&back, buf, n), 0);
	for (unsigned t = 1; t <= MONITOR_MAX_TTL; t++) {
		if (t == 3 || t == 5 || t == 9)
			continue;
		assert_int_equal(back.hop[t].sent, 1);
		assert_true(back.hop[t].rtt_ms == r.hop[t].rtt_ms); /* exact */
		assert_memory_equal(&back.hop[t].from, &r.hop[t].from, sizeof(r.hop[t].from));
	}
	assert_int_equal(back.hop[3].sent, 2);
	assert_int_equal(back.hop[3].recv, 0);
	assert_true(isnan(back.hop[3].rtt_ms));
	assert_int_equal(back.hop[3].from.family, AF_UNSPEC);
	assert_int_equal(back.hop[5].sent, 255);
	assert_int_equal(back.hop[9].sent, 0);
	/* too little room, and hops past path_len */
	assert_int_equal(monitor_round_pack_hops(&r, buf, 40), 0);
	r.path_len = 2;
	assert_int_equal(monitor_round_pack_hops(&r, buf, sizeof(buf)), 1 + 12 + 4 + 12 + 16);
}

/* Every byte of a blob is checked: a wrong format, a TTL out of range, an
 * unknown family and a hop cut short are refused. */
static void bad_blobs_are_refused(void **state)
{
	(void)state;
	struct monitor_round r;
	empty_round(&r, 1);
	r.hop[1] = (struct monitor_hop){ .sent = 1, .recv = 1, .rtt_ms = 1.0, .from = addr("192.0.2.1") };
	uint8_t buf[MONITOR_HOPS_BLOB_MAX];
	size_t n = monitor_round_pack_hops(&r, buf, sizeof(buf));
	assert_int_equal(n, 17);
	struct monitor_round back;
	empty_round(&back, 1);
	assert_int_equal(monitor_round_unpack_hops(&back, buf, 1), 0); /* no hops: fine */
	for (size_t len = 2; len < n; len++)
		assert_int_equal(monitor_round_unpack_hops(&back, buf, len), -1);
	assert_int_equal(monitor_round_unpack_hops(&back, buf, 0), -1);
	uint8_t bad[sizeof(buf)];
	memcpy(bad, buf, n);
	bad[0] = 2;
	assert_int_equal(monitor_round_unpack_hops(&back, bad, n), -1);
	memcpy(bad, buf, n);
	bad[1] = 0;
	assert_int_equal(monitor_round_unpack_hops(&back, bad, n), -1);
	bad[1] = MONITOR_MAX_TTL + 1;
	assert_int_equal(monitor_round_unpack_hops(&back, bad, n), -1);
	memcpy(bad, buf, n);
	bad[12] = 5;
	assert_int_equal(monitor_round_unpack_hops(&back, bad, n), -1);
	assert_int_equal(monitor_round_unpack_hops(&back, buf, n), 0);
	assert_int_equal(back.hop[1].from.bytes[3], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_round_is_recorded_to_the_target),
		cmocka_unit_test(the_path_hash_follows_the_responders),
		cmocka_unit_test(events_of_unknown_rounds_are_ignored),
		cmocka_unit_test(overlapping_rounds_and_the_oldest_given_up),
		cmocka_unit_test(hops_pack_and_unpack),
		cmocka_unit_test(bad_blobs_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
