/* mplstun: an MPLS tunnel for the lab, behind a TUN device. This kernel has
 * no mpls_router module, so the tunnel is played in user space: packets
 * routed into the TUN device are answered as a label-switched path with
 * ICMP tunnelling (RFC 3032 section 2.3.2) would answer them.
 *     mplstun TUN TARGET DELAY_MS LIFETIME_S [nat=K] LSR:LABEL [LSR:LABEL ...]
 * A packet arriving with IP TTL k (k <= the number of LSRs) gets an ICMP
 * time exceeded from the k-th LSR's address carrying an RFC 4950 label stack
 * (RFC 4884 extension: the quote padded to 128 bytes, then one MPLS object
 * with LABEL, TC 0, S 1, TTL 1). A packet to TARGET that outlives the LSRs
 * gets what the target would send: an echo reply, or a port unreachable for
 * UDP. Every answer leaves DELAY_MS after its probe came: the far end's time,
 * as every hop of such a tunnel shows it. LABEL 0: that LSR sends no label
 * stack (a plain router). nat=K plays a NAT just before the K-th router that
 * restores the addresses and ports of the ICMP errors coming back but not
 * the UDP checksum it had changed with them: from router K on (and the
 * target's port unreachable) the quoted UDP checksum differs from the one
 * sent (Dublin traceroute's NAT signal). IPv4 only; the tool creates TUN in
 * its own namespace (a lab router) and exits after LIFETIME_S seconds, so a
 * test that dies cannot leave it running. It only ever writes into TUN:
 * answers to the lab's own probes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "labtool.h"

#define MAX_LSR 16
#define MAX_QUEUE 256
#define PKT_MAX 1600
#define QUOTE_LEN 128 /* RFC 4884: the original datagram, padded */

struct lsr {
	uint32_t addr; /* network order */
	uint32_t label;
};

struct out_pkt {
	int64_t due_ms;
	size_t len;
	uint8_t data[PKT_MAX];
};

struct tun {
	int fd;
	uint32_t target; /* network order */
	int64_t delay_ms;
	struct lsr lsr[MAX_LSR];
	size_t n_lsr;
	size_t nat_from; /* 1-based router from which quotes show a NAT; 0: none */
	struct out_pkt queue[MAX_QUEUE]; /* a ring: the delay is fixed, so FIFO */
	size_t head, count;
};

static int64_t now_ms(void) { return labtool_now_ms(); }

static long parse_num(const char *s, long lo, long hi) { return labtool_num("mplstun", s, lo, hi); }

static uint16_t checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An IPv4 header for an answer from src to dst of total length len. */
static void ip_header(uint8_t *p, uint32_t src, uint32_t dst, size_t len, uint8_t proto)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, checksum(p, 20));
}

/* ICMP error (type, code) from src quoting the probe; with a label, the
 * quote is padded to 128 bytes and the RFC 4950 object follows. */
/* A sloppy NAT's trace in the quote: the UDP checksum left as rewritten. */
static void nat_checksum(uint8_t *quote, size_t quote_len)
{
	size_t ihl = (size_t)(quote[0] & 15) * 4;
	if (quote[9] == 17 && ihl + 8 <= quote_len) {
		quote[ihl + 6] ^= 0x01;
		quote[ihl + 7] ^= 0x01;
	}
}

static size_t icmp_error(uint8_t *out, const uint8_t *probe, size_t plen, uint32_t src,
                         uint8_t type, uint8_t code, const struct lsr *l, bool nat)
{
	uint32_t dst;
	memcpy(&dst, probe + 12, 4);
	size_t quote = plen < QUOTE_LEN ? plen : QUOTE_LEN;
	uint8_t *icmp = out + 20;
	memset(icmp, 0, 8 + QUOTE_LEN + 12);
	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 8, probe, quote);
	if (nat)
		nat_checksum(icmp + 8, quote);
	size_t len = 8 + quote;
	if (l && l->label) {
		icmp[5] = QUOTE_LEN / 4; /* RFC 4884 length, 32-bit words */
		uint8_t *ext = icmp + 8 + QUOTE_LEN;
		ext[0] = 2 << 4; /* version 2 */
		put16(ext + 4, 8); /* object: length, class 1 (MPLS), c-type 1 */
		ext[6] = 1;
		ext[7] = 1;
		uint32_t e = htonl(l->label << 12 | 1u << 8 | 1u); /* TC 0, S 1, TTL 1 */
		memcpy(ext + 8, &e, 4);
		put16(ext + 2, checksum(ext, 12));
		len = 8 + QUOTE_LEN + 12;
	}
	put16(icmp + 2, checksum(icmp, len));
	ip_header(out, src, dst, 20 + len, 1);
	return 20 + len;
}

