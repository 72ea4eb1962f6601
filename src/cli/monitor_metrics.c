/* monitor_metrics: see monitor_metrics.h. Two batches: the loop fills its
 * own from the traces, then, when the render thread is idle, swaps it for
 * the thread's (empty) one and wakes the thread, which renders and publishes
 * it. The thread only ever touches its batch and the endpoint. */
#include "cli/monitor_metrics.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag/diag.h"
#include "metrics/metrics.h"
#include "model/finding.h"

struct monitor_metrics {
	struct evloop *loop;
	const struct monitor *mon;
	struct metrics *endpoint;
	struct metrics_batch *filling; /* the loop's */
	evloop_timer_id timer;
	int64_t period_ns;
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock; /* guards what follows */
	pthread_cond_t wake;
	struct metrics_batch *rendering; /* the thread's; full while pending */
	bool pending, stop;
	int64_t render_ns; /* the last render's time */
};

int monitor_metrics_add(struct metrics_batch *b, const char *target, const struct model_trace *t)
{
	struct finding_list f;
	finding_list_init(&f);
	int rc = diag_trace(t, &f) < 0 ? -1 : metrics_batch_add(b, target, t, &f);
	finding_list_free(&f);
	return rc;
}

/* A target that does not fit in memory is left out of this snapshot only. */
static void take_trace(void *ctx, const char *target, const struct model_trace *t)
{
	(void)monitor_metrics_add(ctx, target, t);
}

static void *render_thread(void *ctx)
{
	struct monitor_metrics *mm = ctx;
	pthread_mutex_lock(&mm->lock);
	for (;;) {
		while (!mm->pending && !mm->stop)
			pthread_cond_wait(&mm->wake, &mm->lock);
		if (!mm->pending)
			break;
		pthread_mutex_unlock(&mm->lock);
		int64_t t0 = evloop_now_ns();
		(void)metrics_batch_publish(mm->rendering, mm->endpoint); /* or the last text stays */
		int64_t took = evloop_now_ns() - t0;
		pthread_mutex_lock(&mm->lock);
		mm->pending = false;
		mm->render_ns = took;
	}
	pthread_mutex_unlock(&mm->lock);
	return NULL;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Gathering reads the traces, so it runs here, in the loop's thread, and
 * probes wait meanwhile; a snapshot that took d to gather (or r to render)
 * waits MONITOR_METRICS_MAX_SHARE d (MONITOR_METRICS_RENDER_SHARE r) for the
 * next. While the thread still renders the last one, this one is skipped. */
static void on_timer(void *ctx)
{
	struct monitor_metrics *mm = ctx;
	pthread_mutex_lock(&mm->lock);
	bool busy = mm->pending;
	int64_t render_ns = mm->render_ns;
	pthread_mutex_unlock(&mm->lock);
	int64_t t0 = evloop_now_ns();
	if (!busy) {
		monitor_each_trace(mm->mon, take_trace, mm->filling);
		pthread_mutex_lock(&mm->lock);
		struct metrics_batch *empty = mm->rendering;
		mm->rendering = mm->filling;
		mm->filling = empty;
		mm->pending = true;
		pthread_cond_signal(&mm->wake);
		pthread_mutex_unlock(&mm->lock);
	}
	int64_t now = evloop_now_ns();
	int64_t wait = max64(mm->period_ns, max64((now - t0) * MONITOR_METRICS_MAX_SHARE,
	                                          render_ns * MONITOR_METRICS_RENDER_SHARE));
	mm->timer = evloop_add_timer(mm->loop, now + wait, on_timer, mm);
}

/* The thread blocks every signal: they stay with the loop's thread. */
static int start_thread(struct monitor_metrics *mm)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&mm->thread, NULL, render_thread, mm);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	mm->thread_started = rc == 0;
	return rc == 0 ? 0 : -1;
}

struct monitor_metrics *monitor_metrics_new(struct evloop *loop, const struct monitor *m,
                                            const char *listen, double period_s, char *err,
                                            size_t errlen)
{
	struct monitor_metrics *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return snprintf(err, errlen, "out of memory"), NULL;
	pthread_mutex_init(&mm->lock, NULL);
	pthread_cond_init(&mm->wake, NULL);
	mm->loop = loop;
	mm->mon = m;
	mm->period_ns = (int64_t)(period_s * 1e9);
	if (!(mm->filling = metrics_batch_new()) || !(mm->rendering = metrics_batch_new()))
		snprintf(err, errlen, "out of memory");
	else if ((mm->endpoint = metrics_new(listen, err, errlen)) && start_thread(mm) < 0)
		snprintf(err, errlen, "cannot start the metrics thread");
	if (!mm->thread_started) {
		monitor_metrics_free(mm);
		return NULL;
	}
	mm->timer = evloop_add_timer(loop, evloop_now_ns(), on_timer, mm);
	return mm;
}

void monitor_metrics_free(struct monitor_metrics *mm)
{
	if (!mm)
		return;
	if (mm->timer)
		evloop_cancel_timer(mm->loop, mm->timer);
	if (mm->thread_started) {
		pthread_mutex_lock(&mm->lock);
		mm->stop = true;
		pthread_cond_signal(&mm->wake);
		pthread_mutex_unlock(&mm->lock);
		pthread_join(mm->thread, NULL);
	}
	metrics_free(mm->endpoint);
	metrics_batch_free(mm->filling);
	metrics_batch_free(mm->rendering);
	pthread_cond_destroy(&mm->wake);
	pthread_mutex_destroy(&mm->lock);
	free(mm);
}
