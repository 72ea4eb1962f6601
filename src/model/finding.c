#include "model/finding.h"

#include <stdlib.h>
#include <string.h>

void finding_list_init(struct finding_list *l)
{
	memset(l, 0, sizeof(*l));
}

void finding_free_texts(struct finding *f)
{
	free(f->summary);
	free(f->evidence);
	free(f->advice);
	f->summary = f->evidence = f->advice = NULL;
}

void finding_list_free(struct finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		finding_free_texts(&l->items[i]);
	free(l->items);
	finding_list_init(l);
}

static int reserve(struct finding_list *l)
{
	if (l->n < l->cap)
		return 0;
	size_t cap = l->cap ? l->cap * 2 : 8;
	struct finding *items = realloc(l->items, cap * sizeof(*items));
	if (!items)
		return -1;
	l->items = items;
	l->cap = cap;
	return 0;
}

/* NULL stands for "" so the list's texts are always strings. */
static int own_text(char **s)
{
	if (!*s)
		*s = strdup("");
	return *s ? 0 : -1;
}

struct finding *finding_list_take(struct finding_list *l, struct finding *f)
{
	if (own_text(&f->summary) != 0 || own_text(&f->evidence) != 0 ||
	    own_text(&f->advice) != 0 || reserve(l) != 0) {
		finding_free_texts(f);
		return NULL;
	}
	l->items[l->n] = *f;
	f->summary = f->evidence = f->advice = NULL;
	return &l->items[l->n++];
}

static char *copy_text(const char *s)
{
	return strdup(s ? s : "");
}

struct finding *finding_list_add(struct finding_list *l, const struct finding *f)
{
	struct finding copy = *f;
	copy.summary = copy_text(f->summary);
	copy.evidence = copy_text(f->evidence);
	copy.advice = copy_text(f->advice);
	if (!copy.summary || !copy.evidence || !copy.advice) {
		finding_free_texts(&copy);
		return NULL;
	}
	return finding_list_take(l, &copy);
}

static const char *name_at(const char *const *names, size_t count, unsigned i)
{
	return i < count ? names[i] : "unknown";
}

#define NAME_AT(table, i) name_at(table, sizeof(table) / sizeof(table[0]), (unsigned)(i))

const char *finding_kind_name(enum finding_kind k)
{
	static const char *const names[] = {
	    "healthy",
	    "loss",
	    "latency",
	    "jitter",
	    "rate-limited-hop",
	    "deprioritized-hop",
	    "destination-filtered",
	    "path-interrupted",
	    "routing-loop",
	    "asymmetric",
	    "insufficient-data",
	    "host-nic-drops",
	    "host-softnet-drops",
	    "host-conntrack-full",
	    "host-retransmits",
	    "host-listen-overflow",
	    "host-udp-buffer-errors",
	    "path-mtu",
	    "route-change",
	};
	return NAME_AT(names, k);
}

const char *finding_severity_name(enum finding_severity s)
{
	static const char *const names[] = {"ok", "info", "warning", "critical"};
	return NAME_AT(names, s);
}

const char *finding_segment_name(enum finding_segment s)
{
	static const char *const names[] = {"local", "access", "transit", "destination", "unknown"};
	return NAME_AT(names, s);
}

const char *finding_direction_name(enum finding_direction d)
{
	static const char *const names[] = {"outbound", "return", "both", "unknown"};
	return NAME_AT(names, d);
}
