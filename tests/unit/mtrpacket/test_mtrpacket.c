/* mtrpacket: the server over pipes. Without sockets: every answer that needs
 * none (features, parse errors, unknown commands, a buffer overflow, the
 * refusal of every probe) and the return when input closes. With raw
 * sockets: probes to 127.0.0.1 and ::1 answered by token, probes-exhausted
 * past the flows in flight, and the server
 * ending when its input closes with a probe still in flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/version.h"
#include "mtrpacket/mtrpacket.h"

/* Everything the server wrote, once it returned (fits a pipe's buffer). */
static void read_all(int fd, char *out, size_t cap)
{
	size_t used = 0;
	ssize_t n;
	while (used + 1 < cap && (n = read(fd, out + used, cap - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
}

static void without_sockets(void **state)
{
	(void)state;
	int in[2], out[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	const char *cmds = "1 check-support feature send-probe\n"
	                   "2 check-support feature icmp\n"
	                   "3 check-support feature version\n"
	                   "4 check-support feature mark\n"
	                   "5 send-probe ip-4 127.0.0.1 ttl 1\n"
	                   "x\n"
	                   "6 frobnicate\n"
	                   "7 send-probe ip-4 127.0.0.1 ttl 0\n";
	assert_int_equal(write(in[1], cmds, strlen(cmds)), (ssize_t)strlen(cmds));
	char junk[5000]; /* longer than a line may be, then a good line */
	memset(junk, 'j', sizeof(junk));
	assert_int_equal(write(in[1], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_int_equal(write(in[1], "\n8 check-support feature udp\n", 29), 29);
	close(in[1]);
	struct probe_sockets *sets[3] = { NULL, NULL, NULL };
	char err[256];
	assert_int_equal(mtrpacket_serve(sets, 3, in[0], out[1], err, sizeof(err)), 0);
	close(out[1]);
	char got[4096];
	read_all(out[0], got, sizeof(got));
	char want[1024];
	snprintf(want, sizeof(want),
	         "1 feature-support support ok\n"
	         "2 feature-support support no\n"
	         "3 feature-support support %s\n"
	         "4 feature-support support no\n"
	         "5 invalid-argument reason ip-version-not-supported\n"
	         "0 command-parse-error\n"
	         "6 unknown-command\n"
	         "7 invalid-argument\n"
	         "0 command-buffer-overflow\n"
	         "0 command-parse-error\n" /* the junk's tail up to its newline */
	         "8 feature-support support no\n",
	         HOPDOC_VERSION);
	assert_string_equal(got, want);
	close(in[0]);
	close(out[0]);
}

/* Reads lines until `lines` newlines or 5 s. */
static void read_lines(int fd, char *out, size_t cap, int lines)
{
	size_t used = 0;
	int seen = 0;
	out[0] = '\0';
	while (seen < lines && used + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0)
			break;
		ssize_t n = read(fd, out + used, cap - 1 - used);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			seen += out[used + (size_t)i] == '\n';
		used += (size_t)n;
		out[used] = '\0';
	}
}

static pid_t start_server(struct probe_sockets **sets, int *to, int *from)
{
	int in[2], out[2];
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(in[1]);
		close(out[0]);
		char err[256];
		_exit(mtrpacket_serve(sets, 3, in[0], out[1], err, sizeof(err)) == 0 ? 0 : 3);
	}
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = out[0];
	return pid;
}

static void with_sockets(void **state)
{
	(void)state;
	struct probe_sockets *sets[3];
	char err[256];
	for (int p = 0; p < 3; p++) {
		struct probe_params pp;
		probe_params_init(&pp);
		pp.proto = (enum model_proto)p;
		pp.family = AF_INET;
		sets[p] = probe_sockets_open(&pp, err, sizeof(err));
		if (!sets[p]) {
			print_message("skipped: %s\n", err);
			for (int i = 0; i < p; i++)
				probe_sockets_close(sets[i]);
			skip();
		}
	}
	int to, from;
	pid_t pid = start_server(sets, &to, &from);
	const char *cmds = "11 send-probe ip-4 127.0.0.1 ttl 1\n"
	                   "12 send-probe ip-4 127.0.0.1 protocol tcp port 9 ttl 5\n"
	                   "13 send-probe ip-4 127.0.0.1 protocol udp local-ip-4 127.0.0.1\n"
	                   "14 send-probe ip-6 ::1\n";
	assert_int_equal(write(to, cmds, strlen(cmds)), (ssize_t)strlen(cmds));
	char got[2048];
	read_lines(from, got, sizeof(got), 4);
	assert_non_null(strstr(got, "11 reply ip-4 127.0.0.1 round-trip-time "));
	assert_non_null(strstr(got, "12 reply ip-4 127.0.0.1 round-trip-time "));
	assert_non_null(strstr(got, "13 reply ip-4 127.0.0.1 round-trip-time ")); /* port unreachable */
	assert_non_null(strstr(got, "14 invalid-argument reason ip-version-not-supported\n"));
	/* 65 shapes of probe in one write (under PIPE_BUF, so one read): one
	 * flow more than probe_one keeps in flight, before any answer is read. */
	char many[4096];
	size_t len = 0;
	for (int i = 0; i <= 64; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
		                        "%d send-probe ip-4 127.0.0.1 size %d ttl 1\n", 100 + i, 64 + i);
	assert_true(len < sizeof(many));
	assert_int_equal(write(to, many, len), (ssize_t)len);
	char got2[8192];
	read_lines(from, got2, sizeof(got2), 65);
	assert_non_null(strstr(got2, "164 probes-exhausted\n"));
	assert_non_null(strstr(got2, "163 reply ip-4 127.0.0.1 round-trip-time "));
	/* Input closes with a probe in flight: the server ends at once, 0. */
	const char *last = "15 send-probe ip-4 127.0.0.1 timeout 10 protocol udp ttl 1\n";
	assert_int_equal(write(to, last, strlen(last)), (ssize_t)strlen(last));
	close(to);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(from);
	for (int p = 0; p < 3; p++)
		probe_sockets_close(sets[p]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_sockets),
		cmocka_unit_test(with_sockets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
