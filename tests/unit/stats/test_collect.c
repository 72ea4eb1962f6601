/* collect: events into hop statistics and the model mtr shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../event_build.h"
#include "model/model.h"
#include "stats/collect.h"

static void feed(struct collect *c, struct event ev)
{
	assert_int_equal(collect_event(c, &ev), 0);
}

/* mtr's rule: an unreached path shows one hop past the last that answered. */
static void unreached_path_shows_one_silent_hop(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 6; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, "10.0.0.1", 1.0));
	feed(c, probe(EVENT_REPLY, 3, 3, "10.0.0.3", 3.0));
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[1].n_resp, 0);
	assert_int_equal(t->hops[2].recv, 1);
	assert_false(t->reached);
	collect_free(c);
	model_trace_free(t);
}

static void target_cuts_the_path_until_it_grows(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 5; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	struct event ev = probe(EVENT_REPLY, 4, 4, "10.0.0.9", 4.0);
	ev.from_target = true;
	feed(c, ev);
	ev.ttl = 5;
	feed(c, ev);
	assert_true(t->reached);
	assert_int_equal(t->n_hops, 4); /* the TTL 5 answer is the target again */
	feed(c, probe(EVENT_REPLY, 2, 2, "10.0.0.2", 2.0));
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[1].recv, 1);
	assert_string_equal(t->hops[1].resp[0].text, "10.0.0.2");
	feed(c, probe(EVENT_REPLY, 4, 4, "10.0.0.4", 4.0)); /* the path got longer */
	assert_int_equal(t->n_hops, 5);
	assert_string_equal(t->hops[4].resp[0].text, "10.0.0.9");
	collect_free(c);
	model_trace_free(t);
}

static struct event target_reply(unsigned ttl, unsigned long round)
{
	struct event ev = probe(EVENT_REPLY, ttl, round * 10 + ttl, "10.0.0.9", 5.0);
	ev.round = round;
	ev.from_target = true;
	return ev;
}

/* mtr's #361: the path grows behind a silent router. The old end TTL only
 * times out now, so its latest reply stays the target's; the target
 * answering farther away in two later rounds shows the longer path. */
static void path_grown_behind_a_silent_hop_shows_the_target_farther(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 7; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, target_reply(6, 0));
	feed(c, target_reply(7, 0)); /* the first round's one TTL past the end */
	assert_int_equal(t->n_hops, 6);
	struct event late = probe(EVENT_TIMEOUT, 6, 16, NULL, 0);
	late.round = 1;
	feed(c, late);
	assert_int_equal(t->n_hops, 6); /* one lost reply moves nothing */
	feed(c, probe(EVENT_SENT, 8, 28, NULL, 0));
	feed(c, target_reply(8, 2));
	assert_int_equal(t->n_hops, 6); /* once: maybe a lossy target's relearning round */
	feed(c, probe(EVENT_SENT, 8, 38, NULL, 0));
	feed(c, target_reply(8, 3));
	assert_int_equal(t->n_hops, 8);
	feed(c, target_reply(6, 4)); /* and back: the path shrank again */
	assert_int_equal(t->n_hops, 6);
	collect_free(c);
	model_trace_free(t);
}

/* One round of a 4-hop path whose hop 3 is `hop3` (the target at 4). */
static void feed_round(struct collect *c, unsigned long round, const char *hop3)
{
	const char *from[] = { "10.0.1.1", "10.0.2.1", hop3, "10.0.9.9" };
	for (unsigned ttl = 1; ttl <= 4; ttl++) {
		struct event ev = probe(EVENT_SENT, ttl, round * 10 + ttl, NULL, 0);
		ev.round = round;
		feed(c, ev);
		ev = probe(EVENT_REPLY, ttl, round * 10 + ttl, from[ttl - 1], ttl * 1.0);
		ev.round = round;
		ev.from_target = ttl == 4;
		feed(c, ev);
	}
}

/* Path epochs: hop 3 changes for good at round 12; the detector sees it 5
 * rounds later and the statistics split: the hops are the current path's
 * from round 12 on, the earlier epoch keeps the old one's. */
