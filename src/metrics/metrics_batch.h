/* metrics_batch: many targets' snapshots gathered one at a time, then
 * published together, for a caller that hands out its traces one by one and
 * only for the length of a call (hopdoc monitor's monitor_each_trace):
 *
 *     metrics_batch_add(b, target, trace, findings)   for each target (copies)
 *     metrics_batch_publish(b, m)                     all of them, then empties b
 *
 * The copies are what the endpoint's text is rendered from; the caller's
 * traces are never read afterwards.
 * Tests: tests/unit/metrics/test_metrics_batch.c. */
#ifndef HOPDOC_METRICS_BATCH_H
#define HOPDOC_METRICS_BATCH_H

#include <stddef.h>

#include "metrics/metrics.h"
#include "model/finding.h"
#include "model/model.h"

struct metrics_batch;

struct metrics_batch *metrics_batch_new(void);
void metrics_batch_free(struct metrics_batch *b);

/* Copies target (the label), t and findings (may be NULL: no finding gauge).
 * 0, or -1 when memory runs out (b keeps the targets added before). */
int metrics_batch_add(struct metrics_batch *b, const char *target, const struct model_trace *t,
                      const struct finding_list *findings);

/* Targets added since the last publish. */
size_t metrics_batch_count(const struct metrics_batch *b);

/* Publishes every target added (metrics_publish) and empties b, whether or
 * not it succeeded. 0, or -1 when memory runs out (the endpoint keeps its
 * previous snapshot). */
int metrics_batch_publish(struct metrics_batch *b, struct metrics *m);

#endif
