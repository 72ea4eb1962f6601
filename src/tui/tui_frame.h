/* tui_frame: what the parts of one layout share (internal to tui/): the
 * grid, the input, the state, and the hops the findings name. */
#ifndef HOPDOC_TUI_FRAME_H
#define HOPDOC_TUI_FRAME_H

#include <stdbool.h>

#include "tui/tui_grid.h"
#include "tui/tui_input.h"
#include "tui/tui_state.h"

struct tui_frame {
	struct tui_grid *g;
	const struct tui_input *in;
	struct tui_state *s;
	int width;
	bool bad_hop[MODEL_MAX_HOPS + 1]; /* named by a warning or worse */
};

#endif
