/* probe_rx: replies, ICMP errors from a datagram socket's error queue, and
 * kernel timestamps. Every socket has its own callback, so none has to work
 * out which socket woke it.
 * Tests: tests/unit/probe/test_probe.c tests/lab/t_probe.sh. */
#include <time.h> /* linux/errqueue.h needs struct timespec */

#include <assert.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <string.h>

#include "probe/probe_clock.h"
#include "probe/probe_int.h"
#include "probe/probe_nat.h"

#define RX_BUF 2048u         /* an ICMP error quoting our probe fits easily */
#define RX_BATCH PROBE_RX_BATCH

static int64_t rx_stamp(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return probe_clock_mono_ns(&ts);
		}
	}
	return evloop_now_ns();
}

static void learn_from_reply(struct probe *p, unsigned ttl, bool from_target, int64_t rtt_ns)
{
	p->answered[ttl] = true;
	p->silent[ttl] = false;
	probe_path_answer(p, ttl, from_target, rtt_ns);
}

static void deliver(struct probe *p, const struct packet_reply *r, enum packet_match m,
                    uint16_t wseq, int64_t rx_ns)
{
	const struct probe_slot *s = probe_table_slot(p->table, wseq);
	if (!s || (s->state != PROBE_SLOT_WAITING && s->state != PROBE_SLOT_TIMED_OUT))
		return; /* never sent, or a duplicate */
	/* The reply's own kernel stamp decides: a process woken late (a busy
	 * machine) may read it after its -Z ran out but before the timeout timer
	 * ran. Only this probe is timed out here; queues are not read in stamp
	 * order, so others are left to the timer. */
	if (s->state == PROBE_SLOT_WAITING && rx_ns >= s->sent_ns + probe_sched_timeout_ns(p))
		probe_sched_expire(p, wseq);
	bool late = s->state == PROBE_SLOT_TIMED_OUT;
	p->seen_late = p->seen_late || late;
	probe_table_resolve(p->table, wseq, PROBE_SLOT_ANSWERED);
	int64_t rtt = rx_ns - s->sent_ns;
	struct event ev = { .type = late ? EVENT_LATE : EVENT_REPLY, .ttl = s->ttl,
		            .seq = s->run_seq - p->seq_base, .round = s->round, .from = r->from,
		            .from_target = m == PACKET_FROM_TARGET,
		            .rtt_ms = (double)(rtt > 0 ? rtt : 0) / 1e6, .flow = s->flow };
	ev.n_mpls = r->n_mpls < MODEL_MAX_MPLS ? r->n_mpls : MODEL_MAX_MPLS;
	memcpy(ev.mpls, r->mpls, ev.n_mpls * sizeof(ev.mpls[0]));
	ev.nat = probe_nat_rewritten(&p->flow, r, wseq, p->txbuf, p->txlen);
	learn_from_reply(p, s->ttl, ev.from_target, rtt);
	if (p->mda)
		probe_mda_note(&p->mda[s->ttl], &r->from);
	probe_emit(p, &ev);
}

/* The hop that sent a "too big" error is the one the probe reached with
 * `quoted_ttl` left (routers check the MTU before they lower the TTL). */
static unsigned too_big_hop(unsigned probe_ttl, unsigned quoted_ttl)
{
	if (quoted_ttl == 0 || quoted_ttl > probe_ttl)
		return 0;
	return probe_ttl - quoted_ttl + 1;
}

/* A hop says the probe was too big for its next link: the probe is lost (it
 * times out as in mtr) and the path MTU is noted, the smallest one kept. */
static void note_too_big(struct probe *p, const struct packet_reply *r, uint16_t wseq)
{
	const struct probe_slot *s = probe_table_slot(p->table, wseq);
	if (!s || s->state == PROBE_SLOT_FREE || r->mtu == 0)
		return;
	if (p->mtu.mtu != 0 && r->mtu >= p->mtu.mtu)
		return;
	p->mtu.mtu = r->mtu;
	p->mtu.hop = too_big_hop(s->ttl, r->quote.ttl);
	p->mtu.from = r->from;
	probe_sock_learn_mtu(p, true);
}

static void handle_match(struct probe *p, const struct packet_reply *r, enum packet_match m,
                         uint16_t wseq, int64_t rx_ns)
{
	if (m == PACKET_TOO_BIG_AT_HOP)
		note_too_big(p, r, wseq);
	else if (m != PACKET_NOT_OURS)
		deliver(p, r, m, wseq, rx_ns);
}

void probe_rx_reply(struct probe *p, const struct packet_reply *r, int64_t rx_ns)
{
	uint16_t wseq;
	enum packet_match m = packet_match(&p->flow, r, &wseq);
	handle_match(p, r, m, wseq, rx_ns);
}

static void handle_datagram(void *ctx, uint8_t proto, const uint8_t *buf, size_t len,
                            const struct sockaddr_storage *from, int64_t rx_ns)
{
	struct probe *p = ctx;
	struct packet_rx rx = { .family = p->flow.family, .proto = proto };
	rx.ip_header = p->flow.family == AF_INET && !p->s->dgram;
	model_addr_from_sockaddr((const struct sockaddr *)from, &rx.from);
	struct packet_reply r;
	if (packet_parse(&rx, buf, len, &r) < 0)
		return;
	probe_rx_reply(p, &r, rx_ns);
}