static void route_change_splits_the_statistics(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	feed_round(c, 0, "10.0.3.1");
	struct event name = { .type = EVENT_NAME, .name = "r1.lab" };
	assert_int_equal(model_addr_parse("10.0.1.1", &name.from), 0);
	feed(c, name);
	for (unsigned long r = 1; r < 12; r++)
		feed_round(c, r, "10.0.3.1");
	assert_int_equal(t->n_epochs, 0);
	for (unsigned long r = 12; r < 20; r++)
		feed_round(c, r, "10.0.3.2");
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->epoch_first_round, 12);
	assert_int_equal(t->epochs[0].first_round, 0);
	assert_int_equal(t->epochs[0].last_round, 11);
	assert_int_equal(t->epochs[0].change_ttl, 3);
	const struct model_trace *old = t->epochs[0].path;
	assert_int_equal(old->n_hops, 4);
	assert_int_equal(old->hops[2].n_resp, 1);
	assert_string_equal(old->hops[2].resp[0].text, "10.0.3.1");
	assert_int_equal(old->hops[2].snt, 12);
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[2].n_resp, 1);
	assert_string_equal(t->hops[2].resp[0].text, "10.0.3.2");
	assert_int_equal(t->hops[2].snt, 8);
	assert_int_equal(t->hops[3].snt, 8);
	assert_string_equal(t->hops[0].resp[0].name, "r1.lab"); /* carried over */
	/* a route flapping for long (a change every 20 rounds) keeps the
	 * newest 100 earlier epochs */
	unsigned long r = 20;
	for (unsigned flap = 0; flap < 110; flap++)
		for (unsigned long n = 0; n < 20; n++, r++)
			feed_round(c, r, flap % 2 ? "10.0.3.1" : "10.0.3.2");
	assert_int_equal(t->n_epochs, 100);
	assert_true(t->epochs[0].first_round > 12);
	assert_int_equal(t->epochs[99].last_round + 1, t->epoch_first_round);
	/* a late timeout of a probe from before the change counts nowhere */
	struct event ev = probe(EVENT_TIMEOUT, 3, 113, NULL, 0);
	ev.round = t->epoch_first_round - 1;
	feed(c, ev);
	assert_int_equal(t->hops[2].drop, 0);
	assert_int_equal(t->hops[2].snt, r - t->epoch_first_round);
	collect_free(c);
	model_trace_free(t);
}

/* hopdoc monitor's collector: a log of 16 rounds' events and a model that
 * moves only when synced. A route change long after the log wrapped still
 * splits, and the new epoch's figures are its own rounds'. */
static void bounded_log_and_deferred_model(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	collect_limit_log(c, 16 * 8);
	collect_defer_model(c);
	feed_round(c, 0, "10.0.3.1");
	assert_int_equal(t->n_hops, 0); /* not synced yet */
	assert_int_equal(collect_sync(c), 0);
	assert_int_equal(t->n_hops, 4);
	assert_int_equal(t->hops[2].snt, 1);
	for (unsigned long r = 1; r < 40; r++)
		feed_round(c, r, "10.0.3.1");
	assert_int_equal(t->hops[2].snt, 1); /* still the synced figures */
	for (unsigned long r = 40; r < 48; r++)
		feed_round(c, r, "10.0.3.2");
	assert_int_equal(collect_sync(c), 0);
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->epoch_first_round, 40);
	assert_int_equal(t->epochs[0].path->hops[2].snt, 45); /* as they stood: the log had wrapped */
	assert_int_equal(t->epochs[0].last_round, 44);       /* and its rounds say so */
	assert_string_equal(t->hops[2].resp[0].text, "10.0.3.2");
	assert_int_equal(t->hops[2].snt, 8);
	assert_int_equal(t->hops[3].recv, 8);
	collect_free(c);
	model_trace_free(t);
}

