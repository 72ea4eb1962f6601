/* linkemu: the lab's link emulator. The kernel here has no netem, so delay,
 * jitter and loss come from user space: this process creates two TAP devices
 * per link, the lab script moves each end into its router namespace (the fds
 * stay valid), and every Ethernet frame read from one end is written to the
 * other end after the link's per-direction delay.
 *
 * Usage: linkemu [-r READYFILE] [-s SEED] [-S SPIN] [-v] [-N] CONFIG
 * -S: how long before a due time the sleep ends and a busy wait takes over
 *     (default 100us, at most 1ms; 0 turns the busy wait off).
 * -N keeps the normal scheduler (default: SCHED_FIFO priority 10 if allowed).
 * CONFIG lines (blank lines and # comments ignored):
 *   link NAME TAPA TAPB [delay AB/BA] [jitter AB/BA] [loss AB/BA]
 * Durations take a unit (ns, us, ms, s; default us), loss is a percentage.
 * AB is the direction from TAPA to TAPB (the lab puts TAPA on the client
 * side, so AB is "outbound"). Jitter is uniform in [-J, +J] added to the
 * delay, clamped at zero; with jitter the frames of one direction may be
 * reordered, as on a real path. Without jitter the order is preserved: due
 * times never decrease and ties go by arrival sequence.
 *
 * READYFILE is created once every TAP exists. SIGTERM/SIGINT end the run;
 * the exit prints per-link counters and the measured lateness (how late
 * frames left relative to their due time: the emulator's own delay), as one
 * line lib.sh parses:
 *   linkemu: lateness frames N mean M us p99 P us max X us over1ms K
 *            wake p99 P us max X us
 * ("wake": how late the timed sleep ended, against the spin margin -S).
 * SIGUSR1 prints that line at once, without stopping (a test that fails a
 * timing check asks how late the emulator was so far). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

enum {
	MAX_LINKS = 64,
	MAX_FRAME = 65536,
	MAX_QUEUED_PER_DIR = 20000,
	READS_PER_WAKE = 64,
	LATE_BUCKETS = 10000, /* 1 us each, so up to 10 ms; beyond in the last */
};

/* Lateness of one kind: sum, max and a 1 us histogram for the p99. */
struct lateness {
	uint64_t sum_ns, max_ns, count, over_1ms;
	uint32_t hist[LATE_BUCKETS + 1];
};

struct direction {
	int in_fd, out_fd;
	uint64_t delay_ns, jitter_ns;
	double loss; /* probability in [0, 1] */
	unsigned long queued, forwarded, dropped_loss, dropped_full;
};

struct link {
	char name[32];
	char tap[2][IFNAMSIZ];
	int fd[2];
	struct direction dir[2]; /* 0: A->B, 1: B->A */
};

struct frame {
	uint64_t due_ns, seq;
	struct direction *dir;
	size_t len;
	unsigned char data[];
};

struct emu {
	struct link links[MAX_LINKS];
	size_t nlinks;
	struct frame **heap;
	size_t heap_len, heap_cap;
	uint64_t seq;
	uint64_t rng;
	struct lateness late; /* frame written vs its due time */
	struct lateness wake; /* timed sleep's end vs when it was asked to end */
	uint64_t spin_ns; /* wake this early, then spin to the due time */
	unsigned char buf[MAX_FRAME];
};

/* The handlers' flags (the only globals): stop, and print the lateness. */
static volatile sig_atomic_t stop_requested, stats_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		stats_requested = 1;
	else
		stop_requested = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* splitmix64: small, seedable, good enough for loss and jitter draws. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) / 9007199254740992.0;
}

/* ---- timer heap, ordered by (due, seq) ---- */

