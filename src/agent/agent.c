/* agent: the HTTP service; each trace is a child hopdoc. */
#include "agent/agent.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_limit.h"
#include "agent/agent_ndjson.h"
#include "base/evloop.h"
#include "base/strbuf.h"
#include "oneway/oneway_io.h"

#define TRACE_OUT_MAX (4u << 20)
#define TRACE_ARGV_MAX 20 /* the longest argv trace_argv makes, with its NULL */
#define REQ_MEMORY (16u * 1024) /* MHD's per-connection pool: bounds the request */

struct agent {
	const struct agent_opts *o;
	struct agent_limit *limit;
	pthread_mutex_t lock;
	struct oneway_refl *refl; /* the one-way stream's reflector; NULL: none */
	pthread_t refl_thread;
	atomic_bool refl_stop; /* set by the main thread, read by the reflector's */
};

void agent_opts_default(struct agent_opts *o)
{
	memset(o, 0, sizeof(*o));
	agent_bounds_default(&o->bounds);
	o->max_active = 4;
	o->per_minute = 6;
	o->timeout_s = 10;
	o->max_conns = 64;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *body, size_t len, unsigned retry_after)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (retry_after) {
		char s[16];
		snprintf(s, sizeof(s), "%u", retry_after);
		MHD_add_response_header(r, "Retry-After", s);
	}
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *msg,
                                  unsigned retry_after)
{
	char body[320];
	snprintf(body, sizeof(body), "%s\n", msg);
	return reply(c, status, "text/plain; charset=utf-8", body, strlen(body), retry_after);
}

/* ---- checks on the request ---------------------------------------------- */

struct scan {
	struct agent_trace_req *req;
	const struct agent_bounds *b;
	bool bad;
	char err[160];
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct scan *s = cls;
	(void)kind;
	if (!s->bad && agent_query_pair(s->req, s->b, key, value, s->err, sizeof(s->err)) < 0)
		s->bad = true;
	return s->bad ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
	struct scan *s = cls;
	(void)kind, (void)value;
	if (agent_header_names_address(key)) {
		snprintf(s->err, sizeof(s->err), "%s: the agent traces back to the TCP peer only", key);
		s->bad = true;
	}
	return s->bad ? MHD_NO : MHD_YES;
}

/* Compares in time that depends only on the expected token's length. */
static bool token_equal(const char *got, const char *want)
{
	size_t n = strlen(want), m = strlen(got);
	volatile unsigned char diff = (unsigned char)(n != m);
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(want[i] ^ (i < m ? got[i] : 0));
	return diff == 0;
}

static bool authorized(const struct agent *a, struct MHD_Connection *c)
{
	if (!a->o->token)
		return true;
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	const char *prefix = "Bearer ";
	if (!h || strncmp(h, prefix, strlen(prefix)) != 0)
		return false;
	return token_equal(h + strlen(prefix), a->o->token);
}

/* The peer's address as text and its prefix key; -1 for other families. */
static int peer_of(struct MHD_Connection *c, char *text, size_t len,
                   unsigned char key[AGENT_PREFIX_LEN])
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return -1;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		agent_limit_prefix(AF_INET, (const unsigned char *)&in->sin_addr, key);
		return inet_ntop(AF_INET, &in->sin_addr, text, (socklen_t)len) ? 0 : -1;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		agent_limit_prefix(AF_INET6, in6->sin6_addr.s6_addr, key);
		/* an IPv4 peer of a dual-stack listener is traced over IPv4 */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], text, (socklen_t)len) ? 0 : -1;
		return inet_ntop(AF_INET6, &in6->sin6_addr, text, (socklen_t)len) ? 0 : -1;
	}
	return -1;
}

/* ---- the trace, a child hopdoc -------------------------------------------- */

