/* monitor_html: `hopdoc history --html`: one self-contained page (inline SVG,
 * no script, nothing fetched) with a section per target: per-hop latency over
 * time (a line per hop, the target's min..max spread as a band, as SmokePing
 * draws it), the target's loss as red bars, episodes shaded (loss red,
 * latency orange) and route changes as blue lines, then the episodes listed.
 * Pure: the page goes to a sink.
 * Tests: tests/unit/monitor/test_monitor_episode.c. */
#ifndef HOPDOC_MONITOR_HTML_H
#define HOPDOC_MONITOR_HTML_H

#include <stddef.h>

#include "base/sink.h"
#include "monitor/monitor_episode.h"
#include "monitor/monitor_round.h"

int monitor_html_begin(struct sink *s);
/* One target's section; 0, or -1 when the sink failed. */
int monitor_html_target(struct sink *s, const char *target, const struct monitor_round *r,
                        size_t n, const struct monitor_episode *e, size_t ne);
int monitor_html_end(struct sink *s);

#endif
