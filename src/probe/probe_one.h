/* probe_one: single probes on the engine's sockets, each with its own
 * destination, protocol, TTL and timeout, answered one by one: what
 * mtr-packet(8)'s send-probe asks for. It shares the engine's sockets,
 * packets (packet.h) and kernel timestamps; it has no rounds, no pacing and
 * no statistics (the caller, mtr, has them).
 *
 *     sets: probe_sockets_open once per protocol (ICMP, UDP, TCP), then
 *     privdrop_drop, then
 *     po = probe_one_new(sets, n, loop, on_answer, ctx, err, errlen);
 *     probe_one_send(po, &req, cookie) ...   each answered exactly once
 *     (reply, TTL expired, unreachable, or no reply at its timeout),
 *     through on_answer, from the loop;
 *     probe_one_free(po);
 * The sets must not carry an engine trace (probe_setup) at the same time.
 * Datagram ICMP sets (no CAP_NET_RAW) are not used: probe_one_can says no.
 *
 * RTT = kernel receive stamp - kernel send stamp, as in the engine
 * (docs/probing.md, "Time").
 * Tests: tests/unit/probe/test_probe_one.c tests/lab/t_mtrpacket.sh. */
#ifndef HOPDOC_PROBE_ONE_H
#define HOPDOC_PROBE_ONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/evloop.h"
#include "model/model.h"
#include "probe/probe.h"

#define PROBE_ONE_MAX_INFLIGHT 4096
#define PROBE_ONE_MAX_FLOWS 64    /* distinct (target, protocol, ports, size) in flight */

struct probe_one;

struct probe_one_req {
	struct model_addr dst;
	struct model_addr src;    /* AF_UNSPEC: the route's source address */
	unsigned ifindex;         /* 0: any interface */
	enum model_proto proto;
	unsigned ttl;             /* 1..255 */
	unsigned psize;           /* whole IP packet (as -s) */
	unsigned port;            /* UDP/TCP destination; 0 as packet.h says */
	unsigned local_port;      /* UDP/TCP source; 0 chosen */
	unsigned tos;             /* IPv4 TOS / IPv6 traffic class */
	uint8_t pattern;          /* payload byte */
	double timeout_s;         /* >= 0 */
};

enum probe_one_kind {
	PROBE_ONE_REPLY,          /* the target: echo reply, SYN-ACK or RST */
	PROBE_ONE_TTL_EXPIRED,    /* a hop: time exceeded */
	PROBE_ONE_UNREACHABLE,    /* destination unreachable (icmp_code says which) */
	PROBE_ONE_NO_REPLY,       /* nothing before the timeout */
};

struct probe_one_answer {
	uint64_t cookie;          /* as given to probe_one_send */
	enum probe_one_kind kind;
	bool from_target;         /* the reply came from the probe's destination */
	uint8_t icmp_code;        /* PROBE_ONE_UNREACHABLE */
	struct model_addr from;   /* AF_UNSPEC for NO_REPLY */
	int64_t rtt_ns;
	struct model_mpls mpls[MODEL_MAX_MPLS];
	unsigned n_mpls;
};

typedef void (*probe_one_fn)(void *ctx, const struct probe_one_answer *a);

/* Registers the sockets of sets[0..n-1] (one per protocol; NULL entries are
 * skipped) with loop. NULL with a message in err. */
struct probe_one *probe_one_new(struct probe_sockets *const *sets, size_t n,
                                struct evloop *loop, probe_one_fn fn, void *ctx, char *err,
                                size_t errlen);

/* Whether a probe of proto over family can be sent (raw sockets for it). */
bool probe_one_can(const struct probe_one *po, enum model_proto proto, int family);

/* Sends one probe. 0: it is in flight and will be answered once. Otherwise
 * an errno and no answer will come: ENOSPC too many probes or flows in
 * flight, EPROTONOSUPPORT no sockets for it, EINVAL a request the packet
 * code refuses, or what sendmsg said (ENETUNREACH, EPERM, EADDRNOTAVAIL...).
 * A send the kernel could not queue for now (ENOBUFS, EAGAIN) is a probe
 * lost on the way: it returns 0 and is answered NO_REPLY. */
int probe_one_send(struct probe_one *po, const struct probe_one_req *req, uint64_t cookie);

/* Probes in flight. */
unsigned probe_one_inflight(const struct probe_one *po);

/* Unregisters from the loop; probes in flight get no answer. */
void probe_one_free(struct probe_one *po);

#endif
