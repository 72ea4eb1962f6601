/* probe_group: many traces on one socket set and one loop (probe_group.h).
 * Replies find their trace through a hash of target addresses; TX stamps
 * through a ring that maps each socket's stamp key to the trace that sent.
 * Tests: tests/unit/probe/test_probe_group.c tests/lab/t_monitor.sh. */
#include "probe/probe_group.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/probe_int.h"

struct group_fam {            /* one family's sockets, as the loop's ctx */
	struct probe_group *g;
	struct probe_socks *s;
	int family;
	struct probe *any;        /* a trace of this family (reads TX stamps) */
	struct probe **tx_owner;  /* PACKET_SEQ_SPACE entries, by stamp key */
	/* The traces' TX stamp windows, by stamp key: the key counts per
	 * socket, so one ring serves them all (a ring per trace would be
	 * touched all over by the keys of the others: 768 KiB each). */
	struct probe_tx *tx;
	bool registered;
};

struct probe_group {
	struct probe_sockets *socks;
	struct evloop *loop;
	double rate_pps;
	struct probe_bucket bucket;
	struct probe **trace;
	size_t n, cap;
	size_t *slot;             /* address hash: trace index + 1; 0 empty */
	size_t nslots;            /* a power of two, at least twice cap */
	struct group_fam fam[2];
	uint64_t seed;
};

/* ---- pure: start offsets ------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

int64_t probe_group_start_offset_ns(size_t index, size_t count, int64_t interval_ns,
                                    uint64_t seed)
{
	if (count == 0 || interval_ns <= 0)
		return 0;
	int64_t width = interval_ns / (int64_t)count;
	int64_t base = (int64_t)((__int128)interval_ns * (int64_t)(index % count) / (int64_t)count);
	int64_t jitter = width > 0 ? (int64_t)(mix64(seed ^ (uint64_t)index) % (uint64_t)width) : 0;
	return base + jitter;
}

/* ---- the address hash --------------------------------------------------------- */

static size_t addr_hash(const struct model_addr *a)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)a->family;
	size_t len = a->family == AF_INET6 ? 16 : 4;
	for (size_t i = 0; i < len; i++)
		h = (h ^ a->bytes[i]) * 1099511628211ULL;
	return (size_t)mix64(h);
}

static struct probe *find_trace(const struct probe_group *g, const struct model_addr *a)
{
	if (g->nslots == 0)
		return NULL;
	for (size_t i = addr_hash(a) & (g->nslots - 1);; i = (i + 1) & (g->nslots - 1)) {
		size_t k = g->slot[i];
		if (k == 0)
			return NULL;
		if (model_addr_equal(&g->trace[k - 1]->flow.dst, a))
			return g->trace[k - 1];
	}
}

static void hash_insert(struct probe_group *g, size_t index)
{
	size_t i = addr_hash(&g->trace[index]->flow.dst) & (g->nslots - 1);
	while (g->slot[i])
		i = (i + 1) & (g->nslots - 1);
	g->slot[i] = index + 1;
}

/* Room for one more trace: the array doubles and the hash is rebuilt. */
static int grow(struct probe_group *g)
{
	if (g->n < g->cap)
		return 0;
	size_t cap = g->cap ? g->cap * 2 : 16;
	struct probe **t = realloc(g->trace, cap * sizeof(*t));
	if (!t)
		return -1;
	g->trace = t;
	size_t *slot = calloc(cap * 2, sizeof(*slot));
	if (!slot)
		return -1;
	free(g->slot);
	g->slot = slot;
	g->nslots = cap * 2;
	g->cap = cap;
	for (size_t i = 0; i < g->n; i++)
		hash_insert(g, i);
	return 0;
}

/* ---- TX stamp owners ------------------------------------------------------------ */

static size_t fam_at(const struct probe_group *g, const struct probe_socks *s)
{
	return s == g->fam[1].s ? 1 : 0;
}

void probe_group_note_tx(struct probe_group *g, const struct probe_socks *s, uint32_t key,
                         struct probe *p)
{
	struct group_fam *f = &g->fam[fam_at(g, s)];
	if (f->tx_owner)
		f->tx_owner[key % PACKET_SEQ_SPACE] = p;
}

