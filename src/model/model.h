/* model: what a traced path is, independent of how it was measured.
 *
 * A trace is filled by the probe engine (through hop statistics) or by an
 * importer, and read by renderers and the diagnosis. It is plain data: the
 * renderers are pure functions of it, which is what lets them be golden-tested.
 * Times are milliseconds in doubles; counts are unsigned. */
#ifndef HOPDOC_MODEL_H
#define HOPDOC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEL_MAX_RESPONDERS 8 /* mtr shows up to 8 responders per TTL */
#define MODEL_MAX_HOPS 255     /* the largest TTL */
#define MODEL_NAME_MAX 256     /* a DNS name (253) plus room */
#define MODEL_MAX_MPLS 8
#define MODEL_IPINFO_MAX 128   /* an origin TXT record, as mtr keeps (127 + NUL) */
#define MODEL_IPINFO_FIELDS 5  /* mtr's -y 0..4: ASN, prefix, country, registry, date */

struct model_addr {
	int family; /* AF_INET, AF_INET6, or AF_UNSPEC when unknown */
	uint8_t bytes[16];
};

struct model_mpls {
	uint32_t label;
	uint8_t tc;
	uint8_t s;
	uint8_t ttl;
};

/* A responder's own figures. With constant flows (Paris probing) every probe
 * of one flow at a TTL reaches the same responder, so the probes of the flows
 * it answered are its own: Snt counts those settled (answered, timed out or
 * late), Loss% = Drop / Snt. Only the collector fills them (has); imports
 * and mtr's per-probe ports have none. */
struct model_resp_stats {
	bool has;
	unsigned long snt, recv, drop, late;
	double loss_pct, last, avg, best, wrst, stdev; /* ms */
	uint64_t flows;       /* bit k: flow k (--flows) reaches it at this TTL */
};

/* One router (or the target) seen answering at a hop. */
struct model_responder {
	struct model_addr addr;       /* AF_UNSPEC when an import gave only a name */
	char text[MODEL_NAME_MAX];    /* address as text, or the host string imported */
	char name[MODEL_NAME_MAX];    /* reverse DNS name; "" when none */
	uint32_t asn;                 /* 0 when unknown */
	/* -z/-y: the origin TXT record, "ASN | prefix | CC | registry | date"
	 * (origin.asn.cymru.com's form); "" when not looked up or unknown. */
	char ipinfo[MODEL_IPINFO_MAX];
	unsigned long replies;        /* replies from this responder */
	struct model_mpls mpls[MODEL_MAX_MPLS];
	unsigned n_mpls;
	struct model_resp_stats stats; /* its own figures, when known */
	bool nat; /* its replies quoted our probe rewritten: a NAT lies before it */
};

/* Which optional figures a hop carries; imports do not have them all. */
enum model_hop_has {
	MODEL_HAS_RECV = 1u << 0,
	MODEL_HAS_LAST = 1u << 1,
	MODEL_HAS_STDEV = 1u << 2,
	MODEL_HAS_GMEAN = 1u << 3,
	MODEL_HAS_JITTER = 1u << 4,
	MODEL_HAS_DROP = 1u << 5,
	MODEL_HAS_BUCKETS = 1u << 6, /* rtt_bucket and rtt_sum (live runs only) */
};

/* The RTT histogram's bucket bounds, for exporters (Prometheus wants a
 * histogram, and cannot rebuild one from a mean and a deviation). Fixed
 * bounds from 0.25 ms to 5 s, so every hop and every run is comparable. */
#define MODEL_RTT_BUCKETS 14

/* Upper bound (ms, inclusive) of bucket i < MODEL_RTT_BUCKETS. */
double model_rtt_bucket_ms(unsigned i);

/* The bucket an RTT falls in; MODEL_RTT_BUCKETS when above the last bound. */
unsigned model_rtt_bucket_of(double rtt_ms);

