#include "import/import_json.h"
#include "import/import_util.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/field.h"

/* At most this many values (counted as the commas, '[' and '{' outside
 * strings) go to jansson, which holds every value of the document in memory
 * (about 40 bytes each): a 16 MiB file of "0," would take 350 MB. hopdoc's
 * own -j of 255 hops with 8 responders each, MPLS labels and findings has
 * under 100000. */
#define MAX_VALUES 1000000u

/* The closing quote of the string that opens at p, or the end of the text;
 * counts the lines it spans. */
static const char *string_end(const char *p, unsigned *line)
{
	for (p++; *p && *p != '"'; p++) {
		*line += *p == '\n';
		if (*p == '\\' && p[1])
			p++;
	}
	return p;
}

/* The line where the document passes MAX_VALUES, 0 when it does not. */
static unsigned too_many_values(const char *p)
{
	unsigned line = 1;
	size_t count = 0;
	for (; *p; p++) {
		if (*p == '"' && !*(p = string_end(p, &line)))
			break;
		line += *p == '\n';
		if ((*p == ',' || *p == '[' || *p == '{') && ++count > MAX_VALUES)
			return line;
	}
	return 0;
}

/* jansson cannot say where a value was: the lines of the first `n` hubs are
 * found in one walk over the "hubs" array's top-level objects, skipping
 * strings (a walk from the start for each hub made 255 hubs 255 passes). */
static void hub_lines(const char *text, unsigned *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lines[i] = 1;
	const char *p = strstr(text, "\"hubs\"");
	p = p ? strchr(p, '[') : NULL;
	unsigned line = 1;
	for (const char *q = text; p && q < p; q++)
		line += *q == '\n';
	int depth = 0;
	for (size_t seen = 0; p && *p && seen < n; p++) {
		if (*p == '"' && !*(p = string_end(p, &line)))
			break;
		line += *p == '\n';
		depth += (*p == '[' || *p == '{') - (*p == ']' || *p == '}');
		if (*p == '{' && depth == 2)
			lines[seen++] = line;
		if (depth <= 0)
			break;
	}
}

static int json_count(json_t *v, unsigned long hi, unsigned long *out)
{
	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < 0 || (unsigned long long)n > hi)
			return -1;
		*out = (unsigned long)n;
		return 0;
	}
	if (json_is_string(v))
		return import_ulong(json_string_value(v), hi, out);
	return -1;
}

static int json_ms(json_t *v, double hi, double *out)
{
	if (!json_is_number(v))
		return -1;
	double d = json_number_value(v);
	if (!isfinite(d) || d < 0 || d > hi)
		return -1;
	*out = d;
	return 0;
}

/* The hub's figures as cells, through the same checks as the text formats. */
static int hub_cells(json_t *hub, char *letters, char cells[][32], struct import_error *err,
		     unsigned line)
{
	/* mtr writes the hub's figures in -o order under its column titles, so
	 * the file's own key order gives the columns; other keys are not figures. */
	size_t k = 0;
	const char *key;
	json_t *v;
	json_object_foreach(hub, key, v) {
		const struct field *f = field_by_title(key);
		if (!f || !f->letter || strchr(letters, f->letter))
			continue;
		bool integer = f->integer;
		double d = 0;
		if (!json_is_number(v) || json_ms(v, 1e12, &d) != 0)
			return import_fail(err, line, "expected a non-negative number for \"%s\"", key);
		if (integer && d != floor(d))
			return import_fail(err, line, "expected an integer for \"%s\"", key);
		snprintf(cells[k], 32, integer ? "%.0f" : "%.17g", d);
		letters[k++] = f->letter;
		letters[k] = '\0';
	}
	return 0;
}

static uint64_t flow_bits(json_t *flows)
{
	uint64_t bits = 0;
	size_t i;
	json_t *k;
	json_array_foreach(flows, i, k)
		if (json_is_integer(k) && json_integer_value(k) >= 0 && json_integer_value(k) < 64)
			bits |= (uint64_t)1 << json_integer_value(k);
	return bits;
}

