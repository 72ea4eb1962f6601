/* opts: every mtr option, the defaults, every range error, and --help made
 * from the option table. The table is private to opts.c, so this test
 * compiles opts.c itself (as curl's UNITTEST does) instead of linking it;
 * first, since cmocka defines a macro named fail. */
#include "cli/opts.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "model/field.h"
#include "probe/probe.h"

#define MAX_ARGS 40

/* Parses a space-separated command line ("hopdoc" is prepended). Arguments
 * containing spaces are written with '_' and turned back into spaces. */
static int parse_line(struct opts *o, bool privileged, const char *line, char *err, size_t errlen)
{
	static char buf[512];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	snprintf(buf, sizeof(buf), "hopdoc %s", line);
	for (char *tok = strtok(buf, " "); tok && argc < MAX_ARGS; tok = strtok(NULL, " ")) {
		for (char *c = tok; *c; c++)
			if (*c == '_')
				*c = ' ';
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	return opts_parse(o, argc, argv, privileged, err, errlen);
}

static struct opts ok(const char *line)
{
	struct opts o;
	char err[OPTS_ERR_MAX];
	int rc = parse_line(&o, true, line, err, sizeof(err));
	if (rc != 0)
		fail_msg("'%s' failed: %s", line, err);
	return o;
}

static void fails_with(const char *line, bool privileged, const char *expected)
{
	struct opts o;
	char err[OPTS_ERR_MAX];
	int rc = parse_line(&o, privileged, line, err, sizeof(err));
	opts_free(&o);
	if (rc == 0)
		fail_msg("'%s' was accepted", line);
	if (!strstr(err, expected))
		fail_msg("'%s': message '%s' lacks '%s'", line, err, expected);
}

static void defaults_are_mtrs(void **state)
{
	(void)state;
	struct opts o = ok("host.example");
	const struct config *c = &o.cfg;
	assert_int_equal(o.action, OPTS_RUN);
	assert_int_equal(o.n_targets, 1);
	assert_string_equal(o.targets[0], "host.example");
	assert_null(c->probe.target);
	assert_int_equal(c->probe.family, AF_UNSPEC);
	assert_int_equal(c->probe.proto, MODEL_PROTO_ICMP);
	assert_int_equal(c->probe.port, 0);
	assert_int_equal(c->probe.local_port, 0);
	assert_true(c->probe.interval_s == 1.0);
	assert_int_equal(c->probe.cycles, 10);
	assert_int_equal(c->probe.first_ttl, 1);
	assert_int_equal(c->probe.max_ttl, 30);
	assert_int_equal(c->probe.max_unknown, 12);
	assert_true(c->probe.timeout_s == 10.0);
	assert_true(c->probe.gracetime_s == 5.0);
	assert_int_equal(c->probe.psize, 64);
	assert_int_equal(c->probe.bitpattern, 0);
	assert_int_equal(c->probe.tos, 0);
	assert_null(c->probe.interface);
	assert_null(c->probe.src_addr);
	assert_int_equal(c->probe.mark, 0);
	assert_true(c->probe.max_pps > 0);
	assert_false(c->no_dns);
	assert_false(c->show_ips);
	assert_false(c->wide);
	assert_false(c->diagnose);
	assert_int_equal(c->output, RENDER_REPORT);
	assert_string_equal(c->fields, "LS NABWV");
	assert_null(o.targets_file);
	opts_free(&o);
}

static void no_target_means_localhost(void **state)
{
	(void)state;
	struct opts o = ok("-r");
	assert_int_equal(o.n_targets, 1);
	assert_string_equal(o.targets[0], "localhost");
	opts_free(&o);
}

static void several_targets_and_permuted_operands(void **state)
{
	(void)state;
	struct opts o = ok("a.example -n b.example -c 3");
	assert_int_equal(o.n_targets, 2);
	assert_string_equal(o.targets[0], "a.example");
	assert_string_equal(o.targets[1], "b.example");
	assert_true(o.cfg.no_dns);
	assert_int_equal(o.cfg.probe.cycles, 3);
	opts_free(&o);
}

static void combined_short_flags(void **state)
{
	(void)state;
	struct opts o = ok("-rwc 100 h");
	assert_true(o.cfg.wide);
	assert_int_equal(o.cfg.output, RENDER_REPORT);
	assert_int_equal(o.cfg.probe.cycles, 100);
	opts_free(&o);
	o = ok("-rwc100 h");
	assert_true(o.cfg.wide);
	assert_int_equal(o.cfg.probe.cycles, 100);
	opts_free(&o);
	o = ok("-nbc7 h");
	assert_true(o.cfg.no_dns);
	assert_true(o.cfg.show_ips);
	assert_int_equal(o.cfg.probe.cycles, 7);
	opts_free(&o);
}

struct format_case {
	const char *line;
	enum render_format out;
};

static void output_formats_short_and_long(void **state)
{
	(void)state;
	static const struct format_case cases[] = {
	    {"-r h", RENDER_REPORT},    {"--report h", RENDER_REPORT},
	    {"-w h", RENDER_REPORT},    {"--report-wide h", RENDER_REPORT},
	    {"-j h", RENDER_JSON},      {"--json h", RENDER_JSON},
	    {"-C h", RENDER_CSV},       {"--csv h", RENDER_CSV},
	    {"-x h", RENDER_XML},       {"--xml h", RENDER_XML},
	    {"-l h", RENDER_RAW},       {"--raw h", RENDER_RAW},
	    {"-p h", RENDER_SPLIT},     {"--split h", RENDER_SPLIT},
	    {"-j -C h", RENDER_CSV}, /* the last one wins, as in mtr */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct opts o = ok(cases[i].line);
		if (o.cfg.output != cases[i].out)
			fail_msg("'%s': output %d, expected %d", cases[i].line, o.cfg.output, cases[i].out);
		opts_free(&o);
	}
	struct opts o = ok("--report-wide h");
	assert_true(o.cfg.wide);
	opts_free(&o);
}

/* The view's options, and what tells the CLI a report was asked for. */
static void view_options(void **state)
{
	(void)state;
	struct opts o = ok("h");
	assert_false(o.cfg.output_given);
	assert_false(o.cfg.curses);
	assert_false(o.cfg.cycles_given);
	assert_int_equal(o.cfg.displaymode, 0);
	opts_free(&o);
	o = ok("-t --displaymode 2 -c 5 h");
	assert_true(o.cfg.curses);
	assert_true(o.cfg.cycles_given);
	assert_int_equal(o.cfg.displaymode, 2);
	opts_free(&o);
	o = ok("--curses -r h");
	assert_true(o.cfg.curses);
	assert_true(o.cfg.output_given);
	opts_free(&o);
	static const char *const reports[] = { "-r h", "-w h", "-j h", "-x h", "-C h", "-l h", "-p h" };
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		o = ok(reports[i]);
		if (!o.cfg.output_given)
			fail_msg("'%s' does not count as an output flag", reports[i]);
		opts_free(&o);
	}
	fails_with("--displaymode 3 h", true, "--displaymode: expected 0, 1 or 2, got '3'");
	fails_with("--displaymode -1 h", true, "--displaymode");
	fails_with("--displaymode x h", true, "--displaymode");
}

