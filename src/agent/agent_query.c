/* agent_query: parameters of GET /v1/trace, each bounded. */
#include "agent/agent_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SEEN_CYCLES = 1, SEEN_INTERVAL = 2, SEEN_PROTO = 4, SEEN_PORT = 8 };

void agent_bounds_default(struct agent_bounds *b)
{
	b->max_cycles = 60;
	b->min_interval_s = 1.0;
	b->max_interval_s = 10.0;
}

void agent_query_init(struct agent_trace_req *r, const struct agent_bounds *b)
{
	memset(r, 0, sizeof(*r));
	r->cycles = b->max_cycles < 10 ? b->max_cycles : 10;
	r->interval_s = b->min_interval_s > 1.0 ? b->min_interval_s : 1.0;
	r->proto = MODEL_PROTO_ICMP;
}

static int bad(char *err, size_t errlen, const char *key, const char *what)
{
	snprintf(err, errlen, "%s: %s", key, what);
	return -1;
}

/* Digits only, no sign, no junk, in [lo, hi]. */
static int take_ulong(const char *v, unsigned long lo, unsigned long hi, unsigned long *out)
{
	if (v[0] < '0' || v[0] > '9' || strlen(v) > 10)
		return -1;
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* A plain decimal ("1", "0.5"): no sign, exponent, hex, inf or nan. */
static int take_seconds(const char *v, double lo, double hi, double *out)
{
	if (strlen(v) > 12 || strspn(v, "0123456789.") != strlen(v) || v[0] == '\0')
		return -1;
	char *end;
	double d = strtod(v, &end);
	if (*end || !isfinite(d) || d < lo || d > hi)
		return -1;
	*out = d;
	return 0;
}

static int take_proto(const char *v, enum model_proto *p)
{
	if (strcmp(v, "icmp") == 0)
		*p = MODEL_PROTO_ICMP;
	else if (strcmp(v, "udp") == 0)
		*p = MODEL_PROTO_UDP;
	else if (strcmp(v, "tcp") == 0)
		*p = MODEL_PROTO_TCP;
	else
		return -1;
	return 0;
}

static int seen_once(struct agent_trace_req *r, unsigned bit, const char *key, char *err,
                     size_t errlen)
{
	if (r->seen & bit)
		return bad(err, errlen, key, "given twice");
	r->seen |= bit;
	return 0;
}

int agent_query_pair(struct agent_trace_req *r, const struct agent_bounds *b, const char *key,
                     const char *value, char *err, size_t errlen)
{
	unsigned long n;
	if (!value || !value[0])
		return bad(err, errlen, key, "needs a value");
	if (strcmp(key, "cycles") == 0) {
		if (seen_once(r, SEEN_CYCLES, key, err, errlen) < 0)
			return -1;
		if (take_ulong(value, 1, b->max_cycles, &n) < 0)
			return bad(err, errlen, key, "expected a whole number within the agent's bounds");
		r->cycles = n;
	} else if (strcmp(key, "interval") == 0) {
		if (seen_once(r, SEEN_INTERVAL, key, err, errlen) < 0)
			return -1;
		if (take_seconds(value, b->min_interval_s, b->max_interval_s, &r->interval_s) < 0)
			return bad(err, errlen, key, "expected seconds within the agent's bounds");
	} else if (strcmp(key, "proto") == 0) {
		if (seen_once(r, SEEN_PROTO, key, err, errlen) < 0)
			return -1;
		if (take_proto(value, &r->proto) < 0)
			return bad(err, errlen, key, "expected icmp, udp or tcp");
	} else if (strcmp(key, "port") == 0) {
		if (seen_once(r, SEEN_PORT, key, err, errlen) < 0)
			return -1;
		if (take_ulong(value, 1, 65535, &n) < 0)
			return bad(err, errlen, key, "expected 1 to 65535");
		r->port = (unsigned)n;
	} else {
		/* target, host, dst, ip, ... and typos: the agent traces the peer only */
		return bad(err, errlen, "unknown parameter", "the agent traces back to you only");
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes of s into out (cap bytes with its NUL); '+' is a space.
 * A NUL byte, a bad %XX or an overlong part fails. */
static int decode(const char *s, size_t len, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(s[i + 1]) : -1, lo = hi >= 0 ? hexval(s[i + 2]) : -1;
			if (lo < 0)
				return -1;
			c = hi * 16 + lo, i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0 || k + 1 >= cap)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

static int parse_one(struct agent_trace_req *r, const struct agent_bounds *b, const char *p,
                     size_t n, char *err, size_t errlen)
{
	char key[64], value[64];
	const char *eq = memchr(p, '=', n);
	size_t klen = eq ? (size_t)(eq - p) : n;
	if (decode(p, klen, key, sizeof(key)) < 0)
		return bad(err, errlen, "query", "a parameter name is malformed or too long");
	if (!eq)
		return agent_query_pair(r, b, key, NULL, err, errlen);
	if (decode(eq + 1, n - klen - 1, value, sizeof(value)) < 0)
		return bad(err, errlen, key, "the value is malformed or too long");
	return agent_query_pair(r, b, key, value, err, errlen);
}

int agent_query_parse(struct agent_trace_req *r, const struct agent_bounds *b, const char *qs,
                      size_t len, char *err, size_t errlen)
{
	if (len > AGENT_QUERY_MAX)
		return bad(err, errlen, "query", "too long");
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(qs + i, '&', len - i);
		size_t n = amp ? (size_t)(amp - (qs + i)) : len - i;
		if (n == 0)
			return bad(err, errlen, "query", "an empty parameter");
		if (parse_one(r, b, qs + i, n, err, errlen) < 0)
			return -1;
		i += n + 1;
		if (amp && i == len)
			return bad(err, errlen, "query", "an empty parameter");
	}
	return 0;
}

bool agent_header_names_address(const char *name)
{
	static const char *const names[] = {
		"X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Client-IP", "X-Originating-IP",
		"True-Client-IP", "CF-Connecting-IP", "X-Forwarded-Host", "X-Cluster-Client-IP",
		"Client-IP", "X-Forwarded", "Forwarded-For",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}
