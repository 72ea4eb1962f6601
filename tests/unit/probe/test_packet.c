/* Packet building and parsing: probes are built by the module, then wrapped
 * here by hand-written IP headers and ICMP errors the way routers would send
 * them, parsed back and matched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <time.h> /* linux/errqueue.h needs struct timespec */

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/packet.h"

#define BUF 2048

static const char *const v4_src = "10.0.0.2", *const v4_dst = "10.9.0.1",
                         *const v4_router = "10.1.0.1";
static const char *const v6_src = "fd00::2", *const v6_dst = "fd09::1",
                         *const v6_router = "fd01::1";

static struct model_addr addr(const char *text)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(text, &a), 0);
	return a;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

static struct packet_flow flow(int family, enum model_proto proto)
{
	struct packet_flow f;
	memset(&f, 0, sizeof(f));
	f.family = family;
	f.proto = proto;
	f.src = addr(family == AF_INET ? v4_src : v6_src);
	f.dst = addr(family == AF_INET ? v4_dst : v6_dst);
	f.ident = 0x4242;
	f.psize = 64;
	return f;
}

static uint8_t proto_number(const struct packet_flow *f)
{
	if (f->proto == MODEL_PROTO_UDP)
		return IPPROTO_UDP;
	if (f->proto == MODEL_PROTO_TCP)
		return IPPROTO_TCP;
	return f->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

/* An IP header before `len` bytes already at buf + header size. */
static size_t wrap_ip(uint8_t *buf, size_t len, const struct model_addr *src,
                      const struct model_addr *dst, uint8_t proto, uint8_t ttl)
{
	if (src->family == AF_INET) {
		memset(buf, 0, PACKET_IP4_HDR);
		buf[0] = 0x45;
		put16(buf + 2, (unsigned)(len + PACKET_IP4_HDR));
		buf[8] = ttl;
		buf[9] = proto;
		memcpy(buf + 12, src->bytes, 4);
		memcpy(buf + 16, dst->bytes, 4);
		put16(buf + 10, packet_checksum(buf, PACKET_IP4_HDR));
		return len + PACKET_IP4_HDR;
	}
	memset(buf, 0, PACKET_IP6_HDR);
	buf[0] = 0x60;
	put16(buf + 4, (unsigned)len);
	buf[6] = proto;
	buf[7] = ttl;
	memcpy(buf + 8, src->bytes, 16);
	memcpy(buf + 24, dst->bytes, 16);
	return len + PACKET_IP6_HDR;
}

static size_t ip_len(int family)
{
	return family == AF_INET ? PACKET_IP4_HDR : PACKET_IP6_HDR;
}

/* The probe as it left, IP header included, at buf. */
static size_t probe_datagram(const struct packet_flow *f, uint16_t seq, uint8_t *buf)
{
	int n = packet_build(f, seq, buf + ip_len(f->family), BUF - ip_len(f->family));
	assert_true(n > 0);
	return wrap_ip(buf, (size_t)n, &f->src, &f->dst, proto_number(f), 1);
}

struct ext {
	const uint32_t *labels;
	unsigned n;
	bool rfc4884;  /* set the length field; else the 128-byte compat layout */
	bool bad_sum;
};

static size_t add_mpls_ext(uint8_t *p, const struct ext *e)
{
	memset(p, 0, 8);
	p[0] = 0x20;
	put16(p + 4, 4 + 4 * e->n);
	p[6] = 1;
	p[7] = 1;
	for (unsigned i = 0; i < e->n; i++) {
		uint32_t v = e->labels[i];
		p[8 + 4 * i] = (uint8_t)(v >> 24);
		p[9 + 4 * i] = (uint8_t)(v >> 16);
		p[10 + 4 * i] = (uint8_t)(v >> 8);
		p[11 + 4 * i] = (uint8_t)v;
	}
	size_t len = 8 + 4 * e->n;
	put16(p + 2, packet_checksum(p, len) ^ (e->bad_sum ? 1u : 0u));
	return len;
}

/* An ICMP error from `from` quoting the datagram q (qlen bytes), with an IP
 * header for IPv4 (as raw IPv4 sockets deliver) and without for IPv6. */
static size_t icmp_error(int family, uint8_t type, uint8_t code, const uint8_t *q, size_t qlen,
                         const struct ext *e, uint8_t *out)
{
	size_t ip = family == AF_INET ? PACKET_IP4_HDR : 0;
	uint8_t *m = out + ip;
	memset(m, 0, 8);
	m[0] = type;
	m[1] = code;
	size_t body = qlen;
	memcpy(m + 8, q, qlen);
	if (e) {
		size_t unit = family == AF_INET ? 4 : 8;
		size_t padded = e->rfc4884 ? (qlen + unit - 1) / unit * unit : 128;
		if (padded < 128)
			padded = 128;
		memset(m + 8 + qlen, 0, padded - qlen);
		if (e->rfc4884)
			m[family == AF_INET ? 5 : 4] = (uint8_t)(padded / unit);
		body = padded + add_mpls_ext(m + 8 + padded, e);
	}
	size_t len = 8 + body;
	if (family == AF_INET) {
		put16(m + 2, packet_checksum(m, len));
		struct model_addr from = addr(v4_router), to = addr(v4_src);
		return wrap_ip(out, len, &from, &to, IPPROTO_ICMP, 250);
	}
	return len;
}

static struct packet_rx rx_for(int family, uint8_t proto, const char *from)
{
	struct packet_rx rx = { .family = family, .proto = proto,
	                        .ip_header = family == AF_INET };
	if (family == AF_INET6)
		rx.from = addr(from);
	return rx;
}

static uint8_t icmp_of(int family)
{
	return family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

static uint8_t time_exceeded(int family)
{
	return family == AF_INET ? 11 : 3;
}

static uint8_t port_unreachable_code(int family)
{
	return family == AF_INET ? 3 : 4;
}

/* ---- checksums ---- */

static void checksum_known_values(void **state)
{
	(void)state;
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(packet_checksum(rfc1071, sizeof(rfc1071)), 0x220d);
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 }; /* 0x0102 + 0x0300 */
	assert_int_equal(packet_checksum(odd, sizeof(odd)), 0xfbfd);
	static const uint8_t zero[4] = { 0 };
	assert_int_equal(packet_checksum(zero, sizeof(zero)), 0xffff);
	/* An IPv4 header from a capture, checksum 0xb861 (RFC 1071 worked example
	 * found in many references). */
	static const uint8_t iphdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	                                 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	assert_int_equal(packet_checksum(iphdr, sizeof(iphdr)), 0xb861);
}

static void pseudo_checksum_known_value(void **state)
{
	(void)state;
	/* UDP 10.0.0.1:1 -> 10.0.0.2:2, no payload: pseudo 0x0a00+0x0001+0x0a00+
	 * 0x0002+0x0011+0x0008, header 0x0001+0x0002+0x0008 = 0x1427, ~ = 0xebd8 */
	struct model_addr s = addr("10.0.0.1"), d = addr("10.0.0.2");
	static const uint8_t udp[] = { 0, 1, 0, 2, 0, 8, 0, 0 };
	assert_int_equal(packet_checksum_pseudo(&s, &d, IPPROTO_UDP, udp, sizeof(udp)), 0xebd8);
}

/* ---- building ---- */

static void icmp4_echo_request_layout(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	f.pattern = 0xa5;
	uint8_t b[BUF];
	assert_int_equal(packet_probe_len(&f), 44); /* mtr: -s 64 is the IP packet */
	assert_int_equal(packet_build(&f, 7, b, sizeof(b)), 44);
	assert_int_equal(b[0], 8);
	assert_int_equal(b[1], 0);
	assert_int_equal(get16(b + 4), 0x4242);
	assert_int_equal(get16(b + 6), 7);
	for (size_t i = 8; i < 44; i++)
		assert_int_equal(b[i], 0xa5);
	assert_int_equal(packet_checksum(b, 44), 0);
}

static void icmp6_echo_request_layout(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET6, MODEL_PROTO_ICMP);
	f.psize = 100;
	uint8_t b[BUF];
	assert_int_equal(packet_build(&f, 9, b, sizeof(b)), 60);
	assert_int_equal(b[0], 128);
	assert_int_equal(get16(b + 6), 9);
	assert_int_equal(packet_checksum_pseudo(&f.src, &f.dst, IPPROTO_ICMPV6, b, 60), 0);
	f.src.family = AF_UNSPEC; /* the kernel will fill it */
	assert_int_equal(packet_build(&f, 9, b, sizeof(b)), 60);
	assert_int_equal(get16(b + 2), 0);
}

