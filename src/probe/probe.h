/* probe: the probe engine. Sends ICMP/UDP/TCP probes to every TTL of a path in
 * rounds, matches replies through the quoted packet, and reports struct event.
 *
 * Privileges come in a fixed order:
 *     struct probe *p = probe_open(params, err, sizeof err); privileged: sockets
 *     privdrop_drop(err, sizeof err);                        see privdrop.h
 *     probe_setup(p, loop, on_event, ctx, err, sizeof err);  names, routes
 *     probe_start(p);  evloop_run(loop);  probe_free(p);
 * probe_new does open + setup in one call for callers that drop nothing.
 * The engine stops the loop (evloop_stop) when its -c rounds are done and the
 * last replies are in (or -G grace ran out).
 *
 * Hops beyond the path: the first round sends every TTL up to -m at once, so
 * TTLs past the target also get answers, from the target. Those events carry
 * from_target; the path ends at the lowest TTL the target answered (probe_path_len),
 * as mtr's display does, and later rounds probe no further than that. */
#ifndef HOPDOC_PROBE_H
#define HOPDOC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/evloop.h"
#include "model/event.h"
#include "model/model.h"

struct probe;

/* What a trace probes and how: the engine's whole input. The CLI fills it
 * from mtr's options; probe_params_init gives mtr's defaults, the only place
 * they are written down. */
struct probe_params {
	const char *target;      /* name or address; resolved by probe_setup */
	int family;              /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	enum model_proto proto;  /* -u UDP, -T TCP, else ICMP */
	unsigned port;           /* -P: destination port for UDP/TCP */
	unsigned local_port;     /* -L: source port for UDP/TCP; 0 chooses */
	double interval_s;       /* -i: seconds between rounds */
	unsigned long cycles;    /* -c: rounds to run; 0 runs until stopped */
	unsigned first_ttl;      /* -f */
	unsigned max_ttl;        /* -m */
	unsigned max_unknown;    /* -U: stop after this many silent hops in a row; 0 never */
	double timeout_s;        /* -Z: how long a probe waits for its reply */
	double gracetime_s;      /* -G: how long to wait for the last replies */
	unsigned psize;          /* -s: packet size */
	int bitpattern;          /* -B: payload byte; -1 random */
	int tos;                 /* -Q */
	const char *interface;   /* -I */
	const char *src_addr;    /* -a */
	unsigned mark;           /* -M: SO_MARK */
	double max_pps;          /* global probe rate limit, packets per second; <= 0 none */
};

/* mtr 0.95's defaults (max_unknown is its code's 12; its man page says 5),
 * no target, and a global limit of 1,000 probes per second. */
void probe_params_init(struct probe_params *pp);

/* Opens the sockets the run needs, for the family of -4/-6 or both; applies
 * -I, -a, -M, -Q. Needs root or CAP_NET_RAW, except that ICMP falls back to
 * datagram ICMP sockets where net.ipv4.ping_group_range allows them. NULL with
 * a message in err on failure. Does not resolve names. */
struct probe *probe_open(const struct probe_params *params, char *err, size_t errlen);

/* Resolves the target (numeric or name, -4/-6, else the first address),
 * chooses the source address and registers the sockets with loop. 0, or -1
 * with a message in err. */
int probe_setup(struct probe *p, struct evloop *loop, event_fn on_event, void *ctx, char *err,
                size_t errlen);

/* probe_open + probe_setup. */
struct probe *probe_new(const struct probe_params *params, struct evloop *loop, event_fn on_event,
                        void *ctx, char *err, size_t errlen);

/* Schedules the first round now. 0, or -1 when timers cannot be added. */
int probe_start(struct probe *p);

/* Stops sending; the loop is stopped too. */
void probe_stop(struct probe *p);

void probe_free(struct probe *p);

/* The target's address once set up. */
const struct model_addr *probe_target(const struct probe *p);

/* The lowest TTL the target answered at; 0 while unknown. */
unsigned probe_path_len(const struct probe *p);

/* Whether every round is done (or the consumer asked to stop). */
bool probe_done(const struct probe *p);

/* 0 after a clean run; -1 when sending failed for good or the consumer
 * returned -1; probe_error then says why. */
int probe_status(const struct probe *p);
const char *probe_error(const struct probe *p);

/* ---- Pure helpers of the engine, exposed for unit tests. ---------------- */

/* The highest TTL a round probes: -m, cut at the path length once the target
 * answered, and at the end of the first run of max_unknown hops that are known
 * silent (probed, timed out, never answered) counting from first_ttl.
 * answered[ttl] and silent[ttl] are indexed by TTL (size max_ttl + 1).
 * max_unknown 0 means no such limit. */
unsigned probe_ttl_limit(unsigned first_ttl, unsigned max_ttl, unsigned path_len,
                         unsigned max_unknown, const bool *answered, const bool *silent);

/* Rate limit: a token bucket of max_pps tokens per second holding at most
 * `burst` (a probe needs one). A round's probes leave at once while tokens
 * last and are spread only beyond that: one interval (1/max_pps) apart. */
struct probe_bucket {
	double tokens;
	int64_t last_ns;
};

/* The burst for a rate: 1, i.e. pure spacing (see probe.c for why). */
double probe_burst(double max_pps);

/* A full bucket at now_ns. */
void probe_bucket_init(struct probe_bucket *b, double burst, int64_t now_ns);

/* The time the next probe may go: now_ns, taking a token, or later (taking
 * nothing; ask again then). max_pps <= 0: no limit. */
int64_t probe_bucket_take(struct probe_bucket *b, int64_t now_ns, double max_pps, double burst);

/* The in-flight table: every probe sent, by its 15-bit wire sequence, so a
 * reply finds its probe, a late reply is known as late, and a duplicate or
 * stray is ignored. Opaque. */
struct probe_table;

enum probe_slot_state {
	PROBE_SLOT_FREE,
	PROBE_SLOT_WAITING,   /* sent, no answer, not timed out */
	PROBE_SLOT_ANSWERED,
	PROBE_SLOT_TIMED_OUT,
};

struct probe_slot {
	unsigned long run_seq;   /* the event seq */
	unsigned long round;
	int64_t sent_ns;         /* monotonic */
	uint8_t ttl;
	uint8_t state;           /* enum probe_slot_state */
};

struct probe_table *probe_table_new(void);
void probe_table_free(struct probe_table *t);

/* The wire sequence of run_seq. */
uint16_t probe_wire_seq(unsigned long run_seq);

/* Records probe run_seq as sent (overwriting whatever held its slot). */
void probe_table_sent(struct probe_table *t, unsigned long run_seq, unsigned long round,
                      unsigned ttl, int64_t sent_ns);

/* The slot of wire sequence seq (any state). */
struct probe_slot *probe_table_slot(struct probe_table *t, uint16_t seq);

/* Marks a slot answered or timed out; a waiting slot leaves its round's
 * waiting count. */
void probe_table_resolve(struct probe_table *t, struct probe_slot *s, enum probe_slot_state st);

/* Probes of `round` still waiting. */
unsigned probe_table_waiting(const struct probe_table *t, unsigned long round);

#endif
