#include "diag/diag_hop.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>


bool diag_hop_probed(const struct model_hop *h)
{
	return h->snt > 0 || h->n_resp > 0;
}

bool diag_hop_answers(const struct model_hop *h)
{
	if (!diag_hop_probed(h) || h->loss_pct >= 100.0)
		return false;
	/* Some imports carry no responder for a hop that still has figures. */
	return h->n_resp > 0 || h->recv > 0 || h->avg > 0.0 || h->best > 0.0;
}

bool diag_hop_addr(const struct model_responder *r, struct model_addr *out)
{
	if (r->addr.family != AF_UNSPEC) {
		*out = r->addr;
		return true;
	}
	return model_addr_parse(r->text, out) == 0 || model_addr_parse(r->name, out) == 0;
}

static bool v4_in(const struct model_addr *a, uint8_t b0, uint8_t b1, unsigned prefix)
{
	uint32_t ip = ((uint32_t)a->bytes[0] << 24) | ((uint32_t)a->bytes[1] << 16);
	uint32_t net = ((uint32_t)b0 << 24) | ((uint32_t)b1 << 16);
	uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
	return (ip & mask) == (net & mask);
}

bool diag_hop_is_private(const struct model_addr *a)
{
	if (a->family == AF_INET)
		return v4_in(a, 10, 0, 8) || v4_in(a, 172, 16, 12) || v4_in(a, 192, 168, 16) ||
		       v4_in(a, 169, 254, 16) || v4_in(a, 127, 0, 8);
	if (a->family == AF_INET6) {
		static const uint8_t loopback[16] = {[15] = 1};
		return (a->bytes[0] & 0xfe) == 0xfc ||
		       (a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80) ||
		       memcmp(a->bytes, loopback, sizeof(loopback)) == 0;
	}
	return false;
}

bool diag_hop_is_cgnat(const struct model_addr *a)
{
	return a->family == AF_INET && v4_in(a, 100, 64, 10);
}

/* A DNS name: dotted, no spaces, with a letter in its last label. */
static bool looks_like_name(const char *s)
{
	const char *dot = strrchr(s, '.');
	if (!dot || !dot[1] || strchr(s, ' '))
		return false;
	for (const char *p = dot + 1; *p; p++)
		if (!isalpha((unsigned char)*p))
			return false;
	return true;
}

/* The last `labels` labels of name, or NULL when it has fewer. */
static const char *last_labels(const char *name, int labels)
{
	const char *p = name + strlen(name);
	while (p > name) {
		p--;
		if (*p == '.' && --labels == 0)
			return p + 1;
	}
	return labels == 1 ? name : NULL;
}

/* Second levels under which countries register names (co.uk, com.au). */
static bool generic_sld(const char *sld, size_t len)
{
	static const char *const slds[] = {"ac", "co",  "com", "edu", "gov",
	                                   "ne", "net", "or",  "org"};
	for (size_t i = 0; i < sizeof(slds) / sizeof(slds[0]); i++)
		if (strlen(slds[i]) == len && strncasecmp(sld, slds[i], len) == 0)
			return true;
	return false;
}

/* The registrable domain: two labels, three under the generic second levels
 * such as co.uk or com.au. */
static void name_domain(const char *name, char *buf, size_t len)
{
	const char *two = last_labels(name, 2);
	const char *tld = last_labels(name, 1);
	buf[0] = '\0';
	if (!two)
		return;
	const char *three = last_labels(name, 3);
	if (three && strlen(tld) == 2 && generic_sld(two, (size_t)(tld - two) - 1))
		two = three;
	snprintf(buf, len, "%s", two);
	for (char *c = buf; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

void diag_hop_network(const struct model_hop *h, char *buf, size_t len)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < h->n_resp && i < MODEL_MAX_RESPONDERS; i++)
		if (h->resp[i].asn) {
			snprintf(buf, len, "AS%u", (unsigned)h->resp[i].asn);
			return;
		}
	for (unsigned i = 0; i < h->n_resp && i < MODEL_MAX_RESPONDERS; i++) {
		const struct model_responder *r = &h->resp[i];
		const char *name = r->name[0] ? r->name : r->text;
		struct model_addr a;
		if (model_addr_parse(name, &a) == 0 || !looks_like_name(name))
			continue;
		name_domain(name, buf, len);
		if (buf[0])
			return;
	}
}

