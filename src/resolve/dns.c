/* dns: reverse lookups off the probing path.
 *
 * Two halves share one small struct: the loop side (cache, pipe reader, the
 * consumer) and the workers (queue in, answers out). The shared half is
 * reference-counted because a worker may sit in the resolver for many seconds
 * after the loop side is gone; whoever lets go last frees it. */
#include "resolve/dns.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WORKER_STACK (512 * 1024)
#define CACHE_FILL_MAX (DNS_MAX_CACHE * 3 / 4) /* keep probing chains short */

struct dns_request {
	struct model_addr addr;
	int64_t queued_ns;
};

struct dns_answer {
	struct model_addr addr;
	bool named;
	char name[MODEL_NAME_MAX];
};

struct dns_shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct dns_request *queue; /* ring of cap requests */
	unsigned q_head, q_len, cap;
	struct dns_answer *answers; /* cap answers, drained by the loop side */
	unsigned n_answers;
	int wake_fd;                /* pipe write end, non-blocking */
	unsigned refs;              /* the loop side + each worker */
	bool closing;
	int64_t timeout_ns;
	dns_resolve_fn resolve;
};

enum entry_state { ENTRY_EMPTY, ENTRY_PENDING, ENTRY_NAMED, ENTRY_NONAME };

struct dns_entry {
	struct model_addr addr;
	uint8_t state;
	char *name;
};

struct dns {
	struct dns_shared *sh;
	struct evloop *loop;
	int read_fd;
	event_fn on_event;
	void *ctx;
	enum event_type answer_type; /* EVENT_NAME, or EVENT_IPINFO (params.ipinfo) */
	struct dns_entry *cache; /* DNS_MAX_CACHE slots, open addressing */
	unsigned n_cache;
	unsigned pending;
	unsigned workers_wanted;
	bool workers_started;
	struct dns_answer *drained; /* cap answers, swapped with the shared ones */
};

/* ---- the shared half ---------------------------------------------------- */

static void shared_free(struct dns_shared *sh)
{
	if (sh->wake_fd >= 0)
		close(sh->wake_fd);
	pthread_mutex_destroy(&sh->mu);
	pthread_cond_destroy(&sh->cv);
	free(sh->queue);
	free(sh->answers);
	free(sh);
}

/* Drops one reference; the caller holds the lock, which this releases. */
static void shared_release_locked(struct dns_shared *sh)
{
	bool last = --sh->refs == 0;
	pthread_mutex_unlock(&sh->mu);
	if (last)
		shared_free(sh);
}

static struct dns_shared *shared_new(unsigned cap, double timeout_s, dns_resolve_fn resolve)
{
	struct dns_shared *sh = calloc(1, sizeof(*sh));
	if (!sh)
		return NULL;
	sh->wake_fd = -1;
	pthread_mutex_init(&sh->mu, NULL);
	pthread_cond_init(&sh->cv, NULL);
	sh->queue = calloc(cap, sizeof(*sh->queue));
	sh->answers = calloc(cap, sizeof(*sh->answers));
	if (!sh->queue || !sh->answers) {
		shared_free(sh);
		return NULL;
	}
	sh->cap = cap;
	sh->refs = 1;
	sh->timeout_ns = (int64_t)(timeout_s * 1e9);
	sh->resolve = resolve;
	return sh;
}

/* ---- the workers --------------------------------------------------------- */

static void answer_request(const struct dns_shared *sh, const struct dns_request *rq, struct dns_answer *an)
{
	memset(an, 0, sizeof(*an));
	an->addr = rq->addr;
	/* A request that waited past the timeout is dropped unasked: behind a
	 * dead server every lookup takes the resolver's full timeout, and asking
	 * them all would only grow the backlog. */
	if (evloop_now_ns() - rq->queued_ns > sh->timeout_ns)
		return;
	an->named = sh->resolve(&rq->addr, an->name, sizeof(an->name)) == 0 && an->name[0] != '\0';
}

static void post_answer_locked(struct dns_shared *sh, const struct dns_answer *an)
{
	if (sh->n_answers < sh->cap)
		sh->answers[sh->n_answers++] = *an;
	char byte = 1;
	/* A full pipe already holds a wake-up; the answer is in the array. */
	if (write(sh->wake_fd, &byte, 1) < 0 && errno != EAGAIN)
		return;
}

