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

bool render_field_per_responder(const struct model_hop *h)
{
	if (h->n_resp < 2)
		return false;
	for (unsigned i = 0; i < h->n_resp; i++)
		if (!h->resp[i].stats.has)
			return false;
	return true;
}

void render_field_resp_hop(const struct model_hop *h, const struct model_responder *r,
                           struct model_hop *out)
{
	const struct model_resp_stats *s = &r->stats;
	*out = (struct model_hop){ .ttl = h->ttl, .snt = s->snt, .recv = s->recv, .drop = s->drop,
		                   .late = s->late, .loss_pct = s->loss_pct, .last = s->last,
		                   .avg = s->avg, .best = s->best, .wrst = s->wrst,
		                   .stdev = s->stdev,
		                   .has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_STDEV |
		                          MODEL_HAS_DROP };
}

int render_field_ipinfo_width(const struct render_opts *o)
{
	return field_ipinfo_width(o->ipinfo_field);
}

const char *render_field_ipinfo_value(const struct model_responder *r, const struct render_opts *o,
                                      char *buf, size_t len)
{
	return field_ipinfo_cell(r, o->ipinfo_field, false, buf, len);
}

const char *render_field_ipinfo(const struct model_responder *r, const struct render_opts *o, char *buf,
                                size_t len)
{
	return field_ipinfo_cell(r, o->ipinfo_field, true, buf, len);
}
