/* packet: probe bytes out, reply structs in. Every read goes through a
 * cursor that knows how many bytes remain, so a short or lying datagram ends
 * in an error, never in a read past the buffer. */
#include "probe/packet.h"

#include <time.h> /* linux/errqueue.h needs struct timespec */

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define ICMP4_ECHO_REPLY 0
#define ICMP4_UNREACH 3
#define ICMP4_ECHO 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_FRAG_NEEDED 4     /* code of ICMP4_UNREACH */
#define ICMP6_UNREACH 1
#define ICMP6_TOO_BIG 2
#define IP6_FRAGMENT 44         /* next header: fragment header */
#define IP6_FRAG_HDR 8
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_ECHO 128
#define ICMP6_ECHO_REPLY 129
#define ICMP_HDR 8
#define UDP_HDR 8
#define TCP_HDR 20
#define QUOTED_TRANSPORT 8     /* what an ICMP error must quote of our header */
#define RFC4884_COMPAT_LEN 128 /* where non-compliant routers put extensions */
#define EXT_VERSION 2
#define MPLS_CLASS 1
#define MPLS_CTYPE_INCOMING 1

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* ---- checksums ---- */

/* One's complement sum, not yet folded; odd bytes pad with zero (RFC 1071). */
static uint32_t sum_words(const uint8_t *p, size_t len, uint32_t acc)
{
	for (; len >= 2; p += 2, len -= 2)
		acc += get16(p);
	if (len)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t packet_checksum(const void *data, size_t len)
{
	return (uint16_t)~fold(sum_words(data, len, 0));
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static uint32_t sum_pseudo(const struct model_addr *src, const struct model_addr *dst,
                           uint8_t proto, size_t len)
{
	size_t alen = addr_len(src->family);
	uint32_t acc = sum_words(src->bytes, alen, 0);
	acc = sum_words(dst->bytes, alen, acc);
	return acc + proto + (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
}

uint16_t packet_checksum_pseudo(const struct model_addr *src, const struct model_addr *dst,
                                uint8_t proto, const void *data, size_t len)
{
	return (uint16_t)~fold(sum_words(data, len, sum_pseudo(src, dst, proto, len)));
}

/* ---- building ---- */

static bool flow_has_src(const struct packet_flow *f)
{
	return f->src.family == f->family;
}

#define FLOW_PORT_SPAN (65536u - 1024u) /* flow ports wrap within 1024..65535 */

bool packet_is_constant(const struct packet_flow *f)
{
	return f->constant && (f->proto != MODEL_PROTO_UDP || flow_has_src(f));
}

static unsigned flow_count(const struct packet_flow *f)
{
	return f->nflows ? f->nflows : 1;
}

static bool udp_seq_in_checksum(const struct packet_flow *f)
{
	return f->proto == MODEL_PROTO_UDP &&
	       ((f->local_port && f->remote_port) || packet_is_constant(f));
}

static uint16_t flow_port(uint16_t base, unsigned k)
{
	unsigned port = (unsigned)base + k;
	return (uint16_t)(port > 65535u ? port - FLOW_PORT_SPAN : port);
}

void packet_flow_ports(const struct packet_flow *f, unsigned k, uint16_t *sport, uint16_t *dport)
{
	*sport = 0;
	*dport = 0;
	if (f->proto == MODEL_PROTO_ICMP)
		return;
	*sport = f->local_port ? f->local_port : flow_port(f->ident, k);
	if (f->proto == MODEL_PROTO_TCP)
		*dport = f->remote_port ? f->remote_port : PACKET_TCP_DEFAULT_PORT;
	else if (f->remote_port)
		*dport = f->remote_port;
	else /* only -L fixed: the destination port tells the flows apart */
		*dport = (uint16_t)(PACKET_UDP_FLOW_PORT + (f->local_port ? k : 0));
}

bool packet_flow_of_ports(const struct packet_flow *f, uint16_t sport, uint16_t dport,
                          unsigned *k)
{
	for (unsigned i = 0; i < flow_count(f); i++) {
		uint16_t s, d;
		packet_flow_ports(f, i, &s, &d);
		if (s == sport && d == dport) {
			*k = i;
			return true;
		}
	}
	return false;
}

void packet_ports(const struct packet_flow *f, uint16_t seq, uint16_t *sport, uint16_t *dport)
{
	if (packet_is_constant(f)) {
		packet_flow_ports(f, 0, sport, dport);
		return;
	}
	uint16_t carried = (uint16_t)(PACKET_PORT_BASE + seq % PACKET_SEQ_SPACE);
	*sport = 0;
	*dport = 0;
	if (f->proto == MODEL_PROTO_UDP && !f->remote_port) {
		*sport = f->local_port ? f->local_port : f->ident;
		*dport = carried;
	} else if (f->proto != MODEL_PROTO_ICMP) {
		*sport = f->local_port ? f->local_port : carried;
		*dport = f->remote_port ? f->remote_port
		       : f->proto == MODEL_PROTO_TCP ? PACKET_TCP_DEFAULT_PORT : 0;
	}
}

uint32_t packet_tcp_seq(const struct packet_flow *f, uint16_t seq)
{
	return (uint32_t)f->ident << 16 | seq;
}

static size_t transport_header_len(enum model_proto proto)
{
	return proto == MODEL_PROTO_TCP ? TCP_HDR : proto == MODEL_PROTO_UDP ? UDP_HDR : ICMP_HDR;
}

size_t packet_probe_len(const struct packet_flow *f)
{
	size_t ip = f->family == AF_INET6 ? PACKET_IP6_HDR : PACKET_IP4_HDR;
	size_t hdr = transport_header_len(f->proto);
	size_t max = PACKET_MAX - ip;
	if (f->proto == MODEL_PROTO_TCP)
		return hdr;
	size_t len = f->psize > ip + hdr ? f->psize - ip : hdr;
	bool fixed_sum = udp_seq_in_checksum(f) ||
	                 (f->proto == MODEL_PROTO_ICMP && packet_is_constant(f));
	if (fixed_sum && len < hdr + 2)
		len = hdr + 2; /* room for the word that makes the checksum come out */
	return len < max ? len : max;
}

static void fill_payload(const struct packet_flow *f, uint8_t *buf, size_t hdr, size_t len)
{
	if (len > hdr)
		memset(buf + hdr, f->pattern, len - hdr);
}

/* The ports of probe seq of flow k, in whichever layout f uses. */
static void probe_ports(const struct packet_flow *f, unsigned k, uint16_t seq, uint16_t *sport,
                        uint16_t *dport)
{
	if (packet_is_constant(f))
		packet_flow_ports(f, k, sport, dport);
	else
		packet_ports(f, seq, sport, dport);
}

static void build_icmp(const struct packet_flow *f, unsigned k, uint16_t seq, uint8_t *buf,
                       size_t len)
{
	bool v6 = f->family == AF_INET6;
	buf[0] = v6 ? ICMP6_ECHO : ICMP4_ECHO;
	buf[1] = 0;
	put16(buf + 2, 0);
	put16(buf + 4, f->ident);
	put16(buf + 6, seq);
	fill_payload(f, buf, ICMP_HDR, len);
	/* Paris traceroute's trick: seq + ~(seq + k) is -k in one's complement,
	 * so the checksum routers may hash on is the same for every probe of
	 * flow k. */
	if (packet_is_constant(f))
		put16(buf + ICMP_HDR, (uint16_t)~(seq + k));
	if (!v6)
		put16(buf + 2, packet_checksum(buf, len));
	else if (flow_has_src(f))
		put16(buf + 2, packet_checksum_pseudo(&f->src, &f->dst, IPPROTO_ICMPV6, buf, len));
}

/* mtr's trick for fixed ports: the checksum itself is the sequence number,
 * and the first payload word is whatever makes that checksum correct. */
static void udp_checksum_carries_seq(const struct packet_flow *f, uint16_t seq, uint8_t *buf,
                                     size_t len)
{
	uint16_t want = (uint16_t)(seq + 1); /* never 0, which means "no checksum" */
	put16(buf + UDP_HDR, 0);
	uint32_t acc = sum_words(buf, len, sum_pseudo(&f->src, &f->dst, IPPROTO_UDP, len));
	put16(buf + UDP_HDR, (uint16_t)~fold(acc + want));
	put16(buf + 6, want);
}

static int build_udp(const struct packet_flow *f, unsigned k, uint16_t seq, uint8_t *buf,
                     size_t len)
{
	uint16_t sport, dport;
	probe_ports(f, k, seq, &sport, &dport);
	put16(buf, sport);
	put16(buf + 2, dport);
	put16(buf + 4, (uint16_t)len);
	put16(buf + 6, 0);
	fill_payload(f, buf, UDP_HDR, len);
	if (udp_seq_in_checksum(f)) {
		if (!flow_has_src(f))
			return -1;
		udp_checksum_carries_seq(f, seq, buf, len);
	} else if (flow_has_src(f)) {
		uint16_t sum = packet_checksum_pseudo(&f->src, &f->dst, IPPROTO_UDP, buf, len);
		put16(buf + 6, sum ? sum : 0xffff);
	}
	return 0;
}

static void build_tcp(const struct packet_flow *f, unsigned k, uint16_t seq, uint8_t *buf)
{
	uint16_t sport, dport;
	probe_ports(f, k, seq, &sport, &dport);
	memset(buf, 0, TCP_HDR);
	put16(buf, sport);
	put16(buf + 2, dport);
	put32(buf + 4, packet_tcp_seq(f, seq));
	buf[12] = (TCP_HDR / 4) << 4;
	buf[13] = PACKET_TCP_SYN;
	put16(buf + 14, 65535);
	if (flow_has_src(f))
		put16(buf + 16, packet_checksum_pseudo(&f->src, &f->dst, IPPROTO_TCP, buf, TCP_HDR));
}

static bool flow_valid(const struct packet_flow *f)
{
	if (f->family != AF_INET && f->family != AF_INET6)
		return false;
	if (f->dst.family != f->family)
		return false;
	return f->proto == MODEL_PROTO_ICMP || f->proto == MODEL_PROTO_UDP ||
	       f->proto == MODEL_PROTO_TCP;
}

int packet_build_flow(const struct packet_flow *f, unsigned k, uint16_t seq, uint8_t *buf,
                      size_t cap)
{
	if (!flow_valid(f) || seq >= PACKET_SEQ_SPACE || k >= flow_count(f))
		return -1;
	size_t len = packet_probe_len(f);
	if (cap < len)
		return -1;
	if (f->proto == MODEL_PROTO_ICMP)
		build_icmp(f, k, seq, buf, len);
	else if (f->proto == MODEL_PROTO_TCP)
		build_tcp(f, k, seq, buf);
	else if (build_udp(f, k, seq, buf, len) < 0)
		return -1;
	return (int)len;
}

int packet_build(const struct packet_flow *f, uint16_t seq, uint8_t *buf, size_t cap)
{
	return packet_build_flow(f, 0, seq, buf, cap);
}

/* ---- parsing ---- */

struct cursor {
	const uint8_t *p;
	size_t n;
};

static void set_addr(struct model_addr *a, int family, const uint8_t *bytes)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->bytes, bytes, addr_len(family));
}

struct ip_info {
	uint8_t proto, ttl;
	struct model_addr src, dst;
};

/* An IPv4 header. `whole`: the datagram must be complete (a received packet),
 * else it is a quoted one whose total length may exceed what was quoted. */
static int take_ip4(struct cursor *c, bool whole, struct ip_info *ip)
{
	if (c->n < PACKET_IP4_HDR || c->p[0] >> 4 != 4)
		return -1;
	size_t hlen = (size_t)(c->p[0] & 0x0f) * 4;
	size_t total = get16(c->p + 2);
	if (hlen < PACKET_IP4_HDR || hlen > c->n || total < hlen)
		return -1;
	if ((get16(c->p + 6) & 0x1fff) != 0)
		return -1; /* a later fragment carries no transport header */
	if (whole) {
		if (total > c->n)
			return -1;
		c->n = total;
	}
	ip->ttl = c->p[8];
	ip->proto = c->p[9];
	set_addr(&ip->src, AF_INET, c->p + 12);
	set_addr(&ip->dst, AF_INET, c->p + 16);
	c->p += hlen;
	c->n -= hlen;
	return 0;
}

/* A fragment header after a quoted IPv6 header: the kernel fragments a
 * probe bigger than the path MTU it learned, and a router quotes the first
 * fragment, whose transport header follows. A later fragment names no probe. */
static int skip_ip6_fragment(struct cursor *c, struct ip_info *ip)
{
	if (c->n < IP6_FRAG_HDR || (get16(c->p + 2) & 0xfff8) != 0)
		return -1;
	ip->proto = c->p[0];
	c->p += IP6_FRAG_HDR;
	c->n -= IP6_FRAG_HDR;
	return 0;
}

/* An IPv6 header; our probes carry no extension headers but the fragment
 * header the kernel adds when it fragments one. */
static int take_ip6(struct cursor *c, bool whole, struct ip_info *ip)
{
	if (c->n < PACKET_IP6_HDR || c->p[0] >> 4 != 6)
		return -1;
	size_t payload = get16(c->p + 4);
	ip->proto = c->p[6];
	ip->ttl = c->p[7];
	set_addr(&ip->src, AF_INET6, c->p + 8);
	set_addr(&ip->dst, AF_INET6, c->p + 24);
	c->p += PACKET_IP6_HDR;
	c->n -= PACKET_IP6_HDR;
	if (whole) {
		if (payload > c->n)
			return -1;
		c->n = payload;
	}
	if (!whole && ip->proto == IP6_FRAGMENT)
		return skip_ip6_fragment(c, ip);
	return 0;
}

static int take_ip(int family, struct cursor *c, bool whole, struct ip_info *ip)
{
	return family == AF_INET ? take_ip4(c, whole, ip) : take_ip6(c, whole, ip);
}

static uint8_t icmp_proto(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

static void take_quoted_transport(const uint8_t *t, struct packet_quote *q)
{
	if (q->proto == IPPROTO_ICMP || q->proto == IPPROTO_ICMPV6) {
		q->icmp_type = t[0];
		q->icmp_id = get16(t + 4);
		q->icmp_seq = get16(t + 6);
	} else if (q->proto == IPPROTO_UDP || q->proto == IPPROTO_TCP) {
		q->sport = get16(t);
		q->dport = get16(t + 2);
		q->udp_sum = q->proto == IPPROTO_UDP ? get16(t + 6) : 0;
		q->tcp_seq = q->proto == IPPROTO_TCP ? get32(t + 4) : 0;
	}
}

static int parse_quote(int family, struct cursor c, struct packet_quote *q)
{
	struct ip_info ip;
	if (take_ip(family, &c, false, &ip) < 0 || c.n < QUOTED_TRANSPORT)
		return -1;
	q->proto = ip.proto;
	q->src = ip.src;
	q->dst = ip.dst;
	q->ttl = ip.ttl;
	take_quoted_transport(c.p, q);
	q->has_udp_word = q->proto == IPPROTO_UDP && c.n >= UDP_HDR + 2;
	q->udp_word = q->has_udp_word ? get16(c.p + UDP_HDR) : 0;
	return 0;
}

static void add_mpls_entries(struct cursor obj, struct packet_reply *r)
{
	for (; obj.n >= 4 && r->n_mpls < MODEL_MAX_MPLS; obj.p += 4, obj.n -= 4) {
		uint32_t e = get32(obj.p);
		struct model_mpls *m = &r->mpls[r->n_mpls++];
		m->label = e >> 12;
		m->tc = (uint8_t)(e >> 9 & 7);
		m->s = (uint8_t)(e >> 8 & 1);
		m->ttl = (uint8_t)e;
	}
}

/* RFC 4884 extension structure: a 4-byte header (version 2, checksum over
 * the whole structure), then objects of (length, class, c-type, data). The
 * checksum keeps a quoted payload from being read as extensions. A malformed
 * structure is ignored, not fatal: the quote before it is still good. */
static void parse_extensions(struct cursor c, struct packet_reply *r)
{
	if (c.n < 4 || c.p[0] >> 4 != EXT_VERSION || packet_checksum(c.p, c.n) != 0)
		return;
	c.p += 4;
	c.n -= 4;
	while (c.n >= 4) {
		size_t olen = get16(c.p);
		if (olen < 4 || olen > c.n)
			return;
		if (c.p[2] == MPLS_CLASS && c.p[3] == MPLS_CTYPE_INCOMING)
			add_mpls_entries((struct cursor){ c.p + 4, olen - 4 }, r);
		c.p += olen;
		c.n -= olen;
	}
}

/* Splits an ICMP error body into the quoted datagram and the extensions. The
 * RFC 4884 length (32-bit words in ICMPv4, 64-bit in ICMPv6) says where the
 * quote ends; 0 means a sender that predates it, which may still append
 * extensions after a 128-byte quote. */
static int parse_error_body(int family, const uint8_t *icmp, struct cursor body,
                            struct packet_reply *r)
{
	/* ICMPv6 packet too big has its MTU where others have the length. */
	bool v6_too_big = family == AF_INET6 && r->kind == PACKET_TOO_BIG;
	size_t words = family == AF_INET ? icmp[5] : v6_too_big ? 0 : icmp[4];
	size_t quoted = words * (family == AF_INET ? 4 : 8);
	if (quoted > body.n)
		return -1;
	if (quoted == 0 && body.n > RFC4884_COMPAT_LEN)
		quoted = RFC4884_COMPAT_LEN;
	if (quoted)
		parse_extensions((struct cursor){ body.p + quoted, body.n - quoted }, r);
	struct cursor quote = { body.p, quoted ? quoted : body.n };
	if (parse_quote(family, quote, &r->quote) < 0)
		return -1;
	r->has_quote = true;
	return 0;
}

static enum packet_kind icmp_kind(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET)
		return type == ICMP4_ECHO_REPLY ? PACKET_ECHO_REPLY
		     : type == ICMP4_TIME_EXCEEDED ? PACKET_TIME_EXCEEDED
		     : type == ICMP4_UNREACH && code == ICMP4_FRAG_NEEDED ? PACKET_TOO_BIG
		     : type == ICMP4_UNREACH ? PACKET_UNREACHABLE : PACKET_OTHER;
	return type == ICMP6_ECHO_REPLY ? PACKET_ECHO_REPLY
	     : type == ICMP6_TIME_EXCEEDED ? PACKET_TIME_EXCEEDED
	     : type == ICMP6_TOO_BIG ? PACKET_TOO_BIG
	     : type == ICMP6_UNREACH ? PACKET_UNREACHABLE : PACKET_OTHER;
}

/* The MTU a "too big" error names: ICMPv6 bytes 4-7, ICMPv4 bytes 6-7 (the
 * next-hop MTU of RFC 1191; 0 from an old router). */
static unsigned icmp_mtu(int family, const uint8_t *icmp)
{
	return family == AF_INET ? get16(icmp + 6) : (unsigned)get32(icmp + 4);
}

static int parse_icmp(int family, struct cursor c, struct packet_reply *r)
{
	if (c.n < ICMP_HDR)
		return -1;
	r->type = c.p[0];
	r->code = c.p[1];
	r->kind = icmp_kind(family, r->type, r->code);
	if (r->kind == PACKET_ECHO_REPLY) {
		r->echo_id = get16(c.p + 4);
		r->echo_seq = get16(c.p + 6);
	}
	if (r->kind == PACKET_TOO_BIG)
		r->mtu = icmp_mtu(family, c.p);
	if (r->kind != PACKET_TIME_EXCEEDED && r->kind != PACKET_UNREACHABLE &&
	    r->kind != PACKET_TOO_BIG)
		return 0;
	return parse_error_body(family, c.p, (struct cursor){ c.p + ICMP_HDR, c.n - ICMP_HDR }, r);
}

static int parse_tcp(struct cursor c, struct packet_reply *r)
{
	if (c.n < TCP_HDR)
		return -1;
	size_t off = (size_t)(c.p[12] >> 4) * 4;
	if (off < TCP_HDR || off > c.n)
		return -1;
	r->kind = PACKET_TCP_REPLY;
	r->sport = get16(c.p);
	r->dport = get16(c.p + 2);
	r->tcp_seq = get32(c.p + 4);
	r->tcp_ack = get32(c.p + 8);
	r->tcp_flags = c.p[13];
	return 0;
}

static int take_outer_ip(const struct packet_rx *rx, struct cursor *c, struct packet_reply *r)
{
	struct ip_info ip;
	if (take_ip(rx->family, c, true, &ip) < 0 || ip.proto != rx->proto)
		return -1;
	r->from = ip.src;
	r->to = ip.dst;
	r->ttl = ip.ttl;
	return 0;
}

int packet_parse(const struct packet_rx *rx, const void *buf, size_t len, struct packet_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (rx->family != AF_INET && rx->family != AF_INET6)
		return -1;
	r->family = rx->family;
	r->from = rx->from;
	struct cursor c = { buf, len };
	if (rx->ip_header && take_outer_ip(rx, &c, r) < 0)
		return -1;
	if (rx->proto == IPPROTO_TCP)
		return parse_tcp(c, r);
	if (rx->proto != icmp_proto(rx->family))
		return -1;
	return parse_icmp(rx->family, c, r);
}

/* ---- matching ---- */

static bool seq_ok(const struct packet_flow *f, uint32_t seq, uint16_t sport, uint16_t dport)
{
	if (seq >= PACKET_SEQ_SPACE)
		return false;
	unsigned k;
	if (packet_is_constant(f))
		return packet_flow_of_ports(f, sport, dport, &k);
	uint16_t want_s, want_d;
	packet_ports(f, (uint16_t)seq, &want_s, &want_d);
	return sport == want_s && dport == want_d;
}

/* What the checksum of a probe whose checksum carries its seq covers besides
 * that seq and the payload word that makes it come out: the pseudo header,
 * the header (checksum 0) and the pattern past the word. */
static uint32_t udp_fixed_sum(const struct packet_flow *f, uint16_t sport, uint16_t dport)
{
	size_t len = packet_probe_len(f);
	uint8_t head[UDP_HDR] = { 0 };
	put16(head, sport);
	put16(head + 2, dport);
	put16(head + 4, (uint16_t)len);
	uint32_t acc = sum_words(head, sizeof(head), sum_pseudo(&f->src, &f->dst, IPPROTO_UDP, len));
	size_t rest = len - UDP_HDR - 2; /* probe_len leaves room for the word */
	acc += (uint32_t)(rest / 2) * ((uint32_t)f->pattern << 8 | f->pattern);
	if (rest % 2)
		acc += (uint32_t)f->pattern << 8;
	return acc;
}

/* The seq behind the payload word udp_checksum_carries_seq wrote: a NAT
 * that rewrites the checksum (and restores the addresses and ports it
 * quotes) leaves the payload alone. word = ~fold(fixed + seq + 1), so
 * seq + 1 = ~word - fixed in one's complement. PACKET_SEQ_SPACE when the
 * quote holds no word. */
static uint32_t udp_word_seq(const struct packet_flow *f, const struct packet_quote *q)
{
	if (!q->has_udp_word)
		return PACKET_SEQ_SPACE;
	uint16_t fixed = fold(udp_fixed_sum(f, q->sport, q->dport));
	uint16_t want = fold((uint32_t)(uint16_t)~q->udp_word + (uint16_t)~fixed);
	return want == 0 || want == 0xffff ? PACKET_SEQ_SPACE : (uint32_t)want - 1;
}

uint32_t packet_quoted_seq_sent(const struct packet_flow *f, const struct packet_quote *q)
{
	return udp_seq_in_checksum(f) && q->proto == IPPROTO_UDP ? udp_word_seq(f, q) : PACKET_SEQ_SPACE;
}

/* The seq a quoted UDP header carries, wherever packet_ports put it. */
static uint32_t udp_quoted_seq(const struct packet_flow *f, const struct packet_quote *q)
{
	if (udp_seq_in_checksum(f))
		return q->has_udp_word ? udp_word_seq(f, q) : (uint32_t)q->udp_sum - 1;
	uint16_t port = f->remote_port ? q->sport : q->dport;
	return (uint32_t)port - PACKET_PORT_BASE;
}

static bool tcp_seq_decode(const struct packet_flow *f, uint32_t tcp_seq, uint16_t *seq)
{
	if (tcp_seq >> 16 != f->ident)
		return false;
	*seq = (uint16_t)tcp_seq;
	return true;
}

static bool quote_is_ours(const struct packet_flow *f, const struct packet_quote *q,
                          uint16_t *seq)
{
	if (!model_addr_equal(&q->dst, &f->dst))
		return false;
	if (flow_has_src(f) && !model_addr_equal(&q->src, &f->src))
		return false;
	if (f->proto == MODEL_PROTO_ICMP) {
		uint8_t echo = f->family == AF_INET ? ICMP4_ECHO : ICMP6_ECHO;
		*seq = q->icmp_seq;
		return q->proto == icmp_proto(f->family) && q->icmp_type == echo &&
		       q->icmp_id == f->ident && q->icmp_seq < PACKET_SEQ_SPACE;
	}
	if (f->proto == MODEL_PROTO_UDP) {
		uint32_t s = udp_quoted_seq(f, q);
		*seq = (uint16_t)s;
		return q->proto == IPPROTO_UDP && seq_ok(f, s, q->sport, q->dport);
	}
	return q->proto == IPPROTO_TCP && tcp_seq_decode(f, q->tcp_seq, seq) &&
	       seq_ok(f, *seq, q->sport, q->dport);
}

static enum packet_match match_tcp_reply(const struct packet_flow *f,
                                         const struct packet_reply *r, uint16_t *seq)
{
	bool answer = (r->tcp_flags & PACKET_TCP_RST) ||
	              (r->tcp_flags & (PACKET_TCP_SYN | PACKET_TCP_ACK)) ==
	                      (PACKET_TCP_SYN | PACKET_TCP_ACK);
	if (f->proto != MODEL_PROTO_TCP || !answer || !(r->tcp_flags & PACKET_TCP_ACK))
		return PACKET_NOT_OURS;
	if (!tcp_seq_decode(f, r->tcp_ack - 1, seq) || !seq_ok(f, *seq, r->dport, r->sport))
		return PACKET_NOT_OURS;
	return PACKET_FROM_TARGET;
}

static enum packet_match match_echo_reply(const struct packet_flow *f,
                                          const struct packet_reply *r, uint16_t *seq)
{
	if (f->proto != MODEL_PROTO_ICMP || r->echo_id != f->ident ||
	    r->echo_seq >= PACKET_SEQ_SPACE)
		return PACKET_NOT_OURS;
	*seq = r->echo_seq;
	return PACKET_FROM_TARGET;
}

enum packet_match packet_match(const struct packet_flow *f, const struct packet_reply *r,
                               uint16_t *seq)
{
	if (r->family != f->family)
		return PACKET_NOT_OURS;
	bool from_target = model_addr_equal(&r->from, &f->dst);
	switch (r->kind) {
	case PACKET_ECHO_REPLY:
		return from_target ? match_echo_reply(f, r, seq) : PACKET_NOT_OURS;
	case PACKET_TCP_REPLY:
		return from_target ? match_tcp_reply(f, r, seq) : PACKET_NOT_OURS;
	case PACKET_TIME_EXCEEDED:
	case PACKET_UNREACHABLE:
		if (!r->has_quote || !quote_is_ours(f, &r->quote, seq))
			return PACKET_NOT_OURS;
		return r->kind == PACKET_UNREACHABLE && from_target ? PACKET_FROM_TARGET
		                                                    : PACKET_FROM_HOP;
	case PACKET_TOO_BIG:
		if (!r->has_quote || !quote_is_ours(f, &r->quote, seq))
			return PACKET_NOT_OURS;
		return PACKET_TOO_BIG_AT_HOP;
	case PACKET_OTHER:
		break;
	}
	return PACKET_NOT_OURS;
}

/* ---- the error queue of a datagram ICMP socket ------------------------------ */

static bool errq_is_recverr(const struct packet_errq *q)
{
	if (q->family == AF_INET)
		return q->level == IPPROTO_IP && q->type == IP_RECVERR;
	return q->family == AF_INET6 && q->level == IPPROTO_IPV6 && q->type == IPV6_RECVERR;
}

/* The offender's address after the sock_extended_err; AF_UNSPEC when the
 * kernel names none. -1 when the message is cut short. */
static int errq_offender(const struct packet_errq *q, struct model_addr *a)
{
	const uint8_t *p = (const uint8_t *)q->data + sizeof(struct sock_extended_err);
	size_t left = q->data_len - sizeof(struct sock_extended_err);
	sa_family_t fam = AF_UNSPEC;
	memset(a, 0, sizeof(*a));
	if (left > 0 && left < sizeof(fam))
		return -1;
	if (left > 0)
		memcpy(&fam, p, sizeof(fam));
	if (fam == AF_INET && left >= sizeof(struct sockaddr_in)) {
		a->family = AF_INET;
		memcpy(a->bytes, p + offsetof(struct sockaddr_in, sin_addr), 4);
	} else if (fam == AF_INET6 && left >= sizeof(struct sockaddr_in6)) {
		a->family = AF_INET6;
		memcpy(a->bytes, p + offsetof(struct sockaddr_in6, sin6_addr), 16);
	} else if (fam == AF_INET || fam == AF_INET6) {
		return -1;
	}
	return 0;
}

static enum packet_kind errq_kind(int family, uint8_t type, uint8_t code)
{
	bool v4 = family == AF_INET;
	if (type == (v4 ? ICMP4_TIME_EXCEEDED : ICMP6_TIME_EXCEEDED))
		return PACKET_TIME_EXCEEDED;
	if (v4 ? type == ICMP4_UNREACH && code == ICMP4_FRAG_NEEDED : type == ICMP6_TOO_BIG)
		return PACKET_TOO_BIG;
	if (type == (v4 ? ICMP4_UNREACH : ICMP6_UNREACH))
		return PACKET_UNREACHABLE;
	return PACKET_OTHER;
}

int packet_parse_errqueue(const struct packet_errq *q, struct packet_reply *r)
{
	struct sock_extended_err ee;
	if (!errq_is_recverr(q) || q->data_len < sizeof(ee) || q->quote_len < ICMP_HDR)
		return -1;
	memcpy(&ee, q->data, sizeof(ee));
	if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6)
		return -1;
	memset(r, 0, sizeof(*r));
	r->kind = errq_kind(q->family, ee.ee_type, ee.ee_code);
	if (r->kind == PACKET_OTHER || errq_offender(q, &r->from) < 0)
		return -1;
	r->mtu = r->kind == PACKET_TOO_BIG ? ee.ee_info : 0;
	const uint8_t *echo = q->quote;
	r->family = q->family;
	r->type = ee.ee_type;
	r->code = ee.ee_code;
	r->has_quote = true;
	r->quote.proto = (uint8_t)(q->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	r->quote.icmp_type = echo[0];
	r->quote.icmp_id = get16(echo + 4);
	r->quote.icmp_seq = get16(echo + 6);
	return 0;
}

enum packet_match packet_match_errqueue(const struct packet_flow *f, const struct packet_reply *r,
                                        uint16_t *seq)
{
	if (r->kind != PACKET_TIME_EXCEEDED && r->kind != PACKET_UNREACHABLE &&
	    r->kind != PACKET_TOO_BIG)
		return PACKET_NOT_OURS;
	if (!r->has_quote || r->quote.icmp_seq >= PACKET_SEQ_SPACE)
		return PACKET_NOT_OURS;
	*seq = r->quote.icmp_seq;
	if (r->kind == PACKET_TOO_BIG)
		return PACKET_TOO_BIG_AT_HOP;
	bool from_target = model_addr_equal(&r->from, &f->dst);
	return r->kind == PACKET_UNREACHABLE && from_target ? PACKET_FROM_TARGET : PACKET_FROM_HOP;
}
