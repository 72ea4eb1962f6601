#include "host/host_render.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "host/host_sample.h"

static const char *presence_name(enum host_presence p)
{
	return p == HOST_NIC_APPEARED ? "appeared" : p == HOST_NIC_GONE ? "gone" : "both";
}

/* ---- text ---- */

/* A rate in a column of `width`: "-" when not available, "*" marks a reset. */
static void put_rate(const struct host_rate *r, int width, struct sink *out)
{
	char cell[32];
	if (!r->has)
		snprintf(cell, sizeof(cell), "-");
	else
		snprintf(cell, sizeof(cell), "%.1f%s", r->per_s, r->reset ? "*" : "");
	sink_printf(out, " %*s", width, cell);
}

static void put_ring(const struct host_ring *ring, struct sink *out)
{
	if (ring->has)
		sink_printf(out, "  rx %u/%u tx %u/%u", ring->rx, ring->rx_max, ring->tx, ring->tx_max);
	else
		sink_puts(out, "  -");
}

/* Column heads, in enum host_nic_counter's order. */
static const char *const nic_heads[HOST_NIC_COUNTERS] = {
    "rx_err", "rx_drop", "rx_missed", "rx_fifo", "tx_err", "tx_drop", "tx_fifo",
};

static void text_nics(const struct host_rates *r, struct sink *out)
{
	sink_printf(out, "%-16s", "Interface");
	for (size_t c = 0; c < HOST_NIC_COUNTERS; c++)
		sink_printf(out, " %9s", nic_heads[c]);
	sink_puts(out, "  ring now/max\n");
	for (size_t i = 0; i < r->n_nics; i++) {
		const struct host_nic_rates *n = &r->nics[i];
		sink_printf(out, "%-16s", n->name);
		if (n->presence != HOST_NIC_BOTH)
			sink_printf(out, " %9s", presence_name(n->presence));
		else
			for (size_t c = 0; c < HOST_NIC_COUNTERS; c++)
				put_rate(&n->c[c], 9, out);
		put_ring(&n->ring, out);
		sink_puts(out, "\n");
	}
	if (r->n_nics == 0)
		sink_puts(out, "(no interfaces readable)\n");
}

static void text_counters(const struct host_rates *r, struct sink *out)
{
	sink_printf(out, "\n%-24s %14s %14s\n", "Counter", "delta", "per second");
	for (size_t c = 0; c < HOST_COUNTERS; c++) {
		const struct host_rate *v = &r->c[c];
		sink_printf(out, "%-24s", host_counter_name((enum host_counter)c));
		if (v->has)
			sink_printf(out, " %14llu", (unsigned long long)v->delta);
		else
			sink_printf(out, " %14s", "-");
		put_rate(v, 14, out);
		sink_puts(out, "\n");
	}
}

/* The CPUs whose softnet counters moved, one line each. */
static void text_softnet(const struct host_rates *r, struct sink *out)
{
	if (!r->softnet_cpus) {
		sink_puts(out, "\nsoftnet_stat: not available\n");
		return;
	}
	sink_printf(out, "\nsoftnet_stat: %u CPUs", r->softnet_cpus);
	size_t moved = 0;
	for (size_t i = 0; i < r->n_softnet; i++) {
		const struct host_cpu_rates *c = &r->softnet[i];
		if (c->dropped.delta == 0 && c->squeezed.delta == 0)
			continue;
		sink_printf(out, "%s cpu %u: dropped %.1f/s, time_squeeze %.1f/s", moved++ ? ";" : ",",
		            c->cpu, c->dropped.per_s, c->squeezed.per_s);
	}
	sink_puts(out, moved ? "\n" : ", none moved\n");
}

static void text_levels(const struct host_rates *r, struct sink *out)
{
	const struct host_value *count = &r->g[HOST_CT_COUNT], *max = &r->g[HOST_CT_MAX];
	text_softnet(r, out);
	if (count->has && max->has)
		sink_printf(out, "conntrack: %llu of %llu entries (%.0f%%)\n",
		            (unsigned long long)count->v, (unsigned long long)max->v,
		            max->v ? 100.0 * (double)count->v / (double)max->v : 0.0);
	else
		sink_puts(out, "conntrack: not available\n");
	for (size_t s = 0; s < HOST_SYSCTLS; s++)
		sink_printf(out, "%s = %s\n", host_sysctl_name((enum host_sysctl)s),
		            r->sysctl[s].has ? r->sysctl[s].text : "(not available)");
}

