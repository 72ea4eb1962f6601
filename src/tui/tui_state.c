#include "tui/tui_state.h"

#include <stdio.h>
#include <string.h>

#include "model/field.h"

#define SCROLL_PAGE 10

void tui_state_init(struct tui_state *s, const char *fields, bool want_names, bool show_ips,
                    enum model_proto proto, unsigned mode)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->fields, sizeof(s->fields), "%s", fields && fields[0] ? fields : FIELD_DEFAULT);
	s->want_names = want_names;
	s->show_ips = show_ips;
	s->proto = proto;
	s->mode = mode < TUI_N_MODES ? (enum tui_mode)mode : TUI_MODE_STATS;
}

const char *tui_state_fields(const struct tui_state *s)
{
	return s->jitter ? TUI_JITTER_FIELDS : s->fields;
}

const char *tui_proto_name(enum model_proto p)
{
	switch (p) {
	case MODEL_PROTO_UDP:
		return "UDP";
	case MODEL_PROTO_TCP:
		return "TCP";
	default:
		return "ICMP";
	}
}

static bool fields_valid(const char *letters)
{
	if (!letters[0])
		return false;
	for (const char *c = letters; *c; c++)
		if (!field_for(*c))
			return false;
	return true;
}

static enum tui_action finish_prompt(struct tui_state *s)
{
	s->prompting = false;
	if (fields_valid(s->typed)) {
		snprintf(s->fields, sizeof(s->fields), "%s", s->typed);
		s->jitter = false;
	} else {
		char known[32];
		snprintf(s->message, sizeof(s->message), "unknown field letters '%s' (known: %s)",
		         s->typed, field_letters(known, sizeof(known)));
	}
	return TUI_ACT_REDRAW;
}

/* While `o` prompts, keys edit the typed order: Enter applies, Esc drops it. */
static enum tui_action prompt_key(struct tui_state *s, int key)
{
	size_t n = strlen(s->typed);
	if (key == TUI_KEY_ENTER || key == '\r')
		return finish_prompt(s);
	if (key == TUI_KEY_ESC)
		s->prompting = false;
	else if ((key == TUI_KEY_BACKSPACE || key == 127 || key == 8) && n > 0)
		s->typed[n - 1] = '\0';
	else if (key >= 0x20 && key < 0x7f && n + 1 < sizeof(s->typed))
		s->typed[n] = (char)key, s->typed[n + 1] = '\0';
	return TUI_ACT_REDRAW;
}

static enum tui_action toggle(bool *flag)
{
	*flag = !*flag;
	return TUI_ACT_REDRAW;
}

/* `u` and `t` switch to their protocol, and back to ICMP when it is on. */
static enum tui_action switch_proto(struct tui_state *s, enum model_proto p)
{
	s->proto = s->proto == p ? MODEL_PROTO_ICMP : p;
	return TUI_ACT_PROTO;
}

static enum tui_action scroll_by(struct tui_state *s, int rows)
{
	if (rows < 0)
		s->scroll = (unsigned)-rows > s->scroll ? 0 : s->scroll - (unsigned)-rows;
	else
		s->scroll += (unsigned)rows;
	return TUI_ACT_REDRAW;
}

static enum tui_action view_key(struct tui_state *s, int key)
{
	switch (key) {
	case 'd':
		s->mode = (enum tui_mode)((s->mode + 1) % TUI_N_MODES);
		return TUI_ACT_REDRAW;
	case 'n':
		return toggle(&s->want_names);
	case 'b':
		return toggle(&s->show_ips);
	case 'j':
		return toggle(&s->jitter);
	case '?':
	case 'h':
		return toggle(&s->help);
	case 'o':
		s->prompting = true;
		s->typed[0] = '\0';
		return TUI_ACT_REDRAW;
	default:
		return TUI_ACT_NONE;
	}
}

static enum tui_action scroll_key(struct tui_state *s, int key)
{
	switch (key) {
	case '+':
	case TUI_KEY_DOWN:
		return scroll_by(s, 1);
	case '-':
	case TUI_KEY_UP:
		return scroll_by(s, -1);
	case TUI_KEY_PGDN:
		return scroll_by(s, SCROLL_PAGE);
	case TUI_KEY_PGUP:
		return scroll_by(s, -SCROLL_PAGE);
	case TUI_KEY_HOME:
		return scroll_by(s, -(int)s->scroll);
	default:
		return TUI_ACT_NONE;
	}
}

static enum tui_action run_key(struct tui_state *s, int key)
{
	switch (key) {
	case 'q':
		return TUI_ACT_QUIT;
	case 'p':
	case ' ':
		s->paused = !s->paused;
		return s->paused ? TUI_ACT_PAUSE : TUI_ACT_RESUME;
	case 'r':
		return TUI_ACT_RESET;
	case 'u':
		return switch_proto(s, MODEL_PROTO_UDP);
	case 't':
		return switch_proto(s, MODEL_PROTO_TCP);
	case 'e':
		return TUI_ACT_EXPORT;
	case 'f':
		return TUI_ACT_FOLLOWUP;
	case TUI_KEY_RESIZE:
		return TUI_ACT_REDRAW;
	default:
		return TUI_ACT_NONE;
	}
}

enum tui_action tui_state_key(struct tui_state *s, int key)
{
	if (s->prompting)
		return prompt_key(s, key);
	s->message[0] = '\0';
	/* Help is a page of its own: the key that closes it does nothing else. */
	if (s->help && key != TUI_KEY_RESIZE) {
		s->help = key == 'q' ? s->help : false;
		return key == 'q' ? TUI_ACT_QUIT : TUI_ACT_REDRAW;
	}
	enum tui_action a = run_key(s, key);
	if (a == TUI_ACT_NONE)
		a = view_key(s, key);
	if (a == TUI_ACT_NONE)
		a = scroll_key(s, key);
	return a;
}

void tui_state_clamp_scroll(struct tui_state *s, unsigned rows, unsigned visible)
{
	unsigned most = rows > visible ? rows - visible : 0;
	if (s->scroll > most)
		s->scroll = most;
}
