/* fuzz_oneway: received datagrams of the one-way stream. The input is cut
 * into 64-byte datagrams (the last may be short), each decoded and, when it
 * decodes, counted against a stream of 16 requests whose send times are
 * 1..16 on both clocks; re-encoding a decoded datagram must give back the
 * same bytes (all 64 in version 2), and the counts and one-way delays must
 * stay within what was sent and in order. */
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
	if (r->out.sent > 16 || r->reflections > 32 || r->delays > r->reflections)
		abort();
	if (r->delays && (r->out.delay_min_ms > r->out.delay_p50_ms ||
	                  r->ret.delay_min_ms > r->ret.delay_p50_ms))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oneway_count *c = oneway_count_new(16);
	if (!c)
		return 0;
	for (uint32_t i = 0; i < 16; i++)
		oneway_count_sent(c, i, (struct oneway_stamp){ i + 1, i + 1 });
	for (size_t off = 0; off < size; off += ONEWAY_PKT_LEN) {
		size_t n = size - off < ONEWAY_PKT_LEN ? size - off : ONEWAY_PKT_LEN;
		struct oneway_pkt p;
		unsigned char again[ONEWAY_PKT_LEN];
		if (oneway_pkt_decode(data + off, n, &p) < 0)
			continue;
		oneway_pkt_encode(&p, again);
		/* version 1 never read its padding (40..63); version 2 reads every byte */
		if (memcmp(again, data + off, p.version == 1 ? 40 : ONEWAY_PKT_LEN) != 0)
			abort();
		(void)oneway_count_add(c, &p, (struct oneway_stamp){ (uint64_t)off * 1000, (uint64_t)off });
	}
	struct oneway_result r;
	oneway_count_result(c, &r);
	check(&r);
	oneway_count_free(c);
	return 0;
}
