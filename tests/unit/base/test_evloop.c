/* evloop with real timers and pipes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/evloop.h"

#define MS 1000000LL

struct order {
	int seen[8];
	int n;
	struct evloop *loop;
};

struct tagged {
	struct order *o;
	int tag;
};

static void record(void *ctx)
{
	struct tagged *t = ctx;
	t->o->seen[t->o->n++] = t->tag;
}

static void timers_run_in_time_order(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct order o = { .loop = loop };
	struct tagged t[4] = { { &o, 3 }, { &o, 1 }, { &o, 2 }, { &o, 4 } };
	int64_t now = evloop_now_ns();
	evloop_add_timer(loop, now + 30 * MS, record, &t[0]);
	evloop_add_timer(loop, now + 10 * MS, record, &t[1]);
	evloop_add_timer(loop, now + 20 * MS, record, &t[2]);
	evloop_timer_id id = evloop_add_timer(loop, now + 15 * MS, record, &t[3]);
	assert_int_equal(evloop_cancel_timer(loop, id), 0);
	assert_int_equal(evloop_cancel_timer(loop, id), -1);
	assert_int_equal(evloop_run(loop), 0); /* returns when nothing is left */
	int64_t took = evloop_now_ns() - now;
	assert_int_equal(o.n, 3);
	assert_int_equal(o.seen[0], 1);
	assert_int_equal(o.seen[1], 2);
	assert_int_equal(o.seen[2], 3);
	assert_true(took >= 30 * MS);
	assert_true(took < 500 * MS);
	evloop_free(loop);
}

static void many_timers_keep_heap_order(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct order o = { .loop = loop };
	struct tagged t[8];
	int64_t base = evloop_now_ns() - 1000 * MS; /* all due: order by time only */
	const int when[8] = { 7, 3, 5, 1, 8, 2, 6, 4 };
	for (int i = 0; i < 8; i++) {
		t[i] = (struct tagged){ &o, when[i] };
		evloop_add_timer(loop, base + when[i], record, &t[i]);
	}
	assert_int_equal(evloop_timer_count(loop), 8);
	evloop_run(loop);
	for (int i = 0; i < 8; i++)
		assert_int_equal(o.seen[i], i + 1);
	evloop_free(loop);
}

struct pipe_ctx {
	struct evloop *loop;
	char got[16];
	size_t n;
};

static void on_read(void *ctx, int fd, unsigned events)
{
	struct pipe_ctx *p = ctx;
	assert_true(events & EVLOOP_READ);
	ssize_t r = read(fd, p->got + p->n, sizeof(p->got) - 1 - p->n);
	if (r > 0)
		p->n += (size_t)r;
	evloop_del_fd(p->loop, fd); /* removing oneself during dispatch */
}

static void write_later(void *ctx)
{
	int *fd = ctx;
	assert_int_equal(write(*fd, "hi", 2), 2);
}

static void fd_event_wakes_the_loop(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct evloop *loop = evloop_new();
	struct pipe_ctx p = { .loop = loop };
	assert_int_equal(evloop_add_fd(loop, fds[0], EVLOOP_READ, on_read, &p), 0);
	evloop_add_timer(loop, evloop_now_ns() + 20 * MS, write_later, &fds[1]);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(p.n, 2);
	assert_memory_equal(p.got, "hi", 2);
	assert_int_equal(evloop_del_fd(loop, fds[0]), -1);
	close(fds[0]);
	close(fds[1]);
	evloop_free(loop);
}

static void stop_from_timer(void *ctx)
{
	evloop_stop(ctx);
}

static void never(void *ctx)
{
	(void)ctx;
	fail_msg("a timer after stop ran");
}

static void stop_returns_before_later_timers(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	int64_t now = evloop_now_ns();
	evloop_add_timer(loop, now + 5 * MS, stop_from_timer, loop);
	evloop_add_timer(loop, now + 10000 * MS, never, NULL);
	evloop_run(loop);
	assert_true(evloop_now_ns() - now < 1000 * MS);
	assert_int_equal(evloop_timer_count(loop), 1);
	evloop_free(loop);
}

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* A signal handler's flag stops a loop that is idle on a far timer, and the
 * idle wait costs no CPU (no busy polling). */
static void signal_flag_stops_idle_loop(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	evloop_watch_flag(loop, &stop_flag);
	int64_t now = evloop_now_ns();
	evloop_add_timer(loop, now + 10000 * MS, never, NULL);
	double cpu0 = cpu_seconds();
	struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = 300000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(evloop_run(loop), 0);
	int64_t took = evloop_now_ns() - now;
	assert_true(took >= 250 * MS && took < 2000 * MS);
	assert_true(cpu_seconds() - cpu0 < 0.05); /* 300 ms of waiting */
	evloop_free(loop);
}

/* The lost wake-up: a stop signal that lands after the loop checked its flag
 * but before ppoll sleeps. To hit that window every time, this test binary
 * defines ppoll itself (the library's call resolves here): when armed, it
 * raises the signal first, then sleeps in the real system call. */
static int raise_before_ppoll; /* signal number, 0 = pass through */

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	if (raise_before_ppoll) {
		raise(raise_before_ppoll);
		raise_before_ppoll = 0;
	}
	/* The kernel's sigset is 8 bytes (_NSIG / 8), not glibc's 128. */
	return (int)syscall(SYS_ppoll, fds, n, ts, mask, (size_t)(_NSIG / 8));
}

