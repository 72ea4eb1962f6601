/* render_field: mtr's data fields (the -o letters), shared by every table
 * format so titles, widths and number formats are defined once.
 *
 * mtr writes each cell at a fixed offset (the previous offset plus the
 * field's width), whatever the cell's own length: so "100.0%" in a width-6
 * column loses its '%' to the next cell. render_field_place reproduces that. */
#ifndef HOPDOC_RENDER_FIELD_H
#define HOPDOC_RENDER_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"
#include "render/render_opts.h"

#define RENDER_FIELD_DEFAULT "LS NABWV"
#define RENDER_FIELD_CELL_MAX 64

enum render_field_style {
	RENDER_FIELD_GAP,  /* ' ': an empty column (which CSV fills with Drop) */
	RENDER_FIELD_PCT,  /* " %4.1f%%" */
	RENDER_FIELD_INT4, /* " %4d" */
	RENDER_FIELD_INT5, /* " %5d" */
	RENDER_FIELD_MS5,  /* " %5.1f" */
	RENDER_FIELD_MS4,  /* " %4.1f" */
};

struct render_field {
	char letter;
	const char *title;
	enum render_field_style style;
	int width;
	bool integer;
	double (*value)(const struct model_hop *h);
};

/* The field for an -o letter; NULL when unknown. */
const struct render_field *render_field_for(char letter);

/* o, or the defaults (mtr's fields, addresses only) when o is NULL. */
const struct render_opts *render_field_opts(const struct render_opts *o);

/* The -o letters in effect. */
const char *render_field_letters(const struct render_opts *o);

/* A value as mtr shows it: reals rounded to whole microseconds (mtr's grain),
 * counts exact. */
double render_field_value(const struct render_field *f, const struct model_hop *h);

/* The text cell (" %5.1f" etc.) into buf. */
void render_field_cell(const struct render_field *f, const struct model_hop *h, char *buf, size_t len);

/* Writes text at offset `at` of line (NUL-terminated, cutting what was
 * there), as mtr's snprintf(buf + len, ...) does. Returns at + width. */
size_t render_field_place(char *line, size_t cap, size_t at, const char *text, size_t width);

/* The label mtr prints for a responder: name, "name (ip)" with -b, or the
 * address; "???" for none. Returns buf. */
const char *render_field_label(const struct model_responder *r, const struct render_opts *o, char *buf, size_t len);

/* The label of a hop's latest responder, "???" when silent. */
const char *render_field_hop_label(const struct model_hop *h, const struct render_opts *o, char *buf, size_t len);

/* The index of the first hop a report shows: leading hops never probed
 * (below -f) are left out. t->n_hops when there is none. */
size_t render_field_first_hop(const struct model_trace *t);

#endif
