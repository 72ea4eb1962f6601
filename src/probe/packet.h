/* packet: building probes and parsing replies, as bytes. Pure code, no I/O.
 *
 * The engine owns sockets and timing; this module only turns (flow, seq) into
 * the bytes of a probe and a received datagram into a struct, and says whether
 * a reply answers one of the flow's probes.
 *
 * Where a probe's sequence number travels (the choice matters because an ICMP
 * error quotes only the IP header and the first 8 bytes of the transport
 * header, and because the engine must be able to send with plain sockets):
 *   ICMP: identifier = flow ident, sequence = seq.
 *   UDP:  neither port fixed:   sport = ident,       dport = 32768 + seq
 *         -P fixed, no -L:      sport = 32768 + seq, dport = remote_port
 *         -L fixed, no -P:      sport = local_port,  dport = 32768 + seq
 *         both fixed:           the UDP checksum carries seq + 1 and two
 *                               payload bytes are chosen to make it valid (as
 *                               mtr does); needs a raw socket and flow->src.
 *   TCP:  sport = local_port or 32768 + seq, dport = remote_port (80 when 0),
 *         TCP sequence number = ident << 16 | seq, so even with both ports
 *         fixed the quoted header and the SYN-ACK/RST acknowledgment (seq + 1)
 *         identify the probe.
 * With a datagram UDP socket the engine sends the payload (after the 8-byte
 * header packet_build writes) to dport from a socket bound to sport; with a
 * datagram ICMP socket the kernel replaces the identifier with the socket's
 * port, so the engine then sets flow ident to that port (getsockname).
 *
 * Constant flow (Paris traceroute), when flow->constant is set (the engine's
 * default): every probe of one flow carries the same fields ECMP routers hash
 * on (addresses, protocol, ports, and for ICMP the checksum), so a flow
 * follows one path; the sequence travels in a field routers do not hash:
 *   ICMP: identifier = ident, sequence = seq, and the first payload word is
 *         ~(seq + k), so the checksum is the same for every probe of flow k
 *         (and differs from flow to flow).
 *   UDP:  sport = local_port, else ident + k; dport = remote_port, else 33434
 *         (+ k when only -L is fixed); the checksum carries seq + 1, two
 *         payload bytes making it valid (needs flow->src; without it the
 *         layout above is used).
 *   TCP:  sport = local_port, else ident + k; dport = remote_port or 80; the
 *         TCP sequence number carries seq as above.
 * k is the flow number, 0 .. nflows-1 (--flows); a flow whose ports are all
 * fixed by -L/-P has only k = 0. Ports wrap within 1024..65535.
 *
 * Sizes follow mtr's -s: psize is the whole IP packet (IP header + transport
 * header + payload); a psize below the headers gives no payload. The payload
 * is filled with the -B pattern byte. A TCP SYN carries no payload. */
#ifndef HOPDOC_PACKET_H
#define HOPDOC_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

#define PACKET_SEQ_SPACE 32768u   /* probe seq is 0 .. PACKET_SEQ_SPACE-1 */
#define PACKET_PORT_BASE 32768u   /* a port carrying seq is PACKET_PORT_BASE + seq */
#define PACKET_TCP_DEFAULT_PORT 80
#define PACKET_IP4_HDR 20
#define PACKET_IP6_HDR 40
#define PACKET_MAX 65535

/* What is fixed for every probe of a run. */
struct packet_flow {
	int family;             /* AF_INET or AF_INET6 */
	enum model_proto proto;
	struct model_addr src;  /* local address: checksums with a pseudo-header
	                           (UDP, TCP, ICMPv6); AF_UNSPEC when unknown */
	struct model_addr dst;  /* the target */
	uint16_t ident;         /* ICMP identifier, TCP seq high half, UDP sport
	                           when neither port is fixed; best >= 1024 */
	uint16_t local_port;    /* -L; 0 when the port carries seq */
	uint16_t remote_port;   /* -P; 0: UDP dport carries seq, TCP uses 80 */
	unsigned psize;         /* -s: total IP packet size */
	uint8_t pattern;        /* -B: payload byte */
	bool constant;          /* constant-flow (Paris) layout, above */
	uint16_t nflows;        /* constant: flows 0 .. nflows-1; 0 counts as 1 */
};

