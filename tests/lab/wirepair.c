/* wirepair: the wire's own round-trip times, from a capture of the client's
 * interface (tcpdump -U --time-stamp-precision=nano -w FILE).
 *
 * Every probe (ICMP/ICMPv6 echo request, UDP datagram, TCP SYN) is paired
 * with its reply (echo reply by identifier and sequence; Time Exceeded and
 * Unreachable by the probe header they quote; SYN-ACK/RST by ports and
 * acknowledgment), and the round trip is the difference of the two capture
 * timestamps. Printed per TTL of the probe:
 *     ttl 3 n 20 avg_ms 10.123 min_ms 9.987 max_ms 10.500
 * It reads classic pcap (microsecond or nanosecond magic, either byte order)
 * with Ethernet, Linux cooked (SLL, SLL2) or raw IP link types.
 *
 * It is a standalone test tool, deliberately independent of src/packet.c: it
 * judges hopdoc's accuracy, so it must not share hopdoc's parser (a bug there
 * would otherwise agree with itself). Hence a little duplicated header
 * parsing. Built with -DWIREPAIR_NO_MAIN, it is included by a unit test. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WP_MAX_TTL 256
#define LINK_ETHERNET 1
#define LINK_RAW 101
#define LINK_SLL 113
#define LINK_SLL2 276
#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ICMP6 58
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

struct wp_bytes {
	const uint8_t *p;
	size_t n;
};

/* What a probe and its reply have in common. */
struct wp_key {
	uint8_t family, proto;
	uint8_t src[16], dst[16];
	uint16_t a, b; /* ICMP id/seq, or source/destination ports */
	uint32_t c;    /* TCP sequence number */
};

struct wp_probe {
	struct wp_key key;
	int64_t sent_ns;
	uint8_t ttl;
	bool used, answered;
};

struct wp_hop {
	unsigned long n;
	double sum_ms, min_ms, max_ms;
};

struct wp {
	struct wp_probe *slots;
	size_t cap, count;
	unsigned long probes, replies, paired;
	struct wp_hop hops[WP_MAX_TTL];
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t rd32_order(const uint8_t *p, bool big)
{
	uint32_t le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	return big ? rd32(p) : le;
}

/* ---- probe table: open addressing, latest probe per key ---- */

static uint64_t key_hash(const struct wp_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211u;
	return h;
}

static struct wp_probe *slot_for(struct wp *w, const struct wp_key *k)
{
	size_t i = (size_t)key_hash(k) & (w->cap - 1);
	while (w->slots[i].used && memcmp(&w->slots[i].key, k, sizeof(*k)) != 0)
		i = (i + 1) & (w->cap - 1);
	return &w->slots[i];
}

static int grow(struct wp *w)
{
	struct wp_probe *old = w->slots;
	size_t old_cap = w->cap;
	w->cap = old_cap ? old_cap * 2 : 4096;
	w->slots = calloc(w->cap, sizeof(*w->slots));
	if (!w->slots)
		return -1;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].used)
			*slot_for(w, &old[i].key) = old[i];
	free(old);
	return 0;
}

/* A resent key (ports or sequence numbers wrap) replaces the older probe. */
static int add_probe(struct wp *w, const struct wp_key *k, uint8_t ttl, int64_t ns)
{
	if (w->count * 2 >= w->cap && grow(w) < 0)
		return -1;
	struct wp_probe *s = slot_for(w, k);
	if (!s->used)
		w->count++;
	*s = (struct wp_probe){ .key = *k, .sent_ns = ns, .ttl = ttl, .used = true };
	w->probes++;
	return 0;
}

static void add_reply(struct wp *w, const struct wp_key *k, int64_t ns)
{
	w->replies++;
	if (!w->cap)
		return;
	struct wp_probe *s = slot_for(w, k);
	if (!s->used || s->answered || ns < s->sent_ns)
		return;
	s->answered = true;
	double ms = (double)(ns - s->sent_ns) / 1e6;
	struct wp_hop *h = &w->hops[s->ttl];
	if (h->n == 0 || ms < h->min_ms)
		h->min_ms = ms;
	if (h->n == 0 || ms > h->max_ms)
		h->max_ms = ms;
	h->n++;
	h->sum_ms += ms;
	w->paired++;
}

