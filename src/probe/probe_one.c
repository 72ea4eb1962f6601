/* probe_one: single probes on the engine's sockets (probe_one.h).
 * Every probe has a 15-bit wire sequence unique among those in flight (the
 * same space packet.h gives a trace) and a flow: the packet_flow its bytes
 * and its replies' quotes are built and matched with. Probes to the same
 * target with the same shape share a flow, so a reply is matched against the
 * few flows in flight (usually one: mtr probes one target), never guessed.
 * Tests: tests/unit/probe/test_probe_one.c tests/lab/t_mtrpacket.sh. */
#include "probe/probe_one.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe_clock.h"
#include "probe/probe_int.h"

#define RING 4096u             /* TX stamp keys remembered per sender socket */
#define MAX_WATCH 12           /* 3 protocols x 2 families x (ICMP socket, sender) */
/* As in probe_rx.c: a stamp outside its sendmsg window names no probe. */
#define TX_SLACK_BEFORE_NS 5000
#define TX_SLACK_AFTER_NS 200000

/* A socket on the loop: whose it is and what arrives on it. */
struct watch {
	struct probe_one *po;
	struct probe_socks *s;
	int family;
	enum model_proto proto;     /* the set's protocol */
	bool sender;                /* the set's sender (TX stamps; TCP replies) */
	struct tx_entry *ring;      /* TX stamp keys of the socket that sends */
};

struct tx_entry {
	uint64_t serial;            /* the probe's; 0 free */
	int64_t before_ns, after_ns;
	uint16_t wseq;
};

struct flow {
	struct packet_flow f;
	unsigned users;             /* probes in flight on it; 0 free */
};

struct slot {
	struct probe_one *po;
	uint64_t cookie, serial;    /* serial 0: free */
	int64_t sent_ns;
	evloop_timer_id timer;
	struct watch *stamps;       /* where its TX stamp comes; NULL none */
	uint16_t wseq;
	uint8_t flow;
};

struct probe_one {
	struct evloop *loop;
	probe_one_fn fn;
	void *ctx;
	struct probe_sockets *set[3];   /* by enum model_proto */
	struct watch watch[MAX_WATCH];
	size_t n_watch;
	struct flow flows[PROBE_ONE_MAX_FLOWS];
	struct slot *slots;             /* PACKET_SEQ_SPACE */
	unsigned inflight;
	uint16_t next_wseq;
	uint64_t next_serial;
	uint16_t ident;
	uint8_t *txbuf;                 /* PACKET_MAX */
};

/* ---- flows ------------------------------------------------------------------ */

static bool flow_same(const struct packet_flow *a, const struct packet_flow *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       model_addr_equal(&a->src, &b->src) && model_addr_equal(&a->dst, &b->dst) &&
	       a->ident == b->ident && a->local_port == b->local_port &&
	       a->remote_port == b->remote_port && a->psize == b->psize &&
	       a->pattern == b->pattern;
}

/* The index of f's flow, made when new; -1 when every flow is in use. */
static int flow_get(struct probe_one *po, const struct packet_flow *f)
{
	int free_at = -1;
	for (int i = 0; i < PROBE_ONE_MAX_FLOWS; i++) {
		if (po->flows[i].users && flow_same(&po->flows[i].f, f))
			return i;
		if (!po->flows[i].users && free_at < 0)
			free_at = i;
	}
	if (free_at >= 0)
		po->flows[free_at].f = *f;
	return free_at;
}

/* ---- answers ------------------------------------------------------------------ */

static void slot_release(struct slot *sl)
{
	struct probe_one *po = sl->po;
	if (sl->timer)
		evloop_cancel_timer(po->loop, sl->timer);
	sl->timer = 0;
	po->flows[sl->flow].users--;
	sl->serial = 0;
	po->inflight--;
}

/* The slot is free again before the consumer hears of it, so the consumer
 * may send from its callback. */
static void answer(struct slot *sl, struct probe_one_answer *a)
{
	struct probe_one *po = sl->po;
	a->cookie = sl->cookie;
	slot_release(sl);
	po->fn(po->ctx, a);
}