static void sizes_follow_mtr(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	f.psize = 10; /* below the headers: header only */
	assert_int_equal(packet_probe_len(&f), 8);
	f.psize = 1500;
	assert_int_equal(packet_probe_len(&f), 1480);
	f.family = AF_INET6;
	assert_int_equal(packet_probe_len(&f), 1460);
	f.proto = MODEL_PROTO_TCP;
	assert_int_equal(packet_probe_len(&f), 20);
	f.psize = 70000;
	f.proto = MODEL_PROTO_UDP;
	assert_int_equal(packet_probe_len(&f), PACKET_MAX - PACKET_IP6_HDR);
}

static void build_rejects_bad_input(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	uint8_t b[BUF];
	assert_int_equal(packet_build(&f, PACKET_SEQ_SPACE, b, sizeof(b)), -1);
	assert_int_equal(packet_build(&f, 1, b, 43), -1);
	f.family = AF_UNIX;
	assert_int_equal(packet_build(&f, 1, b, sizeof(b)), -1);
	f = flow(AF_INET, MODEL_PROTO_UDP);
	f.dst = addr(v6_dst);
	assert_int_equal(packet_build(&f, 1, b, sizeof(b)), -1);
	f = flow(AF_INET, MODEL_PROTO_UDP);
	f.local_port = 5000;
	f.remote_port = 53;
	f.src.family = AF_UNSPEC; /* seq in the checksum needs the source */
	assert_int_equal(packet_build(&f, 1, b, sizeof(b)), -1);
}

struct port_case {
	uint16_t local, remote;
	uint16_t want_sport, want_dport; /* for seq 5 */
};

static const struct port_case udp_cases[] = {
	{ 0, 0, 0x4242, 32773 },
	{ 0, 53, 32773, 53 },
	{ 5000, 0, 5000, 32773 },
	{ 5000, 53, 5000, 53 },
};

static void udp_ports_and_checksum(void **state)
{
	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		for (size_t i = 0; i < sizeof(udp_cases) / sizeof(udp_cases[0]); i++) {
			struct packet_flow f = flow(fam ? AF_INET6 : AF_INET, MODEL_PROTO_UDP);
			f.local_port = udp_cases[i].local;
			f.remote_port = udp_cases[i].remote;
			uint8_t b[BUF];
			int n = packet_build(&f, 5, b, sizeof(b));
			assert_int_equal(n, 64 - (int)ip_len(f.family) - 8 + 8);
			assert_int_equal(get16(b), udp_cases[i].want_sport);
			assert_int_equal(get16(b + 2), udp_cases[i].want_dport);
			assert_int_equal(get16(b + 4), n);
			assert_int_equal(packet_checksum_pseudo(&f.src, &f.dst, IPPROTO_UDP, b,
			                                        (size_t)n), 0);
			if (f.local_port && f.remote_port)
				assert_int_equal(get16(b + 6), 6);
		}
	}
}

static void tcp_syn_layout(void **state)
{
	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		struct packet_flow f = flow(fam ? AF_INET6 : AF_INET, MODEL_PROTO_TCP);
		uint8_t b[BUF];
		assert_int_equal(packet_build(&f, 300, b, sizeof(b)), 20);
		assert_int_equal(get16(b), 32768 + 300);
		assert_int_equal(get16(b + 2), 80);
		assert_int_equal(get16(b + 4), 0x4242);
		assert_int_equal(get16(b + 6), 300);
		assert_int_equal(b[12], 0x50);
		assert_int_equal(b[13], PACKET_TCP_SYN);
		assert_int_equal(packet_checksum_pseudo(&f.src, &f.dst, IPPROTO_TCP, b, 20), 0);
		f.local_port = 4444;
		f.remote_port = 443;
		assert_int_equal(packet_build(&f, 300, b, sizeof(b)), 20);
		assert_int_equal(get16(b), 4444);
		assert_int_equal(get16(b + 2), 443);
	}
}

/* ---- round trips through ICMP errors ---- */

struct kind {
	int family;
	enum model_proto proto;
	uint16_t local, remote;
};

