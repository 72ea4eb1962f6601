/* `hopdoc analyze`: the CLI layer for imported reports. Imports each file
 * (import.h), diagnoses the traces (diag.h) and prints them with the report
 * renderer and the diagnosis, or as one JSON document. */
#include "analyze.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "finding.h"
#include "import.h"
#include "model.h"

#define MAX_FILES 64

enum analyze_mode { MODE_PAIR, MODE_CLIENTS };

struct analyze_args {
	bool json;
	bool summary;
	enum analyze_mode mode;
	const char *files[MAX_FILES];
	size_t n_files;
};

static const char usage[] =
	"usage: hopdoc analyze [--json] OUTBOUND [RETURN]\n"
	"       hopdoc analyze [--json] --clients REPORT REPORT ...\n"
	"Reads reports made by mtr (-r, -w, -j, -C, -x, -l), WinMTR (Export TEXT or\n"
	"HTML), hopdoc, or hop listings pasted from a guide, and diagnoses the path.\n"
	"RETURN is the report of the way back (made on the server towards the client).\n"
	"--clients compares several clients' reports to one server. \"-\" reads stdin.\n"
	"--summary prints one line per hop and per finding (for scripts and tests).\n";

static int usage_error(const char *what)
{
	fprintf(stderr, "hopdoc analyze: %s\n%s", what, usage);
	return 2;
}

/* Returns -1 to go on, else the exit status. */
static int take_option(struct analyze_args *a, const char *arg)
{
	if (strcmp(arg, "--json") == 0 || strcmp(arg, "-j") == 0)
		a->json = true;
	else if (strcmp(arg, "--summary") == 0)
		a->summary = true;
	else if (strcmp(arg, "--clients") == 0)
		a->mode = MODE_CLIENTS;
	else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	} else {
		fprintf(stderr, "hopdoc analyze: unknown option %s\n%s", arg, usage);
		return 2;
	}
	return -1;
}

static int check_counts(const struct analyze_args *a)
{
	size_t stdin_uses = 0;
	for (size_t i = 0; i < a->n_files; i++)
		stdin_uses += strcmp(a->files[i], "-") == 0;
	if (stdin_uses > 1)
		return usage_error("standard input (-) can be read only once");
	if (a->n_files == 0)
		return usage_error("expected a report file");
	if (a->mode == MODE_PAIR && a->n_files > 2)
		return usage_error("expected at most two reports (OUTBOUND RETURN); use --clients to compare several");
	if (a->mode == MODE_CLIENTS && a->n_files < 2)
		return usage_error("--clients expects at least two reports");
	return -1;
}

static int parse_args(int argc, char **argv, struct analyze_args *a)
{
	bool files_only = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!files_only && strcmp(arg, "--") == 0) {
			files_only = true;
		} else if (!files_only && arg[0] == '-' && arg[1] != '\0') {
			int rc = take_option(a, arg);
			if (rc >= 0)
				return rc;
		} else if (a->n_files == MAX_FILES) {
			return usage_error("too many reports");
		} else {
			a->files[a->n_files++] = arg;
		}
	}
	return check_counts(a);
}

static void free_traces(struct model_trace **t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		model_trace_free(t[i]);
}

static int load_traces(const struct analyze_args *a, struct model_trace **t)
{
	for (size_t i = 0; i < a->n_files; i++) {
		struct import_error err;
		if (import_file(a->files[i], &t[i], &err) != 0) {
			char msg[IMPORT_FILE_MAX + IMPORT_MSG_MAX + 32];
			fprintf(stderr, "hopdoc analyze: %s\n", import_error_text(&err, msg, sizeof(msg)));
			free_traces(t, i);
			return -1;
		}
	}
	return 0;
}

static int diagnose(const struct analyze_args *a, struct model_trace **t, struct finding_list *out)
{
	if (a->mode == MODE_CLIENTS)
		return diag_clients((const struct model_trace *const *)t, a->n_files, out);
	return diag_pair(t[0], a->n_files > 1 ? t[1] : NULL, out);
}

/* ---- Output --------------------------------------------------------------- */

static const char *trace_role(const struct analyze_args *a, size_t i)
{
	if (a->mode == MODE_CLIENTS)
		return "Client";
	return i == 0 ? "Outbound" : "Return";
}

static void print_hop(const struct model_hop *h)
{
	const char *host = h->n_resp ? model_responder_label(&h->resp[h->latest], true) : "???";
	printf(" %2u.|-- %-33s %5.1f%% %5lu %6.1f %5.1f %5.1f %5.1f\n", h->ttl, host, h->loss_pct,
	       h->snt, h->avg, h->best, h->wrst, h->stdev);
}

static void print_trace(const struct model_trace *t)
{
	printf("HOST: %-33s Loss%%   Snt   Avg  Best  Wrst StDev\n", t->src);
	for (size_t i = 0; i < t->n_hops; i++)
		print_hop(&t->hops[i]);
}

static void print_findings(const struct finding_list *l)
{
	puts("Diagnosis");
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		printf("  %s (%s, %s, %s, hop %u): %s\n", finding_kind_name(f->kind),
		       finding_severity_name(f->severity), finding_segment_name(f->segment),
		       finding_direction_name(f->direction), f->hop, f->summary);
		printf("      evidence: %s\n      advice: %s\n", f->evidence, f->advice);
	}
}

static int print_text(const struct analyze_args *a, struct model_trace **t,
		      const struct finding_list *l)
{
	for (size_t i = 0; i < a->n_files; i++) {
		printf("%s: %s\n", trace_role(a, i), a->files[i]);
		print_trace(t[i]);
		putchar('\n');
	}
	print_findings(l);
	return ferror(stdout) ? 1 : 0;
}

