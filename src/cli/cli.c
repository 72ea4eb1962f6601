/* cli: the only place of a live run that prints diagnostics and picks the
 * exit status, as mtr's: 0 ok, 1 for a usage error or a runtime failure
 * (mtr exits EXIT_FAILURE for both; only `hopdoc analyze` uses 2). Order
 * matters: the one set of probe sockets is opened first, then privileges go,
 * then the -F file is read, then each target is resolved and traced in turn. */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/version.h"
#include "cli/followup.h"
#include "cli/opts.h"
#include "cli/pair.h"
#include "cli/retoneway.h"
#include "cli/retpeer.h"
#include "cli/run.h"
#include "cli/view.h"
#include "metrics/metrics.h"
#include "probe/privdrop.h"
#include "probe/probe.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 1 }; /* mtr: one status for both */

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

/* The export files are made as the user who ran hopdoc, while privileges
 * last (root drops to nobody, who can write almost nowhere), as -F's file
 * is opened; and a path that cannot be written fails before the probing. */
struct exports {
	FILE *text, *html;
};

/* Under sudo, the user who typed the command gets the file, as a shell
 * redirection would give it. A failure leaves it root's, still readable. */
static int give_to_sudo_user(int fd)
{
	uid_t uid, nobody;
	gid_t gid, nogroup;
	if (getuid() != 0 || privdrop_target(getenv("SUDO_UID"), getenv("SUDO_GID"), &uid, &gid) != 0 ||
	    (privdrop_target(NULL, NULL, &nobody, &nogroup) == 0 && uid == nobody))
		return 0; /* not under sudo: the file is its creator's */
	return fchown(fd, uid, gid);
}

/* Only a file made here changes owner (O_EXCL), never one that was there. */
static int create_export_fd(const char *path)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	int fd = privdrop_create_as_user(path, flags | O_EXCL, 0666);
	if (fd >= 0) {
		(void)give_to_sudo_user(fd);
		return fd;
	}
	return errno == EEXIST ? privdrop_create_as_user(path, flags | O_TRUNC, 0666) : -1;
}

static FILE *create_export(const char *path)
{
	if (!path)
		return NULL;
	int fd = create_export_fd(path);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		char msg[512];
		snprintf(msg, sizeof(msg), "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		complain(NULL, msg);
	}
	return f;
}

static int create_exports(const struct config *c, struct exports *ex)
{
	ex->text = create_export(c->export_text);
	ex->html = ex->text || !c->export_text ? create_export(c->export_html) : NULL;
	return (c->export_text && !ex->text) || (c->export_html && !ex->html) ? -1 : 0;
}

/* A failed close is a failed write (NFS, a full disk). */
static int close_exports(const struct config *c, struct exports *ex)
{
	int rc = 0;
	FILE *files[] = { ex->text, ex->html };
	const char *names[] = { c->export_text, c->export_html };
	for (size_t i = 0; i < 2; i++) {
		if (files[i] && fclose(files[i]) != 0) {
			char msg[512];
			snprintf(msg, sizeof(msg), "cannot write %s: %s", names[i], strerror(errno));
			complain(NULL, msg);
			rc = -1;
		}
	}
	ex->text = ex->html = NULL;
	return rc;
}

/* One file per flag: a second target would overwrite the first's. Checked
 * before the files are made, and again once -F's list is read. */
static bool too_many_for_exports(const struct opts *o)
{
	if ((!o->cfg.export_text && !o->cfg.export_html) || o->n_targets < 2)
		return false;
	complain(NULL, "--export-text and --export-html take one target");
	return true;
}

/* --metrics: the target being traced goes to the endpoint as its trace grows. */
struct metrics_feed {
	struct metrics *m;
	const char *target; /* as the user gave it: the `target` label */
};

static void feed_metrics(void *ctx, const struct model_trace *t, const struct finding_list *f)
{
	const struct metrics_feed *feed = ctx;
	const struct render_prom_target one = { .target = feed->target, .trace = t, .findings = f };
	(void)metrics_publish(feed->m, &one, 1); /* out of memory costs one snapshot */
}

