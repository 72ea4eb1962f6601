/* probe_one: single probes against 127.0.0.1 and ::1 (ICMP, UDP, TCP), each
 * answered once with its own cookie; TTL 1 on loopback still reaches the
 * target; per-probe TOS, source address and interface; a timeout answered NO_REPLY;
 * the in-flight and flow limits (ENOSPC); requests refused (EINVAL,
 * EPROTONOSUPPORT). Skipped without raw sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/probe_one.h"

#define MAX_ANS 128

struct log {
	struct evloop *loop;
	struct probe_one_answer a[MAX_ANS];
	unsigned n, want;
};

static void on_answer(void *ctx, const struct probe_one_answer *a)
{
	struct log *l = ctx;
	if (l->n < MAX_ANS)
		l->a[l->n] = *a;
	if (++l->n >= l->want)
		evloop_stop(l->loop);
}

static void give_up(void *ctx)
{
	evloop_stop(ctx);
}

/* Runs the loop until `want` answers or 5 s. */
static void wait_for(struct log *l, unsigned want)
{
	l->want = want;
	evloop_timer_id t = evloop_add_timer(l->loop, evloop_now_ns() + 5000000000LL, give_up,
	                                     l->loop);
	if (l->n < want)
		evloop_run(l->loop);
	evloop_cancel_timer(l->loop, t);
}

struct rig {
	struct probe_sockets *sets[3];
	struct probe_one *po;
	struct log log;
};

static int rig_up(struct rig *r)
{
	memset(r, 0, sizeof(*r));
	char err[256];
	for (int p = 0; p < 3; p++) {
		struct probe_params pp;
		probe_params_init(&pp);
		pp.proto = (enum model_proto)p;
		r->sets[p] = probe_sockets_open(&pp, err, sizeof(err));
		if (!r->sets[p] || !probe_sockets_can(r->sets[p], AF_INET)) {
			print_message("skipped: %s\n", r->sets[p] ? "no IPv4" : err);
			return -1;
		}
	}
	r->log.loop = evloop_new();
	r->po = probe_one_new(r->sets, 3, r->log.loop, on_answer, &r->log, err, sizeof(err));
	if (!probe_one_can(r->po, MODEL_PROTO_ICMP, AF_INET)) {
		print_message("skipped: datagram ICMP sockets only\n");
		return -1;
	}
	return 0;
}

static void rig_down(struct rig *r)
{
	probe_one_free(r->po);
	evloop_free(r->log.loop);
	for (int p = 0; p < 3; p++)
		probe_sockets_close(r->sets[p]);
}

static struct probe_one_req req_to(const char *dst, enum model_proto proto)
{
	struct probe_one_req q = { .proto = proto, .ttl = 64, .psize = 64, .timeout_s = 2,
		                   .port = proto == MODEL_PROTO_TCP ? 9 : 0 };
	assert_int_equal(model_addr_parse(dst, &q.dst), 0);
	return q;
}

static const struct probe_one_answer *by_cookie(const struct log *l, uint64_t cookie)
{
	for (unsigned i = 0; i < l->n && i < MAX_ANS; i++)
		if (l->a[i].cookie == cookie)
			return &l->a[i];
	return NULL;
}

/* ICMP echo reply, UDP port unreachable, TCP RST: every one from the target. */
static void check_answers(struct rig *r, const char *dst, uint64_t base)
{
	struct model_addr want;
	assert_int_equal(model_addr_parse(dst, &want), 0);
	for (int p = 0; p < 3; p++) {
		const struct probe_one_answer *a = by_cookie(&r->log, base + (uint64_t)p);
		assert_non_null(a);
		assert_true(a->from_target);
		assert_true(model_addr_equal(&a->from, &want));
		assert_int_equal(a->kind, p == MODEL_PROTO_UDP ? PROBE_ONE_UNREACHABLE : PROBE_ONE_REPLY);
		assert_true(a->rtt_ns > 0 && a->rtt_ns < 1000000000);
	}
}

static void every_protocol_both_families(void **state)
{
	(void)state;
	struct rig r;
	if (rig_up(&r) < 0) {
		rig_down(&r);
		skip();
	}
	const char *dsts[2] = { "127.0.0.1", "::1" };
	unsigned sent = 0;
	for (int f = 0; f < 2; f++) {
		struct model_addr d;
		assert_int_equal(model_addr_parse(dsts[f], &d), 0);
		if (!probe_one_can(r.po, MODEL_PROTO_ICMP, d.family))
			continue;
		for (int p = 0; p < 3; p++) {
			struct probe_one_req q = req_to(dsts[f], (enum model_proto)p);
			q.ttl = 1; /* loopback: the target is the first hop */
			q.tos = p == 0 ? 0x10 : 0;
			assert_int_equal(probe_one_send(r.po, &q, 100u * (unsigned)f + (unsigned)p), 0);
			sent++;
		}
	}
	assert_int_equal(probe_one_inflight(r.po), sent);
	wait_for(&r.log, sent);
	assert_int_equal(r.log.n, sent);
	assert_int_equal(probe_one_inflight(r.po), 0);
	check_answers(&r, "127.0.0.1", 0);
	if (sent == 6)
		check_answers(&r, "::1", 100);
	rig_down(&r);
}

