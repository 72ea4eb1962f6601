/* diag_int: struct diag_view, one trace as the rules see it (which hops
 * answer, the segment of each, notes for `healthy`), and the two accessors
 * every rule module uses. Internal to src/diag; diag_view builds it. */
#ifndef HOPDOC_DIAG_INT_H
#define HOPDOC_DIAG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "diag/diag_followup.h"
#include "model/finding.h"
#include "model/model.h"

#define DIAG_LOSS_WARNING_PCT 2.0 /* R3: warning from 2% end-to-end */

/* Segments are named from the client's point of view (R10): client_first is
 * true for an outbound trace (hop 1 is the client's end) and false for a
 * return trace (its last hop is the client). */
struct diag_view {
	const struct model_trace *t;
	enum finding_direction dir;
	bool client_first;
	bool target_answered;  /* the trace's last probed hop answered */
	size_t last_answering; /* index of the last answering hop; t->n_hops when none */
	size_t last_probed;    /* index of the last probed hop; t->n_hops when none */
	enum finding_segment seg[MODEL_MAX_HOPS];
	struct strbuf notes; /* facts that are not faults, for `healthy` */
	const struct diag_followup *fu; /* a live run's follow-up probes; NULL: none */
};

/* The hops the rules look at: a trace holds at most MODEL_MAX_HOPS. */
static inline size_t diag_n_hops(const struct diag_view *v)
{
	return v->t->n_hops < MODEL_MAX_HOPS ? v->t->n_hops : MODEL_MAX_HOPS;
}

static inline const struct model_hop *diag_hop_at(const struct diag_view *v, size_t i)
{
	return &v->t->hops[i];
}

#endif