static void *worker_main(void *arg)
{
	struct dns_shared *sh = arg;
	pthread_mutex_lock(&sh->mu);
	for (;;) {
		while (!sh->closing && sh->q_len == 0)
			pthread_cond_wait(&sh->cv, &sh->mu);
		if (sh->closing)
			break;
		struct dns_request rq = sh->queue[sh->q_head];
		sh->q_head = (sh->q_head + 1) % sh->cap;
		sh->q_len--;
		pthread_mutex_unlock(&sh->mu);
		struct dns_answer an;
		answer_request(sh, &rq, &an);
		pthread_mutex_lock(&sh->mu);
		if (sh->closing)
			break;
		post_answer_locked(sh, &an);
	}
	shared_release_locked(sh);
	return NULL;
}

/* Workers block every signal, so SIGINT/SIGTERM reach the loop's thread (and
 * its ppoll) and a write to a closed pipe cannot kill the process. */
static int start_one_worker(struct dns_shared *sh)
{
	pthread_attr_t attr;
	pthread_t tid;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	pthread_mutex_lock(&sh->mu);
	sh->refs++;
	pthread_mutex_unlock(&sh->mu);
	int rc = pthread_create(&tid, &attr, worker_main, sh);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_lock(&sh->mu);
		sh->refs--;
		pthread_mutex_unlock(&sh->mu);
		return -1;
	}
	return 0;
}

static int start_workers(struct dns *d)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	unsigned started = 0;
	for (unsigned i = 0; i < d->workers_wanted; i++)
		if (start_one_worker(d->sh) == 0)
			started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	d->workers_started = started > 0;
	return started > 0 ? 0 : -1;
}

/* ---- the cache ------------------------------------------------------------ */

static size_t addr_hash(const struct model_addr *a)
{
	uint32_t h = 2166136261u ^ (uint32_t)a->family;
	size_t n = a->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a->bytes[i]) * 16777619u;
	return h % DNS_MAX_CACHE;
}

/* The slot holding a, or the empty slot where it would go. */
static struct dns_entry *cache_slot(const struct dns *d, const struct model_addr *a)
{
	size_t i = addr_hash(a);
	for (;;) {
		struct dns_entry *e = &d->cache[i];
		if (e->state == ENTRY_EMPTY || model_addr_equal(&e->addr, a))
			return e;
		i = (i + 1) % DNS_MAX_CACHE;
	}
}

const char *dns_cached(const struct dns *d, const struct model_addr *a)
{
	const struct dns_entry *e = cache_slot(d, a);
	return e->state == ENTRY_NAMED ? e->name : NULL;
}

unsigned dns_pending(const struct dns *d)
{
	return d->pending;
}

/* ---- the loop side -------------------------------------------------------- */

static void emit_name(struct dns *d, const struct model_addr *a, const char *name)
{
	struct event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = d->answer_type;
	ev.from = *a;
	ev.name = name;
	(void)d->on_event(d->ctx, &ev);
}

static void apply_answer(struct dns *d, const struct dns_answer *an)
{
	struct dns_entry *e = cache_slot(d, &an->addr);
	if (e->state != ENTRY_PENDING)
		return;
	d->pending--;
	e->name = an->named ? strdup(an->name) : NULL;
	e->state = e->name ? ENTRY_NAMED : ENTRY_NONAME;
	if (e->name)
		emit_name(d, &e->addr, e->name);
}

static void on_wake(void *ctx, int fd, unsigned events)
{
	struct dns *d = ctx;
	(void)events;
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&d->sh->mu);
	struct dns_answer *got = d->sh->answers;
	unsigned n = d->sh->n_answers;
	d->sh->answers = d->drained;
	d->sh->n_answers = 0;
	pthread_mutex_unlock(&d->sh->mu);
	d->drained = got;
	for (unsigned i = 0; i < n; i++)
		apply_answer(d, &got[i]);
}

