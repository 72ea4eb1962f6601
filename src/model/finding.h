/* finding: the output of the diagnosis, as ../shared/docs/diagnosis.md specifies.
 * Defined apart from the rules so renderers can print findings without
 * depending on how they are made.
 * Tests: tests/unit/model/test_model.c tests/unit/diag/test_diag.c. */
#ifndef HOPDOC_FINDING_H
#define HOPDOC_FINDING_H

#include <stddef.h>

#include "model/model.h"

/* Room for every TTL of both directions (R10 joins an outbound and a return
 * trace), so a finding's hop list is never cut. */
#define FINDING_MAX_HOPS (2 * MODEL_MAX_HOPS)
/* A host counter's name ("softnet_dropped"): short identifiers of ours. */
#define FINDING_COUNTER_MAX 48

enum finding_kind {
	FINDING_HEALTHY,
	FINDING_LOSS,
	FINDING_LATENCY,
	FINDING_JITTER,
	FINDING_RATE_LIMITED_HOP,
	FINDING_DEPRIORITIZED_HOP,
	FINDING_DESTINATION_FILTERED,
	FINDING_PATH_INTERRUPTED,
	FINDING_ROUTING_LOOP,
	FINDING_ASYMMETRIC,
	FINDING_INSUFFICIENT_DATA,
	/* R13: the host's own counters (host checks, seed 004). */
	FINDING_HOST_NIC_DROPS,
	FINDING_HOST_SOFTNET_DROPS,
	FINDING_HOST_CONNTRACK_FULL,
	FINDING_HOST_RETRANSMITS,
	FINDING_HOST_LISTEN_OVERFLOW,
	FINDING_HOST_UDP_BUFFER_ERRORS,
	FINDING_PATH_MTU,
	/* A live run's route changed: its path epochs (struct model_epoch). */
	FINDING_ROUTE_CHANGE,
};

enum finding_severity { FINDING_OK, FINDING_INFO, FINDING_WARNING, FINDING_CRITICAL };

enum finding_segment {
	FINDING_SEG_LOCAL,
	FINDING_SEG_ACCESS,
	FINDING_SEG_TRANSIT,
	FINDING_SEG_DESTINATION,
	FINDING_SEG_UNKNOWN,
};

enum finding_direction {
	FINDING_DIR_OUTBOUND,
	FINDING_DIR_RETURN,
	FINDING_DIR_BOTH,
	FINDING_DIR_UNKNOWN,
};

struct finding {
	enum finding_kind kind;
	enum finding_severity severity;
	enum finding_segment segment;
	enum finding_direction direction;
	unsigned hop;                      /* first hop concerned; 0 when none */
	unsigned hops[FINDING_MAX_HOPS];   /* every hop concerned */
	size_t n_hops;
	double loss_pct;                   /* NAN when it does not apply */
	double latency_ms;                 /* NAN when it does not apply */
	/* R13 host findings only: the counter and its rate over the sampling
	 * window; counter "" for every other finding (renderers then print
	 * neither). rate_per_s is NAN when the window is unknown. */
	char counter[FINDING_COUNTER_MAX];
	double rate_per_s;
	/* Heap strings of any length, owned by the list that holds the finding
	 * and never NULL there. */
	char *summary;                     /* one plain sentence */
	char *evidence;                    /* the numbers, citing rules (R1..R13) */
	char *advice;
};

/* A diagnosis: findings, most important first; never empty once made.
 * The list owns its findings' texts. */
struct finding_list {
	struct finding *items;
	size_t n;
	size_t cap;
};

void finding_list_init(struct finding_list *l);
void finding_list_free(struct finding_list *l);
/* Appends a copy of f, texts included (a NULL text as ""); returns the stored
 * element or NULL when out of memory. */
struct finding *finding_list_add(struct finding_list *l, const struct finding *f);
/* Appends f and takes its texts (heap strings; NULL as ""): they belong to
 * the list afterwards, or are freed when memory runs out (NULL returned). */
struct finding *finding_list_take(struct finding_list *l, struct finding *f);
/* Frees a finding's texts (not held by a list) and sets them to NULL. */
void finding_free_texts(struct finding *f);

/* The JSON value names of diagnosis.md ("rate-limited-hop", "critical", ...). */
const char *finding_kind_name(enum finding_kind k);
const char *finding_severity_name(enum finding_severity s);
const char *finding_segment_name(enum finding_segment s);
const char *finding_direction_name(enum finding_direction d);

#endif
