/* oneway_io: the stream's client and reflector over UDP. */
#include "oneway/oneway_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/evloop.h"
#include "oneway/oneway_clock.h"

/* ---- the client ----------------------------------------------------------- */

struct client {
	const struct oneway_client_opts *o;
	int fd;
	struct oneway_count *count;
	bool hello_back, refused;
	unsigned version; /* the newest a hello came back in (0: none yet) */
	struct oneway_clock mine;
	unsigned long errors;
};

static uint64_t now_ns(void)
{
	return (uint64_t)evloop_now_ns();
}

static void send_one(struct client *c, enum oneway_type type, uint32_t seq, unsigned version)
{
	struct oneway_stamp tx = oneway_clock_now();
	struct oneway_pkt p = { .version = version, .type = type, .client_seq = seq,
		                .client_tx_ns = tx.mono_ns, .client_tx_wall_ns = tx.wall_ns };
	/* No clock of ours in requests: the reflector never reads it, and a
	 * boot_id hash would name this host to anyone on the path. */
	unsigned char buf[ONEWAY_PKT_LEN];
	oneway_pkt_encode(&p, buf);
	if (send(c->fd, buf, sizeof(buf), 0) < 0)
		c->refused |= errno == ECONNREFUSED, c->errors++;
	else if (type == ONEWAY_REQUEST)
		oneway_count_sent(c->count, seq, tx);
}

/* Reads what is queued; the socket is connected, so only the reflector's
 * address and port reach it. */
static void drain_socket(struct client *c)
{
	unsigned char buf[ONEWAY_PKT_LEN + 1];
	struct oneway_pkt p;
	ssize_t n;
	while ((n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 || errno == ECONNREFUSED ||
	       errno == EINTR) {
		struct oneway_stamp rx = oneway_clock_now();
		if (n < 0) {
			c->refused |= errno == ECONNREFUSED;
			continue;
		}
		if (oneway_pkt_decode(buf, (size_t)n, &p) < 0)
			continue;
		if (p.of == ONEWAY_HELLO && p.type == ONEWAY_REFLECT) {
			c->hello_back = true;
			c->version = p.version > c->version ? p.version : c->version;
		} else
			(void)oneway_count_add(c->count, &p, rx);
	}
}

/* Waits until deadline (ns), reading reflections as they come. */
static void wait_until(struct client *c, uint64_t deadline)
{
	for (uint64_t t = now_ns(); t < deadline; t = now_ns()) {
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int ms = (int)((deadline - t + 999999) / 1000000);
		if (poll(&pfd, 1, ms) > 0)
			drain_socket(c);
	}
}

/* Hellos in this version and in version 1, which an older reflector
 * answers (it drops what it cannot read). The stream speaks the newest one
 * answered; a version-1 answer alone gets HELLO_MORE more rounds first, so
 * a lossy path does not cost a newer reflector its wall clocks. */
#define HELLO_MORE 5
static bool say_hello(struct client *c)
{
	uint64_t end = now_ns() + (uint64_t)(c->o->hello_max_s * 1e9);
	unsigned more = 0;
	for (uint32_t i = 0; c->version != ONEWAY_VERSION && more < HELLO_MORE && now_ns() < end; i++) {
		send_one(c, ONEWAY_HELLO, i, ONEWAY_VERSION);
		send_one(c, ONEWAY_HELLO, i, 1);
		uint64_t next = now_ns() + 50000000u;
		for (uint64_t t = now_ns(); c->version != ONEWAY_VERSION && t < next; t = now_ns())
			wait_until(c, t + 5000000u < next ? t + 5000000u : next);
		more += c->hello_back;
	}
	return c->hello_back;
}

static void stream(struct client *c)
{
	uint64_t t0 = now_ns(), step = (uint64_t)(c->o->interval_s * 1e9);
	for (uint32_t i = 0; i < c->o->count; i++) {
		wait_until(c, t0 + i * step);
		send_one(c, ONEWAY_REQUEST, i, c->version);
	}
	wait_until(c, now_ns() + (uint64_t)(c->o->drain_s * 1e9));
}

static int client_socket(const struct oneway_client_opts *o)
{
	int fd = socket(o->server.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)&o->server, o->server_len) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void server_text(const struct oneway_client_opts *o, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?", port[8] = "?";
	(void)getnameinfo((const struct sockaddr *)&o->server, o->server_len, host, sizeof(host), port,
	                  sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(buf, len, "UDP %s port %s", host, port);
}

int oneway_client_run(const struct oneway_client_opts *o, struct oneway_result *r, char *why,
                      size_t whylen)
{
	char where[INET6_ADDRSTRLEN + 24];
	server_text(o, where, sizeof(where));
	memset(r, 0, sizeof(*r));
	struct client c = { .o = o, .fd = client_socket(o), .count = oneway_count_new(o->count) };
	int rc = -1;
	oneway_clock_read(&c.mine);
	if (c.count)
		oneway_count_clock(c.count, &c.mine);
	if (c.fd < 0 || !c.count)
		snprintf(why, whylen, "cannot open a UDP socket to %s: %s", where, strerror(errno));
	else if (!say_hello(&c))
		snprintf(why, whylen, "%s %s in %.0f s", where,
		         c.refused ? "refused the stream (port unreachable: no reflector there)"
		                   : "never answered (a firewall drops the stream, or no reflector runs there)",
		         o->hello_max_s);
	else {
		if (o->on_stream)
			o->on_stream(o->ctx);
		stream(&c);
		struct oneway_clock after = c.mine;
		oneway_clock_refresh(&after); /* the bound as it stands at the end */
		oneway_clock_worse(&c.mine, &after);
		oneway_count_clock(c.count, &c.mine);
		oneway_count_result(c.count, r);
		rc = r->reflections > 0 ? 0 : -1;
		if (rc < 0)
			snprintf(why, whylen, "%s answered the hellos but none of %lu requests", where,
			         r->requests);
	}
	if (c.fd >= 0)
		close(c.fd);
	oneway_count_free(c.count);
	return rc;
}

/* ---- the reflector --------------------------------------------------------- */

int oneway_bind(const char *addr, unsigned port, char *err, size_t errlen)
{
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", port);
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
		                  .ai_socktype = SOCK_DGRAM }, *ai;
	if (port == 0 || port > 65535 || getaddrinfo(addr, ps, &hints, &ai) != 0)
		return snprintf(err, errlen, "UDP %s port %u: not a numeric address and port", addr, port), -1;
	int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, errlen, "UDP %s port %u: %s", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int oneway_bind_addr(const struct sockaddr *sa, socklen_t len, char *err, size_t errlen)
{
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), off = 0;
	if (fd >= 0 && sa->sa_family == AF_INET6) /* both families, as the TCP twin */
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fd < 0 || bind(fd, sa, len) < 0) {
		snprintf(err, errlen, "UDP: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct peer {
	unsigned char ip[16]; /* IPv4 as v4-mapped */
	int64_t until_ns;     /* 0: free slot */
	uint32_t requests, hellos;
};

struct oneway_refl {
	int fd;
	pthread_mutex_t lock;
	struct oneway_clock clock; /* this end's, as of the last allow */
	struct peer p[ONEWAY_REFL_PEERS];
};

/* Each datagram then carries the address it was sent to: a reflector bound
 * to a wildcard answers from it (reply_from), not from the address the
 * route to the peer would pick, which the client's connected socket (and
 * any stateful firewall on the way) would not take for the reflector's. On
 * a dual-stack socket IPV6_PKTINFO also covers IPv4 (v4-mapped). */
static int want_destinations(int fd)
{
	int on = 1, family = AF_UNSPEC;
	socklen_t len = sizeof(family);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len) < 0)
		return -1;
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
}

