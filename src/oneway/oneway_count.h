/* oneway_count: what the client learns from the reflections it got back.
 * The reflector numbers the requests it receives (server_seq) and the client
 * numbers the requests it sends (client_seq), so for the reflection with the
 * highest server_seq s seen and the highest client_seq c:
 *   outbound: c + 1 requests sent, s + 1 received (less duplicates, told
 *             apart by one client_seq coming back under two server_seqs);
 *   return:   s + 1 reflections sent, the distinct server_seqs received.
 * Requests after the last reflection that came back count in neither
 * direction (the tail cannot be split). Delay variation (RFC 5481's PDV) per
 * direction: each datagram's one-way delay less the smallest, where a delay
 * is a receive time on one clock less a send time on the other, so the
 * clocks' offset cancels. One-way delay (version 2 reflections only): a
 * receive wall time less the other end's send wall time, min and median per
 * direction; right within the two ends' clock error bounds, which the
 * result carries with whether both ends run on one kernel (same boot_id:
 * one clock, no error). Pure: no sockets, no clock.
 * Tests: tests/unit/oneway/test_oneway_count.c fuzz/fuzz_oneway.c. */
#ifndef HOPDOC_ONEWAY_COUNT_H
#define HOPDOC_ONEWAY_COUNT_H

#include <stdint.h>

#include "oneway/oneway_pkt.h"

#define ONEWAY_MAX_COUNT 2000u /* requests in one stream, at most */

struct oneway_dir {
	unsigned long sent, received, lost;
	unsigned long duplicates; /* datagrams that came twice */
	unsigned long reordered;  /* came after one sent later */
	double pdv_p50_ms, pdv_p95_ms; /* delay variation; 0 when fewer than 2 */
	double delay_min_ms, delay_p50_ms; /* one-way delay, wall clocks; 0 when
	                                    * the result has no delays */
};

struct oneway_result {
	unsigned long requests;    /* the client sent */
	unsigned long reflections; /* came back, counted */
	unsigned long ignored;     /* not ours, out of range, or echoing a wrong time */
	struct oneway_dir out, ret;
	unsigned long delays; /* reflections with wall times (version 2): 0, no one-way delay */
	struct oneway_clock client_clock; /* as oneway_count_clock set it */
	struct oneway_clock server_clock; /* the worst the reflections reported */
	bool same_clock; /* both boot_id hashes known and equal: one kernel, one clock */
};

struct oneway_count;

/* A counter for a stream of n requests (1..ONEWAY_MAX_COUNT); NULL when n is
 * out of range or memory runs out. */
struct oneway_count *oneway_count_new(uint32_t n);
void oneway_count_free(struct oneway_count *c);

/* The client's clock quality (oneway_clock_read), for the result. */
void oneway_count_clock(struct oneway_count *c, const struct oneway_clock *mine);

/* Request seq (< n) went out at tx (mono_ns 0: not sent) on the client's
 * clocks. */
void oneway_count_sent(struct oneway_count *c, uint32_t seq, struct oneway_stamp tx);

/* A decoded datagram that came back at rx. 0 when counted; -1 when
 * ignored: not a reflection of a request, a client_seq never sent, a
 * server_seq beyond what n requests can give, or a send time that is not
 * the one the request carried. */
int oneway_count_add(struct oneway_count *c, const struct oneway_pkt *r, struct oneway_stamp rx);

void oneway_count_result(const struct oneway_count *c, struct oneway_result *r);

#endif
