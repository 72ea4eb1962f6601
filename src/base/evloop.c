/* evloop: fd events and a binary heap of monotonic timers around ppoll. */
#include "base/evloop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct evloop_watch {
	int fd;           /* -1: removed during dispatch, compacted afterwards */
	unsigned events;
	evloop_fd_fn fn;
	void *ctx;
};

struct evloop_timer {
	int64_t when_ns;
	evloop_timer_id id;
	evloop_timer_fn fn;
	void *ctx;
};

struct evloop {
	struct evloop_watch *watch;
	size_t n_watch, cap_watch;
	struct pollfd *pfd;       /* rebuilt before each ppoll */
	size_t cap_pfd;
	struct evloop_timer *heap; /* min-heap on (when_ns, id) */
	size_t n_heap, cap_heap;
	evloop_timer_id next_id;
	const volatile sig_atomic_t *flag;
	const sigset_t *wait_mask; /* ppoll's mask while a flag is watched */
	int64_t window_ns;         /* evloop_set_window; 0: none */
	int64_t woke_ns;           /* when the last ppoll returned */
	bool stopped;
	bool dispatching;          /* watch indices must stay put meanwhile */
};

int64_t evloop_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct evloop *evloop_new(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));
	if (loop)
		loop->next_id = 1;
	return loop;
}

void evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	free(loop->watch);
	free(loop->pfd);
	free(loop->heap);
	free(loop);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	void *n = realloc(*arr, ncap * elem);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static void compact_watches(struct evloop *loop)
{
	size_t j = 0;
	for (size_t i = 0; i < loop->n_watch; i++)
		if (loop->watch[i].fd >= 0)
			loop->watch[j++] = loop->watch[i];
	loop->n_watch = j;
}

static struct evloop_watch *find_watch(struct evloop *loop, int fd)
{
	for (size_t i = 0; i < loop->n_watch; i++)
		if (loop->watch[i].fd == fd)
			return &loop->watch[i];
	return NULL;
}

int evloop_add_fd(struct evloop *loop, int fd, unsigned events, evloop_fd_fn fn, void *ctx)
{
	struct evloop_watch *w = find_watch(loop, fd);
	if (!w) {
		if (grow((void **)&loop->watch, &loop->cap_watch, loop->n_watch + 1,
		         sizeof(*loop->watch)) < 0)
			return -1;
		w = &loop->watch[loop->n_watch++];
	}
	*w = (struct evloop_watch){ .fd = fd, .events = events, .fn = fn, .ctx = ctx };
	return 0;
}

int evloop_del_fd(struct evloop *loop, int fd)
{
	struct evloop_watch *w = find_watch(loop, fd);
	if (!w)
		return -1;
	w->fd = -1;
	if (!loop->dispatching)
		compact_watches(loop);
	return 0;
}

static bool timer_before(const struct evloop_timer *a, const struct evloop_timer *b)
{
	if (a->when_ns != b->when_ns)
		return a->when_ns < b->when_ns;
	return a->id < b->id; /* equal times run in the order they were added */
}

static void heap_swap(struct evloop *loop, size_t a, size_t b)
{
	struct evloop_timer t = loop->heap[a];
	loop->heap[a] = loop->heap[b];
	loop->heap[b] = t;
}

static void sift_up(struct evloop *loop, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!timer_before(&loop->heap[i], &loop->heap[parent]))
			break;
		heap_swap(loop, i, parent);
		i = parent;
	}
}

static void sift_down(struct evloop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < loop->n_heap && timer_before(&loop->heap[l], &loop->heap[m]))
			m = l;
		if (r < loop->n_heap && timer_before(&loop->heap[r], &loop->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(loop, i, m);
		i = m;
	}
}

static void heap_remove(struct evloop *loop, size_t i)
{
	loop->n_heap--;
	if (i == loop->n_heap)
		return;
	loop->heap[i] = loop->heap[loop->n_heap];
	sift_down(loop, i);
	sift_up(loop, i);
}

evloop_timer_id evloop_add_timer(struct evloop *loop, int64_t when_ns, evloop_timer_fn fn,
                                 void *ctx)
{
	if (grow((void **)&loop->heap, &loop->cap_heap, loop->n_heap + 1, sizeof(*loop->heap)) < 0)
		return 0;
	evloop_timer_id id = loop->next_id++;
	loop->heap[loop->n_heap] =
	    (struct evloop_timer){ .when_ns = when_ns, .id = id, .fn = fn, .ctx = ctx };
	sift_up(loop, loop->n_heap++);
	return id;
}

int evloop_cancel_timer(struct evloop *loop, evloop_timer_id id)
{
	/* Linear: a run keeps a handful of timers, not thousands. */
	for (size_t i = 0; i < loop->n_heap; i++) {
		if (loop->heap[i].id == id) {
			heap_remove(loop, i);
			return 0;
		}
	}
	return -1;
}

unsigned evloop_timer_count(const struct evloop *loop)
{
	return (unsigned)loop->n_heap;
}

void evloop_watch_flag(struct evloop *loop, const volatile sig_atomic_t *flag)
{
	loop->flag = flag;
}

void evloop_set_window(struct evloop *loop, int64_t window_ns)
{
	loop->window_ns = window_ns > 0 ? window_ns : 0;
}

