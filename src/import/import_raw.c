#include "import/import_raw.h"
#include "import/import_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct raw_hop {
	unsigned long sent, replies;
	double mean, m2, best, wrst, last; /* ms; Welford's running mean and M2 */
};

struct raw_reader {
	struct raw_hop hops[MODEL_MAX_HOPS];
	unsigned n_hops;
	bool any_sent;
};

static void add_reply(struct raw_hop *h, double ms)
{
	h->replies++;
	double delta = ms - h->mean;
	h->mean += delta / (double)h->replies;
	h->m2 += delta * (ms - h->mean);
	if (h->replies == 1 || ms < h->best)
		h->best = ms;
	if (ms > h->wrst)
		h->wrst = ms;
	h->last = ms;
}

static int take_host(struct model_trace *t, unsigned idx, char *rest, bool is_name,
		     struct import_error *err, unsigned line)
{
	struct model_hop *h = model_trace_hop(t, idx + 1);
	if (!h)
		return import_fail(err, line, "out of memory");
	rest = import_trim(rest);
	if (is_name) {
		if (h->n_resp)
			snprintf(h->resp[h->latest].name, sizeof(h->resp[0].name), "%s", rest);
		return 0;
	}
	struct model_addr a;
	if (model_addr_parse(rest, &a) != 0)
		return import_fail(err, line, "expected an IP address after \"h %u\"", idx);
	struct model_responder *r = model_hop_responder(h, &a);
	if (r)
		h->latest = (unsigned)(r - h->resp);
	return 0;
}

static int take_reply(struct raw_reader *rr, unsigned idx, char *rest, struct import_error *err,
		      unsigned line)
{
	char *tok[3];
	size_t n = import_split(rest, tok, 2);
	double us;
	if (n < 1 || n > 2 || import_double(tok[0], 0, IMPORT_MAX_MS * 1000.0, &us) != 0)
		return import_fail(err, line, "expected \"p HOP MICROSECONDS SEQ\"");
	add_reply(&rr->hops[idx], us / 1000.0);
	return 0;
}

static int take_line(struct raw_reader *rr, struct model_trace *t, char *s,
		     struct import_error *err, unsigned line)
{
	if (*import_trim(s) == '\0')
		return 0;
	char *sp = strchr(s, ' ');
	if (!sp || sp != s + 1 || !strchr("xhpdtm", s[0]))
		return import_fail(err, line, "expected an mtr raw line (x, h, p or d, a hop, data)");
	char *num = sp + 1, *rest = strchr(num, ' ');
	if (rest)
		*rest++ = '\0';
	unsigned long idx;
	if (import_ulong(num, MODEL_MAX_HOPS - 1, &idx) != 0)
		return import_fail(err, line, "expected a hop index from 0 to %d", MODEL_MAX_HOPS - 1);
	if (idx + 1 > rr->n_hops && s[0] != 't' && s[0] != 'm')
		rr->n_hops = (unsigned)idx + 1;
	if (s[0] == 'x') {
		rr->hops[idx].sent++;
		rr->any_sent = true;
		return 0;
	}
	if (s[0] == 't' || s[0] == 'm')
		return 0; /* older mtr's timestamps, hopdoc's MPLS labels */
	if (!rest)
		return import_fail(err, line, "expected data after the hop index");
	if (s[0] == 'p')
		return take_reply(rr, (unsigned)idx, rest, err, line);
	return take_host(t, (unsigned)idx, rest, s[0] == 'd', err, line);
}

static unsigned long most_replies(const struct raw_reader *rr)
{
	unsigned long most = 0;
	for (unsigned i = 0; i < rr->n_hops; i++)
		most = rr->hops[i].replies > most ? rr->hops[i].replies : most;
	return most;
}

static int fill_hop(struct model_hop *h, const struct raw_hop *r, unsigned long sent,
		    struct import_error *err, unsigned line)
{
	h->snt = sent;
	h->recv = r->replies;
	if (h->recv > h->snt)
		h->snt = h->recv; /* a cut-off stream can lose x lines, not replies */
	h->loss_pct = h->snt ? (double)(h->snt - h->recv) * 100.0 / (double)h->snt : 0.0;
	h->avg = r->mean;
	h->best = r->best;
	h->wrst = r->wrst;
	h->last = r->last;
	h->stdev = r->replies > 1 ? sqrt(r->m2 / (double)(r->replies - 1)) : 0.0;
	h->has |= MODEL_HAS_RECV | MODEL_HAS_LAST | MODEL_HAS_STDEV;
	return import_check_hop(h, -1.0, err, line);
}

static bool same_single_host(const struct model_hop *a, const struct model_hop *b)
{
	return a->n_resp == 1 && b->n_resp == 1 && model_addr_equal(&a->resp[0].addr, &b->resp[0].addr);
}

/* mtr probes a few TTLs past the target in its first rounds, before it
 * knows where the target is; later rounds stop at the target. Those extra
 * TTLs got far fewer probes than the path (and answer from the target's
 * address, or not at all): drop them. With too few rounds to tell by the
 * counts, drop trailing copies of the same single responder. */
static void fold_target_copies(struct model_trace *t)
{
	unsigned long most = 0;
	for (size_t i = 0; i < t->n_hops; i++)
		most = t->hops[i].snt > most ? t->hops[i].snt : most;
	while (t->n_hops >= 2 && t->hops[t->n_hops - 1].snt * 2 < most)
		model_trace_truncate(t, t->n_hops - 1);
	while (t->n_hops >= 2 && same_single_host(&t->hops[t->n_hops - 1], &t->hops[t->n_hops - 2]))
		model_trace_truncate(t, t->n_hops - 1);
}

int import_raw_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct raw_reader *rr = calloc(1, sizeof(*rr));
	if (!rr)
		return import_fail(err, 0, "out of memory");
	char *cursor = text;
	unsigned line = 0;
	int rc = 0;
	for (char *s; rc == 0 && (s = import_next_line(&cursor, &line));)
		rc = take_line(rr, t, s, err, line);
	unsigned long guess = rr->any_sent ? 0 : most_replies(rr);
	for (unsigned i = 0; rc == 0 && i < rr->n_hops; i++) {
		struct model_hop *h = model_trace_hop(t, i + 1);
		rc = h ? fill_hop(h, &rr->hops[i], rr->any_sent ? rr->hops[i].sent : guess, err, line)
		       : import_fail(err, line, "out of memory");
	}
	free(rr);
	if (rc == 0 && t->n_hops == 0)
		return import_fail(err, line ? line : 1, "expected x, h and p lines; found no hop");
	if (rc == 0)
		fold_target_copies(t);
	return rc;
}
