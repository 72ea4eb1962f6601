/* host_rate: rates over the window between two samples (R13: never
 * since-boot totals). A counter that went down is read as:
 *   - a 32-bit wrap when the earlier value was in the upper half of the 32-bit
 *     range (old kernels and drivers keep 32-bit counters): the delta counts
 *     across 2^32;
 *   - otherwise a reset (the interface or module was re-created): the delta
 *     is the later value, counted since the reset.
 * Either way `reset` is set and the rate is never negative. A NIC present in
 * only one sample is listed as appeared or gone, without rates.
 * Tests: tests/unit/host/test_host_rate.c tests/golden/host. */
#ifndef HOPDOC_HOST_RATE_H
#define HOPDOC_HOST_RATE_H

#include "host/host.h"

/* Rates from a (earlier) to b (later), window_s > 0 seconds apart. */
void host_rate_compute(const struct host_sample *a, const struct host_sample *b, double window_s,
                       struct host_rates *out);

/* One counter's delta from a to b, as above. */
struct host_rate host_rate_of(struct host_value a, struct host_value b, double window_s);

#endif
