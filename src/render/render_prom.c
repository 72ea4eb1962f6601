/* render_prom: see render_prom.h. Each family is written whole (HELP, TYPE,
 * then its samples for every target), as the text format requires. */
#include "render/render_prom.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>


#define LABEL_MAX 1100 /* target and responder labels, escaped (x2) */

struct prom {
	const struct render_prom_target *t;
	size_t n;
	struct sink *out;
	char le[MODEL_RTT_BUCKETS][24]; /* the bounds' text, made once: a thousand
	                                   targets' buckets would print them 420,000 times */
};

/* A label value as the text format wants it: \\, \" and \n escaped, and
 * valid UTF-8 (Prometheus refuses a scrape with any other byte; a target
 * name is whatever the user typed), a cut sequence included. */
static void escape_label(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n')
			buf[o++] = '\\';
		buf[o++] = *s == '\n' ? 'n' : *s;
	}
	buf[o] = '\0';
	model_text_clean(buf);
}

static const char *target_of(const struct render_prom_target *t)
{
	return t->target ? t->target : t->trace->dst;
}

/* {target="...",ttl="N" — left open, so a family can add labels. */
static int hop_labels(struct sink *o, const struct render_prom_target *t, const struct model_hop *h)
{
	char tgt[LABEL_MAX];
	escape_label(target_of(t), tgt, sizeof(tgt));
	return sink_printf(o, "{target=\"%s\",ttl=\"%u\"", tgt, h->ttl);
}

static int family_head(struct sink *o, const char *name, const char *type, const char *help)
{
	return sink_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Prometheus reads Go's float syntax: +Inf, -Inf, NaN. Whole numbers (the
 * counters) take printf's integer path, several times faster. */
static void format_double(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%lld", (long long)v);
	else
		snprintf(buf, len, "%.15g", v);
}

static int put_double(struct sink *o, double v)
{
	char buf[32];
	format_double(v, buf, sizeof(buf));
	return sink_puts(o, buf);
}

/* ---- per-hop scalar families -------------------------------------------- */

static double hop_sent(const struct model_hop *h) { return (double)h->snt; }
static double hop_replies(const struct model_hop *h) { return (double)h->recv; }
static double hop_timed_out(const struct model_hop *h) { return (double)(h->drop + h->late); }
static double hop_late(const struct model_hop *h) { return (double)h->late; }
static double hop_loss(const struct model_hop *h) { return h->loss_pct / 100.0; }

struct hop_family {
	const char *name, *type, *help;
	double (*value)(const struct model_hop *h);
};

static const struct hop_family hop_families[] = {
	{ "hopdoc_probes_sent_total", "counter", "Probes sent with this TTL.", hop_sent },
	{ "hopdoc_replies_total", "counter", "Replies received in time for probes with this TTL.",
	  hop_replies },
	{ "hopdoc_probes_timed_out_total", "counter",
	  "Probes with this TTL whose time ran out; lost ones are these less the late replies.",
	  hop_timed_out },
	{ "hopdoc_replies_late_total", "counter",
	  "Replies that came after their probe had timed out (not lost).", hop_late },
	{ "hopdoc_hop_loss_ratio", "gauge",
	  "Share of finished probes with this TTL that were lost (mtr's Loss% / 100).", hop_loss },
};

static int hop_family(const struct prom *p, const struct hop_family *f)
{
	int rc = family_head(p->out, f->name, f->type, f->help);
	for (size_t i = 0; i < p->n; i++) {
		const struct model_trace *tr = p->t[i].trace;
		for (size_t k = 0; k < tr->n_hops; k++) {
			rc |= sink_puts(p->out, f->name);
			rc |= hop_labels(p->out, &p->t[i], &tr->hops[k]);
			rc |= sink_puts(p->out, "} ");
			rc |= put_double(p->out, f->value(&tr->hops[k]));
			rc |= sink_puts(p->out, "\n");
		}
	}
	return rc;
}

/* ---- the RTT histogram --------------------------------------------------- */

static int bucket_line(struct sink *o, const struct render_prom_target *t,
                       const struct model_hop *h, const char *le, unsigned long count)
{
	int rc = sink_puts(o, "hopdoc_rtt_seconds_bucket");
	rc |= hop_labels(o, t, h);
	return rc | sink_printf(o, ",le=\"%s\"} %lu\n", le, count);
}

static int hop_histogram(const struct prom *p, const struct render_prom_target *t,
                         const struct model_hop *h)
{
	struct sink *o = p->out;
	unsigned long cum = 0;
	int rc = 0;
	for (unsigned b = 0; b < MODEL_RTT_BUCKETS; b++) {
		cum += h->rtt_bucket[b];
		rc |= bucket_line(o, t, h, p->le[b], cum);
	}
	rc |= bucket_line(o, t, h, "+Inf", h->recv);
	rc |= sink_puts(o, "hopdoc_rtt_seconds_sum");
	rc |= hop_labels(o, t, h);
	rc |= sink_puts(o, "} ");
	rc |= put_double(o, h->rtt_sum / 1000.0);
	rc |= sink_puts(o, "\nhopdoc_rtt_seconds_count");
	rc |= hop_labels(o, t, h);
	return rc | sink_printf(o, "} %lu\n", h->recv);
}

