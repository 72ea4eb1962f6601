/* render_field: how every table format shows mtr's data fields (the table
 * itself is model/field.h): values at mtr's grain, cells, offsets, labels.
 *
 * mtr writes each cell at a fixed offset (the previous offset plus the
 * field's width), whatever the cell's own length: so "100.0%" in a width-6
 * column loses its '%' to the next cell. render_field_place reproduces that.
 * Tests: tests/golden/render tests/unit/render/test_render.c. */
#ifndef HOPDOC_RENDER_FIELD_H
#define HOPDOC_RENDER_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "model/field.h"
#include "model/model.h"
#include "render/render_opts.h"

#define RENDER_FIELD_CELL_MAX 64

/* o, or the defaults (mtr's fields, addresses only) when o is NULL. */
const struct render_opts *render_field_opts(const struct render_opts *o);

/* The -o letters in effect. */
const char *render_field_letters(const struct render_opts *o);

/* Writes text at offset `at` of line (NUL-terminated, cutting what was
 * there), as mtr's snprintf(buf + len, ...) does. Returns at + width. */
size_t render_field_place(char *line, size_t cap, size_t at, const char *text, size_t width);

/* The label mtr prints for a responder: name, "name (ip)" with -b, or the
 * address; "???" for none. Returns buf. */
const char *render_field_label(const struct model_responder *r, const struct render_opts *o, char *buf, size_t len);

/* The label of a hop's latest responder, "???" when silent. */
const char *render_field_hop_label(const struct model_hop *h, const struct render_opts *o, char *buf, size_t len);

/* Whether a hop is shown with a row per responder, each with its own
 * figures (constant flows, model_resp_stats): when more than one responder
 * answered it and every one has figures. Otherwise mtr's layout: the hop's
 * row, its other responders as bare names. */
bool render_field_per_responder(const struct model_hop *h);

/* A hop that carries responder r's own figures and the hop's TTL (no
 * responders: labels are the caller's), for the cell functions. */
void render_field_resp_hop(const struct model_hop *h, const struct model_responder *r,
                           struct model_hop *out);

/* -z/-y: mtr's ipinfo cell for r (NULL: a silent hop), padded as mtr 0.95's
 * fmt_ipinfo: field 0 "AS%-7s", the others "%-19s", "%-4s", "%-8s", "%-11s";
 * "???" when unknown. Field 0 falls back to r->asn (imports). Returns buf. */
const char *render_field_ipinfo(const struct model_responder *r, const struct render_opts *o, char *buf,
                                size_t len);

/* The same cell without its padding ("AS13335", "US"): JSON and CSV. */
const char *render_field_ipinfo_value(const struct model_responder *r, const struct render_opts *o,
                                      char *buf, size_t len);

/* The width mtr gives the ipinfo column (7, 19, 4, 8, 11; field 0's "AS"
 * not counted). */
int render_field_ipinfo_width(const struct render_opts *o);

/* The index of the first hop a report shows: leading hops never probed
 * (below -f) are left out. t->n_hops when there is none. */
size_t render_field_first_hop(const struct model_trace *t);

#endif
