/* render_text: mtr's report (-r) and wide report (-w), and the diagnosis as
 * text under the table.
 * Tests: tests/golden/render tests/golden/seeds. */
#ifndef HOPDOC_RENDER_TEXT_H
#define HOPDOC_RENDER_TEXT_H

#include "render/render_opts.h"

int render_text_report(const struct model_trace *t, const struct render_opts *o, struct sink *out);

/* The "Diagnosis" section alone (used under the table). */
int render_text_findings(const struct finding_list *l, struct sink *out);

/* A finding's first line without its number: "critical: loss at hop 2
 * (segment access, direction outbound, loss 40.0%)"; the HTML export says
 * it in the same words. */
int render_text_finding_head(const struct finding *f, struct sink *out);

#endif
