/* probe_nat: NAT on the path, seen in the quoted probe of an ICMP error
 * (Dublin traceroute's method). A NAT rewrites the probe's source address
 * and port on its way out, and the ICMP error on its way back; many restore
 * the quoted addresses and ports (else the error would not reach us or not
 * match) but not the quoted UDP checksum, which they had changed with them.
 * So a quote whose ports match the probe but whose UDP checksum, or source
 * address, is not what we sent was rewritten between us and the hop that
 * quoted it. Linux's own NAT (the lab's nat.scn) restores the checksum as
 * well and stays invisible this way. Internal to src/probe.
 * Tests: tests/unit/probe/test_probe_nat.c */
#ifndef HOPDOC_PROBE_NAT_H
#define HOPDOC_PROBE_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/packet.h"

/* Whether r's quote shows probe seq of flow f rewritten on its way. scratch
 * (cap bytes, at least packet_probe_len(f)) is overwritten: the probe is
 * built again there to learn its checksum. False when there is no quote or
 * the flow gives nothing to compare (UDP checksum carrying the sequence,
 * source unknown). */
bool probe_nat_rewritten(const struct packet_flow *f, const struct packet_reply *r, uint16_t seq,
                         uint8_t *scratch, size_t cap);

#endif
