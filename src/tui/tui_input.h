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

/* Where --diagnose's follow-up probes stand (cli/followup.h probes). */
enum tui_followup {
	TUI_FOLLOWUP_OFF,     /* no --diagnose, or --no-follow-up */
	TUI_FOLLOWUP_IDLE,    /* not run yet: `f` runs them */
	TUI_FOLLOWUP_RUNNING, /* the trace is paused meanwhile */
	TUI_FOLLOWUP_DONE,    /* their results are in the verdict */
};

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
	/* --diagnose's follow-up probes: a line under the verdict's title says
	 * they can run (when a finding is one they settle), run or ran. Their
	 * results are in the findings' evidence, which the panel quotes from
	 * "follow-up:" on. */
	enum tui_followup followup;
};

#endif
