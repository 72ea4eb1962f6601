/* probe_sock: the privileged step (opening and shaping the sockets, once per
 * run) and what a trace asks of them (source address, draining).
 * Tests: tests/unit/probe/test_probe.c tests/lab/t_probe.sh tests/lab/t_cli.sh. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe_int.h"

size_t probe_fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

int probe_icmp_proto(int family)
{
	return family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* ---- opening (the privileged step) ----------------------------------------- */

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
	ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f); /* the path MTU; never an answer */
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

/* IPv4 probes leave without DF, as mtr's do (its IPv4 header has no flags):
 * a router before a narrower link fragments them instead of dropping them,
 * so -s above the path MTU still measures every hop. (IPv6 routers never
 * fragment; their "packet too big" teaches the kernel to fragment at the
 * source, and probe_path_mtu reports it.) */
static int clear_df(int fd, int family)
{
	int dont = IP_PMTUDISC_DONT;
	if (family != AF_INET)
		return 0;
	return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont));
}

static int apply_common(int fd, int family, const struct probe_params *cfg)
{
	if (clear_df(fd, family) < 0)
		return -1;
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
	socklen_t len = (socklen_t)model_addr_to_sockaddr(&a, 0, &ss);
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
	s->icmp = open_one(family, SOCK_RAW, probe_icmp_proto(family), cfg);
	if (s->icmp < 0 && (errno == EPERM || errno == EACCES) && cfg->proto == MODEL_PROTO_ICMP) {
		s->icmp = open_one(family, SOCK_DGRAM, probe_icmp_proto(family), cfg);
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

/* The kernel's software TX stamp is taken when the packet reaches the device,
 * where a capture sees it; without it the send time is read just before
 * sendmsg. Failing to enable it is not an error. Enabled once per socket:
 * the OPT_ID key counts on from there, across traces. */
static void enable_tx_stamps(struct probe_socks *s, enum model_proto proto)
{
	if (s->dgram) /* its error queue carries ICMP errors; keep it simple */
		return;
	unsigned flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
	                 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	int fd = proto == MODEL_PROTO_ICMP ? s->icmp : s->send;
	s->tx_stamps = setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags)) == 0;
}

static void close_socks(struct probe_socks *s)
{
	if (s->icmp >= 0)
		close(s->icmp);
	if (s->send >= 0)
		close(s->send);
	if (s->route >= 0)
		close(s->route);
	*s = (struct probe_socks){ .icmp = -1, .send = -1, .route = -1 };
}

static int open_family(struct probe_socks *s, int family, const struct probe_params *cfg)
{
	if (open_icmp(s, family, cfg) < 0 || open_sender(s, family, cfg) < 0)
		return -1;
	s->route = open_one(family, SOCK_DGRAM, IPPROTO_UDP, cfg);
	if (s->route < 0)
		return -1;
	enable_tx_stamps(s, cfg->proto);
	return 0;
}

/* Opens the families cfg asks for; the count opened, and the first errno of
 * a family that failed. */
static int open_families(struct probe_sockets *s, const struct probe_params *cfg,
                         int *first_errno)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	int opened = 0;
	for (int i = 0; i < 2; i++) {
		s->fam[i] = (struct probe_socks){ .icmp = -1, .send = -1, .route = -1 };
		if (cfg->family != AF_UNSPEC && cfg->family != families[i])
			continue;
		if (open_family(&s->fam[i], families[i], cfg) == 0) {
			opened++;
			continue;
		}
		if (!*first_errno)
			*first_errno = errno;
		close_socks(&s->fam[i]);
	}
	return opened;
}

/* The errno alone does not say what to do about it. */
static void explain_open_failure(const struct probe_params *cfg, int e, char *err, size_t errlen)
{
	if (e == EADDRNOTAVAIL && cfg->src_addr && *cfg->src_addr)
		probe_set_err(err, errlen, "cannot open probe sockets: -a %s is not an address of this "
		              "host", cfg->src_addr);
	else if (e == EPERM || e == EACCES)
		probe_set_err(err, errlen, "cannot open probe sockets: %s (raw sockets need root or "
		              "CAP_NET_RAW, e.g. setcap cap_net_raw+ep on hopdoc; ICMP without them "
		              "needs the group in net.ipv4.ping_group_range)", strerror(e));
	else
		probe_set_err(err, errlen, "cannot open probe sockets: %s", strerror(e));
}

struct probe_sockets *probe_sockets_open(const struct probe_params *cfg, char *err,
                                         size_t errlen)
{
	struct probe_sockets *s = calloc(1, sizeof(*s));
	if (!s) {
		probe_set_err(err, errlen, "out of memory");
		return NULL;
	}
	s->proto = cfg->proto;
	int first_errno = 0;
	if (open_families(s, cfg, &first_errno) == 0) {
		explain_open_failure(cfg, first_errno, err, errlen);
		free(s);
		return NULL;
	}
	return s;
}

