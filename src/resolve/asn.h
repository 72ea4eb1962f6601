/* asn: the origin AS (and mtr's other ipinfo fields) of an address, from DNS
 * TXT records in Team Cymru's style: 4.3.2.1.origin.asn.cymru.com for
 * 1.2.3.4, the reversed nibbles of the address's upper 64 bits under
 * origin6.asn.cymru.com for IPv6 (as mtr 0.95). The answer is one TXT string,
 * "13335 | 1.1.1.0/24 | US | arin | 2010-07-14". Lookups go through the
 * system resolver (/etc/resolv.conf; a lab's bind-mounted one in tests), on
 * the workers of a struct dns whose params set this resolver and `ipinfo`:
 * asynchronous, cached, bounded like the reverse names (docs/probing.md).
 * Tests: tests/unit/resolve/test_asn.c */
#ifndef HOPDOC_ASN_H
#define HOPDOC_ASN_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

#define ASN_ZONE4 "origin.asn.cymru.com"
#define ASN_ZONE6 "origin6.asn.cymru.com"

/* The TXT name to ask for a; 0, or -1 (no family, or len too small). */
int asn_query_name(const struct model_addr *a, char *buf, size_t len);

/* The first TXT record's strings, joined, from a DNS answer message of n
 * bytes (untrusted: a lab's or anyone's server); 0, or -1 when the message
 * holds no TXT answer. Printable ASCII only is kept (others become '?'). */
int asn_parse_answer(const uint8_t *msg, size_t n, char *txt, size_t len);

/* A dns_resolve_fn: asks the system resolver for a's TXT record. */
int asn_resolve_system(const struct model_addr *a, char *txt, size_t len);

#endif
