/* diag_delay: the rules about time: R7 (latency steps: persistent, or a
 * router slow to answer, or a long-distance link) and R8 (jitter).
 * Tests: tests/unit/diag/test_diag.c tests/golden/analyze. */
#ifndef HOPDOC_DIAG_DELAY_H
#define HOPDOC_DIAG_DELAY_H

#include "diag/diag_int.h"
#include "model/finding.h"

/* R7 and R8. Facts that are no fault (a long link) go to v->notes.
 * Returns 0, or -1 out of memory. */
int diag_delay_rules(struct diag_view *v, struct finding_list *out);

#endif