/* The target's echo reply: the request with its addresses swapped. */
static size_t echo_reply(uint8_t *out, const uint8_t *probe, size_t plen, size_t ihl)
{
	uint32_t src, dst;
	memcpy(&src, probe + 16, 4);
	memcpy(&dst, probe + 12, 4);
	size_t len = plen - ihl;
	memcpy(out + 20, probe + ihl, len);
	out[20] = 0; /* echo reply */
	put16(out + 22, 0);
	put16(out + 22, checksum(out + 20, len));
	ip_header(out, src, dst, 20 + len, 1);
	return 20 + len;
}

/* What the tunnel sends back for one probe; 0 for nothing. */
static size_t answer(const struct tun *t, const uint8_t *p, size_t n, uint8_t *out)
{
	if (n < 28 || p[0] >> 4 != 4)
		return 0;
	size_t ihl = (size_t)(p[0] & 15) * 4;
	uint8_t ttl = p[8], proto = p[9];
	uint32_t dst;
	memcpy(&dst, p + 16, 4);
	if (ihl < 20 || ihl + 8 > n || ttl == 0)
		return 0;
	if (ttl <= t->n_lsr)
		return icmp_error(out, p, n, t->lsr[ttl - 1].addr, 11, 0, &t->lsr[ttl - 1],
		                  t->nat_from && ttl >= t->nat_from);
	if (dst != t->target)
		return 0;
	if (proto == 1 && p[ihl] == 8)
		return n - ihl + 20 <= PKT_MAX ? echo_reply(out, p, n, ihl) : 0;
	if (proto == 17)
		return icmp_error(out, p, n, t->target, 3, 3, NULL, t->nat_from != 0);
	return 0;
}

static void take_packet(struct tun *t)
{
	uint8_t in[PKT_MAX];
	ssize_t n = read(t->fd, in, sizeof(in));
	if (n <= 0 || t->count == MAX_QUEUE)
		return; /* a full queue drops, as a loaded router would */
	struct out_pkt *o = &t->queue[(t->head + t->count) % MAX_QUEUE];
	o->len = answer(t, in, (size_t)n, o->data);
	if (o->len == 0)
		return;
	o->due_ms = now_ms() + t->delay_ms;
	t->count++;
}

/* Sends what is due; returns the ms until the next answer (-1: none). */
static int send_due(struct tun *t)
{
	while (t->count) {
		struct out_pkt *o = &t->queue[t->head];
		int64_t wait = o->due_ms - now_ms();
		if (wait > 0)
			return (int)wait;
		if (write(t->fd, o->data, o->len) < 0)
			perror("mplstun: write");
		t->head = (t->head + 1) % MAX_QUEUE;
		t->count--;
	}
	return -1;
}

static int open_tun(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("mplstun: tun");
		exit(1);
	}
	return fd;
}

static void parse_lsr(struct tun *t, const char *arg)
{
	char addr[64];
	const char *colon = strchr(arg, ':');
	if (!colon || (size_t)(colon - arg) >= sizeof(addr) || t->n_lsr == MAX_LSR) {
		fprintf(stderr, "mplstun: expected LSR:LABEL, got '%s'\n", arg);
		exit(2);
	}
	memcpy(addr, arg, (size_t)(colon - arg));
	addr[colon - arg] = '\0';
	struct lsr *l = &t->lsr[t->n_lsr++];
	if (inet_pton(AF_INET, addr, &l->addr) != 1) {
		fprintf(stderr, "mplstun: bad address '%s'\n", addr);
		exit(2);
	}
	l->label = (uint32_t)parse_num(colon + 1, 0, 0xfffff);
	if (l->label > 0 && l->label < 16) {
		fprintf(stderr, "mplstun: labels 1 to 15 are reserved\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static struct tun t;
	if (argc < 6) {
		fprintf(stderr, "usage: mplstun TUN TARGET DELAY_MS LIFETIME_S LSR:LABEL...\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &t.target) != 1) {
		fprintf(stderr, "mplstun: bad target '%s'\n", argv[2]);
		return 2;
	}
	t.delay_ms = parse_num(argv[3], 0, 10000);
	int64_t end = now_ms() + 1000 * parse_num(argv[4], 1, 3600);
	int first = 5;
	if (strncmp(argv[first], "nat=", 4) == 0)
		t.nat_from = (size_t)parse_num(argv[first++] + 4, 1, MAX_LSR + 1);
	for (int i = first; i < argc; i++)
		parse_lsr(&t, argv[i]);
	t.fd = open_tun(argv[1]);
	while (now_ms() < end) {
		int wait = send_due(&t);
		int left = (int)(end - now_ms());
		struct pollfd pfd = { .fd = t.fd, .events = POLLIN };
		if (poll(&pfd, 1, wait < 0 || wait > left ? left : wait) > 0)
			take_packet(&t);
	}
	return 0;
}
