/* monitor_metrics: `hopdoc monitor --metrics ADDR:PORT`. Every period the
 * event loop's own timer walks the monitor's traces (monitor_each_trace),
 * diagnoses each (diag_trace: the current finding per target) and publishes
 * them together (metrics_batch). The traces are not locked, so they are
 * read only here, in the loop's thread; the endpoint's thread serves the
 * copies the batch made. A large snapshot stretches the period (at least
 * MONITOR_METRICS_MAX_SHARE times the time it took), so probing keeps most of
 * the loop.
 * Tests: tests/unit/cli/test_monitor_metrics.c tests/lab/t_monitor.sh. */
#ifndef HOPDOC_CLI_MONITOR_METRICS_H
#define HOPDOC_CLI_MONITOR_METRICS_H

#include <stddef.h>

#include "base/evloop.h"
#include "metrics/metrics_batch.h"
#include "model/model.h"
#include "monitor/monitor.h"

#define MONITOR_METRICS_PERIOD_S 2.0
/* A snapshot that takes d to make waits at least d times this for the next. */
#define MONITOR_METRICS_MAX_SHARE 20

struct monitor_metrics;

/* Binds listen (metrics_new's rules: numeric, no wildcard) and publishes m's
 * traces every period_s seconds (or more, above) on loop, the first time at
 * once. NULL with a
 * message in err. */
struct monitor_metrics *monitor_metrics_new(struct evloop *loop, const struct monitor *m,
                                            const char *listen, double period_s, char *err,
                                            size_t errlen);

/* Cancels the timer and stops the endpoint. */
void monitor_metrics_free(struct monitor_metrics *mm);

/* One target into b: a copy of t with diag_trace's findings. 0, or -1 when
 * memory runs out (b keeps the targets added before). */
int monitor_metrics_add(struct metrics_batch *b, const char *target, const struct model_trace *t);

/* Snapshots published so far (for tests and a closing count). */
unsigned long monitor_metrics_published(const struct monitor_metrics *mm);

#endif