struct oneway_refl *oneway_refl_new(int fd)
{
	struct oneway_refl *r = want_destinations(fd) == 0 ? calloc(1, sizeof(*r)) : NULL;
	if (!r)
		return NULL;
	r->fd = fd;
	pthread_mutex_init(&r->lock, NULL);
	oneway_clock_read(&r->clock);
	return r;
}

void oneway_refl_free(struct oneway_refl *r)
{
	if (!r)
		return;
	close(r->fd);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* The address of sa as 16 bytes (IPv4 v4-mapped); -1 for other families. */
static int ip16(const struct sockaddr *sa, unsigned char ip[16])
{
	if (sa->sa_family == AF_INET6) {
		memcpy(ip, ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr, 16);
		return 0;
	}
	if (sa->sa_family != AF_INET)
		return -1;
	memset(ip, 0, 10);
	ip[10] = ip[11] = 0xff;
	memcpy(ip + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	return 0;
}

/* The peer's slot (locked), or NULL. */
static struct peer *find(struct oneway_refl *r, const unsigned char ip[16], int64_t now)
{
	for (size_t i = 0; i < ONEWAY_REFL_PEERS; i++)
		if (r->p[i].until_ns > now && memcmp(r->p[i].ip, ip, 16) == 0)
			return &r->p[i];
	return NULL;
}

int oneway_refl_allow(struct oneway_refl *r, const struct sockaddr *peer, int64_t until_ns)
{
	unsigned char ip[16];
	if (ip16(peer, ip) < 0)
		return -1;
	int64_t now = evloop_now_ns();
	struct oneway_clock clk;
	oneway_clock_read(&clk); /* fresh for each run: maxerror grows between syncs */
	pthread_mutex_lock(&r->lock);
	r->clock = clk;
	struct peer *p = find(r, ip, now);
	for (size_t i = 0; !p && i < ONEWAY_REFL_PEERS; i++)
		if (r->p[i].until_ns <= now)
			p = &r->p[i];
	if (p)
		*p = (struct peer){ .until_ns = until_ns }, memcpy(p->ip, ip, 16);
	pthread_mutex_unlock(&r->lock);
	return p ? 0 : -1;
}

void oneway_refl_forget(struct oneway_refl *r, const struct sockaddr *peer)
{
	unsigned char ip[16];
	if (ip16(peer, ip) < 0)
		return;
	pthread_mutex_lock(&r->lock);
	struct peer *p = find(r, ip, evloop_now_ns());
	if (p)
		p->until_ns = 0;
	pthread_mutex_unlock(&r->lock);
}

/* Whether q from ip may be answered; takes one of its budget, and gives the
 * reflector's sequence for a request. */
static bool admit(struct oneway_refl *r, const unsigned char ip[16], const struct oneway_pkt *q,
                  uint32_t *seq, struct oneway_clock *clk)
{
	pthread_mutex_lock(&r->lock);
	*clk = r->clock;
	struct peer *p = find(r, ip, evloop_now_ns());
	bool ok = false;
	if (p && q->type == ONEWAY_HELLO && p->hellos < ONEWAY_REFL_HELLOS)
		ok = true, p->hellos++, *seq = 0;
	else if (p && q->type == ONEWAY_REQUEST && p->requests < ONEWAY_MAX_COUNT)
		ok = true, *seq = p->requests++;
	pthread_mutex_unlock(&r->lock);
	return ok;
}

/* A datagram's destination, as the control message that makes it the
 * source of the answer; len 0 when the kernel gave none (level 0 is
 * IPPROTO_IP). */
struct reply_src {
	union {
		struct in_pktinfo v4;
		struct in6_pktinfo v6;
	} pi;
	int level, type;
	size_t len;
};

static void reply_src_of(struct msghdr *m, struct reply_src *rs)
{
	rs->len = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* the header's destination, not ipi_spec_dst (which names the
			 * interface's address for a broadcast): exactly the address asked */
			rs->pi.v4 = (struct in_pktinfo){ .ipi_spec_dst = pi.ipi_addr };
			rs->level = IPPROTO_IP, rs->type = IP_PKTINFO, rs->len = sizeof(pi);
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* the interface only where the address needs it: otherwise the
			 * route to the peer chooses the way out */
			if (!IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
				pi.ipi6_ifindex = 0;
			rs->pi.v6 = pi;
			rs->level = IPPROTO_IPV6, rs->type = IPV6_PKTINFO, rs->len = sizeof(pi);
		}
	}
}

union ctl_buf { /* room for either kind, should both ever come */
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

static ssize_t recv_with_dst(int fd, unsigned char *buf, size_t len, struct sockaddr_storage *from,
                             socklen_t *flen, struct reply_src *rs)
{
	union ctl_buf ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_name = from, .msg_namelen = sizeof(*from), .msg_iov = &iov,
		            .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n = recvmsg(fd, &m, MSG_DONTWAIT);
	*flen = m.msg_namelen;
	if (n >= 0)
		reply_src_of(&m, rs);
	return n;
}

/* Sends buf to `to` from the address its request was sent to. */
static void reply_from(int fd, unsigned char *buf, size_t len, struct sockaddr_storage *to,
                       socklen_t tolen, const struct reply_src *rs)
{
	union ctl_buf ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_name = to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1 };
	if (rs->len) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(rs->len);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = rs->level;
		c->cmsg_type = rs->type;
		c->cmsg_len = CMSG_LEN(rs->len);
		memcpy(CMSG_DATA(c), &rs->pi, rs->len);
	}
	(void)sendmsg(fd, &m, 0);
}

