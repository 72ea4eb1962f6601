/* mtrpacket_reply: reply lines of mtr-packet's protocol (mtrpacket_reply.h).
 * Tests: tests/unit/mtrpacket/test_mtrpacket_reply.c. */
#include "mtrpacket/mtrpacket_reply.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

static const char *const words[] = {
	[MTRPACKET_W_REPLY] = "reply",
	[MTRPACKET_W_TTL_EXPIRED] = "ttl-expired",
	[MTRPACKET_W_NO_ROUTE] = "no-route",
	[MTRPACKET_W_NO_REPLY] = "no-reply",
	[MTRPACKET_W_NETWORK_DOWN] = "network-down",
	[MTRPACKET_W_PROBES_EXHAUSTED] = "probes-exhausted",
	[MTRPACKET_W_PERMISSION_DENIED] = "permission-denied",
	[MTRPACKET_W_ADDRESS_IN_USE] = "address-in-use",
	[MTRPACKET_W_ADDRESS_NOT_AVAILABLE] = "address-not-available",
	[MTRPACKET_W_INVALID_ARGUMENT] = "invalid-argument",
	[MTRPACKET_W_UNKNOWN_COMMAND] = "unknown-command",
};

const char *mtrpacket_word_text(enum mtrpacket_word w)
{
	if ((size_t)w >= sizeof(words) / sizeof(words[0]))
		return "unexpected-error";
	return words[w];
}

/* Appends to buf at *len; -1 once anything did not fit. */
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	if (*len >= cap)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

static int done(size_t len, int rc)
{
	return rc < 0 ? -1 : (int)len;
}

int mtrpacket_fmt_word(char *buf, size_t cap, long token, enum mtrpacket_word w)
{
	size_t len = 0;
	return done(len, put(buf, cap, &len, "%ld %s\n", token, mtrpacket_word_text(w)));
}

static int put_mpls(char *buf, size_t cap, size_t *len, const struct model_mpls *m, unsigned n)
{
	int rc = n ? put(buf, cap, len, " mpls ") : 0;
	for (unsigned i = 0; i < n && rc == 0; i++)
		rc = put(buf, cap, len, "%s%u,%u,%u,%u", i ? "," : "", (unsigned)m[i].label,
		         (unsigned)m[i].tc, (unsigned)m[i].s, (unsigned)m[i].ttl);
	return rc;
}

int mtrpacket_fmt_answer(char *buf, size_t cap, long token, enum mtrpacket_word w,
                         const struct model_addr *from, uint64_t rtt_us,
                         const struct model_mpls *mpls, unsigned n_mpls)
{
	char addr[64];
	if (from->family != AF_INET && from->family != AF_INET6)
		return -1;
	model_addr_text(from, addr, sizeof(addr));
	size_t len = 0;
	int rc = put(buf, cap, &len, "%ld %s %s %s round-trip-time %llu", token,
	             mtrpacket_word_text(w), from->family == AF_INET6 ? "ip-6" : "ip-4", addr,
	             (unsigned long long)rtt_us);
	if (rc == 0)
		rc = put_mpls(buf, cap, &len, mpls, n_mpls < MODEL_MAX_MPLS ? n_mpls : MODEL_MAX_MPLS);
	if (rc == 0)
		rc = put(buf, cap, &len, "\n");
	return done(len, rc);
}

int mtrpacket_fmt_invalid(char *buf, size_t cap, long token, const char *reason)
{
	size_t len = 0;
	return done(len, put(buf, cap, &len, "%ld invalid-argument reason %s\n", token, reason));
}

int mtrpacket_fmt_feature(char *buf, size_t cap, long token, const char *present)
{
	size_t len = 0;
	return done(len, put(buf, cap, &len, "%ld feature-support support %s\n", token, present));
}

static int errno_word(int e)
{
	switch (e) {
	case EINVAL: return MTRPACKET_W_INVALID_ARGUMENT;
	case ENETDOWN: return MTRPACKET_W_NETWORK_DOWN;
	case ENETUNREACH:
	case EHOSTUNREACH: return MTRPACKET_W_NO_ROUTE;
	case EPERM:
	case EACCES: return MTRPACKET_W_PERMISSION_DENIED;
	case EADDRINUSE: return MTRPACKET_W_ADDRESS_IN_USE;
	case EADDRNOTAVAIL: return MTRPACKET_W_ADDRESS_NOT_AVAILABLE;
	default: return -1;
	}
}

int mtrpacket_fmt_errno(char *buf, size_t cap, long token, int e)
{
	int w = errno_word(e);
	if (w >= 0)
		return mtrpacket_fmt_word(buf, cap, token, (enum mtrpacket_word)w);
	size_t len = 0;
	return done(len, put(buf, cap, &len, "%ld unexpected-error errno %d\n", token, e));
}

int mtrpacket_fmt_parse_error(char *buf, size_t cap)
{
	size_t len = 0;
	return done(len, put(buf, cap, &len, "0 command-parse-error\n"));
}

int mtrpacket_fmt_overflow(char *buf, size_t cap)
{
	size_t len = 0;
	return done(len, put(buf, cap, &len, "0 command-buffer-overflow\n"));
}
