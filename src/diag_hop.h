/* diag_hop: what the diagnosis needs to know about one hop (does it answer,
 * is its address private, which network it belongs to) and the per-trace
 * view the rules share. Internal to the diag_* modules. */
#ifndef HOPDOC_DIAG_HOP_H
#define HOPDOC_DIAG_HOP_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "model.h"

#define DIAG_NOTES_MAX 512

/* One trace as the rules see it. Segments are named from the client's point
 * of view (R10): client_first is true for an outbound trace (hop 1 is the
 * client's end) and false for a return trace (its last hop is the client). */
struct diag_view {
	const struct model_trace *t;
	enum finding_direction dir;
	bool client_first;
	bool target_answered;  /* the trace's last probed hop answered */
	size_t last_answering; /* index of the last answering hop; t->n_hops when none */
	size_t last_probed;    /* index of the last probed hop; t->n_hops when none */
	enum finding_segment seg[MODEL_MAX_HOPS];
	char notes[DIAG_NOTES_MAX]; /* facts that are not faults, for `healthy` */
};

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

/* Fills v for trace t (segments included, through diag_segment). */
void diag_hop_view_init(struct diag_view *v, const struct model_trace *t,
                        enum finding_direction dir, bool client_first);

#endif