/* fmt: "-j" for the document, "-l" for the raw stream NDJSON is made of. */
static void trace_argv(const struct agent_trace_req *r, const char *hopdoc, const char *peer,
                       const char *fmt, char num[3][24], const char *argv[TRACE_ARGV_MAX])
{
	size_t n = 0;
	argv[n++] = hopdoc;
	argv[n++] = "-n";
	argv[n++] = fmt;
	if (strcmp(fmt, "-j") == 0) { /* the server's own counters join the document (R13) */
		argv[n++] = "--diagnose";
		argv[n++] = "--no-follow-up";
	}
	argv[n++] = "-G";
	argv[n++] = "2";
	snprintf(num[0], 24, "%lu", r->cycles);
	argv[n++] = "-c";
	argv[n++] = num[0];
	snprintf(num[1], 24, "%.3f", r->interval_s);
	argv[n++] = "-i";
	argv[n++] = num[1];
	if (r->proto != MODEL_PROTO_ICMP)
		argv[n++] = r->proto == MODEL_PROTO_UDP ? "-u" : "-T";
	if (r->port) {
		snprintf(num[2], 24, "%u", r->port);
		argv[n++] = "-P";
		argv[n++] = num[2];
	}
	argv[n++] = "--";
	argv[n++] = peer; /* the TCP peer, never a word of the request */
	argv[n] = NULL;
}

static int spawn_trace(const char *const argv[TRACE_ARGV_MAX], int *out_fd, pid_t *pid)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *args[TRACE_ARGV_MAX];
	memcpy(args, argv, sizeof(args));
	int rc = posix_spawn(pid, argv[0], &fa, NULL, args, NULL); /* empty environment */
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return -1;
	}
	*out_fd = p[0];
	return 0;
}

/* The child's whole output (bounded); its exit status in *status. */
static char *collect(int fd, pid_t pid, size_t *len, int *status)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	ssize_t n;
	size_t total = 0;
	while ((n = read(fd, buf, sizeof(buf) - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		buf[n] = '\0';
		total += (size_t)n;
		if (total <= TRACE_OUT_MAX)
			strbuf_append(&sb, buf); /* -j output has no NUL byte */
	}
	close(fd);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	*len = strlen(strbuf_str(&sb));
	return total > TRACE_OUT_MAX ? (strbuf_free(&sb), NULL) : strbuf_take(&sb);
}

static enum MHD_Result run_trace(struct agent *a, struct MHD_Connection *c,
                                 const struct agent_trace_req *r, const char *peer)
{
	char num[3][24];
	const char *argv[TRACE_ARGV_MAX];
	int fd, status = 0;
	pid_t pid;
	/* Not idle while the trace runs (see stream_trace). */
	MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
	                          (unsigned)((double)r->cycles * r->interval_s) + 30u);
	trace_argv(r, a->o->hopdoc_path, peer, "-j", num, argv);
	if (spawn_trace(argv, &fd, &pid) < 0)
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start the trace", 0);
	size_t len;
	char *out = collect(fd, pid, &len, &status);
	enum MHD_Result ok;
	if (out && len > 0 && WIFEXITED(status))
		ok = reply(c, MHD_HTTP_OK, "application/json", out, len, 0);
	else
		ok = reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the trace failed", 0);
	free(out);
	return ok;
}

/* ---- NDJSON: one line per round, as the child's raw stream comes ---------- */

struct stream {
	struct agent *a;
	unsigned char key[AGENT_PREFIX_LEN];
	int fd;
	pid_t pid;
	struct agent_ndjson *nd;
	struct strbuf pend; /* converted lines not yet sent */
	size_t off;
	bool eof;
};

