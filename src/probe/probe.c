/* probe: sockets, rounds, pacing, the in-flight table and kernel timestamps.
 * docs/probing.md explains the choices (why rounds, why kernel stamps). */
#include "probe/probe.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe/packet.h"

#define ROUND_RING 1024u     /* rounds that may be open at once */
#define RX_BUF 2048u         /* an ICMP error quoting our probe fits easily */

void probe_params_init(struct probe_params *pp)
{
	*pp = (struct probe_params){
		.family = AF_UNSPEC,
		.proto = MODEL_PROTO_ICMP,
		.interval_s = 1.0,
		.cycles = 10,
		.first_ttl = 1,
		.max_ttl = 30,
		.max_unknown = 12,
		.timeout_s = 10.0,
		.gracetime_s = 5.0,
		.psize = 64,
		.max_pps = 1000.0,
	};
}

/* ---- pure helpers --------------------------------------------------------- */

unsigned probe_ttl_limit(unsigned first_ttl, unsigned max_ttl, unsigned path_len,
                         unsigned max_unknown, const bool *answered, const bool *silent)
{
	unsigned limit = max_ttl;
	if (path_len > 0 && path_len < limit)
		limit = path_len;
	if (max_unknown == 0)
		return limit;
	unsigned run = 0;
	for (unsigned ttl = first_ttl; ttl <= limit; ttl++) {
		run = (silent[ttl] && !answered[ttl]) ? run + 1 : 0;
		if (run >= max_unknown)
			return ttl;
	}
	return limit;
}

/* Measured in the lab: 10-probe bursts queue behind each other in the links
 * and routers and raise Avg by up to 0.2 ms at hop 6; probes one interval
 * apart do not. A wake-up per probe costs less than that error. */
double probe_burst(double max_pps)
{
	(void)max_pps;
	return 1.0;
}

void probe_bucket_init(struct probe_bucket *b, double burst, int64_t now_ns)
{
	b->tokens = burst;
	b->last_ns = now_ns;
}

int64_t probe_bucket_take(struct probe_bucket *b, int64_t now_ns, double max_pps, double burst)
{
	if (max_pps <= 0)
		return now_ns;
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * max_pps / 1e9;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_ns = now_ns;
	}
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		return now_ns;
	}
	return now_ns + (int64_t)ceil((1.0 - b->tokens) * 1e9 / max_pps);
}

struct probe_table {
	struct probe_slot slot[PACKET_SEQ_SPACE];
	unsigned waiting[ROUND_RING];
};

struct probe_table *probe_table_new(void)
{
	return calloc(1, sizeof(struct probe_table));
}

void probe_table_free(struct probe_table *t)
{
	free(t);
}

uint16_t probe_wire_seq(unsigned long run_seq)
{
	return (uint16_t)(run_seq % PACKET_SEQ_SPACE);
}

void probe_table_sent(struct probe_table *t, unsigned long run_seq, unsigned long round,
                      unsigned ttl, int64_t sent_ns)
{
	struct probe_slot *s = &t->slot[probe_wire_seq(run_seq)];
	if (s->state == PROBE_SLOT_WAITING) /* 32768 probes in flight: forget the oldest */
		t->waiting[s->round % ROUND_RING]--;
	*s = (struct probe_slot){ .run_seq = run_seq, .round = round, .sent_ns = sent_ns,
		                  .ttl = (uint8_t)ttl, .state = PROBE_SLOT_WAITING };
	t->waiting[round % ROUND_RING]++;
}

struct probe_slot *probe_table_slot(struct probe_table *t, uint16_t seq)
{
	return seq < PACKET_SEQ_SPACE ? &t->slot[seq] : NULL;
}

unsigned probe_table_waiting(const struct probe_table *t, unsigned long round)
{
	return t->waiting[round % ROUND_RING];
}

void probe_table_resolve(struct probe_table *t, struct probe_slot *s, enum probe_slot_state st)
{
	if (s->state == PROBE_SLOT_WAITING)
		t->waiting[s->round % ROUND_RING]--;
	s->state = (uint8_t)st;
}

/* ---- the engine ----------------------------------------------------------- */

struct probe_socks {
	int icmp;      /* sends ICMP probes, receives every ICMP reply */
	int send;      /* raw UDP or TCP socket sending those probes; -1 for ICMP */
	int route;     /* UDP socket used to learn the source address */
	bool dgram;    /* icmp is a datagram ICMP socket (unprivileged) */
};

struct probe_tx {
	unsigned long run_seq;
	int64_t before_ns, after_ns;  /* monotonic, around sendmsg */
};

struct probe {
	struct probe_params prm;
	struct probe_socks sock[2];   /* [0] IPv4, [1] IPv6 */
	struct probe_socks *s;        /* the target's family, after setup */
	struct evloop *loop;
	event_fn on_event;
	void *ctx;
	struct packet_flow flow;
	struct probe_table *table;
	uint8_t *txbuf;
	size_t txlen;

	bool answered[MODEL_MAX_HOPS + 1];
	bool silent[MODEL_MAX_HOPS + 1];
	unsigned path_len;

