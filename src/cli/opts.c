/* opts: mtr's command line. GNU getopt_long does the splitting (combined
 * flags such as -rwc100, permuted operands, long forms); every value goes
 * through a range-checked converter here, and each option is one small
 * function in a table so the option list, getopt's strings and the handlers
 * cannot drift apart. */
#include "cli/opts.h"

#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/num.h"
#include "model/field.h"
#include "model/model.h"

enum { OPT_DIAGNOSE = 256, OPT_EXPORT_TEXT, OPT_EXPORT_HTML, OPT_DISPLAYMODE,
       OPT_NO_FOLLOW_UP, OPT_RETURN_VIA, OPT_METRICS, OPT_FLOWS }; /* long-only options */

struct parse_ctx {
	struct opts *o;
	bool privileged;
	bool port_given;
	char *err;
	size_t errlen;
};

typedef int (*opt_apply_fn)(struct parse_ctx *p, const char *arg);
/* Writes the default --help shows, read from a defaulted config. */
typedef void (*opt_default_fn)(const struct config *c, char *buf, size_t len);

struct opt_spec {
	const char *long_name;
	int key;           /* short letter, or OPT_* for long-only options */
	const char *arg;   /* the argument's name in --help; NULL: takes none */
	opt_apply_fn apply;
	const char *help;
	opt_default_fn show_default; /* NULL: no default worth showing */
};

static int fail(struct parse_ctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* mtr reads its numbers with strtol and strtod, which take one plus sign:
 * `-i +1` works there, so it works here. */
static const char *unsigned_part(const char *arg)
{
	return arg && arg[0] == '+' ? arg + 1 : arg;
}

static int int_arg(struct parse_ctx *p, char opt, const char *arg, unsigned long lo, unsigned long hi,
		   unsigned long *out)
{
	if (num_ulong(unsigned_part(arg), lo, hi, out) == 0)
		return 0;
	return fail(p, "-%c: expected an integer from %lu to %lu, got '%s'", opt, lo, hi, arg);
}

static int seconds_arg(struct parse_ctx *p, char opt, const char *arg, double lo, double *out)
{
	if (num_double(unsigned_part(arg), lo, OPTS_MAX_SECONDS, out) == 0)
		return 0;
	return fail(p, "-%c: expected a number of seconds from %g to %g, got '%s'", opt, lo,
		    OPTS_MAX_SECONDS, arg);
}

static int set_output(struct parse_ctx *p, enum render_format out)
{
	p->o->cfg.output = out;
	p->o->cfg.output_given = true;
	return 0;
}

static int opt_report(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_REPORT);
}

static int opt_wide(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.wide = true;
	return set_output(p, RENDER_REPORT);
}

static int opt_json(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_JSON);
}

static int opt_csv(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_CSV);
}

static int opt_xml(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_XML);
}

static int opt_raw(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_RAW);
}

static int opt_split(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_output(p, RENDER_SPLIT);
}

static int opt_cycles(struct parse_ctx *p, const char *arg)
{
	p->o->cfg.cycles_given = true;
	return int_arg(p, 'c', arg, 1, OPTS_MAX_CYCLES, &p->o->cfg.probe.cycles);
}

static int opt_curses(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.curses = true;
	return 0;
}

static int opt_displaymode(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (num_ulong(unsigned_part(arg), 0, OPTS_MAX_DISPLAYMODE, &v) < 0)
		return fail(p, "--displaymode: expected 0, 1 or 2, got '%s'", arg);
	p->o->cfg.displaymode = (unsigned)v;
	return 0;
}

static int opt_interval(struct parse_ctx *p, const char *arg)
{
	double v;
	if (seconds_arg(p, 'i', arg, OPTS_MIN_INTERVAL, &v) < 0)
		return -1;
	/* mtr's rule: only root may flood faster than one round a second. */
	if (v < 1.0 && !p->privileged)
		return fail(p, "-i: intervals below 1 second need root, got '%s'", arg);
	p->o->cfg.probe.interval_s = v;
	return 0;
}