/* Words of router names that say what a router is, not where. */
static bool generic_word(const char *w)
{
	static const char *const words[] = {
	    "access",  "agg",      "bb",     "border",  "bras",    "bundle", "cable", "ccr", "core",
	    "cust",    "customer", "dist",   "dsl",     "dynamic", "edge",   "eth",   "ext", "ftth",
	    "gateway", "host",     "int",    "lag",     "peer",    "pool",   "port",  "ptr", "rev",
	    "router",  "rtr",      "static", "transit", "vlan",    "www",
	};
	if (strlen(w) < 3)
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

/* The leading letters of the label at *pos ("fra" of "fra1", "frankfurt"),
 * lowercased; moves *pos to the next label. */
static void next_word(const char *name, size_t end, size_t *pos, char *word, size_t size)
{
	size_t i = *pos, n = 0;
	while (i < end && isalpha((unsigned char)name[i]) && n + 1 < size)
		word[n++] = (char)tolower((unsigned char)name[i++]);
	word[n] = '\0';
	while (i < end && name[i] != '.')
		i++;
	*pos = i + 1;
}

/* The length of a name without its domain: where place words can be. */
static size_t host_part(const char *name)
{
	char domain[MODEL_NAME_MAX];
	name_domain(name, domain, sizeof(domain));
	return strlen(name) > strlen(domain) ? strlen(name) - strlen(domain) : 0;
}

static bool name_has_word(const char *name, const char *want)
{
	char word[64];
	size_t end = host_part(name);
	for (size_t i = 0; i < end;) {
		next_word(name, end, &i, word, sizeof(word));
		if (strcmp(word, want) == 0)
			return true;
	}
	return false;
}

static const char *hop_name(const struct model_hop *h)
{
	if (h->n_resp == 0)
		return "";
	const struct model_responder *r = &h->resp[h->latest < h->n_resp ? h->latest : 0];
	const char *name = r->name[0] ? r->name : r->text;
	return looks_like_name(name) ? name : "";
}

bool diag_hop_same_place(const struct model_hop *a, const struct model_hop *b)
{
	const char *na = hop_name(a), *nb = hop_name(b);
	char word[64];
	size_t end = na[0] && nb[0] ? host_part(na) : 0;
	for (size_t i = 0; i < end;) {
		next_word(na, end, &i, word, sizeof(word));
		if (!generic_word(word) && name_has_word(nb, word))
			return true;
	}
	return false;
}

const char *diag_hop_label(const struct model_hop *h, char *buf, size_t len)
{
	if (h->n_resp == 0) {
		snprintf(buf, len, "hop %u (no reply)", h->ttl);
		return buf;
	}
	unsigned i = h->latest < h->n_resp ? h->latest : 0;
	snprintf(buf, len, "hop %u (%s)", h->ttl, model_responder_label(&h->resp[i], true));
	return buf;
}

static bool responders_match(const struct model_responder *x, const struct model_responder *y)
{
	struct model_addr ax, ay;
	if (diag_hop_addr(x, &ax) && diag_hop_addr(y, &ay))
		return model_addr_equal(&ax, &ay);
	return x->text[0] && strcmp(x->text, y->text) == 0;
}

bool diag_hop_same_responder(const struct model_hop *a, const struct model_hop *b)
{
	for (unsigned i = 0; i < a->n_resp && i < MODEL_MAX_RESPONDERS; i++)
		for (unsigned j = 0; j < b->n_resp && j < MODEL_MAX_RESPONDERS; j++)
			if (responders_match(&a->resp[i], &b->resp[j]))
				return true;
	return false;
}