/* hopdoc monitor runs for days: its log wraps early on, but an epoch
 * shorter than the log is still held whole when it closes. Its figures are
 * then rebuilt from its own rounds, not kept as they stood (with the new
 * path's rounds that showed the change): hop 3 keeps its one responder. */
static void epoch_the_wrapped_log_still_holds_is_rebuilt(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	collect_limit_log(c, 32 * 8);
	for (unsigned long r = 0; r < 60; r++)
		feed_round(c, r, "10.0.3.1"); /* the log wraps */
	for (unsigned long r = 60; r < 72; r++)
		feed_round(c, r, "10.0.3.2"); /* the first change, past the log's reach */
	for (unsigned long r = 72; r < 80; r++)
		feed_round(c, r, "10.0.3.3"); /* the second, rounds 60-71 all in the log */
	assert_int_equal(t->n_epochs, 2);
	assert_int_equal(t->epochs[1].first_round, 60);
	assert_int_equal(t->epoch_first_round, 72);
	const struct model_hop *h3 = &t->epochs[1].path->hops[2];
	assert_int_equal(h3->n_resp, 1);
	assert_string_equal(h3->resp[0].text, "10.0.3.2");
	assert_int_equal(h3->snt, 12);
	assert_int_equal(t->epochs[1].last_round, 71);
	collect_free(c);
	model_trace_free(t);
}

/* A round of the 4-hop path in which hop 3 is silent: its probe times out
 * three rounds later (fed then, as the engine reports it). */
static void feed_silent_round(struct collect *c, unsigned long round)
{
	for (unsigned ttl = 1; ttl <= 4; ttl++) {
		struct event ev = probe(EVENT_SENT, ttl, round * 10 + ttl, NULL, 0);
		ev.round = round;
		feed(c, ev);
		if (ttl == 3)
			continue;
		static const char *const from[] = { "10.0.1.1", "10.0.2.1", NULL, "10.0.9.9" };
		ev = probe(EVENT_REPLY, ttl, round * 10 + ttl, from[ttl - 1], ttl * 1.0);
		ev.round = round;
		ev.from_target = ttl == 4;
		feed(c, ev);
	}
}

static void feed_timeout(struct collect *c, unsigned long round)
{
	struct event ev = probe(EVENT_TIMEOUT, 3, round * 10 + 3, NULL, 0);
	ev.round = round;
	feed(c, ev);
}

/* A route change after a silent spell longer than the log: the new epoch
 * reaches back to the spell's start, past what the log still holds. Rounds
 * whose sends were overwritten must not be replayed by their timeouts
 * alone: never more dropped and received than sent. */
static void wrapped_log_replays_only_whole_rounds(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	collect_limit_log(c, 16 * 8);
	for (unsigned long r = 0; r < 10; r++)
		feed_round(c, r, "10.0.3.1");
	for (unsigned long r = 10; r < 30; r++) {
		feed_silent_round(c, r);
		if (r >= 13)
			feed_timeout(c, r - 3);
	}
	for (unsigned long r = 30; r < 40; r++) {
		feed_round(c, r, "10.0.3.2");
		if (r - 3 < 30)
			feed_timeout(c, r - 3);
	}
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->epoch_first_round, 10); /* the spell's start, past the log */
	const struct model_hop *h3 = &t->hops[2];
	assert_string_equal(h3->resp[0].text, "10.0.3.2");
	if (h3->recv + h3->drop > h3->snt)
		fail_msg("hop 3 from round %lu: snt %lu recv %lu drop %lu", t->epoch_first_round,
		         (unsigned long)h3->snt, (unsigned long)h3->recv, (unsigned long)h3->drop);
	collect_free(c);
	model_trace_free(t);
}

/* One round over a path: hop i answered by from[i] (NULL: its probe timed
 * out), 10.0.9.9 being the target. */
