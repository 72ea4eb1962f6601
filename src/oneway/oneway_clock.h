/* oneway_clock: this end's clocks for the one-way stream (issue 9). A
 * one-way delay is a receive wall time less the other end's send wall time,
 * so it is only as right as the two wall clocks: each end reports the error
 * bound its kernel keeps (adjtimex(2)'s maxerror, meaningless once
 * STA_UNSYNC is set) and a hash of its boot_id, so two ends on one kernel
 * (namespaces or containers of one host: one clock, no error) are told
 * apart from two hosts, by measurement rather than by assumption.
 * The reading is here, behind two small functions; the rest is pure.
 * Tests: tests/unit/oneway/test_oneway_clock.c */
#ifndef HOPDOC_ONEWAY_CLOCK_H
#define HOPDOC_ONEWAY_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "oneway/oneway_pkt.h"

/* Now, on the monotonic clock (evloop_now_ns's) and CLOCK_REALTIME. */
struct oneway_stamp oneway_clock_now(void);

/* This end's clock quality: adjtimex (read only, no privilege needed) and
 * /proc/sys/kernel/random/boot_id. What cannot be read stays unknown
 * (known false, boot_hash 0). */
void oneway_clock_read(struct oneway_clock *c);

/* The error bound again, the boot hash kept: the kernel adds 500 us to
 * maxerror every second it goes without a sync, so a bound read at the start
 * of a run understates it at the end. */
void oneway_clock_refresh(struct oneway_clock *c);

/* Pure: into becomes the worse of itself and k: the larger error,
 * unsynchronised if either is, known only if both are, and no boot hash
 * unless both carry the same. */
void oneway_clock_worse(struct oneway_clock *into, const struct oneway_clock *k);

/* Pure: the clock quality from ntp_adjtime's return value, its status word
 * and maxerror (us). STA_UNSYNC or TIME_ERROR: unsynchronised. */
void oneway_clock_from_timex(int state, int status, long maxerror_us, struct oneway_clock *c);

/* Pure: a 32-bit hash (FNV-1a) of a boot_id's text, surrounding blanks
 * ignored; never 0 (0 means unknown). */
uint32_t oneway_clock_boot_hash(const char *id, size_t len);

#endif
