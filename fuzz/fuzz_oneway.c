/* fuzz_oneway: received datagrams of the one-way stream. The input is cut
 * into 64-byte datagrams (the last may be short), each decoded and, when it
 * decodes, counted against a stream of 16 requests whose send times are
 * 1..16; re-encoding a decoded datagram must give back the same bytes, and
 * the counts must stay within what was sent. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oneway/oneway_count.h"
#include "oneway/oneway_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct oneway_result *r)
{
	const struct oneway_dir *d[2] = { &r->out, &r->ret };
	for (int i = 0; i < 2; i++)
		if (d[i]->received > d[i]->sent || d[i]->lost != d[i]->sent - d[i]->received ||
		    d[i]->pdv_p50_ms > d[i]->pdv_p95_ms || d[i]->pdv_p50_ms < 0)
			abort();
	if (r->out.sent > 16 || r->reflections > 32)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oneway_count *c = oneway_count_new(16);
	if (!c)
		return 0;
	for (uint32_t i = 0; i < 16; i++)
		oneway_count_sent(c, i, i + 1);
	for (size_t off = 0; off < size; off += ONEWAY_PKT_LEN) {
		size_t n = size - off < ONEWAY_PKT_LEN ? size - off : ONEWAY_PKT_LEN;
		struct oneway_pkt p;
		unsigned char again[ONEWAY_PKT_LEN];
		if (oneway_pkt_decode(data + off, n, &p) < 0)
			continue;
		oneway_pkt_encode(&p, again);
		if (memcmp(again, data + off, 40) != 0)
			abort();
		(void)oneway_count_add(c, &p, (uint64_t)off * 1000);
	}
	struct oneway_result r;
	oneway_count_result(c, &r);
	check(&r);
	oneway_count_free(c);
	return 0;
}
