/* retagent: the client of a hopdoc agent (--return-via http(s)://), run by
 * cli/retpeer in a forked child so that the trace's event loop reads its
 * answer from a pipe exactly as it reads ssh's: on HTTP 200 the child writes
 * "hopdoc-return: hopdoc" and the agent's -j document to stdout; otherwise
 * one line to stderr ("HTTP 429, retry after 5 s: ...", "curl: ...") and
 * exits 255. The child gives up its privileges before any byte is read from
 * the network (after reading the token file, $HOPDOC_AGENT_TOKEN_FILE).
 * TLS is verified (a private CA: $HOPDOC_AGENT_CA); redirects are not
 * followed; only http and https are spoken.
 * Tests: tests/lab/t_agent.sh. */
#ifndef HOPDOC_RETAGENT_H
#define HOPDOC_RETAGENT_H

#include <stdbool.h>

/* Never returns: _exit 0 or 255. live (the view): asks for the agent's
 * NDJSON stream and writes each round on at once as raw lines
 * (import_agent.h), so the way back fills in as the agent traces. */
void retagent_child(const char *url, long timeout_s, bool live) __attribute__((noreturn));

#endif