static void feed_path(struct collect *c, unsigned long round, const char *const *from, unsigned n)
{
	for (unsigned ttl = 1; ttl <= n; ttl++) {
		struct event ev = probe(EVENT_SENT, ttl, round * 10 + ttl, NULL, 0);
		ev.round = round;
		feed(c, ev);
		const char *who = from[ttl - 1];
		ev = probe(who ? EVENT_REPLY : EVENT_TIMEOUT, ttl, round * 10 + ttl, who, who ? ttl * 1.0 : 0);
		ev.round = round;
		ev.from_target = who && strcmp(who, "10.0.9.9") == 0;
		feed(c, ev);
	}
}

/* Every hop of the trace (or an earlier epoch's) has one responder and no
 * loss. */
static void assert_clean(const struct model_trace *t, const char *which)
{
	for (size_t i = 0; i < t->n_hops; i++) {
		const struct model_hop *h = &t->hops[i];
		if (h->n_resp > 1 || h->drop > 0)
			fail_msg("%s hop %zu: %u responders, %lu of %lu lost", which, i + 1, h->n_resp,
			         (unsigned long)h->drop, (unsigned long)h->snt);
	}
}

/* The round in flight when the route changes (round 12) has its low TTLs
 * answered by the old path, its high ones by the new, and a probe lost in
 * between: it counts in neither epoch, so each has one responder per hop
 * and no loss. */
static void straddling_round_counts_in_neither_epoch(void **state)
{
	(void)state;
	static const char *const old[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.1", "10.0.9.9" };
	static const char *const mixed[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.2", NULL };
	static const char *const now[] = { "10.0.1.1", "10.0.2.1", "10.0.3.2", "10.0.4.2", "10.0.9.9" };
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned long r = 0; r < 12; r++)
		feed_path(c, r, old, 5);
	feed_path(c, 12, mixed, 5);
	for (unsigned long r = 13; r < 25; r++)
		feed_path(c, r, now, 5);
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->n_hops, 5);
	assert_clean(t, "current");
	assert_int_equal(t->epochs[0].first_round, 0);
	assert_int_equal(t->epochs[0].last_round, 11);
	assert_int_equal(t->epoch_first_round, 13);
	assert_int_equal(t->hops[4].snt, 12);
	assert_clean(t->epochs[0].path, "earlier");
	assert_int_equal(t->epochs[0].path->hops[4].snt, 12);
	collect_free(c);
	model_trace_free(t);
}

/* The same straddle, but hop 4's new responder then misses two rounds, so
 * hop 3 (old in the straddling round 12, new after) shows the change first
 * and its detector starts the new epoch at 13: round 12, with hop 4's new
 * responder, must not stay in the old epoch either. */
static void straddle_before_the_new_epoch_stays_out_of_the_old(void **state)
{
	(void)state;
	static const char *const old[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.1", "10.0.9.9" };
	static const char *const mixed[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.2", "10.0.9.9" };
	static const char *const gap[] = { "10.0.1.1", "10.0.2.1", "10.0.3.2", NULL, "10.0.9.9" };
	static const char *const now[] = { "10.0.1.1", "10.0.2.1", "10.0.3.2", "10.0.4.2", "10.0.9.9" };
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned long r = 0; r < 12; r++)
		feed_path(c, r, old, 5);
	feed_path(c, 12, mixed, 5);
	feed_path(c, 13, gap, 5);
	feed_path(c, 14, gap, 5);
	for (unsigned long r = 15; r < 25; r++)
		feed_path(c, r, now, 5);
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->epochs[0].change_ttl, 3);
	assert_clean(t->epochs[0].path, "earlier");
	assert_int_equal(t->epochs[0].last_round, 11);
	assert_int_equal(t->epoch_first_round, 13);
	assert_int_equal(t->hops[2].n_resp, 1);
	assert_int_equal(t->hops[3].n_resp, 1);
	assert_int_equal(t->hops[3].drop, 2); /* hop 4's misses are the new path's */
	collect_free(c);
	model_trace_free(t);
}

/* t_epoch's shrink: a detour (hop 5 r3b, a silent hop 6, hop 7, the target
 * at 8) goes while round 20 is in flight, whose TTLs 5 and 6 took the detour
 * and TTLs 7 and 8 the short path (6 hops, the target at 6). Seen once in
 * the lab: the current epoch had hop 5's old responder and hop 6's timeout. */
