/* render_opts: the contract between the render table and each renderer:
 * what a renderer is given (the model, view options, a sink) and its type. */
#ifndef HOPDOC_RENDER_OPTS_H
#define HOPDOC_RENDER_OPTS_H

#include <stdbool.h>

#include "base/sink.h"
#include "model/finding.h"
#include "model/model.h"

struct render_opts {
	const char *fields;                 /* mtr -o letters; NULL means "LS NABWV" */
	bool wide;                          /* -w */
	bool want_names;                    /* names unless -n */
	bool show_ips;                      /* -b: name and address */
	bool mpls;                          /* -e: "[MPLS: ...]" lines as mtr prints them */
	bool ipinfo;                        /* -z, -y: mtr's ipinfo column */
	unsigned ipinfo_field;              /* -y N, 0..4 (-z: 0, "AS1234") */
	const struct finding_list *diagnosis; /* NULL: no diagnosis section */
};

/* A whole-run renderer. Returns 0, or -1 when the sink failed. */
typedef int (*render_fn)(const struct model_trace *t, const struct render_opts *o, struct sink *out);

#endif
