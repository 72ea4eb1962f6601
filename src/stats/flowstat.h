/* flowstat: each responder's own statistics, from constant flows.
 *
 * With constant-flow (Paris) probing every probe of one flow at a TTL takes
 * the same path, so it reaches the same responder: a flow's timeouts at a
 * TTL are that responder's losses, not the hop's. The flow of a TTL belongs
 * to the responder that last answered it there (a route change moves it);
 * timeouts before its first answer wait and go to that responder when it
 * answers (a flow never answered stays unattributed). Snt counts settled
 * probes only: answered, timed out or late.
 *
 * With mtr's per-probe ports (--flows 0) a timeout cannot be attributed, and
 * the collector does not use this module.
 * Tests: tests/unit/stats/test_collect.c. */
#ifndef HOPDOC_FLOWSTAT_H
#define HOPDOC_FLOWSTAT_H

#include "model/event.h"
#include "model/model.h"

#define FLOWSTAT_MAX_FLOWS 64

struct flowstat;

struct flowstat *flowstat_new(void);
void flowstat_free(struct flowstat *f);

/* Takes SENT, REPLY, TIMEOUT and LATE events (others, and flows beyond
 * FLOWSTAT_MAX_FLOWS, are ignored). 0, or -1 out of memory. */
int flowstat_event(struct flowstat *f, const struct event *ev);

/* Writes the figures of every responder of h (by address) into its stats;
 * a responder without figures gets stats.has false. */
void flowstat_fill(const struct flowstat *f, struct model_hop *h);

#endif
