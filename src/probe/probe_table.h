/* probe_table: every probe in flight, by its 15-bit wire sequence, so a reply
 * finds its probe, a late reply is known as late, and a duplicate or stray is
 * ignored. Internal to src/probe.
 * Tests: tests/unit/probe/test_probe.c. */
#ifndef HOPDOC_PROBE_TABLE_H
#define HOPDOC_PROBE_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#define PROBE_ROUND_RING 1024u   /* rounds that may be open at once */
#define PROBE_TABLE_MIN_SLOTS 1024u

struct probe_table;

enum probe_slot_state {
	PROBE_SLOT_FREE,
	PROBE_SLOT_WAITING,   /* sent, no answer, not timed out */
	PROBE_SLOT_ANSWERED,
	PROBE_SLOT_TIMED_OUT,
};

struct probe_slot {
	unsigned long run_seq;   /* the event seq */
	unsigned long round;
	int64_t sent_ns;         /* monotonic */
	uint8_t ttl;
	uint8_t state;           /* enum probe_slot_state */
	uint8_t flow;            /* the flow (--flows) it was sent on */
};

/* A slot for every wire sequence: about 1 MiB, zeroed lazily by the
 * kernel, but every page is touched within 32,768 probes. */
struct probe_table *probe_table_new(void);

/* A table of `slots` (a power of two up to the wire space): wire seq s uses
 * slot s mod slots, so a probe keeps its slot only until `slots` more went
 * out (a reply after that is a stray). For the many traces of a group
 * (hopdoc monitor), sized by probe_table_slots_for: some 32 KiB each rather
 * than 1 MiB. NULL when slots is not such a number or out of memory. */
struct probe_table *probe_table_new_sized(unsigned slots);

/* Pure: slots enough for a trace of max_ttl TTLs on `flows` flows every
 * interval_s with a timeout_s wait: four times the probes sent over a
 * timeout, an interval and a second, as a power of two in
 * [PROBE_TABLE_MIN_SLOTS, PACKET_SEQ_SPACE] (the largest when the interval
 * is not positive). */
unsigned probe_table_slots_for(unsigned max_ttl, unsigned flows, double interval_s,
                               double timeout_s);

void probe_table_free(struct probe_table *t);
unsigned probe_table_slots(const struct probe_table *t);

/* The wire sequence of run_seq. */
uint16_t probe_wire_seq(unsigned long run_seq);

/* Records probe run_seq as sent (overwriting whatever held its slot). */
void probe_table_sent(struct probe_table *t, unsigned long run_seq, unsigned long round,
                      unsigned ttl, int64_t sent_ns);

/* Notes the flow probe run_seq (just sent) went on. */
void probe_table_set_flow(struct probe_table *t, unsigned long run_seq, unsigned flow);

/* The slot of wire sequence seq (any state); NULL outside the wire space;
 * a free slot when seq's slot holds another probe now. Read-only: states
 * change through probe_table_resolve, so the waiting counts stay true. */
const struct probe_slot *probe_table_slot(const struct probe_table *t, uint16_t seq);

/* The slot a probe of wire sequence seq would take, whichever probe holds
 * it (a sized table's slots are shared); NULL outside the wire space. */
const struct probe_slot *probe_table_holder(const struct probe_table *t, uint16_t seq);

/* Marks slot seq answered or timed out; a waiting slot leaves its round's
 * waiting count. Nothing when seq's slot holds another probe. */
void probe_table_resolve(struct probe_table *t, uint16_t seq, enum probe_slot_state st);

/* A better send time for probe run_seq (its kernel TX stamp), taken only
 * while the probe still holds its slot and waits. */
void probe_table_restamp(struct probe_table *t, unsigned long run_seq, int64_t sent_ns);

/* Probes of `round` still waiting. */
unsigned probe_table_waiting(const struct probe_table *t, unsigned long round);

#endif
