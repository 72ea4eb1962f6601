/* monitor_round: one target's rounds, from the engine's events to one record
 * per round (per hop: sent, received, RTT, responder; the path's length and
 * hash). Pure: the caller gives the wall-clock time of each event.
 * Tests: tests/unit/monitor/test_monitor_round.c. */
#ifndef HOPDOC_MONITOR_ROUND_H
#define HOPDOC_MONITOR_ROUND_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"
#include "model/model.h"

#define MONITOR_MAX_TTL 64      /* hopdoc monitor's -m limit */
#define MONITOR_OPEN_ROUNDS 16  /* rounds that may be open at once per target
                                   (monitor's -Z / -i is kept below it) */

struct monitor_hop {
	unsigned sent, recv;
	double rtt_ms;               /* the fastest reply of the round; NAN none */
	struct model_addr from;      /* AF_UNSPEC when nobody answered */
};

struct monitor_round {
	int64_t t_ms;                /* Unix ms: the round's first probe */
	unsigned path_len;           /* hops 1..path_len are the path */
	bool reached;                /* the target answered */
	uint64_t path_hash;          /* over (ttl, responder) of answering hops */
	struct monitor_hop hop[MONITOR_MAX_TTL + 1]; /* by TTL; [0] unused */
};

/* Called with each finished round. Returns 0, or -1 to stop the trace. */
typedef int (*monitor_round_fn)(void *ctx, const struct monitor_round *r);

struct monitor_acc;

struct monitor_acc *monitor_acc_new(monitor_round_fn fn, void *ctx);
void monitor_acc_free(struct monitor_acc *a);

/* Takes one event at wall-clock now_ms; a ROUND_END calls fn with the
 * finished round. A round still open MONITOR_OPEN_ROUNDS rounds later is
 * dropped. Returns fn's result, else 0; -1 when a new round finds no
 * memory (rounds are allocated as they are first open at once). */
int monitor_acc_event(struct monitor_acc *a, const struct event *ev, int64_t now_ms);

/* The hash of r's path (what path_hash holds): stable for the same
 * responders at the same TTLs; silent hops count as unknown. */
uint64_t monitor_path_hash(const struct monitor_round *r);

/* A round's hops as one blob (the history's rounds.hops, schema 3; one row
 * per hop was most of the CPU and size of the database): a format byte (1),
 * then for each TTL from 1 to path_len that was probed, in TTL order: the
 * TTL, sent and recv (one byte each; counts above 255 are kept as 255), the
 * RTT in ms as an IEEE 754 double, little-endian (NaN: no reply), the
 * responder's family (0 none, 4, 6) and its 0, 4 or 16 address bytes. */
#define MONITOR_HOP_PACKED_MAX 28
#define MONITOR_HOPS_BLOB_MAX (1 + MONITOR_MAX_TTL * MONITOR_HOP_PACKED_MAX)

/* Packs r's hops into buf (cap >= MONITOR_HOPS_BLOB_MAX is always enough);
 * the length, or 0 when cap is too small. */
size_t monitor_round_pack_hops(const struct monitor_round *r, uint8_t *buf, size_t cap);

/* Fills r's hops from a blob (r's other fields and hops not in it are left
 * alone). 0, or -1 for a blob that is not one: bytes from a file, checked
 * every one. */
int monitor_round_unpack_hops(struct monitor_round *r, const uint8_t *buf, size_t len);

#endif
