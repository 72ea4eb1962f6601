#include "tui/tui_chart.h"

#include <stdio.h>
#include <string.h>

#include "tui/tui_table.h"

#define CHART_HOST_COLS 28 /* at most; narrower terminals give it a third */
#define LOSS_COLS 7
#define N_LEVELS 10

struct window {
	unsigned long first, end; /* rounds shown: first .. end - 1 */
	int col;                  /* where the first round is drawn */
};

static int chart_host_cols(const struct tui_frame *f)
{
	int w = f->width / 3;
	return w < CHART_HOST_COLS ? w : CHART_HOST_COLS;
}

/* The newest rounds that fit from column col to the right edge. */
static struct window window_from(const struct tui_frame *f, int col)
{
	struct window w = { 0, 0, col };
	const struct model_history *h = f->in->history;
	if (!h || col >= f->width)
		return w;
	w.end = model_history_end(h);
	w.first = model_history_first(h);
	unsigned long fit = (unsigned long)(f->width - col);
	if (w.end - w.first > fit)
		w.first = w.end - fit;
	return w;
}

static double largest_rtt(const struct tui_frame *f, const struct window *w)
{
	const struct model_trace *t = f->in->trace;
	double most = 0.0;
	for (size_t i = tui_table_first_hop(t); i < t->n_hops; i++)
		for (unsigned long r = w->first; r < w->end; r++) {
			struct model_sample s = model_history_get(f->in->history, t->hops[i].ttl, r);
			if (s.kind == MODEL_SAMPLE_RTT && s.rtt_ms > most)
				most = s.rtt_ms;
		}
	return most;
}

unsigned tui_chart_level(double rtt_ms, double max_ms)
{
	if (!(max_ms > 0.0) || !(rtt_ms > 0.0))
		return 0;
	unsigned l = (unsigned)(rtt_ms * N_LEVELS / max_ms);
	return l >= N_LEVELS ? N_LEVELS - 1 : l;
}

static void put_sample(struct tui_frame *f, int row, int col, struct model_sample s, double max_ms,
                       bool levels)
{
	char c[2] = " ";
	unsigned attr = TUI_ATTR_NONE;
	if (s.kind == MODEL_SAMPLE_LOST) {
		c[0] = levels ? '?' : 'x';
		attr = TUI_ATTR_REVERSE | TUI_ATTR_BAD;
	} else if (s.kind == MODEL_SAMPLE_RTT) {
		c[0] = levels ? TUI_CHART_LEVELS[tui_chart_level(s.rtt_ms, max_ms)] : '.';
	}
	tui_grid_put(f->g, row, col, c, attr);
}

static void put_rounds(struct tui_frame *f, const struct model_hop *h, int row,
                       const struct window *w, double max_ms, bool levels)
{
	if (!f->in->history)
		return;
	int col = w->col;
	for (unsigned long r = w->first; r < w->end; r++, col++)
		put_sample(f, row, col, model_history_get(f->in->history, h->ttl, r), max_ms, levels);
}

static void put_scale(struct tui_frame *f, int row, double max_ms)
{
	int col = tui_grid_put(f->g, row, 0, " Scale:", TUI_ATTR_BOLD);
	for (unsigned l = 0; l < N_LEVELS; l++) {
		char item[32];
		snprintf(item, sizeof(item), " %c<%.1f", TUI_CHART_LEVELS[l], max_ms * (l + 1) / N_LEVELS);
		col = tui_grid_put(f->g, row, col, item, TUI_ATTR_NONE);
	}
	tui_grid_put(f->g, row, col, " ms, ?=lost", TUI_ATTR_NONE);
}

static void draw_hops(struct tui_frame *f, int top, int rows, const struct window *w,
                      double max_ms, bool levels)
{
	const struct model_trace *t = f->in->trace;
	int line = -(int)f->s->scroll;
	for (size_t i = tui_table_first_hop(t); i < t->n_hops && line < rows; i++, line++) {
		if (line < 0)
			continue;
		const struct model_hop *h = &t->hops[i];
		tui_table_hop_label(f, h, top + line, w->col - (levels ? 1 : 1 + LOSS_COLS));
		if (!levels) {
			char loss[16];
			snprintf(loss, sizeof(loss), " %5.1f%%", h->loss_pct);
			tui_grid_put(f->g, top + line, w->col - LOSS_COLS - 1, loss, TUI_ATTR_NONE);
		}
		put_rounds(f, h, top + line, w, max_ms, levels);
	}
}

static void put_title(struct tui_frame *f, int row, const struct window *w, const char *what)
{
	char text[96];
	tui_grid_put(f->g, row, 0, " Host", TUI_ATTR_BOLD);
	if (w->end > w->first)
		snprintf(text, sizeof(text), "%s, rounds %lu-%lu", what, w->first + 1, w->end);
	else
		snprintf(text, sizeof(text), "%s", what);
	tui_grid_put(f->g, row, w->col, text, TUI_ATTR_BOLD);
}

void tui_chart_strip(struct tui_frame *f, int title, int top, int rows)
{
	struct window w = window_from(f, chart_host_cols(f) + 1);
	double max_ms = f->in->history ? largest_rtt(f, &w) : 0.0;
	bool scale = f->s->mode == TUI_MODE_SCALE && rows > 1;
	put_title(f, title, &w, "Latency, newest right");
	draw_hops(f, top, scale ? rows - 1 : rows, &w, max_ms, true);
	if (scale)
		put_scale(f, top + rows - 1, max_ms);
}

void tui_chart_history(struct tui_frame *f, int title, int top, int rows)
{
	struct window w = window_from(f, chart_host_cols(f) + LOSS_COLS + 2);
	put_title(f, title, &w, "Loss history (x lost)");
	tui_grid_put(f->g, title, w.col - LOSS_COLS - 1, "  Loss%", TUI_ATTR_BOLD);
	draw_hops(f, top, rows, &w, 0.0, false);
}
