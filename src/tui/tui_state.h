/* tui_state: what the view shows and how keys change it. Pure: a key goes
 * in, the state changes and an action comes out for the view to carry out
 * (quit, pause, reset, switch protocol, export, follow-up probes). Plain data the layout reads.
 * Tests: tests/unit/tui/test_tui_state.c */
#ifndef HOPDOC_TUI_STATE_H
#define HOPDOC_TUI_STATE_H

#include <stdbool.h>

#include "model/model.h"

/* mtr's --displaymode 0, 1, 2, then hopdoc's per-hop loss history. */
enum tui_mode {
	TUI_MODE_STATS,   /* the statistics table */
	TUI_MODE_STRIP,   /* a strip chart of the latest rounds */
	TUI_MODE_SCALE,   /* the strip chart with its latency scale */
	TUI_MODE_HISTORY, /* each hop's rounds, lost probes marked */
	TUI_N_MODES,
};

#define TUI_MAX_MTR_MODE 2 /* --displaymode accepts 0..2, as mtr */
#define TUI_FIELDS_MAX 32
#define TUI_JITTER_FIELDS "DR AGJMXI" /* mtr's `j` */
#define TUI_MESSAGE_MAX 256

/* Keys beyond bytes, as the terminal module translates them. */
enum tui_key {
	TUI_KEY_ENTER = '\n',
	TUI_KEY_ESC = 27,
	TUI_KEY_UP = 0x100,
	TUI_KEY_DOWN,
	TUI_KEY_PGUP,
	TUI_KEY_PGDN,
	TUI_KEY_HOME,
	TUI_KEY_END,
	TUI_KEY_BACKSPACE,
	TUI_KEY_RESIZE,
};

enum tui_action {
	TUI_ACT_NONE,   /* nothing changed */
	TUI_ACT_REDRAW, /* the state changed: paint again */
	TUI_ACT_QUIT,
	TUI_ACT_PAUSE,  /* paused is now true */
	TUI_ACT_RESUME, /* paused is now false */
	TUI_ACT_RESET,  /* statistics and history start afresh */
	TUI_ACT_PROTO,  /* proto now names the protocol wanted */
	TUI_ACT_EXPORT,
	TUI_ACT_FOLLOWUP, /* run the follow-up probes (--diagnose) */
};

struct tui_state {
	enum tui_mode mode;
	bool want_names; /* `n` */
	bool show_ips;   /* `b` */
	bool jitter;     /* `j`: mtr's jitter columns instead of fields */
	bool mpls;       /* -e: labels under their responders (mtr's `e` is export here) */
	bool ipinfo;     /* -z, -y: mtr's ipinfo cell before each name */
	unsigned ipinfo_field;
	bool help;       /* `?` / `h` */
	bool paused;     /* `p` / space */
	bool prompting;  /* `o`: typing a field order */
	enum model_proto proto;
	unsigned scroll; /* hop rows scrolled off the top */
	char fields[TUI_FIELDS_MAX];
	char typed[TUI_FIELDS_MAX];    /* the field order being typed */
	char message[TUI_MESSAGE_MAX]; /* on the status line until the next key */
};

/* fields NULL or "" means mtr's default; mode is clamped to the modes known. */
void tui_state_init(struct tui_state *s, const char *fields, bool want_names, bool show_ips,
                    enum model_proto proto, unsigned mode);

/* The -o letters shown now: the jitter set while `j` is on. */
const char *tui_state_fields(const struct tui_state *s);

/* Applies a key (a byte or an enum tui_key). */
enum tui_action tui_state_key(struct tui_state *s, int key);

/* Keeps scroll within the rows there are to scroll (rows - visible). */
void tui_state_clamp_scroll(struct tui_state *s, unsigned rows, unsigned visible);

const char *tui_proto_name(enum model_proto p);

#endif
