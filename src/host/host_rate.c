#include "host/host_rate.h"

#include <string.h>

#define WRAP32_FROM (UINT64_C(1) << 31)
#define WRAP32 (UINT64_C(1) << 32)

struct host_rate host_rate_of(struct host_value a, struct host_value b, double window_s)
{
	struct host_rate r = {0};
	if (!a.has || !b.has || !(window_s > 0.0))
		return r;
	r.has = true;
	if (b.v >= a.v) {
		r.delta = b.v - a.v;
	} else {
		r.reset = true;
		r.delta = a.v >= WRAP32_FROM && a.v < WRAP32 ? WRAP32 - a.v + b.v : b.v;
	}
	r.per_s = (double)r.delta / window_s;
	return r;
}

static const struct host_nic *find_nic(const struct host_sample *s, const char *name)
{
	for (size_t i = 0; i < s->n_nics; i++)
		if (strcmp(s->nics[i].name, name) == 0)
			return &s->nics[i];
	return NULL;
}

static void nic_rates(const struct host_nic *a, const struct host_nic *b, double window_s,
                      struct host_nic_rates *r)
{
	const struct host_nic *known = b ? b : a;
	memcpy(r->name, known->name, sizeof(r->name));
	r->ring = known->ring;
	r->presence = !a ? HOST_NIC_APPEARED : !b ? HOST_NIC_GONE : HOST_NIC_BOTH;
	for (size_t i = 0; a && b && i < HOST_NIC_COUNTERS; i++)
		r->c[i] = host_rate_of(a->c[i], b->c[i], window_s);
}

static void all_nics(const struct host_sample *a, const struct host_sample *b, double window_s,
                     struct host_rates *out)
{
	for (size_t i = 0; i < b->n_nics && out->n_nics < HOST_MAX_NICS; i++)
		nic_rates(find_nic(a, b->nics[i].name), &b->nics[i], window_s,
		          &out->nics[out->n_nics++]);
	for (size_t i = 0; i < a->n_nics && out->n_nics < HOST_MAX_NICS; i++)
		if (!find_nic(b, a->nics[i].name))
			nic_rates(&a->nics[i], NULL, window_s, &out->nics[out->n_nics++]);
}

static const struct host_cpu_softnet *find_cpu(const struct host_softnet *s, unsigned cpu)
{
	size_t kept = s->rows < HOST_MAX_CPUS ? s->rows : HOST_MAX_CPUS;
	for (size_t i = 0; i < kept; i++)
		if (s->cpu[i].cpu == cpu)
			return &s->cpu[i];
	return NULL;
}

/* Per CPU, for the CPUs of b that a has too. */
static void cpu_rates(const struct host_softnet *a, const struct host_softnet *b, double window_s,
                      struct host_rates *out)
{
	size_t kept = b->rows < HOST_MAX_CPUS ? b->rows : HOST_MAX_CPUS;
	out->softnet_cpus = b->rows;
	for (size_t i = 0; i < kept; i++) {
		const struct host_cpu_softnet *was = find_cpu(a, b->cpu[i].cpu);
		if (!was)
			continue;
		struct host_cpu_rates *r = &out->softnet[out->n_softnet++];
		r->cpu = b->cpu[i].cpu;
		r->dropped = host_rate_of((struct host_value){true, was->dropped},
		                          (struct host_value){true, b->cpu[i].dropped}, window_s);
		r->squeezed = host_rate_of((struct host_value){true, was->squeezed},
		                           (struct host_value){true, b->cpu[i].squeezed}, window_s);
	}
}

void host_rate_compute(const struct host_sample *a, const struct host_sample *b, double window_s,
                       struct host_rates *out)
{
	memset(out, 0, sizeof(*out));
	out->window_s = window_s;
	all_nics(a, b, window_s, out);
	for (size_t i = 0; i < HOST_COUNTERS; i++)
		out->c[i] = host_rate_of(a->c[i], b->c[i], window_s);
	memcpy(out->g, b->g, sizeof(out->g));
	memcpy(out->sysctl, b->sysctl, sizeof(out->sysctl));
	cpu_rates(&a->softnet, &b->softnet, window_s, out);
}
