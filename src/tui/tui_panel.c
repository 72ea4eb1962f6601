#include "tui/tui_panel.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/strbuf.h"
#include "diag/diag.h"

#define INDENT 4
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)
#define BUDGET_TEXT NUMBER_TEXT(DIAG_FOLLOWUP_BUDGET)

/* One line or, with draw, the lines of text cut into words to fit width
 * after the indent; returns the lines used. */
static int wrapped(struct tui_frame *f, int row, int rows_left, const char *text, unsigned attr,
                   bool draw)
{
	int room = f->width - INDENT;
	int used = 0;
	const char *p = text;
	while (*p && room > 0) {
		size_t n = strlen(p);
		size_t cut = n <= (size_t)room ? n : (size_t)room;
		if (cut < n) {
			size_t sp = cut;
			while (sp > 0 && p[sp] != ' ')
				sp--;
			cut = sp > 0 ? sp : cut;
		}
		if (draw && used < rows_left) {
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)(cut < sizeof(line) - 1 ? cut : sizeof(line) - 1), p);
			tui_grid_put(f->g, row + used, INDENT, line, attr);
		}
		used++;
		p += cut;
		while (*p == ' ')
			p++;
	}
	return used;
}

static void figure(struct strbuf *sb, const char *what, double v, const char *unit)
{
	if (!isnan(v))
		strbuf_appendf(sb, ", %s %.1f%s", what, v, unit);
}

/* The headline --diagnose prints for a finding. */
static void headline(struct strbuf *sb, size_t n, const struct finding *fd)
{
	strbuf_appendf(sb, "%2zu. %s: %s", n, finding_severity_name(fd->severity),
	               finding_kind_name(fd->kind));
	if (fd->hop)
		strbuf_appendf(sb, " at hop %u", fd->hop);
	strbuf_appendf(sb, " (segment %s, direction %s", finding_segment_name(fd->segment),
	               finding_direction_name(fd->direction));
	figure(sb, "loss", fd->loss_pct, "%");
	figure(sb, "latency", fd->latency_ms, " ms");
	strbuf_append(sb, ")");
}

static unsigned finding_attr(const struct finding *fd)
{
	if (fd->severity >= FINDING_WARNING)
		return TUI_ATTR_BAD | TUI_ATTR_BOLD;
	return fd->severity == FINDING_OK ? TUI_ATTR_GOOD : TUI_ATTR_NONE;
}

static void collecting(const struct tui_frame *f, struct strbuf *sb)
{
	strbuf_appendf(sb, "collecting: %lu more rounds before loss below %g%% can be told from chance",
	               f->in->rounds_short, diag_loss_warning_pct());
}

/* The line under the verdict's title about the follow-up probes. */
static const char *followup_note(const struct tui_frame *f)
{
	bool target;
	unsigned rate_ttl;
	switch (f->in->followup) {
	case TUI_FOLLOWUP_IDLE:
		if (f->in->ret_label)
			return NULL;
		diag_followup_plan(f->in->trace, f->in->findings, &target, &rate_ttl);
		return target || rate_ttl ? "f: follow-up probes can settle this (at most " BUDGET_TEXT
		                            " a finding)"
		                          : NULL;
	case TUI_FOLLOWUP_RUNNING:
		return "follow-up probes running: the trace is paused until they end";
	case TUI_FOLLOWUP_DONE:
		return "follow-up probes done: their results are in the findings";
	case TUI_FOLLOWUP_OFF:
		break;
	}
	return NULL;
}

/* The follow-up probes' part of a finding's evidence (diag_followup.h
 * words it " follow-up: ..." at its end), under the summary. */
static int followup_evidence(struct tui_frame *f, int row, int rows_left, const struct finding *fd,
                             bool draw)
{
	const char *fu = fd->evidence ? strstr(fd->evidence, "follow-up: ") : NULL;
	return fu ? wrapped(f, row, rows_left, fu, TUI_ATTR_NONE, draw) : 0;
}

