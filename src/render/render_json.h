/* render_json: mtr's JSON (-j), with hopdoc's extra keys after mtr's.
 * Tests: tests/unit/render/test_render.c tests/golden/render. */
#ifndef HOPDOC_RENDER_JSON_H
#define HOPDOC_RENDER_JSON_H

#include <jansson.h>

#include "render/render_opts.h"

int render_json_report(const struct model_trace *t, const struct render_opts *o, struct sink *out);

/* The JSON building blocks, shared with `hopdoc analyze --json`.
 * The caller owns the returned reference. */
json_t *render_json_trace(const struct model_trace *t, const struct render_opts *o);
json_t *render_json_findings(const struct finding_list *l);

/* Writes a JSON document as mtr does (4-space indent, 5 significant digits,
 * final newline). Returns 0, or -1 when root is NULL or the sink failed. */
int render_json_dump(const json_t *root, struct sink *out);

#endif