	unsigned long next_seq;       /* next event seq */
	unsigned long round;          /* round being sent */
	unsigned long rounds_begun;   /* rounds whose sending started */
	unsigned long next_end;       /* lowest round without ROUND_END */
	bool round_sent;              /* every probe of `round` went out */
	unsigned next_ttl;
	int64_t round_start_ns;
	int64_t next_round_ns;        /* when the next round is due */
	struct probe_bucket bucket;

	unsigned long *fifo;          /* run seqs in send order, for timeouts */
	size_t fifo_head, fifo_len;

	/* Kernel TX stamps come back by a per-socket counter (OPT_ID); this maps
	 * the counter to the probe and the window its stamp must fall in. */
	struct probe_tx *tx;
	uint32_t tx_next_key;
	bool tx_stamps;

	evloop_timer_id send_timer, timeout_timer, grace_timer;
	bool sending_done, finished;
	bool seen_late;      /* a reply on this path came after its -Z */
	int status;
	char error[256];
};

static size_t fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- opening sockets (the privileged step) --------------------------------- */

static int icmp_proto_of(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

static int transport_proto(enum model_proto proto)
{
	return proto == MODEL_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

/* Only the ICMP types that can answer a probe wake us up. */
static int filter_icmp(int fd, int family)
{
	if (family == AF_INET) {
		struct icmp_filter f = { .data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
		                                  (1u << ICMP_TIME_EXCEEDED)) };
		return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof(f));
	}
	struct icmp6_filter f;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
	ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
	ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
	return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f));
}

/* A send-only raw UDP socket would otherwise queue every UDP datagram the
 * host receives. */
static int drop_all_input(int fd)
{
	struct sock_filter code[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = code };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int apply_common(int fd, int family, const struct probe_params *cfg)
{
	if (cfg->interface && *cfg->interface &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->interface,
	               (socklen_t)strlen(cfg->interface) + 1) < 0)
		return -1;
	if (cfg->mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg->mark, sizeof(cfg->mark)) < 0)
		return -1;
	if (cfg->tos) {
		int tos = cfg->tos;
		if (family == AF_INET ? setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos))
		                      : setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos)))
			return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

static int bind_source(int fd, int family, const struct probe_params *cfg)
{
	if (!cfg->src_addr || !*cfg->src_addr)
		return 0;
	struct model_addr a;
	if (model_addr_parse(cfg->src_addr, &a) < 0 || a.family != family)
		return family == AF_INET6 ? 0 : -1; /* only the -a family is bound */
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, a.bytes, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a.bytes, 16);
		len = sizeof(*sin6);
	}
	return bind(fd, (struct sockaddr *)&ss, len);
}

static int enable_rx_stamps(int fd)
{
	int one = 1;
	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
}