/* Draws (or counts, when rows is 0 and draw false) the whole verdict. */
static int verdict(struct tui_frame *f, int top, int rows, bool draw)
{
	const struct finding_list *l = f->in->findings;
	int used = 0;
	if (draw && rows > 0)
		tui_grid_put(f->g, top, 0, "Verdict", TUI_ATTR_BOLD);
	used++;
	if (f->in->rounds_short > 0) {
		struct strbuf sb = STRBUF_INIT;
		collecting(f, &sb);
		if (draw && used < rows)
			tui_grid_put(f->g, top + used, 0, strbuf_str(&sb), TUI_ATTR_BOLD);
		strbuf_free(&sb);
		used++;
	}
	const char *note = followup_note(f);
	if (note) {
		if (draw && used < rows)
			tui_grid_put(f->g, top + used, 0, note, TUI_ATTR_BOLD);
		used++;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct strbuf sb = STRBUF_INIT;
		headline(&sb, i + 1, &l->items[i]);
		if (draw && used < rows)
			tui_grid_put(f->g, top + used, 0, strbuf_str(&sb), finding_attr(&l->items[i]));
		strbuf_free(&sb);
		used++;
		used += wrapped(f, top + used, rows - used, l->items[i].summary, TUI_ATTR_NONE, draw);
		used += followup_evidence(f, top + used, rows - used, &l->items[i], draw);
	}
	return used;
}

int tui_panel_verdict_lines(struct tui_frame *f)
{
	if (!f->in->findings)
		return 0;
	return verdict(f, 0, 0, false);
}

void tui_panel_verdict(struct tui_frame *f, int top, int rows)
{
	if (f->in->findings && rows > 0)
		verdict(f, top, rows, true);
}

void tui_panel_mark_hops(struct tui_frame *f, bool ret)
{
	const struct finding_list *l = f->in->findings;
	memset(f->bad_hop, 0, sizeof(f->bad_hop));
	for (size_t i = 0; l && i < l->n; i++) {
		const struct finding *fd = &l->items[i];
		if (fd->severity < FINDING_WARNING || (fd->direction == FINDING_DIR_RETURN) != ret)
			continue;
		for (size_t k = 0; k < fd->n_hops; k++)
			if (fd->hops[k] <= MODEL_MAX_HOPS)
				f->bad_hop[fd->hops[k]] = true;
		if (fd->hop <= MODEL_MAX_HOPS)
			f->bad_hop[fd->hop] = true;
	}
	f->bad_hop[0] = false;
}

static const char *const help_lines[] = {
	"Command:",
	"  ?|h     help (any key closes it)",
	"  p|space pause and resume",
	"  r       reset all statistics",
	"  d       switch display mode (statistics, strip chart,",
	"          strip chart with scale, loss history)",
	"  n       toggle DNS names",
	"  b       toggle names and IP addresses",
	"  j       toggle latency and jitter columns",
	"  o       change the field order (letters as -o)",
	"  u       switch to UDP and back",
	"  t       switch to TCP and back",
	"  +|-     scroll the hops (arrows and Page Up/Down too)",
	"  e       export the run",
	"  f       follow-up probes for the verdict (--diagnose)",
	"  q       quit",
};

void tui_panel_help(struct tui_frame *f)
{
	size_t n = sizeof(help_lines) / sizeof(help_lines[0]);
	tui_grid_put(f->g, 0, 0, "hopdoc: keys of the interactive view", TUI_ATTR_BOLD);
	for (size_t i = 0; i < n; i++)
		tui_grid_put(f->g, (int)i + 2, 2, help_lines[i], TUI_ATTR_NONE);
	tui_grid_put(f->g, (int)n + 3, 2, "Press any key to go back.", TUI_ATTR_BOLD);
}

void tui_panel_too_small(struct tui_frame *f)
{
	char size[64];
	snprintf(size, sizeof(size), "%dx%d, need %dx%d", tui_grid_width(f->g), tui_grid_height(f->g),
	         TUI_MIN_COLS, TUI_MIN_ROWS);
	tui_grid_put(f->g, 0, 0, "terminal too small", TUI_ATTR_BOLD);
	tui_grid_put(f->g, 1, 0, size, TUI_ATTR_NONE);
	tui_grid_put(f->g, 2, 0, "q quits", TUI_ATTR_NONE);
}