static int open_wake_pipe(struct dns *d, char *err, size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(err, errlen, "dns: pipe: %s", strerror(errno));
		return -1;
	}
	d->read_fd = fds[0];
	d->sh->wake_fd = fds[1];
	if (evloop_add_fd(d->loop, d->read_fd, EVLOOP_READ, on_wake, d) < 0) {
		snprintf(err, errlen, "dns: cannot watch the answer pipe");
		return -1;
	}
	return 0;
}

static struct dns_params effective_params(const struct dns_params *p)
{
	struct dns_params e = p ? *p : (struct dns_params){0};
	if (e.workers == 0)
		e.workers = DNS_DEFAULT_WORKERS;
	if (e.max_queue == 0)
		e.max_queue = DNS_DEFAULT_QUEUE;
	if (e.timeout_s <= 0)
		e.timeout_s = DNS_DEFAULT_TIMEOUT_S;
	if (!e.resolve)
		e.resolve = dns_resolve_system;
	return e;
}

struct dns *dns_new(struct evloop *loop, event_fn on_event, void *ctx, const struct dns_params *params,
		    char *err, size_t errlen)
{
	struct dns_params p = effective_params(params);
	struct dns *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "dns: out of memory");
		return NULL;
	}
	*d = (struct dns){.loop = loop, .read_fd = -1, .on_event = on_event, .ctx = ctx,
			  .workers_wanted = p.workers,
			  .answer_type = p.ipinfo ? EVENT_IPINFO : EVENT_NAME};
	d->sh = shared_new(p.max_queue, p.timeout_s, p.resolve);
	d->cache = calloc(DNS_MAX_CACHE, sizeof(*d->cache));
	d->drained = calloc(p.max_queue, sizeof(*d->drained));
	if (!d->sh || !d->cache || !d->drained) {
		snprintf(err, errlen, "dns: out of memory");
		dns_free(d);
		return NULL;
	}
	if (open_wake_pipe(d, err, errlen) < 0) {
		dns_free(d);
		return NULL;
	}
	return d;
}

void dns_free(struct dns *d)
{
	if (!d)
		return;
	if (d->sh) {
		/* closing first, so no worker writes to the pipe once it is closed */
		pthread_mutex_lock(&d->sh->mu);
		d->sh->closing = true;
		pthread_cond_broadcast(&d->sh->cv);
		shared_release_locked(d->sh);
	}
	if (d->read_fd >= 0) {
		evloop_del_fd(d->loop, d->read_fd);
		close(d->read_fd);
	}
	if (d->cache)
		for (size_t i = 0; i < DNS_MAX_CACHE; i++)
			free(d->cache[i].name);
	free(d->cache);
	free(d->drained);
	free(d);
}

static int enqueue(struct dns *d, const struct model_addr *a)
{
	struct dns_shared *sh = d->sh;
	pthread_mutex_lock(&sh->mu);
	bool room = sh->q_len < sh->cap;
	if (room) {
		sh->queue[(sh->q_head + sh->q_len) % sh->cap] =
		    (struct dns_request){.addr = *a, .queued_ns = evloop_now_ns()};
		sh->q_len++;
		pthread_cond_signal(&sh->cv);
	}
	pthread_mutex_unlock(&sh->mu);
	return room ? 0 : -1;
}

int dns_lookup(struct dns *d, const struct model_addr *a)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return -1;
	struct dns_entry *e = cache_slot(d, a);
	if (e->state != ENTRY_EMPTY)
		return 0;
	/* Every request yields exactly one answer, so `pending` bounds both the
	 * queue and the answer array. */
	if (d->n_cache >= CACHE_FILL_MAX || d->pending >= d->sh->cap)
		return -1;
	if (!d->workers_started && start_workers(d) < 0)
		return -1;
	if (enqueue(d, a) < 0)
		return -1;
	e->addr = *a;
	e->state = ENTRY_PENDING;
	d->n_cache++;
	d->pending++;
	return 0;
}

int dns_resolve_system(const struct model_addr *a, char *name, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = (socklen_t)model_addr_to_sockaddr(a, 0, &ss);
	if (sl == 0)
		return -1;
	char host[NI_MAXHOST];
	if (getnameinfo((const struct sockaddr *)&ss, sl, host, sizeof(host), NULL, 0, NI_NAMEREQD) != 0)
		return -1;
	snprintf(name, len, "%s", host);
	return 0;
}
