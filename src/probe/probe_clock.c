#include "probe/probe_clock.h"

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static struct probe_clock_read read_clocks(void)
{
	struct timespec m1, r, m2;
	clock_gettime(CLOCK_MONOTONIC, &m1);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m2);
	return (struct probe_clock_read){ ns_of(&m1), ns_of(&r), ns_of(&m2) };
}

static int64_t bracket_width(const struct probe_clock_read *r)
{
	return r->mono_after - r->mono_before;
}

int64_t probe_clock_offset(const struct probe_clock_read *reads, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (bracket_width(&reads[i]) < bracket_width(&reads[best]))
			best = i;
	const struct probe_clock_read *r = &reads[best];
	return r->real - (r->mono_before + bracket_width(r) / 2);
}

int64_t probe_clock_mono_ns(const struct timespec *rt)
{
	struct probe_clock_read reads[PROBE_CLOCK_TRIES];
	size_t n = 0;
	do
		reads[n] = read_clocks();
	while (bracket_width(&reads[n++]) > PROBE_CLOCK_TIGHT_NS && n < PROBE_CLOCK_TRIES);
	return ns_of(rt) - probe_clock_offset(reads, n);
}
