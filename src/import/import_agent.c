/* import_agent: the agent's NDJSON rounds back into raw lines. */
#include "import/import_agent.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>

#include "model/model.h"

#define RTT_MAX_MS 600000.0 /* ten minutes: more is not a round trip */

struct hop_round {
	unsigned ttl, sent, recv;
	const char *host; /* NULL: no answer */
	double rtt_ms;
};

static bool uint_at(json_t *obj, const char *key, unsigned max, unsigned *out)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return false;
	*out = (unsigned)json_integer_value(v);
	return true;
}

/* A host that is an address (never text that could make a raw line of its own). */
static const char *address_at(json_t *obj)
{
	const char *s = json_string_value(json_object_get(obj, "host"));
	struct model_addr a;
	return s && model_addr_parse(s, &a) == 0 ? s : NULL;
}

static bool read_hop(json_t *item, struct hop_round *h)
{
	if (!json_is_object(item) || !uint_at(item, "hop", MODEL_MAX_HOPS, &h->ttl) || h->ttl == 0 ||
	    !uint_at(item, "sent", IMPORT_AGENT_PROBES_MAX, &h->sent) ||
	    !uint_at(item, "recv", h->sent, &h->recv))
		return false;
	h->host = address_at(item);
	json_t *rtt = json_object_get(item, "rtt_ms");
	h->rtt_ms = json_is_number(rtt) ? json_number_value(rtt) : NAN;
	if (h->recv == 0)
		return true;
	return h->host && isfinite(h->rtt_ms) && h->rtt_ms >= 0.0 && h->rtt_ms <= RTT_MAX_MS;
}

static void raw_lines(struct import_agent *st, const struct hop_round *h, struct strbuf *raw)
{
	unsigned long first = st->seq;
	for (unsigned i = 0; i < h->sent; i++)
		strbuf_appendf(raw, "x %u %lu\n", h->ttl - 1, st->seq++);
	if (h->host)
		strbuf_appendf(raw, "h %u %s\n", h->ttl - 1, h->host);
	for (unsigned i = 0; i < h->recv; i++)
		strbuf_appendf(raw, "p %u %.0f %lu\n", h->ttl - 1, h->rtt_ms * 1000.0, first + i);
}

/* Every hop is checked before any line is written: a round is whole or nothing. */
static int round_lines(struct import_agent *st, json_t *hops, struct strbuf *raw)
{
	struct hop_round h[MODEL_MAX_HOPS];
	size_t n = json_array_size(hops), i;
	json_t *item;
	if (!json_is_array(hops) || n == 0 || n > MODEL_MAX_HOPS)
		return 0;
	json_array_foreach(hops, i, item) {
		if (!read_hop(item, &h[i]))
			return 0;
	}
	for (i = 0; i < n; i++)
		raw_lines(st, &h[i], raw);
	return strbuf_failed(raw) ? -1 : 1;
}

int import_agent_line(struct import_agent *st, const char *line, size_t len, struct strbuf *raw)
{
	json_error_t e;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &e);
	unsigned round;
	int rc = root && uint_at(root, "round", 0x7fffffffu, &round)
	             ? round_lines(st, json_object_get(root, "hops"), raw)
	             : 0;
	json_decref(root);
	return rc;
}
