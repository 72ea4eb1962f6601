/* retvia: --return-via's URL (every accepted and refused form), the ssh argv
 * (host after "--", no shell on our side), the remote script (numbers and
 * fixed words only, no single quote inside its sh -c '...') and the split of
 * the server's answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cli/opts.h"
#include "cli/retvia.h"

static struct retvia_url parse_ok(const char *url)
{
	struct retvia_url u;
	char err[256] = "";
	assert_int_equal(retvia_parse(url, &u, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return u;
}

static void accepted_forms(void **state)
{
	(void)state;
	struct retvia_url u = parse_ok("ssh://server.example.net");
	assert_string_equal(u.host, "server.example.net");
	assert_string_equal(u.user, "");
	assert_int_equal(u.port, 0);
	u = parse_ok("ssh://ops_1@203.0.113.5:2222");
	assert_string_equal(u.user, "ops_1");
	assert_string_equal(u.host, "203.0.113.5");
	assert_int_equal(u.port, 2222);
	u = parse_ok("ssh://[fd00:0:0:6::5]:65535");
	assert_string_equal(u.host, "fd00:0:0:6::5");
	assert_int_equal(u.port, 65535);
	u = parse_ok("ssh://root@[::1]");
	assert_string_equal(u.host, "::1");
}

static void agent_urls(void **state)
{
	(void)state;
	struct retvia_url u = parse_ok("http://203.0.113.5:8080/");
	assert_int_equal(u.scheme, RETVIA_HTTP);
	assert_string_equal(u.host, "203.0.113.5");
	struct config c;
	opts_defaults(&c);
	char url[512];
	assert_int_equal(retvia_agent_url(&u, &c, url, sizeof(url)), 0);
	assert_string_equal(url, "http://203.0.113.5:8080/v1/trace?cycles=10&interval=1.000&proto=icmp");
	u = parse_ok("https://[fd00::5]");
	assert_int_equal(u.scheme, RETVIA_HTTPS);
	c.probe.proto = MODEL_PROTO_TCP;
	c.probe.port = 443;
	assert_int_equal(retvia_agent_url(&u, &c, url, sizeof(url)), 0);
	assert_string_equal(url, "https://[fd00::5]/v1/trace?cycles=10&interval=1.000&proto=tcp&port=443");
	assert_int_equal(retvia_agent_url(&u, &c, url, 20), -1);
}

static void refused_forms(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"server", "ftp://server", "http://u@server", "http://server/v1/trace", "https://",
		"http://server:0", "http://-x", "ssh://", "ssh://-oProxyCommand=x", "ssh://a b",
		"ssh://host:0", "ssh://host:65536", "ssh://host:", "ssh://host:22x", "ssh://host/path",
		"ssh://-l@host", "ssh://us er@host", "ssh://@host", "ssh://[::1", "ssh://[::1]x",
		"ssh://host;reboot", "ssh://$(id)", "ssh://ho'st", "ssh://fd00::5", "ssh://h:+22",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct retvia_url u;
		char err[256] = "";
		if (retvia_parse(bad[i], &u, err, sizeof(err)) == 0)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(err, "--return-via"));
	}
}

static void ssh_argv_puts_the_host_after_double_dash(void **state)
{
	(void)state;
	struct retvia_url u = parse_ok("ssh://ops@server:2200");
	const char *argv[RETVIA_ARGV_MAX];
	char port[8];
	retvia_ssh_argv(&u, "SCRIPT", port, sizeof(port), argv);
	const char *want[] = { "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-p", "2200",
		               "-l", "ops", "--", "server", "SCRIPT", NULL };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (!want[i])
			assert_null(argv[i]);
		else
			assert_string_equal(argv[i], want[i]);
	}
}

static void remote_script_mirrors_the_probe_options(void **state)
{
	(void)state;
	struct config c;
	opts_defaults(&c);
	c.no_dns = true;
	c.probe.cycles = 25;
	c.probe.interval_s = 0.5;
	c.probe.proto = MODEL_PROTO_TCP;
	c.probe.port = 443;
	char s[RETVIA_SCRIPT_MAX];
	assert_int_equal(retvia_remote_script(&c, s, sizeof(s)), 0);
	assert_non_null(strstr(s, "exec hopdoc -n -c 25 -i 0.500 -T -P 443 --diagnose --no-follow-up -j -- \"$c\""));
	assert_non_null(strstr(s, "exec mtr -n -c 25 -i 0.500 -T -P 443 --json -- \"$c\""));
	assert_non_null(strstr(s, "${SSH_CONNECTION%% *}"));
	assert_true(strncmp(s, "sh -c '", 7) == 0);
	assert_ptr_equal(strchr(s + 7, '\''), s + strlen(s) - 1); /* one quote, closing it */
	c.no_dns = false;
	c.probe.proto = MODEL_PROTO_UDP;
	c.probe.port = 33434;
	assert_int_equal(retvia_remote_script(&c, s, sizeof(s)), 0);
	assert_non_null(strstr(s, "exec hopdoc -c 25 -i 0.500 -u -P 33434 --diagnose --no-follow-up -j"));
	assert_int_equal(retvia_remote_script(&c, s, 64), -1);
	/* The live view's: both tools print their raw stream. */
	assert_int_equal(retvia_remote_script_live(&c, s, sizeof(s)), 0);
	assert_non_null(strstr(s, "exec hopdoc -c 25 -i 0.500 -u -P 33434 -l -- \"$c\""));
	assert_non_null(strstr(s, "exec mtr -c 25 -i 0.500 -u -P 33434 -l -- \"$c\""));
	assert_ptr_equal(strchr(s + 7, '\''), s + strlen(s) - 1);
}

static void split_reads_the_marker_line(void **state)
{
	(void)state;
	size_t body = 99;
	const char a[] = "hopdoc-return: hopdoc\n{\"report\":1}";
	assert_int_equal(retvia_split(a, strlen(a), &body), RETVIA_TOOL_HOPDOC);
	assert_int_equal(body, 22);
	const char b[] = "hopdoc-return: mtr\n{}";
	assert_int_equal(retvia_split(b, strlen(b), &body), RETVIA_TOOL_MTR);
	const char c[] = "hopdoc-return: none\n";
	assert_int_equal(retvia_split(c, strlen(c), &body), RETVIA_TOOL_NONE);
	static const char *const junk[] = { "", "hopdoc-return: hopdoc", "hopdoc-return: mtrx\n",
		                            "hopdoc-return: noclient\n", "Welcome!\nhopdoc-return: mtr\n",
		                            "hopdoc-return:\n" };
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(retvia_split(junk[i], strlen(junk[i]), &body), RETVIA_TOOL_UNKNOWN);
		assert_int_equal(body, 0);
	}
	assert_string_equal(retvia_tool_name(RETVIA_TOOL_MTR), "mtr --json");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(accepted_forms),
	    cmocka_unit_test(refused_forms),
	    cmocka_unit_test(agent_urls),
	    cmocka_unit_test(ssh_argv_puts_the_host_after_double_dash),
	    cmocka_unit_test(remote_script_mirrors_the_probe_options),
	    cmocka_unit_test(split_reads_the_marker_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
