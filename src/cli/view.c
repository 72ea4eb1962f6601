#include "cli/view.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "base/evloop.h"
#include "base/sink.h"
#include "cli/export.h"
#include "cli/followup.h"
#include "cli/opts.h"
#include "cli/retpeer.h"
#include "cli/run.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "model/history.h"
#include "probe/probe.h"
#include "render/render.h"
#include "resolve/asn.h"
#include "resolve/dns.h"
#include "resolve/target.h"
#include "stats/collect.h"
#include "tui/tui.h"

/* Rounds the history keeps: wider than any chart a terminal can show. */
#define VIEW_HISTORY_ROUNDS 1000
/* How often the way back is read again while its answer grows. */
#define VIEW_RETURN_POLL_NS 300000000LL

struct view {
	const struct config *cfg;
	const struct view_sockets *socks;
	struct probe_params prm; /* the resolved target; proto as the view chose */
	struct evloop *loop;
	struct tui *tui;
	struct model_history *history;
	/* Made afresh on reset and protocol switch: */
	struct model_trace *trace;
	struct collect *collect;
	struct dns *dns;
	struct dns *asn; /* -z, -y: origin TXT records */
	struct probe *probe;    /* NULL while paused */
	/* Each engine counts rounds from 0; the history needs them to go on. */
	unsigned long round_base, next_round;
	/* --return-via: the server's trace back, as far as it came. */
	struct retpeer *peer;
	struct model_trace *ret;
	size_t ret_seen; /* retpeer_received when ret was read */
	/* --diagnose's follow-up probes (key `f`): once per trace, one step at a
	 * time on the view's loop while the main trace is paused. */
	enum tui_followup fu_state;
	struct followup_plan fu_plan;
	size_t fu_next;          /* the step running */
	struct probe *fu_probe;  /* its trace; NULL when none runs */
	struct followup_count fu_count;
	struct diag_followup fu; /* the results, read into the verdict */
	bool fu_resume;          /* probe again when they end (not paused) */
};

bool view_wanted(const struct config *cfg, bool stdin_tty, bool stdout_tty, const char **note)
{
	*note = "";
	if (cfg->curses)
		return true;
	if (cfg->output_given)
		return false;
	if (stdin_tty && stdout_tty)
		return true;
	*note = "not a terminal: printing a report instead of the interactive view";
	return false;
}

static int view_on_event(void *ctx, const struct event *ev)
{
	struct view *v = ctx;
	struct event e = *ev;
	e.round += v->round_base;
	if (e.round + 1 > v->next_round)
		v->next_round = e.round + 1;
	if (v->dns && (e.type == EVENT_REPLY || e.type == EVENT_LATE))
		(void)dns_lookup(v->dns, &e.from);
	if (v->asn && (e.type == EVENT_REPLY || e.type == EVENT_LATE))
		(void)dns_lookup(v->asn, &e.from);
	return collect_event(v->collect, &e);
}

static void engine_stop(struct view *v)
{
	probe_free(v->probe);
	v->probe = NULL;
	v->round_base = v->next_round;
}

static int engine_start(struct view *v, char *err, size_t errlen)
{
	struct probe_sockets *s = v->socks->by_proto[v->prm.proto];
	v->probe = probe_setup(s, &v->prm, v->loop, view_on_event, v, err, errlen);
	if (v->probe && probe_start(v->probe) < 0) {
		snprintf(err, errlen, "cannot schedule probes: out of memory");
		engine_stop(v);
	}
	return v->probe ? 0 : -1;
}

static void pipeline_free(struct view *v)
{
	engine_stop(v);
	if (v->tui)
		tui_set_data(v->tui, NULL, NULL); /* it must not read what goes now */
	dns_free(v->dns);
	dns_free(v->asn);
	collect_free(v->collect);
	model_trace_free(v->trace);
	v->dns = NULL;
	v->asn = NULL;
	v->collect = NULL;
	v->trace = NULL;
}

/* A fresh trace, collector and resolver; the history goes on, emptied. */
static int pipeline_new(struct view *v)
{
	char dns_err[128];
	if (!(v->trace = model_trace_new()) || !(v->collect = collect_new(v->trace)) ||
	    collect_add_tap(v->collect, model_history_event, v->history) < 0 ||
	    collect_add_tap(v->collect, tui_event, v->tui) < 0)
		return -1;
	if (v->cfg->probe.flows == 0)
		collect_varying_flows(v->collect);
	run_fill_header(v->trace, v->cfg);
	v->trace->dst_addr = v->prm.dst;
	v->trace->proto = v->prm.proto;
	v->trace->tests = v->prm.cycles;
	if (!v->cfg->no_dns) /* names are a nicety: without them, addresses */
		v->dns = dns_new(v->loop, collect_event, v->collect, NULL, dns_err, sizeof(dns_err));
	const struct dns_params asn_params = { .resolve = asn_resolve_system, .ipinfo = true };
	if (!v->cfg->no_dns && v->cfg->ipinfo) /* -z, -y: origin records, as the report */
		v->asn = dns_new(v->loop, collect_event, v->collect, &asn_params, dns_err, sizeof(dns_err));
	model_history_reset(v->history);
	tui_set_data(v->tui, v->trace, v->history);
	return 0;
}

