/* render_csv: mtr's CSV (-C), and the diagnosis as a second table.
 * Tests: tests/golden/render tests/unit/render/test_render.c. */
#ifndef HOPDOC_RENDER_CSV_H
#define HOPDOC_RENDER_CSV_H

#include "render/render_opts.h"

/* The version mtr writes in its first column; scripts match on "MTR.". */
#define RENDER_CSV_MTR_VERSION "0.95"

int render_csv_report(const struct model_trace *t, const struct render_opts *o, struct sink *out);

#endif
