#include "import/import_util.h"
#include "import/import_xml.h"

#include <stdio.h>
#include <string.h>

#define MAX_FIELDS 16

struct xml_reader {
	const char *counted; /* lines are counted up to here, once: tags only move forward */
	unsigned line;       /* the line of `counted` */
	struct model_trace *t;
	struct import_error *err;
	struct model_hop *hop;       /* inside <HUB> */
	unsigned hop_line;
	char letters[MAX_FIELDS + 1]; /* of the current hub */
	char cells[MAX_FIELDS][32];
	bool seen_mtr;
	bool closed_mtr;
};

/* Decodes the five predefined entities in place. */
static void decode_entities(char *s)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' } };
	char *out = s;
	while (*s) {
		size_t i = 0;
		while (i < sizeof(ents) / sizeof(ents[0]) && strncmp(s, ents[i].ent, strlen(ents[i].ent)) != 0)
			i++;
		if (i < sizeof(ents) / sizeof(ents[0])) {
			*out++ = ents[i].c;
			s += strlen(ents[i].ent);
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* The value of attribute `name` in the tag's text [attrs, end); "" when absent. */
static void attribute(const char *attrs, const char *end, const char *name, char *out, size_t len)
{
	out[0] = '\0';
	size_t n = strlen(name);
	for (const char *p = attrs; p + n + 2 < end; p++) {
		if (p[-1] != ' ' || strncmp(p, name, n) != 0 || p[n] != '=' || p[n + 1] != '"')
			continue;
		const char *v = p + n + 2;
		const char *q = memchr(v, '"', (size_t)(end - v));
		if (!q)
			return;
		size_t vl = (size_t)(q - v) < len - 1 ? (size_t)(q - v) : len - 1;
		memcpy(out, v, vl);
		out[vl] = '\0';
		decode_entities(out);
		return;
	}
}

static void take_mtr(struct xml_reader *r, const char *attrs, const char *end)
{
	char buf[MODEL_NAME_MAX];
	unsigned long n;
	attribute(attrs, end, "SRC", r->t->src, sizeof(r->t->src));
	attribute(attrs, end, "DST", r->t->dst, sizeof(r->t->dst));
	if (model_addr_parse(r->t->dst, &r->t->dst_addr) != 0)
		r->t->dst_addr.family = 0;
	attribute(attrs, end, "TESTS", buf, sizeof(buf));
	if (import_ulong(buf, IMPORT_MAX_PROBES, &n) == 0)
		r->t->tests = n;
	attribute(attrs, end, "PSIZE", buf, sizeof(buf));
	if (import_ulong(buf, 65535, &n) == 0)
		r->t->psize = (unsigned)n;
	r->seen_mtr = true;
}

static int open_hub(struct xml_reader *r, const char *attrs, const char *end, unsigned line)
{
	char buf[MODEL_NAME_MAX * 2];
	unsigned long ttl = 0;
	if (r->hop)
		return import_fail(r->err, line, "expected </HUB> before the next <HUB>");
	attribute(attrs, end, "COUNT", buf, sizeof(buf));
	if (import_ulong(buf, MODEL_MAX_HOPS, &ttl) != 0 || ttl == 0)
		return import_fail(r->err, line, "expected COUNT=\"1\" to \"%d\" in <HUB>", MODEL_MAX_HOPS);
	if (ttl <= r->t->n_hops)
		return import_fail(r->err, line, "expected hop %zu or above, found COUNT=\"%lu\"",
				   r->t->n_hops + 1, ttl);
	r->hop = model_trace_hop(r->t, (unsigned)ttl);
	if (!r->hop)
		return import_fail(r->err, line, "out of memory");
	attribute(attrs, end, "HOST", buf, sizeof(buf));
	bool ok;
	import_add_host(r->hop, import_trim(buf), &ok);
	r->hop_line = line;
	r->letters[0] = '\0';
	return 0;
}

static int close_hub(struct xml_reader *r, unsigned line)
{
	if (!r->hop)
		return import_fail(r->err, line, "expected <HUB> before </HUB>");
	char *cells[MAX_FIELDS];
	for (size_t i = 0; i < MAX_FIELDS; i++)
		cells[i] = r->cells[i];
	double tol;
	if (import_check_columns(r->letters, r->err, r->hop_line) != 0 ||
	    import_set_fields(r->hop, r->letters, cells, &tol, r->err, r->hop_line) != 0 ||
	    import_check_hop(r->hop, tol, r->err, r->hop_line) != 0)
		return -1;
	r->hop = NULL;
	return 0;
}

/* <Name>value</Name> inside a hub; *after is set past the closing tag. */
static int take_field(struct xml_reader *r, const char *name, const char *value, const char **after,
		      unsigned line)
{
	const char *close = strchr(value, '<');
	char want[48];
	snprintf(want, sizeof(want), "</%s>", name);
	if (!close || strncmp(close, want, strlen(want)) != 0)
		return import_fail(r->err, line, "expected %s", want);
	*after = close + strlen(want);
	char c = import_column_letter(name);
	size_t k = strlen(r->letters);
	if (!c || strchr(r->letters, c) || k == MAX_FIELDS)
		return 0; /* an element we do not keep */
	size_t n = (size_t)(close - value);
	if (n >= sizeof(r->cells[k]))
		return import_fail(r->err, line, "expected a number in <%s>", name);
	memcpy(r->cells[k], value, n);
	r->cells[k][n] = '\0';
	char *trimmed = import_trim(r->cells[k]);
	memmove(r->cells[k], trimmed, strlen(trimmed) + 1);
	r->letters[k] = c;
	r->letters[k + 1] = '\0';
	return 0;
}

/* The line of p, at or after every position asked before: counting from the
 * last one keeps the whole parse linear (a file of a million tags used to be
 * rescanned from its start for each). */
static unsigned line_at(struct xml_reader *r, const char *p)
{
	for (; r->counted < p; r->counted++)
		r->line += *r->counted == '\n';
	return r->line;
}

static int take_tag(struct xml_reader *r, const char *lt, const char *gt, const char **next)
{
	unsigned line = line_at(r, lt);
	char name[40];
	size_t n = 0;
	const char *p = lt + 1;
	while (p < gt && *p != ' ' && *p != '/' && n < sizeof(name) - 1)
		name[n++] = *p++;
	name[n] = '\0';
	*next = gt + 1;
	if (strncmp(lt, "</MTR>", 6) == 0)
		r->closed_mtr = true;
	if (lt[1] == '/')
		return strncmp(lt + 2, "HUB>", 4) == 0 ? close_hub(r, line) : 0;
	if (strcmp(name, "MTR") == 0) {
		take_mtr(r, p, gt);
		return 0;
	}
	if (strcmp(name, "HUB") == 0)
		return open_hub(r, p, gt, line);
	if (r->hop)
		return take_field(r, name, gt + 1, next, line);
	return 0;
}

static const char *skip_markup(const char *lt)
{
	if (strncmp(lt, "<!--", 4) == 0) {
		const char *e = strstr(lt, "-->");
		return e ? e + 3 : NULL;
	}
	if (lt[1] == '?' || lt[1] == '!') {
		const char *e = strchr(lt, '>');
		return e ? e + 1 : NULL;
	}
	return lt;
}

int import_xml_parse(char *text, struct model_trace *t, struct import_error *err)
{
	struct xml_reader r = { .counted = text, .line = 1, .t = t, .err = err };
	const char *p = text;
	const char *lt;
	while ((lt = strchr(p, '<'))) {
		const char *after = skip_markup(lt);
		if (!after)
			return import_fail(err, line_at(&r, lt), "expected the end of the comment or declaration");
		if (after != lt) {
			p = after;
			continue;
		}
		const char *gt = strchr(lt, '>');
		if (!gt)
			return import_fail(err, line_at(&r, lt), "expected '>' to close the tag");
		if (take_tag(&r, lt, gt, &p) != 0)
			return -1;
	}
	if (r.hop)
		return import_fail(err, line_at(&r, p), "expected </HUB>; the XML is cut short");
	if (!r.seen_mtr)
		return import_fail(err, 1, "expected an <MTR> element (mtr --xml)");
	if (t->n_hops == 0)
		return import_fail(err, line_at(&r, p), "expected at least one <HUB>");
	if (!r.closed_mtr)
		return import_fail(err, line_at(&r, p + strlen(p)), "expected </MTR>; the XML is cut short");
	return 0;
}