static int opt_gracetime(struct parse_ctx *p, const char *arg)
{
	return seconds_arg(p, 'G', arg, OPTS_MIN_INTERVAL, &p->o->cfg.probe.gracetime_s);
}

static int opt_timeout(struct parse_ctx *p, const char *arg)
{
	return seconds_arg(p, 'Z', arg, OPTS_MIN_INTERVAL, &p->o->cfg.probe.timeout_s);
}

static int opt_psize(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (arg[0] == '-')
		return fail(p, "-s: random packet sizes (negative -s) are not supported, got '%s'", arg);
	if (int_arg(p, 's', arg, OPTS_MIN_PSIZE, OPTS_MAX_PSIZE, &v) < 0)
		return -1;
	p->o->cfg.probe.psize = (unsigned)v;
	return 0;
}

static int opt_bitpattern(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (num_ulong(unsigned_part(arg), 0, 2147483647UL, &v) < 0)
		return fail(p, "-B: expected an integer from 0 to 255 (above 255: random), got '%s'", arg);
	p->o->cfg.probe.bitpattern = v > 255 ? -1 : (int)v; /* mtr: above 255 means random */
	return 0;
}

static int opt_tos(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'Q', arg, 0, 255, &v) < 0)
		return -1;
	p->o->cfg.probe.tos = (int)v;
	return 0;
}

static int opt_first_ttl(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'f', arg, 1, OPTS_MAX_TTL, &v) < 0)
		return -1;
	p->o->cfg.probe.first_ttl = (unsigned)v;
	return 0;
}

static int opt_max_ttl(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'm', arg, 1, OPTS_MAX_TTL, &v) < 0)
		return -1;
	p->o->cfg.probe.max_ttl = (unsigned)v;
	return 0;
}

static int opt_max_unknown(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'U', arg, 1, OPTS_MAX_TTL, &v) < 0)
		return -1;
	p->o->cfg.probe.max_unknown = (unsigned)v;
	return 0;
}

static int opt_port(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'P', arg, 1, 65535, &v) < 0)
		return -1;
	p->o->cfg.probe.port = (unsigned)v;
	p->port_given = true;
	return 0;
}

static int opt_localport(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'L', arg, OPTS_MIN_LOCALPORT, 65535, &v) < 0)
		return -1;
	p->o->cfg.probe.local_port = (unsigned)v;
	return 0;
}

static int opt_mark(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'M', arg, 0, 4294967295UL, &v) < 0)
		return -1;
	p->o->cfg.probe.mark = (unsigned)v;
	return 0;
}

static int set_proto(struct parse_ctx *p, enum model_proto proto)
{
	if (p->o->cfg.probe.proto != MODEL_PROTO_ICMP && p->o->cfg.probe.proto != proto)
		return fail(p, "-u and -T are mutually exclusive");
	p->o->cfg.probe.proto = proto;
	return 0;
}

static int opt_udp(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_proto(p, MODEL_PROTO_UDP);
}

static int opt_tcp(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	return set_proto(p, MODEL_PROTO_TCP);
}

static int opt_ipv4(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.probe.family = AF_INET;
	return 0;
}

static int opt_ipv6(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.probe.family = AF_INET6;
	return 0;
}

static int opt_no_dns(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.no_dns = true;
	return 0;
}

static int opt_show_ips(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.show_ips = true;
	return 0;
}

static int opt_diagnose(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.diagnose = true;
	return 0;
}

static int opt_flows(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (num_ulong(arg, 0, OPTS_MAX_FLOWS, &v) < 0)
		return fail(p, "--flows: expected an integer from 0 to %u, got '%s'",
		            OPTS_MAX_FLOWS, arg);
	p->o->cfg.probe.flows = (unsigned)v;
	return 0;
}

static int opt_no_follow_up(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.no_follow_up = true;
	return 0;
}

static int opt_export_text(struct parse_ctx *p, const char *arg)
{
	if (arg[0] == '\0')
		return fail(p, "--export-text: expected a file name");
	p->o->cfg.export_text = arg;
	return 0;
}

static int opt_export_html(struct parse_ctx *p, const char *arg)
{
	if (arg[0] == '\0')
		return fail(p, "--export-html: expected a file name");
	p->o->cfg.export_html = arg;
	return 0;
}