/* ---- IP and transport headers ---- */

struct wp_ip {
	uint8_t family, proto, ttl;
	const uint8_t *src, *dst;
	struct wp_bytes l4;
};

/* `whole`: trust the header's length (a captured packet, maybe cut by the
 * snap length); else a quoted header, of which only the start is there. */
static int parse_ip(struct wp_bytes b, bool whole, struct wp_ip *ip)
{
	if (b.n >= 20 && b.p[0] >> 4 == 4) {
		size_t hl = (size_t)(b.p[0] & 15) * 4, tot = rd16(b.p + 2);
		if (hl < 20 || hl > b.n || (rd16(b.p + 6) & 0x1fff))
			return -1;
		size_t end = whole && tot >= hl && tot < b.n ? tot : b.n;
		*ip = (struct wp_ip){ 4, b.p[9], b.p[8], b.p + 12, b.p + 16, { b.p + hl, end - hl } };
		return 0;
	}
	if (b.n >= 40 && b.p[0] >> 4 == 6) {
		size_t pl = rd16(b.p + 4);
		size_t end = whole && pl + 40 < b.n ? pl + 40 : b.n;
		*ip = (struct wp_ip){ 6, b.p[6], b.p[7], b.p + 8, b.p + 24, { b.p + 40, end - 40 } };
		return 0;
	}
	return -1;
}

static bool is_icmp(const struct wp_ip *ip)
{
	return ip->proto == (ip->family == 4 ? P_ICMP : P_ICMP6);
}

/* The key of a probe as it is (or as it was quoted: only 8 bytes are sure). */
static int probe_key(const struct wp_ip *ip, struct wp_key *k)
{
	if (ip->l4.n < 8)
		return -1;
	memset(k, 0, sizeof(*k));
	size_t alen = ip->family == 4 ? 4 : 16;
	k->family = ip->family;
	k->proto = ip->proto;
	memcpy(k->src, ip->src, alen);
	memcpy(k->dst, ip->dst, alen);
	k->a = rd16(ip->l4.p + (is_icmp(ip) ? 4 : 0));
	k->b = rd16(ip->l4.p + (is_icmp(ip) ? 6 : 2));
	k->c = ip->proto == P_TCP ? rd32(ip->l4.p + 4) : 0;
	if (is_icmp(ip) || ip->proto == P_UDP || ip->proto == P_TCP)
		return 0;
	return -1;
}

