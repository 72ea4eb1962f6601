/* pair: the outbound trace, the remote's return trace, one verdict. */
#include "cli/pair.h"

#include <stdbool.h>
#include <string.h>

#include "cli/run.h"
#include "diag/diag.h"
#include "model/finding.h"
#include "render/render_analysis.h"

struct pair {
	const struct config *cfg;
	struct retpeer *peer;
	const volatile sig_atomic_t *stop;
	char ret_err[512]; /* why there is no return trace */
	int server_host;   /* 1: the server's host checks ran, 0: not available */
};

int pair_check(const struct config *cfg, size_t n_targets, bool targets_file, char *err,
               size_t errlen)
{
	const char *why = NULL;
	if (n_targets != 1 || targets_file)
		why = "expects exactly one host (the server)";
	else if (cfg->output != RENDER_REPORT && cfg->output != RENDER_JSON)
		why = "prints a report or -j; other formats are not supported with it";
	else if (cfg->probe.cycles == 0)
		why = "needs a number of cycles (-c), so that both ends stop";
	if (why)
		snprintf(err, errlen, "--return-via %s", why);
	return why ? -1 : 0;
}

static int pair_attach(void *ctx, struct evloop *loop)
{
	struct pair *p = ctx;
	return retpeer_attach(p->peer, loop);
}

static int render_pair(const struct pair *p, const struct model_trace *const *t, size_t n,
                       const struct finding_list *l, struct sink *out)
{
	char outname[300], retname[300];
	snprintf(outname, sizeof(outname), "%s (traced from here)", p->cfg->probe.target);
	snprintf(retname, sizeof(retname), "%s (%s on the server)", retpeer_label(p->peer),
	         retvia_tool_name(retpeer_tool(p->peer)));
	const char *names[2] = { outname, retname };
	struct render_analysis r = {
		.mode = RENDER_ANALYSIS_PAIR, .traces = t, .names = names, .n = n, .findings = l,
	};
	return p->cfg->output == RENDER_JSON ? render_analysis_json(&r, out)
	                                     : render_analysis_text(&r, out);
}

/* R13 on the server: its host-* findings join the combined verdict. */
static int add_server_host(struct pair *p, const struct model_trace *outbound,
                           struct finding_list *l)
{
	struct finding_list host;
	finding_list_init(&host);
	p->server_host = retpeer_host_findings(p->peer, &host);
	int rc = diag_host_server(&host, outbound, l);
	finding_list_free(&host);
	return rc;
}

static bool has_host_finding(const struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].counter[0])
			return true;
	return false;
}

/* The report says what became of the server's own counters. */
static void say_server_host(const struct pair *p, const struct finding_list *l, struct sink *out)
{
	if (!p->server_host)
		sink_printf(out, "\nServer host checks: not available (the server's %s does not "
		                 "sample its counters; hopdoc there does).\n",
		            retvia_tool_name(retpeer_tool(p->peer)));
	else if (!has_host_finding(l))
		sink_puts(out, "\nServer host checks: healthy (its own counters dropped nothing "
		               "over the return trace).\n");
}

static int pair_finish(void *ctx, struct evloop *loop, const struct model_trace *outbound,
                       struct sink *out, char *err, size_t errlen)
{
	struct pair *p = ctx;
	retpeer_wait(p->peer, loop, p->stop);
	struct model_trace *ret = retpeer_take_trace(p->peer, p->ret_err, sizeof(p->ret_err));
	const struct model_trace *t[2] = { outbound, ret };
	struct diag_oneway ow = { .measured = false };
	if (p->stop && *p->stop) /* ^C: no waiting for the stream (retpeer_free ends it) */
		snprintf(ow.why, sizeof(ow.why), "the run was interrupted");
	else
		retpeer_oneway(p->peer, &ow);
	struct finding_list l;
	finding_list_init(&l);
	int rc = diag_pair_oneway(outbound, ret, &ow, &l);
	if (rc == 0 && ret)
		rc = add_server_host(p, outbound, &l);
	if (rc == 0)
		rc = render_pair(p, t, ret ? 2 : 1, &l, out);
	if (rc == 0 && ret && p->cfg->output != RENDER_JSON)
		say_server_host(p, &l, out);
	finding_list_free(&l);
	model_trace_free(ret);
	if (rc < 0 || sink_error(out)) {
		snprintf(err, errlen, "cannot write the output");
		return -1;
	}
	return 0;
}

int pair_run(const struct config *cfg, const struct view_sockets *socks, struct retpeer *peer,
             const volatile sig_atomic_t *stop, FILE *out, char *err, size_t errlen)
{
	struct pair p = { .cfg = cfg, .peer = peer, .stop = stop };
	struct run_hook hook = { .ctx = &p, .attach = pair_attach, .finish = pair_finish };
	if (run_trace_hooked(cfg, socks, stop, out, &hook, err, errlen) < 0)
		return -1;
	if (p.ret_err[0]) {
		snprintf(err, errlen, "return trace: %s", p.ret_err);
		return -1;
	}
	if (retpeer_tool(peer) == RETVIA_TOOL_MTR) /* says which it used */
		fprintf(stderr, "hopdoc: return trace by the server's mtr (hopdoc is not installed "
		                "there); the server's host checks were not available\n");
	return 0;
}
