/* render_golden: renders a model (NAME.model) or replays engine events
 * through the collector (NAME.events) in one output format, for the golden
 * tests in tests/golden/render/. The file formats are in
 * tests/golden/render/README.md.
 *
 * usage: render_golden FORMAT [wide] [names] [ips] [fields=LETTERS]
 *                      [mtr-keys] [diagnosis] [clients] FILE
 * FORMAT: report json csv xml raw split, or analysis-text analysis-json
 * analysis-summary (every trace of the file), or export-text export-html
 * (the exports; the HTML page's history comes from the .model's `sample`
 * lines or the .events replayed), or prom (the Prometheus exposition of
 * every trace, each with its diagnosis); '_' in LETTERS stands for a space. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sink.h"
#include "diag/diag.h"
#include "model/field.h"
#include "model/finding.h"
#include "model/history.h"
#include "model/model.h"
#include "render/render.h"
#include "render/render_analysis.h"
#include "render/render_html.h"
#include "render/render_prom.h"
#include "render/render_winmtr.h"
#include "render/render_raw.h"
#include "render/render_split.h"
#include "golden_events.h"
#include "stats/collect.h"

#define LINE_MAX_LEN 4096
#define MAX_TRACES 8 /* analysis-* formats: the traces of one analysis */
#define HISTORY_ROUNDS 1000

