/* diag_find: building findings: drafts whose texts grow as the rules write
 * them, hop lists, runs of hops, and the advice that goes with each segment
 * (R9). Internal to the diag_* modules.
 * Tests: tests/unit/diag/test_diag.c tests/unit/diag/test_diag_pair.c. */
#ifndef HOPDOC_DIAG_FIND_H
#define HOPDOC_DIAG_FIND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "diag/diag_int.h"
#include "model/finding.h"

/* A finding being written: its figures in f (texts NULL), its texts in the
 * buffers until diag_find_add hands them to a list. A failed append shows at
 * diag_find_add, so the rules write sentences without checking each. */
struct diag_draft {
	struct finding f;
	struct strbuf summary, evidence, advice;
	char owner[16]; /* "AS64500": the origin AS of the finding's hop (R9); "" unknown */
};

/* A draft of this kind and severity at hop index `idx` of the view (its
 * segment and direction from the view); idx >= n_hops means no hop. */
void diag_find_init(struct diag_draft *d, const struct diag_view *v, enum finding_kind kind,
                    enum finding_severity sev, size_t idx);

/* A draft about no hop: segment unknown, no figures. */
void diag_find_blank(struct diag_draft *d, enum finding_kind kind, enum finding_severity sev,
                     enum finding_direction dir);

/* Appends the draft to out and empties it; -1 when a text could not be
 * written whole or memory runs out (nothing appended, draft freed). */
int diag_find_add(struct finding_list *out, struct diag_draft *d);

/* Frees a draft's texts. */
void diag_find_free(struct diag_draft *d);

/* Replaces heap text *text with a new formatted one; on failure (out of
 * memory) *text stays as it was and -1 is returned. */
int diag_find_set(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends formatted text to a finding's heap text (one already in a list);
 * -1 when memory runs out, the text then left as it was. */
int diag_find_edit(char **text, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds a hop number to f->hops (which has room for every TTL of two traces). */
void diag_find_add_hop(struct finding *f, unsigned ttl);

/* A rule that reports runs of hops (R2 rate limiting, R7 slow answers): a
 * run starts at a hop `starts` accepts and ends before `end`; the finding
 * lists its answering hops and carries the largest of their `figure`s. */
struct diag_run_rule {
	enum finding_kind kind;
	bool figure_is_latency; /* else it is a loss */
	bool (*starts)(const struct diag_view *v, const void *ctx, size_t i);
	size_t (*end)(const struct diag_view *v, const void *ctx, size_t i);
	double (*figure)(const struct diag_view *v, const void *ctx, size_t i);
	void (*describe)(struct diag_draft *d, const struct diag_view *v, const void *ctx,
	                 size_t end);
};

/* One `info` finding per run; 0, or -1 out of memory. */
int diag_find_runs(const struct diag_view *v, const struct diag_run_rule *r, const void *ctx,
                   struct finding_list *out);

/* The sentence of R9's advice for a segment ("report to your ISP ..."). */
const char *diag_find_segment_advice(enum finding_segment seg);

/* Plain words for a segment ("your own network", "your ISP", ...). */
const char *diag_find_segment_words(enum finding_segment seg);

/* Lowers a severity by one step (R12); ok stays ok. */
enum finding_severity diag_find_lower(enum finding_severity s);

#endif