static void shrink_mid_round_leaves_the_current_epoch_clean(void **state)
{
	(void)state;
	static const char *const detour[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.1",
		                              "10.0.5.1", NULL, "10.0.7.1", "10.0.9.9" };
	static const char *const mixed[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.1",
		                             "10.0.5.1", NULL, "10.0.9.9", "10.0.9.9" };
	static const char *const shorter[] = { "10.0.1.1", "10.0.2.1", "10.0.3.1", "10.0.4.1",
		                               "10.0.7.1", "10.0.9.9" };
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned long r = 0; r < 20; r++)
		feed_path(c, r, detour, 8);
	feed_path(c, 20, mixed, 8);
	for (unsigned long r = 21; r < 40; r++)
		feed_path(c, r, shorter, 6);
	assert_int_equal(t->n_epochs, 1);
	assert_int_equal(t->n_hops, 6);
	assert_clean(t, "current");
	assert_int_equal(t->epochs[0].last_round, 19);
	assert_int_equal(t->epoch_first_round, 21);
	assert_int_equal(t->epochs[0].path->n_hops, 8);
	assert_int_equal(t->epochs[0].path->hops[6].n_resp, 1);
	collect_free(c);
	model_trace_free(t);
}

static void responders_counted_and_latest_follows(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	const char *seen[] = { "10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1" };
	for (unsigned long i = 0; i < 4; i++) {
		feed(c, probe(EVENT_SENT, 1, i, NULL, 0));
		feed(c, probe(EVENT_REPLY, 1, i, seen[i], 1.0 + (double)i));
	}
	struct event name = probe(EVENT_NAME, 0, 0, "10.0.0.2", 0);
	name.name = "b.example";
	feed(c, name);
	const struct model_hop *h = &t->hops[0];
	assert_int_equal(h->n_resp, 2);
	assert_int_equal(h->resp[0].replies, 3);
	assert_int_equal(h->resp[1].replies, 1);
	assert_int_equal(h->latest, 0);
	assert_string_equal(h->resp[1].name, "b.example");
	assert_int_equal(h->recv, 4);
	collect_free(c);
	model_trace_free(t);
}

/* The target answered first past the path's length; its name and AS came
 * then, once. When it answers at its own hop later, the row has them too. */
static void lookups_reach_responders_that_come_later(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	for (unsigned ttl = 1; ttl <= 3; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, "10.0.0.1", 1.0));
	struct event ev = probe(EVENT_REPLY, 3, 3, "10.0.0.9", 3.0);
	ev.from_target = true;
	feed(c, ev);
	struct event name = probe(EVENT_NAME, 0, 0, "10.0.0.9", 0);
	name.name = "target.example";
	feed(c, name);
	struct event info = probe(EVENT_IPINFO, 0, 0, "10.0.0.9", 0);
	info.name = "64496 | 10.0.0.0/24 | ZZ | lab | 2026-12-03";
	feed(c, info);
	assert_int_equal(t->n_hops, 3);
	assert_string_equal(t->hops[2].resp[0].name, "target.example");
	assert_int_equal(t->hops[2].resp[0].asn, 64496);
	feed(c, probe(EVENT_SENT, 2, 4, NULL, 0));
	ev.ttl = 2;
	ev.seq = 4;
	feed(c, ev); /* the target at TTL 2: the path is two hops long */
	assert_int_equal(t->n_hops, 2);
	assert_string_equal(t->hops[1].resp[0].text, "10.0.0.9");
	assert_string_equal(t->hops[1].resp[0].name, "target.example");
	assert_int_equal(t->hops[1].resp[0].asn, 64496);
	assert_string_equal(t->hops[1].resp[0].ipinfo, info.name);
	collect_free(c);
	model_trace_free(t);
}

/* With a short -Z every answer past hop 1 comes late: the hops must still be
 * listed, and the target counted as reached, though no reply was in time. */
