/* mtrpacket: the mtr-packet server (mtrpacket.h): lines in, probes out,
 * answers back. Parsing and wording are mtrpacket_cmd.c and mtrpacket_reply.c.
 * Tests: tests/unit/mtrpacket/test_mtrpacket.c tests/lab/t_mtrpacket.sh. */
#include "mtrpacket/mtrpacket.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/evloop.h"
#include "base/version.h"
#include "mtrpacket/mtrpacket_cmd.h"
#include "mtrpacket/mtrpacket_reply.h"
#include "probe/probe_one.h"

struct server {
	struct evloop *loop;
	struct probe_one *po;
	int in_fd, out_fd;
	int status;
	char in[MTRPACKET_LINE_MAX];
	size_t used;
};

static void emit(struct server *sv, const char *line, int len)
{
	if (len < 0 || sv->status < 0)
		return;
	size_t off = 0;
	while (off < (size_t)len) {
		ssize_t n = write(sv->out_fd, line + off, (size_t)len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sv->status = -1;
			evloop_stop(sv->loop);
			return;
		}
		off += (size_t)n;
	}
}

/* ---- answers ---------------------------------------------------------------- */

/* mtr-packet calls a port unreachable from the target a reply (the UDP probe
 * arrived); any other unreachable is no-route. */
static enum mtrpacket_word answer_word(const struct probe_one_answer *a)
{
	if (a->kind == PROBE_ONE_TTL_EXPIRED)
		return MTRPACKET_W_TTL_EXPIRED;
	if (a->kind != PROBE_ONE_UNREACHABLE)
		return MTRPACKET_W_REPLY;
	unsigned port_unreach = a->from.family == AF_INET6 ? 4 : 3;
	return a->from_target && a->icmp_code == port_unreach ? MTRPACKET_W_REPLY
	                                                       : MTRPACKET_W_NO_ROUTE;
}

static void on_answer(void *ctx, const struct probe_one_answer *a)
{
	struct server *sv = ctx;
	char line[MTRPACKET_LINE_MAX];
	long token = (long)(int64_t)a->cookie;
	if (a->kind == PROBE_ONE_NO_REPLY) {
		emit(sv, line, mtrpacket_fmt_word(line, sizeof(line), token, MTRPACKET_W_NO_REPLY));
		return;
	}
	uint64_t us = (uint64_t)(a->rtt_ns + 500) / 1000;
	emit(sv, line, mtrpacket_fmt_answer(line, sizeof(line), token, answer_word(a), &a->from,
	                                    us, a->mpls, a->n_mpls));
}

/* ---- commands ----------------------------------------------------------------- */

static bool family_ok(const struct server *sv, int family)
{
	for (int p = MODEL_PROTO_ICMP; p <= MODEL_PROTO_TCP; p++)
		if (probe_one_can(sv->po, (enum model_proto)p, family))
			return true;
	return false;
}

static bool proto_ok(const struct server *sv, enum model_proto proto)
{
	return probe_one_can(sv->po, proto, AF_INET) || probe_one_can(sv->po, proto, AF_INET6);
}

/* mark needs CAP_NET_ADMIN for every probe, which is gone after the drop. */
static const char *support_of(const struct server *sv, const char *feature)
{
	static const struct {
		const char *name;
		enum model_proto proto;
	} protos[] = { { "icmp", MODEL_PROTO_ICMP }, { "udp", MODEL_PROTO_UDP },
		       { "tcp", MODEL_PROTO_TCP } };
	if (strcmp(feature, "version") == 0)
		return HOPDOC_VERSION;
	if (strcmp(feature, "send-probe") == 0)
		return "ok";
	if (strcmp(feature, "ip-4") == 0 || strcmp(feature, "ip-6") == 0)
		return family_ok(sv, feature[3] == '4' ? AF_INET : AF_INET6) ? "ok" : "no";
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcmp(feature, protos[i].name) == 0)
			return proto_ok(sv, protos[i].proto) ? "ok" : "no";
	return "no";
}

static struct probe_one_req request_of(const struct mtrpacket_probe *p, unsigned ifindex)
{
	return (struct probe_one_req){ .dst = p->dst, .src = p->src, .ifindex = ifindex,
		                       .proto = p->proto, .ttl = p->ttl, .psize = p->size,
		                       .port = p->port, .local_port = p->local_port,
		                       .tos = p->tos, .pattern = (uint8_t)p->bit_pattern,
		                       .timeout_s = (double)p->timeout_s };
}

/* The line send-probe gets at once when the probe does not leave; 0 when it
 * left (its answer comes later). */
