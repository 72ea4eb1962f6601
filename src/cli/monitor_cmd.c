/* monitor_cmd: `hopdoc monitor` (monitor_cmd.h). Order as for a trace: the
 * -F file and the database are opened as the user who ran us, then the raw
 * sockets, then privileges are dropped, then names are resolved. */
#include "cli/monitor_cmd.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/num.h"
#include "cli/cli.h"
#include "cli/monitor_metrics.h"
#include "monitor/monitor.h"
#include "probe/privdrop.h"
#include "probe/probe.h"
#include "resolve/target.h"

#define MAX_TARGETS 100000
#define LINE_MAX_BYTES 1024

static const char usage[] =
	"usage: hopdoc monitor --db FILE [-F TARGETS_FILE | TARGET...] [options]\n"
	"Traces every target continuously in one process and keeps each round in FILE.\n"
	"  -i SECONDS     interval between a target's rounds (1)\n"
	"  --rate PPS     probes per second for all targets together (1000)\n"
	"  -m TTL         highest TTL (30, at most 64)   -Z SECONDS  probe timeout (3)\n"
	"  -u | -T        UDP or TCP probes (ICMP)      -P PORT     their port\n"
	"  -4 | -6        one family only               -n          no DNS (names are\n"
	"                                                resolved once, at start)\n"
	"  --duration S   stop after S seconds (runs until SIGINT/SIGTERM otherwise)\n"
	"  --metrics ADDR:PORT  serve every target's statistics and current finding\n"
	"                 at http://ADDR:PORT/metrics (Prometheus; numeric address,\n"
	"                 no wildcard; refreshed every 2 s)\n";

struct mon_opts {
	const char *db, *file, *metrics;
	char **targets;
	size_t n_targets;
	double rate, duration_s;
	struct probe_params prm;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hopdoc monitor: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
	return 2;
}

static int take_flag(struct mon_opts *o, const char *opt)
{
	if (strcmp(opt, "-u") == 0)
		o->prm.proto = MODEL_PROTO_UDP;
	else if (strcmp(opt, "-T") == 0)
		o->prm.proto = MODEL_PROTO_TCP;
	else if (strcmp(opt, "-4") == 0)
		o->prm.family = AF_INET;
	else if (strcmp(opt, "-6") == 0)
		o->prm.family = AF_INET6;
	else if (strcmp(opt, "-n") != 0)
		return -1;
	return 0;
}

static int take_number(struct mon_opts *o, const char *opt, const char *v)
{
	double d;
	if (strcmp(opt, "-i") == 0 && num_double(v, 0.1, 3600, &d) == 0)
		o->prm.interval_s = d;
	else if (strcmp(opt, "--rate") == 0 && num_double(v, 1, 1000000, &d) == 0)
		o->rate = d;
	else if (strcmp(opt, "-m") == 0 && num_double(v, 1, MONITOR_MAX_TTL, &d) == 0 && d == floor(d))
		o->prm.max_ttl = (unsigned)d;
	else if (strcmp(opt, "-Z") == 0 && num_double(v, 0.1, 60, &d) == 0)
		o->prm.timeout_s = d;
	else if (strcmp(opt, "-P") == 0 && num_double(v, 1, 65535, &d) == 0 && d == floor(d))
		o->prm.port = (unsigned)d;
	else if (strcmp(opt, "--duration") == 0 && num_double(v, 1, 1e8, &d) == 0)
		o->duration_s = d;
	else
		return -1;
	return 0;
}

static int take_value(struct mon_opts *o, const char *opt, const char *v)
{
	if (strcmp(opt, "--db") == 0)
		o->db = v;
	else if (strcmp(opt, "-F") == 0)
		o->file = v;
	else if (strcmp(opt, "--metrics") == 0)
		o->metrics = v;
	else
		return take_number(o, opt, v);
	return 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct mon_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
			return fputs(usage, stdout), 0;
		if (opt[0] != '-' || opt[1] == '\0') {
			o->targets[o->n_targets++] = argv[i];
			continue;
		}
		if (take_flag(o, opt) == 0)
			continue;
		if (i + 1 >= argc)
			return usage_error("missing value or unknown option:", opt);
		if (take_value(o, opt, argv[++i]) < 0)
			return usage_error("unknown option or value out of range:", opt);
	}
	if (!o->db)
		return usage_error("--db FILE is required", NULL);
	if (!o->file == !o->n_targets)
		return usage_error("give either -F FILE or targets", NULL);
	if (o->prm.timeout_s / o->prm.interval_s > MONITOR_OPEN_ROUNDS - 4)
		return usage_error("-Z is too long for -i: a target's rounds would overlap more than",
		                   "12 deep");
	return -1;
}

/* ---- targets ------------------------------------------------------------------ */

