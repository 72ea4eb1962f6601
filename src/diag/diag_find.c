#include "diag/diag_find.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag_hop.h"

void diag_find_blank(struct diag_draft *d, enum finding_kind kind, enum finding_severity sev,
                     enum finding_direction dir)
{
	memset(d, 0, sizeof(*d));
	d->f.kind = kind;
	d->f.severity = sev;
	d->f.segment = FINDING_SEG_UNKNOWN;
	d->f.direction = dir;
	d->f.loss_pct = NAN;
	d->f.latency_ms = NAN;
	d->f.rate_per_s = NAN;
}

void diag_find_init(struct diag_draft *d, const struct diag_view *v, enum finding_kind kind,
                    enum finding_severity sev, size_t idx)
{
	diag_find_blank(d, kind, sev, v->dir);
	if (idx < diag_n_hops(v)) {
		d->f.segment = v->seg[idx];
		d->f.hop = diag_hop_at(v, idx)->ttl;
		/* R9: the network that owns the fault, named by its AS (-z, or an
		 * import that carries one); a private hop's is the user's own */
		char net[MODEL_NAME_MAX];
		diag_hop_network(diag_hop_at(v, idx), net, sizeof(net));
		if (strncmp(net, "AS", 2) == 0 && d->f.segment != FINDING_SEG_LOCAL)
			snprintf(d->owner, sizeof(d->owner), "%.15s", net);
	}
}

void diag_find_free(struct diag_draft *d)
{
	strbuf_free(&d->summary);
	strbuf_free(&d->evidence);
	strbuf_free(&d->advice);
}

int diag_find_add(struct finding_list *out, struct diag_draft *d)
{
	if (d->owner[0]) {
		strbuf_appendf(&d->summary, " Hop %u is in %s's network.", d->f.hop, d->owner);
		strbuf_appendf(&d->evidence, " R9: hop %u's origin AS is %s.", d->f.hop, d->owner);
	}
	struct finding f = d->f;
	f.summary = strbuf_take(&d->summary);
	f.evidence = strbuf_take(&d->evidence);
	f.advice = strbuf_take(&d->advice);
	if (!f.summary || !f.evidence || !f.advice) {
		finding_free_texts(&f);
		return -1;
	}
	return finding_list_take(out, &f) ? 0 : -1;
}

int diag_find_set(char **text, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vappendf(&sb, fmt, ap);
	va_end(ap);
	char *fresh = strbuf_take(&sb);
	if (!fresh)
		return -1;
	free(*text);
	*text = fresh;
	return 0;
}

int diag_find_edit(char **text, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_adopt(&sb, *text);
	va_list ap;
	va_start(ap, fmt);
	int rc = strbuf_vappendf(&sb, fmt, ap);
	va_end(ap);
	/* A failed append leaves the text whole: hand it back as it was. */
	sb.failed = false;
	*text = sb.buf;
	return rc;
}

void diag_find_add_hop(struct finding *f, unsigned ttl)
{
	/* The bound is a guard, never reached: the list has room for every TTL
	 * of two traces, and no rule names more. */
	if (f->n_hops < FINDING_MAX_HOPS)
		f->hops[f->n_hops++] = ttl;
}

static double run_hops(struct finding *f, const struct diag_view *v, const struct diag_run_rule *r,
                       const void *ctx, size_t from, size_t end)
{
	double most = 0.0;
	for (size_t j = from; j < end && j < diag_n_hops(v); j++)
		if (diag_hop_answers(diag_hop_at(v, j))) {
			diag_find_add_hop(f, diag_hop_at(v, j)->ttl);
			most = fmax(most, r->figure(v, ctx, j));
		}
	return most;
}

int diag_find_runs(const struct diag_view *v, const struct diag_run_rule *r, const void *ctx,
                   struct finding_list *out)
{
	for (size_t i = 0; i < diag_n_hops(v); i++) {
		if (!r->starts(v, ctx, i))
			continue;
		struct diag_draft d;
		diag_find_init(&d, v, r->kind, FINDING_INFO, i);
		size_t end = r->end(v, ctx, i);
		double most = run_hops(&d.f, v, r, ctx, i, end);
		*(r->figure_is_latency ? &d.f.latency_ms : &d.f.loss_pct) = most;
		r->describe(&d, v, ctx, end);
		if (diag_find_add(out, &d) != 0)
			return -1;
		i = end;
	}
	return 0;
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