static const struct kind kinds[] = {
	{ AF_INET, MODEL_PROTO_ICMP, 0, 0 },  { AF_INET6, MODEL_PROTO_ICMP, 0, 0 },
	{ AF_INET, MODEL_PROTO_UDP, 0, 0 },   { AF_INET6, MODEL_PROTO_UDP, 0, 0 },
	{ AF_INET, MODEL_PROTO_UDP, 0, 53 },  { AF_INET6, MODEL_PROTO_UDP, 0, 53 },
	{ AF_INET, MODEL_PROTO_UDP, 7, 0 },   { AF_INET6, MODEL_PROTO_UDP, 7, 0 },
	{ AF_INET, MODEL_PROTO_UDP, 7, 53 },  { AF_INET6, MODEL_PROTO_UDP, 7, 53 },
	{ AF_INET, MODEL_PROTO_TCP, 0, 0 },   { AF_INET6, MODEL_PROTO_TCP, 0, 0 },
	{ AF_INET, MODEL_PROTO_TCP, 9, 443 }, { AF_INET6, MODEL_PROTO_TCP, 9, 443 },
};
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static struct packet_flow flow_of(const struct kind *k)
{
	struct packet_flow f = flow(k->family, k->proto);
	f.local_port = k->local;
	f.remote_port = k->remote;
	return f;
}

static void time_exceeded_quotes_every_probe_kind(void **state)
{
	(void)state;
	static const uint16_t seqs[] = { 0, 1, 33, 4095, PACKET_SEQ_SPACE - 1 };
	for (size_t k = 0; k < N_KINDS; k++) {
		struct packet_flow f = flow_of(&kinds[k]);
		for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
			uint8_t probe[BUF], msg[BUF];
			size_t plen = probe_datagram(&f, seqs[s], probe);
			/* Routers quote at least the IP header and 8 bytes. */
			size_t qlen = ip_len(f.family) + 8;
			size_t n = icmp_error(f.family, time_exceeded(f.family), 0, probe,
			                      s % 2 ? plen : qlen, NULL, msg);
			struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
			struct packet_reply r;
			assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
			assert_int_equal(r.kind, PACKET_TIME_EXCEEDED);
			assert_true(r.has_quote);
			assert_true(model_addr_equal(&r.quote.dst, &f.dst));
			assert_int_equal(r.quote.ttl, 1);
			struct model_addr router = addr(f.family == AF_INET ? v4_router : v6_router);
			assert_true(model_addr_equal(&r.from, &router));
			uint16_t got = 0xffff;
			assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
			assert_int_equal(got, seqs[s]);
		}
	}
}

static void port_unreachable_from_target_reaches_it(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		struct packet_flow f = flow_of(&kinds[k]);
		uint8_t probe[BUF], msg[BUF];
		size_t plen = probe_datagram(&f, 77, probe);
		size_t n = icmp_error(f.family, f.family == AF_INET ? 3 : 1,
		                      port_unreachable_code(f.family), probe, plen, NULL, msg);
		if (f.family == AF_INET) /* the target, not a router, answers */
			memcpy(msg + 12, f.dst.bytes, 4);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_dst);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
		assert_int_equal(r.kind, PACKET_UNREACHABLE);
		assert_int_equal(r.code, port_unreachable_code(f.family));
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_TARGET);
		assert_int_equal(got, 77);
	}
}

static void unreachable_from_router_is_a_hop(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_UDP);
	uint8_t probe[BUF], msg[BUF];
	size_t plen = probe_datagram(&f, 3, probe);
	size_t n = icmp_error(AF_INET, 3, 1, probe, plen, NULL, msg); /* host unreachable */
	struct packet_rx rx = rx_for(AF_INET, IPPROTO_ICMP, NULL);
	struct packet_reply r;
	uint16_t got;
	assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
	assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
	assert_int_equal(got, 3);
}

static void echo_reply_round_trip(void **state)
{
	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		struct packet_flow f = flow(fam ? AF_INET6 : AF_INET, MODEL_PROTO_ICMP);
		uint8_t b[BUF];
		size_t ip = fam ? 0 : PACKET_IP4_HDR;
		int n = packet_build(&f, 1234, b + ip, sizeof(b) - ip);
		b[ip] = fam ? 129 : 0; /* the target turns the request around */
		size_t len = (size_t)n;
		if (!fam)
			len = wrap_ip(b, len, &f.dst, &f.src, IPPROTO_ICMP, 64);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_dst);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, b, len, &r), 0);
		assert_int_equal(r.kind, PACKET_ECHO_REPLY);
		assert_int_equal(r.echo_id, 0x4242);
		assert_int_equal(r.echo_seq, 1234);
		assert_true(model_addr_equal(&r.from, &f.dst));
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_TARGET);
		assert_int_equal(got, 1234);
		if (!fam)
			assert_int_equal(r.ttl, 64);
	}
}

/* A TCP segment from the target answering probe seq. */
static size_t tcp_answer(const struct packet_flow *f, uint16_t seq, uint8_t flags,
                         uint32_t ack_delta, uint8_t *b)
{
	uint16_t sport, dport;
	packet_ports(f, seq, &sport, &dport);
	size_t ip = f->family == AF_INET ? PACKET_IP4_HDR : 0;
	uint8_t *t = b + ip;
	memset(t, 0, 20);
	put16(t, dport);
	put16(t + 2, sport);
	put16(t + 4, 0xdead);
	uint32_t ack = packet_tcp_seq(f, seq) + ack_delta;
	put16(t + 8, ack >> 16);
	put16(t + 10, ack & 0xffff);
	t[12] = 0x50;
	t[13] = flags;
	return ip ? wrap_ip(b, 20, &f->dst, &f->src, IPPROTO_TCP, 60) : 20;
}

static void tcp_replies_match_their_syn(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		if (kinds[k].proto != MODEL_PROTO_TCP)
			continue;
		struct packet_flow f = flow_of(&kinds[k]);
		struct packet_rx rx = rx_for(f.family, IPPROTO_TCP, v6_dst);
		struct packet_reply r;
		uint16_t got = 0;
		uint8_t b[BUF];
		size_t n = tcp_answer(&f, 55, PACKET_TCP_SYN | PACKET_TCP_ACK, 1, b);
		assert_int_equal(packet_parse(&rx, b, n, &r), 0);
		assert_int_equal(r.kind, PACKET_TCP_REPLY);
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_TARGET);
		assert_int_equal(got, 55);
		n = tcp_answer(&f, 56, PACKET_TCP_RST | PACKET_TCP_ACK, 1, b);
		assert_int_equal(packet_parse(&rx, b, n, &r), 0);
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_TARGET);
		assert_int_equal(got, 56);
		n = tcp_answer(&f, 56, PACKET_TCP_RST | PACKET_TCP_ACK, 0x10001, b); /* not our ident */
		assert_int_equal(packet_parse(&rx, b, n, &r), 0);
		assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
		n = tcp_answer(&f, 56, PACKET_TCP_SYN, 1, b); /* a SYN is no answer */
		assert_int_equal(packet_parse(&rx, b, n, &r), 0);
		assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
	}
}

