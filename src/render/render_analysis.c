#include "render/render_analysis.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "model/field.h"
#include "render/render.h"
#include "render/render_json.h"
#include "render/render_text.h"

static bool is_clients(const struct render_analysis *a)
{
	return a->mode == RENDER_ANALYSIS_CLIENTS;
}

/* ---- Text ------------------------------------------------------------------ */

static const char *text_role(const struct render_analysis *a, size_t i)
{
	if (is_clients(a))
		return "Client";
	return i == 0 ? "Outbound" : "Return";
}

/* mtr's default columns, less those the report did not have (WinMTR has no
 * StDev): a column of zeros would read as measured. */
static const char *fields_for(const struct model_trace *t, char *buf, size_t len)
{
	unsigned has = 0;
	for (size_t i = 0; i < t->n_hops; i++)
		has |= t->hops[i].has;
	size_t k = 0;
	for (const char *c = FIELD_DEFAULT; *c && k + 1 < len; c++) {
		const struct field *f = field_for(*c);
		if (f && (f->has & has) == f->has)
			buf[k++] = *c;
	}
	buf[k] = '\0';
	return buf;
}

/* Imported names and addresses are both shown ("name (ip)"), in full. */
static struct render_opts report_opts(const struct finding_list *diagnosis)
{
	struct render_opts o = { .fields = NULL, .wide = true, .want_names = true,
				 .show_ips = true, .diagnosis = diagnosis };
	return o;
}

int render_analysis_text(const struct render_analysis *a, struct sink *out)
{
	render_fn report = render_for(RENDER_REPORT);
	for (size_t i = 0; i < a->n; i++) {
		bool last = i + 1 == a->n;
		struct render_opts o = report_opts(last ? a->findings : NULL);
		char fields[16];
		o.fields = fields_for(a->traces[i], fields, sizeof(fields));
		sink_printf(out, "%s%s: %s\n", i ? "\n" : "", text_role(a, i), a->names[i]);
		if (report(a->traces[i], &o, out) != 0)
			return -1;
	}
	return sink_error(out);
}

/* ---- JSON ------------------------------------------------------------------ */

/* Adds a part to the document; jansson refuses a NULL part (a string it
 * could not take), and that must fail the document rather than leave a hole. */
static int put_part(json_t *doc, const char *key, json_t *part)
{
	return part ? json_object_set_new(doc, key, part) : -1;
}

static json_t *trace_json(const struct model_trace *t);

static json_t *clients_json(const struct render_analysis *a)
{
	json_t *clients = json_array();
	for (size_t i = 0; clients && i < a->n; i++) {
		json_t *trace = trace_json(a->traces[i]);
		if (!trace || json_array_append_new(clients, trace) != 0) {
			json_decref(clients);
			return NULL;
		}
	}
	return clients;
}

/* Like the text report, a hub leaves out the keys whose figures the report
 * did not have (WinMTR's StDev): a 0.0 would read as measured. */
static json_t *trace_json(const struct model_trace *t)
{
	struct render_opts o = report_opts(NULL);
	char fields[16];
	o.fields = fields_for(t, fields, sizeof(fields));
	return render_json_trace(t, &o);
}

static int put_traces(json_t *doc, const struct render_analysis *a)
{
	if (is_clients(a))
		return put_part(doc, "clients", clients_json(a));
	int rc = put_part(doc, "outbound", trace_json(a->traces[0]));
	if (rc == 0 && a->n > 1)
		rc = put_part(doc, "return", trace_json(a->traces[1]));
	return rc;
}

int render_analysis_json(const struct render_analysis *a, struct sink *out)
{
	json_t *doc = json_object();
	int rc = -1;
	if (doc && put_traces(doc, a) == 0 &&
	    put_part(doc, "diagnosis", render_json_findings(a->findings)) == 0)
		rc = render_json_dump(doc, out);
	json_decref(doc);
	return rc;
}

int render_analysis_findings_text(const struct finding_list *l, struct sink *out)
{
	return render_text_findings(l, out);
}

int render_analysis_host_json(const char *host_json, const struct finding_list *l,
			      struct sink *out)
{
	json_t *host = json_loads(host_json, JSON_REJECT_DUPLICATES, NULL);
	json_t *doc = json_is_object(host) ? json_object() : NULL;
	int rc = -1;
	if (doc && put_part(doc, "host", json_incref(host)) == 0 &&
	    put_part(doc, "diagnosis", render_json_findings(l)) == 0)
		rc = render_json_dump(doc, out);
	json_decref(doc);
	json_decref(host);
	return rc;
}

/* ---- Summary --------------------------------------------------------------- */

static void summary_has(unsigned has, struct sink *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} bits[] = { { MODEL_HAS_RECV, "recv" },     { MODEL_HAS_LAST, "last" },
		     { MODEL_HAS_STDEV, "stdev" },   { MODEL_HAS_GMEAN, "gmean" },
		     { MODEL_HAS_JITTER, "jitter" }, { MODEL_HAS_DROP, "drop" } };
	const char *sep = " has=";
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (has & bits[i].bit) {
			sink_printf(out, "%s%s", sep, bits[i].name);
			sep = ",";
		}
}

/* The latest responder first, then the others in their order. */
static void summary_hosts(const struct model_hop *h, struct sink *out)
{
	for (unsigned i = 0; i < h->n_resp; i++) {
		const struct model_responder *r = &h->resp[(h->latest + i) % h->n_resp];
		sink_printf(out, " %s%s", i ? "+" : "", r->text);
		if (r->name[0] && strcmp(r->name, r->text) != 0)
			sink_printf(out, "[%s]", r->name);
		if (r->asn)
			sink_printf(out, "[AS%u]", (unsigned)r->asn);
	}
	if (!h->n_resp)
		sink_puts(out, " ???");
}

static void summary_hop(const char *role, const struct model_hop *h, struct sink *out)
{
	sink_printf(out, "%s hop %u", role, h->ttl);
	summary_hosts(h, out);
	sink_printf(out, " loss=%.1f snt=%lu recv=%lu last=%.3f avg=%.3f best=%.3f wrst=%.3f stdev=%.3f",
		    h->loss_pct, h->snt, h->recv, h->last, h->avg, h->best, h->wrst, h->stdev);
	summary_has(h->has, out);
	sink_puts(out, "\n");
}

static void summary_trace(const char *role, const struct model_trace *t, struct sink *out)
{
	sink_printf(out, "%s dst=%s reached=%s hops=%zu\n", role, t->dst[0] ? t->dst : "-",
		    t->reached ? "yes" : "no", t->n_hops);
	for (size_t j = 0; j < t->n_hops; j++)
		summary_hop(role, &t->hops[j], out);
}

int render_analysis_summary(const struct render_analysis *a, struct sink *out)
{
	for (size_t i = 0; i < a->n; i++) {
		char role[32];
		if (is_clients(a))
			snprintf(role, sizeof(role), "client%zu", i + 1);
		else
			snprintf(role, sizeof(role), "%s", i ? "return" : "outbound");
		summary_trace(role, a->traces[i], out);
	}
	for (size_t i = 0; a->findings && i < a->findings->n; i++) {
		const struct finding *f = &a->findings->items[i];
		sink_printf(out, "finding %s %s %s %s hop=%u\n", finding_kind_name(f->kind),
			    finding_severity_name(f->severity), finding_segment_name(f->segment),
			    finding_direction_name(f->direction), f->hop);
	}
	return sink_error(out);
}
