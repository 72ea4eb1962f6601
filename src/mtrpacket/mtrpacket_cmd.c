/* mtrpacket_cmd: the command parser of mtr-packet's protocol (mtrpacket_cmd.h).
 * Tests: tests/unit/mtrpacket/test_mtrpacket_cmd.c fuzz/fuzz_mtrpacket.c. */
#include "mtrpacket/mtrpacket_cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* One word of the line: where it starts and how long it is. */
struct word {
	const char *s;
	size_t len;
};

#define MAX_WORDS (2 + 2 * MTRPACKET_MAX_PAIRS)

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Splits line into words; -1 when there are more than MAX_WORDS. */
static int split(const char *line, size_t len, struct word *w)
{
	int n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && is_space(line[i]))
			i++;
		if (i == len)
			break;
		if (n == MAX_WORDS)
			return -1;
		w[n].s = line + i;
		while (i < len && !is_space(line[i]))
			i++;
		w[n].len = (size_t)(line + i - w[n].s);
		n++;
	}
	return n;
}

static bool word_is(const struct word *w, const char *lit)
{
	return w->len == strlen(lit) && memcmp(w->s, lit, w->len) == 0;
}

/* A decimal integer in [lo, hi], the whole word (an optional '-' sign). */
static bool word_long(const struct word *w, long lo, long hi, long *out)
{
	char buf[24];
	if (w->len == 0 || w->len >= sizeof(buf))
		return false;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	if (!(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return false;
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (errno || *end || end == buf || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool word_unsigned(const struct word *w, long lo, long hi, unsigned *out)
{
	long v;
	if (!word_long(w, lo, hi, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

static bool word_addr(const struct word *w, int family, struct model_addr *a)
{
	char buf[64];
	if (w->len == 0 || w->len >= sizeof(buf))
		return false;
	memcpy(buf, w->s, w->len);
	buf[w->len] = '\0';
	return model_addr_parse(buf, a) == 0 && a->family == family;
}

static bool word_copy(const struct word *w, char *out, size_t cap)
{
	if (w->len == 0 || w->len >= cap)
		return false;
	memcpy(out, w->s, w->len);
	out[w->len] = '\0';
	return true;
}

/* protocol VALUE: false for a name mtr-packet does not know; sctp is known
 * but not supported here. */
static bool decode_protocol(const struct word *v, struct mtrpacket_cmd *cmd)
{
	if (word_is(v, "icmp"))
		cmd->probe.proto = MODEL_PROTO_ICMP;
	else if (word_is(v, "udp"))
		cmd->probe.proto = MODEL_PROTO_UDP;
	else if (word_is(v, "tcp"))
		cmd->probe.proto = MODEL_PROTO_TCP;
	else if (word_is(v, "sctp"))
		cmd->verdict = MTRPACKET_NO_PROTOCOL;
	else
		return false;
	return true;
}

static bool decode_number(const struct word *n, const struct word *v, struct mtrpacket_probe *p)
{
	long mark;
	if (word_is(n, "ttl"))
		return word_unsigned(v, 1, 255, &p->ttl);
	if (word_is(n, "size"))
		return word_unsigned(v, 0, 65535, &p->size);
	if (word_is(n, "timeout"))
		return word_unsigned(v, 0, 86400, &p->timeout_s);
	if (word_is(n, "port"))
		return word_unsigned(v, 0, 65535, &p->port);
	/* mtr-packet refuses ports that need privileged binding. */
	if (word_is(n, "local-port"))
		return word_unsigned(v, 1024, 65535, &p->local_port);
	if (word_is(n, "tos"))
		return word_unsigned(v, 0, 255, &p->tos);
	if (word_is(n, "bit-pattern"))
		return word_unsigned(v, 0, 255, &p->bit_pattern);
	if (word_is(n, "mark") && word_long(v, 0, (long)UINT32_MAX, &mark)) {
		p->mark = (unsigned long)mark;
		return true;
	}
	return false;
}

/* One NAME VALUE pair of send-probe; false makes the line an invalid argument. */
static bool decode_pair(const struct word *n, const struct word *v, struct mtrpacket_cmd *cmd)
{
	struct mtrpacket_probe *p = &cmd->probe;
	if (word_is(n, "ip-4"))
		return word_addr(v, AF_INET, &p->dst);
	if (word_is(n, "ip-6"))
		return word_addr(v, AF_INET6, &p->dst);
	if (word_is(n, "local-ip-4"))
		return word_addr(v, AF_INET, &p->src);
	if (word_is(n, "local-ip-6"))
		return word_addr(v, AF_INET6, &p->src);
	if (word_is(n, "local-device"))
		return word_copy(v, p->device, sizeof(p->device));
	if (word_is(n, "protocol"))
		return decode_protocol(v, cmd);
	return decode_number(n, v, p);
}

static enum mtrpacket_verdict parse_send_probe(const struct word *w, int n,
                                               struct mtrpacket_cmd *cmd)
{
	cmd->probe = (struct mtrpacket_probe){ .proto = MODEL_PROTO_ICMP, .ttl = 255, .size = 64,
		                               .timeout_s = 10 };
	cmd->verdict = MTRPACKET_SEND_PROBE;
	for (int i = 2; i < n; i += 2)
		if (!decode_pair(&w[i], &w[i + 1], cmd))
			return cmd->verdict = MTRPACKET_INVALID_ARGUMENT;
	if (cmd->verdict != MTRPACKET_SEND_PROBE)
		return cmd->verdict;
	const struct mtrpacket_probe *p = &cmd->probe;
	if (p->dst.family == AF_UNSPEC)
		return cmd->verdict = MTRPACKET_NO_IP_VERSION;
	if (p->src.family != AF_UNSPEC && p->src.family != p->dst.family)
		return cmd->verdict = MTRPACKET_INVALID_ARGUMENT;
	return cmd->verdict;
}

static enum mtrpacket_verdict parse_check_support(const struct word *w, int n,
                                                  struct mtrpacket_cmd *cmd)
{
	for (int i = 2; i < n; i += 2) {
		if (!word_is(&w[i], "feature") ||
		    !word_copy(&w[i + 1], cmd->feature, sizeof(cmd->feature)))
			return cmd->verdict = MTRPACKET_INVALID_ARGUMENT;
	}
	if (!cmd->feature[0])
		return cmd->verdict = MTRPACKET_INVALID_ARGUMENT;
	return cmd->verdict = MTRPACKET_CHECK_SUPPORT;
}

enum mtrpacket_verdict mtrpacket_parse(const char *line, size_t len, struct mtrpacket_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->verdict = MTRPACKET_PARSE_ERROR;
	struct word w[MAX_WORDS];
	int n = memchr(line, '\0', len) ? -1 : split(line, len, w);
	/* A token, a command, and whole NAME VALUE pairs (mtr's parse_command). */
	if (n < 2 || n % 2 != 0 || !word_long(&w[0], INT_MIN, INT_MAX, &cmd->token)) {
		cmd->token = 0;
		return cmd->verdict;
	}
	if (word_is(&w[1], "send-probe"))
		return parse_send_probe(w, n, cmd);
	if (word_is(&w[1], "check-support"))
		return parse_check_support(w, n, cmd);
	return cmd->verdict = MTRPACKET_UNKNOWN_COMMAND;
}