bool monitor_cmd_target_ok(const char *line)
{
	size_t n = strlen(line);
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (!isalnum(c) && !strchr(".-_:%", c))
			return false;
	}
	return true;
}

/* One line of the -F file: comments and blank lines are nothing; the rest
 * is a target or a complaint with its line number. */
static void take_line(char *line, unsigned long no, const char *file, char ***list, size_t *n)
{
	line[strcspn(line, "\r\n#")] = '\0';
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	if (!*s)
		return;
	if (!monitor_cmd_target_ok(s) || *n >= MAX_TARGETS) {
		fprintf(stderr, "hopdoc monitor: %s:%lu: %s; line skipped\n", file, no,
		        *n >= MAX_TARGETS ? "too many targets" : "not a target name or address");
		return;
	}
	char *dup = strdup(s);
	if (dup)
		(*list)[(*n)++] = dup;
}

static int read_file(const char *path, char ***list, size_t *n)
{
	int fd = privdrop_open_as_user(path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		fprintf(stderr, "hopdoc monitor: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*list = calloc(MAX_TARGETS, sizeof(**list));
	char line[LINE_MAX_BYTES];
	unsigned long no = 0;
	while (*list && fgets(line, sizeof(line), f)) {
		no++;
		if (!strchr(line, '\n') && !feof(f)) { /* an overlong line: skip its rest */
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			fprintf(stderr, "hopdoc monitor: %s:%lu: line too long; skipped\n", path, no);
			continue;
		}
		take_line(line, no, path, list, n);
	}
	fclose(f);
	return *list ? 0 : -1;
}

/* ---- the run ---------------------------------------------------------------------- */

struct run {
	struct mon_opts *o;
	struct evloop *loop;
	struct probe_sockets *socks;
	struct monitor_db *db;
	struct monitor *m;
	struct monitor_metrics *metrics; /* --metrics; NULL: none */
};

static void notice(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "hopdoc monitor: %s\n", msg);
}

static unsigned usable(const struct probe_sockets *s)
{
	return (probe_sockets_can(s, AF_INET) ? TARGET_INET : 0) |
	       (probe_sockets_can(s, AF_INET6) ? TARGET_INET6 : 0);
}

/* Each target alone: one that fails is reported and the others go on. */
static size_t add_targets(struct run *r, char **names, size_t n)
{
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		char err[320];
		struct probe_params pp = r->o->prm;
		pp.target = names[i];
		if (target_resolve(names[i], pp.family, usable(r->socks), &pp.dst, err,
		                   sizeof(err)) < 0 ||
		    monitor_add(r->m, &pp, err, sizeof(err)) < 0) {
			fprintf(stderr, "hopdoc monitor: %s; skipped\n", err);
			continue;
		}
		added++;
	}
	return added;
}

static void on_duration(void *ctx)
{
	evloop_stop(ctx);
}

/* The kernel may run a timer this late, so one wake-up serves the sends and
 * timeouts that fall due close together. A monitor probes each hop once a
 * second and takes RTTs from kernel stamps: a millisecond of pacing costs it
 * nothing, and each wake-up spared is a context switch. */
#define MONITOR_TIMER_SLACK_NS 1000000UL

/* The loop wakes at most once every 5 ms (evloop_set_window): with 1,000
 * targets of 3 hops, replies and sends came one or two a wake-up, about
 * 1,500 wake-ups a second, and the context switches were half the CPU.
 * RTTs are the kernel's stamps, so reading a reply up to 5 ms late changes
 * none; a probe leaves up to 5 ms late, against its -Z timeout (3 s by
 * default) and -i interval (1 s). */
#define MONITOR_WAKE_WINDOW_NS 5000000LL

static int run_loop(struct run *r)
{
	(void)prctl(PR_SET_TIMERSLACK, MONITOR_TIMER_SLACK_NS, 0, 0, 0);
	evloop_watch_flag(r->loop, cli_stop_flag());
	if (r->o->duration_s > 0)
		evloop_add_timer(r->loop, evloop_now_ns() + (int64_t)(r->o->duration_s * 1e9),
		                 on_duration, r->loop);
	if (monitor_start(r->m) < 0 || evloop_run(r->loop) < 0) {
		fprintf(stderr, "hopdoc monitor: the event loop failed\n");
		return 1;
	}
	return 0;
}

struct db_open {
	const char *path;
	struct monitor_db *db;
	char err[512];
};

static int db_open_cb(void *ctx)
{
	struct db_open *d = ctx;
	d->db = monitor_db_open(d->path, false, d->err, sizeof(d->err));
	return d->db ? 0 : -1;
}

/* The database (and SQLite's -wal and -shm files beside it) is opened as
 * the user who ran us: a setuid install never writes where its user could
 * not, and a root run, which drops to nobody, writes through the files
 * opened here. */
