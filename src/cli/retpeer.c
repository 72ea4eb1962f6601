/* retpeer: ssh as a child process whose output the event loop reads. */
#include "cli/retpeer.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/retagent.h"
#include "cli/retoneway.h"
#include "import/import.h"
#include "import/import_findings.h"

#define OUT_MAX (16u << 20) /* a -j document of 255 hops is far smaller */
#define ERR_KEEP 1024       /* the tail of ssh's stderr, for its last line */
#define SLACK_S 30.0        /* ssh's connection and the remote's start-up */

struct retpeer {
	struct retvia_url url;
	char label[RETVIA_HOST_MAX + 16];
	pid_t pid;
	int status;       /* waitpid's, once reaped */
	bool reaped;
	int fd[2];        /* stdout, stderr of ssh; -1 once closed */
	struct evloop *loop;
	bool waiting;     /* retpeer_wait runs the loop */
	bool timed_out;
	bool too_big;
	int64_t deadline_ns;
	char *out;
	size_t out_len, out_cap;
	char err[ERR_KEEP];
	size_t err_len;
	enum retvia_tool tool;
	unsigned oneway_port;      /* the stream's reflector port */
	struct retoneway *oneway;  /* the stream's client; NULL: see oneway_err */
	char oneway_err[256];
	size_t body; /* where the tool's output starts, past its first line */
};

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int spawn_actions(posix_spawn_file_actions_t *fa, posix_spawnattr_t *at, int out_w, int err_w)
{
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	/* RESETIDS: ssh runs with the real ids, never a setuid install's. */
	return posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0) ||
	       posix_spawn_file_actions_adddup2(fa, out_w, 1) ||
	       posix_spawn_file_actions_adddup2(fa, err_w, 2) ||
	       posix_spawnattr_setflags(at, POSIX_SPAWN_RESETIDS | POSIX_SPAWN_SETSIGMASK |
	                                        POSIX_SPAWN_SETSIGDEF) ||
	       posix_spawnattr_setsigmask(at, &none) || posix_spawnattr_setsigdefault(at, &dfl);
}

static int spawn(struct retpeer *p, const char *const argv[RETVIA_ARGV_MAX], char *err, size_t errlen)
{
	int o[2], e[2];
	if (pipe2(o, O_CLOEXEC) < 0)
		return snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno)), -1;
	if (pipe2(e, O_CLOEXEC) < 0) {
		close(o[0]), close(o[1]);
		return snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno)), -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	char *args[RETVIA_ARGV_MAX]; /* exec's type; it writes to none of them */
	memcpy(args, argv, sizeof(args));
	int rc = spawn_actions(&fa, &at, o[1], e[1]);
	if (rc == 0)
		rc = posix_spawnp(&p->pid, "ssh", &fa, &at, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(o[1]), close(e[1]);
	p->fd[0] = o[0], p->fd[1] = e[0];
	if (rc != 0) {
		p->pid = 0;
		snprintf(err, errlen, "cannot run ssh: %s%s", strerror(rc),
		         rc == ENOENT ? " (install the OpenSSH client, Debian's openssh-client)" : "");
		return -1;
	}
	return set_nonblock(o[0]) < 0 || set_nonblock(e[0]) < 0 ? -1 : 0;
}

static int start_ssh(struct retpeer *p, const struct config *cfg, bool live, char *err,
                     size_t errlen)
{
	char script[RETVIA_SCRIPT_MAX], port[8];
	const char *argv[RETVIA_ARGV_MAX];
	if (!live)
		p->oneway_port = retoneway_pick_port();
	if ((live ? retvia_remote_script_live(cfg, script, sizeof(script))
	          : retvia_remote_script_oneway(cfg, p->oneway_port, script, sizeof(script))) < 0) {
		snprintf(err, errlen, "--return-via: the remote command does not fit");
		return -1;
	}
	retvia_ssh_argv(&p->url, script, port, sizeof(port), argv);
	return spawn(p, argv, err, errlen);
}

