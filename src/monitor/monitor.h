/* monitor: hopdoc monitor's engine side. Many targets traced continuously on
 * one socket set and one event loop (probe/probe_group.h), each round of each
 * target recorded in the history (monitor_db.h), committed once a second.
 * Also keeps each target's running statistics as a model_trace (stats/
 * collect.h), for a live consumer such as a metrics endpoint
 * (monitor_each_trace).
 *
 *     m = monitor_new(loop, sockets, rate_pps, db, err, errlen);
 *     for each target: monitor_add(m, &params, err, errlen);  (a failure
 *         concerns that target alone)
 *     monitor_start(m);  evloop_run(loop);  monitor_free(m);
 *
 * Messages (writes stopped on a full disk) go to the notice callback; only
 * the CLI prints.
 * Tests: tests/unit/monitor/test_monitor.c tests/unit/monitor/test_monitor_round.c
 * tests/lab/t_monitor.sh. */
#ifndef HOPDOC_MONITOR_H
#define HOPDOC_MONITOR_H

#include <stddef.h>

#include "base/evloop.h"
#include "model/model.h"
#include "monitor/monitor_db.h"
#include "probe/probe.h"

struct monitor;

typedef void (*monitor_notice_fn)(void *ctx, const char *msg);

/* db stays the caller's; NULL with a message in err. */
struct monitor *monitor_new(struct evloop *loop, struct probe_sockets *s, double rate_pps,
                            struct monitor_db *db, monitor_notice_fn notice, void *ctx,
                            char *err, size_t errlen);

/* Adds a target (params->dst resolved, params->target its name). 0, or -1
 * with a message in err. */
int monitor_add(struct monitor *m, const struct probe_params *params, char *err, size_t errlen);

/* Starts every target's rounds and the once-a-second commit. */
int monitor_start(struct monitor *m);

/* Commits what is pending and frees everything but the loop, sockets and db. */
void monitor_free(struct monitor *m);

/* Rounds recorded so far (all targets). */
unsigned long monitor_rounds(const struct monitor *m);

/* HOOK for the metrics endpoint (src/metrics, issue 11 part B): calls fn with
 * each target's name and running statistics, in the order added. The trace
 * is valid during the call only. The statistics are brought up to date
 * here (collect_sync), not on every probe event: the walk is their only
 * reader. */
typedef void (*monitor_trace_fn)(void *ctx, const char *target, const struct model_trace *t);
void monitor_each_trace(const struct monitor *m, monitor_trace_fn fn, void *ctx);

#endif