static void source_address_and_refusals(void **state)
{
	(void)state;
	struct rig r;
	if (rig_up(&r) < 0) {
		rig_down(&r);
		skip();
	}
	struct probe_one_req q = req_to("127.0.0.1", MODEL_PROTO_UDP);
	assert_int_equal(model_addr_parse("127.0.0.2", &q.src), 0);
	assert_int_equal(probe_one_send(r.po, &q, 7), 0);
	wait_for(&r.log, 1);
	assert_int_equal(r.log.n, 1);
	assert_int_equal(r.log.a[0].cookie, 7);
	assert_int_equal(r.log.a[0].kind, PROBE_ONE_UNREACHABLE);
	/* The interface per packet: lo reaches 127.0.0.1. */
	q = req_to("127.0.0.1", MODEL_PROTO_ICMP);
	q.ifindex = if_nametoindex("lo");
	assert_true(q.ifindex > 0);
	assert_int_equal(probe_one_send(r.po, &q, 6), 0);
	wait_for(&r.log, 2);
	assert_int_equal(r.log.n, 2);
	assert_int_equal(r.log.a[1].cookie, 6);
	assert_int_equal(r.log.a[1].kind, PROBE_ONE_REPLY);
	q.ttl = 0;
	assert_int_equal(probe_one_send(r.po, &q, 8), EINVAL);
	q = req_to("127.0.0.1", MODEL_PROTO_ICMP);
	assert_int_equal(model_addr_parse("192.0.2.1", &q.src), 0); /* not this host's */
	/* The kernel refuses it (EINVAL, EADDRNOTAVAIL or ENETUNREACH by kernel):
	 * nothing is in flight and no answer will come. */
	assert_int_not_equal(probe_one_send(r.po, &q, 9), 0);
	q.dst.family = AF_UNSPEC;
	assert_int_equal(probe_one_send(r.po, &q, 10), EPROTONOSUPPORT);
	assert_int_equal(probe_one_inflight(r.po), 0);
	rig_down(&r);
}

/* Flows and probes in flight are bounded; a timeout answers NO_REPLY. The
 * probes go to 127.0.0.1 and are answered at once, but the loop does not run
 * between sends, so they are all in flight. */
static void limits_and_timeouts(void **state)
{
	(void)state;
	struct rig r;
	if (rig_up(&r) < 0) {
		rig_down(&r);
		skip();
	}
	struct probe_one_req q = req_to("127.0.0.1", MODEL_PROTO_ICMP);
	for (unsigned i = 0; i < PROBE_ONE_MAX_FLOWS; i++) {
		q.psize = 64 + i; /* a flow each */
		assert_int_equal(probe_one_send(r.po, &q, i), 0);
	}
	q.psize = 64 + PROBE_ONE_MAX_FLOWS;
	assert_int_equal(probe_one_send(r.po, &q, 999), ENOSPC);
	q.psize = 64; /* an existing flow still takes probes */
	assert_int_equal(probe_one_send(r.po, &q, 1000), 0);
	wait_for(&r.log, PROBE_ONE_MAX_FLOWS + 1);
	assert_int_equal(r.log.n, PROBE_ONE_MAX_FLOWS + 1);
	for (unsigned i = 0; i < r.log.n; i++)
		assert_int_equal(r.log.a[i].kind, PROBE_ONE_REPLY);
	/* UDP to the target with TTL 1 but a zero timeout: the timer is due at
	 * once, and whichever comes first answers it, exactly once. */
	r.log.n = 0;
	q = req_to("127.0.0.1", MODEL_PROTO_UDP);
	q.timeout_s = 0;
	assert_int_equal(probe_one_send(r.po, &q, 5), 0);
	wait_for(&r.log, 1);
	assert_int_equal(r.log.n, 1);
	assert_true(r.log.a[0].kind == PROBE_ONE_NO_REPLY || r.log.a[0].kind == PROBE_ONE_UNREACHABLE);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_protocol_both_families),
		cmocka_unit_test(source_address_and_refusals),
		cmocka_unit_test(limits_and_timeouts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
