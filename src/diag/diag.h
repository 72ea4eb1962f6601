/* diag: the diagnosis engine. Reads traces the way an experienced network
 * engineer would and produces findings, following ../shared/docs/diagnosis.md
 * (rules R1..R13). Pure code over the model: no I/O, no printing.
 *
 * Every function appends to `out` (which the caller has initialised with
 * finding_list_init) the findings of one diagnosis, most important first, at
 * least one (`healthy` when nothing else). Returns 0, or -1 when memory runs
 * out (out then holds whatever was appended before). */
#ifndef HOPDOC_DIAG_H
#define HOPDOC_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "diag/diag_followup.h"
#include "diag/diag_oneway.h"
#include "model/finding.h"
#include "model/model.h"

/* One trace alone: an outbound trace (client -> target), so findings carry
 * direction `outbound` (diagnosis.md: a single trace measures the way out and
 * back as round trips; we name it by the way the probes went). R1..R9, R12. */
int diag_trace(const struct model_trace *t, struct finding_list *out);

/* R3's threshold: end-to-end loss from this percentage is a warning. */
double diag_loss_warning_pct(void);

/* R12's measure turned round: the probes per hop a trace needs before one
 * lost probe weighs less than loss_pct percent (and never fewer than R12's
 * minimum); below that, one unlucky probe reads as that much loss. */
unsigned long diag_probes_to_resolve(double loss_pct);

/* The rounds t still needs before a loss below diag_loss_warning_pct can be
 * told from chance (diag_probes_to_resolve less the probes per hop that
 * diag_trace counts); 0 when it has them. For a live view. */
unsigned long diag_rounds_short(const struct model_trace *t);

/* A pair: outbound (client -> server) and return (server -> client), R10.
 * Segments are named from the client's point of view in both traces. Either
 * may be NULL, which is the same as diag_trace on the other one (a NULL
 * outbound gives direction `return`). */
int diag_pair(const struct model_trace *outbound, const struct model_trace *ret,
              struct finding_list *out);

/* diag_pair with a live run's one-way stream (ow may be NULL: diag_pair):
 * loss findings take the direction the stream measured, or `unknown` with
 * the reason when it could not pass (diag_oneway_apply). */
int diag_pair_oneway(const struct model_trace *outbound, const struct model_trace *ret,
                     const struct diag_oneway *ow, struct finding_list *out);

/* Several clients' outbound traces to one server, R11. n >= 1. */
int diag_clients(const struct model_trace *const *outbound, size_t n, struct finding_list *out);

/* Host counters (seed 004), R13: deltas over the sampling window, which
 * src/host measures (`hopdoc host`, --diagnose) and the CLI copies here. A
 * field is only used when its `has_` flag is set. Zeroed fields keep the
 * older meaning: server side, window unknown (no rates). */
struct diag_host {
	double window_s; /* seconds between the samples; 0: unknown */
	bool on_client;  /* measured on the client: segment local, else destination */
	char nic_name[16]; /* the interface with the most drops; "" unknown */
	bool has_nic_drops;
	unsigned long nic_rx_drops;  /* ip -s link: RX dropped + missed + fifo */
	unsigned long nic_rx_errors; /* RX errors (CRC, frame, fifo) */
	unsigned long nic_tx_drops;  /* TX dropped + errors + fifo */
	bool has_ring; /* that interface's receive ring (ethtool -g) */
	unsigned long rx_ring, rx_ring_max;
	bool has_softnet;
	unsigned long softnet_dropped;  /* /proc/net/softnet_stat column 2 */
	unsigned long softnet_squeezed; /* column 3: time squeeze */
	bool has_softnet_cpu;           /* the CPU with the most backlog drops */
	unsigned softnet_top_cpu;
	unsigned long softnet_top_dropped;
	bool has_conntrack;
	unsigned long conntrack_count; /* nf_conntrack_count */
	unsigned long conntrack_max;   /* nf_conntrack_max */
	unsigned long conntrack_drops; /* insert_failed + drop + early_drop */
	bool has_tcp;
	unsigned long tcp_retrans_segs; /* RetransSegs delta */
	unsigned long tcp_out_segs;     /* OutSegs delta */
	bool has_listen;
	unsigned long listen_overflows; /* TcpExt ListenOverflows */
	unsigned long listen_drops;     /* TcpExt ListenDrops */
	bool has_udp;
	unsigned long udp_rcvbuf_errors; /* Udp RcvbufErrors */
};

/* R13: appends one host-* finding per counter that shows trouble over the
 * window (thresholds in docs/diagnosis.md), each naming its `counter` and
 * `rate_per_s`, then orders the whole list (most important first). Appends
 * nothing when the host is clean. `t` (may be NULL) is the trace whose
 * destination hop server-side drops would explain. */
int diag_host(const struct diag_host *h, const struct model_trace *t, struct finding_list *out);

/* --return-via: the host-* findings the server's hopdoc made of its own
 * counters over its return trace (server, as import_host_findings read them)
 * appended to out as the server's: segment destination, at outbound's
 * destination hop, "The server drops them itself: COUNTER at RATE/s." 0, or
 * -1 when memory runs out. */
int diag_host_server(const struct finding_list *server, const struct model_trace *outbound,
                     struct finding_list *out);

/* `hopdoc host`: diag_host without a trace, and `healthy` (naming the
 * counters that were not available) when no counter shows trouble. */
int diag_host_verdict(const struct diag_host *h, struct finding_list *out);

/* What to follow up after the main run's findings l of trace t: *target
 * when t's last probed hop is silent while earlier hops answer (R4 or R5),
 * *rate_ttl the first hop whose loss does not persist (R2; 0: none). */
void diag_followup_plan(const struct model_trace *t, const struct finding_list *l, bool *target,
                        unsigned *rate_ttl);

/* diag_trace with the follow-up's results: a target that answered any
 * follow-up probe is `destination-filtered` (it ignores only the main run's
 * kind of probe), one that answered none makes the end `path-interrupted`;
 * an R2 hop whose loss grows with the rate is confirmed rate limiting, one
 * whose loss does not is said not to be. Each follow-up is quoted in the
 * finding's evidence. fu NULL: diag_trace. */
int diag_trace_followup(const struct model_trace *t, const struct diag_followup *fu,
                        struct finding_list *out);

#endif
