/* diag_view: builds the view of one trace the rules share (diag_int.h), once
 * per trace. Internal to src/diag.
 * Tests: tests/unit/diag/test_diag_segment.c tests/unit/diag/test_diag.c. */
#ifndef HOPDOC_DIAG_VIEW_H
#define HOPDOC_DIAG_VIEW_H

#include "diag/diag_int.h"

/* Fills v for trace t, segments included (diag_segment). v holds no notes
 * yet: fresh, or emptied by diag_view_free. */
void diag_view_init(struct diag_view *v, const struct model_trace *t, enum finding_direction dir,
                    bool client_first);

/* Frees the notes; v can be initialised again. */
void diag_view_free(struct diag_view *v);

#endif
