/* metrics: see metrics.h. */
#include "metrics/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/sink.h"

#define MAX_CONNS 16
#define PER_IP_CONNS 4
#define IDLE_TIMEOUT_S 10
#define REQ_MEMORY (16u * 1024)

/* One published text, never changed once made. The server holds one
 * reference (the current snapshot) and each response being sent another, so
 * a publish swaps the pointer and a scrape only takes a reference under the
 * lock: neither waits for the other's copying or sending. The last holder
 * frees it. */
struct snap {
	atomic_uint refs;
	size_t len;
	char text[];
};

struct metrics {
	struct MHD_Daemon *daemon;
	int fd;
	unsigned port;
	pthread_mutex_t lock; /* guards cur (the pointer only) */
	struct snap *cur;
};

/* ---- the address ------------------------------------------------------- */

/* "ADDR:PORT" or "[V6]:PORT" into host and port; -1 when malformed. */
static int split_spec(const char *spec, char *host, size_t hostlen, const char **port)
{
	const char *colon = strrchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : 0;
	if (!colon || n == 0 || n >= hostlen || !colon[1])
		return -1;
	memcpy(host, spec, n);
	host[n] = '\0';
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	*port = colon + 1;
	return 0;
}

static bool is_wildcard(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	/* ::ffff:0.0.0.0 binds a dual-stack socket to every IPv4 address */
	return IN6_IS_ADDR_UNSPECIFIED(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr32[3] == 0);
}

static int bind_listen(const struct addrinfo *ai, const char *spec, char *err, size_t errlen)
{
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errlen, "--metrics %s: %s", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int listen_socket(const char *spec, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port;
	if (split_spec(spec, host, sizeof(host), &port) < 0)
		return snprintf(err, errlen, "--metrics %s: expected ADDRESS:PORT", spec), -1;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
		                  .ai_socktype = SOCK_STREAM }, *ai;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return snprintf(err, errlen, "--metrics %s: not a numeric address and port", spec), -1;
	int fd = -1;
	if (is_wildcard(ai->ai_addr))
		snprintf(err, errlen, "--metrics %s: give the one address to listen on (the endpoint "
		         "has no authentication; a wildcard would serve every interface)", spec);
	else
		fd = bind_listen(ai, spec, err, errlen);
	freeaddrinfo(ai);
	return fd;
}

static unsigned bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* ---- requests ---------------------------------------------------------- */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, const char *type,
                             struct MHD_Response *r)
{
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return queue(c, status, "text/plain; charset=utf-8",
	             MHD_create_response_from_buffer(strlen(msg), (void *)(uintptr_t)msg,
	                                             MHD_RESPMEM_MUST_COPY));
}

static struct snap *snap_new(const char *text, size_t len)
{
	struct snap *s = malloc(sizeof(*s) + len + 1);
	if (!s)
		return NULL;
	atomic_init(&s->refs, 1);
	s->len = len;
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	return s;
}

/* Drops one reference (MHD's free callback for a response's). */
static void snap_put(void *cls)
{
	struct snap *s = cls;
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		free(s);
}

/* The current snapshot, with a reference for the caller. */
static struct snap *snap_get(struct metrics *m)
{
	pthread_mutex_lock(&m->lock);
	struct snap *s = m->cur;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&m->lock);
	return s;
}

/* The response sends the snapshot's own bytes (no copy) and drops its
 * reference when MHD is done with it. */
static enum MHD_Result reply_snapshot(struct metrics *m, struct MHD_Connection *c)
{
	struct snap *s = snap_get(m);
	struct MHD_Response *r =
	    MHD_create_response_from_buffer_with_free_callback_cls(s->len, s->text, snap_put, s);
	if (!r)
		snap_put(s);
	return queue(c, MHD_HTTP_OK, RENDER_PROM_CONTENT_TYPE, r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **req_cls)
{
	static char headers_seen; /* a marker: nothing is allocated per request */
	(void)version, (void)upload;
	if (!*req_cls) {
		*req_cls = &headers_seen;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0; /* a body is drained, then the request refused below */
		return MHD_YES;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (strcmp(url, "/metrics") == 0)
		return reply_snapshot(cls, c);
	if (strcmp(url, "/") == 0)
		return reply_text(c, MHD_HTTP_OK, "hopdoc: the metrics are at /metrics\n");
	return reply_text(c, MHD_HTTP_NOT_FOUND, "no such path (GET /metrics)\n");
}

/* ---- the server -------------------------------------------------------- */

/* The server's thread is created with every signal blocked: a stop signal
 * must reach the prober's thread, whose event loop waits for it. */
static struct MHD_Daemon *start_daemon(struct metrics *m)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL, on_request, m,
	    MHD_OPTION_LISTEN_SOCKET, m->fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_CONNS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REQ_MEMORY, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return d;
}

/* Swaps in a new snapshot; the old one goes when its last scrape is sent. */
static void adopt(struct metrics *m, struct snap *s)
{
	pthread_mutex_lock(&m->lock);
	struct snap *old = m->cur;
	m->cur = s;
	pthread_mutex_unlock(&m->lock);
	snap_put(old);
}

int metrics_publish(struct metrics *m, const struct render_prom_target *t, size_t n)
{
	struct sink *s = sink_new_buffer();
	if (!s)
		return -1;
	size_t len = 0;
	const char *body = render_prom(t, n, s) == 0 ? sink_buffer(s, &len) : NULL;
	struct snap *snap = body ? snap_new(body, len) : NULL;
	sink_free(s);
	if (!snap)
		return -1;
	adopt(m, snap);
	return 0;
}

struct metrics *metrics_new(const char *listen, char *err, size_t errlen)
{
	struct metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return snprintf(err, errlen, "out of memory"), NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->fd = listen_socket(listen, err, errlen);
	if (m->fd >= 0)
		m->port = bound_port(m->fd);
	if (m->fd >= 0 && metrics_publish(m, NULL, 0) < 0)
		snprintf(err, errlen, "out of memory");
	else if (m->fd >= 0 && !(m->daemon = start_daemon(m)))
		snprintf(err, errlen, "--metrics %s: cannot start the HTTP server", listen);
	if (!m->daemon) {
		metrics_free(m);
		return NULL;
	}
	m->fd = -1; /* the daemon's now: MHD_stop_daemon closes it */
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	if (m->fd >= 0)
		close(m->fd);
	pthread_mutex_destroy(&m->lock);
	snap_put(m->cur); /* the daemon is stopped: no response holds one */
	free(m);
}

unsigned metrics_port(const struct metrics *m)
{
	return m->port;
}
