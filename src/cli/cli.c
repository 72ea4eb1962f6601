/* cli: the only place of a live run that prints diagnostics and picks the
 * exit status: 0 ok, 1 runtime failure, 2 usage. Order matters: the one set
 * of probe sockets is opened first, then privileges go, then the -F file is
 * read, then each target is resolved and traced in turn. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/version.h"
#include "cli/opts.h"
#include "cli/pair.h"
#include "cli/retpeer.h"
#include "cli/run.h"
#include "probe/privdrop.h"
#include "probe/probe.h"

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

const volatile sig_atomic_t *cli_stop_flag(void)
{
	install_signal_handlers();
	return &stop_requested;
}

static void complain(const char *what, const char *msg)
{
	if (what)
		fprintf(stderr, "hopdoc: %s: %s\n", what, msg);
	else
		fprintf(stderr, "hopdoc: %s\n", msg);
}

/* -F's file is opened with the rights of the user who started hopdoc (the
 * kernel checks them at open: no access() race; a setuid install cannot be
 * made to read what its user cannot) and read once privileges are gone. It is
 * opened before they go because root drops to nobody, who could not open
 * root's own files. NULL after complaining. */
static FILE *open_targets_file(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdin;
	int fd = privdrop_open_as_user(path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		complain(path, strerror(e));
	}
	return f;
}

static void close_targets_file(FILE **f)
{
	if (*f && *f != stdin)
		fclose(*f);
	*f = NULL;
}

/* Reads and closes *f: no descriptor is held while the targets are traced. */
static int read_targets_file(struct opts *o, FILE **f)
{
	char err[OPTS_ERR_MAX];
	int rc = opts_read_targets(o, *f, err, sizeof(err));
	close_targets_file(f);
	if (rc < 0)
		complain(o->targets_file, err);
	else if (o->n_targets == 0)
		complain(o->targets_file, "no host names in the file");
	return rc < 0 || o->n_targets == 0 ? -1 : 0;
}

/* Each target in turn, on the one socket set; a target that fails is
 * reported and the next one traced, as mtr does in report mode. */
static int trace_all(const struct opts *o, struct probe_sockets *socks, struct retpeer *peer)
{
	int status = EXIT_OK;
	for (size_t i = 0; i < o->n_targets && !stop_requested; i++) {
		char err[256];
		struct config cfg = o->cfg;
		cfg.probe.target = o->targets[i];
		int rc = peer ? pair_run(&cfg, socks, peer, &stop_requested, stdout, err, sizeof(err))
		              : run_trace(&cfg, socks, &stop_requested, stdout, err, sizeof(err));
		if (rc < 0) {
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

/* Without sockets no target can be traced; each is named, as when every
 * target had sockets of its own. */
static int complain_each(const struct opts *o, const char *err)
{
	for (size_t i = 0; i < o->n_targets; i++)
		complain(o->targets[i], err);
	return EXIT_RUNTIME;
}

/* Sockets first (privileged), then the drop, then the -F list and names. */
static int trace_targets(struct opts *o, FILE **targets, struct retpeer *peer)
{
	char err[256], open_err[256];
	struct probe_sockets *socks =
	    probe_sockets_open(&o->cfg.probe, open_err, sizeof(open_err));
	int status = EXIT_RUNTIME;
	if (privdrop_drop(err, sizeof(err)) < 0) {
		complain(NULL, err); /* half-dropped privileges: go no further */
	} else if (*targets && read_targets_file(o, targets) < 0) {
		status = EXIT_RUNTIME;
	} else if (!socks) {
		status = complain_each(o, open_err);
	} else {
		install_signal_handlers();
		status = trace_all(o, socks, peer);
	}
	probe_sockets_close(socks);
	return status;
}

/* The -F list is opened while privileges last, as the user who ran us. */
/* --return-via's ssh starts first, before any raw socket exists, so it
 * inherits none, and with the ids of the user who ran us. */
static int start_return(const struct opts *o, struct retpeer **peer)
{
	char err[512];
	*peer = NULL;
	if (!o->cfg.return_via)
		return EXIT_OK;
	if (pair_check(&o->cfg, o->n_targets, o->targets_file != NULL, err, sizeof(err)) < 0) {
		complain(NULL, err);
		return EXIT_USAGE;
	}
	if (!(*peer = retpeer_start(&o->cfg, err, sizeof(err)))) {
		complain(NULL, err);
		return strncmp(err, "--return-via", 12) == 0 ? EXIT_USAGE : EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int run_live(struct opts *o)
{
	FILE *targets = NULL;
	struct retpeer *peer;
	int status = start_return(o, &peer);
	if (status != EXIT_OK)
		return status;
	if (o->targets_file && !(targets = open_targets_file(o->targets_file))) {
		retpeer_free(peer);
		return EXIT_RUNTIME;
	}
	status = trace_targets(o, &targets, peer);
	close_targets_file(&targets);
	retpeer_free(peer);
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
	else
		status = run_live(&o);
	opts_free(&o);
	return status;
}
