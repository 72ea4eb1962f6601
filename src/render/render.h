/* render: output formats as pure functions from the model to a sink.
 * One table maps each format to its function; nothing else decides formats. */
#ifndef HOPDOC_RENDER_H
#define HOPDOC_RENDER_H

#include "render/render_opts.h"

enum render_format {
	RENDER_REPORT,  /* -r, and the default until the interactive view exists */
	RENDER_JSON,    /* -j */
	RENDER_CSV,     /* -C */
	RENDER_XML,     /* -x */
	RENDER_RAW,     /* -l */
	RENDER_SPLIT,   /* -p */
};

/* The renderer for a final report format (REPORT, JSON, CSV, XML); NULL for
 * the streaming formats (RAW, SPLIT), which print events as they come. */
render_fn render_for(enum render_format out);

/* The diagnosis alone, as the text report ends with it under --diagnose
 * ("Diagnosis", then each finding): what the view prints after `q`. */
int render_findings(const struct finding_list *l, struct sink *out);

#endif