static int restart(struct view *v, bool probing, char *msg, size_t len)
{
	pipeline_free(v);
	if (pipeline_new(v) < 0) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	return probing ? engine_start(v, msg, len) : 0;
}

static int hook_pause(void *ctx, bool paused, char *msg, size_t len)
{
	struct view *v = ctx;
	if (v->fu_probe) { /* the follow-up has the sockets: the choice waits */
		v->fu_resume = !paused;
		return 0;
	}
	if (paused) {
		engine_stop(v);
		return 0;
	}
	return engine_start(v, msg, len);
}

/* A new trace gets its own follow-ups. */
static void followup_forget(struct view *v)
{
	if (v->fu_state == TUI_FOLLOWUP_OFF)
		return;
	v->fu_state = TUI_FOLLOWUP_IDLE;
	tui_set_followup(v->tui, v->fu_state, NULL);
}

static bool followup_busy(const struct view *v, char *msg, size_t len)
{
	if (v->fu_probe)
		snprintf(msg, len, "wait for the follow-up probes to end");
	return v->fu_probe != NULL;
}

static int hook_reset(void *ctx, char *msg, size_t len)
{
	struct view *v = ctx;
	if (followup_busy(v, msg, len))
		return -1;
	followup_forget(v);
	return restart(v, v->probe != NULL, msg, len);
}

/* The port -P gave belongs to the protocol it was given for; TCP elsewhere
 * gets mtr's 80, UDP the engine's choice. */
static unsigned port_for(const struct config *cfg, enum model_proto p)
{
	if (p == cfg->probe.proto)
		return cfg->probe.port;
	return p == MODEL_PROTO_TCP ? OPTS_TCP_PORT : 0;
}

static int hook_proto(void *ctx, enum model_proto p, char *msg, size_t len)
{
	static const char *const names[] = { "ICMP", "UDP", "TCP" };
	struct view *v = ctx;
	if (followup_busy(v, msg, len))
		return -1;
	if (!v->socks->by_proto[p]) {
		snprintf(msg, len, "cannot probe with %s: its sockets could not be opened", names[p]);
		return -1;
	}
	v->prm.proto = p;
	v->prm.port = port_for(v->cfg, p);
	followup_forget(v);
	return restart(v, v->probe != NULL, msg, len);
}

/* What the follow-ups found, once they ran; NULL before. */
static const struct diag_followup *followup_results(const struct view *v)
{
	return v->fu_state == TUI_FOLLOWUP_DONE ? &v->fu : NULL;
}

/* Key `e`: the text and HTML exports of the run so far, as WinMTR's Export
 * buttons, into the current directory under the host's name and the time. */
static void hook_export(void *ctx, char *msg, size_t len)
{
	struct view *v = ctx;
	struct render_opts ropts;
	run_fill_render_opts(&ropts, v->cfg);
	struct finding_list findings;
	finding_list_init(&findings);
	if (diag_trace_followup(v->trace, followup_results(v), &findings) != 0) {
		snprintf(msg, len, "export: out of memory");
	} else {
		const struct export_input in = { v->trace, &ropts, v->history, &findings, "a live run" };
		time_t now = time(NULL);
		char base[300];
		/* the short form fits an 80-column line: the full paths do not */
		if (export_write_both(&in, v->cfg->probe.target, now, NULL, msg, len) == 0)
			snprintf(msg, len, "exported %s.txt and .html here",
			         export_base_name(v->cfg->probe.target, now, base, sizeof(base)));
	}
	finding_list_free(&findings);
}

/* ---- --diagnose's follow-up probes (key `f`) ---- */

static int followup_step_start(struct view *v, char *err, size_t errlen)
{
	const struct followup_step *st = &v->fu_plan.step[v->fu_next];
	followup_count_init(&v->fu_count, v->trace);
	v->fu_probe = probe_setup(st->socks, &st->params, v->loop, followup_count_event,
	                          &v->fu_count, err, errlen);
	if (v->fu_probe && probe_start(v->fu_probe) < 0) {
		probe_free(v->fu_probe);
		v->fu_probe = NULL;
	}
	return v->fu_probe ? 0 : -1;
}

/* The results into the verdict, and the main trace goes on unless the user
 * paused it meanwhile. */
