/* probe: the probe engine. Sends ICMP/UDP/TCP probes to every TTL of a path in
 * rounds, matches replies through the quoted packet, and reports struct event.
 *
 * One socket set serves every trace of a run, one trace at a time; privileges
 * come in a fixed order:
 *     s = probe_sockets_open(params, err, sizeof err);   privileged: sockets
 *     privdrop_drop(err, sizeof err);                    see privdrop.h
 *     then for each target in turn:
 *         params.dst = an address (resolve/target.h: names are resolved
 *                      outside the engine, so it never blocks on them)
 *         p = probe_setup(s, params, loop, on_event, ctx, err, sizeof err);
 *         probe_start(p);  evloop_run(loop);  probe_free(p);
 *     probe_sockets_close(s);
 * A trace's tables (about 2 MiB) exist from probe_setup to probe_free only.
 * The engine stops the loop (evloop_stop) when its -c rounds are done and the
 * last replies are in (or -G grace ran out).
 *
 * Rounds: a round's probes are spread over -i (interval / TTLs to probe), so
 * the first round stops near the path length once the target's reply is in.
 * A TTL past the target sent before that is answered by the target: such
 * events carry from_target; the path ends at the lowest TTL the target
 * answered (probe_path_len), as mtr's display does, and later rounds probe no
 * further than that. The end is relearned (later rounds probe on until the
 * target answers again) when a router answers at or past it, or when it
 * stops answering (3 probes missed, the oldest overdue): a route change may
 * have moved the target farther away (docs/probing.md). */
#ifndef HOPDOC_PROBE_H
#define HOPDOC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/evloop.h"
#include "model/event.h"
#include "model/model.h"

struct probe;
struct probe_sockets;

/* What a trace probes and how: the engine's whole input. The CLI fills it
 * from mtr's options; probe_params_init gives mtr's defaults, the only place
 * they are written down. */
struct probe_params {
	const char *target;      /* the target as the user named it, for messages */
	struct model_addr dst;   /* its address, resolved by the caller */
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
	/* --flows: 1 (the default) probes one constant flow (Paris traceroute:
	 * the fields ECMP hashes on stay fixed, so the trace follows one path);
	 * N > 1 probes up to N flows per TTL, as many as the MDA stopping rule
	 * asks for what the TTL has shown (docs/probing.md); 0 varies the ports
	 * per probe as mtr does. At most 64. */
	unsigned flows;
};

/* mtr 0.95's defaults (max_unknown is its code's 12; its man page says 5),
 * no target, and a global limit of 1,000 probes per second. */
void probe_params_init(struct probe_params *pp);

/* Whether the engine can run with pp (TTLs 1 to 255 in order, positive
 * timeout and interval): 0, or -1 with a message in err. The CLI range-checks
 * each option; other callers get a message instead of a strange run. */
int probe_params_check(const struct probe_params *pp, char *err, size_t errlen);

/* Opens the sockets of params->proto, for the family of -4/-6 or both;
 * applies -I, -a, -M, -Q. Needs root or CAP_NET_RAW, except that ICMP falls
 * back to datagram ICMP sockets where net.ipv4.ping_group_range allows them.
 * NULL with a message in err on failure. Reads only the socket settings of
 * params (family, proto, interface, src_addr, mark, tos). */
struct probe_sockets *probe_sockets_open(const struct probe_params *params, char *err,
                                         size_t errlen);

/* Whether the set can probe family (AF_INET, AF_INET6). */
bool probe_sockets_can(const struct probe_sockets *s, int family);

/* Asks for receive queues of bytes on every socket of the set (replies, and
 * the sender's TX stamps, wait there until read): for a loop that reads
 * them in batches (evloop_set_window). Before privileges are dropped it may
 * pass net.core.rmem_max (after, or without CAP_NET_ADMIN, the kernel caps
 * it there). The smallest queue granted, in bytes as asked (the kernel's
 * doubling for its bookkeeping taken off), or -1 when a socket refused the
 * option. */
int probe_sockets_set_rcvbuf(struct probe_sockets *s, int bytes);

void probe_sockets_close(struct probe_sockets *s);

/* A trace of params->dst on s (opened with the same proto): allocates its
 * tables, chooses the source address and registers the sockets with loop.
 * Replies still queued from an earlier trace are dropped first. NULL with a
 * message in err. */
struct probe *probe_setup(struct probe_sockets *s, const struct probe_params *params,
                          struct evloop *loop, event_fn on_event, void *ctx, char *err,
                          size_t errlen);

/* Schedules the first round now. 0, or -1 when timers cannot be added. */
int probe_start(struct probe *p);

/* Unregisters from the loop and frees the trace; the sockets stay open for
 * the next one. */
void probe_free(struct probe *p);

/* The lowest TTL the target answered at; 0 while unknown. */
unsigned probe_path_len(const struct probe *p);

/* What a hop said about the path MTU: an ICMP "fragmentation needed" (IPv4)
 * or "packet too big" (ICMPv6) quoting one of our probes. Such an error is
 * never an answer to the probe's TTL (the hop that sends it is short of the
 * TTL); it tells that packets above `mtu` bytes stop or are fragmented at
 * `hop`, the link after it being the narrow one. */
struct probe_mtu {
	unsigned mtu;            /* the smallest MTU reported; 0 when none was */
	unsigned hop;            /* the reporting hop's TTL, from the quoted TTL
	                            (the TTL the probe had left on arrival); 0 unknown */
	struct model_addr from;  /* the hop that reported it */
};

/* The path MTU learned so far: true and *out filled when a hop reported one. */
bool probe_path_mtu(const struct probe *p, struct probe_mtu *out);

/* Whether every round is done (or the consumer asked to stop). */
bool probe_done(const struct probe *p);

/* 0 after a clean run; -1 when sending failed for good or the consumer
 * returned -1; probe_error then says why. */
int probe_status(const struct probe *p);
const char *probe_error(const struct probe *p);

#endif