/* ---- stray and forged ---- */

static enum packet_match match_error_from(const struct packet_flow *probe_flow,
                                          const struct packet_flow *our_flow)
{
	uint8_t probe[BUF], msg[BUF];
	size_t plen = probe_datagram(probe_flow, 10, probe);
	size_t n = icmp_error(probe_flow->family, time_exceeded(probe_flow->family), 0, probe,
	                      plen, NULL, msg);
	struct packet_rx rx = rx_for(probe_flow->family, icmp_of(probe_flow->family), v6_router);
	struct packet_reply r;
	uint16_t got;
	assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
	return packet_match(our_flow, &r, &got);
}

static void strays_are_not_ours(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		struct packet_flow ours = flow_of(&kinds[k]), other = ours;
		other.ident = 0x1111; /* another program's probe */
		if (ours.proto == MODEL_PROTO_UDP && (ours.local_port || ours.remote_port))
			other.local_port = other.remote_port = 0, other.ident = 0x9999;
		assert_int_equal(match_error_from(&other, &ours), PACKET_NOT_OURS);
		other = ours;
		other.dst = addr(ours.family == AF_INET ? "10.9.9.9" : "fd09::9");
		assert_int_equal(match_error_from(&other, &ours), PACKET_NOT_OURS);
		other = ours;
		other.src = addr(ours.family == AF_INET ? "10.0.0.3" : "fd00::3");
		assert_int_equal(match_error_from(&other, &ours), PACKET_NOT_OURS);
		other = ours;
		other.proto = ours.proto == MODEL_PROTO_ICMP ? MODEL_PROTO_UDP : MODEL_PROTO_ICMP;
		assert_int_equal(match_error_from(&other, &ours), PACKET_NOT_OURS);
		struct packet_flow v6 = ours;
		v6.family = ours.family == AF_INET ? AF_INET6 : AF_INET;
		assert_int_equal(match_error_from(&ours, &v6), PACKET_NOT_OURS);
	}
}

static void echo_reply_from_elsewhere_or_other_types_is_not_ours(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	uint8_t b[BUF];
	int n = packet_build(&f, 3, b + PACKET_IP4_HDR, sizeof(b) - PACKET_IP4_HDR);
	struct model_addr other = addr("10.5.5.5");
	b[PACKET_IP4_HDR] = 0;
	size_t len = wrap_ip(b, (size_t)n, &other, &f.src, IPPROTO_ICMP, 64);
	struct packet_rx rx = rx_for(AF_INET, IPPROTO_ICMP, NULL);
	struct packet_reply r;
	uint16_t got;
	assert_int_equal(packet_parse(&rx, b, len, &r), 0);
	assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
	/* Our own echo request seen on a raw socket (loopback) is not a reply. */
	b[PACKET_IP4_HDR] = 8;
	len = wrap_ip(b, (size_t)n, &f.dst, &f.src, IPPROTO_ICMP, 64);
	assert_int_equal(packet_parse(&rx, b, len, &r), 0);
	assert_int_equal(r.kind, PACKET_OTHER);
	assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
	/* An echo reply with a sequence outside our space. */
	f.ident = 0x4242;
	b[PACKET_IP4_HDR] = 0;
	put16(b + PACKET_IP4_HDR + 6, PACKET_SEQ_SPACE + 1);
	assert_int_equal(packet_parse(&rx, b, len, &r), 0);
	assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
}

/* ---- MPLS ---- */

static uint32_t mpls_entry(uint32_t label, unsigned tc, unsigned s, unsigned ttl)
{
	return label << 12 | tc << 9 | s << 8 | ttl;
}

static void mpls_labels_are_extracted(void **state)
{
	(void)state;
	const uint32_t labels[] = { mpls_entry(16004, 0, 0, 254), mpls_entry(1048575, 5, 1, 1) };
	for (int fam = 0; fam < 2; fam++) {
		for (int layout = 0; layout < 3; layout++) {
			struct packet_flow f = flow(fam ? AF_INET6 : AF_INET, MODEL_PROTO_UDP);
			struct ext e = { labels, 2, layout != 1, layout == 2 };
			uint8_t probe[BUF], msg[BUF];
			size_t plen = probe_datagram(&f, 8, probe);
			size_t n = icmp_error(f.family, time_exceeded(f.family), 0, probe, plen,
			                      &e, msg);
			struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
			struct packet_reply r;
			uint16_t got;
			assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
			assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
			assert_int_equal(got, 8);
			if (layout == 2) { /* a bad extension checksum drops only the labels */
				assert_int_equal(r.n_mpls, 0);
				continue;
			}
			assert_int_equal(r.n_mpls, 2);
			assert_int_equal(r.mpls[0].label, 16004);
			assert_int_equal(r.mpls[0].tc, 0);
			assert_int_equal(r.mpls[0].s, 0);
			assert_int_equal(r.mpls[0].ttl, 254);
			assert_int_equal(r.mpls[1].label, 1048575);
			assert_int_equal(r.mpls[1].tc, 5);
			assert_int_equal(r.mpls[1].s, 1);
			assert_int_equal(r.mpls[1].ttl, 1);
		}
	}
}

static void mpls_stack_is_bounded(void **state)
{
	(void)state;
	uint32_t labels[20];
	for (unsigned i = 0; i < 20; i++)
		labels[i] = mpls_entry(100 + i, 0, i == 19, 64);
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	struct ext e = { labels, 20, true, false };
	uint8_t probe[BUF], msg[BUF];
	size_t plen = probe_datagram(&f, 8, probe);
	size_t n = icmp_error(AF_INET, 11, 0, probe, plen, &e, msg);
	struct packet_rx rx = rx_for(AF_INET, IPPROTO_ICMP, NULL);
	struct packet_reply r;
	assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
	assert_int_equal(r.n_mpls, MODEL_MAX_MPLS);
	assert_int_equal(r.mpls[MODEL_MAX_MPLS - 1].label, 100 + MODEL_MAX_MPLS - 1);
}

/* ---- truncated and malformed ---- */

/* Every prefix of a valid message: IPv4 (with its IP header's total length)
 * must be rejected; IPv6 (no outer header) must be rejected while the quote
 * is incomplete and otherwise still match the same probe or none. */
