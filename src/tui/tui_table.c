#include "tui/tui_table.h"

#include <stdio.h>
#include <string.h>

#include "model/field.h"

#define CELL_MAX 32
#define LABEL_MAX (2 * MODEL_NAME_MAX + 8)
#define MIN_HOST_COLS 12

size_t tui_table_first_hop(const struct model_trace *t)
{
	size_t i = 0;
	while (i < t->n_hops && t->hops[i].snt == 0 && t->hops[i].n_resp == 0)
		i++;
	return i;
}

/* The MPLS lines -e adds under responder r. */
static unsigned mpls_lines(const struct tui_state *s, const struct model_responder *r)
{
	if (!s->mpls || !r)
		return 0;
	return r->n_mpls < MODEL_MAX_MPLS ? r->n_mpls : MODEL_MAX_MPLS;
}

/* The statistics mode's lines for hop h: its row, the other responders,
 * and with -e every responder's labels. */
static unsigned hop_lines(const struct tui_state *s, const struct model_hop *h)
{
	unsigned n = h->n_resp > 1 ? h->n_resp : 1;
	for (unsigned i = 0; i < h->n_resp; i++)
		n += mpls_lines(s, &h->resp[i]);
	return n;
}

unsigned tui_table_lines(const struct tui_frame *f)
{
	const struct model_trace *t = f->in->trace;
	unsigned n = 0;
	for (size_t i = tui_table_first_hop(t); i < t->n_hops; i++)
		n += f->s->mode == TUI_MODE_STATS ? hop_lines(f->s, &t->hops[i]) : 1;
	return n;
}

const char *tui_table_label(const struct tui_state *s, const struct model_responder *r, char *buf,
                            size_t len)
{
	char info[MODEL_IPINFO_MAX + 8] = ""; /* mtr's curses view: the ipinfo cell first */
	if (s->ipinfo)
		field_ipinfo_cell(r, s->ipinfo_field, true, info, sizeof(info));
	if (!r)
		snprintf(buf, len, "%s???", info);
	else if (s->want_names && r->name[0] && s->show_ips)
		snprintf(buf, len, "%s%s (%s)", info, r->name, r->text);
	else
		snprintf(buf, len, "%s%s", info, model_responder_label(r, s->want_names));
	return buf;
}

static const struct model_responder *latest(const struct model_hop *h)
{
	if (h->n_resp == 0)
		return NULL;
	return &h->resp[h->latest < h->n_resp ? h->latest : 0];
}

void tui_table_hop_label(struct tui_frame *f, const struct model_hop *h, int row, int width)
{
	char label[LABEL_MAX], line[LABEL_MAX + 16];
	snprintf(line, sizeof(line), "%2u. %s", h->ttl, tui_table_label(f->s, latest(h), label, sizeof(label)));
	if (width >= 0 && (size_t)width < sizeof(line))
		line[width] = '\0';
	tui_grid_put(f->g, row, 0, line, TUI_ATTR_NONE);
	if (h->ttl <= MODEL_MAX_HOPS && f->bad_hop[h->ttl])
		tui_grid_mark(f->g, row, 0, (int)strlen(line), TUI_ATTR_BAD | TUI_ATTR_BOLD);
}

static int fields_width(const char *letters)
{
	int w = 0;
	for (const char *c = letters; *c; c++) {
		const struct field *fd = field_for(*c);
		w += fd ? fd->width : 0;
	}
	return w;
}

static int host_width(const struct tui_frame *f)
{
	int w = f->width - fields_width(tui_state_fields(f->s)) - 1;
	return w < MIN_HOST_COLS ? MIN_HOST_COLS : w;
}

/* Cells sit at fixed offsets, each field's width after the last, as mtr. */
static void put_cells(struct tui_frame *f, const struct model_hop *h, int row, int col)
{
	for (const char *c = tui_state_fields(f->s); *c; c++) {
		const struct field *fd = field_for(*c);
		if (!fd)
			continue;
		char cell[CELL_MAX];
		if (h)
			field_cell(fd, h, cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%*s", fd->width, fd->title);
		tui_grid_put(f->g, row, col, cell, h ? TUI_ATTR_NONE : TUI_ATTR_BOLD);
		col += fd->width;
	}
}

/* -e: r's labels, one line each, as mtr's curses view prints them. */
static int put_mpls(struct tui_frame *f, const struct model_responder *r, int line, int top, int rows)
{
	char text[80];
	for (unsigned k = 0; k < mpls_lines(f->s, r); k++, line++) {
		const struct model_mpls *m = &r->mpls[k];
		snprintf(text, sizeof(text), "[MPLS: Lbl %lu TC %u S %u TTL %u]", (unsigned long)m->label,
		         (unsigned)m->tc, (unsigned)m->s, (unsigned)m->ttl);
		if (line >= 0 && line < rows)
			tui_grid_put(f->g, top + line, 4, text, TUI_ATTR_NONE);
	}
	return line;
}

/* The responders other than the latest, one line each, without figures. */
static int put_others(struct tui_frame *f, const struct model_hop *h, int line, int top, int rows)
{
	char label[LABEL_MAX];
	line = put_mpls(f, latest(h), line, top, rows);
	for (unsigned i = 0; i < h->n_resp; i++) {
		if (i == h->latest)
			continue;
		if (line >= 0 && line < rows)
			tui_grid_put(f->g, top + line, 4, tui_table_label(f->s, &h->resp[i], label, sizeof(label)),
			             TUI_ATTR_NONE);
		line = put_mpls(f, &h->resp[i], line + 1, top, rows);
	}
	return line;
}

void tui_table_draw(struct tui_frame *f, int title, int top, int rows)
{
	const struct model_trace *t = f->in->trace;
	int hw = host_width(f);
	tui_grid_put(f->g, title, 0, " Host", TUI_ATTR_BOLD);
	put_cells(f, NULL, title, hw);
	int line = -(int)f->s->scroll;
	for (size_t i = tui_table_first_hop(t); i < t->n_hops && line < rows; i++) {
		const struct model_hop *h = &t->hops[i];
		if (line >= 0) {
			tui_table_hop_label(f, h, top + line, hw - 1);
			put_cells(f, h, top + line, hw);
		}
		line = put_others(f, h, line + 1, top, rows);
	}
}
