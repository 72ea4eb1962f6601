/* run: one live trace, from open sockets to the printed report.
 *
 * Split in two so privileges can be dropped in between, for every target at
 * once:
 *     r = run_open(cfg, ...)      privileged: the probe sockets only
 *     privdrop_drop(...)          (the CLI does this after opening them all)
 *     run_trace(r, stop, out, ...)  names, collector, DNS, loop, output
 *     run_free(r)
 * Nothing here prints to stderr or exits; errors come back in err. */
#ifndef HOPDOC_RUN_H
#define HOPDOC_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/config.h"

struct run;

/* Opens the probe sockets for cfg (which must outlive the run; cfg->target
 * set). NULL with a message in err. */
struct run *run_open(const struct config *cfg, char *err, size_t errlen);

/* Resolves the target, probes it for cfg->cycles rounds (or until *stop
 * becomes non-zero: the run then ends as a finished one would), and writes
 * cfg->output to out: streamed for raw and split, at the end otherwise, with
 * the diagnosis after it when cfg->diagnose. Reverse DNS unless cfg->no_dns.
 * Returns 0, or -1 with a message in err (a report of what was gathered is
 * still written when the failure came after probing started). Once only:
 * the probe sockets are closed at the end. */
int run_trace(struct run *r, const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen);

void run_free(struct run *r);

#endif
