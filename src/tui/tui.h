/* tui: the interactive view, as `mtr HOST` opens it: the live table or
 * charts, a live verdict, keys. It reads the model and history the CLI's
 * collector fills (it is a collect tap itself, to know when to paint) and
 * never touches the engine: pausing, resetting, switching protocol and
 * exporting are callbacks the CLI hands in.
 *
 * Painting is throttled (at most TUI_MAX_FPS a second, only when something
 * changed, nothing between rounds) and never blocks: see tui_term.h and
 * docs/tui.md.
 * Tests: tests/lab/t_tui.sh tests/golden/tui */
#ifndef HOPDOC_TUI_H
#define HOPDOC_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/evloop.h"
#include "diag/diag.h"
#include "model/event.h"
#include "model/history.h"
#include "tui/tui_input.h"
#include "model/model.h"

#define TUI_MAX_FPS 10
#define TUI_HOOK_MSG_MAX 256

/* What the view asks of its owner. Each hook may be NULL (the view then
 * says the action is not available); msg gets a line for the status bar. */
struct tui_hooks {
	void *ctx;
	/* Stop (paused true) or restart probing. 0, or -1 with msg. */
	int (*pause)(void *ctx, bool paused, char *msg, size_t len);
	/* Start the statistics and history afresh; the owner calls
	 * tui_set_data when it made new ones. 0, or -1 with msg. */
	int (*reset)(void *ctx, char *msg, size_t len);
	/* Probe with proto from now on (statistics start afresh). 0, or -1. */
	int (*proto)(void *ctx, enum model_proto proto, char *msg, size_t len);
	/* Export the run; msg says where (or why not). */
	void (*export_run)(void *ctx, char *msg, size_t len);
	/* Key `f`: run --diagnose's follow-up probes now (the owner calls
	 * tui_set_followup as they start and end). 0, or -1 with msg. */
	int (*followup)(void *ctx, char *msg, size_t len);
};

struct tui_config {
	const char *fields;    /* -o; NULL for mtr's default */
	bool want_names;       /* not -n */
	bool show_ips;         /* -b */
	bool mpls;             /* -e: MPLS labels under their responders */
	bool ipinfo;           /* -z, -y: mtr's ipinfo before each name */
	unsigned ipinfo_field; /* -y N (0..4) */
	enum model_proto proto;
	unsigned mode;         /* --displaymode */
};

struct tui;

/* Opens the terminal (stdin and stdout) and registers keys, resizes and
 * painting with loop. NULL with a message in err (not a terminal, unknown
 * TERM, out of memory). */
struct tui *tui_new(struct evloop *loop, const struct tui_config *cfg,
                    const struct tui_hooks *hooks, char *err, size_t errlen);

/* Unregisters from the loop and gives the terminal back. */
void tui_free(struct tui *v);

/* The trace and history shown (history may be NULL); again after a reset.
 * NULL trace: nothing to show (painting waits for the next one). */
void tui_set_data(struct tui *v, const struct model_trace *t, const struct model_history *h);

/* --return-via: the way back as a second table under the outbound one, and
 * the combined verdict (diag_pair) in the verdict panel. label (kept, not
 * copied) says where it comes from; ret is NULL until the server's first
 * rounds, then each newer copy (the caller frees the one it replaced, after
 * this call). NULL label: one direction again. */
void tui_set_return(struct tui *v, const char *label, const struct model_trace *ret);

/* Where the follow-ups stand; with DONE, fu (kept, not copied, until the
 * next call) holds their results, read into the verdict
 * as diag_trace_followup does. */
void tui_set_followup(struct tui *v, enum tui_followup state, const struct diag_followup *fu);

/* A collect tap (ctx: the view): a round's end refreshes the verdict, any
 * event asks for a paint. Always 0. */
int tui_event(void *ctx, const struct event *ev);

/* Whether the user quit with `q` (the loop was stopped for it). */
bool tui_quit(const struct tui *v);

#endif