static void signal_just_before_ppoll_wakes_it(int sig)
{
	struct evloop *loop = evloop_new();
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(sig, &sa, &old_sa);
	stop_flag = 0;
	evloop_watch_flag(loop, &stop_flag);
	int64_t now = evloop_now_ns();
	/* The far timer is what an unfixed loop sleeps until (the -G wait). */
	evloop_add_timer(loop, now + 3000 * MS, never, NULL);
	raise_before_ppoll = sig;
	assert_int_equal(evloop_run(loop), 0);
	int64_t took = evloop_now_ns() - now;
	assert_int_equal(stop_flag, 1);
	assert_true(took < 1000 * MS); /* at once, not 3 s later */
	/* The caller's mask is back: the signal is not left blocked. */
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	assert_int_equal(sigismember(&cur, sig), 0);
	sigaction(sig, &old_sa, NULL);
	evloop_free(loop);
}

static void sigint_just_before_ppoll_wakes_it(void **state)
{
	(void)state;
	signal_just_before_ppoll_wakes_it(SIGINT);
}

static void sigterm_just_before_ppoll_wakes_it(void **state)
{
	(void)state;
	signal_just_before_ppoll_wakes_it(SIGTERM);
}

/* Without a watched flag the loop leaves the signal mask alone. */
static void no_flag_leaves_mask_alone(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct order o = { .loop = loop };
	struct tagged t = { &o, 1 };
	evloop_add_timer(loop, evloop_now_ns() + 1 * MS, record, &t);
	sigset_t before, after;
	pthread_sigmask(SIG_SETMASK, NULL, &before);
	assert_int_equal(evloop_run(loop), 0);
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	assert_int_equal(o.n, 1);
	assert_int_equal(sigismember(&after, SIGINT), sigismember(&before, SIGINT));
	assert_int_equal(sigismember(&after, SIGTERM), sigismember(&before, SIGTERM));
	evloop_free(loop);
}

/* ---- evloop_set_window ------------------------------------------------------ */

struct windowed {
	struct evloop *loop;
	int wfd;
	int64_t wrote_ns, read_ns, later_ns[2];
	int n_later;
};

static void write_and_note(void *ctx)
{
	struct windowed *w = ctx;
	w->wrote_ns = evloop_now_ns();
	assert_int_equal(write(w->wfd, "x", 1), 1);
}

static void read_and_note(void *ctx, int fd, unsigned events)
{
	struct windowed *w = ctx;
	char c;
	(void)events;
	assert_int_equal(read(fd, &c, 1), 1);
	w->read_ns = evloop_now_ns();
	evloop_del_fd(w->loop, fd);
}

static void note_later(void *ctx)
{
	struct windowed *w = ctx;
	w->later_ns[w->n_later++] = evloop_now_ns();
}

/* With a window, what arrives and falls due after a wake-up waits for the
 * window's end and is served then, by one wake-up: the byte written 1 ms in
 * is read, and the timers due 20 and 40 ms in run, no earlier than a window
 * after the first wake-up. (Only lower bounds: a busy machine makes
 * everything later, never earlier.) */
static void window_holds_events_to_its_end(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct evloop *loop = evloop_new();
	struct windowed w = { .loop = loop, .wfd = fds[1] };
	evloop_set_window(loop, 200 * MS);
	assert_int_equal(evloop_add_fd(loop, fds[0], EVLOOP_READ, read_and_note, &w), 0);
	int64_t now = evloop_now_ns();
	evloop_add_timer(loop, now + 1 * MS, write_and_note, &w);
	evloop_add_timer(loop, now + 20 * MS, note_later, &w);
	evloop_add_timer(loop, now + 40 * MS, note_later, &w);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(w.n_later, 2);
	assert_true(w.read_ns >= w.wrote_ns + 190 * MS);
	assert_true(w.later_ns[0] >= w.wrote_ns + 190 * MS);
	assert_true(w.later_ns[1] >= w.later_ns[0]);
	close(fds[0]);
	close(fds[1]);
	evloop_free(loop);
}

static void raise_sigterm_next(void *ctx)
{
	(void)ctx;
	raise_before_ppoll = SIGTERM;
}

/* A stop signal ends the rest of a window (3 s here) at once. */
static void stop_signal_ends_the_window(void **state)
{
	(void)state;
	struct evloop *loop = evloop_new();
	struct sigaction sa, old_sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGTERM, &sa, &old_sa);
	stop_flag = 0;
	evloop_watch_flag(loop, &stop_flag);
	evloop_set_window(loop, 3000 * MS);
	int64_t now = evloop_now_ns();
	evloop_add_timer(loop, now + 1 * MS, raise_sigterm_next, NULL);
	evloop_add_timer(loop, now + 10 * MS, never, NULL);
	assert_int_equal(evloop_run(loop), 0);
	assert_int_equal(stop_flag, 1);
	assert_true(evloop_now_ns() - now < 2000 * MS);
	sigaction(SIGTERM, &old_sa, NULL);
	evloop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_run_in_time_order),
		cmocka_unit_test(many_timers_keep_heap_order),
		cmocka_unit_test(fd_event_wakes_the_loop),
		cmocka_unit_test(stop_returns_before_later_timers),
		cmocka_unit_test(signal_flag_stops_idle_loop),
		cmocka_unit_test(sigint_just_before_ppoll_wakes_it),
		cmocka_unit_test(sigterm_just_before_ppoll_wakes_it),
		cmocka_unit_test(no_flag_leaves_mask_alone),
		cmocka_unit_test(window_holds_events_to_its_end),
		cmocka_unit_test(stop_signal_ends_the_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
