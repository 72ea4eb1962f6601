/* `hopdoc host`: the CLI layer of the host checks. Samples with host/, turns
 * the rates into diag/'s counters (diag_host) and prints with host/'s and
 * render/'s renderers. */
#include "cli/hostcheck.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sink.h"
#include "diag/diag.h"
#include "host/host_rate.h"
#include "host/host_render.h"
#include "host/host_sample.h"
#include "render/render_analysis.h"

#define INTERVAL_DEFAULT 5.0
#define INTERVAL_MIN 0.1
#define INTERVAL_MAX 3600.0

struct host_args {
	double interval;
	bool json;
	const char *root;   /* the tree to read, "/" live */
	const char *replay; /* tests: DIR/0 and DIR/1 are the two samples */
};

static const char usage[] =
	"usage: hopdoc host [--interval S] [--json] [--root DIR]\n"
	"Samples the host's own packet counters twice, S seconds apart (default 5,\n"
	"0.1 to 3600), and reports their rates and a verdict: NIC drops and errors,\n"
	"softnet backlog drops, conntrack table, TCP retransmissions, listen queue\n"
	"overflows, UDP buffer errors, ring sizes and the sysctls that tune them.\n"
	"--root DIR reads the /proc and /sys files under DIR instead of /.\n"
	"--replay DIR (for tests) takes DIR/0 and DIR/1 as the two samples,\n"
	"S seconds apart, without waiting. Nothing is ever changed.\n";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hopdoc host: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
	return 2;
}