static void followup_end(struct view *v)
{
	char ignored[TUI_HOOK_MSG_MAX];
	followup_finish(&v->fu);
	v->fu_state = TUI_FOLLOWUP_DONE;
	tui_set_followup(v->tui, v->fu_state, &v->fu);
	if (v->fu_resume)
		(void)engine_start(v, ignored, sizeof(ignored));
}

/* Called when the loop stopped: true when it was the follow-up step's
 * trace ending (the next one started, or all ended): the loop goes on. */
static bool followup_step_done(struct view *v)
{
	if (!v->fu_probe || !probe_done(v->fu_probe))
		return false;
	if (probe_status(v->fu_probe) == 0)
		followup_record(&v->fu_plan.step[v->fu_next], &v->fu_count, &v->fu);
	probe_free(v->fu_probe);
	v->fu_probe = NULL;
	char ignored[TUI_HOOK_MSG_MAX];
	while (++v->fu_next < v->fu_plan.n)
		if (followup_step_start(v, ignored, sizeof(ignored)) == 0)
			return true;
	followup_end(v);
	return true;
}

static int hook_followup(void *ctx, char *msg, size_t len)
{
	struct view *v = ctx;
	if (v->fu_state == TUI_FOLLOWUP_OFF)
		return snprintf(msg, len, "follow-up probes need --diagnose (without --no-follow-up)"), -1;
	if (followup_busy(v, msg, len))
		return -1;
	if (v->fu_state == TUI_FOLLOWUP_DONE)
		return snprintf(msg, len, "the follow-up probes ran already (r starts afresh)"), -1;
	struct finding_list main;
	finding_list_init(&main);
	int rc = diag_trace(v->trace, &main);
	if (rc == 0)
		followup_plan(v->cfg, v->socks, v->trace, &main, &v->fu_plan);
	finding_list_free(&main);
	if (rc != 0 || v->fu_plan.n == 0)
		return snprintf(msg, len, "no finding now that a follow-up can settle"), -1;
	v->fu_resume = v->probe != NULL;
	engine_stop(v);
	memset(&v->fu, 0, sizeof(v->fu));
	for (v->fu_next = 0; v->fu_next < v->fu_plan.n; v->fu_next++)
		if (followup_step_start(v, msg, len) == 0)
			break;
	if (!v->fu_probe) {
		followup_end(v);
		return -1;
	}
	v->fu_state = TUI_FOLLOWUP_RUNNING;
	tui_set_followup(v->tui, v->fu_state, NULL);
	snprintf(msg, len, "follow-up probes: %zu short runs", v->fu_plan.n);
	return 0;
}

/* ---- --return-via: the way back as the second table ---- */

static void show_return(struct view *v, struct model_trace *t)
{
	tui_set_return(v->tui, retpeer_label(v->peer), t);
	model_trace_free(v->ret); /* the view reads the new one from now on */
	v->ret = t;
}

static void poll_return(void *ctx)
{
	struct view *v = ctx;
	size_t got = retpeer_received(v->peer);
	struct model_trace *t = got != v->ret_seen ? retpeer_peek_trace(v->peer) : NULL;
	if (got != v->ret_seen)
		v->ret_seen = got;
	if (t)
		show_return(v, t);
	(void)evloop_add_timer(v->loop, evloop_now_ns() + VIEW_RETURN_POLL_NS, poll_return, v);
}