static bool frame_before(const struct frame *a, const struct frame *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_swap(struct frame **h, size_t i, size_t j)
{
	struct frame *t = h[i];
	h[i] = h[j];
	h[j] = t;
}

static int heap_push(struct emu *e, struct frame *f)
{
	if (e->heap_len == e->heap_cap) {
		size_t cap = e->heap_cap ? e->heap_cap * 2 : 1024;
		struct frame **h = realloc(e->heap, cap * sizeof *h);
		if (!h)
			return -1;
		e->heap = h;
		e->heap_cap = cap;
	}
	size_t i = e->heap_len++;
	e->heap[i] = f;
	while (i > 0 && frame_before(e->heap[i], e->heap[(i - 1) / 2])) {
		heap_swap(e->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static struct frame *heap_pop(struct emu *e)
{
	struct frame **h = e->heap;
	struct frame *top = h[0];
	h[0] = h[--e->heap_len];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < e->heap_len && frame_before(h[l], h[m]))
			m = l;
		if (r < e->heap_len && frame_before(h[r], h[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

/* ---- configuration ---- */

static int parse_duration(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e3 } };
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v >= 0 && v <= 60e9))
		return -1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			double ns = v * units[i].ns;
			if (ns > 60e9)
				return -1;
			*out = (uint64_t)llround(ns);
			return 0;
		}
	}
	return -1;
}

static int parse_percent(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%") != 0) || !(v >= 0 && v <= 100))
		return -1;
	*out = v / 100.0;
	return 0;
}

/* Splits "AB/BA" (or a single value used for both) and parses each half. */
static int parse_pair(const char *s, int (*parse)(const char *, void *), void *ab, void *ba)
{
	char tmp[64];
	if (snprintf(tmp, sizeof tmp, "%s", s) >= (int)sizeof tmp)
		return -1;
	char *slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	if (parse(tmp, ab) != 0)
		return -1;
	return parse(slash ? slash + 1 : tmp, ba);
}

static int parse_duration_v(const char *s, void *out)
{
	return parse_duration(s, out);
}

static int parse_percent_v(const char *s, void *out)
{
	return parse_percent(s, out);
}

static int parse_link_option(struct link *l, const char *key, const char *val)
{
	struct direction *ab = &l->dir[0], *ba = &l->dir[1];
	if (strcmp(key, "delay") == 0)
		return parse_pair(val, parse_duration_v, &ab->delay_ns, &ba->delay_ns);
	if (strcmp(key, "jitter") == 0)
		return parse_pair(val, parse_duration_v, &ab->jitter_ns, &ba->jitter_ns);
	if (strcmp(key, "loss") == 0)
		return parse_pair(val, parse_percent_v, &ab->loss, &ba->loss);
	return -1;
}

static int copy_name(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* One "link ..." line, already split into words. */
static int parse_link_words(struct emu *e, char **w, int n)
{
	if (n < 4 || strcmp(w[0], "link") != 0 || e->nlinks == MAX_LINKS || n % 2 != 0)
		return -1;
	struct link *l = &e->links[e->nlinks];
	memset(l, 0, sizeof *l);
	l->fd[0] = l->fd[1] = -1;
	if (copy_name(l->name, sizeof l->name, w[1]) || copy_name(l->tap[0], IFNAMSIZ, w[2]) ||
	    copy_name(l->tap[1], IFNAMSIZ, w[3]))
		return -1;
	for (int i = 4; i + 1 < n; i += 2)
		if (parse_link_option(l, w[i], w[i + 1]) != 0)
			return -1;
	e->nlinks++;
	return 0;
}

static int parse_line(struct emu *e, char *line)
{
	char *words[16];
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (*t == '#')
			break;
		if (n == 16)
			return -1;
		words[n++] = t;
	}
	return n == 0 ? 0 : parse_link_words(e, words, n);
}

static int load_config(struct emu *e, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		rc = parse_line(e, line);
	}
	if (rc != 0)
		fprintf(stderr, "linkemu: %s:%d: bad line\n", path, lineno);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* ---- TAP devices ---- */

static int tap_open(const char *name)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

static int open_links(struct emu *e)
{
	for (size_t i = 0; i < e->nlinks; i++) {
		struct link *l = &e->links[i];
		for (int s = 0; s < 2; s++) {
			l->fd[s] = tap_open(l->tap[s]);
			if (l->fd[s] < 0) {
				fprintf(stderr, "linkemu: tap %s: %s\n", l->tap[s], strerror(errno));
				return -1;
			}
		}
		l->dir[0].in_fd = l->fd[0];
		l->dir[0].out_fd = l->fd[1];
		l->dir[1].in_fd = l->fd[1];
		l->dir[1].out_fd = l->fd[0];
	}
	return 0;
}

/* ---- forwarding ---- */

static uint64_t frame_delay(struct emu *e, const struct direction *d)
{
	if (d->jitter_ns == 0)
		return d->delay_ns;
	double j = (rng_unit(&e->rng) * 2.0 - 1.0) * (double)d->jitter_ns;
	double total = (double)d->delay_ns + j;
	return total > 0 ? (uint64_t)total : 0;
}

static void enqueue(struct emu *e, struct direction *d, size_t len, uint64_t now)
{
	if (d->loss > 0 && rng_unit(&e->rng) < d->loss) {
		d->dropped_loss++;
		return;
	}
	struct frame *f = d->queued >= MAX_QUEUED_PER_DIR ? NULL : malloc(sizeof *f + len);
	if (!f) {
		d->dropped_full++;
		return;
	}
	f->due_ns = now + frame_delay(e, d);
	f->seq = e->seq++;
	f->dir = d;
	f->len = len;
	memcpy(f->data, e->buf, len);
	if (heap_push(e, f) != 0) {
		free(f);
		d->dropped_full++;
		return;
	}
	d->queued++;
}

static void read_direction(struct emu *e, struct direction *d)
{
	for (int i = 0; i < READS_PER_WAKE; i++) {
		ssize_t n = read(d->in_fd, e->buf, sizeof e->buf);
		if (n <= 0)
			return;
		enqueue(e, d, (size_t)n, now_ns());
	}
}

static void late_add(struct lateness *l, uint64_t ns)
{
	uint64_t us = ns / 1000u;
	l->sum_ns += ns;
	l->count++;
	if (ns > l->max_ns)
		l->max_ns = ns;
	if (ns > 1000000u)
		l->over_1ms++;
	l->hist[us < LATE_BUCKETS ? us : LATE_BUCKETS]++;
}

/* The upper edge (us) of the bucket holding the q-quantile; 0 when empty. */
static double late_quantile_us(const struct lateness *l, double q)
{
	if (l->count == 0)
		return 0;
	uint64_t want = (uint64_t)ceil(q * (double)l->count), seen = 0;
	for (size_t i = 0; i <= LATE_BUCKETS; i++) {
		seen += l->hist[i];
		if (seen >= want)
			return i < LATE_BUCKETS ? (double)(i + 1) : (double)l->max_ns / 1e3;
	}
	return (double)l->max_ns / 1e3;
}

static double late_mean_us(const struct lateness *l)
{
	return l->count ? (double)l->sum_ns / (double)l->count / 1e3 : 0;
}

static void deliver_due(struct emu *e)
{
	uint64_t now = now_ns();
	while (e->heap_len > 0 && e->heap[0]->due_ns <= now) {
		struct frame *f = heap_pop(e);
		struct direction *d = f->dir;
		late_add(&e->late, now - f->due_ns);
		/* A full TAP queue on the far side behaves like a full wire: drop. */
		if (write(d->out_fd, f->data, f->len) == (ssize_t)f->len)
			d->forwarded++;
		else
			d->dropped_full++;
		d->queued--;
		free(f);
		now = now_ns();
	}
}

/* A timed sleep here wakes 50 to 100 us late (virtual machine timers), which
 * would add to every frame's delay; so the sleep ends spin_ns early and the
 * rest is a short busy wait. Costs a few percent of a core at probe rates. */
static void spin_until_due(const struct emu *e)
{
	if (e->heap_len == 0)
		return;
	uint64_t due = e->heap[0]->due_ns, now = now_ns();
	if (due > now && due - now <= e->spin_ns)
		while (now_ns() < due)
			;
}

/* When ppoll finds fds ready it returns without delivering a signal that
 * arrived meanwhile (the mask is restored first), so a busy link could keep
 * SIGTERM pending for ever: look for it by hand (and take a pending SIGUSR1
 * off the queue, as its handler would have). */
static void note_pending_signals(void)
{
	sigset_t pending, usr1;
	if (sigpending(&pending) != 0)
		return;
	if (sigismember(&pending, SIGTERM) == 1 || sigismember(&pending, SIGINT) == 1)
		stop_requested = 1;
	if (sigismember(&pending, SIGUSR1) == 1) {
		const struct timespec zero = { 0, 0 };
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		if (sigtimedwait(&usr1, NULL, &zero) == SIGUSR1)
			stats_requested = 1;
	}
}

/* The timeout that ends the sleep spin_ns before the first due time; *wake
 * is when that is (0: no timed sleep), to measure how late the sleep ends. */
static struct timespec *next_timeout(const struct emu *e, struct timespec *ts, uint64_t *wake)
{
	*wake = 0;
	if (e->heap_len == 0)
		return NULL;
	uint64_t now = now_ns(), due = e->heap[0]->due_ns;
	uint64_t wait = due > now + e->spin_ns ? due - now - e->spin_ns : 0;
	if (wait > 0)
		*wake = now + wait;
	ts->tv_sec = (time_t)(wait / 1000000000u);
	ts->tv_nsec = (long)(wait % 1000000000u);
	return ts;
}

static void print_lateness(const struct emu *e)
{
	fprintf(stderr,
		"linkemu: lateness frames %llu mean %.1f us p99 %.1f us max %.1f us over1ms %llu"
		" wake p99 %.1f us max %.1f us\n",
		(unsigned long long)e->late.count, late_mean_us(&e->late),
		late_quantile_us(&e->late, 0.99), (double)e->late.max_ns / 1e3,
		(unsigned long long)e->late.over_1ms, late_quantile_us(&e->wake, 0.99),
		(double)e->wake.max_ns / 1e3);
}

static int run(struct emu *e, const sigset_t *waitmask)
{
	struct pollfd pfd[2 * MAX_LINKS];
	struct direction *dirs[2 * MAX_LINKS];
	size_t n = 0;
	for (size_t i = 0; i < e->nlinks; i++)
		for (int s = 0; s < 2; s++) {
			dirs[n] = &e->links[i].dir[s];
			pfd[n].fd = dirs[n]->in_fd;
			pfd[n].events = POLLIN;
			n++;
		}
	size_t alive = n;
	while (!stop_requested && alive > 0) {
		struct timespec ts;
		uint64_t wake;
		int rc = ppoll(pfd, n, next_timeout(e, &ts, &wake), waitmask);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc == 0 && wake)
			late_add(&e->wake, now_ns() - wake);
		for (size_t i = 0; rc > 0 && i < n; i++) {
			if (pfd[i].revents & POLLIN)
				read_direction(e, dirs[i]);
			/* The TAP went away with its namespace: stop polling it, or
			 * ppoll would report it ready forever. */
			if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
				pfd[i].fd = -1;
				alive--;
			}
		}
		if (rc == 0)
			spin_until_due(e);
		deliver_due(e);
		note_pending_signals();
		if (stats_requested) {
			stats_requested = 0;
			print_lateness(e);
		}
	}
	return 0;
}