/* Checked for form by cli/retvia when the run starts; here only kept. */
static int opt_return_via(struct parse_ctx *p, const char *arg)
{
	p->o->cfg.return_via = arg;
	return 0;
}

/* Checked for form by metrics_new when the run starts (numbers only, no
 * wildcard); here only kept. */
static int opt_metrics(struct parse_ctx *p, const char *arg)
{
	if (arg[0] == '\0')
		return fail(p, "--metrics: expected ADDRESS:PORT");
	p->o->cfg.metrics = arg;
	return 0;
}

static int opt_order(struct parse_ctx *p, const char *arg)
{
	size_t len = strlen(arg);
	if (len == 0 || len > OPTS_MAX_FIELDS)
		return fail(p, "-o: expected 1 to %d field letters, got '%s'", OPTS_MAX_FIELDS, arg);
	for (const char *c = arg; *c; c++) {
		char known[32];
		if (!field_for(*c))
			return fail(p, "-o: unknown field letter '%c' (known: %s)", *c,
				    field_letters(known, sizeof(known)));
	}
	snprintf(p->o->cfg.fields, sizeof(p->o->cfg.fields), "%s", arg);
	return 0;
}

static int opt_interface(struct parse_ctx *p, const char *arg)
{
	if (arg[0] == '\0' || strlen(arg) >= IF_NAMESIZE)
		return fail(p, "-I: expected an interface name of 1 to %d characters, got '%s'",
			    IF_NAMESIZE - 1, arg);
	p->o->cfg.probe.interface = arg;
	return 0;
}

static int opt_address(struct parse_ctx *p, const char *arg)
{
	struct model_addr a;
	if (model_addr_parse(arg, &a) < 0)
		return fail(p, "-a: expected a numeric IPv4 or IPv6 address, got '%s'", arg);
	p->o->cfg.probe.src_addr = arg;
	return 0;
}

static int opt_filename(struct parse_ctx *p, const char *arg)
{
	p->o->targets_file = arg;
	return 0;
}

static int opt_help(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->action = OPTS_HELP;
	return 0;
}

static int opt_version(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->action = OPTS_VERSION;
	return 0;
}

static int opt_mpls(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.mpls = true;
	return 0;
}


static int opt_ipinfo(struct parse_ctx *p, const char *arg)
{
	unsigned long v;
	if (int_arg(p, 'y', arg, 0, MODEL_IPINFO_FIELDS - 1, &v) < 0) /* mtr 0.95: 0 to 4 */
		return -1;
	p->o->cfg.ipinfo = true;
	p->o->cfg.ipinfo_field = (unsigned)v;
	return 0;
}

static int opt_aslookup(struct parse_ctx *p, const char *arg)
{
	(void)arg;
	p->o->cfg.ipinfo = true;
	p->o->cfg.ipinfo_field = 0;
	return 0;
}

static void default_cycles(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%lu", c->probe.cycles);
}

static void default_interval(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%g; below 1 needs root", c->probe.interval_s);
}

static void default_gracetime(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%g", c->probe.gracetime_s);
}

static void default_timeout(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%g", c->probe.timeout_s);
}

static void default_first_ttl(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->probe.first_ttl);
}

static void default_max_ttl(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->probe.max_ttl);
}

static void default_max_unknown(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->probe.max_unknown);
}

static void default_psize(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->probe.psize);
}

static void default_tos(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%d", c->probe.tos);
}

static void default_port(const struct config *c, char *buf, size_t len)
{
	(void)c; /* only -T has a default, set after parsing */
	snprintf(buf, len, "TCP: %u", OPTS_TCP_PORT);
}

static void default_flows(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%u", c->probe.flows);
}

static void default_fields(const struct config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s", c->fields);
}