static void numeric_options_short_and_long(void **state)
{
	(void)state;
	struct opts o = ok("-c 5 -i 0.25 -s 100 -B 170 -G 2.5 -Q 16 -f 3 -m 40 -U 7 -Z 1.5 -M 4294967295 h");
	const struct config *c = &o.cfg;
	assert_int_equal(c->probe.cycles, 5);
	assert_true(c->probe.interval_s == 0.25);
	assert_int_equal(c->probe.psize, 100);
	assert_int_equal(c->probe.bitpattern, 170);
	assert_true(c->probe.gracetime_s == 2.5);
	assert_int_equal(c->probe.tos, 16);
	assert_int_equal(c->probe.first_ttl, 3);
	assert_int_equal(c->probe.max_ttl, 40);
	assert_int_equal(c->probe.max_unknown, 7);
	assert_true(c->probe.timeout_s == 1.5);
	assert_int_equal(c->probe.mark, 4294967295U);
	opts_free(&o);
	o = ok("-c +7 -i +2.5 h"); /* a plus sign, as mtr's strtol and strtod take */
	assert_int_equal(o.cfg.probe.cycles, 7);
	assert_true(o.cfg.probe.interval_s == 2.5);
	opts_free(&o);
	o = ok("-t -B +9 --displaymode +2 h"); /* mtr 0.95 reads these with strtol too */
	assert_int_equal(o.cfg.probe.bitpattern, 9);
	assert_int_equal(o.cfg.displaymode, 2);
	opts_free(&o);
	o = ok("--report-cycles=6 --interval 2 --psize 28 --bitpattern 0 --gracetime 1 --tos 255 "
	       "--first-ttl 2 --max-ttl 255 --max-unknown 1 --timeout 3 --mark 9 h");
	assert_int_equal(o.cfg.probe.cycles, 6);
	assert_true(o.cfg.probe.interval_s == 2.0);
	assert_int_equal(o.cfg.probe.psize, 28);
	assert_int_equal(o.cfg.probe.tos, 255);
	assert_int_equal(o.cfg.probe.first_ttl, 2);
	assert_int_equal(o.cfg.probe.max_ttl, 255);
	assert_int_equal(o.cfg.probe.max_unknown, 1);
	assert_true(o.cfg.probe.timeout_s == 3.0);
	assert_int_equal(o.cfg.probe.mark, 9);
	opts_free(&o);
}

