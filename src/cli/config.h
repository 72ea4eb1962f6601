/* config: the run's settings, parsed once from the command line (mtr's options)
 * and const afterwards. Only the CLI sees it: the engine gets its probe_params,
 * the renderers their render_opts. */
#ifndef HOPDOC_CONFIG_H
#define HOPDOC_CONFIG_H

#include <stdbool.h>

#include "probe/probe.h"
#include "render/render.h"

struct config {
	struct probe_params probe; /* what to probe and how: the engine's input */
	bool no_dns;             /* -n */
	bool show_ips;           /* -b */
	bool wide;               /* -w */
	bool diagnose;           /* --diagnose */
	const char *return_via;  /* --return-via URL: also trace the way back; NULL none */
	enum render_format output;
	char fields[32];         /* -o: mtr field letters; "LS NABWV" by default */
};

#endif