/* Statistics are per TTL, as in mtr. */
struct model_hop {
	unsigned ttl; /* 1-based hop number */
	/* Most hops have one responder, a few up to MODEL_MAX_RESPONDERS: they
	 * are allocated as they come (the hop owns them; model_hop_free). */
	struct model_responder *resp;
	unsigned n_resp;        /* 0: nobody answered (mtr prints ???) */
	unsigned cap_resp;      /* allocation bookkeeping */
	unsigned latest;        /* index in resp of the most recent responder */
	unsigned long snt;      /* probes sent */
	unsigned long recv;     /* replies received in time */
	unsigned long drop;     /* probes timed out; excludes those in flight */
	unsigned long late;     /* replies that came after their probe timed out */
	double loss_pct;        /* drop / (snt - in flight) * 100 */
	double last, avg, best, wrst, stdev, gmean; /* ms */
	double jttr, javg, jmax, jint;              /* ms, mtr's definitions */
	unsigned has;           /* enum model_hop_has bits */
	/* In-time replies per RTT bucket (not cumulative; those above the last
	 * bound are recv minus their sum) and the sum of their RTTs (ms). */
	unsigned long rtt_bucket[MODEL_RTT_BUCKETS];
	double rtt_sum;
};

enum model_proto { MODEL_PROTO_ICMP, MODEL_PROTO_UDP, MODEL_PROTO_TCP };

struct model_trace {
	char src[MODEL_NAME_MAX];  /* local host name (mtr's HOST:, "src") */
	char dst[MODEL_NAME_MAX];  /* the target as the user gave it */
	struct model_addr dst_addr;
	enum model_proto proto;
	int tos;
	unsigned psize;            /* packet size, as mtr's -s */
	int bitpattern;            /* -B; mtr prints 0x00 by default */
	unsigned long tests;       /* cycles asked for (-c) */
	int64_t start_time;        /* Unix seconds; mtr's "Start:"; 0 when unknown */
	int64_t report_time;       /* Unix seconds the report was made: what mtr's CSV
	                              calls Start_Time; 0 when unknown (start_time then) */
	bool reached;              /* the target answered at least once */
	/* The path MTU a hop reported (ICMP fragmentation needed / packet too
	 * big): packets above path_mtu bytes stop or are fragmented after hop
	 * path_mtu_hop (0 when unknown), which path_mtu_from is. 0: none known. */
	unsigned path_mtu;
	unsigned path_mtu_hop;
	struct model_addr path_mtu_from;
	struct model_hop *hops;    /* hops[i].ttl == first_ttl + i */
	size_t n_hops;
	size_t cap_hops;
	/* Path epochs (below): on a live run whose route changed, the hops are
	 * the current epoch's, which began at round epoch_first_round; the
	 * earlier ones are in epochs, oldest first. None otherwise. */
	unsigned long epoch_first_round;
	struct model_epoch *epochs;
	size_t n_epochs;
};

/* Path epochs: the earlier stretches of a live run, each with the path it
 * had. A route change mid-run (the responders at a TTL, or the target's
 * TTL, change and stay changed: stats/epoch_detect.h defines it) splits the
 * run. A trace's hops are its current epoch, the latest path, as mtr users
 * expect; each earlier epoch keeps its rounds and its own hops and figures,
 * so nothing from before a change is mixed into the current figures. */
struct model_epoch {
	unsigned long first_round; /* 0-based, as the engine counts rounds */
	/* The last round its figures count: the last whole round before the
	 * change (a round straddling it counts in neither epoch); when the
	 * collector's log no longer held its start, the round the change was
	 * recognized in, whose figures it keeps as they stood. */
	unsigned long last_round;
	unsigned change_ttl;       /* the TTL where the change was seen at its end */
	bool end_moved;            /* the change moved the target to another TTL */
	struct model_trace *path;  /* its hops and their figures then (owned) */
};

