/* metrics_batch: see metrics_batch.h. */
#include "metrics/metrics_batch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One target's copies. */
struct entry {
	char *target;
	struct model_trace *trace;
	struct finding_list findings;
	bool has_findings;
};

struct metrics_batch {
	struct entry *e;
	size_t n, cap;
};

struct metrics_batch *metrics_batch_new(void)
{
	return calloc(1, sizeof(struct metrics_batch));
}

static void entry_free(struct entry *e)
{
	free(e->target);
	model_trace_free(e->trace);
	finding_list_free(&e->findings);
}

static void clear(struct metrics_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		entry_free(&b->e[i]);
	b->n = 0;
}

void metrics_batch_free(struct metrics_batch *b)
{
	if (!b)
		return;
	clear(b);
	free(b->e);
	free(b);
}

static int grow(struct metrics_batch *b)
{
	if (b->n < b->cap)
		return 0;
	size_t cap = b->cap ? 2 * b->cap : 16;
	struct entry *e = realloc(b->e, cap * sizeof(*e));
	if (!e)
		return -1;
	b->e = e;
	b->cap = cap;
	return 0;
}

static int copy_findings(struct finding_list *dst, const struct finding_list *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (!finding_list_add(dst, &src->items[i]))
			return -1;
	return 0;
}

int metrics_batch_add(struct metrics_batch *b, const char *target, const struct model_trace *t,
                      const struct finding_list *findings)
{
	if (grow(b) < 0)
		return -1;
	struct entry e = { .target = strdup(target), .trace = model_trace_dup(t),
		           .has_findings = findings != NULL };
	finding_list_init(&e.findings);
	if (!e.target || !e.trace || (findings && copy_findings(&e.findings, findings) < 0)) {
		entry_free(&e);
		return -1;
	}
	b->e[b->n++] = e;
	return 0;
}

size_t metrics_batch_count(const struct metrics_batch *b)
{
	return b->n;
}

int metrics_batch_publish(struct metrics_batch *b, struct metrics *m)
{
	struct render_prom_target *t = calloc(b->n ? b->n : 1, sizeof(*t));
	int rc = -1;
	if (t) {
		for (size_t i = 0; i < b->n; i++)
			t[i] = (struct render_prom_target){
				.target = b->e[i].target,
				.trace = b->e[i].trace,
				.findings = b->e[i].has_findings ? &b->e[i].findings : NULL,
			};
		rc = metrics_publish(m, t, b->n);
	}
	free(t);
	clear(b);
	return rc;
}