static void every_truncation_is_safe(void **state)
{
	(void)state;
	const uint32_t labels[] = { mpls_entry(17, 0, 1, 3) };
	for (size_t k = 0; k < N_KINDS; k++) {
		struct packet_flow f = flow_of(&kinds[k]);
		struct ext e = { labels, 1, true, false };
		uint8_t probe[BUF], msg[BUF];
		size_t plen = probe_datagram(&f, 21, probe);
		size_t n = icmp_error(f.family, time_exceeded(f.family), 0, probe, plen, &e, msg);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
		for (size_t cut = 0; cut < n; cut++) {
			uint8_t *copy = test_malloc(cut ? cut : 1); /* ASan sees the exact end */
			memcpy(copy, msg, cut);
			struct packet_reply r;
			int rc = packet_parse(&rx, copy, cut, &r);
			size_t needed = 8 + ip_len(f.family) + 8;
			if (f.family == AF_INET || cut < needed) {
				assert_int_equal(rc, -1);
			} else if (rc == 0) {
				uint16_t got = 0;
				enum packet_match m = packet_match(&f, &r, &got);
				assert_true(m == PACKET_NOT_OURS || (m == PACKET_FROM_HOP && got == 21));
			}
			test_free(copy);
		}
	}
}

static void parse_one(const struct packet_rx *rx, const uint8_t *b, size_t n, int want)
{
	struct packet_reply r;
	assert_int_equal(packet_parse(rx, b, n, &r), want);
}

static void malformed_headers_are_rejected(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	uint8_t probe[BUF], msg[BUF], bad[BUF];
	size_t plen = probe_datagram(&f, 4, probe);
	size_t n = icmp_error(AF_INET, 11, 0, probe, plen, NULL, msg);
	struct packet_rx rx = rx_for(AF_INET, IPPROTO_ICMP, NULL);
	parse_one(&rx, msg, n, 0);
	memcpy(bad, msg, n);
	bad[0] = 0x65; /* version 6 in an IPv4 socket */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	bad[0] = 0x44; /* header shorter than 20 bytes */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	bad[0] = 0x4f; /* 60-byte header: ends inside the ICMP message */
	parse_one(&rx, bad, 50, -1);
	memcpy(bad, msg, n);
	put16(bad + 2, (unsigned)n + 1); /* claims more than arrived */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	put16(bad + 2, 10); /* total shorter than the header */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	put16(bad + 6, 0x0010); /* a later fragment */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	bad[9] = IPPROTO_UDP; /* not what the socket carries */
	parse_one(&rx, bad, n, -1);
	memcpy(bad, msg, n);
	bad[PACKET_IP4_HDR + 8] = 0x46; /* quoted header claims options it lacks */
	put16(bad + 2, 20 + 8 + 28);
	parse_one(&rx, bad, 20 + 8 + 28, -1);
	bad[PACKET_IP4_HDR + 8] = 0x45; /* the same quote without options is fine */
	parse_one(&rx, bad, 20 + 8 + 28, 0);
	memcpy(bad, msg, n);
	bad[PACKET_IP4_HDR + 5] = 200; /* RFC 4884 length past the end */
	parse_one(&rx, bad, n, -1);
	struct packet_rx v6 = rx_for(AF_INET6, IPPROTO_ICMPV6, v6_router);
	struct packet_flow f6 = flow(AF_INET6, MODEL_PROTO_ICMP);
	plen = probe_datagram(&f6, 4, probe);
	n = icmp_error(AF_INET6, 3, 0, probe, plen, NULL, msg);
	parse_one(&v6, msg, n, 0);
	msg[8] = 0x40; /* quoted version 4 in an ICMPv6 error */
	parse_one(&v6, msg, n, -1);
	struct packet_rx bogus = { .family = AF_UNIX, .proto = IPPROTO_ICMP };
	parse_one(&bogus, msg, n, -1);
	struct packet_rx wrong = { .family = AF_INET6, .proto = IPPROTO_ICMP };
	parse_one(&wrong, msg, n, -1);
}

static void malformed_tcp_is_rejected(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET6, MODEL_PROTO_TCP);
	struct packet_rx rx = rx_for(AF_INET6, IPPROTO_TCP, v6_dst);
	uint8_t b[BUF];
	size_t n = tcp_answer(&f, 1, PACKET_TCP_SYN | PACKET_TCP_ACK, 1, b);
	parse_one(&rx, b, n, 0);
	parse_one(&rx, b, 19, -1);
	b[12] = 0x40; /* data offset 16 bytes */
	parse_one(&rx, b, n, -1);
	b[12] = 0x60; /* options claimed, not present */
	parse_one(&rx, b, n, -1);
	b[12] = 0x60;
	memset(b + 20, 1, 4);
	parse_one(&rx, b, 24, 0);
}

static void other_icmp_is_parsed_but_unused(void **state)
{
	(void)state;
	uint8_t m[16] = { 137, 0 }; /* ICMPv6 redirect */
	struct packet_rx rx = rx_for(AF_INET6, IPPROTO_ICMPV6, v6_router);
	struct packet_reply r;
	assert_int_equal(packet_parse(&rx, m, sizeof(m), &r), 0);
	assert_int_equal(r.kind, PACKET_OTHER);
	assert_false(r.has_quote);
	parse_one(&rx, m, 7, -1);
}

/* ---- the error queue of a datagram ICMP socket ------------------------------ */

/* A control message as the kernel writes it (sock_extended_err, then the
 * offender's sockaddr) and our echo request as the quote. */
struct errq_msg {
	uint8_t data[sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6)];
	uint8_t echo[64];
	struct packet_errq q;
};

static void errq_build(struct errq_msg *m, int family, uint8_t type, uint8_t code,
                       const char *offender, uint16_t seq)
{
	memset(m, 0, sizeof(*m));
	struct sock_extended_err ee = { .ee_origin = family == AF_INET ? SO_EE_ORIGIN_ICMP
	                                                               : SO_EE_ORIGIN_ICMP6,
		                        .ee_type = type, .ee_code = code };
	memcpy(m->data, &ee, sizeof(ee));
	struct model_addr a = addr(offender);
	size_t len = sizeof(ee);
	if (family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		memcpy(&sin.sin_addr, a.bytes, 4);
		memcpy(m->data + sizeof(ee), &sin, sizeof(sin));
		len += sizeof(sin);
	} else {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
		memcpy(&sin6.sin6_addr, a.bytes, 16);
		memcpy(m->data + sizeof(ee), &sin6, sizeof(sin6));
		len += sizeof(sin6);
	}
	m->echo[0] = family == AF_INET ? 8 : 128;
	put16(m->echo + 4, 0x4242);
	put16(m->echo + 6, seq);
	m->q = (struct packet_errq){ .family = family,
		                     .level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		                     .type = family == AF_INET ? IP_RECVERR : IPV6_RECVERR,
		                     .data = m->data, .data_len = len, .quote = m->echo,
		                     .quote_len = 8 + 36 };
}

