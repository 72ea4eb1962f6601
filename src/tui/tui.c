#include "tui/tui.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "diag/diag.h"
#include "model/finding.h"
#include "tui/tui_grid.h"
#include "tui/tui_layout.h"
#include "tui/tui_state.h"
#include "tui/tui_term.h"

#define NS_PER_S 1000000000LL
#define PAINT_GAP_NS (NS_PER_S / TUI_MAX_FPS)

struct tui {
	struct evloop *loop;
	struct tui_term *term;
	struct tui_hooks hooks;
	struct tui_state state;
	const struct model_trace *trace;
	const struct model_history *history;
	const char *ret_label;               /* --return-via: two tables */
	const struct model_trace *ret_trace; /* NULL until the first rounds */
	struct finding_list findings;
	bool have_findings;
	enum tui_followup fu_state;
	const struct diag_followup *fu; /* with TUI_FOLLOWUP_DONE */
	struct tui_grid *grid, *shown; /* the next screen and the one painted */
	int winch_fd;                  /* SIGWINCH, read as a file: no handler */
	sigset_t saved_mask;
	bool masked;
	evloop_timer_id paint_timer;
	int64_t last_paint_ns;
	bool writing;                  /* the terminal's fd is watched for room */
	bool quit;
};

static void paint(void *ctx);

static void request_paint(struct tui *v)
{
	if (v->paint_timer)
		return;
	int64_t due = v->last_paint_ns + PAINT_GAP_NS, now = evloop_now_ns();
	v->paint_timer = evloop_add_timer(v->loop, due > now ? due : now, paint, v);
}

static void refresh_findings(struct tui *v)
{
	finding_list_free(&v->findings);
	finding_list_init(&v->findings);
	/* Two directions: the combined verdict (R10) as it stands. */
	const struct diag_followup *fu = v->fu_state == TUI_FOLLOWUP_DONE ? v->fu : NULL;
	v->have_findings = v->trace && (v->ret_label ? diag_pair(v->trace, v->ret_trace, &v->findings)
	                                : fu ? diag_trace_followup(v->trace, fu, &v->findings)
	                                     : diag_trace(v->trace, &v->findings)) == 0;
}

static void on_writable(void *ctx, int fd, unsigned events);

/* Bytes the terminal could not take yet are written when it has room. */
static void flush_term(struct tui *v)
{
	bool more = tui_term_flush(v->term);
	if (more != v->writing) {
		v->writing = more;
		if (more)
			(void)evloop_add_fd(v->loop, STDOUT_FILENO, EVLOOP_WRITE, on_writable, v);
		else
			(void)evloop_del_fd(v->loop, STDOUT_FILENO);
	}
}

static void on_writable(void *ctx, int fd, unsigned events)
{
	(void)fd;
	(void)events;
	flush_term(ctx);
}

static int fit_grids(struct tui *v)
{
	int w, h;
	tui_term_size(v->term, &w, &h);
	if (v->grid && tui_grid_width(v->grid) == w && tui_grid_height(v->grid) == h)
		return 0;
	tui_grid_free(v->grid);
	tui_grid_free(v->shown);
	v->grid = tui_grid_new(w < 1 ? 1 : w, h < 1 ? 1 : h);
	v->shown = tui_grid_new(w < 1 ? 1 : w, h < 1 ? 1 : h);
	return v->grid && v->shown ? 1 : -1;
}

