/* Builds traces for the diagnosis tests: one line per hop, as in a report. */
#ifndef TEST_DIAG_BUILD_H
#define TEST_DIAG_BUILD_H

#include <stddef.h>
#include <string.h>

#include "diag/diag.h"
#include "model/finding.h"
#include "model/model.h"

struct hs {
	const char *host; /* NULL: a silent hop (???) */
	double loss, avg, best, wrst, stdev;
};

static inline struct model_trace *build_trace(const struct hs *spec, size_t n, unsigned long snt)
{
	struct model_trace *t = model_trace_new();
	for (size_t i = 0; t && i < n; i++) {
		struct model_hop *h = model_trace_hop(t, (unsigned)(i + 1));
		h->snt = snt;
		h->loss_pct = spec[i].host ? spec[i].loss : 100.0;
		h->recv = (unsigned long)((double)snt * (100.0 - h->loss_pct) / 100.0 + 0.5);
		h->has = MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_STDEV;
		if (!spec[i].host)
			continue;
		struct model_addr a;
		if (model_addr_parse(spec[i].host, &a) == 0)
			model_hop_responder(h, &a);
		else
			model_hop_responder_text(h, spec[i].host);
		h->last = h->avg = spec[i].avg;
		h->best = spec[i].best;
		h->wrst = spec[i].wrst;
		h->stdev = spec[i].stdev;
	}
	return t;
}

#define BUILD(spec, snt) build_trace(spec, sizeof(spec) / sizeof(spec[0]), snt)

/* The index of the first finding of this kind, or -1. */
static inline int find_kind(const struct finding_list *l, enum finding_kind k)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].kind == k)
			return (int)i;
	return -1;
}

#endif