static int trace_one(const struct config *cfg, const struct view_sockets *socks,
                     struct retpeer *peer, struct metrics *m, char *err, size_t errlen)
{
	if (peer)
		return pair_run(cfg, socks, peer, &stop_requested, stdout, err, errlen);
	if (!m)
		return run_trace(cfg, socks, &stop_requested, stdout, err, errlen);
	struct metrics_feed feed = { m, cfg->probe.target };
	const struct run_snapshot snap = { &feed, feed_metrics };
	return run_trace_snap(cfg, socks, &stop_requested, stdout, &snap, err, errlen);
}

/* Each target in turn, on the socket sets opened once; a target that fails
 * is reported and the next one traced, as mtr does in report mode. */
static int trace_all(const struct opts *o, const struct exports *ex,
                     const struct view_sockets *socks, struct retpeer *peer, struct metrics *m)
{
	if (too_many_for_exports(o))
		return EXIT_USAGE;
	int status = EXIT_OK;
	for (size_t i = 0; i < o->n_targets && !stop_requested; i++) {
		char err[256];
		struct config cfg = o->cfg;
		cfg.probe.target = o->targets[i];
		cfg.export_text_file = ex->text;
		cfg.export_html_file = ex->html;
		int rc = trace_one(&cfg, socks, peer, m, err, sizeof(err));
		if (rc < 0) {
			complain(o->targets[i], err);
			status = EXIT_RUNTIME;
		}
	}
	if (fflush(stdout) != 0) {
		complain("cannot write the output", strerror(errno));
		status = EXIT_RUNTIME;
	}
	return status;
}

/* mtr flushes each raw and split line; a pipe or a file then gets them as
 * they come, and a killed run keeps what it printed. Set before any output. */
