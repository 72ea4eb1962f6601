/* libFuzzer harness for the history's packed hops (monitor/monitor_round.h):
 * the bytes are a rounds.hops blob from a database file that may be damaged
 * or foreign. A blob that unpacks packs again to the same hops: checked by
 * unpacking the repacked bytes into a second round and comparing. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/monitor_round.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void blank(struct monitor_round *r)
{
	memset(r, 0, sizeof(*r));
	r->path_len = MONITOR_MAX_TTL;
	for (unsigned t = 0; t <= MONITOR_MAX_TTL; t++)
		r->hop[t].rtt_ms = NAN;
}

static int same_hop(const struct monitor_hop *a, const struct monitor_hop *b)
{
	uint64_t x, y;
	memcpy(&x, &a->rtt_ms, sizeof(x));
	memcpy(&y, &b->rtt_ms, sizeof(y));
	return a->sent == b->sent && a->recv == b->recv && x == y &&
	       memcmp(&a->from, &b->from, sizeof(a->from)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct monitor_round r, again;
	blank(&r);
	if (monitor_round_unpack_hops(&r, copy, size) == 0) {
		uint8_t packed[MONITOR_HOPS_BLOB_MAX];
		size_t n = monitor_round_pack_hops(&r, packed, sizeof(packed));
		blank(&again);
		if (n == 0 || monitor_round_unpack_hops(&again, packed, n) != 0)
			abort();
		for (unsigned t = 1; t <= MONITOR_MAX_TTL; t++)
			if (r.hop[t].sent && !same_hop(&r.hop[t], &again.hop[t]))
				abort();
	}
	free(copy);
	return 0;
}
