/* libFuzzer harness for mtr-packet's command parser (the bytes mtr, or
 * anything else that can write to our stdin, sends). Whatever parses must
 * hold the ranges mtrpacket_cmd.h promises, and its reply lines must format
 * within a line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "mtrpacket/mtrpacket_cmd.h"
#include "mtrpacket/mtrpacket_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_probe(const struct mtrpacket_probe *p)
{
	if (p->dst.family != AF_INET && p->dst.family != AF_INET6)
		abort();
	if (p->src.family != AF_UNSPEC && p->src.family != p->dst.family)
		abort();
	if (p->ttl < 1 || p->ttl > 255 || p->size > 65535 || p->port > 65535 || p->tos > 255 ||
	    p->bit_pattern > 255 || p->timeout_s > 86400 || p->mark > UINT32_MAX)
		abort();
	if (p->local_port && (p->local_port < 1024 || p->local_port > 65535))
		abort();
	if (p->device[MTRPACKET_DEVICE_MAX - 1] != '\0')
		abort();
}

static void format_replies(const struct mtrpacket_cmd *c)
{
	char line[MTRPACKET_LINE_MAX];
	struct model_mpls m[MODEL_MAX_MPLS] = { { 1048575, 7, 1, 255 } };
	if (mtrpacket_fmt_answer(line, sizeof(line), c->token, MTRPACKET_W_TTL_EXPIRED,
	                         &c->probe.dst, UINT64_MAX, m, MODEL_MAX_MPLS) < 0)
		abort();
	if (mtrpacket_fmt_errno(line, sizeof(line), c->token, (int)c->probe.size) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mtrpacket_cmd c;
	enum mtrpacket_verdict v = mtrpacket_parse((const char *)data, size, &c);
	if (v == MTRPACKET_SEND_PROBE) {
		check_probe(&c.probe);
		format_replies(&c);
	} else if (v == MTRPACKET_CHECK_SUPPORT) {
		char line[MTRPACKET_LINE_MAX];
		if (!c.feature[0] || mtrpacket_fmt_feature(line, sizeof(line), c.token, c.feature) < 0)
			abort();
	} else if (v == MTRPACKET_PARSE_ERROR && c.token != 0) {
		abort();
	}
	return 0;
}
