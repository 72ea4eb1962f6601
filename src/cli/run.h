/* run: one live trace, from the target's name to the printed report.
 *
 * The probe sockets are opened once for every target, so privileges can be
 * dropped before any target is touched:
 *     s = probe_sockets_open(&cfg->probe, ...)   privileged (the CLI does it)
 *     privdrop_drop(...)
 *     run_trace(cfg, sets, stop, out, ...)       for each target in turn
 *     probe_sockets_close(s)
 * Nothing here prints to stderr or exits; errors come back in err.
 * Tests: tests/lab/t_export.sh tests/lab/t_cli.sh tests/lab/t_probe.sh tests/lab/t_diagnose.sh tests/lab/t_dns.sh
 * tests/lab/t_followup.sh tests/lab/t_metrics.sh. */
#ifndef HOPDOC_RUN_H
#define HOPDOC_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "base/evloop.h"
#include "base/sink.h"
#include "cli/config.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "render/render_opts.h"

/* Resolves cfg->probe.target, probes it on socks for cfg->probe.cycles rounds
 * (or until *stop becomes non-zero: the run then ends as a finished one
 * would), and writes cfg->output to out: streamed for raw and split, at the
 * end otherwise, with the diagnosis after it when cfg->diagnose. Reverse DNS
 * unless cfg->no_dns. cfg->export_text and cfg->export_html are written at
 * the end too (with the diagnosis, and the per-round history the run kept
 * for the page's charts). The trace's tables exist only while it runs. Returns 0,
 * or -1 with a message in err (a report of what was gathered is still
 * written when the failure came after probing started). socks holds a set
 * per protocol: cfg->probe.proto's is the trace's; with --diagnose the
 * others serve the follow-up probes (followup.h), where they are open. */
int run_trace(const struct config *cfg, const struct view_sockets *socks,
              const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen);

/* The trace's header (source host, target, protocol, start) from cfg; the
 * view fills every trace it starts afresh with it too. */
void run_fill_header(struct model_trace *t, const struct config *cfg);

/* mtr's display options (-o, -w, -n, -b) from cfg, for a renderer. */
void run_fill_render_opts(struct render_opts *o, const struct config *cfg);

/* Writes cfg->export_text and cfg->export_html (files the CLI opened, see
 * config.h) for trace t, with the verdict (and the follow-ups' results fu,
 * may be NULL) and, when given, the per-round history for the page's
 * charts. 0 (also when neither is asked for), or -1 with "cannot write
 * NAME: why" in err. */
int run_export(const struct config *cfg, const struct model_trace *t,
               const struct model_history *history, const struct diag_followup *fu, char *err,
               size_t errlen);

/* The TARGET_* families the socket set can probe, for target_resolve. */
unsigned run_usable_families(const struct probe_sockets *s);

/* A second job sharing the trace's event loop (--return-via's remote): attach
 * is called once the probe is set up; finish, always after attach, once the
 * probe has ended and been freed, takes the place of the final report. Each
 * returns 0, or -1 with a message in err (finish: after writing what it can). */
struct run_hook {
	void *ctx;
	int (*attach)(void *ctx, struct evloop *loop);
	int (*finish)(void *ctx, struct evloop *loop, const struct model_trace *outbound,
	              struct sink *out, char *err, size_t errlen);
};

/* What a live run shows while it runs (--metrics): fn is called as events
 * come, at most every half second, with the trace so far and the diagnosis
 * the rules make of it (both good only during the call), and once more when
 * probing has ended. */
struct run_snapshot {
	void *ctx;
	void (*fn)(void *ctx, const struct model_trace *t, const struct finding_list *findings);
};

/* run_trace, handing snapshots to snap as it goes (NULL: run_trace). */
int run_trace_snap(const struct config *cfg, const struct view_sockets *socks,
                   const volatile sig_atomic_t *stop, FILE *out, const struct run_snapshot *snap,
                   char *err, size_t errlen);

/* run_trace with a hook (NULL: run_trace itself). */
int run_trace_hooked(const struct config *cfg, const struct view_sockets *socks,
                     const volatile sig_atomic_t *stop, FILE *out, const struct run_hook *hook,
                     char *err, size_t errlen);

#endif
