#include "render/render_field.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double v_loss(const struct model_hop *h) { return h->loss_pct; }
static double v_drop(const struct model_hop *h) { return (double)h->drop; }
static double v_recv(const struct model_hop *h) { return (double)h->recv; }
static double v_snt(const struct model_hop *h) { return (double)h->snt; }
static double v_last(const struct model_hop *h) { return h->last; }
static double v_best(const struct model_hop *h) { return h->best; }
static double v_avg(const struct model_hop *h) { return h->avg; }
static double v_wrst(const struct model_hop *h) { return h->wrst; }
static double v_stdev(const struct model_hop *h) { return h->stdev; }
static double v_gmean(const struct model_hop *h) { return h->gmean; }
static double v_jttr(const struct model_hop *h) { return h->jttr; }
static double v_javg(const struct model_hop *h) { return h->javg; }
static double v_jmax(const struct model_hop *h) { return h->jmax; }
static double v_jint(const struct model_hop *h) { return h->jint; }

/* mtr 0.95's data_fields: letter, title, format, width. */
static const struct render_field fields[] = {
	{ ' ', " ", RENDER_FIELD_GAP, 1, true, v_drop },
	{ 'L', "Loss%", RENDER_FIELD_PCT, 6, false, v_loss },
	{ 'D', "Drop", RENDER_FIELD_INT4, 5, true, v_drop },
	{ 'R', "Rcv", RENDER_FIELD_INT5, 6, true, v_recv },
	{ 'S', "Snt", RENDER_FIELD_INT5, 6, true, v_snt },
	{ 'N', "Last", RENDER_FIELD_MS5, 6, false, v_last },
	{ 'B', "Best", RENDER_FIELD_MS5, 6, false, v_best },
	{ 'A', "Avg", RENDER_FIELD_MS5, 6, false, v_avg },
	{ 'W', "Wrst", RENDER_FIELD_MS5, 6, false, v_wrst },
	{ 'V', "StDev", RENDER_FIELD_MS5, 6, false, v_stdev },
	{ 'G', "Gmean", RENDER_FIELD_MS5, 6, false, v_gmean },
	{ 'J', "Jttr", RENDER_FIELD_MS4, 5, false, v_jttr },
	{ 'M', "Javg", RENDER_FIELD_MS4, 5, false, v_javg },
	{ 'X', "Jmax", RENDER_FIELD_MS4, 5, false, v_jmax },
	{ 'I', "Jint", RENDER_FIELD_MS4, 5, false, v_jint },
};

const struct render_field *render_field_for(char letter)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].letter == letter)
			return &fields[i];
	return NULL;
}

const struct render_opts *render_field_opts(const struct render_opts *o)
{
	static const struct render_opts defaults = { .fields = RENDER_FIELD_DEFAULT };
	return o ? o : &defaults;
}

const char *render_field_letters(const struct render_opts *o)
{
	return o && o->fields && o->fields[0] ? o->fields : RENDER_FIELD_DEFAULT;
}

double render_field_value(const struct render_field *f, const struct model_hop *h)
{
	double v = f->value(h);
	if (!isfinite(v))
		return 0.0;
	if (f->integer)
		return v;
	/* mtr keeps loss as an integer of thousandths of a percent, truncated
	 * (2 of 3 lost is 66.666); the epsilon keeps 10% from becoming 9.999. */
	if (f->letter == 'L')
		return floor(v * 1000.0 + 1e-6) / 1000.0;
	return round(v * 1000.0) / 1000.0;
}

void render_field_cell(const struct render_field *f, const struct model_hop *h, char *buf, size_t len)
{
	double v = render_field_value(f, h);
	switch (f->style) {
	case RENDER_FIELD_GAP:
		snprintf(buf, len, " ");
		break;
	case RENDER_FIELD_PCT:
		snprintf(buf, len, " %4.1f%%", v);
		break;
	case RENDER_FIELD_INT4:
		snprintf(buf, len, " %4ld", (long)v);
		break;
	case RENDER_FIELD_INT5:
		snprintf(buf, len, " %5ld", (long)v);
		break;
	case RENDER_FIELD_MS5:
		snprintf(buf, len, " %5.1f", v);
		break;
	case RENDER_FIELD_MS4:
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