static void bitpattern_above_255_is_random(void **state)
{
	(void)state;
	struct opts o = ok("-B 256 h");
	assert_int_equal(o.cfg.probe.bitpattern, -1);
	opts_free(&o);
}

static void flows_option(void **state)
{
	(void)state;
	struct opts o = ok("h");
	assert_int_equal(o.cfg.probe.flows, 1); /* constant flow by default */
	opts_free(&o);
	o = ok("--flows 16 -u h");
	assert_int_equal(o.cfg.probe.flows, 16);
	opts_free(&o);
	o = ok("--flows 0 -T h");
	assert_int_equal(o.cfg.probe.flows, 0);
	opts_free(&o);
	o = ok("--flows 8 -u -P 53 h");
	assert_int_equal(o.cfg.probe.flows, 8);
	opts_free(&o);
	fails_with("--flows 65 h", true, "--flows: expected an integer from 0 to 64");
	fails_with("--flows x h", true, "--flows");
	fails_with("--flows 2 -u -L 4000 -P 53 h", true, "needs a port left free");
}

static void protocols_and_ports(void **state)
{
	(void)state;
	struct opts o = ok("-u h");
	assert_int_equal(o.cfg.probe.proto, MODEL_PROTO_UDP);
	assert_int_equal(o.cfg.probe.port, 0);
	opts_free(&o);
	o = ok("--tcp h");
	assert_int_equal(o.cfg.probe.proto, MODEL_PROTO_TCP);
	assert_int_equal(o.cfg.probe.port, 80); /* mtr's default for -T */
	opts_free(&o);
	o = ok("-P 443 -T -L 40000 h");
	assert_int_equal(o.cfg.probe.port, 443);
	assert_int_equal(o.cfg.probe.local_port, 0); /* mtr-packet: -L is for UDP only */
	opts_free(&o);
	o = ok("-L 40000 h");
	assert_int_equal(o.cfg.probe.local_port, 0); /* nor for ICMP */
	opts_free(&o);
	o = ok("-u -L 40000 h");
	assert_int_equal(o.cfg.probe.local_port, 40000);
	opts_free(&o);
	o = ok("--udp --port 53 --localport 1024 h");
	assert_int_equal(o.cfg.probe.proto, MODEL_PROTO_UDP);
	assert_int_equal(o.cfg.probe.port, 53);
	assert_int_equal(o.cfg.probe.local_port, 1024);
	opts_free(&o);
	o = ok("-u -u h");
	assert_int_equal(o.cfg.probe.proto, MODEL_PROTO_UDP);
	opts_free(&o);
}