#define PACKET_UDP_FLOW_PORT 33434 /* constant UDP flows' destination port */

/* The ports of flow k in the constant layout (0 and 0 for ICMP). */
void packet_flow_ports(const struct packet_flow *f, unsigned k, uint16_t *sport, uint16_t *dport);

/* Which flow of f sends from sport to dport (constant layout): true and *k,
 * or false when no flow of f does. */
bool packet_flow_of_ports(const struct packet_flow *f, uint16_t sport, uint16_t dport,
                          unsigned *k);

/* Whether f's probes use the constant layout (constant is set, and UDP has
 * the source address its checksum needs). */
bool packet_is_constant(const struct packet_flow *f);

/* When f's UDP checksum carries the seq (constant flows; mtr's layout with
 * both ports fixed): the seq q's payload word says was sent, which a NAT
 * rewriting the checksum leaves alone. PACKET_SEQ_SPACE when it cannot
 * tell (another layout, or a quote too short to hold the word). */
struct packet_quote;
uint32_t packet_quoted_seq_sent(const struct packet_flow *f, const struct packet_quote *q);

/* Writes probe seq of flow k; packet_build is flow 0. Same results. */
int packet_build_flow(const struct packet_flow *f, unsigned k, uint16_t seq, uint8_t *buf,
                      size_t cap);

/* The ports of probe seq (UDP, TCP; 0 and 0 for ICMP), flow 0. */
void packet_ports(const struct packet_flow *f, uint16_t seq, uint16_t *sport, uint16_t *dport);

/* The TCP sequence number of probe seq. */
uint32_t packet_tcp_seq(const struct packet_flow *f, uint16_t seq);

/* Bytes packet_build writes for this flow: the transport header plus payload. */
size_t packet_probe_len(const struct packet_flow *f);

/* Writes probe seq (ICMP/ICMPv6 echo request, UDP header + payload, or TCP
 * SYN header), everything after the IP header, with its checksum (ICMPv6, UDP
 * and TCP checksums need f->src; without it they are left 0, which the kernel
 * fills for ICMPv6 and UDP-over-IPv4 means "none"). Returns the length, or -1
 * when seq >= PACKET_SEQ_SPACE, cap is too small or the flow is invalid. */
int packet_build(const struct packet_flow *f, uint16_t seq, uint8_t *buf, size_t cap);

/* Internet checksum (RFC 1071) of data, as a number: store it big-endian
 * (htons). A known value: the bytes 00 01 f2 03 f4 f5 f6 f7 give 0x220d. */
uint16_t packet_checksum(const void *data, size_t len);

/* Checksum over the IPv4/IPv6 pseudo-header and data (UDP, TCP, ICMPv6). */
uint16_t packet_checksum_pseudo(const struct model_addr *src, const struct model_addr *dst,
                                uint8_t proto, const void *data, size_t len);

enum packet_kind {
	PACKET_ECHO_REPLY,
	PACKET_TIME_EXCEEDED,
	PACKET_UNREACHABLE,     /* any code; port unreachable is code 3 (v4) / 4 (v6) */
	PACKET_TCP_REPLY,       /* a TCP segment: SYN-ACK or RST answering a SYN */
	PACKET_TOO_BIG,         /* IPv4 unreachable code 4 (fragmentation needed) or
	                           ICMPv6 packet too big: `mtu` is the next link's */
	PACKET_OTHER,           /* a well-formed message we do not use */
};

/* The start of our probe as an ICMP error quotes it. */
struct packet_quote {
	uint8_t proto;          /* IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP, IPPROTO_TCP */
	struct model_addr src, dst;
	uint8_t ttl;            /* the quoted TTL / hop limit as it arrived */
	uint16_t icmp_type, icmp_id, icmp_seq;  /* quoted echo request */
	uint16_t sport, dport;  /* UDP, TCP */
	uint16_t udp_sum;       /* UDP */
	bool has_udp_word;      /* UDP: the quote reached the payload's first word */
	uint16_t udp_word;
	uint32_t tcp_seq;       /* TCP */
};

