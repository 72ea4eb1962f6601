/* agent_query: the agent's request parameters, parsed and bounded. Pure (no
 * sockets, no allocation), so it is unit-tested and fuzzed (fuzz_agent_query).
 *
 * GET /v1/trace?cycles=N&interval=S&proto=icmp|udp|tcp&port=P. There is no
 * target: the agent traces back to the TCP peer only. Any other parameter
 * (target, host, dst, ... or a typo), a repeated one, an empty value or a
 * value out of bounds is refused, so a request can never name an address.
 * Tests: tests/unit/agent/test_agent_query.c fuzz/fuzz_agent_query.c. */
#ifndef HOPDOC_AGENT_QUERY_H
#define HOPDOC_AGENT_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define AGENT_QUERY_MAX 512 /* a longer query string is refused whole */

struct agent_bounds {
	unsigned long max_cycles; /* --max-cycles (default 60) */
	double min_interval_s;    /* --min-interval (default 1) */
	double max_interval_s;    /* --max-interval (default 10) */
};

struct agent_trace_req {
	unsigned long cycles; /* default 10 (or max_cycles when lower) */
	double interval_s;    /* default 1 (within the bounds) */
	enum model_proto proto;
	unsigned port; /* 0: hopdoc's default for the protocol */
	unsigned seen; /* bit per parameter already given */
};

void agent_bounds_default(struct agent_bounds *b);

/* The defaults within b. */
void agent_query_init(struct agent_trace_req *r, const struct agent_bounds *b);

/* One decoded key=value pair. 0, or -1 with a message in err. */
int agent_query_pair(struct agent_trace_req *r, const struct agent_bounds *b, const char *key,
                     const char *value, char *err, size_t errlen);

/* A raw query string ("a=1&b=2", percent-encoded, len bytes, no '?'), pair by
 * pair. 0, or -1 with a message in err. */
int agent_query_parse(struct agent_trace_req *r, const struct agent_bounds *b, const char *qs,
                      size_t len, char *err, size_t errlen);

/* Whether a request header names another address (X-Forwarded-For,
 * Forwarded, X-Real-IP, ...): such a request is refused. */
bool agent_header_names_address(const char *name);

#endif
