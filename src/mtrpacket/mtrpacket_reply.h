/* mtrpacket_reply: the reply lines of mtr-packet(8)'s protocol, as text.
 * Pure code, no I/O. Every function writes one line, newline included, into
 * buf (NUL-terminated) and returns its length, or -1 when it does not fit
 * (MTRPACKET_LINE_MAX of mtrpacket_cmd.h always fits). The words are the man page's (and mtr
 * 0.95's): a reply that carries an address has "ip-4 A" or "ip-6 A",
 * "round-trip-time US" (whole microseconds) and, when the hop sent MPLS
 * labels (RFC 4950), "mpls L,TC,S,TTL[,L,TC,S,TTL...]". */
#ifndef HOPDOC_MTRPACKET_REPLY_H
#define HOPDOC_MTRPACKET_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

enum mtrpacket_word {
	MTRPACKET_W_REPLY,            /* the target answered */
	MTRPACKET_W_TTL_EXPIRED,      /* a hop answered: time exceeded */
	MTRPACKET_W_NO_ROUTE,         /* unreachable (a hop's ICMP, or the send) */
	MTRPACKET_W_NO_REPLY,         /* nothing before the timeout */
	MTRPACKET_W_NETWORK_DOWN,
	MTRPACKET_W_PROBES_EXHAUSTED, /* too many probes in flight */
	MTRPACKET_W_PERMISSION_DENIED,
	MTRPACKET_W_ADDRESS_IN_USE,
	MTRPACKET_W_ADDRESS_NOT_AVAILABLE,
	MTRPACKET_W_INVALID_ARGUMENT,
	MTRPACKET_W_UNKNOWN_COMMAND,
};

/* The word as written on the wire. */
const char *mtrpacket_word_text(enum mtrpacket_word w);

/* "TOKEN WORD" */
int mtrpacket_fmt_word(char *buf, size_t cap, long token, enum mtrpacket_word w);

/* "TOKEN WORD ip-N ADDR round-trip-time US [mpls ...]" for reply,
 * ttl-expired and no-route. */
int mtrpacket_fmt_answer(char *buf, size_t cap, long token, enum mtrpacket_word w,
                         const struct model_addr *from, uint64_t rtt_us,
                         const struct model_mpls *mpls, unsigned n_mpls);

/* "TOKEN invalid-argument reason REASON" (ip-version-not-supported,
 * protocol-not-supported). */
int mtrpacket_fmt_invalid(char *buf, size_t cap, long token, const char *reason);

/* "TOKEN feature-support support PRESENT" */
int mtrpacket_fmt_feature(char *buf, size_t cap, long token, const char *present);

/* A send that failed with errno e, as mtr-packet 0.95 words it: EINVAL
 * invalid-argument, ENETDOWN network-down, ENETUNREACH and EHOSTUNREACH
 * no-route, EPERM and EACCES permission-denied, EADDRINUSE address-in-use,
 * EADDRNOTAVAIL address-not-available, else "unexpected-error errno E". */
int mtrpacket_fmt_errno(char *buf, size_t cap, long token, int e);

/* mtr-packet's own complaints, token 0: "0 command-parse-error",
 * "0 command-buffer-overflow". */
int mtrpacket_fmt_parse_error(char *buf, size_t cap);
int mtrpacket_fmt_overflow(char *buf, size_t cap);

#endif
