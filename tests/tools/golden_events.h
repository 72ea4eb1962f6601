/* golden_events.h: one reader of the engine-event lines that the golden
 * tests replay (tests/golden/render/README.md), for render_golden and
 * tui_golden, which read the same .events files. Header-only because the
 * tools are single-file programs; everything here is static inline.
 *
 *   sent TTL SEQ [flow=K]        timeout TTL SEQ [flow=K]
 *   reply TTL SEQ ADDR RTT [target] [mpls=L:TC:S:TTL]... [nat] [flow=K]
 *   late TTL SEQ ADDR RTT [...]  name ADDR NAME     round [N]
 *   ipinfo ADDR TXT (the rest of the line: an origin TXT record) */
#ifndef HOPDOC_GOLDEN_EVENTS_H
#define HOPDOC_GOLDEN_EVENTS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/event.h"
#include "model/model.h"

static inline int golden_events_fail(const char *what, const char *arg)
{
	fprintf(stderr, "events: %s: %s\n", what, arg);
	return -1;
}

static inline int golden_events_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!s || s[0] < '0' || s[0] > '9')
		return golden_events_fail("bad number", s ? s : "(none)");
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > max)
		return golden_events_fail("bad number", s);
	*out = v;
	return 0;
}

static inline int golden_events_addr(const char *s, struct model_addr *a)
{
	if (!s || model_addr_parse(s, a) != 0)
		return golden_events_fail("bad address", s ? s : "(none)");
	return 0;
}

/* "ADDR RTT [target] [mpls=L:TC:S:TTL]... [nat] [flow=K]" of a reply or late line. */
static inline int golden_events_reply(char **save, struct event *ev)
{
	char *rtt = NULL, *end = NULL;
	if (golden_events_addr(strtok_r(NULL, " ", save), &ev->from) != 0 ||
	    !(rtt = strtok_r(NULL, " ", save)) || (errno = 0, ev->rtt_ms = strtod(rtt, &end), *end) || errno)
		return golden_events_fail("reply needs ADDR RTT", rtt ? rtt : "");
	for (char *tok; (tok = strtok_r(NULL, " ", save));) {
		unsigned l, tc, s, ttl;
		if (strcmp(tok, "target") == 0)
			ev->from_target = true;
		else if (sscanf(tok, "flow=%u", &l) == 1 && l < 64)
			ev->flow = l;
		else if (strcmp(tok, "nat") == 0)
			ev->nat = true;
		else if (sscanf(tok, "mpls=%u:%u:%u:%u", &l, &tc, &s, &ttl) == 4 && ev->n_mpls < MODEL_MAX_MPLS)
			ev->mpls[ev->n_mpls++] = (struct model_mpls){ l, (uint8_t)tc, (uint8_t)s, (uint8_t)ttl };
		else
			return golden_events_fail("bad reply option", tok);
	}
	return 0;
}

/* "ADDR REST": a name or an origin TXT record (REST, to the line's end). */
static inline int golden_events_text(char *rest, struct event *ev)
{
	char *sp = strchr(rest, ' ');
	ev->name = sp ? sp + 1 : "";
	if (sp)
		*sp = '\0';
	return golden_events_addr(rest, &ev->from);
}

/* Line KEY REST as *ev (cleared first; its round is the caller's to set,
 * except a round line's). 0, 1 when KEY is not an event, -1 when malformed. */
static inline int golden_events_parse(const char *key, char *rest, struct event *ev)
{
	static const char *const types[] = { "sent", "reply", "timeout", "late", "name", "round", "ipinfo" };
	size_t i = 0;
	while (i < 7 && strcmp(key, types[i]) != 0)
		i++;
	if (i == 7)
		return 1;
	memset(ev, 0, sizeof(*ev));
	ev->type = i == 6 ? EVENT_IPINFO : (enum event_type)i;
	if (ev->type == EVENT_IPINFO || ev->type == EVENT_NAME)
		return golden_events_text(rest, ev);
	char *save, *a = strtok_r(rest, " ", &save), *b = strtok_r(NULL, " ", &save);
	if (ev->type == EVENT_ROUND_END)
		return a ? golden_events_ulong(a, 1000000000ul, &ev->round) : 0;
	unsigned long ttl, seq;
	if (!a || !b || golden_events_ulong(a, MODEL_MAX_HOPS, &ttl) || golden_events_ulong(b, 0xffffffffUL, &seq))
		return golden_events_fail("event needs TTL SEQ", key);
	ev->ttl = (unsigned)ttl;
	ev->seq = seq;
	if (ev->type == EVENT_REPLY || ev->type == EVENT_LATE)
		return golden_events_reply(&save, ev);
	char *opt = strtok_r(NULL, " ", &save);
	unsigned k = 0;
	if (opt && (sscanf(opt, "flow=%u", &k) != 1 || k >= 64))
		return golden_events_fail("bad option", opt);
	ev->flow = k;
	return 0;
}

#endif
