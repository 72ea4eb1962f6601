#include "render/render_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/render_field.h"

/* mtr's name column in a narrow report; hop rows start with 8 characters of
 * " %2d.|-- ", so names are cut at 25. */
#define TEXT_NARROW_HOSTS 33
#define TEXT_LINE_MAX (2 * MODEL_NAME_MAX + 256)

static int print_start(const struct model_trace *t, struct sink *out)
{
	/* An imported listing has no start time (0); a made-up 1970 date would
	 * read as a fact about the run. */
	if (t->start_time == 0)
		return 0;
	time_t when = (time_t)t->start_time;
	struct tm tm;
	char stamp[64] = "";
	if (localtime_r(&when, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
	return sink_printf(out, "Start: %s\n", stamp);
}

static size_t hosts_width(const struct model_trace *t, const struct render_opts *o)
{
	if (!o->wide)
		return TEXT_NARROW_HOSTS;
	size_t width = strlen(t->src);
	char label[2 * MODEL_NAME_MAX];
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++) {
		const struct model_hop *h = &t->hops[i];
		size_t n = strlen(render_field_hop_label(h, o, label, sizeof(label)));
		for (unsigned j = 0; render_field_per_responder(h) && j < h->n_resp; j++) {
			size_t m = strlen(render_field_label(&h->resp[j], o, label, sizeof(label)));
			n = m > n ? m : n;
		}
		if (n > width)
			width = n;
	}
	return width;
}

/* The name column's width, and the header's: -z/-y widen a wide report's
 * header by the ipinfo column, and its names by one space (mtr 0.95). */
struct text_cols {
	size_t hosts, header;
};

static struct text_cols columns(const struct model_trace *t, const struct render_opts *o)
{
	struct text_cols c = { hosts_width(t, o), 0 };
	c.header = c.hosts;
	if (o->ipinfo && o->wide) {
		c.header += (size_t)render_field_ipinfo_width(o) + (o->ipinfo_field % MODEL_IPINFO_FIELDS ? 0 : 2);
		c.hosts++;
	}
	return c;
}

/* Appends the -o columns: titles when hop is NULL, else the hop's cells;
 * with `own`, a figure the hop does not carry is a blank cell (a responder's
 * row has no jitter or geometric mean of its own), not mtr's 0. */
static void put_cells(char *line, size_t at, const struct model_hop *hop, const struct render_opts *o,
                      bool own)
{
	for (const char *c = render_field_letters(o); *c; c++) {
		const struct field *f = field_for(*c);
		if (!f)
			continue;
		char cell[RENDER_FIELD_CELL_MAX];
		if (hop && own && f->has && !(hop->has & f->has))
			snprintf(cell, sizeof(cell), "%*s", f->width, "");
		else if (hop)
			field_cell(f, hop, cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%*s", f->width, f->title);
		at = render_field_place(line, TEXT_LINE_MAX, at, cell, (size_t)f->width);
	}
}

static void put_fields(char *line, size_t at, const struct model_hop *hop, const struct render_opts *o)
{
	put_cells(line, at, hop, o, false);
}

static int print_header(const struct model_trace *t, const struct render_opts *o, struct text_cols c, struct sink *out)
{
	char line[TEXT_LINE_MAX];
	snprintf(line, sizeof(line), "HOST: %-*s", (int)c.header, t->src);
	put_fields(line, o->wide ? strlen(line) : c.header, NULL, o);
	return sink_printf(out, "%s\n", line);
}

/* -e: a responder's labels, one line each, in mtr's report form. mtr 0.95
 * prints them under the responder whose reply carried them (and, built with
 * ipinfo, a single responder's only with -z/-y too: hopdoc always does). */
static int print_mpls(const struct model_responder *r, const struct render_opts *o, struct sink *out)
{
	for (unsigned k = 0; o->mpls && k < r->n_mpls && k < MODEL_MAX_MPLS; k++) {
		const struct model_mpls *m = &r->mpls[k];
		if (sink_printf(out, "       [MPLS: Lbl %lu TC %u S %u TTL %u]\n", (unsigned long)m->label,
				(unsigned)m->tc, (unsigned)m->s, (unsigned)m->ttl) != 0)
			return -1;
	}
	return 0;
}

/* The other responders of a hop, on lines of their own without figures. */
static int print_others(const struct model_hop *h, const struct render_opts *o, size_t width, struct sink *out)
{
	char label[2 * MODEL_NAME_MAX], info[MODEL_IPINFO_MAX + 8];
	for (unsigned i = 0; i < h->n_resp; i++) {
		if (i == h->latest)
			continue;
		render_field_label(&h->resp[i], o, label, sizeof(label));
		if (sink_printf(out, "        %-*s\n", (int)width, label) != 0)
			return -1;
		/* mtr 0.95 then prints the responder again, with its ipinfo */
		if (o->ipinfo && sink_printf(out, "     %s%s\n", render_field_ipinfo(&h->resp[i], o, info, sizeof(info)),
					     label) != 0)
			return -1;
		if (print_mpls(&h->resp[i], o, out) != 0)
			return -1;
	}
	return 0;
}

static void trim_right(char *line)
{
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
}

/* Every responder of the hop on a row of its own, with its own figures
 * (constant flows: render_field_per_responder), under the hop's merged row. */
static int print_responders(const struct model_hop *h, const struct render_opts *o, size_t width,
                            struct sink *out)
{
	char line[TEXT_LINE_MAX];
	char label[2 * MODEL_NAME_MAX];
	for (unsigned i = 0; i < h->n_resp; i++) {
		struct model_hop own;
		render_field_resp_hop(h, &h->resp[i], &own);
		render_field_label(&h->resp[i], o, label, sizeof(label));
		snprintf(line, sizeof(line), "        %-*s", (int)width, label);
		put_cells(line, o->wide ? strlen(line) : width, &own, o, true);
		trim_right(line);
		if (sink_printf(out, "%s\n", line) != 0 || print_mpls(&h->resp[i], o, out) != 0)
			return -1;
	}
	return 0;
}

static const struct model_responder *latest_of(const struct model_hop *h)
{
	return h->n_resp ? &h->resp[h->latest < h->n_resp ? h->latest : 0] : NULL;
}

static bool hop_nat(const struct model_hop *h)
{
	for (unsigned i = 0; i < h->n_resp; i++)
		if (h->resp[i].nat)
			return true;
	return false;
}

/* The first hop whose replies quoted our probe rewritten: a NAT lies just
 * before it. mtr has no such line; the form is its MPLS lines', which
 * importers skip. */
static int print_nat_mark(const struct model_trace *t, size_t i, struct sink *out)
{
	for (size_t k = render_field_first_hop(t); k < i; k++)
		if (hop_nat(&t->hops[k]))
			return 0;
	if (!hop_nat(&t->hops[i]))
		return 0;
	return sink_printf(out, "       [NAT: the probe came back rewritten; a NAT lies before hop %u]\n",
			   t->hops[i].ttl);
}

static int print_hop(const struct model_hop *h, const struct render_opts *o, size_t width, struct sink *out)
{
	char line[TEXT_LINE_MAX];
	char label[2 * MODEL_NAME_MAX], info[MODEL_IPINFO_MAX + 8];
	render_field_hop_label(h, o, label, sizeof(label));
	if (o->ipinfo) /* mtr 0.95: " %2d. %s%-*s", without the "|--" */
		snprintf(line, sizeof(line), " %2u. %s%-*s", h->ttl,
			 render_field_ipinfo(latest_of(h), o, info, sizeof(info)), (int)width, label);
	else
		snprintf(line, sizeof(line), " %2u.|-- %-*s", h->ttl, (int)width, label);
	put_fields(line, o->wide ? strlen(line) : width, h, o);
	if (sink_printf(out, "%s\n", line) != 0)
		return -1;
	if (render_field_per_responder(h))
		return print_responders(h, o, width, out);
	if (latest_of(h) && print_mpls(latest_of(h), o, out) != 0)
		return -1;
	return print_others(h, o, width, out);
}

static void print_figure(const char *what, double v, const char *unit, struct sink *out)
{
	if (!isnan(v))
		sink_printf(out, ", %s %.1f%s", what, v, unit);
}

int render_text_finding_head(const struct finding *f, struct sink *out)
{
	sink_printf(out, "%s: %s", finding_severity_name(f->severity), finding_kind_name(f->kind));
	if (f->hop)
		sink_printf(out, " at hop %u", f->hop);
	sink_printf(out, " (segment %s, direction %s", finding_segment_name(f->segment),
		    finding_direction_name(f->direction));
	print_figure("loss", f->loss_pct, "%", out);
	print_figure("latency", f->latency_ms, " ms", out);
	if (f->counter[0])
		sink_printf(out, ", counter %s", f->counter);
	print_figure("rate", f->counter[0] ? f->rate_per_s : NAN, "/s", out);
	return sink_puts(out, ")");
}

static int print_finding(size_t n, const struct finding *f, struct sink *out)
{
	sink_printf(out, "%2zu. ", n);
	render_text_finding_head(f, out);
	sink_printf(out, "\n    %s\n", f->summary);
	if (f->evidence[0])
		sink_printf(out, "    Evidence: %s\n", f->evidence);
	if (f->advice[0])
		sink_printf(out, "    Advice: %s\n", f->advice);
	return sink_error(out);
}

int render_text_findings(const struct finding_list *l, struct sink *out)
{
	sink_puts(out, "Diagnosis\n");
	for (size_t i = 0; i < l->n; i++)
		if (print_finding(i + 1, &l->items[i], out) != 0)
			return -1;
	return sink_error(out);
}

/* After a route change mid-run the table is the latest path's (model.h,
 * path epochs): one line says so, only then, so mtr's layout is otherwise
 * untouched. */
static void print_epoch_note(const struct model_trace *t, struct sink *out)
{
	if (t->n_epochs == 0)
		return;
	sink_printf(out, "Route changed %zu time%s mid-run: the hops above are the path since round %lu.\n",
	            t->n_epochs, t->n_epochs == 1 ? "" : "s", t->epoch_first_round + 1);
}

int render_text_report(const struct model_trace *t, const struct render_opts *o, struct sink *out)
{
	o = render_field_opts(o);
	struct text_cols c = columns(t, o);
	if (print_start(t, out) != 0 || print_header(t, o, c, out) != 0)
		return -1;
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		if (print_hop(&t->hops[i], o, c.hosts, out) != 0 || print_nat_mark(t, i, out) != 0)
			return -1;
	print_epoch_note(t, out);
	if (o->diagnosis) {
		sink_puts(out, "\n");
		return render_text_findings(o->diagnosis, out);
	}
	return sink_error(out);
}
