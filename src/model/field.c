#include "model/field.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>

#define HOP(member) offsetof(struct model_hop, member)

/* mtr 0.95's data_fields (letter, title, format, width) and hopdoc's Late.
 * The order is that of hopdoc's extra JSON keys (Recv, Drop, Late, Gmean,
 * jitter), which goldens pin. */
static const struct field fields[] = {
	{ 'L', "Loss%", "Loss", NULL, { "Loss %", "%" }, FIELD_PCT, 6, false, 0, HOP(loss_pct) },
	{ 'R', "Rcv", "Rcv", "Recv", { 0 }, FIELD_INT5, 6, true, MODEL_HAS_RECV, HOP(recv) },
	{ 'D', "Drop", "Drop", "Drop", { 0 }, FIELD_INT4, 5, true, MODEL_HAS_DROP, HOP(drop) },
	{ '\0', "Late", "Late", "Late", { 0 }, FIELD_INT4, 5, true, MODEL_HAS_DROP, HOP(late) },
	{ 'S', "Snt", "Snt", NULL, { "Sent" }, FIELD_INT5, 6, true, 0, HOP(snt) },
	{ 'N', "Last", "Last", NULL, { 0 }, FIELD_MS5, 6, false, MODEL_HAS_LAST, HOP(last) },
	{ 'B', "Best", "Best", NULL, { 0 }, FIELD_MS5, 6, false, 0, HOP(best) },
	{ 'A', "Avg", "Avg", NULL, { "Avrg" }, FIELD_MS5, 6, false, 0, HOP(avg) },
	{ 'W', "Wrst", "Wrst", NULL, { "Worst" }, FIELD_MS5, 6, false, 0, HOP(wrst) },
	{ 'V', "StDev", "StDev", NULL, { 0 }, FIELD_MS5, 6, false, MODEL_HAS_STDEV, HOP(stdev) },
	{ 'G', "Gmean", "Gmean", "Gmean", { 0 }, FIELD_MS5, 6, false, MODEL_HAS_GMEAN, HOP(gmean) },
	{ 'J', "Jttr", "Jttr", "Jttr", { 0 }, FIELD_MS4, 5, false, MODEL_HAS_JITTER, HOP(jttr) },
	{ 'M', "Javg", "Javg", "Javg", { 0 }, FIELD_MS4, 5, false, MODEL_HAS_JITTER, HOP(javg) },
	{ 'X', "Jmax", "Jmax", "Jmax", { 0 }, FIELD_MS4, 5, false, MODEL_HAS_JITTER, HOP(jmax) },
	{ 'I', "Jint", "Jint", "Jint", { 0 }, FIELD_MS4, 5, false, MODEL_HAS_JITTER, HOP(jint) },
	{ ' ', " ", " ", NULL, { 0 }, FIELD_GAP, 1, true, 0, HOP(drop) },
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

const struct field *field_table(size_t *n)
{
	*n = N_FIELDS;
	return fields;
}

const struct field *field_for(char letter)
{
	for (size_t i = 0; letter && i < N_FIELDS; i++)
		if (fields[i].letter == letter)
			return &fields[i];
	return NULL;
}

static bool has_title(const struct field *f, const char *title)
{
	if (strcasecmp(title, f->title) == 0 || strcasecmp(title, f->tag) == 0 ||
	    (f->extra_key && strcasecmp(title, f->extra_key) == 0))
		return true;
	for (size_t i = 0; i < FIELD_TITLES_MAX && f->titles[i]; i++)
		if (strcasecmp(title, f->titles[i]) == 0)
			return true;
	return false;
}

const struct field *field_by_title(const char *title)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (fields[i].style != FIELD_GAP && has_title(&fields[i], title))
			return &fields[i];
	return NULL;
}

const char *field_letters(char *buf, size_t len)
{
	size_t k = 0;
	if (len == 0)
		return buf;
	for (size_t i = 0; i < N_FIELDS && k + 1 < len; i++)
		if (fields[i].letter)
			buf[k++] = fields[i].letter;
	buf[k] = '\0';
	return buf;
}

/* The figures are plain members of struct model_hop; offset names which. */
static const void *slot(const struct field *f, const struct model_hop *h)
{
	return (const char *)h + f->offset;
}

double field_get(const struct field *f, const struct model_hop *h)
{
	if (f->integer)
		return (double)*(const unsigned long *)slot(f, h);
	return *(const double *)slot(f, h);
}

unsigned long *field_count(const struct field *f, struct model_hop *h)
{
	return f->integer ? (unsigned long *)((char *)h + f->offset) : NULL;
}

double *field_real(const struct field *f, struct model_hop *h)
{
	return f->integer ? NULL : (double *)((char *)h + f->offset);
}

double field_value(const struct field *f, const struct model_hop *h)
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

void field_cell(const struct field *f, const struct model_hop *h, char *buf, size_t len)
{
	double v = field_value(f, h);
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

int field_ipinfo_width(unsigned field)
{
	static const int widths[MODEL_IPINFO_FIELDS] = { 7, 19, 4, 8, 11 }; /* mtr 0.95's iiwidth */
	return widths[field % MODEL_IPINFO_FIELDS];
}

const char *field_ipinfo_cell(const struct model_responder *r, unsigned field, bool padded, char *buf,
                              size_t len)
{
	char v[MODEL_IPINFO_MAX] = "";
	field %= MODEL_IPINFO_FIELDS;
	if (r && r->ipinfo[0])
		model_ipinfo_field(r->ipinfo, field, v, sizeof(v));
	else if (r && field == 0 && r->asn)
		snprintf(v, sizeof(v), "%u", (unsigned)r->asn);
	int width = padded ? field_ipinfo_width(field) + (field == 0 ? 2 : 0) : 0;
	char cell[MODEL_IPINFO_MAX + 4];
	snprintf(cell, sizeof(cell), "%s%s", field == 0 ? "AS" : "", v[0] ? v : "???");
	snprintf(buf, len, "%-*s", width, cell);
	return buf;
}
