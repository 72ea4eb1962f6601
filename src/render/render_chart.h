/* render_chart: one hop's latency over the run as an inline SVG, for the
 * HTML export. Drawn from the history (one outcome per round): each column
 * is a round, or a bin of rounds when the run is longer than the chart is
 * wide, with the min-max band, the mean as a dot, and a red mark above the
 * plot where probes were lost. Numbers only: nothing from the network is
 * written, so nothing needs escaping. Internal to src/render.
 * Tests: tests/unit/render/test_render_export.c tests/golden/render. */
#ifndef HOPDOC_RENDER_CHART_H
#define HOPDOC_RENDER_CHART_H

#include "base/sink.h"
#include "model/history.h"

#define RENDER_CHART_MAX_COLUMNS 120 /* about 3 units of the 400-wide drawing each */

/* What a hop's window holds. */
struct render_chart_sums {
	unsigned long rounds;  /* rounds in the window */
	unsigned long answers; /* rounds answered in time */
	unsigned long lost;
	double min, max;       /* ms, over the answers; 0 without any */
};

void render_chart_sum(const struct model_history *h, unsigned ttl, struct render_chart_sums *s);

/* <svg ...>...</svg> for hop ttl (its window may be empty). Returns 0, or
 * -1 when the sink failed. */
int render_chart_svg(const struct model_history *h, unsigned ttl, struct sink *out);

#endif
