/* tui_input: what one screen of the view is made from (kept apart from
 * tui_layout.h so the layout's parts can share it without a cycle). */
#ifndef HOPDOC_TUI_INPUT_H
#define HOPDOC_TUI_INPUT_H

#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"

/* Below this the view shows only a message asking for a bigger terminal. */
#define TUI_MIN_COLS 50
#define TUI_MIN_ROWS 12

struct tui_input {
	const struct model_trace *trace;
	const struct model_history *history; /* NULL: the charts are empty */
	const struct finding_list *findings; /* NULL: no verdict panel */
	unsigned long rounds_short; /* diag_rounds_short: rounds still to collect */
	const char *clock;          /* the header's time; NULL for none */
	/* --return-via: ret_label (where the way back comes from) set means two
	 * tables, the outbound one first, then ret_trace (NULL until the
	 * server's first rounds come); findings are then the combined verdict. */
	const char *ret_label;
	const struct model_trace *ret_trace;
};

#endif
