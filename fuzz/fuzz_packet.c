/* libFuzzer harness for the reply parser. The first byte chooses how the
 * datagram "arrived" (family, socket protocol, IP header or not); the rest is
 * the datagram. Whatever parses is then matched against flows of every probe
 * kind, so the matcher sees attacker-shaped replies too. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct packet_rx rx_from(uint8_t sel)
{
	struct packet_rx rx;
	memset(&rx, 0, sizeof(rx));
	rx.family = sel & 1 ? AF_INET6 : AF_INET;
	rx.ip_header = (sel & 2) != 0;
	if (sel & 4)
		rx.proto = IPPROTO_TCP;
	else
		rx.proto = rx.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	if (sel & 8) /* a deliberately wrong protocol for the family */
		rx.proto = rx.family == AF_INET ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	rx.from.family = rx.family;
	rx.from.bytes[0] = 10;
	return rx;
}

static struct packet_flow flow_from(int family, uint8_t sel)
{
	struct packet_flow f;
	memset(&f, 0, sizeof(f));
	f.family = family;
	f.proto = (enum model_proto)(sel % 3);
	f.dst.family = family;
	f.dst.bytes[0] = 10;
	if (sel & 4) {
		f.src.family = family;
		f.src.bytes[0] = 10;
		f.src.bytes[1] = 1;
	}
	f.ident = 0x4242;
	f.local_port = sel & 8 ? 7 : 0;
	f.remote_port = sel & 16 ? 53 : 0;
	f.psize = 64;
	f.constant = (sel & 32) != 0; /* Paris layout, several flows */
	f.nflows = sel & 32 ? 16 : 0;
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct packet_rx rx = rx_from(data[0]);
	struct packet_reply r;
	if (packet_parse(&rx, data + 1, size - 1, &r) != 0)
		return 0;
	for (uint8_t sel = 0; sel < 64; sel++) {
		struct packet_flow f = flow_from(rx.family, sel);
		uint16_t seq = 0;
		if (packet_match(&f, &r, &seq) != PACKET_NOT_OURS && seq >= PACKET_SEQ_SPACE)
			__builtin_trap(); /* a match must name a probe we could have sent */
	}
	return 0;
}
