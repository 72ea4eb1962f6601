/* run: wires the engine, the collector, DNS and the renderers for one target.
 * Data flows one way: probe → (run_on_event: ask DNS) → collect → taps
 * (streaming printers); at the end the model goes to the final renderer and
 * the diagnosis. */
#include "cli/run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/evloop.h"
#include "base/sink.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/model.h"
#include "probe/probe.h"
#include "render/render.h"
#include "render/render_raw.h"
#include "render/render_split.h"
#include "resolve/dns.h"
#include "resolve/target.h"
#include "stats/collect.h"

/* One trace, from resolving its target to the printed report. */
struct run {
	const struct config *cfg;
	struct probe_sockets *socks;
	struct probe_params prm;      /* cfg->probe with the resolved address */
	struct probe *probe;
	struct evloop *loop;
	struct model_trace *trace;
	struct collect *collect;
	struct dns *dns;
	struct sink *sink;
	struct render_raw *raw;
	struct render_split *split;
	struct render_opts ropts;
};

/* The engine's event function: every responder is worth a name (the cache
 * makes repeats free), then the collector takes the event. */
static int run_on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	if (r->dns && (ev->type == EVENT_REPLY || ev->type == EVENT_LATE))
		(void)dns_lookup(r->dns, &ev->from); /* a full queue only costs a name */
	return collect_event(r->collect, ev);
}

static void fill_trace_header(struct model_trace *t, const struct config *cfg)
{
	if (gethostname(t->src, sizeof(t->src)) != 0)
		snprintf(t->src, sizeof(t->src), "UNKNOWNHOST"); /* mtr's word for it */
	t->src[sizeof(t->src) - 1] = '\0';
	snprintf(t->dst, sizeof(t->dst), "%s", cfg->probe.target);
	t->proto = cfg->probe.proto;
	t->tos = cfg->probe.tos;
	t->psize = cfg->probe.psize;
	t->bitpattern = cfg->probe.bitpattern;
	t->tests = cfg->probe.cycles;
	t->start_time = (int64_t)time(NULL);
}

static void fill_render_opts(struct render_opts *o, const struct config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->fields = cfg->fields;
	o->wide = cfg->wide;
	o->want_names = !cfg->no_dns;
	o->show_ips = cfg->show_ips;
}

/* Raw and split print as events come, after the collector has seen each. */
static int add_stream_printer(struct run *r)
{
	if (r->cfg->output == RENDER_RAW) {
		r->raw = render_raw_new(r->sink);
		return r->raw ? collect_add_tap(r->collect, render_raw_event, r->raw) : -1;
	}
	if (r->cfg->output == RENDER_SPLIT) {
		r->split = render_split_new(r->sink, r->trace, &r->ropts);
		return r->split ? collect_add_tap(r->collect, render_split_event, r->split) : -1;
	}
	return 0;
}

static unsigned usable_families(const struct probe_sockets *s)
{
	return (probe_sockets_can(s, AF_INET) ? TARGET_INET : 0) |
	       (probe_sockets_can(s, AF_INET6) ? TARGET_INET6 : 0);
}

/* The target is resolved only now, when its turn comes, and with privileges
 * gone: a name that does not resolve fails this trace alone. */
static int start_probe(struct run *r, char *err, size_t errlen)
{
	r->prm = r->cfg->probe;
	if (target_resolve(r->prm.target, r->prm.family, usable_families(r->socks), &r->prm.dst,
	                   err, errlen) < 0)
		return -1;
	r->probe = probe_setup(r->socks, &r->prm, r->loop, run_on_event, r, err, errlen);
	if (!r->probe)
		return -1;
	r->trace->dst_addr = r->prm.dst;
	return 0;
}

