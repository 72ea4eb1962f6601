#include "render/render_chart.h"

#include <math.h>

/* The drawing, in viewBox units; the page scales it to its width. */
#define VIEW_W 400.0
#define VIEW_H 150.0
#define PLOT_L 50.0
#define PLOT_R 392.0
#define PLOT_T 24.0
#define PLOT_B 126.0
#define LOSS_T 6.0
#define LOSS_H 10.0

/* One column: a round, or a bin of consecutive rounds. */
struct column {
	unsigned long answers, lost;
	double min, max, sum;
};

struct frame {
	unsigned long first, rounds;
	size_t n_cols;
	double ymax; /* ms at the top of the plot */
};

static void add_sample(struct column *c, struct model_sample s)
{
	if (s.kind == MODEL_SAMPLE_LOST) {
		c->lost++;
	} else if (s.kind == MODEL_SAMPLE_RTT) {
		c->min = c->answers == 0 || s.rtt_ms < c->min ? s.rtt_ms : c->min;
		c->max = c->answers == 0 || s.rtt_ms > c->max ? s.rtt_ms : c->max;
		c->sum += s.rtt_ms;
		c->answers++;
	}
}

/* Column k of n over rounds [first, first + rounds). */
static struct column column_at(const struct model_history *h, unsigned ttl, const struct frame *f, size_t k)
{
	struct column c = { 0, 0, 0, 0, 0 };
	unsigned long from = f->first + k * f->rounds / f->n_cols;
	unsigned long to = f->first + (k + 1) * f->rounds / f->n_cols;
	for (unsigned long r = from; r < to; r++)
		add_sample(&c, model_history_get(h, ttl, r));
	return c;
}

void render_chart_sum(const struct model_history *h, unsigned ttl, struct render_chart_sums *s)
{
	struct frame f = { model_history_first(h), model_history_end(h) - model_history_first(h), 1, 0 };
	struct column c = f.rounds ? column_at(h, ttl, &f, 0) : (struct column){ 0, 0, 0, 0, 0 };
	*s = (struct render_chart_sums){ f.rounds, c.answers, c.lost, c.min, c.max };
}

/* 1, 2 or 5 times a power of ten, at least v: round numbers on the axis. */
static double nice_ceiling(double v)
{
	if (!(v > 0))
		return 1.0;
	double p = pow(10.0, floor(log10(v)));
	static const double steps[] = { 1, 2, 5, 10 };
	for (size_t i = 0; i < 4; i++)
		if (v <= steps[i] * p * (1 + 1e-9))
			return steps[i] * p;
	return 10 * p;
}

static double y_of(const struct frame *f, double ms)
{
	return PLOT_B - (PLOT_B - PLOT_T) * (ms > f->ymax ? 1.0 : ms / f->ymax);
}

static void put_axes(const struct frame *f, struct sink *out)
{
	sink_printf(out, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
		    PLOT_L, PLOT_T, PLOT_R - PLOT_L, PLOT_B - PLOT_T);
	for (int i = 0; i <= 2; i++) {
		double ms = f->ymax * i / 2.0, y = y_of(f, ms);
		sink_printf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", PLOT_L, y,
			    PLOT_R, y);
		sink_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g ms</text>\n",
			    PLOT_L - 4, y + 4, ms);
	}
	sink_printf(out, "<text class=\"axis lostlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">lost</text>\n",
		    PLOT_L - 4, LOSS_T + LOSS_H - 1);
	sink_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\">round %lu</text>\n", PLOT_L, VIEW_H - 8,
		    f->first + 1);
	sink_printf(out, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">round %lu</text>\n",
		    PLOT_R, VIEW_H - 8, f->first + f->rounds);
}

static void put_column(const struct frame *f, size_t k, const struct column *c, struct sink *out)
{
	double cw = (PLOT_R - PLOT_L) / (double)f->n_cols;
	double x = PLOT_L + cw * ((double)k + 0.5), w = cw * 0.7 > 1.0 ? cw * 0.7 : 1.0;
	if (c->lost)
		sink_printf(out, "<rect class=\"lost\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
			    x - w / 2, LOSS_T, w, LOSS_H);
	if (!c->answers)
		return;
	if (c->max > c->min)
		sink_printf(out, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n",
			    x - w / 2, y_of(f, c->max), w, y_of(f, c->min) - y_of(f, c->max));
	double r = cw * 0.35 < 1.0 ? 1.0 : cw * 0.35 > 3.0 ? 3.0 : cw * 0.35;
	sink_printf(out, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>\n", x,
		    y_of(f, c->sum / (double)c->answers), r);
}

int render_chart_svg(const struct model_history *h, unsigned ttl, struct sink *out)
{
	struct render_chart_sums s;
	render_chart_sum(h, ttl, &s);
	struct frame f = { model_history_first(h), s.rounds, 0, nice_ceiling(s.max) };
	f.n_cols = s.rounds < RENDER_CHART_MAX_COLUMNS ? s.rounds : RENDER_CHART_MAX_COLUMNS;
	sink_printf(out, "<svg class=\"chart\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"hop %u: %lu rounds, "
			 "%lu answered, %lu lost\">\n",
		    VIEW_W, VIEW_H, ttl, s.rounds, s.answers, s.lost);
	put_axes(&f, out);
	for (size_t k = 0; k < f.n_cols; k++) {
		struct column c = column_at(h, ttl, &f, k);
		put_column(&f, k, &c, out);
	}
	return sink_puts(out, "</svg>");
}
