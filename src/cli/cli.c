/* cli: the only place of a live run that prints diagnostics and picks the
 * exit status: 0 ok, 1 runtime failure, 2 usage. Order matters: every probe
 * socket is opened first, then privileges go, then names, output and the
 * loop. */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/version.h"
#include "cli/opts.h"
#include "cli/run.h"
#include "probe/privdrop.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* The one mutable global: a signal handler may do nothing but set a flag. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void complain(const char *what, const char *msg)
{
	if (what)
		fprintf(stderr, "hopdoc: %s: %s\n", what, msg);
	else
		fprintf(stderr, "hopdoc: %s\n", msg);
}

static int read_targets_file(struct opts *o)
{
	char err[OPTS_ERR_MAX];
	bool is_stdin = strcmp(o->targets_file, "-") == 0;
	/* The file is read before privileges drop; access() asks with the real
	 * uid, so a setuid install cannot be made to read what its user cannot. */
	if (!is_stdin && access(o->targets_file, R_OK) != 0) {
		complain(o->targets_file, strerror(errno));
		return -1;
	}
	FILE *f = is_stdin ? stdin : fopen(o->targets_file, "r");
	if (!f) {
		complain(o->targets_file, strerror(errno));
		return -1;
	}
	int rc = opts_read_targets(o, f, err, sizeof(err));
	if (!is_stdin)
		fclose(f);
	if (rc < 0)
		complain(o->targets_file, err);
	else if (o->n_targets == 0)
		complain(o->targets_file, "no host names in the file");
	return rc < 0 || o->n_targets == 0 ? -1 : 0;
}

/* Every target's sockets, opened while privileges last. A target whose
 * sockets fail is reported and skipped, as mtr does in report mode. */
static size_t open_runs(struct opts *o, struct config *cfgs, struct run **runs)
{
	size_t opened = 0;
	for (size_t i = 0; i < o->n_targets; i++) {
		char err[256];
		cfgs[i] = o->cfg;
		cfgs[i].probe.target = o->targets[i];
		runs[i] = run_open(&cfgs[i], err, sizeof(err));
		if (runs[i])
			opened++;
		else
			complain(o->targets[i], err);
	}
	return opened;
}

static int trace_all(const struct opts *o, struct run **runs)
{
	int status = EXIT_OK;
	for (size_t i = 0; i < o->n_targets && !stop_requested; i++) {
		char err[256];
		if (!runs[i]) {
			status = EXIT_RUNTIME;
			continue;
		}
		if (run_trace(runs[i], &stop_requested, stdout, err, sizeof(err)) < 0) {
			complain(o->targets[i], err);
			status = EXIT_RUNTIME;
		}
	}
	if (fflush(stdout) != 0) {
		complain(NULL, "cannot write the output");
		status = EXIT_RUNTIME;
	}
	return status;
}

static int live_run(struct opts *o)
{
	struct config *cfgs = calloc(o->n_targets, sizeof(*cfgs));
	struct run **runs = calloc(o->n_targets, sizeof(*runs));
	int status = EXIT_RUNTIME;
	char err[256];
	if (!cfgs || !runs) {
		complain(NULL, "out of memory");
	} else if (open_runs(o, cfgs, runs) == 0) {
		status = EXIT_RUNTIME;
	} else if (privdrop_drop(err, sizeof(err)) < 0) {
		complain(NULL, err); /* half-dropped privileges: go no further */
	} else {
		install_signal_handlers();
		status = trace_all(o, runs);
	}
	for (size_t i = 0; runs && i < o->n_targets; i++)
		run_free(runs[i]);
	free(runs);
	free(cfgs);
	return status;
}

static int print_usage(void)
{
	struct sink *out = sink_new_file(stdout);
	int rc = out && opts_usage(out) == 0 && fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
	sink_free(out);
	return rc;
}

int cli_main(int argc, char **argv)
{
	struct opts o;
	char err[OPTS_ERR_MAX];
	if (opts_parse(&o, argc, argv, getuid() == 0, err, sizeof(err)) < 0) { /* mtr: the real uid */
		complain(NULL, err);
		opts_free(&o);
		return EXIT_USAGE;
	}
	int status = EXIT_OK;
	if (o.action == OPTS_VERSION)
		printf("hopdoc %s\n", HOPDOC_VERSION);
	else if (o.action == OPTS_HELP)
		status = print_usage();
	else if (o.targets_file && read_targets_file(&o) < 0)
		status = EXIT_RUNTIME;
	else
		status = live_run(&o);
	opts_free(&o);
	return status;
}
