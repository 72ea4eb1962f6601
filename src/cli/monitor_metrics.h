/* monitor_metrics: `hopdoc monitor --metrics ADDR:PORT`. Every period the
 * event loop's own timer walks the monitor's traces (monitor_each_trace),
 * diagnoses each (diag_trace: the current finding per target) and copies
 * them into a metrics_batch: the traces are not locked, so only the loop's
 * thread reads them. A thread of its own then renders that batch and
 * publishes it (1,000 targets of 30 hops take some 300 ms to render, which
 * probes should not wait for); the endpoint's thread serves the text. A
 * large snapshot stretches the period (below), and a walk is skipped while
 * the last one is still rendering.
 * Tests: tests/unit/cli/test_monitor_metrics.c tests/lab/t_monitor.sh. */
#ifndef HOPDOC_CLI_MONITOR_METRICS_H
#define HOPDOC_CLI_MONITOR_METRICS_H

#include <stddef.h>

#include "base/evloop.h"
#include "metrics/metrics_batch.h"
#include "model/model.h"
#include "monitor/monitor.h"

#define MONITOR_METRICS_PERIOD_S 2.0
/* A walk that took d waits at least d times this for the next (probes wait
 * while it runs)... */
#define MONITOR_METRICS_MAX_SHARE 20
/* ...and a render that took r, r times this (the render thread's share of a core). */
#define MONITOR_METRICS_RENDER_SHARE 5

struct monitor_metrics;

/* Binds listen (metrics_new's rules: numeric, no wildcard) and publishes m's
 * traces every period_s seconds (or more, above) on loop, the first time at
 * once. NULL with a message in err. */
struct monitor_metrics *monitor_metrics_new(struct evloop *loop, const struct monitor *m,
                                            const char *listen, double period_s, char *err,
                                            size_t errlen);

/* Cancels the timer, stops the render thread (after the render in
 * progress) and the endpoint. */
void monitor_metrics_free(struct monitor_metrics *mm);

/* One target into b: a copy of t with diag_trace's findings. 0, or -1 when
 * memory runs out (b keeps the targets added before). */
int monitor_metrics_add(struct metrics_batch *b, const char *target, const struct model_trace *t);

#endif
