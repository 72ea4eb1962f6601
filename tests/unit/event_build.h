/* Builds engine events for tests of the layers that consume them (stats,
 * render). Include after cmocka.h. */
#ifndef HOPDOC_TEST_EVENT_BUILD_H
#define HOPDOC_TEST_EVENT_BUILD_H

#include <string.h>

#include "model/event.h"
#include "model/model.h"

/* An event of type at ttl with sequence seq; from (numeric, or NULL) and rtt
 * as a reply would carry them. */
static inline struct event probe(enum event_type type, unsigned ttl, unsigned long seq,
                                 const char *from, double rtt)
{
	struct event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ttl = ttl;
	ev.seq = seq;
	ev.rtt_ms = rtt;
	if (from)
		assert_int_equal(model_addr_parse(from, &ev.from), 0);
	return ev;
}

#endif