static void on_timeout(void *ctx)
{
	struct slot *sl = ctx;
	sl->timer = 0;
	struct probe_one_answer a = { .kind = PROBE_ONE_NO_REPLY };
	answer(sl, &a);
}

/* ---- TX stamps ---------------------------------------------------------------- */

static void apply_tx_stamp(struct watch *w, uint32_t key, const struct timespec *rt)
{
	const struct tx_entry *t = &w->ring[key % RING];
	struct slot *sl = &w->po->slots[t->wseq];
	if (!t->serial || sl->serial != t->serial)
		return; /* answered already, or a key out of step */
	int64_t tx_ns = probe_clock_mono_ns(rt);
	if (tx_ns < t->before_ns - TX_SLACK_BEFORE_NS || tx_ns > t->after_ns + TX_SLACK_AFTER_NS)
		return;
	sl->sent_ns = tx_ns;
	sl->stamps = NULL;
}

/* Reads every TX stamp queued on the watch's sending socket. */
static void read_tx_stamps(struct watch *w, int fd)
{
	uint32_t key = 0;
	struct timespec stamp;
	int got;
	while ((got = probe_rx_read_tx_stamp(fd, &key, &stamp)) >= 0)
		if (got)
			apply_tx_stamp(w, key, &stamp);
}

static int sender_fd(const struct watch *w)
{
	return w->proto == MODEL_PROTO_ICMP ? w->s->icmp : w->s->send;
}

/* ---- replies ------------------------------------------------------------------ */

static enum probe_one_kind kind_of(enum packet_kind k)
{
	if (k == PACKET_TIME_EXCEEDED)
		return PROBE_ONE_TTL_EXPIRED;
	if (k == PACKET_UNREACHABLE)
		return PROBE_ONE_UNREACHABLE;
	return PROBE_ONE_REPLY;
}

static void deliver(struct slot *sl, const struct packet_reply *r, enum packet_match m,
                    int64_t rx_ns)
{
	if (sl->stamps) /* its stamp may still wait on another socket */
		read_tx_stamps(sl->stamps, sender_fd(sl->stamps));
	int64_t rtt = rx_ns - sl->sent_ns;
	struct probe_one_answer a = { .kind = kind_of(r->kind), .from = r->from,
		                      .from_target = m == PACKET_FROM_TARGET,
		                      .icmp_code = r->code, .rtt_ns = rtt > 0 ? rtt : 0 };
	a.n_mpls = r->n_mpls < MODEL_MAX_MPLS ? r->n_mpls : MODEL_MAX_MPLS;
	memcpy(a.mpls, r->mpls, a.n_mpls * sizeof(a.mpls[0]));
	answer(sl, &a);
}

/* Which probe in flight r answers, through the flows in flight: a reply
 * that matches a flow must also name a probe of that flow. */
static void match_reply(struct probe_one *po, const struct packet_reply *r, int64_t rx_ns)
{
	for (int i = 0; i < PROBE_ONE_MAX_FLOWS; i++) {
		if (!po->flows[i].users || po->flows[i].f.family != r->family)
			continue;
		uint16_t wseq;
		enum packet_match m = packet_match(&po->flows[i].f, r, &wseq);
		if (m == PACKET_NOT_OURS || wseq >= PACKET_SEQ_SPACE)
			continue;
		struct slot *sl = &po->slots[wseq];
		if (!sl->serial || sl->flow != i)
			continue;
		/* "Too big" answers no TTL: the probe is lost, as in the engine. */
		if (m != PACKET_TOO_BIG_AT_HOP)
			deliver(sl, r, m, rx_ns);
		return;
	}
}

static void handle_datagram(void *ctx, uint8_t proto, const uint8_t *buf, size_t len,
                            const struct sockaddr_storage *from, int64_t rx_ns)
{
	struct watch *w = ctx;
	struct packet_rx rx = { .family = w->family, .proto = proto,
		                .ip_header = w->family == AF_INET };
	model_addr_from_sockaddr((const struct sockaddr *)from, &rx.from);
	struct packet_reply r;
	if (packet_parse(&rx, buf, len, &r) == 0)
		match_reply(w->po, &r, rx_ns);
}

