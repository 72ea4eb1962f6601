/* retpeer: the return trace's process for --return-via ssh://. Spawns the
 * system's ssh client (posix_spawnp, no shell on this side; the effective
 * ids reset to the real ones, so a setuid install runs ssh as its user, with
 * that user's keys and ~/.ssh/config), reads its output through pipes
 * registered in the caller's event loop, and turns it into a model_trace.
 *
 *   p = retpeer_start(cfg, ...)         before the probe sockets are opened
 *   retpeer_attach(p, loop)             when the outbound trace starts
 *   retpeer_wait(p, loop, stop)         after it: runs the loop until the
 *                                       remote is done or its deadline
 *   t = retpeer_take_trace(p, ...)      the return trace, or a one-line error
 *   retpeer_oneway(p, &ow)              the one-way stream started with it
 *   retpeer_free(p)                     ends ssh if still running, reaps it
 * Tests: tests/lab/t_return.sh. */
#ifndef HOPDOC_RETPEER_H
#define HOPDOC_RETPEER_H

#include <signal.h>
#include <stddef.h>

#include "base/evloop.h"
#include "cli/config.h"
#include "cli/retvia.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/model.h"

struct retpeer;

/* Parses cfg->return_via and starts ssh. NULL with a message in err. */
struct retpeer *retpeer_start(const struct config *cfg, char *err, size_t errlen);

/* The same for the live view (cli/view): over ssh the server prints its raw
 * stream, so retpeer_peek_trace can show the way back as it is traced (the
 * agent's answer still comes whole, at its end; and the server's host checks
 * are not part of a raw stream). */
struct retpeer *retpeer_start_live(const struct config *cfg, char *err, size_t errlen);

/* Bytes of answer received so far (to see whether a peek is worth it). */
size_t retpeer_received(const struct retpeer *p);

/* The way back as far as it came (its complete lines), a new trace the
 * caller frees; NULL while nothing readable has come. */
struct model_trace *retpeer_peek_trace(const struct retpeer *p);

/* Watches the remote's output in loop. 0, or -1 when memory runs out. */
int retpeer_attach(struct retpeer *p, struct evloop *loop);

/* Runs loop until the remote closed its output, its deadline passed or *stop
 * became non-zero. Nothing else of the loop's may still be probing. */
void retpeer_wait(struct retpeer *p, struct evloop *loop, const volatile sig_atomic_t *stop);

/* The remote's trace (the caller frees it), or NULL with one line in err
 * saying what went wrong (ssh's own last words when it failed). */
struct model_trace *retpeer_take_trace(struct retpeer *p, char *err, size_t errlen);

/* The one-way stream's result (cli/retoneway), once the remote is done
 * (after retpeer_take_trace): measured, or why not. */
void retpeer_oneway(struct retpeer *p, struct diag_oneway *ow);

/* After retpeer_take_trace: appends the host-* findings the server's hopdoc
 * made of its own counters over the run (--diagnose) to out. 1 when the
 * server's host checks ran (none appended: healthy), 0 when they did not
 * (mtr, no answer, or memory ran out). */
int retpeer_host_findings(const struct retpeer *p, struct finding_list *out);

/* What the server ran (UNKNOWN until its first line came). */
enum retvia_tool retpeer_tool(const struct retpeer *p);

/* "ssh://host", for headings and messages. */
const char *retpeer_label(const struct retpeer *p);

void retpeer_free(struct retpeer *p);

#endif
