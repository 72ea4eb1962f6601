/* retoneway: --return-via's one-way stream (issue 9; src/oneway). Round
 * trips cannot say which way a link loses when the route is the same both
 * ways, so while both traces run the client sends a short numbered UDP
 * stream to a reflector on the server and counts, per direction, what
 * arrived (oneway_count); diag_pair_oneway then names the direction.
 *
 * Client: retoneway_start forks a child (privileges dropped, before any raw
 * socket exists) that runs the stream and writes its result to a pipe;
 * retoneway_take waits for it (bounded by the stream's own length).
 * Server: over ssh://, the remote command sets HOPDOC_ONEWAY_REFLECT=ADDR,PORT
 * (RETVIA_ONEWAY_ENV; the server address ssh reached, a port the client picked), and the
 * remote hopdoc's retoneway_reflect_start forks a reflector bound there,
 * answering the trace's target (the client as the server sees it) only,
 * for the run's length. An older hopdoc ignores the variable: the stream
 * then does not pass and the verdict says the direction is unknown. The
 * agent reflects on its own listening address and port (agent.c).
 * Tests: tests/unit/cli/test_retoneway.c tests/lab/t_return.sh tests/lab/t_agent.sh */
#ifndef HOPDOC_RETONEWAY_H
#define HOPDOC_RETONEWAY_H

#include <stddef.h>

#include "cli/config.h"
#include "cli/retvia.h"
#include "diag/diag.h"
#include "oneway/oneway_io.h"

#define RETONEWAY_COUNT 200      /* requests: 30% loss known to about +-6 points */
#define RETONEWAY_HELLO_S 20.0   /* ssh's connection and the remote's start */
#define RETONEWAY_DRAIN_S 1.0
#define RETONEWAY_LATE_S 2.0   /* after the remote is done, for a hello to come */

/* The stream's count and pace for cfg's run: 200 requests over about 60%
 * of cycles x interval, one per 5 to 50 ms. */
void retoneway_plan(const struct config *cfg, uint32_t *count, double *interval_s);

/* The reflector's ports over ssh: IANA's dynamic range, 49152..65535. The
 * server refuses any other, so the variable cannot make it bind a
 * well-known port. */
#define RETONEWAY_PORT_MIN 49152u
unsigned retoneway_pick_port(void);

/* Reads "ADDR,PORT" (a numeric address, a port in the range above). 0, or
 * -1. */
int retoneway_parse_env(const char *s, char *addr, size_t addrlen, unsigned *port);

struct retoneway;

/* Starts the stream to host (resolved here; numeric or a name) on port. NULL
 * with err when the child cannot start. */
struct retoneway *retoneway_start(const struct config *cfg, const char *host, unsigned port,
                                  char *err, size_t errlen);

/* The stream's result, once the remote is done: waits for the child, at
 * most its own length, or RETONEWAY_LATE_S when the reflector has not
 * answered yet (it never will: the remote ended it). ow->measured false
 * with ow->why when it did not pass. */
void retoneway_take(struct retoneway *w, struct diag_oneway *ow);

void retoneway_free(struct retoneway *w);

/* Server side: when $HOPDOC_ONEWAY_REFLECT is set and target is a numeric
 * address, a reflector child for cfg's run; its pid, or 0 when none. A
 * reflector that cannot bind says so on stderr and exits. */
pid_t retoneway_reflect_start(const struct config *cfg, const char *target);

/* Ends and reaps the reflector (pid 0: nothing). */
void retoneway_reflect_stop(pid_t pid);

#endif
