/* probe_table: the in-flight table (probe_table.h). */
#include "probe/probe_table.h"

#include <stdlib.h>

#include "probe/packet.h"

struct probe_table {
	struct probe_slot slot[PACKET_SEQ_SPACE];
	unsigned waiting[PROBE_ROUND_RING];
};

struct probe_table *probe_table_new(void)
{
	return calloc(1, sizeof(struct probe_table));
}

void probe_table_free(struct probe_table *t)
{
	free(t);
}

uint16_t probe_wire_seq(unsigned long run_seq)
{
	return (uint16_t)(run_seq % PACKET_SEQ_SPACE);
}

void probe_table_sent(struct probe_table *t, unsigned long run_seq, unsigned long round,
                      unsigned ttl, int64_t sent_ns)
{
	struct probe_slot *s = &t->slot[probe_wire_seq(run_seq)];
	if (s->state == PROBE_SLOT_WAITING) /* 32768 probes in flight: forget the oldest */
		t->waiting[s->round % PROBE_ROUND_RING]--;
	*s = (struct probe_slot){ .run_seq = run_seq, .round = round, .sent_ns = sent_ns,
		                  .ttl = (uint8_t)ttl, .state = PROBE_SLOT_WAITING };
	t->waiting[round % PROBE_ROUND_RING]++;
}

void probe_table_set_flow(struct probe_table *t, unsigned long run_seq, unsigned flow)
{
	struct probe_slot *s = &t->slot[probe_wire_seq(run_seq)];
	if (s->run_seq == run_seq)
		s->flow = (uint8_t)flow;
}

const struct probe_slot *probe_table_slot(const struct probe_table *t, uint16_t seq)
{
	return seq < PACKET_SEQ_SPACE ? &t->slot[seq] : NULL;
}

unsigned probe_table_waiting(const struct probe_table *t, unsigned long round)
{
	return t->waiting[round % PROBE_ROUND_RING];
}

void probe_table_resolve(struct probe_table *t, uint16_t seq, enum probe_slot_state st)
{
	if (seq >= PACKET_SEQ_SPACE)
		return;
	struct probe_slot *s = &t->slot[seq];
	if (s->state == PROBE_SLOT_WAITING)
		t->waiting[s->round % PROBE_ROUND_RING]--;
	s->state = (uint8_t)st;
}

void probe_table_restamp(struct probe_table *t, unsigned long run_seq, int64_t sent_ns)
{
	struct probe_slot *s = &t->slot[probe_wire_seq(run_seq)];
	if (s->run_seq == run_seq && s->state == PROBE_SLOT_WAITING)
		s->sent_ns = sent_ns;
}
