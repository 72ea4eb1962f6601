/* probe_group: many traces in one process, on one socket set and one event
 * loop (hopdoc monitor). Each trace keeps its own parameters (interval, TTLs,
 * -c), tables and events; the group owns the sockets' registration with the
 * loop, sends every reply to the trace it answers (by the address the probe
 * went to: a quote's destination, or the sender of an echo reply or TCP
 * answer), and holds one token bucket that every trace's probes take from
 * (--rate). Start times are spread over each trace's interval with jitter
 * (probe_group_start_offset_ns), so rounds do not go out together.
 *
 *     s = probe_sockets_open(params, ...);  privdrop_drop(...);
 *     g = probe_group_new(s, loop, rate_pps, err, errlen);
 *     for each target: p = probe_group_add(g, &params, on_event, ctx, err, errlen);
 *     probe_group_start(g);  evloop_run(loop);
 *     probe_group_free(g);   (frees its traces)  probe_sockets_close(s);
 *
 * A trace of a group never stops the loop: when its -c rounds are done it is
 * only done (probe_done). Two traces of one group must not share a target
 * address (the reply could not tell them apart): probe_group_add refuses.
 * Datagram ICMP sockets (no root) are refused too: the kernel would give all
 * traces one identifier and its error queue would need its own dispatch.
 * Tests: tests/unit/probe/test_probe_group.c tests/lab/t_monitor.sh. */
#ifndef HOPDOC_PROBE_GROUP_H
#define HOPDOC_PROBE_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/evloop.h"
#include "model/event.h"
#include "probe/probe.h"

struct probe_group;

/* A group on s and loop with a budget of rate_pps probes per second for all
 * its traces together (<= 0: none). NULL with a message in err. */
struct probe_group *probe_group_new(struct probe_sockets *s, struct evloop *loop, double rate_pps,
                                    char *err, size_t errlen);

/* Adds a trace of params->dst; its max_pps is replaced by the group's
 * budget. NULL with a message in err (an address already in the group, a
 * family the sockets cannot probe, no route). */
struct probe *probe_group_add(struct probe_group *g, const struct probe_params *params,
                              event_fn on_event, void *ctx, char *err, size_t errlen);

/* Registers the sockets and schedules each trace's first round at its
 * jittered offset. 0, or -1 when the loop runs out of memory. */
int probe_group_start(struct probe_group *g);

/* Reads what waits in the sockets now, without waiting for more: before the
 * group is freed after its loop stopped, so replies (and TX stamps) that a
 * loop with a wake window (evloop_set_window) had not read yet still end
 * their rounds. */
void probe_group_read_pending(struct probe_group *g);

/* Traces in the group, and the i-th (in the order added). */
size_t probe_group_count(const struct probe_group *g);
struct probe *probe_group_trace(const struct probe_group *g, size_t i);

/* Unregisters and frees the group and every trace in it; not the sockets. */
void probe_group_free(struct probe_group *g);

/* Pure: when trace `index` of `count` starts, in ns after the group's start:
 * the interval cut into count equal slots, trace index in slot index at a
 * position within it that seed and index choose. Always in [0, interval_ns). */
int64_t probe_group_start_offset_ns(size_t index, size_t count, int64_t interval_ns,
                                    uint64_t seed);

#endif
