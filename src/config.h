/* config: the run's settings, parsed once from the command line (mtr's options)
 * and const afterwards. The CLI fills it; the engine and renderers only read it. */
#ifndef HOPDOC_CONFIG_H
#define HOPDOC_CONFIG_H

#include <stdbool.h>

#include "model.h"

enum config_output {
	CONFIG_OUT_REPORT,  /* -r, and the default until the interactive view exists */
	CONFIG_OUT_JSON,    /* -j */
	CONFIG_OUT_CSV,     /* -C */
	CONFIG_OUT_XML,     /* -x */
	CONFIG_OUT_RAW,     /* -l */
	CONFIG_OUT_SPLIT,   /* -p */
};

struct config {
	const char *target;
	int family;              /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	enum model_proto proto;  /* -u UDP, -T TCP, else ICMP */
	unsigned port;           /* -P: destination port for UDP/TCP */
	unsigned local_port;     /* -L: source port for UDP/TCP; 0 chooses */
	double interval_s;       /* -i: seconds between rounds (mtr default 1) */
	unsigned long cycles;    /* -c: rounds to run (mtr default 10) */
	unsigned first_ttl;      /* -f (1) */
	unsigned max_ttl;        /* -m (30) */
	unsigned max_unknown;    /* -U: stop after this many silent hops in a row */
	double timeout_s;        /* -Z: how long a probe waits for its reply */
	double gracetime_s;      /* -G: how long to wait for the last replies */
	unsigned psize;          /* -s: packet size (64) */
	int bitpattern;          /* -B: payload byte (0) */
	int tos;                 /* -Q */
	const char *interface;   /* -I */
	const char *src_addr;    /* -a */
	unsigned mark;           /* -M: SO_MARK */
	double max_pps;          /* global probe rate limit, packets per second */
	bool no_dns;             /* -n */
	bool show_ips;           /* -b */
	bool wide;               /* -w */
	bool diagnose;           /* --diagnose */
	enum config_output output;
	char fields[32];         /* -o: mtr field letters; "LS NABWV" by default */
};

#endif