/* A responder's own figures (hopdoc's constant flows: "Snt", "Recv",
 * "Drop", "Loss%", "Last" ... "flows"); all of the counts and the loss, or
 * none is taken. */
static void take_host_figures(struct model_responder *r, json_t *item)
{
	struct model_resp_stats s = { .has = true };
	if (json_count(json_object_get(item, "Snt"), IMPORT_MAX_PROBES, &s.snt) != 0 ||
	    json_count(json_object_get(item, "Recv"), s.snt, &s.recv) != 0 ||
	    json_count(json_object_get(item, "Drop"), s.snt, &s.drop) != 0 ||
	    json_ms(json_object_get(item, "Loss%"), 100.0, &s.loss_pct) != 0)
		return;
	static const struct { const char *key; size_t off; } ms[] = {
		{ "Last", offsetof(struct model_resp_stats, last) },
		{ "Avg", offsetof(struct model_resp_stats, avg) },
		{ "Best", offsetof(struct model_resp_stats, best) },
		{ "Wrst", offsetof(struct model_resp_stats, wrst) },
		{ "StDev", offsetof(struct model_resp_stats, stdev) },
	};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		(void)json_ms(json_object_get(item, ms[i].key), 1e12,
		              (double *)((char *)&s + ms[i].off));
	s.flows = flow_bits(json_object_get(item, "flows"));
	r->stats = s;
}

/* hopdoc's "hosts": [{"host", "ip", "count", "name"}], every responder of
 * the hop; the one whose "host" is the hub's is the latest. */
static void take_hosts_list(struct model_hop *h, json_t *hosts, const char *hub_host)
{
	size_t i;
	json_t *item;
	json_array_foreach(hosts, i, item) {
		json_t *ip = json_object_get(item, "ip");
		json_t *name = json_object_get(item, "name");
		json_t *label = json_object_get(item, "host");
		char cell[MODEL_NAME_MAX * 2];
		if (!json_is_string(ip))
			continue;
		if (json_is_string(name) && json_string_value(name)[0])
			snprintf(cell, sizeof(cell), "%s (%s)", json_string_value(name), json_string_value(ip));
		else
			snprintf(cell, sizeof(cell), "%s", json_string_value(ip));
		unsigned latest = h->latest;
		bool ok;
		struct model_responder *r = import_add_host(h, cell, &ok);
		unsigned long replies = 0;
		if (r && json_count(json_object_get(item, "count"), IMPORT_MAX_PROBES, &replies) == 0)
			r->replies = replies;
		if (r)
			take_host_figures(r, item);
		if (r && i > 0 && !(json_is_string(label) && strcmp(json_string_value(label), hub_host) == 0))
			h->latest = latest;
	}
}

static int take_hubs_host(struct model_hop *h, json_t *hub, struct import_error *err, unsigned line)
{
	json_t *host = json_object_get(hub, "host");
	if (!json_is_string(host))
		return import_fail(err, line, "expected a \"host\" string in the hub");
	json_t *hosts = json_object_get(hub, "hosts");
	if (json_array_size(hosts) > 0) {
		take_hosts_list(h, hosts, json_string_value(host));
		return 0;
	}
	char cell[MODEL_NAME_MAX * 2];
	json_t *asn = json_object_get(hub, "ASN");
	if (json_is_string(asn) && strncmp(json_string_value(asn), "AS", 2) == 0)
		snprintf(cell, sizeof(cell), "%s %s", json_string_value(asn), json_string_value(host));
	else
		snprintf(cell, sizeof(cell), "%s", json_string_value(host));
	bool ok;
	import_add_host(h, cell, &ok);
	return 0;
}

