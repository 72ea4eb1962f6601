#include "render/render_split.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_field.h"

#define SPLIT_LINE_MAX 600

struct render_split {
	struct sink *out;
	const struct model_trace *t;
	const struct render_opts *o;
	size_t n_lines; /* lines printed so far, as mtr's LineCount */
	char lines[MODEL_MAX_HOPS][SPLIT_LINE_MAX];
};

struct render_split *render_split_new(struct sink *out, const struct model_trace *t, const struct render_opts *o)
{
	struct render_split *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->out = out;
	s->t = t;
	s->o = o;
	for (size_t i = 0; i < MODEL_MAX_HOPS; i++)
		snprintf(s->lines[i], SPLIT_LINE_MAX, "???");
	return s;
}

void render_split_free(struct render_split *s)
{
	free(s);
}

static void hop_line(const struct model_hop *h, const struct render_opts *o, char *buf, size_t len)
{
	if (!h->n_resp) {
		snprintf(buf, len, "???");
		return;
	}
	const struct model_responder *r = &h->resp[h->latest < h->n_resp ? h->latest : 0];
	bool names = o && o->want_names;
	char label[2 * MODEL_NAME_MAX];
	/* split separates name and address by a space, not "name (ip)" */
	if (o && o->show_ips)
		snprintf(label, sizeof(label), "%s %s", model_responder_label(r, names), r->text);
	else
		snprintf(label, sizeof(label), "%s", model_responder_label(r, names));
	snprintf(buf, len, "%s %ld %lu %lu %ld %ld %ld", label, (long)floor(h->loss_pct * 1000.0 + 1e-6), h->recv, h->snt,
		 (long)h->best, (long)h->avg, (long)h->wrst);
}

int render_split_redraw(struct render_split *s)
{
	size_t max = s->t->n_hops < MODEL_MAX_HOPS ? s->t->n_hops : MODEL_MAX_HOPS;
	for (; s->n_lines > max; s->n_lines--)
		sink_printf(s->out, "-%zu\n", s->n_lines);
	for (size_t i = render_field_first_hop(s->t); i < max; i++) {
		char line[SPLIT_LINE_MAX];
		hop_line(&s->t->hops[i], s->o, line, sizeof(line));
		if (strcmp(line, s->lines[i]) == 0)
			continue;
		sink_printf(s->out, "%zu %s\n", i + 1, line);
		memcpy(s->lines[i], line, sizeof(line));
		if (s->n_lines < i + 1)
			s->n_lines = i + 1;
	}
	return sink_error(s->out);
}

int render_split_event(void *ctx, const struct event *ev)
{
	struct render_split *s = ctx;
	if (ev->type == EVENT_ROUND_END || ev->type == EVENT_NAME)
		return render_split_redraw(s);
	return 0;
}
