/* render_split: mtr's split stream (-p), for programs that drive mtr. After
 * each round (and each new name) every hop whose line changed is printed as
 * "HOP NAME LOSS RCV SNT BEST AVG WRST" (LOSS in thousandths of a percent,
 * times in whole ms, as mtr); hops never answered stay unprinted ("???"), and
 * "-N" retracts line N when the path got shorter. Reads the model the
 * collector keeps, so register it as a collector tap. */
#ifndef HOPDOC_RENDER_SPLIT_H
#define HOPDOC_RENDER_SPLIT_H

#include "base/sink.h"
#include "model/event.h"
#include "render/render_opts.h"

struct render_split;

/* t and o must outlive the printer. */
struct render_split *render_split_new(struct sink *out, const struct model_trace *t, const struct render_opts *o);
void render_split_free(struct render_split *s);

/* An event_fn: ctx is the struct render_split. */
int render_split_event(void *ctx, const struct event *ev);

/* Prints every changed line now. */
int render_split_redraw(struct render_split *s);

#endif
