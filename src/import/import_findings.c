/* import_findings: host-* findings from report.diagnosis of a -j document. */
#include "import/import_findings.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The host kinds by their JSON names; false for any other name. */
static bool host_kind(const char *name, enum finding_kind *k)
{
	static const enum finding_kind kinds[] = {
	    FINDING_HOST_NIC_DROPS,   FINDING_HOST_SOFTNET_DROPS,   FINDING_HOST_CONNTRACK_FULL,
	    FINDING_HOST_RETRANSMITS, FINDING_HOST_LISTEN_OVERFLOW, FINDING_HOST_UDP_BUFFER_ERRORS,
	};
	for (size_t i = 0; name && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name, finding_kind_name(kinds[i])) == 0) {
			*k = kinds[i];
			return true;
		}
	return false;
}

static bool severity_of(const char *name, enum finding_severity *s)
{
	static const enum finding_severity all[] = {FINDING_OK, FINDING_INFO, FINDING_WARNING,
	                                            FINDING_CRITICAL};
	for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, finding_severity_name(all[i])) == 0) {
			*s = all[i];
			return true;
		}
	return false;
}

/* A finite, non-negative number, else NAN (null, a string, a negative). */
static double number_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	double d = json_is_number(v) ? json_number_value(v) : NAN;
	return isfinite(d) && d >= 0.0 ? d : NAN;
}

/* A string member, "" when absent or not a string. */
static const char *text_at(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* The code point of the UTF-8 sequence at p and its length; 0 for bytes
 * that are not one (stray, truncated, overlong, a surrogate). */
static size_t utf8_at(const unsigned char *p, uint32_t *cp)
{
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xc2 ? 0 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] < 0xf5 ? 4 : 0;
	uint32_t v = n == 1 ? p[0] : p[0] & (0x7fu >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* the NUL ending a short string too */
			return 0;
		v = v << 6 | (p[i] & 0x3fu);
	}
	if (n == 0 || v < least[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* What must not reach the user's terminal from a server: C0 and C1 controls
 * (C1 holds CSI and OSC, U+009B and U+009D, which some terminals obey),
 * DEL, the line and paragraph separators, and the bidirectional marks,
 * embeddings, overrides and isolates: an override shows a line's bytes in
 * another order than they are, so "0% lost" could be shown as something
 * else. hopdoc's own texts are English and need none of them. */
static bool unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* A copy with each unsafe code point, and each byte that is not UTF-8, as
 * one space: the server's words are printed on the user's terminal, and
 * must never steer it. */
static char *clean_copy(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *c = malloc(strlen(s) + 1), *o = c;
	while (c && *p) {
		uint32_t cp = 0;
		size_t n = utf8_at(p, &cp);
		if (n == 0 || unsafe(cp))
			*o++ = ' ';
		else
			memcpy(o, p, n), o += n;
		p += n ? n : 1;
	}
	if (c)
		*o = '\0';
	return c;
}

/* One item's figures into f (texts not yet); false: not a host finding. */
static bool read_item(json_t *item, struct finding *f)
{
	memset(f, 0, sizeof(*f));
	if (!json_is_object(item) || !host_kind(text_at(item, "finding"), &f->kind) ||
	    !severity_of(text_at(item, "severity"), &f->severity))
		return false;
	f->segment = FINDING_SEG_UNKNOWN;
	f->direction = FINDING_DIR_UNKNOWN;
	f->loss_pct = number_at(item, "loss_pct");
	f->latency_ms = NAN;
	f->rate_per_s = number_at(item, "rate_per_s");
	char *counter = clean_copy(text_at(item, "counter"));
	snprintf(f->counter, sizeof(f->counter), "%s", counter ? counter : "");
	free(counter);
	return true;
}

static int take_items(json_t *diag, struct finding_list *out)
{
	size_t before = out->n, i, taken = 0;
	json_t *item;
	json_array_foreach(diag, i, item) {
		struct finding f;
		if (taken == IMPORT_HOST_FINDINGS_MAX || !read_item(item, &f))
			continue;
		f.summary = clean_copy(text_at(item, "summary"));
		f.evidence = clean_copy(text_at(item, "evidence"));
		f.advice = clean_copy(text_at(item, "advice"));
		bool copied = f.summary && f.evidence && f.advice;
		if (!copied)
			finding_free_texts(&f);
		if (!copied || !finding_list_take(out, &f)) {
			while (out->n > before)
				finding_free_texts(&out->items[--out->n]);
			return -1;
		}
		taken++;
	}
	return 1;
}

int import_host_findings(const char *data, size_t len, struct finding_list *out)
{
	json_error_t e;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
	if (!root)
		return -1;
	json_t *diag = json_object_get(json_object_get(root, "report"), "diagnosis");
	int rc = json_is_array(diag) ? take_items(diag, out) : 0;
	json_decref(root);
	return rc;
}
