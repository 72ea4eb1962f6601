/* run: wires the engine, the collector, DNS and the renderers for one target.
 * Data flows one way: probe → (run_on_event: ask DNS) → collect → taps
 * (streaming printers); at the end the model goes to the final renderer and
 * the diagnosis. */
#include "cli/run.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/evloop.h"
#include "base/sink.h"
#include "cli/export.h"
#include "cli/followup.h"
#include "cli/hostcheck.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "probe/probe.h"
#include "render/render.h"
#include "render/render_raw.h"
#include "render/render_split.h"
#include "resolve/asn.h"
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
	struct dns *asn; /* -z, -y: origin TXT records, on workers of their own */
	struct sink *sink;
	struct render_raw *raw;
	struct render_split *split;
	struct model_history *history; /* only for --export-html's charts */
	struct render_opts ropts;
	struct hostcheck *host; /* --diagnose: the client's own counters (R13) */
	const struct view_sockets *all; /* a set per protocol, for the follow-ups */
	struct diag_followup fu;        /* what the follow-ups found; zero: none ran */
	const struct run_snapshot *snap; /* --metrics: told as the trace grows; NULL: none */
	int64_t snap_ns;                 /* when snap was last told */
};

/* The engine's event function: every responder is worth a name (the cache
 * makes repeats free), then the collector takes the event. */
static int run_on_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	if (ev->type == EVENT_REPLY || ev->type == EVENT_LATE) {
		/* a full queue only costs a name */
		if (r->dns)
			(void)dns_lookup(r->dns, &ev->from);
		if (r->asn)
			(void)dns_lookup(r->asn, &ev->from);
	}
	return collect_event(r->collect, ev);
}

void run_fill_header(struct model_trace *t, const struct config *cfg)
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

void run_fill_render_opts(struct render_opts *o, const struct config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->fields = cfg->fields;
	o->wide = cfg->wide;
	o->want_names = !cfg->no_dns;
	o->show_ips = cfg->show_ips;
	o->mpls = cfg->mpls;
	o->ipinfo = cfg->ipinfo;
	o->ipinfo_field = cfg->ipinfo_field;
}

/* Raw and split print as events come, after the collector has seen each. */
static int add_stream_printer(struct run *r)
{
	if (r->cfg->output == RENDER_RAW) {
		r->raw = render_raw_new(r->sink);
		if (r->raw)
			render_raw_set_mpls(r->raw, r->cfg->mpls);
		return r->raw ? collect_add_tap(r->collect, render_raw_event, r->raw) : -1;
	}
	if (r->cfg->output == RENDER_SPLIT) {
		r->split = render_split_new(r->sink, r->trace, &r->ropts);
		return r->split ? collect_add_tap(r->collect, render_split_event, r->split) : -1;
	}
	return 0;
}

/* The HTML export charts each round: the history hears every event. */
static int add_history(struct run *r)
{
	if (!r->cfg->export_html)
		return 0;
	r->history = model_history_new(EXPORT_HISTORY_ROUNDS);
	return r->history ? collect_add_tap(r->collect, model_history_event, r->history) : -1;
}

/* The trace as it stands, with its diagnosis, to the snapshot's owner. A
 * diagnosis that runs out of memory skips this snapshot, not the run. */
static void publish_snapshot(struct run *r)
{
	struct finding_list findings;
	finding_list_init(&findings);
	if (diag_trace(r->trace, &findings) == 0)
		r->snap->fn(r->snap->ctx, r->trace, &findings);
	finding_list_free(&findings);
}

/* Snapshots go by time, not by round: a round ends only once its last
 * probe is answered or timed out (-Z, 10 s by default), and a scraper wants
 * probes sent and answered as they happen. */
#define RUN_SNAPSHOT_NS 500000000LL