static int parse_interval(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < INTERVAL_MIN || v > INTERVAL_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Options with a value: their value, or NULL when it is missing. */
static const char *value_of(int argc, char **argv, int *i)
{
	return *i + 1 < argc ? argv[++*i] : NULL;
}

/* Returns -1 to go on, else the exit status. */
static int take_option(struct host_args *a, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *v;
	if (strcmp(arg, "--json") == 0 || strcmp(arg, "-j") == 0) {
		a->json = true;
	} else if (strcmp(arg, "--interval") == 0 || strcmp(arg, "-i") == 0) {
		if (!(v = value_of(argc, argv, i)) || parse_interval(v, &a->interval) != 0)
			return usage_error("--interval takes seconds from 0.1 to 3600, not", v ? v : "nothing");
	} else if (strcmp(arg, "--root") == 0 || strcmp(arg, "--replay") == 0) {
		if (!(v = value_of(argc, argv, i)) || !v[0])
			return usage_error(arg, "needs a directory");
		*(strcmp(arg, "--root") == 0 ? &a->root : &a->replay) = v;
	} else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	} else {
		return usage_error("unknown argument", arg);
	}
	return -1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Two samples and the rates between them; -1 when a root is unreadable. */
static int measure(const struct host_args *a, struct host_sample *s, struct host_rates *r)
{
	if (a->replay) {
		char p0[PATH_MAX], p1[PATH_MAX];
		snprintf(p0, sizeof(p0), "%s/0", a->replay);
		snprintf(p1, sizeof(p1), "%s/1", a->replay);
		if (host_sample_read(p0, &s[0]) != 0 || host_sample_read(p1, &s[1]) != 0)
			return -1;
		host_rate_compute(&s[0], &s[1], a->interval, r);
		return 0;
	}
	double t0 = now_s();
	if (host_sample_read(a->root, &s[0]) != 0)
		return -1;
	sleep_s(a->interval);
	double t1 = now_s();
	if (host_sample_read(a->root, &s[1]) != 0)
		return -1;
	host_rate_compute(&s[0], &s[1], t1 - t0, r);
	return 0;
}

static unsigned long ul(const struct host_rate *r)
{
	return r->has ? (unsigned long)r->delta : 0;
}

static unsigned long nic_drops(const struct host_nic_rates *n)
{
	unsigned long sum = 0;
	for (size_t c = 0; c < HOST_NIC_COUNTERS; c++)
		sum += ul(&n->c[c]);
	return sum;
}

/* The interface with the most drops speaks for the NICs. */
static void nic_to_diag(const struct host_rates *r, struct diag_host *h)
{
	const struct host_nic_rates *worst = NULL;
	for (size_t i = 0; i < r->n_nics; i++) {
		const struct host_nic_rates *n = &r->nics[i];
		if (n->presence == HOST_NIC_BOTH && n->c[HOST_RX_DROPPED].has &&
		    (!worst || nic_drops(n) > nic_drops(worst)))
			worst = n;
	}
	if (!worst)
		return;
	h->has_nic_drops = true;
	snprintf(h->nic_name, sizeof(h->nic_name), "%s", worst->name);
	h->nic_rx_drops = ul(&worst->c[HOST_RX_DROPPED]) + ul(&worst->c[HOST_RX_MISSED]) +
	                  ul(&worst->c[HOST_RX_FIFO]);
	h->nic_rx_errors = ul(&worst->c[HOST_RX_ERRORS]);
	h->nic_tx_drops = ul(&worst->c[HOST_TX_DROPPED]) + ul(&worst->c[HOST_TX_ERRORS]) +
	                  ul(&worst->c[HOST_TX_FIFO]);
	h->has_ring = worst->ring.has;
	h->rx_ring = worst->ring.rx;
	h->rx_ring_max = worst->ring.rx_max;
}

/* The CPU that dropped most from its backlog (RPS/RFS spreads such work). */
static void softnet_cpu_to_diag(const struct host_rates *r, struct diag_host *h)
{
	for (size_t i = 0; i < r->n_softnet; i++) {
		const struct host_cpu_rates *c = &r->softnet[i];
		if (!h->has_softnet_cpu || ul(&c->dropped) > h->softnet_top_dropped) {
			h->has_softnet_cpu = true;
			h->softnet_top_cpu = c->cpu;
			h->softnet_top_dropped = ul(&c->dropped);
		}
	}
}

static void counters_to_diag(const struct host_rates *r, struct diag_host *h)
{
	const struct host_rate *c = r->c;
	h->has_softnet = c[HOST_SOFTNET_DROPPED].has && c[HOST_SOFTNET_SQUEEZED].has;
	h->softnet_dropped = ul(&c[HOST_SOFTNET_DROPPED]);
	h->softnet_squeezed = ul(&c[HOST_SOFTNET_SQUEEZED]);
	h->has_conntrack = (r->g[HOST_CT_COUNT].has && r->g[HOST_CT_MAX].has) ||
	                   c[HOST_CT_DROP].has;
	h->conntrack_count = r->g[HOST_CT_COUNT].has ? (unsigned long)r->g[HOST_CT_COUNT].v : 0;
	h->conntrack_max = r->g[HOST_CT_MAX].has ? (unsigned long)r->g[HOST_CT_MAX].v : 0;
	h->conntrack_drops = ul(&c[HOST_CT_INSERT_FAILED]) + ul(&c[HOST_CT_DROP]) +
	                     ul(&c[HOST_CT_EARLY_DROP]);
	h->has_tcp = c[HOST_TCP_RETRANS].has && c[HOST_TCP_OUT].has;
	h->tcp_retrans_segs = ul(&c[HOST_TCP_RETRANS]);
	h->tcp_out_segs = ul(&c[HOST_TCP_OUT]);
	h->has_listen = c[HOST_LISTEN_OVERFLOWS].has || c[HOST_LISTEN_DROPS].has;
	h->listen_overflows = ul(&c[HOST_LISTEN_OVERFLOWS]);
	h->listen_drops = ul(&c[HOST_LISTEN_DROPS]);
	h->has_udp = c[HOST_UDP_RCVBUF].has;
	h->udp_rcvbuf_errors = ul(&c[HOST_UDP_RCVBUF]);
}

static void to_diag(const struct host_rates *r, bool on_client, struct diag_host *h)
{
	memset(h, 0, sizeof(*h));
	h->window_s = r->window_s;
	h->on_client = on_client;
	nic_to_diag(r, h);
	counters_to_diag(r, h);
	softnet_cpu_to_diag(r, h);
}

static int print_text(const struct host_rates *r, const struct finding_list *l, struct sink *out)
{
	if (host_render_text(r, out) != 0)
		return -1;
	sink_puts(out, "\n");
	return render_analysis_findings_text(l, out);
}

static int print_json(const struct host_rates *r, const struct finding_list *l, struct sink *out)
{
	char *host = host_render_json(r);
	int rc = host ? render_analysis_host_json(host, l, out) : -1;
	free(host);
	return rc;
}

static int diagnose_and_print(const struct host_args *a, const struct host_rates *r,
                              struct finding_list *l)
{
	struct diag_host h;
	to_diag(r, false, &h);
	if (diag_host_verdict(&h, l) != 0) {
		fputs("hopdoc host: out of memory\n", stderr);
		return 1;
	}
	struct sink *out = sink_new_file(stdout);
	int rc = out ? (a->json ? print_json(r, l, out) : print_text(r, l, out)) : -1;
	sink_free(out);
	if (rc != 0 || fflush(stdout) != 0) {
		fputs("hopdoc host: cannot write the output\n", stderr);
		return 1;
	}
	return 0;
}

/* Measures, diagnoses and prints; the exit status. */
static int check(const struct host_args *a)
{
	struct host_sample *s = malloc(2 * sizeof(*s));
	struct host_rates *r = malloc(sizeof(*r));
	struct finding_list l;
	finding_list_init(&l);
	int status = 1;
	if (!s || !r)
		fputs("hopdoc host: out of memory\n", stderr);
	else if (measure(a, s, r) != 0)
		fprintf(stderr, "hopdoc host: cannot read %s\n", a->replay ? a->replay : a->root);
	else
		status = diagnose_and_print(a, r, &l);
	finding_list_free(&l);
	free(r);
	free(s);
	return status;
}

int hostcheck_main(int argc, char **argv)
{
	struct host_args a = {.interval = INTERVAL_DEFAULT, .root = "/"};
	for (int i = 1; i < argc; i++) {
		int rc = take_option(&a, argc, argv, &i);
		if (rc >= 0)
			return rc;
	}
	return check(&a);
}

/* ---- the client's side of --diagnose ---- */

struct hostcheck {
	struct host_sample first, second;
	double t0;
};

struct hostcheck *hostcheck_start(void)
{
	struct hostcheck *hc = malloc(sizeof(*hc));
	if (!hc)
		return NULL;
	hc->t0 = now_s();
	host_sample_read("/", &hc->first);
	return hc;
}

int hostcheck_finish(struct hostcheck *hc, struct finding_list *out)
{
	struct host_rates *r = malloc(sizeof(*r));
	if (!r)
		return -1;
	double window = now_s() - hc->t0;
	host_sample_read("/", &hc->second);
	host_rate_compute(&hc->first, &hc->second, window > 0.0 ? window : 1e-3, r);
	struct diag_host h;
	to_diag(r, true, &h);
	free(r);
	return diag_host(&h, NULL, out);
}

void hostcheck_free(struct hostcheck *hc)
{
	free(hc);
}