int host_render_text(const struct host_rates *r, struct sink *out)
{
	sink_printf(out, "Host counters over %.1f s (per second; \"-\" not available here, "
	                 "\"*\" went down: wrap or reset)\n\n",
	            r->window_s);
	text_nics(r, out);
	text_counters(r, out);
	text_levels(r, out);
	return sink_error(out);
}

/* ---- JSON ---- */

/* Adds to obj; a NULL value (jansson could not make it) marks failure. */
static void put(json_t *obj, const char *key, json_t *v, int *failed)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		*failed = 1;
}

static json_int_t as_int(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v;
}

/* Rates rounded to 0.01/s, so the text stays short and stable. */
static json_t *rate_json(const struct host_rate *r)
{
	if (!r->has)
		return json_null();
	return json_pack("{sI sf sb}", "delta", as_int(r->delta), "rate_per_s",
	                 round(r->per_s * 100.0) / 100.0, "reset", r->reset);
}

static json_t *ring_json(const struct host_ring *ring)
{
	if (!ring->has)
		return json_null();
	return json_pack("{sI sI sI sI}", "rx", (json_int_t)ring->rx, "rx_max",
	                 (json_int_t)ring->rx_max, "tx", (json_int_t)ring->tx, "tx_max",
	                 (json_int_t)ring->tx_max);
}

static json_t *nic_json(const struct host_nic_rates *n)
{
	json_t *obj = json_object(), *counters = json_object();
	int failed = !obj || !counters;
	for (size_t c = 0; !failed && c < HOST_NIC_COUNTERS; c++)
		put(counters, host_nic_counter_name((enum host_nic_counter)c), rate_json(&n->c[c]),
		    &failed);
	if (!failed) {
		put(obj, "name", json_string(n->name), &failed);
		put(obj, "presence", json_string(presence_name(n->presence)), &failed);
		put(obj, "counters", counters, &failed);
		counters = NULL;
		put(obj, "ring", ring_json(&n->ring), &failed);
	}
	json_decref(counters);
	if (failed)
		json_decref(obj);
	return failed ? NULL : obj;
}

static json_t *nics_json(const struct host_rates *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n_nics; i++) {
		json_t *n = nic_json(&r->nics[i]);
		if (!n || json_array_append_new(arr, n) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *softnet_json(const struct host_rates *r)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < r->n_softnet; i++) {
		const struct host_cpu_rates *c = &r->softnet[i];
		json_t *cpu = json_pack("{sI so so}", "cpu", (json_int_t)c->cpu, "dropped",
		                        rate_json(&c->dropped), "time_squeeze", rate_json(&c->squeezed));
		if (!cpu || json_array_append_new(arr, cpu) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *value_json(const struct host_value *v)
{
	return v->has ? json_integer(as_int(v->v)) : json_null();
}

static void put_levels(json_t *obj, const struct host_rates *r, int *failed)
{
	json_t *ct = json_object(), *sys = json_object();
	for (size_t g = 0; ct && g < HOST_GAUGES; g++)
		put(ct, host_gauge_name((enum host_gauge)g), value_json(&r->g[g]), failed);
	for (size_t s = 0; sys && s < HOST_SYSCTLS; s++)
		put(sys, host_sysctl_name((enum host_sysctl)s),
		    r->sysctl[s].has ? json_string(r->sysctl[s].text) : json_null(), failed);
	put(obj, "conntrack", ct, failed);
	put(obj, "sysctls", sys, failed);
}

char *host_render_json(const struct host_rates *r)
{
	json_t *obj = json_object(), *counters = json_object();
	int failed = !obj || !counters;
	for (size_t c = 0; counters && c < HOST_COUNTERS; c++)
		put(counters, host_counter_name((enum host_counter)c), rate_json(&r->c[c]), &failed);
	if (obj) {
		put(obj, "window_s", json_real(round(r->window_s * 1000.0) / 1000.0), &failed);
		put(obj, "interfaces", nics_json(r), &failed);
		put(obj, "counters", counters, &failed);
		put(obj, "softnet_cpus", json_integer(r->softnet_cpus), &failed);
		put(obj, "softnet_per_cpu", softnet_json(r), &failed);
		put_levels(obj, r, &failed);
	} else {
		json_decref(counters);
	}
	char *text = failed ? NULL : json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	return text;
}