/* A tap: the collector calls it after the model took the event in. */
static int snapshot_event(void *ctx, const struct event *ev)
{
	struct run *r = ctx;
	int64_t now = evloop_now_ns();
	(void)ev;
	if (now - r->snap_ns >= RUN_SNAPSHOT_NS) {
		r->snap_ns = now;
		publish_snapshot(r);
	}
	return 0;
}

static int add_snapshot(struct run *r)
{
	return r->snap ? collect_add_tap(r->collect, snapshot_event, r) : 0;
}

unsigned run_usable_families(const struct probe_sockets *s)
{
	return (probe_sockets_can(s, AF_INET) ? TARGET_INET : 0) |
	       (probe_sockets_can(s, AF_INET6) ? TARGET_INET6 : 0);
}

/* mtr refuses a target of another family than -a's ("invalid local
 * address"); say which two they are. */
static int check_source_family(const struct probe_params *pp, char *err, size_t errlen)
{
	struct model_addr src, dst;
	if (!pp->src_addr || model_addr_parse(pp->src_addr, &src) < 0 ||
	    model_addr_parse(pp->target, &dst) < 0 || src.family == dst.family)
		return 0;
	snprintf(err, errlen, "-a %s is an %s address; probes to %s cannot leave from it",
		 pp->src_addr, src.family == AF_INET ? "IPv4" : "IPv6", pp->target);
	return -1;
}

/* The target is resolved only now, when its turn comes, and with privileges
 * gone: a name that does not resolve fails this trace alone. */