static bool answer_one(struct oneway_refl *r)
{
	unsigned char buf[ONEWAY_PKT_LEN + 1], ip[16];
	struct sockaddr_storage from;
	socklen_t flen;
	struct reply_src rs;
	ssize_t n = recv_with_dst(r->fd, buf, sizeof(buf), &from, &flen, &rs);
	struct oneway_stamp rx = oneway_clock_now();
	struct oneway_pkt q, a;
	struct oneway_clock clk;
	uint32_t seq;
	if (n < 0)
		return false;
	if (ip16((const struct sockaddr *)&from, ip) < 0 || oneway_pkt_decode(buf, (size_t)n, &q) < 0 ||
	    q.type == ONEWAY_REFLECT || !admit(r, ip, &q, &seq, &clk))
		return true; /* dropped unanswered */
	oneway_clock_refresh(&clk); /* the bound grows between syncs: as it is now */
	oneway_pkt_reflect(&q, seq, rx, oneway_clock_now(), &clk, &a);
	oneway_pkt_encode(&a, buf);
	reply_from(r->fd, buf, ONEWAY_PKT_LEN, &from, flen, &rs);
	return true;
}

void oneway_refl_serve(struct oneway_refl *r, int timeout_ms)
{
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	for (int i = 0; i < 64 && answer_one(r); i++) /* a burst, then the caller's checks */
		;
}
