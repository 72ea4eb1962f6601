/* diag_loss: the rules about replies that do not come back: R2 (loss that
 * does not persist), R3 (loss that persists), R4 (destination filters the
 * probes), R5 (path interrupted) and R6 (routing loop).
 * Tests: tests/unit/diag/test_diag.c tests/golden/analyze. */
#ifndef HOPDOC_DIAG_LOSS_H
#define HOPDOC_DIAG_LOSS_H

#include <stdbool.h>

#include "diag/diag_int.h"
#include "model/finding.h"

/* R6. Appends a routing-loop finding when the trace ends in a repeating
 * sequence of routers; sets *found. Returns 0, or -1 out of memory. */
int diag_loss_loop(const struct diag_view *v, struct finding_list *out, bool *found);

/* The lower end of the loss rate lost of sent supports: Wilson's score
 * bound, one-sided 95%. 0 when nothing was sent. */
double diag_loss_lower_bound(unsigned long lost, unsigned long sent);

/* R2 to R5. Returns 0, or -1 out of memory. */
int diag_loss_rules(const struct diag_view *v, struct finding_list *out);

#endif
