/* retoneway: the one-way stream's client and the ssh side's reflector, each
 * a child process. */
#include "cli/retoneway.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/num.h"
#include "base/evloop.h"
#include "probe/privdrop.h"

struct verdict { /* child -> parent, one write on a pipe (same binary) */
	int measured;
	char why[256];
	struct oneway_result r;
};

struct retoneway {
	pid_t pid;
	int fd;
	int64_t deadline_ns;
	char label[300];
};

void retoneway_plan(const struct config *cfg, uint32_t *count, double *interval_s)
{
	double run = (double)cfg->probe.cycles * cfg->probe.interval_s * 0.6;
	double iv = run / RETONEWAY_COUNT;
	*count = RETONEWAY_COUNT;
	*interval_s = iv < 0.005 ? 0.005 : iv > 0.05 ? 0.05 : iv;
}

unsigned retoneway_pick_port(void)
{
	unsigned short r = 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (unsigned short)(getpid() ^ (pid_t)evloop_now_ns());
	return RETONEWAY_PORT_MIN + r % (65536u - RETONEWAY_PORT_MIN);
}

int retoneway_parse_env(const char *s, char *addr, size_t addrlen, unsigned *port)
{
	const char *comma = s ? strrchr(s, ',') : NULL;
	if (!comma || comma == s || (size_t)(comma - s) >= addrlen || !comma[1] || strlen(comma + 1) > 5)
		return -1;
	unsigned long p;
	if (num_ulong(comma + 1, RETONEWAY_PORT_MIN, 65535, &p) < 0)
		return -1;
	memcpy(addr, s, (size_t)(comma - s));
	addr[comma - s] = '\0';
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
	if (getaddrinfo(addr, NULL, &hints, &ai) != 0)
		return -1;
	freeaddrinfo(ai);
	*port = (unsigned)p;
	return 0;
}

/* ---- the client ----------------------------------------------------------- */

/* host as the trace resolves it: the family of -4/-6, else the first. */
static int resolve(const char *host, unsigned port, int family, struct oneway_client_opts *o,
                   char *why, size_t whylen)
{
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", port);
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_DGRAM,
		                  .ai_flags = AI_NUMERICSERV }, *ai;
	int rc = getaddrinfo(host, ps, &hints, &ai);
	if (rc != 0)
		return snprintf(why, whylen, "%s: %s", host, gai_strerror(rc)), -1;
	memcpy(&o->server, ai->ai_addr, ai->ai_addrlen);
	o->server_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* The parent hears 'S' when the reflector answered, then 'V' and the
 * verdict: a stream still saying hello when the remote is done never will. */
static void said_stream(void *ctx)
{
	const int *fd = ctx;
	(void)!write(*fd, "S", 1);
}

static void client_child(const struct config *cfg, const char *host, unsigned port, int fd)
{
	struct verdict v;
	memset(&v, 0, sizeof(v));
	char err[256];
	if (privdrop_drop(err, sizeof(err)) < 0)
		_exit(255);
	struct oneway_client_opts o = { .hello_max_s = RETONEWAY_HELLO_S, .drain_s = RETONEWAY_DRAIN_S,
		                        .on_stream = said_stream, .ctx = &fd };
	retoneway_plan(cfg, &o.count, &o.interval_s);
	if (resolve(host, port, cfg->probe.family, &o, v.why, sizeof(v.why)) == 0)
		v.measured = oneway_client_run(&o, &v.r, v.why, sizeof(v.why)) == 0;
	char buf[1 + sizeof(v)] = "V";
	memcpy(buf + 1, &v, sizeof(v));
	_exit(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 1);
}

struct retoneway *retoneway_start(const struct config *cfg, const char *host, unsigned port,
                                  char *err, size_t errlen)
{
	struct retoneway *w = calloc(1, sizeof(*w));
	int p[2];
	if (!w || pipe2(p, O_CLOEXEC) < 0) {
		free(w);
		return snprintf(err, errlen, "cannot start the one-way stream: %s", strerror(errno)), NULL;
	}
	uint32_t count;
	double iv;
	retoneway_plan(cfg, &count, &iv);
	w->deadline_ns = evloop_now_ns() +
	                 (int64_t)((RETONEWAY_HELLO_S + count * iv + RETONEWAY_DRAIN_S + 5.0) * 1e9);
	snprintf(w->label, sizeof(w->label), "%s port %u", host, port);
	fflush(NULL);
	w->pid = fork();
	if (w->pid == 0) {
		close(p[0]);
		client_child(cfg, host, port, p[1]);
	}
	close(p[1]);
	w->fd = p[0];
	if (w->pid < 0) {
		snprintf(err, errlen, "cannot start the one-way stream: %s", strerror(errno));
		retoneway_free(w);
		return NULL;
	}
	return w;
}

