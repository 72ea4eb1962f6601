/* dns: reverse lookups that never stall probing.
 *
 * Lookups run on a few detached worker threads (getnameinfo with NI_NAMEREQD);
 * answers come back through a pipe watched by the event loop, so the consumer
 * is only ever called on the loop's thread, as an EVENT_NAME. Each address is
 * looked up once (a cache remembers names and failures), the queue is bounded,
 * and a request that waited longer than the timeout is dropped unasked, so a
 * dead server cannot build a backlog. Nothing ever waits for a worker:
 * dns_free returns at once and a worker stuck in the resolver cleans up after
 * itself when the resolver gives up. An address that never resolves simply
 * gets no EVENT_NAME, and reports keep showing the address. */
#ifndef HOPDOC_DNS_H
#define HOPDOC_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/evloop.h"
#include "model/event.h"
#include "model/model.h"

struct dns;

/* Fills name (NUL-terminated, at most len bytes) for a; 0 on success, -1 when
 * the address has no name. Runs on a worker thread. */
typedef int (*dns_resolve_fn)(const struct model_addr *a, char *name, size_t len);

struct dns_params {
	unsigned workers;       /* threads; 0: DNS_DEFAULT_WORKERS */
	unsigned max_queue;     /* requests waiting; 0: DNS_DEFAULT_QUEUE */
	double timeout_s;       /* a request older than this is dropped; 0: default */
	dns_resolve_fn resolve; /* NULL: getnameinfo(NI_NAMEREQD); tests inject theirs */
	bool ipinfo;            /* answers are origin TXT records (asn.h): EVENT_IPINFO */
};

#define DNS_DEFAULT_WORKERS 4
#define DNS_DEFAULT_QUEUE 256
#define DNS_DEFAULT_TIMEOUT_S 5.0
#define DNS_MAX_CACHE 4096

/* A resolver on loop that reports names as EVENT_NAME to on_event (whose
 * return value is ignored: a name is never a reason to stop). params may be
 * NULL for the defaults. No thread starts before the first lookup. NULL with
 * a message in err on failure. */
struct dns *dns_new(struct evloop *loop, event_fn on_event, void *ctx, const struct dns_params *params,
		    char *err, size_t errlen);

/* Returns at once; workers busy in the resolver finish on their own. */
void dns_free(struct dns *d);

/* Asks for the name of a unless it is known, pending or failed. 0 when asked
 * or known, -1 when the cache or queue is full or a worker cannot start
 * (the address will then be asked again on a later call). */
int dns_lookup(struct dns *d, const struct model_addr *a);

/* The cached name of a, or NULL (unknown, pending or no name). */
const char *dns_cached(const struct dns *d, const struct model_addr *a);

/* Requests asked and not yet answered, dropped or failed. */
unsigned dns_pending(const struct dns *d);

/* The default resolver: getnameinfo with NI_NAMEREQD. */
int dns_resolve_system(const struct model_addr *a, char *name, size_t len);

#endif
