/* render_prom: the Prometheus text exposition (format 0.0.4, which
 * `promtool check metrics` reads) of one or more traces and their current
 * findings. Pure: the model in, text to a sink; src/metrics serves it.
 *
 * Exporter conventions: seconds, `_total` counters, labels `target` and
 * `ttl` on every per-hop series. Families (docs/metrics.md has the table):
 *   hopdoc_probes_sent_total, hopdoc_replies_total,
 *   hopdoc_probes_timed_out_total, hopdoc_replies_late_total  counters per hop
 *     (a lost probe is one that timed out and got no late reply:
 *     timed_out - late; it is no counter itself, since a late reply takes a
 *     probe back out of the lost ones and counters never go down)
 *   hopdoc_hop_loss_ratio         gauge per hop: mtr's Loss% / 100
 *   hopdoc_rtt_seconds            histogram per hop (live runs: the model's
 *                                 MODEL_HAS_BUCKETS; imports have none)
 *   hopdoc_responder_replies_total counter per hop and `responder`
 *   hopdoc_path_hash              gauge per target: a 32-bit hash of the path
 *   hopdoc_target_reached         gauge per target: 1 when the target answered
 *   hopdoc_finding                gauge per target: 1, labelled with the
 *                                 first (most important) finding's kind,
 *                                 severity, segment and hop
 * Cardinality: a hop's responders keep their own `responder` label in the
 * order they were first seen, up to RENDER_PROM_MAX_RESPONDERS; replies from
 * later ones add up under responder="other", so no series ever goes down or
 * moves. Targets are the caller's list, TTLs at most MODEL_MAX_HOPS.
 * Tests: tests/unit/render/test_render_prom.c tests/golden/render/prom-*. */
#ifndef HOPDOC_RENDER_PROM_H
#define HOPDOC_RENDER_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/model.h"

#define RENDER_PROM_MAX_RESPONDERS 4
#define RENDER_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* One traced target: the monitor passes many, a live run one. */
struct render_prom_target {
	const char *target;                  /* the `target` label; NULL: trace->dst */
	const struct model_trace *trace;
	const struct finding_list *findings; /* NULL or empty: no hopdoc_finding */
};

/* Writes every family for the n targets. Returns 0, or -1 when the sink
 * failed. */
int render_prom(const struct render_prom_target *t, size_t n, struct sink *out);

/* FNV-1a over the latest responder of each hop ("???" when none answered),
 * so a changed route changes the value; 0 for a trace without hops. */
uint32_t render_prom_path_hash(const struct model_trace *t);

#endif
