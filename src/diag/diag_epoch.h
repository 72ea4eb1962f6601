/* diag_epoch: the route-change finding of a live run whose path changed
 * (model/model.h, struct model_epoch). Internal to the diag_* modules.
 * Tests: tests/unit/diag/test_diag.c tests/lab/t_epoch.sh. */
#ifndef HOPDOC_DIAG_EPOCH_H
#define HOPDOC_DIAG_EPOCH_H

#include "model/finding.h"
#include "model/model.h"

/* When t has earlier epochs: appends `route-change` (info) naming each
 * change's round and TTL; the other rules judged the current epoch only, so
 * no loss from before a change is counted. 0, or -1 out of memory. */
int diag_add_route_change(struct finding_list *out, const struct model_trace *t,
                          enum finding_direction dir);

#endif