static int trace_setup(struct run *r, const volatile sig_atomic_t *stop, FILE *out, char *err,
		       size_t errlen)
{
	r->loop = evloop_new();
	r->trace = model_trace_new();
	r->sink = sink_new_file(out);
	if (!r->loop || !r->trace || !r->sink || !(r->collect = collect_new(r->trace))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (stop)
		evloop_watch_flag(r->loop, stop);
	fill_trace_header(r->trace, r->cfg);
	fill_render_opts(&r->ropts, r->cfg);
	if (add_stream_printer(r) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char dns_err[128];
	/* Names are a nicety: without a resolver the report shows addresses. */
	if (!r->cfg->no_dns)
		r->dns = dns_new(r->loop, collect_event, r->collect, NULL, dns_err, sizeof(dns_err));
	return start_probe(r, err, errlen);
}

/* The probe goes first: it unregisters its sockets and timers from the loop. */
static void trace_teardown(struct run *r)
{
	probe_free(r->probe);
	dns_free(r->dns);
	render_raw_free(r->raw);
	render_split_free(r->split);
	collect_free(r->collect);
	sink_free(r->sink);
	model_trace_free(r->trace);
	evloop_free(r->loop);
}

static int render_diagnosis_with(struct run *r, render_fn fn)
{
	struct finding_list findings;
	finding_list_init(&findings);
	int rc = diag_trace(r->trace, &findings);
	if (rc == 0) {
		r->ropts.diagnosis = &findings;
		rc = fn(r->trace, &r->ropts, r->sink);
		r->ropts.diagnosis = NULL;
	}
	finding_list_free(&findings);
	return rc;
}

static int render_final(struct run *r, char *err, size_t errlen)
{
	render_fn fn = render_for(r->cfg->output);
	int rc = 0;
	if (r->split)
		rc = render_split_redraw(r->split);
	else if (fn && r->cfg->diagnose)
		rc = render_diagnosis_with(r, fn);
	else if (fn)
		rc = fn(r->trace, &r->ropts, r->sink);
	if (rc < 0 || sink_error(r->sink)) {
		snprintf(err, errlen, "cannot write the output");
		return -1;
	}
	return 0;
}

static int probe_and_wait(struct run *r, char *err, size_t errlen)
{
	if (probe_start(r->probe) < 0) {
		snprintf(err, errlen, "cannot schedule probes: out of memory");
		return -1;
	}
	if (evloop_run(r->loop) < 0) {
		snprintf(err, errlen, "event loop failed");
		return -1;
	}
	if (probe_status(r->probe) < 0) {
		snprintf(err, errlen, "%s", probe_error(r->probe));
		return -1;
	}
	return 0;
}

/* The hook's finish replaces the report; the probe goes first, so nothing
 * probes while the hook waits in the loop. */
static int finish_with_hook(struct run *r, const struct run_hook *hook, char *err, size_t errlen)
{
	probe_free(r->probe);
	r->probe = NULL;
	return hook->finish(hook->ctx, r->loop, r->trace, r->sink, err, errlen);
}

int run_trace_hooked(const struct config *cfg, struct probe_sockets *socks,
                     const volatile sig_atomic_t *stop, FILE *out, const struct run_hook *hook,
                     char *err, size_t errlen)
{
	struct run r = { .cfg = cfg, .socks = socks };
	int set = trace_setup(&r, stop, out, err, errlen);
	if (set == 0 && hook && hook->attach(hook->ctx, r.loop) < 0) {
		snprintf(err, errlen, "out of memory");
		set = -1;
	}
	if (set < 0) {
		trace_teardown(&r);
		return -1;
	}
	char probe_err[256] = "";
	int probed = probe_and_wait(&r, probe_err, sizeof(probe_err));
	/* Whatever was gathered is reported, even after a failure mid-run. */
	int rendered = hook ? finish_with_hook(&r, hook, err, errlen) : render_final(&r, err, errlen);
	trace_teardown(&r);
	if (probed < 0) {
		snprintf(err, errlen, "%s", probe_err);
		return -1;
	}
	return rendered;
}

int run_trace(const struct config *cfg, struct probe_sockets *socks,
              const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen)
{
	return run_trace_hooked(cfg, socks, stop, out, NULL, err, errlen);
}
