/* probe_table: the in-flight table (probe_table.h). */
#include "probe/probe_table.h"

#include <stdlib.h>

#include "probe/packet.h"

struct probe_table {
	unsigned mask; /* slots - 1: a wire seq's slot is seq & mask */
	unsigned waiting[PROBE_ROUND_RING];
	struct probe_slot slot[];
};

/* What a wire seq finds whose slot holds another probe's. */
static const struct probe_slot no_slot = { .state = PROBE_SLOT_FREE };

struct probe_table *probe_table_new(void)
{
	return probe_table_new_sized(PACKET_SEQ_SPACE);
}

struct probe_table *probe_table_new_sized(unsigned slots)
{
	if (slots < 2 || slots > PACKET_SEQ_SPACE || (slots & (slots - 1)) != 0)
		return NULL;
	struct probe_table *t = calloc(1, sizeof(*t) + slots * sizeof(t->slot[0]));
	if (t)
		t->mask = slots - 1;
	return t;
}

/* Probes in flight per second times how long one is remembered (its -Z,
 * one interval and a second for late replies), four times over, as a power
 * of two in [PROBE_TABLE_MIN_SLOTS, PACKET_SEQ_SPACE]. */
unsigned probe_table_slots_for(unsigned max_ttl, unsigned flows, double interval_s,
                               double timeout_s)
{
	if (!(interval_s > 0) || !(timeout_s >= 0) || timeout_s > 1e6)
		return PACKET_SEQ_SPACE;
	double per_round = (double)(max_ttl ? max_ttl : 1) * (flows ? flows : 1);
	double need = 4.0 * per_round * (timeout_s + interval_s + 1.0) / interval_s;
	unsigned slots = PROBE_TABLE_MIN_SLOTS;
	while (slots < PACKET_SEQ_SPACE && (double)slots < need)
		slots *= 2;
	return slots;
}

void probe_table_free(struct probe_table *t)
{
	free(t);
}

unsigned probe_table_slots(const struct probe_table *t)
{
	return t->mask + 1;
}

uint16_t probe_wire_seq(unsigned long run_seq)
{
	return (uint16_t)(run_seq % PACKET_SEQ_SPACE);
}

static struct probe_slot *at(struct probe_table *t, uint16_t seq)
{
	return &t->slot[seq & t->mask];
}

/* The slot holds probe `seq` (or nothing): not another wire seq's probe. */
static bool holds(const struct probe_slot *s, uint16_t seq)
{
	return s->state == PROBE_SLOT_FREE || probe_wire_seq(s->run_seq) == seq;
}

void probe_table_sent(struct probe_table *t, unsigned long run_seq, unsigned long round,
                      unsigned ttl, int64_t sent_ns)
{
	struct probe_slot *s = at(t, probe_wire_seq(run_seq));
	if (s->state == PROBE_SLOT_WAITING) /* a table's worth of probes in flight: forget the oldest */
		t->waiting[s->round % PROBE_ROUND_RING]--;
	*s = (struct probe_slot){ .run_seq = run_seq, .round = round, .sent_ns = sent_ns,
		                  .ttl = (uint8_t)ttl, .state = PROBE_SLOT_WAITING };
	t->waiting[round % PROBE_ROUND_RING]++;
}

void probe_table_set_flow(struct probe_table *t, unsigned long run_seq, unsigned flow)
{
	struct probe_slot *s = at(t, probe_wire_seq(run_seq));
	if (s->run_seq == run_seq)
		s->flow = (uint8_t)flow;
}

const struct probe_slot *probe_table_slot(const struct probe_table *t, uint16_t seq)
{
	if (seq >= PACKET_SEQ_SPACE)
		return NULL;
	const struct probe_slot *s = &t->slot[seq & t->mask];
	return holds(s, seq) ? s : &no_slot;
}

const struct probe_slot *probe_table_holder(const struct probe_table *t, uint16_t seq)
{
	return seq < PACKET_SEQ_SPACE ? &t->slot[seq & t->mask] : NULL;
}

unsigned probe_table_waiting(const struct probe_table *t, unsigned long round)
{
	return t->waiting[round % PROBE_ROUND_RING];
}

void probe_table_resolve(struct probe_table *t, uint16_t seq, enum probe_slot_state st)
{
	if (seq >= PACKET_SEQ_SPACE)
		return;
	struct probe_slot *s = at(t, seq);
	if (!holds(s, seq))
		return; /* its slot went to a later probe */
	if (s->state == PROBE_SLOT_WAITING)
		t->waiting[s->round % PROBE_ROUND_RING]--;
	s->state = (uint8_t)st;
}

void probe_table_restamp(struct probe_table *t, unsigned long run_seq, int64_t sent_ns)
{
	struct probe_slot *s = at(t, probe_wire_seq(run_seq));
	if (s->run_seq == run_seq && s->state == PROBE_SLOT_WAITING)
		s->sent_ns = sent_ns;
}