/* The agent's client in a forked child (see retagent.h), on the same pipes. */
static int start_agent(struct retpeer *p, const struct config *cfg, bool live, char *err,
                       size_t errlen)
{
	char url[RETVIA_HOST_MAX + 160];
	int o[2], e[2];
	if (retvia_agent_url(&p->url, cfg, url, sizeof(url)) < 0)
		return snprintf(err, errlen, "--return-via: the agent's URL does not fit"), -1;
	if (pipe2(o, O_CLOEXEC) < 0)
		return snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno)), -1;
	if (pipe2(e, O_CLOEXEC) < 0) {
		close(o[0]), close(o[1]);
		return snprintf(err, errlen, "cannot make a pipe: %s", strerror(errno)), -1;
	}
	long timeout_s = (long)((p->deadline_ns - evloop_now_ns()) / 1000000000LL);
	fflush(NULL);
	p->pid = fork();
	if (p->pid == 0) {
		if (dup2(o[1], 1) < 0 || dup2(e[1], 2) < 0)
			_exit(255);
		retagent_child(url, timeout_s, live);
	}
	close(o[1]), close(e[1]);
	p->fd[0] = o[0], p->fd[1] = e[0];
	if (p->pid < 0) {
		p->pid = 0;
		return snprintf(err, errlen, "cannot start the agent's client: %s", strerror(errno)), -1;
	}
	return set_nonblock(o[0]) < 0 || set_nonblock(e[0]) < 0 ? -1 : 0;
}

/* The one-way stream, alongside: to the traced server over ssh (its hopdoc
 * reflects on the port we picked), to the agent's own address and port. */
static void start_oneway(struct retpeer *p, const struct config *cfg)
{
	bool ssh = p->url.scheme == RETVIA_SSH;
	unsigned port = ssh ? p->oneway_port
	                : p->url.port ? p->url.port : p->url.scheme == RETVIA_HTTPS ? 443 : 80;
	const char *host = ssh ? cfg->probe.target : p->url.host;
	if (!host) {
		snprintf(p->oneway_err, sizeof(p->oneway_err), "no server address for it");
		return;
	}
	p->oneway = retoneway_start(cfg, host, port, p->oneway_err, sizeof(p->oneway_err));
}

void retpeer_oneway(struct retpeer *p, struct diag_oneway *ow)
{
	if (p->oneway) {
		retoneway_take(p->oneway, ow);
		retoneway_free(p->oneway);
		p->oneway = NULL;
		if (!ow->measured && p->tool == RETVIA_TOOL_MTR)
			snprintf(ow->why, sizeof(ow->why), "the server ran mtr, which has no one-way reflector");
		return;
	}
	memset(ow, 0, sizeof(*ow));
	snprintf(ow->why, sizeof(ow->why), "%s", p->oneway_err);
}

static struct retpeer *start(const struct config *cfg, bool live, char *err, size_t errlen)
{
	struct retpeer *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fd[0] = p->fd[1] = -1;
	const struct probe_params *pp = &cfg->probe;
	double run_s = (double)pp->cycles * pp->interval_s + pp->gracetime_s + pp->timeout_s;
	if (run_s > 1e9)
		run_s = 1e9; /* -c and -i at their limits overflow int64 nanoseconds */
	p->deadline_ns = evloop_now_ns() + (int64_t)((run_s + SLACK_S) * 1e9);
	if (retvia_parse(cfg->return_via, &p->url, err, errlen) < 0) {
		retpeer_free(p);
		return NULL;
	}
	bool ssh = p->url.scheme == RETVIA_SSH;
	snprintf(p->label, sizeof(p->label), "%s://%s", ssh ? "ssh" : p->url.scheme == RETVIA_HTTP ? "http" : "https", p->url.host);
	if ((ssh ? start_ssh(p, cfg, live, err, errlen) : start_agent(p, cfg, live, err, errlen)) < 0) {
		retpeer_free(p);
		return NULL;
	}
	if (live) /* the view's verdict is the traces' alone */
		snprintf(p->oneway_err, sizeof(p->oneway_err), "not sent in the live view");
	else
		start_oneway(p, cfg);
	return p;
}

