/* agent: `hopdoc agent`, the return route for customers without a shell on
 * the server. An HTTP/1.1 service on libmicrohttpd:
 *   GET /v1/health                    200 "ok"
 *   GET /v1/trace?cycles=N&interval=S&proto=icmp|udp|tcp&port=P
 *       traces back to the TCP peer's own address (agent_query: there is no
 *       target parameter; X-Forwarded-For and its kin are refused with 400)
 *       and answers hopdoc's -j document.
 * Limits (agent_limit): one trace per /24 or /56 at a time, a global cap and
 * requests per minute per prefix (429 with Retry-After); MHD bounds the
 * request size (connection memory), connections per address and idle time.
 *
 * Privileges: the listening socket is opened first; then, when started as
 * root, the agent becomes nobody keeping only CAP_NET_RAW, as an ambient
 * capability, before any thread exists. Each trace is a child process (this
 * same hopdoc binary, `hopdoc -n -j ... -- PEER`, argv only, no shell) that
 * opens its raw sockets with that capability and drops it at once, as every
 * hopdoc run does: the agent itself never holds a raw socket, and a trace
 * that crashes takes no other request with it. Under systemd the unit gives
 * the same (DynamicUser, AmbientCapabilities=CAP_NET_RAW).
 * Tests: tests/lab/t_agent.sh. */
#ifndef HOPDOC_AGENT_H
#define HOPDOC_AGENT_H

#include <signal.h>
#include <stddef.h>

#include "agent/agent_query.h"

struct agent_opts {
	const char *listen;      /* ADDR:PORT or [V6]:PORT */
	const char *tls_cert;    /* PEM contents (not paths), or NULL */
	const char *tls_key;
	const char *token;       /* bearer token, or NULL for none */
	struct agent_bounds bounds;
	unsigned max_active;     /* traces at once (default 4) */
	unsigned per_minute;     /* requests per prefix per minute (default 6) */
	unsigned timeout_s;      /* idle connection timeout (default 10) */
	unsigned max_conns;      /* connections at once (default 64) */
	const char *hopdoc_path; /* the binary each trace runs */
};

void agent_opts_default(struct agent_opts *o);

/* Serves until *stop becomes non-zero. Returns 0, or -1 with a message in
 * err (the address cannot be used, privileges cannot be dropped, ...). */
int agent_serve(const struct agent_opts *o, const volatile sig_atomic_t *stop, char *err,
                size_t errlen);

#endif