static void clock_text(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	buf[0] = '\0';
	if (localtime_r(&now, &tm))
		strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

static void paint(void *ctx)
{
	struct tui *v = ctx;
	v->paint_timer = 0;
	v->last_paint_ns = evloop_now_ns();
	int fit = fit_grids(v);
	if (fit < 0 || !v->trace)
		return;
	char clock[64];
	clock_text(clock, sizeof(clock));
	struct tui_input in = { .trace = v->trace, .history = v->history,
		                .findings = v->have_findings ? &v->findings : NULL,
		                .rounds_short = diag_rounds_short(v->trace), .clock = clock,
		                .ret_label = v->ret_label, .ret_trace = v->ret_trace,
		                .followup = v->fu_state };
	tui_layout(v->grid, &in, &v->state);
	if (fit == 0 && tui_grid_equal(v->grid, v->shown))
		return; /* nothing changed: not a byte to the terminal */
	if (tui_term_paint(v->term, v->grid) == 0)
		tui_grid_copy(v->shown, v->grid);
	flush_term(v);
}

static void say(struct tui *v, const char *msg)
{
	snprintf(v->state.message, sizeof(v->state.message), "%s", msg);
}

static void do_pause(struct tui *v, bool paused)
{
	char msg[TUI_HOOK_MSG_MAX] = "";
	if (!v->hooks.pause || v->hooks.pause(v->hooks.ctx, paused, msg, sizeof(msg)) < 0) {
		v->state.paused = !paused;
		say(v, msg[0] ? msg : "pausing is not available");
	}
}

static void do_reset(struct tui *v)
{
	char msg[TUI_HOOK_MSG_MAX] = "";
	if (!v->hooks.reset || v->hooks.reset(v->hooks.ctx, msg, sizeof(msg)) < 0)
		say(v, msg[0] ? msg : "reset is not available");
	else
		say(v, "statistics reset");
	refresh_findings(v);
}

static void do_proto(struct tui *v, enum model_proto was)
{
	char msg[TUI_HOOK_MSG_MAX] = "";
	if (!v->hooks.proto || v->hooks.proto(v->hooks.ctx, v->state.proto, msg, sizeof(msg)) < 0) {
		say(v, msg[0] ? msg : "switching protocol is not available");
		v->state.proto = was;
		return;
	}
	snprintf(v->state.message, sizeof(v->state.message), "probing with %s now; statistics reset",
	         tui_proto_name(v->state.proto));
	refresh_findings(v);
}

static void do_export(struct tui *v)
{
	char msg[TUI_HOOK_MSG_MAX] = "";
	if (v->hooks.export_run)
		v->hooks.export_run(v->hooks.ctx, msg, sizeof(msg));
	say(v, msg[0] ? msg : "export is not available");
}

static void do_followup(struct tui *v)
{
	char msg[TUI_HOOK_MSG_MAX] = "";
	if (!v->hooks.followup || v->hooks.followup(v->hooks.ctx, msg, sizeof(msg)) < 0)
		say(v, msg[0] ? msg : "follow-up probes are not available");
	else if (msg[0])
		say(v, msg);
}

static void act(struct tui *v, enum tui_action a, enum model_proto was)
{
	switch (a) {
	case TUI_ACT_QUIT:
		v->quit = true;
		evloop_stop(v->loop);
		return;
	case TUI_ACT_PAUSE:
	case TUI_ACT_RESUME:
		do_pause(v, a == TUI_ACT_PAUSE);
		break;
	case TUI_ACT_RESET:
		do_reset(v);
		break;
	case TUI_ACT_PROTO:
		do_proto(v, was);
		break;
	case TUI_ACT_EXPORT:
		do_export(v);
		break;
	case TUI_ACT_FOLLOWUP:
		do_followup(v);
		break;
	case TUI_ACT_NONE:
		return;
	case TUI_ACT_REDRAW:
		break;
	}
	request_paint(v);
}

static void on_keys(void *ctx, int fd, unsigned events)
{
	struct tui *v = ctx;
	(void)fd;
	(void)events;
	int key;
	while (!v->quit && (key = tui_term_key(v->term)) != -1) {
		enum model_proto was = v->state.proto;
		act(v, tui_state_key(&v->state, key), was);
	}
}

/* A resize reflows at once, outside the paint throttle. */
static void on_winch(void *ctx, int fd, unsigned events)
{
	struct tui *v = ctx;
	struct signalfd_siginfo si;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	if (v->paint_timer)
		evloop_cancel_timer(v->loop, v->paint_timer);
	v->paint_timer = 0;
	paint(v);
}

static int watch_winch(struct tui *v)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	if (pthread_sigmask(SIG_BLOCK, &set, &v->saved_mask) != 0)
		return -1;
	v->masked = true;
	v->winch_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (v->winch_fd < 0)
		return -1;
	return evloop_add_fd(v->loop, v->winch_fd, EVLOOP_READ, on_winch, v);
}

struct tui *tui_new(struct evloop *loop, const struct tui_config *cfg,
                    const struct tui_hooks *hooks, char *err, size_t errlen)
{
	struct tui *v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	v->loop = loop;
	v->winch_fd = -1;
	v->hooks = *hooks;
	finding_list_init(&v->findings);
	tui_state_init(&v->state, cfg->fields, cfg->want_names, cfg->show_ips, cfg->proto, cfg->mode);
	v->state.mpls = cfg->mpls;
	v->state.ipinfo = cfg->ipinfo;
	v->state.ipinfo_field = cfg->ipinfo_field;
	v->term = tui_term_open(STDIN_FILENO, STDOUT_FILENO, err, errlen);
	if (!v->term)
		goto fail;
	if (watch_winch(v) < 0 || evloop_add_fd(loop, STDIN_FILENO, EVLOOP_READ, on_keys, v) < 0) {
		snprintf(err, errlen, "cannot watch the terminal: %s", strerror(errno));
		goto fail;
	}
	return v;
fail:
	tui_free(v);
	return NULL;
}

void tui_free(struct tui *v)
{
	if (!v)
		return;
	if (v->paint_timer)
		evloop_cancel_timer(v->loop, v->paint_timer);
	(void)evloop_del_fd(v->loop, STDIN_FILENO);
	if (v->writing)
		(void)evloop_del_fd(v->loop, STDOUT_FILENO);
	if (v->winch_fd >= 0) {
		(void)evloop_del_fd(v->loop, v->winch_fd);
		close(v->winch_fd);
	}
	tui_term_close(v->term);
	if (v->masked)
		pthread_sigmask(SIG_SETMASK, &v->saved_mask, NULL);
	finding_list_free(&v->findings);
	tui_grid_free(v->grid);
	tui_grid_free(v->shown);
	free(v);
}

void tui_set_data(struct tui *v, const struct model_trace *t, const struct model_history *h)
{
	v->trace = t;
	v->history = h;
	refresh_findings(v);
	request_paint(v);
}

void tui_set_return(struct tui *v, const char *label, const struct model_trace *ret)
{
	v->ret_label = label;
	v->ret_trace = ret;
	refresh_findings(v);
	request_paint(v);
}

void tui_set_followup(struct tui *v, enum tui_followup state, const struct diag_followup *fu)
{
	v->fu_state = state;
	v->fu = fu;
	refresh_findings(v);
	request_paint(v);
}

int tui_event(void *ctx, const struct event *ev)
{
	struct tui *v = ctx;
	if (ev->type == EVENT_ROUND_END)
		refresh_findings(v);
	if (ev->type != EVENT_SENT)
		request_paint(v);
	return 0;
}

bool tui_quit(const struct tui *v)
{
	return v->quit;
}
