/* event: what the probe engine reports as it works. The engine knows nothing
 * about statistics or output; a collector turns these into hop statistics and
 * the model, and streaming formats (raw -l, split -p) print them as they come. */
#ifndef HOPDOC_EVENT_H
#define HOPDOC_EVENT_H

#include <stdbool.h>

#include "model/model.h"

enum event_type {
	EVENT_SENT,      /* a probe left: ttl, seq */
	EVENT_REPLY,     /* a reply matched a probe in time: ttl, seq, from, rtt_ms */
	EVENT_TIMEOUT,   /* a probe's time ran out with no reply: ttl, seq */
	EVENT_LATE,      /* a reply came after its probe timed out: ttl, seq, from, rtt_ms */
	EVENT_NAME,      /* reverse DNS answered: from, name */
	EVENT_ROUND_END, /* every probe of round `round` is answered or timed out */
	EVENT_IPINFO,    /* an origin TXT record (-z, -y) answered: from, name (the record) */
};

struct event {
	enum event_type type;
	unsigned ttl;
	unsigned long seq;          /* probe sequence number, unique in a run */
	unsigned long round;        /* 0-based cycle the probe belongs to */
	struct model_addr from;     /* responder (REPLY, LATE, NAME) */
	bool from_target;           /* the reply came from the destination itself */
	double rtt_ms;              /* REPLY, LATE: kernel receive stamp minus send stamp */
	const char *name;           /* NAME: the name; IPINFO: the TXT record */
	unsigned flow;              /* SENT, REPLY, TIMEOUT, LATE: the flow (--flows), 0-based */
	struct model_mpls mpls[MODEL_MAX_MPLS];
	unsigned n_mpls;
	bool nat;                   /* REPLY, LATE: the quote showed our probe rewritten (NAT) */
};

/* A consumer of events; returns 0, or -1 to stop the run. */
typedef int (*event_fn)(void *ctx, const struct event *ev);

#endif