static void on_fd(void *ctx, int fd, unsigned events)
{
	struct watch *w = ctx;
	bool carries_stamps = w->sender || w->proto == MODEL_PROTO_ICMP;
	if ((events & EVLOOP_ERROR) && carries_stamps && w->s->tx_stamps)
		read_tx_stamps(w, fd);
	if (w->sender && w->proto == MODEL_PROTO_UDP)
		return; /* the UDP sender receives nothing else */
	uint8_t proto = (uint8_t)(w->sender ? IPPROTO_TCP : probe_icmp_proto(w->family));
	if (events & EVLOOP_READ)
		while (probe_rx_read(fd, proto, handle_datagram, w, NULL) == PROBE_RX_BATCH)
			;
}

/* ---- setup ------------------------------------------------------------------ */

static int add_watch(struct probe_one *po, struct probe_socks *s, int family,
                     enum model_proto proto, bool sender)
{
	struct watch *w = &po->watch[po->n_watch++];
	*w = (struct watch){ .po = po, .s = s, .family = family, .proto = proto, .sender = sender };
	if (sender || proto == MODEL_PROTO_ICMP) {
		w->ring = calloc(RING, sizeof(*w->ring));
		if (!w->ring)
			return -1;
	}
	return evloop_add_fd(po->loop, sender ? s->send : s->icmp, EVLOOP_READ, on_fd, w);
}

/* The sender goes first: the loop dispatches in order, so a late TX stamp is
 * read before a reply that came in the same wake-up. */
static int watch_set(struct probe_one *po, struct probe_sockets *set)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	for (size_t i = 0; i < 2; i++) {
		struct probe_socks *s = &set->fam[i];
		if (s->icmp < 0 || s->dgram)
			continue;
		if (s->send >= 0 && add_watch(po, s, families[i], set->proto, true) < 0)
			return -1;
		if (add_watch(po, s, families[i], set->proto, false) < 0)
			return -1;
		probe_sock_drain(s);
	}
	return 0;
}

struct probe_one *probe_one_new(struct probe_sockets *const *sets, size_t n,
                                struct evloop *loop, probe_one_fn fn, void *ctx, char *err,
                                size_t errlen)
{
	struct probe_one *po = calloc(1, sizeof(*po));
	if (!po || !(po->slots = calloc(PACKET_SEQ_SPACE, sizeof(*po->slots))) ||
	    !(po->txbuf = malloc(PACKET_MAX))) {
		probe_one_free(po);
		probe_set_err(err, errlen, "out of memory");
		return NULL;
	}
	*po = (struct probe_one){ .loop = loop, .fn = fn, .ctx = ctx, .slots = po->slots,
		                  .txbuf = po->txbuf, .next_serial = 1,
		                  .ident = (uint16_t)(1024 + (unsigned)getpid() % (65536u - 1024u)) };
	for (size_t i = 0; i < n; i++) {
		if (!sets[i] || po->set[sets[i]->proto])
			continue;
		po->set[sets[i]->proto] = sets[i];
		if (watch_set(po, sets[i]) < 0) {
			probe_one_free(po);
			probe_set_err(err, errlen, "cannot watch the probe sockets");
			return NULL;
		}
	}
	return po;
}

void probe_one_free(struct probe_one *po)
{
	if (!po)
		return;
	for (size_t i = 0; i < po->n_watch; i++) {
		struct watch *w = &po->watch[i];
		evloop_del_fd(po->loop, w->sender ? w->s->send : w->s->icmp);
		free(w->ring);
	}
	for (size_t i = 0; po->slots && i < PACKET_SEQ_SPACE; i++)
		if (po->slots[i].timer)
			evloop_cancel_timer(po->loop, po->slots[i].timer);
	free(po->slots);
	free(po->txbuf);
	free(po);
}

static struct probe_socks *socks_for(const struct probe_one *po, enum model_proto proto,
                                     int family)
{
	if ((unsigned)proto > MODEL_PROTO_TCP || !po->set[proto] ||
	    (family != AF_INET && family != AF_INET6))
		return NULL;
	struct probe_socks *s = &po->set[proto]->fam[probe_fam_index(family)];
	return s->icmp >= 0 && !s->dgram ? s : NULL;
}