struct probe *probe_group_tx_owner(const struct probe_group *g, const struct probe_socks *s,
                                   uint32_t key)
{
	const struct group_fam *f = &g->fam[fam_at(g, s)];
	return f->tx_owner ? f->tx_owner[key % PACKET_SEQ_SPACE] : NULL;
}

/* ---- receiving ------------------------------------------------------------------- */

/* The address a reply names as its probe's destination. */
static const struct model_addr *reply_target(const struct packet_reply *r)
{
	return r->has_quote ? &r->quote.dst : &r->from;
}

static void dispatch(void *ctx, uint8_t proto, const uint8_t *buf, size_t len,
                     const struct sockaddr_storage *from, int64_t rx_ns)
{
	struct group_fam *f = ctx;
	struct packet_rx rx = { .family = f->family, .proto = proto,
		                .ip_header = f->family == AF_INET };
	model_addr_from_sockaddr((const struct sockaddr *)from, &rx.from);
	struct packet_reply r;
	if (packet_parse(&rx, buf, len, &r) < 0)
		return;
	struct probe *p = find_trace(f->g, reply_target(&r));
	if (!p || p->finished)
		return;
	probe_rx_reply(p, &r, rx_ns);
	probe_sched_end_rounds(p);
}

static void read_stamps(struct group_fam *f, int fd)
{
	if (!f->any) {
		char b[64];
		while (recv(fd, b, sizeof(b), MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
			;
		return;
	}
	while (probe_rx_tx_stamp(f->any, fd))
		;
}

static void on_icmp_fd(void *ctx, int fd, unsigned events)
{
	struct group_fam *f = ctx;
	if ((events & EVLOOP_ERROR) && f->s->tx_stamps && f->g->socks->proto == MODEL_PROTO_ICMP)
		read_stamps(f, fd);
	uint8_t proto = (uint8_t)probe_icmp_proto(f->family);
	if (events & EVLOOP_READ)
		while (probe_rx_read(fd, proto, dispatch, f, NULL) == PROBE_RX_BATCH)
			;
}

static void on_sender_fd(void *ctx, int fd, unsigned events)
{
	struct group_fam *f = ctx;
	if (events & EVLOOP_ERROR)
		read_stamps(f, fd);
	if (f->g->socks->proto == MODEL_PROTO_TCP && (events & EVLOOP_READ))
		while (probe_rx_read(fd, IPPROTO_TCP, dispatch, f, NULL) == PROBE_RX_BATCH)
			;
}

void probe_group_read_pending(struct probe_group *g)
{
	for (int i = 0; i < 2; i++) {
		struct group_fam *f = &g->fam[i];
		if (!f->registered)
			continue;
		if (f->s->send >= 0)
			on_sender_fd(f, f->s->send, EVLOOP_READ | EVLOOP_ERROR);
		on_icmp_fd(f, f->s->icmp, EVLOOP_READ | EVLOOP_ERROR);
	}
}

static int register_fam(struct probe_group *g, struct group_fam *f)
{
	if (f->s->icmp < 0)
		return 0;
	probe_sock_drain(f->s);
	f->registered = true;
	if (f->s->send >= 0 &&
	    evloop_add_fd(g->loop, f->s->send, EVLOOP_READ, on_sender_fd, f) < 0)
		return -1;
	return evloop_add_fd(g->loop, f->s->icmp, EVLOOP_READ, on_icmp_fd, f);
}

static void unregister_fam(struct probe_group *g, struct group_fam *f)
{
	if (!f->registered)
		return;
	evloop_del_fd(g->loop, f->s->icmp);
	if (f->s->send >= 0)
		evloop_del_fd(g->loop, f->s->send);
	f->registered = false;
}

/* ---- the group -------------------------------------------------------------------- */

/* A trace alone paces its probes one token apart (probe_burst); a group's
 * budget is shared by many targets, whose probes meet in no queue but the
 * first link: 2 ms worth of tokens lets traces that fall due together go
 * without each retrying on a timer (measured: the retries' timer churn was
 * most of the CPU with 1,000 targets). A loop that wakes once a window
 * (evloop_set_window) sends a window's probes at one wake-up: the burst
 * holds that too, or --rate could not be reached (2 tokens a 5 ms window is
 * 400 probes a second). */
static double group_burst(double rate_pps, const struct evloop *loop)
{
	double b = rate_pps * (0.002 + (double)evloop_window_ns(loop) / 1e9);
	return b > 1.0 ? b : 1.0;
}

struct probe_group *probe_group_new(struct probe_sockets *s, struct evloop *loop, double rate_pps,
                                    char *err, size_t errlen)
{
	if (s->fam[0].dgram || s->fam[1].dgram) {
		probe_set_err(err, errlen, "many targets in one process need raw sockets (root or "
		              "CAP_NET_RAW)");
		return NULL;
	}
	struct probe_group *g = calloc(1, sizeof(*g));
	if (!g) {
		probe_set_err(err, errlen, "out of memory");
		return NULL;
	}
	*g = (struct probe_group){ .socks = s, .loop = loop, .rate_pps = rate_pps,
		                   .seed = mix64((uint64_t)getpid() ^ (uint64_t)evloop_now_ns()) };
	static const int families[2] = { AF_INET, AF_INET6 };
	for (int i = 0; i < 2; i++) {
		g->fam[i] = (struct group_fam){ .g = g, .s = &s->fam[i], .family = families[i] };
		g->fam[i].tx_owner = calloc(PACKET_SEQ_SPACE, sizeof(struct probe *));
		g->fam[i].tx = calloc(PACKET_SEQ_SPACE, sizeof(struct probe_tx));
		if (!g->fam[i].tx_owner || !g->fam[i].tx) {
			probe_set_err(err, errlen, "out of memory");
			probe_group_free(g);
			return NULL;
		}
	}
	probe_bucket_init(&g->bucket, group_burst(rate_pps, loop), evloop_now_ns());
	return g;
}

/* Idents differ per trace, so even a stray quote that names another trace's
 * address with this ident is no answer. */
static uint16_t trace_ident(size_t index)
{
	return (uint16_t)(1024 + ((unsigned)getpid() + (unsigned)index * 7919u) % (65536u - 1024u));
}

struct probe *probe_group_add(struct probe_group *g, const struct probe_params *params,
                              event_fn on_event, void *ctx, char *err, size_t errlen)
{
	if (find_trace(g, &params->dst)) {
		probe_set_err(err, errlen, "%s: this address is traced already",
		              params->target ? params->target : "target");
		return NULL;
	}
	struct probe_params pp = *params;
	pp.max_pps = g->rate_pps;
	if (grow(g) < 0) {
		probe_set_err(err, errlen, "out of memory");
		return NULL;
	}
	struct probe *p = probe_setup_in(g->socks, &pp, g->loop, on_event, ctx, g, err, errlen);
	if (!p)
		return NULL;
	p->flow.ident = trace_ident(g->n);
	p->rate = &g->bucket;
	p->rate_burst = group_burst(g->rate_pps, g->loop);
	g->socks->next_seq = p->next_seq; /* traces keep their own numbers */
	g->trace[g->n] = p;
	hash_insert(g, g->n++);
	struct group_fam *f = &g->fam[fam_at(g, p->s)];
	p->tx = f->tx;
	if (!f->any)
		f->any = p;
	return p;
}

int probe_group_start(struct probe_group *g)
{
	for (int i = 0; i < 2; i++)
		if (register_fam(g, &g->fam[i]) < 0)
			return -1;
	int64_t now = evloop_now_ns();
	for (size_t i = 0; i < g->n; i++) {
		struct probe *p = g->trace[i];
		int64_t iv = (int64_t)(p->prm.interval_s * 1e9);
		if (probe_sched_start_at(p, now + probe_group_start_offset_ns(i, g->n, iv, g->seed)) < 0)
			return -1;
	}
	return 0;
}

size_t probe_group_count(const struct probe_group *g)
{
	return g->n;
}

struct probe *probe_group_trace(const struct probe_group *g, size_t i)
{
	return i < g->n ? g->trace[i] : NULL;
}

void probe_group_free(struct probe_group *g)
{
	if (!g)
		return;
	for (int i = 0; i < 2; i++) {
		unregister_fam(g, &g->fam[i]);
	}
	for (size_t i = 0; i < g->n; i++)
		probe_free(g->trace[i]);
	for (int i = 0; i < 2; i++) {
		free(g->fam[i].tx_owner);
		free(g->fam[i].tx);
	}
	free(g->trace);
	free(g->slot);
	free(g);
}
