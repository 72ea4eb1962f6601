/* retvia: --return-via's URL, the remote command and the remote's answer. */
#include "cli/retvia.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARKER "hopdoc-return: "

static int fail(char *err, size_t errlen, const char *what, const char *url)
{
	snprintf(err, errlen, "--return-via %s: %s", url, what);
	return -1;
}

/* Letters, digits and . - _ (and ':' for a bracketed IPv6 literal); the
 * first may not be '-', so ssh can never take it for an option. */
static bool safe_word(const char *s, size_t n, bool colon_ok)
{
	if (n == 0 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '-' || c == '_' || (colon_ok && c == ':');
		if (!ok)
			return false;
	}
	return true;
}

static int parse_port(const char *s, unsigned *port)
{
	char *end;
	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return -1;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* host or [v6] then an optional :port, into u. */
static int parse_hostport(const char *hp, struct retvia_url *u)
{
	const char *host = hp, *end, *rest;
	bool bracket = hp[0] == '[';
	if (bracket) {
		host = hp + 1;
		end = strchr(host, ']');
		if (!end)
			return -1;
		rest = end + 1;
	} else {
		end = strchr(hp, ':');
		end = end ? end : hp + strlen(hp);
		rest = end;
	}
	size_t n = (size_t)(end - host);
	if (n >= sizeof(u->host) || !safe_word(host, n, bracket))
		return -1;
	memcpy(u->host, host, n);
	u->host[n] = '\0';
	if (*rest == '\0')
		return 0;
	return *rest == ':' ? parse_port(rest + 1, &u->port) : -1;
}

static const struct {
	const char *prefix;
	enum retvia_scheme scheme;
} schemes[] = {
	{"ssh://", RETVIA_SSH},
	{"http://", RETVIA_HTTP},
	{"https://", RETVIA_HTTPS},
};

/* An agent's URL: host[:port] and at most a trailing '/'. */
static int parse_agent(const char *p, struct retvia_url *u, char *err, size_t errlen, const char *url)
{
	char hp[RETVIA_HOST_MAX + 16];
	size_t n = strlen(p);
	if (n > 0 && p[n - 1] == '/')
		n--;
	if (n >= sizeof(hp) || memchr(p, '@', n) || memchr(p, '/', n))
		return fail(err, errlen, "expected http(s)://host[:port] (no path, no user)", url);
	memcpy(hp, p, n);
	hp[n] = '\0';
	if (parse_hostport(hp, u) < 0)
		return fail(err, errlen, "expected http(s)://host[:port] (port 1-65535)", url);
	return 0;
}

int retvia_parse(const char *url, struct retvia_url *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof(*u));
	const char *p = NULL;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]) && !p; i++) {
		if (strncmp(url, schemes[i].prefix, strlen(schemes[i].prefix)) == 0) {
			u->scheme = schemes[i].scheme;
			p = url + strlen(schemes[i].prefix);
		}
	}
	if (!p)
		return fail(err, errlen, "expected ssh://[user@]host[:port] or http(s)://agent[:port]", url);
	if (u->scheme != RETVIA_SSH)
		return parse_agent(p, u, err, errlen, url);
	const char *at = strchr(p, '@');
	if (at) {
		size_t n = (size_t)(at - p);
		if (n >= sizeof(u->user) || !safe_word(p, n, false))
			return fail(err, errlen, "the user name may hold letters, digits and . - _", url);
		memcpy(u->user, p, n);
		u->user[n] = '\0';
		p = at + 1;
	}
	if (strchr(p, '/') || parse_hostport(p, u) < 0)
		return fail(err, errlen, "expected ssh://[user@]host[:port] (port 1-65535; a host "
		                         "of letters, digits and . - _, or [IPv6])", url);
	return 0;
}