static void errqueue_time_exceeded_is_a_hop(void **state)
{
	(void)state;
	const int fam[2] = { AF_INET, AF_INET6 };
	const uint8_t te[2] = { 11, 3 };
	for (int i = 0; i < 2; i++) {
		struct packet_flow f = flow(fam[i], MODEL_PROTO_ICMP);
		const char *router = fam[i] == AF_INET ? v4_router : v6_router;
		struct errq_msg m;
		errq_build(&m, fam[i], te[i], 0, router, 1234);
		struct packet_reply r;
		assert_int_equal(packet_parse_errqueue(&m.q, &r), 0);
		assert_int_equal(r.kind, PACKET_TIME_EXCEEDED);
		assert_int_equal(r.family, fam[i]);
		assert_int_equal(r.type, te[i]);
		struct model_addr want = addr(router);
		assert_true(model_addr_equal(&r.from, &want));
		assert_int_equal(r.quote.icmp_seq, 1234);
		assert_int_equal(r.quote.icmp_id, 0x4242);
		uint16_t seq = 0;
		assert_int_equal(packet_match_errqueue(&f, &r, &seq), PACKET_FROM_HOP);
		assert_int_equal(seq, 1234);
	}
}

static void errqueue_unreachable_from_the_target_reaches_it(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	struct errq_msg m;
	errq_build(&m, AF_INET, 3, 3, v4_dst, 7);
	struct packet_reply r;
	uint16_t seq = 0;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), 0);
	assert_int_equal(r.kind, PACKET_UNREACHABLE);
	assert_int_equal(r.code, 3);
	assert_int_equal(packet_match_errqueue(&f, &r, &seq), PACKET_FROM_TARGET);
	assert_int_equal(seq, 7);
	/* The same from a router is a hop. */
	errq_build(&m, AF_INET, 3, 1, v4_router, 7);
	assert_int_equal(packet_parse_errqueue(&m.q, &r), 0);
	assert_int_equal(packet_match_errqueue(&f, &r, &seq), PACKET_FROM_HOP);
}

static void errqueue_rejects_what_answers_no_probe(void **state)
{
	(void)state;
	struct errq_msg m;
	struct packet_reply r;
	/* Redirect, parameter problem: queued too, not answers (packet too big
	 * is decoded for the path MTU: errqueue_too_big_is_no_answer). */
	errq_build(&m, AF_INET, 5, 0, v4_router, 1);
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	errq_build(&m, AF_INET6, 4, 0, v6_router, 1);
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	/* Another origin (a local error, a TX stamp). */
	errq_build(&m, AF_INET, 11, 0, v4_router, 1);
	m.data[offsetof(struct sock_extended_err, ee_origin)] = SO_EE_ORIGIN_LOCAL;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	m.data[offsetof(struct sock_extended_err, ee_origin)] = SO_EE_ORIGIN_TIMESTAMPING;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	/* Another control message, or one for the other family. */
	errq_build(&m, AF_INET, 11, 0, v4_router, 1);
	m.q.type = IP_TTL;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	errq_build(&m, AF_INET, 11, 0, v4_router, 1);
	m.q.family = AF_INET6;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	/* A quote too short to hold the echo sequence. */
	errq_build(&m, AF_INET, 11, 0, v4_router, 1);
	m.q.quote_len = 7;
	assert_int_equal(packet_parse_errqueue(&m.q, &r), -1);
	/* A sequence we never send is nobody's. */
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	errq_build(&m, AF_INET, 11, 0, v4_router, PACKET_SEQ_SPACE + 1);
	assert_int_equal(packet_parse_errqueue(&m.q, &r), 0);
	uint16_t seq = 0;
	assert_int_equal(packet_match_errqueue(&f, &r, &seq), PACKET_NOT_OURS);
}

static void errqueue_truncation_is_safe(void **state)
{
	(void)state;
	struct errq_msg m;
	struct packet_reply r;
	errq_build(&m, AF_INET6, 3, 0, v6_router, 1);
	size_t full = m.q.data_len;
	for (size_t n = 0; n < full; n++) {
		m.q.data_len = n;
		/* Without the whole offender address nothing is taken. */
		int want = n == sizeof(struct sock_extended_err) ? 0 : -1;
		assert_int_equal(packet_parse_errqueue(&m.q, &r), want);
		if (want == 0)
			assert_int_equal(r.from.family, AF_UNSPEC); /* the kernel named none */
	}
}

/* ---- "too big": the path MTU, never an answer ------------------------------ */

/* A "fragmentation needed" (IPv4, 3/4) or "packet too big" (ICMPv6, 2) from
 * a router, naming mtu and quoting the probe (qlen bytes of it). */
static size_t too_big(int family, const uint8_t *probe, size_t qlen, unsigned mtu, uint8_t *out)
{
	size_t n = icmp_error(family, family == AF_INET ? 3 : 2, family == AF_INET ? 4 : 0, probe,
	                      qlen, NULL, out);
	if (family == AF_INET6) {
		put16(out + 4, mtu >> 16);
		put16(out + 6, mtu & 0xffff);
		return n;
	}
	uint8_t *m = out + PACKET_IP4_HDR;
	put16(m + 6, mtu);
	put16(m + 2, 0);
	put16(m + 2, packet_checksum(m, n - PACKET_IP4_HDR));
	return n;
}

static void too_big_names_the_probe_but_answers_no_ttl(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		struct packet_flow f = flow_of(&kinds[k]);
		uint8_t probe[BUF], msg[BUF];
		size_t plen = probe_datagram(&f, 321, probe);
		size_t n = too_big(f.family, probe, plen, 1400, msg);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
		assert_int_equal(r.kind, PACKET_TOO_BIG);
		assert_int_equal(r.mtu, 1400);
		assert_true(r.has_quote);
		assert_int_equal(r.quote.ttl, 1);
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_TOO_BIG_AT_HOP);
		assert_int_equal(got, 321);
		/* Another flow's probe is still not ours. */
		f.ident ^= 1;
		f.local_port = f.local_port ? (uint16_t)(f.local_port + 1) : 0;
		if (f.proto == MODEL_PROTO_UDP && !f.local_port && !f.remote_port)
			assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
	}
}