bool probe_one_can(const struct probe_one *po, enum model_proto proto, int family)
{
	return socks_for(po, proto, family) != NULL;
}

unsigned probe_one_inflight(const struct probe_one *po)
{
	return po->inflight;
}

/* ---- sending ------------------------------------------------------------------ */

/* The source the kernel would choose towards dst (nothing is sent). */
static int route_source(const struct probe_socks *s, const struct model_addr *dst,
                        struct model_addr *src)
{
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)model_addr_to_sockaddr(dst, 33434, &ss);
	if (connect(s->route, (struct sockaddr *)&ss, len) < 0)
		return -1;
	len = sizeof(ss);
	if (getsockname(s->route, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	model_addr_from_sockaddr((struct sockaddr *)&ss, src);
	return 0;
}

static int make_flow(const struct probe_one *po, const struct probe_socks *s,
                     const struct probe_one_req *q, struct packet_flow *f)
{
	*f = (struct packet_flow){ .family = q->dst.family, .proto = q->proto, .dst = q->dst,
		                   .src = q->src, .ident = po->ident,
		                   .local_port = (uint16_t)q->local_port,
		                   .remote_port = (uint16_t)q->port, .psize = q->psize,
		                   .pattern = q->pattern };
	if (q->src.family == AF_UNSPEC && route_source(s, &q->dst, &f->src) < 0)
		return -1;
	return 0;
}

static void *put_int_cmsg(struct cmsghdr *c, int level, int type, int v)
{
	c->cmsg_len = CMSG_LEN(sizeof(v));
	c->cmsg_level = level;
	c->cmsg_type = type;
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	return (char *)c + CMSG_SPACE(sizeof(v));
}

/* The source address and interface of this packet: a probe's own -a and -I
 * without touching the shared sockets (raw sockets honour both). */
static void *put_pktinfo(struct cmsghdr *c, const struct probe_one_req *q)
{
	if (q->dst.family == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = (int)q->ifindex };
		if (q->src.family == AF_INET)
			memcpy(&pi.ipi_spec_dst, q->src.bytes, 4);
		*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(pi)), .cmsg_level = IPPROTO_IP,
			               .cmsg_type = IP_PKTINFO };
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		return (char *)c + CMSG_SPACE(sizeof(pi));
	}
	struct in6_pktinfo pi6 = { .ipi6_ifindex = q->ifindex };
	if (q->src.family == AF_INET6)
		memcpy(&pi6.ipi6_addr, q->src.bytes, 16);
	*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(pi6)), .cmsg_level = IPPROTO_IPV6,
		               .cmsg_type = IPV6_PKTINFO };
	memcpy(CMSG_DATA(c), &pi6, sizeof(pi6));
	return (char *)c + CMSG_SPACE(sizeof(pi6));
}

/* TTL, then TOS/traffic class and source/interface when asked for. */
static size_t put_cmsgs(const struct probe_one_req *q, char *cbuf)
{
	bool v4 = q->dst.family == AF_INET;
	int level = v4 ? IPPROTO_IP : IPPROTO_IPV6;
	char *at = cbuf;
	at = put_int_cmsg((struct cmsghdr *)(void *)at, level, v4 ? IP_TTL : IPV6_HOPLIMIT,
	                  (int)q->ttl);
	if (q->tos)
		at = put_int_cmsg((struct cmsghdr *)(void *)at, level, v4 ? IP_TOS : IPV6_TCLASS,
		                  (int)q->tos);
	if (q->src.family != AF_UNSPEC || q->ifindex)
		at = put_pktinfo((struct cmsghdr *)(void *)at, q);
	return (size_t)(at - cbuf);
}

