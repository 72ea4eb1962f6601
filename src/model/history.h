/* history: what each round gave at each hop, for the charts that show a run
 * over time (the view's strip and history charts, the HTML export, the
 * monitor). Statistics keep only sums; a chart needs the samples.
 *
 * A history keeps the newest `max_rounds` rounds; older ones drop off as new
 * ones come, so memory is bounded by max_rounds × the hops probed (one float
 * per cell, rows allocated for the TTLs that were probed). It is filled by
 * its event_fn, added as a collect tap; imports have none. */
#ifndef HOPDOC_HISTORY_H
#define HOPDOC_HISTORY_H

#include <stddef.h>

#include "model/event.h"

struct model_history;

enum model_sample_kind {
	MODEL_SAMPLE_NONE, /* not probed in that round, not yet answered, or dropped off */
	MODEL_SAMPLE_LOST, /* timed out (a late reply still counts as lost, as in mtr) */
	MODEL_SAMPLE_RTT,  /* answered in time */
};

struct model_sample {
	enum model_sample_kind kind;
	double rtt_ms; /* MODEL_SAMPLE_RTT only */
};

/* max_rounds is 1 or more; NULL when it is 0 or memory runs out. */
struct model_history *model_history_new(size_t max_rounds);
void model_history_free(struct model_history *h);

/* Forgets every sample (the view's `r`); rounds after it are kept as before. */
void model_history_reset(struct model_history *h);

/* Records round `round`'s outcome at `ttl`: rtt_ms >= 0 an answer, < 0 a
 * loss. A round older than the window is ignored; a newer one moves the
 * window. 0, or -1 when ttl is out of range or memory runs out. */
int model_history_note(struct model_history *h, unsigned ttl, unsigned long round, double rtt_ms);

/* The window: rounds first .. end-1 (first == end when empty). */
unsigned long model_history_first(const struct model_history *h);
unsigned long model_history_end(const struct model_history *h);

/* The highest TTL with a sample ever noted since the last reset (0: none). */
unsigned model_history_max_ttl(const struct model_history *h);

struct model_sample model_history_get(const struct model_history *h, unsigned ttl,
                                      unsigned long round);

/* An event_fn (ctx: the history): REPLY notes the RTT, TIMEOUT a loss. */
int model_history_event(void *ctx, const struct event *ev);

#endif
