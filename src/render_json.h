/* render_json: mtr's JSON (-j), with hopdoc's extra keys after mtr's. */
#ifndef HOPDOC_RENDER_JSON_H
#define HOPDOC_RENDER_JSON_H

#include "render.h"

int render_json_report(const struct model_trace *t, const struct render_opts *o, struct sink *out);

#endif