static int send_wire(struct probe_one *po, const struct probe_socks *s,
                     const struct probe_one_req *q, size_t len, struct tx_entry *tx)
{
	struct sockaddr_storage ss;
	/* Raw IPv6 sockets take the port field as the protocol; it must be 0. */
	socklen_t slen = (socklen_t)model_addr_to_sockaddr(&q->dst, 0, &ss);
	union {
		struct cmsghdr align;
		char b[3 * CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	memset(&cbuf, 0, sizeof(cbuf));
	struct iovec iov = { .iov_base = po->txbuf, .iov_len = len };
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = slen, .msg_iov = &iov,
		              .msg_iovlen = 1, .msg_control = cbuf.b };
	msg.msg_controllen = put_cmsgs(q, cbuf.b);
	tx->before_ns = evloop_now_ns();
	ssize_t rc = sendmsg(q->proto == MODEL_PROTO_ICMP ? s->icmp : s->send, &msg, 0);
	tx->after_ns = evloop_now_ns();
	return rc < 0 ? -1 : 0;
}

static uint16_t free_wseq(struct probe_one *po)
{
	while (po->slots[po->next_wseq].serial)
		po->next_wseq = (uint16_t)((po->next_wseq + 1) % PACKET_SEQ_SPACE);
	uint16_t w = po->next_wseq;
	po->next_wseq = (uint16_t)((w + 1) % PACKET_SEQ_SPACE);
	return w;
}

static struct watch *stamp_watch(struct probe_one *po, const struct probe_socks *s,
                                 enum model_proto proto)
{
	for (size_t i = 0; i < po->n_watch; i++) {
		struct watch *w = &po->watch[i];
		if (w->s == s && w->ring && (w->sender || proto == MODEL_PROTO_ICMP))
			return w;
	}
	return NULL;
}

/* The probe left (or was lost on the way, when !left): in flight until its
 * answer or its timeout. The stamp key is taken first: it counts what the
 * kernel stamps, whatever happens to the probe here. */
static int record(struct probe_one *po, struct probe_socks *s, const struct probe_one_req *q,
                  int flow, uint16_t wseq, struct tx_entry *tx, bool left, uint64_t cookie)
{
	struct slot *sl = &po->slots[wseq];
	*sl = (struct slot){ .po = po, .cookie = cookie, .serial = po->next_serial++,
		             .sent_ns = tx->before_ns, .wseq = wseq, .flow = (uint8_t)flow };
	struct watch *w = left && s->tx_stamps ? stamp_watch(po, s, q->proto) : NULL;
	if (w) {
		tx->serial = sl->serial;
		tx->wseq = wseq;
		w->ring[s->tx_next_key++ % RING] = *tx;
		sl->stamps = w;
	}
	int64_t due = tx->before_ns + (int64_t)(q->timeout_s * 1e9);
	sl->timer = evloop_add_timer(po->loop, due, on_timeout, sl);
	if (!sl->timer) {
		sl->serial = 0;
		return ENOMEM;
	}
	po->flows[flow].users++;
	po->inflight++;
	if (w)
		read_tx_stamps(w, sender_fd(w)); /* most devices stamp inside sendmsg */
	return 0;
}

int probe_one_send(struct probe_one *po, const struct probe_one_req *q, uint64_t cookie)
{
	struct probe_socks *s = socks_for(po, q->proto, q->dst.family);
	if (!s)
		return EPROTONOSUPPORT;
	if (q->ttl < 1 || q->ttl > 255 || !(q->timeout_s >= 0) || q->timeout_s > 1e6)
		return EINVAL;
	if (po->inflight >= PROBE_ONE_MAX_INFLIGHT)
		return ENOSPC;
	struct packet_flow f;
	if (make_flow(po, s, q, &f) < 0)
		return errno;
	int flow = flow_get(po, &f);
	if (flow < 0)
		return ENOSPC;
	uint16_t wseq = free_wseq(po);
	int len = packet_build(&po->flows[flow].f, wseq, po->txbuf, PACKET_MAX);
	if (len < 0)
		return EINVAL;
	struct tx_entry tx = { 0 };
	bool left = send_wire(po, s, q, (size_t)len, &tx) == 0;
	if (!left && errno != ENOBUFS && errno != EAGAIN)
		return errno;
	return record(po, s, q, flow, wseq, &tx, left, cookie);
}
