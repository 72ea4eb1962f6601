/* monitor_metrics: see monitor_metrics.h. */
#include "cli/monitor_metrics.h"

#include <stdio.h>
#include <stdlib.h>

#include "diag/diag.h"
#include "metrics/metrics.h"
#include "model/finding.h"

struct monitor_metrics {
	struct evloop *loop;
	const struct monitor *mon;
	struct metrics *endpoint;
	struct metrics_batch *batch;
	evloop_timer_id timer;
	int64_t period_ns;
	unsigned long published;
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

/* A snapshot is rendered in the loop's thread, and probes wait meanwhile: a
 * large one (1,000 targets of 30 hops take some 170 ms) pushes the next one
 * out so that publishing keeps under 1/MONITOR_METRICS_MAX_SHARE of the loop. */
static void on_timer(void *ctx)
{
	struct monitor_metrics *mm = ctx;
	int64_t t0 = evloop_now_ns();
	monitor_each_trace(mm->mon, take_trace, mm->batch);
	if (metrics_batch_publish(mm->batch, mm->endpoint) == 0)
		mm->published++;
	int64_t now = evloop_now_ns();
	int64_t wait = (now - t0) * MONITOR_METRICS_MAX_SHARE;
	mm->timer = evloop_add_timer(mm->loop, now + (wait > mm->period_ns ? wait : mm->period_ns),
	                             on_timer, mm);
}

struct monitor_metrics *monitor_metrics_new(struct evloop *loop, const struct monitor *m,
                                            const char *listen, double period_s, char *err,
                                            size_t errlen)
{
	struct monitor_metrics *mm = calloc(1, sizeof(*mm));
	if (!mm || !(mm->batch = metrics_batch_new()) ||
	    !(mm->endpoint = metrics_new(listen, err, errlen))) {
		if (!mm || !mm->batch)
			snprintf(err, errlen, "out of memory");
		monitor_metrics_free(mm);
		return NULL;
	}
	mm->loop = loop;
	mm->mon = m;
	mm->period_ns = (int64_t)(period_s * 1e9);
	mm->timer = evloop_add_timer(loop, evloop_now_ns(), on_timer, mm);
	return mm;
}

void monitor_metrics_free(struct monitor_metrics *mm)
{
	if (!mm)
		return;
	if (mm->timer)
		evloop_cancel_timer(mm->loop, mm->timer);
	metrics_free(mm->endpoint);
	metrics_batch_free(mm->batch);
	free(mm);
}

unsigned long monitor_metrics_published(const struct monitor_metrics *mm)
{
	return mm->published;
}
