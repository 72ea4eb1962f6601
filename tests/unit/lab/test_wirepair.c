/* wirepair's pairing logic, on pcap files written here in memory. Probes are
 * built by src/packet.c, which wirepair does not share, so the two parsers
 * cross-check each other. */
#define WIREPAIR_NO_MAIN
#include "../../lab/wirepair.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "probe/packet.h"

#define CAP 65536

struct pcap {
	uint8_t buf[CAP];
	size_t len;
	bool big, nano;
	uint32_t link;
};

static void wr32(struct pcap *c, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		c->buf[c->len++] = (uint8_t)(c->big ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void wr16be(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void pcap_start(struct pcap *c, bool big, bool nano, uint32_t link)
{
	c->len = 0;
	c->big = big;
	c->nano = nano;
	c->link = link;
	wr32(c, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	wr32(c, 0x00040002); /* version 2.4, as two 16-bit fields; unread */
	wr32(c, 0);
	wr32(c, 0);
	wr32(c, 262144);
	wr32(c, link);
}

/* One record holding the IP packet ip[0..n) behind the link header. */
static void pcap_add(struct pcap *c, int64_t ns, const uint8_t *ip, size_t n)
{
	size_t link = c->link == LINK_ETHERNET ? 14 : c->link == LINK_SLL2 ? 20 : 16;
	uint8_t frame[4096] = { 0 };
	unsigned type = ip[0] >> 4 == 4 ? ETH_IPV4 : ETH_IPV6;
	wr16be(frame + (c->link == LINK_ETHERNET ? 12 : c->link == LINK_SLL2 ? 0 : 14), type);
	memcpy(frame + link, ip, n);
	wr32(c, (uint32_t)(ns / 1000000000));
	wr32(c, (uint32_t)(ns % 1000000000 / (c->nano ? 1 : 1000)));
	wr32(c, (uint32_t)(n + link));
	wr32(c, (uint32_t)(n + link));
	memcpy(c->buf + c->len, frame, n + link);
	c->len += n + link;
}

static const char *const client4 = "10.0.0.2", *const target4 = "10.9.0.1";
static const char *const client6 = "fd00::2", *const target6 = "fd09::1";

static struct model_addr addr(const char *text)
{
	struct model_addr a;
	assert_int_equal(model_addr_parse(text, &a), 0);
	return a;
}

static size_t ip_header(uint8_t *b, int family, uint8_t proto, uint8_t ttl,
                        const struct model_addr *src, const struct model_addr *dst, size_t len)
{
	if (family == AF_INET) {
		memset(b, 0, 20);
		b[0] = 0x45;
		wr16be(b + 2, (unsigned)len + 20);
		b[8] = ttl;
		b[9] = proto;
		memcpy(b + 12, src->bytes, 4);
		memcpy(b + 16, dst->bytes, 4);
		return 20;
	}
	memset(b, 0, 40);
	b[0] = 0x60;
	wr16be(b + 4, (unsigned)len);
	b[6] = proto;
	b[7] = ttl;
	memcpy(b + 8, src->bytes, 16);
	memcpy(b + 24, dst->bytes, 16);
	return 40;
}

static uint8_t l4_proto(const struct packet_flow *f)
{
	return f->proto == MODEL_PROTO_UDP ? P_UDP
	     : f->proto == MODEL_PROTO_TCP ? P_TCP
	     : f->family == AF_INET ? P_ICMP : P_ICMP6;
}

/* The probe seq at ttl as an IP packet; returns its length. */
static size_t probe(const struct packet_flow *f, uint16_t seq, uint8_t ttl, uint8_t *b)
{
	uint8_t l4[2048];
	int n = packet_build(f, seq, l4, sizeof(l4));
	assert_true(n > 0);
	size_t h = ip_header(b, f->family, l4_proto(f), ttl, &f->src, &f->dst, (size_t)n);
	memcpy(b + h, l4, (size_t)n);
	return h + (size_t)n;
}

/* A Time Exceeded from `router` quoting the first 28/48 bytes of probe p. */
static size_t time_exceeded(const struct packet_flow *f, const uint8_t *p, const char *router,
                            uint8_t *b)
{
	size_t q = f->family == AF_INET ? 28 : 48;
	struct model_addr r = addr(router);
	size_t h = ip_header(b, f->family, f->family == AF_INET ? P_ICMP : P_ICMP6, 60, &r, &f->src,
	                     8 + q);
	memset(b + h, 0, 8);
	b[h] = f->family == AF_INET ? 11 : 3;
	memcpy(b + h + 8, p, q);
	return h + 8 + q;
}

static struct packet_flow flow(int family, enum model_proto proto)
{
	struct packet_flow f;
	memset(&f, 0, sizeof(f));
	f.family = family;
	f.proto = proto;
	f.src = addr(family == AF_INET ? client4 : client6);
	f.dst = addr(family == AF_INET ? target4 : target6);
	f.ident = 0x1234;
	f.psize = 64;
	return f;
}

static void feed(struct wp *w, const struct pcap *c, int want)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(wp_feed_pcap(w, c->buf, c->len), want);
}

/* Three hops: a router at ttl 1 and 2 answering Time Exceeded after 1 ms and
 * 2.5 ms, the target at ttl 3 after 4 ms (echo reply or port unreachable),
 * for two rounds; one probe at ttl 2 lost. */
static void pair_three_hops(int family, enum model_proto proto, bool big, bool nano,
                            uint32_t link)
{
	struct packet_flow f = flow(family, proto);
	struct pcap *c = test_malloc(sizeof(*c));
	pcap_start(c, big, nano, link);
	uint8_t p[2048], r[2048];
	int64_t t = 1700000000LL * 1000000000;
	uint16_t seq = 100;
	for (int round = 0; round < 2; round++, t += 1000000000) {
		for (uint8_t ttl = 1; ttl <= 3; ttl++, seq++) {
			size_t pn = probe(&f, seq, ttl, p);
			pcap_add(c, t + ttl * 1000, p, pn);
			if (round == 1 && ttl == 2)
				continue; /* lost */
			int64_t at = t + ttl * 1000 + (ttl == 1 ? 1000000 : ttl == 2 ? 2500000 : 4000000);
			size_t rn;
			if (ttl < 3) {
				rn = time_exceeded(&f, p, family == AF_INET ? "10.1.0.1" : "fd01::1", r);
			} else if (proto == MODEL_PROTO_ICMP) { /* echo reply: swap, retype */
				size_t h = ip_header(r, family, l4_proto(&f), 64, &f.dst, &f.src,
				                     pn - (family == AF_INET ? 20 : 40));
				memcpy(r + h, p + h, pn - h);
				r[h] = family == AF_INET ? 0 : 129;
				rn = pn;
			} else { /* port unreachable from the target: the same layout */
				rn = time_exceeded(&f, p, family == AF_INET ? target4 : target6, r);
				r[family == AF_INET ? 20 : 40] = family == AF_INET ? 3 : 1;
			}
			pcap_add(c, at, r, rn);
		}
	}
	struct wp w;
	feed(&w, c, 0);
	assert_int_equal(w.probes, 6);
	assert_int_equal(w.paired, 5);
	assert_int_equal(w.hops[1].n, 2);
	assert_int_equal(w.hops[2].n, 1);
	assert_int_equal(w.hops[3].n, 2);
	assert_float_equal(w.hops[1].sum_ms / 2, 1.0, 1e-6);
	assert_float_equal(w.hops[2].min_ms, 2.5, 1e-6);
	assert_float_equal(w.hops[3].max_ms, 4.0, 1e-6);
	char *text = NULL;
	size_t text_len = 0;
	FILE *out = open_memstream(&text, &text_len);
	wp_print(&w, out);
	fclose(out);
	assert_string_equal(text, "ttl 1 n 2 avg_ms 1.000 min_ms 1.000 max_ms 1.000\n"
	                          "ttl 2 n 1 avg_ms 2.500 min_ms 2.500 max_ms 2.500\n"
	                          "ttl 3 n 2 avg_ms 4.000 min_ms 4.000 max_ms 4.000\n");
	free(text);
	wp_free(&w);
	test_free(c);
}

static void pairs_icmp_udp_over_both_families(void **state)
{
	(void)state;
	pair_three_hops(AF_INET, MODEL_PROTO_ICMP, false, true, LINK_ETHERNET);
	pair_three_hops(AF_INET6, MODEL_PROTO_ICMP, false, true, LINK_SLL2);
	pair_three_hops(AF_INET, MODEL_PROTO_UDP, true, false, LINK_SLL);
	pair_three_hops(AF_INET6, MODEL_PROTO_UDP, true, true, LINK_ETHERNET);
	pair_three_hops(AF_INET, MODEL_PROTO_TCP, false, false, LINK_ETHERNET);
}

static void pairs_tcp_syn_with_syn_ack(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET6, MODEL_PROTO_TCP);
	struct pcap *c = test_malloc(sizeof(*c));
	pcap_start(c, false, true, LINK_ETHERNET);
	uint8_t p[256], r[256];
	size_t pn = probe(&f, 7, 5, p);
	pcap_add(c, 1000000000, p, pn);
	size_t h = ip_header(r, AF_INET6, P_TCP, 64, &f.dst, &f.src, 20);
	memset(r + h, 0, 20);
	memcpy(r + h, p + 40 + 2, 2); /* ports swapped */
	memcpy(r + h + 2, p + 40, 2);
	uint32_t ack = packet_tcp_seq(&f, 7) + 1;
	wr16be(r + h + 8, ack >> 16);
	wr16be(r + h + 10, ack & 0xffff);
	r[h + 12] = 0x50;
	r[h + 13] = TCP_SYN | TCP_ACK;
	pcap_add(c, 1003000000, r, h + 20);
	r[h + 13] = TCP_RST | TCP_ACK; /* a second answer to the same probe: ignored */
	pcap_add(c, 1009000000, r, h + 20);
	struct wp w;
	feed(&w, c, 0);
	assert_int_equal(w.paired, 1);
	assert_int_equal(w.hops[5].n, 1);
	assert_float_equal(w.hops[5].sum_ms, 3.0, 1e-6);
	wp_free(&w);
	test_free(c);
}

static void resent_key_pairs_with_the_latest_and_strays_are_ignored(void **state)
{
	(void)state;
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_ICMP);
	struct pcap *c = test_malloc(sizeof(*c));
	pcap_start(c, false, true, LINK_SLL);
	uint8_t p[256], r[256];
	size_t pn = probe(&f, 9, 4, p);
	size_t rn = time_exceeded(&f, p, "10.1.0.4", r);
	pcap_add(c, 500000000, r, rn);      /* a reply before any probe */
	pcap_add(c, 1000000000, p, pn);
	pcap_add(c, 2000000000, p, pn);     /* same key again, later */
	pcap_add(c, 2000700000, r, rn);
	struct packet_flow other = f;
	other.ident = 0x9999;
	pn = probe(&other, 9, 4, p);
	rn = time_exceeded(&other, p, "10.1.0.4", r);
	pcap_add(c, 2000800000, r, rn);     /* quotes a probe never sent */
	struct wp w;
	feed(&w, c, 0);
	assert_int_equal(w.probes, 2);
	assert_int_equal(w.replies, 3);
	assert_int_equal(w.paired, 1);
	assert_float_equal(w.hops[4].sum_ms, 0.7, 1e-6);
	wp_free(&w);
	test_free(c);
}

static void torn_and_foreign_files(void **state)
{
	(void)state;
	struct pcap *c = test_malloc(sizeof(*c));
	pcap_start(c, false, true, LINK_ETHERNET);
	struct packet_flow f = flow(AF_INET, MODEL_PROTO_UDP);
	uint8_t p[256];
	size_t pn = probe(&f, 1, 1, p);
	pcap_add(c, 1, p, pn);
	struct wp w;
	c->len -= 3;
	feed(&w, c, -1);
	assert_int_equal(w.probes, 0);
	wp_free(&w);
	for (size_t cut = 0; cut < 24; cut++) {
		memset(&w, 0, sizeof(w));
		assert_int_equal(wp_feed_pcap(&w, c->buf, cut), -1);
	}
	c->buf[0] = 0x0a; /* pcapng's magic is not ours */
	c->buf[1] = 0x0d;
	c->buf[2] = 0x0d;
	c->buf[3] = 0x0a;
	memset(&w, 0, sizeof(w));
	assert_int_equal(wp_feed_pcap(&w, c->buf, c->len), -1);
	test_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pairs_icmp_udp_over_both_families),
		cmocka_unit_test(pairs_tcp_syn_with_syn_ack),
		cmocka_unit_test(resent_key_pairs_with_the_latest_and_strays_are_ignored),
		cmocka_unit_test(torn_and_foreign_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
