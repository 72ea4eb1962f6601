/* host_render: what `hopdoc host` prints about the counters: a readable
 * table, or a JSON object (the "host" part of --json). Pure functions of the
 * rates; the verdict (findings) is printed by render/.
 * Tests: tests/golden/host. */
#ifndef HOPDOC_HOST_RENDER_H
#define HOPDOC_HOST_RENDER_H

#include "base/sink.h"
#include "host/host.h"

/* Interfaces, counters, conntrack and sysctls as text tables. */
int host_render_text(const struct host_rates *r, struct sink *out);

/* The JSON object as compact text (heap; the caller frees it), or NULL when
 * memory runs out. Counters are {"delta": N, "rate_per_s": X, "reset": B},
 * or null when not available here. */
char *host_render_json(const struct host_rates *r);

#endif
