/* history_cmd: `hopdoc history` (history_cmd.h). Reads only; probes nothing. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sink.h"
#include "cli/history_cmd.h"
#include "monitor/monitor_db.h"
#include "monitor/monitor_episode.h"
#include "monitor/monitor_html.h"

static const char usage[] =
	"usage: hopdoc history --db FILE [--since 24h] [--target X] [--json | --html OUT.html]\n"
	"Lists the loss, latency and route-change episodes hopdoc monitor recorded.\n";

struct hist_opts {
	const char *db, *target, *html;
	bool json;
	int64_t since_ms;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hopdoc history: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
	return 2;
}

int history_cmd_duration_ms(const char *s, int64_t *ms)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	double unit = 1000;
	if (strcmp(end, "m") == 0)
		unit = 60e3;
	else if (strcmp(end, "h") == 0)
		unit = 3600e3;
	else if (strcmp(end, "d") == 0)
		unit = 86400e3;
	else if (*end && strcmp(end, "s") != 0)
		return -1;
	double total = v * unit;
	if (errno || !isfinite(total) || total < 1000 || total > 10 * 366 * 86400e3)
		return -1;
	*ms = (int64_t)total;
	return 0;
}

void history_cmd_rfc3339(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", date, (int)(ms - (int64_t)s * 1000));
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct hist_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t ms;
		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
			return fputs(usage, stdout), 0;
		if (strcmp(opt, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (!v)
			return usage_error("missing value or unknown option:", opt);
		i++;
		if (strcmp(opt, "--db") == 0)
			o->db = v;
		else if (strcmp(opt, "--target") == 0)
			o->target = v;
		else if (strcmp(opt, "--html") == 0)
			o->html = v;
		else if (strcmp(opt, "--since") == 0 && history_cmd_duration_ms(v, &ms) == 0)
			o->since_ms = now_ms() - ms;
		else
			return usage_error("unknown option or value out of range:", opt);
	}
	if (!o->db)
		return usage_error("--db FILE is required", NULL);
	if (o->json && o->html)
		return usage_error("--json and --html are two outputs: choose one", NULL);
	return -1;
}

struct walk {
	const struct hist_opts *o;
	struct monitor_db *db;
	json_t *episodes;      /* --json */
	struct sink *html;     /* --html */
	int status;
};

static json_t *finding_json(const struct finding *f)
{
	return json_pack("{s:s, s:s, s:I, s:s}", "kind", finding_kind_name(f->kind), "severity",
	                 finding_severity_name(f->severity), "hop", (json_int_t)f->hop, "summary",
	                 f->summary ? f->summary : "");
}

static json_t *episode_json(const char *target, const struct monitor_episode *e)
{
	char start[40], end[40];
	history_cmd_rfc3339(e->start_ms, start, sizeof(start));
	history_cmd_rfc3339(e->end_ms, end, sizeof(end));
	json_t *diag = json_array();
	for (size_t i = 0; diag && i < e->diagnosis.n; i++)
		json_array_append_new(diag, finding_json(&e->diagnosis.items[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:f, s:o}", "target", target, "kind",
	                 monitor_episode_kind_name(e->kind), "start", start, "end", end, "hop",
	                 (json_int_t)e->hop, "size", isfinite(e->size) ? e->size : 0.0,
	                 "diagnosis", diag);
}

static void print_text(const char *target, const struct monitor_episode *e)
{
	char start[40], end[40];
	history_cmd_rfc3339(e->start_ms, start, sizeof(start));
	history_cmd_rfc3339(e->end_ms, end, sizeof(end));
	const struct finding *f = e->diagnosis.n ? &e->diagnosis.items[0] : NULL;
	printf("%-20s %-12s %s  %s  hop %-3u %s: %s\n", target, monitor_episode_kind_name(e->kind),
	       start, end, e->hop, f ? finding_kind_name(f->kind) : "-",
	       f && f->summary ? f->summary : "");
}

static int show_target(void *ctx, int64_t id, const char *name, const char *addr)
{
	struct walk *w = ctx;
	(void)addr;
	if (w->o->target && strcmp(w->o->target, name) != 0)
		return 0;
	struct monitor_round *r;
	struct monitor_episode *e = NULL;
	size_t n, ne = 0;
	char err[300];
	if (monitor_db_rounds(w->db, id, w->o->since_ms, &r, &n, err, sizeof(err)) < 0 ||
	    monitor_episodes(r, n, &e, &ne) < 0) {
		fprintf(stderr, "hopdoc history: %s\n", err);
		w->status = 1;
		free(r);
		return -1;
	}
	for (size_t i = 0; i < ne; i++) {
		if (w->episodes)
			json_array_append_new(w->episodes, episode_json(name, &e[i]));
		else if (!w->html)
			print_text(name, &e[i]);
	}
	if (w->html && monitor_html_target(w->html, name, r, n, e, ne) < 0)
		w->status = 1;
	monitor_episodes_free(e, ne);
	free(r);
	return 0;
}

static int write_json(json_t *episodes)
{
	json_t *root = json_pack("{s:o}", "episodes", episodes);
	if (!root || json_dumpf(root, stdout, JSON_INDENT(2)) < 0)
		return 1;
	fputc('\n', stdout);
	json_decref(root);
	return 0;
}

static int walk_all(struct walk *w)
{
	if (monitor_db_each_target(w->db, show_target, w) < 0 && w->status == 0)
		w->status = 1;
	if (w->episodes) {
		json_t *e = w->episodes;
		w->episodes = NULL;
		if (w->status == 0)
			w->status = write_json(e);
		else
			json_decref(e);
	}
	return w->status;
}

static int with_html(struct walk *w)
{
	FILE *f = fopen(w->o->html, "we");
	if (!f) {
		fprintf(stderr, "hopdoc history: %s: %s\n", w->o->html, strerror(errno));
		return 1;
	}
	w->html = sink_new_file(f);
	int status = 1;
	if (w->html && monitor_html_begin(w->html) == 0) {
		status = walk_all(w);
		if (monitor_html_end(w->html) < 0 || sink_error(w->html))
			status = 1;
	}
	sink_free(w->html);
	if (fclose(f) != 0)
		status = 1;
	if (status)
		fprintf(stderr, "hopdoc history: %s: could not write the page\n", w->o->html);
	return status;
}

int history_cmd_main(int argc, char **argv)
{
	struct hist_opts o = { 0 };
	int status = parse(argc, argv, &o);
	if (status >= 0)
		return status;
	char err[512];
	struct monitor_db *db = monitor_db_open(o.db, true, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "hopdoc history: %s\n", err);
		return 1;
	}
	struct walk w = { .o = &o, .db = db };
	if (o.json && !(w.episodes = json_array()))
		status = 1;
	else
		status = o.html ? with_html(&w) : walk_all(&w);
	monitor_db_free(db);
	return status;
}
