/* tui_chart: the views over time, drawn from the history: mtr's strip chart
 * (display modes 1 and 2, the second with its latency scale) and hopdoc's
 * per-hop history, where each lost probe is a marked cell.
 * Tests: tests/golden/tui tests/unit/tui/test_tui_layout.c */
#ifndef HOPDOC_TUI_CHART_H
#define HOPDOC_TUI_CHART_H

#include "tui/tui_frame.h"

#define TUI_CHART_LEVELS ".123456789" /* one character per tenth of the scale */

/* The strip chart in rows top .. top + rows - 1, title at `title`; the scale
 * (mode 2) takes the last of the rows. */
void tui_chart_strip(struct tui_frame *f, int title, int top, int rows);

/* The loss history: Loss% then one cell per round, lost probes marked. */
void tui_chart_history(struct tui_frame *f, int title, int top, int rows);

/* The chart's latency scale: the level (0..9) of an RTT given the largest. */
unsigned tui_chart_level(double rtt_ms, double max_ms);

#endif
