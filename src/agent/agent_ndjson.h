/* agent_ndjson: hopdoc's raw stream (-l) turned into one JSON line per round,
 * for GET /v1/trace with Accept: application/x-ndjson. Pure (bytes in, text
 * out), so it is unit-tested and fuzzed (fuzz_agent_ndjson).
 *
 * A round begins with the probe of hop 0 ("x 0 SEQ"). Replies are matched to
 * their probe's round by SEQ, so a late reply counts where it belongs; a
 * round's line is written when the round after the next one begins (or at
 * the end), by then its replies are in:
 *   {"round":1,"hops":[{"hop":1,"host":"192.0.2.1","sent":1,"recv":1,"rtt_ms":2.104},...]}
 * The last line is {"done":true,"rounds":N}. Lines that are not raw lines
 * are skipped; a line longer than AGENT_NDJSON_LINE_MAX is dropped.
 * Tests: tests/unit/agent/test_agent_ndjson.c fuzz/fuzz_agent_ndjson.c. */
#ifndef HOPDOC_AGENT_NDJSON_H
#define HOPDOC_AGENT_NDJSON_H

#include <stddef.h>

#include "base/strbuf.h"

#define AGENT_NDJSON_LINE_MAX 256
#define AGENT_NDJSON_HOPS 64

struct agent_ndjson;

struct agent_ndjson *agent_ndjson_new(void);
void agent_ndjson_free(struct agent_ndjson *n);

/* Feeds len bytes; finished rounds are appended to out. 0, or -1 when out
 * ran out of memory. */
int agent_ndjson_feed(struct agent_ndjson *n, const char *data, size_t len, struct strbuf *out);

/* The rounds still held, then the "done" line. */
int agent_ndjson_finish(struct agent_ndjson *n, struct strbuf *out);

#endif
