/* probe_send: one probe onto the wire, with the TTL in a control message, and
 * its bookkeeping (table, timeout FIFO, TX stamp ring).
 * Tests: tests/unit/probe/test_probe.c tests/lab/t_probe.sh. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "probe/probe_int.h"

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

/* Sends probe wseq; tx gets the monotonic reads around sendmsg. */
static int send_wire(struct probe *p, uint16_t wseq, unsigned ttl, struct probe_tx *tx)
{
	int len = packet_build_flow(&p->flow, tx->flow, wseq, p->txbuf, p->txlen);
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	struct sockaddr_storage ss;
	/* Raw IPv6 sockets take the port field as the protocol; it must be 0. */
	socklen_t slen = (socklen_t)model_addr_to_sockaddr(&p->flow.dst, 0, &ss);
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	memset(&cbuf, 0, sizeof(cbuf));
	struct iovec iov = { .iov_base = p->txbuf, .iov_len = (size_t)len };
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = slen, .msg_iov = &iov,
		              .msg_iovlen = 1, .msg_control = cbuf.buf };
	msg.msg_controllen = put_ttl_cmsg(p, ttl, cbuf.buf);
	tx->before_ns = evloop_now_ns(); /* as late as user space can take it */
	ssize_t rc = sendmsg(probe_sender_fd(p), &msg, 0);
	tx->after_ns = evloop_now_ns();
	return rc < 0 ? -1 : 0;
}

static bool fatal_send_error(int e)
{
	return e == EMSGSIZE || e == EINVAL || e == EBADF || e == ENOTSOCK || e == EPERM ||
	       e == EACCES;
}

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
static int send_dgram(struct probe *p, uint16_t wseq, unsigned ttl, struct probe_tx *tx)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		while (!p->finished && probe_rx_icmp_error(p))
			;
		if (send_wire(p, wseq, ttl, tx) == 0)
			return 0;
		if (!icmp_errno(errno))
			break;
	}
	return -1;
}

/* A table's worth of probes in flight (a high rate and a long -Z): the
 * oldest, which holds the slot, is given up as lost, so Snt = Rcv + Drop
 * still holds. */
static void reclaim_slot(struct probe *p, uint16_t wseq)
{
	const struct probe_slot *s = probe_table_holder(p->table, wseq);
	if (s && s->state == PROBE_SLOT_WAITING)
		probe_sched_expire(p, probe_wire_seq(s->run_seq));
}

static bool send_failed_fatally(struct probe *p, int e)
{
	if (!fatal_send_error(e) || (p->s->dgram && icmp_errno(e)))
		return false;
	probe_fail(p, "sending a probe: %s", strerror(e));
	return true;
}

/* The probe is in flight (or lost on the way: left says which): in the
 * table, in the timeout FIFO, and in the TX stamp ring when it left. */
static void record_sent(struct probe *p, unsigned ttl, const struct probe_tx *tx, bool left)
{
	bool stamped = left && p->s->tx_stamps;
	if (stamped && p->group)
		probe_group_note_tx(p->group, p->s, p->s->tx_next_key, p);
	if (stamped)
		p->tx[p->s->tx_next_key++ % PACKET_SEQ_SPACE] = *tx;
	p->next_seq++;
	probe_table_sent(p->table, tx->run_seq, p->round, ttl, tx->before_ns);
	probe_sched_track(p, tx->run_seq);
	/* Most devices stamp inside sendmsg: take the stamp now rather than be
	 * woken for it. */
	if (stamped)
		probe_rx_tx_stamp(p, probe_sender_fd(p));
}

int probe_send(struct probe *p, unsigned ttl, unsigned flow)
{
	struct probe_tx tx = { .run_seq = p->next_seq, .flow = flow };
	uint16_t wseq = probe_wire_seq(tx.run_seq);
	reclaim_slot(p, wseq);
	if (p->finished)
		return 0;
	int rc = p->s->dgram ? send_dgram(p, wseq, ttl, &tx) : send_wire(p, wseq, ttl, &tx);
	if (p->finished)
		return 0;
	/* A transient send error (no buffer, unreachable) is a probe that is lost. */
	if (rc < 0 && send_failed_fatally(p, errno))
		return -1;
	record_sent(p, ttl, &tx, rc == 0);
	probe_table_set_flow(p->table, tx.run_seq, flow);
	struct event ev = { .type = EVENT_SENT, .ttl = ttl, .seq = tx.run_seq - p->seq_base,
			    .round = p->round, .flow = flow };
	probe_emit(p, &ev);
	probe_sched_arm_timeout(p);
	return 0;
}