/* The order is --help's. */
static const struct opt_spec opt_table[] = {
	{"filename", 'F', "FILE", opt_filename, "read host names from a file (one per line)", NULL},
	{"inet", '4', NULL, opt_ipv4, "use IPv4 only", NULL},
	{"inet6", '6', NULL, opt_ipv6, "use IPv6 only", NULL},
	{"udp", 'u', NULL, opt_udp, "use UDP instead of ICMP echo", NULL},
	{"tcp", 'T', NULL, opt_tcp, "use TCP SYN instead of ICMP echo", NULL},
	{"interface", 'I', "NAME", opt_interface, "use the named network interface", NULL},
	{"address", 'a', "ADDRESS", opt_address, "bind the outgoing socket to ADDRESS", NULL},
	{"first-ttl", 'f', "NUMBER", opt_first_ttl, "TTL to start with", default_first_ttl},
	{"max-ttl", 'm', "NUMBER", opt_max_ttl, "maximum number of hops", default_max_ttl},
	{"max-unknown", 'U', "NUMBER", opt_max_unknown, "stop after this many silent hops",
	 default_max_unknown},
	{"port", 'P', "PORT", opt_port, "target port for TCP or UDP", default_port},
	{"localport", 'L', "LOCALPORT", opt_localport, "source port for UDP or TCP", NULL},
	{"psize", 's', "PACKETSIZE", opt_psize, "packet size in bytes", default_psize},
	{"bitpattern", 'B', "NUMBER", opt_bitpattern, "payload byte 0-255; above 255: random", NULL},
	{"interval", 'i', "SECONDS", opt_interval, "seconds between rounds", default_interval},
	{"gracetime", 'G', "SECONDS", opt_gracetime, "wait for late replies after the last round",
	 default_gracetime},
	{"tos", 'Q', "NUMBER", opt_tos, "type of service byte 0-255", default_tos},
	{"timeout", 'Z', "SECONDS", opt_timeout, "how long a probe waits for its reply", default_timeout},
	{"mark", 'M', "MARK", opt_mark, "SO_MARK for each packet sent", NULL},
	{"report", 'r', NULL, opt_report, "report mode (the default without a terminal)", NULL},
	{"curses", 't', NULL, opt_curses, "the interactive view (the default on a terminal)", NULL},
	{"displaymode", OPT_DISPLAYMODE, "MODE", opt_displaymode,
	 "the view's display: 0 statistics, 1 strip chart, 2 with its scale", NULL},
	{"report-wide", 'w', NULL, opt_wide, "wide report: names are not cut", NULL},
	{"report-cycles", 'c', "COUNT", opt_cycles, "number of rounds", default_cycles},
	{"json", 'j', NULL, opt_json, "JSON output", NULL},
	{"xml", 'x', NULL, opt_xml, "XML output", NULL},
	{"csv", 'C', NULL, opt_csv, "CSV output (','-separated, as mtr)", NULL},
	{"raw", 'l', NULL, opt_raw, "raw output, streamed", NULL},
	{"split", 'p', NULL, opt_split, "split output, streamed", NULL},
	{"no-dns", 'n', NULL, opt_no_dns, "do not resolve host names", NULL},
	{"show-ips", 'b', NULL, opt_show_ips, "show IP numbers and host names", NULL},
	{"order", 'o', "FIELDS", opt_order, "select output fields", default_fields},
	{"flows", OPT_FLOWS, "N", opt_flows,
	 "probe N constant flows per hop (ECMP branches, MDA rule); 0: ports vary as mtr's",
	 default_flows},
	{"diagnose", OPT_DIAGNOSE, NULL, opt_diagnose, "append where loss and latency live", NULL},
	{"return-via", OPT_RETURN_VIA, "URL", opt_return_via,
	 "also trace the way back from ssh://[user@]host[:port]", NULL},
	{"no-follow-up", OPT_NO_FOLLOW_UP, NULL, opt_no_follow_up,
	 "with --diagnose: no follow-up probes after the run", NULL},
	{"export-text", OPT_EXPORT_TEXT, "FILE", opt_export_text,
	 "when the run ends, write WinMTR's text table to FILE", NULL},
	{"export-html", OPT_EXPORT_HTML, "FILE", opt_export_html,
	 "when the run ends, write a self-contained HTML page to FILE", NULL},
	{"metrics", OPT_METRICS, "ADDR:PORT", opt_metrics,
	 "serve Prometheus metrics of the run at http://ADDR:PORT/metrics", NULL},
	{"mpls", 'e', NULL, opt_mpls, "show MPLS labels (RFC 4950) under their hops", NULL},
	{"ipinfo", 'y', "NUMBER", opt_ipinfo, "show IP information field 0-4 (AS, prefix, country, registry, date)", NULL},
	{"aslookup", 'z', NULL, opt_aslookup, "show AS numbers (origin TXT lookups; none with -n)", NULL},
	{"help", 'h', NULL, opt_help, "display this help and exit", NULL},
	{"version", 'v', NULL, opt_version, "output version information and exit", NULL},
};
#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

