/* agent_ndjson: raw lines -> per-round JSON lines. */
#include "agent/agent_ndjson.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_SLOTS 4096
#define ROUNDS_HELD 3 /* the current round and the two before it */

struct hop {
	char host[48];
	unsigned sent, recv;
	double rtt_ms; /* the last reply's; < 0: none */
};

struct round {
	unsigned long number; /* 0: unused */
	unsigned n_hops;
	struct hop hops[AGENT_NDJSON_HOPS];
};

struct seq_slot {
	unsigned long seq;
	unsigned long round;
};

struct agent_ndjson {
	char line[AGENT_NDJSON_LINE_MAX + 1];
	size_t line_len;
	bool line_too_long;
	unsigned long current, emitted;
	char last_host[AGENT_NDJSON_HOPS][48]; /* "h" lines come once per new address */
	struct round rounds[ROUNDS_HELD];
	struct seq_slot seqs[SEQ_SLOTS];
};

struct agent_ndjson *agent_ndjson_new(void)
{
	return calloc(1, sizeof(struct agent_ndjson));
}

void agent_ndjson_free(struct agent_ndjson *n)
{
	free(n);
}

static struct round *round_of(struct agent_ndjson *n, unsigned long number)
{
	struct round *r = &n->rounds[number % ROUNDS_HELD];
	return number && r->number == number ? r : NULL;
}

static int emit(struct round *r, struct strbuf *out)
{
	strbuf_appendf(out, "{\"round\":%lu,\"hops\":[", r->number);
	for (unsigned i = 0; i < r->n_hops; i++) {
		const struct hop *h = &r->hops[i];
		strbuf_appendf(out, "%s{\"hop\":%u,\"host\":\"%s\",\"sent\":%u,\"recv\":%u", i ? "," : "",
		               i + 1, h->host[0] ? h->host : "???", h->sent, h->recv);
		if (h->rtt_ms >= 0)
			strbuf_appendf(out, ",\"rtt_ms\":%.3f", h->rtt_ms);
		strbuf_append(out, "}");
	}
	strbuf_append(out, "]}\n");
	r->number = 0;
	return strbuf_failed(out) ? -1 : 0;
}

/* Writes every held round numbered up to last. */
static int emit_upto(struct agent_ndjson *n, unsigned long last, struct strbuf *out)
{
	while (n->emitted < last) {
		struct round *r = round_of(n, ++n->emitted);
		if (r && emit(r, out) < 0)
			return -1;
	}
	return 0;
}

static int start_round(struct agent_ndjson *n, struct strbuf *out)
{
	n->current++;
	if (n->current > 2 && emit_upto(n, n->current - 2, out) < 0)
		return -1;
	struct round *r = &n->rounds[n->current % ROUNDS_HELD];
	if (r->number && emit(r, out) < 0)
		return -1;
	memset(r, 0, sizeof(*r));
	r->number = n->current;
	return 0;
}

static bool address_text(const char *s)
{
	size_t len = strlen(s);
	return len > 0 && len < 48 && strspn(s, "0123456789abcdefABCDEF.:") == len;
}

static int on_sent(struct agent_ndjson *n, unsigned hop, unsigned long seq, struct strbuf *out)
{
	if (hop == 0 && start_round(n, out) < 0)
		return -1;
	struct round *r = round_of(n, n->current);
	if (!r)
		return 0; /* probes before the first hop-0 probe */
	struct hop *h = &r->hops[hop];
	if (hop + 1 > r->n_hops) {
		for (unsigned i = r->n_hops; i <= hop; i++)
			r->hops[i].rtt_ms = -1;
		r->n_hops = hop + 1;
	}
	h->sent++;
	memcpy(h->host, n->last_host[hop], sizeof(h->host)); /* both always NUL-terminated */
	n->seqs[seq % SEQ_SLOTS] = (struct seq_slot){ seq, n->current };
	return 0;
}

static void on_reply(struct agent_ndjson *n, unsigned hop, long usec, unsigned long seq)
{
	const struct seq_slot *s = &n->seqs[seq % SEQ_SLOTS];
	struct round *r = s->seq == seq ? round_of(n, s->round) : NULL;
	if (!r || hop >= r->n_hops || usec < 0)
		return;
	r->hops[hop].recv++;
	r->hops[hop].rtt_ms = (double)usec / 1000.0;
	memcpy(r->hops[hop].host, n->last_host[hop], sizeof(r->hops[hop].host));
}

static int take_line(struct agent_ndjson *n, const char *line, struct strbuf *out)
{
	char kind, word[64];
	unsigned hop;
	unsigned long seq;
	long usec;
	if (sscanf(line, "%c %u", &kind, &hop) != 2 || hop >= AGENT_NDJSON_HOPS)
		return 0;
	if (kind == 'x' && sscanf(line, "x %u %lu", &hop, &seq) == 2)
		return on_sent(n, hop, seq, out);
	if (kind == 'p' && sscanf(line, "p %u %ld %lu", &hop, &usec, &seq) == 3)
		on_reply(n, hop, usec, seq);
	else if (kind == 'h' && sscanf(line, "h %u %63s", &hop, word) == 2 && address_text(word))
		memcpy(n->last_host[hop], word, strlen(word) + 1); /* address_text: under 48 */
	return 0;
}

int agent_ndjson_feed(struct agent_ndjson *n, const char *data, size_t len, struct strbuf *out)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c != '\n') {
			if (n->line_len < AGENT_NDJSON_LINE_MAX && c != '\0')
				n->line[n->line_len++] = c;
			else
				n->line_too_long = true;
			continue;
		}
		n->line[n->line_len] = '\0';
		int rc = n->line_too_long ? 0 : take_line(n, n->line, out);
		n->line_len = 0;
		n->line_too_long = false;
		if (rc < 0)
			return -1;
	}
	return strbuf_failed(out) ? -1 : 0;
}

int agent_ndjson_finish(struct agent_ndjson *n, struct strbuf *out)
{
	if (emit_upto(n, n->current, out) < 0)
		return -1;
	strbuf_appendf(out, "{\"done\":true,\"rounds\":%lu}\n", n->current);
	return strbuf_failed(out) ? -1 : 0;
}