/* ---- --summary: stable, renderer-independent lines for tests ------------- */

static void summary_has(unsigned has)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = { { MODEL_HAS_RECV, "recv" },     { MODEL_HAS_LAST, "last" },
		     { MODEL_HAS_STDEV, "stdev" },   { MODEL_HAS_GMEAN, "gmean" },
		     { MODEL_HAS_JITTER, "jitter" }, { MODEL_HAS_DROP, "drop" } };
	const char *sep = " has=";
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (has & bits[i].bit) {
			printf("%s%s", sep, bits[i].name);
			sep = ",";
		}
}

static void summary_hop(const char *role, const struct model_hop *h)
{
	printf("%s hop %u", role, h->ttl);
	for (unsigned i = 0; i < h->n_resp; i++) {
		const struct model_responder *r = &h->resp[(h->latest + i) % h->n_resp];
		printf(" %s%s", i ? "+" : "", r->text);
		if (r->name[0] && strcmp(r->name, r->text) != 0)
			printf("[%s]", r->name);
		if (r->asn)
			printf("[AS%u]", (unsigned)r->asn);
	}
	if (!h->n_resp)
		fputs(" ???", stdout);
	printf(" loss=%.1f snt=%lu recv=%lu last=%.3f avg=%.3f best=%.3f wrst=%.3f stdev=%.3f", h->loss_pct,
	       h->snt, h->recv, h->last, h->avg, h->best, h->wrst, h->stdev);
	summary_has(h->has);
	putchar('\n');
}

static int print_summary(const struct analyze_args *a, struct model_trace **t,
			 const struct finding_list *l)
{
	for (size_t i = 0; i < a->n_files; i++) {
		char role[32];
		if (a->mode == MODE_CLIENTS)
			snprintf(role, sizeof(role), "client%zu", i + 1);
		else
			snprintf(role, sizeof(role), "%s", i ? "return" : "outbound");
		printf("%s dst=%s reached=%s hops=%zu\n", role, t[i]->dst[0] ? t[i]->dst : "-",
		       t[i]->reached ? "yes" : "no", t[i]->n_hops);
		for (size_t j = 0; j < t[i]->n_hops; j++)
			summary_hop(role, &t[i]->hops[j]);
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct finding *f = &l->items[i];
		printf("finding %s %s %s %s hop=%u\n", finding_kind_name(f->kind),
		       finding_severity_name(f->severity), finding_segment_name(f->segment),
		       finding_direction_name(f->direction), f->hop);
	}
	return ferror(stdout) ? 1 : 0;
}

static json_t *number_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *finding_json(const struct finding *f)
{
	json_t *hops = json_array();
	for (size_t i = 0; i < f->n_hops; i++)
		json_array_append_new(hops, json_integer(f->hops[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:s, s:s, s:s}", "finding",
			 finding_kind_name(f->kind), "severity", finding_severity_name(f->severity),
			 "segment", finding_segment_name(f->segment), "direction",
			 finding_direction_name(f->direction), "hop", (json_int_t)f->hop, "hops", hops,
			 "loss_pct", number_or_null(f->loss_pct), "latency_ms",
			 number_or_null(f->latency_ms), "summary", f->summary, "evidence", f->evidence,
			 "advice", f->advice);
}

static json_t *findings_json(const struct finding_list *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(arr, finding_json(&l->items[i]));
	return arr;
}

static json_t *hop_json(const struct model_hop *h)
{
	const char *host = h->n_resp ? h->resp[h->latest].text : "???";
	return json_pack("{s:I, s:s, s:f, s:I, s:f, s:f, s:f, s:f, s:f}", "count", (json_int_t)h->ttl,
			 "host", host, "Loss%", h->loss_pct, "Snt", (json_int_t)h->snt, "Last", h->last,
			 "Avg", h->avg, "Best", h->best, "Wrst", h->wrst, "StDev", h->stdev);
}

static json_t *trace_json(const struct model_trace *t)
{
	json_t *hubs = json_array();
	for (size_t i = 0; i < t->n_hops; i++)
		json_array_append_new(hubs, hop_json(&t->hops[i]));
	return json_pack("{s:{s:{s:s, s:s}, s:o}}", "report", "mtr", "src", t->src, "dst", t->dst,
			 "hubs", hubs);
}

static int print_json(const struct analyze_args *a, struct model_trace **t,
		      const struct finding_list *l)
{
	json_t *doc = json_object();
	if (a->mode == MODE_CLIENTS) {
		json_t *clients = json_array();
		for (size_t i = 0; i < a->n_files; i++)
			json_array_append_new(clients, trace_json(t[i]));
		json_object_set_new(doc, "clients", clients);
	} else {
		json_object_set_new(doc, "outbound", trace_json(t[0]));
		if (a->n_files > 1)
			json_object_set_new(doc, "return", trace_json(t[1]));
	}
	json_object_set_new(doc, "diagnosis", findings_json(l));
	int rc = json_dumpf(doc, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(doc);
	putchar('\n');
	return rc != 0 || ferror(stdout) ? 1 : 0;
}

int analyze_main(int argc, char **argv)
{
	struct analyze_args a = { .json = false, .mode = MODE_PAIR };
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct model_trace *t[MAX_FILES] = { NULL };
	if (load_traces(&a, t) != 0)
		return 2;
	struct finding_list l;
	finding_list_init(&l);
	if (diagnose(&a, t, &l) != 0) {
		fputs("hopdoc analyze: out of memory\n", stderr);
		rc = 1;
	} else {
		rc = a.summary ? print_summary(&a, t, &l)
		     : a.json  ? print_json(&a, t, &l)
			       : print_text(&a, t, &l);
	}
	finding_list_free(&l);
	free_traces(t, a.n_files);
	return rc;
}