static void reap(struct retoneway *w)
{
	int status;
	if (w->pid <= 0)
		return;
	if (waitpid(w->pid, &status, WNOHANG) == 0) {
		kill(w->pid, SIGTERM);
		while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	w->pid = 0;
}

/* Reads len bytes until deadline; 0 when they came whole. What the child
 * wrote long ago is read even past the deadline: a return trace longer than
 * the stream (40 rounds at 1 s) comes back after it, and its verdict has
 * been waiting in the pipe all along. */
static int read_until(int fd, void *buf, size_t len, int64_t deadline)
{
	size_t got = 0;
	while (got < len) {
		int64_t left = deadline - evloop_now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, left > 0 ? (int)(left / 1000000) + 1 : 0) == 0)
			return -1;
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The verdict; a child still saying hello gets RETONEWAY_LATE_S more. */
static int read_verdict(struct retoneway *w, struct verdict *v, bool *hello)
{
	char tag = 0;
	int64_t late = evloop_now_ns() + (int64_t)(RETONEWAY_LATE_S * 1e9);
	*hello = read_until(w->fd, &tag, 1, late < w->deadline_ns ? late : w->deadline_ns) < 0;
	if (!*hello && tag == 'S' && read_until(w->fd, &tag, 1, w->deadline_ns) < 0)
		return -1;
	return tag == 'V' ? read_until(w->fd, v, sizeof(*v), w->deadline_ns) : -1;
}

static struct diag_oneway_clock clock_of(const struct oneway_clock *c)
{
	return (struct diag_oneway_clock){ c->known, c->unsync, c->maxerror_us / 1000.0 };
}

void retoneway_take(struct retoneway *w, struct diag_oneway *ow)
{
	struct verdict v;
	bool hello;
	memset(ow, 0, sizeof(*ow));
	if (read_verdict(w, &v, &hello) < 0) {
		snprintf(ow->why, sizeof(ow->why), hello ? "UDP %s never answered while the return "
		         "trace ran (a firewall drops the stream, or no reflector runs there)"
		         : "the stream to UDP %s gave no result", w->label);
		reap(w);
		return;
	}
	reap(w);
	v.why[sizeof(v.why) - 1] = '\0';
	ow->measured = v.measured != 0;
	snprintf(ow->why, sizeof(ow->why), "%s", v.why);
	ow->out = (struct diag_oneway_dir){ v.r.out.sent, v.r.out.lost, v.r.out.pdv_p95_ms,
		                            v.r.out.delay_min_ms, v.r.out.delay_p50_ms };
	ow->ret = (struct diag_oneway_dir){ v.r.ret.sent, v.r.ret.lost, v.r.ret.pdv_p95_ms,
		                            v.r.ret.delay_min_ms, v.r.ret.delay_p50_ms };
	ow->has_delay = v.r.delays > 0;
	ow->same_clock = v.r.same_clock;
	ow->client = clock_of(&v.r.client_clock);
	ow->server = clock_of(&v.r.server_clock);
}

void retoneway_free(struct retoneway *w)
{
	if (!w)
		return;
	reap(w);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

/* ---- the reflector (server side, over ssh) -------------------------------- */

static void reflector_child(const char *addr, unsigned port, const char *peer, double run_s)
{
	char err[256];
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* No privilege is needed for a port this high: the drop comes first. */
	int fd = privdrop_drop(err, sizeof(err)) < 0 ? -1 : oneway_bind(addr, port, err, sizeof(err));
	if (fd < 0 || getaddrinfo(peer, NULL, &hints, &ai) != 0) {
		dprintf(2, "hopdoc: one-way reflector: %s\n", fd < 0 ? err : "cannot start");
		_exit(1);
	}
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; null >= 0 && i < 3; i++)
		(void)dup2(null, i); /* the ssh session must not wait for us */
	struct oneway_refl *r = oneway_refl_new(fd);
	int64_t until = evloop_now_ns() + (int64_t)(run_s * 1e9);
	if (!r || oneway_refl_allow(r, ai->ai_addr, until) < 0)
		_exit(1);
	freeaddrinfo(ai);
	while (evloop_now_ns() < until && getppid() != 1)
		oneway_refl_serve(r, 200);
	oneway_refl_free(r);
	_exit(0);
}

pid_t retoneway_reflect_start(const struct config *cfg, const char *target)
{
	char addr[64];
	unsigned port;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
	if (retoneway_parse_env(getenv(RETVIA_ONEWAY_ENV), addr, sizeof(addr), &port) < 0 || !target ||
	    getaddrinfo(target, NULL, &hints, &ai) != 0)
		return 0;
	freeaddrinfo(ai);
	/* The client's hellos wait up to RETONEWAY_HELLO_S for us; its stream
	 * takes at most what the run does. */
	double run_s = RETONEWAY_HELLO_S + (double)cfg->probe.cycles * cfg->probe.interval_s +
	               cfg->probe.gracetime_s + cfg->probe.timeout_s + 10.0;
	if (run_s > 86400.0)
		run_s = 86400.0; /* -c and -i at their limits */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		reflector_child(addr, port, target, run_s);
	return pid > 0 ? pid : 0;
}

void retoneway_reflect_stop(pid_t pid)
{
	int status;
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}
