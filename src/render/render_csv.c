#include "render/render_csv.h"

#include <math.h>
#include <string.h>

#include "render/render_field.h"

static void print_titles(const struct render_opts *o, struct sink *out)
{
	for (const char *c = render_field_letters(o); *c; c++) {
		const struct field *f = field_for(*c);
		if (f)
			sink_printf(out, "%s,", f->title);
	}
	sink_puts(out, "\n");
}

static void print_header(const struct render_opts *o, struct sink *out)
{
	sink_puts(out, "Mtr_Version,Start_Time,Status,Host,Hop,Ip,");
	if (o->ipinfo && o->ipinfo_field % MODEL_IPINFO_FIELDS == 0)
		sink_puts(out, "Asn,"); /* mtr 0.95: only for field 0 (-z, -y 0) */
	print_titles(o, out);
}

static void print_cells(const struct model_hop *h, const struct render_opts *o, struct sink *out)
{
	for (const char *c = render_field_letters(o); *c; c++) {
		const struct field *f = field_for(*c);
		if (!f)
			continue;
		double v = field_value(f, h);
		if (f->integer)
			sink_printf(out, ",%ld", (long)v);
		else
			sink_printf(out, ",%.2f", v);
	}
}

static void print_hop(const struct model_trace *t, const struct model_hop *h, const struct render_opts *o,
		      struct sink *out)
{
	char label[2 * MODEL_NAME_MAX];
	render_field_hop_label(h, o, label, sizeof(label));
	/* mtr 0.95 fills Start_Time with the time it prints the report. */
	int64_t when = t->report_time ? t->report_time : t->start_time;
	sink_printf(out, "MTR.%s,%lld,OK,%s,%u,%s", RENDER_CSV_MTR_VERSION, (long long)when, t->dst,
		    h->ttl, label);
	if (o->ipinfo && o->ipinfo_field % MODEL_IPINFO_FIELDS == 0) {
		char info[MODEL_IPINFO_MAX + 8];
		const struct model_responder *r = h->n_resp ? &h->resp[h->latest < h->n_resp ? h->latest : 0] : NULL;
		sink_printf(out, ",%s", render_field_ipinfo_value(r, o, info, sizeof(info)));
	}
	print_cells(h, o, out);
	sink_puts(out, "\n");
}

static void print_flows(uint64_t flows, struct sink *out)
{
	const char *sep = "";
	for (unsigned k = 0; k < 64; k++)
		if (flows >> k & 1) {
			sink_printf(out, "%s%u", sep, k);
			sep = " ";
		}
}

static void print_responder(const struct model_hop *h, const struct model_responder *r,
                            const struct render_opts *o, struct sink *out)
{
	char label[2 * MODEL_NAME_MAX];
	struct model_hop own;
	render_field_resp_hop(h, r, &own);
	sink_printf(out, "%u,%s,", h->ttl, render_field_label(r, o, label, sizeof(label)));
	print_flows(r->stats.flows, out);
	print_cells(&own, o, out);
	sink_puts(out, "\n");
}

/* Hops answered by several responders with figures of their own (constant
 * flows) get a row per responder in a table of their own after a blank line,
 * so the hop table above stays exactly mtr's: Hop, Ip, Flows (the flow
 * numbers that reach it, space-separated), then the -o figures. */
static void print_responders(const struct model_trace *t, size_t first,
                             const struct render_opts *o, struct sink *out)
{
	bool header = false;
	for (size_t i = first; i < t->n_hops; i++) {
		const struct model_hop *h = &t->hops[i];
		if (!render_field_per_responder(h))
			continue;
		if (!header) {
			sink_puts(out, "\nHop,Ip,Flows,");
			print_titles(o, out);
			header = true;
		}
		for (unsigned j = 0; j < h->n_resp; j++)
			print_responder(h, &h->resp[j], o, out);
	}
}

/* RFC 4180 quoting: always quoted, inner quotes doubled. */
static void print_quoted(const char *s, struct sink *out)
{
	sink_puts(out, ",\"");
	for (const char *q; (q = strchr(s, '"')); s = q + 1) {
		sink_write(out, s, (size_t)(q - s));
		sink_puts(out, "\"\"");
	}
	sink_puts(out, s);
	sink_puts(out, "\"");
}

static void print_number(double v, struct sink *out)
{
	if (isnan(v))
		sink_puts(out, ",");
	else
		sink_printf(out, ",%.2f", v);
}

static void print_finding(const struct finding *f, struct sink *out)
{
	sink_printf(out, "%s,%s,%s,%s,%u,", finding_kind_name(f->kind), finding_severity_name(f->severity),
		    finding_segment_name(f->segment), finding_direction_name(f->direction), f->hop);
	for (size_t i = 0; i < f->n_hops && i < FINDING_MAX_HOPS; i++)
		sink_printf(out, "%s%u", i ? " " : "", f->hops[i]);
	print_number(f->loss_pct, out);
	print_number(f->latency_ms, out);
	print_quoted(f->summary, out);
	print_quoted(f->evidence, out);
	print_quoted(f->advice, out);
	sink_puts(out, "\n");
}

/* A blank line, then a table of its own, so the hop table above stays
 * exactly mtr's. */
static void print_findings(const struct finding_list *l, struct sink *out)
{
	sink_puts(out, "\nFinding,Severity,Segment,Direction,Hop,Hops,Loss_Pct,Latency_Ms,Summary,Evidence,Advice\n");
	for (size_t i = 0; i < l->n; i++)
		print_finding(&l->items[i], out);
}

int render_csv_report(const struct model_trace *t, const struct render_opts *o, struct sink *out)
{
	o = render_field_opts(o);
	size_t first = render_field_first_hop(t);
	if (first < t->n_hops)
		print_header(o, out); /* mtr prints it with the first hop only */
	for (size_t i = first; i < t->n_hops; i++)
		print_hop(t, &t->hops[i], o, out);
	print_responders(t, first, o, out);
	if (o->diagnosis)
		print_findings(o->diagnosis, out);
	return sink_error(out);
}
