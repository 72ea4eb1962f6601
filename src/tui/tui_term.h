/* tui_term: paints a grid on the terminal with ncurses, and reads its keys.
 * Internal to tui/ (the view owns one).
 *
 * Probing must never wait for the terminal, so ncurses does not write to it:
 * it writes into a pipe (1 MiB, emptied before each paint, so a paint never
 * fills it), and tui_term_flush moves those bytes to the terminal with
 * non-blocking writes when the terminal can take them. A terminal that stalls
 * lets at most TUI_TERM_BACKLOG bytes wait; beyond that they are dropped and
 * the next paint redraws the whole screen.
 * Tests: tests/lab/t_tui.sh */
#ifndef HOPDOC_TUI_TERM_H
#define HOPDOC_TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/tui_grid.h"

#define TUI_TERM_BACKLOG (256 * 1024)

struct tui_term;

/* Takes over the terminal on in_fd/out_fd (both ttys): keys unbuffered and
 * unechoed, the screen ncurses'. NULL with a message in err when they are
 * not terminals or TERM names a terminal type terminfo does not know. */
struct tui_term *tui_term_open(int in_fd, int out_fd, char *err, size_t errlen);

/* Gives the terminal back as it was (screen, modes, flags). */
void tui_term_close(struct tui_term *t);

/* The terminal's size now (after SIGWINCH, ncurses is told of it). */
void tui_term_size(struct tui_term *t, int *width, int *height);

/* Paints g (ncurses sends only what changed since the last paint). */
int tui_term_paint(struct tui_term *t, const struct tui_grid *g);

/* Writes what the terminal can take now; true while bytes still wait. */
bool tui_term_flush(struct tui_term *t);

/* The next key (a byte or an enum tui_key), or -1 when none is waiting. */
int tui_term_key(struct tui_term *t);

#endif
