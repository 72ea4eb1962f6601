/* diag_oneway: a live --return-via run's one-way stream as data (struct
 * diag_oneway; diag.h includes this header for the CLI), and how R10 reads
 * it: which direction of the path loses, and how much, where round trips
 * cannot tell (the same route both ways: loss on one direction of a link
 * shows in both traces). Pure: the stream was sent by cli/ (src/oneway).
 * Tests: tests/unit/diag/test_diag_oneway.c tests/lab/t_return.sh */
#ifndef HOPDOC_DIAG_ONEWAY_H
#define HOPDOC_DIAG_ONEWAY_H

#include <stdbool.h>

#include "base/strbuf.h"
#include "model/finding.h"

struct diag_oneway_dir {
	unsigned long sent, lost;
	double pdv_p95_ms; /* delay variation, 95th percentile */
};

struct diag_oneway {
	bool measured;     /* false: the stream did not pass; why says why */
	char why[256];
	struct diag_oneway_dir out, ret; /* to the server, back from it */
};

/* Whether a direction loses: at least 2 lost and the Wilson bound (one-sided
 * 95%) of the loss rate reaches DIAG_ONEWAY_LOSS_PCT. */
#define DIAG_ONEWAY_LOSS_PCT 1.0
bool diag_oneway_loses(const struct diag_oneway_dir *d);

/* The direction the stream blames: OUTBOUND, RETURN or BOTH; UNKNOWN when
 * it was not measured or neither direction loses. */
enum finding_direction diag_oneway_direction(const struct diag_oneway *ow);

/* " One-way stream: to the server 45 of 150 lost (30.0%), back 0 of 105
 * (0.0%); delay variation (p95) 0.4 ms out, 0.3 ms back." or, not
 * measured, " One-way stream: none passed (why)." */
void diag_oneway_text(const struct diag_oneway *ow, struct strbuf *sb);

/* R10 with the stream: each loss finding of l (from index from) takes the
 * direction the stream measured; with a stream that did not pass, a loss
 * found in both traces becomes `unknown`. Each quotes the stream. 0, or -1
 * out of memory. */
int diag_oneway_apply(const struct diag_oneway *ow, struct finding_list *l, size_t from);

#endif
