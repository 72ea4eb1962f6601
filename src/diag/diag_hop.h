/* diag_hop: what the diagnosis needs to know about one hop (does it answer,
 * is its address private, which network it belongs to). Internal to src/diag.
 * Tests: tests/unit/diag/test_diag_segment.c tests/unit/diag/test_diag.c. */
#ifndef HOPDOC_DIAG_HOP_H
#define HOPDOC_DIAG_HOP_H

#include <stdbool.h>
#include <stddef.h>

#include "model/finding.h"
#include "model/model.h"

/* A hop that was probed at all (-f skips the first TTLs). */
bool diag_hop_probed(const struct model_hop *h);

/* A probed hop that answered at least once. */
bool diag_hop_answers(const struct model_hop *h);

/* The responder address, parsed from its text or name when the import gave
 * none; false when there is no address. */
bool diag_hop_addr(const struct model_responder *r, struct model_addr *out);

/* RFC 1918, RFC 4193, link-local and loopback addresses. */
bool diag_hop_is_private(const struct model_addr *a);

/* 100.64.0.0/10, carrier-grade NAT: the ISP's, not the user's. */
bool diag_hop_is_cgnat(const struct model_addr *a);

/* The network a hop belongs to, for R9: "AS<n>" when any responder has an
 * AS number, else the domain of its host name ("isp.net"); "" when neither. */
void diag_hop_network(const struct model_hop *h, char *buf, size_t len);

/* True when both hops' host names carry the same place word ("frankfurt",
 * "fra1" and "fra2" both give "fra") outside the domain: R7's "both sides
 * in one city". Generic router words (core, ae, bras, ...) do not count. */
bool diag_hop_same_place(const struct model_hop *a, const struct model_hop *b);

/* "hop 7 (198.51.100.10)"; "hop 7 (no reply)" when silent. */
const char *diag_hop_label(const struct model_hop *h, char *buf, size_t len);

/* True when the two hops share a responder (same address, else same text). */
bool diag_hop_same_responder(const struct model_hop *a, const struct model_hop *b);


#endif
