/* diag_verdict: what every entry point (diag_trace, diag_pair, diag_clients)
 * shares: the per-trace rules over a view, R12 (enough data), the `healthy`
 * verdict and the order of the findings. Internal to src/diag.
 * Tests: tests/unit/diag/test_diag.c tests/unit/diag/test_diag_pair.c. */
#ifndef HOPDOC_DIAG_VERDICT_H
#define HOPDOC_DIAG_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag_int.h"
#include "model/finding.h"
#include "model/model.h"

#define DIAG_MIN_PROBES 10 /* R12 */

/* Builds v over t (after diag_view_free if it was used) and runs R1..R9 on
 * it; its notes stay in v. 0, or -1 out of memory. */
int diag_view_rules(struct diag_view *v, const struct model_trace *t, enum finding_direction dir,
                    bool client_first, struct finding_list *out);

/* One trace alone, from start to verdict: the rules, R12 and `healthy`, every
 * finding named with dir (diag_trace; diag_pair when there is no outbound
 * trace), with a live run's follow-up results fu (may be NULL). 0, or -1 out
 * of memory. */
int diag_one_trace(const struct model_trace *t, enum finding_direction dir, bool client_first,
                   const struct diag_followup *fu, struct finding_list *out);

/* The most probes any hop was sent: how long the trace ran. */
unsigned long diag_probes_sent(const struct model_trace *t);

/* A finding that is a fault of the path (not a note, not `healthy`). */
bool diag_is_problem(const struct finding *f);
bool diag_has_problem(const struct finding_list *l);

/* a goes before b: worse first, then by kind, then by hop. */
bool diag_before(const struct finding *a, const struct finding *b);
void diag_sort(struct finding *items, size_t n);

/* R12 on out[from..] alone: lowers them and adds `insufficient-data`. */
int diag_short_run(struct finding_list *out, size_t from, unsigned long probes,
                   enum finding_direction dir);

/* `healthy` when out[from..] holds nothing but insufficient-data. */
bool diag_only_insufficient(const struct finding_list *l, size_t from);
int diag_add_healthy(struct finding_list *l, enum finding_direction dir, const char *notes);

/* Applies R12 to out[from..], adds `healthy` when nothing else, sorts. */
int diag_finish(struct finding_list *out, size_t from, unsigned long probes,
                enum finding_direction dir, const char *notes);

/* The hop with this TTL, or NULL. */
const struct model_hop *diag_hop_by_ttl(const struct model_trace *t, unsigned ttl);

#endif