struct retpeer *retpeer_start(const struct config *cfg, char *err, size_t errlen)
{
	return start(cfg, false, err, errlen);
}

struct retpeer *retpeer_start_live(const struct config *cfg, char *err, size_t errlen)
{
	return start(cfg, true, err, errlen);
}

static void close_fd(struct retpeer *p, int i)
{
	if (p->fd[i] < 0)
		return;
	if (p->loop)
		evloop_del_fd(p->loop, p->fd[i]);
	close(p->fd[i]);
	p->fd[i] = -1;
	if (p->waiting && p->fd[0] < 0 && p->fd[1] < 0)
		evloop_stop(p->loop);
}

static void keep_out(struct retpeer *p, const char *buf, size_t n)
{
	if (p->out_len + n > OUT_MAX) {
		p->too_big = true;
		return;
	}
	if (p->out_len + n > p->out_cap) {
		size_t cap = p->out_cap ? p->out_cap : 65536;
		while (cap < p->out_len + n)
			cap *= 2;
		char *grown = realloc(p->out, cap);
		if (!grown) {
			p->too_big = true;
			return;
		}
		p->out = grown, p->out_cap = cap;
	}
	memcpy(p->out + p->out_len, buf, n);
	p->out_len += n;
}

/* Only the tail of stderr is kept: its last line is what went wrong. */
static void keep_err(struct retpeer *p, const char *buf, size_t n)
{
	if (n >= ERR_KEEP) {
		buf += n - (ERR_KEEP - 1), n = ERR_KEEP - 1;
		p->err_len = 0;
	} else if (p->err_len + n >= ERR_KEEP) {
		size_t drop = p->err_len + n - (ERR_KEEP - 1);
		memmove(p->err, p->err + drop, p->err_len - drop);
		p->err_len -= drop;
	}
	memcpy(p->err + p->err_len, buf, n);
	p->err_len += n;
}

