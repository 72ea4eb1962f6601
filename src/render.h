/* render: output formats as pure functions from the model to a sink.
 * One table maps each format to its function; nothing else decides formats. */
#ifndef HOPDOC_RENDER_H
#define HOPDOC_RENDER_H

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "event.h"
#include "finding.h"
#include "model.h"
#include "sink.h"

struct render_opts {
	const char *fields;                 /* mtr -o letters; NULL means "LS NABWV" */
	bool wide;                          /* -w */
	bool want_names;                    /* names unless -n */
	bool show_ips;                      /* -b: name and address */
	const struct finding_list *diagnosis; /* NULL: no diagnosis section */
};

/* A whole-run renderer. Returns 0, or -1 when the sink failed. */
typedef int (*render_fn)(const struct model_trace *t, const struct render_opts *o, struct sink *out);

/* The renderer for a final report format (REPORT, JSON, CSV, XML); NULL for
 * the streaming formats (RAW, SPLIT), which print events as they come. */
render_fn render_for(enum config_output out);

/* The JSON building blocks, shared with `hopdoc analyze --json`.
 * The caller owns the returned reference. */
json_t *render_json_trace(const struct model_trace *t, const struct render_opts *o);
json_t *render_json_findings(const struct finding_list *l);

/* Writes a JSON document as mtr does (4-space indent, 5 significant digits,
 * final newline). Returns 0, or -1 when root is NULL or the sink failed. */
int render_json_dump(const json_t *root, struct sink *out);

#endif
