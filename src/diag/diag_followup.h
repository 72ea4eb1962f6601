/* diag_followup: a live run's follow-up probes as data (struct
 * diag_followup; diag.h includes this header for the CLI), and how the rules
 * read them: did the target answer another kind of probe (R4 against R5),
 * does a hop's loss move with the probing rate (R2), and the evidence text
 * quoting each follow-up. Pure: the probes were sent by cli/followup.c.
 * Tests: tests/unit/diag/test_diag_followup.c tests/lab/t_followup.sh */
#ifndef HOPDOC_DIAG_FOLLOWUP_H
#define HOPDOC_DIAG_FOLLOWUP_H

#include <stdbool.h>

#include <stddef.h>

#include "base/strbuf.h"
#include "model/model.h"

/* Follow-up probes (issue 13): what a live run measured after its main run
 * to settle what the main run alone cannot (cli/followup.c probes, the
 * diagnosis reads the results as data). Budget: at most
 * DIAG_FOLLOWUP_BUDGET probes per finding. */
#define DIAG_FOLLOWUP_BUDGET 50
#define DIAG_FOLLOWUP_TRIES 3

/* One kind of probe sent to the target alone (TCP 443, TCP 80, UDP). */
struct diag_followup_try {
	enum model_proto proto;
	unsigned port;
	unsigned sent;
	unsigned answered; /* replies from the target itself */
	double best_ms;    /* the fastest of them; NAN when none */
};

/* The same hop's TTL probed again at a slower ([0]) and a faster ([1])
 * rate than the main run's. */
struct diag_followup_rate {
	unsigned ttl; /* 0: not probed */
	double interval_s[2];
	unsigned sent[2], lost[2];
};

struct diag_followup {
	struct diag_followup_try target[DIAG_FOLLOWUP_TRIES];
	size_t n_target; /* 0: the target was not probed again */
	struct diag_followup_rate rate;
};


/* Whether the target was probed again after the main run. */
bool diag_followup_has_target(const struct diag_followup *fu);

/* Whether the target itself answered any follow-up probe. */
bool diag_followup_reached(const struct diag_followup *fu);

/* " follow-up: TCP 443 answered in 12.1 ms (3 of 3); ...; 9 probes." */
void diag_followup_target_text(const struct diag_followup *fu, struct strbuf *sb);

/* Whether the hop's loss grows with the rate: the faster run loses at least
 * DIAG_FOLLOWUP_RATE_GAP points more than the slower one, and the difference
 * holds at 99% (one-sided two-proportion test). */
#define DIAG_FOLLOWUP_RATE_GAP 25.0
bool diag_followup_rate_moves(const struct diag_followup_rate *r);

/* Whether the rate follow-up probed one of hops[0..n). */
bool diag_followup_rate_covers(const struct diag_followup *fu, const unsigned *hops, size_t n);

/* " follow-up: hop 3 at one probe per 0.20 s lost 7 of 20 (35%), at one per
 * 0.03 s 14 of 20 (70%): the loss moves with the rate, rate limiting
 * confirmed; 40 probes." */
void diag_followup_rate_text(const struct diag_followup *fu, struct strbuf *sb);

#endif
