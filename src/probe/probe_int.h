/* probe_int: the engine's state and the calls between its files. Internal to
 * src/probe (scripts/layers.sh). One job per file:
 *   probe.c        parameters: defaults and their check
 *   probe_trace.c  a trace's lifecycle (setup, free), events, the end
 *   probe_sock.c   the privileged open, socket options, source address
 *   probe_sched.c  rounds, pacing, timeouts, the grace wait
 *   probe_send.c   one probe onto the wire
 *   probe_rx.c     replies, ICMP errors, kernel timestamps
 *   probe_group.c  many traces on one socket set and loop (probe_group.h)
 *   probe_table.c, probe_pace.c   pure helpers (their own headers)
 *   probe_one.c    single probes on the same sockets (probe_one.h) */
#ifndef HOPDOC_PROBE_INT_H
#define HOPDOC_PROBE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "probe/packet.h"
#include "probe/probe.h"
#include "probe/probe_mda.h"
#include "probe/probe_pace.h"
#include "probe/probe_table.h"

/* One family's sockets. They outlive traces, so what the kernel counts per
 * socket (the TX stamp key) lives here too. */
struct probe_socks {
	int icmp;      /* sends ICMP probes, receives every ICMP reply */
	int send;      /* raw UDP or TCP socket sending those probes; -1 for ICMP */
	int route;     /* UDP socket used to learn the source address */
	bool dgram;    /* icmp is a datagram ICMP socket (unprivileged) */
	bool tx_stamps;         /* SO_TIMESTAMPING is on for the sender */
	uint32_t tx_next_key;   /* the sender's next OPT_ID stamp key */
};

struct probe_sockets {
	enum model_proto proto;
	struct probe_socks fam[2];   /* [0] IPv4, [1] IPv6; fds -1 when not open */
	/* Where the next trace's probe numbers start: each trace on these
	 * sockets goes on from the last one's, so a late reply to the last trace
	 * (the same address may come twice in -F) finds no probe of the next. */
	unsigned long next_seq;
};

struct probe_tx {
	unsigned long run_seq;
	unsigned flow;                /* --flows: the flow it goes on */
	int64_t before_ns, after_ns;  /* monotonic, around sendmsg */
};

struct probe {
	struct probe_params prm;
	struct probe_socks *s;        /* the target's family */
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
	/* Whether the path end still answers (it may move when a route
	 * changes): probes sent to path_len since the target last answered
	 * there, when the first of them left, and the slowest target reply. */
	unsigned end_missed;
	int64_t end_missed_since_ns;
	int64_t target_rtt_max_ns;

	struct probe_sockets *socks;
	unsigned long seq_base;       /* socks->next_seq when the trace began */
	unsigned long next_seq;       /* the next probe's number; events count from seq_base */
	unsigned long round;          /* round being sent */
	unsigned long rounds_begun;   /* rounds whose sending started */
	unsigned long next_end;       /* lowest round without ROUND_END */
	bool round_sent;              /* every probe of `round` went out */
	unsigned next_ttl;
	unsigned next_flow;           /* the flow next_ttl's next probe goes on */
	/* Responders per TTL, by TTL, for the MDA rule; NULL without --flows
	 * (one flow: the rule has nothing to decide, and 1,000 monitored
	 * traces would hold 42 KiB each for it). */
	struct probe_mda_ttl *mda;
	int64_t last_send_ns;         /* when this round's last probe left */
	int64_t round_start_ns;
	int64_t next_round_ns;        /* when the next round is due */
	struct probe_bucket bucket;
	struct probe_bucket *rate;    /* &bucket, or the group's shared one */
	double rate_burst;            /* the tokens *rate holds at most */
	struct probe_group *group;    /* NULL for a trace on its own */

	unsigned long *fifo;          /* run seqs in send order, for timeouts */
	size_t fifo_head, fifo_len, fifo_cap; /* fifo_cap: the table's slots */

