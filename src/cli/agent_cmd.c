/* agent_cmd: the agent's command line. */
#include "cli/agent_cmd.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/num.h"
#include "agent/agent.h"
#include "cli/cli.h"

#define FILE_MAX (64u * 1024) /* a PEM chain or a token is far smaller */

static const char usage[] =
	"usage: hopdoc agent --listen ADDRESS:PORT [options]\n"
	"Serves GET /v1/trace (a trace back to the caller's own address) and /v1/health.\n"
	"  --tls-cert FILE --tls-key FILE   HTTPS with this PEM certificate and key\n"
	"  --token-file FILE                 require \"Authorization: Bearer TOKEN\"\n"
	"  --max-cycles N (60)  --min-interval S (1)  --max-interval S (10)\n"
	"  --max-active N (4)   traces at once      --per-minute N (6) per /24 or /56\n"
	"  --timeout S (10)     idle connection timeout\n"
	"  --max-conns N (64)   connections at once (more are closed at once)\n";

struct files {
	char *cert, *key, *token;
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hopdoc agent: %s%s%s\n%s", what, arg ? " " : "", arg ? arg : "", usage);
	return 2;
}

/* A whole file as a string (no NUL inside, at most FILE_MAX bytes). */
static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n == 0 || n > FILE_MAX || memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: empty, too large or not text", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int take_number(struct agent_opts *o, const char *opt, const char *v)
{
	unsigned long n;
	if (strcmp(opt, "--max-cycles") == 0 && num_ulong(v, 1, 1000, &n) == 0)
		o->bounds.max_cycles = n;
	else if (strcmp(opt, "--max-active") == 0 && num_ulong(v, 1, 256, &n) == 0)
		o->max_active = (unsigned)n;
	else if (strcmp(opt, "--per-minute") == 0 && num_ulong(v, 1, 10000, &n) == 0)
		o->per_minute = (unsigned)n;
	else if (strcmp(opt, "--timeout") == 0 && num_ulong(v, 1, 600, &n) == 0)
		o->timeout_s = (unsigned)n;
	else if (strcmp(opt, "--max-conns") == 0 && num_ulong(v, 1, 1024, &n) == 0)
		o->max_conns = (unsigned)n;
	else if (strcmp(opt, "--min-interval") == 0 &&
	         num_double(v, 0.1, 3600, &o->bounds.min_interval_s) == 0)
		;
	else if (strcmp(opt, "--max-interval") == 0 &&
	         num_double(v, 0.1, 3600, &o->bounds.max_interval_s) == 0)
		;
	else
		return -1;
	return 0;
}

static int take_file(struct files *f, const char *opt, const char *path, char *err, size_t errlen)
{
	char **slot = strcmp(opt, "--tls-cert") == 0   ? &f->cert
	              : strcmp(opt, "--tls-key") == 0  ? &f->key
	              : strcmp(opt, "--token-file") == 0 ? &f->token
	                                                 : NULL;
	if (!slot)
		return 1; /* not a file option */
	free(*slot);
	*slot = slurp(path, err, errlen);
	return *slot ? 0 : -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct agent_opts *o, struct files *f)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char err[300];
		if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
			return fputs(usage, stdout), 0;
		if (!v)
			return usage_error("missing value or unknown option:", opt);
		i++;
		if (strcmp(opt, "--listen") == 0) {
			o->listen = v;
			continue;
		}
		int rc = take_file(f, opt, v, err, sizeof(err));
		if (rc < 0)
			return fprintf(stderr, "hopdoc agent: %s\n", err), 1;
		if (rc > 0 && take_number(o, opt, v) < 0)
			return usage_error("unknown option or value out of range:", opt);
	}
	return -1;
}

static int check(const struct agent_opts *o, const struct files *f)
{
	if (!o->listen)
		return usage_error("--listen ADDRESS:PORT is required", NULL);
	if (!f->cert != !f->key)
		return usage_error("--tls-cert and --tls-key go together", NULL);
	if (o->bounds.min_interval_s > o->bounds.max_interval_s)
		return usage_error("--min-interval is above --max-interval", NULL);
	return -1;
}

/* The token without its line end; a token of spaces is no token. */
static void trim_token(char *t)
{
	size_t n = strlen(t);
	while (n > 0 && strchr("\r\n \t", t[n - 1]))
		t[--n] = '\0';
}

static int serve(struct agent_opts *o, struct files *f)
{
	char exe[PATH_MAX], err[400];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return fprintf(stderr, "hopdoc agent: cannot find its own binary\n"), 1;
	exe[n] = '\0';
	o->hopdoc_path = exe;
	o->tls_cert = f->cert, o->tls_key = f->key;
	if (f->token) {
		trim_token(f->token);
		if (!f->token[0])
			return fprintf(stderr, "hopdoc agent: the token file holds no token\n"), 1;
		o->token = f->token;
	}
	if (agent_serve(o, cli_stop_flag(), err, sizeof(err)) < 0)
		return fprintf(stderr, "hopdoc agent: %s\n", err), 1;
	return 0;
}

int agent_cmd_main(int argc, char **argv)
{
	/* Its files and its port are opened with the rights it starts with: a
	 * setuid install would lend root's key files and low ports to any user. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		fputs("hopdoc agent: not as a setuid program; start it as root or with "
		      "CAP_NET_RAW (systemd/hopdoc-agent.service)\n", stderr);
		return 1;
	}
	struct agent_opts o;
	struct files f = { NULL, NULL, NULL };
	agent_opts_default(&o);
	int rc = parse(argc, argv, &o, &f);
	if (rc < 0)
		rc = check(&o, &f);
	if (rc < 0)
		rc = serve(&o, &f);
	free(f.cert), free(f.key), free(f.token);
	return rc;
}