static int start_probe(struct run *r, char *err, size_t errlen)
{
	r->prm = r->cfg->probe;
	if (check_source_family(&r->prm, err, errlen) < 0)
		return -1;
	if (target_resolve(r->prm.target, r->prm.family, run_usable_families(r->socks), &r->prm.dst,
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
	if (r->cfg->probe.flows == 0)
		collect_varying_flows(r->collect);
	if (stop)
		evloop_watch_flag(r->loop, stop);
	run_fill_header(r->trace, r->cfg);
	run_fill_render_opts(&r->ropts, r->cfg);
	if (add_stream_printer(r) < 0 || add_history(r) < 0 || add_snapshot(r) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char dns_err[128];
	/* Names are a nicety: without a resolver the report shows addresses. */
	if (!r->cfg->no_dns)
		r->dns = dns_new(r->loop, collect_event, r->collect, NULL, dns_err, sizeof(dns_err));
	/* -n asks no DNS at all: AS numbers then show as unknown */
	const struct dns_params asn_params = { .resolve = asn_resolve_system, .ipinfo = true };
	if (!r->cfg->no_dns && r->cfg->ipinfo)
		r->asn = dns_new(r->loop, collect_event, r->collect, &asn_params, dns_err, sizeof(dns_err));
	return start_probe(r, err, errlen);
}

/* The probe goes first: it unregisters its sockets and timers from the loop. */
static void trace_teardown(struct run *r)
{
	probe_free(r->probe);
	hostcheck_free(r->host);
	dns_free(r->dns);
	dns_free(r->asn);
	render_raw_free(r->raw);
	render_split_free(r->split);
	collect_free(r->collect);
	model_history_free(r->history);
	sink_free(r->sink);
	model_trace_free(r->trace);
	evloop_free(r->loop);
}

static int render_diagnosis_with(struct run *r, render_fn fn)
{
	struct finding_list findings;
	finding_list_init(&findings);
	int rc = diag_trace_followup(r->trace, &r->fu, &findings);
	if (rc == 0 && r->host)
		rc = hostcheck_finish(r->host, &findings);
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
	r->trace->report_time = (int64_t)time(NULL);
	if (r->split)
		rc = render_split_redraw(r->split);
	else if (fn && r->cfg->diagnose)
		rc = render_diagnosis_with(r, fn);
	else if (fn)
		rc = fn(r->trace, &r->ropts, r->sink);
	if (rc < 0 || sink_error(r->sink)) {
		snprintf(err, errlen, "cannot write the output: %s",
			 strerror(sink_errno(r->sink) ? sink_errno(r->sink) : EIO));
		return -1;
	}
	return 0;
}

static int write_exports(const struct config *c, const struct export_input *in, char *err,
                         size_t errlen)
{
	if (c->export_text && export_text_to(c->export_text_file, c->export_text, in, err, errlen) != 0)
		return -1;
	if (c->export_html && export_html_to(c->export_html_file, c->export_html, in, err, errlen) != 0)
		return -1;
	return 0;
}

/* The exports carry the verdict whether or not --diagnose printed it, with
 * the follow-ups' results fu (may be NULL). */
static int export_with(const struct config *cfg, const struct model_trace *t,
                       const struct model_history *history, const struct diag_followup *fu,
                       char *err, size_t errlen)
{
	if (!cfg->export_text && !cfg->export_html)
		return 0;
	struct render_opts ropts;
	run_fill_render_opts(&ropts, cfg);
	struct finding_list findings;
	finding_list_init(&findings);
	int rc;
	if (diag_trace_followup(t, fu, &findings) != 0) {
		snprintf(err, errlen, "cannot export: out of memory");
		rc = -1;
	} else {
		const struct export_input in = { t, &ropts, history, &findings, "a live run" };
		rc = write_exports(cfg, &in, err, errlen);
	}
	finding_list_free(&findings);
	return rc;
}

int run_export(const struct config *cfg, const struct model_trace *t,
               const struct model_history *history, const struct diag_followup *fu, char *err,
               size_t errlen)
{
	return export_with(cfg, t, history, fu, err, errlen);
}

/* After the main run, what its diagnosis leaves open is probed again
 * (followup.h), when the diagnosis is printed. A follow-up that cannot run
 * only costs its evidence: the verdict is then the main run's alone. */
static void follow_up(struct run *r, const volatile sig_atomic_t *stop)
{
	if (!followup_wanted(r->cfg) || r->split || !render_for(r->cfg->output) ||
	    (stop && *stop))
		return;
	struct finding_list main_findings;
	finding_list_init(&main_findings);
	char ignored[256];
	if (diag_trace(r->trace, &main_findings) == 0)
		(void)followup_run(r->cfg, r->all, r->trace, &main_findings, stop, &r->fu, ignored,
		                   sizeof(ignored));
	finding_list_free(&main_findings);
}

/* The hop that reported the path MTU: where its address answered as a hop,
 * else the engine's reckoning from the quoted TTL. */
static unsigned mtu_hop(const struct model_trace *t, const struct probe_mtu *m)
{
	for (size_t i = 0; i < t->n_hops; i++)
		for (unsigned j = 0; j < t->hops[i].n_resp; j++)
			if (model_addr_equal(&t->hops[i].resp[j].addr, &m->from))
				return t->hops[i].ttl;
	return m->hop;
}

static void note_path_mtu(struct run *r)
{
	struct probe_mtu m;
	if (!probe_path_mtu(r->probe, &m))
		return;
	r->trace->path_mtu = m.mtu;
	r->trace->path_mtu_hop = mtu_hop(r->trace, &m);
	r->trace->path_mtu_from = m.from;
}

/* Names still being looked up when probing ends are waited for, as mtr
 * waits, so a short run (-r -c 1) or a slow resolver still prints them: while
 * names keep coming, up to RUN_NAMES_IDLE_NS after the last one came (or
 * after probing ended) and RUN_NAMES_MAX_NS in all. A dead DNS server thus
 * delays the report by RUN_NAMES_IDLE_NS; -n asks nothing and waits for
 * nothing; a stop signal ends the wait at once. */
#define RUN_NAMES_IDLE_NS 3000000000LL
#define RUN_NAMES_MAX_NS 10000000000LL
#define RUN_NAMES_POLL_NS 20000000LL

struct name_wait {
	struct run *r;
	unsigned pending;
	int64_t idle_end_ns, end_ns;
};

/* Names and AS records asked and not yet answered. */
static unsigned lookups_pending(const struct run *r)
{
	return (r->dns ? dns_pending(r->dns) : 0) + (r->asn ? dns_pending(r->asn) : 0);
}

static void on_name_poll(void *ctx)
{
	struct name_wait *w = ctx;
	int64_t now = evloop_now_ns();
	unsigned pending = lookups_pending(w->r);
	if (pending < w->pending) {
		w->pending = pending;
		w->idle_end_ns = now + RUN_NAMES_IDLE_NS;
	}
	bool over = pending == 0 || now >= w->idle_end_ns || now >= w->end_ns;
	if (over || !evloop_add_timer(w->r->loop, now + RUN_NAMES_POLL_NS, on_name_poll, w))
		evloop_stop(w->r->loop);
}

static void wait_for_names(struct run *r)
{
	if (lookups_pending(r) == 0)
		return;
	int64_t now = evloop_now_ns();
	struct name_wait w = { .r = r, .pending = lookups_pending(r),
		               .idle_end_ns = now + RUN_NAMES_IDLE_NS,
		               .end_ns = now + RUN_NAMES_MAX_NS };
	if (evloop_add_timer(r->loop, now + RUN_NAMES_POLL_NS, on_name_poll, &w))
		(void)evloop_run(r->loop); /* a failed wait only costs names */
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
	note_path_mtu(r);
	if (probe_status(r->probe) < 0) {
		snprintf(err, errlen, "%s", probe_error(r->probe));
		return -1;
	}
	wait_for_names(r);
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

static int run_with(const struct run *init, const volatile sig_atomic_t *stop, FILE *out,
                    const struct run_hook *hook, char *err, size_t errlen);

int run_trace_hooked(const struct config *cfg, const struct view_sockets *socks,
                     const volatile sig_atomic_t *stop, FILE *out, const struct run_hook *hook,
                     char *err, size_t errlen)
{
	struct run r = { .cfg = cfg, .socks = socks->by_proto[cfg->probe.proto], .all = socks };
	return run_with(&r, stop, out, hook, err, errlen);
}

int run_trace_snap(const struct config *cfg, const struct view_sockets *socks,
                   const volatile sig_atomic_t *stop, FILE *out, const struct run_snapshot *snap,
                   char *err, size_t errlen)
{
	struct run r = { .cfg = cfg, .socks = socks->by_proto[cfg->probe.proto], .all = socks,
		         .snap = snap };
	return run_with(&r, stop, out, NULL, err, errlen);
}

/* init holds what the caller chose (config, sockets, snapshot); the run's
 * own state is built from it here. */
static int run_with(const struct run *init, const volatile sig_atomic_t *stop, FILE *out,
                    const struct run_hook *hook, char *err, size_t errlen)
{
	struct run r = *init;
	const struct config *cfg = r.cfg;
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
	if (cfg->diagnose) /* without memory for it, the trace goes on alone */
		r.host = hostcheck_start();
	int probed = probe_and_wait(&r, probe_err, sizeof(probe_err));
	if (r.snap) /* the last round's late replies and names */
		publish_snapshot(&r);
	if (probed == 0 && !hook)
		follow_up(&r, stop);
	/* Whatever was gathered is reported and exported, even after a failure
	 * mid-run or a SIGINT. */
	int rendered = hook ? finish_with_hook(&r, hook, err, errlen) : render_final(&r, err, errlen);
	char export_err[EXPORT_MSG_MAX] = "";
	int exported = export_with(cfg, r.trace, r.history, &r.fu, export_err, sizeof(export_err));
	trace_teardown(&r);
	if (probed < 0) {
		snprintf(err, errlen, "%s", probe_err);
		return -1;
	}
	if (rendered == 0 && exported < 0)
		snprintf(err, errlen, "%s", export_err);
	return rendered < 0 ? rendered : exported;
}

int run_trace(const struct config *cfg, const struct view_sockets *socks,
              const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen)
{
	return run_trace_hooked(cfg, socks, stop, out, NULL, err, errlen);
}