static int open_one(int family, int type, int proto, const struct probe_params *cfg)
{
	int fd = socket(family, type | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -1;
	if (apply_common(fd, family, cfg) < 0 || bind_source(fd, family, cfg) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int open_icmp(struct probe_socks *s, int family, const struct probe_params *cfg)
{
	s->icmp = open_one(family, SOCK_RAW, icmp_proto_of(family), cfg);
	if (s->icmp < 0 && (errno == EPERM || errno == EACCES) && cfg->proto == MODEL_PROTO_ICMP) {
		s->icmp = open_one(family, SOCK_DGRAM, icmp_proto_of(family), cfg);
		s->dgram = s->icmp >= 0;
	}
	if (s->icmp < 0)
		return -1;
	if (!s->dgram && filter_icmp(s->icmp, family) < 0)
		return -1;
	if (s->dgram) {
		int one = 1;
		if (setsockopt(s->icmp, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		               family == AF_INET ? IP_RECVERR : IPV6_RECVERR, &one, sizeof(one)) < 0)
			return -1;
	}
	return enable_rx_stamps(s->icmp);
}

static int open_sender(struct probe_socks *s, int family, const struct probe_params *cfg)
{
	if (cfg->proto == MODEL_PROTO_ICMP)
		return 0;
	s->send = open_one(family, SOCK_RAW, transport_proto(cfg->proto), cfg);
	if (s->send < 0)
		return -1;
	if (cfg->proto == MODEL_PROTO_UDP)
		return drop_all_input(s->send);
	return enable_rx_stamps(s->send); /* SYN-ACK and RST arrive here */
}

static void close_socks(struct probe_socks *s)
{
	if (s->icmp >= 0)
		close(s->icmp);
	if (s->send >= 0)
		close(s->send);
	if (s->route >= 0)
		close(s->route);
	s->icmp = s->send = s->route = -1;
}

static int open_family(struct probe_socks *s, int family, const struct probe_params *cfg)
{
	if (open_icmp(s, family, cfg) < 0 || open_sender(s, family, cfg) < 0)
		return -1;
	s->route = open_one(family, SOCK_DGRAM, IPPROTO_UDP, cfg);
	return s->route < 0 ? -1 : 0;
}

static struct probe *probe_alloc(const struct probe_params *cfg)
{
	struct probe *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->prm = *cfg;
	for (int i = 0; i < 2; i++)
		p->sock[i] = (struct probe_socks){ .icmp = -1, .send = -1, .route = -1 };
	p->table = probe_table_new();
	p->fifo = calloc(PACKET_SEQ_SPACE, sizeof(*p->fifo));
	p->tx = calloc(PACKET_SEQ_SPACE, sizeof(*p->tx));
	if (!p->table || !p->fifo || !p->tx) {
		probe_free(p);
		return NULL;
	}
	return p;
}

/* The engine trusts its parameters once they pass this: the CLI range-checks
 * each option, other callers get a message instead of a strange run. */
static bool params_valid(const struct probe_params *pp, char *err, size_t errlen)
{
	if (pp->first_ttl < 1 || pp->first_ttl > pp->max_ttl || pp->max_ttl > 255) {
		set_err(err, errlen, "TTLs %u to %u are not a range of 1 to 255", pp->first_ttl,
		        pp->max_ttl);
		return false;
	}
	if (!(pp->timeout_s > 0) || !(pp->interval_s > 0) || !(pp->gracetime_s >= 0)) {
		set_err(err, errlen, "timeout and interval must be positive");
		return false;
	}
	return true;
}

struct probe *probe_open(const struct probe_params *cfg, char *err, size_t errlen)
{
	if (!params_valid(cfg, err, errlen))
		return NULL;
	struct probe *p = probe_alloc(cfg);
	if (!p) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	static const int families[2] = { AF_INET, AF_INET6 };
	int opened = 0, first_errno = 0;
	for (int i = 0; i < 2; i++) {
		if (cfg->family != AF_UNSPEC && cfg->family != families[i])
			continue;
		if (open_family(&p->sock[i], families[i], cfg) == 0) {
			opened++;
			continue;
		}
		if (!first_errno)
			first_errno = errno;
		close_socks(&p->sock[i]);
	}
	if (opened == 0) {
		set_err(err, errlen, "cannot open probe sockets: %s%s", strerror(first_errno),
		        first_errno == EPERM ? " (needs root or CAP_NET_RAW)" : "");
		probe_free(p);
		return NULL;
	}
	return p;
}

/* ---- setup: target, source address, flow ---------------------------------- */

static void addr_from_sockaddr(const struct sockaddr *sa, struct model_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->bytes, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->bytes, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	} else {
		a->family = AF_UNSPEC;
	}
}

static socklen_t sockaddr_from_addr(const struct model_addr *a, uint16_t port,
                                    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->bytes, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, a->bytes, 16);
	return sizeof(*sin6);
}

static bool family_open(const struct probe *p, int family)
{
	return p->sock[fam_index(family)].icmp >= 0;
}

static int resolve_target(struct probe *p, struct model_addr *dst, char *err, size_t errlen)
{
	const char *name = p->prm.target;
	if (!name || !*name) {
		set_err(err, errlen, "no target given");
		return -1;
	}
	if (model_addr_parse(name, dst) == 0 && family_open(p, dst->family))
		return 0;
	struct addrinfo hints = { .ai_family = p->prm.family, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		set_err(err, errlen, "cannot resolve %s: %s", name, gai_strerror(rc));
		return -1;
	}
	dst->family = AF_UNSPEC;
	for (struct addrinfo *ai = res; ai && dst->family == AF_UNSPEC; ai = ai->ai_next)
		if (family_open(p, ai->ai_family))
			addr_from_sockaddr(ai->ai_addr, dst);
	freeaddrinfo(res);
	if (dst->family == AF_UNSPEC) {
		set_err(err, errlen, "%s: no address of a family we can probe", name);
		return -1;
	}
	return 0;
}

/* The source address the kernel would choose towards dst (for checksums and
 * for matching quotes), learned by connecting a UDP socket: nothing is sent. */
static int learn_source(struct probe *p, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_from_addr(&p->flow.dst, 33434, &ss);
	if (connect(p->s->route, (struct sockaddr *)&ss, len) < 0) {
		set_err(err, errlen, "no route to %s: %s", p->prm.target, strerror(errno));
		return -1;
	}
	len = sizeof(ss);
	if (getsockname(p->s->route, (struct sockaddr *)&ss, &len) < 0) {
		set_err(err, errlen, "getsockname: %s", strerror(errno));
		return -1;
	}
	addr_from_sockaddr((struct sockaddr *)&ss, &p->flow.src);
	return 0;
}

/* A datagram ICMP socket's identifier is its port, chosen by the kernel. */
static int dgram_ident(struct probe *p)
{
	struct sockaddr_storage ss;
	struct model_addr any = { .family = p->flow.family };
	socklen_t len = sockaddr_from_addr(&any, 0, &ss);
	if (bind(p->s->icmp, (struct sockaddr *)&ss, len) < 0 && errno != EINVAL)
		return -1;
	len = sizeof(ss);
	if (getsockname(p->s->icmp, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	p->flow.ident = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
	                                        : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

static void fill_flow(struct probe *p)
{
	const struct probe_params *c = &p->prm;
	p->flow.family = p->flow.dst.family;
	p->flow.proto = c->proto;
	p->flow.ident = (uint16_t)(1024 + (unsigned)getpid() % (65536u - 1024u));
	p->flow.local_port = (uint16_t)c->local_port;
	p->flow.remote_port = (uint16_t)c->port;
	p->flow.psize = c->psize;
	p->flow.pattern = (uint8_t)c->bitpattern;
}

static void on_readable(void *ctx, int fd, unsigned events);

static int sender_fd(const struct probe *p)
{
	return p->prm.proto == MODEL_PROTO_ICMP ? p->s->icmp : p->s->send;
}

/* The kernel's software TX stamp is taken when the packet reaches the device,
 * where a capture sees it; without it the send time is read just before
 * sendmsg. Failing to enable it is not an error. */
static void enable_tx_stamps(struct probe *p)
{
	if (p->s->dgram) /* its error queue carries ICMP errors; keep it simple */
		return;
	unsigned flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
	                 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	p->tx_stamps = setsockopt(sender_fd(p), SOL_SOCKET, SO_TIMESTAMPING, &flags,
	                          sizeof(flags)) == 0;
}

static int register_fds(struct probe *p)
{
	/* UDP: only TX stamps come back on the sender; TCP: also SYN-ACK/RST.
	 * The sender goes first: the loop dispatches in this order, so a late
	 * TX stamp is read before a reply that came in the same wake-up. */
	if (p->prm.proto != MODEL_PROTO_ICMP &&
	    evloop_add_fd(p->loop, p->s->send, EVLOOP_READ, on_readable, p) < 0)
		return -1;
	return evloop_add_fd(p->loop, p->s->icmp, EVLOOP_READ, on_readable, p);
}

int probe_setup(struct probe *p, struct evloop *loop, event_fn on_event, void *ctx, char *err,
                size_t errlen)
{
	p->loop = loop;
	p->on_event = on_event;
	p->ctx = ctx;
	if (resolve_target(p, &p->flow.dst, err, errlen) < 0)
		return -1;
	p->s = &p->sock[fam_index(p->flow.dst.family)];
	fill_flow(p);
	if (learn_source(p, err, errlen) < 0)
		return -1;
	if (p->s->dgram && dgram_ident(p) < 0) {
		set_err(err, errlen, "datagram ICMP socket: %s", strerror(errno));
		return -1;
	}
	p->txlen = packet_probe_len(&p->flow);
	p->txbuf = calloc(1, p->txlen ? p->txlen : 1);
	if (!p->txbuf || register_fds(p) < 0) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	enable_tx_stamps(p);
	return 0;
}

struct probe *probe_new(const struct probe_params *cfg, struct evloop *loop, event_fn on_event,
                        void *ctx, char *err, size_t errlen)
{
	struct probe *p = probe_open(cfg, err, errlen);
	if (p && probe_setup(p, loop, on_event, ctx, err, errlen) < 0) {
		probe_free(p);
		return NULL;
	}
	return p;
}

void probe_free(struct probe *p)
{
	if (!p)
		return;
	if (p->loop) {
		for (int i = 0; i < 2; i++) {
			evloop_del_fd(p->loop, p->sock[i].icmp);
			evloop_del_fd(p->loop, p->sock[i].send);
		}
		evloop_cancel_timer(p->loop, p->send_timer);
		evloop_cancel_timer(p->loop, p->timeout_timer);
		evloop_cancel_timer(p->loop, p->grace_timer);
	}
	for (int i = 0; i < 2; i++)
		close_socks(&p->sock[i]);
	probe_table_free(p->table);
	free(p->fifo);
	free(p->tx);
	free(p->txbuf);
	free(p);
}

const struct model_addr *probe_target(const struct probe *p)
{
	return &p->flow.dst;
}

unsigned probe_path_len(const struct probe *p)
{
	return p->path_len;
}

bool probe_done(const struct probe *p)
{
	return p->finished;
}

int probe_status(const struct probe *p)
{
	return p->status;
}

const char *probe_error(const struct probe *p)
{
	return p->error;
}

/* ---- events --------------------------------------------------------------- */

static void finish(struct probe *p);

static void emit(struct probe *p, struct event *ev)
{
	if (p->finished && ev->type != EVENT_ROUND_END)
		return;
	if (p->on_event(p->ctx, ev) < 0 && !p->finished) {
		p->status = -1;
		snprintf(p->error, sizeof(p->error), "stopped by the consumer");
		finish(p);
	}
}

static void emit_simple(struct probe *p, enum event_type type, const struct probe_slot *s)
{
	struct event ev = { .type = type, .ttl = s->ttl, .seq = s->run_seq, .round = s->round };
	emit(p, &ev);
}

static bool round_complete(const struct probe *p, unsigned long r)
{
	if (r >= p->rounds_begun || (r == p->round && !p->round_sent))
		return false;
	return probe_table_waiting(p->table, r) == 0;
}

/* ROUND_END in round order, each once every probe of its round is settled. */
static void end_rounds(struct probe *p)
{
	while (!p->finished && round_complete(p, p->next_end)) {
		struct event ev = { .type = EVENT_ROUND_END, .round = p->next_end++ };
		emit(p, &ev);
	}
	/* Settled rounds may still hold timed-out probes; once this path has
	 * answered late, theirs may be on the way too, so -G decides the end. */
	if (p->sending_done && p->next_end >= p->rounds_begun && !p->seen_late)
		finish(p);
}

/* ---- timeouts ------------------------------------------------------------- */

static int64_t timeout_ns(const struct probe *p)
{
	return (int64_t)(p->prm.timeout_s * 1e9);
}

static void on_timeout_timer(void *ctx);

static void arm_timeout(struct probe *p)
{
	if (p->timeout_timer || p->fifo_len == 0 || p->finished)
		return;
	unsigned long seq = p->fifo[p->fifo_head];
	const struct probe_slot *s = probe_table_slot(p->table, probe_wire_seq(seq));
	p->timeout_timer = evloop_add_timer(p->loop, s->sent_ns + timeout_ns(p), on_timeout_timer, p);
}

static void expire(struct probe *p, struct probe_slot *s)
{
	probe_table_resolve(p->table, s, PROBE_SLOT_TIMED_OUT);
	if (!p->answered[s->ttl])
		p->silent[s->ttl] = true;
	emit_simple(p, EVENT_TIMEOUT, s);
}

static void on_timeout_timer(void *ctx)
{
	struct probe *p = ctx;
	p->timeout_timer = 0;
	int64_t now = evloop_now_ns();
	while (p->fifo_len > 0 && !p->finished) {
		unsigned long seq = p->fifo[p->fifo_head];
		struct probe_slot *s = probe_table_slot(p->table, probe_wire_seq(seq));
		bool mine = s->run_seq == seq;
		if (mine && s->state == PROBE_SLOT_WAITING && s->sent_ns + timeout_ns(p) > now)
			break;
		p->fifo_head = (p->fifo_head + 1) % PACKET_SEQ_SPACE;
		p->fifo_len--;
		if (mine && s->state == PROBE_SLOT_WAITING)
			expire(p, s);
	}
	end_rounds(p);
	arm_timeout(p);
}

/* ---- sending -------------------------------------------------------------- */

static size_t put_ttl_cmsg(const struct probe *p, unsigned ttl, void *cbuf)
{
	struct cmsghdr *c = cbuf;
	int v = (int)ttl;
	c->cmsg_len = CMSG_LEN(sizeof(v));
	c->cmsg_level = p->flow.family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	c->cmsg_type = p->flow.family == AF_INET ? IP_TTL : IPV6_HOPLIMIT;
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	return CMSG_SPACE(sizeof(v));
}

static int send_wire(struct probe *p, uint16_t wseq, unsigned ttl, int64_t *sent_ns,
                     int64_t *after_ns)
{
	int len = packet_build(&p->flow, wseq, p->txbuf, p->txlen);
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	uint16_t sport = 0, dport = 0;
	packet_ports(&p->flow, wseq, &sport, &dport);
	struct sockaddr_storage ss;
	/* Raw IPv6 sockets take the port field as the protocol; it must be 0. */
	socklen_t slen = sockaddr_from_addr(&p->flow.dst, 0, &ss);
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	memset(&cbuf, 0, sizeof(cbuf));
	struct iovec iov = { .iov_base = p->txbuf, .iov_len = (size_t)len };
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = slen, .msg_iov = &iov,
		              .msg_iovlen = 1, .msg_control = cbuf.buf };
	msg.msg_controllen = put_ttl_cmsg(p, ttl, cbuf.buf);
	*sent_ns = evloop_now_ns(); /* as late as user space can take it */
	ssize_t rc = sendmsg(sender_fd(p), &msg, 0);
	*after_ns = evloop_now_ns();
	return rc < 0 ? -1 : 0;
}

static bool fatal_send_error(int e)
{
	return e == EMSGSIZE || e == EINVAL || e == EBADF || e == ENOTSOCK || e == EPERM ||
	       e == EACCES;
}

static bool read_tx_stamp(struct probe *p, int fd);

static void fifo_push(struct probe *p, unsigned long seq)
{
	if (p->fifo_len == PACKET_SEQ_SPACE) { /* drop the oldest; its slot is reused */
		p->fifo_head = (p->fifo_head + 1) % PACKET_SEQ_SPACE;
		p->fifo_len--;
	}
	p->fifo[(p->fifo_head + p->fifo_len) % PACKET_SEQ_SPACE] = seq;
	p->fifo_len++;
}

static bool read_one(struct probe *p, int fd, int flags);

/* Errors an ICMP error sets on a socket (icmp_err_convert). */
static bool icmp_errno(int e)
{
	return e == EHOSTUNREACH || e == ENETUNREACH || e == ECONNREFUSED || e == EACCES ||
	       e == EPROTO || e == EOPNOTSUPP;
}

/* A datagram ICMP socket hands a pending ICMP error to the next sendmsg
 * (sock_error) instead of sending: a probe would fail that never left. The
 * error queue is read first, which clears it, and a send that still fails
 * that way (an error that came in between) is tried once more. */
static int send_dgram(struct probe *p, uint16_t wseq, unsigned ttl, int64_t *sent_ns,
                      int64_t *after_ns)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		while (!p->finished && read_one(p, p->s->icmp, MSG_ERRQUEUE))
			;
		if (send_wire(p, wseq, ttl, sent_ns, after_ns) == 0)
			return 0;
		if (!icmp_errno(errno))
			break;
	}
	return -1;
}

static int send_probe(struct probe *p, unsigned ttl)
{
	unsigned long seq = p->next_seq;
	uint16_t wseq = probe_wire_seq(seq);
	int64_t sent_ns, after_ns;
	bool pending_tx = false;
	/* A sequence space's worth of probes in flight (a high rate and a long
	 * -Z): the oldest is given up as lost, so Snt = Rcv + Drop still holds. */
	struct probe_slot *old = probe_table_slot(p->table, wseq);
	if (old->state == PROBE_SLOT_WAITING)
		expire(p, old);
	if (p->finished)
		return 0;
	int rc = p->s->dgram ? send_dgram(p, wseq, ttl, &sent_ns, &after_ns)
	                     : send_wire(p, wseq, ttl, &sent_ns, &after_ns);
	if (p->finished)
		return 0;
	if (rc < 0) {
		if (fatal_send_error(errno) && !(p->s->dgram && icmp_errno(errno))) {
			p->status = -1;
			snprintf(p->error, sizeof(p->error), "sending a probe: %s", strerror(errno));
			return -1;
		}
	} else if (p->tx_stamps) {
		p->tx[p->tx_next_key++ % PACKET_SEQ_SPACE] =
		    (struct probe_tx){ .run_seq = seq, .before_ns = sent_ns, .after_ns = after_ns };
		pending_tx = true;
	}
	/* A transient send error (no buffer, unreachable) is a probe that is lost. */
	p->next_seq++;
	probe_table_sent(p->table, seq, p->round, ttl, sent_ns);
	fifo_push(p, seq);
	/* Most devices stamp inside sendmsg: take the stamp now rather than be
	 * woken for it. */
	if (pending_tx)
		read_tx_stamp(p, sender_fd(p));
	struct event ev = { .type = EVENT_SENT, .ttl = ttl, .seq = seq, .round = p->round };
	emit(p, &ev);
	arm_timeout(p);
	return 0;
}

static unsigned round_limit(const struct probe *p)
{
	unsigned max = p->prm.max_ttl < MODEL_MAX_HOPS ? p->prm.max_ttl : MODEL_MAX_HOPS;
	return probe_ttl_limit(p->prm.first_ttl, max, p->path_len,
	                       p->prm.max_unknown, p->answered, p->silent);
}

static double max_pps(const struct probe *p)
{
	return p->prm.max_pps;
}

static void on_send_timer(void *ctx);
static void round_sent(struct probe *p);

/* Sends the round's remaining TTLs as fast as the rate limit allows. */
static void send_due(struct probe *p)
{
	while (!p->finished && !p->round_sent) {
		if (p->next_ttl > round_limit(p)) { /* the limit shrinks as the path is learned */
			round_sent(p);
			return;
		}
		int64_t now = evloop_now_ns();
		int64_t due = probe_bucket_take(&p->bucket, now, max_pps(p), probe_burst(max_pps(p)));
		if (due > now) {
			p->send_timer = evloop_add_timer(p->loop, due, on_send_timer, p);
			return;
		}
		if (send_probe(p, p->next_ttl++) < 0) {
			finish(p);
			return;
		}
	}
}

static void on_send_timer(void *ctx)
{
	struct probe *p = ctx;
	p->send_timer = 0;
	send_due(p);
}

static void on_round_timer(void *ctx);

static void begin_round(struct probe *p)
{
	if (p->rounds_begun - p->next_end >= ROUND_RING) { /* too many open rounds: wait */
		p->send_timer = evloop_add_timer(p->loop, evloop_now_ns() + 10000000, on_round_timer, p);
		return;
	}
	p->round = p->rounds_begun++;
	p->round_sent = false;
	p->next_ttl = p->prm.first_ttl;
	send_due(p);
}

static void on_grace_timer(void *ctx)
{
	struct probe *p = ctx;
	p->grace_timer = 0;
	/* -G is how long the run waits for its last replies: a probe still
	 * unanswered now is lost, whatever -Z says (as in mtr). */
	while (p->fifo_len > 0 && !p->finished) {
		unsigned long seq = p->fifo[p->fifo_head];
		struct probe_slot *s = probe_table_slot(p->table, probe_wire_seq(seq));
		p->fifo_head = (p->fifo_head + 1) % PACKET_SEQ_SPACE;
		p->fifo_len--;
		if (s->run_seq == seq && s->state == PROBE_SLOT_WAITING)
			expire(p, s);
	}
	end_rounds(p);
	finish(p);
}

static int64_t interval_ns(const struct probe *p)
{
	return (int64_t)(p->prm.interval_s * 1e9);
}

static void on_round_timer(void *ctx)
{
	struct probe *p = ctx;
	p->send_timer = 0;
	/* Rounds keep to their schedule (no drift from wake-up latency) unless
	 * one started a whole interval late. */
	int64_t now = evloop_now_ns();
	p->round_start_ns = now - p->next_round_ns < interval_ns(p) ? p->next_round_ns : now;
	begin_round(p);
}

static void round_sent(struct probe *p)
{
	p->round_sent = true;
	unsigned long cycles = p->prm.cycles;
	if (cycles == 0 || p->rounds_begun < cycles) {
		p->next_round_ns = p->round_start_ns + interval_ns(p);
		p->send_timer = evloop_add_timer(p->loop, p->next_round_ns, on_round_timer, p);
	} else {
		p->sending_done = true;
		double g = p->prm.gracetime_s;
		p->grace_timer =
		    evloop_add_timer(p->loop, evloop_now_ns() + (int64_t)(g * 1e9), on_grace_timer, p);
	}
	end_rounds(p);
}

int probe_start(struct probe *p)
{
	p->round_start_ns = p->next_round_ns = evloop_now_ns();
	probe_bucket_init(&p->bucket, probe_burst(max_pps(p)), p->round_start_ns);
	p->send_timer = evloop_add_timer(p->loop, p->round_start_ns, on_round_timer, p);
	return p->send_timer ? 0 : -1;
}

static void finish(struct probe *p)
{
	if (p->finished)
		return;
	p->finished = true;
	evloop_timer_id *timers[3] = { &p->send_timer, &p->timeout_timer, &p->grace_timer };
	for (int i = 0; i < 3; i++) {
		if (*timers[i])
			evloop_cancel_timer(p->loop, *timers[i]);
		*timers[i] = 0;
	}
	evloop_stop(p->loop);
}

void probe_stop(struct probe *p)
{
	finish(p);
}

/* ---- receiving ------------------------------------------------------------ */

/* The kernel stamps receipt in CLOCK_REALTIME; RTTs are monotonic. The offset
 * between the clocks is read at the moment of processing, bracketed by two
 * monotonic reads, so a realtime step only matters if it falls between the
 * packet's arrival and this read (microseconds). */
static int64_t realtime_to_mono(const struct timespec *rt)
{
	struct timespec m1, r, m2;
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	int64_t mono_mid = ((int64_t)m1.tv_sec * 1000000000 + m1.tv_nsec +
	                    (int64_t)m2.tv_sec * 1000000000 + m2.tv_nsec) / 2;
	int64_t offset = (int64_t)r.tv_sec * 1000000000 + r.tv_nsec - mono_mid;
	return (int64_t)rt->tv_sec * 1000000000 + rt->tv_nsec - offset;
}

static int64_t rx_stamp(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return realtime_to_mono(&ts);
		}
	}
	return evloop_now_ns();
}