/* MHD's reader (this connection's own thread: a blocking read is fine). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	(void)pos;
	while (s->off == s->pend.len) {
		strbuf_free(&s->pend);
		s->off = 0;
		if (s->eof)
			return MHD_CONTENT_READER_END_OF_STREAM;
		char tmp[4096];
		ssize_t n = read(s->fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		int rc = n > 0 ? agent_ndjson_feed(s->nd, tmp, (size_t)n, &s->pend)
		               : (s->eof = true, agent_ndjson_finish(s->nd, &s->pend));
		if (rc < 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	size_t k = s->pend.len - s->off < max ? s->pend.len - s->off : max;
	memcpy(buf, s->pend.buf + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

/* The stream ended or the client left: the child is reaped, the slot freed. */
static void stream_free(void *cls)
{
	struct stream *s = cls;
	int status;
	if (s->fd >= 0)
		close(s->fd);
	/* A client that left must not hold the slot for the rest of the trace: a
	 * child probing silently would only meet EPIPE at its next line. */
	if (s->pid > 0)
		(void)kill(s->pid, SIGTERM);
	while (s->pid > 0 && waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&s->a->lock);
	agent_limit_done(s->a->limit, s->key);
	pthread_mutex_unlock(&s->a->lock);
	agent_ndjson_free(s->nd);
	strbuf_free(&s->pend);
	free(s);
}

/* Takes over the admitted slot: released by stream_free, or here on failure. */
static enum MHD_Result stream_trace(struct agent *a, struct MHD_Connection *c,
                                    const struct agent_trace_req *r, const char *peer,
                                    const unsigned char key[AGENT_PREFIX_LEN])
{
	char num[3][24];
	const char *argv[TRACE_ARGV_MAX];
	struct stream *s = calloc(1, sizeof(*s));
	if (s)
		s->a = a, s->fd = -1, memcpy(s->key, key, AGENT_PREFIX_LEN), s->nd = agent_ndjson_new();
	trace_argv(r, a->o->hopdoc_path, peer, "-l", num, argv);
	struct MHD_Response *resp = NULL;
	if (s && s->nd && spawn_trace(argv, &s->fd, &s->pid) == 0)
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
	if (!resp) {
		if (s)
			stream_free(s);
		else {
			pthread_mutex_lock(&a->lock);
			agent_limit_done(a->limit, key);
			pthread_mutex_unlock(&a->lock);
		}
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot start the trace", 0);
	}
	/* The idle timeout is for clients that send nothing: a stream may wait
	 * rounds between lines, so this connection gets the trace's length. */
	unsigned run_s = (unsigned)((double)r->cycles * r->interval_s) + 30u;
	MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, run_s);
	MHD_add_response_header(resp, "Content-Type", "application/x-ndjson");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* ---- the one-way stream ---------------------------------------------------- */

/* The client's one-way stream (cli/retoneway) comes to our listening address
 * and port over UDP. It is answered for the peer of an admitted trace only,
 * for the trace's length and 30 s, within oneway_refl's budget: never
 * another address, never more bytes than came. */
static void allow_stream(struct agent *a, struct MHD_Connection *c, const struct agent_trace_req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!a->refl || !ci || !ci->client_addr)
		return;
	double run_s = (double)r->cycles * r->interval_s + 30.0;
	(void)oneway_refl_allow(a->refl, ci->client_addr, evloop_now_ns() + (int64_t)(run_s * 1e9));
}

/* The reflector only reads and writes its bound socket: its thread gives up
 * every capability (they are per thread; the HTTP threads keep CAP_NET_RAW
 * for the trace children they spawn). An empty permitted and inheritable
 * set empties the ambient one too. */
static int drop_caps_in_this_thread(void)
{
	cap_t none = cap_init();
	int rc = none ? cap_set_proc(none) : -1;
	cap_free(none);
	if (rc == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L) < 0)
		rc = -1;
	return rc;
}

static void *reflect_loop(void *ctx)
{
	struct agent *a = ctx;
	(void)prctl(PR_SET_NAME, "hd-reflector", 0L, 0L, 0L); /* for ps and the lab test */
	if (drop_caps_in_this_thread() < 0)
		return NULL; /* no stream rather than one answered with privileges */
	while (!atomic_load(&a->refl_stop))
		oneway_refl_serve(a->refl, 200);
	return NULL;
}

