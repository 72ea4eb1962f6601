/* probe_group: the start offsets (pure) and, where the process may open raw
 * sockets, three loopback targets traced at once on one socket set, each
 * getting exactly its own replies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/evloop.h"
#include "probe/probe.h"
#include "probe/probe_group.h"

static void offsets_fall_in_their_own_slot(void **state)
{
	(void)state;
	const int64_t iv = 1000000000;
	for (size_t n = 1; n <= 1000; n *= 10) {
		for (size_t i = 0; i < n; i++) {
			int64_t o = probe_group_start_offset_ns(i, n, iv, 42);
			assert_true(o >= (int64_t)i * iv / (int64_t)n);
			assert_true(o < ((int64_t)i + 1) * iv / (int64_t)n + 1);
			assert_true(o >= 0 && o < iv);
		}
	}
}

static void offsets_are_jittered_by_the_seed(void **state)
{
	(void)state;
	const int64_t iv = 1000000000;
	int differ = 0;
	for (size_t i = 0; i < 10; i++)
		differ += probe_group_start_offset_ns(i, 10, iv, 1) !=
		          probe_group_start_offset_ns(i, 10, iv, 2);
	assert_true(differ >= 8);
	/* not all at the slot start: rounds do not go out in lockstep */
	int at_start = 0;
	for (size_t i = 0; i < 10; i++)
		at_start += probe_group_start_offset_ns(i, 10, iv, 7) == (int64_t)i * iv / 10;
	assert_true(at_start <= 2);
}

static void offsets_of_nothing_are_zero(void **state)
{
	(void)state;
	assert_int_equal(probe_group_start_offset_ns(0, 0, 1000, 1), 0);
	assert_int_equal(probe_group_start_offset_ns(3, 5, 0, 1), 0);
	assert_int_equal(probe_group_start_offset_ns(4000, 5000, 1000, 1), 800);
}

#define NT 3
struct tally {
	struct evloop *loop;
	const struct model_addr *dst;
	unsigned rounds, reply, timeout, foreign;
	unsigned *all_done;
};

static int on_event(void *ctx, const struct event *ev)
{
	struct tally *t = ctx;
	if (ev->type == EVENT_REPLY) {
		t->reply++;
		if (!model_addr_equal(&ev->from, t->dst))
			t->foreign++;
	} else if (ev->type == EVENT_TIMEOUT) {
		t->timeout++;
	} else if (ev->type == EVENT_ROUND_END && ++t->rounds == 5 && ++*t->all_done == NT) {
		evloop_stop(t->loop);
	}
	return 0;
}

static void give_up(void *ctx)
{
	evloop_stop(ctx);
}

static void three_loopback_targets_at_once(void **state)
{
	(void)state;
	static const char *const targets[NT] = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };
	struct probe_params c;
	probe_params_init(&c);
	c.family = AF_INET;
	c.interval_s = 0.05;
	c.cycles = 5;
	c.timeout_s = 1;
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	struct evloop *loop = evloop_new();
	struct probe_group *g = probe_group_new(socks, loop, 500, err, sizeof(err));
	if (!g) { /* datagram ICMP sockets only */
		print_message("skipped: %s\n", err);
		evloop_free(loop);
		probe_sockets_close(socks);
		skip();
	}
	struct model_addr dst[NT];
	struct tally t[NT];
	unsigned all_done = 0;
	for (int i = 0; i < NT; i++) {
		assert_int_equal(model_addr_parse(targets[i], &dst[i]), 0);
		t[i] = (struct tally){ .loop = loop, .dst = &dst[i], .all_done = &all_done };
		c.target = targets[i];
		c.dst = dst[i];
		assert_non_null(probe_group_add(g, &c, on_event, &t[i], err, sizeof(err)));
	}
	assert_null(probe_group_add(g, &c, on_event, &t[0], err, sizeof(err)));
	assert_non_null(strstr(err, "traced already"));
	assert_int_equal(probe_group_count(g), NT);
	assert_int_equal(probe_group_start(g), 0);
	evloop_add_timer(loop, evloop_now_ns() + 10000000000LL, give_up, loop);
	assert_int_equal(evloop_run(loop), 0);
	for (int i = 0; i < NT; i++) {
		assert_int_equal(t[i].rounds, 5);
		assert_true(t[i].reply >= 5);
		assert_int_equal(t[i].timeout, 0);
		assert_int_equal(t[i].foreign, 0);
		assert_true(probe_done(probe_group_trace(g, (size_t)i)));
	}
	probe_group_free(g);
	evloop_free(loop);
	probe_sockets_close(socks);
}

struct first_sent {
	struct evloop *loop;
	unsigned sent, reply;
};

static int stop_at_first_sent(void *ctx, const struct event *ev)
{
	struct first_sent *f = ctx;
	if (ev->type == EVENT_SENT && f->sent++ == 0)
		evloop_stop(f->loop);
	f->reply += ev->type == EVENT_REPLY;
	return 0;
}

/* A loop with a long wake window stops right after the first probe went:
 * its reply waits in the socket, unread. probe_group_read_pending reads it
 * (the monitor does so before its last commit), so a run's last replies
 * still end their rounds. */
static void replies_waiting_at_stop_are_read(void **state)
{
	(void)state;
	struct probe_params c;
	probe_params_init(&c);
	c.family = AF_INET;
	c.interval_s = 0.05;
	c.cycles = 1;
	c.timeout_s = 1;
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	struct evloop *loop = evloop_new();
	evloop_set_window(loop, 5000000000LL);
	struct probe_group *g = probe_group_new(socks, loop, 500, err, sizeof(err));
	if (!g) {
		print_message("skipped: %s\n", err);
		evloop_free(loop);
		probe_sockets_close(socks);
		skip();
	}
	struct first_sent f = { .loop = loop };
	assert_int_equal(model_addr_parse("127.0.0.1", &c.dst), 0);
	c.target = "127.0.0.1";
	assert_non_null(probe_group_add(g, &c, stop_at_first_sent, &f, err, sizeof(err)));
	assert_int_equal(probe_group_start(g), 0);
	assert_int_equal(evloop_run(loop), 0);
	assert_true(f.sent >= 1);
	assert_int_equal(f.reply, 0);
	usleep(200000); /* loopback answers in microseconds; this is margin */
	probe_group_read_pending(g);
	assert_true(f.reply >= 1);
	probe_group_free(g);
	evloop_free(loop);
	probe_sockets_close(socks);
}

/* The queue granted is read back: as asked while CAP_NET_ADMIN lets
 * SO_RCVBUFFORCE pass net.core.rmem_max, else capped there, so the monitor
 * can say its queues are short instead of dropping replies silently. */
static void receive_queues_report_what_was_granted(void **state)
{
	(void)state;
	struct probe_params c;
	probe_params_init(&c);
	c.family = AF_INET;
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	int want = 4 << 20, got = probe_sockets_set_rcvbuf(socks, want);
	if (geteuid() == 0)
		assert_int_equal(got, want);
	else
		assert_true(got > 0 && got <= want);
	assert_true(probe_sockets_set_rcvbuf(socks, 4096) <= 4096);
	probe_sockets_close(socks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offsets_fall_in_their_own_slot),
		cmocka_unit_test(offsets_are_jittered_by_the_seed),
		cmocka_unit_test(offsets_of_nothing_are_zero),
		cmocka_unit_test(three_loopback_targets_at_once),
		cmocka_unit_test(replies_waiting_at_stop_are_read),
		cmocka_unit_test(receive_queues_report_what_was_granted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
