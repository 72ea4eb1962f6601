/* opts: mtr's command line, parsed into a struct config and a list of targets.
 *
 * Pure: no printing, no exits, no global state of ours. Errors come back as a
 * one-line message (without the "hopdoc: " prefix) for the CLI to print. */
#ifndef HOPDOC_OPTS_H
#define HOPDOC_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/sink.h"
#include "cli/config.h"

#define OPTS_ERR_MAX 256

/* The limits the parser enforces, shared with the man page and tests. */
#define OPTS_MAX_CYCLES 2147483647UL /* mtr keeps -c in an int */
#define OPTS_MIN_INTERVAL 0.001      /* -i; below 1 s only for root */
#define OPTS_MAX_SECONDS 3600.0      /* -i, -G, -Z */
#define OPTS_MIN_PSIZE 28            /* IPv4 header + ICMP header, as mtr */
#define OPTS_MAX_PSIZE 4470
#define OPTS_MAX_TTL 255
#define OPTS_MAX_FLOWS 64  /* --flows; PROBE_MAX_FLOWS */
#define OPTS_MIN_LOCALPORT 1024      /* mtr refuses privileged source ports */
#define OPTS_MAX_FIELDS 20           /* mtr's MAXFLD */
#define OPTS_TCP_PORT 80             /* -T without -P, as mtr */
#define OPTS_MAX_DISPLAYMODE 2       /* --displaymode, as mtr */

enum opts_action {
	OPTS_RUN,     /* trace every target in turn */
	OPTS_HELP,    /* -h, --help, or a lone word such as "help" (see opts_parse) */
	OPTS_VERSION, /* -v, --version, or the word "version" */
};

/* mtr reads at most this many words from MTR_OPTIONS (its argv[128] holds
 * the program name too) and warns about the rest. */
#define OPTS_ENV_MAX_WORDS 127

/* A parsed command line. cfg.target is NULL here: the caller sets it to each
 * of targets[] in turn. The strings in targets[] are owned by the struct. */
struct opts {
	enum opts_action action;
	struct config cfg;
	const char *targets_file; /* -F FILE ("-" is stdin); NULL when none */
	char **targets;
	size_t n_targets;
	char warning[OPTS_ERR_MAX]; /* a non-fatal note for stderr; "" when none */
	char *env_buf;            /* MTR_OPTIONS split into words; options point here */
	char **env_argv;
};

/* mtr's defaults (10 cycles, 1 s interval, ICMP, TTL 1..30, ...). */
void opts_defaults(struct config *cfg);

/* Parses argv (argv[0] is the program name; argv may be permuted, as GNU
 * getopt does). `privileged` allows -i below one second, as root may in mtr.
 * Targets named on the command line land in o->targets; -F is only recorded
 * (see opts_read_targets). Without any target and without -F, the target is
 * "localhost", as in mtr. An operand that reads like a command ("help",
 * "usage", "version", "?") is never taken for a host: it asks for the usage
 * (or the version); so does such a word with dashes that is no option
 * ("--HELP", "--usage", "-?"). Returns 0, or -1 with a message in err.
 * Every error is a usage error (mtr exits 1 for each). */
int opts_parse(struct opts *o, int argc, char **argv, bool privileged, char *err, size_t errlen);

/* As opts_parse, after first parsing mtr_options (the MTR_OPTIONS variable;
 * NULL when unset) as mtr 0.95 does: words split at spaces and tabs (no
 * quoting), at most OPTS_ENV_MAX_WORDS of them (the first one past that named
 * in a warning in o->warning); its options apply first, argv's override them,
 * and operands in it are ignored. Every front end (report, interactive view)
 * reads MTR_OPTIONS through here. */
int opts_parse_env(struct opts *o, const char *mtr_options, int argc, char **argv,
                   bool privileged, char *err, size_t errlen);

/* Splits s as mtr 0.95 splits MTR_OPTIONS, into *argv (argv[0] is "mtr",
 * argv[argc] NULL; the words live in *buf). Returns argc, or -1 with a
 * message in err (out of memory). *ignored is the first word past the limit,
 * or NULL. Free *argv and *buf. */
int opts_split_words(const char *s, char **buf, char ***argv, const char **ignored, char *err,
                     size_t errlen);

/* Appends the hosts listed in `in`, one per line (blank lines and lines
 * starting with '#' skipped, surrounding white space trimmed). Returns 0, or
 * -1 with a message in err. */
int opts_read_targets(struct opts *o, FILE *in, char *err, size_t errlen);

/* Frees the targets; o may then be parsed into again. */
void opts_free(struct opts *o);

/* Writes the --help text, made from the option table and the defaults
 * opts_defaults sets, so neither can drift from the parser. Returns 0, or
 * -1 when the sink failed. */
int opts_usage(struct sink *out);

#endif