int64_t evloop_window_ns(const struct evloop *loop)
{
	return loop->window_ns;
}

void evloop_stop(struct evloop *loop)
{
	loop->stopped = true;
}

static bool should_stop(const struct evloop *loop)
{
	return loop->stopped || (loop->flag && *loop->flag);
}

/* Runs every timer due by now; timers added meanwhile for "now" run too. */
static void run_due_timers(struct evloop *loop)
{
	int64_t now = evloop_now_ns();
	while (loop->n_heap > 0 && loop->heap[0].when_ns <= now && !should_stop(loop)) {
		struct evloop_timer t = loop->heap[0];
		heap_remove(loop, 0);
		t.fn(t.ctx);
	}
}

static size_t fill_pollfds(struct evloop *loop)
{
	if (grow((void **)&loop->pfd, &loop->cap_pfd, loop->n_watch, sizeof(*loop->pfd)) < 0)
		return (size_t)-1;
	for (size_t i = 0; i < loop->n_watch; i++) {
		short ev = 0;
		if (loop->watch[i].events & EVLOOP_READ)
			ev |= POLLIN;
		if (loop->watch[i].events & EVLOOP_WRITE)
			ev |= POLLOUT;
		loop->pfd[i] = (struct pollfd){ .fd = loop->watch[i].fd, .events = ev };
	}
	return loop->n_watch;
}

static unsigned revents_to_events(short re)
{
	unsigned ev = 0;
	if (re & POLLIN)
		ev |= EVLOOP_READ;
	if (re & POLLOUT)
		ev |= EVLOOP_WRITE;
	if (re & (POLLERR | POLLHUP | POLLNVAL))
		ev |= EVLOOP_ERROR;
	return ev;
}

static void dispatch_fds(struct evloop *loop, size_t n)
{
	loop->dispatching = true;
	for (size_t i = 0; i < n && !should_stop(loop); i++) {
		struct evloop_watch *w = &loop->watch[i];
		/* A callback may have removed or replaced this fd's watch. */
		if (loop->pfd[i].revents == 0 || w->fd != loop->pfd[i].fd)
			continue;
		w->fn(w->ctx, w->fd, revents_to_events(loop->pfd[i].revents));
	}
	loop->dispatching = false;
	compact_watches(loop);
}

static struct timespec ns_timespec(int64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
}

/* The rest of the window since the last wake-up, asleep with no fd watched;
 * a stop signal still ends it (the same mask as the loop's ppoll). */
static int rest_out_window(struct evloop *loop)
{
	if (loop->window_ns <= 0)
		return 0;
	int64_t wait = loop->woke_ns + loop->window_ns - evloop_now_ns();
	if (wait <= 0)
		return 0;
	struct timespec ts = ns_timespec(wait);
	if (ppoll(NULL, 0, &ts, loop->wait_mask) < 0 && errno != EINTR)
		return -1;
	return 0;
}

static int poll_once(struct evloop *loop)
{
	if (rest_out_window(loop) < 0)
		return -1;
	if (should_stop(loop))
		return 0;
	size_t n = fill_pollfds(loop);
	if (n == (size_t)-1)
		return -1;
	struct timespec ts, *tsp = NULL;
	if (loop->n_heap > 0) {
		int64_t wait = loop->heap[0].when_ns - evloop_now_ns();
		ts = ns_timespec(wait > 0 ? wait : 0);
		tsp = &ts;
	}
	int rc = ppoll(loop->pfd, (nfds_t)n, tsp, loop->wait_mask);
	if (loop->window_ns > 0)
		loop->woke_ns = evloop_now_ns();
	if (rc < 0)
		return errno == EINTR ? 0 : -1;
	if (rc > 0)
		dispatch_fds(loop, n);
	return 0;
}

static int run_loop(struct evloop *loop)
{
	while (!should_stop(loop)) {
		run_due_timers(loop);
		if (should_stop(loop) || (loop->n_watch == 0 && loop->n_heap == 0))
			break;
		if (poll_once(loop) < 0)
			return -1;
	}
	return 0;
}

/* The stop signals are held from here on and let in only by ppoll, which
 * unblocks them atomically with going to sleep: a signal between the flag
 * check and ppoll is then delivered inside ppoll and ends it with EINTR. */
static int block_stop_signals(sigset_t *old, sigset_t *wait)
{
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &stop, old) != 0)
		return -1;
	*wait = *old; /* a signal the caller blocked stays blocked */
	if (!sigismember(old, SIGINT))
		sigdelset(wait, SIGINT);
	if (!sigismember(old, SIGTERM))
		sigdelset(wait, SIGTERM);
	return 0;
}

int evloop_run(struct evloop *loop)
{
	loop->stopped = false;
	if (!loop->flag)
		return run_loop(loop);
	sigset_t old, wait;
	if (block_stop_signals(&old, &wait) < 0)
		return -1;
	loop->wait_mask = &wait;
	int rc = run_loop(loop);
	int saved = errno;
	loop->wait_mask = NULL;
	pthread_sigmask(SIG_SETMASK, &old, NULL); /* a pending stop signal runs now */
	errno = saved;
	return rc;
}