static void families_flags_and_strings(void **state)
{
	(void)state;
	struct opts o = ok("-4 h");
	assert_int_equal(o.cfg.probe.family, AF_INET);
	opts_free(&o);
	o = ok("-4 -6 h");
	assert_int_equal(o.cfg.probe.family, AF_INET6);
	opts_free(&o);
	o = ok("--no-dns --show-ips --diagnose -I veth0 -a 10.0.0.2 h");
	assert_true(o.cfg.no_dns);
	assert_true(o.cfg.show_ips);
	assert_true(o.cfg.diagnose);
	assert_string_equal(o.cfg.probe.interface, "veth0");
	assert_string_equal(o.cfg.probe.src_addr, "10.0.0.2");
	opts_free(&o);
	o = ok("--interface eth1 --address fd00::2 h");
	assert_string_equal(o.cfg.probe.interface, "eth1");
	assert_string_equal(o.cfg.probe.src_addr, "fd00::2");
	opts_free(&o);
	o = ok("h");
	assert_null(o.cfg.metrics);
	opts_free(&o);
	o = ok("--metrics 127.0.0.1:9464 h"); /* its form is metrics_new's to check */
	assert_string_equal(o.cfg.metrics, "127.0.0.1:9464");
	opts_free(&o);
	o = ok("--metrics=[::1]:9464 h");
	assert_string_equal(o.cfg.metrics, "[::1]:9464");
	opts_free(&o);
}

static void field_order(void **state)
{
	(void)state;
	struct opts o = ok("-o LSD_NBAW__X h");
	assert_string_equal(o.cfg.fields, "LSD NBAW  X");
	opts_free(&o);
	o = ok("--order DRAGJMXI h");
	assert_string_equal(o.cfg.fields, "DRAGJMXI");
	opts_free(&o);
}

static void help_version_and_file(void **state)
{
	(void)state;
	struct opts o = ok("--help");
	assert_int_equal(o.action, OPTS_HELP);
	opts_free(&o);
	o = ok("-h");
	assert_int_equal(o.action, OPTS_HELP);
	opts_free(&o);
	o = ok("-v");
	assert_int_equal(o.action, OPTS_VERSION);
	opts_free(&o);
	o = ok("--version");
	assert_int_equal(o.action, OPTS_VERSION);
	opts_free(&o);
	o = ok("-F hosts.txt");
	assert_string_equal(o.targets_file, "hosts.txt");
	assert_int_equal(o.n_targets, 0); /* no localhost when a file names them */
	opts_free(&o);
	o = ok("--filename=list");
	assert_string_equal(o.targets_file, "list");
	opts_free(&o);
}

/* The --help text, from a buffer sink; the caller frees it with sink_free. */
static const char *usage_text(struct sink **out)
{
	*out = sink_new_buffer();
	assert_non_null(*out);
	assert_int_equal(opts_usage(*out), 0);
	return sink_buffer(*out, NULL);
}

/* The help line of --name; fails the test when there is none. */
static void help_line(const char *help, const char *name, char *line, size_t len)
{
	char key[64];
	snprintf(key, sizeof(key), "--%s ", name);
	const char *at = strstr(help, key);
	if (!at) {
		snprintf(key, sizeof(key), "--%s\n", name);
		at = strstr(help, key);
	}
	if (!at)
		fail_msg("--help lacks --%s", name);
	const char *start = at;
	while (start > help && start[-1] != '\n')
		start--;
	snprintf(line, len, "%.*s", (int)strcspn(start, "\n"), start);
}

static void help_lists_every_option(void **state)
{
	(void)state;
	struct sink *out;
	const char *help = usage_text(&out);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_spec *s = &opt_table[i];
		char line[256], want[64];
		help_line(help, s->long_name, line, sizeof(line));
		if (s->key < 256) {
			snprintf(want, sizeof(want), " -%c, --%s", s->key, s->long_name);
			if (strncmp(line, want, strlen(want)) != 0)
				fail_msg("'%s' does not start with '%s'", line, want);
		}
		if (s->arg) {
			snprintf(want, sizeof(want), "--%s %s ", s->long_name, s->arg);
			assert_non_null(strstr(line, want));
		}
		assert_non_null(strstr(line, s->help));
	}
	sink_free(out);
}

