/* target: a target name or address → the address to probe, as mtr chooses
 * it: a numeric address as it is, else the first address getaddrinfo gives of
 * a family that can be probed (-4/-6 restricting the families asked for).
 *
 * Blocking (getaddrinfo): call it before a trace starts, never from a loop
 * that runs other traces. The engine takes the result (probe_params.dst). */
#ifndef HOPDOC_TARGET_H
#define HOPDOC_TARGET_H

#include <stddef.h>

#include "model/model.h"

/* Families that can be probed, as bits. */
#define TARGET_INET  1u
#define TARGET_INET6 2u

/* Resolves name for family (AF_UNSPEC, AF_INET, AF_INET6) to an address of
 * one of the families in usable. 0, or -1 with a message in err ("cannot
 * resolve NAME: …", "NAME: no address of a family we can probe"). */
int target_resolve(const char *name, int family, unsigned usable, struct model_addr *out,
                   char *err, size_t errlen);

#endif
