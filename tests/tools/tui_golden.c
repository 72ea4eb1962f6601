/* tui_golden: the interactive view's screen, made by the pure layout from
 * engine events replayed through the collector and the history, for the
 * golden tests in tests/golden/tui/ (file format in its README.md).
 *
 * usage: tui_golden [width=N] [height=N] [mode=0..3] [names] [ips] [jitter] [mpls]
 *                   [fields=LETTERS] [scroll=N] [help] [paused] [proto=udp|tcp]
 *                   [keys=KEYS] [nodiag] [ret=FILE|ret=waiting]
 *                   [followup=idle|running|reached|silent] FILE
 * keys= feeds each character to the view state as a key first ('_' for a
 * space, '~' for Enter). ret= adds --return-via's second table (the way
 * back replayed from FILE, a path relative to FILE's folder; "waiting":
 * none yet) and makes the verdict the combined one. The clock is left out. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sink.h"
#include "diag/diag.h"
#include "model/event.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "stats/collect.h"
#include "tui/tui_grid.h"
#include "tui/tui_layout.h"
#include "tui/tui_state.h"
#include "golden_events.h"

#define LINE_MAX_LEN 4096
#define HISTORY_ROUNDS 512

struct golden {
	int width, height;
	unsigned mode, scroll;
	bool names, ips, jitter, help, paused, nodiag, mpls, ipinfo;
	unsigned ipinfo_field;
	enum model_proto proto;
	char fields[32], keys[64], ret[256];
	enum tui_followup followup;
	bool fu_reached; /* followup=reached: TCP answered; followup=silent: nothing did */
	struct model_trace *t;
	struct model_history *h;
	struct collect *c;
	unsigned long round; /* the round events belong to: one past the last ended */
};

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "tui_golden: %s: %s\n", what, arg);
	return -1;
}

static int to_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || errno || v > max || s[0] == '-')
		return fail("bad number", s);
	*out = v;
	return 0;
}

/* followup=idle|running|reached|silent: where the follow-ups stand; the
 * last two are done, with the target's answers to TCP 443 and 80 or none. */
static int followup_opt(struct golden *g, const char *v)
{
	static const char *const names[] = { "idle", "running", "reached", "silent" };
	static const enum tui_followup states[] = { TUI_FOLLOWUP_IDLE, TUI_FOLLOWUP_RUNNING,
		                                    TUI_FOLLOWUP_DONE, TUI_FOLLOWUP_DONE };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0)
			return g->followup = states[i], g->fu_reached = i == 2, 1;
	return 0;
}

/* What the follow-ups of followup=reached|silent heard. */
static void followup_results(const struct golden *g, struct diag_followup *fu)
{
	memset(fu, 0, sizeof(*fu));
	const struct diag_followup_try tries[DIAG_FOLLOWUP_TRIES] = {
		{ MODEL_PROTO_TCP, 443, 3, g->fu_reached ? 3 : 0, g->fu_reached ? 4.1 : NAN },
		{ MODEL_PROTO_TCP, 80, 3, g->fu_reached ? 3 : 0, g->fu_reached ? 4.3 : NAN },
		{ MODEL_PROTO_UDP, 0, 3, 0, NAN },
	};
	for (size_t i = 0; i < DIAG_FOLLOWUP_TRIES; i++)
		fu->target[fu->n_target++] = tries[i];
}

static int flag_opt(struct golden *g, const char *a)
{
	bool *flags[] = { &g->names, &g->ips, &g->jitter, &g->help, &g->paused, &g->nodiag, &g->mpls };
	static const char *const names[] = { "names", "ips", "jitter", "help", "paused", "nodiag", "mpls" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(a, names[i]) == 0)
			return *flags[i] = true, 1;
	if (strcmp(a, "proto=udp") == 0 || strcmp(a, "proto=tcp") == 0)
		return g->proto = a[6] == 'u' ? MODEL_PROTO_UDP : MODEL_PROTO_TCP, 1;
	if (strncmp(a, "ipinfo=", 7) == 0 && a[7] >= '0' && a[7] <= '4' && !a[8])
		return g->ipinfo = true, g->ipinfo_field = (unsigned)(a[7] - '0'), 1;
	if (strncmp(a, "fields=", 7) == 0)
		return snprintf(g->fields, sizeof(g->fields), "%s", a + 7), 1;
	if (strncmp(a, "keys=", 5) == 0)
		return snprintf(g->keys, sizeof(g->keys), "%s", a + 5), 1;
	if (strncmp(a, "followup=", 9) == 0)
		return followup_opt(g, a + 9);
	if (strncmp(a, "ret=", 4) == 0)
		return snprintf(g->ret, sizeof(g->ret), "%s", a + 4), 1;
	return 0;
}

/* width=N height=N mode=N scroll=N */
static int number_opt(struct golden *g, const char *a)
{
	static const struct { const char *key; unsigned long max; } opts[] = {
		{ "width=", 1000 }, { "height=", 1000 }, { "mode=", TUI_N_MODES - 1 }, { "scroll=", 1000 },
	};
	unsigned long v;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		size_t n = strlen(opts[i].key);
		if (strncmp(a, opts[i].key, n) != 0)
			continue;
		if (to_ulong(a + n, opts[i].max, &v) != 0)
			return -1;
		if (i == 0)
			g->width = (int)v;
		else if (i == 1)
			g->height = (int)v;
		else if (i == 2)
			g->mode = (unsigned)v;
		else
			g->scroll = (unsigned)v;
		return 0;
	}
	return fail("unknown argument", a);
}

