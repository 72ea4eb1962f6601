/* render_xml: mtr's XML (-x), and the diagnosis as a <DIAGNOSIS> element.
 * Tests: tests/golden/render tests/unit/render/test_render.c. */
#ifndef HOPDOC_RENDER_XML_H
#define HOPDOC_RENDER_XML_H

#include "render/render_opts.h"

int render_xml_report(const struct model_trace *t, const struct render_opts *o, struct sink *out);

#endif
