#include "tui/tui_layout.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui_chart.h"
#include "tui/tui_panel.h"
#include "tui/tui_table.h"

#define ROW_TITLE 0
#define ROW_ROUTE 1
#define ROW_KEYS 2
#define ROW_COLUMNS 3
#define ROW_FIRST_HOP 4
#define CHROME_ROWS 5 /* the four above the hops and the status line */
#define RETURN_CHROME 2 /* the return table's header and its column titles */

/* Screen rows for hop lines and for the verdict (a blank line before it). */
struct split {
	int table, panel;
};

static void put_centered(struct tui_frame *f, int row, const char *text, unsigned attr)
{
	int col = (f->width - (int)strlen(text)) / 2;
	tui_grid_put(f->g, row, col < 0 ? 0 : col, text, attr);
}

static void put_right(struct tui_frame *f, int row, const char *text, unsigned attr)
{
	int col = f->width - (int)strlen(text);
	tui_grid_put(f->g, row, col < 0 ? 0 : col, text, attr);
}

static void draw_header(struct tui_frame *f)
{
	const struct model_trace *t = f->in->trace;
	char line[3 * MODEL_NAME_MAX], addr[64], state[64];
	put_centered(f, ROW_TITLE, "hopdoc: the path, live", TUI_ATTR_BOLD);
	model_addr_text(&t->dst_addr, addr, sizeof(addr));
	snprintf(line, sizeof(line), "%s%s -> %s (%s)", f->in->ret_label ? "Outbound: " : "", t->src,
	         t->dst, addr);
	tui_grid_put(f->g, ROW_ROUTE, 0, line, TUI_ATTR_BOLD);
	snprintf(state, sizeof(state), "%s%s%s%s", tui_proto_name(f->s->proto),
	         f->s->paused ? ", paused" : "", f->in->clock ? "  " : "",
	         f->in->clock ? f->in->clock : "");
	put_right(f, ROW_ROUTE, state, f->s->paused ? TUI_ATTR_BOLD | TUI_ATTR_REVERSE : TUI_ATTR_NONE);
}

/* mtr's key line: each word starts with its key, in bold. */
static void draw_keys(struct tui_frame *f)
{
	static const char *const words[] = { "Help", "Pause", "Reset", "Display", "Order",
		                             "Jitter", "Export", "Quit" };
	int col = tui_grid_put(f->g, ROW_KEYS, 0, "Keys:", TUI_ATTR_NONE);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char key[2] = { words[i][0], '\0' };
		col = tui_grid_put(f->g, ROW_KEYS, col + 2, key, TUI_ATTR_BOLD);
		col = tui_grid_put(f->g, ROW_KEYS, col, words[i] + 1, TUI_ATTR_NONE);
	}
}

static void draw_status(struct tui_frame *f)
{
	int row = tui_grid_height(f->g) - 1;
	char line[128];
	if (f->s->prompting) {
		snprintf(line, sizeof(line), "Fields (now %s): %s_   Enter applies, Esc cancels",
		         tui_state_fields(f->s), f->s->typed);
		tui_grid_put(f->g, row, 0, line, TUI_ATTR_BOLD);
	} else if (f->s->message[0]) {
		tui_grid_put(f->g, row, 0, f->s->message, TUI_ATTR_BOLD);
	}
}

/* The table gets what it needs, the verdict the rest; when both do not fit,
 * the verdict keeps at least keep_fifths fifths of the rows (two; one with
 * two tables to show) and the table scrolls. */
static struct split split_rows(struct tui_frame *f, unsigned table_need, int keep_fifths)
{
	int avail = tui_grid_height(f->g) - CHROME_ROWS;
	int panel_need = tui_panel_verdict_lines(f);
	if (panel_need > 0)
		panel_need++; /* the blank line between */
	struct split sp = { avail, 0 };
	if (panel_need == 0)
		return sp;
	int keep = avail * keep_fifths / 5;
	if (keep_fifths == 1 && keep < 3)
		keep = 3; /* two tables: still the verdict's title and its first line */
	int free_rows = avail - (int)table_need;
	int room = free_rows > keep ? free_rows : keep;
	sp.panel = panel_need < room ? panel_need : room;
	sp.table = avail - sp.panel;
	return sp;
}

static void draw_hops(struct tui_frame *f, int rows)
{
	if (f->s->mode == TUI_MODE_STATS)
		tui_table_draw(f, ROW_COLUMNS, ROW_FIRST_HOP, rows);
	else if (f->s->mode == TUI_MODE_HISTORY)
		tui_chart_history(f, ROW_COLUMNS, ROW_FIRST_HOP, rows);
	else
		tui_chart_strip(f, ROW_COLUMNS, ROW_FIRST_HOP, rows);
}

