#include "render/render_xml.h"

#include <math.h>
#include <string.h>

#include "render/render_field.h"

/* mtr writes names unescaped; DNS names and addresses never need escaping,
 * imported host strings and finding texts may. */
static void print_escaped(const char *s, struct sink *out)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sink_puts(out, "&amp;"); break;
		case '<': sink_puts(out, "&lt;"); break;
		case '>': sink_puts(out, "&gt;"); break;
		case '"': sink_puts(out, "&quot;"); break;
		default: sink_write(out, s, 1);
		}
	}
}

static void print_root(const struct model_trace *t, struct sink *out)
{
	sink_puts(out, "<?xml version=\"1.0\"?>\n<MTR SRC=\"");
	print_escaped(t->src, out);
	sink_puts(out, "\" DST=\"");
	print_escaped(t->dst, out);
	sink_printf(out, "\" TOS=\"0x%X\" PSIZE=\"%u\"", (unsigned)t->tos, t->psize);
	if (t->bitpattern >= 0)
		sink_printf(out, " BITPATTERN=\"0x%02X\"", (unsigned)(t->bitpattern & 0xff));
	else
		sink_puts(out, " BITPATTERN=\"rand(0x00-FF)\"");
	sink_printf(out, " TESTS=\"%lu\">\n", t->tests);
}

static void print_cells(const struct model_hop *h, const struct render_opts *o, struct sink *out)
{
	for (const char *c = render_field_letters(o); *c; c++) {
		const struct field *f = field_for(*c);
		if (!f || f->style == FIELD_GAP)
			continue;
		const char *tag = f->tag;
		char cell[RENDER_FIELD_CELL_MAX];
		field_cell(f, h, cell, sizeof(cell));
		sink_printf(out, "        <%s>%s</%s>\n", tag, cell, tag);
	}
}

/* A responder's own figures (constant flows), after its hop's <HUB> as a
 * sibling, so readers of mtr's XML see its hubs unchanged. */
static void print_responder(const struct model_hop *h, const struct model_responder *r,
                            const struct render_opts *o, struct sink *out)
{
	char label[2 * MODEL_NAME_MAX];
	struct model_hop own;
	render_field_resp_hop(h, r, &own);
	sink_printf(out, "    <RESPONDER COUNT=\"%u\" HOST=\"", h->ttl);
	print_escaped(render_field_label(r, o, label, sizeof(label)), out);
	sink_puts(out, "\" FLOWS=\"");
	const char *sep = "";
	for (unsigned k = 0; k < 64; k++)
		if (r->stats.flows >> k & 1) {
			sink_printf(out, "%s%u", sep, k);
			sep = " ";
		}
	sink_puts(out, "\">\n");
	print_cells(&own, o, out);
	sink_puts(out, "    </RESPONDER>\n");
}

static void print_hub(const struct model_hop *h, const struct render_opts *o, struct sink *out)
{
	char label[2 * MODEL_NAME_MAX];
	sink_printf(out, "    <HUB COUNT=\"%u\" HOST=\"", h->ttl);
	print_escaped(render_field_hop_label(h, o, label, sizeof(label)), out);
	sink_puts(out, "\">\n");
	print_cells(h, o, out);
	sink_puts(out, "    </HUB>\n");
	for (unsigned i = 0; render_field_per_responder(h) && i < h->n_resp; i++)
		print_responder(h, &h->resp[i], o, out);
}

static void print_text_element(const char *tag, const char *text, struct sink *out)
{
	sink_printf(out, "            <%s>", tag);
	print_escaped(text, out);
	sink_printf(out, "</%s>\n", tag);
}

static void print_finding(const struct finding *f, struct sink *out)
{
	sink_printf(out, "        <FINDING KIND=\"%s\" SEVERITY=\"%s\" SEGMENT=\"%s\" DIRECTION=\"%s\" HOP=\"%u\" HOPS=\"",
		    finding_kind_name(f->kind), finding_severity_name(f->severity), finding_segment_name(f->segment),
		    finding_direction_name(f->direction), f->hop);
	for (size_t i = 0; i < f->n_hops && i < FINDING_MAX_HOPS; i++)
		sink_printf(out, "%s%u", i ? " " : "", f->hops[i]);
	sink_puts(out, "\"");
	if (!isnan(f->loss_pct))
		sink_printf(out, " LOSS_PCT=\"%.2f\"", f->loss_pct);
	if (!isnan(f->latency_ms))
		sink_printf(out, " LATENCY_MS=\"%.2f\"", f->latency_ms);
	sink_puts(out, ">\n");
	print_text_element("SUMMARY", f->summary, out);
	print_text_element("EVIDENCE", f->evidence, out);
	print_text_element("ADVICE", f->advice, out);
	sink_puts(out, "        </FINDING>\n");
}

int render_xml_report(const struct model_trace *t, const struct render_opts *o, struct sink *out)
{
	o = render_field_opts(o);
	print_root(t, out);
	for (size_t i = render_field_first_hop(t); i < t->n_hops; i++)
		print_hub(&t->hops[i], o, out);
	if (o->diagnosis) {
		sink_puts(out, "    <DIAGNOSIS>\n");
		for (size_t i = 0; i < o->diagnosis->n; i++)
			print_finding(&o->diagnosis->items[i], out);
		sink_puts(out, "    </DIAGNOSIS>\n");
	}
	sink_puts(out, "</MTR>\n");
	return sink_error(out);
}
