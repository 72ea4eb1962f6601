/* tui_panel: the text parts of the view: the live verdict under the table
 * (the diagnosis' findings, worded as --diagnose prints them), the help
 * page and the message for a terminal too small.
 * Tests: tests/golden/tui tests/unit/tui/test_tui_layout.c */
#ifndef HOPDOC_TUI_PANEL_H
#define HOPDOC_TUI_PANEL_H

#include "tui/tui_frame.h"

/* The lines the verdict needs at this width (0 without findings). */
int tui_panel_verdict_lines(struct tui_frame *f);

/* Draws the verdict in rows top .. top + rows - 1 (cut when longer). */
void tui_panel_verdict(struct tui_frame *f, int top, int rows);

/* Marks bad_hop[] for every hop a warning or worse names (of the return
 * trace's findings when ret, else of every other's: a pair's findings give
 * each direction's own hop numbers). */
void tui_panel_mark_hops(struct tui_frame *f, bool ret);

void tui_panel_help(struct tui_frame *f);
void tui_panel_too_small(struct tui_frame *f);

#endif
