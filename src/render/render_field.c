#include "render/render_field.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const struct render_opts *render_field_opts(const struct render_opts *o)
{
	static const struct render_opts defaults = { .fields = FIELD_DEFAULT };
	return o ? o : &defaults;
}

const char *render_field_letters(const struct render_opts *o)
{
	return o && o->fields && o->fields[0] ? o->fields : FIELD_DEFAULT;
}

double render_field_value(const struct field *f, const struct model_hop *h)
{
	double v = field_get(f, h);
	if (!isfinite(v))
		return 0.0;
	if (f->integer)
		return v;
	/* mtr keeps loss as an integer of thousandths of a percent, truncated
	 * (2 of 3 lost is 66.666); the epsilon keeps 10% from becoming 9.999. */
	if (f->style == FIELD_PCT)
		return floor(v * 1000.0 + 1e-6) / 1000.0;
	return round(v * 1000.0) / 1000.0;
}

void render_field_cell(const struct field *f, const struct model_hop *h, char *buf, size_t len)
{
	double v = render_field_value(f, h);
	switch (f->style) {
	case FIELD_GAP:
		snprintf(buf, len, " ");
		break;
	case FIELD_PCT:
		snprintf(buf, len, " %4.1f%%", v);
		break;
	case FIELD_INT4:
		snprintf(buf, len, " %4ld", (long)v);
		break;
	case FIELD_INT5:
		snprintf(buf, len, " %5ld", (long)v);
		break;
	case FIELD_MS5:
		snprintf(buf, len, " %5.1f", v);
		break;
	case FIELD_MS4:
		snprintf(buf, len, " %4.1f", v);
		break;
	}
}

size_t render_field_place(char *line, size_t cap, size_t at, const char *text, size_t width)
{
	if (at < cap)
		snprintf(line + at, cap - at, "%s", text);
	return at + width;
}

const char *render_field_label(const struct model_responder *r, const struct render_opts *o, char *buf, size_t len)
{
	bool names = o && o->want_names;
	if (!r)
		snprintf(buf, len, "???");
	else if (names && r->name[0] && o->show_ips)
		snprintf(buf, len, "%s (%s)", r->name, r->text);
	else
		snprintf(buf, len, "%s", model_responder_label(r, names));
	return buf;
}

const char *render_field_hop_label(const struct model_hop *h, const struct render_opts *o, char *buf, size_t len)
{
	const struct model_responder *r = NULL;
	if (h->n_resp)
		r = &h->resp[h->latest < h->n_resp ? h->latest : 0];
	return render_field_label(r, o, buf, len);
}

size_t render_field_first_hop(const struct model_trace *t)
{
	size_t i = 0;
	while (i < t->n_hops && !t->hops[i].snt && !t->hops[i].n_resp)
		i++;
	return i;
}