static int return_setup(struct view *v, char *err, size_t errlen)
{
	if (!v->peer)
		return 0;
	if (retpeer_attach(v->peer, v->loop) < 0 ||
	    !evloop_add_timer(v->loop, evloop_now_ns() + VIEW_RETURN_POLL_NS, poll_return, v)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	tui_set_return(v->tui, retpeer_label(v->peer), NULL);
	return 0;
}

/* When the outbound rounds are done, the view stays until the way back is
 * too (or `q`, or a stop signal). */
static void wait_return(struct view *v, const volatile sig_atomic_t *stop)
{
	if (v->peer && !tui_quit(v->tui))
		retpeer_wait(v->peer, v->loop, stop);
}

/* The combined verdict (R10) once the view is gone; a way back that failed
 * comes back as the run's error, after the outbound verdict. */
static int print_pair(struct view *v, char *err, size_t errlen)
{
	char ret_err[512] = "";
	struct model_trace *ret = retpeer_take_trace(v->peer, ret_err, sizeof(ret_err));
	struct finding_list l, host;
	finding_list_init(&l);
	finding_list_init(&host);
	struct sink *out = sink_new_file(stdout);
	int rc = out && diag_pair(v->trace, ret, &l) == 0 ? 0 : -1;
	if (rc == 0 && ret && retpeer_host_findings(v->peer, &host) > 0)
		rc = diag_host_server(&host, v->trace, &l);
	if (rc == 0)
		rc = render_findings(&l, out);
	sink_free(out);
	finding_list_free(&host);
	finding_list_free(&l);
	model_trace_free(ret);
	if (rc < 0)
		snprintf(err, errlen, "cannot write the output");
	else if (ret_err[0])
		snprintf(err, errlen, "return trace: %s", ret_err);
	return rc < 0 || ret_err[0] ? -1 : 0;
}

static int view_setup(struct view *v, char *err, size_t errlen)
{
	v->prm = v->cfg->probe;
	v->prm.cycles = v->cfg->cycles_given ? v->cfg->probe.cycles : 0; /* mtr: until q */
	struct probe_sockets *s = v->socks->by_proto[v->prm.proto];
	if (target_resolve(v->prm.target, v->prm.family, run_usable_families(s), &v->prm.dst, err,
	                   errlen) < 0)
		return -1;
	v->loop = evloop_new();
	v->history = model_history_new(VIEW_HISTORY_ROUNDS);
	if (!v->loop || !v->history) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct tui_config tc = { .fields = v->cfg->fields, .want_names = !v->cfg->no_dns,
		                 .show_ips = v->cfg->show_ips, .mpls = v->cfg->mpls, .ipinfo = v->cfg->ipinfo,
		                 .ipinfo_field = v->cfg->ipinfo_field, .proto = v->prm.proto,
		                 .mode = v->cfg->displaymode };
	struct tui_hooks hooks = { .ctx = v, .pause = hook_pause, .reset = hook_reset,
		                   .proto = hook_proto, .export_run = hook_export,
		                   .followup = hook_followup };
	if (!(v->tui = tui_new(v->loop, &tc, &hooks, err, errlen)))
		return -1;
	if (pipeline_new(v) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* With two directions the verdict is the pair's: no follow-ups there. */
	if (followup_wanted(v->cfg) && !v->peer) {
		v->fu_state = TUI_FOLLOWUP_IDLE;
		tui_set_followup(v->tui, v->fu_state, NULL);
	}
	if (return_setup(v, err, errlen) < 0)
		return -1;
	return engine_start(v, err, errlen);
}

static void view_teardown(struct view *v)
{
	probe_free(v->fu_probe);
	pipeline_free(v);
	tui_free(v->tui);
	model_history_free(v->history);
	evloop_free(v->loop);
	model_trace_free(v->ret);
}

static int print_verdict(const struct model_trace *t, const struct diag_followup *fu)
{
	struct finding_list l;
	finding_list_init(&l);
	struct sink *out = sink_new_file(stdout);
	int rc = out && diag_trace_followup(t, fu, &l) == 0 ? render_findings(&l, out) : -1;
	sink_free(out);
	finding_list_free(&l);
	return rc;
}

/* Until q, a stop signal or the last round; a follow-up step's trace
 * stopping the loop when it ends is not the view's end. */
static int view_loop(struct view *v, const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	if (stop)
		evloop_watch_flag(v->loop, stop);
	int loop_rc;
	while ((loop_rc = evloop_run(v->loop)) == 0 && !tui_quit(v->tui) && !(stop && *stop) &&
	       followup_step_done(v))
		;
	if (loop_rc < 0)
		return snprintf(err, errlen, "event loop failed"), -1;
	if (v->probe && probe_status(v->probe) < 0)
		return snprintf(err, errlen, "%s", probe_error(v->probe)), -1;
	wait_return(v, stop);
	return 0;
}

int view_run(const struct config *cfg, const struct view_sockets *socks, struct retpeer *peer,
             const volatile sig_atomic_t *stop, bool *quit, char *err, size_t errlen)
{
	struct view v = { .cfg = cfg, .socks = socks, .peer = peer };
	int rc = view_setup(&v, err, errlen);
	if (rc == 0)
		rc = view_loop(&v, stop, err, errlen);
	*quit = v.tui && tui_quit(v.tui);
	tui_free(v.tui); /* the terminal back before anything is printed */
	v.tui = NULL;
	if (rc == 0 && peer && v.trace)
		rc = print_pair(&v, err, errlen);
	else if (rc == 0 && *quit && cfg->diagnose && print_verdict(v.trace, followup_results(&v)) < 0) {
		snprintf(err, errlen, "cannot write the output");
		rc = -1;
	}
	/* --export-text/--export-html: written when the view ends, as a report run's */
	char export_err[EXPORT_MSG_MAX];
	if (v.trace &&
	    run_export(cfg, v.trace, v.history, followup_results(&v), export_err, sizeof(export_err)) < 0 &&
	    rc == 0) {
		snprintf(err, errlen, "%s", export_err);
		rc = -1;
	}
	view_teardown(&v);
	return rc;
}
