/* oneway_pkt: the stream's datagrams, big-endian, fixed size. */
#include "oneway/oneway_pkt.h"

#include <string.h>

static void put32(unsigned char *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (24 - 8 * i));
}

static void put64(unsigned char *b, uint64_t v)
{
	put32(b, (uint32_t)(v >> 32));
	put32(b + 4, (uint32_t)v);
}

static uint32_t get32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint64_t get64(const unsigned char *b)
{
	return (uint64_t)get32(b) << 32 | get32(b + 4);
}

/* Layout: magic 0, version 4, type 5, of 6, clock flags 7 (version 2;
 * zero in 1), client_seq 8, server_seq 12, client_tx 16, server_rx 24,
 * server_tx 32; version 1: zeros to 64. Version 2: a request's client wall
 * tx 40 (48 zero), a reflection's server wall rx 40 and tx 48; the sender's
 * clock: maxerror (us) 56, boot hash 60. */
#define CLOCK_KNOWN 0x01u
#define CLOCK_UNSYNC 0x02u

static bool is_v1(const struct oneway_pkt *p)
{
	return p->version == 1;
}

static void encode_v2(const struct oneway_pkt *p, unsigned char buf[ONEWAY_PKT_LEN])
{
	buf[7] = (unsigned char)((p->clock.known ? CLOCK_KNOWN : 0) |
	                         (p->clock.unsync ? CLOCK_UNSYNC : 0));
	bool reflect = p->type == ONEWAY_REFLECT;
	put64(buf + 40, reflect ? p->server_rx_wall_ns : p->client_tx_wall_ns);
	put64(buf + 48, reflect ? p->server_tx_wall_ns : 0);
	put32(buf + 56, p->clock.maxerror_us);
	put32(buf + 60, p->clock.boot_hash);
}

void oneway_pkt_encode(const struct oneway_pkt *p, unsigned char buf[ONEWAY_PKT_LEN])
{
	memset(buf, 0, ONEWAY_PKT_LEN);
	put32(buf, ONEWAY_MAGIC);
	buf[4] = is_v1(p) ? 1 : ONEWAY_VERSION;
	buf[5] = (unsigned char)p->type;
	buf[6] = p->type == ONEWAY_REFLECT ? (unsigned char)p->of : 0;
	put32(buf + 8, p->client_seq);
	put32(buf + 12, p->server_seq);
	put64(buf + 16, p->client_tx_ns);
	put64(buf + 24, p->server_rx_ns);
	put64(buf + 32, p->server_tx_ns);
	if (!is_v1(p))
		encode_v2(p, buf);
}

static bool is_client_type(unsigned t)
{
	return t == ONEWAY_HELLO || t == ONEWAY_REQUEST;
}

/* Version 2's fields; -1 for unknown flags or a request with a reflector's
 * wall time. */
static int decode_v2(const unsigned char *buf, bool reflect, struct oneway_pkt *p)
{
	if (buf[7] & ~(CLOCK_KNOWN | CLOCK_UNSYNC) || (!reflect && get64(buf + 48)))
		return -1;
	p->clock.known = buf[7] & CLOCK_KNOWN;
	p->clock.unsync = buf[7] & CLOCK_UNSYNC;
	p->clock.maxerror_us = get32(buf + 56);
	p->clock.boot_hash = get32(buf + 60);
	if (reflect) {
		p->server_rx_wall_ns = get64(buf + 40);
		p->server_tx_wall_ns = get64(buf + 48);
	} else {
		p->client_tx_wall_ns = get64(buf + 40);
	}
	return 0;
}

int oneway_pkt_decode(const unsigned char *buf, size_t len, struct oneway_pkt *p)
{
	if (len != ONEWAY_PKT_LEN || get32(buf) != ONEWAY_MAGIC ||
	    (buf[4] != 1 && buf[4] != ONEWAY_VERSION) || (buf[4] == 1 && buf[7]))
		return -1;
	unsigned type = buf[5], of = buf[6];
	bool reflect = type == ONEWAY_REFLECT;
	if (!(reflect ? is_client_type(of) : is_client_type(type) && of == 0))
		return -1;
	memset(p, 0, sizeof(*p));
	p->version = buf[4];
	p->type = (enum oneway_type)type;
	p->of = reflect ? (enum oneway_type)of : (enum oneway_type)0;
	p->client_seq = get32(buf + 8);
	p->client_tx_ns = get64(buf + 16);
	if (p->version == ONEWAY_VERSION && decode_v2(buf, reflect, p) < 0)
		return -1;
	if (!reflect)
		return get32(buf + 12) || get64(buf + 24) || get64(buf + 32) ? -1 : 0;
	p->server_seq = get32(buf + 12);
	p->server_rx_ns = get64(buf + 24);
	p->server_tx_ns = get64(buf + 32);
	return 0;
}

void oneway_pkt_reflect(const struct oneway_pkt *q, uint32_t seq, struct oneway_stamp rx,
                        struct oneway_stamp tx, const struct oneway_clock *clk,
                        struct oneway_pkt *r)
{
	memset(r, 0, sizeof(*r));
	r->version = is_v1(q) ? 1 : ONEWAY_VERSION;
	r->type = ONEWAY_REFLECT;
	r->of = q->type;
	r->client_seq = q->client_seq;
	r->server_seq = q->type == ONEWAY_REQUEST ? seq : 0;
	r->client_tx_ns = q->client_tx_ns;
	r->server_rx_ns = rx.mono_ns;
	r->server_tx_ns = tx.mono_ns;
	if (is_v1(q))
		return; /* an older client: no field it would not read */
	r->server_rx_wall_ns = rx.wall_ns;
	r->server_tx_wall_ns = tx.wall_ns;
	r->clock = *clk;
}