static int take_hub(struct model_trace *t, json_t *hub, size_t index, unsigned line,
		    struct import_error *err)
{
	unsigned long ttl = 0;
	if (!json_is_object(hub))
		return import_fail(err, line, "expected hub %zu to be an object", index + 1);
	if (json_count(json_object_get(hub, "count"), MODEL_MAX_HOPS, &ttl) != 0 || ttl == 0)
		return import_fail(err, line, "expected \"count\" from 1 to %d in hub %zu", MODEL_MAX_HOPS,
				   index + 1);
	if (ttl <= t->n_hops)
		return import_fail(err, line, "expected hop %zu or above, found count %lu", t->n_hops + 1, ttl);
	struct model_hop *h = model_trace_hop(t, (unsigned)ttl);
	if (!h)
		return import_fail(err, line, "out of memory");
	char letters[32] = "";
	char cells[16][32];
	char *cellp[16];
	if (hub_cells(hub, letters, cells, err, line) != 0 || import_check_columns(letters, err, line) != 0)
		return -1;
	for (size_t i = 0; i < 16; i++)
		cellp[i] = cells[i];
	double tol;
	if (take_hubs_host(h, hub, err, line) != 0 ||
	    import_set_fields(h, letters, cellp, &tol, err, line) != 0)
		return -1;
	return import_check_hop(h, tol >= 0 ? 0.05 : tol, err, line);
}

static void take_string(char *dst, size_t len, json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, len, "%s", json_string_value(v));
}

static void take_mtr(struct model_trace *t, json_t *mtr)
{
	unsigned long n = 0;
	take_string(t->src, sizeof(t->src), json_object_get(mtr, "src"));
	take_string(t->dst, sizeof(t->dst), json_object_get(mtr, "dst"));
	if (model_addr_parse(t->dst, &t->dst_addr) != 0)
		t->dst_addr.family = 0;
	if (json_count(json_object_get(mtr, "tests"), IMPORT_MAX_PROBES, &n) == 0)
		t->tests = n;
	if (json_count(json_object_get(mtr, "psize"), 65535, &n) == 0)
		t->psize = (unsigned)n;
}

/* mtr's own "nothing answered": an empty hubs list. One silent first hop,
 * probed as often as the report says, keeps that fact for the diagnosis. */
static int nothing_answered(struct model_trace *t, struct import_error *err)
{
	struct model_hop *h = model_trace_hop(t, 1);
	if (!h)
		return import_fail(err, 0, "out of memory");
	h->snt = t->tests ? t->tests : 1;
	h->recv = 0;
	h->loss_pct = 100.0;
	h->has = MODEL_HAS_RECV;
	return import_check_hop(h, 0.05, err, 1);
}

static int take_report(struct model_trace *t, json_t *report, const char *text,
		       struct import_error *err)
{
	json_t *mtr = json_object_get(report, "mtr");
	json_t *hubs = json_object_get(report, "hubs");
	if (json_is_object(mtr))
		take_mtr(t, mtr);
	if (!json_is_array(hubs))
		return import_fail(err, 1, "expected a \"hubs\" array in \"report\"");
	/* hub 256 at the latest fails: hop numbers rise and stop at 255 */
	unsigned lines[MODEL_MAX_HOPS + 1];
	hub_lines(text, lines, MODEL_MAX_HOPS + 1);
	if (json_array_size(hubs) == 0)
		return nothing_answered(t, err);
	for (size_t i = 0; i < json_array_size(hubs) && i <= MODEL_MAX_HOPS; i++)
		if (take_hub(t, json_array_get(hubs, i), i, lines[i], err) != 0)
			return -1;
	return 0;
}

int import_json_parse(char *text, struct model_trace *t, struct import_error *err)
{
	unsigned crowded = too_many_values(text);
	if (crowded)
		return import_fail(err, crowded, "expected at most %u JSON values; an mtr report has far fewer",
				   MAX_VALUES);
	json_error_t jerr;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &jerr);
	if (!doc)
		return import_fail(err, jerr.line > 0 ? (unsigned)jerr.line : 1,
				   "expected valid JSON: %s", jerr.text);
	/* Words after the document are a paste's; a second document is not. */
	const char *rest = text + jerr.position;
	if (strstr(rest, "\"report\"")) {
		json_decref(doc);
		return import_fail(err, import_line_at(text, strstr(rest, "\"report\"")),
				   "expected one report per file; a second JSON report starts here");
	}
	json_t *report = json_object_get(doc, "report");
	int rc;
	if (!json_is_object(report))
		rc = import_fail(err, 1, "expected an object with a \"report\" key (mtr --json)");
	else
		rc = take_report(t, report, text, err);
	json_decref(doc);
	return rc;
}