static void deliver(struct probe *p, const struct packet_reply *r, enum packet_match m,
                    uint16_t wseq, int64_t rx_ns)
{
	struct probe_slot *s = probe_table_slot(p->table, wseq);
	if (!s || (s->state != PROBE_SLOT_WAITING && s->state != PROBE_SLOT_TIMED_OUT))
		return; /* never sent, or a duplicate */
	bool late = s->state == PROBE_SLOT_TIMED_OUT;
	p->seen_late = p->seen_late || late;
	probe_table_resolve(p->table, s, PROBE_SLOT_ANSWERED);
	int64_t rtt = rx_ns - s->sent_ns;
	struct event ev = { .type = late ? EVENT_LATE : EVENT_REPLY, .ttl = s->ttl,
		            .seq = s->run_seq, .round = s->round, .from = r->from,
		            .from_target = m == PACKET_FROM_TARGET,
		            .rtt_ms = (double)(rtt > 0 ? rtt : 0) / 1e6 };
	ev.n_mpls = r->n_mpls < MODEL_MAX_MPLS ? r->n_mpls : MODEL_MAX_MPLS;
	memcpy(ev.mpls, r->mpls, ev.n_mpls * sizeof(ev.mpls[0]));
	p->answered[s->ttl] = true;
	p->silent[s->ttl] = false;
	if (ev.from_target && (p->path_len == 0 || s->ttl < p->path_len))
		p->path_len = s->ttl;
	emit(p, &ev);
}

