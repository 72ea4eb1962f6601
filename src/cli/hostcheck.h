/* hostcheck: `hopdoc host [--interval S] [--json] [--root DIR]`: samples the
 * host's counters twice and prints their rates and the R13 verdict; and the
 * local host check of a live `hopdoc --diagnose` (client side: a sample when
 * the trace starts, one when it ends). Read-only: changes no setting.
 * Tests: tests/golden/host tests/lab/t_host.sh. */
#ifndef HOPDOC_HOSTCHECK_H
#define HOPDOC_HOSTCHECK_H

#include "model/finding.h"

/* argv[0] is "host". Returns the exit status: 0, 1 on a failed run, 2 on bad
 * input. */
int hostcheck_main(int argc, char **argv);

/* --diagnose: the first sample of "/" (NULL when memory runs out). */
struct hostcheck *hostcheck_start(void);

/* Takes the second sample and appends the host-* findings over the run
 * (segment local; nothing when the host is clean). 0, or -1 when memory
 * runs out. */
int hostcheck_finish(struct hostcheck *hc, struct finding_list *out);

void hostcheck_free(struct hostcheck *hc);

#endif