static void help_contains(const char *help, const char *name, const char *want)
{
	char line[256];
	help_line(help, name, line, sizeof(line));
	if (!strstr(line, want))
		fail_msg("--%s: '%s' lacks '%s'", name, line, want);
}

/* The defaults shown are the engine's and the parser's, not a copy. */
static void help_shows_the_real_defaults(void **state)
{
	(void)state;
	struct probe_params pp;
	probe_params_init(&pp);
	struct sink *out;
	const char *help = usage_text(&out);
	char want[64];
	snprintf(want, sizeof(want), "(%lu)", pp.cycles);
	help_contains(help, "report-cycles", want);
	snprintf(want, sizeof(want), "(%u)", pp.first_ttl);
	help_contains(help, "first-ttl", want);
	snprintf(want, sizeof(want), "(%u)", pp.max_ttl);
	help_contains(help, "max-ttl", want);
	snprintf(want, sizeof(want), "(%u)", pp.max_unknown);
	help_contains(help, "max-unknown", want);
	snprintf(want, sizeof(want), "(%u)", pp.psize);
	help_contains(help, "psize", want);
	snprintf(want, sizeof(want), "(%d)", pp.tos);
	help_contains(help, "tos", want);
	snprintf(want, sizeof(want), "(%g;", pp.interval_s);
	help_contains(help, "interval", want);
	snprintf(want, sizeof(want), "(%g)", pp.gracetime_s);
	help_contains(help, "gracetime", want);
	snprintf(want, sizeof(want), "(%g)", pp.timeout_s);
	help_contains(help, "timeout", want);
	help_contains(help, "order", "(" FIELD_DEFAULT ")");
	struct opts o = ok("-T h");
	snprintf(want, sizeof(want), "(TCP: %u)", o.cfg.probe.port);
	opts_free(&o);
	help_contains(help, "port", want);
	help_contains(help, "csv", "','-separated"); /* what render_csv writes */
	assert_null(strstr(help, "';'"));
	sink_free(out);
}

static void read_targets_from_a_file(void **state)
{
	(void)state;
	char text[] = "a.example\n\n  # a comment\n  b.example \t\r\nc.example";
	FILE *f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	struct opts o = ok("-F x");
	char err[OPTS_ERR_MAX];
	assert_int_equal(opts_read_targets(&o, f, err, sizeof(err)), 0);
	fclose(f);
	assert_int_equal(o.n_targets, 3);
	assert_string_equal(o.targets[0], "a.example");
	assert_string_equal(o.targets[1], "b.example");
	assert_string_equal(o.targets[2], "c.example");
	opts_free(&o);
}