static void print_stats(const struct emu *e)
{
	for (size_t i = 0; i < e->nlinks; i++) {
		const struct link *l = &e->links[i];
		for (int s = 0; s < 2; s++) {
			const struct direction *d = &l->dir[s];
			fprintf(stderr, "linkemu: %s %s: forwarded %lu lost %lu overflow %lu\n",
				l->name, s == 0 ? "ab" : "ba", d->forwarded, d->dropped_loss,
				d->dropped_full);
		}
	}
	print_lateness(e);
}

static void cleanup(struct emu *e)
{
	while (e->heap_len > 0)
		free(heap_pop(e));
	free(e->heap);
	for (size_t i = 0; i < e->nlinks; i++)
		for (int s = 0; s < 2; s++)
			if (e->links[i].fd[s] >= 0)
				close(e->links[i].fd[s]);
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int signal_setup(sigset_t *waitmask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	/* Blocked except inside ppoll, so a signal can never slip in between the
	 * flag test and the sleep. */
	sigaddset(&block, SIGUSR1);
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGUSR1, &sa, NULL) || sigprocmask(SIG_BLOCK, &block, waitmask))
		return -1;
	sigdelset(waitmask, SIGTERM);
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGUSR1);
	return 0;
}

static int write_ready(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f);
}

static void usage(void)
{
	fprintf(stderr, "usage: linkemu [-r READYFILE] [-s SEED] [-S SPIN] [-v] [-N] CONFIG\n");
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	bool verbose = false, normal_sched = false;
	struct emu *emu = calloc(1, sizeof *emu);
	if (!emu)
		return 1;
	emu->rng = now_ns() ^ ((uint64_t)getpid() << 32);
	emu->spin_ns = 100000;
	int opt;
	while ((opt = getopt(argc, argv, "r:s:S:vN")) != -1) {
		if (opt == 'r') {
			ready = optarg;
		} else if (opt == 's' && parse_seed(optarg, &emu->rng) == 0) {
			continue;
		} else if (opt == 'S' && parse_duration(optarg, &emu->spin_ns) == 0 &&
			   emu->spin_ns <= 1000000) {
			continue;
		} else if (opt == 'v') {
			verbose = true;
		} else if (opt == 'N') {
			normal_sched = true;
		} else {
			usage();
			free(emu);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage();
		free(emu);
		return 2;
	}
	sigset_t waitmask;
	/* The default 50 us timer slack would be added to every frame's delay,
	 * and on a busy machine a CFS task waits for the running one's slice:
	 * a modest real-time priority makes the wake-up prompt. Best effort. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/* If the lab script is killed outright its trap cannot stop us: end with
	 * it, so the TAPs (and the links) go away. */
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0UL, 0UL, 0UL);
	struct sched_param sp = { .sched_priority = 10 };
	if (!normal_sched)
		sched_setscheduler(0, SCHED_FIFO, &sp);
	/* A page fault (a new frame's memory, a page reclaimed under the memory
	 * pressure of the builds beside us) would stall the forwarding path;
	 * locked memory has none. Best effort, like the priority. */
	mlockall(MCL_CURRENT | MCL_FUTURE);
	int rc = 1;
	if (load_config(emu, argv[optind]) == 0 && signal_setup(&waitmask) == 0 &&
	    open_links(emu) == 0 && (!ready || write_ready(ready) == 0))
		rc = run(emu, &waitmask) == 0 ? 0 : 1;
	if (verbose || rc != 0)
		print_stats(emu);
	cleanup(emu);
	free(emu);
	return rc;
}