static struct monitor_db *open_db(const char *path)
{
	struct db_open d = { .path = path, .db = NULL, .err = "" };
	int rc = privdrop_as_user(db_open_cb, &d);
	if (rc == 0)
		return d.db;
	if (d.db) { /* opened, but the ids did not come back */
		monitor_db_free(d.db);
		fprintf(stderr, "hopdoc monitor: cannot switch back from the user's ids\n");
	} else {
		fprintf(stderr, "hopdoc monitor: %s\n", d.err[0] ? d.err : strerror(errno));
	}
	return NULL;
}

static int monitor_run(struct run *r, char **names, size_t n)
{
	char err[320];
	r->loop = evloop_new();
	if (r->loop) /* before the group: its --rate burst covers a window */
		evloop_set_window(r->loop, MONITOR_WAKE_WINDOW_NS);
	r->m = r->loop ? monitor_new(r->loop, r->socks, r->o->rate, r->db, notice, NULL, err,
	                             sizeof(err))
	               : NULL;
	if (!r->m) {
		fprintf(stderr, "hopdoc monitor: %s\n", r->loop ? err : "out of memory");
		return 1;
	}
	if (add_targets(r, names, n) == 0) {
		fprintf(stderr, "hopdoc monitor: no target to monitor\n");
		return 1;
	}
	/* The endpoint starts once privileges are gone: its thread never held any. */
	if (r->o->metrics &&
	    !(r->metrics = monitor_metrics_new(r->loop, r->m, r->o->metrics,
	                                       MONITOR_METRICS_PERIOD_S, err, sizeof(err)))) {
		fprintf(stderr, "hopdoc monitor: --metrics: %s\n", err);
		return 1;
	}
	int status = run_loop(r);
	monitor_metrics_free(r->metrics); /* it reads the traces: before they go */
	r->metrics = NULL;
	monitor_free(r->m);
	r->m = NULL;
	if (monitor_db_stopped(r->db))
		status = 1;
	return status;
}

/* What a wake window can bring at --rate: each probe's reply and its TX
 * stamp, up to about 4 KiB of kernel memory each (skb overhead included),
 * twice over; at most 64 MiB (no --rate: the most). */
static int rcvbuf_need(double rate_pps)
{
	const double most = 64 << 20;
	if (rate_pps <= 0)
		return (int)most;
	double b = rate_pps * ((double)MONITOR_WAKE_WINDOW_NS / 1e9) * 2 * 2 * 4096;
	return (int)(b > most ? most : b);
}

/* The probe sockets, with queues for what a wake window brings (asked for
 * 1 MiB at least); NULL with the message printed. */
static struct probe_sockets *open_sockets(const struct mon_opts *o)
{
	char err[320];
	struct probe_sockets *s = probe_sockets_open(&o->prm, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "hopdoc monitor: %s\n", err);
		return NULL;
	}
	/* A smaller queue still works, but may overflow in a window at this
	 * --rate, and the drops would be silent: said once when what was
	 * granted (-1: the option refused) is short of what --rate needs. */
	int need = rcvbuf_need(o->rate), ask = need > (1 << 20) ? need : 1 << 20;
	int got = probe_sockets_set_rcvbuf(s, ask);
	if (got < need)
		fprintf(stderr, "hopdoc monitor: the probe sockets' receive queues hold %d KiB, not the "
		        "%d KiB --rate %g needs: replies may be dropped; run as root or raise "
		        "net.core.rmem_max\n", got < 0 ? 0 : got / 1024, need / 1024, o->rate);
	return s;
}

static int start(struct mon_opts *o, char **names, size_t n)
{
	char err[320];
	struct run r = { .o = o };
	int status = 1;
	if (!(r.db = open_db(o->db)))
		return 1;
	r.socks = open_sockets(o);
	if (r.socks && privdrop_drop(err, sizeof(err)) < 0)
		fprintf(stderr, "hopdoc monitor: %s\n", err);
	else if (r.socks)
		status = monitor_run(&r, names, n);
	monitor_metrics_free(r.metrics);
	monitor_free(r.m);
	evloop_free(r.loop);
	probe_sockets_close(r.socks);
	monitor_db_free(r.db);
	return status;
}

int monitor_cmd_main(int argc, char **argv)
{
	struct mon_opts o = { .rate = 1000 };
	probe_params_init(&o.prm);
	o.prm.cycles = 0;
	o.prm.timeout_s = 3;
	o.targets = calloc((size_t)argc, sizeof(*o.targets));
	if (!o.targets)
		return 1;
	int status = parse(argc, argv, &o);
	char **names = o.targets;
	size_t n = o.n_targets;
	if (status < 0 && o.file) {
		names = NULL;
		n = 0;
		status = read_file(o.file, &names, &n) < 0 ? 1 : -1;
	}
	if (status < 0)
		status = start(&o, names, n);
	if (o.file && names) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	free(o.targets);
	return status;
}
