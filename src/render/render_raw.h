/* render_raw: mtr's raw stream (-l), printed from engine events as they come.
 * Lines: "x HOP SEQ" probe sent, "h HOP ADDR" responder (twice when new, as
 * mtr does: once joining the hop's list, once becoming its latest), "m HOP
 * LABEL TC S TTL" MPLS (with -e), "p HOP USEC SEQ" reply, "d HOP NAME" reverse DNS.
 * HOP is 0-based (TTL - 1). Late replies print nothing: mtr has no line for
 * them.
 * Tests: tests/unit/render/test_render.c tests/golden/render. */
#ifndef HOPDOC_RENDER_RAW_H
#define HOPDOC_RENDER_RAW_H

#include <stdbool.h>

#include "base/sink.h"
#include "model/event.h"

struct render_raw;

struct render_raw *render_raw_new(struct sink *out);
void render_raw_free(struct render_raw *r);

/* -e: print the "m" lines (mtr prints them only with -e); off at first. */
void render_raw_set_mpls(struct render_raw *r, bool on);

/* An event_fn: ctx is the struct render_raw. Returns -1 when the sink failed. */
int render_raw_event(void *ctx, const struct event *ev);

#endif