static void draw_view(struct tui_frame *f)
{
	unsigned need = tui_table_lines(f) + (f->s->mode == TUI_MODE_SCALE ? 1u : 0u);
	struct split sp = split_rows(f, need, 2);
	unsigned hop_rows = (unsigned)sp.table - (f->s->mode == TUI_MODE_SCALE ? 1u : 0u);
	tui_state_clamp_scroll(f->s, tui_table_lines(f), hop_rows);
	draw_header(f);
	draw_keys(f);
	int shown = (int)need < sp.table ? (int)need : sp.table;
	draw_hops(f, shown);
	tui_panel_verdict(f, ROW_FIRST_HOP + shown + 1, sp.panel - 1);
	draw_status(f);
}

/* ---- --return-via: the outbound table, then the return table ---- */

/* The return table's own frame: its trace, no scroll, its hops marked. */
struct return_frame {
	struct tui_frame f;
	struct tui_input in;
	struct tui_state s;
};

static void return_frame(const struct tui_frame *out, struct return_frame *r)
{
	r->in = *out->in;
	r->in.trace = out->in->ret_trace;
	r->s = *out->s;
	r->s.scroll = 0;
	r->f = *out;
	r->f.in = &r->in;
	r->f.s = &r->s;
	tui_panel_mark_hops(&r->f, true);
}

/* Rows for each table out of space: both their needs when they fit, else
 * the outbound at least half (it scrolls), the return the rest. */
static void share_rows(int space, unsigned need_o, unsigned need_r, int *rows_o, int *rows_r)
{
	if (space < 0)
		space = 0;
	int half = space / 2;
	int o = (int)need_o + (int)need_r <= space ? (int)need_o
	        : space - (int)need_r > half      ? space - (int)need_r
	                                          : half;
	*rows_o = o < (int)need_o ? o : (int)need_o;
	int r = space - *rows_o;
	*rows_r = r < (int)need_r ? r : (int)need_r;
}

static void draw_return_header(struct tui_frame *f, int row)
{
	const struct model_trace *t = f->in->ret_trace;
	char line[3 * MODEL_NAME_MAX];
	if (t && t->dst[0])
		snprintf(line, sizeof(line), "Return: %s -> %s (the way back, traced by the server)",
		         f->in->ret_label, t->dst);
	else
		snprintf(line, sizeof(line), "Return: %s (the way back, traced by the server)",
		         f->in->ret_label);
	tui_grid_put(f->g, row, 0, line, TUI_ATTR_BOLD);
}

static void draw_two_way(struct tui_frame *f)
{
	struct return_frame r;
	return_frame(f, &r);
	/* Until the first rounds, one line says so where the column titles go. */
	unsigned need_r = r.in.trace ? tui_table_lines(&r.f) : 0, need_o = tui_table_lines(f);
	struct split sp = split_rows(f, need_o + RETURN_CHROME + need_r, 1);
	int rows_o, rows_r;
	share_rows(sp.table - RETURN_CHROME, need_o, need_r, &rows_o, &rows_r);
	tui_state_clamp_scroll(f->s, need_o, (unsigned)rows_o);
	draw_header(f);
	draw_keys(f);
	tui_table_draw(f, ROW_COLUMNS, ROW_FIRST_HOP, rows_o);
	int top = ROW_FIRST_HOP + rows_o;
	draw_return_header(f, top);
	if (r.in.trace)
		tui_table_draw(&r.f, top + 1, top + 2, rows_r);
	else
		tui_grid_put(f->g, top + 1, 0, "waiting for the server's first rounds...", TUI_ATTR_NONE);
	tui_panel_verdict(f, top + 1 + rows_r + 1 + 1, sp.panel - 1);
	draw_status(f);
}

void tui_layout(struct tui_grid *g, const struct tui_input *in, struct tui_state *s)
{
	struct tui_frame f = { .g = g, .in = in, .s = s, .width = tui_grid_width(g) };
	tui_grid_clear(g);
	if (f.width < TUI_MIN_COLS || tui_grid_height(g) < TUI_MIN_ROWS)
		tui_panel_too_small(&f);
	else if (s->help)
		tui_panel_help(&f);
	else {
		tui_panel_mark_hops(&f, false);
		if (in->ret_label && s->mode == TUI_MODE_STATS)
			draw_two_way(&f);
		else
			draw_view(&f);
	}
}
