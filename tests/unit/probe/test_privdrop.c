/* privdrop: the target user, and (as root) a real drop in a child process:
 * afterwards no capability, no way back to root, no new raw socket, while a
 * raw socket opened before still sends; and opening a file with the real
 * user's rights, as a setuid install would (real uid nobody, effective root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/ip_icmp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe/privdrop.h"

static void target_prefers_valid_sudo_ids(void **state)
{
	(void)state;
	uid_t u;
	gid_t g;
	assert_int_equal(privdrop_target("1000", "1001", &u, &g), 0);
	assert_int_equal(u, 1000);
	assert_int_equal(g, 1001);
}

static void target_rejects_bad_sudo_ids(void **state)
{
	(void)state;
	uid_t nu, u;
	gid_t ng, g;
	int have_nobody = privdrop_target(NULL, NULL, &nu, &ng);
	if (have_nobody == 0)
		assert_true(nu != 0);
	const char *bad[] = { "0", "-5", "12x", "", " 7", "99999999999999999999", "4294967295" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A bad value on either side falls back to nobody, never to root. */
		assert_int_equal(privdrop_target(bad[i], "100", &u, &g), have_nobody);
		if (have_nobody == 0) {
			assert_int_equal(u, nu);
			assert_int_equal(g, ng);
		}
		assert_int_equal(privdrop_target("100", bad[i], &u, &g), have_nobody);
		if (have_nobody == 0)
			assert_int_equal(u, nu);
	}
}

static int send_echo(int fd)
{
	uint8_t pkt[8] = { ICMP_ECHO, 0, 0xf7, 0xff, 0, 0, 0, 0 }; /* checksum of the rest */
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) == sizeof(pkt)
	           ? 0
	           : -1;
}

/* Exit codes of the child say which check failed. */
static int child_drops(void)
{
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (raw < 0)
		return 10;
	char err[256];
	if (privdrop_drop(err, sizeof(err)) < 0)
		return 11;
	if (getuid() == 0 || geteuid() == 0 || getgid() == 0)
		return 12;
	if (privdrop_has_caps())
		return 13;
	if (setuid(0) == 0)
		return 14;
	int again = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (again >= 0 || (errno != EPERM && errno != EACCES))
		return 15;
	if (send_echo(raw) < 0) /* opened before the drop: still usable */
		return 16;
	return 0;
}

static void drop_as_root_in_a_child(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_drops());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Exit codes of the child say which check failed. */
static int child_opens_as_user(const char *secret, const char *open_file)
{
	int fd = privdrop_open_as_user(secret, O_RDONLY); /* still really root */
	if (fd < 0)
		return 20;
	close(fd);
	if (setresgid(65534, 0, 0) < 0 || setresuid(65534, 0, 0) < 0) /* setuid-root by nobody */
		return 21;
	fd = privdrop_open_as_user(secret, O_RDONLY);
	if (fd >= 0 || errno != EACCES)
		return 22;
	fd = privdrop_open_as_user(open_file, O_RDONLY);
	if (fd < 0)
		return 23;
	close(fd);
	if (geteuid() != 0 || getegid() != 0 || getuid() != 65534)
		return 24; /* the effective ids come back */
	return 0;
}

static int temp_file(char *path, mode_t mode)
{
	int fd = mkstemp(path);
	if (fd < 0 || fchmod(fd, mode) < 0)
		return -1;
	close(fd);
	return 0;
}

static void open_as_user_checks_the_real_ids(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	char secret[] = "/tmp/hopdoc-privdrop-XXXXXX", open_file[] = "/tmp/hopdoc-privdrop-XXXXXX";
	assert_int_equal(temp_file(secret, 0600), 0);
	assert_int_equal(temp_file(open_file, 0644), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_opens_as_user(secret, open_file));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(secret);
	unlink(open_file);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Creating a file needs the real user's right to write in the directory. */
static int child_creates_as_user(const char *closed_dir, const char *open_dir)
{
	char path[128];
	if (setresgid(65534, 0, 0) < 0 || setresuid(65534, 0, 0) < 0) /* setuid-root by nobody */
		return 30;
	snprintf(path, sizeof(path), "%s/x", closed_dir);
	int fd = privdrop_create_as_user(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 || errno != EACCES)
		return 31;
	snprintf(path, sizeof(path), "%s/x", open_dir);
	fd = privdrop_create_as_user(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 65534 || (st.st_mode & 0777) != 0644)
		return 32;
	close(fd);
	return geteuid() == 0 ? 0 : 33;
}

static void create_as_user_checks_the_real_ids(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	char closed[] = "/tmp/hopdoc-privdrop-XXXXXX", open_dir[] = "/tmp/hopdoc-privdrop-XXXXXX";
	assert_non_null(mkdtemp(closed));
	assert_non_null(mkdtemp(open_dir));
	assert_int_equal(chmod(open_dir, 0777), 0);
	mode_t old = umask(022);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_creates_as_user(closed, open_dir));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	umask(old);
	char path[128];
	snprintf(path, sizeof(path), "%s/x", open_dir);
	unlink(path);
	rmdir(open_dir);
	rmdir(closed);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A setuid-root run by nobody gives up root for good; a root run keeps it. */
static int child_becomes_caller(void)
{
	char err[256];
	if (privdrop_to_caller(err, sizeof(err)) < 0 || geteuid() != 0)
		return 40; /* really root: nothing to give up */
	if (setresgid(65534, 0, 0) < 0 || setresuid(65534, 0, 0) < 0)
		return 41;
	if (privdrop_to_caller(err, sizeof(err)) < 0)
		return 42;
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0 || r != 65534 || e != 65534 || s != 65534 || getegid() != 65534)
		return 43;
	if (privdrop_has_caps() || setuid(0) == 0)
		return 44;
	return 0;
}

static void to_caller_gives_up_what_the_caller_lacks(void **state)
{
	(void)state;
	if (geteuid() != 0 || getuid() != 0) {
		print_message("skipped: needs root\n");
		skip();
	}
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_becomes_caller());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target_prefers_valid_sudo_ids),
		cmocka_unit_test(target_rejects_bad_sudo_ids),
		cmocka_unit_test(drop_as_root_in_a_child),
		cmocka_unit_test(open_as_user_checks_the_real_ids),
		cmocka_unit_test(create_as_user_checks_the_real_ids),
		cmocka_unit_test(to_caller_gives_up_what_the_caller_lacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
