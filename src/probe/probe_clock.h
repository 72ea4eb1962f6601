/* probe_clock: kernel stamps (CLOCK_REALTIME: the only clock the kernel
 * stamps sockets with) moved onto CLOCK_MONOTONIC, on which every RTT is
 * taken. The offset between the clocks is read at the moment of conversion,
 * so a realtime step only matters if it falls between a packet's stamp and
 * its conversion (microseconds).
 *
 * The offset is a realtime read bracketed by two monotonic reads. When the
 * scheduler takes the CPU away inside that bracket, as it does on a busy
 * machine, the realtime read may lie anywhere in it and the offset errs by
 * up to half its width: a 1.2 ms preemption once put a lab hop's RTT 0.6 ms
 * under the emulator's own delay. So the offset is read several times and
 * the narrowest bracket wins. Internal to src/probe.
 * Tests: tests/unit/probe/test_probe_clock.c */
#ifndef HOPDOC_PROBE_CLOCK_H
#define HOPDOC_PROBE_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Reads of the offset at most, and a bracket narrow enough to stop at. */
#define PROBE_CLOCK_TRIES 5
#define PROBE_CLOCK_TIGHT_NS 5000

/* One reading: monotonic, realtime, monotonic again (ns). */
struct probe_clock_read {
	int64_t mono_before, real, mono_after;
};

/* realtime - monotonic from the narrowest bracket of reads[0..n) (n >= 1). */
int64_t probe_clock_offset(const struct probe_clock_read *reads, size_t n);

/* rt, a kernel CLOCK_REALTIME stamp, on CLOCK_MONOTONIC (ns). */
int64_t probe_clock_mono_ns(const struct timespec *rt);

#endif