/* A datagram ICMP socket's error queue: packet decodes, the engine delivers. */
static void handle_errqueue(struct probe *p, struct msghdr *msg, const uint8_t *buf, size_t len,
                            int64_t rx_ns)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct packet_errq q = { .family = p->flow.family, .level = c->cmsg_level,
			                 .type = c->cmsg_type, .data = CMSG_DATA(c),
			                 .data_len = c->cmsg_len - CMSG_LEN(0), .quote = buf,
			                 .quote_len = len };
		struct packet_reply r;
		uint16_t wseq;
		if (packet_parse_errqueue(&q, &r) < 0)
			continue;
		enum packet_match m = packet_match_errqueue(&p->flow, &r, &wseq);
		handle_match(p, &r, m, wseq, rx_ns);
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
	int64_t tx_ns = probe_clock_mono_ns(rt);
	if (tx_ns < t->before_ns - TX_SLACK_BEFORE_NS || tx_ns > t->after_ns + TX_SLACK_AFTER_NS)
		return;
	probe_table_restamp(p->table, t->run_seq, tx_ns);
}

static bool is_recverr(const struct cmsghdr *c)
{
	return (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
	       (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR);
}

int probe_rx_read_tx_stamp(int fd, uint32_t *key, struct timespec *stamp)
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
		return -1;
	bool have_key = false;
	*stamp = (struct timespec){ 0, 0 };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
			struct scm_timestamping ts;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			*stamp = ts.ts[0];
		} else if (is_recverr(c)) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			have_key = ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING;
			*key = ee.ee_data;
		}
	}
	return have_key && (stamp->tv_sec || stamp->tv_nsec) ? 1 : 0;
}

/* Reads one TX stamp from fd's error queue; false when there is none. */
bool probe_rx_tx_stamp(struct probe *p, int fd)
{
	uint32_t key = 0;
	struct timespec stamp;
	int got = probe_rx_read_tx_stamp(fd, &key, &stamp);
	if (got < 0)
		return false;
	struct probe *owner = p->group && got ? probe_group_tx_owner(p->group, p->s, key) : p;
	if (got && owner)
		apply_tx_stamp(owner, key, &stamp);
	return true;
}

/* One recvmmsg takes every reply that is waiting (up to RX_BATCH): one
 * syscall per wake-up in the common case. Returns the count read. */
int probe_rx_read(int fd, uint8_t proto, probe_rx_fn fn, void *ctx, const bool *stop)
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
	for (int i = 0; i < n && !(stop && *stop); i++)
		fn(ctx, proto, buf[i], mm[i].msg_len, &from[i], rx_stamp(&mm[i].msg_hdr));
	return n;
}

static void read_replies(struct probe *p, int fd, uint8_t proto)
{
	while (!p->finished && probe_rx_read(fd, proto, handle_datagram, p, &p->finished) == RX_BATCH)
		;
}

/* Reads one ICMP error from the datagram ICMP socket's error queue; false
 * when there is none. */
bool probe_rx_icmp_error(struct probe *p)
{
	uint8_t buf[RX_BUF];
	union {
		struct cmsghdr align;
		char b[512];
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.b,
		              .msg_controllen = sizeof(cbuf.b) };
	ssize_t n = recvmsg(p->s->icmp, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
	if (n < 0)
		return false;
	handle_errqueue(p, &msg, buf, (size_t)n, rx_stamp(&msg));
	return true;
}

/* Send stamps are read before replies, so that replies read next use them
 * (usually they were read right after sendmsg already). */
static void read_tx_stamps(struct probe *p, int fd)
{
	while (probe_rx_tx_stamp(p, fd))
		;
}

/* The ICMP socket: every ICMP reply; for ICMP probes also their TX stamps;
 * a datagram socket's error queue holds ICMP errors instead. */
static void on_icmp_fd(void *ctx, int fd, unsigned events)
{
	struct probe *p = ctx;
	if ((events & EVLOOP_ERROR) && p->s->tx_stamps && p->prm.proto == MODEL_PROTO_ICMP)
		read_tx_stamps(p, fd);
	if ((events & EVLOOP_ERROR) && p->s->dgram)
		while (!p->finished && probe_rx_icmp_error(p))
			;
	if (events & EVLOOP_READ)
		read_replies(p, fd, (uint8_t)probe_icmp_proto(p->flow.family));
	probe_sched_end_rounds(p);
}

/* The raw UDP or TCP sender: TX stamps; for TCP also SYN-ACK and RST. Its
 * error queue may also hold ICMP errors (probe_sock_learn_mtu), read and
 * dropped with the stamps: the ICMP socket has them too. */
static void on_sender_fd(void *ctx, int fd, unsigned events)
{
	struct probe *p = ctx;
	if (events & EVLOOP_ERROR)
		read_tx_stamps(p, fd);
	if (p->prm.proto == MODEL_PROTO_UDP)
		return; /* the UDP sender receives nothing else */
	if (events & EVLOOP_READ)
		read_replies(p, fd, IPPROTO_TCP);
	probe_sched_end_rounds(p);
}

int probe_rx_register(struct probe *p)
{
	p->fds_added = true;
	/* The sender goes first: the loop dispatches in this order, so a late
	 * TX stamp is read before a reply that came in the same wake-up. */
	if (p->prm.proto != MODEL_PROTO_ICMP &&
	    evloop_add_fd(p->loop, p->s->send, EVLOOP_READ, on_sender_fd, p) < 0)
		return -1;
	return evloop_add_fd(p->loop, p->s->icmp, EVLOOP_READ, on_icmp_fd, p);
}
