#include "diag/diag_view.h"

#include <string.h>

#include "diag/diag_hop.h"
#include "diag/diag_segment.h"

void diag_view_init(struct diag_view *v, const struct model_trace *t, enum finding_direction dir,
                    bool client_first)
{
	memset(v, 0, sizeof(*v));
	v->t = t;
	v->dir = dir;
	v->client_first = client_first;
	size_t n = diag_n_hops(v);
	v->last_answering = t->n_hops;
	v->last_probed = t->n_hops;
	for (size_t i = 0; i < n; i++) {
		if (diag_hop_probed(&t->hops[i]))
			v->last_probed = i;
		if (diag_hop_answers(&t->hops[i]))
			v->last_answering = i;
	}
	v->target_answered = v->last_probed < n && v->last_answering == v->last_probed;
	diag_segment_classify(v);
}

void diag_view_free(struct diag_view *v)
{
	strbuf_free(&v->notes);
}
