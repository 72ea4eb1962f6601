/* render_winmtr: the text export (--export-text, and the view's `e`): the
 * table of WinMTR's "Export TEXT", so WinMTR users read it as they know it,
 * mtr users read a plain table, and `hopdoc analyze` reads it back (its
 * WinMTR importer) with the same hops and figures.
 *
 * The layout is WinMTR's ('|'-framed, CRLF line ends, a "WinMTR statistics"
 * title row that readers of WinMTR files look for, the host right-aligned in
 * 40 characters or more, "No response from host" for silent hops, a "|___|"
 * footer) with figures at mtr's grain (one decimal) where WinMTR has whole
 * milliseconds: a LAN hop of 0.3 ms must not read 0. The footer line names
 * hopdoc, the path and the start. A "Nr" column is added only when the first
 * hop shown is not TTL 1 (-f), so hop numbers survive the round trip.
 * Names from DNS are untrusted: control bytes and '|' print as '?'.
 * Tests: tests/unit/render/test_render_export.c tests/golden/render. */
#ifndef HOPDOC_RENDER_WINMTR_H
#define HOPDOC_RENDER_WINMTR_H

#include "render/render_opts.h"

/* A render_fn; o->fields and o->diagnosis are ignored (WinMTR's columns). */
int render_winmtr_text(const struct model_trace *t, const struct render_opts *o, struct sink *out);

#endif
