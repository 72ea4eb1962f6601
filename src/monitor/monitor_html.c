/* monitor_html: the history page (monitor_html.h). */
#include "monitor/monitor_html.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define W 960.0      /* the plot's width and height in SVG units */
#define H 260.0
#define LOSS_H 40.0  /* the loss bars' strip below the plot */
#define MAX_COLS 480 /* rounds are gathered into at most this many columns */

static void put_escaped(struct sink *s, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '<': sink_puts(s, "&lt;"); break;
		case '>': sink_puts(s, "&gt;"); break;
		case '&': sink_puts(s, "&amp;"); break;
		case '"': sink_puts(s, "&quot;"); break;
		default: sink_write(s, text, 1);
		}
	}
}

int monitor_html_begin(struct sink *s)
{
	sink_puts(s, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hopdoc history"
	             "</title>\n<style>body{font-family:sans-serif;margin:1em}"
	             "svg{border:1px solid #ccc;background:#fff}"
	             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
	             "</style></head><body>\n<h1>hopdoc history</h1>\n");
	return sink_error(s) ? -1 : 0;
}

int monitor_html_end(struct sink *s)
{
	sink_puts(s, "</body></html>\n");
	return sink_error(s) ? -1 : 0;
}

struct frame {
	int64_t t0, t1;
	double max_rtt;
	unsigned len;
	double col_w;    /* a column's width: at least one round's */
};

static const char *const colours[] = { "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
	                               "#a6761d", "#666666", "#1f78b4", "#b2df8a" };

static double x_of(const struct frame *f, int64_t t)
{
	return f->t1 > f->t0 ? W * (double)(t - f->t0) / (double)(f->t1 - f->t0) : 0;
}

static double y_of(const struct frame *f, double rtt)
{
	return H - H * rtt / f->max_rtt;
}

static void find_frame(const struct monitor_round *r, size_t n, struct frame *f)
{
	*f = (struct frame){ .t0 = r[0].t_ms, .t1 = r[n - 1].t_ms, .max_rtt = 1.0 };
	for (size_t i = 0; i < n; i++) {
		f->len = r[i].path_len > f->len ? r[i].path_len : f->len;
		for (unsigned t = 1; t <= r[i].path_len && t <= MONITOR_MAX_TTL; t++)
			if (!isnan(r[i].hop[t].rtt_ms) && r[i].hop[t].rtt_ms > f->max_rtt)
				f->max_rtt = r[i].hop[t].rtt_ms;
	}
	f->max_rtt *= 1.1;
	size_t step = n / MAX_COLS + 1;
	f->col_w = n > 1 ? fmax(W * 0.8 * (double)step / (double)(n - 1), 1) : W;
}

static void episodes_svg(struct sink *s, const struct frame *f, const struct monitor_episode *e,
                         size_t ne)
{
	for (size_t i = 0; i < ne; i++) {
		double x0 = x_of(f, e[i].start_ms), x1 = x_of(f, e[i].end_ms);
		if (e[i].kind == MONITOR_EP_ROUTE)
			sink_printf(s, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#2060d0\" "
			            "stroke-width=\"2\"><title>route change at hop %u</title></line>\n",
			            x1, x1, H + LOSS_H, e[i].hop);
		else
			sink_printf(s, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\" "
			            "fill-opacity=\"0.18\"><title>%s from hop %u</title></rect>\n", x0,
			            fmax(x1 - x0, 2), H + LOSS_H,
			            e[i].kind == MONITOR_EP_LOSS ? "#d02020" : "#e08000",
			            monitor_episode_kind_name(e[i].kind), e[i].hop);
	}
}

/* One hop's line: the rounds' RTTs (gaps where it did not answer). */
static void hop_line(struct sink *s, const struct frame *f, const struct monitor_round *r,
                     size_t n, unsigned ttl)
{
	size_t step = n / MAX_COLS + 1;
	bool gap = true; /* a silent round breaks the line: M starts a new piece */
	sink_printf(s, "<path fill=\"none\" stroke-width=\"1\" stroke=\"%s\" d=\"M0,%.0f",
	            colours[ttl % 8], H);
	for (size_t i = 0; i < n; i += step) {
		if (isnan(r[i].hop[ttl].rtt_ms)) {
			gap = true;
			continue;
		}
		sink_printf(s, " %c%.1f,%.1f", gap ? 'M' : 'L', x_of(f, r[i].t_ms),
		            y_of(f, r[i].hop[ttl].rtt_ms));
		gap = false;
	}
	sink_printf(s, "\"><title>hop %u</title></path>\n", ttl);
}