bool probe_sockets_can(const struct probe_sockets *s, int family)
{
	if (family != AF_INET && family != AF_INET6)
		return false;
	return s->fam[probe_fam_index(family)].icmp >= 0;
}

/* FORCE passes net.core.rmem_max while we still hold CAP_NET_ADMIN; without
 * it the plain option takes what rmem_max allows, silently: what was
 * granted is read back. INT_MAX for no socket, -1 when refused. */
static int set_rcvbuf(int fd, int bytes)
{
	if (fd < 0)
		return INT_MAX;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) < 0)
		return -1;
	int got = 0;
	socklen_t len = sizeof(got);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len) < 0)
		return -1;
	return got / 2; /* the kernel doubles what it is asked for */
}

int probe_sockets_set_rcvbuf(struct probe_sockets *s, int bytes)
{
	int least = INT_MAX;
	for (int i = 0; i < 2; i++) {
		int a = set_rcvbuf(s->fam[i].icmp, bytes), b = set_rcvbuf(s->fam[i].send, bytes);
		if (a < 0 || b < 0)
			return -1;
		least = a < least ? a : least;
		least = b < least ? b : least;
	}
	return least == INT_MAX ? bytes : least;
}

void probe_sockets_close(struct probe_sockets *s)
{
	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		close_socks(&s->fam[i]);
	free(s);
}

/* ---- what a trace asks of them ---------------------------------------------- */

int probe_sender_fd(const struct probe *p)
{
	return p->prm.proto == MODEL_PROTO_ICMP ? p->s->icmp : p->s->send;
}

/* The source address the kernel would choose towards dst (for checksums and
 * for matching quotes), learned by connecting a UDP socket: nothing is sent.
 * A UDP socket may be connected again, so one serves every trace. */
int probe_sock_learn_source(struct probe *p, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)model_addr_to_sockaddr(&p->flow.dst, 33434, &ss);
	if (connect(p->s->route, (struct sockaddr *)&ss, len) < 0) {
		probe_set_err(err, errlen, "no route to %s: %s", p->prm.target, strerror(errno));
		return -1;
	}
	len = sizeof(ss);
	if (getsockname(p->s->route, (struct sockaddr *)&ss, &len) < 0) {
		probe_set_err(err, errlen, "getsockname: %s", strerror(errno));
		return -1;
	}
	model_addr_from_sockaddr((struct sockaddr *)&ss, &p->flow.src);
	return 0;
}

/* A datagram ICMP socket's identifier is its port, chosen by the kernel at
 * the first bind; later traces find it bound (EINVAL) and read the same port. */
int probe_sock_dgram_ident(struct probe *p)
{
	struct sockaddr_storage ss;
	struct model_addr any = { .family = p->flow.family };
	socklen_t len = (socklen_t)model_addr_to_sockaddr(&any, 0, &ss);
	if (bind(p->s->icmp, (struct sockaddr *)&ss, len) < 0 && errno != EINVAL)
		return -1;
	len = sizeof(ss);
	if (getsockname(p->s->icmp, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	p->flow.ident = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
	                                        : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

/* The kernel learns an IPv6 path MTU from "packet too big" for ICMPv6 echo
 * probes (icmpv6_err), but for a raw UDP or TCP sender only when that socket
 * asks for errors (rawv6_err): without it every probe would go out too big
 * again and every hop past the narrow link would stay silent (as in mtr).
 * So once a hop says "too big", the sender asks for errors, the next "too
 * big" teaches the kernel the MTU, and it fragments probes at the source from
 * then on. The errors it queues are drained with the TX stamps (probe_rx.c).
 * Each trace starts with it off (turning it off empties the queue). IPv4
 * probes carry no DF and need nothing. */
void probe_sock_learn_mtu(const struct probe *p, bool on)
{
	int v = on;
	if (p->flow.family == AF_INET6 && p->prm.proto != MODEL_PROTO_ICMP)
		(void)setsockopt(probe_sender_fd(p), IPPROTO_IPV6, IPV6_RECVERR, &v, sizeof(v));
}

static void drain_fd(int fd)
{
	char buf[64];
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	while (recv(fd, buf, sizeof(buf), MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
		;
}

/* What the sockets queued before a trace starts cannot answer its probes:
 * late replies of the trace before, stray traffic, old TX stamps. (Replies
 * still on their way are told apart by their sequence numbers, which go on
 * from trace to trace.) Reading a datagram ICMP socket's error queue also
 * clears its pending error. */
void probe_sock_drain(const struct probe_socks *s)
{
	drain_fd(s->icmp);
	if (s->send >= 0)
		drain_fd(s->send);
}