void opts_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	probe_params_init(&cfg->probe);
	cfg->output = RENDER_REPORT;
	snprintf(cfg->fields, sizeof(cfg->fields), "%s", FIELD_DEFAULT);
}

static const struct opt_spec *spec_for(int key)
{
	for (size_t i = 0; i < N_OPTS; i++)
		if (opt_table[i].key == key)
			return &opt_table[i];
	return NULL;
}

/* getopt's short string (":" first, so a missing argument is told apart from
 * an unknown option) and long table, both derived from opt_table. */
static void build_getopt_tables(char *shorts, size_t n, struct option *longs)
{
	size_t k = 0;
	shorts[k++] = ':';
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_spec *s = &opt_table[i];
		longs[i] = (struct option){s->long_name, s->arg ? required_argument : no_argument, NULL,
					   s->key};
		if (s->key < 256 && k + 2 < n) {
			shorts[k++] = (char)s->key;
			if (s->arg)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	longs[N_OPTS] = (struct option){NULL, 0, NULL, 0};
}

/* The long options `word` ("--re", "--re=x") abbreviates, as " --a --b";
 * the count of them. */
static size_t long_candidates(const char *word, char *buf, size_t len)
{
	size_t n_chars = strcspn(word + 2, "="), found = 0, used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < N_OPTS; i++) {
		if (strncmp(opt_table[i].long_name, word + 2, n_chars) != 0)
			continue;
		found++;
		int w = snprintf(buf + used, len - used, " --%s", opt_table[i].long_name);
		if (w > 0 && (size_t)w < len - used)
			used += (size_t)w;
	}
	return found;
}

static int bad_option(struct parse_ctx *p, int c, int argc, char **argv)
{
	const char *word = optind >= 1 && optind <= argc ? argv[optind - 1] : "?";
	const struct opt_spec *s = spec_for(optopt);
	char candidates[OPTS_ERR_MAX / 2];
	if (c == ':' && s && s->key < 256)
		return fail(p, "-%c (--%s) needs an argument", s->key, s->long_name);
	if (c == ':')
		return fail(p, "%s needs an argument", word);
	if (optopt > 0 && optopt < 256)
		return fail(p, "unknown option -%c (try --help)", optopt);
	if (strncmp(word, "--", 2) == 0 && long_candidates(word, candidates, sizeof(candidates)) > 1)
		return fail(p, "option %s is ambiguous; possibilities:%s", word, candidates);
	return fail(p, "unknown option %s (try --help)", word);
}

