#include "probe/probe_nat.h"

#include <netinet/in.h>
#include <sys/socket.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The UDP checksum we sent for seq, or -1 when there is none to compare:
 * unknown source (0 sent), or a layout whose checksum carries the seq but a
 * quote too short to show the payload word that tells what was sent. */
static int32_t sent_udp_sum(const struct packet_flow *f, const struct packet_quote *q, uint16_t seq,
                            uint8_t *scratch, size_t cap)
{
	if (f->src.family != f->family)
		return -1;
	if (packet_quoted_seq_sent(f, q) < PACKET_SEQ_SPACE)
		return (uint16_t)(seq + 1); /* packet.c's udp_checksum_carries_seq */
	if (packet_is_constant(f) || (f->local_port && f->remote_port))
		return -1;
	if (packet_build(f, seq, scratch, cap) < 0)
		return -1;
	return get16(scratch + 6);
}

bool probe_nat_rewritten(const struct packet_flow *f, const struct packet_reply *r, uint16_t seq,
                         uint8_t *scratch, size_t cap)
{
	if (!r->has_quote)
		return false;
	const struct packet_quote *q = &r->quote;
	if (f->src.family == f->family && q->src.family == f->family && !model_addr_equal(&q->src, &f->src))
		return true;
	if (f->proto != MODEL_PROTO_UDP || q->proto != IPPROTO_UDP)
		return false;
	int32_t sent = sent_udp_sum(f, q, seq, scratch, cap);
	return sent >= 0 && q->udp_sum != (uint16_t)sent;
}
