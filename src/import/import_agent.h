/* import_agent: a hopdoc agent's NDJSON stream (GET /v1/trace with Accept:
 * application/x-ndjson; agent/agent_ndjson.h writes it), one round a line,
 * turned back into mtr's raw lines (import_raw.h), so the live view's way
 * back fills in round by round from an agent as it does over ssh:
 *   {"round":3,"hops":[{"hop":1,"host":"192.0.2.1","sent":1,"recv":1,"rtt_ms":2.1},...]}
 * gives, per hop H, `sent` lines "x H-1 SEQ", "h H-1 HOST" when it answered,
 * and `recv` lines "p H-1 MICROSECONDS SEQ". Untrusted bytes: a line that is
 * not such a round (the closing {"done":...}, garbage, a host that is not an
 * address, figures out of range) gives nothing, so no text of the agent's
 * ever reaches the raw lines. Fuzzed by fuzz/fuzz_import_agent.c.
 * Tests: tests/unit/import/test_import_agent.c. */
#ifndef HOPDOC_IMPORT_AGENT_H
#define HOPDOC_IMPORT_AGENT_H

#include <stddef.h>

#include "base/strbuf.h"

/* Probes one hop may have in one round (the agent sends one). */
#define IMPORT_AGENT_PROBES_MAX 16

struct import_agent {
	unsigned long seq; /* the next raw sequence number */
};

/* One line (its newline may be left on). Appends its round's raw lines to
 * raw. 1 when the line was a round, 0 when it was not, -1 when memory ran
 * out. */
int import_agent_line(struct import_agent *st, const char *line, size_t len, struct strbuf *raw);

#endif