static bool is_probe(const struct wp_ip *ip)
{
	const uint8_t *t = ip->l4.p;
	if (is_icmp(ip))
		return ip->l4.n >= 8 && t[0] == (ip->family == 4 ? 8 : 128);
	if (ip->proto == P_UDP)
		return ip->l4.n >= 8;
	return ip->proto == P_TCP && ip->l4.n >= 14 && (t[13] & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

/* The reply's key, which is the key of the probe it answers. */
static int reply_key(const struct wp_ip *ip, struct wp_key *k)
{
	const uint8_t *t = ip->l4.p;
	struct wp_ip swapped = *ip, quoted;
	swapped.src = ip->dst;
	swapped.dst = ip->src;
	if (is_icmp(ip) && ip->l4.n >= 8) {
		uint8_t type = t[0];
		bool v4 = ip->family == 4;
		if (type == (v4 ? 0 : 129))
			return probe_key(&swapped, k);
		if ((v4 && (type == 11 || type == 3)) || (!v4 && (type == 3 || type == 1))) {
			struct wp_bytes q = { t + 8, ip->l4.n - 8 };
			if (parse_ip(q, false, &quoted) < 0 || quoted.family != ip->family)
				return -1;
			return probe_key(&quoted, k);
		}
		return -1;
	}
	if (ip->proto == P_TCP && ip->l4.n >= 14 && (t[13] & TCP_ACK) &&
	    (t[13] & (TCP_SYN | TCP_RST))) {
		if (probe_key(&swapped, k) < 0)
			return -1;
		k->a = rd16(t + 2);
		k->b = rd16(t);
		k->c = rd32(t + 8) - 1;
		return 0;
	}
	return -1;
}

static void handle_ip(struct wp *w, struct wp_bytes b, int64_t ns)
{
	struct wp_ip ip;
	struct wp_key k;
	if (parse_ip(b, true, &ip) < 0)
		return;
	if (is_probe(&ip)) {
		if (probe_key(&ip, &k) == 0)
			add_probe(w, &k, ip.ttl, ns);
	} else if (reply_key(&ip, &k) == 0) {
		add_reply(w, &k, ns);
	}
}

/* ---- link layer and pcap ---- */

/* The IP packet inside a frame; n == 0 when it carries none. */
static struct wp_bytes link_payload(uint32_t link, struct wp_bytes f)
{
	size_t off = 0;
	uint16_t type = 0;
	if (link == LINK_ETHERNET && f.n >= 14) {
		off = 14;
		type = rd16(f.p + 12);
		if (type == ETH_VLAN && f.n >= 18) {
			type = rd16(f.p + 16);
			off = 18;
		}
	} else if (link == LINK_SLL && f.n >= 16) {
		off = 16;
		type = rd16(f.p + 14);
	} else if (link == LINK_SLL2 && f.n >= 20) {
		off = 20;
		type = rd16(f.p);
	} else if (link == LINK_RAW) {
		type = ETH_IPV4; /* parse_ip looks at the version itself */
	}
	if (type != ETH_IPV4 && type != ETH_IPV6)
		return (struct wp_bytes){ f.p, 0 };
	return (struct wp_bytes){ f.p + off, f.n - off };
}

/* Feeds a whole pcap file. Returns 0, or -1 when it is not a pcap we read. */
static int wp_feed_pcap(struct wp *w, const uint8_t *buf, size_t len)
{
	if (len < 24)
		return -1;
	uint32_t magic = rd32(buf);
	bool big = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d; /* written big-endian */
	uint32_t m = rd32_order(buf, big);
	if (m != 0xa1b2c3d4 && m != 0xa1b23c4d)
		return -1;
	int64_t frac_ns = m == 0xa1b23c4d ? 1 : 1000;
	uint32_t link = rd32_order(buf + 20, big);
	size_t off = 24;
	while (len - off >= 16) {
		const uint8_t *h = buf + off;
		uint32_t incl = rd32_order(h + 8, big);
		if (incl > len - off - 16)
			return -1; /* a torn last record: tcpdump was killed mid-write */
		int64_t ns = (int64_t)rd32_order(h, big) * 1000000000 + rd32_order(h + 4, big) * frac_ns;
		struct wp_bytes ipb = link_payload(link, (struct wp_bytes){ h + 16, incl });
		if (ipb.n)
			handle_ip(w, ipb, ns);
		off += 16 + incl;
	}
	return 0;
}

static void wp_print(const struct wp *w, FILE *out)
{
	for (unsigned t = 0; t < WP_MAX_TTL; t++) {
		const struct wp_hop *h = &w->hops[t];
		if (h->n)
			fprintf(out, "ttl %u n %lu avg_ms %.3f min_ms %.3f max_ms %.3f\n", t, h->n,
			        h->sum_ms / (double)h->n, h->min_ms, h->max_ms);
	}
}

static void wp_free(struct wp *w)
{
	free(w->slots);
	w->slots = NULL;
}

#ifndef WIREPAIR_NO_MAIN
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		uint8_t *bigger = realloc(buf, cap *= 2);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: wirepair CAPTURE.pcap\n");
		return 2;
	}
	size_t len = 0;
	uint8_t *buf = read_file(argv[1], &len);
	if (!buf) {
		fprintf(stderr, "wirepair: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct wp w;
	memset(&w, 0, sizeof(w));
	int rc = wp_feed_pcap(&w, buf, len);
	if (rc < 0 && w.probes == 0) {
		fprintf(stderr, "wirepair: %s: not a pcap file this tool reads\n", argv[1]);
		free(buf);
		return 1;
	}
	wp_print(&w, stdout);
	fprintf(stderr, "wirepair: %lu probes, %lu replies, %lu paired%s\n", w.probes, w.replies,
	        w.paired, rc < 0 ? " (last record torn)" : "");
	wp_free(&w);
	free(buf);
	return 0;
}
#endif
