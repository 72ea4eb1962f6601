#include "render/render_winmtr.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/render_field.h"

#define HOST_MIN_WIDTH 40 /* WinMTR's */
#define CELL_WIDTH 6      /* WinMTR's 4, plus room for "1234.5" */
#define LABEL_MAX (2 * MODEL_NAME_MAX)
#define NO_RESPONSE "No response from host"

/* WinMTR's columns after "Host - %", in its order, by mtr letter, and
 * WinMTR's titles for them. */
static const char columns[] = "SRBAWN";
static const char *const titles[] = { "Sent", "Recv", "Best", "Avrg", "Wrst", "Last" };

/* What a cell may not hold: '|' would cut the row, control bytes would
 * reach the reader's terminal. */
static void clean_label(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '|')
			*p = '?';
}

static const char *hop_label(const struct model_hop *h, const struct render_opts *o, char *buf)
{
	if (h->n_resp == 0)
		return NO_RESPONSE;
	render_field_hop_label(h, o, buf, LABEL_MAX);
	clean_label(buf);
	return buf;
}

static int host_width(const struct model_trace *t, const struct render_opts *o)
{
	size_t width = HOST_MIN_WIDTH;
	char label[LABEL_MAX];
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++) {
		size_t n = strlen(hop_label(&t->hops[i], o, label));
		width = n > width ? n : width;
	}
	return (int)width;
}

/* The first hop shown is TTL 1: rows number themselves, as in WinMTR. */
static bool needs_nr(const struct model_trace *t)
{
	size_t first = render_field_first_hop(t);
	return first < t->n_hops && t->hops[first].ttl != 1;
}

static int n_cells(bool nr)
{
	return (int)strlen(columns) + (nr ? 1 : 0);
}

/* WinMTR's top rule: one run of dashes between the outer bars. */
static void put_top_rule(int width, int cells, struct sink *out)
{
	char seg[LABEL_MAX + 16 + 16 * (CELL_WIDTH + 3)];
	int inner = width + 9 + cells * (CELL_WIDTH + 3) - 1;
	memset(seg, '-', sizeof(seg));
	sink_printf(out, "|%.*s|\r\n", inner, seg);
}

/* "|----...|------|------|" with fill '-' or '_'. */
static void put_rule(int width, int cells, char fill, struct sink *out)
{
	char seg[LABEL_MAX + 16];
	int first = width + 9; /* "HOST - 100.0 " */
	memset(seg, fill, sizeof(seg));
	sink_printf(out, "|%.*s|", first, seg);
	for (int i = 0; i < cells; i++)
		sink_printf(out, "%.*s|", CELL_WIDTH + 2, seg);
	sink_puts(out, "\r\n");
}

static void put_title(int width, int cells, struct sink *out)
{
	static const char title[] = "WinMTR statistics";
	int inner = width + 9 + cells * (CELL_WIDTH + 3) - 1;
	int left = (inner - (int)strlen(title)) / 2;
	sink_printf(out, "|%*s%s%*s|\r\n", left, "", title, inner - left - (int)strlen(title), "");
}

static void put_header(int width, bool nr, struct sink *out)
{
	int left = (width - 4) / 2;
	sink_printf(out, "|%*sHost%*s -     %% |", left, "", width - 4 - left, "");
	for (size_t i = 0; columns[i]; i++)
		sink_printf(out, " %-*s |", CELL_WIDTH, titles[i]); /* "| Sent" marks the format */
	if (nr)
		sink_printf(out, " %-*s |", CELL_WIDTH, "Nr");
	sink_puts(out, "\r\n");
}

static void put_hop(const struct model_hop *h, const struct render_opts *o, int width, bool nr,
		    struct sink *out)
{
	char label[LABEL_MAX];
	sink_printf(out, "|%*s - %5.1f |", width, hop_label(h, o, label),
		    field_value(field_for('L'), h));
	for (const char *c = columns; *c; c++) {
		const struct field *f = field_for(*c);
		if (f->integer)
			sink_printf(out, " %*.0f |", CELL_WIDTH, field_value(f, h));
		else
			sink_printf(out, " %*.1f |", CELL_WIDTH, field_value(f, h));
	}
	if (nr)
		sink_printf(out, " %*u |", CELL_WIDTH, h->ttl);
	sink_puts(out, "\r\n");
}

static void put_footer_line(const struct model_trace *t, struct sink *out)
{
	char src[MODEL_NAME_MAX], dst[MODEL_NAME_MAX], stamp[64] = "";
	snprintf(src, sizeof(src), "%s", t->src);
	snprintf(dst, sizeof(dst), "%s", t->dst);
	clean_label(src);
	clean_label(dst);
	time_t when = (time_t)t->start_time;
	struct tm tm;
	if (t->start_time && localtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), ", started %Y-%m-%dT%H:%M:%S%z", &tm);
	sink_printf(out, "   hopdoc: %s to %s%s (WinMTR text layout)\r\n", src, dst, stamp);
}

int render_winmtr_text(const struct model_trace *t, const struct render_opts *o, struct sink *out)
{
	o = render_field_opts(o);
	int width = host_width(t, o);
	bool nr = needs_nr(t);
	int cells = n_cells(nr);
	put_top_rule(width, cells, out);
	put_title(width, cells, out);
	put_header(width, nr, out);
	put_rule(width, cells, '-', out);
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		put_hop(&t->hops[i], o, width, nr, out);
	put_rule(width, cells, '_', out);
	put_footer_line(t, out);
	return sink_error(out);
}