struct packet_reply {
	enum packet_kind kind;
	int family;
	uint8_t type, code;       /* ICMP type and code; 0 for TCP */
	struct model_addr from;   /* from the IP header when given one, else as
	                             the caller passed it (recvfrom's address) */
	struct model_addr to;     /* from the IP header; AF_UNSPEC without one */
	uint8_t ttl;              /* received TTL; 0 without an IP header */
	uint16_t echo_id, echo_seq;   /* PACKET_ECHO_REPLY */
	bool has_quote;               /* TIME_EXCEEDED, UNREACHABLE, TOO_BIG */
	unsigned mtu;                 /* TOO_BIG: the MTU the sender names; 0 none */
	struct packet_quote quote;
	uint16_t sport, dport;        /* PACKET_TCP_REPLY */
	uint32_t tcp_seq, tcp_ack;
	uint8_t tcp_flags;
	struct model_mpls mpls[MODEL_MAX_MPLS];  /* RFC 4950, via RFC 4884 */
	unsigned n_mpls;
};

#define PACKET_TCP_FIN 0x01
#define PACKET_TCP_SYN 0x02
#define PACKET_TCP_RST 0x04
#define PACKET_TCP_ACK 0x10

/* How a datagram came in. */
struct packet_rx {
	int family;              /* AF_INET or AF_INET6 */
	uint8_t proto;           /* socket protocol: IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP */
	bool ip_header;          /* raw IPv4 sockets deliver it; IPv6 and datagram sockets do not */
	struct model_addr from;  /* recvfrom's address; used when there is no IP header */
};

/* Parses a received datagram. Returns 0, or -1 when it is truncated or
 * malformed (wrong version, bad lengths, ICMP error quoting too little to
 * identify a probe, TCP checksum is not verified). */
int packet_parse(const struct packet_rx *rx, const void *buf, size_t len, struct packet_reply *r);

enum packet_match {
	PACKET_NOT_OURS,         /* stray, forged, or another program's */
	PACKET_FROM_HOP,         /* time exceeded (or an unreachable from a router) */
	PACKET_FROM_TARGET,      /* echo reply, unreachable from the target, SYN-ACK/RST */
	PACKET_TOO_BIG_AT_HOP,   /* a router (or the target) says our probe was too big
	                            for its next link: no answer to any TTL, but the
	                            path MTU (r->mtu) */
};

/* Whether r answers one of f's probes, and which (*seq). A quote must match
 * the flow's protocol, destination (and source when known), identifier and
 * ports; an echo reply or TCP reply must come from the target. A "too big"
 * error names the probe but never answers it: the hop that sends it is not
 * the hop the probe's TTL reached. */
enum packet_match packet_match(const struct packet_flow *f, const struct packet_reply *r,
                               uint16_t *seq);

/* One control message from a datagram ICMP socket's error queue
 * (IP_RECVERR / IPV6_RECVERR) and the bytes recvmsg returned with it. Such a
 * socket hands over ICMP errors this way, already matched to it by the
 * kernel: no IP header, the offender's address in the control message, and
 * our own echo request as the quote. */
struct packet_errq {
	int family;              /* the socket's: AF_INET or AF_INET6 */
	int level, type;         /* cmsg_level, cmsg_type */
	const void *data;        /* CMSG_DATA: struct sock_extended_err, then the
	                            offender's sockaddr_in or sockaddr_in6 */
	size_t data_len;         /* cmsg_len - CMSG_LEN(0) */
	const void *quote;       /* our echo request, from its ICMP header */
	size_t quote_len;
};

/* Decodes an ICMP time exceeded, destination unreachable or packet too big
 * (IPv4 fragmentation needed, ICMPv6 packet too big; the MTU is ee_info) from
 * the error queue into r (from = the offender, the quoted echo request in
 * r->quote). Returns 0, or -1 for anything else: another control message, an
 * error of another origin or type (the kernel queues redirects, source quench
 * and parameter problems as well), a truncated message or a quote too short
 * to name the probe. */
int packet_parse_errqueue(const struct packet_errq *q, struct packet_reply *r);

/* Whether an error-queue reply answers one of f's probes, and which (*seq).
 * The kernel matched the identifier already; the target is the one who says
 * unreachable from f->dst. */
enum packet_match packet_match_errqueue(const struct packet_flow *f, const struct packet_reply *r,
                                        uint16_t *seq);

#endif
