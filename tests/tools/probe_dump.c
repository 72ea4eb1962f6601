/* probe_dump: runs the probe engine alone and prints one line per event, to
 * test it in the lab without the collector, the renderers or the CLI.
 *
 *   probe_dump [-4|-6] [-u|-T] [-P port] [-L port] [-c cycles] [-i interval]
 *              [-f first] [-m max] [-U unknown] [-Z timeout] [-G grace]
 *              [-s size] [-r pps] [-D] TARGET
 *
 * -D drops privileges after opening the sockets (as hopdoc does).
 * Lines:  sent TTL SEQ ROUND
 *         reply|late TTL SEQ ROUND FROM RTT_MS target|hop [mpls L,L..]
 *         timeout TTL SEQ ROUND
 *         round ROUND
 *         end STATUS PATH_LEN CPU_S */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "base/evloop.h"
#include "probe/privdrop.h"
#include "probe/probe.h"
#include "resolve/target.h"

static int num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
		fprintf(stderr, "probe_dump: bad number %s (range %g..%g)\n", s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static const char *const type_name[] = {
	[EVENT_SENT] = "sent",       [EVENT_REPLY] = "reply", [EVENT_TIMEOUT] = "timeout",
	[EVENT_LATE] = "late",       [EVENT_NAME] = "name",   [EVENT_ROUND_END] = "round",
};

static int print_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	char addr[64];
	if (ev->type == EVENT_ROUND_END) {
		printf("round %lu\n", ev->round);
		return 0;
	}
	printf("%s %u %lu %lu", type_name[ev->type], ev->ttl, ev->seq, ev->round);
	if (ev->type == EVENT_REPLY || ev->type == EVENT_LATE) {
		printf(" %s %.6f %s", model_addr_text(&ev->from, addr, sizeof(addr)), ev->rtt_ms,
		       ev->from_target ? "target" : "hop");
		for (unsigned i = 0; i < ev->n_mpls; i++)
			printf("%s%u", i ? "," : " mpls ", (unsigned)ev->mpls[i].label);
	}
	printf("\n");
	return 0;
}

static int parse_args(int argc, char **argv, struct probe_params *c, bool *drop)
{
	int opt;
	double v;
	while ((opt = getopt(argc, argv, "46uTP:L:c:i:f:m:U:Z:G:s:r:D")) != -1) {
		switch (opt) {
		case '4': c->family = AF_INET; break;
		case '6': c->family = AF_INET6; break;
		case 'u': c->proto = MODEL_PROTO_UDP; break;
		case 'T': c->proto = MODEL_PROTO_TCP; break;
		case 'D': *drop = true; break;
		case 'P': if (num(optarg, 1, 65535, &v)) return -1; c->port = (unsigned)v; break;
		case 'L': if (num(optarg, 1, 65535, &v)) return -1; c->local_port = (unsigned)v; break;
		case 'c': if (num(optarg, 0, 1e9, &v)) return -1; c->cycles = (unsigned long)v; break;
		case 'i': if (num(optarg, 0.001, 3600, &c->interval_s)) return -1; break;
		case 'f': if (num(optarg, 1, 255, &v)) return -1; c->first_ttl = (unsigned)v; break;
		case 'm': if (num(optarg, 1, 255, &v)) return -1; c->max_ttl = (unsigned)v; break;
		case 'U': if (num(optarg, 0, 255, &v)) return -1; c->max_unknown = (unsigned)v; break;
		case 'Z': if (num(optarg, 0.001, 3600, &c->timeout_s)) return -1; break;
		case 'G': if (num(optarg, 0, 3600, &c->gracetime_s)) return -1; break;
		case 's': if (num(optarg, 0, 65000, &v)) return -1; c->psize = (unsigned)v; break;
		case 'r': if (num(optarg, 0, 1e7, &c->max_pps)) return -1; break;
		default: return -1;
		}
	}
	if (optind != argc - 1)
		return -1;
	c->target = argv[optind];
	return 0;
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	struct probe_params c;
	probe_params_init(&c);
	c.max_unknown = 10; /* this tool's own defaults, older than the engine's */
	c.timeout_s = 2;
	bool drop = false;
	if (parse_args(argc, argv, &c, &drop) < 0) {
		fprintf(stderr, "usage: probe_dump [-4|-6] [-u|-T] [-P port] [-L port] [-c n] "
		                "[-i s] [-f n] [-m n] [-U n] [-Z s] [-G s] [-s n] [-r pps] [-D] TARGET\n");
		return 2;
	}
	char err[256];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		fprintf(stderr, "probe_dump: %s\n", err);
		return 1;
	}
	if (drop && privdrop_drop(err, sizeof(err)) < 0) {
		fprintf(stderr, "probe_dump: %s\n", err);
		return 1;
	}
	unsigned usable = (probe_sockets_can(socks, AF_INET) ? TARGET_INET : 0) |
	                  (probe_sockets_can(socks, AF_INET6) ? TARGET_INET6 : 0);
	if (target_resolve(c.target, c.family, usable, &c.dst, err, sizeof(err)) < 0) {
		fprintf(stderr, "probe_dump: %s\n", err);
		return 1;
	}
	struct evloop *loop = evloop_new();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	evloop_watch_flag(loop, &interrupted);
	struct probe *p = loop ? probe_setup(socks, &c, loop, print_event, NULL, err, sizeof(err))
	                       : NULL;
	if (!p || probe_start(p) < 0) {
		fprintf(stderr, "probe_dump: %s\n", loop ? err : "out of memory");
		return 1;
	}
	int rc = evloop_run(loop);
	int status = rc < 0 ? -1 : probe_status(p);
	printf("end %d %u %.6f\n", status, probe_path_len(p), cpu_seconds());
	if (probe_status(p) < 0)
		fprintf(stderr, "probe_dump: %s\n", probe_error(p));
	probe_free(p);
	probe_sockets_close(socks);
	evloop_free(loop);
	return status < 0 ? 1 : 0;
}