static void late_answers_still_map_the_path(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	const char *from[] = { "10.0.0.1", "10.0.0.2", "10.0.0.3" };
	for (unsigned ttl = 1; ttl <= 3; ttl++)
		feed(c, probe(EVENT_SENT, ttl, ttl, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 1, from[0], 1.0));
	for (unsigned ttl = 2; ttl <= 3; ttl++) {
		feed(c, probe(EVENT_TIMEOUT, ttl, ttl, NULL, 0));
		struct event late = probe(EVENT_LATE, ttl, ttl, from[ttl - 1], 50.0);
		late.from_target = ttl == 3;
		feed(c, late);
	}
	assert_int_equal(t->n_hops, 3);
	assert_true(t->reached);
	assert_string_equal(t->hops[2].resp[0].text, "10.0.0.3");
	assert_int_equal(t->hops[2].recv, 0);
	assert_int_equal(t->hops[2].late, 1);
	assert_int_equal(t->hops[2].resp[0].replies, 0);
	collect_free(c);
	model_trace_free(t);
}

static int count_tap(void *ctx, const struct event *ev)
{
	(void)ev;
	(*(int *)ctx)++;
	return 0;
}

static int stop_tap(void *ctx, const struct event *ev)
{
	(void)ctx;
	(void)ev;
	return -1;
}

static void taps_see_every_event_and_can_stop(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	int seen = 0;
	for (int i = 0; i < COLLECT_MAX_TAPS - 1; i++)
		assert_int_equal(collect_add_tap(c, count_tap, &seen), 0);
	feed(c, probe(EVENT_SENT, 1, 1, NULL, 0));
	feed(c, probe(EVENT_ROUND_END, 0, 0, NULL, 0));
	assert_int_equal(seen, 2 * (COLLECT_MAX_TAPS - 1));
	assert_int_equal(collect_add_tap(c, stop_tap, NULL), 0);
	assert_int_equal(collect_add_tap(c, stop_tap, NULL), -1);
	struct event ev = probe(EVENT_SENT, 1, 2, NULL, 0);
	assert_int_equal(collect_event(c, &ev), -1);
	ev.ttl = 0; /* not a hop: ignored, but still passed to the taps */
	assert_int_equal(collect_event(c, &ev), -1);
	collect_free(c);
	model_trace_free(t);
}

/* ---- each responder's own figures (stats/flowstat.h) ---- */

static struct event on_flow(struct event ev, unsigned flow)
{
	ev.flow = flow;
	return ev;
}

static const struct model_responder *resp_at(const struct model_hop *h, const char *text)
{
	for (unsigned i = 0; i < h->n_resp; i++)
		if (strcmp(h->resp[i].text, text) == 0)
			return &h->resp[i];
	fail_msg("no responder %s", text);
	return NULL;
}

/* Two flows at an ECMP pair: A answers flow 0 always; B answers flow 1
 * once, after a timeout that waited for an owner, then loses two more. */
static void responders_get_their_flows_losses(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	unsigned long seq = 0;
	feed(c, on_flow(probe(EVENT_SENT, 1, seq, NULL, 0), 1));
	feed(c, on_flow(probe(EVENT_TIMEOUT, 1, seq++, NULL, 0), 1)); /* no owner yet */
	for (int round = 0; round < 4; round++) {
		feed(c, on_flow(probe(EVENT_SENT, 1, seq, NULL, 0), 0));
		feed(c, on_flow(probe(EVENT_REPLY, 1, seq++, "10.0.0.1", 2.0), 0));
		feed(c, on_flow(probe(EVENT_SENT, 1, seq, NULL, 0), 1));
		if (round == 0)
			feed(c, on_flow(probe(EVENT_REPLY, 1, seq++, "10.0.0.2", 4.0), 1));
		else if (round == 3)
			feed(c, on_flow(probe(EVENT_REPLY, 1, seq++, "10.0.0.2", 6.0), 1));
		else
			feed(c, on_flow(probe(EVENT_TIMEOUT, 1, seq++, NULL, 0), 1));
	}
	const struct model_hop *h = &t->hops[0];
	assert_int_equal(h->snt, 9);
	assert_int_equal(h->drop, 3);
	const struct model_responder *a = resp_at(h, "10.0.0.1"), *b = resp_at(h, "10.0.0.2");
	assert_true(a->stats.has && b->stats.has);
	assert_int_equal(a->stats.snt, 4);
	assert_int_equal(a->stats.drop, 0);
	assert_int_equal(a->stats.flows, 1);
	assert_int_equal(b->stats.snt, 5);
	assert_int_equal(b->stats.drop, 3);
	assert_float_equal(b->stats.loss_pct, 60.0, 1e-9);
	assert_float_equal(b->stats.avg, 5.0, 1e-9);
	assert_float_equal(b->stats.best, 4.0, 1e-9);
	assert_float_equal(b->stats.wrst, 6.0, 1e-9);
	assert_int_equal(b->stats.flows, 2);
	collect_free(c);
	model_trace_free(t);
}

