/* retvia: the pure half of --return-via. Reads the URL, builds the ssh
 * command line that runs the return trace on the server, and reads what the
 * server sent back. No processes, no sockets: cli/retpeer runs them.
 *
 * The remote command is made of numbers and fixed words only (never of the
 * user's text), so no quoting of user input is needed: the host, user and
 * port go to ssh as separate argv elements, after "--" where ssh takes them.
 * The server traces to the first word of its $SSH_CONNECTION (the address it
 * sees the client at, right behind NAT), after checking it looks like an
 * address. It uses the server's hopdoc when installed, else its mtr, and
 * says which on the first line of its output ("hopdoc-return: TOOL").
 * Tests: tests/unit/cli/test_retvia.c tests/lab/t_return.sh. */
#ifndef HOPDOC_RETVIA_H
#define HOPDOC_RETVIA_H

#include <stddef.h>

#include "cli/config.h"

#define RETVIA_HOST_MAX 256
#define RETVIA_USER_MAX 64
#define RETVIA_SCRIPT_MAX 768
#define RETVIA_ARGV_MAX 16

enum retvia_scheme { RETVIA_SSH, RETVIA_HTTP, RETVIA_HTTPS };

struct retvia_url {
	enum retvia_scheme scheme;
	char user[RETVIA_USER_MAX]; /* "" when the URL names none (always for http) */
	char host[RETVIA_HOST_MAX]; /* without brackets */
	unsigned port;              /* 0 when the URL names none */
};

/* Parses ssh://[user@]host[:port] or http(s)://host[:port][/] ("[v6]" for
 * IPv6 literals). Host and user are limited to letters, digits and . - _
 * (and : inside brackets) so that neither can be read by ssh as an option.
 * 0, or -1 with a message in err. */
int retvia_parse(const char *url, struct retvia_url *u, char *err, size_t errlen);

/* The shell script the server runs (sh -c '...'), for cfg's cycles,
 * interval, protocol and port, in script. 0, or -1 when it does not fit. */
int retvia_remote_script(const struct config *cfg, char *script, size_t len);

/* The same, the server's hopdoc also reflecting the one-way stream on
 * oneway_port (cli/retoneway; RETVIA_ONEWAY_ENV in its environment). */
#define RETVIA_ONEWAY_ENV "HOPDOC_ONEWAY_REFLECT"
int retvia_remote_script_oneway(const struct config *cfg, unsigned oneway_port, char *script,
                                size_t len);

/* The same for the live view: the server's tool prints its raw stream (-l),
 * a line per probe and reply, so the way back fills in as it is traced. */
int retvia_remote_script_live(const struct config *cfg, char *script, size_t len);

/* argv for ssh (NULL-terminated; pointers into u, script and static words). */
int retvia_ssh_argv(const struct retvia_url *u, const char *script, char *portbuf, size_t portlen,
                    const char *argv[RETVIA_ARGV_MAX]);

/* The agent's URL for cfg's cycles, interval, protocol and port. 0, or -1
 * when it does not fit. */
int retvia_agent_url(const struct retvia_url *u, const struct config *cfg, char *url, size_t len);

enum retvia_tool { RETVIA_TOOL_UNKNOWN, RETVIA_TOOL_HOPDOC, RETVIA_TOOL_MTR, RETVIA_TOOL_NONE };

/* The tool the server's first line names; *body is set past that line.
 * UNKNOWN when the first line is not ours (garbage or nothing). */
enum retvia_tool retvia_split(const char *data, size_t len, size_t *body);

/* "hopdoc -j" or "mtr --json": what the server ran, for messages. */
const char *retvia_tool_name(enum retvia_tool t);

#endif