static int rtt_family(const struct prom *p)
{
	int rc = family_head(p->out, "hopdoc_rtt_seconds", "histogram",
	                     "Round-trip times of the replies in time, per TTL.");
	for (size_t i = 0; i < p->n; i++) {
		const struct model_trace *tr = p->t[i].trace;
		for (size_t k = 0; k < tr->n_hops; k++)
			if (tr->hops[k].has & MODEL_HAS_BUCKETS)
				rc |= hop_histogram(p, &p->t[i], &tr->hops[k]);
	}
	return rc;
}

/* ---- responders ----------------------------------------------------------- */

static int responder_line(struct sink *o, const struct render_prom_target *t,
                          const struct model_hop *h, const char *who, unsigned long replies)
{
	char label[LABEL_MAX];
	escape_label(who, label, sizeof(label));
	int rc = sink_puts(o, "hopdoc_responder_replies_total");
	rc |= hop_labels(o, t, h);
	return rc | sink_printf(o, ",responder=\"%s\"} %lu\n", label, replies);
}

/* The first RENDER_PROM_MAX_RESPONDERS by their own label, the rest as one. */
static int hop_responders(struct sink *o, const struct render_prom_target *t,
                          const struct model_hop *h)
{
	int rc = 0;
	unsigned long other = 0;
	for (unsigned r = 0; r < h->n_resp; r++) {
		if (r < RENDER_PROM_MAX_RESPONDERS)
			rc |= responder_line(o, t, h, h->resp[r].text, h->resp[r].replies);
		else
			other += h->resp[r].replies;
	}
	if (h->n_resp > RENDER_PROM_MAX_RESPONDERS)
		rc |= responder_line(o, t, h, "other", other);
	return rc;
}

static int responder_family(const struct prom *p)
{
	int rc = family_head(p->out, "hopdoc_responder_replies_total", "counter",
	                     "Replies per responder at a TTL (the first 4 seen; later ones "
	                     "as responder=\"other\").");
	for (size_t i = 0; i < p->n; i++) {
		const struct model_trace *tr = p->t[i].trace;
		for (size_t k = 0; k < tr->n_hops; k++)
			rc |= hop_responders(p->out, &p->t[i], &tr->hops[k]);
	}
	return rc;
}

/* ---- per-target families ------------------------------------------------- */

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

uint32_t render_prom_path_hash(const struct model_trace *t)
{
	if (t->n_hops == 0)
		return 0;
	uint32_t h = 2166136261u;
	for (size_t k = 0; k < t->n_hops; k++) {
		const struct model_hop *hop = &t->hops[k];
		h = fnv1a(h, hop->n_resp ? hop->resp[hop->latest].text : "???");
		h = fnv1a(h, ",");
	}
	return h;
}

static int target_gauge(const struct prom *p, const char *name, const char *help,
                        double (*value)(const struct model_trace *t))
{
	int rc = family_head(p->out, name, "gauge", help);
	for (size_t i = 0; i < p->n; i++) {
		char tgt[LABEL_MAX];
		escape_label(target_of(&p->t[i]), tgt, sizeof(tgt));
		rc |= sink_printf(p->out, "%s{target=\"%s\"} ", name, tgt);
		rc |= put_double(p->out, value(p->t[i].trace));
		rc |= sink_puts(p->out, "\n");
	}
	return rc;
}

static double path_hash(const struct model_trace *t) { return render_prom_path_hash(t); }
static double reached(const struct model_trace *t) { return t->reached ? 1.0 : 0.0; }

static int finding_line(struct sink *o, const struct render_prom_target *t)
{
	if (!t->findings || t->findings->n == 0)
		return 0;
	const struct finding *f = &t->findings->items[0];
	char tgt[LABEL_MAX];
	escape_label(target_of(t), tgt, sizeof(tgt));
	return sink_printf(o,
	                   "hopdoc_finding{target=\"%s\",kind=\"%s\",severity=\"%s\","
	                   "segment=\"%s\",hop=\"%u\"} 1\n",
	                   tgt, finding_kind_name(f->kind), finding_severity_name(f->severity),
	                   finding_segment_name(f->segment), f->hop);
}

static int finding_family(const struct prom *p)
{
	int rc = family_head(p->out, "hopdoc_finding", "gauge",
	                     "The current diagnosis of a target: its most important finding "
	                     "(docs/diagnosis.md), always 1.");
	for (size_t i = 0; i < p->n; i++)
		rc |= finding_line(p->out, &p->t[i]);
	return rc;
}

int render_prom(const struct render_prom_target *t, size_t n, struct sink *out)
{
	struct prom p = { .t = t, .n = n, .out = out };
	for (unsigned b = 0; b < MODEL_RTT_BUCKETS; b++)
		format_double(model_rtt_bucket_ms(b) / 1000.0, p.le[b], sizeof(p.le[b]));
	int rc = 0;
	for (size_t f = 0; f < sizeof(hop_families) / sizeof(hop_families[0]); f++)
		rc |= hop_family(&p, &hop_families[f]);
	rc |= rtt_family(&p);
	rc |= responder_family(&p);
	rc |= target_gauge(&p, "hopdoc_path_hash", "A hash of the responders along the path; "
	                   "it changes when the route does.", path_hash);
	rc |= target_gauge(&p, "hopdoc_target_reached", "1 when the target answered.", reached);
	rc |= finding_family(&p);
	return rc || sink_error(out) ? -1 : 0;
}