static void stream_by_line(const struct config *cfg)
{
	if (cfg->output == RENDER_RAW || cfg->output == RENDER_SPLIT)
		setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Without sockets no target can be traced; each is named, as when every
 * target had sockets of its own. */
static int complain_each(const struct opts *o, const char *err)
{
	for (size_t i = 0; i < o->n_targets; i++)
		complain(o->targets[i], err);
	return EXIT_RUNTIME;
}

/* Each target in the view in turn; `q` or a stop signal ends them all. */
static int view_all(const struct opts *o, const struct exports *ex, const struct view_sockets *vs,
                    struct retpeer *peer)
{
	if (too_many_for_exports(o))
		return EXIT_USAGE;
	int status = EXIT_OK;
	bool quit = false;
	for (size_t i = 0; i < o->n_targets && !stop_requested && !quit; i++) {
		char err[256];
		struct config cfg = o->cfg;
		cfg.probe.target = o->targets[i];
		cfg.export_text_file = ex->text;
		cfg.export_html_file = ex->html;
		if (view_run(&cfg, vs, peer, &stop_requested, &quit, err, sizeof(err)) < 0) {
			complain(o->targets[i], err);
			status = EXIT_RUNTIME;
		}
	}
	return status;
}

/* The view may switch protocol, and --diagnose's follow-ups probe with TCP
 * and UDP too, and privileges last only until the drop: they get a socket
 * set per protocol; the one asked for must open. */
static struct probe_sockets *open_sockets(const struct config *cfg, bool view,
                                          struct view_sockets *vs, char *err, size_t errlen)
{
	memset(vs, 0, sizeof(*vs));
	bool all = view || followup_wanted(cfg);
	for (int p = MODEL_PROTO_ICMP; all && p <= MODEL_PROTO_TCP; p++) {
		struct probe_params pp = cfg->probe;
		pp.proto = (enum model_proto)p;
		char ignored[256];
		if (p != (int)cfg->probe.proto)
			vs->by_proto[p] = probe_sockets_open(&pp, ignored, sizeof(ignored));
	}
	struct probe_sockets *s = probe_sockets_open(&cfg->probe, err, errlen);
	vs->by_proto[cfg->probe.proto] = s;
	return s;
}

static void close_sockets(struct view_sockets *vs)
{
	for (size_t p = 0; p < sizeof(vs->by_proto) / sizeof(vs->by_proto[0]); p++)
		probe_sockets_close(vs->by_proto[p]);
}

static bool wants_view(const struct config *cfg)
{
	const char *note;
	bool view = view_wanted(cfg, isatty(STDIN_FILENO), isatty(STDOUT_FILENO), &note);
	if (note[0])
		complain(NULL, note);
	return view;
}

/* --metrics serves report and stream runs (one target after another); the
 * view and --return-via's pairs do not feed it yet. */
static bool metrics_unsupported(const struct config *cfg, bool view, const struct retpeer *peer)
{
	if (!cfg->metrics || (!view && !peer))
		return false;
	complain(NULL, view ? "--metrics: the interactive view does not serve metrics; add -r "
	                      "(or another report or stream format) and -c COUNT"
	                    : "--metrics: not with --return-via yet");
	return true;
}

/* The endpoint starts once privileges are gone: its thread never held any. */
static int probe_targets(struct opts *o, const struct exports *ex, struct view_sockets *vs,
                         bool view, struct retpeer *peer)
{
	char err[256];
	struct metrics *m = NULL;
	if (o->cfg.metrics && !(m = metrics_new(o->cfg.metrics, err, sizeof(err)))) {
		complain(NULL, err);
		return EXIT_RUNTIME;
	}
	install_signal_handlers();
	if (!view)
		stream_by_line(&o->cfg);
	int status = view ? view_all(o, ex, vs, peer) : trace_all(o, ex, vs, peer, m);
	metrics_free(m);
	return status;
}

/* Sockets first (privileged), then the drop, then the -F list and names. */
static int trace_targets(struct opts *o, const struct exports *ex, FILE **targets,
                         struct retpeer *peer)
{
	char err[256], open_err[256];
	struct view_sockets vs;
	/* With a peer: both directions, two tables; start_return decided it the
	 * same way, and its report needs no note. */
	const char *note;
	bool view = peer ? view_wanted(&o->cfg, isatty(STDIN_FILENO), isatty(STDOUT_FILENO), &note)
	                 : wants_view(&o->cfg);
	if (metrics_unsupported(&o->cfg, view, peer))
		return EXIT_USAGE;
	struct probe_sockets *socks = open_sockets(&o->cfg, view, &vs, open_err, sizeof(open_err));
	int status = EXIT_RUNTIME;
	if (privdrop_drop(err, sizeof(err)) < 0) {
		complain(NULL, err); /* half-dropped privileges: go no further */
	} else if (*targets && read_targets_file(o, targets) < 0) {
		status = EXIT_RUNTIME;
	} else if (!socks) {
		status = complain_each(o, open_err);
	} else {
		status = probe_targets(o, ex, &vs, view, peer);
	}
	close_sockets(&vs);
	return status;
}

/* The -F list and the export files are opened while privileges last, as
 * the user who ran us. */
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
	struct config cfg = o->cfg;
	cfg.probe.target = o->targets[0]; /* the server: the one-way stream goes there */
	const char *note;
	bool view = view_wanted(&cfg, isatty(STDIN_FILENO), isatty(STDOUT_FILENO), &note);
	*peer = view ? retpeer_start_live(&cfg, err, sizeof(err))
	             : retpeer_start(&cfg, err, sizeof(err));
	if (!*peer) {
		complain(NULL, err);
		return strncmp(err, "--return-via", 12) == 0 ? EXIT_USAGE : EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int run_live(struct opts *o)
{
	FILE *targets = NULL;
	struct exports ex = { NULL, NULL };
	struct retpeer *peer;
	if (too_many_for_exports(o))
		return EXIT_USAGE;
	int status = start_return(o, &peer);
	if (status != EXIT_OK)
		return status;
	status = EXIT_RUNTIME;
	if (o->targets_file && !(targets = open_targets_file(o->targets_file))) {
		retpeer_free(peer);
		return EXIT_RUNTIME;
	}
	/* Over ssh, the client's one-way stream is reflected here (retoneway). */
	pid_t reflector = o->n_targets == 1 ? retoneway_reflect_start(&o->cfg, o->targets[0]) : 0;
	if (create_exports(&o->cfg, &ex) == 0)
		status = trace_targets(o, &ex, &targets, peer);
	retoneway_reflect_stop(reflector);
	close_targets_file(&targets);
	retpeer_free(peer);
	if (close_exports(&o->cfg, &ex) != 0)
		status = EXIT_RUNTIME;
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
	/* mtr: MTR_OPTIONS first, then argv; root is the real uid. */
	if (opts_parse_env(&o, getenv("MTR_OPTIONS"), argc, argv, getuid() == 0, err,
	                   sizeof(err)) < 0) {
		complain(NULL, err);
		opts_free(&o);
		return EXIT_USAGE;
	}
	if (o.warning[0])
		complain(NULL, o.warning);
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
