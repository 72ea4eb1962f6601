/* libFuzzer harness for the error-queue decoder (packet_parse_errqueue): what
 * a datagram ICMP socket hands over for an ICMP error. The first byte chooses
 * the socket family and the control message's level/type, the second how many
 * of the following bytes are the control message's data (sock_extended_err
 * and the offender's address); the rest is the quoted echo request. Whatever
 * decodes is matched against a flow, which must name a probe we could send. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void control_of(uint8_t sel, struct packet_errq *q)
{
	q->family = sel & 1 ? AF_INET6 : AF_INET;
	q->level = q->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	q->type = q->family == AF_INET ? IP_RECVERR : IPV6_RECVERR;
	if (sel & 2) /* the other family's message */
		q->type = q->family == AF_INET ? IPV6_RECVERR : IP_RECVERR;
	if (sel & 4)
		q->level = SOL_SOCKET;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	struct packet_errq q;
	memset(&q, 0, sizeof(q));
	control_of(data[0], &q);
	size_t n = data[1] < size - 2 ? data[1] : size - 2;
	/* Copies of exactly the given length, so ASan sees any read past them. */
	uint8_t *cdata = malloc(n ? n : 1), *quote = malloc(size - 2 - n ? size - 2 - n : 1);
	if (!cdata || !quote)
		abort();
	memcpy(cdata, data + 2, n);
	memcpy(quote, data + 2 + n, size - 2 - n);
	q.data = cdata;
	q.data_len = n;
	q.quote = quote;
	q.quote_len = size - 2 - n;
	struct packet_reply r;
	if (packet_parse_errqueue(&q, &r) == 0) {
		struct packet_flow f;
		memset(&f, 0, sizeof(f));
		f.family = q.family;
		f.proto = MODEL_PROTO_ICMP;
		f.dst = r.from;
		uint16_t seq = 0;
		if (packet_match_errqueue(&f, &r, &seq) != PACKET_NOT_OURS && seq >= PACKET_SEQ_SPACE)
			__builtin_trap(); /* a match must name a probe we could have sent */
	}
	free(cdata);
	free(quote);
	return 0;
}