static int send_probe(struct server *sv, const struct mtrpacket_cmd *c, char *line, size_t cap)
{
	const struct mtrpacket_probe *p = &c->probe;
	if (!family_ok(sv, p->dst.family))
		return mtrpacket_fmt_invalid(line, cap, c->token, "ip-version-not-supported");
	if (!probe_one_can(sv->po, p->proto, p->dst.family))
		return mtrpacket_fmt_invalid(line, cap, c->token, "protocol-not-supported");
	if (p->mark)
		return mtrpacket_fmt_word(line, cap, c->token, MTRPACKET_W_PERMISSION_DENIED);
	unsigned ifindex = p->device[0] ? if_nametoindex(p->device) : 0;
	if (p->device[0] && !ifindex)
		return mtrpacket_fmt_errno(line, cap, c->token, errno);
	struct probe_one_req req = request_of(p, ifindex);
	int e = probe_one_send(sv->po, &req, (uint64_t)(int64_t)c->token);
	if (e == ENOSPC)
		return mtrpacket_fmt_word(line, cap, c->token, MTRPACKET_W_PROBES_EXHAUSTED);
	return e ? mtrpacket_fmt_errno(line, cap, c->token, e) : 0;
}

static int respond(struct server *sv, const struct mtrpacket_cmd *c, char *line, size_t cap)
{
	switch (c->verdict) {
	case MTRPACKET_SEND_PROBE:
		return send_probe(sv, c, line, cap);
	case MTRPACKET_CHECK_SUPPORT:
		return mtrpacket_fmt_feature(line, cap, c->token, support_of(sv, c->feature));
	case MTRPACKET_PARSE_ERROR:
		return mtrpacket_fmt_parse_error(line, cap);
	case MTRPACKET_UNKNOWN_COMMAND:
		return mtrpacket_fmt_word(line, cap, c->token, MTRPACKET_W_UNKNOWN_COMMAND);
	case MTRPACKET_NO_IP_VERSION:
		return mtrpacket_fmt_invalid(line, cap, c->token, "ip-version-not-supported");
	case MTRPACKET_NO_PROTOCOL:
		return mtrpacket_fmt_invalid(line, cap, c->token, "protocol-not-supported");
	case MTRPACKET_INVALID_ARGUMENT:
	default:
		return mtrpacket_fmt_word(line, cap, c->token, MTRPACKET_W_INVALID_ARGUMENT);
	}
}

static void run_line(struct server *sv, const char *text, size_t len)
{
	struct mtrpacket_cmd c;
	char line[MTRPACKET_LINE_MAX];
	mtrpacket_parse(text, len, &c);
	int n = respond(sv, &c, line, sizeof(line));
	if (n > 0)
		emit(sv, line, n);
}

/* ---- input -------------------------------------------------------------------- */

/* Runs every complete line; a buffer full without one is thrown away, as
 * mtr-packet does. */
static void run_lines(struct server *sv)
{
	size_t start = 0;
	char *nl;
	while (sv->status == 0 && (nl = memchr(sv->in + start, '\n', sv->used - start))) {
		run_line(sv, sv->in + start, (size_t)(nl - (sv->in + start)));
		start = (size_t)(nl - sv->in) + 1;
	}
	memmove(sv->in, sv->in + start, sv->used - start);
	sv->used -= start;
	if (sv->used >= sizeof(sv->in) - 1) {
		char line[64];
		emit(sv, line, mtrpacket_fmt_overflow(line, sizeof(line)));
		sv->used = 0;
	}
}

/* One read per wake-up: poll said there is something, so it cannot block. */
static void on_input(void *ctx, int fd, unsigned events)
{
	struct server *sv = ctx;
	(void)events;
	ssize_t n = read(fd, sv->in + sv->used, sizeof(sv->in) - 1 - sv->used);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* closed: mtr has gone */
		evloop_stop(sv->loop);
		return;
	}
	sv->used += (size_t)n;
	run_lines(sv);
}

int mtrpacket_serve(struct probe_sockets *const *sets, size_t n, int in_fd, int out_fd,
                    char *err, size_t errlen)
{
	struct server sv = { .in_fd = in_fd, .out_fd = out_fd };
	sv.loop = evloop_new();
	if (!sv.loop) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sv.po = probe_one_new(sets, n, sv.loop, on_answer, &sv, err, errlen);
	int rc = -1;
	if (sv.po && evloop_add_fd(sv.loop, in_fd, EVLOOP_READ, on_input, &sv) == 0) {
		evloop_run(sv.loop);
		rc = sv.status;
		if (rc < 0)
			snprintf(err, errlen, "writing replies: %s", strerror(errno));
	} else if (sv.po) {
		snprintf(err, errlen, "cannot watch the command input");
	}
	probe_one_free(sv.po);
	evloop_free(sv.loop);
	return rc;
}