static void handle_datagram(struct probe *p, int fd, const uint8_t *buf, size_t len,
                            const struct sockaddr_storage *from, int64_t rx_ns)
{
	struct packet_rx rx = { .family = p->flow.family };
	rx.proto = (uint8_t)(fd == p->s->icmp ? icmp_proto_of(p->flow.family) : IPPROTO_TCP);
	rx.ip_header = p->flow.family == AF_INET && !p->s->dgram;
	addr_from_sockaddr((const struct sockaddr *)from, &rx.from);
	struct packet_reply r;
	if (packet_parse(&rx, buf, len, &r) < 0)
		return;
	uint16_t wseq;
	enum packet_match m = packet_match(&p->flow, &r, &wseq);
	if (m != PACKET_NOT_OURS)
		deliver(p, &r, m, wseq, rx_ns);
}

/* A datagram ICMP socket hands ICMP errors over through the error queue: the
 * offender's address and our own echo request, already matched by the kernel. */
static void handle_errqueue(struct probe *p, struct msghdr *msg, const uint8_t *buf, size_t len,
                            int64_t rx_ns)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
		bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
		if ((!v4 && !v6) || len < 8)
			continue;
		struct sock_extended_err ee;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6)
			continue;
		/* The kernel queues every ICMP error here (redirects, source quench,
		 * parameter problems, packet too big): only these two answer a probe. */
		bool exceeded = ee.ee_type == (v4 ? ICMP_TIME_EXCEEDED : ICMP6_TIME_EXCEEDED);
		bool unreachable = ee.ee_type == (v4 ? ICMP_DEST_UNREACH : ICMP6_DST_UNREACH);
		if (!exceeded && !unreachable)
			continue;
		struct packet_reply r = { .family = p->flow.family, .type = ee.ee_type,
			                  .code = ee.ee_code };
		addr_from_sockaddr(SO_EE_OFFENDER((struct sock_extended_err *)CMSG_DATA(c)), &r.from);
		r.kind = exceeded ? PACKET_TIME_EXCEEDED : PACKET_UNREACHABLE;
		enum packet_match m = !exceeded && model_addr_equal(&r.from, &p->flow.dst)
		                          ? PACKET_FROM_TARGET : PACKET_FROM_HOP;
		deliver(p, &r, m, (uint16_t)(buf[6] << 8 | buf[7]), rx_ns);
	}
}

