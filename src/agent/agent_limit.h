/* agent_limit: who may start a trace now. Pure bookkeeping with the time
 * passed in, so it is unit-tested without clocks or sockets.
 *
 * Peers are grouped by prefix (/24 for IPv4, /56 for IPv6: what one customer
 * usually holds). A prefix may run one trace at a time and start at most
 * per_minute requests in each minute; the agent runs at most max_active
 * traces in all. The table is bounded (AGENT_LIMIT_SLOTS prefixes); when it
 * is full of prefixes still active or counted this minute, newcomers wait as
 * if the global cap were reached.
 * Tests: tests/unit/agent/test_agent_limit.c. */
#ifndef HOPDOC_AGENT_LIMIT_H
#define HOPDOC_AGENT_LIMIT_H

#include <stdint.h>

#define AGENT_LIMIT_SLOTS 4096
#define AGENT_PREFIX_LEN 17 /* family byte + 16 address bytes */

struct agent_limit;

enum agent_admit {
	AGENT_ADMIT_OK,
	AGENT_ADMIT_PREFIX_BUSY, /* this prefix runs a trace already */
	AGENT_ADMIT_GLOBAL_BUSY, /* max_active traces run */
	AGENT_ADMIT_RATE,        /* per_minute reached for this prefix */
};

/* key: the peer's prefix (agent_limit_prefix). */
struct agent_limit *agent_limit_new(unsigned max_active, unsigned per_minute);
void agent_limit_free(struct agent_limit *l);

/* The prefix key of an address (family AF_INET with 4 bytes, AF_INET6 with
 * 16; an IPv4-mapped IPv6 address counts as IPv4). */
void agent_limit_prefix(int family, const unsigned char *addr, unsigned char key[AGENT_PREFIX_LEN]);

/* Admits a request at now_ns (monotonic): OK marks the prefix active until
 * agent_limit_done; otherwise *retry_s says when to come back (1 or more). */
enum agent_admit agent_limit_admit(struct agent_limit *l, const unsigned char key[AGENT_PREFIX_LEN],
                                   int64_t now_ns, unsigned *retry_s);

/* The trace of that prefix has ended. */
void agent_limit_done(struct agent_limit *l, const unsigned char key[AGENT_PREFIX_LEN]);

/* Traces running now. */
unsigned agent_limit_active(const struct agent_limit *l);

#endif