static void on_readable(struct retpeer *p, int i)
{
	char buf[16384];
	for (;;) {
		ssize_t n = read(p->fd[i], buf, sizeof(buf));
		if (n > 0) {
			i == 0 ? keep_out(p, buf, (size_t)n) : keep_err(p, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			close_fd(p, i);
		return;
	}
}

static void on_fd(void *ctx, int fd, unsigned events)
{
	struct retpeer *p = ctx;
	(void)events;
	on_readable(p, fd == p->fd[0] ? 0 : 1);
}

int retpeer_attach(struct retpeer *p, struct evloop *loop)
{
	for (int i = 0; i < 2; i++) {
		if (p->fd[i] >= 0 && evloop_add_fd(loop, p->fd[i], EVLOOP_READ, on_fd, p) < 0) {
			evloop_del_fd(loop, p->fd[0]); /* the loop may be freed before us */
			return -1;
		}
	}
	p->loop = loop;
	return 0;
}

static void on_deadline(void *ctx)
{
	struct retpeer *p = ctx;
	p->timed_out = true;
	evloop_stop(p->loop);
}

void retpeer_wait(struct retpeer *p, struct evloop *loop, const volatile sig_atomic_t *stop)
{
	if ((p->fd[0] < 0 && p->fd[1] < 0) || (stop && *stop))
		return;
	evloop_timer_id t = evloop_add_timer(loop, p->deadline_ns, on_deadline, p);
	p->waiting = true;
	(void)evloop_run(loop);
	p->waiting = false;
	if (t)
		(void)evloop_cancel_timer(loop, t);
}

static void reap(struct retpeer *p)
{
	close_fd(p, 0);
	close_fd(p, 1);
	p->loop = NULL;
	if (p->pid <= 0 || p->reaped)
		return;
	/* Still running (deadline, ^C or an output that would not end). */
	if (waitpid(p->pid, &p->status, WNOHANG) == 0) {
		kill(p->pid, SIGTERM);
		while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
			;
	}
	p->reaped = true;
}

/* ssh's last non-empty line on stderr, without its line end. */
static const char *last_err_line(struct retpeer *p)
{
	while (p->err_len > 0 && strchr("\r\n \t", p->err[p->err_len - 1]))
		p->err_len--;
	p->err[p->err_len] = '\0';
	for (char *c = p->err; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n')
			*c = ' '; /* the remote's bytes never steer our terminal */
	char *nl = strrchr(p->err, '\n');
	return nl ? nl + 1 : p->err;
}

static bool ssh_failed(const struct retpeer *p)
{
	return WIFEXITED(p->status) && WEXITSTATUS(p->status) == 255;
}

static struct model_trace *no_trace(struct retpeer *p, char *err, size_t errlen)
{
	const char *why = last_err_line(p);
	if (p->timed_out)
		snprintf(err, errlen, "%s: no complete answer before the deadline", p->label);
	else if (ssh_failed(p) || (p->out_len == 0 && why[0]))
		snprintf(err, errlen, "%s: %s%s", p->label, p->url.scheme == RETVIA_SSH ? "ssh failed: " : "",
		         why[0] ? why : "no reason given");
	else if (p->out_len == 0)
		snprintf(err, errlen, "%s: closed without an answer", p->label);
	else
		snprintf(err, errlen, "%s: the answer is not a return trace (no hopdoc-return line)",
		         p->label);
	return NULL;
}

static struct model_trace *import_answer(struct retpeer *p, size_t body, char *err, size_t errlen)
{
	struct model_trace *t = NULL;
	struct import_error ie;
	if (p->too_big) {
		snprintf(err, errlen, "%s: the answer is larger than %u bytes", p->label, OUT_MAX);
		return NULL;
	}
	if (import_buffer(p->out + body, p->out_len - body, p->label, &t, &ie) == 0)
		return t;
	char msg[IMPORT_FILE_MAX + IMPORT_MSG_MAX + 32];
	snprintf(err, errlen, "the server's %s output cannot be read: %s%s", retvia_tool_name(p->tool),
	         import_error_text(&ie, msg, sizeof(msg)), p->timed_out ? " (cut at the deadline)" : "");
	return NULL;
}

struct model_trace *retpeer_take_trace(struct retpeer *p, char *err, size_t errlen)
{
	reap(p);
	size_t body = 0;
	p->tool = p->out ? retvia_split(p->out, p->out_len, &body) : RETVIA_TOOL_UNKNOWN;
	p->body = body;
	if (p->tool == RETVIA_TOOL_NONE) {
		snprintf(err, errlen, "%s has neither hopdoc nor mtr: install hopdoc (or mtr, Debian's "
		         "mtr-tiny) there", p->label);
		return NULL;
	}
	if (p->tool == RETVIA_TOOL_UNKNOWN)
		return no_trace(p, err, errlen);
	return import_answer(p, body, err, errlen);
}

size_t retpeer_received(const struct retpeer *p)
{
	return p->out_len;
}

struct model_trace *retpeer_peek_trace(const struct retpeer *p)
{
	size_t body = 0;
	if (!p->out || p->too_big || retvia_split(p->out, p->out_len, &body) == RETVIA_TOOL_UNKNOWN)
		return NULL;
	size_t end = p->out_len;
	while (end > body && p->out[end - 1] != '\n')
		end--; /* a line still coming is left for the next look */
	struct model_trace *t = NULL;
	struct import_error ie;
	return end > body && import_buffer(p->out + body, end - body, p->label, &t, &ie) == 0 ? t
	                                                                                   : NULL;
}

int retpeer_host_findings(const struct retpeer *p, struct finding_list *out)
{
	if (p->tool != RETVIA_TOOL_HOPDOC || p->too_big || !p->out)
		return 0;
	int rc = import_host_findings(p->out + p->body, p->out_len - p->body, out);
	return rc < 0 ? 0 : rc; /* a document import_answer could not read has none */
}

enum retvia_tool retpeer_tool(const struct retpeer *p)
{
	return p->tool;
}

const char *retpeer_label(const struct retpeer *p)
{
	return p->label;
}

void retpeer_free(struct retpeer *p)
{
	if (!p)
		return;
	reap(p);
	retoneway_free(p->oneway);
	free(p->out);
	free(p);
}