/* The target's column: min..max band and loss bar over `step` rounds. */
static void target_column(struct sink *s, const struct frame *f, const struct monitor_round *r,
                          size_t k)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t lost = 0;
	for (size_t i = 0; i < k; i++) {
		double rtt = r[i].reached ? r[i].hop[r[i].path_len].rtt_ms : NAN;
		lost += !r[i].reached;
		if (!isnan(rtt)) {
			lo = fmin(lo, rtt);
			hi = fmax(hi, rtt);
		}
	}
	double x = x_of(f, r[0].t_ms), w = f->col_w;
	if (hi >= lo)
		sink_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		            "fill=\"#888\" fill-opacity=\"0.3\"/>\n", x, y_of(f, hi), w,
		            fmax(y_of(f, lo) - y_of(f, hi), 1));
	if (lost)
		sink_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		            "fill=\"#d02020\"/>\n", x, H + LOSS_H * (1 - (double)lost / (double)k), w,
		            LOSS_H * (double)lost / (double)k);
}

static void stamp(int64_t ms, char *buf, size_t len);

/* The time at both ends and a swatch per hop. */
static void legend(struct sink *s, const struct frame *f)
{
	char a[40], b[40];
	stamp(f->t0, a, sizeof(a));
	stamp(f->t1, b, sizeof(b));
	sink_printf(s, "<p style=\"width:%.0fpx;display:flex;justify-content:space-between\">"
	            "<span>%s</span><span>", W, a);
	for (unsigned t = 1; t <= f->len && t <= MONITOR_MAX_TTL; t++)
		sink_printf(s, "<span style=\"color:%s\">&#9632;</span> hop %u &nbsp;", colours[t % 8], t);
	sink_printf(s, "<span style=\"color:#888\">&#9632;</span> target min..max &nbsp;"
	            "<span style=\"color:#d02020\">&#9632;</span> loss</span><span>%s</span></p>\n", b);
}

static void chart(struct sink *s, const struct monitor_round *r, size_t n,
                  const struct monitor_episode *e, size_t ne)
{
	struct frame f;
	find_frame(r, n, &f);
	sink_printf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	            "viewBox=\"0 0 %.0f %.0f\">\n", W, H + LOSS_H, W, H + LOSS_H);
	episodes_svg(s, &f, e, ne);
	size_t step = n / MAX_COLS + 1;
	for (size_t i = 0; i < n; i += step)
		target_column(s, &f, r + i, i + step <= n ? step : n - i);
	for (unsigned t = 1; t <= f.len && t <= MONITOR_MAX_TTL; t++)
		hop_line(s, &f, r, n, t);
	sink_printf(s, "<text x=\"4\" y=\"12\" font-size=\"11\">%.1f ms</text>"
	            "<line x1=\"0\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>"
	            "<text x=\"4\" y=\"%.0f\" font-size=\"11\">loss</text></svg>\n",
	            f.max_rtt, H, W, H, H + 12);
	legend(s, &f);
}

static void stamp(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void episode_table(struct sink *s, const struct monitor_episode *e, size_t ne)
{
	sink_puts(s, "<table><tr><th>kind</th><th>start (UTC)</th><th>end (UTC)</th><th>hop</th>"
	             "<th>diagnosis</th></tr>\n");
	for (size_t i = 0; i < ne; i++) {
		char a[40], b[40];
		stamp(e[i].start_ms, a, sizeof(a));
		stamp(e[i].end_ms, b, sizeof(b));
		sink_printf(s, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%u</td><td>",
		            monitor_episode_kind_name(e[i].kind), a, b, e[i].hop);
		for (size_t k = 0; k < e[i].diagnosis.n; k++) {
			const struct finding *fd = &e[i].diagnosis.items[k];
			sink_printf(s, "%s<b>%s</b>: ", k ? "<br>" : "", finding_kind_name(fd->kind));
			put_escaped(s, fd->summary ? fd->summary : "");
		}
		sink_puts(s, "</td></tr>\n");
	}
	sink_puts(s, "</table>\n");
}

int monitor_html_target(struct sink *s, const char *target, const struct monitor_round *r,
                        size_t n, const struct monitor_episode *e, size_t ne)
{
	sink_puts(s, "<h2>");
	put_escaped(s, target);
	sink_printf(s, "</h2>\n<p>%zu rounds, %zu episodes</p>\n", n, ne);
	if (n > 0)
		chart(s, r, n, e, ne);
	episode_table(s, e, ne);
	return sink_error(s) ? -1 : 0;
}
