/* tui_grid: a screen as text and attributes, one byte each per cell, with no
 * terminal behind it. The layout fills one, the terminal module paints it,
 * and the golden tests print it: that split is what makes the view testable.
 * Tests: tests/unit/tui/test_tui_grid.c */
#ifndef HOPDOC_TUI_GRID_H
#define HOPDOC_TUI_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sink.h"

/* Cell attributes, or-ed. The terminal maps them to what it can show (bold,
 * reverse, colour unless NO_COLOR or a monochrome terminal). */
enum tui_attr {
	TUI_ATTR_NONE = 0,
	TUI_ATTR_BOLD = 1u << 0,    /* titles, keys */
	TUI_ATTR_REVERSE = 1u << 1, /* the status line, a lost probe in a chart */
	TUI_ATTR_BAD = 1u << 2,     /* a hop a finding names; a warning or worse */
	TUI_ATTR_GOOD = 1u << 3,    /* a healthy verdict */
};

struct tui_grid;

/* width and height from 1 to 1000; NULL otherwise or out of memory. */
struct tui_grid *tui_grid_new(int width, int height);
void tui_grid_free(struct tui_grid *g);

int tui_grid_width(const struct tui_grid *g);
int tui_grid_height(const struct tui_grid *g);

/* Every cell a blank without attributes. */
void tui_grid_clear(struct tui_grid *g);

/* Writes text from (row, col) on, cut at the right edge; bytes that are not
 * printable ASCII show as '?' (names come from the network). Returns the
 * column after the text (which may lie past the edge). */
int tui_grid_put(struct tui_grid *g, int row, int col, const char *text, unsigned attr);

/* Adds attr to n cells from (row, col), clipped to the grid. */
void tui_grid_mark(struct tui_grid *g, int row, int col, int n, unsigned attr);

/* A row's text (width bytes, NUL-terminated) and attributes (width bytes). */
const char *tui_grid_row(const struct tui_grid *g, int row);
const unsigned char *tui_grid_attrs(const struct tui_grid *g, int row);

bool tui_grid_equal(const struct tui_grid *a, const struct tui_grid *b);

/* Copies src into dst; 0, or -1 when their sizes differ. */
int tui_grid_copy(struct tui_grid *dst, const struct tui_grid *src);

/* For golden files: each row's text without trailing blanks, then a line
 * "attributes:" and, for each row that has any, "ROW: " and one letter per
 * cell up to its last marked one (' ' none, else the lowest of b bold,
 * r reverse, X bad, g good; several as '*'). 0, or -1 when the sink failed. */
int tui_grid_print(const struct tui_grid *g, struct sink *out);

#endif
