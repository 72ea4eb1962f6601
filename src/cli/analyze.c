/* `hopdoc analyze`: the CLI layer for imported reports. Imports each file
 * (import.h), diagnoses the traces (diag.h) and prints them with the report
 * renderer and the diagnosis, or as one JSON document. */
#include "cli/analyze.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/sink.h"
#include "diag/diag.h"
#include "import/import.h"
#include "model/field.h"
#include "model/finding.h"
#include "model/model.h"
#include "render/render.h"
#include "render/render_json.h"

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

/* Imported names and addresses are both shown ("name (ip)"), in full. */
static struct render_opts report_opts(const struct finding_list *diagnosis)
{
	struct render_opts o = { .fields = NULL, .wide = true, .want_names = true,
				 .show_ips = true, .diagnosis = diagnosis };
	return o;
}

/* mtr's default columns, less those the report did not have (WinMTR has no
 * StDev): a column of zeros would read as measured. */
static const char *fields_for(const struct model_trace *t, char *buf, size_t len)
{
	unsigned has = 0;
	for (size_t i = 0; i < t->n_hops; i++)
		has |= t->hops[i].has;
	size_t k = 0;
	for (const char *c = FIELD_DEFAULT; *c && k + 1 < len; c++) {
		const struct field *f = field_for(*c);
		if (f && (f->has & has) == f->has)
			buf[k++] = *c;
	}
	buf[k] = '\0';
	return buf;
}

/* Each trace as an mtr report; the diagnosis follows the last one. */
static int print_text(const struct analyze_args *a, struct model_trace **t,
		      const struct finding_list *l, struct sink *out)
{
	render_fn report = render_for(RENDER_REPORT);
	for (size_t i = 0; i < a->n_files; i++) {
		bool last = i + 1 == a->n_files;
		struct render_opts o = report_opts(last ? l : NULL);
		char fields[16];
		o.fields = fields_for(t[i], fields, sizeof(fields));
		sink_printf(out, "%s%s: %s\n", i ? "\n" : "", trace_role(a, i), a->files[i]);
		if (report(t[i], &o, out) != 0)
			return 1;
	}
	return sink_error(out) ? 1 : 0;
}

/* Adds a part to the document; jansson refuses a NULL part (a string it
 * could not take), and that must fail the run rather than leave a hole. */
static int put_part(json_t *doc, const char *key, json_t *part)
{
	return part ? json_object_set_new(doc, key, part) : -1;
}

static json_t *clients_json(const struct analyze_args *a, struct model_trace **t,
			    const struct render_opts *o)
{
	json_t *clients = json_array();
	for (size_t i = 0; clients && i < a->n_files; i++) {
		json_t *trace = render_json_trace(t[i], o);
		if (!trace || json_array_append_new(clients, trace) != 0) {
			json_decref(clients);
			return NULL;
		}
	}
	return clients;
}

static json_t *traces_json(const struct analyze_args *a, struct model_trace **t)
{
	struct render_opts o = report_opts(NULL);
	json_t *doc = json_object();
	int rc = !doc ? -1
	         : a->mode == MODE_CLIENTS ? put_part(doc, "clients", clients_json(a, t, &o))
	                                   : put_part(doc, "outbound", render_json_trace(t[0], &o));
	if (rc == 0 && a->mode != MODE_CLIENTS && a->n_files > 1)
		rc = put_part(doc, "return", render_json_trace(t[1], &o));
	if (rc != 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* {"outbound": TRACE, "return": TRACE, "diagnosis": [FINDINGS]} */
static int print_json(const struct analyze_args *a, struct model_trace **t,
		      const struct finding_list *l, struct sink *out)
{
	json_t *doc = traces_json(a, t);
	if (!doc || put_part(doc, "diagnosis", render_json_findings(l)) != 0) {
		json_decref(doc);
		return 1;
	}
	int rc = render_json_dump(doc, out);
	json_decref(doc);
	return rc != 0 ? 1 : 0;
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

static int print(const struct analyze_args *a, struct model_trace **t, const struct finding_list *l)
{
	if (a->summary)
		return print_summary(a, t, l);
	struct sink *out = sink_new_file(stdout);
	if (!out)
		return 1;
	int rc = a->json ? print_json(a, t, l, out) : print_text(a, t, l, out);
	sink_free(out);
	return rc;
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
		rc = print(&a, t, &l);
	}
	finding_list_free(&l);
	free_traces(t, a.n_files);
	return rc;
}
