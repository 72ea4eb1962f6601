/* config: the run's settings, parsed once from the command line (mtr's options)
 * and const afterwards. Only the CLI sees it: the engine gets its probe_params,
 * the renderers their render_opts. */
#ifndef HOPDOC_CONFIG_H
#define HOPDOC_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "probe/probe.h"
#include "render/render.h"

/* One socket set per protocol (ICMP, UDP, TCP, as enum model_proto), opened
 * before privileges went (the view switches protocol, --diagnose's
 * follow-ups probe with TCP and UDP); NULL where a set could not be opened. */
struct view_sockets {
	struct probe_sockets *by_proto[3];
};

struct config {
	struct probe_params probe; /* what to probe and how: the engine's input */
	bool no_dns;             /* -n */
	bool show_ips;           /* -b */
	bool wide;               /* -w */
	bool mpls;               /* -e: MPLS labels under their hops */
	bool ipinfo;             /* -z or -y: an ipinfo column (origin TXT lookups unless -n) */
	unsigned ipinfo_field;   /* -y N (0..4); -z is 0, the AS number */
	bool diagnose;           /* --diagnose */
	bool no_follow_up;       /* --no-follow-up: no follow-up probes after --diagnose's run */
	const char *return_via;  /* --return-via URL: also trace the way back; NULL none */
	const char *metrics;     /* --metrics ADDR:PORT: the Prometheus endpoint; NULL none */
	enum render_format output;
	char fields[32];         /* -o: mtr field letters; "LS NABWV" by default */
	const char *export_text; /* --export-text FILE: written when the run ends; NULL: none */
	const char *export_html; /* --export-html FILE */
	/* The export files as the CLI created them, before privileges went (so
	 * not filled by opts); NULL: run_trace opens export_text/_html itself. */
	FILE *export_text_file;
	FILE *export_html_file;
	bool output_given;       /* a report or stream flag (-r -w -j -x -C -l -p) was given */
	bool cycles_given;       /* -c was given (the view otherwise runs until q) */
	bool curses;             /* -t: the interactive view even without a terminal check */
	unsigned displaymode;    /* --displaymode 0|1|2: the view's first display */
};

#endif
