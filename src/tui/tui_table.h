/* tui_table: the hop rows of the view: mtr's statistics table and what the
 * charts share with it (which hops, their labels, the title row).
 * Tests: tests/golden/tui tests/unit/tui/test_tui_layout.c */
#ifndef HOPDOC_TUI_TABLE_H
#define HOPDOC_TUI_TABLE_H

#include <stddef.h>

#include "tui/tui_frame.h"

/* The first hop shown: leading hops never probed (below -f) are left out. */
size_t tui_table_first_hop(const struct model_trace *t);

/* Lines the current mode needs for every hop (others' responders included). */
unsigned tui_table_lines(const struct tui_frame *f);

/* Draws the title row at `title` and lines from the state's scroll on into
 * rows top .. top + rows - 1. */
void tui_table_draw(struct tui_frame *f, int title, int top, int rows);

/* "NN. label" of hop h (its latest responder) in width columns at (row, 0);
 * the hops findings name are marked. */
void tui_table_hop_label(struct tui_frame *f, const struct model_hop *h, int row, int width);

/* The label of a responder as the state shows it (name, -b, address). */
const char *tui_table_label(const struct tui_state *s, const struct model_responder *r, char *buf,
                            size_t len);

#endif
