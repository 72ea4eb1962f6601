/* runstat: runs a command and reports what it cost, for the benchmark:
 *     runstat OUTFILE CMD [ARGS...]
 * writes "wall_s W user_s U sys_s S peak_rss_kb M status X" to OUTFILE and
 * passes the command's output through.
 *
 * A prober may be several processes (mtr runs mtr-packet beside it) and may
 * not wait for them all, so runstat makes itself a child subreaper, reaps
 * every descendant, and takes CPU time from RUSAGE_CHILDREN. Peak RSS is the
 * largest SUM of the resident sets of all live descendants, sampled every
 * 10 ms (ru_maxrss would give only the largest single process). Wall time
 * is monotonic, until the command itself exits. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_NS 10000000L
#define MAX_PROCS 256

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static long rss_kb(long pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/statm", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long size = 0, resident = 0;
	int n = fscanf(f, "%ld %ld", &size, &resident);
	fclose(f);
	return n == 2 ? resident * (sysconf(_SC_PAGESIZE) / 1024) : 0;
}

/* Appends the children of every thread of pid to list. */
static size_t add_children(long pid, long *list, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return n;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char cpath[320];
		snprintf(cpath, sizeof(cpath), "/proc/%ld/task/%s/children", pid, e->d_name);
		FILE *f = fopen(cpath, "r");
		if (!f)
			continue;
		long child;
		while (n < MAX_PROCS && fscanf(f, "%ld", &child) == 1)
			list[n++] = child;
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Sum of the resident sets of every descendant of this process. */
static long tree_rss_kb(void)
{
	long list[MAX_PROCS];
	size_t n = add_children((long)getpid(), list, 0), total = 0;
	for (size_t i = 0; i < n; i++) {
		total += (size_t)rss_kb(list[i]);
		n = add_children(list[i], list, n);
	}
	return (long)total;
}

/* Reaps descendants until none is left; returns the command's status. */
static int reap_all(pid_t cmd, double start, double *wall, long *peak)
{
	int cmd_status = 0;
	for (;;) {
		long rss = tree_rss_kb();
		if (rss > *peak)
			*peak = rss;
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			return cmd_status;
		if (pid == cmd) {
			cmd_status = status;
			*wall = now_s() - start;
		}
		if (pid <= 0)
			nanosleep(&(struct timespec){ 0, SAMPLE_NS }, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUTFILE CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		perror("runstat: subreaper (orphans' CPU will be missed)");
	double start = now_s(), wall = 0;
	pid_t pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("runstat: exec");
		_exit(127);
	}
	long peak = 0;
	int status = reap_all(pid, start, &wall, &peak);
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror("runstat: output");
		return 2;
	}
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(out, "wall_s %.6f user_s %.6f sys_s %.6f peak_rss_kb %ld status %d\n", wall,
	        tv_s(ru.ru_utime), tv_s(ru.ru_stime), peak, code);
	fclose(out);
	return code;
}
