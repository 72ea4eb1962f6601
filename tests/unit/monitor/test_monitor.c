/* monitor: a run that stops while its last round's reply still waits in the
 * socket (the loop's wake window was resting) records that round anyway:
 * monitor_free reads what waits before its last commit. One loopback target
 * (127.0.0.1, TTL 1 only: a round of one probe); skipped without raw
 * sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/evloop.h"
#include "monitor/monitor.h"
#include "monitor/monitor_db.h"
#include "probe/probe.h"

#define S 1000000000LL

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int first_target(void *ctx, int64_t id, const char *name, const char *addr)
{
	(void)name;
	(void)addr;
	*(int64_t *)ctx = id;
	return 1;
}

static void db_path(char *path, size_t len)
{
	snprintf(path, len, "/tmp/hopdoc-test-monitor-%ld.db", (long)getpid());
	unlink(path);
}

static void db_remove(const char *path)
{
	char side[128];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/* Runs the monitor until SIGALRM 1.5 s in (the round starts within the
 * first second; the 10 s window then rests past the alarm). The rounds
 * recorded before monitor_free and, through the file, after. */
static void run_until_alarm(struct monitor *m, struct evloop *loop, unsigned long *before)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	stop_flag = 0;
	evloop_watch_flag(loop, &stop_flag);
	struct itimerval it = { .it_value = { .tv_sec = 1, .tv_usec = 500000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	assert_int_equal(monitor_start(m), 0);
	assert_int_equal(evloop_run(loop), 0);
	sigaction(SIGALRM, &old, NULL);
	*before = monitor_rounds(m);
	monitor_free(m);
}

static void last_window_is_recorded(void **state)
{
	(void)state;
	struct probe_params c;
	probe_params_init(&c);
	c.family = AF_INET;
	c.interval_s = 1;
	c.cycles = 0;
	c.timeout_s = 3;
	c.first_ttl = 1;
	c.max_ttl = 1;
	c.target = "127.0.0.1";
	assert_int_equal(model_addr_parse("127.0.0.1", &c.dst), 0);
	char err[320], path[96];
	struct probe_sockets *socks = probe_sockets_open(&c, err, sizeof(err));
	if (!socks) {
		print_message("skipped: %s\n", err);
		skip();
	}
	db_path(path, sizeof(path));
	struct monitor_db *db = monitor_db_open(path, false, err, sizeof(err));
	assert_non_null(db);
	struct evloop *loop = evloop_new();
	evloop_set_window(loop, 10 * S);
	struct monitor *m = monitor_new(loop, socks, 1000, db, NULL, NULL, err, sizeof(err));
	if (!m) { /* datagram ICMP sockets only */
		print_message("skipped: %s\n", err);
		monitor_db_free(db);
		db_remove(path);
		evloop_free(loop);
		probe_sockets_close(socks);
		skip();
	}
	assert_int_equal(monitor_add(m, &c, err, sizeof(err)), 0);
	unsigned long before = 0;
	run_until_alarm(m, loop, &before);
	assert_int_equal(before, 0); /* the reply was still in the socket */
	int64_t id = 0;
	monitor_db_each_target(db, first_target, &id);
	struct monitor_round *r = NULL;
	size_t n = 0;
	assert_int_equal(monitor_db_rounds(db, id, 0, &r, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_true(r[0].reached);
	assert_int_equal(r[0].hop[1].recv, 1);
	free(r);
	monitor_db_free(db);
	db_remove(path);
	evloop_free(loop);
	probe_sockets_close(socks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(last_window_is_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
