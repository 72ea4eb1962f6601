/* oneway_clock: this end's monotonic and wall clocks, and their quality. */
#include "oneway/oneway_clock.h"

#include <fcntl.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "base/evloop.h"

struct oneway_stamp oneway_clock_now(void)
{
	struct timespec ts;
	struct oneway_stamp s = { .mono_ns = (uint64_t)evloop_now_ns() };
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		s.wall_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	return s;
}

void oneway_clock_from_timex(int state, int status, long maxerror_us, struct oneway_clock *c)
{
	c->known = state >= 0;
	c->unsync = state == TIME_ERROR || (status & STA_UNSYNC) || maxerror_us < 0;
	c->maxerror_us = maxerror_us < 0 ? 0
	                 : (unsigned long)maxerror_us > UINT32_MAX ? UINT32_MAX
	                                                          : (uint32_t)maxerror_us;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\0';
}

uint32_t oneway_clock_boot_hash(const char *id, size_t len)
{
	while (len > 0 && is_blank(id[len - 1]))
		len--;
	while (len > 0 && is_blank(*id))
		id++, len--;
	if (len == 0)
		return 0;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)id[i]) * 16777619u;
	return h ? h : 1;
}

static uint32_t read_boot_hash(void)
{
	char buf[64];
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	return n > 0 ? oneway_clock_boot_hash(buf, (size_t)n) : 0;
}

void oneway_clock_refresh(struct oneway_clock *c)
{
	struct timex tx;
	memset(&tx, 0, sizeof(tx)); /* modes 0: read only */
	int state = ntp_adjtime(&tx);
	oneway_clock_from_timex(state, tx.status, tx.maxerror, c);
}

void oneway_clock_read(struct oneway_clock *c)
{
	oneway_clock_refresh(c);
	c->boot_hash = read_boot_hash();
}

void oneway_clock_worse(struct oneway_clock *into, const struct oneway_clock *k)
{
	into->known = into->known && k->known;
	into->unsync = into->unsync || k->unsync;
	if (k->maxerror_us > into->maxerror_us)
		into->maxerror_us = k->maxerror_us;
	if (into->boot_hash != k->boot_hash)
		into->boot_hash = 0;
}
