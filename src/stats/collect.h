/* collect: turns the probe engine's events into hop statistics and the model.
 *
 * One hopstat per TTL, every responder per hop with its own reply count, the
 * latest responder, MPLS labels and reverse DNS names. The model it refreshes
 * shows the hops mtr would show: up to the first hop where the target
 * answered, else up to one hop past the last hop that answered (never past the
 * last hop probed). Data received for hops beyond that is kept, so the model
 * grows back if the path does.
 *
 * Path epochs: when the route changes mid-run (stats/epoch_detect.h), the
 * statistics are rebuilt from the probe events logged so far: the model's
 * hops become the new path's, from the round the change began, and the
 * closing epoch goes to the trace's epochs (model.h) with its own hops.
 * Events of probes sent before the current epoch then count nowhere. A
 * round that straddles the change (its first TTLs answered by the old path,
 * later ones by the new) counts in neither epoch (docs/diagnosis.md, "Path
 * epochs"). When the log no longer holds the closing epoch's first round, it
 * keeps its figures as they stand, to the round the change was recognized in.
 *
 * Taps are event consumers called after the model is refreshed for each
 * event: the streaming printers (render_raw_event, render_split_event) go
 * there, so the engine needs one callback, collect_event. */
#ifndef HOPDOC_COLLECT_H
#define HOPDOC_COLLECT_H

#include "model/event.h"
#include "model/model.h"

#define COLLECT_MAX_TAPS 4

struct collect;

/* t is the caller's and must outlive the collector; its src, dst, tests and
 * other header fields are the caller's to fill. */
struct collect *collect_new(struct model_trace *t);
void collect_free(struct collect *c);

/* The probes vary their ports per probe (mtr's way, --flows 0): a timeout
 * cannot be told to a responder, so responders get no figures of their own.
 * By default they do (constant flows; stats/flowstat.h). */
void collect_varying_flows(struct collect *c);

/* Keeps at most `entries` probe events for path epochs instead of the
 * default 65,536 (about 3 MiB): for many traces in one process (hopdoc
 * monitor), whose running figures need only the last rounds a route change
 * is recognized in. A split that reaches further back starts from what is
 * left. Before the first event only; otherwise ignored. */
void collect_limit_log(struct collect *c, size_t entries);

/* The model is refreshed only by collect_sync, not on every probe event:
 * for a consumer that reads it now and then (hopdoc monitor's metrics walk)
 * rather than a printer on every event. Taps then see the model as it was
 * last synced. */
void collect_defer_model(struct collect *c);

/* Brings the model up to date after collect_defer_model (a no-op when
 * nothing came since). 0, or -1 out of memory. */
int collect_sync(struct collect *c);

/* Returns 0, or -1 when all COLLECT_MAX_TAPS are taken. */
int collect_add_tap(struct collect *c, event_fn fn, void *ctx);

/* An event_fn: ctx is the struct collect. Returns -1 when out of memory or a
 * tap asked to stop. */
int collect_event(void *ctx, const struct event *ev);

#endif
