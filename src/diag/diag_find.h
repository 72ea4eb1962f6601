/* diag_find: building findings: defaults, hop lists, sentences and the
 * advice that goes with each segment (R9). Internal to the diag_* modules. */
#ifndef HOPDOC_DIAG_FIND_H
#define HOPDOC_DIAG_FIND_H

#include <stddef.h>

#include "diag/diag_int.h"
#include "model/finding.h"

/* A finding of this kind and severity at hop index `idx` of the view (its
 * segment and direction from the view); idx >= n_hops means no hop. */
void diag_find_init(struct finding *f, const struct diag_view *v, enum finding_kind kind,
                    enum finding_severity sev, size_t idx);

/* Adds a hop number to f->hops (silently ignored beyond FINDING_MAX_HOPS). */
void diag_find_add_hop(struct finding *f, unsigned ttl);

/* Appends formatted text to buf (a C string of capacity size), truncating. */
void diag_find_append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The sentence of R9's advice for a segment ("report to your ISP ..."). */
const char *diag_find_segment_advice(enum finding_segment seg);

/* Plain words for a segment ("your own network", "your ISP", ...). */
const char *diag_find_segment_words(enum finding_segment seg);

/* Lowers a severity by one step (R12); ok stays ok. */
enum finding_severity diag_find_lower(enum finding_severity s);

#endif
