#include "model/finding.h"

#include <stdlib.h>
#include <string.h>

void finding_list_init(struct finding_list *l)
{
	memset(l, 0, sizeof(*l));
}

void finding_list_free(struct finding_list *l)
{
	free(l->items);
	finding_list_init(l);
}

struct finding *finding_list_add(struct finding_list *l, const struct finding *f)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct finding *items = realloc(l->items, cap * sizeof(*items));
		if (!items)
			return NULL;
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n] = *f;
	return &l->items[l->n++];
}

static const char *name_at(const char *const *names, size_t count, unsigned i)
{
	return i < count ? names[i] : "unknown";
}

#define NAME_AT(table, i) name_at(table, sizeof(table) / sizeof(table[0]), (unsigned)(i))

const char *finding_kind_name(enum finding_kind k)
{
	static const char *const names[] = {
		"healthy", "loss", "latency", "jitter", "rate-limited-hop", "deprioritized-hop",
		"destination-filtered", "path-interrupted", "routing-loop", "asymmetric",
		"insufficient-data",
	};
	return NAME_AT(names, k);
}

const char *finding_severity_name(enum finding_severity s)
{
	static const char *const names[] = { "ok", "info", "warning", "critical" };
	return NAME_AT(names, s);
}

const char *finding_segment_name(enum finding_segment s)
{
	static const char *const names[] = { "local", "access", "transit", "destination", "unknown" };
	return NAME_AT(names, s);
}

const char *finding_direction_name(enum finding_direction d)
{
	static const char *const names[] = { "outbound", "return", "both", "unknown" };
	return NAME_AT(names, d);
}
