/* oneway_io: the one-way stream's sockets (issue 9). The client sends a
 * short numbered stream to the server's reflector and counts what comes
 * back (oneway_count); the reflector answers only the peers it was told to
 * (the client the server traces back to: never another address), at most a
 * bounded number of datagrams each, each answer the size of its request,
 * and from the address the request was sent to (IP_PKTINFO/IPV6_PKTINFO:
 * a reflector on 0.0.0.0 or [::] of a host with several addresses).
 *
 *   client:    oneway_client_run(&opts, &result, why)   blocking, bounded
 *   reflector: fd = oneway_bind(addr, port); r = oneway_refl_new(fd);
 *              oneway_refl_allow(r, peer, until); oneway_refl_serve(r, ms)...
 * Live in the lab; the pure parts have unit tests of their own.
 * Tests: tests/lab/t_return.sh tests/lab/t_agent.sh */
#ifndef HOPDOC_ONEWAY_IO_H
#define HOPDOC_ONEWAY_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "oneway/oneway_count.h"

struct oneway_client_opts {
	struct sockaddr_storage server; /* the reflector's address and port */
	socklen_t server_len;
	uint32_t count;     /* requests (1..ONEWAY_MAX_COUNT) */
	double interval_s;  /* between requests */
	double hello_max_s; /* how long to wait for the reflector to answer */
	double drain_s;     /* after the last request, for late reflections */
	void (*on_stream)(void *ctx); /* the reflector answered: the stream starts (may be NULL) */
	void *ctx;
};

/* Sends the stream and counts. 0 when the stream passed (at least one
 * reflection of a request came back), else -1 with why (one phrase: no
 * answer to the hellos, the port refused, ...). */
int oneway_client_run(const struct oneway_client_opts *o, struct oneway_result *r, char *why,
                      size_t whylen);

/* A UDP socket bound to addr (numeric) and port. -1 with err. */
int oneway_bind(const char *addr, unsigned port, char *err, size_t errlen);

/* A UDP socket bound to the address and port of sa (the agent's listening
 * socket's, from getsockname). -1 with err. */
int oneway_bind_addr(const struct sockaddr *sa, socklen_t len, char *err, size_t errlen);

#define ONEWAY_REFL_PEERS 64
#define ONEWAY_REFL_HELLOS 1000 /* hellos answered per peer, at most */

struct oneway_refl;

/* Takes over fd (closed by oneway_refl_free). Thread-safe. */
struct oneway_refl *oneway_refl_new(int fd);
void oneway_refl_free(struct oneway_refl *r);

/* Answers peer's address (any port: a NAT picks it) until until_ns
 * (evloop_now_ns's clock), at most ONEWAY_MAX_COUNT requests and
 * ONEWAY_REFL_HELLOS hellos. A peer allowed again starts afresh. -1 when
 * the table is full. */
int oneway_refl_allow(struct oneway_refl *r, const struct sockaddr *peer, int64_t until_ns);
void oneway_refl_forget(struct oneway_refl *r, const struct sockaddr *peer);

/* Answers what comes within timeout_ms. Datagrams from other addresses, not
 * ours, or over a peer's budget are dropped unanswered. */
void oneway_refl_serve(struct oneway_refl *r, int timeout_ms);

#endif
