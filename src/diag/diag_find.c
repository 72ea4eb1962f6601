#include "diag/diag_find.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_find_init(struct finding *f, const struct diag_view *v, enum finding_kind kind,
                    enum finding_severity sev, size_t idx)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = sev;
	f->direction = v->dir;
	f->segment = FINDING_SEG_UNKNOWN;
	f->loss_pct = NAN;
	f->latency_ms = NAN;
	if (idx < v->t->n_hops && idx < MODEL_MAX_HOPS) {
		f->segment = v->seg[idx];
		f->hop = v->t->hops[idx].ttl;
	}
}

void diag_find_add_hop(struct finding *f, unsigned ttl)
{
	if (f->n_hops < FINDING_MAX_HOPS)
		f->hops[f->n_hops++] = ttl;
}

void diag_find_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strnlen(buf, size);
	if (used + 1 >= size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

const char *diag_find_segment_advice(enum finding_segment seg)
{
	switch (seg) {
	case FINDING_SEG_LOCAL:
		return "Check your own network and router first: cabling or Wi-Fi, the router's "
		       "load, "
		       "a restart; test again with a cable straight to the router.";
	case FINDING_SEG_ACCESS:
		return "Report it to your internet provider (ISP) and attach this report.";
	case FINDING_SEG_TRANSIT:
		return "Report it to your ISP or to the server's hosting provider with this "
		       "report; "
		       "either can escalate to the carrier that owns the hop.";
	case FINDING_SEG_DESTINATION:
		return "Report it to the server's hosting provider and attach reports of both "
		       "directions (to the server and from the server back to you).";
	case FINDING_SEG_UNKNOWN:
		break;
	}
	return "Run a trace from the server back to you as well and compare both directions.";
}

const char *diag_find_segment_words(enum finding_segment seg)
{
	switch (seg) {
	case FINDING_SEG_LOCAL:
		return "in your own network or router";
	case FINDING_SEG_ACCESS:
		return "at your internet provider";
	case FINDING_SEG_TRANSIT:
		return "in a carrier network between you and the server";
	case FINDING_SEG_DESTINATION:
		return "at the server's end";
	case FINDING_SEG_UNKNOWN:
		break;
	}
	return "somewhere on the path";
}

enum finding_severity diag_find_lower(enum finding_severity s)
{
	switch (s) {
	case FINDING_CRITICAL:
		return FINDING_WARNING;
	case FINDING_WARNING:
		return FINDING_INFO;
	case FINDING_INFO:
	case FINDING_OK:
		break;
	}
	return FINDING_OK;
}