struct golden {
	const char *format;
	bool events; /* FILE is an event stream */
	bool mtr_keys;
	bool want_diagnosis;
	char fields[32];
	struct render_opts opts;
	bool clients;  /* analysis-*: --clients rather than outbound/return */
	struct model_trace *t; /* the trace being read: traces[n_traces - 1] */
	struct model_trace *traces[MAX_TRACES];
	char names[MAX_TRACES][64];
	size_t n_traces;
	bool named;    /* a "trace" line named traces[0] */
	struct collect *collect;
	struct finding_list findings;
	struct render_raw *raw;
	struct render_split *split;
	struct model_history *history; /* export-html: NULL without samples */
	unsigned long round;           /* .events: the round being replayed */
	struct sink *out;
};

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "render_golden: %s: %s\n", what, arg);
	return -1;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE)
		return fail("bad number", s);
	*out = v;
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || *end || errno == ERANGE || v > max || s[0] == '-')
		return fail("bad count", s);
	*out = v;
	return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
	unsigned long v;
	if (parse_ulong(s, max, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_ttl(const char *s, struct model_trace *t, struct model_hop **h)
{
	unsigned ttl;
	if (!s || parse_uint(s, MODEL_MAX_HOPS, &ttl) != 0 || !(*h = model_trace_hop(t, ttl)))
		return fail("bad ttl", s ? s : "(none)");
	return 0;
}

/* The optional figures a key brings, as an importer would mark them. */
static unsigned key_has(const char *key)
{
	static const struct {
		const char *key;
		unsigned has;
	} bits[] = { { "recv", MODEL_HAS_RECV }, { "drop", MODEL_HAS_DROP }, { "last", MODEL_HAS_LAST },
		     { "stdev", MODEL_HAS_STDEV }, { "gmean", MODEL_HAS_GMEAN }, { "jttr", MODEL_HAS_JITTER },
		     { "javg", MODEL_HAS_JITTER }, { "jmax", MODEL_HAS_JITTER }, { "jint", MODEL_HAS_JITTER } };
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (strcmp(key, bits[i].key) == 0)
			return bits[i].has;
	return 0;
}

/* "key=value" of a hop line. */
static int hop_key(struct model_hop *h, const char *key, const char *val)
{
	h->has |= key_has(key);
	static const char *const reals[] = { "loss", "last", "avg", "best", "wrst", "stdev",
					     "gmean", "jttr", "javg", "jmax", "jint" };
	double *const slots[] = { &h->loss_pct, &h->last, &h->avg, &h->best, &h->wrst, &h->stdev,
				  &h->gmean, &h->jttr, &h->javg, &h->jmax, &h->jint };
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		if (strcmp(key, reals[i]) == 0)
			return parse_double(val, slots[i]);
	static const char *const counts[] = { "snt", "recv", "drop", "late" };
	unsigned long *const cslots[] = { &h->snt, &h->recv, &h->drop, &h->late };
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		if (strcmp(key, counts[i]) == 0)
			return parse_ulong(val, 1000000000ul, cslots[i]);
	if (strcmp(key, "has") == 0)
		return parse_uint(val, 0xff, &h->has);
	return fail("unknown hop key", key);
}

static int split_key(char *tok, char **val)
{
	char *eq = strchr(tok, '=');
	if (!eq)
		return fail("expected key=value", tok);
	*eq = '\0';
	*val = eq + 1;
	return 0;
}

static int parse_hop(struct model_trace *t, char *rest)
{
	struct model_hop *h;
	char *save;
	if (parse_ttl(strtok_r(rest, " ", &save), t, &h) != 0)
		return -1;
	for (char *tok; (tok = strtok_r(NULL, " ", &save));) {
		char *val;
		if (split_key(tok, &val) != 0 || hop_key(h, tok, val) != 0)
			return -1;
	}
	return 0;
}

static int resp_key(struct model_hop *h, struct model_responder *r, char *tok)
{
	char *val;
	if (strcmp(tok, "latest") == 0) {
		h->latest = (unsigned)(r - h->resp);
		return 0;
	}
	if (strcmp(tok, "nat") == 0) {
		r->nat = true;
		return 0;
	}
	if (split_key(tok, &val) != 0)
		return -1;
	if (strcmp(tok, "replies") == 0)
		return parse_ulong(val, 1000000000ul, &r->replies);
	if (strcmp(tok, "asn") == 0)
		return parse_uint(val, 0xffffffffu, &r->asn) ;
	if (strcmp(tok, "name") == 0) {
		snprintf(r->name, sizeof(r->name), "%s", val);
		return 0;
	}
	return fail("unknown responder key", tok);
}

static int parse_resp(struct model_trace *t, char *rest)
{
	struct model_hop *h;
	char *save;
	if (parse_ttl(strtok_r(rest, " ", &save), t, &h) != 0)
		return -1;
	char *host = strtok_r(NULL, " ", &save);
	struct model_responder *r = host ? model_hop_responder_text(h, host) : NULL;
	if (!r)
		return fail("bad responder", host ? host : "(none)");
	for (char *tok; (tok = strtok_r(NULL, " ", &save));)
		if (resp_key(h, r, tok) != 0)
			return -1;
	return 0;
}

static int parse_mpls(struct model_trace *t, char *rest)
{
	struct model_hop *h;
	char *save;
	if (parse_ttl(strtok_r(rest, " ", &save), t, &h) != 0 || !h->n_resp)
		return fail("mpls needs a responder", rest);
	struct model_responder *r = &h->resp[h->n_resp - 1];
	if (r->n_mpls >= MODEL_MAX_MPLS)
		return fail("too many labels", rest);
	unsigned v[4];
	for (int i = 0; i < 4; i++) {
		const char *tok = strtok_r(NULL, " ", &save);
		if (!tok || parse_uint(tok, i ? 255 : 0xfffff, &v[i]) != 0)
			return fail("mpls: label tc s ttl", rest);
	}
	r->mpls[r->n_mpls++] = (struct model_mpls){ v[0], (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3] };
	return 0;
}

/* "ipinfo TTL TXT": the hop's last responder's origin TXT record. */
static int parse_ipinfo(struct model_trace *t, char *rest)
{
	struct model_hop *h;
	char *sp = strchr(rest, ' ');
	if (sp)
		*sp = '\0';
	if (!sp || parse_ttl(rest, t, &h) != 0 || !h->n_resp)
		return fail("ipinfo needs TTL TXT and a responder", rest);
	struct model_responder *r = &h->resp[h->n_resp - 1];
	snprintf(r->ipinfo, sizeof(r->ipinfo), "%s", sp + 1);
	r->asn = model_ipinfo_asn(r->ipinfo);
	return 0;
}

static int name_index(const char *name, const char *(*fn)(unsigned), unsigned *out)
{
	for (unsigned i = 0; i < 16; i++)
		if (strcmp(fn(i), name) == 0) {
			*out = i;
			return 0;
		}
	return fail("unknown name", name);
}

static const char *kind_name(unsigned i) { return finding_kind_name((enum finding_kind)i); }
static const char *severity_name(unsigned i) { return finding_severity_name((enum finding_severity)i); }
static const char *segment_name(unsigned i) { return finding_segment_name((enum finding_segment)i); }
static const char *direction_name(unsigned i) { return finding_direction_name((enum finding_direction)i); }

static int parse_figure(const char *s, double *out)
{
	if (s && strcmp(s, "-") == 0) {
		*out = NAN;
		return 0;
	}
	return s ? parse_double(s, out) : fail("missing figure", "");
}

static int parse_hops_list(char *s, struct finding *f)
{
	char *save;
	for (char *tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (f->n_hops >= FINDING_MAX_HOPS || parse_uint(tok, MODEL_MAX_HOPS, &f->hops[f->n_hops++]) != 0)
			return -1;
	return 0;
}

/* "summary | evidence | advice", each trimmed; f's texts point into texts
 * until finding_list_add copies them. */
static void parse_texts(char *texts, struct finding *f)
{
	char **parts[3] = { &f->summary, &f->evidence, &f->advice };
	for (int i = 0; i < 3 && texts; i++) {
		char *bar = strchr(texts, '|');
		if (bar)
			*bar++ = '\0';
		while (*texts == ' ')
			texts++;
		size_t n = strlen(texts);
		while (n && texts[n - 1] == ' ')
			texts[--n] = '\0';
		*parts[i] = texts;
		texts = bar;
	}
}

/* finding KIND SEVERITY SEGMENT DIRECTION HOP HOPS LOSS LATENCY | summary | evidence | advice */
static int parse_finding(struct finding_list *l, char *rest)
{
	struct finding f = { 0 };
	char *texts = strchr(rest, '|');
	if (!texts)
		return fail("finding needs | summary | evidence | advice", rest);
	*texts++ = '\0';
	char *save, *tok[8];
	for (int i = 0; i < 8; i++)
		if (!(tok[i] = strtok_r(i ? NULL : rest, " ", &save)))
			return fail("finding: too few fields", "");
	unsigned k, sev, seg, dir;
	if (name_index(tok[0], kind_name, &k) || name_index(tok[1], severity_name, &sev) ||
	    name_index(tok[2], segment_name, &seg) || name_index(tok[3], direction_name, &dir) ||
	    parse_uint(tok[4], MODEL_MAX_HOPS, &f.hop) || parse_hops_list(tok[5], &f) ||
	    parse_figure(tok[6], &f.loss_pct) || parse_figure(tok[7], &f.latency_ms))
		return -1;
	f.kind = (enum finding_kind)k;
	f.severity = (enum finding_severity)sev;
	f.segment = (enum finding_segment)seg;
	f.direction = (enum finding_direction)dir;
	parse_texts(texts, &f);
	return finding_list_add(l, &f) ? 0 : fail("out of memory", "");
}

static int parse_header(struct model_trace *t, const char *key, char *rest, bool *done)
{
	*done = true;
	if (strcmp(key, "src") == 0)
		snprintf(t->src, sizeof(t->src), "%s", rest);
	else if (strcmp(key, "dst") == 0)
		snprintf(t->dst, sizeof(t->dst), "%s", rest);
	else if (strcmp(key, "start") == 0) {
		unsigned long v;
		if (parse_ulong(rest, 0xffffffffffUL, &v) != 0)
			return -1;
		t->start_time = (int64_t)v;
	} else if (strcmp(key, "report") == 0) {
		unsigned long v;
		if (parse_ulong(rest, 0xffffffffffUL, &v) != 0)
			return -1;
		t->report_time = (int64_t)v;
	} else if (strcmp(key, "tos") == 0)
		return parse_uint(rest, 255, (unsigned *)&t->tos);
	else if (strcmp(key, "psize") == 0)
		return parse_uint(rest, 65535, &t->psize);
	else if (strcmp(key, "bitpattern") == 0)
		return parse_uint(rest, 255, (unsigned *)&t->bitpattern);
	else if (strcmp(key, "tests") == 0)
		return parse_ulong(rest, 1000000000ul, &t->tests);
	else
		*done = false;
	return 0;
}

static struct model_history *history_of(struct golden *g)
{
	if (!g->history)
		g->history = model_history_new(HISTORY_ROUNDS);
	return g->history;
}

/* "sample TTL ROUND RTT_MS|lost": one round's outcome at a hop. */
static int parse_sample(struct golden *g, char *rest)
{
	char *save, *ttl = strtok_r(rest, " ", &save), *round = strtok_r(NULL, " ", &save);
	char *value = strtok_r(NULL, " ", &save);
	unsigned t;
	unsigned long r;
	double ms = -1;
	if (!ttl || !round || !value || parse_uint(ttl, MODEL_MAX_HOPS, &t) != 0 ||
	    parse_ulong(round, 1000000000ul, &r) != 0 ||
	    (strcmp(value, "lost") != 0 && parse_double(value, &ms) != 0))
		return fail("sample needs TTL ROUND RTT_MS|lost", "");
	if (!history_of(g) || model_history_note(g->history, t, r, ms) != 0)
		return fail("cannot note sample", ttl);
	return 0;
}

/* Replayed events carry the round they belong to, as the engine's do: the
 * rounds after "round N" are N + 1. */
static int replay_event(struct golden *g, struct event *ev)
{
	if (ev->type == EVENT_ROUND_END)
		g->round = ev->round + 1;
	else
		ev->round = g->round;
	if (g->history && model_history_event(g->history, ev) != 0)
		return fail("cannot note event", "");
	return collect_event(g->collect, ev);
}

/* "trace NAME": names the trace the lines before it filled, or, after the
 * first, starts the next one. */
static int start_trace(struct golden *g, const char *name)
{
	if (g->named) {
		if (g->n_traces == MAX_TRACES)
			return fail("too many traces", name);
		if (!(g->t = model_trace_new()))
			return fail("out of memory", name);
		g->traces[g->n_traces++] = g->t;
	}
	g->named = true;
	snprintf(g->names[g->n_traces - 1], sizeof(g->names[0]), "%s", name);
	return 0;
}

static int parse_line(struct golden *g, char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	char *rest = strchr(line, ' ');
	rest = rest ? (*rest = '\0', rest + 1) : line + strlen(line);
	bool done;
	if (parse_header(g->t, line, rest, &done) != 0 || done)
		return done ? 0 : -1;
	if (strcmp(line, "finding") == 0)
		return parse_finding(&g->findings, rest);
	if (strcmp(line, "trace") == 0 && !g->events)
		return start_trace(g, rest);
	if (!g->events) {
		if (strcmp(line, "hop") == 0)
			return parse_hop(g->t, rest);
		if (strcmp(line, "resp") == 0)
			return parse_resp(g->t, rest);
		if (strcmp(line, "mpls") == 0)
			return parse_mpls(g->t, rest);
		if (strcmp(line, "ipinfo") == 0)
			return parse_ipinfo(g->t, rest);
		if (strcmp(line, "sample") == 0)
			return parse_sample(g, rest);
		return fail("unknown line", line);
	}
	struct event ev;
	int rc = golden_events_parse(line, rest, &ev);
	if (rc != 0)
		return rc < 0 ? -1 : fail("unknown line", line);
	return replay_event(g, &ev);
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

static int parse_arg(struct golden *g, const char *arg)
{
	if (strcmp(arg, "wide") == 0)
		g->opts.wide = true;
	else if (strcmp(arg, "names") == 0)
		g->opts.want_names = true;
	else if (strcmp(arg, "ips") == 0)
		g->opts.show_ips = true;
	else if (strcmp(arg, "mpls") == 0)
		g->opts.mpls = true;
	else if (strncmp(arg, "ipinfo=", 7) == 0) {
		unsigned v;
		if (parse_uint(arg + 7, MODEL_IPINFO_FIELDS - 1, &v) != 0)
			return fail("ipinfo=0..4", arg);
		g->opts.ipinfo = true;
		g->opts.ipinfo_field = v;
	}
	else if (strcmp(arg, "mtr-keys") == 0)
		g->mtr_keys = true;
	else if (strcmp(arg, "diagnosis") == 0)
		g->want_diagnosis = true;
	else if (strcmp(arg, "clients") == 0)
		g->clients = true;
	else if (strncmp(arg, "fields=", 7) == 0) {
		snprintf(g->fields, sizeof(g->fields), "%s", arg + 7);
		for (char *c = g->fields; *c; c++)
			*c = *c == '_' ? ' ' : *c;
		g->opts.fields = g->fields;
	} else
		return fail("unknown option", arg);
	return 0;
}

static int setup_streams(struct golden *g)
{
	g->collect = collect_new(g->t);
	if (!g->collect)
		return fail("out of memory", "");
	if (strcmp(g->format, "raw") == 0) {
		g->raw = render_raw_new(g->out);
		if (g->raw)
			render_raw_set_mpls(g->raw, g->opts.mpls);
		return g->raw ? collect_add_tap(g->collect, render_raw_event, g->raw) : -1;
	}
	if (strcmp(g->format, "split") == 0) {
		g->split = render_split_new(g->out, g->t, &g->opts);
		return g->split ? collect_add_tap(g->collect, render_split_event, g->split) : -1;
	}
	if (strcmp(g->format, "export-html") == 0 && !history_of(g))
		return fail("out of memory", "");
	return 0;
}

/* mtr's own keys only, as in the mtr samples: hopdoc's additions go, except
 * those the -o letters asked for under mtr's title. */
static void strip_extras(json_t *root, const char *fields)
{
	size_t n;
	const struct field *f = field_table(&n);
	json_t *hubs = json_object_get(json_object_get(root, "report"), "hubs");
	size_t i;
	json_t *hub;
	json_array_foreach(hubs, i, hub) {
		json_object_del(hub, "hosts");
		for (size_t k = 0; k < n; k++) {
			bool asked = f[k].letter && strchr(fields, f[k].letter) &&
				     strcmp(f[k].title, f[k].extra_key ? f[k].extra_key : "") == 0;
			if (f[k].extra_key && !asked)
				json_object_del(hub, f[k].extra_key);
		}
	}
}

/* JSON through the public renderer; for mtr-keys it is read back, stripped
 * and written as render_json writes (mtr's 4-space indent, 5 digits). */
static int render_json_golden(struct golden *g)
{
	if (!g->mtr_keys)
		return render_for(RENDER_JSON)(g->t, &g->opts, g->out);
	struct sink *buf = sink_new_buffer();
	int rc = buf ? render_for(RENDER_JSON)(g->t, &g->opts, buf) : -1;
	json_t *root = rc == 0 ? json_loads(sink_buffer(buf, NULL), 0, NULL) : NULL;
	sink_free(buf);
	if (!root)
		return fail("JSON", "cannot render or read back");
	strip_extras(root, g->opts.fields ? g->opts.fields : FIELD_DEFAULT);
	char *text = json_dumps(root, JSON_INDENT(4) | JSON_REAL_PRECISION(5));
	json_decref(root);
	rc = text ? sink_printf(g->out, "%s\n", text) : -1;
	free(text);
	return rc;
}

/* analysis-text, analysis-json, analysis-summary: every trace of the file,
 * with its findings. */
static int render_analysis_golden(struct golden *g, const char *kind)
{
	const char *names[MAX_TRACES];
	for (size_t i = 0; i < g->n_traces; i++)
		names[i] = g->names[i];
	struct render_analysis a = {
		.mode = g->clients ? RENDER_ANALYSIS_CLIENTS : RENDER_ANALYSIS_PAIR,
		.traces = (const struct model_trace *const *)g->traces,
		.names = names,
		.n = g->n_traces,
		.findings = &g->findings,
	};
	if (strcmp(kind, "text") == 0)
		return render_analysis_text(&a, g->out);
	if (strcmp(kind, "json") == 0)
		return render_analysis_json(&a, g->out);
	if (strcmp(kind, "summary") == 0)
		return render_analysis_summary(&a, g->out);
	return fail("unknown format", g->format);
}

/* The page as the CLI writes it: the file's findings stand for the
 * diagnosis (with `diagnosis`), the history for the live run. */
static int render_html_golden(struct golden *g)
{
	struct render_html_page p = {
		.trace = g->t,
		.opts = &g->opts,
		.history = g->history,
		.findings = g->want_diagnosis ? &g->findings : NULL,
		.source = g->history ? "a live run" : "a report",
	};
	return render_html(&p, g->out);
}

/* prom: every trace of the file as one endpoint shows them (the monitor's
 * many targets), each with the diagnosis the rules make of it, or the
 * file's findings for the first trace with `diagnosis`. */
static int render_prom_golden(struct golden *g)
{
	struct render_prom_target t[MAX_TRACES];
	struct finding_list made[MAX_TRACES];
	int rc = 0;
	for (size_t i = 0; i < g->n_traces; i++) {
		finding_list_init(&made[i]);
		if (diag_trace(g->traces[i], &made[i]) != 0)
			rc = fail("out of memory", "diag_trace");
		bool file = i == 0 && g->want_diagnosis;
		t[i] = (struct render_prom_target){ .target = g->named ? g->names[i] : NULL,
			                            .trace = g->traces[i],
			                            .findings = file ? &g->findings : &made[i] };
	}
	if (rc == 0)
		rc = render_prom(t, g->n_traces, g->out);
	for (size_t i = 0; i < g->n_traces; i++)
		finding_list_free(&made[i]);
	return rc;
}

static int render_final(struct golden *g)
{
	static const struct {
		const char *name;
		enum render_format out;
	} formats[] = { { "report", RENDER_REPORT }, { "csv", RENDER_CSV }, { "xml", RENDER_XML } };
	if (g->raw || g->split)
		return 0;
	if (strcmp(g->format, "json") == 0)
		return render_json_golden(g);
	if (strncmp(g->format, "analysis-", 9) == 0)
		return render_analysis_golden(g, g->format + 9);
	if (strcmp(g->format, "export-text") == 0)
		return render_winmtr_text(g->t, &g->opts, g->out);
	if (strcmp(g->format, "export-html") == 0)
		return render_html_golden(g);
	if (strcmp(g->format, "prom") == 0)
		return render_prom_golden(g);
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(g->format, formats[i].name) == 0)
			return render_for(formats[i].out)(g->t, &g->opts, g->out);
	return fail("unknown format", g->format);
}

static int run(struct golden *g, int argc, char **argv)
{
	if (argc < 3)
		return fail("usage", "render_golden FORMAT [options] FILE");
	g->format = argv[1];
	for (int i = 2; i < argc - 1; i++)
		if (parse_arg(g, argv[i]) != 0)
			return -1;
	const char *path = argv[argc - 1];
	size_t n = strlen(path);
	g->events = n > 7 && strcmp(path + n - 7, ".events") == 0;
	if (g->events && setup_streams(g) != 0)
		return -1;
	if (read_file(g, path) != 0)
		return -1;
	if (g->want_diagnosis)
		g->opts.diagnosis = &g->findings;
	if (render_final(g) != 0)
		return -1;
	return sink_error(g->out);
}

int main(int argc, char **argv)
{
	struct golden g = { 0 };
	finding_list_init(&g.findings);
	g.t = g.traces[0] = model_trace_new();
	g.n_traces = 1;
	g.out = sink_new_file(stdout);
	int rc = g.t && g.out ? run(&g, argc, argv) : -1;
	render_raw_free(g.raw);
	render_split_free(g.split);
	collect_free(g.collect);
	model_history_free(g.history);
	for (size_t i = 0; i < g.n_traces; i++)
		model_trace_free(g.traces[i]);
	finding_list_free(&g.findings);
	sink_free(g.out);
	return rc == 0 ? 0 : 1;
}
