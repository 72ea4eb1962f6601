/* render_html: the HTML export (--export-html, `hopdoc analyze
 * --export-html`, the view's `e`): one self-contained page with the hop
 * table, a latency chart per hop over the run (inline SVG from the history)
 * and the verdict with its evidence and advice in --diagnose's words.
 *
 * Self-contained means no URL at all: no scripts, fonts, images or links;
 * the style sheet is inline, the charts are inline SVG (without even an
 * xmlns). Every string from the model is escaped (DNS names are untrusted).
 * The page reads on a phone (viewport meta, the table scrolls in its box,
 * the charts reflow) and printed (print style: no backgrounds, no breaks
 * inside a chart). The table is WinMTR's export HTML table (Nr, Hostname,
 * Loss %, Sent, Recv, Best, Avrg, Worst, Last, StDev), so `hopdoc analyze`
 * reads the page back too.
 * Tests: tests/unit/render/test_render_export.c tests/golden/render. */
#ifndef HOPDOC_RENDER_HTML_H
#define HOPDOC_RENDER_HTML_H

#include "base/sink.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "render/render_opts.h"

struct render_html_page {
	const struct model_trace *trace;
	const struct render_opts *opts;      /* names and -b; fields and diagnosis ignored */
	const struct model_history *history; /* NULL: no per-round data (an import) */
	const struct finding_list *findings; /* the verdict; NULL: none was made */
	const char *source;                  /* what the page was made from ("live run",
						a file name); NULL: not said */
};

/* Returns 0, or -1 when the sink failed. */
int render_html(const struct render_html_page *p, struct sink *out);

#endif