/* The UDP twin of the listening socket, bound while privileges last; the
 * agent serves without a reflector when it cannot be had. */
static struct oneway_refl *reflector_for(int tcp_fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char err[128];
	if (getsockname(tcp_fd, (struct sockaddr *)&ss, &len) < 0)
		return NULL;
	int fd = oneway_bind_addr((const struct sockaddr *)&ss, len, err, sizeof(err));
	struct oneway_refl *r = fd >= 0 ? oneway_refl_new(fd) : NULL;
	if (fd >= 0 && !r)
		close(fd);
	return r;
}

static void reflector_start(struct agent *a)
{
	if (a->refl && pthread_create(&a->refl_thread, NULL, reflect_loop, a) != 0) {
		oneway_refl_free(a->refl);
		a->refl = NULL;
	}
}

static void reflector_stop(struct agent *a)
{
	if (!a->refl)
		return;
	atomic_store(&a->refl_stop, true);
	pthread_join(a->refl_thread, NULL);
	oneway_refl_free(a->refl);
}

/* ---- admission and dispatch ---------------------------------------------- */

static enum MHD_Result refuse_busy(struct MHD_Connection *c, enum agent_admit v, unsigned retry)
{
	const char *why = v == AGENT_ADMIT_RATE ? "too many requests from your network this minute"
	                  : v == AGENT_ADMIT_PREFIX_BUSY ? "a trace for your network is running"
	                                                 : "the agent is busy";
	return reply_text(c, MHD_HTTP_TOO_MANY_REQUESTS, why, retry);
}

static enum MHD_Result trace_request(struct agent *a, struct MHD_Connection *c)
{
	struct agent_trace_req r;
	agent_query_init(&r, &a->o->bounds);
	struct scan s = { .req = &r, .b = &a->o->bounds };
	MHD_get_connection_values(c, MHD_HEADER_KIND, on_header, &s);
	if (!s.bad)
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_arg, &s);
	if (s.bad)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, s.err, 0);
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	bool ndjson = accept && strstr(accept, "application/x-ndjson");
	char peer[INET6_ADDRSTRLEN];
	unsigned char key[AGENT_PREFIX_LEN];
	if (peer_of(c, peer, sizeof(peer), key) < 0)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "no usable peer address", 0);
	unsigned retry;
	pthread_mutex_lock(&a->lock);
	enum agent_admit v = agent_limit_admit(a->limit, key, evloop_now_ns(), &retry);
	pthread_mutex_unlock(&a->lock);
	if (v != AGENT_ADMIT_OK)
		return refuse_busy(c, v, retry);
	allow_stream(a, c, &r);
	if (ndjson)
		return stream_trace(a, c, &r, peer, key);
	enum MHD_Result ok = run_trace(a, c, &r, peer);
	pthread_mutex_lock(&a->lock);
	agent_limit_done(a->limit, key);
	pthread_mutex_unlock(&a->lock);
	return ok;
}