	/* Kernel TX stamps come back by a per-socket counter (OPT_ID); this maps
	 * the counter to the probe and the window its stamp must fall in. */
	struct probe_tx *tx;

	bool fds_added;
	evloop_timer_id send_timer, timeout_timer, grace_timer;
	bool sending_done, finished;
	bool seen_late;      /* a reply on this path came after its -Z */
	struct probe_mtu mtu;         /* the smallest MTU a hop reported; mtu 0 none */
	int status;
	char error[256];
};

/* probe_trace.c; probe_setup_in is probe_setup for a trace of group g
 * (NULL: on its own), which registers nothing with the loop. */
struct probe *probe_setup_in(struct probe_sockets *s, const struct probe_params *params,
                             struct evloop *loop, event_fn on_event, void *ctx,
                             struct probe_group *g, char *err, size_t errlen);
void probe_emit(struct probe *p, struct event *ev);
void probe_emit_slot(struct probe *p, enum event_type type, const struct probe_slot *s);
void probe_finish(struct probe *p);
void probe_fail(struct probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void probe_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* probe_sock.c */
size_t probe_fam_index(int family);
int probe_icmp_proto(int family);
int probe_sock_learn_source(struct probe *p, char *err, size_t errlen);
int probe_sock_dgram_ident(struct probe *p);
void probe_sock_drain(const struct probe_socks *s);
void probe_sock_learn_mtu(const struct probe *p, bool on);
int probe_sender_fd(const struct probe *p);

/* probe_sched.c */
void probe_sched_end_rounds(struct probe *p);
/* Schedules the first round at monotonic when_ns. */
int probe_sched_start_at(struct probe *p, int64_t when_ns);
void probe_sched_track(struct probe *p, unsigned long seq);
void probe_sched_arm_timeout(struct probe *p);
void probe_sched_expire(struct probe *p, uint16_t wseq);
/* -Z in nanoseconds. */
int64_t probe_sched_timeout_ns(const struct probe *p);

/* probe_send.c: probe TTL ttl on flow `flow`; 0, or -1 when sending failed
 * for good (p->error says why). */
int probe_send(struct probe *p, unsigned ttl, unsigned flow);

/* probe_trace.c: the path end (path_len) and its relearning. */
void probe_path_sent(struct probe *p, unsigned ttl, int64_t now_ns);
void probe_path_answer(struct probe *p, unsigned ttl, bool from_target, int64_t rtt_ns);
void probe_path_check(struct probe *p, int64_t now_ns);

/* probe_rx.c */
#define PROBE_RX_BATCH 8
typedef void (*probe_rx_fn)(void *ctx, uint8_t proto, const uint8_t *buf, size_t len,
                            const struct sockaddr_storage *from, int64_t rx_ns);
/* One recvmmsg of up to PROBE_RX_BATCH datagrams from fd, each handed to fn
 * until *stop (NULL: never); returns the count read. */
int probe_rx_read(int fd, uint8_t proto, probe_rx_fn fn, void *ctx, const bool *stop);
/* A parsed reply: matched against p's flow and delivered. */
void probe_rx_reply(struct probe *p, const struct packet_reply *r, int64_t rx_ns);
int probe_rx_register(struct probe *p);
bool probe_rx_tx_stamp(struct probe *p, int fd);
bool probe_rx_icmp_error(struct probe *p);
struct timespec;
/* Reads the next message of fd's error queue (the engine's and probe_one's
 * senders): -1 when the queue is empty; 1 when it is a TX stamp, its OPT_ID
 * key in *key and its kernel time (CLOCK_REALTIME) in *stamp; else 0. */
int probe_rx_read_tx_stamp(int fd, uint32_t *key, struct timespec *stamp);

/* probe_group.c: the TX stamp key -> trace map of a group's sockets. */
void probe_group_note_tx(struct probe_group *g, const struct probe_socks *s, uint32_t key,
                         struct probe *p);
struct probe *probe_group_tx_owner(const struct probe_group *g, const struct probe_socks *s,
                                   uint32_t key);

#endif
