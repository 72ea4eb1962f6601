/* epoch_detect: route changes, answer by answer (epoch_detect.h). */
#include "stats/epoch_detect.h"

#include <stdlib.h>
#include <string.h>

#define OLD_MAX 16 /* addresses kept per TTL; more than mtr shows */

struct seen {
	struct model_addr addr;
	unsigned ttl;
	unsigned long round;
};

/* The last K answers (the window) and what came before them (old). */
struct track {
	struct seen win[EPOCH_DETECT_K];
	unsigned n_win, head;          /* head: the oldest in win */
	struct model_addr old[OLD_MAX];
	unsigned n_old;
	unsigned long n_before;        /* answers that left the window */
	unsigned long last_old_round;  /* round of the latest answer from the old path */
	unsigned end;                  /* target track: lowest TTL in old; 0 none */
};

/* Tracks by TTL, grown to the highest TTL answered: a path of 30 hops
 * needs 31 of them (16 KiB), where all of MODEL_MAX_HOPS took 134 KiB. */
struct epoch_detect {
	unsigned long first_round;
	struct track *ttl;
	unsigned n_ttl;
	struct track target;
};

struct epoch_detect *epoch_detect_new(unsigned long first_round)
{
	struct epoch_detect *d = calloc(1, sizeof(*d));
	if (d)
		d->first_round = first_round;
	return d;
}

void epoch_detect_free(struct epoch_detect *d)
{
	if (d)
		free(d->ttl);
	free(d);
}

/* The track of ttl, the array grown to it; NULL out of memory. */
static struct track *ttl_track(struct epoch_detect *d, unsigned ttl)
{
	if (ttl < d->n_ttl)
		return &d->ttl[ttl];
	if (ttl > MODEL_MAX_HOPS)
		return NULL; /* no path is that long: never a track past the array */
	unsigned n = ttl + 1 > 2 * d->n_ttl ? ttl + 1 : 2 * d->n_ttl;
	n = n < MODEL_MAX_HOPS + 1 ? n : MODEL_MAX_HOPS + 1;
	struct track *grown = realloc(d->ttl, n * sizeof(*grown));
	if (!grown)
		return NULL;
	memset(grown + d->n_ttl, 0, (n - d->n_ttl) * sizeof(*grown));
	d->ttl = grown;
	d->n_ttl = n;
	return &d->ttl[ttl];
}

static bool in_old(const struct track *t, const struct model_addr *a)
{
	for (unsigned i = 0; i < t->n_old; i++)
		if (model_addr_equal(&t->old[i], a))
			return true;
	return false;
}

/* The window's oldest answer moves to the old path. */
static void retire(struct track *t, const struct seen *s, bool by_ttl)
{
	t->n_before++;
	if (s->round > t->last_old_round)
		t->last_old_round = s->round;
	if (by_ttl) {
		if (t->end == 0 || s->ttl < t->end)
			t->end = s->ttl;
	} else if (!in_old(t, &s->addr) && t->n_old < OLD_MAX) {
		t->old[t->n_old++] = s->addr;
	}
}

/* The newest answer in the window, NULL when it is empty. */
static struct seen *newest(struct track *t)
{
	if (t->n_win == 0)
		return NULL;
	return &t->win[(t->head + t->n_win - 1) % EPOCH_DETECT_K];
}

static void push(struct track *t, const struct seen *s, bool by_ttl)
{
	struct seen *last = newest(t);
	if (by_ttl && last && last->round == s->round) {
		/* one entry per round: the target's lowest TTL in it (a round
		 * probing past the end is answered by the target at each TTL) */
		if (s->ttl < last->ttl)
			last->ttl = s->ttl;
		return;
	}
	if (t->n_win == EPOCH_DETECT_K) {
		retire(t, &t->win[t->head], by_ttl);
		t->win[t->head] = *s;
		t->head = (t->head + 1) % EPOCH_DETECT_K;
	} else {
		t->win[(t->head + t->n_win++) % EPOCH_DETECT_K] = *s;
	}
}

/* A TTL with more responders than OLD_MAX is load balanced per packet:
 * every answer there counts as one seen before. */
static bool from_old_path(const struct track *t, const struct seen *s, bool by_ttl)
{
	if (by_ttl)
		return s->ttl == t->end;
	return t->n_old >= OLD_MAX || in_old(t, &s->addr);
}

/* Whether the window is full, after enough old answers, and holds none
 * from the old path; *out then has the new epoch's first round and the
 * window's lowest TTL (the target's new end, for the target's track). */
static bool changed(const struct track *t, bool by_ttl, struct epoch_change *out)
{
	if (t->n_win < EPOCH_DETECT_K || t->n_before < 2 * EPOCH_DETECT_K)
		return false;
	unsigned long lowest = t->win[t->head].round;
	unsigned ttl = t->win[t->head].ttl;
	for (unsigned i = 0; i < t->n_win; i++) {
		if (from_old_path(t, &t->win[i], by_ttl))
			return false;
		if (t->win[i].round < lowest)
			lowest = t->win[i].round;
		if (t->win[i].ttl < ttl)
			ttl = t->win[i].ttl;
	}
	out->first_round = t->last_old_round + 1 < lowest ? t->last_old_round + 1 : lowest;
	out->changed_round = lowest;
	out->ttl = ttl;
	out->end_moved = by_ttl;
	return true;
}

static bool feed(struct track *t, const struct seen *s, bool by_ttl, struct epoch_change *out)
{
	push(t, s, by_ttl);
	if (from_old_path(t, s, by_ttl) && s->round > t->last_old_round)
		t->last_old_round = s->round;
	return changed(t, by_ttl, out);
}

bool epoch_detect_answer(struct epoch_detect *d, unsigned ttl, unsigned long round,
                         const struct model_addr *from, bool from_target, struct epoch_change *out)
{
	if (round < d->first_round || ttl == 0 || ttl > MODEL_MAX_HOPS)
		return false;
	struct seen s = { .addr = *from, .ttl = ttl, .round = round };
	if (from_target && feed(&d->target, &s, true, out))
		return true;
	struct track *t = ttl_track(d, ttl);
	return t && feed(t, &s, false, out);
}