/* Appends e to t's earlier epochs, taking its path (freed on failure);
 * 0, or -1 out of memory. */
int model_epoch_add(struct model_trace *t, struct model_epoch *e);

/* Frees t's oldest earlier epoch (none: nothing happens). */
void model_epoch_drop_oldest(struct model_trace *t);

struct model_trace *model_trace_new(void);
/* Frees t, its hops and its earlier epochs. */
void model_trace_free(struct model_trace *t);

/* A deep copy of t (hops, their responders, earlier epochs); NULL out of memory. */
struct model_trace *model_trace_dup(const struct model_trace *t);

/* Makes dst's first n hops copies of src's (n <= src->n_hops) and drops the
 * rest of dst's; 0, or -1 out of memory (dst still a valid trace). */
int model_trace_copy_hops(struct model_trace *dst, const struct model_trace *src, size_t n);

/* Drops the hops from index n on (their responders freed). */
void model_trace_truncate(struct model_trace *t, size_t n);

/* Frees a hop's responders; the hop then has none. For hops outside a
 * trace (a trace frees its own). */
void model_hop_free(struct model_hop *h);

/* Makes dst a copy of src, responders included (dst's own reused or freed);
 * 0, or -1 out of memory (dst unchanged). */
int model_hop_copy(struct model_hop *dst, const struct model_hop *src);

/* The hop with this TTL, created (with every hop before it) when missing.
 * NULL when ttl is 0 or above MODEL_MAX_HOPS, or memory runs out. */
struct model_hop *model_trace_hop(struct model_trace *t, unsigned ttl);

/* The responder with this address at the hop, added when new; NULL when the
 * hop already holds MODEL_MAX_RESPONDERS others or memory runs out. Does not
 * change `latest`. Adding may move the hop's responders: a pointer to one
 * is good until the next responder is added. */
struct model_responder *model_hop_responder(struct model_hop *h, const struct model_addr *a);

/* The responder whose host string is `text` (for imports without addresses). */
struct model_responder *model_hop_responder_text(struct model_hop *h, const char *text);

/* Text form of an address ("10.0.0.1", "fd00::1"); "???" for AF_UNSPEC.
 * Returns buf. */
const char *model_addr_text(const struct model_addr *a, char *buf, size_t len);

/* Parses a numeric IPv4 or IPv6 address; 0 on success, -1 otherwise. */
int model_addr_parse(const char *text, struct model_addr *a);

bool model_addr_equal(const struct model_addr *a, const struct model_addr *b);

struct sockaddr;
struct sockaddr_storage;

/* The address of an AF_INET/AF_INET6 socket address; AF_UNSPEC otherwise. */
void model_addr_from_sockaddr(const struct sockaddr *sa, struct model_addr *a);

/* a (AF_INET or AF_INET6) with port as a socket address; returns its length,
 * or 0 when a has no family. */
unsigned model_addr_to_sockaddr(const struct model_addr *a, uint16_t port,
                                struct sockaddr_storage *ss);

/* The name a report shows for a responder: the DNS name when there is one and
 * names are wanted, else its text. */
const char *model_responder_label(const struct model_responder *r, bool want_names);

/* Field n (0..MODEL_IPINFO_FIELDS-1) of an origin TXT record, trimmed, into
 * buf: mtr's -y n. An ASN field holding several ("13335 209242") keeps its
 * first, as mtr shows it. Returns buf; "" when the record has no such field. */
const char *model_ipinfo_field(const char *txt, unsigned n, char *buf, size_t len);

/* The origin AS of a TXT record (its first number); 0 when none. */
uint32_t model_ipinfo_asn(const char *txt);

/* Replaces, in place, every byte of s that is not part of a valid UTF-8
 * sequence with '?', keeping the length. Reports come in Latin-1 as often as
 * UTF-8, and DNS names may hold any byte; the JSON output must stay valid. */
void model_text_clean(char *s);

#endif
