#include "model/history.h"

#include <math.h>
#include <stdlib.h>

/* A cell is NAN until something is noted, then -1 for a loss or the RTT. */
#define CELL_EMPTY NAN
#define CELL_LOST (-1.0f)

struct model_history {
	size_t cap;              /* rounds kept */
	unsigned long first;     /* oldest round in the window */
	unsigned long end;       /* one past the newest */
	unsigned max_ttl;
	float *rows[MODEL_MAX_HOPS + 1]; /* by TTL, cap cells each, indexed round % cap */
};

struct model_history *model_history_new(size_t max_rounds)
{
	if (max_rounds == 0)
		return NULL;
	struct model_history *h = calloc(1, sizeof(*h));
	if (h)
		h->cap = max_rounds;
	return h;
}

void model_history_free(struct model_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i <= MODEL_MAX_HOPS; i++)
		free(h->rows[i]);
	free(h);
}

static void clear_round(struct model_history *h, unsigned long round)
{
	for (unsigned ttl = 1; ttl <= h->max_ttl; ttl++)
		if (h->rows[ttl])
			h->rows[ttl][round % h->cap] = CELL_EMPTY;
}

void model_history_reset(struct model_history *h)
{
	for (unsigned long r = h->first; r < h->end && r - h->first < h->cap; r++)
		clear_round(h, r);
	h->first = h->end;
	h->max_ttl = 0;
}

static float *row_for(struct model_history *h, unsigned ttl)
{
	if (h->rows[ttl])
		return h->rows[ttl];
	float *row = malloc(h->cap * sizeof(*row));
	if (!row)
		return NULL;
	for (size_t i = 0; i < h->cap; i++)
		row[i] = CELL_EMPTY;
	h->rows[ttl] = row;
	return row;
}

/* Makes room for `round`: rounds that fall out of the window are cleared so
 * that their cells read as empty when reused. */
static void advance_to(struct model_history *h, unsigned long round)
{
	if (h->first == h->end)
		h->first = h->end = round;
	while (h->end <= round) {
		if (h->end - h->first == h->cap)
			clear_round(h, h->first++);
		h->end++;
	}
}

int model_history_note(struct model_history *h, unsigned ttl, unsigned long round, double rtt_ms)
{
	if (ttl == 0 || ttl > MODEL_MAX_HOPS)
		return -1;
	if (round < h->first)
		return 0;
	float *row = row_for(h, ttl);
	if (!row)
		return -1;
	if (round >= h->end && round - h->end >= h->cap)
		model_history_reset(h); /* a jump past the whole window leaves nothing of it */
	advance_to(h, round);
	if (ttl > h->max_ttl)
		h->max_ttl = ttl;
	row[round % h->cap] = rtt_ms < 0 ? CELL_LOST : (float)rtt_ms;
	return 0;
}

unsigned long model_history_first(const struct model_history *h)
{
	return h->first;
}

unsigned long model_history_end(const struct model_history *h)
{
	return h->end;
}

unsigned model_history_max_ttl(const struct model_history *h)
{
	return h->max_ttl;
}

struct model_sample model_history_get(const struct model_history *h, unsigned ttl,
                                      unsigned long round)
{
	struct model_sample s = { MODEL_SAMPLE_NONE, 0 };
	if (ttl == 0 || ttl > h->max_ttl || !h->rows[ttl] || round < h->first || round >= h->end)
		return s;
	float v = h->rows[ttl][round % h->cap];
	if (isnan(v))
		return s;
	if (v < 0) {
		s.kind = MODEL_SAMPLE_LOST;
		return s;
	}
	s.kind = MODEL_SAMPLE_RTT;
	s.rtt_ms = v;
	return s;
}

int model_history_event(void *ctx, const struct event *ev)
{
	struct model_history *h = ctx;
	if (ev->type == EVENT_REPLY)
		return model_history_note(h, ev->ttl, ev->round, ev->rtt_ms);
	if (ev->type == EVENT_TIMEOUT)
		return model_history_note(h, ev->ttl, ev->round, -1);
	return 0;
}