/* Slack around the sendmsg window: the clock conversion's own error, and a
 * device that stamps a little after sendmsg returned. A stamp outside the
 * window belongs to no probe we know (a counter out of step) and is ignored. */
#define TX_SLACK_BEFORE_NS 5000
#define TX_SLACK_AFTER_NS 200000

static void apply_tx_stamp(struct probe *p, uint32_t key, const struct timespec *rt)
{
	const struct probe_tx *t = &p->tx[key % PACKET_SEQ_SPACE];
	int64_t tx_ns = realtime_to_mono(rt);
	if (tx_ns < t->before_ns - TX_SLACK_BEFORE_NS || tx_ns > t->after_ns + TX_SLACK_AFTER_NS)
		return;
	struct probe_slot *s = probe_table_slot(p->table, probe_wire_seq(t->run_seq));
	if (s->run_seq == t->run_seq && s->state == PROBE_SLOT_WAITING)
		s->sent_ns = tx_ns;
}

/* Reads one TX stamp from fd's error queue; false when there is none. */
static bool read_tx_stamp(struct probe *p, int fd)
{
	char data[64];
	union {
		struct cmsghdr align;
		char b[256];
	} cbuf;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b,
		              .msg_controllen = sizeof(cbuf.b) };
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return false;
	struct timespec stamp = { 0, 0 };
	bool have_key = false;
	uint32_t key = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
			struct scm_timestamping ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			stamp = ts.ts[0];
		} else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
		           (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			have_key = ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING;
			key = ee.ee_data;
		}
	}
	if (have_key && (stamp.tv_sec || stamp.tv_nsec))
		apply_tx_stamp(p, key, &stamp);
	return true;
}

