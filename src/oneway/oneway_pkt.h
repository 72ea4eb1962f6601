/* oneway_pkt: the datagrams of the one-way stream (issue 9; the idea of
 * OWAMP/TWAMP, RFC 4656/5357, our own format). The client sends numbered
 * requests; the server's reflector answers each from the client's address
 * with a reflection of the same size that carries the client's number and
 * send time, the reflector's own count of requests (its sequence) and its
 * receive and send times. From the gaps in both numbers the client counts
 * what each direction lost (oneway_count). Times are each side's monotonic
 * clock in ns: only differences on one side are used, so the two clocks'
 * offset cancels. Every field is big-endian; every datagram is
 * ONEWAY_PKT_LEN bytes, so a reflection is never larger than its request.
 * Tests: tests/unit/oneway/test_oneway_pkt.c fuzz/fuzz_oneway.c. */
#ifndef HOPDOC_ONEWAY_PKT_H
#define HOPDOC_ONEWAY_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ONEWAY_PKT_LEN 64
#define ONEWAY_MAGIC 0x48444f57u /* "HDOW" */
#define ONEWAY_VERSION 1

enum oneway_type {
	ONEWAY_HELLO = 1,   /* client: is the reflector up? (not counted) */
	ONEWAY_REQUEST = 2, /* client: one numbered datagram of the stream */
	ONEWAY_REFLECT = 3, /* reflector: the answer to a hello or a request */
};

struct oneway_pkt {
	enum oneway_type type;
	enum oneway_type of;  /* REFLECT only: what it answers (HELLO or REQUEST) */
	uint32_t client_seq;  /* the request's number (echoed in the reflection) */
	uint32_t server_seq;  /* REFLECT of a REQUEST: requests the reflector had
	                       * received from this peer before this one */
	uint64_t client_tx_ns; /* echoed */
	uint64_t server_rx_ns;
	uint64_t server_tx_ns;
};

/* Writes p into buf (ONEWAY_PKT_LEN bytes, the padding zeroed). */
void oneway_pkt_encode(const struct oneway_pkt *p, unsigned char buf[ONEWAY_PKT_LEN]);

/* Reads an untrusted datagram. 0, or -1 when it is not ours: wrong length,
 * magic, version or type, a reflection of something other than a hello or
 * request, a request carrying reflector fields. */
int oneway_pkt_decode(const unsigned char *buf, size_t len, struct oneway_pkt *p);

/* The reflection of request q received at rx_ns, sent at tx_ns, as the
 * reflector's seq-th request (hellos: seq 0, not counted). */
void oneway_pkt_reflect(const struct oneway_pkt *q, uint32_t seq, uint64_t rx_ns, uint64_t tx_ns,
                        struct oneway_pkt *r);

#endif
