/* `hopdoc analyze`: the CLI layer for imported reports. Imports each file
 * (import.h), diagnoses the traces (diag.h) and prints them with one of
 * render_analysis.h's renderers. */
#include "cli/analyze.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/sink.h"
#include "cli/export.h"
#include "diag/diag.h"
#include "import/import.h"
#include "model/finding.h"
#include "model/model.h"
#include "render/render_analysis.h"

#define MAX_FILES 64

enum analyze_mode { MODE_PAIR, MODE_CLIENTS };

struct analyze_args {
	bool json;
	bool summary;
	enum analyze_mode mode;
	const char *export_html; /* --export-html FILE; NULL: none */
	const char *files[MAX_FILES];
	size_t n_files;
};

static const char usage[] =
	"usage: hopdoc analyze [--json] [--export-html FILE] OUTBOUND [RETURN]\n"
	"       hopdoc analyze [--json] --clients REPORT REPORT ...\n"
	"Reads reports made by mtr (-r, -w, -j, -C, -x, -l), WinMTR (Export TEXT or\n"
	"HTML), hopdoc, or hop listings pasted from a guide, and diagnoses the path.\n"
	"RETURN is the report of the way back (made on the server towards the client).\n"
	"One file holding several reports (pasted one after another) gets a verdict each.\n"
	"--clients compares several clients' reports to one server. \"-\" reads stdin.\n"
	"--summary prints one line per hop and per finding (for scripts and tests).\n"
	"--export-html FILE also writes the outbound report and the diagnosis as a\n"
	"self-contained HTML page (no per-round charts: reports keep only totals).\n";

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
	if (a->mode == MODE_CLIENTS && a->export_html)
		return usage_error("--export-html takes OUTBOUND [RETURN], not --clients");
	return -1;
}

static int parse_args(int argc, char **argv, struct analyze_args *a)
{
	bool files_only = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!files_only && strcmp(arg, "--") == 0) {
			files_only = true;
		} else if (!files_only && strcmp(arg, "--export-html") == 0) {
			if (i + 1 == argc || argv[i + 1][0] == '\0')
				return usage_error("--export-html needs a file name");
			a->export_html = argv[++i];
		} else if (!files_only && strncmp(arg, "--export-html=", 14) == 0 && arg[14]) {
			a->export_html = arg + 14;
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

static int print(const struct analyze_args *a, struct model_trace **t, const struct finding_list *l)
{
	struct render_analysis r = {
		.mode = a->mode == MODE_CLIENTS ? RENDER_ANALYSIS_CLIENTS : RENDER_ANALYSIS_PAIR,
		.traces = (const struct model_trace *const *)t,
		.names = a->files,
		.n = a->n_files,
		.findings = l,
	};
	struct sink *out = sink_new_file(stdout);
	int rc = !out ? -1
	         : a->summary ? render_analysis_summary(&r, out)
	         : a->json  ? render_analysis_json(&r, out)
	                    : render_analysis_text(&r, out);
	sink_free(out);
	if (rc == 0 && fflush(stdout) == 0)
		return 0;
	fprintf(stderr, "hopdoc analyze: cannot write the output\n");
	return 1;
}

/* The page shows the outbound trace with the whole analysis's verdict. */
static int export_page(const struct analyze_args *a, struct model_trace **t, const struct finding_list *l)
{
	char source[300], msg[EXPORT_MSG_MAX];
	snprintf(source, sizeof(source), "the report %s", strcmp(a->files[0], "-") ? a->files[0] : "on standard input");
	const struct export_input in = { t[0], NULL, NULL, l, source };
	if (export_write_html(a->export_html, &in, msg, sizeof(msg)) == 0)
		return 0;
	fprintf(stderr, "hopdoc analyze: %s\n", msg);
	return 1;
}

static int diagnose_and_print(const struct analyze_args *a, struct model_trace **t)
{
	int rc;
	struct finding_list l;
	finding_list_init(&l);
	if (diagnose(a, t, &l) != 0) {
		fputs("hopdoc analyze: out of memory\n", stderr);
		rc = 1;
	} else {
		rc = print(a, t, &l);
		if (rc == 0 && a->export_html)
			rc = export_page(a, t, &l);
	}
	finding_list_free(&l);
	return rc;
}

/* One file holding several reports (pasted one after the other): one
 * verdict each, headed "FILE (report K of N)". */
static int analyze_each(const struct analyze_args *a, struct model_trace **t, size_t n)
{
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		char name[4096];
		snprintf(name, sizeof(name), "%s (report %zu of %zu)", a->files[0], k + 1, n);
		struct analyze_args one = *a;
		one.files[0] = name;
		if (k > 0)
			one.export_html = NULL; /* the page is the first report's */
		if (k > 0 && !a->summary && !a->json && putchar('\n') == EOF)
			return 1;
		rc = diagnose_and_print(&one, &t[k]);
	}
	return rc;
}

static int load_one_file(const struct analyze_args *a, struct model_trace **t, size_t *n)
{
	struct import_error err;
	if (import_file_all(a->files[0], t, IMPORT_MAX_REPORTS, n, &err) == 0)
		return 0;
	char msg[IMPORT_FILE_MAX + IMPORT_MSG_MAX + 32];
	fprintf(stderr, "hopdoc analyze: %s\n", import_error_text(&err, msg, sizeof(msg)));
	return -1;
}

int analyze_main(int argc, char **argv)
{
	struct analyze_args a = { .json = false, .mode = MODE_PAIR };
	int rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	struct model_trace *t[MAX_FILES] = { NULL };
	size_t n = a.n_files;
	if (a.mode == MODE_PAIR && a.n_files == 1) {
		if (load_one_file(&a, t, &n) != 0)
			return 2;
	} else if (load_traces(&a, t) != 0) {
		return 2;
	}
	rc = n > a.n_files ? analyze_each(&a, t, n) : diagnose_and_print(&a, t);
	free_traces(t, n);
	return rc;
}