/* Other unreachable codes from a router stay hop answers (as in mtr). */
static void other_unreachable_codes_are_not_too_big(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	uint8_t probe[BUF], msg[BUF];
	size_t plen = probe_datagram(&f, 8, probe);
	size_t n = icmp_error(AF_INET, 3, 13, probe, plen, NULL, msg); /* admin prohibited */
	struct packet_rx rx = rx_for(AF_INET, IPPROTO_ICMP, NULL);
	struct packet_reply r;
	uint16_t got;
	assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
	assert_int_equal(r.kind, PACKET_UNREACHABLE);
	assert_int_equal(r.mtu, 0);
	assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
}

/* An IPv6 probe the kernel fragmented (after learning the path MTU): routers
 * quote the first fragment, fragment header and all. */
static size_t fragmented_v6_probe(const struct packet_flow *f, uint16_t seq, unsigned offset,
                                  uint8_t *out)
{
	uint8_t whole[BUF];
	size_t n = probe_datagram(f, seq, whole);
	memcpy(out, whole, PACKET_IP6_HDR);
	out[6] = 44;
	put16(out + 4, (unsigned)(n - PACKET_IP6_HDR + 8));
	uint8_t *fh = out + PACKET_IP6_HDR;
	memset(fh, 0, 8);
	fh[0] = whole[6];
	put16(fh + 2, offset << 3 | 1); /* more fragments */
	fh[7] = 9;
	memcpy(fh + 8, whole + PACKET_IP6_HDR, n - PACKET_IP6_HDR);
	return n + 8;
}

static void v6_quote_of_a_first_fragment_names_the_probe(void **state)
{
	(void)state;
	for (size_t k = 0; k < N_KINDS; k++) {
		if (kinds[k].family != AF_INET6)
			continue;
		struct packet_flow f = flow_of(&kinds[k]);
		uint8_t probe[BUF], msg[BUF];
		size_t plen = fragmented_v6_probe(&f, 555, 0, probe);
		size_t n = icmp_error(AF_INET6, 3, 0, probe, plen, NULL, msg);
		struct packet_rx rx = rx_for(AF_INET6, IPPROTO_ICMPV6, v6_router);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
		assert_int_equal(got, 555);
		/* A later fragment carries no transport header: no probe. */
		plen = fragmented_v6_probe(&f, 555, 100, probe);
		n = icmp_error(AF_INET6, 3, 0, probe, plen, NULL, msg);
		assert_int_equal(packet_parse(&rx, msg, n, &r), -1);
		/* A fragment header cut short is rejected, not read past. */
		n = icmp_error(AF_INET6, 3, 0, probe, PACKET_IP6_HDR + 4, NULL, msg);
		assert_int_equal(packet_parse(&rx, msg, n, &r), -1);
	}
}

static void errqueue_too_big_is_no_answer(void **state)
{
	(void)state;
	const int fam[2] = { AF_INET, AF_INET6 };
	const uint8_t type[2] = { 3, 2 }, code[2] = { 4, 0 };
	for (int i = 0; i < 2; i++) {
		struct packet_flow f = flow(fam[i], MODEL_PROTO_ICMP);
		struct errq_msg m;
		errq_build(&m, fam[i], type[i], code[i], fam[i] == AF_INET ? v4_router : v6_router, 77);
		struct sock_extended_err ee;
		memcpy(&ee, m.data, sizeof(ee));
		ee.ee_info = 1280 + (unsigned)i;
		memcpy(m.data, &ee, sizeof(ee));
		struct packet_reply r;
		assert_int_equal(packet_parse_errqueue(&m.q, &r), 0);
		assert_int_equal(r.kind, PACKET_TOO_BIG);
		assert_int_equal(r.mtu, 1280 + (unsigned)i);
		uint16_t seq = 0;
		assert_int_equal(packet_match_errqueue(&f, &r, &seq), PACKET_TOO_BIG_AT_HOP);
		assert_int_equal(seq, 77);
	}
}

/* ---- constant flows (Paris traceroute) ---- */

static struct packet_flow paris(const struct kind *k, uint16_t nflows)
{
	struct packet_flow f = flow_of(k);
	f.constant = true;
	f.nflows = nflows;
	return f;
}

/* What ECMP routers may hash on, after the addresses and protocol: the
 * first 4 bytes of the transport header (ports; ICMP type, code, checksum). */
static uint32_t hashed_word(const struct packet_flow *f, unsigned k, uint16_t seq)
{
	uint8_t b[BUF];
	assert_true(packet_build_flow(f, k, seq, b, sizeof(b)) > 0);
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

static void constant_flow_keeps_hashed_fields(void **state)
{
	(void)state;
	static const uint16_t seqs[] = { 0, 1, 2, 77, 4095, PACKET_SEQ_SPACE - 1 };
	for (size_t i = 0; i < N_KINDS; i++) {
		bool all_fixed = kinds[i].local && (kinds[i].remote || kinds[i].proto == MODEL_PROTO_TCP);
		unsigned nflows = all_fixed ? 1 : 4;
		struct packet_flow f = paris(&kinds[i], (uint16_t)nflows);
		for (unsigned k = 0; k < nflows; k++) {
			uint32_t first = hashed_word(&f, k, seqs[0]);
			for (size_t s = 1; s < sizeof(seqs) / sizeof(seqs[0]); s++)
				assert_int_equal(hashed_word(&f, k, seqs[s]), first);
			if (k > 0) /* another flow differs in what is hashed */
				assert_int_not_equal(hashed_word(&f, k - 1, 0), first);
		}
		uint8_t b[BUF];
		assert_int_equal(packet_build_flow(&f, nflows, 0, b, sizeof(b)), -1);
	}
}

static void classic_layout_varies_per_probe(void **state)
{
	(void)state;
	for (int fam = 0; fam < 2; fam++) {
		struct packet_flow f = flow(fam ? AF_INET6 : AF_INET, MODEL_PROTO_UDP);
		assert_int_not_equal(hashed_word(&f, 0, 1), hashed_word(&f, 0, 2));
		f.constant = true;
		assert_int_equal(hashed_word(&f, 0, 1), hashed_word(&f, 0, 2));
		f.src.family = AF_UNSPEC; /* no source: the UDP checksum cannot carry seq */
		assert_false(packet_is_constant(&f));
		assert_int_not_equal(hashed_word(&f, 0, 1), hashed_word(&f, 0, 2));
	}
}

static void constant_icmp_checksums_are_valid(void **state)
{
	(void)state;
	struct packet_flow f = paris(&kinds[0], 2);
	f.psize = 28; /* no payload asked for: two bytes are added for the word */
	uint8_t b[BUF];
	assert_int_equal(packet_build_flow(&f, 1, 9, b, sizeof(b)), 10);
	assert_int_equal(packet_checksum(b, 10), 0);
	assert_int_equal(get16(b + 6), 9);
	f.psize = 64;
	int n = packet_build_flow(&f, 1, 300, b, sizeof(b));
	assert_int_equal(packet_checksum(b, (size_t)n), 0);
	struct packet_flow f6 = paris(&kinds[1], 2);
	n = packet_build_flow(&f6, 1, 300, b, sizeof(b));
	assert_int_equal(packet_checksum_pseudo(&f6.src, &f6.dst, IPPROTO_ICMPV6, b, (size_t)n), 0);
}

static void constant_flows_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_KINDS; i++) {
		bool all_fixed = kinds[i].local && (kinds[i].remote || kinds[i].proto == MODEL_PROTO_TCP);
		unsigned k = all_fixed ? 0 : 3;
		struct packet_flow f = paris(&kinds[i], 4);
		uint8_t probe[BUF], msg[BUF];
		size_t plen = ip_len(f.family) +
		              (size_t)packet_build_flow(&f, k, 1234, probe + ip_len(f.family), BUF);
		wrap_ip(probe, plen - ip_len(f.family), &f.src, &f.dst, proto_number(&f), 1);
		size_t n = icmp_error(f.family, time_exceeded(f.family), 0, probe,
		                      ip_len(f.family) + 8, NULL, msg);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
		assert_int_equal(got, 1234);
		unsigned back = 99;
		if (f.proto != MODEL_PROTO_ICMP) {
			assert_true(packet_flow_of_ports(&f, r.quote.sport, r.quote.dport, &back));
			assert_int_equal(back, k);
		}
		f.nflows = 2; /* a flow this run does not have is not ours */
		if (k == 3 && f.proto != MODEL_PROTO_ICMP)
			assert_int_equal(packet_match(&f, &r, &got), PACKET_NOT_OURS);
	}
}

