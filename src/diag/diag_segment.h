/* diag_segment: R9, where a hop lives, named from the client's point of view.
 *
 * local       the leading hops with private addresses (RFC 1918, RFC 4193,
 *             link-local); 100.64/10 (carrier-grade NAT) is the ISP's.
 * access      the next hops up to the first change of network: AS number
 *             when known, else the domain of the host names; without either,
 *             the first three hops in total (seed 002).
 * destination the target and the hops that share its network (AS, domain);
 *             without either, the last two hops. When the target never
 *             answered, only the silent hops after the last answering one.
 * transit     everything in between.
 * Fallbacks: when no leading hop is private, the client's first hop (its
 * router or gateway) is local; when every answering hop is private (a
 * corporate network, the lab), privacy says nothing, so hop 1 is local, the
 * hops up to the third access, the last two destination. */
#ifndef HOPDOC_DIAG_SEGMENT_H
#define HOPDOC_DIAG_SEGMENT_H

#include "diag/diag_int.h"

/* Fills v->seg for every hop of v->t; needs v's other fields set. */
void diag_segment_classify(struct diag_view *v);

#endif