static void overlong_line_in_file_is_an_error(void **state)
{
	(void)state;
	static char text[2100];
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	FILE *f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	struct opts o = ok("-F x");
	char err[OPTS_ERR_MAX];
	assert_int_equal(opts_read_targets(&o, f, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 1"));
	fclose(f);
	opts_free(&o);
}

static void interval_below_one_second_needs_root(void **state)
{
	(void)state;
	fails_with("-i 0.5 h", false, "-i: intervals below 1 second need root");
	struct opts o;
	char err[OPTS_ERR_MAX];
	assert_int_equal(parse_line(&o, false, "-i 1 h", err, sizeof(err)), 0);
	opts_free(&o);
	assert_int_equal(parse_line(&o, true, "-i 0.1 h", err, sizeof(err)), 0);
	assert_true(o.cfg.probe.interval_s == 0.1);
	opts_free(&o);
}

struct error_case {
	const char *line;
	const char *message;
};

static void every_range_error_has_a_clear_message(void **state)
{
	(void)state;
	static const struct error_case cases[] = {
	    {"-c 0 h", "-c: expected an integer from 1 to 2147483647, got '0'"},
	    {"-c 2147483648 h", "-c: expected an integer from 1 to 2147483647"},
	    {"-c -3 h", "-c: expected an integer"},
	    {"-c 10x h", "got '10x'"},
	    {"-c _5 h", "-c: expected an integer"},
	    {"-c abc h", "-c: expected an integer"},
	    {"-i 0 h", "-i: expected a number of seconds from 0.001 to 3600, got '0'"},
	    {"-i -1 h", "-i: expected a number of seconds"},
	    {"-i nan h", "-i: expected a number of seconds"},
	    {"-i inf h", "-i: expected a number of seconds"},
	    {"-i 3601 h", "-i: expected a number of seconds"},
	    {"-i 1s h", "got '1s'"},
	    {"-i ++1 h", "got '++1'"},
	    {"-c +-1 h", "got '+-1'"},
	    {"-i + h", "got '+'"},
	    {"-G 0 h", "-G: expected a number of seconds"},
	    {"-Z 0 h", "-Z: expected a number of seconds"},
	    {"-Z 1e9 h", "-Z: expected a number of seconds"},
	    {"-s 27 h", "-s: expected an integer from 28 to 4470"},
	    {"-s 4471 h", "-s: expected an integer from 28 to 4470"},
	    {"-s -100 h", "-s: random packet sizes"},
	    {"-B -1 h", "-B: expected an integer from 0 to 255"},
	    {"-B x h", "-B: expected an integer"},
	    {"-Q 256 h", "-Q: expected an integer from 0 to 255"},
	    {"-f 0 h", "-f: expected an integer from 1 to 255"},
	    {"-f 256 h", "-f: expected an integer from 1 to 255"},
	    {"-m 0 h", "-m: expected an integer from 1 to 255"},
	    {"-m 256 h", "-m: expected an integer from 1 to 255"},
	    {"-f 10 -m 5 h", "-f: the first TTL (10) is above the maximum TTL (5)"},
	    {"-U 0 h", "-U: expected an integer from 1 to 255"},
	    {"-P 0 h", "-P: expected an integer from 1 to 65535"},
	    {"-P 65536 h", "-P: expected an integer from 1 to 65535"},
	    {"-L 1023 h", "-L: expected an integer from 1024 to 65535"},
	    {"-L 65536 h", "-L: expected an integer from 1024 to 65535"},
	    {"-M 4294967296 h", "-M: expected an integer from 0 to 4294967295"},
	    {"-o LQ h", "-o: unknown field letter 'Q'"},
	    {"-o LLLLLLLLLLLLLLLLLLLLL h", "-o: expected 1 to 20 field letters"},
	    {"-I abcdefghijklmnop h", "-I: expected an interface name"},
	    {"-a host.example h", "-a: expected a numeric IPv4 or IPv6 address"},
	    {"-u -T h", "-u and -T are mutually exclusive"},
	    {"-T --udp h", "-u and -T are mutually exclusive"},
	    {"-q h", "unknown option -q"},
	    {"--bogus h", "unknown option --bogus"},
	    {"-c", "-c (--report-cycles) needs an argument"},
	    {"h --interval", "-i (--interval) needs an argument"},
	    {"-y 5 h", "-y: expected an integer from 0 to 4"},
	    {"-a 10.0.0.2 -6 h", "-a: 10.0.0.2 is an IPv4 address, but -6 asks for IPv6"},
	    {"-4 --address fd00::2 h", "-a: fd00::2 is an IPv6 address, but -4 asks for IPv4"},
	    {"--re h", "option --re is ambiguous; possibilities: --report --report-wide --report-cycles"},
	    {"--in=1 h", "option --in=1 is ambiguous; possibilities: --inet --inet6 --interface --interval"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		fails_with(cases[i].line, true, cases[i].message);
}

/* mtr -rwzbc100 HOST is what hosting providers ask for: it must run. -z is
 * ipinfo field 0 (the AS), -y N field N, -e the MPLS labels. */
static void mpls_and_ipinfo_are_taken(void **state)
{
	(void)state;
	struct opts o = ok("-rwzbc100 h");
	assert_int_equal(o.action, OPTS_RUN);
	assert_true(o.cfg.wide);
	assert_true(o.cfg.show_ips);
	assert_int_equal(o.cfg.probe.cycles, 100);
	assert_true(o.cfg.ipinfo);
	assert_int_equal(o.cfg.ipinfo_field, 0);
	assert_string_equal(o.targets[0], "h");
	assert_false(o.cfg.mpls);
	opts_free(&o);
	o = ok("-e --ipinfo 2 h");
	assert_true(o.cfg.ipinfo);
	assert_int_equal(o.cfg.ipinfo_field, 2);
	assert_true(o.cfg.mpls);
	opts_free(&o);
	o = ok("--mpls --aslookup -y4 h");
	assert_int_equal(o.cfg.ipinfo_field, 4);
	assert_true(o.cfg.mpls);
	opts_free(&o);
	o = ok("-r h");
	assert_false(o.cfg.ipinfo);
	assert_false(o.cfg.mpls);
	opts_free(&o);
}

/* "hopdoc help" must print the usage, never look "help" up as a host. */
static void command_words_are_not_hosts(void **state)
{
	(void)state;
	static const char *const helps[] = {"help", "HELP", "usage", "-r_help", "?", "/?", "a help"};
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "%s", helps[i]);
		for (char *c = line; *c; c++) /* parse_line splits at spaces */
			if (*c == '_')
				*c = ' ';
		struct opts o = ok(line);
		if (o.action != OPTS_HELP)
			fail_msg("'%s' did not ask for help", helps[i]);
		assert_int_equal(o.n_targets, 0);
		opts_free(&o);
	}
	static const char *const dashed[] = {"--HELP", "--usage", "-?", "-r --Help h"};
	for (size_t i = 0; i < sizeof(dashed) / sizeof(dashed[0]); i++) {
		struct opts o = ok(dashed[i]);
		if (o.action != OPTS_HELP)
			fail_msg("'%s' did not ask for help", dashed[i]);
		opts_free(&o);
	}
	struct opts o = ok("version");
	assert_int_equal(o.action, OPTS_VERSION);
	opts_free(&o);
	o = ok("--VERSION");
	assert_int_equal(o.action, OPTS_VERSION);
	opts_free(&o);
	fails_with("--frobnicate h", true, "unknown option --frobnicate");
	fails_with("-c 0 -? h", true, "-c: expected"); /* an error before it still counts */
	o = ok("helpdesk.example");
	assert_int_equal(o.action, OPTS_RUN);
	assert_string_equal(o.targets[0], "helpdesk.example");
	opts_free(&o);
}

static void address_picks_the_family(void **state)
{
	(void)state;
	struct opts o = ok("-a fd00::2 h");
	assert_int_equal(o.cfg.probe.family, AF_INET6);
	opts_free(&o);
	o = ok("-4 -a 10.0.0.2 h");
	assert_int_equal(o.cfg.probe.family, AF_INET);
	opts_free(&o);
}

/* Splits s as MTR_OPTIONS; checks the words (joined by '|') and the rest. */
static void splits_as(const char *s, const char *want, const char *want_ignored)
{
	char *buf = NULL, **argv = NULL, err[OPTS_ERR_MAX] = "", joined[512] = "";
	const char *ignored = NULL;
	int argc = opts_split_words(s, &buf, &argv, &ignored, err, sizeof(err));
	if (argc < 0)
		fail_msg("'%s': %s", s, err);
	assert_string_equal(argv[0], "mtr");
	assert_null(argv[argc]);
	for (int i = 1; i < argc; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s",
			 i > 1 ? "|" : "", argv[i]);
	assert_string_equal(joined, want);
	if (want_ignored)
		assert_string_equal(ignored, want_ignored);
	else
		assert_null(ignored);
	free(argv);
	free(buf);
}

/* mtr 0.95 (Debian's) splits with strtok(" \t"): quotes and backslashes are
 * ordinary characters, and a newline does not separate. */
static void mtr_options_split_as_mtr_does(void **state)
{
	(void)state;
	splits_as("", "", NULL);
	splits_as("  -n\t-c 5  ", "-n|-c|5", NULL);
	splits_as("-n\t\t-c\n5", "-n|-c\n5", NULL);
	splits_as("-o 'LS NA'", "-o|'LS|NA'", NULL);
	splits_as("a\\ b", "a\\|b", NULL);
	char many[1024] = "";
	for (int i = 0; i < OPTS_ENV_MAX_WORDS + 2; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s", i ? " -n" : "-n");
	char want[1024] = "";
	for (int i = 0; i < OPTS_ENV_MAX_WORDS; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", i ? "|-n" : "-n");
	splits_as(many, want, "-n"); /* the first word dropped, as mtr names it */
}

static int parse_env_line(struct opts *o, const char *env, const char *line, char *err,
			  size_t errlen)
{
	char buf[256];
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	snprintf(buf, sizeof(buf), "hopdoc %s", line);
	for (char *tok = strtok(buf, " "); tok && argc < MAX_ARGS; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	err[0] = '\0';
	return opts_parse_env(o, env, argc, argv, true, err, errlen);
}

/* MTR_OPTIONS first, argv over it; operands in the variable are ignored. */
static void mtr_options_apply_before_argv(void **state)
{
	(void)state;
	struct opts o;
	char err[OPTS_ERR_MAX];
	assert_int_equal(parse_env_line(&o, "-n -c 5 -o LSNA ignored.example", "-c 7 h", err,
					 sizeof(err)), 0);
	assert_true(o.cfg.no_dns);
	assert_int_equal(o.cfg.probe.cycles, 7);
	assert_string_equal(o.cfg.fields, "LSNA");
	assert_int_equal(o.n_targets, 1);
	assert_string_equal(o.targets[0], "h");
	opts_free(&o);
	assert_int_equal(parse_env_line(&o, "-I lab0", "h", err, sizeof(err)), 0);
	assert_string_equal(o.cfg.probe.interface, "lab0"); /* still valid after parsing */
	assert_string_equal(o.warning, "");
	opts_free(&o);
	assert_int_equal(parse_env_line(&o, "-c 0", "h", err, sizeof(err)), -1);
	assert_string_equal(err, "MTR_OPTIONS: -c: expected an integer from 1 to 2147483647, got '0'");
	opts_free(&o);
	assert_int_equal(parse_env_line(&o, "-o 'LS'", "h", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "MTR_OPTIONS: -o: unknown field letter ''' (known: "));
	opts_free(&o);
	assert_int_equal(parse_env_line(&o, NULL, "-c 3 h", err, sizeof(err)), 0);
	assert_false(o.cfg.no_dns);
	opts_free(&o);
}

static void parser_can_run_twice(void **state)
{
	(void)state;
	struct opts o = ok("-c 3 a");
	opts_free(&o);
	o = ok("-c 4 b");
	assert_int_equal(o.cfg.probe.cycles, 4);
	assert_string_equal(o.targets[0], "b");
	opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_are_mtrs),
	    cmocka_unit_test(no_target_means_localhost),
	    cmocka_unit_test(several_targets_and_permuted_operands),
	    cmocka_unit_test(combined_short_flags),
	    cmocka_unit_test(output_formats_short_and_long),
	    cmocka_unit_test(numeric_options_short_and_long),
	    cmocka_unit_test(bitpattern_above_255_is_random),
	    cmocka_unit_test(protocols_and_ports),
	    cmocka_unit_test(flows_option),
	    cmocka_unit_test(families_flags_and_strings),
	    cmocka_unit_test(field_order),
	    cmocka_unit_test(help_version_and_file),
	    cmocka_unit_test(help_lists_every_option),
	    cmocka_unit_test(help_shows_the_real_defaults),
	    cmocka_unit_test(read_targets_from_a_file),
	    cmocka_unit_test(overlong_line_in_file_is_an_error),
	    cmocka_unit_test(interval_below_one_second_needs_root),
	    cmocka_unit_test(every_range_error_has_a_clear_message),
	    cmocka_unit_test(parser_can_run_twice),
	    cmocka_unit_test(view_options),
	    cmocka_unit_test(mpls_and_ipinfo_are_taken),
	    cmocka_unit_test(command_words_are_not_hosts),
	    cmocka_unit_test(address_picks_the_family),
	    cmocka_unit_test(mtr_options_split_as_mtr_does),
	    cmocka_unit_test(mtr_options_apply_before_argv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
