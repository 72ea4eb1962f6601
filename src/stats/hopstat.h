/* hopstat: the statistics of one hop (one TTL), accumulated probe by probe.
 *
 * Everything is kept in doubles of milliseconds: mtr keeps integer
 * microseconds and truncates at every update, which freezes its running
 * average on long runs. Variance uses Welford's update, which stays accurate
 * where the textbook sum-of-squares formula cancels catastrophically.
 *
 * Counting: every probe is sent, then either replied in time (Recv), timed
 * out (Drop), or timed out and answered after all (Late; it moves from Drop
 * to Late, because the packet was not lost). Probes still waiting are in
 * flight and count as neither, so Loss% = Drop / (Snt - in flight). */
#ifndef HOPDOC_HOPSTAT_H
#define HOPDOC_HOPSTAT_H

#include "model/model.h"

struct hopstat;

struct hopstat *hopstat_new(void);
void hopstat_free(struct hopstat *s);

void hopstat_sent(struct hopstat *s);
/* A reply in time; rtt_ms must be finite and not negative (else ignored). */
void hopstat_reply(struct hopstat *s, double rtt_ms);
void hopstat_timeout(struct hopstat *s);
/* A reply to a probe that had already timed out. */
void hopstat_late(struct hopstat *s);

unsigned long hopstat_in_flight(const struct hopstat *s);

/* Writes snt, recv, drop, late, loss_pct, the RTT and jitter figures and the
 * `has` bits into h; leaves its ttl and responders alone. */
void hopstat_fill(const struct hopstat *s, struct model_hop *h);

#endif