/* A route change moves a flow to its new responder; a late reply turns a
 * loss back into Late for the flow's responder. */
static void flows_move_and_late_replies_count(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	feed(c, probe(EVENT_SENT, 1, 0, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 0, "10.0.0.1", 1.0));
	feed(c, probe(EVENT_SENT, 1, 1, NULL, 0));
	feed(c, probe(EVENT_TIMEOUT, 1, 1, NULL, 0));
	feed(c, probe(EVENT_LATE, 1, 1, "10.0.0.1", 900.0));
	feed(c, probe(EVENT_SENT, 1, 2, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 2, "10.0.0.9", 1.0)); /* the route changed */
	const struct model_hop *h = &t->hops[0];
	const struct model_responder *a = resp_at(h, "10.0.0.1"), *b = resp_at(h, "10.0.0.9");
	assert_int_equal(a->stats.snt, 2);
	assert_int_equal(a->stats.drop, 0);
	assert_int_equal(a->stats.late, 1);
	assert_int_equal(a->stats.flows, 0);
	assert_int_equal(b->stats.flows, 1);
	assert_int_equal(b->stats.snt, 1);
	collect_free(c);
	model_trace_free(t);
}

static void varying_flows_give_no_responder_figures(void **state)
{
	(void)state;
	struct model_trace *t = model_trace_new();
	struct collect *c = collect_new(t);
	collect_varying_flows(c);
	feed(c, probe(EVENT_SENT, 1, 0, NULL, 0));
	feed(c, probe(EVENT_REPLY, 1, 0, "10.0.0.1", 1.0));
	assert_false(t->hops[0].resp[0].stats.has);
	assert_int_equal(t->hops[0].recv, 1);
	collect_free(c);
	model_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unreached_path_shows_one_silent_hop),
		cmocka_unit_test(target_cuts_the_path_until_it_grows),
		cmocka_unit_test(path_grown_behind_a_silent_hop_shows_the_target_farther),
		cmocka_unit_test(route_change_splits_the_statistics),
		cmocka_unit_test(bounded_log_and_deferred_model),
		cmocka_unit_test(wrapped_log_replays_only_whole_rounds),
		cmocka_unit_test(epoch_the_wrapped_log_still_holds_is_rebuilt),
		cmocka_unit_test(straddling_round_counts_in_neither_epoch),
		cmocka_unit_test(shrink_mid_round_leaves_the_current_epoch_clean),
		cmocka_unit_test(straddle_before_the_new_epoch_stays_out_of_the_old),
		cmocka_unit_test(responders_counted_and_latest_follows),
		cmocka_unit_test(late_answers_still_map_the_path),
		cmocka_unit_test(lookups_reach_responders_that_come_later),
		cmocka_unit_test(taps_see_every_event_and_can_stop),
		cmocka_unit_test(responders_get_their_flows_losses),
		cmocka_unit_test(flows_move_and_late_replies_count),
		cmocka_unit_test(varying_flows_give_no_responder_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
