/* metrics: the Prometheus endpoint (`--metrics ADDR:PORT`, and hopdoc
 * monitor's). An HTTP/1.1 server on libmicrohttpd, one internal thread:
 *   GET /metrics   200, the latest published snapshot (render_prom's text)
 *   GET /          200, a line pointing to /metrics
 *   anything else  404 (other methods 405)
 * Data flows one way: the owner of the traces publishes a snapshot (the
 * text is rendered at once, in the caller's thread, from the caller's
 * model) into an immutable, refcounted text; a request takes a reference
 * to the last one (the lock covers only that pointer) and sends it as it is.
 * A request therefore never sees a model being changed, and the prober never
 * waits for a scraper's copying or sending.
 *
 * It listens only on the address given, which must be numeric: a wildcard
 * (0.0.0.0, ::) is refused, since the endpoint has no authentication and
 * tells anyone who reaches it the paths this host traces. Bounds: 16
 * connections, 4 per address, 10 s idle, 16 KiB of request.
 * Tests: tests/unit/metrics/test_metrics.c (scrapes_meet_publishes: two
 * threads) tests/lab/t_metrics.sh. */
#ifndef HOPDOC_METRICS_H
#define HOPDOC_METRICS_H

#include <stddef.h>

#include "render/render_prom.h"

struct metrics;

/* Binds listen ("ADDR:PORT" or "[V6]:PORT", numbers only) and serves an
 * exposition without samples until the first metrics_publish. Signals stay
 * with the calling thread (the server's thread blocks them all). NULL with a
 * message in err when the address is a wildcard, not numeric, or cannot be
 * bound, or memory runs out. */
struct metrics *metrics_new(const char *listen, char *err, size_t errlen);

/* Renders the n targets (render_prom) and serves that text from now on.
 * 0, or -1 when memory runs out (the previous snapshot is still served). */
int metrics_publish(struct metrics *m, const struct render_prom_target *t, size_t n);

/* Stops the server (waiting for requests in progress) and frees m. */
void metrics_free(struct metrics *m);

/* The port m listens on (the one asked for, or the kernel's pick for 0). */
unsigned metrics_port(const struct metrics *m);

#endif
