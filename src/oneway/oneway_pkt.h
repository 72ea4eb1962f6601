/* oneway_pkt: the datagrams of the one-way stream (issue 9; the idea of
 * OWAMP/TWAMP, RFC 4656/5357, our own format). The client sends numbered
 * requests; the server's reflector answers each from the client's address
 * with a reflection of the same size that carries the client's number and
 * send time, the reflector's own count of requests (its sequence) and its
 * receive and send times. From the gaps in both numbers the client counts
 * what each direction lost (oneway_count). The *_ns times are each side's
 * monotonic clock: only differences on one side are used, so the two clocks'
 * offset cancels (delay variation). Version 2 adds wall-clock times
 * (CLOCK_REALTIME, *_wall_ns) and the sender's clock quality (oneway_clock):
 * a one-way delay is a receive wall time less the other end's send wall
 * time, right within the two ends' clock error bounds. Every field is
 * big-endian; every datagram is ONEWAY_PKT_LEN bytes, so a reflection is
 * never larger than its request. A reflector answers in the version it was
 * asked in, so a version-1 peer on either side still counts loss.
 * Tests: tests/unit/oneway/test_oneway_pkt.c fuzz/fuzz_oneway.c. */
#ifndef HOPDOC_ONEWAY_PKT_H
#define HOPDOC_ONEWAY_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ONEWAY_PKT_LEN 64
#define ONEWAY_MAGIC 0x48444f57u /* "HDOW" */
#define ONEWAY_VERSION 2 /* this build's; 1 is still decoded (no wall clock) */

enum oneway_type {
	ONEWAY_HELLO = 1,   /* client: is the reflector up? (not counted) */
	ONEWAY_REQUEST = 2, /* client: one numbered datagram of the stream */
	ONEWAY_REFLECT = 3, /* reflector: the answer to a hello or a request */
};

/* How far an end's wall clock may be from true time (adjtimex(2)'s view),
 * and which kernel keeps it (a hash of its boot_id). */
struct oneway_clock {
	bool known;            /* false: not read, or a version-1 peer */
	bool unsync;           /* STA_UNSYNC: the kernel vouches for nothing */
	uint32_t maxerror_us;  /* the kernel's maximum error bound */
	uint32_t boot_hash;    /* oneway_clock_boot_hash of boot_id; 0: unknown */
};

struct oneway_pkt {
	unsigned version; /* decoded: 1 or 2; encoded: 1 or (anything else) ONEWAY_VERSION */
	enum oneway_type type;
	enum oneway_type of;  /* REFLECT only: what it answers (HELLO or REQUEST) */
	uint32_t client_seq;  /* the request's number (echoed in the reflection) */
	uint32_t server_seq;  /* REFLECT of a REQUEST: requests the reflector had
	                       * received from this peer before this one */
	uint64_t client_tx_ns; /* echoed */
	uint64_t server_rx_ns;
	uint64_t server_tx_ns;
	/* version 2 only (0 in version 1): */
	uint64_t client_tx_wall_ns; /* REQUEST, HELLO: the client's send wall time */
	uint64_t server_rx_wall_ns; /* REFLECT: the reflector's wall times */
	uint64_t server_tx_wall_ns;
	struct oneway_clock clock; /* the sender's: a request's client, a reflection's reflector */
};

/* Writes p into buf (ONEWAY_PKT_LEN bytes, the padding zeroed). */
void oneway_pkt_encode(const struct oneway_pkt *p, unsigned char buf[ONEWAY_PKT_LEN]);

/* Reads an untrusted datagram. 0, or -1 when it is not ours: wrong length,
 * magic, version or type, a reflection of something other than a hello or
 * request, a request carrying reflector fields, unknown clock flags. */
int oneway_pkt_decode(const unsigned char *buf, size_t len, struct oneway_pkt *p);

/* When a datagram was received or sent, on both of the end's clocks. */
struct oneway_stamp {
	uint64_t mono_ns, wall_ns;
};

/* The reflection of request q, in q's version, received at rx, sent at tx,
 * as the reflector's seq-th request (hellos: seq 0, not counted), by a
 * reflector whose clock is clk (version 2 only). */
void oneway_pkt_reflect(const struct oneway_pkt *q, uint32_t seq, struct oneway_stamp rx,
                        struct oneway_stamp tx, const struct oneway_clock *clk,
                        struct oneway_pkt *r);

#endif