/* The probe options both hopdoc and mtr read the same way. */
static int probe_args(const struct config *cfg, char *buf, size_t len)
{
	const struct probe_params *pp = &cfg->probe;
	char proto[32] = "";
	if (pp->proto == MODEL_PROTO_UDP)
		snprintf(proto, sizeof(proto), " -u -P %u", pp->port);
	else if (pp->proto == MODEL_PROTO_TCP)
		snprintf(proto, sizeof(proto), " -T -P %u", pp->port);
	int n = snprintf(buf, len, "%s-c %lu -i %.3f%s", cfg->no_dns ? "-n " : "", pp->cycles,
	                 pp->interval_s, proto);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The server's hopdoc also samples its host counters (--diagnose) but sends
 * no follow-up probes of its own. */
#define REPORT_FMT "--diagnose --no-follow-up -j"

/* The remote command; fmt: what the server's tool prints, for hopdoc and
 * for mtr. With a one-way port, the server's hopdoc is also told (in its
 * environment: an older one ignores it) to reflect the stream on that port
 * of the address ssh reached ($SSH_CONNECTION's third word). */
static int remote_script(const struct config *cfg, unsigned oneway_port, const char *hopdoc_fmt,
                         const char *mtr_fmt, char *script, size_t len)
{
	char args[96], env[96] = "", pre[64] = "";
	if (probe_args(cfg, args, sizeof(args)) < 0)
		return -1;
	if (oneway_port) {
		snprintf(pre, sizeof(pre), "s=${SSH_CONNECTION#* * }; s=${s%%%% *}; ");
		snprintf(env, sizeof(env), RETVIA_ONEWAY_ENV "=$s,%u ", oneway_port);
	}
	/* No single quote may appear inside: the whole is one sh -c '...'. */
	int n = snprintf(script, len,
	    "sh -c 'c=${SSH_CONNECTION%%%% *}; %s"
	    "case $c in \"\"|*[!0-9A-Fa-f.:]*) echo \"" MARKER "noclient\"; exit 3;; esac; "
	    "if command -v hopdoc >/dev/null 2>&1; then echo \"" MARKER "hopdoc\"; "
	    "%sexec hopdoc %s %s -- \"$c\"; "
	    "elif command -v mtr >/dev/null 2>&1; then echo \"" MARKER "mtr\"; "
	    "exec mtr %s %s -- \"$c\"; "
	    "else echo \"" MARKER "none\"; exit 3; fi'",
	    pre, env, args, hopdoc_fmt, args, mtr_fmt);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int retvia_remote_script(const struct config *cfg, char *script, size_t len)
{
	return remote_script(cfg, 0, REPORT_FMT, "--json", script, len);
}

int retvia_remote_script_oneway(const struct config *cfg, unsigned oneway_port, char *script,
                                size_t len)
{
	return remote_script(cfg, oneway_port, REPORT_FMT, "--json", script, len);
}

int retvia_remote_script_live(const struct config *cfg, char *script, size_t len)
{
	return remote_script(cfg, 0, "-l", "-l", script, len);
}

int retvia_ssh_argv(const struct retvia_url *u, const char *script, char *portbuf, size_t portlen,
                    const char *argv[RETVIA_ARGV_MAX])
{
	size_t n = 0;
	argv[n++] = "ssh";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes"; /* never a password prompt: hopdoc handles none */
	argv[n++] = "-o";
	argv[n++] = "ConnectTimeout=10";
	if (u->port) {
		snprintf(portbuf, portlen, "%u", u->port);
		argv[n++] = "-p";
		argv[n++] = portbuf;
	}
	if (u->user[0]) {
		argv[n++] = "-l";
		argv[n++] = u->user;
	}
	argv[n++] = "--";
	argv[n++] = u->host;
	argv[n++] = script;
	argv[n] = NULL;
	return 0;
}

int retvia_agent_url(const struct retvia_url *u, const struct config *cfg, char *url, size_t len)
{
	static const char *const protos[] = { "icmp", "udp", "tcp" };
	const struct probe_params *pp = &cfg->probe;
	bool v6 = strchr(u->host, ':') != NULL;
	char port[16] = "";
	if (u->port)
		snprintf(port, sizeof(port), ":%u", u->port);
	char pparam[24] = "";
	if (pp->proto != MODEL_PROTO_ICMP)
		snprintf(pparam, sizeof(pparam), "&port=%u", pp->port);
	int n = snprintf(url, len, "%s://%s%s%s%s/v1/trace?cycles=%lu&interval=%.3f&proto=%s%s",
	                 u->scheme == RETVIA_HTTPS ? "https" : "http", v6 ? "[" : "", u->host,
	                 v6 ? "]" : "", port, pp->cycles, pp->interval_s, protos[pp->proto], pparam);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const struct {
	const char *word;
	enum retvia_tool tool;
} tools[] = {
	{"hopdoc", RETVIA_TOOL_HOPDOC},
	{"mtr", RETVIA_TOOL_MTR},
	{"none", RETVIA_TOOL_NONE},
};

enum retvia_tool retvia_split(const char *data, size_t len, size_t *body)
{
	const char *nl = memchr(data, '\n', len);
	size_t m = strlen(MARKER);
	*body = 0;
	if (!nl || (size_t)(nl - data) < m || memcmp(data, MARKER, m) != 0)
		return RETVIA_TOOL_UNKNOWN;
	size_t wlen = (size_t)(nl - data) - m;
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		if (strlen(tools[i].word) == wlen && memcmp(data + m, tools[i].word, wlen) == 0) {
			*body = (size_t)(nl - data) + 1;
			return tools[i].tool;
		}
	}
	return RETVIA_TOOL_UNKNOWN;
}

const char *retvia_tool_name(enum retvia_tool t)
{
	switch (t) {
	case RETVIA_TOOL_HOPDOC: return "hopdoc -j";
	case RETVIA_TOOL_MTR: return "mtr --json";
	case RETVIA_TOOL_NONE: return "nothing";
	case RETVIA_TOOL_UNKNOWN: break;
	}
	return "an unknown program";
}