#define RX_BATCH 8

/* One recvmmsg takes every reply that is waiting (up to RX_BATCH): one
 * syscall per wake-up in the common case. Returns the count read. */
static int read_batch(struct probe *p, int fd)
{
	static_assert(RX_BATCH * RX_BUF <= 16384, "receive buffers live on the stack");
	uint8_t buf[RX_BATCH][RX_BUF];
	union {
		struct cmsghdr align;
		char b[256];
	} cbuf[RX_BATCH];
	struct sockaddr_storage from[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct mmsghdr mm[RX_BATCH];
	for (int i = 0; i < RX_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = buf[i], .iov_len = RX_BUF };
		mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
			                               .msg_namelen = sizeof(from[i]),
			                               .msg_iov = &iov[i], .msg_iovlen = 1,
			                               .msg_control = cbuf[i].b,
			                               .msg_controllen = sizeof(cbuf[i].b) } };
	}
	int n = recvmmsg(fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n && !p->finished; i++)
		handle_datagram(p, fd, buf[i], mm[i].msg_len, &from[i], rx_stamp(&mm[i].msg_hdr));
	return n;
}

static bool read_one(struct probe *p, int fd, int flags)
{
	uint8_t buf[RX_BUF];
	union {
		struct cmsghdr align;
		char b[512];
	} cbuf;
	struct sockaddr_storage from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
		              .msg_iovlen = 1, .msg_control = cbuf.b,
		              .msg_controllen = sizeof(cbuf.b) };
	memset(&from, 0, sizeof(from));
	ssize_t n = recvmsg(fd, &msg, flags | MSG_DONTWAIT);
	if (n < 0)
		return false;
	int64_t rx_ns = rx_stamp(&msg);
	if (flags & MSG_ERRQUEUE)
		handle_errqueue(p, &msg, buf, (size_t)n, rx_ns);
	else
		handle_datagram(p, fd, buf, (size_t)n, &from, rx_ns);
	return true;
}

static void on_readable(void *ctx, int fd, unsigned events)
{
	struct probe *p = ctx;
	/* Send stamps first, so that replies read next use them (usually they
	 * were read right after sendmsg already). A datagram ICMP socket's error
	 * queue holds ICMP errors instead, read as replies. */
	if ((events & EVLOOP_ERROR) && p->tx_stamps && fd == sender_fd(p))
		while (read_tx_stamp(p, fd))
			;
	if ((events & EVLOOP_ERROR) && p->s->dgram && fd == p->s->icmp)
		while (!p->finished && read_one(p, fd, MSG_ERRQUEUE))
			;
	if (fd == p->s->send && p->prm.proto == MODEL_PROTO_UDP)
		return; /* the UDP sender receives nothing else */
	if (events & EVLOOP_READ)
		while (!p->finished && read_batch(p, fd) == RX_BATCH)
			;
	end_rounds(p);
}
