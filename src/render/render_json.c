#include "render/render_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_field.h"

/* mtr 0.95 dumps with 4-space indent and 5 significant digits. */
#define RENDER_JSON_FLAGS (JSON_INDENT(4) | JSON_REAL_PRECISION(5))

/* json_object_set_new, counting failures instead of checking each call. */
static void put(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (!value || json_object_set_new(obj, key, value) != 0)
		*failed = 1;
}

static void append(json_t *arr, json_t *value, int *failed)
{
	if (!value || json_array_append_new(arr, value) != 0)
		*failed = 1;
}

static json_t *trace_header(const struct model_trace *t)
{
	char psize[32], pattern[32];
	snprintf(psize, sizeof(psize), "%u", t->psize);
	if (t->bitpattern >= 0)
		snprintf(pattern, sizeof(pattern), "0x%02X", (unsigned)(t->bitpattern & 0xff));
	else
		snprintf(pattern, sizeof(pattern), "rand(0x00-FF)");
	return json_pack("{ss ss si sI ss ss}", "src", t->src, "dst", t->dst, "tos", t->tos,
			 "tests", (json_int_t)t->tests, "psize", psize, "bitpattern", pattern);
}

static json_t *field_json(const struct field *f, const struct model_hop *h)
{
	double v = field_value(f, h);
	return f->integer ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *mpls_list(const struct model_responder *r)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (unsigned i = 0; arr && i < r->n_mpls && i < MODEL_MAX_MPLS; i++) {
		const struct model_mpls *m = &r->mpls[i];
		append(arr, json_pack("{sI si si si}", "label", (json_int_t)m->label, "tc", m->tc, "s", m->s,
				      "ttl", m->ttl), &failed);
	}
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The figures a responder has of its own (constant flows), under mtr's
 * keys, and the flows that reach it. */
#define RESP_FIGURES "LSRDNABWV"

static json_t *flow_list(uint64_t flows)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (unsigned k = 0; arr && k < 64; k++)
		if (flows >> k & 1)
			append(arr, json_integer(k), &failed);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static void put_resp_figures(json_t *obj, const struct model_hop *h,
                             const struct model_responder *r, int *failed)
{
	struct model_hop own;
	render_field_resp_hop(h, r, &own);
	for (const char *c = RESP_FIGURES; *c; c++) {
		const struct field *f = field_for(*c);
		if (f) /* the hub's keys: "Recv" where mtr's title is "Rcv" */
			put(obj, f->extra_key ? f->extra_key : f->title, field_json(f, &own), failed);
	}
	put(obj, "flows", flow_list(r->stats.flows), failed);
}

static json_t *responder(const struct model_hop *h, const struct model_responder *r,
                         const struct render_opts *o)
{
	char label[2 * MODEL_NAME_MAX];
	json_t *obj = json_pack("{ss ss sI}", "host", render_field_label(r, o, label, sizeof(label)), "ip",
				r->text, "count", (json_int_t)r->replies);
	int failed = !obj;
	if (obj && r->name[0])
		put(obj, "name", json_string(r->name), &failed);
	if (obj && r->asn)
		put(obj, "asn", json_integer(r->asn), &failed);
	if (obj && r->n_mpls)
		put(obj, "mpls", mpls_list(r), &failed);
	if (obj && r->stats.has)
		put_resp_figures(obj, h, r, &failed);
	if (obj && r->nat)
		put(obj, "nat", json_true(), &failed);
	if (failed) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *hosts_list(const struct model_hop *h, const struct render_opts *o)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (unsigned i = 0; arr && i < h->n_resp; i++)
		append(arr, responder(h, &h->resp[i], o), &failed);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* hopdoc's additions, after mtr's keys; never one already there. */
static void put_extra(json_t *hub, const char *key, json_t *value, int *failed)
{
	if (json_object_get(hub, key))
		json_decref(value);
	else
		put(hub, key, value, failed);
}

/* Every figure the hop carries that mtr's keys lack, in the table's order. */
static void put_extras(json_t *hub, const struct model_hop *h, const struct render_opts *o, int *failed)
{
	size_t n;
	const struct field *f = field_table(&n);
	for (size_t i = 0; i < n; i++)
		if (f[i].extra_key && (h->has & f[i].has))
			put_extra(hub, f[i].extra_key, field_json(&f[i], h), failed);
	put_extra(hub, "hosts", hosts_list(h, o), failed);
}

static json_t *hub(const struct model_hop *h, const struct render_opts *o)
{
	char label[2 * MODEL_NAME_MAX];
	render_field_hop_label(h, o, label, sizeof(label));
	json_t *obj = json_pack("{sI ss}", "count", (json_int_t)h->ttl, "host", label);
	int failed = !obj;
	if (obj && o->ipinfo && o->ipinfo_field % MODEL_IPINFO_FIELDS == 0) {
		/* mtr 0.95's "ASN" ("AS13335", "AS???"), only for field 0 (-z, -y 0) */
		char info[MODEL_IPINFO_MAX + 8];
		const struct model_responder *r = h->n_resp ? &h->resp[h->latest < h->n_resp ? h->latest : 0] : NULL;
		put(obj, "ASN", json_string(render_field_ipinfo_value(r, o, info, sizeof(info))), &failed);
	}
	for (const char *c = render_field_letters(o); obj && *c; c++) {
		const struct field *f = field_for(*c);
		if (f && f->style != FIELD_GAP)
			put(obj, f->title, field_json(f, h), &failed);
	}
	if (obj)
		put_extras(obj, h, o, &failed);
	if (failed) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *hubs(const struct model_trace *t, const struct render_opts *o)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (size_t i = render_field_first_hop(t); arr && i < t->n_hops; i++)
		append(arr, hub(&t->hops[i], o), &failed);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Only when a hop reported one, so mtr's own JSON stays as it was. */
static json_t *path_mtu(const struct model_trace *t)
{
	char from[64];
	model_addr_text(&t->path_mtu_from, from, sizeof(from));
	return json_pack("{sI sI ss}", "mtu", (json_int_t)t->path_mtu, "hop",
	                 (json_int_t)t->path_mtu_hop, "from", from);
}

/* One earlier path epoch: its rounds, where the change was seen, and the
 * hops it showed, as report.hubs shows the current one's. */
static json_t *epoch_json(const struct model_epoch *e, const struct render_opts *o)
{
	json_t *obj = json_pack("{sI sI sI sb}", "first_round", (json_int_t)e->first_round,
	                        "last_round", (json_int_t)e->last_round, "change_ttl",
	                        (json_int_t)e->change_ttl, "end_moved", e->end_moved);
	int failed = !obj;
	if (obj && e->path)
		put(obj, "hubs", hubs(e->path, o), &failed);
	if (failed) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* Only when the route changed mid-run: the earlier epochs, oldest first,
 * then the current one (whose hops are report.hubs). */
static json_t *epochs(const struct model_trace *t, const struct render_opts *o)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (size_t i = 0; arr && i < t->n_epochs; i++)
		append(arr, epoch_json(&t->epochs[i], o), &failed);
	if (arr)
		append(arr, json_pack("{sI sb}", "first_round", (json_int_t)t->epoch_first_round,
		                      "current", 1), &failed);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *render_json_trace(const struct model_trace *t, const struct render_opts *o)
{
	o = render_field_opts(o);
	json_t *report = json_object();
	int failed = !report;
	if (report) {
		put(report, "mtr", trace_header(t), &failed);
		put(report, "hubs", hubs(t, o), &failed);
	}
	if (report && t->path_mtu)
		put(report, "path_mtu", path_mtu(t), &failed);
	if (report && t->n_epochs)
		put(report, "epochs", epochs(t, o), &failed);
	if (report && o->diagnosis)
		put(report, "diagnosis", render_json_findings(o->diagnosis), &failed);
	json_t *root = failed ? NULL : json_pack("{so}", "report", report);
	if (!root)
		json_decref(report);
	return root;
}

static json_t *number_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* R13's host findings add their counter and its rate; other findings keep
 * the fields they always had. */
static json_t *with_counter(json_t *obj, const struct finding *f)
{
	if (obj && (json_object_set_new(obj, "counter", json_string(f->counter)) != 0 ||
		    json_object_set_new(obj, "rate_per_s", number_or_null(f->rate_per_s)) != 0)) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static json_t *finding_json(const struct finding *f)
{
	json_t *hops = json_array();
	int failed = !hops;
	for (size_t i = 0; hops && i < f->n_hops && i < FINDING_MAX_HOPS; i++)
		append(hops, json_integer(f->hops[i]), &failed);
	if (failed) {
		json_decref(hops);
		return NULL;
	}
	json_t *obj = json_pack("{ss ss ss ss si so so so ss ss ss}", "finding", finding_kind_name(f->kind), "severity",
			 finding_severity_name(f->severity), "segment", finding_segment_name(f->segment),
			 "direction", finding_direction_name(f->direction), "hop", (int)f->hop, "hops", hops,
			 "loss_pct", number_or_null(f->loss_pct), "latency_ms", number_or_null(f->latency_ms),
			 "summary", f->summary, "evidence", f->evidence, "advice", f->advice);
	return f->counter[0] ? with_counter(obj, f) : obj;
}

json_t *render_json_findings(const struct finding_list *l)
{
	json_t *arr = json_array();
	int failed = !arr;
	for (size_t i = 0; arr && l && i < l->n; i++)
		append(arr, finding_json(&l->items[i]), &failed);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

int render_json_dump(const json_t *root, struct sink *out)
{
	if (!root)
		return -1;
	char *text = json_dumps(root, RENDER_JSON_FLAGS);
	if (!text)
		return -1;
	sink_puts(out, text);
	sink_puts(out, "\n");
	free(text);
	return sink_error(out);
}

int render_json_report(const struct model_trace *t, const struct render_opts *o, struct sink *out)
{
	json_t *root = render_json_trace(t, o);
	int rc = render_json_dump(root, out);
	json_decref(root);
	return rc;
}