static int parse_arg(struct golden *g, const char *a)
{
	return flag_opt(g, a) ? 0 : number_opt(g, a);
}

static int parse_header(struct golden *g, const char *key, const char *rest, bool *done)
{
	unsigned long v;
	*done = true;
	if (strcmp(key, "src") == 0)
		return snprintf(g->t->src, sizeof(g->t->src), "%s", rest), 0;
	if (strcmp(key, "dst") == 0) {
		snprintf(g->t->dst, sizeof(g->t->dst), "%s", rest);
		(void)model_addr_parse(rest, &g->t->dst_addr);
		return 0;
	}
	if (strcmp(key, "tests") == 0)
		return to_ulong(rest, 1000000, &v) ? -1 : (g->t->tests = v, 0);
	*done = false;
	return 0;
}

static int feed(struct golden *g, const struct event *ev)
{
	if (collect_event(g->c, ev) != 0 || model_history_event(g->h, ev) != 0)
		return fail("collector failed", "");
	if (ev->type == EVENT_ROUND_END)
		g->round = ev->round + 1;
	return 0;
}

static int parse_event(struct golden *g, const char *key, char *rest)
{
	struct event ev;
	int rc = golden_events_parse(key, rest, &ev);
	if (rc != 0)
		return rc < 0 ? -1 : fail("unknown line", key);
	if (ev.type != EVENT_ROUND_END)
		ev.round = g->round;
	return feed(g, &ev);
}

static int parse_line(struct golden *g, char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	char *rest = strchr(line, ' ');
	rest = rest ? (*rest = '\0', rest + 1) : line + strlen(line);
	bool done;
	if (parse_header(g, line, rest, &done) != 0)
		return -1;
	return done ? 0 : parse_event(g, line, rest);
}

static int read_file(struct golden *g, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail("cannot open", path);
	char line[LINE_MAX_LEN];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f))
		rc = parse_line(g, line);
	fclose(f);
	return rc;
}

static void press_keys(struct tui_state *s, const char *keys)
{
	for (const char *k = keys; *k; k++)
		(void)tui_state_key(s, *k == '_' ? ' ' : *k == '~' ? TUI_KEY_ENTER : *k);
}

/* The way back: FILE next to the outbound one, replayed like it. */
static int read_return(const struct golden *g, const char *file, struct golden *r)
{
	char path[1024];
	const char *slash = strrchr(file, '/');
	int dir = slash ? (int)(slash - file) + 1 : 0;
	snprintf(path, sizeof(path), "%.*s%s", dir, file, g->ret);
	r->t = model_trace_new();
	r->h = model_history_new(HISTORY_ROUNDS);
	r->c = r->t ? collect_new(r->t) : NULL;
	return r->c && r->h ? read_file(r, path) : fail("out of memory", "");
}

static void free_golden(struct golden *g)
{
	collect_free(g->c);
	model_history_free(g->h);
	model_trace_free(g->t);
}

static int render(struct golden *g, const struct golden *r)
{
	struct tui_state s;
	tui_state_init(&s, g->fields, g->names, g->ips, g->proto, g->mode);
	s.jitter = g->jitter, s.mpls = g->mpls, s.ipinfo = g->ipinfo, s.ipinfo_field = g->ipinfo_field, s.help = g->help, s.paused = g->paused, s.scroll = g->scroll;
	press_keys(&s, g->keys);
	struct finding_list l;
	finding_list_init(&l);
	bool two_way = g->ret[0] != '\0';
	struct diag_followup fu;
	followup_results(g, &fu);
	bool done = g->followup == TUI_FOLLOWUP_DONE;
	if (!g->nodiag && (two_way ? diag_pair(g->t, r->t, &l)
	                   : done  ? diag_trace_followup(g->t, &fu, &l)
	                           : diag_trace(g->t, &l)) != 0)
		return fail("diagnosis failed", "");
	struct tui_input in = { .trace = g->t, .history = g->h, .findings = g->nodiag ? NULL : &l,
		                .rounds_short = diag_rounds_short(g->t), .clock = NULL,
		                .ret_label = two_way ? "ssh://server" : NULL, .ret_trace = r->t,
		                .followup = g->followup };
	struct tui_grid *grid = tui_grid_new(g->width, g->height);
	struct sink *out = sink_new_file(stdout);
	int rc = grid && out ? 0 : fail("out of memory", "");
	if (rc == 0) {
		tui_layout(grid, &in, &s);
		rc = tui_grid_print(grid, out);
	}
	sink_free(out);
	tui_grid_free(grid);
	finding_list_free(&l);
	return rc;
}

int main(int argc, char **argv)
{
	struct golden g = { .width = 80, .height = 24, .proto = MODEL_PROTO_ICMP };
	if (argc < 2)
		return fail("usage", "tui_golden [options] FILE"), 2;
	for (int i = 1; i < argc - 1; i++)
		if (parse_arg(&g, argv[i]) != 0)
			return 2;
	g.t = model_trace_new();
	g.h = model_history_new(HISTORY_ROUNDS);
	g.c = g.t ? collect_new(g.t) : NULL;
	struct golden r = { .round = 0 };
	int rc = g.c && g.h ? read_file(&g, argv[argc - 1]) : fail("out of memory", "");
	if (rc == 0 && g.ret[0] && strcmp(g.ret, "waiting") != 0)
		rc = read_return(&g, argv[argc - 1], &r);
	if (rc == 0)
		rc = render(&g, &r);
	free_golden(&g);
	free_golden(&r);
	return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