static int add_target(struct opts *o, const char *host)
{
	char **grown = realloc(o->targets, (o->n_targets + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	o->targets = grown;
	o->targets[o->n_targets] = strdup(host);
	if (!o->targets[o->n_targets])
		return -1;
	o->n_targets++;
	return 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* mtr refuses an -a of the wrong family ("invalid local address"). -a also
 * picks the family when -4/-6 do not: probes can only leave from it. */
static int check_address_family(struct parse_ctx *p)
{
	struct probe_params *pp = &p->o->cfg.probe;
	struct model_addr a;
	if (!pp->src_addr || model_addr_parse(pp->src_addr, &a) < 0)
		return 0;
	if (pp->family != AF_UNSPEC && pp->family != a.family)
		return fail(p, "-a: %s is an %s address, but -%c asks for %s", pp->src_addr,
			    family_name(a.family), pp->family == AF_INET ? '4' : '6',
			    family_name(pp->family));
	pp->family = a.family;
	return 0;
}

static int check_combination(struct parse_ctx *p)
{
	struct config *c = &p->o->cfg;
	if (c->probe.first_ttl > c->probe.max_ttl)
		return fail(p, "-f: the first TTL (%u) is above the maximum TTL (%u)", c->probe.first_ttl,
			    c->probe.max_ttl);
	if (c->probe.proto == MODEL_PROTO_TCP && !p->port_given)
		c->probe.port = OPTS_TCP_PORT;
	/* mtr-packet puts -L on UDP probes only; TCP keeps its own source ports. */
	if (c->probe.proto != MODEL_PROTO_UDP)
		c->probe.local_port = 0;
	if (probe_params_check(&c->probe, p->err, p->errlen) < 0) /* --flows with -L -P */
		return -1;
	return check_address_family(p);
}

/* Words a user types for help, which must never be looked up as hosts. */
static enum opts_action command_word(const char *word)
{
	static const char *const help_words[] = {"help", "usage", "?", "/?", "/h"};
	for (size_t i = 0; i < sizeof(help_words) / sizeof(help_words[0]); i++)
		if (strcasecmp(word, help_words[i]) == 0)
			return OPTS_HELP;
	return strcasecmp(word, "version") == 0 ? OPTS_VERSION : OPTS_RUN;
}

/* "--HELP", "--usage", "-?": not options, but plainly asking for help. */
static enum opts_action dashed_command_word(int c, int argc, char **argv)
{
	if (c != '?' || optind < 1 || optind > argc)
		return OPTS_RUN;
	const char *word = argv[optind - 1];
	if (word[0] != '-')
		return OPTS_RUN;
	word += strspn(word, "-");
	return command_word(word);
}

static int run_getopt(struct parse_ctx *p, int argc, char **argv)
{
	char shorts[2 * N_OPTS + 2];
	struct option longs[N_OPTS + 1];
	build_getopt_tables(shorts, sizeof(shorts), longs);
	optind = 0; /* GNU: start afresh, so the parser can run more than once */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt_spec *s = (c == '?' || c == ':') ? NULL : spec_for(c);
		if (!s && dashed_command_word(c, argc, argv) != OPTS_RUN) {
			p->o->action = dashed_command_word(c, argc, argv);
			return 0;
		}
		if (!s)
			return bad_option(p, c, argc, argv);
		if (s->apply(p, optarg) < 0)
			return -1;
	}
	return 0;
}

static int collect_operands(struct parse_ctx *p, int argc, char **argv)
{
	for (int i = optind; i < argc; i++) {
		if (command_word(argv[i]) != OPTS_RUN) {
			p->o->action = command_word(argv[i]);
			return 0;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (argv[i][0] == '\0')
			return fail(p, "empty host name");
		if (add_target(p->o, argv[i]) < 0)
			return fail(p, "out of memory");
	}
	if (p->o->n_targets == 0 && !p->o->targets_file && add_target(p->o, "localhost") < 0)
		return fail(p, "out of memory");
	return 0;
}

int opts_split_words(const char *s, char **buf, char ***argv, const char **ignored, char *err,
                     size_t errlen)
{
	static const char prog[] = "mtr";
	static const char seps[] = " \t"; /* mtr 0.95's strtok: no quoting, no escapes */
	*buf = malloc(sizeof(prog) + strlen(s) + 1);
	*argv = calloc(OPTS_ENV_MAX_WORDS + 2, sizeof(**argv));
	*ignored = NULL;
	if (!*buf || !*argv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(*buf, prog, sizeof(prog));
	char *words = *buf + sizeof(prog);
	memcpy(words, s, strlen(s) + 1);
	int argc = 0;
	(*argv)[argc++] = *buf;
	char *save = NULL;
	for (char *w = strtok_r(words, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		if (argc > OPTS_ENV_MAX_WORDS) {
			*ignored = w; /* mtr names the first word it drops */
			break;
		}
		(*argv)[argc++] = w;
	}
	(*argv)[argc] = NULL;
	return argc;
}

/* Options from MTR_OPTIONS; as in mtr, operands there are ignored. */
static int parse_env(struct parse_ctx *p, const char *env)
{
	const char *ignored = NULL;
	int argc = opts_split_words(env, &p->o->env_buf, &p->o->env_argv, &ignored, p->err,
	                            p->errlen);
	if (argc < 0)
		return -1;
	if (ignored)
		snprintf(p->o->warning, sizeof(p->o->warning),
			 "MTR_OPTIONS: warning: extra arguments ignored: %.200s", ignored);
	if (run_getopt(p, argc, p->o->env_argv) == 0)
		return 0;
	char why[OPTS_ERR_MAX];
	snprintf(why, sizeof(why), "%s", p->err);
	return fail(p, "MTR_OPTIONS: %s", why);
}

int opts_parse_env(struct opts *o, const char *mtr_options, int argc, char **argv,
                   bool privileged, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	opts_defaults(&o->cfg);
	o->action = OPTS_RUN;
	struct parse_ctx p = {.o = o, .privileged = privileged, .err = err, .errlen = errlen};
	if (mtr_options && parse_env(&p, mtr_options) < 0)
		return -1;
	if (run_getopt(&p, argc, argv) < 0)
		return -1;
	if (o->action != OPTS_RUN)
		return 0;
	if (check_combination(&p) < 0)
		return -1;
	return collect_operands(&p, argc, argv);
}

int opts_parse(struct opts *o, int argc, char **argv, bool privileged, char *err, size_t errlen)
{
	return opts_parse_env(o, NULL, argc, argv, privileged, err, errlen);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

int opts_read_targets(struct opts *o, FILE *in, char *err, size_t errlen)
{
	char line[1024];
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(in)) {
			snprintf(err, errlen, "line %lu: longer than %zu characters", lineno, sizeof(line) - 2);
			return -1;
		}
		char *host = trim(line);
		if (host[0] == '\0' || host[0] == '#')
			continue;
		if (add_target(o, host) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (ferror(in)) {
		snprintf(err, errlen, "read error");
		return -1;
	}
	return 0;
}

void opts_free(struct opts *o)
{
	for (size_t i = 0; i < o->n_targets; i++)
		free(o->targets[i]);
	free(o->targets);
	o->targets = NULL;
	o->n_targets = 0;
	free(o->env_argv);
	free(o->env_buf);
	o->env_argv = NULL;
	o->env_buf = NULL;
}

/* " -c, --report-cycles COUNT" or "     --diagnose" */
static void option_words(const struct opt_spec *s, char *buf, size_t len)
{
	char shorts[8] = "    ";
	if (s->key < 256)
		snprintf(shorts, sizeof(shorts), "-%c, ", s->key);
	snprintf(buf, len, " %s--%s%s%s", shorts, s->long_name, s->arg ? " " : "", s->arg ? s->arg : "");
}

static int options_width(void)
{
	size_t w = 0;
	for (size_t i = 0; i < N_OPTS; i++) {
		char words[64];
		option_words(&opt_table[i], words, sizeof(words));
		w = strlen(words) > w ? strlen(words) : w;
	}
	return (int)w + 2;
}

static void usage_line(struct sink *out, const struct opt_spec *s, const struct config *defaults,
		       int width)
{
	char words[64], dflt[64];
	option_words(s, words, sizeof(words));
	sink_printf(out, "%-*s%s", width, words, s->help);
	if (s->show_default) {
		s->show_default(defaults, dflt, sizeof(dflt));
		sink_printf(out, " (%s)", dflt);
	}
	sink_puts(out, "\n");
}

int opts_usage(struct sink *out)
{
	struct config defaults;
	opts_defaults(&defaults);
	sink_puts(out, "usage: hopdoc [options] HOST...\n"
		       "       hopdoc analyze [--json] OUTBOUND [RETURN]\n"
		       "       hopdoc host ...   (this host's own drops; see HOST CHECKS in hopdoc(1))\n"
		       "Network path diagnosis: an mtr-compatible prober that says where loss\n"
		       "and latency live.\n\n");
	int width = options_width();
	for (size_t i = 0; i < N_OPTS; i++)
		usage_line(out, &opt_table[i], &defaults, width);
	sink_puts(out, "\nSee hopdoc(1) for details.\n");
	return sink_error(out);
}
