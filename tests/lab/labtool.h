/* labtool.h: the two helpers every lab tool in tests/lab needs. Lab tools
 * are single-file programs that may exit on bad arguments, so these print
 * and exit rather than return errors as src/ does. */
#ifndef HOPDOC_LABTOOL_H
#define HOPDOC_LABTOOL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline int64_t labtool_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* s as a decimal in lo..hi; otherwise says so as TOOL and exits 2. */
static inline long labtool_num(const char *tool, const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "%s: bad number '%s' (%ld..%ld)\n", tool, s, lo, hi);
		exit(2);
	}
	return v;
}

#endif