/* A NAT that restores the quoted addresses and ports but not the checksum
 * (which carries the seq in the constant UDP layout): the payload word still
 * names the probe. */
static void constant_udp_seq_survives_a_rewritten_checksum(void **state)
{
	(void)state;
	unsigned tried = 0;
	for (size_t i = 0; i < N_KINDS; i++) {
		struct packet_flow f = paris(&kinds[i], 4);
		if (f.proto != MODEL_PROTO_UDP || !packet_is_constant(&f))
			continue;
		tried++;
		uint8_t probe[BUF], msg[BUF];
		size_t tlen = (size_t)packet_build_flow(&f, 1, 1234, probe + ip_len(f.family), BUF);
		size_t plen = ip_len(f.family) + tlen;
		probe[ip_len(f.family) + 7] ^= 0x5a; /* the checksum, rewritten */
		wrap_ip(probe, tlen, &f.src, &f.dst, proto_number(&f), 1);
		size_t n = icmp_error(f.family, time_exceeded(f.family), 0, probe, plen, NULL, msg);
		struct packet_rx rx = rx_for(f.family, icmp_of(f.family), v6_router);
		struct packet_reply r;
		assert_int_equal(packet_parse(&rx, msg, n, &r), 0);
		assert_true(r.quote.has_udp_word);
		uint16_t got = 0;
		assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_HOP);
		assert_int_equal(got, 1234);
		assert_int_equal(packet_quoted_seq_sent(&f, &r.quote), 1234);
	}
	assert_true(tried > 0);
}

static void constant_tcp_reply_matches(void **state)
{
	(void)state;
	struct packet_flow f = paris(&kinds[10], 1);
	struct packet_rx rx = rx_for(f.family, IPPROTO_TCP, v6_dst);
	struct packet_reply r;
	uint8_t b[BUF];
	size_t n = tcp_answer(&f, 4000, PACKET_TCP_SYN | PACKET_TCP_ACK, 1, b);
	assert_int_equal(get16(b + PACKET_IP4_HDR + 2), f.ident); /* our sport, constant */
	assert_int_equal(packet_parse(&rx, b, n, &r), 0);
	uint16_t got = 0;
	assert_int_equal(packet_match(&f, &r, &got), PACKET_FROM_TARGET);
	assert_int_equal(got, 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksum_known_values),
		cmocka_unit_test(constant_flow_keeps_hashed_fields),
		cmocka_unit_test(classic_layout_varies_per_probe),
		cmocka_unit_test(constant_icmp_checksums_are_valid),
		cmocka_unit_test(constant_flows_round_trip),
		cmocka_unit_test(constant_udp_seq_survives_a_rewritten_checksum),
		cmocka_unit_test(constant_tcp_reply_matches),
		cmocka_unit_test(pseudo_checksum_known_value),
		cmocka_unit_test(icmp4_echo_request_layout),
		cmocka_unit_test(icmp6_echo_request_layout),
		cmocka_unit_test(sizes_follow_mtr),
		cmocka_unit_test(build_rejects_bad_input),
		cmocka_unit_test(udp_ports_and_checksum),
		cmocka_unit_test(tcp_syn_layout),
		cmocka_unit_test(time_exceeded_quotes_every_probe_kind),
		cmocka_unit_test(port_unreachable_from_target_reaches_it),
		cmocka_unit_test(unreachable_from_router_is_a_hop),
		cmocka_unit_test(echo_reply_round_trip),
		cmocka_unit_test(tcp_replies_match_their_syn),
		cmocka_unit_test(strays_are_not_ours),
		cmocka_unit_test(echo_reply_from_elsewhere_or_other_types_is_not_ours),
		cmocka_unit_test(mpls_labels_are_extracted),
		cmocka_unit_test(mpls_stack_is_bounded),
		cmocka_unit_test(every_truncation_is_safe),
		cmocka_unit_test(malformed_headers_are_rejected),
		cmocka_unit_test(malformed_tcp_is_rejected),
		cmocka_unit_test(other_icmp_is_parsed_but_unused),
		cmocka_unit_test(errqueue_time_exceeded_is_a_hop),
		cmocka_unit_test(errqueue_unreachable_from_the_target_reaches_it),
		cmocka_unit_test(errqueue_rejects_what_answers_no_probe),
		cmocka_unit_test(errqueue_truncation_is_safe),
		cmocka_unit_test(too_big_names_the_probe_but_answers_no_ttl),
		cmocka_unit_test(other_unreachable_codes_are_not_too_big),
		cmocka_unit_test(v6_quote_of_a_first_fragment_names_the_probe),
		cmocka_unit_test(errqueue_too_big_is_no_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
