/* tui_layout: the whole screen of the interactive view as a pure function
 * of the trace, its history, the findings and the view state: no terminal,
 * no clock, no I/O. tests/golden/tui/ holds screens it made from fixed
 * models (rendered by build/tools/tui_golden).
 * Tests: tests/golden/tui tests/unit/tui/test_tui_layout.c */
#ifndef HOPDOC_TUI_LAYOUT_H
#define HOPDOC_TUI_LAYOUT_H

#include "tui/tui_grid.h"
#include "tui/tui_input.h"
#include "tui/tui_state.h"

/* Fills g (cleared first) with the view. The state's scroll is clamped to
 * the rows there are (so the layout writes it). */
void tui_layout(struct tui_grid *g, const struct tui_input *in, struct tui_state *s);

#endif