static enum MHD_Result dispatch(struct agent *a, struct MHD_Connection *c, const char *url,
                                const char *method)
{
	if (strcmp(method, "GET") != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET", 0);
	if (!authorized(a, c))
		return reply_text(c, MHD_HTTP_UNAUTHORIZED, "a valid bearer token is required", 0);
	if (strcmp(url, "/v1/health") == 0)
		return reply_text(c, MHD_HTTP_OK, "ok", 0);
	if (strcmp(url, "/v1/trace") == 0)
		return trace_request(a, c);
	return reply_text(c, MHD_HTTP_NOT_FOUND, "no such path (GET /v1/trace, /v1/health)", 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
	/* Static markers of the request's state: nothing allocated per request. */
	static char headers_seen, body_seen;
	(void)version, (void)upload;
	if (!*req_cls) {
		*req_cls = &headers_seen; /* first call: headers only */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0; /* a body is drained (within the memory limit), then refused */
		*req_cls = &body_seen;
		return MHD_YES;
	}
	if (*req_cls == &body_seen)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "a request body is not accepted", 0);
	return dispatch(cls, c, url, method);
}

/* ---- the listening socket, privileges, the daemon ------------------------ */

static int listen_socket(const char *spec, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;
	if (!colon || n == 0 || n >= sizeof(host) || !colon[1])
		return snprintf(err, errlen, "--listen %s: expected ADDRESS:PORT", spec), -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (host[0] == '[' && host[n - 1] == ']')
		memmove(host, host + 1, n - 2), host[n - 2] = '\0';
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
		                  .ai_socktype = SOCK_STREAM }, *ai;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0)
		return snprintf(err, errlen, "--listen %s: not a numeric address and port", spec), -1;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
		snprintf(err, errlen, "--listen %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int raise_net_raw(void)
{
	cap_value_t v = CAP_NET_RAW;
	cap_t c = cap_init();
	int rc = !c || cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) ||
	         cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) ||
	         cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET) || cap_set_proc(c);
	cap_free(c);
	if (rc == 0)
		rc = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0L, 0L);
	return rc ? -1 : 0;
}

/* As root: nobody, with CAP_NET_RAW alone (ambient, for the trace children).
 * Called while the process has one thread: capabilities are per thread. */
static int keep_only_net_raw(char *err, size_t errlen)
{
	if (getuid() != 0 && geteuid() != 0)
		return 0; /* systemd's DynamicUser with AmbientCapabilities=CAP_NET_RAW */
	const struct passwd *pw = getpwnam("nobody");
	if (!pw)
		return snprintf(err, errlen, "cannot drop privileges: no user nobody"), -1;
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap != CAP_NET_RAW)
			(void)prctl(PR_CAPBSET_DROP, cap, 0L, 0L, 0L);
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 || setgroups(0, NULL) < 0 ||
	    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0 || raise_net_raw() < 0)
		return snprintf(err, errlen, "cannot drop privileges: %s", strerror(errno)), -1;
	return 0;
}

static struct MHD_Daemon *start_daemon(struct agent *a, int fd)
{
	const struct agent_opts *o = a->o;
	struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_LISTEN_SOCKET, fd, NULL },
		{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)o->max_conns, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, 4, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)o->timeout_s, NULL },
		{ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)REQ_MEMORY, NULL },
		{ o->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)(uintptr_t)o->tls_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)o->tls_key },
		{ MHD_OPTION_END, 0, NULL },
	};
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 (o->tls_cert ? MHD_USE_TLS : 0);
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, a, MHD_OPTION_ARRAY, opts,
	                        MHD_OPTION_END);
}

int agent_serve(const struct agent_opts *o, const volatile sig_atomic_t *stop, char *err,
                size_t errlen)
{
	int fd = listen_socket(o->listen, err, errlen);
	if (fd < 0)
		return -1;
	struct oneway_refl *refl = reflector_for(fd);
	if (keep_only_net_raw(err, errlen) < 0) {
		close(fd);
		oneway_refl_free(refl);
		return -1;
	}
	struct agent a = { .o = o, .limit = agent_limit_new(o->max_active, o->per_minute), .refl = refl };
	pthread_mutex_init(&a.lock, NULL);
	reflector_start(&a); /* after the drop: capabilities are per thread */
	struct MHD_Daemon *d = a.limit ? start_daemon(&a, fd) : NULL;
	if (!d) {
		snprintf(err, errlen, "cannot start the HTTP service%s", o->tls_cert ? " (TLS cert/key?)" : "");
		close(fd);
	}
	while (d && !*stop) {
		struct timespec t = { 0, 200000000 };
		nanosleep(&t, NULL);
	}
	if (d)
		MHD_stop_daemon(d);
	reflector_stop(&a);
	agent_limit_free(a.limit);
	pthread_mutex_destroy(&a.lock);
	return d ? 0 : -1;
}
