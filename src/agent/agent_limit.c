/* agent_limit: per-prefix and global admission, a fixed table. */
#include "agent/agent_limit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MINUTE_NS 60000000000LL

struct slot {
	unsigned char key[AGENT_PREFIX_LEN];
	bool used;
	bool active;
	int64_t window_start; /* the minute this prefix's count belongs to */
	unsigned count;
};

struct agent_limit {
	unsigned max_active, per_minute, active;
	struct slot slots[AGENT_LIMIT_SLOTS];
};

struct agent_limit *agent_limit_new(unsigned max_active, unsigned per_minute)
{
	struct agent_limit *l = calloc(1, sizeof(*l));
	if (l)
		l->max_active = max_active, l->per_minute = per_minute;
	return l;
}

void agent_limit_free(struct agent_limit *l)
{
	free(l);
}

void agent_limit_prefix(int family, const unsigned char *addr, unsigned char key[AGENT_PREFIX_LEN])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	memset(key, 0, AGENT_PREFIX_LEN);
	if (family == AF_INET6 && memcmp(addr, mapped, sizeof(mapped)) == 0)
		family = AF_INET, addr += 12;
	key[0] = family == AF_INET ? 4 : 6;
	memcpy(key + 1, addr, family == AF_INET ? 3 : 7); /* /24, /56 */
}

static bool stale(const struct slot *s, int64_t now)
{
	return !s->active && now - s->window_start >= MINUTE_NS;
}

/* The prefix's slot, or a free (or stale) one for it, or NULL when full. */
static struct slot *find(struct agent_limit *l, const unsigned char *key, int64_t now)
{
	size_t h = 5381;
	for (size_t i = 0; i < AGENT_PREFIX_LEN; i++)
		h = h * 33 + key[i];
	struct slot *spare = NULL;
	for (size_t i = 0; i < AGENT_LIMIT_SLOTS; i++) {
		struct slot *s = &l->slots[(h + i) % AGENT_LIMIT_SLOTS];
		if (s->used && memcmp(s->key, key, AGENT_PREFIX_LEN) == 0)
			return s;
		if (!spare && (!s->used || stale(s, now)))
			spare = s;
		if (!s->used)
			break; /* a probe sequence ends at a never-used slot */
	}
	if (spare) {
		memset(spare, 0, sizeof(*spare));
		memcpy(spare->key, key, AGENT_PREFIX_LEN);
		spare->used = true;
		spare->window_start = now;
	}
	return spare;
}

static unsigned seconds_left(int64_t start, int64_t now)
{
	int64_t left = start + MINUTE_NS - now;
	unsigned s = (unsigned)(left / 1000000000LL) + 1;
	return s > 60 ? 60 : s;
}

enum agent_admit agent_limit_admit(struct agent_limit *l, const unsigned char key[AGENT_PREFIX_LEN],
                                   int64_t now_ns, unsigned *retry_s)
{
	*retry_s = 5;
	struct slot *s = find(l, key, now_ns);
	if (!s)
		return AGENT_ADMIT_GLOBAL_BUSY;
	if (now_ns - s->window_start >= MINUTE_NS)
		s->window_start = now_ns, s->count = 0;
	if (s->count >= l->per_minute) {
		*retry_s = seconds_left(s->window_start, now_ns);
		return AGENT_ADMIT_RATE;
	}
	s->count++; /* refused tries count too: hammering does not pay */
	if (s->active)
		return AGENT_ADMIT_PREFIX_BUSY;
	if (l->active >= l->max_active)
		return AGENT_ADMIT_GLOBAL_BUSY;
	s->active = true;
	l->active++;
	return AGENT_ADMIT_OK;
}

void agent_limit_done(struct agent_limit *l, const unsigned char key[AGENT_PREFIX_LEN])
{
	for (size_t i = 0; i < AGENT_LIMIT_SLOTS; i++) {
		struct slot *s = &l->slots[i];
		if (s->used && s->active && memcmp(s->key, key, AGENT_PREFIX_LEN) == 0) {
			s->active = false;
			l->active--;
			return;
		}
	}
}

unsigned agent_limit_active(const struct agent_limit *l)
{
	return l->active;
}
