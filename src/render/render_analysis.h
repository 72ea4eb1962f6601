/* render_analysis: what `hopdoc analyze` prints for imported reports and
 * their diagnosis: the text report, the JSON document and the --summary
 * lines. Pure functions of the traces and findings onto a sink, so each is
 * golden-tested (tests/golden/render/analysis-*).
 * Tests: tests/golden/render tests/golden/analyze-out tests/golden/host tests/unit/render/test_render.c */
#ifndef HOPDOC_RENDER_ANALYSIS_H
#define HOPDOC_RENDER_ANALYSIS_H

#include <stddef.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/model.h"

enum render_analysis_mode {
	RENDER_ANALYSIS_PAIR,    /* outbound, and the return trace when there is one */
	RENDER_ANALYSIS_CLIENTS, /* several clients' reports to one server */
};

struct render_analysis {
	enum render_analysis_mode mode;
	const struct model_trace *const *traces;
	const char *const *names; /* each trace's file, as the text report heads it */
	size_t n;                 /* PAIR: 1 or 2 */
	const struct finding_list *findings;
};

/* Each trace as an mtr wide report under "Outbound: FILE" (or Return,
 * Client), leaving out the default columns no hop of it has; the Diagnosis
 * section follows the last. */
int render_analysis_text(const struct render_analysis *a, struct sink *out);

/* {"outbound": TRACE, "return": TRACE, "diagnosis": [FINDINGS]}, or
 * {"clients": [TRACE...], "diagnosis": [...]}; TRACE is what -j prints.
 * Writes nothing and returns -1 when the document cannot be built whole. */
int render_analysis_json(const struct render_analysis *a, struct sink *out);

/* `hopdoc host`: the findings alone, as the "Diagnosis" section the text
 * report ends with. */
int render_analysis_findings_text(const struct finding_list *l, struct sink *out);

/* `hopdoc host --json`: {"host": HOST, "diagnosis": [FINDINGS]}. HOST is a
 * JSON object given as text, made by the host checks (src/host), which
 * render/ does not know. Writes nothing and returns -1 when host_json is not
 * a JSON object or the document cannot be built whole. */
int render_analysis_host_json(const char *host_json, const struct finding_list *l,
			      struct sink *out);

/* Stable lines for tests and scripts (docs/import.md):
 *   outbound dst=TARGET reached=yes|no hops=N
 *   outbound hop TTL HOST[NAME][ASN] +OTHER... loss= snt= recv= ... has=...
 *   finding KIND SEVERITY SEGMENT DIRECTION hop=N */
int render_analysis_summary(const struct render_analysis *a, struct sink *out);

#endif
